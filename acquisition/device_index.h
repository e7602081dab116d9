/* Internal: regular numeric text bodies read block by block ("one sample per line, `columns`
 * comma-separated numbers"), so memory stays bounded by one block whatever the file length.
 * A first pass validates every line and keeps the byte offset of every DEV_INDEX_BLOCK-th
 * sample; reads decode one block at a time through a one-block cache. Not installed. */
#ifndef PSYPHYS_DEVICE_INDEX_H
#define PSYPHYS_DEVICE_INDEX_H

#include "device_util.h"

#define DEV_INDEX_BLOCK 4096 /* samples per indexed block */
#define DEV_INDEX_MAX_COLUMNS 8

typedef struct dev_index dev_index;

/* Row layout: `columns` numbers separated by `delim`, after one leading field (a timestamp)
 * when on_lead is set; on_lead sees that field of every row during the build (0 = reject the
 * row, with *why filled). */
typedef struct dev_index_layout {
    int columns;
    char delim;
    int (*on_lead)(void *ctx, const dev_field *lead, int64_t line_no, psy_message *why);
    void *ctx;
} dev_index_layout;

/* Scans src from byte `offset` (whose first line is numbered `line_no`, for messages) to the
 * end. Blank lines are skipped; any other line must match the layout, but a last line cut short
 * is left out (DEV_CUT_LEAVE_OUT), and dev_index_attach warns of it.
 * Returns PSY_OK, PSY_E_FORMAT (naming the line), PSY_E_IO or PSY_E_NOMEM. */
psy_status dev_index_build(psy_source *src, int64_t offset, int64_t line_no,
                           const dev_index_layout *layout, dev_index **out, psy_message *why);
int64_t dev_index_frames(const dev_index *ix);
/* Samples of column 0 equal to 0.0 at the start (E4 EDA settling). */
int64_t dev_index_leading_zeros(const dev_index *ix);
void dev_index_free(dev_index *ix);
/* Hands the index to the reader as its implementation (one regular channel per column), with
 * the warning of a cut last line left out. */
void dev_index_attach(psy_reader *r, dev_index *ix);

#endif
