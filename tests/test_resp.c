/* Breath detection on synthetic breathing with known breaths, gaps, streaming, and NeuroKit's
 * respiration rate on a real recording. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define MAX_BREATHS 512

typedef struct breaths {
    psy_breath b[MAX_BREATHS];
    size_t n;
} breaths;

static void run(double rate, const double *x, size_t n, size_t chunk, breaths *out)
{
    psy_resp_config c = psy_resp_config_default(rate);
    psy_resp_detector *d = NULL;
    assert_int_equal(psy_resp_detector_create(&c, &d), PSY_OK);
    out->n = 0;
    uint64_t st = 99;
    for (size_t at = 0; at < n;) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t len = chunk ? 1 + (size_t)(st >> 33) % chunk : n - at;
        if (len > n - at) len = n - at;
        for (size_t off = 0; off < len;) {
            size_t used;
            assert_int_equal(psy_resp_detector_push(d, x + at + off, len - off, &used), PSY_OK);
            off += used;
            out->n += psy_resp_detector_pop(d, out->b + out->n, MAX_BREATHS - out->n);
        }
        at += len;
    }
    assert_int_equal(psy_resp_detector_finish(d), PSY_OK);
    out->n += psy_resp_detector_pop(d, out->b + out->n, MAX_BREATHS - out->n);
    psy_resp_detector_destroy(d);
}

/* The breaths of x pushed whole into *out, asserting that pushing it in random chunks of up to
 * `chunk` samples gives the same breaths (the detector holds no state a block boundary shows). */
static void run_whole_and_chunked(double rate, const double *x, size_t n, size_t chunk, breaths *out)
{
    breaths chunked;
    run(rate, x, n, 0, out);
    run(rate, x, n, chunk, &chunked);
    assert_int_equal(chunked.n, out->n);
    assert_memory_equal(chunked.b, out->b, out->n * sizeof out->b[0]);
}

/* 4 s breaths (inhale 40 %, exhale 60 %), depth 0.6 .. 1.0, a 15 % ripple in every 5th
 * exhalation, baseline drift and noise. Peak k at 4 k + 1.6 s. */
static size_t make_breathing(double rate, double seconds, double *x)
{
    size_t n = (size_t)(seconds * rate);
    uint64_t st = 7;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate, phase = fmod(t, 4.0) / 4.0;
        int k = (int)(t / 4.0);
        double depth = 0.8 + 0.2 * sin(0.7 * k);
        double v = phase < 0.4 ? 0.5 - 0.5 * cos(M_PI * phase / 0.4)
                               : 0.5 + 0.5 * cos(M_PI * (phase - 0.4) / 0.6);
        v *= depth;
        if (k % 5 == 2 && phase > 0.6 && phase < 0.8) v += 0.15 * sin(M_PI * (phase - 0.6) / 0.2);
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = v + 0.3 * sin(2 * M_PI * t / 100.0) + 0.01 * ((double)(st >> 11) / 9007199254740992.0 - 0.5);
    }
    return n;
}

static void test_synthetic(void **state)
{
    (void)state;
    static const double rates[] = {10, 25, 100, 1000};
    for (int r = 0; r < 4; r++) {
        size_t n = (size_t)(240 * rates[r]);
        double *x = malloc(n * sizeof *x);
        make_breathing(rates[r], 240, x);
        breaths got;
        run(rates[r], x, n, 0, &got);
        /* 60 breaths; the first, from the trough the record starts in, is found once the
         * look-ahead has sized it; the last is not closed by 240 s: 59 whole ones */
        if (got.n != 59) fail_msg("%g Hz: %zu breaths", rates[r], got.n);
        for (size_t i = 0; i < got.n; i++) {
            double peak = (double)got.b[i].peak / rates[r];
            double nearest = 4.0 * floor(peak / 4.0) + 1.6;
            if (fabs(peak - nearest) > 0.25) fail_msg("%g Hz: peak at %.2f s", rates[r], peak);
            assert_true(got.b[i].onset < got.b[i].peak && got.b[i].peak < got.b[i].end);
            if (i) assert_int_equal(got.b[i].onset, got.b[i - 1].end);
        }
        free(x);
    }
}

static void test_gap_and_streaming(void **state)
{
    (void)state;
    double rate = 50;
    size_t n = (size_t)(300 * rate);
    double *x = malloc(n * sizeof *x);
    make_breathing(rate, 300, x);
    for (size_t i = 6000; i < 6500; i++) x[i] = NAN; /* 120 .. 130 s */
    breaths once;
    run_whole_and_chunked(rate, x, n, 97, &once);
    for (size_t i = 0; i < once.n; i++)
        assert_false(once.b[i].onset < 6500 && once.b[i].end > 6000); /* nothing spans the gap */
    /* copy mid-way and reset */
    psy_resp_config c = psy_resp_config_default(rate);
    psy_resp_detector *d = NULL, *copy = NULL;
    assert_int_equal(psy_resp_detector_create(&c, &d), PSY_OK);
    size_t used;
    psy_breath tmp[64];
    assert_int_equal(psy_resp_detector_push(d, x, 1000, &used), PSY_OK);
    assert_int_equal(psy_resp_detector_copy(d, &copy), PSY_OK);
    size_t a = psy_resp_detector_pop(d, tmp, 64), b = psy_resp_detector_pop(copy, tmp, 64);
    assert_int_equal(a, b);
    psy_resp_detector_reset(d);
    assert_int_equal(psy_resp_detector_pop(d, tmp, 64), 0);
    psy_resp_detector_destroy(copy);
    /* a copy made inside the 20-s look-ahead goes on as the original, and as the whole run */
    assert_int_equal(psy_resp_detector_push(d, x, 500, &used), PSY_OK);
    assert_int_equal(psy_resp_detector_copy(d, &copy), PSY_OK);
    breaths a_got = {.n = 0}, b_got = {.n = 0};
    psy_resp_detector *both[2] = {d, copy};
    breaths *got[2] = {&a_got, &b_got};
    for (int k = 0; k < 2; k++) {
        for (size_t at = 500; at < n;) {
            assert_int_equal(psy_resp_detector_push(both[k], x + at, n - at, &used), PSY_OK);
            at += used;
            got[k]->n += psy_resp_detector_pop(both[k], got[k]->b + got[k]->n, MAX_BREATHS - got[k]->n);
        }
        assert_int_equal(psy_resp_detector_finish(both[k]), PSY_OK);
        got[k]->n += psy_resp_detector_pop(both[k], got[k]->b + got[k]->n, MAX_BREATHS - got[k]->n);
    }
    assert_int_equal(a_got.n, once.n);
    assert_int_equal(b_got.n, once.n);
    assert_memory_equal(a_got.b, once.b, once.n * sizeof once.b[0]);
    assert_memory_equal(b_got.b, once.b, once.n * sizeof once.b[0]);
    psy_resp_detector_destroy(d);
    psy_resp_detector_destroy(copy);
    free(x);
    psy_resp_config bad = psy_resp_config_default(2);
    assert_int_equal(psy_resp_detector_create(&bad, &d), PSY_E_INVALID);
}

