/* psyphys batch: its command line (help, options, the analyze options checked by analyze's parser). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze.h"
#include "batch.h"
#include "cli.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys batch INPUT... -o OUTDIR [-j N] [--include GLOB]... [--exclude GLOB]...\n"
            "                     [--shard K/N] [--timeout SECONDS] [--max-file-mib N]\n"
            "                     [--quiet | --json-log] [--overwrite]\n"
            "                     [--allow-outdir-in-input] [analyze options]\n"
            "       psyphys batch INPUT... -o OUTDIR --slurm-script --shards N [--cpus-per-task C]\n"
            "                     [--partition P] [--time T] [--mem M] [--account A] [--job-name NAME]\n"
            "                     [batch and analyze options] > job.sbatch\n"
            "       psyphys batch --merge OUTDIR [--subject-pattern REGEX] [--quiet | --json-log]\n"
            "       psyphys batch --dyads DYADS.tsv|BIDS_ROOT -o OUTDIR [-j N] [sync options]   (psyphys\n"
            "                     sync per dyad; see psyphys batch --dyads x --help)\n\n"
            "Runs psyphys analyze on every recording of the INPUTs, each in its own process, and writes\n"
            "OUTDIR/batch_status.tsv (file, status ok/failed/skipped, error, seconds, outputs) and the\n"
            "dataset tables group_segments.tsv, group_epochs.tsv, group_hrv.tsv (+ .json). Exit status 1\n"
            "when any file failed.\n\n"
            "  INPUT             a recording, a directory (recursive; a session folder such as an\n"
            "                    Empatica E4 export is one recording), a BIDS dataset root (its sub-*\n"
            "                    folders), or @LIST (one path a line, relative to the list's folder)\n"
            "  -o OUTDIR         outputs; a recording's go to OUTDIR/<its folder below INPUT>/\n"
            "  -j N              worker processes (default: the number of CPUs)\n"
            "  --include GLOB    only files whose path below INPUT matches (repeatable; * crosses /)\n"
            "  --exclude GLOB    leave out files whose path below INPUT matches (repeatable)\n"
            "  --shard K/N       only the K-th of N equal parts of the sorted file list (1 <= K <= N)\n"
            "  --timeout SECONDS a file's worker that runs longer fails ('timed out after N s'): it and\n"
            "                    what it started get SIGTERM, then SIGKILL 2 s later (default: no limit)\n"
            "  --max-file-mib N  a worker writing a file (its log too) beyond N MiB fails (default 1024;\n"
            "                    0: no limit)\n"
            "  --quiet           no progress, no summary\n"
            "  --json-log        one JSON object per file, then a summary, on stdout\n"
            "  --overwrite       replace outputs in OUTDIR that no earlier batch run wrote\n"
            "  --allow-outdir-in-input  accept an OUTDIR inside a directory INPUT (it is not searched)\n"
            "  --slurm-script    print a Slurm job-array script (task K runs --shard K/N) and exit\n"
            "  --shards N        array tasks; --cpus-per-task C (default 1, each task runs -j C),\n"
            "                    --partition, --time, --mem, --account, --job-name: #SBATCH values\n"
            "  --merge OUTDIR    after every shard has ended: batch_status.tsv and group tables\n"
            "  --subject-pattern REGEX  subject/session of files outside BIDS, for the group tables and\n"
            "                    the index's trends: a POSIX extended regex on the path below INPUT with\n"
            "                    groups (?<sub>...) and optionally (?<ses>...), (?<task>...), (?<run>...);\n"
            "                    \\d is [0-9]. E.g. 's(?<sub>\\d+)/session(?<ses>\\d+)/'\n"
            "  --report          every file's QC page (analyze --report) and OUTDIR/index.html: one\n"
            "                    row per file, failures first, key metrics, a link to its page\n\n"
            "Rerunning skips files whose outputs exist for the same input SHA-256 and settings.\n"
            "SIGINT, SIGTERM or SIGHUP stop the workers (exit 128 + the signal); a rerun resumes.\n"
            "Analyze options (see psyphys analyze --help), --config FILE among them, apply to every\n"
            "file; each file's events are paired by name (BIDS _events.tsv, or STEM_events.tsv /\n"
            "STEM_events.csv). PSYPHYS_BATCH_WORKER=PROGRAM runs 'PROGRAM analyze ...' for each file\n"
            "instead of this psyphys (a wrapper script, another build).\n");
}


static int positive_int(const char *opt, const char *v, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (!*v || *end || errno || n < 1 || n > 100000) {
        cli_error(NULL, "batch: %s wants a whole number from 1, not '%s'", opt, v);
        return 0;
    }
    *out = (int)n;
    return 1;
}

/* A number of seconds, > 0 and at most a year. */
static int seconds_value(const char *opt, const char *v, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (!*v || *end || errno || !(x > 0) || x > 366 * 86400.0) {
        cli_error(NULL, "batch: %s wants seconds above 0 (at most a year), not '%s'", opt, v);
        return 0;
    }
    *out = x;
    return 1;
}

