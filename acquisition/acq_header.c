/* AcqKnowledge headers: graph, padding, channel, foreign data, data types, event markers,
 * journal and (compressed files) per-channel compression headers. Layout facts from BIOPAC
 * Application Note 156 and the bioread project's notes (see acq_format.h); every size and
 * offset read from the file is checked against the file size before it is used. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acq_format.h"

enum {
    GRAPH_POST4_COMPRESSED = 972, /* int32 bCompressed, revision >= 61 */
    GRAPH_PRE4_COMPRESSED = 1936, /* int32 bCompressed, revisions 41..60 */
    GRAPH_PADDINGS = 2398,        /* int16 number of padding headers, revision >= 124 */
    CHANNEL_MIN = 112,            /* fields every revision has, up to nDispSize */
    JOURNAL_SCAN = 1 << 16,       /* how far past the markers a pre-4 journal tag is looked for */
    DTYPE_SCAN = 4096,            /* how far past the foreign data the data types are looked for */
    ZLIB_SCAN = 1 << 16,          /* how far a misplaced first compression header is looked for */
    MAX_TEXT = 1 << 20            /* journal bytes kept */
};

/* A reader of fixed-layout fields in the file's byte order. */
typedef struct rd {
    psy_source *src;
    int64_t size;
    int be;
} rd;

static uint32_t u32(const rd *d, const unsigned char *p)
{
    return d->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                 : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}
static int32_t i32(const rd *d, const unsigned char *p) { return (int32_t)u32(d, p); }
static int16_t i16(const rd *d, const unsigned char *p)
{
    return (int16_t)(uint16_t)(d->be ? p[0] << 8 | p[1] : p[1] << 8 | p[0]);
}
static double f64(const rd *d, const unsigned char *p)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = d->be ? p[7 - i] : p[i];
    double v;
    memcpy(&v, b, sizeof v);
    return v;
}

/* Reads n bytes at offset, failing with what was being read when the file ends first. */
static psy_status get(const rd *d, int64_t offset, void *buf, size_t n, const char *what, psy_message *why)
{
    if (offset < 0 || offset > d->size || (int64_t)n > d->size - offset)
        return psy_fail(why, PSY_E_TRUNCATED, "the file ends inside the %s (byte %lld of %lld)", what,
                        (long long)offset, (long long)d->size);
    psy_status st = psy_source_read_exact(d->src, offset, buf, n);
    return st == PSY_OK ? st : psy_fail(why, st, "cannot read the %s", what);
}

static int plausible_revision(int64_t v) { return v >= ACQ_REV_MIN && v <= ACQ_REV_MAX; }

int psy_acq_probe(const unsigned char *h, size_t n)
{
    if (n < 24) return 0;
    for (int be = 0; be < 2; be++) {
        rd d = {NULL, 0, be};
        int32_t rev = i32(&d, h + 2), ext = i32(&d, h + 6);
        int16_t nch = i16(&d, h + 10);
        double ms = f64(&d, h + 16);
        if (plausible_revision(rev) && ext >= 24 && nch >= 1 && nch <= ACQ_MAX_CHANNELS && isfinite(ms) &&
            ms > 0)
            return 1;
    }
    return 0;
}

/* Text of the file's encoding into UTF-8: Windows-1252 before revision 4 (AcqKnowledge 3 on
 * Windows), UTF-8 after (bioread's reading); invalid UTF-8 is taken as Windows-1252 too. */
static void decode_text(const acq_file *f, char *dst, size_t dst_size, const unsigned char *src, size_t n)
{
    size_t len = strnlen((const char *)src, n);
    if (f->revision >= ACQ_REV_400 && psy_is_utf8((const char *)src, len)) {
        char tmp[512];
        size_t k = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
        memcpy(tmp, src, k);
        tmp[k] = '\0';
        psy_copy_field(dst, dst_size, tmp, k);
        return;
    }
    char tmp[1024];
    psy_cp1252_to_utf8(tmp, sizeof tmp, (const char *)src, len < 300 ? len : 300);
    psy_copy_field(dst, dst_size, tmp, strlen(tmp));
}

