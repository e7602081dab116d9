/* PPG pulses: the fiducial points of a candidate, its quality against the template of recent
 * pulses, and the decision to emit it or mark an artefact (method: include/psyphys/ppg.h). */
#include <math.h>
#include <string.h>

#include "ppg_internal.h"
#include "small_median.h"

/* The fiducial signal in the pulses' polarity (pulses rise). */
static inline double up(psy_ppg_detector *d, int64_t j) { return d->polarity * *ppg_f(d, j); }

static double up_at(psy_ppg_detector *d, double t)
{
    int64_t j = (int64_t)t; /* t >= 0 */
    double a = t - (double)j;
    return a > 0 ? (1 - a) * up(d, j) + a * up(d, j + 1) : up(d, j);
}

/* Vertex offset (-0.5 .. 0.5) of the parabola through (-1, a), (0, b), (1, c) with b a maximum. */
static double vertex(double a, double b, double c)
{
    double den = a - 2 * b + c;
    if (!(den < 0)) return 0;
    double v = 0.5 * (a - c) / den;
    return v < -0.5 ? -0.5 : v > 0.5 ? 0.5 : v;
}

/* The median pulse interval (processing samples), 1 s until three are known; 0.3 .. 2 s. Cached:
 * it changes only with an accepted pulse (and is asked for on every sample). */
static double pulse_interval(const psy_ppg_detector *d)
{
    return d->interval > 0 ? d->interval : d->rate_p;
}

static void update_interval(psy_ppg_detector *d)
{
    double t = d->n_ivals >= 3 ? psy_small_median(d->ivals, d->n_ivals) : d->rate_p;
    d->interval = fmin(fmax(t, 0.3 * d->rate_p), 2.0 * d->rate_p);
}

static void push_history(double *v, int *n, int *next, double x)
{
    v[*next] = x;
    *next = (*next + 1) % PPG_HISTORY;
    if (*n < PPG_HISTORY) (*n)++;
}

/* Fiducial points of the pulse whose maximum is at p, the previous pulse's peak at `before`: 0
 * when it has none (no upstroke within the signal). */
static int fiducials_at(psy_ppg_detector *d, int64_t p, double before, ppg_candidate *c)
{
    int64_t seg = d->b_seg, end = d->f_done;
    /* The foot lies between the previous pulse's peak and this one, at most 0.75 interval back. */
    double span = fmin(0.75 * pulse_interval(d), 1.2 * d->rate_p);
    int64_t from = p - (int64_t)llround(span);
    if (from < seg) from = seg;
    if ((double)from < before && before < (double)p) from = (int64_t)ceil(before);
    int64_t mi = p;
    double low = up(d, p);
    for (int64_t j = p - 1; j >= from; j--) {
        double v = up(d, j);
        if (v < low) low = v, mi = j;
    }
    if (p - mi < 2) return 0;
    /* The steepest point of the upstroke (central differences, parabolic refinement). */
    int64_t ks = mi + 1;
    double best = -INFINITY;
    for (int64_t j = mi + 1; j < p; j++) {
        double s = up(d, j + 1) - up(d, j - 1);
        if (s > best) best = s, ks = j;
    }
    if (!(best > 0)) return 0;
    /* The fiducial points' base is the valley the upstroke rises from, not the diastole's lowest
     * point (which stays the amplitude's, for the artefact rules): a wave, wander or
     * interference in late diastole can dip below it by a varying depth, and a level taken
     * there moves the half-amplitude point from beat to beat (MARSH 0214's 7-Hz interference:
     * PRV RMSSD of its second 5-min window 5-6 points of % closer to the ECG's). */
    int64_t valley = ks;
    while (valley > mi && up(d, valley - 1) < up(d, valley)) valley--;
    double dk = 0, slope = 0.5 * best;
    if (ks - 2 >= seg && ks + 2 < end) {
        double a = up(d, ks) - up(d, ks - 2), b = up(d, ks + 2) - up(d, ks);
        dk = vertex(a, best, b);
        slope = 0.5 * (best - 0.25 * (a - b) * dk);
    }
    /* The systolic peak: the first maximum after the upstroke (the block's largest value may
     * be a dicrotic or reflected wave). */
    for (p = ks; p + 1 < end && up(d, p + 1) >= up(d, p);) p++;
    double t = (double)ks + dk, base = up(d, valley);
    /* Intersecting tangents: the tangent at the steepest point meets the horizontal through the
     * valley before it. */
    double foot = t - (up_at(d, t) - base) / slope;
    if (foot < (double)valley) foot = (double)valley;
    if (foot > t) foot = t;
    double dp = p - 1 >= seg && p + 1 < end ? vertex(up(d, p - 1), up(d, p), up(d, p + 1)) : 0;
    /* The half-amplitude point: where the upstroke first reaches halfway from the valley to the
     * peak (linear interpolation). It takes its time from the steep middle of the upstroke and
     * its level from two extremes, so noise moves it least (Peralta et al. 2019, Physiol Meas
     * 40:025007: the best agreement of PRV with HRV from finger PPG). */
    double level = base + 0.5 * (up(d, p) - base), mid = (double)valley;
    for (int64_t j = valley; j < p; j++)
        if (up(d, j + 1) >= level) {
            mid = (double)j + (level - up(d, j)) / (up(d, j + 1) - up(d, j));
            break;
        }
    if (mid < foot) mid = foot; /* a fraction of a sample off in the interpolations */
    *c = (ppg_candidate){foot, t, (double)p + dp, p, from, up(d, p) - up(d, mi), mid};
    return c->amplitude > 0;
}

