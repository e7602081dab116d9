/* Streaming breath detection (see include/psyphys/resp.h for the method). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "biquad.h"
#include "psyphys/resp.h"
#include "psy_core.h" /* psy_reserved_clear */
#include "resp_internal.h"
#include "small_median.h"

#define QUEUE 64
#define DEPTHS 5
#define SETTLE_S 20.0 /* the look-ahead that sizes the first breaths (settle_scale): at the start,
                       * and after a gap that came before DEPTHS breaths were sized */
#define SWINGS 256    /* the most swings it weighs; more is noise, not breathing */
#define HOLD_S 8.0    /* the least a closed breath is held for a second hump or a paused
                       * expiration to join it (close_breath, hold) */
#define HOLD_MAX_S 20.0 /* the most, whatever the typical breath: a breath-hold stays bounded */
#define START_LEVEL 0.1 /* the start is a breath's trough within this share of its fall above the
                         * trough that closes it (close_breath) */

typedef struct extreme {
    int64_t at;
    double value;
} extreme;

/* A closed breath held back until the next one shows whether its end was a true expiration. */
typedef struct held_breath {
    psy_breath b;
    double onset_v, peak_v, end_v; /* the signal at its trough, its last confirmed peak, its end */
    double top_v;                  /* the signal at b.peak, its highest point */
    int paused;                    /* a paused expiration already joined it */
    int64_t release_at;            /* the sample it is queued at, whatever comes: the hold after
                                    * the trough that first closed it */
    int have;
} held_breath;

struct psy_resp_detector {
    psy_resp_config cfg;
    psy_biquad hp, lp, lp_raw; /* the band-pass; the low-pass alone, where breaths are found */
    double power_alpha;     /* 1 / (10 s in samples) */
    int64_t delay_band, delay_raw; /* group delays at 15 /min (samples), taken off the times */
    int64_t hold_min, hold_max; /* HOLD_S and HOLD_MAX_S in samples */
    int64_t edge;           /* a quarter period at the low-pass's cut-off (samples): the least time
                             * the low-passed signal takes to turn from falling to rising, so a
                             * lowest point this long before the end is a trough, not the end
                             * cutting a fall */
    int derived;            /* a derived series (resp_internal.h) */
    int64_t n;              /* samples consumed */
    int restart;            /* the next valid sample restarts the filters */
    int seeking;            /* +1 a peak (after a trough), -1 a trough, 0 not yet started */
    extreme track;          /* the extreme since the last confirmed one */
    double last_value;      /* the last confirmed extreme's value: the swing since it sizes the
                             * hysteresis (swing_hysteresis) */
    double power;           /* running mean of y^2 (10 s, samples capped): sizes the breaths */
    int64_t level_samples;  /* samples in it since the filters (re)started (seed: as if 10 s) */
    int64_t since_start;    /* samples since the filters (re)started (seed: as if 2 s) */
    int64_t start;          /* the sample they (re)started at */
    int have_trough, have_peak;
    extreme trough, peak;   /* the breath being assembled */
    int trough_is_start;    /* its trough is the lowest point at the start (close_breath) */
    extreme top;            /* the low-passed maximum from the breath's trough on */
    extreme top_after;      /* the same from the trough being tracked on (the next breath's) */
    double depth[DEPTHS];   /* the amplitudes of the last breaths (ring) */
    double length[DEPTHS];  /* their durations (samples; 0 unknown), the same ring */
    int n_depth;            /* breaths in it since the look-ahead began (its typical breath counts
                             * DEPTHS); a gap keeps them once there are DEPTHS (detect) */
    held_breath held;       /* the last closed breath, not yet queued (impedance, belts) */
    int64_t first_at;       /* the first sample tracked since the filters (re)started */
    double *look;           /* the first SETTLE_S of samples from the start, or from a restart
                             * before DEPTHS breaths were sized (settle_scale) */
    int64_t look_cap, look_n; /* its room and the samples in it */
    int settling;           /* samples go into look until it is full, a gap or the end */
    int64_t replay;         /* the next sample of look to detect on once settled (backlog: look_n) */
    int closed;             /* the end of the record has been handled (finish) */
    int seeded;             /* the first breaths since the filters (re)started are sized (seed): by
                             * the look-ahead (settle), or after a gap by the breaths before it */
    psy_breath queue[QUEUE];
    int head, count;
    int finished;
};

