/* Streaming inflate behind the psy_source interface: gzip files (zlib inflate with the gzip
 * wrapper, RFC 1952; concatenated members are one stream, as gzip(1) treats them) and zlib
 * streams (RFC 1950) inside a byte range of a file. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gz_source.h"
#include "reader_impl.h"

#define GZ_IN_SIZE 65536

struct gz_ctx {
    psy_source *raw;
    int own_raw;
    z_stream zs;
    int z_ready;
    unsigned char in[GZ_IN_SIZE];
    int64_t start, end; /* the compressed bytes: [start, end) of raw (end -1: to the end) */
    int gzip;           /* 1: gzip members; 0: one zlib stream */
    int64_t limit;      /* zlib: the decoded size the header gives (the pass stops beyond it) */
    int64_t in_offset; /* raw offset of the next compressed byte to fetch */
    int64_t pos;       /* decoded offset of the next byte inflate produces */
    int at_end;
    int64_t size;      /* decoded size */
};

int psy_gz_is_gzip(psy_source *raw)
{
    unsigned char m[2];
    return psy_source_read(raw, 0, m, 2) == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

static int gz_restart(gz_ctx *g)
{
    if (g->z_ready) inflateEnd(&g->zs);
    memset(&g->zs, 0, sizeof g->zs);
    g->z_ready = inflateInit2(&g->zs, g->gzip ? 16 + MAX_WBITS : MAX_WBITS) == Z_OK;
    g->in_offset = g->start;
    g->pos = 0;
    g->at_end = 0;
    return g->z_ready;
}

/* Inflates up to n bytes into buf (NULL: discard). Returns bytes produced; sets *st on error. */
static int64_t gz_inflate(gz_ctx *g, unsigned char *buf, size_t n, psy_status *st, psy_message *why)
{
    unsigned char scratch[16384];
    int64_t produced = 0;
    *st = PSY_OK;
    while ((size_t)produced < n && !g->at_end) {
        if (g->zs.avail_in == 0) {
            size_t ask = sizeof g->in;
            if (g->end >= 0 && g->end - g->in_offset < (int64_t)ask) ask = (size_t)(g->end - g->in_offset);
            int64_t got = ask ? psy_source_read(g->raw, g->in_offset, g->in, ask) : 0;
            if (got < 0) {
                *st = psy_fail(why, PSY_E_IO, "cannot read the compressed data");
                return produced;
            }
            if (got == 0) {
                *st = psy_fail(why, PSY_E_TRUNCATED, "%s stream truncated after %lld decoded bytes",
                               g->gzip ? "gzip" : "zlib", (long long)g->pos);
                return produced;
            }
            g->in_offset += got;
            g->zs.next_in = g->in;
            g->zs.avail_in = (uInt)got;
        }
        size_t want = n - (size_t)produced;
        unsigned char *dst = buf ? buf + produced : scratch;
        if (!buf && want > sizeof scratch) want = sizeof scratch;
        if (want > (1u << 30)) want = 1u << 30;
        g->zs.next_out = dst;
        g->zs.avail_out = (uInt)want;
        int rc = inflate(&g->zs, Z_NO_FLUSH);
        int64_t made = (int64_t)(want - g->zs.avail_out);
        produced += made;
        g->pos += made;
        if (rc == Z_STREAM_END && !g->gzip) {
            g->at_end = 1;
        } else if (rc == Z_STREAM_END) {
            /* Another member may follow (gzip -c a b > c); anything else ends the stream. */
            if (g->zs.avail_in == 0) {
                unsigned char m[2];
                if (psy_source_read(g->raw, g->in_offset, m, 2) == 2 && m[0] == 0x1f && m[1] == 0x8b) {
                    inflateReset(&g->zs);
                    continue;
                }
                g->at_end = 1;
            } else if (g->zs.avail_in >= 2 && g->zs.next_in[0] == 0x1f && g->zs.next_in[1] == 0x8b) {
                inflateReset(&g->zs);
            } else {
                g->at_end = 1;
            }
        } else if (rc == Z_BUF_ERROR && made == 0 && g->zs.avail_in != 0) {
            *st = psy_fail(why, PSY_E_FORMAT, "%s stream is corrupt", g->gzip ? "gzip" : "zlib");
            return produced;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            *st = psy_fail(why, PSY_E_FORMAT, "%s stream is corrupt at decoded byte %lld (%s)",
                           g->gzip ? "gzip" : "zlib", (long long)g->pos, g->zs.msg ? g->zs.msg : "inflate error");
            return produced;
        }
    }
    return produced;
}

static int64_t gz_read_at(void *vctx, int64_t offset, void *buf, size_t n)
{
    gz_ctx *g = vctx;
    psy_status st;
    if (offset < 0) return -1;
    if (offset >= g->size) return 0;
    if (offset < g->pos && !gz_restart(g)) return -1;
    while (g->pos < offset) {
        int64_t skip = offset - g->pos;
        size_t chunk = skip > (1 << 20) ? (size_t)1 << 20 : (size_t)skip;
        if (gz_inflate(g, NULL, chunk, &st, NULL) == 0 || st != PSY_OK) return -1;
    }
    int64_t got = gz_inflate(g, buf, n, &st, NULL);
    return st == PSY_OK ? got : -1;
}

static int64_t gz_size(void *vctx) { return ((gz_ctx *)vctx)->size; }

static psy_status gz_open_related(void *vctx, const char *name, psy_source **out)
{
    return psy_source_open_related(((gz_ctx *)vctx)->raw, name, out);
}

static void gz_close(void *vctx)
{
    gz_ctx *g = vctx;
    if (g->z_ready) inflateEnd(&g->zs);
    if (g->own_raw) psy_source_close(g->raw);
    free(g);
}

void psy_gz_own_raw(gz_ctx *g) { g->own_raw = 1; }

/* Opens the view: one validating pass learns the decoded size (and stops a zlib stream that
 * decodes to more than its limit), then the decoder restarts for reading. */
static psy_status view_open(gz_ctx *g, psy_source **out, psy_message *why)
{
    *out = NULL;
    if (!gz_restart(g)) {
        free(g);
        return psy_fail(why, PSY_E_NOMEM, "cannot start the decoder");
    }
    psy_status st = PSY_OK;
    while (!g->at_end && st == PSY_OK) {
        gz_inflate(g, NULL, 1 << 20, &st, why);
        if (st == PSY_OK && !g->gzip && g->pos > g->limit)
            st = psy_fail(why, PSY_E_FORMAT, "zlib stream decodes to more than the %lld bytes the header gives",
                          (long long)g->limit);
    }
    if (st == PSY_OK && !g->gzip && g->pos != g->limit)
        st = psy_fail(why, PSY_E_FORMAT, "zlib stream decodes to %lld bytes, the header gives %lld",
                      (long long)g->pos, (long long)g->limit);
    if (st != PSY_OK) {
        gz_close(g);
        return st;
    }
    g->size = g->pos;
    if (!gz_restart(g)) {
        gz_close(g);
        return psy_fail(why, PSY_E_NOMEM, "cannot start the decoder");
    }
    static const psy_source_callbacks cb = {gz_read_at, gz_size, gz_open_related, gz_close};
    st = psy_source_from_callbacks(&cb, g, psy_source_name(g->raw), out);
    if (st != PSY_OK) {
        gz_close(g);
        return psy_fail(why, st, "out of memory");
    }
    return PSY_OK;
}

psy_status psy_gz_source_open(psy_source *raw, psy_source **out, gz_ctx **ctx, psy_message *why)
{
    *out = NULL;
    gz_ctx *g = calloc(1, sizeof *g);
    if (!g) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    g->raw = raw;
    g->end = -1;
    g->gzip = 1;
    psy_status st = view_open(g, out, why);
    if (st != PSY_OK) return st;
    if (psy_source_path(raw) && psy_source_set_path(*out, psy_source_path(raw)) != PSY_OK) {
        psy_source_close(*out); /* closes g */
        *out = NULL;
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    *ctx = g;
    return PSY_OK;
}

psy_status psy_zlib_source_open(psy_source *raw, int64_t offset, int64_t length, int64_t size,
                                psy_source **out, psy_message *why)
{
    *out = NULL;
    if (offset < 0 || length < 0 || size < 0) return psy_fail(why, PSY_E_INVALID, "bad zlib stream range");
    gz_ctx *g = calloc(1, sizeof *g);
    if (!g) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    g->raw = raw;
    g->start = offset;
    g->end = offset + length;
    g->limit = size;
    return view_open(g, out, why);
}
