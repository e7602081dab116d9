/* RR classification and correction on series with known artefacts. */
#include "test_util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/beats.h"
#include "psyphys/hrv.h"
#include "psyphys/rr.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define N 600

/* A sinus rhythm around 850 ms with respiratory and slow variability (deterministic). */
static void sinus(double *rr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rr[i] = 850 + 40 * sin(2 * M_PI * (double)i / 4.3) + 25 * sin(2 * M_PI * (double)i / 37.0);
}

static void times_of(const double *rr, size_t n, double *t)
{
    double acc = 0;
    for (size_t i = 0; i < n; i++) t[i] = (acc += rr[i] / 1000.0);
}

static size_t count(const psy_beat_class *c, size_t n, psy_beat_class want)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += c[i] == want;
    return k;
}

static void test_clean_series_is_normal(void **state)
{
    (void)state;
    double rr[N];
    psy_beat_class c[N];
    sinus(rr, N);
    assert_int_equal(psy_rr_classify(rr, N, NULL, c), PSY_OK);
    assert_int_equal(count(c, N, PSY_BEAT_NORMAL), N);
    /* A perfectly regular series too (its quartile deviation is 0). */
    for (size_t i = 0; i < N; i++) rr[i] = 1000;
    assert_int_equal(psy_rr_classify(rr, N, NULL, c), PSY_OK);
    assert_int_equal(count(c, N, PSY_BEAT_NORMAL), N);
}

/* Builds a series with one artefact of each kind at known beats; returns its length. */
static size_t with_artefacts(double *rr, double *t, size_t *ectopic, size_t *missed, size_t *extra,
                             size_t *late)
{
    double clean[N];
    sinus(clean, N);
    size_t n = 0;
    for (size_t i = 0; i < N - 10; i++) {
        if (i == 100) { /* a PVC: 60 % then 140 % */
            *ectopic = n;
            rr[n++] = 0.6 * clean[i];
            rr[n++] = 0.4 * clean[i] + clean[i + 1];
            i++;
        } else if (i == 200) { /* a missed beat: two intervals merge */
            *missed = n;
            rr[n++] = clean[i] + clean[i + 1];
            i++;
        } else if (i == 300) { /* an extra detection splits an interval */
            *extra = n;
            rr[n++] = 0.35 * clean[i];
            rr[n++] = 0.65 * clean[i];
        } else if (i == 400) { /* a late (misaligned) detection: +200 ms, then -200 ms */
            *late = n;
            rr[n++] = clean[i] + 200;
            rr[n++] = clean[i + 1] - 200;
            i++;
        } else {
            rr[n++] = clean[i];
        }
    }
    times_of(rr, n, t);
    return n;
}

static void test_classes(void **state)
{
    (void)state;
    double rr[N + 10], t[N + 10];
    size_t ectopic, missed, extra, late;
    size_t n = with_artefacts(rr, t, &ectopic, &missed, &extra, &late);
    psy_beat_class c[N + 10];
    assert_int_equal(psy_rr_classify(rr, n, NULL, c), PSY_OK);
    assert_int_equal(c[ectopic], PSY_BEAT_ECTOPIC);
    assert_int_equal(c[missed], PSY_BEAT_MISSED);
    assert_int_equal(c[extra], PSY_BEAT_EXTRA);
    assert_int_equal(c[late], PSY_BEAT_ECTOPIC); /* a late beat */
    /* Nothing else is flagged (the beat after an artefact stays normal). */
    size_t flagged = 0;
    for (size_t i = 0; i < n; i++) flagged += c[i] != PSY_BEAT_NORMAL;
    assert_int_equal(flagged, 4);
}

