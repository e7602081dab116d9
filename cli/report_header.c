/* The report's header: recording, duration, channels, settings, beat quality, warnings. */
#include <math.h>
#include <string.h>

#include "report_sections.h"

static void row(FILE *fp, const char *key, const char *value)
{
    fprintf(fp, "<tr><th>%s</th><td>", key);
    report_html(fp, value ? value : "n/a");
    fputs("</td></tr>\n", fp);
}

static const char *str(json_t *v)
{
    return json_string_value(v);
}

/* HRV, or PRV when the beats are a PPG's pulses. */
static const char *variability_name(const report_data *d) { return d->pulses ? "PRV" : "HRV"; }

void report_section_header(FILE *fp, const report_data *d)
{
    json_t *input = json_object_get(d->sidecar, "input");
    fputs("<header id=\"header\">\n<h1>Quality control: ", fp);
    report_html(fp, d->stem);
    fprintf(fp, "</h1>\n<nav><a href=\"#timeline\">timeline</a> · <a href=\"#ecg\">%s strips</a> · <a href=\"#hrv\">%s</a> · "
                "<a href=\"#eda\">EDA</a> · <a href=\"#epochs\">event-locked responses</a> · <a href=\"#tables\">tables</a></nav>\n"
                "<table class=\"facts\">\n", d->pulses ? "PPG" : "ECG", variability_name(d));
    row(fp, "recording", str(json_object_get(input, "path")));
    row(fp, "format", str(json_object_get(input, "format")));
    row(fp, "start", json_is_string(json_object_get(input, "start")) ? str(json_object_get(input, "start"))
                                                                      : "unknown"); /* null: unknown */
    char text[512];
    long total = lround(d->duration_s);
    snprintf(text, sizeof text, "%.3f s (%ld:%02ld:%02ld)", d->duration_s, total / 3600, total / 60 % 60, total % 60);
    row(fp, "duration", text);
    const char *ecg = str(report_setting(d, "channels", "ecg")), *eda = str(report_setting(d, "channels", "eda")),
               *rsp = str(report_setting(d, "channels", "rsp")), *ppg = str(report_setting(d, "channels", "ppg"));
    snprintf(text, sizeof text, "ECG/RR: %s · EDA: %s · RSP: %s%s%s", ecg ? ecg : "none", eda ? eda : "none",
             rsp ? rsp : "none", ppg ? " · PPG: " : "", ppg ? ppg : "");
    row(fp, "channels used", text);
    if (d->has_beats) {
        size_t normal = 0;
        for (size_t i = 0; d->beat_cls && i < d->n_beats; i++) normal += d->beat_cls[i] == PSY_BEAT_NORMAL;
        char labels[48] = "without labels (classified for the NN series)";
        if (d->beat_cls) snprintf(labels, sizeof labels, "%zu not normal", d->n_beats - normal);
        snprintf(text, sizeof text, "%zu %s, %s; %zu of %zu NN intervals corrected (%.2f %%)",
                 d->n_beats, d->pulses ? "pulses of the PPG (pulse rate variability)" : "beats", labels, d->nn_corrected_count, d->n_nn,
                 d->n_nn ? 100.0 * (double)d->nn_corrected_count / (double)d->n_nn : 0.0);
        row(fp, "beats", text);
    } else {
        row(fp, "beats", "no ECG, RR or PPG channel analysed");
    }
    if (d->has_scr) {
        snprintf(text, sizeof text, "%zu SCRs", d->scr.n_rows);
        row(fp, "skin conductance", text);
    }
    snprintf(text, sizeof text, "%s segments; epochs %g s before to %g s after each event; SCR latency %g–%g s",
             str(report_setting(d, "segments", "rule")) ? str(report_setting(d, "segments", "rule")) : "?",
             d->pre_s, d->post_s, json_number_value(json_array_get(report_setting(d, "scr_latency_s", NULL), 0)),
             json_number_value(json_array_get(report_setting(d, "scr_latency_s", NULL), 1)));
    row(fp, "segments, epochs", text);
    snprintf(text, sizeof text, "%s; resampled at %g Hz; detrending: %s (λ %g); Welch segments %g s, overlap %g",
             str(report_setting(d, "hrv", "spectrum")) ? str(report_setting(d, "hrv", "spectrum")) : "?",
             json_number_value(report_setting(d, "hrv", "resample_hz")),
             str(report_setting(d, "hrv", "detrend")) ? str(report_setting(d, "hrv", "detrend")) : "?",
             json_number_value(report_setting(d, "hrv", "lambda")),
             json_number_value(report_setting(d, "hrv", "welch_segment_s")),
             json_number_value(report_setting(d, "hrv", "welch_overlap")));
    row(fp, variability_name(d), text);
    if (report_setting(d, "eda", NULL)) {
        snprintf(text, sizeof text, "method %s; low-pass %g Hz; SCR ≥ %g µS, rise %g–%g s",
                 str(report_setting(d, "eda", "method")) ? str(report_setting(d, "eda", "method")) : "?",
                 json_number_value(report_setting(d, "eda", "lowpass_hz")),
                 json_number_value(report_setting(d, "eda", "min_amplitude_us")),
                 json_number_value(report_setting(d, "eda", "min_rise_s")),
                 json_number_value(report_setting(d, "eda", "max_rise_s")));
        row(fp, "EDA", text);
    }
    row(fp, "psyphys", str(json_object_get(d->sidecar, "psyphys_version")));
    fputs("</table>\n", fp);
    json_t *warnings = json_object_get(d->sidecar, "warnings");
    size_t nw = json_array_size(warnings);
    fprintf(fp, "<h2>Warnings (%zu)</h2>\n<ul class=\"warnings\">\n", nw + (size_t)d->n_notes);
    for (size_t i = 0; i < nw; i++) {
        fputs("<li>", fp);
        report_html(fp, str(json_array_get(warnings, i)) ? str(json_array_get(warnings, i)) : "");
        fputs("</li>\n", fp);
    }
    for (int i = 0; i < d->n_notes; i++) {
        fputs("<li class=\"note\">report: ", fp);
        report_html(fp, d->notes[i]);
        fputs("</li>\n", fp);
    }
    if (!nw && !d->n_notes) fputs("<li>none</li>\n", fp);
    fputs("</ul>\n</header>\n", fp);
}
