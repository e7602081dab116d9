/* The streaming PPG pulse detector on synthetic pulses with known times: rates from 25 Hz to
 * 1 kHz, either polarity, baseline wander and noise; missing, flat, clipped and artefact
 * stretches; streaming in random chunks, copy and reset give the one-shot pulses exactly. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/ppg.h"

#define MAX_PULSES 4096

/* Deterministic uniform noise in [-1, 1) (xorshift). */
static double noise(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return (double)(*state >> 11) / (double)(1ULL << 52) - 1.0;
}

/* One pulse u seconds after its onset: a fast systolic rise, a dicrotic wave, a slow decay. */
static double pulse(double u)
{
    if (u < 0 || u > 1.5) return 0;
    double s = (u - 0.17) / (u < 0.17 ? 0.06 : 0.12), d = (u - 0.45) / 0.09;
    return exp(-0.5 * s * s) + 0.3 * exp(-0.5 * d * d) + (u > 0.17 ? 0.2 * exp(-(u - 0.17) / 0.3) : 0);
}

/* n seconds of PPG at rate: pulses at onsets[] (intervals 700-900 ms, breathing-like), wander,
 * noise; times of the onsets in *onsets. Returns the sample buffer. */
static double *synthetic(double rate, double seconds, double polarity, double *onsets, size_t *n_onsets,
                         size_t *n_samples)
{
    size_t n = (size_t)(seconds * rate), k = 0;
    double t = 0.5;
    while (t < seconds - 2 && k < MAX_PULSES) {
        onsets[k++] = t;
        t += 0.8 + 0.1 * sin(2 * 3.14159265 * t / 4.0);
    }
    *n_onsets = k;
    double *x = malloc(n * sizeof *x);
    uint64_t st = 12345;
    for (size_t i = 0; i < n; i++) {
        double ti = (double)i / rate, v = 0;
        for (size_t j = 0; j < k; j++)
            if (ti >= onsets[j] && ti < onsets[j] + 1.5) v += pulse(ti - onsets[j]);
        x[i] = 1000 + polarity * 100 * v + 30 * sin(2 * 3.14159265 * 0.1 * ti) + 0.5 * noise(&st);
    }
    *n_samples = n;
    return x;
}

typedef struct found {
    psy_ppg_pulse p[MAX_PULSES];
    size_t n;
    psy_ppg_unusable u[256];
    size_t n_u;
} found;

static void drain(psy_ppg_detector *d, found *f)
{
    f->n += psy_ppg_detector_pop_pulses(d, f->p + f->n, MAX_PULSES - f->n);
    f->n_u += psy_ppg_detector_pop_unusable(d, f->u + f->n_u, 256 - f->n_u);
}

/* Runs x through a detector in chunks of `chunk` samples (0: random sizes up to 3000). */
static void run(psy_ppg_detector *d, const double *x, size_t n, size_t chunk, found *f)
{
    uint64_t st = 99;
    memset(f, 0, sizeof *f);
    for (size_t at = 0; at < n;) {
        size_t want = chunk ? chunk : 1 + (size_t)((noise(&st) + 1) * 1500), used = 0;
        if (want > n - at) want = n - at;
        assert_int_equal(psy_ppg_detector_push(d, x + at, want, &used), PSY_OK);
        at += used;
        drain(d, f);
    }
    assert_int_equal(psy_ppg_detector_finish(d), PSY_OK);
    drain(d, f);
}

static found *detect(const double *x, size_t n, double rate, int polarity)
{
    psy_ppg_detector_config c = psy_ppg_detector_config_default(rate);
    c.polarity = polarity;
    psy_ppg_detector *d = NULL;
    assert_int_equal(psy_ppg_detector_create(&c, &d), PSY_OK);
    found *f = malloc(sizeof *f);
    run(d, x, n, 4096, f);
    psy_ppg_detector_destroy(d);
    return f;
}

/* Each true pulse has one detected foot (mid 0) or half-amplitude point (mid 1); the intervals
 * between them equal the true ones. */
