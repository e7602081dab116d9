/* psyphys — breaths from a respiration channel (belt, thermistor, impedance), streaming.
 *
 * Method (in the spirit of Khodadad et al. 2018, Physiol Meas 39(7):075009, NeuroKit2's default):
 * a 0.05-3 Hz band-pass (second-order Butterworth sections), then alternate troughs and peaks, an
 * extreme being confirmed once the signal has come back from it by half the median amplitude
 * of the last 8 breaths (of 2.8 rms until there are four); a trough, the next peak and the next
 * trough make one breath, and a breath smaller than 30 % of that median is merged into its
 * neighbour, so ripples do not split breaths. Indices are input samples from the first pushed
 * sample. The same
 * conventions as the ECG detector: allocation only in create, push/pop/finish/reset/copy. */
#ifndef PSYPHYS_RESP_H
#define PSYPHYS_RESP_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_resp_config {
    double rate_hz;       /* input rate, 4 .. 20000 Hz */
    double band_low_hz;   /* default 0.05 Hz */
    double band_high_hz;  /* default 3 Hz (capped at 0.45 rate) */
    double hysteresis;    /* prominence as a share of the median breath amplitude, default 0.5 */
    double min_amplitude; /* share of the median breath amplitude, default 0.3 */
} psy_resp_config;

PSY_API psy_resp_config psy_resp_config_default(double rate_hz);

typedef struct psy_breath {
    int64_t onset;      /* trough before the inhalation (sample) */
    int64_t peak;       /* end of inhalation */
    int64_t end;        /* next trough: the end of the breath */
    double amplitude;   /* peak minus the mean of the two troughs, on the band-passed signal */
} psy_breath;

typedef struct psy_resp_detector psy_resp_detector;

/* PSY_OK, PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_resp_detector_create(const psy_resp_config *config, psy_resp_detector **out);

/* Pushes n samples (NaN: a gap; the filters restart after it and no breath spans it). Consumes
 * them all unless the queue (64 breaths) fills: *used says how many (may be NULL only when the
 * caller pops after every push of at most 30 s). PSY_OK or PSY_E_INVALID. */
PSY_API psy_status psy_resp_detector_push(psy_resp_detector *d, const double *x, size_t n, size_t *used);

/* Ends the signal; after it, push returns PSY_E_INVALID until reset. */
PSY_API psy_status psy_resp_detector_finish(psy_resp_detector *d);

/* Pops up to max breaths in time order. */
PSY_API size_t psy_resp_detector_pop(psy_resp_detector *d, psy_breath *out, size_t max);

PSY_API void psy_resp_detector_reset(psy_resp_detector *d);
PSY_API psy_status psy_resp_detector_copy(const psy_resp_detector *d, psy_resp_detector **out);
PSY_API void psy_resp_detector_destroy(psy_resp_detector *d); /* NULL-safe */

/* ---- Breathing rate over a span ------------------------------------------------------------- */

/* Minimum data for a rate: whole breaths spanning 30 s, and at least 3 of them. A rate counted
 * over 30 s agrees with a full minute's count within about +-3.4 /min, over 15 s only within
 * +-6 /min (Rimbi et al. 2019, QJM 112:513-517; one minute is the clinical standard: Simoes et
 * al. 1991, Arch Dis Child 66:1199-1203); automatic estimators use windows of about 30 s
 * (Charlton et al. 2016, Physiol Meas 37:610-626: 32 s). Three breaths, so that slow breathing
 * (3-6 /min, paced breathing) is not the inverse of one or two breath durations. */
#define PSY_RESP_RATE_MIN_SPAN_S 30.0
#define PSY_RESP_RATE_MIN_BREATHS 3

typedef struct psy_breath_rate {
    double per_min;      /* breaths per minute: 60 n / span_s; NaN below the minimum (why) */
    size_t n_breaths;    /* whole breaths in the span: onset >= t0_s, end <= t1_s */
    double span_s;       /* from the first one's onset to the last one's end (0 without) */
    const char *why;     /* static reason when per_min is NaN, else NULL */
} psy_breath_rate;

/* The breathing rate over the whole breaths of b (n breaths in time order, as the detector pops
 * them; indices on rate_hz, time 0 = sample 0) that lie in [t0_s, t1_s] (seconds): the one
 * definition of a span's rate (analyze's segments and summary). Below PSY_RESP_RATE_MIN_SPAN_S
 * or PSY_RESP_RATE_MIN_BREATHS the rate is NaN with its reason. PSY_OK or PSY_E_INVALID (NULL
 * with n > 0, no out, rate_hz not positive, t1_s < t0_s). */
PSY_API psy_status psy_breath_rate_over(const psy_breath *b, size_t n, double rate_hz, double t0_s, double t1_s,
                                        psy_breath_rate *out);

#ifdef __cplusplus
}
#endif
#endif
