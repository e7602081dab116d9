/* psyphys analyze: the TSV tables (n/a for missing, fixed decimals: byte-identical runs). */
#include <math.h>
#include <string.h>

#include "analyze.h"

/* A number with `decimals` places (-1: 6 significant digits), or n/a. */
static void put_number(FILE *fp, double v, int decimals)
{
    if (!isfinite(v)) fputs("n/a", fp);
    else if (decimals < 0) fprintf(fp, "%.6g", v);
    else fprintf(fp, "%.*f", decimals, v);
}

/* Counts a row's n/a: na {"column": {"reason": rows}}. */
static void na_note(json_t *na, const char *column, const char *reason)
{
    json_t *e = json_object_get(na, column);
    if (!e) json_object_set_new(na, column, e = json_object());
    json_t *c = json_object_get(e, reason);
    json_object_set_new(e, reason, json_integer(c ? json_integer_value(c) + 1 : 1));
}

/* Why the heart's columns are n/a when there are no beats at all. */
static const char *no_beats_reason(const analyze_session *s)
{
    if (s->hr >= 0) return "a heart rate averaged over seconds (bpm channel) is not beat-to-beat";
    if (s->ecg < 0) return "no ECG, RR or HR channel";
    return "no beats detected";
}

/* A value of the table; n/a noted with its reason. */
static void put_or_note(FILE *fp, json_t *na, const char *column, double v, int decimals, const char *reason)
{
    fputc('\t', fp);
    put_number(fp, v, decimals);
    if (!isfinite(v)) na_note(na, column, reason);
}

/* The HRV columns of a row, their n/a reasons noted. */
static void put_hrv(FILE *fp, json_t *na, const analyze_session *s, const psy_hrv_result *h)
{
    for (size_t k = 0; k < analyze_n_hrv_columns; k++) {
        psy_hrv_key key = analyze_hrv_columns[k];
        const char *why = s->beats ? (h->values.na[key] ? h->values.na[key] : "not computed") : no_beats_reason(s);
        put_or_note(fp, na, psy_hrv_key_name(key), h->values.v[key], -1, why);
    }
}

void analyze_write_segments(FILE *fp, analyze_session *s, const analyze_options *o, json_t *na)
{
    const psy_segment *seg = s->seg;
    size_t n = s->n_seg;
    fprintf(fp, "label\tonset\tduration\tmean_hr_bpm");
    for (size_t k = 0; k < analyze_n_hrv_columns; k++) fprintf(fp, "\t%s", psy_hrv_key_name(analyze_hrv_columns[k]));
    fprintf(fp, "\tscl_us\tns_scr_per_min\teda_excluded_s\tscr_count\tscr_amplitude_sum_us"
                "\tscr_amplitude_mean_us\tresp_rate_per_min\tnn_corrected_pct\n");
    for (size_t i = 0; i < n; i++) {
        double start = seg[i].onset_s, end = start + seg[i].duration_s;
        const psy_hrv_result h = s->seg_hrv[i];
        fprintf(fp, "%s\t%.6f\t%.6f", seg[i].label, start, seg[i].duration_s);
        double hr = s->hr >= 0 ? analyze_hr_series_mean(s, start, end) : h.values.v[PSY_HRV_MEAN_HR_BPM];
        const char *hr_why = s->hr >= 0 ? "no heart-rate sample in the segment"
                             : s->beats ? (h.values.na[PSY_HRV_MEAN_HR_BPM] ? h.values.na[PSY_HRV_MEAN_HR_BPM] : "")
                                        : no_beats_reason(s);
        put_or_note(fp, na, "mean_hr_bpm", hr, 3, hr_why);
        put_hrv(fp, na, s, &h);
        psy_eda_summary e;
        int has_eda = analyze_eda_of(s, o, start, end, &e);
        const char *eda_why = s->eda < 0 ? "no EDA channel" : !s->scr ? "no skin conductance analysis"
                              : !has_eda ? "no skin conductance in the segment" : "no SCR in the segment";
        put_or_note(fp, na, "scl_us", e.scl_us, -1, eda_why);
        put_or_note(fp, na, "ns_scr_per_min", e.ns_scr_per_min, -1,
                    has_eda && e.ns_scr_per_min_na ? e.ns_scr_per_min_na : eda_why);
        put_or_note(fp, na, "eda_excluded_s", has_eda ? e.excluded_s : NAN, 0, eda_why);
        fputc('\t', fp);
        if (has_eda) fprintf(fp, "%zu", e.scr_count);
        else fputs("n/a", fp), na_note(na, "scr_count", eda_why);
        put_or_note(fp, na, "scr_amplitude_sum_us", has_eda ? e.scr_amplitude_sum_us : NAN, -1, eda_why);
        put_or_note(fp, na, "scr_amplitude_mean_us", e.scr_amplitude_mean_us, -1, eda_why);
        psy_breath_rate br = analyze_breath_rate(s, start, end);
        put_or_note(fp, na, "resp_rate_per_min", br.per_min, 3, br.why ? br.why : "");
        put_or_note(fp, na, "nn_corrected_pct", h.nn_corrected_pct, 2,
                    s->beats ? "no NN interval in the segment" : no_beats_reason(s));
        fputc('\n', fp);
    }
}