static psy_status parse_graph(const rd *d, acq_file *f, int64_t *channels_at, psy_message *why)
{
    unsigned char h[2400] = {0};
    size_t n = d->size < (int64_t)sizeof h ? (size_t)d->size : sizeof h;
    psy_status st = get(d, 0, h, n, "graph header", why);
    if (st != PSY_OK) return st;
    int32_t ext = i32(d, h + 6);
    f->n_channels = i16(d, h + 10);
    f->sample_ms = f64(d, h + 16);
    if (f->n_channels < 1 || f->n_channels > ACQ_MAX_CHANNELS)
        return psy_fail(why, PSY_E_FORMAT, "number of channels %d is not 1..%d", f->n_channels,
                        ACQ_MAX_CHANNELS);
    if (!isfinite(f->sample_ms) || f->sample_ms < 1e-6 || f->sample_ms > 3.6e6) /* 1 GHz .. 1 per hour */
        return psy_fail(why, PSY_E_FORMAT, "sample interval %g ms must be positive (1e-6 to 3.6e6 ms)",
                        f->sample_ms);
    if (ext < 24 || ext > d->size)
        return psy_fail(why, PSY_E_FORMAT, "graph header length %d is outside the file (%lld bytes)",
                        (int)ext, (long long)d->size);
    int at = f->revision >= ACQ_REV_400 ? GRAPH_POST4_COMPRESSED
        : f->revision >= ACQ_REV_381    ? GRAPH_PRE4_COMPRESSED
                                        : -1;
    f->compressed = at > 0 && at + 4 <= ext && i32(d, h + at) != 0;
    int64_t off = ext;
    if (f->revision >= ACQ_REV_430 && GRAPH_PADDINGS + 2 <= ext) {
        int pads = i16(d, h + GRAPH_PADDINGS);
        if (pads < 0 || pads > 64)
            return psy_fail(why, PSY_E_FORMAT, "number of padding headers %d is not 0..64", pads);
        for (int i = 0; i < pads; i++) {
            unsigned char b[4];
            if ((st = get(d, off, b, 4, "padding header", why)) != PSY_OK) return st;
            int32_t len = i32(d, b);
            if (len < 4 || len > d->size - off)
                return psy_fail(why, PSY_E_FORMAT, "padding header %d length %d is outside the file", i + 1,
                                (int)len);
            off += len;
        }
    }
    *channels_at = off;
    return PSY_OK;
}

static psy_status parse_channels(const rd *d, acq_file *f, int64_t *off, psy_message *why)
{
    f->ch = calloc((size_t)f->n_channels, sizeof *f->ch);
    if (!f->ch) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    int post4 = f->revision >= ACQ_REV_400;
    int divider_at = post4 ? 152 : f->revision >= ACQ_REV_370 ? 250 : -1;
    for (int i = 0; i < f->n_channels; i++) {
        unsigned char h[256] = {0};
        psy_status st = get(d, *off, h, 4, "channel headers", why);
        if (st != PSY_OK) return st;
        int32_t len = i32(d, h);
        int need = divider_at > 0 ? divider_at + 2 : CHANNEL_MIN;
        if (len < need || len > d->size - *off)
            return psy_fail(why, PSY_E_FORMAT, "channel %d header length %d is not %d..%lld", i + 1, (int)len,
                            need, (long long)(d->size - *off));
        if ((st = get(d, *off, h, (size_t)need, "channel headers", why)) != PSY_OK) return st;
        acq_channel *c = &f->ch[i];
        decode_text(f, c->label, sizeof c->label, h + 6, 40);
        decode_text(f, c->unit, sizeof c->unit, h + 68, 20);
        c->frames = i32(d, h + 88);
        c->scale = f64(d, h + 92);
        c->offset = f64(d, h + 100);
        c->order = i16(d, h + 108);
        c->divider = divider_at > 0 ? i16(d, h + divider_at) : 1;
        if (c->divider <= 0) c->divider = 1; /* 0 in files that never used dividers */
        if (c->frames < 0)
            return psy_fail(why, PSY_E_FORMAT, "channel %d sample count %lld is negative", i + 1,
                            (long long)c->frames);
        if (!isfinite(c->scale) || !isfinite(c->offset))
            return psy_fail(why, PSY_E_FORMAT, "channel %d amplitude scale or offset is not a number", i + 1);
        *off += len;
    }
    return PSY_OK;
}

