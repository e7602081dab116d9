/* Pulse arrival time on beat lists with known delays: every beat paired with its own pulse (also
 * when the delay is longer than the RR interval, or changes slowly), each invalid beat with its
 * reason, pulses on another clock (offset or drifting) refused as a whole, span summaries and
 * their minima, bad arguments. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/pat.h"

#define N_BEATS 200

static psy_beat_list *new_list(size_t n, int pulses)
{
    psy_beat_list *b = calloc(1, sizeof *b);
    b->n = n;
    b->sample = calloc(n + 1, sizeof *b->sample);
    b->onset_s = calloc(n + 1, sizeof *b->onset_s);
    b->rr_ms = calloc(n + 1, sizeof *b->rr_ms);
    b->cls = calloc(n + 1, sizeof *b->cls);
    b->pulses = pulses;
    if (pulses) b->upstroke_s = calloc(n + 1, sizeof *b->upstroke_s), b->foot_s = calloc(n + 1, sizeof *b->foot_s);
    return b;
}

/* rr_ms and sample from the onsets (rate 250 Hz; a pulse's onset, its half-amplitude point, 20 ms
 * after its foot); the first interval NaN. */
static void fill_rr(psy_beat_list *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->pulses) b->onset_s[i] = b->foot_s[i] + 0.02;
        b->sample[i] = (int64_t)(b->onset_s[i] * 250);
        b->rr_ms[i] = i ? 1000 * (b->onset_s[i] - b->onset_s[i - 1]) : NAN;
    }
}

/* R-peaks at a mean interval rr_s with breathing-like variation of +-swing_s; pulse feet
 * pat_s(i) later (slowly varying by +-4 ms), upstrokes 40 ms after the feet. */
static void make(double rr_s, double swing_s, double pat_s, psy_beat_list **beats, psy_beat_list **pulses)
{
    psy_beat_list *b = new_list(N_BEATS, 0), *p = new_list(N_BEATS, 1);
    double t = 1;
    for (size_t i = 0; i < N_BEATS; i++) {
        b->onset_s[i] = t;
        p->foot_s[i] = t + pat_s + 0.004 * sin((double)i / 7.0);
        p->upstroke_s[i] = p->foot_s[i] + 0.04;
        t += rr_s + swing_s * sin(2 * 3.14159265 * (double)i / 5.0);
    }
    fill_rr(b);
    fill_rr(p);
    *beats = b;
    *pulses = p;
}

static void test_all_valid(void **state)
{
    (void)state;
    psy_beat_list *b, *p;
    make(0.8, 0.05, 0.25, &b, &p);
    psy_pat_list *l = NULL;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(l->n, N_BEATS);
    assert_int_equal(l->n_valid, N_BEATS);
    assert_true(fabs(l->delay_ms - 250) <= 10);
    assert_true(l->jitter_ms < 2);
    for (size_t i = 0; i < l->n; i++) {
        assert_int_equal(l->reason[i], PSY_PAT_VALID);
        assert_true(fabs(l->pat_ms[i] - 1000 * (p->foot_s[i] - b->onset_s[i])) < 1e-9);
        assert_true(fabs(l->pat_upstroke_ms[i] - l->pat_ms[i] - 40) < 1e-6);
        assert_true(l->r_onset_s[i] == b->onset_s[i] && l->foot_s[i] == p->foot_s[i]);
    }
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
}

/* 170 bpm with a 450-ms delay: each pulse arrives after the next R-peak and still pairs with its
 * own beat. */
static void test_delay_longer_than_rr(void **state)
{
    (void)state;
    psy_beat_list *b, *p;
    make(0.35, 0.01, 0.45, &b, &p);
    psy_pat_list *l = NULL;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(l->n_valid, N_BEATS);
    for (size_t i = 0; i < l->n; i++) assert_true(fabs(l->pat_ms[i] - 450) <= 4.5);
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
}

