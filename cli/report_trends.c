/* The batch index's per-subject trends: the key markers of each subject's recordings across its
 * sessions, from OUTDIR/group_segments.tsv (each file's first row: the whole recording). One plot
 * per marker, one line per subject (Okabe-Ito colours and marker shapes, the subject named at the
 * end of its line); several files of one subject and session (runs, tasks) are averaged. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_sections.h"
#include "svg_plot.h"

static const struct {
    const char *column, *title, *unit;
} markers[] = {
    {"mean_hr_bpm", "Mean heart rate", "bpm"}, {"rmssd_ms", "RMSSD", "ms"},  {"sdnn_ms", "SDNN", "ms"},
    {"hf_ms2", "HF power", "ms²"},             {"scl_us", "Skin conductance level", "µS"},
    {"scr_count", "SCRs", "count"},
};
enum { N_MARKERS = sizeof markers / sizeof markers[0] };

static const char *const colours[] = {SVG_BLUE, SVG_VERMILLION, SVG_GREEN, SVG_ORANGE, SVG_PURPLE, SVG_SKY, SVG_BLACK};
static const svg_marker shapes[] = {SVG_CIRCLE, SVG_TRIANGLE, SVG_SQUARE, SVG_CROSS};
enum { N_COLOURS = sizeof colours / sizeof colours[0], N_SHAPES = sizeof shapes / sizeof shapes[0] };

/* Natural order: digit runs compare as numbers ("2" < "10"), the rest byte by byte. */
static int natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0' && isdigit((unsigned char)a[1])) a++;
            while (*b == '0' && isdigit((unsigned char)b[1])) b++;
            size_t la = 0, lb = 0;
            while (isdigit((unsigned char)a[la])) la++;
            while (isdigit((unsigned char)b[lb])) lb++;
            if (la != lb) return la < lb ? -1 : 1;
            int c = strncmp(a, b, la);
            if (c) return c;
            a += la, b += lb;
        } else {
            if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++, b++;
        }
    }
    return *a ? 1 : *b ? -1 : 0;
}

static int by_natural(const void *a, const void *b)
{
    return natural_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct values of `names` (n of them), sorted naturally, into *out (pointers into names). */
static size_t distinct(const char **names, size_t n, const char ***out)
{
    const char **v = malloc((n + 1) * sizeof *v);
    if (!v) return 0;
    memcpy(v, names, n * sizeof *v);
    qsort(v, n, sizeof *v, by_natural);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || strcmp(v[k - 1], v[i]) != 0) v[k++] = v[i];
    *out = v;
    return k;
}

static size_t index_of(const char *const *v, size_t n, const char *s)
{
    const char *const *hit = bsearch(&s, v, n, sizeof *v, by_natural);
    return hit ? (size_t)(hit - v) : n;
}

/* The whole-recording rows with a subject and a session: their row numbers. */
static size_t recording_rows(const report_table *g, size_t *rows)
{
    int c_file = report_table_col(g, "file"), c_sub = report_table_col(g, "subject"),
        c_ses = report_table_col(g, "session");
    size_t n = 0;
    for (size_t r = 0; r < g->n_rows; r++) {
        if (r && strcmp(report_table_str(g, r, c_file), report_table_str(g, r - 1, c_file)) == 0) continue;
        const char *sub = report_table_str(g, r, c_sub), *ses = report_table_str(g, r, c_ses);
        if (*sub && *ses && strcmp(sub, "n/a") != 0 && strcmp(ses, "n/a") != 0) rows[n++] = r;
    }
    return n;
}

