/* psyphys analyze on an EDF+D recording with a gap: an event in the gap and one after the end are
 * skipped (listed with the reason in the sidecars), an epoch whose window crosses the gap has no
 * heart-rate response (the grid would bridge the gap), a segment spanning the gap is noted. The
 * HRV windows of analyze and of psyphys hrv: a window in the gap or with less than 85 % of it
 * recorded is n/a with its reason, one crossing the gap with more is analysed with a warning,
 * and each row says how much of it is recorded (recorded_pct). */
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

/* flat: the same recording without its gap (EDF+C, 0 .. 160 s), the ECG flat at 0 mV where the
 * other has none (60 .. 100 s): the same missing data, another kind of gap. */
static const char *write_edf(int flat)
{
    const int n_rec = flat ? 160 : 2 * RUN_S, ann = 64; /* annotation samples (bytes / 2) per record */
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
    field(b + 192, 44, flat ? "EDF+C" : "EDF+D");
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
        double onset = flat || r < RUN_S ? r : 100 + (r - RUN_S);
        unsigned char *p = (unsigned char *)b + hdr + (size_t)r * rec;
        for (int i = 0; i < RATE; i++) {
            double t = onset + (double)i / RATE;
            long v = flat && t >= RUN_S && t < 100 ? 0 : lround(ecg(t) / 5.0 * 32767);
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
    const char *path = write_temp_file(flat ? "flat.edf" : "gaps.edf", b, size);
    free(b);
    return path;
}

static const char *write_edf_d(void) { return write_edf(0); }

/* The line of text starting with start ("\n..."; static, without its newlines), or NULL. */
static const char *line_of(const char *text, const char *start)
{
    static char line[4096];
    const char *p = strstr(text, start);
    if (!p) return NULL;
    p++;
    size_t n = strcspn(p, "\n");
    snprintf(line, sizeof line, "%.*s", (int)n, p);
    return line;
}

static int ends_with(const char *text, const char *end)
{
    size_t n = text ? strlen(text) : 0, m = strlen(end);
    return n >= m && strcmp(text + n - m, end) == 0;
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

static void test_recorded_pct(void **state)
{
    (void)state;
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_open(write_edf_d(), NULL, &r, NULL), PSY_OK);
    assert_true(psy_reader_recorded_pct(r, 10, 30) == 100);
    assert_true(psy_reader_recorded_pct(r, 60, 40) == 0);  /* the gap */
    assert_true(fabs(psy_reader_recorded_pct(r, 40, 30) - 200.0 / 3) < 1e-9);
    assert_true(fabs(psy_reader_recorded_pct(r, 90, 20) - 50) < 1e-9);
    assert_true(psy_reader_recorded_pct(r, 150, 30) == 100); /* after the end: no gap */
    assert_true(psy_reader_recorded_pct(r, 170, 30) == 100); /* wholly after it (r21a finding 5: 0) */
    assert_true(psy_reader_recorded_pct(r, -50, 30) == 100); /* wholly before the start */
    assert_true(psy_reader_recorded_pct(r, 70, 0) == 0 && psy_reader_recorded_pct(r, 30, 0) == 100);
    assert_true(psy_reader_recorded_pct(NULL, 0, 10) == 100);
    psy_reader_close(r);
    assert_string_equal(psy_hrv_window_gap_reason(0), PSY_HRV_WINDOW_IN_GAP_REASON);
    assert_string_equal(psy_hrv_window_gap_reason(84.9), PSY_HRV_WINDOW_OVER_GAP_REASON);
    assert_null(psy_hrv_window_gap_reason(85));
    assert_null(psy_hrv_window_gap_reason(100));
    /* the reasons spell the share the rule takes (r21a finding 9: one literal each, kept together) */
    assert_true(fabs(PSY_HRV_WINDOW_MIN_RECORDED_PCT - 85) < 1e-9);
    assert_non_null(strstr(PSY_HRV_WINDOW_OVER_GAP_REASON, "85 %"));
    assert_non_null(strstr(PSY_HRV_PCST_WINDOW_NA_REASON, "85 %"));
}

/* EDA times lie on the channel's data axis (the stretches concatenated): on EDF+D an event
 * response would compare them with recording times (an SCR at 130 s would sit at 90 s), so it
 * is refused with the reason; a regular channel is not marked. */
static void test_eda_refused(void **state)
{
    (void)state;
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_open(write_edf_d(), NULL, &r, NULL), PSY_OK);
    psy_eda_result *e = NULL;
    assert_int_equal(psy_eda_analyze(r, 0, NULL, PSY_EDA_FAST, &e, NULL), PSY_OK);
    assert_int_equal(e->skips_time, 1);
    double ev[] = {20, 130};
    psy_eda_event_response out[2];
    assert_int_equal(psy_eda_event_responses(e, ev, 2, 1, 4, out), PSY_OK);
    for (int k = 0; k < 2; k++) {
        assert_non_null(out[k].na_reason);
        assert_non_null(strstr(out[k].na_reason, "several stretches"));
        assert_true(isnan(out[k].amplitude_us));
    }
    psy_eda_result_free(e);
    psy_reader_close(r);
}