/* Paced breathing of the given period from `start` s into a breath: inhalation 40 % of the
 * breath, exhalation `exhale` of it, then an expiratory pause; plus a cardiac ripple (amplitude,
 * Hz). Depth 1. */
static void paced_breathing(double rate, size_t n, double period, double start, double exhale, double ripple,
                            double ripple_hz, double *x)
{
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate, phase = fmod(t + start, period) / period;
        double v = phase < 0.4 ? 0.5 - 0.5 * cos(M_PI * phase / 0.4) : phase < 0.4 + exhale
                 ? 0.5 + 0.5 * cos(M_PI * (phase - 0.4) / exhale) : 0.0;
        x[i] = v + ripple * sin(2 * M_PI * ripple_hz * t);
    }
}

/* Every breath of got has its end of inspiration within tol s of first + k period, and there
 * are want of them. */
static void assert_periodic_peaks(const breaths *got, double rate, double first, double period, double tol,
                                  size_t want)
{
    for (size_t i = 0; i < got->n; i++) {
        double peak = (double)got->b[i].peak / rate, k = round((peak - first) / period);
        if (fabs(peak - (first + k * period)) > tol) fail_msg("a breath with its peak at %.2f s", peak);
    }
    if (got->n != want) fail_msg("%zu breaths, want %zu", got->n, want);
}

/* The level that sizes the first breaths is the mean over the samples so far, not a running mean
 * started at 0 (which made it a fraction of theirs: MARSH 8000 had three false breaths in its
 * first 10 s). Slow breathing (8 /min) with a cardiac ripple (1.2 Hz, 6 % of a breath) and an
 * expiratory pause at the start: every breath, no ripple counted. */
static void test_first_breaths(void **state)
{
    (void)state;
    double rate = 50;
    size_t n = (size_t)(90 * rate);
    double *x = malloc(n * sizeof *x);
    paced_breathing(rate, n, 7.5, 6.0, 0.3, 0.06, 1.2, x); /* the pause first */
    breaths got;
    run(rate, x, n, 0, &got);
    /* ends of inspiration at 4.5 + 7.5 k s: 12 before 90 s, the last not closed by 90 s (the
     * first starts from the expiratory pause the record begins in) */
    assert_periodic_peaks(&got, rate, 4.5, 7.5, 0.5, 11);
    free(x);
}

/* The record's end: the last breath is whole when the record ends after the signal stopped
 * falling (MARSH 1337 and 2655 end in an expiratory pause). 3-s breaths (a sinusoid) with troughs
 * at 0.3 + 3 k s: a record to 31 s (0.7 s past the trough at 30.3 s, less than the rise that
 * confirms it) has the 10 breaths 0.3 .. 30.3 s; one cut at 30 s, while the signal still falls,
 * leaves the last open: 9.
 * Streaming in chunks gives the same breaths. */
static void test_record_end(void **state)
{
    (void)state;
    double rate = 25;
    double x[31 * 25];
    for (size_t i = 0; i < 31 * 25; i++) x[i] = 0.5 - 0.5 * cos(2 * M_PI * ((double)i / rate - 0.3) / 3.0);
    breaths whole, cut, chunked;
    run(rate, x, 31 * 25, 0, &whole);
    run(rate, x, 30 * 25, 0, &cut);
    run(rate, x, 31 * 25, 7, &chunked);
    if (whole.n != 10 || cut.n != 9) fail_msg("%zu and %zu breaths, want 10 and 9", whole.n, cut.n);
    for (size_t i = 0; i < whole.n; i++) {
        double onset = (double)whole.b[i].onset / rate, peak = (double)whole.b[i].peak / rate;
        double end = (double)whole.b[i].end / rate;
        if (fabs(onset - (0.3 + 3.0 * (double)i)) > 0.15 || fabs(peak - (1.8 + 3.0 * (double)i)) > 0.15 ||
            fabs(end - (3.3 + 3.0 * (double)i)) > 0.15)
            fail_msg("breath %zu: %.2f %.2f %.2f s", i, onset, peak, end);
    }
    assert_int_equal(chunked.n, whole.n);
    assert_memory_equal(chunked.b, whole.b, whole.n * sizeof whole.b[0]);
}

/* A sigh does not hide the shallow breaths after it: the scale a breath is measured against is
 * the median depth of the last breaths when that is below the signal's 10-s power (a sigh three
 * times deeper than the breaths around it raised the power so that the next half-deep breaths were
 * merged: MARSH 0017 at 480 s). 4-s breaths of depth 1, a 6-s sigh of depth 3.5 at 60 s, then
 * breaths of depth 0.45 from 66 s: every end of inspiration. */
static void test_after_a_sigh(void **state)
{
    (void)state;
    double rate = 25;
    size_t n = (size_t)(120 * rate);
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        double start = t < 60 ? 4.0 * floor(t / 4.0) : t < 66 ? 60 : 66 + 4.0 * floor((t - 66) / 4.0);
        double period = t >= 60 && t < 66 ? 6.0 : 4.0, depth = t < 60 ? 1.0 : t < 66 ? 3.5 : 0.45;
        x[i] = depth * (0.5 - 0.5 * cos(2 * M_PI * (t - start) / period));
    }
    breaths got;
    run(rate, x, n, 0, &got);
    /* troughs at 0, 4 .. 60, 66, 70 .. 118: peaks at 2, 6 .. 58, 63, 68 .. 116 */
    size_t want = 0;
    for (double p = 2; p < 120; p += p == 58 || p == 63 ? 5 : 4) {
        int found = 0;
        for (size_t i = 0; i < got.n; i++) found |= fabs((double)got.b[i].peak / rate - p) < 0.3;
        if (p < 117 && !found) fail_msg("no breath with its end of inspiration at %.0f s", p);
        want += p < 117;
    }
    if (got.n != want) fail_msg("%zu breaths, want %zu", got.n, want);
    free(x);
}

/* A signal through the given extremes (seconds, value), a half cosine between each two, flat
 * after the last. */
static size_t make_extremes(double rate, const double *at, const double *value, size_t k, double *x)
{
    size_t n = (size_t)(at[k - 1] * rate) + 1;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        while (j + 2 < k && t > at[j + 1]) j++;
        double f = fmin(1.0, (t - at[j]) / (at[j + 1] - at[j]));
        x[i] = value[j] + (value[j + 1] - value[j]) * (0.5 - 0.5 * cos(M_PI * f));
    }
    return n;
}

/* 4-s breaths of depth 1 (a trough at 4 k s, a peak at 4 k + 2 s), one of them given: its
 * onset trough at 40 s is 0, then the extremes listed (times from 40 s), then breaths of depth
 * 1 again from the last of them, to 90 s. */
static size_t breaths_with(double rate, const double *dt, const double *dv, size_t m, double *x)
{
    double at[64], value[64];
    size_t k = 0;
    for (double t = 0; t <= 40; t += 2) at[k] = t, value[k++] = fmod(t, 4.0) == 0 ? 0 : 1;
    double base = dv[m - 1];
    for (size_t i = 0; i < m; i++) at[k] = 40 + dt[i], value[k++] = dv[i];
    for (double t = 40 + dt[m - 1] + 2; t <= 90; t += 2, k++) at[k] = t, value[k] = base + (value[k - 1] == base);
    return make_extremes(rate, at, value, k, x);
}

