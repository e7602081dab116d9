/* Beats of a recording channel: the R-peak detector (or an RR channel) -> RR -> classes -> NN. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "beats_internal.h"
#include "psy_core.h" /* psy_reserved_clear */
#include "rr_internal.h" /* rr_counts_add */

psy_beats_config psy_beats_config_default(void)
{
    psy_beats_config c = {0};
    c.detector = psy_ecg_detector_config_default(0);
    c.rr = psy_rr_config_default();
    c.block = 65536;
    return c;
}

int psy_beat_interval_corrected(psy_beat_class cls, int has_previous, psy_beat_class previous)
{
    if (cls != PSY_BEAT_NORMAL) return 1;
    return has_previous && previous != PSY_BEAT_NORMAL && previous != PSY_BEAT_MISSED;
}

void psy_beat_list_free(psy_beat_list *b)
{
    if (!b) return;
    free(b->sample);
    free(b->onset_s);
    free(b->rr_ms);
    free(b->cls);
    free(b->amplitude);
    free(b->gaps);
    free(b->nn_ms);
    free(b->nn_onset_s);
    free(b->nn_corrected);
    free(b->peak_sample);
    free(b->upstroke_s);
    free(b->foot_s);
    free(b->quality);
    free(b->gap_reason);
    free(b->nn_left_out_s);
    free(b);
}

void beats_shrink_to(void *p, size_t n, size_t size)
{
    void **array = p;
    void *q = realloc(*array, (n ? n : 1) * size);
    if (q) *array = q;
}

/* Room for one more beat in the list's arrays and its marks. */
static int reserve_beat(psy_beat_list *b, beats_marks *marks, size_t *cap)
{
    if (b->n < *cap) return 1;
    size_t n = *cap ? 2 * *cap : 1024;
    int64_t *s = realloc(b->sample, n * sizeof *s);
    if (s) b->sample = s;
    double *a = realloc(b->amplitude, n * sizeof *a);
    if (a) b->amplitude = a;
    double *off = realloc(marks->offset, n * sizeof *off);
    if (off) marks->offset = off;
    if (!s || !a || !off) return 0;
    if (marks->shapes) {
        double *snr = realloc(marks->snr, n * sizeof *snr);
        if (snr) marks->snr = snr;
        double *like = realloc(marks->likeness, n * sizeof *like);
        if (like) marks->likeness = like;
        if (!snr || !like) return 0;
    }
    *cap = n;
    return 1;
}

int beats_add_gap(psy_beat_list *b, size_t *cap, const psy_ecg_gap *g)
{
    if (b->n_gaps == *cap) {
        size_t n = *cap ? 2 * *cap : 16;
        psy_ecg_gap *p = realloc(b->gaps, n * sizeof *p);
        if (!p) return 0;
        b->gaps = p;
        *cap = n;
    }
    b->gaps[b->n_gaps++] = *g;
    return 1;
}

/* Keeps a beat of the detector in the list's arrays and its marks (beats_detect_peaks' take). */
typedef struct ecg_keep {
    psy_beat_list *b;
    beats_marks *marks;
    size_t cap;
} ecg_keep;

static psy_status keep_beat(void *ctx, const psy_ecg_beat *beat)
{
    ecg_keep *k = ctx;
    psy_beat_list *b = k->b;
    if (!reserve_beat(b, k->marks, &k->cap)) return PSY_E_NOMEM;
    if (k->marks->shapes) k->marks->snr[b->n] = beat->snr, k->marks->likeness[b->n] = beat->likeness;
    k->marks->offset[b->n] = beat->offset;
    b->sample[b->n] = beat->sample;
    b->amplitude[b->n] = beat->amplitude;
    return PSY_OK;
}

typedef struct ecg_feed {
    psy_ecg_detector *d;
    psy_beat_list *b;
    size_t gap_cap;
    beats_take_fn take;
    beats_take_gap_fn take_gap;
    void *ctx;
} ecg_feed;

/* Moves what the detector has emitted on: the gaps first (to take_gap, else into the list), then
 * the beats to take. A gap is emitted where it ends, before any beat after it (whose R-peak the
 * detector has yet to see), so gaps first gives each beat every gap before it. */
