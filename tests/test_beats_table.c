/* Writing and reading back beats tables (psyphys/beats_table.h): the WFDB annotations of a beat
 * list; values, n/a, CRLF, a pulses table, labels, refusals naming the line; the NN series of a
 * table by its one rule (its labels honoured, edited or not; classified when it has none). */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

static psy_status read_text(const char *text, psy_beats_table *t, psy_message *why, int *is)
{
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_memory(text, strlen(text), "beats.tsv", &src), PSY_OK);
    *is = psy_beats_table_is(src);
    psy_status st = psy_beats_table_read(src, t, why);
    psy_source_close(src);
    return st;
}

static void reads(void **state)
{
    (void)state;
    psy_beats_table t;
    psy_message why;
    int is;
    const char *text = "onset\tsample\trr_ms\tlabel\tcorrected\r\n0.500000\t180\tn/a\tN\t0\r\n"
                       "1.300000\t468\t800.000\tN\t0\r\n2.000000\tn/a\t700.000\tectopic\t1\r\n";
    assert_int_equal(read_text(text, &t, &why, &is), PSY_OK);
    assert_true(is);
    assert_int_equal(t.n, 3);
    assert_true(t.onset_s[0] == 0.5 && isnan(t.rr_ms[0]));
    assert_true(t.onset_s[1] == 1.3 && t.rr_ms[1] == 800);
    assert_true(t.onset_s[2] == 2.0 && t.rr_ms[2] == 700);
    assert_false(t.pulses);
    assert_non_null(t.classes);
    assert_true(t.classes[0] == PSY_BEAT_NORMAL && t.classes[1] == PSY_BEAT_NORMAL && t.classes[2] == PSY_BEAT_ECTOPIC);
    psy_beats_table_free(&t);
    assert_null(t.onset_s);
    assert_null(t.classes);
    /* without labels (n/a or empty cells): no classes */
    assert_int_equal(read_text("onset\tsample\trr_ms\tlabel\n0.5\tn/a\tn/a\tn/a\n1.3\tn/a\t800\tn/a\n"
                               "2.1\tn/a\t800\t\n", &t, &why, &is), PSY_OK);
    assert_int_equal(t.n, 3);
    assert_null(t.classes);
    psy_beats_table_free(&t);
    psy_beats_table_free(NULL);
    /* a header only: no beats */
    assert_int_equal(read_text("onset\tsample\trr_ms\tlabel\tcorrected\n", &t, &why, &is), PSY_OK);
    assert_int_equal(t.n, 0);
    psy_beats_table_free(&t);
    /* the pulses of a PPG channel: two more columns, and said so */
    text = "onset\tsample\trr_ms\tlabel\tcorrected\tpeak_sample\tquality\n0.5\t32\tn/a\tN\t0\t40\t0.98\n"
           "1.3\t83\t796.875\tN\t0\t91\tn/a\n";
    assert_int_equal(read_text(text, &t, &why, &is), PSY_OK);
    assert_true(is && t.pulses);
    assert_int_equal(t.n, 2);
    assert_true(t.rr_ms[1] == 796.875);
    psy_beats_table_free(&t);
}

static void refusals(void **state)
{
    (void)state;
    psy_beats_table t;
    psy_message why;
    int is;
    assert_int_equal(read_text("onset\tsample\trr_ms\tlabel\n1\t2\t3\tN\n4\t5\n", &t, &why, &is), PSY_E_FORMAT);
    assert_string_equal(why.text, "line 3: 2 cells, want onset, sample, rr_ms, label, corrected");
    assert_null(t.onset_s);
    assert_int_equal(read_text("onset\tsample\trr_ms\tlabel\nnan\t2\t3\tN\n", &t, &why, &is), PSY_E_FORMAT);
    assert_string_equal(why.text, "line 2: onset 'nan' is not a number");
    assert_int_equal(read_text("onset\tsample\trr_ms\tlabel\n1\t2\t8OO\tN\n", &t, &why, &is), PSY_E_FORMAT);
    assert_string_equal(why.text, "line 2: rr_ms '8OO' is not a number or n/a");
    /* a label that names no class; a table labelling some beats only */
    assert_int_equal(read_text("onset\tsample\trr_ms\tlabel\n1\t2\tn/a\tN\n2\t4\t1000\tV\n", &t, &why, &is),
                     PSY_E_FORMAT);
    assert_string_equal(why.text, "line 3: label 'V' is not N, ectopic, missed, extra, long, short or n/a");
    assert_int_equal(read_text("onset\tsample\trr_ms\tlabel\n1\t2\tn/a\tN\n2\t4\t1000\tn/a\n", &t, &why, &is),
                     PSY_E_FORMAT);
    assert_string_equal(why.text, "line 3: no label, but line 2 has one: label every beat or none");
    assert_int_equal(read_text("onset\tsample\trr_ms\tlabel\n1\t2\tn/a\t\n2\t4\t1000\tectopic\n", &t, &why, &is),
                     PSY_E_FORMAT);
    assert_string_equal(why.text, "line 3: a label, but line 2 has none: label every beat or none");
    assert_null(t.classes);
    assert_int_equal(read_text("time,ECG\n0,1\n", &t, &why, &is), PSY_E_FORMAT);
    assert_false(is);
    assert_int_equal(psy_beats_table_read(NULL, &t, &why), PSY_E_INVALID);
    assert_false(psy_beats_table_is(NULL));
}

