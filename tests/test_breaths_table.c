/* The sidecar of a breaths table (psyphys/breaths_table.h) on the bundled recording: the
 * detector's and RSA's settings, the summary with the RSA values, the columns, the warnings of
 * ECG-derived breaths; refusals. `psyphys resp` writes its sidecar with these calls;
 * scripts/compare_outputs.sh checks its bytes against the version before the move. */
#include "test_util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "psyphys.h"
#include "sidecar_json.h"

#define DEMO PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf"

/* The bundled recording, open, and the beats of its ECG. */
static psy_reader *demo_with_beats(psy_beat_list **beats)
{
    psy_reader *r = NULL;
    psy_message why;
    psy_open_options opt = psy_open_options_default();
    assert_int_equal(psy_reader_open(DEMO, &opt, &r, &why), PSY_OK);
    psy_beats_config bc = psy_beats_config_default();
    assert_int_equal(psy_beats_detect(r, psy_reader_find_channel(r, "ECG"), &bc, beats, &why), PSY_OK);
    return r;
}

/* Each of keys (NULL-terminated) is null in o, with a KEY_n/a_reason holding text. */
static void assert_null_with_reason(json_t *o, const char *const *keys, const char *text)
{
    for (const char *const *k = keys; *k; k++) {
        char reason[64];
        snprintf(reason, sizeof reason, "%s_n/a_reason", *k);
        assert_true(json_is_null(json_object_get(o, *k)));
        assert_non_null(strstr(json_string_value(json_object_get(o, reason)), text));
    }
}

static void sidecar_keys(void **state)
{
    (void)state;
    psy_message why;
    psy_beat_list *beats = NULL;
    psy_reader *r = demo_with_beats(&beats);
    for (int edr = 0; edr < 2; edr++) {
        psy_breath_list *l = NULL;
        if (edr) assert_int_equal(psy_breaths_from_beats(beats, &l, &why), PSY_OK);
        else assert_int_equal(psy_breaths_detect(r, psy_reader_find_channel(r, "RSP"), NULL, &l, &why), PSY_OK);
        psy_rsa_config rc = psy_rsa_config_default();
        psy_rsa_result rsa;
        assert_int_equal(psy_rsa_compute(beats, l, &rc, &rsa), PSY_OK);
        psy_breath_summary sum;
        assert_int_equal(psy_breath_summarize(l, &sum), PSY_OK);
        psy_sidecar *sc = NULL;
        assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
        assert_int_equal(psy_sidecar_set_breaths_settings(sc, "settings", l, &rc), PSY_OK);
        assert_int_equal(psy_sidecar_set_breaths_summary(sc, "summary", &sum, &rsa, &rc), PSY_OK);
        assert_int_equal(psy_sidecar_set_breaths_columns(sc, "columns"), PSY_OK);
        assert_int_equal(psy_sidecar_add_breaths_warnings(sc, l, &sum, 1), PSY_OK);
        assert_int_equal(psy_sidecar_set_breaths_summary(sc, "x", &sum, &rsa, NULL), PSY_E_INVALID);
        assert_int_equal(psy_sidecar_set_breaths_settings(sc, "x", NULL, NULL), PSY_E_INVALID);
        json_t *o = sidecar_as_json(sc);
        json_t *st = json_object_get(o, "settings");
        assert_string_equal(json_string_value(json_object_get(st, "source")),
                            edr ? "ecg-derived" : "respiration channel");
        assert_true(json_is_object(json_object_get(st, "rsa")));
        assert_int_equal(json_integer_value(json_object_get(json_object_get(st, "rsa"), "mean_min_breaths")),
                         PSY_RSA_MIN_BREATHS);
        json_t *s = json_object_get(o, "summary");
        assert_int_equal(json_integer_value(json_object_get(s, "breaths")), (json_int_t)sum.n_breaths);
        assert_non_null(json_object_get(s, "rsa_p2t_mean_ms"));
        assert_non_null(json_object_get(s, "rsa_pb_ln_ms2"));
        assert_true(json_is_object(json_object_get(json_object_get(o, "columns"), "rsa_p2t_ms")));
        /* RSA against ECG-derived breaths is said to be partly circular */
        int circular = 0;
        for (size_t i = 0; i < psy_sidecar_warning_count(sc); i++)
            circular |= strstr(psy_sidecar_warning(sc, i), "partly circular") != NULL;
        assert_int_equal(circular, edr);
        json_decref(o);
        psy_sidecar_free(sc);
        /* without RSA: no rsa settings; every RSA value null with its reason (ux11 #1: the keys
         * were left out, without a word) */
        assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
        assert_int_equal(psy_sidecar_set_breaths_settings(sc, "settings", l, NULL), PSY_OK);
        assert_int_equal(psy_sidecar_set_breaths_summary(sc, "summary", &sum, NULL, NULL), PSY_OK);
        o = sidecar_as_json(sc);
        assert_null(json_object_get(json_object_get(o, "settings"), "rsa"));
        s = json_object_get(o, "summary");
        static const char *const rsa_keys[] = {"rsa_p2t_mean_ms", "rsa_p2t_sd_ms", "rsa_pb_ln_ms2", "hf_resp_ms2",
                                               "resonance_hz", "coherence_ratio", "hr_osc_mean_bpm",
                                               "hf_resp_band_hz", NULL};
        assert_null_with_reason(s, rsa_keys, "no heartbeats to measure RSA against");
        json_decref(o);
        psy_sidecar_free(sc);
        psy_rsa_result_clear(&rsa);
        psy_breath_list_free(l);
    }
    psy_beat_list_free(beats);
    psy_reader_close(r);
}

