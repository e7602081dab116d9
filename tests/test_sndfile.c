/* Audio-stored recordings: WAV files and JSON sidecars written by the test itself (no shared
 * data needed). Real files are in test_sndfile_data.c. */
#include "test_util.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

enum { N_CH = 3 };

/* Raw sample of frame i, channel c: deterministic, spans most of the 16-bit range. */
static short raw_value(int64_t i, int c) { return (short)((i * 7919 + c * 12345) % 60000 - 30000); }

/* Writes a 16-bit WAV of `frames` frames and `channels` channels at header rate `rate`. */
static char *write_wav(const char *name, int channels, int rate, int64_t frames)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    SF_INFO info = {0};
    info.samplerate = rate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    assert_non_null(sf);
    short *buf = malloc((size_t)(4096 * channels) * sizeof *buf);
    assert_non_null(buf);
    for (int64_t f0 = 0; f0 < frames; f0 += 4096) {
        int64_t n = frames - f0 < 4096 ? frames - f0 : 4096;
        for (int64_t i = 0; i < n; i++)
            for (int c = 0; c < channels; c++) buf[i * channels + c] = raw_value(f0 + i, c);
        assert_int_equal(sf_writef_short(sf, buf, n), n);
    }
    free(buf);
    sf_close(sf);
    return path;
}

static void write_text(const char *name, const char *text) { write_temp_file(name, text, strlen(text)); }

static psy_status open_with(const char *path, double fs, const char *sidecar, psy_reader **r,
                            psy_message *why)
{
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    opt.sidecar_path = sidecar;
    memset(why, 0, sizeof *why);
    return psy_reader_open(path, &opt, r, why);
}

static void test_wav_with_sidecar(void **state)
{
    (void)state;
    const int64_t frames = 200000; /* crosses several cache blocks */
    char path[512];
    snprintf(path, sizeof path, "%s", write_wav("rec.wav", N_CH, 44100, frames));
    write_text("rec.json", "{\"SamplingFrequency\": 250, \"Columns\": [\"ECG\", \"EDA\", \"RESP\"],"
                           " \"Units\": [\"mV\", \"uS\", \"V\"], \"Gain\": [200, 1000, 1],"
                           " \"Baseline\": [1024, 0, -5], \"RecordingStart\": \"2024-01-31T09:15:00.250\"}");
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_format(r), "WAV");
    assert_int_equal(psy_reader_channel_count(r), 3);
    static const char *labels[] = {"ECG", "EDA", "RESP"}, *units[] = {"mV", "uS", "V"};
    static const double gain[] = {200, 1000, 1}, base[] = {1024, 0, -5};
    for (int c = 0; c < N_CH; c++) {
        const psy_channel_info *ci = psy_reader_channel(r, c);
        assert_string_equal(ci->label, labels[c]);
        assert_string_equal(ci->unit, units[c]);
        assert_true(ci->rate_hz == 250);
        assert_int_equal(ci->frames, frames);
        assert_true(fabs(ci->resolution - 1 / gain[c]) < 1e-15);
        assert_true(fabs(ci->physical_min - (-32768 - base[c]) / gain[c]) < 1e-9);
        assert_true(fabs(ci->physical_max - (32767 - base[c]) / gain[c]) < 1e-9);
    }
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_ECG);
    assert_int_equal(psy_reader_channel(r, 1)->type, PSY_CH_EDA);
    assert_true(fabs(psy_reader_duration(r) - 800.0) < 1e-9);
    psy_datetime dt = psy_reader_start(r);
    assert_int_equal(dt.known, 1);
    assert_int_equal(dt.year, 2024);
    assert_int_equal(dt.minute, 15);
    assert_int_equal(dt.nanosecond, 250000000);
    assert_int_equal(dt.zone_known, 0); /* no zone written: a wall clock of unknown zone */
    assert_false(has_warning(r, "audio header"));

    /* ch0 then ch1 of the same spans, one span across a cache-block boundary, the last frames. */
    static const int64_t spans[][2] = {{0, 10}, {87370, 30}, {100000, 50000}, {199990, 10}};
    double *buf = malloc(50000 * sizeof *buf);
    assert_non_null(buf);
    for (size_t k = 0; k < 4; k++)
        for (int c = 0; c < N_CH; c++) {
            assert_int_equal(psy_reader_read(r, c, spans[k][0], spans[k][1], buf), PSY_OK);
            for (int64_t i = 0; i < spans[k][1]; i++) {
                double want = (raw_value(spans[k][0] + i, c) - base[c]) / gain[c];
                if (fabs(buf[i] - want) > 1e-12) fail_msg("ch%d frame %lld: %g != %g", c,
                                                          (long long)(spans[k][0] + i), buf[i], want);
            }
        }
    assert_int_equal(psy_reader_read(r, 0, frames - 5, 6, buf), PSY_E_RANGE);
    free(buf);
    psy_reader_close(r);
}