static int has_peak(const breaths *got, double rate, double at)
{
    for (size_t i = 0; i < got->n; i++)
        if (fabs((double)got->b[i].peak / rate - at) < 0.3) return 1;
    return 0;
}

/* A breath half as deep as the ones before it is still a breath: its peak is confirmed once
 * the signal has fallen by half its own rise, not only by the hysteresis share of the typical
 * breath (0.3: this one falls by 0.25 of it, and was merged into the next: MARSH 0214 at 712 s,
 * 1337 at 742 s). Trough 0 at 40 s, peak 0.46 at 42 s, trough 0.21 at 44 s, then breaths of
 * depth 1 from 0.21: every end of inspiration, the same in chunks. */
static void test_shallow_breath(void **state)
{
    (void)state;
    double rate = 25, dt[] = {2, 4}, dv[] = {0.46, 0.21};
    double *x = malloc(100 * 25 * sizeof *x);
    size_t n = breaths_with(rate, dt, dv, 2, x);
    breaths got;
    run_whole_and_chunked(rate, x, n, 5, &got);
    size_t want = 0;
    for (double p = 2; p < 89; p += 4, want++)
        if (!has_peak(&got, rate, p)) fail_msg("no breath with its end of inspiration at %.0f s", p);
    if (got.n != want) fail_msg("%zu breaths, want %zu", got.n, want);
    free(x);
}

/* Two maxima without an expiration between them are one breath: a dip that stays in the upper
 * half of both the rise before it and the rise after it (here 0.38 below peaks of 1 and 1.05: more
 * than the hysteresis, so each maximum alone was a breath; MARSH 5329's double humps). Trough 0
 * at 40 s, peaks at 42 and 44.5 s around a dip of 0.62 at 43 s, trough 0 at 46.5 s: one breath
 * 40 .. 46.5 s, its end of inspiration the higher maximum (44.5 s); a dip to 0.45 (below the
 * middle of the first rise) leaves two breaths. */
static void test_double_hump(void **state)
{
    (void)state;
    double rate = 25, dt[] = {2, 3, 4.5, 6.5}, one[] = {1, 0.62, 1.05, 0}, two[] = {1, 0.45, 1.05, 0};
    double *x = malloc(100 * 25 * sizeof *x);
    breaths got, split;
    size_t n = breaths_with(rate, dt, one, 4, x);
    run_whole_and_chunked(rate, x, n, 5, &got);
    int found = 0;
    for (size_t i = 0; i < got.n; i++) {
        double onset = (double)got.b[i].onset / rate, peak = (double)got.b[i].peak / rate;
        double end = (double)got.b[i].end / rate;
        if (peak > 41 && peak < 46) {
            found++;
            if (fabs(onset - 40) > 0.3 || fabs(peak - 44.5) > 0.3 || fabs(end - 46.5) > 0.3)
                fail_msg("the double hump: %.2f %.2f %.2f s", onset, peak, end);
        }
    }
    if (found != 1) fail_msg("%d breaths in the double hump, want 1", found);
    n = breaths_with(rate, dt, two, 4, x);
    run(rate, x, n, 0, &split);
    if (split.n != got.n + 1 || !has_peak(&split, rate, 42) || !has_peak(&split, rate, 44.5))
        fail_msg("a dip below the middle: %zu breaths, want %zu", split.n, got.n + 1);
    free(x);
}

/* The record's start-up transient does not hide the first breaths: the level that sizes them is
 * the typical swing of a look-ahead of the first 20 s, not the power of a start that swings ten
 * breaths deep (MARSH 2655: the impedance settled from +3000 to -3000 in its first 3 s around
 * breaths of 300, and its breaths to 22 s were lost, 12.5 /min against 17.3 annotated in its
 * first minute). 4-s breaths of depth 1 (peaks at 2 + 4 k s) under a level of 10 that falls to 0
 * from 2.5 to 3 s: every end of inspiration from 6 s on, at most one breath more (on the
 * transient), the same in chunks. */
static void test_startup_transient(void **state)
{
    (void)state;
    double rate = 25;
    size_t n = (size_t)(90 * rate);
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        double level = t < 2.5 ? 10 : t < 3 ? 5 + 5 * cos(M_PI * (t - 2.5) / 0.5) : 0;
        x[i] = level + 0.5 - 0.5 * cos(2 * M_PI * t / 4.0);
    }
    breaths got;
    run_whole_and_chunked(rate, x, n, 37, &got);
    size_t want = 0;
    for (double p = 6; p < 88; p += 4, want++)
        if (!has_peak(&got, rate, p)) fail_msg("no breath with its end of inspiration at %.0f s", p);
    if (got.n < want || got.n > want + 1) fail_msg("%zu breaths, want %zu", got.n, want);
    free(x);
}

/* The look-ahead's typical breath is a breath's swing, not the cardiac oscillation of impedance
 * pneumography (at the heart rate, through the 1-Hz low-pass: MARSH 8000's ripples, half-second
 * swings that outnumber 7-s breaths; sized by them, the ripples became breaths and, through the
 * recent depths, stayed breaths: 176 detections for 132 breaths with a 10-s look-ahead): its
 * swings are measured on the signal low-passed at half the band's top. Paced breathing at
 * 6 /min (HRV biofeedback), inhalation 40 %, with a 1.1-Hz oscillation of 25 % of the breath:
 * every breath from the first, no ripple counted. */
static void test_slow_breathing_cardiac(void **state)
{
    (void)state;
    double rate = 50;
    size_t n = (size_t)(120 * rate);
    double *x = malloc(n * sizeof *x);
    paced_breathing(rate, n, 10, 0, 0.6, 0.125, 1.1, x);
    breaths got;
    run_whole_and_chunked(rate, x, n, 53, &got);
    /* ends of inspiration at 4 + 10 k s: 12 before 120 s, the last not closed by 120 s */
    assert_periodic_peaks(&got, rate, 4, 10, 0.6, 11);
    free(x);
}

/* Resonance breathing (HRV biofeedback, 4-6 /min) with an inspiratory pause: a double hump whose
 * dip (at a fifth of the period, in the upper half of both rises) comes more than 8 s before the
 * breath's end at 15-s breaths. The hold that waits for the second hump scales with the typical
 * breath (a fixed 8-s hold split these breaths: 24 for 12 at 4 /min). Inhalation to 0.6 by 0.15
 * of the period, a dip to 0.45 at 0.2, on to 1.05 at 0.4, exhalation to 0.9, a pause: every
 * breath once, its end of inspiration at 0.4 of its period, in chunks as at once. */
