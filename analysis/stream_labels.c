/* Labels and NN intervals of live beats: the Lipponen–Tarvainen classification (dsp/rr_correct.c)
 * of the current stretch's intervals, kept in a sliding buffer. A beat's label is final once
 * `rr_lookahead` beats follow it (53 by default: the classifier reads the quartile deviation over
 * qd_window beats of deviations from an 11-beat median, so a class depends on intervals up to
 * qd_window / 2 + median_window / 2 + 3 beats ahead). With that lookahead the classes come from
 * the incremental classifier (dsp/rr_online.h: each window statistic computed once, when its
 * intervals have arrived, and the two passes carried on from beat to beat), equal to those of
 * psy_beats_detect on the whole recording; in a stretch's first 96 beats a label waits until the
 * 91-beat windows there are whole (tested on MIT-BIH 100, 105, 113, a bigeminy strap recording and
 * PPG pulses). The provisional label of the newest beat is its class in the stretch so far (the
 * incremental classifier completed to that beat on a copy). A shorter lookahead classifies the
 * buffer as it is at each beat, for the final and the provisional labels. The buffer keeps `back`
 * beats before the first pending one, more than the classifier's windows reach back. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/beats.h"
#include "rr_internal.h"
#include "stream_internal.h"

#define NN_REACH 4 /* an NN interval is final this many labelled beats later (the interpolation
                      reads two usable neighbours on each side) */

static int exact_lookahead(const psy_rr_config *c)
{
    return (int)rr_reach(c) + 1; /* a class reads the features one interval ahead */
}

psy_status stream_labels_init(stream_labels *l, const psy_stream_config *cfg)
{
    memset(l, 0, sizeof *l);
    l->cfg = cfg;
    l->back = (size_t)exact_lookahead(&cfg->rr) + (size_t)cfg->rr.qd_window + NN_REACH;
    l->cap = l->back + (size_t)cfg->rr_lookahead + (size_t)cfg->rr.qd_window + 64;
    l->rr = malloc(l->cap * sizeof *l->rr);
    l->t = malloc(l->cap * sizeof *l->t);
    l->sample = malloc(l->cap * sizeof *l->sample);
    l->cls = malloc(l->cap * sizeof *l->cls);
    l->work = malloc(psy_rr_classify_work_size(l->cap) * sizeof *l->work);
    l->nn_rr = malloc(2 * l->cap * sizeof *l->nn_rr);
    l->nn_t = malloc(2 * l->cap * sizeof *l->nn_t);
    l->nn_corrected = malloc(2 * l->cap);
    if (!l->rr || !l->t || !l->sample || !l->cls || !l->work || !l->nn_rr || !l->nn_t || !l->nn_corrected)
        return PSY_E_NOMEM;
    l->exact = cfg->rr_lookahead >= exact_lookahead(&cfg->rr);
    if (l->exact && rr_online_init(&l->online, &cfg->rr, l->cap) != PSY_OK) return PSY_E_NOMEM;
    if (l->exact && cfg->provisional && rr_online_init(&l->ended, &cfg->rr, l->cap) != PSY_OK) return PSY_E_NOMEM;
    stream_labels_reset(l);
    return PSY_OK;
}

void stream_labels_reset(stream_labels *l)
{
    l->n = l->n_final = 0;
    l->last_label = PSY_BEAT_NORMAL;
    l->any_label = 0;
    l->nn_emitted_t = -INFINITY;
    if (l->exact) rr_online_reset(&l->online);
}

void stream_labels_free(stream_labels *l)
{
    free(l->rr), free(l->t), free(l->sample), free(l->cls), free(l->work);
    free(l->nn_rr), free(l->nn_t), free(l->nn_corrected);
    rr_online_free(&l->online), rr_online_free(&l->ended); /* (zeroed when not used) */
    memset(l, 0, sizeof *l);
}

/* The classes of the buffer as if the stretch ended at its newest beat. With the exact lookahead,
 * those psy_rr_classify gives the stretch's intervals so far: the incremental classifier's state,
 * completed to the end on a copy (the windows and passes of its last ~60 intervals, instead of a
 * classification of the whole buffer at every beat: the default stream cost twice the CPU of
 * --exact). Otherwise the classifier on the buffer, which the final labels read too. */
static const psy_beat_class *classes_so_far(stream_labels *l)
{
    if (!l->exact) {
        psy_rr_classify_work(l->rr, l->n, &l->cfg->rr, l->cls, l->work);
        return l->cls;
    }
    rr_online_copy(&l->ended, &l->online);
    rr_online_update(&l->ended, l->rr, l->n, 1);
    return rr_online_classes(&l->ended);
}

/* The provisional label and HRV line of the newest beat: the classes and the NN correction of
 * the beats so far (the final ones come when the lookahead completes). */
static void emit_provisional(stream_labels *l, stream_hrv *h, stream_emit emit, void *ctx)
{
    size_t i = l->n - 1, m = 0;
    const psy_beat_class *cls = classes_so_far(l);
    psy_stream_output o;
    memset(&o, 0, sizeof o);
    o.kind = PSY_STREAM_LABEL;
    o.onset_s = l->t[i];
    o.u.label.sample = l->sample[i];
    o.u.label.rr_ms = l->rr[i];
    o.u.label.label = cls[i];
    o.u.label.corrected = psy_beat_interval_corrected(cls[i], i > 0 || l->any_label, i > 0 ? cls[i - 1] : l->last_label);
    o.u.label.provisional = 1;
    emit(ctx, &o);
    if (!h || psy_rr_correct(l->rr, l->t, l->n, &l->cfg->rr, cls, l->nn_rr, l->nn_t, l->nn_corrected, 2 * l->cap,
                             &m, NULL) != PSY_OK)
        return;
    size_t k = 0;
    while (k < m && !(l->nn_t[k] > l->nn_emitted_t)) k++;
    if (stream_hrv_peek(h, l->nn_rr + k, l->nn_t + k, m - k, &o)) emit(ctx, &o);
}

