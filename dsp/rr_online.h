/* Internal: the beat classifier of psy_rr_classify run on a live stretch of intervals as they
 * arrive. Each statistic is computed once, when the intervals its window spans have arrived, so
 * the classes equal those of psy_rr_classify on the whole stretch (the windows at its end,
 * shifted inwards, once rr_online_update is told it has ended), at the cost of a window update
 * per interval instead of a classification of the whole buffer. The intervals are the caller's:
 * it passes its buffer at each update and drops its oldest ones together with the classifier's
 * (rr_online_drop). */
#ifndef PSYPHYS_RR_ONLINE_H
#define PSYPHYS_RR_ONLINE_H

#include <stddef.h>

#include "psyphys/rr.h"

typedef struct rr_window_state {
    double *sorted; /* the window's values, ascending */
    size_t m;       /* how many */
    size_t lo, hi;  /* the stretch's intervals [lo, hi) it holds */
} rr_window_state;

typedef struct rr_online {
    psy_rr_config cfg;
    double *med, *d, *mrr, *th2;   /* features of each held interval (as in rr_correct.c) */
    psy_beat_class *cls;           /* classes of each held interval */
    rr_window_state w_med, w_d, w_m; /* the median, dRR and mRR windows */
    size_t base;                   /* stretch index of the caller's interval 0 */
    size_t n;                      /* intervals of the stretch so far */
    size_t k_med, k_d, k_m;        /* stretch index of the next median, dRR and mRR to compute */
    size_t p1, p2;                 /* of the next step of pass 1 and pass 2 */
} rr_online;

/* Allocates for a caller's buffer of cap intervals (all the allocation there is). */
psy_status rr_online_init(rr_online *o, const psy_rr_config *cfg, size_t cap);
void rr_online_free(rr_online *o);
/* A new stretch. */
void rr_online_reset(rr_online *o);
/* The caller's buffer rr[0..held) (its interval 0 the stretch's o->base): classifies what the
 * intervals so far decide; ended: the stretch has no more intervals, all are decided. */
void rr_online_update(rr_online *o, const double *rr, size_t held, int ended);
/* Classes of the caller's intervals: final for [0, rr_online_final). */
const psy_beat_class *rr_online_classes(const rr_online *o);
size_t rr_online_final(const rr_online *o);
/* How many of the oldest intervals the classifier no longer reads (at most, for rr_online_drop). */
size_t rr_online_droppable(const rr_online *o);
/* The caller drops its k oldest intervals, k <= rr_online_droppable. */
void rr_online_drop(rr_online *o, size_t k);
/* dst becomes src: updated with ended = 1, it gives the classes of the stretch as if it ended
 * there, while src goes on. dst comes from rr_online_init with the same cap and the same config
 * (its window buffers are sized from its own median_window and qd_window, and receive src's
 * window contents; asserted in debug builds). */
void rr_online_copy(rr_online *dst, const rr_online *src);

#endif