static void test_slow_double_hump(void **state)
{
    (void)state;
    double rate = 25, periods[] = {10, 12, 15};
    size_t n = (size_t)(180 * rate);
    double *x = malloc(n * sizeof *x);
    for (int k = 0; k < 3; k++) {
        double p = periods[k];
        for (size_t i = 0; i < n; i++) {
            double ph = fmod((double)i / rate, p) / p;
            x[i] = ph < 0.15 ? 0.475 - 0.475 * cos(M_PI * ph / 0.15)
                 : ph < 0.2  ? 0.95 - 0.35 * (0.5 - 0.5 * cos(M_PI * (ph - 0.15) / 0.05))
                 : ph < 0.4  ? 0.6 + 0.45 * (0.5 - 0.5 * cos(M_PI * (ph - 0.2) / 0.2))
                 : ph < 0.9  ? 0.525 + 0.525 * cos(M_PI * (ph - 0.4) / 0.5) : 0.0;
        }
        breaths got;
        run_whole_and_chunked(rate, x, n, 61, &got);
        assert_periodic_peaks(&got, rate, 0.4 * p, p, 0.5, (size_t)(180 / p));
    }
    free(x);
}

/* A record (or the stretch after a gap) that starts inside an inspiration has no first trough:
 * its first breath is partial (from the start to the first trough, shallower than the breaths,
 * too short), and it is not reported. 4-s and 10-s breaths (inhalation 40 %) starting at 0.1 to
 * 0.3 of the period: every breath lasts its period and starts at a true trough. A record that
 * starts in the end-expiratory pause (inhalation 40 %, exhalation 50 %, at 0.95 of the period)
 * keeps its first breath, from the start. */
static void test_start_in_inspiration(void **state)
{
    (void)state;
    double rate = 25, periods[] = {4, 10}, phases[] = {0.1, 0.2, 0.3};
    size_t n = (size_t)(60 * rate);
    double *x = malloc(n * sizeof *x);
    breaths got;
    for (int k = 0; k < 2; k++)
        for (int j = 0; j < 3; j++) {
            double p = periods[k];
            paced_breathing(rate, n, p, phases[j] * p, 0.6, 0, 0, x);
            run_whole_and_chunked(rate, x, n, 41, &got);
            for (size_t i = 0; i < got.n; i++) {
                double onset = (double)got.b[i].onset / rate, end = (double)got.b[i].end / rate;
                double trough = p * round(onset / p + phases[j]) - phases[j] * p;
                if (fabs(end - onset - p) > 0.1 * p || fabs(onset - trough) > 0.1 * p)
                    fail_msg("%.0f-s breaths from phase %.1f: a breath %.2f .. %.2f s", p, phases[j], onset, end);
            }
            assert_true(got.n >= (size_t)(60 / p) - 2);
        }
    paced_breathing(rate, n, 10, 9.5, 0.5, 0, 0, x);
    run(rate, x, n, 0, &got);
    assert_true(got.n >= 1);
    assert_true(got.b[0].onset == 0);
    /* ends of inspiration at 4.5 + 10 k s; the last (54.5 s) not closed: the record ends in its
     * pause while the low-passed signal still settles */
    assert_periodic_peaks(&got, rate, 4.5, 10, 0.3, 5);
    free(x);
}

/* After a gap (a live stream's time jump or malformed value), the breaths before it size the
 * first ones after it: no new 20-s look-ahead. 4-s breaths with a gap 60 .. 62 s, pushed a sample
 * at a time: every breath after the gap pops within 8.5 s of its end (its hold and the low-pass's
 * delay; with a new look-ahead the first waited 20 s), the same breaths as the whole signal, and
 * every end of inspiration after the gap from the first whole breath on. */
static void test_gap_latency(void **state)
{
    (void)state;
    double rate = 25;
    size_t n = (size_t)(120 * rate);
    double *x = malloc(n * sizeof *x);
    paced_breathing(rate, n, 4, 0, 0.6, 0, 0, x);
    for (size_t i = (size_t)(60 * rate); i < (size_t)(62 * rate); i++) x[i] = NAN;
    psy_resp_config c = psy_resp_config_default(rate);
    psy_resp_detector *d = NULL;
    assert_int_equal(psy_resp_detector_create(&c, &d), PSY_OK);
    breaths got = {.n = 0}, whole;
    for (size_t i = 0; i < n; i++) {
        size_t used;
        assert_int_equal(psy_resp_detector_push(d, x + i, 1, &used), PSY_OK);
        while (psy_resp_detector_pop(d, got.b + got.n, 1) == 1) {
            double end = (double)got.b[got.n++].end / rate, now = (double)i / rate;
            if (end > 62 && now - end > 8.5) fail_msg("the breath ending at %.1f s popped at %.1f s", end, now);
        }
    }
    assert_int_equal(psy_resp_detector_finish(d), PSY_OK);
    got.n += psy_resp_detector_pop(d, got.b + got.n, MAX_BREATHS - got.n);
    psy_resp_detector_destroy(d);
    run_whole_and_chunked(rate, x, n, 29, &whole);
    assert_int_equal(got.n, whole.n);
    assert_memory_equal(got.b, whole.b, whole.n * sizeof whole.b[0]);
    for (double p = 65.6; p < 117; p += 4)
        if (!has_peak(&whole, rate, p)) fail_msg("no breath with its end of inspiration at %.1f s", p);
    free(x);
}

/* The look-ahead's edges: a gap inside it (at 10 s: it sizes the breaths from the 10 s before,
 * and they size those after), a record shorter than it (finished before it is full), and its
 * fallback (a flat stretch: no typical breath, the running level). 4-s breaths (peaks at
 * 1.6 + 4 k s): every end of inspiration of a breath that no gap cuts, in chunks as at once. */
static void test_look_ahead_edges(void **state)
{
    (void)state;
    double rate = 25;
    size_t n = (size_t)(120 * rate);
    double *x = malloc(n * sizeof *x);
    breaths got;
    paced_breathing(rate, n, 4, 0, 0.6, 0, 0, x);
    for (size_t i = 250; i < 260; i++) x[i] = NAN; /* 10 .. 10.4 s */
    run_whole_and_chunked(rate, x, n, 23, &got);
    for (double p = 1.6; p < 117; p += 4)
        if ((p < 8 || p > 14) && !has_peak(&got, rate, p)) fail_msg("gap at 10 s: no breath at %.1f s", p);
    assert_true(got.n <= 29);
    paced_breathing(rate, n, 4, 0, 0.6, 0, 0, x);
    run_whole_and_chunked(rate, x, (size_t)(15 * rate), 23, &got); /* 15 s: peaks 1.6 .. 9.6 closed */
    assert_periodic_peaks(&got, rate, 1.6, 4, 0.3, 3);
    for (size_t i = 0; i < n; i++) x[i] = 5.0;
    run_whole_and_chunked(rate, x, n, 23, &got);
    assert_int_equal(got.n, 0);
    for (size_t i = (size_t)(30 * rate); i < n; i++) x[i] += 0.5 - 0.5 * cos(2 * M_PI * (double)i / rate / 4);
    run_whole_and_chunked(rate, x, n, 23, &got); /* flat for the whole look-ahead, breaths from 30 s */
    for (double p = 34; p < 117; p += 4)
        if (!has_peak(&got, rate, p)) fail_msg("after a flat start: no breath at %.1f s", p);
    free(x);
}

/* The queue's budget (64 breaths): a push may detect on the 20-s look-ahead and its own samples
 * at once. Fast breathing (90 /min), 19 s pushed first: a next push of 30 s fills the queue (50 s
 * of breaths: the budget once stated, 30 s, loses samples when *used is ignored); pushes of
 * 10 s, popped after each, are consumed whole and give the breaths of the whole signal. */
