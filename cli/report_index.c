/* index.html of a batch: one row per file of OUTDIR/batch_status.tsv (columns file, status
 * ok/failed/skipped, error, seconds, outputs: `;`-separated, relative to OUTDIR; `n/a` for none),
 * failures first, with the key metrics of the file's segments table (the whole recording) and a
 * link to its report, as they are on disk (a file skipped by a rerun has them too). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "report.h"
#include "report_sections.h"

/* The column of the first name present, or -1. */
static int col_of(const report_table *t, const char *const *names)
{
    for (; *names; names++) {
        int c = report_table_col(t, *names);
        if (c >= 0) return c;
    }
    return -1;
}

void report_batch_output_set(const char *file, const char *outputs, char *subdir, size_t subdir_size, char *stem,
                             size_t stem_size)
{
    static const char suffix[] = "_segments.tsv";
    char list[8192];
    snprintf(list, sizeof list, "%s", outputs);
    *subdir = '\0';
    /* psyphys batch separates by ';' (its file names never hold one); ',' only in a list without
     * ';', or a name like "p,q.edf" would be cut and its row linked to another file's page */
    const char *sep = strchr(list, ';') ? ";" : ";,";
    for (char *save = NULL, *tok = strtok_r(list, sep, &save); tok; tok = strtok_r(NULL, sep, &save)) {
        size_t l = strlen(tok), ls = strlen(suffix);
        if (l > ls && strcmp(tok + l - ls, suffix) == 0) {
            const char *base = strrchr(tok, '/');
            if (base) snprintf(subdir, subdir_size, "%.*s", (int)(base - tok), tok);
            base = base ? base + 1 : tok;
            snprintf(stem, stem_size, "%.*s", (int)(strlen(base) - ls), base);
            return;
        }
    }
    psy_path_stem(file, stem, stem_size);
}

/* A relative path as a URL path: unreserved characters and '/' kept, the rest percent-encoded. */
static void url_path(FILE *fp, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c)) fputc(c, fp);
        else fprintf(fp, "%%%02X", c);
    }
}

static int status_rank(const char *status)
{
    return strcmp(status, "failed") == 0 ? 0 : strcmp(status, "ok") == 0 ? 2 : 1;
}

static void metric(FILE *fp, const report_table *seg, const char *name)
{
    fputs("<td>", fp);
    report_html(fp, seg && seg->n_rows ? report_table_str(seg, 0, report_table_col(seg, name)) : "");
    fputs("</td>", fp);
}

static void row(FILE *fp, const char *outdir, const report_table *t, size_t r, const int cols[5])
{
    const char *file = report_table_str(t, r, cols[0]), *status = report_table_str(t, r, cols[1]);
    char stem[512], sub[2048], set[4096], path[8192], why[256];
    report_batch_output_set(file, report_table_str(t, r, cols[4]), sub, sizeof sub, stem, sizeof stem);
    snprintf(set, sizeof set, "%s%s%s", sub, *sub ? "/" : "", stem);
    /* what is on disk: a file skipped by a rerun (done earlier) has its tables and page as an ok one */
    int done = strcmp(status, "failed") != 0;
    report_table seg = {0};
    snprintf(path, sizeof path, "%s/%s_segments.tsv", outdir, set);
    int has_seg = done && report_table_load(path, &seg, why, sizeof why);
    snprintf(path, sizeof path, "%s/%s_report.html", outdir, set);
    int has_report = done && access(path, F_OK) == 0;
    static const char *const row_class[] = {"failed", "skipped", "ok"};
    fprintf(fp, "<tr class=\"%s\"><td class=\"file\">", row_class[status_rank(status)]);
    report_html(fp, file);
    const char *error = report_table_str(t, r, cols[2]);
    if (*error && strcmp(error, "n/a") != 0) {
        fputs("<div class=\"error\">", fp);
        report_html(fp, report_table_str(t, r, cols[2]));
        fputs("</div>", fp);
    }
    fputs("</td><td>", fp);
    report_html(fp, status);
    fputs("</td><td>", fp);
    report_html(fp, report_table_str(t, r, cols[3]));
    fputs("</td>", fp);
    static const char *const keys[] = {"mean_hr_bpm", "nn_corrected_pct", "rmssd_ms", "sdnn_ms", "hf_ms2",
                                       "scl_us", "scr_count"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) metric(fp, has_seg ? &seg : NULL, keys[k]);
    fputs("<td>", fp);
    if (has_report) {
        fputs("<a href=\"", fp);
        url_path(fp, set);
        fputs("_report.html\">report</a>", fp);
    }
    fputs("</td></tr>\n", fp);
    report_table_free(&seg);
}

int report_write_index(const char *outdir, int overwrite)
{
    char path[4096], why[256];
    snprintf(path, sizeof path, "%s/batch_status.tsv", outdir);
    report_table t;
    if (!report_table_load(path, &t, why, sizeof why)) {
        cli_error(path, "%s", why);
        return 0;
    }
    static const char *const file_names[] = {"file", NULL}, *const status_names[] = {"status", NULL},
                             *const error_names[] = {"error", "message", "error_message", NULL},
                             *const seconds_names[] = {"seconds", "duration_s", NULL},
                             *const output_names[] = {"outputs", "output_files", NULL};
    int cols[5] = {col_of(&t, file_names), col_of(&t, status_names), col_of(&t, error_names),
                   col_of(&t, seconds_names), col_of(&t, output_names)};
    if (cols[0] < 0 || cols[1] < 0) {
        cli_error(path, "needs the columns file and status");
        report_table_free(&t);
        return 0;
    }
    snprintf(path, sizeof path, "%s/index.html", outdir);
    cli_output out;
    if (!cli_output_open(&out, path, overwrite)) {
        report_table_free(&t);
        return 0;
    }
    size_t counts[3] = {0};
    for (size_t r = 0; r < t.n_rows; r++) counts[status_rank(report_table_str(&t, r, cols[1]))]++;
    report_page_head(out.fp, "psyphys batch: QC index");
    fprintf(out.fp, "<header id=\"header\"><h1>Batch QC index</h1>\n<p class=\"caption\">%zu files: %zu failed, "
                    "%zu skipped or other, %zu ok. Metrics of the whole recording (segments table); failures "
                    "first.</p></header>\n<section id=\"files\"><div class=\"scroll\"><table class=\"data\" "
                    "id=\"index-table\">\n<thead><tr><th>file (error)</th><th>status</th><th>seconds</th><th>mean HR "
                    "(bpm)</th><th>NN corrected (%%)</th><th>RMSSD (ms)</th><th>SDNN (ms)</th><th>HF (ms²)</th><th>SCL (µS)</th><th>SCRs</th>"
                    "<th>report</th></tr></thead>\n<tbody>\n",
            t.n_rows, counts[0], counts[1], counts[2]);
    for (int rank = 0; rank < 3; rank++)
        for (size_t r = 0; r < t.n_rows; r++)
            if (status_rank(report_table_str(&t, r, cols[1])) == rank) row(out.fp, outdir, &t, r, cols);
    fputs("</tbody></table></div></section>\n", out.fp);
    int plot_id = 0;
    report_section_trends(out.fp, outdir, &plot_id);
    fputs("</body>\n</html>\n", out.fp);
    report_table_free(&t);
    return cli_output_commit_all(&out, 1);
}
