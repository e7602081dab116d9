/* psyphys batch --dyads SPEC: psyphys sync over the dyads of a study (sync_dyads.h: a dyads file
 * or a BIDS dataset), in parallel worker processes (one failing dyad does not stop the others),
 * with batch_status.tsv and the group table group_sync.tsv (every dyad's STEM_sync.tsv rows,
 * prefixed by the dyad, its two files, the pair and A's BIDS entities); with --pseudo-dyads also
 * every A with every other dyad's B, and each real dyad's session r tested against them
 * (group_sync-pseudo.tsv). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <nettle/sha2.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "output.h"
#include "provenance.h"
#include "sync_dyads.h"
#include "sync_run.h"

static void help(FILE *out)
{
    fprintf(out, "usage: psyphys batch --dyads DYADS.tsv|BIDS_ROOT -o OUTDIR [-j N] [--overwrite] [sync options]\n\n"
                 "Runs psyphys sync on every dyad of DYADS.tsv (columns a and b: the two recordings,\n"
                 "relative to the file's folder, or two BIDS subjects sub-X, sub-Y of the dataset the file\n"
                 "lies in: one dyad per session both have; optional dyad: the output name (of a subject\n"
                 "pair: its prefix); optional events: the session's events) or of a BIDS dataset (the\n"
                 "subjects sharing a value of participants.tsv's dyad column, A the one listed first,\n"
                 "one dyad per session), N at a time, each in its own process. Writes\n"
                 "OUTDIR/DYAD_sync*.tsv per dyad, OUTDIR/batch_status.tsv (dyad, status, error, seconds,\n"
                 "outputs) and OUTDIR/group_sync.tsv (dyad, a, b, pair, session, task, run and the\n"
                 "columns of STEM_sync.tsv), with sidecars. A rerun skips the dyads whose inputs (SHA-256)\n"
                 "and sync options are unchanged and recomputes the others, replacing what its earlier run\n"
                 "wrote; other files are replaced only with --overwrite.\n\n"
                 "  --pseudo-dyads   also every dyad's A with the B of each dyad of another pair (started together,\n"
                 "                   --align-starts; no surrogates), and OUTDIR/group_sync-pseudo.tsv: per\n"
                 "                   dyad and signal the session's r against those of all pseudo-dyads\n"
                 "                   (Bernieri et al. 1988; Moulder et al. 2018)\n");
}

/* Appends a dyad's STEM_sync.tsv rows to the group table; 0 when it cannot be read. */
static int append_group(FILE *g, const char *outdir, const sync_dyad *d, int *header_done)
{
    char path[PATH_MAX + 160], line[4096];
    snprintf(path, sizeof path, "%s/%s_sync.tsv", outdir, d->name);
    FILE *fp = fopen(path, "r");
    if (!fp) return 0;
    int first = 1;
    while (fgets(line, sizeof line, fp)) {
        if (first) {
            if (!*header_done) fprintf(g, "dyad\ta\tb\tpair\tsession\ttask\trun\t%s", line);
            *header_done = 1;
            first = 0;
            continue;
        }
        fprintf(g, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", d->name, d->a, d->b, d->pair, d->ses, d->task, d->run, line);
    }
    fclose(fp);
    return 1;
}

static int write_group(const char *outdir, const sync_dyad *d, size_t n, const batch_result *rows, char **pass, int n_pass)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/group_sync.tsv", outdir);
    cli_output o[2];
    int ok = cli_output_open_with_sidecar(o, path, 1);
    if (!ok) return 0;
    int header = 0;
    json_t *dy = json_array(), *args = json_array();
    for (size_t i = 0; i < n; i++) {
        if (rows[i].state == BATCH_FAILED) continue;
        if (!append_group(o[0].fp, outdir, &d[i], &header)) continue;
        json_array_append_new(dy, json_pack("{s:s,s:s,s:s,s:s,s:s?}", "dyad", d[i].name, "a", d[i].a, "b", d[i].b,
                                            "pair", d[i].pair, "events", d[i].events[0] ? d[i].events : NULL));
    }
    if (!header) fputs("dyad\ta\tb\tpair\tsession\ttask\trun\n", o[0].fp);
    for (int i = 0; i < n_pass; i++) json_array_append_new(args, json_string(pass[i]));
    json_t *j = json_pack("{s:s,s:s,s:o,s:o,s:s}", "psyphys_version", psy_version(), "table", "group_sync",
                          "sync_options", args, "dyads", dy, "columns",
                          "dyad (the output stem), a, b (the recordings), pair (the two people: the same for "
                          "every session of a BIDS subject pair), session, task, run (BIDS entities of a's file "
                          "name, n/a), then the columns of each dyad's STEM_sync.tsv (see its sidecar); dyads "
                          "that failed have no rows (batch_status.tsv)");
    ok = cli_sidecar_write(j, o[1].fp);
    json_decref(j);
    if (ok) ok = cli_output_commit_all(o, 2);
    else cli_output_abort_all(o, 2);
    return ok;
}

