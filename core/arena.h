/* Internal: a scratch arena for analysers that must not allocate once warmed up.
 *
 * Allocation is a stack: psy_arena_mark() before, psy_arena_release() after, in LIFO order.
 * A call starts with psy_arena_reset() and ends with psy_arena_settle(), with nothing of the
 * arena still in use. What does not fit in the arena's block during a call gets an extra block
 * from malloc; settle then replaces them all by one block of the deepest stack of the call (up
 * to a limit: deeper calls are rare ones, not worth their memory), so a later call that needs
 * no more allocates nothing. Every pointer is 64-byte aligned. Not
 * thread-safe: one arena per object. */
#ifndef PSYPHYS_ARENA_H
#define PSYPHYS_ARENA_H

#include <stddef.h>

typedef struct psy_arena_block psy_arena_block;

typedef struct psy_arena {
    unsigned char *base;    /* the block kept between calls */
    size_t cap;             /* its size */
    size_t top;             /* depth of the stack, in bytes (the block and beyond) */
    size_t high;            /* the deepest since the last reset */
    psy_arena_block *extra; /* blocks for what did not fit, until the next settle */
} psy_arena;

/* bytes (may be 0) at the top of the stack; NULL when out of memory. */
void *psy_arena_alloc(psy_arena *a, size_t bytes);
/* The same for n elements of `size` bytes, NULL also when n x size overflows. */
void *psy_arena_array(psy_arena *a, size_t n, size_t size);
static inline size_t psy_arena_mark(const psy_arena *a) { return a->top; }
/* Frees everything allocated since mark (the extra blocks taken since, too). */
void psy_arena_release(psy_arena *a, size_t mark);
/* The start of a call: an empty stack. */
void psy_arena_reset(psy_arena *a);
/* The end of a call (nothing in use): the extra blocks are merged into the arena's block when
 * the deepest stack was at most keep_max bytes, else freed. 1, or 0 when out of memory for the
 * merged block (the arena then has no block, and still works). */
int psy_arena_settle(psy_arena *a, size_t keep_max);
/* The deepest stack since the last reset, in bytes. */
static inline size_t psy_arena_high(const psy_arena *a) { return a->high; }
/* Between calls: the arena's block holds at least `bytes`. 1, or 0 when out of memory. */
int psy_arena_reserve(psy_arena *a, size_t bytes);
void psy_arena_free(psy_arena *a);

#endif
