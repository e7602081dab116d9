/* JSON sidecars (psyphys/sidecar.h) and the session's (psy_session_sidecar,
 * psy_session_write_sidecar) on the bundled recording: the SHA-256 of known bytes, the
 * provenance, settings a caller adds, warnings, refusals, each table's sidecar and the beats
 * table. The CLI writes its sidecars with these calls; scripts/compare_outputs.sh checks them
 * byte for byte against the version before the move. */
#include "test_util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "psyphys.h"

#define DEMO PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf"

static char *written(const psy_sidecar *sc)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_non_null(fp);
    assert_int_equal(psy_sidecar_write(sc, fp), PSY_OK);
    fclose(fp);
    return buf;
}

static json_t *parsed(const char *text)
{
    json_error_t err;
    json_t *o = json_loads(text, 0, &err);
    assert_non_null(o);
    return o;
}

static void sha256_known(void **state)
{
    (void)state;
    char path[] = "/tmp/psyphys-sha-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    char hex[PSY_SHA256_HEX];
    assert_int_equal(psy_sha256_file(path, hex), PSY_OK);
    /* FIPS 180-2, appendix B.1 */
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
    assert_int_equal(psy_sha256_file(path, hex), PSY_E_IO);
    assert_int_equal(psy_sha256_file(NULL, hex), PSY_E_INVALID);
}

static void provenance_and_keys(void **state)
{
    (void)state;
    psy_reader *r = NULL;
    psy_message why;
    psy_open_options opt = psy_open_options_default();
    assert_int_equal(psy_reader_open(DEMO, &opt, &r, &why), PSY_OK);
    char hex[PSY_SHA256_HEX];
    assert_int_equal(psy_sha256_file(DEMO, hex), PSY_OK);
    for (int hashed = 0; hashed < 2; hashed++) {
        psy_input_hashes *h = NULL;
        if (hashed) assert_int_equal(psy_input_hashes_start(DEMO, r, &h), PSY_OK);
        psy_sidecar *sc = NULL;
        assert_int_equal(psy_sidecar_new("test", DEMO, r, h, &sc, &why), PSY_OK);
        assert_int_equal(psy_sidecar_set_json(sc, "settings", "{\"window_s\": 60.5, \"labels\": [\"a\"]}", &why), PSY_OK);
        assert_int_equal(psy_sidecar_set_json(sc, "settings", "{oops", &why), PSY_E_FORMAT);
        assert_non_null(strstr(why.text, "not JSON"));
        assert_int_equal(psy_sidecar_add_warning(sc, "first"), PSY_OK);
        assert_int_equal(psy_sidecar_add_reader_warnings(sc, r), PSY_OK);
        assert_int_equal(psy_sidecar_warning_count(sc), 1 + psy_reader_warning_count(r));
        assert_string_equal(psy_sidecar_warning(sc, 0), "first");
        assert_null(psy_sidecar_warning(sc, 99));
        char *text = written(sc);
        json_t *o = parsed(text);
        /* keys in the order they were set, the provenance first */
        const char *order[] = {"psyphys_version", "command", "input", "settings", "warnings"};
        size_t k = 0;
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v) assert_string_equal(key, order[k++]);
        assert_int_equal(k, 5);
        assert_string_equal(json_string_value(json_object_get(o, "psyphys_version")), psy_version());
        json_t *in = json_object_get(o, "input");
        assert_string_equal(json_string_value(json_object_get(in, "sha256")), hex);
        assert_string_equal(json_string_value(json_object_get(in, "path")), DEMO);
        assert_string_equal(json_string_value(json_object_get(in, "format")), psy_reader_format(r));
        assert_true(json_real_value(json_object_get(json_object_get(o, "settings"), "window_s")) == 60.5);
        assert_int_equal(text[strlen(text) - 1], '\n');
        char *compact = NULL;
        assert_int_equal(psy_sidecar_text(sc, &compact), PSY_OK);
        json_t *again = parsed(compact);
        assert_true(json_equal(o, again));
        json_decref(again), json_decref(o);
        psy_sidecar_text_free(compact);
        free(text);
        psy_sidecar_free(sc);
    }
    /* a path that is no file stands for the file the reader read; one that cannot be read is
       refused, why names it */
    psy_sidecar *sc = NULL;
    assert_int_equal(psy_sidecar_new("test", "/nonexistent/x.edf", r, NULL, &sc, &why), PSY_OK);
    psy_sidecar_free(sc);
    sc = NULL;
    char dir[] = "/tmp/psyphys-sidecar-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char copy[64];
    snprintf(copy, sizeof copy, "%s/x.edf", dir);
    FILE *in = fopen(DEMO, "rb"), *out = fopen(copy, "wb");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    fclose(in), fclose(out);
    psy_reader *gone = NULL;
    assert_int_equal(psy_reader_open(copy, &opt, &gone, &why), PSY_OK);
    unlink(copy);
    rmdir(dir);
    assert_int_equal(psy_sidecar_new("test", copy, gone, NULL, &sc, &why), PSY_E_IO);
    assert_null(sc);
    assert_non_null(strstr(why.text, copy));
    psy_reader_close(gone);
    assert_int_equal(psy_sidecar_new(NULL, DEMO, r, NULL, &sc, &why), PSY_E_INVALID);
    assert_int_equal(psy_sidecar_create(NULL), PSY_E_INVALID);
    psy_sidecar_free(NULL);
    psy_input_hashes_free(NULL);
    psy_reader_close(r);
}