/* One sync run of the batch: a real dyad or a pseudo-dyad. Resumable as batch's files are
 * (batch_state.c): recorded under OUTDIR/.psyphys-batch/records by `rel` with the fingerprints of
 * its inputs and of the settings; a rerun skips it when both match and its outputs are there.
 * The worker writes into its own staging folder, whose files batch_commit moves into OUTDIR. */
typedef struct job {
    char **argv;
    char log[PATH_MAX + 300];
    char *rel;          /* the record's name: dyads/NAME or dyads/pseudo-dyads/STEM */
    char sha[65];       /* the inputs' fingerprint ("" when a file cannot be read: it runs, and says why) */
    int pid, status, ran, skipped, committed;
    double t0, seconds;
    char *error;        /* why it failed (malloc'd), or NULL */
    char *outputs;      /* ';'-separated, relative to OUTDIR (malloc'd), or NULL */
} job;

typedef struct pool_ctx {
    const char *outdir, *staging, *settings;
    int overwrite;      /* for the real dyads; pseudo-dyads' outputs are the batch's own */
    size_t n_real;
} pool_ctx;

/* A finished worker: its outputs moved from staging/K/out into OUTDIR and recorded, or why not. */
static void finish_job(const pool_ctx *c, job *jobs, size_t k)
{
    job *j = &jobs[k];
    char dir[PATH_MAX + 64], out[PATH_MAX + 72], err[1024] = "";
    snprintf(dir, sizeof dir, "%s/%zu", c->staging, k);
    snprintf(out, sizeof out, "%s/out", dir);
    if (WIFEXITED(j->status) && WEXITSTATUS(j->status) == CLI_OK) {
        batch_record rec;
        if (batch_commit(c->outdir, j->rel, out, dir, j->sha, c->settings, k < c->n_real ? c->overwrite : 1, &rec, err,
                         sizeof err)) {
            j->committed = 1;
            j->outputs = batch_record_outputs(&rec);
            batch_record_free(&rec);
        }
    } else {
        batch_describe_failure(j->status, j->log, 0, err, sizeof err);
    }
    if (!j->committed) j->error = strdup(err);
    batch_remove_tree(dir);
}

/* Runs the jobs not skipped, max_jobs at a time; stops starting new ones on a usage error (exit 2)
 * or a signal (then the running ones get SIGTERM). */
