/* Per event label: the epoch-averaged heart-rate response (change from the pre-event baseline,
 * psy_hr_response_curve) and skin conductance change, each epoch faint behind the mean, over the
 * analysis's window or the block the event opens when longer (a 600-s rest phase is drawn whole).
 * Only the signals the recording has are drawn. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_sections.h"
#include "svg_plot.h"

enum { MAX_LABELS = 12, MAX_GRID_HZ = 10, MAX_POINTS = 2400, MAX_FAINT = 150 };

/* An epoch's plot: from `pre_s` before the event to `post_s` after it, on a grid of grid_hz. */
typedef struct window {
    double pre_s, post_s, grid_hz;
    size_t m;   /* grid points */
    double x0;  /* the first point's time from the event (s) */
} window;

static window window_of(double pre_s, double post_s)
{
    window w = {pre_s, post_s, fmin(MAX_GRID_HZ, MAX_POINTS / (pre_s + post_s)), 0, 0};
    w.m = (size_t)(floor(pre_s * w.grid_hz + 1e-9) + floor(post_s * w.grid_hz + 1e-9)) + 1;
    w.x0 = -floor(pre_s * w.grid_hz + 1e-9) / w.grid_hz;
    return w;
}

/* The length of the block an event opens: its row of the segments table (same label and onset:
 * an event with a duration, or a marker's phase), else 0. */
static double block_of(const report_data *d, const char *label, double onset)
{
    const report_table *s = &d->segments;
    int c_label = report_table_col(s, "label"), c_on = report_table_col(s, "onset"), c_dur = report_table_col(s, "duration");
    for (size_t i = 1; i < s->n_rows; i++)
        if (fabs(report_table_num(s, i, c_on) - onset) < 1e-6 && strcmp(report_table_str(s, i, c_label), label) == 0) {
            double dur = report_table_num(s, i, c_dur);
            return dur > 0 ? dur : 0;
        }
    return 0;
}

/* Skin conductance change from the event's level over the window in 1 / grid_hz bins (bin
 * means); NaN where the recording has no valid sample. 0 when it cannot be read. The signal is
 * read in blocks: a day-long block costs no more memory than a short one. */
static int scr_curve(const report_data *d, double onset, const window *w, double *out)
{
    enum { BLOCK = 65536 };
    const psy_channel_info *c = psy_reader_channel(d->rec, d->eda_ch);
    double t0 = onset + w->x0, t1 = onset + w->post_s + 1.0 / w->grid_hz;
    if (!(t0 >= 0 && t1 * c->rate_hz < 9e18)) return 0;
    int64_t a = (int64_t)floor(t0 * c->rate_hz), z = (int64_t)ceil(t1 * c->rate_hz);
    if (a < 0 || z > c->frames || z <= a) return 0;
    double *x = malloc(BLOCK * sizeof *x), *sum = calloc(w->m, sizeof *sum), *cnt = calloc(w->m, sizeof *cnt);
    int ok = x && sum && cnt;
    for (int64_t at = a; ok && at < z; at += BLOCK) {
        int64_t n = z - at < BLOCK ? z - at : BLOCK;
        ok = psy_reader_read(d->rec, d->eda_ch, at, n, x) == PSY_OK;
        for (int64_t i = 0; ok && i < n; i++) {
            double t = (double)(at + i) / c->rate_hz - onset;
            long k = lround((t - w->x0) * w->grid_hz);
            if (k >= 0 && (size_t)k < w->m && isfinite(x[i])) sum[k] += x[i], cnt[k]++;
        }
    }
    size_t zero = (size_t)lround(-w->x0 * w->grid_hz);
    double ref = ok && zero < w->m && cnt[zero] ? sum[zero] / cnt[zero] : NAN;
    for (size_t k = 0; ok && k < w->m; k++) out[k] = cnt[k] ? sum[k] / cnt[k] - ref : NAN;
    free(x), free(sum), free(cnt);
    return ok && isfinite(ref);
}

