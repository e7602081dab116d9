/* psyphys — what the sidecar of a breaths table says (the table is psy_breaths_write_tsv,
 * psyphys/rsa.h): the breath detector's settings and RSA's, the summary of the breathing and of
 * RSA and the biofeedback values, the columns, the warnings; as `psyphys resp` writes it.
 *
 *     psy_sidecar_set_breaths_settings(sc, "settings", list, have_rsa ? &rsa_cfg : NULL);
 *     psy_sidecar_set_breaths_summary(sc, "summary", &summary, have_rsa ? &rsa : NULL, &rsa_cfg);
 *     psy_sidecar_set_breaths_columns(sc, "columns");
 *     psy_sidecar_set_breaths_rate_windows(sc, "edr_rate", list);   (ECG-derived breaths)
 *     psy_sidecar_add_breaths_warnings(sc, list, &summary, have_rsa);
 *
 * Numbers null where NaN, with a KEY_n/a_reason beside them. Every argument is borrowed. */
#ifndef PSYPHYS_BREATHS_TABLE_H
#define PSYPHYS_BREATHS_TABLE_H

#include "psyphys/export.h"
#include "psyphys/resp.h"
#include "psyphys/rsa.h"
#include "psyphys/sidecar.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sets key to the detector's settings (source, detector_rate_hz, band_hz, hysteresis,
 * min_amplitude) and, with rsa (NULL: no RSA), RSA's ("rsa": the P2T and Porges-Bohrer methods
 * in words, their bands and epochs, Hz and s; mean_min_breaths: PSY_RSA_MIN_BREATHS). PSY_OK,
 * PSY_E_INVALID (NULL), PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_breaths_settings(psy_sidecar *sidecar, const char *key, const psy_breath_list *list,
                                                    const psy_rsa_config *rsa);

/* Sets key to the summary (psy_breath_summarize): breaths, rate_per_min, duration_mean_s,
 * irregularity_cv_pct, depth_median, depth_cv_pct; and the RSA and biofeedback values computed
 * with config (rsa_p2t_*, rsa_pb_ln_ms2, or rsa_pb_ln_bpm2_per_1000 with config's NeuroKit
 * variant, hf_resp_*, resonance_*, coherence_ratio, hr_osc_mean_bpm), each null with a KEY_n/a_reason
 * when it has no value; rsa NULL (no heartbeats): every one null, the reason "no heartbeats to
 * measure RSA against". PSY_OK, PSY_E_INVALID (NULL summary, or rsa without config), PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_breaths_summary(psy_sidecar *sidecar, const char *key,
                                                   const psy_breath_summary *summary, const psy_rsa_result *rsa,
                                                   const psy_rsa_config *config);

/* Sets key to the ECG-derived breathing rate per minute of the list (psy_edr_rate_window, the
 * frequency domain): method (in words), window_s, windows, windows_with_rate, rate_median_per_min
 * (the median of the windows' rates: the recording's ECG-derived rate; null without one) and
 * per_window, one object a window: onset (s), rate_per_min (null, with rate_per_min_n/a_reason,
 * when no mechanism shows breathing at it or too little was measured), modulations, agreeing,
 * coherence (to 3 decimals), purity_rr, purity_waveform (to 2; psy_edr_rate_window's; null for
 * NaN). Sets nothing for a
 * list without rate windows (a respiration channel's). PSY_OK, PSY_E_INVALID (NULL), PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_breaths_rate_windows(psy_sidecar *sidecar, const char *key,
                                                        const psy_breath_list *list);

/* Sets key to what the breaths table's columns hold (BIDS-style Units and Description). */
PSY_API psy_status psy_sidecar_set_breaths_columns(psy_sidecar *sidecar, const char *key);

/* Appends to "warnings" why the breathing rate is n/a, and that RSA against ECG-derived breaths
 * is partly circular (with_rsa 1 and the list's source PSY_BREATHS_EDR). PSY_OK, PSY_E_INVALID,
 * PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_add_breaths_warnings(psy_sidecar *sidecar, const psy_breath_list *list,
                                                    const psy_breath_summary *summary, int with_rsa);

#ifdef __cplusplus
}
#endif
#endif
