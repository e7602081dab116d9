/* psyphys batch: what earlier runs finished, kept under OUTDIR/.psyphys-batch/records/, one small
 * file per input named by the SHA-256 of its rel path:
 *     INPUT_SHA256 \t SETTINGS_SHA256 \t done|moving \n  then one output (relative to OUTDIR) a line.
 * "moving" is written before a finished file's outputs are renamed into place and "done" after, so a
 * kill at any moment leaves either no record (outputs never touched), or a record naming every file
 * the rerun may replace. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "provenance.h"

#define STATE_DIR ".psyphys-batch"

static void sha256_hex(const void *data, size_t n, char hex[65])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, n, data);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int batch_fingerprint(const batch_item *it, char hex[65])
{
    /* the hashes, one a line, hashed again */
    size_t size = (it->n_companions + 2) * 66 + 1, used = 0;
    char *all = calloc(size, 1), file_hex[65];
    struct stat sb;
    int folder = stat(it->path, &sb) == 0 && S_ISDIR(sb.st_mode); /* a session folder: its files */
    int ok = all && (folder || psy_sha256_file(it->path, file_hex) == PSY_OK);
    if (ok && !folder) used += (size_t)snprintf(all + used, size - used, "%s\n", file_hex);
    for (size_t i = 0; ok && i < it->n_companions; i++) {
        ok = psy_sha256_file(it->companions[i], file_hex) == PSY_OK;
        if (ok) used += (size_t)snprintf(all + used, size - used, "%s\n", file_hex);
    }
    if (ok && it->events) {
        ok = psy_sha256_file(it->events, file_hex) == PSY_OK;
        if (ok) used += (size_t)snprintf(all + used, size - used, "e%s\n", file_hex);
    }
    if (ok) sha256_hex(all, used, hex);
    free(all);
    return ok;
}

static void record_path(const char *outdir, const char *rel, char *out, size_t size)
{
    char key[65];
    sha256_hex(rel, strlen(rel), key);
    snprintf(out, size, "%s/" STATE_DIR "/records/%s", outdir, key);
}

void batch_record_free(batch_record *rec)
{
    for (size_t i = 0; i < rec->n_outputs; i++) free(rec->outputs[i]);
    free(rec->outputs);
    memset(rec, 0, sizeof *rec);
}

static int record_add(batch_record *rec, const char *out)
{
    char **p = realloc(rec->outputs, (rec->n_outputs + 1) * sizeof *p);
    if (!p) return 0;
    rec->outputs = p;
    return (p[rec->n_outputs] = strdup(out)) ? (rec->n_outputs++, 1) : 0;
}

int batch_record_load(const char *outdir, const char *rel, batch_record *rec)
{
    memset(rec, 0, sizeof *rec);
    char path[PATH_MAX];
    record_path(outdir, rel, path, sizeof path);
    FILE *fp = fopen(path, "r");
    if (!fp) return 0;
    char line[PATH_MAX + 8];
    int ok = fgets(line, sizeof line, fp) &&
             sscanf(line, "%64[0-9a-f]\t%64[0-9a-f]\t%15[a-z]", rec->input_sha, rec->settings_sha, rec->state) == 3;
    while (ok && fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (*line) ok = record_add(rec, line);
    }
    fclose(fp);
    if (!ok) batch_record_free(rec);
    return ok;
}

int batch_record_save(const char *outdir, const char *rel, const batch_record *rec, const char *tmpdir)
{
    char path[PATH_MAX], tmp[PATH_MAX + 16];
    if (!batch_path(path, sizeof path, "%s/" STATE_DIR "/records", outdir) || !batch_mkdirs(path)) return 0;
    record_path(outdir, rel, path, sizeof path);
    int fd = batch_path(tmp, sizeof tmp, "%s/record.tmp-XXXXXX", tmpdir) ? mkstemp(tmp) : -1;
    if (fd < 0) return 0;
    FILE *fp = fdopen(fd, "w");
    if (!fp) {
        close(fd);
        unlink(tmp);
        return 0;
    }
    fprintf(fp, "%s\t%s\t%s\n", rec->input_sha, rec->settings_sha, rec->state);
    for (size_t i = 0; i < rec->n_outputs; i++) fprintf(fp, "%s\n", rec->outputs[i]);
    int ok = !ferror(fp);
    ok &= fclose(fp) == 0;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) unlink(tmp);
    return ok;
}

static int exists(const char *outdir, const char *rel)
{
    char path[PATH_MAX];
    struct stat sb;
    return batch_path(path, sizeof path, "%s/%s", outdir, rel) && lstat(path, &sb) == 0;
}

char *batch_record_outputs(const batch_record *rec)
{
    size_t len = 1;
    for (size_t i = 0; i < rec->n_outputs; i++) len += strlen(rec->outputs[i]) + 1;
    char *s = malloc(len), *p = s;
    if (!s) return NULL;
    *p = '\0';
    for (size_t i = 0; i < rec->n_outputs; i++) p += sprintf(p, "%s%s", i ? ";" : "", rec->outputs[i]);
    return s;
}

int batch_record_current(const char *outdir, const batch_record *rec, const char *input_sha,
                         const char *settings_sha)
{
    if (strcmp(rec->state, "done") != 0 || strcmp(rec->input_sha, input_sha) != 0 ||
        strcmp(rec->settings_sha, settings_sha) != 0)
        return 0;
    for (size_t i = 0; i < rec->n_outputs; i++)
        if (!exists(outdir, rec->outputs[i])) return 0;
    return 1;
}

int batch_path(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < size;
}

int batch_mkdirs(const char *dir)
{
    char path[PATH_MAX];
    if (!*dir || snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) return 0;
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char end = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) return 0;
        if (end == '\0') break;
        *p = end;
    }
    struct stat sb;
    return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
}

