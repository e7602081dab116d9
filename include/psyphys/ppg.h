/* psyphys — streaming pulse detection on a photoplethysmogram (PPG, BVP).
 *
 * A detector object is pushed blocks of PPG samples (any size, any unit: the detector is
 * amplitude-invariant) and emits pulses: the systolic peak, the steepest point of the upstroke,
 * its half-amplitude point and the pulse onset (foot), as sample indices counted from the first
 * sample ever pushed (all but the peak as fractions of a sample). It allocates only in create(); push, pop and
 * finish never allocate.
 *
 * Method. Pulses are found after Elgendi et al. 2013 ("Systolic peak detection in acceleration
 * photoplethysmograms measured from emergency responders in tropical conditions", PLoS ONE
 * 8(10):e76585): a 0.5-8 Hz band-pass, its positive part squared, and two moving averages, one a
 * systolic peak wide (111 ms) and one a pulse wide (667 ms); a pulse lies where the first exceeds
 * the second plus an offset (0.02 times the mean of the squared signal) for at least 111 ms. The
 * paper reports Se 99.84 % and +P 99.89 % on 40 heat-stressed subjects; in the benchmark of
 * open-source PPG beat detectors against ECG of Charlton et al. 2022 (Physiol Meas 43:085007) it
 * is among the better ones at rest and loses most in movement. An interval over 1.66 median
 * intervals makes the detector search back for the pulses the moving averages missed (as Pan &
 * Tompkins 1985 do for the ECG's QRS): each where it is due (0.6-1.4 intervals after the last),
 * the steepest rise there, a pulse when its shape correlates with the template at >= 0.86 --
 * small pulses on a baseline swinging by several pulse amplitudes (breathing, the hand moving),
 * which the band-pass leaves below zero. Above 200 Hz the detector
 * runs on block means at 128-250 Hz (the fiducial points are interpolated, so nothing of their
 * precision is lost). The fiducial points are taken on a linear-phase low-pass (12 Hz) of the
 * input: the systolic peak is the maximum; the foot is found by intersecting tangents (the tangent
 * at the steepest point of the upstroke meets the horizontal through the minimum before it; Chiu
 * et al. 1991, Am Heart J 121:1460); the half-amplitude point is where the upstroke first
 * reaches halfway from that minimum to the peak.
 *
 * Which point times a pulse. Pulse intervals are taken between half-amplitude points (psy_pulses_
 * detect, the stream): the upstroke's points (foot, steepest slope, half amplitude) give
 * pulse-interval series closest to the RR series of an ECG, the systolic peak the farthest (its
 * timing moves with wave reflection and the peak's shape), and of those the half-amplitude point
 * agreed best in finger PPG (Peralta et al. 2019, Physiol Meas 40:025007, finger and forehead PPG
 * against ECG in a tilt test; Mejía-Mejía et al. 2020, "Pulse rate variability in cardiovascular
 * health: a review on its applications and relationship with heart rate variability", Physiol
 * Meas 41:07TR01): its level comes from two extremes and its time from the steep middle of the
 * upstroke, so noise moves it least. The foot stays the point pulse arrival times are taken to
 * (psyphys/pat.h): the least moved by wave reflection.
 * Pulse rate variability is not heart rate variability: the pulse transit time varies with
 * blood pressure and breathing, so PRV runs a little higher at rest and departs further in
 * movement and stress (Mejía-Mejía et al. 2020).
 *
 * Polarity. Some devices store the light the tissue lets through (falling with each pulse)
 * rather than blood volume (rising). The detector decides from the signal's asymmetry -- a pulse
 * rises fast and decays slowly -- over the first `polarity_s` seconds of usable signal (held back
 * until then), unless the polarity is given: each 2-s block votes for the direction whose
 * steepest slope (of the band-passed signal) is the larger, the majority decides.
 *
 * Unusable stretches (no pulse is ever reported inside one, and no interval spans one), each with
 * its reason:
 *  - missing: NaN samples;
 *  - flat: no change for flat_s (sensor off, saturation);
 *  - clipped: the signal sits at its range's edge (a plateau at a local extreme at least clip_s
 *    long whose level is the recent maximum or minimum: the amplifier's rail);
 *  - artefact (motion and other): a pulse unlike the recent ones -- its shape correlates with the
 *    template of the last accepted pulses below min_quality, its amplitude differs from their
 *    median by more than amplitude_ratio (unless its shape is a pulse's, >= 0.9), or the signal's
 *    floor moves within it (the minimum in the 0.6 interval after its peak against the one
 *    before its upstroke) by more than amplitude_ratio times that median, whatever its shape: a
 *    finger pressed or shifted on the sensor (the trough depth difference of Sukor, Redmond &
 *    Lovell 2011, Physiol Meas 32:369). The stretch runs from the end of the last accepted
 *    pulse to the foot of the next one that is clean again: its correlation with the template
 *    at least resume_quality (0.86, the level of Orphanidou et al. 2015 for a usable PPG). A
 *    motion artefact -- the sensor pressed or shifted, the baseline falling several pulse
 *    amplitudes -- rarely ends at once: the pulses on its tail keep a pulse's outline (0.6-0.86)
 *    with their feet and half-amplitude points moved, and their intervals would be tens of ms
 *    off; they are left out, not corrected (an interval never spans a stretch).
 * Per-pulse quality: the correlation of the pulse (one median pulse interval around its peak,
 * resampled to 32 points) with the mean of the last 8 accepted pulses (the template matching of
 * Li & Clifford 2012, Physiol Meas 33:1491, and Orphanidou et al. 2015, IEEE JBHI 19:832; the
 * latter's usable-PPG level is 0.86 over a 10-s window).
 *
 * Latency: a pulse is emitted at most psy_ppg_detector_latency() seconds after its peak (the
 * low-pass, the moving averages' width, the end of the pulse's block and the quality window
 * after the peak: about 2 s), plus, once, the polarity decision at the start; finish drains the
 * rest. */
