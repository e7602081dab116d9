/* BrainVision header (.vhdr) and marker (.vmrk) files: INI-like text ("Brain Vision Data Exchange
 * Header File Version 1.0/2.0" or "Brain Vision Core Data Format 1.0", Brain Products' "BrainVision
 * Core Data Format" specification): [Common Infos], [Binary Infos], [ASCII Infos], [Channel Infos]
 * ("Ch<n>=<name>,<reference>,<resolution>,<unit>", commas in text written as "\1"), and
 * [Marker Infos] ("Mk<n>=<type>,<description>,<position>,<points>,<channel>[,<date>]").
 * Codepage=UTF-8 or ANSI (Windows-1252): text is decoded to UTF-8 here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brainvision.h"
#include "civil_time.h"

/* Decodes field text to UTF-8: "\1" becomes ',', ANSI files (or invalid UTF-8) are Windows-1252. */
static void decode(char *dst, size_t dst_size, const char *src, size_t n, int utf8)
{
    char raw[1024];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof raw; i++) {
        if (src[i] == '\\' && i + 1 < n && src[i + 1] == '1') {
            raw[k++] = ',';
            i++;
        } else {
            raw[k++] = src[i];
        }
    }
    if (utf8 && psy_is_utf8(raw, k)) {
        psy_copy_field(dst, dst_size, raw, k);
        return;
    }
    char conv[3 * sizeof raw];
    psy_cp1252_to_utf8(conv, sizeof conv, raw, k);
    psy_copy_field(dst, dst_size, conv, strlen(conv));
}

static int key_is(const char *line, size_t len, const char *key, const char **value, size_t *vlen)
{
    size_t k = strlen(key);
    if (len <= k || line[k] != '=' || strncmp(line, key, k) != 0) {
        /* keys are case-insensitive in practice (mne lower-cases them) */
        if (len <= k || line[k] != '=') return 0;
        for (size_t i = 0; i < k; i++)
            if ((line[i] | 0x20) != (key[i] | 0x20)) return 0;
    }
    *value = line + k + 1;
    *vlen = len - k - 1;
    return 1;
}

static void copy_value(char *dst, size_t size, const char *v, size_t n) { psy_copy_field(dst, size, v, n); }

/* "Ch12=..." or "Mk3=...": the number after prefix, and where the value starts. 0 when not. */
static int numbered(const char *line, size_t len, const char *prefix, long *num, const char **value,
                    size_t *vlen)
{
    size_t p = strlen(prefix), i = p;
    if (len <= p || strncmp(line, prefix, p) != 0) return 0;
    long v = 0;
    while (i < len && line[i] >= '0' && line[i] <= '9' && v < 100000000) v = v * 10 + (line[i++] - '0');
    if (i == p || i >= len || line[i] != '=') return 0;
    *num = v;
    *value = line + i + 1;
    *vlen = len - i - 1;
    return 1;
}

int bv_is_header_line(const char *line, size_t len)
{
    static const char *const heads[] = {
        "Brain Vision Data Exchange Header File", "BrainVision Data Exchange Header File",
        "Brain Vision Core Data Format", "BrainVision Core Data Format", NULL};
    for (const char *const *h = heads; *h; h++)
        if (len >= strlen(*h) && strncmp(line, *h, strlen(*h)) == 0) return 1;
    return 0;
}

int bv_is_marker_line(const char *line, size_t len)
{
    static const char *const heads[] = {"Brain Vision Data Exchange Marker File",
                                        "BrainVision Data Exchange Marker File", NULL};
    for (const char *const *h = heads; *h; h++)
        if (len >= strlen(*h) && strncmp(line, *h, strlen(*h)) == 0) return 1;
    /* a Core Data Format marker file has the same first line as its header: told by [Marker Infos] */
    return 0;
}

typedef struct raw_channel {
    long number;
    char *text;
    size_t len;
} raw_channel;

static psy_status parse_channel(bv_header *h, const raw_channel *rc, int utf8, psy_message *why)
{
    dev_field f[4];
    size_t n = dev_split(rc->text, rc->len, ',', f, 4);
    bv_channel *c = &h->ch[rc->number - 1];
    decode(c->label, sizeof c->label, f[0].p, f[0].n, utf8);
    if (n >= 2) decode(c->reference, sizeof c->reference, f[1].p, f[1].n, utf8);
    c->resolution = 1; /* the specification's default */
    if (n >= 3 && !dev_is_blank(f[2].p, f[2].n) && !psy_parse_double(f[2].p, f[2].n, &c->resolution))
        return psy_fail(why, PSY_E_FORMAT, "channel %ld resolution '%.*s' is not a number", rc->number,
                        (int)(f[2].n < 40 ? f[2].n : 40), f[2].p);
    if (n >= 4) decode(c->unit, sizeof c->unit, f[3].p, f[3].n, utf8);
    if (!c->unit[0]) snprintf(c->unit, sizeof c->unit, "\xc2\xb5V"); /* the default: microvolts */
    if (!c->label[0]) snprintf(c->label, sizeof c->label, "Ch%ld", rc->number);
    return PSY_OK;
}

