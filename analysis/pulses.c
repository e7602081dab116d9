/* Pulses of a PPG channel: the pulse detector -> intervals between half-amplitude points ->
 * classes -> NN. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beats_internal.h"
#include "psy_core.h" /* psy_reserved_clear */

psy_pulses_config psy_pulses_config_default(void)
{
    psy_pulses_config c;
    memset(&c, 0, sizeof c);
    c.detector = psy_ppg_detector_config_default(0);
    c.rr = psy_rr_config_default();
    c.block = 65536;
    return c;
}

typedef struct pulse_lists {
    psy_beat_list *b;
    double *mid;        /* fractional sample of each half-amplitude point (the pulse's time) */
    double *upstroke;   /* of its steepest upstroke */
    double *foot;       /* of its foot */
    size_t cap, gap_cap;
} pulse_lists;

static int grow(void *array, size_t size, size_t n)
{
    void *p = realloc(*(void **)array, n * size);
    if (p) *(void **)array = p;
    return p != NULL;
}

static int add_pulse(pulse_lists *l, const psy_ppg_pulse *p)
{
    psy_beat_list *b = l->b;
    if (b->n == l->cap) {
        size_t n = l->cap ? 2 * l->cap : 1024;
        if (!grow(&b->sample, sizeof *b->sample, n) || !grow(&b->amplitude, sizeof *b->amplitude, n) ||
            !grow(&b->peak_sample, sizeof *b->peak_sample, n) || !grow(&b->quality, sizeof *b->quality, n) ||
            !grow(&b->onset_s, sizeof *b->onset_s, n) || !grow(&b->upstroke_s, sizeof *b->upstroke_s, n) ||
            !grow(&b->foot_s, sizeof *b->foot_s, n) || !grow(&l->mid, sizeof *l->mid, n) ||
            !grow(&l->foot, sizeof *l->foot, n) || !grow(&l->upstroke, sizeof *l->upstroke, n))
            return 0;
        l->cap = n;
    }
    b->sample[b->n] = (int64_t)floor(p->mid);
    b->amplitude[b->n] = p->amplitude;
    b->peak_sample[b->n] = p->peak;
    b->quality[b->n] = p->quality;
    l->upstroke[b->n] = p->upstroke;
    l->foot[b->n] = p->foot;
    l->mid[b->n++] = p->mid;
    return 1;
}

static int add_unusable(pulse_lists *l, const psy_ppg_unusable *u)
{
    psy_beat_list *b = l->b;
    if (b->n_gaps == l->gap_cap) {
        size_t n = l->gap_cap ? 2 * l->gap_cap : 16;
        if (!grow(&b->gaps, sizeof *b->gaps, n) || !grow(&b->gap_reason, sizeof *b->gap_reason, n)) return 0;
        l->gap_cap = n;
    }
    b->gaps[b->n_gaps] = (psy_ecg_gap){u->start, u->end, u->reason != PSY_PPG_MISSING};
    b->gap_reason[b->n_gaps++] = u->reason;
    return 1;
}

static psy_status drain(psy_ppg_detector *d, pulse_lists *l)
{
    psy_ppg_pulse p[64];
    psy_ppg_unusable u[64];
    size_t k;
    while ((k = psy_ppg_detector_pop_pulses(d, p, 64)) > 0)
        for (size_t i = 0; i < k; i++)
            if (!add_pulse(l, &p[i])) return PSY_E_NOMEM;
    while ((k = psy_ppg_detector_pop_unusable(d, u, 64)) > 0)
        for (size_t i = 0; i < k; i++)
            if (!add_unusable(l, &u[i])) return PSY_E_NOMEM;
    return PSY_OK;
}

