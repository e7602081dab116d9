/* psyphys — heart rate variability of an NN series: time domain, frequency domain (Welch on the
 * resampled series, Lomb–Scargle on the uneven one; FFTW), nonlinear (Poincaré, SampEn, ApEn,
 * DFA), over a whole series or over windows.
 *
 * References: Task Force of the ESC and NASPE 1996, "Heart rate variability: standards of
 * measurement, physiological interpretation and clinical use", Circulation 93:1043-1065 (bands,
 * definitions, minimum lengths); Tarvainen et al. 2002, IEEE TBME 49(2):172-175 (smoothness
 * priors detrending); Press & Rybicki 1989, ApJ 338:277 (fast Lomb periodogram); Richman &
 * Moorman 2000 (SampEn); Pincus 1991 (ApEn); Peng et al. 1995 (DFA); Brennan et al. 2001
 * (Poincaré SD1/SD2).
 *
 * Units: intervals in ms, times in s, powers in ms² (absolute, never normalised to a peak),
 * frequencies in Hz. A metric that cannot be computed is NaN with a static reason string.
 * Memory: O(number of beats) for the sorted copies and O(resampled length) for the spectra; a
 * 24 h series (100 000 beats) needs a few tens of MB at most. */
#ifndef PSYPHYS_HRV_H
#define PSYPHYS_HRV_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Metric keys: an interface other tools read (TSV columns, JSON keys); never rename. */
typedef enum psy_hrv_key {
    PSY_HRV_MEAN_NN_MS = 0, PSY_HRV_SDNN_MS, PSY_HRV_RMSSD_MS, PSY_HRV_SDSD_MS,
    PSY_HRV_PNN50_PCT, PSY_HRV_PNN20_PCT, PSY_HRV_CVNN, PSY_HRV_CVSD, PSY_HRV_MEDIAN_NN_MS,
    PSY_HRV_MAD_NN_MS, PSY_HRV_IQR_NN_MS, PSY_HRV_MIN_NN_MS, PSY_HRV_MAX_NN_MS,
    PSY_HRV_MEAN_HR_BPM, PSY_HRV_MIN_HR_BPM, PSY_HRV_MAX_HR_BPM, PSY_HRV_HTI, PSY_HRV_TINN_MS,
    PSY_HRV_SDANN_MS, PSY_HRV_SDNNI_MS,
    /* frequency domain (one set per spectrum method) */
    PSY_HRV_ULF_MS2, PSY_HRV_VLF_MS2, PSY_HRV_LF_MS2, PSY_HRV_HF_MS2, PSY_HRV_VHF_MS2,
    PSY_HRV_TOTAL_POWER_MS2, PSY_HRV_LF_HF, PSY_HRV_LF_NU, PSY_HRV_HF_NU, PSY_HRV_LF_PEAK_HZ,
    PSY_HRV_HF_PEAK_HZ,
    /* nonlinear */
    PSY_HRV_SD1_MS, PSY_HRV_SD2_MS, PSY_HRV_SD1_SD2, PSY_HRV_ELLIPSE_AREA_MS2, PSY_HRV_SAMPEN,
    PSY_HRV_APEN, PSY_HRV_DFA_ALPHA1, PSY_HRV_DFA_ALPHA2,
    PSY_HRV_KEY_COUNT
} psy_hrv_key;

/* Room for keys in psy_hrv_config's per-key settings: a key added later keeps the config's size
 * (psyphys/export.h). */
#define PSY_HRV_KEY_MAX 64

#define PSY_HRV_FIRST_FREQ_KEY PSY_HRV_ULF_MS2
#define PSY_HRV_LAST_FREQ_KEY PSY_HRV_HF_PEAK_HZ

/* "mean_nn_ms", "sdnn_ms", ... Never NULL ("" out of range). */
PSY_API const char *psy_hrv_key_name(psy_hrv_key key);
/* 1 for the frequency-domain keys (ulf_ms2 .. hf_peak_hz). */
PSY_API int psy_hrv_key_is_frequency(psy_hrv_key key);

typedef enum psy_hrv_detrend {
    PSY_HRV_DETREND_NONE = 0,   /* only the mean is removed */
    PSY_HRV_DETREND_LINEAR,     /* least-squares line */
    PSY_HRV_DETREND_SMOOTHNESS  /* smoothness priors (Tarvainen 2002), lambda on the resampled grid */
} psy_hrv_detrend;

