/* WFDB signal files: frame layout and block cache (signal(5)). A frame of a file holds, for
 * each of its signals in header order, that signal's samples-per-frame samples; group formats
 * (212, 310, 311) pack that flat sample stream regardless of frame boundaries. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sndfile_io.h"
#include "wfdb_data.h"
#include "wfdb_signal.h"

#define CACHE_SAMPLES (1 << 18) /* decoded samples per file block: 2 MiB of doubles */

typedef struct wfdb_file {
    psy_source *src;
    psy_sndfile *flac;
    int format;
    int64_t byte_offset;
    int first_sig, nsig;
    int frame_samples; /* samples per frame in this file (S) */
    int64_t frames; /* frames the file holds */
    int64_t block_frames; /* frames per cache block: a multiple of 6 (whole packing groups) */
    int64_t cached_block; /* -1: none */
    int64_t cached_frames; /* frames in the cached block */
    uint8_t *ready; /* per frame position: converted into the cache for the cached block */
    int ints_ready; /* the cached block's bytes are decoded into ints */
    double *cache; /* block_frames * S physical values, each signal's run contiguous
                                  and in time order (reads are then plain copies; a 212
                                  signal of one sample per frame skips it, see direct_212) */
    int64_t *dst_off; /* per frame position: where frame 0's value goes in the cache */
    int *dst_stride; /* per frame position: the signal's samples per frame */
    int32_t *ints; /* block_frames * S digital values */
    uint8_t *bytes; /* the block's bytes */
    double *flac_buf; /* block_frames * S doubles from libsndfile */
    double *gain, *baseline; /* per frame position */
    double *table; /* small formats: physical value of every code, per frame position */
    int32_t table_half; /* codes run from -table_half to table_half - 1 */
    int32_t invalid;
    int32_t *prev, *initial; /* format 8: running values per frame position */
    int64_t next_sequential; /* format 8: the next block the running values lead to */
} wfdb_file;

typedef struct wfdb_chan {
    int file; /* -1: null signal (format 0), read as NaN */
    int pos; /* first position of the signal in its file's frame */
    int spf;
    int64_t skew_samples;
    int64_t region; /* start of the signal's run in its file's cache */
} wfdb_chan;

struct wfdb_data {
    int nfiles, nchan;
    wfdb_file *files;
    wfdb_chan *chans;
};

static void file_free(wfdb_file *f)
{
    if (f->flac) psy_sndfile_close(f->flac);
    psy_source_close(f->src);
    free(f->cache);
    free(f->ints);
    free(f->bytes);
    free(f->flac_buf);
    free(f->gain);
    free(f->baseline);
    free(f->table);
    free(f->dst_off);
    free(f->dst_stride);
    free(f->ready);
    free(f->prev);
    free(f->initial);
}

void wfdb_data_destroy(void *impl)
{
    wfdb_data *d = impl;
    if (!d) return;
    for (int i = 0; i < d->nfiles; i++) file_free(&d->files[i]);
    free(d->files);
    free(d->chans);
    free(d);
}

/* Frames a binary file holds after its byte offset. */
static int64_t binary_frames(const wfdb_file *f, int64_t size)
{
    if (size <= f->byte_offset) return 0;
    return wfdb_format_samples_in(f->format, size - f->byte_offset) / f->frame_samples;
}

static psy_status open_file(psy_source *hea, const wfdb_header *h, wfdb_file *f, int64_t want_frames,
                            psy_message *why)
{
    const wfdb_signal *s0 = &h->sig[f->first_sig];
    psy_status st = psy_source_open_related(hea, s0->file, &f->src);
    if (st == PSY_E_NOT_FOUND)
        return psy_fail(why, st, "signal file '%s' named by the header is missing", s0->file);
    if (st != PSY_OK) return psy_fail(why, st, "cannot open signal file '%s'", s0->file);
    if (wfdb_format_is_flac(f->format)) {
        st = psy_sndfile_open(f->src, &f->flac, why);
        if (st != PSY_OK) return st;
        if (f->flac->info.channels != f->nsig)
            return psy_fail(why, PSY_E_FORMAT, "FLAC signal file '%s' has %d channels, the header names %d",
                            s0->file, f->flac->info.channels, f->nsig);
        f->frames = (int64_t)f->flac->info.frames / s0->spf; /* libsndfile's rate is ignored */
    } else {
        int64_t size = psy_source_size(f->src);
        if (size < 0) return psy_fail(why, PSY_E_IO, "cannot tell the size of '%s'", s0->file);
        f->frames = binary_frames(f, size);
    }
    if (want_frames > 0 && f->frames < want_frames)
        return psy_fail(why, PSY_E_TRUNCATED, "signal file '%s' holds %lld frames but the header says %lld",
                        s0->file, (long long)f->frames, (long long)want_frames);
    return PSY_OK;
}

