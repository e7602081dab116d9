/* psyphys report OUTDIR — QC report pages from the outputs of psyphys analyze. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "report.h"
#include "report_table.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys report OUTDIR [--overwrite]\n\n"
            "Writes OUTDIR/STEM_report.html for every output set psyphys analyze wrote there\n"
            "(STEM_segments.tsv and its sidecar, with STEM_beats, _scr and _epochs when present):\n"
            "one self-contained page (inline SVG, no network) with the header, the session\n"
            "timeline, ECG strips, RR tachogram, Poincare plot, Welch and Lomb spectra, skin\n"
            "conductance with its SCRs and phasic driver, event-locked responses and the tables.\n"
            "The recording named in the sidecar is re-opened (its SHA-256 checked) for the signals.\n"
            "With OUTDIR/batch_status.tsv (psyphys batch) it also writes the reports of the\n"
            "files whose outputs lie in folders below OUTDIR, and rebuilds OUTDIR/index.html from\n"
            "what is on disk: one row per file, failures first, key metrics and a link to its\n"
            "report. There an existing page is kept (noted) unless --overwrite, and files without\n"
            "outputs are named; the batch's group tables are not output sets.\n\n"
            "  --overwrite   replace existing pages\n");
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The stems of OUTDIR/STEM_segments.tsv, sorted (directory order is not stable). */
static char **find_stems(const char *outdir, size_t *n)
{
    *n = 0;
    DIR *dir = opendir(outdir);
    if (!dir) {
        cli_error(outdir, "cannot read the folder: %s", strerror(errno));
        return NULL;
    }
    static const char suffix[] = "_segments.tsv";
    size_t cap = 16, len = strlen(suffix);
    char **stems = malloc(cap * sizeof *stems);
    struct dirent *e;
    while (stems && (e = readdir(dir))) {
        size_t l = strlen(e->d_name);
        if (l <= len || strcmp(e->d_name + l - len, suffix) != 0) continue;
        if (*n == cap) {
            char **more = realloc(stems, 2 * cap * sizeof *stems);
            if (!more) break;
            stems = more, cap *= 2;
        }
        if (!(stems[*n] = strndup(e->d_name, l - len))) break;
        (*n)++;
    }
    closedir(dir);
    if (stems) qsort(stems, *n, sizeof *stems, by_name);
    return stems;
}

/* 1 when OUTDIR/STEM_segments.tsv is an analyze output set: its sidecar says analyze made it
 * (batch's group_segments.tsv, another program's table are not). */
static int analyze_set(const char *outdir, const char *stem)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_segments.json", outdir, stem);
    json_t *side = json_load_file(path, 0, NULL);
    const char *command = json_string_value(json_object_get(side, "command"));
    int yes = !side || !command || strcmp(command, "analyze") == 0; /* without one: report says why */
    json_decref(side);
    return yes;
}

static int write_report(const char *outdir, const char *stem, int overwrite)
{
    report_data d;
    int ok = report_data_load(outdir, stem, &d);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_report.html", outdir, stem);
    cli_output out;
    if (ok && (ok = cli_output_open(&out, path, overwrite))) {
        report_write_page(out.fp, &d);
        ok = cli_output_commit_all(&out, 1);
    }
    for (int i = 0; ok && i < d.n_notes; i++) fprintf(stderr, "psyphys: %s: note: %s\n", path, d.notes[i]);
    if (ok) printf("wrote %s\n", path);
    report_data_free(&d);
    return ok;
}

/* What a batch folder's report run did not (re)write, said once at the end. */
typedef struct batch_tally {
    size_t kept, failed;
} batch_tally;

/* The page of one output set of a batch folder: an existing one is kept unless overwrite (the
 * folder is the batch's, rerun at will). 1, or 0 when a page could not be made (printed). */
static int batch_page(const char *dir, const char *stem, int overwrite, batch_tally *tally)
{
    char page[4096];
    snprintf(page, sizeof page, "%s/%s_report.html", dir, stem);
    if (!overwrite && access(page, F_OK) == 0) {
        tally->kept++;
        return 1;
    }
    return write_report(dir, stem, overwrite);
}

/* The reports of a batch's files that have outputs (ok, or skipped: done by an earlier run) in
 * folders below OUTDIR. */
