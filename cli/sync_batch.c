/* psyphys batch --dyads FILE: psyphys sync over the dyads of a study, in parallel worker
 * processes (one failing dyad does not stop the others), with batch_status.tsv and the group
 * table group_sync.tsv (every dyad's STEM_sync.tsv rows, prefixed by the dyad and its two files).
 *
 * FILE is a TSV with a header: columns `a` and `b` (the two recordings, relative to FILE's folder
 * unless absolute), optional `dyad` (its name: the output stem; default dyad-N, N its row) and
 * `events` (the session's events file). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "output.h"
#include "provenance.h"
#include "sync_run.h"

typedef struct dyad {
    char name[128];
    char a[PATH_MAX], b[PATH_MAX], events[PATH_MAX];
} dyad;

static void help(FILE *out)
{
    fprintf(out, "usage: psyphys batch --dyads DYADS.tsv -o OUTDIR [-j N] [--overwrite] [sync options]\n\n"
                 "Runs psyphys sync on every dyad of DYADS.tsv (columns a and b: the two recordings,\n"
                 "relative to the file's folder; optional dyad: the output name; optional events: the\n"
                 "session's events), N at a time, each in its own process. Writes OUTDIR/DYAD_sync*.tsv\n"
                 "per dyad, OUTDIR/batch_status.tsv (dyad, status, error, seconds, outputs) and\n"
                 "OUTDIR/group_sync.tsv (dyad, a, b and the columns of STEM_sync.tsv), with sidecars.\n"
                 "Outputs of an earlier run are replaced only with --overwrite.\n");
}

/* Splits a TSV line in place into at most max fields. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t) break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

static void joined(char *out, size_t size, const char *dir, const char *path)
{
    if (path[0] == '/' || !dir[0]) snprintf(out, size, "%s", path);
    else snprintf(out, size, "%s/%s", dir, path);
}

static int read_dyads(const char *path, dyad **out, size_t *n_out)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        cli_error(path, "cannot open it: %s", strerror(errno));
        return 0;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else dir[0] = '\0';
    char line[3 * PATH_MAX], *f[16];
    int col[4] = {-1, -1, -1, -1}; /* a, b, dyad, events */
    static const char *const names[4] = {"a", "b", "dyad", "events"};
    if (!fgets(line, sizeof line, fp)) {
        fclose(fp);
        cli_error(path, "empty: want a header with columns a and b");
        return 0;
    }
    int nh = split_tabs(line, f, 16);
    for (int i = 0; i < nh; i++)
        for (int k = 0; k < 4; k++)
            if (strcmp(f[i], names[k]) == 0) col[k] = i;
    if (col[0] < 0 || col[1] < 0) {
        fclose(fp);
        cli_error(path, "the header has no column 'a' or 'b' (tab-separated: a, b[, dyad][, events])");
        return 0;
    }
    dyad *d = NULL;
    size_t n = 0, cap = 0, line_no = 1;
    while (fgets(line, sizeof line, fp)) {
        line_no++;
        if (line[strspn(line, " \t\r\n")] == '\0') continue;
        int nf = split_tabs(line, f, 16);
        if (nf != nh) {
            cli_error(path, "line %zu has %d fields, the header %d", line_no, nf, nh);
            free(d);
            fclose(fp);
            return 0;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            dyad *p = realloc(d, cap * sizeof *p);
            if (!p) {
                free(d);
                fclose(fp);
                cli_error(path, "out of memory");
                return 0;
            }
            d = p;
        }
        dyad *y = &d[n];
        memset(y, 0, sizeof *y);
        joined(y->a, sizeof y->a, dir, f[col[0]]);
        joined(y->b, sizeof y->b, dir, f[col[1]]);
        if (col[3] >= 0 && strcmp(f[col[3]], "n/a") != 0 && f[col[3]][0])
            joined(y->events, sizeof y->events, dir, f[col[3]]);
        if (col[2] >= 0) snprintf(y->name, sizeof y->name, "%s", f[col[2]]);
        else snprintf(y->name, sizeof y->name, "dyad-%zu", n + 1);
        if (!y->name[0] || strpbrk(y->name, "/\\;") || strcmp(y->name, ".") == 0 || strcmp(y->name, "..") == 0) {
            cli_error(path, "line %zu: the dyad name '%s' cannot name files", line_no, y->name);
            free(d);
            fclose(fp);
            return 0;
        }
        for (size_t k = 0; k < n; k++)
            if (strcmp(d[k].name, y->name) == 0) {
                cli_error(path, "line %zu: dyad '%s' appears twice", line_no, y->name);
                free(d);
                fclose(fp);
                return 0;
            }
        n++;
    }
    fclose(fp);
    if (n == 0) {
        cli_error(path, "no dyad below the header");
        free(d);
        return 0;
    }
    *out = d;
    *n_out = n;
    return 1;
}