static void test_correction(void **state)
{
    (void)state;
    double rr[N + 10], t[N + 10];
    size_t ectopic, missed, extra, late;
    size_t n = with_artefacts(rr, t, &ectopic, &missed, &extra, &late);
    double out_rr[2 * (N + 10)], out_t[2 * (N + 10)];
    uint8_t corrected[2 * (N + 10)];
    size_t m = 0;
    psy_rr_counts counts;
    assert_int_equal(psy_rr_correct(rr, t, n, NULL, NULL, out_rr, out_t, corrected, 2 * n, &m, &counts),
                     PSY_OK);
    /* One beat inserted (missed), one removed (extra): the same count. */
    assert_int_equal(m, n);
    assert_int_equal(counts.n[PSY_BEAT_MISSED], 1);
    assert_int_equal(counts.n[PSY_BEAT_EXTRA], 1);
    assert_int_equal(counts.n[PSY_BEAT_ECTOPIC] + counts.n[PSY_BEAT_LONG], 2);
    /* The corrected series is a clean rhythm again: no interval far from its neighbours,
     * times increase and agree with the intervals. */
    double clean[N];
    sinus(clean, N);
    for (size_t i = 1; i < m; i++) {
        assert_true(out_t[i] > out_t[i - 1]);
        assert_true(fabs((out_t[i] - out_t[i - 1]) * 1000 - out_rr[i]) < 1e-6);
        assert_true(out_rr[i] > 700 && out_rr[i] < 1000);
    }
    size_t n_corr = 0;
    for (size_t i = 0; i < m; i++) n_corr += corrected[i];
    assert_true(n_corr >= 6 && n_corr <= 10);
    /* Reclassifying the corrected series finds at most one borderline interval (interpolation
     * cannot follow a 4.3-beat respiratory oscillation exactly). */
    psy_beat_class c[2 * (N + 10)];
    assert_int_equal(psy_rr_classify(out_rr + 1, m - 1, NULL, c), PSY_OK);
    assert_true(count(c, m - 1, PSY_BEAT_NORMAL) >= m - 2);
}

/* Stretches split by NaN intervals are corrected each on its own: the same output as
 * psy_rr_correct on each stretch, one after the other, and the class counts summed. */
static void test_correction_by_stretches(void **state)
{
    (void)state;
    double rr[N + 10], t[N + 10];
    size_t ectopic, missed, extra, late;
    size_t n = with_artefacts(rr, t, &ectopic, &missed, &extra, &late);
    size_t cut = n / 2;
    rr[cut] = NAN; /* a gap: the interval across it is unknown */
    static double out_rr[2 * (N + 10)], out_t[2 * (N + 10)], want_rr[2 * (N + 10)], want_t[2 * (N + 10)];
    uint8_t corrected[2 * (N + 10)], want_c[2 * (N + 10)];
    size_t m = 0, m1 = 0, m2 = 0;
    psy_rr_counts counts, c1, c2;
    assert_int_equal(psy_rr_correct_stretches(rr, t, n, NULL, out_rr, out_t, corrected, 2 * n, &m, &counts), PSY_OK);
    assert_int_equal(psy_rr_correct(rr, t, cut, NULL, NULL, want_rr, want_t, want_c, 2 * n, &m1, &c1), PSY_OK);
    assert_int_equal(psy_rr_correct(rr + cut + 1, t + cut + 1, n - cut - 1, NULL, NULL, want_rr + m1, want_t + m1,
                                    want_c + m1, 2 * n - m1, &m2, &c2),
                     PSY_OK);
    assert_int_equal(m, m1 + m2);
    assert_memory_equal(out_rr, want_rr, m * sizeof *out_rr);
    assert_memory_equal(out_t, want_t, m * sizeof *out_t);
    assert_memory_equal(corrected, want_c, m);
    for (int k = 0; k < PSY_BEAT_CLASS_COUNT; k++) assert_int_equal(counts.n[k], c1.n[k] + c2.n[k]);
    /* only NaN: nothing; a bad interval inside a stretch: refused as by psy_rr_correct */
    double gaps[3] = {NAN, NAN, NAN};
    assert_int_equal(psy_rr_correct_stretches(gaps, t, 3, NULL, out_rr, out_t, NULL, 6, &m, NULL), PSY_OK);
    assert_int_equal(m, 0);
    rr[3] = -5;
    assert_int_equal(psy_rr_correct_stretches(rr, t, n, NULL, out_rr, out_t, NULL, 2 * n, &m, NULL), PSY_E_INVALID);
    assert_int_equal(psy_rr_correct_stretches(rr, t, n, NULL, out_rr, out_t, NULL, 2 * n, NULL, NULL), PSY_E_INVALID);
}

