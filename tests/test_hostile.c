/* The hostile-file corpus (tests/data/bad/, made by generate.sh there) and hostile inputs made
 * at run time (every truncation of a valid file, a 1 GB line, a file claiming a terabyte,
 * 9999 and 100 000 channels): each is refused with a specific reason naming the field and the
 * value, or read with a warning naming what is non-conformant. Never a crash, hang or partial
 * read (run under ASan+UBSan+LSan in CI). Needs no shared data. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *bad_file(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/bad/%s", PSYPHYS_SOURCE_DIR, name);
    return path;
}

/* Reads a whole small file of the corpus. */
static unsigned char *slurp(const char *name, size_t *size)
{
    FILE *f = fopen(bad_file(name), "rb");
    assert_non_null(f);
    unsigned char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *size = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

static const struct {
    const char *file;
    psy_status status;
    const char *why; /* must appear in the reason */
} refused[] = {
    {"edf_cut_main_header.edf", PSY_E_TRUNCATED, "ends inside the 256-byte EDF header (100 bytes)"},
    {"edf_cut_signal_header.edf", PSY_E_TRUNCATED, "number of signals 1 does not fit in the file (300 bytes)"},
    {"edf_cut_data_record.edf", PSY_E_TRUNCATED, "the header says 2 data records but the file holds 0"},
    {"edf_header_bytes_huge.edf", PSY_E_FORMAT, "number of header bytes is 99999999 but 1 signals need 512"},
    {"edf_zero_signals.edf", PSY_E_FORMAT, "number of signals is 0"},
    {"edf_negative_signals.edf", PSY_E_FORMAT, "number of signals is -3"},
    {"edf_9999_signals.edf", PSY_E_TRUNCATED, "number of signals 9999 does not fit in the file (512 bytes)"},
    {"edf_records_terabytes.edf", PSY_E_FORMAT, "a data record of 199999998 bytes is larger than the file"},
    {"edf_duration_zero.edf", PSY_E_FORMAT, "duration of a data record is 0"},
    {"edf_duration_negative.edf", PSY_E_FORMAT, "duration of a data record is negative: -1"},
    {"edf_duration_text.edf", PSY_E_FORMAT, "duration of a data record is not a number: \"abc"},
    {"edf_samples_zero.edf", PSY_E_FORMAT, "samples per record of signal 1 is 0 (must be > 0)"},
    {"edf_samples_negative.edf", PSY_E_FORMAT, "samples per record of signal 1 is -10 (must be > 0)"},
    {"wfdb_path_escape.hea", PSY_E_FORMAT, "file name '../../etc/passwd' has a directory part"},
    {"wfdb_absolute_path.hea", PSY_E_FORMAT, "file name '/etc/passwd' has a directory part"},
    {"wfdb_rate_zero.hea", PSY_E_FORMAT, "sampling frequency '0' must be positive"},
    {"wfdb_rate_negative.hea", PSY_E_FORMAT, "sampling frequency '-250' must be positive"},
    {"wfdb_100000_signals.hea", PSY_E_FORMAT, "declares 100000 signals but the header has 1 signal lines"},
    {"wfdb_samples_terabytes.hea", PSY_E_TRUNCATED,
     "'wfdb_samples_terabytes.dat' holds 100 frames but the header says 999999999999999"},
    {"wfdb_format_unknown.hea", PSY_E_UNSUPPORTED, "WFDB signal format 999 is not supported"},
    {"wfdb_missing_signal_line.hea", PSY_E_FORMAT, "declares 1 signals but the header has 0 signal lines"},
    {"csv_ragged_rows.csv", PSY_E_FORMAT, "line 3 has 2 fields, the header has 3 (ragged row)"},
    {"csv_header_only.csv", PSY_E_FORMAT, "a header row but no data rows"},
    {"csv_time_constant.csv", PSY_E_FORMAT, "the time column 'time' is not increasing ('0')"},
    {"csv_time_nan_inf.csv", PSY_E_FORMAT, "line 3: the time column 'time' is empty"},
    {"rr_negative_zero_huge.txt", PSY_E_FORMAT, "no time column and no sampling rate"},
    {"acq_channels_zero.acq", PSY_E_FORMAT, "number of channels 0 is not 1..1024"},
    {"acq_samples_terabytes.acq", PSY_E_TRUNCATED, "the channels need 4294967294 bytes of samples from byte 2204"},
    {"xdf_length_field.xdf", PSY_E_FORMAT, "chunk at byte 4: its length field is 3 bytes, not 1, 4 or 8"},
    {"xdf_samples_billion.xdf", PSY_E_FORMAT, "a Samples chunk of 17 bytes claims 1000000000 samples"},
    {"bv_path_escape.vhdr", PSY_E_FORMAT, "DataFile: file name '../../etc/passwd' has a directory part"},
    {"bv_points_lying.vhdr", PSY_E_TRUNCATED, "says 999999999999 data points but the data file holds 8"},
    {"opensignals_ragged.txt", PSY_E_FORMAT, "line 5 has 4 columns, the header names 3"},
};

static void test_corpus_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        psy_reader *r = NULL;
        psy_message why = {{0}};
        psy_status st = psy_reader_open(bad_file(refused[i].file), NULL, &r, &why);
        if (st != refused[i].status || !strstr(why.text, refused[i].why))
            fail_msg("%s: got %s '%s', want %s '%s'", refused[i].file, psy_strerror(st), why.text,
                     psy_strerror(refused[i].status), refused[i].why);
        assert_null(r);
    }
}

