/* Internal: blocks handed from one thread to another in order (a bounded single-producer,
 * single-consumer queue of fixed-size slots), for the stages of a channel's analysis that run
 * side by side: its reading and the R-peak detector (beats_feed.c), the detector and the beats'
 * classification (beats_streamed.c). The producer fills a free slot and puts it; the consumer
 * gets the slots in the order they were put and frees each when done. Either side waits for the
 * other (a full or an empty pipe); what crosses is the blocks alone, so the consumer sees the
 * same sequence whatever the threads' timing. */
#ifndef PSYPHYS_BLOCK_PIPE_H
#define PSYPHYS_BLOCK_PIPE_H

#include <pthread.h>
#include <stddef.h>

#define BLOCK_PIPE_SLOTS 2 /* one being filled, one being used */

typedef struct block_pipe {
    void *slot[BLOCK_PIPE_SLOTS];
    size_t len[BLOCK_PIPE_SLOTS]; /* what the producer said each put slot holds */
    size_t put, got;              /* slots so far; the k-th is slot[k % BLOCK_PIPE_SLOTS] */
    int ended, stopped;           /* the producer has no more / the consumer wants no more */
    pthread_mutex_t lock;
    pthread_cond_t moved;         /* one for both sides: the producer waits on a full pipe, the
                                     * consumer on an empty one, never both at once */
    pthread_t thread;             /* the side block_pipe_start started */
} block_pipe;

/* Slots of slot_bytes each, and a thread running run(arg): one side of the pipe, the caller the
 * other. 1, or 0 when no memory, lock or thread can be had (*p then holds nothing). */
int block_pipe_start(block_pipe *p, size_t slot_bytes, void *(*run)(void *), void *arg);

/* Waits for the thread block_pipe_start started to return, then frees the pipe. */
void block_pipe_join(block_pipe *p);

/* Producer: a free slot to fill, once there is one; NULL when the consumer has stopped. */
void *block_pipe_room(block_pipe *p);

/* Producer: the slot block_pipe_room gave is filled (len: the count the consumer is told). */
void block_pipe_put(block_pipe *p, size_t len);

/* Producer: nothing more will be put. */
void block_pipe_end(block_pipe *p);

/* Consumer: the next slot put, once there is one (*len its count); NULL when the producer has
 * ended and every slot was got. */
const void *block_pipe_get(block_pipe *p, size_t *len);

/* Consumer: the slot block_pipe_get gave is free again; stop: no more is wanted (the producer's
 * block_pipe_room then returns NULL). */
void block_pipe_done(block_pipe *p, int stop);

#endif
