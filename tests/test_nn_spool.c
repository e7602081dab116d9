/* A NN series spooled to a temporary file (analysis/nn_spool.h, a session's lean results): its
 * slices, bounds, HRV (read as a source or by slices) and heart-rate check are those of the same
 * series in a beat list's arrays, bit for bit; an unreadable spool is an error, not a value. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn_spool.h"
#include "plausibility_internal.h" /* check_heart_rate_source */

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define N 20000

/* A NN series of n intervals around 800 ms with respiratory variability, every 37th corrected,
 * a 60-s gap after interval n / 2, a stretch of 300 ms intervals (200 bpm, flagged by the
 * heart-rate check with a lower limit) and another across the chunked check's reload at 16,384,
 * and left-out intervals every 1000 s; with `skipped`, intervals the HRV skips: one of 12 s
 * (corrected), one of 0.5 ms, one ending when its predecessor does. */
static psy_beat_list *series(size_t n, int skipped)
{
    psy_beat_list *b = calloc(1, sizeof *b);
    assert_non_null(b);
    b->n_nn = n;
    b->nn_ms = malloc(n * sizeof *b->nn_ms);
    b->nn_onset_s = malloc(n * sizeof *b->nn_onset_s);
    b->nn_corrected = malloc(n);
    b->nn_left_out_s = malloc(64 * sizeof *b->nn_left_out_s);
    assert_true(b->nn_ms && b->nn_onset_s && b->nn_corrected && b->nn_left_out_s);
    double t = 0;
    for (size_t i = 0; i < n; i++) {
        double nn = 800 + 50 * sin(2 * M_PI * 0.25 * t) + 20 * sin(0.37 * (double)i);
        if ((i >= 3000 && i < 3100) || (i >= 16300 && i < 16450)) nn = 300; /* the second across a chunk */
        if (skipped && i == 7000) nn = 12000;
        if (skipped && i == 9001) nn = 0.5;
        if (i == n / 2) t += 60;
        if (!(skipped && i == 13000)) t += nn / 1000; /* else its end time is its predecessor's */
        b->nn_ms[i] = nn, b->nn_onset_s[i] = t, b->nn_corrected[i] = i % 37 == 5 || (skipped && i == 7000);
        if (fmod(t, 1000) < nn / 1000 && b->counts.nn_left_out < 64) b->nn_left_out_s[b->counts.nn_left_out++] = t - 0.1;
    }
    return b;
}

static nn_spool *spooled(const psy_beat_list *b)
{
    nn_spool *s = nn_spool_create();
    assert_non_null(s);
    /* in uneven pieces, as the correction hands them over */
    for (size_t i = 0; i < b->n_nn;) {
        size_t k = i % 3 ? 4096 : 777;
        if (k > b->n_nn - i) k = b->n_nn - i;
        assert_int_equal(nn_spool_append(s, b->nn_ms + i, b->nn_onset_s + i, b->nn_corrected + i, k), PSY_OK);
        i += k;
    }
    assert_int_equal(nn_spool_finish(s), PSY_OK);
    return s;
}

static void same_values(const psy_hrv_values *a, const psy_hrv_values *b)
{
    assert_memory_equal(a->v, b->v, sizeof a->v);
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) {
        if (!a->na[k] || !b->na[k]) assert_ptr_equal(a->na[k], b->na[k]);
        else assert_string_equal(a->na[k], b->na[k]);
    }
}

static void same_result(const psy_hrv_result *a, const psy_hrv_result *b)
{
    assert_int_equal(a->n_nn, b->n_nn);
    assert_memory_equal(&a->nn_corrected_pct, &b->nn_corrected_pct, sizeof(double));
    assert_memory_equal(&a->duration_s, &b->duration_s, sizeof(double));
    assert_int_equal(a->over_corrected, b->over_corrected);
    same_values(&a->values, &b->values);
    same_values(&a->welch, &b->welch);
}

/* nn_view_hrv on the spool, through the source (source_min small) and through slices, gives
 * psy_hrv_compute_beats on the arrays for every span. */
