/* psyphys batch --merge: the shards' status tables into batch_status.tsv and the group tables. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"

/* --merge: the shards' status tables, interleaved back into the one sorted order. */
/* The --subject-pattern the first shard's run recorded (its status sidecar), compiled into s; 1
 * when there is none to use, 0 after printing why it does not compile. */
static int recorded_subjects(const char *outdir, int shards, batch_subjects *s, json_t **side)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/batch_status.shard-1-of-%d.json", outdir, shards);
    *side = json_load_file(path, 0, NULL);
    const char *pattern = json_string_value(json_object_get(*side, "subject_pattern"));
    char why[256];
    if (!pattern || batch_subjects_compile(s, pattern, why, sizeof why)) return 1;
    cli_error(path, "subject_pattern '%s': %s", pattern, why);
    return 0;
}

int batch_merge(const char *outdir, const batch_subjects *given, batch_progress_mode mode)
{
    /* N from the tables' names; all of one N */
    int shards = 0;
    DIR *d = opendir(outdir);
    if (!d) {
        cli_error(outdir, "cannot read the directory: %s", strerror(errno));
        return CLI_FAILED;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        int k, n;
        char tail[8];
        if (sscanf(e->d_name, "batch_status.shard-%d-of-%d.ts%7s", &k, &n, tail) != 3 || strcmp(tail, "v") != 0)
            continue;
        if (shards && n != shards) {
            cli_error(outdir, "holds status tables of %d and of %d shards: remove the stale ones", shards, n);
            closedir(d);
            return CLI_FAILED;
        }
        shards = n;
    }
    closedir(d);
    char path[PATH_MAX];
    if (!shards) {
        cli_error(outdir, "no shard status tables (batch_status.shard-K-of-N.tsv) there");
        return CLI_FAILED;
    }
    batch_subjects recorded = {0};
    json_t *side = NULL; /* holds the recorded pattern's text */
    if (!given->compiled && !recorded_subjects(outdir, shards, &recorded, &side)) {
        json_decref(side);
        return CLI_FAILED;
    }
    const batch_subjects *subjects = given->compiled ? given : &recorded;
    batch_remove_temporaries(outdir, "batch_status.tsv");
    batch_remove_temporaries(outdir, "batch_status.json");
    batch_remove_temporaries(outdir, "group_");
    batch_result **parts = calloc((size_t)shards, sizeof *parts);
    size_t *counts = calloc((size_t)shards, sizeof *counts), total = 0;
    int ok = parts && counts, rc = CLI_FAILED;
    for (int k = 0; ok && k < shards; k++) {
        snprintf(path, sizeof path, "%s/batch_status.shard-%d-of-%d.tsv", outdir, k + 1, shards);
        ok = batch_status_read(path, &parts[k], &counts[k]);
        total += counts[k];
    }
    batch_result *rows = ok ? calloc(total + 1, sizeof *rows) : NULL;
    if (ok && rows) {
        for (size_t i = 0; i < total; i++) {
            size_t k = i % (size_t)shards, at = i / (size_t)shards;
            if (at >= counts[k]) {
                cli_error(outdir, "the shard status tables do not add up (a shard of a different run?)");
                ok = 0;
                break;
            }
            rows[i] = parts[k][at];
        }
        char status[PATH_MAX];
        snprintf(status, sizeof status, "%s/batch_status.tsv", outdir);
        json_t *about = json_pack("{s:s,s:i}", "command", "batch --merge", "shards", shards);
        json_object_set_new(about, "subject_pattern", subjects->compiled ? json_string(subjects->pattern) : json_null());
        int written = ok && batch_status_write(status, rows, total, about);
        json_decref(about);
        if (written && batch_dataset_tables(outdir, rows, total, subjects, mode)) {
            batch_progress p;
            batch_progress_start(&p, mode, total);
            p.tty = 0;
            for (size_t i = 0; i < total; i++) {
                p.done++;
                p.failed += rows[i].state == BATCH_FAILED;
                p.skipped += rows[i].state == BATCH_SKIPPED;
            }
            batch_progress_end(&p);
            rc = batch_rows_failed(rows, total) ? CLI_FAILED : CLI_OK;
        }
    }
    free(rows);
    for (int k = 0; parts && k < shards; k++) batch_rows_free(parts[k], counts[k]);
    free(parts);
    free(counts);
    batch_subjects_free(&recorded);
    json_decref(side);
    return rc;
}

