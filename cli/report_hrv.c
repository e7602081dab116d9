/* Heart rate variability: RR tachogram (raw and corrected), Poincaré plot, Welch and Lomb spectra
 * with the VLF, LF and HF bands shaded (Task Force 1996 band edges, as analysed). */
#include <math.h>
#include <stdlib.h>

#include "report_sections.h"
#include "svg_plot.h"

static void tachogram(FILE *fp, const report_data *d, int *plot_id)
{
    report_time tx = report_time_axis(d->duration_s);
    svg_axes a = {d->pulses ? "pulse interval tachogram" : "RR tachogram", tx.label, "interval (ms)", 0,
                  d->duration_s * tx.per_s, 400, 1200, 0, 220, 0, 0};
    svg_range(d->nn_ms, d->n_nn, 0.15, &a.y0, &a.y1);
    double *rt = malloc((d->n_beats + 1) * sizeof *rt), *nx = NULL, *ny = NULL;
    size_t n = report_nn_line(d, d->nn_ms, tx.per_s, &nx, &ny); /* broken at gaps */
    svg_plot p;
    svg_plot_begin(&p, fp, &a, "tachogram", (*plot_id)++);
    if (rt && n) {
        /* raw RR: n/a (NaN) for the first beat after a gap, so it breaks there too */
        for (size_t i = 0; i < d->n_beats; i++) rt[i] = d->beat_t[i] * tx.per_s;
        svg_plot_line(&p, rt, d->beat_rr, d->n_beats, 0, 0, SVG_ORANGE, 1, 0.9);
        svg_plot_line(&p, nx, ny, n, 0, 0, SVG_BLUE, 1.2, 1);
    }
    svg_legend_item items[] = {{"raw RR", SVG_ORANGE, 0, SVG_CIRCLE}, {"corrected NN", SVG_BLUE, 0, SVG_CIRCLE}};
    svg_plot_legend(&p, items, 2);
    svg_plot_end(&p);
    free(rt), free(nx), free(ny);
}

static void poincare(FILE *fp, const report_data *d, int *plot_id)
{
    size_t n = d->n_nn ? d->n_nn - 1 : 0, m = 0;
    double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
    for (size_t i = 0; x && y && i < n; i++) {
        /* successive intervals only (no pair across a gap) */
        if (fabs(1000 * (d->nn_t[i + 1] - d->nn_t[i]) - d->nn_ms[i + 1]) > 1) continue;
        x[m] = d->nn_ms[i], y[m++] = d->nn_ms[i + 1];
    }
    svg_axes a = {"Poincaré plot", "NN(i) (ms)", "NN(i+1) (ms)", 400, 1200, 400, 1200, 340, 300, 1, 0};
    double lo = 400, hi = 1200;
    if (m && svg_range(x, m, 0.05, &lo, &hi)) a.x0 = a.y0 = lo, a.x1 = a.y1 = hi;
    svg_plot p;
    svg_plot_begin(&p, fp, &a, "poincare", (*plot_id)++);
    double line[2] = {lo - (hi - lo), hi + (hi - lo)};
    svg_plot_line(&p, line, line, 2, 0, 0, SVG_GREY, 1, 1);
    if (m) svg_plot_points(&p, x, y, m, SVG_CIRCLE, SVG_BLUE, 3, 0.5);
    else svg_plot_note(&p, "no successive intervals");
    /* the SD1/SD2 ellipse of the analysis (Brennan et al. 2001): centred on the mean NN, SD2 along
       the line of identity, SD1 across it */
    const report_table *seg = &d->segments;
    double mean = report_table_num(seg, 0, report_table_col(seg, "mean_nn_ms")),
           sd1 = report_table_num(seg, 0, report_table_col(seg, "sd1_ms")),
           sd2 = report_table_num(seg, 0, report_table_col(seg, "sd2_ms"));
    int ellipse = isfinite(mean) && sd1 > 0 && sd2 > 0;
    if (ellipse) {
        double ex[73], ey[73];
        for (int k = 0; k <= 72; k++) {
            double phi = 2 * 3.14159265358979323846 * k / 72, u = sd2 * cos(phi), v = sd1 * sin(phi);
            ex[k] = mean + (u - v) / sqrt(2), ey[k] = mean + (u + v) / sqrt(2);
        }
        svg_plot_line(&p, ex, ey, 73, 0, 0, SVG_VERMILLION, 1.4, 1);
    }
    svg_legend_item items[] = {{"NN pairs", SVG_BLUE, 1, SVG_CIRCLE},
                               {"identity", SVG_GREY, 0, SVG_CIRCLE},
                               {"SD1/SD2", SVG_VERMILLION, 0, SVG_CIRCLE}};
    svg_plot_legend(&p, items, ellipse ? 3 : 2);
    svg_plot_end(&p);
    free(x), free(y);
}

