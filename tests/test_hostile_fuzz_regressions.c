/* Replays every input the fuzzers found (tests/fuzz/regressions/<target>/) through the same
 * harness as the fuzz targets (tests/fuzz/fuzz_files.h), in the normal and the sanitizer
 * builds, so a fix stays fixed without clang. Each input must open or be refused with a reason.
 * Needs no shared data. */
#include "test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_files.h"

/* The reader targets of tests/fuzz/CMakeLists.txt: forced format and main file name. */
static const struct {
    const char *target, *format, *name;
} targets[] = {
    {"edf", "edf", "fz.edf"},        {"wfdb", "wfdb", "fz.hea"},
    {"wfdb_annotations", "wfdb-annotations", "fz.atr"}, {"text", "text", "fz.csv"},
    {"bids", "bids", "sub-01_physio.tsv"}, {"sndfile", "sndfile", "fz.wav"},
    {"ishne", "ishne", "fz.ecg"},     {"acq", "acq", "fz.acq"},
    {"xdf", "xdf", "fz.xdf"},         {"brainvision", "brainvision", "fz.vhdr"},
    {"opensignals", "opensignals", "fz.txt"}, {"detect", NULL, "fz.dat"},
};

static size_t replay_dir(const char *target, const char *format, const char *name)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/regressions/%s", PSYPHYS_SOURCE_DIR, target);
    DIR *d = opendir(dir);
    if (!d) return 0;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        unsigned char *buf = malloc(1 << 20);
        assert_non_null(buf);
        size_t n = fread(buf, 1, 1 << 20, f);
        fclose(f);
        fuzz_files files;
        fuzz_split(buf, n, name, &files);
        psy_open_options opt = psy_open_options_default();
        opt.format = format;
        psy_source *src = fuzz_source(&files, 0);
        assert_non_null(src);
        psy_reader *r = NULL;
        psy_message why = {{0}};
        if (psy_reader_open_source(src, &opt, &r, &why) == PSY_OK) {
            fuzz_exercise_reader(r);
            psy_reader_close(r);
        } else {
            assert_null(r);
            if (!why.text[0]) fail_msg("%s/%s refused without a reason", target, e->d_name);
            psy_source_close(src);
        }
        free(buf);
        count++;
    }
    closedir(d);
    return count;
}

static void test_replay_reader_findings(void **state)
{
    (void)state;
    size_t total = 0;
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        total += replay_dir(targets[i].target, targets[i].format, targets[i].name);
    assert_true(total >= 1); /* at least the WAV fmt finding */
}

/* The WAV whose fmt chunk declares 65519-bit samples (found by fuzz_sndfile): no shift by the
 * bit count any more; the file is refused or read, never undefined behaviour. */
static void test_wav_absurd_bits_per_sample(void **state)
{
    (void)state;
    static const unsigned char wav[] = {
        'R', 'I', 'F', 'F', 36, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ', 40, 0, 0, 0,
        0xfe, 0xff, 1, 0, 0xfa, 0, 0, 0, 0xf4, 1, 0, 0, 2, 0, 0xef, 0xff, /* wBitsPerSample 65519 */
        22, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        'd', 'a', 't', 'a', 4, 0, 0, 0, 1, 0, 2, 0};
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_memory(wav, sizeof wav, "bits.wav", &src), PSY_OK);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    if (psy_reader_open_source(src, NULL, &r, &why) == PSY_OK) {
        for (size_t i = 0; i < psy_reader_warning_count(r); i++)
            assert_null(strstr(psy_reader_warning(r, i), "valid bits"));
        psy_reader_close(r);
    } else {
        assert_true(why.text[0] != '\0');
        psy_source_close(src);
    }
}


/* An unnamed first column whose values are beyond int64_t (found by fuzz_text: 2.2e23 was
 * converted to int64_t, undefined): no row counter, so it is not skipped as one; the signal
 * column reads exactly. */
static void test_csv_index_column_beyond_int64(void **state)
{
    (void)state;
    static const char csv[] = ",ECG\n222222222222222222222223,1\n222222222222222222222224,2\n"
                              "222222222222222222222225,3\n";
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_memory(csv, sizeof csv - 1, "idx.csv", &src), PSY_OK);
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = 100;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open_source(src, &opt, &r, &why), PSY_OK);
    int ecg = psy_reader_find_channel(r, "ECG");
    assert_true(ecg >= 0);
    assert_int_equal(psy_reader_channel(r, ecg)->frames, 3);
    double x[3];
    assert_int_equal(psy_reader_read(r, ecg, 0, 3, x), PSY_OK);
    assert_true(x[0] == 1 && x[1] == 2 && x[2] == 3);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_reader_findings),
        cmocka_unit_test(test_wav_absurd_bits_per_sample),
        cmocka_unit_test(test_csv_index_column_beyond_int64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
