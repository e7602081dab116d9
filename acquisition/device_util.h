/* Internal helpers shared by the device-export readers (RR lists, Empatica E4, Garmin logs,
 * vendor beat lists): a line scanner over a psy_source, field splitting, an in-memory channel
 * store with read callbacks, and civil-time arithmetic. Not installed. */
#ifndef PSYPHYS_DEVICE_UTIL_H
#define PSYPHYS_DEVICE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include "reader_impl.h"

/* ---- lines ---------------------------------------------------------------------------- */

#define DEV_MAX_LINE 65536

/* What a line that ends the file without its end-of-line, and holds more than blanks, means: the
 * file was cut there (an export or copy that did not finish), so its value may be cut too. Each
 * reader states its rule when it opens the lines, and changes it once its header is read. */
typedef enum dev_cut_rule {
    DEV_CUT_KEEP,     /* a line like any other (formats whose files may end without one) */
    DEV_CUT_REFUSE,   /* a header line: dev_lines_next fails with PSY_E_TRUNCATED naming the line */
    DEV_CUT_LEAVE_OUT /* a body line: left out (dev_lines_next ends there), its number in cut_line */
} dev_cut_rule;

/* Reads a source line by line through a fixed buffer (memory independent of the file size). */
typedef struct dev_lines {
    psy_source *src;
    int64_t pos;     /* file offset of buf[0] + len: next byte to read */
    char *buf;
    size_t len, off; /* bytes in buf, start of the next line */
    int64_t line_no; /* 1-based number of the line last returned */
    int eof;
    dev_cut_rule cut;
    int64_t cut_line; /* the line DEV_CUT_LEAVE_OUT left out, or 0 (kept across seeks and close) */
} dev_lines;

psy_status dev_lines_open(dev_lines *lr, psy_source *src, dev_cut_rule cut);
/* Next line without its end-of-line (\n, \r\n) and, on line 1, without a UTF-8 BOM; a cut last
 * line as lr->cut says. Returns 1 with a line, 0 at the end, -1 on error (*st and why set). */
int dev_lines_next(dev_lines *lr, const char **line, size_t *len, psy_status *st, psy_message *why);
void dev_lines_close(dev_lines *lr);
/* The one warning for the line DEV_CUT_LEAVE_OUT left out, on r; nothing when none was. */
void dev_lines_warn_cut(const dev_lines *lr, psy_reader *r);
/* File offset of the next line dev_lines_next would return. */
int64_t dev_lines_tell(const dev_lines *lr);
/* Continues from file offset `offset`, numbering the next line `next_line_no`. */
void dev_lines_seek(dev_lines *lr, int64_t offset, int64_t next_line_no);

/* A field of a line (not NUL-terminated). */
typedef struct dev_field {
    const char *p;
    size_t n;
} dev_field;

/* Splits a line on `delim`; delim ' ' splits on runs of spaces and tabs (leading/trailing
 * blanks ignored). Returns the number of fields (may exceed max: only max are stored). */
size_t dev_split(const char *line, size_t len, char delim, dev_field *out, size_t max);
/* 1 when the line holds only blanks. */
int dev_is_blank(const char *line, size_t len);

/* The file name without directory and extension, copied into dst ("EDA" for ".../EDA.csv"). */
void dev_name_stem(const char *name, char *dst, size_t dst_size);

/* ---- in-memory channels --------------------------------------------------------------- */

/* Values (in the file's unit) and, for irregular channels, times in s from the start. */
typedef struct dev_series {
    double *values;
    double *times; /* NULL for a regular channel */
    int64_t n, cap;
} dev_series;

typedef struct dev_store {
    dev_series *ch;
    int n_channels;
    int64_t max_values; /* cap on the total count of stored values (from the file size) */
    int64_t total;
} dev_store;

/* A store of n_channels empty series, irregular ones keeping times. max_values caps the total
 * count of values (a header must never make us allocate more than the file can hold). */
dev_store *dev_store_new(int n_channels, int irregular, int64_t max_values);
void dev_store_free(dev_store *s);
/* Appends (value, time); time is ignored for regular series. PSY_E_NOMEM or PSY_E_FORMAT
 * (more values than the file size allows) on failure, with why filled. */
psy_status dev_store_push(dev_store *s, int ch, double value, double time_s, psy_message *why);
/* Adds a channel slot at the end (for formats whose channels appear while reading). -1 on failure. */
int dev_store_add_series(dev_store *s, int irregular);
/* Hands the store to the reader as its implementation (the reader frees it). */
void dev_store_attach(psy_reader *r, dev_store *s);

/* Bound on the number of values a source can hold: one per 2 bytes ("1\n"). */
int64_t dev_max_values(psy_source *src);

/* ---- numbers and time ----------------------------------------------------------------- */

/* psy_parse_double with a fast path for plain decimals ("-12.345", no exponent, at most 15
 * digits): the digits form an exact integer m < 2^53 and 10^k is exact, so m / 10^k is the
 * correctly rounded value (Clinger's fast path), identical to strtod. Others go to
 * psy_parse_double. Returns 1 on success. */
int dev_parse_number(const char *text, size_t len, double *out);

/* Median of n values (copies them; 0 when n == 0 or on allocation failure, with *ok = 0). */
double dev_median(const double *v, int64_t n, int *ok);

/* Parses ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff][Z|(+|-)HH[[:]MM]]" (T or a space; a decimal point or
 * comma). Fills *civil with the date-time as written (local to the file) and *unix_ns with the
 * instant in ns since 1970 (offset applied; the civil time is taken as UTC when there is no
 * offset; integer so differences keep every digit). Years 1678..2261 and dates that exist only.
 * Second 60 (a leap second) only where one can fall: at 23:59 UTC when there is an offset, at
 * minute 59 without one; its instant is that of second 0 of the next minute. "-00:00" is UTC:
 * RFC 3339 writes a UTC time whose local offset is unknown so, and onsets need only the instant.
 * Returns 1 on success. */
int dev_parse_iso8601(const char *s, size_t n, psy_datetime *civil, int64_t *unix_ns);

#endif
