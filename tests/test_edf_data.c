/* EDF/EDF+/BDF reader on the real files in ../shared/data (edf_mne_testing, edf_pyedflib,
 * wfdb_python_samples), with the answers of their SOURCE notes; and the EDFlib path compared
 * with psyphys's own parser sample by sample. Skipped when ../shared is absent. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static psy_reader *open_with(const char *rel, int use_libedf)
{
    const char *path = shared_data(rel);
    if (!path) fail_msg("missing shared file %s", rel);
    psy_open_options opt = psy_open_options_default();
    opt.use_libedf = use_libedf;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(path, &opt, &r, &why);
    if (st != PSY_OK) fail_msg("%s: %s (%s)", rel, psy_strerror(st), why.text);
    return r;
}

static void check_start(const psy_reader *r, int y, int mo, int d, int h, int mi, int s, int64_t ns)
{
    psy_datetime t = psy_reader_start(r);
    assert_int_equal(t.known, 1);
    assert_int_equal(t.year, y);
    assert_int_equal(t.month, mo);
    assert_int_equal(t.day, d);
    assert_int_equal(t.hour, h);
    assert_int_equal(t.minute, mi);
    assert_int_equal(t.second, s);
    assert_true(llabs(t.nanosecond - ns) < 1000); /* within a microsecond */
}

static void check_event(const psy_reader *r, size_t i, double onset, double duration, const char *label)
{
    const psy_event *e = psy_reader_event(r, i);
    assert_non_null(e);
    if (fabs(e->onset_s - onset) > 1e-6 || fabs(e->duration_s - duration) > 1e-6 || strcmp(e->label, label))
        fail_msg("event %zu: %.7f %.7f '%s', want %.7f %.7f '%s'", i, e->onset_s, e->duration_s, e->label,
                 onset, duration, label);
}

static double *read_all(psy_reader *r, int ch)
{
    const psy_channel_info *c = psy_reader_channel(r, ch);
    double *v = malloc(sizeof *v * (size_t)(c->frames ? c->frames : 1));
    assert_non_null(v);
    assert_int_equal(psy_reader_read(r, ch, 0, c->frames, v), PSY_OK);
    return v;
}

/* Upward crossings of the mid-range: cycles of a periodic test signal. */
static long mid_crossings(const double *v, int64_t n)
{
    double lo = v[0], hi = v[0];
    for (int64_t i = 0; i < n; i++) lo = v[i] < lo ? v[i] : lo, hi = v[i] > hi ? v[i] : hi;
    double mid = (lo + hi) / 2;
    long up = 0;
    for (int64_t i = 1; i < n; i++) up += v[i - 1] < mid && v[i] >= mid;
    return up;
}

static void test_pyedflib_generator_edf(void **state)
{
    (void)state;
    psy_reader *r = open_with("edf_pyedflib/test_generator.edf", 1);
    assert_string_equal(psy_reader_format(r), "EDF+C");
    assert_int_equal(psy_reader_channel_count(r), 11);
    static const char *labels[] = {"squarewave", "ramp", "pulse", "noise", "sine 1 Hz", "sine 8 Hz",
                                   "sine 8.1777 Hz", "sine 8.5 Hz", "sine 15 Hz", "sine 17 Hz", "sine 50 Hz"};
    for (int c = 0; c < 11; c++) {
        const psy_channel_info *i = psy_reader_channel(r, c);
        assert_string_equal(i->label, labels[c]);
        assert_string_equal(i->unit, "uV");
        assert_true(i->rate_hz == 200);
        assert_int_equal(i->frames, 120000);
        assert_true(i->physical_min == -1000 && i->physical_max == 1000); /* header: +-1000 uV */
    }
    assert_true(psy_reader_duration(r) == 600);
    check_start(r, 2011, 4, 4, 12, 57, 2, 0);
    assert_int_equal(psy_reader_event_count(r), 2);
    check_event(r, 0, 0, 0, "Recording starts");
    check_event(r, 1, 600, 0, "Recording ends");
    assert_int_equal(psy_reader_warning_count(r), 0);
    /* squarewave: +-100 uV in 16-bit steps; sines: exact cycle counts over 600 s */
    double *sq = read_all(r, 0);
    assert_true(fabs(sq[0] - 99.99237) < 1e-4);
    double lo = 0, hi = 0;
    for (int i = 0; i < 120000; i++) lo = sq[i] < lo ? sq[i] : lo, hi = sq[i] > hi ? sq[i] : hi;
    assert_true(fabs(hi - 100) < 0.01 && fabs(lo + 100) < 0.05);
    free(sq);
    double *s1 = read_all(r, 4), *s8 = read_all(r, 5), *s50 = read_all(r, 10);
    assert_int_equal(mid_crossings(s1, 120000), 600);
    assert_int_equal(mid_crossings(s8, 120000), 4800);
    assert_int_equal(mid_crossings(s50, 120000), 30000);
    assert_true(fabs(s1[50] - 100) < 0.1); /* sin(2 pi * 1 Hz * 0.25 s) peak */
    free(s1);
    free(s8);
    free(s50);
    psy_reader_close(r);
}

