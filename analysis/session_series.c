/* The session analysis: markers over an interval of the recording (HRV, breathing rate). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psy_core.h" /* psy_temp_file */

#include "breaths_internal.h"
#include "session_internal.h"

/* Why a breathing marker is n/a when the session has no breaths. */
static const char *no_breaths_reason(const psy_session *s)
{
    if (s->rsp >= 0) return "no breaths detected on the RSP channel";
    return s->cfg.edr ? "no ECG-derived breaths" : "no RSP channel";
}

/* 1 when breath i lies whole in [start, end] (s, recording axis): the breaths of
 * psy_breath_list_rate_over. */
static int breath_within(const psy_breath_list *l, size_t i, double start, double end)
{
    return l->onset_s[i] >= start && l->end_s[i] <= end;
}

psy_breath_rate psy_session_breath_rate(const psy_session *s, double start, double end)
{
    psy_breath_rate b = {NAN, 0, 0, s->breaths ? "no whole breath in the segment" : no_breaths_reason(s)};
    if (s->breaths) psy_breath_list_rate_over(s->breaths, start, end, &b);
    return b;
}

double psy_session_breath_depth(const psy_session *s, double start, double end, size_t *n_breaths, const char **why)
{
    const psy_breath_list *l = s->breaths;
    size_t n = 0;
    if (n_breaths) *n_breaths = 0;
    *why = l ? "no whole breath in the span" : no_breaths_reason(s);
    if (!l) return NAN;
    double *v = malloc((l->n ? l->n : 1) * sizeof *v);
    if (!v) {
        *why = "out of memory";
        return NAN;
    }
    for (size_t i = 0; i < l->n; i++)
        if (breath_within(l, i, start, end)) v[n++] = l->b[i].amplitude;
    double depth = breaths_median(v, n);
    free(v);
    if (n) *why = NULL;
    if (n_breaths) *n_breaths = n;
    return depth;
}

double psy_session_rsa_p2t(const psy_session *s, double start, double end, const char **why)
{
    *why = !s->breaths ? no_breaths_reason(s)
           : s->rsa_why ? s->rsa_why /* set whenever there are breaths but no RSA */
           : !s->beats  ? "no beats"
                        : "no whole breath with NN intervals in both phases";
    if (!s->has_rsa) return NAN;
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->breaths->n; i++)
        if (breath_within(s->breaths, i, start, end) && !isnan(s->rsa.p2t_ms[i])) sum += s->rsa.p2t_ms[i], n++;
    /* the recording's mean as psyphys resp's: from PSY_RSA_MIN_BREATHS values */
    if (n >= PSY_RSA_MIN_BREATHS) *why = NULL;
    else if (n) *why = BREATHS_FEW_P2T;
    return n >= PSY_RSA_MIN_BREATHS ? sum / (double)n : NAN;
}

int psy_session_eda_over(const psy_session *s, double start, double end, psy_eda_summary *e)
{
    memset(e, 0, sizeof *e);
    e->scl_us = e->ns_scr_per_min = e->scr_amplitude_sum_us = e->scr_amplitude_mean_us = NAN;
    return s->scr && psy_eda_summarize(s->scr, start, end, s->events, s->n_events, s->cfg.latency_min_s,
                                       s->cfg.latency_max_s, e) == PSY_OK;
}

