/* Tiny writers of the lab recorders' formats (AcqKnowledge, BrainVision, XDF) for the tests and
 * benchmarks: synthetic files with known contents, in the variants the shared samples do not
 * cover (compressed pre-4 and big-endian .acq, vectorised BrainVision, XDF clock resets...).
 * Layouts as acquisition/acq_format.h, brainvision_header.c and xdf_reader.c describe them. */
#ifndef PSYPHYS_LAB_WRITERS_H
#define PSYPHYS_LAB_WRITERS_H

#include <stdint.h>
#include <stdio.h>

/* ---- AcqKnowledge ---- */

typedef struct lab_acq_marker {
    int64_t sample;
    int channel;      /* display order number, -1 global (revision >= 61 only) */
    const char *code; /* 4 characters (revision >= 61 only) */
    const char *text;
} lab_acq_marker;

typedef struct lab_acq {
    int revision; /* e.g. 41 (3.8.1), 84 (4.1), 132 (5.0.1) */
    int big_endian, compressed;
    double sample_ms;
    int n_channels;
    const char *const *labels, *const *units;
    const int *dividers; /* NULL: all 1 */
    const int *is_float; /* NULL: all int16 */
    const int64_t *frames;
    const double *scale, *offset;
    /* sample i of channel c: the raw int16, or the double of a float channel */
    double (*value)(int c, int64_t i, void *ctx);
    void *ctx;
    const lab_acq_marker *markers;
    int n_markers;
    const char *journal; /* NULL: none */
} lab_acq;

/* Writes the file; 0 on success. */
int lab_write_acq(const char *path, const lab_acq *a);

/* ---- BrainVision ---- */

typedef struct lab_bv {
    const char *stem; /* writes dir/stem.vhdr, .eeg, .vmrk */
    int n_channels;
    int64_t frames;
    double interval_us;
    const char *binary_format; /* "INT_16", "INT_32", "IEEE_FLOAT_32" */
    int vectorized, big_endian, ansi;
    const char *const *labels, *const *units; /* units may be NULL: left empty */
    const double *resolution;
    double (*value)(int c, int64_t i, void *ctx); /* the stored number */
    void *ctx;
    const char *markers;                 /* the [Marker Infos] lines, or NULL for no .vmrk */
    const char *data_file, *marker_file; /* NULL: stem.eeg / stem.vmrk */
} lab_bv;

int lab_write_brainvision(const char *dir, const lab_bv *b);

/* ---- XDF ---- */

/* Chunk by chunk: open, then headers, samples, clock offsets in any order, then close. */
FILE *lab_xdf_open(const char *path);
void lab_xdf_chunk(FILE *f, int tag, const void *content, uint64_t len);
void lab_xdf_stream_header(FILE *f, uint32_t id, const char *name, const char *type, int channels,
                           double srate, const char *format, const char *channel_xml);
/* n samples of cc numbers (format "float32", "double64", "int16", "int32"); ts[k] NaN: none. */
void lab_xdf_samples(FILE *f, uint32_t id, const char *format, int cc, int n, const double *values,
                     const double *ts);
/* n samples of cc strings (text[k * cc + j]). */
void lab_xdf_strings(FILE *f, uint32_t id, int cc, int n, const char *const *text, const double *ts);
void lab_xdf_clock(FILE *f, uint32_t id, double t, double v);
int lab_xdf_close(FILE *f);

#endif