static void test_pyedflib_generator_bdf(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        double rates[5];
        const char *label0;
        long sine_cycles;
    } cases[] = {
        {"edf_pyedflib/test_generator.bdf", {1000, 800, 500, 975, 999}, "sine 5Hz", 150},
        {"edf_pyedflib/test_generator_datarec_generator_0_5.bdf", {2000, 1600, 1000, 1950, 1998}, "sine 10Hz", 300},
        {"edf_pyedflib/test_generator_datarec_generator_2.bdf", {500, 400, 250, 487.5, 499.5}, "sine 2.5Hz", 75},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        psy_reader *r = open_with(cases[k].file, 1);
        assert_string_equal(psy_reader_format(r), "BDF+C");
        assert_int_equal(psy_reader_channel_count(r), 5);
        assert_string_equal(psy_reader_channel(r, 0)->label, cases[k].label0);
        for (int c = 0; c < 5; c++) {
            const psy_channel_info *i = psy_reader_channel(r, c);
            assert_true(i->rate_hz == cases[k].rates[c]);
            assert_int_equal(i->frames, (int64_t)(cases[k].rates[c] * 30));
            assert_string_equal(i->unit, "uV");
        }
        assert_true(psy_reader_duration(r) == 30);
        assert_int_equal(psy_reader_event_count(r), 0);
        check_start(r, 2000, 1, 1, 0, 0, 0, 0);
        double *s = read_all(r, 0);
        assert_int_equal(mid_crossings(s, psy_reader_channel(r, 0)->frames), cases[k].sine_cycles);
        assert_true(fabs(s[0] - 31.410636) < 1e-5); /* 1000 uV * sin(2 pi 5 Hz / 1000 Hz) */
        free(s);
        psy_reader_close(r);
    }
}

static void test_pyedflib_subsecond_and_utf8(void **state)
{
    (void)state;
    psy_reader *r = open_with("edf_pyedflib/test_subsecond.edf", 1);
    check_start(r, 2020, 1, 24, 4, 5, 56, 394531200);
    assert_int_equal(psy_reader_channel_count(r), 1);
    assert_string_equal(psy_reader_channel(r, 0)->label, "Fp1");
    assert_true(psy_reader_channel(r, 0)->rate_hz == 128);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 698 * 128);
    assert_int_equal(psy_reader_event_count(r), 4);
    /* TAL onsets 2.3457031 and 3.8867187 s after the header's start, minus the 0.3945312 s offset */
    check_event(r, 0, 2.3457031 - 0.3945312, 0, "XLSpike");
    check_event(r, 1, 3.8867187 - 0.3945312, 0, "Clip Note");
    check_event(r, 2, 290.5019531, 0, "XLEvent");
    psy_reader_close(r);
    r = open_with("edf_pyedflib/test_utf8.edf", 1);
    assert_int_equal(psy_reader_event_count(r), 5);
    check_event(r, 2, 120 - 0.3945312, 0, "\xe4\xb8\xad\xe6\x96\x87\xe6\xb5\x8b\xe8\xaf\x95\xe5\x85\xab\xe4\xb8\xaa\xe5\xad\x97");
    psy_reader_close(r);
}

