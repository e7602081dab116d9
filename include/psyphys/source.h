/* psyphys — byte sources: where every parser reads from.
 *
 * Parsers read a psy_source, never a path, so the same code reads a file, a memory buffer
 * (fuzzing, network input) or any user callback. Multi-file formats (a WFDB .hea naming its
 * .dat files, a JSON sidecar beside an audio file) ask their source for related files by name.
 * A source is not thread-safe; use one per thread. The reader opened on a source may call its
 * read_at (and open_related) from a library thread: psy_beats_detect, psy_pulses_detect and
 * psy_session_run read a channel's next block in a helper thread while the calling thread
 * detects (psyphys/beats.h, psyphys/session.h). The callbacks of one source are never called
 * concurrently with each other: while the helper reads, the calling thread does not touch the
 * source. */
#ifndef PSYPHYS_SOURCE_H
#define PSYPHYS_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_source psy_source;

typedef struct psy_source_callbacks {
    /* Read up to n bytes at byte offset `offset` into buf. Returns the count read (0 at the end,
     * fewer than n only at the end) or -1 on an I/O error. Required. */
    int64_t (*read_at)(void *ctx, int64_t offset, void *buf, size_t n);
    /* Total size in bytes, or -1 when unknown. Required. */
    int64_t (*size)(void *ctx);
    /* Open a file related to this one by a bare file name (e.g. "100.dat" beside "100.hea").
     * Returns PSY_E_NOT_FOUND when there is none. Optional (NULL: no related files). */
    psy_status (*open_related)(void *ctx, const char *name, psy_source **out);
    /* Release ctx. Optional. */
    void (*close)(void *ctx);
} psy_source_callbacks;

/* A source over user callbacks. `name` (may be NULL) is used in messages and for format hints
 * by extension; it is copied. Returns PSY_OK, PSY_E_INVALID or PSY_E_NOMEM. */
PSY_API psy_status psy_source_from_callbacks(const psy_source_callbacks *cb, void *ctx, const char *name,
                                             psy_source **out);

/* A source over a file path. Related files are looked up in the same directory.
 * Returns PSY_OK, PSY_E_IO (cannot open, or a directory) or PSY_E_NOMEM. */
PSY_API psy_status psy_source_open_path(const char *path, psy_source **out);

/* A source over `size` bytes at `data`, which must outlive the source (not copied). No related
 * files. Returns PSY_OK, PSY_E_INVALID or PSY_E_NOMEM. */
PSY_API psy_status psy_source_open_memory(const void *data, size_t size, const char *name, psy_source **out);

/* Reads exactly n bytes at offset: PSY_OK, PSY_E_TRUNCATED when the source ends first, PSY_E_IO. */
PSY_API psy_status psy_source_read_exact(psy_source *src, int64_t offset, void *buf, size_t n);

/* Reads up to n bytes; returns the count read, or -1 on an I/O error. */
PSY_API int64_t psy_source_read(psy_source *src, int64_t offset, void *buf, size_t n);

/* Size in bytes, or -1 when unknown. */
PSY_API int64_t psy_source_size(const psy_source *src);

/* The name given at creation (the path for path sources), never NULL ("" when none). */
PSY_API const char *psy_source_name(const psy_source *src);

/* The file-system path when the source is a path source, else NULL. */
PSY_API const char *psy_source_path(const psy_source *src);

/* Opens a related file by bare name (see open_related). PSY_E_NOT_FOUND when absent or when the
 * name contains a directory separator (a header cannot send us elsewhere). */
PSY_API psy_status psy_source_open_related(psy_source *src, const char *name, psy_source **out);

/* The paths of the related files opened through src so far (path sources only), once each. */
PSY_API size_t psy_source_related_count(const psy_source *src);
PSY_API const char *psy_source_related_path(const psy_source *src, size_t i);

/* NULL-safe. */
PSY_API void psy_source_close(psy_source *src);

#ifdef __cplusplus
}
#endif
#endif
