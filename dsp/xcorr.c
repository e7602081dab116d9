/* Windowed lagged cross-correlation (Boker, Xu, Rotondo & King 2002, Psychol Methods 7:338-355):
 * Pearson r of A's window against B's window at every lag, the cross products of all lags at
 * once by FFT (circular correlation of zero-padded windows; no wrap when the transform holds
 * w + 2L samples), each lag's own B mean and variance from running sums. */
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fft_plan.h" /* plans under the library's planner lock */
#include "xcorr.h"

struct xcorr {
    size_t w, L, nfft, nc, slots;
    fftw_complex *fa, *fb;  /* per slot: conj(FFT of centred A), FFT of centred B (nc each) */
    double *ssa;            /* per slot: sum of squares of centred A */
    double *ssb;            /* per slot: 2L + 1 sums of squares of B's lagged windows */
    double *in;             /* forward input (nfft) */
    fftw_complex *spec;     /* forward output / inverse input (nc) */
    double *cc;             /* inverse output: the cross products (nfft) */
    fftw_plan fwd, inv;
};

/* Smallest 2^a 3^b 5^c >= n: sizes FFTW transforms fast. */
static size_t fft_size(size_t n)
{
    for (size_t m = n;; m++) {
        size_t k = m;
        while (k % 2 == 0) k /= 2;
        while (k % 3 == 0) k /= 3;
        while (k % 5 == 0) k /= 5;
        if (k == 1) return m;
    }
}

xcorr *xcorr_create(size_t w, size_t L, size_t n_windows)
{
    if (w < 2 || L >= w || n_windows < 1 || w > ((size_t)1 << 24)) return NULL;
    xcorr *x = calloc(1, sizeof *x);
    if (!x) return NULL;
    x->w = w;
    x->L = L;
    x->nfft = fft_size(w + 2 * L);
    x->nc = x->nfft / 2 + 1;
    x->slots = n_windows;
    size_t lags = 2 * L + 1;
    if (n_windows > ((size_t)1 << 40) / (x->nc * sizeof(fftw_complex) + lags * sizeof(double))) {
        free(x);
        return NULL;
    }
    x->fa = fftw_malloc(n_windows * x->nc * sizeof *x->fa);
    x->fb = fftw_malloc(n_windows * x->nc * sizeof *x->fb);
    x->ssa = malloc(n_windows * sizeof *x->ssa);
    x->ssb = malloc(n_windows * lags * sizeof *x->ssb);
    x->in = fftw_malloc(x->nfft * sizeof *x->in);
    x->cc = fftw_malloc(x->nfft * sizeof *x->cc);
    x->spec = fftw_malloc(x->nc * sizeof *x->spec);
    if (!x->fa || !x->fb || !x->ssa || !x->ssb || !x->in || !x->cc || !x->spec) {
        xcorr_destroy(x);
        return NULL;
    }
    /* Plans made here, once, and only executed later (FFTW_ESTIMATE does not touch the arrays). */
    x->fwd = psy_fft_plan_r2c(x->nfft, x->in, x->spec);
    x->inv = psy_fft_plan_c2r(x->nfft, x->spec, x->cc);
    if (!x->fwd || !x->inv) {
        xcorr_destroy(x);
        return NULL;
    }
    return x;
}

void xcorr_destroy(xcorr *x)
{
    if (!x) return;
    psy_fft_destroy(x->fwd);
    psy_fft_destroy(x->inv);
    fftw_free(x->fa);
    fftw_free(x->fb);
    free(x->ssa);
    free(x->ssb);
    fftw_free(x->in);
    fftw_free(x->cc);
    fftw_free(x->spec);
    free(x);
}

/* Copies v[0..n) centred on its mean into x->in (zero-padded), the sum of squares of the centred
 * values in *ss and of the raw ones in *raw; 0 when a value is not finite. */
static int load_centred(xcorr *x, const double *v, size_t n, double *ss, double *raw)
{
    double mean = 0;
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(v[k])) return 0;
        mean += v[k];
    }
    mean /= (double)n;
    double s = 0, r = 0;
    for (size_t k = 0; k < n; k++) {
        x->in[k] = v[k] - mean;
        s += x->in[k] * x->in[k];
        r += v[k] * v[k];
    }
    for (size_t k = n; k < x->nfft; k++) x->in[k] = 0;
    *ss = s;
    *raw = r;
    return 1;
}

/* A sum of squares about the mean that is rounding, not variation. */
static int flat(double ss, double raw)
{
    return !(ss > 1e-12 * raw) || !(ss > 0);
}

int xcorr_load(xcorr *x, size_t k, const double *a, const double *b_ext)
{
    if (k >= x->slots) return 0;
    size_t w = x->w, m = w + 2 * x->L, lags = 2 * x->L + 1;
    double ss, raw;
    if (!load_centred(x, a, w, &ss, &raw) || flat(ss, raw)) return 0;
    x->ssa[k] = ss;
    fftw_execute(x->fwd);
    fftw_complex *fa = x->fa + k * x->nc;
    for (size_t i = 0; i < x->nc; i++) {
        fa[i][0] = x->spec[i][0];
        fa[i][1] = -x->spec[i][1];
    }
    if (!load_centred(x, b_ext, m, &ss, &raw)) return 0;
    /* each lag's window of centred B: sum and sum of squares, sliding */
    double s1 = 0, s2 = 0, *ssb = x->ssb + k * lags;
    for (size_t i = 0; i < w; i++) {
        s1 += x->in[i];
        s2 += x->in[i] * x->in[i];
    }
    for (size_t lag = 0; lag < lags; lag++) {
        if (lag > 0) {
            double out = x->in[lag - 1], inn = x->in[lag + w - 1];
            s1 += inn - out;
            s2 += inn * inn - out * out;
        }
        double v = s2 - s1 * s1 / (double)w;
        if (flat(v, raw * (double)w / (double)m)) return 0;
        ssb[lag] = v;
    }
    fftw_execute(x->fwd);
    memcpy(x->fb + k * x->nc, x->spec, x->nc * sizeof *x->spec);
    return 1;
}

void xcorr_peak(xcorr *x, size_t i, size_t j, double *r, int *lag, double *profile)
{
    fftw_complex *fa = x->fa + i * x->nc, *fb = x->fb + j * x->nc;
    for (size_t k = 0; k < x->nc; k++) {
        x->spec[k][0] = fa[k][0] * fb[k][0] - fa[k][1] * fb[k][1];
        x->spec[k][1] = fa[k][0] * fb[k][1] + fa[k][1] * fb[k][0];
    }
    fftw_execute(x->inv); /* cc[m] = nfft x sum_k A[k] B[k + m] */
    size_t lags = 2 * x->L + 1;
    const double *ssb = x->ssb + j * lags;
    double best = -INFINITY, scale = 1.0 / (double)x->nfft;
    int best_lag = 0;
    for (size_t m = 0; m < lags; m++) {
        double v = x->cc[m] * scale / sqrt(x->ssa[i] * ssb[m]);
        int l = (int)m - (int)x->L;
        if (profile) profile[m] = v;
        if (v > best || (v == best && abs(l) < abs(best_lag))) {
            best = v;
            best_lag = l;
        }
    }
    if (best > 1) best = 1; /* rounding */
    *r = best;
    *lag = best_lag;
}
