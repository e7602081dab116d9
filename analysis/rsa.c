/* RSA and HRV-biofeedback metrics from beats and breaths (see include/psyphys/rsa.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "biquad.h"
#include "pchip.h"
#include "rsa_internal.h"
#include "psyphys/hrv.h"
#include "psyphys/rsa.h"
#include "psy_core.h" /* psy_reserved_clear */

#define PB_RATE_HZ 2.0 /* Porges-Bohrer: the heart period every 500 ms */
#define SG_HALF 10     /* 21-point cubic moving polynomial */

psy_rsa_config psy_rsa_config_default(void)
{
    psy_rsa_config c = {0};
    c.p2t_method = PSY_RSA_P2T_GROSSMAN;
    c.pb_neurokit = 0;
    c.pb_band_hz[0] = 0.12;
    c.pb_band_hz[1] = 0.40;
    c.pb_epoch_s = 30;
    c.slow_breathing_per_min = 9;
    c.resp_band_halfwidth_hz = 0.05;
    return c;
}

void psy_rsa_result_clear(psy_rsa_result *r)
{
    if (!r) return;
    free(r->p2t_ms);
    free(r->hr_osc_bpm);
    r->p2t_ms = r->hr_osc_bpm = NULL;
}

void rsa_one_breath(const double *t, const double *nn, size_t n, size_t *from, double a, double p, double z,
                    psy_rsa_p2t_method method, double *p2t, double *osc)
{
    while (*from < n && t[*from] < a) (*from)++;
    double insp_min = INFINITY, exp_max = -INFINITY, lo = INFINITY, hi = -INFINITY;
    double in_lo = INFINITY, in_hi = -INFINITY;
    size_t k = 0, inside = 0;
    for (size_t i = *from; i < n && t[i] < z; i++) {
        if (isnan(nn[i])) continue;
        if (t[i] < p) insp_min = fmin(insp_min, nn[i]);
        else exp_max = fmax(exp_max, nn[i]);
        lo = fmin(lo, nn[i]), hi = fmax(hi, nn[i]), k++;
        if (t[i] - nn[i] / 1000.0 >= a) in_lo = fmin(in_lo, nn[i]), in_hi = fmax(in_hi, nn[i]), inside++;
    }
    *osc = k >= 2 ? 60000.0 / lo - 60000.0 / hi : NAN;
    if (method == PSY_RSA_P2T_RANGE) *p2t = inside >= 2 ? in_hi - in_lo : NAN;
    else *p2t = isinf(insp_min) || isinf(exp_max) ? NAN : fmax(0.0, exp_max - insp_min);
}

/* The series v at beat times t onto a grid of step 1 / PB_RATE_HZ from t[0]: the monotone cubic
 * through the beats (no overshoot between beats; NeuroKit2 and the heart-rate responses
 * interpolate the same way), NaN near a missing value. Returns the grid length. */
static size_t to_grid(const double *t, const double *v, size_t n, double *g, size_t cap)
{
    size_t m = 0;
    for (; m < cap; m++) {
        double at = t[0] + (double)m / PB_RATE_HZ;
        if (at > t[n - 1]) break;
        g[m] = psy_pchip_at(t, v, n, at);
    }
    return m;
}

/* The cubic least-squares fit of y[0..w) evaluated at x (0 .. w-1), by the normal equations on
 * centred abscissae (Gaussian elimination with partial pivoting, 4x4). */
static double cubic_fit_at(const double *y, int w, double x)
{
    double A[4][5] = {{0}};
    double c = 0.5 * (w - 1);
    for (int i = 0; i < w; i++) {
        double u = i - c, p[4] = {1, u, u * u, u * u * u};
        for (int r = 0; r < 4; r++) {
            for (int s = 0; s < 4; s++) A[r][s] += p[r] * p[s];
            A[r][4] += p[r] * y[i];
        }
    }
    for (int col = 0; col < 4; col++) {
        int piv = col;
        for (int r = col + 1; r < 4; r++)
            if (fabs(A[r][col]) > fabs(A[piv][col])) piv = r;
        for (int s = 0; s < 5; s++) {
            double tmp = A[col][s];
            A[col][s] = A[piv][s], A[piv][s] = tmp;
        }
        for (int r = 0; r < 4; r++) {
            if (r == col || A[col][col] == 0) continue;
            double f = A[r][col] / A[col][col];
            for (int s = col; s < 5; s++) A[r][s] -= f * A[col][s];
        }
    }
    double u = x - c, b[4];
    for (int r = 0; r < 4; r++) b[r] = A[r][r] != 0 ? A[r][4] / A[r][r] : 0;
    return b[0] + u * (b[1] + u * (b[2] + u * b[3]));
}

/* g minus its 21-point cubic moving polynomial (Savitzky-Golay: the centre weights
 * 3 (3m² + 3m - 1 - 5k²) / ((4m² - 1)(2m + 3)), m = 10); the first and last 10 points take the
 * first and last windows' fits. */
