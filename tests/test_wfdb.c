/* WFDB reader on real PhysioNet records in ../shared/data (skipped when absent). */
#include "test_util.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

static int is_beat_label(const char *l)
{
    static const char *const beats[] = {"N", "L", "R", "B", "A", "a", "J", "S", "V", "r",
                                        "F", "e", "j", "n", "E", "/", "f", "Q", "?", NULL};
    for (const char *const *b = beats; *b; b++)
        if (strcmp(*b, l) == 0) return 1;
    return 0;
}

#define NO_FIRST LONG_MIN

/* Reads channel ch whole (in blocks) and checks the header's first value and 16-bit checksum:
 * digital = physical * gain + baseline must come back as an exact integer; NaN stands for the
 * format's invalid-sample code `invalid`. */
static void check_digital_inv(psy_reader *r, int ch, double gain, double baseline, long first, int checksum,
                              long invalid)
{
    const psy_channel_info *c = psy_reader_channel(r, ch);
    assert_non_null(c);
    enum { B = 65536 };
    double *buf = malloc(B * sizeof *buf);
    assert_non_null(buf);
    uint16_t sum = 0;
    for (int64_t s = 0; s < c->frames; s += B) {
        int64_t n = c->frames - s < B ? c->frames - s : B;
        assert_int_equal(psy_reader_read(r, ch, s, n, buf), PSY_OK);
        for (int64_t i = 0; i < n; i++) {
            double d = isnan(buf[i]) ? (double)invalid : buf[i] * gain + baseline;
            long v = lround(d);
            assert_true(fabs(d - (double)v) < 1e-6);
            if (s == 0 && i == 0 && first != NO_FIRST) assert_int_equal(v, first);
            sum = (uint16_t)(sum + (uint16_t)v);
        }
    }
    assert_int_equal((int16_t)sum, checksum);
    free(buf);
}

static void check_digital(psy_reader *r, int ch, double gain, double baseline, long first, int checksum)
{
    check_digital_inv(r, ch, gain, baseline, first, checksum, LONG_MIN);
}

static size_t count_label(const psy_reader *r, const char *label, size_t *beats)
{
    size_t n = 0;
    *beats = 0;
    for (size_t i = 0; i < psy_reader_event_count(r); i++) {
        const psy_event *e = psy_reader_event(r, i);
        if (strcmp(e->label, label) == 0) n++;
        if (is_beat_label(e->label)) (*beats)++;
    }
    return n;
}

/* The rdann text export must list the same annotations, field by field. */
static void check_rdann(const psy_reader *r, const char *txt)
{
    FILE *fp = fopen(shared_data(txt), "r");
    assert_non_null(fp);
    char line[512];
    assert_non_null(fgets(line, sizeof line, fp)); /* column names */
    size_t i = 0;
    while (fgets(line, sizeof line, fp)) {
        char time[32], type[16];
        long long sample;
        int sub, chan, num;
        assert_int_equal(sscanf(line, "%31s %lld %15s %d %d %d", time, &sample, type, &sub, &chan, &num), 6);
        const psy_event *e = psy_reader_event(r, i++);
        assert_non_null(e);
        assert_int_equal(e->sample, sample);
        assert_string_equal(e->label, type);
        assert_int_equal(e->subtype, sub);
        assert_int_equal(e->channel < 0 ? 0 : e->channel, chan);
        assert_int_equal(e->number, num);
        assert_int_equal(e->source, PSY_EVENTS_WFDB);
        assert_true(fabs(e->onset_s - (double)sample / 360.0) < 1e-9);
        char *tab = strchr(line, '\t');
        char aux[256] = "";
        if (tab) {
            snprintf(aux, sizeof aux, "%s", tab + 1);
            aux[strcspn(aux, "\r\n")] = '\0';
        }
        assert_string_equal(e->detail, aux);
    }
    fclose(fp);
    assert_int_equal(i, psy_reader_event_count(r));
}

