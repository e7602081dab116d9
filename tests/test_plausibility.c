/* Plausibility checks (psyphys/plausibility.h) on series with known answers, and the channel-type
 * check (psy_channel_type_check) and the channel choice (psy_reader_pick_channel). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

/* n intervals of nn ms each, back to back from t = 0. */
static void intervals(double *t, double *nn, size_t n, double nn_ms, double t0)
{
    for (size_t i = 0; i < n; i++) {
        nn[i] = nn_ms;
        t[i] = t0 + (double)(i + 1) * nn_ms / 1000;
    }
}

static void test_heart_rate(void **state)
{
    (void)state;
    psy_plausibility_config c = psy_plausibility_config_default();
    double t[400], nn[400];
    psy_implausible f;
    /* 60 bpm for 5 min: nothing */
    intervals(t, nn, 300, 1000, 0);
    assert_int_equal(psy_check_heart_rate(t, nn, 300, &c, &f), PSY_OK);
    assert_int_equal(f.found, 0);
    assert_string_equal(f.text, "");
    /* one 3-s pause among them: a long interval, not a slow heart over 10 s */
    nn[100] = 3000;
    for (size_t i = 100; i < 300; i++) t[i] += 2;
    assert_int_equal(psy_check_heart_rate(t, nn, 300, &c, &f), PSY_OK);
    assert_int_equal(f.found, 0);
    /* 20 s at 300 bpm (a 100 Hz file read as 500 Hz, or T waves counted) after 60 s at 60 bpm */
    intervals(t, nn, 60, 1000, 0);
    intervals(t + 60, nn + 60, 100, 200, 60);
    intervals(t + 160, nn + 160, 60, 1000, 80);
    assert_int_equal(psy_check_heart_rate(t, nn, 220, &c, &f), PSY_OK);
    assert_int_equal(f.found, 1);
    assert_int_equal(f.check, PSY_CHECK_HEART_RATE);
    assert_int_equal(f.n_stretches, 1);
    /* the 10-s windows whose mean is above 250 bpm, trimmed to their fast intervals: the run */
    assert_true(fabs(f.longest_onset_s - 60) < 1e-9);
    assert_true(fabs(f.longest_duration_s - 20) < 1e-9);
    assert_true(fabs(f.longest_mean - 300) < 1e-9);
    assert_true(fabs(f.total_s - 20) < 1e-9);
    assert_non_null(strstr(f.text, "heart rate outside 25-250 bpm"));
    /* a gap (NaN interval) splits a slow run into pieces too short to count */
    intervals(t, nn, 12, 3000, 0); /* 20 bpm for 36 s ... */
    assert_int_equal(psy_check_heart_rate(t, nn, 12, &c, &f), PSY_OK);
    assert_int_equal(f.found, 1);
    assert_true(fabs(f.longest_mean - 20) < 1e-9);
    for (size_t i = 2; i < 12; i += 3) nn[i] = NAN; /* ... cut every 9 s */
    assert_int_equal(psy_check_heart_rate(t, nn, 12, &c, &f), PSY_OK);
    assert_int_equal(f.found, 0);
    /* a whole series shorter than the stretch counts as one window */
    intervals(t, nn, 20, 200, 0); /* 4 s at 300 bpm */
    assert_int_equal(psy_check_heart_rate(t, nn, 20, &c, &f), PSY_OK);
    assert_int_equal(f.found, 1);
    assert_true(fabs(f.longest_duration_s - 4) < 1e-9);
    /* bad arguments */
    assert_int_equal(psy_check_heart_rate(NULL, nn, 3, &c, &f), PSY_E_INVALID);
    assert_int_equal(psy_check_heart_rate(t, nn, 0, &c, NULL), PSY_E_INVALID);
    psy_plausibility_config bad = c;
    bad.hr_min_bpm = 300;
    assert_int_equal(psy_check_heart_rate(t, nn, 3, &bad, &f), PSY_E_INVALID);
    assert_int_equal(psy_check_heart_rate(NULL, NULL, 0, &c, &f), PSY_OK);
    assert_int_equal(f.found, 0);
}

