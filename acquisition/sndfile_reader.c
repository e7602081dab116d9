/* Audio-stored recordings (WAV, FLAC, AIFF, ... anything libsndfile decodes).
 *
 * Audio headers lie about physiological data: the rate is often fake (1 Hz, 96000 Hz) and the
 * samples are bare integers. The truth comes, in this order, from a JSON sidecar
 * (opt->sidecar_path, else `<stem>.json` beside the file; schema in sidecar_json.c), the given
 * rate (opt->sampling_rate_hz; it overrides a sidecar's only with opt->override_rate, see the
 * rate rule in recording.h), and only then from the audio header, with a warning. Values are read as the
 * stored integers (no [-1, 1) normalisation) and mapped to physical = (raw - baseline) / gain.
 * Frames are decoded in blocks through a one-block cache, so reading every channel of the same
 * span decodes it once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"
#include "sndfile_riff.h"
#include "sidecar_json.h"
#include "sndfile_io.h"

/* The cache holds whole blocks; it grows to cover one read request (so the next channel's read
 * of the same span decodes nothing: FLAC cannot seek back cheaply), up to a cap. */
enum {
    BLOCK_CELLS = 1 << 15,    /* samples per block: 64 KiB (short) or 256 KiB (double), L2-sized */
    MAX_CACHE_CELLS = 1 << 21 /* 4 MiB (short) or 16 MiB (double) at most */
};

typedef struct snd_impl {
    psy_sndfile *sf;
    int channels;
    int64_t frames;
    double *scale, *baseline; /* per channel: physical = (raw - baseline) * scale */
    double *cache;            /* cache_cap frames * channels interleaved raw values */
    short *cache16;           /* the same for 16-bit PCM, decoded by the faster short path */
    int64_t block_frames, max_frames, cache_cap; /* in frames */
    int64_t cache_start, cache_len; /* cached frames [cache_start, cache_start + cache_len) */
} snd_impl;

static void snd_destroy(void *vimpl)
{
    snd_impl *s = vimpl;
    if (!s) return;
    psy_sndfile_close(s->sf);
    free(s->scale);
    free(s->baseline);
    free(s->cache);
    free(s->cache16);
    free(s);
}

static int grow_cache(snd_impl *s, int64_t frames)
{
    if (frames <= s->cache_cap) return 1;
    size_t cells = (size_t)(frames * s->channels);
    void *p = s->cache16 ? realloc(s->cache16, cells * sizeof *s->cache16)
                         : realloc(s->cache, cells * sizeof *s->cache);
    if (!p) return 0;
    if (s->cache16) s->cache16 = p;
    else s->cache = p;
    s->cache_cap = frames;
    return 1;
}

/* Decodes the whole blocks covering [start, start + n), as many as the cap allows. */
static psy_status load_span(snd_impl *s, int64_t start, int64_t n)
{
    int64_t first = start - start % s->block_frames;
    int64_t len = start + n - first;
    len += (s->block_frames - len % s->block_frames) % s->block_frames;
    if (len > s->max_frames) len = s->max_frames;
    if (len > s->frames - first) len = s->frames - first;
    s->cache_len = 0;
    if (!grow_cache(s, len)) return PSY_E_NOMEM;
    psy_status st = s->cache16 ? psy_sndfile_read_frames_short(s->sf, first, len, s->cache16)
                               : psy_sndfile_read_frames(s->sf, first, len, s->cache);
    if (st != PSY_OK) return st;
    s->cache_start = first;
    s->cache_len = len;
    return PSY_OK;
}

static psy_status snd_read(void *vimpl, int ch, int64_t start, int64_t n, double *out)
{
    snd_impl *s = vimpl;
    const double scale = s->scale[ch], base = s->baseline[ch];
    const int stride = s->channels;
    while (n > 0) {
        if (s->cache_len == 0 || start < s->cache_start || start >= s->cache_start + s->cache_len) {
            psy_status st = load_span(s, start, n);
            if (st != PSY_OK) return st;
        }
        int64_t off = start - s->cache_start;
        int64_t k = s->cache_start + s->cache_len - start;
        if (k > n) k = n;
        if (s->cache16) {
            const short *src = s->cache16 + off * stride + ch;
            for (int64_t i = 0; i < k; i++) out[i] = (src[i * stride] - base) * scale;
        } else {
            const double *src = s->cache + off * stride + ch;
            for (int64_t i = 0; i < k; i++) out[i] = (src[i * stride] - base) * scale;
        }
        out += k;
        start += k;
        n -= k;
    }
    return PSY_OK;
}

