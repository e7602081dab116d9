/* The session analysis with a PPG channel (psyphys/session.h): alone, its pulses are the beats
 * (pulse rate variability through segments, windows and epochs); beside an ECG, the ECG gives the
 * beats and the pulses the pulse arrival times (results, segments columns, the PAT table); the
 * channel choice (named, typed, excluded settings). Synthetic signals with known beat times. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

#define SECONDS 660.0
#define ECG_HZ 250.0
#define PPG_HZ 125.0
#define PAT_S 0.25
#define PI 3.14159265358979

typedef struct signals {
    double beat[1024];          /* R-peak times */
    size_t n_beats;
    double *ecg, *ppg;
    size_t n_ecg, n_ppg;
} signals;

/* Beats with breathing-like variability (RMSSD about 35 ms), 800 ms on average. */
static void beat_times(signals *g)
{
    double t = 0.6;
    g->n_beats = 0;
    while (t < SECONDS - 2 && g->n_beats < 1024) {
        g->beat[g->n_beats++] = t;
        t += 0.8 + 0.05 * sin(2 * PI * t / 4.0) + 0.02 * sin(2 * PI * t / 23.0);
    }
}

/* A pulse u seconds after it leaves the foot: fast systolic rise, dicrotic wave, slow decay. */
static double pulse(double u)
{
    if (u < 0 || u > 1.5) return 0;
    double s = (u - 0.12) / (u < 0.12 ? 0.05 : 0.12), d = (u - 0.4) / 0.09;
    return exp(-0.5 * s * s) + 0.3 * exp(-0.5 * d * d) + (u > 0.12 ? 0.2 * exp(-(u - 0.12) / 0.3) : 0);
}

static void make(signals *g)
{
    beat_times(g);
    g->n_ecg = (size_t)(SECONDS * ECG_HZ), g->n_ppg = (size_t)(SECONDS * PPG_HZ);
    g->ecg = calloc(g->n_ecg, sizeof *g->ecg), g->ppg = calloc(g->n_ppg, sizeof *g->ppg);
    assert_true(g->ecg && g->ppg);
    for (size_t i = 0; i < g->n_ecg; i++) g->ecg[i] = 0.05 * sin(2 * PI * 0.2 * (double)i / ECG_HZ);
    for (size_t i = 0; i < g->n_ppg; i++) g->ppg[i] = 500 + 20 * sin(2 * PI * 0.1 * (double)i / PPG_HZ);
    for (size_t k = 0; k < g->n_beats; k++) {
        double r = g->beat[k];
        for (long i = (long)((r - 0.1) * ECG_HZ); i < (long)((r + 0.5) * ECG_HZ) && i < (long)g->n_ecg; i++) {
            double u = (double)i / ECG_HZ - r, q = u / 0.012, tw = (u - 0.3) / 0.05;
            g->ecg[i] += 1.2 * exp(-0.5 * q * q) + 0.25 * exp(-0.5 * tw * tw);
        }
        double foot = r + PAT_S;
        for (long i = (long)(foot * PPG_HZ); i < (long)((foot + 1.5) * PPG_HZ) && i < (long)g->n_ppg; i++)
            g->ppg[i] += 80 * pulse((double)i / PPG_HZ - foot);
    }
}

static void free_signals(signals *g)
{
    free(g->ecg);
    free(g->ppg);
}

/* A recording of the chosen channels ("E" ECG, "P" PPG, "R" the beats as an RR list) with two
 * session events. */
static psy_reader *recording(const signals *g, const char *which)
{
    psy_array_channel ch[3];
    int n = 0;
    static double rr[1024], t[1024];
    for (size_t k = 1; k < g->n_beats; k++) rr[k - 1] = 1000 * (g->beat[k] - g->beat[k - 1]), t[k - 1] = g->beat[k];
    for (const char *c = which; *c; c++) {
        if (*c == 'E') ch[n++] = (psy_array_channel){"ECG", PSY_CH_ECG, "mV", ECG_HZ, g->ecg, NULL, (int64_t)g->n_ecg};
        if (*c == 'P') ch[n++] = (psy_array_channel){"BVP", PSY_CH_PPG, NULL, PPG_HZ, g->ppg, NULL, (int64_t)g->n_ppg};
        if (*c == 'R') ch[n++] = (psy_array_channel){"IBI", PSY_CH_RR, "ms", 0, rr, t, (int64_t)g->n_beats - 1};
    }
    psy_event ev[2] = {{0}};
    ev[0].onset_s = 120, ev[0].duration_s = 60, ev[0].label = "task";
    ev[1].onset_s = 400, ev[1].duration_s = 60, ev[1].label = "task";
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(psy_reader_from_arrays(ch, n, ev, 2, &r, &why), PSY_OK);
    return r;
}