static void test_per_column_objects_and_start_offset(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s", write_wav("cols.wav", 2, 8000, 100));
    write_text("cols.json", "{\"SamplingFrequency\": 100, \"Columns\": [\"ppg\", \"EDA\"], \"Units\": \"V\","
                            " \"EDA\": {\"Units\": \"uS\", \"Gain\": 4, \"Baseline\": 2}, \"StartTime\": 1.5,"
                            " \"RecordingStart\": \"2024-01-31T09:15:00,5+01:00\"}");
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_channel(r, 0)->unit, "V");
    assert_string_equal(psy_reader_channel(r, 1)->unit, "uS");
    double v[2], t;
    assert_int_equal(psy_reader_read(r, 1, 3, 2, v), PSY_OK);
    assert_true(fabs(v[0] - (raw_value(3, 1) - 2) / 4.0) < 1e-12);
    assert_true(fabs(v[1] - (raw_value(4, 1) - 2) / 4.0) < 1e-12);
    assert_int_equal(psy_reader_read(r, 0, 99, 1, v), PSY_OK);
    assert_true(v[0] == raw_value(99, 0));
    assert_int_equal(psy_reader_read_times(r, 0, 10, 1, &t), PSY_OK);
    assert_true(fabs(t - 1.6) < 1e-12);
    assert_true(fabs(psy_reader_duration(r) - 2.5) < 1e-12);
    psy_datetime dt = psy_reader_start(r); /* every ISO 8601 form events take, the zone kept */
    assert_true(dt.known && dt.zone_known && dt.utc_offset_min == 60 && dt.nanosecond == 500000000);
    psy_reader_close(r);
}

static void test_fs_override_and_explicit_sidecar(void **state)
{
    (void)state;
    static const char side_json[] = "{\"SamplingFrequency\": 200, \"Columns\": [\"a\", \"b\"]}";
    char path[512], side[512];
    snprintf(path, sizeof path, "%s", write_wav("fs.wav", 2, 96000, 1000));
    snprintf(side, sizeof side, "%s", write_temp_file("elsewhere.json", side_json, strlen(side_json)));
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_with(path, 0, side, &r, &why), PSY_OK);
    assert_true(psy_reader_channel(r, 1)->rate_hz == 200);
    assert_string_equal(psy_reader_channel(r, 1)->label, "b");
    psy_reader_close(r);
    /* the sidecar declares the rate: a given rate is not used ... */
    assert_int_equal(open_with(path, 500, side, &r, &why), PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 200);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_FILE);
    assert_true(has_warning(r, "declares 200 Hz: the given rate 500 Hz"));
    psy_reader_close(r);
    /* ... unless it overrides the declared one */
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = 500;
    opt.override_rate = 1;
    opt.sidecar_path = side;
    assert_int_equal(psy_reader_open(path, &opt, &r, &why), PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 500);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_OVERRIDDEN);
    assert_true(psy_reader_declared_rate(r) == 200);
    assert_true(has_warning(r, "overridden by the given 500 Hz"));
    assert_true(fabs(psy_reader_duration(r) - 2.0) < 1e-12);
    psy_reader_close(r);
    assert_int_equal(open_with(path, 0, "rec.hea", &r, &why), PSY_E_UNSUPPORTED);
    assert_non_null(strstr(why.text, "WFDB"));
    assert_int_equal(open_with(path, 0, "/nonexistent/side.json", &r, &why), PSY_E_IO);
    assert_null(r);
    assert_non_null(strstr(why.text, "sidecar"));
}

