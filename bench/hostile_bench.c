/* Opens one hostile input and reads every channel once in blocks, printing the outcome, the
 * input size and the time; run under /usr/bin/time for the peak memory (bench/hostile.sh).
 *   psyphys_hostile_bench FILE
 *   psyphys_hostile_bench @line:BYTES      a CSV whose second line is BYTES long (no newline)
 *   psyphys_hostile_bench @rows:BYTES      a valid CSV of about BYTES in 16-byte rows (scaling)
 * Synthetic inputs come from callbacks: nothing of that size is stored or allocated here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "psyphys.h"

typedef struct synthetic {
    int rows;     /* 0: one endless line; 1: "%010lld,%04lld\n" rows, 16 bytes each */
    int64_t size;
} synthetic;

static const char head_line[] = "time,ECG\n";
enum { ROW = 16 };

static int64_t syn_read_at(void *ctx, int64_t offset, void *buf, size_t n)
{
    const synthetic *s = ctx;
    if (offset >= s->size) return 0;
    if ((int64_t)n > s->size - offset) n = (size_t)(s->size - offset);
    char *out = buf;
    int64_t h = (int64_t)sizeof head_line - 1;
    char text[64];
    int64_t text_row = -1;
    for (size_t i = 0; i < n; i++) {
        int64_t at = offset + (int64_t)i;
        if (at < h) { out[i] = head_line[at]; continue; }
        if (!s->rows) { out[i] = at == h ? '0' : at == h + 1 ? ',' : '7'; continue; }
        int64_t row = (at - h) / ROW;
        if (row != text_row) { /* one row formatted per 16 bytes, not per byte */
            snprintf(text, sizeof text, "%010lld,%04lld\n", (long long)row, (long long)(row % 1000));
            text_row = row;
        }
        out[i] = text[(at - h) % ROW];
    }
    return (int64_t)n;
}

static int64_t syn_size(void *ctx) { return ((const synthetic *)ctx)->size; }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: psyphys_hostile_bench FILE|@line:BYTES|@rows:BYTES\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    psy_source *src = NULL;
    synthetic syn = {0, 0};
    psy_status st;
    if (strncmp(argv[1], "@line:", 6) == 0 || strncmp(argv[1], "@rows:", 6) == 0) {
        static const psy_source_callbacks cb = {syn_read_at, syn_size, NULL, NULL};
        syn.rows = argv[1][1] == 'r';
        syn.size = strtoll(argv[1] + 6, NULL, 10);
        if (syn.rows) syn.size = (int64_t)sizeof head_line - 1 + syn.size / ROW * ROW;
        st = psy_source_from_callbacks(&cb, &syn, "synthetic.csv", &src);
    } else {
        st = psy_source_open_path(argv[1], &src);
    }
    if (st != PSY_OK) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 1;
    }
    long long bytes = (long long)psy_source_size(src);
    psy_reader *r = NULL;
    psy_message why;
    st = psy_reader_open_source(src, NULL, &r, &why);
    long long samples = 0;
    if (st == PSY_OK) {
        static double block[65536];
        for (int c = 0; c < psy_reader_channel_count(r); c++) {
            int64_t frames = psy_reader_channel(r, c)->frames;
            for (int64_t at = 0; at < frames && st == PSY_OK; at += 65536) {
                int64_t n = frames - at < 65536 ? frames - at : 65536;
                st = psy_reader_read(r, c, at, n, block);
                samples += n;
            }
        }
        psy_reader_close(r);
    } else {
        psy_source_close(src);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("%-40s %12lld bytes %10.3f s %12lld samples  %s\n", argv[1], bytes, s, samples,
           st == PSY_OK ? "read" : why.text);
    return 0;
}
