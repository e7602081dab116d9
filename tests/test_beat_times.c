/* Beat times of a file (psy_beat_times_load, psyphys/score.h) on files the test writes: tables
 * with an onset or a sample column, rdann text, WFDB annotation files with and without their
 * header, a vendor's beat list; and each refusal with its status and reason. */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "psyphys.h"

/* Loads text written to name with sampling_rate_hz fs (0: none). */
static psy_status load_text(const char *name, const char *text, double fs, psy_beat_times *t, psy_message *why)
{
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    return psy_beat_times_load(write_temp_file(name, text, strlen(text)), &opt, t, why);
}

static void expect_times(const psy_beat_times *t, const double *want, size_t n)
{
    assert_int_equal(t->n, n);
    for (size_t i = 0; i < n; i++) assert_true(fabs(t->onset_s[i] - want[i]) < 1e-12);
}

/* Refused with status want, a reason containing words, and nothing in out. */
static void expect_refused(const char *name, const char *text, double fs, psy_status want, const char *words)
{
    psy_beat_times t;
    psy_message why;
    assert_int_equal(load_text(name, text, fs, &t, &why), want);
    if (!strstr(why.text, words)) fail_msg("reason '%s' lacks '%s'", why.text, words);
    assert_int_equal(t.n, 0);
    assert_null(t.onset_s);
}

static void tables(void **state)
{
    (void)state;
    psy_beat_times t;
    psy_message why;
    /* a beats table: every row a detection whatever its RR class; n/a skipped; CRLF */
    const char *beats = "onset\tsample\trr_ms\tlabel\tcorrected\r\n0.5\t50\tn/a\tN\t0\r\n1.3\t130\t800\textra\t1\r\n"
                        "n/a\tn/a\tn/a\tN\t0\r\n\r\n2.0\t200\t700\tectopic\t1\r\n";
    assert_int_equal(load_text("beats.tsv", beats, 0, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){0.5, 1.3, 2.0}, 3);
    assert_int_equal(t.from_recording, 0);
    assert_true(t.declared_rate_hz == 0);
    psy_beat_times_free(&t);
    assert_null(t.onset_s);
    assert_int_equal(t.n, 0);
    psy_beat_times_free(NULL);
    /* sample numbers at the given rate; rows of WFDB non-beat codes (noise, rhythm) left out */
    assert_int_equal(load_text("s.csv", "sample,label\n100,N\n150,~\n200,V\n250,+\n300,Q\n", 100, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){1.0, 2.0, 3.0}, 3);
    psy_beat_times_free(&t);
    /* semicolons, a 'type' column, an onset column wins over a sample column */
    assert_int_equal(load_text("o.csv", "sample;onset;type\n1;0.25;N\n2;0.5;\"~\"\n3;0.75;A\n", 0, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){0.25, 0.75}, 2);
    psy_beat_times_free(&t);
    /* a header alone: no beats, no fault */
    assert_int_equal(load_text("h.tsv", "onset\n", 0, &t, &why), PSY_OK);
    assert_int_equal(t.n, 0);
    psy_beat_times_free(&t);
    /* the options may be NULL (defaults) */
    const char *path = write_temp_file("d.tsv", "onset\n1\n2\n", 10);
    assert_int_equal(psy_beat_times_load(path, NULL, &t, NULL), PSY_OK);
    expect_times(&t, (const double[]){1, 2}, 2);
    psy_beat_times_free(&t);
}

static void rdann(void **state)
{
    (void)state;
    psy_beat_times t;
    psy_message why;
    const char *text = "      Time   Sample #  Type  Sub Chan  Num\tAux\n"
                       "    0:00.050       18     +    0    0    0\t(N\n"
                       "    0:00.214       77     N    0    0    0\n"
                       "    0:01.028      370     V    0    0    0\n"
                       "    0:01.500      540     ~    0    0    0\n";
    assert_int_equal(load_text("100.txt", text, 360, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){77 / 360.0, 370 / 360.0}, 2);
    psy_beat_times_free(&t);
    expect_refused("100.txt", text, 0, PSY_E_INVALID, "gives beats as sample numbers: give their rate with --fs");
}

/* rec.atr: N at 100, noise at 150, V at 200, rhythm change at 250, N at 300. */
static const char *write_annotations(void)
{
    const int64_t sample[] = {100, 150, 200, 250, 300};
    const int code[] = {psy_wfdb_code("N"), psy_wfdb_code("~"), psy_wfdb_code("V"), psy_wfdb_code("+"),
                        psy_wfdb_code("N")};
    uint8_t bytes[64];
    size_t len;
    assert_int_equal(psy_wfdb_annotations_encode(sample, code, 5, bytes, sizeof bytes, &len), PSY_OK);
    return write_temp_file("rec.atr", bytes, len);
}

