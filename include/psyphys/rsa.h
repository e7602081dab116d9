/* psyphys — respiratory sinus arrhythmia (RSA) and HRV-biofeedback metrics, from beats and breaths.
 *
 * Inputs: the corrected NN series of a beat list (psy_beats_detect) and the breaths of the same
 * recording (psy_breaths_detect, or ECG-derived), both on the recording's time axis.
 *
 * - Peak-to-trough RSA breath by breath (Grossman, van Beek & Wientjes 1990, Psychophysiology
 *   27:702-714): the longest NN interval of the expiration minus the shortest of the inspiration
 *   of that breath (an interval belongs to the phase its ending beat falls in: inspiration from
 *   the breath's onset to its peak, expiration from the peak to the breath's end); 0 when the
 *   longest expiratory interval is shorter than the shortest inspiratory one (no RSA in that
 *   breath), NaN when a phase holds no interval. PSY_RSA_P2T_RANGE instead takes the range (max -
 *   min) of the intervals whose two beats both lie in the breath, NaN below 2 such intervals: the
 *   operational definition of NeuroKit2's hrv_rsa (after Lewis et al. 2012, Biol Psychol
 *   89:349-364), for comparison.
 * - Porges-Bohrer RSA (Porges & Bohrer 1990, in Cacioppo & Tassinary, Principles of
 *   Psychophysiology, 708-753; Lewis et al. 2012): the heart period (ms) sampled at 2 Hz (the
 *   monotone cubic through the beats: linear interpolation flattened the wave, 65 % of a
 *   synthetic RSA's variance against 85 %), minus its 21-point cubic moving polynomial (Savitzky-Golay; at the edges the
 *   first and last windows' cubic fits), band-passed 0.12-0.40 Hz (Butterworth, forward and
 *   backward), cut into 30-s epochs; the mean over the complete epochs of ln(variance), ln(ms²).
 *   pb_neurokit = 1 reproduces NeuroKit2 0.2.12's variant: heart rate in bpm instead of period,
 *   ln(variance / 1000), the last partial epoch included.
 * - HF power in the respiratory band: when the breathing rate is below 9 /min (0.15 Hz, the HF
 *   band's lower edge, which then misses the breathing: Laborde, Mosley & Thayer 2017, Front
 *   Psychol 8:213), the Welch power over the breathing frequency ± 0.05 Hz; otherwise the
 *   standard 0.15-0.40 Hz band. The band used is reported.
 * - Biofeedback: the resonance peak (the largest Welch bin within 0.04-0.15 Hz and the power
 *   within ±0.015 Hz of it; Lehrer, Vaschillo & Vaschillo 2000, Appl Psychophysiol Biofeedback
 *   25:177-191); the coherence ratio of McCraty et al. 2009 (Integral Review 5(2):10-115): the
 *   largest peak within 0.04-0.26 Hz, its power over a 0.030 Hz window centred on it, divided by
 *   the total power (0.0033-0.4 Hz) minus that peak power; the heart-rate oscillation per breath
 *   (maximum minus minimum instantaneous heart rate 60000 / NN over the intervals ending within
 *   the breath, bpm: the breath-by-breath amplitude resonance breathing maximises, Lehrer &
 *   Gevirtz 2014, Front Psychol 5:756). */
#ifndef PSYPHYS_RSA_H
#define PSYPHYS_RSA_H

#include <stddef.h>
#include <stdio.h>
#include "psyphys/beats.h"
#include "psyphys/export.h"
#include "psyphys/resp.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_rsa_p2t_method {
    PSY_RSA_P2T_GROSSMAN = 0, /* expiration's longest - inspiration's shortest (default) */
    PSY_RSA_P2T_RANGE         /* range of the intervals within the breath (NeuroKit2) */
} psy_rsa_p2t_method;