psy_resp_config psy_resp_config_default(double rate_hz)
{
    psy_resp_config c = {rate_hz, 0.02, 1.0, 0.3, 0.3, {0}};
    return c;
}

static int valid_config(const psy_resp_config *c)
{
    return c && psy_reserved_clear(c->reserved) && c->rate_hz >= 4 && c->rate_hz <= 20000 && c->band_low_hz > 0 &&
           c->band_high_hz > c->band_low_hz && c->band_low_hz < 0.45 * c->rate_hz &&
           c->hysteresis >= 0 && c->hysteresis < 1 && c->min_amplitude >= 0 &&
           c->min_amplitude < 1;
}

static void configure(psy_resp_detector *d)
{
    const psy_resp_config *c = &d->cfg;
    psy_biquad_highpass(&d->hp, c->band_low_hz, c->rate_hz);
    double cutoff = fmin(c->band_high_hz, 0.45 * c->rate_hz);
    psy_biquad_lowpass(&d->lp, cutoff, c->rate_hz);
    psy_biquad_lowpass(&d->lp_raw, cutoff, c->rate_hz);
    d->power_alpha = 1.0 / (10.0 * c->rate_hz);
    double f = fmin(0.25, 0.5 * c->band_high_hz);
    d->delay_band = llround(psy_biquad_group_delay(&d->hp, f, c->rate_hz) +
                            psy_biquad_group_delay(&d->lp, f, c->rate_hz));
    d->delay_raw = llround(psy_biquad_group_delay(&d->lp_raw, f, c->rate_hz));
    d->edge = llround(0.25 / cutoff * c->rate_hz);
    d->hold_min = llround(HOLD_S * c->rate_hz);
    d->hold_max = llround(HOLD_MAX_S * c->rate_hz);
}

psy_status psy_resp_detector_create(const psy_resp_config *config, psy_resp_detector **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!valid_config(config)) return PSY_E_INVALID;
    psy_resp_detector *d = calloc(1, sizeof *d);
    if (!d) return PSY_E_NOMEM;
    d->look_cap = (int64_t)ceil(SETTLE_S * config->rate_hz);
    d->look = malloc((size_t)d->look_cap * sizeof *d->look);
    if (!d->look) {
        free(d);
        return PSY_E_NOMEM;
    }
    d->cfg = *config;
    psy_resp_detector_reset(d);
    *out = d;
    return PSY_OK;
}

void psy_resp_detector_reset(psy_resp_detector *d)
{
    if (!d) return;
    psy_resp_config cfg = d->cfg;
    int derived = d->derived;
    double *look = d->look;
    int64_t look_cap = d->look_cap;
    memset(d, 0, sizeof *d);
    d->cfg = cfg;
    d->derived = derived;
    d->look = look, d->look_cap = look_cap;
    configure(d);
    d->restart = 1;
}

/* The typical breath's size: a sinusoid's peak-to-trough (2.8 rms) over the last 10 s of the
 * band-passed signal. It follows the signal itself, not the breaths accepted so far, so it comes
 * down within seconds when breathing turns shallow (an amplitude learnt from deep breaths kept
 * rejecting the shallow ones that followed: MARSH's impedance records lost 36-157 s of breaths).
 * Once DEPTHS breaths are known, no more than their median depth: a sigh or a movement artefact
 * raises the power for the 10 s that follow, and the shallower breaths after it were merged
 * (MARSH 0017 at 480 s). A threshold relative to the recent breaths' depth is Schäfer &
 * Kratky's (2008: 0.3 of the third quartile of a window's swings), here the median of the last
 * breaths, so that a sigh or two does not move it, and causal. */
