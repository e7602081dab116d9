/* psyphys batch — a whole archive through psyphys analyze: parallel worker processes, resumable,
 * fault-isolated; Slurm job arrays by shards. The pieces are in batch_*.c. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <nettle/sha2.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "sync_run.h"
#include "cli.h"
#include "provenance.h"

/* SHA-256 of what decides a file's outputs besides its own bytes: version, analyze options and the
 * --config file's content. */
static int settings_fingerprint(const batch_options *o, char hex[65])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    char config_sha[65] = "";
    if (o->config && psy_sha256_file(o->config, config_sha) != PSY_OK) {
        cli_error(o->config, "cannot read the config file");
        return 0;
    }
    sha256_update(&ctx, sizeof config_sha, (const uint8_t *)config_sha);
    const char *v = psy_version();
    sha256_update(&ctx, strlen(v) + 1, (const uint8_t *)v);
    for (int i = 0; i < o->n_analyze_args; i++)
        sha256_update(&ctx, strlen(o->analyze_args[i]) + 1, (const uint8_t *)o->analyze_args[i]);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return 1;
}

/* An OUTDIR inside (or equal to) a directory INPUT is refused: a rerun would find the outputs. */
static int check_outdir(const batch_options *o, char **outdir_real)
{
    *outdir_real = batch_resolve(o->outdir);
    if (!*outdir_real) {
        cli_error(o->outdir, "cannot resolve the output directory");
        return 0;
    }
    size_t n = strlen(*outdir_real);
    for (int i = 0; i < o->n_inputs; i++) {
        struct stat sb;
        if (o->inputs[i][0] == '@' || stat(o->inputs[i], &sb) != 0 || !S_ISDIR(sb.st_mode)) continue;
        char *in = realpath(o->inputs[i], NULL);
        if (!in) continue;
        size_t k = strlen(in);
        int same = strcmp(in, *outdir_real) == 0;
        int inside = n > k && strncmp(in, *outdir_real, k) == 0 && ((*outdir_real)[k] == '/' || k == 1);
        free(in);
        if (same) {
            cli_error(o->outdir, "is the INPUT directory itself: outputs would mix with the recordings");
            return 0;
        }
        if (inside && !o->allow_inside) {
            cli_error(o->outdir, "lies inside the INPUT directory %s; choose another OUTDIR or give "
                      "--allow-outdir-in-input", o->inputs[i]);
            return 0;
        }
    }
    return 1;
}

/* Holds OUTDIR/.psyphys-batch/lock-K-of-N for this run: one process per shard at a time. */
static int take_lock(const char *outdir, int k, int n)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/.psyphys-batch", outdir);
    if (!batch_mkdirs(path)) {
        cli_error(outdir, "cannot make the output directory: %s", strerror(errno));
        return -1;
    }
    snprintf(path, sizeof path, "%s/.psyphys-batch/lock-%d-of-%d", outdir, k, n);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        cli_error(path, "cannot create the lock file: %s", strerror(errno));
        return -1;
    }
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        cli_error(outdir, "another psyphys batch is writing shard %d/%d there", k, n);
        close(fd);
        return -1;
    }
    return fd;
}

/* 1 when a name holds a tab, line break or other control character (a TSV cell cannot) or ';'
 * (it separates the outputs in batch_status.tsv, and a file's outputs carry its name). */
static int unlistable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 32 || *s == ';') return 1;
    return 0;
}

static void set_result(batch_result *r, const char *rel, batch_state st, const char *error, double seconds,
                       char *outputs)
{
    r->rel = strdup(rel);
    for (char *p = r->rel; p && *p; p++)
        if ((unsigned char)*p < 32) *p = '?';
    r->state = st;
    r->error = strdup(error);
    r->seconds = seconds;
    r->outputs = outputs ? outputs : strdup("");
}

typedef struct run_state {
    const batch_options *o;
    const char *outdir, *staging, *worker;
    const size_t *first; /* find_collisions */
    char settings[65];
    batch_progress progress;
    sigset_t worker_mask; /* the signal mask the batch had: the workers' */
    int usage_error;
    int interrupted;      /* the signal that stopped the batch, or 0 */
} run_state;

