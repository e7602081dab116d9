/* psyphys — live streaming: beats, heart rate, rolling HRV, resonance, breaths and EDA markers
 * from pushed blocks of ECG, PPG, EDA, respiration and/or RR intervals, for biofeedback.
 *
 * One object per session, configured with the live channels: an ECG channel at ecg_rate_hz (or a
 * PPG channel at ppg_rate_hz, or RR intervals in ms, e.g. from a chest strap: the beats come from
 * one of them), an EDA channel (µS) at eda_rate_hz and/or a respiration channel at resp_rate_hz.
 * Blocks of any size are pushed; outputs are polled from a queue. The same code as the offline
 * analysis runs underneath (psy_ecg_detector or psy_ppg_detector, psy_rr_classify, the HRV Welch
 * spectrum, psy_eda_stream, psy_resp_detector), so replaying a recording gives the beats of
 * psy_beats_detect (the pulses of psy_pulses_detect) to the sample, the same labels and NN
 * intervals, and the same HRV values as psy_hrv_compute over the same window. From a PPG, beats
 * are pulses (their half-amplitude points), their intervals pulse intervals and the "HRV" pulse
 * rate variability (psyphys/ppg.h). The stream emits no status saying so: a consumer that only
 * sees the outputs is told by its program (`psyphys stream` writes a first "ppg_pulses" status
 * line quoting psy_pulse_rate_variability_note).
 *
 * Outputs and their delays (time 0 = the first sample of each channel, gaps added as pushed:
 * psy_stream_push_gap; onsets in seconds):
 *  - PSY_STREAM_BEAT  each R-peak (a pulse's half-amplitude point) as soon as the detector
 *                     confirms it, with its raw RR (pulse) interval
 *                     (median about 0.21 s after the R-peak sample arrives; a held premature
 *                     beat or a search-back waits longer, at most psy_stream_beat_latency();
 *                     bench/stream_latency.sh; a pulse about 2 s after its peak, and none in
 *                     the first polarity_s of usable PPG, psy_ppg_detector_latency);
 *  - PSY_STREAM_HR    instantaneous heart rate 60000 / RR, right after each beat with an RR;
 *  - PSY_STREAM_LABEL the final artefact class of a beat and whether its interval is corrected in
 *                     the NN series: the Lipponen–Tarvainen classifier looks ahead, so a label is
 *                     final rr_lookahead beats later (default 53: qd_window / 2 + median_window /
 *                     2 + 3 beats, the classifier's full reach, so labels equal the offline ones;
 *                     fewer beats give earlier labels that may differ near artefacts); at the end
 *                     of a stretch (a gap, finish) at once;
 *  - PSY_STREAM_HRV   after a corrected NN interval (4 beats after its label, the reach of the
 *                     interpolation): the first in each hrv_interval_s (default 5 s) and the last
 *                     of a stretch, or every one (hrv_interval_s 0): RMSSD and SDNN over the last
 *                     time_window_s seconds (or time_window_beats intervals), and the Welch LF, HF, LF/HF and the resonance
 *                     peak (frequency and power within ±resonance_halfwidth_hz of it) and the
 *                     coherence ratio (psy_hrv_coherence_ratio) over the last freq_window_s seconds; each NaN, with its reason, below the minimum data of
 *                     hrv (min_span_s of RMSSD and SDNN, band_min_s), as psy_hrv_compute over the
 *                     same intervals — while a window fills, and for good when it is shorter
 *                     (time_window_beats spanning under 10 s has no RMSSD); no corrected-share
 *                     limit (max_corrected_pct: the labels say which beats are corrected);
 *  - provisional (config provisional = 1): at each beat with an interval, right after its HR, a
 *                     PSY_STREAM_LABEL of that beat (its class by psy_rr_classify on the
 *                     stretch's intervals so far: the stream keeps the last few hundred, more than
 *                     the classifier's windows reach back) and (at the first beat of each hrv_interval_s,
 *                     or at every one) a PSY_STREAM_HRV line over the final NN
 *                     intervals and the provisional ones after them (those classes and
 *                     psy_rr_correct on the beats so far), both marked provisional: low-latency
 *                     biofeedback, revised by the final label and HRV line when the lookahead
 *                     completes (at most the beat detector's latency after the R-peak);
 *  - PSY_STREAM_SCL   the mean tonic skin conductance over each scl_interval_s, with the rate of
 *                     SCRs that began in the last ns_scr_window_s per valid minute in it;
 *  - PSY_STREAM_SCR   each SCR once it has peaked and been scored (psy_eda_stream_latency);
 *  - PSY_STREAM_BREATH each breath of the respiration channel once its closing trough is
 *                     confirmed and the next breath or the hold (8-20 s) shows it whole
 *                     (psy_resp_detector, psyphys/resp.h: the breaths of psy_breaths_detect);
 *                     the first ones once the 20-s look-ahead after the start completes, and
 *                     after a gap (every time jump or malformed value) at once when breaths were
 *                     sized before it, else after a new look-ahead; with its duration and rate and, when beats come too, its
 *                     peak-to-trough RSA (Grossman) and heart-rate oscillation over the raw RR
 *                     intervals ending within it (psyphys/rsa.h's definitions);
 *  - PSY_STREAM_STATUS a condition: a channel lost (NaN, flat, out of range) or back, outputs
 *                     dropped because nobody polled; an unusable PPG stretch (missing, flat,
 *                     clipped or artefact: ppg_lost with its reason, then ppg_back) once it has
 *                     closed, as the pulse detector finds its end.
 *
 * Memory and threads: everything is allocated in create; push, finish and poll never allocate.
 * One thread may push (and finish) while another polls: the output queue is the only shared part
 * and is guarded by a mutex held for a copy only; pushes from several threads at once, or polls
 * from several threads at once, must be serialised by the caller. Push never waits for the
 * consumer: when the queue is full the oldest outputs are dropped and a PSY_STREAM_DROPPED status
 * says how many. */
