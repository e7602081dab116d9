/* What the frequency domain must not report (review ux21a): spectra interpolated across gaps in
 * the beats, bands the detrending or the Welch segment cannot hold, ratios and peaks of powers at
 * rounding level; SampEn of a constant series printed as -0. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "psyphys/hrv.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include "hrv_arrays.h" /* internals checked directly */

enum { MAX_BEATS = 8000 };
static double rr[MAX_BEATS], t[MAX_BEATS];

/* RR = 850 ms + a sin(2 pi f time) (+ a_ulf sin(2 pi 0.002 time)) for `seconds`, beats whose time
 * falls in [hole0, hole1) left out (the intervals after the hole keep their own length, as a
 * beats table with dropped beats gives them). Returns the number of intervals. */
static size_t series(double f, double a, double a_ulf, double seconds, double hole0, double hole1)
{
    size_t n = 0;
    double time = 0;
    while (n < MAX_BEATS && time < seconds) {
        double v = 850 + a * sin(2 * M_PI * f * time) + a_ulf * sin(2 * M_PI * 0.002 * time);
        time += v / 1000;
        if (time >= hole0 && time < hole1) continue;
        rr[n] = v, t[n] = time, n++;
    }
    return n;
}

static psy_hrv_result analyse(const psy_hrv_config *c, size_t n)
{
    psy_hrv *h = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_hrv_create(c, &h, &why), PSY_OK);
    psy_hrv_result r;
    assert_int_equal(psy_hrv_compute(h, rr, t, n, &r, NULL), PSY_OK);
    psy_hrv_destroy(h);
    return r;
}

static int reason_has(const psy_hrv_values *v, psy_hrv_key k, const char *words)
{
    return isnan(v->v[k]) && v->na[k] && strstr(v->na[k], words);
}

/* F1: a 60-s hole in 10 min of beats (10 % of the span) is not bridged by the resampled spectra;
 * Lomb, on the beats present, keeps the modulation's power; a 12-s hole (2 %) is interpolated,
 * and the result says how much. */
static void test_spectra_across_gaps(void **state)
{
    (void)state;
    psy_hrv_config c = psy_hrv_config_default();
    c.detrend = PSY_HRV_DETREND_NONE;
    c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR;
    size_t n = series(0.1, 40, 0, 600, 200, 260);
    psy_hrv_result r = analyse(&c, n);
    assert_true(r.gap_s > 59 && r.gap_s < 61);
    for (int k = PSY_HRV_FIRST_FREQ_KEY; k <= PSY_HRV_LAST_FREQ_KEY; k++) {
        assert_true(reason_has(&r.welch, (psy_hrv_key)k, "max_gap_pct"));
        assert_true(reason_has(&r.ar, (psy_hrv_key)k, "max_gap_pct"));
    }
    assert_true(fabs(r.lomb.v[PSY_HRV_LF_MS2] / (40.0 * 40 / 2) - 1) < 0.05);
    /* over 3 x max_gap_pct (a 120-s hole in 10 min: 20 %) Lomb too is n/a */
    n = series(0.1, 40, 0, 600, 200, 320);
    r = analyse(&c, n);
    assert_true(reason_has(&r.lomb, PSY_HRV_LF_MS2, "3 x max_gap_pct"));
    /* PCST's preset has no such limit (its own rule is the 85 % window) */
    psy_hrv_config p;
    assert_int_equal(psy_hrv_config_preset("pcst", &p), PSY_OK);
    assert_true(p.max_gap_pct == 0);
    r = analyse(&p, n);
    assert_false(isnan(r.lomb.v[PSY_HRV_LF_MS2]));
    /* a short hole is interpolated (Kubios does too), its seconds given */
    n = series(0.1, 40, 0, 600, 200, 212);
    r = analyse(&c, n);
    assert_true(r.gap_s > 11 && r.gap_s < 13);
    assert_false(isnan(r.welch.v[PSY_HRV_LF_MS2]));
    /* a series without gaps (beat times the sums of the intervals) has none */
    n = series(0.1, 40, 0, 600, -1, -1);
    r = analyse(&c, n);
    assert_true(r.gap_s == 0);
}

/* F10: the default smoothness priors (lambda 500 at 4 Hz) are a high-pass at ~0.035 Hz: ULF and
 * VLF are n/a with that reason, not the ~0 left of them; without detrending Lomb keeps ULF. */