static const psy_reader_ops snd_ops = {snd_read, NULL, snd_destroy};

static const char *major_format_name(int format)
{
    static const struct { int major; const char *name; } names[] = {
        {SF_FORMAT_WAV, "WAV"},     {SF_FORMAT_WAVEX, "WAV"},  {SF_FORMAT_RF64, "RF64"},
        {SF_FORMAT_W64, "W64"},     {SF_FORMAT_AIFF, "AIFF"},  {SF_FORMAT_AU, "AU"},
        {SF_FORMAT_RAW, "RAW"},     {SF_FORMAT_FLAC, "FLAC"},  {SF_FORMAT_OGG, "OGG"},
        {SF_FORMAT_CAF, "CAF"},     {SF_FORMAT_NIST, "NIST"},  {SF_FORMAT_IRCAM, "IRCAM"},
        {SF_FORMAT_VOC, "VOC"},     {SF_FORMAT_PAF, "PAF"},    {SF_FORMAT_SVX, "SVX"},
        {SF_FORMAT_MAT4, "MAT4"},   {SF_FORMAT_MAT5, "MAT5"},  {SF_FORMAT_PVF, "PVF"},
        {SF_FORMAT_XI, "XI"},       {SF_FORMAT_HTK, "HTK"},    {SF_FORMAT_SDS, "SDS"},
        {SF_FORMAT_AVR, "AVR"},     {SF_FORMAT_SD2, "SD2"},    {SF_FORMAT_WVE, "WVE"},
        {SF_FORMAT_MPC2K, "MPC2K"}, {SF_FORMAT_MPEG, "MPEG"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((format & SF_FORMAT_TYPEMASK) == names[i].major) return names[i].name;
    return "audio";
}

/* Bits of the integer the decoder returns, or 0 for floating-point / lossy encodings. */
static int integer_bits(int format)
{
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: case SF_FORMAT_DPCM_8: return 8;
    case SF_FORMAT_PCM_16: case SF_FORMAT_DPCM_16: case SF_FORMAT_ULAW: case SF_FORMAT_ALAW:
    case SF_FORMAT_ALAC_16: case SF_FORMAT_DWVW_16: return 16;
    case SF_FORMAT_PCM_24: case SF_FORMAT_ALAC_24: case SF_FORMAT_DWVW_24: return 24;
    case SF_FORMAT_PCM_32: case SF_FORMAT_ALAC_32: return 32;
    default: return 0;
    }
}

/* "<stem>.json" for the source's base name; "" when it has none. */
static void sidecar_name(const psy_source *src, char *out, size_t size)
{
    const char *name = psy_source_name(src);
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    out[0] = '\0';
    if (stem && stem + 6 <= size) {
        memcpy(out, base, stem);
        memcpy(out + stem, ".json", 6);
    }
}

/* Opens and parses the sidecar; *found = 0 when there is none (not an error). */
static psy_status load_sidecar(psy_source *src, const psy_open_options *opt, int channels,
                               psy_bids_sidecar *sc, int *found, psy_message *why)
{
    psy_source *side = NULL;
    *found = 0;
    if (opt->sidecar_path) {
        if (psy_has_suffix_ci(opt->sidecar_path, ".hea"))
            return psy_fail(why, PSY_E_UNSUPPORTED, "a WFDB .hea sidecar is read by the WFDB reader: "
                            "open the .hea itself");
        if (psy_source_open_path(opt->sidecar_path, &side) != PSY_OK)
            return psy_fail(why, PSY_E_IO, "cannot open the sidecar %s", opt->sidecar_path);
    } else {
        char name[512];
        sidecar_name(src, name, sizeof name);
        if (!name[0] || psy_source_open_related(src, name, &side) != PSY_OK) return PSY_OK;
    }
    *found = 1;
    psy_status st = psy_bids_sidecar_load(side, channels, sc, why);
    psy_source_close(side);
    return st;
}

/* Checks what libsndfile silently repairs: a WAV data chunk that claims more than the file has. */
static psy_status check_riff(psy_source *src, psy_reader *r, psy_riff_info *riff, psy_message *why)
{
    psy_riff_scan(src, riff);
    if (!riff->is_wave) return PSY_OK;
    /* 0 and 0xFFFFFFFF are what streaming writers leave before they know the size. */
    int placeholder = riff->data_declared == 0 || riff->data_declared == 0xFFFFFFFFLL;
    if (riff->data_declared > riff->data_available && !placeholder)
        return psy_fail(why, PSY_E_TRUNCATED, "WAV data chunk declares %lld bytes but the file holds %lld",
                        (long long)riff->data_declared, (long long)riff->data_available);
    if (placeholder && riff->data_available > 0)
        psy_reader_warn(r, "WAV data chunk size is a placeholder (%lld): reading to the end of the file",
                        (long long)riff->data_declared);
    if (riff->valid_bits > 0 && riff->valid_bits < riff->bits_per_sample)
        psy_reader_warn(r, "WAV fmt declares %d valid bits in %d-bit containers: raw values are "
                        "multiples of %lld", riff->valid_bits, riff->bits_per_sample,
                        1LL << (riff->bits_per_sample - riff->valid_bits));
    if (riff->other_chunks[0])
        psy_reader_warn(r, "WAV chunks not read: %s", riff->other_chunks);
    return PSY_OK;
}

/* The header may promise more frames than the stream holds (FLAC total_samples): decode the
 * last frame now rather than fail halfway through an analysis. */
static psy_status check_last_frame(psy_sndfile *f, psy_message *why)
{
    if (f->info.frames == 0) return PSY_OK;
    double *one = malloc((size_t)f->info.channels * sizeof *one);
    if (!one) return PSY_E_NOMEM;
    psy_status st = psy_sndfile_read_frames(f, f->info.frames - 1, 1, one);
    free(one);
    if (st != PSY_OK)
        return psy_fail(why, PSY_E_TRUNCATED, "audio header declares %lld frames but the data ends earlier",
                        (long long)f->info.frames);
    return PSY_OK;
}

static double choose_rate(psy_reader *r, const psy_open_options *opt, const psy_bids_sidecar *sc,
                          int have_sidecar, double header_rate)
{
    if (have_sidecar && sc->rate_hz > 0) return sc->rate_hz; /* declared: the rate rule applies */
    if (opt->sampling_rate_hz > 0) {
        psy_reader_set_rate_origin(r, PSY_RATE_GIVEN);
        return opt->sampling_rate_hz;
    }
    psy_reader_set_declared_rate(r, 0); /* an audio header's rate is no declaration */
    psy_reader_warn(r, "the sampling rate (%g Hz) comes from the audio header, which is often fake "
                    "for physiological data", header_rate);
    if (header_rate >= 8000 || header_rate <= 1)
        psy_reader_warn(r, "the audio header's rate %g Hz looks like an audio or placeholder rate, not "
                        "the signal's: give the true rate (--fs or a JSON sidecar)", header_rate);
    return header_rate;
}

static psy_status add_channels(psy_reader *r, snd_impl *s, const psy_bids_sidecar *sc, int have_sidecar,
                               double rate, int bits, int step_bits)
{
    for (int i = 0; i < s->channels; i++) {
        const psy_bids_sidecar_channel *sch = have_sidecar ? &sc->channels[i] : NULL;
        psy_channel_info info = {0};
        if (sch && sch->label[0]) psy_copy_field(info.label, sizeof info.label, sch->label, strlen(sch->label));
        else snprintf(info.label, sizeof info.label, "ch%d", i + 1);
        snprintf(info.file_unit, sizeof info.file_unit, "%s", sch && sch->unit[0] ? sch->unit : "adu");
        double gain = sch ? sch->gain : 1, base = sch ? sch->baseline : 0;
        s->scale[i] = 1 / gain;
        s->baseline[i] = base;
        info.rate_hz = rate;
        info.frames = s->frames;
        if (bits > 0) {
            double lo = -ldexp(1, bits - 1), hi = ldexp(1, bits - 1) - 1;
            info.physical_min = (lo - base) / gain;
            info.physical_max = (hi - base) / gain;
            info.resolution = ldexp(1, step_bits) / gain;
        } else {
            info.physical_min = info.physical_max = NAN;
        }
        if (psy_reader_add_channel(r, &info, 1) < 0) return PSY_E_NOMEM;
    }
    return PSY_OK;
}

static psy_status build(psy_source *src, const psy_open_options *opt, psy_reader *r, snd_impl *s,
                        psy_message *why)
{
    psy_riff_info riff;
    psy_status st = check_riff(src, r, &riff, why);
    if (st != PSY_OK) return st;
    if ((st = psy_sndfile_open(src, &s->sf, why)) != PSY_OK) return st;
    const SF_INFO *info = &s->sf->info;
    psy_reader_set_format(r, major_format_name(info->format));
    if (info->samplerate <= 0)
        return psy_fail(why, PSY_E_FORMAT, "audio header sample rate %d is not positive", info->samplerate);
    if ((st = check_last_frame(s->sf, why)) != PSY_OK) return st;
    s->channels = info->channels;
    s->frames = info->frames;
    s->block_frames = BLOCK_CELLS / s->channels > 0 ? BLOCK_CELLS / s->channels : 1;
    s->max_frames = MAX_CACHE_CELLS / s->channels > s->block_frames ? MAX_CACHE_CELLS / s->channels
                                                                     : s->block_frames;
    s->scale = calloc((size_t)s->channels, sizeof *s->scale);
    s->baseline = calloc((size_t)s->channels, sizeof *s->baseline);
    size_t cells = (size_t)(s->block_frames * s->channels);
    if ((info->format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16) s->cache16 = malloc(cells * sizeof *s->cache16);
    else s->cache = malloc(cells * sizeof *s->cache);
    if (!s->scale || !s->baseline || (!s->cache && !s->cache16)) return PSY_E_NOMEM;
    s->cache_cap = s->block_frames;

    psy_bids_sidecar sc = {0};
    int have_sidecar = 0;
    if ((st = load_sidecar(src, opt, s->channels, &sc, &have_sidecar, why)) != PSY_OK) return st;
    double rate = choose_rate(r, opt, &sc, have_sidecar, info->samplerate);
    if (!have_sidecar)
        psy_reader_warn(r, "no JSON sidecar: channel labels, units and scaling are the audio file's raw "
                        "integers (adu)");
    int bits = integer_bits(info->format);
    int step_bits = riff.is_wave && riff.valid_bits > 0 && riff.valid_bits < riff.bits_per_sample
                        ? riff.bits_per_sample - riff.valid_bits : 0;
    st = add_channels(r, s, &sc, have_sidecar, rate, bits, step_bits);
    if (st == PSY_OK && have_sidecar) {
        if (sc.start.known) psy_reader_set_start(r, &sc.start);
        if (sc.has_start_offset && sc.start_offset_s >= 0)
            st = psy_reader_add_stretch(r, sc.start_offset_s, (double)s->frames / rate);
        else if (sc.has_start_offset)
            psy_reader_warn(r, "sidecar StartTime %g s is negative: ignored", sc.start_offset_s);
    }
    if (have_sidecar) psy_bids_sidecar_free(&sc);
    return st;
}

psy_status psy_open_sndfile(psy_source *src, const psy_open_options *opt, psy_reader **out,
                            psy_message *why)
{
    *out = NULL;
    psy_open_options defaults = psy_open_options_default();
    if (!opt) opt = &defaults;
    psy_reader *r = psy_reader_new("audio");
    snd_impl *s = calloc(1, sizeof *s);
    if (!r || !s) {
        psy_reader_discard(r);
        free(s);
        return PSY_E_NOMEM;
    }
    psy_reader_set_impl(r, &snd_ops, s); /* the reader frees s from here on */
    psy_status st = build(src, opt, r, s, why);
    if (st == PSY_OK) st = psy_reader_finish(r);
    if (st != PSY_OK) {
        if (st == PSY_E_NOMEM) psy_fail(why, st, "out of memory");
        psy_reader_discard(r);
        return st;
    }
    psy_reader_adopt_source(r, src);
    *out = r;
    return PSY_OK;
}