static void detrend_sg(const double *g, size_t m, double *out)
{
    const int w = 2 * SG_HALF + 1;
    const double den = (4.0 * SG_HALF * SG_HALF - 1) * (2.0 * SG_HALF + 3);
    for (size_t i = 0; i < m; i++) {
        double trend;
        if (i >= SG_HALF && i + SG_HALF < m) {
            trend = 0;
            for (int k = -SG_HALF; k <= SG_HALF; k++)
                trend += 3.0 * (3.0 * SG_HALF * SG_HALF + 3.0 * SG_HALF - 1 - 5.0 * k * k) / den * g[(long)i + k];
        } else if (i < SG_HALF) {
            trend = cubic_fit_at(g, w, (double)i);
        } else {
            trend = cubic_fit_at(g + m - w, w, (double)(i - (m - w)));
        }
        out[i] = g[i] - trend;
    }
}

/* Zero-phase band-pass: the Butterworth band-pass forward then backward, the series extended at
 * each end by its odd reflection (15 samples, as scipy's sosfiltfilt) and the filters started
 * in the steady state of the first value, so that the ends do not ring. */
static void bandpass_zero_phase(double *x, size_t m, double lo, double hi, double *work)
{
    const size_t pad = m > 15 ? 15 : m - 1;
    size_t n = m + 2 * pad;
    for (size_t i = 0; i < pad; i++) {
        work[pad - 1 - i] = 2 * x[0] - x[i + 1];
        work[pad + m + i] = 2 * x[m - 1] - x[m - 2 - i];
    }
    memcpy(work + pad, x, m * sizeof *x);
    for (int pass = 0; pass < 2; pass++) {
        psy_biquad f[2];
        psy_biquad_bandpass(f, lo, hi, PB_RATE_HZ);
        double first = work[pass ? n - 1 : 0];
        psy_biquad_settle(&f[0], first);
        psy_biquad_settle(&f[1], 0.0); /* the band-pass passes no constant */
        for (size_t k = 0; k < n; k++) {
            size_t i = pass ? n - 1 - k : k;
            work[i] = psy_biquad_step(&f[1], psy_biquad_step(&f[0], work[i]));
        }
    }
    memcpy(x, work + pad, m * sizeof *x);
}

static void porges_bohrer(const psy_beat_list *b, const psy_rsa_config *c, psy_rsa_result *r)
{
    r->pb_ln = NAN, r->pb_epochs = 0;
    size_t n = b->n_nn, cap;
    if (n < 2 || !((b->nn_onset_s[n - 1] - b->nn_onset_s[0]) * PB_RATE_HZ < 1e9)) {
        r->pb_why = "fewer than 2 NN intervals";
        return;
    }
    cap = (size_t)((b->nn_onset_s[n - 1] - b->nn_onset_s[0]) * PB_RATE_HZ) + 2;
    double *v = malloc(n * sizeof *v), *g = malloc(cap * sizeof *g), *d = malloc(cap * sizeof *d);
    double *work = malloc((cap + 30) * sizeof *work);
    if (!v || !g || !d || !work) {
        r->pb_why = "out of memory";
        goto done;
    }
    for (size_t i = 0; i < n; i++) v[i] = c->pb_neurokit ? 60000.0 / b->nn_ms[i] : b->nn_ms[i];
    size_t m = to_grid(b->nn_onset_s, v, n, g, cap);
    size_t per = (size_t)llround(c->pb_epoch_s * PB_RATE_HZ);
    if (m < 2 * SG_HALF + 1 || m < per) {
        r->pb_why = "the NN series spans less than one epoch";
        goto done;
    }
    detrend_sg(g, m, d);
    bandpass_zero_phase(d, m, c->pb_band_hz[0], c->pb_band_hz[1], work);
    double sum = 0;
    size_t epochs = c->pb_neurokit ? (m + per - 1) / per : m / per;
    for (size_t e = 0; e < epochs; e++) {
        size_t a = e * per, len = a + per <= m ? per : m - a;
        if (len < 2) continue;
        double mean = 0, ss = 0;
        for (size_t i = a; i < a + len; i++) mean += d[i];
        mean /= (double)len;
        for (size_t i = a; i < a + len; i++) ss += (d[i] - mean) * (d[i] - mean);
        double var = ss / (double)(len - 1);
        sum += log(c->pb_neurokit ? var / 1000.0 : var);
        r->pb_epochs++;
    }
    if (r->pb_epochs) r->pb_ln = sum / (double)r->pb_epochs, r->pb_why = NULL;
    else r->pb_why = "the NN series spans less than one epoch";
done:
    free(v), free(g), free(d), free(work);
}

/* Power of the spectrum (psd in ms²/Hz at f, step df) over lo <= f < hi. */
static double band_power(const double *f, const double *psd, size_t n, double lo, double hi)
{
    double df = n > 1 ? f[1] - f[0] : 0, s = 0;
    for (size_t i = 0; i < n; i++)
        if (f[i] >= lo && f[i] < hi) s += psd[i] * df;
    return s;
}