/* The WFDB annotations of a beat list: N, Q for an ectopic or extra beat, none for a beat without
 * a sample; the bytes psy_wfdb_annotations_encode gives for those. */
static void wfdb_annotations(void **state)
{
    (void)state;
    int64_t sample[] = {100, 400, -1, 700, 1000};
    double onset[] = {0.4, 1.6, 2.0, 2.8, 4.0}, rr[] = {NAN, 1200, 400, 1200, 1200};
    psy_beat_class cls[] = {PSY_BEAT_NORMAL, PSY_BEAT_ECTOPIC, PSY_BEAT_NORMAL, PSY_BEAT_EXTRA, PSY_BEAT_NORMAL};
    psy_beat_list b = {.n = 5, .sample = sample, .onset_s = onset, .rr_ms = rr, .cls = cls};
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_non_null(fp);
    assert_int_equal(psy_beats_write_wfdb(fp, &b), PSY_OK);
    fclose(fp);
    int64_t want_s[] = {100, 400, 700, 1000};
    int want_c[] = {psy_wfdb_code("N"), psy_wfdb_code("Q"), psy_wfdb_code("Q"), psy_wfdb_code("N")};
    uint8_t want[64];
    size_t len = 0;
    assert_int_equal(psy_wfdb_annotations_encode(want_s, want_c, 4, want, sizeof want, &len), PSY_OK);
    assert_int_equal(size, len);
    assert_memory_equal(buf, want, len);
    free(buf);
    /* no beats: the end mark only; samples out of order are refused */
    fp = open_memstream(&buf, &size);
    psy_beat_list none = {0};
    assert_int_equal(psy_beats_write_wfdb(fp, &none), PSY_OK);
    sample[3] = 50;
    assert_int_equal(psy_beats_write_wfdb(fp, &b), PSY_E_INVALID);
    fclose(fp);
    assert_int_equal(size, 2);
    free(buf);
    assert_int_equal(psy_beats_write_wfdb(NULL, &b), PSY_E_INVALID);
}

enum { N_BEATS = 240 };

/* A table's text: beats at onset (s), intervals rr (ms, NaN: n/a), labels cls (NULL: n/a). */
static char *table_text(const double *onset, const double *rr, const psy_beat_class *cls, size_t n)
{
    size_t size = 64 + 64 * n, len = 0;
    char *text = malloc(size);
    assert_non_null(text);
    len += (size_t)snprintf(text, size, "onset\tsample\trr_ms\tlabel\tcorrected\n");
    for (size_t i = 0; i < n; i++) {
        char rr_cell[32] = "n/a";
        if (!isnan(rr[i])) snprintf(rr_cell, sizeof rr_cell, "%.3f", rr[i]);
        len += (size_t)snprintf(text + len, size - len, "%.6f\tn/a\t%s\t%s\t0\n", onset[i], rr_cell,
                                cls ? psy_beat_class_name(cls[i]) : "n/a");
    }
    return text;
}

/* A sinus rhythm with a premature beat at 120 (short interval, compensatory pause), in whole ms. */
static void rhythm(double *onset, double *rr)
{
    double t = 0.4;
    for (int i = 0; i < N_BEATS; i++) {
        rr[i] = i ? 800 + round(40 * sin(i / 3.0)) : NAN;
        if (i == 120) rr[i] = 480;
        if (i == 121) rr[i] = 1120;
        t += i ? rr[i] / 1000 : 0;
        onset[i] = t;
    }
}

