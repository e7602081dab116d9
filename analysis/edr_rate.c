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
 * in the window's band above half the rate, an autocorrelation at the rate's period at least
 * EDR_RATE_MIN_ACF above that of a flat spectrum over the same bins (rescaled to 1 at most): a
 * modulation that breathing drives repeats itself each breath, noise does not (an
 * autocorrelation respiratory quality index: Birrenkott et al. 2016, IEEE EMBC, its RQI_AC).
 * Without it, independent white-noise modulations without breathing had a rate in 133 of 200
 * minutes (2 modulations), now 11 (4: 15). Below half the rate lie neither the breathing's
 * fundamental nor its harmonics, but the heart rate's 0.1 Hz Mayer waves and slower rhythms
 * (Task Force 1996, Circulation 93:1043-1065: LF 0.04-0.15 Hz), strong in the RR modulation:
 * over the whole band they turned the autocorrelation at a 15 /min breath's period negative and
 * the minute n/a; white noise's autocorrelation in a band depends on the band, hence its share
 * taken off. MARSH development subjects: minutes within 2 /min 70.9 -> 77.7 %, with a rate
 * 79.6 -> 84.5 % (README, Accuracy).
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
#define EDR_RATE_AGREE_PER_MIN 2.0
#define EDR_RATE_MIN_AGREEING 2
#define EDR_RATE_PEAK_SHARE 0.5    /* a modulation's peaks that count for agreement: this share of its highest */
#define EDR_RATE_HARMONIC_TOL 2.0  /* bins (0.23 /min each at 4 Hz): where a harmonic's peak is looked for */
#define EDR_RATE_MIN_ACF 0.22      /* a modulation's autocorrelation at the rate's period above white noise's */
#define EDR_RATE_ACF_FROM 0.5      /* of the rate: the autocorrelation's band starts there */

struct edr_rate {
    double rate_hz;          /* the grid's rate */
    size_t per;              /* grid samples per window */
    size_t n_win;            /* whole windows on the grid */
    size_t lo, nb;           /* the band: bins lo .. lo + nb - 1 */
    size_t *nb_win;          /* n_win: the band's bins below half the window's heart rate (<= nb) */
    double *spectra;         /* n_win x EDR_RATE_MAX_MODS x nb: each modulation's spectrum weighted
                                by frequency, normalised to unit sum over the window's band */
    unsigned *measured;      /* n_win: bit j set when modulation j was measured in the window */
    size_t k;                /* modulations added */
    double *taper;           /* per samples: Hann */
    double *in;              /* NFFT (in place: aliases out) */
    fftw_complex *out;       /* NFFT / 2 + 1 */
    fftw_plan plan;
};

void edr_rate_destroy(edr_rate *e)
{
    if (!e) return;
    psy_fft_destroy(e->plan);
    fftw_free(e->out);
    free(e->nb_win), free(e->spectra), free(e->measured), free(e->taper), free(e);
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
    size_t w = e->n_win ? e->n_win : 1;
    e->nb_win = malloc(w * sizeof *e->nb_win);
    e->spectra = malloc(w * EDR_RATE_MAX_MODS * (e->nb ? e->nb : 1) * sizeof *e->spectra);
    e->measured = calloc(w, sizeof *e->measured);
    e->taper = malloc(e->per * sizeof *e->taper);
    e->out = fftw_malloc((NFFT / 2 + 1) * sizeof *e->out);
    e->in = (double *)e->out;
    e->plan = e->out && e->per <= NFFT ? psy_fft_plan_r2c(NFFT, e->in, e->out) : NULL;
    if (!e->nb_win || !e->spectra || !e->measured || !e->taper || !e->plan || e->nb < 3 ||
        e->lo <= EDR_RATE_HARMONIC_TOL) {
        edr_rate_destroy(e);
        return NULL;
    }
    for (size_t i = 0; i < e->per; i++) e->taper[i] = 0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)(e->per - 1));
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
        double sum = 0, *s = e->spectra + (w * EDR_RATE_MAX_MODS + e->k) * e->nb;
        for (size_t b = 0; b < nb; b++) {
            double re = e->out[e->lo + b][0], im = e->out[e->lo + b][1];
            s[b] = (re * re + im * im) * (double)(e->lo + b) * df;
            sum += s[b];
        }
        if (!(sum > 0)) continue; /* a constant window */
        for (size_t b = 0; b < nb; b++) s[b] /= sum;
        e->measured[w] |= 1u << e->k;
    }
    e->k++;
}

