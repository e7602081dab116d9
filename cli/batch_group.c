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
#include "report.h"

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

/* The union of the files' columns, in first-seen order: a file without one gets n/a there. */
typedef struct columns {
    char **name;
    size_t n;
} columns;

static void columns_free(columns *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->name[i]);
    free(c->name);
    memset(c, 0, sizeof *c);
}

static long column_index(const columns *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->name[i], name) == 0) return (long)i;
    return -1;
}

/* Splits a line (its newline cut) at tabs, in place; returns the number of cells (at most max). */
static size_t split(char *line, char **cell, size_t max)
{
    line[strcspn(line, "\r\n")] = '\0';
    size_t n = 0;
    for (char *p = line; n < max;) {
        cell[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

#define MAX_COLUMNS 512

/* Adds a table's header columns to the union. */
static int add_header(const char *path, columns *c)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        cli_error(path, "cannot read it for the group tables");
        return 0;
    }
    char *line = NULL, *cell[MAX_COLUMNS];
    size_t cap = 0;
    int ok = getline(&line, &cap, fp) > 0;
    size_t k = ok ? split(line, cell, MAX_COLUMNS) : 0;
    for (size_t i = 0; ok && i < k; i++) {
        if (column_index(c, cell[i]) >= 0) continue;
        char **p = realloc(c->name, (c->n + 1) * sizeof *p);
        ok = p && (p[c->n] = strdup(cell[i])) != NULL;
        if (p) c->name = p;
        if (ok) c->n++;
    }
    free(line);
    fclose(fp);
    if (!ok) cli_error(path, "has no header row (or out of memory)");
    return ok;
}

/* Appends one table's rows under the union's columns, each prefixed by the file and its entities. */
static int append(FILE *to, const char *path, const batch_result *r, const batch_subjects *subjects,
                  const columns *c, int *rows)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        cli_error(path, "cannot read it for the group tables");
        return 0;
    }
    char ent[BATCH_ENTITIES][64];
    batch_entities(subjects, r->rel, ent);
    char *header = NULL, *line = NULL, *head[MAX_COLUMNS], *cell[MAX_COLUMNS];
    size_t hcap = 0, cap = 0, nh = 0;
    long *from = calloc(c->n + 1, sizeof *from);
    int ok = from && getline(&header, &hcap, fp) > 0;
    if (ok) nh = split(header, head, MAX_COLUMNS);
    for (size_t i = 0; ok && i < c->n; i++) { /* union column i is the file's column from[i], or -1 */
        from[i] = -1;
        for (size_t k = 0; k < nh; k++)
            if (strcmp(head[k], c->name[i]) == 0) from[i] = (long)k;
    }
    while (ok && getline(&line, &cap, fp) > 0) {
        size_t nc = split(line, cell, MAX_COLUMNS);
        fprintf(to, "%s\t%s\t%s\t%s\t%s", r->rel, ent[0], ent[1], ent[2], ent[3]);
        for (size_t i = 0; i < c->n; i++)
            fprintf(to, "\t%s", from[i] >= 0 && (size_t)from[i] < nc ? cell[from[i]] : "n/a");
        fputc('\n', to);
        (*rows)++;
    }
    free(from);
    free(header);
    free(line);
    fclose(fp);
    return ok;
}

/* The done files whose path the --subject-pattern does not match (a JSON array), warned once. */
static json_t *unmatched_files(const batch_result *rows, size_t n, const batch_subjects *subjects, int quiet)
{
    json_t *files = json_array();
    for (size_t i = 0; subjects && subjects->compiled && i < n; i++) {
        char ent[BATCH_ENTITIES][64];
        if (rows[i].state != BATCH_FAILED && !batch_entities(subjects, rows[i].rel, ent))
            json_array_append_new(files, json_string(rows[i].rel));
    }
    if (json_array_size(files) && !quiet)
        fprintf(stderr, "psyphys: batch: warning: %zu files do not match --subject-pattern (their subject and "
                        "session come from BIDS names, else n/a), the first: %s\n",
                json_array_size(files), json_string_value(json_array_get(files, 0)));
    return files;
}

/* The heart source of a file's outputs ("ECG", "RR", "PPG", ...; NULL when unknown): its segments
 * sidecar's settings.heart.source. */
static char *heart_source(const char *outdir, const batch_result *r)
{
    char rel[4096], side[8192];
    if (r->state == BATCH_FAILED || !find_output(r->outputs, "_segments.tsv", rel, sizeof rel)) return NULL;
    snprintf(side, sizeof side, "%s/%.*s.json", outdir, (int)(strlen(rel) - 4), rel);
    json_t *j = json_load_file(side, 0, NULL);
    const char *v = json_string_value(json_object_get(json_object_get(json_object_get(j, "settings"), "heart"),
                                                      "source"));
    char *source = v ? strdup(v) : NULL;
    json_decref(j);
    return source;
}

/* The files whose rows hold pulse rate variability (a PPG's pulses), as the group sidecars' object
 * {"files": [...], "note": ...}, or NULL when none; warned once when they share the tables with
 * files whose rows hold heart rate variability. */
