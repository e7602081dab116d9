/* Internal core shared by every layer (acquisition/, dsp/, analysis/): failure messages and
 * the FFTW planner lock. Not installed; nothing here is exported from the shared library. */
#ifndef PSYPHYS_CORE_H
#define PSYPHYS_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "psyphys/export.h"
#include "psyphys/status.h"

/* Fills a message (NULL-safe), printf-style. Returns `status` for tail calls. */
psy_status psy_fail(psy_message *why, psy_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The text of an errno value in buf (strerror_r: strerror may share one buffer between
 * threads). Returns buf. */
const char *psy_errno_text(int err, char *buf, size_t size);

/* The directory of temporary files: $TMPDIR when set and not empty, else P_tmpdir ("/tmp"). */
const char *psy_temp_dir(void);

/* A new temporary file in psy_temp_dir(), open for reading and writing, already unlinked (its
 * space is freed when it is closed or the process ends). NULL with errno set when it cannot be
 * made. Unlike tmpfile(), it honours TMPDIR. */
FILE *psy_temp_file(void);

/* 1 when a config's reserved words are all zero (psyphys/export.h), else 0: a setting of a newer
 * program this library does not know. */
#define PSY_RESERVED_REASON \
    "the reserved words of a config are not zero (a setting of a newer version of psyphys: psyphys/export.h)"
static inline int psy_reserved_words_clear(const uint64_t *reserved, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (reserved[i]) return 0;
    return 1;
}
/* reserved: a config's reserve array itself (its size is what is left of PSY_RESERVED_WORDS
 * once settings added later took their room) */
#define psy_reserved_clear(reserved) psy_reserved_words_clear((reserved), sizeof(reserved) / sizeof((reserved)[0]))

#endif
