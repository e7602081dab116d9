/* XDF recordings (LabRecorder, Lab Streaming Layer): every stream of the file on one time base.
 *
 * The file is a sequence of chunks (specification: github.com/sccn/xdf/wiki/Specifications): a
 * 1-, 4- or 8-byte length, a 2-byte tag, the content. FileHeader (1) and StreamHeader (2) hold XML
 * (xdf_xml.c); Samples (3) hold samples of one stream, each with an optional 8-byte time stamp
 * (missing: the previous one plus 1 / nominal rate); ClockOffset (4) chunks give the offset of the
 * stream's clock (xdf_clock.c); Boundary (5) and StreamFooter (6) are skipped.
 *
 * One pass over the chunks indexes them, not loading the samples of regular streams:
 *   - numeric streams with a nominal rate are regular channels at that rate. Their samples are
 *     cut into segments where the time stamps jump (a pause or lost samples: more than 0.1 s or 5
 *     samples off the nominal spacing), each segment's time stamps are fitted by a line (the
 *     jitter of LSL's per-chunk stamping averages out), corrected by the clock offsets and placed
 *     at its fitted start on the nominal grid; the space between segments is NaN;
 *   - numeric streams without a rate (nominal_srate 0) are irregular channels with their times;
 *   - string streams are markers: session events.
 * Time 0 is the earliest corrected time stamp of a numeric stream (of a marker when there is none). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xdf.h"

enum {
    BLOCK_SAMPLES = 1024,  /* samples per indexed block of a regular stream */
    BLOCK_BYTES = 1 << 20, /* ... and at most this many bytes (unless one sample is larger) */
    CURSOR_BYTES = 1 << 16,
    MAX_XML = 16 << 20,
    MAX_STREAMS = 4096,
    MAX_MARKER_TEXT = 4096,
    WINDOW = 4 << 20 /* bytes of the file read at once for regular streams */
};

typedef enum stream_kind { K_REGULAR, K_IRREGULAR, K_MARKER, K_SKIPPED } stream_kind;

typedef struct xblock {
    int64_t offset, bytes, first; /* file bytes of `count` samples from sample `first` */
    int32_t count;
    int8_t ts_bytes; /* 0 or 8 for every sample, -1 when mixed */
} xblock;

typedef struct xseg {
    int64_t first, n;        /* samples */
    double t_ref, t_last;    /* raw time stamps of the first and last */
    double mx, my, cxx, cxy; /* running means and co-moments of (index - first, t - t_ref) */
    size_t seen;             /* clock measurements before its first sample */
    int64_t pos;             /* output index of its first sample */
    int stamped;             /* 1 when one of its samples had a time stamp of its own */
} xseg;

typedef struct xmark {
    double t;
    size_t seen;
    char *text;
} xmark;

typedef struct xstream {
    uint32_t id;
    xdf_stream_info info;
    stream_kind kind;
    int value_size;
    double last_ts;
    int stamped; /* a sample with a time stamp of its own was seen */
    int64_t n_samples;
    xdf_clock clock;
    xblock *blocks;
    size_t n_blocks, cap_blocks;
    int block_open; /* 1 while samples may join the last block */
    int32_t block_cap;
    xseg *segs;
    size_t n_segs, cap_segs;
    double *values, *times; /* irregular: n_samples x channels, and times */
    size_t *seen;
    int64_t cap_values;
    xmark *marks;
    size_t n_marks, cap_marks;
    int first_channel;
    int64_t frames;
} xstream;

typedef struct xdf {
    psy_source *src;
    int64_t size;
    xstream *s;
    int n_streams;
    int *chan_stream, *chan_index;
    int n_channels;
    int64_t stored, max_stored; /* values kept in memory, and the bound the file size sets */
    /* a window of the file, and the block of a regular stream decoded last */
    unsigned char *win;
    int64_t win_at, win_len;
    int cache_stream;
    size_t cache_block;
    const unsigned char *cache; /* the block's bytes in the window */
    int32_t *cache_offs;        /* where each of its samples' values start */
} xdf;

