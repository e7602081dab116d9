/* HRV internals shared by dsp/hrv_*.c (not a public header). */
#ifndef PSYPHYS_HRV_INTERNAL_H
#define PSYPHYS_HRV_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <fftw3.h>
#include "arena.h"
#include "psyphys/hrv.h"

/* psy_hrv_compute_flagged with left_out more intervals in the span that the RR correction left
 * out of the series (psyphys/beats.h nn_left_out_s): corrected ones in nn_corrected_pct. */
psy_status hrv_compute_left_out(psy_hrv *h, const double *nn_ms, const double *t_s, const uint8_t *corrected,
                                size_t n, size_t left_out, psy_hrv_result *r, size_t *skipped);

#define MAX_INTERVAL_MS PSY_HRV_MAX_INTERVAL_MS /* longer "intervals" are absurd: skipped */
#define MIN_INTERVAL_MS PSY_HRV_MIN_INTERVAL_MS /* so are shorter ones (and 60000 / NN must stay finite) */

/* 1 when the HRV keeps interval nn_ms ending at t_s after a kept one ending at last_t (-inf for
 * the first): finite, 1 ms to 10 s, its time finite and later. The others are skipped. */
static inline int hrv_interval_kept(double nn_ms, double t_s, double last_t)
{
    return isfinite(nn_ms) && nn_ms >= MIN_INTERVAL_MS && nn_ms <= MAX_INTERVAL_MS && isfinite(t_s) && t_s > last_t;
}

/* A NN series that is read in chunks rather than held (a long recording's series spooled to a
 * file): read(ctx, i0, count, nn, t) puts intervals i0 .. i0 + count - 1 (ms) into nn and their
 * end times (s) into t. PSY_OK, or the failure (PSY_E_IO) that the analyses return. */
typedef struct hrv_source {
    psy_status (*read)(void *ctx, size_t i0, size_t count, double *nn, double *t);
    void *ctx;
} hrv_source;

/* psy_hrv_compute of the n intervals read from src, of duration_s in all (their sum / 1000), none
 * held whole (each analysis makes its passes over the source; the spectrum, at most 48 h, reads it
 * into arrays), n_corrected of them corrected and left_out more in the span left out
 * (hrv_compute_left_out): the values hrv_compute_left_out gives on those arrays, bit for bit.
 * Every interval must be one it keeps (hrv_interval_kept): the source's maker checks them in the
 * pass that counts them (analysis/nn_spool.c, for analyze's long segments over a spooled NN
 * series). PSY_OK, PSY_E_INVALID (n_corrected > n, duration_s negative or not finite),
 * PSY_E_NOMEM, or the source's failure (a failure mid-pass stops the analyses at that pass).
 * Cost: a full analysis reads the series some 90 times over (DFA re-reads it per scale, each
 * quantile 2-4 times; test_hrv_long counts the reads). */
psy_status hrv_compute_source(psy_hrv *h, const hrv_source *src, size_t n, double duration_s, size_t n_corrected,
                              size_t left_out, psy_hrv_result *r);

/* A cleaned NN series: n intervals (ms) ending at increasing times t (s), in nn and t, or read
 * from src (nn and t NULL). */
typedef struct hrv_series {
    const double *nn;
    const double *t;
    size_t n;
    double duration_s; /* sum of the intervals, s */
    int across_gaps;   /* 1: every pair of neighbours counts as successive (PCST) */
    const hrv_source *src; /* NULL: the series is nn and t */
} hrv_series;

/* A reader of a series by index: the values base .. base + len - 1 are at nn and t (the whole
 * series in place when it is in memory; else a chunk of HRV_CURSOR_CHUNK read from the source,
 * starting one before the index asked so that a pass may look one back). Reads go in the order
 * the loops give them, so every sum is the one a pass over the arrays makes. */
#define HRV_CURSOR_CHUNK 16384
typedef struct hrv_cursor {
    const hrv_series *s;
    const double *nn, *t;
    size_t base, len;
    double *buf;   /* 2 HRV_CURSOR_CHUNK doubles: a source's chunk */
    psy_status st; /* PSY_OK, or the source's first failure (the values then read NaN) */
} hrv_cursor;

