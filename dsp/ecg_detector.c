/* Streaming R-peak detector (see include/psyphys/ecg.h for the method and its sources). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "biquad.h"
#include "qrs_shapes.h"
#include "small_median.h"
#include "psyphys/ecg.h"
#include "psy_core.h" /* psy_reserved_clear */

#define LEVELS 8        /* medians over the last 8 QRS / noise peaks and RR (Hamilton 1986) */
#define CANDIDATES 32   /* peaks kept since the last beat, for search-back */
#define QUEUE 256       /* output queue length (beats, gaps) */
#define LEARN_S 2.0     /* initial learning period */
/* The decision stage compares each QRS with running templates of the recording's beats (see
 * qrs_shapes.h): correlations of the QRS +-SHAPE_HALF_S around its band-passed peak. */
#define SHAPE_HALF_S 0.100 /* a QRS template spans its centre +- this */
#define SHAPE_LAG_S 0.017  /* and is matched within +- this of it */
#define SHAPE_SAME 0.90    /* correlation at which a beat joins a template */
#define SHAPE_NEW 0.5      /* below this, a beat's shape is a new one */
#define SHAPE_MATCH 0.80   /* a QRS this like the dominant template is a beat whatever the noise */
#define SHAPE_CLEAN 15.0   /* band-passed peak over the noise before it for a new template */
#define SHAPE_UPDATE 5.0   /* the same, to update one */
/* QRS level over the median noise peak level for a new template; also what a QRS of another
 * shape needs in a noisy stretch (looks_like_noise) */
#define NOISE_PEAKS 59.0
#define CLEAR_SNR 12.0     /* a QRS of another shape is clear with this SNR */
#define CLEAR_LEVEL 0.6    /* and this fraction of the median QRS energy */
#ifndef STAGES
#define STAGES 2        /* cascaded high- and low-pass sections */
#endif

typedef struct peak {
    int64_t at;         /* index of the integral's maximum */
    double level;       /* integral value there */
    double slope;       /* largest |slope| in the window before it */
    int64_t fiducial;   /* refined R-peak: the raw signal's extremum */
    double time;        /* the R-peak's time, fractional input samples (see time_fiducial) */
    int64_t centre;     /* input sample where the band-passed QRS is largest */
    double noise;       /* the band-passed RMS before the QRS (quiet_rms) */
    double snr;         /* the band-passed QRS's largest value over that */
    double amplitude;
    int is_peak;        /* the raw signal falls away from the fiducial on both sides */
    int stands_out;     /* +1 / -1: the QRS's maximum / minimum stands out (1.5x the other), 0: neither */
    qrs_match shape;    /* against the recording's QRS templates */
    int searchback;     /* found by search-back */
} peak;

typedef struct ring {   /* last `len` values of a per-sample signal; len is a power of two */
    double *v;
    int64_t len;
} ring;

/* push() runs stretches of up to FAST_D detection samples in three passes (input samples, then
 * filters, then peaks), so the rings hold FAST_D detection samples (and their input samples)
 * beyond the look-back the peak logic may use (hist, hist_d). */
#define FAST_D 64

/* Two time bases: the input's samples (n; gaps, the raw ring, R-peaks) and the detection
 * samples (m), block means of k input samples, on which the band-pass, the integral and the
 * thresholds run. Windows named *_d count detection samples. */
struct psy_ecg_detector {
    psy_ecg_detector_config cfg;
    int64_t k;                   /* input samples per detection sample */
    double rate_d, inv_k;        /* detection rate (Hz), 1 / k */
    int64_t win, slope_lag, refractory, t_wave, learn_len, max_peak_len, half_qrs_d; /* _d */
    int64_t flat_len, half_qrs;  /* input samples */
    double *mains;               /* the mains-free kernel, taps -mains_half .. mains_half */
    int64_t mains_half, mains_reach; /* its half-length; how far its extremum may lie from the raw one */
    int64_t hist, hist_d;        /* look-back kept for the peak logic: input, detection samples */
    double group_delay;          /* of the band-pass near the QRS energy, detection samples */
    double inv_win;              /* 1 / win */
    double slope_scale;          /* rate_d / slope_lag: a difference over the lag in units/s */
    psy_biquad hp[STAGES], lp[STAGES];
    ring raw;                    /* input samples */
    ring band, slope, square, integral; /* detection samples */

    /* per-segment signal state */
    int64_t n;                   /* input samples consumed so far */
    int64_t m;                   /* detection samples made so far */
    int64_t segment_start;       /* first detection sample after the last restart */
    int64_t segment_first;       /* its first input sample */
    int restart;                 /* the next valid sample restarts the filters */
    int settle;                  /* the next detection sample settles the filters */
    double block_sum;            /* input samples summed towards the next detection sample */
    int64_t block_count;
    double integral_sum;
    double last_x;
    int64_t same_run;            /* consecutive samples equal to last_x */
    int in_gap, gap_flat;
    int64_t gap_start;
    int finished;

    /* integral peak tracking */
    int in_peak;
    double peak_max, prev_m;
    int64_t peak_at;

    /* learning */
    int learned;
    double learn_max, learn_sum;
    int64_t learn_count;

    /* adaptive levels */
    double qrs_levels[LEVELS], noise_levels[LEVELS], rr[LEVELS];
    double threshold, rr_median;  /* cached: the medians change only when a level or RR does */
    double qrs_median, noise_median; /* cached: each changes only when its levels do */
    int noise_peaks;              /* noise peaks seen since learning, up to LEVELS: the noise
                                     levels are all measured peaks, not the learning mean, at LEVELS */
    int qrs_stale, noise_stale;   /* a level changed since its median was computed */
    double searchback_after;      /* detection samples after the last beat (searchback_rr RRs) */
    int qrs_next, noise_next, rr_next, rr_count;
    int64_t last_beat;           /* integral peak index of the last beat, -1 when none */
    int64_t last_emitted;        /* integral peak index of the last emitted beat, -1 when none */
    int64_t last_fiducial;
    int64_t last_sample;         /* the last emitted beat's sample, -1 when none */
    int64_t end;                 /* first input sample past the signal once finish() pads it, else -1 */
    double last_slope;
    int polarity_vote;           /* > 0: R-peaks are maxima; < 0: minima */
    qrs_shapes shapes;           /* the QRS shapes seen so far (detection samples) */
    int has_pending;             /* an unclear beat waits out its refractory period */
    peak pending;
    double pending_due;          /* detection sample from which it may be emitted (see peak_step) */
    int pending_slot;            /* qrs_levels slot it took, and the level it replaced */
    double pending_replaced;
    double *snippet;             /* the QRS being decided, shapes.len + 2 shapes.lag samples */
    int64_t shape_half;          /* detection samples each side of a QRS's centre in a template */
    int64_t snippet_at;          /* the integral peak whose QRS the snippet holds */

    peak cand[CANDIDATES];       /* peaks since the last beat, not beats (yet) */
    int n_cand;

    psy_ecg_beat beats[QUEUE];
    int beat_head, beat_count;
    psy_ecg_gap gaps[QUEUE];
    int gap_head, gap_count;
};

psy_ecg_detector_config psy_ecg_detector_config_default(double rate_hz)
{
    psy_ecg_detector_config c = {0};
    c.rate_hz = rate_hz;
    c.band_low_hz = 8.0; /* Elgendi, Jonkman & DeBoer 2010 (BIOSIGNALS): best QRS SNR in 8-20 Hz */
    c.band_high_hz = 20.0;
    c.integration_s = 0.150;
    c.refractory_s = 0.200;
    c.t_wave_window_s = 0.360;
    c.threshold_fraction = 0.3125;
    c.searchback_rr = 1.66;
    c.flat_s = 2.0;
    c.detection_rate_hz = 180.0;
    return c;
}