static void test_bigeminy_is_ectopic(void **state)
{
    (void)state;
    /* Alternating PVCs (bigeminy) like the Polar H10 recording: 450 / 1000 ms. */
    double rr[200];
    sinus(rr, 40);
    for (size_t i = 40; i < 200; i++) rr[i] = i % 2 ? 450 : 1000;
    psy_beat_class c[200];
    assert_int_equal(psy_rr_classify(rr, 200, NULL, c), PSY_OK);
    /* Once the local thresholds adapt to the alternation the pattern is the rhythm; at its
     * onset the first premature beats are ectopic. */
    assert_int_equal(c[41], PSY_BEAT_ECTOPIC);
    assert_int_equal(count(c, 40, PSY_BEAT_NORMAL), 40);
}

/* Regression (fuzz_rr): a missed interval split into round(RR / median) parts needed more than
 * the documented 2 n outputs; this series from the fuzzer returned PSY_E_RANGE. */
static void test_output_bound(void **state)
{
    (void)state;
    static const double rr[] = {480, 1971, 1071, 300, 300, 300, 364, 1692, 1715, 303, 1387, 1470, 1470, 768};
    enum { n = sizeof rr / sizeof rr[0] };
    double t[n], out_rr[2 * n], out_t[2 * n];
    times_of(rr, n, t);
    size_t m = 0;
    assert_int_equal(psy_rr_correct(rr, t, n, NULL, NULL, out_rr, out_t, NULL, 2 * n, &m, NULL), PSY_OK);
    assert_true(m <= 2 * n);
    for (size_t i = 1; i < m; i++) assert_true(out_t[i] > out_t[i - 1]);
}

/* 1 when every interval of the corrected series lies within the range the classifier's ceiling
 * allows around the uncorrected intervals near it: 75 % of the shortest to 125 % of the longest of
 * those within 10 positions (a change of more than 25 % between beats is plainly abnormal). */
static int within_normal_range(const double *nn, const uint8_t *corrected, size_t m, size_t *bad)
{
    for (size_t i = 0; i < m; i++) {
        double lo = INFINITY, hi = 0;
        for (size_t k = i > 10 ? i - 10 : 0; k < m && k <= i + 10; k++)
            if (!corrected[k]) lo = fmin(lo, nn[k]), hi = fmax(hi, nn[k]);
        if (hi > 0 && (nn[i] < 0.75 * lo || nn[i] > 1.25 * hi)) {
            *bad = i;
            return 0;
        }
    }
    return 1;
}

/* Regression (issue 14): the Polar H10 bigeminy recording's NN series held 260.8 and 291.6 ms.
 * Two misplaced beats in a row (a "short" beat, then the PVC after it) were each moved to the
 * local rhythm, leaving the interval to the next beat far shorter than any the heart produced.
 * Intervals of that recording's beats at 440-470 s. */
static void test_moves_leave_no_short_interval(void **state)
{
    (void)state;
    static const double rr[] = {768.281, 414.872, 1114.007, 768.281, 422.554, 1129.373, 752.915,
                                414.872, 1121.690, 752.915, 468.651, 1021.813, 783.646, 422.554,
                                422.554, 1213.884, 407.189, 1114.007, 745.232, 468.651, 1052.545,
                                737.549, 430.237, 1067.910, 752.915, 430.237, 1106.324, 760.598,
                                468.651, 1129.373, 783.646, 460.968, 1137.055, 768.281, 453.286,
                                1090.959, 745.232, 422.554, 1114.007};
    enum { n = sizeof rr / sizeof rr[0] };
    double t[n], out_rr[2 * n], out_t[2 * n];
    times_of(rr, n, t);
    psy_beat_class c[n];
    assert_int_equal(psy_rr_classify(rr, n, NULL, c), PSY_OK);
    size_t m = 0;
    uint8_t corrected[2 * n];
    assert_int_equal(psy_rr_correct(rr, t, n, NULL, c, out_rr, out_t, corrected, 2 * n, &m, NULL), PSY_OK);
    for (size_t i = 0; i < m; i++)
        if (out_rr[i] < 400) fail_msg("NN interval %zu: %.1f ms, shorter than any in the series", i, out_rr[i]);
    size_t bad = 0;
    if (!within_normal_range(out_rr, corrected, m, &bad))
        fail_msg("NN interval %zu: %.1f ms, outside the normal range around it", bad, out_rr[bad]);
}

