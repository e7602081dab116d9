/* Beats of a recording: two ECG leads combined, an RR channel taken as it is, bad requests. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

#define RATE 250.0
#define SECONDS 60
#define N ((int64_t)(RATE * SECONDS))

typedef struct two_leads {
    double *lead[2];
} two_leads;

static psy_status leads_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    const two_leads *t = impl;
    memcpy(out, t->lead[ch] + start, (size_t)n * sizeof *out);
    return PSY_OK;
}

static void leads_destroy(void *impl)
{
    two_leads *t = impl;
    free(t->lead[0]);
    free(t->lead[1]);
    free(t);
}

static double gauss(double t, double w) { return exp(-0.5 * (t / w) * (t / w)); }

static psy_reader *leads_reader(two_leads *t);

/* Beats every 0.8 s from 0.5 s; lead 0 loses 10 s to NaN and has sharp spikes between beats,
 * lead 1 (smaller, other shape) is clean. */
static psy_reader *make_two_leads(int64_t *truth, size_t *n_truth)
{
    two_leads *t = calloc(1, sizeof *t);
    t->lead[0] = malloc((size_t)N * sizeof(double));
    t->lead[1] = malloc((size_t)N * sizeof(double));
    *n_truth = 0;
    for (double b = 0.5; b < SECONDS - 0.5; b += 0.8) truth[(*n_truth)++] = (int64_t)llround(b * RATE);
    for (int64_t i = 0; i < N; i++) {
        double tt = (double)i / RATE, v0 = 0, v1 = 0;
        for (size_t k = 0; k < *n_truth; k++) {
            double d = tt - (double)truth[k] / RATE;
            if (fabs(d) > 0.5) continue;
            v0 += gauss(d, 0.010) + 0.3 * gauss(d - 0.25, 0.04);
            v1 += 0.6 * gauss(d, 0.012) - 0.2 * gauss(d - 0.03, 0.01) + 0.2 * gauss(d - 0.26, 0.05);
        }
        t->lead[0][i] = tt >= 20 && tt < 30 ? NAN : v0;
        t->lead[1][i] = v1 + 0.001 * sin(7.0 * i);
    }
    for (size_t k = 30; k + 1 < *n_truth; k += 9) { /* a spike half-way to the next beat */
        int64_t mid = (truth[k] + truth[k + 1]) / 2;
        for (int d = -2; d <= 2; d++) t->lead[0][mid + d] += 0.9 * (1 - abs(d) / 3.0);
    }
    return leads_reader(t);
}

/* A reader of the two leads of t (leads II and V1, RATE, N samples; takes t). */
static psy_reader *leads_reader(two_leads *t)
{
    static const psy_reader_ops ops = {leads_read, NULL, leads_destroy};
    psy_reader *r = psy_reader_new("test");
    psy_channel_info c = {0};
    c.rate_hz = RATE;
    c.frames = N;
    c.type = PSY_CH_ECG;
    strcpy(c.file_unit, "mV");
    strcpy(c.label, "II");
    psy_reader_add_channel(r, &c, 0);
    strcpy(c.label, "V1");
    psy_reader_add_channel(r, &c, 0);
    psy_reader_set_impl(r, &ops, t);
    assert_int_equal(psy_reader_finish(r), PSY_OK);
    return r;
}

/* True beats with a detection within tol (counting those classed extra too when any_class). */
static size_t found_any(const psy_beat_list *b, const int64_t *truth, size_t n_truth, int64_t tol,
                        int any_class)
{
    size_t hits = 0;
    for (size_t k = 0; k < n_truth; k++)
        for (size_t i = 0; i < b->n; i++)
            if (llabs(b->sample[i] - truth[k]) <= tol && (any_class || b->cls[i] != PSY_BEAT_EXTRA)) {
                hits++;
                break;
            }
    return hits;
}

static size_t found(const psy_beat_list *b, const int64_t *truth, size_t n_truth, int64_t tol)
{
    return found_any(b, truth, n_truth, tol, 0);
}

