/* Streaming PPG pulse detector: input runs (gaps, flat, clipped), block means, filters, the
 * polarity decision and Elgendi's two moving averages (method and sources: include/psyphys/ppg.h). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ppg_internal.h"
#include "psy_core.h" /* psy_reserved_clear */

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

psy_ppg_detector_config psy_ppg_detector_config_default(double rate_hz)
{
    psy_ppg_detector_config c;
    memset(&c, 0, sizeof c);
    c.rate_hz = rate_hz;
    c.polarity = 0;
    c.polarity_s = 10.0;
    c.band_low_hz = 0.5; /* Elgendi et al. 2013: 2nd-order Butterworth 0.5-8 Hz */
    c.band_high_hz = 8.0;
    c.peak_window_s = 0.111;
    c.pulse_window_s = 0.667;
    c.offset_beta = 0.02;
    c.lowpass_hz = 12.0;
    c.refractory_s = 0.25;
    c.flat_s = 1.0;
    c.clip_s = 0.08;
    c.min_quality = 0.5;
    c.amplitude_ratio = 3.0;
    c.resume_quality = PPG_USABLE_QUALITY;
    return c;
}

const char *psy_ppg_reason_name(psy_ppg_reason reason)
{
    static const char *const names[PSY_PPG_REASON_COUNT] = {"missing", "flat", "clipped", "artefact"};
    return (unsigned)reason < PSY_PPG_REASON_COUNT ? names[reason] : "unknown";
}

static int config_ok(const psy_ppg_detector_config *c)
{
    return psy_reserved_clear(c->reserved) && c->rate_hz >= 25 && c->rate_hz <= 1000 && (c->polarity >= -1 && c->polarity <= 1) &&
           c->polarity_s >= 2 && c->polarity_s <= 30 && c->band_low_hz > 0 &&
           c->band_high_hz > c->band_low_hz && c->peak_window_s > 0 &&
           c->pulse_window_s > c->peak_window_s && c->pulse_window_s <= 2 && c->offset_beta >= 0 &&
           c->lowpass_hz > 0 && c->refractory_s > 0 && c->refractory_s < 2 && c->flat_s > 0 &&
           c->clip_s > 0 && c->clip_s < c->flat_s && c->min_quality <= 1 && c->amplitude_ratio >= 0 &&
           c->resume_quality >= 0 && c->resume_quality <= 1;
}

/* Odd window of about s seconds at the processing rate. */
static int64_t odd_window(double s, double rate)
{
    int64_t w = (int64_t)llround(s * rate);
    return w < 1 ? 1 : w | 1;
}

/* Windowed-sinc (Hamming) low-pass: linear phase, delay taps_half samples. */
static void design_lowpass(psy_ppg_detector *d)
{
    double fc = fmin(d->cfg.lowpass_hz, 0.4 * d->rate_p) / d->rate_p; /* cycles per sample */
    int64_t h = (int64_t)ceil(0.8 / fc);
    if (h > (PPG_MAX_TAPS - 1) / 2) h = (PPG_MAX_TAPS - 1) / 2;
    d->taps_half = h;
    double sum = 0;
    for (int64_t i = -h; i <= h; i++) {
        double sinc = i == 0 ? 2 * fc : sin(2 * M_PI * fc * (double)i) / (M_PI * (double)i);
        double w = 0.54 + 0.46 * cos(M_PI * (double)i / (double)(h + 1));
        d->taps[i + h] = sinc * w;
        sum += sinc * w;
    }
    for (int64_t i = 0; i <= 2 * h; i++) d->taps[i] /= sum;
}

static void clear_state(psy_ppg_detector *d)
{
    size_t head = offsetof(psy_ppg_detector, n);
    memset((char *)d + head, 0, offsetof(psy_ppg_detector, ring) - head);
    d->polarity = d->cfg.polarity;
    d->last_cand_peak = d->prev_cand_peak = -INFINITY;
    d->last_accepted = -INFINITY;
    for (int64_t i = 0; i < PPG_RINGS * d->ring_len; i++) d->ring[i] = NAN;
}

