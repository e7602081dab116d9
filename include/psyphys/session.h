/* psyphys — the session analysis of one recording, as `psyphys analyze` runs it: channel and lead
 * choice, beats and NN intervals, HRV per segment and per window, skin conductance responses,
 * breaths, segments, epochs around the session events, the plausibility checks, and every
 * warning and skipped event with its reason.
 *
 *     psy_session_config cfg = psy_session_config_default();
 *     cfg.rule = PSY_SEGMENTS_MARKERS;
 *     psy_session *s = NULL;
 *     psy_message why;
 *     if (psy_session_run(reader, &cfg, &s, &why) != PSY_OK) { ... why.text ... }
 *     const psy_session_results *res = psy_session_results_of(s);
 *     for (size_t i = 0; i < res->n_segments; i++)
 *         printf("%s RMSSD %.1f ms\n", res->segments[i].label,
 *                res->segment_hrv[i].values.v[PSY_HRV_RMSSD_MS]);
 *     psy_session_write_table(s, PSY_TABLE_SEGMENTS, stdout, NULL);
 *     psy_session_free(s);
 *
 * Ownership: the session owns everything its results point to, until psy_session_free; the
 * reader given to psy_session_run is borrowed (it must stay open while the session is used; its
 * events are referenced by the epochs); psy_session_open opens and owns its reader. Times are seconds from the recording start; NaN marks a
 * value the data cannot support, with its reason beside it (the results' `why`/`na` strings,
 * the tables' na_reasons). A session and its reader belong to one thread at a time; sessions in
 * several threads are as safe as the analysers they run (psyphys/hrv.h, psyphys/eda.h).
 * Threads of its own: psy_session_run (and psy_session_open) may start helper threads, at most
 * two at a time, each joined before the stage that started it ends (so before the call returns):
 * while the calling thread runs the R-peak detector (or the PPG pulse detector) over a channel
 * longer than one block (psy_beats_config.block, of 1024 samples or more), one thread reads and
 * decodes the channel's next block (~1 MB: two blocks), and under config.lean_results another
 * classifies and corrects the beats found so far and writes their table rows and NN series
 * (96 kB: two blocks of 1024 beats or gaps; the NN series' file is read only after the detection
 * has ended); then, for at least 8 HRV windows, one computes the windows with a second HRV
 * analyser (~0.8 MB, its FFTW plans made under the library's planner lock) while the calling
 * thread computes the segments' HRV. Each stage hands over whole blocks in order and no result
 * depends on which thread finishes first; when a thread or the analyser cannot be had, that stage
 * runs on the calling thread. The results are the same, bit for bit, either way. The reader given to
 * psy_session_run is read by the reading thread meanwhile: the caller must not use it during
 * the call (as always). */
#ifndef PSYPHYS_SESSION_H
#define PSYPHYS_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "psyphys/beats.h"
#include "psyphys/ecg_quality.h"
#include "psyphys/eda.h"
#include "psyphys/hr_response.h"
#include "psyphys/hrv.h"
#include "psyphys/pat.h"
#include "psyphys/plausibility.h"
#include "psyphys/recording.h"
#include "psyphys/resp.h"
#include "psyphys/rsa.h"
#include "psyphys/segments.h"
#include "psyphys/sidecar.h"
#include "psyphys/export.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ECG leads scored to choose one (at most), and the excerpt they are scored on (s). */
#define PSY_SESSION_MAX_LEADS 16
#define PSY_SESSION_LEAD_EXCERPT_S 300.0