/* Regression (issue 14): in the Polar H10 recording's bigeminy (coupling 440-480 ms, pause
 * 980-1210 ms, after trigeminy and sinus at 800-845 ms) the corrected NN series alternated
 * 845 / 600 ms: each moved PVC was placed one stale sinus interval (from before the run, no normal
 * neighbour being near) after the beat before it, and the pause took the rest. Its beats at
 * 215-250 s. Consecutive NN intervals in the run stay within the classifier's ceiling (25 %). */
static void test_bigeminy_correction_does_not_alternate(void **state)
{
    (void)state;
    static const double rr[] = {
        745.232, 414.872, 1114.007, 737.549, 414.872, 1114.007, 745.232, 414.872, 1137.055, 745.232,
        799.012, 822.060, 837.426, 822.060, 845.109, 453.286, 1206.201, 460.968, 1106.324, 460.968,
        1044.862, 468.651, 998.765, 476.334, 983.399, 460.968, 983.399, 468.651, 983.399, 453.286,
        983.399, 460.968, 991.082, 445.603, 1006.448, 453.286, 1037.179, 437.920, 1052.545, 445.603,
        1060.227, 445.603, 1044.862, 445.603, 1044.862, 445.603};
    enum { n = sizeof rr / sizeof rr[0] };
    double t[n], out_rr[2 * n], out_t[2 * n];
    uint8_t corrected[2 * n];
    times_of(rr, n, t);
    size_t m = 0;
    assert_int_equal(psy_rr_correct(rr, t, n, NULL, NULL, out_rr, out_t, corrected, 2 * n, &m, NULL), PSY_OK);
    size_t in_run = 0;
    for (size_t i = 1; i < m; i++) {
        /* The bigeminy starts at beat 15; the excerpt's last interval (no beat after it tells its
         * class) and those whose local rhythm would include it are left out. */
        if (out_t[i] <= t[15] || out_t[i] > t[n - 6]) continue;
        in_run++;
        if (fabs(out_rr[i] - out_rr[i - 1]) > 0.25 * fmin(out_rr[i], out_rr[i - 1]))
            fail_msg("NN %zu at %.3f s: %.1f ms after %.1f ms: the correction alternates", i, out_t[i],
                     out_rr[i], out_rr[i - 1]);
    }
    assert_true(in_run >= 10);
}

/* Regression (issue 14): a long interval (a pause no missed beat explains) had its beat moved to
 * the local rhythm, and the whole pause went to the next interval: the NN series held a 2.1 s
 * interval among 0.8-0.9 s ones. An interval the correction cannot make plausible is left out of
 * the NN series, and counted. */
static void test_correction_stays_in_range(void **state)
{
    (void)state;
    double rr[N], t[N], out_rr[2 * N], out_t[2 * N];
    uint8_t corrected[2 * N];
    sinus(rr, N);
    rr[300] = 2100;
    times_of(rr, N, t);
    psy_beat_class c[N];
    assert_int_equal(psy_rr_classify(rr, N, NULL, c), PSY_OK);
    assert_int_equal(c[300], PSY_BEAT_LONG);
    size_t m = 0, bad = 0;
    psy_rr_counts k;
    assert_int_equal(psy_rr_correct(rr, t, N, NULL, c, out_rr, out_t, corrected, 2 * N, &m, &k), PSY_OK);
    if (!within_normal_range(out_rr, corrected, m, &bad))
        fail_msg("NN interval %zu at %.3f s: %.1f ms, outside the normal range around it", bad, out_t[bad], out_rr[bad]);
    assert_int_equal(k.nn_left_out, 1);
    assert_int_equal(m, N - 1);
}

