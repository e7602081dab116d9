/* psy_session_config.lean_results (psyphys/session.h), as `psyphys analyze` runs: every table and
 * sidecar the same byte for byte as the default run's, on generated ECG with ectopic, missed and
 * extra beats and a gap, and on MIT-BIH records with frequent ectopy; the beat list without its
 * per-beat columns; and the heap the run holds growing by the NN series alone (bytes counted, not
 * RSS or time). */
#define PSY_TEST_COUNT_BYTES 1
#include "test_util.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_count.h"
#include "psyphys/hrv_series.h"
#include "nn_spool.h"        /* nn_view_source_reads */
#include "session_internal.h" /* psy_session_source_min_for_tests */

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static int source_path; /* main: the spooled spans' HRV read as sources (argument "source") */

/* ECG at rate for seconds: Gaussian QRS complexes every rr0 s with respiratory and slower
 * variability, a premature beat and its pause every 53 beats, a missed beat every 97, an extra
 * one every 89, and 30 s of missing signal at 40 % of the recording. *n_beats: the QRS
 * complexes drawn. */
static double *generated_ecg_at(double rate, double seconds, double rr0, size_t *n, size_t *n_beats)
{
    *n = (size_t)(rate * seconds);
    *n_beats = 0;
    double *x = calloc(*n, sizeof *x);
    assert_non_null(x);
    double t = 0.5;
    for (int k = 0; t < seconds; k++) {
        double rr = rr0 + 0.05 * sin(2 * M_PI * 0.25 * t) + 0.03 * sin(2 * M_PI * 0.07 * t);
        if (k % 53 == 20) rr *= 0.65;
        if (k % 53 == 21) rr *= 1.35;
        double at[2] = {t, k % 89 == 30 ? t + 0.35 * rr : -1};
        for (int q = 0; q < 2; q++) {
            if (at[q] < 0 || (q == 0 && k % 97 == 50)) continue;
            ++*n_beats;
            for (long i = (long)((at[q] - 0.05) * rate); i < (long)((at[q] + 0.05) * rate); i++)
                if (i >= 0 && (size_t)i < *n) x[i] += exp(-pow(((double)i / rate - at[q]) / 0.008, 2));
        }
        t += rr;
    }
    for (size_t i = 0; i < *n; i++) x[i] += 0.02 * sin(2 * M_PI * 0.3 * (double)i / rate);
    for (size_t i = (size_t)(0.4 * seconds * rate); i < (size_t)((0.4 * seconds + 30) * rate) && i < *n; i++)
        x[i] = NAN;
    return x;
}

static double *generated_ecg(double rate, double seconds, size_t *n, size_t *n_beats)
{
    return generated_ecg_at(rate, seconds, 0.8, n, n_beats);
}

static psy_reader *ecg_reader(const double *x, size_t n, double rate)
{
    psy_array_channel ch = {"ECG", PSY_CH_ECG, "mV", rate, x, NULL, (int64_t)n};
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(psy_reader_from_arrays_borrowed(&ch, 1, NULL, 0, &r, &why), PSY_OK);
    return r;
}

/* The run of r with cfg (NULL: the defaults) and lean_results set to lean. */
static psy_session *run_with(psy_reader *r, const psy_session_config *cfg, int lean)
{
    psy_session_config c = cfg ? *cfg : psy_session_config_default();
    c.lean_results = lean;
    psy_session *s = NULL;
    psy_message why;
    assert_int_equal(psy_session_run(r, &c, &s, &why), PSY_OK);
    return s;
}

static psy_session *run(psy_reader *r, int lean) { return run_with(r, NULL, lean); }

/* A table, with its sidecar when `sidecar`, as text ("" for a table the run does not have). */
static char *table_text(psy_session *s, psy_session_table t, const char *path, int sidecar)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_non_null(fp);
    if (psy_session_has_table(s, t)) {
        psy_na_reasons na = {0};
        assert_int_equal(psy_session_write_table(s, t, fp, &na), PSY_OK);
        psy_sidecar *base = NULL;
        psy_message why;
        assert_int_equal(psy_session_sidecar(s, "analyze", path, NULL, NULL, &base, &why), PSY_OK);
        if (sidecar) assert_int_equal(psy_session_write_sidecar(s, base, t, na.n ? &na : NULL, fp), PSY_OK);
        psy_sidecar_free(base);
        psy_na_reasons_free(&na);
    }
    fclose(fp);
    return buf;
}

