/* Configs that grow without breaking the ABI (psyphys/export.h): every public config ends in
 * zeroed reserved words, its size and the reserve's offset are pinned (a setting added later
 * must take its room from the reserve), a config whose reserve is zero -- what a program built
 * against older headers passes -- is taken, and one whose reserve is not (a newer program's
 * setting) is refused with PSY_E_INVALID by every call that takes it, never ignored. */
#include "test_util.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

#define ENTRY(T) {#T, sizeof(T), offsetof(T, reserved), sizeof(((T *)0)->reserved)}

/* The layout of each config on LP64 (x86-64, arm64) when the reserve was introduced. A change
 * here breaks every program built against the headers before it: take new settings from the
 * end of `reserved` instead (shrink it by the words they use). */
static const struct {
    const char *name;
    size_t size, reserved_at;
} pinned[] = {
    {"psy_beats_config", 504, 376},        {"psy_ecg_detector_config", 208, 80},
    {"psy_eda_config", 320, 192},          {"psy_hr_response_config", 176, 48},
    {"psy_hrv_config", 992, 864},          {"psy_plausibility_config", 192, 64},
    {"psy_open_options", 168, 40},         {"psy_resp_config", 168, 40},
    {"psy_rr_config", 160, 32},            {"psy_rr_pcst_config", 160, 32},
    {"psy_rsa_config", 176, 48},           {"psy_session_config", 296, 168},
    {"psy_session_settings", 672, 544},
    {"psy_stream_config", 1912, 1784},     {"psy_sync_config", 184, 56},
    {"psy_trigger_config", 168, 40},       {"psy_ppg_detector_config", 240, 112},
    {"psy_pulses_config", 536, 408},       {"psy_pat_config", 176, 48},
    {"psy_events_options", 160, 32},
};

static void test_layout_is_pinned(void **state)
{
    (void)state;
    const struct {
        const char *name;
        size_t size, reserved_at, reserved_size;
    } now[] = {ENTRY(psy_beats_config),      ENTRY(psy_ecg_detector_config), ENTRY(psy_eda_config),
               ENTRY(psy_hr_response_config), ENTRY(psy_hrv_config),          ENTRY(psy_plausibility_config),
               ENTRY(psy_open_options),       ENTRY(psy_resp_config),         ENTRY(psy_rr_config),
               ENTRY(psy_rr_pcst_config),     ENTRY(psy_rsa_config),          ENTRY(psy_session_config),
               ENTRY(psy_session_settings),
               ENTRY(psy_stream_config),      ENTRY(psy_sync_config),         ENTRY(psy_trigger_config),
               ENTRY(psy_ppg_detector_config), ENTRY(psy_pulses_config),       ENTRY(psy_pat_config),
               ENTRY(psy_events_options)};
    assert_int_equal(sizeof now / sizeof now[0], sizeof pinned / sizeof pinned[0]);
    for (size_t i = 0; i < sizeof now / sizeof now[0]; i++) {
        /* the reserve is the last member, whatever the platform; settings added since took their
         * room from its start (psy_stream_config: resp_rate_hz, provisional, ppg_rate_hz;
         * psy_session_config: ppg, edr, lean_results) */
        assert_int_equal(now[i].reserved_at + now[i].reserved_size, now[i].size);
        size_t taken = PSY_RESERVED_WORDS * sizeof(uint64_t) - now[i].reserved_size;
        if (sizeof(void *) != 8 || sizeof(long) != 8) continue; /* the pinned figures are LP64's */
        if (now[i].size != pinned[i].size || now[i].reserved_at != pinned[i].reserved_at + taken)
            fail_msg("%s: %zu bytes, reserve at %zu; pinned %zu, %zu (take new settings from the reserve)",
                     now[i].name, now[i].size, now[i].reserved_at, pinned[i].size, pinned[i].reserved_at + taken);
    }
    assert_true(PSY_HRV_KEY_COUNT <= PSY_HRV_KEY_MAX);
}

/* Result structs popped into a caller's array keep their size and offsets too: psy_ecg_beat's
 * sub-sample offset (0.2) took the padding after searchback. */
static void test_result_layout_is_pinned(void **state)
{
    (void)state;
    if (sizeof(void *) != 8 || sizeof(long) != 8) return; /* LP64's figures */
    assert_int_equal(sizeof(psy_ecg_beat), 40);
    assert_int_equal(offsetof(psy_ecg_beat, searchback), 16);
    assert_int_equal(offsetof(psy_ecg_beat, offset), 20);
    assert_int_equal(offsetof(psy_ecg_beat, snr), 24);
    assert_int_equal(offsetof(psy_ecg_beat, likeness), 32);
}

static int clear_words(const uint64_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (r[i]) return 0;
    return 1;
}
#define clear(r) clear_words((r), sizeof(r) / sizeof((r)[0]))

