/* One analyser per thread, as the headers allow: 8 threads each run analysers of every kind on
 * their own data -- HRV (Welch, Lomb, AR, nonlinear; presets whose FFT sizes differ, so plans
 * are made while the other threads compute), EDA (deconvolution and fast), beats detected on
 * readers of several formats (EDF through EDFlib and through psyphys's parser, WFDB, CSV, WAV
 * through libsndfile, MIT-BIH records when ../shared exists), breaths, the live stream, and the
 * session analysis (arrays and a file, its tables) --
 * and every number must equal, bit for bit, what the same job gave alone in one thread. CI runs
 * this program under ThreadSanitizer too (PSYPHYS_TSAN). */
#include "test_util.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define THREADS 8

/* Everything a job computed, as doubles (pointers to static reason strings as their address:
 * the same text in one process is the same pointer). */
typedef struct record {
    double *v;
    size_t n, cap;
    int failed;
} record;

static void put(record *r, double x)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 4096;
        double *v = realloc(r->v, r->cap * sizeof *v);
        if (!v) {
            r->failed = 1;
            return;
        }
        r->v = v;
    }
    r->v[r->n++] = x;
}

static void put_status(record *r, psy_status st)
{
    put(r, (double)st);
    if (st != PSY_OK) r->failed = 1;
}

/* xorshift64 */
static double uniform(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* ---- generated data, different for every job ---- */

/* RR intervals (ms) of `seconds` with respiratory sinus arrhythmia, a slow wave and noise. */
static size_t make_rr(uint64_t seed, double seconds, double *rr, double *t, size_t max)
{
    double acc = 0;
    size_t n = 0;
    double f_resp = 0.2 + 0.1 * uniform(&seed);
    while (acc < seconds && n < max) {
        double v = 850 + 40 * sin(2 * M_PI * f_resp * acc) + 25 * sin(2 * M_PI * 0.07 * acc) +
                   15 * (uniform(&seed) - 0.5);
        acc += v / 1000.0;
        rr[n] = v, t[n] = acc, n++;
    }
    return n;
}

/* ECG at rate: Gaussian QRS complexes at a varying rhythm, baseline wander. */
static double *make_ecg(uint64_t seed, double rate, double seconds, size_t *n)
{
    *n = (size_t)(rate * seconds);
    double *x = calloc(*n, sizeof *x);
    if (!x) return NULL;
    double t = 0.4 + 0.2 * uniform(&seed), base = 0.75 + 0.2 * uniform(&seed);
    for (int k = 0; t < seconds; k++) {
        double rr = base + 0.05 * sin(2 * M_PI * 0.25 * t) + 0.02 * (uniform(&seed) - 0.5);
        for (long i = (long)((t - 0.05) * rate); i < (long)((t + 0.05) * rate); i++)
            if (i >= 0 && (size_t)i < *n) x[i] += exp(-pow(((double)i / rate - t) / 0.01, 2));
        t += rr;
    }
    for (size_t i = 0; i < *n; i++) x[i] += 0.05 * sin(2 * M_PI * 0.3 * (double)i / rate);
    return x;
}

/* Skin conductance (uS) at rate: a drifting tonic level and Bateman-shaped responses. */
static double *make_eda(uint64_t seed, double rate, double seconds, size_t *n)
{
    *n = (size_t)(rate * seconds);
    double *x = malloc(*n * sizeof *x);
    if (!x) return NULL;
    double onsets[64];
    int k = 0;
    for (double on = 5 + 5 * uniform(&seed); on < seconds && k < 64; on += 8 + 12 * uniform(&seed)) onsets[k++] = on;
    for (size_t i = 0; i < *n; i++) {
        double t = (double)i / rate, v = 4 + 0.5 * sin(2 * M_PI * t / 300);
        for (int j = 0; j < k; j++) {
            double d = t - onsets[j];
            if (d > 0) v += (0.1 + 0.05 * (j % 3)) * (exp(-d / 3.5) - exp(-d / 0.8));
        }
        x[i] = v;
    }
    return x;
}

/* Breathing (a belt) at rate. */
static double *make_resp(uint64_t seed, double rate, double seconds, size_t *n)
{
    *n = (size_t)(rate * seconds);
    double *x = malloc(*n * sizeof *x);
    if (!x) return NULL;
    double f = 0.2 + 0.1 * uniform(&seed), phase = 0;
    for (size_t i = 0; i < *n; i++) {
        phase += 2 * M_PI * (f + 0.03 * sin((double)i / rate / 20)) / rate;
        x[i] = sin(phase) + 0.05 * (uniform(&seed) - 0.5);
    }
    return x;
}

/* ---- the files each job reads (written before any thread starts) ---- */

typedef struct job_files {
    char wfdb[512], csv[512], wav[512];
    char mitdb[4096]; /* "" when ../shared is absent */
} job_files;

static job_files files[THREADS];

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static void le16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8); }
static void le32(unsigned char *p, uint32_t v) { le16(p, v & 0xFFFF), le16(p + 2, v >> 16); }

