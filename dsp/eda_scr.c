/* SCR scoring: candidate onsets from the level's first-order driver, onset refinement,
 * amplitude against the extrapolated pre-onset baseline, noise-aware criteria (see
 * include/psyphys/eda.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eda_scr.h"
#include "small_median.h"

enum { SEEK = 0, FALLING, RISING };

/* Thresholds that follow the noise are this many standard deviations of the tracked signal. */
#define HYST_SD 3.0
/* The rise of a typical SCR (Boucsein 2012: 1-3 s), at which the reported criterion is rated. */
#define AMP_RISE_S 2.0
/* The visible rise may fall short of min_amplitude_us by this many sd of the noise of a
   difference of two samples of the level. */
#define VISIBLE_SD 3.0
/* The significance test averages the level over +-SIG_HALF_S: a response (rise 0.5-5 s, its peak
   broad) hardly changes, the sensor noise is averaged over a second. */
#define SIG_HALF_S 0.5

typedef struct candidate {
    int64_t trough, peak;   /* on the onset signal */
} candidate;

struct eda_scr {
    double rate, t0, min_amp, hyst, noise_factor;
    double decay;           /* tau2 in samples: the recovery time constant of a falling baseline */
    int64_t max_rise, min_rise, recovery_max, guard;
    int64_t baseline;       /* samples of the baseline fit before an onset */
    /* onset signal u[j] = level[j] + tau2 x slope over [j - w, j + w]: the driver of a
       first-order (tau2) recovery, flat on an earlier response's recovery and stepping up
       where a new one starts, so responses that overlap still show as separate rises */
    int64_t w;
    double ucoef;           /* tau2 x rate / (2 w) */
    double hyst_u;          /* floor of the hysteresis on u */
    double gain_level, gain_u; /* sd of level and of u per unit sd of raw white noise */
    double *acf;            /* autocovariance of the analysis signal per unit raw white noise */
    int64_t n_acf;          /* lags kept (beyond: below 1e-9 of acf[0]) */
    int64_t h;              /* the significance test averages the level over +-h samples */
    double *acf_s;          /* autocovariance of that average */
    int64_t n_acf_s;
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

typedef struct noise_acf {
    const double *r;
    int64_t n;
} noise_acf;

static double acf_at(noise_acf a, int64_t k)
{
    if (k < 0) k = -k;
    return k < a.n ? a.r[k] : 0;
}

/* The standard deviation, per unit sd of raw white noise, of p0 y[peak] + sum_j (alpha + beta
 * (x_j - xbar)) y[j] over the m samples y[j] of a window that ends `ahead` samples before the
 * peak (x_j = j - its last sample, xbar their mean): the noise of a baseline fit's slope, and of
 * an amplitude measured against the fit. */
static double window_sd(noise_acf a, int64_t m, int64_t ahead, double p0, double alpha,
                        double beta)
{
    double v = p0 * p0 * acf_at(a, 0), xbar = -(double)(m - 1) / 2.0;
    for (int64_t i = 0; i < m; i++) {
        double wi = alpha + beta * ((double)(i - (m - 1)) - xbar);
        v += 2 * p0 * wi * acf_at(a, ahead + (m - 1 - i));
        int64_t lo = i - a.n + 1 > 0 ? i - a.n + 1 : 0;
        int64_t hi = i + a.n - 1 < m - 1 ? i + a.n - 1 : m - 1;
        for (int64_t j = lo; j <= hi; j++)
            v += wi * (alpha + beta * ((double)(j - (m - 1)) - xbar)) * acf_at(a, i - j);
    }
    return v > 0 ? sqrt(v) : 0;
}

static double sum_sq_dev(int64_t m)
{
    return (double)m * ((double)m * (double)m - 1) / 12.0;
}

/* The noise gains of the level and of the onset signal u, and the autocovariance the amplitude's
 * is computed from. Returns 0, or -1 on ENOMEM. */
static int noise_gains(eda_scr *d, const eda_prep *p)
{
    int64_t m = d->baseline + d->guard + d->max_rise + 2;
    if (m < 2 * d->w + 1) m = 2 * d->w + 1;
    d->acf = eda_prep_noise_acf(p, m + 2 * d->h + 1);
    d->acf_s = calloc((size_t)m, sizeof *d->acf_s);
    double *w = calloc((size_t)m, sizeof *w);
    if (!d->acf || !d->acf_s || !w) {
        free(w);
        return -1;
    }
    /* the boxcar of 2h + 1 samples: acf_s[k] = sum_t (2h + 1 - |t|) acf[k + t] / (2h + 1)^2 */
    double n2 = (double)(2 * d->h + 1) * (double)(2 * d->h + 1);
    for (int64_t k = 0; k < m; k++)
        for (int64_t t = -2 * d->h; t <= 2 * d->h; t++)
            d->acf_s[k] += (double)(2 * d->h + 1 - (t < 0 ? -t : t)) / n2 * d->acf[k + t < 0 ? -(k + t) : k + t];
    d->n_acf = m;
    while (d->n_acf > 1 && fabs(d->acf[d->n_acf - 1]) < 1e-9 * d->acf[0]) d->n_acf--;
    d->n_acf_s = m;
    while (d->n_acf_s > 1 && fabs(d->acf_s[d->n_acf_s - 1]) < 1e-9 * d->acf_s[0]) d->n_acf_s--;
    /* u = level[j] + ucoef (level[j + w] - level[j - w]) */
    w[0] = d->ucoef;
    w[d->w] = 1.0;
    w[2 * d->w] = -d->ucoef;
    d->gain_u = eda_noise_sd_of(d->acf, d->n_acf, w, 2 * d->w + 1);
    d->gain_level = sqrt(d->acf[0]);
    free(w);
    return 0;
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
    d->h = samples(SIG_HALF_S, rate);
    if (d->h < 1) d->h = 1;
    d->ucoef = c->tau2_s * rate / (2.0 * (double)d->w);
    d->hyst_u = d->hyst * (1.0 + c->tau2_s);
    d->max_rise = samples(c->max_rise_s, rate);
    if (d->max_rise < 2) d->max_rise = 2;
    d->min_rise = samples(c->min_rise_s, rate);
    d->recovery_max = samples(c->recovery_max_s, rate);
    d->baseline = samples(c->baseline_s, rate);
    if (d->baseline < 2) d->baseline = 2;

    d->guard = (int64_t)ceil(0.15 * rate);
    int gains = noise_gains(d, p);
    int64_t need = d->baseline + d->guard + 2 * d->max_rise + d->recovery_max + samples(4.0, rate) +
                   2 * d->w + 16;
    d->len = 64;
    while (d->len < need) d->len *= 2;
    d->level = malloc((size_t)d->len * sizeof *d->level);
    d->u = malloc((size_t)d->len * sizeof *d->u);
    d->noise = malloc((size_t)d->len * sizeof *d->noise);
    if (!d->level || !d->u || !d->noise || gains != 0) {
        eda_scr_destroy(d);
        return NULL;
    }
    eda_scr_reset(d);
    return d;
}

static double *dup_doubles(const double *src, int64_t len)
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
    c->level = dup_doubles(d->level, d->len);
    c->u = dup_doubles(d->u, d->len);
    c->noise = dup_doubles(d->noise, d->len);
    c->acf = dup_doubles(d->acf, d->n_acf);
    c->acf_s = dup_doubles(d->acf_s, d->n_acf_s);
    if (!c->level || !c->u || !c->noise || !c->acf || !c->acf_s) {
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
    free(d->acf);
    free(d->acf_s);
    free(d);
}

int64_t eda_scr_latency(const eda_scr *d)
{
    return 2 * d->max_rise + d->recovery_max + d->w + 1;
}

/* The criterion for an amplitude whose noise has standard deviation unit_sd per unit raw noise. */
static double criterion(const eda_scr *d, double noise_us, double unit_sd)
{
    return fmax(d->min_amp, d->noise_factor * (isnan(noise_us) ? 0 : noise_us) * unit_sd);
}

/* unit_sd of a typical response: a 2 s rise over a straight baseline, its slope taken in full */
static double typical_sd(const eda_scr *d)
{
    int64_t k = d->guard + samples(AMP_RISE_S, d->rate), m = d->baseline + 1;
    double xbar = -(double)(m - 1) / 2.0;
    noise_acf a = {d->acf_s, d->n_acf_s};
    return window_sd(a, m, k, 1, -1.0 / (double)m, -((double)k - xbar) / sum_sq_dev(m));
}

double eda_scr_criterion(const eda_scr *d, double noise_us)
{
    return criterion(d, noise_us, typical_sd(d));
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
    double g = d->noise_factor * typical_sd(d);
    o.raised_s = g > 0 ? eda_noise_seconds_above(n, d->min_amp / g) : 0;
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
        psy_select_kth(before, m, m / 2);
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

/* The baseline before an onset: the least-squares line through level[first .. anchor], taken
 * on, when the level rises, straight (drift), when it falls, as an exponential recovery with the
 * decay time constant tau2 (the tail of earlier responses; a straight line would run away below
 * it), flat when it rises from an earlier response that peaked inside the window (its rise ends
 * there: no drift). */
typedef struct baseline {
    int64_t first, anchor;
    double mean, xbar;      /* of the level and of x = j - anchor over the window */
    double slope;           /* per sample */
    int flat;
} baseline;

/* The window ending at a: baseline samples, the valid ones. */
static int64_t baseline_start(const eda_scr *d, int64_t a)
{
    int64_t j = a;
    while (j > a - d->baseline && j > 0 && j - 1 > d->n - d->len && !isnan(lv(d, j - 1))) j--;
    return j;
}

typedef double (*series)(const eda_scr *d, int64_t k);

static baseline baseline_fit(const eda_scr *d, int64_t a, series val)
{
    baseline b = {.first = baseline_start(d, a), .anchor = a, .mean = val(d, a)};
    int64_t m = a - b.first + 1;
    if (m < 3) return b;
    double sy = 0, sxy = 0, sxx = sum_sq_dev(m);
    b.xbar = -(double)(m - 1) / 2.0;
    for (int64_t j = b.first; j <= a; j++) {
        double y = val(d, j);
        sy += y;
        sxy += ((double)(j - a) - b.xbar) * y;
    }
    b.mean = sy / (double)m;
    b.slope = sxy / sxx;
    if (b.slope > 0 && d->last_peak >= b.first) b.flat = 1;
    return b;
}

/* What the slope is multiplied by k samples after the anchor. */
static double baseline_psi(const eda_scr *d, const baseline *b, int64_t k)
{
    if (b->flat) return 0;
    if (b->slope >= 0) return (double)k;
    return d->decay * (1.0 - exp(-(double)k / d->decay));
}

static double baseline_at(const eda_scr *d, const baseline *b, int64_t k)
{
    return b->mean + b->slope * (baseline_psi(d, b, k) - b->xbar);
}

/* unit_sd of an amplitude measured at k samples after the anchor against b (on a series with
 * autocovariance a). */
static double amplitude_sd(const eda_scr *d, noise_acf a, const baseline *b, int64_t k)
{
    int64_t m = b->anchor - b->first + 1;
    if (m < 3) return window_sd(a, 1, k, 1, -1, 0);
    double g = (baseline_psi(d, b, k) - b->xbar) / sum_sq_dev(m);
    return window_sd(a, m, k, 1, -1.0 / (double)m, -g);
}

/* The level averaged over [k - h, k + h]; NaN when a sample is flagged or not at hand. */
static double smooth_lv(const eda_scr *d, int64_t k)
{
    if (k - d->h < d->n - d->len + 1 || k - d->h < 0 || k + d->h > d->n - 1) return NAN;
    double s = 0;
    for (int64_t j = k - d->h; j <= k + d->h; j++) s += lv(d, j);
    return s / (double)(2 * d->h + 1);
}

/* The largest rise of the level in [lo, pk] (above its lowest point so far): an SCR is a rise
 * of the level (trough to peak, Boucsein 2012). A pause in a declining level exceeds the
 * extrapolated decline without any rise, a staircase of sensor steps does it every step. */
static double visible_rise(const eda_scr *d, int64_t lo, int64_t pk)
{
    double low = INFINITY, rise = 0;
    for (int64_t j = lo; j <= pk; j++) {
        low = fmin(low, lv(d, j));
        rise = fmax(rise, lv(d, j) - low);
    }
    return rise;
}

/* The largest excess of the averaged level over its baseline in [o + min_rise, end], in units of
 * the standard deviation pure noise of unit sd would give it. */
static double significance(const eda_scr *d, int64_t o, int64_t a, int64_t end)
{
    baseline b = baseline_fit(d, a, smooth_lv);
    noise_acf acf = {d->acf_s, d->n_acf_s};
    double best = -INFINITY;
    int64_t at = -1;
    for (int64_t j = o + d->min_rise; j <= end; j++) {
        double e = smooth_lv(d, j) - baseline_at(d, &b, j - a);
        if (e > best) {
            best = e;
            at = j;
        }
    }
    if (at < 0 || isnan(b.mean)) return NAN;
    return best / amplitude_sd(d, acf, &b, at - a);
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
    baseline bl = baseline_fit(d, a, lv);
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
        double e = v - (baseline_at(d, &bl, j - a));
        if (e > best) {
            best = e;
            pk = j;
        }
    }
    double noise = noise_at(d, d->n - 1);
    if (best < d->min_amp) return;
    if (noise > 0 && d->noise_factor > 0) {
        double z = significance(d, o, a, end);
        if (isnan(z)) {
            noise_acf acf = {d->acf, d->n_acf};
            z = best / amplitude_sd(d, acf, &bl, pk - a);
        }
        if (z < d->noise_factor * noise) return;
    }
    if (pk - o < d->min_rise) return;
    /* a rise of the amplitude criterion, less what the noise can take off a peak-minus-trough */
    double need = fmax(d->hyst, d->min_amp - VISIBLE_SD * sqrt(2.0) * sd_level);
    if (visible_rise(d, lo, pk) < need) return;
    if (pk == o + d->max_rise && !cut) return; /* still rising at the limit */
    double half = NAN;
    int64_t rend = pk + d->recovery_max;
    if (rend >= bound) rend = bound - 1;
    double prev_e = best;
    for (int64_t j = pk + 1; j <= rend; j++) {
        double v = lv(d, j);
        if (isnan(v)) break;
        double e = v - (baseline_at(d, &bl, j - a));
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
