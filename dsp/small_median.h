/* Internal: the median of a few values (the last 8 RR intervals, peak levels, breath depths). */
#ifndef PSYPHYS_SMALL_MEDIAN_H
#define PSYPHYS_SMALL_MEDIAN_H

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

#endif
