/* Internal: the JSON sidecar that describes the channels of an audio-stored recording
 * (schema documented at the top of sidecar_json.c). */
#ifndef PSYPHYS_SIDECAR_JSON_H
#define PSYPHYS_SIDECAR_JSON_H

#include "psyphys/recording.h"

typedef struct psy_bids_sidecar_channel {
    char label[PSY_LABEL_SIZE]; /* "" when the sidecar names none */
    char unit[PSY_UNIT_SIZE];   /* "" when the sidecar gives none */
    double gain;                /* adu per physical unit (> 0); 1 when none */
    double baseline;            /* adu at physical zero; 0 when none */
} psy_bids_sidecar_channel;

typedef struct psy_bids_sidecar {
    double rate_hz;             /* 0 when absent */
    double start_offset_s;      /* numeric "StartTime" (BIDS: s relative to the reference) */
    int has_start_offset;
    psy_datetime start;         /* "RecordingStart" or a date-time string "StartTime" */
    int n_channels;
    psy_bids_sidecar_channel *channels; /* n_channels entries */
} psy_bids_sidecar;

/* Parses `len` bytes of JSON describing a recording of `channels` channels.
 * PSY_OK, PSY_E_FORMAT (why names the key and the value at fault) or PSY_E_NOMEM. */
psy_status psy_bids_sidecar_parse(const char *text, size_t len, int channels, psy_bids_sidecar *out,
                             psy_message *why);

/* Reads and parses a sidecar source (at most 1 MiB). */
psy_status psy_bids_sidecar_load(psy_source *src, int channels, psy_bids_sidecar *out, psy_message *why);

void psy_bids_sidecar_free(psy_bids_sidecar *sc);

#endif