static psy_status drain(ecg_feed *f)
{
    psy_ecg_beat beats[64];
    psy_ecg_gap gaps[16];
    size_t k;
    while ((k = psy_ecg_detector_pop_gaps(f->d, gaps, 16)) > 0)
        for (size_t i = 0; i < k; i++) {
            psy_status st = f->take_gap ? f->take_gap(f->ctx, &gaps[i])
                                        : beats_add_gap(f->b, &f->gap_cap, &gaps[i]) ? PSY_OK : PSY_E_NOMEM;
            if (st != PSY_OK) return st;
        }
    while ((k = psy_ecg_detector_pop_beats(f->d, beats, 64)) > 0)
        for (size_t i = 0; i < k; i++) {
            psy_status st = f->take(f->ctx, &beats[i]);
            if (st != PSY_OK) return st;
            f->b->n_searchback += beats[i].searchback != 0;
            f->b->n++;
        }
    return PSY_OK;
}

static psy_status push_ecg(void *ctx, const double *x, size_t n, size_t *used)
{
    ecg_feed *f = ctx;
    psy_ecg_detector_push(f->d, x, n, used);
    return drain(f);
}

/* The onsets of the beats of a list of R-peaks: each sample through the recording's time axis
 * (EDF+D stretches), plus its offset (s). Made once the list is final (two leads combined). */
static psy_status ecg_onsets(psy_reader *r, int ch, psy_beat_list *b, const double *offset)
{
    free(b->onset_s);
    if (!(b->onset_s = malloc((b->n ? b->n : 1) * sizeof *b->onset_s))) return PSY_E_NOMEM;
    psy_status st = PSY_OK;
    for (size_t i = 0; i < b->n && st == PSY_OK; i++) st = beats_onset_s(r, ch, b->sample[i], offset[i], &b->onset_s[i]);
    return st;
}

psy_status beats_onset_s(psy_reader *r, int ch, int64_t sample, double offset, double *onset_s)
{
    psy_status st = psy_reader_read_times(r, ch, sample, 1, onset_s);
    *onset_s += offset / psy_reader_channel(r, ch)->rate_hz;
    return st;
}

psy_status beats_detect_peaks(psy_reader *r, int ch, const psy_beats_config *cfg, psy_beat_list *b, beats_take_fn take,
                              beats_take_gap_fn take_gap, void *ctx, int may_thread, psy_message *why)
{
    const psy_channel_info *info = psy_reader_channel(r, ch);
    psy_ecg_detector_config dc = cfg->detector;
    dc.rate_hz = info->rate_hz;
    ecg_feed f = {NULL, b, 0, take, take_gap, ctx};
    psy_status st = psy_ecg_detector_create(&dc, &f.d);
    if (st != PSY_OK) {
        snprintf(why->text, sizeof why->text, "the R-peak detector cannot run at %g Hz (50 .. 20000 Hz)", info->rate_hz);
        return st;
    }
    st = beats_feed_channel(r, ch, cfg->block, may_thread, push_ecg, &f, why);
    if (st == PSY_OK) {
        psy_ecg_detector_finish(f.d);
        st = drain(&f);
    }
    psy_ecg_detector_destroy(f.d);
    return st;
}

/* Runs the detector over the channel block by block; marks keep what it said of each beat. The
 * beats' onsets are left to ecg_onsets. */
static psy_status detect_ecg(psy_reader *r, int ch, const psy_beats_config *cfg, psy_beat_list *b,
                             beats_marks *marks, psy_message *why)
{
    ecg_keep k = {b, marks, 0};
    psy_status st = beats_detect_peaks(r, ch, cfg, b, keep_beat, NULL, &k, 1, why);
    if (st == PSY_OK && b->n < k.cap) {
        beats_shrink_to(&b->sample, b->n, sizeof *b->sample);
        beats_shrink_to(&b->amplitude, b->n, sizeof *b->amplitude);
        beats_shrink_to(&marks->offset, b->n, sizeof *marks->offset);
        if (marks->shapes) {
            beats_shrink_to(&marks->snr, b->n, sizeof *marks->snr);
            beats_shrink_to(&marks->likeness, b->n, sizeof *marks->likeness);
        }
    }
    return st;
}

