#!/usr/bin/env python3
"""Writes OUT: a WFDB annotation file (MIT format, annot(5)) that repeats IN `tiles` times, each
copy shifted by `length` samples -- the annotations of a record tiled by bench/tile_100.sh.
   python3 bench/tile_atr.py IN OUT TILES LENGTH"""
import struct
import sys

SKIP, NUM, SUB, CHN, AUX = 59, 60, 61, 62, 63


def read(path):
    """(time, code, extra bytes) of each annotation; extra: its NUM/SUB/CHN/AUX words."""
    data = open(path, "rb").read()
    out, t, i = [], 0, 0
    while i + 2 <= len(data):
        (w,) = struct.unpack_from("<H", data, i)
        a, n = w >> 10, w & 0x3FF
        i += 2
        if a == 0 and n == 0:
            break
        if a == SKIP:
            hi, lo = struct.unpack_from("<HH", data, i)
            i += 4
            t += (hi << 16) | lo
        elif a in (NUM, SUB, CHN):
            if out:
                out[-1][2] += struct.pack("<H", w)
        elif a == AUX:
            size = n + (n & 1)
            if out:
                out[-1][2] += struct.pack("<H", w) + data[i:i + size]
            i += size
        else:
            t += n
            out.append([t, a, b""])
    return out


def main():
    src, dst, tiles, length = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ann = read(src)
    words, prev = bytearray(), 0
    for k in range(tiles):
        for t, code, extra in ann:
            delta = k * length + t - prev
            if delta > 1023:
                words += struct.pack("<HHH", SKIP << 10, delta >> 16, delta & 0xFFFF)
                delta = 0
            words += struct.pack("<H", (code << 10) | delta) + extra
            prev = k * length + t
    words += b"\0\0"
    open(dst, "wb").write(words)


main()
