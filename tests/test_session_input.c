/* Back from an analysis's output to what it read (psyphys/session_input.h): the recording a
 * sidecar names found where analyze ran, under OUTDIR's parent or under OUTDIR, only when its
 * SHA-256 (and its companion files') is the recorded one; re-opened with the recorded input
 * options; the NN counts of a beats sidecar checked. psyphys report runs on these calls
 * (tests/cli_report.sh checks the page). */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "psyphys.h"

#define DEMO PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf"
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

/* A sidecar naming path with its SHA-256 (computed now) and the files files_json lists. */
static char *sidecar_for(const char *recorded, const char *actual, const char *files_json)
{
    char hex[PSY_SHA256_HEX];
    assert_int_equal(psy_sha256_file(actual, hex), PSY_OK);
    static char text[16384];
    snprintf(text, sizeof text, "{\"input\": {\"path\": \"%s\", \"sha256\": \"%s\"%s%s}}", recorded, hex,
             files_json ? ", \"files\": " : "", files_json ? files_json : "");
    return text;
}

static void unchanged_found(void **state)
{
    (void)state;
    /* Every place a relative path is looked for lies in this test's own folder: the working
     * directory (CTest's, shared by every test, was searched first) and OUTDIR's parent (with
     * OUTDIR = dir, $TMPDIR itself: any x.edf there was found before dir's); the working
     * directory is restored at the end, for the tests after this one. */
    char dir[1024], out[2048], rec[2048], path[4096], start[4096];
    assert_non_null(getcwd(start, sizeof start));
    snprintf(dir, sizeof dir, "%s/a", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(chdir(test_tmpdir()), 0);
    snprintf(out, sizeof out, "%s/out", dir);
    assert_int_equal(mkdir(out, 0700), 0);
    snprintf(rec, sizeof rec, "%s/x.edf", dir);
    copy_file(DEMO, rec);
    psy_message why = {{0}};
    /* as given (absolute) */
    const char *text = sidecar_for(rec, rec, NULL);
    assert_int_equal(psy_session_input_find(text, out, path, sizeof path, &why), PSY_OK);
    assert_string_equal(path, rec);
    /* relative to OUTDIR's parent (analyze x.edf -o out, run in dir) */
    text = sidecar_for("x.edf", rec, NULL);
    assert_int_equal(psy_session_input_find(text, out, path, sizeof path, &why), PSY_OK);
    char want[4096];
    snprintf(want, sizeof want, "%s/../x.edf", out);
    assert_string_equal(path, want);
    /* relative to OUTDIR itself */
    assert_int_equal(psy_session_input_find(text, dir, path, sizeof path, &why), PSY_OK);
    assert_string_equal(path, rec);
    /* its companion files unchanged in the same place */
    char hex[PSY_SHA256_HEX], files[256];
    assert_int_equal(psy_sha256_file(rec, hex), PSY_OK);
    snprintf(files, sizeof files, "[{\"path\": \"x.edf\", \"sha256\": \"%s\"}]", hex);
    text = sidecar_for("x.edf", rec, files);
    assert_int_equal(psy_session_input_find(text, out, path, sizeof path, &why), PSY_OK);
    assert_string_equal(path, want);
    /* a path that does not fit is refused, not cut */
    assert_int_equal(psy_session_input_find(text, out, path, 8, &why), PSY_E_INVALID);
    assert_int_equal(chdir(start), 0);
}

static void changed_refused(void **state)
{
    (void)state;
    char rec[2048], other[2048], path[4096];
    snprintf(rec, sizeof rec, "%s/y.edf", test_tmpdir());
    snprintf(other, sizeof other, "%s/y.dat", test_tmpdir());
    copy_file(DEMO, rec);
    copy_file(DEMO, other);
    char text[16384];
    snprintf(text, sizeof text, "%s", sidecar_for(rec, rec, NULL));
    FILE *fp = fopen(rec, "ab");
    fputc('x', fp);
    fclose(fp);
    psy_message why = {{0}};
    assert_int_equal(psy_session_input_find(text, NULL, path, sizeof path, &why), PSY_E_NOT_FOUND);
    assert_non_null(strstr(why.text, rec));
    assert_non_null(strstr(why.text, "changed since the analysis"));
    /* a file read with it changed: why names it */
    char files[4200];
    snprintf(files, sizeof files, "[{\"path\": \"%s\", \"sha256\": \"" ZEROS "\"}]", other);
    snprintf(text, sizeof text, "%s", sidecar_for(rec, rec, files));
    assert_int_equal(psy_session_input_find(text, NULL, path, sizeof path, &why), PSY_E_NOT_FOUND);
    assert_non_null(strstr(why.text, rec));
    assert_non_null(strstr(why.text, other));
    /* ... or missing */
    unlink(other);
    assert_int_equal(psy_session_input_find(text, NULL, path, sizeof path, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, other));
    assert_non_null(strstr(why.text, "cannot be read"));
}

static void missing_file(void **state)
{
    (void)state;
    char rec[2048], path[4096], text[16384];
    snprintf(rec, sizeof rec, "%s/z.edf", test_tmpdir());
    copy_file(DEMO, rec);
    snprintf(text, sizeof text, "%s", sidecar_for(rec, rec, NULL));
    unlink(rec);
    psy_message why = {{0}};
    assert_int_equal(psy_session_input_find(text, test_tmpdir(), path, sizeof path, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, rec));
    assert_non_null(strstr(why.text, "cannot be read from here"));
    assert_string_equal(path, "");
    /* a directory by that name is no recording (nor is a FIFO: never hashed, it may not end) */
    assert_int_equal(mkdir(rec, 0700), 0);
    assert_int_equal(psy_session_input_find(text, NULL, path, sizeof path, &why), PSY_E_IO);
    /* no input recorded, not JSON, NULL */
    assert_int_equal(psy_session_input_find("{\"input\": {\"path\": \"a.edf\"}}", NULL, path, sizeof path, &why),
                     PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "names no input"));
    assert_int_equal(psy_session_input_find("{", NULL, path, sizeof path, &why), PSY_E_FORMAT);
    assert_int_equal(psy_session_input_find(NULL, NULL, path, sizeof path, &why), PSY_E_INVALID);
    assert_int_equal(psy_session_input_find("{}", NULL, NULL, 0, NULL), PSY_E_INVALID);
}

