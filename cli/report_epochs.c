/* Per event label: the epoch-averaged heart-rate response (change from the pre-event baseline,
 * psy_hr_response_curve) and skin conductance change, each epoch faint behind the mean. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_sections.h"
#include "svg_plot.h"

enum { MAX_LABELS = 12, GRID_HZ = 10, MAX_FAINT = 150 };

/* Skin conductance change from the event's level over [-pre, post] in 1 / GRID_HZ bins (bin
 * means); NaN where the recording has no valid sample. 0 when it cannot be read. */
static int scr_curve(const report_data *d, double onset, double *out, size_t m)
{
    const psy_channel_info *c = psy_reader_channel(d->rec, d->eda_ch);
    double t0 = onset - d->pre_s, t1 = onset + d->post_s + 1.0 / GRID_HZ;
    if (!(t0 >= 0 && t1 * c->rate_hz < 9e18)) return 0;
    int64_t a = (int64_t)floor(t0 * c->rate_hz), z = (int64_t)ceil(t1 * c->rate_hz);
    if (a < 0 || z > c->frames || z <= a) return 0;
    double *x = malloc((size_t)(z - a) * sizeof *x), *sum = calloc(m, sizeof *sum), *cnt = calloc(m, sizeof *cnt);
    int ok = x && sum && cnt && psy_reader_read(d->rec, d->eda_ch, a, z - a, x) == PSY_OK;
    for (int64_t i = 0; ok && i < z - a; i++) {
        double t = (double)(a + i) / c->rate_hz - onset;
        long k = lround((t + d->pre_s) * GRID_HZ);
        if (k >= 0 && (size_t)k < m && isfinite(x[i])) sum[k] += x[i], cnt[k]++;
    }
    size_t zero = (size_t)lround(d->pre_s * GRID_HZ);
    double ref = ok && zero < m && cnt[zero] ? sum[zero] / cnt[zero] : NAN;
    for (size_t k = 0; ok && k < m; k++) out[k] = cnt[k] ? sum[k] / cnt[k] - ref : NAN;
    free(x), free(sum), free(cnt);
    return ok && isfinite(ref);
}

/* One plot: every epoch's curve faint, their mean on top. curves: n_ep x m. */
static void plot_curves(FILE *fp, const char *title, const char *ylabel, const char *name, const double *curves,
                        size_t n_ep, size_t m, double x0, const char *faint, const char *bold, const report_data *d,
                        int shade_latency, int *plot_id)
{
    double *mean = malloc((m + 1) * sizeof *mean);
    svg_axes a = {title, "time from the event (s)", ylabel, x0, x0 + (double)(m - 1) / GRID_HZ, -1, 1, 340, 220, 0, 0};
    if (n_ep) svg_range(curves, n_ep * m, 0.08, &a.y0, &a.y1);
    svg_plot p;
    svg_plot_begin(&p, fp, &a, name, (*plot_id)++);
    if (shade_latency) {
        json_t *lat = report_setting(d, "scr_latency_s", NULL);
        svg_plot_xband(&p, json_number_value(json_array_get(lat, 0)), json_number_value(json_array_get(lat, 1)),
                       SVG_YELLOW, 0.3);
    }
    svg_plot_vline(&p, 0, SVG_GREY, 1, NULL);
    /* at most MAX_FAINT epochs drawn (evenly chosen; the page stays small), all in the mean */
    size_t drawn = n_ep < MAX_FAINT ? n_ep : MAX_FAINT;
    for (size_t k = 0; k < drawn; k++)
        svg_plot_line(&p, NULL, curves + (k * n_ep / drawn) * m, m, x0, 1.0 / GRID_HZ, faint, 0.8, 0.45);
    for (size_t k = 0; mean && k < m; k++) {
        double s = 0;
        size_t c = 0;
        for (size_t e = 0; e < n_ep; e++)
            if (isfinite(curves[e * m + k])) s += curves[e * m + k], c++;
        mean[k] = c ? s / (double)c : NAN;
    }
    if (n_ep && mean) svg_plot_line(&p, NULL, mean, m, x0, 1.0 / GRID_HZ, bold, 2.2, 1);
    if (!n_ep) svg_plot_note(&p, "no epoch with data");
    char mean_label[48], faint_label[48];
    snprintf(mean_label, sizeof mean_label, "mean of %zu", n_ep);
    if (drawn < n_ep) snprintf(faint_label, sizeof faint_label, "%zu of the epochs", drawn);
    else snprintf(faint_label, sizeof faint_label, "epoch");
    svg_legend_item items[] = {{faint_label, faint, 0, SVG_CIRCLE}, {mean_label, bold, 0, SVG_CIRCLE},
                               {"SCR window", SVG_YELLOW, 2, SVG_CIRCLE}};
    svg_plot_legend(&p, items, shade_latency ? 3 : 2);
    svg_plot_end(&p);
    free(mean);
}