/* Groups consecutive signals with the same file name into files and checks they agree. */
static psy_status group_files(const wfdb_header *h, wfdb_data *d, psy_message *why)
{
    for (int i = 0; i < h->nsig; i++) {
        const wfdb_signal *s = &h->sig[i];
        wfdb_chan *c = &d->chans[i];
        c->spf = s->spf;
        c->skew_samples = (int64_t)s->skew * s->spf;
        if (s->format == 0) {
            c->file = -1;
            continue;
        }
        wfdb_file *last = d->nfiles ? &d->files[d->nfiles - 1] : NULL;
        if (!last || strcmp(h->sig[last->first_sig].file, s->file) != 0) {
            last = &d->files[d->nfiles++];
            last->first_sig = i;
            last->format = s->format;
            last->byte_offset = s->byte_offset;
            last->cached_block = -1;
        } else if (last->format != s->format || last->byte_offset != s->byte_offset) {
            return psy_fail(why, PSY_E_FORMAT,
                            "signals %d and %d share file '%s' but differ in format or offset",
                            last->first_sig, i, s->file);
        }
        if (wfdb_format_is_flac(s->format) && s->spf != h->sig[last->first_sig].spf)
            return psy_fail(why, PSY_E_FORMAT, "FLAC signal file '%s': signals differ in samples per frame",
                            s->file);
        if (s->format == 8 && s->spf != 1)
            return psy_fail(why, PSY_E_UNSUPPORTED, "signal %d: format 8 with several samples per frame", i);
        c->file = (int)(last - d->files);
        c->pos = last->frame_samples;
        if (last->frame_samples > INT32_MAX - s->spf)
            return psy_fail(why, PSY_E_FORMAT, "too many samples per frame in '%s'", s->file);
        last->frame_samples += s->spf;
        last->nsig++;
    }
    return PSY_OK;
}

