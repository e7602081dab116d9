/* The streaming object's beat latency and CPU cost on a synthetic ECG (P, QRS, T waves, baseline
 * wander, noise, respiratory and slow heart-rate variability, occasional premature beats) and a
 * synthetic skin conductance.
 *   psyphys_stream_bench latency RATE_HZ HOURS [BLOCK]  delay from the arrival of each R-peak's
 *        sample to its beat output, pushing BLOCK samples at a time (default 1: the algorithm's
 *        own delay; a block adds up to its length): median, p90, p99, max; and from the R-peak to
 *        its provisional HRV line (config provisional, psyphys stream's default) and to the final
 *        one (rr_lookahead beats later)
 *   psyphys_stream_bench cpu HOURS                      CPU time to push HOURS of 1 kHz ECG and
 *        32 Hz EDA in 1/32 s blocks, polling after each (signal generation not counted)
 *   psyphys_stream_bench latency-file RECORDING CHANNEL [BLOCK [FS]]  the same on a real
 *        recording's channel (e.g. MIT-BIH: mitdb/105.hea MLII; FS for a CSV without time column)
 *   psyphys_stream_bench frames RATE_HZ HOURS           the same ECG + EDA (at RATE_HZ) as
 *        interleaved float32 frames on stdout, for psyphys stream --stdin float32
 *   psyphys_stream_bench wfdb DIR HOURS                 the same 1 kHz ECG and 32 Hz EDA as one WFDB
 *        record DIR/stream_hour.hea (frames of 1/8 s: 125 ECG and 4 EDA samples, format 16), for
 *        psyphys stream --replay */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "psyphys.h"

#define PI 3.14159265358979323846