typedef struct psy_session_config {
    /* Channel labels; NULL: the first channel of the type (ECG or RR for ecg; of several
     * regular ECG leads, the best by psy_ecg_channel_quality over the first
     * PSY_SESSION_LEAD_EXCERPT_S). hr: a heart-rate (bpm) channel used instead of beats (mean HR
     * per segment, epoch HR responses, no HRV); taken by default only without ECG, RR and PPG.
     * ecg and hr exclude each other. The beats come from the ECG or RR channel, else from the
     * PPG channel's pulses (ppg, below), else the bpm channel (results.heart says which). */
    const char *ecg, *eda, *rsp, *hr;
    psy_segment_rule rule;          /* segments: PSY_SEGMENTS_EVENTS (default) */
    double window_s, step_s;        /* for PSY_SEGMENTS_WINDOWS, > 0 */
    const char *const *epoch_labels;/* events to take epochs around; NULL/0: every session event */
    size_t n_epoch_labels;
    double pre_s, post_s;           /* epoch window around the onset (default 1 and 10 s) */
    double latency_min_s, latency_max_s; /* SCR latency window after an event (default 1 .. 4 s) */
    psy_eda_method eda_method;      /* PSY_EDA_FAST (default) or PSY_EDA_DECONV */
    double hrv_window_s, hrv_step_s;/* HRV windows table (default 300 s every 300 s); none for a
                                       recording shorter than two windows */
    double max_corrected_pct;       /* HRV n/a above this share of corrected NN (default: hrv.h's) */
    int keep_corrected;             /* 1: keep those values (and the epochs'), with a warning */
    /* The event files the reader's events were loaded from (psy_reader_load_events): their rows
     * without an onset are reported as skipped events, naming the file and line. May be 0. */
    const psy_events_info *events_files;
    const char *const *events_paths;
    size_t n_events_files;
    /* settings added since the reserve was introduced, taken from it (psyphys/export.h): zero is
     * the behaviour before them */
    /* A PPG channel's label; NULL: the first PPG channel. Its pulses (psy_pulses_detect) are the
     * beats when there is no ECG or RR channel, or when ppg is named and ecg is not: the HRV
     * columns are then pulse rate variability. With an ECG channel (not RR) giving the beats,
     * the pulses give the pulse arrival times (psyphys/pat.h) instead. ppg and hr exclude each
     * other. (In a union with a word so that it takes one reserved word on ILP32 targets too.) */
    union {
        const char *ppg;
        uint64_t ppg_word_;
    };
    /* 1: without an RSP channel, breaths derived from the ECG channel (its R-peaks and QRS waveform,
     * psy_breaths_from_ecg) for the breaths table, the breathing columns and RSA, with a
     * warning (the derived rate is less accurate than a respiration channel's: README). 0
     * (default): breaths from an RSP channel only. */
    int edr;
    int32_t unused_;                /* padding after edr: ignored */
    /* 1: the results keep what the tables and sidecars need, not every beat, interval and window
     * whole, so that memory does not grow with the recording's length beat by beat (a few MB
     * more at 28 days than at one), as `psyphys analyze` runs; every table and sidecar stays the
     * same byte for byte. The beats of an ECG channel are then not kept beat by beat: the beats
     * table is written as each beat's label becomes final, to a temporary file that
     * psy_session_write_table copies, and the NN series to another as it is produced, read back
     * by time slices (HRV windows, segments, epochs) and, for a span of more than 262,144
     * intervals (~2.4 days), in passes (the whole recording's HRV); results.beats keeps n,
     * counts, n_searchback, the gaps, n_nn and nn_left_out_s, with sample, onset_s, rr_ms, cls,
     * amplitude, nn_ms, nn_onset_s and nn_corrected NULL although n, n_nn > 0 (functions that
     * read them, such as psy_beats_write_table, psy_beats_write_nn_table and
     * psy_hrv_compute_beats, return PSY_E_INVALID for such a list; psyphys/beats.h lists them).
     * Beats kept whole, as with 0, when they do not come from a regular ECG channel, when edr or
     * a PPG channel reads them, and when a temporary file cannot be made or written (a full
     * disk: the beats are then detected again, the results the same). results.window_hrv is
     * NULL (n_windows as with 0, possibly > 0): the HRV windows table is written from rows of
     * its columns only, kept in a temporary file. With an RSP channel, RSA reads the NN series
     * whole once (17 bytes a beat, freed after it; its own grid grows with the length too).
     * Temporary files: up to three, in $TMPDIR (else P_tmpdir, /tmp), unlinked at once: the
     * beats table (~40 bytes a beat), the NN series (17 bytes an interval) and the windows' rows
     * (576 bytes a window), each a descriptor held until psy_session_free. When one
     * cannot be made or written, what it would hold is kept in memory instead, the tables the
     * same, and results.warnings (so every sidecar) says so in a warning that begins "lean
     * results fell back to memory". 0 (default): everything kept. */
    int32_t lean_results;
    int32_t zero_;                  /* padding: zero */
    uint64_t reserved[PSY_RESERVED_WORDS - 3]; /* zero: room for settings to come (psyphys/export.h) */
} psy_session_config;

