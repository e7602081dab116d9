/* The stream's output queue: the one part shared between the pushing and the polling thread. */
#include <stdlib.h>
#include <string.h>

#include "stream_internal.h"

psy_status stream_queue_init(stream_queue *q, size_t cap)
{
    memset(q, 0, sizeof *q);
    q->buf = malloc(cap * sizeof *q->buf);
    if (!q->buf) return PSY_E_NOMEM;
    if (pthread_mutex_init(&q->lock, NULL) != 0) {
        free(q->buf);
        q->buf = NULL;
        return PSY_E_NOMEM;
    }
    q->cap = cap;
    return PSY_OK;
}

void stream_queue_free(stream_queue *q)
{
    if (!q->buf) return;
    pthread_mutex_destroy(&q->lock);
    free(q->buf);
    q->buf = NULL;
}

void stream_queue_clear(stream_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->head = q->n = 0;
    q->dropped = 0;
    pthread_mutex_unlock(&q->lock);
}

void stream_queue_put(stream_queue *q, const psy_stream_output *o)
{
    pthread_mutex_lock(&q->lock);
    if (q->n == q->cap) { /* nobody polls: the oldest output goes, the producer never waits */
        q->head = (q->head + 1) % q->cap;
        q->n--;
        q->dropped++;
    }
    q->buf[(q->head + q->n) % q->cap] = *o;
    q->n++;
    pthread_mutex_unlock(&q->lock);
}

size_t stream_queue_pop(stream_queue *q, psy_stream_output *out, size_t max)
{
    size_t k = 0;
    pthread_mutex_lock(&q->lock);
    if (q->dropped && max > 0) {
        memset(&out[0], 0, sizeof out[0]);
        out[0].kind = PSY_STREAM_STATUS;
        out[0].onset_s = q->n ? q->buf[q->head].onset_s : 0;
        out[0].u.status.condition = PSY_STREAM_DROPPED;
        out[0].u.status.count = q->dropped;
        q->dropped = 0;
        k = 1;
    }
    for (; k < max && q->n > 0; k++) {
        out[k] = q->buf[q->head];
        q->head = (q->head + 1) % q->cap;
        q->n--;
    }
    pthread_mutex_unlock(&q->lock);
    return k;
}
