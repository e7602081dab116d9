/* EDA under sensor noise: a synthetic benchmark with known SCRs across input rates (4, 8, 32,
 * 1000 Hz) and white noise levels (0, 3, 6 nS), both methods. The generator is this file's own:
 * Bateman-shaped SCRs (amplitudes log-uniform 0.05-1 uS, time constants varied so that the rise
 * to the peak lasts 1-3 s, tau2 2-8 s), 1-10 SCRs per minute with overlapping responses (the next
 * may start 1 s after the previous peak), tonic levels 0.5-20 uS with slow drift, seeded RNG
 * (deterministic). Scores F1 (onset within 1 s), the count ratio found / true and the median
 * amplitude error, prints the table, then asserts the targets of issue 16.
 * The truth is the responses trough-to-peak scoring can see: a response that starts on the
 * steep recovery of a larger one may not make the clean level rise by the 0.01 uS criterion at
 * all (about 8 % here: a shoulder, no trough); such a hidden response is left out of the truth,
 * and a detection that matches one is counted neither as a hit nor as a false one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/eda.h"
#include "test_util.h"

#define MAX_SCR 1024
#define MATCH_S 1.0

typedef struct truth {
    size_t n;
    double onset[MAX_SCR], amp[MAX_SCR], tau1[MAX_SCR], tau2[MAX_SCR];
    int visible[MAX_SCR]; /* trough-to-peak >= 0.01 uS on the clean signal */
} truth;

/* One recording: its tonic level and SCR rate. */
typedef struct profile {
    double tonic_us, scr_per_min;
} profile;

static const profile profiles[] = {
    {0.5, 1}, {2, 3}, {5, 6}, {10, 10}, {20, 4}, {1, 8},
};
#define N_PROFILES (sizeof profiles / sizeof profiles[0])
#define MINUTES 10

/* Time from onset to peak of exp(-t/tau2) - exp(-t/tau1). */
static double peak_time(double tau1, double tau2)
{
    return log(tau2 / tau1) * tau1 * tau2 / (tau2 - tau1);
}

/* SCR times and shapes of one recording (independent of rate and noise). */
static void make_truth(const profile *p, uint64_t seed, truth *tr)
{
    test_rng r = {seed};
    tr->n = 0;
    double t = 3 + 5 * test_uniform(&r), end = MINUTES * 60.0 - 12;
    while (t < end && tr->n < MAX_SCR) {
        double tau1, tau2, tp;
        do { /* rise 1-3 s */
            tau1 = 0.4 + 1.1 * test_uniform(&r);
            tau2 = 2.0 + 6.0 * test_uniform(&r);
            tp = peak_time(tau1, tau2);
        } while (tp < 1.0 || tp > 3.0);
        tr->onset[tr->n] = t;
        tr->amp[tr->n] = 0.05 * pow(20.0, test_uniform(&r));
        tr->tau1[tr->n] = tau1;
        tr->tau2[tr->n] = tau2;
        tr->n++;
        /* exponential intervals at the profile's rate, at least 1 s after this peak */
        double gap = -60.0 / p->scr_per_min * log(test_uniform(&r));
        t += fmax(gap, tp + 1.0);
    }
}

/* The signal at `rate`: tonic + SCRs + white noise (sd noise_us), quantised to q_us (0: not). */
static double *make_signal(const profile *p, const truth *tr, double rate, double noise_us,
                           double q_us, uint64_t seed, int64_t *n_out)
{
    test_rng r = {seed};
    double period = 300 + 300 * test_uniform(&r), phase = 6.283185307179586 * test_uniform(&r);
    double swing = fmin(0.3 * p->tonic_us, 0.2 + 0.05 * p->tonic_us);
    double trend = (test_uniform(&r) - 0.5) * 0.2 * p->tonic_us / 600.0;
    int64_t n = (int64_t)(MINUTES * 60 * rate);
    double *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);
    for (int64_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        x[i] = p->tonic_us + swing * sin(6.283185307179586 * t / period + phase) + trend * t;
    }
    for (size_t k = 0; k < tr->n; k++) {
        double tp = peak_time(tr->tau1[k], tr->tau2[k]);
        double norm = tr->amp[k] / (exp(-tp / tr->tau2[k]) - exp(-tp / tr->tau1[k]));
        int64_t i0 = (int64_t)ceil(tr->onset[k] * rate);
        double e1 = exp(-((double)i0 / rate - tr->onset[k]) / tr->tau1[k]);
        double e2 = exp(-((double)i0 / rate - tr->onset[k]) / tr->tau2[k]);
        double r1 = exp(-1.0 / (tr->tau1[k] * rate)), r2 = exp(-1.0 / (tr->tau2[k] * rate));
        for (int64_t i = i0; i < n && norm * e2 > 1e-7; i++, e1 *= r1, e2 *= r2)
            x[i] += norm * (e2 - e1);
    }
    for (int64_t i = 0; i < n; i++) {
        x[i] += noise_us * test_gauss(&r);
        if (q_us > 0) x[i] = q_us * round(x[i] / q_us);
    }
    *n_out = n;
    return x;
}