static void test_no_sidecar(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s", write_wav("bare.wav", 2, 44100, 50));
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_channel(r, 0)->label, "ch1");
    assert_string_equal(psy_reader_channel(r, 1)->label, "ch2");
    assert_string_equal(psy_reader_channel(r, 1)->unit, "adu");
    assert_true(psy_reader_channel(r, 0)->rate_hz == 44100);
    assert_true(psy_reader_channel(r, 0)->physical_min == -32768);
    assert_true(psy_reader_channel(r, 0)->resolution == 1);
    assert_true(has_warning(r, "comes from the audio header"));
    assert_true(has_warning(r, "looks like an audio or placeholder rate"));
    assert_true(has_warning(r, "no JSON sidecar"));
    double v;
    assert_int_equal(psy_reader_read(r, 1, 49, 1, &v), PSY_OK);
    assert_true(v == raw_value(49, 1));
    psy_reader_close(r);
    /* --fs without a sidecar: no rate warning, still the scaling one */
    assert_int_equal(open_with(path, 250, NULL, &r, &why), PSY_OK);
    assert_false(has_warning(r, "placeholder rate"));
    assert_true(has_warning(r, "no JSON sidecar"));
    psy_reader_close(r);
}

static void expect_sidecar_error(const char *json, const char *needle)
{
    char path[512];
    snprintf(path, sizeof path, "%s", write_wav("bad.wav", 2, 1000, 10));
    write_text("bad.json", json);
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_E_FORMAT);
    assert_null(r);
    if (!strstr(why.text, needle)) fail_msg("'%s' does not name '%s'", why.text, needle);
}

static void test_malformed_sidecars(void **state)
{
    (void)state;
    expect_sidecar_error("{\"Gain\": \"abc\"}", "\"Gain\"");
    expect_sidecar_error("{\"Gain\": [1, 0]}", "\"Gain\"");
    expect_sidecar_error("{\"Gain\": [1, 2, 3]}", "\"Gain\" has 3 entries");
    expect_sidecar_error("{\"SamplingFrequency\": 0}", "\"SamplingFrequency\" 0");
    expect_sidecar_error("{\"SamplingFrequency\": -250}", "\"SamplingFrequency\" -250");
    expect_sidecar_error("{\"SamplingFrequency\": \"250\"}", "\"SamplingFrequency\" must be a number");
    expect_sidecar_error("{\"Columns\": [\"a\"]}", "\"Columns\" names 1 columns for 2 channels");
    expect_sidecar_error("{\"Columns\": [\"a\", 7]}", "\"Columns\"");
    expect_sidecar_error("{\"Units\": [\"mV\"]}", "\"Units\"");
    expect_sidecar_error("{\"Baseline\": null}", "\"Baseline\"");
    expect_sidecar_error("{\"RecordingStart\": \"yesterday\"}", "\"RecordingStart\"");
    /* a date that does not exist (was read as 2024-03-01) */
    expect_sidecar_error("{\"RecordingStart\": \"2024-02-30T09:15:00\"}", "\"RecordingStart\" must be an ISO 8601");
    expect_sidecar_error("{\"StartTime\": \"2023-02-29 09:15:00\"}", "\"StartTime\"");
    expect_sidecar_error("{\"Columns\": [\"a\", \"b\"], \"b\": {\"Gain\": -1}}", "\"b\".\"Gain\"");
    expect_sidecar_error("{\"SamplingFrequency\": 250,", "not valid JSON");
    expect_sidecar_error("[1, 2]", "JSON object");
    expect_sidecar_error("", "not valid JSON");
}

