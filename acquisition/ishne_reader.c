/* ISHNE 1.0 Holter ECG files. Layout from "The ISHNE Holter Standard Output File Format"
 * (Badilini, Ann Noninvasive Electrocardiol 1998;3(3):263-266): magic "ISHNE1.0", a CRC-16
 * (CCITT, initial 0xFFFF) of the header from byte 10 to the end of the variable block, a 512-byte
 * fixed header (little-endian), a variable-length block, then int16 samples, lead-interleaved. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "reader_impl.h"

enum {
    MAGIC_SIZE = 8,
    FIXED_END = 522, /* magic (8) + CRC (2) + fixed header (512) */
    MAX_LEADS = 12,
    BLOCK_FRAMES = 32768
};

/* Offsets in the file (fixed header fields). */
enum {
    OFF_CRC = 8,
    OFF_VAR_SIZE = 10,
    OFF_SAMPLES = 14,
    OFF_VAR_OFFSET = 18,
    OFF_ECG_OFFSET = 22,
    OFF_VERSION = 26,
    OFF_RECORD_DATE = 138,
    OFF_START_TIME = 150,
    OFF_LEADS = 156,
    OFF_LEAD_SPEC = 158,
    OFF_RESOLUTION = 206,
    OFF_RATE = 272
};

typedef struct ishne {
    psy_source *src; /* not owned: the reader adopts it */
    int leads;
    int64_t frames, data_offset;
    double scale[MAX_LEADS]; /* mV per adu */
    int64_t cached_block;
    double *cache; /* BLOCK_FRAMES * leads */
    unsigned char *bytes;
} ishne;

static int32_t le32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}
static int16_t le16(const unsigned char *p) { return (int16_t)(uint16_t)(p[0] | p[1] << 8); }

static uint16_t crc_ccitt(uint16_t crc, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++) crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

/* CRC of bytes [10, end) of the source, streamed. */
static psy_status header_crc(psy_source *src, int64_t end, uint16_t *out)
{
    unsigned char buf[4096];
    uint16_t crc = 0xFFFF;
    for (int64_t at = OFF_VAR_SIZE; at < end;) {
        size_t n = end - at < (int64_t)sizeof buf ? (size_t)(end - at) : sizeof buf;
        psy_status st = psy_source_read_exact(src, at, buf, n);
        if (st != PSY_OK) return st;
        crc = crc_ccitt(crc, buf, n);
        at += (int64_t)n;
    }
    *out = crc;
    return PSY_OK;
}

static const char *lead_name(int spec)
{
    static const char *const names[] = {
        "unknown", "bipolar", "X bipolar", "Y bipolar", "Z bipolar", "I",  "II", "III", "aVR", "aVL",
        "aVF",     "V1",      "V2",        "V3",        "V4",        "V5", "V6", "ES",  "AS",  "AI"};
    return spec >= 0 && spec < 20 ? names[spec] : "unknown";
}

static void ishne_destroy(void *impl)
{
    ishne *s = impl;
    if (!s) return;
    free(s->cache);
    free(s->bytes);
    free(s);
}

static psy_status load_block(ishne *s, int64_t b)
{
    if (s->cached_block == b) return PSY_OK;
    s->cached_block = -1;
    int64_t f0 = b * BLOCK_FRAMES, nf = s->frames - f0 < BLOCK_FRAMES ? s->frames - f0 : BLOCK_FRAMES;
    size_t n = (size_t)(nf * s->leads);
    psy_status st = psy_source_read_exact(s->src, s->data_offset + f0 * s->leads * 2, s->bytes, n * 2);
    if (st != PSY_OK) return st; /* the file shrank after it was opened */
    for (size_t i = 0; i < n; i++) s->cache[i] = le16(s->bytes + 2 * i) * s->scale[i % (size_t)s->leads];
    s->cached_block = b;
    return PSY_OK;
}