/* Regression (issue 14): a left-out interval carried no time, so the corrected share of a segment
 * or an epoch (psy_hrv_compute_beats' nn_corrected_pct) missed it. psy_rr_correct_left_out gives
 * where each ends, and the share over a span counts it as a corrected interval of that span. */
static void test_left_out_intervals_have_times(void **state)
{
    (void)state;
    double rr[N], t[N], out_rr[2 * N], out_t[2 * N], left[2 * N];
    uint8_t corrected[2 * N];
    sinus(rr, N);
    rr[300] = 2100;
    times_of(rr, N, t);
    size_t m = 0, n_left = 0;
    psy_rr_counts k;
    assert_int_equal(psy_rr_correct_left_out(rr, t, N, NULL, NULL, out_rr, out_t, corrected, 2 * N, &m, &k, left,
                                             2 * N, &n_left),
                     PSY_OK);
    assert_int_equal(n_left, 1);
    assert_int_equal(k.nn_left_out, 1);
    /* the interval after the moved beat 300, ending at beat 301 */
    assert_true(left[0] > t[300] - 2.1 && left[0] <= t[301] + 1e-9);
    size_t before = 0;
    while (before < m && out_t[before] < left[0]) before++;
    assert_true(before > 0 && before < m); /* among the series' times */
    /* too little room for the times: PSY_E_RANGE, as for the intervals */
    assert_int_equal(psy_rr_correct_left_out(rr, t, N, NULL, NULL, out_rr, out_t, corrected, 2 * N, &m, &k, left,
                                             0, &n_left),
                     PSY_E_RANGE);

    /* A beat list's share over a span counts the left-out interval in it. */
    psy_beat_list b = {0};
    b.n_nn = m, b.nn_ms = out_rr, b.nn_onset_s = out_t, b.nn_corrected = corrected;
    b.counts.nn_left_out = 1, b.nn_left_out_s = left;
    psy_hrv_config hc = psy_hrv_config_default();
    hc.keep_corrected = 1;
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&hc, &h, NULL), PSY_OK);
    psy_hrv_result with, without;
    double from = left[0] - 30, to = left[0] + 30;
    assert_int_equal(psy_hrv_compute_beats(h, &b, 1, from, to, &with, NULL), PSY_OK);
    size_t n_corr = 0, n_in = 0;
    for (size_t i = 0; i < m; i++)
        if (out_t[i] > from && out_t[i] <= to) n_in++, n_corr += corrected[i];
    assert_int_equal(with.n_nn, n_in);
    assert_true(fabs(with.nn_corrected_pct - 100.0 * (double)(n_corr + 1) / (double)(n_in + 1)) < 1e-9);
    assert_true(with.over_corrected);
    /* a span before it: only its own corrected intervals */
    double before_from = out_t[0], before_to = left[0] - 5;
    assert_int_equal(psy_hrv_compute_beats(h, &b, 1, before_from, before_to, &without, NULL), PSY_OK);
    n_corr = n_in = 0;
    for (size_t i = 0; i < m; i++)
        if (out_t[i] > before_from && out_t[i] <= before_to) n_in++, n_corr += corrected[i];
    assert_true(n_in > 10 && fabs(without.nn_corrected_pct - 100.0 * (double)n_corr / (double)n_in) < 1e-9);
    psy_hrv_destroy(h);
}

/* PCST's preprocessing: gaps, then changes of >= 20 % against the medians of the 5 intervals
 * before AND the 5 after, then the physiological limits; kept intervals keep their times. */
