/* Autoregressive spectrum by Burg's method (Burg 1967; the recursion as in Marple 1987, "Digital
 * Spectral Analysis", ch. 8): reflection coefficients from the forward and backward prediction
 * errors, so the model is always stable; one-sided PSD 2 E / (fs |A(f)|²), whose integral over
 * 0 .. fs/2 is the model's variance. */
#include <complex.h>
#include <math.h>
#include <string.h>

#include "hrv_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

psy_status hrv_burg(const double *x, size_t n, int order, double fs, double max_hz, size_t np,
                    psy_arena *arena, double *psd, double *df_out)
{
    size_t p = (size_t)order;
    if (order < 1 || n < 2 * p + 2 || np < 2) return PSY_E_TOO_SHORT;
    size_t mark = psy_arena_mark(arena);
    double *f = psy_arena_array(arena, n, sizeof *f), *b = psy_arena_array(arena, n, sizeof *b);
    double *a = psy_arena_array(arena, p + 1, sizeof *a), *prev = psy_arena_array(arena, p + 1, sizeof *prev);
    if (!f || !b || !a || !prev) return PSY_E_NOMEM;
    memset(a, 0, (p + 1) * sizeof *a);
    memset(prev, 0, (p + 1) * sizeof *prev);
    double e = 0;
    for (size_t i = 0; i < n; i++) f[i] = b[i] = x[i], e += x[i] * x[i];
    e /= (double)n;
    a[0] = 1;
    for (size_t k = 1; k <= p; k++) {
        double num = 0, den = 0;
        for (size_t i = k; i < n; i++) {
            num += f[i] * b[i - 1];
            den += f[i] * f[i] + b[i - 1] * b[i - 1];
        }
        double kk = den > 0 ? -2 * num / den : 0;
        memcpy(prev, a, (p + 1) * sizeof *a);
        for (size_t i = 1; i < k; i++) a[i] = prev[i] + kk * prev[k - i];
        a[k] = kk;
        for (size_t i = n - 1; i >= k; i--) { /* downwards: b[i - 1] is still the old one */
            double fi = f[i];
            f[i] = fi + kk * b[i - 1];
            b[i] = b[i - 1] + kk * fi;
        }
        e *= 1 - kk * kk;
    }
    double df = max_hz / (double)(np - 1);
    for (size_t j = 0; j < np; j++) {
        double complex s = 0;
        double w = -2 * M_PI * (double)j * df / fs;
        for (size_t k = 0; k <= p; k++) s += a[k] * cexp(I * w * (double)k);
        double m2 = creal(s) * creal(s) + cimag(s) * cimag(s);
        psd[j] = m2 > 0 ? 2 * e / (fs * m2) : 0;
    }
    *df_out = df;
    psy_arena_release(arena, mark);
    return PSY_OK;
}
