/* psyphys sync's report page: per signal the lag x time correlation map and the window peaks,
 * the session's segments shaded, and the summary table. One self-contained HTML file. */
#ifndef PSYPHYS_CLI_SYNC_REPORT_H
#define PSYPHYS_CLI_SYNC_REPORT_H

#include <stdio.h>
#include "psyphys.h"

typedef struct sync_report_data {
    const char *a, *b;          /* recordings */
    double t0, t1;              /* the common span, A's time (s) */
    double offset_s;            /* B's start minus A's */
    const psy_segment *seg;     /* seg[0]: the session */
    size_t n_seg;
    int n_sig;
    psy_sync_signal signal[PSY_SYNC_SIGNAL_COUNT];
    const psy_sync_result *res[PSY_SYNC_SIGNAL_COUNT]; /* with lag profiles */
} sync_report_data;

/* 1 on success. */
int sync_report_write(FILE *fp, const sync_report_data *d);

#endif
