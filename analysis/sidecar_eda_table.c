/* What the sidecars of `psyphys eda`'s tables say (psyphys/eda_table.h): the channel, every
 * setting with its rule in words, the summary, the warnings, each table's columns. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "psyphys/eda_table.h"
#include "sidecar_internal.h"

psy_status psy_sidecar_set_eda_settings(psy_sidecar *sc, const char *key, const psy_eda_result *res, double lat_min,
                                        double lat_max)
{
    if (!sc || !key || !res) return PSY_E_INVALID;
    const psy_eda_config *c = &res->config;
    json_t *o = json_object();
    json_object_set_new(o, "method", json_string(psy_eda_method_name(res->method)));
    json_object_set_new(o, "preprocessing", json_pack(
        "{s:s,s:f,s:f,s:f,s:[f,f],s:f,s:f}", "lowpass",
        "two 2nd-order Butterworth sections at min(lowpass_hz, 0.35 rate), skipped below 0.2 Hz; "
        "times corrected for its group delay", "lowpass_hz", c->lowpass_hz, "analysis_rate_target_hz",
        c->analysis_rate_hz, "analysis_rate_hz", res->analysis_rate_hz, "valid_range_us", c->min_us,
        c->max_us, "max_slope_us_per_s", c->max_slope_us_per_s, "flat_s", c->flat_s));
    psy_sidecar rules = {o};
    psy_sidecar_set_eda_artifact_rules(&rules, "artifacts", c);
    if (res->method == PSY_EDA_FAST)
        json_object_set_new(o, "decomposition", json_pack(
            "{s:s,s:f}", "method", "phasic = causal 2nd-order Butterworth high-pass; tonic = "
            "low-passed signal minus phasic", "highpass_hz", c->highpass_hz));
    else
        json_object_set_new(o, "decomposition", json_pack(
            "{s:s,s:f,s:f,s:f,s:f,s:f}", "method",
            "deconvolution by the unit-area Bateman response with Gaussian smoothing (FFTW); tonic "
            "driver = quantile of the driver per grid window, linear between window centres "
            "(Benedek & Kaernbach 2010, J Neurosci Methods 190:80-91)",
            "tau1_s", c->tau1_s, "tau2_s", c->tau2_s, "smooth_sigma_s", c->smooth_s, "tonic_grid_s",
            c->tonic_grid_s, "tonic_quantile", c->tonic_quantile));
    json_object_set_new(o, "scr", json_pack(
        "{s:s,s:f,s:f,s:f,s:f,s:[f,f],s:f,s:f}", "criteria",
        "candidates where the first-order driver (level + tau2 x slope) rises; onset at the knee of "
        "the rise (the trough on a falling level); amplitude = peak minus the baseline extrapolated "
        "from the slope before the onset, >= min_amplitude_us; a trough-to-peak rise of the level of "
        "min_amplitude_us (less 3 sd of the noise); rise time within rise_time_s; the amplitude on "
        "the level averaged over +-0.5 s >= noise_factor x the standard deviation the sensor noise "
        "gives that measurement",
        "min_amplitude_us", c->min_amplitude_us, "noise_factor", c->noise_factor,
        "relative_amplitude", c->relative_amplitude,
        "hysteresis_us", c->hysteresis_us > 0 ? c->hysteresis_us : fmin(0.5 * c->min_amplitude_us, 0.005),
        "rise_time_s", c->min_rise_s, c->max_rise_s, "recovery_max_s", c->recovery_max_s,
        "baseline_s", c->baseline_s));
    json_object_set_new(o, "event_related", json_pack("{s:[f,f],s:s}", "latency_window_s", lat_min,
                                                      lat_max, "rule",
                                                      "largest SCR whose onset lies in the window; "
                                                      "amplitude 0 when none; n/a when the window was "
                                                      "not wholly valid signal (artefact, missing "
                                                      "samples, outside the recording)"));
    return psy_sidecar_set_new(sc, key, o);
}

/* whole: psy_eda_summarize over the whole channel (NS-SCRs: outside every event's latency window,
 * all of them without events), the same rate the --segments table gives a span. */
