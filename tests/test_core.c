/* Core of the recording model: channel types, unit conversion, numbers, sources, detection. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "reader_impl.h"

static void test_type_inference(void **state)
{
    (void)state;
    assert_int_equal(psy_infer_channel_type("ECG", ""), PSY_CH_ECG);
    assert_int_equal(psy_infer_channel_type("ECG ECG1", "uV"), PSY_CH_ECG);
    assert_int_equal(psy_infer_channel_type("EKG", NULL), PSY_CH_ECG);
    assert_int_equal(psy_infer_channel_type("MLII", "mV"), PSY_CH_ECG);
    assert_int_equal(psy_infer_channel_type("V5", "mV"), PSY_CH_ECG);
    assert_int_equal(psy_infer_channel_type("II", "mV"), PSY_CH_ECG);
    assert_int_equal(psy_infer_channel_type("EEG Fpz-Cz", "uV"), PSY_CH_OTHER);
    assert_int_equal(psy_infer_channel_type("EDA", "uS"), PSY_CH_EDA);
    assert_int_equal(psy_infer_channel_type("GSR_raw", ""), PSY_CH_EDA);
    assert_int_equal(psy_infer_channel_type("Skin Conductance", ""), PSY_CH_EDA);
    assert_int_equal(psy_infer_channel_type("channel 3", "microS"), PSY_CH_EDA);
    assert_int_equal(psy_infer_channel_type("RSP", ""), PSY_CH_RESP);
    assert_int_equal(psy_infer_channel_type("Resp oro-nasal", ""), PSY_CH_RESP);
    assert_int_equal(psy_infer_channel_type("PPG", ""), PSY_CH_PPG);
    assert_int_equal(psy_infer_channel_type("BVP", ""), PSY_CH_PPG);
    assert_int_equal(psy_infer_channel_type("Pleth", ""), PSY_CH_PPG);
    assert_int_equal(psy_infer_channel_type("HR", "bpm"), PSY_CH_HR);
    assert_int_equal(psy_infer_channel_type("Heart Rate", ""), PSY_CH_HR);
    assert_int_equal(psy_infer_channel_type("x", "bpm"), PSY_CH_HR);
    assert_int_equal(psy_infer_channel_type("IBI", "s"), PSY_CH_RR);
    assert_int_equal(psy_infer_channel_type("RR", "ms"), PSY_CH_RR);
    assert_int_equal(psy_infer_channel_type("Status", ""), PSY_CH_TRIGGER);
    assert_int_equal(psy_infer_channel_type("Photosensor", "V"), PSY_CH_TRIGGER);
    assert_int_equal(psy_infer_channel_type("Trigger", ""), PSY_CH_TRIGGER);
    assert_int_equal(psy_infer_channel_type("time", "s"), PSY_CH_OTHER);
    assert_int_equal(psy_infer_channel_type("", ""), PSY_CH_OTHER);
}

static void test_type_names(void **state)
{
    (void)state;
    psy_channel_type t;
    for (int i = 0; i < PSY_CH_TYPE_COUNT; i++) {
        assert_int_equal(psy_channel_type_parse(psy_channel_type_name((psy_channel_type)i), &t), PSY_OK);
        assert_int_equal(t, i);
    }
    assert_int_equal(psy_channel_type_parse("gsr", &t), PSY_OK);
    assert_int_equal(t, PSY_CH_EDA);
    assert_int_equal(psy_channel_type_parse("ibi", &t), PSY_OK);
    assert_int_equal(t, PSY_CH_RR);
    assert_int_equal(psy_channel_type_parse("banana", &t), PSY_E_INVALID);
}

static psy_channel_info eda_channel(const char *unit)
{
    psy_channel_info c = {0};
    strcpy(c.label, "EDA");
    strcpy(c.file_unit, unit);
    c.type = PSY_CH_EDA;
    c.rate_hz = 4;
    c.frames = 3;
    c.physical_min = 100;
    c.physical_max = 1000;
    return c;
}

static void test_eda_units(void **state)
{
    (void)state;
    static const struct { const char *unit; psy_unit_conversion conv; double scale; } cases[] = {
        {"uS", PSY_CONV_NONE, 1},       {"µS", PSY_CONV_NONE, 1},       {"microS", PSY_CONV_NONE, 1},
        {"nS", PSY_CONV_SCALE, 1e-3},   {"S", PSY_CONV_SCALE, 1e6},     {"mS", PSY_CONV_SCALE, 1e3},
        {"kOhm", PSY_CONV_RECIPROCAL, 1e3}, {"kohm", PSY_CONV_RECIPROCAL, 1e3},
        {"Ohm", PSY_CONV_RECIPROCAL, 1e6}, {"MOhm", PSY_CONV_RECIPROCAL, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        psy_channel_info c = eda_channel(cases[i].unit);
        psy_channel_apply_units(&c);
        assert_int_equal(c.conversion, cases[i].conv);
        assert_true(fabs(c.conversion_scale - cases[i].scale) < 1e-12 * cases[i].scale);
        assert_string_equal(c.unit, "uS");
    }
    psy_channel_info c = eda_channel("mV");
    psy_channel_apply_units(&c);
    assert_int_equal(c.conversion, PSY_CONV_NONE);
    assert_string_equal(c.unit, "mV");
}

/* A tiny in-memory format: 1 regular EDA channel in kOhm, to test the core's conversion path. */
static psy_status fake_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)impl;
    (void)ch;
    static const double kohm[] = {100, 250, 0, 500};
    for (int64_t i = 0; i < n; i++) out[i] = kohm[start + i];
    return PSY_OK;
}

