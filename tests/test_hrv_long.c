/* HRV of long series in bounded memory gives the numbers of the whole-series computation, bit for
 * bit: order statistics by histogram passes against a full sort, DFA on a profile made in chunks
 * against the whole profile, the natural spline's second derivatives a block at a time against the
 * whole fit, SampEn/ApEn in blocks against one tree, a series analysed in place
 * against its copy, a series read chunk by chunk from a source against its arrays (and the heap
 * that takes not growing with the series). */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PSY_TEST_COUNT_BYTES
#include "alloc_count.h"

#include "psyphys/hrv.h"
#include "hrv_arrays.h" /* internals checked directly */

static double uniform(unsigned long long *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* An RR-like series of n intervals: kind 0 continuous, 1 on a 1000/360 ms grid (a 360 Hz
 * detector: many equal values), 2 all but a few equal. */
static void rr_series(double *x, size_t n, int kind, unsigned long long *s)
{
    for (size_t i = 0; i < n; i++) {
        double v = 850 + 120 * sin((double)i / 40.0) + 60 * uniform(s);
        if (kind == 1) v = 1000.0 / 360.0 * floor(v * 0.36);
        if (kind == 2) v = i % 997 ? 800 : v;
        x[i] = v;
    }
}

/* n intervals of rr_series(kind) from seed and their end times, allocated (free both). */
static void series_with_times(size_t n, int kind, unsigned long long seed, double **nn, double **t)
{
    *nn = malloc(n * sizeof **nn), *t = malloc(n * sizeof **t);
    assert_non_null(*nn), assert_non_null(*t);
    rr_series(*nn, n, kind, &seed);
    double acc = 0;
    for (size_t i = 0; i < n; i++) (*t)[i] = (acc += (*nn)[i] / 1000.0);
}

static void test_order_statistics_equal_a_sort(void **state)
{
    (void)state;
    enum { N = 30001 };
    double *x = malloc(N * sizeof *x), *sorted = malloc(N * sizeof *sorted);
    double *work = malloc(HRV_ORDER_WORK_DOUBLES * sizeof *work);
    assert_non_null(x), assert_non_null(sorted), assert_non_null(work);
    array_cursor ac;
    unsigned long long s = 7;
    const size_t ns[] = {1, 2, 5, 4096, 4097, N};
    for (int kind = 0; kind < 3; kind++) {
        rr_series(x, N, kind, &s);
        for (size_t q = 0; q < sizeof ns / sizeof ns[0]; q++) {
            size_t n = ns[q];
            for (int dev = 0; dev < 2; dev++) {
                double center = dev ? x[n / 2] : NAN;
                for (size_t i = 0; i < n; i++) sorted[i] = dev ? fabs(x[i] - center) : x[i];
                qsort(sorted, n, sizeof *sorted, cmp_double);
                const size_t ks[] = {0, n / 4, n / 2, (3 * n) / 4, n - 1};
                for (size_t j = 0; j < 5; j++) {
                    double vk, vk1;
                    hrv_order_pair_of(on_array(&ac, x, n), n, center, ks[j], work, &vk, &vk1);
                    assert_true(vk == sorted[ks[j]]);
                    assert_true(vk1 == sorted[ks[j] + 1 < n ? ks[j] + 1 : ks[j]]);
                }
            }
        }
    }
    free(x), free(sorted), free(work);
}

/* The DFA slope with the whole profile held (the computation before it was made in chunks). */
static double whole_profile_dfa(const double *x, size_t n, int lo, int hi, int overlap, double min_var)
{
    double *y = malloc(n * sizeof *y), mean = 0, acc = 0;
    assert_non_null(y);
    for (size_t i = 0; i < n; i++) mean += x[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) y[i] = (acc += x[i] - mean);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t k = 0;
    for (int sc = lo; sc <= hi; sc++) {
        size_t s = (size_t)sc, step = overlap ? (s / 2 ? s / 2 : 1) : s, windows = 0;
        double sum = 0;
        for (size_t a = 0; overlap ? a + s < n : a + s <= n; a += step) {
            double v = hrv_line_residual_ms(y + a, s);
            if (min_var > 0 && !(v > min_var)) continue;
            sum += v, windows++;
        }
        if (!windows || !(sum > 0)) continue;
        double lf = log(sqrt(sum / (double)windows)), ls = log((double)s);
        sx += ls, sy += lf, sxx += ls * ls, sxy += ls * lf;
        k++;
    }
    free(y);
    double kd = (double)k;
    return (kd * sxy - sx * sy) / (kd * sxx - sx * sx);
}

static void test_chunked_dfa_equals_whole_profile(void **state)
{
    (void)state;
    enum { N = 40000 }; /* several chunks of the profile */
    double *x = malloc(N * sizeof *x);
    assert_non_null(x);
    unsigned long long s = 11;
    rr_series(x, N, 1, &s);
    psy_arena arena = {0};
    array_cursor ac;
    hrv_cursor *cx = on_array(&ac, x, N);
    const int scales[][2] = {{4, 16}, {16, 64}, {4, 11}, {12, 100}};
    for (size_t q = 0; q < 4; q++)
        for (int overlap = 0; overlap < 2; overlap++) {
            psy_status st;
            double min_var = overlap ? 1e-8 : 0;
            double a = hrv_dfa_of(cx, N, scales[q][0], scales[q][1], overlap, min_var, &arena, &st);
            assert_int_equal(st, PSY_OK);
            assert_true(a == whole_profile_dfa(x, N, scales[q][0], scales[q][1], overlap, min_var));
        }
    assert_int_equal(psy_arena_mark(&arena), 0);
    psy_arena_free(&arena);
    free(x);
}

/* The natural spline fitted with its second derivatives kept a block at a time and evaluated in
 * pieces, forward and back, equals the whole fit, bit for bit. */
static void test_spline_in_blocks_equals_whole_fit(void **state)
{
    (void)state;
    enum { N = 27000 }; /* 7 blocks of knots */
    double *nn, *t;
    series_with_times(N, 0, 9, &nn, &t);
    size_t m = (size_t)ceil((t[N - 1] - t[0]) * 4 + 1);
    double *whole = malloc(m * sizeof *whole), *work = malloc(N * 2 * sizeof *work), *piece = malloc(m * sizeof *piece);
    double *coef = malloc(hrv_spline_fit_doubles(N, 0) * sizeof *coef);
    assert_non_null(whole), assert_non_null(work), assert_non_null(piece), assert_non_null(coef);
    assert_true(hrv_spline_fit_doubles(N, 0) < N / 2); /* bounded: not a value a knot */
    hrv_spline_resample(t, nn, N, t[0], 4, m, whole, work);
    hrv_spline sp;
    hrv_spline_fit(&sp, t, nn, N, 0, coef, NULL);
    const size_t step = 5003, back = 1700; /* pieces that step back into the knots before */
    for (size_t k0 = 0; k0 < m; k0 += step) {
        size_t a = k0 > back ? k0 - back : 0, b = k0 + step < m ? k0 + step : m;
        hrv_spline_eval(&sp, t[0], 4, a, b, piece + a);
    }
    hrv_spline_eval(&sp, t[0], 4, m / 3, m / 3 + 10, piece + m / 3); /* and one far back */
    assert_memory_equal(piece, whole, m * sizeof *whole);
    free(nn), free(t), free(whole), free(work), free(piece), free(coef);
}

/* SampEn and ApEn counted block by block against a tree of each block equal those of one tree
 * over all the templates, bit for bit (continuous, quantised and nearly constant series). */
static void test_entropy_in_blocks_equals_one_tree(void **state)
{
    (void)state;
    enum { N = 6000 };
    double *x = malloc(N * sizeof *x);
    assert_non_null(x);
    unsigned long long s = 3;
    psy_arena arena = {0};
    array_cursor ac;
    hrv_cursor *cx = on_array(&ac, x, N);
    for (int kind = 0; kind < 3; kind++) {
        rr_series(x, N, kind, &s);
        for (int m = 1; m <= 3; m++) {
            double r = kind == 1 ? 1000.0 / 360.0 * 5 : 17.3, se, ae;
            assert_int_equal(hrv_entropy_of(cx, N, m, r, N, &arena, &se, &ae), PSY_OK);
            double pse;
            assert_int_equal(hrv_sampen_pcst_of(cx, N, m, r, N, &arena, &pse), PSY_OK);
            const size_t blocks[] = {1000, 777, N - 2};
            for (size_t b = 0; b < 3; b++) {
                double se_b, ae_b, pse_b;
                assert_int_equal(hrv_entropy_of(cx, N, m, r, blocks[b], &arena, &se_b, &ae_b), PSY_OK);
                assert_int_equal(hrv_sampen_pcst_of(cx, N, m, r, blocks[b], &arena, &pse_b), PSY_OK);
                assert_true(se_b == se && ae_b == ae && pse_b == pse);
            }
        }
    }
    assert_int_equal(psy_arena_mark(&arena), 0);
    psy_arena_free(&arena);
    free(x);
}

/* ULF and VLF, which the default detrending removes (n/a with that reason). */
static int removed_band(int k)
{
    return k == PSY_HRV_ULF_MS2 || k == PSY_HRV_VLF_MS2;
}

/* A clean series is analysed where it lies; with an interval to skip it is copied: the same
 * numbers either way, on an 8 h series (every key, every spectrum). */
static void test_in_place_equals_copy(void **state)
{
    (void)state;
    enum { N = 30001 };
    double *nn = malloc((N + 1) * sizeof *nn), *t = malloc((N + 1) * sizeof *t);
    assert_non_null(nn), assert_non_null(t);
    unsigned long long s = 5;
    rr_series(nn + 1, N, 1, &s);
    double acc = 0;
    for (size_t i = 1; i <= N; i++) t[i] = (acc += nn[i] / 1000.0);
    nn[0] = NAN, t[0] = -1; /* skipped */
    psy_hrv_config c = psy_hrv_config_default();
    c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB;
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
    psy_hrv_result in_place, copied;
    size_t skipped;
    assert_int_equal(psy_hrv_compute(h, nn + 1, t + 1, N, &in_place, &skipped), PSY_OK);
    assert_int_equal(skipped, 0);
    assert_int_equal(psy_hrv_compute(h, nn, t, N + 1, &copied, &skipped), PSY_OK);
    assert_int_equal(skipped, 1);
    assert_int_equal(in_place.n_nn, N);
    assert_memory_equal(&in_place.values.v, &copied.values.v, sizeof in_place.values.v);
    assert_memory_equal(&in_place.welch.v, &copied.welch.v, sizeof in_place.welch.v);
    assert_memory_equal(&in_place.lomb.v, &copied.lomb.v, sizeof in_place.lomb.v);
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) assert_true(!isnan(in_place.values.v[k]) || removed_band(k));
    psy_hrv_destroy(h);
    free(nn), free(t);
}