/* A 2-minute ECG of job k as a WFDB record (format 16), a CSV column and a 16-bit WAV file;
 * and the MIT-BIH record it reads (shared_data's buffer is not for threads). */
static void write_job_files(int k)
{
    static const char *const mitdb[THREADS] = {"100", "101", "103", "105", "107", "111", "112", "113"};
    char rel[64];
    snprintf(rel, sizeof rel, "mitdb/%s.hea", mitdb[k]);
    const char *shared = shared_data(rel);
    snprintf(files[k].mitdb, sizeof files[k].mitdb, "%s", shared ? shared : "");
    size_t n;
    double *x = make_ecg(1000 + (uint64_t)k, 360, 120, &n);
    assert_non_null(x);
    const char *dir = test_tmpdir();
    unsigned char *pcm = malloc(44 + 2 * n);
    assert_non_null(pcm);
    for (size_t i = 0; i < n; i++) le16(pcm + 44 + 2 * i, (unsigned)(int16_t)lrint(x[i] * 1000));
    /* WFDB: the samples in 16-bit two's complement, 1000 adu/mV */
    char hea[256];
    snprintf(hea, sizeof hea, "job%d 1 360 %zu\njob%d.dat 16 1000 16 0 0 0 0 ECG\n", k, n, k);
    snprintf(files[k].wfdb, sizeof files[k].wfdb, "%s/job%d.hea", dir, k);
    write_file(files[k].wfdb, hea, strlen(hea));
    char dat[512];
    snprintf(dat, sizeof dat, "%s/job%d.dat", dir, k);
    write_file(dat, pcm + 44, 2 * n);
    /* WAV (RIFF, PCM 16-bit mono at 360 Hz; libsndfile reads it) */
    memcpy(pcm, "RIFF", 4), le32(pcm + 4, (uint32_t)(36 + 2 * n)), memcpy(pcm + 8, "WAVEfmt ", 8);
    le32(pcm + 16, 16), le16(pcm + 20, 1), le16(pcm + 22, 1), le32(pcm + 24, 360), le32(pcm + 28, 720);
    le16(pcm + 32, 2), le16(pcm + 34, 16), memcpy(pcm + 36, "data", 4), le32(pcm + 40, (uint32_t)(2 * n));
    snprintf(files[k].wav, sizeof files[k].wav, "%s/job%d.wav", dir, k);
    write_file(files[k].wav, pcm, 44 + 2 * n);
    /* CSV: one column, the rate given at open */
    size_t size = 16 + 24 * n, used = 0;
    char *csv = malloc(size);
    assert_non_null(csv);
    used += (size_t)snprintf(csv, size, "ECG\n");
    for (size_t i = 0; i < n; i++) used += (size_t)snprintf(csv + used, size - used, "%.6f\n", x[i]);
    snprintf(files[k].csv, sizeof files[k].csv, "%s/job%d.csv", dir, k);
    write_file(files[k].csv, csv, used);
    free(csv), free(pcm), free(x);
}

/* ---- the analysers ---- */

static void put_values(record *r, const psy_hrv_values *v)
{
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) put(r, v->v[k]), put(r, (double)(uintptr_t)v->na[k]);
}

static void put_hrv(record *r, psy_hrv *h, const double *rr, const double *t, size_t n)
{
    psy_hrv_result res;
    put_status(r, psy_hrv_compute(h, rr, t, n, &res, NULL));
    put(r, (double)res.n_nn), put(r, res.duration_s);
    put_values(r, &res.values), put_values(r, &res.welch), put_values(r, &res.lomb), put_values(r, &res.ar);
    const double *f, *p;
    size_t np;
    psy_hrv_spectrum(h, PSY_HRV_LOMB, &f, &p, &np);
    for (size_t i = 0; i < np; i++) put(r, p[i]);
}

/* HRV with every spectrum, on the whole series and on windows of several lengths (new FFT
 * sizes, new plans), with three presets. */
