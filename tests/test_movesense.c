/* Movesense sensor exports (acquisition/movesense.c, movesense_hr.c): the banner and header, the
 * rate and the stretches from the timestamps; the heart-rate export's beats at running sums of
 * their intervals, start unknown; refusals naming the line. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* cmocka's assert_float_equal compares floats: doubles here. */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static const char *banner(void)
{
    static char b[256];
    snprintf(b, sizeof b, "%80sECG%77s25.01.2516.42.59200 \n", "", "");
    return b;
}

static const char *write_export(const char *name, const char *body)
{
    static char text[1 << 16];
    snprintf(text, sizeof text, "%sTimestamp,Sample\n%s", banner(), body);
    return write_temp_file(name, text, strlen(text));
}

/* 400 samples 5.025 ms apart (199 Hz, the header says 200), a 1-s dropout, 200 more. */
static void rate_and_stretches_from_timestamps(void **state)
{
    (void)state;
    static char body[1 << 15];
    size_t at = 0;
    double t = 1737823380.0;
    for (int k = 0; k < 600; k++) {
        if (k == 400) t += 1.0;
        at += (size_t)snprintf(body + at, sizeof body - at, "%.4f,%d\n", t, k % 50 == 0 ? 300 : k % 7);
        t += 1.0 / 199;
    }
    psy_reader *r = open_or_fail(write_export("ms.csv", body));
    assert_string_equal(psy_reader_format(r), "Movesense");
    const psy_channel_info *ch = psy_reader_channel(r, 0);
    assert_string_equal(ch->label, "Sample");
    assert_int_equal(ch->type, PSY_CH_ECG);
    assert_int_equal(ch->frames, 600);
    assert_near(ch->rate_hz, 199, 0.01);
    assert_int_equal(psy_reader_stretch_count(r), 2);
    const psy_stretch *s = psy_reader_stretch(r, 1);
    assert_near(s->onset_s, 400.0 / 199 + 1.0, 1e-3);
    double times[2];
    assert_int_equal(psy_reader_read_times(r, 0, 399, 2, times), PSY_OK);
    assert_near(times[0], 399.0 / 199, 1e-3);
    assert_near(times[1], 400.0 / 199 + 1.0, 1e-3);
    double v[2];
    assert_int_equal(psy_reader_read(r, 0, 50, 2, v), PSY_OK);
    assert_near(v[0], 300, 0);
    assert_near(v[1], 2.0, 0); /* 51 % 7 */
    psy_datetime d = psy_reader_start(r);
    assert_true(d.known);
    assert_int_equal(d.year, 2025);
    assert_int_equal(d.hour, 16);
    assert_int_equal(d.minute, 43);
    assert_true(has_warning(r, "the timestamps give 199.0"));
    assert_true(has_warning(r, "2 stretches"));
    assert_true(has_warning(r, "ADC units"));
    psy_reader_close(r);
}

/* Several value columns (an accelerometer export): a channel each, typed by their labels. */
static void several_columns(void **state)
{
    (void)state;
    char text[4096];
    int at = snprintf(text, sizeof text, "%80sAcc%77s25.01.2516.42.5952 \nTimestamp,X,Y,Z\n", "", "");
    for (int k = 0; k < 20; k++)
        at += snprintf(text + at, sizeof text - (size_t)at, "%.4f,%d,%d,%d\n", 1737823380.0 + k / 52.0, k, -k, 9);
    psy_reader *r = open_or_fail(write_temp_file("acc.csv", text, (size_t)at));
    assert_int_equal(psy_reader_channel_count(r), 3);
    assert_string_equal(psy_reader_channel(r, 2)->label, "Z");
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_OTHER);
    assert_near(psy_reader_channel(r, 1)->rate_hz, 52, 0.05); /* timestamps at 0.1 ms */
    double v[2];
    assert_int_equal(psy_reader_read(r, 1, 3, 2, v), PSY_OK);
    assert_near(v[0], -3, 0);
    assert_near(v[1], -4, 0);
    psy_reader_close(r);
}

