/* WFDB reader on records made here: every signal format round-trips, the header's optional
 * fields, annotations with every modifier, and malformed headers, signal and annotation files.
 * Needs no shared data. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

/* ---- encoding test records ---- */

typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, unsigned v)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 256;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    b->p[b->n++] = (unsigned char)(v & 0xFF);
}

/* Packs the flat sample stream v[0..n) in WFDB format fmt (signal(5)). Format 8 stores first
 * differences per slot (slots = samples per frame), from initial value 0. */
static bytes encode(int fmt, const int *v, size_t n, size_t slots)
{
    bytes b = {0};
    int prev[8] = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned u = (unsigned)v[i];
        switch (fmt) {
        case 8:
            put(&b, (unsigned)(v[i] - prev[i % slots]));
            prev[i % slots] = v[i];
            break;
        case 16:
            put(&b, u);
            put(&b, u >> 8);
            break;
        case 61:
            put(&b, u >> 8);
            put(&b, u);
            break;
        case 80: put(&b, u + 128); break;
        case 160:
            put(&b, u + 32768);
            put(&b, (u + 32768) >> 8);
            break;
        case 24:
            put(&b, u);
            put(&b, u >> 8);
            put(&b, u >> 16);
            break;
        case 32:
            put(&b, u);
            put(&b, u >> 8);
            put(&b, u >> 16);
            put(&b, u >> 24);
            break;
        case 212:
            if (i % 2 == 0) {
                unsigned w = i + 1 < n ? (unsigned)v[i + 1] & 0xFFF : 0;
                put(&b, u & 0xFF);
                put(&b, (u >> 8 & 0x0F) | (w >> 8 & 0x0F) << 4);
                if (i + 1 < n) put(&b, w & 0xFF);
            }
            break;
        case 310:
            if (i % 3 == 0) {
                unsigned s0 = u & 0x3FF, s1 = i + 1 < n ? (unsigned)v[i + 1] & 0x3FF : 0,
                         s2 = i + 2 < n ? (unsigned)v[i + 2] & 0x3FF : 0;
                unsigned w0 = s0 << 1 | (s2 & 0x1F) << 11, w1 = s1 << 1 | (s2 >> 5) << 11;
                put(&b, w0);
                put(&b, w0 >> 8);
                if (i + 1 < n) {
                    put(&b, w1);
                    put(&b, w1 >> 8);
                }
            }
            break;
        case 311:
            if (i % 3 == 0) {
                unsigned w = (u & 0x3FF) | (i + 1 < n ? ((unsigned)v[i + 1] & 0x3FF) << 10 : 0) |
                             (i + 2 < n ? ((unsigned)v[i + 2] & 0x3FF) << 20 : 0);
                size_t k = n - i >= 3 ? 4 : n - i == 2 ? 3 : 2;
                for (size_t j = 0; j < k; j++) put(&b, w >> (8 * j));
            }
            break;
        default: fail_msg("no encoder for %d", fmt);
        }
    }
    return b;
}

static int invalid_of(int fmt)
{
    switch (fmt) {
    case 80: return -128;
    case 212: return -2048;
    case 310:
    case 311: return -512;
    case 24: return -8388608;
    case 32: return INT32_MIN;
    case 8: return 0; /* no invalid code */
    default: return -32768;
    }
}

static int max_of(int fmt)
{
    switch (fmt) {
    case 8:
    case 80: return 127;
    case 212: return 2047;
    case 310:
    case 311: return 511;
    case 24: return 8388607;
    case 32: return 2000000000;
    default: return 32767;
    }
}

static psy_status open_path(const char *path, double fs, psy_reader **r, psy_message *why)
{
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    memset(why, 0, sizeof *why);
    return psy_reader_open(path, &opt, r, why);
}

static void expect(const char *path, psy_status want, const char *words)
{
    psy_reader *r = NULL;
    psy_message why;
    psy_status st = open_path(path, 0, &r, &why);
    if (st != want)
        fail_msg("%s: expected '%s', got '%s' (%s)", path, psy_strerror(want), psy_strerror(st), why.text);
    assert_null(r);
    if (!strstr(why.text, words)) fail_msg("'%s' not in '%s'", words, why.text);
}

static const char *write_text(const char *name, const char *text)
{
    return write_temp_file(name, text, strlen(text));
}

/* Signal 0 (spf 1) and signal 1 (spf 3, or 1 for format 8) in one file, nframes frames; values
 * sweep the format's range and include its invalid code. */
