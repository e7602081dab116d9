/* Internal: the breath detector's settings that the library's own callers need and the public
 * psy_resp_config does not carry. */
#ifndef PSYPHYS_RESP_INTERNAL_H
#define PSYPHYS_RESP_INTERNAL_H

#include "psyphys/resp.h"

/* For a derived series that is no volume signal (ECG-derived respiration, analysis/edr.c):
 * troughs and peaks on the band-passed signal instead of the low-passed one, since the series
 * carries the heart rate's own slow rhythms, which the high-pass must remove before its extremes
 * are breaths (the end of inspiration stays the low-passed maximum between the troughs); and
 * breaths sized by the signal's power alone, not capped by the recent breaths' depth, since the
 * derived depth follows the modulation's strength more than the breath's (on MARSH's development
 * subjects the cap added false breaths: +P 77.4 % against 78.5 %). Its last breath is not closed
 * at the record's end, its hysteresis is not lowered for shallow swings, and its breaths are
 * queued at once, not held to join a double hump or a paused expiration (those rules of the
 * detector were decided on impedance respiration only). Call before the first push; reset keeps it. */
void psy_resp_detector_derived(psy_resp_detector *d);

#endif