static void test_reader_core(void **state)
{
    (void)state;
    static const psy_reader_ops ops = {fake_read, NULL, NULL};
    psy_reader *r = psy_reader_new("fake");
    assert_non_null(r);
    psy_channel_info c = eda_channel("kOhm");
    c.type = PSY_CH_OTHER;
    strcpy(c.label, "GSR");
    c.frames = 4;
    assert_int_equal(psy_reader_add_channel(r, &c, 1), 0);
    psy_event e = {.onset_s = 2, .label = "b", .sample = -1, .channel = -1};
    assert_int_equal(psy_reader_add_event(r, &e), PSY_OK);
    e.onset_s = 1;
    e.label = "a";
    assert_int_equal(psy_reader_add_event(r, &e), PSY_OK);
    psy_reader_warn(r, "odd %d", 1);
    psy_reader_warn(r, "odd %d", 1);
    psy_reader_set_impl(r, &ops, NULL);
    assert_int_equal(psy_reader_finish(r), PSY_OK);

    const psy_channel_info *ch = psy_reader_channel(r, 0);
    assert_int_equal(ch->type, PSY_CH_EDA);
    assert_string_equal(ch->unit, "uS");
    assert_true(fabs(ch->physical_min - 1.0) < 1e-12); /* 1000/1000 kOhm */
    assert_true(fabs(ch->physical_max - 10.0) < 1e-12);
    double v[4];
    assert_int_equal(psy_reader_read(r, 0, 0, 4, v), PSY_OK);
    assert_true(fabs(v[0] - 10.0) < 1e-12 && fabs(v[1] - 4.0) < 1e-12 && isnan(v[2]));
    assert_int_equal(psy_reader_read(r, 0, 2, 3, v), PSY_E_RANGE);
    assert_int_equal(psy_reader_read(r, 1, 0, 1, v), PSY_E_INVALID);
    double t[4];
    assert_int_equal(psy_reader_read_times(r, 0, 0, 4, t), PSY_OK);
    assert_true(fabs(t[3] - 0.75) < 1e-12);
    assert_true(fabs(psy_reader_duration(r) - 1.0) < 1e-12);
    assert_string_equal(psy_reader_event(r, 0)->label, "a");
    assert_int_equal(psy_reader_warning_count(r), 1);
    assert_int_equal(psy_reader_find_channel(r, " gsr "), 0);
    assert_int_equal(psy_reader_find_channel(r, "ECG"), -1);

    assert_int_equal(psy_reader_set_channel_type(r, 0, PSY_CH_OTHER), PSY_OK);
    assert_string_equal(psy_reader_channel(r, 0)->unit, "kOhm");
    assert_true(fabs(psy_reader_channel(r, 0)->physical_max - 1000) < 1e-9);
    assert_int_equal(psy_reader_read(r, 0, 0, 1, v), PSY_OK);
    assert_true(fabs(v[0] - 100) < 1e-12);

    /* Declaring a unit re-derives the conversion: 100 nS -> 0.1 uS once typed EDA. */
    assert_int_equal(psy_reader_set_channel_unit(r, 0, "nS"), PSY_OK);
    assert_int_equal(psy_reader_set_channel_type(r, 0, PSY_CH_EDA), PSY_OK);
    assert_string_equal(psy_reader_channel(r, 0)->unit, "uS");
    assert_string_equal(psy_reader_channel(r, 0)->file_unit, "nS");
    assert_int_equal(psy_reader_read(r, 0, 0, 1, v), PSY_OK);
    assert_true(fabs(v[0] - 0.1) < 1e-12);
    assert_int_equal(psy_reader_set_channel_unit(r, 5, "nS"), PSY_E_INVALID);
    psy_reader_close(r);
}

