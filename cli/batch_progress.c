/* psyphys batch: progress. On a terminal a live bar (done/total, failures, files/s, ETA) on stderr;
 * otherwise one line per file on stderr; --json-log: one JSON object per file on stdout. */
#include <jansson.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"

static const char *const state_names[] = {"ok", "failed", "skipped"};

double batch_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void batch_progress_start(batch_progress *p, batch_progress_mode mode, size_t total)
{
    p->mode = mode;
    p->tty = mode == PROGRESS_AUTO && isatty(2);
    p->total = total;
    p->done = p->failed = p->skipped = 0;
    p->t0 = batch_now();
    p->out = stderr;
}

static void bar(batch_progress *p)
{
    double dt = batch_now() - p->t0, rate = dt > 0 ? (double)p->done / dt : 0;
    int width = 30, fill = p->total ? (int)(width * p->done / p->total) : width;
    fprintf(p->out, "\r[");
    for (int i = 0; i < width; i++) fputc(i < fill ? '#' : '.', p->out);
    fprintf(p->out, "] %zu/%zu  %zu failed  %.1f files/s", p->done, p->total, p->failed, rate);
    if (rate > 0 && p->done < p->total) {
        long eta = (long)((double)(p->total - p->done) / rate + 0.5);
        fprintf(p->out, "  ETA %ld:%02ld:%02ld ", eta / 3600, eta / 60 % 60, eta % 60);
    } else {
        fprintf(p->out, "               ");
    }
    fflush(p->out);
}

void batch_progress_file(batch_progress *p, const batch_result *r)
{
    p->done++;
    p->failed += r->state == BATCH_FAILED;
    p->skipped += r->state == BATCH_SKIPPED;
    if (p->mode == PROGRESS_QUIET) return;
    if (p->mode == PROGRESS_JSON) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:f,s:I,s:I}", "event", "file", "file", r->rel, "status",
                              state_names[r->state], "error", r->error, "seconds", r->seconds, "done",
                              (json_int_t)p->done, "total", (json_int_t)p->total);
        json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        fflush(stdout);
        json_decref(o);
    } else if (p->tty) {
        if (r->state == BATCH_FAILED) fprintf(p->out, "\r\033[Kfailed: %s: %s\n", r->rel, r->error);
        bar(p);
    } else {
        fprintf(p->out, "[%zu/%zu] %s %s (%.2f s)%s%s\n", p->done, p->total, state_names[r->state], r->rel,
                r->seconds, *r->error ? ": " : "", r->error);
    }
}

void batch_progress_end(batch_progress *p)
{
    double dt = batch_now() - p->t0;
    size_t ok = p->done - p->failed - p->skipped;
    if (p->mode == PROGRESS_JSON) {
        json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:f}", "event", "summary", "total", (json_int_t)p->total,
                              "ok", (json_int_t)ok, "failed", (json_int_t)p->failed, "skipped",
                              (json_int_t)p->skipped, "seconds", dt);
        json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
        return;
    }
    if (p->tty) fputc('\n', p->out);
    if (p->mode != PROGRESS_QUIET)
        fprintf(p->out, "%zu files: %zu ok, %zu failed, %zu skipped (done earlier) in %.1f s\n", p->total, ok,
                p->failed, p->skipped, dt);
}
