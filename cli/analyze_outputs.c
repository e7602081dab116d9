/* psyphys analyze: the settings every sidecar records, and the tables written under -o. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "beats_table.h"
#include "eda_json.h"
#include "output.h"
#include "provenance.h"
#include "report.h"

/* A number, or null when not finite (JSON has no NaN). */
static json_t *number(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static json_t *lead_choice_json(const analyze_session *s)
{
    json_t *leads = json_array();
    for (int k = 0; k < s->res->n_leads; k++) {
        const psy_ecg_lead_quality *q = &s->res->lead_q[k];
        json_array_append_new(leads, json_pack("{s:s,s:i,s:i,s:i,s:i,s:o,s:o}",
            "label", psy_reader_channel(s->r, s->res->lead_ch[k])->label, "beats", (int)q->n_beats,
            "windows", (int)q->n_windows, "usable_windows", (int)q->n_usable,
            "acceptable_windows", (int)q->n_acceptable, "usable_share", number(q->usable_share),
            "template_r", number(q->template_r)));
    }
    return json_pack("{s:s,s:f,s:f,s:s,s:o}", "method",
                     "share of usable 10-s windows (mean HR 40-180 bpm, RR <= 3 s, average beat-template "
                     "correlation >= 0.66: Orphanidou et al. 2015, IEEE JBHI 19(3):832-838, without its "
                     "max/min RR < 2.2 rule, which ectopic beats break; acceptable_windows keep it), "
                     "then the mean template correlation",
                     "excerpt_s", PSY_SESSION_LEAD_EXCERPT_S, "window_s", PSY_ECG_QUALITY_WINDOW_S, "chosen",
                     psy_reader_channel(s->r, s->res->ecg)->label, "leads", leads);
}

static json_t *epochs_columns(void)
{
    json_t *c = json_object();
    static const char *const d[][3] = {
        {"label", "", "the event's label"},
        {"onset", "s", "the event's onset from the recording start"},
        {"hr_baseline_bpm", "bpm", "mean heart rate over the pre-event window [-pre, 0)"},
        {"hr_mean_change_bpm", "bpm", "mean heart rate over (0, post] minus the baseline"},
        {"hr_min_change_bpm", "bpm", "lowest heart rate over (0, post] minus the baseline (deceleration)"},
        {"hr_max_change_bpm", "bpm", "highest heart rate over (0, post] minus the baseline (acceleration)"},
        {"hr_min_time_s", "s", "when the lowest rate occurs, from the onset"},
        {"hr_max_time_s", "s", "when the highest rate occurs, from the onset"},
        {"scr_amplitude_us", "uS", "largest SCR with its onset in the latency window; 0 when none"},
        {"scr_latency_s", "s", "its onset minus the event's onset (n/a when none)"},
        {"quality", "", "1 - share of the epoch's beats whose interval was corrected"},
        {"nn_corrected_pct", "%", "share of the epoch's NN intervals that correction changed"},
        {"resp_rate_per_min", "1/min", "breathing rate of the whole breaths in [onset - pre, onset + post]; n/a "
                                       "below 30 s of whole breaths or 3 breaths (na_reasons)"},
        {"resp_depth", "RSP channel unit (arbitrary for ECG-derived breaths)",
         "median amplitude (peak minus the mean of its troughs) of the whole breaths in [onset - pre, onset + post]"}};
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++) {
        json_t *o = json_pack("{s:s}", "Description", d[k][2]);
        if (*d[k][1]) json_object_set_new(o, "Units", json_string(d[k][1]));
        json_object_set_new(c, d[k][0], o);
    }
    return c;
}

static json_t *breaths_columns(void)
{
    return json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}",
                     "onset", "Units", "s", "Description", "start of inspiration (the trough before it)", "peak",
                     "Units", "s", "Description", "end of inspiration (the peak)", "duration_s", "Units", "s",
                     "Description", "onset to the breath's end (the next trough)", "amplitude", "Units",
                     "RSP channel unit (arbitrary for ECG-derived breaths)", "Description",
                     "peak minus the mean of the two troughs, band-passed signal", "rate_per_min", "Units", "1/min",
                     "Description", "60 / duration_s", "rsa_p2t_ms", "Units", "ms", "Description",
                     "peak-to-trough RSA of the breath (Grossman 1990; n/a without beats or an interval in "
                     "each phase)",
                     "hr_osc_bpm", "Units", "bpm", "Description",
                     "heart-rate maximum minus minimum within the breath (n/a without beats)");
}