static void test_mne_edf_plus_d(void **state)
{
    (void)state;
    for (int lib = 0; lib < 2; lib++) {
        psy_reader *r = open_with("edf_mne_testing/MB0400FU.EDF", lib);
        assert_string_equal(psy_reader_format(r), "EDF+D");
        assert_int_equal(psy_reader_channel_count(r), 25);
        assert_string_equal(psy_reader_channel(r, 0)->label, "EEG Fp2-Ref");
        assert_true(psy_reader_channel(r, 0)->rate_hz == 200);
        assert_int_equal(psy_reader_channel(r, 0)->frames, 29 * 200);
        /* the 29 records' time-keeping TALs are +0 .. +28: one stretch, no gap */
        assert_int_equal(psy_reader_stretch_count(r), 1);
        assert_true(psy_reader_stretch(r, 0)->onset_s == 0 && psy_reader_stretch(r, 0)->duration_s == 29);
        assert_true(has_warning(r, "EDF+D: 0 gaps"));
        assert_true(has_warning(r, "not ended by a 0x00"));
        assert_int_equal(has_warning(r, "EDFlib refused the file: the file is discontinuous"), lib);
        check_start(r, 2019, 4, 3, 16, 0, 16, 0);
        assert_int_equal(psy_reader_event_count(r), 2);
        check_event(r, 0, 0, 0, "Segment: REC START ALLE EEG");
        check_event(r, 1, 1.14, 0, "A1+A2 OFF");
        double v[3];
        assert_int_equal(psy_reader_read(r, 0, 0, 3, v), PSY_OK);
        assert_true(fabs(v[0] + 193.161) < 0.001 && fabs(v[2] - 109.28) < 0.001);
        psy_reader_close(r);
    }
}

static void test_mne_annotation_files(void **state)
{
    (void)state;
    psy_reader *r = open_with("edf_mne_testing/SC4001EC-Hypnogram.edf", 1);
    assert_int_equal(psy_reader_channel_count(r), 0);
    assert_int_equal(psy_reader_event_count(r), 154);
    check_event(r, 0, 0, 30630, "Sleep stage W");
    check_event(r, 1, 30630, 120, "Sleep stage 1");
    check_event(r, 2, 30750, 390, "Sleep stage 2");
    check_start(r, 1989, 4, 24, 16, 13, 0, 0);
    size_t with_duration = 0;
    for (size_t i = 0; i < 154; i++) with_duration += psy_reader_event(r, i)->duration_s > 0;
    assert_int_equal(with_duration, 154);
    psy_reader_close(r);

    r = open_with("wfdb_python_samples/test_edfann.edf", 1);
    assert_int_equal(psy_reader_channel_count(r), 0);
    assert_int_equal(psy_reader_event_count(r), 856);
    check_event(r, 0, 0, 30, "Sleep stage W");
    check_event(r, 2, 33.43, 0, "Lights off@@EEG F4-A1");
    /* "Startdate X" in the recording field: EDF+'s unknown start, whatever the header's date */
    assert_int_equal(psy_reader_start(r).known, 0);
    assert_true(has_warning(r, "\"Startdate X\" (EDF+: unknown): the start is unknown (the header's 01.01.01 23.59.30"));
    psy_reader_close(r);

    r = open_with("edf_mne_testing/test_edf_overlapping_annotations.edf", 1);
    assert_int_equal(psy_reader_channel_count(r), 64);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 128);
    assert_true(psy_reader_duration(r) == 124);
    assert_int_equal(psy_reader_event_count(r), 38);
    check_event(r, 0, 0, 1.375, "T0");
    check_event(r, 1, 1.375, 5.125, "T1");
    check_event(r, 3, 7.875, 5.125, "T2");
    assert_true(has_warning(r, "prefiltering field of annotation signal 65 is not blank"));
    assert_true(has_warning(r, "EDFlib refused the file: the file contains format errors"));
    psy_reader_close(r);
}

