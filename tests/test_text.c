/* Delimited text recordings and event files, on files written by the test itself. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "reader_impl.h"
#include "text_lines.h"

static psy_status open_with(const char *path, double fs, const char *sidecar, psy_reader **r,
                            psy_message *why)
{
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    opt.sidecar_path = sidecar;
    memset(why, 0, sizeof *why);
    return psy_reader_open(path, &opt, r, why);
}

static psy_reader *open_ok(const char *path, double fs)
{
    psy_reader *r = NULL;
    psy_message why;
    psy_status st = open_with(path, fs, NULL, &r, &why);
    if (st != PSY_OK) fail_msg("%s: %s (%s)", path, why.text, psy_strerror(st));
    return r;
}

/* Opening must fail with `status` and a message containing `needle`. */
static void expect_failure(const char *name, const char *text, double fs, psy_status status,
                           const char *needle)
{
    const char *path = write_temp_file(name, text, strlen(text));
    psy_reader *r = NULL;
    psy_message why;
    psy_status st = open_with(path, fs, NULL, &r, &why);
    if (st != status || !strstr(why.text, needle))
        fail_msg("%s: got %s '%s', wanted %s '%s'", name, psy_strerror(st), why.text,
                 psy_strerror(status), needle);
    assert_null(r);
}

static const char *write_gz(const char *name, const char *text, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, text, (unsigned)n), (int)n);
    assert_int_equal(gzclose(gz), Z_OK);
    return path;
}

static void read_all(psy_reader *r, int ch, double *out)
{
    const psy_channel_info *c = psy_reader_channel(r, ch);
    assert_non_null(c);
    assert_int_equal(psy_reader_read(r, ch, 0, c->frames, out), PSY_OK);
}

/* Same three rows in every delimiter style. */
static void check_small(const char *name, const char *text)
{
    psy_reader *r = open_ok(write_temp_file(name, text, strlen(text)), 0);
    assert_int_equal(psy_reader_channel_count(r), 2);
    const psy_channel_info *ecg = psy_reader_channel(r, 0), *eda = psy_reader_channel(r, 1);
    assert_string_equal(ecg->label, "ECG");
    assert_int_equal(ecg->type, PSY_CH_ECG);
    assert_string_equal(eda->label, "EDA");
    assert_int_equal(eda->type, PSY_CH_EDA);
    assert_true(fabs(ecg->rate_hz - 100) < 1e-9);
    assert_int_equal(ecg->frames, 3);
    double v[3];
    read_all(r, 0, v);
    assert_true(v[0] == 0.5 && v[1] == -1.25 && v[2] == 2);
    read_all(r, 1, v);
    assert_true(v[0] == 10 && v[1] == 10.5 && v[2] == 11);
    psy_reader_close(r);
}

static void test_delimiters(void **state)
{
    (void)state;
    check_small("tab.txt", "time\tECG\tEDA\n0\t0.5\t10\n0.01\t-1.25\t10.5\n0.02\t2\t11\n");
    check_small("comma.csv", "time,ECG,EDA\n0,0.5,10\n0.01,-1.25,10.5\n0.02,2,11\n");
    check_small("semi.csv", "time;ECG;EDA\n0;0.5;10\n0.01;-1.25;10.5\n0.02;2;11\n");
    check_small("spaces.txt", "  time   ECG  EDA\n0  0.5   10\n 0.01 -1.25 10.5\n0.02\t 2 11  \n");
    check_small("decimal_comma.csv", "Time;ECG;EDA\n0;0,5;10\n0,01;-1,25;10,5\n0,02;2;11\n");
    check_small("crlf_bom.csv", "\xEF\xBB\xBFtime,ECG,EDA\r\n0,0.5,10\r\n0.01,-1.25,10.5\r\n0.02,2,11\r\n");
    check_small("no_final_newline.csv", "time,ECG,EDA\n0,0.5,10\n0.01,-1.25,10.5\n0.02,2,11");
    check_small("trailing_blank_lines.csv", "time,ECG,EDA\n0,0.5,10\n0.01,-1.25,10.5\n0.02,2,11\n\n\n");
    const char *tsv = "time\tECG\tEDA\n0\t1\t2\n0.5\t1\t2\n", *csv = "time,ECG,EDA\n0,1,2\n0.5,1,2\n";
    psy_reader *r = open_ok(write_temp_file("fmt.tsv", tsv, strlen(tsv)), 0);
    assert_string_equal(psy_reader_format(r), "TSV");
    psy_reader_close(r);
    r = open_ok(write_temp_file("fmt.csv", csv, strlen(csv)), 0);
    assert_string_equal(psy_reader_format(r), "CSV");
    assert_true(fabs(psy_reader_channel(r, 0)->rate_hz - 2) < 1e-12);
    psy_reader_close(r);
}

static void test_quoted_and_units(void **state)
{
    (void)state;
    const char *text = "\"ECG (mV)\",\"EDA [uS]\",\"note, free\",\"Skin [kOhm]\"\n"
                       "\"0.25\",\"3\",\"start, eyes \"\"closed\"\"\",\"200\"\n"
                       "1,4,n/a,NA\n"
                       "NaN,5,,400\n";
    psy_reader *r = open_ok(write_temp_file("quoted.csv", text, strlen(text)), 50);
    assert_int_equal(psy_reader_channel_count(r), 3); /* the text column is not a channel */
    const psy_channel_info *c = psy_reader_channel(r, 0);
    assert_string_equal(c->label, "ECG");
    assert_string_equal(c->file_unit, "mV");
    c = psy_reader_channel(r, 1);
    assert_string_equal(c->label, "EDA");
    assert_string_equal(c->unit, "uS");
    c = psy_reader_channel(r, 2);
    assert_string_equal(c->label, "Skin");
    assert_int_equal(c->type, PSY_CH_EDA);
    assert_int_equal(c->conversion, PSY_CONV_RECIPROCAL);
    double v[3];
    read_all(r, 0, v);
    assert_true(v[0] == 0.25 && v[1] == 1 && isnan(v[2]));
    read_all(r, 2, v);
    assert_true(v[0] == 5 && isnan(v[1]) && v[2] == 2.5); /* 1000 / kOhm */
    int warned = 0;
    for (size_t i = 0; i < psy_reader_warning_count(r); i++)
        warned |= strstr(psy_reader_warning(r, i), "note, free") != NULL;
    assert_true(warned);
    psy_reader_close(r);
}

