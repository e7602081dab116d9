/* Read benchmark: opens a recording and reads every channel in blocks of 65536 samples (all
 * channels per block, as a streaming consumer would), then prints samples/s. No assertions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "psyphys.h"

enum { BLOCK = 65536 };

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s RECORDING [--fs HZ] [--no-libedf]\n", argv[0]);
        return 2;
    }
    psy_open_options opt = psy_open_options_default();
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--fs") == 0 && i + 1 < argc) opt.sampling_rate_hz = atof(argv[++i]);
        else if (strcmp(argv[i], "--no-libedf") == 0) opt.use_libedf = 0;
    }
    double t0 = now_s();
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(argv[1], &opt, &r, &why);
    if (st != PSY_OK) {
        fprintf(stderr, "%s: %s (%s)\n", argv[1], why.text, psy_strerror(st));
        return 1;
    }
    double t_open = now_s() - t0;
    double *buf = malloc(BLOCK * sizeof *buf);
    if (!buf) return 1;
    int nch = psy_reader_channel_count(r);
    int64_t longest = 0, total = 0;
    for (int ch = 0; ch < nch; ch++)
        if (psy_reader_channel(r, ch)->frames > longest) longest = psy_reader_channel(r, ch)->frames;
    double checksum = 0, t1 = now_s();
    for (int64_t start = 0; start < longest; start += BLOCK) {
        for (int ch = 0; ch < nch; ch++) {
            int64_t frames = psy_reader_channel(r, ch)->frames;
            if (start >= frames) continue;
            int64_t n = frames - start < BLOCK ? frames - start : BLOCK;
            st = psy_reader_read(r, ch, start, n, buf);
            if (st != PSY_OK) {
                fprintf(stderr, "read failed: %s\n", psy_strerror(st));
                return 1;
            }
            checksum += buf[n - 1]; /* keep the reads observable */
            total += n;
        }
    }
    double t_read = now_s() - t1;
    printf("format %s, %d channels, %lld samples, open %.3f s, read %.3f s, %.1f M samples/s (check %g)\n",
           psy_reader_format(r), nch, (long long)total, t_open, t_read,
           t_read > 0 ? total / t_read / 1e6 : 0.0, checksum);
    free(buf);
    psy_reader_close(r);
    return 0;
}
