/* Internal: pieces shared by the breath lists of a channel (breaths.c) and of the ECG (edr.c). */
#ifndef PSYPHYS_BREATHS_INTERNAL_H
#define PSYPHYS_BREATHS_INTERNAL_H

#include "psyphys/resp.h"

/* Moves what the detector has found into l->b, growing it (*cap: its capacity). PSY_OK or
 * PSY_E_NOMEM. */
psy_status breaths_drain(psy_resp_detector *d, psy_breath_list *l, size_t *cap);

/* The median of v[0..n) (sorts v); NaN when n is 0. */
double breaths_median(double *v, size_t n);

#endif