/* A whole number of MiB from 0 (no limit) to 2^30. */
static int mib_value(const char *opt, const char *v, long long *bytes)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || errno || n < 0 || n > (1LL << 30)) {
        cli_error(NULL, "batch: %s wants a whole number of MiB from 0 (no limit), not '%s'", opt, v);
        return 0;
    }
    *bytes = n << 20;
    return 1;
}

static int plain_value(const char *opt, const char *v)
{
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 32) {
            cli_error(NULL, "batch: %s: control characters are not allowed", opt);
            return 0;
        }
    return 1;
}

/* The analyze options (and --config file) checked once by analyze's own parser, as a worker
 * would; analyze's messages name the option or the config key. Takes the layout they choose. */
static int check_analyze_options(batch_options *o)
{
    char **argv = calloc((size_t)o->n_analyze_args + 5, sizeof *argv);
    if (!argv) return CLI_FAILED;
    argv[0] = "analyze";
    argv[1] = "INPUT";
    argv[2] = "-o";
    argv[3] = "OUTDIR";
    for (int i = 0; i < o->n_analyze_args; i++) argv[i + 4] = o->analyze_args[i];
    analyze_options ao;
    int rc = analyze_parse_args(o->n_analyze_args + 4, argv, &ao);
    if (rc == CLI_OK) o->layout = ao.layout;
    analyze_options_free(&ao);
    free(argv);
    return rc == CLI_OK ? CLI_OK : CLI_USAGE;
}

