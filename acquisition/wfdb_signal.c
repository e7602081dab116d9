/* WFDB signal formats, from signal(5) of the WFDB Programmer's Guide (PhysioNet). */
#include <string.h>

#include "wfdb_signal.h"

int wfdb_format_supported(int f)
{
    switch (f) {
    case 0:
    case 8:
    case 16:
    case 61:
    case 80:
    case 160:
    case 212:
    case 310:
    case 311:
    case 24:
    case 32:
    case 508:
    case 516:
    case 524: return 1;
    default: return 0;
    }
}

int wfdb_format_is_flac(int f) { return f == 508 || f == 516 || f == 524; }

int wfdb_format_default_bits(int f)
{
    switch (f) {
    case 8:
    case 80:
    case 508: return 8;
    case 212: return 12;
    case 310:
    case 311: return 10;
    case 24:
    case 524: return 24;
    case 32: return 32;
    default: return 16;
    }
}

int wfdb_format_group_samples(int f) { return f == 212 ? 2 : (f == 310 || f == 311) ? 3 : 1; }

int wfdb_format_group_bytes(int f)
{
    switch (f) {
    case 8:
    case 80: return 1;
    case 212: return 3;
    case 310:
    case 311:
    case 32: return 4;
    case 24: return 3;
    case 0: return 0;
    default: return 2;
    }
}

int32_t wfdb_format_invalid(int f)
{
    switch (f) {
    case 80:
    case 508: return -128;
    case 212: return -2048;
    case 310:
    case 311: return -512;
    case 24:
    case 524: return -8388608;
    case 32: return INT32_MIN;
    case 8: return INT32_MIN; /* differences have no invalid code */
    default: return -32768;
    }
}

int64_t wfdb_format_bytes_for(int f, int64_t n)
{
    int gs = wfdb_format_group_samples(f), gb = wfdb_format_group_bytes(f);
    int64_t full = n / gs, rem = n % gs, tail = 0;
    if (f == 212 && rem) tail = 2; /* first sample: byte 0 + low nibble of byte 1 */
    if (f == 310 && rem) tail = rem == 1 ? 2 : 4; /* samples 0 and 1 sit in words 0 and 1 */
    if (f == 311 && rem) tail = rem == 1 ? 2 : 3; /* bits 0-9, then 10-19 */
    return full * gb + tail;
}

int64_t wfdb_format_samples_in(int f, int64_t bytes)
{
    int gs = wfdb_format_group_samples(f), gb = wfdb_format_group_bytes(f);
    if (gb == 0) return 0;
    int64_t full = bytes / gb * gs, rem = bytes % gb;
    if (f == 212 && rem >= 2) full += 1;
    if (f == 310 && rem >= 2) full += 1;
    if (f == 311 && rem >= 2) full += rem >= 3 ? 2 : 1;
    return full;
}

static int32_t sign_extend(uint32_t v, int bits)
{
    uint32_t m = 1u << (bits - 1);
    return (int32_t)((v ^ m) - m);
}

/* Decodes n samples; the bytes of ceil(n / group) whole groups must be readable. */
static void decode_groups(int f, const uint8_t *b, size_t n, int32_t *out, int32_t *prev, size_t slots,
                          size_t slot)
{
    size_t i = 0;
    switch (f) {
    case 8: /* first differences from the previous sample of the same signal */
        for (; i < n; i++) {
            prev[slot] = (int32_t)((uint32_t)prev[slot] + (uint32_t)(int32_t)(int8_t)b[i]);
            out[i] = prev[slot];
            if (++slot == slots) slot = 0;
        }
        break;
    case 16:
        for (; i < n; i++) out[i] = (int16_t)(uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
        break;
    case 61:
        for (; i < n; i++) out[i] = (int16_t)(uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
        break;
    case 80:
        for (; i < n; i++) out[i] = (int32_t)b[i] - 128;
        break;
    case 160:
        for (; i < n; i++) out[i] = (int32_t)(b[2 * i] | b[2 * i + 1] << 8) - 32768;
        break;
    case 24:
        for (; i < n; i++)
            out[i] = sign_extend(
                (uint32_t)b[3 * i] | (uint32_t)b[3 * i + 1] << 8 | (uint32_t)b[3 * i + 2] << 16, 24);
        break;
    case 32:
        for (; i < n; i++)
            out[i] = (int32_t)((uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                               (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24);
        break;
    case 212: /* two 12-bit samples in 3 bytes; byte 1 holds the high nibbles */
        for (; i + 1 < n; i += 2, b += 3) {
            out[i] = sign_extend((uint32_t)b[0] | (uint32_t)(b[1] & 0x0F) << 8, 12);
            out[i + 1] = sign_extend((uint32_t)b[2] | (uint32_t)(b[1] & 0xF0) << 4, 12);
        }
        if (i < n) out[i] = sign_extend((uint32_t)b[0] | (uint32_t)(b[1] & 0x0F) << 8, 12);
        break;
    case 310: /* two LE words: bits 1-10 of each, the third from the 5 top bits of both */
        for (; i < n; i += 3, b += 4) {
            uint32_t w0 = (uint32_t)b[0] | (uint32_t)b[1] << 8, w1 = (uint32_t)b[2] | (uint32_t)b[3] << 8;
            out[i] = sign_extend(w0 >> 1 & 0x3FF, 10);
            if (i + 1 < n) out[i + 1] = sign_extend(w1 >> 1 & 0x3FF, 10);
            if (i + 2 < n) out[i + 2] = sign_extend((w0 >> 11 & 0x1F) | (w1 >> 11 & 0x1F) << 5, 10);
        }
        break;
    case 311: /* one LE 32-bit word: bits 0-9, 10-19, 20-29 */
        for (; i < n; i += 3, b += 4) {
            uint32_t w = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
            out[i] = sign_extend(w & 0x3FF, 10);
            if (i + 1 < n) out[i + 1] = sign_extend(w >> 10 & 0x3FF, 10);
            if (i + 2 < n) out[i + 2] = sign_extend(w >> 20 & 0x3FF, 10);
        }
        break;
    default: memset(out, 0, n * sizeof *out); break;
    }
}

void wfdb_decode(int f, const uint8_t *b, size_t avail, size_t n, int32_t *out, int32_t *prev, size_t slots)
{
    size_t gs = (size_t)wfdb_format_group_samples(f), gb = (size_t)wfdb_format_group_bytes(f);
    if (gb == 0) {
        memset(out, 0, n * sizeof *out);
        return;
    }
    size_t groups = n / gs;
    if (groups > avail / gb) groups = avail / gb;
    decode_groups(f, b, groups * gs, out, prev, slots, 0);
    /* the rest (a partial last group, or bytes missing at the end) goes through a zeroed copy */
    for (size_t done = groups * gs; done < n; done += gs) {
        uint8_t group[4] = {0, 0, 0, 0};
        size_t at = done / gs * gb;
        if (at < avail) memcpy(group, b + at, avail - at < gb ? avail - at : gb);
        size_t k = n - done < gs ? n - done : gs;
        decode_groups(f, group, k, out + done, prev, slots, slots ? done % slots : 0);
    }
}
