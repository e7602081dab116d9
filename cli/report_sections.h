/* The sections of a QC report page, each written as HTML with inline SVG plots, and the helpers
 * they share. `plot_id` counts the plots of the page (unique clip-path ids). */
#ifndef PSYPHYS_CLI_REPORT_SECTIONS_H
#define PSYPHYS_CLI_REPORT_SECTIONS_H

#include <stdio.h>
#include "report_data.h"

/* A time axis for a span: seconds up to 10 min, minutes up to 3 h, hours beyond. */
typedef struct report_time {
    double per_s;       /* axis units per second */
    const char *label;  /* "time (s)", "time (min)", "time (h)" */
} report_time;
report_time report_time_axis(double duration_s);

/* A channel's samples over [t0_s, t1_s) reduced, block by block, to the first, lowest, highest
 * and last sample of each of `columns` time bins (memory bounded by the bins, not the signal).
 * *x (s) and *y (channel unit, NaN where missing) are malloc'd; *n points. 0 on a read error or
 * out of memory. */
int report_signal_reduce(psy_reader *r, int ch, double t0_s, double t1_s, size_t columns, double **x,
                         double **y, size_t *n);

/* A value per NN interval (y[i] for d->nn_t[i]) as a line over time: x = nn_t * per_s, with a
 * NaN point before each run of consecutive intervals but the first, so the line breaks at gaps
 * instead of bridging them. *x and *y are malloc'd (NULL when out of memory); returns the count. */
size_t report_nn_line(const report_data *d, const double *y, double per_s, double **x, double **yo);

/* 1 when rows first .. row - 1 of column col hold no cell equal to row's: the label's first row. */
int report_first_of_label(const report_table *t, size_t row, int col, size_t first);

/* Writes text as HTML (escaped). */
void report_html(FILE *fp, const char *s);

void report_section_header(FILE *fp, const report_data *d);
void report_section_timeline(FILE *fp, const report_data *d, int *plot_id);
void report_section_ecg(FILE *fp, const report_data *d, int *plot_id);
void report_section_hrv(FILE *fp, const report_data *d, int *plot_id);
void report_section_eda(FILE *fp, const report_data *d, int *plot_id);
void report_section_breathing(FILE *fp, const report_data *d, int *plot_id);
void report_section_epochs(FILE *fp, const report_data *d, int *plot_id);
void report_section_tables(FILE *fp, const report_data *d);

/* The batch index's per-subject trends of the key markers across sessions, from
 * OUTDIR/group_segments.tsv (nothing without it; a caption when it holds fewer than two sessions). */
void report_section_trends(FILE *fp, const char *outdir, int *plot_id);

#endif