static void test_heart_rate_samples(void **state)
{
    (void)state;
    psy_plausibility_config c = psy_plausibility_config_default();
    double t[120], bpm[120];
    psy_implausible f;
    for (int i = 0; i < 120; i++) t[i] = i, bpm[i] = i >= 30 && i < 60 ? 300 : 70; /* 1 Hz samples */
    assert_int_equal(psy_check_heart_rate_bpm(t, bpm, 120, &c, &f), PSY_OK);
    assert_int_equal(f.found, 1);
    assert_true(f.longest_onset_s == 29 && f.longest_duration_s == 30 && f.longest_mean == 300);
    for (int i = 40; i < 120; i++) t[i] += 20; /* a 21-s step: a gap, not a sample */
    for (int i = 30; i < 60; i++) bpm[i] = i < 38 || i > 41 ? 70 : 300;
    assert_int_equal(psy_check_heart_rate_bpm(t, bpm, 120, &c, &f), PSY_OK);
    assert_int_equal(f.found, 0);
    assert_int_equal(psy_check_heart_rate_bpm(NULL, bpm, 3, &c, &f), PSY_E_INVALID);
}

static void test_breathing_rate(void **state)
{
    (void)state;
    psy_plausibility_config c = psy_plausibility_config_default();
    double on[200], end[200];
    psy_implausible f;
    /* 15 /min for 10 min, one 25-s breath hold among them: nothing */
    double t = 0;
    for (int i = 0; i < 150; i++) {
        on[i] = t;
        t += i == 70 ? 25 : 4;
        end[i] = t;
    }
    assert_int_equal(psy_check_breathing_rate(on, end, 150, &c, &f), PSY_OK);
    assert_int_equal(f.found, 0);
    /* the same read at ten times the rate: 150 /min */
    for (int i = 0; i < 150; i++) on[i] /= 10, end[i] /= 10;
    assert_int_equal(psy_check_breathing_rate(on, end, 150, &c, &f), PSY_OK);
    assert_int_equal(f.found, 1);
    assert_true(f.longest_mean > 60);
    assert_non_null(strstr(f.text, "breathing rate outside 3-60 /min"));
}

static void test_scl_floor_and_unit(void **state)
{
    (void)state;
    psy_plausibility_config c = psy_plausibility_config_default();
    double level[300];
    psy_implausible f;
    for (int i = 0; i < 300; i++) level[i] = 0.08; /* a dry wrist: low, but skin */
    assert_int_equal(psy_check_scl_floor(level, 300, 1, &c, &f), PSY_OK);
    assert_int_equal(f.found, 0);
    for (int i = 100; i < 200; i++) level[i] = 0.01; /* 100 s at a device's floor */
    assert_int_equal(psy_check_scl_floor(level, 300, 1, &c, &f), PSY_OK);
    assert_int_equal(f.found, 1);
    assert_true(f.longest_onset_s == 100 && f.longest_duration_s == 100);
    assert_true(fabs(f.longest_mean - 0.01) < 1e-12);
    assert_int_equal(psy_check_scl_floor(level, 300, 0, &c, &f), PSY_E_INVALID);

    psy_channel_info ch = {0};
    strcpy(ch.label, "GSR");
    ch.type = PSY_CH_EDA;
    strcpy(ch.unit, "uS");
    strcpy(ch.file_unit, "nS");
    assert_int_equal(psy_check_eda_unit(&ch, &f), PSY_OK);
    assert_int_equal(f.found, 0);
    strcpy(ch.unit, "");
    strcpy(ch.file_unit, "");
    assert_int_equal(psy_check_eda_unit(&ch, &f), PSY_OK);
    assert_int_equal(f.found, 1);
    assert_string_equal(f.text, "EDA channel 'GSR' states no unit: its values are taken as uS");
    strcpy(ch.unit, "V");
    strcpy(ch.file_unit, "V");
    assert_int_equal(psy_check_eda_unit(&ch, &f), PSY_OK);
    assert_non_null(strstr(f.text, "is in 'V', not a conductance unit"));
    ch.type = PSY_CH_RESP;
    assert_int_equal(psy_check_eda_unit(&ch, &f), PSY_OK);
    assert_int_equal(f.found, 0);
}

