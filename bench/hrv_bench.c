/* psyphys_hrv_bench RR.txt [REPEATS]: every HRV metric (time, Welch + Lomb, Poincare, SampEn/ApEn,
 * DFA) on one RR list (ms, one per line), timed per run around psy_hrv_compute alone (the file is
 * read once before), with the process's peak resident memory. Prints the fastest run. */
#include <stdio.h>
#include <stdlib.h>
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
    if (psy_hrv_create(NULL, &h, NULL) != PSY_OK) return 1;
    psy_hrv_result r;
    double best = 1e9;
    for (int k = 0; k < (repeats > 0 ? repeats : 1); k++) {
        double t0 = now_s();
        if (psy_hrv_compute(h, rr, NULL, n, &r, NULL) != PSY_OK) return 1;
        double dt = now_s() - t0;
        if (dt < best) best = dt;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%zu intervals, %.1f h: all metrics in %.3f s (best of %d), peak RSS %ld kB\n", r.n_nn,
           r.duration_s / 3600, best, repeats, ru.ru_maxrss);
    printf("rmssd_ms %.4f lf_ms2 %.2f hf_ms2 %.2f lomb_lf_ms2 %.2f sampen %.4f apen %.4f dfa_alpha1 %.4f "
           "dfa_alpha2 %.4f\n",
           r.values.v[PSY_HRV_RMSSD_MS], r.welch.v[PSY_HRV_LF_MS2], r.welch.v[PSY_HRV_HF_MS2],
           r.lomb.v[PSY_HRV_LF_MS2], r.values.v[PSY_HRV_SAMPEN], r.values.v[PSY_HRV_APEN],
           r.values.v[PSY_HRV_DFA_ALPHA1], r.values.v[PSY_HRV_DFA_ALPHA2]);
    psy_hrv_destroy(h);
    free(rr);
    return 0;
}
