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
 * Corrected beats: above max_corrected_pct of the epoch's beats corrected (default 20 %) the
 * response is not valid, unless keep_corrected (then kept, over_corrected = 1, for a warning).
 * A rate survives correction better than variability does — an interpolated ectopic pair or a
 * split missed beat keeps the intervals' sum — so HRV's 5 % limit (psy_hrv_config) does not apply:
 * the one or two intervals an ectopic beat corrects are already 7-18 % of the 11-15 beats of an
 * 11-s epoch. 20 %: with artefacts injected into real RR series and corrected
 * (scripts/epoch_correction_check.py), the mean change of epochs up to 20 % corrected is within
 * 0.3-1.8 bpm of the clean series' (90th percentile; median 0.0), beyond it the error grows to
 * 2.4-4.7 bpm at 20-30 % and 5-11 bpm above 30 % — the size of the responses themselves. */
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
    double max_corrected_pct; /* default 20 (%; > 100: no limit) */
    int keep_corrected;       /* 1: keep a response above it (over_corrected = 1) */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_hr_response_config;

PSY_API psy_hr_response_config psy_hr_response_config_default(void);

/* Beats with a rate the response window (onset, onset + post_s] must hold. */
#define PSY_HR_RESPONSE_MIN_BEATS_AFTER 2

/* The reason of a response above max_corrected_pct (corrected_share is still given). */
#define PSY_HR_RESPONSE_OVER_CORRECTED_REASON \
    "more of the epoch's beats corrected than the heart-rate response's max_corrected_pct"

typedef struct psy_hr_response {
    int valid;                /* 0: below the minimum data above (see why) */
    const char *why;          /* static text when not valid, else "" */
    double baseline_bpm;
    double mean_bpm, min_bpm, max_bpm; /* changes from the baseline over (0, post] */
    double min_time_s, max_time_s;     /* from the onset */
    double corrected_share;   /* share of the epoch's beats whose interval was corrected, 0..1 */
    int over_corrected;       /* 1: above max_corrected_pct, kept by keep_corrected */
} psy_hr_response;

/* beat_t_s: times (s, ascending) of n beats; nn_ms: the interval ending at each beat (NaN: none,
 * e.g. the first after a gap); corrected (may be NULL): 1 where an interval was corrected.
 * PSY_OK (also when not valid), PSY_E_INVALID (bad arguments or settings), PSY_E_NOMEM. */
PSY_API psy_status psy_hr_response_at(const double *beat_t_s, const double *nn_ms, const uint8_t *corrected,
                                      size_t n, double onset_s, const psy_hr_response_config *config,
                                      psy_hr_response *out);

/* The response curve itself, for plots: the rate minus the baseline of psy_hr_response_at (bpm)
 * — its minimum data, but not the corrected share (no flags here: psy_hr_response_at decides) —
 * at the grid times onset + k / grid_hz, k = -floor(pre_s grid_hz) .. floor(post_s grid_hz),
 * written to out (at most max values; *n_out gets the count, which 1 + (pre_s + post_s) grid_hz
 * bounds). Same arguments as psy_hr_response_at; below its minimum data *n_out is 0.
 * PSY_OK, PSY_E_INVALID (bad arguments or settings), PSY_E_RANGE (max too small), PSY_E_NOMEM. */
PSY_API psy_status psy_hr_response_curve(const double *beat_t_s, const double *nn_ms, size_t n, double onset_s,
                                         const psy_hr_response_config *config, double *out, size_t max,
                                         size_t *n_out);

#ifdef __cplusplus
}
#endif
#endif