/* Where a session's beats come from. */
typedef enum psy_heart_source {
    PSY_HEART_NONE = 0,     /* no ECG, RR, PPG or HR channel */
    PSY_HEART_ECG,          /* R-peaks of an ECG channel */
    PSY_HEART_RR,           /* the intervals of an RR/IBI channel */
    PSY_HEART_PPG,          /* pulses of a PPG channel: pulse rate variability */
    PSY_HEART_BPM           /* a heart-rate (bpm) channel: no beats */
} psy_heart_source;

/* "none", "ECG", "RR", "PPG", "HR". Never NULL. */
PSY_API const char *psy_heart_source_name(psy_heart_source source);

/* The defaults above (the same as `psyphys analyze` without options). */
PSY_API psy_session_config psy_session_config_default(void);

/* One epoch: a session event and the responses around it. */
typedef struct psy_session_epoch {
    const psy_event *event;         /* the reader's event */
    psy_hr_response hr;             /* hr.valid 0: n/a, hr.why says why */
    psy_eda_event_response scr;     /* meaningful when has_scr */
    int has_scr;                    /* 0 without a skin conductance analysis */
} psy_session_epoch;

/* A session event that got no epoch (outside the recording, in a gap, repeated, or an event
 * file's row without an onset), and why. */
typedef struct psy_session_skipped {
    const char *label;
    double onset_s;                 /* NaN for a row without an onset */
    const char *source;             /* psy_event_source_name */
    const char *reason;
} psy_session_skipped;

/* What a run computed. Every pointer is owned by the session; arrays with a count of 0 may be
 * NULL. Channel indices are -1 when absent. */
typedef struct psy_session_results {
    const psy_reader *reader;
    int ecg, eda, rsp, hr;          /* the channels used (ecg: the ECG or RR channel) */
    int n_leads;                    /* ECG leads scored to choose ecg (0: not chosen so) */
    int lead_ch[PSY_SESSION_MAX_LEADS];
    psy_ecg_lead_quality lead_q[PSY_SESSION_MAX_LEADS];
    const psy_beat_list *beats;     /* NULL without an ECG/RR channel or when detection failed;
                                       without its per-beat columns and NN series (NULL, n and
                                       n_nn > 0) under config.lean_results */
    psy_beats_config beats_config;
    psy_hrv_config hrv_config;
    const psy_eda_result *scr;      /* NULL without an EDA channel or analysis */
    const psy_breath *breaths;      /* breath_list->b (indices on breath_list->rate_hz) */
    size_t n_breaths;
    const double *hr_t_s, *hr_bpm;  /* the bpm channel's valid samples (at most 4 per s) */
    size_t n_hr;
    const psy_segment *segments;    /* the whole recording first, then the phases */
    size_t n_segments;
    const psy_hrv_result *segment_hrv;  /* one per segment */
    const psy_hrv_result *window_hrv;   /* window k: [k hrv_step_s, k hrv_step_s + hrv_window_s);
                                           NULL under config.lean_results, n_windows kept */
    size_t n_windows;
    double hrv_window_s, hrv_step_s;
    const psy_session_epoch *epochs;
    size_t n_epochs;
    const double *event_onsets_s;   /* the session events' onsets (NS-SCR counts) */
    size_t n_event_onsets;
    int implausible[PSY_CHECK_COUNT];   /* 1 where a plausibility check found something */
    const char *const *warnings;    /* every n/a of a whole marker, every skipped event, and why */
    size_t n_warnings;
    const psy_session_skipped *skipped;
    size_t n_skipped;
    psy_heart_source heart;         /* where the beats (or the bpm samples) come from */
    int beats_ch;                   /* the channel of the beats: ecg, or ppg for pulses (-1: none) */
    int ppg;                        /* the PPG channel whose pulses were detected (-1: none) */
    const psy_beat_list *pulses;    /* its pulses (== beats when heart is PPG); NULL without */
    psy_pulses_config pulses_config;
    /* Pulse arrival times of the ECG's R-peaks at the PPG (heart ECG and a PPG channel); NULL
     * otherwise, or when the pairing failed (a warning says why). */
    const psy_pat_list *pat;
    psy_pat_config pat_config;
    /* The breaths with their times on the recording's axis (source: the RSP channel, or the ECG
     * with config.edr); NULL without. */
    const psy_breath_list *breath_list;
    /* RSA and the biofeedback metrics of the whole recording, per breath and overall
     * (psy_rsa_compute with its defaults: Grossman P2T); NULL without beats and breaths, or when
     * the beats' NN series could not be read. */
    const psy_rsa_result *rsa;
    /* With breaths but no rsa: why (no ECG, RR or PPG channel; no beats or pulses detected; a
     * bpm channel; the NN series unreadable, out of memory); NULL otherwise. */
    const char *rsa_why;
} psy_session_results;

