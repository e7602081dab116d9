/* HRV validation on real references (needs ../shared; skipped without it):
 *  - NeuroKit2 0.2.12 on the RR lists beside its values (shared/reference/neurokit), raw series,
 *    neurokit preset: time domain to 1e-9 relative, Welch LF/HF/LF-HF, SD1/SD2, SampEn/ApEn,
 *    DFA alpha1 and alpha2 to 1e-6 .. 1e-9 (the targets are 2 % and 1 %);
 *    the fast Lomb within 1 % of astropy's exact Lomb-Scargle (5 min, 1 h; scaled as NeuroKit's);
 *  - ANSI/AAMI EC57 HRV test patterns TP2-TP5 (table A.10), no detrending: band powers within 2 %
 *    for Welch and Lomb, TP5 ~0 in VLF/LF/HF;
 *  - PhysioNet Cardiovascular Signal Toolbox 5-min windows (step 30 s) over nsr2db 001/004/009,
 *    on its demo's series (every annotation, samples / 125, the first 2 h), its cleaning
 *    (psy_rr_clean_pcst) and the pcst preset: NN mean, SDNN, RMSSD, pNN50 within 1 % and its Lomb
 *    ULF/VLF/LF/HF/total power within 5 %, each on >= 95 % of the windows (measured: all of them,
 *    with the same number of intervals in every window); SD1, SD2 and SampEn within 1 % too (its
 *    ApEn is not reproduced: the sources at hand give another value).
 */
#include "test_util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/hrv.h"
#include "psyphys/rr.h"

/* Reads numbers from a text file: one per line, or "t,rr" pairs (cols = 2). */
static size_t read_numbers(const char *path, int cols, double *a, double *b, size_t max)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t n = 0;
    while (n < max) {
        if (cols == 2 ? fscanf(fp, "%lf,%lf", &a[n], &b[n]) != 2 : fscanf(fp, "%lf", &a[n]) != 1) break;
        n++;
    }
    fclose(fp);
    return n;
}

static void check_rel(const char *what, double got, double want, double tol)
{
    double err = fabs(got - want) / fmax(fabs(want), 1e-300);
    if (!(err <= tol)) fail_msg("%s: %.12g, want %.12g (relative error %.3g > %.3g)", what, got, want, err, tol);
}

static double ref(json_t *values, const char *key)
{
    json_t *v = json_object_get(values, key);
    assert_non_null(v);
    return json_is_null(v) ? NAN : json_number_value(v);
}

/* "neurokit/<name>" (static buffer). */
static const char *ref_path(const char *name)
{
    static char p[160];
    snprintf(p, sizeof p, "neurokit/%s", name);
    return p;
}

#define MAX_RR 120000
static double rr[MAX_RR], tt[MAX_RR];

