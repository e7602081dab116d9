/* Internal: BrainVision header and marker parsing (brainvision_header.c) for the reader
 * (brainvision_reader.c). Not installed. */
#ifndef PSYPHYS_BRAINVISION_H
#define PSYPHYS_BRAINVISION_H

#include "device_util.h"
#include "reader_impl.h"

enum { BV_MAX_CHANNELS = 65536 };

typedef enum bv_format { BV_INT16, BV_UINT16, BV_INT32, BV_FLOAT32 } bv_format;

typedef struct bv_channel {
    char label[PSY_LABEL_SIZE];
    char reference[PSY_LABEL_SIZE];
    char unit[PSY_UNIT_SIZE];
    double resolution; /* unit per stored value */
} bv_channel;

typedef struct bv_header {
    char data_file[256], marker_file[256]; /* as written ("" when absent) */
    int ascii, vectorized, big_endian, utf8, codepage_given;
    bv_format format;
    int bytes; /* per binary sample */
    int n_channels;
    double rate_hz;
    int64_t data_points; /* DataPoints, -1 when absent */
    char decimal;        /* ASCII: '.' or ',' */
    long skip_lines, skip_columns;
    bv_channel *ch;
} bv_header;

typedef struct bv_marker {
    char type[PSY_LABEL_SIZE], description[PSY_LABEL_SIZE * 2];
    int64_t position; /* 1-based data point */
    int64_t points;   /* length in data points */
    int channel;      /* 1-based; 0: all channels */
    int has_date;
    psy_datetime date; /* New Segment markers */
} bv_marker;

/* 1 when a first line is a BrainVision header's / marker file's. */
int bv_is_header_line(const char *line, size_t len);
int bv_is_marker_line(const char *line, size_t len);

/* Parses a .vhdr. On failure h is freed. PSY_OK, PSY_E_FORMAT, PSY_E_UNSUPPORTED, PSY_E_IO, PSY_E_NOMEM. */
psy_status bv_parse_header(psy_source *src, bv_header *h, psy_message *why);
void bv_header_free(bv_header *h);

/* Calls fn for every marker of a .vmrk in file order; stops at fn's first failure. */
typedef psy_status (*bv_marker_fn)(void *ctx, const bv_marker *m, psy_message *why);
psy_status bv_parse_markers(psy_source *src, int utf8, bv_marker_fn fn, void *ctx, psy_message *why);

#endif