/* Appends a dyad's STEM_sync.tsv rows to the group table; 0 when it cannot be read. */
static int append_group(FILE *g, const char *outdir, const dyad *d, int *header_done)
{
    char path[PATH_MAX + 160], line[4096];
    snprintf(path, sizeof path, "%s/%s_sync.tsv", outdir, d->name);
    FILE *fp = fopen(path, "r");
    if (!fp) return 0;
    int first = 1;
    while (fgets(line, sizeof line, fp)) {
        if (first) {
            if (!*header_done) fprintf(g, "dyad\ta\tb\t%s", line);
            *header_done = 1;
            first = 0;
            continue;
        }
        fprintf(g, "%s\t%s\t%s\t%s", d->name, d->a, d->b, line);
    }
    fclose(fp);
    return 1;
}

static int write_group(const char *outdir, const dyad *d, size_t n, const batch_result *rows, char **pass, int n_pass)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/group_sync.tsv", outdir);
    char *side = cli_sidecar_path_for(path);
    cli_output o[2];
    int ok = side && cli_output_open(&o[0], path, 1);
    if (ok && !cli_output_open(&o[1], side, 1)) {
        cli_output_abort_all(o, 1);
        ok = 0;
    }
    free(side);
    if (!ok) return 0;
    int header = 0;
    json_t *dy = json_array(), *args = json_array();
    for (size_t i = 0; i < n; i++) {
        if (rows[i].state != BATCH_OK) continue;
        if (!append_group(o[0].fp, outdir, &d[i], &header)) continue;
        json_array_append_new(dy, json_pack("{s:s,s:s,s:s}", "dyad", d[i].name, "a", d[i].a, "b", d[i].b));
    }
    if (!header) fputs("dyad\ta\tb\n", o[0].fp);
    for (int i = 0; i < n_pass; i++) json_array_append_new(args, json_string(pass[i]));
    json_t *j = json_pack("{s:s,s:s,s:o,s:o,s:s}", "psyphys_version", psy_version(), "table", "group_sync",
                          "sync_options", args, "dyads", dy, "columns",
                          "dyad, a, b (the recordings), then the columns of each dyad's STEM_sync.tsv "
                          "(see its sidecar); dyads that failed have no rows (batch_status.tsv)");
    ok = cli_sidecar_write(j, o[1].fp);
    json_decref(j);
    if (ok) ok = cli_output_commit_all(o, 2);
    else cli_output_abort_all(o, 2);
    return ok;
}

