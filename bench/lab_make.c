/* Writes synthetic recordings of the lab formats for bench/lab_formats.sh: 8 channels at 1 kHz
 * for MINUTES minutes, as AcqKnowledge 5 (uncompressed and compressed), BrainVision (INT_16
 * multiplexed, IEEE_FLOAT_32 vectorised), XDF (float32, 32-sample chunks with time stamps) and
 * OpenSignals text (biosignalsplux, 16-bit). Usage: psyphys_lab_make DIR [MINUTES] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_writers.h"

enum { NCH = 8, RATE = 1000 };

static double value(int c, int64_t i, void *ctx)
{
    (void)ctx;
    return floor(3000 * sin((double)i * 0.01 * (c + 1)) + (double)(i % 97));
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR [MINUTES]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    int64_t n = (int64_t)(argc > 2 ? atof(argv[2]) : 60) * 60 * RATE;
    char path[4096];
    static const char *const labels[NCH] = {"ECG", "EDA", "RESP", "PPG", "EMG 1", "EMG 2", "TEMP", "Trigger"};
    static const char *const units[NCH] = {"mV", "uS", "V", "V", "mV", "mV", "degC", "V"};
    int64_t frames[NCH];
    double scale[NCH], offset[NCH], res[NCH];
    for (int c = 0; c < NCH; c++) frames[c] = n, scale[c] = 0.001, offset[c] = 0, res[c] = 0.5;
    for (int comp = 0; comp < 2; comp++) {
        lab_acq a = {132,    0,     comp,   1000.0 / RATE, NCH,  labels, units, NULL, NULL,
                     frames, scale, offset, value,         NULL, NULL,   0,     NULL};
        snprintf(path, sizeof path, "%s/day%s.acq", dir, comp ? "_c" : "");
        if (lab_write_acq(path, &a)) return 1;
    }
    lab_bv b = {"day",    NCH,
                n,        1e6 / RATE,
                "INT_16", 0,
                0,        0,
                labels,   units,
                res,      value,
                NULL,     "Mk1=New Segment,,1,1,0\r\nMk2=Stimulus,S  1,1000,1,0\r\n",
                NULL,     NULL};
    if (lab_write_brainvision(dir, &b)) return 1;
    b.stem = "day_vec", b.binary_format = "IEEE_FLOAT_32", b.vectorized = 1;
    if (lab_write_brainvision(dir, &b)) return 1;
    snprintf(path, sizeof path, "%s/day.xdf", dir);
    FILE *f = lab_xdf_open(path);
    if (!f) return 1;
    lab_xdf_stream_header(f, 1, "Biosignals", "EXG", NCH, RATE, "float32", NULL);
    double v[32 * NCH], ts[32];
    for (int64_t i = 0; i < n; i += 32) {
        int k = n - i < 32 ? (int)(n - i) : 32;
        for (int s = 0; s < k; s++) {
            ts[s] = 100 + (double)(i + s) / RATE;
            for (int c = 0; c < NCH; c++) v[s * NCH + c] = value(c, i + s, NULL);
        }
        lab_xdf_samples(f, 1, "float32", NCH, k, v, ts);
        if (i % (5 * RATE) == 0) lab_xdf_clock(f, 1, 100 + (double)i / RATE, -0.01);
    }
    if (lab_xdf_close(f)) return 1;
    snprintf(path, sizeof path, "%s/day_opensignals.txt", dir);
    f = fopen(path, "w");
    if (!f) return 1;
    fprintf(f,
            "# OpenSignals Text File Format\n# {\"00:07:80:3B:46:61\": {\"sensor\": [\"ECG\", \"EDA\", "
            "\"RESPIRATION\", "
            "\"BVP\", \"EMG\", \"EMG\", \"TEMP\", \"ECG\"], \"column\": [\"nSeq\", \"DI\", \"CH1\", \"CH2\", "
            "\"CH3\", "
            "\"CH4\", \"CH5\", \"CH6\", \"CH7\", \"CH8\"], \"sampling rate\": %d, \"label\": [\"CH1\", "
            "\"CH2\", \"CH3\", "
            "\"CH4\", \"CH5\", \"CH6\", \"CH7\", \"CH8\"], \"resolution\": [16, 16, 16, 16, 16, 16, 16, 16], "
            "\"device\": "
            "\"biosignalsplux\"}}\n# EndOfHeader\n",
            RATE);
    for (int64_t i = 0; i < n; i++) {
        fprintf(f, "%lld\t0", (long long)i);
        for (int c = 0; c < NCH; c++) fprintf(f, "\t%d", 32768 + (int)value(c, i, NULL));
        fputc('\n', f);
    }
    return fclose(f) ? 1 : 0;
}
