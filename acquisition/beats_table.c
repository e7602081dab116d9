/* Reading back psyphys's beats table (psyphys/beats_table.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/beats_table.h"
#include "text_lines.h"

static const char header[] = "onset\tsample\trr_ms\tlabel";

int psy_beats_table_is(psy_source *src)
{
    char head[sizeof header - 1];
    return src && psy_source_read(src, 0, head, sizeof head) == (int64_t)sizeof head &&
           memcmp(head, header, sizeof head) == 0;
}

void psy_beats_table_free(psy_beats_table *t)
{
    if (!t) return;
    free(t->onset_s);
    free(t->rr_ms);
    memset(t, 0, sizeof *t);
}

/* "line N: CELL 'value' is not a number[ or n/a]". */
static psy_status bad(psy_message *why, long long line, const char *cell, const text_field *f, const char *or_na)
{
    if (why)
        snprintf(why->text, sizeof why->text, "line %lld: %s '%.*s' is not a number%s", line, cell,
                 (int)(f->len > 64 ? 64 : f->len), f->p, or_na);
    return PSY_E_FORMAT;
}

/* One row into onset and rr; PSY_E_FORMAT with why. */
static psy_status parse_row(char *line, size_t len, long long line_no, double *onset, double *rr, psy_message *why)
{
    text_field f[5];
    int k = text_split(line, len, '\t', f, 5);
    if (k > 5) k = 5;
    if (k < 4) {
        if (why)
            snprintf(why->text, sizeof why->text, "line %lld: %d cells, want onset, sample, rr_ms, label, corrected",
                     line_no, k);
        return PSY_E_FORMAT;
    }
    if (!text_parse_number(f[0].p, f[0].len, onset) || !isfinite(*onset))
        return bad(why, line_no, "onset", &f[0], "");
    *rr = NAN;
    if (!(f[2].len == 3 && memcmp(f[2].p, "n/a", 3) == 0) && !text_parse_number(f[2].p, f[2].len, rr))
        return bad(why, line_no, "rr_ms", &f[2], " or n/a");
    return PSY_OK;
}

psy_status psy_beats_table_read(psy_source *src, psy_beats_table *out, psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!out) return PSY_E_INVALID;
    memset(out, 0, sizeof *out);
    if (!src) return PSY_E_INVALID;
    text_lines tl;
    psy_status st = text_lines_init(&tl, src);
    if (st != PSY_OK) return st;
    size_t cap = 0;
    char *line;
    size_t len;
    int64_t offset;
    st = text_lines_next(&tl, &line, &len, &offset, why); /* the header */
    if (st == PSY_OK && line) {
        text_field f[6];
        int k = text_split(line, len, '\t', f, 6);
        out->pulses = k >= 6 && f[5].len == 11 && memcmp(f[5].p, "peak_sample", 11) == 0;
    }
    while (st == PSY_OK && line) {
        st = text_lines_next(&tl, &line, &len, &offset, why);
        if (st != PSY_OK || !line) break;
        if (out->n == cap) {
            size_t nc = cap ? 2 * cap : 1024;
            double *a = realloc(out->onset_s, nc * sizeof *a);
            if (a) out->onset_s = a;
            double *b = a ? realloc(out->rr_ms, nc * sizeof *b) : NULL;
            if (b) out->rr_ms = b;
            if (!a || !b) {
                st = PSY_E_NOMEM;
                break;
            }
            cap = nc;
        }
        st = parse_row(line, len, (long long)tl.line_no, &out->onset_s[out->n], &out->rr_ms[out->n], why);
        if (st == PSY_OK) out->n++;
    }
    text_lines_free(&tl);
    if (st != PSY_OK) psy_beats_table_free(out);
    return st;
}
