/* psyphys — streaming ECG R-peak detection.
 *
 * A detector object is pushed blocks of ECG samples (any size, in any unit: the detector is
 * amplitude-invariant) and emits R-peaks as sample indices counted from the first sample ever
 * pushed. It allocates only in create(); push, pop and finish never allocate.
 *
 * Method (after Pan & Tompkins 1985, IEEE TBME 32(3):230-236, and Hamilton & Tompkins 1986, IEEE
 * TBME 33(12):1157-1165), run on block means at about 180 Hz: QRS band-pass (8-20 Hz, Elgendi
 * et al. 2010; Butterworth sections), slope, squaring and a 150 ms moving-window integral; its
 * peaks are classified with thresholds
 * between the median of recent QRS peak levels and the median of recent noise peak levels, a
 * 200 ms refractory period, a slope test against T waves within 360 ms, and search-back for a
 * missed beat when no beat came for 1.66 median RR intervals. Whether a detection is a beat is
 * decided from the signal, never from how its intervals add up: each QRS is compared with running
 * templates of the recording's QRS shapes (Hamilton 2002, Computers in Cardiology 29:101-104) and
 * with the noise before it; one unlike the dominant shape that does not stand clear of the noise
 * is held for its refractory period (a clear QRS there replaces it) and is noise when its energy
 * does not stand well above the noise peaks (the more so in a noisy stretch), or when it is unlike
 * every confirmed shape of the recording and barely above the noise before it; a QRS under the
 * threshold that stands clear of the noise is a beat (premature beats far smaller than the sinus
 * QRS), and search-back also takes one well above the noise peaks, with its lowered threshold in
 * clean stretches only. A new shape is learned only from a beat well above the noise peaks. The
 * fiducial point is then refined on the raw signal: the extremum of the QRS of the polarity
 * that dominates the recording, the same kind for every beat once that polarity is known; a QRS
 * wider than the integration window (a ventricular beat) is searched over all the signal that
 * fed the integral's peak. The R-peak is timed between samples on the ECG averaged over one
 * period of 50 Hz and one of 60 Hz mains (centred: zero phase; the average nulls either mains
 * and its harmonics, which move the raw extremum by a few ms from beat to beat), at the vertex of
 * the parabola through that average's extremum nearest the raw one (within 10 ms) and its
 * neighbours: sample + offset.
 *
 * Latency: a beat is emitted at most psy_ecg_detector_latency() seconds after its R-peak (the
 * integration window, peak confirmation, an unclear beat's hold and the search-back horizon, about 3 s
 * at worst; most beats leave within 0.5 s); psy_ecg_detector_finish
 * drains the rest at the end of the signal.
 *
 * Missing data: NaN samples and flat stretches (lead off, saturation: no change for 2 s) are
 * gaps: no beat is found inside a NaN gap, none after a flat stretch has lasted flat_s, no RR spans
 * a gap, and each gap is reported with its start and end sample. A flat gap starts where its
 * plateau began, flat_s before the detector knows it, so an R-peak on that first stretch (a QRS
 * clipped into saturation) may lie inside it, and is reported before the gap (which is reported
 * where it ends). After a gap the filters restart from the next sample. */
#ifndef PSYPHYS_ECG_H
#define PSYPHYS_ECG_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_ecg_detector_config {
    double rate_hz;             /* sampling rate, 50 .. 20000 Hz (tested 100 .. 3000) */
    double band_low_hz;         /* QRS band, default 8 Hz */
    double band_high_hz;        /* default 20 Hz (capped at 0.45 rate) */
    double integration_s;       /* moving-window integral, default 0.150 s */
    double refractory_s;        /* no second beat within, default 0.200 s */
    double t_wave_window_s;     /* slope test against T waves within, default 0.360 s */
    double threshold_fraction;  /* threshold = noise + f (qrs - noise), default 0.3125 */
    double searchback_rr;       /* search back after this many median RRs, default 1.66 */
    double flat_s;              /* a stretch without change this long is a gap, default 2 s (a
                                   synthetic or coarsely quantised baseline can be flat for 1 s) */
    double detection_rate_hz;   /* the band-pass, integral and thresholds run on block means of
                                   floor(rate / this) input samples, so 1 kHz input costs about
                                   a fifth; the R-peak is then found on the input itself. Default
                                   180 Hz (at 120 Hz MIT-BIH 105's noise costs a few beats). 0:
                                   run at the input rate. 60 .. 20000 */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_ecg_detector_config;

PSY_API psy_ecg_detector_config psy_ecg_detector_config_default(double rate_hz);

typedef struct psy_ecg_beat {
    int64_t sample;     /* R-peak index from the first pushed sample: the sample nearest the
                           R-peak's time, sample + offset */
    double amplitude;   /* raw value at the R-peak minus the local baseline (signed, input unit) */
    int searchback;     /* 1 when found by search-back (a low-amplitude beat) */
    float offset;       /* the R-peak's time past sample, in samples, -0.5 .. 0.5 (since 0.2; it
                           took the room after searchback: the struct's size and offsets are
                           those of 0.1) */
    double snr;         /* the QRS's band-passed (8-20 Hz) peak over the band's RMS in the 120-350 ms
                           before it: how far it stands out of the lead's noise (> 0) */
    double likeness;    /* normalised correlation of the QRS (+-100 ms) with the recording's dominant
                           QRS template, -1 .. 1; NaN before there is one (Hamilton 2002) */
} psy_ecg_beat;

typedef struct psy_ecg_gap {
    int64_t start, end; /* samples [start, end) without usable signal */
    int flat;           /* 1: flat (lead off, saturation); 0: NaN (missing) */
} psy_ecg_gap;

typedef struct psy_ecg_detector psy_ecg_detector;

/* PSY_OK, PSY_E_INVALID (a setting out of range), PSY_E_NOMEM. */
PSY_API psy_status psy_ecg_detector_create(const psy_ecg_detector_config *config, psy_ecg_detector **out);

/* Pushes n samples. Consumes them all unless the output queue (at least 64 beats and 64 gaps)
 * fills first: *used (may be NULL only when the caller pops after every push of at most one
 * second) tells how many were consumed; pop, then push the rest. PSY_OK or PSY_E_INVALID. */
PSY_API psy_status psy_ecg_detector_push(psy_ecg_detector *d, const double *x, size_t n, size_t *used);

/* Signals the end of the signal and classifies what is still pending. After it, push returns
 * PSY_E_INVALID until reset. PSY_OK or PSY_E_INVALID. */
PSY_API psy_status psy_ecg_detector_finish(psy_ecg_detector *d);

/* Pops up to max beats / gaps in time order; returns how many were written. */
PSY_API size_t psy_ecg_detector_pop_beats(psy_ecg_detector *d, psy_ecg_beat *out, size_t max);
PSY_API size_t psy_ecg_detector_pop_gaps(psy_ecg_detector *d, psy_ecg_gap *out, size_t max);

/* The longest delay, in seconds, between an R-peak and its emission. */
PSY_API double psy_ecg_detector_latency(const psy_ecg_detector *d);

/* Back to the state right after create (same settings). */
PSY_API void psy_ecg_detector_reset(psy_ecg_detector *d);

/* A deep copy (same state, same future output). PSY_OK or PSY_E_NOMEM. */
PSY_API psy_status psy_ecg_detector_copy(const psy_ecg_detector *d, psy_ecg_detector **out);

/* NULL-safe. */
PSY_API void psy_ecg_detector_destroy(psy_ecg_detector *d);

#ifdef __cplusplus
}
#endif
#endif