/* Two breaths (ux11 #5: a 10-s recording): the breathing rate, the CVs and the recording's RSA
 * means are null, each with its reason, the means below PSY_RSA_MIN_BREATHS as the rate is (they
 * came from 2 breaths without a word); each breath keeps its own values. */
static void few_breaths(void **state)
{
    (void)state;
    psy_message why;
    psy_beat_list *beats = NULL;
    psy_reader *r = demo_with_beats(&beats);
    psy_breath_list *l = NULL;
    assert_int_equal(psy_breaths_detect(r, psy_reader_find_channel(r, "RSP"), NULL, &l, &why), PSY_OK);
    size_t all = l->n;
    l->n = 2;
    psy_rsa_config rc = psy_rsa_config_default();
    psy_rsa_result rsa;
    assert_int_equal(psy_rsa_compute(beats, l, &rc, &rsa), PSY_OK);
    assert_int_equal(rsa.p2t_n, 2);
    assert_true(isfinite(rsa.p2t_ms[0]) && isfinite(rsa.p2t_ms[1]) && isfinite(rsa.hr_osc_bpm[0]));
    assert_true(isnan(rsa.p2t_mean_ms) && isnan(rsa.p2t_sd_ms) && isnan(rsa.hr_osc_mean_bpm));
    psy_breath_summary sum;
    assert_int_equal(psy_breath_summarize(l, &sum), PSY_OK);
    psy_sidecar *sc = NULL;
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    assert_int_equal(psy_sidecar_set_breaths_summary(sc, "summary", &sum, &rsa, &rc), PSY_OK);
    json_t *o = sidecar_as_json(sc);
    json_t *s = json_object_get(o, "summary");
    static const char *const keys[] = {"rate_per_min", "irregularity_cv_pct", "depth_cv_pct", "rsa_p2t_mean_ms",
                                       "rsa_p2t_sd_ms", "rsa_p2t_ln_mean", "hr_osc_mean_bpm", NULL};
    assert_null_with_reason(s, keys, "fewer than 3");
    assert_true(json_is_number(json_object_get(s, "depth_median")));
    json_decref(o);
    psy_sidecar_free(sc);
    psy_rsa_result_clear(&rsa);
    l->n = all;
    psy_breath_list_free(l);
    psy_beat_list_free(beats);
    psy_reader_close(r);
}

/* The amplitude column in significant digits (ux11 #13: 6 decimals left impedance breaths of
 * ~6e-5 ohm two digits, 0.000060): 6, as the session tables' unscaled values. */