static void spectrum(FILE *fp, const report_data *d, const report_spectrum *s, const char *title, const char *name,
                     int *plot_id)
{
    svg_axes a = {title, "frequency (Hz)", "PSD (ms²/Hz)", 0, 0.5, 0, 1, 340, 240, 0, 0};
    if (s->n) svg_range(s->psd, s->n, 0.05, &a.y0, &a.y1), a.y0 = 0;
    svg_plot p;
    svg_plot_begin(&p, fp, &a, name, (*plot_id)++);
    static const char *const band_colour[] = {NULL, SVG_YELLOW, SVG_SKY, SVG_GREEN};
    for (int b = PSY_HRV_VLF; b <= PSY_HRV_HF; b++)
        svg_plot_xband(&p, d->band_hz[b][0], d->band_hz[b][1], band_colour[b], 0.3);
    if (s->n) svg_plot_line(&p, s->f_hz, s->psd, s->n, 0, 0, SVG_BLACK, 1.1, 1);
    else svg_plot_note(&p, "no spectrum (series too short)");
    svg_legend_item items[] = {
        {"VLF", SVG_YELLOW, 2, SVG_CIRCLE}, {"LF", SVG_SKY, 2, SVG_CIRCLE}, {"HF", SVG_GREEN, 2, SVG_CIRCLE}};
    svg_plot_legend(&p, items, 3);
    svg_plot_end(&p);
}

/* The whole recording's main HRV values (the segments table's first row) beside the Poincaré plot. */
static void key_metrics(FILE *fp, const report_data *d)
{
    static const char *const keys[][2] = {
        {"mean_hr_bpm", "mean HR (bpm)"}, {"mean_nn_ms", "mean NN (ms)"}, {"sdnn_ms", "SDNN (ms)"},
        {"rmssd_ms", "RMSSD (ms)"},       {"pnn50_pct", "pNN50 (%)"},     {"vlf_ms2", "VLF (ms²)"},
        {"lf_ms2", "LF (ms²)"},           {"hf_ms2", "HF (ms²)"},         {"lf_hf", "LF/HF"},
        {"sd1_ms", "SD1 (ms)"},           {"sd2_ms", "SD2 (ms)"},         {"sampen", "SampEn"},
        {"dfa_alpha1", "DFA α1"}};
    fputs("<div class=\"keys\"><table class=\"data\" id=\"hrv-keys\"><thead><tr><th>whole recording</th><th>value</th>"
          "</tr></thead>\n<tbody>\n", fp);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        fprintf(fp, "<tr><td>%s</td><td>", keys[k][1]);
        report_html(fp, report_table_str(&d->segments, 0, report_table_col(&d->segments, keys[k][0])));
        fputs("</td></tr>\n", fp);
    }
    fputs("</tbody></table><p class=\"caption\">Welch values, as in the segments table.</p></div>\n", fp);
}

void report_section_hrv(FILE *fp, const report_data *d, int *plot_id)
{
    fprintf(fp, "<section id=\"hrv\">\n<h2>%s rate variability</h2>\n", d->pulses ? "Pulse" : "Heart");
    const char *prv = d->pulses ? json_string_value(report_setting(d, "heart", "variability")) : NULL;
    if (prv) {
        fputs("<p class=\"caption\">The intervals are a PPG's pulse intervals: ", fp);
        report_html(fp, prv);
        fputs(".</p>\n", fp);
    }
    if (!d->n_nn) {
        fputs("<p class=\"caption\">No NN intervals: no tachogram, Poincaré plot or spectra.</p>\n</section>\n", fp);
        return;
    }
    fprintf(fp, "<p class=\"caption\">%zu %s, %zu NN intervals (%zu corrected). Spectra of the whole corrected "
                "series with the analysis's resampling and detrending; bands VLF %g–%g, LF %g–%g, HF %g–%g Hz.</p>\n",
            d->n_beats, d->pulses ? "pulses" : "beats", d->n_nn, d->nn_corrected_count, d->band_hz[PSY_HRV_VLF][0], d->band_hz[PSY_HRV_VLF][1],
            d->band_hz[PSY_HRV_LF][0], d->band_hz[PSY_HRV_LF][1], d->band_hz[PSY_HRV_HF][0], d->band_hz[PSY_HRV_HF][1]);
    tachogram(fp, d, plot_id);
    fputs("<div class=\"pair\">\n", fp);
    spectrum(fp, d, &d->welch, "Welch spectrum", "welch", plot_id);
    spectrum(fp, d, &d->lomb, "Lomb–Scargle spectrum", "lomb", plot_id);
    poincare(fp, d, plot_id);
    key_metrics(fp, d);
    fputs("</div>\n</section>\n", fp);
}