static void test_defaults_leave_the_reserve_zero(void **state)
{
    (void)state;
    assert_true(clear(psy_beats_config_default().reserved));
    assert_true(clear(psy_beats_config_default().detector.reserved));
    assert_true(clear(psy_beats_config_default().rr.reserved));
    assert_true(clear(psy_ecg_detector_config_default(250).reserved));
    assert_true(clear(psy_eda_config_default(32).reserved));
    assert_true(clear(psy_hr_response_config_default().reserved));
    assert_true(clear(psy_hrv_config_default().reserved));
    assert_true(clear(psy_plausibility_config_default().reserved));
    assert_true(clear(psy_open_options_default().reserved));
    assert_true(clear(psy_resp_config_default(50).reserved));
    assert_true(clear(psy_rr_config_default().reserved));
    assert_true(clear(psy_rr_pcst_config_default().reserved));
    assert_true(clear(psy_rsa_config_default().reserved));
    assert_true(clear(psy_session_config_default().reserved));
    psy_stream_config sc = psy_stream_config_default(250, 32);
    assert_true(clear(sc.reserved) && clear(sc.hrv.reserved) && clear(sc.eda.reserved) && clear(sc.rr.reserved));
    assert_true(clear(psy_sync_config_default().reserved));
    assert_true(clear(psy_ppg_detector_config_default(64).reserved));
    assert_true(clear(psy_pulses_config_default().reserved) && clear(psy_pulses_config_default().detector.reserved) &&
                clear(psy_pulses_config_default().rr.reserved));
    assert_true(clear(psy_pat_config_default().reserved));
    assert_true(clear(psy_trigger_config_default().reserved));
    assert_true(clear(psy_events_options_default().reserved));
    psy_hrv_config h = psy_hrv_config_default();
    for (int k = PSY_HRV_KEY_COUNT; k < PSY_HRV_KEY_MAX; k++) assert_true(h.min_span_s[k] == 0);
}

/* A 60 s recording: a 250 Hz ECG-like pulse train, a 32 Hz skin conductance, a trigger. */
static psy_reader *recording(void)
{
    enum { N = 250 * 60, NE = 32 * 60 };
    static double ecg[N], eda[NE], trig[N];
    for (int i = 0; i < N; i++) {
        ecg[i] = i % 200 < 5 ? 1.0 : 0.0;
        trig[i] = i % 2500 < 10 ? 5.0 : 0.0;
    }
    for (int i = 0; i < NE; i++) eda[i] = 2 + 0.1 * sin(i / 50.0);
    psy_array_channel ch[3] = {{"ECG", PSY_CH_ECG, "mV", 250, ecg, NULL, N},
                               {"EDA", PSY_CH_EDA, "uS", 32, eda, NULL, NE},
                               {"TRIG", PSY_CH_TRIGGER, "V", 250, trig, NULL, N}};
    psy_reader *r = NULL;
    assert_int_equal(psy_reader_from_arrays(ch, 3, NULL, 0, &r, NULL), PSY_OK);
    return r;
}

/* Every call that takes a config: PSY_OK (or at least not refused) with the defaults, refused
 * with a word of the reserve set (each word in turn, so none is left unchecked). */
