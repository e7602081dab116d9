/* psyphys analyze: the short human summary on stdout. */
#include <math.h>

#include "analyze.h"

/* 0 for a change that prints as -0.00 (a flat rate's rounding noise). */
static double no_minus_zero(double v) { return fabs(v) < 0.005 ? 0.0 : v; }

/* One line per epoch: the heart-rate changes and the SCR. */
static void print_epochs(const psy_session_epoch *rows, size_t n_rows)
{
    printf("  %-16s %9s %9s %9s %9s %10s\n", "epoch", "onset_s", "dHR_mean", "dHR_min", "dHR_max", "SCR_uS");
    for (size_t i = 0; i < n_rows; i++) {
        const psy_session_epoch *r = &rows[i];
        printf("  %-16.16s %9.2f ", r->event->label, r->event->onset_s);
        if (r->hr.valid)
            printf("%+9.2f %+9.2f %+9.2f ", no_minus_zero(r->hr.mean_bpm), no_minus_zero(r->hr.min_bpm),
                   no_minus_zero(r->hr.max_bpm));
        else printf("%9s %9s %9s ", "n/a", "n/a", "n/a");
        if (r->has_scr && !r->scr.na_reason) printf("%10.3f\n", r->scr.amplitude_us);
        else printf("%10s\n", "n/a");
    }
}

/* The mark a summary line gets when a plausibility check found its numbers implausible. */
static const char *mark(const analyze_session *s, psy_check check)
{
    if (!s->res->implausible[check]) return "";
    return check == PSY_CHECK_EDA_UNIT ? " (values taken as uS: see the warnings)" : " (implausible: see the warnings)";
}

