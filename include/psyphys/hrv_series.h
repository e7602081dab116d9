/* psyphys — the interval series an HRV analysis takes: where its beats come from (a recording's
 * ECG, RR or PPG channel; the annotations of a WFDB record without signals; a beats table or any
 * list of intervals) and how it is cleaned (Lipponen & Tarvainen correction, PCST's removal, or
 * none). `psyphys hrv` and the Python package's hrv() build their series here, so both analyse
 * the same intervals. */
#ifndef PSYPHYS_HRV_SERIES_H
#define PSYPHYS_HRV_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/beats.h"
#include "psyphys/beats_table.h"
#include "psyphys/recording.h"
#include "psyphys/rr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How the raw intervals become the NN series. */
typedef enum psy_hrv_correction {
    PSY_HRV_CORRECT_NONE = 0, /* the raw intervals */
    PSY_HRV_CORRECT_LIPPONEN, /* Lipponen & Tarvainen 2019 (psy_rr_correct; a beat list's NN series) */
    PSY_HRV_CORRECT_PCST      /* PCST's removal (psy_rr_clean_pcst, default settings) */
} psy_hrv_correction;

/* "none", "lipponen", "pcst". */
PSY_API const char *psy_hrv_correction_name(psy_hrv_correction c);
/* By those names. PSY_OK or PSY_E_INVALID. */
PSY_API psy_status psy_hrv_correction_parse(const char *name, psy_hrv_correction *out);

/* The channel types whose beats an HRV analysis takes, in the order a channel is chosen without a
 * label (psy_reader_pick_channel): ECG (R-peaks), RR (a device's intervals), PPG (pulses: pulse
 * rate variability). *n (may be NULL) gets their number; the array is static. */
PSY_API const psy_channel_type *psy_hrv_channel_types(int *n);

/* The series: n intervals nn_ms (ms) ending at t_s (s from the recording start), corrected[i] 1
 * where correction changed, inserted or interpolated interval i (all 0 for the raw intervals and
 * for PCST's removal, which alters none it keeps). */
typedef struct psy_hrv_series {
    double *nn_ms, *t_s;
    uint8_t *corrected;
    size_t n;
    double t_first_s;         /* where the series starts: the beat before its first usable raw
                                 interval (windows count from there), 0 when there is none */
    size_t beats;             /* the beats (or table rows) the intervals came from */
    size_t n_corrected;       /* intervals with corrected[i] = 1 */
    psy_rr_counts counts;     /* beats per class (a beat list's; the correction's for intervals) */
    psy_rr_pcst_counts pcst;  /* what PCST's removal dropped (PSY_HRV_CORRECT_PCST) */
    psy_hrv_correction correction;
    int channel;              /* the channel the beats came from; -1: annotations or intervals */
    int annotations;          /* 0; 1: the WFDB beat annotations; 2: every WFDB annotation */
    psy_beat_list *pulses;    /* a PPG channel's pulses (its gaps and quality, for a sidecar);
                                 NULL for other sources. Freed with the series. */
    int table;                /* 0; a beats table's series (psy_hrv_series_from_table): 1 without
                                 labels, 2 with labels. Since 0.2 (appended) */
    psy_beat_list *ecg_beats; /* an ECG channel's R-peaks, lean (psyphys/beats.h: n, counts and
                                 the gaps kept, per-beat columns and NN series NULL): where the
                                 signal was unusable, for a sidecar (psy_sidecar_add_beat_gaps);
                                 NULL for other sources. Freed with the series. Since 0.3 (appended) */
    int of_pulses;            /* 1 when the intervals are a PPG's pulses (a PPG channel, a beat list
                                 or beats table of pulses): pulse rate variability, which outputs
                                 say (psy_pulse_rate_variability_note). Since 0.3 (appended) */
} psy_hrv_series;

/* Every psy_hrv_series_* below fills *out (zeroed first; psy_hrv_series_free it, also after a
 * failure). A series may hold no usable interval: psy_hrv_series_check says so. */