static void test_push_budget(void **state)
{
    (void)state;
    double rate = 25;
    size_t n = (size_t)(120 * rate);
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) x[i] = sin(2 * M_PI * 1.5 * (double)i / rate);
    breaths whole, got;
    run(rate, x, n, 0, &whole);
    for (int big = 1; big >= 0; big--) {
        psy_resp_config c = psy_resp_config_default(rate);
        psy_resp_detector *d = NULL;
        assert_int_equal(psy_resp_detector_create(&c, &d), PSY_OK);
        got.n = 0;
        size_t at = 0, used, first = (size_t)(19 * rate), step = (size_t)((big ? 30 : 10) * rate);
        int short_push = 0;
        for (size_t len = first; at < n; len = step) {
            if (len > n - at) len = n - at;
            assert_int_equal(psy_resp_detector_push(d, x + at, len, &used), PSY_OK);
            short_push |= used < len;
            at += used;
            got.n += psy_resp_detector_pop(d, got.b + got.n, MAX_BREATHS - got.n);
        }
        assert_int_equal(psy_resp_detector_finish(d), PSY_OK);
        got.n += psy_resp_detector_pop(d, got.b + got.n, MAX_BREATHS - got.n);
        psy_resp_detector_destroy(d);
        assert_int_equal(short_push, big);
        assert_int_equal(got.n, whole.n);
        assert_memory_equal(got.b, whole.b, whole.n * sizeof whole.b[0]);
    }
    assert_true(whole.n > 170);
    free(x);
}

/* A breath is decided within 8 s of its end: a closed breath waits for the next to show a double
 * hump or a paused expiration, and that wait is bounded (a breath held in inspiration from 42 to
 * 72 s kept the breath before it, 36 .. 40 s, unreported until the held one closed at 74 s).
 * Pushed a sample at a time, every breath pops within 8 s and the low-pass's delay of its end,
 * the breath before the held one is whole, and the breaths are those of the whole signal pushed
 * at once. */
static void test_decision_bounded(void **state)
{
    (void)state;
    double rate = 25, at[64], value[64];
    size_t k = 0;
    for (double t = 0; t <= 42; t += 2) at[k] = t, value[k++] = fmod(t, 4.0) == 0 ? 0 : 1;
    for (double t = 72; t <= 100; t += 2) at[k] = t, value[k++] = fmod(t, 4.0) == 0 ? 1 : 0;
    double *x = malloc(101 * 25 * sizeof *x);
    size_t n = make_extremes(rate, at, value, k, x);
    psy_resp_config c = psy_resp_config_default(rate);
    psy_resp_detector *d = NULL;
    assert_int_equal(psy_resp_detector_create(&c, &d), PSY_OK);
    breaths got = {.n = 0}, whole;
    int before_hold = 0;
    for (size_t i = 0; i < n; i++) {
        size_t used;
        assert_int_equal(psy_resp_detector_push(d, x + i, 1, &used), PSY_OK);
        assert_int_equal(used, 1);
        while (psy_resp_detector_pop(d, got.b + got.n, 1) == 1) {
            const psy_breath *b = &got.b[got.n++];
            double end = (double)b->end / rate, now = (double)i / rate;
            /* the first breaths wait for the 20-s look-ahead */
            if (end > 20 && now - end > 8.5) fail_msg("the breath ending at %.1f s popped at %.1f s", end, now);
            before_hold |= fabs((double)b->peak / rate - 38) < 0.3 && fabs(end - 40) < 0.3;
        }
    }
    assert_int_equal(psy_resp_detector_finish(d), PSY_OK);
    got.n += psy_resp_detector_pop(d, got.b + got.n, MAX_BREATHS - got.n);
    psy_resp_detector_destroy(d);
    if (!before_hold) fail_msg("no breath 36 .. 40 s");
    run(rate, x, n, 0, &whole); /* streamed sample by sample as pushed whole */
    assert_int_equal(got.n, whole.n);
    assert_memory_equal(got.b, whole.b, whole.n * sizeof whole.b[0]);
    free(x);
}

/* How many breaths have their end of inspiration in (from, to) s; the first of them in *first. */
static size_t breaths_between(const breaths *got, double rate, double from, double to, psy_breath *first)
{
    size_t k = 0;
    for (size_t i = 0; i < got->n; i++) {
        double peak = (double)got->b[i].peak / rate;
        if (peak > from && peak < to && k++ == 0) *first = got->b[i];
    }
    return k;
}

/* A rise less than a fifth of the fall after it is a pause in the expiration, not a breath (a
 * hump on a movement's fall: MARSH 1337 at 77 s, detected as a breath before). Trough 0 at 40 s,
 * peak 1 at 42 s, trough 0.3 at 43.5 s (below the middle of the rise: no double hump; above the
 * onset's level: the expiration is not over), hump 0.7 at 44.3 s, trough -1.8 at 46.5 s (a fall
 * of 2.5 after a rise of 0.4): one breath 40 .. 46.5 s with its end of inspiration at 42 s and
 * the amplitude of its own peak over its outer troughs (1.9), and the breaths after it. The hump
 * stays a breath when its fall is 4 times its rise (last trough -0.9: 0.25, near the fifth), and
 * when the expiration before it came back to the onset's level (trough 0.05: NeuroKit's
 * bio_resting_5min at 224 s, a breath before a steep fall). */
static void test_pause_in_expiration(void **state)
{
    (void)state;
    double rate = 25, dt[] = {2, 3.5, 4.3, 6.5}, pause[] = {1, 0.3, 0.7, -1.8};
    double near[] = {1, 0.3, 0.7, -0.9}, rested[] = {1, 0.05, 0.45, -1.8};
    double *x = malloc(100 * 25 * sizeof *x);
    breaths got, kept;
    psy_breath b = {0, 0, 0, 0};
    size_t n = breaths_with(rate, dt, pause, 4, x);
    run_whole_and_chunked(rate, x, n, 5, &got);
    if (breaths_between(&got, rate, 41, 46, &b) != 1) fail_msg("the paused expiration is not one breath");
    double onset = (double)b.onset / rate, peak = (double)b.peak / rate, end = (double)b.end / rate;
    if (fabs(onset - 40) > 0.3 || fabs(peak - 42) > 0.3 || fabs(end - 46.5) > 0.3 || fabs(b.amplitude - 1.9) > 0.1)
        fail_msg("the paused expiration: %.2f %.2f %.2f s, amplitude %.3f", onset, peak, end, b.amplitude);
    for (double p = 48.5; p < 86; p += 4)
        if (!has_peak(&got, rate, p)) fail_msg("no breath with its end of inspiration at %.1f s", p);
    n = breaths_with(rate, dt, near, 4, x);
    run(rate, x, n, 0, &kept);
    if (!has_peak(&kept, rate, 42) || !has_peak(&kept, rate, 44.3))
        fail_msg("a rise of 0.4 before a fall of 1.6 is a breath: %zu breaths", kept.n);
    n = breaths_with(rate, dt, rested, 4, x);
    run(rate, x, n, 0, &kept);
    if (!has_peak(&kept, rate, 42) || !has_peak(&kept, rate, 44.3))
        fail_msg("a rise from the onset's level is a breath: %zu breaths", kept.n);
    free(x);
}