/* The breaths' source and detector, and the RSA and biofeedback values of the whole recording
 * (psyphys resp's keys). */
static json_t *breaths_json(const analyze_session *s)
{
    const psy_breath_list *l = s->res->breath_list;
    const psy_resp_config *c = &l->config;
    json_t *b = json_pack("{s:s,s:f,s:[f,f],s:f,s:f,s:i}", "source",
                          l->source == PSY_BREATHS_EDR ? "ecg-derived" : "respiration channel", "detector_rate_hz",
                          l->rate_hz, "band_hz", c->band_low_hz, c->band_high_hz, "hysteresis", c->hysteresis,
                          "min_amplitude", c->min_amplitude, "rate_min_breaths", PSY_RESP_RATE_MIN_BREATHS);
    json_object_set_new(b, "rate_min_span_s", json_real(PSY_RESP_RATE_MIN_SPAN_S));
    const psy_rsa_result *r = s->res->rsa;
    if (r) {
        json_object_set_new(b, "rsa_p2t", json_string("longest expiratory NN - shortest inspiratory NN (Grossman "
                                                      "1990), 0 when negative"));
        json_object_set_new(b, "rsa_p2t_mean_ms", number(r->p2t_mean_ms));
        json_object_set_new(b, "rsa_pb_ln_ms2", number(r->pb_ln));
        json_object_set_new(b, "hf_resp_ms2", number(r->hf_resp_ms2));
        json_object_set_new(b, "hf_resp_band_hz", json_pack("[f,f]", r->hf_band_hz[0], r->hf_band_hz[1]));
        json_object_set_new(b, "resonance_hz", number(r->resonance_hz));
        json_object_set_new(b, "resonance_power_ms2", number(r->resonance_power_ms2));
        json_object_set_new(b, "coherence_ratio", number(r->coherence_ratio));
        json_object_set_new(b, "hr_osc_mean_bpm", number(r->hr_osc_mean_bpm));
    }
    return b;
}

static json_t *pat_columns(void)
{
    return json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s}}", "onset", "Units", "s",
                     "Description", "the R-peak, from the recording start", "foot_onset", "Units", "s",
                     "Description", "the foot of the pulse paired with it (n/a: none)", "pat_ms", "Units", "ms",
                     "Description", "pulse arrival time: R-peak to the pulse foot (intersecting tangents)",
                     "pat_upstroke_ms", "Units", "ms", "Description",
                     "R-peak to the pulse's steepest upstroke", "reason", "Description",
                     "valid, or why the arrival time is n/a");
}

/* Where the beats come from and why (ECG over PPG when both exist), and the pulse arrival
 * times' settings when there are some. */
static json_t *heart_json(const analyze_session *s)
{
    const psy_session_results *r = s->res;
    json_t *h = json_pack("{s:s,s:o,s:s}", "source", psy_heart_source_name(r->heart), "channel",
                          r->beats_ch >= 0 ? json_string(psy_reader_channel(s->r, r->beats_ch)->label)
                          : r->hr >= 0     ? json_string(psy_reader_channel(s->r, r->hr)->label)
                                           : json_null(),
                          "rule", "an ECG or RR channel (--ecg), else the pulses of a PPG channel (--ppg; "
                                  "also when --ppg is given without --ecg), else a bpm channel (--hr)");
    json_object_set_new(h, "variability", json_string(r->heart == PSY_HEART_PPG ? cli_prv_text
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
            number(r->pat ? r->pat->delay_ms : NAN), "valid", r->pat ? (int)r->pat->n_valid : 0));
    }
    return h;
}

static json_t *epoch_means_columns(void)
{
    return json_pack("{s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s}}", "label",
                     "Description", "the event label", "n", "Description", "its epochs", "hr_mean_change_bpm",
                     "Units", "bpm", "Description", "mean of the epochs' hr_mean_change_bpm", "hr_min_change_bpm",
                     "Units", "bpm", "Description", "mean of the epochs' hr_min_change_bpm", "hr_max_change_bpm",
                     "Units", "bpm", "Description", "mean of the epochs' hr_max_change_bpm", "scr_magnitude_us",
                     "Units", "uS", "Description", "mean SCR amplitude, zeros included (magnitude)", "scr_count",
                     "Description", "epochs with an SCR in the latency window");
}