static psy_status spectral(const psy_beat_list *b, const psy_rsa_config *c, psy_rsa_result *r)
{
    r->hf_resp_ms2 = r->resonance_hz = r->resonance_power_ms2 = r->coherence_ratio = NAN;
    int slow = r->breathing_hz * 60.0 < c->slow_breathing_per_min;
    r->hf_band_hz[0] = slow ? fmax(0.0, r->breathing_hz - c->resp_band_halfwidth_hz) : 0.15;
    r->hf_band_hz[1] = slow ? r->breathing_hz + c->resp_band_halfwidth_hz : 0.40;
    psy_hrv_config hc;
    psy_hrv_config_preset("default", &hc);
    hc.spectra = PSY_HRV_WELCH;
    psy_hrv *h = NULL;
    psy_status st = psy_hrv_create(&hc, &h, NULL);
    if (st != PSY_OK) return st;
    psy_hrv_result res;
    st = psy_hrv_compute(h, b->nn_ms, b->nn_onset_s, b->n_nn, &res, NULL);
    const double *f = NULL, *psd = NULL;
    size_t n = 0;
    if (st == PSY_OK) psy_hrv_spectrum(h, PSY_HRV_WELCH, &f, &psd, &n);
    if (st != PSY_OK || !n || res.duration_s < hc.band_min_s[PSY_HRV_HF]) {
        r->hf_why = r->spectrum_why = "NN intervals span less than 60 s for a spectrum";
    } else {
        r->hf_why = r->spectrum_why = NULL;
        r->hf_resp_ms2 = band_power(f, psd, n, r->hf_band_hz[0], r->hf_band_hz[1]);
        if (psy_hrv_spectrum_peak(f, psd, n, 0.04, 0.15, 0.015, &r->resonance_hz, &r->resonance_power_ms2) != PSY_OK)
            r->spectrum_why = "no spectral bin in 0.04-0.15 Hz";
        r->coherence_ratio = psy_hrv_coherence_ratio(f, psd, n);
    }
    psy_hrv_destroy(h);
    return st == PSY_E_NOMEM ? st : PSY_OK;
}

psy_status psy_rsa_compute(const psy_beat_list *beats, const psy_breath_list *breaths, const psy_rsa_config *config,
                           psy_rsa_result *out)
{
    if (!beats || !breaths || !out || (beats->n_nn && (!beats->nn_ms || !beats->nn_onset_s))) return PSY_E_INVALID;
    memset(out, 0, sizeof *out);
    psy_rsa_config c = config ? *config : psy_rsa_config_default();
    if (!psy_reserved_clear(c.reserved) || !(c.pb_band_hz[0] > 0 && c.pb_band_hz[1] > c.pb_band_hz[0] && c.pb_band_hz[1] < 0.5 * PB_RATE_HZ &&
          c.pb_epoch_s >= 5 && c.resp_band_halfwidth_hz > 0 && c.slow_breathing_per_min >= 0))
        return PSY_E_INVALID;
    size_t nb = breaths->n;
    out->n_breaths = nb;
    out->p2t_ms = malloc((nb ? nb : 1) * sizeof *out->p2t_ms);
    out->hr_osc_bpm = malloc((nb ? nb : 1) * sizeof *out->hr_osc_bpm);
    if (!out->p2t_ms || !out->hr_osc_bpm) {
        psy_rsa_result_clear(out);
        return PSY_E_NOMEM;
    }
    double sum = 0, ss = 0, osc = 0;
    size_t from = 0, n_osc = 0;
    for (size_t i = 0; i < nb; i++) {
        rsa_one_breath(beats->nn_onset_s, beats->nn_ms, beats->n_nn, &from, breaths->onset_s[i], breaths->peak_s[i],
                       breaths->end_s[i], c.p2t_method, &out->p2t_ms[i], &out->hr_osc_bpm[i]);
        if (!isnan(out->p2t_ms[i])) sum += out->p2t_ms[i], out->p2t_n++, out->p2t_no_rsa += out->p2t_ms[i] == 0;
        if (!isnan(out->hr_osc_bpm[i])) osc += out->hr_osc_bpm[i], n_osc++;
    }
    out->p2t_mean_ms = out->p2t_n >= PSY_RSA_MIN_BREATHS ? sum / (double)out->p2t_n : NAN;
    for (size_t i = 0; i < nb; i++)
        if (!isnan(out->p2t_ms[i])) ss += (out->p2t_ms[i] - out->p2t_mean_ms) * (out->p2t_ms[i] - out->p2t_mean_ms);
    out->p2t_sd_ms = out->p2t_n >= PSY_RSA_MIN_BREATHS ? sqrt(ss / (double)(out->p2t_n - 1)) : NAN;
    out->p2t_ln_mean = out->p2t_mean_ms > 0 ? log(out->p2t_mean_ms) : NAN;
    out->hr_osc_mean_bpm = n_osc >= PSY_RSA_MIN_BREATHS ? osc / (double)n_osc : NAN;
    porges_bohrer(beats, &c, out);
    psy_breath_summary s;
    psy_breath_summarize(breaths, &s);
    out->breathing_hz = s.rate.per_min / 60.0;
    psy_status st = spectral(beats, &c, out);
    if (st != PSY_OK) psy_rsa_result_clear(out);
    return st;
}
