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
 * A window keeps its rate only where breathing shows at it, counted by mechanism, not by
 * modulation: the first modulation is the RR interval (respiratory sinus arrhythmia), the others
 * the QRS waveform's (the electrical axis and the chest's impedance), which share each beat's
 * noise and so agree with each other on noise. Breathing shows when
 * - the RR and the waveform modulations are coherent at the rate (the mean of their
 *   magnitude-squared coherences at least EDR_RATE_MIN_COHERENCE; EDR_RATE_TAPERS sine tapers
 *   over the window: Thomson 1982, Proc IEEE 70:1055-1096; Riedel & Sidorenko 1995, IEEE Trans
 *   Signal Process 43:188-195) and either's spectrum has a peak there (its purity, below, at
 *   least EDR_RATE_MIN_COHERENT_PURITY): breathing moves both, a beat's waveform noise does not
 *   move the RR interval; or
 * - one mechanism's rhythm is pure there (a spectrum peaked enough to count: Bailon et al. 2006,
 *   IEEE TBME 53:1273-1285): its share of the band power within EDR_RATE_AGREE_PER_MIN of the
 *   rate against a flat spectrum's share there, in standard deviations of that share over white
 *   noise (purity_z: the band cut at half the heart rate holds fewer independent values, and
 *   the same share is less rare), at least EDR_RATE_MIN_PURITY: the waveform modulations' mean,
 *   or the RR modulation's while a waveform modulation has a spectral peak of at least half its
 *   highest there too (the RR series carries the baroreflex's 0.1 Hz Mayer waves, a pure slow
 *   rhythm that is no breathing: Julien 2006, Cardiovasc Res 70:12-21). is_peak needs a bin on
 *   each side, so a peak in the band's first or last bin confirms nothing.
 * Otherwise the window is n/a, as Karlen et al.'s smart fusion withholds a rate its modulations
 * do not support (2013, IEEE TBME 60:1946-1953). Chosen on the MARSH development subjects
 * against synthetic noise (tests/test_edr_rate.c; README, Accuracy): a share of 0.45 unscaled
 * passed white noise at 40-60 beats/min in 103-324 of 600 minutes; scaled, 1-7. Not mended: a
 * slow drift common to the RR interval and the waveform (what the 15-s trend leaves of it is a
 * broad lobe at 4.2-8 /min, coherent and peaked) still gets a rate in most minutes.
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
#define EDR_RATE_PEAK_SHARE 0.5        /* a confirming peak: this share of the modulation's highest */
#define EDR_RATE_HARMONIC_TOL 2.0      /* bins (0.23 /min each at 4 Hz): where a harmonic's peak is looked for */
#define EDR_RATE_TAPERS 6              /* sine tapers: a bandwidth of +-3.5 /min over a minute */
#define EDR_RATE_MIN_COHERENCE 0.5     /* the RR and waveform modulations' mean at the rate */
#define EDR_RATE_MIN_PURITY 6.0        /* a mechanism alone: its purity_z (below) at the rate */
#define EDR_RATE_MIN_COHERENT_PURITY 3.0 /* either mechanism's purity_z where they are coherent */