/* Spectra to compute (bit flags). */
enum { PSY_HRV_WELCH = 1, PSY_HRV_LOMB = 2, PSY_HRV_AR = 4 };

enum { PSY_HRV_ULF = 0, PSY_HRV_VLF, PSY_HRV_LF, PSY_HRV_HF, PSY_HRV_VHF, PSY_HRV_BAND_COUNT };

typedef struct psy_hrv_config {
    /* time domain */
    double hist_bin_ms;        /* HTI/TINN histogram bin, default 7.8125 (1/128 s), edges from 0 */
    int pnn_per_interval;      /* 0 (default, Task Force): pNNx = count(|dNN| > x) / number of
                                  differences; 1 (NeuroKit): / number of intervals */
    int pnn_inclusive;         /* 0 (default): pNNx counts |dNN| > x; 1 (PCST): |dNN| >= x */
    int successive_across_gaps; /* 0 (default): successive differences (RMSSD, pNNx, SDSD, SD1/SD2)
                                  only between contiguous intervals; 1 (PCST): also across a gap
                                  left by removed beats */
    double sdann_window_s;     /* SDANN/SDNNI window, default 300 (1 and 2 min are common too) */
    int sdann_neurokit;        /* 1: NeuroKit's windows (round(total / w) windows from the series
                                  start, each dropping its last interval); 0 (default): windows
                                  [k w, (k+1) w) from the first beat, complete windows only */
    double min_geometric_s;    /* HTI/TINN need this much data, default 1200 (Task Force: >= 20 min) */
    /* frequency domain */
    int spectra;               /* PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR, default Welch and Lomb */
    int ar_order;              /* Burg AR model order on the resampled series, default 16 (Kubios) */
    double resample_hz;        /* even grid for Welch, default 4 */
    int quadratic_spline;      /* 0 (default): natural cubic spline; 1: quadratic B-spline (scipy
                                  interp1d kind='quadratic', as NeuroKit) */
    psy_hrv_detrend detrend;   /* default smoothness priors */
    double lambda;             /* smoothness priors lambda, default 500 (fc ~ 0.035 Hz at 4 Hz) */
    double welch_segment_s;    /* Welch segment, default 300 s (Kubios HRV; a shorter series is one
                                  segment, zero-padded to a power of two); 0 = half the series
                                  (NeuroKit's nperseg = N/2) */
    int welch_segment_detrend; /* each segment before the taper: 0 nothing (NeuroKit), 1 mean,
                                  2 (default) least-squares line */
    double welch_overlap;      /* fraction, default 0.5; Hann taper always */
    int welch_nfft_factor;     /* FFT length = factor x segment (zero padding), default 1 (2 in NeuroKit) */
    int band_trapz;            /* 0 (default): band power = sum of PSD x df over lo <= f < hi;
                                  1 (NeuroKit): trapezoid over those bins, bins below 4 fs / N dropped */
    int band_closed;           /* 1 (PCST): bins lo <= f <= hi (a bin on an edge counts in both
                                  bands); 0 (default): lo <= f < hi */
    int total_power_all_bands; /* 0 (default, Task Force): total power is 0 .. 0.4 Hz;
                                  1 (NeuroKit): the sum of ULF .. VHF that exist;
                                  2 (PCST): ULF + VLF + LF + HF */
    double lomb_oversampling;  /* Lomb frequency step = 1 / (oversampling x duration), default 4 */
    int lomb_pcst;             /* 0 (default): fast Lomb scaled so that its integral is the
                                  variance, grid set by lomb_oversampling; 1: PCST's periodogram
                                  (exact sums on f = k / 1024 Hz, unnormalised: its band powers
                                  are about the variance x the mean heart rate in Hz) */
    double max_hz;             /* spectra up to this frequency, default 0.5 */
    double band_hz[PSY_HRV_BAND_COUNT][2]; /* ULF 0-0.0033, VLF -0.04, LF -0.15, HF -0.4, VHF -0.5 */
    double band_min_s[PSY_HRV_BAND_COUNT]; /* minimum data per band, default ULF 3030 s, VLF 300 s,
                                  LF 120 s, HF 60 s, VHF 60 s (Task Force: >= 10 cycles of the lower
                                  edge; ~1 min HF, ~2 min LF; VLF from <= 5 min "should be avoided") */
    /* nonlinear */
    int nonlinear;             /* 1 (default): Poincaré SD1/SD2, SampEn, ApEn, DFA; 0: those keys
                                  n/a ("not asked"), e.g. for live windows */
    int sd2_from_sdnn;         /* 0 (default): SD2 = SD of (NN_i + NN_i+1) / sqrt 2 over the
                                  successive pairs; 1 (PCST): sqrt(2 SDNN² - SDSD² / 2), Brennan
                                  et al. 2001's identity (counts the end intervals once) */
    int entropy_m;             /* embedding dimension, default 2 */
    int sampen_pcst;           /* 0 (default): SampEn of Richman & Moorman 2000 (both template
                                  lengths over the n - m templates, distance <= r); 1 (PCST's
                                  fastSampen): each length over all its templates, distance < r,
                                  matches as fractions of each length's own pairs */
    double entropy_r_sd;       /* tolerance r = this x SD(NN) (ddof 1), default 0.2 */
    int dfa1_min, dfa1_max;    /* alpha1 scales in beats, default 4..16 */
    int dfa2_min, dfa2_max;    /* alpha2 scales, default 16..64; max 0 = (N + 1) / 10 (NeuroKit) */
    int dfa_overlap;           /* 0 (default): non-overlapping windows; 1: step = scale / 2 (NeuroKit) */
    double dfa_min_variance;   /* 0 (default): every window counts; > 0 (NeuroKit 0.2.12: 1e-8 ms²):
                                  windows whose detrended variance is <= this are left out of the
                                  scale's fluctuation (a straight profile: identical intervals, common
                                  at scales of 4-11 beats in quantised RR series); DFA is n/a when a
                                  scale keeps none */
    size_t min_nonlinear_nn;   /* SampEn/ApEn need this many intervals, default 200 (Yentes et al.
                                  2013, Ann Biomed Eng 41:349: SampEn/ApEn unstable below ~200 points;
                                  Pincus: 10^m-30^m points for ApEn, 100-900 at m = 2); DFA too */
    int dfa_min_windows;       /* each DFA range needs N >= this x its largest scale, default 10
                                  (boxes up to N / 10: Hardstone et al. 2012, Front Physiol 3:450;
                                  alpha1 (16 beats) from 160 intervals, alpha2 (64) from 640) */
    /* Minimum data per key (the README's table): a key is NaN, with its reason, when the series
     * spans less than min_span_s[key] seconds of NN intervals (their sum). Defaults: 10 s for
     * RMSSD, SDSD, CVSD, SD1 (ultra-short RMSSD from one 10-s ECG: Munoz et al. 2015, PLoS One
     * 10:e0138921); 30 s for SDNN, CVNN, MAD, IQR, SD2, SD1/SD2, ellipse (SDNN from 30 s: Munoz et
     * al. 2015); 60 s for pNN50, pNN20 (a share of the successive differences: ~60 of them for a
     * resolution under 2 %); 0 for the level of the series (mean, median, min, max NN, heart rate).
     * The bands keep band_min_s, HTI/TINN min_geometric_s, SDANN 3 windows, SampEn/ApEn
     * min_nonlinear_nn, DFA dfa_min_windows. Entries from PSY_HRV_KEY_COUNT on are zero. */
    double min_span_s[PSY_HRV_KEY_MAX];
    /* Corrected share: psy_hrv_compute_flagged / _beats give result->nn_corrected_pct, the share
     * of the analysed intervals that correction changed, inserted or interpolated. Above
     * max_corrected_pct (default 5 %; > 100 = no limit) every key but the level of the series
     * (mean_nn_ms, median_nn_ms, mean_hr_bpm) is NaN with the reason, unless keep_corrected (then
     * kept and result->over_corrected = 1, for a warning). 5 %: editing biases RMSSD, pNN50 and
     * HF power already at a few percent of edited beats (Salo, Huikuri & Seppanen 2001, Ann
     * Noninvasive Electrocardiol 6:5-17; Peltola 2012, Front Physiol 3:148, a review that asks
     * for the share to be reported), and 5 % is the exclusion threshold HRV studies commonly use. */
    double max_corrected_pct;
    int keep_corrected;
    /* settings added since the reserve was introduced, taken from it (psyphys/export.h): zero is
     * the behaviour before them */
    double max_gap_pct;        /* gaps in the beats (a beat more than 1.5 intervals + 1 ms after
                                  the one before: deleted beats, a device's dropouts) may cover
                                  at most this share of the series' span, default 5 %: above it
                                  the resampled spectra (Welch, AR), which a spline bridges
                                  across the gaps, are n/a; the Lomb periodogram, taken at the
                                  beats present (its trend from the bridged grid; Clifford & Tarassenko 2005, IEEE TBME
                                  52:630-638), up to 3 x this share. 0: no limit (PCST: its 85 %
                                  window rule) */
    uint64_t reserved[PSY_RESERVED_WORDS - 1]; /* zero: room for settings to come (psyphys/export.h) */
} psy_hrv_config;

