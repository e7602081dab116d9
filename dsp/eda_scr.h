/* Internal: SCR scoring on an analysis-rate signal (see include/psyphys/eda.h for the method).
 * Pushed one sample at a time: `level` (skin conductance or phasic SC), NaN when flagged, and the
 * sensor noise estimate at that time (uS at the input rate, eda_noise.h). Allocates only in
 * eda_scr_create. */
#ifndef PSYPHYS_EDA_SCR_H
#define PSYPHYS_EDA_SCR_H

#include <stddef.h>
#include <stdint.h>
#include "eda_prep.h"
#include "psyphys/eda.h"

#define EDA_SCR_PENDING 64  /* candidates awaiting their recovery window */
#define EDA_SCR_QUEUE 128   /* scored SCRs awaiting pop */

typedef struct eda_scr eda_scr;

/* p: the preprocessing that feeds it (analysis rate, time of sample 0, how its low-pass carries
 * noise). NULL on ENOMEM. */
eda_scr *eda_scr_create(const psy_eda_config *c, const eda_prep *p);
eda_scr *eda_scr_copy(const eda_scr *d);
void eda_scr_reset(eda_scr *d);
void eda_scr_destroy(eda_scr *d);

/* Room for the SCRs one more sample can release (callers check before each push). */
int eda_scr_has_room(const eda_scr *d);
void eda_scr_push(eda_scr *d, double level, double noise_us);
/* Scores every pending candidate with the data at hand. */
void eda_scr_finish(eda_scr *d);
size_t eda_scr_pop(eda_scr *d, psy_eda_scr *out, size_t max);
/* Samples between an onset and the emission of its SCR, at most. */
int64_t eda_scr_latency(const eda_scr *d);
/* The amplitude criterion (uS) of a typical response (2 s rise, a straight baseline over the
 * longest window) for a raw noise estimate: max(min_amplitude_us, noise_factor x the standard
 * deviation that noise gives such an amplitude). Each response is held to the same with the
 * standard deviation of its own measurement. */
double eda_scr_criterion(const eda_scr *d, double noise_us);
/* The noise summary of a recording from its estimator (see psy_eda_noise). */
psy_eda_noise eda_scr_noise_summary(const eda_scr *d, eda_noise *n);

#endif
