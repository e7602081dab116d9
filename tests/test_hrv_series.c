/* The series an HRV analysis takes (psyphys/hrv_series.h): from intervals with a gap, from a
 * recording's RR channel, from a WFDB annotation record without signals; each correction. */
#include <math.h>
#include <string.h>

#include "test_util.h"

/* 40 intervals of 800 ms ending at 0.8, 1.6, ... s; a gap (NaN) before interval 20; interval 30
 * a missed beat (1600 ms). */
static size_t rr_with_gap(double *rr, double *t)
{
    double at = 0;
    for (size_t i = 0; i < 40; i++) {
        rr[i] = i == 30 ? 1600 : 800;
        at += (i == 20 ? 5000 : rr[i]) / 1000;
        t[i] = at;
    }
    rr[20] = NAN;
    return 40;
}

static void test_from_rr(void **state)
{
    (void)state;
    double rr[40], t[40];
    size_t n = rr_with_gap(rr, t);
    psy_hrv_series s;
    psy_message why = {{0}};
    assert_int_equal(psy_hrv_series_from_rr(rr, t, n, PSY_HRV_CORRECT_NONE, &s, &why), PSY_OK);
    assert_int_equal(s.n, 40);
    assert_int_equal(s.beats, 40);
    assert_int_equal(s.n_corrected, 0);
    assert_true(fabs(s.t_first_s - 0.0) < 1e-12); /* the beat before the first interval */
    assert_int_equal(psy_hrv_series_check(&s, &why), PSY_OK);
    psy_hrv_series_free(&s);
    /* Lipponen: the gap drops out, the missed beat is split in two, each half flagged */
    assert_int_equal(psy_hrv_series_from_rr(rr, t, n, PSY_HRV_CORRECT_LIPPONEN, &s, &why), PSY_OK);
    assert_int_equal(s.n, 40);
    assert_int_equal(s.counts.n[PSY_BEAT_MISSED], 1);
    assert_int_equal(s.n_corrected, 2);
    for (size_t i = 0; i < s.n; i++) assert_true(fabs(s.nn_ms[i] - 800) < 1e-9);
    psy_hrv_series_free(&s);
    /* PCST: the NaN and the 1600 ms change are removed, none altered */
    assert_int_equal(psy_hrv_series_from_rr(rr, t, n, PSY_HRV_CORRECT_PCST, &s, &why), PSY_OK);
    assert_int_equal(s.n, 38);
    assert_int_equal(s.pcst.invalid, 1);
    assert_int_equal(s.pcst.changes, 1);
    assert_int_equal(s.n_corrected, 0);
    assert_string_equal(psy_hrv_correction_name(s.correction), "pcst");
    psy_hrv_series_free(&s);
    /* nothing usable: said, not analysed */
    double bad[2] = {NAN, -5}, bt[2] = {1, 2};
    assert_int_equal(psy_hrv_series_from_rr(bad, bt, 2, PSY_HRV_CORRECT_NONE, &s, &why), PSY_OK);
    assert_int_equal(psy_hrv_series_check(&s, &why), PSY_E_TOO_SHORT);
    assert_string_equal(why.text, "no usable NN intervals (2 beats, 2 intervals): nothing to analyse");
    psy_hrv_series_free(&s);
    assert_int_equal(psy_hrv_series_from_rr(NULL, NULL, 3, PSY_HRV_CORRECT_NONE, &s, &why), PSY_E_INVALID);
    psy_hrv_series_free(&s);
    psy_hrv_correction c;
    assert_int_equal(psy_hrv_correction_parse("lipponen", &c), PSY_OK);
    assert_int_equal(c, PSY_HRV_CORRECT_LIPPONEN);
    assert_int_equal(psy_hrv_correction_parse("kubios", &c), PSY_E_INVALID);
}

/* A recording's RR channel: the beat list's NN series, the same as psy_hrv_series_from_beats. */
static void test_from_reader(void **state)
{
    (void)state;
    double rr[60], t[60], at = 0;
    for (size_t i = 0; i < 60; i++) {
        rr[i] = i == 25 ? 1700 : 850;
        at += rr[i] / 1000, t[i] = at;
    }
    psy_array_channel c[2] = {{.label = "temp", .type = PSY_CH_OTHER, .rate_hz = 1, .samples = rr, .n = 60},
                              {.label = "RR", .type = PSY_CH_RR, .unit = "ms", .samples = rr, .times_s = t, .n = 60}};
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_from_arrays(c, 2, NULL, 0, &r, NULL), PSY_OK);
    assert_false(psy_hrv_beats_from_annotations(r, NULL));
    psy_hrv_series s, b;
    psy_message why = {{0}};
    assert_int_equal(psy_hrv_series_from_reader(r, NULL, -1, PSY_HRV_CORRECT_LIPPONEN, &s, &why), PSY_OK);
    assert_int_equal(s.channel, 1); /* the RR channel, not the first */
    assert_int_equal(s.n_corrected, 2);
    assert_null(s.pulses);
    psy_beat_list *list = NULL;
    assert_int_equal(psy_beats_detect(r, 1, NULL, &list, &why), PSY_OK);
    assert_int_equal(psy_hrv_series_from_beats(list, PSY_HRV_CORRECT_LIPPONEN, &b, &why), PSY_OK);
    assert_int_equal(b.n, s.n);
    assert_memory_equal(b.nn_ms, s.nn_ms, s.n * sizeof *s.nn_ms);
    assert_memory_equal(b.corrected, s.corrected, s.n);
    assert_true(b.t_first_s == s.t_first_s);
    psy_hrv_series_free(&b);
    psy_hrv_series_free(&s);
    psy_beat_list_free(list);
    /* a named channel of another type is refused; annotations need an annotation record */
    assert_int_equal(psy_hrv_series_from_reader(r, "nope", -1, PSY_HRV_CORRECT_NONE, &s, &why), PSY_E_NOT_FOUND);
    psy_hrv_series_free(&s);
    assert_int_equal(psy_hrv_series_from_reader(r, NULL, 0, PSY_HRV_CORRECT_NONE, &s, &why), PSY_E_INVALID);
    psy_hrv_series_free(&s);
    psy_reader_close(r);
}

