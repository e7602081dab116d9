/* SCR scoring: candidate onsets from the level's first-order driver, onset refinement,
 * amplitude against the extrapolated pre-onset baseline, noise-aware criteria (see
 * include/psyphys/eda.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eda_scr.h"

enum { SEEK = 0, FALLING, RISING };

/* Thresholds that follow the noise are this many standard deviations of the tracked signal. */
#define HYST_SD 3.0
/* The rise over which the noise of an amplitude is rated: a typical SCR's (Boucsein 2012: 1-3 s). */
#define AMP_RISE_S 2.0

typedef struct candidate {
    int64_t trough, peak;   /* on the onset signal */
} candidate;

struct eda_scr {
    double rate, t0, min_amp, hyst, noise_factor;
    double decay;           /* tau2 in samples: the recovery time constant of a falling baseline */
    int64_t max_rise, min_rise, recovery_max, baseline, guard;
    /* onset signal u[j] = level[j] + tau2 x slope over [j - w, j + w]: the driver of a
       first-order (tau2) recovery, flat on an earlier response's recovery and stepping up
       where a new one starts, so responses that overlap still show as separate rises */
    int64_t w;
    double ucoef;           /* tau2 x rate / (2 w) */
    double hyst_u;          /* floor of the hysteresis on u */
    double gain_level, gain_u; /* sd of level and of u per unit sd of raw white noise */
    double gain_amp;        /* sd of an amplitude measured on pure noise (AMP_RISE_S rise) */
    /* rings of the last `len` samples (len a power of two) */
    double *level, *u, *noise;
    int64_t len;
    int64_t n;              /* samples pushed */
    /* hysteresis tracker on u */
    int mode;
    double ext;             /* current min (FALLING) or max (RISING) */
    int64_t ext_at, trough;
    double trough_u;        /* u at the trough */
    int64_t last_peak;      /* of the last SCR scored, -1 before */
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

/* The standard deviation, per unit sd of raw white noise, of an amplitude as score() measures it
 * on noise alone: the level AMP_RISE_S after the onset minus the least-squares line over the
 * baseline window (ending a guard before the onset) extrapolated to there. NaN on ENOMEM. */
static double amplitude_gain(const eda_scr *d, const eda_prep *p)
{
    int64_t ahead = d->guard + (int64_t)llround(AMP_RISE_S * d->rate), b = d->baseline + 1;
    int m = (int)(ahead + b);
    double *w = calloc((size_t)m, sizeof *w);
    if (!w) return NAN;
    /* lags from the peak: 0 the peak, ahead .. ahead + b - 1 the fit window, x = -lag */
    double xbar = -(double)ahead - (double)(b - 1) / 2.0, sxx = (double)b * ((double)b * b - 1) / 12.0;
    w[0] = 1;
    for (int64_t j = 0; j < b; j++) {
        double x = -(double)(ahead + j);
        w[ahead + j] = -(1.0 / (double)b + (x - xbar) * (0.0 - xbar) / sxx);
    }
    double g = eda_prep_noise_gain(p, w, m, 1);
    free(w);
    return g;
}

eda_scr *eda_scr_create(const psy_eda_config *c, const eda_prep *p)
{
    eda_scr *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    double rate = p->out_rate;
    d->rate = rate;
    d->t0 = -p->delay_s;
    d->min_amp = c->min_amplitude_us;
    d->noise_factor = c->noise_factor;
    d->decay = c->tau2_s * rate;
    d->hyst = c->hysteresis_us > 0 ? c->hysteresis_us : fmin(0.5 * c->min_amplitude_us, 0.005);
    d->w = samples(0.25, rate);
    if (d->w < 1) d->w = 1;
    d->ucoef = c->tau2_s * rate / (2.0 * (double)d->w);
    d->hyst_u = d->hyst * (1.0 + c->tau2_s);
    d->max_rise = samples(c->max_rise_s, rate);
    if (d->max_rise < 2) d->max_rise = 2;
    d->min_rise = samples(c->min_rise_s, rate);
    d->recovery_max = samples(c->recovery_max_s, rate);
    d->baseline = samples(c->baseline_s, rate);
    if (d->baseline < 2) d->baseline = 2;
    d->guard = (int64_t)ceil(0.15 * rate);
    double one = 1.0, wu[3] = {d->ucoef, 1.0, -d->ucoef};
    d->gain_level = eda_prep_noise_gain(p, &one, 1, 1);
    d->gain_u = eda_prep_noise_gain(p, wu, 3, d->w);
    d->gain_amp = amplitude_gain(d, p);
    int64_t need = d->baseline + d->guard + 2 * d->max_rise + d->recovery_max + samples(4.0, rate) +
                   2 * d->w + 16;
    d->len = 64;
    while (d->len < need) d->len *= 2;
    d->level = malloc((size_t)d->len * sizeof *d->level);
    d->u = malloc((size_t)d->len * sizeof *d->u);
    d->noise = malloc((size_t)d->len * sizeof *d->noise);
    if (!d->level || !d->u || !d->noise || isnan(d->gain_level) || isnan(d->gain_u) ||
        isnan(d->gain_amp)) {
        eda_scr_destroy(d);
        return NULL;
    }
    eda_scr_reset(d);
    return d;
}

static double *ring_copy(const double *src, int64_t len)
{
    double *p = malloc((size_t)len * sizeof *p);
    if (p) memcpy(p, src, (size_t)len * sizeof *p);
    return p;
}

eda_scr *eda_scr_copy(const eda_scr *d)
{
    eda_scr *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *d;
    c->level = ring_copy(d->level, d->len);
    c->u = ring_copy(d->u, d->len);
    c->noise = ring_copy(d->noise, d->len);
    if (!c->level || !c->u || !c->noise) {
        eda_scr_destroy(c);
        return NULL;
    }
    return c;
}

void eda_scr_reset(eda_scr *d)
{
    for (int64_t i = 0; i < d->len; i++) d->level[i] = d->u[i] = d->noise[i] = NAN;
    d->n = 0;
    d->mode = SEEK;
    d->n_pend = 0;
    d->last_peak = -1;
    d->q_head = d->q_len = 0;
}

void eda_scr_destroy(eda_scr *d)
{
    if (!d) return;
    free(d->level);
    free(d->u);
    free(d->noise);
    free(d);
}

int64_t eda_scr_latency(const eda_scr *d)
{
    return 2 * d->max_rise + d->recovery_max + d->w + 1;
}

double eda_scr_criterion(const eda_scr *d, double noise_us)
{
    double sd = isnan(noise_us) ? 0 : noise_us * d->gain_amp;
    return fmax(d->min_amp, d->noise_factor * sd);
}

int eda_scr_has_room(const eda_scr *d)
{
    return d->q_len + EDA_SCR_PENDING + 1 <= EDA_SCR_QUEUE;
}

static double lv(const eda_scr *d, int64_t k)
{
    return d->level[k & (d->len - 1)];
}

psy_eda_noise eda_scr_noise_summary(const eda_scr *d, eda_noise *n)
{
    psy_eda_noise o = {.noise_us = eda_noise_quantile(n, 0.5), .noise_max_us = eda_noise_quantile(n, 1.0),
                       .current_us = eda_noise_current(n)};
    o.criterion_us = isnan(o.noise_us) ? NAN : eda_scr_criterion(d, o.noise_us);
    o.criterion_max_us = isnan(o.noise_max_us) ? NAN : eda_scr_criterion(d, o.noise_max_us);
    o.raised_s = d->noise_factor > 0 && d->gain_amp > 0
                     ? eda_noise_seconds_above(n, d->min_amp / (d->noise_factor * d->gain_amp))
                     : 0;
    return o;
}

/* The noise estimate (uS, raw) at sample k; 0 while unknown. */
static double noise_at(const eda_scr *d, int64_t k)
{
    double v = d->noise[k & (d->len - 1)];
    return isnan(v) ? 0 : v;
}

static double at_time(const eda_scr *d, double k)
{
    return k / d->rate + d->t0;
}

/* The last sample before steep whose slope is within 10 % of the way from the median slope of
 * [lo, ref_end) to the steepest, smax; lo when none. */
static int64_t knee_below(const eda_scr *d, int64_t lo, int64_t steep, double smax, int64_t ref_end)
{
    double before[64];
    int m = 0;
    for (int64_t j = ref_end - 1; j >= lo && m < 64; j--) before[m++] = lv(d, j + 1) - lv(d, j);
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
        if (lv(d, j + 1) - lv(d, j) <= level) return j + 1 <= steep ? j + 1 : steep;
    return lo;
}

/* The onset: the last sample before the steepest rise of the level in [lo, peak] whose slope is
 * within 10 % of the way from the median slope before it to the steepest (the knee where the
 * rise starts, also on a recovering or declining level), or lo; when the level still falls by
 * more than `fall` after that knee, its lowest point before the steepest rise (trough-to-peak
 * scoring of a response on a recovering level, Boucsein 2012, Electrodermal Activity, 2nd ed.). */
static int64_t refine_onset(const eda_scr *d, int64_t lo, int64_t peak, double fall)
{
    int64_t steep = lo;
    double smax = -INFINITY;
    for (int64_t j = lo; j < peak; j++) {
        double s = lv(d, j + 1) - lv(d, j);
        if (s > smax) {
            smax = s;
            steep = j;
        }
    }
    /* the knee for the typical slope before the rise: first the median of those in [lo, steep),
       then, once, the median of those before that first knee (the first median may lie on the
       rise when lo is well before it) */
    int64_t knee = knee_below(d, lo, steep, smax, steep);
    if (knee - lo >= 3) knee = knee_below(d, lo, steep, smax, knee);
    int64_t o = knee;
    for (int64_t j = knee + 1; j <= steep; j++)
        if (lv(d, j) < lv(d, o)) o = j;
    return lv(d, knee) - lv(d, o) > fall ? o : knee;
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
    /* the rise: from the trough of u to its peak, plus the w samples u looks ahead */
    int64_t hi = c->peak + d->w < d->n - 1 ? c->peak + d->w : d->n - 1;
    int64_t lo = c->peak - d->max_rise;
    if (lo < c->trough) lo = c->trough;
    if (lo < oldest + d->baseline) lo = oldest + d->baseline < c->peak ? oldest + d->baseline : c->peak;
    for (int64_t j = lo; j <= hi; j++)
        if (isnan(lv(d, j))) return; /* a flagged sample inside the rise */
    /* noise-aware thresholds: the estimate as it stands when the candidate is scored */
    double sd_level = noise_at(d, d->n - 1) * d->gain_level;
    double fall = fmax(d->hyst, HYST_SD * sd_level);
    int64_t o = refine_onset(d, lo, hi, fall);
    /* the baseline is fitted up to a guard before the onset: the low-pass smears the start of
       the rise over about 0.15 s */
    int64_t a = o - d->guard;
    if (a < lo - d->guard) a = lo - d->guard;
    if (a < oldest) a = oldest;
    double slope, base = baseline_fit(d, a, &slope);
    /* a level still rising from an earlier response that peaked inside the fit window is not
       drift: its rise ends there, so the baseline is flat */
    if (slope > 0 && d->last_peak >= a - d->baseline) slope = 0;
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
        } else if (v < run_max - fmax(fall, 0.2 * (run_max - start))) {
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
    if (best < eda_scr_criterion(d, noise_at(d, d->n - 1))) return;
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
    d->last_peak = pk;
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

void eda_scr_push(eda_scr *d, double level, double noise_us)
{
    int64_t k = d->n, mask = d->len - 1;
    d->level[k & mask] = level;
    d->noise[k & mask] = noise_us;
    d->n++;
    /* u at j = k - w, from the level over [j - w, j + w] */
    int64_t j = k - d->w;
    if (j < d->w) return;
    double a = lv(d, j - d->w), b = lv(d, j);
    double u = isnan(a) || isnan(b) || isnan(level) ? NAN : b + d->ucoef * (level - a);
    d->u[j & mask] = u;

    double hyst = fmax(d->hyst_u, HYST_SD * d->gain_u * noise_at(d, j));
    if (isnan(u)) {
        d->mode = SEEK;
    } else if (d->mode == SEEK) {
        d->mode = FALLING;
        d->ext = u;
        d->ext_at = j;
    } else if (d->mode == FALLING) {
        if (u < d->ext) {
            d->ext = u;
            d->ext_at = j;
        } else if (u > d->ext + hyst) {
            d->trough = d->ext_at;
            d->trough_u = d->ext;
            d->mode = RISING;
            d->ext = u;
            d->ext_at = j;
        }
    } else {
        if (u > d->ext) {
            d->ext = u;
            d->ext_at = j;
        } else if (u < d->ext - fmax(hyst, 0.2 * (d->ext - d->trough_u))) {
            /* a dip of a fifth of the rise: smaller ones (filter ringing, a multi-peaked
               response) stay in one candidate */
            if (d->n_pend == EDA_SCR_PENDING) release_oldest(d, d->trough);
            d->pend[d->n_pend++] = (candidate){d->trough, d->ext_at};
            d->mode = FALLING;
            d->ext = u;
            d->ext_at = j;
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