/* A source over arrays that hands out at most one cursor chunk a read; fails from read `fail_at` on
 * (0: never). */
typedef struct array_source {
    const double *nn, *t;
    size_t reads, fail_at;
} array_source;

static psy_status read_arrays(void *ctx, size_t i0, size_t count, double *nn, double *t)
{
    array_source *a = ctx;
    assert_true(count <= HRV_CURSOR_CHUNK);
    if (a->fail_at && ++a->reads >= a->fail_at) return PSY_E_IO;
    memcpy(nn, a->nn + i0, count * sizeof *nn);
    memcpy(t, a->t + i0, count * sizeof *t);
    return PSY_OK;
}

/* The duration (s) of a source's n intervals: their sum in order / 1000, as its maker counts the
 * kept ones (hrv_compute_source); the sources here are clean, every interval kept. */
static double source_duration_s(const hrv_source *src, size_t n)
{
    double nn[1024], t[1024], sum = 0;
    for (size_t i = 0; i < n; i += 1024) {
        size_t m = n - i < 1024 ? n - i : 1024;
        assert_int_equal(src->read(src->ctx, i, m, nn, t), PSY_OK);
        for (size_t j = 0; j < m; j++) sum += nn[j];
    }
    return sum / 1000.0;
}

static void assert_same_result(const psy_hrv_result *a, const psy_hrv_result *b)
{
    assert_int_equal(a->n_nn, b->n_nn);
    assert_true(a->duration_s == b->duration_s);
    assert_memory_equal(&a->nn_corrected_pct, &b->nn_corrected_pct, sizeof a->nn_corrected_pct);
    const psy_hrv_values *va[4] = {&a->values, &a->welch, &a->lomb, &a->ar};
    const psy_hrv_values *vb[4] = {&b->values, &b->welch, &b->lomb, &b->ar};
    for (int q = 0; q < 4; q++) {
        assert_memory_equal(va[q]->v, vb[q]->v, sizeof va[q]->v);
        for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) assert_ptr_equal(va[q]->na[k], vb[q]->na[k]);
    }
}

