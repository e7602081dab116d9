/* RR preprocessing of the PhysioNet Cardiovascular Signal Toolbox (Vest et al. 2018, Physiol
 * Meas 39(10):105004; its RRIntervalPreprocess with outliers removed, the toolbox default):
 * gaps, then intervals changing by 20 % or more against both the median of the 5 intervals
 * before and of the 5 after them, then non-physiological intervals. See include/psyphys/rr.h. */
#include <math.h>

#include "psyphys/rr.h"
#include "small_median.h"
#include "psy_core.h" /* psy_reserved_clear */

#define PCST_NEIGHBOURS 5

psy_rr_pcst_config psy_rr_pcst_config_default(void)
{
    psy_rr_pcst_config c = {4000.0, 0.2, 375.0, 2000.0, {0}};
    return c;
}

/* An interval in seconds as PCST holds it: sample counts / Fs, the double nearest the exact
 * value. Intervals in ms computed from beat times carry rounding (816.0000000000001 for 102
 * samples at 125 Hz); at 1 ns resolution they become the double nearest k / Fs again. */
static double seconds(double ms)
{
    return round(ms * 1e6) / 1e9;
}

/* |x - m| / m >= change: x departs from the median m of its neighbours. PCST divides intervals
 * in seconds; intervals quantised to samples often change by exactly 20 % (85 -> 102 samples),
 * and then the rounding of the seconds decides, so the ratio is formed from the same seconds
 * (on nsr2db 004 the ratio formed from ms keeps one interval more in 10 of 231 windows). */
static int departs(double x, double m, double change)
{
    double xs = seconds(x), ms = seconds(m);
    return fabs(xs - ms) / ms >= change;
}

psy_status psy_rr_clean_pcst(const double *rr_ms, const double *t_s, size_t n,
                             const psy_rr_pcst_config *config, double *out_rr_ms, double *out_t_s,
                             size_t *out_n, psy_rr_pcst_counts *counts)
{
    psy_rr_pcst_config c = config ? *config : psy_rr_pcst_config_default();
    if (!out_n || (n && (!rr_ms || !t_s || !out_rr_ms || !out_t_s))) return PSY_E_INVALID;
    if (!psy_reserved_clear(c.reserved) || !(c.gap_ms > 0) || !(c.change > 0) || !(c.lower_ms > 0) || !(c.upper_ms > c.lower_ms))
        return PSY_E_INVALID;
    psy_rr_pcst_counts k = {0, 0, 0, 0, 0};
    /* steps 1-2: invalid intervals and gaps */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double v = rr_ms[i];
        if (!(v > 0) || !isfinite(v)) k.invalid++;
        else if (v >= c.gap_ms) k.gaps++;
        else out_rr_ms[m] = v, out_t_s[m] = t_s[i], m++;
    }
    /* step 3, compacting in place: the 5 original values before i are kept in a ring, since
     * the kept ones may already have been overwritten; those after i are not yet touched */
    double before[PCST_NEIGHBOURS];
    size_t w = 0;
    for (size_t i = 0; i < m; i++) {
        double v = out_rr_ms[i], ti = out_t_s[i];
        int drop = 0;
        if (i >= PCST_NEIGHBOURS && i + PCST_NEIGHBOURS < m)
            drop = departs(v, psy_small_median(before, PCST_NEIGHBOURS), c.change) &&
                   departs(v, psy_small_median(out_rr_ms + i + 1, PCST_NEIGHBOURS), c.change);
        before[i % PCST_NEIGHBOURS] = v;
        if (drop) k.changes++;
        else out_rr_ms[w] = v, out_t_s[w] = ti, w++;
    }
    /* step 4: non-physiological intervals */
    m = 0;
    for (size_t i = 0; i < w; i++) {
        double v = out_rr_ms[i];
        if (v < c.lower_ms) k.too_short++;
        else if (v > c.upper_ms) k.too_long++;
        else out_rr_ms[m] = v, out_t_s[m] = out_t_s[i], m++;
    }
    *out_n = m;
    if (counts) *counts = k;
    return PSY_OK;
}