#ifndef PSYPHYS_PPG_H
#define PSYPHYS_PPG_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/export.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_ppg_detector_config {
    double rate_hz;          /* sampling rate, 25 .. 1000 Hz */
    int polarity;            /* +1: pulses rise (blood volume), -1: pulses fall (inverted), 0: decide
                                from the signal (default) */
    double polarity_s;       /* usable signal the decision takes, default 10 s (2 .. 30) */
    double band_low_hz;      /* detection band, default 0.5 Hz */
    double band_high_hz;     /* default 8 Hz (capped at 0.4 rate) */
    double peak_window_s;    /* Elgendi's W1, default 0.111 s */
    double pulse_window_s;   /* Elgendi's W2, default 0.667 s */
    double offset_beta;      /* Elgendi's beta, default 0.02 */
    double lowpass_hz;       /* low-pass of the signal the fiducial points are taken on, default
                                12 Hz (capped at 0.4 times the processing rate) */
    double refractory_s;     /* no second pulse within, default 0.25 s (240 bpm) */
    double flat_s;           /* unchanged this long: flat, default 1 s */
    double clip_s;           /* a plateau at a range edge this long: clipped, default 0.08 s
                                (at least 3 samples) */
    double min_quality;      /* below: artefact, default 0.5 (-1 turns the test off) */
    double amplitude_ratio;  /* amplitude above ratio or below 1 / ratio times the median of the
                                last accepted pulses, or the floor moving more than ratio times it
                                within a pulse: artefact, default 3 (0 turns both off) */
    /* settings added since the reserve was introduced, taken from it (psyphys/export.h): zero is
     * the behaviour before them */
    double resume_quality;   /* an artefact stretch ends only at a pulse correlating at least this
                                with the template, default 0.86 (0 .. 1; 0: at any pulse that
                                passes min_quality and amplitude_ratio) */
    uint64_t reserved[PSY_RESERVED_WORDS - 1]; /* zero: room for settings to come (psyphys/export.h) */
} psy_ppg_detector_config;