#define FELL_BACK "lean results fell back to memory"

/* What a fallback's warning must also say (NULL: nothing more): set by the test that makes a
 * temporary file fail, so that its warning names the file and the system's reason. */
static const char *fallback_says[3];

/* The lean run (lean) of r (opened from path) gives the default run's (full) tables, its
 * warnings and its beats' NN series; its sidecars too, unless `fallbacks` temporary files failed:
 * then as many more warnings say so, in every sidecar. Frees both. */
static void same_outputs_of(psy_session *full, psy_session *lean, const char *path, int expect_lean_beats,
                            size_t fallbacks)
{
    for (int t = 0; t < PSY_TABLE_COUNT; t++) {
        char *a = table_text(full, (psy_session_table)t, path, !fallbacks);
        char *b = table_text(lean, (psy_session_table)t, path, !fallbacks);
        if (strcmp(a, b) != 0) fail_msg("table %s differs", psy_session_table_name((psy_session_table)t));
        free(a), free(b);
        /* again: the streamed beats table and the windows' rows are read from their files each time */
        if (t == PSY_TABLE_BEATS || t == PSY_TABLE_HRV_WINDOWS) {
            a = table_text(full, (psy_session_table)t, path, 0), b = table_text(lean, (psy_session_table)t, path, 0);
            assert_string_equal(a, b);
            free(a), free(b);
        }
        if (fallbacks && psy_session_has_table(lean, (psy_session_table)t)) {
            b = table_text(lean, (psy_session_table)t, path, 1);
            assert_non_null(strstr(b, FELL_BACK));
            free(b);
        }
    }
    const psy_session_results *f = psy_session_results_of(full), *l = psy_session_results_of(lean);
    assert_int_equal(l->n_warnings, f->n_warnings + fallbacks);
    for (size_t i = 0, j = 0, k = 0; i < l->n_warnings; i++) {
        if (strncmp(l->warnings[i], FELL_BACK, strlen(FELL_BACK)) == 0) {
            assert_true(++k <= fallbacks);
            for (size_t m = 0; m < 3 && fallback_says[m]; m++)
                if (!strstr(l->warnings[i], fallback_says[m]))
                    fail_msg("'%s' does not say '%s'", l->warnings[i], fallback_says[m]);
        } else assert_string_equal(l->warnings[i], f->warnings[j++]);
    }
    assert_non_null(f->beats);
    assert_non_null(l->beats);
    assert_int_equal(l->beats->n, f->beats->n);
    assert_int_equal(l->beats->n_nn, f->beats->n_nn);
    if (l->beats->nn_ms) { /* kept in memory: a fallback */
        assert_memory_equal(l->beats->nn_ms, f->beats->nn_ms, f->beats->n_nn * sizeof(double));
        assert_memory_equal(l->beats->nn_onset_s, f->beats->nn_onset_s, f->beats->n_nn * sizeof(double));
        assert_memory_equal(l->beats->nn_corrected, f->beats->nn_corrected, f->beats->n_nn);
    } else { /* spooled: every table above read it */
        assert_null(l->beats->nn_onset_s);
        assert_null(l->beats->nn_corrected);
    }
    assert_memory_equal(&l->beats->counts, &f->beats->counts, sizeof f->beats->counts);
    assert_int_equal(l->beats->n_gaps, f->beats->n_gaps);
    assert_int_equal(l->n_windows, f->n_windows);
    assert_null(l->window_hrv);
    if (expect_lean_beats) { /* per-beat columns not kept */
        assert_null(l->beats->sample);
        assert_null(l->beats->cls);
    }
    psy_session_free(full);
    psy_session_free(lean);
}

/* The same for the runs of r with cfg (NULL: the defaults). */
static void same_outputs_with(psy_reader *r, const char *path, const psy_session_config *cfg, int expect_lean_beats,
                              size_t fallbacks)
{
    psy_session *full = run_with(r, cfg, 0), *lean = run_with(r, cfg, 1);
    same_outputs_of(full, lean, path, expect_lean_beats, fallbacks);
}

