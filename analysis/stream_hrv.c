/* Rolling HRV for the stream: RMSSD / SDNN over the last seconds or beats, and the Welch LF, HF
 * and resonance peak over a sliding window, computed as psy_hrv_compute does (same resampling,
 * detrending, Welch and band sums: dsp/hrv.c) but in buffers and FFTW plans made at init. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h" /* psy_fail */
#include "stream_internal.h"

#define MIN_NN_MS 1.0 /* psy_hrv_compute's bounds on an interval */
#define MAX_NN_MS 10000.0
#define MAX_BPM 300.0 /* sizes the ring: the most beats a window can hold */
#define MAX_FFT_SIZES 2048 /* FFTW plans made at init, one per transform size */

/* Welch's segment and FFT length for m resampled points, as dsp/hrv.c chooses them. */
static void welch_sizes(const psy_hrv_config *c, size_t m, size_t *seg, size_t *nfft)
{
    double fs = c->resample_hz;
    *seg = c->welch_segment_s > 0 ? (size_t)llround(c->welch_segment_s * fs) : m / 2;
    *nfft = *seg * (size_t)c->welch_nfft_factor;
    if (*seg > m) {
        *seg = m;
        for (*nfft = 64; *nfft < *seg * (size_t)c->welch_nfft_factor;) *nfft *= 2;
    }
}

psy_status stream_hrv_init(stream_hrv *h, const psy_stream_config *cfg, psy_message *why)
{
    memset(h, 0, sizeof *h);
    h->cfg = cfg;
    const psy_hrv_config *c = &cfg->hrv;
    double longest = fmax(cfg->freq_window_s, cfg->time_window_s);
    h->cap = (size_t)ceil(longest * MAX_BPM / 60.0) + cfg->time_window_beats + 8;
    h->max_m = (size_t)ceil(cfg->freq_window_s * c->resample_hz + 1) + 2;
    size_t work_n = 6 * (h->max_m > h->cap ? h->max_m : h->cap) + 3;
    /* Every transform size a window of up to max_m points can ask for: the FFT length grows with
     * the window (powers of two while the window is shorter than a segment, then the segment's;
     * half the window with welch_segment_s = 0), so a new size differs from the last one. */
    h->ffts = calloc(h->max_m, sizeof *h->ffts);
    if (!h->ffts) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    size_t biggest = 0;
    for (size_t m = 3; m <= h->max_m; m++) {
        size_t seg, nfft;
        welch_sizes(c, m, &seg, &nfft);
        if (seg < 8 || (h->n_ffts && h->ffts[h->n_ffts - 1].n == nfft)) continue;
        if (h->n_ffts == MAX_FFT_SIZES)
            return psy_fail(why, PSY_E_INVALID, "the HRV window needs more than %d FFT sizes (welch_segment_s 0 "
                            "with a long freq_window_s): give a Welch segment", MAX_FFT_SIZES);
        if (!hrv_fft_prepare(&h->ffts[h->n_ffts], nfft)) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        h->n_ffts++;
        if (nfft > biggest) biggest = nfft;
    }
    h->ring_nn = malloc(h->cap * sizeof *h->ring_nn);
    h->ring_t = malloc(h->cap * sizeof *h->ring_t);
    h->nn = malloc(h->cap * sizeof *h->nn);
    h->t = malloc(h->cap * sizeof *h->t);
    h->z = malloc(2 * h->max_m * sizeof *h->z);
    h->work = malloc(work_n * sizeof *h->work);
    h->max_bins = biggest / 2 + 1;
    h->psd = malloc(h->max_bins * sizeof *h->psd);
    if (!h->ring_nn || !h->ring_t || !h->nn || !h->t || !h->z || !h->work || !h->psd)
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    stream_hrv_reset(h);
    return PSY_OK;
}

void stream_hrv_reset(stream_hrv *h)
{
    h->head = h->n = 0;
    h->last_t = -INFINITY;
}

void stream_hrv_free(stream_hrv *h)
{
    free(h->ring_nn), free(h->ring_t), free(h->nn), free(h->t), free(h->z), free(h->work), free(h->psd);
    for (size_t k = 0; h->ffts && k < h->n_ffts; k++) hrv_fft_free(&h->ffts[k]);
    free(h->ffts);
    memset(h, 0, sizeof *h);
}

/* The intervals of the ring whose time lies in (t_end - window_s, t_end] (window_s <= 0: the
 * last `beats` intervals) into h->nn / h->t; returns how many. */
