/* The rate rule (psyphys/recording.h): a given sampling rate is the rate of files without one
 * (or with a fake one); a file that declares its rate keeps it unless override_rate, and the
 * override scales every time the file states. Regression: `psyphys batch DIR --fs 100` over a
 * headerless CSV and MIT-BIH 100 read 100 at 100 Hz (21 bpm); --fs overrode a CSV time column
 * silently and a WFDB header with a warning only in the sidecar; EDF ignored it silently. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static psy_reader *open_rate(const char *path, double fs, int override, psy_status want)
{
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    opt.override_rate = override;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(path, &opt, &r, &why);
    if (st != want) fail_msg("%s: %s (%s)", path, psy_strerror(st), why.text);
    return r;
}

static const char *demo_edf(void) { return PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf"; }

/* 5 s at 100 Hz with a time column in seconds. */
static const char *csv_with_time(void)
{
    static char path[512];
    size_t cap = 64 + 500 * 32, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    n += (size_t)snprintf(text + n, cap - n, "time,ECG\n");
    for (int i = 0; i < 500; i++) n += (size_t)snprintf(text + n, cap - n, "%.2f,%d\n", i / 100.0, i % 7);
    snprintf(path, sizeof path, "%s", write_temp_file("timed.csv", text, n));
    free(text);
    return path;
}

static void test_csv_time_column_keeps_its_rate(void **state)
{
    (void)state;
    const char *path = csv_with_time();
    psy_reader *r = open_rate(path, 1000, 0, PSY_OK);
    assert_true(fabs(psy_reader_channel(r, 0)->rate_hz - 100) < 1e-9);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_FILE);
    assert_true(fabs(psy_reader_declared_rate(r) - 100) < 1e-9);
    assert_true(has_warning(r, "declares 100 Hz: the given rate 1000 Hz"));
    psy_reader_close(r);
    /* the same rate given: nothing to say */
    r = open_rate(path, 100, 0, PSY_OK);
    assert_int_equal(psy_reader_warning_count(r), 0);
    psy_reader_close(r);
    /* overridden: the file's 5 s become 0.5 s */
    r = open_rate(path, 1000, 1, PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 1000);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_OVERRIDDEN);
    assert_true(fabs(psy_reader_declared_rate(r) - 100) < 1e-9);
    assert_true(fabs(psy_reader_duration(r) - 0.5) < 1e-9);
    assert_true(has_warning(r, "overridden by the given 1000 Hz"));
    psy_reader_close(r);
}

static void test_csv_without_rate_takes_the_given_one(void **state)
{
    (void)state;
    char text[4096] = "ECG\n";
    for (int i = 0; i < 400; i++) strcat(text, i % 2 ? "1\n" : "-1\n");
    const char *path = write_temp_file("bare.csv", text, strlen(text));
    psy_reader *r = open_rate(path, 250, 0, PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 250);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_GIVEN);
    assert_true(psy_reader_declared_rate(r) == 0);
    psy_reader_close(r);
    open_rate(path, 0, 0, PSY_E_FORMAT); /* no rate at all */
}

static void test_edf_keeps_its_rate(void **state)
{
    (void)state;
    for (int libedf = 0; libedf < 2; libedf++) {
        psy_open_options opt = psy_open_options_default();
        opt.use_libedf = libedf;
        opt.sampling_rate_hz = 250;
        psy_reader *r = NULL;
        assert_int_equal(psy_reader_open(demo_edf(), &opt, &r, NULL), PSY_OK);
        assert_true(psy_reader_channel(r, 0)->rate_hz == 100);
        assert_true(fabs(psy_reader_duration(r) - 150) < 1e-9);
        assert_true(has_warning(r, "declares 100 Hz: the given rate 250 Hz"));
        double first = psy_reader_event(r, 0)->onset_s;
        psy_reader_close(r);
        opt.override_rate = 1;
        assert_int_equal(psy_reader_open(demo_edf(), &opt, &r, NULL), PSY_OK);
        assert_true(psy_reader_channel(r, 0)->rate_hz == 250);
        assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_OVERRIDDEN);
        assert_true(fabs(psy_reader_duration(r) - 60) < 1e-9);
        assert_true(fabs(psy_reader_event(r, 0)->onset_s - first * 0.4) < 1e-9); /* annotations too */
        psy_reader_close(r);
    }
}

/* A WFDB record at 360 Hz (one format-16 signal, 3600 frames) with beats every second in 'rec.atr';
 * `freq` "" writes a header without a frequency (and so without a length). Returns the header's
 * path. */
