/* Writers: recordings built in memory (reader_impl API) written as EDF+, BDF+ and BIDS physio,
 * read back with EDFlib and zlib directly (no psyphys reader involved). */
#include "test_util.h"

#include <dirent.h>
#include <edflib.h>
#include <jansson.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "edflib_lock.h"
#include "reader_impl.h"

#define TWO_PI 6.283185307179586

/* ---- an in-memory recording ---- */

typedef struct mem_rec {
    int n;
    double rates[4];
    int64_t fail_at; /* reads reaching this sample of the last channel fail (-1: never) */
} mem_rec;

static double value(int ch, int64_t i, double rate)
{
    double t = (double)i / rate;
    switch (ch) {
    case 0: return 1.5 * sin(TWO_PI * 1.3 * t);                  /* ECG-ish, mV */
    case 1: return (i >= 500 && i < 550) ? NAN : 5 + 0.5 * sin(TWO_PI * 0.1 * t); /* EDA, uS */
    case 2: return 200 * sin(TWO_PI * 0.25 * t);                  /* RESP, uV */
    default: return (double)(i % 7);
    }
}

static psy_status mem_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    mem_rec *m = impl;
    if (ch == m->n - 1 && m->fail_at >= 0 && start + n > m->fail_at) return PSY_E_IO;
    for (int64_t i = 0; i < n; i++) out[i] = value(ch, start + i, m->rates[ch]);
    return PSY_OK;
}

static void mem_destroy(void *impl) { free(impl); }

static const char *const LABELS[] = {"ECG", "EDA", "RESP", "Trig"};
static const char *const UNITS[] = {"mV", "uS", "\xc2\xb5V", ""};

/* A 10-s recording: channels at `rates`, two events, start 2024-03-04 10:20:30.25. */
static psy_reader *make_recording(int n, const double *rates, int64_t fail_at)
{
    static const psy_reader_ops ops = {mem_read, NULL, mem_destroy};
    psy_reader *r = psy_reader_new("memory");
    mem_rec *m = calloc(1, sizeof *m);
    assert_true(r && m);
    m->n = n;
    m->fail_at = fail_at;
    for (int c = 0; c < n; c++) {
        m->rates[c] = rates[c];
        psy_channel_info info = {0};
        strcpy(info.label, LABELS[c]);
        strcpy(info.file_unit, UNITS[c]);
        info.rate_hz = rates[c];
        info.frames = (int64_t)llround(10 * rates[c]);
        info.physical_min = c == 0 ? -2 : c == 2 ? -250 : NAN; /* EDA: found by a first pass */
        info.physical_max = c == 0 ? 2 : c == 2 ? 250 : NAN;
        assert_true(psy_reader_add_channel(r, &info, 0) >= 0);
    }
    psy_event a = {.onset_s = 1.2345, .duration_s = 0.5, .label = "stim A", .sample = -1, .channel = -1};
    psy_event b = {.onset_s = 3.75, .duration_s = 2.25, .label = "rest", .sample = -1, .channel = -1};
    assert_int_equal(psy_reader_add_event(r, &b), PSY_OK);
    assert_int_equal(psy_reader_add_event(r, &a), PSY_OK);
    psy_datetime start = {1, 2024, 3, 4, 10, 20, 30, 250000000, 0, 0};
    psy_reader_set_start(r, &start);
    psy_reader_set_impl(r, &ops, m);
    assert_int_equal(psy_reader_finish(r), PSY_OK);
    return r;
}

static const char *tmp_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    return path;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* No ".psyphys-*" temporary directory left in the test directory. */
static void assert_no_temporaries(void)
{
    DIR *d = opendir(test_tmpdir());
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, ".psyphys-", 9) == 0) fail_msg("left behind: %s", e->d_name);
    closedir(d);
}

/* ---- EDF / BDF ---- */

static const struct edf_annotation_struct *find_annotation(const struct edf_annotation_struct *a,
                                                           long long n, const char *text)
{
    for (long long i = 0; i < n; i++)
        if (strcmp(a[i].annotation, text) == 0) return &a[i];
    fail_msg("annotation '%s' not found", text);
    return a; /* not reached */
}

/* EDFlib returns header fields space-padded. */
static void assert_field(const char *field, const char *want)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", field);
    for (size_t n = strlen(buf); n > 0 && buf[n - 1] == ' '; n--) buf[n - 1] = '\0';
    assert_string_equal(buf, want);
}

