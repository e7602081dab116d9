/* The session analysis (psyphys/session.h): one run over a recording — channels, beats, skin
 * conductance, breaths, segments, epochs, HRV rows, checks — and its results. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psy_core.h" /* psy_fail */
#include "beats_internal.h" /* beats_detect_streamed */
#include "breaths_internal.h" /* BREATHS_NO_HEARTBEATS */
#include "nn_spool.h"
#include "session_internal.h"
#include "sidecar_internal.h" /* beats_gaps_warning, gaps_seconds */

psy_session_config psy_session_config_default(void)
{
    psy_session_config c;
    memset(&c, 0, sizeof c);
    c.rule = PSY_SEGMENTS_EVENTS;
    c.pre_s = 1, c.post_s = 10;
    c.latency_min_s = 1, c.latency_max_s = 4;
    c.eda_method = PSY_EDA_FAST;
    c.hrv_window_s = 300, c.hrv_step_s = 300;
    c.max_corrected_pct = psy_hrv_config_default().max_corrected_pct;
    return c;
}

const char *psy_heart_source_name(psy_heart_source source)
{
    static const char *const names[] = {"none", "ECG", "RR", "PPG", "HR"};
    return (unsigned)source < sizeof names / sizeof names[0] ? names[source] : "none";
}

void psy_session_warn(psy_session *s, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (s->n_warnings == s->cap_warnings) {
        size_t nc = s->cap_warnings ? 2 * s->cap_warnings : 16;
        char **w = realloc(s->warnings, nc * sizeof *w);
        if (!w) {
            s->nomem = 1;
            return;
        }
        s->warnings = w, s->cap_warnings = nc;
    }
    char *copy = malloc(strlen(text) + 1);
    if (!copy) {
        s->nomem = 1;
        return;
    }
    strcpy(copy, text);
    s->warnings[s->n_warnings++] = copy;
}

/* A warning with the seconds of channel ch's missing samples (NaN: empty cells, dropouts) among
 * its gaps (flat stretches are the detectors' own warnings), when there are any. */
static void warn_missing(psy_session *s, int ch, const psy_ecg_gap *gaps, size_t n_gaps, const char *consequence)
{
    const psy_channel_info *c = psy_reader_channel(s->r, ch);
    if (!(c->rate_hz > 0)) return;
    double flat_s, missing_s = gaps_seconds(gaps, n_gaps, c->rate_hz, &flat_s) - flat_s;
    if (missing_s > 0)
        psy_session_warn(s, "%s channel '%s': %.2f s of missing samples (empty or NaN): %s",
                         psy_channel_type_name(c->type), c->label, missing_s, consequence);
}

/* The breaths of the RSP channel, or, without one and with cfg.edr, ECG-derived from the beats;
 * their RSA against the beats. A channel the detector cannot take is a warning, not a failure. */
static psy_status detect_breaths(psy_session *s)
{
    psy_message reason = {{0}};
    psy_status st = PSY_OK;
    if (s->rsp >= 0) {
        st = psy_breaths_detect(s->r, s->rsp, NULL, &s->breaths, &reason);
        if (st == PSY_E_INVALID) {
            psy_session_warn(s, "RSP channel: %s", reason.text);
            return PSY_OK;
        }
        if (st == PSY_OK) warn_missing(s, s->rsp, s->breaths->gaps, s->breaths->n_gaps,
                                       "no breath spans them and the breathing rate leaves them out");
    } else if (s->cfg.edr && s->beats && s->heart == PSY_HEART_ECG) {
        st = psy_breaths_from_ecg(s->r, s->ecg, s->beats, &s->breaths, &reason);
        if (st == PSY_E_TOO_SHORT) {
            psy_session_warn(s, "no ECG-derived breaths: %s", reason.text);
            return PSY_OK;
        }
        if (st == PSY_OK)
            psy_session_warn(s, "breaths derived from the ECG (no RSP channel; --edr): the breathing rate is "
                                "less accurate than a respiration channel's (README), and RSA against them is "
                                "partly circular");
    } else if (s->cfg.edr) {
        psy_session_warn(s, "no ECG-derived breaths: they need the R-peaks of an ECG channel");
    }
    if (st != PSY_OK) return st;
    if (s->breaths && !s->beats) /* no RSA for want of beats: why there are none */
        s->rsa_why = s->heart == PSY_HEART_NONE ? BREATHS_NO_HEARTBEATS : psy_session_no_beats_reason(s);
    if (s->breaths && s->beats) {
        psy_rsa_config rc = psy_rsa_config_default();
        st = psy_session_rsa(s, &rc);
        s->has_rsa = st == PSY_OK;
        if (st == PSY_E_IO || st == PSY_E_NOMEM) { /* RSA alone is lost, as every other reader's value */
            s->rsa_why = nn_status_why(st);
            psy_session_warn(s, "RSA n/a: %s", s->rsa_why);
            st = PSY_OK;
        }
    }
    return st;
}

