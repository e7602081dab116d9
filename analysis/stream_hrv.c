/* Rolling HRV for the stream: RMSSD / SDNN over the last seconds or beats, and the Welch LF, HF
 * and resonance peak over a sliding window, by psy_hrv_compute itself (two analysers, one per
 * window, with their buffers and FFTW plans reserved at init: psy_hrv_reserve). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psy_core.h" /* psy_fail */
#include "stream_internal.h"

#define MIN_NN_MS 1.0 /* psy_hrv_compute's bounds on an interval */
#define MAX_NN_MS 10000.0
#define MAX_BPM 300.0 /* sizes the ring: the most beats a window can hold */

/* An analyser for one window: the stream's HRV settings with only what it reports. */
static psy_status analyser(const psy_hrv_config *base, int spectra, size_t max_nn, double span_s, psy_hrv **out,
                           psy_message *why)
{
    psy_hrv_config c = *base;
    c.spectra = spectra;
    c.nonlinear = 0;
    psy_status st = psy_hrv_create(&c, out, why);
    if (st == PSY_OK) st = psy_hrv_reserve(*out, max_nn, span_s, why);
    return st;
}

psy_status stream_hrv_init(stream_hrv *h, const psy_stream_config *cfg, size_t max_provisional, psy_message *why)
{
    memset(h, 0, sizeof *h);
    h->cfg = cfg;
    double longest = fmax(cfg->freq_window_s, cfg->time_window_s);
    h->cap = (size_t)ceil(longest * MAX_BPM / 60.0) + cfg->time_window_beats + 8;
    h->ring_nn = malloc(h->cap * sizeof *h->ring_nn);
    h->ring_t = malloc(h->cap * sizeof *h->ring_t);
    h->nn = malloc(h->cap * sizeof *h->nn);
    h->t = malloc(h->cap * sizeof *h->t);
    h->ex_cap = max_provisional;
    h->ex_nn = malloc((h->ex_cap ? h->ex_cap : 1) * sizeof *h->ex_nn);
    h->ex_t = malloc((h->ex_cap ? h->ex_cap : 1) * sizeof *h->ex_t);
    if (!h->ring_nn || !h->ring_t || !h->nn || !h->t || !h->ex_nn || !h->ex_t)
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    psy_status st = analyser(&cfg->hrv, 0, h->cap, fmin(longest, 3600), &h->time, why);
    if (st == PSY_OK) st = analyser(&cfg->hrv, PSY_HRV_WELCH, h->cap, cfg->freq_window_s, &h->freq, why);
    if (st != PSY_OK) return st;
    stream_hrv_reset(h);
    return PSY_OK;
}

void stream_hrv_reset(stream_hrv *h)
{
    h->head = h->n = 0;
    h->last_t = h->line_slot = h->prov_slot = -INFINITY;
    h->unreported = 0;
}

/* Whether a line at t_s is due: always without a cadence, else when t_s lies in a later slot of
 * hrv_interval_s than the last line's (kept in *slot). The slots are fixed in stream time, so the
 * lines depend on the NN series only, not on how the input was pushed. */
static int line_due(const stream_hrv *h, double t_s, double *slot)
{
    double every = h->cfg->hrv_interval_s;
    if (!(every > 0)) return 1;
    double k = floor(t_s / every);
    if (!(k > *slot)) return 0;
    *slot = k;
    return 1;
}

void stream_hrv_free(stream_hrv *h)
{
    free(h->ring_nn), free(h->ring_t), free(h->nn), free(h->t), free(h->ex_nn), free(h->ex_t);
    psy_hrv_destroy(h->time);
    psy_hrv_destroy(h->freq);
    memset(h, 0, sizeof *h);
}

/* The intervals of the ring, then the m extra ones (ex_nn / ex_t: provisional intervals after
 * the ring's), whose time lies in (t_end - window_s, t_end] (window_s <= 0: the last `beats`
 * intervals) into h->nn / h->t (the latest h->cap of them); returns how many. */
static size_t window(stream_hrv *h, double t_end, double window_s, size_t beats, const double *ex_nn,
                     const double *ex_t, size_t m)
{
    size_t total = h->n + m, first = 0;
#define T_AT(i) ((i) < h->n ? h->ring_t[(h->head + (i)) % h->cap] : ex_t[(i) - h->n])
    if (window_s > 0) {
        while (first < total && !(T_AT(first) > t_end - window_s)) first++;
    } else if (total > beats) {
        first = total - beats;
    }
    if (total - first > h->cap) first = total - h->cap;
    size_t k = 0;
    for (size_t i = first; i < total; i++, k++) {
        h->nn[k] = i < h->n ? h->ring_nn[(h->head + i) % h->cap] : ex_nn[i - h->n];
        h->t[k] = T_AT(i);
    }
#undef T_AT
    return k;
}