static void check_edf(const char *path, int bdf)
{
    static struct edf_hdr_struct hdr;
    psy_edflib_lock();
    int rc = edfopen_file_readonly(path, &hdr, EDFLIB_READ_ALL_ANNOTATIONS);
    psy_edflib_unlock();
    assert_int_equal(rc, 0);
    assert_int_equal(hdr.filetype, bdf ? EDFLIB_FILETYPE_BDFPLUS : EDFLIB_FILETYPE_EDFPLUS);
    assert_int_equal(hdr.edfsignals, 3);
    assert_int_equal(hdr.datarecord_duration, EDFLIB_TIME_DIMENSION); /* 1 s */
    assert_int_equal(hdr.datarecords_in_file, 10);
    assert_int_equal(hdr.startdate_year, 2024);
    assert_int_equal(hdr.startdate_month, 3);
    assert_int_equal(hdr.startdate_day, 4);
    assert_int_equal(hdr.starttime_hour, 10);
    assert_int_equal(hdr.starttime_minute, 20);
    assert_int_equal(hdr.starttime_second, 30);
    assert_int_equal(hdr.starttime_subsecond, 2500000);
    static const int per_record[] = {100, 250, 1000};
    static const char *const units[] = {"mV", "uS", "uV"}; /* "µV" transliterated */
    int dig_min = bdf ? -8388608 : -32768;
    double *buf = malloc(10000 * sizeof *buf);
    int *dig = malloc(10000 * sizeof *dig);
    assert_true(buf && dig);
    for (int c = 0; c < 3; c++) {
        const struct edf_param_struct *p = &hdr.signalparam[c];
        assert_field(p->label, LABELS[c]);
        assert_field(p->physdimension, units[c]);
        assert_int_equal(p->smp_in_datarecord, per_record[c]);
        assert_int_equal(p->smp_in_file, 10 * per_record[c]);
        assert_int_equal(p->dig_min, dig_min);
        double step = (p->phys_max - p->phys_min) / (p->dig_max - p->dig_min);
        assert_true(step < (bdf ? 1e-4 : 0.02));
        psy_edflib_lock();
        assert_int_equal(edfseek(hdr.handle, c, 0, EDFSEEK_SET), 0);
        assert_int_equal(edfread_physical_samples(hdr.handle, c, 10 * per_record[c], buf), 10 * per_record[c]);
        assert_int_equal(edfseek(hdr.handle, c, 0, EDFSEEK_SET), 0);
        assert_int_equal(edfread_digital_samples(hdr.handle, c, 10 * per_record[c], dig), 10 * per_record[c]);
        psy_edflib_unlock();
        for (int i = 0; i < 10 * per_record[c]; i++) {
            double want = value(c, i, per_record[c]);
            if (isnan(want)) {
                assert_int_equal(dig[i], dig_min); /* NaN: the lowest digital value */
            } else {
                assert_true(dig[i] > dig_min);
                if (fabs(buf[i] - want) > step) fail_msg("ch%d sample %d: %.9g vs %.9g (step %g)", c, i, buf[i], want, step);
            }
        }
    }
    free(buf);
    free(dig);
    /* two events and one NaN run, onsets and durations at EDFlib's 100-ns read resolution */
    assert_int_equal(hdr.annotations_in_file, 3);
    struct edf_annotation_struct ann[3];
    psy_edflib_lock();
    for (int i = 0; i < 3; i++) assert_int_equal(edf_get_annotation(hdr.handle, i, &ann[i]), 0);
    edfclose_file(hdr.handle);
    psy_edflib_unlock();
    const struct edf_annotation_struct *a = find_annotation(ann, 3, "stim A");
    assert_int_equal(a->onset, 12345000);
    assert_int_equal(a->duration_l, 5000000);
    a = find_annotation(ann, 3, "rest");
    assert_int_equal(a->onset, 37500000);
    assert_int_equal(a->duration_l, 22500000);
    a = find_annotation(ann, 3, "psyphys: NaN EDA");
    assert_int_equal(a->onset, 20000000); /* sample 500 at 250 Hz */
    assert_int_equal(a->duration_l, 2000000);
}

static unsigned char *read_all(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)*size);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)*size, f), (size_t)*size);
    fclose(f);
    return data;
}

static void test_edf_and_bdf_round_trip(void **state)
{
    (void)state;
    static const double rates[] = {100, 250, 1000};
    for (int bdf = 0; bdf < 2; bdf++) {
        psy_reader *r = make_recording(3, rates, -1);
        char path[512];
        snprintf(path, sizeof path, "%s", tmp_path(bdf ? "rt.bdf" : "rt.edf"));
        psy_write_format fmt;
        assert_int_equal(psy_write_format_from_path(path, &fmt), PSY_OK);
        assert_int_equal(fmt, bdf ? PSY_WRITE_BDF : PSY_WRITE_EDF);
        psy_message why = {{0}};
        psy_status st = psy_write_recording(r, path, fmt, NULL, &why);
        if (st != PSY_OK) fail_msg("%s: %s", psy_strerror(st), why.text);
        assert_non_null(strstr(why.text, "unit '\xc2\xb5V' -> 'uV'")); /* warning on success */
        check_edf(path, bdf);
        /* existing target refused, then overwritten on request */
        assert_int_equal(psy_write_recording(r, path, fmt, NULL, &why), PSY_E_EXISTS);
        long size1, size2;
        unsigned char *first = read_all(path, &size1);
        psy_write_options opt = {.overwrite = 1};
        assert_int_equal(psy_write_recording(r, path, fmt, &opt, &why), PSY_OK);
        check_edf(path, bdf);
        unsigned char *second = read_all(path, &size2);
        assert_int_equal(size1, size2); /* same input, same bytes */
        assert_memory_equal(first, second, (size_t)size1);
        free(first);
        free(second);
        psy_reader_close(r);
    }
    assert_no_temporaries();
}

