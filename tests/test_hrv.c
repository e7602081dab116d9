/* HRV on generated series with known answers: time domain, band powers of sinusoids (Welch and
 * Lomb), entropy against a brute-force count, DFA of noise, detrending, minimum lengths, bad input. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/beats.h"
#include "psyphys/hrv.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include "alloc_count.h"
#include "hrv_arrays.h" /* internals checked directly */

/* A deterministic pseudo-random generator (xorshift), uniform in [0, 1). */
static double uniform(unsigned long long *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static psy_hrv *make(const psy_hrv_config *c)
{
    psy_hrv *h = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_hrv_create(c, &h, &why), PSY_OK);
    return h;
}

static void test_time_domain_alternating(void **state)
{
    (void)state;
    /* 800, 900, 800, ...: every |dNN| = 100 */
    enum { N = 401 };
    double rr[N];
    for (int i = 0; i < N; i++) rr[i] = i % 2 ? 900 : 800;
    psy_hrv_config c = psy_hrv_config_default();
    c.min_geometric_s = 0;
    psy_hrv *h = make(&c);
    psy_hrv_result r;
    size_t skipped = 99;
    assert_int_equal(psy_hrv_compute(h, rr, NULL, N, &r, &skipped), PSY_OK);
    assert_int_equal(skipped, 0);
    assert_int_equal(r.n_nn, N);
    const double *v = r.values.v;
    double mean = (201.0 * 800 + 200.0 * 900) / N;
    assert_float_equal(v[PSY_HRV_MEAN_NN_MS], mean, 1e-9);
    double ss = 201.0 * (800 - mean) * (800 - mean) + 200.0 * (900 - mean) * (900 - mean);
    assert_float_equal(v[PSY_HRV_SDNN_MS], sqrt(ss / (N - 1)), 1e-9);
    assert_float_equal(v[PSY_HRV_RMSSD_MS], 100, 1e-9);
    assert_float_equal(v[PSY_HRV_PNN50_PCT], 100, 1e-12);
    assert_float_equal(v[PSY_HRV_PNN20_PCT], 100, 1e-12);
    assert_float_equal(v[PSY_HRV_MEDIAN_NN_MS], 800, 0);
    assert_float_equal(v[PSY_HRV_MIN_NN_MS], 800, 0);
    assert_float_equal(v[PSY_HRV_MAX_NN_MS], 900, 0);
    assert_float_equal(v[PSY_HRV_IQR_NN_MS], 100, 1e-12);
    assert_float_equal(v[PSY_HRV_MEAN_HR_BPM], 60000 / mean, 1e-9);
    assert_float_equal(v[PSY_HRV_SD1_MS], sqrt(0.5) * v[PSY_HRV_SDSD_MS], 1e-9);
    /* two histogram bins of 201 and 200: HTI = 401 / 201 */
    assert_float_equal(v[PSY_HRV_HTI], 401.0 / 201.0, 1e-12);
    psy_hrv_destroy(h);
}

static void test_triangular_histogram(void **state)
{
    (void)state;
    /* counts on 7.8125 ms bins forming an exact triangle from bin 100 to bin 120, apex 10 at 110 */
    double rr[200], b = 7.8125;
    size_t n = 0;
    for (int k = 100; k <= 120; k++) {
        int count = k <= 110 ? k - 100 : 120 - k;
        for (int j = 0; j < count; j++) rr[n++] = (k + 0.5) * b;
    }
    assert_int_equal(n, 100);
    psy_hrv_config c = psy_hrv_config_default();
    c.min_geometric_s = 0;
    psy_hrv *h = make(&c);
    psy_hrv_result r;
    assert_int_equal(psy_hrv_compute(h, rr, NULL, n, &r, NULL), PSY_OK);
    assert_float_equal(r.values.v[PSY_HRV_HTI], 100.0 / 10, 1e-12);
    assert_float_equal(r.values.v[PSY_HRV_TINN_MS], 20 * b, 1e-12);
    psy_hrv_destroy(h);
}

static void test_pnn_is_strict(void **state)
{
    (void)state;
    /* differences of exactly 50 and 20 ms do not count; 50.5 does */
    double rr[] = {800, 850, 800, 820, 800, 850.5};
    psy_hrv_config c = psy_hrv_config_default();
    psy_hrv *h = make(&c);
    psy_hrv_result r;
    assert_int_equal(psy_hrv_compute(h, rr, NULL, 6, &r, NULL), PSY_OK);
    /* 5 differences: 50, 50, 20, 20, 50.5 -> NN50 = 1, NN20 = 3 */
    assert_float_equal(r.values.v[PSY_HRV_PNN50_PCT], 100.0 / 5, 1e-12);
    assert_float_equal(r.values.v[PSY_HRV_PNN20_PCT], 300.0 / 5, 1e-12);
    psy_hrv_destroy(h);
    c.pnn_per_interval = 1; /* NeuroKit divides by the number of intervals */
    h = make(&c);
    assert_int_equal(psy_hrv_compute(h, rr, NULL, 6, &r, NULL), PSY_OK);
    assert_float_equal(r.values.v[PSY_HRV_PNN50_PCT], 100.0 / 6, 1e-12);
    psy_hrv_destroy(h);
    c.pnn_per_interval = 0;
    c.pnn_inclusive = 1; /* PCST's pnna counts |dNN| >= 50 ms: 50, 50, 50.5 and 20, 20 too */
    h = make(&c);
    assert_int_equal(psy_hrv_compute(h, rr, NULL, 6, &r, NULL), PSY_OK);
    assert_float_equal(r.values.v[PSY_HRV_PNN50_PCT], 300.0 / 5, 1e-12);
    assert_float_equal(r.values.v[PSY_HRV_PNN20_PCT], 500.0 / 5, 1e-12);
    psy_hrv_destroy(h);
}

