/* The PPG pulse detector alone, in memory: 24 h of synthetic 64 Hz PPG (pulses at 60-90 bpm,
 * breathing-like interval changes, baseline wander, noise), pushed in 1-s blocks.
 *   psyphys_ppg_bench [HOURS [RATE_HZ [REPEATS]]]
 * Prints the best CPU time of REPEATS runs and, as baselines measured in the same run, the time
 * of the R-peak detector on the same samples and the time to sum them (one pass over memory). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <psyphys.h>

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double pulse(double u)
{
    if (u < 0 || u > 1.5) return 0;
    double s = (u - 0.17) / (u < 0.17 ? 0.06 : 0.12), d = (u - 0.45) / 0.09;
    return exp(-0.5 * s * s) + 0.3 * exp(-0.5 * d * d);
}

int main(int argc, char **argv)
{
    double hours = argc > 1 ? atof(argv[1]) : 24, rate = argc > 2 ? atof(argv[2]) : 64;
    int repeats = argc > 3 ? atoi(argv[3]) : 5;
    size_t n = (size_t)(hours * 3600 * rate);
    double *x = malloc(n * sizeof *x);
    if (!x) return 1;
    unsigned long long st = 88172645463325252ULL;
    double next = 0.3, last = -10;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        if (t >= next) last = next, next += 0.8 + 0.12 * sin(t / 0.7);
        st ^= st << 13, st ^= st >> 7, st ^= st << 17;
        x[i] = 100 * (pulse(t - last) + 0.3 * pulse(t - last + 0.8)) + 20 * sin(0.6 * t) +
               (double)(st >> 11) / (double)(1ULL << 53);
    }
    psy_ppg_detector_config c = psy_ppg_detector_config_default(rate);
    size_t block = (size_t)rate, pulses = 0;
    double best = INFINITY, base = INFINITY, ecg = INFINITY, sum = 0;
    for (int r = 0; r < repeats; r++) {
        double t0 = cpu_s();
        for (size_t i = 0; i < n; i++) sum += x[i];
        base = fmin(base, cpu_s() - t0);
        psy_ppg_detector *d = NULL;
        if (psy_ppg_detector_create(&c, &d) != PSY_OK) return 1;
        psy_ppg_pulse out[256];
        psy_ppg_unusable u[256];
        pulses = 0;
        t0 = cpu_s();
        for (size_t at = 0; at < n;) {
            size_t used = 0, k = n - at < block ? n - at : block;
            psy_ppg_detector_push(d, x + at, k, &used);
            at += used;
            size_t got;
            while ((got = psy_ppg_detector_pop_pulses(d, out, 256)) > 0) pulses += got;
            while (psy_ppg_detector_pop_unusable(d, u, 256) > 0) {}
        }
        psy_ppg_detector_finish(d);
        pulses += psy_ppg_detector_pop_pulses(d, out, 256);
        best = fmin(best, cpu_s() - t0);
        psy_ppg_detector_destroy(d);
        psy_ecg_detector_config ec = psy_ecg_detector_config_default(rate);
        psy_ecg_detector *e = NULL;
        if (psy_ecg_detector_create(&ec, &e) != PSY_OK) return 1;
        psy_ecg_beat beats[256];
        psy_ecg_gap gaps[256];
        t0 = cpu_s();
        for (size_t at = 0; at < n;) {
            size_t used = 0, k = n - at < block ? n - at : block;
            psy_ecg_detector_push(e, x + at, k, &used);
            at += used;
            while (psy_ecg_detector_pop_beats(e, beats, 256) > 0) {}
            while (psy_ecg_detector_pop_gaps(e, gaps, 256) > 0) {}
        }
        psy_ecg_detector_finish(e);
        ecg = fmin(ecg, cpu_s() - t0);
        psy_ecg_detector_destroy(e);
    }
    printf("%.1f h of %.0f Hz PPG (%zu samples): %zu pulses, best of %d: %.3f s CPU (%.0f M samples/s); "
           "the R-peak detector on the same samples %.3f s (ratio %.2f); summing them %.4f s (checksum %.0f)\n",
           hours, rate, n, pulses, repeats, best, (double)n / best / 1e6, ecg, best / ecg, base, sum);
    free(x);
    return 0;
}
