/* BrainVision recordings: a .vhdr header naming its data file (.eeg: binary INT_16, UINT_16,
 * INT_32 or IEEE_FLOAT_32, multiplexed or vectorised, either byte order; or multiplexed ASCII)
 * and its marker file (.vmrk), all beside it (a name with a directory part is refused). Values
 * are stored numbers times the channel's resolution, in its unit (microvolts when the header
 * gives none). Markers become events; "New Segment" markers with dates become stretches, so a
 * recording paused and resumed keeps its pauses as gaps. Opening the .eeg or .vmrk finds the
 * .vhdr of the same name. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brainvision.h"
#include "civil_time.h"

enum { WINDOW = 4 << 20 };

typedef struct bv {
    psy_source *hdr, *data, *markers; /* owned when not the reader's own source */
    psy_source *own;                  /* the reader's source (not owned here) */
    bv_format format;
    int bytes, n_channels, vectorized, big_endian;
    int64_t frames;
    double *resolution;
    unsigned char *win; /* multiplexed: frames [win_first, win_first + win_n) */
    int64_t win_first, win_n;
} bv;

static void close_unless_own(bv *b, psy_source *s)
{
    if (s && s != b->own) psy_source_close(s);
}

static void bv_destroy(void *impl)
{
    bv *b = impl;
    if (!b) return;
    close_unless_own(b, b->hdr);
    if (b->data != b->hdr) close_unless_own(b, b->data);
    free(b->resolution);
    free(b->win);
    free(b);
}

static double decode(const bv *b, const unsigned char *p)
{
    unsigned char q[4];
    for (int i = 0; i < b->bytes; i++) q[i] = b->big_endian ? p[b->bytes - 1 - i] : p[i];
    switch (b->format) {
    case BV_INT16: return (int16_t)(uint16_t)(q[0] | q[1] << 8);
    case BV_UINT16: return (uint16_t)(q[0] | q[1] << 8);
    case BV_INT32:
        return (int32_t)((uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24);
    default: {
        float f;
        memcpy(&f, q, 4);
        return f;
    }
    }
}

/* k values every `stride` bytes from p, times res; a loop per format keeps the common cases fast. */
static void decode_run(const bv *b, const unsigned char *p, int64_t stride, int64_t k, double res,
                       double *out)
{
    if (!b->big_endian && b->format == BV_INT16) {
        for (int64_t i = 0; i < k; i++, p += stride) out[i] = (int16_t)(uint16_t)(p[0] | p[1] << 8) * res;
    } else if (!b->big_endian && b->format == BV_FLOAT32) {
        for (int64_t i = 0; i < k; i++, p += stride) {
            float f;
            uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            memcpy(&f, &u, 4);
            out[i] = f * res;
        }
    } else {
        for (int64_t i = 0; i < k; i++, p += stride) out[i] = decode(b, p) * res;
    }
}

static psy_status bv_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    bv *b = impl;
    const double res = b->resolution[ch];
    int64_t frame = (int64_t)b->n_channels * b->bytes;
    if (!b->win && !(b->win = malloc(frame > WINDOW ? (size_t)frame : WINDOW))) return PSY_E_NOMEM;
    int64_t cap = frame > WINDOW ? 1 : WINDOW / frame;
    if (b->vectorized) cap = WINDOW / b->bytes;
    while (n > 0) {
        if (b->vectorized) {
            int64_t k = n < cap ? n : cap;
            psy_status st = psy_source_read_exact(b->data, ((int64_t)ch * b->frames + start) * b->bytes,
                                                  b->win, (size_t)(k * b->bytes));
            if (st != PSY_OK) return st;
            decode_run(b, b->win, b->bytes, k, res, out);
            out += k, start += k, n -= k;
            continue;
        }
        if (start < b->win_first || start >= b->win_first + b->win_n) {
            int64_t k = b->frames - start < cap ? b->frames - start : cap;
            b->win_n = 0;
            psy_status st = psy_source_read_exact(b->data, start * frame, b->win, (size_t)(k * frame));
            if (st != PSY_OK) return st; /* the file shrank after it was opened */
            b->win_first = start;
            b->win_n = k;
        }
        int64_t k = b->win_first + b->win_n - start;
        if (k > n) k = n;
        decode_run(b, b->win + (start - b->win_first) * frame + (int64_t)ch * b->bytes, frame, k, res, out);
        out += k, start += k, n -= k;
    }
    return PSY_OK;
}

