/* Pulses, E4 folders and clock-time events on real recordings (../shared; skipped without it):
 * MARSH finger PPG against its ECG's R-peaks (per-subject floors; the aligned comparison is
 * bench/ppg_marsh.c), WESAD and FLIRT Empatica E4 folders as one recording, clock-time onsets on
 * an EDF with a known start. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Pulses per subject (plus those the unusable stretches hold) against the R-peaks in the PPG's
 * span, and the median intervals. The PPG clock runs ~0.1 % off the ECG's, below these floors. Floors: count within 1.5 % (0214,
 * a stretch of 7 Hz interference where pulses go missing: 5 %), median interval within 1 %. */
static void test_marsh_floors(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        double count_pct;
    } subjects[] = {{"0017", 1.5}, {"0018", 1.5}, {"0037", 1.5}, {"0047", 1.5}, {"0214", 5.0},
                    {"0256", 1.5}, {"1337", 1.5}, {"1436", 1.5}, {"2655", 1.5}, {"3723", 1.5},
                    {"5329", 1.5}, {"5600", 1.5}, {"8000", 1.5}, {"8623", 1.5}};
    for (size_t s = 0; s < sizeof subjects / sizeof subjects[0]; s++) {
        char rel[64];
        snprintf(rel, sizeof rel, "marsh/%s_ecg.hea", subjects[s].id);
        psy_reader *ecg = open_shared(rel, 0);
        snprintf(rel, sizeof rel, "marsh/%s_ppg.hea", subjects[s].id);
        psy_reader *ppg = open_shared(rel, 0);
        psy_beat_list *b = NULL;
        psy_message why = {{0}};
        assert_int_equal(psy_pulses_detect(ppg, 0, NULL, &b, &why), PSY_OK);
        assert_int_equal(b->pulses, 1);
        double span = (double)psy_reader_channel(ppg, 0)->frames / psy_reader_channel(ppg, 0)->rate_hz;
        size_t n_r = 0, n_rr = 0, n_pi = 0;
        double *rr = malloc(psy_reader_event_count(ecg) * sizeof *rr), *pi = malloc(b->n * sizeof *pi), prev = NAN;
        for (size_t i = 0; i < psy_reader_event_count(ecg); i++) {
            const psy_event *e = psy_reader_event(ecg, i);
            if (e->code != 1) continue;
            n_r += e->onset_s < span;
            if (!isnan(prev)) rr[n_rr++] = 1000 * (e->onset_s - prev);
            prev = e->onset_s;
        }
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(b->rr_ms[i])) pi[n_pi++] = b->rr_ms[i];
        /* Unusable stretches count for the pulses they hold at the median interval. */
        double unusable_s = 0, rate = psy_reader_channel(ppg, 0)->rate_hz, med_pi = median(pi, n_pi);
        for (size_t g = 0; g < b->n_gaps; g++) unusable_s += (double)(b->gaps[g].end - b->gaps[g].start) / rate;
        double count_pct = 100.0 * ((double)b->n + 1000 * unusable_s / med_pi - (double)n_r) / (double)n_r;
        double med_pct = 100.0 * (med_pi - median(rr, n_rr)) / median(rr, n_rr);
        print_message("marsh %s: %zu pulses, %zu R-peaks (%+.2f %%), median interval %+.2f %%\n",
                      subjects[s].id, b->n, n_r, count_pct, med_pct);
        assert_true(fabs(count_pct) <= subjects[s].count_pct);
        assert_true(fabs(med_pct) <= 1.0);
        for (size_t i = 0; i < b->n; i++) { /* the steepest upstroke and the half-amplitude point (the
                                               onset) between the foot and the peak */
            double peak_s = b->onset_s[i] + (double)(b->peak_sample[i] - b->sample[i]) / rate;
            assert_true(b->upstroke_s[i] >= b->foot_s[i] && b->onset_s[i] >= b->foot_s[i]);
            assert_true(b->upstroke_s[i] <= peak_s && b->onset_s[i] <= peak_s);
        }
        if (s == 0) { /* read in small blocks: the same pulses (streaming = one-shot) */
            psy_pulses_config cfg = psy_pulses_config_default();
            cfg.block = 777;
            psy_beat_list *small = NULL;
            assert_int_equal(psy_pulses_detect(ppg, 0, &cfg, &small, &why), PSY_OK);
            assert_int_equal(small->n, b->n);
            assert_memory_equal(small->onset_s, b->onset_s, b->n * sizeof b->onset_s[0]);
            assert_memory_equal(small->upstroke_s, b->upstroke_s, b->n * sizeof b->upstroke_s[0]);
            assert_int_equal(small->n_gaps, b->n_gaps);
            psy_beat_list_free(small);
        }
        free(rr);
        free(pi);
        psy_beat_list_free(b);
        psy_reader_close(ecg);
        psy_reader_close(ppg);
    }
}