/* Every byte of a string is valid UTF-8 without C0 controls (what labels must be after reading). */
static int clean_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x20 || *p == 0x7f) return 0;
        int extra = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
        if (extra < 0) return 0;
        p++;
        for (int k = 0; k < extra; k++, p++)
            if ((*p & 0xc0) != 0x80) return 0;
    }
    return 1;
}

static void test_corpus_read_with_warnings(void **state)
{
    (void)state;
    psy_open_options opt = psy_open_options_default();
    opt.use_libedf = 0;
    psy_reader *r = NULL;
    psy_message why;
    /* Control and non-ASCII bytes in an EDF label: read as Latin-1, each byte named. */
    assert_int_equal(psy_reader_open(bad_file("edf_label_control_bytes.edf"), &opt, &r, &why), PSY_OK);
    assert_true(has_warning(r, "header byte 0x01 in the label of signal 1 is not ASCII"));
    assert_true(has_warning(r, "header byte 0xFF in the label of signal 1 is not ASCII"));
    assert_int_equal(psy_reader_channel(r, 0)->frames, 20);
    psy_reader_close(r);
    /* Non-UTF-8 bytes in an EDF+ annotation: replaced, with a warning; the event keeps its times. */
    assert_int_equal(psy_reader_open(bad_file("edf_tal_non_utf8.edf"), &opt, &r, &why), PSY_OK);
    assert_true(has_warning(r, "annotation text with bytes that are not UTF-8"));
    assert_int_equal(psy_reader_event_count(r), 1);
    const psy_event *e = psy_reader_event(r, 0);
    assert_true(e->onset_s == 0.5 && e->duration_s == 0.2);
    assert_true(clean_utf8(e->label) || strstr(e->label, "label"));
    assert_non_null(strstr(e->label, "label"));
    psy_reader_close(r);
    /* Control characters in a CSV label (read when the format is given). */
    opt.format = "csv";
    assert_int_equal(psy_reader_open(bad_file("csv_label_control.csv"), &opt, &r, &why), PSY_OK);
    assert_true(clean_utf8(psy_reader_channel(r, 0)->label));
    assert_int_equal(psy_reader_channel(r, 0)->frames, 3);
    psy_reader_close(r);
}

static void test_events_corpus(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf");
    size_t before = psy_reader_event_count(r);
    psy_source *ev = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_source_open_path(bad_file("events_onset_text.tsv"), &ev), PSY_OK);
    assert_int_equal(psy_reader_load_events(r, ev, 0, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "line 2: onset 'abc' is not a number"));
    assert_int_equal(psy_reader_event_count(r), before); /* all or nothing */
    psy_source_close(ev);
    assert_int_equal(psy_source_open_path(bad_file("events_control_label.tsv"), &ev), PSY_OK);
    assert_int_equal(psy_reader_load_events(r, ev, 0, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), before + 1);
    for (size_t i = 0; i < psy_reader_event_count(r); i++)
        assert_true(clean_utf8(psy_reader_event(r, i)->label));
    psy_source_close(ev);
    psy_reader_close(r);
}

