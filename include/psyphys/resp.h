/* psyphys — breaths from a respiration channel (belt, thermistor, impedance), streaming.
 *
 * Method: the signal low-passed at 1 Hz (second-order Butterworth: breathing up to 60 /min, the
 * top of the plausible range, passes; the cardiogenic oscillation of impedance pneumography at
 * the heart rate is damped), then alternate troughs and peaks of it by hysteresis, an extreme
 * being confirmed once the signal has come back from it by 0.3 of the typical breath, or by half
 * the swing that led to it when that is less (but at least 0.15 of the typical breath: a shallow
 * breath after deep ones crosses the middle of its own swing); a trough, the next peak and the
 * next trough make one breath, and a breath smaller than 0.3 of the typical one is merged into
 * its neighbour, so ripples do not split breaths. Two maxima whose dip lies in the upper half of
 * both the rise before it and the rise after it are one breath (an inspiration with a pause, a
 * double hump: no expiration between them), and a rise less than a fifth of the fall after it is
 * a pause in the expiration, not a breath (the breath before goes on to the next trough), while
 * that breath's expiration has not come back to its onset's level, once per breath. So a breath
 * is reported once the next one closes (impedance, belts; ECG-derived breaths at once), and at
 * the latest a hold after the trough that closed it: a second hump or a resumed expiration that
 * closes later is a breath of its own. The hold is 1.2 typical breath durations (the median of the
 * last 5 breaths, a merged breath whole; the look-ahead's first), at least 8 s and at most 20 s:
 * at resonance breathing (4-6 /min) an inspiratory pause's dip comes more than 8 s before the
 * breath's end. A breath is therefore queued at the latest a hold after its closing trough, or
 * when that trough is confirmed if later (the signal must rise from it: after an end-expiratory
 * apnea or breath-hold, when breathing resumes), and its times are those of the low-passed signal,
 * whose delay (a fraction of a second) the samples pushed must also cover.
 * The typical breath: a sinusoid's peak-to-trough (2.8 rms) of the last 10 s of the 0.02-1 Hz
 * band-passed signal, each sample counting up to 2 rms, and no more than the median depth of the
 * last 5 breaths (a sigh or a movement raises the power; the breaths after it are still sized by
 * their neighbours). The first breaths after the start (and after a gap before any were sized) are
 * sized by a look-ahead: the detector keeps the first 20 s of samples, takes as typical breath the
 * median, weighted by duration, of the swings between successive extremes of the signal low-passed
 * at half the band's top (Count-adv's quartile of the swings, weighted by time so that a start-up
 * transient or a movement does not inflate it, nor the cardiac oscillation of impedance
 * pneumography shrink it), starts the recent depths and the level from it, then detects from the
 * first sample. A stretch too short or flat for it (fewer than 3 swings) falls back to the running
 * mean of its samples, the first trough sought after 2 s. The first breaths are therefore reported
 * 20 s after the start; the look-ahead takes 20 s of samples of memory (160 kB at 1 kHz, 3.2 MB at
 * 20 kHz), allocated at create. After a gap, once breaths were sized before it (the look-ahead, or
 * 5 breaths without it), those breaths size the first ones after it (depths, durations, level) and
 * the detection goes on at once, without a look-ahead (a live stream's time jumps). The record's or
 * a stretch's start is its first trough only if it lies within a tenth of the first breath's fall
 * above the trough that closes it (the end-expiratory level); else the start cut an inspiration and
 * that partial breath is not reported.
 * The extremes are taken on the low-passed signal, not the band-passed one, because the
 * high-pass's response to a baseline step (a movement, a posture change) lasts ~10 s and hides
 * the shallow breaths riding on it; a breath's depth, peak minus the mean of its troughs,
 * removes the baseline's slope. The end of inspiration is the maximum between the two troughs:
 * where the volume signal stops rising. Times are corrected for the low-pass's group delay at
 * 15 /min. The record's start is the first trough unless the signal rose from it (its lowest
 * point within a quarter period of the low-pass's cut-off of the start and past the hysteresis
 * within 1.5 quarter periods: the start cut an inspiration). The
 * last breath is closed at the record's end when the signal had stopped falling at least a
 * quarter period of the low-pass's cut-off before it (0.25 s: the end-expiratory pause), its
 * lowest point the trough; a record cut while the signal still falls leaves that breath open,
 * and it is not reported.
 * This is the extrema-counting approach with an amplitude criterion relative to the recent
 * breaths ("Count-adv", Schäfer & Kratky 2008, Ann Biomed Eng 36:476-485; compared in
 * Charlton et al. 2016, Physiol Meas 37:610-626), made causal.
 * Validated against MARSH's annotated ends of inspiration (scripts/resp_check.py, README).
 * Indices are input samples from the first pushed sample. The same conventions as the ECG
 * detector: allocation only in create, push/pop/finish/reset/copy. */
