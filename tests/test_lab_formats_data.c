/* The lab recorders' sample files of ../shared/data/formats (see its SOURCE.md) against the values
 * their projects document: bioread's AcqKnowledge test data (channels, units, compressed and
 * uncompressed copies equal, the 3.8.1 copy equal on its full sample patterns, markers, journal),
 * MNE's BrainVision test file (32 channels, 1000 Hz, 7900 points, 14 markers, the unit-parsing
 * channels), xdf-modules' example files (README: samples, time stamps after the clock offsets,
 * marker strings) and PLUX's OpenSignals samples (rates, rows, sensors). Skips without shared. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double *read_all(psy_reader *r, int ch)
{
    const psy_channel_info *c = psy_reader_channel(r, ch);
    double *x = malloc((size_t)(c->frames ? c->frames : 1) * sizeof *x);
    assert_non_null(x);
    assert_int_equal(psy_reader_read(r, ch, 0, c->frames, x), PSY_OK);
    return x;
}

static const psy_event *find_event(const psy_reader *r, const char *label, int nth)
{
    for (size_t i = 0; i < psy_reader_event_count(r); i++)
        if (strcmp(psy_reader_event(r, i)->label, label) == 0 && nth-- == 0) return psy_reader_event(r, i);
    fail_msg("no event '%s'", label);
    return NULL;
}

/* ---- AcqKnowledge (bioread test/data) ---- */

static void check_physio(psy_reader *r)
{
    static const char *const labels[4] = {"EDA filtered, differentiated", "EKG - ERS100C", "RESP - RSP100C",
                                          "EDA - GSR100C"};
    static const char *const units[4] = {"microsiemens", "mV", "Volts", "uS"};
    static const psy_channel_type types[4] = {PSY_CH_OTHER, PSY_CH_ECG, PSY_CH_RESP, PSY_CH_EDA};
    static const double rates[4] = {2000, 1000, 2000.0 / 512, 2000};
    static const int64_t frames[4] = {123787, 61893, 241, 123787};
    assert_int_equal(psy_reader_channel_count(r), 4);
    for (int c = 0; c < 4; c++) {
        const psy_channel_info *ch = psy_reader_channel(r, c);
        assert_string_equal(ch->label, labels[c]);
        assert_string_equal(ch->unit, units[c]);
        assert_int_equal(ch->type, types[c]);
        assert_true(fabs(ch->rate_hz - rates[c]) < 1e-9);
        assert_int_equal(ch->frames, frames[c]);
    }
    /* markers: the three deep breaths, two EDA peaks and troughs (one per EDA channel), the
     * breathing marks and the segment start; the journal */
    assert_int_equal(psy_reader_event_count(r), 11);
    assert_true(fabs(find_event(r, "Deep Breath 3", 0)->onset_s - 73532 / 2000.0) < 1e-9);
    assert_true(fabs(find_event(r, "EDA Peak", 1)->onset_s - 19138 / 2000.0) < 1e-9);
    assert_true(fabs(find_event(r, "EDA Trough", 0)->onset_s - 34807 / 2000.0) < 1e-9);
    assert_true(find_event(r, "Segment 1", 0)->onset_s == 0);
    assert_non_null(strstr(
        find_event(r, "psyphys: journal", 0)->detail,
        "EKG for heart rate, EDA for skin conductance, and a respiration belt. I took three deep breaths."));
}

static void test_acq_physio(void **state)
{
    (void)state;
    psy_reader *v3 = open_shared("formats/acq/physio-3.8.1.acq", 0),
               *v5 = open_shared("formats/acq/physio-5.0.1.acq", 0),
               *v5c = open_shared("formats/acq/physio-5.0.1-c.acq", 0);
    check_physio(v3);
    check_physio(v5);
    check_physio(v5c);
    assert_string_equal(psy_reader_format(v5c), "AcqKnowledge (compressed)");
    /* bioread: compressed = uncompressed; the 3.8.1 copy agrees on every full sample pattern (its
     * last, partial pattern differs: AcqKnowledge's own quirk) */
    static const int64_t full[4] = {123392, 61696, 241, 123392};
    for (int c = 0; c < 4; c++) {
        int64_t n = psy_reader_channel(v5, c)->frames;
        double *a = read_all(v3, c), *b = read_all(v5, c), *z = read_all(v5c, c);
        assert_memory_equal(b, z, (size_t)n * sizeof *b);
        assert_memory_equal(a, b, (size_t)full[c] * sizeof *a);
        free(a), free(b), free(z);
    }
    assert_string_equal(find_event(v5, "EDA Peak", 0)->detail, "scr");
    assert_int_equal(find_event(v5, "EDA Peak", 0)->channel, 3);
    assert_true(has_warning(v5c, "moved by 34304 samples"));
    psy_reader_close(v3);
    psy_reader_close(v5);
    psy_reader_close(v5c);
}

