/* psyphys — electrodermal activity: preprocessing, tonic/phasic decomposition, SCRs, SCL.
 *
 * Units: skin conductance in uS (readers convert nS, mS, S and resistance; see recording.h);
 * times in seconds; amplitudes in uS. Time 0 is the first sample pushed (stream) or the
 * recording start (psy_eda_analyze_*).
 *
 * Preprocessing (both methods): artefact rules on the input (after Kleckner et al. 2018, IEEE
 * TBME 65(7):1460-1467, and what physiology allows an SCR: Boucsein et al. 2012, Psychophysiology
 * 49:1017-1034): a spike, an excursion of at least the larger of a quarter of min_amplitude_us and
 * 6 noise sd that comes back within spike_max_s while the level moves less than half as much
 * around it, is repaired (the line between its neighbours; counted in psy_eda_artifacts.spike);
 * a drop below drop_fraction of the last second's largest value is flagged (contact or
 * pressure: a response's recovery halves at most its phasic part in a second). Then a low-pass
 * (two cascaded 2nd-order Butterworth sections, cutoff min(lowpass_hz, 0.35 x rate), skipped when
 * that is below 0.2 Hz) and decimation by an integer factor floor(rate / analysis_rate_hz) (so
 * 100 Hz -> 33.3 Hz, 1000 Hz -> 32.3 Hz, 4 Hz stays 4 Hz); reported times are corrected for the
 * low-pass group delay. Flags per analysis sample: missing (NaN), out of range (<= min_us, the
 * 0.05 uS floor of Kleckner et al., or > max_us: contact lost, negative or not uS), slope
 * steeper than max_slope_us_per_s (electrode movement), flat (no change at all for flat_s: a
 * disconnected or saturated amplifier), drop, and near: within artifact_radius_s of an out of
 * range, too steep or drop sample (Kleckner's transition radius). Flagged samples are not used:
 * no SCR is scored across them, SCL is their complement's mean, and rates per minute divide by
 * the valid time only. The rules hold samples back spike_max_s (input) and artifact_radius_s
 * (analysis samples).
 *
 * Sensor noise (psy_eda_noise): the sd of white noise on the raw input, from third differences
 * in 5 s blocks (the mean of their smaller half, robust to SCR onsets and continuous on quantised
 * data), the median of the last minute's blocks (causal).
 *
 * Decomposition:
 *  - PSY_EDA_FAST (streaming): phasic = causal 2nd-order Butterworth high-pass at highpass_hz
 *    (0.05 Hz) of the low-passed signal, tonic = low-passed minus phasic.
 *  - PSY_EDA_DECONV (offline, two passes over the signal): after Benedek & Kaernbach 2010,
 *    "A continuous measure of phasic electrodermal activity", J Neurosci Methods 190:80-91.
 *    The signal is deconvolved by the Bateman impulse response h(t) ~ exp(-t/tau2) - exp(-t/tau1)
 *    (unit area, so the driver is in uS) and smoothed by a Gaussian (FFTW, overlap-save blocks);
 *    the tonic driver is a low quantile of the driver in every tonic_grid_s window, interpolated
 *    linearly between window centres; tonic SC = tonic driver convolved with h; phasic SC = SC -
 *    tonic SC; phasic driver = driver - tonic driver (its positive area is reported).
 *
 * SCR scoring (both methods, on the skin conductance (fast) or phasic SC (deconv)): candidates
 * are the rises of the level's first-order driver, level + tau2 x slope (slope over 0.5 s), which
 * stays flat on the recovery of an earlier response and steps up where a new one starts. The
 * onset is the knee where the level's rise starts (the last sample before the steepest rise whose
 * slope is within 10 % of the way from the median slope before it to the steepest), or the
 * trough when the level still falls after it. The amplitude is measured against the baseline
 * extrapolated from the least-squares line over baseline_s before the onset, straight when
 * rising (drift; flat when an earlier SCR peaked inside the window), an exponential recovery with
 * time constant tau2_s when falling (the tail of an earlier, overlapping SCR): the peak is the
 * largest excess over it within max_rise_s, before the next onset and before the level itself
 * falls again (by the hysteresis or a fifth of the rise). An SCR counts when
 *  - its amplitude >= min_amplitude_us (absolute, default 0.01 uS);
 *  - the level itself rises, trough to peak, by min_amplitude_us less 3 sd of the noise of a
 *    difference of two samples (at least the hysteresis): a pause in a declining level is none;
 *  - min_rise_s <= rise time < max_rise_s (0.5-5 s, Boucsein et al. 2012);
 *  - the amplitude measured the same way on the level averaged over +-0.5 s reaches noise_factor
 *    standard deviations of what the sensor noise gives that measurement (its baseline window and
 *    extrapolation distance, through the low-pass: computed from the filter's autocovariance).
 * Half recovery: time from the peak until the excess falls to half the amplitude, within
 * recovery_max_s and before the next onset (NaN otherwise). */
