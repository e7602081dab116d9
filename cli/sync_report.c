/* psyphys sync's report page (sync_report.h). The map is drawn as at most MAP_COLUMNS columns
 * (windows averaged per column, lag by lag), so an hour or a day stays small. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg_plot.h"
#include "sync_report.h"

#define MAP_COLUMNS 300

static const char *const seg_fill[2] = {SVG_SKY, SVG_YELLOW};

/* A diverging colour for r in [-1, 1]: blue (negative) - white - vermillion (positive), the
 * Okabe-Ito ends. */
static void colour_of(double r, char out[8])
{
    static const int neg[3] = {0x00, 0x72, 0xB2}, pos[3] = {0xD5, 0x5E, 0x00};
    const int *end = r < 0 ? neg : pos;
    double f = fmin(1, fabs(r));
    int c[3];
    for (int k = 0; k < 3; k++) c[k] = (int)lround(255 + f * (end[k] - 255));
    snprintf(out, 8, "#%02X%02X%02X", c[0], c[1], c[2]);
}

static double px_x(const svg_plot *p, double x)
{
    return p->left + (x - p->x0) / (p->x1 - p->x0) * (p->right - p->left);
}

static double px_y(const svg_plot *p, double y)
{
    return p->bottom - (y - p->y0) / (p->y1 - p->y0) * (p->bottom - p->top);
}

static void shade_segments(svg_plot *p, const sync_report_data *d)
{
    for (size_t g = 1; g < d->n_seg; g++)
        svg_plot_xband(p, d->seg[g].onset_s, d->seg[g].onset_s + d->seg[g].duration_s, seg_fill[g % 2], 0.25);
}

static void segment_lines(svg_plot *p, const sync_report_data *d)
{
    for (size_t g = 1; g < d->n_seg; g++) {
        svg_plot_vline(p, d->seg[g].onset_s, SVG_BLACK, 1, d->seg[g].label);
        svg_plot_vline(p, d->seg[g].onset_s + d->seg[g].duration_s, SVG_BLACK, 1, NULL);
    }
}

static void correlation_map(FILE *fp, const sync_report_data *d, int i, int id)
{
    const psy_sync_result *res = d->res[i];
    const psy_sync_config *c = &res->config;
    char title[128];
    snprintf(title, sizeof title, "%s: r at each lag and time (window %.0f s every %.1f s)",
             psy_sync_signal_name(d->signal[i]), c->window_s, c->step_s);
    svg_axes ax = {title, "window centre, from A's start (s)", "lag (s; > 0: B follows A)", d->t0, d->t1,
                   -c->max_lag_s - 0.5 / c->grid_hz, c->max_lag_s + 0.5 / c->grid_hz, 720, 260, 0, 0};
    svg_plot p;
    svg_plot_begin(&p, fp, &ax, "sync-map", id);
    size_t nw = res->n_windows, nl = res->n_lags, per = (nw + MAP_COLUMNS - 1) / MAP_COLUMNS;
    if (per < 1) per = 1;
    double half = c->window_s / 2, dl = 1 / c->grid_hz, L = c->max_lag_s;
    for (size_t k0 = 0; res->profile && k0 < nw; k0 += per) {
        size_t k1 = k0 + per < nw ? k0 + per : nw;
        double xa = d->t0 + res->windows[k0].onset_s + half - c->step_s / 2;
        double xb = d->t0 + res->windows[k1 - 1].onset_s + half + c->step_s / 2;
        for (size_t l = 0; l < nl; l++) {
            double s = 0;
            size_t m = 0;
            for (size_t k = k0; k < k1; k++)
                if (isfinite(res->profile[k * nl + l])) {
                    s += res->profile[k * nl + l];
                    m++;
                }
            if (!m) continue;
            char col[8];
            colour_of(s / (double)m, col);
            double lag = -L + (double)l * dl, ya = px_y(&p, lag + dl / 2), yb = px_y(&p, lag - dl / 2);
            /* 0.4 px wider and taller: no hairline between neighbouring cells */
            fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", px_x(&p, xa), ya,
                    fmax(0.1, px_x(&p, xb) - px_x(&p, xa)) + 0.4, yb - ya + 0.4, col);
        }
    }
    /* the peaks, and the segments' edges */
    double *x = malloc((nw ? nw : 1) * 2 * sizeof *x);
    if (x) {
        double *y = x + nw;
        for (size_t k = 0; k < nw; k++) {
            x[k] = d->t0 + res->windows[k].onset_s + half;
            y[k] = res->windows[k].lag_s;
        }
        svg_plot_points(&p, x, y, nw, SVG_CIRCLE, SVG_BLACK, 1.5, 0.6);
        free(x);
    }
    segment_lines(&p, d);
    svg_legend_item leg[3] = {{"r = +1", SVG_VERMILLION, 2, SVG_CIRCLE}, {"r = -1", SVG_BLUE, 2, SVG_CIRCLE},
                              {"peak of a window", SVG_BLACK, 1, SVG_CIRCLE}};
    svg_plot_legend(&p, leg, 3);
    if (!res->profile || !nw) svg_plot_note(&p, "no window");
    svg_plot_end(&p);
}