static void neurokit_segment(const char *subject, const char *segment, json_t *seg)
{
    char name[128], what[160];
    snprintf(name, sizeof name, "rhrv_healthy_%s_%s_rr_ms.txt", subject, segment);
    size_t n = read_numbers(shared_reference(ref_path(name)), 1, rr, NULL, MAX_RR);
    assert_int_equal(n, (size_t)json_integer_value(json_object_get(seg, "n_rr")));
    int whole = strcmp(segment, "whole") == 0;
    psy_hrv_config c;
    assert_int_equal(psy_hrv_config_preset("neurokit", &c), PSY_OK);
    c.min_geometric_s = 0; /* NeuroKit computes HTI on 5 min too */
    c.spectra = whole ? PSY_HRV_WELCH : PSY_HRV_WELCH | PSY_HRV_LOMB;
    if (whole) c.min_nonlinear_nn = (size_t)-1; /* NeuroKit did not run its O(N²) nonlinear there */
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
    psy_hrv_result r;
    assert_int_equal(psy_hrv_compute(h, rr, NULL, n, &r, NULL), PSY_OK);
    psy_hrv_destroy(h);
    const double *v = r.values.v;

    json_t *tv = json_object_get(json_object_get(seg, "hrv_time"), "values");
    static const struct {
        const char *nk;
        psy_hrv_key key;
    } time_keys[] = {{"HRV_MeanNN", PSY_HRV_MEAN_NN_MS}, {"HRV_SDNN", PSY_HRV_SDNN_MS},
                     {"HRV_RMSSD", PSY_HRV_RMSSD_MS},   {"HRV_SDSD", PSY_HRV_SDSD_MS},
                     {"HRV_CVNN", PSY_HRV_CVNN},        {"HRV_CVSD", PSY_HRV_CVSD},
                     {"HRV_MedianNN", PSY_HRV_MEDIAN_NN_MS}, {"HRV_MadNN", PSY_HRV_MAD_NN_MS},
                     {"HRV_IQRNN", PSY_HRV_IQR_NN_MS},  {"HRV_pNN50", PSY_HRV_PNN50_PCT},
                     {"HRV_pNN20", PSY_HRV_PNN20_PCT},  {"HRV_MinNN", PSY_HRV_MIN_NN_MS},
                     {"HRV_MaxNN", PSY_HRV_MAX_NN_MS},  {"HRV_HTI", PSY_HRV_HTI}};
    for (size_t k = 0; k < sizeof time_keys / sizeof time_keys[0]; k++) {
        snprintf(what, sizeof what, "%s %s %s", subject, segment, time_keys[k].nk);
        check_rel(what, v[time_keys[k].key], ref(tv, time_keys[k].nk), 1e-9);
    }
    json_t *wv = json_object_get(json_object_get(json_object_get(seg, "hrv_frequency"), "welch_4hz"),
                                 "values");
    static const struct {
        const char *nk;
        psy_hrv_key key;
    } freq_keys[] = {{"HRV_LF", PSY_HRV_LF_MS2}, {"HRV_HF", PSY_HRV_HF_MS2}, {"HRV_LFHF", PSY_HRV_LF_HF},
                     {"HRV_VHF", PSY_HRV_VHF_MS2}};
    for (size_t k = 0; k < sizeof freq_keys / sizeof freq_keys[0]; k++) {
        snprintf(what, sizeof what, "%s %s welch %s", subject, segment, freq_keys[k].nk);
        check_rel(what, v[freq_keys[k].key], ref(wv, freq_keys[k].nk), 1e-6);
    }
    if (!isnan(v[PSY_HRV_VLF_MS2])) { /* VLF needs >= 5 min: n/a on the 5-min segments */
        snprintf(what, sizeof what, "%s %s welch HRV_VLF", subject, segment);
        check_rel(what, v[PSY_HRV_VLF_MS2], ref(wv, "HRV_VLF"), 1e-6);
    } else {
        assert_true(r.duration_s < 300);
    }
    if (!whole) {
        /* Lomb on the raw beat times against astropy's exact (generalised) Lomb-Scargle that
         * NeuroKit calls with normalization='psd': its band powers are ours x N / (2 T). */
        json_t *lv = json_object_get(
            json_object_get(json_object_get(seg, "hrv_frequency"), "lomb_uninterpolated_exact"), "values");
        double sum = 0;
        for (size_t i = 0; i < n; i++) sum += rr[i];
        double scale = (double)n / (2 * (sum - rr[0]) / 1000);
        static const char *const nk_lomb[] = {"HRV_LF", "HRV_HF"};
        static const psy_hrv_key keys[] = {PSY_HRV_LF_MS2, PSY_HRV_HF_MS2};
        for (int k = 0; k < 2; k++) {
            snprintf(what, sizeof what, "%s %s lomb %s", subject, segment, nk_lomb[k]);
            check_rel(what, r.lomb.v[keys[k]] * scale, ref(lv, nk_lomb[k]), 0.01);
        }
    }
    json_t *nl = json_object_get(json_object_get(seg, "hrv_nonlinear"), "values");
    if (!whole) {
        static const struct {
            const char *nk;
            psy_hrv_key key;
            double tol;
        } nl_keys[] = {{"HRV_SD1", PSY_HRV_SD1_MS, 1e-9},          {"HRV_SD2", PSY_HRV_SD2_MS, 1e-9},
                       {"HRV_SD1SD2", PSY_HRV_SD1_SD2, 1e-9},      {"HRV_SampEn", PSY_HRV_SAMPEN, 1e-9},
                       {"HRV_ApEn", PSY_HRV_APEN, 1e-9},           {"HRV_DFA_alpha2", PSY_HRV_DFA_ALPHA2, 1e-9},
                       {"HRV_DFA_alpha1", PSY_HRV_DFA_ALPHA1, 1e-9}};
        for (size_t k = 0; k < sizeof nl_keys / sizeof nl_keys[0]; k++) {
            snprintf(what, sizeof what, "%s %s %s", subject, segment, nl_keys[k].nk);
            check_rel(what, v[nl_keys[k].key], ref(nl, nl_keys[k].nk), nl_keys[k].tol);
        }
    }
    /* SDANN / SDNN index over 1, 2 and 5 min (NeuroKit's windows) */
    static const int minutes[] = {1, 2, 5};
    for (int w = 0; w < 3; w++) {
        char a[32], b[32];
        snprintf(a, sizeof a, "HRV_SDANN%d", minutes[w]);
        snprintf(b, sizeof b, "HRV_SDNNI%d", minutes[w]);
        c.sdann_window_s = 60.0 * minutes[w];
        c.spectra = 0;
        c.min_nonlinear_nn = (size_t)-1;
        assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
        assert_int_equal(psy_hrv_compute(h, rr, NULL, n, &r, NULL), PSY_OK);
        psy_hrv_destroy(h);
        double want_a = ref(tv, a), want_b = ref(tv, b);
        snprintf(what, sizeof what, "%s %s %s", subject, segment, a);
        if (isnan(want_a)) assert_true(isnan(r.values.v[PSY_HRV_SDANN_MS]));
        else check_rel(what, r.values.v[PSY_HRV_SDANN_MS], want_a, 1e-9);
        snprintf(what, sizeof what, "%s %s %s", subject, segment, b);
        if (isnan(want_b)) assert_true(isnan(r.values.v[PSY_HRV_SDNNI_MS]));
        else check_rel(what, r.values.v[PSY_HRV_SDNNI_MS], want_b, 1e-9);
    }
}

