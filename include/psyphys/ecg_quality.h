/* psyphys — ECG signal quality, to choose the best of several leads.
 *
 * The index follows Orphanidou et al. 2015 (IEEE J Biomed Health Inform 19(3):832-838, "Signal-
 * quality indices for the electrocardiogram and photoplethysmogram: derivation and applications
 * to wireless monitoring"): from the R-peaks of an excerpt, (1) physiological feasibility: mean
 * heart rate 40..180 bpm, no RR interval above 3 s, longest / shortest RR below 2.2; (2) the
 * average correlation of each beat with the mean beat (the template), a beat being a window of
 * one median RR centred on its R-peak. Orphanidou et al. call a 10-s excerpt acceptable when it
 * is feasible and the average correlation reaches 0.66.
 *
 * To rank leads, psyphys leaves out the third rule (longest / shortest RR < 2.2): ectopic beats
 * break it in the lead whose detections are right. MIT-BIH 105: the rule fails 6 of MLII's first
 * thirty 10-s windows and 3 of V1's, yet MLII's beats are the better ones (Se 99.7 % against
 * 97.5 % over the record, psyphys score-beats against the reference annotations). A window
 * is *usable* when the rate
 * is plausible (rules 1 and 2) and the template correlation reaches 0.66; the lead with the
 * larger share of usable windows wins. */
#ifndef PSYPHYS_ECG_QUALITY_H
#define PSYPHYS_ECG_QUALITY_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/recording.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_ecg_quality {
    size_t n_beats;       /* R-peaks in the excerpt */
    double mean_hr_bpm;   /* 60 / mean RR; NaN with fewer than 2 beats */
    double max_rr_s;      /* longest RR; NaN with fewer than 2 beats */
    double rr_ratio;      /* longest / shortest RR; NaN with fewer than 2 beats */
    int plausible_rate;   /* rules 1 and 2: mean HR 40 .. 180 bpm, no RR above 3 s */
    int feasible;         /* plausible_rate and rule 3: longest / shortest RR < 2.2 */
    double template_r;    /* average beat-template correlation, -1 .. 1; NaN with fewer than 3
                             beats whose window fits in the excerpt */
    int acceptable;       /* feasible and template_r >= 0.66 (Orphanidou et al.) */
    int usable;           /* plausible_rate and template_r >= 0.66 (psyphys's lead choice) */
} psy_ecg_quality;

/* Quality of x[0 .. n) (rate_hz > 0) from its R-peaks (sample indices into x, strictly
 * ascending). Allocates one median-RR window. PSY_OK, PSY_E_INVALID (NULL, rate <= 0 or not
 * finite, a peak outside x or out of order), PSY_E_NOMEM. */
PSY_API psy_status psy_ecg_quality_of(const double *x, size_t n, double rate_hz, const int64_t *peaks,
                                      size_t n_peaks, psy_ecg_quality *out);

/* A lead's quality over consecutive 10-s windows (Orphanidou et al.'s excerpt length). */
typedef struct psy_ecg_lead_quality {
    size_t n_beats;          /* R-peaks in the excerpt */
    size_t n_windows;        /* whole 10-s windows scored */
    size_t n_acceptable;     /* of them acceptable (Orphanidou et al.) */
    size_t n_usable;         /* of them usable */
    double usable_share;     /* n_usable / n_windows, 0 .. 1; NaN without a window */
    double template_r;       /* mean of the windows' template correlations; NaN without */
} psy_ecg_lead_quality;

#define PSY_ECG_QUALITY_WINDOW_S 10.0

/* 1 when lead quality a ranks above b: the higher share of usable windows, then the higher
 * mean template correlation (NaN lowest). Equal ones rank neither above the other. */
PSY_API int psy_ecg_lead_quality_better(const psy_ecg_lead_quality *a, const psy_ecg_lead_quality *b);

/* The quality of the first excerpt_s seconds (at most 2^20 samples) of a regular ECG channel of
 * the recording: its R-peaks found by the detector of psyphys/ecg.h with default settings, then
 * psy_ecg_quality_of on each whole 10-s window. PSY_OK, PSY_E_INVALID (bad channel, irregular
 * channel, excerpt_s <= 0, a rate the detector does not take: 50 .. 20000 Hz), PSY_E_NOMEM or a
 * read error; `why` (may be NULL) gets the reason. */
PSY_API psy_status psy_ecg_channel_quality(psy_reader *reader, int ch, double excerpt_s,
                                           psy_ecg_lead_quality *out, psy_message *why);

#ifdef __cplusplus
}
#endif
#endif