static void hrv_job(int k, record *r)
{
    static const char *const presets[] = {"default", "neurokit", "pcst"};
    enum { MAX = 4000 };
    double *rr = malloc(MAX * sizeof *rr), *t = malloc(MAX * sizeof *t);
    if (!rr || !t) {
        r->failed = 1;
        free(rr), free(t);
        return;
    }
    size_t n = make_rr(77 + (uint64_t)k, 1500 + 100 * k, rr, t, MAX);
    for (int p = 0; p < 3; p++) {
        psy_hrv_config c;
        psy_hrv *h = NULL;
        put_status(r, psy_hrv_config_preset(presets[p], &c));
        c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR;
        put_status(r, psy_hrv_create(&c, &h, NULL));
        if (!h) continue;
        put_hrv(r, h, rr, t, n);
        for (size_t len = 100 + 37 * (size_t)k; len < n; len += 400) put_hrv(r, h, rr + len / 3, t + len / 3, len / 2);
        psy_hrv_destroy(h);
    }
    free(rr), free(t);
}

static void put_eda(record *r, const psy_eda_result *e)
{
    put(r, (double)e->n), put(r, e->scl_us), put(r, e->ns_scr_per_min), put(r, e->phasic_driver_area_us_s);
    for (size_t i = 0; i < e->n; i++)
        put(r, e->scr[i].onset_s), put(r, e->scr[i].peak_s), put(r, e->scr[i].amplitude_us), put(r, e->scr[i].half_recovery_s);
    for (size_t i = 0; i < e->n_tonic; i++) put(r, e->tonic_1hz_us[i]);
    for (size_t i = 0; e->phasic_area_1hz_us_s && i < e->n_tonic; i++) put(r, e->phasic_area_1hz_us_s[i]);
}

/* EDA by deconvolution (FFTW plans at create) and by the fast method, at two rates. */
static void eda_job(int k, record *r)
{
    static const double rates[] = {32, 100};
    for (int q = 0; q < 2; q++) {
        size_t n;
        double *x = make_eda(500 + (uint64_t)k, rates[q], 600 + 60 * k, &n);
        if (!x) {
            r->failed = 1;
            return;
        }
        psy_eda_config c = psy_eda_config_default(rates[q]);
        for (int m = 0; m < 2; m++) {
            psy_eda_result *e = NULL;
            put_status(r, psy_eda_analyze_signal(x, (int64_t)n, &c, m ? PSY_EDA_DECONV : PSY_EDA_FAST, &e, NULL));
            if (e) put_eda(r, e);
            psy_eda_result_free(e);
        }
        free(x);
    }
}

static void put_beats(record *r, psy_reader *rd, psy_status open_status, int ch)
{
    put_status(r, open_status);
    if (open_status != PSY_OK) return;
    psy_beats_config c = psy_beats_config_default();
    psy_beat_list *b = NULL;
    put_status(r, psy_beats_detect(rd, ch, &c, &b, NULL));
    if (b) {
        put(r, (double)b->n), put(r, (double)b->n_nn);
        for (size_t i = 0; i < b->n; i++) put(r, (double)b->sample[i]), put(r, b->rr_ms[i]), put(r, (double)b->cls[i]);
        for (size_t i = 0; i < b->n_nn; i++) put(r, b->nn_ms[i]);
        /* and the HRV of its NN series */
        psy_hrv *h = NULL;
        put_status(r, psy_hrv_create(NULL, &h, NULL));
        psy_hrv_result res;
        if (h) put_status(r, psy_hrv_compute_beats(h, b, 1, -INFINITY, INFINITY, &res, NULL)), put_values(r, &res.values);
        psy_hrv_destroy(h);
    }
    psy_beat_list_free(b);
    psy_reader_close(rd);
}

/* Beats on readers of several formats: this job's files, the bundled EDF (every job opens it:
 * EDFlib's table is shared; odd jobs read it with psyphys's own parser), a MIT-BIH record. */
static void beats_job(int k, record *r)
{
    psy_open_options o = psy_open_options_default();
    psy_reader *rd = NULL;
    put_beats(r, rd, psy_reader_open(files[k].wfdb, &o, &rd, NULL), 0);
    o.sampling_rate_hz = 360;
    put_beats(r, rd, psy_reader_open(files[k].csv, &o, &rd, NULL), 0);
    put_beats(r, rd, psy_reader_open(files[k].wav, &o, &rd, NULL), 0);
    o = psy_open_options_default();
    o.use_libedf = k % 2 == 0;
    char edf[1024];
    snprintf(edf, sizeof edf, "%s/recordings/neurokit_eventrelated.edf", PSYPHYS_SOURCE_DIR);
    psy_status st = psy_reader_open(edf, &o, &rd, NULL);
    put_beats(r, rd, st, st == PSY_OK ? psy_reader_find_channel(rd, "ECG") : 0);
    if (files[k].mitdb[0]) put_beats(r, rd, psy_reader_open(files[k].mitdb, NULL, &rd, NULL), 0);
}