/* A cursor on s, its chunk (a source only) from the arena. PSY_OK or PSY_E_NOMEM. */
psy_status hrv_cursor_open(hrv_cursor *c, const hrv_series *s, psy_arena *a);
/* Makes index i readable (the slow path of the readers below). */
void hrv_cursor_load(hrv_cursor *c, size_t i);

/* f(cursor on s, s, c, a, v) with the cursor opened and released around it: f's status, else the
 * source's failure. */
typedef psy_status (*hrv_cursor_analysis)(hrv_cursor *x, const hrv_series *s, const psy_hrv_config *c, psy_arena *a,
                                          psy_hrv_values *v);
psy_status hrv_with_cursor(const hrv_series *s, const psy_hrv_config *c, psy_arena *a, psy_hrv_values *v,
                           hrv_cursor_analysis f);

static inline double hrv_nn_at(hrv_cursor *c, size_t i)
{
    if (i - c->base >= c->len) hrv_cursor_load(c, i);
    return c->nn[i - c->base];
}

/* The intervals from i on as they lie in memory: *count of them (>= 1, none at or past end > i) at
 * the pointer returned, valid until the next read by the cursor. A loop over runs is a plain array
 * loop (the whole series one run when it is in memory) that reads what hrv_nn_at would. */
static inline const double *hrv_nn_run(hrv_cursor *c, size_t i, size_t end, size_t *count)
{
    if (i - c->base >= c->len) hrv_cursor_load(c, i);
    size_t m = c->base + c->len - i;
    *count = m < end - i ? m : end - i;
    return c->nn + (i - c->base);
}

static inline double hrv_t_at(hrv_cursor *c, size_t i)
{
    if (i - c->base >= c->len) hrv_cursor_load(c, i);
    return c->t[i - c->base];
}

/* The seconds missing before an interval of nn_ms that ends jump_s after the beat before it: 0
 * when the two are contiguous (jump <= 1.5 nn + 1 ms), else the gap (a removed beat, a dropout). */
static inline double hrv_gap_s(double jump_s, double nn_ms)
{
    return jump_s * 1000.0 <= 1.5 * nn_ms + 1.0 ? 0 : jump_s - nn_ms / 1000.0;
}

/* Interval i directly follows interval i - 1: no gap or removed beat between them (successive
 * differences and Poincaré pairs use only these). */
static inline int hrv_contiguous(hrv_cursor *c, size_t i)
{
    if (c->s->across_gaps) return 1;
    return hrv_gap_s(hrv_t_at(c, i) - hrv_t_at(c, i - 1), hrv_nn_at(c, i)) == 0;
}

/* The reason of a key below its min_span_s (psy_hrv_compute and the stream's windows). */
#define HRV_MIN_SPAN_REASON "shorter than the metric's minimum span of NN intervals (min_span_s)"

/* Sets key k to NaN with a reason. */
void hrv_na(psy_hrv_values *v, psy_hrv_key k, const char *reason);

/* A buffer kept by an analyser: it grows to the largest size asked. */
typedef struct hrv_buf {
    double *v;
    size_t cap;
} hrv_buf;

/* b->v with room for n values (b->v kept when it has), NULL when out of memory. */
double *hrv_buf_size(hrv_buf *b, size_t n);

/* Every function below that takes an arena takes its scratch memory from it (released before
 * it returns, unless it returns a buffer) and never calls malloc. */

/* Time domain into v (keys mean_nn_ms .. sdnni_ms), in memory that does not grow with n (the
 * quantiles by hrv_order_pair_of). PSY_OK, PSY_E_NOMEM or a source's failure. */
psy_status hrv_time_domain(const hrv_series *s, const psy_hrv_config *c, psy_arena *a, psy_hrv_values *v);

/* The values of rank k and k + 1 (0-based, ascending; vk1 may be NULL) of the n intervals x[i] of
 * a cursor's series (center NaN) or of |x[i] - center|, as a full sort would put them, without
 * copying the series: a few passes over it (dsp/hrv_order.c). n > k; vk1 = vk when k + 1 = n.
 * work: HRV_ORDER_WORK_DOUBLES. */
#define HRV_ORDER_GATHER 4096
#define HRV_ORDER_BINS 1024
#define HRV_ORDER_WORK_DOUBLES (HRV_ORDER_GATHER + HRV_ORDER_BINS) /* size_t fits a double */
void hrv_order_pair_of(hrv_cursor *x, size_t n, double center, size_t k, double *work, double *vk, double *vk1);