/* A source that fails at any one of its reads makes the whole analysis fail with the source's
 * status, wherever the failure lands (a quantile's histogram passes, the successive differences,
 * the spectrum's span or held arrays), never an over-read or a NOMEM: fail_at runs from 1 to the
 * read count of a clean run (run it under ASan+UBSan). Nonlinear off to keep it to seconds (DFA
 * alone re-reads the series ~80 times; test_source_equals_arrays fails it once). */
static void test_source_failing_at_every_read(void **state)
{
    (void)state;
    enum { N = 33001 };
    double *nn, *t;
    series_with_times(N, 1, 11, &nn, &t);
    psy_hrv_config c = psy_hrv_config_default();
    c.spectra = PSY_HRV_WELCH, c.nonlinear = 0;
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
    psy_hrv_result r;
    array_source a = {nn, t, 0, SIZE_MAX}; /* counts its reads, never fails */
    hrv_source src = {read_arrays, &a};
    double dur = source_duration_s(&src, N);
    a.reads = 0;
    assert_int_equal(hrv_compute_source(h, &src, N, dur, 0, 0, &r), PSY_OK);
    size_t clean_reads = a.reads;
    assert_true(clean_reads > 50);
    for (size_t f = 1; f <= clean_reads; f++) {
        a.reads = 0, a.fail_at = f;
        psy_status st = hrv_compute_source(h, &src, N, dur, 0, 0, &r);
        if (st != PSY_E_IO) fail_msg("fail_at %zu: status %d", f, (int)st);
    }
    psy_hrv_destroy(h);
    free(nn), free(t);
}

