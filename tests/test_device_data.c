/* Device-export text readers on the real files in ../shared/data (skipped when absent), with the
 * answers from the folders' SOURCE.md notes and from the files themselves.
 * Note: SOURCE.md gives 683/1457 Polar and 2084/1478 Elite beats; the files hold 685/1459 and
 * 2085/1479 values (the counts there are of newlines, the last line has none). */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

static psy_reader *open_device(const char *relative)
{
    const char *path = shared_data(relative);
    if (!path) fail_msg("missing shared file %s", relative);
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_path(path, &src), PSY_OK);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_open_device_text(src, NULL, &r, &why);
    if (st != PSY_OK) {
        psy_source_close(src);
        fail_msg("%s: %s (%s)", relative, why.text, psy_strerror(st));
    }
    return r;
}

typedef struct expect_rr {
    const char *file, *format;
    int64_t frames;
    double first_ms, first_t, last_ms, last_t, sum_ms;
} expect_rr;

/* Reads the RR channel in blocks of 1000 and checks count, ends, times and the sum. */
static void check_rr(const expect_rr *e)
{
    psy_reader *r = open_device(e->file);
    assert_string_equal(psy_reader_format(r), e->format);
    assert_int_equal(psy_reader_channel_count(r), 1);
    const psy_channel_info *c = psy_reader_channel(r, 0);
    assert_int_equal(c->type, PSY_CH_RR);
    assert_string_equal(c->unit, "ms");
    assert_true(c->rate_hz == 0);
    if (c->frames != e->frames) fail_msg("%s: %lld frames, want %lld", e->file, (long long)c->frames, (long long)e->frames);
    double v[1000], t[1000], sum = 0, prev_t = -INFINITY;
    for (int64_t at = 0; at < c->frames; at += 1000) {
        int64_t n = c->frames - at < 1000 ? c->frames - at : 1000;
        assert_int_equal(psy_reader_read(r, 0, at, n, v), PSY_OK);
        assert_int_equal(psy_reader_read_times(r, 0, at, n, t), PSY_OK);
        for (int64_t i = 0; i < n; i++) {
            sum += v[i];
            assert_true(t[i] > prev_t);
            prev_t = t[i];
        }
        if (at == 0) {
            assert_float_equal(v[0], e->first_ms, 1e-6);
            assert_float_equal(t[0], e->first_t, 1e-9);
        }
        if (at + n == c->frames) {
            assert_float_equal(v[n - 1], e->last_ms, 1e-6);
            assert_float_equal(t[n - 1], e->last_t, 1e-6);
        }
    }
    assert_float_equal(sum, e->sum_ms, 1e-6 * e->sum_ms);
    assert_float_equal(psy_reader_duration(r), e->last_t, 1e-6);
    assert_int_equal(psy_reader_read(r, 0, c->frames, 1, v), PSY_E_RANGE);
    psy_reader_close(r);
}

