/* The beat classifier on a live stretch, one window update per interval (see rr_online.h). */
#include "rr_online.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rr_internal.h"

enum series { RR, ABS_DRR, ABS_MRR }; /* the values each window sorts */

psy_status rr_online_init(rr_online *o, const psy_rr_config *cfg, size_t cap)
{
    memset(o, 0, sizeof *o);
    o->cfg = *cfg;
    size_t w_med = (size_t)cfg->median_window + 1, w_qd = (size_t)cfg->qd_window + 1;
    o->med = malloc(cap * sizeof *o->med);
    o->d = malloc(cap * sizeof *o->d);
    o->mrr = malloc(cap * sizeof *o->mrr);
    o->th2 = malloc(cap * sizeof *o->th2);
    o->cls = malloc(cap * sizeof *o->cls);
    o->w_med.sorted = malloc(w_med * sizeof(double));
    o->w_d.sorted = malloc(w_qd * sizeof(double));
    o->w_m.sorted = malloc(w_qd * sizeof(double));
    if (!o->med || !o->d || !o->mrr || !o->th2 || !o->cls || !o->w_med.sorted || !o->w_d.sorted || !o->w_m.sorted)
        return PSY_E_NOMEM;
    rr_online_reset(o);
    return PSY_OK;
}

void rr_online_free(rr_online *o)
{
    free(o->med), free(o->d), free(o->mrr), free(o->th2), free(o->cls);
    free(o->w_med.sorted), free(o->w_d.sorted), free(o->w_m.sorted);
    memset(o, 0, sizeof *o);
}

void rr_online_reset(rr_online *o)
{
    o->base = o->n = o->k_med = o->k_d = o->k_m = 0;
    o->p1 = 1, o->p2 = 0;
    rr_window_state *w[3] = {&o->w_med, &o->w_d, &o->w_m};
    for (int k = 0; k < 3; k++) w[k]->m = w[k]->lo = w[k]->hi = 0;
}

/* Value g (stretch index) of a series, as rr_correct.c's features() forms it. */
static double value(const rr_online *o, const double *rr, enum series s, size_t g)
{
    size_t i = g - o->base;
    if (s == RR) return rr[i];
    if (s == ABS_DRR) return g ? fabs(rr[i] - rr[i - 1]) : 0;
    return fabs(rr_mrr_excess(rr[i], o->med[i]));
}

/* The window of interval g, when the intervals so far fix it: [*lo, *hi) of the stretch. Until
 * the stretch has ended only a window clear of its end is fixed (its end shifts it inwards). */
static int window_of(size_t g, size_t n, size_t w, int ended, size_t *lo, size_t *hi)
{
    if (!ended && (w > n || g + w / 2 + 1 > n)) return 0;
    rr_window(g, n, w, lo, hi);
    return 1;
}

static double slide(rr_window_state *w, size_t lo, size_t hi, const rr_online *o, const double *rr, enum series s,
                    int kind)
{
    for (; w->hi < hi; w->hi++) rr_sorted_insert(w->sorted, &w->m, value(o, rr, s, w->hi));
    for (; w->lo < lo; w->lo++) rr_sorted_remove(w->sorted, &w->m, value(o, rr, s, w->lo));
    return rr_window_stat(w->sorted, w->m, kind);
}

