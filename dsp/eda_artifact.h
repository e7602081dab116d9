/* Internal: artefacts of wrist (and other ambulatory) skin conductance sensors, as transparent
 * rules after Kleckner et al. 2018 (IEEE TBME 65(7):1460-1467: skin conductance out of range,
 * changes too fast, a transition radius of 5 s around invalid data), with two rules physiology
 * gives for short artefacts (Boucsein 2012, Electrodermal Activity, 2nd ed.; Boucsein et al. 2012,
 * Psychophysiology 49:1017-1034: an SCR rises in 0.5-5 s and recovers to half in seconds):
 *
 * - spike: the signal leaves its level by at least the larger of a quarter of the amplitude
 *   criterion (min_amplitude_us) and EDA_SPIKE_SD noise standard deviations and comes
 *   back (to within a quarter of the excursion) within spike_max_s, while on either side the
 *   level changes by less than half the excursion over as long as the spike. No response rises
 *   and recovers that fast, none dips, and a response's peak is reached and left at the pace of
 *   its rise: these are motion or contact artefacts (the E4's periodic one-sample dips, a knock
 *   on the electrode). They are replaced by the straight line between the samples on either
 *   side and counted (repaired, not excluded).
 * - drop: the level falls below drop_fraction of its largest value in the last second. The
 *   recovery of an SCR halves at most its phasic part in a second, never the whole level: a
 *   sudden drop is contact loss or pressure on the electrodes. Flagged.
 *
 * Stage 1 runs on the input samples (held for spike_max_s to see whether an excursion returns),
 * stage 2 on the analysis samples: every sample within radius_s of a flagged one (out of range,
 * too steep, drop; not missing, flat or a repaired spike) is flagged as a transition (held for
 * radius_s). Allocates only in create. */
#ifndef PSYPHYS_EDA_ARTIFACT_H
#define PSYPHYS_EDA_ARTIFACT_H

#include <stdint.h>
#include "psyphys/eda.h"

/* Flags of a sample (the public psy_eda_flag). */
enum {
    EDA_BAD_MISSING = PSY_EDA_MISSING,
    EDA_BAD_LOW = PSY_EDA_BELOW_RANGE,
    EDA_BAD_HIGH = PSY_EDA_ABOVE_RANGE,
    EDA_BAD_FLAT = PSY_EDA_FLAT,
    EDA_BAD_SLOPE = PSY_EDA_SLOPE,
    EDA_BAD_DROP = PSY_EDA_DROP,
    EDA_BAD_NEAR = PSY_EDA_NEAR,          /* within the transition radius of an artefact */
    EDA_FIXED_SPIKE = PSY_EDA_SPIKE_REPAIRED /* repaired: the sample is valid */
};
/* Flags that make a sample unusable. */
#define EDA_BAD_ANY (EDA_BAD_MISSING | EDA_BAD_LOW | EDA_BAD_HIGH | EDA_BAD_FLAT | EDA_BAD_SLOPE | \
                     EDA_BAD_DROP | EDA_BAD_NEAR)
/* Artefacts whose surroundings are flagged too (Kleckner's rules: range, slope; and drops). A
 * flat stretch may be a quiet, coarsely quantised signal: only itself is flagged. */
#define EDA_BAD_ARTEFACT (EDA_BAD_LOW | EDA_BAD_HIGH | EDA_BAD_SLOPE | EDA_BAD_DROP)

#define EDA_SPIKE_SD 6.0       /* a spike leaves the level by this many noise sd */
#define EDA_SPIKE_CONTRAST 2.0 /* ... and this many times the level's change on either side */

typedef struct eda_artifact eda_artifact;

/* in_rate, out_rate: input and analysis rates (Hz). NULL on ENOMEM. */
eda_artifact *eda_artifact_create(const psy_eda_config *c, double in_rate, double out_rate);
eda_artifact *eda_artifact_copy(const eda_artifact *a);
void eda_artifact_reset(eda_artifact *a);
void eda_artifact_destroy(eda_artifact *a);

/* Stage 1: pushes input sample x (uS; NaN: missing) with the noise estimate sd_us (NaN while
 * unknown). Returns 1 when a sample leaves the lookahead: *out (repaired) and its flags
 * (EDA_FIXED_SPIKE, EDA_BAD_DROP), else 0. With end = 1, x is ignored and the held samples are
 * released one per call (0 when none is left). */
int eda_artifact_input(eda_artifact *a, double x, double sd_us, int end, double *out,
                       unsigned *flags);

/* Stage 2: pushes analysis sample y (NaN when flagged) with its flags. Returns 1 when a sample
 * leaves the radius delay: *out (NaN when flagged) and its flags (EDA_BAD_NEAR added within the
 * radius of an artefact), else 0. With end = 1, y is ignored and the held samples are released
 * one per call. */
int eda_artifact_output(eda_artifact *a, double y, unsigned flags, int end, double *out,
                        unsigned *out_flags);

/* Samples each stage holds back: input samples, analysis samples. */
int64_t eda_artifact_input_delay(const eda_artifact *a);
int64_t eda_artifact_output_delay(const eda_artifact *a);

#endif
