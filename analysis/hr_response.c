/* Event-locked heart-rate responses (see include/psyphys/hr_response.h). */
#include <math.h>
#include <stdlib.h>

#include "psyphys/hr_response.h"
#include "lower_bound.h"
#include "pchip.h"
#include "psy_core.h" /* psy_reserved_clear */
#include "session_internal.h"  /* hr_response_left_out */

psy_hr_response_config psy_hr_response_config_default(void)
{
    psy_hr_response_config c = {1.0, 10.0, 10.0, PSY_HR_BASELINE_MEAN, 20.0, 0, {0}};
    return c;
}

/* What the knots of an epoch hold. */
typedef struct knot_counts {
    size_t in, corrected; /* beats in [lo, hi], of them corrected */
    size_t after_onset;   /* beats with a rate in (onset, hi] */
    size_t bridged;       /* beats without a rate (the first after a gap) between the first and the
                             last knot: the curve would bridge the gap */
} knot_counts;

/* The beats around [lo, hi] with a rate, one beyond each end so that the ends interpolate: knots
 * x (s) and y (bpm), malloc'd, and what they hold (*k). 0 when out of memory. */
static int epoch_knots(const double *t, const double *nn, const uint8_t *corrected, size_t n, double lo,
                       double onset, double hi, double **xo, double **yo, size_t *m_out, knot_counts *k)
{
    size_t first = psy_lower_bound(t, n, lo), last = psy_lower_bound(t, n, hi);
    hr_response_reach(n, &first, &last);
    size_t m = 0, cap = last > first ? last - first : 1;
    double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
    if (!x || !y) {
        free(x), free(y);
        return 0;
    }
    *k = (knot_counts){0, 0, 0, 0};
    for (size_t i = first; i < last; i++) {
        if (!(nn[i] > 0)) {
            k->bridged += m > 0; /* a gap before the first knot only shortens the coverage */
            continue;
        }
        x[m] = t[i], y[m++] = 60000.0 / nn[i];
        if (t[i] >= lo && t[i] <= hi) k->in++, k->corrected += corrected && corrected[i];
        k->after_onset += t[i] > onset && t[i] <= hi;
    }
    *xo = x, *yo = y, *m_out = m;
    return 1;
}

void hr_response_reach(size_t n, size_t *first, size_t *last)
{
    if (*first > 0) --*first;
    if (*last < n) ++*last;
    if (*last < *first) *last = *first;
}

static psy_hr_response invalid(const char *why)
{
    psy_hr_response r = {0};
    r.why = why;
    r.baseline_bpm = r.mean_bpm = r.min_bpm = r.max_bpm = r.min_time_s = r.max_time_s = NAN;
    r.corrected_share = NAN;
    return r;
}

psy_status psy_hr_response_at(const double *t, const double *nn, const uint8_t *corrected, size_t n,
                              double onset, const psy_hr_response_config *config,
                              psy_hr_response *out)
{
    return hr_response_left_out(t, nn, corrected, n, NULL, 0, onset, config, out);
}