/* From n raw intervals (NaN after a gap, as a beats table's n/a) ending at t_s: each stretch
 * corrected on its own (psy_rr_correct_stretches), or raw, or PCST-cleaned. PSY_OK,
 * PSY_E_INVALID (NULL with n > 0; a stretch's interval not finite and > 0 for the correction),
 * PSY_E_NOMEM. */
PSY_API psy_status psy_hrv_series_from_rr(const double *rr_ms, const double *t_s, size_t n, psy_hrv_correction c,
                                          psy_hrv_series *out, psy_message *why);

/* From a beats table (psyphys/beats_table.h): with the Lipponen correction its NN series by the
 * table's rule (psy_beats_table_nn: the table's labels honoured when it has them, else each run
 * classified here; counts the classes); none and PCST take its raw intervals, as they take a beat
 * list's, labels unused. The table stays the caller's. PSY_OK, PSY_E_INVALID (NULL; an infinite
 * interval), PSY_E_NOMEM; `why` says where. Since 0.2. */
PSY_API psy_status psy_hrv_series_from_table(const psy_beats_table *t, psy_hrv_correction c, psy_hrv_series *out,
                                             psy_message *why);

/* What gave a beats table's series its beats' classes, for a sidecar: "the table's labels ...",
 * "classified here ..." or "not used ..." (none, PCST); NULL for a series of another source. A
 * static string. Since 0.2. */
PSY_API const char *psy_hrv_series_classes(const psy_hrv_series *s);

/* From a beat list (psy_beats_detect, psy_pulses_detect): its NN series (Lipponen), or its raw
 * intervals (none, PCST). The list stays the caller's. Same returns; PSY_E_INVALID also for a
 * lean session's beats (psyphys/session.h lean_results), which keep neither. */
PSY_API psy_status psy_hrv_series_from_beats(const psy_beat_list *b, psy_hrv_correction c, psy_hrv_series *out,
                                             psy_message *why);

/* 1 when the beats of reader come from its annotations: no channel is named (label NULL) and the
 * reader is a WFDB record of annotations only (no channel, some WFDB annotations: reference beats
 * as PhysioNet publishes them). */
PSY_API int psy_hrv_beats_from_annotations(const psy_reader *reader, const char *label);

/* From a recording: the beats of channel ch (R-peaks of an ECG channel, a device's RR channel, the
 * pulses of a PPG channel), or with ch = -1 the intervals between the WFDB annotations of a
 * record without signals: between its beat annotations (annotations 0 or -1) or between all of
 * them (annotations 1: noise marks and rhythm changes split intervals, as PCST's demo read
 * them). PSY_OK, PSY_E_TOO_SHORT (fewer than 2 such annotations), PSY_E_INVALID (no such
 * channel; annotations >= 0 with a channel), PSY_E_NOMEM, a read error. */
PSY_API psy_status psy_hrv_series_of(psy_reader *reader, int ch, int annotations, psy_hrv_correction c,
                                     psy_hrv_series *out, psy_message *why);

/* The whole choice, as `psyphys hrv FILE [--channel LABEL] [--annotations A]` makes it: the
 * annotations when psy_hrv_beats_from_annotations, else the channel psy_reader_pick_channel picks
 * among psy_hrv_channel_types() (label NULL: the first ECG, else RR, else PPG channel).
 * annotations: -1 (as the record is), 0 (beat annotations), 1 (all annotations; both refused
 * with PSY_E_INVALID unless the beats come from the annotations). Returns as psy_hrv_series_of
 * and psy_reader_pick_channel. */
PSY_API psy_status psy_hrv_series_from_reader(psy_reader *reader, const char *label, int annotations,
                                              psy_hrv_correction c, psy_hrv_series *out, psy_message *why);

/* PSY_OK when the series holds a usable interval (finite, > 0, <= 10 s, as psy_hrv_compute
 * takes them), else PSY_E_TOO_SHORT with `why` "no usable NN intervals (B beats, N intervals):
 * nothing to analyse"; PSY_E_INVALID for NULL. */
PSY_API psy_status psy_hrv_series_check(const psy_hrv_series *s, psy_message *why);

PSY_API void psy_hrv_series_free(psy_hrv_series *s); /* NULL-safe; leaves *s zeroed */

#ifdef __cplusplus
}
#endif
#endif
