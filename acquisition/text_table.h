/* Internal: a delimited-text table (CSV/TSV/BIDS physio) read as a recording without loading
 * it: one validating pass at open records the byte offset of every TEXT_BLOCK-th row; reads
 * parse one block of rows into a cache holding all columns. Not installed. */
#ifndef PSYPHYS_TEXT_TABLE_H
#define PSYPHYS_TEXT_TABLE_H

#include "reader_impl.h"

#define TEXT_BLOCK 4096 /* rows per checkpoint and per cached block */

typedef struct text_table_config {
    const char *format_name;    /* "CSV", "TSV", "BIDS physio"; NULL: from the delimiter */
    char delim;                 /* 0: guess from the first lines */
    int has_header;             /* 0: the columns are `names` */
    const char *const *names;   /* n_names column names when has_header is 0 */
    const char *const *units;   /* NULL or per-name units ("" when none) */
    const psy_channel_type *types; /* NULL or per-name types (PSY_CH_OTHER: infer) */
    int n_names;
    int find_time_column;       /* 1: look for a time column by name */
    double rate_hz;             /* > 0: the sampling rate when there is no time column (the
                                   reader is then marked PSY_RATE_GIVEN); a time column's wins */
    double start_s;             /* time of the first row when there is no time column */
} text_table_config;

/* Builds an unfinished reader over src (not adopted): channels, impl, one stretch. The caller
 * adds events, calls psy_reader_finish and psy_reader_adopt_source.
 * Returns PSY_OK, PSY_E_FORMAT, PSY_E_TRUNCATED, PSY_E_IO, PSY_E_NOMEM. */
psy_status text_table_open(psy_source *src, const text_table_config *cfg, psy_reader **out,
                           psy_message *why);

/* Events of a delimited event file (see psy_reader_load_events); without a header, columns
 * are `names`. Adds all or nothing, then keeps the reader's events sorted. */
psy_status text_events_load(psy_reader *r, psy_source *src, int has_header,
                            const char *const *names, int n_names, double offset_s,
                            psy_message *why);

#endif