/* The data-type headers (int16 size, int16 type: 1 or 0 double, 2 int16) follow the foreign
 * data header, sometimes after extra bytes nothing points past; like bioread, the first place
 * within DTYPE_SCAN bytes where every channel's pair is consistent is taken. */
static psy_status parse_dtypes(const rd *d, acq_file *f, int64_t off, psy_message *why)
{
    unsigned char h[4];
    psy_status st = get(d, off, h, f->revision >= ACQ_REV_400 ? 4 : 2, "foreign data header", why);
    if (st != PSY_OK) return st;
    int64_t len = f->revision >= ACQ_REV_400 ? i32(d, h) : i16(d, h);
    /* early 4.x files begin it with an int16 length and an int16 type (bioread's older notes): the
     * int16 alone, the scan below finding what follows */
    if (f->revision >= ACQ_REV_400 && (len < 0 || len > d->size - off)) len = (uint16_t)i16(d, h);
    if (len < 0 || len > d->size - off)
        return psy_fail(why, PSY_E_FORMAT, "foreign data length %lld is outside the file", (long long)len);
    off += len;
    size_t need = (size_t)f->n_channels * 4, span = need + DTYPE_SCAN;
    if ((int64_t)span > d->size - off) span = (size_t)(d->size - off);
    if (span < need)
        return psy_fail(why, PSY_E_TRUNCATED, "the file ends before the channel data types (byte %lld)",
                        (long long)off);
    unsigned char *b = malloc(span);
    if (!b) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    if ((st = get(d, off, b, span, "channel data types", why)) != PSY_OK) {
        free(b);
        return st;
    }
    for (size_t s = 0; s + need <= span; s++) {
        int ok = 1;
        for (int i = 0; i < f->n_channels && ok; i++) {
            int size = i16(d, b + s + 4 * (size_t)i), type = i16(d, b + s + 4 * (size_t)i + 2);
            ok = ((type == 0 || type == 1) && size == 8) || (type == 2 && size == 2);
        }
        if (!ok) continue;
        for (int i = 0; i < f->n_channels; i++) {
            f->ch[i].size = i16(d, b + s + 4 * (size_t)i);
            f->ch[i].is_float = f->ch[i].size == 8;
        }
        f->data_start = off + (int64_t)(s + need);
        free(b);
        return PSY_OK;
    }
    free(b);
    return psy_fail(why, PSY_E_FORMAT,
                    "no channel data types (int16 or double) after the foreign data header "
                    "(byte %lld)",
                    (long long)off);
}

static psy_status add_marker(acq_file *f, size_t *cap, int64_t sample, int channel, const char *code,
                             const char *text, psy_message *why)
{
    if (!psy_grow(&f->markers, sizeof *f->markers, cap, f->n_markers + 1))
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    acq_marker *m = &f->markers[f->n_markers];
    m->sample = sample;
    m->channel_order = channel;
    snprintf(m->code, sizeof m->code, "%s", code);
    m->text = strdup(text);
    if (!m->text) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    f->n_markers++;
    return PSY_OK;
}

/* One marker item: header of hdr bytes (sample at 0, text length as int16 at hdr - 2), then the
 * text. Returns the offset after it, or -1 when it does not fit before end. */
