/* The plausibility checks' internals shared with the session (not a public header). */
#ifndef PSYPHYS_PLAUSIBILITY_INTERNAL_H
#define PSYPHYS_PLAUSIBILITY_INTERNAL_H

#include "hrv_internal.h" /* hrv_source */
#include "psyphys/plausibility.h"

/* psy_check_heart_rate of the n intervals read from src in order (plausibility.c; a chunk held
 * at a time). PSY_OK, PSY_E_INVALID, PSY_E_NOMEM, or src's failure. */
psy_status check_heart_rate_source(const hrv_source *src, size_t n, const psy_plausibility_config *config,
                                   psy_implausible *out);

#endif