/* PCST's Lomb on 1024 beats one second apart, NN = 1000 + 10 sin(2 pi (100 / 1024) t): the
 * sinusoid is orthogonal to every other frequency k / 1024 of the grid, so all the power sits in
 * bin 100 (0.098 Hz, LF), P = N A² / 2, and PCST's power P / 1024 is A² / 2 = 50 ms² here (with
 * beats 1 s apart PCST's "power" is the variance; with 2 beats a second it would double). */
static void test_pcst_lomb_scaling(void **state)
{
    (void)state;
    enum { N_BEATS = 1024 };
    double nn[N_BEATS], t[N_BEATS];
    for (int k = 0; k < N_BEATS; k++) {
        t[k] = 1 + k;
        nn[k] = 1000 + 10 * sin(2 * M_PI * 100.0 / 1024.0 * t[k]);
    }
    psy_hrv_config c;
    assert_int_equal(psy_hrv_config_preset("pcst", &c), PSY_OK);
    psy_hrv *h = make(&c);
    psy_hrv_result r;
    assert_int_equal(psy_hrv_compute(h, nn, t, N_BEATS, &r, NULL), PSY_OK);
    const double *v = r.lomb.v;
    assert_float_equal(v[PSY_HRV_LF_MS2], 50, 1e-9);
    assert_float_equal(v[PSY_HRV_ULF_MS2] + v[PSY_HRV_VLF_MS2] + v[PSY_HRV_HF_MS2], 0, 1e-9);
    assert_float_equal(v[PSY_HRV_TOTAL_POWER_MS2], 50, 1e-9);
    assert_float_equal(v[PSY_HRV_LF_PEAK_HZ], 100.0 / 1024, 1e-12);
    const double *f, *p;
    size_t np;
    psy_hrv_spectrum(h, PSY_HRV_LOMB, &f, &p, &np);
    assert_int_equal(np, 513); /* 0, 1/1024 .. 512/1024 Hz */
    assert_float_equal(f[512], 0.5, 1e-12);
    assert_float_equal(p[100], N_BEATS * 100 / 2.0, 1e-6);
    /* band edges are closed: a bin on 0.15 Hz (0.15 x 1024 is not an integer, so move the HF
     * band's lower edge onto bin 100) counts in LF and in HF */
    c.band_hz[PSY_HRV_LF][1] = c.band_hz[PSY_HRV_HF][0] = 100.0 / 1024;
    psy_hrv_destroy(h);
    h = make(&c);
    assert_int_equal(psy_hrv_compute(h, nn, t, N_BEATS, &r, NULL), PSY_OK);
    assert_float_equal(r.lomb.v[PSY_HRV_LF_MS2], 50, 1e-9);
    assert_float_equal(r.lomb.v[PSY_HRV_HF_MS2], 50, 1e-9);
    /* the default Lomb is calibrated to the variance whatever the beat rate: a²/2 too, within
     * the leakage of its own grid */
    psy_hrv_destroy(h);
    c = psy_hrv_config_default();
    c.detrend = PSY_HRV_DETREND_NONE;
    h = make(&c);
    assert_int_equal(psy_hrv_compute(h, nn, t, N_BEATS, &r, NULL), PSY_OK);
    assert_float_equal(r.lomb.v[PSY_HRV_LF_MS2], 50, 1.0);
    psy_hrv_destroy(h);
}

/* A 10-min series whose RR is modulated at f_mod with amplitude a: its band power is a²/2. */
static size_t modulated(double *rr, double *t, size_t max, double f_mod, double a, double seconds)
{
    size_t n = 0;
    double time = 0;
    while (n < max && time < seconds) {
        double v = 850 + a * sin(2 * M_PI * f_mod * time);
        time += v / 1000;
        rr[n] = v, t[n] = time, n++;
    }
    return n;
}

/* Welch's Hann window is cached with its transform (hrv_ffts_get): a reused analyser on series
 * of several lengths that share the transform size (a segment length each) gives the spectrum a
 * fresh analyser gives, bit for bit, coming back to a length after others too. */
static void test_cached_window_equals_fresh(void **state)
{
    (void)state;
    static double rr[1000], t[1000];
    double at = 0;
    for (size_t i = 0; i < 1000; i++) {
        rr[i] = 800 + 50 * sin(2 * M_PI * 0.25 * at) + 20 * sin(0.7 * (double)i);
        t[i] = (at += rr[i] / 1000);
    }
    psy_hrv_config c = psy_hrv_config_default();
    c.spectra = PSY_HRV_WELCH;
    psy_hrv *reused = NULL;
    assert_int_equal(psy_hrv_create(&c, &reused, NULL), PSY_OK);
    static const size_t lens[] = {190, 212, 160, 240, 300, 190};
    for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
        psy_hrv *fresh = NULL;
        psy_hrv_result a, b;
        assert_int_equal(psy_hrv_create(&c, &fresh, NULL), PSY_OK);
        assert_int_equal(psy_hrv_compute(reused, rr, t, lens[k], &a, NULL), PSY_OK);
        assert_int_equal(psy_hrv_compute(fresh, rr, t, lens[k], &b, NULL), PSY_OK);
        assert_false(isnan(a.welch.v[PSY_HRV_HF_MS2]));
        assert_memory_equal(a.welch.v, b.welch.v, sizeof a.welch.v);
        const double *fa, *pa, *fb, *pb;
        size_t na, nb;
        psy_hrv_spectrum(reused, PSY_HRV_WELCH, &fa, &pa, &na);
        psy_hrv_spectrum(fresh, PSY_HRV_WELCH, &fb, &pb, &nb);
        assert_true(na > 0);
        assert_int_equal(na, nb);
        assert_memory_equal(pa, pb, na * sizeof *pa);
        psy_hrv_destroy(fresh);
    }
    psy_hrv_destroy(reused);
}