psy_status psy_ppg_detector_create(const psy_ppg_detector_config *config, psy_ppg_detector **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!config || !config_ok(config)) return PSY_E_INVALID;
    /* Above 250 Hz: block means down to 128-250 Hz (a pulse has nothing above 15 Hz). */
    int k = config->rate_hz > 250 ? (int)floor(config->rate_hz / 128.0) : 1;
    double rate_p = config->rate_hz / k;
    int64_t ring_len = 1, need = (int64_t)ceil((config->polarity_s + 8.0) * rate_p);
    while (ring_len < need) ring_len *= 2;
    psy_ppg_detector *d = calloc(1, sizeof *d + PPG_RINGS * (size_t)ring_len * sizeof(double));
    if (!d) return PSY_E_NOMEM;
    d->cfg = *config;
    d->k = k;
    d->rate_p = rate_p;
    d->ring_len = ring_len;
    d->w1 = odd_window(config->peak_window_s, rate_p);
    d->w2 = odd_window(config->pulse_window_s, rate_p);
    d->h1 = d->w1 / 2;
    d->h2 = d->w2 / 2;
    double high = fmin(config->band_high_hz, 0.4 * rate_p);
    psy_biquad_highpass(&d->hp, config->band_low_hz, rate_p);
    psy_biquad_lowpass(&d->lp, high, rate_p);
    /* The band-pass delays the moving averages' blocks; near a pulse's fundamental (~1.5 Hz). */
    d->delay_b = (int64_t)llround(psy_biquad_group_delay(&d->hp, 1.5, rate_p) +
                                  psy_biquad_group_delay(&d->lp, 1.5, rate_p));
    design_lowpass(d);
    d->refractory = (int64_t)llround(config->refractory_s * rate_p);
    d->pol_block = (int64_t)llround(2.0 * rate_p);
    d->pol_needed = d->pol_block * (int64_t)ceil(config->polarity_s / 2.0);
    d->settle_len = (int64_t)llround(1.0 * rate_p);
    d->lookback = (int64_t)ceil(4.0 * rate_p);
    d->flat_len = (int64_t)llround(config->flat_s * config->rate_hz);
    d->clip_len = (int64_t)llround(config->clip_s * config->rate_hz);
    if (d->clip_len < 3) d->clip_len = 3;
    if (d->flat_len <= d->clip_len) d->flat_len = d->clip_len + 1;
    d->env_rate = 1.0 / (3.0 * config->rate_hz);
    d->zbar_rate = 1.0 / (10.0 * rate_p);
    d->inv_k = 1.0 / k;
    clear_state(d);
    *out = d;
    return PSY_OK;
}

void psy_ppg_detector_reset(psy_ppg_detector *d)
{
    if (!d) return;
    psy_biquad_settle(&d->hp, 0);
    psy_biquad_settle(&d->lp, 0);
    clear_state(d);
}

psy_status psy_ppg_detector_copy(const psy_ppg_detector *d, psy_ppg_detector **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!d) return PSY_E_INVALID;
    size_t size = sizeof *d + PPG_RINGS * (size_t)d->ring_len * sizeof(double);
    psy_ppg_detector *c = malloc(size);
    if (!c) return PSY_E_NOMEM;
    memcpy(c, d, size);
    *out = c;
    return PSY_OK;
}

void psy_ppg_detector_destroy(psy_ppg_detector *d) { free(d); }

int psy_ppg_detector_polarity(const psy_ppg_detector *d) { return d ? d->polarity : 0; }