/* Poincaré, SampEn/ApEn, DFA into v. Returns PSY_OK, PSY_E_NOMEM or a source's failure. */
psy_status hrv_nonlinear(const hrv_series *s, const psy_hrv_config *c, psy_arena *a, psy_hrv_values *v);

/* Sample and approximate entropy of the first n intervals of a cursor's series with dimension m
 * and tolerance r (Chebyshev, match when the distance <= r, self-matches counted for ApEn only). The pairs are counted
 * `block` templates at a time (0: HRV_ENTROPY_BLOCK), so the memory is bounded by the block, not
 * n: with k-d trees, or, when block >= n - m + 1 (one block) and the templates have few
 * neighbours on their first value, by a sweep over the templates sorted on it; the same counts
 * either way (dsp/hrv_entropy.c). NaN when undefined. PSY_OK, PSY_E_NOMEM or the source's
 * failure. */
#define HRV_ENTROPY_BLOCK ((size_t)131072)
psy_status hrv_entropy_of(hrv_cursor *x, size_t n, int m, double r, size_t block, psy_arena *a, double *sampen,
                          double *apen);

/* SampEn as PCST's fastSampen computes it (dsp/hrv_entropy.c): pairs of the n - m + 1
 * m-templates and of the n - m (m + 1)-templates within a distance < r, each as a fraction of
 * its own number of pairs. NaN when undefined. PSY_OK, PSY_E_NOMEM or the source's failure. */
psy_status hrv_sampen_pcst_of(hrv_cursor *x, size_t n, int m, double r, size_t block, psy_arena *a, double *sampen);

/* Mean squared residual of the least-squares line through y[0..s) against its index, from the
 * residuals themselves (not syy - sxy²/sxx, whose cancellation leaves ~1e-6 on a profile of large
 * values: a perfectly straight window must come out ~0 for DFA's min_var). s >= 1. */
double hrv_line_residual_ms(const double *y, size_t s);

/* DFA slope over scales lo..hi (every integer) of the first n intervals of a cursor's series, the
 * profile made in chunks (memory: ~16,000 + hi values, whatever n). min_var > 0: windows whose
 * mean squared residual is <= min_var are left out (dfa_min_variance). NaN when fewer than 2
 * scales fit, or (min_var > 0) when a scale keeps no window; also NaN with *st = PSY_E_NOMEM or
 * the source's failure (else PSY_OK). */
double hrv_dfa_of(hrv_cursor *x, size_t n, int lo, int hi, int overlap, double min_var, psy_arena *a,
                  psy_status *st);

/* Natural cubic spline through (t[i], y[i]) evaluated on t0 + k / fs, k = 0 .. m - 1, into out.
 * work: 3 n doubles. t increasing, n >= 2; beyond the knots the end values are held. */
void hrv_spline_resample(const double *t, const double *y, size_t n, double t0, double fs, size_t m,
                         double *out, double *work);

/* The same with scipy's quadratic interpolating B-spline (interp1d kind='quadratic', i.e.
 * make_interp_spline(k=2): knots x0 x3, the midpoints between x1..x(n-2), x(n-1) x3), which
 * NeuroKit uses; the collocation matrix is tridiagonal. work: 5 n + 3 doubles. n >= 3. */
void hrv_quadratic_resample(const double *t, const double *y, size_t n, double t0, double fs,
                            size_t m, double *out, double *work);

/* A spline through the NN series, fitted once and evaluated on any stretch of the even grid (the
 * resampled series is made in blocks: dsp/hrv_grid.c). The natural cubic spline keeps a few values
 * a block of 4096 knots and one block's second derivatives, made again as the evaluation reaches
 * it (memory bounded whatever n); the quadratic one keeps its 2 n + 3 knots and coefficients. */
typedef struct hrv_spline {
    const double *t, *y;
    size_t n;
    int quadratic;      /* 1: hrv_quadratic_resample's B-spline, 0: the natural cubic spline */
    double *coef;       /* hrv_spline_fit_doubles(n, quadratic) */
    size_t held;        /* natural cubic: the block whose second derivatives coef holds */
} hrv_spline;