static int compare_gaps(const void *a, const void *b)
{
    const psy_ecg_gap *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

typedef struct ppg_feed {
    psy_ppg_detector *d;
    pulse_lists *l;
} ppg_feed;

static psy_status push_ppg(void *ctx, const double *x, size_t n, size_t *used)
{
    ppg_feed *f = ctx;
    psy_ppg_detector_push(f->d, x, n, used);
    return drain(f->d, f->l);
}

/* Runs the detector over the channel block by block. */
static psy_status detect(psy_reader *r, int ch, const psy_pulses_config *cfg, pulse_lists *l,
                         psy_message *why)
{
    const psy_channel_info *info = psy_reader_channel(r, ch);
    psy_ppg_detector_config dc = cfg->detector;
    dc.rate_hz = info->rate_hz;
    psy_ppg_detector *d = NULL;
    psy_status st = psy_ppg_detector_create(&dc, &d);
    if (st != PSY_OK) {
        snprintf(why->text, sizeof why->text,
                 "the pulse detector cannot run on channel '%s' at %g Hz (25 .. 1000 Hz)", info->label,
                 info->rate_hz);
        return st;
    }
    ppg_feed f = {d, l};
    st = beats_feed_channel(r, ch, cfg->block, 1, push_ppg, &f, why);
    if (st == PSY_OK) {
        psy_ppg_detector_finish(d);
        st = drain(d, l);
    }
    l->b->polarity = psy_ppg_detector_polarity(d);
    psy_ppg_detector_destroy(d);
    /* Stretches come out as they close (an artefact after the flat run it contains): in order. */
    if (st == PSY_OK && l->b->n_gaps > 1) {
        psy_beat_list *b = l->b;
        for (size_t i = 0; i < b->n_gaps; i++) b->gaps[i].flat = (int)i; /* carry the index */
        qsort(b->gaps, b->n_gaps, sizeof *b->gaps, compare_gaps);
        psy_ppg_reason *reason = malloc(b->n_gaps * sizeof *reason);
        if (!reason) return PSY_E_NOMEM;
        for (size_t i = 0; i < b->n_gaps; i++) {
            reason[i] = b->gap_reason[b->gaps[i].flat];
            b->gaps[i].flat = reason[i] != PSY_PPG_MISSING;
        }
        free(b->gap_reason);
        b->gap_reason = reason;
    }
    /* Onsets through the recording's time axis, at the point's fraction of a sample. */
    for (size_t i = 0; i < l->b->n && st == PSY_OK; i++) {
        st = psy_reader_read_times(r, ch, l->b->sample[i], 1, &l->b->onset_s[i]);
        l->b->onset_s[i] += (l->mid[i] - (double)l->b->sample[i]) / info->rate_hz;
        l->b->upstroke_s[i] = l->b->onset_s[i] + (l->upstroke[i] - l->mid[i]) / info->rate_hz;
        l->b->foot_s[i] = l->b->onset_s[i] + (l->foot[i] - l->mid[i]) / info->rate_hz;
    }
    return st;
}

psy_status psy_pulses_detect(psy_reader *r, int ch, const psy_pulses_config *config,
                             psy_beat_list **out, psy_message *why)
{
    psy_message ignored;
    if (!why) why = &ignored;
    why->text[0] = '\0';
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    const psy_channel_info *info = psy_reader_channel(r, ch);
    if (!info) return PSY_E_INVALID;
    if (!(info->rate_hz > 0)) {
        snprintf(why->text, sizeof why->text, "channel '%s' is irregular: no pulse wave to detect pulses on",
                 info->label);
        return PSY_E_INVALID;
    }
    psy_pulses_config cfg = config ? *config : psy_pulses_config_default();
    if (!psy_reserved_clear(cfg.reserved)) { /* the detector's and rr's: their own checks */
        snprintf(why->text, sizeof why->text, "%s", PSY_RESERVED_REASON);
        return PSY_E_INVALID;
    }
    pulse_lists l = {calloc(1, sizeof *l.b), NULL, NULL, NULL, 0, 0};
    if (!l.b) return PSY_E_NOMEM;
    l.b->pulses = 1;
    psy_status st = detect(r, ch, &cfg, &l, why);
    if (st == PSY_OK) st = beats_rr_from_positions(l.b, l.mid, info->rate_hz);
    if (st == PSY_OK) st = beats_classify_runs(l.b, &cfg.rr);
    free(l.mid);
    free(l.foot);
    free(l.upstroke);
    if (st != PSY_OK) {
        if (!why->text[0]) snprintf(why->text, sizeof why->text, "%s", psy_strerror(st));
        psy_beat_list_free(l.b);
        return st;
    }
    *out = l.b;
    return PSY_OK;
}