static void test_time_units(void **state)
{
    (void)state;
    static const struct { const char *name, *text; double rate, onset; } cases[] = {
        {"ms.csv", "time_ms,ECG\n1000,1\n1004,2\n1008,3\n1012,4\n", 250, 1.0},
        {"ms2.csv", "Time (ms),ECG\n0,1\n2,2\n4,3\n", 500, 0},
        {"us.csv", "timestamp_us,ECG\n0,1\n1000,2\n2000,3\n", 1000, 0},
        {"sec.csv", "seconds,ECG\n10,1\n10.5,2\n11,3\n", 2, 10},
        {"t.csv", "t,ECG\n0,1\n0.125,2\n0.25,3\n", 8, 0},
        {"ns.csv", "ns,ECG\n0,1\n4000000,2\n8000000,3\n", 250, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        psy_reader *r = open_ok(write_temp_file(cases[i].name, cases[i].text, strlen(cases[i].text)), 0);
        assert_int_equal(psy_reader_channel_count(r), 1);
        const psy_channel_info *c = psy_reader_channel(r, 0);
        if (fabs(c->rate_hz - cases[i].rate) > 1e-9 * cases[i].rate)
            fail_msg("%s: rate %.9g, wanted %g", cases[i].name, c->rate_hz, cases[i].rate);
        double t[2];
        assert_int_equal(psy_reader_read_times(r, 0, 0, 2, t), PSY_OK);
        assert_true(fabs(t[0] - cases[i].onset) < 1e-9);
        assert_true(fabs(t[1] - cases[i].onset - 1 / cases[i].rate) < 1e-9);
        psy_reader_close(r);
    }
    /* Unix epoch in ns (needs int64: beyond 2^53), gives the start date-time. */
    const char *epoch = "time,ECG\n1714920600006020096,1\n1714920600010020096,2\n1714920600014020096,3\n";
    psy_reader *r = open_ok(write_temp_file("epoch.csv", epoch, strlen(epoch)), 0);
    assert_true(fabs(psy_reader_channel(r, 0)->rate_hz - 250) < 1e-6);
    psy_datetime d = psy_reader_start(r);
    assert_int_equal(d.known, 1);
    assert_int_equal(d.year, 2024);
    assert_int_equal(d.month, 5);
    assert_int_equal(d.day, 5);
    assert_int_equal(d.hour, 14);
    assert_int_equal(d.minute, 50);
    assert_int_equal(d.second, 0);
    assert_int_equal(d.nanosecond, 6020096);
    psy_reader_close(r);
    /* A unit-less time column read as seconds at an implausible rate is warned about. */
    const char *ms = "time,ECG\n0,1\n4,2\n8,3\n";
    r = open_ok(write_temp_file("ms_nounit.csv", ms, strlen(ms)), 0);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 0.25);
    assert_int_equal(psy_reader_warning_count(r), 1);
    assert_non_null(strstr(psy_reader_warning(r, 0), "time_ms"));
    psy_reader_close(r);
    /* Jitter is warned about. */
    const char *jit = "time,ECG\n0,1\n0.01,1\n0.03,1\n0.035,1\n0.04,1\n0.06,1\n0.061,1\n0.08,1\n";
    r = open_ok(write_temp_file("jitter.csv", jit, strlen(jit)), 0);
    assert_true(psy_reader_warning_count(r) > 0);
    psy_reader_close(r);
}

static void test_index_column(void **state)
{
    (void)state;
    const char *text = "Unnamed: 0,ECG,RSP\n0,1,2\n1,3,4\n2,5,6\n";
    psy_reader *r = open_ok(write_temp_file("index.csv", text, strlen(text)), 10);
    assert_int_equal(psy_reader_channel_count(r), 2);
    assert_string_equal(psy_reader_channel(r, 0)->label, "ECG");
    assert_int_equal(psy_reader_channel(r, 1)->type, PSY_CH_RESP);
    psy_reader_close(r);
    const char *unnamed = ",ECG\n0,1\n1,3\n2,5\n";
    r = open_ok(write_temp_file("index2.csv", unnamed, strlen(unnamed)), 10);
    assert_int_equal(psy_reader_channel_count(r), 1);
    psy_reader_close(r);
    const char *notindex = "index,ECG\n5,1\n3,3\n9,5\n"; /* not consecutive: data */
    r = open_ok(write_temp_file("index3.csv", notindex, strlen(notindex)), 10);
    assert_int_equal(psy_reader_channel_count(r), 2);
    psy_reader_close(r);
}