struct edr_rate {
    double rate_hz;          /* the grid's rate */
    size_t per;              /* grid samples per window */
    size_t n_win;            /* whole windows on the grid */
    size_t lo, nb;           /* the band: bins lo .. lo + nb - 1 */
    size_t *nb_win;          /* n_win: the band's bins below half the window's heart rate (<= nb) */
    double *prod;            /* n_win x nb: the product of the normalised spectra */
    int *count;              /* n_win: the modulations multiplied in */
    size_t k;                /* modulations added */
    /* the second pass (edr_rate_check), at each window's rate */
    double *rate;            /* n_win: the fundamental of the fused peak, /min (NaN: none) */
    double *purity;          /* n_win x EDR_RATE_MAX_MODS: purity_z at the rate (NaN: not measured) */
    double *coherence;       /* n_win x EDR_RATE_MAX_MODS: with the first modulation (NaN: not measured) */
    unsigned char *peaked;   /* n_win x EDR_RATE_MAX_MODS: a peak of half the highest near the rate */
    size_t checked;          /* modulations checked */
    double *taper;           /* per samples: Hann */
    double *sine;            /* EDR_RATE_TAPERS x per: the sine tapers */
    double *x, *y;           /* per: a window of the modulation and of the first, detrended */
    double *cosine, *sine_f; /* per: cos and sin of 2 pi f i at the window's rate f */
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
    free(e->nb_win), free(e->prod), free(e->count), free(e->rate), free(e->purity), free(e->coherence);
    free(e->peaked), free(e->taper), free(e->sine), free(e->x), free(e->y), free(e->cosine), free(e->sine_f);
    free(e->spec), free(e);
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
    size_t w = e->n_win ? e->n_win : 1, wm = w * EDR_RATE_MAX_MODS;
    e->nb_win = malloc(w * sizeof *e->nb_win);
    e->prod = malloc(w * (e->nb ? e->nb : 1) * sizeof *e->prod);
    e->count = calloc(w, sizeof *e->count);
    e->rate = malloc(w * sizeof *e->rate);
    e->purity = malloc(wm * sizeof *e->purity);
    e->coherence = malloc(wm * sizeof *e->coherence);
    e->peaked = calloc(wm, sizeof *e->peaked);
    e->taper = malloc(e->per * sizeof *e->taper);
    e->sine = malloc(EDR_RATE_TAPERS * e->per * sizeof *e->sine);
    e->x = malloc(e->per * sizeof *e->x);
    e->y = malloc(e->per * sizeof *e->y);
    e->cosine = malloc(e->per * sizeof *e->cosine);
    e->sine_f = malloc(e->per * sizeof *e->sine_f);
    e->spec = malloc((e->nb ? e->nb : 1) * sizeof *e->spec);
    e->out = fftw_malloc((NFFT / 2 + 1) * sizeof *e->out);
    e->in = (double *)e->out;
    e->plan = e->out && e->per <= NFFT ? psy_fft_plan_r2c(NFFT, e->in, e->out) : NULL;
    if (!e->nb_win || !e->prod || !e->count || !e->rate || !e->purity || !e->coherence || !e->peaked ||
        !e->taper || !e->sine || !e->x || !e->y || !e->cosine || !e->sine_f || !e->spec || !e->plan || e->nb < 3 ||
        e->lo <= EDR_RATE_HARMONIC_TOL) {
        edr_rate_destroy(e);
        return NULL;
    }
    for (size_t i = 0; i < e->per; i++) e->taper[i] = 0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)(e->per - 1));
    for (size_t t = 0; t < EDR_RATE_TAPERS; t++)
        for (size_t i = 0; i < e->per; i++)
            e->sine[t * e->per + i] = sin(M_PI * (double)((t + 1) * (i + 1)) / (double)(e->per + 1));
    for (size_t i = 0; i < w; i++) e->nb_win[i] = e->nb, e->rate[i] = NAN;
    for (size_t i = 0; i < wm; i++) e->purity[i] = e->coherence[i] = NAN;
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

/* The window x[0..per) less its least-squares line into d (missing samples as 0); 0 when fewer
 * than half its samples are numbers. */
static int detrend(size_t per, const double *x, double *d)
{
    double n = 0, si = 0, sx = 0;
    for (size_t i = 0; i < per; i++)
        if (!isnan(x[i])) n++, si += (double)i, sx += x[i];
    if (n < 0.5 * (double)per) return 0;
    double mi = si / n, mx = sx / n, sii = 0, six = 0;
    for (size_t i = 0; i < per; i++)
        if (!isnan(x[i])) sii += ((double)i - mi) * ((double)i - mi), six += ((double)i - mi) * (x[i] - mx);
    double slope = sii > 0 ? six / sii : 0;
    for (size_t i = 0; i < per; i++) d[i] = isnan(x[i]) ? 0 : x[i] - mx - slope * ((double)i - mi);
    return 1;
}

