/* psyphys — writing and reading back a beats table written by `psyphys beats -o` or `psyphys analyze`
 * (STEM_beats.tsv): tab-separated, a header row "onset\tsample\trr_ms\tlabel\tcorrected", then
 * one row per beat: onset (s from the recording start), sample (n/a for RR channels), rr_ms (the
 * interval ending at the beat; n/a for a stretch's first beat), label (N or the artefact class),
 * corrected (psy_beat_interval_corrected); a table of a PPG channel's pulses (psy_pulses_detect)
 * has two more columns, peak_sample and quality. A user may edit the labels by hand (manual
 * artefact correction): psy_beats_table_nn honours them. */
#ifndef PSYPHYS_BEATS_TABLE_H
#define PSYPHYS_BEATS_TABLE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "psyphys/beats.h"
#include "psyphys/source.h"
#include "psyphys/export.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the table of a beat list (psy_beats_detect, psy_pulses_detect): the header row, then one
 * row per beat, onset with 6 decimals, rr_ms and quality with 3. PSY_OK, PSY_E_INVALID (NULL, or
 * a list without its per-beat columns: a session's lean beats), PSY_E_IO. */
PSY_API psy_status psy_beats_write_table(FILE *fp, const psy_beat_list *beats);

/* Writes the NN series of a beat list: "onset\tnn_ms\tcorrected", one row per NN interval
 * (onset: its ending beat, s, 6 decimals; nn_ms with 3; corrected 1 when correction changed it).
 * PSY_OK, PSY_E_INVALID (NULL, or a list without its NN series: a session's lean beats), PSY_E_IO. */
PSY_API psy_status psy_beats_write_nn_table(FILE *fp, const psy_beat_list *beats);

/* Writes the beats as a WFDB annotation file (MIT format, psy_wfdb_annotations_encode in
 * psyphys/writer.h): one annotation per beat at its sample, 'N', or 'Q' (a beat of unknown
 * class) where the RR classifier calls the beat ectopic or extra: every detection is a beat (an
 * 'extra' label concerns the interval series; WFDB's bxb would drop a '|'). Beats without a
 * sample (an RR channel's) are left out: an RR channel gives an annotation file of the end mark
 * only. PSY_OK, PSY_E_INVALID (NULL, samples out of order), PSY_E_NOMEM, PSY_E_IO. */
PSY_API psy_status psy_beats_write_wfdb(FILE *fp, const psy_beat_list *beats);

/* The beats of a table: n onsets and intervals (NaN for n/a); malloc'd, psy_beats_table_free. */
typedef struct psy_beats_table {
    size_t n;
    double *onset_s;
    double *rr_ms;
    int pulses;         /* 1: the header names peak_sample, a table of pulses (their variability
                           is pulse rate variability) */
    psy_beat_class *classes; /* each beat's label as its class (n entries), or NULL when the table
                           has no labels (every label cell n/a or empty: intervals from another
                           program). Since 0.2 (appended) */
} psy_beats_table;

/* 1 when the source starts with a beats table's header (onset, sample, rr_ms, label). */
PSY_API int psy_beats_table_is(psy_source *src);

/* Reads the table after its header row. Each row needs at least onset, sample, rr_ms and label
 * (the sample and corrected cells are not read: `corrected` follows from the labels); onset must
 * be a finite number, rr_ms a number or n/a, label a class name (psy_beat_class_name: N, ectopic,
 * missed, extra, long, short) in every row or n/a (or empty, NA) in every row: a table labels all
 * its beats or none. PSY_OK; PSY_E_INVALID (NULL); PSY_E_FORMAT (a row with fewer cells, a bad
 * number, a label that names no class, a table with some labels missing: why names the line and
 * the cell), PSY_E_IO, PSY_E_NOMEM; out is then empty. */
PSY_API psy_status psy_beats_table_read(psy_source *src, psy_beats_table *out, psy_message *why);

/* The NN series of a table, by the one rule `psyphys hrv TABLE`, the QC report and the Python
 * package follow. Runs of consecutive intervals are cut as psy_beats_detect cuts them (at an
 * interval that is n/a or <= 0, and where a beat's onset does not lie its interval, within 50 ms
 * or 20 %, after the one before: a deleted row, a device's dropped beats); each run is corrected
 * on its own (psy_rr_correct: an extra beat removed, a missed one inserted, an ectopic, long or
 * short one moved where its normal neighbours put it) with
 *   - the table's labels when it has them (t->classes): a beat the user labelled ectopic (or any
 *     class) is corrected as that class, a beat relabelled N is kept as it is; so a table
 *     psyphys wrote, unedited, gives back the analysis's own NN series, and an edited one the
 *     series its labels imply (manual correction as in Kubios or ARTiiFACT);
 *   - else the classes psy_rr_classify gives each run, as for detected beats.
 * config NULL: psy_rr_config_default(), as psyphys corrects detected beats. Writes *out_n
 * intervals (ms) ending at out_t_s (s), out_corrected (1: changed or inserted) and, when not NULL,
 * out_run_start (1 at each run's first interval: where a tachogram breaks); out_max = 2 n + 1 is
 * always enough. counts (may be NULL): the classes of the runs' intervals and the corrected
 * intervals left out (psy_rr_counts). PSY_OK; PSY_E_INVALID (NULL); a failed run's status from
 * psy_rr_correct (PSY_E_RANGE, PSY_E_INVALID for an infinite interval, PSY_E_NOMEM) with `why`
 * naming where the series stops: the runs before it stay in the output. Since 0.2. */
PSY_API psy_status psy_beats_table_nn(const psy_beats_table *t, const psy_rr_config *config, double *out_nn_ms,
                                      double *out_t_s, uint8_t *out_corrected, uint8_t *out_run_start,
                                      size_t out_max, size_t *out_n, psy_rr_counts *counts, psy_message *why);

/* NULL-safe; leaves the table empty. */
PSY_API void psy_beats_table_free(psy_beats_table *table);

#ifdef __cplusplus
}
#endif
#endif
