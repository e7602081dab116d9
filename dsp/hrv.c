/* HRV analyser: settings, the cleaning of the input series, and the order of the analyses
 * (time domain, nonlinear, Welch on the resampled series, Lomb on the uneven series). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hrv_internal.h"
#include "psy_core.h" /* psy_fail */

/* Spectra are bounded so that one series never needs more than ~64 MB in one buffer, whatever a
 * beats table claims (a gap of days): at most 48 h (window longer recordings), at most 1.2 M
 * resampled points (made in blocks for Welch, but the AR model holds them all) and a 6 M-point
 * Lomb grid. */
#define MAX_SPECTRUM_S (48 * 3600.0)
#define MAX_RESAMPLED 1.2e6
#define MAX_LOMB_GRID 6e6

static const char *const key_names[PSY_HRV_KEY_COUNT] = {
    "mean_nn_ms", "sdnn_ms", "rmssd_ms", "sdsd_ms", "pnn50_pct", "pnn20_pct", "cvnn", "cvsd",
    "median_nn_ms", "mad_nn_ms", "iqr_nn_ms", "min_nn_ms", "max_nn_ms", "mean_hr_bpm",
    "min_hr_bpm", "max_hr_bpm", "hti", "tinn_ms", "sdann_ms", "sdnni_ms", "ulf_ms2", "vlf_ms2",
    "lf_ms2", "hf_ms2", "vhf_ms2", "total_power_ms2", "lf_hf", "lf_nu", "hf_nu", "lf_peak_hz",
    "hf_peak_hz", "sd1_ms", "sd2_ms", "sd1_sd2", "ellipse_area_ms2", "sampen", "apen",
    "dfa_alpha1", "dfa_alpha2"};

const char *psy_hrv_key_name(psy_hrv_key key)
{
    return (unsigned)key < PSY_HRV_KEY_COUNT ? key_names[key] : "";
}

int psy_hrv_key_is_frequency(psy_hrv_key key)
{
    return key >= PSY_HRV_FIRST_FREQ_KEY && key <= PSY_HRV_LAST_FREQ_KEY;
}

psy_hrv_config psy_hrv_config_default(void)
{
    psy_hrv_config c;
    memset(&c, 0, sizeof c);
    c.hist_bin_ms = 1000.0 / 128.0;
    c.pnn_per_interval = 0;
    c.sdann_window_s = 300;
    c.sdann_neurokit = 0;
    c.min_geometric_s = 1200;
    c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB;
    c.ar_order = 16;
    c.resample_hz = 4;
    c.detrend = PSY_HRV_DETREND_SMOOTHNESS;
    c.lambda = 500;
    c.welch_segment_s = 300;
    c.welch_segment_detrend = 2;
    c.welch_overlap = 0.5;
    c.welch_nfft_factor = 1;
    c.band_trapz = 0;
    c.total_power_all_bands = 0;
    c.lomb_oversampling = 4;
    c.max_hz = 0.5;
    static const double bands[PSY_HRV_BAND_COUNT][2] = {
        {0, 0.0033}, {0.0033, 0.04}, {0.04, 0.15}, {0.15, 0.4}, {0.4, 0.5}};
    static const double min_s[PSY_HRV_BAND_COUNT] = {3030, 300, 120, 60, 60};
    memcpy(c.band_hz, bands, sizeof bands);
    memcpy(c.band_min_s, min_s, sizeof min_s);
    c.entropy_m = 2;
    c.entropy_r_sd = 0.2;
    c.dfa1_min = 4, c.dfa1_max = 16;
    c.dfa2_min = 16, c.dfa2_max = 64;
    c.dfa_overlap = 0;
    c.nonlinear = 1;
    c.min_nonlinear_nn = 200;
    c.dfa_min_windows = 10;
    static const struct {
        psy_hrv_key key;
        double s;
    } spans[] = {{PSY_HRV_RMSSD_MS, 10},  {PSY_HRV_SDSD_MS, 10},   {PSY_HRV_CVSD, 10},
                 {PSY_HRV_SD1_MS, 10},    {PSY_HRV_SDNN_MS, 30},   {PSY_HRV_CVNN, 30},
                 {PSY_HRV_MAD_NN_MS, 30}, {PSY_HRV_IQR_NN_MS, 30}, {PSY_HRV_SD2_MS, 30},
                 {PSY_HRV_SD1_SD2, 30},   {PSY_HRV_ELLIPSE_AREA_MS2, 30},
                 {PSY_HRV_PNN50_PCT, 60}, {PSY_HRV_PNN20_PCT, 60}};
    for (size_t k = 0; k < sizeof spans / sizeof spans[0]; k++) c.min_span_s[spans[k].key] = spans[k].s;
    c.max_corrected_pct = 5;
    c.keep_corrected = 0;
    c.max_gap_pct = 5;
    return c;
}

