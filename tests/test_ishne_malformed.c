/* ISHNE reader on files made here: a valid one, then lying headers, then a Holter folder (the
 * file and its software's beat list). Needs no shared data. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader_impl.h"

enum { VAR = 4, LEADS = 2, SAMPLES = 10, DATA_OFF = 522 + VAR, SIZE = DATA_OFF + LEADS * SAMPLES * 2 };

static void put16(unsigned char *p, int v)
{
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)((v >> 8) & 0xFF);
}
static void put32(unsigned char *p, long v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)((unsigned long)v >> (8 * i) & 0xFF);
}

static unsigned crc(const unsigned char *p, size_t n)
{
    unsigned c = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        c ^= (unsigned)p[i] << 8;
        for (int b = 0; b < 8; b++) c = (c & 0x8000 ? c << 1 ^ 0x1021 : c << 1) & 0xFFFF;
    }
    return c;
}

static void fix_crc(unsigned char *f) { put16(f + 8, (int)crc(f + 10, 512 + VAR)); }

/* A valid 2-lead (II, V5), 200 Hz file, 1000 nV/adu; sample i of lead L is (L + 1) * 100 - i. */
static void make_file(unsigned char *f)
{
    memset(f, 0, SIZE);
    memcpy(f, "ISHNE1.0", 8);
    put32(f + 10, VAR);
    put32(f + 14, SAMPLES);
    put32(f + 18, 522);
    put32(f + 22, DATA_OFF);
    put16(f + 26, 1);
    put16(f + 138, 24), put16(f + 140, 12), put16(f + 142, 2021); /* record date 24/12/2021 */
    put16(f + 150, 23), put16(f + 152, 59), put16(f + 154, 58); /* start 23:59:58 */
    put16(f + 156, LEADS);
    put16(f + 158, 6), put16(f + 160, 15); /* II, V5 */
    put16(f + 206, 1000), put16(f + 208, 1000);
    put16(f + 272, 200);
    memcpy(f + 522, "abcd", VAR);
    for (int i = 0; i < SAMPLES; i++)
        for (int l = 0; l < LEADS; l++) put16(f + DATA_OFF + (i * LEADS + l) * 2, (l + 1) * 100 - i);
    fix_crc(f);
}

static psy_status open_bytes(const unsigned char *f, size_t n, psy_reader **r, psy_message *why)
{
    const char *path = write_temp_file("h.ecg", f, n);
    psy_open_options opt = psy_open_options_default();
    memset(why, 0, sizeof *why);
    return psy_reader_open(path, &opt, r, why);
}

static void expect_failure(const unsigned char *f, size_t n, psy_status want, const char *words)
{
    psy_reader *r = NULL;
    psy_message why;
    psy_status st = open_bytes(f, n, &r, &why);
    if (st != want) fail_msg("expected %s, got %s (%s)", psy_strerror(want), psy_strerror(st), why.text);
    assert_null(r);
    if (!strstr(why.text, words)) fail_msg("'%s' not in '%s'", words, why.text);
}

static void test_valid(void **state)
{
    (void)state;
    unsigned char f[SIZE];
    make_file(f);
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_bytes(f, SIZE, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_format(r), "ISHNE");
    assert_int_equal(psy_reader_warning_count(r), 0);
    assert_int_equal(psy_reader_channel_count(r), 2);
    assert_string_equal(psy_reader_channel(r, 0)->label, "II");
    assert_string_equal(psy_reader_channel(r, 1)->label, "V5");
    assert_true(psy_reader_channel(r, 1)->rate_hz == 200.0);
    assert_int_equal(psy_reader_channel(r, 1)->frames, SAMPLES);
    psy_datetime t = psy_reader_start(r);
    assert_true(t.known && t.year == 2021 && t.month == 12 && t.day == 24 && t.hour == 23 && t.minute == 59 &&
                t.second == 58);
    double x[SAMPLES];
    for (int l = 0; l < LEADS; l++) {
        assert_int_equal(psy_reader_read(r, l, 0, SAMPLES, x), PSY_OK);
        for (int i = 0; i < SAMPLES; i++) assert_true(fabs(x[i] - ((l + 1) * 100 - i) * 1e-3) < 1e-12);
    }
    assert_int_equal(psy_reader_read(r, 1, 9, 2, x), PSY_E_RANGE);
    psy_reader_close(r);
}

static void test_bad_crc_warns(void **state)
{
    (void)state;
    unsigned char f[SIZE];
    make_file(f);
    f[8] ^= 0xFF;
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_bytes(f, SIZE, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_warning_count(r), 1);
    assert_non_null(strstr(psy_reader_warning(r, 0), "CRC"));
    psy_reader_close(r);
}