static void test_non_integer_rates(void **state)
{
    (void)state;
    /* mixedsignals-like: 249.89 Hz ECG, 124.945 Hz ABP */
    static const double rates[] = {249.89, 124.945};
    psy_reader *r = make_recording(2, rates, -1);
    const char *path = tmp_path("frac.edf");
    psy_message why = {{0}};
    psy_status st = psy_write_recording(r, path, PSY_WRITE_EDF, NULL, &why);
    if (st != PSY_OK) fail_msg("%s: %s", psy_strerror(st), why.text);
    psy_reader_close(r);
    static struct edf_hdr_struct hdr;
    psy_edflib_lock();
    assert_int_equal(edfopen_file_readonly(path, &hdr, EDFLIB_DO_NOT_READ_ANNOTATIONS), 0);
    edfclose_file(hdr.handle);
    psy_edflib_unlock();
    double d = (double)hdr.datarecord_duration / EDFLIB_TIME_DIMENSION;
    assert_true(d <= 60);
    for (int c = 0; c < 2; c++) {
        double rate = hdr.signalparam[c].smp_in_datarecord / d;
        if (fabs(rate - rates[c]) > 1e-6 * rates[c]) fail_msg("rate %.9g for %.9g (record %g s)", rate, rates[c], d);
    }
    /* 0.001 Hz needs 1000-s records: refused with the rate named, no file */
    static const double slow[] = {0.001};
    r = make_recording(1, slow, -1);
    path = tmp_path("slow.edf");
    assert_int_equal(psy_write_recording(r, path, PSY_WRITE_EDF, NULL, &why), PSY_E_UNSUPPORTED);
    assert_non_null(strstr(why.text, "0.001"));
    assert_false(exists(path));
    psy_reader_close(r);
    assert_no_temporaries();
}

static void test_failure_leaves_no_file(void **state)
{
    (void)state;
    static const double rates[] = {100, 250, 1000};
    psy_reader *r = make_recording(3, rates, 5000); /* RESP read fails halfway */
    psy_message why = {{0}};
    const char *path = tmp_path("fail.edf");
    assert_int_equal(psy_write_recording(r, path, PSY_WRITE_EDF, NULL, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "RESP"));
    assert_false(exists(path));
    path = tmp_path("fail_physio.tsv.gz");
    static const double same[] = {250, 250, 250};
    psy_reader_close(r);
    r = make_recording(3, same, 1000);
    assert_int_equal(psy_write_recording(r, path, PSY_WRITE_BIDS_TSV, NULL, &why), PSY_E_IO);
    assert_false(exists(path));
    assert_false(exists(tmp_path("fail_physio.json")));
    assert_false(exists(tmp_path("fail_physioevents.tsv.gz")));
    psy_reader_close(r);
    /* a directory that does not exist */
    r = make_recording(3, same, -1);
    assert_int_equal(psy_write_recording(r, "/nonexistent-dir/x.edf", PSY_WRITE_EDF, NULL, &why), PSY_E_IO);
    assert_int_equal(psy_write_recording(r, tmp_path("x.txt"), PSY_WRITE_BIDS_TSV, NULL, &why), PSY_E_INVALID);
    psy_write_format fmt;
    assert_int_equal(psy_write_format_from_path("a.csv", &fmt), PSY_E_INVALID);
    assert_int_equal(psy_write_format_from_path("a_physio.TSV.GZ", &fmt), PSY_OK);
    assert_int_equal(fmt, PSY_WRITE_BIDS_TSV);
    psy_reader_close(r);
    assert_no_temporaries();
}

static void test_never_onto_the_input(void **state)
{
    (void)state;
    /* a WAV named like an EDF, opened as audio, written back onto itself */
    char path[512];
    snprintf(path, sizeof path, "%s", tmp_path("input.edf"));
    SF_INFO info = {.samplerate = 100, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    assert_non_null(sf);
    short samples[100] = {0};
    assert_int_equal(sf_writef_short(sf, samples, 100), 100);
    sf_close(sf);
    psy_open_options opt = psy_open_options_default();
    opt.format = "sndfile";
    opt.sampling_rate_hz = 100;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open(path, &opt, &r, &why), PSY_OK);
    psy_write_options wopt = {.overwrite = 1};
    assert_int_equal(psy_write_recording(r, path, PSY_WRITE_EDF, &wopt, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "input"));
    psy_reader_close(r);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, 44 + 200); /* untouched */
}

/* ---- BIDS ---- */

/* Decompresses a .tsv.gz into a malloc'd string. */
static char *gunzip(const char *path)
{
    gzFile gz = gzopen(path, "rb");
    assert_non_null(gz);
    size_t cap = 1 << 20, n = 0;
    char *text = malloc(cap);
    int got;
    while ((got = gzread(gz, text + n, (unsigned)(cap - n - 1))) > 0) {
        n += (size_t)got;
        if (cap - n < 2) text = realloc(text, cap *= 2);
    }
    gzclose(gz);
    text[n] = '\0';
    return text;
}

/* Labels that begin with blanks then a quote (a program's own events, psyphys/reader_arrays.h):
 * every tab and line break is written as a blank, and a cell that begins with a quote after
 * blanks is read as a quoted one, so it is written quoted; read back, as every label, without
 * blanks at its ends. Was: only spaces counted, a tab then a quote went bare and read back as
 * the quoted cell, x of '"x" y'. */