static psy_status alloc_cache(const wfdb_header *h, const wfdb_data *d, int file)
{
    wfdb_file *f = &d->files[file];
    int64_t S = f->frame_samples;
    int64_t bf = CACHE_SAMPLES / S / 6 * 6;
    if (bf < 6) bf = 6;
    int64_t need = (f->frames + 5) / 6 * 6; /* never more than the file holds (rounded to a group) */
    if (bf > need) bf = need;
    f->block_frames = bf;
    size_t n = (size_t)(bf * S);
    f->cache = malloc(n * sizeof *f->cache);
    f->gain = malloc((size_t)S * sizeof *f->gain);
    f->baseline = malloc((size_t)S * sizeof *f->baseline);
    if (!f->cache || !f->gain || !f->baseline) return PSY_E_NOMEM;
    if (f->flac) {
        if (!(f->flac_buf = malloc(n * sizeof *f->flac_buf))) return PSY_E_NOMEM;
    } else {
        f->ints = malloc(n * sizeof *f->ints);
        f->bytes = malloc((size_t)wfdb_format_bytes_for(f->format, (int64_t)n) + 4);
        if (!f->ints || !f->bytes) return PSY_E_NOMEM;
    }
    if (f->format == 8) {
        f->prev = malloc((size_t)S * sizeof *f->prev);
        f->initial = malloc((size_t)S * sizeof *f->initial);
        if (!f->prev || !f->initial) return PSY_E_NOMEM;
    }
    f->dst_off = malloc((size_t)S * sizeof *f->dst_off);
    f->dst_stride = malloc((size_t)S * sizeof *f->dst_stride);
    f->ready = calloc((size_t)S, 1);
    if (!f->dst_off || !f->dst_stride || !f->ready) return PSY_E_NOMEM;
    int p = 0;
    int64_t region = 0;
    int pp = 0;
    for (int i = f->first_sig; i < h->nsig; i++) { /* null signals may sit between a file's signals */
        if (d->chans[i].file != file) continue;
        d->chans[i].region = region;
        for (int k = 0; k < h->sig[i].spf; k++, pp++) {
            f->dst_off[pp] = region + k;
            f->dst_stride[pp] = h->sig[i].spf;
        }
        region += bf * h->sig[i].spf;
    }
    for (int i = f->first_sig; i < h->nsig; i++)
        for (int k = 0; d->chans[i].file == file && k < h->sig[i].spf; k++, p++) {
            f->gain[p] = h->sig[i].gain;
            f->baseline[p] = h->sig[i].baseline;
            if (f->initial) f->initial[p] = (int32_t)h->sig[i].initial_value;
        }
    if (f->prev) memcpy(f->prev, f->initial, (size_t)S * sizeof *f->prev);
    f->invalid = wfdb_format_invalid(f->format);
    /* 8- to 12-bit codes (and 16-bit ones in large files): one exact division per code up front
     * instead of one per sample */
    int bits = f->format == 212 ? 12 : (f->format == 310 || f->format == 311) ? 10 : f->format == 80 ? 8 : 0;
    if (!bits && (f->format == 16 || f->format == 61 || f->format == 160) && S <= 4 &&
        f->frames * S >= 8 * 65536)
        bits = 16; /* 512 KiB per position: only for files much larger than their tables */
    if (bits && S * ((int64_t)1 << bits) <= 1 << 18) { /* at most 2 MiB of doubles */
        int32_t half = (int32_t)1 << (bits - 1);
        f->table = malloc((size_t)S * (size_t)(2 * half) * sizeof *f->table);
        if (!f->table) return PSY_E_NOMEM;
        f->table_half = half;
        for (int64_t q = 0; q < S; q++)
            for (int32_t v = -half; v < half; v++)
                f->table[q * 2 * half + v + half] =
                    v == f->invalid ? NAN : ((double)v - f->baseline[q]) / f->gain[q];
    }
    return PSY_OK;
}

psy_status wfdb_data_open(psy_source *hea, const wfdb_header *h, psy_reader *r, wfdb_data **out,
                          int64_t *nframes, psy_message *why)
{
    *out = NULL;
    wfdb_data *d = calloc(1, sizeof *d);
    if (!d) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    d->nchan = h->nsig;
    d->files = calloc((size_t)h->nsig + 1, sizeof *d->files);
    d->chans = calloc((size_t)h->nsig + 1, sizeof *d->chans);
    psy_status st =
        d->files && d->chans ? group_files(h, d, why) : psy_fail(why, PSY_E_NOMEM, "out of memory");
    int64_t frames = h->nframes;
    for (int i = 0; st == PSY_OK && i < d->nfiles; i++) {
        st = open_file(hea, h, &d->files[i], h->nframes, why);
        if (st == PSY_OK && h->nframes > 0 && d->files[i].frames > h->nframes)
            psy_reader_warn(
                r, "signal file '%s' holds %lld frames, more than the header's %lld: the rest is ignored",
                h->sig[d->files[i].first_sig].file, (long long)d->files[i].frames, (long long)h->nframes);
    }
    if (st == PSY_OK && frames == 0 && d->nfiles) { /* no count in the header: what the files hold */
        frames = d->files[0].frames;
        for (int i = 1; i < d->nfiles; i++)
            if (d->files[i].frames < frames) frames = d->files[i].frames;
    }
    for (int i = 0; st == PSY_OK && i < d->nfiles; i++)
        if (d->files[i].frames > 0 && alloc_cache(h, d, i) != PSY_OK)
            st = psy_fail(why, PSY_E_NOMEM, "out of memory for the block cache");
    if (st != PSY_OK) {
        wfdb_data_destroy(d);
        return st;
    }
    *nframes = frames;
    *out = d;
    return PSY_OK;
}

