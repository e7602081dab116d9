/* A lean session (psyphys/session.h lean_results) whose NN series' temporary file reads badly: the
 * reads of the spool (analysis/nn_spool.c, its only pread) go through the pread below, which
 * can fail every read, or cut them short and interrupt them as a signal would. */
#define _GNU_SOURCE
#include "test_util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define UNREADABLE "the NN series' temporary file could not be read" /* analysis/nn_spool.h */

enum { READS_PASS, READS_FAIL, READS_CHOPPY };
static int reads = READS_PASS;
static unsigned long choppy_calls;

/* The library's pread (the executable's definition is the one the process links). */
ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
    if (reads == READS_FAIL) {
        errno = EIO;
        return -1;
    }
    if (reads == READS_CHOPPY) {
        if (choppy_calls++ % 3 == 0) {
            errno = EINTR;
            return -1;
        }
        if (count > 1) count = count / 2 + 1; /* never all at once */
    }
    return syscall(SYS_pread64, fd, buf, count, offset);
}

/* 30 min of ECG at 250 Hz (beats every ~0.8 s breathing at 0.25 Hz), respiration at 25 Hz and
 * 40 session events, the run lean. */
typedef struct recording {
    double *ecg, *rsp;
    psy_reader *r;
} recording;

static void recording_open(recording *rec)
{
    size_t n = 1800 * 250, n_rsp = 1800 * 25;
    rec->ecg = calloc(n, sizeof *rec->ecg), rec->rsp = malloc(n_rsp * sizeof *rec->rsp);
    assert_non_null(rec->ecg);
    assert_non_null(rec->rsp);
    for (double t = 0.5; t < 1799; t += 0.8 + 0.05 * sin(2 * M_PI * 0.25 * t)) test_ecg_beat(rec->ecg, n, 250, t, 1.2, 0.3);
    for (size_t i = 0; i < n_rsp; i++) rec->rsp[i] = sin(2 * M_PI * 0.25 * (double)i / 25);
    psy_array_channel ch[2] = {{"ECG", PSY_CH_ECG, "mV", 250, rec->ecg, NULL, (int64_t)n},
                               {"RSP", PSY_CH_RESP, "mV", 25, rec->rsp, NULL, (int64_t)n_rsp}};
    static psy_event ev[40];
    for (int k = 0; k < 40; k++)
        ev[k] = (psy_event){20.0 + 43.7 * k, 30, k % 2 ? "task" : "rest", "", PSY_EVENTS_FILE, -1, -1, 0, 0, 0};
    psy_message why;
    assert_int_equal(psy_reader_from_arrays_borrowed(ch, 2, ev, 40, &rec->r, &why), PSY_OK);
}

static void recording_close(recording *rec)
{
    psy_reader_close(rec->r);
    free(rec->ecg), free(rec->rsp);
}

static psy_session *run_lean(psy_reader *r)
{
    psy_session_config c = psy_session_config_default();
    c.lean_results = 1;
    psy_session *s = NULL;
    psy_message why;
    psy_status st = psy_session_run(r, &c, &s, &why);
    if (st != PSY_OK) fail_msg("the run failed: %s", why.text);
    return s;
}

/* Every table of s with its na_reasons, as text. */
static char *tables_text(psy_session *s)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);
    assert_non_null(fp);
    for (int t = 0; t < PSY_TABLE_COUNT; t++) {
        if (!psy_session_has_table(s, (psy_session_table)t)) continue;
        psy_na_reasons na = {0};
        assert_int_equal(psy_session_write_table(s, (psy_session_table)t, fp, &na), PSY_OK);
        for (size_t i = 0; i < na.n; i++) fprintf(fp, "%s: %s\n", na.v[i].column, na.v[i].reason);
        psy_na_reasons_free(&na);
    }
    fclose(fp);
    return buf;
}

