/* Fuzz inputs holding several files, and a reader exerciser shared by the reader targets.
 *
 * An input is the main file, optionally followed by related files, each introduced by a line
 *     "\n@@FILE name\n"
 * (e.g. a WFDB .hea, then "@@FILE fz.dat" and the signal bytes). The main file's source answers
 * open_related() with the part of that exact name, so multi-file formats (WFDB .hea + .dat,
 * BIDS physio + .json, audio + JSON sidecar) are fuzzed without touching the file system. */
#ifndef PSYPHYS_FUZZ_FILES_H
#define PSYPHYS_FUZZ_FILES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

enum { FUZZ_MAX_PARTS = 8, FUZZ_NAME_SIZE = 64 };

typedef struct fuzz_part {
    const uint8_t *data;
    size_t size;
    char name[FUZZ_NAME_SIZE];
} fuzz_part;

typedef struct fuzz_files {
    fuzz_part part[FUZZ_MAX_PARTS];
    int n;
} fuzz_files;

static const char fuzz_separator[] = "\n@@FILE ";

static inline const uint8_t *fuzz_find(const uint8_t *p, size_t n, const char *needle, size_t len)
{
    for (size_t i = 0; i + len <= n; i++)
        if (p[i] == (uint8_t)needle[0] && memcmp(p + i, needle, len) == 0) return p + i;
    return NULL;
}

/* Splits data into parts; the first is named main_name. */
static inline void fuzz_split(const uint8_t *data, size_t size, const char *main_name, fuzz_files *f)
{
    const size_t seplen = sizeof fuzz_separator - 1;
    f->n = 0;
    const uint8_t *at = data, *end = data + size;
    const char *name = main_name;
    size_t name_len = strlen(main_name);
    while (f->n < FUZZ_MAX_PARTS) {
        fuzz_part *p = &f->part[f->n++];
        if (name_len >= FUZZ_NAME_SIZE) name_len = FUZZ_NAME_SIZE - 1;
        memcpy(p->name, name, name_len);
        p->name[name_len] = '\0';
        const uint8_t *sep = fuzz_find(at, (size_t)(end - at), fuzz_separator, seplen);
        p->data = at;
        p->size = (size_t)((sep ? sep : end) - at);
        if (!sep) break;
        const uint8_t *nm = sep + seplen;
        const uint8_t *eol = memchr(nm, '\n', (size_t)(end - nm));
        if (!eol) break;
        name = (const char *)nm;
        name_len = (size_t)(eol - nm);
        at = eol + 1;
    }
}

typedef struct fuzz_ctx {
    const fuzz_files *files;
    int index;
} fuzz_ctx;

static inline int64_t fuzz_read_at(void *vctx, int64_t offset, void *buf, size_t n)
{
    const fuzz_ctx *c = vctx;
    const fuzz_part *p = &c->files->part[c->index];
    if (offset < 0) return -1;
    if ((uint64_t)offset >= p->size) return 0;
    size_t k = p->size - (size_t)offset < n ? p->size - (size_t)offset : n;
    memcpy(buf, p->data + offset, k);
    return (int64_t)k;
}

static inline int64_t fuzz_size(void *vctx)
{
    const fuzz_ctx *c = vctx;
    return (int64_t)c->files->part[c->index].size;
}

static inline psy_source *fuzz_source(const fuzz_files *f, int index);

static inline psy_status fuzz_open_related(void *vctx, const char *name, psy_source **out)
{
    const fuzz_ctx *c = vctx;
    for (int i = 1; i < c->files->n; i++)
        if (strcmp(c->files->part[i].name, name) == 0) {
            *out = fuzz_source(c->files, i);
            return *out ? PSY_OK : PSY_E_NOMEM;
        }
    return PSY_E_NOT_FOUND;
}

static inline void fuzz_close(void *vctx) { free(vctx); }

static inline psy_source *fuzz_source(const fuzz_files *f, int index)
{
    static const psy_source_callbacks cb = {fuzz_read_at, fuzz_size, fuzz_open_related, fuzz_close};
    fuzz_ctx *c = malloc(sizeof *c);
    if (!c) return NULL;
    c->files = f;
    c->index = index;
    psy_source *s = NULL;
    if (psy_source_from_callbacks(&cb, c, f->part[index].name, &s) != PSY_OK) {
        free(c);
        return NULL;
    }
    return s;
}

/* Touches everything a caller of a reader would: metadata, events, warnings, stretches, and
 * samples and times at the start, the middle and the end of every channel. A limit on what is
 * read keeps a file that claims terabytes from making the fuzzer slow (reading is bounded per
 * call by the block, not by the claim). */
static inline void fuzz_exercise_reader(psy_reader *r)
{
    enum { BLOCK = 256 };
    double x[BLOCK], t[BLOCK];
    (void)psy_reader_format(r);
    (void)psy_reader_start(r);
    (void)psy_reader_duration(r);
    for (int i = 0; i < psy_reader_stretch_count(r); i++)
        if (!psy_reader_stretch(r, i)) abort();
    for (size_t i = 0; i < psy_reader_event_count(r); i++) {
        const psy_event *e = psy_reader_event(r, i);
        if (!e || !e->label || !e->detail) abort();
        (void)strlen(e->label);
        (void)strlen(e->detail);
    }
    for (size_t i = 0; i < psy_reader_warning_count(r); i++) (void)strlen(psy_reader_warning(r, i));
    int channels = psy_reader_channel_count(r);
    for (int c = 0; c < channels && c < 64; c++) {
        const psy_channel_info *ch = psy_reader_channel(r, c);
        if (!ch || ch->frames < 0) abort();
        if (memchr(ch->label, 0, sizeof ch->label) == NULL) abort();
        int64_t n = ch->frames < BLOCK ? ch->frames : BLOCK;
        int64_t starts[3] = {0, (ch->frames - n) / 2, ch->frames - n};
        for (int k = 0; k < 3; k++) {
            if (psy_reader_read(r, c, starts[k], n, x) != PSY_OK) break;
            (void)psy_reader_read_times(r, c, starts[k], n, t);
        }
        (void)psy_reader_read(r, c, ch->frames, 1, x); /* past the end: PSY_E_RANGE */
    }
    (void)psy_reader_channel(r, channels);
}

/* Opens files->part[0] with options and exercises the reader when it opens. */
static inline void fuzz_open_and_exercise(const fuzz_files *f, const psy_open_options *opt)
{
    psy_source *src = fuzz_source(f, 0);
    if (!src) return;
    psy_reader *r = NULL;
    psy_message why;
    if (psy_reader_open_source(src, opt, &r, &why) != PSY_OK) {
        if (r) abort(); /* on failure *out is NULL and the source is ours */
        psy_source_close(src);
        return;
    }
    fuzz_exercise_reader(r);
    psy_reader_close(r);
}

#endif
