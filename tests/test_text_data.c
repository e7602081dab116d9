/* Delimited text recordings on the real files of ../shared/data (skipped when absent): NeuroKit
 * example CSVs and a Polar H10 export (ns time stamps, sparse hr/rr columns). */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_bio_eventrelated(void **state)
{
    (void)state;
    psy_reader *r = open_shared("neurokit/bio_eventrelated_100hz.csv", 100);
    assert_string_equal(psy_reader_format(r), "CSV");
    assert_int_equal(psy_reader_channel_count(r), 4);
    static const char *const labels[] = {"ECG", "EDA", "Photosensor", "RSP"};
    static const psy_channel_type types[] = {PSY_CH_ECG, PSY_CH_EDA, PSY_CH_TRIGGER, PSY_CH_RESP};
    static const double first[] = {-0.015869140625, 13.196867709029974, 5.0, 0.7789306640625};
    static const double last[] = {0.000244140625, 14.87411380277997, 5.0, 1.372039794921875};
    for (int ch = 0; ch < 4; ch++) {
        const psy_channel_info *c = psy_reader_channel(r, ch);
        assert_string_equal(c->label, labels[ch]);
        assert_int_equal(c->type, types[ch]);
        assert_true(c->rate_hz == 100);
        assert_int_equal(c->frames, 15000);
        double v;
        assert_int_equal(psy_reader_read(r, ch, 0, 1, &v), PSY_OK);
        assert_true(v == first[ch]);
        assert_int_equal(psy_reader_read(r, ch, 14999, 1, &v), PSY_OK);
        assert_true(v == last[ch]);
    }
    assert_true(fabs(psy_reader_duration(r) - 150) < 1e-9);
    assert_int_equal(psy_reader_start(r).known, 0);
    /* The photosensor drops from 5 V at the first stimulus (onset 1024 by threshold 2.5 V). */
    double p[4];
    assert_int_equal(psy_reader_read(r, 2, 1022, 4, p), PSY_OK);
    assert_true(p[0] == 5 && p[1] == 5 && p[2] == 1 && p[3] == 0);
    psy_reader_close(r);

    /* Without --fs the file has no rate: a clear error. */
    psy_open_options opt = psy_open_options_default();
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open(shared_data("neurokit/bio_eventrelated_100hz.csv"), &opt, &r, &why),
                     PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "give --fs"));
}

static void test_other_neurokit(void **state)
{
    (void)state;
    psy_reader *r = open_shared("neurokit/ecg_1000hz.csv", 1000);
    assert_int_equal(psy_reader_channel_count(r), 1);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 50000);
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_ECG);
    double v[2];
    assert_int_equal(psy_reader_read(r, 0, 0, 1, v), PSY_OK);
    assert_true(v[0] == 0.353611757);
    assert_int_equal(psy_reader_read(r, 0, 49999, 1, v), PSY_OK);
    assert_true(v[0] == -0.00172152);
    assert_true(fabs(psy_reader_duration(r) - 50) < 1e-9);
    psy_reader_close(r);

    r = open_shared("neurokit/bio_resting_8min_100hz.csv", 100);
    assert_int_equal(psy_reader_channel_count(r), 4);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 50682);
    assert_string_equal(psy_reader_channel(r, 3)->label, "PhotoSensor");
    assert_int_equal(psy_reader_channel(r, 3)->type, PSY_CH_TRIGGER);
    assert_int_equal(psy_reader_channel(r, 2)->type, PSY_CH_EDA);
    assert_int_equal(psy_reader_read(r, 2, 0, 2, v), PSY_OK);
    assert_true(v[0] == 11.73400953 && v[1] == 11.74621657);
    psy_reader_close(r);

    r = open_shared("neurokit/bio_resting_5min_100hz.csv", 100);
    assert_int_equal(psy_reader_channel_count(r), 3);
    assert_int_equal(psy_reader_channel(r, 1)->type, PSY_CH_PPG);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 30000);
    psy_reader_close(r);
}

static void test_polar_h10(void **state)
{
    (void)state;
    psy_reader *r = open_shared("rr_devices/polar_h10_detectPVC/polar_h10.csv", 0);
    assert_int_equal(psy_reader_channel_count(r), 3); /* time is the time base, not a channel */
    const psy_channel_info *ecg = psy_reader_channel(r, 0), *hr = psy_reader_channel(r, 1),
                           *rr = psy_reader_channel(r, 2);
    assert_string_equal(ecg->label, "ecg");
    assert_int_equal(ecg->type, PSY_CH_ECG);
    assert_int_equal(ecg->frames, 78096);
    assert_true(fabs(ecg->rate_hz - 130.16) < 0.01); /* 78095 steps over 599.988 s */
    assert_true(fabs(psy_reader_duration(r) - 599.996) < 0.01);
    double v[3], t[3];
    assert_int_equal(psy_reader_read(r, 0, 0, 2, v), PSY_OK);
    assert_true(v[0] == -0.098 && v[1] == -0.084);
    assert_int_equal(psy_reader_read(r, 0, 78095, 1, v), PSY_OK);
    assert_true(v[0] == -0.101);

    assert_string_equal(hr->label, "hr");
    assert_int_equal(hr->type, PSY_CH_HR);
    assert_true(hr->rate_hz == 0);
    assert_int_equal(hr->frames, 600);
    assert_string_equal(rr->label, "rr");
    assert_int_equal(rr->type, PSY_CH_RR);
    assert_string_equal(rr->unit, "ms");
    assert_true(rr->rate_hz == 0);
    assert_int_equal(rr->frames, 798);
    /* First RR at data row 56 (stamp ...0436237312 ns, 0.430217216 s after the first row). */
    assert_int_equal(psy_reader_read(r, 2, 0, 3, v), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, 2, 0, 3, t), PSY_OK);
    assert_true(v[0] == 421 && v[1] == 379 && v[2] == 1073);
    assert_true(fabs(t[0] - 0.430217216) < 1e-6);
    assert_true(fabs(t[1] - 1.551855616) < 1e-6);
    assert_true(fabs(t[2] - 2.673493760) < 1e-6);
    assert_int_equal(psy_reader_read(r, 1, 0, 1, v), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, 1, 0, 1, t), PSY_OK);
    assert_true(v[0] == 90 && fabs(t[0] - 0.430217216) < 1e-6);
    /* Device RR sum 599.448 s; the last two RR in consecutive rows. */
    double *all = malloc(798 * sizeof *all);
    assert_non_null(all);
    assert_int_equal(psy_reader_read(r, 2, 0, 798, all), PSY_OK);
    double sum = 0;
    for (int i = 0; i < 798; i++) sum += all[i];
    assert_true(fabs(sum - 599448) < 1e-6);
    assert_true(all[796] == 425 && all[797] == 1106);
    free(all);
    /* The row times of regular samples agree with the stamps: row 56 at 0.4302 s. */
    assert_int_equal(psy_reader_read_times(r, 0, 56, 1, t), PSY_OK);
    assert_true(fabs(t[0] - 0.430217216) < 2e-3);
    psy_datetime d = psy_reader_start(r);
    assert_int_equal(d.known, 1);
    assert_int_equal(d.year, 2024);
    assert_int_equal(d.month, 5);
    assert_int_equal(d.day, 5);
    assert_int_equal(d.hour, 14);
    assert_int_equal(d.minute, 50);
    assert_int_equal(d.second, 0);
    psy_reader_close(r);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bio_eventrelated),
        cmocka_unit_test(test_other_neurokit),
        cmocka_unit_test(test_polar_h10),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
