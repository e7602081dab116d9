/* Band powers of a one-sided PSD (ms²/Hz) and the derived frequency-domain keys. */
#include <math.h>

#include "hrv_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const psy_hrv_key band_key[PSY_HRV_BAND_COUNT] = {PSY_HRV_ULF_MS2, PSY_HRV_VLF_MS2,
                                                         PSY_HRV_LF_MS2, PSY_HRV_HF_MS2,
                                                         PSY_HRV_VHF_MS2};

/* Power over the bins lo <= f < hi (and min_hz <= f <= max_hz): rectangles psd x df, or the
 * trapezoid rule between those bins. *peak gets the frequency of the largest bin. 0 bins: NaN. */
static double band_power(const double *psd, size_t np, double df, double min_hz, double lo, double hi,
                         const psy_hrv_config *c, double *peak)
{
    double sum = 0, prev = NAN, best = -1;
    size_t bins = 0;
    *peak = NAN;
    for (size_t i = 0; i < np; i++) {
        double f = (double)i * df;
        if (f < lo || f > hi || (f == hi && !c->band_closed) || f < min_hz || f > c->max_hz) continue;
        if (c->band_trapz) {
            if (bins) sum += 0.5 * (prev + psd[i]) * df;
            prev = psd[i];
        } else {
            sum += psd[i] * df;
        }
        if (psd[i] > best) best = psd[i], *peak = f;
        bins++;
    }
    if (!bins || (c->band_trapz && bins < 2)) return NAN;
    return sum;
}

double hrv_detrend_cutoff_hz(const psy_hrv_config *c)
{
    if (c->detrend != PSY_HRV_DETREND_SMOOTHNESS) return 0;
    double w = acos(1 - sqrt(1 + sqrt(2.0)) / (2 * c->lambda));
    return w * c->resample_hz / (2 * M_PI);
}

/* Why band b cannot be reported from this spectrum, or NULL. */
static const char *band_unsupported(int b, const hrv_band_limits *lim, const psy_hrv_config *c)
{
    double lo = c->band_hz[b][0], hi = c->band_hz[b][1];
    if (lim->duration_s < c->band_min_s[b]) return "shorter than the band's minimum length (band_min_s)";
    /* more than half the band below the detrending's cut-off: what is left is its upper edge */
    if (hrv_detrend_cutoff_hz(c) > (lo + hi) / 2)
        return "removed by the smoothness-priors detrending (its -3 dB cut-off lies above the band's middle: "
               "detrend none, or a larger lambda, keeps it)";
    /* a Hann-windowed segment of T s resolves 2 / T Hz (its main lobe's half-width): a band
     * narrower holds the leakage of its neighbours, not its own power */
    if (lim->cell_hz > 0 && hi - lo < 2 * lim->cell_hz)
        return "the Welch segment is too short for the band (narrower than 2 / segment Hz, the segment's "
               "resolution)";
    return NULL;
}

