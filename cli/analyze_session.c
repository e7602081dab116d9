/* psyphys analyze: what one recording gives — channels, beats, skin conductance, breaths,
 * segments and epochs. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "beats_table.h"

void analyze_warn(analyze_session *s, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    json_array_append_new(s->warnings, json_string(text));
}

/* The channel of a type: named, else the first of the types; -1 (and a warning when
 * warn_absent) when absent. */
static int channel_of(analyze_session *s, const char *path, const char *label, const psy_channel_type *types,
                      int n_types, const char *what, int warn_absent, int *failed)
{
    if (label) {
        int ch = cli_pick_channel(s->r, path, label, types, n_types, what);
        if (ch < 0) *failed = 1;
        return ch;
    }
    for (int t = 0; t < n_types; t++)
        for (int i = 0; i < psy_reader_channel_count(s->r); i++)
            if (psy_reader_channel(s->r, i)->type == types[t]) return i;
    if (warn_absent) analyze_warn(s, "no %s channel: its markers are n/a", what);
    return -1;
}

static psy_status detect_breaths(analyze_session *s)
{
    const psy_channel_info *c = psy_reader_channel(s->r, s->rsp);
    if (c->rate_hz <= 0) {
        analyze_warn(s, "RSP channel '%s' is irregular: no breaths", c->label);
        return PSY_OK;
    }
    psy_resp_config cfg = psy_resp_config_default(c->rate_hz);
    psy_resp_detector *d = NULL;
    if (psy_resp_detector_create(&cfg, &d) != PSY_OK) {
        analyze_warn(s, "RSP channel '%s' at %g Hz: no breath detection below 4 Hz", c->label, c->rate_hz);
        return PSY_OK;
    }
    size_t cap = 0;
    double *x = malloc(65536 * sizeof *x);
    psy_status st = x ? PSY_OK : PSY_E_NOMEM;
    for (int64_t at = 0; st == PSY_OK && at <= c->frames; at += 65536) {
        int64_t n = c->frames - at < 65536 ? c->frames - at : 65536;
        if (n > 0) st = psy_reader_read(s->r, s->rsp, at, n, x);
        for (size_t off = 0; st == PSY_OK && off < (size_t)n;) {
            size_t used;
            psy_resp_detector_push(d, x + off, (size_t)n - off, &used);
            off += used;
            psy_breath b[64];
            size_t k = psy_resp_detector_pop(d, b, 64);
            if (s->n_breaths + k > cap) {
                size_t nc = cap ? 2 * cap + k : 256 + k;
                psy_breath *p = realloc(s->breaths, nc * sizeof *p);
                if (!p) st = PSY_E_NOMEM;
                else s->breaths = p, cap = nc;
            }
            if (st == PSY_OK) memcpy(s->breaths + s->n_breaths, b, k * sizeof *b), s->n_breaths += k;
        }
        if (n <= 0) break;
    }
    free(x);
    psy_resp_detector_destroy(d);
    return st;
}

int analyze_session_open(analyze_session *s, const analyze_options *o)
{
    memset(s, 0, sizeof *s);
    s->ecg = s->eda = s->rsp = s->hr = -1;
    s->warnings = json_array();
    if (!s->warnings) {
        cli_error(o->path, "out of memory");
        return CLI_FAILED;
    }
    s->r = cli_open_recording_events(o->path, &o->in, &s->events_read);
    if (!s->r) return CLI_FAILED;
    static const psy_channel_type heart[] = {PSY_CH_ECG, PSY_CH_RR}, skin[] = {PSY_CH_EDA},
                                  resp[] = {PSY_CH_RESP}, rate[] = {PSY_CH_HR};
    int failed = 0;
    if (o->hr) { /* --hr: the bpm channel, even where an ECG exists */
        s->hr = channel_of(s, o->path, o->hr, rate, 1, "HR", 1, &failed);
        s->ecg = -1;
    } else {
        s->ecg = channel_of(s, o->path, o->ecg, heart, 2, "ECG or RR", 0, &failed);
        if (s->ecg < 0 && !failed) s->hr = channel_of(s, o->path, NULL, rate, 1, "HR", 0, &failed);
        if (s->ecg < 0 && s->hr < 0 && !failed) analyze_warn(s, "no ECG, RR or HR channel: its markers are n/a");
    }
    if (s->hr >= 0)
        analyze_warn(s, "heart rate from the bpm channel '%s' (no beats): mean HR per segment and the "
                        "epochs' HR responses; HRV n/a (a heart rate averaged over seconds is not "
                        "beat-to-beat), epoch quality n/a (no beats to correct)",
                     psy_reader_channel(s->r, s->hr)->label);
    s->eda = channel_of(s, o->path, o->eda, skin, 1, "EDA", 1, &failed);
    s->rsp = channel_of(s, o->path, o->rsp, resp, 1, "RSP", 1, &failed);
    if (failed || !analyze_choose_ecg_lead(s, o)) return CLI_FAILED;
    return CLI_OK;
}