static int batch_reports(const char *outdir, const char *status_path, int overwrite, batch_tally *tally)
{
    report_table t;
    char why[256];
    if (!report_table_load(status_path, &t, why, sizeof why)) {
        cli_error(status_path, "%s", why);
        return 0;
    }
    int ok = 1, c_file = report_table_col(&t, "file"), c_status = report_table_col(&t, "status"),
        c_out = report_table_col(&t, "outputs");
    for (size_t r = 0; r < t.n_rows; r++) {
        const char *status = report_table_str(&t, r, c_status);
        if (strcmp(status, "failed") == 0) {
            tally->failed++;
            continue;
        }
        char sub[2048], stem[512], dir[4096], seg[8192];
        report_batch_output_set(report_table_str(&t, r, c_file), report_table_str(&t, r, c_out), sub, sizeof sub, stem,
                                sizeof stem);
        snprintf(dir, sizeof dir, "%s%s%s", outdir, *sub ? "/" : "", sub);
        snprintf(seg, sizeof seg, "%s/%s_segments.tsv", dir, stem);
        if (access(seg, F_OK) != 0) {
            fprintf(stderr, "psyphys: %s: note: %s: no page (%s%s%s_segments.tsv is not there)\n", outdir,
                    report_table_str(&t, r, c_file), sub, *sub ? "/" : "", stem);
        } else if (*sub) { /* in OUTDIR itself: done with the folder's own sets */
            ok &= batch_page(dir, stem, overwrite, tally);
        }
    }
    report_table_free(&t);
    return ok;
}

int cli_report_stem(const char *outdir, const char *stem, int overwrite)
{
    return write_report(outdir, stem, overwrite) ? CLI_OK : CLI_FAILED;
}

int cli_report_dir(const char *outdir, int overwrite)
{
    size_t n = 0;
    char **stems = find_stems(outdir, &n);
    if (!stems) return CLI_FAILED;
    int ok = 1;
    char status[4096];
    snprintf(status, sizeof status, "%s/batch_status.tsv", outdir);
    int batch = access(status, F_OK) == 0;
    batch_tally tally = {0};
    size_t sets = 0;
    for (size_t i = 0; i < n; i++) {
        if (!analyze_set(outdir, stems[i])) {
            fprintf(stderr, "psyphys: %s: note: %s_segments.tsv skipped: not an analyze output set (a batch "
                            "group table or another program's)\n", outdir, stems[i]);
            continue;
        }
        sets++;
        ok &= batch ? batch_page(outdir, stems[i], overwrite, &tally) : write_report(outdir, stems[i], overwrite);
    }
    if (!sets && !batch) {
        cli_error(outdir, "no psyphys analyze outputs (STEM_segments.tsv) here");
        ok = 0;
    }
    if (batch) {
        ok &= batch_reports(outdir, status, overwrite, &tally);
        /* the index is the batch's own file, rebuilt from what is on disk every time */
        if (report_write_index(outdir, 1)) printf("wrote %s/index.html\n", outdir);
        else ok = 0;
        if (tally.kept)
            fprintf(stderr, "psyphys: %s: note: kept %zu existing page%s (--overwrite rebuilds them)\n", outdir,
                    tally.kept, tally.kept == 1 ? "" : "s");
        if (tally.failed)
            fprintf(stderr, "psyphys: %s: note: %zu failed file%s without a page (the errors are in index.html)\n",
                    outdir, tally.failed, tally.failed == 1 ? "" : "s");
    }
    for (size_t i = 0; i < n; i++) free(stems[i]);
    free(stems);
    return ok ? CLI_OK : CLI_FAILED;
}

int cmd_report(int argc, char **argv)
{
    const char *outdir = NULL;
    int overwrite = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (strcmp(argv[i], "--overwrite") == 0) {
            overwrite = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_refuse_option("report", argv[i], NULL);
        } else if (outdir) {
            cli_error(NULL, "report: one OUTDIR at a time ('%s' is extra)", argv[i]);
            return CLI_USAGE;
        } else {
            outdir = argv[i];
        }
    }
    if (!outdir) {
        help(stderr);
        return CLI_USAGE;
    }
    return cli_report_dir(outdir, overwrite);
}