/* The rings, the input one first. */
#define RINGS 5
static void list_rings(psy_ecg_detector *d, ring *out[RINGS])
{
    out[0] = &d->raw, out[1] = &d->band, out[2] = &d->slope, out[3] = &d->square, out[4] = &d->integral;
}

static double ring_at(const ring *r, int64_t i) { return r->v[i & (r->len - 1)]; }
static void ring_put(ring *r, int64_t i, double x) { r->v[i & (r->len - 1)] = x; }

static int64_t samples(double seconds, double rate)
{
    int64_t k = (int64_t)llround(seconds * rate);
    return k < 1 ? 1 : k;
}

static int valid_config(const psy_ecg_detector_config *c)
{
    return c && psy_reserved_clear(c->reserved) && c->rate_hz >= 50 && c->rate_hz <= 20000 && c->band_low_hz > 0 &&
           c->band_high_hz > c->band_low_hz && c->integration_s > 0 && c->integration_s <= 1 &&
           c->refractory_s > 0 && c->refractory_s <= 1 && c->t_wave_window_s >= 0 &&
           c->t_wave_window_s <= 1 && c->threshold_fraction > 0 && c->threshold_fraction < 1 &&
           c->searchback_rr > 1 && c->searchback_rr <= 5 && c->flat_s > 0 && c->flat_s <= 60 &&
           (c->detection_rate_hz == 0 || (c->detection_rate_hz >= 60 && c->detection_rate_hz <= 20000));
}

/* The R-peak is timed on the ECG averaged over one period of 50 Hz mains and then over one of
 * 60 Hz: a moving average over one period nulls that frequency and its harmonics (a comb), so
 * either mains, which moves the raw signal's extremum by a few ms from beat to beat (a fifth of
 * the R wave at 50 Hz: up to 6 ms), leaves the average's extremum where the QRS puts it; the
 * average is centred (zero phase: a symmetric R wave keeps its peak) and is computed only around
 * each R-peak, from the samples already kept, so it costs no latency. A period of L samples (L
 * not whole) weighs the samples within h = floor((L - 1) / 2) of the centre by 1 and the two next
 * by the rest, (L - 2 h - 1) / 2 each, over L. The extremum is then placed between samples by the
 * vertex of the parabola through it and its two neighbours (parabolic interpolation). */
#define MAINS_REACH_S 0.010 /* the average's extremum lies within this of the raw one (mains moves
                               it by at most a quarter period) */
static int64_t box_half(double len) { return len > 1 ? (int64_t)floor((len - 1) / 2) + 1 : 0; }

/* The weight of offset j in the average over len samples. */
static double box_weight(double len, int64_t j)
{
    if (len < 1) len = 1;
    int64_t h = (int64_t)floor((len - 1) / 2), a = j < 0 ? -j : j;
    return a <= h ? 1.0 / len : a == h + 1 ? (len - (double)(2 * h + 1)) / (2 * len) : 0;
}

/* The kernel: the 50 Hz average convolved with the 60 Hz one, taps -mains_half .. mains_half. */
static void mains_kernel(psy_ecg_detector *d)
{
    double l50 = d->cfg.rate_hz / 50.0, l60 = d->cfg.rate_hz / 60.0;
    int64_t h50 = box_half(l50), h = d->mains_half;
    for (int64_t k = -h; k <= h; k++) {
        double sum = 0;
        for (int64_t i = -h50; i <= h50; i++) sum += box_weight(l50, i) * box_weight(l60, k - i);
        d->mains[k + h] = sum;
    }
}

/* Everything derived from the settings: the detection rate, filters, window lengths. */
static void configure(psy_ecg_detector *d)
{
    const psy_ecg_detector_config *c = &d->cfg;
    double fs = c->rate_hz;
    d->k = c->detection_rate_hz > 0 ? (int64_t)floor(fs / c->detection_rate_hz) : 1;
    if (d->k < 1) d->k = 1;
    d->inv_k = 1.0 / (double)d->k;
    double fd = d->rate_d = fs / (double)d->k, high = fmin(c->band_high_hz, 0.45 * fd);
    d->group_delay = 0;
    for (int i = 0; i < STAGES; i++) {
        psy_biquad_highpass(&d->hp[i], c->band_low_hz, fd);
        psy_biquad_lowpass(&d->lp[i], high, fd);
        double centre = sqrt(c->band_low_hz * high);
        d->group_delay += psy_biquad_group_delay(&d->hp[i], centre, fd) +
                          psy_biquad_group_delay(&d->lp[i], centre, fd);
    }
    d->win = samples(c->integration_s, fd);
    d->inv_win = 1.0 / (double)d->win;
    d->slope_lag = samples(0.010, fd);
    d->slope_scale = fd / (double)d->slope_lag;
    d->refractory = samples(c->refractory_s, fd);
    d->t_wave = samples(c->t_wave_window_s, fd);
    d->learn_len = samples(LEARN_S, fd);
    d->max_peak_len = samples(0.300, fd);
    d->half_qrs_d = samples(0.060, fd);
    d->flat_len = samples(c->flat_s, fs);
    d->half_qrs = samples(0.060, fs);
    d->mains_half = box_half(fs / 50.0) + box_half(fs / 60.0);
    d->mains_reach = samples(MAINS_REACH_S, fs);
}

psy_status psy_ecg_detector_create(const psy_ecg_detector_config *config, psy_ecg_detector **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!valid_config(config)) return PSY_E_INVALID;
    psy_ecg_detector *d = calloc(1, sizeof *d);
    if (!d) return PSY_E_NOMEM;
    d->cfg = *config;
    configure(d);
    /* Look-back needed when a peak is confirmed: peak hold + window + filter delay + QRS. */
    int64_t need_d = samples(1.0, d->rate_d) + d->win + (int64_t)ceil(d->group_delay);
    int64_t history_d = 1, history = 1;
    while (history_d < need_d) history_d *= 2;
    while (history < need_d * d->k + d->k) history *= 2;
    d->hist = history, d->hist_d = history_d;
    while (history < d->hist + (FAST_D + 1) * d->k) history *= 2;
    while (history_d < d->hist_d + FAST_D + 1) history_d *= 2;
    ring *rings[RINGS];
    list_rings(d, rings);
    for (int i = 0; i < RINGS; i++) {
        rings[i]->len = i == 0 ? history : history_d;
        rings[i]->v = calloc((size_t)rings[i]->len, sizeof(double));
        if (!rings[i]->v) {
            psy_ecg_detector_destroy(d);
            return PSY_E_NOMEM;
        }
    }
    if (!(d->mains = malloc((size_t)(2 * d->mains_half + 1) * sizeof *d->mains))) {
        psy_ecg_detector_destroy(d);
        return PSY_E_NOMEM;
    }
    mains_kernel(d);
    d->shape_half = samples(SHAPE_HALF_S, d->rate_d);
    int lag = (int)samples(SHAPE_LAG_S, d->rate_d);
    if (qrs_shapes_init(&d->shapes, 2 * (int)d->shape_half + 1, lag) ||
        !(d->snippet = calloc((size_t)(d->shapes.len + 2 * lag), sizeof *d->snippet))) {
        psy_ecg_detector_destroy(d);
        return PSY_E_NOMEM;
    }
    psy_ecg_detector_reset(d);
    *out = d;
    return PSY_OK;
}