#ifndef PSYPHYS_STREAM_H
#define PSYPHYS_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/ecg.h"
#include "psyphys/eda.h"
#include "psyphys/hrv.h"
#include "psyphys/ppg.h"
#include "psyphys/recording.h"
#include "psyphys/resp.h"
#include "psyphys/rr.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_stream_config {
    double ecg_rate_hz;          /* ECG input rate (50 .. 20000 Hz); 0: no ECG channel */
    double eda_rate_hz;          /* EDA input rate (1 .. 100000 Hz), µS; 0: no EDA channel */
    int rr_input;                /* 1: RR intervals come through psy_stream_push_rr (not with ECG or
                                    PPG) */
    psy_ecg_detector_config detector; /* rate_hz is set from ecg_rate_hz */
    psy_rr_config rr;            /* artefact classification */
    int rr_lookahead;            /* beats before a label is final, 2 .. 200; default 53 (exact) */
    psy_eda_config eda;          /* rate_hz is set from eda_rate_hz */
    psy_hrv_config hrv;          /* Welch settings, bands and band minimum lengths */
    double time_window_s;        /* RMSSD / SDNN window, default 60 s (5 .. 3600) */
    size_t time_window_beats;    /* > 0: instead the last this many NN intervals (2 .. 4096) */
    double freq_window_s;        /* LF / HF / resonance window, default 128 s (30 .. 600); the LF
                                    band needs 120 s of intervals (hrv.band_min_s) */
    double resonance_band_hz[2]; /* where the resonance peak is looked for, default 0.04 .. 0.15 */
    double resonance_halfwidth_hz; /* peak power over peak ± this, default 0.015 Hz */
    double scl_interval_s;       /* SCL output period, default 1 s (0.1 .. 60) */
    double ns_scr_window_s;      /* NS-SCR rate window, default 60 s (10 .. 600) */
    size_t queue_capacity;       /* outputs held for poll, default 4096 (16 .. 1 << 20) */
    /* settings added since the reserve was introduced, taken from it (psyphys/export.h): zero is
     * the behaviour before them */
    double resp_rate_hz;         /* respiration input rate (4 .. 20000 Hz; the breath detector's
                                    defaults, psy_resp_config_default); 0: no respiration channel */
    int32_t provisional;         /* 1: also a provisional label and HRV line at each beat (below);
                                    0 (default): only final ones, as offline */
    int32_t zero_;               /* padding: zero */
    double ppg_rate_hz;          /* PPG input rate (25 .. 1000 Hz; the pulse detector's defaults,
                                    psy_ppg_detector_config_default); 0: no PPG channel (default);
                                    not with ECG or RR input */
    double hrv_interval_s;       /* HRV line cadence: the final line after the first NN interval
                                    in each hrv_interval_s slot of stream time (slots k * s ..
                                    (k + 1) * s) and after a stretch's last interval; a
                                    provisional line likewise; default 5 s (0.5 .. 60; HeartMath's
                                    coherence score over its last 64 s is updated every 5 s);
                                    0: after every NN interval (each line costs a Welch spectrum) */
    uint64_t reserved[PSY_RESERVED_WORDS - 4]; /* zero: room for settings to come (psyphys/export.h) */
} psy_stream_config;

