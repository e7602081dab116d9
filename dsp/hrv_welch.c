/* The FFT plans an analyser keeps, and the Welch periodogram (Welch 1967; scaling as
 * scipy.signal.welch with scaling='density': one-sided, divided by fs x sum(w²)). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fft_plan.h"
#include "hrv_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define DEFAULT_SIZES 8

static void fft_free(hrv_fft *f)
{
    psy_fft_destroy(f->plan);
    fftw_free(f->out);
    free(f->hann);
    memset(f, 0, sizeof *f);
}

int hrv_ffts_hold(hrv_ffts *c, size_t cap)
{
    if (cap <= c->cap) return 1;
    hrv_fft *e = realloc(c->e, cap * sizeof *e);
    if (!e) return 0;
    c->e = e;
    c->cap = cap;
    return 1;
}

/* Room for the window of a Welch transform. 1, or 0 (out of memory). */
static int hold_window(hrv_fft *f, int window)
{
    return !window || f->hann || (f->hann = malloc(f->n * sizeof *f->hann));
}

hrv_fft *hrv_ffts_get(hrv_ffts *c, size_t n, int window)
{
    c->clock++;
    for (size_t k = 0; k < c->n; k++)
        if (c->e[k].n == n) {
            c->e[k].used = c->clock;
            return hold_window(&c->e[k], window) ? &c->e[k] : NULL;
        }
    if (n < 1 || n > (size_t)1 << 30 || !hrv_ffts_hold(c, DEFAULT_SIZES)) return NULL;
    hrv_fft *f;
    if (c->n < c->cap) {
        f = &c->e[c->n++];
    } else { /* replace the least recently used size */
        f = &c->e[0];
        for (size_t k = 1; k < c->n; k++)
            if (c->e[k].used < f->used) f = &c->e[k];
        fft_free(f);
    }
    memset(f, 0, sizeof *f);
    /* in place: the real input shares the complex output's memory */
    f->out = fftw_malloc((n / 2 + 1) * sizeof *f->out);
    f->in = (double *)f->out;
    f->plan = f->out ? psy_fft_plan_r2c(n, f->in, f->out) : NULL;
    f->n = n;
    if (!f->plan || !hold_window(f, window)) { /* the slot stays, empty, and matches no size */
        fft_free(f);
        return NULL;
    }
    f->used = c->clock;
    return f;
}

void hrv_ffts_trim(hrv_ffts *c, size_t max_n)
{
    size_t kept = 0;
    for (size_t k = 0; k < c->n; k++) {
        if (c->e[k].n > max_n) fft_free(&c->e[k]);
        else c->e[kept++] = c->e[k];
    }
    c->n = kept;
}

void hrv_ffts_free(hrv_ffts *c)
{
    for (size_t k = 0; k < c->n; k++) fft_free(&c->e[k]);
    free(c->e);
    memset(c, 0, sizeof *c);
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

static double hann(size_t k, size_t seg) /* periodic */
{
    return 0.5 - 0.5 * cos(2 * M_PI * (double)k / (double)seg);
}

void hrv_welch_begin(hrv_welch_acc *w, size_t seg, double overlap, size_t nfft, int seg_detrend, hrv_fft *fft,
                     double *psd, double *buf)
{
    size_t noverlap = (size_t)floor((double)seg * overlap);
    if (noverlap >= seg) noverlap = seg - 1;
    *w = (hrv_welch_acc){seg, seg - noverlap, nfft, 0, 0, seg_detrend, fft, psd, buf};
    for (size_t i = 0; i < nfft / 2 + 1; i++) psd[i] = 0;
    if (!fft || fft->hann_len == seg) return;
    /* the window once per segment length, not a cosine per sample and segment */
    for (size_t k = 0; k < seg; k++) fft->hann[k] = hann(k, seg);
    fft->hann_len = seg;
}

/* Adds the periodogram of the segment in buf. */
static void add_segment(hrv_welch_acc *w)
{
    hrv_fft *fft = w->fft;
    size_t seg = w->seg, np = w->nfft / 2 + 1;
    for (size_t k = 0; k < seg; k++) fft->in[k] = w->buf[k];
    if (w->seg_detrend) detrend_segment(fft->in, seg, w->seg_detrend);
    for (size_t k = 0; k < seg; k++) fft->in[k] *= fft->hann[k];
    for (size_t k = seg; k < w->nfft; k++) fft->in[k] = 0;
    fftw_execute(fft->plan);
    for (size_t i = 0; i < np; i++)
        w->psd[i] += fft->out[i][0] * fft->out[i][0] + fft->out[i][1] * fft->out[i][1];
    w->n_seg++;
}

void hrv_welch_push(hrv_welch_acc *w, const double *x, size_t n)
{
    while (n > 0) {
        size_t k = w->seg - w->filled < n ? w->seg - w->filled : n;
        memcpy(w->buf + w->filled, x, k * sizeof *x);
        w->filled += k, x += k, n -= k;
        if (w->filled < w->seg) break;
        add_segment(w);
        /* the next segment starts step samples later: keep the overlap */
        memmove(w->buf, w->buf + w->step, (w->seg - w->step) * sizeof *w->buf);
        w->filled = w->seg - w->step;
    }
}

size_t hrv_welch_end(hrv_welch_acc *w, double fs)
{
    if (!w->fft || w->fft->n != w->nfft || !w->n_seg) return 0;
    size_t np = w->nfft / 2 + 1;
    double wss = 0;
    for (size_t k = 0; k < w->seg; k++) wss += w->fft->hann[k] * w->fft->hann[k];
    double scale = 1.0 / (fs * wss * (double)w->n_seg);
    for (size_t i = 0; i < np; i++) {
        w->psd[i] *= scale;
        if (i > 0 && !(w->nfft % 2 == 0 && i == np - 1)) w->psd[i] *= 2; /* one-sided */
    }
    return np;
}