static void test_two_leads(void **state)
{
    (void)state;
    int64_t truth[128];
    size_t n_truth;
    psy_reader *r = make_two_leads(truth, &n_truth);
    psy_beat_list *one = NULL, *two = NULL;
    psy_message why;
    assert_int_equal(psy_beats_detect(r, 0, NULL, &one, &why), PSY_OK);
    int ch[2] = {0, 1};
    assert_int_equal(psy_beats_detect_leads(r, ch, 2, NULL, &two, &why), PSY_OK);
    /* Lead II alone loses the beats in its NaN stretch (about 12). */
    assert_true(found(one, truth, n_truth, 3) < n_truth - 10);
    assert_int_equal(one->n_gaps, 1);
    /* Combined: every beat, the NaN stretch bridged by V1, no spike taken for a beat, no gap. */
    assert_int_equal(found(two, truth, n_truth, 5), n_truth);
    size_t beats = 0; /* detections not classed as extra */
    for (size_t i = 0; i < two->n; i++) beats += two->cls[i] != PSY_BEAT_EXTRA;
    assert_int_equal(beats, n_truth);
    assert_int_equal(two->n_gaps, 0);
    for (size_t i = 1; i < two->n; i++) assert_true(two->sample[i] > two->sample[i - 1]);
    /* The combined columns belong together, the second lead's beats too: each onset is its R-peak's
     * sample on the time axis (within the sub-sample offset), each amplitude its R-peak's: lead II's
     * own where lead II has the beat (R ~1.0), V1's in lead II's NaN stretch (R ~0.6). */
    size_t from_v1 = 0;
    for (size_t i = 0; i < two->n; i++) {
        assert_true(fabs(two->onset_s[i] - (double)two->sample[i] / RATE) <= 2.0 / RATE);
        size_t j = 0;
        while (j < one->n && one->sample[j] != two->sample[i]) j++;
        if (j < one->n) {
            assert_true(two->amplitude[i] == one->amplitude[j]);
        } else {
            assert_true(two->amplitude[i] > 0.4 && two->amplitude[i] < 0.8);
            from_v1++;
        }
    }
    assert_true(from_v1 >= 10); /* the NaN stretch's beats */
    psy_beat_list_free(one);
    psy_beat_list_free(two);
    /* Leads must share a rate and be signals. */
    int bad[2] = {0, 0};
    assert_int_equal(psy_beats_detect_leads(r, bad, 3, NULL, &two, &why), PSY_E_INVALID);
    assert_null(two);
    psy_reader_close(r);
}

/* Beats every 0.8 s; every fifth interval holds an interpolated premature beat 0.45 s after the
 * beat before it, so that its two intervals add up to one normal interval. On lead II it has the
 * sinus shape; on V1 (its axis nearly perpendicular) it is a twelfth of the sinus QRS, under V1's
 * detector's threshold. Both leads are clean. */
static psy_reader *make_premature(int64_t *truth, size_t *n_truth, size_t *n_premature)
{
    two_leads *t = calloc(1, sizeof *t);
    t->lead[0] = malloc((size_t)N * sizeof(double));
    t->lead[1] = malloc((size_t)N * sizeof(double));
    *n_truth = *n_premature = 0;
    double size[128];
    for (int k = 0; 0.5 + 0.8 * k < SECONDS - 0.5; k++) {
        size[*n_truth] = 1;
        truth[(*n_truth)++] = (int64_t)llround((0.5 + 0.8 * k) * RATE);
        if (k >= 10 && k % 5 == 0 && 0.5 + 0.8 * (k + 1) < SECONDS - 0.5) {
            size[*n_truth] = 1.0 / 12;
            truth[(*n_truth)++] = (int64_t)llround((0.95 + 0.8 * k) * RATE);
            (*n_premature)++;
        }
    }
    for (int64_t i = 0; i < N; i++) {
        double tt = (double)i / RATE, v0 = 0, v1 = 0;
        for (size_t k = 0; k < *n_truth; k++) {
            double d = tt - (double)truth[k] / RATE;
            if (fabs(d) > 0.5) continue;
            v0 += gauss(d, 0.010) + 0.3 * gauss(d - 0.25, 0.04) * (size[k] == 1);
            v1 += size[k] * (0.6 * gauss(d, 0.012) - 0.2 * gauss(d - 0.03, 0.01)) + 0.2 * gauss(d - 0.26, 0.05) * (size[k] == 1);
        }
        t->lead[0][i] = v0 + 0.001 * sin(5.0 * i);
        t->lead[1][i] = v1 + 0.001 * sin(7.0 * i);
    }
    return leads_reader(t);
}

/* Issue 14: a premature beat one lead shows clearly stays, however its intervals add up (the
 * other lead, nearly blind to it, does not refute a QRS of the first lead's dominant shape). */