/* Defaults for the given channels (either rate may be 0; no respiration or PPG channel: set
 * resp_rate_hz or ppg_rate_hz, leaving ecg_rate_hz 0, for one). */
PSY_API psy_stream_config psy_stream_config_default(double ecg_rate_hz, double eda_rate_hz);

typedef enum psy_stream_kind {
    PSY_STREAM_BEAT = 0, PSY_STREAM_HR, PSY_STREAM_LABEL, PSY_STREAM_HRV, PSY_STREAM_SCL,
    PSY_STREAM_SCR, PSY_STREAM_STATUS, PSY_STREAM_BREATH, PSY_STREAM_KIND_COUNT
} psy_stream_kind;

/* "beat", "hr", "label", "hrv", "scl", "scr", "status", "breath". Never NULL. */
PSY_API const char *psy_stream_kind_name(psy_stream_kind kind);

typedef enum psy_stream_condition {
    PSY_STREAM_ECG_LOST = 0, /* no usable ECG from onset_s (NaN, flat or unplugged) */
    PSY_STREAM_ECG_BACK,     /* usable ECG again from onset_s */
    PSY_STREAM_EDA_LOST,     /* EDA samples flagged (missing, out of range, too steep, flat) */
    PSY_STREAM_EDA_BACK,
    PSY_STREAM_RR_INVALID,   /* a pushed RR interval was not a positive finite number: skipped */
    PSY_STREAM_DROPPED,      /* count outputs were dropped: the queue was full */
    PSY_STREAM_PPG_LOST,     /* no usable pulses from onset_s (reason: psy_ppg_reason) */
    PSY_STREAM_PPG_BACK,     /* usable PPG again from onset_s */
    PSY_STREAM_TIME_JUMP,    /* an input's time jumped by gap_s at onset_s (psy_stream_push_gap) */
    PSY_STREAM_CONDITION_COUNT
} psy_stream_condition;

/* "ecg_lost", "ecg_back", "eda_lost", "eda_back", "rr_invalid", "dropped", "ppg_lost",
 * "ppg_back", "time_jump". Never NULL. */
PSY_API const char *psy_stream_condition_name(psy_stream_condition c);

typedef struct psy_stream_output {
    psy_stream_kind kind;
    double onset_s;            /* beat: R-peak time; label: the beat's time; hr/hrv: the time of
                                  the beat they follow; scl: end of its interval; scr: onset;
                                  breath: start of inspiration; status: when the condition began
                                  (eda_lost/eda_back: 0 for one present from the start, the
                                  filter's delay aside; RR input: the interval's own time, which
                                  may be negative) */
    union {
        struct {
            int64_t sample;    /* R-peak index on the ECG rate (-1 for RR input; a PPG pulse's
                                  half-amplitude point: the sample it lies in, onset_s its exact time) */
            double rr_ms;      /* interval ending here; NaN for the first beat of a stretch */
        } beat;
        struct {
            double bpm;
        } hr;
        struct {
            int64_t sample;
            double rr_ms;
            psy_beat_class label;
            int corrected;     /* 1: this beat's interval differs in the NN series */
            int provisional;   /* 1: from the beats so far (config provisional); the final label
                                  follows rr_lookahead beats later */
        } label;
        struct {
            double rmssd_ms, sdnn_ms; /* time window; NaN below the data psy_hrv_compute needs */
            size_t n_time;            /* intervals in the time window */
            double lf_ms2, hf_ms2, lf_hf; /* frequency window; NaN when too short */
            double peak_hz, peak_power_ms2; /* resonance peak; NaN when too short */
            size_t n_freq;            /* intervals in the frequency window */
            /* why each NaN above is NaN (static text; NULL for a value): psy_hrv_compute's
             * reasons over the same window, so a window still filling says so */
            const char *rmssd_na, *sdnn_na, *lf_na, *hf_na, *lf_hf_na, *peak_na;
            double coherence_ratio;   /* NaN with peak_na, or when the peak holds all the power */
            int provisional;          /* 1: over provisional NN intervals (config provisional) */
        } hrv;
        struct {
            double scl_us;          /* mean tonic level over the interval; NaN when all flagged */
            double ns_scr_per_min;  /* SCRs beginning in the last ns_scr_window_s, per minute
                                       of valid skin conductance in it (artefacts excluded);
                                       NaN when less than half of it (of the time so far, at
                                       the start) is valid */
            const char *scl_na, *ns_scr_na; /* why each NaN above is NaN (static text; NULL
                                               for a value) */
        } scl;
        psy_eda_scr scr;
        struct {
            double peak_s, end_s;     /* end of inspiration, closing trough (onset_s: the start of
                                         inspiration), seconds on the respiration channel */
            double duration_s, rate_per_min; /* onset to end; 60 / duration */
            double amplitude;         /* peak minus the mean of its troughs (channel unit) */
            double rsa_p2t_ms;        /* Grossman P2T over the raw RR intervals; NaN without them */
            double hr_osc_bpm;        /* max - min of 60000 / RR within the breath; NaN likewise */
        } breath;
        struct {
            psy_stream_condition condition;
            int64_t count;          /* dropped: how many outputs */
            int reason;             /* ppg_lost: the psy_ppg_reason; time_jump: the
                                       psy_stream_input */
            double gap_s;           /* time_jump: the time missing (s; negative: the clock went
                                       back) */
        } status;
    } u;
} psy_stream_output;

