/* ECG-derived respiration (see include/psyphys/resp.h).
 *
 * Respiratory modulations of the ECG, sampled at each normal beat: the RR interval (respiratory
 * sinus arrhythmia: the heart speeds up during inspiration) and, with the waveform
 * (psy_breaths_from_ecg), the QRS's R-S amplitude, area and slope range (edr_features.c: the
 * electrical axis turning and the chest's impedance changing with each breath); from a beat list
 * alone (psy_breaths_from_beats), the R amplitude (Moody et al. 1985, Computers in Cardiology
 * 12:113-116). Each is interpolated linearly onto a 4 Hz grid (no interpolation across more than
 * 3 s without a normal beat), its trend (a centred 15-s moving mean: electrode and posture drifts
 * the amplitudes carry) taken off, scaled by the median absolute successive difference of the
 * grid series (each brings the same beat-to-beat noise), and they are added, an amplitude's sign
 * chosen so that it rises with the heart rate (its sign depends on the lead); fusing modulations
 * is more robust than any alone (Charlton et al. 2016, Physiol Meas 37:610-626; 2018, IEEE Rev
 * Biomed Eng 11:2-20). The sum goes through the breath detector with a 0.07-0.7 Hz band (4-42
 * /min; a series sampled at each beat carries nothing above half the heart rate, 0.5-0.9 Hz at
 * 60-110 bpm; below it, the heart rate's own 0.04-0.07 Hz rhythms; slow-paced breathing at 6 /min
 * stays in) and lower thresholds (below). The same detrended modulations give the rate per
 * minute in the frequency domain, each minute's band cut at half its heart rate (edr_rate.c:
 * the breaths' own count per minute agreed less often with MARSH's annotations).
 *
 * Choices made on MARSH's development subjects (scripts/resp_check.py --edr --dev; README,
 * Accuracy): the R amplitude added to the three waveform features made the rate worse (65 % of
 * windows within 2 /min against 74 %); weighting each modulation per 32-s window by its
 * periodicity (autocorrelation peak) and low-passing the sum adaptively to the running rate both
 * made it worse (the RR series' 0.1 Hz Mayer waves pass for breathing). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beats_internal.h" /* beats_have_columns */
#include "breaths_internal.h"
#include "edr_internal.h"
#include "resp_internal.h"

#define EDR_RATE_HZ 4.0
#define EDR_TREND_S 15.0
#define EDR_BAND_LOW_HZ 0.07
#define EDR_BAND_HIGH_HZ 0.7 /* a series sampled by the beats holds nothing above half the heart rate */

/* The first index from j on where v is a number (n when none). */
static size_t next_valid(const double *v, size_t n, size_t j)
{
    while (j < n && !isfinite(v[j])) j++;
    return j;
}

/* Linear interpolation of the values v at times t (n points, ascending; NaN: no value) onto the
 * grid k / rate, NaN where no two values within EDR_MAX_GAP_S surround the grid time. */
static void to_grid(const double *t, const double *v, size_t n, double *grid, size_t m)
{
    size_t j = next_valid(v, n, 0), j2 = j < n ? next_valid(v, n, j + 1) : n;
    for (size_t k = 0; k < m; k++) {
        double at = (double)k / EDR_RATE_HZ;
        while (j2 < n && t[j2] < at) j = j2, j2 = next_valid(v, n, j2 + 1);
        grid[k] = NAN;
        if (j2 < n && t[j] <= at && t[j2] >= at && t[j2] - t[j] <= EDR_MAX_GAP_S)
            grid[k] = v[j] + (v[j2] - v[j]) * (at - t[j]) / (t[j2] - t[j]);
    }
}

/* g minus its centred moving mean over EDR_TREND_S (missing samples left out; NaN stays NaN);
 * tmp: m doubles of scratch. */
static void remove_trend(double *g, size_t m, double *tmp)
{
    size_t half = (size_t)(EDR_TREND_S * EDR_RATE_HZ / 2), hi = 0, lo = 0, n = 0; /* the sum holds [lo, hi) */
    double sum = 0;
    for (size_t i = 0; i < m; i++) {
        for (; hi < m && hi <= i + half; hi++)
            if (!isnan(g[hi])) sum += g[hi], n++;
        for (; lo + half < i; lo++)
            if (!isnan(g[lo])) sum -= g[lo], n--;
        tmp[i] = n ? g[i] - sum / (double)n : NAN;
    }
    memcpy(g, tmp, m * sizeof *g);
}

/* The median absolute successive difference of a grid series (0 when it has none). */
static double successive_scale(const double *g, size_t m, double *tmp)
{
    size_t k = 0;
    for (size_t i = 1; i < m; i++)
        if (!isnan(g[i]) && !isnan(g[i - 1])) tmp[k++] = fabs(g[i] - g[i - 1]);
    return k ? breaths_median(tmp, k) : 0;
}

