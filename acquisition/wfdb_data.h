/* Internal: reading the samples of a WFDB record's signal files through a per-file block cache,
 * so memory is bounded by the block size, never by the recording length. */
#ifndef PSYPHYS_WFDB_DATA_H
#define PSYPHYS_WFDB_DATA_H

#include "wfdb_header.h"

typedef struct wfdb_data wfdb_data;

/* Opens the signal files the header names (psy_source_open_related on `hea`, bare names only),
 * checks that each holds the header's frames, and fills *nframes (the header's count, or what
 * the files hold when it gives none). PSY_E_NOT_FOUND names a missing file, PSY_E_TRUNCATED a
 * short one; PSY_E_FORMAT, PSY_E_UNSUPPORTED, PSY_E_IO, PSY_E_NOMEM. Warnings go to r. */
psy_status wfdb_data_open(psy_source *hea, const wfdb_header *h, psy_reader *r, wfdb_data **out,
                          int64_t *nframes, psy_message *why);

/* psy_reader_ops callbacks: impl is the wfdb_data. */
psy_status wfdb_data_read(void *impl, int ch, int64_t start, int64_t n, double *out);
void wfdb_data_destroy(void *impl);

#endif
