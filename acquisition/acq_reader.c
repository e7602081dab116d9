/* Biopac AcqKnowledge (.acq) recordings, revisions 2.0 to 5.x, either byte order, compressed or
 * not (headers: acq_header.c).
 *
 * Uncompressed samples are interleaved in a repeating pattern: with the base rate divided by
 * divider d_c for channel c and L the least common multiple of the dividers, one pattern
 * iteration holds k_c = L / d_c samples of each channel, slot s (0..L-1) holding, in channel
 * order, every channel with s % d_c == 0. At the end a channel with fewer than k_c samples left
 * keeps only its first ones, the others go on (so the last iterations differ: bioread's
 * notes/file_format.md). Channel c therefore has F_c = n_c / k_c full iterations and one partial
 * one of n_c % k_c samples; an iteration's size changes only at some F_c or F_c + 1, which split
 * the data into a few intervals of equal iterations. Compressed files keep each channel as one
 * zlib stream, read through a decoding source. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acq_format.h"
#include "gz_source.h"

enum {
    MAX_PATTERN = 1 << 16, /* least common multiple of the dividers */
    MAX_SLOTS = 1 << 22,   /* pattern slots of all channels (L x channels) */
    WINDOW = 4 << 20       /* bytes of interleaved data read at once */
};

typedef struct interval {
    int64_t first; /* first iteration */
    int64_t byte;  /* its offset from the start of the data */
    int64_t bytes; /* size of each of its iterations */
} interval;

typedef struct acq_chan_state {
    int64_t k;     /* samples per full iteration */
    int64_t full;  /* F: full iterations */
    int table_of;  /* interval the offsets below are for (-1: none) */
    int32_t *off;  /* byte offset in an iteration of each of its samples (k entries) */
    psy_source *z; /* compressed: the decoded stream */
} acq_chan_state;

typedef struct acq {
    acq_file f;
    psy_source *src;
    int64_t pattern;  /* L */
    int64_t data_len; /* bytes of interleaved samples */
    interval *iv;
    int n_iv;
    acq_chan_state *cs;
    unsigned char *win; /* a window of the interleaved data */
    int64_t win_at, win_len;
    unsigned char *zbuf; /* compressed: raw bytes of one read */
} acq;

static void acq_destroy(void *impl)
{
    acq *a = impl;
    if (!a) return;
    for (int i = 0; a->cs && i < a->f.n_channels; i++) {
        free(a->cs[i].off);
        psy_source_close(a->cs[i].z);
    }
    free(a->cs);
    free(a->iv);
    free(a->win);
    free(a->zbuf);
    acq_file_free(&a->f);
    free(a);
}

/* Samples of channel c in iteration i. */
static int64_t uses(const acq *a, int c, int64_t i)
{
    const acq_chan_state *s = &a->cs[c];
    if (i < s->full) return s->k;
    return i == s->full ? a->f.ch[c].frames - s->full * s->k : 0;
}

static int64_t gcd(int64_t x, int64_t y)
{
    while (y) {
        int64_t t = x % y;
        x = y;
        y = t;
    }
    return x;
}

static int compare_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

