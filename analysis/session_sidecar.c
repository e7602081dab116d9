/* The session's JSON sidecars (psyphys/session.h): every setting of the run, the channels and
 * where the beats come from, the warnings and skipped events, and per table its columns and why
 * its cells are n/a. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "psy_core.h"
#include "psyphys/breaths_table.h"
#include "session_internal.h"
#include "sidecar_internal.h"

static json_t *lead_choice_json(const psy_session *s)
{
    const psy_session_results *r = &s->res;
    json_t *leads = json_array();
    for (int k = 0; k < r->n_leads; k++) {
        const psy_ecg_lead_quality *q = &r->lead_q[k];
        json_array_append_new(leads, json_pack("{s:s,s:i,s:i,s:i,s:i,s:o,s:o}",
            "label", psy_reader_channel(s->r, r->lead_ch[k])->label, "beats", (int)q->n_beats,
            "windows", (int)q->n_windows, "usable_windows", (int)q->n_usable,
            "acceptable_windows", (int)q->n_acceptable, "usable_share", psy_json_number(q->usable_share),
            "template_r", psy_json_number(q->template_r)));
    }
    return json_pack("{s:s,s:f,s:f,s:s,s:o}", "method",
                     "share of usable 10-s windows (mean HR 40-180 bpm, RR <= 3 s, average beat-template "
                     "correlation >= 0.66: Orphanidou et al. 2015, IEEE JBHI 19(3):832-838, without its "
                     "max/min RR < 2.2 rule, which ectopic beats break; acceptable_windows keep it), "
                     "then the mean template correlation",
                     "excerpt_s", PSY_SESSION_LEAD_EXCERPT_S, "window_s", PSY_ECG_QUALITY_WINDOW_S, "chosen",
                     psy_reader_channel(s->r, r->ecg)->label, "leads", leads);
}

/* Where the beats come from and why (ECG over PPG when both exist), and the pulse arrival
 * times' settings when there are some. */
static json_t *heart_json(const psy_session *s)
{
    const psy_session_results *r = &s->res;
    json_t *h = json_pack("{s:s,s:o,s:s}", "source", psy_heart_source_name(r->heart), "channel",
                          r->beats_ch >= 0 ? json_string(psy_reader_channel(s->r, r->beats_ch)->label)
                          : r->hr >= 0     ? json_string(psy_reader_channel(s->r, r->hr)->label)
                                           : json_null(),
                          "rule", "an ECG or RR channel (--ecg), else the pulses of a PPG channel (--ppg; "
                                  "also when --ppg is given without --ecg), else a bpm channel (--hr)");
    json_object_set_new(h, "variability",
                        json_string(r->heart == PSY_HEART_PPG   ? psy_pulse_rate_variability_note()
                                    : r->heart == PSY_HEART_BPM ? "none (a bpm channel)"
                                                                : "heart rate variability"));
    if (r->heart == PSY_HEART_ECG && r->ppg >= 0) {
        const psy_pat_config *c = &r->pat_config;
        json_object_set_new(h, "pulse_arrival_time", json_pack(
            "{s:s,s:s,s:f,s:f,s:f,s:f,s:f,s:f,s:o,s:i}", "ppg", psy_reader_channel(s->r, r->ppg)->label, "method",
            "each R-peak paired with the pulse foot nearest the recent median delay (psyphys/pat.h); the list "
            "refused when the pulses do not follow the R-peaks beat by beat",
            "min_s", c->min_s, "max_s", c->max_s, "tolerance_s", c->tolerance_s, "max_jitter_ms", c->max_jitter_ms,
            "max_trend_ms", c->max_trend_ms, "min_valid_pct", c->min_valid_pct, "typical_delay_ms",
            psy_json_number(r->pat ? r->pat->delay_ms : NAN), "valid", r->pat ? (int)r->pat->n_valid : 0));
    }
    return h;
}