PSY_API psy_hrv_config psy_hrv_config_default(void);

/* Settings that reproduce another tool where users compare:
 *   "default"  the defaults above;
 *   "kubios"   the defaults, which follow Kubios HRV: smoothness priors lambda 500, 4 Hz cubic
 *              spline, Welch 300 s segments with 50 % overlap, SampEn m 2 r 0.2 SD, DFA 4-16 / 16-64;
 *   "neurokit" NeuroKit2 0.2.12 (psyphys's minima kept: NeuroKit computes every key on any
 *              length, its reference values are all from >= 5 min): pNNx over the number of intervals, NeuroKit's SDANN windows, no
 *              detrending, Welch nperseg = N/2 with nfft 2 nperseg, trapezoid band powers above
 *              4 fs / N, total power = sum of the bands, DFA alpha1 4-11 and alpha2 12-(N+1)/10
 *              with half-overlapping windows, windows of detrended variance <= 1e-8 ms² left out;
 *   "pcst"     PhysioNet Cardiovascular Signal Toolbox (Vest et al. 2018) demo_NSR settings: Lomb
 *              only, PCST's periodogram (lomb_pcst) on the NN series minus its mean, closed band
 *              edges, total power = ULF + VLF + LF + HF, every band and time-domain key on every
 *              window (no band_min_s, min_span_s or max_corrected_pct: PCST's own rule is its 85 % window
 *              tolerance, and its cleaning removes intervals, never interpolates), pNNx counting |dNN| >= x, successive differences also across removed
 *              beats, SD2 from SDNN and SDSD, PCST's SampEn (sampen_pcst), SampEn/ApEn r 0.15 SD. Its RR preprocessing is psy_rr_clean_pcst (rr.h),
 *              applied to the whole series before any window is cut.
 * PSY_OK, PSY_E_NOT_FOUND (unknown name), PSY_E_INVALID (NULL). */