/* Every truncation of a valid EDF (inside the main header, the signal header, a data record) is
 * refused with a reason; none opens with a partial record. */
static void test_edf_every_truncation(void **state)
{
    (void)state;
    size_t size = 0;
    unsigned char *buf = slurp("edf_valid_reference.edf", &size);
    assert_int_equal(size, 552);
    psy_open_options opt = psy_open_options_default();
    for (size_t cut = 0; cut <= size; cut++) {
        psy_source *src = NULL;
        assert_int_equal(psy_source_open_memory(buf, cut, "cut.edf", &src), PSY_OK);
        psy_reader *r = NULL;
        psy_message why = {{0}};
        psy_status st = psy_reader_open_source(src, &opt, &r, &why);
        if (cut == size) {
            assert_int_equal(st, PSY_OK);
            assert_int_equal(psy_reader_channel(r, 0)->frames, 20);
            psy_reader_close(r);
            continue;
        }
        if (st == PSY_OK) fail_msg("EDF cut at %zu bytes opened", cut);
        assert_null(r);
        assert_true(why.text[0] != '\0');
        psy_source_close(src);
    }
    free(buf);
}

/* A WFDB record in memory: a header and its signal file, behind callbacks. */
typedef struct mem_record {
    const char *hea, *dat;
    size_t hea_size, dat_size;
    int is_dat;
} mem_record;

static int64_t rec_read_at(void *ctx, int64_t offset, void *buf, size_t n)
{
    const mem_record *m = ctx;
    const char *data = m->is_dat ? m->dat : m->hea;
    size_t size = m->is_dat ? m->dat_size : m->hea_size;
    if ((uint64_t)offset >= size) return 0;
    size_t k = size - (size_t)offset < n ? size - (size_t)offset : n;
    memcpy(buf, data + offset, k);
    return (int64_t)k;
}

static int64_t rec_size(void *ctx)
{
    const mem_record *m = ctx;
    return (int64_t)(m->is_dat ? m->dat_size : m->hea_size);
}

static psy_status rec_related(void *ctx, const char *name, psy_source **out);

static const psy_source_callbacks rec_callbacks = {rec_read_at, rec_size, rec_related, free};

static psy_status rec_related(void *ctx, const char *name, psy_source **out)
{
    const mem_record *m = ctx;
    if (strcmp(name, "cut.dat") != 0) return PSY_E_NOT_FOUND;
    mem_record *d = malloc(sizeof *d);
    if (!d) return PSY_E_NOMEM;
    *d = *m;
    d->is_dat = 1;
    psy_status st = psy_source_from_callbacks(&rec_callbacks, d, name, out);
    if (st != PSY_OK) free(d);
    return st;
}

static psy_status open_record(const mem_record *m, psy_reader **r, psy_message *why)
{
    mem_record *h = malloc(sizeof *h);
    assert_non_null(h);
    *h = *m;
    h->is_dat = 0;
    psy_source *src = NULL;
    assert_int_equal(psy_source_from_callbacks(&rec_callbacks, h, "cut.hea", &src), PSY_OK);
    psy_status st = psy_reader_open_source(src, NULL, r, why);
    if (st != PSY_OK) psy_source_close(src);
    return st;
}

/* Every truncation of a WFDB header opens fully or is refused; every truncation of its signal
 * file is refused (the header promises 50 frames). */