/* Marks the SCRs whose rise shows on the clean signal x (at rate): from the onset to 0.5 s after
 * the peak the level climbs at least 0.01 uS above its lowest point so far. */
static void mark_visible(truth *tr, const double *x, int64_t n, double rate)
{
    for (size_t k = 0; k < tr->n; k++) {
        int64_t a = (int64_t)ceil(tr->onset[k] * rate);
        int64_t b = (int64_t)((tr->onset[k] + peak_time(tr->tau1[k], tr->tau2[k]) + 0.5) * rate);
        double low = INFINITY, rise = 0;
        for (int64_t i = a; i <= b && i < n; i++) {
            low = fmin(low, x[i]);
            rise = fmax(rise, x[i] - low);
        }
        tr->visible[k] = rise >= 0.01;
    }
}

typedef struct tally {
    size_t truth, found, tp, small_truth, small_tp, hidden, hidden_tp;
    size_t n_err;
    double err[4 * MAX_SCR]; /* relative amplitude errors of the matches */
    double onset_err[4 * MAX_SCR];
} tally;

/* Each true SCR takes the nearest unused detection with onset within MATCH_S. */
static void score(const truth *tr, const psy_eda_result *r, tally *t)
{
    char *used = calloc(r->n + 1, 1);
    assert_non_null(used);
    size_t hidden_found = 0;
    for (size_t k = 0; k < tr->n; k++) {
        size_t best = r->n;
        double bd = MATCH_S;
        for (size_t i = 0; i < r->n; i++) {
            double d = fabs(r->scr[i].onset_s - tr->onset[k]);
            if (!used[i] && d <= bd) {
                bd = d;
                best = i;
            }
        }
        int small = tr->amp[k] < 0.07 && tr->visible[k];
        t->small_truth += small;
        t->hidden += !tr->visible[k];
        t->truth += tr->visible[k];
        if (best == r->n) {
            if (getenv("EDA_DEBUG")) {
                size_t near = 0;
                for (size_t i = 1; i < r->n; i++)
                    if (fabs(r->scr[i].onset_s - tr->onset[k]) < fabs(r->scr[near].onset_s - tr->onset[k]))
                        near = i;
                print_message("  missed%s %.2f s amp %.3f rise %.2f (previous %.3f uS %.1f s before); "
                              "nearest found %.2f s amp %.3f\n", tr->visible[k] ? "" : " (hidden)", tr->onset[k], tr->amp[k],
                              peak_time(tr->tau1[k], tr->tau2[k]), k ? tr->amp[k - 1] : 0,
                              k ? tr->onset[k] - tr->onset[k - 1] : 0, r->n ? r->scr[near].onset_s : -1,
                              r->n ? r->scr[near].amplitude_us : 0);
            }
            continue;
        }
        used[best] = 1;
        if (!tr->visible[k]) { /* found though hidden: neither a hit nor a false one */
            t->hidden_tp++;
            hidden_found++;
            continue;
        }
        t->tp++;
        t->small_tp += small;
        if (t->n_err < sizeof t->err / sizeof t->err[0]) {
            t->onset_err[t->n_err] = bd;
            t->err[t->n_err++] = fabs(r->scr[best].amplitude_us - tr->amp[k]) / tr->amp[k];
        }
    }
    t->found += r->n - hidden_found;
    if (getenv("EDA_DEBUG"))
        for (size_t i = 0; i < r->n; i++)
            if (!used[i])
                print_message("  extra %.2f s amp %.4f rise %.2f\n", r->scr[i].onset_s,
                              r->scr[i].amplitude_us, r->scr[i].rise_time_s);
    free(used);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(double *v, size_t n, double q)
{
    if (!n) return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return v[(size_t)floor(q * (double)(n - 1))];
}

typedef struct cell {
    double f1, ratio, amp_med, amp_p90, onset_med, small_recall;
    size_t truth, found, hidden, hidden_tp;
} cell;

static cell run_cell(double rate, double noise_us, double q_us, psy_eda_method method)
{
    static tally t;
    memset(&t, 0, sizeof t);
    for (size_t p = 0; p < N_PROFILES; p++) {
        static truth tr;
        make_truth(&profiles[p], 0x51ed2700 + p, &tr);
        int64_t n;
        double *clean = make_signal(&profiles[p], &tr, rate, 0, 0, 0xa5a5 + 977 * p, &n);
        mark_visible(&tr, clean, n, rate);
        free(clean);
        double *x = make_signal(&profiles[p], &tr, rate, noise_us, q_us,
                                0xa5a5 + 977 * p + (uint64_t)(noise_us * 1e6), &n);
        psy_eda_config c = psy_eda_config_default(rate);
        psy_eda_result *r = NULL;
        psy_message why = {{0}};
        if (psy_eda_analyze_signal(x, n, &c, method, &r, &why) != PSY_OK) fail_msg("%s", why.text);
        if (getenv("EDA_DEBUG"))
            print_message("%s %g Hz %g nS profile %zu (%.1f uS, %.0f/min): %zu true, %zu found\n",
                          psy_eda_method_name(method), rate, noise_us * 1e3, p,
                          profiles[p].tonic_us, profiles[p].scr_per_min, tr.n, r->n);
        score(&tr, r, &t);
        psy_eda_result_free(r);
        free(x);
    }
    cell c = {.truth = t.truth, .found = t.found, .hidden = t.hidden, .hidden_tp = t.hidden_tp};
    c.f1 = 2.0 * (double)t.tp / (double)(t.truth + t.found);
    c.ratio = (double)t.found / (double)t.truth;
    c.onset_med = quantile(t.onset_err, t.n_err, 0.5);
    c.amp_p90 = quantile(t.err, t.n_err, 0.9);
    c.amp_med = quantile(t.err, t.n_err, 0.5);
    c.small_recall = t.small_truth ? (double)t.small_tp / (double)t.small_truth : NAN;
    return c;
}

static const double rates[] = {4, 8, 32, 1000};
static const double noises[] = {0, 0.003, 0.006};

static void benchmark(psy_eda_method method, cell out[4][3])
{
    print_message("%s: rate, noise | true found | F1 | found/true | amplitude error median, p90 | "
                  "onset error median | recall of 0.05-0.07 uS\n", psy_eda_method_name(method));
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) {
            const char *only = getenv("EDA_CELL"); /* "RATE,NS": debug one cell */
            char name[32];
            snprintf(name, sizeof name, "%g,%g", rates[i], noises[j] * 1e3);
            if (only && strcmp(only, name) != 0) continue;
            cell c = run_cell(rates[i], noises[j], 0, method);
            out[i][j] = c;
            print_message("  %4.0f Hz %.0f nS | %4zu %4zu | %.3f | %.3f | %4.1f %% %4.1f %% | %.2f s | %.2f | hidden %zu, found %zu\n",
                          rates[i], noises[j] * 1e3, c.truth, c.found, c.f1, c.ratio,
                          100 * c.amp_med, 100 * c.amp_p90, c.onset_med, c.small_recall, c.hidden, c.hidden_tp);
        }
}

/* Targets at 4 and 32 Hz with 3 and 6 nS: F1 >= 0.97, count within 5 %, median amplitude error
 * <= 8 %; 0.05 uS responses found at 32 Hz, 3 nS; every cell: no worse than F1 0.9. */
static void check_targets(cell c[4][3])
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) {
            assert_true(c[i][j].f1 >= 0.9);
            assert_true(c[i][j].amp_med <= 0.08);
            if (j == 0 || rates[i] == 8 || rates[i] == 1000) continue;
            assert_true(c[i][j].f1 >= 0.97);
            assert_true(fabs(c[i][j].ratio - 1) <= 0.05);
        }
    assert_true(c[2][1].small_recall >= 0.9);
}

static void fast_method(void **state)
{
    (void)state;
    static cell c[4][3];
    benchmark(PSY_EDA_FAST, c);
    check_targets(c);
}

static void deconv_method(void **state)
{
    (void)state;
    static cell c[4][3];
    benchmark(PSY_EDA_DECONV, c);
    check_targets(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fast_method),
        cmocka_unit_test(deconv_method),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