psy_status psy_sidecar_set_eda_summary(psy_sidecar *sc, const char *key, const psy_eda_result *r,
                                       const psy_eda_summary *whole, int with_artifacts)
{
    if (!sc || !key || !r || !whole) return PSY_E_INVALID;
    json_t *o = json_object();
    if (!o) return PSY_E_NOMEM;
    json_object_set_new(o, "scl_us", psy_json_number(r->scl_us));
    json_object_set_new(o, "ns_scr_per_min", psy_json_number(isnan(r->scl_us) ? NAN : whole->ns_scr_per_min));
    int analysed = !isnan(r->scl_us); /* else nothing was: no count, not a zero one */
    json_object_set_new(o, "scr_count", analysed ? json_integer((json_int_t)r->n) : json_null());
    json_object_set_new(o, "ns_scr_count", analysed ? json_integer((json_int_t)whole->ns_scr_count) : json_null());
    json_object_set_new(o, "scr_amplitude_mean_us", psy_json_number(r->scr_amplitude_mean_us));
    json_object_set_new(o, "scr_amplitude_sum_us", psy_json_number(r->scr_amplitude_sum_us));
    json_object_set_new(o, "phasic_driver_area_us_s", psy_json_number(r->phasic_driver_area_us_s));
    json_object_set_new(o, "duration_s", json_real(r->duration_s));
    json_object_set_new(o, "valid_s", json_real(r->valid_s));
    json_object_set_new(o, "excluded_s", json_real(fmax(0, r->duration_s - r->valid_s)));
    const psy_eda_noise *nz = &r->noise;
    json_object_set_new(o, "noise", json_pack(
        "{s:o,s:o,s:o,s:o,s:f}", "noise_us", psy_json_number(nz->noise_us), "noise_max_us",
        psy_json_number(nz->noise_max_us), "criterion_us", psy_json_number(nz->criterion_us),
        "criterion_max_us", psy_json_number(nz->criterion_max_us), "criterion_raised_s", nz->raised_s));
    if (r->why_na[0]) json_object_set_new(o, "n/a_reason", json_string(r->why_na));
    else if (whole->ns_scr_per_min_na) json_object_set_new(o, "n/a_reason", json_string(whole->ns_scr_per_min_na));
    if (r->method == PSY_EDA_FAST)
        json_object_set_new(o, "phasic_driver_area_n/a_reason", json_string("deconv method only"));
    if (with_artifacts) {
        psy_sidecar with = {o};
        psy_sidecar_set_eda_artifacts(&with, "artifacts", r);
    }
    return psy_sidecar_set_new(sc, key, o);
}