static psy_reader *open_mitdb(const char *rec)
{
    char rel[64];
    snprintf(rel, sizeof rel, "mitdb/%s.hea", rec);
    return open_or_fail(shared_data(rel));
}

static void test_mitdb_100(void **state)
{
    (void)state;
    psy_reader *r = open_mitdb("100");
    assert_string_equal(psy_reader_format(r), "WFDB");
    assert_int_equal(psy_reader_channel_count(r), 2);
    const psy_channel_info *c0 = psy_reader_channel(r, 0), *c1 = psy_reader_channel(r, 1);
    assert_string_equal(c0->label, "MLII");
    assert_string_equal(c1->label, "V5");
    assert_string_equal(c0->unit, "mV");
    assert_int_equal(c0->type, PSY_CH_ECG);
    assert_true(c0->rate_hz == 360.0 && c1->rate_hz == 360.0);
    assert_int_equal(c0->frames, 650000);
    assert_true(fabs(c0->resolution - 1.0 / 200) < 1e-15);
    assert_true(c0->physical_min == (0 - 1024) / 200.0 && c0->physical_max == (2047 - 1024) / 200.0);
    assert_true(fabs(psy_reader_duration(r) - 650000 / 360.0) < 1e-9);
    assert_int_equal(psy_reader_start(r).known, 0);
    assert_int_equal(psy_reader_warning_count(r), 0);
    double v;
    assert_int_equal(psy_reader_read(r, 0, 0, 1, &v), PSY_OK);
    assert_true(v == (995 - 1024) / 200.0);
    check_digital(r, 0, 200, 1024, 995, -22131);
    check_digital(r, 1, 200, 1024, 1011, 20052);
    /* random access after a full pass: the last sample and one in the middle again */
    double a, b;
    assert_int_equal(psy_reader_read(r, 1, 649999, 1, &a), PSY_OK);
    assert_int_equal(psy_reader_read(r, 0, 0, 1, &b), PSY_OK);
    assert_true(b == v);
    assert_int_equal(psy_reader_read(r, 0, 649999, 2, &a), PSY_E_RANGE);
    size_t beats;
    assert_int_equal(psy_reader_event_count(r), 2274);
    assert_int_equal(count_label(r, "V", &beats), 1);
    assert_int_equal(beats, 2273);
    const psy_event *e = psy_reader_event(r, 0);
    assert_string_equal(e->label, "+");
    assert_string_equal(e->detail, "(N");
    assert_int_equal(e->sample, 18);
    assert_int_equal(e->code, 28);
    assert_int_equal(e->channel, -1);
    e = psy_reader_event(r, 1);
    assert_string_equal(e->label, "N");
    assert_int_equal(e->code, 1);
    assert_int_equal(e->sample, 77);
    check_rdann(r, "mitdb/annotations_txt/100annotations.txt");
    /* a label is stored once: every "N" is the same string */
    const char *n_label = psy_reader_event(r, 1)->label;
    for (size_t i = 0; i < psy_reader_event_count(r); i++)
        if (strcmp(psy_reader_event(r, i)->label, "N") == 0) assert_ptr_equal(psy_reader_event(r, i)->label, n_label);
    psy_reader_close(r);

    /* skip_annotations: the same record without its .atr, signals unchanged */
    psy_open_options o = psy_open_options_default();
    o.skip_annotations = 1;
    assert_int_equal(psy_reader_open(shared_data("mitdb/100.hea"), &o, &r, NULL), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 0);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 650000);
    assert_true(fabs(psy_reader_duration(r) - 650000 / 360.0) < 1e-9);
    assert_int_equal(psy_reader_read(r, 0, 0, 1, &a), PSY_OK);
    assert_true(a == v);
    psy_reader_close(r);
}