static double breath_scale(const psy_resp_detector *d)
{
    double s = 2.8 * sqrt(d->power);
    return d->n_depth >= DEPTHS && !d->derived ? fmin(s, psy_small_median(d->depth, DEPTHS)) : s;
}

/* How far the signal must come back from the extreme being tracked to confirm it: the
 * hysteresis share of the typical breath, or half the swing that led to the extreme when that is
 * less, but no less than half the hysteresis share. A shallow breath is confirmed once it
 * crosses the midline of its own swing, the level criterion of Count-orig (Schäfer & Kratky
 * 2008: a trough below the signal's mean, a peak above a share of the typical peak) applied to
 * each swing, so that breaths half as deep as the last ones are not merged into them (MARSH 0214
 * at 712 s after two sighs, 1337 at 742 s); a large swing keeps the hysteresis of the typical
 * breath. A derived series keeps the fixed share (resp_internal.h). */
static double swing_hysteresis(const psy_resp_detector *d, double scale)
{
    double h = d->cfg.hysteresis * scale;
    if (d->derived || !d->seeking) return h;
    return fmin(h, fmax(0.5 * h, 0.5 * fabs(d->track.value - d->last_value)));
}

static void release_held(psy_resp_detector *d)
{
    if (!d->held.have) return;
    d->queue[(d->head + d->count) % QUEUE] = d->held.b;
    d->count++;
    d->held.have = 0;
}

/* Two maxima without an expiration between them are one breath: the trough that separates the
 * held breath from the next lies in the upper half of both the rise before it (the held breath's
 * peak above its onset) and the rise after it (the next peak above the next breath's end) — the
 * volume never fell back past the middle of either swing, so no air left the lungs in between:
 * an inspiration with a pause (a double hump: MARSH 5329 at 303, 353, 578 and 583 s) or a ripple
 * on a movement's swing (1337 at 71 s). Count-orig counts a breath only across a trough below the
 * midline (Schäfer & Kratky 2008; the best of the counting methods in Charlton et al. 2016);
 * here the midline is each swing's own. The merged breath's end of inspiration is its highest
 * point, as for any breath; its amplitude is the last peak over the mean of its outer troughs. */
static int one_breath_with_held(const held_breath *h, const held_breath *c)
{
    return h->have && h->peak_v - h->end_v < 0.5 * (h->peak_v - h->onset_v) &&
           c->peak_v - c->onset_v < 0.5 * (c->peak_v - c->end_v);
}

/* A rise less than a fifth of the fall after it is no inspiration but a pause in an expiration:
 * a hump on the fall (a movement's swing: MARSH 1337 at 77 s, a rise an eighth of the fall after
 * it), so the held breath's expiration goes on to the next trough. Count-orig counts a breath
 * only from a trough below the midline (Schäfer & Kratky 2008); a trough in the top fifth of the
 * fall that follows it is above any midline of that expiration. A fifth, not the midline itself:
 * breaths that start from an incomplete expiration, a third to a half of the way up their fall,
 * are breaths in MARSH (1337 at 68 s). Only while the held breath's expiration has not come back
 * to its onset's level (within a tenth of its rise): once it has, the expiration is whole and
 * what rises next is a breath, however deep the fall after it (a falling baseline makes every
 * fall deeper than its rise: the rule merged 20 s of breaths; NeuroKit's bio_resting_5min at
 * 224 s, a breath from the usual end-expiratory level before a steep fall). And once per held
 * breath, so a pause delays a breath's report by one breath at most. The double hump is tested first
 * (its dip lies in the upper half of the rise before it; a paused expiration's trough lies
 * lower). */
static int pause_in_expiration(const held_breath *h, const held_breath *c)
{
    return h->have && !h->paused && h->end_v > h->onset_v + 0.1 * (h->peak_v - h->onset_v) &&
           c->peak_v - c->onset_v < 0.2 * (c->peak_v - c->end_v);
}