static json_t *table_sidecar(psy_session *s, const psy_sidecar *base, psy_session_table t)
{
    char *buf = NULL, *tsv = NULL;
    size_t size = 0, tsv_size = 0;
    FILE *fp = open_memstream(&tsv, &tsv_size);
    psy_na_reasons na = {0};
    assert_int_equal(psy_session_write_table(s, t, fp, &na), PSY_OK);
    fclose(fp);
    fp = open_memstream(&buf, &size);
    assert_int_equal(psy_session_write_sidecar(s, base, t, &na, fp), PSY_OK);
    fclose(fp);
    psy_na_reasons_free(&na);
    json_t *o = parsed(buf);
    free(buf);
    free(tsv);
    return o;
}

static void session_sidecars(void **state)
{
    (void)state;
    psy_session_config cfg = psy_session_config_default();
    char *label = strdup("Negative"); /* the caller's: freed after the run, the sidecar keeps it */
    const char *labels[] = {label};
    cfg.epoch_labels = labels, cfg.n_epoch_labels = 1;
    psy_session *s = NULL;
    psy_message why;
    assert_int_equal(psy_session_open(DEMO, NULL, &cfg, &s, &why), PSY_OK);
    free(label);
    const psy_session_results *res = psy_session_results_of(s);
    psy_sidecar *base = NULL;
    assert_int_equal(psy_session_sidecar(s, "analyze", DEMO, "[1]", NULL, &base, &why), PSY_E_FORMAT);
    assert_null(base);
    assert_int_equal(psy_session_sidecar(NULL, "analyze", DEMO, NULL, NULL, &base, &why), PSY_E_INVALID);
    assert_int_equal(psy_session_sidecar(s, "analyze", DEMO, "{\"layout\": \"flat\"}", NULL, &base, &why), PSY_OK);
    char *text = written(base);
    json_t *o = parsed(text);
    free(text);
    const char *order[] = {"psyphys_version", "command", "input", "settings", "warnings", "skipped_events"};
    size_t k = 0;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) assert_string_equal(key, order[k++]);
    assert_int_equal(k, 6);
    json_t *set = json_object_get(o, "settings");
    const char *set_order[] = {"segments", "epochs", "scr_latency_s", "hrv_windows", "hrv", "eda", "breaths",
                               "edr", "channels", "heart", "layout"};
    k = 0;
    json_object_foreach(set, key, v) assert_string_equal(key, set_order[k++]);
    assert_int_equal(k, 11);
    assert_string_equal(json_string_value(json_object_get(json_object_get(set, "breaths"), "source")),
                        "respiration channel");
    json_t *epochs = json_object_get(set, "epochs");
    assert_string_equal(json_string_value(json_array_get(json_object_get(epochs, "labels"), 0)), "Negative");
    assert_string_equal(json_string_value(json_object_get(json_object_get(set, "channels"), "ecg")), "ECG");
    assert_string_equal(json_string_value(json_object_get(json_object_get(set, "heart"), "source")), "ECG");
    assert_int_equal(json_array_size(json_object_get(o, "warnings")),
                     psy_reader_warning_count(psy_session_reader(s)) + res->n_warnings);
    json_decref(o);

    /* every table's sidecar: the base, its name, what the table needs said */
    size_t n_tables = 0;
    for (int t = 0; t < PSY_TABLE_COUNT; t++) {
        if (!psy_session_has_table(s, (psy_session_table)t)) {
            assert_int_equal(psy_session_write_sidecar(s, base, (psy_session_table)t, NULL, stdout), PSY_E_INVALID);
            continue;
        }
        n_tables++;
        o = table_sidecar(s, base, (psy_session_table)t);
        assert_string_equal(json_string_value(json_object_get(o, "table")), psy_session_table_name((psy_session_table)t));
        assert_non_null(json_object_get(o, "input"));
        int has_na = t == PSY_TABLE_SEGMENTS || t == PSY_TABLE_EPOCHS || t == PSY_TABLE_HRV_WINDOWS;
        assert_int_equal(json_object_get(o, "na_reasons") != NULL, has_na);
        if (t == PSY_TABLE_EPOCHS)
            assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(o, "columns"),
                                                                  "hr_baseline_bpm"), "Units")), "bpm");
        if (t == PSY_TABLE_BREATHS)
            assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(o, "columns"),
                                                                  "rate_per_min"), "Units")), "1/min");
        if (t == PSY_TABLE_BEATS) {
            /* the beats' own settings in the place of the session's, their counts and channel */
            assert_non_null(json_object_get(json_object_get(o, "settings"), "detector"));
            assert_null(json_object_get(json_object_get(o, "settings"), "segments"));
            assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "counts"), "beats")),
                             res->beats->n);
            assert_string_equal(json_string_value(json_object_get(json_object_get(o, "channel"), "label")), "ECG");
        }
        json_decref(o);
    }
    assert_int_equal(n_tables, 6); /* segments, epochs, epoch means, SCRs, beats, breaths: 150 s has no HRV windows */
    assert_false(psy_session_has_table(s, PSY_TABLE_HRV_WINDOWS));
    assert_string_equal(psy_session_table_name(PSY_TABLE_BEATS), "beats");

    /* the beats table is psy_beats_write_table's */
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    FILE *fa = open_memstream(&a, &na), *fb = open_memstream(&b, &nb);
    assert_int_equal(psy_session_write_table(s, PSY_TABLE_BEATS, fa, NULL), PSY_OK);
    assert_int_equal(psy_beats_write_table(fb, res->beats), PSY_OK);
    fclose(fa), fclose(fb);
    assert_string_equal(a, b);
    assert_int_equal(strncmp(a, "onset\tsample\trr_ms\tlabel\tcorrected\n", 35), 0);
    free(a), free(b);
    assert_int_equal(psy_beats_write_table(NULL, res->beats), PSY_E_INVALID);
    assert_int_equal(psy_beats_write_nn_table(stdout, NULL), PSY_E_INVALID);
    psy_sidecar_free(base);
    psy_session_free(s);
}