static void test_acq_r42(void **state)
{
    (void)state;
    psy_reader *r = open_shared("formats/acq/r42_test.acq", 0);
    assert_int_equal(psy_reader_channel_count(r), 4);
    const psy_channel_info *ecg = psy_reader_channel(r, 0), *eda = psy_reader_channel(r, 2);
    assert_string_equal(ecg->label, "ECG (.05 - 150 Hz)");
    assert_int_equal(ecg->type, PSY_CH_ECG);
    assert_string_equal(eda->label, "EDA (0 - 35 Hz)");
    assert_int_equal(eda->type, PSY_CH_EDA);
    assert_string_equal(eda->unit, "uS");
    assert_true(ecg->rate_hz == 1000 && ecg->frames == 7901);
    psy_reader_close(r);
}

/* ---- BrainVision (MNE test data) ---- */

static void test_brainvision(void **state)
{
    (void)state;
    psy_reader *r = open_shared("formats/brainvision/test.vhdr", 0);
    assert_int_equal(psy_reader_channel_count(r), 32);
    for (int c = 0; c < 32; c++) {
        const psy_channel_info *ch = psy_reader_channel(r, c);
        assert_true(ch->rate_hz == 1000 && ch->frames == 7900);
    }
    assert_string_equal(psy_reader_channel(r, 0)->label, "FP1");
    assert_string_equal(psy_reader_channel(r, 2)->unit, "\xc2\xb5V");  /* no unit given: microvolts */
    static const char *const units[5] = {"uS", "ARU", "uS", "S", "C"}; /* CP6, HL, HR, Vb, ReRef */
    for (int c = 27; c < 32; c++) assert_string_equal(psy_reader_channel(r, c)->unit, units[c - 27]);
    assert_int_equal(psy_reader_channel(r, 27)->type, PSY_CH_EDA);
    assert_int_equal(psy_reader_event_count(r), 14);
    const psy_event *e = find_event(r, "S253", 0);
    assert_true(fabs(e->onset_s - 0.486) < 1e-12);
    assert_string_equal(e->detail, "Stimulus");
    assert_true(fabs(find_event(r, "O  1", 0)->onset_s - 7.699) < 1e-12);
    psy_datetime t = psy_reader_start(r);
    assert_true(t.known && t.year == 2013 && t.month == 11 && t.day == 13 && t.hour == 16 && t.minute == 14 &&
                t.second == 3);
    /* the stored int16 times 0.5 uV, checked against the file bytes */
    FILE *f = fopen(shared_data("formats/brainvision/test.eeg"), "rb");
    assert_non_null(f);
    short raw[32];
    assert_int_equal(fread(raw, 2, 32, f), 32);
    fclose(f);
    for (int c = 0; c < 32; c++) {
        double x;
        assert_int_equal(psy_reader_read(r, c, 0, 1, &x), PSY_OK);
        assert_true(x == raw[c] * 0.5);
    }
    psy_reader_close(r);
}

/* ---- XDF (xdf-modules/example-files README) ---- */

