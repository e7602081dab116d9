/* psyphys — JSON sidecars: what every table psyphys writes records beside it (DESIGN "Outputs"):
 * the psyphys version, the command, the input and the SHA-256 of each of its files, every
 * setting, the warnings. The session's sidecars (psy_session_sidecar, psyphys/session.h) are
 * built from these; a program writing its own tables uses them to record the same provenance.
 *
 *     psy_sidecar *sc = NULL;
 *     psy_message why;
 *     if (psy_sidecar_new("mytool", path, reader, NULL, &sc, &why) != PSY_OK) { ... why.text ... }
 *     psy_sidecar_set_json(sc, "settings", "{\"window_s\": 60}", &why);
 *     psy_sidecar_add_reader_warnings(sc, reader);
 *     psy_sidecar_write(sc, fp);
 *     psy_sidecar_free(sc);
 *
 * A sidecar is a JSON object whose keys keep the order they were first set in; it is written
 * indented by two spaces, reals with 12 significant digits, with a final newline, so the same
 * input and settings give byte-identical sidecars. Ownership as psyphys/status.h says. */
#ifndef PSYPHYS_SIDECAR_H
#define PSYPHYS_SIDECAR_H

#include <stdio.h>

#include "psyphys/beats.h"
#include "psyphys/eda.h"
#include "psyphys/export.h"
#include "psyphys/ppg.h"
#include "psyphys/recording.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The SHA-256 of a file's bytes as 64 lowercase hex digits and a NUL. PSY_OK, PSY_E_INVALID
 * (NULL), PSY_E_IO (cannot be opened or read). */
#define PSY_SHA256_HEX 65
PSY_API psy_status psy_sha256_file(const char *path, char hex[PSY_SHA256_HEX]);

/* The SHA-256 of a recording's files (the input path, then psy_reader_file 1 ..), computed in a
 * background thread while the caller analyses the recording. *out NULL when there are more than
 * 16 files or the thread cannot start: psy_sidecar_new then hashes them itself. Returns PSY_OK,
 * PSY_E_INVALID (NULL), PSY_E_NOMEM. */
typedef struct psy_input_hashes psy_input_hashes;
PSY_API psy_status psy_input_hashes_start(const char *input_path, const psy_reader *reader,
                                          psy_input_hashes **out);

/* Waits for the thread and frees the hashes (NULL-safe): for hashes not given to
 * psy_sidecar_new after all. */
PSY_API void psy_input_hashes_free(psy_input_hashes *hashes);

typedef struct psy_sidecar psy_sidecar;

/* An empty sidecar ({}). PSY_OK, PSY_E_INVALID (NULL), PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_create(psy_sidecar **out);

/* A sidecar with the provenance of a recording read from input_path:
 *   {"psyphys_version", "command", "input": {"path", "sha256", "format", "start" (ISO 8601 or
 *    null), "files": [{"path", "sha256"}] (the recording's other files, when it has some)}}.
 * input.path is input_path, or for a WFDB record named without its file ("mitdb/100") the
 * header it was read from. hashes (may be NULL) are those of psy_input_hashes_start for the
 * same input and reader; they are waited for and freed whatever the return. PSY_OK,
 * PSY_E_INVALID (NULL), PSY_E_NOMEM, PSY_E_IO (a file cannot be read to hash it: why names it). */
PSY_API psy_status psy_sidecar_new(const char *command, const char *input_path, const psy_reader *reader,
                                   psy_input_hashes *hashes, psy_sidecar **out, psy_message *why);

/* Sets key (added at the end, or replaced in its place) to the JSON value in json_text (an
 * object, array, string, number, true, false or null). PSY_OK, PSY_E_INVALID (NULL),
 * PSY_E_FORMAT (not JSON: why says where), PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_json(psy_sidecar *sidecar, const char *key, const char *json_text,
                                        psy_message *why);

/* Appends text to the "warnings" array (made when absent). PSY_OK, PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_add_warning(psy_sidecar *sidecar, const char *text);

/* Appends the reader's warnings (psy_reader_warning) to "warnings", making it when absent (also
 * when the reader has none). PSY_OK, PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_add_reader_warnings(psy_sidecar *sidecar, const psy_reader *reader);

/* What a beats table needs (the beats of psy_beats_detect/_leads on channels chs[0] and chs[1],
 * -1 for one lead): "channel", "second_lead", "settings" (detector and correction), "counts"
 * per class, "gaps" (not for RR channels), "columns"; then the reader's warnings and why the
 * channel gave few or no beats, appended to "warnings". PSY_OK, PSY_E_INVALID (also beats
 * without their NN series: a session's lean beats, psyphys/beats.h), PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_add_beats(psy_sidecar *sidecar, psy_reader *reader, const int chs[2],
                                         const psy_beats_config *config, const psy_beat_list *beats);

/* The same for the pulses of a PPG channel (psy_pulses_detect): the pulse detector's settings,
 * the unusable stretches with their reasons, the peak_sample and quality columns. PSY_E_INVALID
 * also for a lean session's pulses (without their NN series). */