static void test_irregular_columns(void **state)
{
    (void)state;
    char text[8192] = "time,ecg,rr,hr\n";
    for (int i = 0; i < 100; i++) {
        char row[64];
        if (i == 10) snprintf(row, sizeof row, "%.2f,%d,812,NA\n", i * 0.01, i);
        else if (i == 50) snprintf(row, sizeof row, "%.2f,%d,790,75\n", i * 0.01, i);
        else if (i == 90) snprintf(row, sizeof row, "%.2f,%d,0.801,\n", i * 0.01, i);
        else snprintf(row, sizeof row, "%.2f,%d,NA,NA\n", i * 0.01, i);
        strcat(text, row);
    }
    psy_reader *r = open_ok(write_temp_file("sparse.csv", text, strlen(text)), 0);
    assert_int_equal(psy_reader_channel_count(r), 3);
    const psy_channel_info *rr = psy_reader_channel(r, 1), *hr = psy_reader_channel(r, 2);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 100);
    assert_int_equal(rr->type, PSY_CH_RR);
    assert_true(rr->rate_hz == 0);
    assert_int_equal(rr->frames, 3);
    assert_string_equal(rr->unit, "ms");
    assert_int_equal(hr->type, PSY_CH_HR);
    assert_int_equal(hr->frames, 1);
    double v[3], t[3];
    read_all(r, 1, v);
    assert_int_equal(psy_reader_read_times(r, 1, 0, 3, t), PSY_OK);
    assert_true(v[0] == 812 && v[1] == 790 && v[2] == 0.801);
    assert_true(fabs(t[0] - 0.1) < 1e-12 && fabs(t[1] - 0.5) < 1e-12 && fabs(t[2] - 0.9) < 1e-12);
    assert_int_equal(psy_reader_read_times(r, 2, 0, 1, t), PSY_OK);
    assert_true(fabs(t[0] - 0.5) < 1e-12);
    psy_reader_close(r);
}

/* 20000 rows x 3 columns: random-order block reads equal a one-shot read, plain and gz. */
static char *make_big(size_t *len)
{
    size_t cap = 20000 * 48 + 64;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o = (size_t)snprintf(text, cap, "ECG,EDA,RSP\n");
    for (int i = 0; i < 20000; i++)
        o += (size_t)snprintf(text + o, cap - o, "%d.5,%d,%s\n", i, -i * 3, i % 7 == 3 ? "" : "0.25");
    *len = o;
    return text;
}

static void check_random_blocks(const char *path)
{
    psy_reader *one = open_ok(path, 250), *r = open_ok(path, 250);
    enum { N = 20000 };
    double *all[3], *got = malloc(N * sizeof *got);
    assert_non_null(got);
    for (int ch = 0; ch < 3; ch++) {
        all[ch] = malloc(N * sizeof **all);
        assert_non_null(all[ch]);
        read_all(one, ch, all[ch]);
        assert_int_equal(psy_reader_channel(one, ch)->frames, N);
    }
    assert_true(all[0][0] == 0.5 && all[0][19999] == 19999.5 && all[1][4096] == -12288);
    assert_true(isnan(all[2][3]) && all[2][4] == 0.25);
    unsigned seed = 12345;
    for (int k = 0; k < 300; k++) {
        seed = seed * 1103515245u + 12345u;
        int ch = (int)(seed >> 8) % 3;
        seed = seed * 1103515245u + 12345u;
        int64_t start = (int64_t)((seed >> 4) % N);
        seed = seed * 1103515245u + 12345u;
        int64_t n = (int64_t)((seed >> 4) % 9000);
        if (k % 10 == 0) start = 4096 - 5, n = 10; /* straddle a checkpoint */
        if (start + n > N) n = N - start;
        assert_int_equal(psy_reader_read(r, ch, start, n, got), PSY_OK);
        for (int64_t i = 0; i < n; i++)
            if (!(got[i] == all[ch][start + i] || (isnan(got[i]) && isnan(all[ch][start + i]))))
                fail_msg("ch %d sample %lld differs", ch, (long long)(start + i));
    }
    assert_int_equal(psy_reader_read(r, 0, 19990, 11, got), PSY_E_RANGE);
    for (int ch = 0; ch < 3; ch++) free(all[ch]);
    free(got);
    psy_reader_close(one);
    psy_reader_close(r);
}

static void test_cache_random_order(void **state)
{
    (void)state;
    size_t len;
    char *text = make_big(&len);
    check_random_blocks(write_temp_file("big.csv", text, len));
    check_random_blocks(write_gz("big.csv.gz", text, len));
    free(text);
}

