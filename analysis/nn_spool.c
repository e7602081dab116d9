/* A session's NN series in a temporary file (lean results): written as the streamed correction
 * produces it, read back by slices and as an HRV source, so that no reader holds it whole. */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hrv_beats.h" /* hrv_left_out_in */
#include "lower_bound.h"
#include "nn_spool.h"
#include "psy_core.h" /* psy_temp_file */

/* The file holds blocks of BLOCK intervals, each their nn_ms, then their end times, then their
 * flags (doubles as this machine stores them; the last block padded), so that a read goes
 * straight into the reader's arrays, a pread per column and block. */
#define BLOCK 4096
#define BLOCK_BYTES ((off_t)BLOCK * 17)
/* A source of the kept intervals marks every KEPT_STEP-th (nn_spool_source). */
#define KEPT_STEP 4096

nn_spool *nn_spool_create(void)
{
    nn_spool *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->nn = malloc(BLOCK * sizeof *s->nn), s->t = malloc(BLOCK * sizeof *s->t), s->corrected = malloc(BLOCK);
    if (s->nn && s->t && s->corrected && (s->fp = psy_temp_file()) != NULL) {
        s->fd = fileno(s->fp);
        return s;
    }
    int err = s->nn && s->t && s->corrected ? errno : ENOMEM;
    nn_spool_free(s);
    errno = err;
    return NULL;
}

void nn_spool_free(nn_spool *s)
{
    if (!s) return;
    if (s->fp) fclose(s->fp);
    free(s->nn), free(s->t), free(s->corrected);
    free(s);
}

/* Writes the block being filled (its unused end as zeros). */
static psy_status write_block(nn_spool *s)
{
    size_t held = s->n % BLOCK;
    if (held) {
        memset(s->nn + held, 0, (BLOCK - held) * sizeof *s->nn);
        memset(s->t + held, 0, (BLOCK - held) * sizeof *s->t);
        memset(s->corrected + held, 0, BLOCK - held);
    }
    int ok = fwrite(s->nn, sizeof *s->nn, BLOCK, s->fp) == BLOCK && fwrite(s->t, sizeof *s->t, BLOCK, s->fp) == BLOCK &&
             fwrite(s->corrected, 1, BLOCK, s->fp) == BLOCK;
    if (!ok && !s->err) s->err = errno;
    return ok ? PSY_OK : PSY_E_IO;
}

psy_status nn_spool_append(nn_spool *s, const double *nn, const double *t, const uint8_t *corrected, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        size_t j = s->n % BLOCK;
        s->nn[j] = nn[i], s->t[j] = t[i], s->corrected[j] = corrected[i];
        s->n_corrected += corrected[i] != 0;
        s->n++;
        if (s->n % BLOCK == 0 && write_block(s) != PSY_OK) return PSY_E_IO;
    }
    return PSY_OK;
}

psy_status nn_spool_finish(nn_spool *s)
{
    psy_status st = s->n % BLOCK ? write_block(s) : PSY_OK;
    free(s->nn), free(s->t), free(s->corrected); /* the block is written: its 70 kB not held on */
    s->nn = s->t = NULL, s->corrected = NULL;
    if (st == PSY_OK && fflush(s->fp) != 0) {
        s->err = errno;
        st = PSY_E_IO;
    }
    return st;
}

/* size bytes at offset of the file into p: 1, or 0 when they cannot all be read (a read
 * interrupted by a signal or short is taken up where it stopped). */
static int read_at(const nn_spool *s, void *p, size_t size, off_t offset)
{
    for (char *at = p; size;) {
        ssize_t got = pread(s->fd, at, size, offset);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return 0; /* a failure, or the end of the file */
        at += got, offset += got, size -= (size_t)got;
    }
    return 1;
}

