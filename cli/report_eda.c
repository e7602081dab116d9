/* Electrodermal activity: the skin conductance signal with its tonic level and the SCR onsets and
 * peaks of the analysis, and the phasic driver (Benedek & Kaernbach 2010 deconvolution). */
#include <math.h>
#include <stdlib.h>

#include "report_sections.h"
#include "svg_plot.h"

/* The signal at time t (s), or NaN. */
static double level_at(const report_data *d, double t)
{
    const psy_channel_info *c = psy_reader_channel(d->rec, d->eda_ch);
    int64_t s = (int64_t)llround(t * c->rate_hz);
    double v = NAN;
    if (s >= 0 && s < c->frames && psy_reader_read(d->rec, d->eda_ch, s, 1, &v) != PSY_OK) v = NAN;
    return v;
}

void report_section_eda(FILE *fp, const report_data *d, int *plot_id)
{
    fputs("<section id=\"eda\">\n<h2>Electrodermal activity</h2>\n", fp);
    if (!d->rec || d->eda_ch < 0 || !d->eda) {
        fputs("<p class=\"caption\">No skin conductance plots: ", fp);
        report_html(fp, !d->rec ? "the recording is not available (see the warnings)." : "no EDA channel analysed.");
        fputs("</p>\n</section>\n", fp);
        return;
    }
    report_time tx = report_time_axis(d->duration_s);
    double *x = NULL, *y = NULL;
    size_t n = 0;
    int ok = report_signal_reduce(d->rec, d->eda_ch, 0, d->duration_s, 700, &x, &y, &n);
    fprintf(fp, "<p class=\"caption\">%zu SCRs (method %s). Signal reduced for display to the extremes of each "
                "pixel column.</p>\n",
            d->has_scr ? d->scr.n_rows : d->eda->n, psy_eda_method_name(d->eda->method));
    const psy_eda_noise *nz = &d->eda->noise;
    if (!isnan(nz->noise_us))
        fprintf(fp, "<p class=\"caption\">Sensor noise %.1f nS (median; largest %.1f nS): SCR amplitude "
                    "criterion %.3f µS (up to %.3f µS; above the %.3f µS floor for %.0f s).</p>\n",
                1e3 * nz->noise_us, 1e3 * nz->noise_max_us, nz->criterion_us, nz->criterion_max_us,
                d->eda->config.min_amplitude_us, nz->raised_s);
    const psy_eda_artifacts *art = &d->eda->artifacts;
    double dt = 1.0 / d->eda->analysis_rate_hz;
    double excluded = (double)psy_eda_artifacts_excluded(art) * dt;
    if (excluded > 0 || art->spike > 0)
        fprintf(fp, "<p class=\"caption\">Artefacts (Kleckner et al. 2018 rules): %.1f s excluded from SCR "
                    "scoring and the NS-SCR rate (%.1f %%): out of range %.1f s, too steep %.1f s, flat "
                    "%.1f s, drops %.1f s, within %.0f s of them %.1f s, missing %.1f s; spikes repaired in "
                    "%.1f s.</p>\n",
                excluded, 100.0 * excluded / fmax(d->duration_s, 1e-9), (double)art->out_of_range * dt,
                (double)art->slope * dt, (double)art->flat * dt, (double)art->drop * dt,
                d->eda->config.artifact_radius_s, (double)art->near * dt, (double)art->missing * dt,
                (double)art->spike * dt);
    svg_axes a = {"Skin conductance", tx.label, "skin conductance (µS)", 0, d->duration_s * tx.per_s, 0, 1, 0, 240, 0, 0};
    if (ok) svg_range(y, n, 0.06, &a.y0, &a.y1);
    for (size_t i = 0; ok && i < n; i++) x[i] *= tx.per_s;
    svg_plot p;
    svg_plot_begin(&p, fp, &a, "eda", (*plot_id)++);
    if (ok) svg_plot_line(&p, x, y, n, 0, 0, SVG_BLACK, 1, 1);
    else svg_plot_note(&p, "the recording could not be read here");
    svg_plot_line(&p, NULL, d->eda->tonic_1hz_us, d->eda->n_tonic, 0.5 * tx.per_s, tx.per_s, SVG_ORANGE, 1.4, 1);
    if (d->has_scr) {
        const report_table *s = &d->scr;
        int c_on = report_table_col(s, "onset"), c_pk = report_table_col(s, "peak_onset");
        double *ox = malloc((s->n_rows + 1) * sizeof *ox), *oy = malloc((s->n_rows + 1) * sizeof *oy);
        double *px = malloc((s->n_rows + 1) * sizeof *px), *py = malloc((s->n_rows + 1) * sizeof *py);
        for (size_t i = 0; ox && oy && px && py && i < s->n_rows; i++) {
            double on = report_table_num(s, i, c_on), pk = report_table_num(s, i, c_pk);
            ox[i] = on * tx.per_s, oy[i] = level_at(d, on);
            px[i] = pk * tx.per_s, py[i] = level_at(d, pk);
        }
        if (ox && oy && px && py) {
            svg_plot_points(&p, ox, oy, s->n_rows, SVG_TRIANGLE, SVG_GREEN, 7, 0.9);
            svg_plot_points(&p, px, py, s->n_rows, SVG_CIRCLE, SVG_VERMILLION, 6, 0.9);
        }
        free(ox), free(oy), free(px), free(py);
    }
    svg_legend_item items[] = {{"skin conductance", SVG_BLACK, 0, SVG_CIRCLE},
                               {"tonic level", SVG_ORANGE, 0, SVG_CIRCLE},
                               {"SCR onset", SVG_GREEN, 1, SVG_TRIANGLE},
                               {"SCR peak", SVG_VERMILLION, 1, SVG_CIRCLE}};
    svg_plot_legend(&p, items, 4);
    svg_plot_end(&p);
    free(x), free(y);

    const psy_eda_result *dr = d->eda->phasic_area_1hz_us_s ? d->eda : d->driver;
    if (!dr || !dr->phasic_area_1hz_us_s) { /* no empty plot: say why */
        fputs("<p class=\"caption\">No phasic driver plot: the deconvolution failed (see the warnings).</p>\n"
              "</section>\n", fp);
        return;
    }
    svg_axes b = {"Phasic driver (deconvolution, Benedek & Kaernbach 2010)", tx.label, "driver (µS)", 0,
                  d->duration_s * tx.per_s, 0, 1, 0, 180, 0, 0};
    svg_range(dr->phasic_area_1hz_us_s, dr->n_tonic, 0.06, &b.y0, &b.y1), b.y0 = 0;
    svg_plot_begin(&p, fp, &b, "eda-driver", (*plot_id)++);
    svg_plot_line(&p, NULL, dr->phasic_area_1hz_us_s, dr->n_tonic, 0.5 * tx.per_s, tx.per_s, SVG_PURPLE, 1.1, 1);
    svg_legend_item di[] = {{"positive phasic driver, 1 s means", SVG_PURPLE, 0, SVG_CIRCLE}};
    svg_plot_legend(&p, di, 1);
    svg_plot_end(&p);
    fputs("</section>\n", fp);
}
