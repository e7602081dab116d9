/* Internal: binary search in a sorted array of doubles, shared by every layer. */
#ifndef PSYPHYS_LOWER_BOUND_H
#define PSYPHYS_LOWER_BOUND_H

#include <math.h>
#include <stddef.h>

/* First index k in the ascending a[0..n) with a[k] >= x (n when none). */
static inline size_t psy_lower_bound(const double *a, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* First index k with a[k] > x (n when none): the first >= the next double up (x not NaN). */
static inline size_t psy_upper_bound(const double *a, size_t n, double x)
{
    return psy_lower_bound(a, n, nextafter(x, INFINITY));
}

#endif