/* Leading blanks off; 1 when the line holds nothing to parse: blank, a comment (';') or a section
 * header ("[Common Infos]", which becomes the current section). */
static int not_a_key(const char **line, size_t *len, char *section, size_t size)
{
    while (*len && (**line == ' ' || **line == '\t')) (*line)++, (*len)--;
    if (!*len || **line == ';') return 1;
    if (**line != '[') return 0;
    const char *end = memchr(*line, ']', *len);
    psy_copy_field(section, size, *line + 1, end ? (size_t)(end - *line - 1) : *len - 1);
    return 1;
}

static int parse_yes(const char *v, size_t n)
{
    char b[8];
    psy_copy_field(b, sizeof b, v, n);
    return psy_strieq(b, "yes") || psy_strieq(b, "true") || psy_strieq(b, "1");
}

psy_status bv_parse_header(psy_source *src, bv_header *h, psy_message *why)
{
    memset(h, 0, sizeof *h);
    h->decimal = '.';
    dev_lines lr;
    if (dev_lines_open(&lr, src, DEV_CUT_KEEP) != PSY_OK) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    raw_channel *rc = NULL;
    size_t n_rc = 0, cap = 0;
    char section[32] = "";
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got, first = 1, utf8 = 0;
    char text[256];
    long nch = -1, skip_lines = 0, skip_columns = 0;
    double interval = 0;
    int64_t points = -1;
    while ((got = dev_lines_next(&lr, &line, &len, &st, why)) == 1) {
        if (first) {
            first = 0;
            if (!bv_is_header_line(line, len)) {
                st = psy_fail(why, PSY_E_FORMAT,
                              "not a BrainVision header (first line is not 'Brain Vision Data "
                              "Exchange Header File ...')");
                break;
            }
            continue;
        }
        if (not_a_key(&line, &len, section, sizeof section)) continue;
        const char *v;
        size_t vl;
        long num;
        if (psy_strieq(section, "Common Infos")) {
            if (key_is(line, len, "Codepage", &v, &vl)) {
                copy_value(text, sizeof text, v, vl);
                utf8 = psy_strieq(text, "UTF-8") || psy_strieq(text, "UTF8");
                h->codepage_given = 1;
            } else if (key_is(line, len, "DataFile", &v, &vl)) {
                decode(h->data_file, sizeof h->data_file, v, vl, 1);
            } else if (key_is(line, len, "MarkerFile", &v, &vl)) {
                decode(h->marker_file, sizeof h->marker_file, v, vl, 1);
            } else if (key_is(line, len, "DataFormat", &v, &vl)) {
                copy_value(text, sizeof text, v, vl);
                if (psy_strieq(text, "ASCII"))
                    h->ascii = 1;
                else if (!psy_strieq(text, "BINARY")) {
                    st = psy_fail(why, PSY_E_UNSUPPORTED, "DataFormat '%s' is not BINARY or ASCII", text);
                    break;
                }
            } else if (key_is(line, len, "DataOrientation", &v, &vl)) {
                copy_value(text, sizeof text, v, vl);
                if (psy_strieq(text, "VECTORIZED"))
                    h->vectorized = 1;
                else if (!psy_strieq(text, "MULTIPLEXED")) {
                    st = psy_fail(why, PSY_E_FORMAT, "DataOrientation '%s' is not MULTIPLEXED or VECTORIZED",
                                  text);
                    break;
                }
            } else if (key_is(line, len, "DataType", &v, &vl)) {
                copy_value(text, sizeof text, v, vl);
                if (!psy_strieq(text, "TIMEDOMAIN")) {
                    st = psy_fail(why, PSY_E_UNSUPPORTED, "DataType '%s' is not TIMEDOMAIN", text);
                    break;
                }
            } else if (key_is(line, len, "NumberOfChannels", &v, &vl)) {
                int64_t x;
                if (!psy_parse_int64(v, vl, &x) || x < 1 || x > BV_MAX_CHANNELS) {
                    copy_value(text, sizeof text, v, vl);
                    st = psy_fail(why, PSY_E_FORMAT, "NumberOfChannels '%s' is not 1..%d", text,
                                  BV_MAX_CHANNELS);
                    break;
                }
                nch = (long)x;
            } else if (key_is(line, len, "SamplingInterval", &v, &vl)) {
                if (!psy_parse_double(v, vl, &interval) || !(interval >= 1e-3) || interval > 3.6e9) {
                    copy_value(text, sizeof text, v, vl);
                    st = psy_fail(why, PSY_E_FORMAT, "SamplingInterval '%s' (microseconds) must be positive",
                                  text);
                    break;
                }
            } else if (key_is(line, len, "DataPoints", &v, &vl)) {
                int64_t x;
                if (psy_parse_int64(v, vl, &x) && x >= 0) points = x;
            }
        } else if (psy_strieq(section, "Binary Infos")) {
            if (key_is(line, len, "BinaryFormat", &v, &vl)) {
                copy_value(text, sizeof text, v, vl);
                static const struct {
                    const char *name;
                    bv_format f;
                    int bytes;
                } fmts[] = {{"INT_16", BV_INT16, 2},
                            {"UINT_16", BV_UINT16, 2},
                            {"INT_32", BV_INT32, 4},
                            {"IEEE_FLOAT_32", BV_FLOAT32, 4}};
                h->bytes = 0;
                for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
                    if (psy_strieq(text, fmts[i].name)) h->format = fmts[i].f, h->bytes = fmts[i].bytes;
                if (!h->bytes) {
                    st = psy_fail(why, PSY_E_UNSUPPORTED,
                                  "BinaryFormat '%s' is not INT_16, UINT_16, INT_32 or IEEE_FLOAT_32", text);
                    break;
                }
            } else if (key_is(line, len, "UseBigEndianOrder", &v, &vl)) {
                h->big_endian = parse_yes(v, vl);
            }
        } else if (psy_strieq(section, "ASCII Infos")) {
            int64_t x;
            if (key_is(line, len, "DecimalSymbol", &v, &vl)) {
                copy_value(text, sizeof text, v, vl);
                if (text[0] == ',' || text[0] == '.') h->decimal = text[0];
            } else if (key_is(line, len, "SkipLines", &v, &vl) && psy_parse_int64(v, vl, &x) && x >= 0) {
                skip_lines = x > 1000000 ? 1000000 : (long)x;
            } else if (key_is(line, len, "SkipColumns", &v, &vl) && psy_parse_int64(v, vl, &x) && x >= 0) {
                skip_columns = x > 1000000 ? 1000000 : (long)x;
            }
        } else if (psy_strieq(section, "Channel Infos") && numbered(line, len, "Ch", &num, &v, &vl)) {
            if (n_rc == cap) {
                size_t nc = cap ? 2 * cap : 32;
                raw_channel *p = realloc(rc, nc * sizeof *p);
                if (!p) {
                    st = psy_fail(why, PSY_E_NOMEM, "out of memory");
                    break;
                }
                rc = p;
                cap = nc;
            }
            rc[n_rc].number = num;
            rc[n_rc].len = vl;
            if (!(rc[n_rc].text = malloc(vl + 1))) {
                st = psy_fail(why, PSY_E_NOMEM, "out of memory");
                break;
            }
            memcpy(rc[n_rc].text, v, vl);
            rc[n_rc++].text[vl] = '\0';
        }
    }
    if (got == 0 && first) st = psy_fail(why, PSY_E_FORMAT, "the BrainVision header is empty");
    dev_lines_close(&lr);
    if (st == PSY_OK && got >= 0) {
        if (nch < 0)
            st = psy_fail(why, PSY_E_FORMAT, "no NumberOfChannels in [Common Infos]");
        else if (!(interval > 0))
            st = psy_fail(why, PSY_E_FORMAT, "no SamplingInterval in [Common Infos]");
        else if (!h->ascii && !h->bytes)
            st = psy_fail(why, PSY_E_FORMAT, "no BinaryFormat in [Binary Infos]");
    }
    if (st == PSY_OK && got >= 0) {
        h->n_channels = (int)nch;
        h->rate_hz = 1e6 / interval;
        h->data_points = points;
        h->skip_lines = skip_lines;
        h->skip_columns = skip_columns;
        h->utf8 = utf8 || !h->codepage_given;
        h->ch = calloc((size_t)nch, sizeof *h->ch);
        if (!h->ch) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
        for (size_t i = 0; st == PSY_OK && i < n_rc; i++) {
            if (rc[i].number < 1 || rc[i].number > nch) {
                st = psy_fail(why, PSY_E_FORMAT, "channel line Ch%ld is outside 1..%ld (NumberOfChannels)",
                              rc[i].number, nch);
            } else if (h->ch[rc[i].number - 1].label[0]) {
                st = psy_fail(why, PSY_E_FORMAT, "channel Ch%ld is given twice", rc[i].number);
            } else {
                st = parse_channel(h, &rc[i], h->utf8, why);
            }
        }
        for (long i = 0; st == PSY_OK && i < nch; i++)
            if (!h->ch[i].label[0])
                st = psy_fail(why, PSY_E_FORMAT, "no line Ch%ld in [Channel Infos]", i + 1);
    }
    for (size_t i = 0; i < n_rc; i++) free(rc[i].text);
    free(rc);
    if (st != PSY_OK || got < 0) {
        bv_header_free(h);
        return st != PSY_OK ? st : PSY_E_FORMAT;
    }
    return PSY_OK;
}