static void run_pool(const pool_ctx *c, job *jobs, size_t n, int max_jobs, int *usage, int *stop_sig)
{
    sigset_t mask;
    batch_pool_begin(&mask);
    size_t next = 0, running = 0;
    while (next < n || running) {
        while (!*usage && !*stop_sig && running < (size_t)max_jobs && next < n) {
            job *j = &jobs[next++];
            if (j->skipped) continue;
            j->t0 = batch_now();
            j->pid = batch_spawn(j->argv, j->log, &mask, 0);
            if (j->pid > 0) running++;
        }
        if (!running) break;
        int status, sig;
        int pid = batch_wait_any(&status, -1, &sig);
        if (pid == 0 && sig) {
            *stop_sig = sig;
            for (size_t i = 0; i < n; i++)
                if (jobs[i].pid > 0) batch_kill_worker(jobs[i].pid, SIGTERM);
            continue;
        }
        if (pid < 0) break;
        for (size_t i = 0; i < n; i++) {
            if (jobs[i].pid != pid) continue;
            jobs[i].pid = 0;
            jobs[i].ran = 1;
            jobs[i].status = status;
            jobs[i].seconds = batch_now() - jobs[i].t0;
            running--;
            if (WIFEXITED(status) && WEXITSTATUS(status) == CLI_USAGE) *usage = 1;
            if (!*stop_sig) finish_job(c, jobs, i);
        }
    }
    batch_pool_end(&mask);
}

/* 1 when the job's tables are in OUTDIR: written by this run or skipped as current. */
static int job_ok(const job *j)
{
    return j->committed || j->skipped;
}

static char *record_name(const char *prefix, const char *name)
{
    size_t n = strlen(prefix) + strlen(name) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", prefix, name);
    return s;
}

/* Looks the job up in the records: skipped with the recorded outputs when current. */
static void check_record(job *j, const char *outdir, const char *settings, const char *a, const char *b,
                         const char *events)
{
    if (!sync_dyad_fingerprint(a, b, events, j->sha)) {
        j->sha[0] = '\0';
        return;
    }
    batch_record rec;
    if (!batch_record_load(outdir, j->rel, &rec)) return;
    if (batch_record_current(outdir, &rec, j->sha, settings)) {
        j->skipped = 1;
        j->outputs = batch_record_outputs(&rec);
    }
    batch_record_free(&rec);
}

/* SHA-256 of what decides a dyad's outputs besides its inputs: the version and the sync options. */
static void settings_fingerprint(char **pass, int n_pass, char hex[65])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    const char *v = psy_version();
    sha256_update(&ctx, strlen(v) + 1, (const uint8_t *)v);
    for (int i = 0; i < n_pass; i++) sha256_update(&ctx, strlen(pass[i]) + 1, (const uint8_t *)pass[i]);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* argv of `psyphys sync A B -o OUT --stem STEM [--events E] [extra...] [pass...]` in a[] (room for
 * 16 + n_pass). */
static void sync_argv(char **a, const char *worker, const char *A, const char *B, const char *out, const char *stem,
                      const char *events, const char *const *extra, int n_extra, char **pass, int n_pass)
{
    int k = 0;
    a[k++] = (char *)worker;
    a[k++] = "sync";
    a[k++] = (char *)A;
    a[k++] = (char *)B;
    a[k++] = "-o";
    a[k++] = (char *)out;
    a[k++] = "--stem";
    a[k++] = (char *)stem;
    if (events && events[0]) a[k++] = "--events", a[k++] = (char *)events;
    for (int i = 0; i < n_extra; i++) a[k++] = (char *)extra[i];
    for (int i = 0; i < n_pass; i++) a[k++] = pass[i];
    a[k] = NULL;
}

/* The session rows of a sync table: r per signal name into r[] (NaN when absent). */
static void session_r(const char *path, double r[PSY_SYNC_SIGNAL_COUNT])
{
    for (int s = 0; s < PSY_SYNC_SIGNAL_COUNT; s++) r[s] = NAN;
    FILE *fp = fopen(path, "r");
    if (!fp) return;
    char line[4096], *f[16];
    while (fgets(line, sizeof line, fp)) {
        if (batch_split_tabs(line, f, 16) < 5 || strcmp(f[0], "session") != 0) continue;
        psy_sync_signal sig;
        char *end;
        double v = strtod(f[4], &end);
        if (psy_sync_signal_parse(f[3], &sig) == PSY_OK && *end == '\0' && end != f[4]) r[sig] = v;
    }
    fclose(fp);
}

/* A pseudo-dyad: A of dyad i with B of dyad j, two other people (another session of the same
 * pair is not one). */
static int is_pseudo(const sync_dyad *d, size_t i, size_t j)
{
    return i != j && strcmp(d[i].pair, d[j].pair) != 0;
}

