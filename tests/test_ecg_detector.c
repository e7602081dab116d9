/* The streaming R-peak detector on synthetic ECG with known beats: rates from 100 Hz to 3 kHz,
 * either polarity, baseline wander, noise, premature beats, artefact spikes, NaN and flat gaps;
 * streaming in random chunks, copy and reset give the one-shot beats exactly. */
#include "test_util.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/ecg.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define MAX_BEATS 4096

typedef struct beats {
    int64_t at[MAX_BEATS];
    size_t n;
} beats;

/* Deterministic uniform noise in [-1, 1) (xorshift). */
static double noise(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return (double)(*state >> 11) / (double)(1ULL << 52) - 1.0;
}

static double gauss(double t, double centre, double width)
{
    double z = (t - centre) / width;
    return exp(-0.5 * z * z);
}

/* A very wide ventricular beat: NeuroKit's bio_resting_5min_100hz.csv, ECG samples 21736 .. 21784
 * (its R-peak at 21745; the sharpest part is a notch 0.28 s after the slow, rounded R, so its
 * band-passed energy peaks long after the R-peak). */
static const double wide_beat_mv[] = {
    0.031, 0.026, 0.038, 0.049, 0.087, 0.131, 0.165, 0.210, 0.265, 0.284, 0.262, 0.233, 0.169,
    0.118, 0.089, 0.032, -0.029, -0.129, -0.197, -0.213, -0.210, -0.150, -0.138, -0.145, -0.200,
    -0.239, -0.246, -0.233, -0.232, -0.230, -0.220, -0.185, -0.154, -0.096, -0.051, -0.071, -0.210,
    -0.227, -0.138, -0.096, -0.059, -0.049, -0.029, -0.024, -0.027, -0.025, -0.019, -0.019, -0.018};

/* The recorded wide beat around t = 0 (s), interpolated, less the line between its ends, and
 * scaled as our normal R (1 mV) to that recording's (0.136 mV). */
static double recorded_wide_beat(double t)
{
    const int n = (int)(sizeof wide_beat_mv / sizeof wide_beat_mv[0]);
    double u = (t + 0.09) * 100;
    if (u < 0 || u >= n - 1) return 0;
    int i = (int)u;
    double f = u - i, v = (1 - f) * wide_beat_mv[i] + f * wide_beat_mv[i + 1];
    double line = wide_beat_mv[0] + (wide_beat_mv[n - 1] - wide_beat_mv[0]) * u / (n - 1);
    return (v - line) / 0.136;
}

/* One P-QRS-T complex (mV) around an R-peak at time 0; wide = 1 for a PVC-like complex, 2 for the
 * recorded very wide one. */
static double complex_at(double t, int wide)
{
    if (wide == 2) return recorded_wide_beat(t);
    if (wide) return 1.6 * gauss(t, 0, 0.030) - 0.5 * gauss(t, 0.08, 0.04) - 0.3 * gauss(t, 0.3, 0.06);
    return 0.12 * gauss(t, -0.18, 0.025) - 0.1 * gauss(t, -0.025, 0.008) +
           1.0 * gauss(t, 0, 0.010) - 0.2 * gauss(t, 0.025, 0.008) + 0.3 * gauss(t, 0.28, 0.045);
}

typedef struct synth {
    double rate;
    double seconds;
    double rr_s;        /* mean RR */
    double wander_mv;   /* baseline wander amplitude at 0.3 Hz */
    double noise_mv;    /* uniform noise amplitude */
    double sign;        /* +1 or -1 (inverted leads) */
    int pvc_every;      /* every k-th beat premature (0.6 RR) and wide, then a 1.4 RR pause */
    int pvc_shape;      /* 0: complex_at(, 1); 1: complex_at(, 2) */
} synth;

