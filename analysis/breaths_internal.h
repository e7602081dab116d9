/* Internal: pieces shared by the breath lists of a channel (breaths.c) and of the ECG (edr.c). */
#ifndef PSYPHYS_BREATHS_INTERNAL_H
#define PSYPHYS_BREATHS_INTERNAL_H

#include "psyphys/resp.h"
#include "psyphys/rsa.h"

/* The breaths' minima as text, for the reasons that name them. */
#define BREATHS_TEXT_(x) #x
#define BREATHS_TEXT(x) BREATHS_TEXT_(x)
#define BREATHS_FEW_P2T "fewer than " BREATHS_TEXT(PSY_RSA_MIN_BREATHS) " breaths with a P2T value"
/* Why RSA is n/a without an ECG, RR or PPG channel. */
#define BREATHS_NO_HEARTBEATS "no heartbeats to measure RSA against"

/* Moves what the detector has found into l->b, growing it (*cap: its capacity). PSY_OK or
 * PSY_E_NOMEM. */
psy_status breaths_drain(psy_resp_detector *d, psy_breath_list *l, size_t *cap);

/* The median of v[0..n) (sorts v); NaN when n is 0. */
double breaths_median(double *v, size_t n);

#endif