/* Real finger PPG stored upside down (as devices recording transmitted light do): the detector
 * decides the polarity from the signal and finds the same feet. */
static void test_marsh_inverted(void **state)
{
    (void)state;
    psy_reader *r = open_shared("marsh/0017_ppg.hea", 0);
    const psy_channel_info *c = psy_reader_channel(r, 0);
    int64_t n = c->frames < 300 * 500 ? c->frames : 300 * 500;
    double *x = malloc((size_t)n * sizeof *x);
    assert_int_equal(psy_reader_read(r, 0, 0, n, x), PSY_OK);
    double *feet[2];
    size_t count[2];
    for (int k = 0; k < 2; k++) {
        psy_ppg_detector_config cfg = psy_ppg_detector_config_default(c->rate_hz);
        psy_ppg_detector *d = NULL;
        assert_int_equal(psy_ppg_detector_create(&cfg, &d), PSY_OK);
        feet[k] = malloc(2000 * sizeof(double));
        count[k] = 0;
        psy_ppg_pulse p[64];
        psy_ppg_unusable u[64];
        for (int64_t at = 0; at <= n; at += 1000) {
            size_t used = 0, m;
            if (at < n) psy_ppg_detector_push(d, x + at, (size_t)(n - at < 1000 ? n - at : 1000), &used);
            else psy_ppg_detector_finish(d);
            while ((m = psy_ppg_detector_pop_pulses(d, p, 64)) > 0)
                for (size_t i = 0; i < m && count[k] < 2000; i++) feet[k][count[k]++] = p[i].foot;
            while (psy_ppg_detector_pop_unusable(d, u, 64) > 0) {}
        }
        assert_int_equal(psy_ppg_detector_polarity(d), k ? -1 : 1);
        psy_ppg_detector_destroy(d);
        for (int64_t i = 0; i < n; i++) x[i] = -x[i];
    }
    print_message("marsh 0017, 300 s: %zu pulses as recorded, %zu inverted\n", count[0], count[1]);
    assert_int_equal(count[0], count[1]);
    for (size_t i = 0; i < count[0]; i++) assert_true(fabs(feet[0][i] - feet[1][i]) < 1e-6);
    free(feet[0]), free(feet[1]), free(x);
    psy_reader_close(r);
}

static void test_e4_folder(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(shared_data("wesad_wrist/S2/S2_E4_Data"));
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    assert_int_equal(psy_reader_channel_count(r), 8);
    psy_datetime t = psy_reader_start(r);
    assert_true(t.known && t.zone_known && t.utc_offset_min == 0);
    assert_true(t.year == 2017 && t.month == 5 && t.day == 22 && t.hour == 7 && t.minute == 15 && t.second == 25);
    /* HR.csv starts 10 s after the others: 10 missing samples, then its first value. */
    int hr = psy_reader_find_channel(r, "HR"), bvp = psy_reader_find_channel(r, "BVP");
    const psy_channel_info *c = psy_reader_channel(r, hr);
    assert_true(c->rate_hz == 1 && c->frames == 7865 + 10 && c->type == PSY_CH_HR);
    double v[12];
    assert_int_equal(psy_reader_read(r, hr, 0, 12, v), PSY_OK);
    for (int i = 0; i < 10; i++) assert_true(isnan(v[i]));
    assert_true(v[10] == 101.0 && v[11] == 106.5);
    assert_true(psy_reader_channel(r, bvp)->type == PSY_CH_PPG && psy_reader_channel(r, bvp)->rate_hz == 64);
    /* IBI: its times as in the file (same start as the recording). */
    int ibi = psy_reader_find_channel(r, "IBI");
    double ti;
    assert_int_equal(psy_reader_read_times(r, ibi, 0, 1, &ti), PSY_OK);
    assert_true(fabs(ti - 14.313155) < 1e-9);
    assert_true(psy_reader_file_count(r) >= 7); /* every file, for provenance */
    /* Pulses of the BVP channel: the folder's pulse rate within 3 bpm of the E4's own IBI. */
    psy_beat_list *b = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_pulses_detect(r, bvp, NULL, &b, &why), PSY_OK);
    psy_beat_list *e4 = NULL;
    assert_int_equal(psy_beats_detect(r, ibi, NULL, &e4, &why), PSY_OK);
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < b->n_nn; i++) s1 += b->nn_ms[i];
    for (size_t i = 0; i < e4->n_nn; i++) s2 += e4->nn_ms[i];
    double bpm = 60000 * (double)b->n_nn / s1, e4_bpm = 60000 * (double)e4->n_nn / s2;
    print_message("WESAD S2: %.1f bpm from the pulses, %.1f from the E4's IBI\n", bpm, e4_bpm);
    assert_true(fabs(bpm - e4_bpm) <= 3);
    psy_beat_list_free(b);
    psy_beat_list_free(e4);
    psy_reader_close(r);
    /* A button press: an event at its time from the start. */
    r = open_or_fail(shared_data("wesad_wrist/S7/S7_E4_Data"));
    assert_int_equal(psy_reader_event_count(r), 1);
    assert_true(fabs(psy_reader_event(r, 0)->onset_s - 6493.86) < 0.01);
    psy_reader_close(r);
    r = open_or_fail(shared_data("flirt_wearables/empatica"));
    hr = psy_reader_find_channel(r, "HR");
    assert_int_equal(psy_reader_read(r, hr, 9, 2, v), PSY_OK);
    assert_true(isnan(v[0]) && !isnan(v[1]));
    psy_reader_close(r);
    /* A folder without E4 files. */
    psy_message w = {{0}};
    assert_int_equal(psy_reader_open(shared_data("marsh"), NULL, &r, &w), PSY_E_IO);
    assert_non_null(strstr(w.text, "is a directory, not a recording"));
}