psy_status psy_hrv_config_preset(const char *name, psy_hrv_config *c)
{
    if (!name || !c) return PSY_E_INVALID;
    *c = psy_hrv_config_default();
    if (strcmp(name, "default") == 0) return PSY_OK;
    if (strcmp(name, "kubios") == 0) /* the defaults follow Kubios HRV */
        return PSY_OK;
    if (strcmp(name, "neurokit") == 0) { /* NeuroKit2 0.2.12 hrv_time/frequency/nonlinear */
        c->pnn_per_interval = 1;
        c->sdann_neurokit = 1;
        c->detrend = PSY_HRV_DETREND_NONE;
        c->welch_segment_s = 0;
        c->welch_nfft_factor = 2;
        c->welch_segment_detrend = 0;
        c->quadratic_spline = 1;
        c->band_trapz = 1;
        c->total_power_all_bands = 1;
        c->dfa1_min = 4, c->dfa1_max = 11;
        c->dfa2_min = 12, c->dfa2_max = 0;
        c->dfa_overlap = 1;
        c->dfa_min_variance = 1e-8; /* its fractal_dfa drops windows with var <= 1e-8 */
        return PSY_OK;
    }
    if (strcmp(name, "pcst") == 0) { /* PhysioNet Cardiovascular Signal Toolbox, demo_NSR */
        c->detrend = PSY_HRV_DETREND_NONE; /* freq.zero_mean: only the mean is removed */
        c->entropy_r_sd = 0.15;
        c->spectra = PSY_HRV_LOMB;
        c->lomb_pcst = 1;
        c->band_closed = 1;
        c->total_power_all_bands = 2;
        for (int b = 0; b < PSY_HRV_BAND_COUNT; b++) c->band_min_s[b] = 0;
        for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) c->min_span_s[k] = 0; /* its rule: win_tol */
        c->max_corrected_pct = INFINITY; /* likewise: its cleaning removes, never interpolates */
        c->max_gap_pct = 0;               /* likewise (its windows: at least 85 % of intervals) */
        c->pnn_inclusive = 1;
        c->successive_across_gaps = 1;
        c->sd2_from_sdnn = 1; /* PoincareMetrics */
        c->sampen_pcst = 1;   /* fastSampen */
        return PSY_OK;
    }
    return PSY_E_NOT_FOUND;
}

/* The analyser: settings, the FFT plans by size, the last spectra, and one arena for every
 * other buffer (the series, the work of each metric), all kept between calls at the size of the
 * largest call so far, so a call on a series no longer than one before allocates nothing. */
/* What an analyser keeps after a call unless reserved (psy_hrv_reserve keeps everything): an
 * arena of 4 MB and transforms of up to 2^17 points (a Lomb periodogram of ~2 h), so that a
 * day-long series does not leave tens of MB behind (its Lomb transform alone takes 16 MB). */
#define KEEP_ARENA_BYTES ((size_t)4 << 20)
#define KEEP_FFT_SIZE ((size_t)1 << 17)

struct psy_hrv {
    psy_hrv_config cfg;
    int reserved; /* psy_hrv_reserve was called: keep every buffer */
    hrv_ffts ffts;
    psy_arena arena;
    hrv_buf welch_f, welch_p, lomb_f, lomb_p, ar_f, ar_p;
    size_t welch_n, lomb_n, ar_n; /* values of the last spectra (0: none) */
};