#ifndef PSYPHYS_RESP_H
#define PSYPHYS_RESP_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/beats.h"
#include "psyphys/recording.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_resp_config {
    double rate_hz;       /* input rate, 4 .. 20000 Hz */
    double band_low_hz;   /* default 0.02 Hz */
    double band_high_hz;  /* default 1 Hz (capped at 0.45 rate) */
    double hysteresis;    /* prominence as a share of the typical breath (2.8 rms), default 0.3 */
    double min_amplitude; /* smallest breath, share of the typical breath, default 0.3 */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_resp_config;

PSY_API psy_resp_config psy_resp_config_default(double rate_hz);

typedef struct psy_breath {
    int64_t onset;      /* trough before the inhalation (sample): start of inspiration */
    int64_t peak;       /* end of inspiration: maximum of the low-passed signal between the troughs */
    int64_t end;        /* next trough: the end of the breath */
    double amplitude;   /* peak minus the mean of the two troughs, on the low-passed signal
                           (band-passed for ECG-derived breaths) */
} psy_breath;

typedef struct psy_resp_detector psy_resp_detector;

/* PSY_OK, PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_resp_detector_create(const psy_resp_config *config, psy_resp_detector **out);

/* Pushes n samples (NaN: a gap; the filters restart after it and no breath spans it). Consumes
 * them all unless the queue (64 breaths) fills: *used says how many. It may be NULL only when the
 * caller pops after every push of at most 10 s and breathing is no faster than 2 breaths a
 * second: a push may detect on the 20-s look-ahead too, 30 s of breaths in all (a 30-s push at
 * 90 /min after 19 s pushed fills the queue). The look-ahead's samples are detected on as the
 * caller pushes and pops. PSY_OK or PSY_E_INVALID. */
PSY_API psy_status psy_resp_detector_push(psy_resp_detector *d, const double *x, size_t n, size_t *used);

/* Ends the signal; after it, push returns PSY_E_INVALID until reset. Pop until it returns 0 for
 * the last breaths (a look-ahead still held is detected on as they are popped). */
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


/* ---- Breaths of a recording ------------------------------------------------------------------ */

typedef enum psy_breath_source {
    PSY_BREATHS_RESP = 0, /* a respiration channel (belt, impedance, thermistor, airflow) */
    PSY_BREATHS_EDR       /* ECG-derived respiration (psy_breaths_from_ecg, psy_breaths_from_beats) */
} psy_breath_source;

/* The ECG-derived breathing rate of one minute, from the spectra of the modulations (frequency
 * domain, analysis/edr_rate.c), beside the breaths the detector counts in the time domain. */
#define PSY_EDR_RATE_WINDOW_S 60.0
typedef struct psy_edr_rate_window {
    double onset_s;   /* the window [onset_s, onset_s + PSY_EDR_RATE_WINDOW_S): consecutive from
                         time 0 of the recording's time axis */
    double per_min;   /* breaths/min: the fundamental of the modulations' fused spectra, 4.2 /min
                         to half the window's heart rate (from the median of its beat intervals up
                         to 3 s; slower breathing comes out as a harmonic or NaN); NaN (why) when
                         no mechanism shows breathing at it (agreeing 0), fewer than 2 modulations
                         were measured, or half the heart rate leaves the band fewer than 3 bins */
    int modulations;  /* modulations with numbers over at least half the window */
    /* The mechanisms that show breathing at per_min, 0-2 (the RR interval: sinus arrhythmia; the
     * QRS waveform's modulations, counted as one: they share each beat's noise). 2 when the RR
     * and waveform modulations are coherent at it (coherence at least 0.5) and either's purity
     * is at least 3; else the waveform when its purity is at least 6, plus the RR interval when
     * its purity is at least 6 and a waveform modulation has a spectral peak of half its highest
     * within 2 /min of it (the RR interval's 0.1 Hz Mayer waves are pure too). Changed in 0.2
     * (before the release): it counted the modulations (0-4) with a peak and an autocorrelation
     * at the rate, a rate needing 2. */
    int agreeing;
    const char *why;  /* static reason when per_min is NaN, else NULL */
    /* The numbers that decided the window (since 0.2; NaN where not measured: no rate, or the
     * mechanism's modulations missing over half the window), analysis/edr_rate.c: */
    double coherence;       /* the mean magnitude-squared coherence of the RR interval with each
                               waveform modulation at per_min, 0-1 (6 sine tapers: +-3.5 /min) */
    double purity_rr;       /* the share of the RR modulation's frequency-weighted Hann
                               periodogram within 2 /min of per_min, of the band 4.2 /min to half
                               the heart rate, against a flat spectrum's share there: in standard
                               deviations of that share over white noise (0: noise on average) */
    double purity_waveform; /* the same, the mean over the waveform modulations */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for measures to come (an array's element
                                              keeps its size; psyphys/export.h) */
} psy_edr_rate_window;

