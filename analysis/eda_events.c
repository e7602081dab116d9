/* The event tables of an analysed EDA channel: every event's response and every phase's summary
 * (psyphys/eda.h), as `psyphys eda` and the Python package report them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/eda.h"
#include "psyphys/segments.h"

void psy_eda_events_free(psy_eda_events *e)
{
    if (!e) return;
    free(e->event_s);
    free(e->epochs);
    free(e->segment_event);
    free(e->segments);
    free(e->has_epoch);
    free(e->skipped);
    memset(e, 0, sizeof *e);
}

psy_status psy_eda_events_of(const psy_eda_result *r, const psy_reader *reader, double latency_min_s,
                             double latency_max_s, psy_eda_events *out)
{
    if (!out) return PSY_E_INVALID;
    memset(out, 0, sizeof *out);
    if (!r || !reader || !(latency_min_s <= latency_max_s)) return PSY_E_INVALID;
    size_t n = psy_reader_event_count(reader);
    out->event_s = malloc((n ? n : 1) * sizeof *out->event_s);
    out->epochs = malloc((n ? n : 1) * sizeof *out->epochs);
    out->segment_event = malloc((n ? n : 1) * sizeof *out->segment_event);
    out->segments = malloc((n ? n : 1) * sizeof *out->segments);
    out->has_epoch = malloc(n ? n : 1);
    out->skipped = malloc((n ? n : 1) * sizeof *out->skipped);
    if (!out->event_s || !out->epochs || !out->segment_event || !out->segments || !out->has_epoch || !out->skipped)
        return PSY_E_NOMEM;
    out->n_events = n;
    for (size_t i = 0; i < n; i++) {
        const psy_event *e = psy_reader_event(reader, i);
        out->event_s[i] = e->onset_s;
        out->skipped[i].text[0] = '\0';
        out->has_epoch[i] = psy_is_session_event(e) && !psy_event_skipped(reader, i, &out->skipped[i]);
    }
    psy_status st = psy_eda_event_responses(r, out->event_s, n, latency_min_s, latency_max_s, out->epochs);
    for (size_t i = 0; st == PSY_OK && i < n; i++) {
        const psy_event *e = psy_reader_event(reader, i);
        if (!out->has_epoch[i] || !(e->duration_s > 0)) continue;
        out->segment_event[out->n_segments] = i;
        st = psy_eda_summarize(r, e->onset_s, e->onset_s + e->duration_s, out->event_s, n, latency_min_s,
                               latency_max_s, &out->segments[out->n_segments++]);
    }
    return st == PSY_OK ? psy_eda_summarize(r, -INFINITY, INFINITY, out->event_s, n, latency_min_s, latency_max_s,
                                            &out->whole)
                        : st;
}