static psy_status ishne_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    ishne *s = impl;
    while (n > 0) {
        int64_t b = start / BLOCK_FRAMES;
        psy_status st = load_block(s, b);
        if (st != PSY_OK) return st;
        int64_t k = start - b * BLOCK_FRAMES, run = BLOCK_FRAMES - k;
        if (run > n) run = n;
        const double *src = s->cache + k * s->leads + ch;
        for (int64_t i = 0; i < run; i++) out[i] = src[i * s->leads];
        out += run;
        start += run;
        n -= run;
    }
    return PSY_OK;
}

static const psy_reader_ops ishne_ops = {ishne_read, NULL, ishne_destroy};

/* Record date (day, month, year) and start time (h, m, s); -9, out-of-range fields or a date that does
 * not exist: unknown. */
static psy_datetime start_of(const unsigned char *h)
{
    psy_datetime t = {0};
    int day = le16(h + OFF_RECORD_DATE), month = le16(h + OFF_RECORD_DATE + 2),
        year = le16(h + OFF_RECORD_DATE + 4);
    int hh = le16(h + OFF_START_TIME), mm = le16(h + OFF_START_TIME + 2), ss = le16(h + OFF_START_TIME + 4);
    if (!psy_civil_date_exists(year, month, day) || year < 1900 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
        ss < 0 || ss > 59)
        return t;
    t = (psy_datetime){1, year, month, day, hh, mm, ss, 0, 0, 0};
    return t;
}