static int64_t read_marker(const rd *d, acq_file *f, size_t *cap, int64_t p, int64_t end, int hdr,
                           psy_status *st, psy_message *why)
{
    unsigned char h[40];
    if (p + hdr > end || (*st = get(d, p, h, (size_t)hdr, "event markers", why)) != PSY_OK) return -1;
    int post4 = f->revision >= ACQ_REV_400;
    int tlen = i16(d, h + hdr - 2);
    if (!post4 && f->revision >= ACQ_REV_35X) tlen += 1; /* pre-4 lengths leave out the NUL */
    if (tlen < 0 || tlen > end - p - hdr) return -1;
    unsigned char text[600] = {0};
    size_t keep = (size_t)tlen < sizeof text ? (size_t)tlen : sizeof text - 1;
    if ((*st = get(d, p + hdr, text, keep, "event markers", why)) != PSY_OK) return -1;
    char label[PSY_LABEL_SIZE * 3], code[5] = "";
    decode_text(f, label, sizeof label, text, keep);
    int channel = -1;
    if (post4) {
        channel = i16(d, h + 8);
        for (int i = 0; i < 4; i++) code[i] = h[10 + i] >= 0x20 && h[10 + i] < 0x7f ? (char)h[10 + i] : '?';
        while (code[0] && code[strlen(code) - 1] == ' ') code[strlen(code) - 1] = '\0';
    }
    *st = add_marker(f, cap, i32(d, h), channel < 0 ? -1 : channel, code, label, why);
    return *st == PSY_OK ? p + hdr + tlen : -1;
}

/* Pre-4: int32 item bytes, int32 count, items; from revision 41 a metadata block may follow
 * (tagged otherwise than the journal's 0x44332211), then the journal: tag, int16, int32 length,
 * text. Returns the offset after the journal (where compressed files go on), or -1 when the
 * journal is not where it should be. */
static int64_t parse_markers_pre4(const rd *d, acq_file *f, int64_t m, psy_reader *r, psy_status *st,
                                  psy_message *why)
{
    unsigned char h[8];
    if ((*st = get(d, m, h, 8, "event marker header", why)) != PSY_OK) return -1;
    int32_t bytes = i32(d, h), count = i32(d, h + 4);
    if (bytes < 0 || count < 0 || bytes > d->size - m - 8) {
        *st = psy_fail(why, PSY_E_FORMAT, "event marker block of %d bytes (%d markers) is outside the file",
                       (int)bytes, (int)count);
        return -1;
    }
    int64_t end = m + 8 + bytes, p = m + 8;
    size_t cap = 0;
    int hdr = f->revision >= ACQ_REV_35X ? 12 : 10;
    for (int32_t k = 0; k < count && p >= 0; k++) p = read_marker(d, f, &cap, p, end, hdr, st, why);
    if (*st != PSY_OK) return -1;
    if (p < 0)
        psy_reader_warn(r, "AcqKnowledge event markers end early: %zu of %d read", f->n_markers, (int)count);
    /* the journal tag, in either byte order */
    static const unsigned char tag_le[4] = {0x44, 0x33, 0x22, 0x11}, tag_be[4] = {0x11, 0x22, 0x33, 0x44};
    int64_t j = end;
    unsigned char t[8];
    if (get(d, j, t, 8, "journal", NULL) == PSY_OK && memcmp(t, tag_le, 4) && memcmp(t, tag_be, 4) &&
        f->revision >= ACQ_REV_381) {
        int32_t items = i32(d, t + 4); /* marker metadata: 84-byte header, 28 bytes per item */
        if (items >= 0 && items <= (d->size - end) / 28) j = end + 84 + 28 * (int64_t)items;
    }
    unsigned char buf[4096];
    for (int64_t at = j; at < j + JOURNAL_SCAN && at < d->size; at += (int64_t)sizeof buf - 3) {
        int64_t got = psy_source_read(d->src, at, buf, sizeof buf);
        for (int64_t i = 0; i + 4 <= got; i++) {
            if (memcmp(buf + i, tag_le, 4) && memcmp(buf + i, tag_be, 4)) continue;
            unsigned char jh[10];
            if (get(d, at + i, jh, 10, "journal", NULL) != PSY_OK) return -1;
            int32_t len = i32(d, jh + 6);
            if (len < 0 || len > d->size - at - i - 10) return -1;
            if (len > 0) {
                size_t keep = len < MAX_TEXT ? (size_t)len : MAX_TEXT;
                f->journal = calloc(1, keep + 1);
                if (!f->journal || get(d, at + i + 10, f->journal, keep, "journal", NULL) != PSY_OK) {
                    free(f->journal);
                    f->journal = NULL;
                }
            }
            return at + i + 10 + len;
        }
        if (got < (int64_t)sizeof buf) break;
    }
    return -1;
}