typedef struct psy_stream psy_stream;

/* PSY_OK, PSY_E_INVALID (no channel, a setting out of range: why names it), PSY_E_NOMEM. */
PSY_API psy_status psy_stream_create(const psy_stream_config *config, psy_stream **out, psy_message *why);

/* Pushes n ECG samples (any unit; NaN = missing), n PPG samples (any unit, either polarity; NaN
 * = missing) or n EDA samples (µS; NaN = missing). Every sample is consumed. PSY_OK,
 * PSY_E_INVALID (NULL, no such channel, after finish). */
PSY_API psy_status psy_stream_push_ecg(psy_stream *s, const double *x, size_t n);
PSY_API psy_status psy_stream_push_ppg(psy_stream *s, const double *x, size_t n);
PSY_API psy_status psy_stream_push_eda(psy_stream *s, const double *x, size_t n);
/* Pushes n respiration samples (any unit; NaN = missing: no breath spans a gap). Every sample is
 * consumed. PSY_OK, PSY_E_INVALID (NULL, no respiration channel, after finish). */
PSY_API psy_status psy_stream_push_resp(psy_stream *s, const double *x, size_t n);

/* Pushes n RR intervals (ms). t_s (may be NULL: the running sum of the intervals) gives each
 * interval's end time in seconds; a beat that does not follow the one before (time jump by more
 * than 50 ms or 20 %, as psy_beats_detect treats device lists) starts a new stretch. An interval
 * that is not a positive finite number gets a PSY_STREAM_RR_INVALID status and breaks the
 * stretch; with a time of its own (t_s) it stays a beat without an interval, as offline, else it
 * is skipped. A time that does not increase is skipped too.
 * PSY_OK, PSY_E_INVALID (NULL, no RR input, after finish). */
PSY_API psy_status psy_stream_push_rr(psy_stream *s, const double *rr_ms, const double *t_s, size_t n);

/* The inputs of a stream that have a clock of their own (psy_stream_push_gap). */
typedef enum psy_stream_input {
    PSY_STREAM_INPUT_HEART = 0, /* the ECG or PPG channel */
    PSY_STREAM_INPUT_EDA,
    PSY_STREAM_INPUT_RESP,
    PSY_STREAM_INPUT_COUNT
} psy_stream_input;

/* "heart", "eda", "resp". Never NULL. */
PSY_API const char *psy_stream_input_name(psy_stream_input input);

/* The longest EDA gap psy_stream_push_gap takes (s): an EDA gap is filled with missing samples,
 * so its cost grows with its length (one hour at 32 Hz: 115200 samples). */
#define PSY_STREAM_MAX_EDA_GAP_S 3600.0

