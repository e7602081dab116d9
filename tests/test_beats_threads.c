/* The beats' stages side by side in threads, each the same as on one thread: the channel read
 * ahead (beats_feed_channel, analysis/beats_feed.c) gives the detector the same blocks in the
 * same order, so the same beats and gaps, and the same return and message on a read error or a
 * push's error; the streamed beats classified beside the detector (beats_detect_streamed) give
 * the same table, counts and NN series as on one thread and as the whole beat list, with gaps of
 * every length at every phase of the beats (every gap before a beat reaches the classifier
 * first), with beats on a flat gap's plateau (reported before the gap: the classifier holds them)
 * and on real records, and the same NN series when the classifying thread spools it (nn_spool.h);
 * a classifier's failure gives its own status and message either way. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The counting allocator replaces malloc/free for every test here, threaded ones too; its peak is
 * updated without atomics (a benign race), read only by the single-threaded heap test. */
#define PSY_TEST_COUNT_BYTES 1
#include "alloc_count.h"

#include "beats_internal.h"
#include "nn_spool.h"
#include "reader_impl.h"
#include "psyphys/ecg.h"

#define RATE 250.0
#define N ((int64_t)(RATE * 600)) /* 10 min */
#define BLOCK 4096                /* 37 blocks */

/* A generated ECG (beats every 0.8 s with a little variability, 20 s of NaN at 4 min, a flat 3 s
 * at 7 min; with many_gaps 1, gaps of 0.004 to 3 s at every phase of the beats, NaN or flat, every
 * 5.3 s; with many_gaps 2, every 15th beat clipped into a plateau of 2.5 to 4 s from about one sample
 * before its detected R-peak to one after, as saturation or a lead coming off: a flat gap dated
 * back to before most of these beats, emitted only where it ends) read through psy_reader_read;
 * a read of sample fail_at fails with PSY_E_IO. */
typedef struct ecg_impl {
    double *x;
    int64_t fail_at; /* -1: never */
} ecg_impl;

static psy_status ecg_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)ch;
    const ecg_impl *e = impl;
    if (e->fail_at >= start && e->fail_at < start + n) return PSY_E_IO;
    memcpy(out, e->x + start, (size_t)n * sizeof *out);
    return PSY_OK;
}

static void ecg_destroy(void *impl)
{
    ecg_impl *e = impl;
    free(e->x);
    free(e);
}

static psy_reader *ecg_reader_of(int64_t frames, int64_t fail_at, int many_gaps)
{
    ecg_impl *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->x = malloc((size_t)frames * sizeof *e->x);
    assert_non_null(e->x);
    e->fail_at = fail_at;
    for (int64_t i = 0; i < frames; i++) e->x[i] = 0.01 * sin(0.3 * (double)i);
    for (double t = 0.5; t < frames / RATE - 0.5; t += 0.8 + 0.04 * sin(t)) {
        int64_t c = (int64_t)llround(t * RATE);
        for (int64_t i = c - 10; i <= c + 10; i++) e->x[i] += exp(-0.5 * pow((double)(i - c) / 2.5, 2));
    }
    int k = 0;
    for (double t = 0.5; many_gaps == 2 && t < frames / RATE - 5; t += 0.8 + 0.04 * sin(t), k++) {
        int64_t c = (int64_t)llround(t * RATE) + k % 3 - 2; /* -2 .. 0 samples from the generated peak */
        if (k % 15 == 14)
            for (int64_t i = c; i < c + (int64_t)((2.5 + 0.5 * (k % 4)) * RATE); i++) e->x[i] = 0.8;
    }
    for (int64_t i = (int64_t)(240 * RATE); i < (int64_t)(260 * RATE); i++) e->x[i] = NAN;
    for (int64_t i = (int64_t)(420 * RATE); i < (int64_t)(423 * RATE); i++) e->x[i] = 0.5;
    for (k = 0; many_gaps == 1 && (5.3 * k + 4) * RATE < frames; k++) {
        int64_t at = (int64_t)((5.3 * k + 0.37 * (k % 7)) * RATE);
        int64_t len = (int64_t)(RATE * (k % 5 == 4 ? 2.5 + 0.1 * (k % 3) : 0.004 + 0.3 * (k % 11)));
        for (int64_t i = at; i < at + len && i < frames; i++) e->x[i] = k % 5 == 4 ? 0.25 : NAN;
    }
    static const psy_reader_ops ops = {ecg_read, NULL, ecg_destroy};
    psy_reader *r = psy_reader_new("test");
    psy_channel_info c = {0};
    c.rate_hz = RATE;
    c.frames = frames;
    c.type = PSY_CH_ECG;
    strcpy(c.label, "ECG");
    strcpy(c.file_unit, "mV");
    psy_reader_add_channel(r, &c, 0);
    psy_reader_set_impl(r, &ops, e);
    assert_int_equal(psy_reader_finish(r), PSY_OK);
    return r;
}

