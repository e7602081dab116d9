/* ISHNE Holter reader on the FLIRT test recording in ../shared/data (skipped when absent). */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_holter(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(shared_data("flirt_wearables/holter/holter.ecg"));
    assert_string_equal(psy_reader_format(r), "ISHNE");
    assert_int_equal(psy_reader_channel_count(r), 3);
    assert_int_equal(psy_reader_warning_count(r), 0); /* CRC matches, sizes agree */
    psy_datetime t = psy_reader_start(r);
    assert_int_equal(t.known, 1);
    assert_int_equal(t.year, 2019);
    assert_int_equal(t.month, 8);
    assert_int_equal(t.day, 9);
    assert_int_equal(t.hour, 10);
    assert_int_equal(t.minute, 5);
    assert_int_equal(t.second, 0);
    assert_true(fabs(psy_reader_duration(r) - 597376 / 128.0) < 1e-9);
    enum { N = 597376 };
    double *x = malloc(N * sizeof *x);
    assert_non_null(x);
    static const int lo[] = {-1453, -1527, -1575}, hi[] = {800, 1213, 1460};
    for (int ch = 0; ch < 3; ch++) {
        const psy_channel_info *c = psy_reader_channel(r, ch);
        assert_int_equal(c->type, PSY_CH_ECG);
        assert_string_equal(c->unit, "mV");
        assert_true(c->rate_hz == 128.0);
        assert_int_equal(c->frames, N);
        assert_true(fabs(c->resolution - 2441e-6) < 1e-15);
        assert_int_equal(psy_reader_read(r, ch, 0, N, x), PSY_OK);
        /* the recorder starts flat at -205 adu = -0.500405 mV */
        assert_true(fabs(x[0] - (-205 * 2441e-6)) < 1e-12);
        double mn = x[0], mx = x[0];
        for (int i = 1; i < N; i++) {
            if (x[i] < mn) mn = x[i];
            if (x[i] > mx) mx = x[i];
        }
        assert_true(fabs(mn - lo[ch] * 2441e-6) < 1e-12);
        assert_true(fabs(mx - hi[ch] * 2441e-6) < 1e-12);
    }
    assert_string_equal(psy_reader_channel(r, 0)->label, "ECG1 bipolar");
    assert_string_equal(psy_reader_channel(r, 2)->label, "ECG3 bipolar");
    free(x);
    psy_reader_close(r);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_holter)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
