/* What the sidecar of a breaths table says (psyphys/breaths_table.h), as `psyphys resp` writes it. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "breaths_internal.h"
#include "psyphys/breaths_table.h"
#include "sidecar_internal.h"

static void set_num(json_t *o, const char *key, double v, const char *why)
{
    json_object_set_new(o, key, psy_json_number(v));
    if (!isfinite(v) && why) {
        char k[64];
        snprintf(k, sizeof k, "%s_n/a_reason", key);
        json_object_set_new(o, k, json_string(why));
    }
}

/* Breaths of the per-breath values v (n) that are numbers. */
static size_t counted(const double *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += !isnan(v[i]);
    return k;
}

/* The RSA and biofeedback keys (README: psyphys resp); r NULL: every value null with the reason
 * why_none. */
void rsa_json(json_t *o, const psy_rsa_result *r, const char *why_none, int neurokit)
{
    const psy_rsa_result none = {.p2t_mean_ms = NAN, .p2t_sd_ms = NAN, .p2t_ln_mean = NAN,
                                 .hr_osc_mean_bpm = NAN, .pb_ln = NAN, .pb_why = why_none,
                                 .hf_band_hz = {NAN, NAN}, .hf_resp_ms2 = NAN, .resonance_hz = NAN,
                                 .resonance_power_ms2 = NAN, .coherence_ratio = NAN, .hf_why = why_none,
                                 .spectrum_why = why_none};
    const psy_rsa_result *x = r ? r : &none;
    const char *few_p2t = !r ? why_none
                          : !x->p2t_n ? "no breath with intervals in both phases"
                                      : BREATHS_FEW_P2T;
    size_t osc = r ? counted(r->hr_osc_bpm, r->n_breaths) : 0;
    set_num(o, "rsa_p2t_mean_ms", x->p2t_mean_ms, few_p2t);
    set_num(o, "rsa_p2t_sd_ms", x->p2t_sd_ms, few_p2t);
    set_num(o, "rsa_p2t_ln_mean", x->p2t_ln_mean, isfinite(x->p2t_mean_ms) ? "no positive mean P2T" : few_p2t);
    json_object_set_new(o, "rsa_p2t_breaths", json_integer((json_int_t)x->p2t_n));
    json_object_set_new(o, "rsa_p2t_no_rsa", json_integer((json_int_t)x->p2t_no_rsa));
    set_num(o, neurokit ? "rsa_pb_ln_bpm2_per_1000" : "rsa_pb_ln_ms2", x->pb_ln, x->pb_why);
    json_object_set_new(o, "rsa_pb_epochs", json_integer((json_int_t)x->pb_epochs));
    set_num(o, "hf_resp_ms2", x->hf_resp_ms2, x->hf_why);
    json_object_set_new(o, "hf_resp_band_hz", r ? json_pack("[f,f]", x->hf_band_hz[0], x->hf_band_hz[1]) : json_null());
    if (!r) json_object_set_new(o, "hf_resp_band_hz_n/a_reason", json_string(why_none));
    set_num(o, "resonance_hz", x->resonance_hz, x->spectrum_why);
    set_num(o, "resonance_power_ms2", x->resonance_power_ms2, x->spectrum_why);
    set_num(o, "coherence_ratio", x->coherence_ratio, x->spectrum_why);
    set_num(o, "hr_osc_mean_bpm", x->hr_osc_mean_bpm, !r ? why_none
                                                    : !osc ? "no breath with 2 intervals"
                                                           : "fewer than " BREATHS_TEXT(PSY_RSA_MIN_BREATHS) " breaths with 2 intervals");
}

psy_status psy_sidecar_set_breaths_summary(psy_sidecar *sc, const char *key, const psy_breath_summary *s,
                                           const psy_rsa_result *rsa, const psy_rsa_config *config)
{
    if (!sc || !key || !s || (rsa && !config)) return PSY_E_INVALID;
    json_t *o = json_object();
    if (!o) return PSY_E_NOMEM;
    json_object_set_new(o, "breaths", json_integer((json_int_t)s->n_breaths));
    json_object_set_new(o, "rate_per_min", psy_json_number(s->rate.per_min));
    if (s->rate.why) json_object_set_new(o, "rate_per_min_n/a_reason", json_string(s->rate.why));
    const char *no_breath = "no breath", *few = "fewer than " BREATHS_TEXT(PSY_RESP_RATE_MIN_BREATHS) " breaths";
    set_num(o, "duration_mean_s", s->duration_mean_s, no_breath);
    set_num(o, "irregularity_cv_pct", s->duration_cv_pct, s->n_breaths ? few : no_breath);
    set_num(o, "depth_median", s->amplitude_median, no_breath);
    set_num(o, "depth_cv_pct", s->amplitude_cv_pct, s->n_breaths ? few : no_breath);
    rsa_json(o, rsa, BREATHS_NO_HEARTBEATS, config && config->pb_neurokit);
    return psy_sidecar_set_new(sc, key, o);
}