static void input_options_replayed(void **state)
{
    (void)state;
    /* a CSV without a time column: its rate is the one analyze was given */
    char csv[] = "EDA,RSP\n";
    const char *path = write_temp_file("eda.csv", csv, strlen(csv));
    FILE *fp = fopen(path, "a");
    for (int i = 0; i < 200; i++) fprintf(fp, "%.2f,%d\n", 5 + 0.01 * i, i % 20);
    fclose(fp);
    char file[4096];
    snprintf(file, sizeof file, "%s", path);
    psy_message why = {{0}};
    psy_reader *r = (psy_reader *)1;
    assert_int_not_equal(psy_session_input_open("{}", file, &r, &why), PSY_OK);
    assert_null(r);
    const char *side = "{\"settings\": {\"input_options\": {\"fs\": 10.0, \"format\": \"csv\", \"libedf\": true, "
                       "\"override_fs\": false, \"channel_types\": [\"RSP=RESP\", \"EDA=PPG\"], "
                       "\"units\": [\"EDA=mV\"]}}}";
    assert_int_equal(psy_session_input_open(side, file, &r, &why), PSY_OK);
    int eda = psy_reader_find_channel(r, "EDA"), rsp = psy_reader_find_channel(r, "RSP");
    assert_true(eda >= 0 && rsp >= 0);
    assert_true(psy_reader_channel(r, eda)->rate_hz == 10.0);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_GIVEN);
    assert_int_equal(psy_reader_channel(r, rsp)->type, PSY_CH_RESP);
    assert_int_equal(psy_reader_channel(r, eda)->type, PSY_CH_PPG);
    assert_string_equal(psy_reader_channel(r, eda)->unit, "mV");
    psy_reader_close(r);
    /* a forced format is used: this CSV is no EDF */
    assert_int_not_equal(psy_session_input_open("{\"settings\": {\"input_options\": {\"fs\": 10, \"format\": \"edf\"}}}",
                                                file, &r, &why), PSY_OK);
    assert_null(r);
    /* a declaration naming no channel, a malformed one, override_fs without fs, not JSON */
    assert_int_equal(psy_session_input_open("{\"settings\": {\"input_options\": {\"fs\": 10, \"channel_types\": "
                                            "[\"ECG=ECG\"]}}}", file, &r, &why), PSY_E_NOT_FOUND);
    assert_non_null(strstr(why.text, "'ECG'"));
    assert_null(r);
    assert_int_equal(psy_session_input_open("{\"settings\": {\"input_options\": {\"fs\": 10, \"channel_types\": "
                                            "[\"EDA=NOSUCH\"]}}}", file, &r, &why), PSY_E_FORMAT);
    assert_int_equal(psy_session_input_open("{\"settings\": {\"input_options\": {\"fs\": 10, \"units\": [\"EDA\"]}}}",
                                            file, &r, &why), PSY_E_FORMAT);
    assert_int_equal(psy_session_input_open("{\"settings\": {\"input_options\": {\"override_fs\": true}}}", file, &r,
                                            &why), PSY_E_INVALID);
    assert_int_equal(psy_session_input_open("[", file, &r, &why), PSY_E_FORMAT);
    assert_int_equal(psy_session_input_open(NULL, file, &r, &why), PSY_E_INVALID);
    assert_int_equal(psy_session_input_open("{}", file, NULL, &why), PSY_E_INVALID);
    /* the EDF with the defaults, as analyze opened it without options */
    assert_int_equal(psy_session_input_open("{\"settings\": {}}", DEMO, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_rate_origin(r), PSY_RATE_FILE);
    psy_reader_close(r);
}

static void nn_counts_checked(void **state)
{
    (void)state;
    const char *side = "{\"counts\": {\"N\": 100, \"nn_intervals\": 98, \"nn_corrected\": 3}}";
    psy_message why = {{0}};
    assert_int_equal(psy_session_nn_check(side, 98, 3, &why), PSY_OK);
    assert_int_equal(psy_session_nn_check(side, 98, 2, &why), PSY_E_INVALID);
    assert_string_equal(why.text, "the NN series recomputed from the beats table (98 intervals, 2 corrected) "
                                  "differs from the analysis's (98, 3)");
    assert_int_equal(psy_session_nn_check(side, 97, 3, NULL), PSY_E_INVALID);
    assert_int_equal(psy_session_nn_check("{\"counts\": {\"nn_intervals\": 98}}", 98, 3, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "no NN counts"));
    assert_int_equal(psy_session_nn_check("{\"counts\": {\"nn_intervals\": 98, \"nn_corrected\": 3.0}}", 98, 3, &why),
                     PSY_E_FORMAT);
    assert_int_equal(psy_session_nn_check("", 0, 0, &why), PSY_E_FORMAT);
    assert_int_equal(psy_session_nn_check(NULL, 0, 0, &why), PSY_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unchanged_found),
        cmocka_unit_test(changed_refused),
        cmocka_unit_test(missing_file),
        cmocka_unit_test(input_options_replayed),
        cmocka_unit_test(nn_counts_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
