/* psyphys — RR/NN interval series: beat classification and artefact correction.
 *
 * Method: Lipponen & Tarvainen 2019, "A robust algorithm for heart rate variability time series
 * artefact correction using novel beat classification", J Med Eng Technol 43(3):173-181 (the
 * method of Kubios HRV). Successive differences dRR and deviations from an 11-beat median mRR
 * (negative deviations doubled) are normalised by time-varying thresholds, alpha = 5.2 times the
 * quartile deviation over 91 beats; beats fall in the classes below by the published decision
 * rules (c1 = 0.13, c2 = 0.17). Correction: an extra beat is removed (its two intervals merge), a
 * missed beat is inserted (the interval is split in two), ectopic, long and short
 * intervals are replaced by cubic-spline interpolation of the neighbouring normal intervals.
 *
 * Series are arrays (one value per beat); a 24 h recording has about 100 000 beats, so memory is
 * bounded by the beat list, never by the signal. Intervals in ms, times in s. */
#ifndef PSYPHYS_RR_H
#define PSYPHYS_RR_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_beat_class {
    PSY_BEAT_NORMAL = 0,
    PSY_BEAT_ECTOPIC,   /* premature beat followed by a compensatory pause (or the reverse) */
    PSY_BEAT_MISSED,    /* interval holding an undetected beat: about twice the local median */
    PSY_BEAT_EXTRA,     /* a detection splitting a normal interval in two */
    PSY_BEAT_LONG,      /* too long, not explained by a missed beat */
    PSY_BEAT_SHORT,     /* too short, not explained by an extra beat */
    PSY_BEAT_CLASS_COUNT
} psy_beat_class;

/* "N", "ectopic", "missed", "extra", "long", "short". Never NULL. */
PSY_API const char *psy_beat_class_name(psy_beat_class c);