/* psy_beats_table_nn against psy_rr_correct on the intervals after the first (n/a) with classes. */
static void check_nn(const psy_beats_table *t, const psy_beat_class *cls)
{
    size_t max = 2 * N_BEATS + 1, n = 0, want_n = 0;
    double nn[2 * N_BEATS + 1], ts[2 * N_BEATS + 1], want_nn[2 * N_BEATS + 1], want_t[2 * N_BEATS + 1];
    uint8_t corr[2 * N_BEATS + 1], want_corr[2 * N_BEATS + 1], start[2 * N_BEATS + 1];
    psy_rr_counts counts, want_counts;
    psy_message why;
    assert_int_equal(psy_beats_table_nn(t, NULL, nn, ts, corr, start, max, &n, &counts, &why), PSY_OK);
    assert_int_equal(psy_rr_correct(t->rr_ms + 1, t->onset_s + 1, t->n - 1, NULL, cls ? cls + 1 : NULL, want_nn,
                                    want_t, want_corr, max, &want_n, &want_counts), PSY_OK);
    assert_int_equal(n, want_n);
    for (size_t i = 0; i < n; i++) {
        assert_true(nn[i] == want_nn[i] && ts[i] == want_t[i]);
        assert_int_equal(corr[i], want_corr[i]);
        assert_int_equal(start[i], i == 0);
    }
    assert_memory_equal(&counts, &want_counts, sizeof counts);
}

static psy_status read_table(const double *onset, const double *rr, const psy_beat_class *cls, size_t n,
                             psy_beats_table *t)
{
    char *text = table_text(onset, rr, cls, n);
    psy_message why;
    int is;
    psy_status st = read_text(text, t, &why, &is);
    free(text);
    return st;
}

/* The regression of the two rules (hrv reclassified a table, the report kept its labels): labels
 * edited by hand give the NN series they imply; unedited ones the classifier's; none, the
 * classifier's on each run, as psy_hrv_series_from_rr took them. */
static void nn_rule(void **state)
{
    (void)state;
    double onset[N_BEATS], rr[N_BEATS];
    psy_beat_class cls[N_BEATS];
    rhythm(onset, rr);
    cls[0] = PSY_BEAT_NORMAL;
    assert_int_equal(psy_rr_classify(rr + 1, N_BEATS - 1, NULL, cls + 1), PSY_OK);
    assert_int_equal(cls[120], PSY_BEAT_ECTOPIC);
    psy_beats_table t;
    /* unedited: the classifier's classes, its correction */
    assert_int_equal(read_table(onset, rr, cls, N_BEATS, &t), PSY_OK);
    assert_memory_equal(t.classes, cls, sizeof cls);
    check_nn(&t, cls);
    psy_beats_table_free(&t);
    /* edited: the premature beat relabelled N is kept as it is; a normal beat marked ectopic is
     * moved, one marked extra removed */
    psy_beat_class edited[N_BEATS];
    memcpy(edited, cls, sizeof cls);
    for (int i = 119; i <= 122; i++) edited[i] = PSY_BEAT_NORMAL;
    edited[60] = PSY_BEAT_ECTOPIC, edited[180] = PSY_BEAT_EXTRA;
    assert_int_equal(read_table(onset, rr, edited, N_BEATS, &t), PSY_OK);
    check_nn(&t, edited);
    psy_hrv_series s;
    psy_message why;
    assert_int_equal(psy_hrv_series_from_table(&t, PSY_HRV_CORRECT_LIPPONEN, &s, &why), PSY_OK);
    assert_int_equal(s.counts.n[PSY_BEAT_ECTOPIC], 1);
    assert_int_equal(s.counts.n[PSY_BEAT_EXTRA], 1);
    assert_int_equal(s.beats, N_BEATS);
    int kept = 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.t_s[i] == t.onset_s[120]) kept = s.nn_ms[i] == 480 && !s.corrected[i];
    assert_true(kept);
    assert_string_equal(psy_hrv_series_classes(&s), "the table's labels: each beat corrected as its label says (an "
                        "edited label honoured), runs cut as for detected beats");
    psy_hrv_series_free(&s);
    /* none and PCST: the raw intervals, labels aside */
    assert_int_equal(psy_hrv_series_from_table(&t, PSY_HRV_CORRECT_NONE, &s, &why), PSY_OK);
    assert_int_equal(s.n, N_BEATS);
    assert_true(s.nn_ms[120] == 480 && s.n_corrected == 0);
    assert_string_equal(psy_hrv_series_classes(&s),
                        "not used: the table's raw intervals (correction none or pcst), its labels aside");
    psy_hrv_series_free(&s);
    psy_beats_table_free(&t);
    /* without labels: classified here, the series psy_hrv_series_from_rr gives */
    assert_int_equal(read_table(onset, rr, NULL, N_BEATS, &t), PSY_OK);
    assert_null(t.classes);
    check_nn(&t, NULL);
    psy_hrv_series want;
    assert_int_equal(psy_hrv_series_from_table(&t, PSY_HRV_CORRECT_LIPPONEN, &s, &why), PSY_OK);
    assert_int_equal(psy_hrv_series_from_rr(rr, onset, N_BEATS, PSY_HRV_CORRECT_LIPPONEN, &want, &why), PSY_OK);
    assert_int_equal(s.n, want.n);
    assert_memory_equal(s.nn_ms, want.nn_ms, s.n * sizeof *s.nn_ms);
    assert_memory_equal(s.corrected, want.corrected, s.n);
    assert_memory_equal(&s.counts, &want.counts, sizeof s.counts);
    assert_true(s.t_first_s == want.t_first_s && s.n_corrected == want.n_corrected);
    assert_string_equal(psy_hrv_series_classes(&s), "classified here (the table has no labels): Lipponen & "
                        "Tarvainen 2019 on each run, runs cut as for detected beats");
    assert_null(psy_hrv_series_classes(&want));
    psy_hrv_series_free(&s);
    psy_hrv_series_free(&want);
    psy_beats_table_free(&t);
    assert_int_equal(psy_hrv_series_from_table(NULL, PSY_HRV_CORRECT_LIPPONEN, &s, &why), PSY_E_INVALID);
    size_t n;
    assert_int_equal(psy_beats_table_nn(NULL, NULL, NULL, NULL, NULL, NULL, 0, &n, NULL, &why), PSY_E_INVALID);
}