static size_t count_pseudo(const sync_dyad *d, size_t n)
{
    size_t np = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) np += is_pseudo(d, i, j);
    return np;
}

/* group_sync-pseudo.tsv: each real dyad's session r per signal against every pseudo-dyad's. */
static int write_pseudo(const char *outdir, const sync_dyad *d, size_t n, const job *real, const job *pseudo,
                        const char *pseudo_dir)
{
    size_t np = count_pseudo(d, n);
    double *pr = malloc((np ? np : 1) * PSY_SYNC_SIGNAL_COUNT * sizeof *pr);
    if (!pr) return 0;
    for (size_t p = 0, i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (!is_pseudo(d, i, j)) continue;
            char path[PATH_MAX + 300];
            snprintf(path, sizeof path, "%s/%s+%s_sync.tsv", pseudo_dir, d[i].name, d[j].name);
            double r[PSY_SYNC_SIGNAL_COUNT];
            if (job_ok(&pseudo[p])) session_r(path, r);
            else for (int s = 0; s < PSY_SYNC_SIGNAL_COUNT; s++) r[s] = NAN;
            memcpy(pr + p * PSY_SYNC_SIGNAL_COUNT, r, sizeof r);
            p++;
        }
    char path[PATH_MAX + 40];
    snprintf(path, sizeof path, "%s/group_sync-pseudo.tsv", outdir);
    cli_output o[2];
    int ok = cli_output_open_with_sidecar(o, path, 1);
    if (!ok) {
        free(pr);
        return 0;
    }
    fputs("dyad\tsignal\tr\tn_pseudo\tr_pseudo_median\tp_pseudo\n", o[0].fp);
    double *v = malloc((np ? np : 1) * sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        char path_i[PATH_MAX + 200];
        snprintf(path_i, sizeof path_i, "%s/%s_sync.tsv", outdir, d[i].name);
        double r[PSY_SYNC_SIGNAL_COUNT];
        if (job_ok(&real[i])) session_r(path_i, r);
        else for (int s = 0; s < PSY_SYNC_SIGNAL_COUNT; s++) r[s] = NAN;
        for (int s = 0; s < PSY_SYNC_SIGNAL_COUNT; s++) {
            if (isnan(r[s])) continue;
            size_t m = 0, ge = 0;
            for (size_t p = 0; p < np; p++) {
                double x = pr[p * PSY_SYNC_SIGNAL_COUNT + s];
                if (isnan(x)) continue;
                v[m++] = x;
                ge += x >= r[s];
            }
            fprintf(o[0].fp, "%s\t%s\t%.4f\t%zu", d[i].name, psy_sync_signal_name((psy_sync_signal)s), r[s], m);
            if (m == 0) {
                fputs("\tn/a\tn/a\n", o[0].fp);
                continue;
            }
            /* median by selection sort of the few hundred values */
            for (size_t a = 0; a <= m / 2; a++)
                for (size_t b = a + 1; b < m; b++)
                    if (v[b] < v[a]) {
                        double t = v[a];
                        v[a] = v[b];
                        v[b] = t;
                    }
            double med = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
            fprintf(o[0].fp, "\t%.4f\t%.4f\n", med, (1.0 + (double)ge) / (1.0 + (double)m));
        }
    }
    json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "psyphys_version", psy_version(), "table", "group_sync-pseudo",
                          "method", "pseudo-dyads (Bernieri, Reznick & Rosenthal 1988; Moulder et al. 2018): every "
                          "dyad's A with every other dyad's B, the two taken to start together (--align-starts), "
                          "A's events; each real dyad's session r against the session r of all pseudo-dyads of "
                          "the signal: p_pseudo = (1 + pseudo-dyads with r >= the dyad's) / (1 + n_pseudo)",
                          "columns", "dyad, signal, r (the dyad's session r), n_pseudo (pseudo-dyads with an r), "
                          "r_pseudo_median, p_pseudo; the pseudo-dyads' tables are in pseudo-dyads/");
    ok = v && cli_sidecar_write(j, o[1].fp);
    json_decref(j);
    free(v);
    free(pr);
    if (ok) ok = cli_output_commit_all(o, 2);
    else cli_output_abort_all(o, 2);
    return ok;
}