static void test_mne_misc(void **state)
{
    (void)state;
    psy_reader *r = open_with("edf_mne_testing/multiple_annotation_chans.bdf", 1);
    assert_string_equal(psy_reader_format(r), "BDF+C");
    assert_int_equal(psy_reader_channel_count(r), 19); /* the 15 annotation signals are not channels */
    assert_true(psy_reader_duration(r) == 247);
    int ecg = psy_reader_find_channel(r, "ECG");
    assert_true(ecg >= 0);
    assert_int_equal(psy_reader_channel(r, ecg)->type, PSY_CH_ECG);
    assert_true(psy_reader_channel(r, ecg)->rate_hz == 125);
    assert_int_equal(psy_reader_event_count(r), 10);
    check_event(r, 0, 0, 0, "signal_start");
    check_event(r, 1, 22.488, 0, "EEG-check#1");
    check_event(r, 2, 140.264, 0, "TestStim#1");
    check_event(r, 3, 142.672, 0, "TestStim#2");
    psy_reader_close(r);

    r = open_with("edf_mne_testing/chtypes_edf.edf", 1);
    assert_int_equal(psy_reader_channel_count(r), 42);
    assert_true(psy_reader_duration(r) == 5);
    int e1 = psy_reader_find_channel(r, "ECG ECG1"), e2 = psy_reader_find_channel(r, "ECG ECG2");
    assert_true(e1 >= 0 && e2 >= 0);
    assert_int_equal(psy_reader_channel(r, e1)->type, PSY_CH_ECG);
    assert_int_equal(psy_reader_channel(r, e2)->type, PSY_CH_ECG);
    assert_int_equal(psy_reader_event_count(r), 8);
    check_event(r, 1, 0, 0, "Segment: REC START LTM+6 EEG");
    psy_reader_close(r);

    r = open_with("edf_mne_testing/test_reduced.edf", 1);
    assert_int_equal(psy_reader_channel_count(r), 139);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 1);
    assert_true(psy_reader_channel(r, 9)->rate_hz == 512);
    assert_int_equal(psy_reader_channel(r, 9)->frames, 6 * 512);
    assert_int_equal(psy_reader_event_count(r), 5);
    check_event(r, 0, 0, 0, "start");
    check_event(r, 1, 0.1344, 0.256, "type A");
    check_event(r, 3, 2, 0, "type B");
    check_event(r, 4, 2.5, 2.5, "type A");
    psy_reader_close(r);

    r = open_with("edf_mne_testing/subsecond_starttime.edf", 1);
    assert_int_equal(psy_reader_channel_count(r), 3);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 512);
    check_start(r, 2020, 1, 24, 4, 5, 56, 394531200);
    assert_int_equal(psy_reader_event_count(r), 2);
    check_event(r, 0, 2.3457031 - 0.3945312, 0, "XLSpike");
    check_event(r, 1, 3.8867187 - 0.3945312, 0, "Clip Note");
    psy_reader_close(r);

    r = open_with("edf_mne_testing/test_utf8_annotations.edf", 1);
    assert_int_equal(psy_reader_channel_count(r), 11);
    assert_int_equal(psy_reader_event_count(r), 2);
    check_event(r, 0, 0, 0, "RECORD START");
    check_event(r, 1, 2, 0.5, "\xe4\xbb\xb0\xe5\x8d\xa7");
    psy_reader_close(r);

    /* plain BDF with a Status trigger channel */
    r = open_with("edf_mne_testing/test_bdf_stim_channel.bdf", 1);
    assert_string_equal(psy_reader_format(r), "BDF");
    assert_int_equal(psy_reader_channel_count(r), 4);
    assert_true(psy_reader_duration(r) == 10);
    int st = psy_reader_find_channel(r, "Status");
    assert_int_equal(st, 3);
    assert_int_equal(psy_reader_channel(r, st)->type, PSY_CH_TRIGGER);
    assert_true(psy_reader_channel(r, st)->rate_hz == 500);
    double *v = read_all(r, st);
    int changes = 0;
    for (int i = 1; i < 5000; i++) changes += v[i] != v[i - 1];
    assert_true(changes >= 2);
    free(v);
    psy_reader_close(r);
}

static void test_generator_2_fallback(void **state)
{
    (void)state;
    psy_reader *r = open_with("wfdb_python_samples/test_generator_2.edf", 1);
    assert_string_equal(psy_reader_format(r), "EDF+C");
    assert_int_equal(psy_reader_channel_count(r), 11);
    assert_true(psy_reader_duration(r) == 600);
    assert_true(has_warning(r, "header byte 0xB0 in the physical dimension of signal 9"));
    assert_true(has_warning(r, "header byte 0xB0 in the physical dimension of signal 10"));
    assert_true(has_warning(r, "EDFlib refused the file"));
    assert_string_equal(psy_reader_channel(r, 8)->label, "sine 15 Hz");
    assert_string_equal(psy_reader_channel(r, 8)->file_unit, "\xc2\xb0");
    int ecg = psy_reader_find_channel(r, "ECG");
    assert_int_equal(ecg, 3);
    assert_int_equal(psy_reader_channel(r, ecg)->type, PSY_CH_ECG);
    assert_true(psy_reader_channel(r, ecg)->rate_hz == 200);
    assert_int_equal(psy_reader_channel(r, ecg)->frames, 120000);
    double *v = read_all(r, ecg);
    assert_int_equal(mid_crossings(v, 120000), 600); /* one R peak a second */
    free(v);
    psy_reader_close(r);
}

