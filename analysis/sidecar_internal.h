/* The JSON object behind a psy_sidecar (psyphys/sidecar.h), for the library's own sidecars
 * (session_sidecar.c, sidecar_beats.c). */
#ifndef PSYPHYS_SIDECAR_INTERNAL_H
#define PSYPHYS_SIDECAR_INTERNAL_H

#include <jansson.h>
#include "psyphys/rsa.h"
#include "psyphys/sidecar.h"

struct psy_sidecar {
    json_t *o;
};

/* A number, or null when not finite (JSON has no NaN). */
json_t *psy_json_number(double v);

/* The sidecar's "warnings" array, made (at the end) when absent; NULL when out of memory. */
json_t *psy_sidecar_warnings_array(psy_sidecar *sidecar);

/* Sets key to value (stolen); PSY_OK or PSY_E_NOMEM (value NULL or not stored). */
psy_status psy_sidecar_set_new(psy_sidecar *sidecar, const char *key, json_t *value);

/* The RSA and biofeedback keys of psyphys resp (README) into o, for resp's sidecar and analyze's
 * settings.breaths (sidecar_breaths.c): each null with its _n/a_reason; r NULL (no RSA): every
 * value null with the reason why_none. neurokit: Porges-Bohrer's key in NeuroKit2's unit. */
void rsa_json(json_t *o, const psy_rsa_result *r, const char *why_none, int neurokit);

/* psy_sidecar_add_beats with the count of b's corrected NN intervals given (a lean session's
 * series is not in b: nn_spool.h); PSY_E_INVALID for SIZE_MAX. */
psy_status sidecar_add_beats_counted(psy_sidecar *sc, psy_reader *r, const int chs[2], const psy_beats_config *cfg,
                                     const psy_beat_list *b, size_t nn_corrected);

/* The warning about b's gaps on channel c, as a beats table's sidecar gives it ("X s of Y s
 * without usable signal (F s flat, M s missing): no beats there"; pulses: "... without usable
 * pulses ..."), into text; 0 (text untouched) when b has no gaps. */
/* Seconds of gaps[0..n_gaps) at rate_hz: all of them, and the flat ones in *flat_s. */
double gaps_seconds(const psy_ecg_gap *gaps, size_t n_gaps, double rate_hz, double *flat_s);
int beats_gaps_warning(const psy_beat_list *b, const psy_channel_info *c, char *text, size_t size);

#endif