static void check_intervals(const found *f, const double *onsets, size_t n_on, double rate, double tol_ms, int mid)
{
    size_t matched = 0;
    double worst = 0, offset = NAN;
    for (size_t i = 0; i < f->n; i++) {
        double t = (mid ? f->p[i].mid : f->p[i].foot) / rate;
        for (size_t j = 0; j < n_on; j++)
            if (fabs(t - onsets[j]) < 0.15) {
                if (isnan(offset)) offset = t - onsets[j];
                double e = 1000 * fabs(t - onsets[j] - offset);
                if (e > worst) worst = e;
                matched++;
            }
    }
    print_message("%.0f Hz: %zu of %zu pulses, %s %.1f ms after the onsets, worst interval error %.2f ms\n",
                  rate, matched, n_on, mid ? "half-amplitude points" : "feet", 1000 * offset, worst);
    /* The first pulses may go before the detector knows the signal (polarity decision: none). */
    assert_true(f->n == matched);
    assert_true(matched + 1 >= n_on);
    assert_true(worst <= tol_ms);
}

static void test_rates_and_polarity(void **state)
{
    (void)state;
    static const double rates[] = {25, 64, 128, 250, 500, 1000};
    double onsets[MAX_PULSES];
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        for (int pol = -1; pol <= 1; pol += 2) {
            size_t n_on, n;
            double *x = synthetic(rates[r], 120, pol, onsets, &n_on, &n);
            found *f = detect(x, n, rates[r], 0);
            psy_ppg_detector_config c = psy_ppg_detector_config_default(rates[r]);
            psy_ppg_detector *d = NULL;
            assert_int_equal(psy_ppg_detector_create(&c, &d), PSY_OK);
            found *g = malloc(sizeof *g);
            run(d, x, n, 4096, g);
            assert_int_equal(psy_ppg_detector_polarity(d), pol); /* decided from the asymmetry */
            psy_ppg_detector_destroy(d);
            check_intervals(f, onsets, n_on, rates[r], rates[r] < 50 ? 12 : 5, 0);
            check_intervals(f, onsets, n_on, rates[r], 4, 1); /* the half-amplitude point: noise moves it least */
            for (size_t i = 0; i < f->n; i++) {
                assert_true(f->p[i].upstroke > f->p[i].foot && (double)f->p[i].peak > f->p[i].upstroke);
                assert_true(f->p[i].mid > f->p[i].foot && (double)f->p[i].peak > f->p[i].mid);
                assert_true(f->p[i].amplitude > 50 && f->p[i].amplitude < 150);
                assert_true(isnan(f->p[i].quality) || f->p[i].quality > 0.8);
            }
            /* Nothing unusable, but for the pulse cut by the end of the signal. */
            for (size_t i = 0; i < f->n_u; i++)
                assert_true(f->u[i].reason == PSY_PPG_ARTEFACT && f->u[i].start > (int64_t)n - 3 * (int64_t)rates[r]);
            free(g);
            free(f);
            free(x);
        }
    }
}

static int inside(const found *f, int64_t a, int64_t b)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->p[i].foot >= (double)a && f->p[i].foot < (double)b) return 1;
    return 0;
}

static const psy_ppg_unusable *stretch(const found *f, psy_ppg_reason reason)
{
    for (size_t i = 0; i < f->n_u; i++)
        if (f->u[i].reason == reason) return &f->u[i];
    return NULL;
}

