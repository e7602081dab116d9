/* psyphys batch: where each input's outputs go, and inputs whose outputs would share names. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

/* The directory part of rel ("" for none). */
static void dir_of(const char *rel, char *out, size_t size)
{
    const char *slash = strrchr(rel, '/');
    snprintf(out, size, "%.*s", slash ? (int)(slash - rel) : 0, rel);
}

int batch_place_of(const batch_item *it, const char *root, cli_layout layout, char *dir, size_t dir_size,
                   char *stem, size_t stem_size, int *bids)
{
    cli_output_place p;
    char why[512], sub[PATH_MAX];
    *bids = 0;
    if (!cli_output_place_for(it->path, root, layout, &p, why, sizeof why)) {
        /* --layout bids for an input outside a dataset: analyze itself says why */
        snprintf(stem, stem_size, "%s", it->rel);
        return batch_path(dir, dir_size, "%s", root);
    }
    *bids = p.bids;
    snprintf(stem, stem_size, "%s", p.stem);
    if (p.bids) return batch_path(dir, dir_size, "%s", p.dir);
    dir_of(it->rel, sub, sizeof sub);
    return batch_path(dir, dir_size, "%s%s%s", root, *sub ? "/" : "", sub);
}

/* Collisions: the inputs sorted by place/stem, each pointing at the first of its run. */
typedef struct keyed {
    char *key;
    size_t index;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

size_t *batch_find_collisions(const batch_list *l, cli_layout layout)
{
    keyed *k = calloc(l->n + 1, sizeof *k);
    size_t *first = calloc(l->n + 1, sizeof *first);
    int ok = k && first;
    for (size_t i = 0; ok && i < l->n; i++) {
        char dir[PATH_MAX], stem[256], key[PATH_MAX + 260];
        int bids;
        batch_place_of(&l->items[i], ".", layout, dir, sizeof dir, stem, sizeof stem, &bids);
        batch_path(key, sizeof key, "%s/%s", dir, stem);
        k[i].key = strdup(key);
        k[i].index = i;
        ok = k[i].key != NULL;
    }
    if (ok) {
        qsort(k, l->n, sizeof *k, by_key);
        for (size_t i = 0; i < l->n; i++)
            first[k[i].index] = i && strcmp(k[i].key, k[i - 1].key) == 0 ? first[k[i - 1].index] : k[i].index;
    }
    for (size_t i = 0; k && i < l->n; i++) free(k[i].key);
    free(k);
    if (!ok) {
        free(first);
        return NULL;
    }
    return first;
}