static void test_xdf_minimal(void **state)
{
    (void)state;
    psy_reader *r = open_shared("formats/xdf/minimal.xdf", 0);
    assert_int_equal(psy_reader_channel_count(r), 3);
    static const double table[9][3] = {{192, 255, 238}, {12, 22, 32}, {13, 23, 33},
                                       {14, 24, 34},    {15, 25, 35}, {12, 22, 32},
                                       {13, 23, 33},    {14, 24, 34}, {15, 25, 35}};
    for (int c = 0; c < 3; c++) {
        const psy_channel_info *ch = psy_reader_channel(r, c);
        assert_true(ch->rate_hz == 10 && ch->frames == 9);
        double *x = read_all(r, c);
        for (int i = 0; i < 9; i++) assert_true(x[i] == table[i][c]);
        free(x);
    }
    /* stream 0's time stamps 5.1..5.9 with clock offset -0.1 start at 5.0 (time 0); the marker
     * stream has no clock offsets: its samples stay at 5.1..5.9 */
    static const char *const words[8] = {"Hello", "World", "from", "LSL", "Hello", "World", "from", "LSL"};
    assert_int_equal(psy_reader_event_count(r), 9);
    for (int i = 0; i < 8; i++) {
        const psy_event *e = psy_reader_event(r, (size_t)i + 1);
        assert_string_equal(e->label, words[i]);
        assert_string_equal(e->detail, "SendDataString");
        assert_true(fabs(e->onset_s - (0.2 + 0.1 * i)) < 1e-9);
    }
    assert_non_null(strstr(psy_reader_event(r, 0)->label, "<writer>LabRecorder xdfwriter</writer>"));
    psy_reader_close(r);
}

static void test_xdf_empty_streams(void **state)
{
    (void)state;
    psy_reader *r = open_shared("formats/xdf/empty_streams.xdf", 0);
    /* stream 4 (int32, 1 Hz, 10 samples 0..9); streams 2 and 3 are empty */
    assert_int_equal(psy_reader_channel_count(r), 1);
    const psy_channel_info *c = psy_reader_channel(r, 0);
    assert_string_equal(c->label, "ch:00");
    assert_true(c->rate_hz == 1 && c->frames == 10);
    double *x = read_all(r, 0);
    for (int i = 0; i < 10; i++) assert_true(x[i] == i);
    free(x);
    assert_true(has_warning(r, "stream 'Empty data stream: test stream 0 counter' has no samples"));
    /* the control stream's one sample, 91725.014004 on a stream whose offsets are ~0, is 0.19994 s
     * before stream 4's first sample (91725.213948) */
    assert_int_equal(psy_reader_event_count(r), 1);
    const psy_event *e = psy_reader_event(r, 0);
    assert_string_equal(e->label, "{\"state\": 2}");
    assert_true(fabs(e->onset_s - (91725.014004246 - 91725.21394789348)) < 1e-4);
    psy_reader_close(r);
}

/* ---- OpenSignals (PLUX biosignalsnotebooks samples) ---- */

static void test_opensignals(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        double rate;
        int64_t rows;
        int channel;
        psy_channel_type type;
        const char *unit;
        double first; /* the first row's value through the sensor's transfer function */
    } files[] = {
        {"ecg_sample.txt", 200, 2370, 1, PSY_CH_ECG, "mV", (32452 / 65536.0 - 0.5) * 3 / 1019 * 1000},
        {"supine_1min.txt", 1000, 60000, 1, PSY_CH_ECG, "mV", (27764 / 65536.0 - 0.5) * 3 / 1019 * 1000},
        {"bvp_sample.txt", 1000, 27300, 1, PSY_CH_PPG, "r.i.", 39072 / 65536.0},
        {"eda_hot_surface.txt", 1000, 37050, 4, PSY_CH_EDA, "uS", 461 / 1024.0 * 3.3 / 0.132},
        {"signal_sample_single_hub_RESPIRATION_2018_7_5.txt", 1000, 60000, 1, PSY_CH_RESP, "%",
         (33912 / 65536.0 - 0.5) * 100},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "formats/opensignals/%s", files[i].file);
        psy_reader *r = open_shared(rel, 0);
        const psy_channel_info *c = psy_reader_channel(r, files[i].channel);
        assert_non_null(c);
        assert_true(c->rate_hz == files[i].rate);
        assert_int_equal(c->frames, files[i].rows);
        assert_int_equal(c->type, files[i].type);
        assert_string_equal(c->unit, files[i].unit);
        double x;
        assert_int_equal(psy_reader_read(r, files[i].channel, 0, 1, &x), PSY_OK);
        if (fabs(x - files[i].first) > 1e-12)
            fail_msg("%s: %.15g, want %.15g", files[i].file, x, files[i].first);
        assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_TRIGGER);
        assert_int_equal(psy_reader_warning_count(r), 0);
        psy_reader_close(r);
    }
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acq_physio),        cmocka_unit_test(test_acq_r42),
        cmocka_unit_test(test_brainvision),       cmocka_unit_test(test_xdf_minimal),
        cmocka_unit_test(test_xdf_empty_streams), cmocka_unit_test(test_opensignals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