static void test_unusable_stretches(void **state)
{
    (void)state;
    double rate = 128, onsets[MAX_PULSES];
    size_t n_on, n;
    double *x = synthetic(rate, 180, 1, onsets, &n_on, &n);
    for (size_t i = 30 * 128; i < 34 * 128; i++) x[i] = NAN;          /* missing */
    for (size_t i = 60 * 128; i < 63 * 128; i++) x[i] = 1003;         /* flat (sensor off) */
    uint64_t st = 7;
    for (size_t i = 90 * 128; i < 96 * 128; i++) x[i] += 400 * noise(&st) * sin(i / 20.0); /* motion */
    double top = 0;
    for (size_t i = 120 * 128; i < 130 * 128; i++) top = fmax(top, x[i]);
    for (size_t i = 120 * 128; i < 130 * 128; i++) x[i] = fmin(x[i], top - 40); /* clipped peaks */
    found *f = detect(x, n, rate, 0);
    const psy_ppg_unusable *m = stretch(f, PSY_PPG_MISSING), *fl = stretch(f, PSY_PPG_FLAT),
                           *a = stretch(f, PSY_PPG_ARTEFACT), *c = stretch(f, PSY_PPG_CLIPPED);
    assert_non_null(m);
    assert_int_equal(m->start, 30 * 128);
    assert_int_equal(m->end, 34 * 128);
    assert_non_null(fl);
    assert_true(fl->start <= 60 * 128 + 2 && fl->end == 63 * 128);
    assert_non_null(a);
    assert_non_null(c);
    assert_true(c->start >= 120 * 128 && c->end <= 130 * 128);
    for (size_t i = 0; i < f->n_u; i++) {
        print_message("%s %.1f-%.1f s\n", psy_ppg_reason_name(f->u[i].reason), f->u[i].start / rate, f->u[i].end / rate);
        assert_false(inside(f, f->u[i].start, f->u[i].end)); /* no pulse invented inside */
    }
    /* Motion: what is marked covers the burst; outside the stretches pulses go on. */
    size_t artefact_s = 0;
    for (size_t i = 0; i < f->n_u; i++)
        if (f->u[i].reason == PSY_PPG_ARTEFACT) artefact_s += (size_t)(f->u[i].end - f->u[i].start);
    assert_true(artefact_s < 20 * 128);
    assert_true(inside(f, 100 * 128, 118 * 128) && inside(f, 140 * 128, 170 * 128));
    free(f);
    free(x);
}

/* The worst error (ms) of the intervals ending in [from, to) s between consecutive pulses with
 * no unusable stretch between them, against the true intervals; a pulse that is no true one
 * counts 1000 ms. */
static double worst_interval_error(const found *f, const double *onsets, size_t n_on, double rate, double from,
                                   double to)
{
    double worst = 0, offset = INFINITY; /* of the half-amplitude points after the onsets */
    for (size_t j = 0; j < n_on; j++)
        if (fabs(f->p[0].mid / rate - onsets[j]) < fabs(offset)) offset = f->p[0].mid / rate - onsets[j];
    for (size_t i = 1; i < f->n; i++) {
        if (f->p[i].mid / rate < from || f->p[i].mid / rate >= to) continue;
        int broken = 0;
        for (size_t k = 0; k < f->n_u; k++)
            broken |= f->u[k].start < f->p[i].mid && f->u[k].end > f->p[i - 1].mid;
        if (broken) continue;
        long a = -1, b = -1;
        for (size_t j = 0; j < n_on; j++) {
            if (fabs(f->p[i - 1].mid / rate - offset - onsets[j]) < 0.2) a = (long)j;
            if (fabs(f->p[i].mid / rate - offset - onsets[j]) < 0.2) b = (long)j;
        }
        double e = a < 0 || b != a + 1 ? 1000 : 1000 * fabs((f->p[i].mid - f->p[i - 1].mid) / rate - (onsets[b] - onsets[a]));
        if (e > worst) worst = e;
    }
    return worst;
}

/* A motion artefact like a finger pressed on the sensor: the baseline falls 5 pulse amplitudes
 * within 0.1 s amid a burst of movement (the floor shift alone makes the pulse an artefact,
 * whatever its shape: a second fall at 130.4 s, without the burst, is marked too), and the three pulses after the burst are deformed (a wide second hump:
 * correlation 0.5-0.86 with the template, their half-amplitude points moved). They stay in the
 * artefact stretch until a clean pulse (resume_quality); without that rule (0) they are accepted. */