/* The lean run of r gives the default run's tables and sidecars, and its beats' NN series. */
static void same_outputs(psy_reader *r, const char *path, int expect_lean_beats)
{
    same_outputs_with(r, path, NULL, expect_lean_beats, 0);
}

static void generated_same_tables(void **state)
{
    (void)state;
    size_t n, n_beats;
    double *x = generated_ecg(250, 1800, &n, &n_beats);
    psy_reader *r = ecg_reader(x, n, 250);
    size_t source_reads = nn_view_source_reads();
    same_outputs(r, write_temp_file("recording", "ECG", 3), 1); /* a file to hash for the sidecars */
    /* the source path was taken (test_session_lean_source) or not (the default threshold) */
    if (source_path) assert_true(nn_view_source_reads() > source_reads);
    else assert_int_equal(nn_view_source_reads(), source_reads);
    /* the artefacts were found and corrected: the comparison covered the correction */
    psy_session *s = run(r, 1);
    const psy_beat_list *b = psy_session_results_of(s)->beats;
    assert_true(b->counts.n[PSY_BEAT_ECTOPIC] > 10);
    assert_true(b->counts.n[PSY_BEAT_MISSED] + b->counts.n[PSY_BEAT_LONG] > 5);
    assert_true(b->n_gaps >= 1);
    psy_session_free(s);
    psy_reader_close(r);
    free(x);
}

/* With a respiration channel and session events: the segments' and epochs' heart markers,
 * RSA and the breathing columns read the spooled NN series (slices, RSA whole) as the default
 * run reads its arrays. */
static void events_and_breaths_same_tables(void **state)
{
    (void)state;
    size_t n, n_beats;
    double *x = generated_ecg(250, 1800, &n, &n_beats);
    size_t n_rsp = 1800 * 25;
    double *rsp = malloc(n_rsp * sizeof *rsp);
    assert_non_null(rsp);
    for (size_t i = 0; i < n_rsp; i++) rsp[i] = sin(2 * M_PI * 0.25 * (double)i / 25) + 0.1 * sin(0.013 * (double)i);
    psy_array_channel ch[2] = {{"ECG", PSY_CH_ECG, "mV", 250, x, NULL, (int64_t)n},
                               {"RSP", PSY_CH_RESP, "mV", 25, rsp, NULL, (int64_t)n_rsp}};
    psy_event ev[40];
    for (int k = 0; k < 40; k++)
        ev[k] = (psy_event){20.0 + 43.7 * k, 30, k % 2 ? "task" : "rest", "", PSY_EVENTS_FILE, -1, -1, 0, 0, 0};
    psy_reader *r = NULL;
    psy_message why;
    assert_int_equal(psy_reader_from_arrays_borrowed(ch, 2, ev, 40, &r, &why), PSY_OK);
    same_outputs(r, write_temp_file("recording", "ECG", 3), 1);
    psy_session *s = run(r, 1);
    const psy_session_results *res = psy_session_results_of(s);
    assert_null(res->beats->nn_ms); /* spooled */
    assert_non_null(res->rsa);
    assert_true(res->n_epochs >= 30);
    size_t valid = 0;
    for (size_t i = 0; i < res->n_epochs; i++) valid += res->epochs[i].hr.valid;
    assert_true(valid >= 25);
    assert_true(res->n_segments > 10);
    psy_session_free(s);
    psy_reader_close(r);
    free(rsp);
    free(x);
}

/* Runs longer than the streamed correction's sliding buffer (4096 intervals: 3 h at 0.7 s
 * gives runs of ~6,000 and ~9,000 intervals around the gap), runs of 0 to 3 intervals between
 * gaps, and recordings of 0, 1 and 2 beats. */
