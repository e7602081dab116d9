/* Internal: the median of a few values (the last 8 RR intervals, peak levels, breath depths). */
#ifndef PSYPHYS_SMALL_MEDIAN_H
#define PSYPHYS_SMALL_MEDIAN_H

#include <string.h>

#define PSY_SMALL_MEDIAN_MAX 16

/* Median of v[0..n), 0 < n <= PSY_SMALL_MEDIAN_MAX (insertion sort of a copy); 0 when n is 0. */
static inline double psy_small_median(const double *v, int n)
{
    double s[PSY_SMALL_MEDIAN_MAX];
    if (n <= 0) return 0;
    if (n > PSY_SMALL_MEDIAN_MAX) n = PSY_SMALL_MEDIAN_MAX;
    memcpy(s, v, (size_t)n * sizeof *s);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && s[j] < s[j - 1]; j--) {
            double t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

#endif