static void test_channel_type_check(void **state)
{
    (void)state;
    static const psy_channel_type heart[] = {PSY_CH_ECG, PSY_CH_RR};
    psy_channel_info ch = {0};
    strcpy(ch.label, "BVP");
    psy_message why = {{0}};
    ch.type = PSY_CH_PPG; /* an Empatica BVP channel named as the ECG */
    assert_int_equal(psy_channel_type_check(&ch, heart, 2, &why), PSY_E_INVALID);
    assert_string_equal(why.text, "channel 'BVP' is PPG, not ECG or RR");
    ch.type = PSY_CH_OTHER; /* unknown: allowed */
    assert_int_equal(psy_channel_type_check(&ch, heart, 2, &why), PSY_OK);
    ch.type = PSY_CH_RR;
    assert_int_equal(psy_channel_type_check(&ch, heart, 2, &why), PSY_OK);
    assert_int_equal(psy_channel_type_check(&ch, heart, 0, &why), PSY_E_INVALID);
    assert_int_equal(psy_channel_type_check(NULL, heart, 2, &why), PSY_E_INVALID);
}

/* The choice every command makes: a label (refused on another known type), else by type order. */
static void test_pick_channel(void **state)
{
    (void)state;
    double x[4] = {0, 1, 2, 3};
    psy_array_channel c[3] = {{.label = "BVP", .type = PSY_CH_PPG, .rate_hz = 64, .samples = x, .n = 4},
                              {.label = "lead", .type = PSY_CH_OTHER, .rate_hz = 64, .samples = x, .n = 4},
                              {.label = "ECG II", .type = PSY_CH_ECG, .rate_hz = 64, .samples = x, .n = 4}};
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_from_arrays(c, 3, NULL, 0, &r, NULL), PSY_OK);
    static const psy_channel_type heart[] = {PSY_CH_ECG, PSY_CH_RR, PSY_CH_PPG}, skin[] = {PSY_CH_EDA};
    psy_message why = {{0}};
    int ch = 7;
    assert_int_equal(psy_reader_pick_channel(r, NULL, heart, 3, &ch, &why), PSY_OK);
    assert_int_equal(ch, 2); /* ECG before PPG, whatever the channel order */
    assert_int_equal(psy_reader_pick_channel(r, NULL, heart + 2, 1, &ch, &why), PSY_OK);
    assert_int_equal(ch, 0);
    assert_int_equal(psy_reader_pick_channel(r, "LEAD", heart, 2, &ch, &why), PSY_OK); /* unknown type: taken */
    assert_int_equal(ch, 1);
    assert_int_equal(psy_reader_pick_channel(r, "BVP", heart, 2, &ch, &why), PSY_E_INVALID);
    assert_int_equal(ch, -1);
    assert_string_equal(why.text, "channel 'BVP' is PPG, not ECG or RR");
    assert_int_equal(psy_reader_pick_channel(r, "EDA", skin, 1, &ch, &why), PSY_E_NOT_FOUND);
    assert_string_equal(why.text, "no channel labelled 'EDA'; it has 'BVP', 'lead', 'ECG II'");
    assert_int_equal(psy_reader_pick_channel(r, NULL, skin, 1, &ch, &why), PSY_E_NOT_FOUND);
    assert_string_equal(why.text, "no EDA channel");
    assert_int_equal(psy_reader_pick_channel(r, NULL, heart, 0, &ch, &why), PSY_E_INVALID);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heart_rate),
        cmocka_unit_test(test_heart_rate_samples),
        cmocka_unit_test(test_breathing_rate),
        cmocka_unit_test(test_scl_floor_and_unit),
        cmocka_unit_test(test_channel_type_check),
        cmocka_unit_test(test_pick_channel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
