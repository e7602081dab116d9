/* psyphys — event-locked heart-rate responses (the cardiac deceleration or acceleration of
 * orienting and defensive responses).
 *
 * Instantaneous heart rate (60000 / NN ms, at each beat) is interpolated with a monotone cubic
 * (Fritsch & Carlson 1980, SIAM J Numer Anal 17(2):238-246; no overshoot between beats) onto an
 * even grid over [onset - pre, onset + post]; never extrapolated past the first or last beat.
 * The response is the change from the baseline: its mean, minimum and maximum after the onset and
 * when they occur.
 *
 * Minimum data (else not valid, with the reason): the rate curve defined over the whole epoch by
 * real intervals — a beat at or before its start and one at or after its end, and no beat without
 * an interval (the first after a gap) in between, so the curve never bridges a gap. The baseline
 * needs no beat inside it: a baseline shorter than an interval takes the rate of the interval(s)
 * overlapping it, as second-by-second heart rate weights each interval by its overlap (Graham
 * 1978, Psychophysiology 15:492-495). The response window needs at least 2 beats with a rate
 * (PSY_HR_RESPONSE_MIN_BEATS_AFTER: one whole interval begun after the onset — the heart's timing
 * after the event is its response; the interval spanning the onset began before it) and one grid
 * step.
 *
 * Corrected beats: the response keeps its value whatever their share (corrected_share reports it).
 * A rate survives correction, variability does not: an interpolated ectopic pair or a split missed
 * beat keeps the intervals' sum, so the rate over the seconds of a response is the true one to
 * within one or two beats, while the beat-to-beat differences HRV measures are invented; and the
 * one or two intervals an ectopic beat corrects are 7-18 % of the 11-15 beats of an 11-s epoch,
 * so HRV's 5 % limit (psy_hrv_config.max_corrected_pct) would drop a response for one ectopic
 * beat. */
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

/* Beats with a rate the response window (onset, onset + post_s] must hold. */
#define PSY_HR_RESPONSE_MIN_BEATS_AFTER 2

typedef struct psy_hr_response {
    int valid;                /* 0: below the minimum data above (see why) */
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