static void resp_job(int k, record *r)
{
    size_t n;
    double *x = make_resp(300 + (uint64_t)k, 50, 300, &n);
    psy_resp_config c = psy_resp_config_default(50);
    psy_resp_detector *d = NULL;
    put_status(r, x ? psy_resp_detector_create(&c, &d) : PSY_E_NOMEM);
    if (d) {
        psy_breath b[64];
        for (size_t a = 0; a < n; a += 500) {
            put_status(r, psy_resp_detector_push(d, x + a, n - a < 500 ? n - a : 500, NULL));
            for (size_t m = psy_resp_detector_pop(d, b, 64), i = 0; i < m; i++)
                put(r, (double)b[i].onset), put(r, (double)b[i].peak), put(r, b[i].amplitude);
        }
    }
    psy_resp_detector_destroy(d);
    free(x);
}

/* The live stream: ECG and EDA pushed a second at a time, every output recorded. */
static void stream_job(int k, record *r)
{
    size_t n_ecg, n_eda;
    double *ecg = make_ecg(900 + (uint64_t)k, 250, 400, &n_ecg), *eda = make_eda(700 + (uint64_t)k, 32, 400, &n_eda);
    psy_stream_config c = psy_stream_config_default(250, 32);
    psy_stream *s = NULL;
    put_status(r, ecg && eda ? psy_stream_create(&c, &s, NULL) : PSY_E_NOMEM);
    psy_stream_output o[256];
    for (size_t b = 0; s && b * 250 < n_ecg; b++) {
        psy_stream_push_ecg(s, ecg + b * 250, 250);
        if (b * 32 + 32 <= n_eda) psy_stream_push_eda(s, eda + b * 32, 32);
        if (b * 250 + 250 >= n_ecg) psy_stream_finish(s);
        for (size_t m; (m = psy_stream_poll(s, o, 256)) > 0;)
            for (size_t i = 0; i < m; i++) {
                put(r, (double)o[i].kind), put(r, o[i].onset_s);
                if (o[i].kind == PSY_STREAM_HRV)
                    put(r, o[i].u.hrv.rmssd_ms), put(r, o[i].u.hrv.sdnn_ms), put(r, o[i].u.hrv.lf_ms2),
                        put(r, o[i].u.hrv.hf_ms2), put(r, o[i].u.hrv.peak_hz);
                if (o[i].kind == PSY_STREAM_SCR) put(r, o[i].u.scr.amplitude_us);
            }
    }
    psy_stream_destroy(s);
    free(ecg), free(eda);
}

/* The session analysis (psyphys/session.h): a recording of this job's ECG, EDA and breathing
 * with session events, as arrays (EDA by deconvolution in odd jobs), and this job's WFDB file
 * opened by the session; every result and the bytes of every table. */
static void put_session(record *r, psy_session *s)
{
    const psy_session_results *res = psy_session_results_of(s);
    put(r, (double)res->n_segments), put(r, (double)res->n_windows), put(r, (double)res->n_epochs);
    put(r, (double)res->n_breaths), put(r, (double)res->n_warnings), put(r, res->beats ? (double)res->beats->n : -1);
    put(r, res->scr ? (double)res->scr->n : -1);
    for (size_t i = 0; i < res->n_segments; i++) put_values(r, &res->segment_hrv[i].values);
    for (size_t i = 0; i < res->n_windows; i++) put_values(r, &res->window_hrv[i].values);
    for (size_t i = 0; i < res->n_epochs; i++)
        put(r, res->epochs[i].hr.mean_bpm), put(r, res->epochs[i].has_scr ? res->epochs[i].scr.amplitude_us : -1);
    for (int t = 0; t < PSY_TABLE_COUNT; t++) {
        if (!psy_session_has_table(s, (psy_session_table)t)) continue;
        char *text = NULL;
        size_t size = 0;
        FILE *fp = open_memstream(&text, &size);
        if (!fp) {
            r->failed = 1;
            continue;
        }
        psy_status st = psy_session_write_table(s, (psy_session_table)t, fp, NULL);
        fclose(fp);
        put_status(r, st);
        for (size_t i = 0; i < size; i++) put(r, (double)(unsigned char)text[i]);
        free(text);
    }
}

