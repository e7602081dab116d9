/* SCR scoring: hysteresis troughs on the phasic signal, onset refinement, amplitude against the
 * extrapolated pre-onset baseline (see include/psyphys/eda.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eda_scr.h"

enum { SEEK = 0, FALLING, RISING };

typedef struct candidate {
    int64_t trough, peak;   /* on the phasic signal */
} candidate;

struct eda_scr {
    double rate, t0, min_amp, hyst;
    double decay;           /* tau2 in samples: the recovery time constant of a falling baseline */
    int64_t max_rise, min_rise, recovery_max, baseline, guard;
    /* ring of the last `len` samples (len a power of two) */
    double *level, *phasic;
    int64_t len;
    int64_t n;              /* samples pushed */
    /* hysteresis tracker */
    int mode;
    double ext;             /* current min (FALLING) or max (RISING) */
    int64_t ext_at, trough;
    /* candidates and output */
    candidate pend[EDA_SCR_PENDING];
    int n_pend;
    psy_eda_scr queue[EDA_SCR_QUEUE];
    size_t q_head, q_len;
};

static int64_t samples(double s, double rate)
{
    return (int64_t)llround(s * rate);
}

eda_scr *eda_scr_create(const psy_eda_config *c, double rate, double t0_s)
{
    eda_scr *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->rate = rate;
    d->t0 = t0_s;
    d->min_amp = c->min_amplitude_us;
    d->decay = c->tau2_s * rate;
    d->hyst = c->hysteresis_us > 0 ? c->hysteresis_us : fmin(0.5 * c->min_amplitude_us, 0.005);
    d->max_rise = samples(c->max_rise_s, rate);
    if (d->max_rise < 2) d->max_rise = 2;
    d->min_rise = samples(c->min_rise_s, rate);
    d->recovery_max = samples(c->recovery_max_s, rate);
    d->baseline = samples(c->baseline_s, rate);
    if (d->baseline < 2) d->baseline = 2;
    d->guard = (int64_t)ceil(0.15 * rate);
    int64_t need = d->baseline + d->guard + 2 * d->max_rise + d->recovery_max + samples(4.0, rate) + 16;
    d->len = 64;
    while (d->len < need) d->len *= 2;
    d->level = malloc((size_t)d->len * sizeof *d->level);
    d->phasic = malloc((size_t)d->len * sizeof *d->phasic);
    if (!d->level || !d->phasic) {
        eda_scr_destroy(d);
        return NULL;
    }
    eda_scr_reset(d);
    return d;
}

eda_scr *eda_scr_copy(const eda_scr *d)
{
    eda_scr *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *d;
    c->level = malloc((size_t)d->len * sizeof *c->level);
    c->phasic = malloc((size_t)d->len * sizeof *c->phasic);
    if (!c->level || !c->phasic) {
        eda_scr_destroy(c);
        return NULL;
    }
    memcpy(c->level, d->level, (size_t)d->len * sizeof *c->level);
    memcpy(c->phasic, d->phasic, (size_t)d->len * sizeof *c->phasic);
    return c;
}

void eda_scr_reset(eda_scr *d)
{
    for (int64_t i = 0; i < d->len; i++) d->level[i] = d->phasic[i] = NAN;
    d->n = 0;
    d->mode = SEEK;
    d->n_pend = 0;
    d->q_head = d->q_len = 0;
}

void eda_scr_destroy(eda_scr *d)
{
    if (!d) return;
    free(d->level);
    free(d->phasic);
    free(d);
}

int64_t eda_scr_latency(const eda_scr *d)
{
    return 2 * d->max_rise + d->recovery_max + 1;
}

int eda_scr_has_room(const eda_scr *d)
{
    return d->q_len + EDA_SCR_PENDING + 1 <= EDA_SCR_QUEUE;
}

static double lv(const eda_scr *d, int64_t k)
{
    return d->level[k & (d->len - 1)];
}

static double ph(const eda_scr *d, int64_t k)
{
    return d->phasic[k & (d->len - 1)];
}

static double at_time(const eda_scr *d, double k)
{
    return k / d->rate + d->t0;
}

/* The onset: the last sample before the steepest phasic rise in [lo, peak] whose slope is within
 * 10 % of the way from the median slope before it to the steepest (the knee where the rise
 * starts, also on a recovering or declining level), or lo. */
