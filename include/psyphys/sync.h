/* psyphys — interpersonal physiological synchrony: two people's signals (heart rate, skin
 * conductance, breathing) recorded in one session, compared window by window and tested against
 * surrogates.
 *
 * Method.
 * - Windowed lagged cross-correlation (Boker, Xu, Rotondo & King 2002, Psychol Methods 7:338-355):
 *   A's window [t, t + window_s) against B's window shifted by every lag tau in [-max_lag_s,
 *   max_lag_s] on the grid; Pearson r per lag (each window's own mean and variance), computed with
 *   FFTW. Per window the peak is the largest r over the lags (in-phase coupling) and its lag;
 *   lag > 0: B follows A (B at t + tau resembles A at t). Windows start every step_s.
 * - Summary of a span (a session segment, the whole session): r = tanh(mean of atanh(peak r)) over
 *   the windows lying wholly inside it (Fisher z averaging), lag_s = median of the peak lags.
 * - Skin-conductance concordance (Marci, Ham, Moran & Orr 2007, J Nerv Ment Dis 195:103-111): the
 *   signals averaged per second, their slopes over 5-s windows every second, Pearson r of the two
 *   slope series over 15-s windows every second (no lag); the concordance index of a span is
 *   ln(sum of the positive r / |sum of the negative r|).
 * - Significance by segment shuffling (Moulder, Boker, Ramseyer & Tschacher 2018, Psychol Methods
 *   23:757-773): a surrogate pairs A's windows with B's windows from another time of the session,
 *   the whole run shifted together (B's windows taken as a ring, shifted by d windows, |d| at least
 *   (window_s + 2 max_lag_s) / step_s so that no pair shares data). A shifted run keeps each
 *   signal's own dynamics and the overlap of consecutive windows (so the spread of a span's
 *   statistic) and destroys only their timing. The span's statistic is recomputed for each shift;
 *   p = (1 + shifts whose statistic >= the observed) / (1 + shifts) (Phipson & Smyth 2010: never
 *   0). When the session has at most n_surrogates admissible shifts, every one is used once (the
 *   exact test), else n_surrogates are drawn with replacement. Below PSY_SYNC_MIN_SHIFTS
 *   admissible shifts (a short session) p is NaN with the reason: it could not reach 0.05.
 *
 * Signals live on a common grid of grid_hz from time 0 of the caller's time axis; NaN marks a
 * missing sample. A window is used only when every sample it needs (A's window, B's window with
 * all its lags) is present and neither side is flat.
 *
 * Determinism: the same inputs, settings and seed give the same results bit for bit. Threads:
 * psy_sync_compute keeps its state in the call and may run in several threads at once (its FFTW
 * plans are made under the library's planner lock). */
#ifndef PSYPHYS_SYNC_H
#define PSYPHYS_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/recording.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_sync_config {
    double grid_hz;        /* common grid, default 4 Hz (0.5 .. 100) */
    double window_s;       /* window length, default 30 s (>= 4 grid samples) */
    double step_s;         /* window step, default 5 s (> 0) */
    double max_lag_s;      /* largest lag either way, default 5 s (0 .. window_s / 2) */
    size_t n_surrogates;   /* default 1000 (0: no p values; else PSY_SYNC_MIN_SHIFTS .. 100000:
                              fewer could never give p <= 0.05: (1 + k) / (1 + n)) */
    uint64_t seed;         /* surrogate draws, default 1 */
    int keep_profiles;     /* 1: keep every window's r at every lag (psy_sync_result.profile) */
    int concordance;       /* 1: also the Marci et al. 2007 concordance index (skin conductance;
                              grid_hz >= 1) */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_sync_config;

PSY_API psy_sync_config psy_sync_config_default(void);

/* PSY_OK or PSY_E_INVALID naming the setting out of range in why (may be NULL). */
PSY_API psy_status psy_sync_config_check(const psy_sync_config *config, psy_message *why);

/* Fewest admissible shifts for a surrogate p value (1 / (1 + 19) = 0.05). */
#define PSY_SYNC_MIN_SHIFTS 19

/* Marci et al. 2007's slope and correlation windows (s). */
#define PSY_SYNC_SLOPE_WINDOW_S 5.0
#define PSY_SYNC_CONCORDANCE_WINDOW_S 15.0