/* Reads the bytes of block b of a binary file (ns samples) into f->bytes. */
static psy_status read_bytes(wfdb_file *f, int64_t b, int64_t ns)
{
    int64_t S = f->frame_samples;
    int64_t s0 = b * f->block_frames * S;
    int64_t gs = wfdb_format_group_samples(f->format), gb = wfdb_format_group_bytes(f->format);
    int64_t off = f->byte_offset + s0 / gs * gb;
    size_t nbytes = (size_t)wfdb_format_bytes_for(f->format, ns);
    int64_t got = psy_source_read(f->src, off, f->bytes, nbytes);
    if (got < 0) return PSY_E_IO;
    if ((size_t)got < nbytes) return PSY_E_TRUNCATED; /* the file shrank since it was opened */
    return PSY_OK;
}

/* Decodes the bytes of a block of ns samples into f->ints. */
static void decode_ints(wfdb_file *f, int64_t ns)
{
    size_t nbytes = (size_t)wfdb_format_bytes_for(f->format, ns);
    wfdb_decode(f->format, f->bytes, nbytes, (size_t)ns, f->ints, f->prev, (size_t)f->frame_samples);
}

/* Decodes block b of a binary file into f->ints (ns samples). */
static psy_status decode_binary(wfdb_file *f, int64_t b, int64_t ns)
{
    psy_status st = read_bytes(f, b, ns);
    if (st == PSY_OK) decode_ints(f, ns);
    return st;
}

/* 1 when frame position p of a format-212 file with an even number of samples per frame can be
 * converted straight from the bytes (p then always sits in the same half of the 3-byte groups). */
static int direct_212(const wfdb_file *f)
{
    return f->format == 212 && f->table && f->frame_samples % 2 == 0;
}

/* Frames fr0 .. fr0 + n - 1 of position p of the cached block, from its bytes (direct_212), to
 * out[0], out[stride], ... */
static void convert_212(const wfdb_file *f, int64_t p, int64_t fr0, int64_t n, double *out,
                        int64_t stride)
{
    /* code ^ 0x800 is the 12-bit two's complement value plus 2048: the table's index */
    const double *t = f->table + p * 2 * (int64_t)f->table_half;
    int64_t step = 3 * (f->frame_samples / 2);
    const uint8_t *g = f->bytes + 3 * (p / 2) + fr0 * step;
    if (p % 2 == 0)
        for (int64_t fr = 0; fr < n; fr++, g += step)
            out[fr * stride] = t[((uint32_t)g[0] | (uint32_t)(g[1] & 0x0F) << 8) ^ 0x800];
    else
        for (int64_t fr = 0; fr < n; fr++, g += step)
            out[fr * stride] = t[((uint32_t)g[2] | (uint32_t)(g[1] & 0xF0) << 4) ^ 0x800];
}

/* Frame position p of the cached block into the cache: straight from the bytes (direct_212),
 * else from the decoded ints. */
static void convert_position(wfdb_file *f, int64_t p)
{
    int64_t S = f->frame_samples, nf = f->cached_frames;
    double *out = f->cache + f->dst_off[p];
    int64_t stride = f->dst_stride[p];
    if (direct_212(f)) {
        convert_212(f, p, 0, nf, out, stride);
        f->ready[p] = 1;
        return;
    }
    if (!f->ints_ready) {
        decode_ints(f, nf * S);
        f->ints_ready = 1;
    }
    const int32_t *in = f->ints + p;
    if (f->table) {
        const double *t = f->table + p * 2 * (int64_t)f->table_half + f->table_half;
        for (int64_t fr = 0; fr < nf; fr++) out[fr * stride] = t[in[fr * S]];
    } else {
        double base = f->baseline[p], gain = f->gain[p];
        int32_t invalid = f->invalid;
        for (int64_t fr = 0; fr < nf; fr++) {
            int32_t v = in[fr * S];
            out[fr * stride] = v == invalid ? NAN : ((double)v - base) / gain;
        }
    }
    f->ready[p] = 1;
}