static json_t *hrv_json(const psy_hrv_config *h)
{
    json_t *j = json_pack(
        "{s:s,s:f,s:s,s:f,s:f,s:f,s:i,s:f,s:f}", "spectrum", "Welch (the Lomb values are in psyphys hrv)",
        "resample_hz", h->resample_hz, "detrend",
        h->detrend == PSY_HRV_DETREND_SMOOTHNESS ? "smoothness priors" : h->detrend == PSY_HRV_DETREND_LINEAR ? "linear" : "none",
        "lambda", h->lambda, "welch_segment_s", h->welch_segment_s, "welch_overlap", h->welch_overlap,
        "entropy_m", h->entropy_m, "entropy_r_sd", h->entropy_r_sd, "hist_bin_ms", h->hist_bin_ms);
    json_t *min_span = json_object();
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
        if (h->min_span_s[k] > 0) json_object_set_new(min_span, psy_hrv_key_name((psy_hrv_key)k), json_real(h->min_span_s[k]));
    json_object_set_new(j, "min_span_s", min_span);
    json_object_set_new(j, "min_nonlinear_nn", json_integer((json_int_t)h->min_nonlinear_nn));
    json_object_set_new(j, "dfa_min_windows", json_integer(h->dfa_min_windows));
    json_object_set_new(j, "max_corrected_pct", json_real(h->max_corrected_pct));
    json_object_set_new(j, "keep_corrected", json_boolean(h->keep_corrected));
    return j;
}

static json_t *eda_json(const psy_eda_result *scr)
{
    const psy_eda_config *e = &scr->config;
    const psy_eda_noise *nz = &scr->noise;
    psy_sidecar ej = {json_pack(
        "{s:s,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:{s:o,s:o,s:o,s:o,s:f}}", "method",
        psy_eda_method_name(scr->method), "lowpass_hz", e->lowpass_hz, "analysis_rate_hz",
        scr->analysis_rate_hz, "min_amplitude_us", e->min_amplitude_us, "noise_factor",
        e->noise_factor, "tau1_s", e->tau1_s, "tau2_s", e->tau2_s, "min_rise_s", e->min_rise_s,
        "max_rise_s", e->max_rise_s, "noise", "noise_us", psy_json_number(nz->noise_us),
        "noise_max_us", psy_json_number(nz->noise_max_us), "criterion_us",
        psy_json_number(nz->criterion_us), "criterion_max_us",
        psy_json_number(nz->criterion_max_us), "criterion_raised_s", nz->raised_s)};
    if (ej.o) {
        psy_sidecar_set_eda_artifact_rules(&ej, "artifact_rules", e);
        psy_sidecar_set_eda_artifacts(&ej, "artifacts", scr);
    }
    return ej.o;
}

/* The breaths' source and detector, and the RSA and biofeedback values of the whole recording
 * (psyphys resp's keys). */
static json_t *breaths_json(const psy_session_results *res)
{
    const psy_breath_list *l = res->breath_list;
    const psy_resp_config *c = &l->config;
    json_t *b = json_pack("{s:s,s:f,s:[f,f],s:f,s:f,s:i}", "source",
                          l->source == PSY_BREATHS_EDR ? "ecg-derived" : "respiration channel", "detector_rate_hz",
                          l->rate_hz, "band_hz", c->band_low_hz, c->band_high_hz, "hysteresis", c->hysteresis,
                          "min_amplitude", c->min_amplitude, "rate_min_breaths", PSY_RESP_RATE_MIN_BREATHS);
    json_object_set_new(b, "rate_min_span_s", json_real(PSY_RESP_RATE_MIN_SPAN_S));
    if (l->modulations) json_object_set_new(b, "edr_modulations", json_string(l->modulations));
    if (res->rsa)
        json_object_set_new(b, "rsa_p2t", json_string("longest expiratory NN - shortest inspiratory NN (Grossman "
                                                      "1990), 0 when negative"));
    rsa_json(b, res->rsa, res->rsa_why, 0); /* the session's RSA: psy_rsa_config_default, not NeuroKit's */
    if (res->rsa && res->heart == PSY_HEART_PPG) /* from pulse intervals, as psyphys resp --ppg says too */
        json_object_set_new(b, "rsa_intervals", json_string(psy_pulse_rate_variability_note()));
    return b;
}