/* Drops pulse k from p (the intervals around it as the pulse list would have them). */
static void drop_pulse(psy_beat_list *p, size_t k, int unusable)
{
    for (size_t i = k; i + 1 < p->n; i++) {
        p->foot_s[i] = p->foot_s[i + 1];
        p->upstroke_s[i] = p->upstroke_s[i + 1];
        p->cls[i] = p->cls[i + 1];
    }
    p->n--;
    fill_rr(p);
    if (unusable) p->rr_ms[k] = NAN; /* the pulse after an unusable stretch starts a new run */
}

static void test_reasons(void **state)
{
    (void)state;
    psy_beat_list *b, *p;
    make(0.8, 0.05, 0.25, &b, &p);
    b->cls[50] = PSY_BEAT_ECTOPIC;
    b->cls[60] = PSY_BEAT_MISSED; /* a beat after a missed one is a beat */
    p->cls[70] = PSY_BEAT_EXTRA;
    p->foot_s[80] += 0.2; /* 200 ms late: beyond the tolerance */
    drop_pulse(p, 90, 0);   /* pulse 90 just missed, 120 (now 119) in an unusable stretch */
    drop_pulse(p, 119, 1);
    psy_pat_list *l = NULL;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(l->reason[50], PSY_PAT_BEAT_NOT_NORMAL);
    assert_int_equal(l->reason[60], PSY_PAT_VALID);
    assert_int_equal(l->reason[70], PSY_PAT_PULSE_NOT_NORMAL);
    assert_int_equal(l->reason[80], PSY_PAT_NO_PULSE);
    assert_int_equal(l->reason[90], PSY_PAT_NO_PULSE);
    assert_int_equal(l->reason[120], PSY_PAT_NO_PPG);
    assert_true(isnan(l->pat_ms[50]) && isnan(l->pat_upstroke_ms[70]) && isnan(l->foot_s[90]));
    assert_int_equal(l->n_valid, N_BEATS - 5);
    assert_int_equal(l->counts[PSY_PAT_VALID], N_BEATS - 5);
    assert_int_equal(l->counts[PSY_PAT_NO_PULSE], 2);
    /* R-peaks before the first pulse and after the last: no PPG there. */
    psy_pat_list_free(l);
    p->foot_s += 10;
    p->upstroke_s += 10;
    p->cls += 10;
    p->rr_ms += 10;
    size_t n = p->n;
    p->n -= 20;
    p->rr_ms[0] = NAN;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(l->reason[0], PSY_PAT_NO_PPG);
    assert_int_equal(l->reason[9], PSY_PAT_NO_PPG);
    assert_int_equal(l->reason[11], PSY_PAT_VALID);
    assert_int_equal(l->reason[N_BEATS - 1], PSY_PAT_NO_PPG);
    psy_pat_list_free(l);
    p->foot_s -= 10;
    p->upstroke_s -= 10;
    p->cls -= 10;
    p->rr_ms -= 10;
    p->n = n;
    /* A delay outside the plausible range: implausible, whatever the pairing. */
    psy_pat_config c = psy_pat_config_default();
    c.max_s = 0.2;
    c.min_s = 0.01;
    assert_int_equal(psy_pat_compute(b, p, &c, &l), PSY_OK);
    assert_int_equal(l->n_valid, 0);
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
}

/* Beats and pulses whose PPG clock drifts by 1500 ppm: a delay steady beat by beat, moving
 * 240 ms in 160 s. */
static void make_drifting(psy_beat_list **b, psy_beat_list **p)
{
    make(0.8, 0.05, 0.25, b, p);
    for (size_t i = 0; i < (*p)->n; i++) {
        (*p)->foot_s[i] += 0.0015 * ((*p)->foot_s[i] - 1) - 0.12;
        (*p)->upstroke_s[i] = (*p)->foot_s[i] + 0.04;
    }
}

/* Pulses of another device whose clock runs 2 s ahead: feet fall near R-peaks of other beats and
 * carry those beats' interval changes: refused as a whole. */
