/* EDA: synthetic skin conductance with known SCRs (tonic drift + Bateman-shaped responses +
 * noise) at 4, 32 and 1000 Hz, both methods; streaming in random chunks = one-shot; copy;
 * event-related responses; bad input. Needs no shared data. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/eda.h"
#include "psyphys/segments.h"
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


/* Pushes x in chunks (sizes from `seed`, 0 = all at once), popping as it goes. */
static size_t stream_all(psy_eda_stream *st, const double *x, int64_t n, uint64_t seed,
                         psy_eda_scr *out, size_t max)
{
    rng r = {seed};
    size_t m = 0;
    int64_t at = 0;
    while (at < n) {
        int64_t k = seed ? 1 + (int64_t)(uniform(&r) * 700) : n - at;
        if (k > n - at) k = n - at;
        size_t done = 0;
        while (done < (size_t)k) {
            size_t used = 0;
            assert_int_equal(psy_eda_stream_push(st, x + at + done, (size_t)k - done, &used), PSY_OK);
            done += used;
            m += psy_eda_stream_pop(st, out + m, max - m);
        }
        at += k;
    }
    assert_int_equal(psy_eda_stream_finish(st), PSY_OK);
    m += psy_eda_stream_pop(st, out + m, max - m);
    return m;
}

static void stream_chunks_equal_one_shot(void **state)
{
    (void)state;
    truth tr;
    int64_t n;
    double *x = synth(100, 600, 0.0005, 7, &tr, &n);
    /* a missing stretch, a disconnected one (0 uS), a 1 s knock (a spike, repaired) and a 3 s
       movement step (too steep at both edges, flagged with 5 s around) exercise the restarts */
    for (int64_t i = 100 * 100; i < 103 * 100; i++) x[i] = NAN;
    for (int64_t i = 200 * 100; i < 204 * 100; i++) x[i] = 0.0;
    for (int64_t i = 300 * 100; i < 301 * 100; i++) x[i] += 3.0;
    for (int64_t i = 400 * 100; i < 403 * 100; i++) x[i] += 3.0;
    psy_eda_config c = psy_eda_config_default(100);
    psy_eda_stream *a = NULL, *b = NULL, *cp = NULL;
    assert_int_equal(psy_eda_stream_create(&c, &a), PSY_OK);
    assert_int_equal(psy_eda_stream_create(&c, &b), PSY_OK);
    static psy_eda_scr one[512], chunked[512], copied[512];
    size_t n1 = stream_all(a, x, n, 0, one, 512);
    size_t n2 = stream_all(b, x, n, 12345, chunked, 512);
    assert_true(n1 >= tr.n - 4 && n1 <= tr.n + 1);
    assert_int_equal(n1, n2);
    psy_eda_artifacts art = psy_eda_stream_artifacts(a);
    assert_true(art.missing >= 99 && art.missing <= 101);             /* 3 s at 33.3 Hz */
    assert_true(art.below_min >= 132 && art.below_min <= 134);        /* 4 s */
    assert_true(art.spike >= 33 && art.spike <= 35);                  /* 1 s */
    assert_true(art.slope >= 2);
    /* 5 s either side of the 0 uS stretch and of the step (the step's own 3 s too) */
    assert_true(art.near >= 33 * 23 && art.near <= 34 * 23);
    assert_memory_equal(one, chunked, n1 * sizeof *one);
    /* a copy taken halfway gives the same future output */
    psy_eda_stream_reset(a);
    size_t half = (size_t)n / 2, m = 0, used = 0;
    assert_int_equal(psy_eda_stream_push(a, x, half, &used), PSY_OK);
    assert_int_equal(used, half);
    m = psy_eda_stream_pop(a, copied, 512);
    assert_int_equal(psy_eda_stream_copy(a, &cp), PSY_OK);
    size_t m_copy = m;
    static psy_eda_scr rest_a[512], rest_c[512];
    size_t ra = stream_all(a, x + half, n - (int64_t)half, 99, rest_a, 512);
    size_t rc = stream_all(cp, x + half, n - (int64_t)half, 0, rest_c, 512);
    assert_int_equal(ra, rc);
    assert_memory_equal(rest_a, rest_c, ra * sizeof *rest_a);
    assert_int_equal(m_copy + ra, n1);
    assert_memory_equal(rest_a, one + m_copy, ra * sizeof *rest_a);
    /* every SCR leaves within the stated latency of its onset (pushed 0.1 s at a time) */
    psy_eda_stream_reset(a);
    double latency = psy_eda_stream_latency(a), worst = 0;
    size_t seen = 0;
    for (int64_t at = 0; at < n; at += 10) {
        int64_t k = n - at < 10 ? n - at : 10;
        assert_int_equal(psy_eda_stream_push(a, x + at, (size_t)k, NULL), PSY_OK);
        psy_eda_scr got[8];
        size_t m2 = psy_eda_stream_pop(a, got, 8);
        for (size_t i = 0; i < m2; i++) worst = fmax(worst, (double)(at + k) / 100.0 - got[i].onset_s);
        seen += m2;
    }
    assert_int_equal(psy_eda_stream_finish(a), PSY_OK);
    seen += psy_eda_stream_pop(a, copied, 512);
    assert_int_equal(seen, n1);
    assert_true(worst <= latency);
    assert_true(worst > 0.5 * latency); /* the bound is not loose by much */
    /* push after finish is refused until reset */
    assert_int_equal(psy_eda_stream_push(a, x, 1, NULL), PSY_E_INVALID);
    assert_true(psy_eda_stream_latency(a) > 5 && psy_eda_stream_latency(a) < 30);
    assert_true(fabs(psy_eda_stream_analysis_rate(a) - 100.0 / 3) < 1e-9);
    psy_eda_stream_destroy(a);
    psy_eda_stream_destroy(b);
    psy_eda_stream_destroy(cp);
    psy_eda_stream_destroy(NULL);
    free(x);
}