static void emit_label(stream_labels *l, int64_t sample, double t, double rr, psy_beat_class cls,
                       stream_emit emit, void *ctx)
{
    psy_stream_output o;
    memset(&o, 0, sizeof o);
    o.kind = PSY_STREAM_LABEL;
    o.onset_s = t;
    o.u.label.sample = sample;
    o.u.label.rr_ms = rr;
    o.u.label.label = cls;
    o.u.label.corrected = psy_beat_interval_corrected(cls, l->any_label, l->last_label);
    emit(ctx, &o);
    l->last_label = cls;
    l->any_label = 1;
}

/* The classes the final labels come from. */
static const psy_beat_class *final_classes(const stream_labels *l)
{
    return l->exact ? rr_online_classes(&l->online) : l->cls;
}

/* NN intervals of the buffer up to time t_max that are not out yet, each followed by its HRV line
 * when one is due (an interval's correction reads classes up to NN_REACH beats on: final ones). */
static void emit_nn(stream_labels *l, double t_max, stream_hrv *h, stream_emit emit, void *ctx)
{
    size_t m = 0;
    if (psy_rr_correct(l->rr, l->t, l->n, &l->cfg->rr, final_classes(l), l->nn_rr, l->nn_t, l->nn_corrected,
                       2 * l->cap, &m, NULL) != PSY_OK)
        return;
    for (size_t k = 0; k < m; k++) {
        if (!(l->nn_t[k] > l->nn_emitted_t) || l->nn_t[k] > t_max) continue;
        l->nn_emitted_t = l->nn_t[k];
        psy_stream_output o;
        if (h && stream_hrv_add(h, l->nn_rr[k], l->nn_t[k], &o)) emit(ctx, &o);
    }
}

/* Drops the oldest beats the classifier no longer reaches. */
static void shift(stream_labels *l)
{
    if (l->n_final <= l->back) return;
    size_t drop = l->n_final - l->back;
    if (l->exact) {
        if (drop > rr_online_droppable(&l->online)) drop = rr_online_droppable(&l->online);
        rr_online_drop(&l->online, drop);
    }
    memmove(l->rr, l->rr + drop, (l->n - drop) * sizeof *l->rr);
    memmove(l->t, l->t + drop, (l->n - drop) * sizeof *l->t);
    memmove(l->sample, l->sample + drop, (l->n - drop) * sizeof *l->sample);
    l->n -= drop;
    l->n_final -= drop;
}

void stream_labels_flush(stream_labels *l, stream_hrv *h, stream_emit emit, void *ctx)
{
    if (l->n > 0) {
        if (l->exact)
            rr_online_update(&l->online, l->rr, l->n, 1);
        else
            psy_rr_classify_work(l->rr, l->n, &l->cfg->rr, l->cls, l->work);
        const psy_beat_class *cls = final_classes(l);
        for (size_t i = l->n_final; i < l->n; i++) emit_label(l, l->sample[i], l->t[i], l->rr[i], cls[i], emit, ctx);
        emit_nn(l, INFINITY, h, emit, ctx);
        l->n = l->n_final = 0;
        if (l->exact) rr_online_reset(&l->online);
    }
    psy_stream_output o; /* the stretch's HRV up to its last interval, whatever the cadence */
    if (h && stream_hrv_flush(h, &o)) emit(ctx, &o);
}

void stream_labels_beat(stream_labels *l, int64_t sample, double t_s, double rr_ms, int new_stretch,
                        stream_hrv *h, stream_emit emit, void *ctx)
{
    int no_interval = !(rr_ms > 0) || !isfinite(rr_ms);
    if (new_stretch || no_interval) stream_labels_flush(l, h, emit, ctx); /* the old one is complete */
    if (no_interval) { /* a beat without an interval is N, as offline */
        emit_label(l, sample, t_s, NAN, PSY_BEAT_NORMAL, emit, ctx);
        return;
    }
    if (l->n == l->cap) shift(l);
    if (l->n == l->cap) { /* cannot happen: cap leaves room for the lookahead */
        stream_labels_flush(l, h, emit, ctx);
    }
    l->rr[l->n] = rr_ms, l->t[l->n] = t_s, l->sample[l->n] = sample;
    l->n++;
    if (l->exact) rr_online_update(&l->online, l->rr, l->n, 0);
    if (l->cfg->provisional) emit_provisional(l, h, emit, ctx);
    size_t ahead = (size_t)l->cfg->rr_lookahead;
    if (l->n < l->n_final + ahead + 1) return;
    size_t upto = l->n - ahead; /* beats [n_final, upto) become final */
    if (l->exact) { /* and those the run's intervals so far decide (after a run's first 96) */
        if (rr_online_final(&l->online) < upto) upto = rr_online_final(&l->online);
        if (upto <= l->n_final) return;
    } else if (!l->cfg->provisional) { /* (emit_provisional has classified this buffer) */
        psy_rr_classify_work(l->rr, l->n, &l->cfg->rr, l->cls, l->work);
    }
    const psy_beat_class *cls = final_classes(l);
    for (size_t i = l->n_final; i < upto; i++) emit_label(l, l->sample[i], l->t[i], l->rr[i], cls[i], emit, ctx);
    l->n_final = upto;
    if (upto > NN_REACH) emit_nn(l, l->t[upto - 1 - NN_REACH], h, emit, ctx);
    shift(l);
}
