/* SVG plots for the QC report (see svg_plot.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svg_plot.h"

void svg_text(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        default: fputc(*s, fp);
        }
    }
}

int svg_range(const double *v, size_t n, double pad, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) a = fmin(a, v[i]), b = fmax(b, v[i]);
    if (!(a <= b)) return 0;
    double span = b - a;
    if (span <= 0) span = a != 0 ? fabs(a) / 5 : 2, pad = 0.5;
    *lo = a - pad * span, *hi = b + pad * span;
    return 1;
}

static double px_x(const svg_plot *p, double x)
{
    double v = p->left + (x - p->x0) / (p->x1 - p->x0) * (p->right - p->left);
    return fmax(-1e4, fmin(1e4, v));
}

static double px_y(const svg_plot *p, double y)
{
    double v = p->bottom - (y - p->y0) / (p->y1 - p->y0) * (p->bottom - p->top);
    return fmax(-1e4, fmin(1e4, v));
}

/* A 1-2-5 step giving about `target` ticks over span. */
static double tick_step(double span, int target)
{
    double raw = span / target, mag = pow(10, floor(log10(raw))), norm = raw / mag;
    return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

static void tick_label(char *buf, size_t size, double v, double step)
{
    if (fabs(v) < step * 1e-6) v = 0; /* no "-0" */
    if (step >= 1e5 || step < 1e-4) { /* 3e7, 2.5e-5: short enough for the axis */
        char tmp[32], *e;
        snprintf(tmp, sizeof tmp, "%.3g", v);
        if ((e = strchr(tmp, 'e'))) {
            const char *x = e + 1;
            int neg = *x == '-';
            if (*x == '+' || *x == '-') x++;
            while (*x == '0' && x[1]) x++;
            snprintf(buf, size, "%.*se%s%s", (int)(e - tmp), tmp, neg ? "-" : "", x);
        } else {
            snprintf(buf, size, "%s", tmp);
        }
        return;
    }
    int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    snprintf(buf, size, "%.*f", decimals, v);
}

static void begin(svg_plot *p, FILE *fp, const svg_axes *a, const char *const *x_names, int n_x_names,
                  const char *name, int id)
{
    memset(p, 0, sizeof *p);
    p->fp = fp, p->id = id;
    p->width = a->width > 0 ? a->width : 720;
    p->height = a->height > 0 ? a->height : 240;
    p->left = 62, p->right = p->width - 14, p->top = a->title ? 26 : 10;
    p->bottom = p->height - (a->no_legend ? 38 : 54); /* ticks, axis label, legend row */
    p->x0 = a->x0, p->x1 = a->x1 > a->x0 ? a->x1 : a->x0 + 1;
    p->y0 = a->y0, p->y1 = a->y1 > a->y0 ? a->y1 : a->y0 + 1;
    if (a->equal_xy) { /* widen the range whose unit is longer on screen */
        double sx = (p->right - p->left) / (p->x1 - p->x0), sy = (p->bottom - p->top) / (p->y1 - p->y0);
        if (sx > sy) {
            double mid = (p->x0 + p->x1) / 2, half = (p->right - p->left) / sy / 2;
            p->x0 = mid - half, p->x1 = mid + half;
        } else {
            double mid = (p->y0 + p->y1) / 2, half = (p->bottom - p->top) / sx / 2;
            p->y0 = mid - half, p->y1 = mid + half;
        }
    }
    fprintf(fp, "<svg class=\"plot\" data-plot=\"");
    svg_text(fp, name);
    fprintf(fp, "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">\n",
            p->width, p->height);
    if (a->title) {
        fprintf(fp, "<text class=\"title\" x=\"%.1f\" y=\"16\">", p->left);
        svg_text(fp, a->title);
        fputs("</text>\n", fp);
    }
    fprintf(fp, "<rect class=\"area\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n", p->left,
            p->top, p->right - p->left, p->bottom - p->top);
    char buf[32];
    double sx = tick_step(p->x1 - p->x0, (int)((p->right - p->left) / 90) + 1);
    if (x_names) /* categories: every k-th name, as many as fit */
        sx = ceil(n_x_names / fmax(1, floor((p->right - p->left) / 60)));
    for (double v = ceil(p->x0 / sx) * sx; v <= p->x1 + sx * 1e-9; v += sx) {
        double x = px_x(p, v);
        long k = lround(v);
        if (x_names && (k < 0 || k >= n_x_names)) continue;
        fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, p->top, x,
                p->bottom + 4);
        fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, p->bottom + 16);
        if (x_names) {
            svg_text(fp, x_names[k]);
        } else {
            tick_label(buf, sizeof buf, v, sx);
            fputs(buf, fp);
        }
        fputs("</text>\n", fp);
    }
    double sy = tick_step(p->y1 - p->y0, (int)((p->bottom - p->top) / 40) + 1);
    for (double v = ceil(p->y0 / sy) * sy; v <= p->y1 + sy * 1e-9; v += sy) {
        double y = px_y(p, v);
        fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", p->left - 4, y,
                p->right, y);
        tick_label(buf, sizeof buf, v, sy);
        fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", p->left - 7,
                y + 4, buf);
    }
    fprintf(fp, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (p->left + p->right) / 2,
            p->bottom + 31);
    svg_text(fp, a->x_label ? a->x_label : "");
    fprintf(fp, "</text>\n<text class=\"label\" transform=\"translate(14 %.1f) rotate(-90)\" "
                "text-anchor=\"middle\">",
            (p->top + p->bottom) / 2);
    svg_text(fp, a->y_label ? a->y_label : "");
    fprintf(fp, "</text>\n<clipPath id=\"clip%d\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
                "</clipPath>\n<g clip-path=\"url(#clip%d)\">\n",
            id, p->left, p->top, p->right - p->left, p->bottom - p->top, id);
}