static void round_trip(int fmt, int nframes)
{
    int spf1 = fmt == 8 ? 1 : 3, S = 1 + spf1;
    size_t n = (size_t)(nframes * S);
    int *v = calloc(n, sizeof *v);
    int top = max_of(fmt);
    for (size_t i = 0; i < n; i++) v[i] = (int)((long)(i * 7919 % 2001) * (top / 1000) - (long)top) / 2;
    if (fmt == 8) {
        for (size_t i = 0; i < n; i++) v[i] = (int)(i % 2 ? (long)i * 3 : -(long)i * 5); /* steps < 128 */
    } else {
        v[S + 1] = invalid_of(fmt); /* signal 1, frame 1, first sample */
        v[n - 1] = top;
    }
    bytes b = encode(fmt, v, n, (size_t)S);
    write_temp_file("rt.dat", b.p, b.n);
    char hea[256];
    snprintf(hea, sizeof hea,
             "rt 2 100 %d\nrt.dat %d 50(3)/uV 0 0 0\nrt.dat %dx%d 0.5/mmHg 16 -7 0 0 0 pressure\n", nframes,
             fmt, fmt, spf1);
    const char *path = write_text("rt.hea", hea);
    psy_reader *r = NULL;
    psy_message why;
    if (open_path(path, 0, &r, &why) != PSY_OK) fail_msg("format %d: %s", fmt, why.text);
    assert_int_equal(psy_reader_channel_count(r), 2);
    const psy_channel_info *c0 = psy_reader_channel(r, 0), *c1 = psy_reader_channel(r, 1);
    assert_string_equal(c0->label, "signal 0");
    assert_string_equal(c0->unit, "uV");
    assert_string_equal(c1->label, "pressure");
    assert_string_equal(c1->unit, "mmHg");
    assert_true(c1->rate_hz == 100.0 * spf1);
    assert_int_equal(c1->frames, nframes * spf1);
    double *x = malloc(n * sizeof *x);
    for (int ch = 0; ch < 2; ch++) {
        int64_t frames = ch ? (int64_t)nframes * spf1 : nframes;
        /* one call, then a sample at a time backwards: both must give the same */
        assert_int_equal(psy_reader_read(r, ch, 0, frames, x), PSY_OK);
        for (int64_t j = frames - 1; j >= 0; j--) {
            double one;
            assert_int_equal(psy_reader_read(r, ch, j, 1, &one), PSY_OK);
            assert_memory_equal(&one, &x[j], sizeof one);
            int64_t frame = ch ? j / spf1 : j, k = ch ? j % spf1 : 0;
            int d = v[frame * S + (ch ? 1 + k : 0)];
            double want = ch ? (d - (-7)) / 0.5 : (d - 3) / 50.0;
            if (fmt != 8 && d == invalid_of(fmt))
                assert_true(isnan(x[j]));
            else if (fabs(x[j] - want) > 1e-9 * fabs(want) + 1e-12)
                fail_msg("format %d ch %d sample %lld: %g, want %g (digital %d)", fmt, ch, (long long)j, x[j],
                         want, d);
        }
    }
    free(x);
    free(v);
    free(b.p);
    psy_reader_close(r);
}

static void test_formats_round_trip(void **state)
{
    (void)state;
    static const int formats[] = {8, 16, 61, 80, 160, 212, 310, 311, 24, 32};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        round_trip(formats[i], 5);
        round_trip(formats[i], 7);
    }
}

/* Reads that cross cache blocks, forwards and backwards, on a long single-signal 212 file with
 * an odd sample count, a long format-8 (difference) file, a long 2-signal format-16 file
 * (large enough for its code table) and a long 2-signal 212 file read alternately by signal
 * (each signal of a cached block is converted when first read). */
