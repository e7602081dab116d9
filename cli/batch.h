/* psyphys batch — the pieces: command line (batch_options.c), discovery (batch_discover.c),
 * resumable state (batch_state.c), output places (batch_place.c), worker pool (batch_pool.c), status
 * table (batch_status.c), group tables (batch_group.c), progress (batch_progress.c), --merge
 * (batch_merge.c) and the Slurm script (batch_slurm.c). cmd_batch.c wires them. */
#ifndef PSYPHYS_CLI_BATCH_H
#define PSYPHYS_CLI_BATCH_H

#include <stddef.h>
#include <jansson.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>

#include "output_layout.h"

/* One recording of the archive. */
typedef struct batch_item {
    char *path;      /* as opened: INPUT joined with the path below it */
    char *rel;       /* relative to its INPUT root (a directory), else as given: names it in the tables
                        and places its outputs (OUTDIR/<rel's directory>/) */
    char *events;    /* the paired events file (BIDS _events.tsv or STEM_events.tsv/.csv), or NULL */
    char **companions; /* files read with it, sorted: same folder, STEM.* (WFDB .dat and annotations,
                          BIDS .json) and STEMevents.* (BIDS physioevents) */
    size_t n_companions;
} batch_item;

typedef struct batch_list {
    batch_item *items;
    size_t n, cap;
} batch_list;

/* What to look for. */
typedef struct batch_filter {
    const char **include, **exclude; /* fnmatch globs on rel ('*' crosses '/'); include: any, or all
                                        when none given; exclude: none may match */
    int n_include, n_exclude;
    const char *skip_dir;            /* a resolved directory never walked (OUTDIR), or NULL */
} batch_filter;

/* Adds the recordings of every INPUT (a file, a directory walked recursively, a BIDS dataset root,
 * or @LIST: one path a line, relative to the list's directory, '#' comments) to `out`, sorted by
 * rel then path, each file once. Prints why and returns 0 when an INPUT cannot be read. */
int batch_discover(char *const *inputs, int n_inputs, const batch_filter *f, batch_list *out);
void batch_list_free(batch_list *l);

/* BIDS entities of a file name ("sub-01_ses-2_task-rest_physio..."): value of `key` ("sub", "ses",
 * "task", "run") copied to out, or "n/a". */
void batch_bids_entity(const char *path, const char *key, char *out, size_t size);

/* ---- subjects and sessions of the files (batch_subjects.c) --------------------------------- */

/* The entities of the group tables, in their column order: subject, session, task, run. */
enum { BATCH_ENTITIES = 4 };

/* --subject-pattern: a POSIX extended regular expression on the path below INPUT whose groups
 * (?<sub>...) (required), (?<ses>...), (?<task>...), (?<run>...) give the entities; '\d' is [0-9]. */
typedef struct batch_subjects {
    regex_t re;
    int compiled;
    int group[BATCH_ENTITIES]; /* the group of each entity, 0 when the pattern has none */
    const char *pattern;       /* as given (not owned) */
} batch_subjects;

/* 1, or 0 with the reason in err (a (?...) form POSIX lacks, no subject group, regcomp's error). */
int batch_subjects_compile(batch_subjects *s, const char *pattern, char *err, size_t err_size);
void batch_subjects_free(batch_subjects *s);

/* The entities of a file (rel: its path below INPUT): the pattern's groups where it matches (s
 * may be NULL), else the BIDS entities of the file name, else "n/a". 0 when a pattern was given
 * and the path does not match it. */
int batch_entities(const batch_subjects *s, const char *rel, char out[BATCH_ENTITIES][64]);

/* The realpath of `path`, or of its nearest existing parent joined with the rest (malloc'd). */
char *batch_resolve(const char *path);

/* ---- resumable state under OUTDIR/.psyphys-batch/ ----------------------------------------- */

/* Input fingerprint: SHA-256 of the recording, its companions and its events file. */
int batch_fingerprint(const batch_item *it, char hex[65]);

/* Outputs recorded for an input by an earlier run (NULL when none). state: "done" or "moving". */
typedef struct batch_record {
    char input_sha[65], settings_sha[65];
    char state[16];
    char **outputs; /* relative to OUTDIR */
    size_t n_outputs;
} batch_record;

int batch_record_load(const char *outdir, const char *rel, batch_record *rec);
/* Writes the record atomically: a temporary file in tmpdir (the job's staging folder, removed with
 * it after a kill; same filesystem), renamed into place. Returns 1 on success. */
