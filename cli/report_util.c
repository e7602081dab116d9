/* Helpers shared by the QC report's sections: time axes, signal reduction, HTML text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_sections.h"
#include "svg_plot.h"

report_time report_time_axis(double duration_s)
{
    if (duration_s <= 600) return (report_time){1.0, "time (s)"};
    if (duration_s <= 3 * 3600) return (report_time){1.0 / 60, "time (min)"};
    return (report_time){1.0 / 3600, "time (h)"};
}

size_t report_nn_line(const report_data *d, const double *y, double per_s, double **x, double **yo)
{
    *x = malloc((2 * d->n_nn + 1) * sizeof **x), *yo = malloc((2 * d->n_nn + 1) * sizeof **yo);
    if (!*x || !*yo) {
        free(*x), free(*yo);
        *x = *yo = NULL;
        return 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < d->n_nn; i++) {
        if (i && d->nn_run_start[i]) (*x)[n] = d->nn_t[i] * per_s, (*yo)[n++] = NAN;
        (*x)[n] = d->nn_t[i] * per_s, (*yo)[n++] = y[i];
    }
    return n;
}

int report_first_of_label(const report_table *t, size_t row, int col, size_t first)
{
    for (size_t j = first; j < row; j++)
        if (strcmp(report_table_str(t, row, col), report_table_str(t, j, col)) == 0) return 0;
    return 1;
}

void report_html(FILE *fp, const char *s)
{
    svg_text(fp, s);
}

/* Per time bin: the first, lowest, highest and last finite sample, emitted in time order. */
typedef struct reducer {
    double *x, *y, rate;
    size_t n, cap;
    int have;
    int64_t keep[4];
    double val[4];
} reducer;

static void put(reducer *r, double x, double y)
{
    if (r->n < r->cap) r->x[r->n] = x, r->y[r->n++] = y;
}

static void flush(reducer *r)
{
    if (!r->have) return;
    int lo = r->keep[1] < r->keep[2] ? 1 : 2, order[4] = {0, lo, 3 - lo, 3};
    for (int k = 0; k < 4; k++)
        if (!k || r->keep[order[k]] != r->keep[order[k - 1]])
            put(r, (double)r->keep[order[k]] / r->rate, r->val[order[k]]);
    r->have = 0;
}

static void add(reducer *r, int64_t s, double v)
{
    if (!isfinite(v)) { /* a gap: the line breaks */
        flush(r);
        if (r->n && !isnan(r->y[r->n - 1])) put(r, (double)s / r->rate, NAN);
        return;
    }
    if (!r->have) {
        r->have = 1;
        for (int k = 0; k < 4; k++) r->keep[k] = s, r->val[k] = v;
        return;
    }
    if (v < r->val[1]) r->keep[1] = s, r->val[1] = v;
    if (v > r->val[2]) r->keep[2] = s, r->val[2] = v;
    r->keep[3] = s, r->val[3] = v;
}

int report_signal_reduce(psy_reader *rd, int ch, double t0_s, double t1_s, size_t columns, double **xo,
                         double **yo, size_t *n_out)
{
    const psy_channel_info *c = psy_reader_channel(rd, ch);
    *xo = *yo = NULL, *n_out = 0;
    if (!c || !(c->rate_hz > 0) || !(t1_s > t0_s) || !columns) return 0;
    int64_t a = (int64_t)fmax(0, floor(t0_s * c->rate_hz));
    int64_t z = (int64_t)fmin((double)c->frames, ceil(t1_s * c->rate_hz));
    enum { BLOCK = 65536 };
    reducer r = {NULL, NULL, c->rate_hz, 0, 10 * columns, 0, {0}, {0}};
    r.x = malloc(r.cap * sizeof *r.x), r.y = malloc(r.cap * sizeof *r.y);
    double *buf = malloc(BLOCK * sizeof *buf);
    int ok = r.x && r.y && buf;
    double bin_s = (t1_s - t0_s) / (double)columns;
    long col = -1;
    for (int64_t at = a; ok && at < z; at += BLOCK) {
        int64_t m = z - at < BLOCK ? z - at : BLOCK;
        ok = psy_reader_read(rd, ch, at, m, buf) == PSY_OK;
        for (int64_t i = 0; ok && i < m; i++) {
            long b = (long)floor(((double)(at + i) / c->rate_hz - t0_s) / bin_s);
            if (b != col) flush(&r), col = b;
            add(&r, at + i, buf[i]);
        }
    }
    flush(&r);
    free(buf);
    if (!ok) {
        free(r.x), free(r.y);
        return 0;
    }
    *xo = r.x, *yo = r.y, *n_out = r.n;
    return 1;
}
