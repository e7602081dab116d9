/* FFTW plan holder and the Welch periodogram (Welch 1967; scaling as scipy.signal.welch with
 * scaling='density': one-sided, divided by fs x sum(w²)). */
#include <math.h>
#include <string.h>

#include "hrv_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

int hrv_fft_prepare(hrv_fft *f, size_t n)
{
    if (f->n == n) return 1;
    hrv_fft_free(f);
    if (n > (size_t)1 << 30) return 0;
    /* in place: the real input shares the complex output's memory */
    f->out = fftw_malloc((n / 2 + 1) * sizeof *f->out);
    f->in = (double *)f->out;
    if (!f->out) {
        hrv_fft_free(f);
        return 0;
    }
    f->plan = fftw_plan_dft_r2c_1d((int)n, f->in, f->out, FFTW_ESTIMATE);
    if (!f->plan) {
        hrv_fft_free(f);
        return 0;
    }
    f->n = n;
    return 1;
}

void hrv_fft_free(hrv_fft *f)
{
    if (f->plan) fftw_destroy_plan(f->plan);
    fftw_free(f->out);
    f->plan = NULL;
    f->in = NULL;
    f->out = NULL;
    f->n = 0;
}

/* Removes the mean (kind 1) or the least-squares line (kind 2) from v[0..n). */
static void detrend_segment(double *v, size_t n, int kind)
{
    double mx = (double)(n - 1) / 2, my = 0, sxy = 0, sxx = 0;
    for (size_t k = 0; k < n; k++) my += v[k];
    my /= (double)n;
    if (kind == 2)
        for (size_t k = 0; k < n; k++) {
            sxy += ((double)k - mx) * (v[k] - my);
            sxx += ((double)k - mx) * ((double)k - mx);
        }
    double slope = sxx > 0 ? sxy / sxx : 0;
    for (size_t k = 0; k < n; k++) v[k] -= my + slope * ((double)k - mx);
}

size_t hrv_welch(const double *x, size_t n, double fs, size_t seg, double overlap, size_t nfft,
                 int seg_detrend, hrv_fft *fft, double *psd)
{
    if (!hrv_fft_prepare(fft, nfft)) return 0;
    size_t noverlap = (size_t)floor((double)seg * overlap);
    if (noverlap >= seg) noverlap = seg - 1;
    size_t step = seg - noverlap, n_seg = (n - seg) / step + 1, np = nfft / 2 + 1;
    double wss = 0;
    for (size_t k = 0; k < seg; k++) {
        double w = 0.5 - 0.5 * cos(2 * M_PI * (double)k / (double)seg); /* periodic Hann */
        wss += w * w;
    }
    for (size_t i = 0; i < np; i++) psd[i] = 0;
    for (size_t s = 0; s < n_seg; s++) {
        const double *xs = x + s * step;
        for (size_t k = 0; k < seg; k++) fft->in[k] = xs[k];
        if (seg_detrend) detrend_segment(fft->in, seg, seg_detrend);
        for (size_t k = 0; k < seg; k++) fft->in[k] *= 0.5 - 0.5 * cos(2 * M_PI * (double)k / (double)seg);
        for (size_t k = seg; k < nfft; k++) fft->in[k] = 0;
        fftw_execute(fft->plan);
        for (size_t i = 0; i < np; i++)
            psd[i] += fft->out[i][0] * fft->out[i][0] + fft->out[i][1] * fft->out[i][1];
    }
    double scale = 1.0 / (fs * wss * (double)n_seg);
    for (size_t i = 0; i < np; i++) {
        psd[i] *= scale;
        if (i > 0 && !(nfft % 2 == 0 && i == np - 1)) psd[i] *= 2; /* one-sided */
    }
    return np;
}