/* The held breath goes on to the end of c, a part of it: its end of inspiration is the highest
 * point of the two, its amplitude its last confirmed peak (the double hump's second, the held
 * breath's own after a paused expiration) over the mean of its outer troughs. */
static void extend_held(psy_resp_detector *d, const held_breath *c)
{
    held_breath *h = &d->held;
    h->b.end = c->b.end, h->end_v = c->end_v;
    if (c->top_v > h->top_v) h->b.peak = c->b.peak, h->top_v = c->top_v;
    h->b.amplitude = h->peak_v - 0.5 * (h->onset_v + h->end_v);
    d->depth[(d->n_depth - 1) % DEPTHS] = h->b.amplitude;
    d->length[(d->n_depth - 1) % DEPTHS] = (double)(h->b.end - h->b.onset);
}

/* How long a closed breath waits for a second hump or a resumed expiration to join it: 1.2
 * typical breaths (the median duration of the last ones, merged breaths whole), at least HOLD_S,
 * at most HOLD_MAX_S. Scaled with the breathing, not fixed: at resonance breathing (4-6 /min,
 * HRV biofeedback) an inspiratory pause's dip comes 10 s or more before the breath's end, and a
 * fixed 8 s split such breaths in two. Not the held breath's own duration: that is the first
 * hump's. */
static int64_t hold(const psy_resp_detector *d)
{
    double typical = 1.2 * psy_small_median(d->length, DEPTHS);
    return typical > (double)d->hold_max ? d->hold_max
         : typical > (double)d->hold_min ? (int64_t)typical : d->hold_min;
}

/* A trough closes the breath trough -> peak -> this trough, unless it is too small to be one
 * (then the deeper trough starts the breath still being assembled, or the breath goes on). A
 * closed breath is held until the next closes (one_breath_with_held, pause_in_expiration), then
 * queued. */
static void close_breath(psy_resp_detector *d, extreme t)
{
    if (!d->have_trough || !d->have_peak) {
        /* the lowest point at the start (within edge of the first sample tracked) and the signal
         * past the hysteresis above it within 1.5 edges (3/8 of a period of the low-pass's
         * cut-off: little more than the low-pass's own delay, 0.9 edge): the signal was rising
         * when the record began, so the start cut an inspiration and is no trough (MARSH 2655 at
         * 0.66 edge, NeuroKit's bio_resting_5min at 1.24); a trough's turn, or an end-expiratory
         * pause, keeps the signal near it longer (1337: 1.66 edges, 0037: 6). A start that rose
         * more slowly is a trough only if it lies within START_LEVEL of the first breath's fall
         * above the trough that closes it (the end-expiratory level, as end_of_record asks of
         * the end's); else the start cut an inspiration (4-s breaths from 0.1 of their period:
         * a breath 0 .. 3.56 s) and that first breath is dropped when it closes. */
        int at_start = t.at - d->first_at < d->edge;
        if (at_start && 2 * (d->n - 1 - d->first_at) < 3 * d->edge) {
            d->top = d->top_after;
            return;
        }
        d->trough = t, d->have_trough = 1, d->have_peak = 0;
        d->trough_is_start = at_start;
        d->top = d->top_after;
        return;
    }
    double amp = d->peak.value - 0.5 * (d->trough.value + t.value);
    if (amp < d->cfg.min_amplitude * breath_scale(d)) {
        if (t.value < d->trough.value) d->trough = t, d->top = d->top_after, d->trough_is_start = 0;
        else if (d->top_after.value > d->top.value) d->top = d->top_after;
        d->have_peak = 0;
        return;
    }
    int start_cut = d->trough_is_start && !d->derived &&
                    d->trough.value - t.value > START_LEVEL * (d->peak.value - t.value);
    d->trough_is_start = 0;
    if (start_cut) { /* the start cut an inspiration: a partial breath, not reported */
        d->trough = t;
        d->top = d->top_after;
        d->have_peak = 0;
        return;
    }
    int64_t delay = d->derived ? d->delay_band : d->delay_raw;
    int64_t onset = d->trough.at - delay, end = t.at - delay, peak = d->top.at - d->delay_raw;
    if (onset < d->start) onset = d->start;
    peak = peak <= onset ? onset + 1 : peak >= end ? end - 1 : peak;
    held_breath c = {{onset, peak, end, amp}, d->trough.value, d->peak.value, t.value, d->top.value, 0,
                     t.at + hold(d), 1};
    held_breath *h = &d->held;
    if (!d->derived && one_breath_with_held(h, &c)) {
        h->peak_v = c.peak_v;
        extend_held(d, &c);
    } else if (!d->derived && pause_in_expiration(h, &c)) {
        extend_held(d, &c);
        h->paused = 1;
    } else {
        release_held(d);
        *h = c;
        d->length[d->n_depth % DEPTHS] = (double)(end - onset);
        d->depth[d->n_depth++ % DEPTHS] = amp;
        if (d->derived) release_held(d);
    }
    d->trough = t;
    d->top = d->top_after;
    d->have_peak = 0;
}

