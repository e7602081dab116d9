/* A noise stress test record, after WFDB's nst (Moody, Muldrow & Mark 1984, "A noise stress test
 * for arrhythmia detectors", Computers in Cardiology 11:381-384): a clean annotated record with a
 * noise record added at a given SNR during minutes 5-7, 9-11, 13-15, ... (2 min on, 2 min off).
 *   S = (5 %-trimmed mean peak-to-peak amplitude of the first 300 sinus QRS complexes: WFDB codes
 *       N, L, R, normal or bundle-branch-block conducted)^2 / 8
 *   N = (5 %-trimmed mean RMS of the noise's 1-s chunks over its first 300 s)^2
 *   SNR (dB) = 10 log10(S / (g^2 N)), which gives the noise gain g.
 * Channel k of the noise goes onto channel k of the record. Written as WFDB format 16 at
 * 200 adu/mV, with the clean record's annotations copied (the beats do not move).
 *   psyphys_nst_make CLEAN.hea NOISE.hea SNR_DB OUT_DIR NAME   -> OUT_DIR/NAME.hea, .dat, .atr
 * A noise record that is not at hand (nstdb's electrode motion 'em') is recovered from a stress
 * record made with it: STRESSED - CLEAN is g_from times the noise, where it is on. S and N are the
 * same at every SNR, so by the definition above another SNR only scales it:
 * g_to / g_from = 10^((SNR_FROM - SNR_TO) / 20) (12 dB from 6 dB: 0.501). The two records' offset
 * (nstdb's are stored 1024 adu = 5.12 mV below the clean ones) is the difference's mean over the
 * first 5 minutes, which nst leaves clean.
 *   psyphys_nst_make --rescale CLEAN.hea STRESSED.hea SNR_FROM_DB SNR_DB OUT_DIR NAME */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/recording.h"
#include "psyphys/status.h"

#define FIRST_BEATS 300
#define QRS_HALF_S 0.06 /* peak-to-peak searched within +- this of the annotation */
#define NOISE_S 300
#define GAIN 200.0      /* adu/mV written */

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean of v[0 .. n) without its lowest and highest 5 % (sorts v). */
static double trimmed_mean(double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_value);
    size_t cut = n / 20, k = 0;
    double sum = 0;
    for (size_t i = cut; i + cut < n; i++, k++) sum += v[i];
    return k ? sum / (double)k : NAN;
}

static psy_reader *open_or_die(const char *path)
{
    psy_open_options opt = psy_open_options_default();
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(path, &opt, &r, &why);
    if (st != PSY_OK) {
        fprintf(stderr, "%s: %s (%s)\n", path, why.text, psy_strerror(st));
        exit(1);
    }
    return r;
}

static double *read_all(psy_reader *r, int ch, int64_t n)
{
    double *x = malloc((size_t)n * sizeof *x);
    if (!x || psy_reader_read(r, ch, 0, n, x) != PSY_OK) {
        fprintf(stderr, "cannot read channel %d\n", ch);
        exit(1);
    }
    return x;
}

static int copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    char buf[65536];
    size_t n;
    int ok = a && b;
    while (ok && (n = fread(buf, 1, sizeof buf, a)) > 0) ok = fwrite(buf, 1, n, b) == n;
    if (a) fclose(a);
    if (b && fclose(b)) ok = 0;
    return ok ? 0 : -1;
}

/* Gain of the noise e (n_noise samples) on the clean signal x for the SNR (the definition above);
 * NAN when too few normal beats or noise seconds. */
static double nst_gain(const psy_reader *clean, const double *x, int64_t n, const double *e, int64_t n_noise,
                       double snr_db)
{
    double rate = psy_reader_channel(clean, 0)->rate_hz;
    int64_t half = (int64_t)llround(QRS_HALF_S * rate), sec = (int64_t)llround(rate);
    double amp[FIRST_BEATS], rms[NOISE_S];
    size_t beats = 0, chunks = 0;
    for (size_t i = 0; i < psy_reader_event_count(clean) && beats < FIRST_BEATS; i++) {
        const psy_event *ev = psy_reader_event(clean, i);
        if (ev->code < 1 || ev->code > 3 || ev->sample - half < 0 || ev->sample + half >= n) continue;
        double lo = INFINITY, hi = -INFINITY;
        for (int64_t j = ev->sample - half; j <= ev->sample + half; j++) lo = fmin(lo, x[j]), hi = fmax(hi, x[j]);
        amp[beats++] = hi - lo;
    }
    for (int64_t c = 0; c < NOISE_S && (c + 1) * sec <= n_noise && (c + 1) * sec <= n; c++) {
        double sum = 0, sq = 0;
        for (int64_t j = c * sec; j < (c + 1) * sec; j++) sum += e[j], sq += e[j] * e[j];
        double mean = sum / (double)sec;
        rms[chunks++] = sqrt(fmax(sq / (double)sec - mean * mean, 0));
    }
    if (beats < 10 || chunks < 10) {
        fprintf(stderr, "too few normal beats (%zu) or noise seconds (%zu)\n", beats, chunks);
        return NAN;
    }
    double pp = trimmed_mean(amp, beats), nr = trimmed_mean(rms, chunks);
    printf("QRS peak-to-peak %.3f mV, noise RMS %.4f mV, ", pp, nr);
    return sqrt(pp * pp / 8 / (nr * nr * pow(10, snr_db / 10)));
}

