/* The session analysis (psyphys/session.h) on the bundled recording: the results psyphys analyze
 * prints, the tables and their n/a reasons, refusals, and a second run equal to the first. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"
#include "session_internal.h"

#define DEMO PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf"

static psy_reader *open_demo(void)
{
    psy_reader *r = NULL;
    psy_message why;
    psy_open_options opt = psy_open_options_default();
    assert_int_equal(psy_reader_open(DEMO, &opt, &r, &why), PSY_OK);
    return r;
}

/* The table as text, and how many of its cells are n/a. */
static char *table_text(psy_session *s, psy_session_table t, psy_na_reasons *na, size_t *n_na)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_non_null(fp);
    assert_int_equal(psy_session_write_table(s, t, fp, na), PSY_OK);
    fclose(fp);
    *n_na = 0;
    for (const char *p = buf; (p = strstr(p, "n/a")); p += 3) ++*n_na;
    return buf;
}

static size_t lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++) n += *text == '\n';
    return n;
}

static void demo_results(void **state)
{
    (void)state;
    psy_reader *r = open_demo();
    psy_session_config cfg = psy_session_config_default();
    psy_session *s = NULL;
    psy_message why;
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    const psy_session_results *res = psy_session_results_of(s);
    /* The channels, beats and responses `psyphys analyze` prints for this recording. */
    assert_string_equal(psy_reader_channel(r, res->ecg)->label, "ECG");
    assert_string_equal(psy_reader_channel(r, res->eda)->label, "EDA");
    assert_string_equal(psy_reader_channel(r, res->rsp)->label, "RSP");
    assert_int_equal(res->hr, -1);
    assert_non_null(res->beats);
    assert_int_equal(res->beats->n, 152);
    assert_non_null(res->scr);
    assert_int_equal(res->scr->n, 15);
    assert_int_equal(res->n_breaths, 42); /* the breath detector validated on MARSH (issue 20) */
    assert_int_equal(res->n_segments, 5); /* the recording, then the four events with a duration */
    assert_string_equal(res->segments[0].label, "recording");
    assert_true(fabs(res->segment_hrv[0].values.v[PSY_HRV_RMSSD_MS] - 72.4396) < 1e-3);
    assert_true(fabs(res->segment_hrv[0].values.v[PSY_HRV_MEAN_HR_BPM] - 60.860) < 1e-3);
    assert_int_equal(res->n_epochs, 4);
    assert_string_equal(res->epochs[0].event->label, "Negative");
    assert_true(res->epochs[0].hr.valid);
    assert_true(fabs(res->epochs[0].hr.mean_bpm - -4.219) < 0.005);
    assert_true(res->epochs[0].has_scr && fabs(res->epochs[0].scr.amplitude_us - 3.679) < 0.0005);
    assert_int_equal(res->n_windows, 0); /* 150 s: shorter than two 300-s windows */
    assert_int_equal(res->n_skipped, 0);
    /* Summary figures over a span are the tables' figures. */
    psy_eda_summary e;
    assert_true(psy_session_eda_over(s, 0, 150, &e));
    assert_int_equal(e.scr_count, 15);
    assert_true(fabs(psy_session_breath_rate(s, 0, 150).per_min - 16.9) < 0.05);
    assert_true(isnan(psy_session_hr_mean(s, 0, 150))); /* no bpm channel */

    /* Tables: a header and one row per item; every n/a cell counted under a reason. */
    psy_session_table kinds[] = {PSY_TABLE_SEGMENTS, PSY_TABLE_EPOCHS, PSY_TABLE_HRV_WINDOWS};
    size_t rows[] = {res->n_segments, res->n_epochs, res->n_windows};
    for (int k = 0; k < 3; k++) {
        if (!psy_session_has_table(s, kinds[k])) {
            assert_int_equal(rows[k], 0);
            continue;
        }
        psy_na_reasons na = {0};
        size_t n_na;
        char *text = table_text(s, kinds[k], &na, &n_na);
        assert_int_equal(lines(text), rows[k] + 1);
        size_t counted = 0;
        for (size_t i = 0; i < na.n; i++) {
            assert_true(na.v[i].rows > 0 && na.v[i].reason && na.v[i].column);
            counted += na.v[i].rows;
        }
        assert_int_equal(counted, n_na);
        assert_true(n_na > 0); /* the events are too short for most HRV metrics */
        psy_na_reasons_free(&na);
        free(text);
    }
    size_t n_na;
    char *scr = table_text(s, PSY_TABLE_SCR, NULL, &n_na);
    assert_int_equal(lines(scr), 16);
    assert_int_equal(strncmp(scr, "onset\tpeak_onset\t", 17), 0);
    free(scr);
    psy_session_free(s);
    psy_reader_close(r);
}

