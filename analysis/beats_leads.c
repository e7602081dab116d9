/* Two ECG leads combined into one beat list (psy_beats_detect_leads). Each lead's detector judged
 * its own signal; where the leads disagree, the signals decide, never the rhythm. A QRS is an
 * electrical event of the whole heart and shows, larger or smaller, on both leads, while an
 * artefact (electrode motion, a muscle burst, a spike) is mostly in one: fusing leads by their
 * signal quality, as Li, Mark & Clifford 2008 (Physiol. Meas. 29:15-32) fuse heart-rate sources
 * by per-lead quality indices. A beat of the first lead that the second does not show stays
 * unless it is unlike the first lead's dominant QRS and the second lead, clean there, shows no
 * QRS slope out of its background (a QRS can be nearly isoelectric on one lead: a beat of the
 * dominant shape is never refuted). A beat only the second lead shows is added where the first
 * lead has no signal, or where it is the second lead's dominant shape standing out of its noise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "beats_internal.h"
#include "small_median.h"

#define BOTH_S 0.150       /* a beat both leads show: R-peaks within this (a wide QRS, a PVC, peaks up to
                              its width apart on two leads; no two beats come this close) */
#define APART_S 0.250      /* a second-lead beat is another beat where the first lead has none within this */
#define QRS_HALF_S 0.120   /* a QRS seen on one lead lies within this of its R-peak on the other */
#define SLOPE_HALF_S 0.010 /* slopes as differences across 2 x this: the QRS band, about 25 Hz */
#define REFERENCE 8        /* a lead's QRS slope: the median over its 8 beats nearest before */
/* A lead refutes a beat where its background (the steepest slopes 0.25, 0.5, 0.75 and 1 s
 * before and after) is under CLEAN of its beats' (P and T waves reach about a tenth) and its
 * steepest slope at the beat stays under ABOVE_NOISE times that background. */
#define BACKGROUND 8
#define BACKGROUND_S 0.25
#define CLEAN 0.2
#define ABOVE_NOISE 3.0
/* A QRS clear by its own lead: this correlated with the lead's dominant QRS template
 * (Hamilton 2002; the detector's SHAPE_MATCH). A beat only the second lead shows must also stand
 * NEW_SNR times out of that lead's noise (band-passed peak over the band's RMS before it). */
#define CLEAR_LIKENESS 0.8
#define NEW_SNR 5.0

typedef struct lead {
    psy_reader *r;
    int ch;
    int64_t frames;
    const psy_beat_list *beats;
    const beats_marks *marks;
} lead;

typedef struct window {
    int64_t half, h, spacing; /* samples: QRS_HALF_S, SLOPE_HALF_S, BACKGROUND_S */
    double *buf;              /* 2 (half + h) + 1 */
} window;

static int in_gap(const psy_beat_list *b, int64_t s)
{
    for (size_t g = 0; g < b->n_gaps; g++)
        if (b->gaps[g].start <= s && s < b->gaps[g].end) return 1;
    return 0;
}