static const psy_reader_ops bv_ops = {bv_read, NULL, bv_destroy};

static int names_source(psy_source *src, const char *name)
{
    const char *full = psy_source_name(src), *base = strrchr(full, '/');
    return name[0] && strcmp(base ? base + 1 : full, name) == 0;
}

static psy_status open_named(psy_source *src, const char *name, psy_source **out)
{
    if (names_source(src, name)) return *out = src, PSY_OK;
    return psy_source_open_related(src, name, out);
}

/* A data or marker file the header names, beside it; a name with a directory part is refused
 * (a header cannot send the reader elsewhere, as for WFDB). When the named file is missing,
 * `fallback` (the header's name with the usual extension: files renamed after recording) is
 * read instead, with a warning. */
static psy_status open_beside(psy_source *src, psy_reader *r, const char *key, const char *name,
                              const char *fallback, psy_source **out, psy_message *why)
{
    *out = NULL;
    if (strchr(name, '/') || strchr(name, '\\'))
        return psy_fail(why, PSY_E_FORMAT, "%s: file name '%s' has a directory part", key, name);
    psy_status st = name[0] ? open_named(src, name, out) : PSY_E_NOT_FOUND;
    if (st != PSY_OK && st != PSY_E_NOT_FOUND) return psy_fail(why, st, "cannot open %s '%s'", key, name);
    if (st == PSY_OK) return st;
    if (strcmp(fallback, name) != 0 && open_named(src, fallback, out) == PSY_OK) {
        if (name[0])
            psy_reader_warn(r, "%s '%s' is missing: read '%s' beside the header", key, name, fallback);
        return PSY_OK;
    }
    return psy_fail(why, PSY_E_NOT_FOUND, "%s '%s' named by the header is missing", key,
                    name[0] ? name : fallback);
}

/* ---- markers, segments and events ---------------------------------------------------- */

typedef struct mk {
    int64_t index, points; /* 0-based data point, length */
    int channel;           /* 0-based, -1 all */
    char *label, *detail;
} mk;

typedef struct segment {
    int64_t index;
    int has_date;
    psy_datetime date;
} segment;

typedef struct mk_list {
    mk *v;
    size_t n, cap;
    segment *seg;
    size_t n_seg, cap_seg;
    int64_t max_values;
} mk_list;

static psy_status collect(void *ctx, const bv_marker *m, psy_message *why)
{
    mk_list *l = ctx;
    if ((int64_t)l->n >= l->max_values)
        return psy_fail(why, PSY_E_FORMAT, "more markers than the file can hold");
    if (!psy_grow(&l->v, sizeof *l->v, &l->cap, l->n + 1)) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    mk *e = &l->v[l->n];
    e->index = m->position - 1;
    e->points = m->points;
    e->channel = m->channel - 1;
    e->label = strdup(m->description[0] ? m->description : m->type);
    e->detail = strdup(m->type);
    if (!e->label || !e->detail) {
        free(e->label);
        free(e->detail);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    l->n++;
    if (psy_strieq(m->type, "New Segment")) {
        if (!psy_grow(&l->seg, sizeof *l->seg, &l->cap_seg, l->n_seg + 1))
            return psy_fail(why, PSY_E_NOMEM, "out of memory");
        l->seg[l->n_seg++] = (segment){m->position - 1, m->has_date, m->date};
    }
    return PSY_OK;
}

static void mk_list_free(mk_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].label);
        free(l->v[i].detail);
    }
    free(l->v);
    free(l->seg);
}

static double seconds_between(const psy_datetime *a, const psy_datetime *b)
{
    int64_t da = psy_days_from_civil(a->year, a->month, a->day),
            db = psy_days_from_civil(b->year, b->month, b->day);
    int64_t sa = da * 86400 + a->hour * 3600 + a->minute * 60 + a->second;
    int64_t sb = db * 86400 + b->hour * 3600 + b->minute * 60 + b->second;
    return (double)(sb - sa) + (double)(b->nanosecond - a->nanosecond) * 1e-9;
}

/* Stretches from "New Segment" markers: segment k starts at its data point and, when the first
 * segment (at point 0) and every later one have a date, at its date's distance from the first.
 * Pauses of less than a sample leave the data continuous; dates that would overlap the segment
 * before are not trusted (continuous, with a warning). */