/* Same input and settings: the same tables, byte for byte. */
static void repeatable(void **state)
{
    (void)state;
    psy_reader *r = open_demo();
    psy_session_config cfg = psy_session_config_default();
    const char *labels[] = {"Neutral"};
    cfg.rule = PSY_SEGMENTS_WINDOWS, cfg.window_s = 60, cfg.step_s = 30;
    cfg.epoch_labels = labels, cfg.n_epoch_labels = 1;
    cfg.eda_method = PSY_EDA_DECONV;
    char *text[2];
    for (int run = 0; run < 2; run++) {
        psy_session *s = NULL;
        assert_int_equal(psy_session_run(r, &cfg, &s, NULL), PSY_OK);
        const psy_session_results *res = psy_session_results_of(s);
        assert_int_equal(res->n_epochs, 2);
        assert_int_equal(res->n_segments, 5); /* the recording, then windows at 0, 30, 60 and 90 s */
        size_t n_na;
        text[run] = table_text(s, PSY_TABLE_SEGMENTS, NULL, &n_na);
        psy_session_free(s);
    }
    assert_string_equal(text[0], text[1]);
    free(text[0]);
    free(text[1]);
    psy_reader_close(r);
}

static void refusals(void **state)
{
    (void)state;
    psy_reader *r = open_demo();
    psy_session_config cfg = psy_session_config_default();
    psy_session *s = (psy_session *)1;
    psy_message why;
    cfg.ecg = "Nope";
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_E_NOT_FOUND);
    assert_null(s);
    assert_non_null(strstr(why.text, "Nope"));
    cfg = psy_session_config_default();
    cfg.eda = "ECG"; /* an ECG channel is not skin conductance */
    assert_int_not_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    assert_null(s);
    cfg = psy_session_config_default();
    cfg.latency_min_s = 4, cfg.latency_max_s = 1;
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_E_INVALID);
    cfg = psy_session_config_default();
    cfg.rule = PSY_SEGMENTS_WINDOWS; /* without a window length */
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_E_INVALID);
    cfg = psy_session_config_default();
    cfg.ecg = "ECG", cfg.hr = "ECG";
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_E_INVALID);
    assert_int_equal(psy_session_run(NULL, &cfg, &s, &why), PSY_E_INVALID);
    assert_int_equal(psy_session_run(r, NULL, &s, &why), PSY_E_INVALID);
    assert_int_equal(psy_session_run(r, &cfg, NULL, &why), PSY_E_INVALID);
    assert_int_equal(psy_session_write_table(NULL, PSY_TABLE_SEGMENTS, stdout, NULL), PSY_E_INVALID);
    assert_null(psy_session_results_of(NULL));
    psy_session_free(NULL);
    psy_reader_close(r);
}

/* Events the session cannot place are skipped with their reason, never dropped silently. */
static void skipped_events(void **state)
{
    (void)state;
    psy_reader *r = open_demo();
    psy_event e = {.sample = -1, .channel = -1, .label = "late", .onset_s = 400, .duration_s = NAN};
    assert_int_equal(psy_reader_add_events(r, &e, 1), PSY_OK);
    psy_session_config cfg = psy_session_config_default();
    psy_session *s = NULL;
    assert_int_equal(psy_session_run(r, &cfg, &s, NULL), PSY_OK);
    const psy_session_results *res = psy_session_results_of(s);
    assert_int_equal(res->n_skipped, 1);
    assert_string_equal(res->skipped[0].label, "late");
    assert_true(res->skipped[0].onset_s == 400);
    assert_non_null(strstr(res->skipped[0].reason, "outside the recording"));
    int warned = 0;
    for (size_t i = 0; i < res->n_warnings; i++) warned |= strstr(res->warnings[i], "'late'") != NULL;
    assert_true(warned);
    assert_int_equal(res->n_epochs, 4);
    psy_session_free(s);
    psy_reader_close(r);
}