/* The doubles a fit keeps (coef) and the scratch it needs (work). */
size_t hrv_spline_fit_doubles(size_t n, int quadratic);
size_t hrv_spline_work_doubles(size_t n, int quadratic);
/* Fits the spline through (t[i], y[i]), i < n (n >= 3; t increasing, kept by sp). */
void hrv_spline_fit(hrv_spline *sp, const double *t, const double *y, size_t n, int quadratic, double *coef,
                    double *work);
/* The spline at t0 + k / fs for k = k0 .. k1 - 1 into out[0 .. k1 - k0): the values
 * hrv_spline_resample / hrv_quadratic_resample give there, bit for bit. */
void hrv_spline_eval(hrv_spline *sp, double t0, double fs, size_t k0, size_t k1, double *out);

/* Smoothness priors detrending (Tarvainen 2002) in place: z -= (I + l² D2'D2)^-1 z, where D2 is the
 * second-difference matrix, solved by a banded (pentadiagonal) LDL' factorisation in O(n).
 * work: 6 n doubles. n >= 3. */
void hrv_detrend_smoothness(double *z, size_t n, double lambda, double *work);

/* Removes the least-squares line (against the index) from z. */
void hrv_detrend_linear(double *z, size_t n);

/* What a spectrum can resolve, for hrv_bands. */
typedef struct hrv_band_limits {
    double min_hz;     /* bins below are ignored */
    double cell_hz;    /* the spectrum's frequency resolution (Welch: 1 / segment), 0: none stated */
    double floor_ms2;  /* powers at or below are rounding noise (HRV_POWER_FLOOR) */
    double duration_s; /* the data length, checked against the bands' minimum lengths */
} hrv_band_limits;

/* A power at or below (1e-9 x the mean NN interval)² is rounding noise, not variability: a
 * series of identical intervals leaves ~1e-19 ms² after the spline and the detrending, while
 * intervals quantised to even 1/1024 s vary by ~0.1 ms². */
#define HRV_POWER_FLOOR(mean_nn_ms) ((1e-9 * (mean_nn_ms)) * (1e-9 * (mean_nn_ms)))

/* The -3 dB cut-off (Hz) of a config's detrending as a high-pass on the resampled grid: smoothness
 * priors pass lambda² (2 - 2 cos w)² / (1 + lambda² (2 - 2 cos w)²) at w rad a sample (Tarvainen
 * et al. 2002), 1/sqrt 2 where lambda (2 - 2 cos w) = sqrt(1 + sqrt 2): ~0.035 Hz for lambda 500
 * at 4 Hz. 0 for a line or no detrending. */
double hrv_detrend_cutoff_hz(const psy_hrv_config *c);

/* Band powers and derived frequency keys from a one-sided PSD (ms²/Hz) at frequencies
 * f[i] = i * df (i = 0 .. np - 1), within the limits lim. */
void hrv_bands(const double *psd, size_t np, double df, const hrv_band_limits *lim, const psy_hrv_config *c,
               psy_hrv_values *v);

/* A real-to-complex FFT of one size: its plan (FFTW_ESTIMATE, made under the library's planner
 * lock: core/fft_plan.h) and its in-place buffer (fftw_malloc). */
typedef struct hrv_fft {
    size_t n;            /* transform size */
    fftw_plan plan;
    double *in;          /* n (in place: aliases out) */
    fftw_complex *out;   /* n / 2 + 1 */
    double *hann;        /* room for n window values (Welch's), hann_len of them made */
    size_t hann_len;
    unsigned long used;  /* when last asked for (least recently used is replaced) */
} hrv_fft;

/* The transforms an analyser keeps, by size: up to `cap` (default 8; the least recently used is
 * replaced by a new size), so windows of a few lengths plan once. */
typedef struct hrv_ffts {
    hrv_fft *e;
    size_t n, cap;
    unsigned long clock;
} hrv_ffts;

/* The transform of size n, made when not kept (the only allocation), with room for a window of n
 * values when `window` (Welch's fft). NULL when out of memory. */
hrv_fft *hrv_ffts_get(hrv_ffts *c, size_t n, int window);
/* Room for at least cap sizes: none is replaced while fewer are in use. 1, or 0 (out of memory). */
int hrv_ffts_hold(hrv_ffts *c, size_t cap);
/* Frees the transforms larger than max_n. */
void hrv_ffts_trim(hrv_ffts *c, size_t max_n);
void hrv_ffts_free(hrv_ffts *c);