static const psy_hrv_key hrv_columns[] = {
    PSY_HRV_MEAN_NN_MS, PSY_HRV_SDNN_MS, PSY_HRV_RMSSD_MS, PSY_HRV_SDSD_MS, PSY_HRV_PNN50_PCT,
    PSY_HRV_PNN20_PCT, PSY_HRV_CVNN, PSY_HRV_CVSD, PSY_HRV_MEDIAN_NN_MS, PSY_HRV_MAD_NN_MS,
    PSY_HRV_IQR_NN_MS, PSY_HRV_MIN_NN_MS, PSY_HRV_MAX_NN_MS, PSY_HRV_HTI, PSY_HRV_TINN_MS,
    PSY_HRV_SDANN_MS, PSY_HRV_SDNNI_MS, PSY_HRV_ULF_MS2, PSY_HRV_VLF_MS2, PSY_HRV_LF_MS2,
    PSY_HRV_HF_MS2, PSY_HRV_VHF_MS2, PSY_HRV_TOTAL_POWER_MS2, PSY_HRV_LF_HF, PSY_HRV_LF_NU,
    PSY_HRV_HF_NU, PSY_HRV_LF_PEAK_HZ, PSY_HRV_HF_PEAK_HZ, PSY_HRV_SD1_MS, PSY_HRV_SD2_MS,
    PSY_HRV_SD1_SD2, PSY_HRV_SAMPEN, PSY_HRV_APEN, PSY_HRV_DFA_ALPHA1, PSY_HRV_DFA_ALPHA2};

const psy_hrv_key *psy_session_hrv_columns(size_t *n)
{
    if (n) *n = sizeof hrv_columns / sizeof hrv_columns[0];
    return hrv_columns;
}

/* Every value of out n/a for why. */
static void hrv_none(psy_hrv_result *out, const char *why)
{
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) out->values.v[k] = NAN, out->values.na[k] = why;
    out->n_nn = 0;
    out->nn_corrected_pct = NAN;
    out->over_corrected = 0;
}

/* psy_session_hrv_over by analyser h, a spooled series' slices read into buf. */
static void hrv_over(const psy_session *s, psy_hrv *h, nn_buf *buf, double start, double end, psy_hrv_result *out)
{
    hrv_none(out, "no beats");
    if (!s->beats || !h) return;
    nn_view v = psy_session_nn(s);
    psy_status st = nn_view_hrv(&v, h, start, end, buf, out); /* NN ending in (start, end] */
    if (st == PSY_E_IO || st == PSY_E_NOMEM) hrv_none(out, nn_status_why(st));
}

void psy_session_hrv_over(psy_session *s, double start, double end, psy_hrv_result *out)
{
    nn_buf buf = {0};
    hrv_over(s, s->hrv, &buf, start, end, out);
    nn_buf_free(&buf);
}

double psy_session_nn_covered_pct(const psy_session *s, nn_buf *buf, double start, double length)
{
    if (!s->beats) return 0;
    nn_view v = psy_session_nn(s);
    size_t n = s->beats->n_nn;
    if (!v.spool) return psy_hrv_covered_pct(s->beats->nn_ms, s->beats->nn_onset_s, n, start, length);
    /* the slice from the last beat up to start (its interval's beat before) to the first beat past
     * the end: the intervals that may cover the span, as the whole series' would */
    psy_status st = PSY_OK;
    size_t a = nn_view_bound(&v, start, 1, &st), b = nn_view_bound(&v, start + length, 1, &st);
    a = a ? a - 1 : 0, b = b < n ? b + 1 : n;
    nn_slice sl;
    if (st != PSY_OK || nn_view_slice(&v, a, b, buf, &sl) != PSY_OK) return NAN;
    return psy_hrv_covered_pct(sl.nn, sl.t, sl.n, start, length);
}

int psy_session_windows_gapped(const psy_session *s)
{
    return psy_reader_stretch_count(s->r) > 1 || (s->beats && s->beats->n_gaps > 0);
}

/* Window k of the HRV windows table: [k step, k step + window). */
static size_t n_hrv_windows(const psy_session *s, const psy_session_config *o)
{
    double end = psy_reader_duration(s->r);
    if (!s->beats || end < 2 * o->hrv_window_s) return 0;
    size_t n = 0;
    for (double start = 0; start + o->hrv_window_s <= end + 1e-9; start += o->hrv_step_s) n++;
    return n;
}

_Static_assert(sizeof hrv_columns / sizeof hrv_columns[0] == SESSION_HRV_COLUMNS, "a window row per column");