PSY_API psy_status psy_sidecar_add_pulses(psy_sidecar *sidecar, psy_reader *reader, int ch,
                                          const psy_pulses_config *config, const psy_beat_list *pulses);

/* For the variability of a PPG channel's pulses (detected with psy_pulses_config_default):
 * "variability" (psy_pulse_rate_variability_note), "pulse_detector" (its settings), "gaps" (the
 * unusable stretches), and why they are unusable appended to "warnings". PSY_OK, PSY_E_INVALID,
 * PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_add_pulse_variability(psy_sidecar *sidecar, psy_reader *reader, int ch,
                                                     const psy_beat_list *pulses);

/* The unusable stretches of the beats (R-peaks or pulses; a lean list too) of channel ch:
 * "gaps" ({onset, duration, kind} each, as psy_sidecar_add_beats writes them), and why they are
 * unusable and why the channel gave few or no beats appended to "warnings" (the words of
 * psy_sidecar_add_beats). For an HRV analysis of a channel's beats (psyphys hrv: the series'
 * beats, psyphys/hrv_series.h). PSY_OK, PSY_E_INVALID, PSY_E_NOMEM. Since 0.3. */
PSY_API psy_status psy_sidecar_add_beat_gaps(psy_sidecar *sidecar, psy_reader *reader, int ch,
                                             const psy_beat_list *beats);

/* What the variability of pulse intervals is (static text). */
PSY_API const char *psy_pulse_rate_variability_note(void);

/* Sets key to the skin conductance artefacts of an analysis ({"missing_s", "below_range_s", ...,
 * "flagged_fraction"}), or with rules 1 to the artefact rules of its config. PSY_OK,
 * PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_set_eda_artifacts(psy_sidecar *sidecar, const char *key,
                                                 const psy_eda_result *result);
PSY_API psy_status psy_sidecar_set_eda_artifact_rules(psy_sidecar *sidecar, const char *key,
                                                      const psy_eda_config *config);

/* Appends an event file's entry to the array at key (made when absent): {"path", "sha256" (""
 * when the file can no longer be read), "paired" (1: found beside the recording as its BIDS
 * run's _events.tsv, 0: given), "events" (added), "rows_without_onset", "unix_time_shift_s" (only
 * when unix_shift_s is not NaN: the onsets were Unix times, shifted by it, s), "columns" ({"onset",
 * "duration", "label"}: the columns read, duration and label null when none)}. info is what
 * psy_reader_load_events filled. PSY_OK, PSY_E_INVALID (NULL), PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_add_events_file(psy_sidecar *sidecar, const char *key, const char *path, int paired,
                                               const psy_events_info *info, double unix_shift_s);

/* The number of strings in "warnings" and the i-th (borrowed: valid until the sidecar changes
 * or is freed; NULL past the end). */
PSY_API size_t psy_sidecar_warning_count(const psy_sidecar *sidecar);
PSY_API const char *psy_sidecar_warning(const psy_sidecar *sidecar, size_t i);

/* Writes the sidecar as described at the top. PSY_OK, PSY_E_INVALID (NULL), PSY_E_IO. */
PSY_API psy_status psy_sidecar_write(const psy_sidecar *sidecar, FILE *fp);

/* The sidecar as compact JSON text with reals to 17 significant digits (they read back to the
 * same doubles), for a program that keeps its own JSON objects. *text: free it with
 * psy_sidecar_text_free. PSY_OK, PSY_E_INVALID, PSY_E_NOMEM. */
PSY_API psy_status psy_sidecar_text(const psy_sidecar *sidecar, char **text);
PSY_API void psy_sidecar_text_free(char *text);

/* NULL-safe. */
PSY_API void psy_sidecar_free(psy_sidecar *sidecar);

#ifdef __cplusplus
}
#endif
#endif
