/* Monotone piecewise-cubic interpolation (see pchip.h). */
#include "pchip.h"
#include "lower_bound.h"

/* Fritsch-Carlson slope at interior knot k from its two secants (0 at a local extreme). */
static double slope(const double *x, const double *y, size_t k)
{
    double h0 = x[k] - x[k - 1], h1 = x[k + 1] - x[k];
    double d0 = (y[k] - y[k - 1]) / h0, d1 = (y[k + 1] - y[k]) / h1;
    if (d0 * d1 <= 0) return 0;
    double w0 = 2 * h1 + h0, w1 = h1 + 2 * h0; /* weighted harmonic mean */
    return (w0 + w1) / (w0 / d0 + w1 / d1);
}

double psy_pchip_at(const double *x, const double *y, size_t m, double u)
{
    if (m == 1) return y[0];
    size_t k = psy_lower_bound(x, m, u);
    if (k == 0) k = 1;
    if (k >= m) k = m - 1;
    size_t a = k - 1;
    double h = x[k] - x[a], s = (u - x[a]) / h, d = (y[k] - y[a]) / h;
    double ma = a > 0 ? slope(x, y, a) : d, mb = k + 1 < m ? slope(x, y, k) : d;
    double s2 = s * s, s3 = s2 * s;
    return (2 * s3 - 3 * s2 + 1) * y[a] + (s3 - 2 * s2 + s) * h * ma + (-2 * s3 + 3 * s2) * y[k] +
           (s3 - s2) * h * mb;
}
