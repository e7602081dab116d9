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

/* For the variability of a PPG channel's pulses (psyphys hrv): says in the sidecar that it is
 * pulse rate variability, records the pulse detector's settings ("pulse_detector") and the
 * unusable stretches ("gaps"), and adds (and prints) the warnings about them to its "warnings". */
void cli_pulses_variability_sidecar(const char *path, json_t *sidecar, psy_reader *r, int ch,
                                    const psy_beat_list *b);

/* Prints a sidecar's warnings on stderr, one line each, naming the input. */
void cli_print_warnings(const char *path, json_t *sidecar);

#endif
