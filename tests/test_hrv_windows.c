/* The windows HRV is computed over: the standard rule and PCST's (count, contents, the 85 % rule). */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "psyphys.h"

/* Intervals of 1 s ending at t = 1 .. n s, without those ending in [gap_from, gap_to]. */
static size_t series(double *nn, double *t, size_t n, double gap_from, double gap_to)
{
    size_t m = 0;
    for (size_t i = 1; i <= n; i++)
        if ((double)i < gap_from || (double)i > gap_to) nn[m] = 1000, t[m++] = (double)i;
    return m;
}

static void counts(void **state)
{
    (void)state;
    /* standard: complete windows only (psy_hrv_window_count) */
    assert_int_equal(psy_hrv_windows_count(PSY_HRV_WINDOWS_STANDARD, 0, 600, 300, 30), 11);
    assert_int_equal(psy_hrv_windows_count(PSY_HRV_WINDOWS_STANDARD, 0, 299, 300, 30), 0);
    /* PCST: k step <= span - window + step, the last reaching one step past the end */
    assert_int_equal(psy_hrv_windows_count(PSY_HRV_WINDOWS_PCST, 0, 600, 300, 30), 12);
    assert_int_equal(psy_hrv_windows_count(PSY_HRV_WINDOWS_PCST, 0, 500, 300, 30), 8);
    assert_int_equal(psy_hrv_windows_count(PSY_HRV_WINDOWS_PCST, 0, 269, 300, 30), 0);
    assert_int_equal(psy_hrv_windows_count(PSY_HRV_WINDOWS_PCST, 0, 600, 300, 0), 0);
}

static void contents(void **state)
{
    (void)state;
    static double nn[600], t[600];
    size_t n = series(nn, t, 600, INFINITY, INFINITY), cursor = 0;
    psy_hrv_window w;
    /* standard: start < t <= start + window */
    psy_hrv_window_at(PSY_HRV_WINDOWS_STANDARD, nn, t, n, 0, 300, 30, 0, &cursor, &w);
    assert_int_equal(w.first, 0);
    assert_int_equal(w.end, 300);
    psy_hrv_window_at(PSY_HRV_WINDOWS_STANDARD, nn, t, n, 0, 300, 30, 1, &cursor, &w);
    assert_int_equal(w.first, 30); /* t = 31 .. 330 */
    assert_int_equal(w.end, 330);
    assert_true(w.onset_s == 30 && w.duration_s == 300 && !w.too_little);
    /* PCST: start <= t < start + window; the last window runs past the end and is not too little */
    cursor = 0;
    for (size_t k = 0; k < 12; k++) {
        psy_hrv_window_at(PSY_HRV_WINDOWS_PCST, nn, t, n, 0, 300, 30, k, &cursor, &w);
        assert_int_equal(w.first, k ? 30 * k - 1 : 0); /* t = 30 k .. 30 k + 299 */
        assert_int_equal(w.end, k < 11 ? 30 * k + 299 : 600);
        assert_false(w.too_little);
    }
    /* 100 s removed from the first window: 198 s of intervals, below 85 % of 300 s */
    n = series(nn, t, 600, 100, 201);
    cursor = 0;
    psy_hrv_window_at(PSY_HRV_WINDOWS_PCST, nn, t, n, 0, 300, 30, 0, &cursor, &w);
    assert_int_equal(w.end - w.first, 197);
    assert_true(w.too_little);
}

static void set_na(void **state)
{
    (void)state;
    psy_hrv_result r;
    memset(&r, 0, sizeof r);
    r.values.na[PSY_HRV_RMSSD_MS] = "before";
    r.lomb.na[PSY_HRV_LF_MS2] = "before";
    psy_hrv_result_set_na(&r, PSY_HRV_PCST_WINDOW_NA_REASON);
    assert_string_equal(r.values.na[PSY_HRV_RMSSD_MS], PSY_HRV_PCST_WINDOW_NA_REASON);
    assert_string_equal(r.lomb.na[PSY_HRV_LF_MS2], PSY_HRV_PCST_WINDOW_NA_REASON);
    assert_null(r.values.na[PSY_HRV_SDNN_MS]); /* not asked: stays so */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(counts), cmocka_unit_test(contents),
                                       cmocka_unit_test(set_na)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