static char *table_text(psy_session *s, psy_session_table t)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_non_null(fp);
    assert_int_equal(psy_session_write_table(s, t, fp, NULL), PSY_OK);
    fclose(fp);
    return buf;
}

/* The sidecar psy_session_write_sidecar writes beside table t. */
static char *sidecar_text(psy_session *s, psy_session_table t)
{
    psy_sidecar *base = NULL;
    psy_message why;
    const char *input = write_temp_file("arrays.txt", "arrays", 6); /* the provenance hashes a file */
    assert_int_equal(psy_session_sidecar(s, "analyze", input, NULL, NULL, &base, &why), PSY_OK);
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_non_null(fp);
    assert_int_equal(psy_session_write_sidecar(s, base, t, NULL, fp), PSY_OK);
    fclose(fp);
    psy_sidecar_free(base);
    return buf;
}

/* RMSSD (ms) of the true intervals ending in (a, b]. */
static double true_rmssd(const signals *g, double a, double b)
{
    double sum = 0;
    size_t n = 0;
    for (size_t k = 2; k < g->n_beats; k++) {
        if (!(g->beat[k] > a && g->beat[k] <= b) || !(g->beat[k - 1] > a)) continue;
        double d = 1000 * (g->beat[k] - 2 * g->beat[k - 1] + g->beat[k - 2]);
        sum += d * d, n++;
    }
    return sqrt(sum / (double)n);
}

static void ppg_alone(void **state)
{
    (void)state;
    signals g;
    make(&g);
    psy_reader *r = recording(&g, "P");
    psy_session_config cfg = psy_session_config_default();
    psy_session *s = NULL;
    psy_message why;
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    const psy_session_results *res = psy_session_results_of(s);
    assert_int_equal(res->heart, PSY_HEART_PPG);
    assert_string_equal(psy_heart_source_name(res->heart), "PPG");
    assert_int_equal(res->ecg, -1);
    assert_int_equal(res->ppg, 0);
    assert_int_equal(res->beats_ch, 0);
    assert_non_null(res->beats);
    assert_ptr_equal(res->beats, res->pulses);
    assert_true(res->beats->pulses);
    assert_null(res->pat);
    assert_false(psy_session_has_table(s, PSY_TABLE_PAT));
    /* every beat found, pulse rate and PRV of the whole recording and of each window */
    assert_true(res->beats->n + 2 >= g.n_beats && res->beats->n <= g.n_beats);
    const psy_hrv_result *all = &res->segment_hrv[0];
    assert_true(fabs(all->values.v[PSY_HRV_MEAN_NN_MS] - 1000 * (g.beat[g.n_beats - 1] - g.beat[0]) /
                                                            (double)(g.n_beats - 1)) < 2);
    double truth = true_rmssd(&g, 0, SECONDS);
    assert_true(fabs(all->values.v[PSY_HRV_RMSSD_MS] - truth) < 0.1 * truth);
    assert_int_equal(res->n_windows, 2);
    for (size_t k = 0; k < res->n_windows; k++) {
        double w = true_rmssd(&g, 300.0 * (double)k, 300.0 * (double)k + 300);
        assert_true(fabs(res->window_hrv[k].values.v[PSY_HRV_RMSSD_MS] - w) < 0.1 * w);
    }
    /* the events' segments and epochs from the pulses */
    assert_int_equal(res->n_segments, 3);
    assert_false(isnan(res->segment_hrv[1].values.v[PSY_HRV_RMSSD_MS]));
    assert_int_equal(res->n_epochs, 2);
    assert_true(res->epochs[0].hr.valid && res->epochs[1].hr.valid);
    char *seg = table_text(s, PSY_TABLE_SEGMENTS);
    assert_null(strstr(seg, "pat_median_ms"));
    free(seg);
    /* the written sidecar's note names the pulses' fiducial: their intervals run between
     * half-amplitude points (it once said feet, the fiducial before) */
    char *side = sidecar_text(s, PSY_TABLE_SEGMENTS);
    assert_non_null(strstr(side, "\"variability\": \"pulse rate variability (PRV): intervals between the "
                                 "half-amplitude points of PPG pulses"));
    assert_null(strstr(side, "feet"));
    free(side);
    psy_session_free(s);
    psy_reader_close(r);
    free_signals(&g);
}

