/* Internal: the steps of a beat list shared by R-peaks (beats.c) and PPG pulses (pulses.c). */
#ifndef PSYPHYS_BEATS_INTERNAL_H
#define PSYPHYS_BEATS_INTERNAL_H

#include "psyphys/beats.h"

/* Pushes channel ch of r, read block by block (block samples, 0: 65536), through push (a
 * detector's push and drain; *used: how many it consumed) until every sample is consumed.
 * PSY_OK, PSY_E_NOMEM, a read error (`why` names the channel and sample) or push's error. */
typedef psy_status (*beats_push_fn)(void *ctx, const double *x, size_t n, size_t *used);
psy_status beats_feed_channel(psy_reader *r, int ch, size_t block, beats_push_fn push, void *ctx,
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

#endif
