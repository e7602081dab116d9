/* psyphys — back from an analysis's output to what it read: the recording a session sidecar
 * names, found again (its SHA-256 says it is the file analysed) and re-opened the way the
 * analysis opened it, and the check that an NN series recomputed from the beats table is the
 * analysis's. For a program that works from an output folder (the QC report of `psyphys report`).
 *
 *     char path[4096];
 *     psy_message why;
 *     psy_reader *r = NULL;
 *     if (psy_session_input_find(sidecar_text, "out", path, sizeof path, &why) != PSY_OK ||
 *         psy_session_input_open(sidecar_text, path, &r, &why) != PSY_OK) { ... why.text ... }
 *     ...
 *     psy_reader_close(r);
 *
 * sidecar_text is the JSON of a session sidecar (psy_session_write_sidecar; `psyphys analyze`
 * writes OUTDIR/STEM_segments.json). Ownership as psyphys/status.h says. */
#ifndef PSYPHYS_SESSION_INPUT_H
#define PSYPHYS_SESSION_INPUT_H

#include <stddef.h>

#include "psyphys/export.h"
#include "psyphys/recording.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Finds the recording the sidecar names ("input": {"path", "sha256", "files": [{"path",
 * "sha256"}]}) as it was analysed. A relative recorded path is relative to where the analysis
 * ran: it is tried as given (the current directory), then under outdir's parent (the usual
 * `-o OUTDIR`), then under outdir (outdir NULL: as given only); the first place holding a regular
 * file with the recorded SHA-256 is taken, and the files read with it (a WFDB record's signal
 * files) must be unchanged in that same place. path (size bytes) gets where the recording is.
 * Returns PSY_OK; PSY_E_FORMAT (not JSON, or no input path with its SHA-256); PSY_E_IO (the
 * recording, or a file read with it, cannot be read in any of those places); PSY_E_NOT_FOUND
 * (readable, but no place holds the bytes analysed: the recording or a file read with it
 * changed); PSY_E_INVALID (NULL, size 0, or a path longer than size). why (may be NULL) names the
 * recording and, when it is one of them, the file read with it. */
PSY_API psy_status psy_session_input_find(const char *sidecar_text, const char *outdir, char *path, size_t size,
                                          psy_message *why);

/* Opens the recording at path with the input options the sidecar records
 * ("settings": {"input_options": {"fs", "format", "libedf", "override_fs", "channel_types",
 * "units"}}; an absent key keeps psy_open_options_default's, an absent object opens with the
 * defaults): the rate given or overriding the file's (Hz), the format forced, then each
 * "LABEL=TYPE" and "LABEL=UNIT" declaration applied in order. Triggers and event files are not
 * replayed. *out owns the reader (psy_reader_close). Returns PSY_OK; psy_reader_open's statuses;
 * PSY_E_FORMAT (not JSON, a malformed declaration); PSY_E_NOT_FOUND (a declaration names no
 * channel); PSY_E_INVALID (NULL, or override_fs without fs). why (may be NULL) says which. */
PSY_API psy_status psy_session_input_open(const char *sidecar_text, const char *path, psy_reader **out,
                                          psy_message *why);

/* Checks an NN series recomputed from a beats table (psy_beats_nn_runs: n_nn intervals,
 * n_corrected of them corrected) against the counts the beats sidecar records ("counts":
 * {"nn_intervals", "nn_corrected"}). Returns PSY_OK (the same); PSY_E_INVALID (they differ: why
 * gives both counts; or NULL); PSY_E_FORMAT (not JSON, or without those integer counts: the series
 * cannot be checked). why may be NULL. */
PSY_API psy_status psy_session_nn_check(const char *beats_sidecar_text, size_t n_nn, size_t n_corrected,
                                        psy_message *why);

#ifdef __cplusplus
}
#endif
#endif
