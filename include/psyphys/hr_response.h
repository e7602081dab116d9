/* psyphys — event-locked heart-rate responses (the cardiac deceleration or acceleration of
 * orienting and defensive responses).
 *
 * Instantaneous heart rate (60000 / NN ms, at each beat) is interpolated with a monotone cubic
 * (Fritsch & Carlson 1980, SIAM J Numer Anal 17(2):238-246; no overshoot between beats) onto an
 * even grid over [onset - pre, onset + post]; never extrapolated past the first or last beat.
 * The response is the change from the baseline: its mean, minimum and maximum after the onset and
 * when they occur. */
#ifndef PSYPHYS_HR_RESPONSE_H
#define PSYPHYS_HR_RESPONSE_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_hr_baseline {
    PSY_HR_BASELINE_MEAN = 0, /* mean rate over [-pre, 0) (default) */
    PSY_HR_BASELINE_ONSET     /* the rate at the onset (NeuroKit's definition) */
} psy_hr_baseline;

typedef struct psy_hr_response_config {
    double pre_s;             /* default 1 s */
    double post_s;            /* default 10 s */
    double grid_hz;           /* default 10 Hz */
    psy_hr_baseline baseline;
} psy_hr_response_config;

psy_hr_response_config psy_hr_response_config_default(void);

typedef struct psy_hr_response {
    int valid;                /* 0: the beats do not cover the epoch (see why) */
    const char *why;          /* static text when not valid, else "" */
    double baseline_bpm;
    double mean_bpm, min_bpm, max_bpm; /* changes from the baseline over (0, post] */
    double min_time_s, max_time_s;     /* from the onset */
    double corrected_share;   /* share of the epoch's beats whose interval was corrected, 0..1 */
} psy_hr_response;

/* beat_t_s: times (s, ascending) of n beats; nn_ms: the interval ending at each beat (NaN: none,
 * e.g. the first after a gap); corrected (may be NULL): 1 where an interval was corrected.
 * PSY_OK (also when not valid), PSY_E_INVALID (bad arguments or settings), PSY_E_NOMEM. */
psy_status psy_hr_response_at(const double *beat_t_s, const double *nn_ms, const uint8_t *corrected,
                              size_t n, double onset_s, const psy_hr_response_config *config,
                              psy_hr_response *out);

/* The response curve itself, for plots: the rate minus the baseline of psy_hr_response_at (bpm)
 * at the grid times onset + k / grid_hz, k = -floor(pre_s grid_hz) .. floor(post_s grid_hz),
 * written to out (at most max values; *n_out gets the count, which 1 + (pre_s + post_s) grid_hz
 * bounds). Same arguments as psy_hr_response_at; when the beats do not cover the epoch *n_out is 0.
 * PSY_OK, PSY_E_INVALID (bad arguments or settings), PSY_E_RANGE (max too small), PSY_E_NOMEM. */
psy_status psy_hr_response_curve(const double *beat_t_s, const double *nn_ms, size_t n, double onset_s,
                                 const psy_hr_response_config *config, double *out, size_t max,
                                 size_t *n_out);

#ifdef __cplusplus
}
#endif
#endif