static json_t *pulse_files(const char *outdir, const batch_result *rows, size_t n, int quiet)
{
    json_t *files = json_array();
    size_t others = 0;
    for (size_t i = 0; files && i < n; i++) {
        char *source = heart_source(outdir, &rows[i]);
        if (source && strcmp(source, psy_heart_source_name(PSY_HEART_PPG)) == 0)
            json_array_append_new(files, json_string(rows[i].rel));
        else if (source && (strcmp(source, psy_heart_source_name(PSY_HEART_ECG)) == 0 ||
                            strcmp(source, psy_heart_source_name(PSY_HEART_RR)) == 0))
            others++;
        free(source);
    }
    size_t k = json_array_size(files);
    if (k && others && !quiet)
        fprintf(stderr, "psyphys: batch: warning: the group tables mix heart rate variability (%zu file%s) and pulse "
                        "rate variability (%zu file%s: %s%s); the group sidecars list them under "
                        "pulse_rate_variability\n", others, others == 1 ? "" : "s", k, k == 1 ? "" : "s",
                json_string_value(json_array_get(files, 0)), k > 1 ? ", ..." : "");
    if (!k) {
        json_decref(files);
        return NULL;
    }
    return json_pack("{s:o,s:s}", "files", files, "note", psy_pulse_rate_variability_note());
}

int batch_group_tables(const char *outdir, const batch_result *rows, size_t n, const batch_subjects *subjects,
                       int quiet)
{
    json_t *unmatched = unmatched_files(rows, n, subjects, quiet);
    json_t *pulses = pulse_files(outdir, rows, n, quiet);
    cli_output outs[2 * N_TABLES];
    int n_out = 0;
    for (size_t t = 0; t < N_TABLES; t++) {
        char path[4096], side[4096];
        snprintf(path, sizeof path, "%s/%s.tsv", outdir, tables[t].name);
        snprintf(side, sizeof side, "%s/%s.json", outdir, tables[t].name);
        if (!cli_output_open(&outs[n_out++], path, 1)) goto fail;
        columns c = {0};
        int count = 0, files = 0;
        for (int pass = 0; pass < 2; pass++) { /* the union of the columns, then the rows */
            if (pass == 1) {
                fprintf(outs[n_out - 1].fp, "file\tsubject\tsession\ttask\trun");
                for (size_t i = 0; i < c.n; i++) fprintf(outs[n_out - 1].fp, "\t%s", c.name[i]);
                fputc('\n', outs[n_out - 1].fp);
            }
            for (size_t i = 0; i < n; i++) {
                char rel[4096], src[8192];
                if (rows[i].state == BATCH_FAILED ||
                    !find_output(rows[i].outputs, tables[t].suffix, rel, sizeof rel))
                    continue;
                snprintf(src, sizeof src, "%s/%s", outdir, rel);
                if (pass == 0 ? !add_header(src, &c)
                              : !append(outs[n_out - 1].fp, src, &rows[i], subjects, &c, &count)) {
                    columns_free(&c);
                    goto fail;
                }
                files += pass == 1;
            }
        }
        columns_free(&c);
        if (!cli_output_open(&outs[n_out++], side, 1)) goto fail;
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:s}", "psyphys_version", psy_version(), "command", "batch",
                              "table", tables[t].name, "description", tables[t].what, "files", files, "rows", count,
                              "columns", "file (relative to its INPUT), subject/session/task/run from the "
                              "--subject-pattern groups where it matches, else the BIDS entities of the file "
                              "name (n/a when absent), then the per-file tables' columns (their union in "
                              "first-seen order; n/a where a file has no such column)");
        json_object_set_new(j, "subject_pattern", subjects && subjects->compiled ? json_string(subjects->pattern)
                                                                                  : json_null());
        if (subjects && subjects->compiled) json_object_set(j, "subject_pattern_unmatched", unmatched);
        if (pulses) json_object_set(j, "pulse_rate_variability", pulses);
        int ok = cli_sidecar_write(j, outs[n_out - 1].fp);
        json_decref(j);
        if (!ok) goto fail;
    }
    json_decref(unmatched);
    json_decref(pulses);
    return cli_output_commit_all(outs, n_out);
fail:
    json_decref(unmatched);
    json_decref(pulses);
    cli_output_abort_all(outs, n_out);
    return 0;
}

int batch_dataset_tables(const char *outdir, const batch_result *rows, size_t n, const batch_subjects *subjects,
                         batch_progress_mode mode)
{
    if (!batch_group_tables(outdir, rows, n, subjects, mode == PROGRESS_QUIET)) return 0;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].outputs || !strstr(rows[i].outputs, "_report.html")) continue;
        if (!report_write_index(outdir, 1)) return 0;
        /* --quiet prints nothing; --json-log keeps stdout JSON (the index is always OUTDIR/index.html) */
        if (mode == PROGRESS_AUTO) printf("wrote %s/index.html\n", outdir);
        return 1;
    }
    return 1;
}