static psy_status build_layout(acq *a, psy_message *why)
{
    int n = a->f.n_channels;
    int64_t lcm = 1;
    for (int c = 0; c < n; c++) {
        int64_t d = a->f.ch[c].divider;
        lcm = lcm / gcd(lcm, d) * d;
        if (lcm > MAX_PATTERN)
            return psy_fail(why, PSY_E_UNSUPPORTED, "sample dividers make a pattern of more than %d samples",
                            MAX_PATTERN);
    }
    if (lcm * n > MAX_SLOTS)
        return psy_fail(why, PSY_E_UNSUPPORTED, "%d channels with a %lld-sample pattern are too many", n,
                        (long long)lcm);
    a->pattern = lcm;
    int64_t *cuts = malloc((size_t)(2 * n + 1) * sizeof *cuts);
    a->iv = malloc((size_t)(2 * n + 1) * sizeof *a->iv);
    if (!cuts || !a->iv) {
        free(cuts);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    int64_t end = 0;
    for (int c = 0; c < n; c++) {
        acq_chan_state *s = &a->cs[c];
        s->k = lcm / a->f.ch[c].divider;
        s->full = a->f.ch[c].frames / s->k;
        s->table_of = -1;
        int64_t last = s->full + (a->f.ch[c].frames % s->k != 0);
        if (last > end) end = last;
        cuts[2 * c] = s->full;
        cuts[2 * c + 1] = s->full + 1;
        a->data_len += a->f.ch[c].frames * a->f.ch[c].size; /* fits: acq_parse checked the sum */
    }
    cuts[2 * n] = 0;
    qsort(cuts, (size_t)(2 * n + 1), sizeof *cuts, compare_i64);
    int64_t byte = 0;
    for (int k = 0; k <= 2 * n; k++) {
        if (cuts[k] >= end || (k && cuts[k] == cuts[k - 1])) continue;
        if (a->n_iv) {
            interval *p = &a->iv[a->n_iv - 1];
            byte += (cuts[k] - p->first) * p->bytes;
        }
        interval *v = &a->iv[a->n_iv++];
        v->first = cuts[k];
        v->byte = byte;
        v->bytes = 0;
        for (int c = 0; c < n; c++) v->bytes += uses(a, c, cuts[k]) * a->f.ch[c].size;
    }
    free(cuts);
    return PSY_OK;
}

/* Offsets of channel c's samples within an iteration of interval j, walking the pattern. */
static psy_status offsets_for(acq *a, int c, int j)
{
    acq_chan_state *s = &a->cs[c];
    if (s->table_of == j) return PSY_OK;
    if (!s->off && !(s->off = malloc((size_t)s->k * sizeof *s->off))) return PSY_E_NOMEM;
    int64_t it = a->iv[j].first, pos = 0;
    for (int64_t slot = 0; slot < a->pattern; slot++)
        for (int q = 0; q < a->f.n_channels; q++) {
            int d = a->f.ch[q].divider;
            if (slot % d || slot / d >= uses(a, q, it)) continue;
            if (q == c) s->off[slot / d] = (int32_t)pos;
            pos += a->f.ch[q].size;
        }
    s->table_of = j;
    return PSY_OK;
}

static psy_status load_window(acq *a, int64_t at, int64_t need)
{
    if (at >= a->win_at && at + need <= a->win_at + a->win_len) return PSY_OK;
    int64_t len = need > WINDOW ? need : WINDOW;
    if (len > a->data_len - at) len = a->data_len - at;
    unsigned char *p = realloc(a->win, (size_t)len);
    if (!p) return PSY_E_NOMEM;
    a->win = p;
    a->win_at = -1;
    psy_status st = psy_source_read_exact(a->src, a->f.data_start + at, a->win, (size_t)len);
    if (st != PSY_OK) return st; /* the file shrank after it was opened */
    a->win_at = at;
    a->win_len = len;
    return PSY_OK;
}

static double decode(const acq_channel *ch, const unsigned char *p, int big_endian)
{
    if (ch->size == 2) {
        int16_t v = (int16_t)(uint16_t)(big_endian ? p[0] << 8 | p[1] : p[1] << 8 | p[0]);
        return v * ch->scale + ch->offset;
    }
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = big_endian ? p[7 - i] : p[i];
    double v;
    memcpy(&v, b, sizeof v);
    return v;
}

/* k samples of a channel from use t of the iteration at p: m uses per iteration of ib bytes, at
 * offsets off[]. The usual int16 little-endian case has its own loop. */
static void decode_run(const acq_channel *ch, const unsigned char *p, int64_t ib, const int32_t *off,
                       int64_t m, int64_t t, int64_t k, int big_endian, double *out)
{
    if (ch->size == 2 && !big_endian) {
        const double sc = ch->scale, of = ch->offset;
        for (int64_t q = 0; q < k; q++) {
            const unsigned char *b = p + off[t];
            out[q] = (int16_t)(uint16_t)(b[0] | b[1] << 8) * sc + of;
            if (++t == m) t = 0, p += ib;
        }
        return;
    }
    for (int64_t q = 0; q < k; q++) {
        out[q] = decode(ch, p + off[t], big_endian);
        if (++t == m) t = 0, p += ib;
    }
}

static psy_status read_interleaved(acq *a, int c, int64_t start, int64_t n, double *out)
{
    const acq_channel *ch = &a->f.ch[c];
    const acq_chan_state *s = &a->cs[c];
    while (n > 0) {
        int64_t it = start / s->k, t = start % s->k;
        int j =
            (int)psy_last_at_or_before(a->iv, (size_t)a->n_iv, sizeof *a->iv, offsetof(interval, first), it);
        const interval *v = &a->iv[j];
        int64_t at = v->byte + (it - v->first) * v->bytes,
                m = uses(a, c, it); /* m: the same in the interval */
        psy_status st = offsets_for(a, c, j);
        if (st == PSY_OK) st = load_window(a, at, v->bytes);
        if (st != PSY_OK) return st;
        /* whole iterations of this interval in the window, from this one */
        int64_t iters = (a->win_at + a->win_len - at) / v->bytes;
        if (j + 1 < a->n_iv && iters > a->iv[j + 1].first - it) iters = a->iv[j + 1].first - it;
        int64_t k = iters * m - t;
        if (k > n) k = n;
        decode_run(ch, a->win + (at - a->win_at), v->bytes, s->off, m, t, k, a->f.big_endian, out);
        out += k, start += k, n -= k;
    }
    return PSY_OK;
}

static psy_status read_compressed(acq *a, int c, int64_t start, int64_t n, double *out)
{
    const acq_channel *ch = &a->f.ch[c];
    enum { CHUNK = 8192 };
    if (!a->zbuf && !(a->zbuf = malloc(CHUNK * 8))) return PSY_E_NOMEM;
    while (n > 0) {
        int64_t k = n < CHUNK ? n : CHUNK;
        psy_status st = psy_source_read_exact(a->cs[c].z, start * ch->size, a->zbuf, (size_t)(k * ch->size));
        if (st != PSY_OK) return st == PSY_E_TRUNCATED ? PSY_E_FORMAT : st;
        for (int64_t i = 0; i < k; i++)
            out[i] = decode(ch, a->zbuf + i * ch->size, 0); /* always little-endian */
        out += k;
        start += k;
        n -= k;
    }
    return PSY_OK;
}

static psy_status acq_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    acq *a = impl;
    return a->f.compressed ? read_compressed(a, ch, start, n, out) : read_interleaved(a, ch, start, n, out);
}