/* One Bateman SCR on a level flat for 8 s (less than flat_s), no noise: amplitude, onset, rise and half recovery are
 * known in closed form (the half-recovery time by bisection on the shape). */
static void single_scr_analytic(void **state)
{
    (void)state;
    double rate = 200, t0 = 8, amp = 0.5, tau1 = 0.75, tau2 = 2.0;
    int64_t n = (int64_t)(40 * rate);
    double *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);
    for (int64_t i = 0; i < n; i++) x[i] = 3.0 + amp * bateman((double)i / rate - t0, tau1, tau2);
    double tp = log(tau2 / tau1) * tau1 * tau2 / (tau2 - tau1);
    double lo = tp, hi = tp + 20;
    for (int k = 0; k < 60; k++) {
        double mid = 0.5 * (lo + hi);
        if (bateman(mid, tau1, tau2) > 0.5) lo = mid;
        else hi = mid;
    }
    double half_true = lo - tp;
    for (int method = 0; method < 2; method++) {
        psy_eda_config c = psy_eda_config_default(rate);
        c.tau1_s = tau1; /* the generator's response: the driver is then one narrow burst */
        c.tau2_s = tau2;
        psy_eda_result *r = NULL;
        assert_int_equal(psy_eda_analyze_signal(x, n, &c, (psy_eda_method)method, &r, NULL), PSY_OK);
        print_message("%s: n %zu onset %.3f peak %.3f amp %.4f rise %.3f half %.3f (true %.3f, %.3f, %.3f)\n",
                      psy_eda_method_name((psy_eda_method)method), r->n, r->n ? r->scr[0].onset_s : 0,
                      r->n ? r->scr[0].peak_s : 0, r->n ? r->scr[0].amplitude_us : 0,
                      r->n ? r->scr[0].rise_time_s : 0, r->n ? r->scr[0].half_recovery_s : 0, tp,
                      amp, half_true);
        assert_int_equal(r->n, 1);
        assert_true(fabs(r->scr[0].onset_s - t0) < 0.1);
        assert_true(fabs(r->scr[0].amplitude_us - amp) < 0.02 * amp);
        assert_true(fabs(r->scr[0].rise_time_s - tp) < 0.15);
        assert_true(fabs(r->scr[0].half_recovery_s - half_true) < 0.15);
        assert_true(fabs(r->scl_us - 3.0) < 0.1);
        assert_true(fabs(r->scr_amplitude_sum_us - r->scr[0].amplitude_us) < 1e-12);
        if (method == PSY_EDA_DECONV) {
            /* unit-area response: the phasic driver's area is the SCR's area */
            double area = 0;
            for (int64_t i = 0; i < n; i++) area += (x[i] - 3.0) / rate;
            assert_true(fabs(r->phasic_driver_area_us_s - area) < 0.1 * area);
            /* per second: the whole span adds up to the total, the first 7 s hold nothing */
            psy_eda_summary all, before;
            assert_int_equal(psy_eda_summarize(r, 0, 40, NULL, 0, 1, 4, &all), PSY_OK);
            assert_true(fabs(all.phasic_driver_area_us_s - r->phasic_driver_area_us_s) < 1e-9);
            assert_int_equal(psy_eda_summarize(r, 0, 7, NULL, 0, 1, 4, &before), PSY_OK);
            assert_true(before.phasic_driver_area_us_s < 0.01 * area);
        } else {
            assert_true(isnan(r->phasic_driver_area_us_s));
            assert_null(r->phasic_area_1hz_us_s);
        }
        psy_eda_result_free(r);
    }
    free(x);
}