static void test_band_power_of_sinusoids(void **state)
{
    (void)state;
    static double rr[2000], t[2000];
    const struct {
        double f;
        psy_hrv_key key;
    } cases[] = {{0.1, PSY_HRV_LF_MS2}, {0.22, PSY_HRV_HF_MS2}};
    for (size_t k = 0; k < 2; k++) {
        size_t n = modulated(rr, t, 2000, cases[k].f, 40, 900);
        psy_hrv_config c = psy_hrv_config_default();
        c.detrend = PSY_HRV_DETREND_NONE;
        c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR;
        psy_hrv *h = make(&c);
        psy_hrv_result r;
        assert_int_equal(psy_hrv_compute(h, rr, t, n, &r, NULL), PSY_OK);
        double want = 40.0 * 40.0 / 2;
        assert_true(fabs(r.welch.v[cases[k].key] / want - 1) < 0.02);
        assert_true(fabs(r.lomb.v[cases[k].key] / want - 1) < 0.02);
        /* the other band is nearly empty, the peak sits at the modulation */
        psy_hrv_key other = cases[k].key == PSY_HRV_LF_MS2 ? PSY_HRV_HF_MS2 : PSY_HRV_LF_MS2;
        assert_true(r.welch.v[other] < 0.01 * want);
        psy_hrv_key peak = cases[k].key == PSY_HRV_LF_MS2 ? PSY_HRV_LF_PEAK_HZ : PSY_HRV_HF_PEAK_HZ;
        assert_true(fabs(r.welch.v[peak] - cases[k].f) < 0.005);
        assert_true(fabs(r.lomb.v[peak] - cases[k].f) < 0.005);
        /* values carry the first spectrum (Welch) */
        assert_float_equal(r.values.v[cases[k].key], r.welch.v[cases[k].key], 0);
        /* Burg AR(16) on the same modulation with a little white noise (a pure sinusoid makes
         * an AR line narrower than any frequency grid) */
        unsigned long long seed = 7;
        for (size_t i = 0; i < n; i++) rr[i] += 4 * (uniform(&seed) - 0.5);
        assert_int_equal(psy_hrv_compute(h, rr, t, n, &r, NULL), PSY_OK);
        /* an AR model of a near-line spectrum puts a very sharp peak on the grid: 10 % */
        assert_true(fabs(r.ar.v[cases[k].key] / want - 1) < 0.10);
        assert_true(fabs(r.ar.v[peak] - cases[k].f) < 0.005);
        /* the spectrum is available */
        const double *f, *p;
        size_t np;
        psy_hrv_spectrum(h, PSY_HRV_LOMB, &f, &p, &np);
        assert_true(np > 100);
        assert_float_equal(f[1] - f[0], 1.0 / (4 * (t[n - 1] - t[0])), 1e-12);
        psy_hrv_destroy(h);
    }
}

static void test_detrending_keeps_hf_removes_trend(void **state)
{
    (void)state;
    enum { M = 2400 };
    static double z[M], work[6 * M];
    for (int i = 0; i < M; i++) z[i] = 3.0 * i + 7; /* a line: D2 z = 0, so it is all trend */
    hrv_detrend_smoothness(z, M, 500, work);
    for (int i = 0; i < M; i++) assert_true(fabs(z[i]) < 1e-6);
    /* a 0.25 Hz sinusoid at 4 Hz is far above the ~0.035 Hz cut-off: kept */
    for (int i = 0; i < M; i++) z[i] = sin(2 * M_PI * 0.25 * i / 4.0);
    hrv_detrend_smoothness(z, M, 500, work);
    double peak = 0;
    for (int i = M / 4; i < 3 * M / 4; i++) peak = fmax(peak, fabs(z[i]));
    assert_true(peak > 0.99 && peak < 1.01);
}

static void test_splines_reproduce_polynomials(void **state)
{
    (void)state;
    double t[7] = {0, 0.8, 1.7, 2.5, 3.1, 4.0, 5.2}, y[7], out[20], work[40];
    for (int i = 0; i < 7; i++) y[i] = 2 * t[i] * t[i] - 3 * t[i] + 1;
    hrv_quadratic_resample(t, y, 7, 0, 4, 20, out, work);
    for (int k = 0; k < 20; k++) {
        double x = k / 4.0;
        assert_float_equal(out[k], 2 * x * x - 3 * x + 1, 1e-9);
    }
    for (int i = 0; i < 7; i++) y[i] = 5 * t[i] - 2;
    hrv_spline_resample(t, y, 7, 0, 4, 20, out, work);
    for (int k = 0; k < 20; k++) assert_float_equal(out[k], 5 * (k / 4.0) - 2, 1e-9);
}

/* The spectra of a long series (6 h: 86,401 points at 4 Hz, more than one block of the grid)
 * against the whole series resampled, detrended and transformed at once (the way before the grid
 * was made in blocks): equal to rounding, for each detrending and both splines. */
