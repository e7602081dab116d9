/* BrainVision reader on files written here: multiplexed and vectorised, INT_16, INT_32 and
 * IEEE_FLOAT_32, either byte order, UTF-8 and ANSI codepages, default resolution and unit,
 * escaped commas, markers and dated New Segments (pauses as gaps), the .eeg and .vmrk opening
 * their header, a renamed data file, ASCII data; then hostile headers. Needs no shared data. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_writers.h"

enum { NCH = 3, FRAMES = 1200 };

static const char *const labels[NCH] = {"ECG", "GSR\\1left", "Fp1"};
static const char *const units[NCH] = {"mV", "\xc2\xb5S", ""};
static const double resolution[NCH] = {0.001, 0.01, 0.5};

static double stored(int c, int64_t i, void *ctx)
{
    (void)ctx;
    return (double)((i * (c + 3)) % 500 - 250 + c);
}

static const char markers[] = "Mk1=New Segment,,1,1,0,20240506101112123456\r\n"
                              "Mk2=Stimulus,S  1,101,1,0\r\n"
                              "Mk3=Response,R\\1 2,201,50,2\r\n"
                              "Mk4=New Segment,,601,1,0,20240506101122623456\r\n"
                              "Mk5=Stimulus,S  3,701,1,0\r\n";

static lab_bv spec(const char *stem, const char *format, int vectorized, int big_endian)
{
    lab_bv b = {stem,   NCH,   FRAMES,     1000,   format, vectorized, big_endian, 0,
                labels, units, resolution, stored, NULL,   markers,    NULL,       NULL};
    return b;
}

static void check(const char *name, const lab_bv *b)
{
    psy_reader *r = open_or_fail(temp_path(name));
    assert_string_equal(psy_reader_format(r), "BrainVision");
    assert_int_equal(psy_reader_channel_count(r), NCH);
    static const char *const want_label[NCH] = {"ECG", "GSR,left", "Fp1"};
    static const char *const want_unit[NCH] = {"mV", "uS", "\xc2\xb5V"};
    static const psy_channel_type want_type[NCH] = {PSY_CH_ECG, PSY_CH_EDA, PSY_CH_OTHER};
    for (int c = 0; c < NCH; c++) {
        const psy_channel_info *ch = psy_reader_channel(r, c);
        assert_string_equal(ch->label, want_label[c]);
        assert_string_equal(ch->unit, want_unit[c]);
        assert_int_equal(ch->type, want_type[c]);
        assert_true(ch->rate_hz == 1000);
        assert_int_equal(ch->frames, FRAMES);
        double x[FRAMES];
        assert_int_equal(psy_reader_read(r, c, 0, FRAMES, x), PSY_OK);
        for (int i = 0; i < FRAMES; i++) {
            double want = stored(c, i, NULL) * resolution[c];
            if (strcmp(b->binary_format, "IEEE_FLOAT_32") == 0)
                want = (float)stored(c, i, NULL) * resolution[c];
            if (fabs(x[i] - want) > 1e-12) fail_msg("%s ch %d sample %d: %g want %g", name, c, i, x[i], want);
        }
    }
    /* the recording paused 10 s after 600 points: two stretches, markers mapped through them */
    assert_int_equal(psy_reader_stretch_count(r), 2);
    assert_true(fabs(psy_reader_stretch(r, 1)->onset_s - 10.5) < 1e-9);
    assert_true(fabs(psy_reader_duration(r) - 11.1) < 1e-9);
    psy_datetime t = psy_reader_start(r);
    assert_true(t.known && t.year == 2024 && t.second == 12 && t.nanosecond == 123456000);
    assert_int_equal(psy_reader_event_count(r), 5);
    const psy_event *e = psy_reader_event(r, 2);
    assert_string_equal(e->label, "R, 2");
    assert_string_equal(e->detail, "Response");
    assert_true(fabs(e->onset_s - 0.2) < 1e-12 && fabs(e->duration_s - 0.05) < 1e-12);
    assert_int_equal(e->channel, 1);
    e = psy_reader_event(r, 4);
    assert_string_equal(e->label, "S  3");
    assert_true(fabs(e->onset_s - 10.6) < 1e-9);
    double times[2];
    assert_int_equal(psy_reader_read_times(r, 0, 599, 2, times), PSY_OK);
    assert_true(fabs(times[0] - 0.599) < 1e-9 && fabs(times[1] - 10.5) < 1e-9);
    psy_reader_close(r);
}