static void event_related(void **state)
{
    (void)state;
    truth tr;
    int64_t n;
    double *x = synth(32, 600, 0.0005, 3, &tr, &n);
    psy_eda_config c = psy_eda_config_default(32);
    psy_eda_result *r = NULL;
    assert_int_equal(psy_eda_analyze_signal(x, n, &c, PSY_EDA_FAST, &r, NULL), PSY_OK);
    /* stimuli 2 s before every true SCR, and one in a quiet stretch */
    double ev[MAX_TRUE + 1];
    size_t ne = 0;
    for (size_t k = 0; k < tr.n; k++) ev[ne++] = tr.onset[k] - 2.0;
    ev[ne++] = tr.onset[0] - 8.0 > 0 ? tr.onset[0] - 8.0 : 0.5;
    psy_eda_event_response out[MAX_TRUE + 1];
    assert_int_equal(psy_eda_event_responses(r, ev, ne, 1.0, 4.0, out), PSY_OK);
    size_t found = 0;
    for (size_t k = 0; k < tr.n; k++) {
        if (!out[k].found) continue;
        found++;
        assert_true(fabs(out[k].latency_s - 2.0) < 0.3);
        assert_true(fabs(out[k].amplitude_us - tr.amp[k]) < 0.15 * tr.amp[k]);
        assert_true(out[k].scl_us > 3 && out[k].scl_us < 6);
    }
    assert_true(found >= tr.n - 1);
    assert_int_equal(out[ne - 1].found, 0);
    assert_true(out[ne - 1].amplitude_us == 0.0);
    assert_true(isnan(out[ne - 1].latency_s));
    assert_int_equal(psy_eda_event_responses(r, ev, ne, 4.0, 1.0, out), PSY_E_INVALID);

    /* segments: the whole span counts every SCR; with the stimuli, the found ones are specific */
    psy_eda_summary all, half;
    assert_int_equal(psy_eda_summarize(r, 0, 600, NULL, 0, 1, 4, &all), PSY_OK);
    assert_int_equal(all.scr_count, r->n);
    assert_int_equal(all.ns_scr_count, r->n);
    assert_true(fabs(all.scl_us - r->scl_us) < 0.01 * r->scl_us);
    assert_true(fabs(all.valid_s - 600) <= 1);
    assert_int_equal(psy_eda_summarize(r, 0, 600, ev, ne, 1, 4, &all), PSY_OK);
    assert_int_equal(all.ns_scr_count, r->n - found);
    assert_int_equal(psy_eda_summarize(r, 0, 300, NULL, 0, 1, 4, &half), PSY_OK);
    size_t first_half = 0;
    double amp = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->scr[i].onset_s < 300) {
            first_half++;
            amp += r->scr[i].amplitude_us;
        }
    assert_int_equal(half.scr_count, first_half);
    assert_true(fabs(half.scr_amplitude_sum_us - amp) < 1e-12);
    assert_true(fabs(half.ns_scr_per_min - (double)first_half / 5.0) < 0.05);
    assert_int_equal(psy_eda_summarize(r, 10, 5, NULL, 0, 1, 4, &half), PSY_E_INVALID);
    psy_eda_result_free(r);
    free(x);
}

