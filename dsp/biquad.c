/* Second-order IIR sections. */
#include <complex.h>
#include <math.h>

#include "biquad.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static void butterworth(psy_biquad *f, double cutoff_hz, double rate_hz, int highpass)
{
    const double q = 1.0 / sqrt(2.0);
    double w0 = 2.0 * M_PI * cutoff_hz / rate_hz;
    double c = cos(w0), alpha = sin(w0) / (2.0 * q);
    double a0 = 1.0 + alpha;
    double b1 = highpass ? -(1.0 + c) : 1.0 - c;
    double b0 = highpass ? (1.0 + c) / 2.0 : (1.0 - c) / 2.0;
    f->b0 = b0 / a0;
    f->b1 = b1 / a0;
    f->b2 = b0 / a0;
    f->a1 = -2.0 * c / a0;
    f->a2 = (1.0 - alpha) / a0;
    f->z1 = f->z2 = 0.0;
}

void psy_biquad_lowpass(psy_biquad *f, double cutoff_hz, double rate_hz)
{
    butterworth(f, cutoff_hz, rate_hz, 0);
}

void psy_biquad_highpass(psy_biquad *f, double cutoff_hz, double rate_hz)
{
    butterworth(f, cutoff_hz, rate_hz, 1);
}

void psy_biquad_settle(psy_biquad *f, double x)
{
    /* Steady state for constant input x: y = H(1) x, then solve the state equations. */
    double gain = (f->b0 + f->b1 + f->b2) / (1.0 + f->a1 + f->a2);
    double y = gain * x;
    f->z2 = f->b2 * x - f->a2 * y;
    f->z1 = y - f->b0 * x;
}

static double phase_at(const psy_biquad *f, double w)
{
    double complex z1 = cexp(-I * w), z2 = z1 * z1;
    double complex h = (f->b0 + f->b1 * z1 + f->b2 * z2) / (1.0 + f->a1 * z1 + f->a2 * z2);
    return carg(h);
}

double psy_biquad_group_delay(const psy_biquad *f, double f_hz, double rate_hz)
{
    double w = 2.0 * M_PI * f_hz / rate_hz, dw = 1e-4 * w;
    double d = phase_at(f, w + dw) - phase_at(f, w - dw);
    while (d > M_PI) d -= 2 * M_PI;
    while (d < -M_PI) d += 2 * M_PI;
    return -d / (2.0 * dw);
}
