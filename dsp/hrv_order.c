/* Order statistics of a long series in bounded memory: the value of rank k is narrowed down by
 * histograms of the values (pass by pass, each range a bin of the one before) until its bin holds
 * few enough values to gather and select from, so the series is never copied or sorted whole.
 * Exact: the same value a full sort puts at rank k. */
#include <math.h>
#include <string.h>

#include "hrv_internal.h"
#include "small_median.h"

#define BINS HRV_ORDER_BINS

/* A value of the series: the interval, or its distance from the centre. */
static inline double value(double nn, double center)
{
    return isnan(center) ? nn : fabs(nn - center);
}

/* Each value v of the series, run by run (hrv_nn_run): the body in a plain array loop (no break
 * in it: it would leave only the innermost loop). */
#define FOR_EACH_VALUE(x, n, center, v)                                                  \
    for (size_t i_ = 0, run_; i_ < (n); i_ += run_)                                       \
        for (const double *p_ = hrv_nn_run((x), i_, (n), &run_), *e_ = p_ + run_; p_ < e_; p_++) \
            for (double v = value(*p_, (center)), once_ = 1; once_; once_ = 0)

/* The bin of v in [a, b] (a < b): nondecreasing in v, so a bin's values are those between its
 * smallest and its largest. */
static inline size_t bin_of(double v, double a, double b)
{
    size_t k = (size_t)((v - a) / (b - a) * BINS);
    return k < BINS ? k : BINS - 1;
}

/* The ranks of a series whose source failed: NaN (the caller returns the source's status). */
static void unread(double *vk, double *vk1)
{
    *vk = NAN;
    if (vk1) *vk1 = NAN;
}

void hrv_order_pair_of(hrv_cursor *x, size_t n, double center, size_t k, double *work, double *vk, double *vk1)
{
    double a = INFINITY, b = -INFINITY;
    FOR_EACH_VALUE(x, n, center, v) {
        if (v < a) a = v;
        if (v > b) b = v;
    }
    size_t below = 0, count = n; /* values < a; values in [a, b] */
    size_t *bins = (size_t *)(work + HRV_ORDER_GATHER);
    /* A source that failed reads NaN from then on: stop at the pass it failed in (the caller
     * returns its status), the histogram it leaves counts fewer than k values. */
    while (a < b && count > HRV_ORDER_GATHER && x->st == PSY_OK) {
        memset(bins, 0, BINS * sizeof *bins);
        FOR_EACH_VALUE(x, n, center, v) {
            if (v >= a && v <= b) bins[bin_of(v, a, b)]++;
        }
        if (x->st != PSY_OK) break;
        size_t t = 0;
        while (t < BINS - 1 && below + bins[t] <= k) below += bins[t++];
        double lo = INFINITY, hi = -INFINITY;
        FOR_EACH_VALUE(x, n, center, v) {
            if (v >= a && v <= b && bin_of(v, a, b) == t) {
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
        }
        a = lo, b = hi, count = bins[t]; /* a and b lie in bins 0 and BINS - 1: the range shrinks */
    }
    if (x->st != PSY_OK) {
        unread(vk, vk1);
        return;
    }
    if (a < b) {
        size_t g = 0;
        FOR_EACH_VALUE(x, n, center, v) {
            if (v >= a && v <= b) work[g++] = v;
        }
        if (x->st != PSY_OK) { /* fewer than k - below gathered */
            unread(vk, vk1);
            return;
        }
        psy_select_kth(work, (int64_t)g, (int64_t)(k - below));
        a = work[k - below];
    }
    *vk = a;
    if (!vk1) return;
    /* rank k + 1: the same value when more than k + 1 are <= it, else the next one up */
    size_t le = 0;
    double next = INFINITY;
    FOR_EACH_VALUE(x, n, center, v) {
        if (v <= a) le++;
        else if (v < next) next = v;
    }
    *vk1 = le > k + 1 || k + 1 >= n ? a : next;
}
