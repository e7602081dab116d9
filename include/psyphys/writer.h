/* psyphys — writing recordings (psyphys convert).
 *
 * EDF+/BDF+ are written through EDFlib with every channel at its own rate and the events as
 * annotations; BIDS physio is a gzip-compressed TSV (one column per channel, all at one rate)
 * with its JSON sidecar (SamplingFrequency, StartTime, Columns, units) and a _physioevents.tsv.gz
 * for the events. Output goes to a temporary name beside the target and is renamed into place
 * only when complete, so a failure never leaves a partial file. */
#ifndef PSYPHYS_WRITER_H
#define PSYPHYS_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_write_format {
    PSY_WRITE_EDF = 0,  /* EDF+C, 16-bit */
    PSY_WRITE_BDF,      /* BDF+C, 24-bit */
    PSY_WRITE_BIDS_TSV  /* BIDS _physio.tsv.gz + .json (+ _physioevents.tsv.gz) */
} psy_write_format;

typedef struct psy_write_options {
    int overwrite;      /* 0 (default): PSY_E_EXISTS when the target exists */
} psy_write_options;

/* Chooses the format from the name (case-insensitive): .edf, .bdf, .tsv.gz (BIDS physio).
 * PSY_E_INVALID otherwise. */
PSY_API psy_status psy_write_format_from_path(const char *path, psy_write_format *out);

/* Writes the whole recording to `path`, reading it block by block (memory bounded by the block
 * size and the channel count). Irregular channels (RR lists) cannot be stored in EDF or BIDS physio
 * and are skipped with a warning; PSY_E_UNSUPPORTED when no channel is left. Gaps (EDF+D input)
 * and NaN samples cannot be stored in EDF: the output keeps the true time axis, fills them with
 * the lowest digital value and marks each gap with a "psyphys: gap" annotation of its duration
 * (each NaN run with "psyphys: NaN <label>", at most 1000); BIDS physio writes "n/a" rows.
 *
 * EDF/BDF: each channel keeps its rate; the data-record duration is 1 s when every rate is an
 * integer, else the shortest (<= 60 s, 10-us steps) giving whole samples per record within 1e-6
 * relative (PSY_E_UNSUPPORTED naming the rates when none does). Physical min/max come from the
 * channel info when finite, else from a first pass over the samples; samples round-trip within
 * one digital step (16-bit EDF, 24-bit BDF). Labels (16 bytes) and units (8) are made ASCII
 * ("µ" -> "u"), a unit spelt out as its symbol ("microsiemens" -> "uS"); each channel's type
 * goes into the transducer field ("psyphys type: ECG"); events become UTF-8 annotations
 * (onset/duration at 100 us, texts cut at 40 bytes, events before the start dropped). BIDS: all
 * written channels must share one rate, else PSY_E_UNSUPPORTED; each column's description in the
 * JSON carries "Units" and "ChannelType"; the events go to <name with _physio -> _physioevents>
 * (or <name>_physioevents).tsv.gz + .json; the start date-time is not written (BIDS physio has no
 * field for it). In both formats a reference annotation (source WFDB or device) is written as
 * "psyphys: wfdb N" / "psyphys: device N", which psyphys's readers read back as the reference
 * annotation it was (source, label, WFDB code), not as a session event.
 *
 * `why` (may be NULL) gets the reason on failure and, on PSY_OK, the warnings ("; "-separated,
 * "" when none): skipped channels, transliterated or cut labels and units, cut or dropped
 * annotations, a start date-time BIDS cannot hold.
 * The target (and for BIDS each sidecar) must not exist unless options->overwrite; the input
 * file itself is never overwritten (PSY_E_INVALID).
 * Returns PSY_OK, PSY_E_EXISTS,
 * PSY_E_IO, PSY_E_UNSUPPORTED, PSY_E_INVALID, PSY_E_NOMEM, or a read error of the input. */
PSY_API psy_status psy_write_recording(psy_reader *reader, const char *path, psy_write_format format,
                                       const psy_write_options *options, psy_message *why);

/* The WFDB annotation code of a mnemonic ("N" = 1, "V" = 5, "Q" = 13, "|" = 16, ...), 0 when
 * WFDB defines none. */
PSY_API int psy_wfdb_code(const char *mnemonic);

/* 1 for the WFDB beat codes (N L R B A a J S V r F e j n E / f Q ?), else 0. */
PSY_API int psy_wfdb_is_beat(int code);

/* Encodes annotations in the WFDB MIT format (WFDB Programmer's Guide, annot(5)): n annotations
 * at non-decreasing sample indices >= 0 with codes 1 .. 49, then the end mark, as the bytes of
 * an annotation file, into out[0 .. cap). out NULL: only *len = the size needed (at most 8 n + 2).
 * *len = the bytes written. PSY_OK, PSY_E_INVALID (a sample out of order, a bad code, NULL),
 * PSY_E_RANGE (cap too small: nothing written). */
PSY_API psy_status psy_wfdb_annotations_encode(const int64_t *sample, const int *code, size_t n, uint8_t *out,
                                               size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