static void test_mitdb_105_113(void **state)
{
    (void)state;
    size_t beats;
    psy_reader *r = open_mitdb("105");
    assert_string_equal(psy_reader_channel(r, 1)->label, "V1");
    check_digital(r, 0, 200, 1024, 935, -24679);
    check_digital(r, 1, 200, 1024, 1076, -15565);
    assert_int_equal(psy_reader_event_count(r), 2691);
    assert_int_equal(count_label(r, "V", &beats), 41);
    assert_int_equal(beats, 2572);
    check_rdann(r, "mitdb/annotations_txt/105annotations.txt");
    psy_reader_close(r);

    r = open_mitdb("113");
    check_digital(r, 0, 200, 1024, 932, -32352);
    check_digital(r, 1, 200, 1024, 1050, 24178);
    assert_int_equal(count_label(r, "V", &beats), 0);
    assert_int_equal(beats, 1795);
    check_rdann(r, "mitdb/annotations_txt/113annotations.txt");
    psy_reader_close(r);
}

/* A record may be named by its record name or by its signal file. */
static void test_header_for_path(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s", shared_data("mitdb/100.dat"));
    char *hea = psy_wfdb_header_for_path(path);
    assert_non_null(hea);
    assert_true(psy_has_suffix_ci(hea, "mitdb/100.hea"));
    free(hea);
    path[strlen(path) - 4] = '\0'; /* ".../mitdb/100" */
    hea = psy_wfdb_header_for_path(path);
    assert_non_null(hea);
    assert_true(psy_has_suffix_ci(hea, "mitdb/100.hea"));
    free(hea);
    psy_reader *r = open_or_fail(path);
    assert_int_equal(psy_reader_channel_count(r), 2);
    psy_reader_close(r);
    /* a signal file whose header has another stem: found by scanning the directory */
    hea = psy_wfdb_header_for_path(shared_data("wfdb_python_samples/mixedsignals_p.dat"));
    assert_non_null(hea);
    assert_true(psy_has_suffix_ci(hea, "/mixedsignals.hea"));
    free(hea);
    hea = psy_wfdb_header_for_path(shared_data("wfdb_python_samples/flacformats.d1"));
    assert_non_null(hea);
    assert_true(psy_has_suffix_ci(hea, "/flacformats.hea"));
    free(hea);
    assert_null(psy_wfdb_header_for_path(shared_data("mitdb/100.hea")));
    assert_null(psy_wfdb_header_for_path(shared_data("wfdb_python_samples/test_generator_2.edf")));
    assert_null(psy_wfdb_header_for_path(shared_data("wfdb_python_samples/SC4001E0-PSG.wav")));
}

static void test_flac_formats(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(shared_data("wfdb_python_samples/flacformats.hea"));
    assert_int_equal(psy_reader_channel_count(r), 3);
    static const long first[] = {-127, -32766, -8388605};
    static const int sums[] = {-484, -750, 8721};
    for (int ch = 0; ch < 3; ch++) {
        const psy_channel_info *c = psy_reader_channel(r, ch);
        assert_true(c->rate_hz == 200.0);
        assert_int_equal(c->frames, 499);
        check_digital(r, ch, 200, 0, first[ch], sums[ch]);
    }
    assert_string_equal(psy_reader_channel(r, 2)->label, "sig 2, fmt 524");
    psy_reader_close(r);
}

static void test_mixed_signals(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(shared_data("wfdb_python_samples/mixedsignals.hea"));
    assert_int_equal(psy_reader_channel_count(r), 6);
    static const char *const labels[] = {"II", "III", "V", "ABP", "Pleth", "Resp"};
    static const char *const units[] = {"mV", "mV", "mV", "mmHg", "NU", "Ohm"};
    static const int spf[] = {4, 4, 4, 2, 2, 1};
    static const double gain[] = {200, 200, 200, 16, 4096, 4093}, base[] = {8192, 8192, 8192, 800, 0, 2};
    static const int sums[] = {24460, 19772, 22261, 49347 - 65536, 36026 - 65536, 35395 - 65536};
    for (int ch = 0; ch < 6; ch++) {
        const psy_channel_info *c = psy_reader_channel(r, ch);
        assert_string_equal(c->label, labels[ch]);
        assert_string_equal(c->file_unit, units[ch]);
        assert_true(fabs(c->rate_hz - 62.4725 * spf[ch]) < 1e-9); /* not libsndfile's 96 kHz */
        assert_int_equal(c->frames, 14400 * spf[ch]);
        assert_true(fabs(c->resolution - 1 / gain[ch]) < 1e-15);
        /* the header's initial value 0 is not the first sample: those are invalid (NaN) */
        check_digital_inv(r, ch, gain[ch], base[ch], NO_FIRST, sums[ch], -32768);
    }
    double v;
    assert_int_equal(psy_reader_read(r, 0, 0, 1, &v), PSY_OK);
    assert_true(isnan(v));
    assert_true(fabs(psy_reader_channel(r, 0)->rate_hz - 249.89) < 1e-9);
    assert_true(fabs(psy_reader_duration(r) - 14400 / 62.4725) < 1e-9);
    psy_reader_close(r);
}