void analyze_write_epochs(FILE *fp, const analyze_session *s, json_t *na)
{
    static const char *const columns[] = {"hr_baseline_bpm",   "hr_mean_change_bpm", "hr_min_change_bpm",
                                          "hr_max_change_bpm", "hr_min_time_s",      "hr_max_time_s",
                                          "scr_amplitude_us",  "scr_latency_s",      "quality",
                                          "nn_corrected_pct"};
    enum { N_COLUMNS = sizeof columns / sizeof columns[0] };
    fprintf(fp, "label\tonset");
    for (size_t k = 0; k < N_COLUMNS; k++) fprintf(fp, "\t%s", columns[k]);
    fputc('\n', fp);
    const char *scr_why = s->eda < 0 ? "no EDA channel" : "no skin conductance analysis";
    for (size_t i = 0; i < s->n_rows; i++) {
        const epoch_row *r = &s->rows[i];
        const psy_hr_response *h = &r->hr;
        /* the share is shown with a response, and where it is why there is none */
        int share = s->hr < 0 && (h->valid || strcmp(h->why, PSY_HR_RESPONSE_OVER_CORRECTED_REASON) == 0);
        double v[N_COLUMNS] = {h->valid ? h->baseline_bpm : NAN, h->valid ? h->mean_bpm : NAN,
                               h->valid ? h->min_bpm : NAN, h->valid ? h->max_bpm : NAN,
                               h->valid ? h->min_time_s : NAN, h->valid ? h->max_time_s : NAN,
                               r->has_scr ? r->scr.amplitude_us : NAN, r->has_scr ? r->scr.latency_s : NAN,
                               h->valid && s->hr < 0 ? 1.0 - h->corrected_share : NAN,
                               share ? 100.0 * h->corrected_share : NAN};
        const char *why[N_COLUMNS];
        for (size_t k = 0; k < 6; k++) why[k] = h->why;
        why[6] = why[7] = scr_why;
        if (r->has_scr) why[7] = "no SCR in the latency window";
        why[8] = why[9] = h->valid ? no_beats_reason(s) : h->why;
        fprintf(fp, "%s\t%.6f", r->event->label, r->event->onset_s);
        for (size_t k = 0; k < N_COLUMNS; k++)
            put_or_note(fp, na, columns[k], v[k], k == 4 || k == 5 || k == 7 ? 3 : k == 9 ? 2 : 4, why[k]);
        fputc('\n', fp);
    }
}

json_t *analyze_epochs_columns(void)
{
    json_t *c = json_object();
    static const char *const d[][3] = {
        {"label", "", "the event's label"},
        {"onset", "s", "the event's onset from the recording start"},
        {"hr_baseline_bpm", "bpm", "mean heart rate over the pre-event window [-pre, 0)"},
        {"hr_mean_change_bpm", "bpm", "mean heart rate over (0, post] minus the baseline"},
        {"hr_min_change_bpm", "bpm", "lowest heart rate over (0, post] minus the baseline (deceleration)"},
        {"hr_max_change_bpm", "bpm", "highest heart rate over (0, post] minus the baseline (acceleration)"},
        {"hr_min_time_s", "s", "when the lowest rate occurs, from the onset"},
        {"hr_max_time_s", "s", "when the highest rate occurs, from the onset"},
        {"scr_amplitude_us", "uS", "largest SCR with its onset in the latency window; 0 when none"},
        {"scr_latency_s", "s", "its onset minus the event's onset (n/a when none)"},
        {"quality", "", "1 - share of the epoch's beats whose interval was corrected"},
        {"nn_corrected_pct", "%", "share of the epoch's NN intervals that correction changed"}};
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++) {
        json_t *o = json_pack("{s:s}", "Description", d[k][2]);
        if (*d[k][1]) json_object_set_new(o, "Units", json_string(d[k][1]));
        json_object_set_new(c, d[k][0], o);
    }
    return c;
}