/* Fills x (n samples) and the true R-peak sample indices. */
static size_t make_ecg(const synth *s, double *x, size_t n, int64_t *truth, size_t max_truth)
{
    double r_times[MAX_BEATS];
    int wide[MAX_BEATS];
    size_t nb = 0;
    uint64_t st = 88172645463325252ULL;
    for (double t = 0.4; t < s->seconds - 0.2 && nb < MAX_BEATS;) {
        int k = (int)nb + 1;
        int is_pvc = s->pvc_every && k % s->pvc_every == 0;
        r_times[nb] = t;
        wide[nb] = is_pvc ? 1 + s->pvc_shape : 0;
        nb++;
        double rr = s->rr_s * (1.0 + 0.05 * sin(2 * M_PI * 0.25 * t)); /* respiratory sinus arrhythmia */
        int next_pvc = s->pvc_every && (k + 1) % s->pvc_every == 0;
        t += next_pvc ? 0.6 * rr : is_pvc ? 1.4 * rr : rr;
    }
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / s->rate, v = 0;
        for (size_t b = 0; b < nb; b++)
            if (fabs(t - r_times[b]) < 0.6) v += complex_at(t - r_times[b], wide[b]);
        v += s->wander_mv * sin(2 * M_PI * 0.3 * t) + s->noise_mv * noise(&st);
        x[i] = s->sign * v;
    }
    size_t m = 0;
    for (size_t b = 0; b < nb && m < max_truth; b++) {
        int64_t at = (int64_t)llround(r_times[b] * s->rate);
        if (at < (int64_t)n) truth[m++] = at;
    }
    return m;
}

/* Runs a detector over x in chunks (chunk 0: one push of everything, with `used` handling). */
static void detect(psy_ecg_detector *d, const double *x, size_t n, size_t chunk, beats *out,
                   psy_ecg_gap *gaps, size_t *n_gaps)
{
    uint64_t st = 12345;
    out->n = 0;
    size_t ng = 0, at = 0;
    while (at < n) {
        size_t len = chunk ? 1 + (size_t)((noise(&st) + 1) * 0.5 * (double)chunk) : n - at;
        if (len > n - at) len = n - at;
        size_t off = 0;
        while (off < len) {
            size_t used = 0;
            assert_int_equal(psy_ecg_detector_push(d, x + at + off, len - off, &used), PSY_OK);
            off += used;
            psy_ecg_beat b[64];
            size_t k;
            while ((k = psy_ecg_detector_pop_beats(d, b, 64)) > 0)
                for (size_t i = 0; i < k && out->n < MAX_BEATS; i++) out->at[out->n++] = b[i].sample;
            if (gaps) ng += psy_ecg_detector_pop_gaps(d, gaps + ng, 16 - ng);
        }
        at += len;
    }
    assert_int_equal(psy_ecg_detector_finish(d), PSY_OK);
    psy_ecg_beat b[64];
    size_t k;
    while ((k = psy_ecg_detector_pop_beats(d, b, 64)) > 0)
        for (size_t i = 0; i < k && out->n < MAX_BEATS; i++) out->at[out->n++] = b[i].sample;
    if (gaps) ng += psy_ecg_detector_pop_gaps(d, gaps + ng, 16 - ng);
    if (n_gaps) *n_gaps = ng;
}

static void detect_fresh(double rate, const double *x, size_t n, size_t chunk, beats *out,
                         psy_ecg_gap *gaps, size_t *n_gaps)
{
    psy_ecg_detector_config c = psy_ecg_detector_config_default(rate);
    psy_ecg_detector *d = NULL;
    assert_int_equal(psy_ecg_detector_create(&c, &d), PSY_OK);
    detect(d, x, n, chunk, out, gaps, n_gaps);
    psy_ecg_detector_destroy(d);
}

/* Every true beat found within tol_s, and nothing else. */
static void expect_beats(const beats *got, const int64_t *truth, size_t n_truth, double rate,
                         double tol_s, const char *what)
{
    int64_t tol = (int64_t)ceil(tol_s * rate);
    size_t j = 0, matched = 0;
    for (size_t i = 0; i < n_truth; i++) {
        while (j < got->n && got->at[j] < truth[i] - tol) j++;
        if (j < got->n && llabs(got->at[j] - truth[i]) <= tol) matched++, j++;
    }
    if (matched != n_truth || got->n != n_truth)
        fail_msg("%s: %zu of %zu beats found within %.0f ms, %zu detections", what, matched,
                 n_truth, tol_s * 1000, got->n);
}