static void test_rr_lists(void **state)
{
    (void)state;
    static const expect_rr cases[] = {
        {"rr_devices/hrvfilter_samples/eliteSample01.txt", "RR list", 2085, 854, 0.854, 800, 1686.224, 1686224},
        {"rr_devices/hrvfilter_samples/eliteSample02.txt", "RR list", 1479, 1123, 1.123, 1194, 1570.819, 1570819},
        {"rhrv_book/chapter6/rr.txt", "RR list", 15456, 350, 0.35, 1240, 14100.03, 14100030},
        {"rhrv_book/rr_healthy_ms/000.txt", "RR list", 80441, 789, 0.789, 703, 75887.09, 75887090},
        {"rhrv_book/rr_healthy_ms/003.txt", "RR list", 108150, 718, 0.718, 531, 77278.417, 77278417},
        {"rhrv_book/rr_healthy_ms/005.txt", "RR list", 97925, 797, 0.797, 750, 73700.625, 73700625},
        {"rhrv_book/rr_healthy_ms/006.txt", "RR list", 89624, 844, 0.844, 852, 79266.672, 79266672},
        {"rhrv_book/rr_healthy_ms/007.txt", "RR list", 57333, 704, 0.704, 649, 43139.59, 43139590},
        {"rhrv_book/rr_healthy_ms/008.txt", "RR list", 98216, 758, 0.758, 852, 82477.394, 82477394},
        {"rhrv_book/rr_healthy_ms/009.txt", "RR list", 67263, 641, 0.641, 742, 62647.716, 62647716},
        {"rhrv_book/rr_healthy_ms/010.txt", "RR list", 82080, 984, 0.984, 1054, 80618.192, 80618192},
        {"rhrv_book/rr_healthy_ms/013.txt", "RR list", 111521, 664, 0.664, 632, 82066.507, 82066507},
        /* beat times: n - 1 intervals, the first ending at the second beat */
        {"rhrv_book/chapter2/beat_ascii.txt", "beat times", 7181, 684, 1.036, 664, 4800.472, 4800120},
        {"rhrv_book/chapter6/a01.beats.txt", "beat times", 29937, 890, 1.23, 820, 29564.45, 29564110},
        /* time + RR columns: times as written */
        {"rr_devices/hrvfilter_samples/polarSample01.txt", "RR list", 685, 749, 0, 600, 480.427, 476470},
        {"rr_devices/hrvfilter_samples/polarSample02.txt", "RR list", 1459, 827, 0, 853, 1218.411, 1219238},
        {"pcst_hrv_reference/ec57/HRV256_TP2.txt", "RR list", 108000, 800, 0.8, 767.2501916490277, 86330.2933868528, 86330293.3868528},
        {"pcst_hrv_reference/ec57/HRV256_TP3.txt", "RR list", 86400, 1000, 1.0, 959.4719480462713, 86199.04970289186, 86199049.70289186},
        {"pcst_hrv_reference/ec57/HRV256_TP4.txt", "RR list", 28800, 3000, 3.0, 2837.2882457624757, 86044.45607105225, 86044456.07105225},
        {"pcst_hrv_reference/ec57/HRV256_TP5.txt", "RR list", 57600, 1500, 1.5, 1495.7840122906618, 86021.73625528319, 86021736.25528319}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_rr(&cases[i]);
}

static void test_rr_warnings(void **state)
{
    (void)state;
    psy_reader *r = open_device("rr_devices/hrvfilter_samples/polarSample01.txt");
    assert_true(has_warning(r, "disagree at 1 of 684 beats (first at line 2: time step 5.455 s, RR 0.749 s"));
    double t[2];
    assert_int_equal(psy_reader_read_times(r, 0, 0, 2, t), PSY_OK);
    assert_float_equal(t[1], 5.455, 1e-12);
    psy_reader_close(r);
    r = open_device("rr_devices/hrvfilter_samples/polarSample02.txt");
    assert_false(has_warning(r, "disagree"));
    psy_reader_close(r);
    r = open_device("rhrv_book/rr_healthy_ms/008.txt");
    assert_true(has_warning(r, "line 98217: '@'"));
    assert_true(has_warning(r, "read as ms"));
    psy_reader_close(r);
    r = open_device("rhrv_book/chapter6/rr.txt");
    assert_true(has_warning(r, "read as s"));
    psy_reader_close(r);
}

static void check_start(const psy_reader *r, int y, int mo, int d, int h, int mi, int s, int64_t ns)
{
    psy_datetime dt = psy_reader_start(r);
    assert_true(dt.known);
    assert_int_equal(dt.year, y);
    assert_int_equal(dt.month, mo);
    assert_int_equal(dt.day, d);
    assert_int_equal(dt.hour, h);
    assert_int_equal(dt.minute, mi);
    assert_int_equal(dt.second, s);
    assert_int_equal(dt.nanosecond, ns);
}

/* A regular one-channel E4 file: label, type, unit, rate, frames, first/second/last values. */
static void check_e4(const char *file, const char *label, psy_channel_type type, const char *unit,
                     double rate, int64_t frames, double v0, double v1, double vlast, int start_s)
{
    psy_reader *r = open_device(file);
    assert_string_equal(psy_reader_format(r), "Empatica E4");
    assert_int_equal(psy_reader_channel_count(r), 1);
    const psy_channel_info *c = psy_reader_channel(r, 0);
    assert_string_equal(c->label, label);
    assert_int_equal(c->type, type);
    assert_string_equal(c->unit, unit);
    assert_float_equal(c->rate_hz, rate, 0);
    assert_int_equal(c->frames, frames);
    double *v = malloc((size_t)frames * sizeof *v);
    assert_non_null(v);
    assert_int_equal(psy_reader_read(r, 0, 0, frames, v), PSY_OK);
    assert_float_equal(v[0], v0, 1e-9);
    assert_float_equal(v[1], v1, 1e-9);
    assert_float_equal(v[frames - 1], vlast, 1e-9);
    free(v);
    check_start(r, 2019, 6, 11, 19, 3, start_s, 0);
    assert_float_equal(psy_reader_duration(r), (double)frames / rate, 1e-9);
    psy_reader_close(r);
}

static void test_empatica(void **state)
{
    (void)state;
    check_e4("flirt_wearables/empatica/EDA.csv", "EDA", PSY_CH_EDA, "uS", 4, 9998, 0.0, 0.020499, 0.094807, 45);
    check_e4("flirt_wearables/empatica/BVP.csv", "BVP", PSY_CH_PPG, "", 64, 9998, 0.0, 0.0, -18.86, 45);
    check_e4("flirt_wearables/empatica/TEMP.csv", "TEMP", PSY_CH_OTHER, "degC", 4, 4998, 32.13, 32.13, 33.41, 45);
    check_e4("flirt_wearables/empatica/HR.csv", "HR", PSY_CH_HR, "bpm", 1, 4998, 93, 101, 49.52, 55);

    psy_reader *r = open_device("flirt_wearables/empatica/EDA.csv");
    assert_true(has_warning(r, "first 1 sample(s) are 0.0 uS"));
    psy_reader_close(r);

    r = open_device("flirt_wearables/empatica/ACC.csv");
    assert_int_equal(psy_reader_channel_count(r), 3);
    static const double first[3] = {-61, 25, 6}, last[3] = {-30, 41, 37};
    for (int c = 0; c < 3; c++) {
        const psy_channel_info *ci = psy_reader_channel(r, c);
        assert_float_equal(ci->rate_hz, 32, 0);
        assert_int_equal(ci->frames, 9998);
        assert_string_equal(ci->unit, "1/64 g");
        double v;
        assert_int_equal(psy_reader_read(r, c, 0, 1, &v), PSY_OK);
        assert_float_equal(v, first[c], 0);
        assert_int_equal(psy_reader_read(r, c, 9997, 1, &v), PSY_OK);
        assert_float_equal(v, last[c], 0);
    }
    assert_string_equal(psy_reader_channel(r, 0)->label, "ACC X");
    check_start(r, 2019, 6, 11, 19, 3, 45, 0);
    psy_reader_close(r);

    r = open_device("flirt_wearables/empatica/IBI.csv");
    const psy_channel_info *c = psy_reader_channel(r, 0);
    assert_string_equal(c->label, "IBI");
    assert_int_equal(c->type, PSY_CH_RR);
    assert_string_equal(c->unit, "ms");
    assert_int_equal(c->frames, 4999);
    double v[2], t[2];
    assert_int_equal(psy_reader_read(r, 0, 0, 2, v), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, 0, 0, 2, t), PSY_OK);
    assert_float_equal(v[0], 609.403, 1e-9);
    assert_float_equal(t[0], 83.503822, 1e-9);
    assert_float_equal(t[1], 99.973326, 1e-9); /* a dropped-beat gap: 16.5 s for an IBI of 0.84 s */
    assert_int_equal(psy_reader_read(r, 0, 4998, 1, v), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, 0, 4998, 1, t), PSY_OK);
    assert_float_equal(v[0], 1234.432, 1e-9);
    assert_float_equal(t[0], 8934.049576, 1e-9);
    assert_true(has_warning(r, "202 gaps"));
    check_start(r, 2019, 6, 11, 19, 3, 45, 0);
    psy_reader_close(r);

    /* tags.csv is empty (no button presses); the start comes from the sibling files */
    r = open_device("flirt_wearables/empatica/tags.csv");
    assert_int_equal(psy_reader_channel_count(r), 0);
    assert_int_equal(psy_reader_event_count(r), 0);
    check_start(r, 2019, 6, 11, 19, 3, 45, 0);
    psy_reader_close(r);
}