/* analyze's HRV windows table on the recording's axis: 30-s windows every 10 s over 0 .. 160 s,
 * the gap 60 .. 100 s. */
static void test_analyze_windows(void **state)
{
    (void)state;
    const char *edf = write_edf_d();
    char out[512], path[600];
    snprintf(out, sizeof out, "%s/win", test_tmpdir());
    char *argv[] = {"analyze", (char *)edf, "--hrv-window", "30:10", "-o", out, NULL};
    assert_int_equal(cmd_analyze(6, argv), CLI_OK);
    snprintf(path, sizeof path, "%s/gaps_hrv-windows.tsv", out);
    const char *tsv = slurp(path);
    assert_non_null(tsv);
    assert_non_null(strstr(tsv, "\tdfa_alpha2\trecorded_pct\n"));
    assert_true(ends_with(line_of(tsv, "\n20.000\t"), "\t100.00"));
    /* 30 .. 60 s: the beats cover it to the last one before the gap, 59.6 s: analysed, warned */
    assert_non_null(strstr(tsv, "\n30.000\t30.000\t37\t0.00\t800\t"));
    assert_true(ends_with(line_of(tsv, "\n30.000\t"), "\t98.67"));
    const char *in_gap = line_of(tsv, "\n60.000\t30.000\t");
    assert_non_null(in_gap);
    assert_non_null(strstr(in_gap, "\t0\tn/a\tn/a\t")); /* no NN, nothing */
    assert_true(ends_with(in_gap, "\t0.00"));
    const char *crossing = line_of(tsv, "\n40.000\t30.000\t"); /* 19.6 of its 30 s covered */
    assert_non_null(crossing);
    assert_non_null(strstr(crossing, "\t0\tn/a\tn/a\t")); /* refused: 25 intervals before */
    assert_true(ends_with(crossing, "\t65.33"));
    char *expect = strdup(tsv);
    snprintf(path, sizeof path, "%s/gaps_hrv-windows.json", out);
    const char *side = slurp(path);
    assert_non_null(side);
    assert_non_null(strstr(side, "\"" PSY_HRV_WINDOW_IN_GAP_REASON "\": 2"));
    assert_non_null(strstr(side, "\"" PSY_HRV_WINDOW_OVER_GAP_REASON "\": 4"));
    assert_non_null(strstr(side, "2 HRV window(s) cross a gap")); /* 30 .. 60 s and 100 .. 130 s */
    /* r21a finding 1: the flat ECG of a recording without gaps, the same rows */
    snprintf(out, sizeof out, "%s/winflat", test_tmpdir());
    argv[1] = (char *)write_edf(1);
    assert_int_equal(cmd_analyze(6, argv), CLI_OK);
    snprintf(path, sizeof path, "%s/flat_hrv-windows.tsv", out);
    tsv = slurp(path);
    assert_non_null(tsv);
    const char *rows[] = {"\n40.000\t", "\n60.000\t", "\n70.000\t", "\n90.000\t"};
    for (int i = 0; i < 4; i++) {
        char want[4096];
        snprintf(want, sizeof want, "%s", line_of(expect, rows[i]));
        assert_string_equal(line_of(tsv, rows[i]), want);
    }
    free(expect);
}

/* psyphys hrv's windows count from the first beat (0.4 s): 30.4 .. 60.4 s crosses the gap with
 * 97.33 % covered by intervals (to the last beat before it, 59.6 s: analysed, warned), 60.4 ..
 * 90.4 s and 70.4 .. 100.4 s lie in it (the first beat after it, 100.4 s, ends no interval). */