static void test_gz_equals_plain(void **state)
{
    (void)state;
    const char *text = "time\tECG\tEDA\n0\t0.5\t10\n0.01\t-1.25\t10.5\n0.02\t2\t11\n";
    psy_reader *a = open_ok(write_temp_file("plain.tsv", text, strlen(text)), 0);
    psy_reader *b = open_ok(write_gz("packed.tsv.gz", text, strlen(text)), 0);
    assert_string_equal(psy_reader_format(b), "TSV");
    assert_int_equal(psy_reader_channel_count(a), psy_reader_channel_count(b));
    for (int ch = 0; ch < 2; ch++) {
        double x[3], y[3];
        read_all(a, ch, x);
        read_all(b, ch, y);
        assert_memory_equal(x, y, sizeof x);
        assert_true(psy_reader_channel(a, ch)->rate_hz == psy_reader_channel(b, ch)->rate_hz);
    }
    psy_reader_close(a);
    psy_reader_close(b);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_failure("empty.csv", "", 100, PSY_E_FORMAT, "empty");
    expect_failure("blank.csv", "\n\n  \n", 100, PSY_E_FORMAT, "");
    expect_failure("header_only.csv", "ECG,EDA\n", 100, PSY_E_FORMAT, "no data rows");
    expect_failure("nonnumeric.csv", "ECG,EDA\n1,2\n3,abc\n", 100, PSY_E_FORMAT, "line 3 (row 2), column 'EDA': 'abc'");
    expect_failure("ragged.csv", "ECG,EDA\n1,2\n3,4,5\n", 100, PSY_E_FORMAT, "line 3 has 3 fields");
    expect_failure("ragged2.csv", "ECG,EDA\n1,2\n3\n", 100, PSY_E_FORMAT, "line 3 has 1 fields");
    expect_failure("norate.csv", "ECG,EDA\n1,2\n3,4\n", 0, PSY_E_FORMAT,
                   "no time column and no sampling rate: give --fs");
    expect_failure("backwards.csv", "time,ECG\n0,1\n0.01,2\n0.005,3\n", 0, PSY_E_FORMAT,
                   "line 4: the time column 'time' is not increasing");
    expect_failure("equal.csv", "time,ECG\n0,1\n0,2\n", 0, PSY_E_FORMAT, "not increasing");
    expect_failure("badtime.csv", "time,ECG\n0,1\nsoon,2\n", 0, PSY_E_FORMAT, "'soon' is not a time");
    expect_failure("emptytime.csv", "time,ECG\n0,1\n,2\n", 0, PSY_E_FORMAT, "time column 'time' is empty");
    expect_failure("onerow.csv", "time,ECG\n0,1\n", 0, PSY_E_FORMAT, "one row");
    expect_failure("textonly.csv", "name,city\nann,rome\n", 100, PSY_E_FORMAT, "no numeric columns");
    expect_failure("negrate.csv", "ECG\n1\n", -5, PSY_E_INVALID, "positive");
    /* Absurd widths are refused before any per-column allocation. */
    char *wide = malloc(5000 * 8 + 16);
    assert_non_null(wide);
    size_t o = 0;
    for (int i = 0; i < 5000; i++) o += (size_t)sprintf(wide + o, "c%d,", i);
    strcpy(wide + o - 1, "\n1\n");
    expect_failure("wide.csv", wide, 100, PSY_E_FORMAT, "5000 columns");
    free(wide);
    /* A huge line is refused, not buffered without end. */
    size_t big = (5u << 20);
    char *line = malloc(big + 16);
    assert_non_null(line);
    memcpy(line, "ECG\n", 4);
    memset(line + 4, '1', big);
    line[big + 4] = '\0';
    expect_failure("longline.csv", line, 100, PSY_E_FORMAT, "longer than");
    free(line);
}

static void test_bad_gzip(void **state)
{
    (void)state;
    size_t len;
    char *text = make_big(&len);
    const char *path = write_gz("whole.csv.gz", text, len);
    free(text);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(n > 1000);
    psy_reader *r = NULL;
    psy_message why;
    const char *cut = write_temp_file("cut.csv.gz", buf, n / 2);
    assert_int_equal(open_with(cut, 100, NULL, &r, &why), PSY_E_TRUNCATED);
    assert_non_null(strstr(why.text, "gzip stream truncated"));
    const char *trailer = write_temp_file("notrailer.csv.gz", buf, n - 4);
    assert_int_equal(open_with(trailer, 100, NULL, &r, &why), PSY_E_TRUNCATED);
    buf[n / 2] ^= 0x55;
    buf[n / 2 + 1] ^= 0xAA;
    buf[n / 2 + 7] ^= 0x33;
    const char *bad = write_temp_file("corrupt.csv.gz", buf, n);
    psy_status st = open_with(bad, 100, NULL, &r, &why);
    assert_true(st == PSY_E_FORMAT || st == PSY_E_TRUNCATED);
    assert_non_null(strstr(why.text, "gzip"));
    assert_null(r);
    const unsigned char magic_only[] = {0x1f, 0x8b, 0x08};
    assert_int_equal(open_with(write_temp_file("magic.gz", magic_only, 3), 100, NULL, &r, &why),
                     PSY_E_TRUNCATED);
}

/* ---- BIDS physio ---- */

static void write_bids(const char *prefix, int with_events)
{
    char name[256];
    const char *rows = "0.5\t0.25\t0\n0.75\t0.5\t0\n-1\t1\t5\n1e-3\t2\t5\n";
    snprintf(name, sizeof name, "%s_physio.tsv.gz", prefix);
    write_gz(name, rows, strlen(rows));
    const char *json = "{\"SamplingFrequency\": 50, \"StartTime\": -2.5,\n"
                       " \"Columns\": [\"cardiac\", \"respiratory\", \"trigger\"],\n"
                       " \"cardiac\": {\"Units\": \"mV\"}, \"trigger\": {\"Units\": \"V\"}}\n";
    snprintf(name, sizeof name, "%s_physio.json", prefix);
    write_temp_file(name, json, strlen(json));
    if (!with_events) return;
    const char *ev = "0.04\t0.02\tstim\tA\n-2\tn/a\tstart\tn/a\n";
    snprintf(name, sizeof name, "%s_physioevents.tsv.gz", prefix);
    write_gz(name, ev, strlen(ev));
    const char *evjson = "{\"Columns\": [\"onset\", \"duration\", \"trial_type\", \"cond\"]}";
    snprintf(name, sizeof name, "%s_physioevents.json", prefix);
    write_temp_file(name, evjson, strlen(evjson));
}