typedef struct psy_rsa_config {
    psy_rsa_p2t_method p2t_method;
    int pb_neurokit;              /* 0 (default): Porges-Bohrer on heart period, ln(ms²); 1: NeuroKit2's */
    double pb_band_hz[2];         /* default 0.12 .. 0.40 (adults) */
    double pb_epoch_s;            /* default 30 */
    double slow_breathing_per_min; /* below it the HF band centres on the breathing, default 9 */
    double resp_band_halfwidth_hz; /* default 0.05 */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_rsa_config;

PSY_API psy_rsa_config psy_rsa_config_default(void);

/* The breaths with a value that the recording's means (and SD) of P2T and of the heart-rate
 * oscillation need: the breathing rate's minimum (PSY_RESP_RATE_MIN_BREATHS). Each breath's own
 * value stands without it. */
#define PSY_RSA_MIN_BREATHS PSY_RESP_RATE_MIN_BREATHS

typedef struct psy_rsa_result {
    size_t n_breaths;
    double *p2t_ms;        /* per breath (n_breaths), NaN where it cannot be measured */
    double *hr_osc_bpm;    /* per breath: max - min heart rate, NaN without 2 intervals */
    size_t p2t_n;          /* breaths with a P2T value */
    size_t p2t_no_rsa;     /* of them, 0 (Grossman: no RSA in the breath) */
    double p2t_mean_ms, p2t_sd_ms, p2t_ln_mean; /* NaN below PSY_RSA_MIN_BREATHS values */
    double hr_osc_mean_bpm;                     /* likewise */
    double pb_ln;          /* Porges-Bohrer, ln(ms²) (NeuroKit variant: ln(bpm² / 1000)); NaN
                              without a complete epoch (pb_why) */
    size_t pb_epochs;
    const char *pb_why;
    double breathing_hz;   /* the breaths' rate (psy_breath_summarize) in Hz; NaN when n/a */
    double hf_band_hz[2];  /* the band hf_resp_ms2 was taken over */
    double hf_resp_ms2;    /* Welch power over that band; NaN with hf_why */
    double resonance_hz, resonance_power_ms2; /* NaN with spectrum_why */
    double coherence_ratio;
    const char *hf_why, *spectrum_why;
} psy_rsa_result;

/* RSA and biofeedback metrics of the beats' corrected NN series and the breaths. config NULL:
 * defaults. The spectral values need 60 s of NN intervals (the HF band's minimum, psyphys/hrv.h);
 * below it they are NaN with the reason. PSY_OK, PSY_E_INVALID (NULL beats, breaths or out, a
 * config out of range, beats without their NN series: a session's lean beats), PSY_E_NOMEM. Free with psy_rsa_result_clear. */
PSY_API psy_status psy_rsa_compute(const psy_beat_list *beats, const psy_breath_list *breaths,
                                   const psy_rsa_config *config, psy_rsa_result *out);

PSY_API void psy_rsa_result_clear(psy_rsa_result *r); /* frees the per-breath arrays; NULL-safe */

/* The breaths table, one row per breath (TSV, header row, "n/a" for a missing value, fixed
 * decimals but amplitude's): onset (start of inspiration, s), peak (end of inspiration, s),
 * duration_s (onset to the breath's end), amplitude (6 significant digits, %.6g: MARSH's
 * impedance breaths are ~6e-5, a belt's hundreds; the channel's unit, arbitrary for ECG-derived
 * breaths), rate_per_min (60 / duration_s), rsa_p2t_ms and hr_osc_bpm (rsa's per-breath values;
 * n/a without rsa or where a breath holds too few intervals). rsa may be NULL; otherwise it was
 * computed on l. PSY_OK, PSY_E_INVALID (NULL fp or l, rsa of another list), PSY_E_IO. */
PSY_API psy_status psy_breaths_write_tsv(FILE *fp, const psy_breath_list *l, const psy_rsa_result *rsa);

#ifdef __cplusplus
}
#endif
#endif