/* The sum of the successive differences' products: the sign of the two series' co-variation. */
static double co_variation(const double *a, const double *b, size_t m)
{
    double s = 0;
    for (size_t i = 1; i < m; i++)
        if (!isnan(a[i]) && !isnan(a[i - 1]) && !isnan(b[i]) && !isnan(b[i - 1]))
            s += (a[i] - a[i - 1]) * (b[i] - b[i - 1]);
    return s;
}

/* Modulation v at the beat times t (n beats; NaN: none at that beat) on the grid x (m samples),
 * less its trend; tmp: m doubles of scratch. */
static void detrended_grid(const double *t, size_t n, const double *v, double *x, size_t m, double *tmp)
{
    to_grid(t, v, n, x, m);
    remove_trend(x, m, tmp);
}

/* The k modulations mod[j][i] at the beat times t (n beats) fused onto the grid g (m samples),
 * the first (minus the RR interval) the sign reference; NaN where any is missing (a gap). Each
 * detrended modulation is also added to the spectral rate, then checked at its windows' rates
 * (a second pass: the rates need them all). one, ref, tmp: m doubles of scratch each. */
static void fuse(const double *t, size_t n, const double *const *mod, size_t k, double *g, double *one,
                 double *ref, double *tmp, size_t m, edr_rate *rate)
{
    for (size_t i = 0; i < m; i++) g[i] = 0;
    detrended_grid(t, n, mod[0], ref, m, tmp);
    for (size_t j = 0; j < k; j++) {
        const double *x = ref; /* the first modulation is the reference itself */
        if (j > 0) detrended_grid(t, n, mod[j], one, m, tmp), x = one;
        edr_rate_add(rate, x);
        double scale = successive_scale(x, m, tmp);
        double sign = j == 0 || co_variation(x, ref, m) >= 0 ? 1.0 : -1.0;
        for (size_t i = 0; i < m; i++) g[i] += scale > 0 ? sign * x[i] / scale : 0 * x[i];
    }
    for (size_t j = 0; j < k; j++) {
        if (j > 0) detrended_grid(t, n, mod[j], one, m, tmp);
        edr_rate_check(rate, j > 0 ? one : ref, ref);
    }
}

/* Breaths of the grid signal g (m samples at EDR_RATE_HZ). */
static psy_status detect(const double *g, size_t m, psy_breath_list *l)
{
    psy_resp_config cfg = psy_resp_config_default(EDR_RATE_HZ);
    cfg.band_low_hz = EDR_BAND_LOW_HZ;
    cfg.band_high_hz = EDR_BAND_HIGH_HZ;
    /* the derived signal's depth varies more from breath to breath than a belt's (the heart
     * rate's and the axis's swing follow each breath's depth, not only its timing): a breath
     * counts from 0.2 of the typical one (0.3 missed shallow ones: MARSH development subjects,
     * rate within 2 /min in 69 % of windows against 63 %; with the waveform's features 0.15,
     * 0.25 and 0.3 did worse too) */
    cfg.hysteresis = 0.2;
    cfg.min_amplitude = 0.2;
    psy_resp_detector *d = NULL;
    psy_status st = psy_resp_detector_create(&cfg, &d);
    if (st != PSY_OK) return st;
    psy_resp_detector_derived(d);
    size_t cap = 0;
    for (size_t off = 0; off < m && st == PSY_OK;) {
        size_t used = 0;
        psy_resp_detector_push(d, g + off, m - off, &used);
        off += used;
        st = breaths_drain(d, l, &cap);
    }
    if (st == PSY_OK) {
        psy_resp_detector_finish(d);
        st = breaths_drain(d, l, &cap);
    }
    psy_resp_detector_destroy(d);
    l->config = cfg;
    return st;
}