/* The weighted spectrum of window w of g over the window's band into e->spec (its sum in *sum,
 * its highest value in *highest); 0 when the window is not measured or constant. */
static int spectrum(edr_rate *e, const double *g, size_t w, double *sum, double *highest)
{
    if (!e->nb_win[w] || !detrend(e->per, g + w * e->per, e->x)) return 0;
    memset(e->in, 0, (NFFT / 2 + 1) * sizeof *e->out);
    for (size_t i = 0; i < e->per; i++) e->in[i] = e->x[i] * e->taper[i];
    fftw_execute(e->plan);
    double df = e->rate_hz / NFFT;
    *sum = *highest = 0;
    for (size_t b = 0; b < e->nb_win[w]; b++) {
        double re = e->out[e->lo + b][0], im = e->out[e->lo + b][1];
        e->spec[b] = (re * re + im * im) * (double)(e->lo + b) * df;
        *sum += e->spec[b];
        if (e->spec[b] > *highest) *highest = e->spec[b];
    }
    return *sum > 0;
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
    for (size_t w = 0; w < e->n_win; w++) {
        double sum, highest, *p = e->prod + w * e->nb;
        if (!spectrum(e, g, w, &sum, &highest)) continue;
        for (size_t b = 0; b < e->nb_win[w]; b++) p[b] = (e->count[w] ? p[b] : 1.0) * e->spec[b] / sum;
        e->count[w]++;
    }
    e->k++;
}

/* The magnitude-squared coherence of the windows e->x and e->y at f cycles per sample, over the
 * sine tapers. */
static double coherence_at(edr_rate *e, double f)
{
    for (size_t i = 0; i < e->per; i++)
        e->cosine[i] = cos(2 * M_PI * f * (double)i), e->sine_f[i] = sin(2 * M_PI * f * (double)i);
    double xy_re = 0, xy_im = 0, xx = 0, yy = 0;
    for (size_t t = 0; t < EDR_RATE_TAPERS; t++) {
        const double *v = e->sine + t * e->per;
        double x_re = 0, x_im = 0, y_re = 0, y_im = 0;
        for (size_t i = 0; i < e->per; i++) {
            double vx = v[i] * e->x[i], vy = v[i] * e->y[i];
            x_re += vx * e->cosine[i], x_im -= vx * e->sine_f[i], y_re += vy * e->cosine[i], y_im -= vy * e->sine_f[i];
        }
        xy_re += x_re * y_re + x_im * y_im, xy_im += x_im * y_re - x_re * y_im;
        xx += x_re * x_re + x_im * x_im, yy += y_re * y_re + y_im * y_im;
    }
    return xx > 0 && yy > 0 ? (xy_re * xy_re + xy_im * xy_im) / (xx * yy) : NAN;
}

/* The share of a modulation's band power near the rate against a flat spectrum's share there,
 * in standard deviations of that share over white noise: the band of width_per_min holds about
 * width_per_min independent values of a 60-s periodogram (a resolution of 1 /min), of which a
 * share s of the power falls near the rate on average, with a variance of about
 * s (1 - s) / width_per_min (a Beta share of exponential values; Fisher 1929's test of a
 * periodogram's peak asks the same of its largest value: Proc R Soc Lond A 125:54-59). Half the
 * heart rate cuts the band: at 40 /min its 4.2-20 /min holds 16 values and 2 /min either side of
 * a rate a quarter of them, so an unscaled share passed noise as a rhythm. */
static double purity_z(double share, double flat, double width_per_min)
{
    return (share - flat) / sqrt(flat * (1 - flat) / width_per_min);
}