/* A response needs its whole latency window observed: a window meeting missing samples, or
 * reaching before the start or after the end, is n/a with the reason (a missing value, not a
 * zero); a clean window without an SCR is a zero response. */
static void unobserved_windows(void **state)
{
    (void)state;
    truth tr;
    int64_t n;
    double *x = synth(32, 600, 0.0005, 3, &tr, &n);
    for (int64_t i = 200 * 32; i < 230 * 32; i++) x[i] = NAN;
    psy_eda_config c = psy_eda_config_default(32);
    psy_eda_result *r = NULL;
    assert_int_equal(psy_eda_analyze_signal(x, n, &c, PSY_EDA_FAST, &r, NULL), PSY_OK);
    assert_true(r->n_excluded >= 1);
    double excluded = 0;
    for (size_t k = 0; k < r->n_excluded; k++) {
        assert_true(r->excluded[k].start_s < r->excluded[k].end_s);
        if (k) assert_true(r->excluded[k].start_s > r->excluded[k - 1].end_s);
        excluded += r->excluded[k].end_s - r->excluded[k].start_s;
    }
    assert_true(fabs(excluded - 30) < 0.5);
    double quiet = tr.onset[0] - 8.0 > 0 ? tr.onset[0] - 8.0 : 0.5;
    double ev[] = {quiet, 205, 198, 228, 597.5, -2};
    psy_eda_event_response out[6];
    assert_int_equal(psy_eda_event_responses(r, ev, 6, 1.0, 4.0, out), PSY_OK);
    assert_null(out[0].na_reason); /* observed, no SCR: a zero response */
    assert_int_equal(out[0].found, 0);
    assert_true(out[0].amplitude_us == 0.0);
    for (size_t k = 1; k < 6; k++) {
        assert_non_null(out[k].na_reason);
        assert_int_equal(out[k].found, 0);
        assert_true(isnan(out[k].amplitude_us) && isnan(out[k].latency_s));
    }
    assert_non_null(strstr(out[1].na_reason, "missing samples")); /* wholly in the gap */
    assert_non_null(strstr(out[2].na_reason, "missing samples")); /* 199-202 s: partly */
    assert_non_null(strstr(out[3].na_reason, "missing samples")); /* 229-232 s: partly */
    assert_non_null(strstr(out[4].na_reason, "after the recording"));
    assert_non_null(strstr(out[5].na_reason, "before the recording"));
    /* an SCR is seen only at its peak, up to max_rise_s (5 s) after its onset: a window whose
       rise time runs into the gap or past the end is not observed either */
    double rise[] = {189, 193, 590, 592};
    assert_int_equal(psy_eda_event_responses(r, rise, 4, 1.0, 4.0, out), PSY_OK);
    assert_null(out[0].na_reason);          /* 190-193 s + 5 s: before the gap */
    assert_non_null(strstr(out[1].na_reason, "missing samples")); /* 194-197 s + 5 s */
    assert_null(out[2].na_reason);          /* 591-594 s + 5 s: before the end */
    assert_non_null(strstr(out[3].na_reason, "after the recording")); /* 593-596 s + 5 s */
    assert_true(isnan(out[1].amplitude_us) && isnan(out[3].amplitude_us));
    psy_eda_result_free(r);
    free(x);
}

/* The event tables of a recording (psy_eda_events_of): one response per event, one summary per
 * event with a duration, the whole channel's; the same numbers as the calls they gather. */