static void long_and_tiny_runs_same_tables(void **state)
{
    (void)state;
    size_t n, n_beats;
    double *x = generated_ecg_at(250, 3 * 3600, 0.7, &n, &n_beats);
    /* from 600 s: 8 s of signal less and less often between 10-s gaps */
    for (int k = 0; k < 6; k++) {
        double at = 600 + 20.0 * k, keep_s = 0.3 + 0.6 * k;
        for (size_t i = (size_t)(at * 250); i < (size_t)((at + 20 - keep_s) * 250); i++) x[i] = NAN;
    }
    psy_reader *r = ecg_reader(x, n, 250);
    const char *path = write_temp_file("recording", "ECG", 3);
    same_outputs(r, path, 1);
    psy_session *s = run(r, 0);
    const psy_beat_list *b = psy_session_results_of(s)->beats;
    size_t longest = 0, runs_upto3 = 0;
    for (size_t i = 0, len = 0; i <= b->n; i++) {
        if (i < b->n && !isnan(b->rr_ms[i])) {
            len++;
            continue;
        }
        longest = len > longest ? len : longest;
        runs_upto3 += i > 0 && len <= 3;
        len = 0;
    }
    assert_true(longest > 4096);
    assert_true(runs_upto3 >= 4);
    assert_true(b->counts.n[PSY_BEAT_ECTOPIC] > 100);
    psy_session_free(s);
    psy_reader_close(r);
    /* the first 0.3, 1.0 and 1.6 s: no beat, one, two */
    static const double seconds[] = {0.3, 1.0, 1.6};
    for (size_t k = 0; k < 3; k++) {
        r = ecg_reader(x, (size_t)(seconds[k] * 250), 250);
        same_outputs(r, path, 0);
        s = run(r, 0);
        assert_int_equal(psy_session_results_of(s)->beats->n, k);
        psy_session_free(s);
        psy_reader_close(r);
    }
    free(x);
}

static void mitdb_same_tables(void **state)
{
    (void)state;
    static const char *const records[] = {"mitdb/208.hea", "mitdb/233.hea", "mitdb/201.hea", "mitdb/100.hea"};
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        if (!shared_data(records[i])) skip();
        psy_reader *r = open_shared(records[i], 0);
        same_outputs(r, shared_data(records[i]), 1);
        psy_reader_close(r);
    }
}

/* The limits and TMPDIR the tests below change, restored after each whether it passed or not
 * (a failure left them set, failing the tests after it for a reason not theirs). */
static struct rlimit saved_fsize, saved_files;

static int save_limits(void **state)
{
    (void)state;
    return getrlimit(RLIMIT_FSIZE, &saved_fsize) || getrlimit(RLIMIT_NOFILE, &saved_files);
}

static int restore_limits(void **state)
{
    (void)state;
    unsetenv("TMPDIR");
    memset(fallback_says, 0, sizeof fallback_says);
    return setrlimit(RLIMIT_FSIZE, &saved_fsize) || setrlimit(RLIMIT_NOFILE, &saved_files);
}

/* Sets TMPDIR to dir (NULL: unsets it). */
static void set_tmpdir(const char *dir)
{
    assert_int_equal(dir ? setenv("TMPDIR", dir, 1) : unsetenv("TMPDIR"), 0);
}

/* A temporary file that cannot be written (a full disk, here a file size limit: the beats
 * table, ~40 bytes a beat, fails at 8 KB and at 64 KB; the HRV windows' rows, 576 bytes a
 * window, at 256 KB with a window every second) or made (TMPDIR a directory that does not
 * exist, or no descriptor left for the NN series' file, the second the beats take): what it would hold is kept in memory, every table is the
 * default run's, and a warning says memory was not bounded (the sidecars carry it). Was: "no
 * beats: input/output error", every heart marker n/a; then the same tables without a warning. */