int batch_record_save(const char *outdir, const char *rel, const batch_record *rec, const char *tmpdir);
void batch_record_free(batch_record *rec);
/* The record's outputs joined by ';' (malloc'd; NULL when out of memory). */
char *batch_record_outputs(const batch_record *rec);
/* 1 when the record says done for these fingerprints and every output is there. */
int batch_record_current(const char *outdir, const batch_record *rec, const char *input_sha,
                         const char *settings_sha);

/* Moves every file under `staging` to the same place under `outdir`, recording the intent first so
 * that a rerun after a kill may replace them. A file already there that no record of this input
 * lists is left alone (the input fails) unless overwrite. On success rec holds the done record. */
int batch_commit(const char *outdir, const char *rel, const char *staging, const char *tmpdir, const char *input_sha,
                 const char *settings_sha, int overwrite, batch_record *rec, char *err, size_t err_size);

/* snprintf for paths: 1 when it fitted (a too-long path is then refused, never truncated silently). */
int batch_path(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Removes OUTDIR's files whose names start with `prefix` and hold ".tmp-": the temporaries of
 * batch-owned tables a killed run was writing. */
void batch_remove_temporaries(const char *outdir, const char *prefix);

/* mkdir -p. Returns 1 on success. */
int batch_mkdirs(const char *dir);
/* rm -r (no following of symlinks). */
void batch_remove_tree(const char *path);

/* How the batch reports: live bar or log lines (auto), nothing (--quiet), JSON lines (--json-log). */
typedef enum { PROGRESS_AUTO, PROGRESS_QUIET, PROGRESS_JSON } batch_progress_mode;

/* ---- one file's result ------------------------------------------------------------------- */

typedef enum { BATCH_OK, BATCH_FAILED, BATCH_SKIPPED } batch_state;

typedef struct batch_result {
    char *rel;
    batch_state state;
    char *error;     /* "" when none */
    double seconds;
    char *outputs;   /* outputs relative to OUTDIR, separated by ';' */
} batch_result;

void batch_result_free(batch_result *r);

/* 1 when any row failed. */
int batch_rows_failed(const batch_result *rows, size_t n);
/* Frees the rows and the array. */
void batch_rows_free(batch_result *rows, size_t n);

/* batch_status.tsv (file, status, error, seconds, outputs) and its .json sidecar: psyphys version,
 * the counts, and `about` (what the run was: inputs, settings) merged in. Written temp + rename. */
int batch_status_write(const char *path, const batch_result *rows, size_t n, json_t *about);
/* Splits a TSV line in place (its line end cut) into at most max fields; returns their count. */
int batch_split_tabs(char *line, char **fields, int max);
/* Reads a status table written by batch_status_write; 0 (after printing why) when unreadable. */
int batch_status_read(const char *path, batch_result **rows, size_t *n);

/* group_segments.tsv, group_epochs.tsv, group_hrv.tsv (+ .json) in OUTDIR from the outputs of the ok
 * and skipped rows, in row order, each row prefixed by its file and entities (batch_entities with
 * `subjects`, which may be uncompiled; files it does not match are listed in the sidecars and, unless
 * quiet, warned about). They are the batch's own files: rebuilt (replaced) on every
 * run. Returns 1 on success (prints why otherwise). */
int batch_group_tables(const char *outdir, const batch_result *rows, size_t n, const batch_subjects *subjects,
                       int quiet);
/* The group tables and, when the files' outputs hold QC pages (analyze --report passed through),
 * OUTDIR/index.html linking them, failures first ("wrote OUTDIR/index.html" on stdout in the
 * PROGRESS_AUTO mode only). Returns 1 on success (prints why otherwise). */
int batch_dataset_tables(const char *outdir, const batch_result *rows, size_t n, const batch_subjects *subjects,
                         batch_progress_mode mode);

/* ---- progress ---------------------------------------------------------------------------- */

typedef struct batch_progress {
    batch_progress_mode mode;
    int tty;
    size_t total, done, failed, skipped;
    double t0;
    FILE *out;
} batch_progress;

void batch_progress_start(batch_progress *p, batch_progress_mode mode, size_t total);
void batch_progress_file(batch_progress *p, const batch_result *r);
void batch_progress_end(batch_progress *p);
double batch_now(void);

/* ---- worker pool ------------------------------------------------------------------------- */

/* Blocks the signals batch_wait_any takes (SIGCHLD, SIGINT, SIGTERM, SIGHUP) while the workers
 * run; *saved receives the mask to restore (batch_pool_end) and to give the workers. */
void batch_pool_begin(sigset_t *saved);
void batch_pool_end(const sigset_t *saved);

/* Starts `argv` as a worker process: the leader of its own process group, stdout and stderr to
 * `log`, signal mask `child_mask`, every file it writes limited to max_file_bytes (0: no limit;
 * beyond it SIGXFSZ), killed when the batch dies (SIGKILL as parent-death signal; what it started
 * itself lives on after a kill -9 of the batch). Returns the pid or -1. */
int batch_spawn(char *const *argv, const char *log, const sigset_t *child_mask, long long max_file_bytes);

/* Sends `sig` to a worker's process group: the worker and what it started. */
void batch_kill_worker(int pid, int sig);

/* Waits, without polling, for whichever comes first: a worker's end (returns its pid and fills
 * *status as waitpid; its process group is killed before it is reaped, so nothing it left running
 * writes on), `timeout` seconds (< 0: none; returns 0), or SIGINT/SIGTERM/SIGHUP (returns 0 with
 * *sig set; else *sig = 0). Returns -1 when no worker is left. Needs batch_pool_begin. */
int batch_wait_any(int *status, double timeout, int *sig);

/* The last line of a worker's log that names an error, or a description of its death; a log or
 * death (SIGXFSZ) at the max_file_bytes limit says so. */
void batch_describe_failure(int wait_status, const char *log, long long max_file_bytes, char *out, size_t size);

/* ---- Slurm ------------------------------------------------------------------------------- */

typedef struct batch_slurm_options {
    int shards;             /* array tasks */
    const char *partition, *time, *mem, *account, *job_name;
    int cpus;               /* per task; the shard runs -j cpus */
} batch_slurm_options;

/* Writes the sbatch script to `out`: one array task per shard; each runs `self_args` (the batch
 * command line without --slurm-script and its options) with --shard K/N. */
int batch_slurm_script(FILE *out, const batch_slurm_options *o, char *const *self_args, int n_args);

/* ---- the command line (batch_options.c) ---------------------------------------------------- */

/* What `psyphys batch` was asked (see its --help); shard_k/shard_n are 1/1 without --shard. */
typedef struct batch_options {
    char **inputs;
    int n_inputs;
    const char *outdir, *merge;
    int jobs, overwrite, allow_inside, slurm, shard_k, shard_n;
    double timeout;             /* --timeout: seconds of wall-clock time per file, 0 for no limit */
    long long max_file_bytes;   /* --max-file-mib in bytes: the largest file a worker may write, 0 for none */
    batch_progress_mode progress;
    const char **include, **exclude;
    int n_include, n_exclude;
    batch_subjects subjects; /* --subject-pattern (compiled when given) */
    cli_layout layout;   /* analyze's layout (flag or config), to place outputs alike */
    const char *config;  /* analyze's --config FILE */
    char **analyze_args; /* passed through */
    int n_analyze_args;
    char **self_args;    /* for the Slurm script: everything but the Slurm options */
    int n_self_args;
    batch_slurm_options so;
} batch_options;

/* Parses `psyphys batch` arguments (argv[0] = "batch"); analyze's options are checked by analyze's
 * parser. Returns CLI_OK, CLI_USAGE (after printing why) or -1 after --help. Free with
 * batch_options_free whatever it returns. */
int batch_parse_args(int argc, char **argv, batch_options *o);
void batch_options_free(batch_options *o);

/* ---- outputs' places ---------------------------------------------------------------------- */

/* Where an input's tables go below `root`: analyze's place (BIDS derivatives for a BIDS input,
 * *bids = 1: analyze is given the root and nests them itself), for a flat one root/<the input's
 * folder below INPUT>, so equal names in two folders stay apart. Returns 0 for a too-long path. */
int batch_place_of(const batch_item *it, const char *root, cli_layout layout, char *dir, size_t dir_size,
                   char *stem, size_t stem_size, int *bids);

/* Inputs whose outputs would share names (same place and stem): first[i] = the index of the first
 * such input in list order (i itself when none). Malloc'd; NULL when out of memory. */
size_t *batch_find_collisions(const batch_list *l, cli_layout layout);

/* ---- --merge ----------------------------------------------------------------------------- */

/* Reads OUTDIR/batch_status.shard-K-of-N.tsv for every K (all must be there, of one N), interleaves
 * them back into the sorted order (shard K holds files K-1, K-1+N, ...), writes batch_status.tsv
 * and the group tables (entities by `subjects` when compiled, else by the --subject-pattern the
 * first shard recorded). Returns the exit status (1 when a file failed or a shard is missing). */
int batch_merge(const char *outdir, const batch_subjects *subjects, batch_progress_mode mode);

#endif