/* Fiducial points of the pulse whose moving-average block is [c0, c1). */
static int fiducials(psy_ppg_detector *d, int64_t c0, int64_t c1, ppg_candidate *c)
{
    int64_t seg = d->b_seg, end = d->f_done;
    int64_t lo = c0 - d->delay_b - d->h1, hi = c1 - 1 - d->delay_b + d->h1;
    if (lo < seg) lo = seg;
    if (hi >= end) hi = end - 1;
    if (hi <= lo) return 0;
    int64_t p = lo;
    double best_up = up(d, lo);
    for (int64_t j = lo + 1; j <= hi; j++) {
        double v = up(d, j);
        if (v > best_up) best_up = v, p = j;
    }
    for (int64_t climb = 0; climb < d->h2 && p + 1 < end && up(d, p + 1) > up(d, p); climb++) p++;
    for (int64_t climb = 0; climb < d->h2 && p - 1 >= seg && up(d, p - 1) > up(d, p); climb++) p--;
    return fiducials_at(d, p, d->last_cand_peak, c);
}

/* The pulse one interval wide around its peak (0.4 before, 0.6 after), resampled, without its
 * mean and linear trend, of unit norm: 0 when the window leaves the known signal. */
static int pulse_shape(psy_ppg_detector *d, const ppg_candidate *c, double *shape)
{
    double T = pulse_interval(d), a = c->peak - 0.4 * T, step = T / (PPG_SHAPE - 1);
    if (a < (double)d->b_seg || (int64_t)ceil(a + T) >= d->f_done) return 0;
    double mean = 0, norm = 0;
    for (int i = 0; i < PPG_SHAPE; i++) {
        shape[i] = up_at(d, a + i * step);
        if (isnan(shape[i])) return 0;
        mean += shape[i];
    }
    mean /= PPG_SHAPE;
    /* Without its linear trend: the baseline wanders with breathing within a pulse. */
    double sxy = 0, sxx = 0, c0 = 0.5 * (PPG_SHAPE - 1);
    for (int i = 0; i < PPG_SHAPE; i++) sxy += (i - c0) * (shape[i] - mean), sxx += (i - c0) * (i - c0);
    double slope = sxy / sxx;
    for (int i = 0; i < PPG_SHAPE; i++) {
        shape[i] -= mean + slope * (i - c0);
        norm += shape[i] * shape[i];
    }
    if (!(norm > 0)) return 0;
    norm = sqrt(norm);
    for (int i = 0; i < PPG_SHAPE; i++) shape[i] /= norm;
    return 1;
}

