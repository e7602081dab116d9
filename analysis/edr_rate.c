/* The ECG-derived breathing rate per minute in the frequency domain (edr_internal.h).
 *
 * Per window of PSY_EDR_RATE_WINDOW_S, each modulation's periodogram (the window's samples less
 * their least-squares line, missing samples as 0, Hann taper, zero-padded to NFFT) in the
 * detector's band, cut at half the window's heart rate (a series sampled at the beats holds only
 * aliases above it), is weighted by frequency and normalised to unit sum; the normalised spectra
 * are multiplied, so that only a frequency present in every modulation stands out (cross power
 * spectral fusion: Charlton et al. 2018, IEEE Rev Biomed Eng 11:2-20, Table III). The weighting
 * flattens the modulations' 1/f background (the drifts of the beat series and the heart rate's
 * 0.1 Hz Mayer waves, whose peak otherwise wins when breathing is faster): MARSH development
 * subjects, every window's fused peak within 2 /min in 84 % of minutes against 71 % unweighted
 * and 81 % weighted by f^2 (README, Accuracy).
 *
 * The product of K spectra carries the weight f^K, which lifts the harmonics of a breath that is
 * short against its period (slow spontaneous breathing: a 3-s breath, then a pause, every 10 s)
 * above its fundamental: 6 /min came out as 11.95 /min, 5.5 /min as 38.9 /min. So the rate is the
 * fundamental of the fused peak f (a subharmonic check, as pitch detection checks the
 * subharmonics of a spectral peak: Hermes 1988, J Acoust Soc Am 83:257-264): the sub-multiple
 * f / d with the strongest unweighted fused spectrum, at least as strong as at f, among those
 * where it has a peak and has one at each harmonic h f / d below f too (a pulse-like breath's
 * comb); f itself when there is none. (Also asking the harmonics in between for a quarter of
 * the unweighted power at f mended one MARSH development minute, 2655 at 720 s, where the 1/f
 * background passed for a comb, but failed synthetic 5.5 /min breathing with 4 of 12 noise
 * seeds: its 3rd harmonic is weak.)
 *
 * A window is n/a when fewer than EDR_RATE_MIN_AGREEING modulations agree with the rate: the
 * modulations disagree, as Karlen et al.'s smart fusion withholds a rate when its modulations'
 * estimates scatter (2013, IEEE TBME 60:1946-1953). A modulation agrees when it has a spectral
 * peak within EDR_RATE_AGREE_PER_MIN of the rate of at least half its highest (its highest alone
 * missed the rate when breathing's harmonic or the heart rate's slow waves were stronger) and,
 * in the window's band, an autocorrelation of at least EDR_RATE_MIN_ACF at the rate's period: a
 * modulation that breathing drives repeats itself each breath, noise does not (an
 * autocorrelation respiratory quality index: Birrenkott et al. 2016, IEEE EMBC, its RQI_AC).
 * Without it, independent white-noise modulations without breathing had a rate in 133 of 200
 * minutes (2 modulations), now 6 (4: 14); MARSH development subjects, minutes with a rate 98 % ->
 * 80 %, of them within 2 /min 85 -> 89 % (README, Accuracy).
 *
 * Breathing below the band's low edge (4.2 /min) has no fundamental in it: its rate comes out as
 * a harmonic, or n/a. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "breaths_internal.h"
#include "edr_internal.h"
#include "fft_plan.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define NFFT 1024
#define EDR_RATE_MAX_LAG 64        /* grid samples: the longest breath period (16 s at 4 Hz) */
#define EDR_RATE_AGREE_PER_MIN 2.0
#define EDR_RATE_MIN_AGREEING 2
#define EDR_RATE_PEAK_SHARE 0.5    /* a modulation's peaks that count for agreement: this share of its highest */
#define EDR_RATE_MAX_PEAKS 8       /* of them, kept per modulation and window (the highest) */
#define EDR_RATE_HARMONIC_TOL 2.0  /* bins (0.23 /min each at 4 Hz): where a harmonic's peak is looked for */
#define EDR_RATE_MIN_ACF 0.15      /* an agreeing modulation's autocorrelation at the rate's period */