typedef struct psy_sync_window {
    double onset_s;        /* window start on the grid's time axis */
    double r;              /* peak correlation; NaN when the window is not used */
    double lag_s;          /* lag of the peak (> 0: B follows A); NaN when not used */
} psy_sync_window;

/* A span to summarise: [onset_s, onset_s + duration_s) on the grid's time axis. */
typedef struct psy_sync_span {
    double onset_s, duration_s;
} psy_sync_span;

typedef struct psy_sync_summary {
    size_t n_windows;      /* used windows wholly inside the span */
    double r;              /* tanh(mean atanh(peak r)); NaN without windows */
    double lag_s;          /* median lag of the peaks; NaN without windows */
    double p_surrogate;    /* NaN without surrogates or shifts (why_p) */
    double concordance;    /* Marci index; NaN when not asked or undefined (why_concordance) */
    double p_concordance;  /* surrogate p of the index (same shifts, on the 1-s slope series) */
    size_t n_concordance;  /* 15-s slope-correlation windows used in the span */
    size_t n_surrogates;   /* shifts behind p_surrogate (0 when none) */
    const char *why_r;     /* static reason when r is NaN, else NULL */
    const char *why_p;
    const char *why_concordance;
} psy_sync_summary;

typedef struct psy_sync_result {
    psy_sync_config config; /* as applied: window, step and lag in whole grid samples */
    size_t n_windows;
    psy_sync_window *windows; /* every window start, used or not */
    size_t n_lags;            /* 2 max_lag grid samples + 1 */
    double *profile;          /* keep_profiles: r of window k at lag (i - (n_lags - 1) / 2) / grid_hz in
                                 profile[k * n_lags + i] (NaN for unused windows); else NULL */
    size_t n_spans;
    psy_sync_summary *spans;  /* one per span given, in order */
} psy_sync_result;

/* Synchrony of a[0..n) and b[0..n), two signals on one grid (config->grid_hz, sample k at time
 * k / grid_hz, NaN = missing), summarised over n_spans spans. *out is NULL on failure.
 * PSY_OK (also when no window could be used: then every span says why), PSY_E_INVALID (NULL,
 * settings out of range), PSY_E_NOMEM. Memory: about 2 (window + 2 lags) doubles per window,
 * plus n_surrogates doubles per span; time: O(n_surrogates x windows x FFT of a window). */
PSY_API psy_status psy_sync_compute(const double *a, const double *b, size_t n, const psy_sync_span *spans,
                            size_t n_spans, const psy_sync_config *config, psy_sync_result **out,
                            psy_message *why);

PSY_API void psy_sync_result_free(psy_sync_result *result); /* NULL-safe */

/* ---- Signals from recordings ------------------------------------------------------------------ */

typedef enum psy_sync_signal {
    PSY_SYNC_HR = 0,       /* heart rate (bpm): beats of an ECG or RR channel (corrected NN, the
                              rate at each beat, linear between beats, never across a gap or an
                              interval above 3 s), or an HR channel's samples (linear) */
    PSY_SYNC_EDA,          /* skin conductance (uS), the mean of each grid step */
    PSY_SYNC_RESP,         /* respiration waveform (channel unit), the mean of each grid step */
    PSY_SYNC_SCL,          /* tonic skin conductance level (uS): psy_eda_analyze's (fast method,
                              defaults) 1-s tonic means, linear between seconds */
    PSY_SYNC_PHASIC,       /* phasic skin conductance (uS): PSY_SYNC_EDA minus PSY_SYNC_SCL */
    PSY_SYNC_SIGNAL_COUNT
} psy_sync_signal;

/* "hr", "eda", "resp", "scl", "phasic". NULL for an unknown value. */
PSY_API const char *psy_sync_signal_name(psy_sync_signal signal);
/* PSY_OK or PSY_E_INVALID for an unknown name. */
PSY_API psy_status psy_sync_signal_parse(const char *name, psy_sync_signal *out);

/* The channel of a recording a signal is taken from: for HR an ECG channel, else RR, else PPG,
 * else HR; for EDA, SCL and PHASIC the first EDA channel; for RESP the first RESP channel. -1 when
 * none. */
PSY_API int psy_sync_find_channel(const psy_reader *reader, psy_sync_signal signal);