static size_t window(stream_hrv *h, double t_end, double window_s, size_t beats)
{
    size_t first = 0;
    if (window_s > 0) {
        while (first < h->n && !(h->ring_t[(h->head + first) % h->cap] > t_end - window_s)) first++;
    } else if (h->n > beats) {
        first = h->n - beats;
    }
    size_t k = 0;
    for (size_t i = first; i < h->n; i++, k++) {
        h->nn[k] = h->ring_nn[(h->head + i) % h->cap];
        h->t[k] = h->ring_t[(h->head + i) % h->cap];
    }
    return k;
}

/* SDNN (ddof 1) and RMSSD of contiguous intervals, as hrv_time_domain, with its reasons and the
 * keys' minimum spans (apply_min_spans of dsp/hrv.c). */
static void time_domain(const stream_hrv *h, size_t n, psy_stream_output *o)
{
    o->u.hrv.sdnn_ms = o->u.hrv.rmssd_ms = NAN;
    o->u.hrv.n_time = n;
    o->u.hrv.sdnn_na = o->u.hrv.rmssd_na = n ? "fewer than 2 NN intervals" : "no NN intervals";
    if (n < 2) return;
    o->u.hrv.sdnn_na = NULL;
    o->u.hrv.rmssd_na = "no successive NN intervals";
    double mean = 0, ss = 0, sum2 = 0;
    for (size_t i = 0; i < n; i++) mean += h->nn[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) ss += (h->nn[i] - mean) * (h->nn[i] - mean);
    o->u.hrv.sdnn_ms = sqrt(ss / (double)(n - 1));
    hrv_series s = {h->nn, h->t, n, 0, h->cfg->hrv.successive_across_gaps};
    size_t nd = 0;
    for (size_t i = 1; i < n; i++) {
        if (!hrv_contiguous(&s, i)) continue;
        double d = h->nn[i] - h->nn[i - 1];
        sum2 += d * d, nd++;
    }
    if (nd) o->u.hrv.rmssd_ms = sqrt(sum2 / (double)nd), o->u.hrv.rmssd_na = NULL;
    double span_s = 0;
    for (size_t i = 0; i < n; i++) span_s += h->nn[i];
    span_s /= 1000.0;
    const double *min_s = h->cfg->hrv.min_span_s;
    if (!o->u.hrv.rmssd_na && span_s < min_s[PSY_HRV_RMSSD_MS])
        o->u.hrv.rmssd_ms = NAN, o->u.hrv.rmssd_na = HRV_MIN_SPAN_REASON;
    if (!o->u.hrv.sdnn_na && span_s < min_s[PSY_HRV_SDNN_MS])
        o->u.hrv.sdnn_ms = NAN, o->u.hrv.sdnn_na = HRV_MIN_SPAN_REASON;
}

static hrv_fft *fft_of_size(stream_hrv *h, size_t n)
{
    for (size_t k = 0; k < h->n_ffts; k++)
        if (h->ffts[k].n == n) return &h->ffts[k];
    return NULL;
}

/* The resonance peak: the largest bin within the resonance band, and the power within
 * ±halfwidth of it (HRV biofeedback: Lehrer, Vaschillo & Vaschillo 2000, Appl Psychophysiol
 * Biofeedback 25(3):177-191, breathing at ~0.1 Hz maximises the LF peak). */
static void resonance(const stream_hrv *h, size_t np, double df, psy_stream_output *o)
{
    const psy_stream_config *c = h->cfg;
    double best = -1, peak = NAN, power = 0;
    for (size_t i = 0; i < np; i++) {
        double f = (double)i * df;
        if (f >= c->resonance_band_hz[0] && f <= c->resonance_band_hz[1] && h->psd[i] > best)
            best = h->psd[i], peak = f;
    }
    if (isnan(peak)) {
        o->u.hrv.peak_na = "no spectral bin in the resonance band";
        return;
    }
    o->u.hrv.peak_na = NULL;
    for (size_t i = 0; i < np; i++)
        if (fabs((double)i * df - peak) <= c->resonance_halfwidth_hz + 1e-12) power += h->psd[i] * df;
    o->u.hrv.peak_hz = peak;
    o->u.hrv.peak_power_ms2 = power;
}

/* Every frequency value of o NaN with this reason. */
static void frequency_na(psy_stream_output *o, const char *why)
{
    o->u.hrv.lf_ms2 = o->u.hrv.hf_ms2 = o->u.hrv.lf_hf = NAN;
    o->u.hrv.peak_hz = o->u.hrv.peak_power_ms2 = NAN;
    o->u.hrv.lf_na = o->u.hrv.hf_na = o->u.hrv.lf_hf_na = o->u.hrv.peak_na = why;
}