/* The entry of an event file read into the recording: its hash, counts and columns. */
static void events_files(void **state)
{
    (void)state;
    const char *path = PSYPHYS_SOURCE_DIR "/tests/data/e4/events.tsv";
    psy_reader *r = NULL;
    psy_message why;
    psy_open_options opt = psy_open_options_default();
    assert_int_equal(psy_reader_open(DEMO, &opt, &r, &why), PSY_OK);
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_path(path, &src), PSY_OK);
    psy_events_options eo = psy_events_options_default();
    psy_events_info info;
    assert_int_equal(psy_reader_load_events_with(r, src, &eo, &info, &why), PSY_OK);
    psy_source_close(src);
    psy_sidecar *sc = NULL;
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    assert_int_equal(psy_sidecar_add_events_file(sc, "events_files", path, 0, &info, NAN), PSY_OK);
    assert_int_equal(psy_sidecar_add_events_file(sc, "events_files", path, 1, &info, 12.5), PSY_OK);
    assert_int_equal(psy_sidecar_add_events_file(sc, "events_files", NULL, 0, &info, NAN), PSY_E_INVALID);
    char *text = written(sc);
    json_t *o = parsed(text);
    json_t *a = json_object_get(o, "events_files");
    assert_int_equal(json_array_size(a), 2);
    json_t *f = json_array_get(a, 0);
    char hex[PSY_SHA256_HEX];
    assert_int_equal(psy_sha256_file(path, hex), PSY_OK);
    assert_string_equal(json_string_value(json_object_get(f, "sha256")), hex);
    assert_true(json_is_false(json_object_get(f, "paired")));
    assert_int_equal(json_integer_value(json_object_get(f, "events")), (json_int_t)info.n_events);
    assert_null(json_object_get(f, "unix_time_shift_s"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(f, "columns"), "onset")), info.onset_column);
    f = json_array_get(a, 1);
    assert_true(json_is_true(json_object_get(f, "paired")));
    assert_true(json_real_value(json_object_get(f, "unix_time_shift_s")) == 12.5);
    json_decref(o);
    free(text);
    psy_sidecar_free(sc);
    psy_reader_close(r);
}