static void test_motion_tail(void **state)
{
    (void)state;
    double rate = 250, onsets[MAX_PULSES];
    size_t n_on, n;
    double *x = synthetic(rate, 180, 1, onsets, &n_on, &n);
    uint64_t st = 3;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        x[i] -= 500 / (1 + exp(-(t - 90.5) / 0.02)) + 500 / (1 + exp(-(t - 130.4) / 0.02)); /* a second, alone */
        if (t >= 90 && t < 91.5) x[i] += 150 * noise(&st);
    }
    size_t tail = 0;
    for (size_t j = 0; j < n_on; j++) {
        if (onsets[j] < 91.5 || onsets[j] >= 91.5 + 3 * 0.9 || tail == 3) continue;
        tail++;
        for (size_t i = (size_t)(onsets[j] * rate); i < (size_t)((onsets[j] + 1.5) * rate) && i < n; i++) {
            double u = (double)i / rate - onsets[j], h = (u - 0.4) / 0.1;
            x[i] += 100 * (0.8 * exp(-0.5 * h * h) - 0.3 * pulse(u));
        }
    }
    double worst[2];
    for (int rule = 0; rule < 2; rule++) {
        psy_ppg_detector_config c = psy_ppg_detector_config_default(rate);
        if (!rule) c.resume_quality = 0;
        psy_ppg_detector *d = NULL;
        assert_int_equal(psy_ppg_detector_create(&c, &d), PSY_OK);
        found *f = malloc(sizeof *f);
        run(d, x, n, 1000, f);
        psy_ppg_detector_destroy(d);
        worst[rule] = worst_interval_error(f, onsets, n_on, rate, 85, 100);
        double marked = 0;
        for (size_t i = 0; i < f->n_u; i++) {
            assert_false(inside(f, f->u[i].start, f->u[i].end));
            if (f->u[i].reason != PSY_PPG_ARTEFACT || f->u[i].start > 100 * 250) continue;
            marked += (double)(f->u[i].end - f->u[i].start) / rate;
        }
        int fall_marked = 0; /* the lone fall: its pulse's shape is a pulse's, its floor is not */
        for (size_t i = 0; i < f->n_u; i++)
            fall_marked |= f->u[i].reason == PSY_PPG_ARTEFACT && f->u[i].start < 130.4 * 250 && f->u[i].end > 130.4 * 250;
        assert_true(fall_marked);
        size_t in_tail = 0;
        for (size_t i = 0; i < f->n; i++) {
            double t = f->p[i].mid / rate;
            assert_false(t > 90.2 && t < 90.9); /* none on the fall */
            in_tail += t >= 90.9 && t < 91.5 + 3 * 0.9; /* the burst's end and the deformed ones */
        }
        print_message("resume_quality %.2f: %zu pulses, %.1f s artefact, %zu pulses on the tail, worst interval "
                      "error %.1f ms\n", c.resume_quality, f->n, marked, in_tail, worst[rule]);
        assert_true(rule ? in_tail == 0 : in_tail > 0);
        assert_true(rule ? marked > 2 && marked < 6 : marked < 3);
        assert_true(inside(f, 60 * 250, 89 * 250) && inside(f, 96 * 250, 170 * 250));
        free(f);
    }
    assert_true(worst[1] <= 5 && worst[0] > 20);
    free(x);
}

/* A wave in late diastole, one swing down and up (like 0214's interference in MARSH), dipping
 * below the pulse's foot by a depth that changes from beat to beat (0-30 % of the pulse's
 * amplitude, 0.2 s before its upstroke): the half-amplitude level is taken from the valley the
 * upstroke rises from, so the dip does not move it. Taken from the dip (the diastole's lowest
 * point), the worst interval was 13 ms off. */
