/* Interpersonal synchrony of two signals on one grid (psyphys/sync.h): windowed lagged
 * cross-correlation (Boker et al. 2002), the Marci et al. 2007 concordance index, and their
 * significance against shifted-run surrogates (Moulder et al. 2018). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/sync.h"
#include "reader_impl.h" /* psy_fail */
#include "surrogate.h"
#include "xcorr.h"
#include "psy_core.h" /* psy_reserved_clear */

psy_sync_config psy_sync_config_default(void)
{
    psy_sync_config c = {0};
    c.grid_hz = 4;
    c.window_s = 30;
    c.step_s = 5;
    c.max_lag_s = 5;
    c.n_surrogates = 1000;
    c.seed = 1;
    c.concordance = 0;
    return c;
}

psy_status psy_sync_config_check(const psy_sync_config *c, psy_message *why)
{
    if (!c) return psy_fail(why, PSY_E_INVALID, "no settings");
    if (!psy_reserved_clear(c->reserved)) return psy_fail(why, PSY_E_INVALID, "%s", PSY_RESERVED_REASON);
    if (!(c->grid_hz >= 0.5 && c->grid_hz <= 100))
        return psy_fail(why, PSY_E_INVALID, "grid rate %g Hz outside 0.5-100 Hz", c->grid_hz);
    if (!(c->window_s * c->grid_hz >= 4) || !(c->window_s <= 86400))
        return psy_fail(why, PSY_E_INVALID, "window %g s: needs at least 4 grid samples and at most a day",
                        c->window_s);
    if (!(c->step_s > 0) || !(c->step_s <= 86400) || !(c->step_s * c->grid_hz >= 0.5))
        return psy_fail(why, PSY_E_INVALID, "window step %g s: needs at least one grid sample", c->step_s);
    if (!(c->max_lag_s >= 0) || !(c->max_lag_s <= c->window_s / 2))
        return psy_fail(why, PSY_E_INVALID, "maximum lag %g s outside 0 .. half the window (%g s)",
                        c->max_lag_s, c->window_s / 2);
    if (c->n_surrogates > 100000)
        return psy_fail(why, PSY_E_INVALID, "%zu surrogates: at most 100000", c->n_surrogates);
    if (c->n_surrogates > 0 && c->n_surrogates < PSY_SYNC_MIN_SHIFTS)
        return psy_fail(why, PSY_E_INVALID, "%zu surrogates: fewer than %d can never give p <= 0.05 (0: no p "
                        "values)", c->n_surrogates, PSY_SYNC_MIN_SHIFTS);
    if (c->concordance && !(c->grid_hz >= 1))
        return psy_fail(why, PSY_E_INVALID, "the concordance index needs a grid of at least 1 Hz");
    return PSY_OK;
}

/* Fisher z of a peak r (clamped: a perfect window is not infinitely strong evidence). */
static double fisher_z(double r)
{
    if (r > 0.999999) r = 0.999999;
    if (r < -0.999999) r = -0.999999;
    return atanh(r);
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* [k0, k1): the windows (onsets ascending, every step) wholly inside a span. */
static void span_windows(const psy_sync_span *s, double first_s, double step_s, double len_s, size_t n,
                         size_t *k0, size_t *k1)
{
    const double eps = 1e-9;
    double lo = ceil((s->onset_s - first_s) / step_s - eps);
    double hi = floor((s->onset_s + s->duration_s - len_s - first_s) / step_s + eps);
    if (lo < 0) lo = 0;
    *k0 = *k1 = 0;
    if (!(hi >= lo) || lo >= (double)n) return;
    *k0 = (size_t)lo;
    *k1 = hi + 1 > (double)n ? n : (size_t)hi + 1;
}

typedef struct span_acc {
    size_t k0, k1;       /* xcorr windows */
    size_t c0, c1;       /* concordance windows */
    double obs, obs_conc;
    size_t ge, n_shift, ge_conc, n_shift_conc;
} span_acc;

/* ---- the concordance index (Marci et al. 2007) ------------------------------------------------ */

/* Least-squares slope of 5 values 1 s apart (NaN when one is missing). */
static double slope5(const double *v)
{
    double s = 0;
    for (int k = 0; k < 5; k++) {
        if (!isfinite(v[k])) return NAN;
        s += (k - 2) * v[k];
    }
    return s / 10.0; /* sum (k - 2)^2 = 10 */
}

static double pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0;
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(x[k]) || !isfinite(y[k])) return NAN;
        mx += x[k];
        my += y[k];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t k = 0; k < n; k++) {
        sxy += (x[k] - mx) * (y[k] - my);
        sxx += (x[k] - mx) * (x[k] - mx);
        syy += (y[k] - my) * (y[k] - my);
    }
    if (!(sxx > 1e-24) || !(syy > 1e-24)) return NAN;
    return sxy / sqrt(sxx * syy);
}

