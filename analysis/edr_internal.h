/* Internal: the QRS waveform features that carry respiration (analysis/edr_features.c), for the
 * ECG-derived breaths of analysis/edr.c. */
#ifndef PSYPHYS_EDR_INTERNAL_H
#define PSYPHYS_EDR_INTERNAL_H

#include "psyphys/beats.h"
#include "psyphys/recording.h"
#include "psyphys/resp.h"

typedef enum edr_feature {
    EDR_RS = 0,     /* QRS peak-to-peak (R-S) amplitude, channel unit */
    EDR_AREA,       /* QRS area from the PR-segment baseline, along the R polarity, unit * s */
    EDR_SLOPES,     /* QRS slope range: steepest upslope minus steepest downslope, unit / s */
    EDR_N_FEATURES
} edr_feature;

/* f[k][i]: feature k of beat i of the list, NaN for a beat that is not normal or whose window
 * leaves the signal or holds a missing sample (and for pulses). Each f[k] has beats->n entries. */
typedef struct edr_features {
    double *f[EDR_N_FEATURES];
} edr_features;

/* Measures the features of every beat in one more pass over ECG channel ch of r, block by block
 * (memory: one block plus the arrays). PSY_OK, PSY_E_NOMEM or the channel's read error (with
 * the reason in *why). */
psy_status edr_features_measure(psy_reader *r, int ch, const psy_beat_list *beats, edr_features *out,
                                psy_message *why);

void edr_features_free(edr_features *f);

/* The breathing rate per PSY_EDR_RATE_WINDOW_S window from the spectra of the modulations
 * (analysis/edr_rate.c): created for a grid of m samples at rate_hz and a band, each modulation's
 * grid series added in turn (up to EDR_RATE_MAX_MODS; the first the RR interval's, the others the
 * QRS waveform's), then each checked again in the same order at the windows' rates, then the
 * windows made. */
#define EDR_RATE_MAX_MODS 4
typedef struct edr_rate edr_rate;

/* NULL when out of memory, or when the band holds fewer than 3 frequency bins or starts within 2
 * bins of 0 Hz (a bin is rate_hz / 1024: the sub-multiples of a peak are looked for down to it). */
edr_rate *edr_rate_create(size_t m, double rate_hz, double band_low_hz, double band_high_hz);
/* Cuts each window's band at half its heart rate (a series sampled at the beats holds only
 * aliases above it), the heart rate from the median of the window's intervals of at most
 * EDR_MAX_GAP_S between the n beat times t (s, ascending); a window whose cut band keeps fewer
 * than 3 bins is n/a ("heart rate too low for the band"). Before the first edr_rate_add; without
 * it the band is the whole one. PSY_OK or PSY_E_NOMEM. */
#define EDR_MAX_GAP_S 3.0 /* s: longer without a normal beat is a gap, not a heart period */
psy_status edr_rate_limit(edr_rate *e, const double *t, size_t n);
/* Adds one modulation: g, the m grid samples (NaN: none). */
void edr_rate_add(edr_rate *e, const double *g);
/* After the last edr_rate_add, each modulation g again in the order added, with first, the
 * first modulation's samples (g itself for the first): whether breathing shows at each window's
 * rate (a window none was checked for is n/a). */
void edr_rate_check(edr_rate *e, const double *g, const double *first);
/* The windows (*n of them, malloc'd into *out; the whole windows of the grid). PSY_OK or
 * PSY_E_NOMEM. */
psy_status edr_rate_finish(const edr_rate *e, psy_edr_rate_window **out, size_t *n);
void edr_rate_destroy(edr_rate *e); /* NULL-safe */

#endif