void report_section_epochs(FILE *fp, const report_data *d, int *plot_id)
{
    fputs("<section id=\"epochs\">\n<h2>Event-locked responses</h2>\n", fp);
    const report_table *e = &d->epochs;
    if (!d->has_epochs || !e->n_rows) {
        fputs("<p class=\"caption\">No events: no epochs.</p>\n</section>\n", fp);
        return;
    }
    if (!(d->pre_s >= 0 && d->post_s > 0 && (d->pre_s + d->post_s) * GRID_HZ <= 1e5)) {
        fprintf(fp, "<p class=\"caption\">The epoch window (%g s before, %g s after) is too long to plot; the "
                    "epochs are in the table.</p>\n</section>\n", d->pre_s, d->post_s);
        return;
    }
    int c_label = report_table_col(e, "label"), c_on = report_table_col(e, "onset");
    psy_hr_response_config hc = psy_hr_response_config_default();
    hc.pre_s = d->pre_s, hc.post_s = d->post_s, hc.grid_hz = GRID_HZ;
    size_t m = (size_t)(floor(d->pre_s * GRID_HZ + 1e-9) + floor(d->post_s * GRID_HZ + 1e-9)) + 1;
    double x0 = -floor(d->pre_s * GRID_HZ + 1e-9) / GRID_HZ;
    double *hr = malloc(e->n_rows * m * sizeof *hr), *sc = malloc(e->n_rows * m * sizeof *sc);
    if (!hr || !sc) {
        free(hr), free(sc);
        fputs("<p class=\"caption\">Out of memory.</p>\n</section>\n", fp);
        return;
    }
    fprintf(fp, "<p class=\"caption\">Heart rate as the change from the mean over the %g s before the event "
                "(monotone cubic at %d Hz); skin conductance as the change from the level at the event (%d Hz bin "
                "means). Faint: single epochs; bold: their mean.</p>\n",
            d->pre_s, GRID_HZ, GRID_HZ);
    int shown = 0;
    for (size_t i = 0; i < e->n_rows && shown < MAX_LABELS; i++) {
        const char *label = report_table_str(e, i, c_label);
        if (!report_first_of_label(e, i, c_label, 0)) continue;
        shown++;
        size_t n_hr = 0, n_sc = 0, total = 0;
        for (size_t j = i; j < e->n_rows; j++) {
            if (strcmp(label, report_table_str(e, j, c_label)) != 0) continue;
            total++;
            double onset = report_table_num(e, j, c_on);
            size_t got = 0;
            if (d->n_nn && psy_hr_response_curve(d->nn_t, d->nn_ms, d->n_nn, onset, &hc, hr + n_hr * m, m, &got) == PSY_OK &&
                got == m)
                n_hr++;
            if (d->rec && d->eda_ch >= 0 && scr_curve(d, onset, sc + n_sc * m, m)) n_sc++;
        }
        fputs("<h3>", fp);
        report_html(fp, label);
        fprintf(fp, " (%zu events)</h3>\n<div class=\"pair\">\n", total);
        char title[160];
        snprintf(title, sizeof title, "Heart rate: %.60s", label);
        plot_curves(fp, title, "Δ heart rate (bpm)", "epoch-hr", hr, n_hr, m, x0, SVG_SKY, SVG_BLUE, d, 0, plot_id);
        snprintf(title, sizeof title, "Skin conductance: %.60s", label);
        plot_curves(fp, title, "Δ skin conductance (µS)", "epoch-scr", sc, n_sc, m, x0, SVG_ORANGE, SVG_VERMILLION, d,
                    1, plot_id);
        fputs("</div>\n", fp);
    }
    size_t labels = 0;
    for (size_t i = 0; i < e->n_rows; i++) labels += report_first_of_label(e, i, c_label, 0);
    if (labels > MAX_LABELS)
        fprintf(fp, "<p class=\"caption\">The first %d of %zu event labels are shown; all epochs are in the epochs "
                    "table.</p>\n", MAX_LABELS, labels);
    free(hr), free(sc);
    fputs("</section>\n", fp);
}