/* psy_session_open: the session opens and owns the recording. */
static void open_path(void **state)
{
    (void)state;
    psy_session *s = NULL;
    psy_message why;
    psy_session_config cfg = psy_session_config_default();
    assert_int_equal(psy_session_open(DEMO, NULL, &cfg, &s, &why), PSY_OK);
    const psy_session_results *res = psy_session_results_of(s);
    assert_int_equal(res->n_epochs, 4);
    assert_ptr_equal(psy_session_reader(s), res->reader);
    assert_true(psy_reader_duration(psy_session_reader(s)) == 150);
    psy_session_free(s); /* closes the reader (LeakSanitizer checks) */
    assert_int_equal(psy_session_open(PSYPHYS_SOURCE_DIR "/no/such.edf", NULL, &cfg, &s, &why), PSY_E_IO);
    assert_null(s);
    assert_null(psy_session_reader(NULL));
}

/* Caller-given channels (psy_reader_from_arrays): the demo's signals and events as arrays give the
 * tables the file gives, byte for byte. */
static void caller_channels(void **state)
{
    (void)state;
    psy_reader *file = open_demo();
    int nc = psy_reader_channel_count(file);
    psy_array_channel ch[8];
    double *x[8] = {0};
    assert_true(nc <= 8);
    for (int i = 0; i < nc; i++) {
        const psy_channel_info *c = psy_reader_channel(file, i);
        x[i] = malloc((size_t)c->frames * sizeof *x[i]);
        assert_non_null(x[i]);
        assert_int_equal(psy_reader_read(file, i, 0, c->frames, x[i]), PSY_OK);
        ch[i] = (psy_array_channel){c->label, c->type, c->unit, c->rate_hz, x[i], NULL, c->frames};
    }
    size_t ne = psy_reader_event_count(file);
    psy_event ev[16];
    assert_true(ne <= 16);
    for (size_t k = 0; k < ne; k++) ev[k] = *psy_reader_event(file, k);
    psy_reader *mem = NULL;
    psy_message why;
    assert_int_equal(psy_reader_from_arrays(ch, nc, ev, ne, &mem, &why), PSY_OK);
    for (int i = 0; i < nc; i++) free(x[i]); /* copied */
    assert_int_equal(psy_reader_event_count(mem), ne);
    psy_session_config cfg = psy_session_config_default();
    char *text[2][3];
    psy_reader *readers[2] = {file, mem};
    psy_session_table kinds[3] = {PSY_TABLE_SEGMENTS, PSY_TABLE_EPOCHS, PSY_TABLE_SCR};
    for (int k = 0; k < 2; k++) {
        psy_session *s = NULL;
        assert_int_equal(psy_session_run(readers[k], &cfg, &s, &why), PSY_OK);
        size_t n_na;
        for (int t = 0; t < 3; t++) text[k][t] = table_text(s, kinds[t], NULL, &n_na);
        psy_session_free(s);
    }
    for (int t = 0; t < 3; t++) {
        assert_string_equal(text[0][t], text[1][t]);
        free(text[0][t]);
        free(text[1][t]);
    }
    psy_reader_close(mem);
    psy_reader_close(file);
    /* an RR list as an irregular channel */
    double rr[4] = {800, 810, 790, 805}, t[4] = {0.8, 1.61, 2.4, 3.205};
    psy_array_channel list = {"RR", PSY_CH_RR, "ms", 0, rr, t, 4};
    assert_int_equal(psy_reader_from_arrays(&list, 1, NULL, 0, &mem, &why), PSY_OK);
    double back[4];
    assert_int_equal(psy_reader_read_times(mem, 0, 0, 4, back), PSY_OK);
    assert_true(back[3] == 3.205);
    psy_reader_close(mem);
    /* refusals */
    t[2] = 1.0; /* not increasing */
    assert_int_equal(psy_reader_from_arrays(&list, 1, NULL, 0, &mem, &why), PSY_E_INVALID);
    assert_null(mem);
    assert_non_null(strstr(why.text, "increasing"));
    psy_array_channel no_rate = {"ECG", PSY_CH_ECG, "mV", 0, rr, NULL, 4};
    assert_int_equal(psy_reader_from_arrays(&no_rate, 1, NULL, 0, &mem, &why), PSY_E_INVALID);
    assert_int_equal(psy_reader_from_arrays(NULL, 1, NULL, 0, &mem, &why), PSY_E_INVALID);
    psy_array_channel unnamed = {NULL, PSY_CH_ECG, "mV", 250, rr, NULL, 4};
    assert_int_equal(psy_reader_from_arrays(&unnamed, 1, NULL, 0, &mem, &why), PSY_E_INVALID);
}

