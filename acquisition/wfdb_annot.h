/* Internal: WFDB annotation files in the MIT format (annot(5) of the WFDB Programmer's Guide). */
#ifndef PSYPHYS_WFDB_ANNOT_H
#define PSYPHYS_WFDB_ANNOT_H

#include <stdint.h>

#include "reader_impl.h"

/* The mnemonic of annotation code `code` ("N", "V", "+", ...); "[c]" style text for codes WFDB
 * leaves undefined, written to buf (size >= 8) which is returned. */
const char *wfdb_annotation_mnemonic(int code, char *buf);

/* 1 for the beat codes (N L R B A a J S V r F e j n E / f Q ?). */
int wfdb_annotation_is_beat(int code);

typedef struct wfdb_annot_summary {
    int64_t count; /* annotations added */
    int64_t last_sample; /* sample of the last annotation, -1 when none */
} wfdb_annot_summary;

/* Reads every annotation of src (streamed in chunks) and adds it to r as a PSY_EVENTS_WFDB event
 * with onset sample / frame_rate. Returns PSY_OK, PSY_E_TRUNCATED (cut inside a record),
 * PSY_E_FORMAT, PSY_E_IO or PSY_E_NOMEM, with the byte position in why. */
psy_status wfdb_read_annotations(psy_source *src, double frame_rate, psy_reader *r,
                                 wfdb_annot_summary *summary, psy_message *why);

#endif
