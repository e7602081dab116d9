/* Breathing: the RSA and biofeedback values of the recording, the breath-by-breath rate over time
 * and a strip of the respiration signal with each breath's start and end of inspiration marked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_sections.h"
#include "svg_plot.h"

#define STRIP_S 60.0 /* a minute: the clinical span of a breathing rate */

/* One value of settings.breaths as a facts row (n/a when missing or null). */
static void fact(FILE *fp, const report_data *d, const char *key, const char *name, int decimals)
{
    json_t *v = report_setting(d, "breaths", key);
    fputs("<tr><th>", fp);
    report_html(fp, name);
    fputs("</th><td>", fp);
    if (json_is_number(v)) fprintf(fp, "%.*f", decimals, json_number_value(v));
    else fputs("n/a", fp);
    fputs("</td></tr>\n", fp);
}

static void values(FILE *fp, const report_data *d)
{
    /* each stands on its own minimum (P2T's mean: 3 breaths; Porges-Bohrer: an epoch; ...) */
    static const char *const keys[] = {"rsa_p2t_mean_ms", "rsa_pb_ln_ms2", "hf_resp_ms2", "resonance_hz",
                                       "resonance_power_ms2", "coherence_ratio", "hr_osc_mean_bpm"};
    int any = 0;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) any |= json_is_number(report_setting(d, "breaths", keys[i]));
    if (!any) {
        fputs("<p class=\"caption\">No RSA or biofeedback values: they need beats and breaths.</p>\n", fp);
        return;
    }
    json_t *band = report_setting(d, "breaths", "hf_resp_band_hz");
    char hf[96] = "HF power in the breathing band (ms²)";
    if (json_array_size(band) == 2)
        snprintf(hf, sizeof hf, "HF power %.2f-%.2f Hz (ms²)", json_number_value(json_array_get(band, 0)),
                 json_number_value(json_array_get(band, 1)));
    fputs("<table class=\"facts\">\n", fp);
    fact(fp, d, "rsa_p2t_mean_ms", "RSA, peak-to-trough (Grossman), mean (ms)", 1);
    fact(fp, d, "rsa_pb_ln_ms2", "RSA, Porges-Bohrer (ln ms²)", 2);
    fact(fp, d, "hf_resp_ms2", hf, 1);
    fact(fp, d, "resonance_hz", "resonance peak, 0.04-0.15 Hz (Hz)", 3);
    fact(fp, d, "resonance_power_ms2", "power at the resonance peak (ms²)", 1);
    fact(fp, d, "coherence_ratio", "coherence ratio (McCraty et al. 2009)", 3);
    fact(fp, d, "hr_osc_mean_bpm", "heart-rate oscillation per breath, mean (bpm)", 2);
    fputs("</table>\n", fp);
}

/* The breath-by-breath rate (60 / duration) at each breath's onset. */
static void rate_plot(FILE *fp, const report_data *d, int *plot_id)
{
    const report_table *b = &d->breaths;
    int c_on = report_table_col(b, "onset"), c_rate = report_table_col(b, "rate_per_min");
    report_time tx = report_time_axis(d->duration_s);
    double *x = malloc((b->n_rows + 1) * sizeof *x), *y = malloc((b->n_rows + 1) * sizeof *y);
    if (!x || !y) {
        free(x), free(y);
        return;
    }
    for (size_t i = 0; i < b->n_rows; i++)
        x[i] = report_table_num(b, i, c_on) * tx.per_s, y[i] = report_table_num(b, i, c_rate);
    svg_axes a = {"Breathing rate, breath by breath", tx.label, "rate (1/min)", 0, d->duration_s * tx.per_s,
                  0, 30, 0, 200, 0, 0};
    if (svg_range(y, b->n_rows, 0.1, &a.y0, &a.y1) && a.y0 > 0) a.y0 = 0;
    svg_plot p;
    svg_plot_begin(&p, fp, &a, "resp-rate", (*plot_id)++);
    svg_plot_line(&p, x, y, b->n_rows, 0, 0, SVG_BLUE, 1.1, 1);
    svg_plot_points(&p, x, y, b->n_rows, SVG_CIRCLE, SVG_BLUE, 4, 0.9);
    svg_legend_item items[] = {{"60 / breath duration", SVG_BLUE, 1, SVG_CIRCLE}};
    svg_plot_legend(&p, items, 1);
    svg_plot_end(&p);
    free(x), free(y);
}

/* The signal at time t (s) of the strip that starts at sample a (y: the strip's samples), or NaN. */
static double strip_at(const double *y, size_t n, double rate_hz, double t0, double t)
{
    double k = round((t - t0) * rate_hz);
    return k >= 0 && k < (double)n ? y[(size_t)k] : NAN;
}

