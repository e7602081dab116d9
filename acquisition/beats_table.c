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
    free(t->classes);
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

/* A label cell: its class, or -1 for n/a (no label); -2 when it names no class. */
static int label_class(const text_field *f)
{
    if (text_is_missing(f->p, f->len)) return -1;
    for (int c = 0; c < PSY_BEAT_CLASS_COUNT; c++) {
        const char *name = psy_beat_class_name((psy_beat_class)c);
        if (strlen(name) == f->len && memcmp(name, f->p, f->len) == 0) return c;
    }
    return -2;
}

/* One row into onset, rr and its label's class (-1: none); PSY_E_FORMAT with why. */
static psy_status parse_row(char *line, size_t len, long long line_no, double *onset, double *rr, int *cls,
                            psy_message *why)
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
    *cls = label_class(&f[3]);
    if (*cls == -2) {
        if (why)
            snprintf(why->text, sizeof why->text, "line %lld: label '%.*s' is not N, ectopic, missed, extra, long, "
                     "short or n/a", line_no, (int)(f[3].len > 64 ? 64 : f[3].len), f[3].p);
        return PSY_E_FORMAT;
    }
    return PSY_OK;
}

/* Room for cap rows (onsets, intervals, classes); 0 when out of memory. */
static int grow(psy_beats_table *t, size_t cap)
{
    double *a = realloc(t->onset_s, cap * sizeof *a);
    if (a) t->onset_s = a;
    double *b = a ? realloc(t->rr_ms, cap * sizeof *b) : NULL;
    if (b) t->rr_ms = b;
    psy_beat_class *c = b ? realloc(t->classes, cap * sizeof *c) : NULL;
    if (c) t->classes = c;
    return c != NULL;
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
    long long first_line = 0; /* the first row's: whether it has a label decides for the table */
    int labelled = 0;
    st = text_lines_next(&tl, &line, &len, &offset, why); /* the header */
    if (st == PSY_OK && line) {
        text_field f[6];
        int k = text_split(line, len, '\t', f, 6);
        out->pulses = k >= 6 && f[5].len == 11 && memcmp(f[5].p, "peak_sample", 11) == 0;
    }
    while (st == PSY_OK && line) {
        st = text_lines_next(&tl, &line, &len, &offset, why);
        if (st != PSY_OK || !line) break;
        if (out->n == cap && !grow(out, cap = cap ? 2 * cap : 1024)) {
            st = PSY_E_NOMEM;
            break;
        }
        int cls;
        long long line_no = (long long)tl.line_no;
        st = parse_row(line, len, line_no, &out->onset_s[out->n], &out->rr_ms[out->n], &cls, why);
        if (st != PSY_OK) break;
        if (!out->n) first_line = line_no, labelled = cls >= 0;
        if (labelled != (cls >= 0)) {
            if (why)
                snprintf(why->text, sizeof why->text, "line %lld: %s, but line %lld %s: label every beat or none",
                         line_no, labelled ? "no label" : "a label", first_line,
                         labelled ? "has one" : "has none");
            st = PSY_E_FORMAT;
            break;
        }
        out->classes[out->n++] = labelled ? (psy_beat_class)cls : PSY_BEAT_NORMAL;
    }
    text_lines_free(&tl);
    if (st != PSY_OK) psy_beats_table_free(out);
    else if (!labelled) free(out->classes), out->classes = NULL;
    return st;
}