typedef struct swing {
    double size;
    int64_t len; /* samples */
} swing;

static double swing_size(const swing *s) { return s->size; }
static double swing_len(const swing *s) { return (double)s->len; }

/* The value of key at the median of the k swings weighted by their duration: the value the signal
 * spends half its time in. An insertion sort in place (k <= SWINGS, once per look-ahead): qsort
 * may allocate, and nothing is allocated after create. */
static double time_median(swing *s, size_t k, double (*key)(const swing *))
{
    for (size_t i = 1; i < k; i++) {
        swing v = s[i];
        size_t j = i;
        for (; j > 0 && key(&s[j - 1]) > key(&v); j--) s[j] = s[j - 1];
        s[j] = v;
    }
    int64_t total = 0, sum = 0;
    for (size_t i = 0; i < k; i++) total += s[i].len;
    size_t i = 0;
    while ((sum += s[i].len) < (total + 1) / 2) i++;
    return key(&s[i]);
}

/* The typical breath of the look-ahead, the first n samples of look: the size of the swings
 * between successive extremes of the signal (hysteresis 2 % of its range), weighted by their
 * duration, at the median — the swing the signal spends half its time in. Count-adv sizes
 * breaths by the third quartile of a window's swings (Schäfer & Kratky 2008: 0.3 of it, as
 * min_amplitude here); weighted by time, a start-up step or a movement (one short swing ten times
 * a breath: MARSH 2655's first 3 s) does not raise it. The swings are those of the signal
 * low-passed once more at half the band's top (smoother): the cardiac oscillation of impedance
 * pneumography (at the heart rate, 1-1.8 Hz at rest) passes the band's 1-Hz low-pass half-damped,
 * and its many half-second swings outnumbered slow breaths in time (MARSH 8000 with a 10-s
 * look-ahead: sized by them, ripples became breaths and, through the recent depths, stayed
 * breaths). NaN for fewer than 3 swings (a breath and a half) or more than SWINGS (noise). The
 * typical breath's duration (samples, 0 without) in *length: twice its median swing's, weighted by
 * time likewise, a double hump's two rises one swing (join_small_swings). */
static void smoother(const psy_resp_detector *d, psy_biquad f[2])
{
    /* as settled at the restart, where the detection starts again. A derived series is detected
     * on its band-passed signal (y), yet sized here from the low-passed one: the two differ by
     * the baseline's drift under the 0.02-Hz high-pass, little over a breath's swing, and a
     * derived series is sized by the level alone (breath_scale), which the look-ahead only
     * starts: it follows the band-passed signal's power within 10 s */
    f[0] = d->lp_raw;
    psy_biquad_lowpass(&f[1], 0.5 * fmin(d->cfg.band_high_hz, 0.45 * d->cfg.rate_hz), d->cfg.rate_hz);
    psy_biquad_settle(&f[1], d->look[0]);
}

