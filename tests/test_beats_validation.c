/* Beats against published references (../shared): MIT-BIH expert annotations (EC57 scoring),
 * the EDFbrowser 60-bpm synthetic ECG, NeuroKit2's R-peaks, and the Polar H10's own RR list. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static psy_reader *open_with_fs(const char *rel, double fs)
{
    const char *path = shared_data(rel);
    if (!path) fail_msg("missing %s", rel);
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    if (psy_reader_open(path, &opt, &r, &why) != PSY_OK) fail_msg("%s: %s", rel, why.text);
    return r;
}

static psy_beat_list *beats_of(psy_reader *r, const char *label, size_t block)
{
    int ch = psy_reader_find_channel(r, label);
    if (ch < 0) fail_msg("no channel %s", label);
    psy_beats_config cfg = psy_beats_config_default();
    if (block) cfg.block = block;
    psy_beat_list *b = NULL;
    psy_message why = {{0}};
    if (psy_beats_detect(r, ch, &cfg, &b, &why) != PSY_OK) fail_msg("beats: %s", why.text);
    return b;
}

/* Beat times of the test list, leaving out what the classifier calls extra detections. */
static size_t detected_times(const psy_beat_list *b, double *t)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->cls[i] != PSY_BEAT_EXTRA) t[n++] = b->onset_s[i];
    return n;
}

static void test_mitdb_ec57(void **state)
{
    (void)state;
    static const char *const records[] = {"100", "105", "113"};
    size_t tp = 0, fn = 0, fp = 0;
    for (int k = 0; k < 3; k++) {
        char rel[64];
        snprintf(rel, sizeof rel, "mitdb/%s.hea", records[k]);
        psy_reader *r = open_with_fs(rel, 0);
        double *ref = malloc(psy_reader_event_count(r) * sizeof *ref);
        size_t n_ref = 0;
        for (size_t i = 0; i < psy_reader_event_count(r); i++) {
            const psy_event *e = psy_reader_event(r, i);
            if (psy_wfdb_is_beat(e->code)) ref[n_ref++] = e->onset_s;
        }
        psy_beat_list *b = beats_of(r, "MLII", 0);
        double *test = malloc(b->n * sizeof *test);
        size_t n_test = detected_times(b, test);
        psy_beat_score s;
        assert_int_equal(psy_score_beats(ref, n_ref, test, n_test, 300, 0.15, &s), PSY_OK);
        print_message("mitdb %s: TP %zu FN %zu FP %zu Se %.3f%% +P %.3f%% median |error| %.1f ms\n",
                      records[k], s.tp, s.fn, s.fp, 100 * s.se, 100 * s.ppv, s.median_abs_error_ms);
        if (s.se < 0.995 || s.ppv < 0.995 || s.median_abs_error_ms > 10)
            fail_msg("mitdb %s below target (Se, +P >= 99.5 %%, median error <= 10 ms)", records[k]);
        tp += s.tp, fn += s.fn, fp += s.fp;
        /* Reading in small blocks gives the same beats (streaming = one-shot). */
        if (k == 1) {
            psy_beat_list *small = beats_of(r, "MLII", 777);
            assert_int_equal(small->n, b->n);
            assert_memory_equal(small->sample, b->sample, b->n * sizeof b->sample[0]);
            psy_beat_list_free(small);
        }
        psy_beat_list_free(b);
        free(ref);
        free(test);
        psy_reader_close(r);
    }
    double se = (double)tp / (double)(tp + fn), ppv = (double)tp / (double)(tp + fp);
    print_message("mitdb gross: Se %.3f%% +P %.3f%%\n", 100 * se, 100 * ppv);
    assert_true(se >= 0.998 && ppv >= 0.998);
}

static void test_synthetic_60bpm(void **state)
{
    (void)state;
    psy_reader *r = open_with_fs("wfdb_python_samples/test_generator_2.edf", 0);
    int ch = -1;
    for (int i = 0; i < psy_reader_channel_count(r); i++)
        if (psy_reader_channel(r, i)->type == PSY_CH_ECG) ch = i;
    assert_true(ch >= 0);
    psy_beat_list *b = beats_of(r, psy_reader_channel(r, ch)->label, 0);
    assert_int_equal(b->n, 600);
    for (size_t i = 1; i < b->n; i++) assert_true(fabs(b->rr_ms[i] - 1000.0) < 1e-9);
    assert_int_equal(b->counts.n[PSY_BEAT_NORMAL], 599);
    psy_beat_list_free(b);
    psy_reader_close(r);
}

/* Reads a one-column TSV of sample indices (header "sample"). */
static size_t read_samples(const char *rel, double fs, double *t, size_t max)
{
    const char *path = shared_reference(rel);
    if (!path) fail_msg("missing reference %s", rel);
    FILE *f = fopen(path, "r");
    char line[128];
    size_t n = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (n < max && fgets(line, sizeof line, f)) t[n++] = atof(line) / fs;
    fclose(f);
    return n;
}