/* Correlation of a unit shape with a template (the sum of unit shapes). */
static double correlation(const double *shape, const double *sum)
{
    double dot = 0, norm = 0;
    for (int i = 0; i < PPG_SHAPE; i++) {
        dot += shape[i] * sum[i];
        norm += sum[i] * sum[i];
    }
    return norm > 0 ? dot / sqrt(norm) : NAN;
}

static void sum_shapes(double shapes[][PPG_SHAPE], int n, double *sum)
{
    for (int i = 0; i < PPG_SHAPE; i++) {
        sum[i] = 0;
        for (int k = 0; k < n; k++) sum[i] += shapes[k][i];
    }
}

static int overlaps_clip(const psy_ppg_detector *d, int64_t start, int64_t end)
{
    for (int i = 0; i < d->n_clips; i++)
        if (d->clips[i].start < end && d->clips[i].end > start) return 1;
    return 0;
}

/* The candidate's samples, from its upstroke's start to just past its peak, touch a clipped run. */
static int clipped(const psy_ppg_detector *d, const ppg_candidate *c)
{
    int64_t start = (int64_t)floor(ppg_input_pos(d, (double)c->lo));
    return overlaps_clip(d, start, (int64_t)ceil(ppg_input_pos(d, c->peak + (double)d->h1)));
}

/* PPG_REJECTS rejected pulses in a row that look alike (and alike in amplitude) are the signal
 * changing -- a sensor moved, the vessels constricted -- not an artefact: they become the
 * template and the amplitude reference. The rejected pulses stay rejected. */
static void maybe_adopt_rejects(psy_ppg_detector *d)
{
    if (d->n_rejects < PPG_REJECTS) return;
    double lo = INFINITY, hi = 0, sum[PPG_SHAPE];
    sum_shapes(d->rejects, PPG_REJECTS, sum);
    for (int k = 0; k < PPG_REJECTS; k++) {
        if (correlation(d->rejects[k], sum) < 0.8) goto shift;
        if (d->reject_amps[k] < lo) lo = d->reject_amps[k];
        if (d->reject_amps[k] > hi) hi = d->reject_amps[k];
    }
    if (hi > 2 * lo) goto shift;
    memcpy(d->shapes, d->rejects, sizeof d->rejects);
    d->n_shapes = PPG_REJECTS, d->shape_next = PPG_REJECTS % PPG_TEMPLATE;
    memcpy(d->template_sum, sum, sizeof sum);
    memcpy(d->amps, d->reject_amps, sizeof d->reject_amps);
    d->n_amps = PPG_REJECTS, d->amp_next = PPG_REJECTS;
    d->n_rejects = 0;
    return;
shift:
    memmove(d->rejects[0], d->rejects[1], (PPG_REJECTS - 1) * sizeof d->rejects[0]);
    memmove(d->reject_amps, d->reject_amps + 1, (PPG_REJECTS - 1) * sizeof d->reject_amps[0]);
    d->n_rejects = PPG_REJECTS - 1;
}

static void accept(psy_ppg_detector *d, const ppg_candidate *c, const double *shape, double q)
{
    int after_artefact = d->artefact_open;
    if (d->artefact_open) {
        ppg_emit_unusable(d, d->artefact_start, (int64_t)floor(ppg_input_pos(d, c->foot)), PSY_PPG_ARTEFACT);
        d->artefact_open = 0;
    }
    if (!after_artefact && isfinite(d->last_accepted) && c->peak - d->last_accepted < 2.5 * d->rate_p)
    {
        push_history(d->ivals, &d->n_ivals, &d->ival_next, c->peak - d->last_accepted);
        update_interval(d);
    }
    push_history(d->amps, &d->n_amps, &d->amp_next, c->amplitude);
    if (shape && !(q < d->cfg.min_quality)) {
        double *slot = d->shapes[d->shape_next];
        int full = d->n_shapes == PPG_TEMPLATE; /* then the oldest shape leaves the template */
        for (int i = 0; i < PPG_SHAPE; i++) d->template_sum[i] += shape[i] - (full ? slot[i] : 0);
        memcpy(slot, shape, sizeof d->shapes[0]);
        if (!full) d->n_shapes++;
        d->shape_next = (d->shape_next + 1) % PPG_TEMPLATE;
    }
    d->last_accepted = c->peak;
    d->n_rejects = 0;
    if (d->pulse_count == PPG_QUEUE) return;
    psy_ppg_pulse p = {ppg_input_pos(d, c->foot), ppg_input_pos(d, c->upstroke),
                       (int64_t)llround(ppg_input_pos(d, c->peak)), c->amplitude, q, ppg_input_pos(d, c->mid)};
    d->pulses[(d->pulse_head + d->pulse_count++) % PPG_QUEUE] = p;
}

