/* The TSV writers' fixed-point formatting (core/fixed_format.c) against printf's "%.*f" and
 * "%lld": random doubles of every magnitude, sample times at common rates, exact ties (half to
 * even on the binary value), values next to ties, negatives and -0, NaN and infinities. */
#include "test_util.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fixed_format.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t next_u64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void same_as_printf(double v, int decimals)
{
    char want[512], got[PSY_FIXED_MAX];
    snprintf(want, sizeof want, "%.*f", decimals, v);
    size_t n = psy_format_fixed(got, v, decimals);
    if (strcmp(want, got) != 0 || n != strlen(want))
        fail_msg("%.17g with %d decimals: printf '%s', ours '%s'", v, decimals, want, got);
}

static void test_against_printf(void **state)
{
    (void)state;
    for (int i = 0; i < 500000; i++) { /* random magnitudes from 1e-12 to 1e16 */
        double mant = (double)(next_u64() >> 11) / 9007199254740992.0;
        double v = mant * pow(10, (double)(int)(next_u64() % 29) - 12);
        if (next_u64() & 1) v = -v;
        same_as_printf(v, (int)(next_u64() % 10));
    }
    static const double rates[] = {100, 128, 130, 250, 256, 360, 500, 512, 1000, 1024, 3000};
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++)
        for (int64_t s = 0; s < 200000; s += 1 + (int64_t)(next_u64() % 7)) {
            same_as_printf((double)s / rates[r], 6);
            same_as_printf(1000.0 * (double)s / rates[r], 3);
        }
    for (int64_t k = 0; k < 30000; k++) { /* exact ties: k + 1/2 units of the last digit */
        for (int d = 0; d <= 9; d++) {
            double tie = ((double)k + 0.5) / pow(10, d);
            same_as_printf(tie, d);
            same_as_printf(nextafter(tie, 0), d);
            same_as_printf(nextafter(tie, INFINITY), d);
        }
        same_as_printf((double)(2 * k + 1) / 128.0, 6); /* 1/128 = 0.0078125: a tie at 6 digits */
        same_as_printf((double)(2 * k + 1) / 2048.0, 3);
    }
    static const double odd[] = {0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 1e15, 9.999999e14, 1e-300, -1e-300,
                                 4503599627370495.5, 123456.0000005, 0.0000005, 0.0000015,
                                 DBL_MAX, -DBL_MAX, 1e300, DBL_MIN, 5e-324};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        for (int d = 0; d <= 9; d++) same_as_printf(odd[i], d);
    char got[PSY_FIXED_MAX];
    psy_format_fixed(got, NAN, 3);
    assert_string_equal(got, "nan");
    psy_format_fixed(got, -INFINITY, 6);
    assert_string_equal(got, "-inf");
}

static void test_integers(void **state)
{
    (void)state;
    static const long long v[] = {0, 1, -1, 9, 10, 99, 100, 123456789, -987654321, LLONG_MAX, LLONG_MIN};
    char want[32], got[PSY_FIXED_MAX];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        snprintf(want, sizeof want, "%lld", v[i]);
        assert_int_equal(psy_format_int(got, v[i]), strlen(want));
        assert_string_equal(got, want);
    }
    for (int i = 0; i < 100000; i++) {
        long long x = (long long)(next_u64() >> (next_u64() % 64));
        if (i & 1) x = -x;
        snprintf(want, sizeof want, "%lld", x);
        psy_format_int(got, x);
        assert_string_equal(got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_against_printf),
                                       cmocka_unit_test(test_integers)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