void psy_ecg_detector_reset(psy_ecg_detector *d)
{
    if (!d) return;
    ring *where[RINGS], rings[RINGS];
    list_rings(d, where);
    for (int i = 0; i < RINGS; i++) rings[i] = *where[i];
    psy_ecg_detector_config cfg = d->cfg;
    int64_t hist = d->hist, hist_d = d->hist_d, shape_half = d->shape_half;
    qrs_shapes shapes = d->shapes;
    double *snippet = d->snippet, *mains = d->mains;
    memset(d, 0, sizeof *d);
    d->cfg = cfg;
    d->hist = hist, d->hist_d = hist_d, d->shape_half = shape_half;
    d->shapes = shapes, d->snippet = snippet, d->mains = mains;
    qrs_shapes_clear(&d->shapes);
    configure(d);
    for (int i = 0; i < RINGS; i++) {
        *where[i] = rings[i];
        memset(rings[i].v, 0, (size_t)rings[i].len * sizeof(double));
    }
    d->restart = 1;
    d->last_beat = -1;
    d->last_emitted = -1;
    d->last_fiducial = -1;
    d->last_sample = -1;
    d->end = -1;
    d->searchback_after = INFINITY;
}

/* ---- levels ---- */

static void update_threshold(psy_ecg_detector *d) { d->qrs_stale = d->noise_stale = 1; }

/* The threshold, computed when asked after a level changed; the two medians are kept apart, as
 * noise levels change several times as often as QRS levels. */
static double threshold(psy_ecg_detector *d)
{
    if (d->qrs_stale || d->noise_stale) {
        if (d->qrs_stale) d->qrs_median = psy_small_median(d->qrs_levels, LEVELS);
        if (d->noise_stale) d->noise_median = psy_small_median(d->noise_levels, LEVELS);
        double qrs = d->qrs_median, noise = d->noise_median;
        d->threshold = noise + d->cfg.threshold_fraction * (qrs - noise);
        d->qrs_stale = d->noise_stale = 0;
    }
    return d->threshold;
}

/* Median of the last RR intervals in samples, capped at RR_CAP_S so that search-back, which
 * waits a multiple of it, keeps the latency bounded. */
#define RR_CAP_S 1.5
static void update_rr_median(psy_ecg_detector *d)
{
    double rr = d->rr_count ? psy_small_median(d->rr, d->rr_count < LEVELS ? d->rr_count : LEVELS) : 0;
    d->rr_median = fmin(rr, RR_CAP_S * d->rate_d);
    d->searchback_after = d->rr_median > 0 ? d->cfg.searchback_rr * d->rr_median : INFINITY;
}

static double median_rr(const psy_ecg_detector *d) { return d->rr_median; }

static void add_level(psy_ecg_detector *d, double *levels, int *next, double v)
{
    levels[*next] = v;
    *next = (*next + 1) % LEVELS;
    if (levels == d->qrs_levels) d->qrs_stale = 1;
    else d->noise_stale = 1, d->noise_peaks += d->noise_peaks < LEVELS;
}

/* ---- output queues ---- */

/* p is a new R-peak: its fiducial after the last beat's, and its time on a later sample (beats
 * are reported on whole samples; two times timed onto one sample are one R-peak). */
static int after_last(const psy_ecg_detector *d, const peak *p)
{
    return p->fiducial > d->last_fiducial && llround(p->time) > d->last_sample;
}

static void emit_beat(psy_ecg_detector *d, const peak *p, int searchback)
{
    if (!after_last(d, p) || (d->end >= 0 && p->fiducial >= d->end - 1))
        return; /* the same QRS (R-peak) seen twice, or no extremum before the signal ends */
    if (d->last_emitted >= 0) {
        d->rr[d->rr_next] = (double)(p->at - d->last_emitted);
        d->rr_next = (d->rr_next + 1) % LEVELS;
        d->rr_count++;
        update_rr_median(d);
    }
    d->last_emitted = p->at;
    psy_ecg_beat *b = &d->beats[(d->beat_head + d->beat_count) % QUEUE];
    b->sample = (int64_t)llround(p->time);
    b->offset = (float)(p->time - (double)b->sample);
    b->amplitude = p->amplitude;
    b->searchback = searchback;
    b->snr = p->snr;
    b->likeness = p->shape.dominant;
    d->beat_count++;
    d->last_fiducial = p->fiducial;
    d->last_sample = b->sample;
}

static void emit_gap(psy_ecg_detector *d, int64_t start, int64_t end, int flat)
{
    psy_ecg_gap *g = &d->gaps[(d->gap_head + d->gap_count) % QUEUE];
    g->start = start;
    g->end = end;
    g->flat = flat;
    d->gap_count++;
}

/* ---- fiducial point ---- */

/* An R-peak is a local extremum: within a QRS half-width on each side the raw signal moves away
 * from it by at least 15 % of its amplitude. A step (lead off, saturation) or a constant
 * signal does not. Data past the end of the signal count as missing, not as flat. */
static int falls_on_both_sides(const psy_ecg_detector *d, int64_t f, int positive, double amplitude)
{
    if (!(amplitude > 0)) return 0;
    double peak_value = ring_at(&d->raw, f), need = 0.15 * amplitude;
    int64_t oldest = d->n - d->hist + 1, last = (d->end >= 0 ? d->end : d->n) - 1;
    /* The largest fall is from the extreme value on each side (rounding is monotonic). */
    int64_t first = f - d->half_qrs;
    if (first < oldest) first = oldest;
    if (first < d->segment_first) first = d->segment_first;
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t i = first; i < f; i++) {
        double x = ring_at(&d->raw, i);
        lo = x < lo ? x : lo, hi = x > hi ? x : hi;
    }
    double fall_before = first < f ? (positive ? peak_value - lo : hi - peak_value) : 0;
    lo = INFINITY, hi = -INFINITY;
    int64_t end = f + d->half_qrs < last ? f + d->half_qrs : last;
    for (int64_t i = f + 1; i <= end; i++) {
        double x = ring_at(&d->raw, i);
        lo = x < lo ? x : lo, hi = x > hi ? x : hi;
    }
    double fall_after = f + 1 <= end ? (positive ? peak_value - lo : hi - peak_value) : 0;
    if (!(fall_before > 0)) fall_before = 0;
    if (!(fall_after > 0)) fall_after = 0;
    int truncated = f + d->half_qrs > last;
    return fall_before >= need && (fall_after >= need || (truncated && fall_after > 0));
}

#define POLARITY_SURE 8 /* the polarity vote's bound */

/* The R-peak in raw samples [a, b]: the extremum of the polarity that stands out (or, when
 * neither does, of the recording's dominant one), measured from the mean of the edges. */
static void pick_extremum(const psy_ecg_detector *d, peak *p, int64_t a, int64_t b)
{
    double base = 0.5 * (ring_at(&d->raw, a) + ring_at(&d->raw, b));
    int64_t imax = a, imin = a;
    double vmax = ring_at(&d->raw, a), vmin = vmax;
    for (int64_t i = a + 1; i <= b; i++) {
        double x = ring_at(&d->raw, i);
        if (x > vmax) vmax = x, imax = i;
        if (x < vmin) vmin = x, imin = i;
    }
    double up = ring_at(&d->raw, imax) - base, down = base - ring_at(&d->raw, imin);
    int positive;
    p->stands_out = up > 1.5 * down ? 1 : down > 1.5 * up ? -1 : 0;
    if (p->stands_out) positive = p->stands_out > 0;
    else positive = d->polarity_vote != 0 ? d->polarity_vote > 0 : up >= down;
    if (d->polarity_vote == POLARITY_SURE || d->polarity_vote == -POLARITY_SURE) {
        /* The recording's polarity is known: every beat's fiducial is that extremum, where the
         * QRS has one (one fiducial kind per beat). */
        int want = d->polarity_vote > 0;
        if (want != positive && falls_on_both_sides(d, want ? imax : imin, want, want ? up : down))
            positive = want;
    }
    p->fiducial = positive ? imax : imin;
    p->amplitude = positive ? up : -down;
    p->is_peak = falls_on_both_sides(d, p->fiducial, positive, positive ? up : down);
}

