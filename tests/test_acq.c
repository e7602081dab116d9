/* AcqKnowledge reader on files written here (tests/lab_writers.c): revisions 3.8.1 (little- and
 * big-endian), 4.1 and 5.0.1, compressed and not, channels at three dividers with partial last
 * patterns, a float channel, scale/offset, markers, journal; then hostile variants (every
 * truncation, lying sizes, huge counts). Needs no shared data. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_writers.h"

enum { NCH = 4 };

static const char *const labels[NCH] = {"ECG lead II", "EDA - GSR100C", "RESP - RSP100C",
                                        "EDA filtered, differentiated"};
static const char *const units[NCH] = {"mV", "microsiemens", "Volts", "microsiemens"};
static const int dividers[NCH] = {1, 2, 4, 1};
static const int is_float[NCH] = {0, 0, 0, 1};
static const int64_t frames[NCH] = {1003, 502, 251, 1001};
static const double scale[NCH] = {0.001, 0.0015, 0.0003, 1}, offset[NCH] = {0, 0.25, -1, 0};

static double raw_value(int c, int64_t i, void *ctx)
{
    (void)ctx;
    if (c == 3) return sin((double)i * 0.01) * 2.5;
    return (double)(((c + 1) * 37 + i * 7) % 2000 - 1000);
}

static const lab_acq_marker markers[] = {
    {0, -1, "apnd", "Segment 1"}, {500, 2, "flag", "Stim A"}, {900, 2, "scr ", "EDA Peak"}};

static lab_acq spec(int revision, int big_endian, int compressed)
{
    lab_acq a = {revision,
                 big_endian,
                 compressed,
                 0.5,
                 NCH,
                 labels,
                 units,
                 dividers,
                 is_float,
                 frames,
                 scale,
                 offset,
                 raw_value,
                 NULL,
                 markers,
                 3,
                 revision >= 108
                     ? "<html><head><style>p {}</style></head><body><p>Hello &amp; bye</p></body></html>"
                     : "Line one\r\nLine two"};
    return a;
}

static const char *write_acq(const char *name, const lab_acq *a)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    assert_int_equal(lab_write_acq(path, a), 0);
    return path;
}

static void check_file(const char *path, const lab_acq *a)
{
    psy_reader *r = open_or_fail(path);
    assert_int_equal(psy_reader_channel_count(r), NCH);
    assert_string_equal(psy_reader_format(r), a->compressed ? "AcqKnowledge (compressed)" : "AcqKnowledge");
    static const psy_channel_type types[NCH] = {PSY_CH_ECG, PSY_CH_EDA, PSY_CH_RESP, PSY_CH_OTHER};
    static const char *const want_units[NCH] = {"mV", "uS", "Volts", "microsiemens"};
    for (int c = 0; c < NCH; c++) {
        const psy_channel_info *ch = psy_reader_channel(r, c);
        assert_string_equal(ch->label, labels[c]);
        assert_string_equal(ch->unit, want_units[c]);
        assert_int_equal(ch->type, types[c]);
        assert_true(fabs(ch->rate_hz - 2000.0 / dividers[c]) < 1e-9);
        assert_int_equal(ch->frames, frames[c]);
        double *x = malloc((size_t)frames[c] * sizeof *x);
        assert_int_equal(psy_reader_read(r, c, 0, frames[c], x), PSY_OK);
        for (int64_t i = 0; i < frames[c]; i++) {
            double want = is_float[c] ? raw_value(c, i, NULL) : raw_value(c, i, NULL) * scale[c] + offset[c];
            if (fabs(x[i] - want) > 1e-12)
                fail_msg("%s channel %d sample %lld: %g, want %g", path, c, (long long)i, x[i], want);
        }
        /* a block read from the middle agrees with the whole */
        double y[7];
        assert_int_equal(psy_reader_read(r, c, frames[c] - 7, 7, y), PSY_OK);
        assert_memory_equal(y, x + frames[c] - 7, sizeof y);
        free(x);
    }
    /* markers at the base rate (2 kHz), the journal as a non-session event */
    assert_int_equal(psy_reader_event_count(r), 4);
    int journal = 0, stim = 0;
    for (size_t i = 0; i < psy_reader_event_count(r); i++) {
        const psy_event *e = psy_reader_event(r, i);
        assert_int_equal(e->source, PSY_EVENTS_ANNOTATION);
        if (strcmp(e->label, "psyphys: journal") == 0) {
            journal = 1;
            assert_string_equal(e->detail, a->revision >= 108 ? "Hello & bye" : "Line one Line two");
        } else if (strcmp(e->label, "Stim A") == 0) {
            stim = 1;
            assert_true(fabs(e->onset_s - 0.25) < 1e-12);
            assert_int_equal(e->sample, 500);
            assert_int_equal(e->channel, a->revision >= 61 ? 1 : -1);
            assert_string_equal(e->detail, a->revision >= 61 ? "flag" : "");
        }
    }
    assert_true(journal && stim);
    psy_reader_close(r);
}