static void temp_file_failure_keeps_results(void **state)
{
    (void)state;
    size_t n, n_beats;
    double *x = generated_ecg(250, 1800, &n, &n_beats);
    psy_reader *r = ecg_reader(x, n, 250);
    const char *path = write_temp_file("recording", "ECG", 3);
    set_tmpdir(test_tmpdir());
    struct rlimit old;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
    psy_session_config many_windows = psy_session_config_default();
    many_windows.hrv_window_s = 60, many_windows.hrv_step_s = 1;
    static const rlim_t limits[] = {8192, 65536, 262144};
    for (size_t i = 0; i < 3; i++) {
        struct rlimit lim = {limits[i], old.rlim_max};
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
        /* the beats' files fail, the windows' 3.5 KB fit; then only the windows' 1 MB fails (its
         * warning once gave no reason) */
        fallback_says[0] = "temporary file could not be written: File too large";
        fallback_says[1] = i < 2 ? test_tmpdir() : NULL;
        same_outputs_with(r, path, i < 2 ? NULL : &many_windows, i == 2, 1);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    }
    /* room for one more descriptor: the beats table's file is made, the NN series' is not (then
     * the windows' rows take the freed one). The limit alone does it: 0 .. next - 1 are in use and
     * no new descriptor may be next + 1 or above (those already open stay open). The sidecars
     * (which open the input to hash it) are written after the limit is lifted. Was skipped
     * wherever the test's parent left a descriptor above next, as ours did and CI's did not. */
    int next = dup(0);
    assert_true(next > 0);
    close(next);
    struct rlimit old_files, files;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old_files), 0);
    files = old_files;
    files.rlim_cur = (rlim_t)next + 1;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &files), 0);
    psy_session *full = run(r, 0), *lean = run(r, 1);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old_files), 0);
    fallback_says[0] = "the NN series' temporary file could not be made: Too many open files";
    same_outputs_of(full, lean, path, 0, 1);
    /* each warning names the directory and why (was "no temporary file could be made" alone) */
    set_tmpdir("/nonexistent/psyphys-tmp");
    fallback_says[0] = "in /nonexistent/psyphys-tmp (";
    fallback_says[1] = "could not be made: No such file or directory";
    same_outputs_with(r, path, NULL, 0, 2);
    set_tmpdir(NULL);
    psy_reader_close(r);
    free(x);
}

/* Descriptors of this process open on files named psyphys-* in dir. -1 without /proc. */
static int open_in(const char *dir)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    char prefix[600], link[700], target[700];
    snprintf(prefix, sizeof prefix, "%s/psyphys-", dir);
    int k = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(link, target, sizeof target - 1);
        if (len > 0) target[len] = '\0', k += strncmp(target, prefix, strlen(prefix)) == 0;
    }
    closedir(d);
    return k;
}

/* The temporary files go where TMPDIR says (tmpfile() took /tmp whatever it said): the beats
 * table's, the NN series' and the HRV windows' rows' (two 5-min windows here) are held until the
 * session is freed. */
static void temp_files_in_tmpdir(void **state)
{
    (void)state;
    if (open_in("/") < 0) skip();
    size_t n, n_beats;
    double *x = generated_ecg(250, 600, &n, &n_beats);
    psy_reader *r = ecg_reader(x, n, 250);
    const char *dir = temp_path("job-tmp");
    assert_int_equal(mkdir(dir, 0700), 0);
    set_tmpdir(dir);
    psy_session *s = run(r, 1);
    assert_null(psy_session_results_of(s)->beats->sample); /* streamed */
    assert_int_equal(psy_session_results_of(s)->n_windows, 2);
    assert_int_equal(open_in(dir), 3);
    psy_session_free(s);
    assert_int_equal(open_in(dir), 0);
    set_tmpdir(NULL);
    psy_reader_close(r);
    free(x);
}

/* A lean beat list (per-beat columns and NN series NULL, n and n_nn > 0) is refused, not read,
 * by what reads every beat or the NN series. */
