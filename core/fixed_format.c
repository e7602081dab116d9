/* Fixed-point formatting equal to printf's "%.*f". printf converts the exact binary value of a
 * double with arbitrary precision; here v * 10^decimals is split into its rounded product p and
 * the product's exact rounding error e = fma(v, 10^d, -p) (a product's error is itself a
 * double), which is all the information needed to round to the nearest integer exactly while
 * the product stays below 2^52. Beyond that, and for NaN and infinities, printf is used. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "fixed_format.h"

static const double pow10_d[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
static const uint64_t pow10_u[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
                                   1000000000};

/* Decimal digits of u, most significant first; returns their number. */
static size_t put_uint(char *out, uint64_t u)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    return n;
}

size_t psy_format_fixed(char *out, double v, int decimals)
{
    if (decimals < 0 || decimals > 9 || !(fabs(v) < 1e15 / pow10_d[decimals])) {
        int n = snprintf(out, PSY_FIXED_MAX, "%.*f", decimals < 0 ? 0 : decimals > 9 ? 9 : decimals, v);
        return n < 0 ? 0 : (size_t)n < PSY_FIXED_MAX ? (size_t)n : PSY_FIXED_MAX - 1;
    }
    size_t len = 0;
    if (signbit(v)) out[len++] = '-';
    double a = fabs(v), s = pow10_d[decimals];
    double p = a * s, e = fma(a, s, -p); /* a * s = p + e exactly */
    double q = floor(p), f = p - q;   /* exact: p < 2^52 */
    uint64_t r = (uint64_t)q;
    if (f > 0.5 || (f == 0.5 && (e > 0 || (e == 0 && (r & 1))))) r++;
    /* f < 0.5, or f == 0.5 with e < 0: the exact value is below the half; f == 0 with e < 0
     * is still nearer q than q - 1 */
    uint64_t unit = pow10_u[decimals];
    len += put_uint(out + len, r / unit);
    if (decimals) {
        out[len++] = '.';
        uint64_t frac = r % unit;
        for (int i = decimals - 1; i >= 0; i--) {
            out[len + (size_t)i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        len += (size_t)decimals;
    }
    out[len] = '\0';
    return len;
}

size_t psy_format_int(char *out, long long v)
{
    size_t len = 0;
    uint64_t u = (uint64_t)v;
    if (v < 0) {
        out[len++] = '-';
        u = 0 - u; /* also right for LLONG_MIN */
    }
    len += put_uint(out + len, u);
    out[len] = '\0';
    return len;
}