static void test_two_leads_keep_premature(void **state)
{
    (void)state;
    int64_t truth[128];
    size_t n_truth, n_premature;
    psy_reader *r = make_premature(truth, &n_truth, &n_premature);
    assert_true(n_premature >= 8);
    psy_beat_list *one = NULL, *two = NULL;
    psy_message why;
    assert_int_equal(psy_beats_detect(r, 0, NULL, &one, &why), PSY_OK);
    int ch[2] = {0, 1};
    assert_int_equal(psy_beats_detect_leads(r, ch, 2, NULL, &two, &why), PSY_OK);
    /* Lead II alone finds every beat; combined with V1, still every one (whatever the RR
     * classifier then calls the intervals: that concerns the NN series, not the beats). */
    assert_int_equal(found_any(one, truth, n_truth, 3, 1), n_truth);
    assert_int_equal(one->n, n_truth);
    psy_beat_list *v1 = NULL; /* V1 alone misses the premature beats: the leads disagree there */
    assert_int_equal(psy_beats_detect(r, 1, NULL, &v1, &why), PSY_OK);
    assert_int_equal(found_any(v1, truth, n_truth, 5, 1), n_truth - n_premature);
    psy_beat_list_free(v1);
    assert_int_equal(found_any(two, truth, n_truth, 3, 1), n_truth);
    assert_int_equal(two->n, n_truth);
    psy_beat_list_free(one);
    psy_beat_list_free(two);
    psy_reader_close(r);
}

/* An RR channel: its intervals are the beats' RR, classified and corrected. */
static const double rr_values[] = {800, 810, 790, 805, 795, 800, 480, 1120, 800, 805, 798, 802};

static psy_status rr_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)impl, (void)ch;
    memcpy(out, rr_values + start, (size_t)n * sizeof *out);
    return PSY_OK;
}

static psy_status rr_times(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)impl, (void)ch;
    double t = 0;
    for (int64_t i = 0; i < start + n; i++) {
        t += rr_values[i] / 1000.0;
        if (i >= start) out[i - start] = t;
    }
    return PSY_OK;
}

/* A reader with one RR channel (ms) of n values served by ops. */
static psy_reader *rr_reader(const char *label, int64_t n, const psy_reader_ops *ops)
{
    psy_reader *r = psy_reader_new("test");
    psy_channel_info c = {0};
    snprintf(c.label, sizeof c.label, "%s", label);
    strcpy(c.file_unit, "ms");
    c.type = PSY_CH_RR;
    c.frames = n;
    psy_reader_add_channel(r, &c, 0);
    psy_reader_set_impl(r, ops, NULL);
    assert_int_equal(psy_reader_finish(r), PSY_OK);
    return r;
}

static void test_rr_channel(void **state)
{
    (void)state;
    static const psy_reader_ops ops = {rr_read, rr_times, NULL};
    psy_reader *r = rr_reader("RR", 12, &ops);
    psy_beat_list *b = NULL;
    psy_message why;
    assert_int_equal(psy_beats_detect(r, 0, NULL, &b, &why), PSY_OK);
    assert_int_equal(b->n, 12);
    assert_int_equal(b->sample[0], -1);
    assert_true(b->rr_ms[6] == 480 && fabs(b->onset_s[6] - 5.28) < 1e-9);
    assert_int_equal(b->cls[6], PSY_BEAT_ECTOPIC); /* premature, then a compensatory pause */
    assert_int_equal(b->counts.n[PSY_BEAT_ECTOPIC], 1);
    assert_true(b->n_nn == 12);
    psy_beat_list_free(b);
    int two[2] = {0, 0};
    assert_int_equal(psy_beats_detect_leads(r, two, 2, NULL, &b, &why), PSY_E_INVALID);
    psy_reader_close(r);
}

/* A device RR list that drops beats (Empatica IBI.csv): the times jump over them. The intervals
 * stay as they are; no interval or correction spans the jump. */
static const double dropped_rr[] = {800, 802, 804, 806, 808, 800, 802, 804, 806, 808};
static const double dropped_t[] = {0.8, 1.602, 2.406, 3.212, 4.02, 10.0, 10.802, 11.606, 12.412, 13.22};

static psy_status dropped_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)impl, (void)ch;
    memcpy(out, dropped_rr + start, (size_t)n * sizeof *out);
    return PSY_OK;
}

static psy_status dropped_times(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)impl, (void)ch;
    memcpy(out, dropped_t + start, (size_t)n * sizeof *out);
    return PSY_OK;
}