/* A WFDB annotation file without a header or signals: its beat annotations are the beats; a
 * noise mark splits nothing unless every annotation is taken. */
static void test_from_annotations(void **state)
{
    (void)state;
    int64_t sample[6] = {100, 180, 260, 300, 340, 420};
    int code[6];
    for (int i = 0; i < 6; i++) code[i] = psy_wfdb_code("N");
    code[3] = psy_wfdb_code("~");
    uint8_t bytes[64];
    size_t len = 0;
    assert_int_equal(psy_wfdb_annotations_encode(sample, code, 6, bytes, sizeof bytes, &len), PSY_OK);
    const char *path = write_temp_file("ann.atr", bytes, len);
    psy_open_options o = psy_open_options_default();
    o.sampling_rate_hz = 100;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_reader_open(path, &o, &r, &why), PSY_OK);
    assert_true(psy_hrv_beats_from_annotations(r, NULL));
    assert_false(psy_hrv_beats_from_annotations(r, "ECG"));
    psy_hrv_series s;
    assert_int_equal(psy_hrv_series_from_reader(r, NULL, -1, PSY_HRV_CORRECT_NONE, &s, &why), PSY_OK);
    assert_int_equal(s.beats, 5);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.annotations, 1);
    assert_int_equal(s.channel, -1);
    assert_true(fabs(s.nn_ms[2] - 800) < 1e-9); /* 260 -> 340 across the noise mark */
    assert_true(fabs(s.t_first_s - 1.0) < 1e-12);
    psy_hrv_series_free(&s);
    assert_int_equal(psy_hrv_series_from_reader(r, NULL, 1, PSY_HRV_CORRECT_NONE, &s, &why), PSY_OK);
    assert_int_equal(s.beats, 6);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.annotations, 2);
    assert_true(fabs(s.nn_ms[2] - 400) < 1e-9);
    psy_hrv_series_free(&s);
    psy_reader_close(r);
}

/* An ECG channel: the series keeps its R-peaks lean, with the stretch without signal (NaN at
 * 20-30 s), for the sidecar: "gaps" and the warning psyphys beats gives (ux21a F3). */
static void test_ecg_gaps(void **state)
{
    (void)state;
    enum { FS = 250, N = 60 * FS };
    static double x[N];
    for (size_t i = 0; i < N; i++) {
        double t = (double)i / FS, d = (t - 0.4) - 0.8 * floor((t - 0.4) / 0.8 + 0.5);
        double qrs = d / 0.01, twave = (d - 0.28) / 0.045;
        x[i] = t >= 20 && t < 30 ? NAN : exp(-0.5 * qrs * qrs) + 0.3 * exp(-0.5 * twave * twave);
    }
    psy_array_channel c = {.label = "ECG", .type = PSY_CH_ECG, .unit = "mV", .rate_hz = FS, .samples = x, .n = N};
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_from_arrays(&c, 1, NULL, 0, &r, NULL), PSY_OK);
    psy_hrv_series s;
    psy_message why = {{0}};
    assert_int_equal(psy_hrv_series_from_reader(r, NULL, -1, PSY_HRV_CORRECT_LIPPONEN, &s, &why), PSY_OK);
    assert_null(s.pulses);
    assert_non_null(s.ecg_beats);
    assert_true(s.ecg_beats->n == s.beats && s.beats > 50);
    assert_null(s.ecg_beats->sample); /* lean: no per-beat columns kept */
    assert_null(s.ecg_beats->nn_ms);
    assert_int_equal(s.ecg_beats->n_gaps, 1);
    psy_sidecar *sc = NULL;
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    assert_int_equal(psy_sidecar_add_beat_gaps(sc, r, s.channel, s.ecg_beats), PSY_OK);
    assert_int_equal(psy_sidecar_warning_count(sc), 1);
    assert_string_equal(psy_sidecar_warning(sc, 0),
                        "10.0 s of 60.0 s without usable signal (0.0 s flat, 10.0 s missing): no beats there");
    char *text = NULL;
    assert_int_equal(psy_sidecar_text(sc, &text), PSY_OK);
    assert_non_null(strstr(text, "\"gaps\":[{\"onset\":20.0,\"duration\":10.0,\"kind\":\"missing\"}]"));
    psy_sidecar_text_free(text);
    psy_sidecar_free(sc);
    psy_hrv_series_free(&s);
    /* an RR channel keeps none */
    double rr[40], t[40], at = 0;
    for (size_t i = 0; i < 40; i++) rr[i] = 800, at += 0.8, t[i] = at;
    psy_array_channel rc = {.label = "RR", .type = PSY_CH_RR, .unit = "ms", .samples = rr, .times_s = t, .n = 40};
    psy_reader *rrr = NULL;
    assert_int_equal(psy_reader_from_arrays(&rc, 1, NULL, 0, &rrr, NULL), PSY_OK);
    assert_int_equal(psy_hrv_series_from_reader(rrr, NULL, -1, PSY_HRV_CORRECT_LIPPONEN, &s, &why), PSY_OK);
    assert_null(s.ecg_beats);
    psy_hrv_series_free(&s);
    psy_reader_close(rrr);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_rr),
        cmocka_unit_test(test_from_reader),
        cmocka_unit_test(test_from_annotations),
        cmocka_unit_test(test_ecg_gaps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
