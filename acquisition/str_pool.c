/* A set of strings in blocks (str_pool.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "str_pool.h"

#define BLOCK_BYTES 4096

struct str_pool_block {
    str_pool_block *next;
    size_t used, size;
    char text[];
};

/* FNV-1a */
static size_t hash(const char *s)
{
    uint64_t h = 14695981039346656037u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (size_t)h;
}

/* The slot of s: where it is, or the empty slot where it would go. */
static size_t find(const str_pool *p, const char *s, size_t h)
{
    size_t i = h & (p->cap - 1);
    while (p->slots[i] && strcmp(p->slots[i], s) != 0) i = (i + 1) & (p->cap - 1);
    return i;
}

/* Keeps the set at most half full. */
static int grow_slots(str_pool *p)
{
    if (2 * (p->n + 1) <= p->cap) return 1;
    size_t cap = p->cap ? 2 * p->cap : 64;
    const char **slots = calloc(cap, sizeof *slots);
    if (!slots) return 0;
    str_pool old = *p;
    p->slots = slots;
    p->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i]) p->slots[find(p, old.slots[i], hash(old.slots[i]))] = old.slots[i];
    free(old.slots);
    return 1;
}

/* len + 1 bytes of block memory. */
static char *take(str_pool *p, size_t len)
{
    str_pool_block *b = p->blocks;
    if (!b || b->size - b->used < len + 1) {
        size_t size = len + 1 > BLOCK_BYTES ? len + 1 : BLOCK_BYTES;
        b = malloc(sizeof *b + size);
        if (!b) return NULL;
        b->used = 0;
        b->size = size;
        b->next = p->blocks;
        p->blocks = b;
    }
    char *t = b->text + b->used;
    b->used += len + 1;
    return t;
}

const char *str_pool_intern(str_pool *p, const char *s)
{
    if (!s) s = "";
    if (!grow_slots(p)) return NULL;
    size_t h = hash(s), i = find(p, s, h);
    if (p->slots[i]) return p->slots[i];
    size_t len = strlen(s);
    char *t = take(p, len);
    if (!t) return NULL;
    memcpy(t, s, len + 1);
    p->slots[i] = t;
    p->n++;
    return t;
}

void str_pool_free(str_pool *p)
{
    free(p->slots);
    for (str_pool_block *b = p->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    memset(p, 0, sizeof *p);
}
