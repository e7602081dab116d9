/* psyphys — session phases (segments) from events, consecutive markers or fixed windows. */
#ifndef PSYPHYS_SEGMENTS_H
#define PSYPHYS_SEGMENTS_H

#include <stddef.h>
#include "psyphys/recording.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_segment_rule {
    PSY_SEGMENTS_EVENTS = 0, /* every event with a duration > 0 is a segment (baseline, exposure) */
    PSY_SEGMENTS_MARKERS,    /* from each event to the next (the last: to the recording's end) */
    PSY_SEGMENTS_WINDOWS     /* windows of window_s every step_s from the start, complete only */
} psy_segment_rule;

typedef struct psy_segment {
    char label[PSY_LABEL_SIZE];
    double onset_s, duration_s;  /* from the recording start */
} psy_segment;

/* 1 when an event is a session event: not a WFDB beat/rhythm annotation, a device's beat list or
 * scored stretches, or one of psyphys's own gap marks ("psyphys: ..."). A device's event-marker
 * button (PSY_EVENTS_MARKER) is a session event. */
PSY_API int psy_is_session_event(const psy_event *event);

/* 1 when session event i of the reader (in its onset order) gets no epoch, with the reason in
 * why (may be NULL; "" when 0): it lies outside the recording or in a gap between its stretches,
 * or repeats an earlier placed session event (same label and duration, onset within 1 ms). The
 * one rule of `analyze` and `eda` (psy_eda_events_of). 0 for i out of range. */
PSY_API int psy_event_skipped(const psy_reader *reader, size_t i, psy_message *why);

/* Where a session event lies against the span [from, to) (s from the recording's start), the one
 * rule analyze (the recording) and sync (the time both recordings cover) judge events by: a bit set
 * of PSY_EVENT_ONSET_OUTSIDE (its onset is not in the span: no epoch, no marker segment from it),
 * PSY_EVENT_SEGMENT_CLIPPED (it has a duration > 0, part of it lies in the span and part not: its
 * segment is cut to the span) and PSY_EVENT_SEGMENT_OUTSIDE (it has a duration > 0 and none of it
 * lies in the span: no segment); 0: wholly inside. NULL event: 0. */
enum { PSY_EVENT_ONSET_OUTSIDE = 1, PSY_EVENT_SEGMENT_CLIPPED = 2, PSY_EVENT_SEGMENT_OUTSIDE = 4 };
PSY_API int psy_event_placement(const psy_event *event, double from, double to);

/* The segments of a recording by a rule, the whole recording first (label "recording").
 * Session events only (psy_is_session_event); segments are clipped to the recording and those
 * left empty are dropped. *out is released with psy_segments_free. PSY_OK, PSY_E_INVALID,
 * PSY_E_NOMEM. */
PSY_API psy_status psy_segments_make(const psy_reader *reader, psy_segment_rule rule, double window_s,
                                     double step_s, psy_segment **out, size_t *n);
PSY_API void psy_segments_free(psy_segment *segments);

#ifdef __cplusplus
}
#endif
#endif