static void test_variants(void **state)
{
    (void)state;
    static const struct {
        const char *fmt;
        int vec, be;
    } v[] = {{"INT_16", 0, 0},
             {"INT_32", 0, 1},
             {"IEEE_FLOAT_32", 0, 0},
             {"INT_16", 1, 0},
             {"IEEE_FLOAT_32", 1, 1}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char stem[32], name[48];
        snprintf(stem, sizeof stem, "bv%zu", i);
        lab_bv b = spec(stem, v[i].fmt, v[i].vec, v[i].be);
        assert_int_equal(lab_write_brainvision(test_tmpdir(), &b), 0);
        snprintf(name, sizeof name, "%s.vhdr", stem);
        check(name, &b);
        snprintf(name, sizeof name, "%s.eeg", stem); /* the data file finds its header */
        check(name, &b);
        snprintf(name, sizeof name, "%s.vmrk", stem);
        check(name, &b);
    }
}

/* ANSI codepage: Windows-1252 text decoded; a data file renamed after recording is found by
 * the header's name, with a warning. */
static void test_ansi_and_renamed(void **state)
{
    (void)state;
    static const char *const ansi_units[NCH] = {"mV", "\xb5S", "\xb5V"};
    lab_bv b = spec("ansi", "INT_16", 0, 0);
    b.ansi = 1;
    b.units = ansi_units;
    b.data_file = "old_name.eeg";
    assert_int_equal(lab_write_brainvision(test_tmpdir(), &b), 0);
    psy_reader *r = open_or_fail(temp_path("ansi.vhdr"));
    assert_string_equal(psy_reader_channel(r, 1)->unit, "uS");
    assert_string_equal(psy_reader_channel(r, 2)->unit, "\xc2\xb5V");
    assert_true(has_warning(r, "DataFile 'old_name.eeg' is missing: read 'ansi.eeg'"));
    psy_reader_close(r);
}

/* A New Segment date that does not exist (was read as 2021-03-01): the start is unknown, as with any
 * malformed date; the data open. */
static void test_impossible_date(void **state)
{
    (void)state;
    lab_bv b = spec("baddate", "INT_16", 0, 0);
    b.markers = "Mk1=New Segment,,1,1,0,20210229101112000000\r\n";
    assert_int_equal(lab_write_brainvision(test_tmpdir(), &b), 0);
    psy_reader *r = open_or_fail(temp_path("baddate.vhdr"));
    assert_int_equal(psy_reader_start(r).known, 0);
    assert_int_equal(psy_reader_channel_count(r), NCH);
    psy_reader_close(r);
}

static void write_text(const char *name, const char *text) { write_temp_file(name, text, strlen(text)); }

static const char header_head[] = "Brain Vision Data Exchange Header File Version 1.0\n[Common Infos]\n";