/* A record date that does not exist (31/02/2021, was read as 2021-03-03): start unknown, with the
 * reader's warning; the leads open. */
static void test_impossible_date(void **state)
{
    (void)state;
    unsigned char f[SIZE];
    make_file(f);
    put16(f + 138, 31), put16(f + 140, 2);
    fix_crc(f);
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_bytes(f, SIZE, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_start(r).known, 0);
    assert_true(has_warning(r, "record date or start time is missing or invalid"));
    assert_int_equal(psy_reader_channel_count(r), 2);
    psy_reader_close(r);
}

static void test_lying_headers(void **state)
{
    (void)state;
    unsigned char f[SIZE];
    make_file(f);
    put32(f + 14, 1000000);
    fix_crc(f);
    expect_failure(f, SIZE, PSY_E_TRUNCATED, "1000000");
    make_file(f);
    put32(f + 14, 0x7FFFFFFF);
    expect_failure(f, SIZE, PSY_E_TRUNCATED, "2147483647");
    make_file(f);
    put32(f + 14, -5);
    expect_failure(f, SIZE, PSY_E_FORMAT, "samples per lead -5");
    make_file(f);
    put32(f + 22, 1 << 30);
    expect_failure(f, SIZE, PSY_E_FORMAT, "ECG data offset");
    make_file(f);
    put32(f + 22, 100);
    expect_failure(f, SIZE, PSY_E_FORMAT, "ECG data offset 100");
    make_file(f);
    put32(f + 10, 0x7FFFFFF0);
    expect_failure(f, SIZE, PSY_E_FORMAT, "variable-length block");
    make_file(f);
    put16(f + 156, 0);
    expect_failure(f, SIZE, PSY_E_FORMAT, "leads 0");
    make_file(f);
    put16(f + 156, 13);
    expect_failure(f, SIZE, PSY_E_FORMAT, "leads 13");
    make_file(f);
    put16(f + 272, 0);
    expect_failure(f, SIZE, PSY_E_FORMAT, "sampling rate 0");
    make_file(f);
    put16(f + 272, -128);
    expect_failure(f, SIZE, PSY_E_FORMAT, "sampling rate -128");
    make_file(f);
    put16(f + 208, 0);
    expect_failure(f, SIZE, PSY_E_FORMAT, "resolution 0");
    make_file(f);
    expect_failure(f, 300, PSY_E_TRUNCATED, "522");
    expect_failure(f, SIZE - 3, PSY_E_TRUNCATED, "9 samples per lead but the header says 10");
}

static void test_annotation_file_unsupported(void **state)
{
    (void)state;
    unsigned char f[600] = "ANN  1.0";
    expect_failure(f, sizeof f, PSY_E_UNSUPPORTED, "ANN 1.0");
}

/* A forced ISHNE open of something else must fail cleanly. */
static void test_not_ishne(void **state)
{
    (void)state;
    psy_source *src = NULL;
    static const char text[] = "hello";
    assert_int_equal(psy_source_open_memory(text, 5, "x.ecg", &src), PSY_OK);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_open_ishne(src, NULL, &r, &why), PSY_E_FORMAT);
    assert_null(r);
    psy_source_close(src);
}

static void write_in(const char *dir, const char *name, const void *data, size_t n)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(data, 1, n, out), n);
    fclose(out);
}

/* A folder of one ISHNE file and its beat list opens as the ISHNE recording, the beats its
 * device events (N, S as WFDB beat codes for scorers; X, an artifact, none); a malformed beat
 * list names itself. */