typedef struct psy_rr_config {
    double alpha;       /* threshold scale over the quartile deviation, default 5.2 */
    int qd_window;      /* beats for the quartile deviation, odd, default 91 */
    int median_window;  /* beats for the local median, odd, default 11 */
    double c1, c2;      /* ectopic decision line, defaults 0.13 and 0.17 */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_rr_config;

PSY_API psy_rr_config psy_rr_config_default(void);

/* Classifies each interval rr_ms[i] (i = 0 .. n-1; the interval ending at beat i). Needs no
 * minimum length (short series get thresholds from what there is). out has n entries. Works
 * through a long series piece by piece, with the same classes as in one piece: its workspace
 * stays at 7 doubles for each of 8192 intervals whatever n (460 KB; more when the two windows
 * add up to over 2000 beats). PSY_OK, PSY_E_INVALID (NULL, a bad setting, a non-finite or
 * non-positive interval), PSY_E_NOMEM. */
PSY_API psy_status psy_rr_classify(const double *rr_ms, size_t n, const psy_rr_config *config,
                                   psy_beat_class *out);

/* The same without allocating: work holds psy_rr_classify_work_size(n) doubles (7 n). For live
 * streams (psyphys/stream.h), which classify a sliding buffer of beats on every beat.
 * PSY_OK or PSY_E_INVALID. */
PSY_API size_t psy_rr_classify_work_size(size_t n);
PSY_API psy_status psy_rr_classify_work(const double *rr_ms, size_t n, const psy_rr_config *config,
                                        psy_beat_class *out, double *work);

/* The counts of each class, and (psy_rr_correct) how many corrected intervals were left out of
 * the NN series because no correction makes them plausible. */
typedef struct psy_rr_counts {
    size_t n[PSY_BEAT_CLASS_COUNT];
    size_t nn_left_out;
} psy_rr_counts;

/* Corrects a series of intervals with their beat times t_s (the time of the beat that ends each
 * interval). Writes at most out_max corrected intervals to out_rr_ms / out_t_s and, when
 * out_corrected is not NULL, 1 for every interval that was changed or inserted. *out_n gets the
 * count; out_max = 2 n is always enough. classes (from psy_rr_classify, n entries) may be NULL:
 * the series is then classified here. counts (may be NULL) gets the class counts.
 * A misplaced (ectopic, long, short) beat is moved where its normal neighbours put it (a cubic
 * through up to two on each side, within four positions: the local rhythm); with none that near
 * (a run of bigeminy) it goes half-way between the beats around it.
 * A changed or inserted interval outside the range the classifier's ceiling allows around its
 * normal neighbours (up to two on each side, each preceded by a normal interval: from 75 % of the
 * shortest to 125 % of the longest) is left out of the output and counted in counts->nn_left_out:
 * a pause no missed beat explains, say, whose moved beat would pass the whole pause on to the next
 * interval. The output's times show where intervals are missing; psy_rr_correct_left_out also
 * gives the left-out intervals' times.
 * PSY_OK, PSY_E_INVALID, PSY_E_RANGE (out_max too small), PSY_E_NOMEM. */
PSY_API psy_status psy_rr_correct(const double *rr_ms, const double *t_s, size_t n,
                                  const psy_rr_config *config, const psy_beat_class *classes,
                                  double *out_rr_ms, double *out_t_s, uint8_t *out_corrected,
                                  size_t out_max, size_t *out_n, psy_rr_counts *counts);

/* psy_rr_correct, and where each left-out interval ends: the time (s) of the beat that would end
 * it in the NN series (the moved or inserted beat's, else its own), in order, into
 * out_left_out_t_s (left_out_max entries; *out_left_out_n gets how many, counts->nn_left_out the
 * same; 2 n is always enough). A segment's or an epoch's share of corrected intervals counts
 * them (psy_beat_list's nn_left_out_s, psyphys/beats.h). Since 0.2. Same returns as
 * psy_rr_correct; PSY_E_RANGE also when left_out_max is too small. */
PSY_API psy_status psy_rr_correct_left_out(const double *rr_ms, const double *t_s, size_t n,
                                           const psy_rr_config *config, const psy_beat_class *classes,
                                           double *out_rr_ms, double *out_t_s, uint8_t *out_corrected,
                                           size_t out_max, size_t *out_n, psy_rr_counts *counts,
                                           double *out_left_out_t_s, size_t left_out_max,
                                           size_t *out_left_out_n);

/* psy_rr_correct on each stretch of a series whose gaps are NaN intervals (a beats table's n/a
 * rr_ms after a gap, psyphys/beats_table.h): the NaN intervals are dropped and every run of
 * intervals between them is classified and corrected on its own, so no correction reaches across
 * a gap. Writes the stretches' corrected intervals one after the other (out_max = 2 n is always
 * enough); counts (may be NULL) sums the classes over the stretches. Same returns as
 * psy_rr_correct (the intervals of a stretch must be positive and finite). */
PSY_API psy_status psy_rr_correct_stretches(const double *rr_ms, const double *t_s, size_t n,
                                            const psy_rr_config *config, double *out_rr_ms, double *out_t_s,
                                            uint8_t *out_corrected, size_t out_max, size_t *out_n,
                                            psy_rr_counts *counts);

/* The RR preprocessing of the PhysioNet Cardiovascular Signal Toolbox (PCST; Vest et al. 2018,
 * "An open source benchmarked toolbox for cardiovascular waveform and interval analysis",
 * Physiol Meas 39(10):105004), whose outliers are removed, not interpolated (its default 'rem'),
 * in its order:
 *   1. intervals that are NaN or <= 0 (coincident annotations) are dropped;
 *   2. intervals >= gap_ms are dropped (gaps in the recording);
 *   3. an interval is dropped when it differs by >= change (a fraction) from the median of the
 *      5 intervals before it AND from the median of the 5 after it (the first 5 have no "before"
 *      and the last 5 no "after": never dropped here; a series of fewer than 5 intervals keeps
 *      all of them); the ratio is formed on the intervals in seconds rounded to 1 ns, as PCST
 *      holds sample counts / Fs, so exact 20 % changes of sample-quantised intervals fall as in
 *      PCST (85 -> 102 samples at 125 Hz gives 0.19999999999999984: kept);
 *   4. intervals < lower_ms, then > upper_ms, are dropped.
 * Each interval keeps its beat time: the times of removed intervals disappear with them (no
 * interval is merged or interpolated). */
typedef struct psy_rr_pcst_config {
    double gap_ms;   /* default 4000 (PCST gaplimit 4 s) */
    double change;   /* default 0.2 (PCST per_limit) */
    double lower_ms; /* default 375 (PCST lowerphysiolim 60/160 s) */
    double upper_ms; /* default 2000 (PCST upperphysiolim 60/30 s) */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_rr_pcst_config;

PSY_API psy_rr_pcst_config psy_rr_pcst_config_default(void);

/* What psy_rr_clean_pcst dropped, per step. */
typedef struct psy_rr_pcst_counts {
    size_t invalid, gaps, changes, too_short, too_long;
} psy_rr_pcst_counts;

/* Cleans n intervals rr_ms ending at beat times t_s (seconds) into out_rr_ms / out_t_s (n
 * entries each; may not alias the inputs); *out_n gets the count kept. config NULL: defaults;
 * counts may be NULL. O(n) time, no allocation.
 * PSY_OK, PSY_E_INVALID (NULL pointers with n > 0, or a setting not positive / lower >= upper). */
PSY_API psy_status psy_rr_clean_pcst(const double *rr_ms, const double *t_s, size_t n,
                                     const psy_rr_pcst_config *config, double *out_rr_ms, double *out_t_s,
                                     size_t *out_n, psy_rr_pcst_counts *counts);

#ifdef __cplusplus
}
#endif
#endif