void svg_plot_begin(svg_plot *p, FILE *fp, const svg_axes *a, const char *name, int id)
{
    begin(p, fp, a, NULL, 0, name, id);
}

void svg_plot_begin_categories(svg_plot *p, FILE *fp, const svg_axes *a, const char *const *names, int n_names,
                               const char *name, int id)
{
    begin(p, fp, a, names, n_names, name, id);
}

void svg_plot_xband(svg_plot *p, double xa, double xb, const char *fill, double opacity)
{
    double a = px_x(p, xa), b = px_x(p, xb);
    fprintf(p->fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"/>\n",
            a, p->top, fmax(b - a, 0.5), p->bottom - p->top, fill, opacity);
}

void svg_plot_yband(svg_plot *p, double ya, double yb, const char *fill, double opacity)
{
    double a = px_y(p, yb), b = px_y(p, ya);
    fprintf(p->fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"/>\n",
            p->left, a, p->right - p->left, fmax(b - a, 0.5), fill, opacity);
}

/* Path writer: 'M' after a break, 'L' after that. */
typedef struct path_pen {
    FILE *fp;
    int down;
    size_t points;
} path_pen;

static void pen_to(path_pen *pen, double x, double y)
{
    fprintf(pen->fp, "%c%.1f %.1f", pen->down ? 'L' : 'M', x, y);
    pen->down = 1, pen->points++;
}

void svg_plot_line(svg_plot *p, const double *x, const double *y, size_t n, double x_start,
                   double x_step, const char *colour, double width, double opacity)
{
    if (!n) return;
    fprintf(p->fp, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%.2f\" stroke-opacity=\"%.2f\" "
                   "stroke-linejoin=\"round\" d=\"",
            colour, width, opacity);
    path_pen pen = {p->fp, 0, 0};
    /* M4 decimation: per pixel column the first, lowest, highest and last point, in time order. */
    int have = 0;
    long col = 0;
    size_t keep[4] = {0};
    for (size_t i = 0; i <= n; i++) {
        double xi = i < n ? (x ? x[i] : x_start + (double)i * x_step) : NAN;
        int usable = i < n && isfinite(y[i]) && isfinite(xi);
        long c = usable ? (long)floor(px_x(p, xi)) : 0;
        if (have && (!usable || c != col)) {
            size_t idx[4] = {keep[0], keep[1] < keep[2] ? keep[1] : keep[2], keep[1] < keep[2] ? keep[2] : keep[1],
                             keep[3]};
            for (int k = 0; k < 4; k++) {
                if (k && idx[k] == idx[k - 1]) continue;
                double xk = x ? x[idx[k]] : x_start + (double)idx[k] * x_step;
                pen_to(&pen, px_x(p, xk), px_y(p, y[idx[k]]));
            }
            have = 0;
        }
        if (i < n && !usable) pen.down = 0;
        if (!usable) continue;
        if (!have) {
            have = 1, col = c;
            keep[0] = keep[1] = keep[2] = keep[3] = i;
        } else {
            if (y[i] < y[keep[1]]) keep[1] = i;
            if (y[i] > y[keep[2]]) keep[2] = i;
            keep[3] = i;
        }
    }
    fputs("\"/>\n", p->fp);
}

