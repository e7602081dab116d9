/* Internal: line and field level of the delimited-text readers. Not installed. */
#ifndef PSYPHYS_TEXT_LINES_H
#define PSYPHYS_TEXT_LINES_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/source.h"
#include "psyphys/status.h"

/* Longest line accepted: a wider row is surely not a recording (and must not grow memory). */
#define TEXT_MAX_LINE (4u << 20)

/* Sequential line reader over a source from a byte offset; lines end at LF (a CR before it is
 * dropped). The buffer is reused: a line is valid until the next call. */
typedef struct text_lines {
    psy_source *src;
    char *buf;
    size_t cap, start, end; /* unread bytes are buf[start, end) */
    int64_t buf_offset;     /* source offset of buf[0] */
    int64_t line_no;        /* 1-based number of the line last returned */
    int eof;
} text_lines;

psy_status text_lines_init(text_lines *tl, psy_source *src);
/* Positions the reader at byte `offset`, whose line has number line_no. */
void text_lines_seek(text_lines *tl, int64_t offset, int64_t line_no);
/* Next line (mutable, not NUL-terminated) and its byte offset; *line = NULL at the end.
 * Returns PSY_OK, PSY_E_IO or PSY_E_FORMAT (line too long). */
psy_status text_lines_next(text_lines *tl, char **line, size_t *len, int64_t *offset, psy_message *why);
void text_lines_free(text_lines *tl);

typedef struct text_field {
    const char *p;
    size_t len;
} text_field;

/* Splits a line at `delim` (' ' means runs of blanks, leading blanks ignored). Double-quoted
 * fields (RFC 4180: "" is a quote) may contain the delimiter; they are unquoted in place.
 * Fields are trimmed of blanks. Fills up to max fields and returns the true count. */
int text_split(char *line, size_t len, char delim, text_field *fields, int max);

/* Guesses the delimiter from the header line and the first data line (may be NULL): the most
 * frequent of tab, semicolon and comma whose count agrees on both lines, else runs of blanks
 * when both lines have the same number (> 1) of words, else ',' (a single column). */
char text_guess_delimiter(const char *l1, size_t n1, const char *l2, size_t n2);

/* Parses a whole (blank-trimmed) decimal number exactly as psy_parse_double does (same
 * syntax, same correctly rounded value), with a fast path for the usual short decimals. */
int text_parse_number(const char *p, size_t len, double *out);

/* 1 for a missing-value cell: empty, NA, N/A, n/a, NaN, nan, null, -, "." */
int text_is_missing(const char *p, size_t len);

/* Splits "ECG (mV)" / "EDA [uS]" into name and unit (unit "" when none). */
void text_name_and_unit(const char *p, size_t len, char *name, size_t name_size, char *unit,
                        size_t unit_size);

/* Length of a UTF-8 byte order mark at p (3 or 0). */
size_t text_bom_length(const char *p, size_t len);

#endif