static void test_numbers(void **state)
{
    (void)state;
    double d;
    int64_t i;
    assert_true(psy_parse_double(" 1.5e3 ", 7, &d) && d == 1500);
    assert_true(psy_parse_double("-0.25", 5, &d) && d == -0.25);
    assert_true(psy_parse_double(".5", 2, &d) && d == 0.5);
    assert_false(psy_parse_double("1,5", 3, &d));
    assert_false(psy_parse_double("nan", 3, &d));
    assert_false(psy_parse_double("", 0, &d));
    assert_false(psy_parse_double("1e", 2, &d));
    assert_false(psy_parse_double("12abc", 5, &d));
    assert_true(psy_parse_int64(" 650000", 7, &i) && i == 650000);
    assert_false(psy_parse_int64("99999999999999999999", 20, &i));
    assert_false(psy_parse_int64("1.0", 3, &i));
    int64_t p;
    assert_false(psy_mul_i64(INT64_MAX / 2, 3, &p));
    assert_true(psy_mul_i64(1000, 1000, &p) && p == 1000000);
    char buf[8];
    assert_int_equal(psy_copy_field(buf, sizeof buf, "  ab\xb0 ", 6), 1);
    assert_string_equal(buf, "ab?");
    assert_int_equal(psy_copy_field(buf, 5, "\xe4\xb8\xad\xe6\x96\x87", 6), 0);
    assert_string_equal(buf, "\xe4\xb8\xad"); /* never half a character */
}

static void test_memory_source(void **state)
{
    (void)state;
    psy_source *s = NULL;
    assert_int_equal(psy_source_open_memory("hello", 5, "x.txt", &s), PSY_OK);
    char b[8];
    assert_int_equal(psy_source_read_exact(s, 1, b, 4), PSY_OK);
    assert_memory_equal(b, "ello", 4);
    assert_int_equal(psy_source_read_exact(s, 2, b, 4), PSY_E_TRUNCATED);
    assert_int_equal(psy_source_size(s), 5);
    assert_string_equal(psy_source_name(s), "x.txt");
    assert_null(psy_source_path(s));
    psy_source *rel = NULL;
    assert_int_equal(psy_source_open_related(s, "y.dat", &rel), PSY_E_NOT_FOUND);
    psy_source_close(s);
    psy_source_close(NULL);
}

static void expect_open_error(const char *name, const void *data, size_t n, psy_status want)
{
    const char *path = write_temp_file(name, data, n);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(path, NULL, &r, &why);
    if (st != want) fail_msg("%s: got %s (%s), want %s", name, psy_strerror(st), why.text, psy_strerror(want));
    assert_null(r);
    assert_true(why.text[0] != '\0');
}

