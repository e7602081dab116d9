/* psy_session_settings_load/_parse: every key into the config, open options and input settings;
 * absent keys keep the defaults; unknown keys, wrong types, duplicates and values out of range
 * refused with the key named, and the settings left empty. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_every_key(void **state)
{
    (void)state;
    static const char json[] =
        "{\"segments\": \"window:60:30\", \"epochs\": [\"Neutral\", \"Negative\"], \"pre_s\": 2,"
        " \"post_s\": 8, \"latency_s\": [1, 3.5], \"hrv_window_s\": [60, 0], \"ecg\": \"ECG\","
        " \"eda\": \"EDA\", \"rsp\": \"RSP\", \"ppg\": \"BVP\", \"eda_method\": \"deconv\", \"max_corrected_pct\": 2.5,"
        " \"keep_corrected\": true, \"edr\": true, \"fs\": 250, \"override_fs\": true, \"format\": \"edf\","
        " \"libedf\": false, \"channel_types\": {\"Photosensor\": \"TRIGGER\", \"X\": \"ppg\"},"
        " \"units\": {\"RSP\": \"V\"}, \"triggers\": [\"Photosensor:0.5\", \"Status:bits\"],"
        " \"events_offset_s\": -1.5, \"events_columns\": \"onset=t,label=cond\", \"layout\": \"bids\"}";
    psy_session_settings st;
    psy_message why = {{0}};
    assert_int_equal(psy_session_settings_parse(json, &st, &why), PSY_OK);
    const psy_session_config *c = &st.config;
    assert_int_equal(c->rule, PSY_SEGMENTS_WINDOWS);
    assert_true(c->window_s == 60 && c->step_s == 30);
    assert_int_equal(c->n_epoch_labels, 2);
    assert_string_equal(c->epoch_labels[1], "Negative");
    assert_true(c->pre_s == 2 && c->post_s == 8 && c->latency_min_s == 1 && c->latency_max_s == 3.5);
    assert_true(c->hrv_window_s == 60 && c->hrv_step_s == 60); /* STEP 0: the window */
    assert_string_equal(c->ecg, "ECG");
    assert_string_equal(c->eda, "EDA");
    assert_string_equal(c->rsp, "RSP");
    assert_string_equal(c->ppg, "BVP");
    assert_null(c->hr);
    assert_int_equal(c->eda_method, PSY_EDA_DECONV);
    assert_true(c->max_corrected_pct == 2.5 && c->keep_corrected == 1 && c->edr == 1);
    assert_true(st.open.sampling_rate_hz == 250 && st.open.override_rate == 1 && st.open.use_libedf == 0);
    assert_string_equal(st.open.format, "edf");
    assert_int_equal(st.n_channel_types, 2);
    assert_string_equal(st.channel_types[0], "Photosensor=TRIGGER");
    assert_string_equal(st.channel_types[1], "X=ppg");
    assert_int_equal(st.n_units, 1);
    assert_string_equal(st.units[0], "RSP=V");
    assert_int_equal(st.n_triggers, 2);
    assert_string_equal(st.triggers[1], "Status:bits");
    assert_true(st.events_offset_s == -1.5);
    assert_string_equal(st.events_columns, "onset=t,label=cond");
    assert_string_equal(st.layout, "bids");
    psy_session_settings_free(&st);
    assert_null(st.storage);
    psy_session_settings_free(&st); /* twice is safe */
    psy_session_settings_free(NULL);
}

static void test_absent_keys_keep_the_defaults(void **state)
{
    (void)state;
    psy_session_settings st;
    assert_int_equal(psy_session_settings_parse("{\"hr\": \"HR\"}", &st, NULL), PSY_OK);
    psy_session_config d = psy_session_config_default();
    psy_open_options od = psy_open_options_default();
    assert_string_equal(st.config.hr, "HR");
    st.config.hr = NULL;
    assert_memory_equal(&st.config, &d, sizeof d);
    assert_memory_equal(&st.open, &od, sizeof od);
    assert_true(st.n_channel_types == 0 && st.n_units == 0 && st.n_triggers == 0);
    assert_true(st.layout == NULL && st.events_columns == NULL && st.events_offset_s == 0);
    psy_session_settings_free(&st);
}

/* The file is refused with status want and a message containing words; nothing is kept. */
static void refused(const char *json, psy_status want, const char *words)
{
    psy_session_settings st;
    psy_message why = {{0}};
    assert_int_equal(psy_session_settings_parse(json, &st, &why), want);
    if (!strstr(why.text, words)) fail_msg("'%s': got '%s', wanted '%s'", json, why.text, words);
    assert_null(st.storage);
    assert_null(st.config.ecg);
}