/* Runs are cut as for detected beats: at n/a, at an interval <= 0, and where a beat does not
 * follow the one before (a deleted row); each run corrected on its own. */
static void nn_runs(void **state)
{
    (void)state;
    double onset[N_BEATS], rr[N_BEATS];
    rhythm(onset, rr);
    /* row 60 deleted: beat 61's onset lies two intervals after beat 59 */
    memmove(onset + 60, onset + 61, (N_BEATS - 61) * sizeof *onset);
    memmove(rr + 60, rr + 61, (N_BEATS - 61) * sizeof *rr);
    size_t n_beats = N_BEATS - 1;
    rr[150] = NAN, rr[170] = 0;
    psy_beats_table t;
    assert_int_equal(read_table(onset, rr, NULL, n_beats, &t), PSY_OK);
    size_t max = 2 * N_BEATS + 1, n = 0;
    double nn[2 * N_BEATS + 1], ts[2 * N_BEATS + 1];
    uint8_t corr[2 * N_BEATS + 1], start[2 * N_BEATS + 1];
    psy_message why;
    assert_int_equal(psy_beats_table_nn(&t, NULL, nn, ts, corr, start, max, &n, NULL, &why), PSY_OK);
    /* runs: 1..59, 60..149, 151..169, 171..: each starts at its first beat's onset */
    size_t runs = 0;
    for (size_t i = 0; i < n; i++) {
        if (!start[i]) continue;
        runs++;
        assert_true(ts[i] == t.onset_s[1] || ts[i] == t.onset_s[60] || ts[i] == t.onset_s[151] || ts[i] == t.onset_s[171]);
    }
    assert_int_equal(runs, 4);
    /* the same without run starts */
    size_t m;
    assert_int_equal(psy_beats_table_nn(&t, NULL, nn, ts, corr, NULL, max, &m, NULL, &why), PSY_OK);
    assert_int_equal(m, n);
    /* an output too small: the status, and where the series stops */
    assert_int_equal(psy_beats_table_nn(&t, NULL, nn, ts, corr, start, 10, &m, NULL, &why), PSY_E_RANGE);
    assert_non_null(strstr(why.text, "the NN series stops at"));
    psy_beats_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(reads), cmocka_unit_test(refusals),
                                       cmocka_unit_test(wfdb_annotations), cmocka_unit_test(nn_rule),
                                       cmocka_unit_test(nn_runs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