static void test_late_diastolic_dip(void **state)
{
    (void)state;
    double rate = 500, onsets[MAX_PULSES];
    size_t n_on, n;
    double *x = synthetic(rate, 120, 1, onsets, &n_on, &n);
    uint64_t st = 7;
    for (size_t j = 1; j < n_on; j++) {
        double depth = 30 * (0.5 + 0.5 * noise(&st)), at = onsets[j] - 0.2;
        for (size_t i = (size_t)((at - 0.2) * rate); i < (size_t)((at + 0.2) * rate) && i < n; i++) {
            double h = ((double)i / rate - at) / 0.04;
            x[i] += depth * h * exp(0.5 - 0.5 * h * h); /* -depth at h = -1, +depth at h = 1 */
        }
    }
    found *f = detect(x, n, rate, 1);
    double worst = worst_interval_error(f, onsets, n_on, rate, 10, 118);
    print_message("%zu of %zu pulses, worst interval error %.2f ms\n", f->n, n_on, worst);
    assert_true(f->n + 2 >= n_on);
    for (size_t i = 0; i < f->n_u; i++) assert_true(f->u[i].start >= 118 * 500); /* the signal's end */
    assert_true(worst <= 4);
    free(f);
    free(x);
}

static int same_pulses(const found *a, const found *b)
{
    if (a->n != b->n || a->n_u != b->n_u) return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->p[i].foot != b->p[i].foot || a->p[i].peak != b->p[i].peak ||
            !(a->p[i].quality == b->p[i].quality || (isnan(a->p[i].quality) && isnan(b->p[i].quality))))
            return 0;
    return memcmp(a->u, b->u, a->n_u * sizeof a->u[0]) == 0;
}

/* A baseline swinging at a quarter of the pulse rate by 2.5 pulse amplitudes (a slow fall, a fast
 * rise: like MARSH 0214 at 238-298 s, breathing or the hand moving at 0.53 Hz under a 2.1-Hz
 * pulse): the band-pass keeps the swing, and the pulses on its fall stay below zero there, unseen
 * by the moving averages. An interval of two or three pulses makes the detector search back for
 * them where they are due (without it, 119 of the 156 pulses were found), alike in random chunks. */
static void test_swinging_baseline(void **state)
{
    (void)state;
    double rate = 500, seconds = 120, onsets[MAX_PULSES];
    size_t n = (size_t)(seconds * rate), n_on = 0;
    for (double t = 0.5; t < seconds - 2; t += 0.47 + 0.02 * sin(2 * 3.14159265 * t / 5.0)) onsets[n_on++] = t;
    double *x = malloc(n * sizeof *x);
    uint64_t st = 11;
    for (size_t i = 0; i < n; i++) {
        double ti = (double)i / rate, v = 0, phase = fmod(ti, 1.9), swing = 0;
        for (size_t j = 0; j < n_on; j++)
            if (ti >= onsets[j] && ti < onsets[j] + 1.5) v += pulse(ti - onsets[j]);
        if (ti > 40) swing = phase < 1.5 ? -160 * phase / 1.5 : -160 + 160 * (phase - 1.5) / 0.4;
        x[i] = 1000 + 100 * v + swing + 0.5 * noise(&st);
    }
    found *f = detect(x, n, rate, 1);
    double worst = worst_interval_error(f, onsets, n_on, rate, 45, 118);
    size_t in_swing = 0, due = 0;
    for (size_t i = 0; i < f->n; i++) in_swing += f->p[i].mid / rate >= 45 && f->p[i].mid / rate < 118;
    for (size_t j = 0; j < n_on; j++) due += onsets[j] >= 45 && onsets[j] < 118;
    print_message("%zu of %zu pulses in the swing, worst interval error %.2f ms\n", in_swing, due, worst);
    assert_true(in_swing + 1 >= due && in_swing <= due + 1);
    assert_true(worst < 100); /* none missed or added; the fast rise moves a pulse's upstroke by tens of ms */
    psy_ppg_detector_config c = psy_ppg_detector_config_default(rate);
    c.polarity = 1;
    psy_ppg_detector *d = NULL;
    assert_int_equal(psy_ppg_detector_create(&c, &d), PSY_OK);
    found *g = malloc(sizeof *g);
    run(d, x, n, 0, g);
    assert_true(same_pulses(f, g));
    psy_ppg_detector_destroy(d);
    free(g);
    free(f);
    free(x);
}