PSY_API psy_status psy_hrv_config_preset(const char *name, psy_hrv_config *out);

typedef struct psy_hrv_values {
    double v[PSY_HRV_KEY_COUNT];      /* NaN = n/a */
    const char *na[PSY_HRV_KEY_COUNT]; /* static reason when v is NaN and the metric was asked */
} psy_hrv_values;

typedef struct psy_hrv_result {
    size_t n_nn;         /* intervals analysed */
    double duration_s;   /* sum of the intervals */
    double nn_corrected_pct; /* share (0-100) of those intervals correction changed, inserted or
                            interpolated; NaN when unknown (psy_hrv_compute: no flags) */
    int over_corrected;  /* 1: nn_corrected_pct is above max_corrected_pct (values n/a, or kept
                            with keep_corrected) */
    psy_hrv_values values; /* time + nonlinear; frequency keys of the first spectrum computed
                              (in the order Welch, Lomb, AR) */
    psy_hrv_values welch;  /* frequency keys of the Welch spectrum (others NaN) */
    psy_hrv_values lomb;   /* frequency keys of the Lomb spectrum (others NaN) */
    psy_hrv_values ar;     /* frequency keys of the Burg AR spectrum (others NaN) */
    double gap_s;        /* seconds of the series' span in gaps between beats (max_gap_pct):
                            what the resampled spectra interpolate across when they are computed.
                            Since 0.3 (appended) */
} psy_hrv_result;

