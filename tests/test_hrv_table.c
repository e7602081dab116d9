/* The HRV table (psyphys/hrv_table.h): columns per spectra, n/a cells and their tally, JSON rows,
 * the sidecar's settings and counts, the spectra. `psyphys hrv` writes with these calls;
 * scripts/compare_outputs.sh checks its bytes against the version before the move. */
#include "test_util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

#define N_NN 700

/* A sinus rhythm with a 0.25 Hz respiratory oscillation: ~10 min of intervals. */
static void rhythm(double *nn, double *t)
{
    double at = 0;
    for (size_t i = 0; i < N_NN; i++) {
        nn[i] = 850 + 40 * sin(2 * M_PI * 0.25 * at) + 15 * sin(2 * M_PI * 0.1 * at);
        at += nn[i] / 1000;
        t[i] = at;
    }
}

static char *sidecar_text(const psy_sidecar *sc)
{
    char *text = NULL;
    assert_int_equal(psy_sidecar_text(sc, &text), PSY_OK);
    return text;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void tsv_rows_and_na(void **state)
{
    (void)state;
    static double nn[N_NN], t[N_NN];
    rhythm(nn, t);
    psy_hrv_config cfg = psy_hrv_config_default();
    cfg.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB;
    psy_hrv *h = NULL;
    psy_message why;
    assert_int_equal(psy_hrv_create(&cfg, &h, &why), PSY_OK);
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    psy_hrv_table *tab = NULL;
    assert_int_equal(psy_hrv_table_begin(fp, PSY_HRV_TABLE_TSV, cfg.spectra, &tab), PSY_OK);
    psy_hrv_result whole, few;
    assert_int_equal(psy_hrv_compute(h, nn, t, N_NN, &whole, NULL), PSY_OK);
    assert_int_equal(psy_hrv_table_row(tab, 0, t[N_NN - 1], &whole), PSY_OK);
    assert_int_equal(psy_hrv_compute(h, nn, t, 20, &few, NULL), PSY_OK); /* 17 s: no spectra */
    assert_int_equal(psy_hrv_table_row(tab, 0, t[19], &few), PSY_OK);
    assert_int_equal(psy_hrv_table_end(tab), PSY_OK);
    assert_int_equal(psy_hrv_table_row(tab, 0, 1, &few), PSY_E_INVALID);
    fclose(fp);
    assert_int_equal(psy_hrv_table_rows(tab), 2);
    assert_int_equal(count_lines(buf), 3);
    /* the header: the first spectrum's keys plain, Lomb's frequency keys prefixed */
    assert_int_equal(strncmp(buf, "onset\tduration\tn_nn\tnn_corrected_pct\t", 37), 0);
    char *eol = strchr(buf, '\n');
    *eol = '\0';
    assert_non_null(strstr(buf, "\trmssd_ms\t"));
    assert_non_null(strstr(buf, "\tlomb_hf_ms2"));
    assert_null(strstr(buf, "\tar_"));
    /* the short row's spectra are n/a; the whole series' RMSSD is a number */
    char *row2 = strchr(eol + 1, '\n') + 1;
    assert_non_null(strstr(row2, "\tn/a"));
    char expect[64];
    snprintf(expect, sizeof expect, "0.000000\t%.6f\t%zu", t[N_NN - 1], whole.n_nn);
    assert_int_equal(strncmp(eol + 1, expect, strlen(expect)), 0);
    free(buf);
    /* the n/a tally: {"column": {"reason": rows}}, the short row's Lomb HF among them */
    psy_sidecar *sc = NULL;
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    assert_int_equal(psy_hrv_table_set_na_reasons(tab, sc, "na_reasons"), PSY_OK);
    char *text = sidecar_text(sc);
    json_t *o = json_loads(text, 0, NULL);
    json_t *na = json_object_get(o, "na_reasons");
    json_t *hf = json_object_get(na, "lomb_hf_ms2");
    assert_non_null(hf);
    assert_int_equal(json_integer_value(json_object_get(hf, few.lomb.na[PSY_HRV_HF_MS2])), 1);
    assert_null(json_object_get(na, "mean_nn_ms"));
    json_decref(o);
    psy_sidecar_text_free(text);
    psy_sidecar_free(sc);
    psy_hrv_table_free(tab);
    psy_hrv_table_free(NULL);
    /* refusals */
    assert_int_equal(psy_hrv_table_begin(stdout, PSY_HRV_TABLE_TSV, 0, &tab), PSY_E_INVALID);
    assert_null(tab);
    assert_int_equal(psy_hrv_table_begin(NULL, PSY_HRV_TABLE_TSV, PSY_HRV_WELCH, &tab), PSY_E_INVALID);
    assert_int_equal(psy_hrv_table_row(NULL, 0, 1, &few), PSY_E_INVALID);
    psy_hrv_destroy(h);
}

static void json_rows(void **state)
{
    (void)state;
    static double nn[N_NN], t[N_NN];
    rhythm(nn, t);
    psy_hrv_config cfg = psy_hrv_config_default();
    cfg.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR;
    psy_hrv *h = NULL;
    psy_message why;
    assert_int_equal(psy_hrv_create(&cfg, &h, &why), PSY_OK);
    for (int rows = 0; rows <= 2; rows++) {
        char *buf = NULL;
        size_t size = 0;
        FILE *fp = open_memstream(&buf, &size);
        psy_hrv_table *tab = NULL;
        assert_int_equal(psy_hrv_table_begin(fp, PSY_HRV_TABLE_JSON, cfg.spectra, &tab), PSY_OK);
        psy_hrv_result r;
        for (int k = 0; k < rows; k++) {
            assert_int_equal(psy_hrv_compute(h, nn + 300 * k, t + 300 * k, 300, &r, NULL), PSY_OK);
            assert_int_equal(psy_hrv_table_row(tab, t[300 * k], 250, &r), PSY_OK);
        }
        assert_int_equal(psy_hrv_table_end(tab), PSY_OK);
        fclose(fp);
        json_error_t err;
        json_t *o = json_loads(buf, 0, &err);
        assert_non_null(o);
        json_t *w = json_object_get(o, "windows");
        assert_int_equal(json_array_size(w), (size_t)rows);
        assert_int_equal(count_lines(buf), 4 + rows);
        if (rows) {
            /* several spectra: each nested under its name; the time domain at the top */
            json_t *row = json_array_get(w, rows - 1);
            assert_true(json_real_value(json_object_get(row, "duration")) == 250);
            assert_true(json_is_object(json_object_get(row, "ar")));
            assert_true(json_is_number(json_object_get(json_object_get(row, "welch"), "hf_ms2")));
            assert_true(fabs(json_number_value(json_object_get(row, "rmssd_ms")) - r.values.v[PSY_HRV_RMSSD_MS]) <
                        1e-9 * r.values.v[PSY_HRV_RMSSD_MS]);
            assert_null(json_object_get(row, "hf_ms2"));
            assert_true(json_is_object(json_object_get(row, "na_reasons")));
        }
        json_decref(o);
        free(buf);
        psy_hrv_table_free(tab);
    }
    psy_hrv_destroy(h);
}

/* The fields of line `line` (0: the header) of text, tab-separated. */
static int fields_of_line(const char *text, int line)
{
    for (; line > 0; line--) text = strchr(text, '\n') + 1;
    int n = 1;
    for (; *text && *text != '\n'; text++) n += *text == '\t';
    return n;
}

/* r21a finding 6: a recorded table's row with NaN keeps its last cell (n/a, JSON null), and
 * psy_hrv_table_row on it writes 100. */
static void recorded_column(void **state)
{
    (void)state;
    static double nn[N_NN], t[N_NN];
    rhythm(nn, t);
    psy_hrv_config cfg = psy_hrv_config_default();
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&cfg, &h, NULL), PSY_OK);
    psy_hrv_result r;
    assert_int_equal(psy_hrv_compute(h, nn, t, 300, &r, NULL), PSY_OK);
    for (int json = 0; json <= 1; json++) {
        char *buf = NULL;
        size_t size = 0;
        FILE *fp = open_memstream(&buf, &size);
        psy_hrv_table *tab = NULL;
        assert_int_equal(psy_hrv_table_begin_recorded(fp, json ? PSY_HRV_TABLE_JSON : PSY_HRV_TABLE_TSV,
                                                      cfg.spectra, &tab), PSY_OK);
        assert_int_equal(psy_hrv_table_row_recorded(tab, 0, 250, NAN, &r), PSY_OK);
        assert_int_equal(psy_hrv_table_row(tab, 250, 250, &r), PSY_OK);
        assert_int_equal(psy_hrv_table_end(tab), PSY_OK);
        fclose(fp);
        if (!json) {
            assert_int_equal(fields_of_line(buf, 1), fields_of_line(buf, 0));
            assert_non_null(strstr(buf, "\tn/a\n"));
            assert_non_null(strstr(buf, "\t100.00\n"));
        } else {
            json_t *o = json_loads(buf, 0, NULL);
            assert_non_null(o);
            json_t *w = json_object_get(o, "windows");
            assert_true(json_is_null(json_object_get(json_array_get(w, 0), "recorded_pct")));
            assert_true(json_real_value(json_object_get(json_array_get(w, 1), "recorded_pct")) == 100);
            json_decref(o);
        }
        free(buf);
        psy_hrv_table_free(tab);
    }
    psy_hrv_destroy(h);
}