json_t *analyze_settings_json(const analyze_session *s, const analyze_options *o)
{
    static const char *const rules[] = {"events", "markers", "windows"};
    json_t *j = json_object();
    json_object_set_new(j, "segments", json_pack("{s:s,s:f,s:f}", "rule", rules[o->rule],
                                                 "window_s", o->window_s, "step_s", o->step_s));
    json_t *labels = json_array();
    for (int i = 0; i < o->n_epoch_labels; i++) json_array_append_new(labels, json_string(o->epoch_labels[i]));
    json_object_set_new(j, "epochs", json_pack("{s:o,s:f,s:f,s:s,s:s,s:s}", "labels", labels,
                                               "pre_s", o->pre_s, "post_s", o->post_s, "hr_grid",
                                               "10 Hz, monotone cubic (Fritsch & Carlson 1980)",
                                               "hr_baseline", "mean rate over [-pre, 0)",
                                               "quality", "1 - share of the epoch's beats corrected"));
    json_object_set_new(json_object_get(j, "epochs"), "max_corrected_pct",
                        json_real(psy_hr_response_config_default().max_corrected_pct));
    json_object_set_new(j, "scr_latency_s", json_pack("[f,f]", o->latency_min_s, o->latency_max_s));
    json_object_set_new(j, "hrv_windows", json_pack("{s:f,s:f}", "window_s", o->hrv_window_s,
                                                    "step_s", o->hrv_step_s));
    const psy_hrv_config *h = &s->res->hrv_config;
    json_object_set_new(j, "hrv", json_pack(
        "{s:s,s:f,s:s,s:f,s:f,s:f,s:i,s:f,s:f}", "spectrum", "Welch (the Lomb values are in psyphys hrv)",
        "resample_hz", h->resample_hz, "detrend",
        h->detrend == PSY_HRV_DETREND_SMOOTHNESS ? "smoothness priors" : h->detrend == PSY_HRV_DETREND_LINEAR ? "linear" : "none",
        "lambda", h->lambda, "welch_segment_s", h->welch_segment_s, "welch_overlap", h->welch_overlap,
        "entropy_m", h->entropy_m, "entropy_r_sd", h->entropy_r_sd, "hist_bin_ms", h->hist_bin_ms));
    json_t *min_span = json_object();
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
        if (h->min_span_s[k] > 0) json_object_set_new(min_span, psy_hrv_key_name((psy_hrv_key)k), json_real(h->min_span_s[k]));
    json_t *hj = json_object_get(j, "hrv");
    json_object_set_new(hj, "min_span_s", min_span);
    json_object_set_new(hj, "min_nonlinear_nn", json_integer((json_int_t)h->min_nonlinear_nn));
    json_object_set_new(hj, "dfa_min_windows", json_integer(h->dfa_min_windows));
    json_object_set_new(hj, "max_corrected_pct", json_real(h->max_corrected_pct));
    json_object_set_new(hj, "keep_corrected", json_boolean(h->keep_corrected));
    if (s->res->scr) {
        const psy_eda_config *e = &s->res->scr->config;
        const psy_eda_noise *nz = &s->res->scr->noise;
        json_object_set_new(j, "eda", json_pack(
            "{s:s,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:{s:o,s:o,s:o,s:o,s:f}}", "method",
            psy_eda_method_name(s->res->scr->method), "lowpass_hz", e->lowpass_hz, "analysis_rate_hz",
            s->res->scr->analysis_rate_hz, "min_amplitude_us", e->min_amplitude_us, "noise_factor",
            e->noise_factor, "tau1_s", e->tau1_s, "tau2_s", e->tau2_s, "min_rise_s", e->min_rise_s,
            "max_rise_s", e->max_rise_s, "noise", "noise_us", number(nz->noise_us),
            "noise_max_us", number(nz->noise_max_us), "criterion_us",
            number(nz->criterion_us), "criterion_max_us",
            number(nz->criterion_max_us), "criterion_raised_s", nz->raised_s));
        json_t *ej = json_object_get(j, "eda");
        json_object_set_new(ej, "artifact_rules", cli_eda_artifact_rules_json(e));
        json_object_set_new(ej, "artifacts", cli_eda_artifacts_json(s->res->scr));
    }
    if (s->res->breath_list) json_object_set_new(j, "breaths", breaths_json(s));
    json_object_set_new(j, "edr", json_boolean(o->edr));
    json_t *ch = json_object();
    const char *names[] = {"ecg", "ppg", "eda", "rsp", "hr"};
    int idx[] = {s->res->ecg, s->res->ppg, s->res->eda, s->res->rsp, s->res->hr};
    for (int k = 0; k < 5; k++)
        json_object_set_new(ch, names[k], idx[k] >= 0 ? json_string(psy_reader_channel(s->r, idx[k])->label)
                                                      : json_null());
    json_object_set_new(j, "channels", ch);
    json_object_set_new(j, "heart", heart_json(s));
    if (s->res->n_leads) json_object_set_new(j, "ecg_lead_choice", lead_choice_json(s));
    static const char *const layouts[] = {"auto", "bids", "flat"};
    json_object_set_new(j, "layout", json_string(layouts[o->layout]));
    json_t *in = json_object(), *types = json_array(), *units = json_array(), *trig = json_array();
    for (int i = 0; i < o->in.n_channel_types; i++) json_array_append_new(types, json_string(o->in.channel_types[i]));
    for (int i = 0; i < o->in.n_channel_units; i++) json_array_append_new(units, json_string(o->in.channel_units[i]));
    for (int i = 0; i < o->in.n_triggers; i++) json_array_append_new(trig, json_string(o->in.triggers[i]));
    json_object_set_new(in, "channel_types", types);
    json_object_set_new(in, "units", units);
    json_object_set_new(in, "triggers", trig);
    json_object_set_new(in, "events_offset_s", json_real(o->in.events_offset_s));
    json_object_set_new(in, "events_columns", o->in.events_columns ? json_string(o->in.events_columns) : json_null());
    json_object_set_new(in, "fs", o->in.open.sampling_rate_hz > 0 ? json_real(o->in.open.sampling_rate_hz) : json_null());
    json_object_set_new(in, "override_fs", json_boolean(o->in.open.override_rate));
    static const char *const rate_origins[] = {"file", "given", "overridden"}; /* psy_rate_origin */
    json_object_set_new(in, "rate_origin", json_string(rate_origins[psy_reader_rate_origin(s->r)]));
    json_object_set_new(in, "format", o->in.open.format ? json_string(o->in.open.format) : json_null());
    json_object_set_new(in, "libedf", json_boolean(o->in.open.use_libedf));
    /* The event files read besides the recording (a BIDS run's, paired, and --events): which
       columns gave onset, duration and label, and how many events. */
    json_object_set_new(in, "events_files", cli_events_files_json(&s->events_read));
    char hex[65];
    json_object_set_new(j, "input_options", in);
    if (o->config_path && cli_sha256_file(o->config_path, hex))
        json_object_set_new(j, "config_file", json_pack("{s:s,s:s}", "path", o->config_path, "sha256", hex));
    return j;
}