/* Revision 4 on: int32 block bytes (header included), int32 count + 1, int32, 6 + 5 + 2 bytes,
 * 8 more from 4.2.x, 8 more from 4.4; items: int32 sample, 4 bytes, int16 channel (-1 global),
 * 4-character type, 8-byte creation date (4.4), 8 bytes (4.2.x), int16 text length (NUL
 * included), text. Then the journal: int32 length of the whole journal block (from itself),
 * a preamble whose size depends on the revision, the text. */
static int64_t parse_markers_post4(const rd *d, acq_file *f, int64_t m, psy_reader *r, psy_status *st,
                                   psy_message *why)
{
    unsigned char h[12];
    if ((*st = get(d, m, h, 12, "event marker header", why)) != PSY_OK) return -1;
    int32_t bytes = i32(d, h), count = i32(d, h + 4) - 1;
    int hdr = 25 + (f->revision >= ACQ_REV_42X ? 8 : 0) + (f->revision >= ACQ_REV_440 ? 8 : 0);
    if (bytes < hdr || bytes > d->size - m) {
        *st = psy_fail(why, PSY_E_FORMAT, "event marker block of %d bytes is outside the file", (int)bytes);
        return -1;
    }
    int64_t end = m + bytes, p = m + hdr;
    int item = 16 + (f->revision >= ACQ_REV_42X ? 8 : 0) + (f->revision >= ACQ_REV_440 ? 8 : 0);
    size_t cap = 0;
    for (int32_t k = 0; k < count && p >= 0; k++) p = read_marker(d, f, &cap, p, end, item, st, why);
    if (*st != PSY_OK) return -1;
    if (p < 0)
        psy_reader_warn(r, "AcqKnowledge event markers end early: %zu of %d read", f->n_markers, (int)count);
    unsigned char jl[4];
    if (get(d, end, jl, 4, "journal", NULL) != PSY_OK) return -1;
    int32_t total = i32(d, jl);
    if (total < 4 || total > d->size - end) return -1;
    int pre =
        262 + 4 + 290 + (f->revision >= ACQ_REV_420 ? 26 + 8 : 0) + (f->revision >= ACQ_REV_440 ? 4 : 0);
    if (pre + 4 <= total) {
        unsigned char b[4];
        int64_t len_at = f->revision >= ACQ_REV_420 ? end + 4 + pre - 4 : end + 4 + 262;
        if (get(d, len_at, b, 4, "journal", NULL) == PSY_OK) {
            int32_t len = i32(d, b);
            if (len > 0 && len <= total - pre - 4) {
                size_t keep = len < MAX_TEXT ? (size_t)len : MAX_TEXT;
                f->journal = calloc(1, keep + 1);
                if (!f->journal || get(d, end + 4 + pre, f->journal, keep, "journal", NULL) != PSY_OK) {
                    free(f->journal);
                    f->journal = NULL;
                }
            }
        }
    }
    return end + total;
}

static int zlib_header_at(const unsigned char *p)
{
    return (p[0] & 0x0F) == 8 && (p[0] * 256 + p[1]) % 31 == 0;
}

/* One channel compression header at q (its first 60 bytes in h): 44 bytes, int32 label length,
 * int32 unit length, int32 decoded length, int32 compressed length, the label and unit texts,
 * then the zlib stream. */
static int compression_fields(const rd *d, const unsigned char *h, int64_t q, int64_t *z_off, int64_t *z_len,
                              int64_t *decoded)
{
    int32_t ll = i32(d, h + 44), ul = i32(d, h + 48), dl = i32(d, h + 52), cl = i32(d, h + 56);
    if (ll < 0 || ul < 0 || dl < 0 || cl < 2 || ll > 65536 || ul > 65536) return 0;
    int64_t at = q + 60 + ll + ul;
    if (at > d->size - cl) return 0;
    *z_off = at;
    *z_len = cl;
    *decoded = dl;
    return 1;
}

static int compression_header(const rd *d, int64_t q, int64_t *z_off, int64_t *z_len, int64_t *decoded)
{
    unsigned char h[60], z[2];
    if (q < 0 || q > d->size - 60 || psy_source_read_exact(d->src, q, h, 60) != PSY_OK) return 0;
    return compression_fields(d, h, q, z_off, z_len, decoded) &&
        psy_source_read_exact(d->src, *z_off, z, 2) == PSY_OK && zlib_header_at(z);
}