/* SIGTERM to a worker's group at its deadline, SIGKILL this much later (a wrapper may clean up). */
#define BATCH_KILL_GRACE_S 2.0

typedef enum { WORKER_RUNNING, WORKER_TERMINATED, WORKER_KILLED } worker_stage;

typedef struct slot {
    int pid;
    size_t index;
    double t0;
    double deadline;      /* when the next step of stopping it is due (INFINITY: never) */
    worker_stage stage;
    int timed_out;
    char sha[65];
    char dir[PATH_MAX];
} slot;

static int start_job(run_state *rs, const batch_item *it, size_t seq, slot *s)
{
    char out[PATH_MAX], root[PATH_MAX], log[PATH_MAX + 8], stem[256];
    int bids = 0;
    if (!batch_path(s->dir, sizeof s->dir, "%s/%zu", rs->staging, seq) ||
        !batch_path(root, sizeof root, "%s/out", s->dir) ||
        !batch_place_of(it, root, rs->o->layout, out, sizeof out, stem, sizeof stem, &bids) ||
        !batch_path(log, sizeof log, "%s/log", s->dir) || !batch_mkdirs(out))
        return 0;
    if (bids) snprintf(out, sizeof out, "%s", root); /* analyze nests sub-X/[ses-Y/]datatype/ */
    const batch_options *o = rs->o;
    char **argv = calloc((size_t)o->n_analyze_args + 10, sizeof *argv);
    if (!argv) return 0;
    int n = 0;
    argv[n++] = (char *)rs->worker;
    argv[n++] = "analyze";
    argv[n++] = it->path;
    argv[n++] = "-o";
    argv[n++] = out;
    if (it->events) argv[n++] = "--events", argv[n++] = it->events;
    for (int i = 0; i < o->n_analyze_args; i++) argv[n++] = o->analyze_args[i];
    s->t0 = batch_now();
    s->deadline = o->timeout > 0 ? s->t0 + o->timeout : INFINITY;
    s->stage = WORKER_RUNNING;
    s->timed_out = 0;
    s->pid = batch_spawn(argv, log, &rs->worker_mask, o->max_file_bytes);
    free(argv);
    return s->pid > 0;
}

/* The next step of stopping a worker: SIGTERM to its group, then SIGKILL after the grace. */
static void stop_worker(slot *s, double now)
{
    if (s->stage == WORKER_RUNNING) {
        batch_kill_worker(s->pid, SIGTERM);
        batch_kill_worker(s->pid, SIGCONT); /* a stopped worker would hold SIGTERM until the SIGKILL */
        s->stage = WORKER_TERMINATED;
        s->deadline = now + BATCH_KILL_GRACE_S;
    } else {
        batch_kill_worker(s->pid, SIGKILL);
        s->stage = WORKER_KILLED;
        s->deadline = INFINITY;
    }
}

static void finish_job(run_state *rs, const batch_item *it, slot *s, int wait_status, batch_result *r)
{
    double dt = batch_now() - s->t0;
    char err[1024] = "", log[PATH_MAX + 8], out[PATH_MAX + 8];
    batch_path(log, sizeof log, "%s/log", s->dir);
    batch_path(out, sizeof out, "%s/out", s->dir);
    if (rs->interrupted) {
        /* stopped with the batch: no row; its staging goes, a rerun does it */
    } else if (s->timed_out) {
        snprintf(err, sizeof err, "timed out after %g s", rs->o->timeout);
        set_result(r, it->rel, BATCH_FAILED, err, dt, NULL);
    } else if (!(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == CLI_OK)) {
        batch_describe_failure(wait_status, log, rs->o->max_file_bytes, err, sizeof err);
        if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == CLI_USAGE) rs->usage_error = 1;
        set_result(r, it->rel, BATCH_FAILED, err, dt, NULL);
    } else {
        batch_record rec;
        if (batch_commit(rs->outdir, it->rel, out, s->dir, s->sha, rs->settings, rs->o->overwrite, &rec, err, sizeof err)) {
            set_result(r, it->rel, BATCH_OK, "", batch_now() - s->t0, batch_record_outputs(&rec));
            batch_record_free(&rec);
        } else {
            set_result(r, it->rel, BATCH_FAILED, err, dt, NULL);
        }
    }
    batch_remove_tree(s->dir);
    if (!rs->interrupted) batch_progress_file(&rs->progress, r);
}

