/* Internal: a reader's strings (event labels and details), each distinct text stored once, in
 * blocks: an annotation file of 100,000 beats labelled "N" costs one copy of "N", not 100,000
 * allocations. Strings live until the pool is freed. Not thread-safe: one pool per reader. */
#ifndef PSYPHYS_STR_POOL_H
#define PSYPHYS_STR_POOL_H

#include <stddef.h>

typedef struct str_pool_block str_pool_block;

typedef struct str_pool {
    const char **slots;     /* open-addressing set of the stored strings (NULL: empty slot) */
    size_t cap, n;          /* slots, strings stored */
    str_pool_block *blocks; /* the newest first */
} str_pool;

/* The pool's copy of s (NULL: ""); NULL when out of memory. */
const char *str_pool_intern(str_pool *p, const char *s);
void str_pool_free(str_pool *p);

#endif