static void marker(FILE *fp, double x, double y, svg_marker shape, double s)
{
    switch (shape) {
    case SVG_CIRCLE: fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>", x, y, s / 2); break;
    case SVG_SQUARE:
        fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", x - s / 2, y - s / 2, s, s);
        break;
    case SVG_TRIANGLE:
        fprintf(fp, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\"/>", x, y - s / 2, x + s / 2, y + s / 2, x - s / 2,
                y + s / 2);
        break;
    case SVG_CROSS:
        fprintf(fp, "<path fill=\"none\" d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\"/>", x - s / 2, y - s / 2,
                x + s / 2, y + s / 2, x - s / 2, y + s / 2, x + s / 2, y - s / 2);
        break;
    }
}

void svg_plot_points(svg_plot *p, const double *x, const double *y, size_t n, svg_marker shape,
                     const char *colour, double size, double opacity)
{
    /* One bit per half-pixel cell of the plot area: overlapping markers are drawn once. */
    long cols = (long)((p->right - p->left) * 2) + 2, rows = (long)((p->bottom - p->top) * 2) + 2;
    uint8_t *seen = calloc((size_t)(cols * rows + 7) / 8, 1);
    fprintf(p->fp, "<g fill=\"%s\" stroke=\"%s\" fill-opacity=\"%.2f\" stroke-opacity=\"%.2f\" stroke-width=\"1\">",
            colour, colour, opacity, opacity);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) continue;
        double px = px_x(p, x[i]), py = px_y(p, y[i]);
        long cx = (long)floor((px - p->left) * 2), cy = (long)floor((py - p->top) * 2);
        if (cx < 0 || cy < 0 || cx >= cols || cy >= rows) continue;
        if (seen) {
            size_t bit = (size_t)(cy * cols + cx);
            if (seen[bit / 8] & (1u << (bit % 8))) continue;
            seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
        }
        marker(p->fp, px, py, shape, size);
    }
    fputs("</g>\n", p->fp);
    free(seen);
}

void svg_plot_vline(svg_plot *p, double x, const char *colour, int dashed, const char *label)
{
    double px = px_x(p, x);
    fprintf(p->fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"%s/>\n", px,
            p->top, px, p->bottom, colour, dashed ? " stroke-dasharray=\"4 3\"" : "");
    if (label && *label) {
        fprintf(p->fp, "<text class=\"mark\" x=\"%.1f\" y=\"%.1f\">", px + 2, p->top + 10);
        svg_text(p->fp, label);
        fputs("</text>\n", p->fp);
    }
}

void svg_plot_legend(svg_plot *p, const svg_legend_item *items, int n)
{
    /* one row under the axis label, left-aligned with the plot area, outside the data */
    if (n <= 0) return;
    double x = p->left, cy = p->height - 8;
    fputs("</g>\n<g class=\"legend\">\n", p->fp);
    for (int i = 0; i < n; i++) {
        const svg_legend_item *it = &items[i];
        if (it->kind == 0 || it->kind == 3)
            fprintf(p->fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"%s/>",
                    x, cy, x + 18, cy, it->colour, it->kind == 3 ? "1.2" : "2",
                    it->kind == 3 ? " stroke-dasharray=\"4 3\"" : "");
        else if (it->kind == 2)
            fprintf(p->fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"9\" fill=\"%s\" fill-opacity=\"0.35\"/>",
                    x, cy - 4.5, it->colour);
        else {
            fprintf(p->fp, "<g fill=\"%s\" stroke=\"%s\">", it->colour, it->colour);
            marker(p->fp, x + 9, cy, it->shape, 7);
            fputs("</g>", p->fp);
        }
        fprintf(p->fp, "<text x=\"%.1f\" y=\"%.1f\">", x + 22, cy + 4);
        svg_text(p->fp, it->label);
        fputs("</text>\n", p->fp);
        x += 22 + 6.3 * (double)strlen(it->label) + 14;
    }
    fprintf(p->fp, "</g>\n<g clip-path=\"url(#clip%d)\">\n", p->id);
}

void svg_plot_label(svg_plot *p, double x, double y, const char *colour, const char *text)
{
    if (!isfinite(x) || !isfinite(y)) return;
    fprintf(p->fp, "<text class=\"mark\" x=\"%.1f\" y=\"%.1f\" style=\"fill:%s\">", px_x(p, x) + 5,
            px_y(p, y) + 3, colour);
    svg_text(p->fp, text);
    fputs("</text>\n", p->fp);
}

void svg_plot_note(svg_plot *p, const char *text)
{
    fprintf(p->fp, "<text class=\"note\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (p->left + p->right) / 2,
            (p->top + p->bottom) / 2);
    svg_text(p->fp, text);
    fputs("</text>\n", p->fp);
}

void svg_plot_end(svg_plot *p)
{
    fputs("</g>\n</svg>\n", p->fp);
}
