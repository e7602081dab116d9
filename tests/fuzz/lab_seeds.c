/* Writes valid seed inputs for the lab-format fuzz targets into OUT/<target>/ with the test
 * writers (tests/lab_writers.c): AcqKnowledge revisions 3.8.1 / 4.1 / 5.0.1, both byte orders,
 * compressed or not; XDF with clock offsets, gaps and markers; BrainVision as "@@FILE" parts
 * (fuzz_files.h). Run by make_seeds.sh when built. Usage: fuzz_lab_seeds OUT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lab_writers.h"

static double value(int c, int64_t i, void *ctx)
{
    (void)ctx;
    return c == 2 ? sin((double)i * 0.1) : (double)((i * 13 + c * 7) % 200 - 100);
}

static void append(FILE *out, const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in) return;
    char b[65536];
    size_t n;
    while ((n = fread(b, 1, sizeof b, in)) > 0) fwrite(b, 1, n, out);
    fclose(in);
    remove(path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT\n", argv[0]);
        return 2;
    }
    char dir[4096], path[4200], part[4200];
    const char *out = argv[1];
    for (const char *const *t = (const char *const[]){"acq", "xdf", "brainvision", NULL}; *t; t++) {
        snprintf(dir, sizeof dir, "%s/%s", out, *t);
        mkdir(dir, 0777);
    }
    static const char *const labels[3] = {"ECG", "EDA", "EDA filtered, differentiated"};
    static const char *const units[3] = {"mV", "microsiemens", "microsiemens"};
    static const int dividers[3] = {1, 2, 1}, is_float[3] = {0, 0, 1};
    static const int64_t frames[3] = {61, 30, 59};
    static const double scale[3] = {0.01, 0.001, 1}, offset[3] = {0, 1, 0};
    static const lab_acq_marker marks[2] = {{0, -1, "apnd", "Segment 1"}, {20, 2, "flag", "stim"}};
    static const struct {
        int rev, be, comp;
    } acq[] = {{41, 0, 0}, {41, 1, 1}, {84, 0, 0}, {84, 0, 1}, {132, 1, 0}, {132, 0, 1}};
    for (size_t i = 0; i < sizeof acq / sizeof acq[0]; i++) {
        lab_acq a = {acq[i].rev,
                     acq[i].be,
                     acq[i].comp,
                     1.0,
                     3,
                     labels,
                     units,
                     dividers,
                     is_float,
                     frames,
                     scale,
                     offset,
                     value,
                     NULL,
                     marks,
                     2,
                     acq[i].rev >= 108 ? "<html><body>note &amp; more</body></html>" : "a note"};
        snprintf(path, sizeof path, "%s/acq/rev%d_%s%s", out, acq[i].rev, acq[i].be ? "be" : "le",
                 acq[i].comp ? "_c" : "");
        if (lab_write_acq(path, &a)) return 1;
    }

    snprintf(path, sizeof path, "%s/xdf/streams", out);
    FILE *f = lab_xdf_open(path);
    if (!f) return 1;
    lab_xdf_stream_header(f, 1, "ECG", "ECG", 2, 100, "float32",
                          "<channels><channel><label>ECG</label><unit>mV</unit></channel></channels>");
    lab_xdf_stream_header(f, 2, "HR", "HR", 1, 0, "double64", NULL);
    lab_xdf_stream_header(f, 3, "Markers", "Markers", 1, 0, "string", NULL);
    for (int s = 0; s < 6; s++) {
        lab_xdf_clock(f, 1, 100 + s, -0.5 + s * 1e-4);
        if (s == 3) continue; /* a pause */
        double v[20], ts[10];
        for (int k = 0; k < 10; k++) v[2 * k] = k, v[2 * k + 1] = -k, ts[k] = k ? NAN : 100 + s;
        lab_xdf_samples(f, 1, "float32", 2, 10, v, ts);
        double hr = 60 + s, hts = 100.5 + s;
        lab_xdf_samples(f, 2, "double64", 1, 1, &hr, &hts);
    }
    double mts = 101.25;
    lab_xdf_strings(f, 3, 1, 1, (const char *const[]){"go"}, &mts);
    lab_xdf_close(f);

    static const char *const bv_labels[2] = {"ECG", "GSR"}, *const bv_units[2] = {"mV", "\xc2\xb5S"};
    static const double res[2] = {0.1, 0.01};
    static const struct {
        const char *fmt;
        int vec, be;
    } bv[] = {{"INT_16", 0, 0}, {"IEEE_FLOAT_32", 1, 1}, {"INT_32", 0, 0}};
    for (size_t i = 0; i < sizeof bv / sizeof bv[0]; i++) {
        snprintf(dir, sizeof dir, "%s/brainvision", out);
        lab_bv b = {"fz",
                    2,
                    40,
                    2000,
                    bv[i].fmt,
                    bv[i].vec,
                    bv[i].be,
                    0,
                    bv_labels,
                    bv_units,
                    res,
                    value,
                    NULL,
                    "Mk1=New Segment,,1,1,0,20240101120000000000\r\nMk2=Stimulus,S  1,5,1,0\r\n"
                    "Mk3=New Segment,,21,1,0,20240101120005000000\r\n",
                    NULL,
                    NULL};
        if (lab_write_brainvision(dir, &b)) return 1;
        snprintf(path, sizeof path, "%s/brainvision/seed%zu", out, i);
        FILE *o = fopen(path, "wb");
        if (!o) return 1;
        snprintf(part, sizeof part, "%s/fz.vhdr", dir);
        append(o, part);
        fputs("\n@@FILE fz.eeg\n", o);
        snprintf(part, sizeof part, "%s/fz.eeg", dir);
        append(o, part);
        fputs("\n@@FILE fz.vmrk\n", o);
        snprintf(part, sizeof part, "%s/fz.vmrk", dir);
        append(o, part);
        fclose(o);
    }
    return 0;
}
