/* Internal: BIDS physiological recordings (*_physio.tsv.gz + *_physio.json). Not installed. */
#ifndef PSYPHYS_BIDS_PHYSIO_H
#define PSYPHYS_BIDS_PHYSIO_H

#include "reader_impl.h"

/* 1 when the name ends in _physio.tsv.gz or _physio.tsv (BIDS 1.10 file naming). */
int bids_is_physio_name(const char *name);

/* Opens a BIDS physio table from its decoded source `src`; `raw` is the source as given (for
 * related files). Returns an unfinished reader (src not adopted) or an error. */
psy_status bids_physio_open(psy_source *src, const psy_open_options *opt, psy_reader **out,
                            psy_message *why);

#endif