/* EDFlib and the own parser give identical channels, samples, start and events. */
static void test_paths_identical(void **state)
{
    (void)state;
    static const char *files[] = {
        "edf_pyedflib/test_generator.edf", "edf_pyedflib/test_generator.bdf",
        "edf_pyedflib/test_generator_datarec_generator_2.bdf", "edf_pyedflib/test_subsecond.edf",
        "edf_pyedflib/test_utf8.edf", "edf_mne_testing/SC4001EC-Hypnogram.edf",
        "edf_mne_testing/chtypes_edf.edf", "edf_mne_testing/subsecond_starttime.edf",
        "edf_mne_testing/test_reduced.edf", "edf_mne_testing/test_utf8_annotations.edf",
        "edf_mne_testing/multiple_annotation_chans.bdf", "edf_mne_testing/test_bdf_stim_channel.bdf",
        "wfdb_python_samples/test_edfann.edf"};
    enum { BLOCK = 4096 };
    double *a = malloc(sizeof *a * BLOCK), *b = malloc(sizeof *b * BLOCK);
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        psy_reader *lib = open_with(files[f], 1), *own = open_with(files[f], 0);
        assert_false(has_warning(lib, "EDFlib refused")); /* EDFlib took it */
        assert_int_equal(psy_reader_warning_count(lib), psy_reader_warning_count(own));
        assert_string_equal(psy_reader_format(lib), psy_reader_format(own));
        psy_datetime s1 = psy_reader_start(lib), s2 = psy_reader_start(own);
        assert_true(s1.known == s2.known && s1.year == s2.year && s1.month == s2.month &&
                    s1.day == s2.day && s1.hour == s2.hour && s1.minute == s2.minute &&
                    s1.second == s2.second && s1.nanosecond == s2.nanosecond);
        assert_int_equal(psy_reader_channel_count(lib), psy_reader_channel_count(own));
        for (int c = 0; c < psy_reader_channel_count(lib); c++) {
            const psy_channel_info *x = psy_reader_channel(lib, c), *y = psy_reader_channel(own, c);
            assert_string_equal(x->label, y->label);
            assert_string_equal(x->unit, y->unit);
            assert_string_equal(x->file_unit, y->file_unit);
            assert_true(x->type == y->type && x->rate_hz == y->rate_hz && x->frames == y->frames &&
                        x->physical_min == y->physical_min && x->physical_max == y->physical_max &&
                        x->resolution == y->resolution && x->conversion == y->conversion);
            int64_t frames = psy_reader_channel(lib, c)->frames;
            for (int64_t at = 0; at < frames; at += BLOCK) {
                int64_t n = frames - at < BLOCK ? frames - at : BLOCK;
                assert_int_equal(psy_reader_read(lib, c, at, n, a), PSY_OK);
                assert_int_equal(psy_reader_read(own, c, at, n, b), PSY_OK);
                if (memcmp(a, b, sizeof *a * (size_t)n))
                    fail_msg("%s channel %d differs in [%lld, +%lld)", files[f], c, (long long)at, (long long)n);
            }
        }
        assert_int_equal(psy_reader_event_count(lib), psy_reader_event_count(own));
        for (size_t e = 0; e < psy_reader_event_count(lib); e++) {
            const psy_event *x = psy_reader_event(lib, e), *y = psy_reader_event(own, e);
            /* EDFlib keeps times in 100 ns units */
            assert_true(fabs(x->onset_s - y->onset_s) < 1e-7);
            assert_true(fabs(x->duration_s - y->duration_s) < 1e-7);
            assert_string_equal(x->label, y->label);
        }
        assert_int_equal(psy_reader_stretch_count(lib), psy_reader_stretch_count(own));
        psy_reader_close(lib);
        psy_reader_close(own);
    }
    free(a);
    free(b);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pyedflib_generator_edf),
        cmocka_unit_test(test_pyedflib_generator_bdf),
        cmocka_unit_test(test_pyedflib_subsecond_and_utf8),
        cmocka_unit_test(test_mne_edf_plus_d),
        cmocka_unit_test(test_mne_annotation_files),
        cmocka_unit_test(test_mne_misc),
        cmocka_unit_test(test_generator_2_fallback),
        cmocka_unit_test(test_paths_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