void batch_remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char sub[PATH_MAX];
            if (batch_path(sub, sizeof sub, "%s/%s", path, e->d_name)) batch_remove_tree(sub);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

void batch_remove_temporaries(const char *outdir, const char *prefix)
{
    DIR *d = opendir(outdir);
    struct dirent *e;
    size_t k = strlen(prefix);
    while (d && (e = readdir(d))) {
        char path[PATH_MAX];
        if (strncmp(e->d_name, prefix, k) == 0 && strstr(e->d_name, ".tmp-") &&
            batch_path(path, sizeof path, "%s/%s", outdir, e->d_name))
            unlink(path);
    }
    if (d) closedir(d);
}

/* Every regular file below root/sub, as paths relative to root, appended to rec. Anything else (a
 * symlink, FIFO or device a worker made) is refused, with why in err: the group tables would read
 * through it (a FIFO blocks the batch, /dev/zero never ends). */
static int list_files(const char *root, const char *sub, batch_record *rec, char *err, size_t err_size)
{
    char dir[PATH_MAX];
    DIR *d = batch_path(dir, sizeof dir, "%s%s%s", root, *sub ? "/" : "", sub) ? opendir(dir) : NULL;
    if (!d) return 0;
    int ok = 1;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        /* the derivatives' description: the batch writes OUTDIR's once (cmd_batch.c) */
        if (!*sub && strcmp(e->d_name, "dataset_description.json") == 0) continue;
        char rel[PATH_MAX], path[PATH_MAX];
        struct stat sb;
        if (!batch_path(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", e->d_name) ||
            !batch_path(path, sizeof path, "%s/%s", root, rel) || lstat(path, &sb) != 0)
            ok = 0;
        else if (S_ISDIR(sb.st_mode)) ok = list_files(root, rel, rec, err, err_size);
        else if (S_ISREG(sb.st_mode)) ok = record_add(rec, rel);
        else ok = 0, snprintf(err, err_size, "its output %s is not a regular file (a symlink, FIFO or device)", rel);
    }
    closedir(d);
    return ok;
}

static int listed(const batch_record *rec, const char *out)
{
    for (size_t i = 0; i < rec->n_outputs; i++)
        if (strcmp(rec->outputs[i], out) == 0) return 1;
    return 0;
}

int batch_commit(const char *outdir, const char *rel, const char *staging, const char *tmpdir, const char *input_sha,
                 const char *settings_sha, int overwrite, batch_record *rec, char *err, size_t err_size)
{
    batch_record old;
    int had = batch_record_load(outdir, rel, &old);
    memset(rec, 0, sizeof *rec);
    snprintf(rec->input_sha, sizeof rec->input_sha, "%s", input_sha);
    snprintf(rec->settings_sha, sizeof rec->settings_sha, "%s", settings_sha);
    snprintf(rec->state, sizeof rec->state, "moving");
    *err = '\0';
    int ok = list_files(staging, "", rec, err, err_size);
    if (!ok && !*err) snprintf(err, err_size, "cannot list the finished outputs in %s", staging);
    if (ok && rec->n_outputs > 1) qsort(rec->outputs, rec->n_outputs, sizeof *rec->outputs, by_string);
    for (size_t i = 0; ok && i < rec->n_outputs; i++) {
        if (!overwrite && exists(outdir, rec->outputs[i]) && !(had && listed(&old, rec->outputs[i]))) {
            snprintf(err, err_size, "%s/%s exists and no earlier batch run of this file wrote it; "
                     "give --overwrite to replace it", outdir, rec->outputs[i]);
            ok = 0;
        }
    }
    /* the intent covers the old outputs too: the ones this run no longer makes are removed */
    batch_record intent = *rec;
    batch_record both = {0};
    if (ok && had) {
        both = *rec;
        both.outputs = NULL, both.n_outputs = 0;
        for (size_t i = 0; ok && i < rec->n_outputs; i++) ok = record_add(&both, rec->outputs[i]);
        for (size_t i = 0; ok && i < old.n_outputs; i++)
            if (!listed(rec, old.outputs[i])) ok = record_add(&both, old.outputs[i]);
        intent = both;
    }
    if (ok && !(ok = batch_record_save(outdir, rel, &intent, tmpdir)))
        snprintf(err, err_size, "cannot write the batch record under %s/" STATE_DIR, outdir);
    for (size_t i = 0; ok && had && i < old.n_outputs; i++) {
        if (listed(rec, old.outputs[i])) continue;
        char path[PATH_MAX];
        if (batch_path(path, sizeof path, "%s/%s", outdir, old.outputs[i])) unlink(path);
    }
    for (size_t i = 0; ok && i < rec->n_outputs; i++) {
        char from[PATH_MAX], to[PATH_MAX];
        ok = batch_path(from, sizeof from, "%s/%s", staging, rec->outputs[i]) &&
             batch_path(to, sizeof to, "%s/%s", outdir, rec->outputs[i]);
        char *slash = strrchr(to, '/');
        if (ok) {
            *slash = '\0';
            ok = batch_mkdirs(to);
            *slash = '/';
        }
        if (!ok || rename(from, to) != 0) {
            snprintf(err, err_size, "cannot move the output into %s: %s", to, strerror(errno));
            ok = 0;
        }
    }
    snprintf(rec->state, sizeof rec->state, "done");
    if (ok && !(ok = batch_record_save(outdir, rel, rec, tmpdir)))
        snprintf(err, err_size, "cannot write the batch record under %s/" STATE_DIR, outdir);
    for (size_t i = 0; i < both.n_outputs; i++) free(both.outputs[i]);
    free(both.outputs);
    if (had) batch_record_free(&old);
    if (!ok) batch_record_free(rec);
    return ok;
}