static psy_status check_config(const psy_hrv_config *c, psy_message *why)
{
#define BAD(cond, ...) \
    if (cond) return psy_fail(why, PSY_E_INVALID, __VA_ARGS__)
    BAD(!psy_reserved_clear(c->reserved), "%s", PSY_RESERVED_REASON);
    for (int k = PSY_HRV_KEY_COUNT; k < PSY_HRV_KEY_MAX; k++)
        BAD(c->min_span_s[k] != 0, "min_span_s[%d]: no such key in this library (%s)", k, PSY_RESERVED_REASON);
    BAD(!(c->hist_bin_ms >= 0.1 && c->hist_bin_ms < 1000), "hist_bin_ms %g not in [0.1, 1000)", c->hist_bin_ms);
    BAD(!(c->sdann_window_s >= 10 && c->sdann_window_s <= 86400), "sdann_window_s %g not in [10, 86400]",
        c->sdann_window_s);
    BAD(!(c->resample_hz >= 1 && c->resample_hz <= 100), "resample_hz %g not in [1, 100]", c->resample_hz);
    BAD(!(c->max_hz > 0 && c->max_hz <= c->resample_hz / 2), "max_hz %g not in (0, resample_hz / 2]",
        c->max_hz);
    BAD(!(c->lambda > 0 && c->lambda < 1e7), "lambda %g not in (0, 1e7)", c->lambda);
    BAD((int)c->detrend < 0 || c->detrend > PSY_HRV_DETREND_SMOOTHNESS, "detrend %d unknown", (int)c->detrend);
    BAD(!(c->welch_segment_s == 0 || (c->welch_segment_s >= 10 && c->welch_segment_s <= 3600)),
        "welch_segment_s %g not 0 or in [10, 3600]", c->welch_segment_s);
    BAD(!(c->welch_overlap >= 0 && c->welch_overlap < 1), "welch_overlap %g not in [0, 1)", c->welch_overlap);
    BAD(c->welch_segment_detrend < 0 || c->welch_segment_detrend > 2, "welch_segment_detrend %d not 0, 1 or 2",
        c->welch_segment_detrend);
    BAD(c->welch_nfft_factor < 1 || c->welch_nfft_factor > 16, "welch_nfft_factor %d not in 1..16",
        c->welch_nfft_factor);
    BAD(!(c->lomb_oversampling >= 1 && c->lomb_oversampling <= 16), "lomb_oversampling %g not in [1, 16]",
        c->lomb_oversampling);
    BAD(c->total_power_all_bands < 0 || c->total_power_all_bands > 2, "total_power_all_bands %d not 0, 1 or 2",
        c->total_power_all_bands);
    BAD(c->spectra < 0 || c->spectra > 7, "spectra %d not a combination of WELCH, LOMB and AR", c->spectra);
    BAD(c->ar_order < 1 || c->ar_order > 100, "ar_order %d not in 1..100", c->ar_order);
    for (int b = 0; b < PSY_HRV_BAND_COUNT; b++)
        BAD(!(c->band_hz[b][0] >= 0 && c->band_hz[b][1] > c->band_hz[b][0]) || !(c->band_min_s[b] >= 0),
            "band %d edges %g..%g or minimum %g s invalid", b, c->band_hz[b][0], c->band_hz[b][1],
            c->band_min_s[b]);
    BAD(c->entropy_m < 1 || c->entropy_m > 10, "entropy_m %d not in 1..10", c->entropy_m);
    BAD(!(c->entropy_r_sd > 0 && c->entropy_r_sd <= 10), "entropy_r_sd %g not in (0, 10]", c->entropy_r_sd);
    BAD(c->dfa1_min < 2 || c->dfa1_max <= c->dfa1_min || c->dfa1_max > 10000, "dfa1 scales %d..%d invalid",
        c->dfa1_min, c->dfa1_max);
    BAD(!(c->dfa_min_variance >= 0 && c->dfa_min_variance < 1e6), "dfa_min_variance %g not in [0, 1e6)",
        c->dfa_min_variance);
    BAD(c->dfa_min_windows < 1 || c->dfa_min_windows > 1000, "dfa_min_windows %d not in 1..1000",
        c->dfa_min_windows);
    BAD(!(c->max_corrected_pct >= 0), "max_corrected_pct %g is negative or NaN", c->max_corrected_pct);
    BAD(!(c->max_gap_pct >= 0 && c->max_gap_pct <= 100), "max_gap_pct %g not in [0, 100]", c->max_gap_pct);
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
        BAD(!(c->min_span_s[k] >= 0), "min_span_s of %s (%g) is negative or NaN", key_names[k], c->min_span_s[k]);
    BAD(c->dfa2_min < 2 || (c->dfa2_max != 0 && (c->dfa2_max <= c->dfa2_min || c->dfa2_max > 10000)),
        "dfa2 scales %d..%d invalid", c->dfa2_min, c->dfa2_max);
#undef BAD
    return PSY_OK;
}

psy_status psy_hrv_create(const psy_hrv_config *config, psy_hrv **out, psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "no output pointer");
    *out = NULL;
    psy_hrv_config c = config ? *config : psy_hrv_config_default();
    psy_status st = check_config(&c, why);
    if (st != PSY_OK) return st;
    psy_hrv *h = calloc(1, sizeof *h);
    if (!h) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    h->cfg = c;
    *out = h;
    return PSY_OK;
}

double *hrv_buf_size(hrv_buf *b, size_t n)
{
    if (n <= b->cap && b->v) return b->v;
    double *v = realloc(b->v, (n ? n : 1) * sizeof *v);
    if (!v) return NULL;
    b->v = v;
    b->cap = n;
    return v;
}

static void forget_spectra(psy_hrv *h)
{
    h->welch_n = h->lomb_n = h->ar_n = 0;
}

void psy_hrv_destroy(psy_hrv *h)
{
    if (!h) return;
    hrv_ffts_free(&h->ffts);
    psy_arena_free(&h->arena);
    hrv_buf *bufs[] = {&h->welch_f, &h->welch_p, &h->lomb_f, &h->lomb_p, &h->ar_f, &h->ar_p};
    for (size_t k = 0; k < sizeof bufs / sizeof bufs[0]; k++) free(bufs[k]->v);
    free(h);
}

const psy_hrv_config *psy_hrv_get_config(const psy_hrv *h)
{
    return h ? &h->cfg : NULL;
}

void hrv_na(psy_hrv_values *v, psy_hrv_key k, const char *reason)
{
    v->v[k] = NAN;
    v->na[k] = reason;
}

static void values_init(psy_hrv_values *v)
{
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) v->v[k] = NAN, v->na[k] = NULL;
}

static void freq_na(psy_hrv_values *v, const char *why)
{
    for (int k = PSY_HRV_FIRST_FREQ_KEY; k <= PSY_HRV_LAST_FREQ_KEY; k++) hrv_na(v, (psy_hrv_key)k, why);
}

/* Frequencies i df, i = 0 .. n - 1, into f. 1, or 0 when out of memory. */
static int freq_axis(hrv_buf *f, size_t n, double df)
{
    if (!hrv_buf_size(f, n)) return 0;
    for (size_t i = 0; i < n; i++) f->v[i] = (double)i * df;
    return 1;
}

