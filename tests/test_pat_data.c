/* Pulse arrival time on real recordings (../shared; skipped without it): an ICU monitor's ECG and
 * finger plethysmogram on one clock (wfdb-python's mixedsignals), and MARSH, whose PPG device
 * keeps its own clock (seconds off the ECG, drifting ~0.1 %): refused as a whole there. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>

#include "psyphys/pat.h"

static psy_pat_list *pat_of(psy_reader *ecg, int ecg_ch, psy_reader *ppg, int ppg_ch)
{
    psy_beat_list *b = NULL, *p = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_beats_detect(ecg, ecg_ch, NULL, &b, &why), PSY_OK);
    assert_int_equal(psy_pulses_detect(ppg, ppg_ch, NULL, &p, &why), PSY_OK);
    psy_pat_list *l = NULL;
    assert_int_equal(psy_pat_compute(b, p, NULL, &l), PSY_OK);
    psy_beat_list_free(b);
    psy_beat_list_free(p);
    return l;
}

/* ECG lead II (250 Hz) and Pleth (125 Hz) of one monitor, 230 s. */
static void test_icu_monitor(void **state)
{
    (void)state;
    psy_reader *r = open_shared("wfdb_python_samples/mixedsignals.hea", 0);
    psy_pat_list *l = pat_of(r, 0, r, 4);
    psy_pat_summary s;
    assert_int_equal(psy_pat_summarize(l, 0, 1e9, &s), PSY_OK);
    print_message("ICU: %zu R-peaks, %zu valid (%zu no PPG, %zu no pulse, %zu not normal), delay %.0f ms, "
                  "jitter %.1f ms, trend %.1f ms, PAT %.1f +- %.1f ms (median %.1f), to the upstroke %.1f\n",
                  l->n, l->n_valid, l->counts[PSY_PAT_NO_PPG], l->counts[PSY_PAT_NO_PULSE],
                  l->counts[PSY_PAT_BEAT_NOT_NORMAL] + l->counts[PSY_PAT_PULSE_NOT_NORMAL], l->delay_ms,
                  l->jitter_ms, l->trend_ms, s.mean_ms, s.sd_ms, s.median_ms, s.median_upstroke_ms);
    assert_true(l->n_valid >= 85 * l->n / 100);
    assert_true(s.median_ms > 300 && s.median_ms < 400);
    assert_true(s.median_upstroke_ms > s.median_ms && s.median_upstroke_ms < s.median_ms + 150);
    assert_true(s.sd_ms < 20);
    assert_true(l->jitter_ms < 10);
    psy_pat_list_free(l);
    psy_reader_close(r);
}

/* Every MARSH subject: the PPG's own clock (offsets of -6 .. +2 s, drifts of ~1000 ppm) gives no
 * steady delay beat by beat. */
static void test_marsh_other_clock(void **state)
{
    (void)state;
    static const char *const subjects[] = {"0017", "0018", "0037", "0047", "0214", "0256", "1337",
                                           "1436", "2655", "3723", "5329", "5600", "8000", "8623"};
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "marsh/%s_ecg.hea", subjects[i]);
        psy_reader *ecg = open_shared(rel, 0);
        snprintf(rel, sizeof rel, "marsh/%s_ppg.hea", subjects[i]);
        psy_reader *ppg = open_shared(rel, 0);
        psy_pat_list *l = pat_of(ecg, 0, ppg, 0);
        print_message("marsh %s: %zu R-peaks, delay %.0f ms, jitter %.1f ms, trend %.0f ms, %zu refused, %zu valid\n",
                      subjects[i], l->n, l->delay_ms, l->jitter_ms, l->trend_ms, l->counts[PSY_PAT_NOT_FOLLOWING],
                      l->n_valid);
        assert_int_equal(l->n_valid, 0);
        assert_int_equal(l->counts[PSY_PAT_VALID], 0);
        psy_pat_list_free(l);
        psy_reader_close(ecg);
        psy_reader_close(ppg);
    }
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icu_monitor),
        cmocka_unit_test(test_marsh_other_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
