/* Beat-by-beat scoring (ANSI/AAMI EC57 style): closest pairs first within the window. */
#include <math.h>
#include <stdlib.h>

#include "psyphys/score.h"

typedef struct pair {
    double dist;
    size_t r, t;
} pair;

static int by_distance(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->dist != y->dist) return x->dist < y->dist ? -1 : 1;
    if (x->r != y->r) return x->r < y->r ? -1 : 1; /* deterministic on ties */
    return (x->t > y->t) - (x->t < y->t);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int ascending(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]) || (i && v[i] < v[i - 1])) return 0;
    return 1;
}

psy_status psy_score_beats(const double *ref, size_t n_ref, const double *test, size_t n_test,
                           double from_s, double window_s, psy_beat_score *out)
{
    if (!out || (!ref && n_ref) || (!test && n_test) || !(window_s > 0) || isnan(from_s) ||
        !ascending(ref, n_ref) || !ascending(test, n_test))
        return PSY_E_INVALID;
    /* Candidate pairs: every test beat within the window of each reference beat. */
    size_t cap = 1024, n = 0;
    pair *pairs = malloc(cap * sizeof *pairs);
    unsigned char *ref_used = calloc(n_ref + 1, 1), *test_used = calloc(n_test + 1, 1);
    double *errors = malloc((n_ref + 1) * sizeof *errors);
    psy_status st = pairs && ref_used && test_used && errors ? PSY_OK : PSY_E_NOMEM;
    for (size_t r = 0, lo = 0; st == PSY_OK && r < n_ref; r++) {
        while (lo < n_test && test[lo] < ref[r] - window_s) lo++;
        for (size_t t = lo; t < n_test && test[t] <= ref[r] + window_s; t++) {
            if (n == cap) {
                pair *p = realloc(pairs, 2 * cap * sizeof *p);
                if (!p) {
                    st = PSY_E_NOMEM;
                    break;
                }
                pairs = p;
                cap *= 2;
            }
            pairs[n++] = (pair){fabs(test[t] - ref[r]), r, t};
        }
    }
    if (st == PSY_OK) {
        qsort(pairs, n, sizeof *pairs, by_distance);
        *out = (psy_beat_score){0};
        size_t n_err = 0;
        for (size_t i = 0; i < n; i++) {
            const pair *p = &pairs[i];
            if (ref_used[p->r] || test_used[p->t]) continue;
            ref_used[p->r] = test_used[p->t] = 1;
            if (ref[p->r] >= from_s) {
                out->tp++;
                errors[n_err++] = 1000.0 * (test[p->t] - ref[p->r]);
            }
        }
        for (size_t r = 0; r < n_ref; r++)
            if (ref[r] >= from_s) out->n_ref++, out->fn += !ref_used[r];
        for (size_t t = 0; t < n_test; t++)
            if (test[t] >= from_s) out->n_test++, out->fp += !test_used[t];
        out->se = out->tp + out->fn ? (double)out->tp / (double)(out->tp + out->fn) : NAN;
        out->ppv = out->tp + out->fp ? (double)out->tp / (double)(out->tp + out->fp) : NAN;
        out->median_error_ms = out->median_abs_error_ms = out->p95_abs_error_ms = NAN;
        if (n_err) {
            qsort(errors, n_err, sizeof *errors, by_value);
            out->median_error_ms = errors[n_err / 2];
            for (size_t i = 0; i < n_err; i++) errors[i] = fabs(errors[i]);
            qsort(errors, n_err, sizeof *errors, by_value);
            out->median_abs_error_ms = errors[n_err / 2];
            out->p95_abs_error_ms = errors[(size_t)ceil(0.95 * (double)n_err) - 1];
        }
    }
    free(pairs);
    free(ref_used);
    free(test_used);
    free(errors);
    return st;
}