static void test_streaming_copy_reset(void **state)
{
    (void)state;
    static const double rates[] = {64, 500};
    double onsets[MAX_PULSES];
    for (size_t r = 0; r < 2; r++) {
        size_t n_on, n;
        double *x = synthetic(rates[r], 150, -1, onsets, &n_on, &n);
        for (size_t i = n / 3; i < n / 3 + (size_t)rates[r]; i++) x[i] = NAN;
        psy_ppg_detector_config c = psy_ppg_detector_config_default(rates[r]);
        psy_ppg_detector *d = NULL;
        assert_int_equal(psy_ppg_detector_create(&c, &d), PSY_OK);
        found *whole = malloc(sizeof *whole), *chunks = malloc(sizeof *chunks), *one = malloc(sizeof *one);
        run(d, x, n, n, whole);
        psy_ppg_detector_reset(d);
        run(d, x, n, 0, chunks); /* random chunk sizes */
        psy_ppg_detector_reset(d);
        run(d, x, n, 1, one);    /* sample by sample */
        assert_true(same_pulses(whole, chunks));
        assert_true(same_pulses(whole, one));
        /* A copy made halfway goes on as the original. */
        psy_ppg_detector_reset(d);
        found *a = malloc(sizeof *a), *b = malloc(sizeof *b);
        memset(a, 0, sizeof *a);
        size_t used = 0;
        psy_ppg_detector_push(d, x, n / 2, &used);
        assert_int_equal(used, n / 2);
        drain(d, a);
        psy_ppg_detector *e = NULL;
        assert_int_equal(psy_ppg_detector_copy(d, &e), PSY_OK);
        *b = *a;
        psy_ppg_detector_push(d, x + n / 2, n - n / 2, &used);
        psy_ppg_detector_finish(d);
        drain(d, a);
        psy_ppg_detector_push(e, x + n / 2, n - n / 2, &used);
        psy_ppg_detector_finish(e);
        drain(e, b);
        assert_true(same_pulses(a, b));
        assert_true(same_pulses(a, whole));
        assert_int_equal(psy_ppg_detector_push(d, x, 1, &used), PSY_E_INVALID); /* after finish */
        psy_ppg_detector_destroy(d);
        psy_ppg_detector_destroy(e);
        free(a), free(b), free(whole), free(chunks), free(one), free(x);
    }
}

static void test_config_and_no_signal(void **state)
{
    (void)state;
    psy_ppg_detector *d = NULL;
    psy_ppg_detector_config c = psy_ppg_detector_config_default(20);
    assert_int_equal(psy_ppg_detector_create(&c, &d), PSY_E_INVALID); /* below 25 Hz */
    c = psy_ppg_detector_config_default(2000);
    assert_int_equal(psy_ppg_detector_create(&c, &d), PSY_E_INVALID);
    c = psy_ppg_detector_config_default(64);
    c.polarity = 2;
    assert_int_equal(psy_ppg_detector_create(&c, &d), PSY_E_INVALID);
    assert_int_equal(psy_ppg_detector_create(NULL, &d), PSY_E_INVALID);
    psy_ppg_detector_destroy(NULL);
    /* Zeros and NaN only: no pulse, one flat and one missing stretch. */
    c = psy_ppg_detector_config_default(64);
    assert_int_equal(psy_ppg_detector_create(&c, &d), PSY_OK);
    double x[64 * 20];
    for (size_t i = 0; i < 64 * 20; i++) x[i] = i < 64 * 10 ? 0 : NAN;
    found *f = malloc(sizeof *f);
    run(d, x, 64 * 20, 100, f);
    assert_int_equal(f->n, 0);
    assert_int_equal(f->n_u, 2);
    assert_true(psy_ppg_detector_latency(d) > 0.5 && psy_ppg_detector_latency(d) < 3);
    psy_ppg_detector_destroy(d);
    free(f);
    assert_string_equal(psy_ppg_reason_name(PSY_PPG_CLIPPED), "clipped");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rates_and_polarity),
        cmocka_unit_test(test_unusable_stretches),
        cmocka_unit_test(test_motion_tail),
        cmocka_unit_test(test_late_diastolic_dip),
        cmocka_unit_test(test_swinging_baseline),
        cmocka_unit_test(test_streaming_copy_reset),
        cmocka_unit_test(test_config_and_no_signal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