static psy_reader *ecg_reader_with(int64_t fail_at, int many_gaps) { return ecg_reader_of(N, fail_at, many_gaps); }
static psy_reader *ecg_reader(int64_t fail_at) { return ecg_reader_with(fail_at, 0); }

/* What the pushes gave: every sample, each push's length in turn, and the detector's output. */
typedef struct pushed {
    double *x;
    size_t n, pushes, push_len[64];
    size_t fail_after;           /* pushes before the one that fails with PSY_E_NOMEM (0: none) */
    psy_ecg_detector *d;
    psy_ecg_beat beats[2048];
    psy_ecg_gap gaps[16];
    size_t n_beats, n_gaps;
} pushed;

static psy_status record(void *ctx, const double *x, size_t n, size_t *used)
{
    pushed *p = ctx;
    if (p->fail_after && p->pushes == p->fail_after) return PSY_E_NOMEM;
    assert_true(p->pushes < 64);
    assert_true(p->n + n <= (size_t)N);
    memcpy(p->x + p->n, x, n * sizeof *x);
    p->n += n;
    p->push_len[p->pushes++] = n;
    assert_int_equal(psy_ecg_detector_push(p->d, x, n, used), PSY_OK);
    assert_int_equal(*used, n); /* popped after every push: the queue never fills */
    p->n_beats += psy_ecg_detector_pop_beats(p->d, p->beats + p->n_beats, 2048 - p->n_beats);
    p->n_gaps += psy_ecg_detector_pop_gaps(p->d, p->gaps + p->n_gaps, 16 - p->n_gaps);
    return PSY_OK;
}

/* Feeds r's channel with may_thread into *p (fail_after as given); returns the status, why set. */
static psy_status feed(psy_reader *r, int may_thread, size_t fail_after, pushed *p, psy_message *why)
{
    memset(p, 0, sizeof *p);
    p->x = malloc((size_t)N * sizeof *p->x);
    assert_non_null(p->x);
    p->fail_after = fail_after;
    psy_ecg_detector_config dc = psy_ecg_detector_config_default(RATE);
    assert_int_equal(psy_ecg_detector_create(&dc, &p->d), PSY_OK);
    memset(why, 0, sizeof *why);
    psy_status st = beats_feed_channel(r, 0, BLOCK, may_thread, record, p, why);
    if (st == PSY_OK) {
        psy_ecg_detector_finish(p->d);
        p->n_beats += psy_ecg_detector_pop_beats(p->d, p->beats + p->n_beats, 2048 - p->n_beats);
        p->n_gaps += psy_ecg_detector_pop_gaps(p->d, p->gaps + p->n_gaps, 16 - p->n_gaps);
    }
    psy_ecg_detector_destroy(p->d);
    return st;
}

static void assert_same_gaps(const psy_ecg_gap *a, const psy_ecg_gap *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_true(a[i].start == b[i].start && a[i].end == b[i].end && a[i].flat == b[i].flat);
}

static void assert_same_pushes(const pushed *a, const pushed *b)
{
    assert_int_equal(a->pushes, b->pushes);
    assert_memory_equal(a->push_len, b->push_len, a->pushes * sizeof *a->push_len);
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) /* NaN compared as NaN */
        assert_true(a->x[i] == b->x[i] || (isnan(a->x[i]) && isnan(b->x[i])));
    assert_int_equal(a->n_beats, b->n_beats);
    for (size_t i = 0; i < a->n_beats; i++) {
        const psy_ecg_beat *x = &a->beats[i], *y = &b->beats[i];
        assert_true(x->sample == y->sample && x->offset == y->offset && x->amplitude == y->amplitude &&
                    x->searchback == y->searchback && x->snr == y->snr &&
                    (x->likeness == y->likeness || (isnan(x->likeness) && isnan(y->likeness))));
    }
    assert_int_equal(a->n_gaps, b->n_gaps);
    assert_same_gaps(a->gaps, b->gaps, a->n_gaps);
}

