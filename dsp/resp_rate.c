/* Breathing rate over a span of detected breaths (see include/psyphys/resp.h). */
#include <math.h>

#include "psyphys/resp.h"

/* The rate of k whole breaths spanning span_s, or NaN with the reason below the minimum. */
static void rate_of(size_t k, double span_s, psy_breath_rate *out)
{
    out->n_breaths = k;
    out->span_s = k ? span_s : 0;
    out->per_min = NAN;
    out->why = NULL;
    if (!k) out->why = "no whole breath in the segment";
    else if (k < PSY_RESP_RATE_MIN_BREATHS) out->why = "fewer than 3 whole breaths for a rate";
    else if (out->span_s < PSY_RESP_RATE_MIN_SPAN_S) out->why = "whole breaths span less than 30 s for a rate";
    else out->per_min = 60.0 * (double)k / out->span_s;
}

psy_status psy_breath_rate_over(const psy_breath *b, size_t n, double rate_hz, double t0_s, double t1_s,
                                psy_breath_rate *out)
{
    if (!out || (n && !b) || !(rate_hz > 0) || !(t1_s >= t0_s)) return PSY_E_INVALID;
    double first = NAN, last = NAN;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double a = (double)b[i].onset / rate_hz, z = (double)b[i].end / rate_hz;
        if (a < t0_s || z > t1_s) continue;
        if (!k) first = a;
        last = z, k++;
    }
    rate_of(k, last - first, out);
    return PSY_OK;
}

psy_status psy_breath_list_rate_over(const psy_breath_list *l, double t0_s, double t1_s, psy_breath_rate *out)
{
    if (!out || !l || (l->n && (!l->b || !l->onset_s || !l->end_s)) || !(l->rate_hz > 0) || !(t1_s >= t0_s))
        return PSY_E_INVALID;
    size_t k = 0;
    int64_t first = 0, last = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->onset_s[i] < t0_s || l->end_s[i] > t1_s) continue;
        if (!k) first = l->b[i].onset;
        last = l->b[i].end, k++;
    }
    int64_t observed = last - first; /* missing samples between the breaths were not breathing seen */
    for (size_t g = 0; g < l->n_gaps && l->gaps; g++) {
        int64_t a = l->gaps[g].start > first ? l->gaps[g].start : first;
        int64_t z = l->gaps[g].end < last ? l->gaps[g].end : last;
        if (z > a) observed -= z - a;
    }
    rate_of(k, (double)observed / l->rate_hz, out);
    return PSY_OK;
}