json_t *psy_session_settings_json(const psy_session *s)
{
    static const char *const rules[] = {"events", "markers", "windows"};
    const psy_session_config *c = &s->cfg;
    const psy_session_results *r = &s->res;
    json_t *j = json_object();
    json_object_set_new(j, "segments", json_pack("{s:s,s:f,s:f}", "rule", rules[c->rule],
                                                 "window_s", c->window_s, "step_s", c->step_s));
    json_t *labels = json_array();
    for (size_t i = 0; i < c->n_epoch_labels; i++) json_array_append_new(labels, json_string(c->epoch_labels[i]));
    json_t *epochs = json_pack("{s:o,s:f,s:f,s:s,s:s,s:s}", "labels", labels, "pre_s", c->pre_s, "post_s", c->post_s,
                               "hr_grid", "10 Hz, monotone cubic (Fritsch & Carlson 1980)",
                               "hr_baseline", "mean rate over [-pre, 0)",
                               "quality", "1 - share of the epoch's beats corrected");
    json_object_set_new(epochs, "max_corrected_pct", json_real(psy_hr_response_config_default().max_corrected_pct));
    json_object_set_new(j, "epochs", epochs);
    json_object_set_new(j, "scr_latency_s", json_pack("[f,f]", c->latency_min_s, c->latency_max_s));
    json_object_set_new(j, "hrv_windows", json_pack("{s:f,s:f}", "window_s", c->hrv_window_s,
                                                    "step_s", c->hrv_step_s));
    json_object_set_new(j, "hrv", hrv_json(&s->hrv_cfg));
    if (s->scr) json_object_set_new(j, "eda", eda_json(s->scr));
    if (r->breath_list) json_object_set_new(j, "breaths", breaths_json(r));
    json_object_set_new(j, "edr", json_boolean(c->edr));
    json_t *ch = json_object();
    const char *names[] = {"ecg", "ppg", "eda", "rsp", "hr"};
    int idx[] = {r->ecg, r->ppg, r->eda, r->rsp, r->hr};
    for (int k = 0; k < 5; k++)
        json_object_set_new(ch, names[k], idx[k] >= 0 ? json_string(psy_reader_channel(s->r, idx[k])->label)
                                                      : json_null());
    json_object_set_new(j, "channels", ch);
    json_object_set_new(j, "heart", heart_json(s));
    if (r->n_leads) json_object_set_new(j, "ecg_lead_choice", lead_choice_json(s));
    return j;
}

/* {label, onset_s (null for a row without one), source, reason} per skipped event. */
static json_t *skipped_json(const psy_session_results *res)
{
    json_t *a = json_array();
    for (size_t i = 0; i < res->n_skipped; i++) {
        const psy_session_skipped *k = &res->skipped[i];
        json_array_append_new(a, json_pack("{s:s,s:o,s:s,s:s}", "label", k->label, "onset_s",
                                           isnan(k->onset_s) ? json_null() : json_real(k->onset_s),
                                           "source", k->source, "reason", k->reason));
    }
    return a;
}

psy_status psy_session_sidecar(const psy_session *s, const char *command, const char *input_path,
                               const char *extra_settings, psy_input_hashes *hashes, psy_sidecar **out,
                               psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!s || !out) {
        psy_input_hashes_free(hashes);
        return psy_fail(why, PSY_E_INVALID, "no session or no place for the sidecar");
    }
    psy_status st = psy_sidecar_new(command, input_path, s->r, hashes, out, why);
    if (st != PSY_OK) return st;
    json_t *settings = json_deep_copy(s->settings);
    if (settings && extra_settings) {
        json_error_t err;
        json_t *extra = json_loads(extra_settings, 0, &err);
        if (!json_is_object(extra)) st = psy_fail(why, PSY_E_FORMAT, "the extra settings are not a JSON object (%s)", err.text);
        else if (json_object_update(settings, extra) != 0) st = PSY_E_NOMEM;
        json_decref(extra);
    }
    if (st == PSY_OK) st = psy_sidecar_set_new(*out, "settings", settings);
    else json_decref(settings);
    if (st == PSY_OK) st = psy_sidecar_add_reader_warnings(*out, s->r);
    for (size_t i = 0; st == PSY_OK && i < s->res.n_warnings; i++) st = psy_sidecar_add_warning(*out, s->res.warnings[i]);
    if (st == PSY_OK) st = psy_sidecar_set_new(*out, "skipped_events", skipped_json(&s->res));
    if (st != PSY_OK) psy_sidecar_free(*out), *out = NULL;
    return st;
}

/* {"column": {"Units", "Description"}} from rows of {name, units ("" for none), description};
 * the epochs table has always said "Description" first. */
static json_t *columns_json(const char *const (*d)[3], size_t n, int units_first)
{
    json_t *c = json_object();
    for (size_t k = 0; k < n; k++) {
        json_t *o = json_object();
        if (units_first && *d[k][1]) json_object_set_new(o, "Units", json_string(d[k][1]));
        json_object_set_new(o, "Description", json_string(d[k][2]));
        if (!units_first && *d[k][1]) json_object_set_new(o, "Units", json_string(d[k][1]));
        json_object_set_new(c, d[k][0], o);
    }
    return c;
}