static double *alloc_signal(size_t n)
{
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    return x;
}

/* R-peaks timed between samples and through mains: beats at times that fall anywhere between
 * samples, a symmetric R wave (1 mV, 12 ms wide) and 50 or 60 Hz mains of a fifth of it, which
 * moves the raw signal's extremum by several ms. The detected times (sample + offset) stay
 * within a fraction of a sample of the true ones (the raw extremum alone is off by up to half a
 * sample plus the mains' shift). */
static void test_sub_sample_timing_through_mains(void **state)
{
    (void)state;
    const double rates[] = {250, 360, 1000}, mains[] = {0, 50, 60};
    for (int r = 0; r < 3; r++)
        for (int m = 0; m < 3; m++) {
            double rate = rates[r], seconds = 60, t_beat[128];
            size_t n = (size_t)(seconds * rate), nb = 0;
            for (double t = 0.5; t < seconds - 0.5 && nb < 128; t += 0.8137 + 0.05 * sin(0.7 * t)) t_beat[nb++] = t;
            double *x = alloc_signal(n);
            for (size_t i = 0; i < n; i++) {
                double t = (double)i / rate, v = 0.2 * sin(2 * M_PI * mains[m] * t + 0.3);
                for (size_t b = 0; b < nb; b++)
                    if (fabs(t - t_beat[b]) < 0.6)
                        v += 0.1 * gauss(t - t_beat[b], -0.16, 0.025) + gauss(t - t_beat[b], 0, 0.012) +
                             0.3 * gauss(t - t_beat[b], 0.28, 0.045);
                x[i] = v;
            }
            psy_ecg_detector_config c = psy_ecg_detector_config_default(rate);
            psy_ecg_detector *d = NULL;
            assert_int_equal(psy_ecg_detector_create(&c, &d), PSY_OK);
            size_t used = 0, k, got = 0;
            assert_int_equal(psy_ecg_detector_push(d, x, n, &used), PSY_OK);
            assert_int_equal(used, n);
            assert_int_equal(psy_ecg_detector_finish(d), PSY_OK);
            psy_ecg_beat beat[128];
            double sum = 0, sum2 = 0;
            while ((k = psy_ecg_detector_pop_beats(d, beat + got, 128 - got)) > 0) got += k;
            /* every true beat, matched in order within 50 ms (the signal's last half second, mains
             * alone after the last T wave, is not scored) */
            size_t j = 0;
            for (size_t b = 0; b < nb; b++) {
                while (j < got && ((double)beat[j].sample + beat[j].offset) / rate < t_beat[b] - 0.05) j++;
                assert_true(j < got);
                double e = 1000 * (((double)beat[j].sample + beat[j].offset) / rate - t_beat[b]);
                assert_true(fabs(e) < 50 && beat[j].offset >= -0.5f && beat[j].offset <= 0.5f);
                sum += e, sum2 += e * e;
            }
            for (size_t b = 0; b < got; b++) assert_true(b < nb || (double)beat[b].sample / rate > seconds - 0.5);
            double mean = sum / (double)nb, sd = sqrt(sum2 / (double)nb - mean * mean);
            if (fabs(mean) > 0.3 || sd > 0.3)
                fail_msg("%g Hz, mains %g Hz: R-peak time error %.2f ms mean, %.2f ms SD", rate, mains[m], mean, sd);
            psy_ecg_detector_destroy(d);
            free(x);
        }
}