/* The breath list of the k fused modulations at the beats' times t (n beats), named by names. */
static psy_status breaths_of(const double *t, size_t n, const double *const *mod, size_t k, const char *names,
                             psy_breath_list **out)
{
    size_t m = (size_t)(t[n - 1] * EDR_RATE_HZ) + 1;
    double *g = malloc(m * sizeof *g), *one = malloc(m * sizeof *one), *ref = malloc(m * sizeof *ref);
    double *tmp = malloc(m * sizeof *tmp);
    psy_breath_list *l = calloc(1, sizeof *l);
    edr_rate *rate = edr_rate_create(m, EDR_RATE_HZ, EDR_BAND_LOW_HZ, EDR_BAND_HIGH_HZ);
    psy_status st = g && one && ref && tmp && l && rate ? PSY_OK : PSY_E_NOMEM;
    if (st == PSY_OK) st = edr_rate_limit(rate, t, n);
    if (st == PSY_OK) {
        fuse(t, n, mod, k, g, one, ref, tmp, m, rate);
        free(one), free(ref), free(tmp), one = ref = tmp = NULL;
        st = edr_rate_finish(rate, &l->rate_windows, &l->n_rate_windows);
    }
    edr_rate_destroy(rate);
    if (st == PSY_OK) st = detect(g, m, l);
    if (st == PSY_OK) {
        l->rate_hz = EDR_RATE_HZ;
        l->source = PSY_BREATHS_EDR;
        l->modulations = names;
        size_t nb = l->n ? l->n : 1;
        l->onset_s = malloc(nb * sizeof *l->onset_s);
        l->peak_s = malloc(nb * sizeof *l->peak_s);
        l->end_s = malloc(nb * sizeof *l->end_s);
        if (!l->onset_s || !l->peak_s || !l->end_s) st = PSY_E_NOMEM;
        for (size_t i = 0; st == PSY_OK && i < l->n; i++) {
            l->onset_s[i] = (double)l->b[i].onset / EDR_RATE_HZ;
            l->peak_s[i] = (double)l->b[i].peak / EDR_RATE_HZ;
            l->end_s[i] = (double)l->b[i].end / EDR_RATE_HZ;
        }
    }
    free(g), free(one), free(ref), free(tmp);
    if (st != PSY_OK) {
        psy_breath_list_free(l);
        return st;
    }
    *out = l;
    return PSY_OK;
}

/* Minus the RR interval at each normal beat that follows a normal beat (it rises with the
 * heart rate), NaN elsewhere; NULL when out of memory. */
static double *minus_rr(const psy_beat_list *b)
{
    double *v = malloc((b->n ? b->n : 1) * sizeof *v);
    for (size_t i = 0; v && i < b->n; i++)
        v[i] = i && b->cls[i] == PSY_BEAT_NORMAL && b->cls[i - 1] == PSY_BEAT_NORMAL ? -b->rr_ms[i] : NAN;
    return v;
}

/* PSY_E_TOO_SHORT with the reason unless each of the k modulations has 10 values at normal
 * beats. */
static psy_status too_short(const psy_beat_list *b, const double *const *mod, size_t k, psy_message *why)
{
    size_t least = b->n;
    for (size_t j = 0; j < k; j++) {
        size_t have = 0;
        for (size_t i = 0; i < b->n; i++) have += b->cls[i] == PSY_BEAT_NORMAL && isfinite(mod[j][i]);
        least = have < least ? have : least;
    }
    if (least >= 10) return PSY_OK;
    if (why)
        snprintf(why->text, sizeof why->text,
                 "ECG-derived respiration needs 10 normal beats with every modulation measured (%zu here)", least);
    return PSY_E_TOO_SHORT;
}

psy_status psy_breaths_from_beats(const psy_beat_list *beats, psy_breath_list **out, psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!beats || !beats_have_columns(beats) || (beats->n && !beats->amplitude)) return PSY_E_INVALID;
    double *rr = minus_rr(beats), *amp = malloc((beats->n ? beats->n : 1) * sizeof *amp);
    psy_status st = rr && amp ? PSY_OK : PSY_E_NOMEM;
    for (size_t i = 0; st == PSY_OK && i < beats->n; i++)
        amp[i] = beats->cls[i] == PSY_BEAT_NORMAL ? beats->amplitude[i] : NAN;
    const double *mod[2] = {rr, amp};
    if (st == PSY_OK) st = too_short(beats, mod, 2, why);
    if (st == PSY_OK) st = breaths_of(beats->onset_s, beats->n, mod, 2, "RR interval, R amplitude", out);
    free(rr), free(amp);
    return st;
}

psy_status psy_breaths_from_ecg(psy_reader *r, int ch, const psy_beat_list *beats, psy_breath_list **out,
                                psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!r || !beats || !beats_have_columns(beats) || ch < 0 || ch >= psy_reader_channel_count(r))
        return PSY_E_INVALID;
    edr_features feat = {{NULL}};
    double *rr = minus_rr(beats);
    psy_status st = rr ? edr_features_measure(r, ch, beats, &feat, why) : PSY_E_NOMEM;
    const double *mod[1 + EDR_N_FEATURES] = {rr};
    for (int k = 0; k < EDR_N_FEATURES; k++) mod[1 + k] = feat.f[k];
    if (st == PSY_OK) st = too_short(beats, mod, 1 + EDR_N_FEATURES, why);
    if (st == PSY_OK)
        st = breaths_of(beats->onset_s, beats->n, mod, 1 + EDR_N_FEATURES,
                        "RR interval, QRS R-S amplitude, QRS area, QRS slope range", out);
    edr_features_free(&feat);
    free(rr);
    return st;
}