/* Takes an RR channel (intervals in ms) as it is. */
static psy_status read_rr_channel(psy_reader *r, int ch, psy_beat_list *b, double **rr_out)
{
    const psy_channel_info *info = psy_reader_channel(r, ch);
    size_t n = (size_t)info->frames;
    b->sample = malloc((n ? n : 1) * sizeof *b->sample);
    b->onset_s = malloc((n ? n : 1) * sizeof *b->onset_s);
    b->amplitude = malloc((n ? n : 1) * sizeof *b->amplitude);
    double *rr = malloc((n ? n : 1) * sizeof *rr);
    if (!b->sample || !b->onset_s || !b->amplitude || !rr) {
        free(rr);
        return PSY_E_NOMEM;
    }
    psy_status st = n ? psy_reader_read(r, ch, 0, (int64_t)n, rr) : PSY_OK;
    if (st == PSY_OK && n) st = psy_reader_read_times(r, ch, 0, (int64_t)n, b->onset_s);
    if (st != PSY_OK) {
        free(rr);
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        b->sample[i] = -1;
        b->amplitude[i] = NAN;
        if (!(rr[i] > 0)) rr[i] = NAN; /* a zero, negative or missing interval breaks the series */
    }
    b->n = n;
    *rr_out = rr;
    return PSY_OK;
}

/* 1 when a detector gap lies between samples a and b. */
static int gap_between(const psy_beat_list *b, int64_t a, int64_t c)
{
    for (size_t g = 0; g < b->n_gaps; g++)
        if (b->gaps[g].start < c && b->gaps[g].end > a) return 1;
    return 0;
}

double beats_interval_ms(const psy_beat_list *b, int64_t prev_sample, int64_t sample, double dt_s, double d_onset_s,
                         double rate_hz)
{
    /* No interval across a gap in the signal or in the recording's time axis. */
    int broken = gap_between(b, prev_sample, sample) || fabs(d_onset_s - dt_s) > 0.5 / rate_hz;
    return broken ? NAN : 1000.0 * dt_s;
}

psy_status beats_rr_from_positions(psy_beat_list *b, const double *position, double rate_hz)
{
    double *rr = malloc((b->n ? b->n : 1) * sizeof *rr);
    if (!rr) return PSY_E_NOMEM;
    rr[0] = NAN;
    for (size_t i = 1; i < b->n; i++) {
        double dt = (position ? position[i] - position[i - 1] : (double)(b->sample[i] - b->sample[i - 1])) / rate_hz;
        rr[i] = beats_interval_ms(b, b->sample[i - 1], b->sample[i], dt, b->onset_s[i] - b->onset_s[i - 1], rate_hz);
    }
    free(b->rr_ms);
    b->rr_ms = rr;
    return PSY_OK;
}

int beats_follows(double prev_onset_s, double onset_s, double rr_ms)
{
    double dt_ms = 1000.0 * (onset_s - prev_onset_s);
    return fabs(dt_ms - rr_ms) <= fmax(50.0, 0.2 * rr_ms);
}

/* beats_follows for beat j of the arrays. */
static int follows_at(const double *onset_s, const double *rr_ms, size_t j)
{
    return beats_follows(onset_s[j - 1], onset_s[j], rr_ms[j]);
}

static int follows(const psy_beat_list *b, size_t j)
{
    return follows_at(b->onset_s, b->rr_ms, j);
}

/* The next run of consecutive intervals at or after *i: [*i, *j); 0 when none is left. A run
 * ends at a missing interval or where a beat does not follow the one before. */
static int next_run(const psy_beat_list *b, size_t *i, size_t *j)
{
    while (*i < b->n && isnan(b->rr_ms[*i])) ++*i;
    if (*i >= b->n) return 0;
    *j = *i + 1;
    while (*j < b->n && !isnan(b->rr_ms[*j]) && follows(b, *j)) ++*j;
    return 1;
}