struct edr_rate {
    double rate_hz;          /* the grid's rate */
    size_t per;              /* grid samples per window */
    size_t n_win;            /* whole windows on the grid */
    size_t lo, nb;           /* the band: bins lo .. lo + nb - 1 */
    size_t *nb_win;          /* n_win: the band's bins below half the window's heart rate (<= nb) */
    double *prod;            /* n_win x nb: the product of the normalised spectra */
    double *peak_hz;         /* n_win x EDR_RATE_MAX_MODS x EDR_RATE_MAX_PEAKS: each modulation's
                                peaks of at least EDR_RATE_PEAK_SHARE of its highest (NaN: none) */
    double *acf;             /* n_win x EDR_RATE_MAX_MODS x (EDR_RATE_MAX_LAG + 1): each modulation's
                                autocorrelation in the window's band, lags 0 .. EDR_RATE_MAX_LAG samples */
    int *count;              /* n_win: the modulations multiplied in */
    size_t k;                /* modulations added */
    double *taper;           /* per samples: Hann */
    double *cosine;          /* NFFT: cos(2 pi i / NFFT) */
    double *spec;            /* nb: one modulation's weighted spectrum */
    double *in;              /* NFFT (in place: aliases out) */
    fftw_complex *out;       /* NFFT / 2 + 1 */
    fftw_plan plan;
};

void edr_rate_destroy(edr_rate *e)
{
    if (!e) return;
    psy_fft_destroy(e->plan);
    fftw_free(e->out);
    free(e->nb_win), free(e->prod), free(e->peak_hz), free(e->acf), free(e->count);
    free(e->taper), free(e->cosine), free(e->spec), free(e);
}

edr_rate *edr_rate_create(size_t m, double rate_hz, double band_low_hz, double band_high_hz)
{
    edr_rate *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->rate_hz = rate_hz;
    e->per = (size_t)llround(PSY_EDR_RATE_WINDOW_S * rate_hz);
    e->n_win = m / e->per;
    double df = rate_hz / NFFT;
    e->lo = (size_t)ceil(band_low_hz / df);
    size_t hi = (size_t)floor(band_high_hz / df);
    e->nb = hi >= e->lo ? hi - e->lo + 1 : 0;
    size_t w = e->n_win ? e->n_win : 1, npk = w * EDR_RATE_MAX_MODS * EDR_RATE_MAX_PEAKS;
    e->nb_win = malloc(w * sizeof *e->nb_win);
    e->prod = malloc(w * (e->nb ? e->nb : 1) * sizeof *e->prod);
    e->peak_hz = malloc(npk * sizeof *e->peak_hz);
    e->acf = malloc(w * EDR_RATE_MAX_MODS * (EDR_RATE_MAX_LAG + 1) * sizeof *e->acf);
    e->count = calloc(w, sizeof *e->count);
    e->taper = malloc(e->per * sizeof *e->taper);
    e->cosine = malloc(NFFT * sizeof *e->cosine);
    e->spec = malloc((e->nb ? e->nb : 1) * sizeof *e->spec);
    e->out = fftw_malloc((NFFT / 2 + 1) * sizeof *e->out);
    e->in = (double *)e->out;
    e->plan = e->out && e->per <= NFFT ? psy_fft_plan_r2c(NFFT, e->in, e->out) : NULL;
    if (!e->nb_win || !e->prod || !e->peak_hz || !e->acf || !e->count || !e->taper || !e->cosine || !e->spec ||
        !e->plan || e->nb < 3 || e->lo <= EDR_RATE_HARMONIC_TOL) {
        edr_rate_destroy(e);
        return NULL;
    }
    for (size_t i = 0; i < e->per; i++) e->taper[i] = 0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)(e->per - 1));
    for (size_t i = 0; i < NFFT; i++) e->cosine[i] = cos(2 * M_PI * (double)i / NFFT);
    for (size_t i = 0; i < npk; i++) e->peak_hz[i] = NAN;
    for (size_t i = 0; i < w; i++) e->nb_win[i] = e->nb;
    return e;
}

psy_status edr_rate_limit(edr_rate *e, const double *t, size_t n)
{
    double df = e->rate_hz / NFFT, *iv = malloc((n ? n : 1) * sizeof *iv);
    if (!iv) return PSY_E_NOMEM;
    size_t i = 0;
    for (size_t w = 0; w < e->n_win; w++) {
        double from = (double)w * PSY_EDR_RATE_WINDOW_S, to = from + PSY_EDR_RATE_WINDOW_S;
        while (i < n && t[i] < from) i++;
        size_t j = i, k = 0;
        for (; j + 1 < n && t[j + 1] < to; j++)
            if (t[j + 1] - t[j] > 0 && t[j + 1] - t[j] <= EDR_MAX_GAP_S) iv[k++] = t[j + 1] - t[j];
        if (!k) continue; /* no modulation either */
        /* the median interval: a gap (lead off, EDF+D) or a missed beat is no heart time */
        double bins = floor(0.5 / breaths_median(iv, k) / df) - (double)e->lo + 1;
        e->nb_win[w] = bins < 3 ? 0 : bins < (double)e->nb ? (size_t)bins : e->nb;
    }
    free(iv);
    return PSY_OK;
}