/* What the windows table prints of h. */
static void compact_row(const psy_hrv_result *h, session_window_row *row)
{
    row->n_nn = h->n_nn;
    row->nn_corrected_pct = h->nn_corrected_pct;
    for (size_t k = 0; k < SESSION_HRV_COLUMNS; k++)
        row->v[k] = h->values.v[hrv_columns[k]], row->na[k] = h->values.na[hrv_columns[k]];
}

int psy_session_window(const psy_session *s, size_t k, psy_hrv_result *out)
{
    if (s->win_hrv) {
        *out = s->win_hrv[k];
        return 1;
    }
    memset(out, 0, sizeof *out);
    session_window_row file_row;
    const session_window_row *row = &file_row;
    if (s->win_rows) row = &s->win_rows[k];
    else if (fseeko(s->win_file, (off_t)(k * sizeof file_row), SEEK_SET) != 0 ||
             fread(&file_row, sizeof file_row, 1, s->win_file) != 1)
        return 0;
    out->n_nn = row->n_nn;
    out->nn_corrected_pct = row->nn_corrected_pct;
    for (size_t c = 0; c < SESSION_HRV_COLUMNS; c++)
        out->values.v[hrv_columns[c]] = row->v[c], out->values.na[hrv_columns[c]] = row->na[c];
    return 1;
}

/* The HRV of the windows by analyser h into s->win_hrv (whole results), s->win_rows (rows in
 * memory) or s->win_file (rows in a temporary file: one fixed-size row a window, its n/a reasons
 * static strings read back by this same process). *over: the windows above the corrected-share
 * limit; *crossing: the windows analysed across a gap of the recording or the heart channel
 * (psy_hrv_window_gap_reason of the series' coverage refuses the others). 0, or the errno of the file's write that failed (errno is the writing
 * thread's). Touches nothing else of s: it may run beside the segments (psy_session_hrv_rows). */
static int hrv_windows(psy_session *s, psy_hrv *h, size_t *over, size_t *crossing)
{
    *over = *crossing = 0;
    double start = 0;
    int gapped = psy_session_windows_gapped(s); /* else the series' ends only: no gap to warn of */
    nn_buf buf = {0}; /* this thread's slices of a spooled series (read by pread: no shared offset) */
    for (size_t k = 0; k < s->n_win; k++, start += s->cfg.hrv_step_s) {
        psy_hrv_result r, *out = s->win_hrv ? &s->win_hrv[k] : &r;
        double recorded = psy_session_nn_covered_pct(s, &buf, start, s->cfg.hrv_window_s);
        const char *why = isnan(recorded) ? nn_status_why(PSY_E_IO) : psy_hrv_window_gap_reason(recorded);
        if (why) hrv_none(out, why);
        else hrv_over(s, h, &buf, start, start + s->cfg.hrv_window_s, out);
        *over += out->over_corrected;
        *crossing += !why && recorded < 100 && gapped;
        if (s->win_rows) compact_row(out, &s->win_rows[k]);
        if (s->win_file) {
            session_window_row row;
            memset(&row, 0, sizeof row); /* no stack bytes in the file's padding */
            compact_row(out, &row);
            if (fwrite(&row, sizeof row, 1, s->win_file) != 1) {
                int err = errno ? errno : EIO;
                nn_buf_free(&buf);
                return err;
            }
        }
    }
    nn_buf_free(&buf);
    if (s->win_file && fflush(s->win_file) != 0) return errno ? errno : EIO; /* a full disk shows here at the latest */
    return 0;
}

/* Room for the windows' HRV: by default whole results; under cfg.lean_results their rows in a
 * temporary file, else in memory (failed: why no file, and the system's reason). 1, or 0 when
 * out of memory. */
static int windows_room(psy_session *s, char *failed, size_t size)
{
    if (s->cfg.lean_results && s->n_win) {
        if ((s->win_file = psy_temp_file()) != NULL) return 1;
        char err[128];
        snprintf(failed, size, "their temporary file could not be made: %s", psy_errno_text(errno, err, sizeof err));
    }
    if (s->cfg.lean_results) s->win_rows = malloc((s->n_win ? s->n_win : 1) * sizeof *s->win_rows);
    else s->win_hrv = calloc(s->n_win ? s->n_win : 1, sizeof *s->win_hrv);
    return s->win_rows || s->win_hrv;
}