/* Classifies and corrects each run of consecutive intervals. */
psy_status beats_classify_runs(psy_beat_list *b, const psy_rr_config *cfg)
{
    size_t n = b->n, i, j;
    b->cls = calloc(n ? n : 1, sizeof *b->cls);
    if (!b->cls) return PSY_E_NOMEM;
    /* Every run classified before the NN series is allocated: the classifier's workspace and the
     * series' worst case (2 n + 1) are not held at once (a day-long record's peak memory). */
    for (i = 0; next_run(b, &i, &j); i = j) {
        psy_status st = psy_rr_classify(b->rr_ms + i, j - i, cfg, b->cls + i);
        if (st != PSY_OK) return st;
    }
    b->nn_ms = malloc((2 * n + 1) * sizeof *b->nn_ms);
    b->nn_onset_s = malloc((2 * n + 1) * sizeof *b->nn_onset_s);
    b->nn_corrected = malloc(2 * n + 1);
    b->nn_left_out_s = malloc((2 * n + 1) * sizeof *b->nn_left_out_s);
    if (!b->nn_ms || !b->nn_onset_s || !b->nn_corrected || !b->nn_left_out_s) return PSY_E_NOMEM;
    memset(&b->counts, 0, sizeof b->counts);
    size_t left = 0;
    for (i = 0; next_run(b, &i, &j); i = j) {
        size_t m = 0, m_left = 0;
        psy_rr_counts run;
        psy_status st = psy_rr_correct_left_out(b->rr_ms + i, b->onset_s + i, j - i, cfg, b->cls + i,
                                                b->nn_ms + b->n_nn, b->nn_onset_s + b->n_nn,
                                                b->nn_corrected + b->n_nn, 2 * n + 1 - b->n_nn, &m, &run,
                                                b->nn_left_out_s + left, 2 * n + 1 - left, &m_left);
        if (st != PSY_OK) return st;
        b->n_nn += m;
        left += m_left;
        rr_counts_add(&b->counts, &run);
    }
    beats_shrink_to(&b->nn_left_out_s, left, sizeof *b->nn_left_out_s);
    beats_shrink_to(&b->nn_ms, b->n_nn, sizeof *b->nn_ms);
    beats_shrink_to(&b->nn_onset_s, b->n_nn, sizeof *b->nn_onset_s);
    beats_shrink_to(&b->nn_corrected, b->n_nn, sizeof *b->nn_corrected);
    return PSY_OK;
}

psy_status beats_nn_runs(const double *onset_s, const double *rr_ms, const psy_beat_class *classes, size_t n,
                         const psy_rr_config *config, double *out_nn_ms, double *out_t_s, uint8_t *out_corrected,
                         uint8_t *out_run_start, size_t out_max, size_t *out_n, psy_rr_counts *counts,
                         psy_message *why)
{
    if (!out_n) return psy_fail(why, PSY_E_INVALID, "no output count");
    *out_n = 0;
    if (counts) memset(counts, 0, sizeof *counts);
    if (n && (!onset_s || !rr_ms || !out_nn_ms || !out_t_s || !out_corrected))
        return psy_fail(why, PSY_E_INVALID, "no beats or no output");
    psy_rr_config defaults = psy_rr_config_default();
    if (!config) config = &defaults;
    for (size_t i = 0; i < n;) {
        if (!(rr_ms[i] > 0)) { /* n/a (a gap) or not an interval */
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && rr_ms[j] > 0 && follows_at(onset_s, rr_ms, j)) j++;
        size_t m = 0;
        psy_rr_counts run;
        psy_status st = psy_rr_correct(rr_ms + i, onset_s + i, j - i, config, classes ? classes + i : NULL,
                                       out_nn_ms + *out_n, out_t_s + *out_n, out_corrected + *out_n,
                                       out_max - *out_n, &m, &run);
        if (st != PSY_OK)
            return psy_fail(why, st, "RR correction failed (%s): the NN series stops at %.1f s", psy_strerror(st),
                            onset_s[i]);
        if (m && out_run_start) memset(out_run_start + *out_n, 0, m), out_run_start[*out_n] = 1;
        *out_n += m;
        rr_counts_add(counts, &run);
        i = j;
    }
    return PSY_OK;
}

psy_status psy_beats_nn_runs(const double *onset_s, const double *rr_ms, const psy_beat_class *classes, size_t n,
                             const psy_rr_config *config, double *out_nn_ms, double *out_t_s, uint8_t *out_corrected,
                             uint8_t *out_run_start, size_t out_max, size_t *out_n, psy_message *why)
{
    if (n && (!classes || !out_run_start)) {
        if (out_n) *out_n = 0;
        return psy_fail(why, PSY_E_INVALID, "no beats or no output");
    }
    return beats_nn_runs(onset_s, rr_ms, classes, n, config, out_nn_ms, out_t_s, out_corrected, out_run_start,
                         out_max, out_n, NULL, why);
}

