/* EDA sensor noise and wrist artefacts on signals with known content: the noise estimator
 * (white, quantised like the E4's 1.28 nS steps, non-stationary, under SCRs) and the artefact
 * rules through the public analysis (spikes repaired, drops and contact loss flagged with their
 * transition radius, steps too steep; SCR counts and NS-SCR/min denominators without them). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "eda_noise.h"
#include "psyphys/eda.h"
#include "test_util.h"

/* A Bateman SCR of amplitude amp (peak) starting at t0, at time t. */
static double scr(double t, double t0, double amp)
{
    const double tau1 = 0.75, tau2 = 3.0;
    double tp = log(tau2 / tau1) * tau1 * tau2 / (tau2 - tau1);
    double peak = exp(-tp / tau2) - exp(-tp / tau1);
    return t < t0 ? 0 : amp * (exp(-(t - t0) / tau2) - exp(-(t - t0) / tau1)) / peak;
}

/* ---- the noise estimator ---------------------------------------------------------------- */

/* White noise of sd at rate on a slow drift: the estimate within 10 %. */
static void noise_white(void **state)
{
    (void)state;
    const double rates[] = {4, 32, 1000};
    for (int k = 0; k < 3; k++) {
        double rate = rates[k], sd = 0.005;
        test_rng r = {42 + (uint64_t)k};
        eda_noise *n = eda_noise_create(rate);
        assert_non_null(n);
        for (int64_t i = 0; i < (int64_t)(300 * rate); i++)
            eda_noise_push(n, 5 + 0.2 * sin((double)i / rate / 60) + sd * test_gauss(&r));
        double est = eda_noise_quantile(n, 0.5);
        print_message("white %g nS at %g Hz: median estimate %.2f nS, now %.2f nS\n", sd * 1e3,
                      rate, est * 1e3, eda_noise_current(n) * 1e3);
        assert_true(fabs(est - sd) < 0.1 * sd);
        assert_true(fabs(eda_noise_current(n) - sd) < 0.15 * sd);
        eda_noise_destroy(n);
    }
}

/* The E4 at its floor: 0.8 nS of noise quantised to 1.28 nS steps (most differences 0 or one
 * step). The estimate is the sd of what the sensor delivers: sqrt(0.8^2 + 1.28^2 / 12) nS. */
static void noise_quantised(void **state)
{
    (void)state;
    const double q = 0.00128, sd = 0.0008, want = sqrt(sd * sd + q * q / 12);
    test_rng r = {7};
    eda_noise *n = eda_noise_create(4);
    for (int64_t i = 0; i < 4 * 600; i++)
        eda_noise_push(n, q * round((0.08 + 0.002 * sin(i / 400.0) + sd * test_gauss(&r)) / q));
    double est = eda_noise_quantile(n, 0.5);
    print_message("quantised: estimate %.3f nS, sd delivered %.3f nS\n", est * 1e3, want * 1e3);
    assert_true(fabs(est - want) < 0.2 * want);
    eda_noise_destroy(n);
}

/* 3 nS, then 12 nS for 2 min, then 3 nS again: the sliding minute follows within 40 s either
 * way and the summary tells both levels apart. */
static void noise_nonstationary(void **state)
{
    (void)state;
    const double rate = 32;
    test_rng r = {11};
    eda_noise *n = eda_noise_create(rate);
    double at_high = NAN, at_low = NAN;
    for (int64_t i = 0; i < (int64_t)(600 * rate); i++) {
        double t = (double)i / rate, sd = t >= 300 && t < 420 ? 0.012 : 0.003;
        eda_noise_push(n, 5 + sd * test_gauss(&r));
        if (i == (int64_t)(340 * rate)) at_high = eda_noise_current(n);
        if (i == (int64_t)(460 * rate)) at_low = eda_noise_current(n);
    }
    print_message("non-stationary: 40 s into 12 nS %.2f nS, 40 s after %.2f nS; median %.2f, "
                  "largest %.2f nS, above 6 nS for %.0f s\n", at_high * 1e3, at_low * 1e3,
                  eda_noise_quantile(n, 0.5) * 1e3, eda_noise_quantile(n, 1.0) * 1e3,
                  eda_noise_seconds_above(n, 0.006));
    assert_true(at_high > 0.009);
    assert_true(at_low < 0.004);
    assert_true(fabs(eda_noise_quantile(n, 0.5) - 0.003) < 0.0005);
    assert_true(fabs(eda_noise_quantile(n, 1.0) - 0.012) < 0.0015);
    assert_true(fabs(eda_noise_seconds_above(n, 0.006) - 120) <= 30);
    eda_noise_destroy(n);
}

/* SCRs of 0.5 uS every 10 s hardly move the estimate at 32 Hz (at 4 Hz their curvature shows
 * in the differences: within 20 %). */
