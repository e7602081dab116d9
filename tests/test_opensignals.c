/* OpenSignals text reader on files written here: biosignalsplux ECG + EDA + respiration with a
 * digital input and lost samples, BITalino (r)evolution and original-board EDA, a sensor without a
 * transfer function, two devices, values converted by OpenSignals; then hostile files. The
 * expected values are the PLUX transfer functions computed by hand. Needs no shared data. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static psy_reader *open_text(const char *name, const char *text)
{
    write_temp_file(name, text, strlen(text));
    return open_or_fail(temp_path(name));
}

static void near(double got, double want)
{
    if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want)))) fail_msg("%.12g, want %.12g", got, want);
}

static void test_plux(void **state)
{
    (void)state;
    const char *text =
        "# OpenSignals Text File Format. Version 1\n"
        "# {\"00:07:80:3B:46:61\": {\"sensor\": [\"ECG\", \"EDA\", \"RESPIRATION\"], \"column\": [\"nSeq\", "
        "\"DI\", "
        "\"CH1\", \"CH2\", \"CH3\"], \"sampling rate\": 500, \"label\": [\"CH1\", \"CH2\", \"CH3\"], "
        "\"resolution\": "
        "[16, 16, 16], \"device\": \"biosignalsplux\", \"date\": \"2020-3-4\", \"time\": \"9:08:07.250\"}}\n"
        "# EndOfHeader\n"
        "0\t0\t32768\t13107\t49152\t\n"
        "1\t1\t65535\t0\t16384\t\n"
        "4\t0\t0\t65535\t32768\t\n"
        "5\t1\t32768\t26214\t0\t\n";
    psy_reader *r = open_text("plux.txt", text);
    assert_string_equal(psy_reader_format(r), "OpenSignals");
    assert_int_equal(psy_reader_channel_count(r), 4);
    const psy_channel_info *ecg = psy_reader_channel(r, 1), *eda = psy_reader_channel(r, 2),
                           *resp = psy_reader_channel(r, 3);
    assert_string_equal(psy_reader_channel(r, 0)->label, "DI");
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_TRIGGER);
    assert_string_equal(ecg->label, "ECG CH1");
    assert_int_equal(ecg->type, PSY_CH_ECG);
    assert_string_equal(ecg->unit, "mV");
    assert_int_equal(eda->type, PSY_CH_EDA);
    assert_string_equal(eda->unit, "uS");
    assert_int_equal(resp->type, PSY_CH_RESP);
    assert_true(ecg->rate_hz == 500);
    assert_int_equal(ecg->frames, 6); /* 4 rows, nSeq skips 2 and 3 */
    assert_true(has_warning(r, "2 samples lost in transmission"));
    psy_datetime t = psy_reader_start(r);
    assert_true(t.known && t.year == 2020 && t.month == 3 && t.day == 4 && t.hour == 9 && t.second == 7 &&
                t.nanosecond == 250000000);
    double x[6];
    /* ECG (mV) = (ADC/2^16 - 1/2) * 3 V / 1019 * 1000 */
    assert_int_equal(psy_reader_read(r, 1, 0, 6, x), PSY_OK);
    near(x[0], 0);
    near(x[1], (65535 / 65536.0 - 0.5) * 3 / 1019 * 1000);
    assert_true(isnan(x[2]) && isnan(x[3]));
    near(x[4], -0.5 * 3 / 1019 * 1000);
    /* EDA (uS) = ADC/2^16 * 3 V / 0.12 */
    assert_int_equal(psy_reader_read(r, 2, 0, 6, x), PSY_OK);
    near(x[0], 13107 / 65536.0 * 3 / 0.12);
    near(x[5], 26214 / 65536.0 * 3 / 0.12);
    /* RESP (%) = (ADC/2^16 - 1/2) * 100 */
    assert_int_equal(psy_reader_read(r, 3, 0, 2, x), PSY_OK);
    near(x[0], 25);
    near(x[1], -25);
    assert_int_equal(psy_reader_read(r, 0, 0, 6, x), PSY_OK);
    assert_true(x[0] == 0 && x[1] == 1 && isnan(x[3]) && x[5] == 1);
    psy_reader_close(r);
}

/* A header date that does not exist (was read as 2021-03-01): the start is unknown, with a warning;
 * the data open. */
static void test_impossible_date(void **state)
{
    (void)state;
    psy_reader *r = open_text("baddate.txt",
                              "# OpenSignals Text File Format. Version 1\n"
                              "# {\"00:07:80:3B:46:61\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"CH1\"], "
                              "\"sampling rate\": 500, \"label\": [\"CH1\"], \"resolution\": [16], "
                              "\"device\": \"biosignalsplux\", \"date\": \"2021-2-29\", \"time\": \"9:08:07.250\"}}\n"
                              "# EndOfHeader\n0\t32768\n1\t32768\n");
    assert_int_equal(psy_reader_start(r).known, 0);
    assert_true(has_warning(r, "start date \"2021-2-29\" time \"9:08:07.250\" is not a date-time that exists"));
    assert_int_equal(psy_reader_channel(r, 0)->frames, 2);
    psy_reader_close(r);
}

