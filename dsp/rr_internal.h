/* Internal: the pieces of the Lipponen & Tarvainen beat classifier (rr_correct.c) that the
 * incremental classifier of a live stretch (rr_online.c) shares with it: the windows, their
 * statistics, the threshold and the two passes' steps. */
#ifndef PSYPHYS_RR_INTERNAL_H
#define PSYPHYS_RR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "psyphys/rr.h"

/* The window of w values centred on i of n, shifted inwards at the edges: [*lo, *hi). */
void rr_window(size_t i, size_t n, size_t w, size_t *lo, size_t *hi);

/* Median (kind 0) or quartile deviation (kind 1) of sorted[0..m), m >= 1. */
double rr_window_stat(const double *sorted, size_t m, int kind);

/* Keeps sorted[0..*m) ascending: x in, or (a value it holds) out. */
void rr_sorted_insert(double *sorted, size_t *m, double x);
void rr_sorted_remove(double *sorted, size_t *m, double x);

/* Adds one run's class counts into a total (NULL: none kept), as every run-by-run correction does. */
static inline void rr_counts_add(psy_rr_counts *total, const psy_rr_counts *run)
{
    if (!total) return;
    for (int k = 0; k < PSY_BEAT_CLASS_COUNT; k++) total->n[k] += run->n[k];
    total->nn_left_out += run->nn_left_out;
}

/* An interval's departure from the local median, a shortening counted twice (Lipponen & Tarvainen's
 * mRR): what both classifiers normalise, so that they agree bit for bit. */
static inline double rr_mrr_excess(double rr, double med)
{
    double m = rr - med;
    return m < 0 ? 2 * m : m;
}

/* How far a feature reads on each side: the intervals within both windows' half-widths (the
 * quartile deviation of a quantity that itself takes a median), and 2 for a window shifted
 * inwards at an edge. A piece of the series is exact this far from its cut ends; a class, which
 * pass 1 takes from the next interval's features too, one interval further. */
static inline size_t rr_reach(const psy_rr_config *c)
{
    return (size_t)c->qd_window / 2 + (size_t)c->median_window / 2 + 2;
}

/* 1 when c is a usable psy_rr_config (psy_rr_classify's and psy_rr_correct's check), else 0. */
int rr_config_valid(const psy_rr_config *c);

/* The decision threshold from a quartile deviation qd, guarded by shares of the local median. */
double rr_threshold(const psy_rr_config *c, double qd, double med);

/* Pass 1 (ectopic beats) at interval i, 1 <= i < n: marks out[i - 1] or out[i]; returns the next
 * i. Reads d[i - 1 .. i + 2] and rr[i - 1 .. i + 1] (those below n), med[i]. */
size_t rr_pass1(const double *rr, const double *d, const double *med, size_t n, size_t i, const psy_rr_config *c,
                psy_beat_class *out);

/* Pass 2 (long, short, missed, extra) at interval i, after pass 1 up to i + 1 and pass 2 up to
 * i - 1: may set out[i]. Reads out[i - 2 .. i], d[i .. i + 2], rr[i], rr[i + 1], mrr, med, th2 at i. */
void rr_pass2(const double *rr, const double *d, const double *mrr, const double *med, const double *th2, size_t n,
              size_t i, psy_beat_class *out);

/* Where the correction puts its intervals (psy_rr_correct_left_out's outputs). */
typedef struct rr_out_series {
    double *rr, *t;
    uint8_t *corrected;
    size_t n, max;
    size_t left_out;    /* corrected intervals outside the plausible range: not put */
    double *left_out_t; /* their times, when asked (left_out_max room) */
    size_t left_out_max;
} rr_out_series;

/* The correction of interval i of rr / t / classes[0..n) into o (psy_rr_correct_left_out does
 * it for i = 0 .. n - 1, moved_t NaN before the first). Reads classes from i - 5 and rr from i - 4,
 * both to i + 4, and t[i + 1] (those in [0, n)); n tells only whether interval i is the run's
 * last and where those reads stop; *moved_t carries a moved beat's time to the next interval. So a run held in
 * a sliding buffer is corrected bit for bit alike, interval by interval, when the buffer holds 5
 * intervals before i (or starts the run) and 4 after it (or ends it). 0 when o is full. */
int rr_correct_step(const double *rr, const double *t, size_t n, const psy_beat_class *classes, size_t i,
                    double *moved_t, rr_out_series *o);

#endif