typedef struct psy_breath_list {
    size_t n;
    psy_breath *b;            /* in time order; indices on rate_hz from the channel's first sample */
    double *onset_s;          /* b[i].onset in seconds on the recording's time axis */
    double *peak_s;           /* b[i].peak, likewise */
    double *end_s;            /* b[i].end, likewise */
    double rate_hz;           /* the rate the indices are on: the channel's, or the EDR series' */
    psy_breath_source source;
    psy_resp_config config;   /* the detector's settings (rate_hz included) */
    /* ECG-derived breaths: the modulations fused, for the sidecar ("RR interval, QRS R-S
     * amplitude, ..."; a static string); NULL for a respiration channel. Since 0.2 (appended:
     * the list is the library's). */
    const char *modulations;
    /* ECG-derived breaths: the rate per minute in the frequency domain, the whole minutes the
     * beats span (0 and NULL for a respiration channel). Since 0.2 (appended). */
    size_t n_rate_windows;
    psy_edr_rate_window *rate_windows;
    /* A respiration channel's runs of missing samples (NaN: empty cells, a device's dropouts),
     * [start, end) on rate_hz, in time order (flat is 0); no breath spans one, and the breathing
     * rate leaves them out (psy_breath_list_rate_over). 0 and NULL for ECG-derived breaths.
     * Since 0.2 (appended). */
    size_t n_gaps;
    psy_ecg_gap *gaps;
} psy_breath_list;

PSY_API void psy_breath_list_free(psy_breath_list *list); /* NULL-safe */

/* Detects the breaths of a regular channel of r (read block by block; memory grows with the
 * number of breaths only). config: NULL for psy_resp_config_default; its rate_hz is set from the
 * channel. *out is NULL on failure, with the reason in *why (may be NULL). PSY_OK,
 * PSY_E_INVALID (no such channel, an irregular channel, a rate below 4 Hz, a bad config),
 * PSY_E_NOMEM, or the channel's read error. */
PSY_API psy_status psy_breaths_detect(psy_reader *r, int ch, const psy_resp_config *config,
                                      psy_breath_list **out, psy_message *why);

/* ECG-derived respiration: breaths from a beat list (psy_beats_detect) when there is no
 * respiration channel. See analysis/edr.c for the method. The breath indices are on a 4 Hz grid
 * from the recording's time 0 (rate_hz 4); amplitudes are in arbitrary units; rate_windows holds
 * the rate of each whole minute from time 0 to the last beat, in the frequency domain. PSY_OK,
 * PSY_E_INVALID (NULL, or a session's lean beats without per-beat columns: psyphys/session.h),
 * PSY_E_TOO_SHORT (fewer than 10 beats with amplitudes), PSY_E_NOMEM. */
PSY_API psy_status psy_breaths_from_beats(const psy_beat_list *beats, psy_breath_list **out, psy_message *why);

/* ECG-derived respiration from the ECG waveform: as psy_breaths_from_beats, with the QRS
 * waveform's respiratory modulations measured in one more pass over ECG channel ch of r (the
 * channel the beats were detected on). PSY_OK, PSY_E_INVALID (NULL, no such channel, lean beats),
 * PSY_E_TOO_SHORT, PSY_E_NOMEM, or the channel's read error (reason in *why). */
PSY_API psy_status psy_breaths_from_ecg(psy_reader *r, int ch, const psy_beat_list *beats, psy_breath_list **out,
                                        psy_message *why);

/* The breathing rate over the breaths of a list that lie whole in [t0_s, t1_s] on the recording's
 * time axis (onset_s, end_s: the breaths that psy_session_breath_depth and psy_session_rsa_p2t
 * take), over the span they were observed for: from the first one's onset to the last one's end on
 * the channel's sample axis, which leaves out the time a discontinuous recording (EDF+D) skips
 * between them, less the missing samples (list->gaps) in it. The minimum data of psy_breath_rate_over. PSY_OK or PSY_E_INVALID (NULL, a list
 * without times, t1_s < t0_s). */
PSY_API psy_status psy_breath_list_rate_over(const psy_breath_list *list, double t0_s, double t1_s,
                                             psy_breath_rate *out);

/* What a list of breaths says about the breathing over it. */
typedef struct psy_breath_summary {
    size_t n_breaths;
    psy_breath_rate rate;        /* psy_breath_rate_over the whole list */
    double duration_mean_s;      /* mean breath duration (onset to end); NaN without breaths */
    /* Irregularity: the coefficient of variation of breath duration, % (SD / mean; the
     * breath-to-breath variability of Tobin et al. 1988, J Appl Physiol 65:309-317, and Benchetrit
     * 2000, Respir Physiol 122:123-129); NaN below 3 breaths. */
    double duration_cv_pct;
    /* Depth: the median breath amplitude (peak minus the mean of its troughs, on the low-passed
     * signal: the channel's unit; band-passed, in arbitrary units, for ECG-derived breaths) and
     * its coefficient of variation, %. NaN below 1 (median) or 3 (CV) breaths. */
    double amplitude_median;
    double amplitude_cv_pct;
} psy_breath_summary;

/* PSY_OK, or PSY_E_INVALID when list or out is NULL. */
PSY_API psy_status psy_breath_summarize(const psy_breath_list *list, psy_breath_summary *out);

#ifdef __cplusplus
}
#endif
#endif