static void ecg_and_ppg(void **state)
{
    (void)state;
    signals g;
    make(&g);
    psy_reader *r = recording(&g, "PE");
    psy_session_config cfg = psy_session_config_default();
    psy_session *s = NULL;
    psy_message why;
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    const psy_session_results *res = psy_session_results_of(s);
    /* the ECG gives the beats (it comes second in the recording), the PPG the arrival times */
    assert_int_equal(res->heart, PSY_HEART_ECG);
    assert_int_equal(res->ecg, 1);
    assert_int_equal(res->beats_ch, 1);
    assert_int_equal(res->ppg, 0);
    assert_false(res->beats->pulses);
    assert_true(res->pulses && res->pulses->pulses);
    assert_non_null(res->pat);
    assert_int_equal(res->pat->n, res->beats->n);
    assert_true(res->pat->n_valid > 0.95 * (double)res->pat->n);
    psy_pat_summary p;
    assert_int_equal(psy_pat_summarize(res->pat, 0, SECONDS, &p), PSY_OK);
    /* the foot by intersecting tangents sits a little after the pulse leaves the baseline */
    assert_true(p.median_ms > 1000 * PAT_S && p.median_ms < 1000 * PAT_S + 60);
    assert_true(p.sd_ms < 5);
    char *seg = table_text(s, PSY_TABLE_SEGMENTS);
    assert_non_null(strstr(seg, "\tnn_corrected_pct\tpat_median_ms\tpat_sd_ms\tpat_valid_pct\n"));
    free(seg);
    assert_true(psy_session_has_table(s, PSY_TABLE_PAT));
    assert_string_equal(psy_session_table_name(PSY_TABLE_PAT), "pat");
    char *pat = table_text(s, PSY_TABLE_PAT), *line = pat;
    size_t rows = 0, valid = 0;
    while ((line = strchr(line, '\n')) && *++line) rows++, valid += strstr(line, "\tvalid\n") == strchr(line, '\n') - 6;
    assert_int_equal(rows, res->pat->n);
    assert_int_equal(valid, res->pat->n_valid);
    assert_int_equal(strncmp(pat, "onset\tfoot_onset\tpat_ms\tpat_upstroke_ms\treason\n", 47), 0);
    free(pat);
    psy_session_free(s);

    /* a PPG named alone is the heart's channel, even beside an ECG */
    cfg.ppg = "BVP";
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    res = psy_session_results_of(s);
    assert_int_equal(res->heart, PSY_HEART_PPG);
    assert_int_equal(res->ecg, -1);
    assert_int_equal(res->beats_ch, 0);
    assert_null(res->pat);
    psy_session_free(s);
    /* both named: the ECG's beats, the PPG's arrival times */
    cfg.ecg = "ECG";
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    res = psy_session_results_of(s);
    assert_int_equal(res->heart, PSY_HEART_ECG);
    assert_non_null(res->pat);
    psy_session_free(s);
    psy_reader_close(r);
    free_signals(&g);
}

static void choices_and_refusals(void **state)
{
    (void)state;
    signals g;
    make(&g);
    psy_session *s = NULL;
    psy_message why;
    /* an RR list beside the PPG: the RR list gives the beats; no arrival times without R-peaks */
    psy_reader *r = recording(&g, "PR");
    psy_session_config cfg = psy_session_config_default();
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_OK);
    const psy_session_results *res = psy_session_results_of(s);
    assert_int_equal(res->heart, PSY_HEART_RR);
    assert_int_equal(res->ppg, -1);
    assert_null(res->pulses);
    assert_null(res->pat);
    psy_session_free(s);
    psy_reader_close(r);

    r = recording(&g, "EP");
    cfg.ppg = "BVP", cfg.hr = "HR";
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_E_INVALID);
    assert_null(s);
    cfg.hr = NULL, cfg.ppg = "nope";
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_E_NOT_FOUND);
    assert_non_null(strstr(why.text, "nope"));
    cfg.ppg = "ECG"; /* an ECG channel is not a PPG */
    assert_int_equal(psy_session_run(r, &cfg, &s, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "ECG"));
    psy_reader_close(r);
    assert_string_equal(psy_heart_source_name((psy_heart_source)99), "none");
    free_signals(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ppg_alone),
        cmocka_unit_test(ecg_and_ppg),
        cmocka_unit_test(choices_and_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