static void amplitude_digits(void **state)
{
    (void)state;
    psy_breath b[2] = {{.amplitude = 6.0123456e-5}, {.amplitude = 1234.5678}};
    double onset[2] = {1, 5}, peak[2] = {2.5, 6.5}, end[2] = {5, 9};
    psy_breath_list l = {.n = 2, .b = b, .onset_s = onset, .peak_s = peak, .end_s = end, .rate_hz = 250};
    char text[512] = "";
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(psy_breaths_write_tsv(fp, &l, NULL), PSY_OK);
    rewind(fp);
    size_t got = fread(text, 1, sizeof text - 1, fp);
    text[got] = '\0';
    fclose(fp);
    assert_non_null(strstr(text, "\n1.000\t2.500\t4.000\t6.01235e-05\t15.000\tn/a\tn/a\n"));
    assert_non_null(strstr(text, "\n5.000\t6.500\t4.000\t1234.57\t15.000\tn/a\tn/a\n"));
}

/* The ECG-derived rate per minute in the sidecar: each window, its reason when n/a, the median
 * of those with a rate; nothing for a list without windows (a respiration channel's). */
static void rate_windows(void **state)
{
    (void)state;
    psy_edr_rate_window w[3] = {{.onset_s = 0.0, .per_min = 12.5, .modulations = 4, .agreeing = 2, .coherence = 0.8,
                                 .purity_rr = 4.5, .purity_waveform = 7.0},
                                {.onset_s = 60.0, .per_min = NAN, .modulations = 4, .agreeing = 0,
                                 .why = "no mechanism shows breathing at the rate", .coherence = 0.2,
                                 .purity_rr = 1.0, .purity_waveform = NAN},
                                {.onset_s = 120.0, .per_min = 14.5, .modulations = 3, .agreeing = 1,
                                 .coherence = 0.3, .purity_rr = 0.5, .purity_waveform = 6.5}};
    psy_breath_list l = {0};
    psy_sidecar *sc = NULL;
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    assert_int_equal(psy_sidecar_set_breaths_rate_windows(sc, "edr_rate", &l), PSY_OK);
    json_t *o = sidecar_as_json(sc);
    assert_null(json_object_get(o, "edr_rate"));
    json_decref(o);
    l.source = PSY_BREATHS_EDR, l.n_rate_windows = 3, l.rate_windows = w;
    assert_int_equal(psy_sidecar_set_breaths_rate_windows(sc, "edr_rate", &l), PSY_OK);
    o = sidecar_as_json(sc);
    json_t *e = json_object_get(o, "edr_rate");
    assert_int_equal(json_integer_value(json_object_get(e, "windows")), 3);
    assert_int_equal(json_integer_value(json_object_get(e, "windows_with_rate")), 2);
    assert_true(json_real_value(json_object_get(e, "rate_median_per_min")) == 13.5);
    json_t *per = json_object_get(e, "per_window");
    assert_int_equal(json_array_size(per), 3);
    json_t *second = json_array_get(per, 1);
    assert_true(json_real_value(json_object_get(second, "onset")) == 60.0);
    assert_true(json_is_null(json_object_get(second, "rate_per_min")));
    assert_string_equal(json_string_value(json_object_get(second, "rate_per_min_n/a_reason")),
                        "no mechanism shows breathing at the rate");
    assert_int_equal(json_integer_value(json_object_get(second, "agreeing")), 0);
    assert_true(json_real_value(json_object_get(second, "coherence")) == 0.2);
    assert_true(json_real_value(json_object_get(second, "purity_rr")) == 1.0);
    assert_true(json_is_null(json_object_get(second, "purity_waveform")));
    assert_true(json_real_value(json_object_get(json_array_get(per, 2), "rate_per_min")) == 14.5);
    json_decref(o);
    l.rate_windows = NULL;
    assert_int_equal(psy_sidecar_set_breaths_rate_windows(sc, "edr_rate", &l), PSY_E_INVALID);
    assert_int_equal(psy_sidecar_set_breaths_rate_windows(sc, "edr_rate", NULL), PSY_E_INVALID);
    psy_sidecar_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(sidecar_keys), cmocka_unit_test(few_breaths), cmocka_unit_test(amplitude_digits),
                                       cmocka_unit_test(rate_windows)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