static void test_pcst_cleaning(void **state)
{
    (void)state;
    enum { M = 24 };
    double rr[M], t[M], out[M], out_t[M];
    for (int i = 0; i < M; i++) rr[i] = 800;
    rr[1] = 300;   /* among the first 5 (no 5 before it): too short, not a change */
    rr[3] = 1000;  /* among the first 5: kept */
    rr[8] = NAN;   /* invalid */
    rr[10] = 1000; /* +25 % against both medians: a change */
    rr[12] = 4500; /* a gap (>= 4 s), removed before the changes are looked for */
    rr[21] = 1000; /* among the last 5: kept */
    rr[23] = 2100; /* too long */
    times_of(rr, M, t);
    t[8] = 7.0;
    size_t m = 0;
    psy_rr_pcst_counts k;
    assert_int_equal(psy_rr_clean_pcst(rr, t, M, NULL, out, out_t, &m, &k), PSY_OK);
    assert_int_equal(k.invalid, 1);
    assert_int_equal(k.gaps, 1);
    assert_int_equal(k.changes, 1);
    assert_int_equal(k.too_short, 1);
    assert_int_equal(k.too_long, 1);
    assert_int_equal(m, M - 5);
    for (size_t i = 0, j = 0; i < M; i++) {
        if (i == 1 || i == 8 || i == 10 || i == 12 || i == 23) continue;
        assert_float_equal(out[j], rr[i], 0);
        assert_float_equal(out_t[j], t[i], 0);
        j++;
    }
    /* a step is not a spike: the first interval of a new level departs from the 5 before it
     * but not from the 5 after it */
    for (int i = 0; i < M; i++) rr[i] = i < 12 ? 800 : 1000;
    times_of(rr, M, t);
    assert_int_equal(psy_rr_clean_pcst(rr, t, M, NULL, out, out_t, &m, &k), PSY_OK);
    assert_int_equal(m, M);
    assert_int_equal(k.changes, 0);
    /* a lower threshold catches a smaller spike */
    rr[6] = 880;
    psy_rr_pcst_config cfg = psy_rr_pcst_config_default();
    assert_int_equal(psy_rr_clean_pcst(rr, t, M, &cfg, out, out_t, &m, NULL), PSY_OK);
    assert_int_equal(m, M);
    cfg.change = 0.05;
    assert_int_equal(psy_rr_clean_pcst(rr, t, M, &cfg, out, out_t, &m, NULL), PSY_OK);
    assert_int_equal(m, M - 1);
    /* an exact 20 % change on a 125 Hz grid (85 -> 102 samples, 680 -> 816 ms): PCST's ratio of
     * seconds is 0.19999999999999984, so the interval stays, also when the ms carry rounding from
     * beat times; 83 -> 102 samples (+22.9 %) goes */
    for (int i = 0; i < 11; i++) rr[i] = 680;
    rr[5] = 816.0000000000001;
    times_of(rr, 11, t);
    assert_int_equal(psy_rr_clean_pcst(rr, t, 11, NULL, out, out_t, &m, &k), PSY_OK);
    assert_int_equal(k.changes, 0);
    for (int i = 0; i < 11; i++) rr[i] = 664;
    rr[5] = 816;
    assert_int_equal(psy_rr_clean_pcst(rr, t, 11, NULL, out, out_t, &m, &k), PSY_OK);
    assert_int_equal(k.changes, 1);
    /* fewer than 11 intervals: only the middle ones have 5 on each side */
    assert_int_equal(psy_rr_clean_pcst(rr, t, 4, NULL, out, out_t, &m, NULL), PSY_OK);
    assert_int_equal(m, 4);
    assert_int_equal(psy_rr_clean_pcst(NULL, NULL, 0, NULL, NULL, NULL, &m, NULL), PSY_OK);
    assert_int_equal(m, 0);
    assert_int_equal(psy_rr_clean_pcst(rr, t, M, NULL, NULL, out_t, &m, NULL), PSY_E_INVALID);
    cfg = psy_rr_pcst_config_default();
    cfg.lower_ms = 3000;
    assert_int_equal(psy_rr_clean_pcst(rr, t, M, &cfg, out, out_t, &m, NULL), PSY_E_INVALID);
}