/* Onsets of the session events (not WFDB beat labels or gap marks). */
static int collect_events(psy_session *s)
{
    s->events = malloc((psy_reader_event_count(s->r) + 1) * sizeof *s->events);
    if (!s->events) return 0;
    for (size_t i = 0; i < psy_reader_event_count(s->r); i++)
        if (psy_is_session_event(psy_reader_event(s->r, i)))
            s->events[s->n_events++] = psy_reader_event(s->r, i)->onset_s;
    return 1;
}

static int config_valid(const psy_session_config *c)
{
    return psy_reserved_clear(c->reserved) && c->rule >= PSY_SEGMENTS_EVENTS && c->rule <= PSY_SEGMENTS_WINDOWS &&
           (c->rule != PSY_SEGMENTS_WINDOWS || (c->window_s > 0 && c->step_s > 0)) &&
           (!c->n_epoch_labels || c->epoch_labels) && c->pre_s >= 0 && c->post_s > 0 &&
           c->latency_min_s >= 0 && c->latency_max_s > c->latency_min_s && c->hrv_window_s > 0 &&
           c->hrv_step_s > 0 && c->max_corrected_pct >= 0 && c->max_corrected_pct <= 100 &&
           !(c->ecg && c->hr) && !(c->ppg && c->hr) && (!c->n_events_files || (c->events_files && c->events_paths)) &&
           (c->eda_method == PSY_EDA_FAST || c->eda_method == PSY_EDA_DECONV) && (c->edr == 0 || c->edr == 1) &&
           (c->lean_results == 0 || c->lean_results == 1) && c->zero_ == 0;
}

/* The pulses of the PPG channel: the beats (heart PPG), or the pulse arrival times of the
 * R-peaks. */
static psy_status pulses_and_pat(psy_session *s)
{
    psy_message reason = {{0}};
    const psy_channel_info *c = psy_reader_channel(s->r, s->ppg);
    s->pulses_cfg = psy_pulses_config_default();
    s->pat_cfg = psy_pat_config_default();
    if (psy_pulses_detect(s->r, s->ppg, &s->pulses_cfg, &s->pulses, &reason) != PSY_OK) {
        psy_session_warn(s, "no pulses on PPG channel '%s': %s", c->label, reason.text);
        return PSY_OK;
    }
    double unusable_s = 0;
    for (size_t g = 0; g < s->pulses->n_gaps; g++)
        unusable_s += (double)(s->pulses->gaps[g].end - s->pulses->gaps[g].start) / c->rate_hz;
    if (unusable_s >= 1)
        psy_session_warn(s, "PPG channel '%s': %.1f s of %.1f s unusable (missing, flat, clipped or motion "
                            "artefact): no pulses there", c->label, unusable_s, (double)c->frames / c->rate_hz);
    if (s->heart == PSY_HEART_PPG) {
        s->beats = s->pulses;
        return PSY_OK;
    }
    psy_status st = psy_pat_compute(s->beats, s->pulses, &s->pat_cfg, &s->pat);
    if (st == PSY_E_NOMEM) return st;
    psy_message refused;
    if (psy_pat_why_refused(s->pat, &s->pat_cfg, &refused))
        psy_session_warn(s, "pulse arrival time n/a: %s", refused.text);
    return PSY_OK;
}