static double smooth(psy_biquad f[2], double x) { return psy_biquad_step(&f[1], psy_biquad_step(&f[0], x)); }

/* The swings of the smoothed first n samples of look between extremes confirmed by h, into s
 * (at most SWINGS); how many. */
static size_t look_swings(const psy_resp_detector *d, int64_t n, double h, swing *s)
{
    psy_biquad lp[2];
    smoother(d, lp);
    size_t k = 0;
    int dir = 0;
    extreme last = {0, 0}, track = {0, 0}, min = {0, INFINITY}, max = {0, -INFINITY};
    for (int64_t i = 0; i < n && k < SWINGS; i++) {
        double z = smooth(lp, d->look[i]);
        if (dir == 0) { /* the first extreme: the earlier of the lowest and highest point once
                         * they lie h apart */
            if (z < min.value) min = (extreme){i, z};
            if (z > max.value) max = (extreme){i, z};
            if (max.value - min.value > h) {
                dir = max.at > min.at ? 1 : -1;
                last = dir > 0 ? min : max, track = dir > 0 ? max : min;
            }
        } else if (dir * (z - track.value) > 0) {
            track = (extreme){i, z};
        } else if (dir * (track.value - z) > h) {
            s[k++] = (swing){fabs(track.value - last.value), track.at - last.at};
            last = track, track = (extreme){i, z}, dir = -dir;
        }
    }
    return k;
}

/* Joins swing i with its neighbours when it lies in the upper half of the swing before it and the
 * swing after it is less than half the one after that (k swings in s; how many remain): a double
 * hump's dip, no expiration of its own, as the detector decides (one_breath_with_held). */
static size_t join_small_swings(swing *s, size_t k)
{
    size_t i = 1;
    while (i + 2 < k) {
        if (s[i].size < 0.5 * s[i - 1].size && s[i + 1].size < 0.5 * s[i + 2].size) {
            s[i - 1].size += s[i + 1].size - s[i].size;
            s[i - 1].len += s[i].len + s[i + 1].len;
            memmove(&s[i], &s[i + 2], (k - i - 2) * sizeof *s);
            k -= 2;
        } else {
            i++;
        }
    }
    return k;
}

static double settle_scale(const psy_resp_detector *d, int64_t n, double *length)
{
    *length = 0;
    if (n < 1) return NAN;
    psy_biquad lp[2];
    smoother(d, lp);
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
        double z = smooth(lp, d->look[i]);
        lo = fmin(lo, z), hi = fmax(hi, z);
    }
    if (!(hi - lo > 0)) return NAN;
    swing s[SWINGS], sorted[SWINGS];
    size_t k = look_swings(d, n, 0.02 * (hi - lo), s);
    if (k < 3 || k == SWINGS) return NAN;
    memcpy(sorted, s, k * sizeof *s);
    double scale = time_median(sorted, k, swing_size);
    k = join_small_swings(s, k);
    if (k >= 2) *length = 2 * time_median(s, k, swing_len);
    return scale;
}

/* The first breaths sized by a typical breath of the given depth: as if the level had been that
 * breath's for 10 s, the detection from the first sample. */
static void seed(psy_resp_detector *d, double scale)
{
    d->power = (scale / 2.8) * (scale / 2.8);
    d->level_samples = (int64_t)(10.0 * d->cfg.rate_hz);
    d->since_start = (int64_t)(2.0 * d->cfg.rate_hz);
    d->seeded = 1;
}

/* The look-ahead is complete (full, a gap, or the end): the first breaths are sized by its typical
 * breath, as if DEPTHS breaths of that depth had gone before and the level had been that
 * breath's for 10 s, and the detection starts at its first sample; then its samples are detected
 * on (work). Without a typical breath (a short or flat stretch) the level is the running mean of
 * the samples and the detection starts 2 s in, as before the look-ahead. */