static void test_bids_quoted_labels(void **state)
{
    (void)state;
    static const double v[20] = {0};
    psy_array_channel ch = {"ECG", PSY_CH_ECG, "mV", 10, v, NULL, 20};
    static const char *const labels[][2] = {{"\t\"x\" y", "\"x\" y"}, {"\n \"n", "\"n"}, {"  \"s", "\"s"},
                                            {"\"q", "\"q"},             {"a\t\"b", "a \"b"}};
    enum { N = sizeof labels / sizeof labels[0] };
    psy_event ev[N];
    for (int i = 0; i < N; i++)
        ev[i] = (psy_event){.onset_s = i, .duration_s = NAN, .label = labels[i][0], .detail = "", .sample = -1,
                            .channel = -1};
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_reader_from_arrays(&ch, 1, ev, N, &r, &why), PSY_OK);
    const char *path = tmp_path("sub-01_task-quoted_physio.tsv.gz");
    if (psy_write_recording(r, path, PSY_WRITE_BIDS_TSV, NULL, &why) != PSY_OK) fail_msg("%s", why.text);
    psy_reader_close(r);
    assert_int_equal(psy_reader_open(path, NULL, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), N);
    for (int i = 0; i < N; i++) assert_string_equal(psy_reader_event(r, (size_t)i)->label, labels[i][1]);
    psy_reader_close(r);
}

static void test_bids_round_trip(void **state)
{
    (void)state;
    static const double same[] = {250, 250, 250};
    psy_reader *r = make_recording(3, same, -1);
    const char *path = tmp_path("sub-01_task-rest_physio.tsv.gz");
    char keep[512];
    snprintf(keep, sizeof keep, "%s", path);
    psy_message why = {{0}};
    psy_status st = psy_write_recording(r, keep, PSY_WRITE_BIDS_TSV, NULL, &why);
    if (st != PSY_OK) fail_msg("%s: %s", psy_strerror(st), why.text);

    char *tsv = gunzip(keep);
    int rows = 0;
    for (char *line = strtok(tsv, "\n"); line; line = strtok(NULL, "\n"), rows++) {
        char *cells[4] = {0};
        int k = 0;
        for (char *p = line; k < 4; k++) {
            cells[k] = p;
            p = strchr(p, '\t');
            if (!p) break;
            *p++ = '\0';
        }
        assert_int_equal(k, 2); /* three columns */
        for (int c = 0; c < 3; c++) {
            double want = value(c, rows, 250);
            if (isnan(want)) {
                assert_string_equal(cells[c], "n/a");
            } else {
                double got = strtod(cells[c], NULL);
                if (fabs(got - want) > 1e-9 * fmax(1, fabs(want))) fail_msg("row %d col %d: %s", rows, c, cells[c]);
            }
        }
    }
    assert_int_equal(rows, 2500);
    free(tsv);

    json_error_t err;
    json_t *j = json_load_file(tmp_path("sub-01_task-rest_physio.json"), 0, &err);
    assert_non_null(j);
    assert_true(json_number_value(json_object_get(j, "SamplingFrequency")) == 250);
    assert_true(json_number_value(json_object_get(j, "StartTime")) == 0);
    json_t *cols = json_object_get(j, "Columns");
    assert_int_equal(json_array_size(cols), 3);
    assert_string_equal(json_string_value(json_array_get(cols, 2)), "RESP");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "RESP"), "Units")), "\xc2\xb5V");
    json_decref(j);

    char *ev = gunzip(tmp_path("sub-01_task-rest_physioevents.tsv.gz"));
    assert_string_equal(ev, "1.2345\t0.5\tstim A\n3.75\t2.25\trest\n");
    free(ev);
    j = json_load_file(tmp_path("sub-01_task-rest_physioevents.json"), 0, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "Columns"), 2)), "trial_type");
    json_decref(j);

    /* existing target refused, even when only the sidecar exists */
    assert_int_equal(psy_write_recording(r, keep, PSY_WRITE_BIDS_TSV, NULL, &why), PSY_E_EXISTS);
    remove(keep);
    assert_int_equal(psy_write_recording(r, keep, PSY_WRITE_BIDS_TSV, NULL, &why), PSY_E_EXISTS);
    assert_false(exists(keep));
    psy_reader_close(r);

    /* mixed rates: refused, rates named, nothing written */
    static const double mixed[] = {100, 250, 1000};
    r = make_recording(3, mixed, -1);
    path = tmp_path("mixed_physio.tsv.gz");
    assert_int_equal(psy_write_recording(r, path, PSY_WRITE_BIDS_TSV, NULL, &why), PSY_E_UNSUPPORTED);
    assert_non_null(strstr(why.text, "ECG 100 Hz, EDA 250 Hz, RESP 1000 Hz"));
    assert_false(exists(path));
    assert_false(exists(tmp_path("mixed_physio.json")));
    psy_reader_close(r);
    assert_no_temporaries();
}

/* ---- gaps, irregular channels, long texts, many annotations ---- */

typedef struct edge_rec {
    int64_t frames;
} edge_rec;

static psy_status edge_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)impl;
    for (int64_t i = 0; i < n; i++) out[i] = ch == 0 ? (double)(start + i) : 800 + 10.0 * (double)(start + i);
    return PSY_OK;
}

static psy_status edge_times(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)impl;
    (void)ch;
    for (int64_t i = 0; i < n; i++) out[i] = 0.8 * (double)(start + i + 1);
    return PSY_OK;
}

static void edge_destroy(void *impl) { free(impl); }