/* A gap in an input: the samples pushed on it from now on lie gap_s later than they would (the
 * time missing between the last sample before and the first after, beyond their one sample
 * period: a device that paused or dropped packets; negative when its clock went back). A
 * PSY_STREAM_TIME_JUMP status says so, at the end of the last sample before the gap. As the
 * offline analysis reads a recording's stretches (EDF+D, a Movesense export with a pause):
 *  - heart (ECG, PPG) and respiration: the detector goes on over the samples as they come, and
 *    every time after the gap (beats, labels, HRV, breaths, statuses) is gap_s later; no beat
 *    interval spans the gap (it differs from the samples' distance by more than half a sample,
 *    psy_beats_detect's rule): the first beat after it has rr_ms NaN and starts a new stretch
 *    of labels; any finite gap_s (a clock shift);
 *  - EDA: the gap is filled with missing samples (NaN; round(gap_s x rate) of them, none for a
 *    negative gap_s), so SCRs and SCL keep their times and none spans the gap; gap_s at most
 *    PSY_STREAM_MAX_EDA_GAP_S. (psy_stream_replay pushes no EDA gap: it reads EDA as
 *    psy_eda_analyze does, back to back.)
 * PSY_OK, PSY_E_INVALID (NULL, no such input, gap_s 0 or not finite, an EDA gap_s above
 * PSY_STREAM_MAX_EDA_GAP_S, after finish; nothing is pushed then). */
PSY_API psy_status psy_stream_push_gap(psy_stream *s, psy_stream_input input, double gap_s);

/* The end of every channel: drains the detectors' lookahead and makes all labels final.
 * PSY_OK or PSY_E_INVALID (called twice). */
PSY_API psy_status psy_stream_finish(psy_stream *s);

/* Pops up to max outputs in the order they were made; returns how many. Never blocks for long
 * (the mutex is held for a copy). */
PSY_API size_t psy_stream_poll(psy_stream *s, psy_stream_output *out, size_t max);

/* The longest delay (s) between an R-peak (a pulse's peak) and its PSY_STREAM_BEAT output, 0
 * without ECG or PPG. */
PSY_API double psy_stream_beat_latency(const psy_stream *s);

/* Back to the state right after create (same settings; pending outputs are discarded), e.g.
 * between the blocks of a session. Not while another thread polls. */
PSY_API void psy_stream_reset(psy_stream *s);

/* The settings in use (rates and defaults filled in). */
PSY_API const psy_stream_config *psy_stream_get_config(const psy_stream *s);

/* NULL-safe. */
PSY_API void psy_stream_destroy(psy_stream *s);

/* ---- a recording replayed into a stream (`psyphys stream --replay`) ---- */

/* The defaults (psy_stream_config_default) for a recording's channels: heart_ch an ECG, PPG or
 * RR channel, eda_ch, resp_ch (each -1: none); the rates are the channels'. */
PSY_API psy_stream_config psy_stream_config_for_channels(const psy_reader *reader, int heart_ch, int eda_ch,
                                                         int resp_ch);

/* Pushes a recording's channels into a stream in time order, as a live source would: the heart
 * channel's samples (psy_stream_push_ecg or _ppg) or intervals (an RR channel: _push_rr with
 * their times), the EDA and the respiration channel's samples. Each stretch of the recording's
 * time axis (psy_reader_read_times: EDF+D, a Movesense pause, ...) comes at its own time: where
 * the heart or respiration channel's time jumps, the jump is pushed first (psy_stream_push_gap),
 * so the stream's beats and breaths are psy_beats_detect's and psy_breaths_detect's, onsets on
 * the recording's time axis included. The EDA channel is pushed as psy_eda_analyze reads it,
 * its stretches back to back. The reader and the stream are
 * borrowed (they outlive the replay); the stream must take these channels
 * (psy_stream_config_for_channels). */
typedef struct psy_stream_replay psy_stream_replay;

/* PSY_OK, PSY_E_INVALID (NULL, a channel index out of range, no channel), PSY_E_NOMEM. Buffers
 * of 1/32 s per channel are allocated here, none after. */
PSY_API psy_status psy_stream_replay_create(psy_stream *stream, psy_reader *reader, int heart_ch, int eda_ch,
                                            int resp_ch, psy_stream_replay **out);

/* The end of the recording's replayed channels (s, on the recording's time axis): the last
 * sample's end, or an RR channel's last beat. */
PSY_API double psy_stream_replay_end_s(const psy_stream_replay *replay);

/* Pushes every sample (interval) up to t_s not pushed yet: per channel, the samples whose time
 * is before t_s (its index before ceil(t_s x rate) without gaps), the intervals ending at or
 * before t_s; heart, EDA, RR, respiration in that order. PSY_OK, PSY_E_INVALID (NULL), or the
 * reader's error (PSY_E_IO, ...). */
PSY_API psy_status psy_stream_replay_until(psy_stream_replay *replay, double t_s);

/* NULL-safe (the stream and the reader are left as they are). */
PSY_API void psy_stream_replay_destroy(psy_stream_replay *replay);

#ifdef __cplusplus
}
#endif
#endif