void psy_session_warn_not_lean(psy_session *s, const char *what, const char *why)
{
    psy_session_warn(s, "lean results fell back to memory: %s kept in memory, not in a temporary file in %s (%s); "
                        "the tables are the same, but memory grows more with the recording's length",
                     what, psy_temp_dir(), why);
}

/* The beats of the ECG or RR channel: streamed (cfg.lean_results) when they come from a regular
 * ECG channel and nothing after them reads them beat by beat (ECG-derived breaths, pulse arrival
 * times), their NN series spooled (s->nn), else kept whole. Streaming needs two temporary files
 * (psy_temp_file: the beats table and the NN series); when one cannot be made or written (a full
 * disk) the beats are detected again and kept whole: the same results, more memory, and a
 * warning says so (a long recording may then not fit). Its other refusals (PSY_E_INVALID: a
 * channel that is not a regular ECG, RR correction windows too wide to stream) cannot happen
 * here: the test above keeps such channels whole, and the session's beats settings are the
 * defaults (compute), whose windows stream; so the warning's "not in a temporary file" is its
 * real cause (or out of memory, which failed.text then names). The streamed detection runs in up
 * to three threads (beats_detect_streamed), the NN spool written by the one that corrects: all
 * joined before it returns, so the spool's readers (after detection) never meet its writer. */
static psy_status detect_beats(psy_session *s, psy_message *reason)
{
    const psy_channel_info *c = psy_reader_channel(s->r, s->ecg);
    int streamed = s->cfg.lean_results && s->heart == PSY_HEART_ECG && !s->cfg.edr && s->ppg < 0 &&
                   c->type != PSY_CH_RR && c->type != PSY_CH_PPG && c->rate_hz > 0;
    if (!streamed) return psy_beats_detect(s->r, s->ecg, &s->beats_cfg, &s->beats, reason);
    psy_message failed = {{0}};
    char err[128];
    const char *unmade = !(s->beats_table = psy_temp_file()) ? "beats table's"
                         : !(s->nn = nn_spool_create())       ? "NN series'"
                                                              : NULL;
    if (unmade)
        psy_fail(&failed, PSY_E_IO, "the %s temporary file could not be made: %s", unmade,
                 psy_errno_text(errno, err, sizeof err));
    psy_status st = PSY_E_IO;
    if (s->nn) st = beats_detect_streamed(s->r, s->ecg, &s->beats_cfg, s->beats_table, 1, s->nn, &s->beats, &failed);
    if (st == PSY_OK) return st;
    if (s->beats_table) fclose(s->beats_table), s->beats_table = NULL;
    nn_spool_free(s->nn), s->nn = NULL;
    st = psy_beats_detect(s->r, s->ecg, &s->beats_cfg, &s->beats, reason);
    if (st == PSY_OK) psy_session_warn_not_lean(s, "the beats are", failed.text);
    return st;
}

/* The ECG's stretches without usable signal, in the words of the beats table's sidecar: the
 * HRV rows rest on the beats around them. */
static void warn_ecg_gaps(psy_session *s)
{
    const psy_channel_info *c = psy_reader_channel(s->r, s->ecg);
    char text[256];
    if (s->heart == PSY_HEART_ECG && s->beats && beats_gaps_warning(s->beats, c, text, sizeof text))
        psy_session_warn(s, "ECG channel '%s': %s", c->label, text);
}

