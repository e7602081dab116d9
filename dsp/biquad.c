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

void psy_biquad_bandpass(psy_biquad f[2], double lo_hz, double hi_hz, double rate_hz)
{
    double fs2 = 2.0 * rate_hz;
    double w1 = fs2 * tan(M_PI * lo_hz / rate_hz), w2 = fs2 * tan(M_PI * hi_hz / rate_hz);
    double bw = w2 - w1, w0sq = w1 * w2;
    double w_centre = 2.0 * atan(sqrt(w0sq) / fs2); /* digital centre frequency, rad/sample */
    /* the prototype pole (-1 + j) / sqrt 2 maps to two band-pass poles; their conjugates come
     * from the conjugate prototype pole */
    double complex p = (-1.0 + I) / sqrt(2.0) * bw / 2.0, root = csqrt(p * p - w0sq);
    double complex s[2] = {p + root, p - root};
    double complex e1 = cexp(-I * w_centre), e2 = e1 * e1;
    for (int k = 0; k < 2; k++) {
        double complex z = (fs2 + s[k]) / (fs2 - s[k]);
        f[k].a1 = -2.0 * creal(z);
        f[k].a2 = creal(z * conj(z));
        double g = 1.0 / cabs((1.0 - e2) / (1.0 + f[k].a1 * e1 + f[k].a2 * e2));
        f[k].b0 = g, f[k].b1 = 0.0, f[k].b2 = -g;
        f[k].z1 = f[k].z2 = 0.0;
    }
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