psy_status psy_sidecar_set_breaths_settings(psy_sidecar *sc, const char *key, const psy_breath_list *l,
                                            const psy_rsa_config *rsa)
{
    if (!sc || !key || !l) return PSY_E_INVALID;
    const psy_resp_config *c = &l->config;
    json_t *o = json_pack("{s:s,s:f,s:[f,f],s:f,s:f}", "source",
                     l->source == PSY_BREATHS_EDR ? "ecg-derived" : "respiration channel", "detector_rate_hz",
                     l->rate_hz, "band_hz", c->band_low_hz, c->band_high_hz, "hysteresis", c->hysteresis,
                     "min_amplitude", c->min_amplitude);
    if (o && l->modulations) json_object_set_new(o, "edr_modulations", json_string(l->modulations));
    if (o && rsa)
        json_object_set_new(o, "rsa", json_pack(
            "{s:s,s:s,s:[f,f],s:f,s:f,s:f,s:i}", "p2t", rsa->p2t_method == PSY_RSA_P2T_RANGE ?
            "range of the NN intervals within the breath (NeuroKit2)" :
            "longest expiratory NN - shortest inspiratory NN (Grossman 1990), 0 when negative",
            "porges_bohrer", rsa->pb_neurokit ? "heart rate (bpm) at 2 Hz, ln(variance / 1000), partial last epoch "
                                                "(NeuroKit2 0.2.12)"
                                              : "heart period (ms) at 2 Hz, 21-point cubic detrend, ln(variance)",
            "pb_band_hz", rsa->pb_band_hz[0], rsa->pb_band_hz[1], "pb_epoch_s", rsa->pb_epoch_s,
            "slow_breathing_per_min", rsa->slow_breathing_per_min, "resp_band_halfwidth_hz",
            rsa->resp_band_halfwidth_hz, "mean_min_breaths", PSY_RSA_MIN_BREATHS));
    return psy_sidecar_set_new(sc, key, o);
}

psy_status psy_sidecar_set_breaths_rate_windows(psy_sidecar *sc, const char *key, const psy_breath_list *l)
{
    if (!sc || !key || !l || (l->n_rate_windows && !l->rate_windows)) return PSY_E_INVALID;
    if (!l->n_rate_windows) return PSY_OK;
    json_t *o = json_object(), *per = json_array();
    double *rates = malloc(l->n_rate_windows * sizeof *rates);
    if (!o || !per || !rates) {
        json_decref(o), json_decref(per), free(rates);
        return PSY_E_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < l->n_rate_windows; i++) {
        const psy_edr_rate_window *w = &l->rate_windows[i];
        json_t *e = json_pack("{s:f}", "onset", w->onset_s);
        set_num(e, "rate_per_min", w->per_min, w->why);
        json_object_set_new(e, "modulations", json_integer(w->modulations));
        json_object_set_new(e, "agreeing", json_integer(w->agreeing));
        /* the gate's numbers, rounded: the same digits whatever precision a sidecar is printed with */
        json_object_set_new(e, "coherence", psy_json_number(round(w->coherence * 1000) / 1000));
        json_object_set_new(e, "purity_rr", psy_json_number(round(w->purity_rr * 100) / 100));
        json_object_set_new(e, "purity_waveform", psy_json_number(round(w->purity_waveform * 100) / 100));
        json_array_append_new(per, e);
        if (isfinite(w->per_min)) rates[k++] = w->per_min;
    }
    json_object_set_new(o, "method", json_string("per window, the fundamental of the product of the modulations' "
                                                  "frequency-weighted, normalised spectra up to half the heart rate "
                                                  "(frequency domain; the breaths table counts breaths in the time "
                                                  "domain)"));
    json_object_set_new(o, "window_s", json_real(PSY_EDR_RATE_WINDOW_S));
    json_object_set_new(o, "windows", json_integer((json_int_t)l->n_rate_windows));
    json_object_set_new(o, "windows_with_rate", json_integer((json_int_t)k));
    set_num(o, "rate_median_per_min", breaths_median(rates, k), "no window with a rate");
    json_object_set_new(o, "per_window", per);
    free(rates);
    return psy_sidecar_set_new(sc, key, o);
}

psy_status psy_sidecar_set_breaths_columns(psy_sidecar *sc, const char *key)
{
    if (!sc || !key) return PSY_E_INVALID;
    return psy_sidecar_set_new(sc, key, json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}",
                     "onset", "Units", "s", "Description", "start of inspiration (trough before it)",
                     "peak", "Units", "s", "Description", "end of inspiration (the peak)",
                     "duration_s", "Units", "s", "Description", "onset to the next breath's onset",
                     "amplitude", "Units", "channel unit (arbitrary for ECG-derived)", "Description",
                     "peak minus the mean of the two troughs, low-passed signal (band-passed for ECG-derived)",
                     "rate_per_min", "Units", "1/min", "Description", "60 / duration_s",
                     "rsa_p2t_ms", "Units", "ms", "Description",
                     "peak-to-trough RSA (n/a without an ECG; see settings.rsa)",
                     "hr_osc_bpm", "Units", "bpm", "Description",
                     "heart-rate maximum minus minimum within the breath (n/a without an ECG)"));
}

psy_status psy_sidecar_add_breaths_warnings(psy_sidecar *sc, const psy_breath_list *l, const psy_breath_summary *s,
                                            int with_rsa)
{
    if (!sc || !l || !s) return PSY_E_INVALID;
    json_t *warnings = psy_sidecar_warnings_array(sc);
    if (!warnings) return PSY_E_NOMEM;
    if (s->rate.why) json_array_append_new(warnings, json_sprintf("breathing rate n/a: %s", s->rate.why));
    if (l->source == PSY_BREATHS_EDR && with_rsa)
        json_array_append_new(warnings, json_string("the breaths are ECG-derived, partly from the heart rate: RSA "
                                                    "measured against them is partly circular"));
    return PSY_OK;
}
