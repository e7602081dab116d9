/* psyphys hrv: the interval series it analyses, where it comes from and how it is cleaned. */
#ifndef PSYPHYS_CLI_HRV_SERIES_H
#define PSYPHYS_CLI_HRV_SERIES_H

#include "cli.h"

/* How the raw intervals become the NN series. */
typedef enum hrv_correction {
    HRV_CORRECT_NONE = 0,  /* the raw intervals */
    HRV_CORRECT_LIPPONEN,  /* Lipponen & Tarvainen 2019 (psy_rr_correct) */
    HRV_CORRECT_PCST       /* PhysioNet Cardiovascular Signal Toolbox removal (psy_rr_clean_pcst) */
} hrv_correction;

const char *hrv_correction_name(hrv_correction c);

/* The series to analyse: intervals (ms) ending at times t (s); flags[i] = 1 where correction
 * changed, inserted or interpolated interval i (all 0 for the raw intervals and PCST's removal:
 * nothing left in the series was altered). */
typedef struct hrv_series {
    double *nn, *t;
    uint8_t *flags;
    size_t n;
    size_t beats, corrected;
    psy_rr_counts counts;     /* Lipponen classes */
    psy_rr_pcst_counts pcst;  /* what PCST's cleaning dropped */
} hrv_series;

void hrv_series_free(hrv_series *s);

/* The intervals between the WFDB annotations of a record without signals: between its beat
 * annotations (all = 0) or between all its annotations (all = 1: noise marks '~' and rhythm
 * changes split intervals, as in PCST's demo, which read every annotation). Raw (NaN-free)
 * intervals, corrected by correct_stretches for HRV_CORRECT_LIPPONEN. 0 with a message when the
 * record has fewer than 2 such annotations or on memory failure. */
int hrv_series_from_annotations(psy_reader *r, const char *path, int all, hrv_correction c, hrv_series *s);

/* Number of WFDB annotation events of r. */
size_t hrv_wfdb_annotation_count(psy_reader *r);

/* Corrects the stretches (runs without NaN) of raw intervals rr at times t into s (Lipponen). */
int hrv_correct_stretches(const double *rr, const double *t, size_t n, hrv_series *s);

/* Replaces s's raw intervals by those PCST's preprocessing keeps (counts in s->pcst). */
int hrv_series_clean_pcst(hrv_series *s, const char *path);

/* Takes n raw intervals (malloc'd nn and t, owned by s from now on: hrv_series_free) as s's
 * series, none flagged. 0 when out of memory. */
int hrv_series_take_raw(hrv_series *s, double *nn, double *t, size_t n);

#endif
