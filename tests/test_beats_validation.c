/* Beats against published references (../shared): MIT-BIH expert annotations (EC57 scoring),
 * the EDFbrowser 60-bpm synthetic ECG, NeuroKit2's R-peaks, and the Polar H10's own RR list. */
#include "test_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Beat times of the test list: every detection, whatever its RR class (EC57 scores them all). */
static size_t detected_times(const psy_beat_list *b, double *t)
{
    for (size_t i = 0; i < b->n; i++) t[i] = b->onset_s[i];
    return b->n;
}

static void test_mitdb_ec57(void **state)
{
    (void)state;
    static const char *const records[] = {"100", "105", "113"};
    size_t tp = 0, fn = 0, fp = 0;
    for (int k = 0; k < 3; k++) {
        char rel[64];
        snprintf(rel, sizeof rel, "mitdb/%s.hea", records[k]);
        psy_reader *r = open_shared(rel, 0);
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
        /* Every detection is scored: 105's noise bursts no detector fully rejects (24 false
         * detections, +P 98.90 %; many of them labelled 'extra' by the RR classifier). */
        if (s.se < 0.995 || s.ppv < 0.985 || s.median_abs_error_ms > 10)
            fail_msg("mitdb %s below target (Se >= 99.5 %%, +P >= 98.5 %%, median error <= 10 ms)", records[k]);
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
    assert_true(se >= 0.998 && ppv >= 0.995);
}

static void test_synthetic_60bpm(void **state)
{
    (void)state;
    psy_reader *r = open_shared("wfdb_python_samples/test_generator_2.edf", 0);
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

/* 1 when t (s) is within tol of one of the n sorted times. */
static int has_time(const double *t, size_t n, double want, double tol)
{
    for (size_t i = 0; i < n; i++)
        if (fabs(t[i] - want) <= tol) return 1;
    return 0;
}

/* NeuroKit's R-peaks on bio_resting_5min_100hz.csv that the signal contradicts, found by
 * reading the raw ECG around every disagreement (its QRS complexes are a sharp R 0.1-0.2 mV high
 * followed within 20-30 ms by a sharp S; the rhythm there is 0.55-0.75 s):
 * - 9273 (92.73 s): NeuroKit has no beat between 9209 and 9351 (1.42 s, twice the RR around);
 *   the signal has a QRS at 9273 (R 0.195 mV, S -0.208 mV at 9283), RR 0.64 / 0.78 s.
 * - 22666 (226.66 s): NeuroKit's peak is on a rounded bump after the sharp QRS whose R is at 22659
 *   (0.134 mV, S -0.084 mV at 22661); RR 0.70 / 0.69 s with 22659, 0.77 / 0.62 s with 22666.
 * - 23157 (231.57 s): NeuroKit's peak is on a 0.06 mV bump 0.36 s after the beat at 23121; the QRS
 *   is at 23180 (R 0.091 mV, S -0.100 mV at 23182), RR 0.59 / 0.60 s.
 * {NeuroKit's sample, the R-peak the signal shows (-1: none)}
 * One of our detections is no QRS either (labelled 'extra' by the RR classifier, scored since
 * every detection is): at 26083 (260.83 s) a slow deflection (-0.26 to +0.43 mV over 26074-26093,
 * wider than the QRS and taller than the R of 0.1 mV before it) between the beats at 26045 and
 * 26108. The bump at 23157 that NeuroKit takes we took too until an unclear QRS had to stand 15
 * times above the noise peaks (issue 14's noise stress work): it is no longer detected. */
static const long nk_resting_errors[][2] = {{-1, 9273}, {22666, 22659}, {23157, 23180}};
static const double our_resting_false_s = 260.84, /* timed between samples: the slow deflection's
                                                     peak on the mains-free average */
    our_resting_bump_s = 231.57;

static void test_neurokit_peaks(void **state)
{
    (void)state;
    static const struct { const char *data, *ref, *channel; double fs; } cases[] = {
        {"neurokit/ecg_1000hz.csv", "neurokit/rpeaks_ecg_1000hz.tsv", "ECG", 1000},
        {"neurokit/bio_resting_5min_100hz.csv", "neurokit/rpeaks_bio_resting_5min_100hz.tsv", "ECG",
         100}};
    for (int k = 0; k < 2; k++) {
        psy_reader *r = open_shared(cases[k].data, cases[k].fs);
        psy_beat_list *b = beats_of(r, cases[k].channel, 0);
        double *ref = malloc(4096 * sizeof *ref), *test = malloc((b->n + 1) * sizeof *test);
        size_t n_ref = read_samples(cases[k].ref, cases[k].fs, ref, 4096);
        size_t n_test = detected_times(b, test);
        psy_beat_score s;
        /* From 0.1 s: ecg_1000hz.csv starts on an R-peak (sample 16, 0.968 mV, as tall as the
         * next one) that NeuroKit's filter edge hides; we report it. */
        assert_int_equal(psy_score_beats(ref, n_ref, test, n_test, 0.1, 0.05, &s), PSY_OK);
        print_message("%s: TP %zu FN %zu FP %zu Se %.2f%% +P %.2f%%\n", cases[k].data, s.tp, s.fn,
                      s.fp, 100 * s.se, 100 * s.ppv);
        if (s.se < 0.995) fail_msg("%s: Se below 99.5 %%", cases[k].data);
        if (k == 0 && s.ppv < 0.995) fail_msg("%s: +P below 99.5 %%", cases[k].data);
        if (k == 1) {
            /* Every disagreement left is one of NeuroKit's documented errors (each costs one FP or
             * FN, a moved peak one of each) or our false detection at 260.83 s (one FP); against the
             * reference with NeuroKit's errors put right, >= 99.5 %. */
            assert_true(has_time(test, n_test, our_resting_false_s, 0.005));
            assert_false(has_time(test, n_test, our_resting_bump_s, 0.05));
            assert_true(s.fp <= 4 && s.fn <= 2);
            size_t n_fixed = 0;
            double *fixed = malloc((n_ref + 4) * sizeof *fixed);
            for (size_t i = 0; i < n_ref; i++) {
                int wrong = 0;
                for (size_t e = 0; e < 3; e++) wrong |= fabs(ref[i] * 100 - (double)nk_resting_errors[e][0]) < 0.5;
                if (!wrong) fixed[n_fixed++] = ref[i];
            }
            assert_int_equal(n_fixed, n_ref - 2); /* both moved peaks are in NeuroKit's list */
            for (size_t e = 0; e < 3; e++) {
                double t = (double)nk_resting_errors[e][1] / 100;
                assert_true(has_time(test, n_test, t, 0.015)); /* we mark the QRS the signal shows */
                assert_false(has_time(ref, n_ref, t, 0.05));   /* NeuroKit does not */
                size_t at = n_fixed;
                while (at > 0 && fixed[at - 1] > t) at--;
                memmove(fixed + at + 1, fixed + at, (n_fixed - at) * sizeof *fixed);
                fixed[at] = t;
                n_fixed++;
            }
            psy_beat_score c;
            assert_int_equal(psy_score_beats(fixed, n_fixed, test, n_test, 0.1, 0.05, &c), PSY_OK);
            print_message("  against NeuroKit's peaks with its 3 errors put right: TP %zu FN %zu FP %zu "
                          "Se %.2f%% +P %.2f%%\n", c.tp, c.fn, c.fp, 100 * c.se, 100 * c.ppv);
            if (c.se < 0.995 || c.ppv < 0.995) fail_msg("%s: below target", cases[k].data);
            assert_int_equal(c.fp, 1); /* our false detection, nothing else */
            /* The wide premature beat at 217.45 s (R 0.284 mV, 0.47 s early, then a 0.92 s pause)
             * that both find: its band-passed energy peaks on a late notch, 0.4 s after its R. */
            assert_true(has_time(test, n_test, 217.45, 0.015));
            free(fixed);
        }
        free(ref);
        free(test);
        psy_beat_list_free(b);
        psy_reader_close(r);
    }
}

/* Index of the beat nearest to t in the sorted onsets, or SIZE_MAX when none is within tol. */
static size_t nearest(const psy_beat_list *b, double t, double tol)
{
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (b->onset_s[mid] < t) lo = mid + 1;
        else hi = mid;
    }
    size_t best = SIZE_MAX;
    for (size_t k = lo > 0 ? lo - 1 : 0; k <= lo && k < b->n; k++)
        if (fabs(b->onset_s[k] - t) <= tol && (best == SIZE_MAX || fabs(b->onset_s[k] - t) <
                                                                        fabs(b->onset_s[best] - t)))
            best = k;
    return best;
}

typedef struct polar_match {
    size_t matched, compared, close, short_total, short_ectopic;
    size_t nn_compared, nn_close; /* intervals between two normal (non-premature) beats */
} polar_match;

/* Follows the device's beats from device beat i0 = our beat k0: each is expected one device
 * interval after the previous match (re-anchoring at every match absorbs the drift between the
 * strap's clock and the phone's time stamps, about 0.1 %). Returns the beats matched. */
static size_t walk(const psy_beat_list *b, const double *dev_rr, size_t i0, size_t k0, size_t end,
                   polar_match *m)
{
    double t_prev = b->onset_s[k0];
    size_t k_prev = k0, matched = 0;
    for (size_t i = i0 + 1; i < end; i++) {
        size_t k = nearest(b, t_prev + dev_rr[i] / 1000.0, 0.06);
        if (k == SIZE_MAX) {
            t_prev += dev_rr[i] / 1000.0;
            k_prev = SIZE_MAX;
            continue;
        }
        matched++;
        if (m && k_prev != SIZE_MAX && k == k_prev + 1 && !isnan(b->rr_ms[k])) {
            m->compared++;
            double diff = fabs(b->rr_ms[k] - dev_rr[i]);
            m->close += diff <= 30;
            if (dev_rr[i] >= 550 && dev_rr[i - 1] >= 550) {
                m->nn_compared++;
                m->nn_close += diff <= 16; /* two samples at 130 Hz */
            }
            if (dev_rr[i] < 550) {
                m->short_total++;
                m->short_ectopic += b->cls[k] == PSY_BEAT_ECTOPIC;
            }
        }
        t_prev = b->onset_s[k];
        k_prev = k;
    }
    if (m) m->matched = matched;
    return matched;
}

/* The Polar H10's raw ECG: our beats agree with the strap's own RR list, and its premature
 * ventricular beats (the short intervals of its trigeminy) are labelled ectopic. The strap sends
 * its RR values in packets about once a second, so the CSV's times are packet times, not beat
 * times: the device's beats are followed interval by interval from our first beat. */
static void test_polar_h10(void **state)
{
    (void)state;
    psy_reader *r = open_shared("rr_devices/polar_h10_detectPVC/polar_h10.csv", 0);
    int rr_ch = psy_reader_find_channel(r, "rr");
    assert_true(rr_ch >= 0);
    psy_beat_list *b = beats_of(r, "ecg", 0);
    size_t n_dev = (size_t)psy_reader_channel(r, rr_ch)->frames;
    double *dev_rr = malloc(n_dev * sizeof *dev_rr);
    assert_int_equal(psy_reader_read(r, rr_ch, 0, (int64_t)n_dev, dev_rr), PSY_OK);
    /* Anchor: the (device beat, our beat) pair among the first ten of each from which the walk
     * below matches the most of the next 30 device beats. */
    size_t anchor_i = 0, anchor_k = 0, best = 0;
    for (size_t i0 = 0; i0 < 10; i0++)
        for (size_t k0 = 0; k0 < 10 && k0 < b->n; k0++) {
            size_t hits = walk(b, dev_rr, i0, k0, i0 + 30 < n_dev ? i0 + 30 : n_dev, NULL);
            if (hits > best) best = hits, anchor_i = i0, anchor_k = k0;
        }
    polar_match m = {0};
    walk(b, dev_rr, anchor_i, anchor_k, n_dev, &m);
    size_t matched = m.matched, compared = m.compared, close = m.close,
           short_total = m.short_total, short_ectopic = m.short_ectopic;
    print_message("polar h10: %zu of %zu device beats matched; %zu device RR compared, %zu within "
                  "30 ms; between normal beats %zu of %zu within 16 ms; %zu of %zu short (PVC) "
                  "intervals labelled ectopic\n", matched, n_dev, compared, close, m.nn_close,
                  m.nn_compared, short_ectopic, short_total);
    /* PVCs are wide: where on them the R-peak lies differs by 20-30 ms between detectors, so
     * the intervals next to one agree less than those between normal beats. */
    assert_true(compared >= 0.95 * (double)n_dev);
    assert_true(close >= 0.9 * (double)compared);
    assert_true(m.nn_close >= 0.9 * (double)m.nn_compared);
    assert_true(short_total > 200 && short_ectopic >= 0.9 * (double)short_total);
    /* One fiducial kind for every beat: the PVCs (a tall R) and the sinus beats (R and S of
     * about one size) are all marked on their R (issue 14: sinus beats were on the S trough);
     * only the first beat, before any QRS's extremum has shown the recording's polarity, may
     * differ. */
    size_t on_r = 0;
    for (size_t k = 0; k < b->n; k++) on_r += b->amplitude[k] > 0;
    print_message("polar h10: %zu of %zu beats marked on the R peak\n", on_r, b->n);
    assert_true(on_r + 1 >= b->n);
    /* Issue 14: its NN series held 260.8 and 291.6 ms among ~800 ms sinus intervals. Every NN
     * interval lies within 75 % of the shortest to 125 % of the longest uncorrected one (the
     * classifier's ceiling: a change of more than 25 % is plainly abnormal). */
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < b->n_nn; i++)
        if (!b->nn_corrected[i]) lo = fmin(lo, b->nn_ms[i]), hi = fmax(hi, b->nn_ms[i]);
    for (size_t i = 0; i < b->n_nn; i++)
        if (b->nn_ms[i] < 0.75 * lo || b->nn_ms[i] > 1.25 * hi)
            fail_msg("polar h10: NN interval at %.3f s, %.1f ms, outside %.1f-%.1f ms", b->nn_onset_s[i],
                     b->nn_ms[i], 0.75 * lo, 1.25 * hi);
    /* And locally, as the correction judges (rr.h): every corrected interval within 75 % of the
     * shortest to 125 % of the longest uncorrected one among the 10 intervals each side, in the
     * bigeminy runs too (where the NN series alternated 845 / 600 ms). */
    size_t checked = 0;
    for (size_t i = 0; i < b->n_nn; i++) {
        if (!b->nn_corrected[i]) continue;
        double near_lo = INFINITY, near_hi = 0;
        for (size_t k = i > 10 ? i - 10 : 0; k < b->n_nn && k <= i + 10; k++)
            if (!b->nn_corrected[k]) near_lo = fmin(near_lo, b->nn_ms[k]), near_hi = fmax(near_hi, b->nn_ms[k]);
        if (near_hi == 0) continue; /* nothing uncorrected near: nothing to judge by */
        checked++;
        if (b->nn_ms[i] < 0.75 * near_lo || b->nn_ms[i] > 1.25 * near_hi)
            fail_msg("polar h10: corrected NN interval at %.3f s, %.1f ms, outside %.1f-%.1f ms around it",
                     b->nn_onset_s[i], b->nn_ms[i], 0.75 * near_lo, 1.25 * near_hi);
    }
    print_message("polar h10: %zu corrected NN intervals checked against their neighbours\n", checked);
    assert_true(checked > 200);
    free(dev_rr);
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