psy_status nn_spool_read(const nn_spool *s, size_t i0, size_t count, double *nn, double *t, uint8_t *corrected)
{
    if (i0 > s->n || count > s->n - i0) return PSY_E_IO;
    for (size_t done = 0; done < count;) {
        size_t i = i0 + done, j = i % BLOCK, m = count - done < BLOCK - j ? count - done : BLOCK - j;
        off_t block = (off_t)(i / BLOCK) * BLOCK_BYTES;
        if ((nn && !read_at(s, nn + done, m * sizeof *nn, block + (off_t)(j * sizeof *nn))) ||
            (t && !read_at(s, t + done, m * sizeof *t, block + (off_t)((BLOCK + j) * sizeof *t))) ||
            (corrected && !read_at(s, corrected + done, m, block + (off_t)(2 * BLOCK * sizeof(double) + j))))
            return PSY_E_IO;
        done += m;
    }
    return PSY_OK;
}

/* Reads kept intervals k0 .. k0 + count - 1: from the step's mark on, the kept ones of the file
 * (hrv_interval_kept), the first k0 % KEPT_STEP of them passed over. */
static psy_status read_kept(const nn_spool_source *s, size_t k0, size_t count, double *nn, double *t)
{
    size_t c = k0 / KEPT_STEP, pass = k0 % KEPT_STEP, i = s->mark_at[c], got = 0;
    double last = s->mark_last_t[c], pn[256], pt[256];
    while (got < count) {
        if (i >= s->end) return PSY_E_IO;
        /* what is passed over goes to pn, pt; the rest straight where it is asked (kept in place) */
        double *dn = pass ? pn : nn + got, *dt = pass ? pt : t + got;
        size_t room = pass ? sizeof pn / sizeof *pn : count - got, m = s->end - i < room ? s->end - i : room;
        psy_status st = nn_spool_read(s->spool, i, m, dn, dt, NULL);
        if (st != PSY_OK) return st;
        i += m;
        for (size_t j = 0; j < m && got < count; j++) {
            if (!hrv_interval_kept(dn[j], dt[j], last)) continue;
            last = dt[j];
            if (pass) pass--;
            else nn[got] = dn[j], t[got] = dt[j], got++;
        }
    }
    return PSY_OK;
}

static psy_status source_read(void *ctx, size_t i0, size_t count, double *nn, double *t)
{
    const nn_spool_source *s = ctx;
    if (s->mark_at) return read_kept(s, i0, count, nn, t);
    return nn_spool_read(s->spool, s->base + i0, count, nn, t, NULL);
}

void nn_spool_source_init(nn_spool_source *s, const nn_spool *spool, size_t base)
{
    *s = (nn_spool_source){{source_read, s}, spool, base, spool->n, NULL, NULL};
}

int nn_arrays_grow(double **nn, double **t, uint8_t **corrected, size_t cap)
{
    double *a = realloc(*nn, cap * sizeof *a);
    if (a) *nn = a;
    double *b = realloc(*t, cap * sizeof *b);
    if (b) *t = b;
    uint8_t *c = realloc(*corrected, cap);
    if (c) *corrected = c;
    return a && b && c;
}

void nn_buf_free(nn_buf *b)
{
    free(b->nn), free(b->t), free(b->corrected);
    memset(b, 0, sizeof *b);
}

/* Room for n intervals in b: 1, or 0 when out of memory. */
static int buf_room(nn_buf *b, size_t n)
{
    if (n <= b->cap) return 1;
    if (!nn_arrays_grow(&b->nn, &b->t, &b->corrected, n)) return 0;
    b->cap = n;
    return 1;
}