/* psy_reader_from_arrays_borrowed reads the caller's arrays in place: the same tables as the
 * copying reader, a change to the array shows through, and the same refusals. */
static void borrowed_channels(void **state)
{
    (void)state;
    psy_reader *file = open_demo();
    int nc = psy_reader_channel_count(file);
    psy_array_channel ch[8];
    double *x[8] = {0};
    assert_true(nc <= 8);
    for (int i = 0; i < nc; i++) {
        const psy_channel_info *c = psy_reader_channel(file, i);
        x[i] = malloc((size_t)c->frames * sizeof *x[i]);
        assert_non_null(x[i]);
        assert_int_equal(psy_reader_read(file, i, 0, c->frames, x[i]), PSY_OK);
        ch[i] = (psy_array_channel){c->label, c->type, c->unit, c->rate_hz, x[i], NULL, c->frames};
    }
    size_t ne = psy_reader_event_count(file);
    psy_event ev[16];
    assert_true(ne <= 16);
    for (size_t k = 0; k < ne; k++) ev[k] = *psy_reader_event(file, k);
    psy_reader *copied = NULL, *borrowed = NULL;
    psy_message why;
    assert_int_equal(psy_reader_from_arrays(ch, nc, ev, ne, &copied, &why), PSY_OK);
    assert_int_equal(psy_reader_from_arrays_borrowed(ch, nc, ev, ne, &borrowed, &why), PSY_OK);
    psy_session_config cfg = psy_session_config_default();
    psy_reader *readers[2] = {copied, borrowed};
    char *text[2];
    for (int k = 0; k < 2; k++) {
        psy_session *s = NULL;
        size_t n_na;
        assert_int_equal(psy_session_run(readers[k], &cfg, &s, &why), PSY_OK);
        text[k] = table_text(s, PSY_TABLE_SEGMENTS, NULL, &n_na);
        psy_session_free(s);
    }
    assert_string_equal(text[0], text[1]);
    free(text[0]);
    free(text[1]);
    double v;
    x[0][5] = 12345.0; /* in place: the borrowed reader sees it, the copy does not */
    assert_int_equal(psy_reader_read(borrowed, 0, 5, 1, &v), PSY_OK);
    assert_true(v == 12345.0);
    assert_int_equal(psy_reader_read(copied, 0, 5, 1, &v), PSY_OK);
    assert_true(v != 12345.0);
    psy_reader_close(borrowed); /* frees nothing of the caller's (LeakSanitizer, ASan) */
    psy_reader_close(copied);
    psy_reader_close(file);
    for (int i = 0; i < nc; i++) free(x[i]);
    double rr[3] = {800, 810, 790}, t[3] = {0.8, 0.7, 2.4};
    psy_array_channel list = {"RR", PSY_CH_RR, "ms", 0, rr, t, 3};
    assert_int_equal(psy_reader_from_arrays_borrowed(&list, 1, NULL, 0, &borrowed, &why), PSY_E_INVALID);
    assert_null(borrowed);
    t[1] = 1.61;
    assert_int_equal(psy_reader_from_arrays_borrowed(&list, 1, NULL, 0, &borrowed, &why), PSY_OK);
    double back[3];
    assert_int_equal(psy_reader_read_times(borrowed, 0, 0, 3, back), PSY_OK);
    assert_true(back[1] == 1.61);
    psy_reader_close(borrowed);
}