static void test_hrv_windows(void **state)
{
    (void)state;
    const char *edf = write_edf_d();
    char out[512], path[600];
    snprintf(out, sizeof out, "%s/hrv.tsv", test_tmpdir());
    char *argv[] = {"hrv", (char *)edf, "--window", "30", "--step", "10", "-o", out, NULL};
    assert_int_equal(cmd_hrv(8, argv), CLI_OK);
    const char *tsv = slurp(out);
    assert_non_null(tsv);
    assert_non_null(strstr(tsv, "\tlomb_hf_peak_hz\trecorded_pct\n"));
    const char *crossing = line_of(tsv, "\n30.400000\t30.000000\t37\t0\t800\t");
    assert_non_null(crossing);
    assert_true(ends_with(crossing, "\t97.33"));
    const char *in_gap = line_of(tsv, "\n60.400000\t30.000000\t0\tn/a\tn/a\t");
    assert_non_null(in_gap);
    assert_true(ends_with(in_gap, "\t0.00"));
    assert_null(line_of(tsv, "\n40.400000\t30.000000\t24\t")); /* 65 % recorded: refused */
    snprintf(path, sizeof path, "%s/hrv.json", test_tmpdir());
    const char *side = slurp(path);
    assert_non_null(side);
    assert_non_null(strstr(side, "1 of 13 window(s) cross a gap of the recording"));
    assert_non_null(strstr(side, "\"" PSY_HRV_WINDOW_IN_GAP_REASON "\": 2"));
    assert_non_null(strstr(side, "\"" PSY_HRV_WINDOW_OVER_GAP_REASON "\": 4"));
}

/* r21a finding 1: 40 s of flat ECG in a recording without gaps are as missing as the EDF+D's gap:
 * psyphys hrv refuses the same windows for the same reasons (the intervals' coverage, not the
 * recording's stretches, decides), and says how much of each the beats cover. */
static void test_hrv_windows_flat(void **state)
{
    (void)state;
    const char *edf = write_edf(1);
    char out[512], path[600];
    snprintf(out, sizeof out, "%s/flat.tsv", test_tmpdir());
    char *argv[] = {"hrv", (char *)edf, "--window", "30", "--step", "10", "-o", out, NULL};
    assert_int_equal(cmd_hrv(8, argv), CLI_OK);
    const char *tsv = slurp(out);
    assert_non_null(tsv);
    assert_non_null(strstr(tsv, "\tlomb_hf_peak_hz\trecorded_pct\n"));
    assert_non_null(line_of(tsv, "\n30.400000\t30.000000\t37\t0\t800\t")); /* crossing: analysed */
    const char *in_flat = line_of(tsv, "\n60.400000\t30.000000\t0\tn/a\tn/a\t");
    assert_non_null(in_flat);
    assert_true(ends_with(in_flat, "\t0.00"));
    assert_null(line_of(tsv, "\n40.400000\t30.000000\t24\t")); /* 2/3 covered: refused */
    snprintf(path, sizeof path, "%s/flat.json", test_tmpdir());
    const char *side = slurp(path);
    assert_non_null(side);
    assert_non_null(strstr(side, "\"" PSY_HRV_WINDOW_IN_GAP_REASON "\": 2")); /* as test_hrv_windows' */
    assert_non_null(strstr(side, "\"" PSY_HRV_WINDOW_OVER_GAP_REASON "\": 4"));
}

/* The coverage of a series by its intervals (psy_hrv_covered_pct): beats every 0.8 s, one
 * dropped (a hole of one interval), then none for 20 s. */
static void test_covered_pct(void **state)
{
    (void)state;
    double nn[40], t[40];
    size_t n = 0;
    for (int k = 1; k <= 20; k++) nn[n] = 800, t[n++] = 0.8 * k; /* 0 .. 16 s */
    t[n - 1] += 1.0; /* the beat at 16 s dropped (the next 0.2 s late: clear of the 2-interval limit) */
    for (int k = 0; k < 10; k++) nn[n] = 800, t[n++] = 36.8 + 0.8 * k; /* 36.0 .. 44 s */
    assert_true(psy_hrv_covered_pct(nn, t, n, 1, 10) == 100);
    assert_true(fabs(psy_hrv_covered_pct(nn, t, n, 10, 8) - 75) < 1e-9); /* 15.2 .. 16, 16.8 .. 18 */
    assert_true(psy_hrv_covered_pct(nn, t, n, 20, 10) == 0);
    assert_true(fabs(psy_hrv_covered_pct(nn, t, n, 30, 10) - 40) < 1e-9); /* from 36 s */
    assert_true(psy_hrv_covered_pct(nn, t, n, -0.8, 2) == 100); /* one interval before the first beat */
    assert_true(psy_hrv_covered_pct(nn, t, n, 44, 0.8) == 100);  /* one after the last */
    assert_true(psy_hrv_covered_pct(NULL, t, n, 0, 10) == 0 && psy_hrv_covered_pct(nn, t, n, 0, 0) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_gaps), cmocka_unit_test(test_recorded_pct),
                                       cmocka_unit_test(test_analyze_windows), cmocka_unit_test(test_hrv_windows),
                                       cmocka_unit_test(test_hrv_windows_flat), cmocka_unit_test(test_covered_pct),
                                       cmocka_unit_test(test_eda_refused)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