static void test_a_newer_setting_is_refused(void **state)
{
    (void)state;
    psy_reader *r = recording();
    psy_message why;
    double rr[8] = {800, 810, 790, 805, 800, 795, 810, 800}, t[8], out_rr[8], out_t[8];
    for (int i = 0; i < 8; i++) t[i] = (i + 1) * 0.8;
    psy_beat_class cls[8];
    psy_implausible imp;
    psy_hr_response resp;
    psy_beat_list *beats0 = NULL; /* for RSA */
    assert_int_equal(psy_beats_detect(r, 0, NULL, &beats0, &why), PSY_OK);
    assert_true(beats0->n > 10);
    for (int w = -1; w < PSY_RESERVED_WORDS; w++) {
        psy_status want = w < 0 ? PSY_OK : PSY_E_INVALID;
#define SET(c) \
    if (w >= 0) (c).reserved[(size_t)w % (sizeof (c).reserved / sizeof (c).reserved[0])] = 1
        psy_hrv_config hc = psy_hrv_config_default();
        SET(hc);
        psy_hrv *h = NULL;
        assert_int_equal(psy_hrv_create(&hc, &h, &why), want);
        psy_hrv_destroy(h);
        psy_ecg_detector_config ec = psy_ecg_detector_config_default(250);
        SET(ec);
        psy_ecg_detector *d = NULL;
        assert_int_equal(psy_ecg_detector_create(&ec, &d), want);
        psy_ecg_detector_destroy(d);
        psy_eda_config ed = psy_eda_config_default(32);
        SET(ed);
        assert_int_equal(psy_eda_config_check(&ed, &why), want);
        psy_eda_result *er = NULL;
        assert_int_equal(psy_eda_analyze(r, 1, &ed, PSY_EDA_FAST, &er, &why), want);
        psy_eda_result_free(er);
        psy_hr_response_config hr = psy_hr_response_config_default();
        SET(hr);
        assert_int_equal(psy_hr_response_at(t, rr, NULL, 8, 2.0, &hr, &resp), want);
        psy_plausibility_config pc = psy_plausibility_config_default();
        SET(pc);
        assert_int_equal(psy_check_heart_rate(t, rr, 8, &pc, &imp), want);
        psy_resp_config rc = psy_resp_config_default(50);
        SET(rc);
        psy_resp_detector *rd = NULL;
        assert_int_equal(psy_resp_detector_create(&rc, &rd), want);
        psy_resp_detector_destroy(rd);
        psy_rr_config rrc = psy_rr_config_default();
        SET(rrc);
        assert_int_equal(psy_rr_classify(rr, 8, &rrc, cls), want);
        psy_rr_pcst_config pcst = psy_rr_pcst_config_default();
        SET(pcst);
        size_t n_out = 0;
        psy_rr_pcst_counts counts;
        assert_int_equal(psy_rr_clean_pcst(rr, t, 8, &pcst, out_rr, out_t, &n_out, &counts), want);
        psy_sync_config sy = psy_sync_config_default();
        SET(sy);
        assert_int_equal(psy_sync_config_check(&sy, &why), want);
        psy_stream_config st = psy_stream_config_default(250, 32);
        SET(st);
        psy_stream *s = NULL;
        assert_int_equal(psy_stream_create(&st, &s, &why), want);
        psy_stream_destroy(s);
        psy_trigger_config tc = psy_trigger_config_default();
        SET(tc);
        size_t found = 0;
        assert_int_equal(psy_trigger_events(r, 2, &tc, &found, &why), want);
        psy_beats_config bc = psy_beats_config_default();
        SET(bc);
        psy_beat_list *beats = NULL;
        assert_int_equal(psy_beats_detect(r, 0, &bc, &beats, &why), want);
        psy_rsa_config ra = psy_rsa_config_default();
        SET(ra);
        psy_breath_list breaths = {0};
        psy_rsa_result rsa;
        assert_int_equal(psy_rsa_compute(beats0, &breaths, &ra, &rsa), want);
        psy_rsa_result_clear(&rsa);
        psy_beat_list_free(beats);
        psy_ppg_detector_config pd = psy_ppg_detector_config_default(64);
        SET(pd);
        psy_ppg_detector *pdd = NULL;
        assert_int_equal(psy_ppg_detector_create(&pd, &pdd), want);
        psy_ppg_detector_destroy(pdd);
        psy_stream_config sp = psy_stream_config_default(0, 0);
        sp.ppg_rate_hz = 64;
        SET(sp);
        assert_int_equal(psy_stream_create(&sp, &s, &why), want);
        psy_stream_destroy(s);
        psy_pulses_config pu = psy_pulses_config_default();
        SET(pu);
        psy_beat_list *pulses = NULL;
        assert_int_equal(psy_pulses_detect(r, 0, &pu, &pulses, &why), want);
        psy_pat_config pa = psy_pat_config_default();
        SET(pa);
        psy_beat_list *pulses0 = NULL;
        assert_int_equal(psy_pulses_detect(r, 0, NULL, &pulses0, &why), PSY_OK);
        psy_pat_list *pat = NULL;
        assert_int_equal(psy_pat_compute(beats0, pulses0, &pa, &pat), want);
        psy_pat_list_free(pat);
        psy_beat_list_free(pulses0);
        psy_beat_list_free(pulses);
        psy_session_config sc = psy_session_config_default();
        SET(sc);
        psy_session *ss = NULL;
        assert_int_equal(psy_session_run(r, &sc, &ss, &why), want);
        psy_session_free(ss);
        psy_open_options oo = psy_open_options_default();
        SET(oo);
        static const char csv[] = "time,ECG\n0,1\n0.01,2\n0.02,3\n";
        psy_source *src = NULL;
        assert_int_equal(psy_source_open_memory(csv, sizeof csv - 1, "x.csv", &src), PSY_OK);
        psy_reader *cr = NULL;
        psy_status got = psy_reader_open_source(src, &oo, &cr, &why);
        assert_int_equal(got, want);
        if (got == PSY_OK) psy_reader_close(cr);
        else psy_source_close(src);
        if (w >= 0) assert_non_null(strstr(why.text, "reserved"));
        psy_events_options eo = psy_events_options_default();
        SET(eo);
        static const char events[] = "onset\tduration\ttrial_type\n1.0\t2.0\tA\n";
        assert_int_equal(psy_source_open_memory(events, sizeof events - 1, "x_events.tsv", &src), PSY_OK);
        psy_events_info info;
        assert_int_equal(psy_reader_load_events_with(r, src, &eo, &info, &why), want);
        if (w >= 0) assert_non_null(strstr(why.text, "reserved"));
        psy_source_close(src);
#undef SET
    }
    /* an HRV key this library does not have */
    psy_hrv_config hc = psy_hrv_config_default();
    hc.min_span_s[PSY_HRV_KEY_MAX - 1] = 10;
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&hc, &h, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "no such key"));
    psy_beat_list_free(beats0);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_is_pinned),
        cmocka_unit_test(test_result_layout_is_pinned),
        cmocka_unit_test(test_defaults_leave_the_reserve_zero),
        cmocka_unit_test(test_a_newer_setting_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
