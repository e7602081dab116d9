/* ECG-derived respiration (see include/psyphys/resp.h).
 *
 * Two respiratory modulations of the ECG, sampled at each normal beat: the R-wave amplitude
 * (breathing moves the heart's electrical axis and changes the thoracic impedance: Moody et al.
 * 1985, Computers in Cardiology 12:113-116) and the RR interval (respiratory sinus arrhythmia:
 * the heart speeds up during inspiration). Each is interpolated linearly onto a 4 Hz grid (no
 * interpolation across more than 3 s without a normal beat), scaled by the median absolute
 * successive difference of the grid series, and the two are added, the amplitude's sign chosen so
 * that it rises with the heart rate (its sign depends on the lead); fusing modulations is more
 * robust than either alone (Charlton et al. 2016, Physiol Meas 37:610-626). The sum goes through
 * the breath detector with a 0.07-0.7 Hz band (4-42 /min; a series sampled at each beat carries
 * nothing above half the heart rate, 0.5-0.9 Hz at 60-110 bpm; below it, the heart rate's own
 * 0.04-0.07 Hz rhythms; slow-paced breathing at 6 /min stays in) and lower thresholds (below). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breaths_internal.h"
#include "resp_internal.h"

#define EDR_RATE_HZ 4.0
#define EDR_MAX_GAP_S 3.0

/* Linear interpolation of the values v at times t (n points, ascending) onto the grid k / rate,
 * NaN where no two points within EDR_MAX_GAP_S surround the grid time. */
static void to_grid(const double *t, const double *v, size_t n, double *grid, size_t m)
{
    size_t j = 0;
    for (size_t k = 0; k < m; k++) {
        double at = (double)k / EDR_RATE_HZ;
        while (j + 1 < n && t[j + 1] < at) j++;
        grid[k] = NAN;
        if (j + 1 < n && t[j] <= at && t[j + 1] >= at && t[j + 1] - t[j] <= EDR_MAX_GAP_S)
            grid[k] = v[j] + (v[j + 1] - v[j]) * (at - t[j]) / (t[j + 1] - t[j]);
    }
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

/* Breaths of the grid signal g (m samples at EDR_RATE_HZ). */
static psy_status detect(const double *g, size_t m, psy_breath_list *l)
{
    psy_resp_config cfg = psy_resp_config_default(EDR_RATE_HZ);
    cfg.band_low_hz = 0.07;
    cfg.band_high_hz = 0.7; /* a series sampled by the beats holds nothing above half the heart rate */
    /* the derived signal's depth varies more from breath to breath than a belt's (the heart
     * rate's and the axis's swing follow each breath's depth, not only its timing): a breath
     * counts from 0.2 of the typical one (0.3 missed shallow ones: MARSH development subjects,
     * rate within 2 /min in 69 % of windows against 63 %) */
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

psy_status psy_breaths_from_beats(const psy_beat_list *beats, psy_breath_list **out, psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!beats) return PSY_E_INVALID;
    size_t n = beats->n, na = 0, nr = 0;
    double *ta = malloc((n ? n : 1) * sizeof *ta), *va = malloc((n ? n : 1) * sizeof *va);
    double *tr = malloc((n ? n : 1) * sizeof *tr), *vr = malloc((n ? n : 1) * sizeof *vr);
    double *ga = NULL, *gr = NULL, *tmp = NULL;
    psy_breath_list *l = calloc(1, sizeof *l);
    psy_status st = ta && va && tr && vr && l ? PSY_OK : PSY_E_NOMEM;
    for (size_t i = 0; st == PSY_OK && i < n; i++) {
        if (beats->cls[i] != PSY_BEAT_NORMAL) continue;
        if (isfinite(beats->amplitude[i])) ta[na] = beats->onset_s[i], va[na++] = beats->amplitude[i];
        /* a normal interval between two normal beats; minus the interval: rises with the rate */
        if (i && beats->cls[i - 1] == PSY_BEAT_NORMAL && isfinite(beats->rr_ms[i]))
            tr[nr] = beats->onset_s[i], vr[nr++] = -beats->rr_ms[i];
    }
    if (st == PSY_OK && (na < 10 || nr < 10)) {
        if (why)
            snprintf(why->text, sizeof why->text,
                     "ECG-derived respiration needs 10 normal beats with R amplitudes (%zu here)", na < nr ? na : nr);
        st = PSY_E_TOO_SHORT;
    }
    size_t m = 0;
    if (st == PSY_OK) {
        double last = fmax(ta[na - 1], tr[nr - 1]);
        m = (size_t)(last * EDR_RATE_HZ) + 1;
        ga = malloc(m * sizeof *ga), gr = malloc(m * sizeof *gr), tmp = malloc(m * sizeof *tmp);
        if (!ga || !gr || !tmp) st = PSY_E_NOMEM;
    }
    if (st == PSY_OK) {
        to_grid(ta, va, na, ga, m);
        to_grid(tr, vr, nr, gr, m);
        double sa = successive_scale(ga, m, tmp), sr = successive_scale(gr, m, tmp);
        double sign = co_variation(ga, gr, m) < 0 ? -1.0 : 1.0;
        for (size_t k = 0; k < m; k++) {
            double a = sa > 0 ? sign * ga[k] / sa : 0, r = sr > 0 ? gr[k] / sr : 0;
            ga[k] = a + r; /* NaN where either is missing: a gap */
        }
        st = detect(ga, m, l);
    }
    if (st == PSY_OK) {
        l->rate_hz = EDR_RATE_HZ;
        l->source = PSY_BREATHS_EDR;
        size_t k = l->n ? l->n : 1;
        l->onset_s = malloc(k * sizeof *l->onset_s);
        l->peak_s = malloc(k * sizeof *l->peak_s);
        l->end_s = malloc(k * sizeof *l->end_s);
        if (!l->onset_s || !l->peak_s || !l->end_s) st = PSY_E_NOMEM;
        for (size_t i = 0; st == PSY_OK && i < l->n; i++) {
            l->onset_s[i] = (double)l->b[i].onset / EDR_RATE_HZ;
            l->peak_s[i] = (double)l->b[i].peak / EDR_RATE_HZ;
            l->end_s[i] = (double)l->b[i].end / EDR_RATE_HZ;
        }
    }
    free(ta), free(va), free(tr), free(vr), free(ga), free(gr), free(tmp);
    if (st != PSY_OK) {
        psy_breath_list_free(l);
        return st;
    }
    *out = l;
    return PSY_OK;
}
