/* psyphys batch: dataset-level tables. Each file's _segments, _epochs and _hrv-windows tables,
 * stacked in the status table's order, with the file and its BIDS subject/session/task/run first. */
#include <jansson.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "output.h"
#include "provenance.h"

static const struct {
    const char *suffix, *name, *what;
} tables[] = {
    {"_segments.tsv", "group_segments", "one row per file and segment (session phase), from STEM_segments.tsv"},
    {"_epochs.tsv", "group_epochs", "one row per file and epoch (event), from STEM_epochs.tsv"},
    {"_hrv-windows.tsv", "group_hrv", "one row per file and HRV window, from STEM_hrv-windows.tsv"},
};
#define N_TABLES (sizeof tables / sizeof tables[0])

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The output of a row that ends in `suffix` (copied to out), or 0. */
static int find_output(const char *outputs, const char *suffix, char *out, size_t size)
{
    for (const char *p = outputs; *p;) {
        size_t n = strcspn(p, ";");
        snprintf(out, size, "%.*s", (int)n, p);
        if (ends_with(out, suffix)) return 1;
        p += n + (p[n] == ';');
    }
    return 0;
}

/* Appends the body of one table, each line prefixed; checks its header against the first one. */
static int append(FILE *to, const char *path, const batch_result *r, char **header, int *rows)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        cli_error(path, "cannot read it for the group tables");
        return 0;
    }
    char sub[64], ses[64], task[64], run[64];
    batch_bids_entity(r->rel, "sub", sub, sizeof sub);
    batch_bids_entity(r->rel, "ses", ses, sizeof ses);
    batch_bids_entity(r->rel, "task", task, sizeof task);
    batch_bids_entity(r->rel, "run", run, sizeof run);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int first = 1, ok = 1;
    while (ok && (len = getline(&line, &cap, fp)) > 0) {
        if (first) {
            first = 0;
            if (!*header) {
                *header = strdup(line);
                fprintf(to, "file\tsubject\tsession\ttask\trun\t%s", line);
            } else if (strcmp(*header, line) != 0) {
                cli_error(path, "its columns differ from the other files' (made by another psyphys version?)");
                ok = 0;
            }
            continue;
        }
        fprintf(to, "%s\t%s\t%s\t%s\t%s\t%s", r->rel, sub, ses, task, run, line);
        if (line[len - 1] != '\n') fputc('\n', to);
        (*rows)++;
    }
    free(line);
    fclose(fp);
    return ok;
}

int batch_group_tables(const char *outdir, const batch_result *rows, size_t n)
{
    cli_output outs[2 * N_TABLES];
    int n_out = 0;
    for (size_t t = 0; t < N_TABLES; t++) {
        char path[4096], side[4096];
        snprintf(path, sizeof path, "%s/%s.tsv", outdir, tables[t].name);
        snprintf(side, sizeof side, "%s/%s.json", outdir, tables[t].name);
        if (!cli_output_open(&outs[n_out++], path, 1)) goto fail;
        char *header = NULL;
        int count = 0, files = 0;
        for (size_t i = 0; i < n; i++) {
            char rel[4096], src[8192];
            if (rows[i].state == BATCH_FAILED || !find_output(rows[i].outputs, tables[t].suffix, rel, sizeof rel))
                continue;
            snprintf(src, sizeof src, "%s/%s", outdir, rel);
            if (!append(outs[n_out - 1].fp, src, &rows[i], &header, &count)) {
                free(header);
                goto fail;
            }
            files++;
        }
        if (!header) fprintf(outs[n_out - 1].fp, "file\tsubject\tsession\ttask\trun\n");
        free(header);
        if (!cli_output_open(&outs[n_out++], side, 1)) goto fail;
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:s}", "psyphys_version", psy_version(), "command", "batch",
                              "table", tables[t].name, "description", tables[t].what, "files", files, "rows", count,
                              "columns", "file (relative to its INPUT), BIDS entities subject/session/task/run "
                              "from the file name (n/a when absent), then the per-file table's columns");
        int ok = cli_sidecar_write(j, outs[n_out - 1].fp);
        json_decref(j);
        if (!ok) goto fail;
    }
    return cli_output_commit_all(outs, n_out);
fail:
    cli_output_abort_all(outs, n_out);
    return 0;
}