static psy_status load_events(psy_reader *r, const char *text, psy_message *why)
{
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_memory(text, strlen(text), "events.tsv", &src), PSY_OK);
    psy_status st = psy_reader_load_events(r, src, 0, why);
    psy_source_close(src);
    return st;
}

static double onset_of(psy_reader *r, const char *label)
{
    for (size_t i = 0; i < psy_reader_event_count(r); i++)
        if (strcmp(psy_reader_event(r, i)->label, label) == 0) return psy_reader_event(r, i)->onset_s;
    return NAN;
}

static void test_clock_time_events(void **state)
{
    (void)state;
    /* EDF start 2011-04-04 12:57:02, a wall clock without zone. */
    psy_reader *r = open_or_fail(shared_data("edf_pyedflib/test_generator.edf"));
    psy_message why = {{0}};
    assert_int_equal(load_events(r, "onset\tduration\ttrial_type\n2011-04-04T12:58:02\t5\ta\n"
                                    "2011-04-04 13:00:02.250\tn/a\tb\n2011-04-05T00:00:00\t0\tc\n12.5\t1\td\n", &why),
                     PSY_OK);
    assert_true(onset_of(r, "a") == 60 && onset_of(r, "b") == 180.25 && onset_of(r, "d") == 12.5);
    assert_true(onset_of(r, "c") == 11 * 3600 + 2 * 60 + 58); /* across midnight */
    assert_int_equal(load_events(r, "onset\tlabel\n2011-04-04T12:58:02Z\tz\n", &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "line 2: onset '2011-04-04T12:58:02Z' names a time zone"));
    assert_int_equal(load_events(r, "onset\tlabel\n2011-04-04T25:58:02\tz\n", &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "not a number (seconds) nor an ISO 8601 date-time"));
    assert_non_null(strstr(why.text, "Z, +hh:mm, +hhmm, +hh or no zone")); /* every accepted form */
    psy_reader_close(r);
    /* An E4 start is UTC: zoned onsets are instants, zone-less ones on the UTC clock. */
    r = open_or_fail(shared_data("flirt_wearables/empatica")); /* 2019-06-11 19:03:45 UTC */
    assert_int_equal(load_events(r, "onset,label\n2019-06-11T21:13:45+02:00,x\n2019-06-11T19:13:45.5Z,y\n"
                                    "2019-06-11T19:13:46,z\n", &why), PSY_OK);
    assert_true(onset_of(r, "x") == 600 && onset_of(r, "y") == 600.5 && onset_of(r, "z") == 601);
    psy_reader_close(r);
    /* No start: refused with the reason. */
    const char *csv = "ECG\n1\n2\n3\n";
    psy_source *src = NULL;
    assert_int_equal(psy_source_open_memory(csv, strlen(csv), "x.csv", &src), PSY_OK);
    psy_open_options o = psy_open_options_default();
    o.sampling_rate_hz = 100;
    assert_int_equal(psy_reader_open_source(src, &o, &r, &why), PSY_OK);
    assert_int_equal(load_events(r, "onset\n2019-06-11T19:13:45\n", &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "the recording's start is unknown"));
    psy_reader_close(r);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marsh_floors),
        cmocka_unit_test(test_marsh_inverted),
        cmocka_unit_test(test_e4_folder),
        cmocka_unit_test(test_clock_time_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
