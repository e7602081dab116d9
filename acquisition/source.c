/* Byte sources: files, memory buffers and user callbacks behind one interface. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gz_source.h"
#include "reader_impl.h" /* psy_source_note_related */
#include "psyphys/source.h"

struct psy_source {
    psy_source_callbacks cb;
    void *ctx;
    char *name;
    char *path; /* set for path sources only */
    char **related; /* paths of the related files opened through this source, once each */
    size_t n_related;
};

psy_status psy_source_from_callbacks(const psy_source_callbacks *cb, void *ctx, const char *name,
                                     psy_source **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!cb || !cb->read_at || !cb->size) return PSY_E_INVALID;
    psy_source *s = calloc(1, sizeof *s);
    if (!s) return PSY_E_NOMEM;
    s->cb = *cb;
    s->ctx = ctx;
    s->name = strdup(name ? name : "");
    if (!s->name) {
        free(s);
        return PSY_E_NOMEM;
    }
    *out = s;
    return PSY_OK;
}

/* ---- path sources ---- */

typedef struct file_ctx {
    FILE *fp;
    int64_t size;
    int64_t pos; /* current position of fp, to skip needless seeks */
    char *dir;   /* directory part with trailing '/', or "" */
} file_ctx;

static int64_t file_read_at(void *vctx, int64_t offset, void *buf, size_t n)
{
    file_ctx *f = vctx;
    if (offset < 0) return -1;
    if (offset != f->pos) {
        if (fseeko(f->fp, (off_t)offset, SEEK_SET) != 0) return -1;
        f->pos = offset;
    }
    size_t got = fread(buf, 1, n, f->fp);
    if (got < n && ferror(f->fp)) {
        clearerr(f->fp);
        f->pos = -1;
        return -1;
    }
    f->pos += (int64_t)got;
    return (int64_t)got;
}

static int64_t file_size(void *vctx) { return ((file_ctx *)vctx)->size; }

static void file_close(void *vctx)
{
    file_ctx *f = vctx;
    if (f->fp) fclose(f->fp);
    free(f->dir);
    free(f);
}

static psy_status file_open_related(void *vctx, const char *name, psy_source **out)
{
    file_ctx *f = vctx;
    size_t len = strlen(f->dir) + strlen(name) + 1;
    char *path = malloc(len);
    if (!path) return PSY_E_NOMEM;
    snprintf(path, len, "%s%s", f->dir, name);
    psy_status st = psy_source_open_path(path, out);
    free(path);
    return st == PSY_E_IO ? PSY_E_NOT_FOUND : st;
}

psy_status psy_source_open_path(const char *path, psy_source **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!path || !*path) return PSY_E_INVALID;
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return PSY_E_IO;
    file_ctx *f = calloc(1, sizeof *f);
    if (!f) return PSY_E_NOMEM;
    f->fp = fopen(path, "rb");
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    f->dir = malloc(dirlen + 1);
    if (!f->fp || !f->dir) {
        psy_status st = f->fp ? PSY_E_NOMEM : PSY_E_IO;
        file_close(f);
        return st;
    }
    memcpy(f->dir, path, dirlen);
    f->dir[dirlen] = '\0';
    f->size = (int64_t)sb.st_size;
    static const psy_source_callbacks cb = {file_read_at, file_size, file_open_related, file_close};
    psy_status st = psy_source_from_callbacks(&cb, f, path, out);
    if (st != PSY_OK) {
        file_close(f);
        return st;
    }
    (*out)->path = strdup(path);
    if (!(*out)->path) {
        psy_source_close(*out);
        *out = NULL;
        return PSY_E_NOMEM;
    }
    return PSY_OK;
}

/* ---- memory sources ---- */

typedef struct mem_ctx {
    const unsigned char *data;
    size_t size;
} mem_ctx;

static int64_t mem_read_at(void *vctx, int64_t offset, void *buf, size_t n)
{
    mem_ctx *m = vctx;
    if (offset < 0) return -1;
    if ((uint64_t)offset >= m->size) return 0;
    size_t avail = m->size - (size_t)offset;
    size_t k = n < avail ? n : avail;
    memcpy(buf, m->data + offset, k);
    return (int64_t)k;
}

static int64_t mem_size(void *vctx) { return (int64_t)((mem_ctx *)vctx)->size; }
static void mem_close(void *vctx) { free(vctx); }

psy_status psy_source_open_memory(const void *data, size_t size, const char *name, psy_source **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!data && size) return PSY_E_INVALID;
    mem_ctx *m = malloc(sizeof *m);
    if (!m) return PSY_E_NOMEM;
    m->data = data;
    m->size = size;
    static const psy_source_callbacks cb = {mem_read_at, mem_size, NULL, mem_close};
    psy_status st = psy_source_from_callbacks(&cb, m, name, out);
    if (st != PSY_OK) free(m);
    return st;
}

/* ---- common ---- */

int64_t psy_source_read(psy_source *src, int64_t offset, void *buf, size_t n)
{
    if (!src || !buf) return -1;
    if (n == 0) return 0;
    return src->cb.read_at(src->ctx, offset, buf, n);
}

psy_status psy_source_read_exact(psy_source *src, int64_t offset, void *buf, size_t n)
{
    int64_t got = psy_source_read(src, offset, buf, n);
    if (got < 0) return PSY_E_IO;
    return (size_t)got == n ? PSY_OK : PSY_E_TRUNCATED;
}

int64_t psy_source_size(const psy_source *src) { return src ? src->cb.size(src->ctx) : -1; }
const char *psy_source_name(const psy_source *src) { return src && src->name ? src->name : ""; }
const char *psy_source_path(const psy_source *src) { return src ? src->path : NULL; }

psy_status psy_source_set_path(psy_source *src, const char *path)
{
    char *copy = strdup(path);
    if (!copy) return PSY_E_NOMEM;
    free(src->path);
    src->path = copy;
    return PSY_OK;
}

void psy_source_note_related(psy_source *src, const char *path)
{
    if (!path) return;
    for (size_t i = 0; i < src->n_related; i++)
        if (strcmp(src->related[i], path) == 0) return;
    char **p = realloc(src->related, (src->n_related + 1) * sizeof *p);
    if (!p) return;
    src->related = p;
    if ((p[src->n_related] = strdup(path))) src->n_related++;
}

psy_status psy_source_open_related(psy_source *src, const char *name, psy_source **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src || !name || !*name) return PSY_E_INVALID;
    if (strchr(name, '/') || strchr(name, '\\') || !src->cb.open_related) return PSY_E_NOT_FOUND;
    psy_status st = src->cb.open_related(src->ctx, name, out);
    if (st == PSY_OK) psy_source_note_related(src, (*out)->path);
    return st;
}

size_t psy_source_related_count(const psy_source *src) { return src ? src->n_related : 0; }

const char *psy_source_related_path(const psy_source *src, size_t i)
{
    return src && i < src->n_related ? src->related[i] : NULL;
}

void psy_source_close(psy_source *src)
{
    if (!src) return;
    if (src->cb.close) src->cb.close(src->ctx);
    for (size_t i = 0; i < src->n_related; i++) free(src->related[i]);
    free(src->related);
    free(src->name);
    free(src->path);
    free(src);
}