size_t nn_view_bound(const nn_view *v, double x, int upper, psy_status *st)
{
    if (!v->spool) return (upper ? psy_upper_bound : psy_lower_bound)(v->beats->nn_onset_s, v->beats->n_nn, x);
    if (upper) x = nextafter(x, INFINITY); /* psy_upper_bound's: the first > x is the first >= the next double */
    size_t lo = 0, hi = v->spool->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        double t;
        if (nn_spool_read(v->spool, mid, 1, NULL, &t, NULL) != PSY_OK) {
            *st = PSY_E_IO;
            return lo;
        }
        if (t < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

psy_status nn_view_slice(const nn_view *v, size_t a, size_t b, nn_buf *buf, nn_slice *out)
{
    size_t n = b - a;
    if (!v->spool) {
        const psy_beat_list *l = v->beats;
        *out = (nn_slice){l->nn_ms + a, l->nn_onset_s + a, l->nn_corrected + a, n};
        return PSY_OK;
    }
    if (!buf_room(buf, n)) return PSY_E_NOMEM;
    *out = (nn_slice){buf->nn, buf->t, buf->corrected, n};
    return nn_spool_read(v->spool, a, n, buf->nn, buf->t, buf->corrected);
}

/* What scan_kept counts of a span: the intervals the HRV keeps, their duration (s), the corrected. */
typedef struct kept_count {
    size_t n;
    double duration_s;
    size_t n_corrected;
} kept_count;

/* One pass over intervals [a, b) of the spool: what it keeps of them (hrv_interval_kept) into
 * *kept; when one is skipped, src reads the kept ones (its marks malloc'd: nn_spool_source_free),
 * else those of [a, b). buf: room for a block. */
static psy_status scan_kept(const nn_spool *s, size_t a, size_t b, nn_buf *buf, nn_spool_source *src, kept_count *kept)
{
    nn_spool_source_init(src, s, a);
    size_t marks = (b - a) / KEPT_STEP + 1, k = 0;
    src->mark_at = malloc(marks * sizeof *src->mark_at), src->mark_last_t = malloc(marks * sizeof *src->mark_last_t);
    if (!src->mark_at || !src->mark_last_t || !buf_room(buf, b - a < BLOCK ? b - a : BLOCK)) return PSY_E_NOMEM;
    double last = -INFINITY, dur = 0;
    size_t n_corrected = 0;
    for (size_t i = a; i < b;) {
        size_t m = b - i < BLOCK ? b - i : BLOCK;
        psy_status st = nn_spool_read(s, i, m, buf->nn, buf->t, buf->corrected);
        if (st != PSY_OK) return st;
        for (size_t j = 0; j < m; j++) {
            if (!hrv_interval_kept(buf->nn[j], buf->t[j], last)) continue;
            if (k % KEPT_STEP == 0) src->mark_at[k / KEPT_STEP] = i + j, src->mark_last_t[k / KEPT_STEP] = last;
            last = buf->t[j], dur += buf->nn[j], k++, n_corrected += buf->corrected[j] != 0;
        }
        i += m;
    }
    *kept = (kept_count){k, dur / 1000.0, n_corrected};
    if (k == b - a) { /* none skipped: the file's intervals as they are */
        free(src->mark_at), free(src->mark_last_t);
        src->mark_at = NULL, src->mark_last_t = NULL;
    } else {
        src->end = b;
    }
    return PSY_OK;
}

void nn_spool_source_free(nn_spool_source *s)
{
    free(s->mark_at), free(s->mark_last_t);
    s->mark_at = NULL, s->mark_last_t = NULL;
}

static atomic_size_t source_reads; /* nn_view_source_reads; the windows' thread counts too */

size_t nn_view_source_reads(void)
{
    return atomic_load(&source_reads);
}

psy_status nn_view_hrv(const nn_view *v, psy_hrv *h, double t0_s, double t1_s, nn_buf *buf, psy_hrv_result *r)
{
    if (!v->spool) return psy_hrv_compute_beats(h, v->beats, 1, t0_s, t1_s, r, NULL);
    if (isnan(t0_s) || isnan(t1_s)) return PSY_E_INVALID;
    /* the spans of psy_hrv_compute_beats: NN ending in (t0, t1], and the left-out ones there */
    psy_status st = PSY_OK;
    size_t a = nn_view_bound(v, t0_s, 1, &st), b = nn_view_bound(v, t1_s, 1, &st);
    if (st != PSY_OK) return st;
    if (b < a) b = a;
    size_t left = hrv_left_out_in(v->beats, t0_s, t1_s);
    if (b - a > v->source_min) {
        atomic_fetch_add(&source_reads, 1);
        kept_count kept;
        nn_spool_source src;
        st = scan_kept(v->spool, a, b, buf, &src, &kept);
        if (st == PSY_OK) st = hrv_compute_source(h, &src.src, kept.n, kept.duration_s, kept.n_corrected, left, r);
        nn_spool_source_free(&src);
        return st;
    }
    nn_slice s;
    if ((st = nn_view_slice(v, a, b, buf, &s)) != PSY_OK) return st;
    return hrv_compute_left_out(h, s.nn, s.t, s.corrected, s.n, left, r, NULL);
}