static void test_bids_physio(void **state)
{
    (void)state;
    write_bids("sub-01_task-rest", 1);
    char path[512];
    snprintf(path, sizeof path, "%s/sub-01_task-rest_physio.tsv.gz", test_tmpdir());
    psy_reader *r = open_ok(path, 0);
    assert_string_equal(psy_reader_format(r), "BIDS physio");
    assert_int_equal(psy_reader_channel_count(r), 3);
    const psy_channel_info *c = psy_reader_channel(r, 0);
    assert_string_equal(c->label, "cardiac");
    assert_string_equal(c->unit, "mV");
    assert_int_equal(c->type, PSY_CH_PPG);
    assert_true(c->rate_hz == 50);
    assert_int_equal(c->frames, 4);
    assert_int_equal(psy_reader_channel(r, 1)->type, PSY_CH_RESP);
    assert_int_equal(psy_reader_channel(r, 2)->type, PSY_CH_TRIGGER);
    assert_string_equal(psy_reader_channel(r, 2)->unit, "V");
    double v[4], t[4];
    read_all(r, 0, v);
    assert_true(v[0] == 0.5 && v[1] == 0.75 && v[2] == -1 && v[3] == 1e-3);
    read_all(r, 2, v);
    assert_true(v[0] == 0 && v[3] == 5);
    /* StartTime: the first sample sits 2.5 s before the events' time zero. */
    assert_int_equal(psy_reader_read_times(r, 0, 0, 4, t), PSY_OK);
    assert_true(fabs(t[0] + 2.5) < 1e-12 && fabs(t[3] - (-2.5 + 3 / 50.0)) < 1e-12);
    assert_int_equal(psy_reader_event_count(r), 2);
    const psy_event *e = psy_reader_event(r, 0);
    assert_true(e->onset_s == -2);
    assert_true(isnan(e->duration_s));
    assert_string_equal(e->label, "start");
    assert_string_equal(e->detail, "");
    assert_int_equal(e->source, PSY_EVENTS_FILE);
    e = psy_reader_event(r, 1);
    assert_true(e->onset_s == 0.04 && e->duration_s == 0.02);
    assert_string_equal(e->label, "stim");
    assert_string_equal(e->detail, "cond=A");
    psy_reader_close(r);

    /* Missing sidecar: a clear error; an explicit sidecar path works. */
    write_bids("sub-02_task-rest", 0);
    char moved[512], side[512];
    snprintf(path, sizeof path, "%s/sub-02_task-rest_physio.tsv.gz", test_tmpdir());
    snprintf(side, sizeof side, "%s/sub-02_task-rest_physio.json", test_tmpdir());
    snprintf(moved, sizeof moved, "%s/elsewhere.json", test_tmpdir());
    assert_int_equal(rename(side, moved), 0);
    psy_message why;
    assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "sub-02_task-rest_physio.json"));
    assert_int_equal(open_with(path, 0, moved, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 0);
    assert_int_equal(psy_reader_channel(r, 1)->frames, 4);
    psy_reader_close(r);

    /* A CSV with a header row described by a JSON sidecar: the header line is skipped. */
    const char *hdr = "cardiac,respiratory\n1,2\n3,4\n5,6\n";
    const char *side_json = "{\"SamplingFrequency\": 20, \"Columns\": [\"ECG\", \"RSP\"]}";
    snprintf(path, sizeof path, "%s", write_temp_file("with_header.csv", hdr, strlen(hdr)));
    snprintf(side, sizeof side, "%s", write_temp_file("with_header.json", side_json, strlen(side_json)));
    assert_int_equal(open_with(path, 0, side, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_channel_count(r), 2);
    assert_string_equal(psy_reader_format(r), "CSV");
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_ECG);
    assert_int_equal(psy_reader_channel(r, 1)->frames, 3);
    assert_true(psy_reader_channel(r, 1)->rate_hz == 20);
    assert_true(psy_reader_warning_count(r) >= 2); /* no StartTime; the header line */
    psy_reader_close(r);

    /* A sidecar without a sampling frequency is refused. */
    const char *nofs = "{\"StartTime\": 0, \"Columns\": [\"cardiac\"]}";
    write_gz("sub-03_physio.tsv.gz", "1\n2\n", 4);
    write_temp_file("sub-03_physio.json", nofs, strlen(nofs));
    snprintf(path, sizeof path, "%s/sub-03_physio.tsv.gz", test_tmpdir());
    assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "SamplingFrequency"));
    /* Rows wider than "Columns" are ragged. */
    const char *one = "{\"SamplingFrequency\": 10, \"StartTime\": 0, \"Columns\": [\"cardiac\"]}";
    write_gz("sub-04_physio.tsv.gz", "1\t2\n", 4);
    write_temp_file("sub-04_physio.json", one, strlen(one));
    snprintf(path, sizeof path, "%s/sub-04_physio.tsv.gz", test_tmpdir());
    assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "ragged"));
    /* Broken JSON. */
    write_gz("sub-05_physio.tsv.gz", "1\n", 2);
    write_temp_file("sub-05_physio.json", "{\"Columns\": [", 13);
    snprintf(path, sizeof path, "%s/sub-05_physio.tsv.gz", test_tmpdir());
    assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "JSON"));
}

/* ---- event files ---- */

static psy_reader *small_recording(void)
{
    const char *text = "ECG\n1\n2\n3\n4\n";
    return open_ok(write_temp_file("rec.csv", text, strlen(text)), 1);
}

static psy_status load_events_text(psy_reader *r, const char *name, const char *text, double offset,
                                   psy_message *why)
{
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_path(write_temp_file(name, text, strlen(text)), &src), PSY_OK);
    memset(why, 0, sizeof *why);
    psy_status st = psy_reader_load_events(r, src, offset, why);
    psy_source_close(src);
    return st;
}

