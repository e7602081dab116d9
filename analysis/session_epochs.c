/* The session analysis: event-locked epochs (heart-rate response, SCR in the latency window). */
#include <stdlib.h>
#include <string.h>

#include "session_internal.h"

static int wanted(const psy_session_config *o, const psy_event *e)
{
    if (!psy_is_session_event(e)) return 0;
    if (!o->n_epoch_labels) return 1;
    for (size_t i = 0; i < o->n_epoch_labels; i++)
        if (strcmp(o->epoch_labels[i], e->label) == 0) return 1;
    return 0;
}

/* 1 when one of the beats' channel's gaps (flat or missing signal, unusable PPG) meets [a, b] (s). */
static int beats_gap_in(psy_session *s, double a, double b)
{
    for (size_t g = 0; g < s->beats->n_gaps; g++) {
        double t[2];
        int64_t last = s->beats->gaps[g].end - 1;
        if (psy_reader_read_times(s->r, s->beats_ch, s->beats->gaps[g].start, 1, &t[0]) != PSY_OK ||
            psy_reader_read_times(s->r, s->beats_ch, last, 1, &t[1]) != PSY_OK)
            continue;
        if (t[0] <= b && t[1] >= a) return 1;
    }
    return 0;
}

int psy_session_make_epochs(psy_session *s)
{
    const psy_session_config *o = &s->cfg;
    size_t ne = psy_reader_event_count(s->r), n = 0, n_wanted = 0;
    /* A row per epoch only: a Holter's beat annotations (100 000 a day) are events too. */
    for (size_t i = 0; i < ne; i++) n_wanted += wanted(o, psy_reader_event(s->r, i)) && !s->event_skipped[i];
    psy_session_epoch *rows = s->rows = calloc(n_wanted + 1, sizeof *rows);
    if (!rows) return 0;
    psy_hr_response_config hc = psy_hr_response_config_default();
    hc.pre_s = o->pre_s, hc.post_s = o->post_s;
    hc.keep_corrected = o->keep_corrected;
    nn_buf buf = {0}; /* the epochs' slices of a spooled NN series */
    for (size_t i = 0; i < ne; i++) {
        const psy_event *e = psy_reader_event(s->r, i);
        if (!wanted(o, e)) continue;
        if (s->event_skipped[i]) continue; /* outside, in a gap or repeated: in s->skipped */
        psy_session_epoch *row = &rows[n++];
        row->event = e;
        row->hr.valid = 0;
        row->hr.why = "no beats";
        if (s->beats) {
            psy_status st = psy_session_hr_response(s, e->onset_s, &hc, &buf, &row->hr);
            if (st == PSY_E_IO || st == PSY_E_NOMEM) row->hr.why = nn_status_why(st);
        } else if (s->n_hr) /* the bpm samples stand in for beats: same grid, same interpolation */
            psy_hr_response_at(s->hr_t_s, s->hr_nn_ms, NULL, s->n_hr, e->onset_s, &hc, &row->hr);
        if (row->hr.valid && !psy_session_covered(s->r, e->onset_s - o->pre_s, e->onset_s + o->post_s)) {
            row->hr.valid = 0; /* the grid would bridge the gap */
            row->hr.why = "the epoch window crosses a gap of the recording";
        }
        if (row->hr.valid && s->beats && beats_gap_in(s, e->onset_s - o->pre_s, e->onset_s + o->post_s)) {
            row->hr.valid = 0;
            row->hr.why = s->heart == PSY_HEART_PPG
                              ? "the PPG has no usable signal (missing, flat, clipped or artefact) in the epoch window"
                              : "the ECG has no usable signal (flat or missing) in the epoch window";
        }
        if (!row->hr.valid)
            psy_session_warn(s, "epoch '%s' at %.3f s: heart rate n/a (%s)", e->label, e->onset_s, row->hr.why);
        row->has_scr = s->scr && psy_eda_event_responses(s->scr, &e->onset_s, 1, o->latency_min_s,
                                                         o->latency_max_s, &row->scr) == PSY_OK;
        if (row->has_scr && row->scr.na_reason)
            psy_session_warn(s, "epoch '%s' at %.3f s: SCR n/a (%s)", e->label, e->onset_s, row->scr.na_reason);
    }
    s->n_rows = n;
    size_t over = 0; /* above the responses' own limit (psyphys/hr_response.h), kept */
    for (size_t i = 0; i < n; i++) over += rows[i].hr.over_corrected;
    if (over)
        psy_session_warn(s, "%zu epoch(s) have more than %g %% of their beats corrected (nn_corrected_pct): their "
                        "heart-rate responses are kept (--keep-corrected): interpret them with care",
                     over, hc.max_corrected_pct);
    nn_buf_free(&buf);
    return 1;
}