/* A long series with artefacts of every kind scattered through it (deterministic). */
static void long_series(double *rr, size_t n)
{
    sinus(rr, n);
    uint32_t seed = 17;
    for (size_t i = 2; i + 2 < n; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = (seed >> 16) % 400;
        if (r == 0) rr[i] *= 0.6, rr[i + 1] *= 1.4; /* a premature beat and its pause */
        else if (r == 1) rr[i] *= 2;                /* a missed beat */
        else if (r == 2) rr[i] *= 0.45;             /* an extra beat */
        else if (r == 3) rr[i] *= 1.5;              /* a long interval */
        else if (r == 4) rr[i] *= 0.7;              /* a short one */
        else if (r < 40) rr[i] *= 1 + 0.02 * (double)(r % 7); /* noise */
    }
}

/* psy_rr_classify works through a long series piece by piece in a bounded workspace: its classes
 * are those of the whole series classified at once (psy_rr_classify_work), with the default
 * windows and with wide ones. */
static void test_long_series_in_pieces(void **state)
{
    (void)state;
    const size_t n = 60000;
    double *rr = malloc(n * sizeof *rr), *work = malloc(psy_rr_classify_work_size(n) * sizeof *work);
    psy_beat_class *pieces = malloc(n * sizeof *pieces), *whole = malloc(n * sizeof *whole);
    assert_non_null(rr), assert_non_null(work), assert_non_null(pieces), assert_non_null(whole);
    long_series(rr, n);
    psy_rr_config wide = psy_rr_config_default();
    wide.qd_window = 1501, wide.median_window = 301;
    const psy_rr_config *configs[] = {NULL, &wide};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(psy_rr_classify(rr, n, configs[k], pieces), PSY_OK);
        assert_int_equal(psy_rr_classify_work(rr, n, configs[k], whole, work), PSY_OK);
        assert_memory_equal(pieces, whole, n * sizeof *whole);
        size_t artefacts = n - count(whole, n, PSY_BEAT_NORMAL);
        assert_true(artefacts > 300); /* the series does test the passes */
        assert_true(count(whole, n, PSY_BEAT_ECTOPIC) > 50);
        assert_true(count(whole, n, PSY_BEAT_MISSED) + count(whole, n, PSY_BEAT_EXTRA) > 50);
    }
    free(rr), free(work), free(pieces), free(whole);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    double rr[3] = {800, -1, 800}, t[3] = {0.8, 1.6, 2.4}, o[6], ot[6];
    psy_beat_class c[3];
    size_t m;
    assert_int_equal(psy_rr_classify(rr, 3, NULL, c), PSY_E_INVALID);
    rr[1] = NAN;
    assert_int_equal(psy_rr_classify(rr, 3, NULL, c), PSY_E_INVALID);
    rr[1] = 800;
    psy_rr_config cfg = psy_rr_config_default();
    cfg.qd_window = 90;
    assert_int_equal(psy_rr_classify(rr, 3, &cfg, c), PSY_E_INVALID);
    assert_int_equal(psy_rr_classify(rr, 3, NULL, c), PSY_OK);
    assert_int_equal(psy_rr_correct(rr, t, 3, NULL, NULL, o, ot, NULL, 2, &m, NULL), PSY_E_RANGE);
    assert_int_equal(psy_rr_correct(rr, t, 3, NULL, NULL, o, ot, NULL, 6, &m, NULL), PSY_OK);
    assert_int_equal(m, 3);
    assert_int_equal(psy_rr_classify(NULL, 0, NULL, NULL), PSY_OK);
    assert_string_equal(psy_beat_class_name(PSY_BEAT_ECTOPIC), "ectopic");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_series_is_normal), cmocka_unit_test(test_classes),
        cmocka_unit_test(test_correction), cmocka_unit_test(test_correction_by_stretches),
        cmocka_unit_test(test_bigeminy_is_ectopic), cmocka_unit_test(test_moves_leave_no_short_interval),
        cmocka_unit_test(test_correction_stays_in_range),
        cmocka_unit_test(test_bigeminy_correction_does_not_alternate),
        cmocka_unit_test(test_output_bound), cmocka_unit_test(test_pcst_cleaning),
        cmocka_unit_test(test_left_out_intervals_have_times),
        cmocka_unit_test(test_long_series_in_pieces), cmocka_unit_test(test_bad_arguments)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