/* Welch's segment and FFT length for m resampled points. */
static void welch_sizes(const psy_hrv_config *c, size_t m, size_t *seg, size_t *nfft)
{
    *seg = c->welch_segment_s > 0 ? (size_t)llround(c->welch_segment_s * c->resample_hz) : m / 2;
    *nfft = *seg * (size_t)c->welch_nfft_factor;
    if (*seg > m) {
        /* a series shorter than the segment: one segment of all of it, zero-padded to a power
         * of two, so that windows of similar length share one FFTW plan */
        *seg = m;
        for (*nfft = 64; *nfft < *seg * (size_t)c->welch_nfft_factor;) *nfft *= 2;
    }
}

/* Begins Welch's periodogram of the m resampled points (fed by hrv_grid_run); *seg 0: too few
 * points for a segment. */
static psy_status welch_begin(psy_hrv *h, size_t m, hrv_welch_acc *w, size_t *seg)
{
    const psy_hrv_config *c = &h->cfg;
    size_t nfft;
    welch_sizes(c, m, seg, &nfft);
    if (*seg < 8) {
        *seg = 0;
        return PSY_OK;
    }
    double *p = hrv_buf_size(&h->welch_p, nfft / 2 + 1);
    double *buf = psy_arena_array(&h->arena, *seg, sizeof *buf);
    hrv_fft *fft = hrv_ffts_get(&h->ffts, nfft, 1);
    if (!p || !buf || !fft) return PSY_E_NOMEM;
    hrv_welch_begin(w, *seg, c->welch_overlap, nfft, c->welch_segment_detrend, fft, p, buf);
    return PSY_OK;
}

/* Welch's bands once the series is fed; fills v. */
static psy_status welch_end(psy_hrv *h, hrv_welch_acc *w, size_t seg, size_t m, hrv_band_limits lim,
                            psy_hrv_values *v)
{
    const psy_hrv_config *c = &h->cfg;
    double fs = c->resample_hz;
    if (!seg) {
        freq_na(v, "too few resampled points for a Welch segment");
        return PSY_OK;
    }
    size_t np = hrv_welch_end(w, fs);
    double df = fs / (double)w->nfft;
    if (!np || !freq_axis(&h->welch_f, np, df)) return PSY_E_NOMEM;
    h->welch_n = np;
    lim.min_hz = c->band_trapz ? 4 * fs / (double)m * (1 - 1e-12) : 0;
    lim.cell_hz = fs / (double)seg;
    hrv_bands(w->psd, np, df, &lim, c, v);
    return PSY_OK;
}

/* Burg AR on the resampled, detrended series z[0..m); fills v. */
static psy_status ar(psy_hrv *h, const double *z, size_t m, const hrv_band_limits *lim, psy_hrv_values *v)
{
    const psy_hrv_config *c = &h->cfg;
    enum { AR_POINTS = 4097 };
    double *p = hrv_buf_size(&h->ar_p, AR_POINTS);
    if (!p) return PSY_E_NOMEM;
    double df;
    psy_status st = hrv_burg(z, m, c->ar_order, c->resample_hz, c->max_hz, AR_POINTS, &h->arena, p, &df);
    if (st == PSY_E_TOO_SHORT) {
        freq_na(v, "too few resampled points for the AR model order");
        return PSY_OK;
    }
    if (st != PSY_OK) return st;
    if (!freq_axis(&h->ar_f, AR_POINTS, df)) return PSY_E_NOMEM;
    h->ar_n = AR_POINTS;
    hrv_bands(p, AR_POINTS, df, lim, c, v);
    return PSY_OK;
}

/* Lomb on the uneven series x at t (trend removed by the caller); fills v. */
static psy_status lomb(psy_hrv *h, const double *t, const double *x, size_t n, double gap_s,
                       const hrv_band_limits *lim, psy_hrv_values *v)
{
    const psy_hrv_config *c = &h->cfg;
    double df;
    size_t np;
    psy_status st = c->lomb_pcst ? hrv_lomb_pcst(t, x, n, c->max_hz, &h->arena, &h->lomb_p, &np, &df)
                                 : hrv_lomb(t, x, n, gap_s, c->lomb_oversampling, c->max_hz, &h->ffts, &h->arena,
                                            &h->lomb_p, &np, &df);
    if (st == PSY_E_TOO_SHORT) {
        freq_na(v, "too few beats for a Lomb periodogram");
        return PSY_OK;
    }
    if (st != PSY_OK) return st;
    if (!freq_axis(&h->lomb_f, np, df)) return PSY_E_NOMEM;
    h->lomb_n = np;
    hrv_bands(h->lomb_p.v, np, df, lim, c, v);
    return PSY_OK;
}

/* The length of the even grid over a span: NeuroKit's arange(t0, t_last + 1/fs, 1/fs), at
 * least 3. */
static size_t resampled_count(double span_s, double fs)
{
    size_t m = (size_t)ceil(span_s * fs + 1);
    return m < 3 ? 3 : m;
}

