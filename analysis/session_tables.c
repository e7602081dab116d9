/* The session analysis: its TSV tables (n/a for missing, fixed decimals: byte-identical runs), and
 * why each n/a cell is n/a. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/beats_table.h"
#include "psyphys/eda_table.h"
#include "session_internal.h"

/* A number with `decimals` places (-1: 6 significant digits), or n/a. */
static void put_number(FILE *fp, double v, int decimals)
{
    if (!isfinite(v)) fputs("n/a", fp);
    else if (decimals < 0) fprintf(fp, "%.6g", v);
    else fprintf(fp, "%.*f", decimals, v);
}

/* Counts a row's n/a cell under its column and reason (na may be NULL; out of memory: the count
 * is lost and na->cap set to SIZE_MAX, which psy_session_write_table reports). */
static void na_note(psy_na_reasons *na, const char *column, const char *reason)
{
    if (!na || na->cap == SIZE_MAX) return;
    for (size_t i = na->n; i-- > 0;)
        if (strcmp(na->v[i].column, column) == 0 && strcmp(na->v[i].reason, reason) == 0) {
            na->v[i].rows++;
            return;
        }
    if (na->n == na->cap) {
        size_t nc = na->cap ? 2 * na->cap : 32;
        psy_na_reason *p = realloc(na->v, nc * sizeof *p);
        if (!p) {
            na->cap = SIZE_MAX;
            return;
        }
        na->v = p, na->cap = nc;
    }
    na->v[na->n++] = (psy_na_reason){column, reason, 1};
}

void psy_na_reasons_free(psy_na_reasons *na)
{
    if (!na) return;
    free(na->v);
    na->v = NULL, na->n = na->cap = 0;
}

const char *psy_session_no_beats_reason(const psy_session *s)
{
    if (s->hr >= 0) return "a heart rate averaged over seconds (bpm channel) is not beat-to-beat";
    if (s->heart == PSY_HEART_NONE) return "no ECG, RR, PPG or HR channel";
    return s->heart == PSY_HEART_PPG ? "no pulses detected" : "no beats detected";
}

/* A value of the table; n/a noted with its reason. */
static void put_or_note(FILE *fp, psy_na_reasons *na, const char *column, double v, int decimals, const char *reason)
{
    fputc('\t', fp);
    put_number(fp, v, decimals);
    if (!isfinite(v)) na_note(na, column, reason);
}

/* The HRV columns of a row, their n/a reasons noted. */
static void put_hrv(FILE *fp, psy_na_reasons *na, const psy_session *s, const psy_hrv_result *h)
{
    size_t n_columns;
    const psy_hrv_key *columns = psy_session_hrv_columns(&n_columns);
    for (size_t k = 0; k < n_columns; k++) {
        psy_hrv_key key = columns[k];
        const char *why = s->beats ? (h->values.na[key] ? h->values.na[key] : "not computed")
                                   : psy_session_no_beats_reason(s);
        put_or_note(fp, na, psy_hrv_key_name(key), h->values.v[key], -1, why);
    }
}

/* The pulse arrival time columns of a segment [start, end). */
static void put_pat(FILE *fp, psy_na_reasons *na, const psy_pat_list *pat, double start, double end)
{
    psy_pat_summary p;
    if (psy_pat_summarize(pat, start, end, &p) != PSY_OK) p.n_beats = 0, p.median_ms = p.sd_ms = NAN;
    const char *why = !p.n_beats ? "no R-peak in the segment"
                      : p.why == PSY_PAT_VALID ? "fewer than 5 R-peaks with a pulse arrival time"
                                               : psy_pat_reason_text(p.why);
    put_or_note(fp, na, "pat_median_ms", p.median_ms, 2, why);
    put_or_note(fp, na, "pat_sd_ms", p.sd_ms, 2, why);
    put_or_note(fp, na, "pat_valid_pct", p.n_beats ? 100.0 * (double)p.n_valid / (double)p.n_beats : NAN, 2,
                "no R-peak in the segment");
}