static void test_long_records(void **state)
{
    (void)state;
    for (int pass = 0; pass < 4; pass++) {
        int fmt = pass == 3 ? 212 : pass == 2 ? 16 : pass ? 8 : 212, S = pass ? 2 : 1;
        int nframes = 600001;
        size_t n = (size_t)nframes * (size_t)S;
        int *v = malloc(n * sizeof *v);
        for (size_t i = 0; i < n; i++)
            v[i] = pass == 3 ? (int)(i * 13 % 4095) - 2047
                   : pass == 2 ? (int)(i * 7 % 65535) - 32767
                   : pass    ? (int)((i / 2) % 200 < 100 ? (i / 2) % 200 : 200 - (i / 2) % 200) - 50
                             : (int)(i % 4000) - 2000 + (i % 4000 == 0);
        bytes b = encode(fmt, v, n, (size_t)S);
        write_temp_file("long.dat", b.p, b.n);
        char hea[256];
        snprintf(hea, sizeof hea, "long %d 360 %d\n%s", S, nframes,
                 pass == 3   ? "long.dat 212 1 12 0\nlong.dat 212 1 12 0\n"
                 : pass == 2 ? "long.dat 16 1 16 0\nlong.dat 16 1 16 0\n"
                 : pass    ? "long.dat 8 1 8 0 0\nlong.dat 8 1 8 0 0\n"
                           : "long.dat 212 1 12 0\n");
        psy_reader *r = NULL;
        psy_message why;
        if (open_path(write_text("long.hea", hea), 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
        static const int64_t starts[] = {599990, 262130, 0, 524270, 131060, 300000};
        double x[64];
        size_t n_starts = sizeof starts / sizeof starts[0];
        /* every start for each signal in turn; in pass 3, the signals alternately */
        for (size_t q = 0; q < (size_t)S * n_starts; q++) {
            size_t k = q % n_starts;
            int ch = pass == 3 ? (int)((q + q / n_starts) % 2) : (int)(q / n_starts);
            int64_t cnt = nframes - starts[k] < 11 ? nframes - starts[k] : 11;
            assert_int_equal(psy_reader_read(r, ch, starts[k], cnt, x), PSY_OK);
            for (int64_t i = 0; i < cnt; i++) assert_true(x[i] == v[(starts[k] + i) * S + ch]);
        }
        psy_reader_close(r);
        free(v);
        free(b.p);
    }
}

static void test_header_fields(void **state)
{
    (void)state;
    short d[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    write_temp_file("hf.dat", d, sizeof d);
    const char *path = write_text("hf.hea", "# a comment before the record line\r\n\r\n"
                                            "hf 3 500/1000(20) 4 12:30:15.5 01/02/2020\r\n"
                                            "# and between signal lines\n"
                                            "hf.dat 16:1 0/mV 12 0 1 0 0 ECG lead II\n"
                                            "~ 0 100 12 0 0 0 0 nothing\n"
                                            "hf.dat 16 100(2) 12 0 2 0 0\n"
                                            "# trailing comment\n");
    psy_reader *r = NULL;
    psy_message why;
    if (open_path(path, 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    assert_int_equal(psy_reader_channel_count(r), 3);
    psy_datetime t = psy_reader_start(r);
    assert_true(t.known && t.year == 2020 && t.month == 2 && t.day == 1 && t.hour == 12 && t.minute == 30 &&
                t.second == 15 && t.nanosecond == 500000000);
    assert_string_equal(psy_reader_channel(r, 0)->label, "ECG lead II");
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_ECG);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 500.0);
    /* gain 0: uncalibrated, read with 200 and a warning */
    int warned = 0;
    for (size_t i = 0; i < psy_reader_warning_count(r); i++)
        warned |= strstr(psy_reader_warning(r, i), "uncalibrated") != NULL;
    assert_true(warned);
    double x[4];
    /* skew 1: sample i of signal 0 is stored in frame i + 1; the last one is past the data */
    assert_int_equal(psy_reader_read(r, 0, 0, 4, x), PSY_OK);
    assert_true(x[0] == 3 / 200.0 && x[1] == 5 / 200.0 && x[2] == 7 / 200.0 && isnan(x[3]));
    assert_int_equal(psy_reader_read(r, 1, 0, 4, x), PSY_OK); /* null signal */
    assert_true(isnan(x[0]) && isnan(x[3]));
    assert_int_equal(psy_reader_read(r, 2, 0, 4, x), PSY_OK);
    assert_true(x[0] == 0 && x[1] == 0.02 && x[3] == 0.06);
    psy_reader_close(r);

    /* a signal file longer than the header says: read up to the header's count, with a warning */
    path = write_text("hf.hea", "hf 2 250 3\nhf.dat 16 200 16 0\nhf.dat 16 200 16 0\n");
    if (open_path(path, 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    assert_int_equal(psy_reader_channel(r, 1)->frames, 3);
    assert_int_equal(psy_reader_warning_count(r), 1);
    assert_non_null(strstr(psy_reader_warning(r, 0), "holds 4 frames, more than the header's 3"));
    psy_reader_close(r);

    /* no sample count: taken from the file; no base date: start unknown, with a warning */
    path = write_text("hf.hea", "hf 2 250 0 10:00:00\nhf.dat 16 200 16 0\nhf.dat 16 200 16 0\n");
    if (open_path(path, 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    assert_int_equal(psy_reader_channel(r, 1)->frames, 4);
    assert_int_equal(psy_reader_start(r).known, 0);
    assert_true(psy_reader_warning_count(r) >= 1);
    psy_reader_close(r);

    /* a base date that does not exist (was read as 2021-03-03): start unknown, with a warning */
    path = write_text("hf.hea", "hf 2 250 0 10:00:00 31/02/2021\nhf.dat 16 200 16 0\nhf.dat 16 200 16 0\n");
    if (open_path(path, 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    assert_int_equal(psy_reader_start(r).known, 0);
    assert_true(has_warning(r, "base date '31/02/2021' is malformed"));
    psy_reader_close(r);

    /* the record is found by its name and by its signal file */
    char rec[600];
    snprintf(rec, sizeof rec, "%s/hf", test_tmpdir());
    char *hea = psy_wfdb_header_for_path(rec);
    assert_non_null(hea);
    assert_true(psy_has_suffix_ci(hea, "/hf.hea"));
    free(hea);
    snprintf(rec, sizeof rec, "%s/hf.dat", test_tmpdir());
    hea = psy_wfdb_header_for_path(rec);
    assert_non_null(hea);
    free(hea);
    snprintf(rec, sizeof rec, "%s/nothing-here", test_tmpdir());
    assert_null(psy_wfdb_header_for_path(rec));
}

/* ---- annotations ---- */

static void word(bytes *b, int a, int i)
{
    unsigned w = (unsigned)a << 10 | ((unsigned)i & 0x3FF);
    put(b, w);
    put(b, w >> 8);
}

static bytes sample_annotations(void)
{
    bytes b = {0};
    word(&b, 28, 10); /* + at 10 */
    word(&b, 63, 5); /* AUX "(AFIB" (5 bytes + pad) */
    const char *aux = "(AFIB";
    for (int i = 0; i < 6; i++) put(&b, i < 5 ? (unsigned char)aux[i] : 0);
    word(&b, 1, 90); /* N at 100 */
    word(&b, 61, 3); /* SUB 3 */
    word(&b, 62, 1); /* CHN 1 (stays) */
    word(&b, 60, 2); /* NUM 2 (stays) */
    word(&b, 59, 0); /* SKIP 100000 */
    put(&b, 0x01);
    put(&b, 0x00);
    put(&b, 0xA0);
    put(&b, 0x86); /* 0x000186A0, high word first */
    word(&b, 5, 0); /* V at 100100 */
    word(&b, 14, 1023); /* ~ at 101123 */
    word(&b, 0, 0); /* end */
    return b;
}

static void check_sample_annotations(const psy_reader *r, double rate)
{
    assert_int_equal(psy_reader_event_count(r), 4);
    const psy_event *e = psy_reader_event(r, 0);
    assert_string_equal(e->label, "+");
    assert_string_equal(e->detail, "(AFIB");
    assert_int_equal(e->sample, 10);
    assert_int_equal(e->channel, -1);
    assert_true(e->onset_s == 10 / rate);
    e = psy_reader_event(r, 1);
    assert_string_equal(e->label, "N");
    assert_int_equal(e->sample, 100);
    assert_int_equal(e->subtype, 3);
    assert_int_equal(e->channel, 1);
    assert_int_equal(e->number, 2);
    e = psy_reader_event(r, 2);
    assert_string_equal(e->label, "V");
    assert_int_equal(e->code, 5);
    assert_int_equal(e->sample, 100100);
    assert_int_equal(e->subtype, 0);
    assert_int_equal(e->channel, 1);
    assert_int_equal(e->number, 2);
    e = psy_reader_event(r, 3);
    assert_string_equal(e->label, "~");
    assert_int_equal(e->sample, 101123);
    assert_int_equal(e->source, PSY_EVENTS_WFDB);
}

static void test_annotations(void **state)
{
    (void)state;
    bytes b = sample_annotations();
    short d[4] = {0};
    write_temp_file("an.dat", d, sizeof d);
    write_text("an.hea", "an 1 250 4\nan.dat 16 200 12 0 0 0 0 ECG\n");
    const char *atr = write_temp_file("an.atr", b.p, b.n);
    char atr_path[600];
    snprintf(atr_path, sizeof atr_path, "%s", atr);
    char hea_path[600];
    snprintf(hea_path, sizeof hea_path, "%s/an.hea", test_tmpdir());
    psy_reader *r = NULL;
    psy_message why;
    /* beside the record */
    if (open_path(hea_path, 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    check_sample_annotations(r, 250);
    psy_reader_close(r);
    /* opened directly: the time base comes from an.hea */
    if (open_path(atr_path, 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    assert_int_equal(psy_reader_channel_count(r), 0);
    check_sample_annotations(r, 250);
    psy_reader_close(r);
    /* a second annotator beside the record: both loaded, and said so */
    write_temp_file("an.qrs", b.p, b.n);
    if (open_path(hea_path, 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    assert_int_equal(psy_reader_event_count(r), 8);
    assert_int_equal(psy_reader_warning_count(r), 1);
    assert_non_null(strstr(psy_reader_warning(r, 0), "atr (4), qrs (4)"));
    psy_reader_close(r);

    /* without a header: the caller's rate, else an error asking for it */
    const char *lone = write_temp_file("lone.atr", b.p, b.n);
    expect(lone, PSY_E_INVALID, "--fs");
    if (open_path(lone, 128, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    check_sample_annotations(r, 128);
    assert_true(fabs(psy_reader_duration(r) - 101123 / 128.0) < 1e-9);
    psy_reader_close(r);

    /* cut inside an AUX string, a SKIP and a word */
    lone = write_temp_file("lone.atr", b.p, 6);
    expect(lone, PSY_E_INVALID, "--fs"); /* the rate is asked for before reading */
    psy_source *src = NULL;
    static const size_t cuts[] = {6, 21, 25};
    static const char *const what[] = {"AUX", "SKIP", "inside a word"};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(psy_source_open_memory(b.p, cuts[k], "cut.atr", &src), PSY_OK);
        psy_open_options opt = psy_open_options_default();
        opt.sampling_rate_hz = 360;
        memset(&why, 0, sizeof why);
        assert_int_equal(psy_open_wfdb_annotations(src, &opt, &r, &why), PSY_E_TRUNCATED);
        assert_null(r);
        if (!strstr(why.text, what[k])) fail_msg("'%s' not in '%s'", what[k], why.text);
        psy_source_close(src);
    }
    /* a broken annotation file beside a record: the record opens, the file is skipped, said so */
    write_temp_file("an.qrs", b.p, 21);
    if (open_path(hea_path, 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    assert_int_equal(psy_reader_event_count(r), 4);
    assert_non_null(strstr(psy_reader_warning(r, 0), "an.qrs"));
    psy_reader_close(r);
    free(b.p);
}

/* ---- malformed records ---- */

static void test_malformed_headers(void **state)
{
    (void)state;
    short d[20] = {0};
    write_temp_file("m.dat", d, sizeof d);
    static const struct {
        const char *hea;
        psy_status st;
        const char *words;
    } cases[] = {
        {"m 1 0 10\nm.dat 16\n", PSY_E_FORMAT, "frequency '0'"},
        {"m 1 -360 10\nm.dat 16\n", PSY_E_FORMAT, "frequency '-360'"},
        {"m 1 fast 10\nm.dat 16\n", PSY_E_FORMAT, "frequency 'fast'"},
        {"m 1 nan 10\nm.dat 16\n", PSY_E_FORMAT, "frequency 'nan'"},
        {"m 1 360/0 10\nm.dat 16\n", PSY_E_FORMAT, "counter frequency"},
        {"m 1000000000 360 10\nm.dat 16\n", PSY_E_FORMAT, "number of signals 1000000000"},
        {"m 99999 360 10\nm.dat 16\n", PSY_E_FORMAT, "declares 99999 signals but the header has 1"},
        {"m two 360 10\nm.dat 16\n", PSY_E_FORMAT, "number of signals 'two'"},
        {"m -1 360 10\n", PSY_E_FORMAT, "number of signals -1"},
        {"m 1 360 -10\nm.dat 16\n", PSY_E_FORMAT, "number of samples"},
        {"m 1 360 ten\nm.dat 16\n", PSY_E_FORMAT, "number of samples"},
        {"m 1 360 10\nm.dat 999\n", PSY_E_UNSUPPORTED, "format 999"},
        {"m 1 360 10\nm.dat sixteen\n", PSY_E_FORMAT, "format 'sixteen'"},
        {"m 1 360 10\nm.dat 16x0\n", PSY_E_FORMAT, "samples per frame 0"},
        {"m 1 360 10\nm.dat 16+-4\n", PSY_E_FORMAT, "byte offset is negative"},
        {"m 1 360 10\nm.dat 16 abc/mV\n", PSY_E_FORMAT, "gain 'abc/mV'"},
        {"m 1 360 10\nm.dat 16 200(x)/mV\n", PSY_E_FORMAT, "baseline"},
        {"m 1 360 10\nm.dat 16 200 99\n", PSY_E_FORMAT, "ADC resolution '99'"},
        {"m 1 360 10\nm.dat 16 200 12 zero\n", PSY_E_FORMAT, "ADC zero 'zero'"},
        {"m 1 360 10\nm.dat 16 200 12 0 x\n", PSY_E_FORMAT, "initial value 'x'"},
        {"m 1 360 10\nm.dat 16 200 12 0 0 y\n", PSY_E_FORMAT, "checksum 'y'"},
        {"m 1 360 10\n../m.dat 16\n", PSY_E_FORMAT, "directory part"},
        {"m 1 360 10\n/etc/passwd 16\n", PSY_E_FORMAT, "directory part"},
        {"m 1 360 10\nm.dat 16\nn.dat 16\n", PSY_OK, ""},
        {"m/3 2 360 10\n", PSY_E_UNSUPPORTED, "multi-segment"},
        {"# only a comment\n", PSY_E_FORMAT, "no record line"},
        {"m\n", PSY_E_FORMAT, "no number of signals"},
        {"m 2 360 10\nm.dat 16\nm.dat 212\n", PSY_E_FORMAT, "share file 'm.dat'"},
        {"m 1 360 10\nmissing.dat 16\n", PSY_E_NOT_FOUND, "missing.dat"},
        {"m 1 360 21\nm.dat 16\n", PSY_E_TRUNCATED, "holds 20 frames but the header says 21"},
        {"m 2 360 6\nm.dat 16\nm.dat 16x3\n", PSY_E_TRUNCATED, "holds 5 frames but the header says 6"},
        {"m 1 360 40\nm.dat 212\n", PSY_E_TRUNCATED, "'m.dat' holds 26 frames but the header says 40"},
        {"m 1 360 10\nm.dat 516\n", PSY_E_FORMAT, ""}, /* not FLAC: libsndfile's reason */
        {"m 1 360 9000000000000000000\n~ 0x1000\n", PSY_E_FORMAT, "overflows"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = write_text("m.hea", cases[i].hea);
        if (cases[i].st == PSY_OK) {
            psy_reader *r = NULL;
            psy_message why;
            if (open_path(path, 0, &r, &why) != PSY_OK) fail_msg("case %zu: %s", i, why.text);
            psy_reader_close(r);
            continue;
        }
        expect(path, cases[i].st, cases[i].words);
    }
    /* empty header, forced through the WFDB reader (open.c rejects it earlier on content) */
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_memory("", 0, "e.hea", &src), PSY_OK);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_open_wfdb(src, NULL, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "empty"));
    psy_source_close(src);
    /* binary junk named .hea */
    static const char junk[] = "m 1 360\0\1\2";
    assert_int_equal(psy_source_open_memory(junk, sizeof junk, "j.hea", &src), PSY_OK);
    assert_int_equal(psy_open_wfdb(src, NULL, &r, &why), PSY_E_FORMAT);
    psy_source_close(src);
    /* a memory source has no related files: the signal file is not found */
    static const char mem[] = "m 1 360 10\nm.dat 16\n";
    assert_int_equal(psy_source_open_memory(mem, sizeof mem - 1, "m.hea", &src), PSY_OK);
    assert_int_equal(psy_open_wfdb(src, NULL, &r, &why), PSY_E_NOT_FOUND);
    psy_source_close(src);
}

/* A signal file that shrinks after the record was opened: reads fail, never return junk. */
static void test_file_shrinks(void **state)
{
    (void)state;
    short d[20] = {0};
    write_temp_file("s.dat", d, sizeof d);
    const char *path = write_text("s.hea", "s 1 360 20\ns.dat 16\n");
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_path(path, 0, &r, &why), PSY_OK);
    write_temp_file("s.dat", d, 10);
    double x[20];
    psy_status st = psy_reader_read(r, 0, 0, 20, x);
    assert_true(st == PSY_E_TRUNCATED || st == PSY_E_IO);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats_round_trip), cmocka_unit_test(test_long_records),
        cmocka_unit_test(test_header_fields),      cmocka_unit_test(test_annotations),
        cmocka_unit_test(test_malformed_headers),  cmocka_unit_test(test_file_shrinks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