static void check_hrv(const psy_beat_list *b, const nn_spool *s)
{
    static const double spans[][2] = {{0, INFINITY}, {-INFINITY, 50}, {1000, 9000}, {5.5, 5.6}, {9000, 1000}};
    psy_hrv_config hc = psy_hrv_config_default();
    hc.spectra = PSY_HRV_WELCH;
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&hc, &h, NULL), PSY_OK);
    nn_view arrays = {b, NULL, 0};
    nn_buf buf[2] = {{0}, {0}}; /* the source's, the slices' */
    for (size_t k = 0; k < sizeof spans / sizeof spans[0]; k++)
        for (int slices = 0; slices < 2; slices++) {
            nn_view file = {b, s, slices ? N : 1000};
            psy_hrv_result want, got;
            assert_int_equal(nn_view_hrv(&arrays, h, spans[k][0], spans[k][1], NULL, &want), PSY_OK);
            assert_int_equal(nn_view_hrv(&file, h, spans[k][0], spans[k][1], &buf[slices], &got), PSY_OK);
            same_result(&want, &got);
        }
    /* the source held a block at most, whether the HRV skips an interval or not (was: read whole) */
    assert_true(buf[0].cap <= 4096);
    nn_buf_free(&buf[0]), nn_buf_free(&buf[1]);
    psy_hrv_destroy(h);
}

static void hrv_as_arrays(void **state)
{
    (void)state;
    for (int skipped = 0; skipped < 2; skipped++) {
        psy_beat_list *b = series(N, skipped);
        assert_true(b->counts.nn_left_out > 5);
        nn_spool *s = spooled(b);
        assert_int_equal(s->n, N);
        size_t corrected = 0;
        for (size_t i = 0; i < N; i++) corrected += b->nn_corrected[i];
        assert_int_equal(s->n_corrected, corrected);
        check_hrv(b, s);
        nn_spool_free(s);
        psy_beat_list_free(b);
    }
}

static void bounds_and_slices(void **state)
{
    (void)state;
    psy_beat_list *b = series(N, 0);
    nn_spool *s = spooled(b);
    nn_view arrays = {b, NULL, 0}, file = {b, s, 0};
    double xs[] = {-INFINITY, 0, b->nn_onset_s[0], b->nn_onset_s[4095], b->nn_onset_s[4096], b->nn_onset_s[N / 2],
                   b->nn_onset_s[N - 1], 1234.5, INFINITY, b->nn_onset_s[N / 2] - 30};
    for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++)
        for (int upper = 0; upper < 2; upper++) {
            psy_status st = PSY_OK;
            assert_int_equal(nn_view_bound(&file, xs[k], upper, &st), nn_view_bound(&arrays, xs[k], upper, &st));
            assert_int_equal(st, PSY_OK);
        }
    nn_buf buf = {0};
    nn_slice x;
    assert_int_equal(nn_view_slice(&file, 4000, 9000, &buf, &x), PSY_OK);
    assert_int_equal(x.n, 5000);
    assert_memory_equal(x.nn, b->nn_ms + 4000, 5000 * sizeof(double));
    assert_memory_equal(x.t, b->nn_onset_s + 4000, 5000 * sizeof(double));
    assert_memory_equal(x.corrected, b->nn_corrected + 4000, 5000);
    /* past the end: an error, not values */
    assert_int_equal(nn_view_slice(&file, N - 10, N + 1, &buf, &x), PSY_E_IO);
    double one;
    assert_int_equal(nn_spool_read(s, N, 1, &one, NULL, NULL), PSY_E_IO);
    nn_buf_free(&buf);
    nn_spool_free(s);
    psy_beat_list_free(b);
}

/* The chunked heart-rate check finds the stretches psy_check_heart_rate finds, across its chunk
 * edges (a chunk of 16,384 intervals: the series is over two). */
static void heart_rate_check_as_arrays(void **state)
{
    (void)state;
    psy_beat_list *b = series(N, 0);
    nn_spool *s = spooled(b);
    psy_plausibility_config c = psy_plausibility_config_default();
    c.hr_max_bpm = 150;
    psy_implausible want, got;
    assert_int_equal(psy_check_heart_rate(b->nn_onset_s, b->nn_ms, N, &c, &want), PSY_OK);
    nn_spool_source src;
    nn_spool_source_init(&src, s, 0);
    assert_int_equal(check_heart_rate_source(&src.src, N, &c, &got), PSY_OK);
    assert_true(want.found);
    assert_memory_equal(&want, &got, sizeof want);
    /* a source that cannot be read: its failure */
    assert_int_equal(check_heart_rate_source(&src.src, N + 1, &c, &got), PSY_E_IO);
    nn_spool_free(s);
    psy_beat_list_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hrv_as_arrays),
        cmocka_unit_test(bounds_and_slices),
        cmocka_unit_test(heart_rate_check_as_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
