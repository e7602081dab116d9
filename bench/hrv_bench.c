/* psyphys_hrv_bench RR.txt [REPEATS [corrected|welch]]: every HRV metric (time, Welch + Lomb,
 * Poincare, SampEn/ApEn, DFA) on one RR list (ms, one per line), timed per run around
 * psy_hrv_compute alone (the file is read once before), with the process's peak resident memory
 * and how far it rose above what the process held before the first run (the analyser's own
 * memory: its buffers, its FFTW plans). Prints the fastest run. With "welch": the spectra `psyphys
 * analyze` asks for (Welch alone), on the intervals and their beat times. With "corrected": each run is what `psyphys hrv RR.txt` computes, the list as an RR
 * channel (psy_reader_from_arrays_borrowed, times the running sum), its beats and Lipponen
 * correction (psy_beats_detect), then psy_hrv_compute_flagged on the NN series: the C baseline
 * of the Python package's psyphys.hrv(rr) (bench/python_24h.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "psyphys.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: psyphys_hrv_bench RR.txt [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    int corrected = argc > 3 && strcmp(argv[3], "corrected") == 0, welch = argc > 3 && strcmp(argv[3], "welch") == 0;
    FILE *fp = fopen(argv[1], "r");
    if (!fp) {
        perror(argv[1]);
        return 1;
    }
    size_t n = 0, cap = 1 << 16;
    double *rr = malloc(cap * sizeof *rr), v;
    while (rr && fscanf(fp, "%lf", &v) == 1) {
        if (n == cap) {
            double *p = realloc(rr, (cap *= 2) * sizeof *rr);
            if (!p) break;
            rr = p;
        }
        rr[n++] = v;
    }
    fclose(fp);
    if (!rr) return 1;
    psy_hrv *h = NULL;
    psy_hrv_config c = psy_hrv_config_default();
    if (welch) c.spectra = PSY_HRV_WELCH;
    if (psy_hrv_create(&c, &h, NULL) != PSY_OK) return 1;
    psy_hrv_result r;
    double best = 1e9;
    /* the RR channel as the RR list reader makes it: intervals through seconds, running sums */
    double *t = malloc((n ? n : 1) * sizeof *t), *rr_ch = malloc((n ? n : 1) * sizeof *rr_ch), acc = 0;
    if (!t || !rr_ch) return 1;
    for (size_t i = 0; i < n; i++) t[i] = (acc += rr[i] * 0.001), rr_ch[i] = rr[i] * 0.001 * 1e3;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long before_kb = ru.ru_maxrss;
    for (int k = 0; k < (repeats > 0 ? repeats : 1); k++) {
        double t0 = now_s();
        if (corrected) {
            psy_array_channel ch = {"RR", PSY_CH_RR, "ms", 0, rr_ch, t, (int64_t)n};
            psy_reader *rd = NULL;
            psy_beat_list *b = NULL;
            psy_beats_config bc = psy_beats_config_default();
            if (psy_reader_from_arrays_borrowed(&ch, 1, NULL, 0, &rd, NULL) != PSY_OK ||
                psy_beats_detect(rd, 0, &bc, &b, NULL) != PSY_OK ||
                psy_hrv_compute_flagged(h, b->nn_ms, b->nn_onset_s, b->nn_corrected, b->n_nn, &r, NULL) != PSY_OK)
                return 1;
            psy_beat_list_free(b);
            psy_reader_close(rd);
        } else if (psy_hrv_compute(h, rr, welch ? t : NULL, n, &r, NULL) != PSY_OK) {
            return 1;
        }
        double dt = now_s() - t0;
        if (dt < best) best = dt;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("%zu intervals, %.1f h: all metrics in %.3f s (best of %d), peak RSS %ld kB (+%ld kB over the input)\n",
           r.n_nn, r.duration_s / 3600, best, repeats, ru.ru_maxrss, ru.ru_maxrss - before_kb);
    printf("rmssd_ms %.4f lf_ms2 %.2f hf_ms2 %.2f lomb_lf_ms2 %.2f sampen %.4f apen %.4f dfa_alpha1 %.4f "
           "dfa_alpha2 %.4f\n",
           r.values.v[PSY_HRV_RMSSD_MS], r.welch.v[PSY_HRV_LF_MS2], r.welch.v[PSY_HRV_HF_MS2],
           r.lomb.v[PSY_HRV_LF_MS2], r.values.v[PSY_HRV_SAMPEN], r.values.v[PSY_HRV_APEN],
           r.values.v[PSY_HRV_DFA_ALPHA1], r.values.v[PSY_HRV_DFA_ALPHA2]);
    psy_hrv_destroy(h);
    free(t);
    free(rr_ch);
    free(rr);
    return 0;
}