/* Welch PSD of a series fed in pieces (the whole series is never held): Hann segments of seg
 * samples, each first detrended (seg_detrend 0 none, 1 mean, 2 line), overlap fraction, FFT length
 * nfft >= seg (zero padding; fft: the transform of that size, got with its window), density scaling, one-sided
 * (Welch 1967; scaling as scipy.signal.welch with scaling='density'). psd (nfft / 2 + 1 values at
 * f = i fs / nfft) and buf (seg values) are the caller's. The samples after the last whole
 * segment are left out, as scipy does. */
typedef struct hrv_welch_acc {
    size_t seg, step, nfft, filled, n_seg;
    int seg_detrend;
    hrv_fft *fft;
    double *psd, *buf;
} hrv_welch_acc;

void hrv_welch_begin(hrv_welch_acc *w, size_t seg, double overlap, size_t nfft, int seg_detrend, hrv_fft *fft,
                     double *psd, double *buf);
void hrv_welch_push(hrv_welch_acc *w, const double *x, size_t n);
/* Scales the sum of the segments' periodograms: returns the number of PSD values (0 when no
 * whole segment was fed). */
size_t hrv_welch_end(hrv_welch_acc *w, double fs);

/* The resampled, detrended, zero-mean NN series of a config (resample_hz, quadratic_spline,
 * detrend, lambda) made block by block in bounded memory, for the spectra (dsp/hrv_grid.c):
 * want_series gets the whole series (the AR model needs it), want_trend the trend at the beat
 * times (for the Lomb periodogram), welch (may be NULL, begun) the series fed in order.
 * series: m values or NULL; trend: n values or NULL. PSY_OK or PSY_E_NOMEM. */
psy_status hrv_grid_run(const hrv_series *s, const psy_hrv_config *c, size_t m, psy_arena *a, hrv_welch_acc *welch,
                        double *series, double *trend);

/* The number of frequencies of the fast Lomb periodogram of a series spanning span_s (df = 1 /
 * (ofac span_s) up to max_hz; 0: none), and the FFT length for nf of them (hrv_lomb). */
size_t hrv_lomb_grid_count(double span_s, double ofac, double max_hz);
size_t hrv_lomb_fft_size(size_t nf);

/* Lomb-Scargle PSD (ms²/Hz, scaled so that its integral is the variance) of x at uneven times t
 * (mean already removed; gap_s of their span T in gaps, hrv_gap_s, which the samples' spacing
 * leaves out), at f = i df for i = 0 .. *np - 1 (psd[0] = 0), df = 1 / (ofac T), up to max_hz. Fast algorithm of Press & Rybicki 1989: the trigonometric sums come from two FFTs of
 * the data spread ("extirpolated") onto a regular grid by 4-point Lagrange weights.
 * psd->v gets the values. PSY_OK, PSY_E_NOMEM, PSY_E_TOO_SHORT (n < 3 or T = 0). */
psy_status hrv_lomb(const double *t, const double *x, size_t n, double gap_s, double ofac, double max_hz,
                    hrv_ffts *ffts, psy_arena *a, hrv_buf *psd, size_t *np, double *df);

/* PCST's Lomb periodogram (dsp/hrv_lomb_pcst.c): P(f) of x (mean removed, ms) at uneven times
 * t (s) for f = k / 1024 Hz, k = 0 .. *np - 1 up to max_hz (psd[0] = 0), unnormalised, in ms²
 * and summed x df as PCST does. psd->v gets the values. PSY_OK, PSY_E_NOMEM, PSY_E_TOO_SHORT
 * (n < 3). */
psy_status hrv_lomb_pcst(const double *t, const double *x, size_t n, double max_hz, psy_arena *a,
                         hrv_buf *psd, size_t *np, double *df);

/* Burg AR spectrum of order `order` of x[0..n) (mean removed) sampled at fs: np values of the
 * one-sided PSD (ms²/Hz) at f = i df, df = max_hz / (np - 1). PSY_OK, PSY_E_TOO_SHORT (n < 2 order
 * + 2), PSY_E_NOMEM. */
psy_status hrv_burg(const double *x, size_t n, int order, double fs, double max_hz, size_t np,
                    psy_arena *a, double *psd, double *df);

#endif