void rr_online_update(rr_online *o, const double *rr, size_t held, int ended)
{
    const psy_rr_config *c = &o->cfg;
    size_t n = o->base + held, lo, hi, b = o->base;
    for (size_t g = o->n; g < n; g++) o->cls[g - b] = PSY_BEAT_NORMAL;
    o->n = n;
    if (n < 3) { /* psy_rr_classify: all normal */
        if (ended) o->p2 = n;
        return;
    }
    size_t w_med = (size_t)c->median_window, w_qd = (size_t)c->qd_window;
    for (; o->k_med < n && window_of(o->k_med, n, w_med, ended, &lo, &hi); o->k_med++)
        o->med[o->k_med - b] = slide(&o->w_med, lo, hi, o, rr, RR, 0);
    for (; o->k_d < o->k_med && window_of(o->k_d, n, w_qd, ended, &lo, &hi); o->k_d++) {
        size_t i = o->k_d - b;
        double qd = slide(&o->w_d, lo, hi, o, rr, ABS_DRR, 1);
        o->d[i] = o->k_d ? (rr[i] - rr[i - 1]) / rr_threshold(c, qd, o->med[i]) : 0;
    }
    /* mRR's window reads the medians of all its intervals */
    for (; o->k_m < o->k_med && window_of(o->k_m, n, w_qd, ended, &lo, &hi) && hi <= o->k_med; o->k_m++) {
        size_t i = o->k_m - b;
        double qd = slide(&o->w_m, lo, hi, o, rr, ABS_MRR, 1);
        o->th2[i] = rr_threshold(c, qd, o->med[i]);
        o->mrr[i] = rr_mrr_excess(rr[i], o->med[i]) / o->th2[i];
    }
    /* Pass 1 at i reads dRR up to i + 2; pass 2 at i the classes pass 1 gives up to i + 1. Once
     * ended, every feature is known and the steps read no further than the stretch. */
    while (o->p1 < n && (ended || o->p1 + 2 < o->k_d))
        o->p1 = b + rr_pass1(rr, o->d, o->med, n - b, o->p1 - b, c, o->cls);
    while (o->p2 < n && (ended || (o->p2 + 1 < o->p1 && o->p2 + 2 < o->k_d && o->p2 < o->k_m))) {
        rr_pass2(rr, o->d, o->mrr, o->med, o->th2, n - b, o->p2 - b, o->cls);
        o->p2++;
    }
}

const psy_beat_class *rr_online_classes(const rr_online *o)
{
    return o->cls;
}

size_t rr_online_final(const rr_online *o)
{
    return o->p2 - o->base;
}

static size_t smaller(size_t a, size_t b)
{
    return a < b ? a : b;
}

size_t rr_online_droppable(const rr_online *o)
{
    /* the oldest interval a window or a step still reads: |dRR| reads the one before its own,
     * pass 1 at p1 the one before, pass 2 at p2 the classes of the two before */
    size_t keep = smaller(o->w_med.lo, o->w_m.lo);
    keep = smaller(keep, o->w_d.lo > 0 ? o->w_d.lo - 1 : 0);
    keep = smaller(keep, o->p1 - 1);
    keep = smaller(keep, o->p2 > 2 ? o->p2 - 2 : 0);
    return keep > o->base ? keep - o->base : 0;
}

void rr_online_drop(rr_online *o, size_t k)
{
    size_t held = o->n - o->base - k;
    double *f[4] = {o->med, o->d, o->mrr, o->th2};
    for (int a = 0; a < 4; a++) memmove(f[a], f[a] + k, held * sizeof *f[a]);
    memmove(o->cls, o->cls + k, held * sizeof *o->cls);
    o->base += k;
}

static void copy_window(rr_window_state *dst, const rr_window_state *src)
{
    memcpy(dst->sorted, src->sorted, src->m * sizeof *src->sorted);
    dst->m = src->m, dst->lo = src->lo, dst->hi = src->hi;
}

void rr_online_copy(rr_online *dst, const rr_online *src)
{
    assert(dst->cfg.median_window == src->cfg.median_window && dst->cfg.qd_window == src->cfg.qd_window);
    size_t held = src->n - src->base;
    double *const f_dst[4] = {dst->med, dst->d, dst->mrr, dst->th2};
    const double *const f_src[4] = {src->med, src->d, src->mrr, src->th2};
    for (int a = 0; a < 4; a++) memcpy(f_dst[a], f_src[a], held * sizeof *f_src[a]);
    memcpy(dst->cls, src->cls, held * sizeof *src->cls);
    copy_window(&dst->w_med, &src->w_med);
    copy_window(&dst->w_d, &src->w_d);
    copy_window(&dst->w_m, &src->w_m);
    dst->cfg = src->cfg;
    dst->base = src->base, dst->n = src->n;
    dst->k_med = src->k_med, dst->k_d = src->k_d, dst->k_m = src->k_m;
    dst->p1 = src->p1, dst->p2 = src->p2;
}
