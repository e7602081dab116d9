/* Internal: HRV over a time span of a recording's beats (hrv_beats.c). */
#ifndef PSYPHYS_HRV_BEATS_H
#define PSYPHYS_HRV_BEATS_H

#include <stddef.h>

#include "psyphys/beats.h"

/* The intervals of beats' series left out by the RR correction (nn_left_out_s) that end in
 * (t0_s, t1_s]: those psy_hrv_compute_beats counts as corrected ones of that span, whose NN
 * intervals are those ending in (t0_s, t1_s] too. */
size_t hrv_left_out_in(const psy_beat_list *beats, double t0_s, double t1_s);

#endif
