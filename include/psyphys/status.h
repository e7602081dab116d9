/* psyphys — status codes shared by every module.
 *
 * Every call that can fail returns a psy_status; results come back through out-parameters.
 * The library never prints and never exits: text for a person comes from psy_strerror() and,
 * where a call offers one, a psy_message filled with the specific reason (file, field, value). */
#ifndef PSYPHYS_STATUS_H
#define PSYPHYS_STATUS_H

#include "psyphys/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_status {
    PSY_OK = 0,
    PSY_E_INVALID,     /* an argument is NULL, out of its documented range, or inconsistent */
    PSY_E_NOMEM,       /* an allocation failed */
    PSY_E_IO,          /* the file cannot be opened, read or written */
    PSY_E_FORMAT,      /* the content is malformed: a header field, a record, a cell */
    PSY_E_TRUNCATED,   /* the content ends before its header says it should */
    PSY_E_UNSUPPORTED, /* the format (or a variant of it) is recognised but not supported */
    PSY_E_UNKNOWN_FORMAT, /* the content matches no supported format */
    PSY_E_RANGE,       /* a requested index or span lies outside the data */
    PSY_E_NOT_FOUND,   /* a named item (channel, related file) does not exist */
    PSY_E_EXISTS,      /* an output file exists and would be overwritten */
    PSY_E_TOO_SHORT,   /* a signal or segment is too short for the requested computation */
    PSY_STATUS_COUNT
} psy_status;

/* Ownership, one rule for every call:
 *  - What a call makes for the caller -- an object (psy_X_create, psy_X_open, psy_X_copy) or a
 *    result (psy_beat_list, psy_eda_result, psy_segment arrays), given through `**out` -- belongs
 *    to the caller, who releases it with its own function: psy_X_destroy, psy_reader_close,
 *    psy_source_close, psy_X_free. Never with free(): the library may allocate it otherwise.
 *    Every release function takes NULL.
 *  - A pointer the library hands out into something it owns (channel information, events,
 *    warnings, a spectrum, a configuration) is borrowed: valid until that object is released,
 *    or until the next call that changes it where the header says so (psy_hrv_spectrum).
 *    Strings that describe (psy_strerror, the reasons of n/a values) are static: valid forever.
 *  - What the caller passes in (arrays, configurations, paths, buffers to fill) is read or
 *    filled during the call only: never kept, never freed.
 * Threads: objects share nothing; one object is used by one thread at a time (stream.h says
 * which of its calls may come from two threads). */

/* A static, human-readable description of a status ("malformed content", ...). Never NULL. */
PSY_API const char *psy_strerror(psy_status status);

/* The specific reason for a failure, filled by calls that take a `psy_message *why` (may be NULL).
 * The text names the field or value at fault, not the file path: the caller knows the path. */
#define PSY_MESSAGE_SIZE 256
typedef struct psy_message {
    char text[PSY_MESSAGE_SIZE];
} psy_message;

#ifdef __cplusplus
}
#endif
#endif