static void test_bitalino(void **state)
{
    (void)state;
    const char *rev = "# OpenSignals Text File Format\n"
                      "# {\"20:16:11:02:85:30\": {\"sensor\": [\"ECGBITREV\", \"EDABITREV\", \"EMGBITREV\"], "
                      "\"column\": [\"nSeq\", "
                      "\"I1\", \"I2\", \"O1\", \"O2\", \"A1\", \"A3\", \"A4\"], \"sampling rate\": 100, "
                      "\"label\": [\"A1\", \"A3\", \"A4\"], "
                      "\"resolution\": [4, 1, 1, 1, 1, 10, 10, 10], \"device\": \"bitalino_rev\"}}\n"
                      "# EndOfHeader\n"
                      "14\t0\t0\t0\t0\t512\t460\t1\n"
                      "15\t0\t0\t0\t0\t1023\t0\t2\n"
                      "0\t1\t0\t0\t0\t0\t1023\t3\n";
    psy_reader *r = open_text("bit.txt", rev);
    assert_int_equal(psy_reader_channel_count(r), 7);
    assert_int_equal(psy_reader_channel(r, 4)->frames, 3); /* nSeq wraps at 16: nothing lost */
    double x[3];
    /* BITalino ECG (mV) = (ADC/2^10 - 1/2) * 3.3 V / 1100 * 1000 */
    assert_int_equal(psy_reader_read(r, 4, 0, 3, x), PSY_OK);
    near(x[0], 0);
    near(x[1], (1023 / 1024.0 - 0.5) * 3.3 / 1100 * 1000);
    /* BITalino (r)evolution EDA (uS) = ADC/2^10 * 3.3 V / 0.132 */
    assert_int_equal(psy_reader_read(r, 5, 0, 3, x), PSY_OK);
    near(x[0], 460 / 1024.0 * 3.3 / 0.132);
    /* EMG: no transfer function used, counts */
    assert_true(has_warning(r, "sensor 'EMGBITREV' (EMG A4): no transfer function, raw ADC values"));
    assert_int_equal(psy_reader_read(r, 6, 0, 3, x), PSY_OK);
    assert_true(x[2] == 3);
    psy_reader_close(r);

    const char *original = "# OpenSignals Text File Format\n"
                           "# {\"98:D3:31:B2:11:34\": {\"sensor\": [\"EDA\"], \"column\": [\"nSeq\", \"I1\", "
                           "\"I2\", \"O1\", \"O2\", \"A3\"], "
                           "\"sampling rate\": 10, \"label\": [\"A3\"], \"resolution\": [4, 1, 1, 1, 1, 10], "
                           "\"device\": \"bitalino\"}}\n"
                           "# EndOfHeader\n"
                           "0\t0\t0\t0\t0\t512\n";
    r = open_text("bit_orig.txt", original);
    /* original BITalino EDA: uS = 1 / (1 - ADC/2^n) */
    assert_int_equal(psy_reader_read(r, 4, 0, 1, x), PSY_OK);
    near(x[0], 2);
    psy_reader_close(r);
}

