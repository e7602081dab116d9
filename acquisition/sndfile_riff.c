/* RIFF/WAVE chunk scan (Microsoft RIFF spec 1991; WAVE_FORMAT_EXTENSIBLE, 1998): chunks are
 * <4-byte id><uint32 LE size><payload, padded to an even length>. */
#include <stdio.h>
#include <string.h>

#include "sndfile_riff.h"

enum { MAX_CHUNKS = 4096 };

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned le16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

static void note_chunk(psy_riff_info *out, const unsigned char *id)
{
    char name[5];
    for (int i = 0; i < 4; i++) name[i] = id[i] >= 0x20 && id[i] < 0x7f ? (char)id[i] : '?';
    name[4] = '\0';
    size_t used = strlen(out->other_chunks);
    if (used + 6 < sizeof out->other_chunks)
        snprintf(out->other_chunks + used, sizeof out->other_chunks - used, "%s%s", used ? " " : "",
                 name);
}

static void read_fmt(psy_source *src, int64_t pos, uint32_t size, psy_riff_info *out)
{
    unsigned char fmt[40] = {0};
    size_t want = size < sizeof fmt ? size : sizeof fmt;
    if (want < 16 || psy_source_read_exact(src, pos, fmt, want) != PSY_OK) return;
    out->bits_per_sample = (int)le16(fmt + 14);
    out->valid_bits = out->bits_per_sample;
    /* WAVE_FORMAT_EXTENSIBLE (0xFFFE): cbSize >= 22, then wValidBitsPerSample. */
    if (le16(fmt) == 0xFFFE && want >= 26 && le16(fmt + 16) >= 22 && le16(fmt + 18) > 0)
        out->valid_bits = (int)le16(fmt + 18);
    /* A PCM wBitsPerSample that is not a multiple of 8 (e.g. 12) means that many valid bits,
     * left-justified in a container rounded up to whole bytes. */
    if (out->bits_per_sample % 8) out->bits_per_sample += 8 - out->bits_per_sample % 8;
    /* Integer PCM containers hold at most 32 bits (RIFF fmt, WAVE_FORMAT_EXTENSIBLE); wider ones
     * are float or bogus, where valid bits mean nothing (and 2^(bits - valid) would overflow). */
    if (out->bits_per_sample > 32 || out->valid_bits > out->bits_per_sample)
        out->valid_bits = out->bits_per_sample;
}

void psy_riff_scan(psy_source *src, psy_riff_info *out)
{
    memset(out, 0, sizeof *out);
    out->data_declared = -1;
    unsigned char head[12];
    int64_t size = psy_source_size(src);
    if (size < 12 || psy_source_read_exact(src, 0, head, 12) != PSY_OK) return;
    if (memcmp(head, "RIFF", 4) != 0 || memcmp(head + 8, "WAVE", 4) != 0) return;
    out->is_wave = 1;
    int64_t pos = 12;
    for (int n = 0; n < MAX_CHUNKS && pos + 8 <= size; n++) {
        unsigned char ch[8];
        if (psy_source_read_exact(src, pos, ch, 8) != PSY_OK) return;
        uint32_t len = le32(ch + 4);
        int64_t body = pos + 8;
        if (memcmp(ch, "fmt ", 4) == 0) {
            read_fmt(src, body, len, out);
        } else if (memcmp(ch, "data", 4) == 0) {
            out->data_declared = len;
            out->data_available = size - body < (int64_t)len ? size - body : (int64_t)len;
        } else if (memcmp(ch, "fact", 4) && memcmp(ch, "JUNK", 4) && memcmp(ch, "PAD ", 4)) {
            note_chunk(out, ch);
        }
        pos = body + (int64_t)len + (len & 1);
    }
}
