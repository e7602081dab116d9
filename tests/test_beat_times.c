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
    /* a byte order mark, trailing blanks, quoted cells, a line longer than 4096 bytes, lines of
     * blanks or delimiters only */
    char text[6000];
    snprintf(text, sizeof text, "\xEF\xBB\xBFonset ,label\n1.0 ,\"N\"\n , \n,\n2.0,%05000d\n   \n3.0,N\n", 7);
    assert_int_equal(load_text("bom.csv", text, 0, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){1.0, 2.0, 3.0}, 3);
    psy_beat_times_free(&t);
    /* the options may be NULL (defaults) */
    const char *path = write_temp_file("d.tsv", "onset\n1\n2\n", 10);
    assert_int_equal(psy_beat_times_load(path, NULL, &t, NULL), PSY_OK);
    expect_times(&t, (const double[]){1, 2}, 2);
    psy_beat_times_free(&t);
}

/* Sample numbers are divided by the rate, as the WFDB annotation reader divides them: a table of
 * a record's annotation samples gives its annotations' times bit for bit (v * (1 / 360) differs
 * from v / 360 for a quarter of them). */
static void samples_as_wfdb(void **state)
{
    (void)state;
    enum { N = 400 };
    int64_t sample[N];
    int code[N];
    char table[N * 12 + 16] = "sample\n";
    size_t used = strlen(table);
    for (int i = 0; i < N; i++) {
        sample[i] = 1000 + 7919 * (int64_t)i; /* spread over the record */
        code[i] = psy_wfdb_code("N");
        used += (size_t)snprintf(table + used, sizeof table - used, "%lld\n", (long long)sample[i]);
    }
    static uint8_t bytes[N * 8 + 16]; /* a SKIP before each: the gaps exceed 1023 */
    size_t len;
    assert_int_equal(psy_wfdb_annotations_encode(sample, code, N, bytes, sizeof bytes, &len), PSY_OK);
    char atr[4096];
    snprintf(atr, sizeof atr, "%s", write_temp_file("r360.atr", bytes, len));
    const char hea[] = "r360 1 360\nr360.dat 16 200 12 0 0 0 0 ECG\n";
    static const uint8_t dat[64];
    write_temp_file("r360.hea", hea, strlen(hea));
    write_temp_file("r360.dat", dat, sizeof dat);
    psy_beat_times wfdb, listed;
    psy_message why;
    assert_int_equal(psy_beat_times_load(atr, NULL, &wfdb, &why), PSY_OK);
    assert_int_equal(load_text("r360.tsv", table, 360, &listed, &why), PSY_OK);
    assert_int_equal(wfdb.n, N);
    assert_int_equal(listed.n, N);
    for (int i = 0; i < N; i++) {
        assert_true(listed.onset_s[i] == (double)sample[i] / 360);
        assert_true(listed.onset_s[i] == wfdb.onset_s[i]);
    }
    psy_beat_times_free(&wfdb);
    psy_beat_times_free(&listed);
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
    /* the header itself (text that is no table of times) read as the recording: the same times
     * and the same account of the rate rule */
    assert_int_equal(psy_beat_times_load(temp_path("rec.hea"), &opt, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){1.0, 2.0, 3.0}, 3);
    assert_int_equal(t.from_recording, 1);
    assert_int_equal(t.rate_origin, PSY_RATE_OVERRIDDEN);
    assert_true(t.declared_rate_hz == 250);
    psy_beat_times_free(&t);
    /* a record without beat annotations: refused, not an empty reference */
    const char bare[] = "bare 1 250 1000\nbare.dat 16 200 12 0 0 0 0 ECG\n";
    write_temp_file("bare.hea", bare, strlen(bare));
    assert_int_equal(psy_beat_times_load(write_temp_file("bare.dat", dat, sizeof dat), NULL, &t, &why),
                     PSY_E_UNKNOWN_FORMAT);
    assert_non_null(strstr(why.text, "holds no beat annotations"));
    assert_null(t.onset_s);
    const int64_t sample[] = {100, 200};
    const int code[] = {psy_wfdb_code("~"), psy_wfdb_code("+")};
    uint8_t bytes[64];
    size_t len;
    assert_int_equal(psy_wfdb_annotations_encode(sample, code, 2, bytes, sizeof bytes, &len), PSY_OK);
    opt = psy_open_options_default();
    opt.sampling_rate_hz = 100;
    assert_int_equal(psy_beat_times_load(write_temp_file("nobeats.atr", bytes, len), &opt, &t, &why),
                     PSY_E_UNKNOWN_FORMAT);
    assert_non_null(strstr(why.text, "holds no beat annotations"));
}

static void beat_list(void **state)
{
    (void)state;
    psy_beat_times t;
    psy_message why;
    /* a vendor's beat list: its beat classes, X (artifact) left out; text read as a recording */
    assert_int_equal(load_text("holter.txt", "00000000\n1.0 N\n2.0 X\n3.0 S\n3.8 V\n", 0, &t, &why), PSY_OK);
    expect_times(&t, (const double[]){1.0, 3.0, 3.8}, 3);
    assert_int_equal(t.from_recording, 1);
    assert_int_equal(t.rate_origin, PSY_RATE_FILE);
    assert_true(t.declared_rate_hz == 0); /* no sampled channel */
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
    /* a decimal comma is no number, whatever the delimiter (it was read as 1 s) */
    expect_refused("comma.csv", "onset;label\n1,5;N\n", 0, PSY_E_FORMAT, "line 2: '1,5' is not a number");
    expect_refused("comma1.csv", "onset\n0,5\n1,5\n", 0, PSY_E_FORMAT, "line 2: '0,5' is not a number");
    expect_refused("hex.csv", "onset\n0x1p0\n", 0, PSY_E_FORMAT, "line 2: '0x1p0' is not a number");
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
    /* options a caller cannot have meant: a setting of a newer psyphys, a rate that is no rate */
    const char *table = write_temp_file("rate.tsv", "sample\n100\n", 11);
    psy_open_options opt = psy_open_options_default();
    opt.reserved[0] = 1;
    assert_int_equal(psy_beat_times_load(table, &opt, &t, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "reserved words"));
    const double bad_rates[] = {INFINITY, -INFINITY, NAN, -100};
    for (size_t i = 0; i < sizeof bad_rates / sizeof bad_rates[0]; i++) {
        opt = psy_open_options_default();
        opt.sampling_rate_hz = bad_rates[i];
        assert_int_equal(psy_beat_times_load(table, &opt, &t, &why), PSY_E_INVALID);
        assert_non_null(strstr(why.text, "sampling rate must be a finite number, 0 or more"));
        assert_null(t.onset_s);
    }
    /* the result's reserved words are zeroed */
    memset(&t, 0xff, sizeof t);
    opt = psy_open_options_default();
    opt.sampling_rate_hz = 100;
    assert_int_equal(psy_beat_times_load(table, &opt, &t, &why), PSY_OK);
    for (int i = 0; i < PSY_RESERVED_WORDS; i++) assert_true(t.reserved[i] == 0);
    psy_beat_times_free(&t);
    /* NULL arguments */
    assert_int_equal(psy_beat_times_load(NULL, NULL, &t, &why), PSY_E_INVALID);
    assert_int_equal(psy_beat_times_load(temp_path("x.tsv"), NULL, NULL, NULL), PSY_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(tables), cmocka_unit_test(samples_as_wfdb), cmocka_unit_test(rdann),
                                       cmocka_unit_test(wfdb_annotations), cmocka_unit_test(beat_list),
                                       cmocka_unit_test(refusals)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