/* ln(sum r+ / |sum r-|) over r[c0..c1) (NaN skipped); NaN (why) when undefined. */
static double concordance_index(const double *r, size_t c0, size_t c1, size_t *used, const char **why)
{
    double pos = 0, neg = 0;
    size_t n = 0;
    for (size_t k = c0; k < c1; k++) {
        if (!isfinite(r[k])) continue;
        n++;
        if (r[k] > 0) pos += r[k];
        else neg -= r[k];
    }
    if (used) *used = n;
    if (n == 0) {
        if (why) *why = "no 15-s slope-correlation window with skin conductance in both";
        return NAN;
    }
    if (neg == 0 && pos == 0) {
        if (why) *why = "every slope correlation is 0";
        return NAN;
    }
    if (why) *why = NULL;
    return log(pos / neg); /* +-inf when one side is empty: the index's limits */
}

/* Slopes of the 1-s means of a grid signal: slope[t] over seconds t .. t + 4 (NaN when a second
 * misses a sample). Returns the number of slopes (0 when fewer than 5 s). */
static size_t second_slopes(const double *x, size_t n, double grid_hz, double *sec, double *slope)
{
    size_t n_sec = (size_t)floor((double)n / grid_hz + 1e-9);
    for (size_t t = 0; t < n_sec; t++) {
        size_t k0 = (size_t)ceil((double)t * grid_hz - 1e-9), k1 = (size_t)ceil((double)(t + 1) * grid_hz - 1e-9);
        if (k1 > n) k1 = n;
        double s = 0;
        for (size_t k = k0; k < k1; k++) s += x[k];
        sec[t] = k1 > k0 ? s / (double)(k1 - k0) : NAN;
    }
    if (n_sec < 5) return 0;
    for (size_t t = 0; t + 5 <= n_sec; t++) slope[t] = slope5(sec + t);
    return n_sec - 4;
}

static psy_status concordance(const double *a, const double *b, size_t n, const psy_sync_config *c,
                              const psy_sync_span *spans, size_t n_spans, span_acc *acc,
                              psy_sync_summary *sum)
{
    enum { cw = 15, sw = 5 }; /* PSY_SYNC_CONCORDANCE_WINDOW_S, PSY_SYNC_SLOPE_WINDOW_S */
    size_t n_sec = (size_t)floor((double)n / c->grid_hz + 1e-9) + 1;
    double *buf = malloc(5 * n_sec * sizeof *buf);
    size_t *shift = malloc((c->n_surrogates ? c->n_surrogates : 1) * sizeof *shift);
    if (!buf || !shift) {
        free(buf);
        free(shift);
        return PSY_E_NOMEM;
    }
    double *sec = buf, *sa = buf + n_sec, *sb = sa + n_sec, *r = sb + n_sec, *rs = r + n_sec;
    size_t ns = second_slopes(a, n, c->grid_hz, sec, sa);
    second_slopes(b, n, c->grid_hz, sec, sb);
    size_t nr = ns >= cw ? ns - cw + 1 : 0; /* window t: slopes t .. t + 14, seconds t .. t + 18 */
    for (size_t t = 0; t < nr; t++) r[t] = pearson(sa + t, sb + t, cw);
    for (size_t s = 0; s < n_spans; s++) {
        psy_sync_span sp = spans[s];
        span_windows(&sp, 0, 1, (double)(cw + sw - 1), nr, &acc[s].c0, &acc[s].c1);
        acc[s].obs_conc = concordance_index(r, acc[s].c0, acc[s].c1, &sum[s].n_concordance,
                                            &sum[s].why_concordance);
        sum[s].concordance = isfinite(acc[s].obs_conc) ? acc[s].obs_conc : NAN;
        if (isinf(acc[s].obs_conc))
            sum[s].why_concordance = acc[s].obs_conc > 0 ? "no negative slope correlation: the index is unbounded"
                                                         : "no positive slope correlation: the index is unbounded";
    }
    /* surrogates: B's slope series as a ring shifted by d >= 19 + 1 s (no shared second) */
    surrogate_rng g;
    surrogate_rng_seed(&g, c->seed ^ 0x636f6e63u);
    size_t n_shift = 0;
    surrogate_shifts(&g, ns, cw + sw, c->n_surrogates, shift, &n_shift);
    for (size_t i = 0; i < n_shift; i++) {
        if (i == 0 || shift[i] != shift[i - 1])
            for (size_t t = 0; t < nr; t++) {
                double yb[cw];
                for (size_t k = 0; k < cw; k++) yb[k] = sb[(t + k + shift[i]) % ns];
                rs[t] = pearson(sa + t, yb, cw);
            }
        for (size_t s = 0; s < n_spans; s++) {
            if (!isfinite(acc[s].obs_conc)) continue;
            double v = concordance_index(rs, acc[s].c0, acc[s].c1, NULL, NULL);
            if (isnan(v)) continue;
            acc[s].n_shift_conc++;
            if (v >= acc[s].obs_conc) acc[s].ge_conc++;
        }
    }
    for (size_t s = 0; s < n_spans; s++) {
        sum[s].p_concordance = NAN;
        if (!isfinite(acc[s].obs_conc)) continue;
        if (acc[s].n_shift_conc < PSY_SYNC_MIN_SHIFTS) {
            sum[s].why_concordance = c->n_surrogates ? "session too short for surrogates (fewer than 19 shifts)"
                                                     : "no surrogates asked for";
            continue;
        }
        sum[s].p_concordance = (1.0 + (double)acc[s].ge_conc) / (1.0 + (double)acc[s].n_shift_conc);
    }
    free(buf);
    free(shift);
    return PSY_OK;
}