/* The tapered window x[0..per) less its least-squares line into e->in (zero-padded); 0 when
 * fewer than half its samples are numbers. */
static int prepare(edr_rate *e, const double *x)
{
    double n = 0, si = 0, sx = 0;
    for (size_t i = 0; i < e->per; i++)
        if (!isnan(x[i])) n++, si += (double)i, sx += x[i];
    if (n < 0.5 * (double)e->per) return 0;
    double mi = si / n, mx = sx / n, sii = 0, six = 0;
    for (size_t i = 0; i < e->per; i++)
        if (!isnan(x[i])) sii += ((double)i - mi) * ((double)i - mi), six += ((double)i - mi) * (x[i] - mx);
    double slope = sii > 0 ? six / sii : 0;
    memset(e->in, 0, (NFFT / 2 + 1) * sizeof *e->out);
    for (size_t i = 0; i < e->per; i++)
        e->in[i] = isnan(x[i]) ? 0 : (x[i] - mx - slope * ((double)i - mi)) * e->taper[i];
    return 1;
}

static int is_peak(const double *s, size_t nb, size_t b)
{
    return b > 0 && b + 1 < nb && s[b] > s[b - 1] && s[b] >= s[b + 1];
}

/* The highest bin of s[0..nb) within EDR_RATE_HARMONIC_TOL bins of c if it is a local maximum,
 * else nb. */
static size_t peak_near(const double *s, size_t nb, double c)
{
    double from = ceil(c - EDR_RATE_HARMONIC_TOL), to = floor(c + EDR_RATE_HARMONIC_TOL);
    if (to < 0 || from > (double)(nb - 1)) return nb;
    size_t b0 = from > 0 ? (size_t)from : 0, b1 = to < (double)(nb - 1) ? (size_t)to : nb - 1, m = b0;
    for (size_t b = b0 + 1; b <= b1; b++)
        if (s[b] > s[m]) m = b;
    return is_peak(s, nb, m) ? m : nb;
}

/* s[b] without the weighting f^k (bin b of a band starting at bin lo), up to a constant. */
static double unweighted(const double *s, size_t lo, size_t b, int k)
{
    return s[b] / pow((double)(lo + b), k);
}

/* The bin (0 .. nb - 1) of the breathing's fundamental in s, a spectrum over bins lo .. lo + nb - 1
 * weighted by f^k (see the top of the file). */
static size_t fundamental(const double *s, size_t nb, size_t lo, int k)
{
    size_t top = 0;
    for (size_t b = 1; b < nb; b++)
        if (s[b] > s[top]) top = b;
    double f = (double)(lo + top), best_u = unweighted(s, lo, top, k);
    size_t best = top;
    for (double d = 2; f / d + EDR_RATE_HARMONIC_TOL >= (double)lo; d++) {
        size_t m = peak_near(s, nb, f / d - (double)lo);
        if (m == nb || unweighted(s, lo, m, k) < best_u) continue;
        int comb = 1;
        for (double h = 2; comb && h < d; h++) comb = peak_near(s, nb, h * f / d - (double)lo) < nb;
        if (comb) best = m, best_u = unweighted(s, lo, m, k);
    }
    return best;
}