static void noise_under_scrs(void **state)
{
    (void)state;
    const double rates[] = {4, 32};
    for (int k = 0; k < 2; k++) {
        double rate = rates[k], sd = 0.003;
        test_rng r = {5};
        eda_noise *n = eda_noise_create(rate);
        for (int64_t i = 0; i < (int64_t)(300 * rate); i++) {
            double t = (double)i / rate, v = 3;
            for (double t0 = 2; t0 < t; t0 += 10) v += scr(t, t0, 0.5);
            eda_noise_push(n, v + sd * test_gauss(&r));
        }
        double est = eda_noise_quantile(n, 0.5);
        print_message("under SCRs at %g Hz: %.2f nS for 3 nS\n", rate, est * 1e3);
        assert_true(fabs(est - sd) < (rate < 10 ? 0.2 : 0.1) * sd);
        eda_noise_destroy(n);
    }
}

/* ---- artefacts through the analysis --------------------------------------------------------- */

/* 10 min at rate: level 2 uS with a slow drift, an SCR of 0.3 uS every 30 s (from 15 s), white
 * noise of sd uS. */
static double *wrist(double rate, double sd, int64_t *n_out)
{
    int64_t n = (int64_t)(600 * rate);
    double *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);
    test_rng r = {3};
    for (int64_t i = 0; i < n; i++) {
        double t = (double)i / rate, v = 2 + 0.1 * sin(t / 100);
        for (double t0 = 15; t0 < t; t0 += 30) v += scr(t, t0, 0.3);
        x[i] = v + sd * test_gauss(&r);
    }
    *n_out = n;
    return x;
}

static psy_eda_result *analyse_by(const double *x, int64_t n, double rate, psy_eda_method m)
{
    psy_eda_config c = psy_eda_config_default(rate);
    psy_eda_result *r = NULL;
    psy_message why = {{0}};
    if (psy_eda_analyze_signal(x, n, &c, m, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    return r;
}

static psy_eda_result *analyse(const double *x, int64_t n, double rate)
{
    return analyse_by(x, n, rate, PSY_EDA_FAST);
}

/* the number of SCRs with onset in [t0, t1) */
static size_t scrs_in(const psy_eda_result *r, double t0, double t1)
{
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++) m += r->scr[i].onset_s >= t0 && r->scr[i].onset_s < t1;
    return m;
}

/* The clean signal: 20 SCRs, no artefact of any kind, every second valid. */
static void clean_has_no_artefact(void **state)
{
    (void)state;
    const double rates[] = {4, 32, 100};
    for (int k = 0; k < 3; k++) {
        int64_t n;
        double *x = wrist(rates[k], 0.002, &n);
        psy_eda_result *r = analyse(x, n, rates[k]);
        psy_eda_artifacts a = r->artifacts;
        print_message("clean %g Hz: %zu SCRs, spike %lld drop %lld near %lld slope %lld\n", rates[k],
                      r->n, (long long)a.spike, (long long)a.drop, (long long)a.near, (long long)a.slope);
        assert_int_equal(r->n, 20);
        assert_int_equal(a.spike + a.drop + a.near + a.slope + a.out_of_range + a.flat, 0);
        assert_true(fabs(r->valid_s - 600) < 1);
        for (size_t i = 0; i < r->n_tonic; i++) assert_int_equal(r->flags_1hz[i], 0);
        psy_eda_result_free(r);
        free(x);
    }
}

/* One-sample dips of 10 nS every 20 s (as the E4 at 4 Hz) in 1 nS of noise and a 0.5 s knock
 * of +1 uS: repaired, no SCR from them, the 20 SCRs and their amplitudes as without them. */
static void spikes_repaired(void **state)
{
    (void)state;
    int64_t n;
    double *clean = wrist(4, 0.001, &n), *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);
    for (int64_t i = 0; i < n; i++) x[i] = clean[i];
    int dips = 0;
    for (double t = 10.5; t < 600; t += 20, dips++) x[(int64_t)(t * 4)] -= 0.010;
    for (int64_t i = 4 * 200 + 2; i < 4 * 200 + 4; i++) x[i] += 1.0; /* 200.5 .. 201 s */
    psy_eda_result *a = analyse(clean, n, 4), *b = analyse(x, n, 4);
    print_message("spikes: %d dips and a knock, %lld samples repaired; %zu SCRs (clean %zu)\n", dips,
                  (long long)b->artifacts.spike, b->n, a->n);
    /* a dip on the steep part of a response is not told from it (8 of the 30 here) */
    assert_true(b->artifacts.spike >= 22 && b->artifacts.spike <= dips + 2);
    assert_int_equal(b->artifacts.near + b->artifacts.drop + b->artifacts.slope, 0);
    assert_int_equal(b->n, a->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_true(fabs(b->scr[i].onset_s - a->scr[i].onset_s) < 0.3);
        assert_true(fabs(b->scr[i].amplitude_us - a->scr[i].amplitude_us) < 0.05 * a->scr[i].amplitude_us);
    }
    psy_eda_result_free(a);
    psy_eda_result_free(b);
    free(clean);
    free(x);
}