static const char *wfdb_record(const char *name, const char *freq, int nsig)
{
    static char path[512];
    char hea[256], dat_name[64], atr_name[64];
    snprintf(dat_name, sizeof dat_name, "%s.dat", name);
    snprintf(atr_name, sizeof atr_name, "%s.atr", name);
    if (!freq[0]) /* the number of samples follows the frequency: without it, none */
        snprintf(hea, sizeof hea, "%s 1\n%s 16 200 16 0 0 0 0 ECG\n", name, dat_name);
    else if (nsig)
        snprintf(hea, sizeof hea, "%s 1 %s 3600\n%s 16 200 16 0 0 0 0 ECG\n", name, freq, dat_name);
    else
        snprintf(hea, sizeof hea, "%s 0 %s 3600\n", name, freq);
    unsigned char dat[7200];
    for (int i = 0; i < 3600; i++) {
        int v = i % 360 == 0 ? 400 : 0;
        dat[2 * i] = (unsigned char)(v & 0xff);
        dat[2 * i + 1] = (unsigned char)((v >> 8) & 0xff);
    }
    unsigned char atr[2 * 10];
    for (int k = 0; k < 9; k++) { /* N (code 1) every 360 samples, from sample 360 */
        unsigned word = (1u << 10) | 360u;
        atr[2 * k] = (unsigned char)(word & 0xff);
        atr[2 * k + 1] = (unsigned char)(word >> 8);
    }
    atr[18] = atr[19] = 0;
    if (nsig) write_temp_file(dat_name, dat, sizeof dat);
    write_temp_file(atr_name, atr, sizeof atr);
    char hea_name[64];
    snprintf(hea_name, sizeof hea_name, "%s.hea", name);
    snprintf(path, sizeof path, "%s", write_temp_file(hea_name, hea, strlen(hea)));
    return path;
}

static void test_wfdb_header_keeps_its_rate(void **state)
{
    (void)state;
    const char *hea = wfdb_record("rec", "360", 1);
    psy_reader *r = open_rate(hea, 100, 0, PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 360);
    assert_true(psy_reader_event(r, 0)->onset_s == 1.0);
    assert_true(has_warning(r, "declares 360 Hz: the given rate 100 Hz"));
    psy_reader_close(r);
    r = open_rate(hea, 100, 1, PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 100);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_OVERRIDDEN);
    assert_true(psy_reader_declared_rate(r) == 360);
    assert_true(psy_reader_event(r, 0)->onset_s == 360 / 100.0); /* exact: sample / rate */
    assert_true(has_warning(r, "overridden by the given 100 Hz"));
    psy_reader_close(r);
    /* a record of annotations only (nsr2db's beat records): the header's rate is declared too */
    hea = wfdb_record("ann", "128", 0);
    r = open_rate(hea, 125, 1, PSY_OK);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_OVERRIDDEN);
    assert_true(psy_reader_declared_rate(r) == 128);
    assert_true(psy_reader_event(r, 0)->onset_s == 360 / 125.0);
    psy_reader_close(r);
    /* a header without a frequency declares none: the given rate is used, else 250 assumed */
    hea = wfdb_record("nofreq", "", 1);
    r = open_rate(hea, 200, 0, PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 200);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_GIVEN);
    assert_false(has_warning(r, "250 Hz is assumed"));
    psy_reader_close(r);
    r = open_rate(hea, 0, 0, PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 250);
    assert_true(has_warning(r, "250 Hz is assumed"));
    psy_reader_close(r);
}

/* Device exports declare their rates or have none: a given rate changes neither. */
static void test_device_files_ignore_the_given_rate(void **state)
{
    (void)state;
    psy_reader *r = open_rate(PSYPHYS_SOURCE_DIR "/tests/data/e4/HR.csv", 100, 0, PSY_OK);
    assert_string_equal(psy_reader_format(r), "Empatica E4");
    assert_true(psy_reader_channel(r, 0)->rate_hz == 1);
    assert_true(has_warning(r, "declares 1 Hz: the given rate 100 Hz"));
    psy_reader_close(r);
    r = open_rate(PSYPHYS_SOURCE_DIR "/tests/data/e4/IBI.csv", 100, 1, PSY_OK); /* irregular */
    assert_true(psy_reader_channel(r, 0)->rate_hz == 0);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_FILE);
    assert_true(has_warning(r, "the given rate 100 Hz is not used: the file has no sampled channel"));
    psy_reader_close(r);
    static const char rr_header[] = "RR (ms)\n800\n810\n790\n805\n";
    r = open_rate(write_temp_file("rr.txt", rr_header, strlen(rr_header)), 100, 0, PSY_OK);
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_RR);
    psy_reader_close(r);
    /* a bare column of numbers cannot be told from a signal by its content: with a rate it is one */
    static const char bare[] = "800\n810\n790\n805\n";
    const char *path = write_temp_file("bare.txt", bare, strlen(bare));
    r = open_rate(path, 100, 0, PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 100);
    psy_reader_close(r);
    r = open_rate(path, 0, 0, PSY_OK);
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_RR);
    psy_reader_close(r);
}

static void test_bids_sidecar_keeps_its_rate(void **state)
{
    (void)state;
    static const char json[] = "{\"SamplingFrequency\": 50, \"StartTime\": 0, \"Columns\": [\"cardiac\"]}";
    char tsv[2048] = "";
    for (int i = 0; i < 200; i++) strcat(tsv, i % 2 ? "1\n" : "0\n");
    write_temp_file("sub-01_physio.json", json, strlen(json));
    const char *path = write_temp_file("sub-01_physio.tsv", tsv, strlen(tsv));
    psy_reader *r = open_rate(path, 100, 0, PSY_OK);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 50);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_FILE);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_time_column_keeps_its_rate),
        cmocka_unit_test(test_csv_without_rate_takes_the_given_one),
        cmocka_unit_test(test_edf_keeps_its_rate),
        cmocka_unit_test(test_wfdb_header_keeps_its_rate),
        cmocka_unit_test(test_device_files_ignore_the_given_rate),
        cmocka_unit_test(test_bids_sidecar_keeps_its_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
