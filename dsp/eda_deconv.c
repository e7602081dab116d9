/* Bateman deconvolution in overlap-save FFT blocks (see eda_deconv.h). */
#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eda_deconv.h"
#include "fft_plan.h" /* plans under the library's planner lock */

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

struct eda_deconv {
    size_t n, edge, hop, fill;
    double *in, *raw, *aux, *out;
    fftw_complex *spec, *mult;
    fftw_plan fwd, inv;
    double hold;
    int started;
};

static void poles(const psy_eda_config *c, double rate, double *p1, double *p2)
{
    *p1 = exp(-1.0 / (c->tau1_s * rate));
    *p2 = exp(-1.0 / (c->tau2_s * rate));
}

void eda_bateman_init(eda_bateman *f, const psy_eda_config *c, double rate, double settle)
{
    double p1, p2;
    poles(c, rate, &p1, &p2);
    f->a1 = p1 + p2;
    f->a2 = -p1 * p2;
    f->b = (1 - p1) * (1 - p2); /* unit gain at DC */
    f->y1 = f->y2 = f->u1 = settle;
}

eda_deconv *eda_deconv_create(const psy_eda_config *c, double rate)
{
    eda_deconv *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    double sigma = c->smooth_s * rate; /* samples */
    d->edge = (size_t)ceil(4 * sigma) + 4;
    d->n = 4096;
    while (d->n < 8 * d->edge) d->n *= 2;
    d->hop = d->n - 2 * d->edge;
    size_t nc = d->n / 2 + 1;
    d->in = fftw_malloc(d->n * sizeof *d->in);
    d->out = fftw_malloc(d->n * sizeof *d->out);
    d->raw = malloc(d->n * sizeof *d->raw);
    d->aux = malloc(d->n * sizeof *d->aux);
    d->spec = fftw_malloc(nc * sizeof *d->spec);
    d->mult = fftw_malloc(nc * sizeof *d->mult);
    if (!d->in || !d->out || !d->raw || !d->aux || !d->spec || !d->mult) {
        eda_deconv_destroy(d);
        return NULL;
    }
    d->fwd = psy_fft_plan_r2c(d->n, d->in, d->spec);
    d->inv = psy_fft_plan_c2r(d->n, d->spec, d->out);
    if (!d->fwd || !d->inv) {
        eda_deconv_destroy(d);
        return NULL;
    }
    /* multiplier = Gaussian / H(e^jw), H the unit-gain Bateman response, 1/N for the inverse */
    double p1, p2;
    poles(c, rate, &p1, &p2);
    double gain = (p2 - p1) / ((1 - p1) * (1 - p2));
    for (size_t k = 0; k < nc; k++) {
        double w = 2 * M_PI * (double)k / (double)d->n;
        double complex z1 = cexp(-I * w);
        double complex h = (p2 - p1) * z1 / ((1 - p1 * z1) * (1 - p2 * z1)) / gain;
        double g = exp(-0.5 * sigma * sigma * w * w);
        double complex m = g / h / (double)d->n;
        d->mult[k] = m; /* fftw_complex is the C99 complex type when <complex.h> comes first */
    }
    return d;
}

void eda_deconv_destroy(eda_deconv *d)
{
    if (!d) return;
    psy_fft_destroy(d->fwd);
    psy_fft_destroy(d->inv);
    fftw_free(d->in);
    fftw_free(d->out);
    fftw_free(d->spec);
    fftw_free(d->mult);
    free(d->raw);
    free(d->aux);
    free(d);
}

size_t eda_deconv_hop(const eda_deconv *d)
{
    return d->hop;
}

size_t eda_deconv_held_max(const eda_deconv *d)
{
    return d->n;
}

/* Transforms the full buffer and releases positions [edge, edge + count). */
static size_t run_block(eda_deconv *d, size_t count, double *x_out, double *aux_out,
                        double *driver_out)
{
    fftw_execute(d->fwd);
    for (size_t k = 0; k < d->n / 2 + 1; k++) {
        d->spec[k] *= d->mult[k];
    }
    fftw_execute(d->inv);
    memcpy(x_out, d->raw + d->edge, count * sizeof *x_out);
    memcpy(aux_out, d->aux + d->edge, count * sizeof *aux_out);
    memcpy(driver_out, d->out + d->edge, count * sizeof *driver_out);
    /* keep the last 2 edge samples as the next block's lead-in */
    memmove(d->in, d->in + d->hop, 2 * d->edge * sizeof *d->in);
    memmove(d->raw, d->raw + d->hop, 2 * d->edge * sizeof *d->raw);
    memmove(d->aux, d->aux + d->hop, 2 * d->edge * sizeof *d->aux);
    d->fill = 2 * d->edge;
    return count;
}

size_t eda_deconv_push(eda_deconv *d, double x, double aux, double *x_out, double *aux_out,
                       double *driver_out)
{
    if (!isnan(x)) d->hold = x;
    if (!d->started) {
        /* lead-in before the first sample: its value held backwards */
        if (isnan(x)) d->hold = 0;
        for (size_t i = 0; i < d->edge; i++) {
            d->in[i] = d->hold;
            d->raw[i] = d->aux[i] = NAN;
        }
        d->fill = d->edge;
        d->started = 1;
    }
    d->in[d->fill] = d->hold;
    d->raw[d->fill] = x;
    d->aux[d->fill] = aux;
    d->fill++;
    if (d->fill < d->n) return 0;
    return run_block(d, d->hop, x_out, aux_out, driver_out);
}

size_t eda_deconv_flush(eda_deconv *d, double *x_out, double *aux_out, double *driver_out)
{
    if (!d->started || d->fill <= d->edge) return 0;
    size_t end = d->fill, count = end - d->edge;
    if (count > d->hop) count = d->hop;
    for (size_t i = end; i < d->n; i++) {
        d->in[i] = d->hold;
        d->raw[i] = d->aux[i] = NAN;
    }
    size_t m = run_block(d, count, x_out, aux_out, driver_out);
    if (end - d->edge > d->hop) d->fill = end - d->hop; /* more to release: call again */
    else d->started = 0;
    return m;
}
