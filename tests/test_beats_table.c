/* Writing and reading back beats tables (psyphys/beats_table.h): the WFDB annotations of a beat
 * list; values, n/a, CRLF, a pulses table, refusals naming the line. */
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
    psy_beats_table_free(&t);
    assert_null(t.onset_s);
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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(reads), cmocka_unit_test(refusals),
                                       cmocka_unit_test(wfdb_annotations)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
