/* The session analysis: the session events it leaves out or treats specially, and why — nothing
 * is dropped silently. Events outside the recording or in a gap between EDF+D stretches get no
 * epoch; a repeated event (same label, same onset) counts once; epochs that cross a gap have no
 * heart-rate response; segments clipped to the recording, spanning a gap or overlapping another
 * are noted. Every skipped event is in the results' skipped list, every note a warning. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_internal.h"

/* A copy of text, or NULL (s->nomem) when out of memory. */
static char *copy_of(psy_session *s, const char *text)
{
    char *c = malloc(strlen(text) + 1);
    if (c) strcpy(c, text);
    else s->nomem = 1;
    return c;
}

/* Adds an entry to the skipped events (out of memory: s->nomem). */
static void add_skipped(psy_session *s, const char *label, double onset_s, const char *source, const char *reason)
{
    if (s->n_skipped == s->cap_skipped) {
        size_t nc = s->cap_skipped ? 2 * s->cap_skipped : 16;
        psy_session_skipped *p = realloc(s->skipped, nc * sizeof *p);
        if (!p) {
            s->nomem = 1;
            return;
        }
        s->skipped = p, s->cap_skipped = nc;
    }
    char *l = copy_of(s, label), *r = copy_of(s, reason);
    if (!l || !r) {
        free(l);
        free(r);
        return;
    }
    s->skipped[s->n_skipped++] = (psy_session_skipped){l, onset_s, source, r};
}

static int skip(psy_session *s, size_t i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int skip(psy_session *s, size_t i, const char *fmt, ...)
{
    const psy_event *e = psy_reader_event(s->r, i);
    char reason[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    s->event_skipped[i] = 1;
    add_skipped(s, e->label, e->onset_s, psy_event_source_name(e->source), reason);
    psy_session_warn(s, "event '%s' at %.3f s skipped: %s", e->label, e->onset_s, reason);
    return 1;
}

/* 1 when [a, b] lies in one stretch. */
int psy_session_covered(const psy_reader *r, double a, double b)
{
    int k = psy_session_stretch_at(r, a);
    if (k < 0) return 0;
    const psy_stretch *st = psy_reader_stretch(r, k);
    return b <= st->onset_s + st->duration_s + 1e-9;
}

int psy_session_check_events(psy_session *s)
{
    size_t ne = psy_reader_event_count(s->r);
    s->event_skipped = calloc(ne + 1, 1);
    if (!s->event_skipped) return 0;
    for (size_t i = 0; i < ne; i++) {
        psy_message why;
        if (psy_is_session_event(psy_reader_event(s->r, i)) && psy_event_skipped(s->r, i, &why))
            skip(s, i, "%s", why.text);
    }
    /* Rows of the event files that gave no event (no onset): skipped too, with their line. */
    for (size_t f = 0; f < s->cfg.n_events_files; f++) {
        const psy_events_info *in = &s->cfg.events_files[f];
        for (size_t k = 0; k < in->n_unplaced && k < PSY_EVENTS_UNPLACED_KEPT; k++) {
            const psy_unplaced_event *u = &in->unplaced[k];
            char reason[4200];
            snprintf(reason, sizeof reason, "line %lld of %s: %s", (long long)u->line, s->cfg.events_paths[f],
                     u->reason);
            add_skipped(s, u->label, NAN, psy_event_source_name(PSY_EVENTS_FILE), reason);
            psy_session_warn(s, "event '%s' skipped: %s", u->label, reason);
        }
        if (in->n_unplaced > PSY_EVENTS_UNPLACED_KEPT)
            psy_session_warn(s, "%s: %zu more rows without an onset skipped", s->cfg.events_paths[f],
                         in->n_unplaced - PSY_EVENTS_UNPLACED_KEPT);
    }
    /* --epochs labels that name no event. */
    for (size_t k = 0; k < s->cfg.n_epoch_labels; k++) {
        int found = 0;
        for (size_t i = 0; i < ne && !found; i++)
            found = psy_is_session_event(psy_reader_event(s->r, i)) &&
                    strcmp(psy_reader_event(s->r, i)->label, s->cfg.epoch_labels[k]) == 0;
        if (!found) psy_session_warn(s, "--epochs '%s': no session event has this label", s->cfg.epoch_labels[k]);
    }
    return 1;
}

/* Drops repeated segments (a repeated event's) and notes clipped, gap-spanning and overlapping
 * ones. */
void psy_session_check_segments(psy_session *s)
{
    if (s->cfg.rule == PSY_SEGMENTS_WINDOWS) return; /* windows: laid out by the rule itself */
    double end = psy_reader_duration(s->r);
    size_t kept = 1;
    for (size_t i = 1; i < s->n_seg; i++) {
        psy_segment g = s->seg[i];
        int repeat = 0;
        for (size_t j = kept; j-- > 1 && s->seg[j].onset_s == g.onset_s && !repeat;)
            repeat = s->seg[j].duration_s == g.duration_s && strcmp(s->seg[j].label, g.label) == 0;
        if (repeat) {
            psy_session_warn(s, "segment '%s' (%.3f .. %.3f s) repeats an earlier one: one row", g.label,
                         g.onset_s, g.onset_s + g.duration_s);
            continue;
        }
        if (!psy_session_covered(s->r, g.onset_s, g.onset_s + g.duration_s - 1e-9))
            psy_session_warn(s, "segment '%s' (%.3f .. %.3f s) spans a gap of the recording: its markers "
                            "cover the data only", g.label, g.onset_s, g.onset_s + g.duration_s);
        s->seg[kept++] = g;
    }
    s->n_seg = kept;
    for (size_t i = 0; s->cfg.rule == PSY_SEGMENTS_EVENTS && i < psy_reader_event_count(s->r); i++) {
        const psy_event *e = psy_reader_event(s->r, i);
        double a = e->onset_s, b = a + e->duration_s;
        if (psy_is_session_event(e) && (psy_event_placement(e, 0, end) & PSY_EVENT_SEGMENT_CLIPPED))
            psy_session_warn(s, "segment '%s' (%.3f .. %.3f s) clipped to the recording: %.3f .. %.3f s",
                         e->label, a, b, fmax(a, 0), fmin(b, end));
    }
    /* Overlaps (in onset order): each segment against the one reaching furthest before it. */
    size_t far = 0;
    for (size_t i = 1; i < s->n_seg; i++) {
        const psy_segment *g = &s->seg[i], *f = &s->seg[far];
        if (far > 0 && g->onset_s < f->onset_s + f->duration_s - 1e-9)
            psy_session_warn(s, "segments '%s' (%.3f .. %.3f s) and '%s' (%.3f .. %.3f s) overlap: beats and "
                            "SCRs in the overlap count in both", f->label, f->onset_s, f->onset_s + f->duration_s,
                         g->label, g->onset_s, g->onset_s + g->duration_s);
        if (far == 0 || g->onset_s + g->duration_s > f->onset_s + f->duration_s) far = i;
    }
}