static json_t *epochs_columns(void)
{
    static const char *const d[][3] = {
        {"label", "", "the event's label"},
        {"onset", "s", "the event's onset from the recording start"},
        {"hr_baseline_bpm", "bpm", "mean heart rate over the pre-event window [-pre, 0)"},
        {"hr_mean_change_bpm", "bpm", "mean heart rate over (0, post] minus the baseline"},
        {"hr_min_change_bpm", "bpm", "lowest heart rate over (0, post] minus the baseline (deceleration)"},
        {"hr_max_change_bpm", "bpm", "highest heart rate over (0, post] minus the baseline (acceleration)"},
        {"hr_min_time_s", "s", "when the lowest rate occurs, from the onset"},
        {"hr_max_time_s", "s", "when the highest rate occurs, from the onset"},
        {"scr_amplitude_us", "uS", "largest SCR with its onset in the latency window; 0 when none; n/a when the "
                                   "window was not observed (artefact, missing samples, outside the recording)"},
        {"scr_latency_s", "s", "its onset minus the event's onset (n/a when none)"},
        {"quality", "", "1 - share of the epoch's beats whose interval was corrected"},
        {"nn_corrected_pct", "%", "share of the epoch's NN intervals that correction changed"},
        {"resp_rate_per_min", "1/min", "breathing rate of the whole breaths in [onset - pre, onset + post]; n/a "
                                       "below 30 s of whole breaths or 3 breaths (na_reasons)"},
        {"resp_depth", "RSP channel unit (arbitrary for ECG-derived breaths)",
         "median amplitude (peak minus the mean of its troughs) of the whole breaths in [onset - pre, onset + post]"}};
    return columns_json(d, sizeof d / sizeof d[0], 0);
}

static json_t *epoch_means_columns(void)
{
    static const char *const d[][3] = {
        {"label", "", "the event label"},
        {"n", "", "its epochs"},
        {"hr_mean_change_bpm", "bpm", "mean of the epochs' hr_mean_change_bpm"},
        {"hr_min_change_bpm", "bpm", "mean of the epochs' hr_min_change_bpm"},
        {"hr_max_change_bpm", "bpm", "mean of the epochs' hr_max_change_bpm"},
        {"scr_magnitude_us", "uS", "mean SCR amplitude, zeros included (magnitude), over the epochs whose latency "
                                   "window was observed"},
        {"scr_count", "", "epochs with an SCR in the latency window"},
        {"resp_rate_per_min", "1/min", "mean of the epochs' resp_rate_per_min (n/a: no epoch has one)"},
        {"resp_depth", "RSP channel unit (arbitrary for ECG-derived breaths)",
         "mean of the epochs' resp_depth (n/a: no epoch has one)"}};
    return columns_json(d, sizeof d / sizeof d[0], 1);
}

static json_t *pat_columns(void)
{
    static const char *const d[][3] = {
        {"onset", "s", "the R-peak, from the recording start"},
        {"foot_onset", "s", "the foot of the pulse paired with it (n/a: none)"},
        {"pat_ms", "ms", "pulse arrival time: R-peak to the pulse foot (intersecting tangents)"},
        {"pat_upstroke_ms", "ms", "R-peak to the pulse's steepest upstroke"},
        {"reason", "", "valid, or why the arrival time is n/a"}};
    return columns_json(d, sizeof d / sizeof d[0], 1);
}

static json_t *breaths_columns(void)
{
    static const char *const d[][3] = {
        {"onset", "s", "start of inspiration (the trough before it)"},
        {"peak", "s", "end of inspiration (the peak)"},
        {"duration_s", "s", "onset to the breath's end (the next trough)"},
        {"amplitude", "RSP channel unit (arbitrary for ECG-derived breaths)",
         "peak minus the mean of the two troughs, low-passed signal"},
        {"rate_per_min", "1/min", "60 / duration_s"},
        {"rsa_p2t_ms", "ms", "peak-to-trough RSA of the breath (Grossman 1990; n/a without beats or an interval in "
                             "each phase)"},
        {"hr_osc_bpm", "bpm", "heart-rate maximum minus minimum within the breath (n/a without beats)"}};
    return columns_json(d, sizeof d / sizeof d[0], 1);
}

/* {"column": {"reason": rows}}, in the library's order. */
static json_t *na_json(const psy_na_reasons *na)
{
    json_t *o = json_object();
    for (size_t i = 0; na && i < na->n; i++) {
        json_t *c = json_object_get(o, na->v[i].column);
        if (!c) json_object_set_new(o, na->v[i].column, c = json_object());
        json_object_set_new(c, na->v[i].reason, json_integer((json_int_t)na->v[i].rows));
    }
    return o;
}

/* What the beats table's sidecar adds: the beats' (or pulses') channel, settings, counts, gaps
 * and columns, without the warnings (the session's are there). */
