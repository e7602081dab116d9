/* Writes a synthetic skin conductance record as WFDB (format 16, 1000 adu/uS): tonic drift,
 * Bateman-shaped SCRs every 10-20 s (0.02-1 uS), noise; streamed, so any length fits.
 *   psyphys_eda_make_day DIR [HOURS [RATE_HZ]]   -> DIR/eda_day.hea, DIR/eda_day.dat */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static double uniform(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: psyphys_eda_make_day DIR [HOURS [RATE_HZ]]\n");
        return 2;
    }
    double hours = argc > 2 ? atof(argv[2]) : 24, rate = argc > 3 ? atof(argv[3]) : 32;
    int64_t n = (int64_t)(hours * 3600 * rate);
    char path[4096];
    snprintf(path, sizeof path, "%s/eda_day.hea", argv[1]);
    FILE *hea = fopen(path, "w");
    snprintf(path, sizeof path, "%s/eda_day.dat", argv[1]);
    FILE *dat = fopen(path, "wb");
    if (!hea || !dat) {
        perror(path);
        return 1;
    }
    /* WFDB header: record line, then one signal line (PhysioNet "header(5)" specification) */
    fprintf(hea, "eda_day 1 %g %lld\neda_day.dat 16 1000(0)/uS 16 0 0 0 0 EDA\n", rate, (long long)n);
    uint64_t s = 0x2545f4914f6cdd1dULL;
    double next = 5, amp[8] = {0}, onset[8] = {0};
    int k = 0;
    for (int64_t i = 0; i < n; i++) {
        double t = (double)i / rate;
        if (t >= next) {
            onset[k % 8] = t;
            amp[k % 8] = 0.02 * pow(50.0, uniform(&s));
            k++;
            next = t + 10 + 10 * uniform(&s);
        }
        double v = 4.0 + 0.8 * sin(6.283185307179586 * t / 400.0) + 0.5 * sin(6.283185307179586 * t / 86400.0);
        for (int j = 0; j < 8; j++) {
            double dt = t - onset[j];
            if (amp[j] > 0 && dt >= 0) v += amp[j] * (exp(-dt / 2.5) - exp(-dt / 0.8)) / 0.48;
        }
        v += 0.0005 * (uniform(&s) + uniform(&s) + uniform(&s) - 1.5) * 2;
        long adu = lround(v * 1000);
        unsigned char b[2] = {(unsigned char)(adu & 0xff), (unsigned char)((adu >> 8) & 0xff)};
        fwrite(b, 1, 2, dat);
    }
    fclose(hea);
    return fclose(dat) == 0 ? 0 : 1;
}