static void test_other_clock(void **state)
{
    (void)state;
    psy_beat_list *b, *p;
    make(0.8, 0.05, 0.25, &b, &p);
    for (size_t i = 0; i < p->n; i++) {
        p->foot_s[i] += 2.0;
        p->upstroke_s[i] += 2.0;
    }
    psy_pat_list *l = NULL;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    print_message("other clock: delay %.0f ms, jitter %.1f ms, %zu refused, %zu without a pulse\n", l->delay_ms,
                  l->jitter_ms, l->counts[PSY_PAT_NOT_FOLLOWING], l->counts[PSY_PAT_NO_PULSE]);
    assert_int_equal(l->n_valid, 0);
    assert_true(l->jitter_ms > 20);
    assert_true(l->counts[PSY_PAT_NOT_FOLLOWING] > N_BEATS / 2);
    for (size_t i = 0; i < l->n; i++) assert_true(isnan(l->pat_ms[i]));
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
    /* a drifting clock: steady beat by beat, refused by its trend */
    make_drifting(&b, &p);
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_true(l->jitter_ms < 5 && l->trend_ms > 150);
    assert_int_equal(l->n_valid, 0);
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
}

/* A list refused by its valid share alone (jitter and trend within their limits): the warning
 * named jitter and trend figures inside the limits, the summary "the pulse is not a normal pulse":
 * both now say the test that failed. */
static void test_refusal_names_the_test(void **state)
{
    (void)state;
    psy_beat_list *b, *p;
    make(0.8, 0.05, 0.25, &b, &p);
    for (size_t i = 0; i < N_BEATS; i++)
        if (i % 5 < 3) p->cls[i] = PSY_BEAT_EXTRA; /* 40 % of the pulses normal */
    psy_pat_list *l = NULL;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(l->n_valid, 0);
    assert_true(fabs(l->valid_pct - 40) < 1);
    psy_message m;
    assert_int_equal(psy_pat_why_refused(l, NULL, &m), 1);
    assert_non_null(strstr(m.text, "the pulses do not follow the R-peaks beat by beat"));
    assert_non_null(strstr(m.text, ": a valid PAT at 40 % of the R-peaks with PPG, below min_valid_pct 50"));
    assert_null(strstr(m.text, "max_jitter_ms"));
    assert_null(strstr(m.text, "max_trend_ms"));
    psy_pat_summary s;
    assert_int_equal(psy_pat_summarize(l, 0, 1e9, &s), PSY_OK);
    assert_int_equal(s.why, PSY_PAT_NOT_FOLLOWING); /* was the commonest beat reason */
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
    /* the drifting clock: the trend test, with its figure */
    make_drifting(&b, &p);
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(psy_pat_why_refused(l, NULL, &m), 1);
    assert_non_null(strstr(m.text, "over the recording, beyond max_trend_ms 150"));
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
    /* a list accepted: nothing to say */
    make(0.8, 0.05, 0.25, &b, &p);
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(psy_pat_why_refused(l, NULL, &m), 0);
    assert_string_equal(m.text, "");
    assert_int_equal(psy_pat_why_refused(NULL, NULL, &m), 0);
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
}

/* PAT falling by 80 ms over 160 s (rising blood pressure): followed, every beat valid. */
static void test_slow_change(void **state)
{
    (void)state;
    psy_beat_list *b, *p;
    make(0.8, 0.05, 0.3, &b, &p);
    for (size_t i = 0; i < p->n; i++) {
        p->foot_s[i] -= 0.08 * (double)i / N_BEATS;
        p->upstroke_s[i] = p->foot_s[i] + 0.04;
    }
    psy_pat_list *l = NULL;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(l->n_valid, N_BEATS);
    assert_true(fabs(l->trend_ms + 80) < 5);
    assert_true(fabs(l->pat_ms[N_BEATS - 1] - 1000 * (p->foot_s[N_BEATS - 1] - b->onset_s[N_BEATS - 1])) < 1e-9);
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
}

