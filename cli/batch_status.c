/* psyphys batch: batch_status.tsv, one row per input (file, status, error, seconds, outputs). */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "output.h"
#include "provenance.h"

static const char *const state_names[] = {"ok", "failed", "skipped"};

void batch_result_free(batch_result *r)
{
    free(r->rel);
    free(r->error);
    free(r->outputs);
    memset(r, 0, sizeof *r);
}

int batch_status_write(const char *path, const batch_result *rows, size_t n, json_t *about)
{
    cli_output o[2];
    if (!cli_output_open_with_sidecar(o, path, 1)) return 0;
    fprintf(o[0].fp, "file\tstatus\terror\tseconds\toutputs\n");
    size_t count[3] = {0};
    for (size_t i = 0; i < n; i++) {
        const batch_result *r = &rows[i];
        count[r->state]++;
        fprintf(o[0].fp, "%s\t%s\t%s\t%.3f\t%s\n", r->rel, state_names[r->state], *r->error ? r->error : "n/a",
                r->seconds, r->outputs && *r->outputs ? r->outputs : "n/a");
    }
    json_t *j = json_pack("{s:s,s:s}", "psyphys_version", psy_version(), "table", "batch_status");
    json_object_update(j, about);
    json_object_set_new(j, "files", json_pack("{s:I,s:I,s:I,s:I}", "total", (json_int_t)n, "ok",
                                              (json_int_t)count[BATCH_OK], "failed", (json_int_t)count[BATCH_FAILED],
                                              "skipped", (json_int_t)count[BATCH_SKIPPED]));
    json_object_set_new(j, "columns", json_string("file (relative to its INPUT), status ok/failed/skipped "
                                                  "(skipped: done by an earlier run for the same input and "
                                                  "settings), error, seconds (wall), outputs (';'-separated, "
                                                  "relative to the output directory)"));
    int ok = cli_sidecar_write(j, o[1].fp);
    json_decref(j);
    if (!ok) {
        cli_output_abort_all(o, 2);
        return 0;
    }
    return cli_output_commit_all(o, 2);
}

int batch_split_tabs(char *line, char **fields, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

int batch_status_read(const char *path, batch_result **rows, size_t *n)
{
    *rows = NULL, *n = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        cli_error(path, "cannot read the status table (has that shard finished?)");
        return 0;
    }
    char line[8192];
    int ok = fgets(line, sizeof line, fp) && strcmp(line, "file\tstatus\terror\tseconds\toutputs\n") == 0;
    size_t cap = 0;
    while (ok && fgets(line, sizeof line, fp)) {
        char *f[5];
        if (batch_split_tabs(line, f, 5) != 5) {
            ok = 0;
            break;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            batch_result *p = realloc(*rows, cap * sizeof *p);
            if (!p) {
                ok = 0;
                break;
            }
            *rows = p;
        }
        batch_result *r = &(*rows)[*n];
        memset(r, 0, sizeof *r);
        r->state = BATCH_FAILED;
        for (int s = 0; s < 3; s++)
            if (strcmp(f[1], state_names[s]) == 0) r->state = (batch_state)s;
        r->rel = strdup(f[0]);
        r->error = strdup(strcmp(f[2], "n/a") == 0 ? "" : f[2]);
        r->seconds = atof(f[3]);
        r->outputs = strdup(strcmp(f[4], "n/a") == 0 ? "" : f[4]);
        (*n)++;
        ok = r->rel && r->error && r->outputs;
    }
    fclose(fp);
    if (!ok) {
        cli_error(path, "is not a batch status table");
        for (size_t i = 0; i < *n; i++) batch_result_free(&(*rows)[i]);
        free(*rows);
        *rows = NULL, *n = 0;
    }
    return ok;
}

int batch_rows_failed(const batch_result *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].state == BATCH_FAILED) return 1;
    return 0;
}

void batch_rows_free(batch_result *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) batch_result_free(&rows[i]);
    free(rows);
}

