/* psyphys — writing and reading back a beats table written by `psyphys beats -o` or `psyphys analyze`
 * (STEM_beats.tsv): tab-separated, a header row "onset\tsample\trr_ms\tlabel\tcorrected", then
 * one row per beat: onset (s from the recording start), sample (n/a for RR channels), rr_ms (the
 * interval ending at the beat; n/a for a stretch's first beat), label (N or the artefact class),
 * corrected (psy_beat_interval_corrected); a table of a PPG channel's pulses (psy_pulses_detect)
 * has two more columns, peak_sample and quality. */
#ifndef PSYPHYS_BEATS_TABLE_H
#define PSYPHYS_BEATS_TABLE_H

#include <stddef.h>
#include <stdio.h>
#include "psyphys/beats.h"
#include "psyphys/source.h"
#include "psyphys/export.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the table of a beat list (psy_beats_detect, psy_pulses_detect): the header row, then one
 * row per beat, onset with 6 decimals, rr_ms and quality with 3. PSY_OK, PSY_E_INVALID (NULL),
 * PSY_E_IO. */
PSY_API psy_status psy_beats_write_table(FILE *fp, const psy_beat_list *beats);

/* Writes the NN series of a beat list: "onset\tnn_ms\tcorrected", one row per NN interval
 * (onset: its ending beat, s, 6 decimals; nn_ms with 3; corrected 1 when correction changed it).
 * PSY_OK, PSY_E_INVALID (NULL), PSY_E_IO. */
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
} psy_beats_table;

/* 1 when the source starts with a beats table's header (onset, sample, rr_ms, label). */
PSY_API int psy_beats_table_is(psy_source *src);

/* Reads the table after its header row. Each row needs at least onset, sample, rr_ms and label
 * (the sample, label and corrected cells are not read: the classes are recomputed from the
 * intervals by whoever corrects them); onset must be a finite number and rr_ms a number or n/a.
 * PSY_OK; PSY_E_INVALID (NULL); PSY_E_FORMAT (a row with fewer cells or a bad number: why names
 * the line and the cell), PSY_E_IO, PSY_E_NOMEM; out is then empty. */
PSY_API psy_status psy_beats_table_read(psy_source *src, psy_beats_table *out, psy_message *why);

/* NULL-safe; leaves the table empty. */
PSY_API void psy_beats_table_free(psy_beats_table *table);

#ifdef __cplusplus
}
#endif
#endif