static void sidecar_and_spectra(void **state)
{
    (void)state;
    static double nn[N_NN], t[N_NN];
    rhythm(nn, t);
    psy_hrv_series s = {0};
    psy_message why;
    assert_int_equal(psy_hrv_series_from_rr(nn, t, N_NN, PSY_HRV_CORRECT_PCST, &s, &why), PSY_OK);
    psy_hrv_config cfg;
    assert_int_equal(psy_hrv_config_preset("pcst", &cfg), PSY_OK);
    psy_sidecar *sc = NULL;
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    assert_int_equal(psy_sidecar_set_hrv_settings(sc, "settings", &cfg, "pcst", PSY_HRV_CORRECT_PCST, 300, 30,
                                                  PSY_HRV_WINDOWS_PCST), PSY_OK);
    assert_int_equal(psy_sidecar_set_hrv_counts(sc, "counts", &s, 3), PSY_OK);
    assert_int_equal(psy_sidecar_set_hrv_settings(sc, "x", NULL, "pcst", PSY_HRV_CORRECT_PCST, 0, 0, 0),
                     PSY_E_INVALID);
    assert_int_equal(psy_sidecar_set_hrv_counts(NULL, "x", &s, 0), PSY_E_INVALID);
    char *text = sidecar_text(sc);
    json_t *o = json_loads(text, 0, NULL);
    json_t *st = json_object_get(o, "settings");
    assert_string_equal(json_string_value(json_object_get(st, "preset")), "pcst");
    assert_string_equal(json_string_value(json_object_get(st, "correction")), "pcst");
    assert_true(json_is_object(json_object_get(st, "pcst_cleaning")));
    assert_true(json_real_value(json_object_get(st, "window_s")) == 300);
    assert_non_null(strstr(json_string_value(json_object_get(st, "window_rule")), "PCST"));
    assert_true(json_is_object(json_object_get(st, "frequency_domain")));
    json_t *c = json_object_get(o, "counts");
    assert_int_equal(json_integer_value(json_object_get(c, "intervals")), (json_int_t)s.n);
    assert_int_equal(json_integer_value(json_object_get(c, "skipped")), 3);
    assert_true(json_is_object(json_object_get(c, "pcst_removed")));
    assert_null(json_object_get(c, "left_out"));
    json_decref(o);
    psy_sidecar_text_free(text);
    psy_sidecar_free(sc);
    /* the whole series: window_s null */
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    cfg = psy_hrv_config_default();
    assert_int_equal(psy_sidecar_set_hrv_settings(sc, "settings", &cfg, "default", PSY_HRV_CORRECT_LIPPONEN, 0, 0,
                                                  PSY_HRV_WINDOWS_STANDARD), PSY_OK);
    text = sidecar_text(sc);
    o = json_loads(text, 0, NULL);
    assert_true(json_is_null(json_object_get(json_object_get(o, "settings"), "window_s")));
    json_decref(o);
    psy_sidecar_text_free(text);
    psy_sidecar_free(sc);
    /* the spectra of the last analysis: a header, then bins of each spectrum computed */
    cfg.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB;
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&cfg, &h, &why), PSY_OK);
    psy_hrv_result r;
    assert_int_equal(psy_hrv_compute(h, s.nn_ms, s.t_s, s.n, &r, NULL), PSY_OK);
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_int_equal(psy_hrv_write_spectra(fp, h), PSY_OK);
    fclose(fp);
    const double *f, *p;
    size_t n_welch, n_lomb;
    psy_hrv_spectrum(h, PSY_HRV_WELCH, &f, &p, &n_welch);
    psy_hrv_spectrum(h, PSY_HRV_LOMB, &f, &p, &n_lomb);
    assert_true(n_welch > 10 && n_lomb > 10);
    assert_int_equal(strncmp(buf, "method\tfrequency_hz\tpsd_ms2_per_hz\nwelch\t", 41), 0);
    assert_int_equal(count_lines(buf), (int)(1 + n_welch + n_lomb));
    assert_null(strstr(buf, "\nar\t"));
    free(buf);
    assert_int_equal(psy_hrv_write_spectra(NULL, h), PSY_E_INVALID);
    psy_hrv_destroy(h);
    psy_hrv_series_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(tsv_rows_and_na), cmocka_unit_test(json_rows),
                                       cmocka_unit_test(sidecar_and_spectra), cmocka_unit_test(recorded_column)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