static void refusals_name_the_line(void **state)
{
    (void)state;
    psy_reader *r = NULL;
    psy_message why;
    psy_open_options o = psy_open_options_default();
    const char *p = write_export("back.csv", "1737823380.000,1\n1737823380.005,2\n1737823379.000,3\n");
    assert_int_equal(psy_reader_open(p, &o, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "line 5"));
    assert_non_null(strstr(why.text, "back in time"));
    p = write_export("value.csv", "1737823380.000,1\n1737823380.005,x\n");
    assert_int_equal(psy_reader_open(p, &o, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "line 4"));
    p = write_export("time.csv", "12.5,1\n");
    assert_int_equal(psy_reader_open(p, &o, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "Unix time"));
    p = write_export("empty.csv", "");
    assert_int_not_equal(psy_reader_open(p, &o, &r, &why), PSY_OK);
    assert_null(r);
}

static const char *write_hr(const char *name, const char *body)
{
    static char text[1 << 16];
    snprintf(text, sizeof text, "%80sHeartRate%71s25.01.2516.42.591   \r\nAverage,RRData\r\n%s", "", "", body);
    return write_temp_file(name, text, strlen(text));
}

/* HR-*.csv: a beat per row, its interval ending it; an empty RR cell brings none, an interval
 * no heart makes is left out (both counted); the start stays unknown. */
static void heart_rate_export(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(write_hr("HR.csv", "153.06122,392\r\n73.700005,808\r\n74.5,\r\n74.5,784\r\n"
                                                    "74.7,0\r\n74.700005,800\r\n"));
    assert_string_equal(psy_reader_format(r), "Movesense heart rate");
    assert_int_equal(psy_reader_channel_count(r), 2);
    const psy_channel_info *rr = psy_reader_channel(r, 0), *hr = psy_reader_channel(r, 1);
    assert_string_equal(rr->label, "RRData");
    assert_int_equal(rr->type, PSY_CH_RR);
    assert_string_equal(rr->unit, "ms");
    assert_string_equal(hr->label, "Average");
    assert_int_equal(hr->type, PSY_CH_HR);
    assert_int_equal(rr->frames, 4);
    assert_true(rr->rate_hz == 0);
    double v[4], t[4];
    assert_int_equal(psy_reader_read(r, 0, 0, 4, v), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, 0, 0, 4, t), PSY_OK);
    static const double want_rr[4] = {392, 808, 784, 800}, want_t[4] = {0.392, 1.2, 1.984, 2.784};
    for (int k = 0; k < 4; k++) {
        assert_near(v[k], want_rr[k], 0);
        assert_near(t[k], want_t[k], 1e-9);
    }
    assert_int_equal(psy_reader_read(r, 1, 0, 2, v), PSY_OK);
    assert_near(v[0], 153.06122, 1e-9);
    assert_near(psy_reader_duration(r), 2.784, 1e-9);
    assert_false(psy_reader_start(r).known);
    assert_true(has_warning(r, "running sums"));
    assert_true(has_warning(r, "2025-01-25 16:42:59"));
    assert_true(has_warning(r, "1 rows without an R-R interval"));
    assert_true(has_warning(r, "1 R-R intervals not in 0 .. 10000 ms left out (line 7 first)"));
    psy_reader_close(r);

    psy_message why;
    psy_open_options o = psy_open_options_default();
    assert_int_equal(psy_reader_open(write_hr("HR3.csv", "70,800\n70,800,1\n"), &o, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "line 4 has 3 fields"));
    assert_int_equal(psy_reader_open(write_hr("HRx.csv", "70,800\n70,8x0\n"), &o, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "line 4: the R-R interval is not a number"));
    assert_int_equal(psy_reader_open(write_hr("HR0.csv", "70,\n"), &o, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "no R-R interval"));
    assert_null(r);

    /* a file cut in its last row ("94.5,6" of "94.5,608"): that row is no 6-ms interval */
    r = open_or_fail(write_hr("HRcut.csv", "73.7,808\r\n94.5,6"));
    assert_int_equal(psy_reader_channel(r, 0)->frames, 1);
    assert_true(has_warning(r, "the last line (4) does not end with a line break: the file was cut"));
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rate_and_stretches_from_timestamps),
        cmocka_unit_test(several_columns),
        cmocka_unit_test(refusals_name_the_line),
        cmocka_unit_test(heart_rate_export),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