void bv_header_free(bv_header *h)
{
    if (!h) return;
    free(h->ch);
    h->ch = NULL;
}

/* "YYYYMMDDhhmmssuuuuuu" (New Segment dates); all zeros, a date that does not exist or anything else:
 * unknown. */
static int parse_date(const char *s, size_t n, psy_datetime *t)
{
    int v[7] = {0};
    static const int widths[7] = {4, 2, 2, 2, 2, 2, 6};
    if (n < 20) return 0;
    for (int k = 0, at = 0; k < 7; at += widths[k++])
        for (int i = 0; i < widths[k]; i++) {
            char c = s[at + i];
            if (c < '0' || c > '9') return 0;
            v[k] = v[k] * 10 + (c - '0');
        }
    if (v[0] < 1900 || !psy_civil_date_exists(v[0], v[1], v[2]) || v[3] > 23 || v[4] > 59 || v[5] > 60)
        return 0;
    *t = (psy_datetime){1, v[0], v[1], v[2], v[3], v[4], v[5], (int64_t)v[6] * 1000, 0, 0}; /* zone unknown */
    return 1;
}

psy_status bv_parse_markers(psy_source *src, int utf8, bv_marker_fn fn, void *ctx, psy_message *why)
{
    dev_lines lr;
    if (dev_lines_open(&lr, src, DEV_CUT_KEEP) != PSY_OK) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got, first = 1;
    char section[32] = "";
    while ((got = dev_lines_next(&lr, &line, &len, &st, why)) == 1) {
        if (first) {
            first = 0;
            if (!bv_is_marker_line(line, len) && !bv_is_header_line(line, len)) {
                st = psy_fail(why, PSY_E_FORMAT,
                              "not a BrainVision marker file (first line is not 'Brain Vision "
                              "Data Exchange Marker File ...')");
                break;
            }
            continue;
        }
        if (not_a_key(&line, &len, section, sizeof section)) continue;
        const char *v;
        size_t vl;
        long num;
        if (!psy_strieq(section, "Marker Infos") || !numbered(line, len, "Mk", &num, &v, &vl)) continue;
        dev_field f[6];
        size_t n = dev_split(v, vl, ',', f, 6);
        bv_marker m = {0};
        int64_t pos = 0, points = 0, chan = 0;
        if (n < 3 || !psy_parse_int64(f[2].p, f[2].n, &pos)) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld: marker Mk%ld has no position", (long long)lr.line_no,
                          num);
            break;
        }
        if (n >= 4 && !dev_is_blank(f[3].p, f[3].n) && !psy_parse_int64(f[3].p, f[3].n, &points)) points = 0;
        if (n >= 5 && !dev_is_blank(f[4].p, f[4].n) && !psy_parse_int64(f[4].p, f[4].n, &chan)) chan = 0;
        decode(m.type, sizeof m.type, f[0].p, f[0].n, utf8);
        decode(m.description, sizeof m.description, f[1].p, f[1].n, utf8);
        m.position = pos;
        m.points = points;
        m.channel = chan > 0 && chan <= BV_MAX_CHANNELS ? (int)chan : 0;
        m.has_date = n >= 6 && parse_date(f[5].p, f[5].n, &m.date);
        if ((st = fn(ctx, &m, why)) != PSY_OK) break;
    }
    dev_lines_close(&lr);
    return got < 0 || st != PSY_OK ? (st != PSY_OK ? st : PSY_E_FORMAT) : PSY_OK;
}
