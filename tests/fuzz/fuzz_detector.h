/* What the streaming-detector fuzz targets share (fuzz_ecg.c, fuzz_ppg.c): the input's samples
 * and the drive of a detector in input-chosen chunks, with a copy taken along the way and replayed
 * after a reset. Each target gives its detector's calls and its contract check (drain). */
#ifndef PSYPHYS_FUZZ_DETECTOR_H
#define PSYPHYS_FUZZ_DETECTOR_H

#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

enum { FUZZ_MAX_SAMPLES = 1 << 16 };

/* The last item popped and the samples pushed so far: what drain checks against. */
typedef struct fuzz_drain {
    int64_t last;
    int64_t pushed;
} fuzz_drain;

typedef struct fuzz_detector_ops {
    psy_status (*push)(void *d, const double *x, size_t n, size_t *used);
    void (*drain)(void *d, fuzz_drain *s); /* pops everything; abort() on a broken contract */
    psy_status (*finish)(void *d);
    void *(*copy)(void *d); /* NULL when it cannot */
    void (*reset)(void *d);
    void (*destroy)(void *d);
} fuzz_detector_ops;

/* The samples after the two header bytes: raw IEEE doubles, or int16 times adc_step (so most
 * inputs look like signals); at most FUZZ_MAX_SAMPLES. NULL when out of memory. */
static inline double *fuzz_samples(const uint8_t *data, size_t size, int raw, double adc_step, size_t *n)
{
    size_t width = raw ? 8 : 2;
    *n = size / width;
    if (*n > FUZZ_MAX_SAMPLES) *n = FUZZ_MAX_SAMPLES;
    double *x = malloc((*n ? *n : 1) * sizeof *x);
    for (size_t i = 0; x && i < *n; i++) {
        if (raw) {
            memcpy(&x[i], data + 8 * i, 8);
        } else {
            int16_t v;
            memcpy(&v, data + 2 * i, 2);
            x[i] = v * adc_step;
        }
    }
    return x;
}

static inline void fuzz_push_all(const fuzz_detector_ops *ops, void *d, const double *x, size_t n, fuzz_drain *s)
{
    size_t at = 0;
    while (at < n) {
        size_t used = 0;
        if (ops->push(d, x + at, n - at, &used) != PSY_OK) abort();
        s->pushed += (int64_t)used;
        at += used;
        ops->drain(d, s);
    }
}

/* Pushes x in chunks whose sizes come from data (so they vary with the input), copies the
 * detector after the fourth chunk, finishes; then resets the copy and replays the first 1000
 * samples through it. Destroys both. */
static inline void fuzz_drive(const fuzz_detector_ops *ops, void *d, const double *x, size_t n, const uint8_t *data,
                              size_t size)
{
    fuzz_drain s = {-1, 0};
    size_t at = 0, step = 0;
    void *copy = NULL;
    while (at < n) {
        size_t chunk = 1 + (size_t)(data[(step * 7) % size] * 13u) % 4096u;
        if (chunk > n - at) chunk = n - at;
        fuzz_push_all(ops, d, x + at, chunk, &s);
        at += chunk;
        if (step++ == 3 && !copy) copy = ops->copy(d);
    }
    if (ops->finish(d) != PSY_OK) abort();
    ops->drain(d, &s);
    if (copy) {
        fuzz_drain c = {-1, 0};
        ops->reset(copy);
        fuzz_push_all(ops, copy, x, n < 1000 ? n : 1000, &c);
        ops->finish(copy);
        ops->drain(copy, &c);
        ops->destroy(copy);
    }
    ops->destroy(d);
}

#endif
