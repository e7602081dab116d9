/* What an HRV table's sidecar says (psyphys/hrv_table.h): every setting, with the rules that
 * are not numbers in words, and the counts of the series. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "psyphys/hrv_table.h"
#include "sidecar_internal.h"

static const char *detrend_name(psy_hrv_detrend d)
{
    return d == PSY_HRV_DETREND_NONE ? "none" : d == PSY_HRV_DETREND_LINEAR ? "linear" : "smoothness";
}

psy_status psy_sidecar_set_hrv_settings(psy_sidecar *sc, const char *key, const psy_hrv_config *c, const char *preset,
                                        psy_hrv_correction correct, double window, double step, psy_hrv_window_rule rule)
{
    if (!sc || !key || !c || !preset) return PSY_E_INVALID;
    int pcst_windows = rule == PSY_HRV_WINDOWS_PCST;
    json_t *bands = json_object();
    static const char *const names[PSY_HRV_BAND_COUNT] = {"ulf", "vlf", "lf", "hf", "vhf"};
    for (int b = 0; b < PSY_HRV_BAND_COUNT; b++)
        json_object_set_new(bands, names[b], json_pack("{s:[f,f],s:f}", "hz", c->band_hz[b][0],
                                                       c->band_hz[b][1], "min_length_s", c->band_min_s[b]));
    json_t *o = json_object();
    json_object_set_new(o, "preset", json_string(preset));
    json_object_set_new(o, "correction", json_string(psy_hrv_correction_name(correct)));
    if (correct == PSY_HRV_CORRECT_PCST) {
        psy_rr_pcst_config pc = psy_rr_pcst_config_default();
        json_object_set_new(o, "pcst_cleaning", json_pack(
            "{s:f,s:f,s:f,s:f,s:s}", "gap_ms", pc.gap_ms, "change", pc.change, "lower_ms", pc.lower_ms,
            "upper_ms", pc.upper_ms, "rule",
            "removed in order: NaN or <= 0, >= gap_ms, |RR - median| / median >= change against both the "
            "median of the 5 intervals before and of the 5 after, < lower_ms, > upper_ms (PCST "
            "RRIntervalPreprocess, outliers removed)"));
    }
    json_object_set_new(o, "max_corrected_pct", isfinite(c->max_corrected_pct) ? json_real(c->max_corrected_pct)
                                                                                : json_null());
    json_object_set_new(o, "keep_corrected", json_boolean(c->keep_corrected));
    json_object_set_new(o, "nn_corrected_pct", json_string(
        correct == PSY_HRV_CORRECT_LIPPONEN
            ? "share of each row's NN intervals the correction changed, inserted or interpolated"
            : correct == PSY_HRV_CORRECT_PCST
                  ? "0: PCST's cleaning removes intervals and alters none it keeps (counts.pcst_removed)"
                  : "0: the intervals are analysed as given (--correction none), none corrected"));
    json_object_set_new(o, "window_s", window > 0 ? json_real(window) : json_null());
    json_object_set_new(o, "step_s", window > 0 ? json_real(step) : json_null());
    json_object_set_new(o, "window_rule", json_string(
        pcst_windows ? "PCST: windows from the first beat, every step, while start <= span - window + step; a "
                       "window holds the intervals ending in [start, start + window) and is n/a when they sum "
                       "to less than 85 % of the window"
                     : "windows [start, start + window) from the first beat, every step, complete windows only; "
                       "a window holds the intervals ending in (start, start + window]"));
    const char *pnn_rule = c->successive_across_gaps
                               ? (c->pnn_inclusive ? "|dNN| >= 50 / 20 ms (PCST), also across removed beats"
                                                   : "|dNN| strictly greater than 50 / 20 ms, also across removed beats")
                               : (c->pnn_inclusive ? "|dNN| >= 50 / 20 ms, contiguous intervals only"
                                                   : "|dNN| strictly greater than 50 / 20 ms, contiguous intervals only");
    json_object_set_new(o, "time_domain", json_pack(
        "{s:f,s:s,s:f,s:s,s:f,s:s,s:s}", "histogram_bin_ms", c->hist_bin_ms, "pnn_denominator",
        c->pnn_per_interval ? "intervals (NeuroKit)" : "successive differences (Task Force)",
        "sdann_window_s", c->sdann_window_s, "sdann_windows",
        c->sdann_neurokit ? "NeuroKit (round(total / window) windows, last interval of each dropped)"
                          : "complete windows from the first beat, at least 3",
        "min_geometric_s", c->min_geometric_s, "pnn_rule", pnn_rule,
        "tinn", "least-squares triangle over all histogram bins, apex at the mode (Task Force 1996)"));
    static const struct {
        int flag;
        const char *name;
    } spectra_names[] = {{PSY_HRV_WELCH, "welch"}, {PSY_HRV_LOMB, "lomb"}, {PSY_HRV_AR, "ar"}};
    char spectra_text[32] = "";
    for (int q = 0; q < 3; q++)
        if (c->spectra & spectra_names[q].flag)
            snprintf(spectra_text + strlen(spectra_text), sizeof spectra_text - strlen(spectra_text), "%s%s",
                     spectra_text[0] ? "+" : "", spectra_names[q].name);
    json_object_set_new(o, "frequency_domain", json_pack(
        "{s:s,s:f,s:s,s:s,s:f,s:{s:o,s:f,s:s,s:s,s:i,s:s},s:{s:s,s:f},s:f,s:s,s:s,s:o}",
        "spectra", spectra_text,
        "resample_hz", c->resample_hz,
        "interpolation", c->quadratic_spline ? "quadratic B-spline (scipy interp1d 'quadratic')" : "natural cubic spline",
        "detrend", detrend_name(c->detrend), "lambda", c->lambda,
        "welch", "segment_s", c->welch_segment_s > 0 ? json_real(c->welch_segment_s) : json_string("half the series"),
        "overlap", c->welch_overlap, "taper", "Hann (periodic)",
        "segment_detrend", c->welch_segment_detrend == 2 ? "line" : c->welch_segment_detrend == 1 ? "mean" : "none",
        "nfft_factor", c->welch_nfft_factor, "scaling", "density, one-sided (ms²/Hz)",
        "lomb", "method", c->lomb_pcst ? "PCST (CalcLomb, unnormalised): exact sums on f = k / 1024 Hz, power "
                                         "= sum of P / 1024 (about the variance x the mean heart rate in Hz)"
                                       : "Press & Rybicki 1989 fast algorithm (FFTW), on the uneven NN series minus the trend",
        "oversampling", c->lomb_oversampling, "max_hz", c->max_hz,
        "band_power", c->band_trapz ? "trapezoid over bins lo <= f < hi, bins below 4 fs / N dropped (NeuroKit)"
                      : c->band_closed ? "sum of PSD x df over bins lo <= f <= hi (PCST)"
                                       : "sum of PSD x df over bins lo <= f < hi",
        "total_power", c->total_power_all_bands == 2 ? "ULF + VLF + LF + HF (PCST)"
                       : c->total_power_all_bands ? "sum of ULF..VHF" : "0 .. 0.4 Hz (Task Force)",
        "bands", bands));
    json_object_set_new(json_object_get(o, "frequency_domain"), "ar",
                        json_pack("{s:s,s:i,s:s}", "method", "Burg, on the resampled detrended series", "order",
                                  c->ar_order, "grid", "4097 points over 0 .. max_hz"));
    json_object_set_new(json_object_get(o, "frequency_domain"), "max_gap_pct",
                        c->max_gap_pct > 0 ? json_real(c->max_gap_pct) : json_null());
    json_object_set_new(json_object_get(o, "frequency_domain"), "limits", json_string(
        "n/a with the reason: Welch and AR when gaps in the beats cover more than max_gap_pct of the span, Lomb "
        "more than 3 x; a band more than half below the smoothness-priors detrending's -3 dB cut-off; a band "
        "narrower than 2 / Welch segment Hz (Welch); LF/HF, nu and peaks when the powers are at rounding level"));
    json_object_set_new(o, "nonlinear", json_pack(
        "{s:i,s:f,s:s,s:[i,i],s:[i,i],s:s,s:f,s:i,s:s}", "entropy_m", c->entropy_m, "entropy_r_sd", c->entropy_r_sd,
        "entropy_rule", c->sampen_pcst ? "SampEn as PCST's fastSampen (each template length over all its templates, "
                                         "Chebyshev distance < r, fractions of pairs); ApEn: distance <= r; "
                                         "r = entropy_r_sd x SDNN"
                                       : "Chebyshev distance <= r, r = entropy_r_sd x SDNN",
        "dfa_alpha1_beats", c->dfa1_min, c->dfa1_max, "dfa_alpha2_beats", c->dfa2_min, c->dfa2_max,
        "dfa_windows", c->dfa_overlap ? "half-overlapping" : "non-overlapping",
        "dfa_min_variance_ms2", c->dfa_min_variance,
        "min_nonlinear_nn", (int)c->min_nonlinear_nn,
        "poincare", c->sd2_from_sdnn ? "SD1 = SDSD / sqrt 2, SD2 = sqrt(2 SDNN² - SDSD² / 2) (PCST)"
                                     : "SD1 = SDSD / sqrt 2, SD2 = SD of (NN_i + NN_i+1) / sqrt 2"));
    return psy_sidecar_set_new(sc, key, o);
}

psy_status psy_sidecar_set_hrv_counts(psy_sidecar *sc, const char *key, const psy_hrv_series *s, size_t skipped)
{
    if (!sc || !key || !s) return PSY_E_INVALID;
    json_t *counts = json_pack("{s:I,s:I,s:I,s:I}", "beats", (json_int_t)s->beats, "intervals",
                               (json_int_t)s->n, "corrected", (json_int_t)s->n_corrected, "skipped",
                               (json_int_t)skipped);
    for (int k = 0; counts && k < PSY_BEAT_CLASS_COUNT; k++)
        json_object_set_new(counts, psy_beat_class_name((psy_beat_class)k),
                            json_integer((json_int_t)s->counts.n[k]));
    if (counts && s->correction == PSY_HRV_CORRECT_LIPPONEN)
        json_object_set_new(counts, "left_out", json_integer((json_int_t)s->counts.nn_left_out));
    if (counts && s->correction == PSY_HRV_CORRECT_PCST)
        json_object_set_new(counts, "pcst_removed",
                            json_pack("{s:I,s:I,s:I,s:I,s:I}", "invalid", (json_int_t)s->pcst.invalid, "gaps",
                                      (json_int_t)s->pcst.gaps, "changes", (json_int_t)s->pcst.changes, "too_short",
                                      (json_int_t)s->pcst.too_short, "too_long", (json_int_t)s->pcst.too_long));
    return psy_sidecar_set_new(sc, key, counts);
}