static double uniform(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static double gauss(double t, double c, double w) { return exp(-0.5 * (t - c) * (t - c) / (w * w)); }

/* n samples of ECG (mV) at rate; R-peak times (s) of the beats into *peaks (may be NULL). */
static double *make_ecg(double rate, int64_t n, double **peaks, size_t *n_peaks)
{
    double *x = malloc((size_t)n * sizeof *x);
    size_t cap = (size_t)((double)n / rate * 3.5) + 16, k = 0;
    double *p = peaks ? malloc(cap * sizeof *p) : NULL;
    if (!x || (peaks && !p)) return NULL;
    uint64_t s = 0x9E3779B97F4A7C15ULL;
    double beat = 0.4, next = 0, rr = 0.8;
    for (int64_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        if (t >= next) {
            beat = next;
            double base = 0.8 + 0.1 * sin(2 * PI * t / 300) + 0.04 * sin(2 * PI * 0.25 * t);
            rr = uniform(&s) < 0.005 ? 0.65 * base : base * (1 + 0.02 * (uniform(&s) - 0.5));
            next = beat + rr;
            if (p && k < cap) p[k++] = beat + 0.2; /* the R wave sits 0.2 s into the beat */
        }
        double u = t - beat;
        x[i] = 0.15 * gauss(u, 0.05, 0.025) - 0.1 * gauss(u, 0.18, 0.008) + 1.2 * gauss(u, 0.2, 0.01) -
               0.25 * gauss(u, 0.22, 0.008) + 0.3 * gauss(u, 0.45, 0.05) + 0.2 * sin(2 * PI * 0.3 * t) +
               0.02 * (uniform(&s) - 0.5);
    }
    if (peaks) *peaks = p, *n_peaks = k;
    return x;
}

static double *make_eda(double rate, int64_t n)
{
    double *x = malloc((size_t)n * sizeof *x);
    if (!x) return NULL;
    uint64_t s = 0x2545F4914F6CDD1DULL;
    double next = 5, on = -100, amp = 0;
    for (int64_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        if (t >= next) on = t, amp = 0.05 + 0.5 * uniform(&s), next = t + 10 + 10 * uniform(&s);
        double d = t - on;
        x[i] = 4 + 0.5 * sin(2 * PI * t / 1800) + (d > 0 ? amp * (exp(-d / 4) - exp(-d / 0.75)) * 1.5 : 0) +
               0.002 * (uniform(&s) - 0.5);
    }
    return x;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The median, p90, p99 and maximum of the k latencies (s) in lat, sorted here, as text (ms). */
static const char *spread(double *lat, size_t k, char *buf, size_t size)
{
    if (k == 0) return "none";
    qsort(lat, k, sizeof *lat, cmp);
    snprintf(buf, size, "median %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms", 1000 * lat[k / 2],
             1000 * lat[(size_t)(0.9 * (double)k)], 1000 * lat[(size_t)(0.99 * (double)k)], 1000 * lat[k - 1]);
    return buf;
}

/* Pushes x[0..n) in blocks and prints the latency distributions of the beat outputs and of the
 * HRV lines, provisional (the default of psyphys stream) and final (rr_lookahead beats later). */
static int measure_latency(const char *what, const double *x, int64_t n, double rate, size_t block)
{
    psy_stream_config cfg = psy_stream_config_default(rate, 0);
    cfg.provisional = 1;
    psy_stream *s = NULL;
    if (psy_stream_create(&cfg, &s, NULL) != PSY_OK) return 1;
    size_t cap = (size_t)((double)n / rate * 4) + 16, k = 0, kp = 0, kf = 0;
    double *lat = malloc(3 * cap * sizeof *lat), *prov = lat + cap, *fin = lat + 2 * cap;
    psy_stream_output o[64];
    for (int64_t at = 0; at < n && lat;) {
        size_t m = n - at < (int64_t)block ? (size_t)(n - at) : block;
        psy_stream_push_ecg(s, x + at, m);
        at += (int64_t)m;
        size_t got;
        while ((got = psy_stream_poll(s, o, 64)) > 0)
            for (size_t i = 0; i < got; i++) {
                /* from the arrival of the R-peak's sample to the output */
                double d = (double)at / rate - (o[i].onset_s + 1.0 / rate);
                if (o[i].kind == PSY_STREAM_BEAT && k < cap) lat[k++] = d;
                if (o[i].kind == PSY_STREAM_HRV && o[i].u.hrv.provisional && kp < cap) prov[kp++] = d;
                if (o[i].kind == PSY_STREAM_HRV && !o[i].u.hrv.provisional && kf < cap) fin[kf++] = d;
            }
    }
    if (!lat || k == 0) return 1;
    char a[160], b[160], c[160];
    printf("%s, %g Hz, blocks of %zu: %zu beats, latency %s (documented bound %.0f ms); HRV lines: provisional "
           "%s, final %s\n",
           what, rate, block, k, spread(lat, k, a, sizeof a), 1000 * psy_stream_beat_latency(s),
           spread(prov, kp, b, sizeof b), spread(fin, kf, c, sizeof c));
    psy_stream_destroy(s);
    free(lat);
    return 0;
}

static int latency(double rate, double hours, size_t block)
{
    int64_t n = (int64_t)(hours * 3600 * rate);
    double *x = make_ecg(rate, n, NULL, NULL);
    char what[64];
    snprintf(what, sizeof what, "synthetic %g h", hours);
    int rc = x ? measure_latency(what, x, n, rate, block) : 1;
    free(x);
    return rc;
}

static int latency_file(const char *path, const char *label, size_t block, double fs)
{
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    if (psy_reader_open(path, &opt, &r, &why) != PSY_OK) {
        fprintf(stderr, "%s: %s\n", path, why.text);
        return 1;
    }
    int ch = psy_reader_find_channel(r, label);
    const psy_channel_info *c = ch >= 0 ? psy_reader_channel(r, ch) : NULL;
    double *x = c ? malloc((size_t)(c->frames ? c->frames : 1) * sizeof *x) : NULL;
    int rc = 1;
    if (x && psy_reader_read(r, ch, 0, c->frames, x) == PSY_OK) rc = measure_latency(path, x, c->frames, c->rate_hz, block);
    else fprintf(stderr, "%s: no channel '%s' to read\n", path, label);
    free(x);
    psy_reader_close(r);
    return rc;
}

static int cpu(double hours)
{
    int64_t n_ecg = (int64_t)(hours * 3600 * 1000), n_eda = (int64_t)(hours * 3600 * 32);
    double *ecg = make_ecg(1000, n_ecg, NULL, NULL), *eda = make_eda(32, n_eda);
    psy_stream_config cfg = psy_stream_config_default(1000, 32);
    psy_stream *s = NULL;
    if (!ecg || !eda || psy_stream_create(&cfg, &s, NULL) != PSY_OK) return 1;
    psy_stream_output o[256];
    size_t counts[PSY_STREAM_KIND_COUNT] = {0};
    double t0 = cpu_seconds();
    for (int64_t b = 0; b * 1000 / 32 < n_ecg; b++) { /* 1/32 s blocks: 31 or 32 ECG samples, 1 EDA */
        int64_t e0 = b * 1000 / 32, e1 = (b + 1) * 1000 / 32;
        if (e1 > n_ecg) e1 = n_ecg;
        psy_stream_push_ecg(s, ecg + e0, (size_t)(e1 - e0));
        if (b < n_eda) psy_stream_push_eda(s, eda + b, 1);
        size_t got;
        while ((got = psy_stream_poll(s, o, 256)) > 0)
            for (size_t i = 0; i < got; i++) counts[o[i].kind]++;
    }
    psy_stream_finish(s);
    size_t got;
    while ((got = psy_stream_poll(s, o, 256)) > 0)
        for (size_t i = 0; i < got; i++) counts[o[i].kind]++;
    double used = cpu_seconds() - t0;
    /* baseline, same run: the R-peak detector alone on the same ECG in the same blocks */
    psy_ecg_detector_config dc = psy_ecg_detector_config_default(1000);
    psy_ecg_detector *d = NULL;
    if (psy_ecg_detector_create(&dc, &d) != PSY_OK) return 1;
    psy_ecg_beat beats[64];
    t0 = cpu_seconds();
    for (int64_t b = 0; b * 1000 / 32 < n_ecg; b++) {
        int64_t e0 = b * 1000 / 32, e1 = (b + 1) * 1000 / 32;
        if (e1 > n_ecg) e1 = n_ecg;
        psy_ecg_detector_push(d, ecg + e0, (size_t)(e1 - e0), NULL);
        while (psy_ecg_detector_pop_beats(d, beats, 64) > 0) {
        }
    }
    double base = cpu_seconds() - t0;
    psy_ecg_detector_destroy(d);
    printf("%g h of 1 kHz ECG + 32 Hz EDA: %.3f s CPU (%.3f s per hour of input; the R-peak detector alone "
           "%.3f s, ratio %.2f); %zu beats, %zu HRV updates, %zu SCRs, %zu SCL values\n",
           hours, used, used / hours, base, used / base, counts[PSY_STREAM_BEAT], counts[PSY_STREAM_HRV],
           counts[PSY_STREAM_SCR], counts[PSY_STREAM_SCL]);
    psy_stream_destroy(s);
    free(ecg), free(eda);
    return 0;
}

static int frames(double rate, double hours)
{
    int64_t n = (int64_t)(hours * 3600 * rate);
    double *ecg = make_ecg(rate, n, NULL, NULL), *eda = make_eda(rate, n);
    if (!ecg || !eda) return 1;
    for (int64_t i = 0; i < n; i++) {
        float f[2] = {(float)ecg[i], (float)eda[i]};
        if (fwrite(f, sizeof f, 1, stdout) != 1) return 1;
    }
    free(ecg), free(eda);
    return 0;
}

static int wfdb(const char *dir, double hours)
{
    int64_t frames = (int64_t)(hours * 3600 * 8);
    double *ecg = make_ecg(1000, frames * 125, NULL, NULL), *eda = make_eda(32, frames * 4);
    char path[4096];
    snprintf(path, sizeof path, "%s/stream_hour.hea", dir);
    FILE *hea = fopen(path, "w");
    snprintf(path, sizeof path, "%s/stream_hour.dat", dir);
    FILE *dat = fopen(path, "wb");
    if (!ecg || !eda || !hea || !dat) {
        perror(path);
        return 1;
    }
    /* WFDB header(5): 8 frames per second, 125 ECG and 4 EDA samples per frame */
    fprintf(hea, "stream_hour 2 8 %lld\nstream_hour.dat 16x125 1000/mV 16 0 0 0 0 ECG\n"
                 "stream_hour.dat 16x4 1000/uS 16 0 0 0 0 EDA\n", (long long)frames);
    for (int64_t f = 0; f < frames; f++) {
        unsigned char buf[2 * 129];
        for (int k = 0; k < 129; k++) {
            double v = k < 125 ? ecg[f * 125 + k] : eda[f * 4 + (k - 125)];
            long d = lround(v * 1000);
            if (d > 32767) d = 32767;
            if (d < -32767) d = -32767;
            buf[2 * k] = (unsigned char)(d & 0xff);
            buf[2 * k + 1] = (unsigned char)((d >> 8) & 0xff);
        }
        if (fwrite(buf, sizeof buf, 1, dat) != 1) return 1;
    }
    fclose(hea);
    fclose(dat);
    free(ecg), free(eda);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "latency") == 0)
        return latency(atof(argv[2]), atof(argv[3]), argc > 4 ? (size_t)atol(argv[4]) : 1);
    if (argc >= 4 && strcmp(argv[1], "latency-file") == 0)
        return latency_file(argv[2], argv[3], argc > 4 ? (size_t)atol(argv[4]) : 1, argc > 5 ? atof(argv[5]) : 0);
    if (argc >= 3 && strcmp(argv[1], "cpu") == 0) return cpu(atof(argv[2]));
    if (argc >= 4 && strcmp(argv[1], "frames") == 0) return frames(atof(argv[2]), atof(argv[3]));
    if (argc >= 4 && strcmp(argv[1], "wfdb") == 0) return wfdb(argv[2], atof(argv[3]));
    fprintf(stderr, "usage: psyphys_stream_bench latency RATE_HZ HOURS [BLOCK] | latency-file RECORDING CHANNEL [BLOCK [FS]] |\n"
                    "       cpu HOURS | frames RATE_HZ HOURS | wfdb DIR HOURS\n");
    return 2;
}