/* The band-passed signal's RMS in the stretch QUIET_FROM_S..QUIET_TO_S before a QRS whose band
 * peak is at detection sample `at` (the TP-P segment at normal rates): the noise the QRS must
 * stand out from; never 0. */
#define QUIET_FROM_S 0.350
#define QUIET_TO_S 0.120
static double quiet_rms(const psy_ecg_detector *d, int64_t at)
{
    int64_t lo = at - (int64_t)llround(QUIET_FROM_S * d->rate_d), hi = at - (int64_t)llround(QUIET_TO_S * d->rate_d);
    int64_t oldest = d->m - d->hist_d + 1;
    if (lo < d->segment_start) lo = d->segment_start;
    if (lo < oldest) lo = oldest;
    double sum = 0;
    int64_t n = 0;
    for (int64_t i = lo; i < hi; i++, n++) sum += ring_at(&d->band, i) * ring_at(&d->band, i);
    return n > 0 && sum > 0 ? sqrt(sum / (double)n) : 1e-300;
}

/* Refines an integral peak to the R-peak on the raw signal: the QRS is where the band-passed
 * signal is largest in the integration window before the peak, shifted back by the band-pass
 * delay; the R-peak is the extremum of the raw signal around it (see pick_extremum). */
static void refine(psy_ecg_detector *d, peak *p)
{
    int64_t lo = p->at - d->win - d->half_qrs_d, hi = p->at;
    int64_t oldest = d->m - d->hist_d + 1;
    if (lo < d->segment_start) lo = d->segment_start;
    if (lo < oldest) lo = oldest;
    int64_t best = hi;
    double best_abs = -1, best_slope = 0;
    for (int64_t i = lo; i <= hi; i++) {
        double a = fabs(ring_at(&d->band, i));
        if (a > best_abs) best_abs = a, best = i;
        double s = fabs(ring_at(&d->slope, i));
        if (s > best_slope) best_slope = s;
    }
    p->slope = best_slope;
    p->noise = quiet_rms(d, best);
    p->snr = best_abs / p->noise;
    /* Back to input samples: the middle of the detection sample's block, less the delay. */
    int64_t centre = d->segment_first + (best - d->segment_start) * d->k + (d->k - 1) / 2 -
                     (int64_t)llround(d->group_delay * (double)d->k);
    p->centre = centre;
    int64_t a = centre - d->half_qrs, b = centre + d->half_qrs;
    int64_t first = d->segment_first + (lo - d->segment_start) * d->k; /* the searched band */
    if (first < d->n - d->hist + 1) first = d->n - d->hist + 1;
    if (a < first) a = first;
    if (b > d->n - 1) b = d->n - 1;
    if (a > b) a = b;
    pick_extremum(d, p, a, b);
}

/* A wide QRS (a ventricular beat, bundle-branch block) can outlast the integration window: its
 * band-passed energy then peaks on a late notch and its R-peak lies before the stretch refine()
 * searches. The whole complex is in the band samples that fed the integral while it stayed above
 * half its peak (the QRS energy region of Hamilton & Tompkins 1986); the R-peak is the extremum of
 * the raw signal there. Used only when refine() finds no R-peak shape. */
static void refine_wide(psy_ecg_detector *d, peak *p)
{
    int64_t floor_m = d->m - d->hist_d + 1;
    if (floor_m < d->segment_start) floor_m = d->segment_start;
    if (floor_m < p->at - d->max_peak_len) floor_m = p->at - d->max_peak_len;
    int64_t first = p->at;
    while (first > floor_m && ring_at(&d->integral, first - 1) >= 0.5 * p->level) first--;
    int64_t lo = first - d->win + 1;
    if (lo < d->segment_start) lo = d->segment_start;
    int64_t delay = (int64_t)llround(d->group_delay * (double)d->k);
    int64_t a = d->segment_first + (lo - d->segment_start) * d->k - delay - d->half_qrs;
    int64_t b = d->segment_first + (p->at - d->segment_start) * d->k + d->k - 1 - delay + d->half_qrs;
    if (a < d->n - d->hist + 1) a = d->n - d->hist + 1;
    if (a < d->segment_first) a = d->segment_first;
    if (b > d->n - 1) b = d->n - 1;
    if (a > b) return;
    peak wide = *p;
    pick_extremum(d, &wide, a, b);
    if (wide.is_peak) *p = wide;
}

/* The mains-free average (mains_kernel) at input sample i, times sign; samples outside the
 * signal kept [lo, hi] repeat the nearest one. */
static double mains_free_at(const psy_ecg_detector *d, int64_t i, int64_t lo, int64_t hi, double sign)
{
    double sum = 0;
    for (int64_t j = -d->mains_half; j <= d->mains_half; j++) {
        int64_t at = i + j < lo ? lo : i + j > hi ? hi : i + j;
        sum += d->mains[j + d->mains_half] * ring_at(&d->raw, at);
    }
    return sign * sum;
}

/* p->time: the extremum of the mains-free average nearest the raw one (climbing from it, at most
 * mains_reach away), between samples by parabolic interpolation. */
static void time_fiducial(const psy_ecg_detector *d, peak *p)
{
    int64_t lo = d->n - d->hist + 1, hi = (d->end >= 0 ? d->end : d->n) - 1, f = p->fiducial, i = f;
    if (lo < d->segment_first) lo = d->segment_first;
    double sign = p->amplitude < 0 ? -1 : 1, v = mains_free_at(d, i, lo, hi, sign);
    double left = mains_free_at(d, i - 1, lo, hi, sign), right = mains_free_at(d, i + 1, lo, hi, sign);
    int step = right > v ? 1 : left > v ? -1 : 0;
    while (step && (i + step - f) * step <= d->mains_reach) {
        double next = step > 0 ? right : left;
        if (!(next > v)) break;
        i += step;
        if (step > 0) left = v, v = right, right = mains_free_at(d, i + 1, lo, hi, sign);
        else right = v, v = left, left = mains_free_at(d, i - 1, lo, hi, sign);
    }
    double den = left - 2 * v + right, off = den < 0 ? 0.5 * (left - right) / den : 0;
    double t = (double)i + (off > 0.5 ? 0.5 : off < -0.5 ? -0.5 : off);
    p->time = t < (double)lo ? (double)lo : t > (double)hi ? (double)hi : t; /* in the signal */
}

/* The QRS around p->centre as detection samples (block means of the input, shape_half + lag
 * each side) into d->snippet, and its match with the recording's templates. Samples outside
 * the signal kept repeat the nearest one. */
static void match_shape(psy_ecg_detector *d, peak *p)
{
    int64_t half = d->shape_half + d->shapes.lag, k = d->k;
    int64_t oldest = d->n - d->hist + 1, last = (d->end >= 0 ? d->end : d->n) - 1;
    if (oldest < d->segment_first) oldest = d->segment_first;
    int64_t start = p->centre - half * k - (k - 1) / 2;
    for (int64_t j = 0; j <= 2 * half; j++) {
        double sum = 0;
        for (int64_t i = 0; i < k; i++) {
            int64_t at = start + j * k + i;
            at = at < oldest ? oldest : at > last ? last : at;
            sum += ring_at(&d->raw, at);
        }
        d->snippet[j] = sum * d->inv_k;
    }
    p->shape = qrs_shapes_match(&d->shapes, d->snippet);
    d->snippet_at = p->at;
}

