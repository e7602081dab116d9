/* psyphys analyze on an EDF+D recording with a gap: an event in the gap and one after the end are
 * skipped (listed with the reason in the sidecars), an epoch whose window crosses the gap has no
 * heart-rate response (the grid would bridge the gap), a segment spanning the gap is noted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "cli.h"

#define RATE 200
#define RUN_S 60 /* two runs of 60 one-second records: 0 .. 60 s and 100 .. 160 s */

static void field(char *p, size_t w, const char *text)
{
    memset(p, ' ', w);
    memcpy(p, text, strlen(text) < w ? strlen(text) : w);
}

/* An ECG of QRS-like pulses every 0.8 s (mV), at recording time t. */
static double ecg(double t)
{
    double d = fmod(t, 0.8) - 0.4;
    return exp(-0.5 * (d / 0.012) * (d / 0.012)) + 0.25 * exp(-0.5 * ((d - 0.25) / 0.05) * ((d - 0.25) / 0.05));
}

static const char *write_edf_d(void)
{
    const int n_rec = 2 * RUN_S, ann = 64; /* annotation samples (bytes / 2) per record */
    size_t hdr = 256 * 3, rec = (size_t)(RATE + ann) * 2, size = hdr + (size_t)n_rec * rec;
    char *b = calloc(size, 1);
    char num[32];
    field(b, 8, "0");
    field(b + 8, 80, "X X X X");
    field(b + 88, 80, "Startdate 01-JAN-2024 X X X");
    field(b + 168, 8, "01.01.24");
    field(b + 176, 8, "10.00.00");
    snprintf(num, sizeof num, "%zu", hdr);
    field(b + 184, 8, num);
    field(b + 192, 44, "EDF+D");
    snprintf(num, sizeof num, "%d", n_rec);
    field(b + 236, 8, num);
    field(b + 244, 8, "1");
    field(b + 252, 4, "2");
    char *s = b + 256;
    field(s, 16, "ECG"), field(s + 16, 16, "EDF Annotations");
    field(s + 32, 80, ""), field(s + 112, 80, "");
    field(s + 192, 8, "mV"), field(s + 200, 8, "");
    field(s + 208, 8, "-5"), field(s + 216, 8, "-1");
    field(s + 224, 8, "5"), field(s + 232, 8, "1");
    field(s + 240, 8, "-32768"), field(s + 248, 8, "-32768");
    field(s + 256, 8, "32767"), field(s + 264, 8, "32767");
    field(s + 272, 80, ""), field(s + 352, 80, "");
    snprintf(num, sizeof num, "%d", RATE);
    field(s + 432, 8, num);
    snprintf(num, sizeof num, "%d", ann);
    field(s + 440, 8, num);
    field(s + 448, 32, ""), field(s + 480, 32, "");
    for (int r = 0; r < n_rec; r++) {
        double onset = r < RUN_S ? r : 100 + (r - RUN_S);
        unsigned char *p = (unsigned char *)b + hdr + (size_t)r * rec;
        for (int i = 0; i < RATE; i++) {
            long v = lround(ecg(onset + (double)i / RATE) / 5.0 * 32767);
            p[2 * i] = (unsigned char)(v & 0xff), p[2 * i + 1] = (unsigned char)((v >> 8) & 0xff);
        }
        char *tal = (char *)p + 2 * RATE;
        int n = snprintf(tal, (size_t)ann * 2, "+%g%c%c", onset, 0x14, 0x14) + 1; /* time keeping + NUL */
        if (r == 0) {
            static const char events[] = "+30\x14Stim\x14\0+55\x14" "Edge\x14\0+80\x14InGap\x14\0"
                                         "+170\x14Late\x14\0+40\x15" "80\x14Phase\x14";
            memcpy(tal + n, events, sizeof events);
        }
    }
    const char *path = write_temp_file("gaps.edf", b, size);
    free(b);
    return path;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_gaps(void **state)
{
    (void)state;
    const char *edf = write_edf_d();
    char out[512], path[600];
    snprintf(out, sizeof out, "%s/res", test_tmpdir());
    char *argv[] = {"analyze", (char *)edf, "-o", out, NULL};
    assert_int_equal(cmd_analyze(4, argv), CLI_OK);
    snprintf(path, sizeof path, "%s/gaps_epochs.json", out);
    const char *side = slurp(path);
    assert_non_null(side);
    assert_non_null(strstr(side, "\"label\": \"InGap\""));
    assert_non_null(strstr(side, "it lies in a gap of the recording (no data from 60.000 to 100.000 s): no epoch"));
    assert_non_null(strstr(side, "\"label\": \"Late\""));
    assert_non_null(strstr(side, "it lies outside the recording (0 .. 160.000 s): no epoch"));
    assert_non_null(strstr(side, "epoch 'Edge' at 55.000 s: heart rate n/a (the epoch window crosses a gap of the recording)"));
    assert_non_null(strstr(side, "segment 'Phase' (40.000 .. 120.000 s) spans a gap of the recording"));
    assert_null(strstr(side, "\"label\": \"Stim\"")); /* kept */
    snprintf(path, sizeof path, "%s/gaps_epochs.tsv", out);
    const char *tsv = slurp(path);
    assert_non_null(tsv);
    assert_non_null(strstr(tsv, "\nStim\t30.000000\t75.0")); /* RR 0.8 s: 75 bpm */
    assert_non_null(strstr(tsv, "\nEdge\t55.000000\tn/a\t"));
    assert_non_null(strstr(tsv, "\nPhase\t40.000000\t"));
    assert_null(strstr(tsv, "InGap"));
    assert_null(strstr(tsv, "Late"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_gaps)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
