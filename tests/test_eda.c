/* EDA: synthetic skin conductance with known SCRs (tonic drift + Bateman-shaped responses +
 * noise) at 4, 32 and 1000 Hz, both methods; streaming in random chunks = one-shot; copy;
 * event-related responses; bad input. Needs no shared data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/eda.h"
#include "test_util.h"

#define MAX_TRUE 256

typedef struct truth {
    size_t n;
    double onset[MAX_TRUE], amp[MAX_TRUE], tau1[MAX_TRUE], tau2[MAX_TRUE];
} truth;

typedef struct rng {
    uint64_t s;
} rng;

static double uniform(rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (double)(r->s >> 11) / 9007199254740992.0;
}

static double gauss(rng *r)
{
    double u = uniform(r), v = uniform(r);
    return sqrt(-2 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

/* Unit-peak Bateman shape at t >= 0. */
static double bateman(double t, double tau1, double tau2)
{
    if (t < 0) return 0;
    double tp = log(tau2 / tau1) * tau1 * tau2 / (tau2 - tau1);
    double peak = exp(-tp / tau2) - exp(-tp / tau1);
    return (exp(-t / tau2) - exp(-t / tau1)) / peak;
}

static double tonic_at(double t)
{
    return 4.0 + 0.8 * sin(6.283185307179586 * t / 400.0) + 0.0002 * t;
}

/* A signal of `seconds` at `rate` with SCRs every 10-20 s, amplitudes log-uniform in
 * 0.02 .. 1 uS, tau1 0.6 .. 1 s, tau2 2 .. 3 s, white noise sd `noise`. */
static double *synth(double rate, double seconds, double noise, uint64_t seed, truth *tr, int64_t *n_out)
{
    rng r = {seed};
    tr->n = 0;
    for (double t = 5 + 10 * uniform(&r); t < seconds - 15 && tr->n < MAX_TRUE; t += 10 + 10 * uniform(&r)) {
        tr->onset[tr->n] = t;
        tr->amp[tr->n] = 0.02 * pow(50.0, uniform(&r));
        tr->tau1[tr->n] = 0.6 + 0.4 * uniform(&r);
        tr->tau2[tr->n] = 2.0 + 1.0 * uniform(&r);
        tr->n++;
    }
    int64_t n = (int64_t)(seconds * rate);
    double *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);
    for (int64_t i = 0; i < n; i++) {
        double t = (double)i / rate, v = tonic_at(t);
        for (size_t k = 0; k < tr->n; k++) {
            double dt = t - tr->onset[k];
            if (dt >= 0 && dt < 60) v += tr->amp[k] * bateman(dt, tr->tau1[k], tr->tau2[k]);
        }
        x[i] = v + noise * gauss(&r);
    }
    *n_out = n;
    return x;
}

typedef struct score {
    size_t tp, fp, fn;
    double f1, amp_err_mean, amp_err_max, onset_err_max;
} score;

/* Detected onsets within 0.5 s of a true onset (nearest first, each used once). */
static score score_scrs(const truth *tr, const psy_eda_scr *s, size_t n)
{
    score sc = {0};
    int used[4096] = {0};
    assert_true(n < 4096);
    double err_sum = 0;
    for (size_t k = 0; k < tr->n; k++) {
        size_t best = n;
        double bd = 0.5;
        for (size_t i = 0; i < n; i++) {
            double d = fabs(s[i].onset_s - tr->onset[k]);
            if (!used[i] && d <= bd) {
                bd = d;
                best = i;
            }
        }
        if (best == n) {
            if (getenv("EDA_DEBUG")) {
                size_t near = 0;
                for (size_t i = 1; i < n; i++)
                    if (fabs(s[i].onset_s - tr->onset[k]) < fabs(s[near].onset_s - tr->onset[k])) near = i;
                print_message("missed %.2f s amp %.3f (prev %.3f at %.2f); nearest found %.2f amp %.3f\n",
                              tr->onset[k], tr->amp[k], k ? tr->amp[k - 1] : 0, k ? tr->onset[k - 1] : 0,
                              n ? s[near].onset_s : -1, n ? s[near].amplitude_us : 0);
            }
            sc.fn++;
            continue;
        }
        used[best] = 1;
        sc.tp++;
        double e = fabs(s[best].amplitude_us - tr->amp[k]) / tr->amp[k];
        if (getenv("EDA_DEBUG") && e > 0.05)
            print_message("  %.2f amp %.4f found %.4f onset %+.2f rise %.2f (prev amp %.3f, %.1f s before)\n", tr->onset[k],
                          tr->amp[k], s[best].amplitude_us, s[best].onset_s - tr->onset[k], s[best].rise_time_s,
                          k ? tr->amp[k - 1] : 0, k ? tr->onset[k] - tr->onset[k - 1] : 0);
        err_sum += e;
        if (e > sc.amp_err_max) sc.amp_err_max = e;
        if (bd > sc.onset_err_max) sc.onset_err_max = bd;
    }
    sc.fp = n - sc.tp;
    sc.f1 = 2.0 * (double)sc.tp / (double)(2 * sc.tp + sc.fp + sc.fn);
    sc.amp_err_mean = sc.tp ? err_sum / (double)sc.tp : 1;
    return sc;
}

static void check_rate(double rate, psy_eda_method method)
{
    truth tr;
    int64_t n;
    double *x = synth(rate, 900, 0.0005, 0x9e3779b97f4a7c15ULL + (uint64_t)rate, &tr, &n);
    psy_eda_config c = psy_eda_config_default(rate);
    psy_eda_result *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_eda_analyze_signal(x, n, &c, method, &r, &why), PSY_OK);
    score sc = score_scrs(&tr, r->scr, r->n);
    print_message("%s %6.0f Hz: %zu true, %zu found, TP %zu FP %zu FN %zu, F1 %.3f, amplitude error "
                  "mean %.2f %% max %.2f %%, onset error max %.2f s, SCL %.4f\n",
                  psy_eda_method_name(method), rate, tr.n, r->n, sc.tp, sc.fp, sc.fn, sc.f1,
                  100 * sc.amp_err_mean, 100 * sc.amp_err_max, sc.onset_err_max, r->scl_us);
    assert_true(tr.n >= 50);
    assert_true(sc.f1 >= 0.98);
    assert_true(sc.amp_err_mean <= 0.05);
    /* SCL: the tonic mean of the generator is 4 + drift (the sinusoid nearly averages out) */
    double scl_true = 0;
    for (int i = 0; i < 900; i++) scl_true += tonic_at(i + 0.5) / 900;
    assert_true(fabs(r->scl_us - scl_true) < 0.05 * scl_true);
    psy_eda_result_free(r);
    free(x);
}

static void fast_4hz(void **state) { (void)state; check_rate(4, PSY_EDA_FAST); }
static void fast_32hz(void **state) { (void)state; check_rate(32, PSY_EDA_FAST); }
static void fast_1000hz(void **state) { (void)state; check_rate(1000, PSY_EDA_FAST); }
static void deconv_4hz(void **state) { (void)state; check_rate(4, PSY_EDA_DECONV); }
static void deconv_32hz(void **state) { (void)state; check_rate(32, PSY_EDA_DECONV); }
static void deconv_1000hz(void **state) { (void)state; check_rate(1000, PSY_EDA_DECONV); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fast_4hz),   cmocka_unit_test(fast_32hz),   cmocka_unit_test(fast_1000hz),
        cmocka_unit_test(deconv_4hz), cmocka_unit_test(deconv_32hz), cmocka_unit_test(deconv_1000hz),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