static void vote_polarity(psy_ecg_detector *d, const peak *p)
{
    /* by the extremum that stands out, not the one taken (which follows the vote once sure) */
    if (p->stands_out > 0 && d->polarity_vote < POLARITY_SURE) d->polarity_vote++;
    if (p->stands_out < 0 && d->polarity_vote > -POLARITY_SURE) d->polarity_vote--;
}

/* ---- classification ---- */

/* A beat's shape joins the template it matched, or, unlike all, starts a new one. */
static void learn_shape(psy_ecg_detector *d, const peak *p)
{
    qrs_match m = p->shape;
    if (m.which >= 0 && m.corr < SHAPE_SAME) {
        if (m.corr > SHAPE_NEW) return; /* a known shape distorted (by noise?): learn nothing */
        m.which = -1;
    }
    if (!(p->snr > (m.which < 0 ? SHAPE_CLEAN : SHAPE_UPDATE))) return; /* maybe noise */
    /* A new shape also stands above the noise peaks as a QRS must in a noisy stretch: a motion
     * burst after a quiet stretch stands out of the noise before it, not of the noise peaks. */
    if (m.which < 0 && !(p->level > NOISE_PEAKS * d->noise_median)) return;
    qrs_shapes_learn(&d->shapes, d->snippet, m, p->at);
}

static int unclear(const psy_ecg_detector *d, const peak *p);

static void release_pending(psy_ecg_detector *d)
{
    if (!d->has_pending) return;
    d->has_pending = 0;
    emit_beat(d, &d->pending, d->pending.searchback);
}

/* A held beat gave way to a clear QRS within its refractory period: its level was noise, the
 * beat before is the last. */
static void drop_pending(psy_ecg_detector *d)
{
    d->has_pending = 0;
    d->qrs_levels[d->pending_slot] = d->pending_replaced;
    update_threshold(d);
    add_level(d, d->noise_levels, &d->noise_next, d->pending.level);
    if (d->last_beat == d->pending.at) d->last_beat = d->last_emitted;
}

/* Takes p as a beat; 0 when its R-peak is not after the last one (the same QRS seen again). An
 * unclear one (see unclear()) is held for its refractory period, for a clear QRS to replace. */
static int accept_beat(psy_ecg_detector *d, const peak *p, int searchback)
{
    if (!after_last(d, p)) return 0;
    release_pending(d);
    int slot = d->qrs_next;
    double replaced = d->qrs_levels[slot];
    add_level(d, d->qrs_levels, &d->qrs_next, p->level);
    if (d->last_emitted >= 0 && d->last_emitted == d->last_beat && unclear(d, p)) {
        d->has_pending = 1;
        d->pending = *p;
        d->pending.searchback = searchback;
        d->pending_due = (double)(p->at + d->refractory);
        d->pending_slot = slot;
        d->pending_replaced = replaced;
    } else {
        emit_beat(d, p, searchback);
        if (p->at == d->snippet_at) learn_shape(d, p);
    }
    d->last_beat = p->at;
    d->last_slope = p->slope;
    vote_polarity(d, p);
    /* Candidates before this beat can no longer be beats. */
    int keep = 0;
    for (int i = 0; i < d->n_cand; i++)
        if (d->cand[i].at > p->at) d->cand[keep++] = d->cand[i];
    d->n_cand = keep;
    return 1;
}

static void add_candidate(psy_ecg_detector *d, const peak *p)
{
    if (d->n_cand == CANDIDATES) { /* keep the larger ones */
        int smallest = 0;
        for (int i = 1; i < d->n_cand; i++)
            if (d->cand[i].level < d->cand[smallest].level) smallest = i;
        if (d->cand[smallest].level >= p->level) return;
        memmove(&d->cand[smallest], &d->cand[smallest + 1],
                (size_t)(d->n_cand - smallest - 1) * sizeof *d->cand);
        d->n_cand--;
    }
    d->cand[d->n_cand++] = *p;
}

/* A QRS the detector cannot yet call clear by the signal: unlike the recording's dominant shape
 * (its template of the most beats), and not standing well above the noise before it and near
 * the energy of the recent beats. Shape against templates as in Hamilton 2002 (qrs_shapes.h). */
static int unclear(const psy_ecg_detector *d, const peak *p)
{
    if (p->shape.dominant >= SHAPE_MATCH) return 0;
    return !(p->snr > CLEAR_SNR && p->level > CLEAR_LEVEL * d->qrs_median);
}

/* How noisy the stretch before a QRS is: the band-passed RMS there (quiet_rms) over the square
 * root of the recording's median QRS level (the integral is a squared band signal). */
static double stretch_noise(const psy_ecg_detector *d, const peak *p)
{
    return p->noise / sqrt(d->qrs_median);
}

/* Noise, by the signal, for an unclear QRS: one whose energy does not stand well above the noise
 * peaks, PEAKS times their median anywhere and NOISE_PEAKS times in a stretch whose noise is large
 * against the recording's QRS energy (the signal and noise peak levels of Pan & Tompkins 1985 and
 * Hamilton & Tompkins 1986, from which the threshold comes: a QRS the shape test cannot vouch for
 * must clear the noise by more than the threshold's fraction; PEAKS 15 in energy, about 4 in
 * amplitude, once the noise levels are measured peaks rather than the learning period's mean); or,
 * in a stretch with some noise, one unlike every shape the recording has confirmed (its
 * correlation with each under UNLIKE) that barely stands above the band's noise before it (a
 * beat's shape against templates: Hamilton 2002; a muscle or motion burst rarely matches a QRS of
 * the recording, while a beat distorted by noise mostly still does). NOISY and NOISE_PEAKS come
 * from the detections all 31 MIT-BIH and the 118 noise-stress records held as unclear; PEAKS,
 * UNLIKE, FAINT_SNR and SOME_NOISE from the development records only (bench/validate_beats.sh;
 * PEAKS: 10-20 alike on them, 30 costs 208 its ventricular beats). */
#define NOISY 0.0103     /* stretch_noise() of a noisy stretch */
#define PEAKS 15.0       /* QRS level over the median noise peak level anywhere (NOISE_PEAKS: in a noisy stretch) */
#define UNLIKE 0.5
#define FAINT_SNR 4.0
#define SOME_NOISE 0.003 /* as NOISY */
static int looks_like_noise(const psy_ecg_detector *d, const peak *p)
{
    if (!unclear(d, p)) return 0;
    double noisy = stretch_noise(d, p);
    double above_peaks = noisy > NOISY ? NOISE_PEAKS : d->noise_peaks == LEVELS ? PEAKS : 0;
    if (p->level < above_peaks * d->noise_median) return 1;
    return !isnan(p->shape.dominant) && p->shape.known < UNLIKE && p->snr < FAINT_SNR && noisy > SOME_NOISE;
}

/* A QRS under the threshold that stands clear of the noise is a beat too: a premature beat far
 * smaller than the sinus QRS (208's PVCs, 201's aberrated atrial beats, at 1/8 of its energy)
 * comes before search-back would look for it, or never when a long pause follows it within the
 * search-back horizon of a slow rhythm. Clear by two measures of the signal: its energy
 * CLEAR_NOISE times the median noise peak, and its band-passed peak CLEAR_BAND_SNR times the
 * band's RMS in the 120-350 ms before it, where a T wave's own QRS lies (an energy FAR_NOISE
 * times the noise peaks, far above any P or T wave of the recording, needs FAR_BAND_SNR: the
 * stretch before an early beat holds the T wave of the beat before; FAR_* chosen on the
 * development records, bench/validate_beats.sh); and not within the
 * T-wave interval after a beat, where a sub-threshold peak is more likely a later wave of it. */
