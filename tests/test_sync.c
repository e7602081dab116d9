/* Interpersonal synchrony (psyphys/sync.h) on a synthetic dyad with a known lag, coupled only in
 * some phases: the windows equal a direct computation, coupled phases are found with their lag,
 * uncoupled ones are not (false-positive rate at the nominal 5 % over many seeds), the
 * concordance index likewise; gaps, short spans, settings and determinism. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka's assert_float_equal compares floats: doubles here. */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

#define GRID 4.0
#define SESSION_S 1200
#define N ((size_t)(SESSION_S * GRID))
#define LAG_S 2.0
#define PHASE_S 240.0

typedef struct rng {
    uint64_t s;
} rng;

static double uniform(rng *g)
{
    g->s = g->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(g->s >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(rng *g)
{
    return sqrt(-2 * log(uniform(g))) * cos(2 * 3.14159265358979323846 * uniform(g));
}

/* Heart-rate-like fluctuation: white noise through two one-pole low-passes (time constants 1 and
 * 6 s) mixed, unit variance, n grid samples. */
static void fluctuation(rng *g, double *x, size_t n)
{
    double a1 = exp(-1 / (1 * GRID)), a2 = exp(-1 / (6 * GRID)), y1 = 0, y2 = 0, ss = 0, m = 0;
    for (size_t k = 0; k < n + 400; k++) {
        y1 = a1 * y1 + (1 - a1) * gauss(g);
        y2 = a2 * y2 + (1 - a2) * y1;
        if (k >= 400) x[k - 400] = y1 + 2 * y2;
    }
    for (size_t k = 0; k < n; k++) m += x[k];
    m /= (double)n;
    for (size_t k = 0; k < n; k++) ss += (x[k] - m) * (x[k] - m);
    for (size_t k = 0; k < n; k++) x[k] = (x[k] - m) / sqrt(ss / (double)n);
}

static int coupled_at(double t)
{
    int phase = (int)(t / PHASE_S);
    return phase % 2 == 1; /* phases 1 and 3 of 0..4 */
}

/* The dyad: A = 70 + 3 a(t); B = 75 + 3 (c a(t - lag) + sqrt(1 - c^2) e(t)) in the coupled
 * phases, 75 + 3 e(t) elsewhere (a, e independent, same dynamics, so B's marginal behaviour is the
 * same in every phase). */
static void heart_dyad(uint64_t seed, double c, double *A, double *B)
{
    rng g = {seed * 2654435761u + 17};
    double *a = malloc(N * sizeof *a), *e = malloc(N * sizeof *e);
    fluctuation(&g, a, N);
    fluctuation(&g, e, N);
    size_t lag = (size_t)(LAG_S * GRID);
    for (size_t k = 0; k < N; k++) {
        A[k] = 70 + 3 * a[k];
        double own = e[k];
        if (coupled_at((double)k / GRID) && k >= lag) own = c * a[k - lag] + sqrt(1 - c * c) * e[k];
        B[k] = 75 + 3 * own;
    }
    free(a);
    free(e);
}

/* Skin conductance: slow tonic level plus SCRs (Bateman 0.75 / 2 s) at about 4 per minute; in the
 * coupled phases B answers 80 % of A's SCRs lag_s later. */
static void eda_dyad(uint64_t seed, double lag_s, double *A, double *B)
{
    rng g = {seed * 40503u + 99};
    double *da = calloc(N, sizeof *da), *db = calloc(N, sizeof *db), *ta = malloc(N * sizeof *ta),
           *tb = malloc(N * sizeof *tb);
    fluctuation(&g, ta, N);
    fluctuation(&g, tb, N);
    size_t lag = (size_t)(lag_s * GRID);
    for (size_t k = 0; k < N; k++) {
        double t = (double)k / GRID;
        if (uniform(&g) < 4.0 / 60 / GRID) {
            double amp = 0.1 + 0.4 * uniform(&g);
            da[k] += amp;
            if (coupled_at(t) && k + lag < N && uniform(&g) < 0.8) db[k + lag] += amp * (0.5 + uniform(&g));
        }
        if (uniform(&g) < (coupled_at(t) ? 1.0 : 4.0) / 60 / GRID) db[k] += 0.1 + 0.4 * uniform(&g);
    }
    double a1 = exp(-1 / (0.75 * GRID)), a2 = exp(-1 / (2.0 * GRID));
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (size_t k = 0; k < N; k++) {
        x1 = a1 * x1 + da[k];
        x2 = a2 * x2 + da[k];
        y1 = a1 * y1 + db[k];
        y2 = a2 * y2 + db[k];
        A[k] = 5 + 0.03 * ta[k] + 1.6 * (x2 - x1);
        B[k] = 4 + 0.03 * tb[k] + 1.6 * (y2 - y1);
    }
    free(da);
    free(db);
    free(ta);
    free(tb);
}

static psy_sync_span phases[6];

static size_t make_spans(void)
{
    phases[0] = (psy_sync_span){0, SESSION_S};
    for (int p = 0; p < 5; p++) phases[p + 1] = (psy_sync_span){p * PHASE_S, PHASE_S};
    return 6;
}

static psy_sync_result *run(const double *A, const double *B, const psy_sync_config *c)
{
    psy_sync_result *res = NULL;
    psy_message why;
    psy_status st = psy_sync_compute(A, B, N, phases, make_spans(), c, &res, &why);
    if (st != PSY_OK) fail_msg("psy_sync_compute: %s", why.text);
    return res;
}

/* Every window's peak equals Pearson r computed directly at each lag. */
static void windows_equal_direct_computation(void **state)
{
    (void)state;
    double *A = malloc(N * sizeof *A), *B = malloc(N * sizeof *B);
    heart_dyad(3, 0.6, A, B);
    psy_sync_config c = psy_sync_config_default();
    c.n_surrogates = 0;
    psy_sync_result *res = run(A, B, &c);
    size_t w = 120, L = 20, checked = 0;
    for (size_t k = 0; k < res->n_windows; k++) {
        size_t s0 = k * 20;
        assert_near(res->windows[k].onset_s, s0 / GRID, 1e-12);
        if (s0 < L || s0 + w + L > N) {
            assert_true(isnan(res->windows[k].r));
            continue;
        }
        double best = -2;
        int best_lag = 0;
        for (int lag = -(int)L; lag <= (int)L; lag++) {
            double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
            for (size_t i = 0; i < w; i++) {
                ma += A[s0 + i];
                mb += B[s0 + i + lag];
            }
            ma /= w;
            mb /= w;
            for (size_t i = 0; i < w; i++) {
                double x = A[s0 + i] - ma, y = B[s0 + i + lag] - mb;
                sab += x * y;
                saa += x * x;
                sbb += y * y;
            }
            double r = sab / sqrt(saa * sbb);
            if (r > best + 1e-12) {
                best = r;
                best_lag = lag;
            }
        }
        assert_near(res->windows[k].r, best, 1e-9);
        assert_near(res->windows[k].lag_s, best_lag / GRID, 1e-12);
        checked++;
    }
    assert_true(checked > 200);
    psy_sync_result_free(res);
    free(A);
    free(B);
}

/* Coupled phases: p < 0.05 and the lag within +-1 s of the true 2 s, for every seed; the summary r
 * of a coupled phase is above every uncoupled phase's. */
static void coupled_phases_found_with_their_lag(void **state)
{
    (void)state;
    double *A = malloc(N * sizeof *A), *B = malloc(N * sizeof *B);
    psy_sync_config c = psy_sync_config_default();
    c.n_surrogates = 99; /* of the 220 shifts: a p resolution of 0.01, a third of the time */
    for (uint64_t seed = 1; seed <= 20; seed++) {
        heart_dyad(seed, 0.6, A, B);
        psy_sync_result *res = run(A, B, &c);
        for (int p = 0; p < 5; p++) {
            const psy_sync_summary *s = &res->spans[p + 1];
            assert_true(s->n_windows >= 40);
            assert_int_equal(s->n_surrogates, 99);
            if (p % 2 == 1) {
                assert_true(s->p_surrogate < 0.05);
                assert_true(fabs(s->lag_s - LAG_S) <= 1.0);
                for (int q = 0; q < 5; q += 2) assert_true(s->r > res->spans[q + 1].r);
            }
        }
        assert_true(res->spans[0].p_surrogate < 0.05); /* the whole session holds two coupled phases */
        psy_sync_result_free(res);
    }
    free(A);
    free(B);
}

/* Uncoupled phases over 100 seeds: p < 0.05 in about 5 % of them (300 tests: 15 expected; the
 * bounds are about 3 binomial standard deviations); p uniform enough that p < 0.5 holds about half
 * the time. The same for the concordance index of skin conductance. */
static void uncoupled_phases_false_positive_rate(void **state)
{
    (void)state;
    double *A = malloc(N * sizeof *A), *B = malloc(N * sizeof *B);
    psy_sync_config c = psy_sync_config_default();
    c.concordance = 1;
    c.n_surrogates = 99;
    int tests = 0, hits = 0, half = 0, ctests = 0, chits = 0;
    for (uint64_t seed = 100; seed < 200; seed++) {
        heart_dyad(seed, 0.6, A, B);
        psy_sync_result *res = run(A, B, &c);
        for (int p = 0; p < 5; p += 2) {
            double pv = res->spans[p + 1].p_surrogate;
            assert_false(isnan(pv));
            tests++;
            hits += pv < 0.05;
            half += pv < 0.5;
        }
        psy_sync_result_free(res);
        eda_dyad(seed, LAG_S, A, B);
        res = run(A, B, &c);
        for (int p = 0; p < 5; p += 2) {
            double pv = res->spans[p + 1].p_concordance;
            if (isnan(pv)) continue;
            ctests++;
            chits += pv < 0.05;
        }
        psy_sync_result_free(res);
    }
    print_message("heart rate: %d of %d uncoupled phases p < 0.05, %d p < 0.5; concordance: %d of %d\n",
                  hits, tests, half, chits, ctests);
    assert_true(hits >= 4 && hits <= 27);
    assert_true(half >= 120 && half <= 180);
    assert_true(ctests >= 280);
    assert_true(chits >= 4 && chits <= 27);
    free(A);
    free(B);
}

/* Skin conductance coupled with a 1-s lag: the concordance index is positive and significant in
 * the coupled phases, and the lagged correlation finds the lag. (Marci's index is zero-lag: with
 * the 2-s lag of the heart-rate tests it finds about a third of the coupled phases, the lagged
 * correlation all of them.) */
static void skin_conductance_concordance(void **state)
{
    (void)state;
    double *A = malloc(N * sizeof *A), *B = malloc(N * sizeof *B);
    psy_sync_config c = psy_sync_config_default();
    c.concordance = 1;
    c.n_surrogates = 99;
    int found = 0, lag_ok = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        eda_dyad(seed, 1.0, A, B);
        psy_sync_result *res = run(A, B, &c);
        for (int p = 1; p < 5; p += 2) {
            const psy_sync_summary *s = &res->spans[p + 1];
            assert_true(s->n_concordance > 200);
            found += s->concordance > 0 && s->p_concordance < 0.05;
            lag_ok += s->p_surrogate < 0.05 && fabs(s->lag_s - 1.0) <= 1.0;
        }
        psy_sync_result_free(res);
    }
    print_message("skin conductance: concordance found in %d of 20 coupled phases, lagged r in %d\n", found,
                  lag_ok);
    assert_true(found >= 16);
    assert_true(lag_ok >= 19);
    free(A);
    free(B);
}

/* A gap leaves its windows unused; a span shorter than a window, or in the gap, is n/a with the
 * reason; a short session has no p value; same seed, same result. */
static void gaps_short_spans_and_determinism(void **state)
{
    (void)state;
    double *A = malloc(N * sizeof *A), *B = malloc(N * sizeof *B);
    heart_dyad(7, 0.6, A, B);
    for (size_t k = 2000; k < 2400; k++) B[k] = NAN; /* 500 .. 600 s */
    psy_sync_span spans[3] = {{0, SESSION_S}, {100, 20}, {510, 60}};
    psy_sync_config c = psy_sync_config_default();
    psy_sync_result *r1 = NULL, *r2 = NULL;
    assert_int_equal(psy_sync_compute(A, B, N, spans, 3, &c, &r1, NULL), PSY_OK);
    assert_int_equal(psy_sync_compute(A, B, N, spans, 3, &c, &r2, NULL), PSY_OK);
    for (size_t k = 0; k < r1->n_windows; k++) {
        double t = r1->windows[k].onset_s;
        if (t + 30 + 5 > 500 && t - 5 < 600) assert_true(isnan(r1->windows[k].r));
        assert_memory_equal(&r1->windows[k], &r2->windows[k], sizeof r1->windows[k]);
    }
    assert_memory_equal(&r1->spans[0].p_surrogate, &r2->spans[0].p_surrogate, sizeof(double));
    assert_true(isnan(r1->spans[1].r));
    assert_string_equal(r1->spans[1].why_r, "shorter than one window");
    assert_true(isnan(r1->spans[2].r) && r1->spans[2].n_windows == 0);
    assert_non_null(r1->spans[2].why_r);
    assert_true(r1->spans[0].n_windows > 180);
    psy_sync_result_free(r1);
    psy_sync_result_free(r2);

    /* 2 minutes: 19 windows, fewer than 19 admissible shifts of 8 windows */
    psy_sync_span all = {0, 120};
    assert_int_equal(psy_sync_compute(A, B, 480, &all, 1, &c, &r1, NULL), PSY_OK);
    assert_false(isnan(r1->spans[0].r));
    assert_true(isnan(r1->spans[0].p_surrogate));
    assert_non_null(strstr(r1->spans[0].why_p, "too short"));
    psy_sync_result_free(r1);
    free(A);
    free(B);
}

static void settings_refused(void **state)
{
    (void)state;
    double x[64] = {0};
    psy_sync_result *res = (psy_sync_result *)1;
    psy_message why;
    psy_sync_config c = psy_sync_config_default();
    c.max_lag_s = 20;
    assert_int_equal(psy_sync_compute(x, x, 64, NULL, 0, &c, &res, &why), PSY_E_INVALID);
    assert_null(res);
    assert_non_null(strstr(why.text, "lag"));
    c = psy_sync_config_default();
    c.grid_hz = 0;
    assert_int_equal(psy_sync_config_check(&c, &why), PSY_E_INVALID);
    c = psy_sync_config_default();
    c.window_s = 0.5;
    assert_int_equal(psy_sync_config_check(&c, &why), PSY_E_INVALID);
    c = psy_sync_config_default();
    c.step_s = -1;
    assert_int_equal(psy_sync_config_check(&c, &why), PSY_E_INVALID);
    /* a signal shorter than a window: no windows, every span says why */
    psy_sync_span s = {0, 16};
    c = psy_sync_config_default();
    assert_int_equal(psy_sync_compute(x, x, 64, &s, 1, &c, &res, &why), PSY_OK);
    assert_int_equal(res->n_windows, 0);
    assert_true(isnan(res->spans[0].r));
    psy_sync_result_free(res);
    psy_sync_signal sig;
    assert_int_equal(psy_sync_signal_parse("EDA", &sig), PSY_OK);
    assert_int_equal(sig, PSY_SYNC_EDA);
    assert_int_equal(psy_sync_signal_parse("pulse", &sig), PSY_E_INVALID);
    assert_string_equal(psy_sync_signal_name(PSY_SYNC_RESP), "resp");
}

/* Signals from recordings: heart rate from an RR list (constant 800 ms: 75 bpm between the first
 * and last beat, NaN outside), skin conductance as grid-step means, the start offset. */
static void signals_from_recordings(void **state)
{
    (void)state;
    char text[8192];
    size_t at = (size_t)snprintf(text, sizeof text, "time,EDA (uS)\n");
    for (int k = 0; k < 400; k++) at += (size_t)snprintf(text + at, sizeof text - at, "%.3f,%.1f\n",
                                                         1700000010.0 + k / 8.0, k % 2 ? 2.0 : 4.0);
    psy_reader *eda = open_or_fail(write_temp_file("eda.csv", text, at));
    at = (size_t)snprintf(text, sizeof text, "RR\n");
    for (int k = 0; k < 60; k++) at += (size_t)snprintf(text + at, sizeof text - at, "800\n");
    psy_reader *rr = open_or_fail(write_temp_file("rr.txt", text, at));

    int ch = psy_sync_find_channel(eda, PSY_SYNC_EDA);
    assert_int_equal(ch, 0);
    assert_int_equal(psy_sync_find_channel(eda, PSY_SYNC_HR), -1);
    double g[300];
    psy_message why;
    /* 4 Hz grid from 1 s: each step [t - 1/8, t + 1/8) holds two samples, 2 and 4 uS */
    assert_int_equal(psy_sync_signal_on_grid(eda, ch, PSY_SYNC_EDA, 1.0, 4, 10, g, &why), PSY_OK);
    for (int k = 0; k < 10; k++) assert_near(g[k], 3.0, 1e-12);
    assert_int_equal(psy_sync_signal_on_grid(eda, ch, PSY_SYNC_HR, 0, 4, 10, g, &why), PSY_E_INVALID);

    ch = psy_sync_find_channel(rr, PSY_SYNC_HR);
    assert_true(ch >= 0);
    assert_int_equal(psy_sync_signal_on_grid(rr, ch, PSY_SYNC_HR, 0, 4, 300, g, &why), PSY_OK);
    size_t known = 0;
    for (int k = 0; k < 300; k++)
        if (!isnan(g[k])) {
            assert_near(g[k], 75.0, 1e-9);
            known++;
        }
    assert_true(known > 150 && known < 200); /* from the second beat (0.8 s) to the last (48 s) */

    /* a 64 Hz pulse wave at 75 bpm alone: the pulse rate (psy_pulses_detect), 75 bpm once the
     * detector has its polarity */
    enum { PPG_HZ = 64, PPG_S = 120 };
    static double ppg[PPG_HZ * PPG_S];
    for (int i = 0; i < PPG_HZ * PPG_S; i++) {
        double u = fmod((double)i / PPG_HZ, 0.8);
        ppg[i] = u < 0.12 ? u / 0.12 : exp(-(u - 0.12) / 0.25);
    }
    psy_array_channel pc = {"BVP", PSY_CH_PPG, NULL, PPG_HZ, ppg, NULL, PPG_HZ * PPG_S};
    psy_reader *pulse = NULL;
    assert_int_equal(psy_reader_from_arrays(&pc, 1, NULL, 0, &pulse, &why), PSY_OK);
    ch = psy_sync_find_channel(pulse, PSY_SYNC_HR);
    assert_int_equal(ch, 0);
    static double gp[4 * PPG_S];
    assert_int_equal(psy_sync_signal_on_grid(pulse, ch, PSY_SYNC_HR, 0, 4, 4 * PPG_S, gp, &why), PSY_OK);
    known = 0;
    for (int k = 0; k < 4 * PPG_S; k++)
        if (!isnan(gp[k])) {
            assert_near(gp[k], 75.0, 0.5);
            known++;
        }
    assert_true(known > 4 * (PPG_S - 20)); /* all but the first seconds */
    psy_reader_close(pulse);

    double off;
    int both;
    assert_int_equal(psy_sync_start_offset(eda, rr, 2.5, &off, &both), PSY_OK);
    assert_false(both); /* an RR list has no start */
    assert_near(off, 2.5, 0);
    assert_near(psy_sync_start_unix(eda), 1700000010.0, 1e-6);
    psy_reader_close(eda);
    psy_reader_close(rr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(windows_equal_direct_computation),
        cmocka_unit_test(coupled_phases_found_with_their_lag),
        cmocka_unit_test(uncoupled_phases_false_positive_rate),
        cmocka_unit_test(skin_conductance_concordance),
        cmocka_unit_test(gaps_short_spans_and_determinism),
        cmocka_unit_test(settings_refused),
        cmocka_unit_test(signals_from_recordings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
