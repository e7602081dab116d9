/* ECG quality (Orphanidou et al. 2015 rules and beat-template correlation) on synthetic
 * signals with known answers, and the choice between a clean and a noisy lead. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define RATE 250.0

static double noise(uint64_t *state) /* uniform in [-1, 1), xorshift */
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return (double)(*state >> 11) / (double)(1ULL << 52) - 1.0;
}

static double gauss(double t, double width) { return exp(-0.5 * (t / width) * (t / width)); }

/* QRS + T complexes (mV) at the given R-peak samples, plus uniform noise of amplitude a. */
static void make(double *x, size_t n, const int64_t *peaks, size_t np, double a, uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        double v = 0;
        for (size_t b = 0; b < np; b++) {
            double t = ((double)i - (double)peaks[b]) / RATE;
            if (fabs(t) < 0.6) v += gauss(t, 0.010) - 0.2 * gauss(t - 0.025, 0.008) + 0.3 * gauss(t - 0.28, 0.045);
        }
        x[i] = v + a * noise(&seed);
    }
}

static size_t regular_peaks(int64_t *p, size_t max, double first_s, double rr_s, double seconds)
{
    size_t n = 0;
    for (double t = first_s; t < seconds && n < max; t += rr_s) p[n++] = (int64_t)llround(t * RATE);
    return n;
}

static void test_clean_regular_beats(void **state)
{
    (void)state;
    size_t n = (size_t)(10 * RATE);
    double *x = malloc(n * sizeof *x);
    int64_t p[32];
    size_t np = regular_peaks(p, 32, 0.5, 1.0, 10);
    make(x, n, p, np, 0, 1);
    psy_ecg_quality q;
    assert_int_equal(psy_ecg_quality_of(x, n, RATE, p, np, &q), PSY_OK);
    assert_int_equal(q.n_beats, 10);
    assert_float_equal(q.mean_hr_bpm, 60.0, 1e-9);
    assert_float_equal(q.max_rr_s, 1.0, 1e-9);
    assert_float_equal(q.rr_ratio, 1.0, 1e-9);
    assert_true(q.plausible_rate && q.feasible && q.acceptable && q.usable);
    assert_true(q.template_r > 0.999); /* identical beats */
    free(x);
}

static void test_rules(void **state)
{
    (void)state;
    size_t n = (size_t)(10 * RATE);
    double *x = malloc(n * sizeof *x);
    psy_ecg_quality q;
    /* An ectopic pattern: RR 0.5 s then 1.25 s, ratio 2.5 >= 2.2: not feasible, still usable. */
    int64_t p[] = {125, 375, 500, 812, 1062, 1375, 1500, 1812, 2062, 2312};
    make(x, n, p, 10, 0, 2);
    assert_int_equal(psy_ecg_quality_of(x, n, RATE, p, 10, &q), PSY_OK);
    assert_float_equal(q.rr_ratio, 313.0 / 125.0, 1e-9);
    assert_true(q.plausible_rate);
    assert_false(q.feasible);
    assert_false(q.acceptable);
    assert_true(q.usable);
    /* A pause above 3 s (missed beats): the rate is not plausible. */
    int64_t gap[] = {125, 375, 625, 1500, 1750, 2000};
    make(x, n, gap, 6, 0, 3);
    assert_int_equal(psy_ecg_quality_of(x, n, RATE, gap, 6, &q), PSY_OK);
    assert_float_equal(q.max_rr_s, 3.5, 1e-9);
    assert_false(q.plausible_rate);
    assert_false(q.usable);
    /* 20 beats in 10 s but 200 bpm and above: the rate is not plausible. */
    int64_t fast[40];
    size_t nf = regular_peaks(fast, 40, 0.2, 0.3, 10);
    assert_int_equal(psy_ecg_quality_of(x, n, RATE, fast, nf, &q), PSY_OK);
    assert_float_equal(q.mean_hr_bpm, 200.0, 1e-6);
    assert_false(q.plausible_rate);
    /* Peaks placed on noise: the beats do not look alike. */
    int64_t p2[32];
    size_t np = regular_peaks(p2, 32, 0.5, 0.9, 10);
    make(x, n, NULL, 0, 1.0, 4);
    assert_int_equal(psy_ecg_quality_of(x, n, RATE, p2, np, &q), PSY_OK);
    assert_true(q.template_r < 0.5);
    assert_false(q.usable);
    /* Fewer than 2 beats: nothing to score. */
    assert_int_equal(psy_ecg_quality_of(x, n, RATE, p2, 1, &q), PSY_OK);
    assert_true(isnan(q.mean_hr_bpm) && isnan(q.template_r));
    assert_false(q.usable);
    assert_int_equal(psy_ecg_quality_of(x, n, 0, p2, np, &q), PSY_E_INVALID);
    int64_t unordered[] = {500, 250, 750}, outside[] = {250, 2500};
    assert_int_equal(psy_ecg_quality_of(x, n, RATE, unordered, 3, &q), PSY_E_INVALID);
    assert_int_equal(psy_ecg_quality_of(x, n, RATE, outside, 2, &q), PSY_E_INVALID);
    assert_int_equal(psy_ecg_quality_of(x, n, NAN, p2, np, &q), PSY_E_INVALID);
    free(x);
}

