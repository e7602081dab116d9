/* Reading EDF/BDF samples: records are fetched in runs into one cache buffer (or, for huge
 * records, the needed bytes of one signal are read directly), then decoded: EDF samples are
 * 16-bit little-endian two's complement (Kemp 1992), BDF samples 24-bit little-endian (BioSemi). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "edf_data.h"

enum {
    CACHE_BYTES = 1 << 20,          /* records fetched at once, when they are small */
    DIRECT_RECORD_BYTES = 4 << 20,  /* above this, a record is never held whole */
    DIRECT_SAMPLES = 1 << 15        /* samples decoded per direct read */
};

struct edf_data {
    psy_source *src;
    edf_header hdr;
    int direct;                /* records too large to cache: read signal segments directly */
    unsigned char *buf;        /* cache of records [first, first + count), or the direct buffer */
    size_t buf_size;
    int64_t first, count;
    int64_t cache_records;     /* records per fetch */
    unsigned char *seg;        /* one annotation segment, read on its own */
    size_t seg_size;
};

edf_data *edf_data_new(psy_source *src, edf_header *hdr)
{
    edf_data *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->src = src;
    d->hdr = *hdr;
    d->direct = hdr->record_bytes > DIRECT_RECORD_BYTES;
    for (int i = 0; i < hdr->n_signals; i++) {
        int64_t seg = hdr->signals[i].samples_per_record * hdr->bytes_per_sample; /* <= file size */
        if (hdr->signals[i].is_annotation && (size_t)seg > d->seg_size) d->seg_size = (size_t)seg;
    }
    if (d->direct) {
        d->buf_size = (size_t)DIRECT_SAMPLES * 3;
    } else {
        d->cache_records = CACHE_BYTES / hdr->record_bytes;
        if (d->cache_records < 1) d->cache_records = 1;
        if (d->cache_records > hdr->n_records) d->cache_records = hdr->n_records > 0 ? hdr->n_records : 1;
        d->buf_size = (size_t)(d->cache_records * hdr->record_bytes);
    }
    d->buf = malloc(d->buf_size ? d->buf_size : 1);
    d->seg = malloc(d->seg_size ? d->seg_size : 1);
    if (!d->buf || !d->seg) {
        free(d->buf);
        free(d->seg);
        free(d);
        return NULL;
    }
    return d;
}

void edf_data_free(edf_data *d)
{
    if (!d) return;
    edf_header_free(&d->hdr);
    free(d->buf);
    free(d->seg);
    free(d);
}

const edf_header *edf_data_header(const edf_data *d) { return &d->hdr; }

/* The header was checked against the file size at open: PSY_E_TRUNCATED here means the file
 * shrank since (or a stream of unknown size ended early). */
static psy_status read_bytes(edf_data *d, int64_t offset, void *buf, size_t n)
{
    return psy_source_read_exact(d->src, offset, buf, n);
}

/* Makes record rec available in the cache; returns a pointer to it. */
static psy_status cached_record(edf_data *d, int64_t rec, const unsigned char **p)
{
    if (rec < d->first || rec >= d->first + d->count) {
        int64_t count = d->hdr.n_records - rec;
        if (count > d->cache_records) count = d->cache_records;
        d->count = 0;
        psy_status st = read_bytes(d, d->hdr.header_bytes + rec * d->hdr.record_bytes, d->buf,
                                   (size_t)(count * d->hdr.record_bytes));
        if (st != PSY_OK) return st;
        d->first = rec;
        d->count = count;
    }
    *p = d->buf + (rec - d->first) * d->hdr.record_bytes;
    return PSY_OK;
}

/* Digital values outside the header's digital range are clipped to it, as EDFlib and
 * EDFbrowser do (the range is the ADC's extremes, EDF spec), so both paths agree. */
static void decode(const unsigned char *p, int64_t n, int bdf, const edf_signal *s, double *out)
{
    const double bv = s->bitvalue, off = s->offset;
    const int32_t lo = (int32_t)(s->dig_min < INT32_MIN ? INT32_MIN : s->dig_min);
    const int32_t hi = (int32_t)(s->dig_max > INT32_MAX ? INT32_MAX : s->dig_max);
    if (bdf) {
        for (int64_t i = 0; i < n; i++, p += 3) {
            int32_t v = (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16);
            if (v & 0x800000) v -= 0x1000000;
            v = v < lo ? lo : v > hi ? hi : v;
            out[i] = bv * (off + (double)v);
        }
    } else {
        for (int64_t i = 0; i < n; i++, p += 2) {
            int32_t v = (int16_t)(uint16_t)((uint16_t)p[0] | (uint16_t)p[1] << 8);
            v = v < lo ? lo : v > hi ? hi : v;
            out[i] = bv * (off + (double)v);
        }
    }
}

psy_status edf_data_read(edf_data *d, int sig, int64_t start, int64_t n, double *out)
{
    const edf_signal *s = &d->hdr.signals[sig];
    const int64_t spr = s->samples_per_record, w = d->hdr.bytes_per_sample;
    while (n > 0) {
        int64_t rec = start / spr, in_rec = start % spr;
        int64_t take = spr - in_rec < n ? spr - in_rec : n;
        if (d->direct) {
            if (take > DIRECT_SAMPLES) take = DIRECT_SAMPLES;
            int64_t at = d->hdr.header_bytes + rec * d->hdr.record_bytes + s->offset_in_record + in_rec * w;
            psy_status st = read_bytes(d, at, d->buf, (size_t)(take * w));
            if (st != PSY_OK) return st;
            decode(d->buf, take, d->hdr.is_bdf, s, out);
        } else {
            const unsigned char *p;
            psy_status st = cached_record(d, rec, &p);
            if (st != PSY_OK) return st;
            decode(p + s->offset_in_record + in_rec * w, take, d->hdr.is_bdf, s, out);
        }
        start += take;
        out += take;
        n -= take;
    }
    return PSY_OK;
}

psy_status edf_data_segment(edf_data *d, int64_t rec, int sig, const unsigned char **bytes, size_t *len)
{
    const edf_signal *s = &d->hdr.signals[sig];
    size_t n = (size_t)(s->samples_per_record * d->hdr.bytes_per_sample);
    *len = n;
    if (!d->direct && rec >= d->first && rec < d->first + d->count) {
        *bytes = d->buf + (rec - d->first) * d->hdr.record_bytes + s->offset_in_record;
        return PSY_OK;
    }
    /* Annotations are scanned record by record at open: read only their bytes, not the record. */
    if (n > d->seg_size) return PSY_E_INVALID;
    *bytes = d->seg;
    return read_bytes(d, d->hdr.header_bytes + rec * d->hdr.record_bytes + s->offset_in_record, d->seg, n);
}