static void test_neurokit(void **state)
{
    (void)state;
    static const char *const subjects[] = {"000", "006", "007"};
    static const char *const segments[] = {"5min", "1h", "whole"};
    for (int s = 0; s < 3; s++) {
        char name[64];
        snprintf(name, sizeof name, "hrv_rhrv_healthy_%s.json", subjects[s]);
        json_error_t err;
        json_t *root = json_load_file(shared_reference(ref_path(name)), 0, &err);
        if (!root) fail_msg("%s: %s", name, err.text);
        for (int g = 0; g < 3; g++)
            neurokit_segment(subjects[s], segments[g], json_object_get(json_object_get(root, "segments"), segments[g]));
        json_decref(root);
    }
}

static void test_ec57_patterns(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        psy_hrv_key key;
        double want;
    } tp[] = {{"HRV256_TP2.txt", PSY_HRV_HF_MS2, 612.5},
              {"HRV256_TP3.txt", PSY_HRV_LF_MS2, 2450},
              {"HRV256_TP4.txt", PSY_HRV_VLF_MS2, 39200},
              {"HRV256_TP5.txt", PSY_HRV_KEY_COUNT, 0}};
    for (size_t k = 0; k < 4; k++) {
        char path[128], what[128];
        snprintf(path, sizeof path, "pcst_hrv_reference/ec57/%s", tp[k].file);
        size_t n = read_numbers(shared_data(path), 2, tt, rr, MAX_RR);
        assert_true(n > 20000);
        for (size_t i = 0; i < n; i++) rr[i] *= 1000; /* s -> ms */
        psy_hrv_config c = psy_hrv_config_default();
        c.detrend = PSY_HRV_DETREND_NONE; /* the patterns' slow modulations are the signal */
        c.min_nonlinear_nn = (size_t)-1;
        psy_hrv *h = NULL;
        assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
        psy_hrv_result r;
        assert_int_equal(psy_hrv_compute(h, rr, tt, n, &r, NULL), PSY_OK);
        psy_hrv_destroy(h);
        const psy_hrv_values *spectra[2] = {&r.welch, &r.lomb};
        for (int s = 0; s < 2; s++) {
            const double *v = spectra[s]->v;
            if (tp[k].key != PSY_HRV_KEY_COUNT) {
                snprintf(what, sizeof what, "%s %s %s", tp[k].file, s ? "lomb" : "welch",
                         psy_hrv_key_name(tp[k].key));
                check_rel(what, v[tp[k].key], tp[k].want, 0.02);
            } else { /* TP5: 0.000278 Hz, all of it in ULF */
                double in_bands = v[PSY_HRV_VLF_MS2] + v[PSY_HRV_LF_MS2] + v[PSY_HRV_HF_MS2];
                if (!(in_bands < 1.0)) fail_msg("TP5 %s: VLF+LF+HF %g ms², want ~0", s ? "lomb" : "welch", in_bands);
            }
        }
    }
}