static void test_holter_folder(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/holter", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    unsigned char f[SIZE];
    make_file(f);
    write_in(dir, "h.ecg", f, SIZE);
    static const char beats[] = "00000000\n0.010 X\n0.015 N\n0.030 S\n0.045 N\n";
    write_in(dir, "h.txt", beats, sizeof beats - 1);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_format(r), "Holter folder");
    assert_int_equal(psy_reader_channel_count(r), 2); /* the leads; the beat list's RR is not taken */
    assert_true(psy_reader_start(r).hour == 23);
    assert_int_equal(psy_reader_event_count(r), 4);
    const psy_event *x = psy_reader_event(r, 0), *n = psy_reader_event(r, 1), *s = psy_reader_event(r, 2);
    assert_true(x->source == PSY_EVENTS_DEVICE && strcmp(x->label, "X") == 0 && !psy_wfdb_is_beat(x->code));
    assert_true(n->onset_s == 0.015 && n->code == psy_wfdb_code("N") && psy_wfdb_is_beat(n->code));
    assert_true(psy_wfdb_is_beat(s->code));
    assert_false(psy_is_session_event(n)); /* a reference, not a session phase */
    psy_reader_close(r);
    static const char bad[] = "00000000\n0.010 N\nsoon N\n";
    write_in(dir, "h.txt", bad, sizeof bad - 1);
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_E_FORMAT);
    assert_null(r);
    if (!strstr(why.text, "h.txt: line 3")) fail_msg("'%s' does not name h.txt's line 3", why.text);
    /* the list alone: broken (its reader's reason), whole, or no beat list at all */
    char txt[1100];
    snprintf(txt, sizeof txt, "%s/h.txt", dir);
    psy_message list_why = {{0}};
    assert_int_equal(psy_check_beat_list(txt, &list_why), PSY_E_FORMAT);
    assert_string_equal(list_why.text, "line 3: beat time is not a number");
    write_in(dir, "h.txt", beats, sizeof beats - 1);
    assert_int_equal(psy_check_beat_list(txt, &list_why), PSY_OK);
    static const char table[] = "onset\n0.5\n";
    write_in(dir, "h.txt", table, sizeof table - 1);
    assert_int_equal(psy_check_beat_list(txt, &list_why), PSY_E_UNKNOWN_FORMAT);
    /* names in capitals, as FAT-formatted recorders write them: paired all the same */
    snprintf(dir, sizeof dir, "%s/HOLTER", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    write_in(dir, "HOLTER.ECG", f, SIZE);
    write_in(dir, "HOLTER.TXT", beats, sizeof beats - 1);
    assert_true(psy_is_session_folder(dir));
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_format(r), "Holter folder");
    assert_int_equal(psy_reader_event_count(r), 4);
    psy_reader_close(r);
    /* a Garmin log beside it: the ISHNE start has no UTC offset, so the two clocks cannot be
     * lined up; the Garmin folder opens (the first export found) and names the Holter's files
     * (it once opened alone, the Holter's dropped without a word) */
    static const char data[] = "2019-10-16T12:00:00.000+02:00;HEART_RATE_VARIABILITY;800.0\n",
                      acc[] = "2019-10-16T12:00:01.000+02:00;1;0;0\n2019-10-16T12:00:01.040+02:00;2;0;0\n";
    write_in(dir, "data.csv", data, sizeof data - 1);
    write_in(dir, "acc.csv", acc, sizeof acc - 1);
    assert_true(psy_is_session_folder(dir));
    assert_int_equal(psy_reader_open(dir, NULL, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_format(r), "Garmin folder");
    static const char clocks[] = ": not read: a Holter file, whose start and the Garmin's are not both clock times with "
                                 "a UTC offset, so they cannot be lined up (open it on its own)";
    char want[300];
    snprintf(want, sizeof want, "HOLTER.ECG%s", clocks);
    assert_true(has_warning(r, want));
    snprintf(want, sizeof want, "HOLTER.TXT%s", clocks);
    assert_true(has_warning(r, want));
    psy_reader_close(r);
}

/* A WFDB record whose annotator is called ecg (PhysioNet's nsr2db: nsr001.hea, nsr001.ecg) with
 * a text file of the same name is no Holter folder: the .ecg does not start with the ISHNE magic,
 * and a header of its name says it is WFDB's; its files are taken one by one. */
static void test_wfdb_folder_not_holter(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/wfdb", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    static const char hea[] = "nsr001 2 128 1000\n", annotations[] = "\x00\xEC\x00\x00", notes[] = "a note\n";
    write_in(dir, "nsr001.hea", hea, sizeof hea - 1);
    write_in(dir, "nsr001.ecg", annotations, sizeof annotations - 1);
    write_in(dir, "nsr001.txt", notes, sizeof notes - 1);
    assert_false(psy_is_session_folder(dir));
    /* even an .ecg with the magic: the header beside it makes the folder WFDB's */
    unsigned char f[SIZE];
    make_file(f);
    write_in(dir, "nsr001.ecg", f, SIZE);
    assert_false(psy_is_session_folder(dir));
    char path[1100];
    snprintf(path, sizeof path, "%s/nsr001.hea", dir);
    assert_int_equal(unlink(path), 0);
    assert_true(psy_is_session_folder(dir));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),         cmocka_unit_test(test_bad_crc_warns), cmocka_unit_test(test_impossible_date),
        cmocka_unit_test(test_lying_headers), cmocka_unit_test(test_annotation_file_unsupported),
        cmocka_unit_test(test_not_ishne),     cmocka_unit_test(test_holter_folder),
        cmocka_unit_test(test_wfdb_folder_not_holter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