/* A canonical 44-byte PCM WAV header. */
static void wav_header(unsigned char *h, int channels, int rate, int bits, uint32_t data_bytes)
{
    int align = channels * bits / 8;
    uint32_t v[] = {36 + data_bytes, 16, (uint32_t)rate, (uint32_t)(rate * align), data_bytes};
    memcpy(h, "RIFF", 4);
    memcpy(h + 4, &v[0], 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    memcpy(h + 16, &v[1], 4);
    h[20] = 1, h[21] = 0, h[22] = (unsigned char)channels, h[23] = 0;
    memcpy(h + 24, &v[2], 4);
    memcpy(h + 28, &v[3], 4);
    h[32] = (unsigned char)align, h[33] = 0, h[34] = (unsigned char)bits, h[35] = 0;
    memcpy(h + 36, "data", 4);
    memcpy(h + 40, &v[4], 4);
}

static psy_status open_bytes(const char *name, const void *data, size_t n, psy_message *why)
{
    const char *path = write_temp_file(name, data, n);
    psy_reader *r = NULL;
    psy_open_options opt = psy_open_options_default();
    opt.format = "sndfile";
    memset(why, 0, sizeof *why);
    psy_status st = psy_reader_open(path, &opt, &r, why);
    psy_reader_close(r);
    if (st != PSY_OK) assert_null(r);
    return st;
}

static void test_malformed_wavs(void **state)
{
    (void)state;
    unsigned char buf[44 + 400] = {0};
    psy_message why;
    /* well-formed control: 2 ch x 100 frames */
    wav_header(buf, 2, 100, 16, 400);
    assert_int_equal(open_bytes("ok.wav", buf, sizeof buf, &why), PSY_OK);
    /* truncated: the data chunk says 400 bytes, 150 are there */
    assert_int_equal(open_bytes("trunc.wav", buf, 44 + 150, &why), PSY_E_TRUNCATED);
    assert_non_null(strstr(why.text, "declares 400 bytes but the file holds 150"));
    /* lying size: 4 GB of data claimed */
    wav_header(buf, 2, 100, 16, 0xFFFFFFF0u);
    assert_int_equal(open_bytes("lying.wav", buf, sizeof buf, &why), PSY_E_TRUNCATED);
    /* zero channels */
    wav_header(buf, 0, 100, 16, 400);
    assert_int_not_equal(open_bytes("zero.wav", buf, sizeof buf, &why), PSY_OK);
    assert_true(why.text[0] != '\0');
    /* zero rate */
    wav_header(buf, 2, 0, 16, 400);
    assert_int_not_equal(open_bytes("rate0.wav", buf, sizeof buf, &why), PSY_OK);
    assert_true(why.text[0] != '\0');
    /* header only, empty file, garbage */
    wav_header(buf, 2, 100, 16, 400);
    assert_int_equal(open_bytes("hdr.wav", buf, 20, &why), PSY_E_FORMAT);
    assert_int_equal(open_bytes("empty.wav", buf, 0, &why), PSY_E_FORMAT);
    assert_int_equal(open_bytes("text.wav", "hello, world, not audio\n", 24, &why), PSY_E_FORMAT);
    /* streaming placeholder size: read to the end with a warning */
    wav_header(buf, 2, 100, 16, 0xFFFFFFFFu);
    const char *path = write_temp_file("stream.wav", buf, sizeof buf);
    psy_reader *r = NULL;
    assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 100);
    assert_true(has_warning(r, "placeholder"));
    psy_reader_close(r);
}

/* Every header byte set to 0x00, 0xFF and 0x80 in turn: any status, but never a crash, and an
 * opened file reads completely or fails with a status. */
static void test_header_mutations(void **state)
{
    (void)state;
    unsigned char good[44 + 400], buf[44 + 400];
    wav_header(good, 2, 100, 16, 400);
    for (int i = 44; i < (int)sizeof good; i++) good[i] = (unsigned char)(i * 37);
    static const unsigned char fills[] = {0x00, 0xFF, 0x80};
    int opened = 0;
    for (int pos = 0; pos < 44; pos++)
        for (int f = 0; f < 3; f++) {
            memcpy(buf, good, sizeof buf);
            buf[pos] = fills[f];
            const char *path = write_temp_file("mut.wav", buf, sizeof buf);
            psy_open_options opt = psy_open_options_default();
            opt.format = "sndfile";
            psy_reader *r = NULL;
            psy_message why = {{0}};
            psy_status st = psy_reader_open(path, &opt, &r, &why);
            if (st != PSY_OK) {
                assert_null(r);
                assert_true(why.text[0] != '\0');
                continue;
            }
            opened++;
            for (int c = 0; c < psy_reader_channel_count(r); c++) {
                const psy_channel_info *ci = psy_reader_channel(r, c);
                assert_true(ci->frames >= 0 && ci->frames <= 400);
                double v[400];
                psy_status rs = psy_reader_read(r, c, 0, ci->frames, v);
                assert_true(rs == PSY_OK || rs == PSY_E_TRUNCATED || rs == PSY_E_IO);
            }
            psy_reader_close(r);
        }
    assert_true(opened > 0);
}