int main(int argc, char **argv)
{
    /* rescale: noise = STRESSED - CLEAN (already on only where nst put it), scaled by g */
    int rescale = argc == 8 && !strcmp(argv[1], "--rescale");
    if (argc != 6 && !rescale) {
        fprintf(stderr, "usage: psyphys_nst_make CLEAN.hea NOISE.hea SNR_DB OUT_DIR NAME\n"
                        "       psyphys_nst_make --rescale CLEAN.hea STRESSED.hea SNR_FROM_DB SNR_DB OUT_DIR NAME\n");
        return 2;
    }
    char **arg = argv + rescale; /* CLEAN NOISE|STRESSED [SNR_FROM] SNR OUT NAME */
    double snr_db = atof(arg[3 + rescale]);
    const char *out_dir = arg[4 + rescale], *name = arg[5 + rescale];
    psy_reader *clean = open_or_die(arg[1]), *noise = open_or_die(arg[2]);
    double rate = psy_reader_channel(clean, 0)->rate_hz;
    int nch = psy_reader_channel_count(clean);
    if (psy_reader_channel_count(noise) < nch || psy_reader_channel(noise, 0)->rate_hz != rate) {
        fprintf(stderr, "%s: needs %d channels at %g Hz\n", arg[2], nch, rate);
        return 1;
    }
    int64_t n = psy_reader_channel(clean, 0)->frames, n_noise = psy_reader_channel(noise, 0)->frames;
    if (rescale && n_noise != n) {
        fprintf(stderr, "%s: %lld frames, %s has %lld\n", arg[2], (long long)n_noise, arg[1], (long long)n);
        return 1;
    }
    int64_t sec = (int64_t)llround(rate);
    FILE *hea = NULL, *dat = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.dat", out_dir, name);
    dat = fopen(path, "wb");
    snprintf(path, sizeof path, "%s/%s.hea", out_dir, name);
    hea = fopen(path, "w");
    if (!dat || !hea) {
        perror(path);
        return 1;
    }
    int16_t *out = malloc((size_t)n * (size_t)nch * sizeof *out);
    for (int ch = 0; ch < nch; ch++) {
        double *x = read_all(clean, ch, n), *e = read_all(noise, ch, n_noise < n ? n_noise : n);
        double g;
        printf("channel %d: ", ch);
        if (rescale) { /* less the offset between the two records: nst adds no noise before minute 5 */
            double offset = 0;
            for (int64_t i = 0; i < n; i++) e[i] -= x[i];
            for (int64_t i = 0; i < 5 * 60 * sec && i < n; i++) offset += e[i] / (double)(5 * 60 * sec);
            for (int64_t i = 0; i < n; i++) e[i] -= offset;
            g = pow(10, (atof(arg[3]) - snr_db) / 20);
        } else {
            g = nst_gain(clean, x, n, e, n_noise, snr_db);
        }
        if (!(g >= 0)) return 1;
        for (int64_t i = 0; i < n; i++) {
            int64_t minute = i / (60 * sec);
            int on = rescale || (minute >= 5 && (minute - 5) % 4 < 2 && i < n_noise);
            double v = (x[i] + (on ? g * e[i] : 0)) * GAIN;
            v = v > 32767 ? 32767 : v < -32767 ? -32767 : v;
            out[i * nch + ch] = (int16_t)lrint(isnan(v) ? -32768 : v);
        }
        printf("gain %.3f\n", g);
        free(x);
        free(e);
    }
    fprintf(hea, "%s %d %g %lld\n", name, nch, rate, (long long)n);
    for (int ch = 0; ch < nch; ch++) {
        int16_t sum = 0; /* the header's checksum: the samples' sum, 16-bit */
        for (int64_t i = 0; i < n; i++) sum = (int16_t)(uint16_t)((uint16_t)sum + (uint16_t)out[i * nch + ch]);
        fprintf(hea, "%s.dat 16 %g(0)/mV 16 0 %d %d 0 %s\n", name, GAIN, out[ch], sum,
                psy_reader_channel(clean, ch)->label);
    }
    if (rescale)
        fprintf(hea, "# %s + (%s - %s) scaled from SNR %s to %g dB, by psyphys_nst_make after WFDB nst\n",
                arg[1], arg[2], arg[1], arg[3], snr_db);
    else
        fprintf(hea, "# %s + %s at SNR %g dB (minutes 5-7, 9-11, ...), by psyphys_nst_make after WFDB nst\n",
                arg[1], arg[2], snr_db);
    for (int64_t i = 0; i < n * nch; i++) {
        uint16_t u = (uint16_t)out[i];
        fputc(u & 0xff, dat);
        fputc(u >> 8, dat);
    }
    free(out);
    int bad = fclose(dat) | fclose(hea);
    char atr[4096], to[4096];
    snprintf(atr, sizeof atr, "%.*s.atr", (int)(strlen(arg[1]) - (strstr(arg[1], ".hea") ? 4 : 0)), arg[1]);
    snprintf(to, sizeof to, "%s/%s.atr", out_dir, name);
    if (bad || copy_file(atr, to)) {
        fprintf(stderr, "writing %s failed\n", to);
        return 1;
    }
    psy_reader_close(clean);
    psy_reader_close(noise);
    return 0;
}
