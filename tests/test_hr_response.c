/* Event-locked heart-rate responses: analytic rate series, coverage rules, and NeuroKit2's
 * event-related ECG_Rate values on its example recording. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Beats with intervals rr(t) (ms) from t = 0 to `seconds`. */
static size_t beats_of(double (*rr)(double), double seconds, double *t, double *nn, size_t max)
{
    size_t n = 0;
    for (double now = 0; now < seconds && n < max;) {
        double r = rr(now);
        now += r / 1000.0;
        t[n] = now, nn[n++] = r;
    }
    return n;
}

static double steady(double t) { (void)t; return 800.0; }                    /* 75 bpm */
static double decelerate(double t) { return t < 30 ? 800.0 : 1000.0; }        /* 75 -> 60 bpm */

static void test_analytic(void **state)
{
    (void)state;
    static double t[512], nn[512];
    size_t n = beats_of(steady, 60, t, nn, 512);
    psy_hr_response r;
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, 20, NULL, &r), PSY_OK);
    assert_true(r.valid);
    assert_true(fabs(r.baseline_bpm - 75) < 1e-9 && fabs(r.mean_bpm) < 1e-9);
    assert_true(fabs(r.min_bpm) < 1e-9 && fabs(r.max_bpm) < 1e-9);
    assert_true(r.corrected_share == 0);

    n = beats_of(decelerate, 60, t, nn, 512);
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, 29.5, NULL, &r), PSY_OK);
    assert_true(r.valid);
    assert_true(fabs(r.baseline_bpm - 75) < 1e-9);
    assert_true(fabs(r.min_bpm - (-15)) < 1e-9);         /* settles at 60 bpm */
    assert_true(fabs(r.max_bpm) < 1e-9);                 /* never above the baseline */
    assert_true(r.min_time_s > 0.5 && r.min_time_s < 2.5); /* once the first long interval ends */
    assert_true(r.mean_bpm < -10 && r.mean_bpm > -15);
    /* The monotone interpolation never overshoots: between 60 and 75 bpm everywhere. */
    assert_true(r.min_bpm >= -15 - 1e-9 && r.max_bpm <= 1e-9);
    /* With the onset's rate as the baseline (NeuroKit), the same here. */
    psy_hr_response_config c = psy_hr_response_config_default();
    c.baseline = PSY_HR_BASELINE_ONSET;
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, 29.5, &c, &r), PSY_OK);
    assert_true(fabs(r.baseline_bpm - 75) < 1e-9);

    /* Corrected beats counted; epochs the beats do not cover are not valid, with a reason. */
    static uint8_t corr[512];
    corr[40] = corr[41] = 1;
    assert_int_equal(psy_hr_response_at(t, nn, corr, n, t[40] - 2, NULL, &r), PSY_OK);
    assert_true(r.corrected_share > 0 && r.corrected_share < 0.3);
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, 0.2, NULL, &r), PSY_OK);
    assert_false(r.valid);
    assert_non_null(strstr(r.why, "cover"));
    assert_true(isnan(r.mean_bpm));
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, 55, NULL, &r), PSY_OK);
    assert_false(r.valid);
    nn[30] = NAN; /* a gap: no rate there, the epoch around it still interpolates across */
    assert_int_equal(psy_hr_response_at(t, nn, NULL, 1, 20, NULL, &r), PSY_OK);
    assert_false(r.valid);
    c.post_s = 0;
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, 20, &c, &r), PSY_E_INVALID);
}

/* The minimum data: a curve from real intervals over the whole epoch (no gap bridged), one whole
 * interval after the onset; a baseline shorter than an interval is enough. */
