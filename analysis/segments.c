/* Session phases (see include/psyphys/segments.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/segments.h"

int psy_is_session_event(const psy_event *e)
{
    if (!e) return 0;
    if (e->source == PSY_EVENTS_WFDB || e->source == PSY_EVENTS_DEVICE) return 0;
    return strncmp(e->label, "psyphys:", 8) != 0;
}

int psy_event_placement(const psy_event *e, double from, double to)
{
    if (!e) return 0;
    double a = e->onset_s, b = a + e->duration_s;
    int where = a < from || a >= to ? PSY_EVENT_ONSET_OUTSIDE : 0;
    if (e->duration_s > 0 && (a < from || b > to))
        where |= b > from && a < to ? PSY_EVENT_SEGMENT_CLIPPED : PSY_EVENT_SEGMENT_OUTSIDE;
    return where;
}

typedef struct seg_list {
    psy_segment *v;
    size_t n, cap;
} seg_list;

/* Appends [onset, onset + duration) clipped to [0, end); empty ones are dropped. */
static int add(seg_list *s, const char *label, double onset, double duration, double end)
{
    double a = fmax(onset, 0), b = fmin(onset + duration, end);
    if (!(b > a)) return 1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        psy_segment *p = realloc(s->v, cap * sizeof *p);
        if (!p) return 0;
        s->v = p;
        s->cap = cap;
    }
    psy_segment *g = &s->v[s->n++];
    snprintf(g->label, sizeof g->label, "%s", label);
    g->onset_s = a;
    g->duration_s = b - a;
    return 1;
}

psy_status psy_segments_make(const psy_reader *r, psy_segment_rule rule, double window_s,
                             double step_s, psy_segment **out, size_t *n)
{
    if (!r || !out || !n) return PSY_E_INVALID;
    *out = NULL;
    *n = 0;
    if (rule == PSY_SEGMENTS_WINDOWS && !(window_s > 0 && step_s > 0)) return PSY_E_INVALID;
    double end = psy_reader_duration(r);
    seg_list s = {0};
    int ok = add(&s, "recording", 0, end, end);
    size_t ne = psy_reader_event_count(r);
    if (rule == PSY_SEGMENTS_WINDOWS) {
        char label[32];
        for (size_t k = 0; ok && (double)k * step_s + window_s <= end + 1e-9; k++) {
            snprintf(label, sizeof label, "window %zu", k + 1);
            ok = add(&s, label, (double)k * step_s, window_s, end);
        }
    } else {
        for (size_t i = 0; ok && i < ne; i++) {
            const psy_event *e = psy_reader_event(r, i);
            if (!psy_is_session_event(e)) continue;
            if (rule == PSY_SEGMENTS_EVENTS) {
                if (e->duration_s > 0) ok = add(&s, e->label, e->onset_s, e->duration_s, end);
                continue;
            }
            double next = end; /* markers: until the next session event with a later onset */
            for (size_t j = i + 1; j < ne; j++) {
                const psy_event *f = psy_reader_event(r, j);
                if (psy_is_session_event(f) && f->onset_s > e->onset_s) {
                    next = f->onset_s;
                    break;
                }
            }
            ok = add(&s, e->label, e->onset_s, next - e->onset_s, end);
        }
    }
    if (!ok) {
        free(s.v);
        return PSY_E_NOMEM;
    }
    *out = s.v;
    *n = s.n;
    return PSY_OK;
}

void psy_segments_free(psy_segment *segments) { free(segments); }