static void test_wfdb_every_truncation(void **state)
{
    (void)state;
    static const char hea[] = "cut 2 250 50\ncut.dat 16 200/mV 12 0 0 0 0 ECG\ncut.dat 16 100/uS 12 0 0 0 0 EDA\n";
    char dat[200];
    for (size_t i = 0; i < sizeof dat; i++) dat[i] = (char)(i * 7);
    mem_record m = {hea, dat, sizeof hea - 1, sizeof dat, 0};
    double x[50];
    for (size_t cut = 0; cut <= m.hea_size; cut++) {
        mem_record c = m;
        c.hea_size = cut;
        psy_reader *r = NULL;
        psy_message why = {{0}};
        if (open_record(&c, &r, &why) == PSY_OK) {
            for (int ch = 0; ch < psy_reader_channel_count(r); ch++) {
                int64_t n = psy_reader_channel(r, ch)->frames;
                assert_true(n <= 50);
                assert_int_equal(psy_reader_read(r, ch, 0, n, x), PSY_OK);
            }
            psy_reader_close(r);
        } else {
            assert_null(r);
            assert_true(why.text[0] != '\0');
        }
    }
    for (size_t cut = 0; cut < m.dat_size; cut++) {
        mem_record c = m;
        c.dat_size = cut;
        psy_reader *r = NULL;
        psy_message why = {{0}};
        if (open_record(&c, &r, &why) == PSY_OK) fail_msg("signal file cut at %zu bytes opened", cut);
        assert_non_null(strstr(why.text, "cut.dat"));
    }
}

/* A source of `size` bytes that repeats a pattern after a given prefix, without storing them. */
typedef struct synthetic {
    const char *prefix;
    size_t prefix_size;
    int64_t size;
    unsigned char fill;
} synthetic;

static int64_t syn_read_at(void *ctx, int64_t offset, void *buf, size_t n)
{
    const synthetic *s = ctx;
    if (offset >= s->size) return 0;
    if ((int64_t)n > s->size - offset) n = (size_t)(s->size - offset);
    unsigned char *out = buf;
    for (size_t i = 0; i < n; i++) {
        int64_t at = offset + (int64_t)i;
        out[i] = at < (int64_t)s->prefix_size ? (unsigned char)s->prefix[at] : s->fill;
    }
    return (int64_t)n;
}

static int64_t syn_size(void *ctx) { return ((const synthetic *)ctx)->size; }

static psy_source *synthetic_source(synthetic *s, const char *name)
{
    static const psy_source_callbacks cb = {syn_read_at, syn_size, NULL, NULL};
    psy_source *src = NULL;
    assert_int_equal(psy_source_from_callbacks(&cb, s, name, &src), PSY_OK);
    return src;
}

/* A CSV whose second line is 1 GB long: refused at the line cap, without reading it all. */
static void test_csv_gigabyte_line(void **state)
{
    (void)state;
    synthetic s = {"time,ECG\n0,", 11, (int64_t)1 << 30, '1'};
    psy_source *src = synthetic_source(&s, "huge.csv");
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open_source(src, NULL, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "line 2 is longer than"));
    psy_source_close(src);
}

/* An EDF that really is a terabyte (a sparse source): opens from its header alone, and its last
 * samples are read without touching the rest. */
static void test_edf_terabyte(void **state)
{
    (void)state;
    size_t size = 0;
    unsigned char *hdr = slurp("edf_valid_reference.edf", &size);
    /* 100 000 000 records of 5000 samples: 10^12 bytes of data (EDF spec: 8-char record count). */
    memcpy(hdr + 236, "99999999", 8);
    memcpy(hdr + 256 + 216, "5000    ", 8);
    synthetic s = {(const char *)hdr, 512, 512 + (int64_t)99999999 * 10000, 0};
    psy_source *src = synthetic_source(&s, "tera.edf");
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open_source(src, NULL, &r, &why), PSY_OK);
    const psy_channel_info *ch = psy_reader_channel(r, 0);
    assert_true(ch->frames == (int64_t)99999999 * 5000);
    double x[100];
    assert_int_equal(psy_reader_read(r, 0, ch->frames - 100, 100, x), PSY_OK);
    /* digital 0 in [-32768, 32767] -> [-5, 5] mV: 5 / 65535 mV (EDF spec 1992, 2.1.3) */
    assert_float_equal(x[99], 5.0 / 65535.0, 1e-9);
    psy_reader_close(r);
    free(hdr);
}

/* 9999 signals (the EDF maximum) really present, and 100 000 WFDB signal lines: opened or
 * refused in bounded time and memory, with the count named. */