#define CLEAR_BAND_SNR 6.0
#define CLEAR_NOISE 8.0
#define FAR_BAND_SNR 4.0
#define FAR_NOISE 150.0
static int stands_clear(const psy_ecg_detector *d, const peak *p)
{
    if (d->last_beat >= 0 && p->at - d->last_beat < d->t_wave) return 0; /* the beat's own waves */
    return (p->snr > CLEAR_BAND_SNR && p->level > CLEAR_NOISE * d->noise_median) ||
           (p->snr > FAR_BAND_SNR && p->level > FAR_NOISE * d->noise_median);
}

static void classify(psy_ecg_detector *d, peak *p)
{
    if (d->last_beat >= 0 && p->at - d->last_beat < d->refractory) {
        /* One QRS within the refractory period: a held, unclear beat gives way to a clear one. */
        if (!(d->has_pending && d->pending.at == d->last_beat && p->level > threshold(d) &&
              !unclear(d, p)))
            return;
        drop_pending(d);
        if (d->last_beat >= 0 && p->at - d->last_beat < d->refractory) return;
    }
    if (p->level > threshold(d) || stands_clear(d, p)) {
        int t_wave = d->last_beat >= 0 && p->at - d->last_beat < d->t_wave &&
                     p->slope < 0.5 * d->last_slope;
        if (!t_wave && !looks_like_noise(d, p)) {
            accept_beat(d, p, 0);
            return;
        }
    }
    add_level(d, d->noise_levels, &d->noise_next, p->level);
    add_candidate(d, p);
}

/* Search-back (Pan & Tompkins 1985): when no beat came for searchback_rr median RR intervals,
 * the largest peak since the last beat above half the threshold is taken as a missed beat. The
 * lowered threshold holds in clean stretches only: in a noisy one (stretch_noise over NOISY) an
 * unclear QRS needs the full threshold, as there the lowered one takes noise peaks more often
 * than beats (of what it took there on 118 with electrode-motion noise at 6 dB, 52 of 63 were
 * noise; with muscle artefact at 6 dB, 22 of 36).
 * Half the threshold, a fraction of the QRS level:
 * a run of beats of another, smaller shape (an idioventricular run, PVCs far smaller than the
 * sinus QRS) stays under it however clean the signal. A candidate also qualifies when its energy
 * stands above the noise: SB_NOISE times the median noise peak, its band-passed peak SB_SNR times
 * the RMS before it. */
#define SB_SNR 3.0
#define SB_NOISE 5.0
static int stands_out(const psy_ecg_detector *d, const peak *c)
{
    return c->snr > SB_SNR && c->level > SB_NOISE * d->noise_median;
}

static void search_back(psy_ecg_detector *d, int at_end)
{
    double rr = median_rr(d);
    if (d->last_beat < 0 || rr <= 0 || d->n_cand == 0) return;
    double horizon = d->cfg.searchback_rr * rr;
    while (d->n_cand > 0 && (at_end || (double)(d->m - d->last_beat) > horizon)) {
        int best = -1;
        double full = threshold(d), th = 0.5 * full;
        for (int i = 0; i < d->n_cand; i++) {
            const peak *c = &d->cand[i];
            if (c->at - d->last_beat < d->refractory || !(c->level > th || stands_out(d, c))) continue;
            if (stretch_noise(d, c) > NOISY && unclear(d, c) && !(c->level > full)) continue;
            if (best < 0 || c->level > d->cand[best].level) best = i;
        }
        if (best < 0) {
            d->n_cand = 0;
            return;
        }
        peak p = d->cand[best];
        if (!accept_beat(d, &p, 1)) { /* its R-peak is a beat's already: not a candidate */
            memmove(&d->cand[best], &d->cand[best + 1], (size_t)(d->n_cand - best - 1) * sizeof *d->cand);
            d->n_cand--;
            continue;
        }
        if (!at_end) return; /* the next search-back waits for the horizon from this beat */
    }
}

static void confirm_peak(psy_ecg_detector *d)
{
    peak p = {.at = d->peak_at, .level = d->peak_max};
    refine(d, &p);
    if (!p.is_peak) refine_wide(d, &p);
    if (!p.is_peak) return; /* energy without a QRS shape: a step or rounding noise */
    time_fiducial(d, &p);
    /* Its shape, where a decision may need it (a peak far under every threshold below is noise
     * whatever its shape; matching every one of them would cost a third of the detector's time). */
    if (!d->learned || p.level > 0.5 * threshold(d) || p.level > SB_NOISE * d->noise_median)
        match_shape(d, &p);
    else
        p.shape = (qrs_match){-1.0, -1, 0, -1.0, NAN};
    if (!d->learned) {
        add_candidate(d, &p); /* classified when learning ends */
        return;
    }
    classify(d, &p);
}

/* After the learning period: levels from its peaks, then its peaks are classified in order. */
static void end_learning(psy_ecg_detector *d)
{
    double mean = d->learn_count ? d->learn_sum / (double)d->learn_count : 0;
    for (int i = 0; i < LEVELS; i++) {
        d->qrs_levels[i] = 0.5 * d->learn_max;
        d->noise_levels[i] = mean;
    }
    update_threshold(d);
    d->learned = 1;
    peak pending[CANDIDATES];
    int n = d->n_cand;
    memcpy(pending, d->cand, (size_t)n * sizeof *pending);
    d->n_cand = 0;
    for (int i = 0; i < n; i++) classify(d, &pending[i]);
}

/* ---- per sample ---- */

/* A gap: what is held is released, and no RR or search-back spans it. */
static void break_rhythm(psy_ecg_detector *d)
{
    release_pending(d);
    d->n_cand = 0;
    d->last_beat = -1;
    d->last_emitted = -1;
}

/* The band-pass, as a bank the per-sample loop keeps in local variables: hp0, lp0, hp1, ... */
typedef struct filter_bank {
    psy_biquad f[2 * STAGES];
} filter_bank;

static void bank_load(const psy_ecg_detector *d, filter_bank *b)
{
    for (int i = 0; i < STAGES; i++) b->f[2 * i] = d->hp[i], b->f[2 * i + 1] = d->lp[i];
}

static void bank_store(psy_ecg_detector *d, const filter_bank *b)
{
    for (int i = 0; i < STAGES; i++) d->hp[i] = b->f[2 * i], d->lp[i] = b->f[2 * i + 1];
}

/* As if the input had been x forever: only the first high-pass sees the level. */
static inline void bank_settle(filter_bank *b, double x)
{
#pragma GCC unroll 8
    for (int i = 0; i < 2 * STAGES; i++) psy_biquad_settle(&b->f[i], i == 0 ? x : 0.0);
}

static inline double bank_step(filter_bank *b, double x)
{
#pragma GCC unroll 8
    for (int i = 0; i < 2 * STAGES; i++) x = psy_biquad_step(&b->f[i], x);
    return x;
}

/* A new stretch of valid signal from the current sample (the caller settles the filters). */
static void start_segment(psy_ecg_detector *d)
{
    d->segment_start = d->m;
    d->segment_first = d->n;
    d->block_sum = 0;
    d->block_count = 0;
    d->settle = 1;
    d->integral_sum = 0;
    d->in_peak = 0;
    d->peak_max = 0;
    d->prev_m = 0;
    d->restart = 0;
    break_rhythm(d);
}

static void end_gap(psy_ecg_detector *d)
{
    if (!d->in_gap) return;
    emit_gap(d, d->gap_start, d->n, d->gap_flat);
    d->in_gap = 0;
}