double psy_ppg_detector_latency(const psy_ppg_detector *d)
{
    if (!d) return 0;
    /* low-pass delay + centring of the moving averages + a block's end after its peak + the
     * quality window after the peak (0.6 of a 1.5-s pulse interval) + one block of input */
    return (double)(d->taps_half + d->h2 + d->w2) / d->rate_p + 0.9 + (double)d->k / d->cfg.rate_hz;
}

void ppg_emit_unusable(psy_ppg_detector *d, int64_t start, int64_t end, psy_ppg_reason reason)
{
    if (end <= start || d->unusable_count == PPG_QUEUE) return;
    d->unusable[(d->unusable_head + d->unusable_count++) % PPG_QUEUE] = (psy_ppg_unusable){start, end, reason};
}

/* ---- moving averages (stage B) ---- */

/* The squared positive part of the band-passed signal at j, computed once when stage B reaches
 * j (ppg_z holds it from then on). */
static inline double squared_part(psy_ppg_detector *d, int64_t j)
{
    double v = d->polarity * *ppg_y(d, j);
    return v > 0 ? v * v : 0;
}

/* Stage B at sample b: the moving averages centred at c = b - h2, the block logic. */
static void stage_b(psy_ppg_detector *d)
{
    int64_t b = d->b++;
    if (isnan(*ppg_y(d, b))) { /* a gap: start over after it */
        d->in_block = 0;
        ppg_segment_end(d, b);
        d->b_seg = b + 1;
        return;
    }
    double z = *ppg_z(d, b) = squared_part(d, b);
    int64_t from = d->b_seg + d->settle_len; /* the band-pass settles first */
    if (b - d->w2 + 1 < from) return;
    int64_t c = b - d->h2;
    if ((b - d->w2 + 1 - from) % d->w2 == 0) { /* exact sums now and then: no drift */
        d->sum_pulse = 0;
        for (int64_t j = b - d->w2 + 1; j <= b; j++) d->sum_pulse += *ppg_z(d, j);
        d->sum_peak = 0;
        for (int64_t j = c - d->h1; j <= c + d->h1; j++) d->sum_peak += *ppg_z(d, j);
    } else {
        d->sum_pulse += z - *ppg_z(d, b - d->w2);
        d->sum_peak += *ppg_z(d, c + d->h1) - *ppg_z(d, c - d->h1 - 1);
    }
    double ma_pulse = d->sum_pulse / (double)d->w2, ma_peak = d->sum_peak / (double)d->w1;
    if (!d->zbar_init) {
        d->zbar = ma_pulse;
        d->zbar_init = 1;
    }
    d->zbar += (z - d->zbar) * d->zbar_rate; /* the squared signal's mean over ~10 s */
    int above = ma_peak > ma_pulse + d->cfg.offset_beta * d->zbar;
    if (above && !d->in_block) {
        d->in_block = 1;
        d->block_start = c;
    } else if (!above && d->in_block) {
        d->in_block = 0;
        if (c - d->block_start >= d->w1) ppg_candidate_from_block(d, d->block_start, c);
    }
}

/* Stage B as far as the signal (and the polarity) allow. */
static void run_stage_b(psy_ppg_detector *d)
{
    if (!d->polarity) return;
    while (d->b < d->f_done) {
        stage_b(d);
        if (d->n_pend) ppg_decide_pending(d, 0);
    }
}

/* ---- processing level ---- */

static void decide_polarity(psy_ppg_detector *d)
{
    d->polarity = d->pol_votes >= 0 ? 1 : -1;
}

/* A pulse rises faster than it falls: in each 2-s block the steepest rise of the band-passed
 * signal outdoes its steepest fall (a vote per block, so that one artefact cannot decide). */
static void polarity_vote(psy_ppg_detector *d, double y)
{
    double dy = y - d->pol_prev;
    if (dy > d->pol_rise) d->pol_rise = dy;
    if (-dy > d->pol_fall) d->pol_fall = -dy;
    if (++d->pol_count % d->pol_block) return;
    d->pol_votes += d->pol_rise > d->pol_fall ? 1 : -1;
    d->pol_rise = d->pol_fall = 0;
    if (d->pol_count >= d->pol_needed) decide_polarity(d);
}

