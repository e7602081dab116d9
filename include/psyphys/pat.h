/* psyphys — pulse arrival time (PAT): from each R-peak of an ECG to the arrival of its pulse in a
 * PPG, beat by beat.
 *
 * PAT is the pre-ejection period (electrical activation to the opening of the aortic valve) plus
 * the pulse transit time to the PPG site; it shortens as blood pressure rises, but its
 * pre-ejection part follows contractility rather than pressure, so it is a marker of
 * cardiovascular change, not a blood-pressure reading (Smith et al. 1999, Thorax 54:452; Payne et
 * al. 2006, J Appl Physiol 100:136; Mukkamala et al. 2015, IEEE Trans Biomed Eng 62:1879). It is
 * taken to the pulse's foot (intersecting tangents), the point least moved by wave reflection,
 * and to its steepest upstroke; a device's own PPG filtering adds its delay to both.
 *
 * Pairing. The R-peaks and the pulses must be on one clock (channels of one recording; two
 * devices' clocks drift apart by seconds an hour). The recording's typical delay is the mode of
 * every foot-minus-R-peak difference within [min_s, max_s] (10-ms bins); each R-peak then takes
 * the pulse foot nearest to it plus the median PAT of the last 9 valid beats (the mode for the
 * first), within tolerance_s and 0.4 times the median RR interval (the neighbouring beats'
 * pulses lie one interval away), so a PAT longer than the RR interval (tachycardia, a toe sensor)
 * is paired with its own R-peak. Validity, beat by beat (else NaN, with the reason):
 *  - the R-peak and the pulse are normal beats (or follow a missed one): an ectopic beat changes
 *    the ejection, and an extra or short detection may be noise;
 *  - a pulse exists there: none in an unusable PPG stretch (psyphys/ppg.h) or outside the PPG;
 *  - the delay lies within [min_s, max_s].
 * And over the whole list, the pulses must follow the R-peaks at a steady delay, else every PAT
 * is NaN with PSY_PAT_NOT_FOLLOWING: the median change of PAT between consecutive valid beats at
 * most max_jitter_ms (a pulse paired with another beat's R-peak inherits that beat's RR
 * variability), the valid PATs' linear trend over the list at most max_trend_ms (a clock drifting
 * 0.1 % moves the delay by 60 ms a minute; the default allows the changes of PAT with blood
 * pressure at rest and in mental tasks, raise it for exercise), and at least min_valid_pct of the
 * R-peaks that have PPG valid.
 * On MARSH (../shared/data/marsh: the PPG on its own clock, offset -6 .. +2 s and drifting about
 * 1000 ppm) every subject is refused; on an ICU monitor's lead II and finger plethysmogram
 * (one clock) 363 of 392 R-peaks have a PAT, 353 +- 13 ms (tests/test_pat_data.c). */
#ifndef PSYPHYS_PAT_H
#define PSYPHYS_PAT_H

#include <stddef.h>
#include "psyphys/beats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_pat_config {
    double min_s;          /* shortest plausible PAT, default 0.08 s */
    double max_s;          /* longest, default 0.8 s (toe sensors, slow devices' filters) */
    double tolerance_s;    /* a foot this far from the expected arrival at most, default 0.1 s */
    double max_jitter_ms;  /* median |PAT change| between consecutive valid beats, default 20 ms */
    double max_trend_ms;   /* the valid PATs' linear trend over the list, default 150 ms */
    double min_valid_pct;  /* of the R-peaks with PPG (normal or not), default 50 % */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_pat_config;

PSY_API psy_pat_config psy_pat_config_default(void);

typedef enum psy_pat_reason {
    PSY_PAT_VALID = 0,
    PSY_PAT_BEAT_NOT_NORMAL,   /* the R-peak is not a normal beat (ectopic, extra, short, long) */
    PSY_PAT_NO_PPG,            /* its arrival falls in an unusable PPG stretch or outside the PPG */
    PSY_PAT_NO_PULSE,          /* no pulse foot near its expected arrival */
    PSY_PAT_PULSE_NOT_NORMAL,  /* the pulse there is not a normal pulse (ectopic, extra, ...) */
    PSY_PAT_IMPLAUSIBLE,       /* the delay lies outside [min_s, max_s] */
    PSY_PAT_NOT_FOLLOWING,     /* the list as a whole: pulses do not follow the R-peaks */
    PSY_PAT_REASON_COUNT
} psy_pat_reason;

