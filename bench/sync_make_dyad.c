/* A synthetic dyad for bench/sync_1h.sh: two WFDB records (format 16) of HOURS hours at 250 Hz
 * with an ECG (Gaussian QRS complexes at beat times from a fluctuating heart rate), skin
 * conductance (tonic drift and Bateman SCRs) and respiration (a sine of drifting rate); B's heart
 * rate, SCRs and breathing follow A's by 2 s in every other 5-min phase.
 *   psyphys_sync_make_dyad DIR [HOURS]   -> DIR/dyad_a.hea/.dat, DIR/dyad_b.hea/.dat */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define RATE 250.0
#define LAG 500 /* samples: 2 s */

static uint64_t state = 88172645463325252ULL;

static double uniform(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return ((double)(state >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
    return sqrt(-2 * log(uniform())) * cos(2 * 3.14159265358979323846 * uniform());
}

/* A slow fluctuation of unit scale, one value per sample. */
static void fluctuation(double *x, size_t n, double tau_s)
{
    double a = exp(-1 / (tau_s * RATE)), y = 0, z = 0;
    for (size_t k = 0; k < n; k++) {
        y = a * y + (1 - a) * gauss() * 30;
        z = a * z + (1 - a) * y;
        x[k] = z;
    }
}

static int coupled(size_t k)
{
    return (k / (size_t)(300 * RATE)) % 2 == 1;
}

static void put(FILE *dat, double v)
{
    long q = lround(v);
    if (q > 32767) q = 32767;
    if (q < -32767) q = -32767;
    unsigned char b[2] = {(unsigned char)(q & 0xff), (unsigned char)((q >> 8) & 0xff)};
    fwrite(b, 1, 2, dat);
}

static int write_record(const char *dir, const char *name, size_t n, const double *hr, const double *scr,
                        const double *breath_hz, double tonic0)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.hea", dir, name);
    FILE *hea = fopen(path, "w");
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    FILE *dat = fopen(path, "wb");
    if (!hea || !dat) return 0;
    fprintf(hea, "%s 3 %g %zu 16:43:00 25/01/2025\n", name, RATE, n);
    fprintf(hea, "%s.dat 16 1000(0)/mV 16 0 0 0 0 ECG\n", name);
    fprintf(hea, "%s.dat 16 1000(0)/uS 16 0 0 0 0 EDA\n", name);
    fprintf(hea, "%s.dat 16 1000(0)/mV 16 0 0 0 0 RESP\n", name);
    double phase = 0, next_beat = 0.5, breath = 0, x1 = 0, x2 = 0;
    double a1 = exp(-1 / (0.75 * RATE)), a2 = exp(-1 / (2.0 * RATE));
    for (size_t k = 0; k < n; k++) {
        double t = (double)k / RATE, ecg = 0.02 * gauss();
        if (t >= next_beat) {
            phase = t;
            next_beat = t + 60.0 / hr[k];
        }
        double d = t - phase - 0.04;
        ecg += 1.2 * exp(-d * d / (2 * 0.012 * 0.012)) - 0.15 * exp(-(d - 0.25) * (d - 0.25) / (2 * 0.05 * 0.05));
        x1 = a1 * x1 + scr[k];
        x2 = a2 * x2 + scr[k];
        breath += 2 * 3.14159265358979323846 * breath_hz[k] / RATE;
        put(dat, ecg * 1000);
        put(dat, (tonic0 + 0.3 * sin(t / 600) + 4 * (x2 - x1)) * 1000);
        put(dat, (0.5 * sin(breath) + 0.01 * gauss()) * 1000);
    }
    fclose(hea);
    fclose(dat);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: psyphys_sync_make_dyad DIR [HOURS]\n");
        return 2;
    }
    double hours = argc > 2 ? atof(argv[2]) : 1;
    size_t n = (size_t)(hours * 3600 * RATE);
    double *buf = calloc(8 * n, sizeof *buf);
    if (!buf || n < 2 * LAG) return 1;
    double *fa = buf, *fb = fa + n, *hra = fb + n, *hrb = hra + n, *sa = hrb + n, *sb = sa + n, *ba = sb + n,
           *bb = ba + n;
    fluctuation(fa, n, 3);
    fluctuation(fb, n, 3);
    for (size_t k = 0; k < n; k++) {
        hra[k] = 70 + 6 * fa[k];
        hrb[k] = 75 + 6 * (coupled(k) && k >= LAG ? 0.8 * fa[k - LAG] + 0.6 * fb[k] : fb[k]);
        ba[k] = 0.25 + 0.03 * fa[k];
        bb[k] = coupled(k) && k >= LAG ? ba[k - LAG] : 0.25 + 0.03 * fb[k];
        if (uniform() < 4.0 / 60 / RATE) {
            double amp = 0.05 + 0.3 * uniform();
            sa[k] += amp;
            if (coupled(k) && k + LAG < n && uniform() < 0.8) sb[k + LAG] += amp;
        }
        if (uniform() < 2.0 / 60 / RATE) sb[k] += 0.05 + 0.3 * uniform();
    }
    int ok = write_record(argv[1], "dyad_a", n, hra, sa, ba, 5) && write_record(argv[1], "dyad_b", n, hrb, sb, bb, 3);
    free(buf);
    return ok ? 0 : 1;
}