/* Contact loss at 32 Hz: the level drops to 0.01 uS within 0.2 s for 20 s and comes back. The
 * drop, the 20 s below 0.05 uS and 5 s either side are excluded: no SCR there, 30 s less valid
 * time for the SCR rate, and a minute of the span around it has too little for a rate. */
static void contact_loss(void **state)
{
    (void)state;
    const double rate = 32;
    int64_t n;
    double *x = wrist(rate, 0.002, &n);
    for (int64_t i = (int64_t)(100 * rate); i < (int64_t)(120 * rate); i++) {
        double t = (double)i / rate, f = fmin(1, (t - 100) / 0.2);
        x[i] = (1 - f) * x[i] + f * 0.01;
    }
    psy_eda_result *r = analyse(x, n, rate);
    psy_eda_artifacts a = r->artifacts;
    double dt = 1 / r->analysis_rate_hz;
    print_message("contact loss: below %.1f s, drop %.1f s, transition %.1f s, valid %.1f s; SCRs "
                  "in 90..130 s: %zu\n", (double)a.below_min * dt, (double)a.drop * dt,
                  (double)a.near * dt, r->valid_s, scrs_in(r, 90, 130));
    assert_true(fabs((double)(a.below_min + a.drop) * dt - 20) < 0.5);
    assert_true(fabs((double)a.near * dt - 10) < 0.5);
    assert_true(fabs((double)psy_eda_artifacts_excluded(&a) * dt - 30) < 0.5);
    assert_true(fabs(r->valid_s - 570) < 1);
    assert_int_equal(scrs_in(r, 95, 125), 0); /* the SCR at 105 s is lost with the contact */
    assert_int_equal(r->n, 19);
    psy_eda_summary s;
    assert_int_equal(psy_eda_summarize(r, 0, 600, NULL, 0, 1, 4, &s), PSY_OK);
    assert_true(fabs(s.valid_s - 570) <= 1);
    assert_true(fabs(s.ns_scr_per_min - 19 / (s.valid_s / 60)) < 1e-9);
    assert_int_equal(psy_eda_summarize(r, 80, 150, NULL, 0, 1, 4, &s), PSY_OK);
    assert_true(isnan(s.ns_scr_per_min));
    assert_non_null(s.ns_scr_per_min_na);
    psy_eda_result_free(r);
    /* the seconds say why they have no level, by either method */
    for (int m = 0; m < 2; m++) {
        r = analyse_by(x, n, rate, m ? PSY_EDA_DECONV : PSY_EDA_FAST);
        assert_true(r->n_tonic >= 599);
        for (size_t i = 101; i < 119; i++) {
            assert_true(r->flags_1hz[i] & PSY_EDA_BELOW_RANGE);
            assert_true(isnan(r->tonic_1hz_us[i]));
        }
        for (size_t i = 96; i < 99; i++) assert_int_equal(r->flags_1hz[i], PSY_EDA_NEAR);
        for (size_t i = 121; i < 124; i++) assert_int_equal(r->flags_1hz[i], PSY_EDA_NEAR);
        for (size_t i = 0; i < 90; i++) assert_int_equal(r->flags_1hz[i], 0);
        for (size_t i = 130; i < 590; i++) assert_int_equal(r->flags_1hz[i], 0);
        psy_eda_result_free(r);
    }
    free(x);
}

/* Pressure on the electrode at 4 Hz: the level falls from 2 to 0.8 uS in half a second and
 * stays there: a drop (flagged with its radius), not a response's recovery. A movement step up
 * of 4 uS within one sample at 4 Hz is too steep (10 uS/s). */
static void drop_and_step(void **state)
{
    (void)state;
    const double rate = 4;
    int64_t n;
    double *x = wrist(rate, 0.002, &n);
    for (int64_t i = (int64_t)(300 * rate); i < n; i++) x[i] -= i < (int64_t)(300.5 * rate) ? 0.6 : 1.2;
    for (int64_t i = (int64_t)(450 * rate); i < n; i++) x[i] += 4.0;
    psy_eda_result *r = analyse(x, n, rate);
    psy_eda_artifacts a = r->artifacts;
    double dt = 1 / r->analysis_rate_hz;
    print_message("drop and step: drop %.2f s, slope %.2f s, transition %.2f s, %zu SCRs\n",
                  (double)a.drop * dt, (double)a.slope * dt, (double)a.near * dt, r->n);
    assert_true(a.drop >= 1);
    assert_true(a.slope >= 1);
    assert_true((double)a.near * dt >= 18 && (double)a.near * dt <= 22);
    assert_int_equal(scrs_in(r, 295, 306) + scrs_in(r, 445, 456), 0);
    assert_int_equal(r->n, 20); /* the nearest SCRs start 10 s or more from either artefact */
    psy_eda_result_free(r);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(noise_white),        cmocka_unit_test(noise_quantised),
        cmocka_unit_test(noise_nonstationary), cmocka_unit_test(noise_under_scrs),
        cmocka_unit_test(clean_has_no_artefact), cmocka_unit_test(spikes_repaired),
        cmocka_unit_test(contact_loss),       cmocka_unit_test(drop_and_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