/* The span of the beat times of s (n >= 1) into *span: a source's first and last read alone.
 * PSY_OK or the source's failure. */
static psy_status span_of(const hrv_series *s, double *span)
{
    if (!s->src) {
        *span = s->t[s->n - 1] - s->t[0];
        return PSY_OK;
    }
    double nn, first, last;
    psy_status st = s->src->read(s->src->ctx, 0, 1, &nn, &first);
    if (st == PSY_OK && (st = s->src->read(s->src->ctx, s->n - 1, 1, &nn, &last)) == PSY_OK) *span = last - first;
    return st;
}

/* The series of a source read into arrays on the arena (*out). PSY_OK, PSY_E_NOMEM or the source's
 * failure. */
static psy_status hold(const hrv_series *s, psy_arena *a, hrv_series *out)
{
    double *nn = psy_arena_array(a, s->n, sizeof *nn), *t = psy_arena_array(a, s->n, sizeof *t);
    size_t mark = psy_arena_mark(a);
    hrv_cursor x;
    if (!nn || !t || hrv_cursor_open(&x, s, a) != PSY_OK) return PSY_E_NOMEM;
    for (size_t i = 0; i < s->n; i++) nn[i] = hrv_nn_at(&x, i), t[i] = hrv_t_at(&x, i);
    psy_arena_release(a, mark);
    *out = *s;
    out->nn = nn, out->t = t, out->src = NULL;
    return x.st;
}

/* Seconds of the span of s (in arrays) in gaps between beats (hrv_gap_s). */
static double gap_seconds(const hrv_series *s)
{
    double g = 0;
    for (size_t i = 1; i < s->n; i++) g += hrv_gap_s(s->t[i] - s->t[i - 1], s->nn[i]);
    return g;
}

/* The spectra of the series s. */
static psy_status frequency(psy_hrv *h, const hrv_series *s, psy_hrv_result *r)
{
    const psy_hrv_config *c = &h->cfg;
    int want_w = c->spectra & PSY_HRV_WELCH, want_l = c->spectra & PSY_HRV_LOMB, want_a = c->spectra & PSY_HRV_AR;
    if (!want_w && !want_l && !want_a) return PSY_OK;
    if (s->n < 3) {
        if (want_w) freq_na(&r->welch, "fewer than 3 NN intervals");
        if (want_l) freq_na(&r->lomb, "fewer than 3 NN intervals");
        if (want_a) freq_na(&r->ar, "fewer than 3 NN intervals");
        return PSY_OK;
    }
    hrv_series held;
    double fs = c->resample_hz, span;
    psy_status sp = span_of(s, &span);
    if (sp != PSY_OK) return sp;
    /* Beat times, not the number of beats, size the grids: a series spanning weeks (a gap of days
     * in a beats table) would make them unbounded. */
    if (span > MAX_SPECTRUM_S || span * fs > MAX_RESAMPLED ||
        span * c->lomb_oversampling * c->max_hz * 8 > MAX_LOMB_GRID) {
        const char *why = "the series spans too long for a spectrum (over 48 h or 1.2 M resampled points: "
                          "use windows)";
        if (want_w) freq_na(&r->welch, why);
        if (want_l) freq_na(&r->lomb, why);
        if (want_a) freq_na(&r->ar, why);
        return PSY_OK;
    }
    size_t m = resampled_count(span, fs);
    /* The even grid is made in blocks (dsp/hrv_grid.c): only the AR model holds it whole. */
    psy_arena *a = &h->arena;
    if (s->src) { /* the spectrum reads the series as arrays: at most 48 h of it */
        psy_status ld = hold(s, a, &held);
        if (ld != PSY_OK) return ld;
        s = &held;
    }
    /* A spline bridging a gap invents the slow excursion it draws there (VLF and LF above the
     * series' variance): the resampled spectra allow max_gap_pct of the span in gaps, Lomb, on
     * the beats present, three times that (Clifford & Tarassenko 2005). */
    r->gap_s = gap_seconds(s);
    double gap_pct = span > 0 ? 100 * r->gap_s / span : 0;
    if (c->max_gap_pct > 0 && gap_pct > c->max_gap_pct && (want_w || want_a)) {
        const char *why = "gaps in the beats cover more than max_gap_pct of the span: a resampled spectrum "
                          "would be interpolated across them";
        if (want_w) freq_na(&r->welch, why);
        if (want_a) freq_na(&r->ar, why);
        want_w = want_a = 0;
    }
    if (c->max_gap_pct > 0 && gap_pct > 3 * c->max_gap_pct && want_l) {
        freq_na(&r->lomb, "gaps in the beats cover more than 3 x max_gap_pct of the span");
        want_l = 0;
    }
    if (!want_w && !want_l && !want_a) return PSY_OK;
    hrv_band_limits lim = {0, 0, HRV_POWER_FLOOR(1000 * s->duration_s / (double)s->n), s->duration_s};
    double *x = want_l ? psy_arena_array(a, s->n, sizeof *x) : NULL;
    double *z = want_a ? psy_arena_array(a, m, sizeof *z) : NULL;
    if ((want_l && !x) || (want_a && !z)) return PSY_E_NOMEM;
    hrv_welch_acc w;
    size_t seg = 0, mark = psy_arena_mark(a);
    psy_status st = want_w ? welch_begin(h, m, &w, &seg) : PSY_OK;
    if (st == PSY_OK) st = hrv_grid_run(s, c, m, a, seg ? &w : NULL, z, x);
    if (st == PSY_OK && want_w) st = welch_end(h, &w, seg, m, lim, &r->welch);
    psy_arena_release(a, mark);
    if (st == PSY_OK && want_a) st = ar(h, z, m, &lim, &r->ar);
    if (st == PSY_OK && want_l) {
        /* The uneven series minus the grid's trend (interpolated at the beat times). */
        double xm = 0;
        for (size_t i = 0; i < s->n; i++) {
            x[i] = s->nn[i] - x[i];
            xm += x[i];
        }
        xm /= (double)s->n;
        for (size_t i = 0; i < s->n; i++) x[i] -= xm;
        st = lomb(h, s->t, x, s->n, r->gap_s, &lim, &r->lomb);
    }
    return st;
}

