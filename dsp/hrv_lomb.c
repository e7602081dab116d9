/* Lomb-Scargle periodogram, fast algorithm (Press & Rybicki 1989, ApJ 338:277): the sums
 * sum x cos(w t), sum x sin(w t), sum cos(2 w t), sum sin(2 w t) at every frequency of the grid come
 * from two real FFTs of the data spread onto a regular grid (4-point Lagrange "extirpolation"),
 * with at least 4 grid points per period at the highest frequency (2 max_hz). */
#include <math.h>

#include "hrv_internal.h"

#define LOMB_MACC 4

/* Adds y at real position u (0 <= u < m) to grid g of m points, periodic. */
static void extirpolate(double *g, size_t m, double u, double y)
{
    double fl = floor(u);
    if (u == fl) {
        g[(size_t)fl % m] += y;
        return;
    }
    long lo = (long)fl - LOMB_MACC / 2 + 1;
    for (int i = 0; i < LOMB_MACC; i++) {
        double w = 1;
        for (int k = 0; k < LOMB_MACC; k++)
            if (k != i) w *= (u - (double)(lo + k)) / (double)(i - k);
        long idx = (lo + i) % (long)m;
        if (idx < 0) idx += (long)m;
        g[idx] += y * w;
    }
}

/* The grid size for n: the next power of two up to 65536 (windows of similar length then share
 * one FFTW plan), beyond that the smallest size >= n whose only prime factors are 2, 3 and 5
 * (up to 40 % smaller than a power of two, which keeps a 24 h grid under the memory target). */
static size_t fft_size(size_t n)
{
    size_t best = 64;
    while (best < n) best *= 2;
    if (best <= 65536) return best;
    for (size_t p5 = 1; p5 < best; p5 *= 5)
        for (size_t p3 = p5; p3 < best; p3 *= 3) {
            size_t v = p3;
            while (v < n) v *= 2;
            if (v < best) best = v;
        }
    return best;
}

size_t hrv_lomb_grid_count(double span_s, double ofac, double max_hz)
{
    return span_s > 0 ? (size_t)floor(max_hz / (1.0 / (ofac * span_s)) + 1e-9) : 0;
}

size_t hrv_lomb_fft_size(size_t nf)
{
    return fft_size(8 * nf); /* 2 nf <= m / 4 */
}

psy_status hrv_lomb(const double *t, const double *x, size_t n, double gap_s, double ofac, double max_hz,
                    hrv_ffts *ffts, psy_arena *a, hrv_buf *psd, size_t *np, double *df_out)
{
    *np = 0;
    if (n < 3) return PSY_E_TOO_SHORT;
    double t0 = t[0], span = t[n - 1] - t[0];
    if (!(span > 0)) return PSY_E_TOO_SHORT;
    double df = 1.0 / (ofac * span);
    size_t nf = hrv_lomb_grid_count(span, ofac, max_hz);
    if (nf < 1) return PSY_E_TOO_SHORT;
    size_t m = hrv_lomb_fft_size(nf);
    hrv_fft *fft = hrv_ffts_get(ffts, m, 0);
    double *out = hrv_buf_size(psd, nf + 1);
    size_t mark = psy_arena_mark(a);
    double *cs = psy_arena_array(a, 2 * (nf + 1), sizeof *cs);
    if (!fft || !out || !cs) return PSY_E_NOMEM;
    out[0] = 0;
    /* u = (t - t0) df m: grid index k of the transform is frequency k df. */
    double scale = df * (double)m;
    for (size_t i = 0; i < m; i++) fft->in[i] = 0;
    for (size_t j = 0; j < n; j++) extirpolate(fft->in, m, fmod((t[j] - t0) * scale, (double)m), x[j]);
    fftw_execute(fft->plan);
    for (size_t k = 1; k <= nf; k++) {
        cs[2 * k] = fft->out[k][0];
        cs[2 * k + 1] = -fft->out[k][1];
    }
    for (size_t i = 0; i < m; i++) fft->in[i] = 0;
    for (size_t j = 0; j < n; j++)
        extirpolate(fft->in, m, fmod(2 * (t[j] - t0) * scale, (double)m), 1.0);
    fftw_execute(fft->plan);
    /* the samples' mean spacing is the time they cover over n: the span less its gaps */
    double nd = (double)n, covered = span - gap_s;
    for (size_t k = 1; k <= nf; k++) {
        double c = cs[2 * k], s = cs[2 * k + 1];
        double c2 = fft->out[2 * k][0], s2 = -fft->out[2 * k][1];
        double hypo = sqrt(c2 * c2 + s2 * s2);
        double hc2 = hypo > 0 ? 0.5 * c2 / hypo : 0.5, hs2 = hypo > 0 ? 0.5 * s2 / hypo : 0;
        double cw = sqrt(0.5 + hc2), sw = sqrt(fmax(0.5 - hc2, 0));
        if (hs2 < 0) sw = -sw;
        double den = 0.5 * nd + hc2 * c2 + hs2 * s2; /* sum cos²(w (t - tau)) */
        double ct = cw * c + sw * s, st = cw * s - sw * c;
        double p = 0.5 * ((den > 0 ? ct * ct / den : 0) + (nd - den > 0 ? st * st / (nd - den) : 0));
        out[k] = 2 * p * covered / nd; /* ms²/Hz: the integral over f is the variance */
    }
    psy_arena_release(a, mark);
    *np = nf + 1;
    *df_out = df;
    return PSY_OK;
}