static void test_blocked_grid_equals_whole_series(void **state)
{
    (void)state;
    enum { N = 27000 };
    static double nn[N], t[N];
    double acc = 0;
    unsigned seed = 7;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        double noise = (double)(seed >> 16 & 0x7fff) / 32768.0 - 0.5;
        nn[i] = 800 + 40 * sin(2 * M_PI * 0.1 * acc) + 25 * sin(2 * M_PI * 0.25 * acc) +
                120 * sin(2 * M_PI * acc / 5400) + 20 * noise;
        acc += nn[i] / 1000;
        t[i] = acc;
    }
    const char *presets[] = {"default", "neurokit"};
    for (int p = 0; p < 2; p++)
        for (int d = 0; d <= PSY_HRV_DETREND_SMOOTHNESS; d++) {
            psy_hrv_config c;
            assert_int_equal(psy_hrv_config_preset(presets[p], &c), PSY_OK);
            c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB;
            c.detrend = (psy_hrv_detrend)d;
            psy_hrv *h = NULL;
            assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
            psy_hrv_result r;
            assert_int_equal(psy_hrv_compute(h, nn, t, N, &r, NULL), PSY_OK);
            /* the reference, as psy_hrv_compute made it before */
            size_t m = (size_t)ceil((t[N - 1] - t[0]) * 4 + 1);
            double *z = malloc(m * sizeof *z), *trend = malloc(m * sizeof *trend), *x = malloc(N * sizeof *x);
            double *work = malloc((6 * m + 3) * sizeof *work);
            assert_non_null(z), assert_non_null(trend), assert_non_null(x), assert_non_null(work);
            if (c.quadratic_spline) hrv_quadratic_resample(t, nn, N, t[0], 4, m, z, work);
            else hrv_spline_resample(t, nn, N, t[0], 4, m, z, work);
            memcpy(trend, z, m * sizeof *z);
            if (d == PSY_HRV_DETREND_SMOOTHNESS) hrv_detrend_smoothness(z, m, c.lambda, work);
            else if (d == PSY_HRV_DETREND_LINEAR) hrv_detrend_linear(z, m);
            double mean = 0;
            for (size_t k = 0; k < m; k++) mean += z[k];
            mean /= (double)m;
            for (size_t k = 0; k < m; k++) z[k] -= mean, trend[k] -= z[k];
            hrv_ffts ffts = {0};
            size_t seg = c.welch_segment_s > 0 ? 1200 : m / 2, nfft = seg * (size_t)c.welch_nfft_factor;
            double *psd = malloc((nfft / 2 + 1) * sizeof *psd), *buf = malloc(seg * sizeof *buf);
            assert_non_null(psd), assert_non_null(buf);
            hrv_welch_acc w;
            hrv_welch_begin(&w, seg, c.welch_overlap, nfft, c.welch_segment_detrend, hrv_ffts_get(&ffts, nfft, 1), psd,
                            buf);
            hrv_welch_push(&w, z, m);
            size_t np = hrv_welch_end(&w, 4);
            const double *f, *pw;
            size_t n_got;
            psy_hrv_spectrum(h, PSY_HRV_WELCH, &f, &pw, &n_got);
            assert_int_equal(n_got, np);
            double top = 0;
            for (size_t i = 0; i < np; i++) top = fmax(top, psd[i]);
            for (size_t i = 0; i < np; i++) assert_true(fabs(pw[i] - psd[i]) <= 1e-9 * top);
            double xm = 0;
            for (size_t i = 0; i < N; i++) {
                double pos = (t[i] - t[0]) * 4, fr = pos - floor(pos);
                size_t k = (size_t)pos;
                double tr = d == PSY_HRV_DETREND_NONE ? 0
                            : k + 1 < m               ? trend[k] + fr * (trend[k + 1] - trend[k])
                                                      : trend[m - 1];
                x[i] = nn[i] - tr;
                xm += x[i];
            }
            for (size_t i = 0; i < N; i++) x[i] -= xm / N;
            psy_arena arena = {0};
            hrv_buf lp = {0};
            double df;
            assert_int_equal(hrv_lomb(t, x, N, 0, c.lomb_oversampling, c.max_hz, &ffts, &arena, &lp, &np, &df), PSY_OK);
            psy_hrv_spectrum(h, PSY_HRV_LOMB, &f, &pw, &n_got);
            assert_int_equal(n_got, np);
            top = 0;
            for (size_t i = 0; i < np; i++) top = fmax(top, lp.v[i]);
            for (size_t i = 0; i < np; i++) assert_true(fabs(pw[i] - lp.v[i]) <= 1e-9 * top);
            psy_arena_free(&arena);
            free(lp.v);
            hrv_ffts_free(&ffts);
            free(z), free(trend), free(x), free(work), free(psd), free(buf);
            psy_hrv_destroy(h);
        }
}

/* SampEn / ApEn by the definition, O(N²). */
static void brute_entropy(const double *x, size_t n, size_t m, double r, double *se, double *ae)
{
    double a = 0, b = 0, phi[2] = {0, 0};
    for (size_t len = m; len <= m + 1; len++) {
        size_t nt = n - len + 1;
        for (size_t i = 0; i < nt; i++) {
            size_t c = 0;
            for (size_t j = 0; j < nt; j++) {
                size_t k = 0;
                while (k < len && fabs(x[i + k] - x[j + k]) <= r) k++;
                c += k == len;
            }
            phi[len - m] += log((double)c / (double)nt);
        }
        phi[len - m] /= (double)nt;
    }
    for (size_t i = 0; i + m < n; i++)
        for (size_t j = i + 1; j + m < n; j++) {
            size_t k = 0;
            while (k < m && fabs(x[i + k] - x[j + k]) <= r) k++;
            if (k < m) continue;
            b += 1;
            a += fabs(x[i + m] - x[j + m]) <= r;
        }
    *se = -log(a / b);
    *ae = fabs(phi[0] - phi[1]);
}