void edr_rate_check(edr_rate *e, const double *g, const double *first)
{
    if (e->checked >= e->k) return;
    double df = e->rate_hz / NFFT;
    if (!e->checked)
        for (size_t w = 0; w < e->n_win; w++)
            if (e->nb_win[w] && e->count[w])
                e->rate[w] = 60.0 * (double)(e->lo + fundamental(e->prod + w * e->nb, e->nb_win[w], e->lo,
                                                                 e->count[w])) * df;
    for (size_t w = 0; w < e->n_win; w++) {
        double sum, highest, near = 0, flat = 0, flat_near = 0;
        size_t q = w * EDR_RATE_MAX_MODS + e->checked;
        if (isnan(e->rate[w]) || !spectrum(e, g, w, &sum, &highest)) continue;
        for (size_t b = 0; b < e->nb_win[w]; b++) {
            flat += (double)(e->lo + b); /* a flat spectrum, weighted by frequency as the modulation's */
            if (fabs(60.0 * (double)(e->lo + b) * df - e->rate[w]) > EDR_RATE_AGREE_PER_MIN) continue;
            near += e->spec[b], flat_near += (double)(e->lo + b);
            e->peaked[q] |= is_peak(e->spec, e->nb_win[w], b) && e->spec[b] >= EDR_RATE_PEAK_SHARE * highest;
        }
        e->purity[q] = purity_z(near / sum, flat_near / flat, (double)e->nb_win[w] * df * 60.0);
        if (e->checked && detrend(e->per, first + w * e->per, e->y))
            e->coherence[q] = coherence_at(e, e->rate[w] / 60.0 / e->rate_hz);
    }
    e->checked++;
}

psy_status edr_rate_finish(const edr_rate *e, psy_edr_rate_window **out, size_t *n)
{
    *n = 0;
    *out = malloc((e->n_win ? e->n_win : 1) * sizeof **out);
    if (!*out) return PSY_E_NOMEM;
    for (size_t w = 0; w < e->n_win; w++) {
        psy_edr_rate_window *r = &(*out)[w];
        memset(r, 0, sizeof *r);
        r->onset_s = (double)w * PSY_EDR_RATE_WINDOW_S;
        r->per_min = r->coherence = r->purity_rr = r->purity_waveform = NAN;
        r->modulations = e->count[w];
        if (!e->nb_win[w]) {
            r->why = "heart rate too low for the band (half of it below 3 bins above the band's low edge)";
            continue;
        }
        if (!e->count[w]) {
            r->why = "no modulation measured over half the window (too few normal beats)";
            continue;
        }
        if (e->count[w] < 2) {
            r->why = "one modulation measured over half the window: no second to agree with";
            continue;
        }
        /* the waveform modulations (all but the first) as one mechanism */
        const double *pur = e->purity + w * EDR_RATE_MAX_MODS, *coh = e->coherence + w * EDR_RATE_MAX_MODS;
        const unsigned char *pk = e->peaked + w * EDR_RATE_MAX_MODS;
        double coh_sum = 0, pur_sum = 0;
        int n_coh = 0, n_pur = 0, wave_peaked = 0;
        for (size_t j = 1; j < e->checked; j++) {
            if (!isnan(coh[j])) coh_sum += coh[j], n_coh++;
            if (!isnan(pur[j])) pur_sum += pur[j], n_pur++, wave_peaked |= pk[j];
        }
        r->coherence = n_coh ? coh_sum / n_coh : NAN;
        r->purity_rr = pur[0];
        r->purity_waveform = n_pur ? pur_sum / n_pur : NAN;
        /* comparisons with NaN are false: a mechanism not measured shows nothing */
        if (r->coherence >= EDR_RATE_MIN_COHERENCE &&
            (r->purity_rr >= EDR_RATE_MIN_COHERENT_PURITY || r->purity_waveform >= EDR_RATE_MIN_COHERENT_PURITY))
            r->agreeing = 2;
        else
            r->agreeing = (r->purity_waveform >= EDR_RATE_MIN_PURITY) + (wave_peaked && r->purity_rr >= EDR_RATE_MIN_PURITY);
        if (r->agreeing) r->per_min = e->rate[w];
        else
            r->why = "no mechanism shows breathing at the rate (the RR and waveform modulations not coherent at a "
                     "peak there, neither's rhythm pure there)";
    }
    *n = e->n_win;
    return PSY_OK;
}