/* A breath takes at most one pause in its expiration, so it is reported at most a breath later
 * than without the rule: after a sigh (0 -> 6 at 42 s, down to 3), two humps each rising less
 * than a fifth of the fall after them, both from above the sigh's onset level; the first joins the sigh,
 * the second is a breath. */
static void test_one_pause(void **state)
{
    (void)state;
    double rate = 25, dt[] = {2, 3.5, 4.5, 6, 7, 8.5}, dv[] = {6, 3, 3.4, 0.9, 1.3, -1.5};
    double *x = malloc(100 * 25 * sizeof *x);
    breaths got;
    psy_breath b = {0, 0, 0, 0};
    size_t n = breaths_with(rate, dt, dv, 6, x);
    run(rate, x, n, 0, &got);
    if (breaths_between(&got, rate, 41, 46, &b) != 1 || fabs((double)b.end / rate - 46) > 0.3)
        fail_msg("the sigh and its first pause: %.2f .. %.2f s", (double)b.onset / rate, (double)b.end / rate);
    if (!has_peak(&got, rate, 47)) fail_msg("the second hump is not a breath");
    free(x);
}

/* On a falling baseline every rise is small beside the fall after it, yet each is a breath: 4-s
 * breaths of depth 1 on a baseline falling 0.4 /s from 40 to 60 s (1.6 a breath). The pause rule
 * merged them without limit (one breath of 24.1 s, reported only when the baseline levelled):
 * a held breath whose expiration came back to its onset's level has ended, and a breath takes
 * at most one pause. 28 breaths of 30 (the last is not closed by 120 s, and the trough at the
 * ramp's foot, 56.3 s, rises less than the hysteresis: one breath of 7.8 s), none longer than
 * two breaths, the same in chunks. */
static void test_falling_baseline(void **state)
{
    (void)state;
    double rate = 25;
    size_t n = (size_t)(120 * rate);
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        x[i] = 0.5 - 0.5 * cos(2 * M_PI * t / 4.0) - 0.4 * fmin(20.0, fmax(0.0, t - 40));
    }
    breaths got;
    run_whole_and_chunked(rate, x, n, 5, &got);
    for (size_t i = 0; i < got.n; i++) {
        double len = (double)(got.b[i].end - got.b[i].onset) / rate;
        if (len > 8) fail_msg("a breath of %.1f s at %.1f s", len, (double)got.b[i].onset / rate);
    }
    if (got.n < 28) fail_msg("%zu breaths, want 28", got.n);
    free(x);
}

/* The rate over a span: whole breaths only, n/a below 3 breaths or a 30-s span. */
static void test_rate_minimum(void **state)
{
    (void)state;
    psy_breath b[20];
    for (int i = 0; i < 20; i++) /* 4-s breaths at 10 Hz from 1 s: 15 /min */
        b[i] = (psy_breath){10 + 40 * i, 26 + 40 * i, 50 + 40 * i, 1.0};
    psy_breath_rate r;
    assert_int_equal(psy_breath_rate_over(b, 20, 10, 0, 81, &r), PSY_OK);
    assert_int_equal(r.n_breaths, 20);
    assert_true(fabs(r.span_s - 80) < 1e-12 && fabs(r.per_min - 15) < 1e-12);
    assert_null(r.why);
    /* [0.5, 34]: the first 8 breaths are whole (1 .. 33 s: 8 breaths over 32 s) */
    assert_int_equal(psy_breath_rate_over(b, 20, 10, 0.5, 34, &r), PSY_OK);
    assert_int_equal(r.n_breaths, 8);
    assert_true(fabs(r.per_min - 15) < 1e-12);
    /* [0, 29.5]: 7 whole breaths over 28 s, under 30 s */
    assert_int_equal(psy_breath_rate_over(b, 20, 10, 0, 29.5, &r), PSY_OK);
    assert_int_equal(r.n_breaths, 7);
    assert_true(isnan(r.per_min));
    assert_string_equal(r.why, "whole breaths span less than 30 s for a rate");
    /* slow breathing: 2 breaths of 20 s span 40 s, still too few */
    psy_breath slow[2] = {{0, 80, 200, 1.0}, {200, 280, 400, 1.0}};
    assert_int_equal(psy_breath_rate_over(slow, 2, 10, 0, 60, &r), PSY_OK);
    assert_true(isnan(r.per_min));
    assert_string_equal(r.why, "fewer than 3 whole breaths for a rate");
    assert_int_equal(psy_breath_rate_over(b, 20, 10, 90, 100, &r), PSY_OK);
    assert_int_equal(r.n_breaths, 0);
    assert_string_equal(r.why, "no whole breath in the segment");
    assert_int_equal(psy_breath_rate_over(NULL, 0, 10, 0, 10, &r), PSY_OK);
    assert_int_equal(psy_breath_rate_over(b, 20, 0, 0, 10, &r), PSY_E_INVALID);
    assert_int_equal(psy_breath_rate_over(b, 20, 10, 10, 0, &r), PSY_E_INVALID);
    assert_int_equal(psy_breath_rate_over(NULL, 3, 10, 0, 10, &r), PSY_E_INVALID);
}

/* A list's rate counts the breaths that lie whole in the span on the recording's time axis, as
 * the depth and the RSA do, over the time they were observed: on an EDF+D recording whose time
 * jumps by 100 s after the 10th breath (20 breaths of 4 s at 10 Hz), [0, 60] s holds the 10
 * breaths before the jump (the channel's sample axis would put 15 in it), and the whole list's
 * rate leaves the jump out. */
static void test_rate_on_recording_axis(void **state)
{
    (void)state;
    psy_breath b[20];
    double on[20], pk[20], end[20];
    for (int i = 0; i < 20; i++) {
        b[i] = (psy_breath){40 * i, 40 * i + 16, 40 * i + 40, 1.0};
        double jump = i >= 10 ? 100 : 0;
        on[i] = 4.0 * i + jump, pk[i] = on[i] + 1.6, end[i] = on[i] + 4.0;
    }
    psy_breath_list l = {20, b, on, pk, end, 10, PSY_BREATHS_RESP, psy_resp_config_default(10), NULL, 0, NULL, 0, NULL};
    psy_breath_rate r;
    assert_int_equal(psy_breath_list_rate_over(&l, 0, 60, &r), PSY_OK);
    assert_int_equal(r.n_breaths, 10);
    assert_true(fabs(r.span_s - 40) < 1e-12 && fabs(r.per_min - 15) < 1e-12);
    assert_int_equal(psy_breath_list_rate_over(&l, 0, 240, &r), PSY_OK);
    assert_int_equal(r.n_breaths, 20);
    assert_true(fabs(r.span_s - 80) < 1e-12 && fabs(r.per_min - 15) < 1e-12);
    assert_int_equal(psy_breath_list_rate_over(&l, 60, 130, &r), PSY_OK);
    assert_int_equal(r.n_breaths, 0);
    assert_string_equal(r.why, "no whole breath in the segment");
    psy_breath_summary sum;
    assert_int_equal(psy_breath_summarize(&l, &sum), PSY_OK);
    assert_true(fabs(sum.rate.per_min - 15) < 1e-12);
    assert_int_equal(psy_breath_list_rate_over(NULL, 0, 60, &r), PSY_E_INVALID);
    assert_int_equal(psy_breath_list_rate_over(&l, 60, 0, &r), PSY_E_INVALID);
}