/* The analyses reading a series chunk by chunk from a source (as a long recording's spooled NN
 * series is read) give what they give on its arrays, bit for bit: 33,001 intervals (chunks of
 * 16,384) with gaps and corrected ones, every key and spectrum, with the default settings and
 * with PCST's and NeuroKit's variants; a source that fails makes the call fail (PSY_E_IO). */
static void test_source_equals_arrays(void **state)
{
    (void)state;
    enum { N = 33001 };
    double *nn = malloc(N * sizeof *nn), *t = malloc(N * sizeof *t);
    uint8_t *corrected = malloc(N);
    assert_non_null(nn), assert_non_null(t), assert_non_null(corrected);
    unsigned long long s = 11;
    rr_series(nn, N, 1, &s);
    double acc = 0;
    size_t n_corrected = 0;
    for (size_t i = 0; i < N; i++) {
        if (i % 5000 == 4999) acc += 3.0; /* a gap: not contiguous */
        t[i] = (acc += nn[i] / 1000.0);
        corrected[i] = i % 211 == 0;
        n_corrected += corrected[i];
    }
    for (int variant = 0; variant < 2; variant++) {
        psy_hrv_config c = psy_hrv_config_default();
        c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR;
        if (variant) {
            c.sampen_pcst = 1, c.sdann_neurokit = 1, c.dfa_overlap = 1, c.pnn_inclusive = 1;
            c.dfa2_max = 0, c.spectra = PSY_HRV_LOMB;
        }
        psy_hrv *h = NULL;
        assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
        psy_hrv_result from_arrays, from_source;
        assert_int_equal(psy_hrv_compute_flagged(h, nn, t, corrected, N, &from_arrays, NULL), PSY_OK);
        array_source a = {nn, t, 0, 0};
        hrv_source src = {read_arrays, &a};
        double dur = source_duration_s(&src, N);
        assert_int_equal(hrv_compute_source(h, &src, N, dur, n_corrected, 0, &from_source), PSY_OK);
        assert_same_result(&from_arrays, &from_source);
        for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
            assert_true(!isnan(from_source.values.v[k]) || variant || removed_band(k));
        a.fail_at = 7;
        assert_int_equal(hrv_compute_source(h, &src, N, dur, n_corrected, 0, &from_source), PSY_E_IO);
        psy_hrv_destroy(h);
    }
    free(nn), free(t), free(corrected);
}

/* SampEn/ApEn of a source in blocks of templates (each block read again for every other block's
 * tree) equal those of the arrays in one tree. */