static void warn(json_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(json_t *w, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    json_array_append_new(w, json_string(text));
}

/* Warnings a person must see: flagged stretches, impossible units, n/a values. */
psy_status psy_sidecar_add_eda_warnings(psy_sidecar *sc, const psy_eda_result *r, const psy_reader *reader, int ch)
{
    if (!sc || !r || !reader || ch < 0 || ch >= psy_reader_channel_count(reader)) return PSY_E_INVALID;
    const psy_channel_info *c = psy_reader_channel(reader, ch);
    json_t *w = psy_sidecar_warnings_array(sc);
    if (!w) return PSY_E_NOMEM;
    const psy_eda_artifacts *a = &r->artifacts;
    double dt = 1.0 / r->analysis_rate_hz, total = (double)a->total;
    if (c->type != PSY_CH_EDA)
        warn(w, "channel '%s' is typed %s (unit '%s'): its values are taken as uS", c->label,
             psy_channel_type_name(c->type), c->unit);
    if (total > 0 && (double)a->above_max > 0.5 * total)
        warn(w, "%.0f %% of the samples are above %.0f uS: these values cannot be skin conductance "
             "in uS (nS or kOhm?); declare the unit with --unit LABEL=UNIT",
             100.0 * (double)a->above_max / total, r->config.max_us);
    if (a->below_min > 0)
        warn(w, "%.1f s at or below %g uS (contact lost, electrode disconnected, or a wrong unit): "
             "not used", (double)a->below_min * dt, r->config.min_us);
    if (a->drop > 0)
        warn(w, "%.1f s of sudden drops below %g of the last second's level (contact or pressure "
             "artefacts): not used", (double)a->drop * dt, r->config.drop_fraction);
    if (a->near > 0)
        warn(w, "%.1f s within %g s of an artefact: not used (no SCR scored, not in the valid "
             "minutes of the NS-SCR rate)", (double)a->near * dt, r->config.artifact_radius_s);
    if (a->spike > 0)
        warn(w, "%.1f s with spikes repaired (excursions that return within %g s: motion or contact)",
             (double)a->spike * dt, r->config.spike_max_s);
    if (a->flat > 0)
        warn(w, "%.1f s flat (no change for %.0f s: disconnected or saturated): not used",
             (double)a->flat * dt, r->config.flat_s);
    if (a->slope > 0)
        warn(w, "%.1f s with slopes steeper than %g uS/s (movement artefacts): not used",
             (double)a->slope * dt, r->config.max_slope_us_per_s);
    if (a->missing > 0) warn(w, "%.1f s missing (NaN)", (double)a->missing * dt);
    if (r->why_na[0]) warn(w, "n/a values: %s", r->why_na);
    return PSY_OK;
}

psy_status psy_sidecar_add_eda_events(psy_sidecar *sc, const psy_reader *reader, const psy_eda_events *ev)
{
    if (!sc || !reader || !ev) return PSY_E_INVALID;
    json_t *w = psy_sidecar_warnings_array(sc), *skipped = json_array();
    if (!w || !skipped) {
        json_decref(skipped);
        return PSY_E_NOMEM;
    }
    for (size_t i = 0; i < ev->n_events; i++) {
        const psy_event *e = psy_reader_event(reader, i);
        if (ev->skipped[i].text[0]) {
            warn(w, "event '%s' at %.3f s skipped: %s", e->label, e->onset_s, ev->skipped[i].text);
            json_array_append_new(skipped, json_pack("{s:s,s:f,s:s,s:s}", "label", e->label, "onset_s", e->onset_s,
                                                     "source", psy_event_source_name(e->source), "reason",
                                                     ev->skipped[i].text));
        } else if (ev->has_epoch[i] && ev->epochs[i].na_reason)
            warn(w, "epoch '%s' at %.3f s: SCR n/a (%s)", e->label, e->onset_s, ev->epochs[i].na_reason);
    }
    if (!ev->n_events) { /* nothing to skip: the sidecar of a recording without events as it was */
        json_decref(skipped);
        return PSY_OK;
    }
    return psy_sidecar_set_new(sc, "skipped_events", skipped);
}

static json_t *scr_columns(void)
{
    return json_pack(
        "{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}",
        "onset", "Units", "s", "Description", "SCR onset from the recording start",
        "peak_onset", "Units", "s", "Description", "SCR peak from the recording start",
        "amplitude_us", "Units", "uS", "Description", "peak minus the extrapolated pre-onset baseline",
        "rise_time_s", "Units", "s", "Description", "peak_onset - onset",
        "half_recovery_s", "Units", "s", "Description",
        "from the peak to half the amplitude (n/a: not reached before the next SCR or within recovery_max_s)");
}

static json_t *epochs_columns(void)
{
    return json_pack(
        "{s:{s:s},s:{s:s,s:s},s:{s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}",
        "label", "Description", "the event's label", "onset", "Units", "s", "Description",
        "the event's onset from the recording start", "scr_found", "Description",
        "1 when an SCR has its onset in the latency window after the event, else 0; n/a when the window was not "
        "observed", "scr_amplitude_us", "Units", "uS", "Description",
        "amplitude of the largest SCR with its onset in the latency window; 0 when none; n/a when the window was "
        "not wholly valid signal (artefact, missing samples, outside the recording: see the warnings)",
        "scr_latency_s", "Units", "s", "Description", "its onset minus the event's onset (n/a when none)",
        "scr_rise_time_s", "Units", "s", "Description", "its rise time (n/a when none)", "scr_peak_onset", "Units",
        "s", "Description", "its peak from the recording start (n/a when none)", "scl_baseline_us", "Units", "uS",
        "Description", "mean tonic level over the second before the event");
}

static json_t *segments_columns(void)
{
    return json_pack("{s:s,s:s}", "rows", "one per event with a duration (a session phase)", "metrics",
                     "as the --json summary, over the seconds of the phase");
}

psy_status psy_sidecar_set_eda_columns(psy_sidecar *sc, const char *key, psy_eda_table table)
{
    if (!sc || !key || table < 0 || table >= PSY_EDA_TABLE_COUNT) return PSY_E_INVALID;
    return psy_sidecar_set_new(sc, key, table == PSY_EDA_TABLE_SCR      ? scr_columns()
                                        : table == PSY_EDA_TABLE_EPOCHS ? epochs_columns()
                                                                        : segments_columns());
}

psy_status psy_sidecar_set_eda_channel(psy_sidecar *sc, const char *key, const psy_reader *reader, int ch)
{
    if (!sc || !key || !reader || ch < 0 || ch >= psy_reader_channel_count(reader)) return PSY_E_INVALID;
    const psy_channel_info *c = psy_reader_channel(reader, ch);
    return psy_sidecar_set_new(sc, key, json_pack("{s:s,s:i,s:s,s:s,s:s,s:f}", "label", c->label, "index", ch,
                                                  "type", psy_channel_type_name(c->type), "unit", c->unit,
                                                  "file_unit", c->file_unit, "rate_hz", c->rate_hz));
}

psy_status psy_sidecar_set_eda_unit_conversion(psy_sidecar *sc, const char *key, const psy_reader *reader, int ch)
{
    if (!sc || !key || !reader || ch < 0 || ch >= psy_reader_channel_count(reader)) return PSY_E_INVALID;
    const psy_channel_info *c = psy_reader_channel(reader, ch);
    return psy_sidecar_set_new(sc, key, json_pack(
        "{s:s,s:s,s:f}", "file_unit", c->file_unit, "kind",
        c->conversion == PSY_CONV_RECIPROCAL ? "reciprocal: uS = scale / file value (resistance)"
        : c->conversion == PSY_CONV_SCALE    ? "scale: uS = file value x scale"
                                             : "none",
        "scale", c->conversion == PSY_CONV_NONE ? 1.0 : c->conversion_scale));
}