typedef struct windows_job {
    psy_session *s;
    psy_hrv *h;
    size_t over, crossing;
    int err; /* hrv_windows' */
} windows_job;

static void *windows_thread(void *arg)
{
    windows_job *j = arg;
    j->err = hrv_windows(j->s, j->h, &j->over, &j->crossing);
    return NULL;
}

/* Fewer HRV windows than this take the session's analyser after the segments: a short
 * recording's few windows do not pay for a thread and a second analyser (~0.8 MB, its FFTW
 * plans). The rows are the same either way. */
#define THREAD_MIN_WINDOWS 8

int psy_session_hrv_rows(psy_session *s, int may_thread)
{
    const psy_session_config *o = &s->cfg;
    s->n_win = n_hrv_windows(s, o);
    s->seg_hrv = calloc(s->n_seg ? s->n_seg : 1, sizeof *s->seg_hrv);
    char failed[200] = ""; /* why the windows' rows are not in a temporary file under lean */
    if (!s->seg_hrv || !windows_room(s, failed, sizeof failed)) return 0;
    /* The windows in a second thread with an analyser of their own while the segments (the whole
     * recording's HRV) take this one: each row is a function of the beats and the settings alone,
     * so the same whichever finishes first; on one thread when either cannot be had, or when
     * there are few windows. Joined before the return. The thread touches only the windows'
     * storage; warnings are the session's, given after it has joined. */
    windows_job job = {s, NULL, 0, 0, 0};
    pthread_t thread;
    int threaded = may_thread && s->n_win >= THREAD_MIN_WINDOWS && s->n_seg && s->hrv &&
                   psy_hrv_create(&s->hrv_cfg, &job.h, NULL) == PSY_OK &&
                   pthread_create(&thread, NULL, windows_thread, &job) == 0;
    size_t over[2] = {0, 0};
    nn_buf buf = {0};
    for (size_t i = 0; i < s->n_seg; i++) {
        hrv_over(s, s->hrv, &buf, s->seg[i].onset_s, s->seg[i].onset_s + s->seg[i].duration_s, &s->seg_hrv[i]);
        over[0] += s->seg_hrv[i].over_corrected;
    }
    nn_buf_free(&buf);
    if (threaded) pthread_join(thread, NULL);
    else job.err = hrv_windows(s, s->hrv, &job.over, &job.crossing);
    psy_hrv_destroy(job.h);
    over[1] = job.over;
    if (job.err) { /* the temporary file could not be written: the same rows in memory */
        char err[128];
        fclose(s->win_file), s->win_file = NULL;
        snprintf(failed, sizeof failed, "their temporary file could not be written: %s",
                 psy_errno_text(job.err, err, sizeof err));
        s->win_rows = malloc((s->n_win ? s->n_win : 1) * sizeof *s->win_rows);
        if (!s->win_rows) return 0;
        hrv_windows(s, s->hrv, &over[1], &job.crossing); /* in memory: nothing to fail */
    }
    if (failed[0]) psy_session_warn_not_lean(s, "the HRV windows' rows are", failed);
    if (job.crossing)
        psy_session_warn(s, "%zu HRV window(s) cross a gap of the recording: their HRV is from the part with data "
                        "(recorded_pct, at least %g %%)", job.crossing, PSY_HRV_WINDOW_MIN_RECORDED_PCT);
    if (over[0] || over[1])
        psy_session_warn(s, "%zu segment(s) and %zu HRV window(s) have more than %g %% of their NN intervals corrected "
                        "(nn_corrected_pct): their HRV is %s", over[0], over[1], o->max_corrected_pct,
                     o->keep_corrected ? "kept (--keep-corrected): interpret it with care"
                                       : "n/a (--max-corrected-pct sets the limit, --keep-corrected keeps it)");
    return 1;
}