static void test_rates_and_polarity(void **state)
{
    (void)state;
    static const double rates[] = {100, 130, 250, 360, 500, 1000, 3000};
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++)
        for (int sign = -1; sign <= 1; sign += 2) {
            synth s = {rates[r], 60, 0.8, 0.4, 0.03, sign, 0, 0};
            size_t n = (size_t)(s.seconds * s.rate);
            double *x = alloc_signal(n);
            int64_t truth[MAX_BEATS];
            size_t nt = make_ecg(&s, x, n, truth, MAX_BEATS);
            beats got;
            detect_fresh(s.rate, x, n, 0, &got, NULL, NULL);
            char what[64];
            snprintf(what, sizeof what, "%g Hz, sign %+d", rates[r], sign);
            /* fiducial within one sample or 2 ms of the true R-peak */
            expect_beats(&got, truth, nt, s.rate, fmax(2e-3, 1.0 / s.rate), what);
            free(x);
        }
}

static void test_premature_beats_kept_and_spikes_dropped(void **state)
{
    (void)state;
    synth s = {360, 60, 0.8, 0.2, 0.02, 1, 4, 0};
    size_t n = (size_t)(s.seconds * s.rate);
    double *x = alloc_signal(n);
    int64_t truth[MAX_BEATS];
    size_t nt = make_ecg(&s, x, n, truth, MAX_BEATS);
    beats got;
    detect_fresh(s.rate, x, n, 0, &got, NULL, NULL);
    expect_beats(&got, truth, nt, s.rate, 0.03, "PVC every 4th beat");

    /* Narrow artefact spikes half-way between beats are not beats. */
    synth clean = {360, 60, 0.8, 0.2, 0.02, 1, 0, 0};
    nt = make_ecg(&clean, x, n, truth, MAX_BEATS);
    for (size_t b = 6; b + 1 < nt; b += 7) {
        int64_t mid = (truth[b] + truth[b + 1]) / 2;
        for (int k = -2; k <= 2; k++) x[mid + k] += 0.8 * (1 - abs(k) / 3.0);
    }
    detect_fresh(s.rate, x, n, 0, &got, NULL, NULL);
    expect_beats(&got, truth, nt, s.rate, 0.01, "spikes between beats");
    free(x);
}

/* Regression (issue 14): premature beats whose two intervals add up to one normal interval (an
 * interpolated PVC; an atrial premature beat resetting the sinus node) were held and deleted as
 * "an extra detection inside a normal interval". Whether a detection is a beat is the signal's
 * call: every such beat is found, narrow (atrial) or wide (ventricular), at 250 and 360 Hz. */
static void test_interpolated_premature_beats_kept(void **state)
{
    (void)state;
    static const double rates[] = {250, 360};
    for (size_t r = 0; r < 2; r++) {
        for (int wide = 0; wide < 2; wide++) {
            double rate = rates[r];
            size_t n = (size_t)(60 * rate);
            double *x = alloc_signal(n);
            int64_t truth[MAX_BEATS];
            double at[MAX_BEATS];
            int kind[MAX_BEATS];
            size_t nt = 0;
            for (int k = 0; 0.5 + k * 0.9 < 59.5; k++) {
                at[nt] = 0.5 + k * 0.9, kind[nt++] = 0;
                if (k % 5 == 4) at[nt] = 0.5 + k * 0.9 + 0.45, kind[nt++] = wide; /* 0.45 + 0.45 s */
            }
            uint64_t st = 7;
            for (size_t i = 0; i < n; i++) {
                double t = (double)i / rate, v = 0.1 * sin(2 * M_PI * 0.3 * t) + 0.02 * noise(&st);
                for (size_t b = 0; b < nt; b++)
                    if (fabs(t - at[b]) < 0.6) v += (kind[b] ? 0.8 : 1.0) * complex_at(t - at[b], kind[b]);
                x[i] = v;
            }
            for (size_t b = 0; b < nt; b++) truth[b] = (int64_t)llround(at[b] * rate);
            beats got;
            detect_fresh(rate, x, n, 0, &got, NULL, NULL);
            char what[96];
            snprintf(what, sizeof what, "%s premature beat half-way between two on time, %g Hz",
                     wide ? "wide" : "narrow", rate);
            expect_beats(&got, truth, nt, rate, 0.03, what);
            free(x);
        }
    }
}