/* One marker's plot: per subject its per-session means (NaN where it has none), joined. */
static int marker_plot(FILE *fp, const report_table *g, const size_t *rows, size_t n, const char *const *subs,
                       size_t n_sub, const char *const *sess, size_t n_ses, int m, int *plot_id)
{
    int c_sub = report_table_col(g, "subject"), c_ses = report_table_col(g, "session"),
        c_val = report_table_col(g, markers[m].column);
    double *sum = calloc(n_sub * n_ses, sizeof *sum), *cnt = calloc(n_sub * n_ses, sizeof *cnt);
    double *x = malloc((n_ses + 1) * sizeof *x), *y = malloc((n_ses + 1) * sizeof *y);
    int drawn = 0;
    if (!sum || !cnt || !x || !y || c_val < 0) goto done;
    for (size_t i = 0; i < n; i++) {
        double v = report_table_num(g, rows[i], c_val);
        size_t s = index_of(subs, n_sub, report_table_str(g, rows[i], c_sub)),
               e = index_of(sess, n_ses, report_table_str(g, rows[i], c_ses));
        if (isfinite(v) && s < n_sub && e < n_ses) sum[s * n_ses + e] += v, cnt[s * n_ses + e]++;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n_sub * n_ses; k++)
        if (cnt[k]) sum[k] /= cnt[k], lo = fmin(lo, sum[k]), hi = fmax(hi, sum[k]);
    if (!(lo <= hi)) goto done; /* no file has this marker: no empty box */
    char ylabel[64];
    snprintf(ylabel, sizeof ylabel, "%s (%s)", markers[m].title, markers[m].unit);
    svg_axes a = {markers[m].title, "session", ylabel, -0.5, (double)n_ses - 0.5, lo, hi, 340, 220, 0, 1};
    double both[2] = {lo, hi};
    svg_range(both, 2, 0.1, &a.y0, &a.y1);
    a.x1 += 0.6; /* room for the subjects' names at the right end */
    svg_plot p;
    svg_plot_begin_categories(&p, fp, &a, sess, (int)n_ses, "trend", (*plot_id)++);
    for (size_t s = 0; s < n_sub; s++) {
        size_t k = 0;
        for (size_t e = 0; e < n_ses; e++)
            if (cnt[s * n_ses + e]) x[k] = (double)e, y[k++] = sum[s * n_ses + e];
        const char *colour = colours[s % N_COLOURS];
        svg_plot_line(&p, x, y, k, 0, 0, colour, 1.3, 0.9);
        svg_plot_points(&p, x, y, k, shapes[(s / N_COLOURS) % N_SHAPES], colour, 6, 0.9);
        if (k) svg_plot_label(&p, x[k - 1], y[k - 1], colour, subs[s]);
    }
    svg_plot_end(&p);
    drawn = 1;
done:
    free(sum), free(cnt), free(x), free(y);
    return drawn;
}

void report_section_trends(FILE *fp, const char *outdir, int *plot_id)
{
    char path[4096], why[256];
    snprintf(path, sizeof path, "%s/group_segments.tsv", outdir);
    report_table g;
    if (!report_table_load(path, &g, why, sizeof why)) return; /* no group tables: no trends */
    size_t *rows = malloc((g.n_rows + 1) * sizeof *rows);
    const char **sub_of = malloc((g.n_rows + 1) * sizeof *sub_of), **ses_of = malloc((g.n_rows + 1) * sizeof *ses_of);
    const char **subs = NULL, **sess = NULL;
    size_t n = rows ? recording_rows(&g, rows) : 0, n_sub = 0, n_ses = 0;
    for (size_t i = 0; sub_of && ses_of && i < n; i++) {
        sub_of[i] = report_table_str(&g, rows[i], report_table_col(&g, "subject"));
        ses_of[i] = report_table_str(&g, rows[i], report_table_col(&g, "session"));
    }
    if (sub_of && ses_of && n) n_sub = distinct(sub_of, n, &subs), n_ses = distinct(ses_of, n, &sess);
    fputs("<section id=\"trends\">\n<h2>Per-subject trends across sessions</h2>\n", fp);
    if (n_ses < 2) {
        fputs("<p class=\"caption\">No trends: the group tables hold fewer than two sessions with a subject (a BIDS "
              "archive names them sub-X/ses-Y; others map their folders with psyphys batch --subject-pattern).</p>\n",
              fp);
    } else {
        fprintf(fp, "<p class=\"caption\">The whole recording's markers of %zu subjects over %zu sessions (group_"
                    "segments.tsv), one line per subject, named at its end; several files of a subject and session "
                    "averaged.</p>\n<div class=\"pair\">\n", n_sub, n_ses);
        int missing = 0;
        for (int m = 0; m < N_MARKERS; m++)
            missing += !marker_plot(fp, &g, rows, n, subs, n_sub, sess, n_ses, m, plot_id);
        fputs("</div>\n", fp);
        if (missing) fprintf(fp, "<p class=\"caption\">%d markers without a value in any file are not plotted.</p>\n",
                             missing);
    }
    fputs("</section>\n", fp);
    free(rows), free(sub_of), free(ses_of), free((void *)subs), free((void *)sess);
    report_table_free(&g);
}
