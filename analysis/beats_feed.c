/* A channel pushed block by block through a detector (beats_feed_channel), its reading a stage of
 * its own: while the detector takes one block (filters and peak logic: most of the time), a
 * second thread reads and decodes the next from the file (a day's WFDB record: ~10 % of the
 * detection's time, then off its path). The blocks cross in a block_pipe: the detector sees the
 * same blocks in the same order as on one thread, so its output is the same bit for bit; on one
 * thread when a second cannot be had, for a single block, or for small blocks. */
#include <stdlib.h>

#include "beats_internal.h"
#include "block_pipe.h"
#include "psy_core.h" /* psy_fail */

#define READ_AHEAD_MIN 1024 /* samples a block: a smaller one's hand-over costs more than its reading */

typedef struct read_ahead {
    psy_reader *r;
    int ch;
    int64_t frames;
    size_t block;
    block_pipe pipe;
    psy_status st;      /* the reading's: PSY_OK, or a read error at sample failed_at */
    int64_t failed_at;
} read_ahead;

/* The block at sample at (< the channel's frames) into x: its length, or 0 on a read error
 * (a->st, a->failed_at say it). */
static int64_t read_block(read_ahead *a, int64_t at, double *x)
{
    int64_t n = a->frames - at < (int64_t)a->block ? a->frames - at : (int64_t)a->block;
    if ((a->st = psy_reader_read(a->r, a->ch, at, n, x)) == PSY_OK) return n;
    a->failed_at = at;
    return 0;
}

/* The reading thread: each block into the pipe, until the channel's end, a read error or a stop. */
static void *read_blocks(void *arg)
{
    read_ahead *a = arg;
    double *x;
    int64_t n;
    for (int64_t at = 0; at < a->frames && (x = block_pipe_room(&a->pipe)) != NULL; at += n) {
        if (!(n = read_block(a, at, x))) break;
        block_pipe_put(&a->pipe, (size_t)n);
    }
    block_pipe_end(&a->pipe);
    return NULL;
}

/* n samples through push until it has consumed them all. */
static psy_status push_all(beats_push_fn push, void *ctx, const double *x, size_t n)
{
    psy_status st = PSY_OK;
    for (size_t off = 0; off < n && st == PSY_OK;) {
        size_t used = 0;
        st = push(ctx, x + off, n - off, &used);
        off += used;
    }
    return st;
}

/* The blocks read in a second thread and pushed on this one; 0 (nothing done) when no thread can
 * be had. A read error leaves the blocks before it pushed and *st PSY_OK (a->st says it). */
static int push_read_ahead(read_ahead *a, beats_push_fn push, void *ctx, psy_status *st)
{
    if (!block_pipe_start(&a->pipe, a->block * sizeof(double), read_blocks, a)) return 0;
    const double *x;
    size_t n;
    while (*st == PSY_OK && (x = block_pipe_get(&a->pipe, &n)) != NULL) {
        *st = push_all(push, ctx, x, n);
        block_pipe_done(&a->pipe, *st != PSY_OK);
    }
    block_pipe_join(&a->pipe);
    return 1;
}

/* The same on the calling thread, one block at a time. */
static psy_status read_and_push(read_ahead *a, beats_push_fn push, void *ctx)
{
    double *x = malloc(a->block * sizeof *x);
    psy_status st = x ? PSY_OK : PSY_E_NOMEM;
    for (int64_t at = 0, n; st == PSY_OK && at < a->frames && (n = read_block(a, at, x)); at += n)
        st = push_all(push, ctx, x, (size_t)n);
    free(x);
    return st;
}

psy_status beats_feed_channel(psy_reader *r, int ch, size_t block, int may_thread, beats_push_fn push, void *ctx,
                              psy_message *why)
{
    const psy_channel_info *info = psy_reader_channel(r, ch);
    read_ahead a = {.r = r, .ch = ch, .frames = info->frames, .block = block ? block : 65536, .st = PSY_OK};
    psy_status st = PSY_OK;
    int ahead = may_thread && a.block >= READ_AHEAD_MIN && a.frames > (int64_t)a.block;
    if (!(ahead && push_read_ahead(&a, push, ctx, &st))) st = read_and_push(&a, push, ctx);
    if (st == PSY_OK && a.st != PSY_OK)
        st = psy_fail(why, a.st, "reading channel '%s' at sample %lld: %s", info->label, (long long)a.failed_at,
                      psy_strerror(a.st));
    return st;
}