/* The first place in [from, from + ZLIB_SCAN) holding a compression header whose stream decodes
 * to `expect` bytes, or -1. */
static int64_t find_compression_header(const rd *d, int64_t from, int64_t expect)
{
    int64_t span = d->size - from < ZLIB_SCAN + 60 ? d->size - from : ZLIB_SCAN + 60;
    if (from < 0 || span < 60) return -1;
    unsigned char *b = malloc((size_t)span);
    if (!b || psy_source_read_exact(d->src, from, b, (size_t)span) != PSY_OK) {
        free(b);
        return -1;
    }
    int64_t found = -1, zo, zl, dl;
    for (int64_t s = 0; s + 60 <= span && found < 0; s++)
        if (compression_fields(d, b + s, from + s, &zo, &zl, &dl) && dl == expect &&
            compression_header(d, from + s, &zo, &zl, &dl))
            found = from + s;
    free(b);
    return found;
}

/* Compressed files: a main compression header (pre-4: 34 bytes, int32 text length, the text;
 * later: 24 bytes, two int32 string lengths, 20 bytes, 6 more from 4.2, the strings), then one
 * compression header per channel, each followed by its data. When the first header is not where
 * the journal's end says, the next ZLIB_SCAN bytes are searched for it. */
static psy_status parse_compressed(const rd *d, acq_file *f, int64_t at, psy_reader *r, psy_message *why)
{
    int64_t q = -1;
    unsigned char h[60];
    if (at >= 0 && get(d, at, h, 60, "compression header", NULL) == PSY_OK) {
        if (f->revision >= ACQ_REV_400) {
            int32_t s1 = i32(d, h + 24), s2 = i32(d, h + 28);
            if (s1 >= 0 && s2 >= 0) q = at + 52 + (f->revision >= ACQ_REV_420 ? 6 : 0) + (int64_t)s1 + s2;
        } else {
            int32_t tl = i32(d, h + 34);
            if (tl >= 0) q = at + 38 + tl;
        }
    }
    int64_t zo, zl, dl, expect = f->ch[0].frames * f->ch[0].size;
    if (!compression_header(d, q, &zo, &zl, &dl)) {
        int64_t from = at >= 0 ? at : f->data_start, found = find_compression_header(d, from, expect);
        if (found < 0)
            return psy_fail(why, PSY_E_FORMAT,
                            "cannot find the compressed data of channel 1 (after byte %lld)",
                            (long long)from);
        psy_reader_warn(r, "AcqKnowledge compression headers found by search at byte %lld", (long long)found);
        q = found;
    }
    for (int i = 0; i < f->n_channels; i++) {
        acq_channel *c = &f->ch[i];
        if (!compression_header(d, q, &zo, &zl, &dl))
            return psy_fail(why, PSY_E_FORMAT, "compression header of channel %d (byte %lld) is not valid",
                            i + 1, (long long)q);
        int64_t want;
        if (!psy_mul_i64(c->frames, c->size, &want) || dl % c->size != 0 || dl != want) {
            psy_reader_warn(r, "channel '%s': the header gives %lld samples, its compressed data %lld",
                            c->label, (long long)c->frames, (long long)(dl / c->size));
            c->frames = dl / c->size;
        }
        c->z_offset = zo;
        c->z_length = zl;
        q = zo + zl;
    }
    return PSY_OK;
}

/* The journal as plain text: HTML (4.2 on) loses its tags, head and entities; line ends and
 * runs of blanks become single spaces. */