/* Seconds until the nearest worker deadline (0 when one is due), or -1 when none has one. */
static double next_deadline(const slot *slots, int jobs)
{
    double nearest = INFINITY;
    for (int k = 0; k < jobs; k++)
        if (slots[k].pid && slots[k].deadline < nearest) nearest = slots[k].deadline;
    if (isinf(nearest)) return -1;
    double left = nearest - batch_now();
    return left > 0 ? left : 0;
}

/* Waits for the next worker to end, stopping those past their deadline meanwhile and all of them
 * on SIGINT/SIGTERM/SIGHUP (a second one: SIGKILL at once). Returns its pid or -1. */
static int wait_worker(run_state *rs, slot *slots, int jobs, int *status)
{
    for (;;) {
        int sig;
        int pid = batch_wait_any(status, next_deadline(slots, jobs), &sig);
        if (pid != 0) return pid;
        double now = batch_now();
        if (sig) {
            for (int k = 0; k < jobs; k++) {
                if (!slots[k].pid) continue;
                if (rs->interrupted && slots[k].stage == WORKER_TERMINATED) stop_worker(&slots[k], now);
                else if (slots[k].stage == WORKER_RUNNING) stop_worker(&slots[k], now);
            }
            if (!rs->interrupted) rs->interrupted = sig; /* the message names the first */
            continue;
        }
        for (int k = 0; k < jobs; k++) {
            if (!slots[k].pid || slots[k].deadline > now) continue;
            if (slots[k].stage == WORKER_RUNNING) slots[k].timed_out = 1;
            stop_worker(&slots[k], now);
        }
    }
}

/* Processes the shard's files; rows[i] for each. Returns 0 when the batch had to stop. */
static int run_files(run_state *rs, const batch_list *l, const size_t *mine, size_t n, batch_result *rows)
{
    int jobs = rs->o->jobs < (int)n ? rs->o->jobs : (int)(n ? n : 1);
    slot *slots = calloc((size_t)jobs, sizeof *slots);
    if (!slots) return 0;
    int running = 0, ok = 1;
    size_t next = 0;
    batch_pool_begin(&rs->worker_mask);
    while (next < n || running) {
        while (ok && !rs->usage_error && !rs->interrupted && running < jobs && next < n) {
            size_t i = next++;
            const batch_item *it = &l->items[mine[i]];
            if (unlistable(it->rel)) {
                set_result(&rows[i], it->rel, BATCH_FAILED, "its path holds a tab, line break or control character "
                           "(the tables are TSV) or ';' (it separates the outputs)", 0, NULL);
                batch_progress_file(&rs->progress, &rows[i]);
                continue;
            }
            if (rs->first[mine[i]] != mine[i]) {
                char err[PATH_MAX + 64];
                snprintf(err, sizeof err, "its outputs would have the names of %s's", l->items[rs->first[mine[i]]].rel);
                set_result(&rows[i], it->rel, BATCH_FAILED, err, 0, NULL);
                batch_progress_file(&rs->progress, &rows[i]);
                continue;
            }
            int k = 0;
            while (slots[k].pid) k++;
            slot *s = &slots[k];
            s->index = i;
            if (!batch_fingerprint(it, s->sha)) {
                set_result(&rows[i], it->rel, BATCH_FAILED, "cannot read it (or its companions) to hash it", 0, NULL);
                batch_progress_file(&rs->progress, &rows[i]);
                continue;
            }
            batch_record rec;
            if (batch_record_load(rs->outdir, it->rel, &rec)) {
                int current = batch_record_current(rs->outdir, &rec, s->sha, rs->settings);
                if (current) set_result(&rows[i], it->rel, BATCH_SKIPPED, "", 0, batch_record_outputs(&rec));
                batch_record_free(&rec);
                if (current) {
                    batch_progress_file(&rs->progress, &rows[i]);
                    continue;
                }
            }
            if (!start_job(rs, it, i, s)) {
                cli_error(rs->staging, "cannot start a worker: %s", strerror(errno));
                s->pid = 0;
                ok = 0;
                break;
            }
            running++;
        }
        if (!running) break;
        int status;
        int pid = wait_worker(rs, slots, jobs, &status);
        if (pid < 0) {
            cli_error(NULL, "batch: lost track of the workers: %s", strerror(errno));
            ok = 0;
            break;
        }
        for (int k = 0; k < jobs; k++) {
            if (slots[k].pid != pid) continue;
            slots[k].pid = 0;
            running--;
            size_t i = slots[k].index;
            finish_job(rs, &l->items[mine[i]], &slots[k], status, &rows[i]);
        }
    }
    batch_pool_end(&rs->worker_mask);
    free(slots);
    return ok && !rs->usage_error && !rs->interrupted;
}

