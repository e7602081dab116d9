/* XDF reader on files written here: a regular stream with drifting clock offsets and a pause, an
 * irregular stream, a two-channel marker stream, samples without time stamps, a clock reset, a
 * file cut inside a chunk; then hostile files (lying counts, bad length fields, entities, huge
 * channel counts). Needs no shared data. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_writers.h"

/* Recorder time R; the ECG stream's clock S = R + 1000 - 1e-5 R (it runs slow), so the offset the
 * recorder measures is v = R - S = -1000 + 1e-5 R. ECG 250 Hz from R = 2 s, paused R in [12, 14). */
static double stream_clock(double rt) { return rt + 1000 - 1e-5 * rt; }
static double ecg_value(int64_t i) { return sin((double)i * 0.05) + (double)i * 1e-3; }

static void write_main(const char *path)
{
    FILE *f = lab_xdf_open(path);
    assert_non_null(f);
    lab_xdf_stream_header(
        f, 1, "BioAmp ECG", "ECG", 1, 250, "float32",
        "<channels><channel><label>ECG II</label><unit>mV</unit><type>ECG</type></channel></channels>");
    lab_xdf_stream_header(f, 7, "Heart rate", "HR", 1, 0, "double64",
                          "<channels><channel><label>HR</label>"
                          "<unit>bpm</unit></channel></channels>");
    lab_xdf_stream_header(f, 9, "PsychoPy", "Markers", 2, 0, "string", NULL);
    lab_xdf_stream_header(f, 4, "GSR", "GSR", 1, 4, "int16", NULL);
    int64_t i = 0;
    for (int second = 0; second < 20; second++) {
        double rt = second;
        if (second % 5 == 0) lab_xdf_clock(f, 1, stream_clock(rt), rt - stream_clock(rt));
        if (second >= 2 && (second < 12 || second >= 14)) {
            double v[250], ts[250];
            for (int k = 0; k < 250; k++, i++) {
                v[k] = ecg_value(i);
                ts[k] = stream_clock(rt + k / 250.0);
            }
            lab_xdf_samples(f, 1, "float32", 1, 250, v, ts);
        }
        double hr = 60 + second, hts = rt + 0.3;
        lab_xdf_samples(f, 7, "double64", 1, 1, &hr, &hts);
        double g[4] = {second, second + 1, second + 2, second + 3}, gts[4] = {rt + 0.5, NAN, NAN, NAN};
        lab_xdf_samples(f, 4, "int16", 1, 4, g, gts);
    }
    double mts[2] = {7.25, 9.5};
    lab_xdf_strings(f, 9, 2, 2, (const char *const[]){"trial 1\nstart", "left", "end", ""}, mts);
    assert_int_equal(lab_xdf_close(f), 0);
}

/* A file header <datetime> that does not exist (was read as 2024-03-02) or is no ISO 8601 date-time:
 * the start is unknown, with a warning; the streams open. A valid one in another accepted form. */
static void test_header_datetime(void **state)
{
    (void)state;
    static const struct {
        const char *datetime;
        int known;
    } cases[] = {{"2024-02-30T10:11:12+0200", 0}, {"2024-5-6T10:11:12", 0}, {"2024-02-29T10:11:12.5+02:00", 1}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        FILE *f = fopen(temp_path("date.xdf"), "wb");
        assert_non_null(f);
        fwrite("XDF:", 1, 4, f);
        char xml[160];
        int n = snprintf(xml, sizeof xml, "<?xml version=\"1.0\"?><info><version>1.0</version><datetime>%s"
                         "</datetime></info>", cases[k].datetime);
        lab_xdf_chunk(f, 1, xml, (uint64_t)n);
        lab_xdf_stream_header(f, 1, "ECG", "ECG", 1, 250, "float32", NULL);
        double v[2] = {1, 2}, ts[2] = {5, NAN};
        lab_xdf_samples(f, 1, "float32", 1, 2, v, ts);
        assert_int_equal(lab_xdf_close(f), 0);
        psy_reader *r = open_or_fail(temp_path("date.xdf"));
        psy_datetime t = psy_reader_start(r);
        if (t.known != cases[k].known) fail_msg("'%s': known %d", cases[k].datetime, t.known);
        if (!t.known) assert_true(has_warning(r, "<datetime> is not an ISO 8601 date-time that exists"));
        else assert_true(t.day == 29 && t.utc_offset_min == 120 && t.nanosecond == 500000000);
        assert_int_equal(psy_reader_channel_count(r), 1);
        psy_reader_close(r);
    }
}

