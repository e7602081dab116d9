/* Internal: what libsndfile does not tell about a RIFF/WAVE file — its chunk list, the declared
 * data size and the valid bits per sample — read directly from the psy_source. */
#ifndef PSYPHYS_SNDFILE_RIFF_H
#define PSYPHYS_SNDFILE_RIFF_H

#include <stdint.h>
#include "psyphys/source.h"

typedef struct psy_riff_info {
    int is_wave;               /* 1 when the source is RIFF/WAVE (0: not RIFF, nothing below set) */
    int bits_per_sample;       /* fmt wBitsPerSample (container bits after rounding up to bytes) */
    int valid_bits;            /* declared significant bits (fmt or WAVE_FORMAT_EXTENSIBLE) */
    int64_t data_declared;     /* data chunk size from its header (-1: no data chunk) */
    int64_t data_available;    /* bytes of the data chunk present in the file */
    char other_chunks[128];    /* ids of chunks other than fmt/data/fact/JUNK/PAD, space separated */
} psy_riff_info;

/* Scans the chunk list (at most 4096 chunks; never reads past the source's size).
 * Never fails: an unreadable or non-RIFF source gives is_wave = 0. */
void psy_riff_scan(psy_source *src, psy_riff_info *out);

#endif