static void wfdb_annotations(void **state)
{
    (void)state;
    psy_beat_times t;
    psy_message why;
    psy_open_options opt = psy_open_options_default();
    char path[4096];
    snprintf(path, sizeof path, "%s", write_annotations());
    /* without its header: the given rate, or a refusal naming it */
    assert_int_equal(psy_beat_times_load(path, &opt, &t, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "give the sampling rate (--fs)"));
    assert_null(t.onset_s);
    opt.sampling_rate_hz = 100;
    assert_int_equal(psy_beat_times_load(path, &opt, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){1.0, 2.0, 3.0}, 3);
    assert_int_equal(t.from_recording, 1);
    assert_int_equal(t.rate_origin, PSY_RATE_GIVEN);
    psy_beat_times_free(&t);
    /* with its header: the header's rate wins over the given one, unless overridden */
    const char hea[] = "rec 1 250 1000\nrec.dat 16 200 12 0 0 0 0 ECG\n";
    static const uint8_t dat[2000];
    write_temp_file("rec.hea", hea, strlen(hea));
    write_temp_file("rec.dat", dat, sizeof dat);
    assert_int_equal(psy_beat_times_load(path, &opt, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){0.4, 0.8, 1.2}, 3);
    assert_int_equal(t.rate_origin, PSY_RATE_FILE);
    assert_true(t.declared_rate_hz == 250);
    psy_beat_times_free(&t);
    opt.override_rate = 1;
    assert_int_equal(psy_beat_times_load(path, &opt, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){1.0, 2.0, 3.0}, 3);
    assert_int_equal(t.rate_origin, PSY_RATE_OVERRIDDEN);
    assert_true(t.declared_rate_hz == 250);
    psy_beat_times_free(&t);
}

static void beat_list(void **state)
{
    (void)state;
    psy_beat_times t;
    psy_message why;
    /* a vendor's beat list: its beat classes, X (artifact) left out; read as text, not a recording */
    assert_int_equal(load_text("holter.txt", "00000000\n1.0 N\n2.0 X\n3.0 S\n3.8 V\n", 0, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){1.0, 3.0, 3.8}, 3);
    assert_int_equal(t.from_recording, 0);
    psy_beat_times_free(&t);
    /* a broken one: its reader's reason, not "no onset column" */
    expect_refused("bad.txt", "00000000\n1.0 N\n2.0 N\nabc N\n", 0, PSY_E_FORMAT, "line 4: beat time is not a number");
}

static void refusals(void **state)
{
    (void)state;
    psy_beat_times t;
    psy_message why;
    expect_refused("x.tsv", "onset\n1\nx\n", 0, PSY_E_FORMAT, "line 3: 'x' is not a number");
    expect_refused("short.csv", "label,onset\nN,1\nN\n", 0, PSY_E_FORMAT, "line 3: '' is not a number");
    expect_refused("order.csv", "onset,label\n1.0,N\n2.0,+\n3.0,N\n2.5,N\n", 0, PSY_E_FORMAT,
                   "beat times are not in order (beat 3)");
    expect_refused("samples.tsv", "sample\n100\n200\n", 0, PSY_E_INVALID, "give their rate with --fs");
    expect_refused("huge.tsv", "sample\n100\n1e308\n", 0.001, PSY_E_FORMAT, "line 3: '1e308' is out of range");
    expect_refused("nocol.tsv", "time\tvalue\n1\t2\n", 0, PSY_E_UNKNOWN_FORMAT,
                   "has no 'onset' (s) or 'sample' column in its header");
    expect_refused("blank.tsv", "\n\n", 0, PSY_E_UNKNOWN_FORMAT, "has no 'onset' (s) or 'sample' column");
    expect_refused("empty.tsv", "", 0, PSY_E_FORMAT, "empty");
    /* not found */
    assert_int_equal(psy_beat_times_load(temp_path("missing.tsv"), NULL, &t, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "cannot open the file (missing or unreadable)"));
    assert_null(t.onset_s);
    /* a directory that is no session folder */
    assert_int_not_equal(psy_beat_times_load(test_tmpdir(), NULL, &t, &why), PSY_OK);
    assert_non_null(strstr(why.text, "is a directory"));
    /* a binary file that is no recording */
    static const uint8_t junk[64] = {1, 2, 3, 0, 0xff};
    assert_int_not_equal(psy_beat_times_load(write_temp_file("junk.bin", junk, sizeof junk), NULL, &t, &why), PSY_OK);
    assert_true(why.text[0] != '\0');
    assert_null(t.onset_s);
    /* NULL arguments */
    assert_int_equal(psy_beat_times_load(NULL, NULL, &t, &why), PSY_E_INVALID);
    assert_int_equal(psy_beat_times_load(temp_path("x.tsv"), NULL, NULL, NULL), PSY_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(tables), cmocka_unit_test(rdann),
                                       cmocka_unit_test(wfdb_annotations), cmocka_unit_test(beat_list),
                                       cmocka_unit_test(refusals)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