static void write_segments(FILE *fp, psy_session *s, psy_na_reasons *na)
{
    const psy_segment *seg = s->seg;
    size_t n = s->n_seg;
    fprintf(fp, "label\tonset\tduration\tmean_hr_bpm");
    size_t n_columns;
    const psy_hrv_key *columns = psy_session_hrv_columns(&n_columns);
    for (size_t k = 0; k < n_columns; k++) fprintf(fp, "\t%s", psy_hrv_key_name(columns[k]));
    fprintf(fp, "\tscl_us\tns_scr_per_min\teda_excluded_s\tscr_count\tscr_amplitude_sum_us"
                "\tscr_amplitude_mean_us\tresp_rate_per_min\trsa_p2t_ms\tnn_corrected_pct%s\n",
            s->pat ? "\tpat_median_ms\tpat_sd_ms\tpat_valid_pct" : "");
    for (size_t i = 0; i < n; i++) {
        double start = seg[i].onset_s, end = start + seg[i].duration_s;
        const psy_hrv_result h = s->seg_hrv[i];
        fprintf(fp, "%s\t%.6f\t%.6f", seg[i].label, start, seg[i].duration_s);
        double hr = s->hr >= 0 ? psy_session_hr_mean(s, start, end) : h.values.v[PSY_HRV_MEAN_HR_BPM];
        const char *hr_why = s->hr >= 0 ? "no heart-rate sample in the segment"
                             : s->beats ? (h.values.na[PSY_HRV_MEAN_HR_BPM] ? h.values.na[PSY_HRV_MEAN_HR_BPM] : "")
                                        : psy_session_no_beats_reason(s);
        put_or_note(fp, na, "mean_hr_bpm", hr, 3, hr_why);
        put_hrv(fp, na, s, &h);
        psy_eda_summary e;
        int has_eda = psy_session_eda_over(s, start, end, &e);
        const char *eda_why = s->eda < 0 ? "no EDA channel" : !s->scr ? "no skin conductance analysis"
                              : !has_eda ? "no skin conductance in the segment" : "no SCR in the segment";
        if (has_eda && !(e.valid_s > 0)) eda_why = e.ns_scr_per_min_na; /* nothing observed: no count */
        put_or_note(fp, na, "scl_us", e.scl_us, -1, eda_why);
        put_or_note(fp, na, "ns_scr_per_min", e.ns_scr_per_min, -1,
                    has_eda && e.ns_scr_per_min_na ? e.ns_scr_per_min_na : eda_why);
        put_or_note(fp, na, "eda_excluded_s", has_eda ? e.excluded_s : NAN, 0, eda_why);
        fputc('\t', fp);
        if (has_eda && e.valid_s > 0) fprintf(fp, "%zu", e.scr_count);
        else fputs("n/a", fp), na_note(na, "scr_count", eda_why);
        put_or_note(fp, na, "scr_amplitude_sum_us", has_eda ? e.scr_amplitude_sum_us : NAN, -1, eda_why);
        put_or_note(fp, na, "scr_amplitude_mean_us", e.scr_amplitude_mean_us, -1, eda_why);
        psy_breath_rate br = psy_session_breath_rate(s, start, end);
        put_or_note(fp, na, "resp_rate_per_min", br.per_min, 3, br.why ? br.why : "");
        const char *rsa_why;
        double rsa = psy_session_rsa_p2t(s, start, end, &rsa_why);
        put_or_note(fp, na, "rsa_p2t_ms", rsa, 3, rsa_why ? rsa_why : "");
        put_or_note(fp, na, "nn_corrected_pct", h.nn_corrected_pct, 2,
                    s->beats ? "no NN interval in the segment" : psy_session_no_beats_reason(s));
        if (s->pat) put_pat(fp, na, s->pat, start, end);
        fputc('\n', fp);
    }
}

/* Breathing over an epoch's window [onset - pre, onset + post]: the rate and the depth of its whole
 * breaths (usually n/a for the rate: an epoch is shorter than the rate's 30 s), each with why it is
 * n/a ("" when it is not). */
static void epoch_breathing(const psy_session *s, const psy_session_epoch *r, double *rate, const char **rate_why,
                            double *depth, const char **depth_why)
{
    double a = r->event->onset_s - s->cfg.pre_s, z = r->event->onset_s + s->cfg.post_s;
    psy_breath_rate br = psy_session_breath_rate(s, a, z);
    *rate = br.per_min, *rate_why = br.why ? br.why : "";
    *depth = psy_session_breath_depth(s, a, z, NULL, depth_why);
    if (!*depth_why) *depth_why = "";
}

