/* Event-related SCRs: the largest SCR whose onset lies in a latency window after a stimulus. */
#include <math.h>

#include "psyphys/eda.h"

psy_status psy_eda_event_responses(const psy_eda_result *r, const double *event_s, size_t n_events,
                                   double latency_min_s, double latency_max_s,
                                   psy_eda_event_response *out)
{
    if (!r || (n_events && (!event_s || !out)) || !(latency_min_s <= latency_max_s))
        return PSY_E_INVALID;
    for (size_t e = 0; e < n_events; e++) {
        double t = event_s[e], lo = t + latency_min_s, hi = t + latency_max_s;
        psy_eda_event_response o = {.event_s = t, .found = 0, .amplitude_us = 0,
                                    .latency_s = NAN, .rise_time_s = NAN, .peak_s = NAN,
                                    .scl_us = NAN};
        /* first SCR with onset >= lo (binary search: the list is in onset order) */
        size_t a = 0, b = r->n;
        while (a < b) {
            size_t mid = a + (b - a) / 2;
            if (r->scr[mid].onset_s < lo) a = mid + 1;
            else b = mid;
        }
        for (size_t i = a; i < r->n && r->scr[i].onset_s <= hi; i++) {
            const psy_eda_scr *s = &r->scr[i];
            if (!o.found || s->amplitude_us > o.amplitude_us) {
                o.found = 1;
                o.amplitude_us = s->amplitude_us;
                o.latency_s = s->onset_s - t;
                o.rise_time_s = s->rise_time_s;
                o.peak_s = s->peak_s;
            }
        }
        /* tonic level in the second before the stimulus */
        double sec = floor(t) - 1;
        if (sec >= 0 && sec < (double)r->n_tonic) o.scl_us = r->tonic_1hz_us[(size_t)sec];
        out[e] = o;
    }
    return PSY_OK;
}