static void test_events_bids(void **state)
{
    (void)state;
    psy_reader *r = small_recording();
    psy_message why;
    const char *bids = "onset\tduration\ttrial_type\tvalue\tresponse_time\n"
                       "3.5\t1\tnegative\t4\tn/a\n"
                       "1.25\tn/a\tneutral\tn/a\t0.8\n"
                       "2\t0\tn/a\t7\tn/a\n"
                       "n/a\t1\tlost\tn/a\tn/a\n";
    assert_int_equal(load_events_text(r, "sub-01_events.tsv", bids, 0.5, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 3);
    const psy_event *e = psy_reader_event(r, 0);
    assert_true(e->onset_s == 1.75);
    assert_true(isnan(e->duration_s));
    assert_string_equal(e->label, "neutral");
    assert_string_equal(e->detail, "response_time=0.8");
    e = psy_reader_event(r, 1);
    assert_true(e->onset_s == 2.5 && e->duration_s == 0);
    assert_string_equal(e->label, "7"); /* trial_type n/a: the value labels it */
    e = psy_reader_event(r, 2);
    assert_true(e->onset_s == 4.0 && e->duration_s == 1);
    assert_string_equal(e->label, "negative");
    assert_string_equal(e->detail, "value=4");
    assert_int_equal(e->source, PSY_EVENTS_FILE);
    assert_int_equal(e->sample, -1);
    assert_true(psy_reader_warning_count(r) > 0); /* the n/a onset */

    /* CSV markers loaded afterwards merge in onset order. */
    const char *csv = "Time,Marker,Subject\n0.1,\"go, now\",s1\n3.0,stop,s1\n";
    assert_int_equal(load_events_text(r, "markers.csv", csv, 0, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 5);
    assert_string_equal(psy_reader_event(r, 0)->label, "go, now");
    assert_string_equal(psy_reader_event(r, 0)->detail, "Subject=s1");
    assert_true(psy_reader_event(r, 3)->onset_s == 3.0);
    assert_string_equal(psy_reader_event(r, 3)->label, "stop");
    for (size_t i = 1; i < psy_reader_event_count(r); i++)
        assert_true(psy_reader_event(r, i - 1)->onset_s <= psy_reader_event(r, i)->onset_s);

    /* Without a label column the first text column labels. */
    const char *plain = "latency;what;code\n0.5;blink;3\n";
    assert_int_equal(load_events_text(r, "plain.csv", plain, 0, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 6);
    assert_string_equal(psy_reader_event(r, 1)->label, "blink");
    assert_string_equal(psy_reader_event(r, 1)->detail, "code=3");

    /* Errors add nothing. */
    assert_int_equal(load_events_text(r, "noonset.tsv", "when\tlabel\n1\ta\n", 0, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "no onset column"));
    assert_non_null(strstr(why.text, "when, label"));
    assert_int_equal(load_events_text(r, "badonset.tsv", "onset\tlabel\n1\ta\nlater\tb\n", 0, &why),
                     PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "line 3: onset 'later'"));
    assert_int_equal(load_events_text(r, "ragged.tsv", "onset\tlabel\n1\ta\t3\n", 0, &why), PSY_E_FORMAT);
    assert_int_equal(load_events_text(r, "empty.tsv", "", 0, &why), PSY_E_FORMAT);
    assert_int_equal(psy_reader_event_count(r), 6);

    /* A negative duration is not a duration: n/a, with a warning that counts them. */
    size_t warnings = psy_reader_warning_count(r);
    assert_int_equal(load_events_text(r, "negdur.tsv", "onset\tduration\tlabel\n1.5\t-2\tback\n", 0, &why),
                     PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 7);
    assert_string_equal(psy_reader_event(r, 2)->label, "back");
    assert_true(isnan(psy_reader_event(r, 2)->duration_s));
    assert_int_equal(psy_reader_warning_count(r), warnings + 1);
    assert_non_null(strstr(psy_reader_warning(r, warnings), "negative duration"));

    /* Control characters in a label are shown as '?', with a warning that counts the events. */
    warnings = psy_reader_warning_count(r);
    assert_int_equal(load_events_text(r, "ctrl.tsv", "onset\tlabel\n40\tbe\001ep\n41\tfine\n", 0, &why), PSY_OK);
    assert_string_equal(psy_reader_event(r, psy_reader_event_count(r) - 2)->label, "be?ep");
    assert_int_equal(psy_reader_warning_count(r), warnings + 1);
    assert_non_null(strstr(psy_reader_warning(r, warnings), "1 events with control characters"));

    /* Gzipped events read the same. */
    const char *gzev = "onset\tduration\ttrial_type\n2.25\t0.5\tx\n";
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_path(write_gz("ev.tsv.gz", gzev, strlen(gzev)), &src), PSY_OK);
    assert_int_equal(psy_reader_load_events(r, src, 0, &why), PSY_OK);
    psy_source_close(src);
    assert_int_equal(psy_reader_event_count(r), 10);
    psy_reader_close(r);
}

static psy_status load_events_with(psy_reader *r, const char *name, const char *text, const psy_events_options *o,
                                   psy_events_info *info, psy_message *why)
{
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_path(write_temp_file(name, text, strlen(text)), &src), PSY_OK);
    memset(why, 0, sizeof *why);
    psy_status st = psy_reader_load_events_with(r, src, o, info, why);
    psy_source_close(src);
    return st;
}