static void test_streams(void **state)
{
    (void)state;
    write_main(temp_path("main.xdf"));
    psy_reader *r = open_or_fail(temp_path("main.xdf"));
    assert_string_equal(psy_reader_format(r), "XDF");
    assert_int_equal(psy_reader_channel_count(r), 3);
    psy_datetime t = psy_reader_start(r);
    assert_true(t.known && t.year == 2024 && t.hour == 10);
    assert_true(t.zone_known && t.utc_offset_min == 120); /* LabRecorder's +0200 */
    /* time 0 is the first numeric sample: HR at R = 0.3 */
    const psy_channel_info *ecg = psy_reader_channel(r, 0), *hr = psy_reader_channel(r, 1),
                           *gsr = psy_reader_channel(r, 2);
    assert_string_equal(ecg->label, "ECG II");
    assert_int_equal(ecg->type, PSY_CH_ECG);
    assert_string_equal(ecg->unit, "mV");
    assert_true(ecg->rate_hz == 250);
    assert_string_equal(hr->label, "HR");
    assert_int_equal(hr->type, PSY_CH_HR);
    assert_true(hr->rate_hz == 0);
    assert_int_equal(hr->frames, 20);
    assert_int_equal(gsr->type, PSY_CH_EDA); /* from the stream type */
    assert_true(gsr->rate_hz == 4);
    /* ECG: first sample at R = 2 -> index (2 - 0.3) * 250 = 425; the pause R [12, 14) is NaN */
    int64_t first = 425;
    double x[4];
    assert_int_equal(psy_reader_read(r, 0, first - 1, 3, x), PSY_OK);
    assert_true(isnan(x[0]));
    assert_true(fabs(x[1] - (float)ecg_value(0)) < 1e-6 && fabs(x[2] - (float)ecg_value(1)) < 1e-6);
    int64_t resume = first + 12 * 250; /* R = 14 */
    assert_int_equal(psy_reader_read(r, 0, resume - 2, 3, x), PSY_OK);
    assert_true(isnan(x[0]) && isnan(x[1]));
    assert_true(fabs(x[2] - (float)ecg_value(2500)) < 1e-6);
    assert_int_equal(ecg->frames, resume + 1500);
    assert_true(has_warning(r, "stream 'BioAmp ECG': 1 pauses or losses"));
    /* HR: irregular, corrected times from time 0 */
    double ht[3], hv[3];
    assert_int_equal(psy_reader_read_times(r, 1, 0, 3, ht), PSY_OK);
    assert_int_equal(psy_reader_read(r, 1, 0, 3, hv), PSY_OK);
    assert_true(fabs(ht[0]) < 1e-9 && fabs(ht[2] - 2) < 1e-9 && hv[1] == 61);
    /* GSR: 4 Hz from R = 0.5 (index round(0.2 * 4) = 1), time stamps only on each chunk's first sample */
    double g[9];
    assert_int_equal(psy_reader_read(r, 2, 0, 9, g), PSY_OK);
    assert_true(isnan(g[0]) && g[1] == 0 && g[2] == 1 && g[4] == 3 && g[5] == 1 && g[8] == 4);
    /* markers: one event per sample, line ends turned into spaces */
    assert_int_equal(psy_reader_event_count(r), 2);
    const psy_event *e = psy_reader_event(r, 0);
    assert_string_equal(e->label, "trial 1 start; left");
    assert_string_equal(e->detail, "PsychoPy");
    assert_true(fabs(e->onset_s - (7.25 - 0.3)) < 1e-9);
    psy_reader_close(r);
}

/* The stream's computer restarts at R = 50: its clock jumps back; each part is synchronised on
 * its own clock offsets and the samples land at their recorder times. */