/* PCST's SampEn by its definition: fractions of template pairs within a distance < r. */
static double brute_sampen_pcst(const double *x, size_t n, size_t m, double r)
{
    double frac[2];
    for (size_t len = m; len <= m + 1; len++) {
        size_t nt = n - len + 1;
        double within = 0, pairs = 0;
        for (size_t i = 0; i < nt; i++)
            for (size_t j = i + 1; j < nt; j++) {
                size_t k = 0;
                while (k < len && fabs(x[i + k] - x[j + k]) < r) k++;
                within += k == len, pairs += 1;
            }
        frac[len - m] = within / pairs;
    }
    return -log(frac[1] / frac[0]);
}

static void test_entropy_matches_brute_force(void **state)
{
    (void)state;
    enum { N = 1500 };
    static double x[N];
    psy_arena arena = {0};
    array_cursor ac;
    hrv_cursor *cx = on_array(&ac, x, N);
    unsigned long long s = 12345;
    for (int q = 0; q < 2; q++) {
        /* q = 0: continuous values; q = 1: values on a 8 ms grid (many ties and duplicates) */
        for (int i = 0; i < N; i++) {
            double v = 900 + 60 * sin(i / 5.0) + 40 * uniform(&s);
            x[i] = q ? 8 * floor(v / 8) : v;
        }
        /* each way of counting against brute force, on ties (q = 1) and continuous values: the
         * sweep over the sorted templates takes a series of one block with few neighbours (here
         * every case with block 0, on the 8 ms grid too); a block of N / 3 forces the k-d trees
         * (hrv_entropy.c), whose box tests must count exact ties as the point test does. r of
         * ~0.2 SD and of ~1 SD. */
        for (int m = 1; m <= 3; m++)
            for (int wide = 0; wide < 2; wide++)
                for (size_t block = 0; block <= N / 3; block += N / 3) {
                    double se, ae, bse, bae, r = wide ? 72 : q ? 16 : 13.7;
                    assert_int_equal(hrv_entropy_of(cx, N, m, r, block, &arena, &se, &ae), PSY_OK);
                    brute_entropy(x, N, (size_t)m, r, &bse, &bae);
                    assert_float_equal(se, bse, 1e-12);
                    assert_float_equal(ae, bae, 1e-12);
                    /* on the 8 ms grid r = 16 is a tie: PCST's strict < r drops those pairs */
                    assert_int_equal(hrv_sampen_pcst_of(cx, N, m, r, block, &arena, &se), PSY_OK);
                    assert_float_equal(se, brute_sampen_pcst(x, N, (size_t)m, r), 1e-12);
                }
    }
    /* a constant series: every template matches, SampEn 0, ApEn 0 */
    for (int i = 0; i < N; i++) x[i] = 800;
    double se, ae;
    assert_int_equal(hrv_entropy_of(cx, N, 2, 0, 0, &arena, &se, &ae), PSY_OK);
    assert_float_equal(se, 0, 1e-12);
    assert_float_equal(ae, 0, 1e-12);
    assert_int_equal(psy_arena_mark(&arena), 0); /* all the scratch given back */
    psy_arena_free(&arena);
}

static void test_dfa_of_noise(void **state)
{
    (void)state;
    enum { N = 20000 };
    static double x[N], walk[N];
    unsigned long long s = 99;
    double acc = 0;
    for (int i = 0; i < N; i++) {
        /* sum of 4 uniforms: near-Gaussian white noise */
        x[i] = uniform(&s) + uniform(&s) + uniform(&s) + uniform(&s) - 2;
        walk[i] = (acc += x[i]);
    }
    psy_arena arena = {0};
    psy_status st;
    array_cursor ac;
    double a_white = hrv_dfa_of(on_array(&ac, x, N), N, 16, 64, 0, 0, &arena, &st);
    assert_int_equal(st, PSY_OK);
    double a_walk = hrv_dfa_of(on_array(&ac, walk, N), N, 16, 64, 0, 0, &arena, &st);
    assert_int_equal(st, PSY_OK);
    assert_true(fabs(a_white - 0.5) < 0.08); /* white noise: 0.5 */
    assert_true(fabs(a_walk - 1.5) < 0.08);  /* Brownian motion: 1.5 */
    psy_arena_free(&arena);
}

static void test_minimum_lengths(void **state)
{
    (void)state;
    static double rr[200], t[200];
    size_t n = modulated(rr, t, 200, 0.25, 30, 80); /* 80 s, 94 beats */
    psy_hrv_config c = psy_hrv_config_default();
    psy_hrv *h = make(&c);
    psy_hrv_result r;
    assert_int_equal(psy_hrv_compute(h, rr, t, n, &r, NULL), PSY_OK);
    assert_true(isnan(r.welch.v[PSY_HRV_LF_MS2]));
    assert_non_null(r.welch.na[PSY_HRV_LF_MS2]);
    assert_true(isnan(r.lomb.v[PSY_HRV_VLF_MS2]));
    assert_true(isnan(r.values.v[PSY_HRV_LF_HF]));
    assert_non_null(r.values.na[PSY_HRV_LF_HF]);
    assert_false(isnan(r.welch.v[PSY_HRV_HF_MS2])); /* 80 s >= 60 s */
    assert_false(isnan(r.lomb.v[PSY_HRV_HF_MS2]));
    assert_true(isnan(r.values.v[PSY_HRV_HTI])); /* < 20 min */
    assert_true(isnan(r.values.v[PSY_HRV_SAMPEN])); /* < 100 intervals */
    assert_non_null(r.values.na[PSY_HRV_SAMPEN]);
    assert_true(isnan(r.values.v[PSY_HRV_DFA_ALPHA2])); /* < 4 x 64 beats */
    assert_false(isnan(r.values.v[PSY_HRV_RMSSD_MS]));
    psy_hrv_destroy(h);
}