static void settle(psy_resp_detector *d)
{
    int64_t n = d->look_n - (d->look_n > 0 && isnan(d->look[d->look_n - 1]));
    double length;
    double scale = settle_scale(d, n, &length);
    if (scale > 0) {
        for (int i = 0; i < DEPTHS; i++) d->depth[i] = scale, d->length[i] = length;
        d->n_depth = DEPTHS;
        seed(d, scale);
    }
    d->settling = 0;
    d->replay = 0;
}

static void detect(psy_resp_detector *d, double x)
{
    if (isnan(x)) { /* a gap: nothing spans it */
        release_held(d);
        d->restart = 1;
        d->seeking = 0;
        d->have_trough = d->have_peak = 0;
        d->n++;
        return;
    }
    if (d->restart) { /* the filters settle on this sample */
        psy_biquad_settle(&d->hp, x);
        psy_biquad_settle(&d->lp, 0.0);
        psy_biquad_settle(&d->lp_raw, x);
        d->restart = 0;
        d->start = d->n;
        d->since_start = 0;
        d->level_samples = 0;
        d->seeded = 0;
        if (d->n_depth >= DEPTHS) { /* after a gap, the breaths before it size the first ones
                                     * after it, at once: no look-ahead (a live stream's gaps) */
            seed(d, psy_small_median(d->depth, DEPTHS));
        } else { /* this sample starts the look-ahead */
            d->power = 0;
            d->n_depth = 0;
            memset(d->length, 0, sizeof d->length);
            d->settling = 1;
            d->look_n = d->replay = 0;
            d->look[d->look_n++] = x;
            return;
        }
    }
    double y = psy_biquad_step(&d->lp, psy_biquad_step(&d->hp, x));
    extreme z = {d->n, psy_biquad_step(&d->lp_raw, x)};
    int64_t at = d->n++;
    if (d->held.have && at >= d->held.release_at) release_held(d);
    /* each sample counts up to (2 rms)^2 once the first 2 s have set the level: a sinusoid's
     * peak is 1.4 rms, so a deeper breath raises the level, while a movement artefact's step
     * (thousands of times the breathing power) cannot hold it up for the minute its high-pass
     * response lasts */
    double y2 = d->since_start < (int64_t)(2.0 * d->cfg.rate_hz) ? y * y : fmin(y * y, 4.0 * d->power);
    /* until 10 s have passed, the mean of the samples so far: a running mean started at 0 made
     * the first breaths' level a fraction of theirs, so noise and cardiac ripples became breaths
     * (MARSH 8000, 8.7 /min: three false breaths in its first 10 s) */
    double alpha = fmax(d->power_alpha, 1.0 / (double)(++d->level_samples));
    d->power += (y2 - d->power) * alpha;
    double delta = swing_hysteresis(d, breath_scale(d));
    /* the end of inspiration is the maximum of the low-passed signal between the breath's
     * troughs: the high-pass tilts a breath's plateau and moves its band-passed peak */
    if (z.value > d->top_after.value) d->top_after = z;
    /* the extremes are those of the low-passed signal too: after a step of the baseline (a
     * movement, a sigh) the high-pass's response decays over ~10 s, and the shallow breaths
     * riding on it lost their troughs (MARSH 2655 at 22-45 s); the band-passed signal sizes them.
     * A derived series keeps the band-passed extremes (resp_internal.h). */
    double v = d->derived ? y : z.value;
    if (d->seeking == 0) { /* a trough first: from the start once seeded, else after 2 s */
        if (!d->seeded && ++d->since_start < (int64_t)(2.0 * d->cfg.rate_hz)) return;
        d->track = (extreme){at, v};
        d->first_at = at;
        d->last_value = v;
        d->top_after = z;
        d->seeking = -1;
        return;
    }
    if (d->seeking > 0) {
        if (v > d->track.value) d->track = (extreme){at, v};
        else if (v < d->track.value - delta) { /* the peak is confirmed */
            if (d->have_trough) d->peak = d->track, d->have_peak = 1;
            d->last_value = d->track.value;
            d->seeking = -1;
            d->track = (extreme){at, v};
        }
    } else {
        if (v < d->track.value) { /* a new trough candidate: what came before is this breath's */
            d->track = (extreme){at, v};
            if (d->top_after.value > d->top.value) d->top = d->top_after;
            d->top_after = z;
        } else if (v > d->track.value + delta) { /* the trough is confirmed */
            close_breath(d, d->track);
            d->last_value = d->track.value;
            d->seeking = +1;
            d->track = (extreme){at, v};
        }
    }
}