/* A short phrase for a person ("the R-peak is not a normal beat", ...). Never NULL. */
PSY_API const char *psy_pat_reason_text(psy_pat_reason reason);

typedef struct psy_pat_list {
    size_t n;                  /* one entry per R-peak of the ECG's beat list, in its order */
    double *r_onset_s;         /* the R-peak, seconds from the recording start */
    double *foot_s;            /* the paired pulse's foot (NaN: none paired) */
    double *pat_ms;            /* R-peak to foot, ms; NaN unless reason[i] is PSY_PAT_VALID */
    double *pat_upstroke_ms;   /* R-peak to the steepest upstroke, ms; the same validity */
    psy_pat_reason *reason;
    size_t n_valid;
    size_t counts[PSY_PAT_REASON_COUNT]; /* R-peaks per reason */
    double delay_ms;           /* the typical delay the pairing started from (NaN: none found) */
    double jitter_ms;          /* median |PAT change| between consecutive valid beats (NaN: none) */
    double trend_ms;           /* the valid PATs' least-squares line, its change from the first
                                  to the last (NaN: fewer than 2) */
    double valid_pct;          /* share (0-100) of the R-peaks with PPG that had a valid PAT before
                                  the whole-list test (NaN: none with PPG). Since 0.2 (appended) */
} psy_pat_list;

/* Pairs the R-peaks of `beats` (psy_beats_detect: R-peaks, not pulses or RR-channel beats) with
 * the pulses of `pulses` (psy_pulses_detect), both with onsets on one clock. *out is NULL on
 * failure. PSY_OK (also when no PAT is valid: see counts), PSY_E_INVALID (a NULL argument, the
 * lists of the wrong kind, beats without their per-beat columns (a session's lean beats), a setting out of range: min_s >= 0, max_s > min_s, tolerance_s > 0,
 * max_jitter_ms > 0, max_trend_ms > 0, min_valid_pct 0 .. 100) or PSY_E_NOMEM. */
PSY_API psy_status psy_pat_compute(const psy_beat_list *beats, const psy_beat_list *pulses,
                                   const psy_pat_config *config, psy_pat_list **out);

/* Why the whole-list test refused every PAT (counts[PSY_PAT_NOT_FOLLOWING] > 0), for a person:
 * psy_pat_reason_text(PSY_PAT_NOT_FOLLOWING) and each test that failed with its figure and limit
 * ("median beat-to-beat change 25 ms, above max_jitter_ms 20", "trend ... beyond max_trend_ms
 * ...", "a valid PAT at 31 % of the R-peaks with PPG, below min_valid_pct 50"). config: the one
 * the list was computed with (NULL: defaults). 1 with *out filled, 0 (out empty) when the list
 * was not refused or an argument is NULL. */
PSY_API int psy_pat_why_refused(const psy_pat_list *list, const psy_pat_config *config, psy_message *out);

typedef struct psy_pat_summary {
    size_t n_beats;            /* R-peaks in the span */
    size_t n_valid;            /* of which with a valid PAT */
    double mean_ms, sd_ms, median_ms;             /* PAT to the foot */
    double mean_upstroke_ms, median_upstroke_ms;  /* to the steepest upstroke */
    psy_pat_reason why;        /* when the figures are NaN: PSY_PAT_NOT_FOLLOWING when the whole
                                  list was refused (psy_pat_why_refused), else the commonest reason of
                                  the span's beats without a valid PAT (PSY_PAT_VALID: fewer than 5
                                  R-peaks) */
} psy_pat_summary;

/* The PAT of the R-peaks in [from_s, to_s): NaN figures (with `why`) unless at least 5 beats,
 * and at least half the span's R-peaks, have a valid PAT. PSY_OK, PSY_E_INVALID (NULL, to_s <
 * from_s) or PSY_E_NOMEM. */
PSY_API psy_status psy_pat_summarize(const psy_pat_list *list, double from_s, double to_s,
                                     psy_pat_summary *out);

/* NULL-safe. */
PSY_API void psy_pat_list_free(psy_pat_list *list);

#ifdef __cplusplus
}
#endif
#endif
