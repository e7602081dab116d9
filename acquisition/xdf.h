/* Internal: XDF (Extensible Data Format, the Lab Streaming Layer recorder's files; specification:
 * github.com/sccn/xdf/wiki/Specifications) for xdf_reader.c: the XML of stream headers
 * (xdf_xml.c) and the clock synchronisation (xdf_clock.c). Not installed. */
#ifndef PSYPHYS_XDF_H
#define PSYPHYS_XDF_H

#include <stddef.h>
#include <stdint.h>
#include "reader_impl.h"

enum { XDF_MAX_CHANNELS = 65536 };

typedef enum xdf_format {
    XDF_FLOAT32,
    XDF_DOUBLE64,
    XDF_STRING,
    XDF_INT8,
    XDF_INT16,
    XDF_INT32,
    XDF_INT64,
    XDF_FORMAT_UNKNOWN
} xdf_format;

typedef struct xdf_channel_desc {
    char label[PSY_LABEL_SIZE];
    char unit[PSY_UNIT_SIZE];
    char type[32];
} xdf_channel_desc;

/* What a StreamHeader's <info> says. */
typedef struct xdf_stream_info {
    char name[PSY_LABEL_SIZE];
    char type[64];
    long channel_count;   /* -1 when absent or not a number */
    double nominal_srate; /* 0: irregular; NaN when absent */
    xdf_format format;
    xdf_channel_desc *desc; /* desc/channels/channel entries, in order */
    long n_desc;
} xdf_stream_info;

/* Parses a StreamHeader's XML (a DOCTYPE, hence any entity, is refused). PSY_OK, PSY_E_FORMAT
 * (with why: not well-formed, no <info>), PSY_E_NOMEM. On success info->desc is malloc'd. */
psy_status xdf_parse_stream_xml(const char *xml, size_t len, xdf_stream_info *info, psy_message *why);
void xdf_stream_info_free(xdf_stream_info *info);

/* The <datetime> of a FileHeader's XML ("2021-09-08T15:39:54+0200", any form dev_parse_iso8601
 * takes), as written (civil time of the recording computer). 1 when found and valid, 0 when
 * absent, -1 when not an ISO 8601 date-time that exists. */
int xdf_file_datetime(const char *xml, size_t len, psy_datetime *out);

/* A stream's clock offset measurements (ClockOffset chunks: at time t on the stream's clock, add
 * v to its time stamps to get the recorder's) and the fits made from them. */
typedef struct xdf_clock_range {
    size_t first, last; /* measurements [first, last] */
    double a, b;        /* correction v = a + b * t */
} xdf_clock_range;

typedef struct xdf_clock {
    double *t, *v;
    size_t n, cap;
    xdf_clock_range *ranges; /* after xdf_clock_fit */
    size_t n_ranges;
} xdf_clock;

psy_status xdf_clock_add(xdf_clock *c, double t, double v);
/* Splits the measurements at clock resets and fits each range (see xdf_clock.c). Returns the
 * number of resets found, or -1 when out of memory. */
int xdf_clock_fit(xdf_clock *c);
/* The range to correct a time stamp t with, seen after `seen` measurements in the file (-1: no
 * measurements, no correction). */
long xdf_clock_range_for(const xdf_clock *c, double t, size_t seen);
/* t corrected by range k (t itself when k < 0). */
double xdf_clock_apply(const xdf_clock *c, long k, double t);
void xdf_clock_free(xdf_clock *c);

#endif