/* The level of the series: kept whatever the share corrected (interpolation keeps the mean). */
static int is_level_key(int k)
{
    return k == PSY_HRV_MEAN_NN_MS || k == PSY_HRV_MEDIAN_NN_MS || k == PSY_HRV_MEAN_HR_BPM;
}

/* Keys below their minimum span (min_span_s) become n/a; a reason already given stays. */
static void apply_min_spans(const psy_hrv_config *c, double duration_s, psy_hrv_values *v)
{
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
        if (c->min_span_s[k] > 0 && duration_s < c->min_span_s[k] && !v->na[k])
            hrv_na(v, (psy_hrv_key)k, HRV_MIN_SPAN_REASON);
}

psy_status psy_hrv_compute(psy_hrv *h, const double *nn_ms, const double *t_s, size_t n,
                           psy_hrv_result *r, size_t *skipped)
{
    return psy_hrv_compute_flagged(h, nn_ms, t_s, NULL, n, r, skipped);
}

/* The nonlinear keys: n/a when not asked (config nonlinear = 0). */
static psy_status nonlinear(const psy_hrv *h, const hrv_series *s, psy_arena *a, psy_hrv_values *v)
{
    if (h->cfg.nonlinear) return hrv_nonlinear(s, &h->cfg, a, v);
    for (int k = PSY_HRV_SD1_MS; k <= PSY_HRV_DFA_ALPHA2; k++) hrv_na(v, (psy_hrv_key)k, "not asked (nonlinear 0)");
    return PSY_OK;
}

/* A result with every value unset. */
static void results_init(psy_hrv_result *r)
{
    memset(r, 0, sizeof *r);
    values_init(&r->values);
    values_init(&r->welch);
    values_init(&r->lomb);
    values_init(&r->ar);
}

/* The analyses of the cleaned series s (its duration in s) into r (results_init'ed):
 * n_corrected of its intervals corrected (SIZE_MAX: not known), and left_out more in its span,
 * which count as corrected ones of it. */
static psy_status analyse_series(psy_hrv *h, const hrv_series *s, size_t n_corrected, size_t left_out,
                                 psy_hrv_result *r)
{
    psy_arena *a = &h->arena;
    size_t k = s->n;
    r->n_nn = k;
    r->duration_s = s->duration_s;
    size_t span = k + left_out;
    r->nn_corrected_pct = n_corrected != SIZE_MAX && span ? 100.0 * (double)(n_corrected + left_out) / (double)span : NAN;
    psy_status st = hrv_time_domain(s, &h->cfg, a, &r->values);
    if (st == PSY_OK) st = nonlinear(h, s, a, &r->values);
    apply_min_spans(&h->cfg, r->duration_s, &r->values);
    if (st == PSY_OK) st = frequency(h, s, r);
    /* the first spectrum computed also fills the frequency keys of values */
    const psy_hrv_values *first = (h->cfg.spectra & PSY_HRV_WELCH) ? &r->welch
                                  : (h->cfg.spectra & PSY_HRV_LOMB) ? &r->lomb
                                  : (h->cfg.spectra & PSY_HRV_AR)   ? &r->ar
                                                                    : NULL;
    for (int q = PSY_HRV_FIRST_FREQ_KEY; q <= PSY_HRV_LAST_FREQ_KEY; q++) {
        if (first) r->values.v[q] = first->v[q], r->values.na[q] = first->na[q];
        else hrv_na(&r->values, (psy_hrv_key)q, "no spectrum asked");
    }
    r->over_corrected = r->nn_corrected_pct > h->cfg.max_corrected_pct;
    if (r->over_corrected && !h->cfg.keep_corrected) {
        psy_hrv_values *all[4] = {&r->values, &r->welch, &r->lomb, &r->ar};
        for (int q = 0; q < 4; q++)
            for (int key = 0; key < PSY_HRV_KEY_COUNT; key++)
                if (!is_level_key(key) && (all[q]->na[key] || !isnan(all[q]->v[key])))
                    hrv_na(all[q], (psy_hrv_key)key, PSY_HRV_OVER_CORRECTED_REASON);
    }
    return st;
}