static void session_job(int k, record *r)
{
    size_t n_ecg, n_eda, n_rsp;
    double seconds = 600 + 30 * k;
    double *ecg = make_ecg(1300 + (uint64_t)k, 250, seconds, &n_ecg), *eda = make_eda(1400 + (uint64_t)k, 32, seconds, &n_eda);
    double *rsp = make_resp(1500 + (uint64_t)k, 50, seconds, &n_rsp);
    if (!ecg || !eda || !rsp) {
        r->failed = 1;
        free(ecg), free(eda), free(rsp);
        return;
    }
    psy_array_channel ch[3] = {{"ECG", PSY_CH_ECG, "mV", 250, ecg, NULL, (int64_t)n_ecg},
                               {"EDA", PSY_CH_EDA, "uS", 32, eda, NULL, (int64_t)n_eda},
                               {"RSP", PSY_CH_RESP, NULL, 50, rsp, NULL, (int64_t)n_rsp}};
    psy_event ev[4];
    static const char *const labels[] = {"rest", "task", "rest", "task"};
    for (int i = 0; i < 4; i++)
        ev[i] = (psy_event){.onset_s = 60 + 120 * i + 7 * k, .duration_s = 100, .label = labels[i], .detail = "",
                            .sample = -1, .channel = -1};
    psy_reader *rd = NULL;
    put_status(r, psy_reader_from_arrays(ch, 3, ev, 4, &rd, NULL));
    psy_session_config c = psy_session_config_default();
    c.eda_method = k % 2 ? PSY_EDA_DECONV : PSY_EDA_FAST;
    c.hrv_window_s = c.hrv_step_s = 120;
    psy_session *s = NULL;
    if (rd) put_status(r, psy_session_run(rd, &c, &s, NULL));
    if (s) put_session(r, s);
    psy_session_free(s);
    psy_reader_close(rd);
    s = NULL;
    put_status(r, psy_session_open(files[k].wfdb, NULL, &c, &s, NULL));
    if (s) put_session(r, s);
    psy_session_free(s);
    free(ecg), free(eda), free(rsp);
}

static void run_job(int k, record *r)
{
    hrv_job(k, r);
    eda_job(k, r);
    beats_job(k, r);
    resp_job(k, r);
    stream_job(k, r);
    session_job(k, r);
}

typedef struct thread_arg {
    int k;
    record out;
    pthread_barrier_t *start;
} thread_arg;

static void *thread_main(void *p)
{
    thread_arg *a = p;
    pthread_barrier_wait(a->start); /* all at once */
    run_job(a->k, &a->out);
    return NULL;
}

static void test_threads_equal_one_thread(void **state)
{
    (void)state;
    for (int k = 0; k < THREADS; k++) write_job_files(k);
    record alone[THREADS];
    memset(alone, 0, sizeof alone);
    for (int k = 0; k < THREADS; k++) {
        run_job(k, &alone[k]);
        assert_false(alone[k].failed);
        assert_true(alone[k].n > 10000);
    }
    for (int round = 0; round < 2; round++) {
        thread_arg args[THREADS];
        pthread_t th[THREADS];
        pthread_barrier_t start;
        assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
        for (int k = 0; k < THREADS; k++) {
            args[k] = (thread_arg){k, {0}, &start};
            assert_int_equal(pthread_create(&th[k], NULL, thread_main, &args[k]), 0);
        }
        for (int k = 0; k < THREADS; k++) assert_int_equal(pthread_join(th[k], NULL), 0);
        pthread_barrier_destroy(&start);
        for (int k = 0; k < THREADS; k++) {
            assert_false(args[k].out.failed);
            assert_int_equal(args[k].out.n, alone[k].n);
            if (memcmp(args[k].out.v, alone[k].v, alone[k].n * sizeof *alone[k].v) != 0) {
                for (size_t i = 0; i < alone[k].n; i++)
                    if (memcmp(&args[k].out.v[i], &alone[k].v[i], sizeof(double)) != 0)
                        fail_msg("job %d, value %zu: %.17g in a thread, %.17g alone", k, i, args[k].out.v[i],
                                 alone[k].v[i]);
            }
            free(args[k].out.v);
        }
    }
    for (int k = 0; k < THREADS; k++) free(alone[k].v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_equal_one_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