void edr_rate_add(edr_rate *e, const double *g)
{
    if (e->k >= EDR_RATE_MAX_MODS) return;
    double df = e->rate_hz / NFFT;
    for (size_t w = 0; w < e->n_win; w++) {
        if (!e->nb_win[w] || !prepare(e, g + w * e->per)) continue;
        fftw_execute(e->plan);
        size_t nb = e->nb_win[w];
        double sum = 0, highest = 0, *p = e->prod + w * e->nb;
        for (size_t b = 0; b < nb; b++) {
            double re = e->out[e->lo + b][0], im = e->out[e->lo + b][1];
            double v = (re * re + im * im) * (double)(e->lo + b) * df;
            e->spec[b] = v;
            sum += v;
            if (v > highest) highest = v;
        }
        if (!(sum > 0)) continue; /* a constant window */
        for (size_t b = 0; b < nb; b++) p[b] = (e->count[w] ? p[b] : 1.0) * e->spec[b] / sum;
        /* the autocorrelation of the band's part of the window (Wiener-Khinchin; the padding to
         * NFFT keeps it from wrapping) */
        double *acf = e->acf + (w * EDR_RATE_MAX_MODS + e->k) * (EDR_RATE_MAX_LAG + 1), pw = 0;
        for (size_t b = 0; b < nb; b++) pw += e->spec[b] / (double)(e->lo + b);
        for (size_t lag = 0; lag <= EDR_RATE_MAX_LAG; lag++) {
            double c = 0;
            for (size_t b = 0; b < nb; b++)
                c += e->spec[b] / (double)(e->lo + b) * e->cosine[(e->lo + b) * lag % NFFT];
            acf[lag] = c / pw;
        }
        /* the EDR_RATE_MAX_PEAKS highest peaks, highest first (NaN after the last) */
        double *pk = e->peak_hz + (w * EDR_RATE_MAX_MODS + e->k) * EDR_RATE_MAX_PEAKS, height[EDR_RATE_MAX_PEAKS];
        size_t q = 0;
        for (size_t b = 1; b + 1 < nb; b++) {
            if (!is_peak(e->spec, nb, b) || e->spec[b] < EDR_RATE_PEAK_SHARE * highest) continue;
            size_t at = q < EDR_RATE_MAX_PEAKS ? q++ : EDR_RATE_MAX_PEAKS;
            if (at == EDR_RATE_MAX_PEAKS && e->spec[b] <= height[--at]) continue;
            for (; at > 0 && height[at - 1] < e->spec[b]; at--) height[at] = height[at - 1], pk[at] = pk[at - 1];
            height[at] = e->spec[b], pk[at] = (double)(e->lo + b) * df;
        }
        e->count[w]++;
    }
    e->k++;
}

/* Whether one of the peaks pk (NaN: none) lies within EDR_RATE_AGREE_PER_MIN of per_min. */
static int agrees(const double *pk, double per_min)
{
    for (int q = 0; q < EDR_RATE_MAX_PEAKS; q++)
        if (fabs(60.0 * pk[q] - per_min) <= EDR_RATE_AGREE_PER_MIN) return 1;
    return 0;
}

/* The autocorrelation acf[0..EDR_RATE_MAX_LAG] at a lag of lag samples (linear between lags);
 * NaN beyond. */
static double acf_at(const double *acf, double lag)
{
    if (!(lag >= 0 && lag < EDR_RATE_MAX_LAG)) return NAN;
    size_t l = (size_t)lag;
    return acf[l] + (acf[l + 1] - acf[l]) * (lag - (double)l);
}

psy_status edr_rate_finish(const edr_rate *e, psy_edr_rate_window **out, size_t *n)
{
    *n = 0;
    *out = malloc((e->n_win ? e->n_win : 1) * sizeof **out);
    if (!*out) return PSY_E_NOMEM;
    double df = e->rate_hz / NFFT;
    for (size_t w = 0; w < e->n_win; w++) {
        psy_edr_rate_window *r = &(*out)[w];
        memset(r, 0, sizeof *r);
        r->onset_s = (double)w * PSY_EDR_RATE_WINDOW_S;
        r->per_min = NAN;
        r->modulations = e->count[w];
        if (!e->nb_win[w]) {
            r->why = "heart rate too low for the band (half of it below 3 bins above the band's low edge)";
            continue;
        }
        if (!e->count[w]) {
            r->why = "no modulation measured over half the window (too few normal beats)";
            continue;
        }
        size_t at = fundamental(e->prod + w * e->nb, e->nb_win[w], e->lo, e->count[w]);
        double rate = 60.0 * (double)(e->lo + at) * df;
        for (size_t j = 0; j < e->k; j++) {
            const double *pk = e->peak_hz + (w * EDR_RATE_MAX_MODS + j) * EDR_RATE_MAX_PEAKS;
            const double *acf = e->acf + (w * EDR_RATE_MAX_MODS + j) * (EDR_RATE_MAX_LAG + 1);
            r->agreeing += agrees(pk, rate) && acf_at(acf, e->rate_hz * 60.0 / rate) >= EDR_RATE_MIN_ACF;
        }
        if (r->agreeing >= EDR_RATE_MIN_AGREEING) r->per_min = rate;
        else if (e->count[w] < EDR_RATE_MIN_AGREEING)
            r->why = "one modulation measured over half the window: no second to agree with";
        else
            r->why = "the modulations disagree or show no rhythm (fewer than 2 have a spectral peak of half their "
                     "highest within 2 /min of the rate and an autocorrelation of 0.15 at its period)";
    }
    *n = e->n_win;
    return PSY_OK;
}