psy_status psy_beats_detect(psy_reader *r, int ch, const psy_beats_config *config,
                            psy_beat_list **out, psy_message *why)
{
    return psy_beats_detect_leads(r, &ch, 1, config, out, why);
}

psy_status psy_beats_detect_leads(psy_reader *r, const int *channels, int n_channels,
                                  const psy_beats_config *config, psy_beat_list **out,
                                  psy_message *why)
{
    psy_message ignored;
    if (!why) why = &ignored;
    why->text[0] = '\0';
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!channels || n_channels < 1 || n_channels > 2) return PSY_E_INVALID;
    int ch = channels[0];
    const psy_channel_info *info = psy_reader_channel(r, ch);
    if (!info) return PSY_E_INVALID;
    const psy_channel_info *second = n_channels == 2 ? psy_reader_channel(r, channels[1]) : NULL;
    if (n_channels == 2 && (!second || second->rate_hz != info->rate_hz || info->rate_hz <= 0 ||
                            info->type == PSY_CH_RR || second->type == PSY_CH_RR)) {
        snprintf(why->text, sizeof why->text,
                 "two leads are combined only when both are regular signals at one rate");
        return PSY_E_INVALID;
    }
    for (int i = 0; i < n_channels; i++)
        if (psy_reader_channel(r, channels[i])->type == PSY_CH_PPG) {
            /* The R-peak detector finds nothing meaningful on a pulse wave. */
            snprintf(why->text, sizeof why->text, "channel '%s' is PPG: its beats are pulses "
                     "(psy_pulses_detect), not R-peaks", psy_reader_channel(r, channels[i])->label);
            return PSY_E_INVALID;
        }
    psy_beats_config cfg = config ? *config : psy_beats_config_default();
    if (!psy_reserved_clear(cfg.reserved)) { /* the detector's and rr's: their own checks */
        snprintf(why->text, sizeof why->text, "%s", PSY_RESERVED_REASON);
        return PSY_E_INVALID;
    }
    psy_beat_list *b = calloc(1, sizeof *b);
    if (!b) return PSY_E_NOMEM;
    psy_status st;
    double *rr = NULL;
    if (info->type == PSY_CH_RR) {
        st = read_rr_channel(r, ch, b, &rr);
    } else if (info->rate_hz > 0) {
        beats_marks marks[2] = {{NULL, NULL, NULL, second != NULL}, {NULL, NULL, NULL, 1}};
        st = detect_ecg(r, ch, &cfg, b, &marks[0], why);
        if (st == PSY_OK && second) {
            psy_beat_list *b2 = calloc(1, sizeof *b2);
            st = b2 ? detect_ecg(r, channels[1], &cfg, b2, &marks[1], why) : PSY_E_NOMEM;
            if (st == PSY_OK) st = beats_merge_leads(r, channels, b, &marks[0], b2, &marks[1], why);
            psy_beat_list_free(b2);
        }
        /* What only combining the leads needed goes before the intervals are made. */
        free(marks[0].snr), free(marks[0].likeness);
        free(marks[1].offset), free(marks[1].snr), free(marks[1].likeness);
        if (st == PSY_OK) st = ecg_onsets(r, ch, b, marks[0].offset);
        /* Intervals between the R-peaks' times: sample + offset. */
        for (size_t i = 0; st == PSY_OK && i < b->n; i++) marks[0].offset[i] += (double)b->sample[i];
        if (st == PSY_OK) st = beats_rr_from_positions(b, marks[0].offset, info->rate_hz);
        free(marks[0].offset);
    } else {
        snprintf(why->text, sizeof why->text,
                 "channel '%s' is irregular and not an RR channel: no beats to take", info->label);
        st = PSY_E_INVALID;
    }
    if (rr) b->rr_ms = rr;
    if (st == PSY_OK) st = beats_classify_runs(b, &cfg.rr);
    if (st != PSY_OK) {
        if (!why->text[0]) snprintf(why->text, sizeof why->text, "%s", psy_strerror(st));
        psy_beat_list_free(b);
        return st;
    }
    *out = b;
    return PSY_OK;
}
