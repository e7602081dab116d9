/* ECG signal quality from R-peaks: feasibility rules and beat-template correlation (Orphanidou
 * et al. 2015, IEEE JBHI 19(3):832-838; see include/psyphys/ecg_quality.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/ecg_quality.h"

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Pearson correlation of a and b (n values); NaN when either is constant. */
static double correlation(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) ma += a[i], mb += b[i];
    ma /= (double)n, mb /= (double)n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        double da = a[i] - ma, db = b[i] - mb;
        sab += da * db, saa += da * da, sbb += db * db;
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

/* 1 when beat k's window [peak - half, peak + half] lies in x and holds no NaN. */
static int window_fits(const double *x, size_t n, int64_t peak, int64_t half)
{
    if (peak - half < 0 || peak + half >= (int64_t)n) return 0;
    for (int64_t i = peak - half; i <= peak + half; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

psy_status psy_ecg_quality_of(const double *x, size_t n, double rate_hz, const int64_t *peaks,
                              size_t n_peaks, psy_ecg_quality *out)
{
    if (!out || (!x && n) || (!peaks && n_peaks) || !(rate_hz > 0) || !isfinite(rate_hz)) return PSY_E_INVALID;
    for (size_t k = 0; k < n_peaks; k++) /* inside x and strictly ascending */
        if (peaks[k] < 0 || peaks[k] >= (int64_t)n || (k > 0 && peaks[k] <= peaks[k - 1])) return PSY_E_INVALID;
    memset(out, 0, sizeof *out);
    out->n_beats = n_peaks;
    out->mean_hr_bpm = out->max_rr_s = out->rr_ratio = out->template_r = NAN;
    if (n_peaks < 2) return PSY_OK;
    double *rr = malloc((n_peaks - 1) * sizeof *rr);
    if (!rr) return PSY_E_NOMEM;
    double sum = 0;
    for (size_t k = 1; k < n_peaks; k++) sum += rr[k - 1] = (double)(peaks[k] - peaks[k - 1]) / rate_hz;
    qsort(rr, n_peaks - 1, sizeof *rr, compare_double);
    size_t m = n_peaks - 1;
    double median = m % 2 ? rr[m / 2] : 0.5 * (rr[m / 2 - 1] + rr[m / 2]);
    out->mean_hr_bpm = 60.0 * (double)m / sum;
    out->max_rr_s = rr[m - 1];
    out->rr_ratio = rr[0] > 0 ? rr[m - 1] / rr[0] : INFINITY;
    free(rr);
    /* Orphanidou et al. 2015, rules 1-2 (the detector found a plausible rhythm) and 3. */
    out->plausible_rate = out->mean_hr_bpm >= 40 && out->mean_hr_bpm <= 180 && out->max_rr_s <= 3;
    out->feasible = out->plausible_rate && out->rr_ratio < 2.2;
    /* The template: the mean of the beats whose window (one median RR, centred) fits. */
    int64_t half = (int64_t)floor(0.5 * median * rate_hz);
    if (half < 1) return PSY_OK;
    size_t w = (size_t)(2 * half + 1), used = 0;
    double *tpl = calloc(w, sizeof *tpl);
    if (!tpl) return PSY_E_NOMEM;
    for (size_t k = 0; k < n_peaks; k++) {
        if (!window_fits(x, n, peaks[k], half)) continue;
        for (size_t i = 0; i < w; i++) tpl[i] += x[peaks[k] - half + (int64_t)i];
        used++;
    }
    if (used >= 3) {
        for (size_t i = 0; i < w; i++) tpl[i] /= (double)used;
        double r_sum = 0;
        size_t r_n = 0;
        for (size_t k = 0; k < n_peaks; k++) {
            if (!window_fits(x, n, peaks[k], half)) continue;
            double r = correlation(x + peaks[k] - half, tpl, w);
            r_sum += isfinite(r) ? r : 0, r_n++; /* a flat beat matches nothing */
        }
        out->template_r = r_sum / (double)r_n;
        out->acceptable = out->feasible && out->template_r >= 0.66;
        out->usable = out->plausible_rate && out->template_r >= 0.66;
    }
    free(tpl);
    return PSY_OK;
}

int psy_ecg_lead_quality_better(const psy_ecg_lead_quality *a, const psy_ecg_lead_quality *b)
{
    double sa = isfinite(a->usable_share) ? a->usable_share : -1;
    double sb = isfinite(b->usable_share) ? b->usable_share : -1;
    if (sa != sb) return sa > sb;
    double ra = isfinite(a->template_r) ? a->template_r : -2, rb = isfinite(b->template_r) ? b->template_r : -2;
    return ra > rb;
}