/* One plot: every epoch's curve faint, their mean on top. curves: n_ep x m. */
static void plot_curves(FILE *fp, const char *title, const char *ylabel, const char *name, const double *curves,
                        size_t n_ep, const window *w, const char *faint, const char *bold, const report_data *d,
                        int shade_latency, int *plot_id)
{
    size_t m = w->m;
    report_time tx = report_time_axis(w->pre_s + w->post_s);
    char xlabel[48];
    snprintf(xlabel, sizeof xlabel, "time from the event %s", tx.label + 5); /* tx.label: "time (s)" */
    double step = tx.per_s / w->grid_hz, *mean = malloc((m + 1) * sizeof *mean);
    svg_axes a = {title, xlabel, ylabel, w->x0 * tx.per_s, w->x0 * tx.per_s + (double)(m - 1) * step, -1, 1, 340, 220, 0, 0};
    svg_range(curves, n_ep * m, 0.08, &a.y0, &a.y1);
    svg_plot p;
    svg_plot_begin(&p, fp, &a, name, (*plot_id)++);
    if (shade_latency) {
        json_t *lat = report_setting(d, "scr_latency_s", NULL);
        svg_plot_xband(&p, json_number_value(json_array_get(lat, 0)) * tx.per_s,
                       json_number_value(json_array_get(lat, 1)) * tx.per_s, SVG_YELLOW, 0.3);
    }
    svg_plot_vline(&p, 0, SVG_GREY, 1, NULL);
    /* at most MAX_FAINT epochs drawn (evenly chosen; the page stays small), all in the mean */
    size_t drawn = n_ep < MAX_FAINT ? n_ep : MAX_FAINT;
    for (size_t k = 0; k < drawn; k++)
        svg_plot_line(&p, NULL, curves + (k * n_ep / drawn) * m, m, a.x0, step, faint, 0.8, 0.45);
    for (size_t k = 0; mean && k < m; k++) {
        double s = 0;
        size_t c = 0;
        for (size_t e = 0; e < n_ep; e++)
            if (isfinite(curves[e * m + k])) s += curves[e * m + k], c++;
        mean[k] = c ? s / (double)c : NAN;
    }
    if (mean) svg_plot_line(&p, NULL, mean, m, a.x0, step, bold, 2.2, 1);
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

/* The curves of one label's epochs (rows from `first` on with its label): each from its event to
 * the end of its block (at least the analysis's window), NaN beyond. Fills hr / sc (n x m each)
 * and their counts. */
static void label_curves(const report_data *d, size_t first, const window *w, double *hr, size_t *n_hr, double *sc,
                         size_t *n_sc)
{
    const report_table *e = &d->epochs;
    int c_label = report_table_col(e, "label"), c_on = report_table_col(e, "onset");
    int c_base = report_table_col(e, "hr_baseline_bpm"); /* n/a: no response (the table decides) */
    const char *label = report_table_str(e, first, c_label);
    psy_hr_response_config hc = psy_hr_response_config_default();
    hc.pre_s = w->pre_s, hc.post_s = w->post_s, hc.grid_hz = w->grid_hz;
    *n_hr = *n_sc = 0;
    for (size_t j = first; j < e->n_rows; j++) {
        if (strcmp(label, report_table_str(e, j, c_label)) != 0) continue;
        double onset = report_table_num(e, j, c_on), end = fmax(d->post_s, block_of(d, label, onset));
        size_t got = 0, keep = (size_t)(floor((end - w->x0) * w->grid_hz + 1e-9)) + 1;
        int has_hr = c_base < 0 || !isnan(report_table_num(e, j, c_base)); /* e.g. over-corrected */
        if (hr && has_hr &&
            psy_hr_response_curve(d->nn_t, d->nn_ms, d->n_nn, onset, &hc, hr + *n_hr * w->m, w->m, &got) == PSY_OK &&
            got == w->m) {
            for (size_t k = keep; k < w->m; k++) hr[*n_hr * w->m + k] = NAN; /* past its own block */
            (*n_hr)++;
        }
        if (sc && scr_curve(d, onset, w, sc + *n_sc * w->m)) {
            for (size_t k = keep; k < w->m; k++) sc[*n_sc * w->m + k] = NAN;
            (*n_sc)++;
        }
    }
}

void report_section_epochs(FILE *fp, const report_data *d, int *plot_id)
{
    fputs("<section id=\"epochs\">\n<h2>Event-locked responses</h2>\n", fp);
    const report_table *e = &d->epochs;
    int have_hr = d->n_nn > 0, have_sc = d->rec && d->eda_ch >= 0;
    if (!d->has_epochs || !e->n_rows || (!have_hr && !have_sc)) {
        fprintf(fp, "<p class=\"caption\">%s</p>\n</section>\n",
                !d->has_epochs || !e->n_rows ? "No events: no epochs."
                                             : "No heart rate or skin conductance to plot around the events (the "
                                               "epochs are in the table).");
        return;
    }
    if (!(d->pre_s >= 0 && d->post_s > 0 && (d->pre_s + d->post_s) * MAX_GRID_HZ <= 1e5)) {
        fprintf(fp, "<p class=\"caption\">The epoch window (%g s before, %g s after) is too long to plot; the "
                    "epochs are in the table.</p>\n</section>\n", d->pre_s, d->post_s);
        return;
    }
    fprintf(fp, "<p class=\"caption\">From %g s before each event to %g s after it, or to the end of the block it "
                "opens when that is longer (its phase in the segments table). Heart rate as the change from the mean "
                "over the %g s before the event (monotone cubic); skin conductance as the change from the level at "
                "the event (bin means). Faint: single epochs; bold: their mean.%s</p>\n",
            d->pre_s, d->post_s, d->pre_s,
            have_hr ? (have_sc ? "" : " No skin conductance channel: heart rate only.")
                    : " No beats: skin conductance only.");
    int c_label = report_table_col(e, "label"), c_on = report_table_col(e, "onset");
    int shown = 0;
    for (size_t i = 0; i < e->n_rows && shown < MAX_LABELS; i++) {
        const char *label = report_table_str(e, i, c_label);
        if (!report_first_of_label(e, i, c_label, 0)) continue;
        shown++;
        double longest = d->post_s;
        size_t total = 0;
        for (size_t j = i; j < e->n_rows; j++)
            if (strcmp(label, report_table_str(e, j, c_label)) == 0)
                total++, longest = fmax(longest, block_of(d, label, report_table_num(e, j, c_on)));
        window w = window_of(d->pre_s, fmin(longest, 86400));
        double *hr = have_hr ? malloc(total * w.m * sizeof *hr) : NULL, *sc = have_sc ? malloc(total * w.m * sizeof *sc) : NULL;
        size_t n_hr = 0, n_sc = 0;
        label_curves(d, i, &w, hr, &n_hr, sc, &n_sc);
        fputs("<h3>", fp);
        report_html(fp, label);
        fprintf(fp, " (%zu events", total);
        if (w.post_s > d->post_s) fprintf(fp, "; blocks up to %.0f s", w.post_s);
        fputs(")</h3>\n<div class=\"pair\">\n", fp);
        char title[160];
        if (have_hr && n_hr) {
            snprintf(title, sizeof title, "Heart rate: %.60s", label);
            plot_curves(fp, title, "Δ heart rate (bpm)", "epoch-hr", hr, n_hr, &w, SVG_SKY, SVG_BLUE, d, 0, plot_id);
        }
        if (have_sc && n_sc) {
            snprintf(title, sizeof title, "Skin conductance: %.60s", label);
            plot_curves(fp, title, "Δ skin conductance (µS)", "epoch-scr", sc, n_sc, &w, SVG_ORANGE, SVG_VERMILLION, d,
                        1, plot_id);
        }
        fputs("</div>\n", fp);
        if ((have_hr && !n_hr) || (have_sc && !n_sc))
            fprintf(fp, "<p class=\"caption\">No %s%s%s curve: no epoch of this label has the data over its whole "
                        "window.</p>\n", have_hr && !n_hr ? "heart-rate" : "",
                    have_hr && !n_hr && have_sc && !n_sc ? " or " : "", have_sc && !n_sc ? "skin conductance" : "");
        free(hr), free(sc);
    }
    size_t labels = 0;
    for (size_t i = 0; i < e->n_rows; i++) labels += report_first_of_label(e, i, c_label, 0);
    if (labels > MAX_LABELS)
        fprintf(fp, "<p class=\"caption\">The first %d of %zu event labels are shown; all epochs are in the epochs "
                    "table.</p>\n", MAX_LABELS, labels);
    fputs("</section>\n", fp);
}
