/* MIT-format annotation files (annot(5)): a stream of 16-bit little-endian words whose top 6
 * bits (A) are a code and low 10 bits (I) a time increment or a value. A = 1..49 is an annotation
 * code (I = samples since the previous annotation); 59 SKIP (a 32-bit interval follows, high
 * 16-bit word first); 60 NUM, 61 SUB, 62 CHN set fields of the current annotation (NUM and CHN
 * stay in force for later annotations); 63 AUX (I bytes of text follow, padded to even); A = 0,
 * I = 0 ends the file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wfdb_annot.h"

enum { A_SKIP = 59, A_NUM = 60, A_SUB = 61, A_CHN = 62, A_AUX = 63, CHUNK = 65536 };

/* ecgcodes.h of the WFDB library: code -> mnemonic (empty: undefined). */
static const char *const mnemonics[50] = {"",  "N", "L", "R", "a", "V", "F", "J", "A", "S",  "E", "j", "/",
                                          "Q", "~", "",  "|", "",  "s", "T", "*", "D", "\"", "=", "p", "B",
                                          "^", "t", "+", "u", "?", "!", "[", "]", "e", "n",  "@", "x", "f",
                                          "(", ")", "r", "",  "",  "",  "",  "",  "",  "",   ""};

const char *wfdb_annotation_mnemonic(int code, char *buf)
{
    if (code >= 0 && code < 50 && mnemonics[code][0]) return mnemonics[code];
    snprintf(buf, 8, "[%d]", code & 0xFF);
    return buf;
}

int wfdb_annotation_is_beat(int code)
{
    static const int beats[] = {1, 2, 3, 25, 8, 4, 7, 9, 5, 41, 6, 34, 11, 35, 10, 12, 38, 13, 30};
    for (size_t i = 0; i < sizeof beats / sizeof beats[0]; i++)
        if (beats[i] == code) return 1;
    return 0;
}

/* A buffered little-endian reader over the source. */
typedef struct stream {
    psy_source *src;
    int64_t pos; /* file offset of buf[0] */
    size_t len, at; /* bytes in buf, read position */
    unsigned char buf[CHUNK];
} stream;

/* Reads n bytes (n <= CHUNK); 1 when all are there, 0 at the end, -1 on an I/O error. */
static int stream_get(stream *s, void *dst, size_t n)
{
    if (s->len - s->at < n) {
        size_t keep = s->len - s->at;
        memmove(s->buf, s->buf + s->at, keep);
        s->pos += (int64_t)s->at;
        s->at = 0;
        s->len = keep;
        int64_t got = psy_source_read(s->src, s->pos + (int64_t)keep, s->buf + keep, CHUNK - keep);
        if (got < 0) return -1;
        s->len += (size_t)got;
        if (s->len < n) return 0;
    }
    memcpy(dst, s->buf + s->at, n);
    s->at += n;
    return 1;
}

typedef struct pending {
    int active;
    int64_t sample;
    int code, subtype;
    char aux[256];
} pending;

/* wrann starts a file with a NOTE "## time resolution: F" when the annotation times are on a
 * clock other than the record's frame rate; WFDB readers consume it rather than show it. */
static int time_resolution_note(const pending *p, int64_t emitted, double *resolution)
{
    static const char tag[] = "## time resolution:";
    if (emitted || p->code != 22 || p->sample != 0 || strncmp(p->aux, tag, sizeof tag - 1) != 0) return 0;
    double v;
    const char *num = p->aux + sizeof tag - 1;
    if (psy_parse_double(num, strlen(num), &v) && v > 0) *resolution = v;
    return 1;
}

static psy_status emit(psy_reader *r, const pending *p, double rate, double *resolution, int num, int chan,
                       wfdb_annot_summary *sum, psy_message *why)
{
    if (time_resolution_note(p, sum->count, resolution)) return PSY_OK;
    char buf[8];
    psy_event ev = {0};
    double tres = *resolution > 0 ? *resolution : rate;
    ev.onset_s = (double)p->sample / tres;
    ev.duration_s = 0;
    ev.label = wfdb_annotation_mnemonic(p->code, buf);
    ev.detail = p->aux;
    ev.source = PSY_EVENTS_WFDB;
    ev.sample = tres == rate ? p->sample : (int64_t)llround((double)p->sample * rate / tres);
    ev.channel = chan;
    ev.code = p->code;
    ev.subtype = p->subtype;
    ev.number = num;
    if (psy_reader_add_event(r, &ev) != PSY_OK)
        return psy_fail(why, PSY_E_NOMEM, "out of memory for annotations");
    sum->count++;
    sum->last_sample = ev.sample;
    return PSY_OK;
}