typedef struct psy_session psy_session;

/* Runs the analysis of the recording open in `reader` (borrowed: keep it open while the session
 * is used). *out is the session (free it with psy_session_free). Returns PSY_OK, or
 * PSY_E_INVALID (NULL, a configuration out of range), PSY_E_NOT_FOUND (a named channel absent),
 * PSY_E_NOMEM, or the reader's error (PSY_E_IO, PSY_E_FORMAT, PSY_E_TRUNCATED) with the reason in
 * why; *out is then NULL. Markers a channel cannot give are n/a with a warning, not a failure. */
PSY_API psy_status psy_session_run(psy_reader *reader, const psy_session_config *config, psy_session **out,
                           psy_message *why);

/* Opens the recording at path (psy_reader_open with options, NULL: the defaults; its event
 * files as the reader finds them; a record's WFDB beat annotations are never session events, so
 * options.skip_annotations saves their memory, ~10 MB for a day's, as `psyphys analyze` does)
 * and runs the analysis on it; the session owns the reader
 * (psy_session_reader) and closes it in psy_session_free. Same returns as psy_reader_open and
 * psy_session_run. */
PSY_API psy_status psy_session_open(const char *path, const psy_open_options *options, const psy_session_config *config,
                            psy_session **out, psy_message *why);

/* The recording a session reads (its own for psy_session_open, the caller's for psy_session_run). */
PSY_API psy_reader *psy_session_reader(const psy_session *session);

/* The results of a run (valid until psy_session_free). */
PSY_API const psy_session_results *psy_session_results_of(const psy_session *session);

/* NULL-safe. */
PSY_API void psy_session_free(psy_session *session);

/* HRV of the NN intervals ending in (start_s, end_s]; every value NaN ("no beats") without beats,
 * and under lean_results also with "the NN series' temporary file could not be read" or "out of
 * memory" when its slice cannot be had. */
PSY_API void psy_session_hrv_over(psy_session *session, double start_s, double end_s, psy_hrv_result *out);

/* Skin conductance over [start_s, end_s) with the session's events and latency window
 * (psy_eda_summarize). 1, or 0 without an analysis (e then all NaN / 0). */
PSY_API int psy_session_eda_over(const psy_session *session, double start_s, double end_s, psy_eda_summary *e);

/* Breathing rate over the whole breaths in [start_s, end_s] on the recording's time axis, the
 * breaths of psy_session_breath_depth and psy_session_rsa_p2t (psy_breath_list_rate_over; NaN with
 * the reason below its minimum or without an RSP channel). ECG-derived breaths too: their count,
 * defined on any span as a respiration channel's is (analyze's segments and epochs), not the
 * breath list's rate_windows, the frequency-domain rate of whole minutes from time 0, which
 * agreed with annotated breaths more often (README, Accuracy) but exists for no other span. */