static void test_clock_reset(void **state)
{
    (void)state;
    FILE *f = lab_xdf_open(temp_path("reset.xdf"));
    lab_xdf_stream_header(f, 3, "EDA", "EDA", 1, 10, "double64", NULL);
    lab_xdf_stream_header(f, 4, "Markers", "Markers", 1, 0, "string", NULL); /* same computer */
    for (int rt = 0; rt < 105; rt++) {
        double clock = rt < 50 ? rt + 1000.0 : rt - 45.0; /* reset between R = 50 and 55 */
        if (rt % 5 == 0 && (rt < 50 || rt >= 55)) {
            lab_xdf_clock(f, 3, clock, rt - clock);
            lab_xdf_clock(f, 4, clock + 0.001, rt - clock);
        }
        if (rt == 20 || rt == 80)
            lab_xdf_strings(f, 4, 1, 1, (const char *const[]){rt == 20 ? "before" : "after"},
                            (const double[]){clock + 0.5});
        if (rt >= 50 && rt < 55) continue; /* no samples while restarting */
        double v[10], ts[10];
        for (int k = 0; k < 10; k++) v[k] = rt * 10 + k, ts[k] = clock + k / 10.0;
        lab_xdf_samples(f, 3, "double64", 1, 10, v, ts);
    }
    lab_xdf_close(f);
    psy_reader *r = open_or_fail(temp_path("reset.xdf"));
    assert_true(has_warning(r, "stream 'EDA': 1 clock resets"));
    const psy_channel_info *c = psy_reader_channel(r, 0);
    assert_int_equal(c->frames, 1050);
    double x[3];
    assert_int_equal(psy_reader_read(r, 0, 499, 3, x), PSY_OK);
    assert_true(x[0] == 499 && isnan(x[1]) && isnan(x[2]));
    assert_int_equal(psy_reader_read(r, 0, 550, 1, x), PSY_OK);
    assert_true(x[0] == 550);
    /* markers of the same computer, before and after its restart, at their recorder times */
    assert_int_equal(psy_reader_event_count(r), 2);
    assert_true(fabs(psy_reader_event(r, 0)->onset_s - 20.5) < 1e-6);
    assert_true(fabs(psy_reader_event(r, 1)->onset_s - 80.5) < 1e-6);
    psy_reader_close(r);
}

/* Samples before a stream's first time stamp (code-generated files): regular ones go just before
 * it, irregular ones take it; they never pull time 0 back to the clock's zero. */
static void test_unstamped_head(void **state)
{
    (void)state;
    FILE *f = lab_xdf_open(temp_path("head.xdf"));
    lab_xdf_stream_header(f, 1, "ECG", "ECG", 1, 100, "float32", NULL);
    lab_xdf_stream_header(f, 2, "Markers", "Markers", 1, 0, "string", NULL);
    double v[10], none[10], ts[10];
    for (int k = 0; k < 10; k++) v[k] = k, none[k] = NAN, ts[k] = k ? NAN : 5000.1;
    lab_xdf_samples(f, 1, "float32", 1, 10, v, none); /* no time stamps */
    lab_xdf_strings(f, 2, 1, 1, (const char *const[]){"early"}, (const double[]){NAN});
    for (int k = 0; k < 10; k++) v[k] = 10 + k;
    lab_xdf_samples(f, 1, "float32", 1, 10, v, ts); /* stamped from 5000.1 */
    lab_xdf_strings(f, 2, 1, 1, (const char *const[]){"late"}, (const double[]){5000.15});
    lab_xdf_close(f);
    psy_reader *r = open_or_fail(temp_path("head.xdf"));
    const psy_channel_info *c = psy_reader_channel(r, 0);
    assert_int_equal(c->frames, 20);
    double x[20];
    assert_int_equal(psy_reader_read(r, 0, 0, 20, x), PSY_OK);
    for (int k = 0; k < 20; k++) assert_true(x[k] == k);
    /* time 0 is the first stamped sample less the 10 before it: 5000.0 */
    assert_int_equal(psy_reader_event_count(r), 2);
    assert_string_equal(psy_reader_event(r, 0)->label, "early"); /* takes its stream's first stamp */
    assert_true(fabs(psy_reader_event(r, 0)->onset_s - 0.15) < 1e-9);
    assert_true(fabs(psy_reader_event(r, 1)->onset_s - 0.15) < 1e-9);
    psy_reader_close(r);
}