/* EDF+D-like: 100 Hz "x" (values = input index, declared range +-declared_max) with data in [0, 1) s and [2, 4) s; an RR list;
 * `n_events` events, the first with a 60-byte label and no duration. */
static psy_reader *make_gapped(int n_events, double declared_max)
{
    static const psy_reader_ops ops = {edge_read, edge_times, edge_destroy};
    psy_reader *r = psy_reader_new("memory");
    assert_non_null(r);
    psy_channel_info x = {0};
    strcpy(x.label, "a label longer than sixteen bytes");
    strcpy(x.file_unit, "mV");
    x.rate_hz = 100;
    x.frames = 300;
    x.physical_min = -declared_max;
    x.physical_max = declared_max;
    assert_int_equal(psy_reader_add_channel(r, &x, 0), 0);
    psy_channel_info rr = {0};
    strcpy(rr.label, "RR");
    strcpy(rr.file_unit, "ms");
    rr.frames = 4;
    rr.physical_min = rr.physical_max = NAN;
    assert_int_equal(psy_reader_add_channel(r, &rr, 0), 1);
    for (int i = 0; i < n_events; i++) {
        psy_event e = {.onset_s = 0.01 * i, .duration_s = i ? 0.005 : NAN, .sample = -1, .channel = -1,
                       .label = i ? "tick" : "a very long event label that EDFlib cannot store whole"};
        assert_int_equal(psy_reader_add_event(r, &e), PSY_OK);
    }
    assert_int_equal(psy_reader_add_stretch(r, 0, 1), PSY_OK);
    assert_int_equal(psy_reader_add_stretch(r, 2, 2), PSY_OK);
    psy_reader_set_impl(r, &ops, calloc(1, sizeof(edge_rec)));
    assert_int_equal(psy_reader_finish(r), PSY_OK);
    return r;
}