PSY_API psy_breath_rate psy_session_breath_rate(const psy_session *session, double start_s, double end_s);

/* Breathing depth over the whole breaths in [start_s, end_s]: the median breath amplitude (peak
 * minus the mean of its troughs on the low-passed signal: the RSP channel's unit, arbitrary for
 * ECG-derived breaths; psy_breath_summarize's depth_median). A median of one breath is that
 * breath; NaN with the reason (static text in *why) without breaths or a whole breath in the
 * span. n_breaths (may be NULL): the breaths it is taken over. */
PSY_API double psy_session_breath_depth(const psy_session *session, double start_s, double end_s, size_t *n_breaths,
                                        const char **why);

/* Peak-to-trough RSA over the whole breaths in [start_s, end_s]: the mean of Grossman's P2T
 * (psyphys/rsa.h) of each breath with NN intervals in both its phases, ms, over the corrected NN
 * series, from PSY_RSA_MIN_BREATHS such breaths as psy_rsa_compute's mean. NaN with the reason
 * (static text in *why) without an RSP channel, beats, or enough such breaths, or when RSA could not be computed (lean_results: the NN series' temporary file could
 * not be read; out of memory: the run's warnings say so too). */
PSY_API double psy_session_rsa_p2t(const psy_session *session, double start_s, double end_s, const char **why);

/* Mean of the bpm channel's samples in [start_s, end_s); NaN without one or without samples. */
PSY_API double psy_session_hr_mean(const psy_session *session, double start_s, double end_s);

/* The HRV columns of the segments and windows tables, in order. */
PSY_API const psy_hrv_key *psy_session_hrv_columns(size_t *n);

/* ---- tables: TSV with a header row, one row per item, "n/a" for a missing value; fixed
 * decimals, so the same input and settings give byte-identical tables ---- */

typedef enum psy_session_table {
    PSY_TABLE_SEGMENTS = 0, /* label, onset, duration, mean_hr_bpm, the HRV columns, scl_us,
                               ns_scr_per_min, scr_count, scr_amplitude_sum_us,
                               scr_amplitude_mean_us, resp_rate_per_min, nn_corrected_pct; with
                               pulse arrival times (results.pat) also pat_median_ms, pat_sd_ms,
                               pat_valid_pct */
    PSY_TABLE_EPOCHS,       /* label, onset, hr_baseline_bpm, hr_mean/min/max_change_bpm,
                               hr_min/max_time_s, scr_amplitude_us, scr_latency_s, quality,
                               nn_corrected_pct, resp_rate_per_min, resp_depth (both over the
                               epoch window [onset - pre_s, onset + post_s]) */
    PSY_TABLE_EPOCH_MEANS,  /* per label: n and the means of the epochs' responses */
    PSY_TABLE_HRV_WINDOWS,  /* onset, duration, n_nn, nn_corrected_pct, the HRV columns */
    PSY_TABLE_SCR,          /* onset, peak_onset, amplitude_us, rise_time_s, half_recovery_s */
    PSY_TABLE_PAT,          /* per R-peak: onset, foot_onset, pat_ms, pat_upstroke_ms, reason
                               (valid or why the PAT is n/a) */
    PSY_TABLE_BEATS,        /* the beats (or pulses) as psyphys/beats_table.h describes */
    PSY_TABLE_BREATHS,      /* per breath, as `psyphys resp`: onset, peak, duration_s, amplitude,
                               rate_per_min, rsa_p2t_ms, hr_osc_bpm (the last two n/a without
                               beats or where the breath holds too few intervals) */
    PSY_TABLE_COUNT
} psy_session_table;

/* Why the cells of a column are n/a, and in how many rows. */
typedef struct psy_na_reason {
    const char *column;     /* static */
    const char *reason;     /* static */
    size_t rows;
} psy_na_reason;

/* The n/a reasons of a table, per column in order of first appearance, then per reason. */
typedef struct psy_na_reasons {
    psy_na_reason *v;       /* malloc'd: psy_na_reasons_free */
    size_t n, cap;
} psy_na_reasons;

