/* psyphys — the HRV table `psyphys hrv` writes and what its sidecar says: one row per analysed
 * span (the whole NN series, or each window of psyphys/hrv_windows.h), as TSV or JSON, the
 * settings, the counts of the series and why cells are n/a; and the spectra of the last analysis.
 * A program that writes these gets `psyphys hrv`'s bytes for the same series and settings.
 *
 *     psy_hrv_table *t = NULL;
 *     if (psy_hrv_table_begin(fp, PSY_HRV_TABLE_TSV, cfg.spectra, &t) != PSY_OK) { ... }
 *     for each span: psy_hrv_compute(h, ..., &res); psy_hrv_table_row(t, onset_s, duration_s, &res);
 *     psy_hrv_table_end(t);
 *     psy_hrv_table_set_na_reasons(t, sidecar, "na_reasons");
 *     psy_hrv_table_free(t);
 *
 * Columns (TSV; JSON rows hold the same keys): onset, duration (s, 6 decimals), n_nn,
 * nn_corrected_pct, every psy_hrv_key_name of the first spectrum asked (Welch, else Lomb, else
 * AR), then the frequency keys of each further spectrum prefixed "lomb_" or "ar_"; values with 10
 * significant digits, "n/a" for NaN. JSON: {"windows": [row, ...]}, one compact row per line
 * with reals to 12 significant digits, null for NaN, the spectra nested under "welch", "lomb",
 * "ar" when there are several, and the row's "na_reasons" ({"key": "why"}).
 * Ownership as psyphys/status.h says: the table is the caller's until psy_hrv_table_free; fp and
 * the sidecars are borrowed. */
#ifndef PSYPHYS_HRV_TABLE_H
#define PSYPHYS_HRV_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "psyphys/export.h"
#include "psyphys/hrv.h"
#include "psyphys/hrv_series.h"
#include "psyphys/hrv_windows.h"
#include "psyphys/sidecar.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_hrv_table_format {
    PSY_HRV_TABLE_TSV = 0,
    PSY_HRV_TABLE_JSON
} psy_hrv_table_format;

typedef struct psy_hrv_table psy_hrv_table;

/* Starts a table on fp (borrowed until psy_hrv_table_end): writes the TSV header row or the JSON
 * opening. spectra: the psy_hrv_config's (PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR, at least
 * one). PSY_OK, PSY_E_INVALID (NULL, no spectrum, a format out of range), PSY_E_NOMEM, PSY_E_IO. */
PSY_API psy_status psy_hrv_table_begin(FILE *fp, psy_hrv_table_format format, int spectra, psy_hrv_table **out);

/* psy_hrv_table_begin for the windows of a recording with gaps: each row also gives
 * recorded_pct, the share (0-100) of its span the beats' intervals cover
 * (psy_hrv_covered_pct): the TSV's last column, a JSON row's key after nn_corrected_pct.
 * Its rows are written by psy_hrv_table_row_recorded. Same return codes. */
PSY_API psy_status psy_hrv_table_begin_recorded(FILE *fp, psy_hrv_table_format format, int spectra,
                                                psy_hrv_table **out);

/* Writes one row: the span's onset and length (s) and its result (psy_hrv_compute), and counts its
 * n/a cells. PSY_OK, PSY_E_INVALID (NULL, after psy_hrv_table_end), PSY_E_NOMEM, PSY_E_IO. */
PSY_API psy_status psy_hrv_table_row(psy_hrv_table *table, double onset_s, double duration_s,
                                     const psy_hrv_result *result);

/* psy_hrv_table_row with the row's recorded_pct (a psy_hrv_table_begin_recorded table's column,
 * n/a (JSON null) for NaN; ignored by other tables). psy_hrv_table_row on such a table writes 100.
 * Same return codes. */
PSY_API psy_status psy_hrv_table_row_recorded(psy_hrv_table *table, double onset_s, double duration_s,
                                              double recorded_pct, const psy_hrv_result *result);

/* Ends the table (the JSON closing; nothing for TSV). PSY_OK, PSY_E_INVALID, PSY_E_IO. */
PSY_API psy_status psy_hrv_table_end(psy_hrv_table *table);

/* The rows written. 0 for NULL. */
PSY_API size_t psy_hrv_table_rows(const psy_hrv_table *table);

/* Sets key of sidecar to the n/a cells of the rows written so far: {"column": {"reason": rows}},
 * columns in order of first appearance, named as in the TSV. PSY_OK, PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_hrv_table_set_na_reasons(const psy_hrv_table *table, psy_sidecar *sidecar, const char *key);

/* NULL-safe. Does not end the table. */
PSY_API void psy_hrv_table_free(psy_hrv_table *table);

/* Sets key of sidecar to every setting of an HRV table: preset (the name given to
 * psy_hrv_config_preset), correction (and PCST's cleaning rule with it), max_corrected_pct,
 * keep_corrected, what nn_corrected_pct means, window_s and step_s (null for the whole series:
 * window_s 0), the window rule, time_domain, frequency_domain (spectra, resampling,
 * interpolation, detrending, Welch, Lomb, AR, bands), nonlinear. PSY_OK, PSY_E_INVALID (NULL),
 * PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_hrv_settings(psy_sidecar *sidecar, const char *key, const psy_hrv_config *config,
                                                const char *preset, psy_hrv_correction correction, double window_s,
                                                double step_s, psy_hrv_window_rule rule);

/* Sets key of sidecar to the counts of a series: beats, intervals, corrected, skipped (the
 * intervals psy_hrv_compute_flagged skipped over the rows, summed by the caller), the beats per
 * class, and left_out (Lipponen correction) or pcst_removed (PCST's cleaning). PSY_OK,
 * PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_hrv_counts(psy_sidecar *sidecar, const char *key, const psy_hrv_series *series,
                                              size_t skipped);

/* Writes the spectra of the last psy_hrv_compute of h: a header row "method\tfrequency_hz\t
 * psd_ms2_per_hz", then Welch's, Lomb's and AR's bins (those computed), frequency in Hz and PSD in
 * ms²/Hz with 8 significant digits. PSY_OK, PSY_E_INVALID (NULL), PSY_E_IO. */
PSY_API psy_status psy_hrv_write_spectra(FILE *fp, const psy_hrv *h);

#ifdef __cplusplus
}
#endif
#endif