static void event_tables(void **state)
{
    (void)state;
    truth tr;
    int64_t n;
    double *x = synth(32, 600, 0.0005, 3, &tr, &n);
    psy_event ev[3] = {{.onset_s = tr.onset[0] - 2.0, .duration_s = NAN, .label = "cue"},
                       {.onset_s = 0, .duration_s = 300, .label = "rest"},
                       {.onset_s = 300, .duration_s = 300, .label = "task"}};
    psy_array_channel c = {.label = "EDA", .type = PSY_CH_EDA, .unit = "uS", .rate_hz = 32, .samples = x, .n = n};
    psy_reader *rd = NULL;
    assert_int_equal(psy_reader_from_arrays(&c, 1, ev, 3, &rd, NULL), PSY_OK);
    psy_eda_config cfg = psy_eda_config_default(32);
    psy_eda_result *r = NULL;
    assert_int_equal(psy_eda_analyze(rd, 0, &cfg, PSY_EDA_FAST, &r, NULL), PSY_OK);
    psy_eda_events t;
    assert_int_equal(psy_eda_events_of(r, rd, 1, 4, &t), PSY_OK);
    assert_int_equal(t.n_events, 3);
    assert_int_equal(t.n_segments, 2);
    double onsets[3];
    for (size_t i = 0; i < 3; i++) onsets[i] = psy_reader_event(rd, i)->onset_s;
    psy_eda_event_response resp[3];
    assert_int_equal(psy_eda_event_responses(r, onsets, 3, 1, 4, resp), PSY_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(t.epochs[i].found, resp[i].found);
        assert_true(t.epochs[i].amplitude_us == resp[i].amplitude_us && t.epochs[i].event_s == resp[i].event_s);
    }
    assert_int_equal(t.epochs[0].found + t.epochs[1].found + t.epochs[2].found >= 1, 1); /* the cue's */
    for (size_t k = 0; k < 2; k++) {
        const psy_event *e = psy_reader_event(rd, t.segment_event[k]);
        assert_true(e->duration_s == 300);
        psy_eda_summary s;
        assert_int_equal(psy_eda_summarize(r, e->onset_s, e->onset_s + 300, onsets, 3, 1, 4, &s), PSY_OK);
        assert_true(s.scr_count == t.segments[k].scr_count && s.ns_scr_count == t.segments[k].ns_scr_count);
        assert_true(s.scl_us == t.segments[k].scl_us);
    }
    assert_int_equal(t.whole.scr_count, r->n);
    assert_int_equal(t.segments[0].scr_count + t.segments[1].scr_count, r->n);
    psy_eda_events_free(&t);
    assert_int_equal(psy_eda_events_of(r, rd, 4, 1, &t), PSY_E_INVALID);
    psy_eda_events_free(&t);
    psy_eda_result_free(r);
    psy_reader_close(rd);
    free(x);
}

/* Events analyze skips (outside the recording, repeated) have neither an epoch nor a phase in
 * the event tables, and say why: the one rule of psy_event_skipped. */