static void test_bad_input(void **state)
{
    (void)state;
    psy_hrv *h = make(NULL);
    psy_hrv_result r;
    size_t skipped;
    /* empty */
    assert_int_equal(psy_hrv_compute(h, NULL, NULL, 0, &r, &skipped), PSY_OK);
    assert_int_equal(r.n_nn, 0);
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) {
        assert_true(isnan(r.values.v[k]));
        assert_non_null(r.values.na[k]);
    }
    /* one beat */
    double one = 812;
    assert_int_equal(psy_hrv_compute(h, &one, NULL, 1, &r, NULL), PSY_OK);
    assert_float_equal(r.values.v[PSY_HRV_MEAN_NN_MS], 812, 0);
    assert_true(isnan(r.values.v[PSY_HRV_SDNN_MS]));
    assert_true(isnan(r.values.v[PSY_HRV_RMSSD_MS]));
    /* NaN, negative, zero and absurd (> 10 s) intervals, and a time going back, are skipped */
    double rr[] = {800, NAN, -5, 0, 20000, 820, 810, 830};
    double t[] = {0.8, 1.6, 2.4, 3.2, 4.0, 4.8, 4.7, 5.6};
    assert_int_equal(psy_hrv_compute(h, rr, t, 8, &r, &skipped), PSY_OK);
    assert_int_equal(skipped, 5);
    assert_int_equal(r.n_nn, 3);
    assert_float_equal(r.values.v[PSY_HRV_MEAN_NN_MS], (800 + 820 + 830) / 3.0, 1e-9);
    /* 800 -> 820 spans a gap (4 s for an 820 ms interval): only 820 -> 830 is a difference */
    assert_float_equal(r.values.v[PSY_HRV_RMSSD_MS], 10, 1e-9);
    /* PCST counts the difference across the gap too: 800 -> 820 -> 830 */
    psy_hrv_config pc;
    assert_int_equal(psy_hrv_config_preset("pcst", &pc), PSY_OK);
    psy_hrv *hp = make(&pc);
    psy_hrv_result rp;
    assert_int_equal(psy_hrv_compute(hp, rr, t, 8, &rp, NULL), PSY_OK);
    assert_float_equal(rp.values.v[PSY_HRV_RMSSD_MS], sqrt((400.0 + 100.0) / 2), 1e-9);
    psy_hrv_destroy(hp);
    /* a gap of three years between beats: no unbounded spectrum grid, the rest is computed */
    double far_rr[6] = {800, 810, 820, 800, 810, 820};
    double far_t[6] = {0.8, 1.61, 2.43, 1e8, 1e8 + 0.81, 1e8 + 1.63};
    assert_int_equal(psy_hrv_compute(h, far_rr, far_t, 6, &r, NULL), PSY_OK);
    assert_true(isnan(r.welch.v[PSY_HRV_HF_MS2]));
    assert_non_null(strstr(r.welch.na[PSY_HRV_HF_MS2], "spans too long"));
    assert_float_equal(r.values.v[PSY_HRV_MEAN_NN_MS], 810, 1e-9);
    /* sub-millisecond intervals (fuzz finding: max HR became inf) are skipped too */
    double tiny[] = {800, 2e-23, 810, 0.5, 820};
    assert_int_equal(psy_hrv_compute(h, tiny, NULL, 5, &r, &skipped), PSY_OK);
    assert_int_equal(skipped, 2);
    assert_int_equal(r.n_nn, 3);
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
        assert_true(isnan(r.values.v[k]) || isfinite(r.values.v[k]));
    assert_true(isfinite(r.values.v[PSY_HRV_MAX_HR_BPM]));
    /* a gap of 49 h (fuzz finding: 67 MB in one buffer): no spectrum, and the reason stated */
    far_t[3] = 49 * 3600.0, far_t[4] = far_t[3] + 0.81, far_t[5] = far_t[3] + 1.63;
    assert_int_equal(psy_hrv_compute(h, far_rr, far_t, 6, &r, NULL), PSY_OK);
    assert_non_null(strstr(r.lomb.na[PSY_HRV_HF_MS2], "spans too long"));
    /* beat times 1e225 s apart (fuzz finding): SDANN windows are not counted out, no overflow */
    double huge_t[6] = {0.8, 1.61, 2.43, 1e225, 1e225 + 1e210, 2e225};
    assert_int_equal(psy_hrv_compute(h, far_rr, huge_t, 6, &r, NULL), PSY_OK);
    assert_true(isnan(r.values.v[PSY_HRV_SDANN_MS]));
    assert_float_equal(r.values.v[PSY_HRV_MEAN_NN_MS], 810, 1e-9);
    /* all artefacts */
    double bad[] = {NAN, NAN, -1};
    assert_int_equal(psy_hrv_compute(h, bad, NULL, 3, &r, &skipped), PSY_OK);
    assert_int_equal(r.n_nn, 0);
    assert_int_equal(skipped, 3);
    assert_int_equal(psy_hrv_compute(NULL, rr, NULL, 8, &r, NULL), PSY_E_INVALID);
    assert_int_equal(psy_hrv_compute(h, NULL, NULL, 3, &r, NULL), PSY_E_INVALID);
    psy_hrv_destroy(h);
    psy_hrv_destroy(NULL);
}