int batch_parse_args(int argc, char **argv, batch_options *o)
{
    memset(o, 0, sizeof *o);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cpus > 0 ? (int)cpus : 1;
    o->so.cpus = 1;
    o->max_file_bytes = 1024LL << 20; /* far above any analyze output (a week of beats: tens of MB) */
    int slurm_options = 0, jobs_given = 0;
    size_t cap = (size_t)argc + 1;
    o->inputs = calloc(cap, sizeof *o->inputs);
    o->include = calloc(cap, sizeof *o->include);
    o->exclude = calloc(cap, sizeof *o->exclude);
    o->analyze_args = calloc(cap, sizeof *o->analyze_args);
    o->self_args = calloc(cap, sizeof *o->self_args);
    if (!o->inputs || !o->include || !o->exclude || !o->analyze_args || !o->self_args) return CLI_FAILED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int self = 1; /* goes into the Slurm tasks' command line */
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return -1;
        } else if (a[0] != '-' || !a[1]) {
            o->inputs[o->n_inputs++] = argv[i];
        } else if (strcmp(a, "--overwrite") == 0) {
            o->overwrite = 1;
        } else if (strcmp(a, "--allow-outdir-in-input") == 0) {
            o->allow_inside = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            o->progress = PROGRESS_QUIET;
        } else if (strcmp(a, "--json-log") == 0) {
            o->progress = PROGRESS_JSON;
        } else if (strcmp(a, "--slurm-script") == 0) {
            o->slurm = 1, self = 0;
        } else if (strncmp(a, "-j", 2) == 0 && a[2]) { /* -jN */
            if (!positive_int("-j", a + 2, &o->jobs)) return CLI_USAGE;
            self = 0, jobs_given = 1;
        } else if (strcmp(a, "--no-libedf") == 0 || strcmp(a, "--override-fs") == 0 ||
                   strcmp(a, "--report") == 0) { /* analyze's flags */
            o->analyze_args[o->n_analyze_args++] = argv[i];
        } else if (!v) {
            static const char *const with_value[] = {
                "-o", "--merge", "-j", "--timeout", "--max-file-mib", "--include", "--exclude", "--shard",
                "--shards", "--cpus-per-task", "--partition", "--time", "--mem", "--account", "--job-name",
                "--subject-pattern", NULL};
            for (const char *const *w = with_value; *w; w++)
                if (strcmp(a, *w) == 0) return cli_refuse_option("batch", a, with_value);
            o->analyze_args[o->n_analyze_args++] = argv[i]; /* analyze's parser says what is wrong */
        } else {
            i++;
            if (strcmp(a, "-o") == 0) {
                o->outdir = v;
            } else if (strcmp(a, "--merge") == 0) {
                o->merge = v;
            } else if (strcmp(a, "--subject-pattern") == 0) {
                char why[256];
                batch_subjects_free(&o->subjects);
                if (!batch_subjects_compile(&o->subjects, v, why, sizeof why)) {
                    cli_error(NULL, "batch: --subject-pattern '%s': %s", v, why);
                    return CLI_USAGE;
                }
            } else if (strcmp(a, "-j") == 0) {
                if (!positive_int(a, v, &o->jobs)) return CLI_USAGE;
                self = 0, jobs_given = 1; /* the tasks run -j CPUS-PER-TASK */
            } else if (strcmp(a, "--timeout") == 0) {
                if (!seconds_value(a, v, &o->timeout)) return CLI_USAGE;
            } else if (strcmp(a, "--max-file-mib") == 0) {
                if (!mib_value(a, v, &o->max_file_bytes)) return CLI_USAGE;
            } else if (strcmp(a, "--include") == 0) {
                o->include[o->n_include++] = v;
            } else if (strcmp(a, "--exclude") == 0) {
                o->exclude[o->n_exclude++] = v;
            } else if (strcmp(a, "--shard") == 0) {
                char extra;
                if (sscanf(v, "%d/%d%c", &o->shard_k, &o->shard_n, &extra) != 2 || o->shard_n < 1 ||
                    o->shard_k < 1 || o->shard_k > o->shard_n) {
                    cli_error(NULL, "batch: --shard wants K/N with 1 <= K <= N, not '%s'", v);
                    return CLI_USAGE;
                }
                self = 0;
            } else if (strcmp(a, "--shards") == 0) {
                if (!positive_int(a, v, &o->so.shards)) return CLI_USAGE;
                self = 0, slurm_options++;
            } else if (strcmp(a, "--cpus-per-task") == 0) {
                if (!positive_int(a, v, &o->so.cpus)) return CLI_USAGE;
                self = 0, slurm_options++;
            } else if (strcmp(a, "--partition") == 0 || strcmp(a, "--time") == 0 || strcmp(a, "--mem") == 0 ||
                       strcmp(a, "--account") == 0 || strcmp(a, "--job-name") == 0) {
                if (!plain_value(a, v)) return CLI_USAGE;
                const char **slot = a[2] == 'p' ? &o->so.partition : a[2] == 't' ? &o->so.time
                                  : a[2] == 'm' ? &o->so.mem : a[2] == 'a' ? &o->so.account : &o->so.job_name;
                *slot = v;
                self = 0, slurm_options++;
            } else if (strcmp(a, "--events") == 0 || strcmp(a, "--sidecar") == 0) {
                cli_error(NULL, "batch: %s names one file's companion; batch pairs events by name", a);
                return CLI_USAGE;
            } else { /* analyze's, with its value: checked by analyze's parser below */
                if (strcmp(a, "--config") == 0) o->config = v;
                o->analyze_args[o->n_analyze_args++] = argv[i - 1];
                o->analyze_args[o->n_analyze_args++] = argv[i];
            }
            if (self) o->self_args[o->n_self_args++] = argv[i - 1];
        }
        if (self) o->self_args[o->n_self_args++] = argv[i];
    }
    if (o->merge) {
        if (o->n_inputs || o->outdir || o->slurm || o->shard_n) {
            cli_error(NULL, "batch: --merge OUTDIR takes no INPUT, -o, --shard or --slurm-script (its options: "
                            "--subject-pattern, --quiet, --json-log)");
            return CLI_USAGE;
        }
        return CLI_OK;
    }
    if (!o->n_inputs || !o->outdir) {
        help(stderr);
        return CLI_USAGE;
    }
    if (o->slurm && (!o->so.shards || o->shard_n)) {
        cli_error(NULL, "batch: --slurm-script needs --shards N (and no --shard: each task gets its own)");
        return CLI_USAGE;
    }
    if (o->slurm && jobs_given) {
        cli_error(NULL, "batch: with --slurm-script the tasks' workers are --cpus-per-task, not -j");
        return CLI_USAGE;
    }
    if (!o->slurm && slurm_options) {
        cli_error(NULL, "batch: --shards, --cpus-per-task and the #SBATCH options go with --slurm-script");
        return CLI_USAGE;
    }
    if (!o->shard_n) o->shard_k = o->shard_n = 1;
    return check_analyze_options(o);
    return CLI_OK;
}

void batch_options_free(batch_options *o)
{
    batch_subjects_free(&o->subjects);
    free(o->inputs);
    free(o->include);
    free(o->exclude);
    free(o->analyze_args);
    free(o->self_args);
}

