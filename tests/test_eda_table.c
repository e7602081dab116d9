/* The skin conductance tables and their sidecars (psyphys/eda_table.h) on the bundled recording:
 * a row per SCR, per event, per phase; the sidecar's channel, settings, summary, warnings and
 * columns; refusals. `psyphys eda` writes with these calls; scripts/compare_outputs.sh checks its
 * bytes against the version before the move. */
#include "test_util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"
#include "sidecar_json.h"

#define DEMO PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf"

static char *table_text(psy_eda_table table, const psy_eda_result *res, const psy_reader *r,
                        const psy_eda_events *ev, psy_status *st)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_non_null(fp);
    *st = psy_eda_write_table(fp, table, res, r, ev);
    fclose(fp);
    return buf;
}

static size_t lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void tables_and_sidecar(void **state)
{
    (void)state;
    psy_reader *r = NULL;
    psy_message why;
    psy_open_options opt = psy_open_options_default();
    assert_int_equal(psy_reader_open(DEMO, &opt, &r, &why), PSY_OK);
    int ch = psy_reader_find_channel(r, "EDA");
    assert_true(ch >= 0);
    psy_eda_config cfg = psy_eda_config_default(1);
    psy_eda_result *res = NULL;
    assert_int_equal(psy_eda_analyze(r, ch, &cfg, PSY_EDA_FAST, &res, &why), PSY_OK);
    psy_eda_events ev;
    assert_int_equal(psy_eda_events_of(res, r, 1, 4, &ev), PSY_OK);
    assert_true(res->n > 0);
    assert_int_equal(ev.n_events, 4);
    psy_status st;
    char *t = table_text(PSY_EDA_TABLE_SCR, res, NULL, NULL, &st);
    assert_int_equal(st, PSY_OK);
    const char *header = "onset\tpeak_onset\tamplitude_us\trise_time_s\thalf_recovery_s\n";
    assert_int_equal(strncmp(t, header, strlen(header)), 0);
    assert_int_equal(lines(t), 1 + res->n);
    char first[64];
    snprintf(first, sizeof first, "\n%.4f\t%.4f\t%.5f\t", res->scr[0].onset_s, res->scr[0].peak_s,
             res->scr[0].amplitude_us);
    assert_non_null(strstr(t, first));
    free(t);
    t = table_text(PSY_EDA_TABLE_EPOCHS, res, r, &ev, &st);
    assert_int_equal(st, PSY_OK);
    assert_int_equal(lines(t), 1 + ev.n_events);
    assert_non_null(strstr(t, "\nNegative\t10.2400\t"));
    free(t);
    t = table_text(PSY_EDA_TABLE_SEGMENTS, res, r, &ev, &st);
    assert_int_equal(st, PSY_OK);
    assert_int_equal(lines(t), 1 + ev.n_segments);
    assert_int_equal(strncmp(t, "label\tonset\tduration\tscl_us\t", strlen("label\tonset\tduration\tscl_us\t")), 0);
    free(t);
    /* the event tables need the reader and its events */
    free(table_text(PSY_EDA_TABLE_EPOCHS, res, NULL, &ev, &st));
    assert_int_equal(st, PSY_E_INVALID);
    free(table_text(PSY_EDA_TABLE_COUNT, res, r, &ev, &st));
    assert_int_equal(st, PSY_E_INVALID);

    psy_sidecar *sc = NULL;
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    assert_int_equal(psy_sidecar_set_eda_channel(sc, "channel", r, ch), PSY_OK);
    assert_int_equal(psy_sidecar_set_eda_settings(sc, "settings", res, 1, 4), PSY_OK);
    assert_int_equal(psy_sidecar_set_eda_summary(sc, "summary", res, &ev.whole, 1), PSY_OK);
    assert_int_equal(psy_sidecar_set_eda_unit_conversion(sc, "unit_conversion", r, ch), PSY_OK);
    assert_int_equal(psy_sidecar_set_eda_columns(sc, "columns", PSY_EDA_TABLE_EPOCHS), PSY_OK);
    assert_int_equal(psy_sidecar_add_eda_warnings(sc, res, r, ch), PSY_OK);
    assert_int_equal(psy_sidecar_set_eda_channel(sc, "channel", r, 99), PSY_E_INVALID);
    assert_int_equal(psy_sidecar_set_eda_columns(sc, "columns", PSY_EDA_TABLE_COUNT), PSY_E_INVALID);
    json_t *o = sidecar_as_json(sc);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "channel"), "label")), "EDA");
    json_t *s = json_object_get(o, "settings");
    assert_string_equal(json_string_value(json_object_get(s, "method")), "fast");
    json_t *lat = json_object_get(json_object_get(s, "event_related"), "latency_window_s");
    assert_true(json_real_value(json_array_get(lat, 0)) == 1 && json_real_value(json_array_get(lat, 1)) == 4);
    assert_true(json_is_object(json_object_get(s, "artifacts")));
    json_t *sum = json_object_get(o, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "scr_count")), (json_int_t)res->n);
    assert_true(json_is_object(json_object_get(sum, "artifacts")));
    assert_non_null(json_object_get(sum, "phasic_driver_area_n/a_reason")); /* fast method */
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "unit_conversion"), "kind")), "none");
    assert_true(json_is_object(json_object_get(json_object_get(o, "columns"), "scr_latency_s")));
    assert_true(json_is_array(json_object_get(o, "warnings")));
    json_decref(o);
    psy_sidecar_free(sc);

    /* a channel not typed EDA, its values far out of range: said in the warnings */
    int ecg = psy_reader_find_channel(r, "ECG");
    psy_eda_result *bad = NULL;
    assert_int_equal(psy_eda_analyze(r, ecg, &cfg, PSY_EDA_FAST, &bad, &why), PSY_OK);
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    assert_int_equal(psy_sidecar_add_eda_warnings(sc, bad, r, ecg), PSY_OK);
    assert_true(psy_sidecar_warning_count(sc) >= 1);
    assert_non_null(strstr(psy_sidecar_warning(sc, 0), "channel 'ECG' is typed ECG"));
    psy_sidecar_free(sc);
    psy_eda_result_free(bad);

    psy_eda_events_free(&ev);
    psy_eda_result_free(res);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(tables_and_sidecar)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