static void test_span_of_a_beat_list(void **state)
{
    (void)state;
    enum { N = 600 };
    static double rr[N], t[N], nn[N];
    static int64_t sample[N];
    static psy_beat_class cls[N];
    static uint8_t corr[N];
    size_t n = modulated(rr, t, N, 0.1, 30, 400);
    for (size_t i = 0; i < n; i++) nn[i] = rr[i] + 1, sample[i] = -1, cls[i] = PSY_BEAT_NORMAL, corr[i] = 0;
    rr[0] = NAN; /* the raw series starts a stretch */
    psy_beat_list b = {0};
    b.n = n, b.sample = sample, b.onset_s = t, b.rr_ms = rr, b.cls = cls;
    b.n_nn = n, b.nn_ms = nn, b.nn_onset_s = t, b.nn_corrected = corr;
    psy_hrv *h = make(NULL);
    psy_hrv_result whole, part, direct;
    assert_int_equal(psy_hrv_compute_beats(h, &b, 1, -INFINITY, INFINITY, &whole, NULL), PSY_OK);
    assert_int_equal(whole.n_nn, n);
    /* intervals ending in (60, 180] */
    size_t a = 0;
    while (t[a] <= 60) a++;
    size_t e = a;
    while (e < n && t[e] <= 180) e++;
    assert_int_equal(psy_hrv_compute_beats(h, &b, 1, 60, 180, &part, NULL), PSY_OK);
    assert_int_equal(psy_hrv_compute(h, nn + a, t + a, e - a, &direct, NULL), PSY_OK);
    assert_int_equal(part.n_nn, e - a);
    assert_float_equal(part.values.v[PSY_HRV_RMSSD_MS], direct.values.v[PSY_HRV_RMSSD_MS], 0);
    assert_float_equal(part.values.v[PSY_HRV_MEAN_NN_MS], direct.values.v[PSY_HRV_MEAN_NN_MS], 0);
    /* the raw series: the NaN of the first beat is skipped; means differ by the +1 ms */
    size_t skipped = 0;
    assert_int_equal(psy_hrv_compute_beats(h, &b, 0, -INFINITY, INFINITY, &part, &skipped), PSY_OK);
    assert_int_equal(skipped, 1);
    assert_int_equal(part.n_nn, n - 1);
    assert_int_equal(psy_hrv_compute_beats(h, &b, 1, 500, 600, &part, NULL), PSY_OK);
    assert_int_equal(part.n_nn, 0);
    assert_int_equal(psy_hrv_compute_beats(h, NULL, 1, 0, 1, &part, NULL), PSY_E_INVALID);
    psy_hrv_destroy(h);
}

static void test_config_and_names(void **state)
{
    (void)state;
    psy_hrv_config c = psy_hrv_config_default();
    c.resample_hz = 0.1;
    psy_hrv *h = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_hrv_create(&c, &h, &why), PSY_E_INVALID);
    assert_null(h);
    assert_non_null(strstr(why.text, "resample_hz"));
    c = psy_hrv_config_default();
    c.entropy_m = 0;
    assert_int_equal(psy_hrv_create(&c, &h, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "entropy_m"));
    assert_int_equal(psy_hrv_config_preset("neurokit", &c), PSY_OK);
    assert_int_equal(c.pnn_per_interval, 1);
    assert_int_equal(psy_hrv_config_preset("pcst", &c), PSY_OK);
    assert_float_equal(c.entropy_r_sd, 0.15, 0);
    assert_int_equal(c.lomb_pcst, 1);
    assert_int_equal(c.spectra, PSY_HRV_LOMB);
    c.total_power_all_bands = 3;
    assert_int_equal(psy_hrv_create(&c, &h, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "total_power_all_bands"));
    assert_int_equal(psy_hrv_config_preset("nope", &c), PSY_E_NOT_FOUND);
    assert_string_equal(psy_hrv_key_name(PSY_HRV_RMSSD_MS), "rmssd_ms");
    assert_string_equal(psy_hrv_key_name(PSY_HRV_DFA_ALPHA2), "dfa_alpha2");
    assert_string_equal(psy_hrv_key_name(PSY_HRV_KEY_COUNT), "");
    assert_true(psy_hrv_key_is_frequency(PSY_HRV_LF_NU));
    assert_false(psy_hrv_key_is_frequency(PSY_HRV_SD1_MS));
    assert_int_equal(psy_hrv_window_count(0, 600, 300, 30), 11);
    assert_int_equal(psy_hrv_window_count(0, 299, 300, 30), 0);
    assert_int_equal(psy_hrv_window_count(0, 600, 300, 0), 0);
}

/* psy_hrv_compute allocates on the first call of a size only: again on the same series, on
 * a shorter window after it, and back on the long series, it allocates nothing -- with every
 * spectrum and the nonlinear metrics, for each preset (each has its own FFT sizes). After
 * psy_hrv_reserve, no call within the bounds allocates at all. */
