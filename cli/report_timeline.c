/* The session timeline: heart rate and skin conductance level over the whole recording, with the
 * events as markers and the session phases (segments) shaded. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_sections.h"
#include "svg_plot.h"

static const char *const phase_colours[] = {SVG_SKY, SVG_ORANGE, SVG_GREEN, SVG_PURPLE, SVG_YELLOW, SVG_BLUE};
enum { N_PHASE_COLOURS = 6, MAX_SHADED = 60, MAX_EVENT_LABELS = 24 };

/* Colour of a segment label: by the order of its first appearance. */
static const char *phase_colour(const report_table *s, size_t row, int c_label)
{
    const char *label = report_table_str(s, row, c_label);
    size_t k = 0;
    for (size_t i = 1; i < row; i++) {
        if (!report_first_of_label(s, i, c_label, 1)) continue;
        if (strcmp(report_table_str(s, i, c_label), label) == 0) break;
        k++;
    }
    return phase_colours[k % N_PHASE_COLOURS];
}

static void decorate(svg_plot *p, const report_data *d, report_time tx, int with_labels)
{
    const report_table *s = &d->segments;
    int c_label = report_table_col(s, "label"), c_on = report_table_col(s, "onset"), c_dur = report_table_col(s, "duration");
    if (s->n_rows - 1 <= MAX_SHADED)
        for (size_t i = 1; i < s->n_rows; i++) {
            double a = report_table_num(s, i, c_on), w = report_table_num(s, i, c_dur);
            svg_plot_xband(p, a * tx.per_s, (a + w) * tx.per_s, phase_colour(s, i, c_label), 0.22);
        }
    if (!d->has_epochs) return;
    const report_table *e = &d->epochs;
    int e_label = report_table_col(e, "label"), e_on = report_table_col(e, "onset");
    for (size_t i = 0; i < e->n_rows; i++)
        svg_plot_vline(p, report_table_num(e, i, e_on) * tx.per_s, SVG_VERMILLION, 1,
                       with_labels && e->n_rows <= MAX_EVENT_LABELS ? report_table_str(e, i, e_label) : NULL);
}

static void legend(svg_plot *p, const report_data *d, const svg_legend_item *first)
{
    svg_legend_item items[2 + N_PHASE_COLOURS];
    int n = 0;
    items[n++] = *first;
    if (d->has_epochs && d->epochs.n_rows) items[n++] = (svg_legend_item){"event", SVG_VERMILLION, 3, SVG_CIRCLE};
    const report_table *s = &d->segments;
    int c_label = report_table_col(s, "label");
    if (s->n_rows - 1 <= MAX_SHADED)
        for (size_t i = 1; i < s->n_rows && n < 2 + N_PHASE_COLOURS; i++) {
            if (report_first_of_label(s, i, c_label, 1))
                items[n++] = (svg_legend_item){report_table_str(s, i, c_label), phase_colour(s, i, c_label), 2,
                                               SVG_CIRCLE};
        }
    svg_plot_legend(p, items, n);
}

void report_section_timeline(FILE *fp, const report_data *d, int *plot_id)
{
    fputs("<section id=\"timeline\">\n<h2>Session timeline</h2>\n", fp);
    size_t n_events = d->has_epochs ? d->epochs.n_rows : 0, n_phases = d->segments.n_rows - 1;
    fprintf(fp, "<p class=\"caption\">%zu events (dashed lines%s), %zu session phases (%s).</p>\n", n_events,
            n_events > MAX_EVENT_LABELS ? "; labels in the epochs table" : "", n_phases,
            n_phases > MAX_SHADED ? "too many to shade: see the segments table" : "shaded");
    report_time tx = report_time_axis(d->duration_s);
    svg_axes a = {"Heart rate", tx.label, "heart rate (bpm)", 0, d->duration_s * tx.per_s, 40, 120, 0, 220, 0, 0};
    double *hr = malloc((d->n_nn + 1) * sizeof *hr), *x = NULL, *y = NULL;
    for (size_t i = 0; hr && i < d->n_nn; i++) hr[i] = 60000.0 / d->nn_ms[i];
    size_t n = hr ? report_nn_line(d, hr, tx.per_s, &x, &y) : 0;
    svg_plot p;
    if (n) { /* no plot without a heart rate: a caption says why */
        svg_range(hr, d->n_nn, 0.08, &a.y0, &a.y1);
        svg_plot_begin(&p, fp, &a, "timeline-hr", (*plot_id)++);
        decorate(&p, d, tx, 1);
        svg_plot_line(&p, x, y, n, 0, 0, SVG_BLUE, 1.2, 1);
        legend(&p, d, &(svg_legend_item){"heart rate (corrected NN)", SVG_BLUE, 0, SVG_CIRCLE});
        svg_plot_end(&p);
    } else {
        fputs("<p class=\"caption\">No heart-rate plot: no beats (no ECG or RR channel analysed, or no beat "
              "found).</p>\n", fp);
    }
    free(hr), free(x), free(y);

    svg_axes b = {"Skin conductance level", tx.label, "SCL (µS)", 0, d->duration_s * tx.per_s, 0, 1, 0, 220, 0, 0};
    const psy_eda_result *e = d->eda;
    if (e && e->n_tonic) {
        svg_range(e->tonic_1hz_us, e->n_tonic, 0.08, &b.y0, &b.y1);
        svg_plot_begin(&p, fp, &b, "timeline-scl", (*plot_id)++);
        decorate(&p, d, tx, 0);
        svg_plot_line(&p, NULL, e->tonic_1hz_us, e->n_tonic, 0.5 * tx.per_s, tx.per_s, SVG_GREEN, 1.2, 1);
        legend(&p, d, &(svg_legend_item){"tonic level (1 s means)", SVG_GREEN, 0, SVG_CIRCLE});
        svg_plot_end(&p);
    } else {
        fprintf(fp, "<p class=\"caption\">No skin conductance plot: %s.</p>\n",
                d->rec ? "no EDA channel analysed" : "the recording is not available (see the warnings)");
    }
    fputs("</section>\n", fp);
}