/* How far the signal's floor moves over the pulse (input unit): the lowest point in
 * the 0.6 interval after the peak (the diastolic decay, the next foot's level) less the minimum
 * before the upstroke. Within a pulse the floor moves little; a finger pressed or shifted on the
 * sensor moves it by several pulse amplitudes (the trough depth difference of Sukor, Redmond &
 * Lovell 2011, Physiol Meas 32:369). */
static double floor_shift(psy_ppg_detector *d, const ppg_candidate *c)
{
    double base = up(d, c->peak_at) - c->amplitude, low = INFINITY;
    int64_t end = c->peak_at + (int64_t)(0.6 * pulse_interval(d));
    if (end > d->f_done) end = d->f_done;
    for (int64_t j = c->peak_at; j < end; j++) low = fmin(low, up(d, j));
    return isfinite(low) ? low - base : 0;
}

/* Search-back (Pan & Tompkins 1985, IEEE TBME 32:230, for the ECG): an interval over 1.66 median
 * intervals has likely lost a pulse the moving averages did not see -- a small pulse on a baseline
 * falling by several pulse amplitudes (breathing, the finger moving), which the band-pass leaves
 * below zero. Each missing pulse is looked for where it is due, 0.6-1.4 intervals after the last
 * one: the steepest rise of the fiducial signal there and the first maximum after it. It counts
 * as a pulse when its shape is a clean pulse's (template correlation >= 0.86, the level of a
 * usable PPG), whatever its amplitude. */
static void search_back(psy_ppg_detector *d, const ppg_candidate *next)
{
    double oldest = (double)(d->m - d->ring_len + 2); /* what the rings still hold, less one */
    while (isfinite(d->last_accepted) && d->last_accepted >= oldest && d->n_shapes >= 3) {
        double T = pulse_interval(d), gap = next->peak - d->last_accepted;
        if (gap <= 1.66 * T || gap > 4 * T) return;
        int64_t lo = (int64_t)ceil(d->last_accepted + fmax(0.6 * T, (double)d->refractory));
        int64_t hi = (int64_t)floor(fmin(d->last_accepted + 1.4 * T, next->peak - (double)d->refractory));
        if (hi >= d->f_done - 1) hi = d->f_done - 2;
        if (hi <= lo) return;
        int64_t ks = lo;
        double best = -INFINITY;
        for (int64_t j = lo; j <= hi; j++) {
            double s = up(d, j + 1) - up(d, j - 1);
            if (s > best) best = s, ks = j;
        }
        if (!(best > 0)) return;
        int64_t p = ks;
        while (p + 1 < d->f_done && up(d, p + 1) >= up(d, p)) p++;
        ppg_candidate c;
        double shape[PPG_SHAPE];
        if (!fiducials_at(d, p, d->last_accepted, &c) || (double)c.peak_at >= next->peak - (double)d->refractory ||
            !pulse_shape(d, &c, shape))
            return;
        double q = correlation(shape, d->template_sum);
        if (!(q >= PPG_USABLE_QUALITY) || clipped(d, &c)) return; /* as decide() refuses a clipped one */
        accept(d, &c, shape, q);
    }
}

