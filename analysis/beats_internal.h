/* Internal: the steps of a beat list shared by R-peaks (beats.c) and PPG pulses (pulses.c). */
#ifndef PSYPHYS_BEATS_INTERNAL_H
#define PSYPHYS_BEATS_INTERNAL_H

#include <stdio.h>

#include "fixed_format.h" /* PSY_FIXED_MAX */
#include "psyphys/beats.h"

/* Pushes channel ch of r, read block by block (block samples, 0: 65536), through push (a
 * detector's push and drain; *used: how many it consumed) until every sample is consumed, on
 * the calling thread. With may_thread, a second thread reads the next block while push takes one
 * (beats_feed.c), so push must not use r (nor anything the reader shares); the blocks, their
 * order and what push is given are the same either way, and so is the return. PSY_OK,
 * PSY_E_NOMEM, a read error (`why` names the channel and sample) or push's error. */
typedef psy_status (*beats_push_fn)(void *ctx, const double *x, size_t n, size_t *used);
psy_status beats_feed_channel(psy_reader *r, int ch, size_t block, int may_thread, beats_push_fn push, void *ctx,
                              psy_message *why);

/* b->rr_ms from the beats' positions on the channel (fractional samples; b->sample when
 * position is NULL) at rate_hz: NaN for the first beat and for every interval across one of
 * b->gaps or a jump of the recording's time axis (b->onset_s). PSY_OK or PSY_E_NOMEM. */
psy_status beats_rr_from_positions(psy_beat_list *b, const double *position, double rate_hz);

/* Classes, NN series and counts of b from b->rr_ms, run by run (a run ends at a NaN interval or
 * where a beat does not follow the one before). PSY_OK, PSY_E_NOMEM or a psy_rr_* error. */
psy_status beats_classify_runs(psy_beat_list *b, const psy_rr_config *cfg);

/* psy_beats_nn_runs (psyphys/beats.h), with classes NULL classifying each run (psy_rr_classify)
 * and out_run_start optional; counts (may be NULL) sums the runs' psy_rr_counts. The one rule
 * of a beats table's NN series (psy_beats_table_nn). */
psy_status beats_nn_runs(const double *onset_s, const double *rr_ms, const psy_beat_class *classes, size_t n,
                         const psy_rr_config *config, double *out_nn_ms, double *out_t_s, uint8_t *out_corrected,
                         uint8_t *out_run_start, size_t out_max, size_t *out_n, psy_rr_counts *counts,
                         psy_message *why);

/* What the R-peak detector said of each beat of a lead, one entry per beat of the lead's list:
 * the R-peak's time past its sample (psy_ecg_beat's offset), and when shapes is set its snr and
 * likeness (for combining two leads). */
typedef struct beats_marks {
    double *offset;
    double *snr, *likeness;
    int shapes;
} beats_marks;

/* Combines the beats b (marks mb) of lead channels[1] into those of lead channels[0] (a, ma),
 * same rate, deciding from the two leads' signals (beats_leads.c); ma->offset follows a's beats.
 * PSY_OK, PSY_E_NOMEM or a read error (`why` says which). */
psy_status beats_merge_leads(psy_reader *r, const int channels[2], psy_beat_list *a,
                             beats_marks *ma, const psy_beat_list *b, const beats_marks *mb,
                             psy_message *why);

/* Runs config's R-peak detector over channel ch (at its rate) block by block, the reading in a
 * second thread with may_thread (beats_feed_channel): each beat, in order, to take (ctx its first
 * argument; b->n is the beat's index), then counted in b->n and b->n_searchback; the gaps, in
 * order, to take_gap, or into b->gaps when it is NULL. Every gap before a beat reaches take_gap
 * before the beat reaches take. take and take_gap run on the calling thread; they may use r's
 * time axis (psy_reader_read_times of a regular channel) but not read it. PSY_OK, PSY_E_NOMEM,
 * take's or take_gap's error, the detector's (a rate it cannot run at) or a read error, why
 * saying which. */
typedef psy_status (*beats_take_fn)(void *ctx, const psy_ecg_beat *beat);
typedef psy_status (*beats_take_gap_fn)(void *ctx, const psy_ecg_gap *gap);
psy_status beats_detect_peaks(psy_reader *r, int ch, const psy_beats_config *config, psy_beat_list *b,
                              beats_take_fn take, beats_take_gap_fn take_gap, void *ctx, int may_thread,
                              psy_message *why);