void analyze_print_summary(analyze_session *s, const analyze_options *o)
{
    const char *path = o->path;
    const psy_session_epoch *rows = s->res->epochs;
    size_t n_rows = s->res->n_epochs;
    const psy_segment *seg = s->res->segments;
    /* session events only: a record's beat annotations (not even read) and gap marks are not */
    printf("%s: %s, %.1f s, %zu session events\n", path, psy_reader_format(s->r), psy_reader_duration(s->r),
           s->res->n_event_onsets);
    if (s->res->beats) {
        const psy_hrv_result *h = &s->res->segment_hrv[0]; /* the segments table's first row */
        size_t artefacts = 0; /* beats of a class other than normal (a stretch's first beat has none) */
        for (int c = PSY_BEAT_NORMAL + 1; c < PSY_BEAT_CLASS_COUNT; c++) artefacts += s->res->beats->counts.n[c];
        int pulses = s->res->heart == PSY_HEART_PPG;
        const char *mean_na = h->values.na[PSY_HRV_MEAN_HR_BPM];
        printf("  heart   '%s': %zu %s (%zu artefacts", psy_reader_channel(s->r, s->res->beats_ch)->label,
               s->res->beats->n, pulses ? "pulses" : "beats", artefacts);
        if (isnan(h->nn_corrected_pct)) printf("; no NN interval)"); /* the segments table's n/a reason */
        else printf(", corrected; %.1f %% of NN intervals)", h->nn_corrected_pct);
        printf(", mean %s ", pulses ? "pulse rate" : "HR");
        if (isnan(h->values.v[PSY_HRV_MEAN_HR_BPM])) printf("n/a (%s)", mean_na ? mean_na : "not computed");
        else printf("%.1f bpm", h->values.v[PSY_HRV_MEAN_HR_BPM]);
        const psy_hrv_key keys[2] = {PSY_HRV_RMSSD_MS, PSY_HRV_SDNN_MS};
        for (int k = 0; k < 2; k++) {
            const char *name = pulses ? (k ? "PRV SDNN" : "PRV RMSSD") : k ? "SDNN" : "RMSSD";
            if (isnan(h->values.v[keys[k]])) printf(", %s n/a", name);
            else printf(", %s %.1f ms", name, h->values.v[keys[k]]);
        }
        if (h->over_corrected)
            printf(" (over the %g %% corrected limit%s)", o->max_corrected_pct,
                   o->keep_corrected ? ": kept, --keep-corrected" : "");
        printf("%s\n", mark(s, PSY_CHECK_HEART_RATE));
    }
    if (s->res->n_leads) {
        printf("  leads  ");
        for (int k = 0; k < s->res->n_leads; k++) {
            const psy_ecg_lead_quality *q = &s->res->lead_q[k];
            char r[16] = "n/a"; /* no window: the warnings say why */
            if (!isnan(q->template_r)) snprintf(r, sizeof r, "%.2f", q->template_r);
            printf(" '%s' %zu/%zu (r %s)%s%s", psy_reader_channel(s->r, s->res->lead_ch[k])->label, q->n_usable,
                   q->n_windows, r, s->res->lead_ch[k] == s->res->ecg ? " chosen" : "",
                   k + 1 < s->res->n_leads ? "," : "");
        }
        printf(" — usable 10-s windows of the first %.0f s\n", PSY_SESSION_LEAD_EXCERPT_S);
    }
    if (s->res->pat) {
        psy_pat_summary p;
        psy_pat_summarize(s->res->pat, -INFINITY, INFINITY, &p);
        printf("  PAT     '%s': %zu of %zu R-peaks, ", psy_reader_channel(s->r, s->res->ppg)->label, p.n_valid,
               p.n_beats);
        psy_message refused; /* the warning's words: one reason, the test that failed */
        if (isnan(p.median_ms) && psy_pat_why_refused(s->res->pat, &s->res->pat_config, &refused))
            printf("n/a (%s)\n", refused.text);
        else if (isnan(p.median_ms))
            printf("n/a (%s)\n", p.why == PSY_PAT_VALID ? "fewer than 5 valid" : psy_pat_reason_text(p.why));
        else printf("median %.0f ms (SD %.0f ms)\n", p.median_ms, p.sd_ms);
    }
    if (s->res->hr >= 0)
        printf("  heart   '%s': bpm channel, %zu samples, mean HR %.1f bpm (HRV n/a: not beat-to-beat)%s\n",
               psy_reader_channel(s->r, s->res->hr)->label, s->res->n_hr, psy_session_hr_mean(s->ps, -INFINITY, INFINITY),
               mark(s, PSY_CHECK_HEART_RATE));
    psy_eda_summary e;
    if (psy_session_eda_over(s->ps, seg[0].onset_s, seg[0].onset_s + seg[0].duration_s, &e)) {
        /* the segments table's first row: the same call, so the same figures */
        printf("  skin    '%s': %zu SCRs, SCL %.2f uS, ", psy_reader_channel(s->r, s->res->eda)->label, e.scr_count,
               e.scl_us);
        if (isnan(e.ns_scr_per_min)) printf("NS-SCR/min n/a (%s)", e.ns_scr_per_min_na ? e.ns_scr_per_min_na : "");
        else printf("%.1f NS-SCR/min", e.ns_scr_per_min);
        if (e.excluded_s > 0) printf(" (%.0f s excluded)", e.excluded_s);
        printf("%s%s\n", mark(s, PSY_CHECK_SCL_FLOOR), mark(s, PSY_CHECK_EDA_UNIT));
    }
    if (s->res->breath_list) { /* the segments table's first row */
        psy_breath_rate b = psy_session_breath_rate(s->ps, seg[0].onset_s, seg[0].onset_s + seg[0].duration_s);
        if (s->res->rsp >= 0) printf("  breath  '%s': ", psy_reader_channel(s->r, s->res->rsp)->label);
        else printf("  breath  ECG-derived from '%s': ", psy_reader_channel(s->r, s->res->ecg)->label);
        printf("%zu breaths, ", s->res->n_breaths);
        if (isnan(b.per_min)) printf("rate n/a (%s)", b.why);
        else printf("%.1f /min", b.per_min);
        printf("%s\n", mark(s, PSY_CHECK_BREATHING_RATE));
    }
    if (n_rows) print_epochs(rows, n_rows);
    /* every warning of the sidecars: the recording's and its event files' (read), then the analysis' */
    cli_warn_reader(path, s->r);
    for (size_t i = 0; i < s->res->n_warnings; i++)
        fprintf(stderr, "psyphys: %s: warning: %s\n", path, s->res->warnings[i]);
}
