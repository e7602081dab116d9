/* RSA and biofeedback metrics on heart periods that follow the breathing with known amplitude. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define MAX_BEATS 2000
#define MAX_BREATHS 200

typedef struct fixture {
    psy_beat_list beats;
    double nn[MAX_BEATS], t[MAX_BEATS];
    psy_breath_list breaths;
    psy_breath b[MAX_BREATHS];
    double onset[MAX_BREATHS], peak[MAX_BREATHS], end[MAX_BREATHS];
} fixture;

/* Beats whose period, at its ending beat t, is 1000 + 50 cos(2 pi (t - breath onset) / T) ms (longest at the start of
 * inspiration, shortest mid-breath where inspiration ends), breaths of period T s with the peak
 * at half the breath, for `seconds`. */
static void make(fixture *f, double period_s, double seconds)
{
    memset(f, 0, sizeof *f);
    double t = 0;
    size_t n = 0;
    while (t < seconds && n < MAX_BEATS) {
        double nn = 1000; /* the interval's value at its ending beat: solved by a few iterations */
        for (int it = 0; it < 4; it++) nn = 1000 + 50 * cos(2 * M_PI * (t + nn / 1000) / period_s);
        t += nn / 1000;
        f->nn[n] = nn, f->t[n] = t, n++;
    }
    f->beats.n_nn = n, f->beats.nn_ms = f->nn, f->beats.nn_onset_s = f->t;
    size_t k = 0;
    for (; (double)(k + 1) * period_s <= t && k < MAX_BREATHS; k++) {
        f->onset[k] = (double)k * period_s, f->peak[k] = f->onset[k] + 0.5 * period_s;
        f->end[k] = f->onset[k] + period_s;
        f->b[k] = (psy_breath){(int64_t)(f->onset[k] * 100), (int64_t)(f->peak[k] * 100), (int64_t)(f->end[k] * 100), 1};
    }
    f->breaths.n = k, f->breaths.b = f->b, f->breaths.onset_s = f->onset, f->breaths.peak_s = f->peak;
    f->breaths.end_s = f->end, f->breaths.rate_hz = 100;
}

static void test_p2t_and_porges_bohrer(void **state)
{
    (void)state;
    static fixture f;
    make(&f, 4.0, 300); /* 15 /min */
    psy_rsa_result r;
    assert_int_equal(psy_rsa_compute(&f.beats, &f.breaths, NULL, &r), PSY_OK);
    print_message("P2T %.1f ms (%zu breaths, %zu no RSA), PB %.3f ln(ms2), osc %.2f bpm, HF %.0f ms2 [%.2f, %.2f]\n",
                  r.p2t_mean_ms, r.p2t_n, r.p2t_no_rsa, r.pb_ln, r.hr_osc_mean_bpm, r.hf_resp_ms2, r.hf_band_hz[0],
                  r.hf_band_hz[1]);
    /* the longest expiratory minus the shortest inspiratory period: up to the 100 ms swing */
    assert_true(r.p2t_mean_ms > 85 && r.p2t_mean_ms <= 100);
    assert_int_equal(r.p2t_no_rsa, 0);
    assert_int_equal(r.p2t_n, r.n_breaths);
    /* a 50 ms sinusoid has variance 1250 ms²; minus its 21-point cubic trend at 2 Hz it keeps
     * |1 - H(0.25 Hz)|² = 1.258 of it (the trend filter's response there is -0.12), and the
     * band-pass passes it: 1573 ms². Four beats per wave interpolated by the monotone cubic give
     * 85 % of it (linear interpolation gave 65 %) */
    const double pb_truth = 1250.0 * 1.258;
    assert_true(r.pb_ln < log(pb_truth) && r.pb_ln > log(0.8 * pb_truth));
    assert_true(r.pb_epochs >= 9 && r.pb_epochs <= 10); /* complete 30-s epochs of ~300 s */
    /* 60000 / 950 - 60000 / 1050 = 6.0 bpm */
    assert_true(fabs(r.hr_osc_mean_bpm - 6.0) < 0.6);
    /* breathing at 15 /min: the standard HF band, holding the 1250 ms² */
    assert_true(r.hf_band_hz[0] == 0.15 && r.hf_band_hz[1] == 0.40);
    assert_true(fabs(r.hf_resp_ms2 - 1250) / 1250 < 0.1);
    psy_rsa_result_clear(&r);
    /* the phases reversed (every inspiratory period longer than every expiratory one): RSA 0 in
     * each breath (Grossman), while the range still sees the 100 ms */
    for (size_t i = 0; i < f.beats.n_nn; i++) f.nn[i] = fmod(f.t[i], 4.0) < 2.0 ? 1050 : 950;
    assert_int_equal(psy_rsa_compute(&f.beats, &f.breaths, NULL, &r), PSY_OK);
    assert_int_equal(r.p2t_no_rsa, r.p2t_n);
    assert_true(r.p2t_mean_ms == 0);
    psy_rsa_result_clear(&r);
    /* NeuroKit's range: max - min within the breath, whatever the phase */
    psy_rsa_config c = psy_rsa_config_default();
    c.p2t_method = PSY_RSA_P2T_RANGE;
    assert_int_equal(psy_rsa_compute(&f.beats, &f.breaths, &c, &r), PSY_OK);
    assert_true(fabs(r.p2t_mean_ms - 100) < 1e-9);
    psy_rsa_result_clear(&r);
    assert_int_equal(psy_rsa_compute(NULL, &f.breaths, NULL, &r), PSY_E_INVALID);
    c.pb_band_hz[1] = 2;
    assert_int_equal(psy_rsa_compute(&f.beats, &f.breaths, &c, &r), PSY_E_INVALID);
}

