/* R-peak detector benchmark: reads one channel of a recording into memory, then pushes it through
 * a fresh detector REPEATS times in blocks of 65536 samples and prints the detector's CPU time
 * per hour of signal (process CPU time, so other programs on the machine disturb it less than
 * wall time) and the beats found. No file I/O is timed. No assertions.
 *   psyphys_detector_bench RECORDING CHANNEL [REPEATS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "psyphys.h"

enum { BLOCK = 65536 };

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Beats the detector finds in x (n samples at rate Hz). */
static size_t detect_all(const double *x, int64_t n, double rate)
{
    psy_ecg_detector_config c = psy_ecg_detector_config_default(rate);
    psy_ecg_detector *d = NULL;
    if (psy_ecg_detector_create(&c, &d) != PSY_OK) return 0;
    psy_ecg_beat beats[64];
    size_t found = 0, k;
    for (int64_t at = 0; at < n;) {
        size_t len = n - at < BLOCK ? (size_t)(n - at) : BLOCK, used = 0;
        psy_ecg_detector_push(d, x + at, len, &used);
        at += (int64_t)used;
        while ((k = psy_ecg_detector_pop_beats(d, beats, 64)) > 0) found += k;
    }
    psy_ecg_detector_finish(d);
    while ((k = psy_ecg_detector_pop_beats(d, beats, 64)) > 0) found += k;
    psy_ecg_detector_destroy(d);
    return found;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s RECORDING CHANNEL [REPEATS]\n", argv[0]);
        return 2;
    }
    int repeats = argc > 3 ? atoi(argv[3]) : 5;
    if (repeats < 1) repeats = 1;
    psy_open_options opt = psy_open_options_default();
    psy_reader *r = NULL;
    psy_message why = {{0}};
    if (psy_reader_open(argv[1], &opt, &r, &why) != PSY_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], why.text);
        return 1;
    }
    int ch = psy_reader_find_channel(r, argv[2]);
    if (ch < 0) {
        fprintf(stderr, "%s: no channel '%s'\n", argv[1], argv[2]);
        return 1;
    }
    const psy_channel_info *info = psy_reader_channel(r, ch);
    int64_t n = info->frames;
    double *x = malloc((size_t)(n ? n : 1) * sizeof *x);
    if (!x || psy_reader_read(r, ch, 0, n, x) != PSY_OK) {
        fprintf(stderr, "%s: cannot read channel '%s'\n", argv[1], argv[2]);
        return 1;
    }
    double hours = (double)n / info->rate_hz / 3600.0, best = -1;
    size_t beats = 0;
    for (int i = 0; i < repeats; i++) {
        double t0 = cpu_s();
        beats = detect_all(x, n, info->rate_hz);
        double t = cpu_s() - t0;
        if (best < 0 || t < best) best = t;
    }
    printf("%s %s: %.2f h at %g Hz, %zu beats; detector %.4f CPU s per hour of signal (best of %d), "
           "%.1f M samples/s\n", argv[1], argv[2], hours, info->rate_hz, beats, best / hours, repeats,
           (double)n / best * 1e-6);
    free(x);
    psy_reader_close(r);
    return 0;
}
