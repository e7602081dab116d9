/* A channel pushed block by block through a detector (beats_feed_channel), its reading a stage of
 * its own: while the detector takes one block (filters and peak logic: most of the time), a
 * second thread reads and decodes the next from the file (a day's WFDB record: ~10 % of the
 * detection's time, then off its path). Two blocks in turn, handed over under a lock: the
 * detector sees the same blocks in the same order as on one thread, so its output is the same
 * bit for bit; on one thread when a second cannot be had, or for a single block. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "beats_internal.h"

#define SLOTS 2 /* blocks in flight: one being read, one being pushed */

typedef struct read_ahead {
    psy_reader *r;
    int ch;
    int64_t frames;
    size_t block;
    double *slot[SLOTS];
    int64_t len[SLOTS];     /* samples in each filled slot */
    pthread_mutex_t lock;
    pthread_cond_t moved;   /* a block was read, taken, or the reading ended or was stopped */
    size_t read, pushed;    /* blocks so far; block i is in slot i % SLOTS */
    int ended, stop;        /* the reader is done / the detector wants no more */
    psy_status st;          /* the reader's: PSY_OK, or a read error at sample failed_at */
    int64_t failed_at;
} read_ahead;

/* The reading thread: each block into a free slot, until the channel's end, a read error or stop. */
static void *read_blocks(void *arg)
{
    read_ahead *a = arg;
    for (int64_t at = 0; at < a->frames;) {
        pthread_mutex_lock(&a->lock);
        while (a->read - a->pushed == SLOTS && !a->stop) pthread_cond_wait(&a->moved, &a->lock);
        int stop = a->stop;
        size_t i = a->read % SLOTS;
        pthread_mutex_unlock(&a->lock);
        if (stop) break;
        int64_t n = a->frames - at < (int64_t)a->block ? a->frames - at : (int64_t)a->block;
        psy_status st = psy_reader_read(a->r, a->ch, at, n, a->slot[i]); /* slot i is this thread's */
        pthread_mutex_lock(&a->lock);
        if (st == PSY_OK) a->len[i] = n, a->read++;
        else a->st = st, a->failed_at = at;
        pthread_cond_signal(&a->moved);
        pthread_mutex_unlock(&a->lock);
        if (st != PSY_OK) break;
        at += n;
    }
    pthread_mutex_lock(&a->lock);
    a->ended = 1;
    pthread_cond_signal(&a->moved);
    pthread_mutex_unlock(&a->lock);
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

/* The detector's side: each block as the reader hands it over, in order. */
static psy_status push_blocks(read_ahead *a, beats_push_fn push, void *ctx)
{
    psy_status st = PSY_OK;
    for (;;) {
        pthread_mutex_lock(&a->lock);
        while (a->pushed == a->read && !a->ended) pthread_cond_wait(&a->moved, &a->lock);
        int more = a->pushed < a->read;
        size_t i = a->pushed % SLOTS;
        pthread_mutex_unlock(&a->lock);
        if (!more) return PSY_OK; /* every block read is pushed; a read error is a->st */
        st = push_all(push, ctx, a->slot[i], (size_t)a->len[i]);
        pthread_mutex_lock(&a->lock);
        a->pushed++;
        if (st != PSY_OK) a->stop = 1;
        pthread_cond_signal(&a->moved);
        pthread_mutex_unlock(&a->lock);
        if (st != PSY_OK) return st;
    }
}

/* The same on the calling thread, one block at a time. */
static psy_status read_and_push(read_ahead *a, beats_push_fn push, void *ctx)
{
    psy_status st = PSY_OK;
    for (int64_t at = 0; st == PSY_OK && at < a->frames;) {
        int64_t n = a->frames - at < (int64_t)a->block ? a->frames - at : (int64_t)a->block;
        if ((st = psy_reader_read(a->r, a->ch, at, n, a->slot[0])) != PSY_OK) {
            a->st = st, a->failed_at = at;
            return PSY_OK;
        }
        st = push_all(push, ctx, a->slot[0], (size_t)n);
        at += n;
    }
    return st;
}

/* The reading in a second thread while this one pushes; 0 (nothing done) when no thread can be
 * had. */
static int push_read_ahead(read_ahead *a, beats_push_fn push, void *ctx, psy_status *st)
{
    pthread_t reader;
    if (pthread_mutex_init(&a->lock, NULL) != 0) return 0;
    int started = pthread_cond_init(&a->moved, NULL) == 0;
    if (started && !(started = pthread_create(&reader, NULL, read_blocks, a) == 0)) pthread_cond_destroy(&a->moved);
    if (started) {
        *st = push_blocks(a, push, ctx);
        pthread_join(reader, NULL);
        pthread_cond_destroy(&a->moved);
    }
    pthread_mutex_destroy(&a->lock);
    return started;
}

psy_status beats_feed_channel(psy_reader *r, int ch, size_t block, int may_thread, beats_push_fn push, void *ctx,
                              psy_message *why)
{
    const psy_channel_info *info = psy_reader_channel(r, ch);
    read_ahead a = {.r = r, .ch = ch, .frames = info->frames, .block = block ? block : 65536, .st = PSY_OK};
    int threaded = may_thread && a.frames > (int64_t)a.block;
    for (int i = 0; i < (threaded ? SLOTS : 1); i++)
        if (!(a.slot[i] = malloc(a.block * sizeof *a.slot[i]))) threaded = 0;
    psy_status st = a.slot[0] ? PSY_OK : PSY_E_NOMEM;
    if (st == PSY_OK && !(threaded && push_read_ahead(&a, push, ctx, &st))) st = read_and_push(&a, push, ctx);
    if (st == PSY_OK && a.st != PSY_OK) {
        st = a.st;
        snprintf(why->text, sizeof why->text, "reading channel '%s' at sample %lld: %s", info->label,
                 (long long)a.failed_at, psy_strerror(st));
    }
    for (int i = 0; i < SLOTS; i++) free(a.slot[i]);
    return st;
}