static void lean_beats_refused(void **state)
{
    (void)state;
    size_t n, n_beats;
    double *x = generated_ecg(250, 600, &n, &n_beats);
    psy_reader *r = ecg_reader(x, n, 250);
    psy_session *s = run(r, 1);
    const psy_beat_list *b = psy_session_results_of(s)->beats;
    assert_true(b->n > 0);
    assert_null(b->onset_s);
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(psy_beats_write_table(fp, b), PSY_E_INVALID);
    fclose(fp);
    psy_hrv *h = NULL;
    psy_hrv_config hc = psy_hrv_config_default();
    assert_int_equal(psy_hrv_create(&hc, &h, NULL), PSY_OK);
    psy_hrv_result res;
    assert_int_equal(psy_hrv_compute_beats(h, b, 0, 0, INFINITY, &res, NULL), PSY_E_INVALID);
    assert_true(b->n_nn > 500);
    assert_null(b->nn_ms);
    assert_int_equal(psy_hrv_compute_beats(h, b, 1, 0, INFINITY, &res, NULL), PSY_E_INVALID);
    psy_hrv_destroy(h);
    fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(psy_beats_write_nn_table(fp, b), PSY_E_INVALID);
    fclose(fp);
    psy_sidecar *sc = NULL;
    assert_int_equal(psy_sidecar_create(&sc), PSY_OK);
    int chs[2] = {0, -1};
    psy_beats_config bc = psy_beats_config_default();
    assert_int_equal(psy_sidecar_add_beats(sc, r, chs, &bc, b), PSY_E_INVALID);
    psy_sidecar_free(sc);
    psy_beat_list pulses = {0};
    pulses.pulses = 1;
    psy_pat_list *pat = NULL;
    assert_int_equal(psy_pat_compute(b, &pulses, NULL, &pat), PSY_E_INVALID);
    assert_null(pat);
    psy_breath_list *breaths = NULL;
    assert_int_equal(psy_breaths_from_beats(b, &breaths, NULL), PSY_E_INVALID);
    assert_int_equal(psy_breaths_from_ecg(r, 0, b, &breaths, NULL), PSY_E_INVALID);
    assert_null(breaths);
    fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(psy_beats_write_wfdb(fp, b), PSY_E_INVALID);
    fclose(fp);
    psy_hrv_series series = {0};
    assert_int_equal(psy_hrv_series_from_beats(b, PSY_HRV_CORRECT_NONE, &series, NULL), PSY_E_INVALID);
    psy_hrv_series_free(&series);
    assert_int_equal(psy_hrv_series_from_beats(b, PSY_HRV_CORRECT_LIPPONEN, &series, NULL), PSY_E_INVALID);
    psy_hrv_series_free(&series);
    psy_breath_list no_breaths = {0};
    psy_rsa_result rsa;
    assert_int_equal(psy_rsa_compute(b, &no_breaths, NULL, &rsa), PSY_E_INVALID);
    psy_session_free(s);
    psy_reader_close(r);
    free(x);
}

/* --ecg naming an irregular channel (no rate: its beats cannot be detected): the lean run warns
 * as the default run does (it said "not a regular ECG channel"). */
static void irregular_ecg_same_warnings(void **state)
{
    (void)state;
    double x[400], t[400];
    for (int i = 0; i < 400; i++) x[i] = sin(0.1 * i), t[i] = 0.01 * i + (i > 200 ? 0.5 : 0);
    psy_array_channel ch = {"irregular", PSY_CH_ECG, "mV", 0, x, t, 400};
    psy_reader *r = NULL;
    psy_message why;
    if (psy_reader_from_arrays_borrowed(&ch, 1, NULL, 0, &r, &why) != PSY_OK) fail_msg("%s", why.text);
    psy_session *runs[2];
    for (int lean = 0; lean < 2; lean++) {
        psy_session_config cfg = psy_session_config_default();
        cfg.lean_results = lean;
        cfg.ecg = "irregular";
        if (psy_session_run(r, &cfg, &runs[lean], &why) != PSY_OK) fail_msg("%s", why.text);
    }
    const psy_session_results *a = psy_session_results_of(runs[0]), *b = psy_session_results_of(runs[1]);
    assert_true(a->n_warnings > 0);
    assert_int_equal(a->n_warnings, b->n_warnings);
    for (size_t i = 0; i < a->n_warnings; i++) assert_string_equal(a->warnings[i], b->warnings[i]);
    psy_session_free(runs[0]);
    psy_session_free(runs[1]);
    psy_reader_close(r);
}

#ifdef COUNT_ALLOCATIONS
/* The heap bytes a session holds after its run (its results), and the beats it found. */
static long held_bytes(double hours, int lean, size_t *beats)
{
    size_t n, n_beats;
    double *x = generated_ecg(125, hours * 3600, &n, &n_beats);
    psy_reader *r = ecg_reader(x, n, 125);
    long before = heap_bytes();
    psy_session *s = run(r, lean);
    long held = heap_bytes() - before;
    *beats = psy_session_results_of(s)->beats->n;
    psy_session_free(s);
    psy_reader_close(r);
    free(x);
    return held;
}