/* A ventricular beat wider than the integration window is found at its R-peak. */
static void test_very_wide_beats(void **state)
{
    (void)state;
    static const double rates[] = {100, 360, 1000};
    for (size_t r = 0; r < 3; r++) {
        synth s = {rates[r], 60, 0.75, 0.1, 0.01, 1, 5, 1};
        size_t n = (size_t)(s.seconds * s.rate);
        double *x = alloc_signal(n);
        int64_t truth[MAX_BEATS];
        size_t nt = make_ecg(&s, x, n, truth, MAX_BEATS);
        beats got;
        detect_fresh(s.rate, x, n, 0, &got, NULL, NULL);
        char what[64];
        snprintf(what, sizeof what, "very wide PVC every 5th beat, %g Hz", rates[r]);
        expect_beats(&got, truth, nt, s.rate, 0.02, what);
        free(x);
    }
}

static void test_gaps(void **state)
{
    (void)state;
    synth s = {250, 60, 0.9, 0.2, 0.02, 1, 0, 0};
    size_t n = (size_t)(s.seconds * s.rate);
    double *x = alloc_signal(n);
    int64_t truth[MAX_BEATS], kept[MAX_BEATS];
    size_t nt = make_ecg(&s, x, n, truth, MAX_BEATS);
    /* NaN from 20 s to 25 s; flat (lead off) from 40 s to 44 s. */
    const int64_t nan_a = 5000, nan_b = 6250, flat_a = 10000, flat_b = 11000;
    for (int64_t i = nan_a; i < nan_b; i++) x[i] = NAN;
    for (int64_t i = flat_a; i < flat_b; i++) x[i] = 2.5;
    size_t nk = 0;
    for (size_t i = 0; i < nt; i++) {
        /* beats whose QRS is cut by a gap edge may or may not be found: leave them out */
        int64_t t = truth[i];
        int near = (t > nan_a - 40 && t < nan_b + 40) || (t > flat_a - 40 && t < flat_b + 40);
        if (!near) kept[nk++] = t;
    }
    beats got;
    psy_ecg_gap gaps[16];
    size_t ng = 0;
    detect_fresh(s.rate, x, n, 0, &got, gaps, &ng);
    for (size_t i = 0; i < got.n; i++)
        if ((got.at[i] >= nan_a && got.at[i] < nan_b) || (got.at[i] >= flat_a && got.at[i] < flat_b))
            fail_msg("beat invented inside a gap at sample %lld", (long long)got.at[i]);
    /* Compare outside the edges only. */
    beats outside = {.n = 0};
    for (size_t i = 0; i < got.n; i++) {
        int64_t t = got.at[i];
        int near = (t > nan_a - 40 && t < nan_b + 40) || (t > flat_a - 40 && t < flat_b + 40);
        if (!near) outside.at[outside.n++] = t;
    }
    expect_beats(&outside, kept, nk, s.rate, 0.004, "around gaps");
    assert_int_equal(ng, 2);
    assert_int_equal(gaps[0].start, nan_a);
    assert_int_equal(gaps[0].end, nan_b);
    assert_int_equal(gaps[0].flat, 0);
    assert_int_equal(gaps[1].start, flat_a);
    assert_int_equal(gaps[1].end, flat_b);
    assert_int_equal(gaps[1].flat, 1);
    free(x);
}

static void test_no_signal(void **state)
{
    (void)state;
    size_t n = 10000;
    double *x = alloc_signal(n);
    beats got;
    psy_ecg_gap gaps[16];
    size_t ng;
    for (size_t i = 0; i < n; i++) x[i] = NAN;
    detect_fresh(500, x, n, 0, &got, gaps, &ng);
    assert_int_equal(got.n, 0);
    assert_int_equal(ng, 1);
    assert_int_equal(gaps[0].start, 0);
    assert_int_equal(gaps[0].end, (int64_t)n);
    for (size_t i = 0; i < n; i++) x[i] = 0.25;
    detect_fresh(500, x, n, 0, &got, gaps, &ng);
    assert_int_equal(got.n, 0);
    assert_int_equal(ng, 1);
    assert_int_equal(gaps[0].flat, 1);
    detect_fresh(500, x, 100, 0, &got, NULL, NULL); /* shorter than one RR */
    assert_int_equal(got.n, 0);
    free(x);
}