static void test_hostile(void **state)
{
    (void)state;
    static const unsigned char data[16] = {0};
    write_temp_file("h.eeg", data, sizeof data);
    char text[1024];
    snprintf(text, sizeof text,
             "%sDataFile=../../etc/passwd\nNumberOfChannels=1\nSamplingInterval=1000\n"
             "[Binary Infos]\nBinaryFormat=INT_16\n[Channel Infos]\nCh1=a,,1,uV\n",
             header_head);
    write_text("escape.vhdr", text);
    expect_open_refused(temp_path("escape.vhdr"), PSY_E_FORMAT,
                        "DataFile: file name '../../etc/passwd' has a directory part");
    snprintf(text, sizeof text,
             "%sDataFile=/etc/passwd\nNumberOfChannels=1\nSamplingInterval=1000\n"
             "[Binary Infos]\nBinaryFormat=INT_16\n[Channel Infos]\nCh1=a,,1,uV\n",
             header_head);
    write_text("absolute.vhdr", text);
    expect_open_refused(temp_path("absolute.vhdr"), PSY_E_FORMAT, "has a directory part");
    snprintf(text, sizeof text,
             "%sDataFile=h.eeg\nNumberOfChannels=1\nSamplingInterval=1000\nDataPoints=999999999999\n"
             "[Binary Infos]\nBinaryFormat=INT_16\n[Channel Infos]\nCh1=a,,1,uV\n",
             header_head);
    write_text("lying.vhdr", text);
    expect_open_refused(temp_path("lying.vhdr"), PSY_E_TRUNCATED,
                        "says 999999999999 data points but the data file holds 8");
    snprintf(text, sizeof text, "%sDataFile=h.eeg\nNumberOfChannels=99999999\nSamplingInterval=1000\n",
             header_head);
    write_text("many.vhdr", text);
    expect_open_refused(temp_path("many.vhdr"), PSY_E_FORMAT, "NumberOfChannels '99999999' is not 1..65536");
    snprintf(text, sizeof text,
             "%sDataFile=h.eeg\nNumberOfChannels=2\nSamplingInterval=1000\n"
             "[Binary Infos]\nBinaryFormat=INT_16\n[Channel Infos]\nCh1=a,,1,uV\n",
             header_head);
    write_text("missing_ch.vhdr", text);
    expect_open_refused(temp_path("missing_ch.vhdr"), PSY_E_FORMAT, "no line Ch2 in [Channel Infos]");
    snprintf(text, sizeof text, "%sDataFile=h.eeg\nNumberOfChannels=1\nSamplingInterval=0\n", header_head);
    write_text("rate0.vhdr", text);
    expect_open_refused(temp_path("rate0.vhdr"), PSY_E_FORMAT,
                        "SamplingInterval '0' (microseconds) must be positive");
    snprintf(text, sizeof text,
             "%sDataFile=h.eeg\nNumberOfChannels=1\nSamplingInterval=1000\n"
             "[Binary Infos]\nBinaryFormat=INT_64\n",
             header_head);
    write_text("int64.vhdr", text);
    expect_open_refused(temp_path("int64.vhdr"), PSY_E_UNSUPPORTED, "BinaryFormat 'INT_64'");
    snprintf(text, sizeof text,
             "%sDataFile=nothere.eeg\nNumberOfChannels=1\nSamplingInterval=1000\n"
             "[Binary Infos]\nBinaryFormat=INT_16\n[Channel Infos]\nCh1=a,,1,uV\n",
             header_head);
    write_text("nodata.vhdr", text);
    expect_open_refused(temp_path("nodata.vhdr"), PSY_E_NOT_FOUND,
                        "DataFile 'nothere.eeg' named by the header is missing");
    write_text("lonely.vmrk",
               "Brain Vision Data Exchange Marker File, Version 1.0\n[Marker Infos]\nMk1=a,b,1,1,0\n");
    expect_open_refused(temp_path("lonely.vmrk"), PSY_E_FORMAT, "without its header 'lonely.vhdr'");
}

/* Multiplexed ASCII with a decimal comma, a skipped header line and a skipped time column. */
static void test_ascii(void **state)
{
    (void)state;
    write_text("asc.dat", "time ch1 ch2\n0 1,5 -2\n1 2,5 -3\n2 3,5 -4\n");
    char text[1024];
    snprintf(text, sizeof text,
             "%sDataFile=asc.dat\nDataFormat=ASCII\nNumberOfChannels=2\nSamplingInterval=4000\n"
             "[ASCII Infos]\nDecimalSymbol=,\nSkipLines=1\nSkipColumns=1\n[Channel "
             "Infos]\nCh1=ECG,,2,mV\nCh2=RESP,,,\n",
             header_head);
    write_text("asc.vhdr", text);
    psy_reader *r = open_or_fail(temp_path("asc.vhdr"));
    assert_string_equal(psy_reader_format(r), "BrainVision (ASCII)");
    assert_true(psy_reader_channel(r, 0)->rate_hz == 250);
    double x[3];
    assert_int_equal(psy_reader_read(r, 0, 0, 3, x), PSY_OK);
    assert_true(x[0] == 3 && x[1] == 5 && x[2] == 7);
    assert_int_equal(psy_reader_read(r, 1, 0, 3, x), PSY_OK);
    assert_true(x[0] == -2 && x[2] == -4);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_ansi_and_renamed),
        cmocka_unit_test(test_impossible_date),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_ascii),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