static void peak_plot(FILE *fp, const sync_report_data *d, int i, int id)
{
    const psy_sync_result *res = d->res[i];
    char title[128];
    snprintf(title, sizeof title, "%s: peak r per window, segments shaded", psy_sync_signal_name(d->signal[i]));
    svg_axes ax = {title, "window centre, from A's start (s)", "peak r", d->t0, d->t1, -1, 1, 720, 200, 0, 1};
    svg_plot p;
    svg_plot_begin(&p, fp, &ax, "sync-peaks", id);
    shade_segments(&p, d);
    size_t nw = res->n_windows;
    double *x = malloc((nw ? nw : 1) * 2 * sizeof *x);
    if (x) {
        double *y = x + nw;
        for (size_t k = 0; k < nw; k++) {
            x[k] = d->t0 + res->windows[k].onset_s + res->config.window_s / 2;
            y[k] = res->windows[k].r;
        }
        svg_plot_line(&p, x, y, nw, 0, 0, SVG_BLUE, 1.2, 1);
        free(x);
    }
    svg_plot_end(&p);
}

static void html_text(FILE *fp, const char *s)
{
    svg_text(fp, s);
}

static void put_cell(FILE *fp, double v, int decimals)
{
    if (isfinite(v)) fprintf(fp, "<td>%.*f</td>", decimals, v);
    else fputs("<td>n/a</td>", fp);
}

static void summary_table(FILE *fp, const sync_report_data *d)
{
    fputs("<table class=\"data\"><tr><th>segment</th><th>onset (s)</th><th>duration (s)</th><th>signal</th><th>r</th>"
          "<th>lag (s)</th><th>p</th><th>windows</th><th>concordance</th><th>p</th></tr>\n", fp);
    for (size_t g = 0; g < d->n_seg; g++)
        for (int i = 0; i < d->n_sig; i++) {
            const psy_sync_summary *s = &d->res[i]->spans[g];
            fputs("<tr><td>", fp);
            html_text(fp, d->seg[g].label);
            fprintf(fp, "</td><td>%.1f</td><td>%.1f</td><td>%s</td>", d->seg[g].onset_s, d->seg[g].duration_s,
                    psy_sync_signal_name(d->signal[i]));
            put_cell(fp, s->r, 3);
            put_cell(fp, s->lag_s, 2);
            put_cell(fp, s->p_surrogate, 4);
            fprintf(fp, "<td>%zu</td>", s->n_windows);
            put_cell(fp, s->concordance, 3);
            put_cell(fp, s->p_concordance, 4);
            fputs("</tr>\n", fp);
        }
    fputs("</table>\n", fp);
}

int sync_report_write(FILE *fp, const sync_report_data *d)
{
    report_page_head(fp, "psyphys sync");
    fputs("<h1>Physiological synchrony</h1>\n<p>A: ", fp);
    html_text(fp, d->a);
    fputs("<br>B: ", fp);
    html_text(fp, d->b);
    fprintf(fp, "<br>B starts %+.3f s after A; both cover %.1f s (from %.1f s of A). psyphys %s.</p>\n",
            d->offset_s, d->t1 - d->t0, d->t0, psy_version());
    fputs("<p>Windowed lagged cross-correlation (Boker et al. 2002): each window's r at every lag; the dots are "
          "each window's peak. r of a segment: Fisher-z mean of the window peaks; p: against shifted-run "
          "surrogates (Moulder et al. 2018); concordance: Marci et al. 2007 (skin conductance).</p>\n", fp);
    int id = 0;
    for (int i = 0; i < d->n_sig; i++) {
        fprintf(fp, "<h2>%s</h2>\n", psy_sync_signal_name(d->signal[i]));
        correlation_map(fp, d, i, id++);
        peak_plot(fp, d, i, id++);
    }
    fputs("<h2>Segments</h2>\n", fp);
    summary_table(fp, d);
    fputs("</body></html>\n", fp);
    return !ferror(fp);
}
