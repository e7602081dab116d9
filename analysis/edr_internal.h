/* Internal: the QRS waveform features that carry respiration (analysis/edr_features.c), for the
 * ECG-derived breaths of analysis/edr.c. */
#ifndef PSYPHYS_EDR_INTERNAL_H
#define PSYPHYS_EDR_INTERNAL_H

#include "psyphys/beats.h"
#include "psyphys/recording.h"

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

#endif