/* Whether s (a modulation's weighted spectrum, nb bins) has a peak of at least
 * EDR_RATE_PEAK_SHARE of its highest within EDR_RATE_AGREE_PER_MIN of the bin c. */
static int agrees(const double *s, size_t nb, double c, double df)
{
    double highest = 0, tol = EDR_RATE_AGREE_PER_MIN / 60.0 / df;
    for (size_t b = 0; b < nb; b++) highest = s[b] > highest ? s[b] : highest;
    for (size_t b = 1; b + 1 < nb; b++)
        if (fabs((double)b - c) <= tol && is_peak(s, nb, b) && s[b] >= EDR_RATE_PEAK_SHARE * highest) return 1;
    return 0;
}

/* The autocorrelation at lag_s of the part of a modulation above bin from (its weighted spectrum
 * s, nb bins from lo; Wiener-Khinchin) less that of a flat spectrum over the same bins, rescaled to
 * 1 at most: about 0 for white noise whatever the bins. */
static double acf_at(const double *s, size_t nb, size_t lo, size_t from, double df, double lag_s)
{
    double pw = 0, c = 0, flat = 0;
    for (size_t b = from; b < nb; b++) {
        double u = s[b] / (double)(lo + b), cs = cos(2 * M_PI * (double)(lo + b) * df * lag_s);
        pw += u, c += u * cs, flat += cs;
    }
    flat /= (double)(nb - from);
    return pw > 0 ? (c / pw - flat) / (1 - flat) : NAN;
}

psy_status edr_rate_finish(const edr_rate *e, psy_edr_rate_window **out, size_t *n)
{
    *n = 0;
    *out = malloc((e->n_win ? e->n_win : 1) * sizeof **out);
    double *prod = malloc(e->nb * sizeof *prod);
    if (!*out || !prod) {
        free(*out), free(prod), *out = NULL;
        return PSY_E_NOMEM;
    }
    double df = e->rate_hz / NFFT;
    for (size_t w = 0; w < e->n_win; w++) {
        psy_edr_rate_window *r = &(*out)[w];
        memset(r, 0, sizeof *r);
        r->onset_s = (double)w * PSY_EDR_RATE_WINDOW_S;
        r->per_min = NAN;
        size_t nb = e->nb_win[w];
        const double *sp = e->spectra + w * EDR_RATE_MAX_MODS * e->nb;
        for (size_t b = 0; b < nb; b++) prod[b] = 1;
        for (size_t j = 0; j < e->k; j++)
            if (e->measured[w] >> j & 1) {
                r->modulations++;
                for (size_t b = 0; b < nb; b++) prod[b] *= sp[j * e->nb + b];
            }
        if (!nb) {
            r->why = "heart rate too low for the band (half of it below 3 bins above the band's low edge)";
            continue;
        }
        if (!r->modulations) {
            r->why = "no modulation measured over half the window (too few normal beats)";
            continue;
        }
        size_t at = fundamental(prod, nb, e->lo, r->modulations);
        double rate = 60.0 * (double)(e->lo + at) * df, from = EDR_RATE_ACF_FROM * (double)(e->lo + at);
        size_t from_b = from > (double)e->lo ? (size_t)ceil(from - (double)e->lo) : 0;
        for (size_t j = 0; j < e->k; j++) {
            const double *s = sp + j * e->nb;
            r->agreeing += (e->measured[w] >> j & 1) && agrees(s, nb, (double)at, df) &&
                           acf_at(s, nb, e->lo, from_b, df, 60.0 / rate) >= EDR_RATE_MIN_ACF;
        }
        if (r->agreeing >= EDR_RATE_MIN_AGREEING) r->per_min = rate;
        else if (r->modulations < EDR_RATE_MIN_AGREEING)
            r->why = "one modulation measured over half the window: no second to agree with";
        else
            r->why = "the modulations disagree or show no rhythm (fewer than 2 have a spectral peak of half their "
                     "highest within 2 /min of the rate and, above half the rate, an autocorrelation at its period "
                     "0.22 above white noise's)";
    }
    free(prod);
    *n = e->n_win;
    return PSY_OK;
}