static void test_two_devices_and_converted(void **state)
{
    (void)state;
    const char *two = "# OpenSignals Text File Format\n"
                      "# {\"A\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"DI\", \"CH1\"], \"sampling "
                      "rate\": 1000, \"label\": "
                      "[\"CH1\"], \"resolution\": [16], \"device\": \"biosignalsplux\"}, \"B\": {\"sensor\": "
                      "[\"BVP\"], \"column\": "
                      "[\"nSeq\", \"DI\", \"CH1\"], \"sampling rate\": 1000, \"label\": [\"CH1\"], "
                      "\"resolution\": [12], \"device\": "
                      "\"biosignalsplux\"}}\n"
                      "# EndOfHeader\n"
                      "0\t0\t100\t0\t0\t2048\n"
                      "1\t0\t200\t1\t0\t4095\n";
    const char *fewer =
        "# OpenSignals Text File Format\n"
        "# {\"A\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"CH1\", \"CH2\"], \"sampling rate\": 10, "
        "\"label\": [\"CH1\", \"CH2\"], \"resolution\": [16, 16], \"device\": \"biosignalsplux\"}}\n"
        "# EndOfHeader\n"
        "0\t32768\t5\n";
    psy_reader *r = open_text("fewer.txt", fewer);
    assert_true(has_warning(r, "1 sensors for 2 analog channels"));
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_ECG);
    psy_reader_close(r);
    r = open_text("two.txt", two);
    assert_int_equal(psy_reader_channel_count(r), 4);
    assert_string_equal(psy_reader_channel(r, 1)->label, "ECG CH1 (A)");
    assert_string_equal(psy_reader_channel(r, 3)->label, "BVP CH1 (B)");
    assert_int_equal(psy_reader_channel(r, 3)->type, PSY_CH_PPG);
    double x[2];
    assert_int_equal(psy_reader_read(r, 3, 0, 2, x), PSY_OK);
    near(x[0], 0.5); /* BVP relative intensity = ADC / 2^12 */
    psy_reader_close(r);

    const char *conv =
        "# OpenSignals Text File Format\n"
        "# {\"A\": {\"sensor\": [\"EDA\"], \"column\": [\"nSeq\", \"DI\", \"CH1\"], \"sampling rate\": 10, "
        "\"label\": "
        "[\"CH1\"], \"resolution\": [16], \"device\": \"biosignalsplux\", \"convertedValues\": 1}}\n"
        "# EndOfHeader\n"
        "0\t0\t5.25\n";
    r = open_text("conv.txt", conv);
    assert_int_equal(psy_reader_read(r, 1, 0, 1, x), PSY_OK);
    near(x[0], 5.25);
    assert_string_equal(psy_reader_channel(r, 1)->unit, "uS");
    psy_reader_close(r);
}

static void expect_refused(const char *name, const char *text, const char *words)
{
    expect_open_refused(write_temp_file(name, text, strlen(text)), PSY_E_FORMAT, words);
}

static void test_hostile(void **state)
{
    (void)state;
    const char *head = "# OpenSignals Text File Format\n";
    char t[2048];
    snprintf(t, sizeof t, "%s# {\"A\": {\"column\": [\"nSeq\"\n# EndOfHeader\n0\n", head);
    expect_refused("badjson.txt", t, "the OpenSignals header line is not a JSON object");
    snprintf(t, sizeof t,
             "%s# {\"A\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"CH1\"], \"sampling rate\": 10, "
             "\"label\": [\"CH1\"], \"resolution\": [16]}}\n0\t1\n",
             head);
    expect_refused("noend.txt", t, "the header ends without '# EndOfHeader'");
    snprintf(t, sizeof t,
             "%s# {\"A\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"CH1\"], \"sampling rate\": 10, "
             "\"label\": [\"CH1\"], \"resolution\": [16]}}\n# EndOfHeader\n0\t1\n1\t2\t3\n",
             head);
    expect_refused("ragged.txt", t, "line 5 has 3 columns, the header names 2");
    snprintf(t, sizeof t,
             "%s# {\"A\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"CH1\"], \"sampling rate\": -5, "
             "\"label\": [\"CH1\"], \"resolution\": [16]}}\n# EndOfHeader\n0\t1\n",
             head);
    expect_refused("rate.txt", t, "\"sampling rate\" is missing or not positive");
    snprintf(t, sizeof t,
             "%s# {\"A\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"CH1\"], \"sampling rate\": 5, "
             "\"label\": [\"CH1\"], \"resolution\": [16]}}\n# EndOfHeader\n0\tabc\n",
             head);
    expect_refused("text.txt", t, "line 4, column 2: 'abc' is not a number");
    snprintf(t, sizeof t,
             "%s# {\"A\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"CH1\"], \"sampling rate\": 5, "
             "\"label\": [\"CH1\"], \"resolution\": [16]}}\n# EndOfHeader\n",
             head);
    expect_refused("norows.txt", t, "a header but no data rows");
    snprintf(t, sizeof t, "%s# {\"A\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"CH1\"], \"sampling rate\": 5, "
             "\"label\": [\"CH1\"], \"resolution\": [16]}}\n# EndOfHeader\n0\t1\n1e40\t2\n", head);
    expect_refused("nseq.txt", t, "line 5: nSeq '1e40' is not a sequence number");
    /* a file cut inside its last row: the complete rows are read */
    snprintf(t, sizeof t, "%s# {\"A\": {\"sensor\": [\"ECG\"], \"column\": [\"nSeq\", \"DI\", \"CH1\"], "
             "\"sampling rate\": 5, \"label\": [\"CH1\"], \"resolution\": [16]}}\n# EndOfHeader\n0\t0\t1\n1\t0",
             head);
    psy_reader *r = open_text("cut.txt", t);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 1);
    assert_true(has_warning(r, "the last line (5) is incomplete"));
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plux),
        cmocka_unit_test(test_bitalino),
        cmocka_unit_test(test_impossible_date),
        cmocka_unit_test(test_two_devices_and_converted),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