/* PCST's demo (DemoAnnotatedData with InitializeHRVparams('demo_NSR')): the intervals between
 * successive annotations of every kind (its read_ann returns the noise '~' marks too), sample
 * differences / 125 (its Fs; the files are on 128 Hz), times t = their cumulative sum, the first
 * 2 h (t < 7200 s). Intervals in ms are sample differences x 8, exact. Returns the count. */
static size_t pcst_demo_series(const char *id, double *rr_ms, double *t_s, size_t max)
{
    char path[128];
    snprintf(path, sizeof path, "pcst_hrv_reference/nsr2db/%s.hea", id);
    psy_reader *r = open_or_fail(shared_data(path));
    size_t ne = psy_reader_event_count(r), n = 0;
    double t = 0;
    for (size_t i = 1; i < ne && n < max; i++) {
        int64_t d = psy_reader_event(r, i)->sample - psy_reader_event(r, i - 1)->sample;
        t += (double)d / 125.0;
        if (!(t < 7200)) break;
        rr_ms[n] = (double)d * 8.0, t_s[n] = t, n++;
    }
    psy_reader_close(r);
    return n;
}

/* The PCST table's columns this test reads. */
enum {
    C_START, C_NNMEAN, C_SDNN, C_RMSSD, C_PNN50, C_BTSDET, C_ULF, C_VLF, C_LF, C_HF, C_TTLPWR,
    C_SD1, C_SD2, C_SAMPEN, C_COUNT
};

static const struct {
    const char *column;
    psy_hrv_key key;  /* PSY_HRV_KEY_COUNT: n_nn */
    int lomb;         /* 1: a Lomb band power */
    double scale;     /* ours x scale = PCST's (pNN50: percent -> fraction) */
    double tol;       /* relative tolerance of the target */
} pcst_cols[C_COUNT] = {
    [C_START] = {"t_start", PSY_HRV_KEY_COUNT, 0, 1, 0},
    [C_NNMEAN] = {"NNmean", PSY_HRV_MEAN_NN_MS, 0, 1, 0.01},
    [C_SDNN] = {"SDNN", PSY_HRV_SDNN_MS, 0, 1, 0.01},
    [C_RMSSD] = {"RMSSD", PSY_HRV_RMSSD_MS, 0, 1, 0.01},
    [C_PNN50] = {"pnn50", PSY_HRV_PNN50_PCT, 0, 0.01, 0.01},
    [C_BTSDET] = {"btsdet", PSY_HRV_KEY_COUNT, 0, 1, 0},
    [C_ULF] = {"ulf", PSY_HRV_ULF_MS2, 1, 1, 0.05},
    [C_VLF] = {"vlf", PSY_HRV_VLF_MS2, 1, 1, 0.05},
    [C_LF] = {"lf", PSY_HRV_LF_MS2, 1, 1, 0.05},
    [C_HF] = {"hf", PSY_HRV_HF_MS2, 1, 1, 0.05},
    [C_TTLPWR] = {"ttlpwr", PSY_HRV_TOTAL_POWER_MS2, 1, 1, 0.05},
    /* beyond the targets: Poincare (SD2 from SDNN, SDSD) and PCST's SampEn */
    [C_SD1] = {"SD1", PSY_HRV_SD1_MS, 0, 1, 0.01},
    [C_SD2] = {"SD2", PSY_HRV_SD2_MS, 0, 1, 0.01},
    [C_SAMPEN] = {"SampEn", PSY_HRV_SAMPEN, 0, 1, 0.01},
};

/* Splits a CSV line in place into at most max cells. */
static int csv_cells(char *line, char **cells, int max)
{
    int k = 0;
    for (char *p = line; p && k < max;) {
        cells[k++] = p;
        p = strchr(p, ',');
        if (p) *p++ = '\0';
    }
    return k;
}