static void test_entropy_of_source_in_blocks(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *nn = malloc(N * sizeof *nn), *t = calloc(N, sizeof *t);
    assert_non_null(nn), assert_non_null(t);
    unsigned long long s = 13;
    rr_series(nn, N, 1, &s);
    psy_arena arena = {0};
    array_source a = {nn, t, 0, 0};
    hrv_source src = {read_arrays, &a};
    hrv_series series = {.n = N, .src = &src};
    array_cursor ac;
    hrv_cursor *whole = on_array(&ac, nn, N);
    for (int m = 1; m <= 2; m++) {
        double r = 1000.0 / 360.0 * 5, se, ae, pse, se_b, ae_b, pse_b;
        assert_int_equal(hrv_entropy_of(whole, N, m, r, N, &arena, &se, &ae), PSY_OK);
        assert_int_equal(hrv_sampen_pcst_of(whole, N, m, r, N, &arena, &pse), PSY_OK);
        hrv_cursor x;
        assert_int_equal(hrv_cursor_open(&x, &series, &arena), PSY_OK);
        assert_int_equal(hrv_entropy_of(&x, N, m, r, 7000, &arena, &se_b, &ae_b), PSY_OK);
        assert_int_equal(hrv_sampen_pcst_of(&x, N, m, r, 7000, &arena, &pse_b), PSY_OK);
        psy_arena_release(&arena, 0);
        assert_true(se_b == se && ae_b == ae && pse_b == pse);
    }
    psy_arena_free(&arena);
    free(nn), free(t);
}

#ifdef COUNT_ALLOCATIONS
/* An RR-like series made from the index alone (no array): interval i and its end time. */
static psy_status read_generated(void *ctx, size_t i0, size_t count, double *nn, double *t)
{
    (void)ctx;
    for (size_t k = 0; k < count; k++) {
        size_t i = i0 + k;
        unsigned long long h = (i + 1) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
        nn[k] = 1000.0 / 360.0 * floor((850 + 120 * sin((double)i / 40.0) + 60 * (double)(h % 1000) / 1000.0) * 0.36);
        t[k] = 0.85 * (double)(i + 1);
    }
    return PSY_OK;
}

/* The most heap the analyses of a generated source of n intervals take (spectra aside: they read
 * at most 48 h into arrays). */
static long peak_of_source(size_t n)
{
    psy_hrv_config c = psy_hrv_config_default();
    c.spectra = 0;
    c.entropy_r_sd = 10; /* 10 SDNN: every template matches, each query answered at the root of trees as large */
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
    hrv_source src = {read_generated, NULL};
    psy_hrv_result r;
    double dur = source_duration_s(&src, n);
    long before = heap_bytes();
    reset_peak_bytes();
    assert_int_equal(hrv_compute_source(h, &src, n, dur, 0, 0, &r), PSY_OK);
    long peak = heap_peak_bytes() - before;
    assert_true(!isnan(r.values.v[PSY_HRV_SAMPEN]) && !isnan(r.values.v[PSY_HRV_DFA_ALPHA2]));
    psy_hrv_destroy(h);
    return peak;
}
#endif

/* The heap the analyses of a source take does not grow with its length once past two SampEn
 * blocks (131,072 templates each: the block queried and the tree it is counted against): 270,000
 * and 540,000 intervals (64 h and 128 h) within 64 KB of each other, where arrays of the series
 * would be 4.3 MB more. */
static void test_source_memory_bounded(void **state)
{
    (void)state;
#ifndef COUNT_ALLOCATIONS
    skip();
#else
    long a = peak_of_source(270000), b = peak_of_source(540000);
    print_message("peak heap: %ld bytes at 270,000 intervals, %ld at 540,000\n", a, b);
    assert_true(labs(b - a) < 65536);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_statistics_equal_a_sort),
        cmocka_unit_test(test_chunked_dfa_equals_whole_profile),
        cmocka_unit_test(test_spline_in_blocks_equals_whole_fit),
        cmocka_unit_test(test_entropy_in_blocks_equals_one_tree),
        cmocka_unit_test(test_in_place_equals_copy),
        cmocka_unit_test(test_source_equals_arrays),
        cmocka_unit_test(test_source_failing_at_every_read),
        cmocka_unit_test(test_entropy_of_source_in_blocks),
        cmocka_unit_test(test_source_memory_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