static void test_garmin(void **state)
{
    (void)state;
    psy_reader *r = open_device("flirt_wearables/garmin/data.csv");
    assert_string_equal(psy_reader_format(r), "Garmin log");
    assert_int_equal(psy_reader_channel_count(r), 7);
    static const struct { const char *type; int64_t n; psy_channel_type ch; } types[] = {
        {"HEART_RATE_VARIABILITY", 14316, PSY_CH_RR}, {"HEART_RATE", 8748, PSY_CH_HR},
        {"STRESS", 2111, PSY_CH_OTHER}, {"CALORIES", 252, PSY_CH_OTHER}, {"STEPS", 96, PSY_CH_OTHER},
        {"ASCENT", 36, PSY_CH_OTHER}, {"INTENSITY_MINUTES", 14, PSY_CH_OTHER}};
    for (size_t i = 0; i < 7; i++) {
        int ch = psy_reader_find_channel(r, types[i].type);
        assert_true(ch >= 0);
        assert_int_equal(psy_reader_channel(r, ch)->frames, types[i].n);
        assert_int_equal(psy_reader_channel(r, ch)->type, types[i].ch);
        assert_true(psy_reader_channel(r, ch)->rate_hz == 0);
    }
    int hrv = psy_reader_find_channel(r, "HEART_RATE_VARIABILITY");
    assert_string_equal(psy_reader_channel(r, hrv)->unit, "ms");
    double v[2], t[2];
    assert_int_equal(psy_reader_read(r, hrv, 0, 2, v), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, hrv, 0, 2, t), PSY_OK);
    assert_float_equal(v[0], 821, 0);
    assert_float_equal(v[1], 848, 0);
    assert_float_equal(t[0], 0.767, 1e-9);
    assert_float_equal(t[1], 1.711, 1e-9);
    assert_int_equal(psy_reader_read(r, hrv, 14315, 1, v), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, hrv, 14315, 1, t), PSY_OK);
    assert_float_equal(v[0], 615, 0);
    /* 2019-10-18T10:39:53.366 - 2019-10-16T12:08:58.041 */
    assert_float_equal(t[0], 2 * 86400 - (12 * 3600 + 8 * 60 + 58.041) + 10 * 3600 + 39 * 60 + 53.366, 1e-9);
    int hr = psy_reader_find_channel(r, "HEART_RATE");
    assert_int_equal(psy_reader_read(r, hr, 0, 1, v), PSY_OK);
    assert_float_equal(v[0], 79, 0);
    assert_true(has_warning(r, "STRESS: 97 negative"));
    check_start(r, 2019, 10, 16, 12, 8, 58, 41000000);
    psy_reader_close(r);

    r = open_device("flirt_wearables/garmin/acc.csv");
    assert_int_equal(psy_reader_channel_count(r), 3);
    assert_float_equal(psy_reader_channel(r, 0)->rate_hz, 25, 1e-9);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 10000);
    /* the 550.642 s gap after sample 104, then a stretch wherever the drift passes 1 s */
    assert_int_equal(psy_reader_stretch_count(r), 7);
    assert_float_equal(psy_reader_stretch(r, 0)->duration_s, 4.2, 1e-9);
    assert_float_equal(psy_reader_stretch(r, 1)->onset_s, 555.082, 1e-9);
    assert_true(has_warning(r, "irregular sampling"));
    double x[3], tl;
    for (int c = 0; c < 3; c++) assert_int_equal(psy_reader_read(r, c, 9999, 1, &x[c]), PSY_OK);
    assert_float_equal(x[0], 304, 0);
    assert_float_equal(x[1], 240, 0);
    assert_float_equal(x[2], -928, 0);
    /* the last timestamp is 958.002 s after the first: the stretches keep the time within 1 s */
    assert_int_equal(psy_reader_read_times(r, 0, 9999, 1, &tl), PSY_OK);
    assert_true(fabs(tl - 958.002) < 1.0);
    assert_true(has_warning(r, "sample times are up to 1.000 s off their timestamps"));
    /* sample 105 follows the 550.642 s gap */
    double t105;
    assert_int_equal(psy_reader_read_times(r, 0, 105, 1, &t105), PSY_OK);
    assert_float_equal(t105, 555.082, 1e-9);
    check_start(r, 2019, 10, 16, 12, 9, 1, 702000000);
    psy_reader_close(r);
}