static void test_gaps_and_edge_cases(void **state)
{
    (void)state;
    psy_reader *r = make_gapped(1, 300);
    char path[512];
    snprintf(path, sizeof path, "%s", tmp_path("gaps.edf"));
    psy_message why = {{0}};
    psy_status st = psy_write_recording(r, path, PSY_WRITE_EDF, NULL, &why);
    if (st != PSY_OK) fail_msg("%s: %s", psy_strerror(st), why.text);
    assert_non_null(strstr(why.text, "irregular channel 'RR' skipped"));
    assert_non_null(strstr(why.text, "no start date-time"));
    assert_non_null(strstr(why.text, "-> 'a label longer t'"));
    assert_non_null(strstr(why.text, "1 annotation texts cut to 40 bytes"));

    static struct edf_hdr_struct hdr;
    int dig[400];
    double phys[400];
    struct edf_annotation_struct ann[2];
    psy_edflib_lock();
    assert_int_equal(edfopen_file_readonly(path, &hdr, EDFLIB_READ_ALL_ANNOTATIONS), 0);
    assert_int_equal(hdr.edfsignals, 1);
    assert_int_equal(hdr.signalparam[0].smp_in_file, 400); /* the true time axis: 4 s */
    assert_int_equal(hdr.startdate_year, 1985); /* unknown start: EDF's earliest date, not "now" */
    assert_int_equal(hdr.startdate_day, 1);
    assert_int_equal(hdr.starttime_hour, 0);
    assert_int_equal(edfread_digital_samples(hdr.handle, 0, 400, dig), 400);
    assert_int_equal(edfseek(hdr.handle, 0, 0, EDFSEEK_SET), 0);
    assert_int_equal(edfread_physical_samples(hdr.handle, 0, 400, phys), 400);
    assert_int_equal(hdr.annotations_in_file, 2);
    for (int i = 0; i < 2; i++) assert_int_equal(edf_get_annotation(hdr.handle, i, &ann[i]), 0);
    edfclose_file(hdr.handle);
    psy_edflib_unlock();
    double step = (hdr.signalparam[0].phys_max - hdr.signalparam[0].phys_min) / 65535;
    for (int i = 0; i < 400; i++) {
        if (i >= 100 && i < 200) {
            assert_int_equal(dig[i], -32768);
        } else {
            double want = i < 100 ? i : i - 100;
            if (fabs(phys[i] - want) > step) fail_msg("sample %d: %g != %g", i, phys[i], want);
        }
    }
    /* the unknown start is EDF+'s "Startdate X" in the recording field and reads back unknown,
     * by EDFlib and by the own parser (was: read back as 1985-01-01) */
    FILE *f = fopen(path, "rb");
    char field[12] = {0};
    assert_non_null(f);
    assert_int_equal(fseek(f, 88, SEEK_SET), 0);
    assert_int_equal(fread(field, 1, 11, f), 11);
    fclose(f);
    assert_string_equal(field, "Startdate X");
    for (int libedf = 0; libedf < 2; libedf++) {
        psy_open_options opt = psy_open_options_default();
        opt.use_libedf = libedf;
        psy_reader *back = NULL;
        assert_int_equal(psy_reader_open(path, &opt, &back, NULL), PSY_OK);
        assert_int_equal(psy_reader_start(back).known, 0);
        assert_false(has_warning(back, "EDFlib refused"));
        psy_reader_close(back);
    }
    const struct edf_annotation_struct *a = find_annotation(ann, 2, "psyphys: gap");
    assert_int_equal(a->onset, 10000000);
    assert_int_equal(a->duration_l, 10000000);
    a = find_annotation(ann, 2, "a very long event label that EDFlib cann");
    assert_int_equal(a->onset, 0);
    assert_true(a->duration_l < 0); /* none given */
    /* psyphys reads the gap it filled as no signal (NaN), the rest as written */
    psy_reader *back = NULL;
    assert_int_equal(psy_reader_open(path, NULL, &back, &why), PSY_OK);
    assert_int_equal(psy_reader_read(back, 0, 0, 400, phys), PSY_OK);
    for (int i = 0; i < 400; i++)
        if (i >= 100 && i < 200) assert_true(isnan(phys[i]));
        else assert_true(fabs(phys[i] - (i < 100 ? i : i - 100)) <= step);
    psy_reader_close(back);

    /* a start EDF cannot hold (before 1985) is written as unknown, not as EDFlib's "now" */
    psy_reader *old = make_gapped(0, 300);
    psy_reader_set_start(old, &(psy_datetime){1, 1980, 5, 6, 7, 8, 9, 0, 0, 0});
    snprintf(path, sizeof path, "%s", tmp_path("1980.edf"));
    assert_int_equal(psy_write_recording(old, path, PSY_WRITE_EDF, NULL, &why), PSY_OK);
    assert_non_null(strstr(why.text, "start year 1980 outside EDF's 1985..2084"));
    psy_reader_close(old);
    old = open_or_fail(path);
    assert_int_equal(psy_reader_start(old).known, 0);
    psy_reader_close(old);

    /* BIDS: the gap is n/a rows, the RR list is skipped */
    snprintf(path, sizeof path, "%s", tmp_path("gaps_physio.tsv.gz"));
    assert_int_equal(psy_write_recording(r, path, PSY_WRITE_BIDS_TSV, NULL, &why), PSY_OK);
    char *tsv = gunzip(path);
    char *line = tsv;
    for (int i = 0; i < 400; i++) {
        char *end = strchr(line, '\n');
        assert_non_null(end);
        *end = '\0';
        if (i >= 100 && i < 200) assert_string_equal(line, "n/a");
        else assert_true(strtod(line, NULL) == (i < 100 ? i : i - 100));
        line = end + 1;
    }
    assert_string_equal(line, "");
    free(tsv);
    psy_reader_close(r);

    /* a declared range too wide for EDF's 8-character fields: the data's own range is used */
    r = make_gapped(0, 3e9);
    snprintf(path, sizeof path, "%s", tmp_path("wide.edf"));
    assert_int_equal(psy_write_recording(r, path, PSY_WRITE_EDF, NULL, &why), PSY_OK);
    psy_edflib_lock();
    assert_int_equal(edfopen_file_readonly(path, &hdr, EDFLIB_DO_NOT_READ_ANNOTATIONS), 0);
    edfclose_file(hdr.handle);
    psy_edflib_unlock();
    assert_true(hdr.signalparam[0].phys_max == 299 && hdr.signalparam[0].phys_min < 0);
    psy_reader_close(r);

    /* more annotations than EDFlib can store in 4 one-second records */
    r = make_gapped(400, 300);
    snprintf(path, sizeof path, "%s", tmp_path("many.edf"));
    assert_int_equal(psy_write_recording(r, path, PSY_WRITE_EDF, NULL, &why), PSY_OK);
    if (!strstr(why.text, "annotations dropped (EDFlib's annotation space is full)")) fail_msg("why: %s", why.text);
    assert_non_null(strstr(why.text, "1 annotation texts cut to 40 bytes"));
    psy_edflib_lock();
    assert_int_equal(edfopen_file_readonly(path, &hdr, EDFLIB_READ_ALL_ANNOTATIONS), 0);
    long long stored = hdr.annotations_in_file;
    edfclose_file(hdr.handle);
    psy_edflib_unlock();
    assert_int_equal(stored, 4 * 64); /* 64 annotation signals x 4 records, all used */
    psy_reader_close(r);
    assert_no_temporaries();
}

/* Two 360 Hz channels, "A" 3780 samples (10.5 s: the last 1-s data record half padding) and "B"
 * 3600 (10 s): values 1 + i / 1000, never the fill. */
static psy_status ramp_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)impl, (void)ch;
    for (int64_t i = 0; i < n; i++) out[i] = 1 + (double)(start + i) / 1000;
    return PSY_OK;
}

static psy_reader *make_unequal(void)
{
    static const psy_reader_ops ops = {ramp_read, NULL, NULL};
    psy_reader *r = psy_reader_new("memory");
    for (int c = 0; c < 2; c++) {
        psy_channel_info info = {0};
        strcpy(info.label, c ? "B" : "A");
        strcpy(info.file_unit, "mV");
        info.rate_hz = 360;
        info.frames = c ? 3600 : 3780;
        info.physical_min = 0, info.physical_max = 5;
        assert_true(psy_reader_add_channel(r, &info, 0) >= 0);
    }
    psy_reader_set_impl(r, &ops, NULL);
    assert_int_equal(psy_reader_finish(r), PSY_OK);
    return r;
}

/* The padding of the last data record is marked ("psyphys: gap"; a shorter channel's tail
 * "psyphys: NaN B") and psyphys reads it back as no signal: the channels end with the data, the
 * shorter one's tail is NaN; by EDFlib and by the own parser alike. */
