/* Writers of synthetic AcqKnowledge, BrainVision and XDF files (see lab_writers.h). */
#include "lab_writers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- a growing byte buffer in either byte order ---- */

typedef struct buf {
    unsigned char *p;
    size_t n, cap;
    int be;
} buf;

static void put(buf *b, const void *src, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p) abort();
        b->cap = cap;
    }
    if (src)
        memcpy(b->p + b->n, src, n);
    else
        memset(b->p + b->n, 0, n);
    b->n += n;
}

static void put_int(buf *b, uint64_t v, int bytes)
{
    unsigned char t[8];
    for (int i = 0; i < bytes; i++) t[b->be ? bytes - 1 - i : i] = (unsigned char)(v >> (8 * i));
    put(b, t, (size_t)bytes);
}

static void put_double(buf *b, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    put_int(b, u, 8);
}

static void set_int(buf *b, size_t at, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        b->p[at + (size_t)(b->be ? bytes - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

static void set_double(buf *b, size_t at, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    set_int(b, at, u, 8);
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* ---- AcqKnowledge ---- */

static int divider(const lab_acq *a, int c) { return a->dividers ? a->dividers[c] : 1; }
static int size_of(const lab_acq *a, int c) { return a->is_float && a->is_float[c] ? 8 : 2; }

/* One sample in the byte order `be` (compressed data is always little-endian). */
static void put_sample(buf *b, const lab_acq *a, int c, int64_t i)
{
    double v = a->value(c, i, a->ctx);
    if (size_of(a, c) == 8)
        put_double(b, v);
    else
        put_int(b, (uint16_t)(int16_t)lround(v), 2);
}

/* The interleaved data: iterations of the dividers' pattern; channels keep only the samples they
 * have left in the last ones. */
static void put_interleaved(buf *b, const lab_acq *a)
{
    int64_t lcm = 1;
    for (int c = 0; c < a->n_channels; c++) {
        int64_t d = divider(a, c), x = lcm, y = d;
        while (y) {
            int64_t t = x % y;
            x = y;
            y = t;
        }
        lcm = lcm / x * d;
    }
    int64_t *next = calloc((size_t)a->n_channels, sizeof *next);
    for (int more = 1; more;) {
        more = 0;
        int64_t *at_start = malloc((size_t)a->n_channels * sizeof *at_start);
        memcpy(at_start, next, (size_t)a->n_channels * sizeof *at_start);
        for (int64_t slot = 0; slot < lcm; slot++)
            for (int c = 0; c < a->n_channels; c++) {
                int d = divider(a, c);
                if (slot % d) continue;
                int64_t k = lcm / d, left = a->frames[c] - at_start[c];
                if (slot / d >= (left < k ? left : k)) continue;
                put_sample(b, a, c, next[c]++);
            }
        for (int c = 0; c < a->n_channels; c++) more |= next[c] < a->frames[c];
        free(at_start);
    }
    free(next);
}

static void put_markers(buf *b, const lab_acq *a)
{
    size_t start = b->n;
    if (a->revision < 61) {
        put_int(b, 0, 4);
        put_int(b, (uint64_t)a->n_markers, 4);
        for (int k = 0; k < a->n_markers; k++) {
            size_t len = strlen(a->markers[k].text);
            put_int(b, (uint64_t)a->markers[k].sample, 4);
            put_int(b, 0, 2), put_int(b, 0, 2), put_int(b, 0, 2); /* selected, text and position locked */
            put_int(b, len, 2);
            put(b, a->markers[k].text, len + 1);
        }
        set_int(b, start, b->n - start - 8, 4);
        static const unsigned char tag[4] = {0x44, 0x33, 0x22, 0x11};
        size_t jl = a->journal ? strlen(a->journal) : 0;
        put(b, tag, 4);
        put_int(b, 1, 2);
        put_int(b, jl, 4);
        put(b, a->journal, jl);
        return;
    }
    int late = a->revision >= 121, dated = a->revision >= 128;
    put_int(b, 0, 4);
    put_int(b, (uint64_t)a->n_markers + 1, 4);
    put_int(b, (uint64_t)a->n_markers, 4);
    put(b, NULL, 6);
    put(b, "defl", 5);
    put_int(b, 0, 2);
    put(b, NULL, (size_t)(8 * late + 8 * dated));
    for (int k = 0; k < a->n_markers; k++) {
        const lab_acq_marker *m = &a->markers[k];
        size_t len = strlen(m->text) + 1;
        put_int(b, (uint64_t)(uint32_t)m->sample, 4);
        put(b, NULL, 4);
        put_int(b, (uint64_t)(uint16_t)(int16_t)m->channel, 2);
        put(b, m->code, 4);
        put(b, NULL, (size_t)(8 * late + 8 * dated));
        put_int(b, len, 2);
        put(b, m->text, len);
    }
    set_int(b, start, b->n - start, 4);
    /* journal: total length, a preamble, the text */
    int pre = 262 + 4 + 290 + (a->revision >= 108 ? 34 : 0) + (dated ? 4 : 0);
    size_t jl = a->journal ? strlen(a->journal) : 0, js = b->n;
    put_int(b, 0, 4);
    put(b, NULL, (size_t)pre);
    if (a->revision >= 108)
        set_int(b, js + 4 + (size_t)pre - 4, jl, 4);
    else
        set_int(b, js + 4 + 262, jl, 4);
    put(b, a->journal, jl);
    set_int(b, js, b->n - js, 4);
}

static void put_compressed(buf *b, const lab_acq *a)
{
    if (a->revision < 61) {
        put(b, NULL, 34);
        put_int(b, 5, 4);
        put(b, "main.", 5);
    } else {
        put(b, NULL, 24);
        put_int(b, 3, 4);
        put_int(b, 2, 4);
        put(b, NULL, a->revision >= 108 ? 26 : 20);
        put(b, "abcde", 5);
    }
    for (int c = 0; c < a->n_channels; c++) {
        buf raw = {0};
        for (int64_t i = 0; i < a->frames[c]; i++) put_sample(&raw, a, c, i);
        uLongf zl = compressBound((uLong)raw.n);
        unsigned char *z = malloc(zl);
        if (compress2(z, &zl, raw.p ? raw.p : (const Bytef *)"", (uLong)raw.n, 6) != Z_OK) abort();
        size_t ll = strlen(a->labels[c]), ul = strlen(a->units[c]);
        put(b, NULL, 44);
        put_int(b, ll, 4), put_int(b, ul, 4), put_int(b, raw.n, 4), put_int(b, zl, 4);
        put(b, a->labels[c], ll);
        put(b, a->units[c], ul);
        put(b, z, zl);
        free(z);
        free(raw.p);
    }
}

int lab_write_acq(const char *path, const lab_acq *a)
{
    buf b = {0};
    b.be = a->big_endian;
    int post4 = a->revision >= 61, pads = a->revision >= 124;
    size_t ext = post4 ? (pads ? 2414 : 2400) : 1944;
    put(&b, NULL, ext);
    set_int(&b, 2, (uint64_t)a->revision, 4);
    set_int(&b, 6, ext, 4);
    set_int(&b, 10, (uint64_t)a->n_channels, 2);
    set_double(&b, 16, a->sample_ms);
    if (post4)
        set_int(&b, 972, (uint64_t)a->compressed, 4);
    else if (a->revision >= 41)
        set_int(&b, 1936, (uint64_t)a->compressed, 4);
    if (pads) {
        set_int(&b, 2398, 1, 2);
        put_int(&b, 40, 4);
        put(&b, NULL, 36);
    }
    size_t chlen = post4 ? 200 : 252;
    for (int c = 0; c < a->n_channels; c++) {
        size_t at = b.n;
        put(&b, NULL, chlen);
        set_int(&b, at, chlen, 4);
        set_int(&b, at + 4, (uint64_t)c + 1, 2);
        memcpy(b.p + at + 6, a->labels[c], strlen(a->labels[c]) < 39 ? strlen(a->labels[c]) : 39);
        memcpy(b.p + at + 68, a->units[c], strlen(a->units[c]) < 19 ? strlen(a->units[c]) : 19);
        set_int(&b, at + 88, (uint64_t)a->frames[c], 4);
        set_double(&b, at + 92, a->scale ? a->scale[c] : 1);
        set_double(&b, at + 100, a->offset ? a->offset[c] : 0);
        set_int(&b, at + 108, (uint64_t)c + 1, 2);
        if (post4)
            set_int(&b, at + 152, (uint64_t)divider(a, c), 2);
        else if (a->revision >= 38)
            set_int(&b, at + 250, (uint64_t)divider(a, c), 2);
    }
    if (post4)
        put_int(&b, 8, 4), put(&b, NULL, 4);
    else
        put_int(&b, 4, 2), put(&b, NULL, 2);
    for (int c = 0; c < a->n_channels; c++) {
        put_int(&b, (uint64_t)size_of(a, c), 2);
        put_int(&b, size_of(a, c) == 8 ? 1 : 2, 2);
    }
    if (!a->compressed) put_interleaved(&b, a);
    put_markers(&b, a);
    if (a->compressed) put_compressed(&b, a);
    int rc = write_file(path, b.p, b.n);
    free(b.p);
    return rc;
}

/* ---- BrainVision ---- */

int lab_write_brainvision(const char *dir, const lab_bv *v)
{
    char path[4096], eeg[256], vmrk[256];
    snprintf(eeg, sizeof eeg, "%s.eeg", v->stem);
    snprintf(vmrk, sizeof vmrk, "%s.vmrk", v->stem);
    snprintf(path, sizeof path, "%s/%s.vhdr", dir, v->stem);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    fprintf(f,
            "Brain Vision Data Exchange Header File Version 1.0\r\n; a test file\r\n\r\n[Common Infos]\r\n");
    fprintf(f, "Codepage=%s\r\nDataFile=%s\r\n", v->ansi ? "ANSI" : "UTF-8",
            v->data_file ? v->data_file : eeg);
    if (v->markers) fprintf(f, "MarkerFile=%s\r\n", v->marker_file ? v->marker_file : vmrk);
    fprintf(f, "DataFormat=BINARY\r\nDataOrientation=%s\r\nNumberOfChannels=%d\r\nSamplingInterval=%.17g\r\n",
            v->vectorized ? "VECTORIZED" : "MULTIPLEXED", v->n_channels, v->interval_us);
    if (v->vectorized) fprintf(f, "DataPoints=%lld\r\n", (long long)v->frames);
    fprintf(f, "\r\n[Binary Infos]\r\nBinaryFormat=%s\r\n", v->binary_format);
    if (v->big_endian) fprintf(f, "UseBigEndianOrder=YES\r\n");
    fprintf(f, "\r\n[Channel Infos]\r\n");
    for (int c = 0; c < v->n_channels; c++)
        fprintf(f, "Ch%d=%s,,%.17g,%s\r\n", c + 1, v->labels[c], v->resolution[c],
                v->units ? v->units[c] : "");
    fprintf(f, "\r\n[Comment]\r\nfree text\r\n");
    if (fclose(f) != 0) return -1;
    int bytes = strcmp(v->binary_format, "INT_16") == 0 ? 2 : 4;
    buf b = {0};
    b.be = v->big_endian;
    for (int64_t k = 0; k < v->frames * v->n_channels; k++) {
        int c = v->vectorized ? (int)(k / v->frames) : (int)(k % v->n_channels);
        int64_t i = v->vectorized ? k % v->frames : k / v->n_channels;
        double x = v->value(c, i, v->ctx);
        if (strcmp(v->binary_format, "IEEE_FLOAT_32") == 0) {
            float fl = (float)x;
            uint32_t u;
            memcpy(&u, &fl, 4);
            put_int(&b, u, 4);
        } else {
            put_int(&b, (uint64_t)(int64_t)llround(x), bytes);
        }
    }
    snprintf(path, sizeof path, "%s/%s", dir, eeg);
    int rc = write_file(path, b.p ? b.p : (unsigned char *)"", b.n);
    free(b.p);
    if (rc || !v->markers) return rc;
    snprintf(path, sizeof path, "%s/%s", dir, vmrk);
    f = fopen(path, "wb");
    if (!f) return -1;
    fprintf(f,
            "Brain Vision Data Exchange Marker File, Version 1.0\r\n\r\n[Common "
            "Infos]\r\nCodepage=%s\r\nDataFile=%s\r\n\r\n"
            "[Marker Infos]\r\n%s",
            v->ansi ? "ANSI" : "UTF-8", eeg, v->markers);
    return fclose(f);
}

/* ---- XDF ---- */

FILE *lab_xdf_open(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) return NULL;
    fwrite("XDF:", 1, 4, f);
    static const char xml[] = "<?xml version=\"1.0\"?><info><version>1.0</version>"
                              "<datetime>2024-05-06T10:11:12+0200</datetime></info>";
    lab_xdf_chunk(f, 1, xml, sizeof xml - 1);
    return f;
}

void lab_xdf_chunk(FILE *f, int tag, const void *content, uint64_t len)
{
    buf b = {0};
    uint64_t total = len + 2;
    int nb = total < 256 ? 1 : total < 0xffffffffu ? 4 : 8;
    put_int(&b, (uint64_t)nb, 1);
    put_int(&b, total, nb);
    put_int(&b, (uint64_t)tag, 2);
    fwrite(b.p, 1, b.n, f);
    fwrite(content, 1, (size_t)len, f);
    free(b.p);
}

void lab_xdf_stream_header(FILE *f, uint32_t id, const char *name, const char *type, int channels,
                           double srate, const char *format, const char *channel_xml)
{
    char xml[65536];
    int n = snprintf(
        xml + 4, sizeof xml - 4,
        "<?xml version=\"1.0\"?><info><name>%s</name><type>%s</type><channel_count>%d</channel_count>"
        "<nominal_srate>%.17g</nominal_srate><channel_format>%s</channel_format><desc>%s</desc></info>",
        name, type, channels, srate, format, channel_xml ? channel_xml : "");
    for (int i = 0; i < 4; i++) xml[i] = (char)(id >> (8 * i));
    lab_xdf_chunk(f, 2, xml, (uint64_t)n + 4);
}

static void put_value(buf *b, const char *format, double v)
{
    if (strcmp(format, "float32") == 0) {
        float fl = (float)v;
        uint32_t u;
        memcpy(&u, &fl, 4);
        put_int(b, u, 4);
    } else if (strcmp(format, "double64") == 0) {
        put_double(b, v);
    } else {
        put_int(b, (uint64_t)(int64_t)llround(v), strcmp(format, "int16") == 0 ? 2 : 4);
    }
}

void lab_xdf_samples(FILE *f, uint32_t id, const char *format, int cc, int n, const double *values,
                     const double *ts)
{
    buf b = {0};
    put_int(&b, id, 4);
    put_int(&b, 4, 1);
    put_int(&b, (uint64_t)n, 4);
    for (int k = 0; k < n; k++) {
        if (ts && !isnan(ts[k]))
            put_int(&b, 8, 1), put_double(&b, ts[k]);
        else
            put_int(&b, 0, 1);
        for (int j = 0; j < cc; j++) put_value(&b, format, values[(size_t)k * (size_t)cc + (size_t)j]);
    }
    lab_xdf_chunk(f, 3, b.p, b.n);
    free(b.p);
}

void lab_xdf_strings(FILE *f, uint32_t id, int cc, int n, const char *const *text, const double *ts)
{
    buf b = {0};
    put_int(&b, id, 4);
    put_int(&b, 1, 1);
    put_int(&b, (uint64_t)n, 1);
    for (int k = 0; k < n; k++) {
        if (isnan(ts[k]))
            put_int(&b, 0, 1);
        else
            put_int(&b, 8, 1), put_double(&b, ts[k]);
        for (int j = 0; j < cc; j++) {
            size_t len = strlen(text[k * cc + j]);
            put_int(&b, 4, 1), put_int(&b, len, 4);
            put(&b, text[k * cc + j], len);
        }
    }
    lab_xdf_chunk(f, 3, b.p, b.n);
    free(b.p);
}

void lab_xdf_clock(FILE *f, uint32_t id, double t, double v)
{
    buf b = {0};
    put_int(&b, id, 4);
    put_double(&b, t);
    put_double(&b, v);
    lab_xdf_chunk(f, 4, b.p, b.n);
    free(b.p);
}

int lab_xdf_close(FILE *f) { return fclose(f); }