/* Missing samples are not breathing time (ux21a F9): 15 /min breathing at 10 Hz for 180 s with
 * the samples of 60-100 s missing (NaN, a CSV's empty cells). The breaths lie on both sides; the
 * list's gaps hold the 40 s, and the rate over the whole list is ~15 /min, not the ~11 /min of
 * the breaths counted over all the time they span. */
static void test_rate_leaves_missing_samples_out(void **state)
{
    (void)state;
    enum { FS = 10, N = 180 * FS };
    double *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++)
        x[i] = i >= 60 * FS && i < 100 * FS ? NAN : sin(2 * M_PI * 0.25 * i / FS);
    psy_array_channel c = {"RSP", PSY_CH_RESP, "a.u.", FS, x, NULL, N};
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_from_arrays(&c, 1, NULL, 0, &r, NULL), PSY_OK);
    psy_breath_list *l = NULL;
    assert_int_equal(psy_breaths_detect(r, 0, NULL, &l, NULL), PSY_OK);
    assert_int_equal(l->n_gaps, 1);
    assert_int_equal(l->gaps[0].start, 60 * FS);
    assert_int_equal(l->gaps[0].end, 100 * FS);
    psy_breath_summary sum;
    assert_int_equal(psy_breath_summarize(l, &sum), PSY_OK);
    print_message("gap: %zu breaths, %.2f /min over %.1f s\n", sum.n_breaths, sum.rate.per_min, sum.rate.span_s);
    /* the span from the first breath's onset to the last one's end, less the 40 s: the rate loses
     * only the part-breaths at the gap's edges (14.1 /min; 10.9 counting the gap as breathing) */
    double span = (double)(l->b[l->n - 1].end - l->b[0].onset) / FS - 40;
    assert_true(fabs(sum.rate.span_s - span) < 1e-9);
    assert_true(sum.rate.per_min > 13.5 && sum.rate.per_min < 15.5);
    psy_breath_rate before;
    assert_int_equal(psy_breath_list_rate_over(l, 0, 60, &before), PSY_OK);
    assert_true(fabs(before.per_min - 15) < 0.5);
    psy_breath_list_free(l);
    psy_reader_close(r);
    free(x);
}

/* NeuroKit2 0.2.12 on bio_resting_5min_100hz.csv: RSP_Rate_Mean 15.860 breaths/min
 * (shared/reference/neurokit/intervalrelated.json), the mean of its interpolated instantaneous
 * rate, not a count: within 4 % (81 breaths, 16.41 /min; the 81st, a shallow breath at 133.6 s
 * after a sigh at 127 s, as deep as the breaths at 138 and 142 s, was merged until the breaths
 * were sized by their neighbours' depth; the breath at 223.2-226.1 s, from the usual
 * end-expiratory level before a fall four breaths deep, was merged as a paused expiration, 80
 * breaths and 16.21 /min, until a pause needed the expiration before it unfinished). */
static void test_neurokit_rate(void **state)
{
    (void)state;
    if (!shared_data("neurokit/bio_resting_5min_100hz.csv")) skip();
    psy_reader *r = open_shared("neurokit/bio_resting_5min_100hz.csv", 100);
    int ch = psy_reader_find_channel(r, "RSP");
    const psy_channel_info *c = psy_reader_channel(r, ch);
    double *x = malloc((size_t)c->frames * sizeof *x);
    assert_int_equal(psy_reader_read(r, ch, 0, c->frames, x), PSY_OK);
    breaths got;
    run(100, x, (size_t)c->frames, 0, &got);
    psy_breath_rate br;
    assert_int_equal(psy_breath_rate_over(got.b, got.n, 100, 0, 300, &br), PSY_OK);
    assert_int_equal(br.n_breaths, got.n);
    double rate = br.per_min;
    print_message("bio_resting_5min: %zu breaths, %.2f /min (NeuroKit 15.86)\n", got.n, rate);
    assert_true(fabs(rate - 15.860331451789804) / 15.860331451789804 < 0.04);
    free(x);
    psy_reader_close(r);
}

/* ECG-derived respiration on beats whose R amplitude and RR interval follow 15 /min breathing
 * (amplitude falling with inspiration, as in some leads), and the summary of the breaths. */
static void test_edr_and_summary(void **state)
{
    (void)state;
    enum { N = 400 };
    static int64_t sample[N];
    static double onset[N], rr[N], amp[N];
    static psy_beat_class cls[N];
    double t = 0;
    for (int i = 0; i < N; i++) {
        double phase = 2 * M_PI * 0.25 * t;
        rr[i] = i ? 800 - 40 * sin(phase) : NAN;
        t += i ? rr[i] / 1000 : 0;
        onset[i] = t, sample[i] = (int64_t)(t * 250), cls[i] = PSY_BEAT_NORMAL;
        amp[i] = 1.0 - 0.1 * sin(2 * M_PI * 0.25 * t);
    }
    psy_beat_list b = {0};
    b.n = N, b.sample = sample, b.onset_s = onset, b.rr_ms = rr, b.cls = cls, b.amplitude = amp;
    psy_breath_list *l = NULL;
    psy_message why;
    assert_int_equal(psy_breaths_from_beats(&b, &l, &why), PSY_OK);
    assert_int_equal(l->source, PSY_BREATHS_EDR);
    assert_string_equal(l->modulations, "RR interval, R amplitude");
    psy_breath_summary sum;
    assert_int_equal(psy_breath_summarize(l, &sum), PSY_OK);
    print_message("EDR: %zu breaths, %.2f /min, CV %.1f %%\n", sum.n_breaths, sum.rate.per_min, sum.duration_cv_pct);
    assert_true(fabs(sum.rate.per_min - 15.0) < 0.3);
    assert_true(sum.duration_cv_pct < 5);
    for (size_t i = 0; i < l->n; i++) assert_true(l->onset_s[i] < l->peak_s[i] && l->peak_s[i] < l->end_s[i]);
    psy_breath_list_free(l);
    /* too few beats: the reason, no list */
    b.n = 5;
    assert_int_equal(psy_breaths_from_beats(&b, &l, &why), PSY_E_TOO_SHORT);
    assert_null(l);
    assert_non_null(strstr(why.text, "10 normal beats"));
    assert_int_equal(psy_breaths_from_beats(NULL, &l, &why), PSY_E_INVALID);
    assert_int_equal(psy_breath_summarize(NULL, &sum), PSY_E_INVALID);
}

/* The ECG-derived rate per minute (frequency domain) on beats at 75 bpm for 5 min whose RR and
 * R amplitude follow breathing at rr_hz and amp_hz; beats from 130 to 175 s not normal. */