/* Detection samples m0 .. m0 + n - 1, y (each the mean of k input samples): band-pass, slope,
 * squaring and the integral, whose values go to level. Kept in locals: this is the hot loop. */
static inline __attribute__((always_inline)) void filter_block(psy_ecg_detector *d, int64_t m0,
                                                             const double *y, double *level,
                                                             int n, filter_bank *bank)
{
    if (n > 0 && d->settle) {
        bank_settle(bank, y[0]);
        d->settle = 0;
    }
    double *band = d->band.v, *slope = d->slope.v, *square = d->square.v, *integral = d->integral.v;
    const int64_t mask = d->band.len - 1, lag = d->slope_lag, win = d->win, start = d->segment_start;
    const double scale = d->slope_scale, inv_win = d->inv_win;
    double sum = d->integral_sum;
    filter_bank f = *bank; /* a copy the compiler keeps in registers, not on the stack */
    for (int j = 0; j < n; j++) {
        int64_t m = m0 + j;
        double b = bank_step(&f, y[j]);
        double prev_b = m - lag >= start ? band[(m - lag) & mask] : 0;
        double sl = (b - prev_b) * scale;
        double sq = sl * sl;
        double old = m - win >= start ? square[(m - win) & mask] : 0;
        sum += sq - old;
        if (sum < 0) sum = 0; /* rounding */
        band[m & mask] = b;
        slope[m & mask] = sl;
        square[m & mask] = sq;
        level[j] = sum * inv_win;
        integral[m & mask] = level[j];
    }
    *bank = f;
    d->integral_sum = sum;
}

/* The integral's value at detection sample m (d->m is m + 1, d->n the input samples up to the end
 * of its block): its peaks and the beat logic. */
static inline __attribute__((always_inline)) void peak_step(psy_ecg_detector *d, int64_t m,
                                                          double level)
{
    if (!d->learned) {
        if (level > d->learn_max) d->learn_max = level;
        d->learn_sum += level;
        d->learn_count++;
    }
    /* A peak of the integral: its maximum, confirmed once it has fallen to half (Hamilton &
     * Tompkins) or held for 300 ms. */
    if (d->in_peak) {
        if (level > d->peak_max) d->peak_max = level, d->peak_at = m;
        if (level < 0.5 * d->peak_max || m - d->peak_at > d->max_peak_len) {
            if (!(d->in_gap && d->gap_flat)) confirm_peak(d);
            d->in_peak = 0;
        }
    } else if (level > d->prev_m && level > 0) {
        d->in_peak = 1;
        d->peak_max = level;
        d->peak_at = m;
    }
    d->prev_m = level;
    if (!d->learned && d->learn_count >= d->learn_len) end_learning(d); /* valid samples */
    if (d->learned && d->n_cand && d->last_beat >= 0 &&
        (double)(d->m - d->last_beat) > d->searchback_after)
        search_back(d, 0);
    /* A held beat is emitted once no clear QRS can replace it: its refractory period is over and
     * no integral peak inside it is still to be confirmed. */
    if (d->has_pending && (double)d->m > d->pending_due &&
        !(d->in_peak && (double)d->peak_at < d->pending_due))
        release_pending(d);
}

/* One detection sample y (the mean of k input samples), for step(): filters, then peak logic. */
static inline __attribute__((always_inline)) void detect_step(psy_ecg_detector *d, double y,
                                                            filter_bank *bank)
{
    int64_t m = d->m;
    double level;
    filter_block(d, m, &y, &level, 1, bank);
    d->m++;
    peak_step(d, m, level);
}

/* One input sample: gaps (NaN, flat), the raw ring, and the block mean for detection. */
static inline __attribute__((always_inline)) void step(psy_ecg_detector *d, double x,
                                                     filter_bank *bank)
{
    if (isnan(x)) {
        if (!d->in_gap || d->gap_flat) {
            end_gap(d);
            d->in_gap = 1, d->gap_flat = 0, d->gap_start = d->n;
        }
        d->restart = 1;
        d->same_run = 0;
        d->n++;
        return;
    }
    if (d->in_gap && !d->gap_flat) end_gap(d); /* a NaN gap ends here */
    if (d->restart) {
        start_segment(d);
    } else if (x == d->last_x) {
        if (++d->same_run == d->flat_len) { /* a flat stretch: a gap from where it began */
            d->in_gap = 1, d->gap_flat = 1, d->gap_start = d->n - d->flat_len;
            break_rhythm(d);
        }
    } else {
        if (d->in_gap && d->gap_flat) { /* signal again after a flat stretch */
            d->same_run = 0;
            end_gap(d);
            start_segment(d);
        }
        d->same_run = 0;
    }
    d->last_x = x;
    ring_put(&d->raw, d->n, x);
    d->n++;
    d->block_sum += x;
    if (++d->block_count == d->k) {
        double y = d->block_sum * d->inv_k;
        d->block_sum = 0;
        d->block_count = 0;
        detect_step(d, y, bank);
    }
}

/* Integral values level[j ..] (detection samples m0 + j ..) that only move the peak tracking,
 * applied with the state in locals; returns the first one on which peak_step() has more to do
 * (a peak to confirm, search-back or a held beat due; learning is over), with the state as it
 * was before it, or ny. */
static inline __attribute__((always_inline)) int quiet_samples(psy_ecg_detector *d, int64_t m0,
                                                             const double *level, int j, int ny)
{
    int in_peak = d->in_peak;
    double peak_max = d->peak_max, prev = d->prev_m;
    int64_t peak_at = d->peak_at;
    const int64_t hold = d->max_peak_len, last_beat = d->last_beat;
    const int search = d->n_cand && last_beat >= 0, pending = d->has_pending;
    const double pending_due = d->pending_due;
    const double search_after = d->searchback_after;
    for (; j < ny; j++) {
        double v = level[j];
        int64_t m = m0 + j;
        if ((search && (double)(m + 1 - last_beat) > search_after) ||
            (pending && (double)(m + 1) > pending_due))
            break;
        if (in_peak) {
            double max = v > peak_max ? v : peak_max;
            int64_t at = v > peak_max ? m : peak_at;
            if (v < 0.5 * max || m - at > hold) break;
            peak_max = max, peak_at = at;
        } else if (v > prev && v > 0) {
            in_peak = 1, peak_max = v, peak_at = m;
        }
        prev = v;
    }
    d->in_peak = in_peak, d->peak_max = peak_max, d->peak_at = peak_at, d->prev_m = prev;
    return j;
}

/* Takes input samples from x[0] (at most n, and up to the end of FAST_D detection samples) as
 * long as step() would take them without starting or ending a gap or a segment, in three passes:
 * the input samples into the raw ring and block means, the filters over the block means, then
 * the peak logic on the integral, each detection sample seeing the state it would have seen one
 * sample at a time. Returns the samples taken (0: step() takes the next one). */