static void test_rr_channel_with_dropped_beats(void **state)
{
    (void)state;
    static const psy_reader_ops ops = {dropped_read, dropped_times, NULL};
    psy_reader *r = rr_reader("IBI", 10, &ops);
    psy_beat_list *b = NULL;
    psy_message why;
    assert_int_equal(psy_beats_detect(r, 0, NULL, &b, &why), PSY_OK);
    assert_int_equal(b->n_nn, 10);
    for (size_t i = 0; i < b->n_nn; i++) {
        assert_true(fabs(b->nn_ms[i] - dropped_rr[i]) < 1e-9); /* never the 5.2 s jump */
        assert_int_equal(b->nn_corrected[i], 0);
    }
    psy_beat_list_free(b);
    psy_reader_close(r);
}

/* psy_beats_nn_runs on a beat list's onsets, intervals and classes (what a beats table holds)
 * gives back the list's own NN series; run_start marks where a run begins. */
static void check_nn_runs(const psy_beat_list *b, size_t first, size_t second)
{
    size_t max = 2 * b->n + 1, n = 0;
    double *nn = malloc(max * sizeof *nn), *t = malloc(max * sizeof *t);
    uint8_t *corr = malloc(max), *start = malloc(max);
    psy_message why;
    assert_int_equal(psy_beats_nn_runs(b->onset_s, b->rr_ms, b->cls, b->n, NULL, nn, t, corr, start, max, &n, &why),
                     PSY_OK);
    assert_int_equal(n, b->n_nn);
    for (size_t i = 0; i < n; i++) {
        assert_true(nn[i] == b->nn_ms[i] && t[i] == b->nn_onset_s[i]);
        assert_int_equal(corr[i], b->nn_corrected[i]);
        assert_int_equal(start[i], i == first || i == second);
    }
    assert_int_equal(psy_beats_nn_runs(b->onset_s, b->rr_ms, NULL, b->n, NULL, nn, t, corr, start, max, &n, &why),
                     PSY_E_INVALID);
    free(nn), free(t), free(corr), free(start);
}

static void test_nn_runs(void **state)
{
    (void)state;
    static const psy_reader_ops ops = {rr_read, rr_times, NULL}, dropped = {dropped_read, dropped_times, NULL};
    psy_reader *r = rr_reader("RR", 12, &ops);
    psy_beat_list *b = NULL;
    psy_message why;
    assert_int_equal(psy_beats_detect(r, 0, NULL, &b, &why), PSY_OK);
    assert_int_equal(b->counts.n[PSY_BEAT_ECTOPIC], 1); /* a corrected beat within the run */
    check_nn_runs(b, 0, 0);
    psy_beat_list_free(b);
    psy_reader_close(r);
    r = rr_reader("IBI", 10, &dropped);
    assert_int_equal(psy_beats_detect(r, 0, NULL, &b, &why), PSY_OK);
    check_nn_runs(b, 0, 5); /* the jump over dropped beats starts a second run */
    psy_beat_list_free(b);
    psy_reader_close(r);
}

/* The beats table's `corrected`: an artefact's own interval, and the next one unless the artefact
 * was a missed beat (its inserted beat splits only its own interval). */
static void test_interval_corrected(void **state)
{
    (void)state;
    assert_false(psy_beat_interval_corrected(PSY_BEAT_NORMAL, 0, PSY_BEAT_ECTOPIC));
    assert_false(psy_beat_interval_corrected(PSY_BEAT_NORMAL, 1, PSY_BEAT_NORMAL));
    assert_false(psy_beat_interval_corrected(PSY_BEAT_NORMAL, 1, PSY_BEAT_MISSED));
    for (int c = PSY_BEAT_ECTOPIC; c < PSY_BEAT_CLASS_COUNT; c++) {
        assert_true(psy_beat_interval_corrected((psy_beat_class)c, 0, PSY_BEAT_NORMAL));
        if (c != PSY_BEAT_MISSED) assert_true(psy_beat_interval_corrected(PSY_BEAT_NORMAL, 1, (psy_beat_class)c));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_two_leads),
                                       cmocka_unit_test(test_two_leads_keep_premature),
                                       cmocka_unit_test(test_rr_channel),
                                       cmocka_unit_test(test_rr_channel_with_dropped_beats),
                                       cmocka_unit_test(test_interval_corrected),
                                       cmocka_unit_test(test_nn_runs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
