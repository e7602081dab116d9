/* Internal: a scratch arena for analysers that must not allocate once warmed up.
 *
 * Allocation is a stack: psy_arena_mark() before, psy_arena_release(mark) after, in LIFO order;
 * what is not released lives until the next psy_arena_reset(). A call that needs more than the
 * arena holds gets extra blocks from malloc; the next reset merges them into one block of the
 * largest depth seen, so a second call of the same sizes allocates nothing. Every pointer is
 * 64-byte aligned. Not thread-safe: one arena per object. */
#ifndef PSYPHYS_ARENA_H
#define PSYPHYS_ARENA_H

#include <stddef.h>

typedef struct psy_arena_block psy_arena_block;

typedef struct psy_arena {
    unsigned char *base;    /* the main block */
    size_t cap;             /* its size */
    size_t top;             /* depth of the stack (bytes, main block and beyond) */
    size_t high;            /* the largest depth since the last reset */
    psy_arena_block *extra; /* blocks for what did not fit, freed at the next reset */
} psy_arena;

/* bytes (may be 0) at the top of the stack; NULL when out of memory. */
void *psy_arena_alloc(psy_arena *a, size_t bytes);
/* The same for n elements of `size` bytes, NULL also when n x size overflows. */
void *psy_arena_array(psy_arena *a, size_t n, size_t size);
static inline size_t psy_arena_mark(const psy_arena *a) { return a->top; }
/* Frees everything allocated since mark (extra blocks are kept until the reset). */
void psy_arena_release(psy_arena *a, size_t mark);
/* Empties the arena for a new call; the main block grows to the largest depth seen. 1, or 0
 * when out of memory (the arena is then empty and still usable). */
int psy_arena_reset(psy_arena *a);
/* Makes the main block at least `bytes`. 1, or 0 when out of memory. */
int psy_arena_reserve(psy_arena *a, size_t bytes);
/* The main block's size: what the arena keeps between calls. */
static inline size_t psy_arena_capacity(const psy_arena *a) { return a->cap; }
void psy_arena_free(psy_arena *a);

#endif