static psy_breath_list *rate_windows_of(double rr_hz, double amp_hz)
{
    enum { N = 380 };
    static int64_t sample[N];
    static double onset[N], rr[N], amp[N];
    static psy_beat_class cls[N];
    double t = 0;
    for (int i = 0; i < N; i++) {
        rr[i] = i ? 800 - 40 * sin(2 * M_PI * rr_hz * t) : NAN;
        t += i ? rr[i] / 1000 : 0;
        onset[i] = t, sample[i] = (int64_t)(t * 250);
        cls[i] = t > 130 && t < 175 ? PSY_BEAT_ECTOPIC : PSY_BEAT_NORMAL;
        amp[i] = 1.0 - 0.1 * sin(2 * M_PI * amp_hz * t);
    }
    psy_beat_list b = {0};
    b.n = N, b.sample = sample, b.onset_s = onset, b.rr_ms = rr, b.cls = cls, b.amplitude = amp;
    psy_breath_list *l = NULL;
    psy_message why;
    assert_int_equal(psy_breaths_from_beats(&b, &l, &why), PSY_OK);
    assert_int_equal(l->n_rate_windows, 5); /* the beats span 304 s */
    for (size_t w = 0; w < l->n_rate_windows; w++) {
        const psy_edr_rate_window *r = &l->rate_windows[w];
        assert_true(r->onset_s == 60.0 * (double)w);
        print_message("EDR rate %4.0f s: %5.2f /min, %d of %d agree%s%s\n", r->onset_s, r->per_min, r->agreeing,
                      r->modulations, r->why ? ": " : "", r->why ? r->why : "");
    }
    return l;
}

static void test_edr_rate_windows(void **state)
{
    (void)state;
    /* both at 15 /min: each minute's rate, but the one with too few normal beats */
    psy_breath_list *l = rate_windows_of(0.25, 0.25);
    for (size_t w = 0; w < l->n_rate_windows; w++) {
        const psy_edr_rate_window *r = &l->rate_windows[w];
        if (w == 2) {
            assert_true(isnan(r->per_min) && r->modulations == 0);
            assert_non_null(strstr(r->why, "no modulation measured"));
        } else {
            assert_true(fabs(r->per_min - 15.0) < 0.5);
            assert_int_equal(r->modulations, 2);
            assert_int_equal(r->agreeing, 2);
            assert_null(r->why);
        }
    }
    psy_breath_list_free(l);
    /* the heart rate at 6 /min, the amplitude at 20 /min: they disagree, no rate */
    l = rate_windows_of(0.1, 1.0 / 3);
    for (size_t w = 0; w < l->n_rate_windows; w++)
        if (w != 2) {
            assert_true(isnan(l->rate_windows[w].per_min));
            assert_int_equal(l->rate_windows[w].agreeing, 0);
            assert_non_null(strstr(l->rate_windows[w].why, "no mechanism shows breathing"));
        }
    psy_breath_list_free(l);
}

/* ECG-derived respiration from the waveform: a synthetic ECG (250 Hz, 75 bpm, no sinus
 * arrhythmia) whose R wave stays the same while its S wave deepens and flattens with 12 /min
 * breathing: only the QRS's R-S amplitude, area and slopes carry the breaths. */
static void test_edr_waveform(void **state)
{
    (void)state;
    enum { FS = 250, SECONDS = 300, N = FS * SECONDS };
    double *x = calloc(N, sizeof *x);
    assert_non_null(x);
    for (double beat = 0.5; beat < SECONDS; beat += 0.8) {
        double depth = 0.4 + 0.2 * sin(2 * M_PI * 0.2 * beat); /* mV */
        test_ecg_beat(x, N, FS, beat, 1.0, depth);
    }
    psy_reader *r = NULL;
    psy_beat_list *beats = NULL;
    psy_breath_list *l = edr_of_ecg(x, N, FS, &r, &beats);
    psy_message why = {{0}};
    assert_int_equal(l->source, PSY_BREATHS_EDR);
    assert_non_null(strstr(l->modulations, "QRS slope range"));
    psy_breath_summary sum;
    assert_int_equal(psy_breath_summarize(l, &sum), PSY_OK);
    print_message("EDR from the waveform: %zu beats, %zu breaths, %.2f /min\n", beats->n, sum.n_breaths,
                  sum.rate.per_min);
    assert_true(fabs(sum.rate.per_min - 12.0) < 0.3);
    /* each minute's rate, the QRS waveform's rhythm pure there (the RR interval, no sinus
     * arrhythmia here, follows it too: the R peak's detected time moves with the S wave) */
    assert_int_equal(l->n_rate_windows, 4);
    for (size_t w = 0; w < l->n_rate_windows; w++) {
        const psy_edr_rate_window *rw = &l->rate_windows[w];
        print_message("minute %zu: %.2f /min, %d mechanisms, coherence %.2f, purity RR %.1f, waveform %.1f\n", w,
                      rw->per_min, rw->agreeing, rw->coherence, rw->purity_rr, rw->purity_waveform);
        assert_true(fabs(rw->per_min - 12.0) < 0.5);
        assert_true(rw->agreeing >= 1 && rw->purity_waveform >= 6);
    }
    psy_breath_list_free(l);
    /* no such channel; too few beats */
    assert_int_equal(psy_breaths_from_ecg(r, 1, beats, &l, &why), PSY_E_INVALID);
    assert_null(l);
    assert_int_equal(psy_breaths_from_ecg(NULL, 0, beats, &l, &why), PSY_E_INVALID);
    beats->n = 5;
    assert_int_equal(psy_breaths_from_ecg(r, 0, beats, &l, &why), PSY_E_TOO_SHORT);
    assert_null(l);
    psy_beat_list_free(beats);
    psy_reader_close(r);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_synthetic),
                                       cmocka_unit_test(test_gap_and_streaming),
                                       cmocka_unit_test(test_first_breaths),
                                       cmocka_unit_test(test_record_end),
                                       cmocka_unit_test(test_after_a_sigh),
                                       cmocka_unit_test(test_shallow_breath),
                                       cmocka_unit_test(test_double_hump),
                                       cmocka_unit_test(test_startup_transient),
                                       cmocka_unit_test(test_decision_bounded),
                                       cmocka_unit_test(test_slow_breathing_cardiac),
                                       cmocka_unit_test(test_slow_double_hump),
                                       cmocka_unit_test(test_start_in_inspiration),
                                       cmocka_unit_test(test_gap_latency),
                                       cmocka_unit_test(test_look_ahead_edges),
                                       cmocka_unit_test(test_push_budget),
                                       cmocka_unit_test(test_pause_in_expiration),
                                       cmocka_unit_test(test_one_pause),
                                       cmocka_unit_test(test_falling_baseline),
                                       cmocka_unit_test(test_rate_minimum),
                                       cmocka_unit_test(test_rate_on_recording_axis),
                                       cmocka_unit_test(test_rate_leaves_missing_samples_out),
                                       cmocka_unit_test(test_neurokit_rate),
                                       cmocka_unit_test(test_edr_and_summary),
                                       cmocka_unit_test(test_edr_rate_windows),
                                       cmocka_unit_test(test_edr_waveform)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
