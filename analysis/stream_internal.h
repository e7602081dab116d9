/* Pieces of the streaming object (analysis/stream*.c); not a public header. */
#ifndef PSYPHYS_STREAM_INTERNAL_H
#define PSYPHYS_STREAM_INTERNAL_H

#include <pthread.h>
#include "psyphys/stream.h"
#include "rr_online.h"

/* The output queue: a ring guarded by a mutex; when full the oldest output is overwritten and
 * counted, and the next poll reports the count first. */
typedef struct stream_queue {
    psy_stream_output *buf;
    size_t cap, head, n;
    int64_t dropped;
    pthread_mutex_t lock;
} stream_queue;

psy_status stream_queue_init(stream_queue *q, size_t cap);
void stream_queue_free(stream_queue *q);
void stream_queue_clear(stream_queue *q);
void stream_queue_put(stream_queue *q, const psy_stream_output *o);
size_t stream_queue_pop(stream_queue *q, psy_stream_output *out, size_t max);

/* An input's clock (psy_stream_push_gap): the shift (s) of its samples' times from sample / rate,
 * changed at each gap. The last CLOCK_MARKS changes are kept, far more than happen within a
 * detector's lookahead (a beat or breath comes out seconds after its samples, its time is
 * that of its own sample). */
#define CLOCK_MARKS 64
typedef struct stream_clock {
    int64_t pushed;             /* samples pushed on the input */
    int64_t from[CLOCK_MARKS];  /* the first sample of each shift kept, oldest at head */
    double shift[CLOCK_MARKS];
    size_t head, n;
    double before;              /* the shift before the oldest kept (0 at first) */
} stream_clock;

void stream_clock_reset(stream_clock *c);
/* From the next sample pushed on, times are gap_s later. */
void stream_clock_gap(stream_clock *c, double gap_s);
/* The shift (s) of sample i's time: it lies at i / rate plus this. */
double stream_clock_shift(const stream_clock *c, int64_t i);

/* Rolling HRV over the corrected NN series: a ring of intervals, and an HRV analyser for each
 * window (time domain; Welch) with its buffers and FFTW plans reserved at init. */
typedef struct stream_hrv {
    const psy_stream_config *cfg;
    size_t cap, head, n;      /* ring of NN intervals */
    double *ring_nn, *ring_t;
    double last_t;
    double line_slot, prov_slot; /* cadence slots (hrv_interval_s) of the last final and provisional lines */
    int unreported;           /* the last interval added has had no line yet */
    double *nn, *t;           /* the window, linear */
    double *ex_nn, *ex_t;     /* provisional intervals after the ring's (stream_hrv_peek) */
    size_t ex_cap;
    psy_hrv *time, *freq;
} stream_hrv;

/* max_provisional: the most provisional intervals stream_hrv_peek takes. */
psy_status stream_hrv_init(stream_hrv *h, const psy_stream_config *cfg, size_t max_provisional, psy_message *why);
void stream_hrv_free(stream_hrv *h);
void stream_hrv_reset(stream_hrv *h);
/* Adds one NN interval (ms) ending at t_s and, when a line is due (the first interval of a
 * hrv_interval_s slot, or every one), fills o (kind PSY_STREAM_HRV) and returns 1. 0 when no line
 * is due or the interval is skipped (as psy_hrv_compute skips it: outside 1 .. 10000 ms or not
 * after the last one). */
int stream_hrv_add(stream_hrv *h, double nn_ms, double t_s, psy_stream_output *o);
/* The end of a stretch: the line of the last interval added when it had none (1: o filled). */
int stream_hrv_flush(stream_hrv *h, psy_stream_output *o);
/* The HRV line (provisional = 1) over the ring's intervals and the m provisional ones after them
 * (nn_ms at t_s, ascending; at most max_provisional; those psy_hrv_compute would skip, or not
 * after the ring's last, are left out), at the last one's time; the ring is unchanged. 0 when
 * no provisional interval is left, or no line is due (the cadence, as stream_hrv_add's). */
int stream_hrv_peek(stream_hrv *h, const double *nn_ms, const double *t_s, size_t m, psy_stream_output *o);

/* Beats -> labels and NN: the sliding-buffer artefact classification with bounded lookahead. */
typedef struct stream_labels {
    const psy_stream_config *cfg;
    size_t cap, back;         /* buffer capacity; beats kept before the first pending one */
    size_t n, n_final;        /* beats in the buffer; how many of them have their label out */
    double *rr, *t, *work, *nn_rr, *nn_t;
    int64_t *sample;
    psy_beat_class *cls;      /* the classifier run on the buffer as it is (provisional, inexact lookahead) */
    uint8_t *nn_corrected;
    int exact;                /* the lookahead covers the classifier's reach: labels from `online` */
    rr_online online;         /* classes equal to those of the whole run, one window update a beat */
    rr_online ended;          /* a copy of online completed to the newest beat (provisional labels) */
    psy_beat_class last_label; /* of the last beat labelled (the offline table's `corrected`
                                  looks at the beat before, across stretches too) */
    double nn_emitted_t;      /* NN intervals up to this time are out */
    int any_label;
} stream_labels;

/* Called for each output the labeller makes (labels, then HRV after each NN interval). */
typedef void (*stream_emit)(void *ctx, const psy_stream_output *o);

psy_status stream_labels_init(stream_labels *l, const psy_stream_config *cfg);
void stream_labels_free(stream_labels *l);
void stream_labels_reset(stream_labels *l);
/* One beat in time order. new_stretch (or rr_ms NaN: a beat without an interval) ends the
 * current stretch first (its pending labels go out). */
void stream_labels_beat(stream_labels *l, int64_t sample, double t_s, double rr_ms, int new_stretch,
                        stream_hrv *h, stream_emit emit, void *ctx);
/* The end of the current stretch: every pending label out. */
void stream_labels_flush(stream_labels *l, stream_hrv *h, stream_emit emit, void *ctx);

#endif