/* Signal `signal` of channel ch of a recording on a grid: out[k] is the value at reader time
 * t0_s + k / grid_hz (seconds from the reader's start; before it or past its end: NaN), k < n.
 * HR from ECG/RR channels runs psy_beats_detect with its defaults, from a PPG channel
 * psy_pulses_detect (the pulse rate). PSY_OK, PSY_E_INVALID (bad arguments, a channel of the
 * wrong kind), PSY_E_NOMEM, or a read/detection error (why says it). */
PSY_API psy_status psy_sync_signal_on_grid(psy_reader *reader, int ch, psy_sync_signal signal, double t0_s,
                                   double grid_hz, size_t n, double *out, psy_message *why);

/* Seconds in [from_s, to_s) (on A's time axis) where both recordings have data: A's stretches
 * against B's shifted by b_minus_a_s (psy_sync_start_offset); a pause or dropout of either is
 * left out. NaN for a NULL reader. */
PSY_API double psy_sync_both_recorded_s(const psy_reader *a, const psy_reader *b, double b_minus_a_s, double from_s,
                                        double to_s);

/* Seconds from A's start to B's start (psy_reader_start of each), plus extra_s. *known is 0 when
 * either start is unknown (then *b_minus_a_s is extra_s: taken as starting together). PSY_OK or
 * PSY_E_INVALID. */
PSY_API psy_status psy_sync_start_offset(const psy_reader *a, const psy_reader *b, double extra_s,
                                 double *b_minus_a_s, int *known);

/* ---- Live: two streams in, windowed synchrony out (dyadic biofeedback) ----------------------- */

/* The windowed lagged cross-correlation of psy_sync_compute, window by window as two signals
 * arrive on a common grid: window k covers A's grid samples [k step, k step + window) and is
 * finished when B's sample k step + window + max_lag has arrived (max_lag_s after the window's
 * end); windows starting before max_lag are NaN, as in psy_sync_compute. Over the same samples the
 * windows are those of psy_sync_compute, bit for bit, however the samples are chunked. Uses
 * grid_hz, window_s, step_s and max_lag_s of the config (surrogates and concordance are
 * offline). Memory fixed at create (window + 2 lags of each signal, PSY_SYNC_LIVE_QUEUE
 * windows); push and pop never allocate. One object per thread. */
typedef struct psy_sync_live psy_sync_live;

#define PSY_SYNC_LIVE_QUEUE 64

/* NULL with *status (may be NULL) PSY_E_INVALID (settings out of range: psy_sync_config_check)
 * or PSY_E_NOMEM. */
PSY_API psy_sync_live *psy_sync_live_create(const psy_sync_config *config, psy_status *status);

/* Takes grid samples a[0..n) and b[0..n) of the two people (the same grid times; NaN = missing)
 * until n are taken or PSY_SYNC_LIVE_QUEUE finished windows wait to be popped; *used (may be
 * NULL) says how many were taken. PSY_OK or PSY_E_INVALID (NULL pointers with n > 0). */
PSY_API psy_status psy_sync_live_push(psy_sync_live *live, const double *a, const double *b, size_t n,
                                      size_t *used);

/* The oldest finished window (onset_s from the first sample pushed since create or reset; r and
 * lag_s NaN when a sample is missing or a side flat) into *out, and its r at every lag (2 max_lag
 * grid samples + 1 values, lag -max_lag first) into profile when not NULL. 1, or 0 when none waits. */
PSY_API int psy_sync_live_pop(psy_sync_live *live, psy_sync_window *out, double *profile);

/* Lags per window of the profile pop fills (2 max_lag grid samples + 1); 0 for NULL. */
PSY_API size_t psy_sync_live_lag_count(const psy_sync_live *live);

/* Forgets every sample and window: the next push starts at onset 0. */
PSY_API void psy_sync_live_reset(psy_sync_live *live);
PSY_API void psy_sync_live_destroy(psy_sync_live *live); /* NULL-safe */

/* Unix time (s) of a reader's start; NaN when unknown. Same as psy_reader_start_unix (kept for
 * callers of the first version). */
PSY_API double psy_sync_start_unix(const psy_reader *reader);

#ifdef __cplusplus
}
#endif
#endif
