/* Internal core shared by every layer (acquisition/, dsp/, analysis/): failure messages and
 * the FFTW planner lock. Not installed; nothing here is exported from the shared library. */
#ifndef PSYPHYS_CORE_H
#define PSYPHYS_CORE_H

#include <stddef.h>
#include "psyphys/status.h"

/* Fills a message (NULL-safe), printf-style. Returns `status` for tail calls. */
psy_status psy_fail(psy_message *why, psy_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The text of an errno value in buf (strerror_r: strerror may share one buffer between
 * threads). Returns buf. */
const char *psy_errno_text(int err, char *buf, size_t size);

#endif