/* Which column holds what: reported; decided once from the header; ambiguity refused. */
static void test_events_columns(void **state)
{
    (void)state;
    psy_reader *r = small_recording();
    psy_message why;
    psy_events_info info;
    /* common names: time, dur, cond; a row without an onset is reported with its line */
    assert_int_equal(load_events_with(r, "tdc.csv", "time,dur,cond\n2,1,A\nn/a,1,lost\n3,0.5,B\n", NULL, &info, &why),
                     PSY_OK);
    assert_string_equal(info.onset_column, "time");
    assert_string_equal(info.duration_column, "dur");
    assert_string_equal(info.label_column, "cond");
    assert_int_equal(info.n_events, 2);
    assert_int_equal(info.n_unplaced, 1);
    assert_int_equal(info.unplaced[0].line, 3);
    assert_string_equal(info.unplaced[0].label, "lost");
    assert_non_null(strstr(info.unplaced[0].reason, "no onset"));
    assert_true(psy_reader_event(r, 0)->duration_s == 1);
    /* start, length, name: the event has its duration */
    assert_int_equal(load_events_with(r, "sln.csv", "start,length,name\n1.5,2,S\n", NULL, &info, &why), PSY_OK);
    assert_string_equal(info.duration_column, "length");
    assert_true(psy_reader_event(r, 0)->onset_s == 1.5 && psy_reader_event(r, 0)->duration_s == 2);
    /* no label column: each row's first text cell labels, reported as none */
    assert_int_equal(load_events_with(r, "plain.csv", "latency;what\n0.5;blink\n", NULL, &info, &why), PSY_OK);
    assert_string_equal(info.label_column, "");
    assert_string_equal(info.duration_column, "");
    size_t n = psy_reader_event_count(r);
    /* two candidates for a role: refused, nothing added, the role named */
    assert_int_equal(load_events_with(r, "two.csv", "time,start\n1,2\n", NULL, &info, &why), PSY_E_FORMAT);
    assert_string_equal(info.ambiguous, "onset");
    assert_non_null(strstr(why.text, "'time' and 'start'"));
    assert_int_equal(load_events_with(r, "tv.tsv", "onset\ttype\tvalue\n1\ta\tb\n", NULL, &info, &why),
                     PSY_E_FORMAT);
    assert_string_equal(info.ambiguous, "label");
    assert_int_equal(psy_reader_event_count(r), n);
    /* the BIDS names decide without ambiguity; the caller's names decide any file */
    assert_int_equal(load_events_with(r, "bids.tsv", "onset\ttime\ttrial_type\tvalue\n1\t9\tgo\t3\n", NULL, &info,
                                      &why), PSY_OK);
    assert_string_equal(info.onset_column, "onset");
    assert_string_equal(info.label_column, "trial_type");
    psy_events_options o = psy_events_options_default();
    o.onset_column = "START", o.label_column = "value", o.offset_s = 10;
    assert_int_equal(load_events_with(r, "two2.csv", "time,start,type,value\n1,2,a,b\n", &o, &info, &why), PSY_OK);
    assert_string_equal(info.onset_column, "start");
    assert_string_equal(info.label_column, "value");
    const psy_event *e = psy_reader_event(r, psy_reader_event_count(r) - 1);
    assert_true(e->onset_s == 12);
    assert_string_equal(e->label, "b");
    assert_string_equal(e->detail, "time=1;type=a");
    o = psy_events_options_default();
    o.duration_column = "len";
    assert_int_equal(load_events_with(r, "miss.csv", "onset,dur\n1,2\n", &o, &info, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "no column 'len' (for the duration); columns: onset, dur"));
    psy_reader_close(r);
}

static psy_status load_events_unix(psy_reader *r, const char *name, const char *text, const psy_events_options *o,
                                   double *shift, psy_message *why)
{
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_path(write_temp_file(name, text, strlen(text)), &src), PSY_OK);
    memset(why, 0, sizeof *why);
    psy_status st = psy_reader_load_events_unix(r, src, o, NULL, shift, why);
    psy_source_close(src);
    return st;
}

/* Onsets that are all Unix times (psy_reader_load_events_unix): moved to the recording's start;
 * with one onset from the start, or by psy_reader_load_events_with, left alone; no known start:
 * refused. */