static void test_summary(void **state)
{
    (void)state;
    psy_beat_list *b, *p;
    make(0.8, 0.05, 0.25, &b, &p);
    for (size_t i = 100; i < 140; i++) p->cls[i] = PSY_BEAT_EXTRA;
    psy_pat_list *l = NULL;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    psy_pat_summary s;
    assert_int_equal(psy_pat_summarize(l, 0, 1e9, &s), PSY_OK);
    assert_int_equal(s.n_beats, N_BEATS);
    assert_int_equal(s.n_valid, N_BEATS - 40);
    assert_true(fabs(s.mean_ms - 250) < 4 && fabs(s.median_ms - 250) < 4 && s.sd_ms > 0 && s.sd_ms < 4);
    assert_true(fabs(s.mean_upstroke_ms - s.mean_ms - 40) < 1e-6);
    assert_true(fabs(s.median_upstroke_ms - s.median_ms - 40) < 1e-6);
    /* The stretch of extra pulses: n/a with their reason. */
    assert_int_equal(psy_pat_summarize(l, l->r_onset_s[100], l->r_onset_s[140], &s), PSY_OK);
    assert_int_equal(s.n_beats, 40);
    assert_true(isnan(s.mean_ms) && isnan(s.sd_ms) && isnan(s.median_upstroke_ms));
    assert_int_equal(s.why, PSY_PAT_PULSE_NOT_NORMAL);
    /* Half the span valid is enough; fewer than 5 beats is not. */
    assert_int_equal(psy_pat_summarize(l, l->r_onset_s[80], l->r_onset_s[120], &s), PSY_OK);
    assert_int_equal(s.n_valid, 20);
    assert_false(isnan(s.mean_ms));
    assert_int_equal(psy_pat_summarize(l, l->r_onset_s[0], l->r_onset_s[4], &s), PSY_OK);
    assert_true(isnan(s.median_ms));
    assert_int_equal(s.why, PSY_PAT_VALID);
    assert_int_equal(psy_pat_summarize(l, 5, 4, &s), PSY_E_INVALID);
    assert_int_equal(psy_pat_summarize(NULL, 0, 4, &s), PSY_E_INVALID);
    psy_pat_list_free(l);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    psy_beat_list *b, *p;
    make(0.8, 0.05, 0.25, &b, &p);
    psy_pat_list *l = (psy_pat_list *)b;
    assert_int_equal(psy_pat_compute(p, p, NULL, &l), PSY_E_INVALID); /* pulses as R-peaks */
    assert_null(l);
    assert_int_equal(psy_pat_compute(b, b, NULL, &l), PSY_E_INVALID); /* R-peaks as pulses */
    assert_int_equal(psy_pat_compute(NULL, p, NULL, &l), PSY_E_INVALID);
    assert_int_equal(psy_pat_compute(b, p, NULL, NULL), PSY_E_INVALID);
    b->sample[0] = -1; /* beats of an RR channel: no R-peak times */
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_E_INVALID);
    b->sample[0] = 250;
    psy_pat_config c = psy_pat_config_default();
    c.max_s = c.min_s;
    assert_int_equal(psy_pat_compute(b, p, &c, &l), PSY_E_INVALID);
    c = psy_pat_config_default();
    c.tolerance_s = NAN;
    assert_int_equal(psy_pat_compute(b, p, &c, &l), PSY_E_INVALID);
    c = psy_pat_config_default();
    c.max_trend_ms = 0;
    assert_int_equal(psy_pat_compute(b, p, &c, &l), PSY_E_INVALID);
    c = psy_pat_config_default();
    c.min_valid_pct = 101;
    assert_int_equal(psy_pat_compute(b, p, &c, &l), PSY_E_INVALID);
    /* Empty lists: nothing to pair, no failure. */
    size_t n = p->n;
    p->n = 0;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(l->n_valid, 0);
    assert_true(isnan(l->delay_ms));
    psy_pat_list_free(l);
    p->n = n;
    b->n = 0;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    assert_int_equal(l->n, 0);
    psy_pat_list_free(l);
    b->n = N_BEATS;
    assert_string_equal(psy_pat_reason_text(PSY_PAT_NO_PPG), "no usable PPG at the pulse's arrival");
    psy_beat_list_free(b);
    psy_beat_list_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_valid),           cmocka_unit_test(test_delay_longer_than_rr),
        cmocka_unit_test(test_reasons),             cmocka_unit_test(test_other_clock),
        cmocka_unit_test(test_slow_change),         cmocka_unit_test(test_summary),
        cmocka_unit_test(test_bad_arguments),       cmocka_unit_test(test_refusal_names_the_test),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