/* Welch bands of the n intervals in h->nn / h->t (frequency() and welch() of dsp/hrv.c, with
 * their reasons). */
static void frequency_domain(stream_hrv *h, size_t n, psy_stream_output *o)
{
    const psy_hrv_config *c = &h->cfg->hrv;
    o->u.hrv.n_freq = n;
    frequency_na(o, "fewer than 3 NN intervals");
    if (n < 3) return;
    double fs = c->resample_hz, span = h->t[n - 1] - h->t[0], dur = 0;
    for (size_t i = 0; i < n; i++) dur += h->nn[i];
    dur /= 1000.0;
    size_t m = (size_t)ceil(span * fs + 1);
    if (m < 3) m = 3;
    if (m > h->max_m) { /* cannot happen: the window bounds the span */
        frequency_na(o, "the window spans too long");
        return;
    }
    double *z = h->z;
    if (c->quadratic_spline) hrv_quadratic_resample(h->t, h->nn, n, h->t[0], fs, m, z, h->work);
    else hrv_spline_resample(h->t, h->nn, n, h->t[0], fs, m, z, h->work);
    if (c->detrend == PSY_HRV_DETREND_SMOOTHNESS) hrv_detrend_smoothness(z, m, c->lambda, h->work);
    else if (c->detrend == PSY_HRV_DETREND_LINEAR) hrv_detrend_linear(z, m);
    double mean = 0;
    for (size_t k = 0; k < m; k++) mean += z[k];
    mean /= (double)m;
    for (size_t k = 0; k < m; k++) z[k] -= mean;
    size_t seg, nfft;
    welch_sizes(c, m, &seg, &nfft);
    hrv_fft *fft = fft_of_size(h, nfft);
    if (seg < 8 || !fft) {
        frequency_na(o, "too few resampled points for a Welch segment");
        return;
    }
    size_t np = hrv_welch(z, m, fs, seg, c->welch_overlap, nfft, c->welch_segment_detrend, fft, h->psd);
    if (!np) {
        frequency_na(o, "no Welch spectrum");
        return;
    }
    double df = fs / (double)fft->n;
    double min_hz = c->band_trapz ? 4 * fs / (double)m * (1 - 1e-12) : 0;
    psy_hrv_values v;
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) v.v[k] = NAN, v.na[k] = NULL;
    hrv_bands(h->psd, np, df, min_hz, dur, c, &v);
    o->u.hrv.lf_ms2 = v.v[PSY_HRV_LF_MS2], o->u.hrv.lf_na = v.na[PSY_HRV_LF_MS2];
    o->u.hrv.hf_ms2 = v.v[PSY_HRV_HF_MS2], o->u.hrv.hf_na = v.na[PSY_HRV_HF_MS2];
    o->u.hrv.lf_hf = v.v[PSY_HRV_LF_HF], o->u.hrv.lf_hf_na = v.na[PSY_HRV_LF_HF];
    o->u.hrv.peak_na = o->u.hrv.lf_na; /* as long as the LF band is */
    if (!isnan(o->u.hrv.lf_ms2)) resonance(h, np, df, o);
}

int stream_hrv_add(stream_hrv *h, double nn_ms, double t_s, psy_stream_output *o)
{
    if (!(nn_ms >= MIN_NN_MS && nn_ms <= MAX_NN_MS) || !isfinite(t_s) || !(t_s > h->last_t)) return 0;
    h->last_t = t_s;
    if (h->n == h->cap) h->head = (h->head + 1) % h->cap, h->n--;
    h->ring_nn[(h->head + h->n) % h->cap] = nn_ms;
    h->ring_t[(h->head + h->n) % h->cap] = t_s;
    h->n++;
    /* intervals older than both windows are no longer needed */
    double keep = fmax(h->cfg->freq_window_s, h->cfg->time_window_s);
    size_t keep_beats = h->cfg->time_window_beats;
    while (h->n > keep_beats && h->n > 1 && !(h->ring_t[h->head] > t_s - keep))
        h->head = (h->head + 1) % h->cap, h->n--;
    memset(o, 0, sizeof *o);
    o->kind = PSY_STREAM_HRV;
    o->onset_s = t_s;
    size_t n = window(h, t_s, h->cfg->time_window_beats ? 0 : h->cfg->time_window_s,
                      h->cfg->time_window_beats);
    time_domain(h, n, o);
    n = window(h, t_s, h->cfg->freq_window_s, 0);
    frequency_domain(h, n, o);
    return 1;
}