static void test_no_allocation_after_first_call(void **state)
{
    (void)state;
#ifndef COUNT_ALLOCATIONS
    skip();
#else
    static double rr[3000], t[3000];
    unsigned long long seed = 3;
    size_t n = modulated(rr, t, 3000, 0.1, 40, 1800); /* 30 min: HTI, TINN, SDANN, DFA too */
    for (size_t i = 0; i < n; i++) rr[i] += 10 * uniform(&seed);
    static const char *const presets[] = {"default", "neurokit", "pcst"};
    for (int p = 0; p < 3; p++) {
        psy_hrv_config c;
        assert_int_equal(psy_hrv_config_preset(presets[p], &c), PSY_OK);
        c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR;
        /* NeuroKit's segment of half the series gives FFT lengths for which FFTW's execute may
         * allocate scratch (hrv.h): a segment of a power-of-two length here */
        if (p == 1) c.welch_segment_s = 128;
        psy_hrv *h = NULL;
        assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
        psy_hrv_result r;
        size_t lens[] = {n, 400, n, 150, 400};
        for (size_t k = 0; k < 5; k++) {
            long before = allocation_count();
            assert_int_equal(psy_hrv_compute(h, rr + 100, t + 100, lens[k] - 100, &r, NULL), PSY_OK);
            long first = allocation_count() - before;
            before = allocation_count();
            assert_int_equal(psy_hrv_compute(h, rr + 100, t + 100, lens[k] - 100, &r, NULL), PSY_OK);
            assert_int_equal(allocation_count() - before, 0);
            if (k == 2 || k == 4) assert_int_equal(first, 0); /* seen before */
            assert_false(isnan(r.values.v[PSY_HRV_RMSSD_MS]));
        }
        assert_false(isnan(r.lomb.v[PSY_HRV_HF_MS2]));
        assert_true(p == 2 || !isnan(r.welch.v[PSY_HRV_HF_MS2])); /* pcst: Lomb only */
        psy_hrv_destroy(h);
    }
    /* reserved: windows of every length up to 600 beats over 300 s allocate nothing */
    psy_hrv_config c = psy_hrv_config_default();
    c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR;
    psy_hrv *h = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
    assert_int_equal(psy_hrv_reserve(h, 600, 300, &why), PSY_OK);
    long before = allocation_count();
    psy_hrv_result r;
    for (size_t len = 3; len < 350; len += 7) {
        assert_int_equal(psy_hrv_compute(h, rr + len, t + len, len, &r, NULL), PSY_OK);
        assert_int_equal(r.n_nn, len);
    }
    assert_int_equal(allocation_count() - before, 0);
    assert_false(isnan(r.welch.v[PSY_HRV_HF_MS2]));
    /* nor the longest window with an interval to skip, which is copied, not analysed in place */
    static double gappy[600], tg[600];
    double at = 0;
    for (size_t i = 0; i < 600; i++) {
        gappy[i] = 470 + 30 * uniform(&seed);
        tg[i] = (at += gappy[i] / 1000.0);
    }
    gappy[300] = NAN;
    size_t skipped = 0;
    before = allocation_count();
    assert_int_equal(psy_hrv_compute(h, gappy, tg, 600, &r, &skipped), PSY_OK);
    assert_int_equal(allocation_count() - before, 0);
    assert_int_equal(skipped, 1);
    /* nor the longest window with every template distinct: SampEn/ApEn's scratch grows with the
     * distinct templates (no spectrum here, so that it is the deepest) */
    psy_hrv_config ce = psy_hrv_config_default();
    ce.spectra = 0;
    psy_hrv *he = NULL;
    assert_int_equal(psy_hrv_create(&ce, &he, NULL), PSY_OK);
    assert_int_equal(psy_hrv_reserve(he, 6000, 3000, &why), PSY_OK);
    static double distinct[6000], td[6000];
    double acc = 0;
    for (size_t i = 0; i < 6000; i++) {
        distinct[i] = 470 + 30 * uniform(&seed);
        td[i] = (acc += distinct[i] / 1000.0);
    }
    before = allocation_count();
    assert_int_equal(psy_hrv_compute(he, distinct, td, 6000, &r, NULL), PSY_OK);
    assert_int_equal(allocation_count() - before, 0);
    assert_false(isnan(r.values.v[PSY_HRV_SAMPEN]));
    psy_hrv_destroy(he);
    /* nor a series whose templates the k-d tree counts, where the reserve's trial (a ramp) takes
     * the sweep (dsp/hrv_entropy.c): values 1 us apart, every 50th an outlier of 1 600 ms, so
     * that r (0.2 SD) holds nearly every template near its first value; a first interval to
     * skip, so that the series is copied as the trial's is (no margin from analysing in place) */
    assert_int_equal(psy_hrv_create(&ce, &he, NULL), PSY_OK);
    assert_int_equal(psy_hrv_reserve(he, 3000, 3000, &why), PSY_OK);
    acc = 0;
    for (size_t i = 0; i < 3000; i++) {
        distinct[i] = i % 50 == 49 ? 1600 : 800 + 1e-3 * (double)i;
        td[i] = (acc += distinct[i] / 1000.0);
    }
    distinct[0] = NAN;
    before = allocation_count();
    assert_int_equal(psy_hrv_compute(he, distinct, td, 3000, &r, NULL), PSY_OK);
    assert_int_equal(allocation_count() - before, 0);
    assert_false(isnan(r.values.v[PSY_HRV_SAMPEN]));
    psy_hrv_destroy(he);
    /* out of range */
    assert_int_equal(psy_hrv_reserve(h, 2, 300, &why), PSY_E_INVALID);
    assert_int_equal(psy_hrv_reserve(h, 600, 7200, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "3600"));
    psy_hrv_destroy(h);
    c.welch_segment_s = 0; /* a size per window length: too many for an hour */
    assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
    assert_int_equal(psy_hrv_reserve(h, 20000, 3600, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "FFT sizes"));
    psy_hrv_destroy(h);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_domain_alternating),
        cmocka_unit_test(test_pnn_is_strict),
        cmocka_unit_test(test_pcst_lomb_scaling),
        cmocka_unit_test(test_triangular_histogram),
        cmocka_unit_test(test_band_power_of_sinusoids),
        cmocka_unit_test(test_cached_window_equals_fresh),
        cmocka_unit_test(test_detrending_keeps_hf_removes_trend),
        cmocka_unit_test(test_splines_reproduce_polynomials),
        cmocka_unit_test(test_blocked_grid_equals_whole_series),
        cmocka_unit_test(test_entropy_matches_brute_force),
        cmocka_unit_test(test_dfa_of_noise),
        cmocka_unit_test(test_minimum_lengths),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_span_of_a_beat_list),
        cmocka_unit_test(test_config_and_names),
        cmocka_unit_test(test_no_allocation_after_first_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