static void journal_to_text(acq_file *f)
{
    if (!f->journal) return;
    char *s = f->journal, *o = s;
    int in_tag = 0, space = 1, html = strstr(s, "<html") || strstr(s, "<HTML") || strstr(s, "<!DOCTYPE");
    char *body = html ? strstr(s, "<body") : NULL;
    const char *p = body ? body : s;
    while (*p) {
        char c = *p++;
        if (html && c == '<') in_tag = 1;
        if (in_tag) {
            if (c == '>') in_tag = 0;
            continue;
        }
        if (html && c == '&') {
            static const struct {
                const char *name;
                char c;
            } ent[] = {{"amp;", '&'},  {"lt;", '<'},    {"gt;", '>'},
                       {"quot;", '"'}, {"apos;", '\''}, {"nbsp;", ' '}};
            for (size_t k = 0; k < sizeof ent / sizeof ent[0]; k++)
                if (strncmp(p, ent[k].name, strlen(ent[k].name)) == 0) {
                    c = ent[k].c;
                    p += strlen(ent[k].name);
                    break;
                }
        }
        int blank = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (blank && space) continue;
        *o++ = blank ? ' ' : c;
        space = blank;
    }
    while (o > s && o[-1] == ' ') o--;
    *o = '\0';
    char tmp[4096];
    size_t len = strlen(s);
    if (f->revision < ACQ_REV_400 || !psy_is_utf8(s, len)) { /* Windows-1252 text */
        psy_cp1252_to_utf8(tmp, sizeof tmp, s, len);
        free(f->journal);
        f->journal = strdup(tmp);
    }
    if (f->journal && !f->journal[0]) {
        free(f->journal);
        f->journal = NULL;
    }
}

psy_status acq_parse(psy_source *src, psy_reader *r, acq_file *f, psy_message *why)
{
    memset(f, 0, sizeof *f);
    rd d = {src, psy_source_size(src), 0};
    if (d.size < 0) return psy_fail(why, PSY_E_IO, "cannot tell the file size");
    unsigned char h[6];
    psy_status st = get(&d, 0, h, 6, "graph header", why);
    if (st != PSY_OK) return st;
    int32_t le = i32(&d, h + 2);
    d.be = 1;
    int32_t be = i32(&d, h + 2);
    if (!plausible_revision(le) && !plausible_revision(be))
        return psy_fail(why, PSY_E_FORMAT, "not an AcqKnowledge file (file revision %d / %d unknown)",
                        (int)le, (int)be);
    d.be = !plausible_revision(le) || (plausible_revision(be) && be < le);
    f->big_endian = d.be;
    f->revision = d.be ? be : le;
    int64_t off;
    if ((st = parse_graph(&d, f, &off, why)) != PSY_OK) return st;
    if ((st = parse_channels(&d, f, &off, why)) != PSY_OK) return st;
    if ((st = parse_dtypes(&d, f, off, why)) != PSY_OK) return st;
    int64_t data = 0;
    if (!f->compressed)
        for (int i = 0; i < f->n_channels; i++) {
            int64_t bytes;
            if (!psy_mul_i64(f->ch[i].frames, f->ch[i].size, &bytes) || !psy_add_i64(data, bytes, &data))
                return psy_fail(why, PSY_E_FORMAT, "channel sample counts overflow");
        }
    if (data > d.size - f->data_start)
        return psy_fail(why, PSY_E_TRUNCATED,
                        "the channels need %lld bytes of samples from byte %lld but the file has %lld",
                        (long long)data, (long long)f->data_start, (long long)d.size);
    int64_t after = f->revision >= ACQ_REV_400 ? parse_markers_post4(&d, f, f->data_start + data, r, &st, why)
                                               : parse_markers_pre4(&d, f, f->data_start + data, r, &st, why);
    if (st != PSY_OK && (f->compressed || st == PSY_E_NOMEM)) return st;
    if (st != PSY_OK) { /* uncompressed: the samples are all there; markers are a bonus */
        psy_reader_warn(r, "AcqKnowledge event markers not read: %s", why ? why->text : "invalid");
        if (why) why->text[0] = '\0';
    } else if (after < 0 && !f->compressed) {
        psy_reader_warn(r, "AcqKnowledge journal not found after the event markers");
    }
    journal_to_text(f);
    return f->compressed ? parse_compressed(&d, f, after, r, why) : PSY_OK;
}

void acq_file_free(acq_file *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->n_markers; i++) free(f->markers[i].text);
    free(f->markers);
    free(f->ch);
    free(f->journal);
    memset(f, 0, sizeof *f);
}
