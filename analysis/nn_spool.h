/* A NN series spooled to a temporary file as it is produced (a session's lean results,
 * psyphys/session.h), read back by time slice or whole as an HRV source; and a view of a
 * session's NN series, spooled or in its beat list's arrays, that the session's readers share
 * (nn_spool.c). Internal. */
#ifndef PSYPHYS_NN_SPOOL_H
#define PSYPHYS_NN_SPOOL_H

#include <stdio.h>

#include "hrv_internal.h" /* hrv_source */
#include "psyphys/beats.h"

/* Why what reads a spool is n/a when its file cannot be read back. */
#define NN_SPOOL_UNREADABLE "the NN series' temporary file could not be read"

/* The n/a reason of a reader's failure on the NN series: PSY_E_IO or PSY_E_NOMEM. */
static inline const char *nn_status_why(psy_status st)
{
    return st == PSY_E_IO ? NN_SPOOL_UNREADABLE : "out of memory";
}

typedef struct nn_spool {
    FILE *fp;           /* 17 bytes an interval: nn_ms, end time (s), corrected (nn_spool.c) */
    int fd;             /* fp's, read by pread */
    size_t n;           /* intervals appended */
    size_t n_corrected; /* of them corrected */
    double *nn, *t;     /* the block being filled: its n % 4096 intervals (freed by finish) */
    uint8_t *corrected;
    int err;            /* errno of the first write or flush that failed (0: none) */
} nn_spool;

/* A spool on a new temporary file (psy_temp_file); NULL when none can be made or out of memory,
 * errno saying why. */
nn_spool *nn_spool_create(void);
/* NULL-safe; closes the file. */
void nn_spool_free(nn_spool *s);
/* Appends count intervals (ms), their end times (s, non-decreasing across calls) and corrected
 * flags. PSY_OK, PSY_E_IO (a full disk may show only at nn_spool_finish; s->err says why). */
psy_status nn_spool_append(nn_spool *s, const double *nn, const double *t, const uint8_t *corrected, size_t count);
/* Writes and flushes what is appended: PSY_OK or PSY_E_IO (s->err says why). The reads below follow (no append). */
psy_status nn_spool_finish(nn_spool *s);

/* Intervals i0 .. i0 + count - 1 into nn, t, corrected (each may be NULL). Reads with pread (no
 * shared file offset): any number of threads may read at once. PSY_OK or PSY_E_IO. */
psy_status nn_spool_read(const nn_spool *s, size_t i0, size_t count, double *nn, double *t, uint8_t *corrected);

/* A session's NN series: in `beats`' arrays (spool NULL), or in spool (beats' nn_* NULL). A
 * span of more than source_min spooled intervals is read by HRV as a source (nn_view_hrv). */
typedef struct nn_view {
    const psy_beat_list *beats;
    const nn_spool *spool;
    size_t source_min;
} nn_view;

/* Room a reader of a spooled series keeps its slices in (one per thread); zero it first. */
typedef struct nn_buf {
    double *nn, *t;
    uint8_t *corrected;
    size_t cap;
} nn_buf;
void nn_buf_free(nn_buf *b);

/* Reallocates the three arrays of a NN series to cap intervals each (cap > 0): 1, or 0 when out
 * of memory (those that could be grown are, the others kept as they were). */
int nn_arrays_grow(double **nn, double **t, uint8_t **corrected, size_t cap);

/* A slice of the series: n intervals at nn, t, corrected (valid until the buffer's next use). */
typedef struct nn_slice {
    const double *nn, *t;
    const uint8_t *corrected;
    size_t n;
} nn_slice;

/* The first index whose end time is >= x (upper: > x) of v's series; n when none. A spool is
 * searched in place (an end time read per step: no index held). *st PSY_E_IO when the spool cannot
 * be read (left untouched otherwise). */
size_t nn_view_bound(const nn_view *v, double x, int upper, psy_status *st);
/* Intervals [a, b) of v's series: pointers into the arrays, or read into buf. PSY_OK, PSY_E_IO,
 * PSY_E_NOMEM. */
psy_status nn_view_slice(const nn_view *v, size_t a, size_t b, nn_buf *buf, nn_slice *out);

/* psy_hrv_compute_beats(h, v->beats, 1, t0_s, t1_s, r, NULL) on the view: a span of more than
 * v->source_min spooled intervals (a long segment, the whole recording) read as an HRV source
 * (hrv_compute_source) of the intervals the HRV keeps rather than into buf; the same values
 * either way. The source costs time (every analysis makes its own passes over the file, ~96 of
 * them), the slice 17 bytes an interval: NN_VIEW_SOURCE_MIN, the session's, holds up to 4.5 MB
 * (2.4 days at 75 bpm); a source holds a block in buf and, when the span has intervals the HRV
 * skips, 16 bytes every 4096 intervals. Its returns, and PSY_E_IO when the spool cannot be
 * read. */
#define NN_VIEW_SOURCE_MIN ((size_t)1 << 18)
psy_status nn_view_hrv(const nn_view *v, psy_hrv *h, double t0_s, double t1_s, nn_buf *buf, psy_hrv_result *r);

/* Test only: the spans nn_view_hrv has read as an HRV source in this process (so a test that
 * lowers the source's threshold can tell that the path was taken). */
size_t nn_view_source_reads(void);

/* The spooled series from interval base on as an HRV source (its intervals read by index); or,
 * made by nn_view_hrv, the intervals of [base, end) that the HRV keeps (hrv_interval_kept), read
 * from marks: every 4096th kept one's index and the end time of the kept one before it. */
typedef struct nn_spool_source {
    hrv_source src;
    const nn_spool *spool;
    size_t base, end;
    size_t *mark_at;      /* NULL: every interval from base on */
    double *mark_last_t;
} nn_spool_source;
void nn_spool_source_init(nn_spool_source *s, const nn_spool *spool, size_t base);
/* Frees a source's marks (NULL-safe fields). */
void nn_spool_source_free(nn_spool_source *s);

#endif