static int has_session_warning(const psy_session *s, const char *needle)
{
    const psy_session_results *res = psy_session_results_of(s);
    for (size_t i = 0; i < res->n_warnings; i++)
        if (strstr(res->warnings[i], needle)) return 1;
    return 0;
}

/* Reads cut short and interrupted by signals are taken up where they stopped: the same tables.
 * Was: the first short read made the reader n/a ("could not be read"). */
static void choppy_reads_same_tables(void **state)
{
    (void)state;
    recording rec;
    recording_open(&rec);
    psy_session *a = run_lean(rec.r);
    char *want = tables_text(a);
    reads = READS_CHOPPY, choppy_calls = 0;
    psy_session *b = run_lean(rec.r);
    char *got = tables_text(b);
    reads = READS_PASS;
    assert_true(choppy_calls > 100); /* the spool was read, slices and RSA */
    assert_string_equal(got, want);
    assert_false(has_session_warning(b, UNREADABLE));
    free(want), free(got);
    psy_session_free(a), psy_session_free(b);
    recording_close(&rec);
}

/* Every read of the NN series failing: the run completes; segments, windows, epochs and RSA n/a
 * with the reason. Was: "breaths: input/output error" from RSA, the run failed, no tables. */
static void failed_reads_na_with_reason(void **state)
{
    (void)state;
    recording rec;
    recording_open(&rec);
    reads = READS_FAIL;
    psy_session *s = run_lean(rec.r);
    char *text = tables_text(s);
    reads = READS_PASS;
    const psy_session_results *res = psy_session_results_of(s);
    assert_non_null(res->beats);
    assert_true(res->beats->n_nn > 1000);
    assert_true(has_session_warning(s, "RSA n/a: " UNREADABLE));
    assert_null(res->rsa);
    assert_true(res->n_segments > 10);
    for (size_t i = 0; i < res->n_segments; i++) {
        assert_true(isnan(res->segment_hrv[i].values.v[PSY_HRV_RMSSD_MS]));
        assert_string_equal(res->segment_hrv[i].values.na[PSY_HRV_RMSSD_MS], UNREADABLE);
    }
    assert_true(res->n_epochs >= 30);
    for (size_t i = 0; i < res->n_epochs; i++) {
        assert_false(res->epochs[i].hr.valid);
        assert_string_equal(res->epochs[i].hr.why, UNREADABLE);
    }
    assert_true(res->n_windows > 0);
    assert_non_null(strstr(text, "rsa_p2t_ms: " UNREADABLE));
    assert_non_null(strstr(text, "rmssd_ms: " UNREADABLE)); /* segments' and windows' */
    free(text);
    /* settings.breaths gives that reason to every RSA value (was: "no heartbeats to measure RSA
     * against", with 2000 beats) */
    assert_string_equal(res->rsa_why, UNREADABLE);
    psy_sidecar *sc = NULL;
    psy_message why;
    const char *input = write_temp_file("arrays.txt", "arrays", 6); /* the provenance hashes a file */
    assert_int_equal(psy_session_sidecar(s, "analyze", input, NULL, NULL, &sc, &why), PSY_OK);
    assert_int_equal(psy_sidecar_text(sc, &text), PSY_OK);
    for (const char *const *k = (const char *const[]){"rsa_p2t_mean_ms", "rsa_pb_ln_ms2", "hf_resp_ms2",
                                                      "hf_resp_band_hz", "coherence_ratio", "hr_osc_mean_bpm", NULL};
         *k; k++) {
        char want[160];
        snprintf(want, sizeof want, "\"%s\":null,\"%s_n/a_reason\":\"%s\"", *k, *k, UNREADABLE);
        if (!strstr(text, want)) fail_msg("settings.breaths: no %s", want);
    }
    assert_null(strstr(text, "no heartbeats"));
    psy_sidecar_text_free(text);
    psy_sidecar_free(sc);
    psy_session_free(s);
    recording_close(&rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(choppy_reads_same_tables),
        cmocka_unit_test(failed_reads_na_with_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