static psy_status add_segments(psy_reader *r, mk_list *l, int64_t frames, double fs, psy_message *why)
{
    const segment *first = NULL;
    size_t used = 0;
    for (size_t k = 0; k < l->n_seg; k++)
        if (l->seg[k].index == 0 && !first) first = &l->seg[k];
    if (first && first->has_date) psy_reader_set_start(r, &first->date);
    segment start = first ? *first : (segment){0, 0, {0}};
    for (size_t k = 0; k < l->n_seg; k++)
        if (l->seg[k].index > 0 && l->seg[k].index < frames) l->seg[used++] = l->seg[k]; /* the later ones */
    if (!used) return PSY_OK;
    int dated = start.has_date;
    for (size_t k = 0; k < used; k++) dated &= l->seg[k].has_date;
    if (!dated) {
        psy_reader_warn(r,
                        "%zu BrainVision New Segment markers without dates: the pauses between segments are "
                        "unknown, the data are read as continuous",
                        used);
        return PSY_OK;
    }
    double *onsets = malloc((used + 1) * sizeof *onsets);
    if (!onsets) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    onsets[0] = 0;
    int gaps = 0;
    for (size_t k = 0; k < used; k++) {
        double prev_end = onsets[k] + (double)(l->seg[k].index - (k ? l->seg[k - 1].index : 0)) / fs;
        double onset = seconds_between(&start.date, &l->seg[k].date);
        if (onset < prev_end - 1.0 / fs) {
            free(onsets);
            psy_reader_warn(r,
                            "BrainVision New Segment dates overlap the data before them: the data are read "
                            "as continuous");
            return PSY_OK;
        }
        gaps += onset >= prev_end + 1.0 / fs;
        onsets[k + 1] = onset < prev_end + 1.0 / fs ? prev_end : onset;
    }
    psy_status st = PSY_OK;
    for (size_t k = 0; gaps && k <= used && st == PSY_OK; k++) {
        int64_t from = k ? l->seg[k - 1].index : 0, to = k < used ? l->seg[k].index : frames;
        if (psy_reader_add_stretch(r, onsets[k], (double)(to - from) / fs) != PSY_OK)
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    free(onsets);
    if (gaps && st == PSY_OK)
        psy_reader_warn(r, "BrainVision recording paused %d times (New Segment markers): the pauses are gaps",
                        gaps);
    return st;
}

/* Seconds from the start of data point `index`, through the stretches. */
static double time_of(const psy_reader *r, int64_t index, double fs)
{
    double td = (double)index / fs;
    int n = psy_reader_stretch_count(r), k = 0;
    if (!n) return td;
    while (k + 1 < n && psy_stretch_reached(td, psy_reader_stretch(r, k + 1)->data_offset_s)) k++;
    const psy_stretch *s = psy_reader_stretch(r, k);
    return s->onset_s + (td - s->data_offset_s);
}

static psy_status add_markers(psy_reader *r, psy_source *src, const bv_header *h, int64_t frames,
                              psy_message *why)
{
    mk_list l = {0};
    l.max_values = dev_max_values(src) / 4 + 1;
    psy_status st = bv_parse_markers(src, h->utf8, collect, &l, why);
    if (st == PSY_OK) st = add_segments(r, &l, frames, h->rate_hz, why);
    int64_t outside = 0;
    for (size_t i = 0; st == PSY_OK && i < l.n; i++) {
        const mk *m = &l.v[i];
        psy_event e = {0};
        e.onset_s = time_of(r, m->index, h->rate_hz);
        e.duration_s = m->points > 1 ? (double)m->points / h->rate_hz : 0;
        e.label = m->label;
        e.detail = m->detail;
        e.source = PSY_EVENTS_ANNOTATION;
        e.sample = m->index;
        e.channel = m->channel >= 0 && m->channel < h->n_channels ? m->channel : -1;
        outside += m->index < 0 || m->index > frames;
        if (psy_reader_add_event(r, &e) != PSY_OK) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    if (outside) psy_reader_warn(r, "%lld BrainVision markers lie outside the data", (long long)outside);
    mk_list_free(&l);
    return st;
}

/* ---- data ----------------------------------------------------------------------------- */

/* Multiplexed ASCII: a line per data point (after SkipLines), values separated by blanks after
 * SkipColumns columns, decimal comma or point. Loaded into memory (ASCII exports are small). */
static psy_status load_ascii(psy_reader *r, psy_source *data, const bv_header *h, int64_t *frames,
                             psy_message *why)
{
    if (h->vectorized)
        return psy_fail(why, PSY_E_UNSUPPORTED,
                        "vectorised ASCII BrainVision data are not supported (export it as "
                        "BINARY or MULTIPLEXED)");
    dev_store *s = dev_store_new(h->n_channels, 0, dev_max_values(data));
    dev_lines lr;
    if (!s || dev_lines_open(&lr, data, DEV_CUT_KEEP) != PSY_OK) {
        dev_store_free(s);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got;
    dev_field f[64];
    int64_t n = 0;
    while ((got = dev_lines_next(&lr, &line, &len, &st, why)) == 1 && st == PSY_OK) {
        if (lr.line_no <= h->skip_lines || dev_is_blank(line, len)) continue;
        dev_field *fields = f;
        size_t nf = dev_split(line, len, ' ', NULL, 0),
               want = (size_t)h->skip_columns + (size_t)h->n_channels;
        if (nf != want) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld of the ASCII data has %zu values, not %zu",
                          (long long)lr.line_no, nf, want);
            break;
        }
        if (nf > sizeof f / sizeof f[0] && !(fields = malloc(nf * sizeof *fields))) {
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
            break;
        }
        dev_split(line, len, ' ', fields, nf);
        for (int c = 0; c < h->n_channels && st == PSY_OK; c++) {
            const dev_field *v = &fields[h->skip_columns + c];
            char num[64];
            size_t k = v->n < sizeof num - 1 ? v->n : sizeof num - 1;
            memcpy(num, v->p, k);
            num[k] = '\0';
            if (h->decimal == ',')
                for (char *p = num; *p; p++)
                    if (*p == ',') *p = '.';
            double x;
            if (!dev_parse_number(num, k, &x))
                st = psy_fail(why, PSY_E_FORMAT, "line %lld: '%s' is not a number", (long long)lr.line_no,
                              num);
            else
                st = dev_store_push(s, c, x * h->ch[c].resolution, 0, why);
        }
        if (fields != f) free(fields);
        n++;
    }
    dev_lines_close(&lr);
    if (st != PSY_OK || got < 0) {
        dev_store_free(s);
        return st != PSY_OK ? st : PSY_E_FORMAT;
    }
    dev_store_attach(r, s);
    *frames = n;
    return PSY_OK;
}

static psy_status binary_frames(psy_reader *r, psy_source *data, const bv_header *h, int64_t *frames,
                                psy_message *why)
{
    int64_t size = psy_source_size(data), frame = (int64_t)h->n_channels * h->bytes;
    if (size < 0) return psy_fail(why, PSY_E_IO, "cannot tell the size of the data file");
    int64_t held = size / frame;
    if (h->data_points >= 0 && h->data_points > held)
        return psy_fail(why, PSY_E_TRUNCATED, "the header says %lld data points but the data file holds %lld",
                        (long long)h->data_points, (long long)held);
    if (h->vectorized && h->data_points < 0 && size % frame)
        return psy_fail(why, PSY_E_FORMAT,
                        "vectorised data of %lld bytes is not a whole number of %d-channel "
                        "points and the header gives no DataPoints",
                        (long long)size, h->n_channels);
    *frames = h->data_points >= 0 ? h->data_points : held;
    if (size - *frames * frame > 0)
        psy_reader_warn(r, "the BrainVision data file has %lld bytes after the last data point",
                        (long long)(size - *frames * frame));
    return PSY_OK;
}

static void stem_with(const char *name, const char *ext, char *dst, size_t size)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    size_t n = dot ? (size_t)(dot - base) : strlen(base);
    snprintf(dst, size, "%.*s%s", (int)(n < 200 ? n : 200), base, ext);
}