static void test_variants(void **state)
{
    (void)state;
    static const struct {
        int rev, be;
    } v[] = {{41, 0}, {41, 1}, {84, 0}, {132, 1}, {132, 0}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        for (int comp = 0; comp < 2; comp++) {
            lab_acq a = spec(v[i].rev, v[i].be, comp);
            char name[64];
            snprintf(name, sizeof name, "r%d_%s%s.acq", v[i].rev, v[i].be ? "be" : "le", comp ? "_c" : "");
            check_file(write_acq(name, &a), &a);
        }
}

/* Compressed and uncompressed copies give the same samples, also read from memory. */
static void test_memory_source(void **state)
{
    (void)state;
    lab_acq a = spec(132, 1, 1);
    const char *path = write_acq("mem.acq", &a);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char bytes[1 << 20];
    size_t n = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_memory(bytes, n, "mem.acq", &src), PSY_OK);
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(psy_reader_open_source(src, NULL, &r, &why), PSY_OK);
    double x[3];
    assert_int_equal(psy_reader_read(r, 0, 1000, 3, x), PSY_OK);
    for (int i = 0; i < 3; i++) assert_true(fabs(x[i] - raw_value(0, 1000 + i, NULL) * scale[0]) < 1e-12);
    assert_int_equal(psy_reader_read(r, 0, 0, 1, x), PSY_OK); /* backwards: the decoder restarts */
    assert_true(fabs(x[0] - raw_value(0, 0, NULL) * scale[0]) < 1e-12);
    psy_reader_close(r);
}

/* Converted to EDF+ and read back: the same signals within the EDF resolution. */
static void test_convert_round_trip(void **state)
{
    (void)state;
    lab_acq a = spec(132, 0, 0);
    psy_reader *r = open_or_fail(write_acq("rt.acq", &a));
    char out[4096];
    snprintf(out, sizeof out, "%s/rt.edf", test_tmpdir());
    psy_message why;
    psy_write_options wo = {0};
    assert_int_equal(psy_write_recording(r, out, PSY_WRITE_EDF, &wo, &why), PSY_OK);
    psy_reader *e = open_or_fail(out);
    for (int c = 0; c < 3; c++) {
        const psy_channel_info *ce = psy_reader_channel(e, c);
        int64_t n = psy_reader_channel(r, c)->frames;
        assert_true(ce->frames >= n);
        double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
        assert_int_equal(psy_reader_read(r, c, 0, n, x), PSY_OK);
        assert_int_equal(psy_reader_read(e, c, 0, n, y), PSY_OK);
        for (int64_t i = 0; i < n; i++) assert_true(fabs(x[i] - y[i]) <= ce->resolution);
        free(x);
        free(y);
    }
    assert_true(psy_reader_event_count(e) >= 3);
    psy_reader_close(e);
    psy_reader_close(r);
}

/* ---- hostile ---- */

static unsigned char *file_bytes(const lab_acq *a, const char *name, size_t *n)
{
    const char *path = write_acq(name, a);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *b = malloc(1 << 20);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

static psy_status open_bytes(const unsigned char *b, size_t n, psy_reader **r, psy_message *why)
{
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_memory(b, n, "x.acq", &src), PSY_OK);
    memset(why, 0, sizeof *why);
    psy_status st = psy_reader_open_source(src, NULL, r, why);
    if (st != PSY_OK) psy_source_close(src);
    return st;
}

