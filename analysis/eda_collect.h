/* Internal: what the EDA analysis collects while it reads a channel (SCR list, tonic level per
 * second, totals), shared by the fast and the deconvolution runs. */
#ifndef PSYPHYS_EDA_COLLECT_H
#define PSYPHYS_EDA_COLLECT_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/eda.h"

#define EDA_BLOCK 65536 /* samples read at a time */

/* Where the samples come from: a reader channel or an array. */
typedef struct sample_source {
    psy_reader *reader;
    int ch;
    const double *x;
    int64_t n;
} sample_source;

/* Growing outputs: the SCR list and the 1 s tonic series of r, and the tonic totals. */
typedef struct collector {
    psy_eda_result *r;
    size_t cap_scr, cap_tonic, cap_excluded;
    double bin_sum;
    unsigned bin_flags;     /* the current second's psy_eda_flag bits */
    int64_t bin_n, bin; /* current second */
    int nomem;
    double tonic_sum;
    int64_t tonic_n;
    size_t n_area;      /* length of r->phasic_area_1hz_us_s as the deconv run left it */
} collector;

psy_status eda_source_read(const sample_source *s, int64_t at, int64_t m, double *out);
void eda_collect_scrs(collector *c, const psy_eda_scr *s, size_t n);
/* Closes the current 1 s tonic bin. */
void eda_collect_flush(collector *c);
/* An eda_tonic_sink: ctx is a collector. */
void eda_collect_tonic(void *ctx, double t_s, double tonic, unsigned flags);
/* Tracks the smallest and largest valid raw value. */
void eda_collect_range(psy_eda_result *r, const double *x, int64_t m);
int eda_cmp_double(const void *a, const void *b);

/* The deconvolution method, two passes over the source (analysis/eda_two_pass.c). */
psy_status eda_run_deconv(const sample_source *src, int64_t n, collector *c, double *buf);

#endif