/* RMSSD and SDNN of the n intervals in h->nn / h->t, with psy_hrv_compute's reasons. */
static void time_domain(stream_hrv *h, size_t n, psy_stream_output *o)
{
    psy_hrv_result r;
    o->u.hrv.n_time = n;
    o->u.hrv.sdnn_ms = o->u.hrv.rmssd_ms = NAN;
    o->u.hrv.sdnn_na = o->u.hrv.rmssd_na = "out of memory";
    if (psy_hrv_compute(h->time, h->nn, h->t, n, &r, NULL) != PSY_OK) return;
    o->u.hrv.rmssd_ms = r.values.v[PSY_HRV_RMSSD_MS], o->u.hrv.rmssd_na = r.values.na[PSY_HRV_RMSSD_MS];
    o->u.hrv.sdnn_ms = r.values.v[PSY_HRV_SDNN_MS], o->u.hrv.sdnn_na = r.values.na[PSY_HRV_SDNN_MS];
}

/* The resonance peak (psy_hrv_spectrum_peak) within the configured band, and the coherence ratio. */
static void resonance(const stream_hrv *h, psy_stream_output *o)
{
    const psy_stream_config *c = h->cfg;
    const double *f, *psd;
    size_t np;
    psy_hrv_spectrum(h->freq, PSY_HRV_WELCH, &f, &psd, &np);
    psy_status st = psy_hrv_spectrum_peak(f, psd, np, c->resonance_band_hz[0], c->resonance_band_hz[1],
                                          c->resonance_halfwidth_hz, &o->u.hrv.peak_hz, &o->u.hrv.peak_power_ms2);
    o->u.hrv.peak_na = st == PSY_OK ? NULL : "no spectral bin in the resonance band";
    if (st == PSY_OK) o->u.hrv.coherence_ratio = psy_hrv_coherence_ratio(f, psd, np);
}

/* Welch bands and the resonance peak of the n intervals in h->nn / h->t, with psy_hrv_compute's
 * reasons. */
static void frequency_domain(stream_hrv *h, size_t n, psy_stream_output *o)
{
    psy_hrv_result r;
    o->u.hrv.n_freq = n;
    o->u.hrv.lf_ms2 = o->u.hrv.hf_ms2 = o->u.hrv.lf_hf = NAN;
    o->u.hrv.peak_hz = o->u.hrv.peak_power_ms2 = o->u.hrv.coherence_ratio = NAN;
    o->u.hrv.lf_na = o->u.hrv.hf_na = o->u.hrv.lf_hf_na = o->u.hrv.peak_na = "out of memory";
    if (psy_hrv_compute(h->freq, h->nn, h->t, n, &r, NULL) != PSY_OK) return;
    o->u.hrv.lf_ms2 = r.welch.v[PSY_HRV_LF_MS2], o->u.hrv.lf_na = r.welch.na[PSY_HRV_LF_MS2];
    o->u.hrv.hf_ms2 = r.welch.v[PSY_HRV_HF_MS2], o->u.hrv.hf_na = r.welch.na[PSY_HRV_HF_MS2];
    o->u.hrv.lf_hf = r.welch.v[PSY_HRV_LF_HF], o->u.hrv.lf_hf_na = r.welch.na[PSY_HRV_LF_HF];
    o->u.hrv.peak_na = o->u.hrv.lf_na; /* as long as the LF band is */
    if (!isnan(o->u.hrv.lf_ms2)) resonance(h, o);
}

/* The HRV line at t_s over the ring and the m extra intervals. */
static void compute(stream_hrv *h, double t_s, const double *ex_nn, const double *ex_t, size_t m, psy_stream_output *o)
{
    memset(o, 0, sizeof *o);
    o->kind = PSY_STREAM_HRV;
    o->onset_s = t_s;
    size_t n = window(h, t_s, h->cfg->time_window_beats ? 0 : h->cfg->time_window_s, h->cfg->time_window_beats,
                      ex_nn, ex_t, m);
    time_domain(h, n, o);
    n = window(h, t_s, h->cfg->freq_window_s, 0, ex_nn, ex_t, m);
    frequency_domain(h, n, o);
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
    h->unreported = !line_due(h, t_s, &h->line_slot);
    if (h->unreported) return 0;
    compute(h, t_s, NULL, NULL, 0, o);
    return 1;
}

int stream_hrv_flush(stream_hrv *h, psy_stream_output *o)
{
    if (!h->unreported) return 0;
    h->unreported = 0;
    compute(h, h->last_t, NULL, NULL, 0, o);
    return 1;
}

int stream_hrv_peek(stream_hrv *h, const double *nn_ms, const double *t_s, size_t m, psy_stream_output *o)
{
    /* the provisional intervals psy_hrv_compute would take: in range, after the ring's */
    size_t k = 0;
    double last = h->last_t;
    for (size_t i = 0; i < m; i++)
        if (k < h->ex_cap && nn_ms[i] >= MIN_NN_MS && nn_ms[i] <= MAX_NN_MS && isfinite(t_s[i]) && t_s[i] > last)
            h->ex_nn[k] = nn_ms[i], h->ex_t[k++] = t_s[i], last = t_s[i];
    if (k == 0 || !line_due(h, last, &h->prov_slot)) return 0;
    compute(h, last, h->ex_nn, h->ex_t, k, o);
    o->u.hrv.provisional = 1;
    return 1;
}