/* A minute of the respiration signal from the first breath, its breaths' onsets and peaks marked. */
static void strip(FILE *fp, const report_data *d, int *plot_id)
{
    const report_table *b = &d->breaths;
    const psy_channel_info *c = psy_reader_channel(d->rec, d->rsp_ch);
    int c_on = report_table_col(b, "onset"), c_pk = report_table_col(b, "peak");
    double t0 = fmax(0, report_table_num(b, 0, c_on) - 2), t1 = fmin(d->duration_s, t0 + STRIP_S);
    int64_t a = (int64_t)floor(t0 * c->rate_hz), z = (int64_t)ceil(t1 * c->rate_hz);
    if (z > c->frames) z = c->frames;
    if (!(z > a)) return;
    size_t n = (size_t)(z - a);
    t0 = (double)a / c->rate_hz;
    double *y = malloc(n * sizeof *y), *ox = malloc((b->n_rows + 1) * sizeof *ox),
           *oy = malloc((b->n_rows + 1) * sizeof *oy), *px = malloc((b->n_rows + 1) * sizeof *px),
           *py = malloc((b->n_rows + 1) * sizeof *py);
    char ylabel[160];
    snprintf(ylabel, sizeof ylabel, "%s (%s)", c->label, c->unit[0] ? c->unit : "?");
    svg_axes ax = {"Respiration with the detected breaths", "time (s)", ylabel, t0, t0 + (double)n / c->rate_hz,
                   -1, 1, 0, 220, 0, 0};
    int ok = y && ox && oy && px && py && psy_reader_read(d->rec, d->rsp_ch, a, (int64_t)n, y) == PSY_OK;
    if (ok) svg_range(y, n, 0.1, &ax.y0, &ax.y1);
    svg_plot p;
    svg_plot_begin(&p, fp, &ax, "resp-strip", (*plot_id)++);
    if (ok) {
        svg_plot_line(&p, NULL, y, n, t0, 1.0 / c->rate_hz, SVG_BLACK, 0.9, 1);
        size_t k = 0;
        for (size_t i = 0; i < b->n_rows; i++) {
            double on = report_table_num(b, i, c_on), pk = report_table_num(b, i, c_pk);
            if (on < t0 || pk > ax.x1) continue;
            ox[k] = on, oy[k] = strip_at(y, n, c->rate_hz, t0, on);
            px[k] = pk, py[k++] = strip_at(y, n, c->rate_hz, t0, pk);
        }
        svg_plot_points(&p, ox, oy, k, SVG_TRIANGLE, SVG_GREEN, 7, 0.9);
        svg_plot_points(&p, px, py, k, SVG_CIRCLE, SVG_VERMILLION, 6, 0.9);
        svg_legend_item items[] = {{"respiration", SVG_BLACK, 0, SVG_CIRCLE},
                                   {"start of inspiration", SVG_GREEN, 1, SVG_TRIANGLE},
                                   {"end of inspiration", SVG_VERMILLION, 1, SVG_CIRCLE}};
        svg_plot_legend(&p, items, 3);
    } else {
        svg_plot_note(&p, "the recording could not be read here");
    }
    svg_plot_end(&p);
    free(y), free(ox), free(oy), free(px), free(py);
}

void report_section_breathing(FILE *fp, const report_data *d, int *plot_id)
{
    fputs("<section id=\"breathing\">\n<h2>Breathing</h2>\n", fp);
    if (!d->has_breaths) {
        fputs("<p class=\"caption\">No breaths: no respiration channel (analyze --edr derives them from the "
              "ECG).</p>\n</section>\n", fp);
        return;
    }
    const char *source = json_string_value(report_setting(d, "breaths", "source"));
    int edr = source && strcmp(source, "ecg-derived") == 0;
    double rate = report_table_num(&d->segments, 0, report_table_col(&d->segments, "resp_rate_per_min"));
    fprintf(fp, "<p class=\"caption\">%zu breaths (%s); rate over the recording ", d->breaths.n_rows,
            edr ? "derived from the ECG: less accurate than a respiration channel" : "respiration channel");
    if (isfinite(rate)) fprintf(fp, "%.1f /min.</p>\n", rate);
    else fputs("n/a (whole breaths spanning under 30 s, or fewer than 3).</p>\n", fp);
    values(fp, d);
    if (d->breaths.n_rows) rate_plot(fp, d, plot_id);
    if (edr || !d->breaths.n_rows) {
        fputs("<p class=\"caption\">No respiration strip: ", fp);
        report_html(fp, edr ? "the breaths are ECG-derived." : "no breath detected.");
        fputs("</p>\n", fp);
    } else if (!d->rec || d->rsp_ch < 0) {
        fputs("<p class=\"caption\">No respiration strip: the recording is not available (see the "
              "warnings).</p>\n", fp);
    } else {
        strip(fp, d, plot_id);
    }
    fputs("</section>\n", fp);
}