static void test_holter_beats(void **state)
{
    (void)state;
    psy_reader *r = open_device("flirt_wearables/holter/holter.txt");
    assert_string_equal(psy_reader_format(r), "beat list");
    assert_int_equal(psy_reader_event_count(r), 4786);
    size_t n = 0, s = 0, x = 0;
    for (size_t i = 0; i < 4786; i++) {
        const psy_event *e = psy_reader_event(r, i);
        assert_int_equal(e->source, PSY_EVENTS_DEVICE);
        n += strcmp(e->label, "N") == 0;
        s += strcmp(e->label, "S") == 0;
        x += strcmp(e->label, "X") == 0;
        if (strcmp(e->label, "S") == 0) assert_float_equal(e->onset_s, 3004.838, 1e-9);
    }
    assert_int_equal(n, 4767);
    assert_int_equal(s, 1);
    assert_int_equal(x, 18);
    for (size_t i = 0; i < 12; i++) { /* the first 12 entries are X at 8-s steps */
        assert_string_equal(psy_reader_event(r, i)->label, "X");
        assert_float_equal(psy_reader_event(r, i)->onset_s, 4.0 + 8.0 * (double)i, 1e-9);
    }
    const psy_channel_info *c = psy_reader_channel(r, 0);
    assert_int_equal(c->type, PSY_CH_RR);
    assert_int_equal(c->frames, 4767); /* 4768 N/S beats */
    double v, t;
    assert_int_equal(psy_reader_read(r, 0, 0, 1, &v), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, 0, 0, 1, &t), PSY_OK);
    assert_float_equal(v, 822, 1e-6);
    assert_float_equal(t, 99.465, 1e-9);
    assert_int_equal(psy_reader_read(r, 0, 4766, 1, &v), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, 0, 4766, 1, &t), PSY_OK);
    assert_float_equal(v, 625, 1e-6);
    assert_float_equal(t, 4665.398, 1e-9);
    psy_reader_close(r);
}