static void read_ahead_same_as_one_thread(void **state)
{
    (void)state;
    psy_reader *r = ecg_reader(-1);
    pushed one, two;
    psy_message why;
    assert_int_equal(feed(r, 0, 0, &one, &why), PSY_OK);
    assert_int_equal(feed(r, 1, 0, &two, &why), PSY_OK);
    assert_int_equal(one.n, (size_t)N);
    assert_int_equal(one.pushes, (N + BLOCK - 1) / BLOCK);
    assert_true(one.n_beats > 700 && one.n_gaps == 2); /* a real detection, the NaN and flat gaps */
    assert_same_pushes(&one, &two);
    free(one.x), free(two.x);
    psy_reader_close(r);
}

static void read_error_same_as_one_thread(void **state)
{
    (void)state;
    const int64_t fail_at[] = {0, 5 * BLOCK + 17, N - 1};
    for (size_t k = 0; k < sizeof fail_at / sizeof fail_at[0]; k++) {
        psy_reader *r = ecg_reader(fail_at[k]);
        pushed one, two;
        psy_message why_one, why_two;
        assert_int_equal(feed(r, 0, 0, &one, &why_one), PSY_E_IO);
        assert_int_equal(feed(r, 1, 0, &two, &why_two), PSY_E_IO);
        assert_int_equal(one.n, (size_t)(fail_at[k] / BLOCK * BLOCK)); /* the blocks before it */
        assert_same_pushes(&one, &two);
        assert_string_equal(why_one.text, why_two.text);
        char expected[128];
        snprintf(expected, sizeof expected, "reading channel 'ECG' at sample %lld: %s",
                 (long long)(fail_at[k] / BLOCK * BLOCK), psy_strerror(PSY_E_IO));
        assert_string_equal(why_one.text, expected);
        free(one.x), free(two.x);
        psy_reader_close(r);
    }
}

/* A push that fails stops the reading: the same status, nothing more pushed, no hang. */
static void push_error_stops_reading(void **state)
{
    (void)state;
    psy_reader *r = ecg_reader(-1);
    const size_t fail_after[] = {1, 2, 20};
    for (size_t k = 0; k < sizeof fail_after / sizeof fail_after[0]; k++) {
        pushed one, two;
        psy_message why;
        assert_int_equal(feed(r, 0, fail_after[k], &one, &why), PSY_E_NOMEM);
        assert_int_equal(feed(r, 1, fail_after[k], &two, &why), PSY_E_NOMEM);
        assert_int_equal(one.pushes, fail_after[k]);
        assert_same_pushes(&one, &two);
        free(one.x), free(two.x);
    }
    psy_reader_close(r);
}

/* The beats of a lead through the library (its read-ahead taken) equal those fed on one thread. */
static void beats_detect_same_as_one_thread(void **state)
{
    (void)state;
    psy_reader *r = ecg_reader(-1);
    psy_beats_config cfg = psy_beats_config_default();
    cfg.block = BLOCK;
    psy_beat_list *b = NULL;
    psy_message why;
    assert_int_equal(psy_beats_detect(r, 0, &cfg, &b, &why), PSY_OK);
    pushed one;
    assert_int_equal(feed(r, 0, 0, &one, &why), PSY_OK);
    assert_int_equal(b->n, one.n_beats);
    for (size_t i = 0; i < b->n; i++) assert_int_equal(b->sample[i], one.beats[i].sample);
    assert_int_equal(b->n_gaps, one.n_gaps);
    free(one.x);
    psy_beat_list_free(b);
    psy_reader_close(r);
}

/* The whole text of fp. */
static char *text_of(FILE *fp)
{
    long n = ftell(fp);
    assert_true(n > 0);
    char *t = malloc((size_t)n + 1);
    assert_non_null(t);
    rewind(fp);
    assert_int_equal(fread(t, 1, (size_t)n, fp), (size_t)n);
    t[n] = '\0';
    return t;
}

/* The streamed beats of channel ch of r (blocks of block samples) with may_thread and spool (may
 * be NULL): *table their table's text. */
static psy_beat_list *streamed(psy_reader *r, int ch, size_t block, int may_thread, nn_spool *spool,
                               char **table)
{
    psy_beats_config cfg = psy_beats_config_default();
    cfg.block = block;
    FILE *fp = tmpfile();
    assert_non_null(fp);
    psy_beat_list *b = NULL;
    psy_message why;
    assert_int_equal(beats_detect_streamed(r, ch, &cfg, fp, may_thread, spool, &b, &why), PSY_OK);
    *table = text_of(fp);
    fclose(fp);
    return b;
}