/* Onsets of the session events (not WFDB beat labels or gap marks). */
static int collect_events(analyze_session *s)
{
    s->events = malloc((psy_reader_event_count(s->r) + 1) * sizeof *s->events);
    if (!s->events) return 0;
    for (size_t i = 0; i < psy_reader_event_count(s->r); i++)
        if (psy_is_session_event(psy_reader_event(s->r, i)))
            s->events[s->n_events++] = psy_reader_event(s->r, i)->onset_s;
    return 1;
}

int analyze_session_compute(analyze_session *s, const analyze_options *o)
{
    psy_message why = {{0}};
    s->beats_cfg = psy_beats_config_default();
    if (s->ecg >= 0 && psy_beats_detect(s->r, s->ecg, &s->beats_cfg, &s->beats, &why) != PSY_OK)
        analyze_warn(s, "no beats: %s", why.text);
    s->hrv_cfg = psy_hrv_config_default();
    s->hrv_cfg.spectra = PSY_HRV_WELCH;
    s->hrv_cfg.max_corrected_pct = o->max_corrected_pct;
    s->hrv_cfg.keep_corrected = o->keep_corrected;
    psy_status st = psy_hrv_create(&s->hrv_cfg, &s->hrv, &why);
    if (st != PSY_OK) {
        cli_error(o->path, "HRV: %s", why.text[0] ? why.text : psy_strerror(st));
        return 0;
    }
    if (s->eda >= 0) {
        psy_eda_config ec = psy_eda_config_default(psy_reader_channel(s->r, s->eda)->rate_hz);
        if (psy_eda_analyze(s->r, s->eda, &ec, o->eda_method, &s->scr, &why) != PSY_OK)
            analyze_warn(s, "no skin conductance analysis: %s", why.text);
        else if (s->scr->why_na[0])
            analyze_warn(s, "skin conductance: %s", s->scr->why_na);
        if (s->scr && s->scr->duration_s - s->scr->valid_s >= 1)
            analyze_warn(s, "skin conductance: %.1f s excluded as artefacts or gaps (out of range, too "
                         "steep, flat, drops, and %.0f s around them; settings.eda.artifacts): no SCR "
                         "scored there, not in the minutes of the NS-SCR rate",
                         s->scr->duration_s - s->scr->valid_s, s->scr->config.artifact_radius_s);
    }
    if (s->hr >= 0 && (st = analyze_hr_series_read(s)) != PSY_OK) {
        cli_error(o->path, "HR channel: %s", psy_strerror(st));
        return 0;
    }
    if (s->hr >= 0 && !s->n_hr) analyze_warn(s, "HR channel '%s' holds no valid heart rate: its markers are n/a",
                                             psy_reader_channel(s->r, s->hr)->label);
    if (s->rsp >= 0 && (st = detect_breaths(s)) != PSY_OK) {
        cli_error(o->path, "RSP channel: %s", psy_strerror(st));
        return 0;
    }
    if ((st = psy_segments_make(s->r, o->rule, o->window_s, o->step_s, &s->seg, &s->n_seg)) != PSY_OK) {
        cli_error(o->path, "segments: %s", psy_strerror(st));
        return 0;
    }
    if (!collect_events(s) || !analyze_check_events(s, o) || !analyze_make_epochs(s, o)) {
        cli_error(o->path, "out of memory");
        return 0;
    }
    analyze_check_segments(s, o);
    if (!analyze_hrv_rows(s, o) || !analyze_check_plausibility(s)) {
        cli_error(o->path, "out of memory");
        return 0;
    }
    return 1;
}

void analyze_session_free(analyze_session *s)
{
    json_decref(s->warnings);
    json_decref(s->skipped);
    free(s->event_skipped);
    free(s->rows);
    free(s->events);
    free(s->seg);
    free(s->seg_hrv);
    free(s->win_hrv);
    free(s->breaths);
    free(s->hr_t_s);
    free(s->hr_bpm);
    free(s->hr_nn_ms);
    psy_hrv_destroy(s->hrv);
    psy_eda_result_free(s->scr);
    psy_beat_list_free(s->beats);
    psy_reader_close(s->r);
    memset(s, 0, sizeof *s);
}
