/* A small SVG plot writer for the QC report: one plot per call sequence begin .. end, with a
 * frame, 1-2-5 ticks, axis labels with units, shaded x bands, polylines decimated to what the
 * plot's pixels can show, markers, vertical event lines and a legend. Deterministic: the same
 * calls give the same bytes (coordinates at 0.1 px). Colours are the Okabe-Ito palette
 * (Okabe & Ito 2008, "Color Universal Design"), distinguishable with the common colour-vision
 * deficiencies. */
#ifndef PSYPHYS_CLI_SVG_PLOT_H
#define PSYPHYS_CLI_SVG_PLOT_H

#include <stddef.h>
#include <stdio.h>

/* Okabe-Ito colours. */
#define SVG_BLACK "#000000"
#define SVG_ORANGE "#E69F00"
#define SVG_SKY "#56B4E9"
#define SVG_GREEN "#009E73"
#define SVG_YELLOW "#F0E442"
#define SVG_BLUE "#0072B2"
#define SVG_VERMILLION "#D55E00"
#define SVG_PURPLE "#CC79A7"
#define SVG_GREY "#999999"

typedef struct svg_axes {
    const char *title;      /* above the plot (may be NULL) */
    const char *x_label;    /* with its unit: "time (s)" */
    const char *y_label;
    double x0, x1, y0, y1;  /* data ranges; svg_range gives them from data */
    double width, height;   /* of the whole figure in px (viewBox); 0: 720 x 240 */
    int equal_xy;           /* 1: one data unit is as long on both axes (Poincaré) */
    int no_legend;          /* 1: no room kept under the axis label for svg_plot_legend */
} svg_axes;

typedef enum svg_marker { SVG_CIRCLE, SVG_TRIANGLE, SVG_CROSS, SVG_SQUARE } svg_marker;

typedef struct svg_legend_item {
    const char *label;
    const char *colour;
    int kind;               /* 0 line, 1 marker (shape), 2 shaded band, 3 dashed line */
    svg_marker shape;
} svg_legend_item;

typedef struct svg_plot {
    FILE *fp;
    double width, height;
    double left, right, top, bottom; /* the plot area, px */
    double x0, x1, y0, y1;
    int id;
} svg_plot;

/* Range of the finite values of v (n of them) into *lo, *hi, widened by `pad` of the span on
 * each side (a zero span gets +-1 or +-|v| / 10). Returns 0 (and leaves them) when none is finite. */
int svg_range(const double *v, size_t n, double pad, double *lo, double *hi);

/* Opens <svg> (class "plot", data-plot = name) and draws the frame, ticks, grid and labels. `id`
 * makes the clip path's id unique in the page. */
void svg_plot_begin(svg_plot *p, FILE *fp, const svg_axes *a, const char *name, int id);

/* svg_plot_begin with categories on the x axis: names[k] at x = k (ticks thinned to what fits). */
void svg_plot_begin_categories(svg_plot *p, FILE *fp, const svg_axes *a, const char *const *names, int n_names,
                               const char *name, int id);

/* A shaded band over x in [xa, xb] (the whole height). */
void svg_plot_xband(svg_plot *p, double xa, double xb, const char *fill, double opacity);

/* A shaded band over y in [ya, yb] (the whole width). */
void svg_plot_yband(svg_plot *p, double ya, double yb, const char *fill, double opacity);

/* A polyline through (x[i], y[i]) with x ascending; NaN in y breaks it. Points that fall in one
 * pixel column are reduced to that column's first, lowest, highest and last value, so a day of
 * samples costs a few thousand points and no peak is lost. x may be NULL: then x[i] = x_start +
 * i * x_step. */
void svg_plot_line(svg_plot *p, const double *x, const double *y, size_t n, double x_start,
                   double x_step, const char *colour, double width, double opacity);

/* Markers at (x[i], y[i]) (NaN skipped); markers that fall on the same 0.5 px cell are drawn once. */
void svg_plot_points(svg_plot *p, const double *x, const double *y, size_t n, svg_marker shape,
                     const char *colour, double size, double opacity);

/* A vertical line at x, dashed or not, with an optional short label at the top. */
void svg_plot_vline(svg_plot *p, double x, const char *colour, int dashed, const char *label);

/* A legend row under the axis label (outside the data; the plot reserves room for it). */
void svg_plot_legend(svg_plot *p, const svg_legend_item *items, int n);

/* A short label at (x, y), left-aligned just right of the point, in the colour (names a line). */
void svg_plot_label(svg_plot *p, double x, double y, const char *colour, const char *text);

/* Centered text in the plot area (for "no data" notes). */
void svg_plot_note(svg_plot *p, const char *text);

/* Closes the clip group and the <svg>. */
void svg_plot_end(svg_plot *p);

/* Writes text with &, <, >, " escaped. */
void svg_text(FILE *fp, const char *s);

#endif