/* What a run was, for batch_status.json: inputs, filters, analyze options, the config file and the
 * settings fingerprint that decides what a rerun skips, the shard. */
static json_t *run_description(const batch_options *o, const char *settings_sha)
{
    json_t *j = json_object(), *in = json_array(), *inc = json_array(), *exc = json_array(), *args = json_array();
    for (int i = 0; i < o->n_inputs; i++) json_array_append_new(in, json_string(o->inputs[i]));
    for (int i = 0; i < o->n_include; i++) json_array_append_new(inc, json_string(o->include[i]));
    for (int i = 0; i < o->n_exclude; i++) json_array_append_new(exc, json_string(o->exclude[i]));
    for (int i = 0; i < o->n_analyze_args; i++) json_array_append_new(args, json_string(o->analyze_args[i]));
    json_object_set_new(j, "command", json_string("batch"));
    json_object_set_new(j, "inputs", in);
    json_object_set_new(j, "include", inc);
    json_object_set_new(j, "exclude", exc);
    json_object_set_new(j, "analyze_options", args);
    char sha[65];
    json_object_set_new(j, "config", o->config && psy_sha256_file(o->config, sha) == PSY_OK
                                         ? json_pack("{s:s,s:s}", "path", o->config, "sha256", sha) : json_null());
    json_object_set_new(j, "settings_sha256", json_string(settings_sha));
    json_object_set_new(j, "subject_pattern", o->subjects.compiled ? json_string(o->subjects.pattern) : json_null());
    char shard[32];
    snprintf(shard, sizeof shard, "%d/%d", o->shard_k, o->shard_n);
    json_object_set_new(j, "shard", json_string(shard));
    return j;
}

/* OUTDIR/dataset_description.json once, when any input goes into the BIDS derivatives layout
 * (the workers' own copies stay in staging). */
static int describe_derivatives(const batch_options *o, const batch_list *l, const size_t *mine, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char dir[PATH_MAX], stem[256];
        int bids = 0;
        batch_place_of(&l->items[mine[i]], o->outdir, o->layout, dir, sizeof dir, stem, sizeof stem, &bids);
        if (!bids) continue;
        cli_output d;
        if (!cli_derivative_description_open(o->outdir, &d)) return 0;
        return !d.fp || cli_output_commit_all(&d, 1);
    }
    return 1;
}