/* Index of the first beat of b at or after s. */
static size_t first_from(const psy_beat_list *b, int64_t s)
{
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (b->sample[mid] < s) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* 1 when b has a beat within tol of s. */
static int has_beat_near(const psy_beat_list *b, int64_t s, int64_t tol)
{
    size_t k = first_from(b, s - tol);
    return k < b->n && b->sample[k] <= s + tol;
}

/* The steepest slope of the lead within w->half of sample s, |x[i + h] - x[i - h]|; NaN where
 * the window holds no two samples. */
static psy_status steepest(const lead *l, const window *w, int64_t s, double *out)
{
    int64_t lo = s - w->half - w->h, hi = s + w->half + w->h + 1;
    if (lo < 0) lo = 0;
    if (hi > l->frames) hi = l->frames;
    *out = NAN;
    if (hi - lo <= 2 * w->h) return PSY_OK;
    psy_status st = psy_reader_read(l->r, l->ch, lo, hi - lo, w->buf);
    if (st != PSY_OK) return st;
    double best = 0; /* NaN samples never count */
    for (int64_t i = w->h; i + w->h < hi - lo; i++) {
        double d = fabs(w->buf[i + w->h] - w->buf[i - w->h]);
        if (d > best) best = d;
    }
    *out = best;
    return PSY_OK;
}

/* *refutes = 1 when the lead, clean near s, shows no QRS there: the steepest slopes of its
 * BACKGROUND windows around s are (median) under CLEAN times those of its REFERENCE beats nearest
 * before s (after it, at the start), and its steepest slope at s stays under ABOVE_NOISE times
 * that background. A lead with noise there, or without beats to compare with, refutes nothing. */
static psy_status refutes(const lead *l, const window *w, int64_t s, int *refuted)
{
    *refuted = 0;
    size_t k = first_from(l->beats, s), from = k >= REFERENCE ? k - REFERENCE : 0;
    size_t to = from + REFERENCE < l->beats->n ? from + REFERENCE : l->beats->n;
    double ref[REFERENCE], back[BACKGROUND], here;
    int n = 0, m = 0;
    psy_status st = PSY_OK;
    for (size_t i = from; i < to && st == PSY_OK; i++) {
        st = steepest(l, w, l->beats->sample[i], &ref[n]);
        n += ref[n] > 0;
    }
    for (int j = 0; j < BACKGROUND && st == PSY_OK; j++) {
        int64_t step = (j / 2 + 1) * w->spacing;
        st = steepest(l, w, j % 2 ? s + step : s - step, &back[m]);
        m += back[m] > 0;
    }
    if (st == PSY_OK) st = steepest(l, w, s, &here);
    if (st != PSY_OK || n == 0 || m == 0) return st;
    double background = psy_small_median(back, m);
    *refuted = background < CLEAN * psy_small_median(ref, n) && here < ABOVE_NOISE * background;
    return PSY_OK;
}

static int clear_qrs(const beats_marks *m, size_t i)
{
    return m->likeness[i] >= CLEAR_LIKENESS;
}

/* The stretches where both leads' gaps overlap (no usable signal in either). */
static psy_status intersect_gaps(psy_beat_list *a, const psy_beat_list *b)
{
    size_t n = 0, cap = a->n_gaps + b->n_gaps + 1;
    psy_ecg_gap *g = malloc(cap * sizeof *g);
    if (!g) return PSY_E_NOMEM;
    for (size_t i = 0, j = 0; i < a->n_gaps && j < b->n_gaps;) {
        int64_t lo = a->gaps[i].start > b->gaps[j].start ? a->gaps[i].start : b->gaps[j].start;
        int64_t hi = a->gaps[i].end < b->gaps[j].end ? a->gaps[i].end : b->gaps[j].end;
        if (lo < hi && n < cap) g[n++] = (psy_ecg_gap){lo, hi, a->gaps[i].flat && b->gaps[j].flat};
        if (a->gaps[i].end < b->gaps[j].end) i++;
        else j++;
    }
    free(a->gaps);
    a->gaps = g;
    a->n_gaps = n;
    return PSY_OK;
}

/* Beats as columns: R-peak sample, amplitude and sub-sample offset (beats_marks). */
typedef struct columns {
    int64_t *sample;
    double *amp, *offset;
} columns;

static void put(columns *c, size_t k, int64_t s, double amp, double offset)
{
    c->sample[k] = s, c->amp[k] = amp, c->offset[k] = offset;
}

/* The first lead's beats the signals keep, moved to the front of its own columns (out: *n_kept of
 * them), then the second lead's beats they add (into add: room for b->n, *n_add of them). */
static psy_status combine(const lead *first, const lead *second, const window *w, double rate, columns *out,
                          size_t *n_kept, columns *add, size_t *n_add)
{
    const psy_beat_list *a = first->beats, *b = second->beats;
    int64_t both = (int64_t)llround(BOTH_S * rate), apart = (int64_t)llround(APART_S * rate);
    int64_t *sample = out->sample;
    size_t m = 0, k_add = 0;
    for (size_t i = 0; i < a->n; i++) { /* m <= i: what is moved has been read */
        int64_t s = sample[i];
        int refuted = 0;
        if (!has_beat_near(b, s, both) && !in_gap(b, s) && !clear_qrs(first->marks, i)) {
            psy_status st = refutes(second, w, s, &refuted);
            if (st != PSY_OK) return st;
        }
        if (!refuted) put(out, m++, s, out->amp[i], out->offset[i]);
    }
    for (size_t j = 0, k = 0; j < b->n; j++) {
        int64_t s = b->sample[j];
        while (k < m && sample[k] < s) k++; /* insertion point among the first lead's beats */
        if ((k > 0 && s - sample[k - 1] <= apart) || (k < m && sample[k] - s <= apart)) continue;
        if (in_gap(a, s) || (clear_qrs(second->marks, j) && second->marks->snr[j] >= NEW_SNR))
            put(add, k_add++, s, b->amplitude[j], second->marks->offset[j]);
    }
    *n_kept = m, *n_add = k_add;
    return PSY_OK;
}

/* Merges the n_add beats of add into the m of out (room for m + n_add), both ordered: from the
 * back, so that it works in place. */
static void merge_added(columns *out, size_t m, const columns *add, size_t n_add)
{
    for (size_t i = m, j = n_add, o = m + n_add; j > 0;) {
        o--;
        if (i > 0 && out->sample[i - 1] > add->sample[j - 1])
            i--, put(out, o, out->sample[i], out->amp[i], out->offset[i]);
        else j--, put(out, o, add->sample[j], add->amp[j], add->offset[j]);
    }
}

/* Resizes the columns to n beats. 0 when out of memory (the columns stay valid). */
static int resize(columns *c, size_t n)
{
    int64_t *s = realloc(c->sample, (n ? n : 1) * sizeof *s);
    if (s) c->sample = s;
    double *a = realloc(c->amp, (n ? n : 1) * sizeof *a);
    if (a) c->amp = a;
    double *o = realloc(c->offset, (n ? n : 1) * sizeof *o);
    if (o) c->offset = o;
    return s && a && o;
}

psy_status beats_merge_leads(psy_reader *r, const int channels[2], psy_beat_list *a,
                             beats_marks *ma, const psy_beat_list *b, const beats_marks *mb,
                             psy_message *why)
{
    double rate = psy_reader_channel(r, channels[0])->rate_hz;
    lead first = {r, channels[0], psy_reader_channel(r, channels[0])->frames, a, ma};
    lead second = {r, channels[1], psy_reader_channel(r, channels[1])->frames, b, mb};
    window w = {(int64_t)llround(QRS_HALF_S * rate), (int64_t)llround(SLOPE_HALF_S * rate),
                (int64_t)llround(BACKGROUND_S * rate), NULL};
    if (w.h < 1) w.h = 1;
    /* The first lead's columns become the combined ones: no third copy of the beats. */
    columns out = {a->sample, a->amplitude, ma->offset};
    columns add = {malloc((b->n + 1) * sizeof *add.sample), malloc((b->n + 1) * sizeof *add.amp),
                   malloc((b->n + 1) * sizeof *add.offset)};
    w.buf = malloc((size_t)(2 * (w.half + w.h) + 1) * sizeof *w.buf);
    size_t m = 0, n_add = 0;
    psy_status st = add.sample && add.amp && add.offset && w.buf
                        ? combine(&first, &second, &w, rate, &out, &m, &add, &n_add)
                        : PSY_E_NOMEM;
    free(w.buf);
    if (st == PSY_OK && !resize(&out, m + n_add)) st = PSY_E_NOMEM;
    a->sample = out.sample, a->amplitude = out.amp, ma->offset = out.offset;
    if (st == PSY_OK) {
        merge_added(&out, m, &add, n_add);
        a->n = m + n_add;
        a->n_searchback += b->n_searchback;
    }
    free(add.sample), free(add.amp), free(add.offset);
    if (st != PSY_OK) {
        if (st != PSY_E_NOMEM)
            snprintf(why->text, sizeof why->text, "reading the leads to combine them: %s", psy_strerror(st));
        return st;
    }
    return intersect_gaps(a, b);
}
