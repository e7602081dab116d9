/* Internal: BIDS physiological recordings (*_physio.tsv.gz + *_physio.json). Not installed. */
#ifndef PSYPHYS_BIDS_PHYSIO_H
#define PSYPHYS_BIDS_PHYSIO_H

#include "reader_impl.h"

/* BIDS physio has no key for a column's kind of signal ("cardiac" is named, not typed): psyphys
 * convert writes "ChannelType": "ECG" (psy_channel_type_name) into each column's description,
 * and the reader takes it before guessing a type from the column's name. */
#define BIDS_CHANNEL_TYPE_KEY "ChannelType"

/* 1 when the name ends in _physio.tsv.gz or _physio.tsv (BIDS 1.10 file naming). */
int bids_is_physio_name(const char *name);

/* 1 when beside x.tsv[.gz] (a name without BIDS's _physio) lies x.json with the REQUIRED
 * SamplingFrequency and Columns of a BIDS physio sidecar: the pair psyphys convert writes for
 * OUT.tsv.gz, read as BIDS physio (the sidecar's columns, rate and events). */
int bids_has_physio_sidecar(psy_source *src);

/* Opens a BIDS physio table from its decoded source `src`; `raw` is the source as given (for
 * related files). Returns an unfinished reader (src not adopted) or an error. */
psy_status bids_physio_open(psy_source *src, const psy_open_options *opt, psy_reader **out,
                            psy_message *why);

#endif