/* Makes block b the cached one. FLAC and format 8 (differences, decoded in order) are converted
 * whole; other formats only read the bytes, and each signal is converted when first read. */
static psy_status load_block(wfdb_file *f, int64_t b)
{
    if (f->cached_block == b) return PSY_OK;
    int64_t S = f->frame_samples, frame0 = b * f->block_frames;
    int64_t nf = f->frames - frame0 < f->block_frames ? f->frames - frame0 : f->block_frames;
    int64_t ns = nf * S;
    f->cached_block = -1;
    psy_status st;
    if (f->flac) {
        int64_t spf = S / f->nsig; /* every signal of a FLAC file has the same spf */
        st = psy_sndfile_read_frames(f->flac, frame0 * spf, nf * spf, f->flac_buf);
        if (st != PSY_OK) return st;
        /* libsndfile interleaves channels per FLAC frame: [(frame * spf + k) * nsig + sig] */
        for (int64_t fr = 0; fr < nf; fr++)
            for (int sg = 0; sg < f->nsig; sg++)
                for (int64_t k = 0; k < spf; k++) {
                    int64_t p = sg * spf + k;
                    double v = f->flac_buf[(fr * spf + k) * f->nsig + sg];
                    f->cache[f->dst_off[p] + fr * f->dst_stride[p]] =
                        v == (double)f->invalid ? NAN : (v - f->baseline[p]) / f->gain[p];
                }
        memset(f->ready, 1, (size_t)S);
        f->cached_frames = nf;
        f->cached_block = b;
        return PSY_OK;
    }
    if (f->format == 8) { /* differences: the running values must come from the blocks before */
        if (b < f->next_sequential) {
            memcpy(f->prev, f->initial, (size_t)S * sizeof *f->prev);
            f->next_sequential = 0;
        }
        while (f->next_sequential < b) {
            if ((st = decode_binary(f, f->next_sequential, f->block_frames * S)) != PSY_OK) return st;
            f->next_sequential++;
        }
        f->next_sequential = b + 1;
        if ((st = decode_binary(f, b, ns)) != PSY_OK) return st;
        f->cached_frames = nf;
        f->ints_ready = 1;
        for (int64_t p = 0; p < S; p++) convert_position(f, p);
        f->cached_block = b;
        return PSY_OK;
    }
    if ((st = read_bytes(f, b, ns)) != PSY_OK) return st;
    f->cached_frames = nf;
    f->ints_ready = 0;
    memset(f->ready, 0, (size_t)S);
    f->cached_block = b;
    return PSY_OK;
}

psy_status wfdb_data_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    wfdb_data *d = impl;
    const wfdb_chan *c = &d->chans[ch];
    if (c->file < 0) {
        for (int64_t i = 0; i < n; i++) out[i] = NAN;
        return PSY_OK;
    }
    wfdb_file *f = &d->files[c->file];
    int64_t spf = c->spf, stored = f->frames * spf;
    int64_t q = start + c->skew_samples; /* index in the stored sample stream of this signal */
    while (n > 0) {
        if (q < 0 || q >= stored) { /* skew moved us off the stored data */
            *out++ = NAN;
            q++;
            n--;
            continue;
        }
        int64_t frame = q / spf, b = frame / f->block_frames;
        psy_status st = load_block(f, b);
        if (st != PSY_OK) return st;
        int64_t frame0 = b * f->block_frames;
        int64_t block_end = frame0 + f->block_frames < f->frames ? frame0 + f->block_frames : f->frames;
        int64_t run = block_end * spf - q; /* samples of this signal left in the block */
        if (run > n) run = n;
        if (spf == 1 && !f->ready[c->pos] && direct_212(f)) { /* no copy through the cache */
            convert_212(f, c->pos, q - frame0, run, out, 1);
        } else {
            for (int64_t p = c->pos; p < c->pos + spf; p++)
                if (!f->ready[p]) convert_position(f, p);
            memcpy(out, f->cache + c->region + (q - frame0 * spf), (size_t)run * sizeof *out);
        }
        out += run;
        q += run;
        n -= run;
    }
    return PSY_OK;
}