static void test_minimum_data(void **state)
{
    (void)state;
    static double t[512], nn[512];
    size_t n = beats_of(steady, 60, t, nn, 512); /* a beat every 0.8 s */
    psy_hr_response_config c = psy_hr_response_config_default();
    psy_hr_response r;
    /* a 0.3-s baseline between two beats: the rate of the interval overlapping it */
    c.pre_s = 0.3;
    double onset = t[20] + 0.35; /* t[20] + 0.05 .. t[20] + 0.35: no beat inside */
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, onset, &c, &r), PSY_OK);
    assert_true(r.valid);
    assert_true(fabs(r.baseline_bpm - 75) < 1e-9);
    /* a response window with one beat only (0.6 s at 75 bpm): no whole interval after the onset */
    c.pre_s = 1, c.post_s = 0.6;
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, t[20] + 0.1, &c, &r), PSY_OK);
    assert_false(r.valid);
    assert_string_equal(r.why, "fewer than 2 beats (one whole interval) in the response window");
    assert_true(isnan(r.mean_bpm) && isnan(r.baseline_bpm));
    c.post_s = 1.6; /* two beats after the onset: valid */
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, t[20] + 0.1, &c, &r), PSY_OK);
    assert_true(r.valid);
    /* more than 20 % of the epoch's beats corrected: n/a, unless kept */
    static uint8_t corr[512];
    for (int i = 18; i < 22; i++) corr[i] = 1; /* 4 of the 14 beats in [t[16] - 1, t[16] + 10] */
    c = psy_hr_response_config_default();
    assert_int_equal(psy_hr_response_at(t, nn, corr, n, t[16], &c, &r), PSY_OK);
    assert_false(r.valid);
    assert_string_equal(r.why, PSY_HR_RESPONSE_OVER_CORRECTED_REASON);
    assert_true(fabs(r.corrected_share - 4.0 / 14.0) < 1e-12);
    c.keep_corrected = 1;
    assert_int_equal(psy_hr_response_at(t, nn, corr, n, t[16], &c, &r), PSY_OK);
    assert_true(r.valid && r.over_corrected);
    c.keep_corrected = 0, c.max_corrected_pct = 30;
    assert_int_equal(psy_hr_response_at(t, nn, corr, n, t[16], &c, &r), PSY_OK);
    assert_true(r.valid && !r.over_corrected);
    corr[21] = 0; /* 3 of 14: 21.4 %, still over 20 % */
    c.max_corrected_pct = 20;
    assert_int_equal(psy_hr_response_at(t, nn, corr, n, t[16], &c, &r), PSY_OK);
    assert_false(r.valid);
    corr[20] = 0; /* 2 of 14: 14.3 % */
    assert_int_equal(psy_hr_response_at(t, nn, corr, n, t[16], &c, &r), PSY_OK);
    assert_true(r.valid);
    c.max_corrected_pct = NAN;
    assert_int_equal(psy_hr_response_at(t, nn, corr, n, t[16], &c, &r), PSY_E_INVALID);
    /* a beat without an interval (the first after a gap) in the epoch: the curve would bridge */
    c = psy_hr_response_config_default();
    nn[30] = NAN;
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, t[28], &c, &r), PSY_OK);
    assert_false(r.valid);
    assert_non_null(strstr(r.why, "bridge the gap"));
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, t[28] - 12, &c, &r), PSY_OK); /* epoch before it */
    assert_true(r.valid);
    /* the epoch starting inside the unknown interval: its start is not covered */
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, t[30] + 1.5, &c, &r), PSY_OK);
    assert_false(r.valid);
    assert_non_null(strstr(r.why, "cover"));
    /* the response curve follows the same rule */
    double curve[200];
    size_t got = 99;
    assert_int_equal(psy_hr_response_curve(t, nn, n, t[28], &c, curve, 200, &got), PSY_OK);
    assert_int_equal(got, 0);
}

/* NeuroKit2 0.2.12 event-related analysis (shared/reference/neurokit/eventrelated.json): epochs
 * -0.1 .. 4 s around the photosensor onsets; ECG_Rate_Baseline is the rate at the onset; Max, Min
 * and Mean are changes from it. */
static void test_neurokit_epochs(void **state)
{
    (void)state;
    if (!shared_data("neurokit/bio_eventrelated_100hz.csv")) skip();
    psy_reader *r = open_shared("neurokit/bio_eventrelated_100hz.csv", 100);
    psy_beat_list *b = NULL;
    psy_message why;
    assert_int_equal(psy_beats_detect(r, psy_reader_find_channel(r, "ECG"), NULL, &b, &why), PSY_OK);
    static const double onset[] = {10.24, 49.57, 92.24, 129.84};
    static const double nk[4][4] = {/* baseline, max, min, mean */
                                    {58.96284347097552, 1.0371565290244789, -5.240921637740833, -2.0105531248645008},
                                    {64.001, -0.057, -5.177, -3.128},
                                    {55.976, 5.248, -1.922, 1.340},
                                    {57.506, -0.011, -5.782, -3.552}};
    psy_hr_response_config c = psy_hr_response_config_default();
    c.pre_s = 0.1, c.post_s = 4.0, c.grid_hz = 100, c.baseline = PSY_HR_BASELINE_ONSET;
    for (int k = 0; k < 4; k++) {
        psy_hr_response h;
        assert_int_equal(psy_hr_response_at(b->nn_onset_s, b->nn_ms, b->nn_corrected, b->n_nn,
                                            onset[k], &c, &h), PSY_OK);
        assert_true(h.valid);
        print_message("epoch %d: baseline %.2f (NK %.2f) max %+.2f (%+.2f) min %+.2f (%+.2f) mean %+.2f (%+.2f)\n",
                      k + 1, h.baseline_bpm, nk[k][0], h.max_bpm, nk[k][1], h.min_bpm, nk[k][2],
                      h.mean_bpm, nk[k][3]);
        assert_true(fabs(h.baseline_bpm - nk[k][0]) < 2);
        assert_true(fabs(h.baseline_bpm + h.max_bpm - nk[k][0] - nk[k][1]) < 2);
        assert_true(fabs(h.baseline_bpm + h.min_bpm - nk[k][0] - nk[k][2]) < 2);
        assert_true(fabs(h.baseline_bpm + h.mean_bpm - nk[k][0] - nk[k][3]) < 2);
    }
    psy_beat_list_free(b);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_analytic),
                                       cmocka_unit_test(test_minimum_data),
                                       cmocka_unit_test(test_neurokit_epochs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