static int run_batch(batch_options *o)
{
    char *outdir_real = NULL;
    if (!check_outdir(o, &outdir_real)) {
        free(outdir_real);
        return CLI_FAILED;
    }
    batch_filter f = {o->include, o->exclude, o->n_include, o->n_exclude, outdir_real};
    batch_list l = {0};
    int rc = CLI_FAILED;
    if (!batch_discover(o->inputs, o->n_inputs, &f, &l)) goto done_list;
    if (!l.n) {
        cli_error(NULL, "batch: no recordings found in the INPUTs");
        goto done_list;
    }
    int lock = take_lock(o->outdir, o->shard_k, o->shard_n);
    if (lock < 0) goto done_list;
    /* the shard: every N-th file from the K-th, of the sorted list every node builds alike */
    size_t n = 0, *mine = calloc(l.n, sizeof *mine), *first = NULL;
    batch_result *rows = calloc(l.n, sizeof *rows);
    char staging[PATH_MAX], worker[PATH_MAX];
    snprintf(staging, sizeof staging, "%s/.psyphys-batch/staging-%d-of-%d", o->outdir, o->shard_k, o->shard_n);
    /* what a killed run left unfinished */
    batch_remove_tree(staging);
    if (o->shard_n == 1) {
        batch_remove_temporaries(o->outdir, "batch_status.tsv");
        batch_remove_temporaries(o->outdir, "batch_status.json");
        batch_remove_temporaries(o->outdir, "group_");
        batch_remove_temporaries(o->outdir, "dataset_description.json");
    } else {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "batch_status.shard-%d-of-%d.", o->shard_k, o->shard_n);
        batch_remove_temporaries(o->outdir, prefix);
    }
    const char *env = getenv("PSYPHYS_BATCH_WORKER");
    ssize_t wn = env ? 0 : readlink("/proc/self/exe", worker, sizeof worker - 1);
    if (env) snprintf(worker, sizeof worker, "%s", env);
    else if (wn > 0) worker[wn] = '\0';
    if (!mine || !rows || (!env && wn <= 0) || !batch_mkdirs(staging)) {
        cli_error(o->outdir, "cannot prepare the batch (staging folder, worker program)");
        goto done;
    }
    for (size_t i = 0; i < l.n; i++)
        if ((int)(i % (size_t)o->shard_n) == o->shard_k - 1) mine[n++] = i;
    if (!describe_derivatives(o, &l, mine, n)) goto done;
    first = batch_find_collisions(&l, o->layout);
    if (!first) goto done;
    run_state rs = {.o = o, .outdir = o->outdir, .staging = staging, .worker = worker, .first = first};
    if (!settings_fingerprint(o, rs.settings)) goto done;
    batch_progress_start(&rs.progress, o->progress, n);
    int finished = run_files(&rs, &l, mine, n, rows);
    if (rs.interrupted) {
        if (rs.progress.tty) fputc('\n', stderr); /* below the bar */
    } else {
        batch_progress_end(&rs.progress);
    }
    if (rs.interrupted) {
        batch_remove_tree(staging);
        cli_error(NULL, "batch: stopped by %s after %zu of %zu files; rerun the same command to resume",
                  strsignal(rs.interrupted), rs.progress.done, n);
        rc = 128 + rs.interrupted;
        goto done;
    }
    if (!finished) {
        if (rs.usage_error)
            cli_error(NULL, "batch: analyze refused the options (see the status of the first file); stopped");
        rc = rs.usage_error ? CLI_USAGE : CLI_FAILED;
        goto done;
    }
    batch_remove_tree(staging);
    char status[PATH_MAX];
    if (o->shard_n == 1) snprintf(status, sizeof status, "%s/batch_status.tsv", o->outdir);
    else snprintf(status, sizeof status, "%s/batch_status.shard-%d-of-%d.tsv", o->outdir, o->shard_k, o->shard_n);
    json_t *about = run_description(o, rs.settings);
    int written = about && batch_status_write(status, rows, n, about);
    json_decref(about);
    if (!written) goto done;
    if (o->shard_n == 1 && !batch_dataset_tables(o->outdir, rows, n, &o->subjects, o->progress)) goto done;
    rc = batch_rows_failed(rows, n) ? CLI_FAILED : CLI_OK;
done:
    if (rows) batch_rows_free(rows, n);
    free(mine);
    free(first);
    close(lock);
done_list:
    batch_list_free(&l);
    free(outdir_real);
    return rc;
}

int cmd_batch(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--dyads") == 0) return sync_batch(argc, argv);
    batch_options o;
    int rc = batch_parse_args(argc, argv, &o);
    if (rc == CLI_OK) {
        if (o.merge) rc = batch_merge(o.merge, &o.subjects, o.progress);
        else if (o.slurm) rc = batch_slurm_script(stdout, &o.so, o.self_args, o.n_self_args) ? CLI_OK : CLI_FAILED;
        else rc = run_batch(&o);
    } else if (rc < 0) {
        rc = CLI_OK;
    }
    batch_options_free(&o);
    return rc;
}
