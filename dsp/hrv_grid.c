/* The NN series on the even grid of the spectra, made block by block so that a day-long series
 * (345,600 points at 4 Hz) never lies whole in memory: the spline is fitted once over the beats,
 * evaluated per block, detrended per block, and fed to the spectra in order.
 *
 * Smoothness priors (Tarvainen et al. 2002) is a global solve, (I + l² D2'D2) s = z; its Green's
 * function decays by a factor of about exp(-1 / sqrt(2 l)) a point (the roots of
 * 1 + l² (z - 2 + 1/z)² = 0), so a block solved with PAD_DECAYS decay lengths of the series on each
 * side gets the global solution to rounding (exp(-40) < 1e-17). A series that fits in one padded
 * block (up to ~79 min at 4 Hz with lambda 500) is solved whole, as before, bit for bit. The
 * linear detrend and the mean are global sums, taken in a pass of their own in the same order as
 * over the whole series. */
#include <math.h>
#include <string.h>

#include "hrv_internal.h"

#define BLOCK 16384     /* grid points a block yields */
#define PAD_DECAYS 40.0 /* decay lengths of the detrending solved beyond each side of a block */

typedef struct grid {
    const psy_hrv_config *c;
    hrv_spline sp;
    double t0, fs;
    size_t m, block, pad;
    double my, mx, slope; /* linear detrend */
    double *raw, *z, *work;
} grid;

/* Points of the series solved beyond each side of a block (smoothness priors). */
static size_t pad_points(const psy_hrv_config *c)
{
    return c->detrend == PSY_HRV_DETREND_SMOOTHNESS ? (size_t)ceil(PAD_DECAYS * sqrt(2 * c->lambda)) + 16 : 0;
}

/* The detrended series over [k0, k1) (k1 - k0 <= g->block), not yet zero-mean: g->z + (k0 - a)
 * where *a is returned; the spline's values at the same points are g->raw + (k0 - a). */
static size_t block_at(grid *g, size_t k0, size_t k1)
{
    size_t a = k0 > g->pad ? k0 - g->pad : 0, b = k1 + g->pad < g->m ? k1 + g->pad : g->m;
    if (g->block == g->m) a = 0, b = g->m; /* one block: the whole series */
    hrv_spline_eval(&g->sp, g->t0, g->fs, a, b, g->raw);
    memcpy(g->z, g->raw, (b - a) * sizeof *g->z);
    if (g->c->detrend == PSY_HRV_DETREND_SMOOTHNESS) {
        hrv_detrend_smoothness(g->z, b - a, g->c->lambda, g->work);
    } else if (g->c->detrend == PSY_HRV_DETREND_LINEAR) {
        for (size_t k = a; k < b; k++) g->z[k - a] -= g->my + g->slope * ((double)k - g->mx);
    }
    return a;
}

/* The least-squares line of the spline's values against the index (hrv_detrend_linear's sums). */
static void fit_line(grid *g)
{
    double my = 0, sxy = 0, sxx = 0;
    g->mx = (double)(g->m - 1) / 2;
    for (size_t k0 = 0; k0 < g->m; k0 += g->block) {
        size_t k1 = k0 + g->block < g->m ? k0 + g->block : g->m;
        hrv_spline_eval(&g->sp, g->t0, g->fs, k0, k1, g->raw);
        for (size_t k = k0; k < k1; k++) my += g->raw[k - k0];
    }
    my /= (double)g->m;
    for (size_t k0 = 0; k0 < g->m; k0 += g->block) {
        size_t k1 = k0 + g->block < g->m ? k0 + g->block : g->m;
        hrv_spline_eval(&g->sp, g->t0, g->fs, k0, k1, g->raw);
        for (size_t k = k0; k < k1; k++) {
            double dx = (double)k - g->mx;
            sxy += dx * (g->raw[k - k0] - my);
            sxx += dx * dx;
        }
    }
    g->my = my;
    g->slope = sxx > 0 ? sxy / sxx : 0;
}

psy_status hrv_grid_run(const hrv_series *s, const psy_hrv_config *c, size_t m, psy_arena *a, hrv_welch_acc *welch,
                        double *series, double *trend)
{
    grid g = {.c = c, .t0 = s->t[0], .fs = c->resample_hz, .m = m, .pad = pad_points(c)};
    g.block = m <= BLOCK + 2 * g.pad ? m : BLOCK;
    size_t span = g.block == m ? m : g.block + 2 * g.pad;
    double *coef = psy_arena_array(a, hrv_spline_fit_doubles(s->n, c->quadratic_spline), sizeof *coef);
    g.raw = psy_arena_array(a, span, sizeof *g.raw);
    g.z = psy_arena_array(a, span, sizeof *g.z);
    size_t mark = psy_arena_mark(a);
    double *work = psy_arena_array(a, hrv_spline_work_doubles(s->n, c->quadratic_spline), sizeof *work);
    if (!coef || !g.raw || !g.z || !work) return PSY_E_NOMEM;
    hrv_spline_fit(&g.sp, s->t, s->nn, s->n, c->quadratic_spline, coef, work);
    psy_arena_release(a, mark);
    g.work = c->detrend == PSY_HRV_DETREND_SMOOTHNESS ? psy_arena_array(a, 6 * span, sizeof *g.work) : NULL;
    if (c->detrend == PSY_HRV_DETREND_SMOOTHNESS && !g.work) return PSY_E_NOMEM;
    if (c->detrend == PSY_HRV_DETREND_LINEAR) fit_line(&g);
    double mean = 0;
    for (size_t k0 = 0; k0 < m; k0 += g.block) {
        size_t k1 = k0 + g.block < m ? k0 + g.block : m, at = block_at(&g, k0, k1);
        for (size_t k = k0; k < k1; k++) mean += g.z[k - at];
    }
    mean /= (double)m;
    /* The main pass. Beat i lies at grid position (t_i - t0) fs, between points k and k + 1: its
     * trend is interpolated between the trend there (spline minus the zero-mean series), the
     * last point of the block before kept in `last`. */
    size_t i = 0;
    double last = 0;
    for (size_t k0 = 0; k0 < m; k0 += g.block) {
        size_t k1 = k0 + g.block < m ? k0 + g.block : m, at = block_at(&g, k0, k1);
        double *z = g.z + (k0 - at), *raw = g.raw + (k0 - at);
        for (size_t k = 0; k < k1 - k0; k++) z[k] -= mean;
        if (welch) hrv_welch_push(welch, z, k1 - k0);
        if (series) memcpy(series + k0, z, (k1 - k0) * sizeof *z);
        for (; trend && i < s->n; i++) {
            double pos = (s->t[i] - s->t[0]) * g.fs;
            size_t k = (size_t)pos;
            if (k1 < m && k + 1 >= k1) break; /* its right point is in the next block */
            double f = pos - (double)k, tr;
            if (c->detrend == PSY_HRV_DETREND_NONE) {
                tr = 0;
            } else if (k + 1 < m) {
                double lo = k >= k0 ? raw[k - k0] - z[k - k0] : last, hi = raw[k + 1 - k0] - z[k + 1 - k0];
                tr = lo + f * (hi - lo);
            } else {
                tr = raw[m - 1 - k0] - z[m - 1 - k0];
            }
            trend[i] = tr;
        }
        last = raw[k1 - 1 - k0] - z[k1 - 1 - k0];
    }
    return PSY_OK;
}
