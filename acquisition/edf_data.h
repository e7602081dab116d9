/* Internal: EDF/BDF data records read through a small cache of consecutive records, so memory
 * is bounded by the cache, never by the recording length. */
#ifndef PSYPHYS_EDF_DATA_H
#define PSYPHYS_EDF_DATA_H

#include "edf_header.h"

typedef struct edf_data edf_data;

/* Takes the header (its signal table is freed with the data). NULL on allocation failure, in
 * which case the header is left to the caller. */
edf_data *edf_data_new(psy_source *src, edf_header *hdr);
void edf_data_free(edf_data *d);

const edf_header *edf_data_header(const edf_data *d);

/* Physical values of samples [start, start + n) of signal `sig` (span already checked). */
psy_status edf_data_read(edf_data *d, int sig, int64_t start, int64_t n, double *out);

/* The bytes of signal `sig` in data record `rec`, valid until the next call on d. */
psy_status edf_data_segment(edf_data *d, int64_t rec, int sig, const unsigned char **bytes, size_t *len);

#endif