static void write_epochs(FILE *fp, const psy_session *s, psy_na_reasons *na)
{
    static const char *const columns[] = {"hr_baseline_bpm",   "hr_mean_change_bpm", "hr_min_change_bpm",
                                          "hr_max_change_bpm", "hr_min_time_s",      "hr_max_time_s",
                                          "scr_amplitude_us",  "scr_latency_s",      "quality",
                                          "nn_corrected_pct",  "resp_rate_per_min",  "resp_depth"};
    enum { N_COLUMNS = sizeof columns / sizeof columns[0] };
    fprintf(fp, "label\tonset");
    for (size_t k = 0; k < N_COLUMNS; k++) fprintf(fp, "\t%s", columns[k]);
    fputc('\n', fp);
    const char *scr_why = s->eda < 0 ? "no EDA channel" : "no skin conductance analysis";
    for (size_t i = 0; i < s->n_rows; i++) {
        const psy_session_epoch *r = &s->rows[i];
        const psy_hr_response *h = &r->hr;
        /* the share is shown with a response, and where it is why there is none */
        int share = s->hr < 0 && (h->valid || strcmp(h->why, PSY_HR_RESPONSE_OVER_CORRECTED_REASON) == 0);
        double v[N_COLUMNS] = {h->valid ? h->baseline_bpm : NAN, h->valid ? h->mean_bpm : NAN,
                               h->valid ? h->min_bpm : NAN, h->valid ? h->max_bpm : NAN,
                               h->valid ? h->min_time_s : NAN, h->valid ? h->max_time_s : NAN,
                               r->has_scr ? r->scr.amplitude_us : NAN, r->has_scr ? r->scr.latency_s : NAN,
                               h->valid && s->hr < 0 ? 1.0 - h->corrected_share : NAN,
                               share ? 100.0 * h->corrected_share : NAN, NAN, NAN};
        const char *why[N_COLUMNS];
        epoch_breathing(s, r, &v[10], &why[10], &v[11], &why[11]);
        for (size_t k = 0; k < 6; k++) why[k] = h->why;
        why[6] = why[7] = scr_why;
        if (r->has_scr) why[7] = "no SCR in the latency window";
        if (r->has_scr && r->scr.na_reason) why[6] = why[7] = r->scr.na_reason;
        why[8] = why[9] = h->valid ? psy_session_no_beats_reason(s) : h->why;
        fprintf(fp, "%s\t%.6f", r->event->label, r->event->onset_s);
        for (size_t k = 0; k < N_COLUMNS; k++)
            put_or_note(fp, na, columns[k], v[k], k == 4 || k == 5 || k == 7 || k == 10 ? 3 : k == 9 ? 2 : k == 11 ? 6 : 4,
                        why[k]);
        fputc('\n', fp);
    }
}

/* Per label: the count and the means of the responses (SCR magnitude: zeros included, over the
 * epochs whose latency window was observed) and of the epochs' breathing rate and depth (over the
 * epochs that have one). */
static void write_epoch_means(FILE *fp, const psy_session *s)
{
    const psy_session_epoch *rows = s->rows;
    size_t n = s->n_rows;
    fprintf(fp, "label\tn\thr_mean_change_bpm\thr_min_change_bpm\thr_max_change_bpm\tscr_magnitude_us\tscr_count"
                "\tresp_rate_per_min\tresp_depth\n");
    for (size_t i = 0; i < n; i++) {
        int first = 1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(rows[j].event->label, rows[i].event->label) == 0) first = 0;
        if (!first) continue;
        double sum[6] = {0}, cnt[6] = {0};
        size_t total = 0, found = 0;
        for (size_t j = i; j < n; j++) {
            const psy_session_epoch *r = &rows[j];
            if (strcmp(r->event->label, rows[i].event->label) != 0) continue;
            total++;
            if (r->hr.valid) {
                sum[0] += r->hr.mean_bpm, sum[1] += r->hr.min_bpm, sum[2] += r->hr.max_bpm;
                cnt[0]++, cnt[1]++, cnt[2]++;
            }
            if (r->has_scr && !r->scr.na_reason) sum[3] += r->scr.amplitude_us, cnt[3]++, found += r->scr.found;
            double rate, depth;
            const char *why;
            epoch_breathing(s, r, &rate, &why, &depth, &why);
            if (!isnan(rate)) sum[4] += rate, cnt[4]++;
            if (!isnan(depth)) sum[5] += depth, cnt[5]++;
        }
        fprintf(fp, "%s\t%zu", rows[i].event->label, total);
        for (int k = 0; k < 4; k++) {
            fputc('\t', fp);
            put_number(fp, cnt[k] ? sum[k] / cnt[k] : NAN, 4);
        }
        if (cnt[3]) fprintf(fp, "\t%zu", found);
        else fputs("\tn/a", fp);
        fputc('\t', fp);
        put_number(fp, cnt[4] ? sum[4] / cnt[4] : NAN, 3);
        fputc('\t', fp);
        put_number(fp, cnt[5] ? sum[5] / cnt[5] : NAN, 6);
        fputc('\n', fp);
    }
}

/* HRV over windows of the whole recording (long recordings only). 1, or 0 when the rows' temporary
 * file cannot be read. */