/* 1 when a beat list has the per-beat columns its table and pairing read (sample, onset_s, rr_ms,
 * cls) or no beats; 0 for a session's lean beats (psyphys/session.h: lean_results), which keep
 * the counts and the NN series only. */
static inline int beats_have_columns(const psy_beat_list *b)
{
    return !b->n || (b->sample && b->onset_s && b->rr_ms && b->cls);
}

/* Shrinks the array *p (a pointer to the array's pointer) to n elements of `size` bytes, kept as
 * it is if realloc fails: a list grown by doubling, or allocated for the worst case, gives back
 * what it does not use. */
void beats_shrink_to(void *p, size_t n, size_t size);

/* Appends a gap to b->gaps (room *cap, grown by doubling). 0 when out of memory. */
int beats_add_gap(psy_beat_list *b, size_t *cap, const psy_ecg_gap *g);

/* The interval (ms) ending at a beat at `sample` after the beat at prev_sample, dt_s apart on the
 * channel (its positions' difference over the rate), their onsets d_onset_s apart: NaN across
 * one of b->gaps or a jump of the recording's time axis (the onsets not dt_s apart within half a
 * sample). The rule of beats_rr_from_positions. */
/* A detected beat's onset (s): the time of its sample on channel ch plus the detector's sub-sample
 * offset (psy_ecg_beat's), as psy_beats_detect and the streamed beats both take it. */
psy_status beats_onset_s(psy_reader *r, int ch, int64_t sample, double offset, double *onset_s);

double beats_interval_ms(const psy_beat_list *b, int64_t prev_sample, int64_t sample, double dt_s, double d_onset_s,
                         double rate_hz);

/* 1 when a beat's interval rr_ms starts at the beat before it: its onset lies one interval after
 * that beat's, within 50 ms or 20 % (device RR lists drop beats: Empatica's IBI.csv jumps over
 * them). Where a run of intervals ends (beats_classify_runs). */
int beats_follows(double prev_onset_s, double onset_s, double rr_ms);

/* A beats table (psyphys/beats_table.h) of R-peaks or RR beats: its header, and a row without
 * its newline (at most BEATS_TABLE_ROW_MAX bytes) into row; returns its length. */
#define BEATS_TABLE_HEADER "onset\tsample\trr_ms\tlabel\tcorrected\n"
#define BEATS_TABLE_ROW_MAX (3 * PSY_FIXED_MAX + 24)
size_t beats_table_row(char *row, double onset_s, int64_t sample, double rr_ms, psy_beat_class cls, int corrected);

/* The beats of ECG channel ch of r (not an RR or PPG channel) as psy_beats_detect finds them,
 * without their per-beat columns: *out holds n, the gaps, counts, n_searchback and the NN series
 * (nn_ms, nn_onset_s, nn_corrected, nn_left_out_s) bit for bit as psy_beats_detect's, and
 * sample, onset_s, rr_ms, cls and amplitude NULL; the beats table (psy_beats_write_table's bytes)
 * goes to `table` (flushed) as each beat's label becomes final. With `spool` (nn_spool.h: empty)
 * the NN series goes there as it is produced (finished), and nn_ms, nn_onset_s and nn_corrected
 * are NULL (n_nn kept). Memory: the NN series (17 bytes an interval) unless spooled, the
 * left-out intervals' times, and bounded buffers. With may_thread, three threads side by side:
 * the channel's reading, the R-peak detector (the calling thread) and the beats' classification
 * and correction (which then writes table and spool); all joined before the call returns, the
 * same results on one. PSY_OK, PSY_E_INVALID (such a channel, config->rr invalid or its windows
 * too wide for the sliding buffer), PSY_E_NOMEM, PSY_E_IO (writing table or spool), a read error
 * of the channel (why says which). */
typedef struct nn_spool nn_spool;
psy_status beats_detect_streamed(psy_reader *r, int ch, const psy_beats_config *config, FILE *table, int may_thread,
                                 nn_spool *spool, psy_beat_list **out, psy_message *why);

#endif
