/* The TSV tables psyphys analyze writes, read back for the QC report: a header row, then rows of
 * tab-separated cells; `n/a` (or an empty cell) reads as NaN. */
#ifndef PSYPHYS_CLI_REPORT_TABLE_H
#define PSYPHYS_CLI_REPORT_TABLE_H

#include <stddef.h>

typedef struct report_table {
    size_t n_cols, n_rows;
    char **names;   /* n_cols column names */
    char **cells;   /* n_rows x n_cols, row-major; pointers into text */
    char *text;     /* the file, split in place */
} report_table;

/* Reads path into *t. Returns 1, or 0 with the reason in why (a missing file, a row whose cell
 * count differs from the header's, out of memory). */
int report_table_load(const char *path, report_table *t, char *why, size_t why_size);

void report_table_free(report_table *t);

/* Index of the column named `name`, or -1. */
int report_table_col(const report_table *t, const char *name);

/* A cell's text ("" when col < 0). */
const char *report_table_str(const report_table *t, size_t row, int col);

/* A cell as a number: NaN for n/a, an empty or non-numeric cell, or col < 0. */
double report_table_num(const report_table *t, size_t row, int col);

#endif