static void test_padding_marked(void **state)
{
    (void)state;
    psy_reader *r = make_unequal();
    for (int bdf = 0; bdf < 2; bdf++) {
        const char *path = tmp_path(bdf ? "pad.bdf" : "pad.edf");
        psy_message why = {{0}};
        psy_status st = psy_write_recording(r, path, bdf ? PSY_WRITE_BDF : PSY_WRITE_EDF, NULL, &why);
        if (st != PSY_OK) fail_msg("%s: %s", psy_strerror(st), why.text);
        for (int libedf = 0; libedf < 2; libedf++) {
            psy_open_options o = psy_open_options_default();
            o.use_libedf = libedf;
            psy_reader *back = NULL;
            assert_int_equal(psy_reader_open(path, &o, &back, &why), PSY_OK);
            assert_int_equal(psy_reader_channel(back, 0)->frames, 3780);
            assert_int_equal(psy_reader_channel(back, 1)->frames, 3780);
            assert_true(fabs(psy_reader_duration(back) - 10.5) < 1e-9);
            int gap = 0, nan_b = 0;
            for (size_t i = 0; i < psy_reader_event_count(back); i++) {
                const psy_event *e = psy_reader_event(back, i);
                gap += strcmp(e->label, "psyphys: gap") == 0 && e->onset_s == 10.5 && e->duration_s == 0.5;
                nan_b += strcmp(e->label, "psyphys: NaN B") == 0 && e->onset_s == 10 && e->duration_s == 0.5;
            }
            assert_int_equal(gap, 1);
            assert_int_equal(nan_b, 1);
            double x[180];
            assert_int_equal(psy_reader_read(back, 0, 3600, 180, x), PSY_OK);
            for (int i = 0; i < 180; i++) assert_true(fabs(x[i] - (1 + (3600 + i) / 1000.0)) < 1e-3);
            assert_int_equal(psy_reader_read(back, 1, 3590, 180, x), PSY_OK);
            for (int i = 0; i < 180; i++) assert_true(i < 10 ? fabs(x[i] - (1 + (3590 + i) / 1000.0)) < 1e-3 : isnan(x[i]));
            psy_reader_close(back);
        }
    }
    psy_reader_close(r);
    assert_no_temporaries();
}

/* The channel types a reader knew come back from the copies, before a guess from the label:
 * "EDA" declared OTHER (a derived signal whose label no longer says so) stays OTHER, "RESP"
 * declared PPG stays PPG; a unit spelt out, "microsiemens", is written as EDF's "uS", not cut to
 * "microsie". */
static void test_channel_types_kept(void **state)
{
    (void)state;
    static const double rates[] = {100, 100, 100};
    static const psy_channel_type want[] = {PSY_CH_ECG, PSY_CH_OTHER, PSY_CH_PPG};
    psy_reader *r = make_recording(3, rates, -1);
    for (int c = 0; c < 3; c++) assert_int_equal(psy_reader_set_channel_type(r, c, want[c]), PSY_OK);
    assert_int_equal(psy_reader_set_channel_unit(r, 1, "microsiemens"), PSY_OK);
    static const char *const names[] = {"types.edf", "types.bdf", "sub-01_task-types_physio.tsv.gz"};
    static const psy_write_format formats[] = {PSY_WRITE_EDF, PSY_WRITE_BDF, PSY_WRITE_BIDS_TSV};
    for (int f = 0; f < 3; f++) {
        const char *path = tmp_path(names[f]);
        psy_message why = {{0}};
        psy_status st = psy_write_recording(r, path, formats[f], NULL, &why);
        if (st != PSY_OK) fail_msg("%s: %s", psy_strerror(st), why.text);
        if (f < 2 && !strstr(why.text, "unit 'microsiemens' -> 'uS'")) fail_msg("%s: notes '%s'", names[f], why.text);
        for (int libedf = 0; libedf < (f < 2 ? 2 : 1); libedf++) {
            psy_open_options o = psy_open_options_default();
            o.use_libedf = libedf;
            psy_reader *back = NULL;
            assert_int_equal(psy_reader_open(path, &o, &back, &why), PSY_OK);
            assert_int_equal(psy_reader_channel_count(back), 3);
            for (int c = 0; c < 3; c++)
                if (psy_reader_channel(back, c)->type != want[c])
                    fail_msg("%s (libedf %d): channel %d is %s", names[f], libedf, c,
                             psy_channel_type_name(psy_reader_channel(back, c)->type));
            assert_string_equal(psy_reader_channel(back, 1)->unit, f < 2 ? "uS" : "microsiemens");
            psy_reader_close(back);
        }
    }
    psy_reader_close(r);
    assert_no_temporaries();
}

/* Reference annotations (WFDB beats, a device's beat list) are no session events: written as
 * "psyphys: wfdb N" / "psyphys: device N" (EDF+ annotations, BIDS physioevents), they read back
 * as what they were, by both EDF parsers and the BIDS reader; session events stay session events. */