/* ---- windowed lagged cross-correlation -------------------------------------------------------- */

psy_status psy_sync_compute(const double *a, const double *b, size_t n, const psy_sync_span *spans,
                            size_t n_spans, const psy_sync_config *config, psy_sync_result **out,
                            psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "no output");
    *out = NULL;
    if ((n > 0 && (!a || !b)) || (n_spans > 0 && !spans))
        return psy_fail(why, PSY_E_INVALID, "no signal or no spans");
    psy_sync_config c = config ? *config : psy_sync_config_default();
    psy_status st = psy_sync_config_check(&c, why);
    if (st != PSY_OK) return st;
    for (size_t s = 0; s < n_spans; s++)
        if (!isfinite(spans[s].onset_s) || !(spans[s].duration_s >= 0))
            return psy_fail(why, PSY_E_INVALID, "span %zu: onset or duration not a number", s);

    size_t w = (size_t)llround(c.window_s * c.grid_hz), L = (size_t)llround(c.max_lag_s * c.grid_hz);
    size_t step = (size_t)llround(c.step_s * c.grid_hz); /* grid samples */
    if (step < 1) step = 1;
    if (L >= w) L = w - 1;
    c.window_s = (double)w / c.grid_hz; /* as applied: whole grid samples */
    c.step_s = (double)step / c.grid_hz;
    c.max_lag_s = (double)L / c.grid_hz;
    size_t n_win = n >= w ? (n - w) / step + 1 : 0;

    psy_sync_result *res = calloc(1, sizeof *res);
    span_acc *acc = calloc(n_spans ? n_spans : 1, sizeof *acc);
    double *z = malloc((n_win ? n_win : 1) * 3 * sizeof *z);
    size_t *shift = malloc((c.n_surrogates ? c.n_surrogates : 1) * sizeof *shift);
    if (res) {
        res->windows = calloc(n_win ? n_win : 1, sizeof *res->windows);
        res->spans = calloc(n_spans ? n_spans : 1, sizeof *res->spans);
    }
    xcorr *x = n_win ? xcorr_create(w, L, n_win) : NULL;
    if (!res || !acc || !z || !shift || !res->windows || !res->spans || (n_win && !x)) {
        psy_sync_result_free(res);
        free(acc);
        free(z);
        free(shift);
        xcorr_destroy(x);
        return psy_fail(why, PSY_E_NOMEM, "out of memory for %zu windows", n_win);
    }
    res->config = c;
    res->n_windows = n_win;
    res->n_lags = 2 * L + 1;
    if (c.keep_profiles && n_win) {
        res->profile = malloc(n_win * res->n_lags * sizeof *res->profile);
        if (!res->profile) {
            psy_sync_result_free(res);
            free(acc);
            free(z);
            free(shift);
            xcorr_destroy(x);
            return psy_fail(why, PSY_E_NOMEM, "out of memory for the lag profiles");
        }
        for (size_t k = 0; k < n_win * res->n_lags; k++) res->profile[k] = NAN;
    }
    res->n_spans = n_spans;
    double *zs = z + n_win, *lags = zs + n_win;

    /* observed: window k against B at the same time */
    for (size_t k = 0; k < n_win; k++) {
        size_t s0 = k * step;
        psy_sync_window *win = &res->windows[k];
        win->onset_s = (double)s0 / c.grid_hz;
        win->r = win->lag_s = NAN;
        z[k] = NAN;
        if (s0 < L || s0 + w + L > n || !xcorr_load(x, k, a + s0, b + s0 - L)) continue;
        int lag;
        xcorr_peak(x, k, k, &win->r, &lag, res->profile ? res->profile + k * res->n_lags : NULL);
        win->lag_s = lag / c.grid_hz;
        z[k] = fisher_z(win->r);
    }

    for (size_t s = 0; s < n_spans; s++) {
        psy_sync_summary *sum = &res->spans[s];
        span_windows(&spans[s], 0, c.step_s, c.window_s, n_win, &acc[s].k0, &acc[s].k1);
        double zsum = 0;
        size_t m = 0;
        for (size_t k = acc[s].k0; k < acc[s].k1; k++)
            if (isfinite(z[k])) {
                zsum += z[k];
                lags[m++] = res->windows[k].lag_s;
            }
        sum->n_windows = m;
        sum->r = sum->lag_s = sum->p_surrogate = sum->concordance = sum->p_concordance = NAN;
        acc[s].obs = m ? zsum / (double)m : NAN;
        if (m == 0) {
            sum->why_r = acc[s].k1 > acc[s].k0 ? "no window with both signals present and varying"
                                                : "shorter than one window";
            sum->why_p = sum->why_r;
            continue;
        }
        sum->r = tanh(acc[s].obs);
        qsort(lags, m, sizeof *lags, by_double);
        sum->lag_s = m % 2 ? lags[m / 2] : 0.5 * (lags[m / 2 - 1] + lags[m / 2]);
    }

    /* surrogates: A's windows against B's windows d windows later on the ring, no shared data */
    surrogate_rng g;
    surrogate_rng_seed(&g, c.seed);
    size_t min_shift = (size_t)ceil((c.window_s + 2 * c.max_lag_s) / c.step_s - 1e-9), n_shift = 0;
    surrogate_shifts(&g, n_win, min_shift, c.n_surrogates, shift, &n_shift);
    for (size_t i = 0; i < n_shift; i++) {
        if (i == 0 || shift[i] != shift[i - 1])
            for (size_t k = 0; k < n_win; k++) {
                size_t j = (k + shift[i]) % n_win;
                zs[k] = NAN;
                if (!isfinite(z[k]) || !isfinite(z[j])) continue;
                double r;
                int lag;
                xcorr_peak(x, k, j, &r, &lag, NULL);
                zs[k] = fisher_z(r);
            }
        for (size_t s = 0; s < n_spans; s++) {
            if (!isfinite(acc[s].obs)) continue;
            double zsum = 0;
            size_t m = 0;
            for (size_t k = acc[s].k0; k < acc[s].k1; k++)
                if (isfinite(zs[k])) {
                    zsum += zs[k];
                    m++;
                }
            if (m == 0) continue;
            acc[s].n_shift++;
            if (zsum / (double)m >= acc[s].obs) acc[s].ge++;
        }
    }
    for (size_t s = 0; s < n_spans; s++) {
        psy_sync_summary *sum = &res->spans[s];
        if (!isfinite(acc[s].obs)) continue;
        sum->n_surrogates = acc[s].n_shift;
        if (c.n_surrogates == 0) sum->why_p = "no surrogates asked for";
        else if (acc[s].n_shift < PSY_SYNC_MIN_SHIFTS)
            sum->why_p = "session too short for surrogates (fewer than 19 shifts of a run of windows)";
        else sum->p_surrogate = (1.0 + (double)acc[s].ge) / (1.0 + (double)acc[s].n_shift);
    }
    xcorr_destroy(x);
    free(z);
    free(shift);

    if (c.concordance) {
        for (size_t s = 0; s < n_spans; s++) res->spans[s].why_concordance = NULL;
        if (concordance(a, b, n, &c, spans, n_spans, acc, res->spans) != PSY_OK) {
            free(acc);
            psy_sync_result_free(res);
            return psy_fail(why, PSY_E_NOMEM, "out of memory for the concordance index");
        }
    } else {
        for (size_t s = 0; s < n_spans; s++) res->spans[s].why_concordance = "not asked for";
    }
    free(acc);
    *out = res;
    return PSY_OK;
}

void psy_sync_result_free(psy_sync_result *r)
{
    if (!r) return;
    free(r->windows);
    free(r->profile);
    free(r->spans);
    free(r);
}