/* The NN series, counts and gaps of two lists alike. */
static void assert_same_nn(const psy_beat_list *a, const psy_beat_list *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->n_searchback, b->n_searchback);
    assert_int_equal(a->n_nn, b->n_nn);
    assert_memory_equal(a->nn_ms, b->nn_ms, a->n_nn * sizeof *a->nn_ms);
    assert_memory_equal(a->nn_onset_s, b->nn_onset_s, a->n_nn * sizeof *a->nn_onset_s);
    assert_memory_equal(a->nn_corrected, b->nn_corrected, a->n_nn);
    assert_memory_equal(&a->counts, &b->counts, sizeof a->counts);
    assert_memory_equal(a->nn_left_out_s, b->nn_left_out_s, a->counts.nn_left_out * sizeof *a->nn_left_out_s);
    assert_int_equal(a->n_gaps, b->n_gaps);
    assert_same_gaps(a->gaps, b->gaps, a->n_gaps);
}

/* Channel ch of r streamed on one thread and on three, and kept whole: one table, one NN series;
 * the whole list returned. */
static psy_beat_list *assert_streamed_as_whole(psy_reader *r, int ch, size_t block)
{
    char *one_text, *three_text;
    psy_beat_list *one = streamed(r, ch, block, 0, NULL, &one_text),
                  *three = streamed(r, ch, block, 1, NULL, &three_text);
    assert_string_equal(one_text, three_text);
    assert_same_nn(one, three);
    psy_beats_config cfg = psy_beats_config_default();
    cfg.block = block;
    psy_beat_list *whole = NULL;
    psy_message why;
    assert_int_equal(psy_beats_detect(r, ch, &cfg, &whole, &why), PSY_OK);
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(psy_beats_write_table(fp, whole), PSY_OK);
    char *whole_text = text_of(fp);
    fclose(fp);
    assert_string_equal(three_text, whole_text);
    assert_same_nn(three, whole);
    free(one_text), free(three_text), free(whole_text);
    psy_beat_list_free(one), psy_beat_list_free(three);
    return whole;
}

/* The generated ECGs: with gaps of every kind, and beats on flat gaps' plateaus (reported before
 * the gap, their intervals n/a all the same). */
static void streamed_same_as_one_thread_and_whole(void **state)
{
    (void)state;
    for (int many_gaps = 0; many_gaps <= 2; many_gaps++) {
        psy_reader *r = ecg_reader_with(-1, many_gaps);
        psy_beat_list *whole = assert_streamed_as_whole(r, 0, BLOCK);
        /* the gaps broke the runs: intervals left n/a next to them */
        assert_true(many_gaps == 1 ? whole->n_gaps > 100 : many_gaps == 2 ? whole->n_gaps > 40 : whole->n_gaps == 2);
        size_t na = 0, inside = 0;
        for (size_t i = 1; i < whole->n; i++) na += isnan(whole->rr_ms[i]);
        for (size_t i = 0, g = 0; i < whole->n; i++) { /* beats on a flat gap's plateau */
            while (g < whole->n_gaps && whole->gaps[g].end <= whole->sample[i]) g++;
            inside += g < whole->n_gaps && whole->gaps[g].start < whole->sample[i];
        }
        assert_true(many_gaps == 2 ? inside > 10 : inside == 0);
        assert_true(2 * na > whole->n_gaps);
        psy_beat_list_free(whole);
        psy_reader_close(r);
    }
}

/* Streamed with the NN series spooled, on one thread and on three: on three the classifying
 * thread appends to the spool (and writes its full blocks of 4096 intervals), the calling thread
 * finishes it after the join. Read back, it is the series kept on one thread, bit for bit, with
 * the same table, either way. */
static void spooled_same_as_kept(void **state)
{
    (void)state;
    psy_reader *r = ecg_reader_of((int64_t)(RATE * 70 * 60), -1, 0); /* ~5,200 intervals */
    char *kept_text;
    psy_beat_list *kept = streamed(r, 0, BLOCK, 0, NULL, &kept_text);
    assert_true(kept->n_nn > 4096);
    for (int may_thread = 0; may_thread <= 1; may_thread++) {
        nn_spool *spool = nn_spool_create();
        assert_non_null(spool);
        char *text;
        psy_beat_list *b = streamed(r, 0, BLOCK, may_thread, spool, &text);
        assert_string_equal(kept_text, text);
        assert_null(b->nn_ms);
        assert_int_equal(spool->n, b->n_nn);
        psy_beat_list read_back = *b;
        read_back.nn_ms = malloc(b->n_nn * sizeof(double));
        read_back.nn_onset_s = malloc(b->n_nn * sizeof(double));
        read_back.nn_corrected = malloc(b->n_nn);
        assert_true(read_back.nn_ms && read_back.nn_onset_s && read_back.nn_corrected);
        assert_int_equal(nn_spool_read(spool, 0, b->n_nn, read_back.nn_ms, read_back.nn_onset_s, read_back.nn_corrected),
                         PSY_OK);
        assert_same_nn(kept, &read_back);
        free(read_back.nn_ms), free(read_back.nn_onset_s), free(read_back.nn_corrected);
        free(text);
        psy_beat_list_free(b);
        nn_spool_free(spool);
    }
    free(kept_text);
    psy_beat_list_free(kept);
    psy_reader_close(r);
}