static void test_many_channels(void **state)
{
    (void)state;
    enum { NS = 9999 };
    size_t hsize = 256 * (NS + 1), size = hsize + 2 * NS;
    char *buf = malloc(size);
    assert_non_null(buf);
    memset(buf, ' ', hsize);
    memset(buf + hsize, 0, size - hsize);
    memcpy(buf, "0", 1);
    memcpy(buf + 168, "01.02.0304.05.062560000", 23);
    memcpy(buf + 236, "1       1       9999", 20);
    char *f = buf + 256;
    for (int i = 0; i < NS; i++) {
        char t[17];
        snprintf(t, sizeof t, "S%d", i);
        memcpy(f + 16 * i, t, strlen(t));
        memcpy(f + 96 * NS + 8 * i, "uV", 2);
        memcpy(f + 104 * NS + 8 * i, "-1", 2);
        memcpy(f + 112 * NS + 8 * i, "1", 1);
        memcpy(f + 120 * NS + 8 * i, "-32768", 6);
        memcpy(f + 128 * NS + 8 * i, "32767", 5);
        memcpy(f + 216 * NS + 8 * i, "1", 1);
    }
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_memory(buf, size, "many.edf", &src), PSY_OK);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open_source(src, NULL, &r, &why);
    if (st != PSY_OK) fail_msg("9999 signals: %s", why.text);
    assert_int_equal(psy_reader_channel_count(r), NS);
    assert_string_equal(psy_reader_channel(r, NS - 1)->label, "S9998");
    psy_reader_close(r);
    free(buf);

    /* WFDB: 100 000 signal lines in one header. */
    enum { NW = 100000 };
    size_t cap = 64 + (size_t)NW * 40, n = 0;
    char *hea = malloc(cap);
    assert_non_null(hea);
    n += (size_t)snprintf(hea, cap, "cut %d 250 1\n", NW);
    for (int i = 0; i < NW; i++) n += (size_t)snprintf(hea + n, cap - n, "cut.dat 16 200 12 0 0 0 0 s%d\n", i);
    char *dat = calloc(NW, 2);
    assert_non_null(dat);
    mem_record m = {hea, dat, n, (size_t)NW * 2, 0};
    st = open_record(&m, &r, &why);
    if (st == PSY_OK) {
        assert_int_equal(psy_reader_channel_count(r), NW);
        psy_reader_close(r);
    } else {
        assert_non_null(strstr(why.text, "100000"));
    }
    free(hea);
    free(dat);
}


/* A CSV with 100 000 columns: refused by the column cap, naming the count. */
static void test_csv_100000_columns(void **state)
{
    (void)state;
    enum { NC = 100000 };
    size_t cap = (size_t)NC * 16, n = 0; /* header <= 8 bytes a column, rows 2 */
    char *csv = malloc(cap);
    assert_non_null(csv);
    for (int i = 0; i < NC; i++) n += (size_t)snprintf(csv + n, cap - n, i ? ",c%d" : "c%d", i);
    for (int row = 0; row < 3; row++) {
        csv[n++] = '\n';
        for (int i = 0; i < NC; i++) n += (size_t)snprintf(csv + n, cap - n, i ? ",1" : "1");
    }
    csv[n++] = '\n';
    /* with and without a rate: the device-export readers tried first must not stop at the long
     * header line */
    for (int with_rate = 0; with_rate < 2; with_rate++) {
        psy_source *src = NULL;
        assert_int_equal(psy_source_open_memory(csv, n, "wide.csv", &src), PSY_OK);
        psy_open_options opt = psy_open_options_default();
        opt.sampling_rate_hz = with_rate ? 100 : 0;
        psy_reader *r = NULL;
        psy_message why = {{0}};
        assert_int_equal(psy_reader_open_source(src, &opt, &r, &why), PSY_E_FORMAT);
        assert_non_null(strstr(why.text, "100000 columns (more than 4096)"));
        psy_source_close(src);
    }
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_refused),
        cmocka_unit_test(test_corpus_read_with_warnings),
        cmocka_unit_test(test_events_corpus),
        cmocka_unit_test(test_edf_every_truncation),
        cmocka_unit_test(test_wfdb_every_truncation),
        cmocka_unit_test(test_csv_gigabyte_line),
        cmocka_unit_test(test_edf_terabyte),
        cmocka_unit_test(test_many_channels),
        cmocka_unit_test(test_csv_100000_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
