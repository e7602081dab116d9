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

static json_t *json_num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
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
    const psy_hrv_config *h = &s->hrv_cfg;
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
    if (s->scr) {
        const psy_eda_config *e = &s->scr->config;
        const psy_eda_noise *nz = &s->scr->noise;
        json_object_set_new(j, "eda", json_pack(
            "{s:s,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:{s:o,s:o,s:o,s:o,s:f}}", "method",
            psy_eda_method_name(s->scr->method), "lowpass_hz", e->lowpass_hz, "analysis_rate_hz",
            s->scr->analysis_rate_hz, "min_amplitude_us", e->min_amplitude_us, "noise_factor",
            e->noise_factor, "tau1_s", e->tau1_s, "tau2_s", e->tau2_s, "min_rise_s", e->min_rise_s,
            "max_rise_s", e->max_rise_s, "noise", "noise_us", json_num_or_null(nz->noise_us),
            "noise_max_us", json_num_or_null(nz->noise_max_us), "criterion_us",
            json_num_or_null(nz->criterion_us), "criterion_max_us",
            json_num_or_null(nz->criterion_max_us), "criterion_raised_s", nz->raised_s));
        json_t *ej = json_object_get(j, "eda");
        json_object_set_new(ej, "artifact_rules", cli_eda_artifact_rules_json(e));
        json_object_set_new(ej, "artifacts", cli_eda_artifacts_json(s->scr));
    }
    json_t *ch = json_object();
    const char *names[] = {"ecg", "eda", "rsp", "hr"};
    int idx[] = {s->ecg, s->eda, s->rsp, s->hr};
    for (int k = 0; k < 4; k++)
        json_object_set_new(ch, names[k], idx[k] >= 0 ? json_string(psy_reader_channel(s->r, idx[k])->label)
                                                      : json_null());
    json_object_set_new(j, "channels", ch);
    if (s->n_leads) json_object_set_new(j, "ecg_lead_choice", analyze_lead_choice_json(s));
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

int analyze_write_outputs(analyze_session *s, const analyze_options *o)
{
    cli_output_place place;
    char why_place[512];
    if (!cli_output_place_for(o->path, o->outdir, o->layout, &place, why_place, sizeof why_place)) {
        cli_error(o->path, "--layout bids: %s", why_place);
        return 0;
    }
    if (!cli_make_dir(place.dir)) return 0;
    cli_output outs[16] = {{0}};
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
        json_array_extend(json_object_get(base, "warnings"), s->warnings);
        json_object_set(base, "skipped_events", s->skipped);
    }
    const char *stem = place.stem, *dir = place.dir;
    if (ok && s->beats) {
        ok = open_table(outs, &n_out, dir, stem, "beats", o->overwrite);
        if (ok) {
            cli_write_beats_tsv(outs[n_out - 2].fp, s->beats);
            json_t *b = json_object();
            int chs[2] = {s->ecg, -1};
            cli_beats_sidecar(b, s->r, chs, &s->beats_cfg, s->beats);
            json_object_del(b, "warnings");
            ok = write_sidecar(outs[n_out - 1].fp, base, "beats", b);
            json_decref(b);
        }
    }
    if (ok && s->scr) {
        ok = open_table(outs, &n_out, dir, stem, "scr", o->overwrite);
        if (ok) {
            analyze_write_scr(outs[n_out - 2].fp, s->scr);
            ok = write_sidecar(outs[n_out - 1].fp, base, "scr", NULL);
        }
    }
    if (ok) ok = open_table(outs, &n_out, dir, stem, "segments", o->overwrite);
    if (ok) {
        json_t *extra = json_object(), *na = json_object();
        analyze_write_segments(outs[n_out - 2].fp, s, o, na);
        json_object_set_new(extra, "na_reasons", na);
        ok = write_sidecar(outs[n_out - 1].fp, base, "segments", extra);
        json_decref(extra);
    }
    if (ok && s->n_rows) {
        ok = open_table(outs, &n_out, dir, stem, "epochs", o->overwrite) &&
             open_table(outs, &n_out, dir, stem, "epoch-means", o->overwrite);
        if (ok) {
            json_t *extra = json_pack("{s:o}", "columns", analyze_epochs_columns()), *na = json_object();
            analyze_write_epochs(outs[n_out - 4].fp, s, na);
            json_object_set_new(extra, "na_reasons", na);
            analyze_write_epoch_means(outs[n_out - 2].fp, s);
            json_t *means = json_pack("{s:o}", "columns", analyze_epoch_means_columns());
            ok = write_sidecar(outs[n_out - 3].fp, base, "epochs", extra) &&
                 write_sidecar(outs[n_out - 1].fp, base, "epoch-means", means);
            json_decref(extra);
            json_decref(means);
        }
    }
    if (ok && s->n_win) {
        ok = open_table(outs, &n_out, dir, stem, "hrv-windows", o->overwrite);
        if (ok) {
            json_t *extra = json_object(), *na = json_object();
            analyze_write_hrv_windows(outs[n_out - 2].fp, s, o, na);
            json_object_set_new(extra, "na_reasons", na);
            ok = write_sidecar(outs[n_out - 1].fp, base, "hrv-windows", extra);
            json_decref(extra);
        }
    }
    json_decref(base);
    if (ok && cli_output_commit_all(outs, n_out)) {
        printf("  wrote %d files to %s/ (%s_*.tsv with .json sidecars)\n", n_out, dir, stem);
        return !o->report || cli_report_stem(dir, stem, o->overwrite) == CLI_OK;
    }
    cli_output_abort_all(outs, n_out);
    return 0;
}
