/* Internal: second-order IIR sections (direct form II transposed), designed at create time. */
#ifndef PSYPHYS_BIQUAD_H
#define PSYPHYS_BIQUAD_H

typedef struct psy_biquad {
    double b0, b1, b2, a1, a2; /* normalised so a0 = 1 */
    double z1, z2;             /* state */
} psy_biquad;

/* Butterworth (Q = 1/sqrt(2)) low- and high-pass sections by the bilinear transform with
 * pre-warping (R. Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter
 * coefficients"). cutoff_hz must lie in (0, rate_hz / 2). */
void psy_biquad_lowpass(psy_biquad *f, double cutoff_hz, double rate_hz);
void psy_biquad_highpass(psy_biquad *f, double cutoff_hz, double rate_hz);

/* A second-order Butterworth band-pass (the low-pass prototype's band-pass transform, 4 poles) as
 * two sections f[0], f[1], by the bilinear transform with pre-warped edges; unit gain at the
 * centre. 0 < lo_hz < hi_hz < rate_hz / 2. */
void psy_biquad_bandpass(psy_biquad f[2], double lo_hz, double hi_hz, double rate_hz);

/* Sets the state as if the input had been `x` forever (no start-up transient). */
void psy_biquad_settle(psy_biquad *f, double x);

static inline double psy_biquad_step(psy_biquad *f, double x)
{
    double y = f->b0 * x + f->z1;
    f->z1 = f->b1 * x - f->a1 * y + f->z2;
    f->z2 = f->b2 * x - f->a2 * y;
    return y;
}

/* Group delay in samples of the section at frequency f_hz (numerical phase derivative). */
double psy_biquad_group_delay(const psy_biquad *f, double f_hz, double rate_hz);

#endif