static void test_bad_files(void **state)
{
    (void)state;
    refused("{\"ecg\": \"ECG\", \"pre\": 2}", PSY_E_FORMAT, "unknown config key \"pre\"");
    refused("{\"pre_s\": \"2\"}", PSY_E_FORMAT, "config key \"pre_s\" must be a number");
    refused("{\"epochs\": \"Neutral\"}", PSY_E_FORMAT, "config key \"epochs\" must be an array of strings");
    refused("{\"epochs\": [\"A\", 1]}", PSY_E_FORMAT, "\"epochs\" must be an array of strings");
    refused("{\"channel_types\": {\"ECG\": 3}}", PSY_E_FORMAT, "\"channel_types\" must be an object of strings");
    refused("{\"latency_s\": [1]}", PSY_E_FORMAT, "\"latency_s\" must be an array of two numbers");
    refused("{\"libedf\": 0}", PSY_E_FORMAT, "\"libedf\" must be true or false");
    refused("{\"pre_s\": 1, \"pre_s\": 2}", PSY_E_FORMAT, "duplicate object key");
    refused("[1]", PSY_E_FORMAT, "not a JSON object");
    refused("{\"pre_s\": ", PSY_E_FORMAT, "config:");
    refused("{\"latency_s\": [4, 1]}", PSY_E_INVALID, "\"latency_s\" wants");
    refused("{\"pre_s\": -1}", PSY_E_INVALID, "\"pre_s\" wants");
    refused("{\"post_s\": 0}", PSY_E_INVALID, "\"post_s\" wants");
    refused("{\"hrv_window_s\": [-60, 30]}", PSY_E_INVALID, "\"hrv_window_s\" wants");
    refused("{\"segments\": \"window:0\"}", PSY_E_INVALID, "\"segments\" wants");
    refused("{\"segments\": \"phases\"}", PSY_E_INVALID, "\"segments\" wants");
    refused("{\"eda_method\": \"slow\"}", PSY_E_INVALID, "\"eda_method\" wants");
    refused("{\"layout\": \"tree\"}", PSY_E_INVALID, "\"layout\" wants");
    refused("{\"fs\": 0}", PSY_E_INVALID, "\"fs\" wants");
    refused("{\"max_corrected_pct\": 101}", PSY_E_INVALID, "\"max_corrected_pct\" wants");
    refused("{\"channel_types\": {\"ECG\": \"EEGX\"}}", PSY_E_INVALID, "\"channel_types\" wants");
    refused("{\"units\": {\"\": \"mV\"}}", PSY_E_INVALID, "\"units\" wants");
    refused("{\"triggers\": [\":1\"]}", PSY_E_INVALID, "\"triggers\" wants");
    refused("{\"triggers\": [\"Photo:high\"]}", PSY_E_INVALID, "\"triggers\" wants");
    refused("{\"events_columns\": \"t\"}", PSY_E_INVALID, "\"events_columns\" wants");
    refused("{\"ecg\": \"ECG\", \"hr\": \"HR\"}", PSY_E_INVALID, "\"ecg\" and \"hr\" exclude each other");
    refused("{\"ppg\": \"BVP\", \"hr\": \"HR\"}", PSY_E_INVALID, "\"ppg\" and \"hr\" exclude each other");
}

static void test_files(void **state)
{
    (void)state;
    psy_session_settings st;
    psy_message why = {{0}};
    static const char good[] = "{\"segments\": \"markers\", \"epochs\": [\"Neutral\"]}";
    assert_int_equal(psy_session_settings_load(write_temp_file("s.json", good, sizeof good - 1), &st, &why), PSY_OK);
    assert_int_equal(st.config.rule, PSY_SEGMENTS_MARKERS);
    assert_string_equal(st.config.epoch_labels[0], "Neutral");
    psy_session_settings_free(&st);
    static const char bad[] = "{\n \"pre_s\": 1,\n \"post_s\": [\n}";
    assert_int_equal(psy_session_settings_load(write_temp_file("b.json", bad, sizeof bad - 1), &st, &why),
                     PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "(line 4)"));
    assert_int_equal(psy_session_settings_load(temp_path("missing.json"), &st, &why), PSY_E_IO);
    assert_non_null(strstr(why.text, "missing.json"));
    assert_int_equal(psy_session_settings_load(NULL, &st, &why), PSY_E_INVALID);
    assert_int_equal(psy_session_settings_parse("{}", NULL, &why), PSY_E_INVALID);
}

/* psy_events_columns_parse, which checks the events_columns key. */
static void test_events_columns(void **state)
{
    (void)state;
    psy_events_options o = psy_events_options_default();
    o.offset_s = 2;
    char *names = NULL;
    assert_int_equal(psy_events_columns_parse("label=cond,onset=t", &o, &names), PSY_OK);
    assert_string_equal(o.onset_column, "t");
    assert_string_equal(o.label_column, "cond");
    assert_null(o.duration_column);
    assert_true(o.offset_s == 2);
    free(names);
    static const char *const bad[] = {"", "t", "onset=", "onset=a,onset=b", "start=t", "onset=t,", "=t"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        psy_events_options before = psy_events_options_default();
        names = NULL;
        assert_int_equal(psy_events_columns_parse(bad[i], &before, &names), PSY_E_INVALID);
        assert_null(names);
        assert_null(before.onset_column);
    }
    assert_int_equal(psy_events_columns_parse(NULL, &o, &names), PSY_E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_absent_keys_keep_the_defaults),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_events_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
