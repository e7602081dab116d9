/* A session's NN series in a temporary file (lean results): written as the streamed correction
 * produces it, read back by slices and as an HRV source, so that no reader holds it whole. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lower_bound.h"
#include "nn_spool.h"
#include "psy_core.h" /* psy_temp_file */

/* The file holds blocks of BLOCK intervals, each their nn_ms, then their end times, then their
 * flags (doubles as this machine stores them; the last block padded), so that a read goes
 * straight into the reader's arrays, a pread per column and block. */
#define BLOCK 4096
#define BLOCK_BYTES ((off_t)BLOCK * 17)

nn_spool *nn_spool_create(void)
{
    nn_spool *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->nn = malloc(BLOCK * sizeof *s->nn), s->t = malloc(BLOCK * sizeof *s->t), s->corrected = malloc(BLOCK);
    if (s->nn && s->t && s->corrected && (s->fp = psy_temp_file()) != NULL) {
        s->fd = fileno(s->fp);
        return s;
    }
    nn_spool_free(s);
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
    return st == PSY_OK && fflush(s->fp) == 0 ? PSY_OK : PSY_E_IO;
}

/* size bytes at offset of the file into p: 1, or 0 when they cannot all be read. */
static int read_at(const nn_spool *s, void *p, size_t size, off_t offset)
{
    return pread(s->fd, p, size, offset) == (ssize_t)size;
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

static psy_status source_read(void *ctx, size_t i0, size_t count, double *nn, double *t)
{
    const nn_spool_source *s = ctx;
    return nn_spool_read(s->spool, s->base + i0, count, nn, t, NULL);
}

void nn_spool_source_init(nn_spool_source *s, const nn_spool *spool, size_t base)
{
    s->src.read = source_read;
    s->src.ctx = s;
    s->spool = spool, s->base = base;
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

size_t nn_view_bound(const nn_view *v, double x, int upper, psy_status *st)
{
    if (upper) x = nextafter(x, INFINITY); /* the first > x is the first >= the next double */
    if (!v->spool) return psy_lower_bound(v->beats->nn_onset_s, v->beats->n_nn, x);
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
    if (n > buf->cap) {
        if (!nn_arrays_grow(&buf->nn, &buf->t, &buf->corrected, n)) return PSY_E_NOMEM;
        buf->cap = n;
    }
    *out = (nn_slice){buf->nn, buf->t, buf->corrected, n};
    return nn_spool_read(v->spool, a, n, buf->nn, buf->t, buf->corrected);
}

/* The corrected intervals among [a, b) of the spool. */
static psy_status count_corrected(const nn_spool *s, size_t a, size_t b, size_t *n)
{
    uint8_t c[4096];
    *n = 0;
    for (size_t i = a; i < b;) {
        size_t k = b - i < sizeof c ? b - i : sizeof c;
        psy_status st = nn_spool_read(s, i, k, NULL, NULL, c);
        if (st != PSY_OK) return st;
        for (size_t j = 0; j < k; j++) *n += c[j] != 0;
        i += k;
    }
    return PSY_OK;
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
    const psy_beat_list *l = v->beats;
    size_t left = 0;
    if (l->nn_left_out_s) {
        size_t la = psy_lower_bound(l->nn_left_out_s, l->counts.nn_left_out, nextafter(t0_s, INFINITY));
        size_t lb = psy_lower_bound(l->nn_left_out_s, l->counts.nn_left_out, nextafter(t1_s, INFINITY));
        left = lb > la ? lb - la : 0;
    }
    if (b - a > v->source_min) {
        size_t n_corrected;
        nn_spool_source src;
        nn_spool_source_init(&src, v->spool, a);
        if ((st = count_corrected(v->spool, a, b, &n_corrected)) != PSY_OK) return st;
        st = hrv_compute_source(h, &src.src, b - a, n_corrected, left, r);
        if (st != PSY_E_INVALID) return st; /* else an interval the HRV skips: the arrays' way */
    }
    nn_slice s;
    if ((st = nn_view_slice(v, a, b, buf, &s)) != PSY_OK) return st;
    return hrv_compute_left_out(h, s.nn, s.t, s.corrected, s.n, left, r, NULL);
}
