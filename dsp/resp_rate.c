/* Breathing rate over a span of detected breaths (see include/psyphys/resp.h). */
#include <math.h>

#include "psyphys/resp.h"

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
    out->n_breaths = k;
    out->span_s = k ? last - first : 0;
    out->per_min = NAN;
    out->why = NULL;
    if (!k) out->why = "no whole breath in the segment";
    else if (k < PSY_RESP_RATE_MIN_BREATHS) out->why = "fewer than 3 whole breaths for a rate";
    else if (out->span_s < PSY_RESP_RATE_MIN_SPAN_S) out->why = "whole breaths span less than 30 s for a rate";
    else out->per_min = 60.0 * (double)k / out->span_s;
    return PSY_OK;
}