/* Two leads of the same regular beats (rr_s apart, the first at 0.5 s) over `seconds`, with
 * noise of amplitude noise_a and noise_b; n samples each. Free both. */
static size_t two_leads(double seconds, double rr_s, double noise_a, double noise_b, double **a, double **b)
{
    size_t n = (size_t)(seconds * RATE);
    *a = malloc(n * sizeof **a), *b = malloc(n * sizeof **b);
    int64_t p[256];
    size_t np = regular_peaks(p, 256, 0.5, rr_s, seconds);
    make(*a, n, p, np, noise_a, 5);
    make(*b, n, p, np, noise_b, 6);
    return n;
}

/* Two leads in one CSV: the same beats, clean and buried in noise. */
static void test_channel_quality_ranks_leads(void **state)
{
    (void)state;
    double *clean, *noisy;
    size_t n = two_leads(120, 0.85, 0.02, 1.5, &clean, &noisy);
    size_t size = n * 48 + 64, len = 0;
    char *csv = malloc(size);
    len += (size_t)snprintf(csv, size, "ECG1,ECG2\n");
    for (size_t i = 0; i < n; i++) len += (size_t)snprintf(csv + len, size - len, "%.5f,%.5f\n", noisy[i], clean[i]);
    const char *path = write_temp_file("leads.csv", csv, len);
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = RATE;
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_open(path, &opt, &r, NULL), PSY_OK);
    psy_ecg_lead_quality a, b;
    assert_int_equal(psy_ecg_channel_quality(r, 0, 300, &a, NULL), PSY_OK);
    assert_int_equal(psy_ecg_channel_quality(r, 1, 300, &b, NULL), PSY_OK);
    assert_int_equal(a.n_windows, 12); /* 120 s: twelve whole 10-s windows */
    assert_int_equal(b.n_windows, 12);
    assert_int_equal(b.n_usable, 12);
    assert_float_equal(b.usable_share, 1.0, 1e-12);
    assert_true(b.template_r > 0.99);
    assert_true(a.template_r < b.template_r);
    assert_true(psy_ecg_lead_quality_better(&b, &a));
    assert_false(psy_ecg_lead_quality_better(&a, &b));
    assert_false(psy_ecg_lead_quality_better(&b, &b));
    /* A shorter excerpt scores fewer windows. */
    assert_int_equal(psy_ecg_channel_quality(r, 1, 35, &b, NULL), PSY_OK);
    assert_int_equal(b.n_windows, 3);
    psy_message why = {{0}};
    assert_int_equal(psy_ecg_channel_quality(r, 1, 0, &b, &why), PSY_E_INVALID);
    assert_int_equal(psy_ecg_channel_quality(r, 7, 10, &b, &why), PSY_E_INVALID);
    psy_reader_close(r);
    free(csv);
    free(clean);
    free(noisy);
}

/* A session of two leads shorter than one 10-s window (ux21a F7): no window to compare them on,
 * so the first lead is analysed, a warning says why, and none blames the beats. */
static void test_session_leads_without_window(void **state)
{
    (void)state;
    double *a, *b;
    size_t n = two_leads(8, 0.8, 0.02, 0.02, &a, &b);
    psy_array_channel c[2] = {{.label = "I", .type = PSY_CH_ECG, .unit = "mV", .rate_hz = RATE, .samples = a, .n = n},
                              {.label = "II", .type = PSY_CH_ECG, .unit = "mV", .rate_hz = RATE, .samples = b, .n = n}};
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_from_arrays(c, 2, NULL, 0, &r, NULL), PSY_OK);
    psy_session_config cfg = psy_session_config_default();
    psy_session *s = NULL;
    assert_int_equal(psy_session_run(r, &cfg, &s, NULL), PSY_OK);
    const psy_session_results *res = psy_session_results_of(s);
    assert_int_equal(res->n_leads, 2);
    assert_int_equal(res->ecg, 0);
    assert_int_equal(res->lead_q[0].n_windows, 0);
    int said = 0;
    for (size_t i = 0; i < res->n_warnings; i++) {
        said += strcmp(res->warnings[i], "ECG leads not compared: no complete 10-s window to score them on (the "
                                         "recording is shorter); the first lead, 'I', is analysed") == 0;
        assert_null(strstr(res->warnings[i], "check the beats"));
    }
    assert_int_equal(said, 1);
    psy_session_free(s);
    psy_reader_close(r);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_regular_beats),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_channel_quality_ranks_leads),
        cmocka_unit_test(test_session_leads_without_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