static void test_neurokit_peaks(void **state)
{
    (void)state;
    static const struct { const char *data, *ref, *channel; double fs; } cases[] = {
        {"neurokit/ecg_1000hz.csv", "neurokit/rpeaks_ecg_1000hz.tsv", "ECG", 1000},
        {"neurokit/bio_resting_5min_100hz.csv", "neurokit/rpeaks_bio_resting_5min_100hz.tsv", "ECG", 100}};
    for (int k = 0; k < 2; k++) {
        psy_reader *r = open_with_fs(cases[k].data, cases[k].fs);
        psy_beat_list *b = beats_of(r, cases[k].channel, 0);
        double *ref = malloc(4096 * sizeof *ref), *test = malloc((b->n + 1) * sizeof *test);
        size_t n_ref = read_samples(cases[k].ref, cases[k].fs, ref, 4096);
        size_t n_test = detected_times(b, test);
        psy_beat_score s;
        assert_int_equal(psy_score_beats(ref, n_ref, test, n_test, 0, 0.05, &s), PSY_OK);
        print_message("%s: TP %zu FN %zu FP %zu Se %.2f%% +P %.2f%%\n", cases[k].data, s.tp, s.fn,
                      s.fp, 100 * s.se, 100 * s.ppv);
        if (s.se < 0.995 || s.ppv < 0.995) fail_msg("%s: below 99.5 %%", cases[k].data);
        free(ref);
        free(test);
        psy_beat_list_free(b);
        psy_reader_close(r);
    }
}

/* The Polar H10's raw ECG: our RR agrees with the strap's own RR list, and its premature
 * ventricular beats (the short intervals of its trigeminy) are labelled ectopic. */
static void test_polar_h10(void **state)
{
    (void)state;
    psy_reader *r = open_with_fs("rr_devices/polar_h10_detectPVC/polar_h10.csv", 0);
    int ecg = psy_reader_find_channel(r, "ecg"), rr_ch = psy_reader_find_channel(r, "rr");
    assert_true(ecg >= 0 && rr_ch >= 0);
    psy_beat_list *b = beats_of(r, "ecg", 0);
    const psy_channel_info *rc = psy_reader_channel(r, rr_ch);
    size_t n_dev = (size_t)rc->frames;
    double *dev_rr = malloc(n_dev * sizeof *dev_rr), *dev_t = malloc(n_dev * sizeof *dev_t);
    assert_int_equal(psy_reader_read(r, rr_ch, 0, (int64_t)n_dev, dev_rr), PSY_OK);
    assert_int_equal(psy_reader_read_times(r, rr_ch, 0, (int64_t)n_dev, dev_t), PSY_OK);
    /* Pair each device interval with ours ending nearest in time (the strap reports its beats
     * with a delay: align by the median offset first). */
    double offsets[64];
    size_t n_off = 0;
    for (size_t i = 0, j = 0; i < n_dev && n_off < 64; i += 10) {
        while (j + 1 < b->n && b->onset_s[j + 1] <= dev_t[i]) j++;
        offsets[n_off++] = dev_t[i] - b->onset_s[j];
    }
    double lag = 0;
    for (size_t i = 0; i < n_off; i++) lag += offsets[i] / (double)n_off;
    size_t compared = 0, close = 0, short_total = 0, short_ectopic = 0;
    for (size_t i = 0; i < n_dev; i++) {
        double t = dev_t[i] - lag;
        size_t best = 0;
        for (size_t j = 0; j < b->n; j++)
            if (fabs(b->onset_s[j] - t) < fabs(b->onset_s[best] - t)) best = j;
        if (fabs(b->onset_s[best] - t) > 0.15 || isnan(b->rr_ms[best])) continue;
        compared++;
        close += fabs(b->rr_ms[best] - dev_rr[i]) <= 20;
        if (dev_rr[i] < 550) {
            short_total++;
            short_ectopic += b->cls[best] == PSY_BEAT_ECTOPIC;
        }
    }
    print_message("polar h10: %zu of %zu device RR compared, %zu within 20 ms; %zu of %zu short "
                  "(PVC) intervals labelled ectopic\n", compared, n_dev, close, short_ectopic,
                  short_total);
    assert_true(compared >= 0.95 * (double)n_dev);
    assert_true(close >= 0.95 * (double)compared);
    assert_true(short_total > 200 && short_ectopic >= 0.9 * (double)short_total);
    free(dev_rr);
    free(dev_t);
    psy_beat_list_free(b);
    psy_reader_close(r);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mitdb_ec57), cmocka_unit_test(test_synthetic_60bpm),
        cmocka_unit_test(test_neurokit_peaks), cmocka_unit_test(test_polar_h10)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
