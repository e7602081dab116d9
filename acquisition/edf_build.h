/* Internal: what both EDF paths (EDFlib and psyphys's own parser) share: channels from the
 * header, events from annotation texts. Keeping one copy makes the two paths give the same
 * channels and events. */
#ifndef PSYPHYS_EDF_BUILD_H
#define PSYPHYS_EDF_BUILD_H

#include "edf_header.h"

/* Adds one channel per ordinary (non-annotation) signal. *map (malloc'd) gets, per channel, the
 * index of its signal in the header. */
psy_status edf_add_channels(psy_reader *r, const edf_header *hdr, int **map, psy_message *why);

/* Adds an annotation event: onset in s from the first sample, duration in s (0: an instant),
 * UTF-8 text of len bytes (invalid bytes become '?' with a warning). */
psy_status edf_add_event(psy_reader *r, double onset, double duration, const char *text, size_t len);

/* Tries EDFlib on `path`. On PSY_OK the reader reads samples through EDFlib and has its events.
 * PSY_E_UNSUPPORTED: EDFlib refused the file (reason in refusal), nothing was added to r, so
 * the caller falls back to its own parser with a warning. PSY_E_NOT_FOUND: EDFlib is busy (its
 * table is full or already holds this file), fall back without a warning. Other statuses are
 * failures (reason in refusal). */
psy_status edf_libedf_open(const char *path, const edf_header *hdr, psy_reader *r, char *refusal,
                           size_t refusal_size);

/* psyphys convert's marks of what is not signal (edf_fill.c), applied to a continuous file's
 * reader once its events are read: a "psyphys: gap" reaching data_end_s (the records' end) ends
 * the channels where it begins; other "psyphys: gap" spans, and "psyphys: NaN LABEL" spans of
 * channel LABEL, read as NaN. PSY_OK or PSY_E_NOMEM. */
psy_status edf_apply_fill_marks(psy_reader *r, double data_end_s);

#endif