/* The table's file stem suffix: "segments", "epochs", "epoch-means", "hrv-windows", "scr", "pat",
 * "beats", "breaths". */
PSY_API const char *psy_session_table_name(psy_session_table table);

/* 1 when the run has the table: segments always, epochs and epoch means with epochs, HRV windows
 * for a recording of at least two windows with beats, SCRs with a skin conductance analysis, PAT
 * with pulse arrival times (results.pat, also when none is valid), beats with beats, breaths with
 * breaths (results.breath_list, also when it holds none). */
PSY_API int psy_session_has_table(const psy_session *session, psy_session_table table);

/* Writes a table to fp; na (may be NULL; zero it first) gets its n/a reasons added. PSY_OK,
 * PSY_E_INVALID (NULL, a table the run does not have), PSY_E_NOMEM (na), PSY_E_IO (fp, or a
 * lean run's temporary file that cannot be read back: config.lean_results). */
PSY_API psy_status psy_session_write_table(psy_session *session, psy_session_table table, FILE *fp, psy_na_reasons *na);

/* NULL-safe; leaves na empty. */
PSY_API void psy_na_reasons_free(psy_na_reasons *na);

/* ---- sidecars: the JSON beside each table (psyphys/sidecar.h), as `psyphys analyze` writes
 * them ---- */

/* The part every table's sidecar shares: the provenance of psy_sidecar_new (command, the
 * recording's path as opened and the SHA-256 of its files; hashes may be NULL and are freed),
 * "settings" (segments, epochs, scr_latency_s, hrv_windows, hrv, eda, channels, heart,
 * ecg_lead_choice: every setting of the run and what it chose), extra_settings (may be NULL:
 * a JSON object whose keys are added at the end of "settings", e.g. how the caller opened the
 * recording), "warnings" (the reader's, then the session's) and "skipped_events" ({label,
 * onset_s, source, reason}). Free *out with psy_sidecar_free. PSY_OK, PSY_E_INVALID (NULL),
 * PSY_E_FORMAT (extra_settings not a JSON object), PSY_E_NOMEM, PSY_E_IO (a file cannot be
 * hashed), with why. */
PSY_API psy_status psy_session_sidecar(const psy_session *session, const char *command, const char *input_path,
                                       const char *extra_settings, psy_input_hashes *hashes, psy_sidecar **out,
                                       psy_message *why);

/* Writes the sidecar of a table to fp: base (psy_session_sidecar), "table" (its name), and
 * what the table needs said: "columns" (epochs, epoch means, PAT), "na_reasons" (segments,
 * epochs, HRV windows: na as psy_session_write_table filled it, NULL for none), the beats' or
 * pulses' channel, settings, counts, gaps and columns (beats: psy_sidecar_add_beats, its
 * "settings" in the place of the session's). PSY_OK, PSY_E_INVALID (NULL, a table the run does
 * not have), PSY_E_NOMEM, PSY_E_IO. */
PSY_API psy_status psy_session_write_sidecar(const psy_session *session, const psy_sidecar *base,
                                             psy_session_table table, const psy_na_reasons *na, FILE *fp);

/* Reads back the HRV settings a session sidecar records ("settings": {"hrv": {...}}, as
 * psy_session_sidecar writes them) into *out: psy_hrv_config_default() with resample_hz,
 * detrend, lambda, welch_segment_s, welch_overlap, entropy_m, entropy_r_sd, hist_bin_ms,
 * max_corrected_pct and keep_corrected as recorded (a key absent or of another type keeps its
 * default), so that a program recomputes what the run computed (the QC report's spectra).
 * sidecar_text: the sidecar's JSON. PSY_OK; PSY_E_FORMAT (not JSON, or no settings.hrv object:
 * why says which; *out is then the defaults), PSY_E_INVALID (NULL). why may be NULL. */
PSY_API psy_status psy_session_hrv_config_read(const char *sidecar_text, psy_hrv_config *out, psy_message *why);

#ifdef __cplusplus
}
#endif
#endif
