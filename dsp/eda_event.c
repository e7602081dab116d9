/* Event-related SCRs: the largest SCR whose onset lies in a latency window after a stimulus. */
#include <math.h>

#include "psyphys/eda.h"

/* Why the latency window [lo, hi] (s) was not observed, or NULL when it was. An SCR is scored
 * only once its peak is seen (onset to peak, Boucsein et al. 2012), at most max_rise_s after its
 * onset, so [lo, hi + max_rise_s] must lie within the channel and meet no excluded stretch (binary
 * search: they are in time order); otherwise an SCR starting late in the window goes unseen. */
static const char *unobserved(const psy_eda_result *r, double lo, double hi)
{
    if (r->skips_time)
        return "the recording has several stretches (EDF+D): EDA times are not mapped to its time axis";
    hi += r->config.max_rise_s;
    if (lo < 0) return "SCR latency window not observed: it begins before the recording";
    if (hi > r->duration_s)
        return "SCR latency window not observed: it or the SCR rise after it ends after the recording";
    size_t a = 0, b = r->n_excluded; /* the first stretch ending after lo */
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (r->excluded[mid].end_s <= lo) a = mid + 1;
        else b = mid;
    }
    if (a < r->n_excluded && r->excluded[a].start_s <= hi)
        return "SCR latency window not observed: artefact or missing samples in it or the SCR rise after it";
    return NULL;
}

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
                                    .scl_us = NAN, .na_reason = unobserved(r, lo, hi)};
        /* tonic level in the second before the stimulus */
        double sec = floor(t) - 1;
        if (sec >= 0 && sec < (double)r->n_tonic) o.scl_us = r->tonic_1hz_us[(size_t)sec];
        if (o.na_reason) {
            o.amplitude_us = NAN;
            out[e] = o;
            continue;
        }
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
        out[e] = o;
    }
    return PSY_OK;
}

double psy_eda_valid_seconds(const psy_eda_result *r, double start_s, double end_s)
{
    if (!r) return 0;
    double a = fmax(start_s, 0), b = fmin(end_s, r->duration_s);
    if (!(b > a)) return 0;
    double valid = b - a;
    for (size_t k = 0; k < r->n_excluded && r->excluded[k].start_s < b; k++)
        valid -= fmax(0, fmin(b, r->excluded[k].end_s) - fmax(a, r->excluded[k].start_s));
    return fmax(valid, 0);
}

/* 1 when t lies in the latency window of one of the (sorted or unsorted) events. */
static int specific(double t, const double *ev, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++)
        if (t >= ev[i] + lo && t <= ev[i] + hi) return 1;
    return 0;
}

psy_status psy_eda_summarize(const psy_eda_result *r, double start_s, double end_s,
                             const double *event_s, size_t n_events, double latency_min_s,
                             double latency_max_s, psy_eda_summary *out)
{
    if (!r || !out || (n_events && !event_s) || !(start_s <= end_s) ||
        !(latency_min_s <= latency_max_s))
        return PSY_E_INVALID;
    psy_eda_summary s = {.start_s = start_s, .end_s = end_s, .scl_us = NAN, .ns_scr_per_min = NAN,
                         .scr_amplitude_mean_us = NAN};
    double sum = 0, area = 0;
    size_t m = 0;
    for (size_t i = 0; i < r->n_tonic; i++) {
        double t = (double)i;
        if (t < floor(start_s) || t + 1 > ceil(end_s)) continue;
        if (r->phasic_area_1hz_us_s) area += r->phasic_area_1hz_us_s[i];
        if (isnan(r->tonic_1hz_us[i])) continue;
        sum += r->tonic_1hz_us[i];
        m++;
    }
    s.phasic_driver_area_us_s = r->phasic_area_1hz_us_s ? area : NAN;
    s.valid_s = psy_eda_valid_seconds(r, start_s, end_s);
    s.excluded_s = fmax(0, fmin(end_s, r->duration_s) - fmax(start_s, 0)) - s.valid_s;
    if (m) s.scl_us = sum / (double)m;
    double amp = 0;
    for (size_t i = 0; i < r->n; i++) {
        double t = r->scr[i].onset_s;
        if (t < start_s || t >= end_s) continue;
        s.scr_count++;
        amp += r->scr[i].amplitude_us;
        if (!specific(t, event_s, n_events, latency_min_s, latency_max_s)) s.ns_scr_count++;
    }
    s.scr_amplitude_sum_us = s.valid_s > 0 ? amp : NAN; /* nothing observed: no count, not a zero one */
    if (s.scr_count) s.scr_amplitude_mean_us = amp / (double)s.scr_count;
    if (s.valid_s >= PSY_EDA_MIN_RATE_S) s.ns_scr_per_min = (double)s.ns_scr_count / (s.valid_s / 60.0);
    else s.ns_scr_per_min_na = s.valid_s > 0 ? "less than 60 s of valid skin conductance for a rate per minute"
                                 : "no valid skin conductance in the span";
    *out = s;
    return PSY_OK;
}