static json_t *beats_extra(const psy_session *s)
{
    const psy_session_results *r = &s->res;
    psy_sidecar b = {json_object()};
    if (!b.o) return NULL;
    int chs[2] = {r->beats_ch, -1};
    psy_status st = r->heart == PSY_HEART_PPG ? psy_sidecar_add_pulses(&b, s->r, r->ppg, &r->pulses_config, r->beats)
                                              : s->nn ? sidecar_add_beats_counted(&b, s->r, chs, &r->beats_config, r->beats, s->nn->n_corrected)
                                                     : psy_sidecar_add_beats(&b, s->r, chs, &r->beats_config, r->beats);
    json_object_del(b.o, "warnings");
    if (st != PSY_OK) json_decref(b.o), b.o = NULL;
    return b.o;
}

psy_status psy_session_write_sidecar(const psy_session *s, const psy_sidecar *base, psy_session_table table,
                                     const psy_na_reasons *na, FILE *fp)
{
    if (!base || !fp || !psy_session_has_table(s, table)) return PSY_E_INVALID;
    json_t *extra = table == PSY_TABLE_BEATS ? beats_extra(s) : json_object();
    if (!extra) return PSY_E_NOMEM;
    if (table == PSY_TABLE_EPOCHS) json_object_set_new(extra, "columns", epochs_columns());
    if (table == PSY_TABLE_EPOCH_MEANS) json_object_set_new(extra, "columns", epoch_means_columns());
    if (table == PSY_TABLE_PAT) json_object_set_new(extra, "columns", pat_columns());
    if (table == PSY_TABLE_BREATHS) {
        json_object_set_new(extra, "columns", breaths_columns());
        psy_sidecar e = {extra}; /* ECG-derived breaths: their rate per minute */
        if (psy_sidecar_set_breaths_rate_windows(&e, "edr_rate", s->breaths) != PSY_OK) {
            json_decref(extra);
            return PSY_E_NOMEM;
        }
    }
    if (table == PSY_TABLE_SEGMENTS || table == PSY_TABLE_EPOCHS || table == PSY_TABLE_HRV_WINDOWS)
        json_object_set_new(extra, "na_reasons", na_json(na));
    psy_sidecar o = {json_deep_copy(base->o)};
    psy_status st = o.o && json_object_set_new(o.o, "table", json_string(psy_session_table_name(table))) == 0 &&
                            json_object_update(o.o, extra) == 0 ? PSY_OK : PSY_E_NOMEM;
    if (st == PSY_OK) st = psy_sidecar_write(&o, fp);
    json_decref(o.o);
    json_decref(extra);
    return st;
}

psy_status psy_session_hrv_config_read(const char *sidecar_text, psy_hrv_config *out, psy_message *why)
{
    if (!sidecar_text || !out) return PSY_E_INVALID;
    *out = psy_hrv_config_default();
    json_error_t err;
    json_t *o = json_loads(sidecar_text, 0, &err);
    json_t *h = json_object_get(json_object_get(o, "settings"), "hrv");
    if (!json_is_object(h)) {
        if (why)
            snprintf(why->text, sizeof why->text, "%s", !o ? "not JSON" : "no \"settings\": {\"hrv\": {...}} object");
        json_decref(o);
        return PSY_E_FORMAT;
    }
    /* the numbers hrv_json records, each left at its default when absent */
    const struct {
        const char *key;
        double *v;
    } num[] = {{"resample_hz", &out->resample_hz},       {"lambda", &out->lambda},
               {"welch_segment_s", &out->welch_segment_s}, {"welch_overlap", &out->welch_overlap},
               {"entropy_r_sd", &out->entropy_r_sd},     {"hist_bin_ms", &out->hist_bin_ms},
               {"max_corrected_pct", &out->max_corrected_pct}};
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++) {
        json_t *v = json_object_get(h, num[i].key);
        if (json_is_number(v)) *num[i].v = json_number_value(v);
    }
    json_t *v = json_object_get(h, "entropy_m");
    if (json_is_integer(v)) out->entropy_m = (int)json_integer_value(v);
    v = json_object_get(h, "keep_corrected");
    if (json_is_boolean(v)) out->keep_corrected = json_is_true(v);
    const char *detrend = json_string_value(json_object_get(h, "detrend"));
    if (detrend && strcmp(detrend, "linear") == 0) out->detrend = PSY_HRV_DETREND_LINEAR;
    else if (detrend && strcmp(detrend, "none") == 0) out->detrend = PSY_HRV_DETREND_NONE;
    json_decref(o);
    return PSY_OK;
}