/* One patient's windows against the PCST table: within[c] gets the windows within tolerance per
 * column (btsdet: the same number of intervals), *worst[c] the largest relative error. */
static size_t pcst_patient(const char *id, size_t within[C_COUNT], double worst[C_COUNT])
{
    size_t n = pcst_demo_series(id, rr, tt, MAX_RR);
    assert_true(n > 8000);
    static double nn[MAX_RR], tn[MAX_RR];
    size_t m = 0;
    psy_rr_pcst_counts counts;
    assert_int_equal(psy_rr_clean_pcst(rr, tt, n, NULL, nn, tn, &m, &counts), PSY_OK);
    assert_true(counts.changes > 0 && m + counts.changes + counts.too_short + counts.too_long + counts.gaps +
                                          counts.invalid == n);
    psy_hrv_config c;
    assert_int_equal(psy_hrv_config_preset("pcst", &c), PSY_OK);
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&c, &h, NULL), PSY_OK);
    FILE *fp = fopen(shared_data("pcst_hrv_reference/reference/NSR_HRV_allwindows_allpatients.csv"), "r");
    assert_non_null(fp);
    char line[4096], *cells[64];
    assert_non_null(fgets(line, sizeof line, fp));
    int n_cells = csv_cells(line, cells, 64), col[C_COUNT];
    for (int k = 0; k < C_COUNT; k++) {
        col[k] = -1;
        for (int q = 0; q < n_cells; q++)
            if (strcmp(cells[q], pcst_cols[k].column) == 0) col[k] = q;
        assert_true(col[k] >= 0);
    }
    size_t windows = 0;
    while (fgets(line, sizeof line, fp)) {
        if (csv_cells(line, cells, 64) != n_cells || strcmp(cells[0], id) != 0) continue;
        double start = strtod(cells[col[C_START]], NULL);
        /* PCST's window: intervals ending at start <= t < start + 300 */
        size_t a = 0, b;
        while (a < m && tn[a] < start) a++;
        for (b = a; b < m && tn[b] < start + 300; b++) {}
        psy_hrv_result r;
        assert_int_equal(psy_hrv_compute(h, nn + a, tn + a, b - a, &r, NULL), PSY_OK);
        for (int k = 1; k < C_COUNT; k++) {
            double want = strtod(cells[col[k]], NULL), got;
            if (k == C_BTSDET) got = (double)r.n_nn;
            else got = (pcst_cols[k].lomb ? r.lomb.v : r.values.v)[pcst_cols[k].key] * pcst_cols[k].scale;
            double err = want == got ? 0 : fabs(got - want) / fmax(fabs(want), 1e-300);
            if (!(err <= worst[k])) worst[k] = isnan(err) ? INFINITY : fmax(err, worst[k]);
            within[k] += err <= pcst_cols[k].tol;
        }
        windows++;
    }
    fclose(fp);
    psy_hrv_destroy(h);
    return windows;
}

static void test_pcst_windows(void **state)
{
    (void)state;
    static const char *const ids[] = {"nsr001", "nsr004", "nsr009"};
    for (int p = 0; p < 3; p++) {
        size_t within[C_COUNT] = {0};
        double worst[C_COUNT] = {0};
        size_t w = pcst_patient(ids[p], within, worst);
        assert_int_equal(w, 231);
        for (int k = 1; k < C_COUNT; k++) {
            fprintf(stderr, "%s %-7s within %4.1f %% on %zu of %zu windows (%.1f %%), worst %.2g\n", ids[p],
                    pcst_cols[k].column, 100 * pcst_cols[k].tol, within[k], w, 100.0 * (double)within[k] / (double)w,
                    worst[k]);
            /* the target: >= 95 % of the windows */
            if ((double)within[k] < 0.95 * (double)w)
                fail_msg("%s %s: within %g %% on only %zu of %zu windows", ids[p], pcst_cols[k].column,
                         100 * pcst_cols[k].tol, within[k], w);
        }
    }
}

int main(void)
{
    require_shared_data();
    if (!shared_reference("neurokit/README.md")) return PSY_TEST_SKIP;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_neurokit),
        cmocka_unit_test(test_ec57_patterns),
        cmocka_unit_test(test_pcst_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