static void test_reference_annotations_kept(void **state)
{
    (void)state;
    static const double rates[] = {250, 250, 250};
    psy_reader *r = make_recording(3, rates, -1);
    psy_event ev[] = {
        {.onset_s = 2.5, .label = "N", .detail = "", .source = PSY_EVENTS_WFDB, .sample = 900, .code = 1},
        {.onset_s = 3.25, .label = "V", .detail = "", .source = PSY_EVENTS_WFDB, .sample = -1, .code = 5},
        {.onset_s = 4, .label = "N", .detail = "", .source = PSY_EVENTS_DEVICE, .sample = -1, .code = 1}};
    assert_int_equal(psy_reader_add_events(r, ev, 3), PSY_OK);
    static const char *const names[] = {"ref.edf", "ref.bdf", "sub-01_task-ref_physio.tsv.gz"};
    static const psy_write_format formats[] = {PSY_WRITE_EDF, PSY_WRITE_BDF, PSY_WRITE_BIDS_TSV};
    for (int f = 0; f < 3; f++) {
        const char *path = tmp_path(names[f]);
        psy_message why = {{0}};
        psy_status st = psy_write_recording(r, path, formats[f], NULL, &why);
        if (st != PSY_OK) fail_msg("%s: %s", psy_strerror(st), why.text);
        for (int libedf = 0; libedf < (f < 2 ? 2 : 1); libedf++) {
            psy_open_options o = psy_open_options_default();
            o.use_libedf = libedf;
            psy_reader *back = NULL;
            assert_int_equal(psy_reader_open(path, &o, &back, &why), PSY_OK);
            int wfdb_n = 0, wfdb_v = 0, device_n = 0, session = 0, marks = 0;
            for (size_t i = 0; i < psy_reader_event_count(back); i++) {
                const psy_event *e = psy_reader_event(back, i);
                int n = strcmp(e->label, "N") == 0, v = strcmp(e->label, "V") == 0;
                wfdb_n += n && e->source == PSY_EVENTS_WFDB && e->code == 1 && fabs(e->onset_s - 2.5) < 1e-4;
                wfdb_v += v && e->source == PSY_EVENTS_WFDB && e->code == 5 && fabs(e->onset_s - 3.25) < 1e-4;
                device_n += n && e->source == PSY_EVENTS_DEVICE && e->code == 1 && fabs(e->onset_s - 4) < 1e-4;
                session += (strcmp(e->label, "rest") == 0 || strcmp(e->label, "stim A") == 0) &&
                           e->source == (f < 2 ? PSY_EVENTS_ANNOTATION : PSY_EVENTS_FILE);
                marks += strncmp(e->label, "psyphys: wfdb", 13) == 0 || strncmp(e->label, "psyphys: device", 15) == 0;
            }
            if (wfdb_n != 1 || wfdb_v != 1 || device_n != 1 || session != 2 || marks != 0)
                fail_msg("%s (libedf %d): wfdb N %d, V %d, device N %d, session %d, marks left %d", names[f],
                         libedf, wfdb_n, wfdb_v, device_n, session, marks);
            psy_reader_close(back);
        }
    }
    psy_reader_close(r);
    assert_no_temporaries();
}

/* WFDB annotations as bytes (annot(5)): a short interval in the word, a long one in a SKIP word
 * with the 32-bit interval high half first, the end mark; the size asked first; bad input. */
static void test_wfdb_annotations_encode(void **state)
{
    (void)state;
    const int64_t sample[] = {10, 2000, 2000};
    const int code[] = {1, 5, 13};
    size_t len = 0;
    assert_int_equal(psy_wfdb_annotations_encode(sample, code, 3, NULL, 0, &len), PSY_OK);
    assert_int_equal(len, 14);
    uint8_t out[14];
    static const uint8_t expected[14] = {0x0A, 0x04, 0x00, 0xEC, 0x00, 0x00, 0xC6, 0x07,
                                         0x00, 0x14, 0x00, 0x34, 0x00, 0x00};
    assert_int_equal(psy_wfdb_annotations_encode(sample, code, 3, out, 13, &len), PSY_E_RANGE);
    assert_int_equal(psy_wfdb_annotations_encode(sample, code, 3, out, sizeof out, &len), PSY_OK);
    assert_int_equal(len, 14);
    assert_memory_equal(out, expected, 14);
    assert_int_equal(psy_wfdb_annotations_encode(NULL, NULL, 0, out, sizeof out, &len), PSY_OK);
    assert_int_equal(len, 2);
    const int64_t backwards[] = {10, 9};
    assert_int_equal(psy_wfdb_annotations_encode(backwards, code, 2, NULL, 0, &len), PSY_E_INVALID);
    const int bad_code[] = {50};
    assert_int_equal(psy_wfdb_annotations_encode(sample, bad_code, 1, NULL, 0, &len), PSY_E_INVALID);
    assert_int_equal(psy_wfdb_annotations_encode(sample, code, 1, NULL, 0, NULL), PSY_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edf_and_bdf_round_trip),
        cmocka_unit_test(test_non_integer_rates),
        cmocka_unit_test(test_failure_leaves_no_file),
        cmocka_unit_test(test_never_onto_the_input),
        cmocka_unit_test(test_bids_round_trip), cmocka_unit_test(test_bids_quoted_labels),
        cmocka_unit_test(test_gaps_and_edge_cases),
        cmocka_unit_test(test_padding_marked),
        cmocka_unit_test(test_channel_types_kept), cmocka_unit_test(test_reference_annotations_kept),
        cmocka_unit_test(test_wfdb_annotations_encode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