/* test_generator_2.hea describes a test_generator_2.dat that is not there (only the EDF is). */
static void test_header_without_signal_file(void **state)
{
    (void)state;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_open_options opt = psy_open_options_default();
    assert_int_equal(psy_reader_open(shared_data("wfdb_python_samples/test_generator_2.hea"), &opt, &r, &why),
                     PSY_E_NOT_FOUND);
    assert_null(r);
    assert_non_null(strstr(why.text, "test_generator_2.dat"));
}

static void test_icu(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(shared_data("pcst_hrv_reference/icu/TestICU.hea"));
    assert_int_equal(psy_reader_channel_count(r), 6);
    static const long first[] = {0, 0, 42, 33, 0, -1};
    static const int sums[] = {-1655, -42, -16794, 347, -5590, -26251};
    for (int ch = 0; ch < 6; ch++) {
        const psy_channel_info *c = psy_reader_channel(r, ch);
        char label[16];
        snprintf(label, sizeof label, "col %d", ch + 1);
        assert_string_equal(c->label, label);
        assert_true(c->rate_hz == 125.0);
        assert_int_equal(c->frames, 37500);
        check_digital(r, ch, 1, 0, first[ch], sums[ch]);
    }
    assert_true(fabs(psy_reader_duration(r) - 300.0) < 1e-12);
    psy_reader_close(r);
}

/* wfdb2mat output: format 16 after a 24-byte MAT header ("16+24"), same samples as 105.dat. */
static void test_mat_offset(void **state)
{
    (void)state;
    psy_reader *m = open_or_fail(shared_data("pcst_hrv_reference/mitdb_matlab/105m.mat"));
    psy_reader *d = open_mitdb("105");
    assert_int_equal(psy_reader_channel_count(m), 2);
    assert_int_equal(psy_reader_event_count(m), 0);
    enum { B = 65536 };
    double *x = malloc(B * sizeof *x), *y = malloc(B * sizeof *y);
    for (int ch = 0; ch < 2; ch++) {
        assert_int_equal(psy_reader_channel(m, ch)->frames, 650000);
        for (int64_t s = 0; s < 650000; s += B) {
            int64_t n = 650000 - s < B ? 650000 - s : B;
            assert_int_equal(psy_reader_read(m, ch, s, n, x), PSY_OK);
            assert_int_equal(psy_reader_read(d, ch, s, n, y), PSY_OK);
            assert_memory_equal(x, y, (size_t)n * sizeof *x);
        }
    }
    free(x);
    free(y);
    psy_reader_close(m);
    psy_reader_close(d);
}

