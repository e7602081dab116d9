/* Internal: a psy_source that inflates a gzip stream (RFC 1952) on the fly, so every text
 * reader reads .tsv.gz exactly like plain text; and one over a zlib stream (RFC 1950) inside
 * a byte range of a file (AcqKnowledge's compressed channels). Not installed. */
#ifndef PSYPHYS_GZ_SOURCE_H
#define PSYPHYS_GZ_SOURCE_H

#include "psyphys/source.h"
#include "psyphys/status.h"

/* 1 when the source starts with the gzip magic 1f 8b. */
int psy_gz_is_gzip(psy_source *raw);

typedef struct gz_ctx gz_ctx;

/* Opens a decoded view of `raw`. Validates the whole stream once (inflating it, not storing
 * it) so a truncated or corrupt file fails here with a reason, and learns the decoded size.
 * Forward reads continue the decoder; a read before the decoder's position restarts it from
 * the beginning. Related files are looked up through raw. The view does not own raw until
 * psy_gz_own_raw is called (then closing the view closes raw).
 * Returns PSY_OK, PSY_E_FORMAT (corrupt), PSY_E_TRUNCATED, PSY_E_IO or PSY_E_NOMEM. */
psy_status psy_gz_source_open(psy_source *raw, psy_source **out, gz_ctx **ctx, psy_message *why);
void psy_gz_own_raw(gz_ctx *ctx);

/* A decoded view of the zlib stream (RFC 1950) in bytes [offset, offset + length) of raw, which
 * must decode to exactly `size` bytes (checked by one validating pass, which stops as soon as the
 * stream gives more). Same read behaviour as the gzip view; raw is never owned. Returns PSY_OK,
 * PSY_E_FORMAT (corrupt, or another decoded size), PSY_E_TRUNCATED, PSY_E_IO or PSY_E_NOMEM. */
psy_status psy_zlib_source_open(psy_source *raw, int64_t offset, int64_t length, int64_t size,
                                psy_source **out, psy_message *why);

/* Gives a wrapping source the path of the file under it (the decoded view answers to the .gz
 * file's path: provenance, psy_reader_file). PSY_OK or PSY_E_NOMEM. Defined in source.c. */
psy_status psy_source_set_path(psy_source *src, const char *path);

#endif