/* The heap bytes a lean run of r holds with HRV windows of 60 s every step_s, and its windows. */
static long held_with_windows(psy_reader *r, double step_s, size_t *n_windows)
{
    psy_session_config cfg = psy_session_config_default();
    cfg.hrv_window_s = 60, cfg.hrv_step_s = step_s;
    long before = heap_bytes();
    psy_session *s = run_with(r, &cfg, 1);
    long held = heap_bytes() - before;
    *n_windows = psy_session_results_of(s)->n_windows;
    psy_session_free(s);
    return held;
}
#endif

/* What a session holds after its run, counted between a 3-h and a 6-h recording: under
 * lean_results the beat list's per-beat columns (36 bytes a beat: sample, onset, interval,
 * amplitude, class), its NN series (17 bytes: in a temporary file) and the HRV windows' full
 * results (2.5 KB a 5-min window; their rows wait in a temporary file: memory_per_window) are
 * not held, so it grows by over 55 bytes a beat less than by default (was 40, the NN series
 * held), and holds that much less. What it still holds per beat at these lengths: the HRV
 * analyser's buffers, kept at their largest size up to 4 MB (about a day of beats; psyphys/hrv.h),
 * and the times of the intervals the correction left out. */
static void memory_per_beat(void **state)
{
    (void)state;
#ifndef COUNT_ALLOCATIONS
    skip();
#else
    if (source_path) skip(); /* the source's analyser buffers differ */
    double growth[2];
    long held6[2];
    size_t b3, b6;
    for (int lean = 0; lean < 2; lean++) {
        long h3 = held_bytes(3, lean, &b3);
        held6[lean] = held_bytes(6, lean, &b6);
        growth[lean] = (double)(held6[lean] - h3) / (double)(b6 - b3);
        print_message("lean_results %d: %.1f bytes a beat (%ld -> %ld bytes held, %zu -> %zu beats)\n", lean,
                      growth[lean], h3, held6[lean], b3, b6);
    }
    assert_true(growth[0] - growth[1] > 55);
    assert_true((double)(held6[0] - held6[1]) / (double)b6 > 55);
#endif
}

/* Under lean_results the HRV windows' rows (576 bytes each) wait in a temporary file, not in
 * memory: 3,541 windows (60 s every second over an hour) hold what 59 (every minute) hold, within
 * a few KB (was 2 MB more: the rows in memory). */
static void memory_per_window(void **state)
{
    (void)state;
#ifndef COUNT_ALLOCATIONS
    skip();
#else
    size_t n, n_beats, few, many;
    double *x = generated_ecg(125, 3600, &n, &n_beats);
    psy_reader *r = ecg_reader(x, n, 125);
    long held_few = held_with_windows(r, 60, &few), held_many = held_with_windows(r, 1, &many);
    print_message("%zu windows: %ld bytes held, %zu windows: %ld\n", few, held_few, many, held_many);
    assert_true(many - few > 3000);
    assert_true(labs(held_many - held_few) < 16384);
    psy_reader_close(r);
    free(x);
#endif
}

/* `test_session_lean source` (CTest test_session_lean_source) runs every case with a spooled span
 * read as an HRV source from 1,000 intervals on (the library's: NN_VIEW_SOURCE_MIN, 262,144): the
 * whole recording's and the long segments' HRV take the source path, and the tables stay the
 * default run's. */
int main(int argc, char **argv)
{
    source_path = argc == 2 && strcmp(argv[1], "source") == 0;
    if (argc > 1 && !source_path) {
        fprintf(stderr, "usage: %s [source]\n", argv[0]);
        return 2;
    }
    if (source_path) psy_session_source_min_for_tests(1000);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_same_tables),
        cmocka_unit_test(events_and_breaths_same_tables),
        cmocka_unit_test(long_and_tiny_runs_same_tables),
        cmocka_unit_test(mitdb_same_tables),
        cmocka_unit_test(memory_per_beat),
        cmocka_unit_test(memory_per_window),
        cmocka_unit_test_setup_teardown(temp_file_failure_keeps_results, save_limits, restore_limits),
        cmocka_unit_test_setup_teardown(temp_files_in_tmpdir, save_limits, restore_limits),
        cmocka_unit_test(lean_beats_refused),
        cmocka_unit_test(irregular_ecg_same_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