typedef struct psy_hrv psy_hrv;

/* An analyser: keeps its FFTW plans (one per transform size, up to 8 sizes unless reserved;
 * made under the library's planner lock) and its work buffers (kept at the size of the largest
 * series analysed so far, up to about two hours: what a longer series needs is freed after its
 * call), so a call on a series no longer than one before allocates nothing (but FFTW itself
 * may allocate scratch inside a transform of some lengths that are not powers of two, e.g.
 * NeuroKit's Welch segment of half the series; the default preset's are not).
 * Analysers share nothing: one per thread, any number of threads.
 * PSY_OK, PSY_E_INVALID (a setting out of range: why names it), PSY_E_NOMEM. */
PSY_API psy_status psy_hrv_create(const psy_hrv_config *config, psy_hrv **out, psy_message *why);
PSY_API void psy_hrv_destroy(psy_hrv *h);
PSY_API const psy_hrv_config *psy_hrv_get_config(const psy_hrv *h);

/* Makes now every buffer and FFTW plan that a series of at most max_nn intervals spanning at
 * most max_span_s seconds (beat times) can need, so that psy_hrv_compute on such series never
 * allocates: for live windows (psyphys/stream.h). Costs one analysis of that size and the plans
 * of every transform size in range. max_nn 3 .. 1048576, max_span_s (0, 3600].
 * PSY_OK, PSY_E_INVALID (a bound out of range; more than 2048 transform sizes in range, which
 * welch_segment_s 0 over a long span asks), PSY_E_NOMEM. */
PSY_API psy_status psy_hrv_reserve(psy_hrv *h, size_t max_nn, double max_span_s, psy_message *why);

/* The intervals HRV takes, in ms: shorter or longer ones are absurd and skipped (also by the RR
 * list reader). */
#define PSY_HRV_MIN_INTERVAL_MS 1.0
#define PSY_HRV_MAX_INTERVAL_MS 10000.0

/* Analyses n NN intervals nn_ms[i] ending at beat times t_s[i] (seconds, increasing; NULL: the
 * cumulative sum of the intervals). Intervals that are NaN, < 1 ms or > 10 000 ms, and beats whose
 * time does not increase, are skipped (counted in *skipped when not NULL). Metrics that lack data
 * are NaN with their reason; spectra need a series spanning at most 48 h (and 1.2 M resampled
 * points): longer recordings are analysed in windows. A band is NaN with its reason, too, when
 * gaps in the beats exceed max_gap_pct (result->gap_s gives their seconds), when more than half
 * of it lies below the smoothness-priors detrending's -3 dB cut-off (fs / 2 pi x
 * acos(1 - sqrt(1 + sqrt 2) / (2 lambda)): ULF and VLF by default), or (Welch) when it is
 * narrower than 2 / segment Hz, the resolution of a Hann segment; LF/HF, the normalised units
 * and the peak frequencies when the powers are at rounding level ((1e-9 x mean NN)² ms²).
 * Memory beyond the series given: a series with nothing to skip and its times is read where it
 * lies (else it is copied: 16 bytes an interval); the time domain, DFA, SampEn/ApEn (blocks of
 * 131,072 templates: ~6 MB), Poincare and the Welch spectrum (the resampled series made block by
 * block) take memory bounded whatever the length, with the numbers of a whole-series computation
 * (with the default settings: the neurokit preset's quadratic spline, half-series Welch segment and
 * DFA scales up to n / 10 grow with the series).
 * Beyond these, the Lomb periodogram (its FFT grids: ~300 bytes a second of span, +24 MB for 21 h) and the AR
 * model (the whole resampled series: 32 bytes a second) hold the series' span at once, as they
 * must. PSY_OK (even when nothing could be computed: check result->n_nn), PSY_E_INVALID (NULL),
 * PSY_E_NOMEM. */
PSY_API psy_status psy_hrv_compute(psy_hrv *h, const double *nn_ms, const double *t_s, size_t n,
                                   psy_hrv_result *result, size_t *skipped);

/* psy_hrv_compute with the intervals' correction flags (corrected[i] = 1 where correction
 * changed, inserted or interpolated interval i; NULL: unknown): fills nn_corrected_pct and
 * applies max_corrected_pct / keep_corrected. Same returns. */