static void event_tables_skip(void **state)
{
    (void)state;
    truth tr;
    int64_t n;
    double *x = synth(32, 600, 0.0005, 3, &tr, &n);
    psy_event ev[5] = {{.onset_s = -5, .duration_s = 20, .label = "before"},
                       {.onset_s = 100, .duration_s = 60, .label = "rest"},
                       {.onset_s = 100, .duration_s = 60, .label = "rest"},
                       {.onset_s = 10240, .duration_s = 3000, .label = "ms"},
                       {.onset_s = 600, .duration_s = NAN, .label = "end"}};
    psy_array_channel c = {.label = "EDA", .type = PSY_CH_EDA, .unit = "uS", .rate_hz = 32, .samples = x, .n = n};
    psy_reader *rd = NULL;
    assert_int_equal(psy_reader_from_arrays(&c, 1, ev, 5, &rd, NULL), PSY_OK);
    psy_eda_config cfg = psy_eda_config_default(32);
    psy_eda_result *r = NULL;
    assert_int_equal(psy_eda_analyze(rd, 0, &cfg, PSY_EDA_FAST, &r, NULL), PSY_OK);
    psy_eda_events t;
    assert_int_equal(psy_eda_events_of(r, rd, 1, 4, &t), PSY_OK);
    assert_int_equal(t.n_events, 5);
    size_t kept = 0;
    for (size_t i = 0; i < 5; i++) {
        const psy_event *e = psy_reader_event(rd, i);
        psy_message why;
        assert_int_equal(t.has_epoch[i], !psy_event_skipped(rd, i, &why));
        assert_string_equal(t.skipped[i].text, why.text);
        if (t.has_epoch[i]) {
            kept++;
            assert_string_equal(e->label, "rest");
        } else if (strcmp(e->label, "rest") == 0) assert_non_null(strstr(why.text, "repeats the event at 100.000 s"));
        else assert_non_null(strstr(why.text, "outside the recording (0 .. 600.000 s)"));
    }
    assert_int_equal(kept, 1);
    assert_int_equal(t.n_segments, 1); /* rest once; ms and before skipped */
    assert_string_equal(psy_reader_event(rd, t.segment_event[0])->label, "rest");
    psy_eda_events_free(&t);
    psy_eda_result_free(r);
    psy_reader_close(rd);
    free(x);
}

/* The reader path (block reads of a file) gives exactly what the array path gives. */
static void reader_equals_array(void **state)
{
    (void)state;
    psy_reader *rd = open_or_fail(PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf");
    int ch = psy_reader_find_channel(rd, "EDA");
    assert_true(ch >= 0);
    const psy_channel_info *info = psy_reader_channel(rd, ch);
    double *x = malloc((size_t)info->frames * sizeof *x);
    assert_non_null(x);
    assert_int_equal(psy_reader_read(rd, ch, 0, info->frames, x), PSY_OK);
    for (int method = 0; method < 2; method++) {
        psy_eda_config c = psy_eda_config_default(info->rate_hz);
        psy_eda_result *a = NULL, *b = NULL;
        assert_int_equal(psy_eda_analyze(rd, ch, &c, (psy_eda_method)method, &a, NULL), PSY_OK);
        assert_int_equal(psy_eda_analyze_signal(x, info->frames, &c, (psy_eda_method)method, &b, NULL), PSY_OK);
        assert_true(a->n >= 9);
        assert_int_equal(a->n, b->n);
        assert_memory_equal(a->scr, b->scr, a->n * sizeof *a->scr);
        assert_true(a->scl_us == b->scl_us);
        assert_int_equal(a->n_tonic, 150);
        psy_eda_result_free(a);
        psy_eda_result_free(b);
    }
    /* an irregular or missing channel is refused */
    psy_eda_result *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_eda_analyze(rd, 99, NULL, PSY_EDA_FAST, &r, &why), PSY_E_INVALID);
    assert_null(r);
    free(x);
    psy_reader_close(rd);
}

static void relative_threshold(void **state)
{
    (void)state;
    truth tr;
    int64_t n;
    double *x = synth(32, 600, 0.0005, 11, &tr, &n);
    psy_eda_config c = psy_eda_config_default(32);
    psy_eda_result *r = NULL;
    assert_int_equal(psy_eda_analyze_signal(x, n, &c, PSY_EDA_FAST, &r, NULL), PSY_OK);
    double top = 0;
    for (size_t i = 0; i < r->n; i++) top = fmax(top, r->scr[i].amplitude_us);
    size_t keep = 0;
    for (size_t i = 0; i < r->n; i++) keep += r->scr[i].amplitude_us >= 0.5 * top;
    psy_eda_apply_relative_threshold(r, 0.5);
    assert_int_equal(r->n, keep);
    assert_true(keep >= 1 && keep < tr.n);
    psy_eda_result_free(r);
    free(x);
}