/* The low-pass at j over the segment's samples only (truncated at its edges). */
static void lowpass_at(psy_ppg_detector *d, int64_t j, int64_t seg_end)
{
    int64_t lo = j - d->taps_half < d->seg_start ? d->seg_start : j - d->taps_half;
    int64_t hi = j + d->taps_half >= seg_end ? seg_end - 1 : j + d->taps_half;
    const double *taps = d->taps + d->taps_half - j;
    double s = 0, w = 0;
    for (int64_t i = lo; i <= hi; i++) s += taps[i] * *ppg_x(d, i);
    if (hi - lo == 2 * d->taps_half) { /* the taps sum to 1 */
        *ppg_f(d, j) = s;
        return;
    }
    for (int64_t i = lo; i <= hi; i++) w += taps[i];
    *ppg_f(d, j) = s / w;
}

static void process_sample(psy_ppg_detector *d, double v)
{
    int64_t m = d->m++;
    if (isnan(v)) {
        if (d->seg_active)
            for (int64_t j = d->f_done; j < m; j++) lowpass_at(d, j, m);
        d->seg_active = 0;
        *ppg_x(d, m) = *ppg_y(d, m) = *ppg_f(d, m) = NAN;
        d->f_done = m + 1;
    } else {
        if (!d->seg_active) {
            d->seg_active = 1;
            d->seg_start = m;
            psy_biquad_settle(&d->hp, v);
            psy_biquad_settle(&d->lp, 0);
        }
        *ppg_x(d, m) = v;
        double y = psy_biquad_step(&d->lp, psy_biquad_step(&d->hp, v));
        *ppg_y(d, m) = y;
        *ppg_f(d, m) = NAN;
        if (!d->polarity && m - d->seg_start > d->settle_len) polarity_vote(d, y);
        d->pol_prev = y;
        int64_t j = m - d->taps_half;
        if (j >= d->seg_start) {
            lowpass_at(d, j, m + 1);
            d->f_done = j + 1;
        }
    }
    /* The ring would overwrite what stage B still needs: decide with what there is. */
    if (!d->polarity && m - d->b >= d->ring_len - d->lookback) decide_polarity(d);
    run_stage_b(d);
}

/* ---- input level ---- */

static void open_gap(psy_ppg_detector *d, int64_t at, psy_ppg_reason reason)
{
    d->gap_open = 1;
    d->gap_reason = reason;
    d->gap_start = at;
}

static void close_gap(psy_ppg_detector *d, int64_t at)
{
    if (!d->gap_open) return;
    d->gap_open = 0;
    ppg_emit_unusable(d, d->gap_start, at, d->gap_reason);
}

/* A run of equal values [run_start, n) ended: a plateau at the edge of the recent range between
 * two lower (or two higher) values is clipping. */
static void run_ended(psy_ppg_detector *d, double next)
{
    if (d->run_len < d->clip_len || d->run_len >= d->flat_len || isnan(d->before_run)) return;
    double v = d->last_x, range = d->env_hi - d->env_lo;
    int top = d->before_run < v && next < v && v >= d->env_hi - 0.02 * range;
    int bottom = d->before_run > v && next > v && v <= d->env_lo + 0.02 * range;
    if (!top && !bottom) return;
    psy_ppg_unusable u = {d->run_start, d->n, PSY_PPG_CLIPPED};
    d->clips[d->clip_next] = u;
    d->clip_next = (d->clip_next + 1) % PPG_CLIPS;
    if (d->n_clips < PPG_CLIPS) d->n_clips++;
    ppg_emit_unusable(d, u.start, u.end, u.reason);
}

