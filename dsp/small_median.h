/* Internal: the median of a few values (the last 8 RR intervals, peak levels, breath depths), and
 * the k-th smallest of more (in place, no allocation: push paths use it). */
#ifndef PSYPHYS_SMALL_MEDIAN_H
#define PSYPHYS_SMALL_MEDIAN_H

#include <stdint.h>

#define PSY_SMALL_MEDIAN_MAX 16

/* Median of v[0..n), 0 < n <= PSY_SMALL_MEDIAN_MAX (insertion sort of a copy); 0 when n is 0.
 * Each value is held in a register while larger ones shift up: swapping neighbours through
 * memory stalled on store forwarding (the R-peak detector calls this for every noise peak). */
static inline double psy_small_median(const double *v, int n)
{
    double s[PSY_SMALL_MEDIAN_MAX];
    if (n <= 0) return 0;
    if (n > PSY_SMALL_MEDIAN_MAX) n = PSY_SMALL_MEDIAN_MAX;
    s[0] = v[0];
    for (int i = 1; i < n; i++) {
        double t = v[i];
        int j = i;
        for (; j > 0 && t < s[j - 1]; j--) s[j] = s[j - 1];
        s[j] = t;
    }
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

static inline void psy_swap_doubles(double *v, int64_t i, int64_t j)
{
    double t = v[i];
    v[i] = v[j];
    v[j] = t;
}

/* Reorders v[0 .. m) so that v[k] is the k-th smallest and no larger value lies before it
 * (quickselect, Hoare 1961, median of three as the pivot). */
static inline void psy_select_kth(double *v, int64_t m, int64_t k)
{
    int64_t lo = 0, hi = m - 1;
    while (hi > lo) {
        int64_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo]) psy_swap_doubles(v, mid, lo);
        if (v[hi] < v[lo]) psy_swap_doubles(v, hi, lo);
        if (v[hi] < v[mid]) psy_swap_doubles(v, hi, mid);
        double pivot = v[mid];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) psy_swap_doubles(v, i++, j--);
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return;
    }
}

#endif