/* Resonance breathing at 6 /min: the HF band follows the breathing (0.05-0.15 Hz), the resonance
 * peak sits at 0.1 Hz and the coherence ratio is high. */
static void test_slow_breathing(void **state)
{
    (void)state;
    static fixture f;
    make(&f, 10.0, 300);
    psy_rsa_result r;
    assert_int_equal(psy_rsa_compute(&f.beats, &f.breaths, NULL, &r), PSY_OK);
    print_message("6 /min: band [%.3f, %.3f] HF %.0f, resonance %.4f Hz %.0f ms2, coherence %.1f\n", r.hf_band_hz[0],
                  r.hf_band_hz[1], r.hf_resp_ms2, r.resonance_hz, r.resonance_power_ms2, r.coherence_ratio);
    assert_true(fabs(r.hf_band_hz[0] - 0.05) < 0.002 && fabs(r.hf_band_hz[1] - 0.15) < 0.002);
    assert_true(fabs(r.hf_resp_ms2 - 1250) / 1250 < 0.1);
    assert_true(fabs(r.resonance_hz - 0.1) < 0.005);
    assert_true(r.resonance_power_ms2 > 1000);
    assert_true(r.coherence_ratio > 5);
    psy_rsa_result_clear(&r);
    /* too short for a spectrum or an epoch: n/a with the reasons */
    make(&f, 10.0, 25);
    assert_int_equal(psy_rsa_compute(&f.beats, &f.breaths, NULL, &r), PSY_OK);
    assert_true(isnan(r.hf_resp_ms2) && r.hf_why && isnan(r.resonance_hz) && isnan(r.pb_ln) && r.pb_why);
    psy_rsa_result_clear(&r);
}

/* The one peak rule of the resonance and the coherence ratio (psy_hrv_spectrum_peak). */
static void test_spectrum_peak(void **state)
{
    (void)state;
    double f[100], psd[100], hz, power;
    for (int i = 0; i < 100; i++) f[i] = 0.005 * i, psd[i] = i == 20 ? 100 : i == 19 || i == 21 ? 40 : i == 60 ? 500 : 1;
    /* the largest bin within 0.04-0.15 Hz is 0.1 Hz (0.3 Hz is larger but outside) */
    assert_int_equal(psy_hrv_spectrum_peak(f, psd, 100, 0.04, 0.15, 0.015, &hz, &power), PSY_OK);
    assert_true(fabs(hz - 0.1) < 1e-12);
    /* ±0.015 Hz: 7 bins of 0.005 Hz, the edges (0.085, 0.115) included */
    assert_true(fabs(power - 0.005 * (100 + 2 * 40 + 4 * 1)) < 1e-9);
    assert_int_equal(psy_hrv_spectrum_peak(f, psd, 100, 0.04, 0.4, 0, &hz, &power), PSY_OK);
    assert_true(fabs(hz - 0.3) < 1e-12 && fabs(power - 2.5) < 1e-9);
    assert_int_equal(psy_hrv_spectrum_peak(f, psd, 100, 0.6, 0.7, 0.015, &hz, &power), PSY_E_TOO_SHORT);
    assert_true(isnan(hz) && isnan(power));
    assert_int_equal(psy_hrv_spectrum_peak(f, psd, 1, 0.04, 0.15, 0.015, &hz, &power), PSY_E_INVALID);
    assert_int_equal(psy_hrv_spectrum_peak(f, psd, 100, 0.15, 0.04, 0.015, &hz, &power), PSY_E_INVALID);
    assert_int_equal(psy_hrv_spectrum_peak(NULL, psd, 100, 0.04, 0.15, 0.015, &hz, &power), PSY_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_p2t_and_porges_bohrer),
                                       cmocka_unit_test(test_slow_breathing),
                                       cmocka_unit_test(test_spectrum_peak)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
