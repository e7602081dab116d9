/* Block-indexed reading of regular numeric text bodies: see device_index.h. */
#include <stdlib.h>
#include <string.h>

#include "device_index.h"

struct dev_index {
    psy_source *src;
    dev_lines lr;
    dev_index_layout layout;
    int columns, lead;       /* value columns; 1 when a leading field precedes them */
    int64_t frames, leading_zeros;
    int64_t *block_offset, *block_line; /* byte offset and line number of each block's first sample */
    int64_t n_blocks;
    double *cache;                      /* one decoded block, sample-major */
    int64_t cached;                     /* block in the cache, or -1 */
};

void dev_index_free(dev_index *ix)
{
    if (!ix) return;
    dev_lines_close(&ix->lr);
    free(ix->block_offset);
    free(ix->block_line);
    free(ix->cache);
    free(ix);
}

/* Parses one non-blank line into `columns` values (and its leading field into *lead_out when
 * the layout has one). 0 with *why filled on error. */
static int parse_row(const dev_index *ix, const char *line, size_t len, double *out,
                     dev_field *lead_out, psy_message *why)
{
    dev_field f[DEV_INDEX_MAX_COLUMNS + 2];
    size_t want = (size_t)(ix->columns + ix->lead);
    size_t nf = dev_split(line, len, ix->layout.delim, f, DEV_INDEX_MAX_COLUMNS + 2);
    if (nf != want) {
        psy_fail(why, PSY_E_FORMAT, "line %lld: %zu fields where the file has %zu",
                 (long long)ix->lr.line_no, nf, want);
        return 0;
    }
    if (lead_out) *lead_out = f[0];
    for (int c = 0; c < ix->columns; c++) {
        const dev_field *v = &f[c + ix->lead];
        if (!dev_parse_number(v->p, v->n, &out[c])) {
            char shown[40];
            psy_copy_field(shown, sizeof shown, v->p, v->n);
            psy_fail(why, PSY_E_FORMAT, "line %lld: not a number: '%s'", (long long)ix->lr.line_no, shown);
            return 0;
        }
    }
    return 1;
}

static psy_status add_block(dev_index *ix, int64_t offset, int64_t line_no, int64_t *cap)
{
    if (ix->n_blocks == *cap) {
        int64_t n = *cap ? *cap * 2 : 64;
        int64_t *o = realloc(ix->block_offset, (size_t)n * sizeof *o);
        if (!o) return PSY_E_NOMEM;
        ix->block_offset = o;
        int64_t *l = realloc(ix->block_line, (size_t)n * sizeof *l);
        if (!l) return PSY_E_NOMEM;
        ix->block_line = l;
        *cap = n;
    }
    ix->block_offset[ix->n_blocks] = offset;
    ix->block_line[ix->n_blocks++] = line_no;
    return PSY_OK;
}

psy_status dev_index_build(psy_source *src, int64_t offset, int64_t line_no,
                           const dev_index_layout *layout, dev_index **out, psy_message *why)
{
    *out = NULL;
    int columns = layout->columns;
    if (columns < 1 || columns > DEV_INDEX_MAX_COLUMNS) return psy_fail(why, PSY_E_INVALID, "columns");
    dev_index *ix = calloc(1, sizeof *ix);
    if (!ix) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    ix->src = src;
    ix->layout = *layout;
    ix->columns = columns;
    ix->lead = layout->on_lead != NULL;
    ix->cached = -1;
    ix->cache = malloc((size_t)DEV_INDEX_BLOCK * (size_t)columns * sizeof *ix->cache);
    psy_status st = dev_lines_open(&ix->lr, src, DEV_CUT_LEAVE_OUT);
    if (st != PSY_OK || !ix->cache) {
        dev_index_free(ix);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    dev_lines_seek(&ix->lr, offset, line_no);
    int64_t cap = 0;
    int zeros_run = 1, got;
    const char *line;
    size_t len;
    double v[DEV_INDEX_MAX_COLUMNS];
    for (;;) {
        int64_t at = dev_lines_tell(&ix->lr);
        if ((got = dev_lines_next(&ix->lr, &line, &len, &st, why)) != 1) break;
        if (dev_is_blank(line, len)) continue;
        dev_field lead;
        if (!parse_row(ix, line, len, v, &lead, why) ||
            (ix->lead && !ix->layout.on_lead(ix->layout.ctx, &lead, ix->lr.line_no, why))) {
            got = -1;
            st = PSY_E_FORMAT;
            break;
        }
        if (ix->frames % DEV_INDEX_BLOCK == 0 && add_block(ix, at, ix->lr.line_no, &cap) != PSY_OK) {
            got = -1;
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
            break;
        }
        if (zeros_run && v[0] == 0) ix->leading_zeros++;
        else zeros_run = 0;
        ix->frames++;
    }
    if (got < 0) {
        dev_index_free(ix);
        return st;
    }
    *out = ix;
    return PSY_OK;
}

int64_t dev_index_frames(const dev_index *ix) { return ix->frames; }
int64_t dev_index_leading_zeros(const dev_index *ix) { return ix->leading_zeros; }

/* Decodes block b into the cache. The file was validated when indexed, so any failure here
 * means it changed since. */
static psy_status load_block(dev_index *ix, int64_t b)
{
    if (ix->cached == b) return PSY_OK;
    ix->cached = -1;
    dev_lines_seek(&ix->lr, ix->block_offset[b], ix->block_line[b]);
    int64_t want = ix->frames - b * DEV_INDEX_BLOCK;
    if (want > DEV_INDEX_BLOCK) want = DEV_INDEX_BLOCK;
    psy_status st = PSY_OK;
    const char *line;
    size_t len;
    for (int64_t i = 0; i < want;) {
        int got = dev_lines_next(&ix->lr, &line, &len, &st, NULL);
        if (got < 0) return st;
        if (got == 0) return PSY_E_TRUNCATED;
        if (dev_is_blank(line, len)) continue;
        if (!parse_row(ix, line, len, ix->cache + i * ix->columns, NULL, NULL)) return PSY_E_FORMAT;
        i++;
    }
    ix->cached = b;
    return PSY_OK;
}

static psy_status index_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    dev_index *ix = impl;
    while (n > 0) {
        int64_t b = start / DEV_INDEX_BLOCK, in = start % DEV_INDEX_BLOCK;
        psy_status st = load_block(ix, b);
        if (st != PSY_OK) return st;
        int64_t take = DEV_INDEX_BLOCK - in < n ? DEV_INDEX_BLOCK - in : n;
        const double *p = ix->cache + in * ix->columns + ch;
        for (int64_t i = 0; i < take; i++) out[i] = p[i * ix->columns];
        out += take;
        start += take;
        n -= take;
    }
    return PSY_OK;
}

static void index_destroy(void *impl) { dev_index_free(impl); }

static const psy_reader_ops index_ops = {index_read, NULL, index_destroy};

void dev_index_attach(psy_reader *r, dev_index *ix)
{
    dev_lines_warn_cut(&ix->lr, r);
    psy_reader_set_impl(r, &index_ops, ix);
}
