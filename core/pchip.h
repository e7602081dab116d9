/* Internal: monotone piecewise-cubic (Fritsch-Carlson) interpolation, shared by the heart-rate
 * responses (analysis/hr_response.c) and Porges-Bohrer RSA (analysis/rsa.c). */
#ifndef PSYPHYS_PCHIP_H
#define PSYPHYS_PCHIP_H

#include <stddef.h>

/* The monotone cubic through (x[k], y[k]), k = 0..m-1 (x ascending, m >= 1), at u: no overshoot
 * between knots, flat at a local extreme (Fritsch & Carlson 1980, SIAM J Numer Anal 17:238-246);
 * the end intervals take the secant as their outer slope. Outside [x[0], x[m-1]] the end
 * intervals' cubics extend. */
double psy_pchip_at(const double *x, const double *y, size_t m, double u);

#endif