static int first_line_is(psy_source *src, int (*is)(const char *, size_t))
{
    char head[256];
    int64_t got = psy_source_read(src, 0, head, sizeof head);
    if (got <= 0) return 0;
    const char *p = head;
    size_t n = (size_t)got;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3, n -= 3;
    const char *nl = memchr(p, '\n', n);
    return is(p, nl ? (size_t)(nl - p) : n);
}

static psy_status build(void *impl, psy_source *src, psy_reader *r, psy_message *why)
{
    bv *b = impl;
    const char *name = psy_source_name(src);
    char vhdr[256], eeg[256], vmrk[256];
    stem_with(name, ".vhdr", vhdr, sizeof vhdr);
    psy_status st;
    if (first_line_is(src, bv_is_header_line) && !psy_has_suffix_ci(name, ".vmrk")) {
        b->hdr = src;
    } else if ((st = psy_source_open_related(src, vhdr, &b->hdr)) != PSY_OK) {
        return psy_fail(why, st == PSY_E_NOT_FOUND ? PSY_E_FORMAT : st,
                        "a BrainVision data or marker file without its header '%s' beside it", vhdr);
    }
    bv_header h;
    if ((st = bv_parse_header(b->hdr, &h, why)) != PSY_OK) return st;
    stem_with(b->hdr == src ? name : vhdr, ".eeg", eeg, sizeof eeg);
    stem_with(b->hdr == src ? name : vhdr, ".vmrk", vmrk, sizeof vmrk);
    int64_t frames = 0;
    psy_source *data = NULL;
    st = open_beside(src, r, "DataFile", h.data_file, eeg, &data, why);
    if (st == PSY_OK && h.ascii) {
        st = load_ascii(r, data, &h, &frames, why);
        if (data != src) psy_source_close(data);
        if (st == PSY_OK) bv_destroy(b); /* the reader now reads the loaded values */
    } else if (st == PSY_OK) {
        b->data = data;
        st = binary_frames(r, data, &h, &frames, why);
    }
    if (st == PSY_OK && !h.ascii) {
        b->format = h.format;
        b->bytes = h.bytes;
        b->n_channels = h.n_channels;
        b->vectorized = h.vectorized;
        b->big_endian = h.big_endian;
        b->frames = frames;
        b->resolution = malloc((size_t)h.n_channels * sizeof *b->resolution);
        if (!b->resolution) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
        for (int c = 0; st == PSY_OK && c < h.n_channels; c++) b->resolution[c] = h.ch[c].resolution;
    }
    if (st == PSY_OK) psy_reader_set_format(r, h.ascii ? "BrainVision (ASCII)" : "BrainVision");
    for (int c = 0; st == PSY_OK && c < h.n_channels; c++) {
        const bv_channel *ch = &h.ch[c];
        psy_channel_info info = {0};
        snprintf(info.label, sizeof info.label, "%s", ch->label);
        snprintf(info.file_unit, sizeof info.file_unit, "%s", ch->unit);
        info.rate_hz = h.rate_hz;
        info.frames = frames;
        double lo = NAN, hi = NAN;
        if (!h.ascii && h.format == BV_INT16) lo = -32768, hi = 32767;
        if (!h.ascii && h.format == BV_UINT16) lo = 0, hi = 65535;
        if (!h.ascii && h.format == BV_INT32) lo = -2147483648.0, hi = 2147483647.0;
        info.physical_min = fmin(lo * ch->resolution, hi * ch->resolution);
        info.physical_max = fmax(lo * ch->resolution, hi * ch->resolution);
        info.resolution = isnan(lo) ? 0 : fabs(ch->resolution);
        if (psy_reader_add_channel(r, &info, 1) < 0) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    if (st == PSY_OK) {
        psy_source *m = NULL;
        psy_message mwhy = {{0}};
        if (!h.marker_file[0] && !names_source(src, vmrk)) {
            /* no MarkerFile key: no markers */
        } else if (open_beside(src, r, "MarkerFile", h.marker_file, vmrk, &m, &mwhy) != PSY_OK) {
            psy_reader_warn(r, "no markers: %s", mwhy.text);
        } else {
            st = add_markers(r, m, &h, frames, why);
            if (m != src) psy_source_close(m);
        }
    }
    bv_header_free(&h);
    return st;
}

psy_status psy_open_brainvision(psy_source *src, const psy_open_options *opt, psy_reader **out,
                                psy_message *why)
{
    (void)opt;
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src) return psy_fail(why, PSY_E_INVALID, "no source");
    bv *b = calloc(1, sizeof *b);
    if (!b) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    b->own = src;
    b->win_first = -1;
    return psy_reader_build("BrainVision", src, &bv_ops, b, build, out, why);
}