int sync_batch(int argc, char **argv)
{
    const char *dyads = NULL, *outdir = NULL;
    int jobs = 1, overwrite = 0, n_pass = 0;
    char **pass = calloc((size_t)argc + 1, sizeof *pass);
    if (!pass) return CLI_FAILED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help(stdout);
            free(pass);
            return CLI_OK;
        }
        int value = strcmp(a, "--dyads") == 0 || strcmp(a, "-o") == 0 || strcmp(a, "-j") == 0;
        if (value && i + 1 >= argc) {
            cli_error(NULL, "batch: %s needs a value", a);
            free(pass);
            return CLI_USAGE;
        }
        if (strcmp(a, "--dyads") == 0) dyads = argv[++i];
        else if (strcmp(a, "-o") == 0) outdir = argv[++i];
        else if (strcmp(a, "-j") == 0) {
            char *end;
            long j = strtol(argv[++i], &end, 10);
            if (*end || j < 1 || j > 256) {
                cli_error(NULL, "batch: -j wants 1 .. 256 workers, not '%s'", argv[i]);
                free(pass);
                return CLI_USAGE;
            }
            jobs = (int)j;
        } else if (strcmp(a, "--overwrite") == 0) overwrite = 1;
        else if (strcmp(a, "--stem") == 0 || strcmp(a, "--events") == 0) {
            cli_error(NULL, "batch: %s is per dyad here (the dyad and events columns of the dyads file)", a);
            free(pass);
            return CLI_USAGE;
        } else pass[n_pass++] = argv[i];
    }
    if (!dyads || !outdir) {
        cli_error(NULL, "batch: --dyads FILE and -o OUTDIR are required (see psyphys batch --dyads --help)");
        free(pass);
        return CLI_USAGE;
    }
    dyad *d = NULL;
    size_t n = 0;
    if (!read_dyads(dyads, &d, &n) || !cli_make_dir(outdir)) {
        free(pass);
        free(d);
        return CLI_FAILED;
    }
    char worker[PATH_MAX], logdir[PATH_MAX + 32];
    const char *env = getenv("PSYPHYS_BATCH_WORKER");
    ssize_t wn = env ? 0 : readlink("/proc/self/exe", worker, sizeof worker - 1);
    if (env) snprintf(worker, sizeof worker, "%s", env);
    else if (wn > 0) worker[wn] = '\0';
    snprintf(logdir, sizeof logdir, "%s/.psyphys-batch/dyads", outdir);
    batch_result *rows = calloc(n, sizeof *rows);
    int *pid = calloc(n, sizeof *pid);
    double *t0 = calloc(n, sizeof *t0);
    char **argv_w = calloc((size_t)n_pass + 16, sizeof *argv_w);
    if (!rows || !pid || !t0 || !argv_w || (!env && wn <= 0) || !batch_mkdirs(logdir)) {
        cli_error(outdir, "cannot prepare the batch (log folder, worker program)");
        free(pass), free(d), free(rows), free(pid), free(t0), free(argv_w);
        return CLI_FAILED;
    }
    sigset_t mask;
    batch_pool_begin(&mask);
    size_t next = 0, running = 0;
    int usage = 0, stop_sig = 0;
    while (next < n || running) {
        while (!usage && !stop_sig && running < (size_t)jobs && next < n) {
            size_t i = next++;
            int k = 0;
            argv_w[k++] = worker;
            argv_w[k++] = "sync";
            argv_w[k++] = d[i].a;
            argv_w[k++] = d[i].b;
            argv_w[k++] = "-o";
            argv_w[k++] = (char *)outdir;
            argv_w[k++] = "--stem";
            argv_w[k++] = d[i].name;
            if (d[i].events[0]) argv_w[k++] = "--events", argv_w[k++] = d[i].events;
            if (overwrite) argv_w[k++] = "--overwrite";
            for (int p = 0; p < n_pass; p++) argv_w[k++] = pass[p];
            argv_w[k] = NULL;
            char log[PATH_MAX + 200];
            snprintf(log, sizeof log, "%s/%s.log", logdir, d[i].name);
            t0[i] = batch_now();
            pid[i] = batch_spawn(argv_w, log, &mask, 0);
            if (pid[i] <= 0) {
                rows[i].rel = strdup(d[i].name);
                rows[i].state = BATCH_FAILED;
                rows[i].error = strdup("cannot start a worker");
                rows[i].outputs = strdup("");
                continue;
            }
            running++;
        }
        if (!running) break;
        int status, sig;
        int p = batch_wait_any(&status, -1, &sig);
        if (p == 0 && sig) {
            stop_sig = sig;
            for (size_t i = 0; i < n; i++)
                if (pid[i] > 0) batch_kill_worker(pid[i], SIGTERM);
            continue;
        }
        if (p < 0) break;
        for (size_t i = 0; i < n; i++) {
            if (pid[i] != p) continue;
            pid[i] = 0;
            running--;
            char log[PATH_MAX + 200], err[1024] = "", outs[1024];
            snprintf(log, sizeof log, "%s/%s.log", logdir, d[i].name);
            int ok = WIFEXITED(status) && WEXITSTATUS(status) == CLI_OK;
            if (!ok) batch_describe_failure(status, log, 0, err, sizeof err);
            if (WIFEXITED(status) && WEXITSTATUS(status) == CLI_USAGE) usage = 1;
            sync_output_names(d[i].name, 0, outs, sizeof outs);
            rows[i].rel = strdup(d[i].name);
            rows[i].state = ok ? BATCH_OK : BATCH_FAILED;
            rows[i].error = strdup(err);
            rows[i].seconds = batch_now() - t0[i];
            rows[i].outputs = strdup(ok ? outs : "");
        }
    }
    batch_pool_end(&mask);
    int rc = CLI_FAILED;
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].rel) {
            rows[i].rel = strdup(d[i].name);
            rows[i].state = BATCH_FAILED;
            rows[i].error = strdup(stop_sig ? "not run: the batch was stopped" : "not run: sync refused the options");
            rows[i].outputs = strdup("");
        }
        done += rows[i].state == BATCH_OK;
    }
    char status_path[PATH_MAX + 32];
    snprintf(status_path, sizeof status_path, "%s/batch_status.tsv", outdir);
    json_t *args = json_array();
    for (int i = 0; i < n_pass; i++) json_array_append_new(args, json_string(pass[i]));
    json_t *about = json_pack("{s:s,s:o,s:i}", "dyads_file", dyads, "sync_options", args, "jobs", jobs);
    if (batch_status_write(status_path, rows, n, about) && write_group(outdir, d, n, rows, pass, n_pass)) {
        if (usage) cli_error(NULL, "batch: sync refused the options (see %s/.psyphys-batch/dyads/)", outdir);
        else printf("%zu of %zu dyads done: %s/group_sync.tsv, batch_status.tsv\n", done, n, outdir);
        rc = usage ? CLI_USAGE : stop_sig ? 128 + stop_sig : batch_rows_failed(rows, n) ? CLI_FAILED : CLI_OK;
    }
    json_decref(about);
    for (size_t i = 0; i < n; i++) batch_result_free(&rows[i]);
    free(rows), free(pid), free(t0), free(argv_w), free(pass), free(d);
    return rc;
}
