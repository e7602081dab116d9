/* psyphys — beats of a recording: R-peaks from an ECG channel (or the beats of an RR/IBI
 * channel, or the pulses of a PPG channel), RR intervals, beat classes and the corrected NN
 * series.
 *
 * The channel is read block by block; memory grows with the number of beats only: the list
 * holds 53 bytes a beat (sample, onset, interval and amplitude 8 each, class 4, the NN series'
 * interval, time and flag 17): 109 000 beats, 24 h, take 5.8 MB, and detecting them needs no
 * more than that (two leads: about 80 bytes a beat while they are combined). */
#ifndef PSYPHYS_BEATS_H
#define PSYPHYS_BEATS_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/ecg.h"
#include "psyphys/ppg.h"
#include "psyphys/recording.h"
#include "psyphys/rr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* sample, onset_s, rr_ms, cls and amplitude hold n values each, except in a session's lean
 * results (psyphys/session.h: lean_results), where they are NULL although n > 0: functions that
 * read them (psy_beats_write_table, psy_beats_write_wfdb, psy_hrv_compute_beats and
 * psy_hrv_series_from_beats on the raw intervals, psy_pat_compute, psy_breaths_from_beats,
 * psy_breaths_from_ecg) return PSY_E_INVALID for such a list. So are nn_ms, nn_onset_s and
 * nn_corrected there when the NN series went to a temporary file (n_nn kept): psy_hrv_compute_beats
 * and psy_hrv_series_from_beats on the NN series, psy_beats_write_nn_table, psy_rsa_compute and
 * psy_sidecar_add_beats refuse such a list the same way. */
typedef struct psy_beat_list {
    size_t n;
    int64_t *sample;       /* R-peak index on the channel's rate (-1 for RR channels) */
    double *onset_s;       /* seconds from the recording start */
    double *rr_ms;         /* interval ending at this beat; NaN for the first beat of a stretch */
    psy_beat_class *cls;   /* class of the beat (PSY_BEAT_NORMAL when the RR is NaN) */
    double *amplitude;     /* R amplitude in the channel's unit (NaN for RR channels) */
    size_t n_gaps;
    psy_ecg_gap *gaps;     /* stretches without usable signal, in samples (ECG channels) */
    psy_rr_counts counts;  /* beats per class */
    size_t n_searchback;   /* beats found by search-back */
    /* The corrected NN series: n_nn intervals ending at nn_onset_s, 1 in nn_corrected where an
     * interval was interpolated, split or merged. */
    size_t n_nn;
    double *nn_ms, *nn_onset_s;
    uint8_t *nn_corrected;
    /* Pulses of a PPG channel (psy_pulses_detect; 0 and NULL for R-peaks and RR channels). The
     * beats are then pulses timed by their half-amplitude points (psyphys/ppg.h): sample is that
     * point's sample, onset_s its exact (interpolated) time and rr_ms the interval between two
     * pulses' points, amplitude the pulse amplitude; gaps are the
     * unusable stretches, gap_reason says why (gaps[i].flat is 0 for missing samples only). Their
     * intervals make pulse rate variability, not heart rate variability (psyphys/ppg.h). */
    int pulses;
    int64_t *peak_sample;          /* systolic peak of each pulse */
    double *upstroke_s;            /* the steepest point of each pulse's upstroke, seconds from the
                                      recording start (interpolated) */
    double *foot_s;                /* each pulse's foot (intersecting tangents), the same way */
    double *quality;               /* template correlation, -1 .. 1 (NaN for the first pulses) */
    psy_ppg_reason *gap_reason;    /* n_gaps entries */
    int polarity;                  /* +1: pulses rise in the channel, -1: they fall (inverted) */
    /* Where the intervals the correction left out of the NN series end (s, increasing;
     * counts.nn_left_out of them, psy_rr_correct_left_out): a segment's or an epoch's corrected
     * share counts them as corrected intervals of its span. Since 0.2 (appended: the list is the
     * library's, the fields before keep their offsets). */
    double *nn_left_out_s;
} psy_beat_list;