PSY_API psy_status psy_hrv_compute_flagged(psy_hrv *h, const double *nn_ms, const double *t_s,
                                           const uint8_t *corrected, size_t n, psy_hrv_result *result,
                                           size_t *skipped);

/* The reason every limited key gets above max_corrected_pct. */
#define PSY_HRV_OVER_CORRECTED_REASON "more of the NN intervals corrected than max_corrected_pct"

struct psy_beat_list; /* psyphys/beats.h */

/* HRV of the beats of a recording (psy_beats_detect) over the intervals ending in (t0_s, t1_s]
 * (seconds from the recording start; t1_s = INFINITY for all): the corrected NN series
 * (corrected = 1, its flags giving nn_corrected_pct and the limit, where the intervals the
 * correction left out of the series that end in the span, beats->nn_left_out_s, count as
 * corrected ones: 3 corrected of 20 with 2 left out is 5 of 22) or the raw RR intervals (0;
 * NaN after gaps, skipped; nn_corrected_pct 0). For segments and epochs defined by session
 * events. Same returns as psy_hrv_compute; PSY_E_INVALID too for the raw intervals of a list
 * without them (a session's lean beats: rr_ms, onset_s NULL), and for the NN series of a list
 * without it (a session's lean beats: nn_ms, nn_onset_s, nn_corrected NULL, n_nn > 0). */
PSY_API psy_status psy_hrv_compute_beats(psy_hrv *h, const struct psy_beat_list *beats, int corrected, double t0_s,
                                         double t1_s, psy_hrv_result *result, size_t *skipped);

/* The last spectrum computed by psy_hrv_compute (PSY_HRV_WELCH, PSY_HRV_LOMB or PSY_HRV_AR), in
 * ms²/Hz at frequencies f (Hz): valid until the next compute or destroy. *n = 0 when none. */
PSY_API void psy_hrv_spectrum(const psy_hrv *h, int method, const double **f, const double **psd, size_t *n);

/* A spectral peak of a spectrum (psd in ms²/Hz at the n evenly spaced frequencies f, Hz, as
 * psy_hrv_spectrum gives): *peak_hz the frequency of the largest bin within [lo_hz, hi_hz], and
 * *power_ms2 the power (bins x spacing) within ±halfwidth_hz of it. The one rule of the
 * resonance peak (HRV biofeedback: the largest bin in 0.04-0.15 Hz and the power within ±0.015 Hz,
 * Lehrer, Vaschillo & Vaschillo 2000, Appl Psychophysiol Biofeedback 25:177-191) and of the
 * coherence ratio's peak (McCraty et al. 2009), offline (psyphys/rsa.h) and live (stream.h).
 * PSY_OK; PSY_E_INVALID for NULL pointers, n < 2, lo_hz > hi_hz or a negative halfwidth;
 * PSY_E_TOO_SHORT (both NaN) when no bin lies within [lo_hz, hi_hz]. */
PSY_API psy_status psy_hrv_spectrum_peak(const double *f, const double *psd, size_t n, double lo_hz, double hi_hz,
                                         double halfwidth_hz, double *peak_hz, double *power_ms2);

/* The coherence ratio of HRV biofeedback (McCraty et al. 2009, Integral Review 5(2):10-115): the
 * power of a 0.030 Hz window centred on the largest peak within 0.04-0.26 Hz
 * (psy_hrv_spectrum_peak) over the total power (0.0033-0.4 Hz) minus that peak power; a spectrum
 * as psy_hrv_spectrum_peak takes. NaN when no bin lies in the band or the peak holds all the power. */
PSY_API double psy_hrv_coherence_ratio(const double *f, const double *psd, size_t n);

/* Number of complete windows [start, start + window_s) with start = t_first_s + k step_s and
 * start + window_s <= t_last_s (1e-9 s slack). 0 when the span is shorter than one window or a
 * length is not positive. The intervals of a window are those whose beat time t (end of the
 * interval) lies in (start, start + window_s]. */
PSY_API size_t psy_hrv_window_count(double t_first_s, double t_last_s, double window_s, double step_s);

#ifdef __cplusplus
}
#endif
#endif
