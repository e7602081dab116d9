/* Random draws for the synchrony surrogates (surrogate.h). */
#include <stdlib.h>

#include "surrogate.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void surrogate_rng_seed(surrogate_rng *g, uint64_t seed)
{
    for (int i = 0; i < 4; i++) g->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t surrogate_rng_next(surrogate_rng *g)
{
    uint64_t *s = g->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

size_t surrogate_rng_below(surrogate_rng *g, size_t n)
{
    uint64_t bound = (uint64_t)n, limit = UINT64_MAX - UINT64_MAX % bound, v;
    do v = surrogate_rng_next(g);
    while (v >= limit);
    return (size_t)(v % bound);
}

size_t surrogate_shift_count(size_t n, size_t min_shift)
{
    if (min_shift < 1) min_shift = 1;
    return n >= 2 * min_shift ? n - 2 * min_shift + 1 : 0;
}

static int by_value(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

void surrogate_shifts(surrogate_rng *g, size_t n, size_t min_shift, size_t wanted, size_t *shift,
                      size_t *n_out)
{
    if (min_shift < 1) min_shift = 1;
    size_t count = surrogate_shift_count(n, min_shift);
    *n_out = 0;
    if (count == 0 || wanted == 0) return;
    if (count <= wanted) {
        for (size_t k = 0; k < count; k++) shift[k] = min_shift + k;
        *n_out = count;
        return;
    }
    for (size_t k = 0; k < wanted; k++) shift[k] = min_shift + surrogate_rng_below(g, count);
    qsort(shift, wanted, sizeof *shift, by_value);
    *n_out = wanted;
}