typedef struct psy_beats_config {
    psy_ecg_detector_config detector; /* rate_hz is set from the channel */
    psy_rr_config rr;
    size_t block;                     /* samples read per block, default 65536; from 1024 samples,
                                         a channel longer than one block is read a block ahead in
                                         a second thread while the detector takes the one before
                                         (joined before the call returns; on one thread when none
                                         can be had): the same beats either way */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_beats_config;

PSY_API psy_beats_config psy_beats_config_default(void);

/* Detects the beats of channel ch: an ECG-like channel (any regular channel but a PPG one) through
 * the R-peak detector, or an RR channel (type PSY_CH_RR, values in ms; irregular or regular)
 * taken as it is. Then classifies and corrects the RR series, stretch by stretch (no interval
 * spans a gap). A PPG channel is refused (PSY_E_INVALID, `why` says so): psy_pulses_detect.
 * *out is NULL on failure. PSY_OK, PSY_E_INVALID, PSY_E_NOMEM, or a read error of the channel.
 * Threads: for an ECG-like channel longer than config->block (of 1024 samples or more), one
 * helper thread reads the channel's next block (the reader's source callbacks run there) while
 * the calling thread detects; it is joined before the call returns, the results are the same as
 * on one thread, and the call runs on one thread when none can be had. */
PSY_API psy_status psy_beats_detect(psy_reader *reader, int ch, const psy_beats_config *config,
                                    psy_beat_list **out, psy_message *why);

/* The same from two ECG leads at one rate (channels[0] first; n_channels 1 or 2): each lead is
 * detected on its own; a beat both leads show (within 100 ms) takes the first lead's R-peak.
 * Where they disagree, the signals decide (never the rhythm): a beat only the first lead shows
 * stays unless it is unlike that lead's dominant QRS shape and the second lead, clean there,
 * shows no QRS slope out of its background; a beat only the second lead shows (none of the
 * first's within 250 ms) is added where the first lead has no signal, or where it has the
 * second lead's dominant QRS shape and stands 5 times out of its noise (analysis/beats_leads.c).
 * Gaps are the stretches where neither lead has signal. PSY_E_INVALID when the two channels
 * differ in rate or are not regular signals. */
PSY_API psy_status psy_beats_detect_leads(psy_reader *reader, const int *channels, int n_channels,
                                          const psy_beats_config *config, psy_beat_list **out,
                                          psy_message *why);

typedef struct psy_pulses_config {
    psy_ppg_detector_config detector; /* rate_hz is set from the channel */
    psy_rr_config rr;
    size_t block;                     /* samples read per block, default 65536 (read ahead in a
                                         second thread as psy_beats_config's) */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_pulses_config;

PSY_API psy_pulses_config psy_pulses_config_default(void);

/* Detects the pulses of a PPG channel ch (any regular channel, 25 .. 1000 Hz) through the pulse
 * detector (psyphys/ppg.h) and takes the intervals between their half-amplitude points through the same
 * classification and correction as R-peaks (no interval spans an unusable stretch or a gap of
 * the recording). *out is NULL on failure. PSY_OK, PSY_E_INVALID (an irregular channel, a rate
 * outside the detector's range: `why` says so), PSY_E_NOMEM, or a read error of the channel.
 * Threads: as psy_beats_detect, one helper reads the channel's next block (config->block) while
 * the calling thread detects, joined before the call returns. */
PSY_API psy_status psy_pulses_detect(psy_reader *reader, int ch, const psy_pulses_config *config,
                                     psy_beat_list **out, psy_message *why);

/* NULL-safe. */
PSY_API void psy_beat_list_free(psy_beat_list *list);

/* 1 when the interval ending at a beat of class cls differs in the NN series: the beat is an
 * artefact (any class but normal), or the beat before it (has_previous) is one whose correction
 * changes the next interval too (any but a missed beat, whose inserted beat splits only its own).
 * The beats table's `corrected` column and the stream's labels. */
PSY_API int psy_beat_interval_corrected(psy_beat_class cls, int has_previous, psy_beat_class previous);

/* The NN series of beats as a beats table holds them (psyphys/beats_table.h: onsets in s,
 * intervals in ms ending at each beat, n/a = NaN after a gap, and their classes, the table's
 * labels): every run of consecutive intervals, cut as psy_beats_detect cuts them (at an interval
 * that is NaN or <= 0, and where a beat's onset does not lie its interval, within 50 ms or 20 %,
 * after the one before), is corrected on its own with the given classes (psy_rr_correct; config
 * NULL: psy_rr_config_default(), as psyphys analyze corrects). Writes *out_n intervals to
 * out_nn_ms / out_t_s (s) / out_corrected (1: changed or inserted) and out_run_start (1 at the
 * first interval of each run: where a tachogram breaks); out_max = 2 n + 1 is always enough.
 * Unlike psy_hrv_series_from_rr, which reclassifies the intervals and cuts only at NaN, this
 * replays the analysis's own series. PSY_OK; PSY_E_INVALID (NULL); a failed run's status from
 * psy_rr_correct (PSY_E_RANGE, PSY_E_NOMEM, ...) with `why` naming where the series stops: the
 * runs before it stay in the output. */
PSY_API psy_status psy_beats_nn_runs(const double *onset_s, const double *rr_ms, const psy_beat_class *classes,
                                     size_t n, const psy_rr_config *config, double *out_nn_ms, double *out_t_s,
                                     uint8_t *out_corrected, uint8_t *out_run_start, size_t out_max, size_t *out_n,
                                     psy_message *why);

#ifdef __cplusplus
}
#endif
#endif
