/* Internal: EDF+ Time-stamped Annotation Lists (Kemp & Olivan 2003, section 2.2.2):
 *   +onset[\x15duration]\x14text\x14text\x14...\x14\x00  repeated, the rest of the signal \x00. */
#ifndef PSYPHYS_EDF_TAL_H
#define PSYPHYS_EDF_TAL_H

#include <stddef.h>

/* Called for every non-empty text of every TAL: onset and duration in seconds as written
 * (duration 0 when the TAL has none), text not NUL-terminated. Returns 0 to stop (out of memory). */
typedef int (*edf_tal_fn)(void *ctx, double onset, double duration, const char *text, size_t len);

typedef struct edf_tal_result {
    int has_timekeeping;   /* the first TAL has an empty first text: the record's time-keeping TAL */
    double timekeeping;    /* its onset (s from the header's start time) */
    int malformed;         /* TALs skipped as malformed */
    char first_problem[96];/* what was wrong with the first of them */
    int unterminated;      /* time-keeping TALs not ended by 0x00 (the next TAL follows directly) */
    int stopped;           /* the callback returned 0 */
} edf_tal_result;

/* Parses the bytes of one annotation signal in one data record. Never reads past len. */
void edf_tal_parse(const unsigned char *buf, size_t len, edf_tal_fn fn, void *ctx, edf_tal_result *res);

#endif