#ifndef PSYPHYS_EDA_H
#define PSYPHYS_EDA_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/recording.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_eda_method { PSY_EDA_FAST = 0, PSY_EDA_DECONV } psy_eda_method;

/* "fast", "deconv". Never NULL. */
PSY_API const char *psy_eda_method_name(psy_eda_method method);

typedef struct psy_eda_config {
    double rate_hz;             /* input rate, 1 .. 100000 Hz */
    double lowpass_hz;          /* default 3 Hz */
    double analysis_rate_hz;    /* target, default 32 Hz; the actual rate is rate / factor */
    double min_us, max_us;      /* valid range (min_us, max_us], default (0.05, 100] */
    double max_slope_us_per_s;  /* default 10 uS/s */
    double flat_s;              /* default 10 s; 0 disables */
    double spike_max_s;         /* longest spike repaired, default 1 s; 0 disables */
    double drop_fraction;       /* a fall below this fraction of the last second's largest
                                   value is a drop, default 0.5; 0 disables */
    double artifact_radius_s;   /* flagged around every artefact, default 5 s; 0 disables */
    double highpass_hz;         /* fast method, default 0.05 Hz */
    double min_amplitude_us;    /* default 0.01 uS */
    double noise_factor;        /* an SCR must also reach this many standard deviations of what
                                   the sensor noise gives its amplitude; default 3.5, 0 = off */
    double relative_amplitude;  /* offline option: drop SCRs below this fraction of the largest;
                                   default 0 (off) */
    double hysteresis_us;       /* default 0 = half of min_amplitude_us (at most 0.005 uS) */
    double min_rise_s, max_rise_s; /* default 0.5 s, 5 s */
    double recovery_max_s;      /* default 10 s */
    double baseline_s;          /* slope window before the onset, default 1 s */
    /* deconvolution (Benedek & Kaernbach 2010; Ledalab's defaults tau1 = 1 s, tau2 = 3.75 s) */
    double tau1_s, tau2_s;      /* rise and decay time constants, 0 < tau1 < tau2 */
    double smooth_s;            /* Gaussian sigma of the driver smoothing, default 0.2 s */
    double tonic_grid_s;        /* default 10 s */
    double tonic_quantile;      /* default 0.25 */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_eda_config;

PSY_API psy_eda_config psy_eda_config_default(double rate_hz);

/* PSY_OK or PSY_E_INVALID with the setting named in why (may be NULL). */
PSY_API psy_status psy_eda_config_check(const psy_eda_config *c, psy_message *why);

typedef struct psy_eda_scr {
    double onset_s;         /* SCR onset */
    double peak_s;          /* time of the largest excess over the baseline */
    double amplitude_us;    /* peak minus baseline */
    double rise_time_s;     /* peak_s - onset_s */
    double half_recovery_s; /* from the peak to half the amplitude; NaN when not reached */
    double onset_level_us;  /* skin conductance (fast) or phasic SC (deconv) at the onset */
} psy_eda_scr;

/* What was wrong with a sample (analysis samples; or'ed per second in psy_eda_result.flags_1hz). */
typedef enum psy_eda_flag {
    PSY_EDA_MISSING = 1,
    PSY_EDA_BELOW_RANGE = 2,   /* <= min_us: contact lost, disconnected */
    PSY_EDA_ABOVE_RANGE = 4,
    PSY_EDA_FLAT = 8,
    PSY_EDA_SLOPE = 16,        /* steeper than max_slope_us_per_s */
    PSY_EDA_DROP = 32,
    PSY_EDA_NEAR = 64,         /* within artifact_radius_s of an artefact */
    PSY_EDA_SPIKE_REPAIRED = 128 /* valid: a spike in it was repaired */
} psy_eda_flag;

/* Artifact counts, in analysis samples, each by its first kind in this order: missing, out of
 * range, flat, slope, drop, near (within artifact_radius_s of one of the others but missing). */
typedef struct psy_eda_artifacts {
    int64_t total, missing, out_of_range, slope, flat;
    int64_t below_min, above_max;   /* split of out_of_range */
    int64_t drop, near;
    int64_t spike;                  /* valid samples with repaired spike samples in them */
} psy_eda_artifacts;

/* Analysis samples left out as artefacts or gaps: every kind but the repaired spikes. */
PSY_API int64_t psy_eda_artifacts_excluded(const psy_eda_artifacts *a);

/* Sensor noise and the amplitude criterion it sets. The noise is the standard deviation of white
 * noise on the raw signal (uS, at the input rate), estimated from third differences in 5 s
 * blocks, robustly (the mean of the smaller half of |d3|), as the median of the last 12 blocks
 * (one minute, causal). The criterion is max(min_amplitude_us, noise_factor x the standard
 * deviation that noise gives the amplitude of a typical response: a 2 s rise against a straight
 * baseline over baseline_s, on the level averaged over +-0.5 s); each response is held to the
 * same with its own rise and baseline. NaN while unknown. */
typedef struct psy_eda_noise {
    double noise_us;          /* median over the recording (block by block, resolution 6 %) */
    double noise_max_us;      /* largest */
    double criterion_us;      /* the criterion at noise_us */
    double criterion_max_us;  /* the criterion at noise_max_us */
    double raised_s;          /* seconds in which the noise set the criterion above
                                 min_amplitude_us */
    double current_us;        /* the estimate at the newest sample */
} psy_eda_noise;

/* ---- Streaming: the fast method and SCR scoring as a push object --------------------------- */

typedef struct psy_eda_stream psy_eda_stream;

/* Allocates only here. PSY_OK, PSY_E_INVALID (see psy_eda_config_check), PSY_E_NOMEM. */
PSY_API psy_status psy_eda_stream_create(const psy_eda_config *config, psy_eda_stream **out);

/* Pushes n samples (uS). Consumes them all unless the SCR queue (at least 64) fills: *used (may
 * be NULL when the caller pops after every push of at most 60 s) tells how many were consumed.
 * PSY_OK, or PSY_E_INVALID (NULL, or after finish). Never allocates. */
PSY_API psy_status psy_eda_stream_push(psy_eda_stream *s, const double *x, size_t n, size_t *used);

/* Scores the samples the artefact rules held back and what is pending at the end of the signal;
 * push fails until reset. Call it with the SCR queue popped empty (as after every push).
 * PSY_OK, or PSY_E_INVALID (NULL, finished, or SCRs left unpopped). */
PSY_API psy_status psy_eda_stream_finish(psy_eda_stream *s);

/* Pops up to max SCRs in onset order; returns how many were written. */
PSY_API size_t psy_eda_stream_pop(psy_eda_stream *s, psy_eda_scr *out, size_t max);

/* The analysis rate (Hz) and the longest delay (s) between an SCR onset and its emission. */
PSY_API double psy_eda_stream_analysis_rate(const psy_eda_stream *s);
PSY_API double psy_eda_stream_latency(const psy_eda_stream *s);

/* Running totals: artifact counts, and the sum and count of valid tonic samples (SCL = sum/n). */
PSY_API psy_eda_artifacts psy_eda_stream_artifacts(const psy_eda_stream *s);
PSY_API void psy_eda_stream_tonic(const psy_eda_stream *s, double *sum_us, int64_t *n);
/* The noise so far (all NaN for NULL). */
PSY_API psy_eda_noise psy_eda_stream_noise(const psy_eda_stream *s);

PSY_API void psy_eda_stream_reset(psy_eda_stream *s);
/* PSY_OK or PSY_E_NOMEM. */
PSY_API psy_status psy_eda_stream_copy(const psy_eda_stream *s, psy_eda_stream **out);
PSY_API void psy_eda_stream_destroy(psy_eda_stream *s); /* NULL-safe */

/* ---- Offline analysis of a whole channel ----------------------------------------------------- */

/* A stretch of the channel, [start_s, end_s) in s from its start. */
typedef struct psy_eda_span {
    double start_s, end_s;
} psy_eda_span;

typedef struct psy_eda_result {
    psy_eda_method method;
    psy_eda_config config;      /* as applied (rate_hz from the channel) */
    double analysis_rate_hz;
    double duration_s;          /* of the channel */
    double valid_s;             /* not flagged: psy_eda_valid_seconds over the channel */
    psy_eda_artifacts artifacts;
    psy_eda_noise noise;
    double signal_min_us, signal_max_us, signal_median_us; /* raw valid values (median: of the
                                   1 s tonic means) */
    size_t n;                   /* SCRs */
    psy_eda_scr *scr;
    /* the tonic level once per second (mean of the valid tonic samples of that second, NaN when
       none), for segment and epoch baselines */
    size_t n_tonic;
    double *tonic_1hz_us;
    unsigned char *flags_1hz;   /* the psy_eda_flag bits of that second's samples (n_tonic) */
    double *phasic_area_1hz_us_s; /* deconv: positive phasic driver area per second (n_tonic
                                     values); NULL for the fast method */
    /* summary (NaN when undefined; `why_na` then says why) */
    double scl_us;              /* mean tonic level over valid samples */
    double ns_scr_per_min;      /* every SCR per valid minute (no events known here: the NS-SCR
                                   rate of a span, events excluded, is psy_eda_summarize's) */
    double scr_amplitude_mean_us, scr_amplitude_sum_us;
    double phasic_driver_area_us_s; /* deconv: area of the positive phasic driver; fast: NaN */
    char why_na[160];
    /* the stretches without valid skin conductance: flagged analysis samples (artefacts, missing
       samples), each covering 1/analysis_rate_hz s, merged, in time order, within
       [0, duration_s) */
    size_t n_excluded;
    psy_eda_span *excluded;
    /* 1 when the recording skips time between stretches (EDF+D): every time above is on the
       channel's data axis (the stretches concatenated), not the recording's, so event-related
       responses are refused (n/a with the reason) rather than given at a wrong time */
    int skips_time;
} psy_eda_result;

/* Analyses n samples at config->rate_hz (the signal is read in blocks; x is not modified).
 * PSY_OK (possibly with NaN summaries and why_na set: too short, all flagged), PSY_E_INVALID,
 * PSY_E_NOMEM. *out is NULL on failure. */
PSY_API psy_status psy_eda_analyze_signal(const double *x, int64_t n, const psy_eda_config *config,
                                          psy_eda_method method, psy_eda_result **out, psy_message *why);

/* Same on channel ch of a reader (any regular channel, values taken as uS; rate_hz of config is
 * replaced by the channel's). Memory is bounded by the block size and the SCR list; the deconv
 * method reads the channel twice. PSY_OK, PSY_E_INVALID (irregular channel, bad setting),
 * PSY_E_NOMEM or a read error. */
PSY_API psy_status psy_eda_analyze(psy_reader *reader, int ch, const psy_eda_config *config,
                                   psy_eda_method method, psy_eda_result **out, psy_message *why);

PSY_API void psy_eda_result_free(psy_eda_result *r); /* NULL-safe */

/* The one definition of valid time, which every output of the channel gives (the summary, the
 * segments, analyze's summary line and warnings): the seconds of [start_s, end_s) that lie in
 * the channel, [0, duration_s), and outside its excluded stretches (sample resolution). The
 * excluded seconds of a span are its seconds in the channel minus these: artefacts and missing
 * samples (time outside the channel is neither). 0 for NULL. */
PSY_API double psy_eda_valid_seconds(const psy_eda_result *r, double start_s, double end_s);

/* Drops SCRs below `fraction` of the largest amplitude and updates the summary (relative
 * threshold, an option; the default scoring is absolute). */
PSY_API void psy_eda_apply_relative_threshold(psy_eda_result *r, double fraction);

/* ---- Event-related SCRs ----------------------------------------------------------------------- */

typedef struct psy_eda_event_response {
    double event_s;          /* stimulus time */
    int found;               /* 1 when an SCR onset lies in [event + latency_min, event + latency_max] */
    double amplitude_us;     /* of the largest such SCR; 0 when none (magnitude = mean with zeros);
                                NaN when the window was not observed (na_reason) */
    double latency_s;        /* its onset - event_s; NaN when none */
    double rise_time_s;      /* NaN when none */
    double peak_s;           /* NaN when none */
    double scl_us;           /* tonic level in the second before the event (NaN if unknown) */
    const char *na_reason;   /* NULL, or why the latency window was not observed (static text):
                                then found is 0 and amplitude_us NaN, a missing value, no response */
} psy_eda_event_response;

/* For each stimulus time, the largest SCR whose onset falls in the latency window (inclusive).
 * A response is scored only where the whole window, and the SCR rise after it, was observed: an
 * SCR counts once its peak is seen, up to config.max_rise_s after its onset, so
 * [event + latency_min, event + latency_max + max_rise_s] must lie in [0, duration_s] and meet no
 * excluded stretch (psy_eda_result.excluded: artefact, missing samples). Otherwise
 * nothing can be said — an SCR may have been lost to the artefact or fallen outside the
 * recording — so the response is a missing value (amplitude NaN, na_reason), not a zero: a
 * trial whose response cannot be scored is left out, and the magnitude is the mean over the
 * scored trials, zeros included (Boucsein et al. 2012, Psychophysiology 49:1017-1034).
 * scr must be in onset order. Writes n_events responses. PSY_OK or PSY_E_INVALID
 * (latency_min_s > latency_max_s, NULL). */
PSY_API psy_status psy_eda_event_responses(const psy_eda_result *r, const double *event_s, size_t n_events,
                                           double latency_min_s, double latency_max_s,
                                           psy_eda_event_response *out);

/* ---- Segments ---------------------------------------------------------------------------------- */

typedef struct psy_eda_summary {
    double start_s, end_s;
    double valid_s;              /* psy_eda_valid_seconds of the span */
    double excluded_s;           /* the rest of the span's seconds in the channel: artefacts,
                                    missing samples */
    double scl_us;               /* mean of the 1 s tonic levels in the span (its seconds, widened
                                    to whole ones); NaN when none */
    size_t scr_count;            /* SCRs with onset in [start_s, end_s); undefined (0, tables
                                    print n/a) when valid_s is 0: nothing was observed */
    size_t ns_scr_count;         /* of them, not in the latency window of any event (idem) */
    double ns_scr_per_min;       /* ns_scr_count per valid minute; NaN when valid_s is 0 */
    double scr_amplitude_mean_us, scr_amplitude_sum_us; /* over scr_count; mean NaN when 0, sum
                                    NaN when valid_s is 0 */
    double phasic_driver_area_us_s; /* deconv: over the seconds of the span; NaN for fast */
    const char *ns_scr_per_min_na;  /* static reason when ns_scr_per_min is NaN, else NULL */
} psy_eda_summary;

/* A rate per minute needs a minute of valid signal: below it one SCR more or less moves the rate
 * by more than the 1-3 NS-SCRs/min typical at rest (Dawson, Schell & Filion 2017, Handbook of
 * Psychophysiology, ch. 10), so psy_eda_summarize leaves ns_scr_per_min NaN. */
#define PSY_EDA_MIN_RATE_S 60.0

/* Metrics over the span [start_s, end_s) of an analysed channel (a session phase); SCRs whose
 * onset lies in [event + latency_min_s, event + latency_max_s] of one of the n_events event
 * times are specific, the rest non-specific (NS-SCRs). The one definition of a span's NS-SCR rate
 * (per valid minute, psy_eda_valid_seconds; n/a below PSY_EDA_MIN_RATE_S of valid signal): the analyze
 * summary, segments table and `psyphys eda` all print it. PSY_OK or PSY_E_INVALID (NULL, end_s <
 * start_s, latency_min_s > latency_max_s). */
PSY_API psy_status psy_eda_summarize(const psy_eda_result *r, double start_s, double end_s,
                                     const double *event_s, size_t n_events, double latency_min_s,
                                     double latency_max_s, psy_eda_summary *out);

/* ---- The event tables of a recording: every event's response, every phase's summary ---------- */

/* What `psyphys eda` (and the Python package's eda()) report about a recording's session events. */
typedef struct psy_eda_events {
    size_t n_events;                /* the reader's events, in its order */
    double *event_s;                /* their onsets (s) */
    psy_eda_event_response *epochs; /* the response to each (psy_eda_event_responses); a row of
                                       the tables only where has_epoch */
    size_t n_segments;              /* events with an epoch and a duration > 0: the phases */
    size_t *segment_event;          /* each phase's event index */
    psy_eda_summary *segments;      /* over [onset, onset + duration) of that event */
    psy_eda_summary whole;          /* over the whole channel (-inf, inf) */
    unsigned char *has_epoch;       /* per event: 1 for a session event analyze gives an epoch
                                       (psy_is_session_event, not psy_event_skipped) */
    psy_message *skipped;           /* per event: why a session event was skipped ("" otherwise) */
} psy_eda_events;

/* Fills *out (zeroed first; psy_eda_events_free it, also after a failure) from an analysed
 * channel and the events of the reader it came from: epochs with the latency window [latency_min_s,
 * latency_max_s] after each event, the phase summaries and the whole channel's (psy_eda_summarize:
 * SCRs in an event's latency window are specific, the rest NS-SCRs). The events analyze skips
 * (outside the recording, in a gap, repeated: psy_event_skipped) and those that are no session
 * events (beat annotations) have no epoch and no phase. PSY_OK, PSY_E_INVALID (NULL,
 * latency_min_s > latency_max_s), PSY_E_NOMEM. */
PSY_API psy_status psy_eda_events_of(const psy_eda_result *r, const psy_reader *reader, double latency_min_s,
                                     double latency_max_s, psy_eda_events *out);

PSY_API void psy_eda_events_free(psy_eda_events *e); /* NULL-safe; leaves *e zeroed */

#ifdef __cplusplus
}
#endif
#endif