static void decide(psy_ppg_detector *d, const ppg_candidate *c)
{
    double shape[PPG_SHAPE];
    int have_shape = pulse_shape(d, c, shape);
    double q = have_shape && d->n_shapes >= 3 ? correlation(shape, d->template_sum) : NAN;
    if (clipped(d, c)) return;
    double ratio = d->cfg.amplitude_ratio;
    double med = d->n_amps >= 3 ? psy_small_median(d->amps, d->n_amps) : NAN;
    /* An amplitude far from the recent ones is an artefact unless the shape is a pulse's: finger
     * pulses shrink several-fold within a few beats when the vessels constrict (a sigh). */
    int odd_amplitude = ratio > 0 && (c->amplitude > ratio * med || c->amplitude * ratio < med);
    /* the floor moving more than that is never the pulse's shape, however like one it is */
    int shifted = ratio > 0 && fabs(floor_shift(d, c)) > ratio * med;
    int bad = (odd_amplitude && !(q >= PPG_SHAPE_TRUST)) || shifted || q < d->cfg.min_quality;
    /* An artefact ends at a clean pulse (Orphanidou et al. 2015, IEEE JBHI 19:832: a PPG is
     * usable at a template correlation of 0.86): the pulses on a motion's tail keep a pulse's
     * outline with their fiducial points moved. */
    if (d->artefact_open && d->cfg.resume_quality > 0 && !(q >= d->cfg.resume_quality)) bad = 1;
    if (!bad) {
        if (!d->artefact_open) search_back(d, c);
        accept(d, c, have_shape ? shape : NULL, q);
        return;
    }
    if (!d->artefact_open) {
        d->artefact_open = 1;
        d->artefact_start = (int64_t)floor(ppg_input_pos(d, (double)c->lo));
    }
    if (have_shape) {
        memcpy(d->rejects[d->n_rejects], shape, sizeof d->rejects[0]);
        d->reject_amps[d->n_rejects++] = c->amplitude;
        maybe_adopt_rejects(d);
    }
}

void ppg_decide_pending(psy_ppg_detector *d, int all)
{
    while (d->n_pend > 0) {
        const ppg_candidate *c = &d->pend[0];
        if (!all && (double)(d->f_done - c->peak_at - 2) <= 0.6 * pulse_interval(d) + 1) break;
        decide(d, c);
        memmove(d->pend, d->pend + 1, (size_t)(--d->n_pend) * sizeof d->pend[0]);
    }
}

void ppg_candidate_from_block(psy_ppg_detector *d, int64_t c0, int64_t c1)
{
    ppg_candidate c;
    if (!fiducials(d, c0, c1, &c)) return;
    if ((double)c.peak_at - d->last_cand_peak < (double)d->refractory) {
        /* Two candidates within the refractory period: the larger pulse, if still pending (its
         * foot then searched back from the candidate before). */
        ppg_candidate *last = d->n_pend ? &d->pend[d->n_pend - 1] : NULL;
        if (!last || (double)last->peak_at != d->last_cand_peak || !(c.amplitude > last->amplitude)) return;
        double keep = d->last_cand_peak;
        d->last_cand_peak = d->prev_cand_peak;
        if (fiducials(d, c0, c1, &c) && c.amplitude > last->amplitude) {
            *last = c;
            keep = (double)c.peak_at;
        }
        d->last_cand_peak = keep;
        return;
    }
    if (d->n_pend == PPG_PENDING) {
        decide(d, &d->pend[0]);
        memmove(d->pend, d->pend + 1, (size_t)(--d->n_pend) * sizeof d->pend[0]);
    }
    d->pend[d->n_pend++] = c;
    d->prev_cand_peak = d->last_cand_peak;
    d->last_cand_peak = (double)c.peak_at;
}

void ppg_segment_end(psy_ppg_detector *d, int64_t at)
{
    ppg_decide_pending(d, 1);
    if (d->artefact_open) {
        ppg_emit_unusable(d, d->artefact_start, at * d->k, PSY_PPG_ARTEFACT);
        d->artefact_open = 0;
    }
    d->last_accepted = -INFINITY;
    d->last_cand_peak = d->prev_cand_peak = -INFINITY;
}