static void test_episode_tables(void **state)
{
    (void)state;
    psy_reader *r = open_device("rhrv_book/chapter6/a01.tags.txt");
    assert_int_equal(psy_reader_channel_count(r), 0);
    assert_int_equal(psy_reader_event_count(r), 3);
    static const double onset[3] = {750, 13830, 21210}, duration[3] = {12840, 7260, 8070};
    for (size_t i = 0; i < 3; i++) {
        const psy_event *e = psy_reader_event(r, i);
        assert_string_equal(e->label, "APNEA");
        assert_float_equal(e->onset_s, onset[i], 0);
        assert_float_equal(e->duration_s, duration[i], 0);
        assert_string_equal(e->detail, "Value=0");
    }
    assert_float_equal(psy_reader_duration(r), 29280, 0);
    psy_reader_close(r);

    r = open_device("rhrv_book/chapter6/apnea_ascii.txt");
    assert_int_equal(psy_reader_event_count(r), 3);
    const psy_event *e = psy_reader_event(r, 1);
    assert_string_equal(e->label, "OBS_APNEA");
    assert_float_equal(e->onset_s, 240, 0);
    assert_float_equal(e->duration_s, 6, 0);
    assert_string_equal(e->detail, "SaO2=81.0");
    assert_string_equal(psy_reader_event(r, 0)->label, "GEN_HYPO");
    assert_float_equal(psy_reader_event(r, 2)->onset_s, 360, 0);
    psy_reader_close(r);
}

static void test_not_device_exports(void **state)
{
    (void)state;
    /* a generic CSV with a header row of channel names falls through */
    const char *path = shared_data("rr_devices/polar_h10_detectPVC/polar_h10.csv");
    assert_non_null(path);
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_path(path, &src), PSY_OK);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_open_device_text(src, NULL, &r, &why), PSY_E_UNKNOWN_FORMAT);
    assert_string_equal(why.text, "");
    psy_source_close(src);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rr_lists),      cmocka_unit_test(test_rr_warnings),
        cmocka_unit_test(test_empatica),      cmocka_unit_test(test_garmin),
        cmocka_unit_test(test_holter_beats),  cmocka_unit_test(test_episode_tables),
        cmocka_unit_test(test_not_device_exports)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
