/* Live synchrony (psy_sync_live_*): over the same samples the windows and lag profiles of
 * psy_sync_compute, bit for bit, whatever the chunks (one sample, random sizes, all at once, a
 * full queue); a coupled stretch found with its lag as it arrives; reset; no allocation in push or
 * pop; bad arguments. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_count.h"

#define GRID 4.0
#define N 4800 /* 20 min */

static uint64_t next_u64(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 11;
}

static double gauss(uint64_t *s)
{
    double u = ((double)next_u64(s) + 0.5) / 9007199254740992.0, v = ((double)next_u64(s) + 0.5) / 9007199254740992.0;
    return sqrt(-2 * log(u)) * cos(2 * 3.14159265358979323846 * v);
}

/* A: a smoothed random walk; B: A 2 s later (8 samples) plus noise from 600 s on, noise before;
 * a gap of missing samples in B and a flat stretch in A. */
static void dyad(double *A, double *B)
{
    uint64_t s = 11;
    double y = 0, e = 0, a_hist[N];
    for (size_t k = 0; k < N; k++) {
        y = 0.9 * y + gauss(&s);
        e = 0.9 * e + gauss(&s);
        a_hist[k] = y;
        A[k] = 70 + y;
        B[k] = 75 + (k >= 2400 && k >= 8 ? 0.8 * a_hist[k - 8] + 0.4 * e : e);
    }
    for (size_t k = 1000; k < 1010; k++) B[k] = NAN;
    for (size_t k = 3000; k < 3200; k++) A[k] = 70;
}

/* Pushes all samples in chunks of chunk(i) samples (0: random 1..300), popping as it goes;
 * returns the windows popped (and their profiles in prof when not NULL). */
static size_t run_live(psy_sync_live *s, const double *A, const double *B, size_t chunk, psy_sync_window *out,
                       double *prof, size_t n_lags)
{
    uint64_t rs = 5;
    size_t at = 0, n_out = 0;
    while (at < N) {
        size_t want = chunk ? chunk : 1 + next_u64(&rs) % 300;
        if (want > N - at) want = N - at;
        size_t used = 0;
        assert_int_equal(psy_sync_live_push(s, A + at, B + at, want, &used), PSY_OK);
        at += used;
        while (psy_sync_live_pop(s, &out[n_out], prof ? prof + n_out * n_lags : NULL)) n_out++;
    }
    return n_out;
}

static void same_windows_as_offline(void **state)
{
    (void)state;
    double *A = malloc(N * sizeof *A), *B = malloc(N * sizeof *B);
    dyad(A, B);
    psy_sync_config c = psy_sync_config_default();
    c.n_surrogates = 0;
    c.keep_profiles = 1;
    psy_sync_result *res = NULL;
    psy_message why;
    assert_int_equal(psy_sync_compute(A, B, N, NULL, 0, &c, &res, &why), PSY_OK);
    psy_status st;
    psy_sync_live *s = psy_sync_live_create(&c, &st);
    assert_non_null(s);
    assert_int_equal(st, PSY_OK);
    size_t n_lags = psy_sync_live_lag_count(s);
    assert_int_equal(n_lags, res->n_lags);
    psy_sync_window *w = malloc(res->n_windows * sizeof *w);
    double *prof = malloc(res->n_windows * n_lags * sizeof *prof);
    /* one at a time, random chunks, all at once (the queue fills: push stops, says how many) */
    static const size_t chunks[] = {1, 0, N};
    for (int k = 0; k < 3; k++) {
        psy_sync_live_reset(s);
        /* the last window of compute needs sample s0 + w + L <= N; live gives the same set */
        size_t got = run_live(s, A, B, chunks[k], w, prof, n_lags);
        size_t expect = 0;
        for (size_t i = 0; i < res->n_windows; i++) expect += i * 20 + 120 + 20 <= N;
        assert_int_equal(got, expect);
        size_t used = 0;
        for (size_t i = 0; i < got; i++) {
            assert_true(w[i].onset_s == res->windows[i].onset_s);
            assert_true(memcmp(&w[i].r, &res->windows[i].r, sizeof w[i].r) == 0);
            assert_true(memcmp(&w[i].lag_s, &res->windows[i].lag_s, sizeof w[i].lag_s) == 0);
            assert_true(memcmp(prof + i * n_lags, res->profile + i * n_lags, n_lags * sizeof *prof) == 0);
            used += isfinite(w[i].r);
        }
        assert_true(used > 150);
    }
    /* the coupled half: lag +2 s in most windows of it; uncoupled half: weak peaks */
    size_t at_lag = 0, coupled = 0;
    for (size_t i = 0; i < res->n_windows; i++)
        if (w[i].onset_s >= 600 && isfinite(w[i].r) && i * 20 + 140 <= N) {
            coupled++;
            at_lag += fabs(w[i].lag_s - 2.0) <= 0.25 && w[i].r > 0.5;
        }
    assert_true(at_lag >= coupled * 9 / 10);
    psy_sync_live_destroy(s);
    psy_sync_result_free(res);
    free(w);
    free(prof);
    free(A);
    free(B);
}

static void no_allocation_after_create(void **state)
{
    (void)state;
#ifndef COUNT_ALLOCATIONS
    skip();
#else
    double *A = malloc(N * sizeof *A), *B = malloc(N * sizeof *B);
    dyad(A, B);
    psy_sync_live *s = psy_sync_live_create(NULL, NULL);
    assert_non_null(s);
    psy_sync_window w;
    double prof[41];
    long before = allocation_count();
    for (size_t k = 0; k < N; k++) {
        size_t used;
        psy_sync_live_push(s, A + k, B + k, 1, &used);
        while (psy_sync_live_pop(s, &w, prof)) {
        }
    }
    psy_sync_live_reset(s);
    assert_int_equal(allocation_count(), before);
    psy_sync_live_destroy(s);
    free(A);
    free(B);
#endif
}

static void bad_arguments(void **state)
{
    (void)state;
    psy_sync_config c = psy_sync_config_default();
    c.max_lag_s = 20; /* more than half the window */
    psy_status st = PSY_OK;
    assert_null(psy_sync_live_create(&c, &st));
    assert_int_equal(st, PSY_E_INVALID);
    psy_sync_live *s = psy_sync_live_create(NULL, &st);
    double x = 1;
    size_t used = 7;
    assert_int_equal(psy_sync_live_push(s, NULL, &x, 1, &used), PSY_E_INVALID);
    assert_int_equal(used, 0);
    assert_int_equal(psy_sync_live_push(s, NULL, NULL, 0, NULL), PSY_OK);
    assert_int_equal(psy_sync_live_push(NULL, &x, &x, 1, NULL), PSY_E_INVALID);
    psy_sync_window w;
    assert_int_equal(psy_sync_live_pop(s, &w, NULL), 0);
    assert_int_equal(psy_sync_live_pop(NULL, &w, NULL), 0);
    assert_int_equal(psy_sync_live_lag_count(NULL), 0);
    psy_sync_live_reset(NULL);
    psy_sync_live_destroy(s);
    psy_sync_live_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_windows_as_offline),
        cmocka_unit_test(no_allocation_after_create),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