static void input_sample(psy_ppg_detector *d, double x)
{
    int flat = 0;
    if (isnan(x)) {
        if (d->gap_open && d->gap_reason != PSY_PPG_MISSING) close_gap(d, d->n);
        if (!d->gap_open) open_gap(d, d->n, PSY_PPG_MISSING);
        d->have_last = 0;
        d->run_len = 0;
        d->before_run = NAN;
    } else {
        if (d->gap_open && d->gap_reason == PSY_PPG_MISSING) close_gap(d, d->n);
        if (!d->env_init) {
            d->env_hi = d->env_lo = x;
            d->env_init = 1;
        }
        double range = d->env_hi - d->env_lo;
        double hi = d->env_hi - range * d->env_rate, lo = d->env_lo + range * d->env_rate;
        d->env_hi = x > hi ? x : hi;
        d->env_lo = x < lo ? x : lo;
        if (d->have_last && x == d->last_x) {
            if (++d->run_len == d->flat_len) open_gap(d, d->run_start, PSY_PPG_FLAT);
        } else {
            if (d->have_last) run_ended(d, x);
            if (d->gap_open && d->gap_reason == PSY_PPG_FLAT) close_gap(d, d->n);
            d->before_run = d->have_last ? d->last_x : NAN;
            d->last_x = x;
            d->have_last = 1;
            d->run_start = d->n;
            d->run_len = 1;
        }
        flat = d->gap_open && d->gap_reason == PSY_PPG_FLAT;
    }
    d->n++;
    d->block_sum += x;
    d->block_nan |= isnan(x) || flat;
    if (++d->block_count == d->k) {
        process_sample(d, d->block_nan ? NAN : d->k == 1 ? d->block_sum : d->block_sum * d->inv_k);
        d->block_sum = 0;
        d->block_count = 0;
        d->block_nan = 0;
    }
}

psy_status psy_ppg_detector_push(psy_ppg_detector *d, const double *x, size_t n, size_t *used)
{
    if (used) *used = 0;
    if (!d || (!x && n) || d->finished) return PSY_E_INVALID;
    size_t i = 0;
    for (; i < n; i++) {
        if (PPG_QUEUE - d->pulse_count < PPG_ROOM || PPG_QUEUE - d->unusable_count < PPG_ROOM) break;
        input_sample(d, x[i]);
    }
    if (used) *used = i;
    return PSY_OK;
}

psy_status psy_ppg_detector_finish(psy_ppg_detector *d)
{
    if (!d || d->finished) return PSY_E_INVALID;
    d->finished = 1;
    if (!d->polarity) decide_polarity(d);
    if (d->seg_active) {
        for (int64_t j = d->f_done; j < d->m; j++) lowpass_at(d, j, d->m);
        d->f_done = d->m;
    }
    run_stage_b(d);
    if (d->in_block && d->b - d->h2 - d->block_start >= d->w1)
        ppg_candidate_from_block(d, d->block_start, d->b - d->h2);
    d->in_block = 0;
    ppg_segment_end(d, d->m);
    if (d->have_last) run_ended(d, NAN);
    close_gap(d, d->n);
    return PSY_OK;
}

size_t psy_ppg_detector_pop_pulses(psy_ppg_detector *d, psy_ppg_pulse *out, size_t max)
{
    size_t k = 0;
    if (!d || !out) return 0;
    for (; k < max && d->pulse_count > 0; k++) {
        out[k] = d->pulses[d->pulse_head];
        d->pulse_head = (d->pulse_head + 1) % PPG_QUEUE;
        d->pulse_count--;
    }
    return k;
}

size_t psy_ppg_detector_pop_unusable(psy_ppg_detector *d, psy_ppg_unusable *out, size_t max)
{
    size_t k = 0;
    if (!d || !out) return 0;
    for (; k < max && d->unusable_count > 0; k++) {
        out[k] = d->unusable[d->unusable_head];
        d->unusable_head = (d->unusable_head + 1) % PPG_QUEUE;
        d->unusable_count--;
    }
    return k;
}
