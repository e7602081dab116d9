/* The scratch arena (arena.h). */
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"

#define ALIGN 64

struct psy_arena_block {
    psy_arena_block *next;
    unsigned char *data;
};

static size_t round_up(size_t n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

void *psy_arena_alloc(psy_arena *a, size_t bytes)
{
    if (bytes > SIZE_MAX / 2) return NULL;
    size_t size = round_up(bytes ? bytes : 1);
    if (a->top + size > SIZE_MAX / 2) return NULL;
    void *p;
    if (a->top + size <= a->cap) { /* everything live lies below top: [top, top + size) is free */
        p = a->base + a->top;
    } else {
        psy_arena_block *b = malloc(sizeof *b);
        void *data = NULL;
        if (!b || posix_memalign(&data, ALIGN, size) != 0) {
            free(b);
            return NULL;
        }
        b->data = data;
        b->next = a->extra;
        a->extra = b;
        p = data;
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
    if (mark < a->top) a->top = mark;
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
    void *p = NULL;
    if (posix_memalign(&p, ALIGN, bytes) != 0) return 0;
    free(a->base);
    a->base = p;
    a->cap = bytes;
    return 1;
}

int psy_arena_reset(psy_arena *a)
{
    int grow = a->extra != NULL;
    free_extra(a);
    a->top = 0;
    size_t want = a->high;
    a->high = 0;
    return grow ? psy_arena_reserve(a, want) : 1;
}

void psy_arena_free(psy_arena *a)
{
    free_extra(a);
    free(a->base);
    a->base = NULL;
    a->cap = a->top = a->high = 0;
}