/* The analysis after the channels are chosen. */
static psy_status compute(psy_session *s, psy_message *why)
{
    psy_message reason = {{0}};
    s->beats_cfg = psy_beats_config_default();
    if (s->ecg >= 0 && detect_beats(s, &reason) != PSY_OK) psy_session_warn(s, "no beats: %s", reason.text);
    else if (s->ecg >= 0) warn_ecg_gaps(s);
    psy_status st;
    if (s->ppg >= 0 && (s->heart == PSY_HEART_PPG || s->beats) && (st = pulses_and_pat(s)) != PSY_OK)
        return psy_fail(why, st, "PPG channel: %s", psy_strerror(st));
    s->hrv_cfg = psy_hrv_config_default();
    s->hrv_cfg.spectra = PSY_HRV_WELCH;
    s->hrv_cfg.max_corrected_pct = s->cfg.max_corrected_pct;
    s->hrv_cfg.keep_corrected = s->cfg.keep_corrected;
    st = psy_hrv_create(&s->hrv_cfg, &s->hrv, &reason);
    if (st != PSY_OK) return psy_fail(why, st, "HRV: %s", reason.text[0] ? reason.text : psy_strerror(st));
    if (s->eda >= 0) {
        psy_eda_config ec = psy_eda_config_default(psy_reader_channel(s->r, s->eda)->rate_hz);
        if (psy_eda_analyze(s->r, s->eda, &ec, s->cfg.eda_method, &s->scr, &reason) != PSY_OK)
            psy_session_warn(s, "no skin conductance analysis: %s", reason.text);
        else if (s->scr->why_na[0])
            psy_session_warn(s, "skin conductance: %s", s->scr->why_na);
        if (s->scr && s->scr->duration_s - s->scr->valid_s >= 1)
            psy_session_warn(s, "skin conductance: %.1f s excluded as artefacts or gaps (out of range, too "
                                "steep, flat, drops, and %.0f s around them; settings.eda.artifacts): no SCR "
                                "scored there, not in the minutes of the NS-SCR rate",
                             s->scr->duration_s - s->scr->valid_s, s->scr->config.artifact_radius_s);
    }
    if (s->hr >= 0 && (st = psy_session_read_hr(s)) != PSY_OK) return psy_fail(why, st, "HR channel: %s", psy_strerror(st));
    if (s->hr >= 0 && !s->n_hr)
        psy_session_warn(s, "HR channel '%s' holds no valid heart rate: its markers are n/a",
                         psy_reader_channel(s->r, s->hr)->label);
    if ((st = detect_breaths(s)) != PSY_OK) return psy_fail(why, st, "breaths: %s", psy_strerror(st));
    st = psy_segments_make(s->r, s->cfg.rule, s->cfg.window_s, s->cfg.step_s, &s->seg, &s->n_seg);
    if (st != PSY_OK) return psy_fail(why, st, "segments: %s", psy_strerror(st));
    if (!collect_events(s) || !psy_session_check_events(s) || !psy_session_make_epochs(s))
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    psy_session_check_segments(s);
    if (!psy_session_hrv_rows(s, 1) || !psy_session_check_plausibility(s) || s->nomem)
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    return PSY_OK;
}

static void fill_results(psy_session *s)
{
    psy_session_results *r = &s->res;
    r->reader = s->r;
    r->ecg = s->ecg, r->eda = s->eda, r->rsp = s->rsp, r->hr = s->hr;
    r->n_leads = s->n_leads;
    memcpy(r->lead_ch, s->lead_ch, sizeof r->lead_ch);
    memcpy(r->lead_q, s->lead_q, sizeof r->lead_q);
    r->beats = s->beats;
    r->beats_config = s->beats_cfg;
    r->hrv_config = s->hrv_cfg;
    r->scr = s->scr;
    r->breaths = s->breaths ? s->breaths->b : NULL, r->n_breaths = s->breaths ? s->breaths->n : 0;
    r->breath_list = s->breaths;
    r->rsa = s->has_rsa ? &s->rsa : NULL;
    r->rsa_why = s->rsa_why;
    r->hr_t_s = s->hr_t_s, r->hr_bpm = s->hr_bpm, r->n_hr = s->n_hr;
    r->segments = s->seg, r->n_segments = s->n_seg;
    r->segment_hrv = s->seg_hrv;
    r->window_hrv = s->win_hrv, r->n_windows = s->n_win;
    r->hrv_window_s = s->cfg.hrv_window_s, r->hrv_step_s = s->cfg.hrv_step_s;
    r->epochs = s->rows, r->n_epochs = s->n_rows;
    r->event_onsets_s = s->events, r->n_event_onsets = s->n_events;
    memcpy(r->implausible, s->implausible, sizeof r->implausible);
    r->warnings = (const char *const *)s->warnings, r->n_warnings = s->n_warnings;
    r->skipped = s->skipped, r->n_skipped = s->n_skipped;
    r->heart = s->heart, r->beats_ch = s->beats_ch, r->ppg = s->pulses ? s->ppg : -1;
    r->pulses = s->pulses, r->pulses_config = s->pulses_cfg;
    r->pat = s->pat, r->pat_config = s->pat_cfg;
}