static void test_bands_removed_by_detrending(void **state)
{
    (void)state;
    psy_hrv_config c = psy_hrv_config_default();
    assert_float_equal(hrv_detrend_cutoff_hz(&c), 0.0355, 0.0005);
    /* the cut-off is where the detrending keeps 1/sqrt 2 of a sinusoid's amplitude */
    enum { M = 16000 };
    static double z[M], work[6 * M];
    double fc = hrv_detrend_cutoff_hz(&c);
    for (int i = 0; i < M; i++) z[i] = sin(2 * M_PI * fc * i / c.resample_hz);
    hrv_detrend_smoothness(z, M, c.lambda, work);
    double peak = 0;
    for (int i = M / 4; i < 3 * M / 4; i++) peak = fmax(peak, fabs(z[i]));
    assert_float_equal(peak, 1 / sqrt(2.0), 0.01);

    size_t n = series(0.1, 20, 40, 4 * 3600, -1, -1); /* 4 h, ULF 800 ms² at 0.002 Hz */
    psy_hrv_result r = analyse(&c, n);
    const psy_hrv_values *both[2] = {&r.welch, &r.lomb};
    for (int q = 0; q < 2; q++) {
        assert_true(reason_has(both[q], PSY_HRV_ULF_MS2, "detrending"));
        assert_true(reason_has(both[q], PSY_HRV_VLF_MS2, "detrending"));
        assert_false(isnan(both[q]->v[PSY_HRV_LF_MS2]));
    }
    c.detrend = PSY_HRV_DETREND_NONE;
    r = analyse(&c, n);
    assert_true(fabs(r.lomb.v[PSY_HRV_ULF_MS2] / (40.0 * 40 / 2) - 1) < 0.1);
    /* Welch's 300-s segments resolve 2 / 300 Hz, wider than ULF (0 - 0.0033 Hz) */
    assert_true(reason_has(&r.welch, PSY_HRV_ULF_MS2, "Welch segment"));
    assert_false(isnan(r.welch.v[PSY_HRV_VLF_MS2]));
}

/* F6: 10-s Welch segments (0.1 Hz resolution) cannot hold LF (0.11 Hz wide) nor VLF: n/a with
 * that reason, not the power of one bin, and not "series too short" for a 30-min series. */
static void test_welch_segment_too_short_for_band(void **state)
{
    (void)state;
    psy_hrv_config c = psy_hrv_config_default();
    c.welch_segment_s = 10;
    size_t n = series(0.1, 20, 0, 1800, -1, -1);
    psy_hrv_result r = analyse(&c, n);
    assert_true(reason_has(&r.welch, PSY_HRV_LF_MS2, "Welch segment is too short"));
    assert_true(reason_has(&r.welch, PSY_HRV_VHF_MS2, "Welch segment is too short"));
    assert_true(reason_has(&r.welch, PSY_HRV_LF_NU, "LF or HF power is n/a"));
    assert_false(isnan(r.welch.v[PSY_HRV_HF_MS2])); /* 0.25 Hz wide: 2.5 resolutions */
    c.detrend = PSY_HRV_DETREND_NONE;
    r = analyse(&c, n);
    assert_true(reason_has(&r.welch, PSY_HRV_VLF_MS2, "Welch segment is too short"));
    assert_false(isnan(r.lomb.v[PSY_HRV_LF_MS2])); /* Lomb's resolution is the span's */
}

/* F8: identical intervals: powers at rounding level give no ratio, no normalised units, no peak;
 * SampEn is 0 (every template matches), never -0. */
static void test_constant_series(void **state)
{
    (void)state;
    size_t n = 600;
    for (size_t i = 0; i < n; i++) rr[i] = 1000, t[i] = (double)(i + 1);
    psy_hrv_config c = psy_hrv_config_default();
    psy_hrv_result r = analyse(&c, n);
    const psy_hrv_values *both[2] = {&r.welch, &r.lomb};
    const psy_hrv_key derived[] = {PSY_HRV_LF_HF, PSY_HRV_LF_NU, PSY_HRV_HF_NU};
    for (int q = 0; q < 2; q++) {
        assert_true(both[q]->v[PSY_HRV_LF_MS2] < 1e-12);
        for (size_t k = 0; k < 3; k++) assert_true(reason_has(both[q], derived[k], "no spectral power"));
        assert_true(reason_has(both[q], PSY_HRV_LF_PEAK_HZ, "no spectral power"));
        assert_true(reason_has(both[q], PSY_HRV_HF_PEAK_HZ, "no spectral power"));
    }
    double se = r.values.v[PSY_HRV_SAMPEN];
    assert_true(se == 0 && !signbit(se));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spectra_across_gaps),
        cmocka_unit_test(test_bands_removed_by_detrending),
        cmocka_unit_test(test_welch_segment_too_short_for_band),
        cmocka_unit_test(test_constant_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