static int64_t refine_onset(const eda_scr *d, int64_t lo, int64_t peak)
{
    int64_t steep = lo;
    double smax = -INFINITY;
    for (int64_t j = lo; j < peak; j++) {
        double s = ph(d, j + 1) - ph(d, j);
        if (s > smax) {
            smax = s;
            steep = j;
        }
    }
    /* the typical slope before the rise: the median of those in [lo, steep) */
    double before[64];
    int m = 0;
    for (int64_t j = steep - 1; j >= lo && m < 64; j--) before[m++] = ph(d, j + 1) - ph(d, j);
    double ref = smax;
    if (m > 0) {
        for (int i = 1; i < m; i++) /* insertion sort: at most 64 values */
            for (int k = i; k > 0 && before[k - 1] > before[k]; k--) {
                double t = before[k];
                before[k] = before[k - 1];
                before[k - 1] = t;
            }
        ref = before[m / 2];
    }
    double level = ref + 0.1 * (smax - ref);
    for (int64_t j = steep; j >= lo; j--)
        if (ph(d, j + 1) - ph(d, j) <= level) return j + 1 <= steep ? j + 1 : steep;
    return lo;
}

/* Least-squares line through level[o - baseline .. o] (the valid suffix of it); returns the
 * fitted value at o and the slope per sample (0 with fewer than 3 points). */