/* psy_hrv_compute_flagged between the arena's reset and settle. */
static psy_status analyse(psy_hrv *h, const double *nn_ms, const double *t_s, const uint8_t *corrected,
                          size_t n, size_t left_out, psy_hrv_result *r, size_t *skipped)
{
    psy_arena *a = &h->arena;
    results_init(r);
    /* Keep finite intervals in [1 ms, 10 s] whose beat times increase: a series that is all such
     * is analysed where it lies (no copy: a day of beats is 1.7 MB a series); at the first one
     * skipped (or without beat times) the kept ones go to a copy. */
    size_t k = 0, n_corrected = 0;
    double last_t = -INFINITY, dur = 0, acc = 0;
    double *nn_kept = NULL, *t_kept = NULL;
    for (size_t i = 0; i < n; i++) {
        double v = nn_ms[i];
        if (!t_s && isfinite(v) && v > 0) acc += v / 1000.0;
        double ti = t_s ? t_s[i] : acc;
        int keep = hrv_interval_kept(v, ti, last_t);
        if (!nn_kept && (!keep || !t_s)) { /* until now every interval was kept: k == i */
            nn_kept = psy_arena_array(a, n, sizeof *nn_kept);
            t_kept = psy_arena_array(a, n, sizeof *t_kept);
            if (!nn_kept || !t_kept) return PSY_E_NOMEM;
            memcpy(nn_kept, nn_ms, k * sizeof *nn_kept);
            if (k) memcpy(t_kept, t_s, k * sizeof *t_kept);
        }
        if (!keep) continue;
        if (nn_kept) nn_kept[k] = v, t_kept[k] = ti;
        last_t = ti, dur += v, k++;
        n_corrected += corrected && corrected[i];
    }
    const double *nn = nn_kept ? nn_kept : nn_ms, *t = t_kept ? t_kept : t_s;
    if (skipped) *skipped = n - k;
    hrv_series s = {nn, t, k, dur / 1000.0, h->cfg.successive_across_gaps, NULL};
    return analyse_series(h, &s, corrected ? n_corrected : SIZE_MAX, left_out, r);
}

/* Every compute call starts with no spectra and an empty arena ... */
static void call_begin(psy_hrv *h)
{
    forget_spectra(h);
    psy_arena_reset(&h->arena);
}

/* ... and ends giving back what a reserved analyser does not keep; st, or PSY_E_NOMEM. */
static psy_status call_end(psy_hrv *h, psy_status st)
{
    if (!psy_arena_settle(&h->arena, h->reserved ? SIZE_MAX : KEEP_ARENA_BYTES) && st == PSY_OK) st = PSY_E_NOMEM;
    if (!h->reserved) hrv_ffts_trim(&h->ffts, KEEP_FFT_SIZE);
    return st;
}

psy_status psy_hrv_compute_flagged(psy_hrv *h, const double *nn_ms, const double *t_s,
                                   const uint8_t *corrected, size_t n, psy_hrv_result *r,
                                   size_t *skipped)
{
    return hrv_compute_left_out(h, nn_ms, t_s, corrected, n, 0, r, skipped);
}

psy_status hrv_compute_left_out(psy_hrv *h, const double *nn_ms, const double *t_s, const uint8_t *corrected,
                                size_t n, size_t left_out, psy_hrv_result *r, size_t *skipped)
{
    if (!h || !r || (n && !nn_ms)) return PSY_E_INVALID;
    call_begin(h);
    return call_end(h, analyse(h, nn_ms, t_s, corrected, n, left_out, r, skipped));
}

psy_status hrv_compute_source(psy_hrv *h, const hrv_source *src, size_t n, double duration_s, size_t n_corrected,
                              size_t left_out, psy_hrv_result *r)
{
    if (!h || !src || !r || n_corrected > n || !(duration_s >= 0) || !isfinite(duration_s)) return PSY_E_INVALID;
    call_begin(h);
    results_init(r);
    hrv_series s = {NULL, NULL, n, duration_s, h->cfg.successive_across_gaps, src};
    return call_end(h, analyse_series(h, &s, n_corrected, left_out, r));
}

/* Worst cases for psy_hrv_reserve: a live window never holds more. */
#define RESERVE_MAX_NN ((size_t)1 << 20)
#define RESERVE_MAX_SPAN_S 3600.0
#define RESERVE_MAX_SIZES 2048

/* Adds size n to the list sizes[0..*k) unless it is there; 0 when the list is full. */
static int add_size(size_t *sizes, size_t *k, size_t n)
{
    for (size_t i = 0; i < *k; i++)
        if (sizes[i] == n) return 1;
    if (*k == RESERVE_MAX_SIZES) return 0;
    sizes[(*k)++] = n;
    return 1;
}

