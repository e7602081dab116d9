/* psyphys — plausibility checks on results.
 *
 * A value physiology does not produce usually means the wrong channel, the wrong sampling rate or
 * the wrong unit rather than a remarkable subject: the ECG detector run on a PPG channel, a 100 Hz
 * file read at 1000 Hz (breathing at 92 /min), skin conductance in nS read as uS. These checks find
 * such results so that they are reported beside the numbers, never passed on silently. Each check
 * looks for stretches rather than single values (one long pause or a burst of noise is not an
 * implausible recording): a run of consecutive, adjacent items (intervals, breaths, seconds) all
 * outside the range, lasting at least the stretch length. The defaults:
 *  - heart rate outside 25-250 bpm for 10 s (a standard ECG strip); human sinus rhythm and the
 *    common arrhythmias stay inside; outside for that long is asystole, a detector counting noise
 *    or T waves, or a wrong rate;
 *  - breathing rate outside 3-60 /min for 60 s (breathing rate's own unit; a breath hold or an
 *    apnoea is shorter);
 *  - tonic skin conductance below 0.05 uS for 60 s: palmar SCL is usually 2-20 uS (Braithwaite et
 *    al. 2013, "A guide for analysing electrodermal activity"; Boucsein 2012, Electrodermal
 *    Activity, 2nd ed.), dry wrist skin much lower but rarely below 0.05 uS (the Empatica E4 wrist
 *    recordings of FLIRT and WESAD in ../shared: 5th percentiles 0.06-4.2 uS, none below 0.05 uS
 *    for a minute), and devices bottom out just below (E4's range starts at 0.01 uS): lower means
 *    an electrode off the skin, an amplifier at its floor, or values in another unit;
 *  - an EDA channel whose unit is not a conductance (none stated, adu, V): its values are taken as
 *    uS, which only the person who recorded them can confirm.
 * Thread-safe (no state); never allocates. */
#ifndef PSYPHYS_PLAUSIBILITY_H
#define PSYPHYS_PLAUSIBILITY_H

#include <stddef.h>
#include "psyphys/recording.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_plausibility_config {
    double hr_min_bpm, hr_max_bpm;                 /* 25, 250 */
    double hr_stretch_s;                           /* 10 s */
    double breath_min_per_min, breath_max_per_min; /* 3, 60 */
    double breath_stretch_s;                       /* 60 s */
    double scl_floor_us;                           /* 0.05 uS */
    double scl_stretch_s;                          /* 60 s */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_plausibility_config;

PSY_API psy_plausibility_config psy_plausibility_config_default(void);

typedef enum psy_check {
    PSY_CHECK_HEART_RATE = 0,
    PSY_CHECK_BREATHING_RATE,
    PSY_CHECK_SCL_FLOOR,
    PSY_CHECK_EDA_UNIT,
    PSY_CHECK_COUNT
} psy_check;

/* What a check found. The stretch fields are 0 for PSY_CHECK_EDA_UNIT. */
typedef struct psy_implausible {
    psy_check check;
    int found;                   /* 1: implausible (text says what and where), 0: nothing found */
    size_t n_stretches;          /* stretches at least the check's stretch length */
    double total_s;              /* their total duration */
    double longest_onset_s;      /* the longest one: start (s, the series' time base) */
    double longest_duration_s;
    double longest_mean;         /* its time-weighted mean: bpm, breaths/min or uS */
    char text[512];              /* one English sentence for a person; "" when nothing found */
} psy_implausible;

/* Heart rate of n intervals: nn_ms[i] (ms; NaN or <= 0: none, which ends a stretch) ends at
 * t_s[i] (s, ascending) and so starts at t_s[i] - nn_ms[i] / 1000; its rate is 60000 / nn_ms[i]
 * (the NN series of a beat list). PSY_OK, PSY_E_INVALID (NULL with n > 0, NULL config or out, a
 * config with min >= max or a negative stretch). */
PSY_API psy_status psy_check_heart_rate(const double *t_s, const double *nn_ms, size_t n,
                                        const psy_plausibility_config *config, psy_implausible *out);

/* The same for a sampled heart rate (a bpm channel): bpm[i] (NaN: none) at t_s[i] (s, ascending)
 * stands for the time since the sample before; a step longer than hr_stretch_s is a gap. */
PSY_API psy_status psy_check_heart_rate_bpm(const double *t_s, const double *bpm, size_t n,
                                            const psy_plausibility_config *config, psy_implausible *out);

/* Breathing rate of n breaths from onset_s[i] to end_s[i] (s, ascending; rate 60 / duration).
 * Same return codes. */
PSY_API psy_status psy_check_breathing_rate(const double *onset_s, const double *end_s, size_t n,
                                            const psy_plausibility_config *config, psy_implausible *out);

/* Tonic skin conductance level[i] (uS; NaN: none) over [i step_s, (i + 1) step_s): e.g. the
 * once-per-second tonic level of psy_eda_result. Same return codes (and step_s <= 0). */
PSY_API psy_status psy_check_scl_floor(const double *level_us, size_t n, double step_s,
                                       const psy_plausibility_config *config, psy_implausible *out);

/* An EDA channel whose unit is not a conductance (psy_channel_apply_units did not make it uS).
 * Channels of other types: nothing found. PSY_OK, PSY_E_INVALID (NULL). */
PSY_API psy_status psy_check_eda_unit(const psy_channel_info *channel, psy_implausible *out);

#ifdef __cplusplus
}
#endif
#endif