static double baseline_fit(const eda_scr *d, int64_t o, double *slope)
{
    int64_t first = o;
    while (first > o - d->baseline && first > 0 && first - 1 > d->n - d->len &&
           !isnan(lv(d, first - 1)))
        first--;
    int64_t m = o - first + 1;
    if (m < 3) {
        *slope = 0;
        return lv(d, o);
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int64_t j = first; j <= o; j++) {
        double x = (double)(j - o), y = lv(d, j);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    double mm = (double)m, den = mm * sxx - sx * sx;
    *slope = den > 0 ? (mm * sxy - sx * sy) / den : 0;
    return (sy - *slope * sx) / mm;
}

/* The baseline k samples after the fit's anchor: a rising level goes on linearly (drift); a
 * falling one is the recovery of earlier responses, an exponential with the decay time constant
 * tau2, so its decline is capped at slope x tau2 (a straight line would run away below it). */
static double baseline_at(const eda_scr *d, double base, double slope, int64_t k)
{
    if (slope >= 0) return base + slope * (double)k;
    return base + slope * d->decay * (1.0 - exp(-(double)k / d->decay));
}

static void emit(eda_scr *d, const psy_eda_scr *s)
{
    if (d->q_len == EDA_SCR_QUEUE) return; /* cannot happen: callers check has_room */
    d->queue[(d->q_head + d->q_len) % EDA_SCR_QUEUE] = *s;
    d->q_len++;
}

/* Scores candidate c with data up to `bound` (exclusive: the next onset or the newest sample). */
static void score(eda_scr *d, const candidate *c, int64_t bound)
{
    int64_t oldest = d->n - d->len + 1;
    if (oldest < 0) oldest = 0;
    int64_t lo = c->peak - d->max_rise;
    if (lo < c->trough) lo = c->trough;
    if (lo < oldest + d->baseline) lo = oldest + d->baseline < c->peak ? oldest + d->baseline : c->peak;
    for (int64_t j = lo; j <= c->peak; j++)
        if (isnan(ph(d, j)) || isnan(lv(d, j))) return; /* a flagged sample inside the rise */
    int64_t o = refine_onset(d, lo, c->peak);
    /* the baseline is fitted up to a guard before the onset: the low-pass smears the start of
       the rise over about 0.15 s */
    int64_t a = o - d->guard;
    if (a < lo - d->guard) a = lo - d->guard;
    if (a < oldest) a = oldest;
    double slope, base = baseline_fit(d, a, &slope);
    int64_t end = o + d->max_rise;
    int cut = 0;
    if (end >= bound) {
        end = bound - 1;
        cut = 1;
    }
    /* the level's own first peak ends the search (a fall of one hysteresis, or of a fifth of
       the rise: smaller dips belong to one multi-peaked response): past it, a declining
       baseline extrapolated linearly would make the excess grow forever */
    double run_max = -INFINITY, start = lv(d, o);
    for (int64_t j = o; j <= end; j++) {
        double v = lv(d, j);
        if (isnan(v)) break;
        if (v > run_max) {
            run_max = v;
        } else if (v < run_max - fmax(d->hyst, 0.2 * (run_max - start))) {
            end = j; /* not run_at: on a plateau the excess over a falling baseline still grows */
            cut = 1;
            break;
        }
    }
    int64_t pk = o;
    double best = 0;
    for (int64_t j = o; j <= end; j++) {
        double v = lv(d, j);
        if (isnan(v)) {
            cut = 1;
            break;
        }
        double e = v - (baseline_at(d, base, slope, j - a));
        if (e > best) {
            best = e;
            pk = j;
        }
    }
    if (best < d->min_amp) return;
    if (pk - o < d->min_rise) return;
    if (pk == o + d->max_rise && !cut) return; /* still rising at the limit */
    double half = NAN;
    int64_t rend = pk + d->recovery_max;
    if (rend >= bound) rend = bound - 1;
    double prev_e = best;
    for (int64_t j = pk + 1; j <= rend; j++) {
        double v = lv(d, j);
        if (isnan(v)) break;
        double e = v - (baseline_at(d, base, slope, j - a));
        if (e <= 0.5 * best) {
            double frac = prev_e > e ? (prev_e - 0.5 * best) / (prev_e - e) : 1.0;
            half = ((double)(j - 1 - pk) + frac) / d->rate;
            break;
        }
        prev_e = e;
    }
    psy_eda_scr s = {
        .onset_s = at_time(d, (double)o),
        .peak_s = at_time(d, (double)pk),
        .amplitude_us = best,
        .rise_time_s = (double)(pk - o) / d->rate,
        .half_recovery_s = half,
        .onset_level_us = lv(d, o),
    };
    emit(d, &s);
}

/* Scores the oldest pending candidate, bounded by the next trough known. */
static void release_oldest(eda_scr *d, int64_t newest_trough)
{
    int64_t bound = d->n_pend > 1 ? d->pend[1].trough : newest_trough;
    if (bound > d->n) bound = d->n;
    score(d, &d->pend[0], bound);
    memmove(d->pend, d->pend + 1, (size_t)(d->n_pend - 1) * sizeof *d->pend);
    d->n_pend--;
}

void eda_scr_push(eda_scr *d, double level, double phasic)
{
    int64_t k = d->n;
    if (isnan(level) || isnan(phasic)) level = phasic = NAN;
    d->level[k & (d->len - 1)] = level;
    d->phasic[k & (d->len - 1)] = phasic;
    d->n++;

    if (isnan(phasic)) {
        d->mode = SEEK;
    } else if (d->mode == SEEK) {
        d->mode = FALLING;
        d->ext = phasic;
        d->ext_at = k;
    } else if (d->mode == FALLING) {
        if (phasic < d->ext) {
            d->ext = phasic;
            d->ext_at = k;
        } else if (phasic > d->ext + d->hyst) {
            d->trough = d->ext_at;
            d->mode = RISING;
            d->ext = phasic;
            d->ext_at = k;
        }
    } else {
        if (phasic > d->ext) {
            d->ext = phasic;
            d->ext_at = k;
        } else if (phasic < d->ext - d->hyst) {
            if (d->n_pend == EDA_SCR_PENDING) release_oldest(d, d->trough);
            d->pend[d->n_pend++] = (candidate){d->trough, d->ext_at};
            d->mode = FALLING;
            d->ext = phasic;
            d->ext_at = k;
        }
    }
    /* the latest trough after the pending ones bounds the last candidate's recovery */
    int64_t newest_trough = d->mode == RISING ? d->trough : d->n;
    while (d->n_pend > 0) {
        const candidate *c = &d->pend[0];
        int ready = d->n > c->peak + d->max_rise + d->recovery_max ||
                    (d->n_pend > 1 && d->n > d->pend[1].trough) ||
                    (d->mode == RISING && d->trough > c->peak);
        if (!ready) break;
        release_oldest(d, newest_trough);
    }
}

void eda_scr_finish(eda_scr *d)
{
    int64_t newest_trough = d->mode == RISING ? d->trough : d->n;
    while (d->n_pend > 0) release_oldest(d, newest_trough);
}

size_t eda_scr_pop(eda_scr *d, psy_eda_scr *out, size_t max)
{
    size_t m = 0;
    while (m < max && d->q_len > 0) {
        out[m++] = d->queue[d->q_head];
        d->q_head = (d->q_head + 1) % EDA_SCR_QUEUE;
        d->q_len--;
    }
    return m;
}