/* The record ends after the last end of inspiration: its breath is whole when the signal had
 * stopped falling before the end (the end-expiratory pause: MARSH 1337 and 2655 end in it), its
 * lowest point then the trough; a record cut while the signal still falls leaves that breath
 * open, and an open breath is not a breath. A derived series leaves it open (resp_internal.h). */
static void end_of_record(psy_resp_detector *d)
{
    if (!d->derived && d->seeking < 0 && d->have_peak && d->n - 1 - d->track.at >= d->edge)
        close_breath(d, d->track);
    release_held(d);
}

/* Detects on the look-ahead's samples once it is settled, then handles the record's end once
 * finished, while the queue has room (a sample closes two breaths at most). */
static void work(psy_resp_detector *d)
{
    while (!d->settling && d->replay < d->look_n && d->count < QUEUE - 2) detect(d, d->look[d->replay++]);
    if (d->finished && !d->closed && !d->settling && d->replay == d->look_n && d->count < QUEUE - 2) {
        end_of_record(d);
        d->closed = 1;
    }
}

void psy_resp_detector_derived(psy_resp_detector *d)
{
    if (d) d->derived = 1;
}

psy_status psy_resp_detector_push(psy_resp_detector *d, const double *x, size_t n, size_t *used)
{
    if (used) *used = 0;
    if (!d || (!x && n) || d->finished) return PSY_E_INVALID;
    size_t i = 0;
    for (;;) {
        work(d);
        if (i == n || d->count >= QUEUE - 2 || (!d->settling && d->replay < d->look_n)) break;
        if (d->settling) {
            d->look[d->look_n++] = x[i];
            if (isnan(x[i]) || d->look_n == d->look_cap) settle(d);
        } else {
            detect(d, x[i]);
        }
        i++;
    }
    if (used) *used = i;
    return PSY_OK;
}

psy_status psy_resp_detector_finish(psy_resp_detector *d)
{
    if (!d || d->finished) return PSY_E_INVALID;
    d->finished = 1;
    if (d->settling) settle(d);
    work(d);
    return PSY_OK;
}

size_t psy_resp_detector_pop(psy_resp_detector *d, psy_breath *out, size_t max)
{
    size_t k = 0;
    if (!d || !out) return 0;
    while (k < max) {
        if (d->count == 0) work(d);
        if (d->count == 0) break;
        out[k++] = d->queue[d->head];
        d->head = (d->head + 1) % QUEUE;
        d->count--;
    }
    return k;
}

psy_status psy_resp_detector_copy(const psy_resp_detector *d, psy_resp_detector **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!d) return PSY_E_INVALID;
    psy_resp_detector *c = malloc(sizeof *c);
    double *look = malloc((size_t)d->look_cap * sizeof *look);
    if (!c || !look) {
        free(c);
        free(look);
        return PSY_E_NOMEM;
    }
    *c = *d;
    c->look = look;
    memcpy(look, d->look, (size_t)d->look_n * sizeof *look);
    *out = c;
    return PSY_OK;
}

void psy_resp_detector_destroy(psy_resp_detector *d)
{
    if (!d) return;
    free(d->look);
    free(d);
}
