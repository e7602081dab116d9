/* The event-locked heart-rate curve (psy_hr_response_curve) agrees with the response summary of
 * psy_hr_response_at on analytic rate series. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>

/* 75 bpm until 30 s, then 60 bpm. */
static size_t decelerating_beats(double *t, double *nn, size_t max)
{
    size_t n = 0;
    for (double now = 0; now < 60 && n < max;) {
        double r = now < 30 ? 800.0 : 1000.0;
        now += r / 1000.0;
        t[n] = now, nn[n++] = r;
    }
    return n;
}

static void test_curve_matches_summary(void **state)
{
    (void)state;
    static double t[256], nn[256], curve[256];
    size_t n = decelerating_beats(t, nn, 256), m = 0;
    psy_hr_response_config c = psy_hr_response_config_default(); /* -1 .. 10 s at 10 Hz */
    assert_int_equal(psy_hr_response_curve(t, nn, n, 29.5, &c, curve, 256, &m), PSY_OK);
    assert_int_equal(m, 111);
    psy_hr_response r;
    assert_int_equal(psy_hr_response_at(t, nn, NULL, n, 29.5, &c, &r), PSY_OK);
    double mean = 0, lo = INFINITY;
    for (size_t k = 11; k < m; k++) mean += curve[k], lo = fmin(lo, curve[k]);
    assert_true(fabs(mean / 100 - r.mean_bpm) < 1e-9);
    assert_true(fabs(lo - r.min_bpm) < 1e-9);
    assert_true(fabs(curve[0]) < 1e-9);          /* the baseline second at 75 bpm */
    assert_true(fabs(curve[m - 1] + 15) < 1e-9); /* settled at 60 bpm */
}

static void test_curve_limits(void **state)
{
    (void)state;
    static double t[256], nn[256], curve[256];
    size_t n = decelerating_beats(t, nn, 256), m = 7;
    /* An epoch the beats do not cover: no curve. */
    assert_int_equal(psy_hr_response_curve(t, nn, n, 0.2, NULL, curve, 256, &m), PSY_OK);
    assert_int_equal(m, 0);
    /* Too small an output. */
    assert_int_equal(psy_hr_response_curve(t, nn, n, 29.5, NULL, curve, 100, &m), PSY_E_RANGE);
    assert_int_equal(psy_hr_response_curve(t, nn, n, 29.5, NULL, NULL, 5, &m), PSY_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_curve_matches_summary),
                                       cmocka_unit_test(test_curve_limits)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
