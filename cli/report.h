/* QC reports: STEM_report.html for every analyze output set of a folder, and index.html for a
 * batch (batch_status.tsv). */
#ifndef PSYPHYS_CLI_REPORT_H
#define PSYPHYS_CLI_REPORT_H

#include <stdio.h>
#include "report_data.h"

/* Writes OUTDIR/STEM_report.html for every analyze output set OUTDIR/STEM_segments.tsv (with its
 * sidecar) found, in name order. With OUTDIR/batch_status.tsv (a batch's folder) it also writes the
 * report of every done (ok or skipped) file whose outputs lie in a folder below OUTDIR (psyphys
 * batch keeps the inputs' folders), keeps existing pages unless overwrite, names the files without
 * outputs, and rebuilds OUTDIR/index.html from what is on disk. Elsewhere an existing page is an
 * error unless overwrite. Each page is written to a temporary name and renamed; one line per page
 * written. Returns CLI_OK, or CLI_FAILED after printing the file and the reason (no output set
 * found, a broken table, an unwritable folder). */
int cli_report_dir(const char *outdir, int overwrite);

/* The same for the one output set OUTDIR/STEM_* (psyphys analyze --report). */
int cli_report_stem(const char *outdir, const char *stem, int overwrite);

/* Writes the report of one output set (a whole HTML page). */
void report_write_page(FILE *fp, const report_data *d);

/* <!DOCTYPE html> .. <body>: the page head with the shared stylesheet. */
void report_page_head(FILE *fp, const char *title);

/* The output set of a batch_status.tsv row: the folder below OUTDIR ("" for OUTDIR itself) and
 * the stem of the *_segments.tsv among its outputs (`;`-separated, relative to OUTDIR; `,` when
 * the list holds no `;`), else the
 * file's name without folder and extensions (as analyze names a flat output). */
void report_batch_output_set(const char *file, const char *outputs, char *subdir, size_t subdir_size, char *stem,
                             size_t stem_size);

/* Writes index.html for OUTDIR/batch_status.tsv: one row per file, failures first, key metrics
 * and a link to its report. Prints nothing on success (the caller says it wrote it). Returns 1,
 * or 0 after printing why. */
int report_write_index(const char *outdir, int overwrite);

#endif