psy_status hr_response_left_out(const double *t, const double *nn, const uint8_t *corrected, size_t n,
                                const double *left_out_t, size_t n_left_out, double onset,
                                const psy_hr_response_config *config, psy_hr_response *out)
{
    psy_hr_response_config c = config ? *config : psy_hr_response_config_default();
    if (!out || ((!t || !nn) && n) || !isfinite(onset) || !psy_reserved_clear(c.reserved) || !(c.pre_s >= 0) || !(c.post_s > 0) ||
        !(c.max_corrected_pct >= 0) ||
        !(c.grid_hz > 0) || c.grid_hz > 10000 || (c.pre_s + c.post_s) * c.grid_hz > 1e7)
        return PSY_E_INVALID;
    double lo = onset - c.pre_s, hi = onset + c.post_s;
    size_t m = 0;
    knot_counts kc;
    double *x = NULL, *y = NULL;
    if (!epoch_knots(t, nn, corrected, n, lo, onset, hi, &x, &y, &m, &kc)) return PSY_E_NOMEM;
    /* intervals the correction left out of the series, in the epoch: corrected ones of it */
    size_t left = left_out_t ? psy_lower_bound(left_out_t, n_left_out, nextafter(hi, INFINITY)) -
                                   psy_lower_bound(left_out_t, n_left_out, lo)
                             : 0;
    kc.in += left, kc.corrected += left;
    int64_t steps_pre = (int64_t)floor(c.pre_s * c.grid_hz + 1e-9);
    int64_t steps_post = (int64_t)floor(c.post_s * c.grid_hz + 1e-9);
    if (m < 2 || x[0] > lo || x[m - 1] < hi) {
        *out = invalid(m < 2 ? "fewer than two beats around the epoch"
                              : "the beats do not cover the whole epoch (start, end or a gap)");
    } else if (kc.bridged) {
        *out = invalid("a beat without an interval (after a gap) in the epoch: the rate would bridge the gap");
    } else if (kc.after_onset < PSY_HR_RESPONSE_MIN_BEATS_AFTER) {
        *out = invalid("fewer than 2 beats (one whole interval) in the response window");
    } else if (steps_post < 1) {
        *out = invalid("the response window is shorter than one grid step");
    } else if (100.0 * (double)kc.corrected > c.max_corrected_pct * (double)kc.in && !c.keep_corrected) {
        *out = invalid(PSY_HR_RESPONSE_OVER_CORRECTED_REASON);
        out->corrected_share = (double)kc.corrected / (double)kc.in;
    } else {
        *out = invalid("");
        out->valid = 1;
        double base_sum = 0;
        size_t base_n = 0;
        for (int64_t k = -steps_pre; k < 0; k++) base_sum += psy_pchip_at(x, y, m, onset + (double)k / c.grid_hz), base_n++;
        out->baseline_bpm = c.baseline == PSY_HR_BASELINE_ONSET || base_n == 0
                                ? psy_pchip_at(x, y, m, onset)
                                : base_sum / (double)base_n;
        double sum = 0;
        for (int64_t k = 1; k <= steps_post; k++) {
            double dt = (double)k / c.grid_hz, v = psy_pchip_at(x, y, m, onset + dt) - out->baseline_bpm;
            sum += v;
            /* the first time an extreme is reached (a plateau's rounding noise does not move it) */
            if (k == 1 || v < out->min_bpm - 1e-9) out->min_bpm = v, out->min_time_s = dt;
            if (k == 1 || v > out->max_bpm + 1e-9) out->max_bpm = v, out->max_time_s = dt;
        }
        out->mean_bpm = sum / (double)steps_post;
        out->corrected_share = kc.in ? (double)kc.corrected / (double)kc.in : 0;
        out->over_corrected = 100.0 * out->corrected_share > c.max_corrected_pct;
    }
    free(x);
    free(y);
    return PSY_OK;
}

psy_status psy_hr_response_curve(const double *t, const double *nn, size_t n, double onset,
                                 const psy_hr_response_config *config, double *out, size_t max,
                                 size_t *n_out)
{
    if (!n_out || (!out && max)) return PSY_E_INVALID;
    *n_out = 0;
    psy_hr_response_config c = config ? *config : psy_hr_response_config_default();
    psy_hr_response r;
    psy_status st = psy_hr_response_at(t, nn, NULL, n, onset, &c, &r);
    if (st != PSY_OK || !r.valid) return st;
    int64_t steps_pre = (int64_t)floor(c.pre_s * c.grid_hz + 1e-9);
    int64_t steps_post = (int64_t)floor(c.post_s * c.grid_hz + 1e-9);
    if ((uint64_t)(steps_pre + steps_post + 1) > max) return PSY_E_RANGE;
    size_t m = 0;
    knot_counts kc;
    double *x = NULL, *y = NULL;
    if (!epoch_knots(t, nn, NULL, n, onset - c.pre_s, onset, onset + c.post_s, &x, &y, &m, &kc))
        return PSY_E_NOMEM;
    for (int64_t k = -steps_pre; k <= steps_post; k++)
        out[(*n_out)++] = psy_pchip_at(x, y, m, onset + (double)k / c.grid_hz) - r.baseline_bpm;
    free(x);
    free(y);
    return PSY_OK;
}