static const psy_reader_ops acq_ops = {acq_read, NULL, acq_destroy};

/* Markers in compressed AcqKnowledge 5 files can sit a constant number of samples early (the
 * first segment marker, which starts the recording, at a negative sample): all are moved so it
 * is at 0 again. Returns the shift applied. */
static int64_t marker_shift(const acq_file *f)
{
    int64_t first = INT64_MAX;
    const acq_marker *seg = NULL;
    for (size_t i = 0; i < f->n_markers; i++)
        if (f->markers[i].sample < first) {
            first = f->markers[i].sample;
            seg = &f->markers[i];
        }
    return seg && first < 0 && strcmp(seg->code, "apnd") == 0 ? -first : 0;
}

static psy_status add_events(acq *a, psy_reader *r, psy_message *why)
{
    const acq_file *f = &a->f;
    double base_hz = 1000.0 / f->sample_ms;
    int64_t shift = marker_shift(f), longest = 0, outside = 0, segments = 0;
    if (shift)
        psy_reader_warn(
            r,
            "AcqKnowledge markers start at sample %lld: moved by %lld samples so the first segment "
            "starts the recording",
            (long long)-shift, (long long)shift);
    for (int c = 0; c < f->n_channels; c++)
        if (f->ch[c].frames * f->ch[c].divider > longest) longest = f->ch[c].frames * f->ch[c].divider;
    for (size_t i = 0; i < f->n_markers; i++) {
        const acq_marker *m = &f->markers[i];
        int64_t sample = m->sample + shift;
        psy_event e = {0};
        e.onset_s = (double)sample / base_hz;
        e.label = m->text[0] ? m->text : m->code;
        e.detail = m->code;
        e.source = PSY_EVENTS_ANNOTATION;
        e.sample = sample;
        e.channel = -1;
        for (int c = 0; c < f->n_channels && m->channel_order >= 0; c++)
            if (f->ch[c].order == m->channel_order) e.channel = c;
        outside += sample < 0 || sample > longest;
        segments += strcmp(m->code, "apnd") == 0 || (!m->code[0] && strncmp(m->text, "Segment ", 8) == 0);
        if (psy_reader_add_event(r, &e) != PSY_OK) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    if (outside)
        psy_reader_warn(r, "%lld AcqKnowledge markers lie outside the recording", (long long)outside);
    if (segments > 1)
        psy_reader_warn(
            r,
            "%lld acquisition segments appended: the pauses between them are not in the file, the "
            "samples are read as one continuous recording",
            (long long)segments);
    if (f->journal) {
        psy_event e = {0};
        e.label = "psyphys: journal";
        e.detail = f->journal;
        e.source = PSY_EVENTS_ANNOTATION;
        e.sample = -1;
        e.channel = -1;
        if (psy_reader_add_event(r, &e) != PSY_OK) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    return PSY_OK;
}

static psy_status build(void *impl, psy_source *src, psy_reader *r, psy_message *why)
{
    acq *a = impl;
    acq_file *f = &a->f;
    psy_status st = acq_parse(src, r, f, why);
    if (st != PSY_OK) return st;
    psy_reader_set_format(r, f->compressed ? "AcqKnowledge (compressed)" : "AcqKnowledge");
    a->cs = calloc((size_t)f->n_channels, sizeof *a->cs);
    if (!a->cs) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    if (f->compressed) {
        for (int c = 0; c < f->n_channels; c++) {
            const acq_channel *ch = &f->ch[c];
            st = psy_zlib_source_open(src, ch->z_offset, ch->z_length, ch->frames * ch->size, &a->cs[c].z,
                                      why);
            if (st != PSY_OK) {
                char inner[sizeof why->text];
                snprintf(inner, sizeof inner, "%s", why ? why->text : "");
                return psy_fail(why, st, "channel %d ('%s'): %s", c + 1, ch->label, inner);
            }
        }
    } else if ((st = build_layout(a, why)) != PSY_OK) {
        return st;
    }
    double base_hz = 1000.0 / f->sample_ms;
    for (int c = 0; c < f->n_channels; c++) {
        const acq_channel *ch = &f->ch[c];
        psy_channel_info info = {0};
        snprintf(info.label, sizeof info.label, "%s", ch->label[0] ? ch->label : "channel");
        if (!ch->label[0]) snprintf(info.label, sizeof info.label, "channel %d", c + 1);
        snprintf(info.file_unit, sizeof info.file_unit, "%s", ch->unit);
        info.rate_hz = base_hz / ch->divider;
        info.frames = ch->frames;
        if (ch->is_float) {
            info.physical_min = info.physical_max = NAN;
        } else {
            info.physical_min = -32768 * ch->scale + ch->offset;
            info.physical_max = 32767 * ch->scale + ch->offset;
            info.resolution = fabs(ch->scale);
            if (info.physical_min > info.physical_max) {
                double t = info.physical_min;
                info.physical_min = info.physical_max;
                info.physical_max = t;
            }
        }
        if (psy_reader_add_channel(r, &info, 1) < 0) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    return add_events(a, r, why);
}

psy_status psy_open_acq(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why)
{
    (void)opt;
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src) return psy_fail(why, PSY_E_INVALID, "no source");
    acq *a = calloc(1, sizeof *a);
    if (!a) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    a->src = src;
    a->win_at = -1;
    return psy_reader_build("AcqKnowledge", src, &acq_ops, a, build, out, why);
}