PSY_API psy_ppg_detector_config psy_ppg_detector_config_default(double rate_hz);

typedef struct psy_ppg_pulse {
    double foot;        /* pulse onset by intersecting tangents: a fractional sample index */
    double upstroke;    /* the steepest point of the upstroke: a fractional sample index */
    int64_t peak;       /* systolic peak: sample index */
    double amplitude;   /* peak minus the minimum before it, input unit (> 0 whatever the polarity) */
    double quality;     /* correlation with the template, -1 .. 1; NaN for the first pulses of a
                           recording (fewer than 3 accepted before) */
    double mid;         /* the half-amplitude point of the upstroke (halfway from the minimum
                           before the pulse to its peak): a fractional sample index, foot <= mid
                           <= peak; the pulse's time for its intervals */
} psy_ppg_pulse;

typedef enum psy_ppg_reason {
    PSY_PPG_MISSING = 0, /* NaN samples */
    PSY_PPG_FLAT,        /* no change for flat_s */
    PSY_PPG_CLIPPED,     /* at the range's edge */
    PSY_PPG_ARTEFACT,    /* motion or other artefact: pulses unlike the recent ones */
    PSY_PPG_REASON_COUNT
} psy_ppg_reason;

/* "missing", "flat", "clipped", "artefact". Never NULL. */
PSY_API const char *psy_ppg_reason_name(psy_ppg_reason reason);

typedef struct psy_ppg_unusable {
    int64_t start, end;    /* samples [start, end) without usable pulses */
    psy_ppg_reason reason;
} psy_ppg_unusable;

typedef struct psy_ppg_detector psy_ppg_detector;

/* PSY_OK, PSY_E_INVALID (a setting out of range), PSY_E_NOMEM. */
PSY_API psy_status psy_ppg_detector_create(const psy_ppg_detector_config *config, psy_ppg_detector **out);

/* Pushes n samples (NaN = missing). Consumes them all unless the output queue (at least 64
 * pulses and 64 stretches) fills first: *used (may be NULL only when the caller pops after every
 * push of at most one second) tells how many were consumed; pop, then push the rest.
 * PSY_OK or PSY_E_INVALID (NULL, or after finish). */
PSY_API psy_status psy_ppg_detector_push(psy_ppg_detector *d, const double *x, size_t n, size_t *used);

/* Signals the end of the signal and emits what is still pending. After it, push returns
 * PSY_E_INVALID until reset. PSY_OK or PSY_E_INVALID. */
PSY_API psy_status psy_ppg_detector_finish(psy_ppg_detector *d);

/* Pops up to max pulses / unusable stretches in time order; returns how many were written. */
PSY_API size_t psy_ppg_detector_pop_pulses(psy_ppg_detector *d, psy_ppg_pulse *out, size_t max);
PSY_API size_t psy_ppg_detector_pop_unusable(psy_ppg_detector *d, psy_ppg_unusable *out, size_t max);

/* +1 or -1 once decided (or given), 0 before. */
PSY_API int psy_ppg_detector_polarity(const psy_ppg_detector *d);

/* The longest delay, in seconds, between a systolic peak and its emission once the polarity is
 * known (the decision itself holds the first polarity_s seconds back). */
PSY_API double psy_ppg_detector_latency(const psy_ppg_detector *d);

/* Back to the state right after create (same settings). */
PSY_API void psy_ppg_detector_reset(psy_ppg_detector *d);

/* A deep copy (same state, same future output). PSY_OK or PSY_E_NOMEM. */
PSY_API psy_status psy_ppg_detector_copy(const psy_ppg_detector *d, psy_ppg_detector **out);

/* NULL-safe. */
PSY_API void psy_ppg_detector_destroy(psy_ppg_detector *d);

#ifdef __cplusplus
}
#endif
#endif