/* Breathing (issue 20): the breaths and their RSA are psy_breaths_detect's and psy_rsa_compute's;
 * depth and rate over a span; the breaths table; ECG-derived breaths only when asked for. */
static void breathing(void **state)
{
    (void)state;
    psy_reader *r = open_demo();
    psy_session_config cfg = psy_session_config_default();
    psy_session *s = NULL;
    psy_message why;
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    const psy_session_results *res = psy_session_results_of(s);
    psy_breath_list *l = NULL;
    assert_int_equal(psy_breaths_detect(r, res->rsp, NULL, &l, &why), PSY_OK);
    assert_non_null(res->breath_list);
    assert_int_equal(res->breath_list->source, PSY_BREATHS_RESP);
    assert_int_equal(res->breath_list->n, l->n);
    assert_int_equal(res->n_breaths, l->n);
    for (size_t i = 0; i < l->n; i++) {
        assert_int_equal(res->breaths[i].onset, l->b[i].onset);
        assert_int_equal(res->breaths[i].end, l->b[i].end);
    }
    psy_rsa_result rsa = {0};
    assert_int_equal(psy_rsa_compute(res->beats, l, NULL, &rsa), PSY_OK);
    assert_non_null(res->rsa);
    assert_true(res->rsa->p2t_mean_ms == rsa.p2t_mean_ms && res->rsa->coherence_ratio == rsa.coherence_ratio);
    /* depth over a span: the median amplitude of its whole breaths (here the first three) */
    double a = l->onset_s[0], z = l->end_s[2], v[3] = {l->b[0].amplitude, l->b[1].amplitude, l->b[2].amplitude};
    double lo = fmin(v[0], fmin(v[1], v[2])), hi = fmax(v[0], fmax(v[1], v[2]));
    const char *reason = "unset";
    size_t n = 0;
    assert_true(psy_session_breath_depth(s, a, z, &n, &reason) == v[0] + v[1] + v[2] - lo - hi);
    assert_int_equal(n, 3);
    assert_null(reason);
    assert_true(isnan(psy_session_breath_depth(s, a, a + 1, &n, &reason)));
    assert_string_equal(reason, "no whole breath in the span");
    /* the breaths table is psy_breaths_write_tsv's with the session's RSA */
    assert_true(psy_session_has_table(s, PSY_TABLE_BREATHS));
    assert_string_equal(psy_session_table_name(PSY_TABLE_BREATHS), "breaths");
    size_t n_na;
    char *table = table_text(s, PSY_TABLE_BREATHS, NULL, &n_na), *want = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&want, &size);
    assert_int_equal(psy_breaths_write_tsv(fp, l, &rsa), PSY_OK);
    fclose(fp);
    assert_string_equal(table, want);
    assert_int_equal(lines(table), l->n + 1);
    free(table), free(want);
    psy_rsa_result_clear(&rsa);
    psy_breath_list_free(l);
    int rsp = res->rsp;
    psy_session_free(s);

    /* without an RSP channel: no breaths unless edr; with edr, psy_breaths_from_ecg's */
    assert_int_equal(psy_reader_set_channel_type(r, rsp, PSY_CH_OTHER), PSY_OK);
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    res = psy_session_results_of(s);
    assert_null(res->breath_list);
    assert_false(psy_session_has_table(s, PSY_TABLE_BREATHS));
    assert_true(isnan(psy_session_breath_depth(s, 0, 150, NULL, &reason)));
    assert_string_equal(reason, "no RSP channel");
    psy_session_free(s);
    cfg.edr = 1;
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    res = psy_session_results_of(s);
    assert_non_null(res->breath_list);
    assert_int_equal(res->breath_list->source, PSY_BREATHS_EDR);
    assert_int_equal(psy_breaths_from_ecg(r, res->ecg, res->beats, &l, &why), PSY_OK);
    assert_int_equal(res->n_breaths, l->n);
    for (size_t i = 0; i < l->n; i++) assert_true(res->breath_list->peak_s[i] == l->peak_s[i]);
    assert_non_null(res->rsa);
    int warned = 0;
    for (size_t i = 0; i < res->n_warnings; i++) warned |= strstr(res->warnings[i], "derived from the ECG") != NULL;
    assert_true(warned);
    psy_breath_list_free(l);
    psy_session_free(s);
    cfg.edr = 2;
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_E_INVALID);
    psy_reader_close(r);
}