json_t *analyze_epoch_means_columns(void)
{
    return json_pack("{s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s}}", "label",
                     "Description", "the event label", "n", "Description", "its epochs", "hr_mean_change_bpm",
                     "Units", "bpm", "Description", "mean of the epochs' hr_mean_change_bpm", "hr_min_change_bpm",
                     "Units", "bpm", "Description", "mean of the epochs' hr_min_change_bpm", "hr_max_change_bpm",
                     "Units", "bpm", "Description", "mean of the epochs' hr_max_change_bpm", "scr_magnitude_us",
                     "Units", "uS", "Description", "mean SCR amplitude, zeros included (magnitude)", "scr_count",
                     "Description", "epochs with an SCR in the latency window");
}

/* Per label: the count and the means of the responses (SCR magnitude: zeros included). */
void analyze_write_epoch_means(FILE *fp, const analyze_session *s)
{
    const epoch_row *rows = s->rows;
    size_t n = s->n_rows;
    fprintf(fp, "label\tn\thr_mean_change_bpm\thr_min_change_bpm\thr_max_change_bpm\tscr_magnitude_us\tscr_count\n");
    for (size_t i = 0; i < n; i++) {
        int first = 1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(rows[j].event->label, rows[i].event->label) == 0) first = 0;
        if (!first) continue;
        double sum[4] = {0}, cnt[4] = {0};
        size_t total = 0, found = 0;
        for (size_t j = i; j < n; j++) {
            const epoch_row *r = &rows[j];
            if (strcmp(r->event->label, rows[i].event->label) != 0) continue;
            total++;
            if (r->hr.valid) {
                sum[0] += r->hr.mean_bpm, sum[1] += r->hr.min_bpm, sum[2] += r->hr.max_bpm;
                cnt[0]++, cnt[1]++, cnt[2]++;
            }
            if (r->has_scr) sum[3] += r->scr.amplitude_us, cnt[3]++, found += r->scr.found;
        }
        fprintf(fp, "%s\t%zu", rows[i].event->label, total);
        for (int k = 0; k < 4; k++) {
            fputc('\t', fp);
            put_number(fp, cnt[k] ? sum[k] / cnt[k] : NAN, 4);
        }
        if (cnt[3]) fprintf(fp, "\t%zu\n", found);
        else fputs("\tn/a\n", fp);
    }
}

/* HRV over windows of the whole recording (long recordings only). */
void analyze_write_hrv_windows(FILE *fp, analyze_session *s, const analyze_options *o, json_t *na)
{
    fprintf(fp, "onset\tduration\tn_nn\tnn_corrected_pct");
    for (size_t k = 0; k < analyze_n_hrv_columns; k++) fprintf(fp, "\t%s", psy_hrv_key_name(analyze_hrv_columns[k]));
    fputc('\n', fp);
    double start = 0;
    for (size_t k = 0; k < s->n_win; k++, start += o->hrv_step_s) {
        const psy_hrv_result *h = &s->win_hrv[k];
        fprintf(fp, "%.3f\t%.3f\t%zu", start, o->hrv_window_s, h->n_nn);
        put_or_note(fp, na, "nn_corrected_pct", h->nn_corrected_pct, 2, "no NN interval in the window");
        put_hrv(fp, na, s, h);
        fputc('\n', fp);
    }
}

void analyze_write_scr(FILE *fp, const psy_eda_result *r)
{
    fprintf(fp, "onset\tpeak_onset\tamplitude_us\trise_time_s\thalf_recovery_s\n");
    for (size_t i = 0; i < r->n; i++) {
        const psy_eda_scr *c = &r->scr[i];
        fprintf(fp, "%.4f\t%.4f\t%.5f\t%.4f\t", c->onset_s, c->peak_s, c->amplitude_us, c->rise_time_s);
        put_number(fp, c->half_recovery_s, 4);
        fputc('\n', fp);
    }
}