static void bad_input(void **state)
{
    (void)state;
    psy_eda_config c = psy_eda_config_default(32);
    psy_eda_result *r = NULL;
    psy_message why = {{0}};
    int64_t n = 32 * 120;
    double *x = malloc((size_t)n * sizeof *x);
    assert_non_null(x);

    /* flat (disconnected electrode): every sample after flat_s flagged, no SCR */
    for (int64_t i = 0; i < n; i++) x[i] = 2.0;
    assert_int_equal(psy_eda_analyze_signal(x, n, &c, PSY_EDA_FAST, &r, &why), PSY_OK);
    assert_int_equal(r->n, 0);
    assert_true(r->artifacts.flat >= (int64_t)(0.9 * 110 * 32));
    assert_true(r->valid_s < 11);
    psy_eda_result_free(r);

    /* negative conductance and NaN: out of range / missing, summaries n/a with a reason */
    for (int64_t i = 0; i < n; i++) x[i] = i % 2 ? -1.0 : NAN;
    for (int method = 0; method < 2; method++) {
        assert_int_equal(psy_eda_analyze_signal(x, n, &c, (psy_eda_method)method, &r, &why), PSY_OK);
        assert_int_equal(r->n, 0);
        assert_true(isnan(r->scl_us));
        assert_true(isnan(r->ns_scr_per_min));
        assert_non_null(strstr(r->why_na, "no usable sample"));
        assert_true(r->artifacts.out_of_range + r->artifacts.missing == r->artifacts.total);
        psy_eda_result_free(r);
    }

    /* wrong unit (values in kOhm or nS cannot be uS): above max_us */
    for (int64_t i = 0; i < n; i++) x[i] = 250.0 + 0.01 * (double)(i % 7);
    assert_int_equal(psy_eda_analyze_signal(x, n, &c, PSY_EDA_FAST, &r, &why), PSY_OK);
    assert_int_equal(r->artifacts.above_max, r->artifacts.total);
    psy_eda_result_free(r);

    /* too short */
    for (int64_t i = 0; i < n; i++) x[i] = 5.0 + 0.001 * sin((double)i);
    assert_int_equal(psy_eda_analyze_signal(x, 32 * 4, &c, PSY_EDA_DECONV, &r, &why), PSY_OK);
    assert_true(isnan(r->scl_us));
    assert_non_null(strstr(r->why_na, "at least"));
    psy_eda_result_free(r);
    assert_int_equal(psy_eda_analyze_signal(x, 0, &c, PSY_EDA_FAST, &r, &why), PSY_OK);
    assert_int_equal(r->n, 0);
    psy_eda_result_free(r);

    /* a step artefact (electrode movement): flagged by the slope test, no SCR from it */
    for (int64_t i = 0; i < n; i++) x[i] = (i < n / 2 ? 5.0 : 9.0) + 0.001 * sin((double)i);
    assert_int_equal(psy_eda_analyze_signal(x, n, &c, PSY_EDA_FAST, &r, &why), PSY_OK);
    assert_true(r->artifacts.slope > 0);
    assert_int_equal(r->n, 0);
    psy_eda_result_free(r);

    /* bad settings name the setting */
    c.tau2_s = 0.5;
    assert_int_equal(psy_eda_analyze_signal(x, n, &c, PSY_EDA_DECONV, &r, &why), PSY_E_INVALID);
    assert_null(r);
    assert_non_null(strstr(why.text, "tau2_s"));
    c = psy_eda_config_default(0);
    assert_int_equal(psy_eda_config_check(&c, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "rate_hz"));
    psy_eda_stream *s = NULL;
    assert_int_equal(psy_eda_stream_create(&c, &s), PSY_E_INVALID);
    assert_null(s);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fast_4hz),   cmocka_unit_test(fast_32hz),   cmocka_unit_test(fast_1000hz),
        cmocka_unit_test(deconv_4hz), cmocka_unit_test(deconv_32hz), cmocka_unit_test(deconv_1000hz),
        cmocka_unit_test(stream_chunks_equal_one_shot), cmocka_unit_test(single_scr_analytic),
        cmocka_unit_test(event_related), cmocka_unit_test(unobserved_windows), cmocka_unit_test(relative_threshold),
        cmocka_unit_test(reader_equals_array), cmocka_unit_test(event_tables), cmocka_unit_test(event_tables_skip),
        cmocka_unit_test(bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