static void test_annotation_only_record(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(shared_data("pcst_hrv_reference/nsr2db/nsr001.hea"));
    assert_int_equal(psy_reader_channel_count(r), 0);
    assert_int_equal(psy_reader_event_count(r), 106835);
    const psy_event *last = psy_reader_event(r, 106834);
    assert_true(fabs(psy_reader_duration(r) - (double)last->sample / 128.0) < 1e-9);
    assert_true(psy_reader_duration(r) > 22 * 3600.0 && psy_reader_duration(r) < 23 * 3600.0);
    for (size_t i = 0; i < 106835; i++) {
        const psy_event *e = psy_reader_event(r, i);
        assert_true(e->onset_s == (double)e->sample / 128.0);
    }
    size_t beats;
    count_label(r, "N", &beats);
    assert_true(beats > 100000);
    double last_onset = last->onset_s;
    psy_reader_close(r);

    /* skip_annotations does not apply: the annotations are the record */
    psy_open_options o = psy_open_options_default();
    o.skip_annotations = 1;
    assert_int_equal(psy_reader_open(shared_data("pcst_hrv_reference/nsr2db/nsr001.hea"), &o, &r, NULL), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 106835);
    psy_reader_close(r);

    /* the same annotation file opened directly: time base from nsr001.hea */
    r = open_or_fail(shared_data("pcst_hrv_reference/nsr2db/nsr001.ecg"));
    assert_int_equal(psy_reader_event_count(r), 106835);
    assert_true(psy_reader_event(r, 106834)->onset_s == last_onset);
    psy_reader_close(r);
}

/* A broken annotation file beside a record is ignored with a warning and leaves none of its
 * events behind (they are read into the record's list, then dropped), while a good one beside
 * it is kept. */
static void test_broken_annotation_file_dropped(void **state)
{
    (void)state;
    static const char hea[] = "brk 1 100 200\nbrk.dat 16 1 16 0 0 0 0 ECG\n";
    unsigned char dat[400] = {0};
    write_temp_file("brk.hea", hea, strlen(hea));
    write_temp_file("brk.dat", dat, sizeof dat);
    /* .atr: two N beats, then a SKIP word cut short */
    static const unsigned char atr[] = {10, 1 << 2, 20, 1 << 2, 0, 59 << 2, 0};
    write_temp_file("brk.atr", atr, sizeof atr);
    /* .qrs: one V beat at 50, the end mark */
    static const unsigned char qrs[] = {50, 5 << 2, 0, 0};
    const char *path = write_temp_file("brk.qrs", qrs, sizeof qrs);
    char hea_path[512];
    snprintf(hea_path, sizeof hea_path, "%.*s.hea", (int)(strlen(path) - 4), path);
    psy_reader *r = open_or_fail(hea_path);
    assert_int_equal(psy_reader_event_count(r), 1);
    assert_string_equal(psy_reader_event(r, 0)->label, "V");
    assert_int_equal(psy_reader_event(r, 0)->sample, 50);
    int warned = 0;
    for (size_t i = 0; i < psy_reader_warning_count(r); i++)
        warned |= strstr(psy_reader_warning(r, i), "'brk.atr' was ignored") != NULL;
    assert_true(warned);
    psy_reader_close(r);
}

static void test_qrs_needs_rate(void **state)
{
    (void)state;
    const char *path = shared_data("pcst_hrv_reference/afdb/03665.qrs");
    psy_open_options opt = psy_open_options_default();
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open(path, &opt, &r, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "--fs"));
    opt.sampling_rate_hz = 250;
    assert_int_equal(psy_reader_open(path, &opt, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 52765);
    assert_int_equal(psy_reader_channel_count(r), 0);
    const psy_event *e = psy_reader_event(r, 52764);
    assert_true(e->onset_s == (double)e->sample / 250.0);
    assert_true(fabs(psy_reader_duration(r) - e->onset_s) < 1e-9);
    psy_reader_close(r);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mitdb_100),
        cmocka_unit_test(test_mitdb_105_113),
        cmocka_unit_test(test_header_for_path),
        cmocka_unit_test(test_flac_formats),
        cmocka_unit_test(test_mixed_signals),
        cmocka_unit_test(test_header_without_signal_file),
        cmocka_unit_test(test_icu),
        cmocka_unit_test(test_mat_offset),
        cmocka_unit_test(test_annotation_only_record),
        cmocka_unit_test(test_qrs_needs_rate),
        cmocka_unit_test(test_broken_annotation_file_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
