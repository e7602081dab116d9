/* The beats table's channel and sidecar, for psyphys beats and hrv. */
#ifndef PSYPHYS_CLI_BEATS_TABLE_H
#define PSYPHYS_CLI_BEATS_TABLE_H

#include <jansson.h>
#include <stdio.h>
#include "psyphys.h"

/* The channel named label, else the first channel of the first of the given types. Prints why
 * and returns -1 when none: the channels that exist, that none of `what` exists, or that the
 * named channel is of another known type (psy_channel_type_check) and how to say otherwise. */
int cli_pick_channel(psy_reader *r, const char *path, const char *label,
                     const psy_channel_type *types, int n_types, const char *what);

/* Adds to a sidecar what a beats table needs (psy_sidecar_add_beats): the channel(s) (chs[1] -1 for one lead), every
 * setting, the counts per class, the gaps, the columns, and the warnings (the reader's and why a
 * channel gave few or no beats). */
void cli_beats_sidecar(json_t *sidecar, psy_reader *r, const int chs[2],
                       const psy_beats_config *cfg, const psy_beat_list *b);

/* The same for the pulses of a PPG channel (psy_pulses_detect): the pulse detector's settings,
 * the unusable stretches with their reasons, the peak_sample and quality columns. */
void cli_pulses_sidecar(json_t *sidecar, psy_reader *r, int ch, const psy_pulses_config *cfg,
                        const psy_beat_list *b);

/* For the HRV of a series detected on a channel (psyphys/hrv_series.h): a PPG's pulses
 * (psy_sidecar_add_pulse_variability: pulse rate variability, the pulse detector's settings, the
 * unusable stretches) or an ECG's R-peaks (psy_sidecar_add_beat_gaps: the stretches without
 * usable signal), with their warnings added to the sidecar's "warnings"; nothing for other
 * sources. */
void cli_hrv_series_sidecar(json_t *sidecar, psy_reader *r, const psy_hrv_series *s);

/* Prints a sidecar's warnings on stderr, one line each, naming the input. */
void cli_print_warnings(const char *path, json_t *sidecar);

#endif