int sync_batch(int argc, char **argv)
{
    const char *dyads = NULL, *outdir = NULL;
    int max_jobs = 1, overwrite = 0, pseudo_on = 0, n_pass = 0;
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
            max_jobs = (int)j;
        } else if (strcmp(a, "--overwrite") == 0) overwrite = 1;
        else if (strcmp(a, "--pseudo-dyads") == 0) pseudo_on = 1;
        else if (strcmp(a, "--stem") == 0 || strcmp(a, "--events") == 0 || strcmp(a, "--align-starts") == 0) {
            cli_error(NULL, "batch: %s is per dyad here (the dyads file's columns; --pseudo-dyads)", a);
            free(pass);
            return CLI_USAGE;
        } else pass[n_pass++] = argv[i];
    }
    if (!dyads || !outdir) {
        cli_error(NULL, "batch: --dyads FILE and -o OUTDIR are required (see psyphys batch --dyads x --help)");
        free(pass);
        return CLI_USAGE;
    }
    sync_dyad *d = NULL;
    size_t n = 0;
    json_t *unpaired = json_array();
    if (!sync_dyads_read(dyads, &d, &n, unpaired) || !cli_make_dir(outdir)) {
        json_decref(unpaired);
        free(pass);
        free(d);
        return CLI_FAILED;
    }
    size_t np = pseudo_on ? count_pseudo(d, n) : 0;
    if (pseudo_on && np == 0) {
        cli_error(dyads, "--pseudo-dyads needs at least two dyads of different pairs");
        json_decref(unpaired);
        free(pass);
        free(d);
        return CLI_USAGE;
    }
    char worker[PATH_MAX], logdir[PATH_MAX + 32], staging[PATH_MAX + 40], settings[65];
    const char *env = getenv("PSYPHYS_BATCH_WORKER");
    ssize_t wn = env ? 0 : readlink("/proc/self/exe", worker, sizeof worker - 1);
    if (env) snprintf(worker, sizeof worker, "%s", env);
    else if (wn > 0) worker[wn] = '\0';
    snprintf(logdir, sizeof logdir, "%s/.psyphys-batch/dyads", outdir);
    snprintf(staging, sizeof staging, "%s/.psyphys-batch/staging-dyads", outdir);
    settings_fingerprint(pass, n_pass, settings);
    size_t argc_w = (size_t)n_pass + 20;
    job *jobs = calloc(n + np, sizeof *jobs);
    char **argvs = calloc((n + np) * argc_w, sizeof *argvs);
    char (*stems)[520] = calloc(np ? np : 1, sizeof *stems);
    char (*outs)[PATH_MAX + 128] = calloc(n + np, sizeof *outs);
    batch_result *rows = calloc(n, sizeof *rows);
    int rc = CLI_FAILED;
    batch_remove_tree(staging);
    if (!jobs || !argvs || !stems || !outs || !rows || (!env && wn <= 0) || !batch_mkdirs(logdir) ||
        !batch_mkdirs(staging)) {
        cli_error(outdir, "cannot prepare the batch (log and staging folders, worker program)");
        goto done;
    }
    static const char *const pseudo_args[] = {"--align-starts", "--surrogates", "0"};
    for (size_t i = 0; i < n; i++) {
        job *jb = &jobs[i];
        jb->argv = argvs + i * argc_w;
        snprintf(outs[i], sizeof outs[i], "%s/%zu/out", staging, i);
        sync_argv(jb->argv, worker, d[i].a, d[i].b, outs[i], d[i].name, d[i].events, NULL, 0, pass, n_pass);
        snprintf(jb->log, sizeof jb->log, "%s/%s.log", logdir, d[i].name);
        jb->rel = record_name("dyads/", d[i].name);
        if (jb->rel) check_record(jb, outdir, settings, d[i].a, d[i].b, d[i].events);
    }
    for (size_t p = 0, i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (!pseudo_on || !is_pseudo(d, i, j)) continue;
            size_t k = n + p;
            job *jb = &jobs[k];
            snprintf(stems[p], sizeof stems[p], "%s+%s", d[i].name, d[j].name);
            jb->argv = argvs + k * argc_w;
            snprintf(outs[k], sizeof outs[k], "%s/%zu/out/pseudo-dyads", staging, k);
            sync_argv(jb->argv, worker, d[i].a, d[j].b, outs[k], stems[p], d[i].events, pseudo_args, 3, pass, n_pass);
            snprintf(jb->log, sizeof jb->log, "%s/%s.log", logdir, stems[p]);
            jb->rel = record_name("dyads/pseudo-dyads/", stems[p]);
            if (jb->rel) check_record(jb, outdir, settings, d[i].a, d[j].b, d[i].events);
            p++;
        }
    for (size_t k = 0; k < n + np; k++)
        if (!jobs[k].rel) {
            cli_error(outdir, "out of memory");
            goto done;
        }
    int usage = 0, stop_sig = 0;
    pool_ctx ctx = {.outdir = outdir, .staging = staging, .settings = settings, .overwrite = overwrite, .n_real = n};
    run_pool(&ctx, jobs, n + np, max_jobs, &usage, &stop_sig);
    batch_remove_tree(staging);
    size_t done_n = 0;
    for (size_t i = 0; i < n; i++) {
        const job *jb = &jobs[i];
        const char *err = jb->error ? jb->error
                          : job_ok(jb) ? ""
                          : stop_sig ? "not run: the batch was stopped"
                          : usage ? "not run: sync refused the options" : "cannot start a worker";
        rows[i].rel = strdup(d[i].name);
        rows[i].state = jb->skipped ? BATCH_SKIPPED : job_ok(jb) ? BATCH_OK : BATCH_FAILED;
        rows[i].error = strdup(err);
        rows[i].seconds = jb->seconds;
        rows[i].outputs = strdup(jb->outputs ? jb->outputs : "");
        done_n += job_ok(jb);
    }
    char status_path[PATH_MAX + 32];
    snprintf(status_path, sizeof status_path, "%s/batch_status.tsv", outdir);
    json_t *args = json_array();
    for (int i = 0; i < n_pass; i++) json_array_append_new(args, json_string(pass[i]));
    json_t *about = json_pack("{s:s,s:o,s:i,s:b,s:O}", "dyads_file", dyads, "sync_options", args, "jobs", max_jobs,
                              "pseudo_dyads", pseudo_on, "unpaired_recordings", unpaired);
    char pseudo_dir[PATH_MAX + 32];
    snprintf(pseudo_dir, sizeof pseudo_dir, "%s/pseudo-dyads", outdir);
    if (batch_status_write(status_path, rows, n, about) && write_group(outdir, d, n, rows, pass, n_pass) &&
        (!pseudo_on || write_pseudo(outdir, d, n, jobs, jobs + n, pseudo_dir))) {
        if (usage) cli_error(NULL, "batch: sync refused the options (see %s)", logdir);
        else printf("%zu of %zu dyads done: %s/group_sync.tsv%s, batch_status.tsv\n", done_n, n, outdir,
                    pseudo_on ? ", group_sync-pseudo.tsv" : "");
        rc = usage ? CLI_USAGE : stop_sig ? 128 + stop_sig : batch_rows_failed(rows, n) ? CLI_FAILED : CLI_OK;
    }
    json_decref(about);
done:
    if (rows)
        for (size_t i = 0; i < n; i++) batch_result_free(&rows[i]);
    free(rows);
    for (size_t k = 0; jobs && k < n + np; k++) {
        free(jobs[k].rel);
        free(jobs[k].error);
        free(jobs[k].outputs);
    }
    free(jobs);
    free(argvs);
    free(stems);
    free(outs);
    free(pass);
    free(d);
    json_decref(unpaired);
    return rc;
}
