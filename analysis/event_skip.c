/* Which session events get no epoch, and why (psyphys/segments.h): one rule for `analyze` and
 * `eda` — outside the recording, in a gap between EDF+D stretches, or a repeat of an earlier one. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "psyphys/segments.h"
#include "session_internal.h"

/* Two onsets this close (s) with the same label are one event given twice. */
#define SAME_ONSET_S 0.001

int psy_session_stretch_at(const psy_reader *r, double t)
{
    for (int k = 0; k < psy_reader_stretch_count(r); k++) {
        const psy_stretch *st = psy_reader_stretch(r, k);
        if (t >= st->onset_s && t < st->onset_s + st->duration_s) return k;
    }
    return -1;
}

/* The gap (between stretches) around t: its start and end. */
static void gap_around(const psy_reader *r, double t, double *from, double *to)
{
    *from = 0, *to = psy_reader_duration(r);
    for (int k = 0; k < psy_reader_stretch_count(r); k++) {
        const psy_stretch *st = psy_reader_stretch(r, k);
        double end = st->onset_s + st->duration_s;
        if (end <= t && end > *from) *from = end;
        if (st->onset_s > t && st->onset_s < *to) *to = st->onset_s;
    }
}

/* Why event i lies where the recording has no data, or 0 when it does. */
static int unplaced(const psy_reader *r, size_t i, psy_message *why)
{
    const psy_event *e = psy_reader_event(r, i);
    double end = psy_reader_duration(r);
    if (psy_event_placement(e, 0, end) & PSY_EVENT_ONSET_OUTSIDE) { /* sync's rule too */
        if (why) snprintf(why->text, sizeof why->text, "it lies outside the recording (0 .. %.3f s): no epoch", end);
        return 1;
    }
    if (psy_session_stretch_at(r, e->onset_s) < 0) {
        double from, to;
        gap_around(r, e->onset_s, &from, &to);
        if (why)
            snprintf(why->text, sizeof why->text,
                     "it lies in a gap of the recording (no data from %.3f to %.3f s): no epoch", from, to);
        return 1;
    }
    return 0;
}

int psy_event_skipped(const psy_reader *r, size_t i, psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!r || i >= psy_reader_event_count(r)) return 0;
    if (unplaced(r, i, why)) return 1;
    /* Events are in onset order: an earlier twin (placed, so itself kept) is among the few just before. */
    const psy_event *e = psy_reader_event(r, i);
    for (size_t j = i; j-- > 0;) {
        const psy_event *f = psy_reader_event(r, j);
        if (e->onset_s - f->onset_s > SAME_ONSET_S) break;
        if (psy_is_session_event(f) && !unplaced(r, j, NULL) && strcmp(f->label, e->label) == 0 &&
            (f->duration_s == e->duration_s || (isnan(f->duration_s) && isnan(e->duration_s)))) {
            if (why)
                snprintf(why->text, sizeof why->text, "it repeats the event at %.3f s (%s): counted once",
                         f->onset_s, psy_event_source_name(f->source));
            return 1;
        }
    }
    return 0;
}