/* 24-bit PCM and 32-bit float go through the double path: raw values, not [-1, 1). */
static void test_other_sample_formats(void **state)
{
    (void)state;
    static const int formats[] = {SF_FORMAT_PCM_24, SF_FORMAT_FLOAT, SF_FORMAT_PCM_U8};
    static const double values[3][4] = {{-8388608, 8388607, 12345, -1},
                                        {-1.5e6, 3.25, 0.125, -7},
                                        {-128, 127, 5, -1}};
    for (int f = 0; f < 3; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/fmt%d.wav", test_tmpdir(), f);
        SF_INFO info = {.samplerate = 500, .channels = 1, .format = SF_FORMAT_WAV | formats[f]};
        SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
        assert_non_null(sf);
        sf_command(sf, SFC_SET_NORM_DOUBLE, NULL, SF_FALSE);
        if (formats[f] == SF_FORMAT_PCM_24) {
            int v[4];
            for (int i = 0; i < 4; i++) v[i] = (int)values[f][i] * 256; /* int I/O is left-justified */
            assert_int_equal(sf_writef_int(sf, v, 4), 4);
        } else if (formats[f] == SF_FORMAT_PCM_U8) {
            short v[4];
            for (int i = 0; i < 4; i++) v[i] = (short)(values[f][i] * 256);
            assert_int_equal(sf_writef_short(sf, v, 4), 4);
        } else {
            assert_int_equal(sf_writef_double(sf, values[f], 4), 4);
        }
        sf_close(sf);
        psy_reader *r = NULL;
        psy_message why;
        assert_int_equal(open_with(path, 0, NULL, &r, &why), PSY_OK);
        double got[4];
        assert_int_equal(psy_reader_read(r, 0, 0, 4, got), PSY_OK);
        for (int i = 0; i < 4; i++)
            if (got[i] != values[f][i]) fail_msg("format %d sample %d: %.17g != %.17g", f, i, got[i], values[f][i]);
        const psy_channel_info *c = psy_reader_channel(r, 0);
        if (f == 1) assert_true(isnan(c->physical_min) && c->resolution == 0);
        else assert_true(c->physical_max == (f == 0 ? 8388607 : 127));
        psy_reader_close(r);
    }
}

/* A source that counts the bytes read, to see what the frame cache decodes. */
typedef struct counting {
    const unsigned char *data;
    size_t size, bytes_read;
} counting;

static int64_t counting_read(void *ctx, int64_t offset, void *buf, size_t n)
{
    counting *c = ctx;
    if ((size_t)offset >= c->size) return 0;
    size_t k = c->size - (size_t)offset < n ? c->size - (size_t)offset : n;
    memcpy(buf, c->data + offset, k);
    c->bytes_read += k;
    return (int64_t)k;
}

static int64_t counting_size(void *ctx) { return (int64_t)((counting *)ctx)->size; }

static void test_each_span_decoded_once(void **state)
{
    (void)state;
    const char *path = write_wav("span.wav", 4, 1000, 300000);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char data[44 + 300000 * 8];
    assert_int_equal(fread(data, 1, sizeof data, f), sizeof data);
    fclose(f);
    counting ctx = {data, sizeof data, 0};
    static const psy_source_callbacks cb = {counting_read, counting_size, NULL, NULL};
    psy_source *src = NULL;
    assert_int_equal(psy_source_from_callbacks(&cb, &ctx, "span.wav", &src), PSY_OK);
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = 1000;
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(psy_reader_open_source(src, &opt, &r, &why), PSY_OK);
    double *buf = malloc(100000 * sizeof *buf);
    assert_non_null(buf);
    assert_int_equal(psy_reader_read(r, 0, 150000, 100000, buf), PSY_OK);
    size_t after_first = ctx.bytes_read;
    for (int c = 1; c < 4; c++) {
        assert_int_equal(psy_reader_read(r, c, 150000, 100000, buf), PSY_OK);
        assert_true(buf[99999] == raw_value(249999, c));
    }
    assert_int_equal(ctx.bytes_read, after_first); /* channels 1..3 came from the cache */
    free(buf);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wav_with_sidecar),
        cmocka_unit_test(test_per_column_objects_and_start_offset),
        cmocka_unit_test(test_fs_override_and_explicit_sidecar),
        cmocka_unit_test(test_no_sidecar),
        cmocka_unit_test(test_malformed_sidecars),
        cmocka_unit_test(test_malformed_wavs),
        cmocka_unit_test(test_other_sample_formats),
        cmocka_unit_test(test_header_mutations),
        cmocka_unit_test(test_each_span_decoded_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
