/* TSV tables read back for the QC report (see report_table.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_table.h"

static size_t split(char *line, char **out, size_t max)
{
    size_t n = 0;
    for (char *p = line;; p++) {
        if (n < max) out[n] = p;
        n++;
        p = strchr(p, '\t');
        if (!p) break;
        *p = '\0';
    }
    return n;
}

int report_table_load(const char *path, report_table *t, char *why, size_t why_size)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_size, "cannot read it: %s", strerror(errno));
        return 0;
    }
    size_t cap = 1 << 16, len = 0, got;
    char *text = malloc(cap + 1);
    while (text && (got = fread(text + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *more = realloc(text, 2 * cap + 1);
            if (!more) free(text);
            text = more, cap *= 2;
        }
    }
    int read_error = ferror(f);
    fclose(f);
    if (!text || read_error) {
        free(text);
        snprintf(why, why_size, "%s", read_error ? "reading failed" : "out of memory");
        return 0;
    }
    text[len] = '\0';
    t->text = text;
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
    char *line = text, *nl = strchr(line, '\n');
    if (!len || !nl) {
        snprintf(why, why_size, "no header row");
        report_table_free(t);
        return 0;
    }
    *nl = '\0';
    t->n_cols = 1;
    for (const char *c = line; *c; c++) t->n_cols += *c == '\t';
    t->names = malloc(t->n_cols * sizeof *t->names);
    t->cells = malloc((lines ? lines : 1) * t->n_cols * sizeof *t->cells);
    if (!t->names || !t->cells) {
        snprintf(why, why_size, "out of memory");
        report_table_free(t);
        return 0;
    }
    split(line, t->names, t->n_cols);
    for (line = nl + 1; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        size_t n = split(line, t->cells + t->n_rows * t->n_cols, t->n_cols);
        if (n != t->n_cols) {
            snprintf(why, why_size, "row %zu has %zu cells, the header %zu", t->n_rows + 2, n, t->n_cols);
            report_table_free(t);
            return 0;
        }
        t->n_rows++;
        if (!nl) break;
    }
    return 1;
}

void report_table_free(report_table *t)
{
    free(t->names);
    free(t->cells);
    free(t->text);
    memset(t, 0, sizeof *t);
}

int report_table_col(const report_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->names[i], name) == 0) return (int)i;
    return -1;
}

const char *report_table_str(const report_table *t, size_t row, int col)
{
    return col < 0 || row >= t->n_rows ? "" : t->cells[row * t->n_cols + (size_t)col];
}

double report_table_num(const report_table *t, size_t row, int col)
{
    const char *s = report_table_str(t, row, col);
    char *end;
    double v = strtod(s, &end);
    return end == s || *end ? NAN : v;
}