static size_t run_plain(psy_ecg_detector *d, const double *x, size_t n, filter_bank *bank)
{
    if (d->restart || (d->in_gap && !d->gap_flat)) return 0;
    double y[FAST_D], level[FAST_D];
    int64_t y_end[FAST_D]; /* input samples consumed when each block was complete */
    int ny = 0;
    const int64_t k = d->k, flat_len = d->flat_len, mask = d->raw.len - 1;
    const int flat = d->in_gap && d->gap_flat;
    const double inv_k = d->inv_k;
    size_t max = (size_t)(FAST_D * k - d->block_count), i = 0;
    if (n > max) n = max;
    int64_t at = d->n, count = d->block_count, same = d->same_run;
    double sum = d->block_sum, last = d->last_x, *raw = d->raw.v;
    if (!flat && same + (int64_t)n < flat_len) {
        /* No flat stretch can start here: only a NaN stops the run. */
        for (; i < n; i++) {
            double v = x[i];
            if (isnan(v)) break;
            raw[(at + (int64_t)i) & mask] = v;
            sum += v;
            if (++count == k) {
                y[ny] = sum * inv_k;
                y_end[ny++] = at + (int64_t)i + 1;
                sum = 0;
                count = 0;
            }
        }
        if (i > 0) { /* repeats at the end: samples equal to the one before, back to last_x */
            size_t j = i - 1;
            while (j > 0 && x[j] == x[j - 1]) j--;
            same = j == 0 && x[0] == last ? same + (int64_t)i : (int64_t)(i - 1 - j);
            last = x[i - 1];
        }
        at += (int64_t)i;
    } else {
        for (; i < n; i++) {
            double v = x[i];
            int repeat = v == last;
            int64_t run = repeat ? same + 1 : 0;
            if (isnan(v) | (run == flat_len) | (flat & !repeat)) break; /* for step() */
            same = run;
            last = v;
            raw[at & mask] = v;
            at++;
            sum += v;
            if (++count == k) {
                y[ny] = sum * inv_k;
                y_end[ny++] = at;
                sum = 0;
                count = 0;
            }
        }
    }
    d->block_sum = sum, d->block_count = count, d->same_run = same, d->last_x = last;
    int64_t m0 = d->m;
    filter_block(d, m0, y, level, ny, bank);
    for (int j = 0; j < ny; j++) {
        j = quiet_samples(d, m0, level, j, ny);
        if (j == ny) break;
        d->m = m0 + j + 1;
        d->n = y_end[j];
        peak_step(d, m0 + j, level[j]);
    }
    d->m = m0 + ny;
    d->n = at;
    return i;
}

psy_status psy_ecg_detector_push(psy_ecg_detector *d, const double *x, size_t n, size_t *used)
{
    if (used) *used = 0;
    if (!d || (!x && n) || d->finished) return PSY_E_INVALID;
    size_t i = 0;
    filter_bank bank;
    bank_load(d, &bank);
    /* Each sample can emit at most one beat and one gap; stop while there is room for both. A
     * plain run of FAST_D detection samples emits at most FAST_D + 2 beats (beats are a
     * refractory period apart, plus a held one) and no gap: with less room than that, a caller
     * who is told what was used pops first; one who is not pops after every short push and
     * gets the rest one sample at a time. */
    while (i < n && d->beat_count < QUEUE - 1 && d->gap_count < QUEUE - 1) {
        int room = d->beat_count < QUEUE - FAST_D - 4;
        if (!room && used) break;
        size_t len = d->learned && room ? run_plain(d, x + i, n - i, &bank) : 0;
        if (len) {
            i += len;
        } else {
            step(d, x[i], &bank);
            i++;
        }
    }
    bank_store(d, &bank);
    if (used) *used = i;
    return PSY_OK;
}

psy_status psy_ecg_detector_finish(psy_ecg_detector *d)
{
    if (!d || d->finished) return PSY_E_INVALID;
    /* Pad with the last value so a QRS at the very end still reaches the integral's peak;
     * nothing is reported from the padding itself. */
    if (!d->restart && !d->in_gap) {
        d->end = d->n;
        int64_t pad = (d->win + (int64_t)ceil(d->group_delay) + d->half_qrs_d + d->max_peak_len + 2) * d->k;
        filter_bank bank;
        bank_load(d, &bank);
        for (int64_t i = 0; i < pad && d->beat_count < QUEUE - 1; i++) {
            d->same_run = 0; /* padding is not a flat stretch */
            step(d, d->last_x, &bank);
        }
        bank_store(d, &bank);
        if (d->in_peak) confirm_peak(d);
        d->in_peak = 0;
        d->n = d->end;
    }
    if (!d->learned && d->n_cand) end_learning(d);
    search_back(d, 1);
    release_pending(d);
    end_gap(d);
    d->finished = 1;
    return PSY_OK;
}

size_t psy_ecg_detector_pop_beats(psy_ecg_detector *d, psy_ecg_beat *out, size_t max)
{
    size_t k = 0;
    for (; d && out && k < max && d->beat_count > 0; k++) {
        out[k] = d->beats[d->beat_head];
        d->beat_head = (d->beat_head + 1) % QUEUE;
        d->beat_count--;
    }
    return k;
}

size_t psy_ecg_detector_pop_gaps(psy_ecg_detector *d, psy_ecg_gap *out, size_t max)
{
    size_t k = 0;
    for (; d && out && k < max && d->gap_count > 0; k++) {
        out[k] = d->gaps[d->gap_head];
        d->gap_head = (d->gap_head + 1) % QUEUE;
        d->gap_count--;
    }
    return k;
}

double psy_ecg_detector_latency(const psy_ecg_detector *d)
{
    if (!d) return 0;
    /* R-peak -> integral peak (window + delay, in detection samples, plus filling a block) ->
     * confirmation (peak hold), then at worst a wait for search-back, in capped median RRs (an
     * unclear beat's hold, a refractory period, is shorter). */
    double to_peak = ((double)d->win + d->group_delay + (double)d->half_qrs_d) / d->rate_d +
                     (double)d->k / d->cfg.rate_hz;
    double hold = (double)(d->max_peak_len + 1) / d->rate_d;
    double wait = d->cfg.searchback_rr * RR_CAP_S;
    return to_peak + hold + wait;
}

psy_status psy_ecg_detector_copy(const psy_ecg_detector *d, psy_ecg_detector **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!d) return PSY_E_INVALID;
    psy_ecg_detector *c = malloc(sizeof *c);
    if (!c) return PSY_E_NOMEM;
    *c = *d;
    ring *rings[RINGS], *from[RINGS];
    list_rings(c, rings);
    list_rings((psy_ecg_detector *)d, from);
    for (int i = 0; i < RINGS; i++) rings[i]->v = NULL;
    c->shapes.tmpl = c->shapes.sum = c->shapes.work = NULL;
    c->snippet = c->mains = NULL;
    size_t taps = (size_t)(2 * d->mains_half + 1);
    if (!(c->mains = malloc(taps * sizeof *c->mains))) {
        psy_ecg_detector_destroy(c);
        return PSY_E_NOMEM;
    }
    memcpy(c->mains, d->mains, taps * sizeof *c->mains);
    size_t snip = (size_t)(d->shapes.len + 2 * d->shapes.lag);
    if (qrs_shapes_copy(&d->shapes, &c->shapes) || !(c->snippet = malloc(snip * sizeof *c->snippet))) {
        psy_ecg_detector_destroy(c);
        return PSY_E_NOMEM;
    }
    memcpy(c->snippet, d->snippet, snip * sizeof *c->snippet);
    for (int i = 0; i < RINGS; i++) {
        rings[i]->v = malloc((size_t)from[i]->len * sizeof(double));
        if (!rings[i]->v) {
            psy_ecg_detector_destroy(c);
            return PSY_E_NOMEM;
        }
        memcpy(rings[i]->v, from[i]->v, (size_t)from[i]->len * sizeof(double));
    }
    *out = c;
    return PSY_OK;
}

void psy_ecg_detector_destroy(psy_ecg_detector *d)
{
    if (!d) return;
    ring *rings[RINGS];
    list_rings(d, rings);
    for (int i = 0; i < RINGS; i++) free(rings[i]->v);
    qrs_shapes_free(&d->shapes);
    free(d->snippet);
    free(d->mains);
    free(d);
}