void hrv_bands(const double *psd, size_t np, double df, const hrv_band_limits *lim, const psy_hrv_config *c,
               psy_hrv_values *v)
{
    double peak[PSY_HRV_BAND_COUNT];
    for (int b = 0; b < PSY_HRV_BAND_COUNT; b++) {
        double p = band_power(psd, np, df, lim->min_hz, c->band_hz[b][0], c->band_hz[b][1], c, &peak[b]);
        const char *why = band_unsupported(b, lim, c);
        if (why) {
            hrv_na(v, band_key[b], why);
            peak[b] = NAN;
        } else if (isnan(p)) {
            hrv_na(v, band_key[b], "no spectral bins in the band (series too short)");
        } else {
            v->v[band_key[b]] = p;
        }
    }
    double lf = v->v[PSY_HRV_LF_MS2], hf = v->v[PSY_HRV_HF_MS2], floor_ms2 = lim->floor_ms2;
    if (c->total_power_all_bands) {
        double tp = 0;
        int any = 0;
        int last = c->total_power_all_bands == 2 ? PSY_HRV_HF : PSY_HRV_VHF;
        for (int b = 0; b <= last; b++)
            if (!isnan(v->v[band_key[b]])) tp += v->v[band_key[b]], any = 1;
        if (any) v->v[PSY_HRV_TOTAL_POWER_MS2] = tp;
        else hrv_na(v, PSY_HRV_TOTAL_POWER_MS2, "no band power");
    } else if (lim->duration_s < c->band_min_s[PSY_HRV_LF]) {
        hrv_na(v, PSY_HRV_TOTAL_POWER_MS2, "shorter than the LF band's minimum length");
    } else {
        double dummy;
        double tp = band_power(psd, np, df, lim->min_hz, 0, c->band_hz[PSY_HRV_HF][1], c, &dummy);
        if (isnan(tp)) hrv_na(v, PSY_HRV_TOTAL_POWER_MS2, "no spectral bins");
        else v->v[PSY_HRV_TOTAL_POWER_MS2] = tp;
    }
    /* Ratios and peaks of powers at rounding level would be ratios of noise (0 / 0) */
    const char *no_power = "no spectral power (LF and HF at rounding level)";
    if (isnan(lf) || isnan(hf)) {
        const char *why = "LF or HF power is n/a";
        hrv_na(v, PSY_HRV_LF_HF, why);
        hrv_na(v, PSY_HRV_LF_NU, why);
        hrv_na(v, PSY_HRV_HF_NU, why);
    } else if (lf + hf <= floor_ms2) {
        hrv_na(v, PSY_HRV_LF_HF, no_power);
        hrv_na(v, PSY_HRV_LF_NU, no_power);
        hrv_na(v, PSY_HRV_HF_NU, no_power);
    } else {
        if (hf > floor_ms2) v->v[PSY_HRV_LF_HF] = lf / hf;
        else hrv_na(v, PSY_HRV_LF_HF, "HF power is 0");
        v->v[PSY_HRV_LF_NU] = 100 * lf / (lf + hf);
        v->v[PSY_HRV_HF_NU] = 100 * hf / (lf + hf);
    }
    const psy_hrv_key peak_key[2] = {PSY_HRV_LF_PEAK_HZ, PSY_HRV_HF_PEAK_HZ};
    const int peak_band[2] = {PSY_HRV_LF, PSY_HRV_HF};
    for (int q = 0; q < 2; q++) {
        int b = peak_band[q];
        if (isnan(peak[b])) hrv_na(v, peak_key[q], b == PSY_HRV_LF ? "LF power is n/a" : "HF power is n/a");
        else if (v->v[band_key[b]] <= floor_ms2) hrv_na(v, peak_key[q], "no spectral power in the band (rounding level)");
        else v->v[peak_key[q]] = peak[b];
    }
}

psy_status psy_hrv_spectrum_peak(const double *f, const double *psd, size_t n, double lo_hz, double hi_hz,
                                 double halfwidth_hz, double *peak_hz, double *power_ms2)
{
    if (!f || !psd || !peak_hz || !power_ms2 || n < 2 || !(lo_hz <= hi_hz) || !(halfwidth_hz >= 0))
        return PSY_E_INVALID;
    double best = -1, peak = NAN, power = 0, df = f[1] - f[0];
    for (size_t i = 0; i < n; i++)
        if (f[i] >= lo_hz && f[i] <= hi_hz && psd[i] > best) best = psd[i], peak = f[i];
    *peak_hz = *power_ms2 = NAN;
    if (isnan(peak)) return PSY_E_TOO_SHORT;
    for (size_t i = 0; i < n; i++) /* 1e-12: a bin exactly at the window's edge counts on both sides */
        if (fabs(f[i] - peak) <= halfwidth_hz + 1e-12) power += psd[i] * df;
    *peak_hz = peak;
    *power_ms2 = power;
    return PSY_OK;
}

double psy_hrv_coherence_ratio(const double *f, const double *psd, size_t n)
{
    double top, peak;
    if (psy_hrv_spectrum_peak(f, psd, n, 0.04, 0.26, 0.015, &top, &peak) != PSY_OK) return NAN;
    double df = f[1] - f[0], total = 0;
    for (size_t i = 0; i < n; i++)
        if (f[i] >= 0.0033 && f[i] < 0.4) total += psd[i] * df;
    return total > peak ? peak / (total - peak) : NAN;
}
