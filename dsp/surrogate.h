/* Internal: the random draws of the synchrony surrogates (xoshiro256**, Blackman & Vigna 2021,
 * ACM TOMS 47(4):36, seeded by splitmix64): the same seed gives the same draws everywhere. */
#ifndef PSYPHYS_SURROGATE_H
#define PSYPHYS_SURROGATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct surrogate_rng {
    uint64_t s[4];
} surrogate_rng;

void surrogate_rng_seed(surrogate_rng *g, uint64_t seed);
uint64_t surrogate_rng_next(surrogate_rng *g);
/* Uniform in [0, n), n >= 1, without modulo bias. */
size_t surrogate_rng_below(surrogate_rng *g, size_t n);

/* The circular shifts of a ring of n positions at least min_shift away from 0 either way:
 * min_shift .. n - min_shift. Their count (0 when none). */
size_t surrogate_shift_count(size_t n, size_t min_shift);

/* Fills shift[0..*n_out) with the shifts a surrogate test uses: every admissible shift once
 * (ascending) when there are at most `wanted` of them (the exact test), else `wanted` drawn
 * uniformly with replacement, sorted. shift must hold wanted values. */
void surrogate_shifts(surrogate_rng *g, size_t n, size_t min_shift, size_t wanted, size_t *shift,
                      size_t *n_out);

#endif