static void test_events_unix_time(void **state)
{
    (void)state;
    const char *rec = "time,ECG\n1700000000.5,1\n1700000001.0,2\n1700000001.5,3\n1700000002.0,4\n";
    psy_reader *r = open_ok(write_temp_file("unix.csv", rec, strlen(rec)), 0);
    assert_true(psy_reader_start_unix(r) == 1700000000.5);
    assert_true(psy_sync_start_unix(r) == psy_reader_start_unix(r));
    psy_message why;
    psy_events_info info;
    const char *ev = "onset,duration,trial_type\n1700000300.5,290,talk\n1700000010.25,10,rest\n";
    /* the plain loader: onsets stay as they are */
    assert_int_equal(load_events_with(r, "u0.csv", ev, NULL, &info, &why), PSY_OK);
    assert_true(psy_reader_event(r, 1)->onset_s == 1700000300.5);
    psy_reader_close(r);

    r = open_ok(write_temp_file("unix.csv", rec, strlen(rec)), 0);
    psy_events_options o = psy_events_options_default();
    o.offset_s = 1; /* applied before the test and kept */
    double shift = 0;
    assert_int_equal(load_events_unix(r, "u1.csv", ev, &o, &shift, &why), PSY_OK);
    assert_true(shift == -1700000000.5);
    assert_int_equal(psy_reader_event_count(r), 2);
    assert_true(psy_reader_event(r, 0)->onset_s == 10.75);
    assert_string_equal(psy_reader_event(r, 0)->label, "rest");
    assert_true(psy_reader_event(r, 1)->onset_s == 301);
    assert_true(psy_reader_event(r, 1)->duration_s == 290);
    /* one onset in seconds from the start: the file is read as such */
    assert_int_equal(load_events_unix(r, "u2.csv", "onset,trial_type\n1700000300,a\n5,b\n", NULL, &shift, &why),
                     PSY_OK);
    assert_true(isnan(shift));
    assert_true(psy_reader_event(r, 0)->onset_s == 5);
    psy_reader_close(r);

    /* a recording without a start: Unix onsets refused, nothing added */
    r = small_recording();
    assert_true(isnan(psy_reader_start_unix(r)));
    assert_true(isnan(psy_reader_start_unix(NULL)));
    assert_int_equal(load_events_unix(r, "u3.csv", ev, NULL, &shift, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "Unix times"));
    assert_int_equal(psy_reader_event_count(r), 0);
    /* ... but onsets from its start are fine (shift may be NULL) */
    assert_int_equal(load_events_unix(r, "u4.csv", "onset,trial_type\n2,a\n", NULL, NULL, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 1);
    psy_reader_close(r);
}

/* The fast number path gives strtod's value bit for bit, and the same accept/refuse answers. */
static void test_number_parsing(void **state)
{
    (void)state;
    static const char *const fixed[] = {"0", "-0", "1.", ".5", "-.25", "+3", "13.196867709029974",
        "0.1", "1e22", "1e23", "123456789012345678", "1234567890123456789", "9007199254740993",
        "0.000000000000000000001", "1.5e-300", "2.5E+3", " 7 ", "4.9e-324", "1e400", "",
        "-", ".", "e5", "1e", "1e+", "0x10", "1,5", "nan", "inf", "1 2", "--1", "1.2.3"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        double a = 0, b = 0;
        int ra = text_parse_number(fixed[i], strlen(fixed[i]), &a);
        int rb = psy_parse_double(fixed[i], strlen(fixed[i]), &b);
        if (ra != rb || (ra && memcmp(&a, &b, sizeof a) != 0))
            fail_msg("'%s': fast %d %.17g, general %d %.17g", fixed[i], ra, a, rb, b);
    }
    unsigned seed = 7;
    char buf[64];
    for (int k = 0; k < 200000; k++) {
        seed = seed * 1103515245u + 12345u;
        unsigned a = seed >> 3;
        seed = seed * 1103515245u + 12345u;
        int decimals = (int)(seed >> 20) % 12, e = (int)(seed >> 8) % 40 - 20;
        snprintf(buf, sizeof buf, k % 3 ? "%s%u.%0*u" : "%s%u.%0*ue%d", k % 2 ? "-" : "", a % 100000,
                 decimals, (a / 7) % 1000000, e);
        double x, y = strtod(buf, NULL);
        assert_int_equal(text_parse_number(buf, strlen(buf), &x), 1);
        if (memcmp(&x, &y, sizeof x) != 0) fail_msg("'%s': %.17g vs strtod %.17g", buf, x, y);
    }
}

static void test_more_layouts(void **state)
{
    (void)state;
    /* One column whose name has a space: not blank-separated. */
    const char *one = "Skin conductance (uS)\n1.5\n2.5\n";
    psy_reader *r = open_ok(write_temp_file("onecol.csv", one, strlen(one)), 4);
    assert_int_equal(psy_reader_channel_count(r), 1);
    assert_string_equal(psy_reader_channel(r, 0)->label, "Skin conductance");
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_EDA);
    psy_reader_close(r);
    /* Two gzip members back to back read as one stream (gzip(1) semantics). */
    char path[600];
    const char *p1 = write_gz("m1.gz", "ECG\n1\n2\n", 8);
    FILE *f = fopen(p1, "rb");
    assert_non_null(f);
    unsigned char a[256], b[256];
    size_t na = fread(a, 1, sizeof a, f);
    fclose(f);
    const char *p2 = write_gz("m2.gz", "3\n4\n", 4);
    f = fopen(p2, "rb");
    assert_non_null(f);
    size_t nb = fread(b, 1, sizeof b, f);
    fclose(f);
    memcpy(a + na, b, nb);
    snprintf(path, sizeof path, "%s", write_temp_file("two_members.csv.gz", a, na + nb));
    r = open_ok(path, 10);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 4);
    double v[4];
    read_all(r, 0, v);
    assert_true(v[0] == 1 && v[3] == 4);
    psy_reader_close(r);
    /* A header that is data: columns named by number, with a warning. */
    const char *nohdr = "1,2\n3,4\n";
    r = open_ok(write_temp_file("nohdr.csv", nohdr, strlen(nohdr)), 10);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 2);
    assert_string_equal(psy_reader_channel(r, 1)->label, "2");
    assert_true(psy_reader_warning_count(r) > 0);
    psy_reader_close(r);
}

static void test_bids_bad_rates(void **state)
{
    (void)state;
    static const char *const sidecars[] = {
        "{\"SamplingFrequency\": 0, \"StartTime\": 0, \"Columns\": [\"cardiac\"]}",
        "{\"SamplingFrequency\": -100, \"StartTime\": 0, \"Columns\": [\"cardiac\"]}",
        "{\"SamplingFrequency\": \"100\", \"StartTime\": 0, \"Columns\": [\"cardiac\"]}",
        "{\"SamplingFrequency\": 1e300, \"StartTime\": 0, \"Columns\": [\"cardiac\"]}",
        "{\"SamplingFrequency\": 100, \"StartTime\": \"now\", \"Columns\": [\"cardiac\"]}",
        "{\"SamplingFrequency\": 100, \"StartTime\": 0, \"Columns\": []}",
        "{\"SamplingFrequency\": 100, \"StartTime\": 0, \"Columns\": [3]}",
        "[1, 2]"};
    static const char *const needles[] = {"SamplingFrequency", "SamplingFrequency",
        "SamplingFrequency", "SamplingFrequency", "StartTime", "Columns", "Columns", "object"};
    for (size_t i = 0; i < sizeof sidecars / sizeof sidecars[0]; i++) {
        char name[64], path[512];
        snprintf(name, sizeof name, "sub-9%zu_physio.tsv.gz", i);
        write_gz(name, "1\n2\n", 4);
        snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
        snprintf(name, sizeof name, "sub-9%zu_physio.json", i);
        write_temp_file(name, sidecars[i], strlen(sidecars[i]));
        psy_reader *r = NULL;
        psy_message why;
        assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_E_FORMAT);
        if (!strstr(why.text, needles[i])) fail_msg("sidecar %zu: '%s'", i, why.text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delimiters),       cmocka_unit_test(test_quoted_and_units),
        cmocka_unit_test(test_time_units),       cmocka_unit_test(test_index_column),
        cmocka_unit_test(test_irregular_columns), cmocka_unit_test(test_cache_random_order),
        cmocka_unit_test(test_gz_equals_plain),  cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_bad_gzip),         cmocka_unit_test(test_bids_physio),
        cmocka_unit_test(test_events_bids),      cmocka_unit_test(test_events_columns),      cmocka_unit_test(test_events_unix_time),      cmocka_unit_test(test_number_parsing),
        cmocka_unit_test(test_more_layouts),     cmocka_unit_test(test_bids_bad_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