/* Opens OUTDIR/STEM_NAME.tsv and its sidecar as outputs k and k + 1. */
static int open_table(cli_output *outs, int *n, const char *dir, const char *stem, const char *name,
                      int overwrite)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_%s.tsv", dir, stem, name);
    char *side = cli_sidecar_path_for(path);
    int ok = side && cli_output_open(&outs[(*n)++], path, overwrite) &&
             cli_output_open(&outs[(*n)++], side, overwrite);
    free(side);
    return ok;
}

static int write_sidecar(FILE *fp, json_t *base, const char *table, json_t *extra)
{
    json_t *o = json_deep_copy(base);
    json_object_set_new(o, "table", json_string(table));
    if (extra) json_object_update(o, extra);
    int ok = cli_sidecar_write(o, fp);
    json_decref(o);
    return ok;
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

/* {"column": {"reason": rows}}, in the library's order. */
static json_t *na_json(const psy_na_reasons *na)
{
    json_t *o = json_object();
    for (size_t i = 0; i < na->n; i++) {
        json_t *c = json_object_get(o, na->v[i].column);
        if (!c) json_object_set_new(o, na->v[i].column, c = json_object());
        json_object_set_new(c, na->v[i].reason, json_integer((json_int_t)na->v[i].rows));
    }
    return o;
}

/* One of the session's tables (psy_session_write_table) and its sidecar: the columns where the
 * table's own header does not say them, why its cells are n/a. */
static int write_table(analyze_session *s, const analyze_options *o, psy_session_table t, json_t *base,
                       cli_output *outs, int *n_out, const char *dir, const char *stem)
{
    const char *name = psy_session_table_name(t);
    if (!open_table(outs, n_out, dir, stem, name, o->overwrite)) return 0;
    psy_na_reasons na = {0};
    psy_status st = psy_session_write_table(s->ps, t, outs[*n_out - 2].fp, &na);
    json_t *extra = json_object();
    if (t == PSY_TABLE_EPOCHS) json_object_set_new(extra, "columns", epochs_columns());
    if (t == PSY_TABLE_EPOCH_MEANS) json_object_set_new(extra, "columns", epoch_means_columns());
    if (t == PSY_TABLE_PAT) json_object_set_new(extra, "columns", pat_columns());
    if (t == PSY_TABLE_BREATHS) json_object_set_new(extra, "columns", breaths_columns());
    if (t == PSY_TABLE_SEGMENTS || t == PSY_TABLE_EPOCHS || t == PSY_TABLE_HRV_WINDOWS)
        json_object_set_new(extra, "na_reasons", na_json(&na));
    psy_na_reasons_free(&na);
    int ok = st == PSY_OK && write_sidecar(outs[*n_out - 1].fp, base, name, extra);
    if (st != PSY_OK) cli_error(o->path, "%s table: %s", name, psy_strerror(st));
    json_decref(extra);
    return ok;
}

int analyze_write_outputs(analyze_session *s, const analyze_options *o)
{
    cli_output_place place;
    char why_place[512];
    if (!cli_output_place_for(o->path, o->outdir, o->layout, &place, why_place, sizeof why_place)) {
        cli_error(o->path, "--layout bids: %s", why_place);
        return 0;
    }
    if (!cli_make_dir(place.dir)) return 0;
    cli_output outs[24] = {{0}};
    int n_out = 0, ok = 1;
    if (place.bids) {
        ok = cli_derivative_description_open(o->outdir, &outs[n_out]);
        if (ok && outs[n_out].fp) n_out++;
    }
    json_t *base = ok ? cli_sidecar_new("analyze", o->path, s->r) : NULL;
    ok = base != NULL;
    if (ok) {
        json_object_set_new(base, "settings", analyze_settings_json(s, o));
        cli_sidecar_warnings(base, s->r);
        json_t *warnings = json_object_get(base, "warnings");
        for (size_t i = 0; i < s->res->n_warnings; i++)
            json_array_append_new(warnings, json_string(s->res->warnings[i]));
        json_object_set_new(base, "skipped_events", skipped_json(s->res));
    }
    const char *stem = place.stem, *dir = place.dir;
    if (ok && s->res->beats) {
        ok = open_table(outs, &n_out, dir, stem, "beats", o->overwrite);
        if (ok) {
            cli_write_beats_tsv(outs[n_out - 2].fp, s->res->beats);
            json_t *b = json_object();
            int chs[2] = {s->res->beats_ch, -1};
            if (s->res->heart == PSY_HEART_PPG)
                cli_pulses_sidecar(b, s->r, s->res->ppg, &s->res->pulses_config, s->res->beats);
            else cli_beats_sidecar(b, s->r, chs, &s->res->beats_config, s->res->beats);
            json_object_del(b, "warnings");
            ok = write_sidecar(outs[n_out - 1].fp, base, "beats", b);
            json_decref(b);
        }
    }
    static const psy_session_table tables[] = {PSY_TABLE_SCR,         PSY_TABLE_BREATHS,     PSY_TABLE_SEGMENTS,
                                               PSY_TABLE_EPOCHS,      PSY_TABLE_EPOCH_MEANS, PSY_TABLE_HRV_WINDOWS,
                                               PSY_TABLE_PAT};
    for (size_t k = 0; ok && k < sizeof tables / sizeof tables[0]; k++)
        if (psy_session_has_table(s->ps, tables[k]))
            ok = write_table(s, o, tables[k], base, outs, &n_out, dir, stem);
    json_decref(base);
    if (ok && cli_output_commit_all(outs, n_out)) {
        printf("  wrote %d files to %s/ (%s_*.tsv with .json sidecars)\n", n_out, dir, stem);
        return !o->report || cli_report_stem(dir, stem, o->overwrite) == CLI_OK;
    }
    cli_output_abort_all(outs, n_out);
    return 0;
}