psy_status psy_session_run(psy_reader *reader, const psy_session_config *config, psy_session **out,
                           psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!out) return psy_fail(why, PSY_E_INVALID, "no place for the session");
    *out = NULL;
    if (!reader || !config) return psy_fail(why, PSY_E_INVALID, "no recording or no configuration");
    if (!config_valid(config)) return psy_fail(why, PSY_E_INVALID, "a setting is out of its range");
    psy_session *s = calloc(1, sizeof *s);
    if (!s) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    s->r = reader;
    s->cfg = *config;
    s->ecg = s->eda = s->rsp = s->hr = s->ppg = s->beats_ch = -1;
    psy_status st = psy_session_pick_channels(s, why);
    if (st == PSY_OK) st = compute(s, why);
    if (st == PSY_OK) {
        fill_results(s);
        if (!(s->settings = psy_session_settings_json(s))) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    /* The config's strings are the caller's: none is kept past the run. */
    s->cfg.ecg = s->cfg.eda = s->cfg.rsp = s->cfg.hr = s->cfg.ppg = NULL;
    s->cfg.epoch_labels = NULL, s->cfg.n_epoch_labels = 0;
    s->cfg.events_files = NULL, s->cfg.events_paths = NULL, s->cfg.n_events_files = 0;
    if (st != PSY_OK) {
        psy_session_free(s);
        return st;
    }
    *out = s;
    return PSY_OK;
}

psy_status psy_session_open(const char *path, const psy_open_options *options, const psy_session_config *config,
                            psy_session **out, psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!out) return psy_fail(why, PSY_E_INVALID, "no place for the session");
    *out = NULL;
    if (!path || !config) return psy_fail(why, PSY_E_INVALID, "no recording or no configuration");
    psy_open_options defaults = psy_open_options_default();
    psy_reader *r = NULL;
    psy_status st = psy_reader_open(path, options ? options : &defaults, &r, why);
    if (st != PSY_OK) return st;
    st = psy_session_run(r, config, out, why);
    if (st != PSY_OK) {
        psy_reader_close(r);
        return st;
    }
    (*out)->owns_reader = 1;
    return PSY_OK;
}

psy_reader *psy_session_reader(const psy_session *session) { return session ? session->r : NULL; }

const psy_session_results *psy_session_results_of(const psy_session *session)
{
    return session ? &session->res : NULL;
}

void psy_session_free(psy_session *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_warnings; i++) free(s->warnings[i]);
    free(s->warnings);
    for (size_t i = 0; i < s->n_skipped; i++) {
        free((char *)s->skipped[i].label);
        free((char *)s->skipped[i].reason);
    }
    free(s->skipped);
    free(s->event_skipped);
    free(s->rows);
    free(s->events);
    free(s->seg);
    free(s->seg_hrv);
    free(s->win_hrv);
    free(s->win_rows);
    if (s->win_file) fclose(s->win_file);
    psy_breath_list_free(s->breaths);
    psy_rsa_result_clear(&s->rsa);
    free(s->hr_t_s);
    free(s->hr_bpm);
    free(s->hr_nn_ms);
    psy_hrv_destroy(s->hrv);
    psy_eda_result_free(s->scr);
    if (s->pulses != s->beats) psy_beat_list_free(s->pulses);
    psy_beat_list_free(s->beats);
    if (s->beats_table) fclose(s->beats_table);
    nn_spool_free(s->nn);
    psy_pat_list_free(s->pat);
    json_decref(s->settings);
    if (s->owns_reader) psy_reader_close(s->r);
    free(s);
}