static void test_streaming_copy_reset(void **state)
{
    (void)state;
    synth s = {1000, 40, 0.75, 0.3, 0.05, 1, 5, 0};
    size_t n = (size_t)(s.seconds * s.rate);
    double *x = alloc_signal(n);
    int64_t truth[MAX_BEATS];
    make_ecg(&s, x, n, truth, MAX_BEATS);
    for (size_t i = 12000; i < 12500; i++) x[i] = NAN;
    for (size_t i = 20000; i < 23000; i++) x[i] = 0.5; /* flat (lead off) for 3 s */
    for (size_t i = 30000; i < 31500; i++) x[i] = 0.25; /* flat for 1.5 s: shorter than a gap */
    beats once, chunked;
    detect_fresh(s.rate, x, n, 0, &once, NULL, NULL);
    assert_true(once.n > 40);
    static const size_t chunks[] = {1, 7, 100, 4096};
    for (size_t c = 0; c < 4; c++) {
        detect_fresh(s.rate, x, n, chunks[c], &chunked, NULL, NULL);
        assert_int_equal(chunked.n, once.n);
        assert_memory_equal(chunked.at, once.at, once.n * sizeof once.at[0]);
    }
    /* Without `used`: pushes of one second, popping after each, take everything. */
    {
        psy_ecg_detector_config cfg = psy_ecg_detector_config_default(s.rate);
        psy_ecg_detector *p = NULL;
        assert_int_equal(psy_ecg_detector_create(&cfg, &p), PSY_OK);
        beats second = {.n = 0};
        psy_ecg_beat b[64];
        size_t k, step = (size_t)s.rate;
        for (size_t at = 0; at < n; at += step) {
            assert_int_equal(psy_ecg_detector_push(p, x + at, n - at < step ? n - at : step, NULL), PSY_OK);
            while ((k = psy_ecg_detector_pop_beats(p, b, 64)) > 0)
                for (size_t i = 0; i < k; i++) second.at[second.n++] = b[i].sample;
        }
        assert_int_equal(psy_ecg_detector_finish(p), PSY_OK);
        while ((k = psy_ecg_detector_pop_beats(p, b, 64)) > 0)
            for (size_t i = 0; i < k; i++) second.at[second.n++] = b[i].sample;
        assert_int_equal(second.n, once.n);
        assert_memory_equal(second.at, once.at, once.n * sizeof once.at[0]);
        psy_ecg_detector_destroy(p);
    }
    /* A copy taken mid-stream continues exactly like the original. */
    psy_ecg_detector_config c = psy_ecg_detector_config_default(s.rate);
    psy_ecg_detector *d = NULL, *copy = NULL;
    assert_int_equal(psy_ecg_detector_create(&c, &d), PSY_OK);
    size_t half = n / 2, off = 0;
    beats first = {.n = 0};
    while (off < half) {
        size_t used;
        psy_ecg_detector_push(d, x + off, half - off, &used);
        off += used;
        psy_ecg_beat b[64];
        size_t k = psy_ecg_detector_pop_beats(d, b, 64);
        for (size_t i = 0; i < k; i++) first.at[first.n++] = b[i].sample;
    }
    assert_int_equal(psy_ecg_detector_copy(d, &copy), PSY_OK);
    beats rest_a, rest_b;
    detect(d, x + half, n - half, 0, &rest_a, NULL, NULL);
    detect(copy, x + half, n - half, 333, &rest_b, NULL, NULL);
    assert_int_equal(rest_a.n, rest_b.n);
    assert_memory_equal(rest_a.at, rest_b.at, rest_a.n * sizeof rest_a.at[0]);
    assert_int_equal(first.n + rest_a.n, once.n);
    /* Reset gives a fresh detector. */
    psy_ecg_detector_reset(d);
    detect(d, x, n, 0, &chunked, NULL, NULL);
    assert_int_equal(chunked.n, once.n);
    assert_memory_equal(chunked.at, once.at, once.n * sizeof once.at[0]);
    assert_int_equal(psy_ecg_detector_push(d, x, 1, NULL), PSY_E_INVALID); /* after finish */
    psy_ecg_detector_destroy(d);
    psy_ecg_detector_destroy(copy);
    free(x);
}