/* ---- little-endian values ------------------------------------------------------------- */

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static double le_double(const unsigned char *p)
{
    uint64_t u = le(p, 8);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static double value_of(xdf_format f, const unsigned char *p)
{
    switch (f) {
    case XDF_FLOAT32: {
        uint32_t u = (uint32_t)le(p, 4);
        float x;
        memcpy(&x, &u, 4);
        return x;
    }
    case XDF_DOUBLE64: return le_double(p);
    case XDF_INT8: return (int8_t)p[0];
    case XDF_INT16: return (int16_t)(uint16_t)le(p, 2);
    case XDF_INT32: return (int32_t)(uint32_t)le(p, 4);
    case XDF_INT64: return (double)(int64_t)le(p, 8);
    default: return NAN;
    }
}

static int format_size(xdf_format f)
{
    static const int sizes[] = {4, 8, 0, 1, 2, 4, 8};
    return f < XDF_FORMAT_UNKNOWN ? sizes[f] : 0;
}

/* ---- a buffered cursor over a byte range ---------------------------------------------- */

typedef struct cursor {
    psy_source *src;
    int64_t pos, end;
    unsigned char *buf;
    int64_t buf_at, buf_len;
} cursor;

static psy_status cur_read(cursor *c, void *dst, int64_t n)
{
    if (n < 0 || n > c->end - c->pos) return PSY_E_FORMAT;
    unsigned char *out = dst;
    while (n > 0) {
        if (c->pos >= c->buf_at && c->pos < c->buf_at + c->buf_len) {
            int64_t k = c->buf_at + c->buf_len - c->pos;
            if (k > n) k = n;
            if (out) memcpy(out, c->buf + (c->pos - c->buf_at), (size_t)k);
            if (out) out += k;
            c->pos += k;
            n -= k;
            continue;
        }
        if (!out && n >= CURSOR_BYTES) { /* skip without reading */
            c->pos += n;
            return PSY_OK;
        }
        int64_t k = c->end - c->pos < CURSOR_BYTES ? c->end - c->pos : CURSOR_BYTES;
        psy_status st = psy_source_read_exact(c->src, c->pos, c->buf, (size_t)k);
        if (st != PSY_OK) return st;
        c->buf_at = c->pos;
        c->buf_len = k;
    }
    return PSY_OK;
}

/* A length of 1, 4 or 8 bytes given by a leading byte (chunk lengths, sample counts, string
 * lengths). */
static psy_status cur_varlen(cursor *c, uint64_t *out)
{
    unsigned char b[8], k;
    psy_status st = cur_read(c, &k, 1);
    if (st != PSY_OK) return st;
    if (k != 1 && k != 4 && k != 8) return PSY_E_FORMAT;
    if ((st = cur_read(c, b, k)) != PSY_OK) return st;
    *out = le(b, k);
    return PSY_OK;
}

/* ---- streams ---------------------------------------------------------------------------- */

static void stream_free(xstream *s)
{
    xdf_stream_info_free(&s->info);
    xdf_clock_free(&s->clock);
    free(s->blocks);
    free(s->segs);
    free(s->values);
    free(s->times);
    free(s->seen);
    for (size_t i = 0; i < s->n_marks; i++) free(s->marks[i].text);
    free(s->marks);
}

static void xdf_destroy(void *impl)
{
    xdf *x = impl;
    if (!x) return;
    for (int i = 0; i < x->n_streams; i++) stream_free(&x->s[i]);
    free(x->s);
    free(x->chan_stream);
    free(x->chan_index);
    free(x->win);
    free(x->cache_offs);
    free(x);
}

static xstream *find_stream(xdf *x, uint32_t id)
{
    for (int i = 0; i < x->n_streams; i++)
        if (x->s[i].id == id) return &x->s[i];
    return NULL;
}

static psy_status stream_header(xdf *x, psy_reader *r, cursor *c, psy_message *why)
{
    unsigned char idb[4];
    psy_status st = cur_read(c, idb, 4);
    if (st != PSY_OK) return psy_fail(why, PSY_E_FORMAT, "StreamHeader chunk shorter than its stream id");
    uint32_t id = (uint32_t)le(idb, 4);
    int64_t len = c->end - c->pos;
    if (len > MAX_XML)
        return psy_fail(why, PSY_E_FORMAT, "stream %u: XML header of %lld bytes", id, (long long)len);
    if (find_stream(x, id)) {
        psy_reader_warn(r, "stream %u has a second StreamHeader: ignored", id);
        return PSY_OK;
    }
    if (x->n_streams >= MAX_STREAMS) return psy_fail(why, PSY_E_FORMAT, "more than %d streams", MAX_STREAMS);
    char *xml = malloc((size_t)len + 1);
    if (!xml) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    if ((st = cur_read(c, xml, len)) != PSY_OK) {
        free(xml);
        return psy_fail(why, st, "cannot read the header of stream %u", id);
    }
    xstream *p = realloc(x->s, (size_t)(x->n_streams + 1) * sizeof *p);
    if (!p) {
        free(xml);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    x->s = p;
    xstream *s = &x->s[x->n_streams];
    memset(s, 0, sizeof *s);
    s->id = id;
    char inner[sizeof why->text] = "";
    psy_message m = {{0}};
    st = xdf_parse_stream_xml(xml, (size_t)len, &s->info, &m);
    free(xml);
    snprintf(inner, sizeof inner, "%s", m.text);
    if (st != PSY_OK) return psy_fail(why, st, "stream %u: %s", id, inner);
    x->n_streams++;
    xdf_stream_info *in = &s->info;
    if (!in->name[0]) snprintf(in->name, sizeof in->name, "stream %u", id);
    if (in->channel_count < 1 || in->channel_count > XDF_MAX_CHANNELS)
        return psy_fail(why, PSY_E_FORMAT, "stream '%s': channel_count %ld is not 1..%d", in->name,
                        in->channel_count, XDF_MAX_CHANNELS);
    if (!(in->nominal_srate >= 0) || in->nominal_srate > 1e7)
        return psy_fail(why, PSY_E_FORMAT, "stream '%s': nominal_srate is missing or negative", in->name);
    if (in->format == XDF_FORMAT_UNKNOWN) {
        psy_reader_warn(r, "stream '%s': unknown channel_format: skipped", in->name);
        s->kind = K_SKIPPED;
        return PSY_OK;
    }
    s->kind = in->format == XDF_STRING ? K_MARKER : in->nominal_srate > 0 ? K_REGULAR : K_IRREGULAR;
    s->value_size = format_size(in->format);
    int64_t sample = 9 + in->channel_count * (int64_t)s->value_size;
    s->block_cap = sample >= BLOCK_BYTES       ? 1
        : BLOCK_BYTES / sample < BLOCK_SAMPLES ? (int32_t)(BLOCK_BYTES / sample)
                                               : BLOCK_SAMPLES;
    return PSY_OK;
}

/* A regular stream's sample: its block and segment bookkeeping. */
static psy_status note_regular(xstream *s, int64_t at, int64_t end, int ts_bytes, double ts)
{
    xblock *b = s->n_blocks ? &s->blocks[s->n_blocks - 1] : NULL;
    if (!s->block_open || b->count >= s->block_cap) {
        if (!psy_grow(&s->blocks, sizeof *s->blocks, &s->cap_blocks, s->n_blocks + 1)) return PSY_E_NOMEM;
        b = &s->blocks[s->n_blocks++];
        *b = (xblock){at, 0, s->n_samples, 0, (int8_t)ts_bytes};
        s->block_open = 1;
    }
    if (b->ts_bytes != ts_bytes) b->ts_bytes = -1;
    b->count++;
    b->bytes = end - b->offset;
    double period = 1 / s->info.nominal_srate, tol = fmax(0.1, 5 * period);
    xseg *g = s->n_segs ? &s->segs[s->n_segs - 1] : NULL;
    if (!g || ts - g->t_last > period + tol || ts - g->t_last < -tol) {
        if (!psy_grow(&s->segs, sizeof *s->segs, &s->cap_segs, s->n_segs + 1)) return PSY_E_NOMEM;
        g = &s->segs[s->n_segs++];
        *g = (xseg){s->n_samples, 0, ts, ts, 0, 0, 0, 0, s->clock.n, 0, 0};
    }
    g->stamped |= s->stamped;
    /* Welford's running means and co-moments */
    double dx = (double)(s->n_samples - g->first), dy = ts - g->t_ref;
    g->n++;
    double ex = dx - g->mx;
    g->mx += ex / (double)g->n;
    g->my += (dy - g->my) / (double)g->n;
    g->cxx += ex * (dx - g->mx);
    g->cxy += ex * (dy - g->my);
    g->t_last = ts;
    return PSY_OK;
}

static psy_status note_irregular(xdf *x, xstream *s, const unsigned char *raw, double ts, psy_message *why)
{
    int64_t cc = s->info.channel_count, need = (s->n_samples + 1) * cc;
    x->stored += cc + 1;
    if (x->stored > x->max_stored) return psy_fail(why, PSY_E_FORMAT, "more samples than the file can hold");
    if (need > s->cap_values) {
        int64_t cap = s->cap_values ? 2 * s->cap_values : 64 * cc;
        while (cap < need) cap *= 2;
        int64_t rows = cap / cc;
        double *v = realloc(s->values, (size_t)cap * sizeof *v);
        if (v) s->values = v;
        double *t = realloc(s->times, (size_t)rows * sizeof *t);
        if (t) s->times = t;
        size_t *k = realloc(s->seen, (size_t)rows * sizeof *k);
        if (k) s->seen = k;
        if (!v || !t || !k) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        s->cap_values = cap;
    }
    for (int64_t j = 0; j < cc; j++)
        s->values[s->n_samples * cc + j] = value_of(s->info.format, raw + j * s->value_size);
    s->times[s->n_samples] = ts;
    s->seen[s->n_samples] = s->clock.n;
    return PSY_OK;
}

/* Marker text: line ends and tabs become spaces; other control bytes and invalid UTF-8 '?'. */
static psy_status note_marker(xdf *x, xstream *s, const char *text, size_t len, double ts, psy_message *why)
{
    if (!psy_grow(&s->marks, sizeof *s->marks, &s->cap_marks, s->n_marks + 1))
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    char clean[MAX_MARKER_TEXT + 1], tmp[MAX_MARKER_TEXT];
    size_t n = len < sizeof tmp ? len : sizeof tmp;
    for (size_t i = 0; i < n; i++)
        tmp[i] = text[i] == '\n' || text[i] == '\r' || text[i] == '\t' ? ' ' : text[i];
    psy_copy_field(clean, sizeof clean, tmp, n);
    x->stored += (int64_t)(strlen(clean) / 8 + 1);
    xmark *m = &s->marks[s->n_marks];
    m->t = ts;
    m->seen = s->clock.n;
    if (!(m->text = strdup(clean))) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    s->n_marks++;
    return PSY_OK;
}

static psy_status samples_chunk(xdf *x, psy_reader *r, cursor *c, psy_message *why)
{
    unsigned char b[16];
    if (cur_read(c, b, 4) != PSY_OK)
        return psy_fail(why, PSY_E_FORMAT, "Samples chunk shorter than its stream id");
    uint32_t id = (uint32_t)le(b, 4);
    xstream *s = find_stream(x, id);
    if (!s) {
        psy_reader_warn(r, "samples of stream %u before (or without) its header: skipped", id);
        return PSY_OK;
    }
    if (s->kind == K_SKIPPED) return PSY_OK;
    const char *name = s->info.name;
    uint64_t count;
    if (cur_varlen(c, &count) != PSY_OK)
        return psy_fail(why, PSY_E_FORMAT, "stream '%s': bad sample count", name);
    int64_t cc = s->info.channel_count, vs = s->value_size;
    int64_t least = 1 + (s->kind == K_MARKER ? 2 * cc : cc * vs);
    if (count > (uint64_t)((c->end - c->pos) / least))
        return psy_fail(why, PSY_E_FORMAT, "stream '%s': a Samples chunk of %lld bytes claims %llu samples",
                        name, (long long)(c->end - c->pos), (unsigned long long)count);
    s->block_open = 0;
    unsigned char *raw = NULL;
    if (s->kind == K_IRREGULAR && !(raw = malloc((size_t)(cc * vs))))
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    char *text = NULL;
    psy_status st = PSY_OK;
    double dt = s->info.nominal_srate > 0 ? 1 / s->info.nominal_srate : 0;
    for (uint64_t k = 0; k < count && st == PSY_OK; k++) {
        int64_t at = c->pos;
        unsigned char tsb;
        double ts = s->last_ts + dt;
        if ((st = cur_read(c, &tsb, 1)) != PSY_OK) break;
        if (tsb == 8) {
            if ((st = cur_read(c, b, 8)) != PSY_OK) break;
            ts = le_double(b);
        } else if (tsb != 0) {
            st = psy_fail(why, PSY_E_FORMAT, "stream '%s': a time stamp of %u bytes (0 or 8)", name, tsb);
            break;
        }
        if (!isfinite(ts) || fabs(ts) > 1e15) {
            st = psy_fail(why, PSY_E_FORMAT, "stream '%s': time stamp %g is not a time", name, ts);
            break;
        }
        s->stamped |= tsb == 8;
        /* samples before the stream's first time stamp: irregular ones get it (below, in build);
         * regular ones are placed just before it (place_segments) */
        double stamp = s->stamped || s->kind == K_REGULAR ? ts : NAN;
        if (s->kind == K_REGULAR) {
            if ((st = cur_read(c, NULL, cc * vs)) == PSY_OK) st = note_regular(s, at, c->pos, tsb, ts);
            if (st == PSY_E_NOMEM) st = psy_fail(why, st, "out of memory");
        } else if (s->kind == K_IRREGULAR) {
            if ((st = cur_read(c, raw, cc * vs)) == PSY_OK) st = note_irregular(x, s, raw, stamp, why);
        } else {
            size_t used = 0;
            for (int64_t j = 0; j < cc && st == PSY_OK; j++) {
                uint64_t len;
                if ((st = cur_varlen(c, &len)) != PSY_OK) break;
                if (len > (uint64_t)(c->end - c->pos)) {
                    st = PSY_E_FORMAT;
                    break;
                }
                size_t keep = len < MAX_MARKER_TEXT ? (size_t)len : MAX_MARKER_TEXT;
                char *p = realloc(text, used + keep + 3);
                if (!p) {
                    st = psy_fail(why, PSY_E_NOMEM, "out of memory");
                    break;
                }
                text = p;
                if (j) text[used++] = ';', text[used++] = ' ';
                if ((st = cur_read(c, text + used, (int64_t)keep)) == PSY_OK)
                    st = cur_read(c, NULL, (int64_t)(len - keep));
                used += keep;
            }
            if (st == PSY_OK) st = note_marker(x, s, text ? text : "", used, stamp, why);
        }
        if (st == PSY_OK) {
            s->last_ts = ts;
            s->n_samples++;
        }
    }
    free(raw);
    free(text);
    if (st == PSY_E_FORMAT && !why->text[0])
        psy_fail(why, st, "stream '%s': sample %lld runs past the end of its chunk", name,
                 (long long)s->n_samples + 1);
    return st;
}

static psy_status clock_chunk(xdf *x, psy_reader *r, cursor *c, psy_message *why)
{
    unsigned char b[20];
    if (c->end - c->pos != 20 || cur_read(c, b, 20) != PSY_OK) {
        psy_reader_warn(r, "a ClockOffset chunk of %lld bytes (20 expected): skipped",
                        (long long)(c->end - c->pos));
        return PSY_OK;
    }
    xstream *s = find_stream(x, (uint32_t)le(b, 4));
    double t = le_double(b + 4), v = le_double(b + 12);
    if (!s || !isfinite(t) || !isfinite(v) || fabs(t) > 1e15 || fabs(v) > 1e15) {
        psy_reader_warn(r, "a ClockOffset chunk for an unknown stream or with invalid values: skipped");
        return PSY_OK;
    }
    return xdf_clock_add(&s->clock, t, v) == PSY_OK ? PSY_OK : psy_fail(why, PSY_E_NOMEM, "out of memory");
}

/* One pass over the chunks. A chunk running past the end of the file (a recording cut short) ends
 * the pass with a warning; anything inconsistent inside the file is refused. */
static psy_status scan(xdf *x, psy_reader *r, psy_message *why)
{
    cursor c = {x->src, 4, x->size, NULL, 0, 0};
    if (!(c.buf = malloc(CURSOR_BYTES))) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    psy_status st = PSY_OK;
    int64_t chunks = 0;
    while (c.pos < x->size && st == PSY_OK) {
        int64_t at = c.pos;
        uint64_t len = 0;
        unsigned char tb[2], nb, lb[8];
        c.end = x->size;
        if ((st = cur_read(&c, &nb, 1)) != PSY_OK) break;
        if (nb != 1 && nb != 4 && nb != 8) {
            st =
                psy_fail(why, PSY_E_FORMAT, "chunk at byte %lld: its length field is %u bytes, not 1, 4 or 8",
                         (long long)at, nb);
            break;
        }
        if (x->size - c.pos >= nb && (st = cur_read(&c, lb, nb)) != PSY_OK) break;
        if (x->size - at - 1 >= nb) len = le(lb, nb);
        if (x->size - at - 1 < nb || len > (uint64_t)(x->size - c.pos)) {
            psy_reader_warn(
                r,
                "the file ends inside a chunk at byte %lld (the recording was cut short): the rest "
                "is not read",
                (long long)at);
            break;
        }
        if (len < 2) {
            st = psy_fail(why, PSY_E_FORMAT, "chunk at byte %lld is %llu bytes long (a tag needs 2)",
                          (long long)at, (unsigned long long)len);
            break;
        }
        c.end = c.pos + (int64_t)len;
        if ((st = cur_read(&c, tb, 2)) != PSY_OK) break;
        int tag = (int)le(tb, 2);
        chunks++;
        if (tag == 2)
            st = stream_header(x, r, &c, why);
        else if (tag == 3)
            st = samples_chunk(x, r, &c, why);
        else if (tag == 4)
            st = clock_chunk(x, r, &c, why);
        else if (tag == 1 && !psy_reader_start(r).known && len - 2 < MAX_XML) {
            char *xml = malloc((size_t)len);
            psy_datetime t;
            int dated = xml && cur_read(&c, xml, (int64_t)len - 2) == PSY_OK
                            ? xdf_file_datetime(xml, (size_t)len - 2, &t) : 0;
            if (dated > 0)
                psy_reader_set_start(r, &t);
            else if (dated < 0) /* metadata: the streams stay readable */
                psy_reader_warn(r, "the file header's <datetime> is not an ISO 8601 date-time that exists: "
                                   "start unknown");
            free(xml);
        } else if (tag < 1 || tag > 6) {
            psy_reader_warn(r, "chunks with an unknown tag (%d): skipped", tag);
        }
        c.pos = c.end; /* past this chunk, whatever was read of it */
    }
    free(c.buf);
    if (st == PSY_OK && !x->n_streams)
        st = psy_fail(why, PSY_E_FORMAT, "no stream header in %lld chunks", (long long)chunks);
    return st;
}

/* ---- one time base ------------------------------------------------------------------- */

/* A regular segment's fitted, clock-corrected time of its sample x (x from its first). */
static double seg_time(const xstream *s, const xseg *g, double x)
{
    double slope = g->n >= 2 && g->cxx > 0 ? g->cxy / g->cxx : 1 / s->info.nominal_srate;
    double raw = g->t_ref + g->my + slope * (x - g->mx);
    return xdf_clock_apply(&s->clock, xdf_clock_range_for(&s->clock, g->t_ref + g->my, g->seen), raw);
}

static double earliest(const xdf *x)
{
    double t0 = INFINITY, marks = INFINITY;
    for (int i = 0; i < x->n_streams; i++) {
        const xstream *s = &x->s[i];
        int64_t head = 0; /* samples before the first time stamp, placed just before it */
        for (size_t k = 0; s->kind == K_REGULAR && k < s->n_segs; head += s->segs[k++].n)
            if (s->segs[k].stamped) {
                t0 = fmin(t0, seg_time(s, &s->segs[k], 0) - (double)head / s->info.nominal_srate);
                break;
            }
        for (int64_t k = 0; s->kind == K_IRREGULAR && k < s->n_samples; k++)
            t0 = fmin(t0,
                      xdf_clock_apply(&s->clock, xdf_clock_range_for(&s->clock, s->times[k], s->seen[k]),
                                      s->times[k]));
        for (size_t k = 0; s->kind == K_MARKER && k < s->n_marks; k++)
            marks = fmin(marks,
                         xdf_clock_apply(&s->clock,
                                         xdf_clock_range_for(&s->clock, s->marks[k].t, s->marks[k].seen),
                                         s->marks[k].t));
    }
    return isfinite(t0) ? t0 : isfinite(marks) ? marks : 0;
}

/* Places a regular stream's segments on its nominal grid from time 0 = t0. Segments without a
 * time stamp of their own (samples before the stream's first one) go just before the next
 * segment (at the start when there is none). */
static void place_segments(xstream *s, psy_reader *r, double t0)
{
    double fs = s->info.nominal_srate, worst = 0;
    int64_t end = 0, overlaps = 0, gaps = 0;
    for (size_t k = 0; k < s->n_segs; k++) {
        xseg *g = &s->segs[k];
        double p = (seg_time(s, g, g->mx) - t0) * fs - g->mx;
        if (!g->stamped) {
            size_t q = k + 1;
            while (q < s->n_segs && !s->segs[q].stamped) q++;
            p = q < s->n_segs ? (seg_time(s, &s->segs[q], s->segs[q].mx) - t0) * fs - s->segs[q].mx : 0;
            for (size_t m = k; m < q; m++) p -= (double)s->segs[m].n;
        }
        int64_t pos = p < 0 ? 0 : p > 9e15 ? (int64_t)9e15 : llround(p);
        if (pos < end) {
            overlaps += pos < end - 1;
            pos = end;
        }
        gaps += k && pos > end;
        g->pos = pos;
        end = pos + g->n;
        for (int e = 0; e < 2 && g->stamped; e++) { /* the fit against the grid at both ends */
            double xe = e ? (double)(g->n - 1) : 0;
            double dev = fabs((seg_time(s, g, xe) - t0) * fs - xe - (double)pos) / fs;
            if (dev > worst) worst = dev;
        }
    }
    s->frames = end;
    if (!s->stamped)
        psy_reader_warn(r, "stream '%s' has no time stamps: its samples start the recording", s->info.name);
    if (gaps)
        psy_reader_warn(r, "stream '%s': %lld pauses or losses in its time stamps: NaN between the parts",
                        s->info.name, (long long)gaps);
    if (overlaps)
        psy_reader_warn(r, "stream '%s': parts whose time stamps overlap: put one after the other",
                        s->info.name);
    if (worst > fmax(0.01, 2 / fs))
        psy_reader_warn(
            r,
            "stream '%s': its time stamps drift up to %.3g s from the nominal %g Hz grid (its clock "
            "runs at another rate)",
            s->info.name, worst, fs);
}

/* Irregular samples and markers before their stream's first time stamp take it. */
static void stamp_heads(xstream *s, psy_reader *r)
{
    double first = NAN;
    for (int64_t k = 0; s->kind == K_IRREGULAR && k < s->n_samples && isnan(first); k++) first = s->times[k];
    for (size_t k = 0; s->kind == K_MARKER && k < s->n_marks && isnan(first); k++) first = s->marks[k].t;
    int64_t n = s->kind == K_IRREGULAR ? s->n_samples : (int64_t)s->n_marks;
    if (!n || !isnan(s->kind == K_IRREGULAR ? s->times[0] : s->marks[0].t)) return;
    if (isnan(first))
        psy_reader_warn(r, "stream '%s' has no time stamps: its samples are put at time 0", s->info.name);
    for (int64_t k = 0; k < n; k++) {
        double *t = s->kind == K_IRREGULAR ? &s->times[k] : &s->marks[k].t;
        if (!isnan(*t)) break;
        *t = first;
    }
}

/* Irregular samples in time order with clock-corrected times from t0. */
static psy_status order_irregular(xstream *s, psy_reader *r, double t0)
{
    int sorted = 1;
    for (int64_t k = 0; k < s->n_samples; k++) {
        s->times[k] = isnan(s->times[k])
            ? 0 /* no time stamp at all */
            : xdf_clock_apply(&s->clock, xdf_clock_range_for(&s->clock, s->times[k], s->seen[k]),
                              s->times[k]) -
                t0;
        if (k && s->times[k] < s->times[k - 1]) sorted = 0;
    }
    if (sorted) return PSY_OK;
    /* insertion sort by time, stable (irregular streams are short and nearly sorted) */
    int64_t cc = s->info.channel_count;
    double *row = malloc((size_t)cc * sizeof *row);
    if (!row) return PSY_E_NOMEM;
    for (int64_t k = 1; k < s->n_samples; k++) {
        double t = s->times[k];
        memcpy(row, s->values + k * cc, (size_t)cc * sizeof *row);
        int64_t j = k;
        for (; j > 0 && s->times[j - 1] > t; j--) {
            s->times[j] = s->times[j - 1];
            memcpy(s->values + j * cc, s->values + (j - 1) * cc, (size_t)cc * sizeof *row);
        }
        s->times[j] = t;
        memcpy(s->values + j * cc, row, (size_t)cc * sizeof *row);
    }
    free(row);
    psy_reader_warn(r, "stream '%s': time stamps out of order: sorted", s->info.name);
    return PSY_OK;
}

/* ---- channels and events ---------------------------------------------------------------- */

static void channel_label(const xdf *x, psy_reader *r, const xstream *s, long j, char *dst, size_t size)
{
    const xdf_channel_desc *d = j < s->info.n_desc ? &s->info.desc[j] : NULL;
    char tmp[2 * PSY_LABEL_SIZE + 32];
    if (d && d->label[0])
        snprintf(tmp, sizeof tmp, "%s", d->label);
    else if (s->info.channel_count == 1)
        snprintf(tmp, sizeof tmp, "%s", s->info.name);
    else
        snprintf(tmp, sizeof tmp, "%s %ld", s->info.name, j + 1);
    for (int c = 0; c < x->n_channels; c++)
        if (psy_strieq(psy_reader_channel(r, c)->label, tmp)) { /* the same label in another stream */
            char base[PSY_LABEL_SIZE];
            snprintf(base, sizeof base, "%s", tmp);
            snprintf(tmp, sizeof tmp, "%s (%s)", base, s->info.name);
            break;
        }
    psy_copy_field(dst, size, tmp, strlen(tmp));
}

static psy_status add_channels(xdf *x, psy_reader *r, xstream *s, psy_message *why)
{
    s->first_channel = x->n_channels;
    if (s->kind != K_REGULAR && s->kind != K_IRREGULAR) return PSY_OK;
    if (s->n_samples == 0) {
        psy_reader_warn(r, "stream '%s' has no samples: left out", s->info.name);
        return PSY_OK;
    }
    psy_channel_type stream_type = PSY_CH_OTHER;
    if (psy_channel_type_parse(s->info.type, &stream_type) != PSY_OK) stream_type = PSY_CH_OTHER;
    for (long j = 0; j < s->info.channel_count; j++) {
        psy_channel_info info = {0};
        const xdf_channel_desc *d = j < s->info.n_desc ? &s->info.desc[j] : NULL;
        channel_label(x, r, s, j, info.label, sizeof info.label);
        if (d) snprintf(info.file_unit, sizeof info.file_unit, "%s", d->unit);
        if (!d || psy_channel_type_parse(d->type, &info.type) != PSY_OK) info.type = PSY_CH_OTHER;
        if (info.type == PSY_CH_OTHER) info.type = psy_infer_channel_type(info.label, info.file_unit);
        if (info.type == PSY_CH_OTHER) info.type = stream_type;
        info.rate_hz = s->kind == K_REGULAR ? s->info.nominal_srate : 0;
        info.frames = s->kind == K_REGULAR ? s->frames : s->n_samples;
        info.physical_min = info.physical_max = NAN;
        if (s->info.format == XDF_INT8 || s->info.format == XDF_INT16 || s->info.format == XDF_INT32) {
            int bits = 8 * s->value_size;
            info.physical_min = -ldexp(1.0, bits - 1);
            info.physical_max = ldexp(1.0, bits - 1) - 1;
            info.resolution = 1;
        }
        int ch = psy_reader_add_channel(r, &info, 0);
        int *cs = realloc(x->chan_stream, (size_t)(x->n_channels + 1) * sizeof *cs);
        if (cs) x->chan_stream = cs;
        int *ci = realloc(x->chan_index, (size_t)(x->n_channels + 1) * sizeof *ci);
        if (ci) x->chan_index = ci;
        if (ch < 0 || !cs || !ci) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        x->chan_stream[ch] = (int)(s - x->s);
        x->chan_index[ch] = (int)j;
        x->n_channels++;
    }
    return PSY_OK;
}

static psy_status add_markers(psy_reader *r, xstream *s, double t0, psy_message *why)
{
    for (size_t k = 0; k < s->n_marks; k++) {
        const xmark *m = &s->marks[k];
        psy_event e = {0};
        e.onset_s = isnan(m->t)
            ? 0
            : xdf_clock_apply(&s->clock, xdf_clock_range_for(&s->clock, m->t, m->seen), m->t) - t0;
        e.label = m->text;
        e.detail = s->info.name;
        e.source = PSY_EVENTS_ANNOTATION;
        e.sample = -1;
        e.channel = -1;
        if (psy_reader_add_event(r, &e) != PSY_OK) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    return PSY_OK;
}

/* ---- reading ---------------------------------------------------------------------------- */

static psy_status load_block(xdf *x, int si, size_t b)
{
    if (x->cache_stream == si && x->cache_block == b) return PSY_OK;
    const xstream *s = &x->s[si];
    const xblock *k = &s->blocks[b];
    x->cache_stream = -1;
    if (k->offset < x->win_at || k->offset + k->bytes > x->win_at + x->win_len) {
        int64_t len = k->bytes > WINDOW ? k->bytes : WINDOW;
        if (len > x->size - k->offset) len = x->size - k->offset;
        if (len < k->bytes) return PSY_E_FORMAT;
        if (!x->win && !(x->win = malloc(WINDOW))) return PSY_E_NOMEM;
        if (len > WINDOW) {
            unsigned char *p = realloc(x->win, (size_t)len);
            if (!p) return PSY_E_NOMEM;
            x->win = p;
        }
        x->win_len = 0;
        psy_status st = psy_source_read_exact(x->src, k->offset, x->win, (size_t)len);
        if (st != PSY_OK) return st; /* the file changed after it was opened */
        x->win_at = k->offset;
        x->win_len = len;
    }
    if (!x->cache_offs && !(x->cache_offs = malloc(BLOCK_SAMPLES * sizeof *x->cache_offs)))
        return PSY_E_NOMEM;
    x->cache = x->win + (k->offset - x->win_at);
    int64_t values = s->info.channel_count * s->value_size, at = 0;
    if (k->ts_bytes >= 0) { /* every sample the same size */
        int64_t stride = 1 + k->ts_bytes + values;
        if (stride * k->count > k->bytes) return PSY_E_FORMAT;
        for (int32_t i = 0; i < k->count; i++) x->cache_offs[i] = (int32_t)(i * stride + 1 + k->ts_bytes);
    } else {
        for (int32_t i = 0; i < k->count; i++) { /* where each sample's values start */
            if (at >= k->bytes) return PSY_E_FORMAT;
            int tsb = x->cache[at] == 8 ? 8 : 0;
            x->cache_offs[i] = (int32_t)(at + 1 + tsb);
            at += 1 + tsb + values;
        }
        if (at > k->bytes) return PSY_E_FORMAT;
    }
    x->cache_stream = si;
    x->cache_block = b;
    return PSY_OK;
}

/* Samples [i, i + n) of channel j of regular stream si. */
static psy_status read_samples(xdf *x, int si, int j, int64_t i, int64_t n, double *out)
{
    const xstream *s = &x->s[si];
    /* the block holding sample i; the next ones follow in order */
    size_t lo = psy_last_at_or_before(s->blocks, s->n_blocks, sizeof *s->blocks, offsetof(xblock, first), i);
    for (; n > 0; lo++) {
        psy_status st = load_block(x, si, lo);
        if (st != PSY_OK) return st;
        const xblock *k = &s->blocks[lo];
        int64_t from = i - k->first, m = k->count - from;
        if (m > n) m = n;
        const unsigned char *base = x->cache + (int64_t)j * s->value_size;
        const int32_t *off = x->cache_offs + from;
        if (s->info.format == XDF_FLOAT32) {
            for (int64_t q = 0; q < m; q++) {
                const unsigned char *p = base + off[q];
                uint32_t u =
                    (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
                float f;
                memcpy(&f, &u, 4);
                out[q] = f;
            }
        } else {
            for (int64_t q = 0; q < m; q++) out[q] = value_of(s->info.format, base + off[q]);
        }
        out += m, i += m, n -= m;
    }
    return PSY_OK;
}

static psy_status xdf_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    xdf *x = impl;
    int si = x->chan_stream[ch], j = x->chan_index[ch];
    const xstream *s = &x->s[si];
    if (s->kind == K_IRREGULAR) {
        int64_t cc = s->info.channel_count;
        for (int64_t q = 0; q < n; q++) out[q] = s->values[(start + q) * cc + j];
        return PSY_OK;
    }
    while (n > 0) {
        size_t lo = psy_last_at_or_before(s->segs, s->n_segs, sizeof *s->segs, offsetof(xseg, pos), start);
        const xseg *g = &s->segs[lo];
        int64_t run;
        if (start >= g->pos && start < g->pos + g->n) {
            run = g->pos + g->n - start;
            if (run > n) run = n;
            psy_status st = read_samples(x, si, j, g->first + (start - g->pos), run, out);
            if (st != PSY_OK) return st;
        } else { /* before the first segment or between two: nothing was recorded */
            int64_t next = start < g->pos ? g->pos : lo + 1 < s->n_segs ? s->segs[lo + 1].pos : s->frames;
            run = next - start;
            if (run > n) run = n;
            for (int64_t q = 0; q < run; q++) out[q] = NAN;
        }
        out += run, start += run, n -= run;
    }
    return PSY_OK;
}

static psy_status xdf_read_times(void *impl, int ch, int64_t start, int64_t n, double *out_s)
{
    const xdf *x = impl;
    const xstream *s = &x->s[x->chan_stream[ch]];
    if (s->kind != K_IRREGULAR) return PSY_E_INVALID;
    memcpy(out_s, s->times + start, (size_t)n * sizeof *out_s);
    return PSY_OK;
}

static const psy_reader_ops xdf_ops = {xdf_read, xdf_read_times, xdf_destroy};

/* ---- opening -------------------------------------------------------------------------- */

static psy_status build(void *impl, psy_source *src, psy_reader *r, psy_message *why)
{
    (void)src;
    xdf *x = impl;
    psy_status st = scan(x, r, why);
    if (st != PSY_OK) return st;
    for (int i = 0; i < x->n_streams; i++) {
        xstream *s = &x->s[i];
        stamp_heads(s, r);
        int resets = xdf_clock_fit(&s->clock);
        if (resets < 0) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        if (resets)
            psy_reader_warn(
                r,
                "stream '%s': %d clock resets (its computer restarted?): each part synchronised on its own",
                s->info.name, resets);
    }
    double t0 = earliest(x);
    for (int i = 0; i < x->n_streams && st == PSY_OK; i++) {
        xstream *s = &x->s[i];
        if (s->kind == K_REGULAR) place_segments(s, r, t0);
        if (s->kind == K_IRREGULAR && order_irregular(s, r, t0) != PSY_OK)
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
        if (st == PSY_OK) st = add_channels(x, r, s, why);
        if (st == PSY_OK && s->kind == K_MARKER) st = add_markers(r, s, t0, why);
    }
    if (st == PSY_OK && !x->n_channels && !psy_reader_event_count(r))
        st = psy_fail(why, PSY_E_FORMAT, "no samples and no markers in any stream");
    return st;
}

int psy_xdf_probe(const unsigned char *head, size_t n) { return n >= 4 && memcmp(head, "XDF:", 4) == 0; }

psy_status psy_open_xdf(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why)
{
    (void)opt;
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src) return psy_fail(why, PSY_E_INVALID, "no source");
    unsigned char magic[4];
    int64_t size = psy_source_size(src);
    if (size < 0) return psy_fail(why, PSY_E_IO, "cannot tell the file size");
    if (psy_source_read(src, 0, magic, 4) != 4 || !psy_xdf_probe(magic, 4))
        return psy_fail(why, PSY_E_FORMAT, "not an XDF file (no 'XDF:' at the start)");
    xdf *x = calloc(1, sizeof *x);
    if (!x) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    x->src = src;
    x->size = size;
    x->cache_stream = -1;
    x->win_at = -1;
    x->max_stored = size + 1024;
    psy_message local = {{0}};
    if (!why) why = &local; /* the scan reads what it wrote */
    why->text[0] = '\0';
    return psy_reader_build("XDF", src, &xdf_ops, x, build, out, why);
}