/* The HRV settings of a session sidecar read back: the defaults a run records, a changed value,
 * refusals. */
static void hrv_config_read_back(void **state)
{
    (void)state;
    psy_session *s = NULL;
    psy_message why;
    psy_session_config cfg = psy_session_config_default();
    assert_int_equal(psy_session_open(DEMO, NULL, &cfg, &s, &why), PSY_OK);
    psy_sidecar *base = NULL;
    assert_int_equal(psy_session_sidecar(s, "test", DEMO, NULL, NULL, &base, &why), PSY_OK);
    char *text = NULL;
    assert_int_equal(psy_sidecar_text(base, &text), PSY_OK);
    psy_hrv_config c, d = psy_hrv_config_default();
    assert_int_equal(psy_session_hrv_config_read(text, &c, &why), PSY_OK);
    assert_true(c.resample_hz == d.resample_hz && c.lambda == d.lambda && c.detrend == d.detrend);
    assert_true(c.welch_segment_s == d.welch_segment_s && c.entropy_m == d.entropy_m);
    psy_sidecar_text_free(text);
    psy_sidecar_free(base);
    psy_session_free(s);
    assert_int_equal(psy_session_hrv_config_read("{\"settings\": {\"hrv\": {\"resample_hz\": 2, \"detrend\": "
                                                 "\"linear\", \"lambda\": \"x\", \"keep_corrected\": true}}}",
                                                 &c, &why), PSY_OK);
    assert_true(c.resample_hz == 2 && c.detrend == PSY_HRV_DETREND_LINEAR && c.lambda == d.lambda && c.keep_corrected);
    assert_int_equal(psy_session_hrv_config_read("{\"settings\": {}}", &c, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "hrv"));
    assert_true(c.resample_hz == d.resample_hz);
    assert_int_equal(psy_session_hrv_config_read("{oops", &c, &why), PSY_E_FORMAT);
    assert_string_equal(why.text, "not JSON");
    assert_int_equal(psy_session_hrv_config_read(NULL, &c, &why), PSY_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hrv_config_read_back),
        cmocka_unit_test(events_files),
        cmocka_unit_test(sha256_known),
        cmocka_unit_test(provenance_and_keys),
        cmocka_unit_test(session_sidecars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