static void expect_refused(const unsigned char *b, size_t n, psy_status want, const char *words)
{
    psy_reader *r = NULL;
    psy_message why;
    psy_status st = open_bytes(b, n, &r, &why);
    if (st != want || !strstr(why.text, words))
        fail_msg("got %s '%s', want %s '%s'", psy_strerror(st), why.text, psy_strerror(want), words);
    assert_null(r);
}

/* Every prefix of a file opens or is refused with a reason; what opens reads. */
static void test_truncations(void **state)
{
    (void)state;
    for (int comp = 0; comp < 2; comp++) {
        lab_acq a = spec(132, 0, comp);
        size_t n;
        unsigned char *b = file_bytes(&a, "cut.acq", &n);
        int opened = 0;
        for (size_t k = 0; k < n; k++) {
            psy_reader *r = NULL;
            psy_message why;
            psy_status st = open_bytes(b, k, &r, &why);
            if (st != PSY_OK) {
                if (!why.text[0]) fail_msg("prefix %zu refused without a reason", k);
                continue;
            }
            opened++;
            double x[16];
            for (int c = 0; c < psy_reader_channel_count(r); c++) {
                const psy_channel_info *ch = psy_reader_channel(r, c);
                if (ch->frames >= 16) assert_int_equal(psy_reader_read(r, c, ch->frames - 16, 16, x), PSY_OK);
            }
            psy_reader_close(r);
        }
        /* uncompressed: once the samples are there, the rest (markers, journal) is optional */
        assert_true(comp ? opened == 0 : opened > 0);
        free(b);
    }
}

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void test_lying_headers(void **state)
{
    (void)state;
    lab_acq a = spec(84, 0, 0);
    size_t n;
    unsigned char *b = file_bytes(&a, "lie.acq", &n), *c = malloc(n);
    size_t ch0 = 2400; /* revision 84: no padding headers */
    memcpy(c, b, n), put_le32(c + ch0 + 88, 0x7fffffff);
    expect_refused(c, n, PSY_E_TRUNCATED, "the channels need");
    memcpy(c, b, n), c[10] = 0, c[11] = 0;
    expect_refused(c, n, PSY_E_FORMAT, "number of channels 0 is not 1..1024");
    memcpy(c, b, n), c[10] = 0xD0, c[11] = 0x07;
    expect_refused(c, n, PSY_E_FORMAT, "number of channels 2000");
    memcpy(c, b, n), put_le32(c + ch0, 20);
    expect_refused(c, n, PSY_E_FORMAT, "channel 1 header length 20");
    memcpy(c, b, n), put_le32(c + ch0, 0x7ffffff0);
    expect_refused(c, n, PSY_E_FORMAT, "channel 1 header length");
    memcpy(c, b, n), memset(c + 16, 0, 8);
    expect_refused(c, n, PSY_E_FORMAT, "sample interval 0 ms must be positive");
    memcpy(c, b, n), put_le32(c + 6, 0x7fffffff);
    expect_refused(c, n, PSY_E_FORMAT, "graph header length");
    memcpy(c, b, n), c[ch0 + 152] = 0xFF, c[ch0 + 153] = 0x7F, c[ch0 + 200 + 152] = 0xFD,
                             c[ch0 + 200 + 153] = 0x7F;
    expect_refused(c, n, PSY_E_UNSUPPORTED, "sample dividers make a pattern");
    /* an early-4.x foreign data header: int16 length, int16 type (read through its length) */
    memcpy(c, b, n), c[ch0 + 4 * 200 + 2] = 1;
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_bytes(c, n, &r, &why), PSY_OK);
    psy_reader_close(r);
    free(b);
    /* compressed: a corrupt stream, and a stream that decodes to other than its header says */
    lab_acq z = spec(132, 0, 1);
    b = file_bytes(&z, "zlie.acq", &n);
    c = realloc(c, n);
    memcpy(c, b, n);
    memset(c + n - 40, 0x55, 30);
    expect_refused(c, n, PSY_E_FORMAT, "zlib stream");
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variants),           cmocka_unit_test(test_memory_source),
        cmocka_unit_test(test_convert_round_trip), cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_lying_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
