/* Internal: reference annotations through formats that have no field for an event's source
 * (psyphys convert). EDF+ annotations and BIDS physioevents only hold a text, so a WFDB beat or
 * rhythm annotation, or a device's beat or scored stretch, is written as "psyphys: wfdb N" /
 * "psyphys: device N" and read back as what it was: a reference annotation, not a session event
 * (segments.h), so a copy gives the original's segments, epochs and reference beats. */
#ifndef PSYPHYS_REFERENCE_MARKS_H
#define PSYPHYS_REFERENCE_MARKS_H

#include <stddef.h>
#include "reader_impl.h"

/* The text to write for event e: its mark for a reference annotation (source WFDB or device),
 * else its label. `buf` holds the mark (PSY_LABEL_SIZE + 32 bytes are always enough for a
 * label of a reference annotation; a longer one is cut). */
const char *psy_reference_mark(const psy_event *e, char *buf, size_t size);

/* Every event of r (under construction) whose label is a mark gets back its source, label and
 * WFDB code (psy_wfdb_code of the label; sample, channel, subtype and number are not kept). */
void psy_reader_unmark_references(psy_reader *r);

#endif