/* Results a and b the same to the bit (values, n/a reasons, counts). */
static void assert_same_hrv(const psy_hrv_result *a, const psy_hrv_result *b)
{
    assert_int_equal(a->n_nn, b->n_nn);
    assert_memory_equal(&a->duration_s, &b->duration_s, sizeof a->duration_s);
    assert_memory_equal(&a->nn_corrected_pct, &b->nn_corrected_pct, sizeof a->nn_corrected_pct);
    assert_int_equal(a->over_corrected, b->over_corrected);
    const psy_hrv_values *va[] = {&a->values, &a->welch, &a->lomb, &a->ar};
    const psy_hrv_values *vb[] = {&b->values, &b->welch, &b->lomb, &b->ar};
    for (int k = 0; k < 4; k++) {
        assert_memory_equal(va[k]->v, vb[k]->v, sizeof va[k]->v);
        assert_memory_equal(va[k]->na, vb[k]->na, sizeof va[k]->na); /* static strings */
    }
}

/* The HRV windows in a second thread (enough windows for it: 30 s every 5 s) give the rows
 * that the one-thread path gives (psy_session_hrv_rows without a thread, as when none can be
 * had), full results and lean rows (written to the temporary file by that thread) alike. */
static void windows_thread_or_not(void **state)
{
    (void)state;
    for (int lean = 0; lean < 2; lean++) {
        psy_reader *r = open_demo();
        psy_session_config cfg = psy_session_config_default();
        cfg.hrv_window_s = 30, cfg.hrv_step_s = 5, cfg.lean_results = lean;
        psy_session *s = NULL;
        psy_message why;
        assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
        size_t nw = s->n_win, ns = s->n_seg;
        assert_true(nw >= 8 && ns >= 1); /* session_series.c's THREAD_MIN_WINDOWS: threaded */
        assert_true(!lean || (s->win_file && !s->win_rows)); /* lean: the rows in the file */
        psy_hrv_result *seg = s->seg_hrv, *win = calloc(nw, sizeof *win);
        assert_non_null(win);
        for (size_t k = 0; k < nw; k++) assert_int_equal(psy_session_window(s, k, &win[k]), 1);
        free(s->win_hrv);
        if (s->win_file) fclose(s->win_file);
        s->seg_hrv = s->win_hrv = NULL, s->win_file = NULL;
        assert_int_equal(psy_session_hrv_rows(s, 0), 1);
        assert_int_equal(s->n_win, nw);
        for (size_t i = 0; i < ns; i++) assert_same_hrv(&seg[i], &s->seg_hrv[i]);
        for (size_t k = 0; k < nw; k++) {
            psy_hrv_result again;
            assert_int_equal(psy_session_window(s, k, &again), 1);
            assert_same_hrv(&win[k], &again);
        }
        assert_false(isnan(win[nw - 1].values.v[PSY_HRV_RMSSD_MS]));
        free(seg), free(win);
        psy_session_free(s);
        psy_reader_close(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_results),
        cmocka_unit_test(breathing),
        cmocka_unit_test(repeatable),
        cmocka_unit_test(refusals),
        cmocka_unit_test(skipped_events),
        cmocka_unit_test(open_path),
        cmocka_unit_test(caller_channels),
        cmocka_unit_test(borrowed_channels),
        cmocka_unit_test(windows_thread_or_not),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