psy_status wfdb_read_annotations(psy_source *src, double rate, psy_reader *r, wfdb_annot_summary *sum,
                                 psy_message *why)
{
    sum->count = 0;
    sum->last_sample = -1;
    stream *s = malloc(sizeof *s);
    if (!s) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    s->src = src;
    s->pos = 0;
    s->len = s->at = 0;
    pending p = {0};
    int64_t time = 0;
    int num = 0, chan = -1;
    double resolution = 0;
    psy_status st = PSY_OK;
    for (;;) {
        unsigned char w[2];
        int64_t at = s->pos + (int64_t)s->at;
        int got = stream_get(s, w, 2);
        if (got < 0) {
            st = psy_fail(why, PSY_E_IO, "cannot read the annotation file");
            break;
        }
        if (got == 0) {
            /* a trailing odd byte is a cut word; a missing end marker is tolerated */
            if (s->len - s->at == 1)
                st = psy_fail(why, PSY_E_TRUNCATED, "annotation file ends inside a word at byte %lld",
                              (long long)at);
            break;
        }
        unsigned word = (unsigned)w[0] | (unsigned)w[1] << 8;
        int a = (int)(word >> 10), i = (int)(word & 0x3FF);
        if (a == 0 && i == 0) break; /* end of file marker */
        if (a == A_SKIP) {
            unsigned char d[4];
            got = stream_get(s, d, 4);
            if (got <= 0) {
                st = psy_fail(why, got < 0 ? PSY_E_IO : PSY_E_TRUNCATED,
                              "annotation file ends inside a SKIP interval at byte %lld", (long long)at);
                break;
            }
            /* PDP-11 long: the high 16-bit word first, each word little-endian */
            uint32_t u = (uint32_t)d[2] | (uint32_t)d[3] << 8 | (uint32_t)d[0] << 16 | (uint32_t)d[1] << 24;
            time += (int32_t)u;
        } else if (a == A_NUM || a == A_SUB || a == A_CHN) {
            if (!p.active) continue; /* a modifier before any annotation has nothing to modify */
            if (a == A_NUM)
                num = (int8_t)(i & 0xFF);
            else if (a == A_SUB)
                p.subtype = (int8_t)(i & 0xFF);
            else
                chan = i & 0xFF;
        } else if (a == A_AUX) {
            size_t n = (size_t)i + (i & 1);
            unsigned char aux[1024];
            got = n ? stream_get(s, aux, n) : 1;
            if (got <= 0) {
                st = psy_fail(why, got < 0 ? PSY_E_IO : PSY_E_TRUNCATED,
                              "annotation file ends inside an AUX string at byte %lld", (long long)at);
                break;
            }
            if (p.active) {
                size_t len = (size_t)i;
                const void *nul = memchr(aux, 0, len); /* WFDB aux strings are NUL-padded */
                if (nul) len = (size_t)((const unsigned char *)nul - aux);
                psy_copy_field(p.aux, sizeof p.aux, (const char *)aux, len);
            }
        } else if (a >= 50) {
            continue; /* codes 50..58 are reserved: skip the word */
        } else {
            if (p.active && (st = emit(r, &p, rate, &resolution, num, chan, sum, why)) != PSY_OK) break;
            time += i;
            if (time < 0) {
                st = psy_fail(why, PSY_E_FORMAT, "annotation time is negative at byte %lld", (long long)at);
                break;
            }
            memset(&p, 0, sizeof p);
            p.active = a != 0; /* code 0 (NOTQRS) only moves the time: wrann's placeholder */
            p.code = a;
            p.sample = time;
        }
    }
    if (st == PSY_OK && p.active) st = emit(r, &p, rate, &resolution, num, chan, sum, why);
    free(s);
    return st;
}