/* A recording cut short inside a chunk: what is complete is read, with a warning. */
static void test_cut_short(void **state)
{
    (void)state;
    write_main(temp_path("full.xdf"));
    FILE *f = fopen(temp_path("full.xdf"), "rb");
    static unsigned char b[1 << 20];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    const char *cut = write_temp_file("cut.xdf", b, n - 20);
    psy_reader *r = open_or_fail(cut);
    assert_true(has_warning(r, "the file ends inside a chunk"));
    psy_reader_close(r);
    /* prefixes (every one through the headers, then 400 through the chunks): read or refused
     * with a reason, never a crash */
    for (size_t k = 0; k < n; k += k < 1200 ? 1 : n / 400) {
        psy_source *src = NULL;
        assert_int_equal(psy_source_open_memory(b, k, "p.xdf", &src), PSY_OK);
        psy_message why = {{0}};
        r = NULL;
        if (psy_reader_open_source(src, NULL, &r, &why) != PSY_OK) {
            if (!why.text[0]) fail_msg("prefix %zu refused without a reason", k);
            psy_source_close(src);
            continue;
        }
        double x[8];
        for (int c = 0; c < psy_reader_channel_count(r); c++)
            if (psy_reader_channel(r, c)->frames >= 8)
                assert_int_equal(psy_reader_read(r, c, 0, 8, x), PSY_OK);
        psy_reader_close(r);
    }
}

static void test_hostile(void **state)
{
    (void)state;
    /* a chunk length field of 3 bytes */
    write_temp_file("nlb.xdf", "XDF:\003\001\002\003", 8);
    expect_open_refused(temp_path("nlb.xdf"), PSY_E_FORMAT, "its length field is 3 bytes, not 1, 4 or 8");
    /* a Samples chunk claiming a billion samples */
    FILE *f = lab_xdf_open(temp_path("count.xdf"));
    lab_xdf_stream_header(f, 1, "x", "EEG", 2, 100, "float32", NULL);
    unsigned char s[24] = {1, 0, 0, 0, 4, 0, 0xCA, 0x9A, 0x3B};
    lab_xdf_chunk(f, 3, s, sizeof s);
    lab_xdf_close(f);
    expect_open_refused(temp_path("count.xdf"), PSY_E_FORMAT, "claims 1000000000 samples");
    /* huge channel count */
    f = lab_xdf_open(temp_path("channels.xdf"));
    lab_xdf_stream_header(f, 1, "x", "EEG", 100000, 100, "float32", NULL);
    lab_xdf_close(f);
    expect_open_refused(temp_path("channels.xdf"), PSY_E_FORMAT, "channel_count 100000 is not 1..65536");
    /* an entity bomb: refused for its DOCTYPE */
    f = lab_xdf_open(temp_path("entity.xdf"));
    static const char bomb[] = "\001\000\000\000<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                               "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><info><name>&lol2;</name></info>";
    lab_xdf_chunk(f, 2, bomb, sizeof bomb - 1);
    lab_xdf_close(f);
    expect_open_refused(temp_path("entity.xdf"), PSY_E_FORMAT, "XML header with a DOCTYPE (refused)");
    /* a time stamp of 5 bytes */
    f = lab_xdf_open(temp_path("tsb.xdf"));
    lab_xdf_stream_header(f, 1, "x", "EEG", 1, 100, "int16", NULL);
    unsigned char t[] = {1, 0, 0, 0, 1, 1, 5, 0, 0};
    lab_xdf_chunk(f, 3, t, sizeof t);
    lab_xdf_close(f);
    expect_open_refused(temp_path("tsb.xdf"), PSY_E_FORMAT, "a time stamp of 5 bytes");
    /* XML that is not well-formed */
    f = lab_xdf_open(temp_path("xml.xdf"));
    lab_xdf_chunk(f, 2, "\001\000\000\000<info><name>x</nam", 22);
    lab_xdf_close(f);
    expect_open_refused(temp_path("xml.xdf"), PSY_E_FORMAT, "XML header is not well-formed");
    /* samples of a stream never declared, and nothing else */
    f = lab_xdf_open(temp_path("orphan.xdf"));
    lab_xdf_samples(f, 5, "int16", 1, 1, (const double[]){1}, (const double[]){1});
    lab_xdf_close(f);
    expect_open_refused(temp_path("orphan.xdf"), PSY_E_FORMAT, "no stream header");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_datetime), cmocka_unit_test(test_streams),        cmocka_unit_test(test_clock_reset),
        cmocka_unit_test(test_unstamped_head), cmocka_unit_test(test_cut_short),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
