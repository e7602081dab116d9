/* Internal: the parts of a Biopac AcqKnowledge (.acq) file psyphys reads, as acq_header.c finds
 * them. Not installed.
 *
 * Layout (BIOPAC Application Note 156 "AcqKnowledge file format" for revisions up to 3.x; the
 * later revisions as documented by the bioread project's notes/file_format.md and headers): a
 * graph header (byte order from its revision field), optional padding headers (revision >= 124),
 * one header per channel, a "foreign data" header, one data-type header per channel, then
 *   uncompressed: the interleaved samples (each channel at base rate / its divider), the event
 *                 markers, the journal;
 *   compressed:   the markers, the journal, then per channel a compression header followed by
 *                 that channel's samples as one zlib stream (always little-endian). */
#ifndef PSYPHYS_ACQ_FORMAT_H
#define PSYPHYS_ACQ_FORMAT_H

#include <stdint.h>
#include "reader_impl.h"

/* File revisions where fields appear (bioread's file_revisions.py names them by version). */
enum {
    ACQ_REV_MIN = 30,  /* 2.0a: the oldest layout described */
    ACQ_REV_30R = 34,  /* 3.0: display fields, channel plot mode */
    ACQ_REV_35X = 36,  /* 3.5: marker items gain a "selected" flag */
    ACQ_REV_370 = 38,  /* 3.7.0: per-channel sample divider */
    ACQ_REV_381 = 41,  /* 3.8.1: compression flag; marker metadata after the markers */
    ACQ_REV_400 = 61,  /* 4.0: the post-4 header layouts */
    ACQ_REV_420 = 108, /* 4.2: HTML journal, longer journal and compression headers */
    ACQ_REV_42X = 121, /* 4.2.x: 8 more bytes in marker headers and items */
    ACQ_REV_430 = 124, /* 4.3: padding headers before the channel headers */
    ACQ_REV_440 = 128, /* 4.4: marker creation dates */
    ACQ_REV_MAX = 200  /* newer than any seen (5.x is 132); beyond: not an .acq file */
};

enum { ACQ_MAX_CHANNELS = 1024 };

typedef struct acq_channel {
    char label[PSY_LABEL_SIZE];
    char unit[PSY_UNIT_SIZE];
    int64_t frames;       /* samples of this channel */
    double scale, offset; /* int16 samples: value = raw * scale + offset */
    int order;            /* display order number: what markers name */
    int divider;          /* base rate / this channel's rate (>= 1) */
    int size;             /* bytes per sample: 2 (int16) or 8 (double) */
    int is_float;
    int64_t z_offset, z_length; /* compressed files: the zlib stream */
} acq_channel;

typedef struct acq_marker {
    int64_t sample;    /* at the base rate, from the first sample */
    int channel_order; /* -1: global */
    char code[5];      /* 4-character type ("apnd", "flag", "scr "), "" before revision 4 */
    char *text;        /* UTF-8 */
} acq_marker;

typedef struct acq_file {
    int revision, big_endian, compressed;
    double sample_ms; /* base sampling interval */
    int n_channels;
    acq_channel *ch;
    int64_t data_start; /* uncompressed: the interleaved samples */
    acq_marker *markers;
    size_t n_markers;
    char *journal; /* UTF-8 text (HTML tags removed), NULL when none */
} acq_file;

/* 1 when the first bytes look like an AcqKnowledge graph header (a known revision in either byte
 * order, a channel count and a positive sampling interval). */
int psy_acq_probe(const unsigned char *head, size_t n);

/* Parses every header of src into f (freed with acq_file_free, also on failure). Warnings about
 * parts that were skipped go to r. PSY_OK, PSY_E_FORMAT, PSY_E_TRUNCATED, PSY_E_IO, PSY_E_NOMEM. */
psy_status acq_parse(psy_source *src, psy_reader *r, acq_file *f, psy_message *why);
void acq_file_free(acq_file *f);

#endif
