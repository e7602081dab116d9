/* A cursor of the HRV internals (dsp/hrv_internal.h) over an array in memory, for the tests that
 * give the analyses taking a cursor (hrv_entropy_of, hrv_dfa_of, hrv_order_pair_of, ...) arrays. */
#ifndef PSYPHYS_TEST_HRV_ARRAYS_H
#define PSYPHYS_TEST_HRV_ARRAYS_H

#include "hrv_internal.h"

typedef struct array_cursor {
    hrv_series s;
    hrv_cursor c;
} array_cursor;

/* A cursor on x[0..n) kept in a (valid while a and x are). */
static inline hrv_cursor *on_array(array_cursor *a, const double *x, size_t n)
{
    a->s = (hrv_series){.nn = x, .n = n};
    hrv_cursor_open(&a->c, &a->s, NULL); /* in memory: nothing to allocate */
    return &a->c;
}

#endif
