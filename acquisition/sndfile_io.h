/* Internal: libsndfile over a psy_source (virtual I/O), for the audio reader and for WFDB's
 * FLAC-stored signal formats (508/516/524). */
#ifndef PSYPHYS_SNDFILE_IO_H
#define PSYPHYS_SNDFILE_IO_H

#include <sndfile.h>
#include "psyphys/source.h"

typedef struct psy_sndfile {
    SNDFILE *sf;
    SF_INFO info;     /* as libsndfile reports it (its samplerate may be fake) */
    psy_source *src;  /* not owned */
    int64_t pos;      /* virtual file position */
    int64_t next_frame; /* frame libsndfile decodes next (-1: unknown), to skip needless seeks */
} psy_sndfile;

/* Opens src for reading with libsndfile; raw integer scaling (no normalisation to [-1, 1)),
 * so doubles read back are the stored integers. *out is heap-allocated; close with
 * psy_sndfile_close. PSY_E_FORMAT (with libsndfile's reason in why) when it cannot decode it. */
psy_status psy_sndfile_open(psy_source *src, psy_sndfile **out, psy_message *why);

/* Reads frames [start, start + n) (all channels interleaved) into buf (n * channels doubles).
 * PSY_OK, PSY_E_IO or PSY_E_TRUNCATED. */
psy_status psy_sndfile_read_frames(psy_sndfile *f, int64_t start, int64_t n, double *buf);

/* The same into 16-bit integers: exact for 16-bit PCM (FLAC, WAV, ...), where it is the fast path;
 * other encodings are rescaled by libsndfile, so use psy_sndfile_read_frames for them. */
psy_status psy_sndfile_read_frames_short(psy_sndfile *f, int64_t start, int64_t n, short *buf);

void psy_sndfile_close(psy_sndfile *f);

#endif
