/* The scratch arena (arena.h). */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"

#define ALIGN 64

struct psy_arena_block {
    psy_arena_block *next;
    void *data;
    size_t at; /* the stack's depth when it was taken */
};

static size_t round_up(size_t n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

void *psy_arena_alloc(psy_arena *a, size_t bytes)
{
    if (bytes > SIZE_MAX / 4 || a->top > SIZE_MAX / 4) return NULL;
    size_t size = round_up(bytes ? bytes : 1);
    void *p;
    if (a->top + size <= a->cap) { /* what is in use lies below top: [top, top + size) is free */
        p = a->base + a->top;
    } else {
        psy_arena_block *b = malloc(sizeof *b);
        if (!b || posix_memalign(&b->data, ALIGN, size) != 0) {
            free(b);
            return NULL;
        }
        b->at = a->top;
        b->next = a->extra;
        a->extra = b;
        p = b->data;
    }
    a->top += size;
    if (a->top > a->high) a->high = a->top;
    return p;
}

void *psy_arena_array(psy_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / 4 / size) return NULL;
    return psy_arena_alloc(a, n * size);
}

void psy_arena_release(psy_arena *a, size_t mark)
{
    if (mark >= a->top) return;
    a->top = mark;
    /* the blocks taken since (the newest first): freed now, so that what a call holds at once,
     * not all it ever took, bounds its memory */
    while (a->extra && a->extra->at >= mark) {
        psy_arena_block *b = a->extra;
        a->extra = b->next;
        free(b->data);
        free(b);
    }
}

void psy_arena_reset(psy_arena *a)
{
    a->top = a->high = 0;
}

static void free_extra(psy_arena *a)
{
    while (a->extra) {
        psy_arena_block *b = a->extra;
        a->extra = b->next;
        free(b->data);
        free(b);
    }
}

int psy_arena_reserve(psy_arena *a, size_t bytes)
{
    bytes = round_up(bytes);
    if (bytes <= a->cap) return 1;
    free(a->base); /* first: the old and the new block are never held together */
    a->base = NULL;
    a->cap = 0;
    void *p = NULL;
    if (posix_memalign(&p, ALIGN, bytes) != 0) return 0;
    a->base = p;
    a->cap = bytes;
    return 1;
}

int psy_arena_settle(psy_arena *a, size_t keep_max)
{
    free_extra(a);
    return a->high <= a->cap || a->high > keep_max || psy_arena_reserve(a, a->high);
}

void psy_arena_free(psy_arena *a)
{
    free_extra(a);
    free(a->base);
    a->base = NULL;
    a->cap = a->top = a->high = 0;
}