static int write_hrv_windows(FILE *fp, psy_session *s, psy_na_reasons *na)
{
    fprintf(fp, "onset\tduration\tn_nn\tnn_corrected_pct");
    size_t n_columns;
    const psy_hrv_key *columns = psy_session_hrv_columns(&n_columns);
    for (size_t k = 0; k < n_columns; k++) fprintf(fp, "\t%s", psy_hrv_key_name(columns[k]));
    int gapped = psy_session_windows_gapped(s); /* how much of each window the beats cover: a column */
    nn_buf buf = {0};
    fputs(gapped ? "\trecorded_pct\n" : "\n", fp);
    double start = 0;
    for (size_t k = 0; k < s->n_win; k++, start += s->cfg.hrv_step_s) {
        psy_hrv_result h;
        if (!psy_session_window(s, k, &h)) {
            nn_buf_free(&buf);
            return 0;
        }
        fprintf(fp, "%.3f\t%.3f\t%zu", start, s->cfg.hrv_window_s, h.n_nn);
        double recorded = psy_session_nn_covered_pct(s, &buf, start, s->cfg.hrv_window_s); /* NaN: unread */
        const char *gap = isnan(recorded) ? nn_status_why(PSY_E_IO) : psy_hrv_window_gap_reason(recorded);
        put_or_note(fp, na, "nn_corrected_pct", h.nn_corrected_pct, 2, gap ? gap : "no NN interval in the window");
        put_hrv(fp, na, s, &h);
        if (gapped) fputc('\t', fp), put_number(fp, recorded, 2);
        fputc('\n', fp);
    }
    nn_buf_free(&buf);
    return 1;
}

/* One row per R-peak: its pulse's foot and arrival time, or why there is none. */
static void write_pat(FILE *fp, const psy_pat_list *p)
{
    fprintf(fp, "onset\tfoot_onset\tpat_ms\tpat_upstroke_ms\treason\n");
    for (size_t i = 0; i < p->n; i++) {
        fprintf(fp, "%.6f\t", p->r_onset_s[i]);
        put_number(fp, p->foot_s[i], 6);
        fputc('\t', fp);
        put_number(fp, p->pat_ms[i], 2);
        fputc('\t', fp);
        put_number(fp, p->pat_upstroke_ms[i], 2);
        fprintf(fp, "\t%s\n", psy_pat_reason_text(p->reason[i]));
    }
}

/* Copies the whole of `from` (a temporary file) to fp. 1, or 0 when `from` cannot be read or fp
 * written. */
static int copy_file(FILE *from, FILE *fp)
{
    char buf[4096];
    size_t k;
    if (fseek(from, 0, SEEK_SET) != 0) return 0;
    while ((k = fread(buf, 1, sizeof buf, from)) > 0)
        if (fwrite(buf, 1, k, fp) != k) return 0;
    return !ferror(from);
}

static const char *const table_names[PSY_TABLE_COUNT] = {"segments", "epochs", "epoch-means", "hrv-windows", "scr",
                                                         "pat", "beats", "breaths"};

const char *psy_session_table_name(psy_session_table table)
{
    return (unsigned)table < PSY_TABLE_COUNT ? table_names[table] : "";
}

int psy_session_has_table(const psy_session *s, psy_session_table table)
{
    if (!s) return 0;
    switch (table) {
    case PSY_TABLE_SEGMENTS: return 1;
    case PSY_TABLE_EPOCHS:
    case PSY_TABLE_EPOCH_MEANS: return s->n_rows > 0;
    case PSY_TABLE_HRV_WINDOWS: return s->n_win > 0;
    case PSY_TABLE_SCR: return s->scr != NULL;
    case PSY_TABLE_PAT: return s->pat != NULL;
    case PSY_TABLE_BEATS: return s->beats != NULL;
    case PSY_TABLE_BREATHS: return s->breaths != NULL;
    default: return 0;
    }
}

psy_status psy_session_write_table(psy_session *s, psy_session_table table, FILE *fp, psy_na_reasons *na)
{
    if (!fp || !psy_session_has_table(s, table)) return PSY_E_INVALID;
    switch (table) {
    case PSY_TABLE_SEGMENTS: write_segments(fp, s, na); break;
    case PSY_TABLE_EPOCHS: write_epochs(fp, s, na); break;
    case PSY_TABLE_EPOCH_MEANS: write_epoch_means(fp, s); break;
    case PSY_TABLE_HRV_WINDOWS:
        if (!write_hrv_windows(fp, s, na)) return PSY_E_IO;
        break;
    case PSY_TABLE_PAT: write_pat(fp, s->pat); break;
    case PSY_TABLE_BEATS:
        if (s->beats_table && !copy_file(s->beats_table, fp)) return PSY_E_IO;
        if (!s->beats_table) psy_beats_write_table(fp, s->beats);
        break;
    case PSY_TABLE_BREATHS: psy_breaths_write_tsv(fp, s->breaths, s->has_rsa ? &s->rsa : NULL); break;
    default: psy_eda_write_table(fp, PSY_EDA_TABLE_SCR, s->scr, NULL, NULL); break;
    }
    if (na && na->cap == SIZE_MAX) return PSY_E_NOMEM;
    return ferror(fp) ? PSY_E_IO : PSY_OK;
}
