/* Internal: deconvolution of skin conductance by the Bateman impulse response with Gaussian
 * smoothing, in overlap-save FFT blocks (FFTW; plans made at create). Benedek & Kaernbach 2010,
 * J Neurosci Methods 190:80-91. The response is the sampled h[n] ~ p2^n - p1^n, pi =
 * exp(-1 / (tau_i rate)), scaled to unit area so that the driver is in uS; its inverse is exact
 * (a 3-tap filter), so blocks join without error. */
#ifndef PSYPHYS_EDA_DECONV_H
#define PSYPHYS_EDA_DECONV_H

#include <stddef.h>
#include "psyphys/eda.h"

typedef struct eda_deconv eda_deconv;

/* NULL on ENOMEM. */
eda_deconv *eda_deconv_create(const psy_eda_config *c, double rate);
void eda_deconv_destroy(eda_deconv *d);

/* Samples a completed block releases; callers' output arrays hold this many. */
size_t eda_deconv_hop(const eda_deconv *d);

/* The most samples held between a push and their release (the block length). */
size_t eda_deconv_held_max(const eda_deconv *d);

/* Feeds one sample (NaN: flagged, held at the last value for the transform) and a value that
 * travels with it unchanged (aux: the noise estimate). When a block completes, writes the next
 * hop samples — the input as given (x_out), its aux and the driver — and returns how many;
 * otherwise 0. Output lags input but stays in order, sample for sample. */
size_t eda_deconv_push(eda_deconv *d, double x, double aux, double *x_out, double *aux_out,
                       double *driver_out);

/* Releases samples still held (end of the signal), at most hop per call: call until 0. */
size_t eda_deconv_flush(eda_deconv *d, double *x_out, double *aux_out, double *driver_out);

/* The Bateman response as a unit-gain recursion: y = a1 y[-1] + a2 y[-2] + b u[-1]. */
typedef struct eda_bateman {
    double a1, a2, b;
    double y1, y2, u1;
} eda_bateman;

void eda_bateman_init(eda_bateman *f, const psy_eda_config *c, double rate, double settle);
static inline double eda_bateman_step(eda_bateman *f, double u)
{
    double y = f->a1 * f->y1 + f->a2 * f->y2 + f->b * f->u1;
    f->y2 = f->y1;
    f->y1 = y;
    f->u1 = u;
    return y;
}

#endif