/* The detector's fuzz findings (tests/fuzz/regressions/ecg/, decoded as fuzz_ecg does: byte 0
 * the rate, byte 1 the coding, then int16 samples at 5 uV or raw doubles) run to the end with
 * beats in order. searchback-rpeak-already-a-beat: search-back at the end picked, again and
 * again, a candidate whose R-peak (found by the wide-QRS search) was the last beat's: it hung.
 * timed-onto-last-beats-sample (50 Hz): a beat timed between samples onto the last beat's sample
 * was emitted, the same sample twice (CI's fuzz_ecg, stop 29). */
static void test_fuzz_findings(void **state)
{
    (void)state;
    static const double rates[] = {50, 100, 128, 250, 256, 360, 500, 1000, 3000, 20000, 51.2, 99.9};
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/regressions/ecg", PSYPHYS_SOURCE_DIR);
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        static unsigned char data[1 << 18];
        size_t size = fread(data, 1, sizeof data, f);
        fclose(f);
        assert_true(size >= 2);
        int raw = data[1] & 1;
        size_t width = raw ? 8 : 2, n = (size - 2) / width;
        double *x = alloc_signal(n ? n : 1);
        for (size_t i = 0; i < n; i++) {
            if (raw) {
                memcpy(&x[i], data + 2 + 8 * i, 8);
            } else {
                int16_t v;
                memcpy(&v, data + 2 + 2 * i, 2);
                x[i] = v * 0.005;
            }
        }
        beats got;
        detect_fresh(rates[data[0] % (sizeof rates / sizeof rates[0])], x, n, 97, &got, NULL, NULL);
        for (size_t i = 1; i < got.n; i++) assert_true(got.at[i] > got.at[i - 1]);
        free(x);
        files++;
    }
    closedir(dp);
    assert_true(files >= 1);
}

static void test_config(void **state)
{
    (void)state;
    psy_ecg_detector *d = (psy_ecg_detector *)1;
    psy_ecg_detector_config c = psy_ecg_detector_config_default(0);
    assert_int_equal(psy_ecg_detector_create(&c, &d), PSY_E_INVALID);
    assert_null(d);
    c = psy_ecg_detector_config_default(360);
    c.band_high_hz = c.band_low_hz;
    assert_int_equal(psy_ecg_detector_create(&c, &d), PSY_E_INVALID);
    c = psy_ecg_detector_config_default(NAN);
    assert_int_equal(psy_ecg_detector_create(&c, &d), PSY_E_INVALID);
    assert_int_equal(psy_ecg_detector_create(NULL, &d), PSY_E_INVALID);
    c = psy_ecg_detector_config_default(360);
    assert_int_equal(psy_ecg_detector_create(&c, &d), PSY_OK);
    double lat = psy_ecg_detector_latency(d);
    assert_true(lat > 0.3 && lat < 3.5);
    assert_int_equal(psy_ecg_detector_push(d, NULL, 5, NULL), PSY_E_INVALID);
    psy_ecg_detector_destroy(d);
    psy_ecg_detector_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rates_and_polarity),
        cmocka_unit_test(test_premature_beats_kept_and_spikes_dropped),
        cmocka_unit_test(test_interpolated_premature_beats_kept),
        cmocka_unit_test(test_very_wide_beats),
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_no_signal),
        cmocka_unit_test(test_streaming_copy_reset),
        cmocka_unit_test(test_sub_sample_timing_through_mains),
        cmocka_unit_test(test_fuzz_findings),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
