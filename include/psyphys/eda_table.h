/* psyphys — the skin conductance tables `psyphys eda` writes and what their sidecars say: the
 * SCRs, the response to each event, the summary of each session phase; the channel, every
 * setting, the summary, the unit conversion and the warnings a person must see. A program that
 * writes these gets `psyphys eda`'s bytes for the same channel and settings.
 *
 *     psy_eda_result *res = NULL;
 *     psy_eda_events ev;
 *     psy_eda_analyze(reader, ch, &cfg, PSY_EDA_FAST, &res, &why);
 *     psy_eda_events_of(res, reader, 1, 4, &ev);
 *     psy_eda_write_table(fp, PSY_EDA_TABLE_SCR, res, reader, &ev);
 *     psy_sidecar_set_eda_settings(sidecar, "settings", res, 1, 4);
 *     psy_sidecar_set_eda_columns(sidecar, "columns", PSY_EDA_TABLE_SCR);
 *
 * Tables are TSV with a header row, times in s from the recording start, conductances in µS,
 * "n/a" for a missing value; the SCR table is analyze's (PSY_TABLE_SCR, psyphys/session.h).
 * Ownership as psyphys/status.h says: every argument is borrowed. */
#ifndef PSYPHYS_EDA_TABLE_H
#define PSYPHYS_EDA_TABLE_H

#include <stdio.h>

#include "psyphys/eda.h"
#include "psyphys/export.h"
#include "psyphys/recording.h"
#include "psyphys/sidecar.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_eda_table {
    PSY_EDA_TABLE_SCR = 0,  /* onset, peak_onset, amplitude_us, rise_time_s, half_recovery_s:
                               one row per SCR (4 decimals, amplitude 5) */
    PSY_EDA_TABLE_EPOCHS,   /* label, onset, scr_found, scr_amplitude_us, scr_latency_s,
                               scr_rise_time_s, scr_peak_onset, scl_baseline_us: one row per event
                               of the reader (psy_eda_events.epochs) */
    PSY_EDA_TABLE_SEGMENTS, /* label, onset, duration, scl_us, scr_count, ns_scr_count,
                               ns_scr_per_min, excluded_s, scr_amplitude_mean_us,
                               scr_amplitude_sum_us, phasic_driver_area_us_s: one row per event
                               with a duration (psy_eda_events.segments) */
    PSY_EDA_TABLE_COUNT
} psy_eda_table;

/* Writes a table of an analysed channel (psy_eda_analyze) and its events (psy_eda_events_of on
 * the same reader, whose events give the labels; reader and events may be NULL for the SCR
 * table). Tabs and line breaks in a label are written as spaces. PSY_OK, PSY_E_INVALID (NULL, a
 * table out of range), PSY_E_IO. */
PSY_API psy_status psy_eda_write_table(FILE *fp, psy_eda_table table, const psy_eda_result *result,
                                       const psy_reader *reader, const psy_eda_events *events);

/* Sets key to what a table's columns hold (BIDS-style {"column": {"Units", "Description"}}; the
 * segments table: its rows and metrics in words). PSY_OK, PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_eda_columns(psy_sidecar *sidecar, const char *key, psy_eda_table table);

/* Sets key to the channel analysed: {label, index, type, unit, file_unit, rate_hz}. PSY_OK,
 * PSY_E_INVALID (NULL, ch out of range), PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_eda_channel(psy_sidecar *sidecar, const char *key, const psy_reader *reader, int ch);

/* Sets key to how the channel's file values became µS: {file_unit, kind, scale}. Same returns. */
PSY_API psy_status psy_sidecar_set_eda_unit_conversion(psy_sidecar *sidecar, const char *key,
                                                       const psy_reader *reader, int ch);

/* Sets key to every setting of the analysis: method, preprocessing, artefact rules,
 * decomposition, SCR criteria, and the event-related latency window [latency_min_s,
 * latency_max_s] (s). PSY_OK, PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_eda_settings(psy_sidecar *sidecar, const char *key, const psy_eda_result *result,
                                                double latency_min_s, double latency_max_s);

/* Sets key to the summary of the channel: scl_us, ns_scr_per_min (whole: psy_eda_events.whole,
 * NS-SCRs outside every event's latency window), scr_count, ns_scr_count, the amplitudes, the
 * phasic driver area, duration_s, valid_s, excluded_s, the noise, and the n/a reasons (null for
 * NaN). with_artifacts 1: "artifacts" (psy_sidecar_set_eda_artifacts) added at the end. PSY_OK,
 * PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_eda_summary(psy_sidecar *sidecar, const char *key, const psy_eda_result *result,
                                               const psy_eda_summary *whole, int with_artifacts);

/* Appends to "warnings" what a person must know of the channel: a channel not typed EDA,
 * values that cannot be µS, the stretches flagged (with their seconds), spikes repaired, why
 * values are n/a. PSY_OK, PSY_E_INVALID (NULL, ch out of range), PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_add_eda_warnings(psy_sidecar *sidecar, const psy_eda_result *result,
                                                const psy_reader *reader, int ch);

/* What a person must know of the events (psy_eda_events_of on reader), as analyze says it:
 * appends to "warnings" each skipped event ("event 'LABEL' at T s skipped: why") and each epoch
 * whose SCR latency window was not observed ("epoch 'LABEL' at T s: SCR n/a (why)"), and sets
 * "skipped_events" to [{label, onset_s, source, reason}]. PSY_OK, PSY_E_INVALID (NULL),
 * PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_add_eda_events(psy_sidecar *sidecar, const psy_reader *reader,
                                              const psy_eda_events *events);

#ifdef __cplusplus
}
#endif
#endif