psy_status psy_hrv_reserve(psy_hrv *h, size_t max_nn, double max_span_s, psy_message *why)
{
    if (!h) return psy_fail(why, PSY_E_INVALID, "no analyser");
    if (max_nn < 3 || max_nn > RESERVE_MAX_NN || !(max_span_s > 0 && max_span_s <= RESERVE_MAX_SPAN_S))
        return psy_fail(why, PSY_E_INVALID, "reserve for %zu intervals over %g s: not in 3..%zu intervals and "
                        "(0, %g] s", max_nn, max_span_s, RESERVE_MAX_NN, RESERVE_MAX_SPAN_S);
    const psy_hrv_config *c = &h->cfg;
    /* Every FFT size a series within the bounds can ask for: Welch's grows with the resampled
     * length (powers of two while the series is shorter than a segment, then the segment's;
     * half the series with welch_segment_s 0), Lomb's with the span. */
    size_t *sizes = malloc(RESERVE_MAX_SIZES * sizeof *sizes), k = 0, max_nfft = 0;
    if (!sizes) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    int fits = 1;
    size_t max_m = resampled_count(max_span_s, c->resample_hz);
    for (size_t m = 3; fits && (c->spectra & PSY_HRV_WELCH) && m <= max_m; m++) {
        size_t seg, nfft;
        welch_sizes(c, m, &seg, &nfft);
        if (seg >= 8) fits = add_size(sizes, &k, nfft);
        if (seg >= 8 && nfft > max_nfft) max_nfft = nfft;
    }
    size_t k_welch = k; /* sizes[0 .. k_welch) are Welch's, with a window */
    if ((c->spectra & PSY_HRV_LOMB) && !c->lomb_pcst) {
        size_t max_nf = hrv_lomb_grid_count(max_span_s, c->lomb_oversampling, c->max_hz);
        for (size_t nf = 1; fits && nf <= max_nf; nf++) fits = add_size(sizes, &k, hrv_lomb_fft_size(nf));
    }
    psy_status st = PSY_OK;
    if (!fits)
        st = psy_fail(why, PSY_E_INVALID, "a window of %g s needs more than %d FFT sizes (welch_segment_s 0 with "
                      "a long window): give a Welch segment", max_span_s, RESERVE_MAX_SIZES);
    else if (!hrv_ffts_hold(&h->ffts, h->ffts.n + k))
        st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    for (size_t i = 0; st == PSY_OK && i < k; i++)
        if (!hrv_ffts_get(&h->ffts, sizes[i], i < k_welch))
            st = psy_fail(why, PSY_E_NOMEM, "out of memory for FFTW plans");
    free(sizes);
    if (st != PSY_OK) return st;
    /* The buffers: one call on the largest series (the widest histogram, the longest span: the
     * deepest arena, the largest Lomb grid), then room for the largest Welch spectrum, which a
     * shorter series may need (zero padding to a power of two). */
    double *nn = malloc((max_nn + 1) * sizeof *nn), *t = malloc((max_nn + 1) * sizeof *t);
    if (!nn || !t) {
        free(nn), free(t);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    /* a first interval to skip, so that the series is copied as one with gaps would be; then
     * every interval a different one (SampEn/ApEn's scratch grows with the distinct templates,
     * and takes the deeper of its two ways, the sweep's and the k-d tree's, whichever way the
     * trial counts: hrv_entropy.c's hold_both), from the shortest to the longest (the widest
     * histogram) */
    nn[0] = NAN, t[0] = -1;
    for (size_t i = 0; i < max_nn; i++) {
        nn[i + 1] = MIN_INTERVAL_MS + (MAX_INTERVAL_MS - MIN_INTERVAL_MS) * (double)i / (double)(max_nn - 1);
        t[i + 1] = max_span_s * (double)i / (double)(max_nn - 1);
    }
    psy_hrv_result r;
    h->reserved = 1;
    st = psy_hrv_compute(h, nn, t, max_nn + 1, &r, NULL);
    free(nn), free(t);
    forget_spectra(h);
    if (st == PSY_OK && (!hrv_buf_size(&h->welch_p, max_nfft / 2 + 1) || !hrv_buf_size(&h->welch_f, max_nfft / 2 + 1)))
        st = PSY_E_NOMEM;
    return st == PSY_OK ? PSY_OK : psy_fail(why, st, "out of memory");
}

void psy_hrv_spectrum(const psy_hrv *h, int method, const double **f, const double **psd, size_t *n)
{
    *f = *psd = NULL;
    *n = 0;
    if (!h) return;
    const hrv_buf *fb = NULL, *pb = NULL;
    if (method == PSY_HRV_WELCH) fb = &h->welch_f, pb = &h->welch_p, *n = h->welch_n;
    else if (method == PSY_HRV_LOMB) fb = &h->lomb_f, pb = &h->lomb_p, *n = h->lomb_n;
    else if (method == PSY_HRV_AR) fb = &h->ar_f, pb = &h->ar_p, *n = h->ar_n;
    if (fb && *n) *f = fb->v, *psd = pb->v;
    else *n = 0;
}

size_t psy_hrv_window_count(double t_first_s, double t_last_s, double window_s, double step_s)
{
    if (!(window_s > 0) || !(step_s > 0) || !(t_last_s - t_first_s >= window_s - 1e-9)) return 0;
    return (size_t)floor((t_last_s - t_first_s - window_s + 1e-9) / step_s) + 1;
}
