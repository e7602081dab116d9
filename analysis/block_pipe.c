/* Blocks handed from one thread to another in order (block_pipe.h). */
#include <stdlib.h>
#include <string.h>

#include "block_pipe.h"

static void free_slots(block_pipe *p)
{
    for (int i = 0; i < BLOCK_PIPE_SLOTS; i++) free(p->slot[i]);
}

/* Frees the slots and the lock (the threads are done with them). */
static void destroy(block_pipe *p)
{
    pthread_cond_destroy(&p->moved);
    pthread_mutex_destroy(&p->lock);
    free_slots(p);
}

int block_pipe_start(block_pipe *p, size_t slot_bytes, void *(*run)(void *), void *arg)
{
    memset(p, 0, sizeof *p);
    int ok = 1;
    for (int i = 0; i < BLOCK_PIPE_SLOTS; i++) ok &= (p->slot[i] = malloc(slot_bytes ? slot_bytes : 1)) != NULL;
    if (ok && pthread_mutex_init(&p->lock, NULL) == 0) {
        if (pthread_cond_init(&p->moved, NULL) == 0) {
            if (pthread_create(&p->thread, NULL, run, arg) == 0) return 1;
            destroy(p);
            memset(p, 0, sizeof *p);
            return 0;
        }
        pthread_mutex_destroy(&p->lock);
    }
    free_slots(p);
    memset(p, 0, sizeof *p);
    return 0;
}

void block_pipe_join(block_pipe *p)
{
    pthread_join(p->thread, NULL);
    destroy(p);
}

void *block_pipe_room(block_pipe *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->put - p->got == BLOCK_PIPE_SLOTS && !p->stopped) pthread_cond_wait(&p->moved, &p->lock);
    void *slot = p->stopped ? NULL : p->slot[p->put % BLOCK_PIPE_SLOTS];
    pthread_mutex_unlock(&p->lock);
    return slot;
}

void block_pipe_put(block_pipe *p, size_t len)
{
    pthread_mutex_lock(&p->lock);
    p->len[p->put % BLOCK_PIPE_SLOTS] = len;
    p->put++;
    pthread_cond_signal(&p->moved);
    pthread_mutex_unlock(&p->lock);
}

void block_pipe_end(block_pipe *p)
{
    pthread_mutex_lock(&p->lock);
    p->ended = 1;
    pthread_cond_signal(&p->moved);
    pthread_mutex_unlock(&p->lock);
}

const void *block_pipe_get(block_pipe *p, size_t *len)
{
    pthread_mutex_lock(&p->lock);
    while (p->got == p->put && !p->ended) pthread_cond_wait(&p->moved, &p->lock);
    const void *slot = NULL;
    if (p->got < p->put) {
        slot = p->slot[p->got % BLOCK_PIPE_SLOTS];
        *len = p->len[p->got % BLOCK_PIPE_SLOTS];
    }
    pthread_mutex_unlock(&p->lock);
    return slot;
}

void block_pipe_done(block_pipe *p, int stop)
{
    pthread_mutex_lock(&p->lock);
    p->got++;
    p->stopped |= stop;
    pthread_cond_signal(&p->moved);
    pthread_mutex_unlock(&p->lock);
}