/* With a spool, the streamed correction holds a step's two intervals, not arrays of 4096 of them
 * (70 kB beside the spool's own block): the heap at its most during a spooled run of 10 min (~750
 * intervals: the arrays at their first size) stays over 60 kB below the kept run's (was level with
 * it). Bytes counted, on one thread. */
static void spooled_holds_no_nn_arrays(void **state)
{
    (void)state;
#ifndef COUNT_ALLOCATIONS
    skip();
#else
    psy_reader *r = ecg_reader(-1);
    long peak[2];
    for (int spooled = 0; spooled < 2; spooled++) {
        nn_spool *spool = spooled ? nn_spool_create() : NULL;
        FILE *fp = tmpfile();
        assert_true(fp && (spool || !spooled));
        psy_beats_config cfg = psy_beats_config_default();
        cfg.block = BLOCK;
        psy_beat_list *b = NULL;
        psy_message why;
        long before = heap_bytes();
        reset_peak_bytes();
        assert_int_equal(beats_detect_streamed(r, 0, &cfg, fp, 0, spool, &b, &why), PSY_OK);
        peak[spooled] = heap_peak_bytes() - before;
        assert_true(b->n_nn > 500 && b->n_nn < 4096);
        psy_beat_list_free(b);
        nn_spool_free(spool);
        fclose(fp);
    }
    print_message("peak heap of the run: %ld bytes kept, %ld spooled\n", peak[0], peak[1]);
    assert_true(peak[0] - peak[1] > 60000);
    psy_reader_close(r);
#endif
}

/* Real readers, their ECG read ahead and the beats classified beside the detector: the bundled
 * EDF+ (150 s at 100 Hz, fewer beats than a hand-over block) and, when ../shared is here, MIT-BIH
 * 100 (30 min, batches crossing while the detector runs). */
static void streamed_real_records_same_as_whole(void **state)
{
    (void)state;
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_open(PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf", NULL, &r, NULL), PSY_OK);
    psy_beat_list *whole = assert_streamed_as_whole(r, 0, 1024);
    assert_true(whole->n > 100);
    psy_beat_list_free(whole);
    psy_reader_close(r);
    const char *mitdb = shared_data("mitdb/100.hea");
    if (!mitdb) skip();
    assert_int_equal(psy_reader_open(mitdb, NULL, &r, NULL), PSY_OK);
    whole = assert_streamed_as_whole(r, 0, 65536);
    assert_true(whole->n > 2000);
    psy_beat_list_free(whole);
    psy_reader_close(r);
}

/* The classifier fails (its table full) and a read fails later: the classifier's failure and
 * message, the same on one thread and beside the detector, and no hang. */
static void classifier_failure_same_as_one_thread(void **state)
{
    (void)state;
    psy_reader *r = ecg_reader(12 * BLOCK + 5); /* after the table is full */
    psy_message why[2];
    for (int may_thread = 0; may_thread <= 1; may_thread++) {
        static char buf[2048];
        FILE *fp = fmemopen(buf, sizeof buf, "w");
        assert_non_null(fp);
        setvbuf(fp, NULL, _IONBF, 0); /* a row that does not fit fails at once */
        psy_beats_config cfg = psy_beats_config_default();
        cfg.block = BLOCK;
        psy_beat_list *b = NULL;
        assert_int_equal(beats_detect_streamed(r, 0, &cfg, fp, may_thread, NULL, &b, &why[may_thread]), PSY_E_IO);
        assert_null(b);
        fclose(fp);
    }
    assert_string_equal(why[0].text, psy_strerror(PSY_E_IO));
    assert_string_equal(why[1].text, why[0].text);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_ahead_same_as_one_thread),
        cmocka_unit_test(read_error_same_as_one_thread),
        cmocka_unit_test(push_error_stops_reading),
        cmocka_unit_test(beats_detect_same_as_one_thread),
        cmocka_unit_test(streamed_same_as_one_thread_and_whole),
        cmocka_unit_test(spooled_same_as_kept),
        cmocka_unit_test(spooled_holds_no_nn_arrays),
        cmocka_unit_test(classifier_failure_same_as_one_thread),
        cmocka_unit_test(streamed_real_records_same_as_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