static void test_detection_errors(void **state)
{
    (void)state;
    expect_open_error("empty.edf", "", 0, PSY_E_FORMAT);
    expect_open_error("x.gdf", "GDF 2.10 ......", 15, PSY_E_UNSUPPORTED);
    expect_open_error("x.mat", "MATLAB 5.0 MAT-file, Platform", 29, PSY_E_UNSUPPORTED);
    static const unsigned char junk[] = {0x00, 0x01, 0x02, 0xff, 0xfe, 0x80, 0x00, 0x7f};
    expect_open_error("junk.bin", junk, sizeof junk, PSY_E_UNKNOWN_FORMAT);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open("/nonexistent/file.edf", NULL, &r, &why), PSY_E_IO);
    assert_int_equal(psy_reader_open(test_tmpdir(), NULL, &r, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "directory"));
    psy_open_options opt = psy_open_options_default();
    opt.format = "nosuchformat";
    const char *p = write_temp_file("a.csv", "a\n1\n", 4);
    assert_int_equal(psy_reader_open(p, &opt, &r, &why), PSY_E_INVALID);
    opt.format = NULL;
    opt.sampling_rate_hz = -1;
    assert_int_equal(psy_reader_open(p, &opt, &r, &why), PSY_E_INVALID);
}

/* The files a recording was read from: the header, then the signal file it names. */
static void test_provenance_files(void **state)
{
    (void)state;
    static const short samples[4] = {1, 2, 3, 4};
    write_temp_file("prov.dat", samples, sizeof samples);
    const char *hea = "prov 1 100 4\nprov.dat 16 200 16 0 1 0 0 ECG\n";
    char path[512];
    snprintf(path, sizeof path, "%s", write_temp_file("prov.hea", hea, strlen(hea)));
    psy_reader *r = open_or_fail(path);
    assert_int_equal(psy_reader_file_count(r), 2);
    assert_string_equal(psy_reader_file(r, 0), path);
    assert_non_null(strstr(psy_reader_file(r, 1), "/prov.dat"));
    assert_null(psy_reader_file(r, 2));
    psy_reader_close(r);
    psy_source *m = NULL;
    assert_int_equal(psy_source_open_memory(hea, strlen(hea), "m.hea", &m), PSY_OK);
    assert_int_equal(psy_source_related_count(m), 0);
    psy_source_close(m);
}

/* The scratch arena: a stack whose overflow blocks are freed when released (a call holds what
 * it uses at once, not all it took), merged into one block at settle up to a limit. */
static void test_arena(void **state)
{
    (void)state;
    psy_arena a = {0};
    psy_arena_reset(&a);
    void *p = psy_arena_alloc(&a, 100);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 64, 0);
    size_t mark = psy_arena_mark(&a);
    for (int k = 0; k < 10; k++) assert_non_null(psy_arena_array(&a, 1000, sizeof(double)));
    assert_non_null(a.extra);
    psy_arena_release(&a, mark);
    assert_non_null(a.extra); /* the first block, taken before the mark */
    assert_int_equal(a.top, mark);
    psy_arena_release(&a, 0);
    assert_null(a.extra);
    assert_int_equal(psy_arena_high(&a), 128 + 10 * 8000);
    assert_int_equal(psy_arena_settle(&a, 1000), 1); /* deeper than the limit: not kept */
    assert_int_equal(a.cap, 0);
    assert_int_equal(psy_arena_settle(&a, 1 << 20), 1);
    assert_true(a.cap >= 128 + 10 * 8000);
    psy_arena_reset(&a);
    unsigned char *base = a.base;
    assert_ptr_equal(psy_arena_alloc(&a, 8000), base); /* the kept block */
    assert_null(a.extra);
    assert_null(psy_arena_array(&a, SIZE_MAX / 2, 2)); /* overflow */
    psy_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_inference), cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_eda_units),      cmocka_unit_test(test_reader_core),
        cmocka_unit_test(test_numbers),        cmocka_unit_test(test_memory_source),
        cmocka_unit_test(test_detection_errors), cmocka_unit_test(test_provenance_files), cmocka_unit_test(test_arena)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