static psy_status parse_and_build(psy_source *src, const unsigned char *h, int64_t size, psy_reader *r,
                                  ishne *s, psy_message *why)
{
    int32_t var_size = le32(h + OFF_VAR_SIZE), samples = le32(h + OFF_SAMPLES);
    int32_t ecg_offset = le32(h + OFF_ECG_OFFSET), var_offset = le32(h + OFF_VAR_OFFSET);
    int leads = le16(h + OFF_LEADS), rate = le16(h + OFF_RATE);
    if (var_size < 0 || var_size > size - FIXED_END)
        return psy_fail(why, PSY_E_FORMAT, "variable-length block size %d does not fit in the file",
                        (int)var_size);
    if (leads < 1 || leads > MAX_LEADS)
        return psy_fail(why, PSY_E_FORMAT, "number of leads %d is not 1..12", leads);
    if (rate <= 0) return psy_fail(why, PSY_E_FORMAT, "sampling rate %d Hz must be positive", rate);
    if (ecg_offset < FIXED_END || ecg_offset > size)
        return psy_fail(why, PSY_E_FORMAT, "ECG data offset %d is outside the file (522..%lld)",
                        (int)ecg_offset, (long long)size);
    if (samples < 0) return psy_fail(why, PSY_E_FORMAT, "samples per lead %d is negative", (int)samples);
    if (var_offset != FIXED_END)
        psy_reader_warn(r, "ISHNE variable block offset is %d, not 522", (int)var_offset);
    if (ecg_offset < FIXED_END + var_size)
        psy_reader_warn(r, "ISHNE ECG data offset %d lies inside the variable block (ends at %d)",
                        (int)ecg_offset, FIXED_END + (int)var_size);
    int64_t data_bytes, needed, frame_bytes = (int64_t)leads * 2;
    if (!psy_mul_i64(samples, frame_bytes, &data_bytes) || !psy_add_i64(ecg_offset, data_bytes, &needed))
        return psy_fail(why, PSY_E_FORMAT, "samples per lead %d overflow the file size", (int)samples);
    int64_t frames = samples;
    if (samples == 0) {
        frames = (size - ecg_offset) / frame_bytes;
        psy_reader_warn(r, "ISHNE header gives 0 samples per lead: %lld read from the file size",
                        (long long)frames);
    } else if (needed > size) {
        return psy_fail(why, PSY_E_TRUNCATED, "ISHNE data holds %lld samples per lead but the header says %d",
                        (long long)((size - ecg_offset) / frame_bytes), (int)samples);
    } else if (needed < size) {
        psy_reader_warn(r, "ISHNE file has %lld bytes after the last sample", (long long)(size - needed));
    }
    uint16_t crc;
    psy_status st = header_crc(src, FIXED_END + (int64_t)var_size, &crc);
    if (st != PSY_OK) return psy_fail(why, st, "cannot read the ISHNE header");
    uint16_t stored = (uint16_t)le16(h + OFF_CRC);
    if (crc != stored)
        psy_reader_warn(r, "ISHNE header CRC is 0x%04X but the header holds 0x%04X", crc, stored);
    s->leads = leads;
    s->frames = frames;
    s->data_offset = ecg_offset;
    char used[MAX_LEADS][PSY_LABEL_SIZE];
    for (int i = 0; i < leads; i++) {
        int spec = le16(h + OFF_LEAD_SPEC + 2 * i), res = le16(h + OFF_RESOLUTION + 2 * i);
        if (res <= 0)
            return psy_fail(why, PSY_E_FORMAT, "lead %d resolution %d nV must be positive", i + 1, res);
        s->scale[i] = res * 1e-6; /* nV per adu -> mV per adu */
        psy_channel_info c = {0};
        const char *name = lead_name(spec);
        int standard = spec >= 5 && spec <= 16;
        if (standard)
            snprintf(c.label, sizeof c.label, "%s", name);
        else
            snprintf(c.label, sizeof c.label, "ECG%d %s", i + 1, name);
        for (int j = 0; j < i; j++)
            if (strcmp(used[j], c.label) == 0) snprintf(c.label, sizeof c.label, "%s (lead %d)", name, i + 1);
        snprintf(used[i], sizeof used[i], "%s", c.label);
        strcpy(c.file_unit, "mV");
        c.type = PSY_CH_ECG;
        c.rate_hz = rate;
        c.frames = frames;
        c.physical_min = -32768 * s->scale[i];
        c.physical_max = 32767 * s->scale[i];
        c.resolution = s->scale[i];
        if (psy_reader_add_channel(r, &c, 0) < 0) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    psy_datetime t = start_of(h);
    if (t.known)
        psy_reader_set_start(r, &t);
    else
        psy_reader_warn(r, "ISHNE record date or start time is missing or invalid");
    int64_t bf = frames < BLOCK_FRAMES ? frames : BLOCK_FRAMES;
    if (bf > 0) {
        s->cache = malloc((size_t)(bf * leads) * sizeof *s->cache);
        s->bytes = malloc((size_t)(bf * leads) * 2);
        if (!s->cache || !s->bytes) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    return PSY_OK;
}

psy_status psy_open_ishne(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why)
{
    (void)opt;
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src) return psy_fail(why, PSY_E_INVALID, "no source");
    unsigned char h[FIXED_END];
    int64_t size = psy_source_size(src);
    if (size < 0) return psy_fail(why, PSY_E_IO, "cannot tell the file size");
    int64_t got = psy_source_read(src, 0, h, sizeof h);
    if (got < 0) return psy_fail(why, PSY_E_IO, "cannot read the ISHNE header");
    if (got >= MAGIC_SIZE && memcmp(h, "ANN  1.0", MAGIC_SIZE) == 0)
        return psy_fail(
            why, PSY_E_UNSUPPORTED,
            "ISHNE annotation files (ANN 1.0) are not supported; open the Holter ECG (.ecg) file");
    if (got < MAGIC_SIZE || memcmp(h, "ISHNE1.0", MAGIC_SIZE) != 0)
        return psy_fail(why, PSY_E_FORMAT, "not an ISHNE 1.0 file (no 'ISHNE1.0' magic)");
    if (got < FIXED_END)
        return psy_fail(why, PSY_E_TRUNCATED, "ISHNE header needs 522 bytes, the file has %lld",
                        (long long)got);
    psy_reader *r = psy_reader_new("ISHNE");
    ishne *s = calloc(1, sizeof *s);
    if (!r || !s) {
        psy_reader_discard(r);
        free(s);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    s->src = src;
    s->cached_block = -1;
    psy_reader_set_impl(r, &ishne_ops, s);
    psy_status st = parse_and_build(src, h, size, r, s, why);
    if (st == PSY_OK && psy_reader_finish(r) != PSY_OK) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    return psy_reader_conclude(r, st, src, out);
}
