/* psyphys batch: finding the recordings of an archive and pairing their event files. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "batch.h"
#include "cli.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Names that are never recordings: BIDS metadata and event tables, sidecars. */
static int is_metadata(const char *name)
{
    static const char *const suffixes[] = {"_events.tsv", "_events.csv", "_physioevents.tsv",
                                           "_physioevents.tsv.gz", "_channels.tsv", "_scans.tsv",
                                           "_sessions.tsv", "_electrodes.tsv", "participants.tsv",
                                           NULL};
    for (const char *const *s = suffixes; *s; s++)
        if (ends_with(name, *s)) return 1;
    return 0;
}

/* ISHNE Holter files share .ecg with WFDB annotations: their first bytes tell them apart. */
static int is_ishne(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char magic[8] = {0};
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == sizeof magic && memcmp(magic, "ISHNE1.0", 8) == 0;
}

/* Formats the readers open (acquisition/open.c): EDF/BDF, WFDB headers, audio, delimited text and
 * BIDS physio, RR/IBI lists, ISHNE, AcqKnowledge, XDF, BrainVision headers (their .eeg and .vmrk
 * are read through them), OpenSignals text. */
static int is_recording(const char *path, const char *name)
{
    static const char *const ext[] = {".edf", ".bdf", ".hea", ".wav",    ".flac", ".ogg", ".aif", ".aiff",
                                      ".csv", ".tsv", ".tsv.gz", ".txt", ".acq",  ".xdf", ".vhdr", NULL};
    if (name[0] == '.' || is_metadata(name)) return 0;
    for (const char *const *e = ext; *e; e++)
        if (ends_with(name, *e)) return 1;
    return ends_with(name, ".ecg") && is_ishne(path);
}

static char *join(const char *dir, const char *name)
{
    if (!*dir) return strdup(name);
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    return p;
}

static int exists_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The events file for a recording: BIDS "<entities>_<suffix>.ext" → "<entities>_events.tsv", then
 * "STEM_events.tsv" and "STEM_events.csv" beside it. */
static char *pair_events(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path + 1) : 0;
    const char *base = path + dir_len;
    char cand[PATH_MAX];
    int stem_n = psy_path_stem(base, cand, sizeof cand);
    size_t stem_len = stem_n > 0 && (size_t)stem_n < sizeof cand ? (size_t)stem_n : strlen(base);
    const char *us = NULL; /* the last '_' of the stem: before the BIDS suffix */
    for (const char *p = base; p < base + stem_len; p++)
        if (*p == '_') us = p;
    if (us && strncmp(base, "sub-", 4) == 0) {
        snprintf(cand, sizeof cand, "%.*s_events.tsv", (int)(us - path), path);
        if (exists_file(cand)) return strdup(cand);
        /* the run's events carry no recording-<label> entity (BIDS 1.10, physiological recordings) */
        size_t n = 0;
        for (const char *p = path; p < us;) {
            const char *next = strchr(p + 1, '_');
            if (!next || next > us) next = us;
            if (!(p >= base && *p == '_' && strncmp(p + 1, "recording-", 10) == 0) && n + (size_t)(next - p) < sizeof cand)
                memcpy(cand + n, p, (size_t)(next - p)), n += (size_t)(next - p);
            p = next;
        }
        if (n + sizeof "_events.tsv" <= sizeof cand) {
            memcpy(cand + n, "_events.tsv", sizeof "_events.tsv");
            if (exists_file(cand)) return strdup(cand);
        }
    }
    static const char *const forms[] = {"_events.tsv", "_events.csv"};
    for (int k = 0; k < 2; k++) {
        snprintf(cand, sizeof cand, "%.*s%s", (int)(dir_len + stem_len), path, forms[k]);
        if (exists_file(cand)) return strdup(cand);
    }
    return NULL;
}

static int wanted(const batch_filter *f, const char *rel)
{
    int in = f->n_include == 0;
    for (int i = 0; i < f->n_include && !in; i++) in = fnmatch(f->include[i], rel, 0) == 0;
    for (int i = 0; i < f->n_exclude && in; i++) in = fnmatch(f->exclude[i], rel, 0) != 0;
    return in;
}

/* A directory's entry names, sorted (hidden ones left out: ., .., batch state). */
typedef struct names {
    char **v;
    size_t n;
} names;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(names *nm)
{
    for (size_t i = 0; i < nm->n; i++) free(nm->v[i]);
    free(nm->v);
    memset(nm, 0, sizeof *nm);
}

static int read_names(const char *dir, names *nm)
{
    memset(nm, 0, sizeof *nm);
    DIR *d = opendir(dir);
    if (!d) {
        cli_error(dir, "cannot read the directory: %s", strerror(errno));
        return 0;
    }
    size_t cap = 0;
    int ok = 1;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (nm->n == cap) {
            cap = cap ? 2 * cap : 64;
            char **p = realloc(nm->v, cap * sizeof *p);
            if (!p) {
                ok = 0;
                break;
            }
            nm->v = p;
        }
        ok = (nm->v[nm->n] = strdup(e->d_name)) != NULL;
        nm->n += ok;
    }
    closedir(d);
    if (ok && nm->n > 1) qsort(nm->v, nm->n, sizeof *nm->v, by_name);
    if (!ok) names_free(nm);
    return ok;
}

/* The files a reader may read with the recording `base` in dir: name = STEM + ".…" (WFDB .dat and
 * annotations, BIDS .json sidecar) or STEM + "events.…" (BIDS physioevents), found by binary search
 * in the sorted names. */
static int find_companions(const char *dir, const names *nm, const char *base, batch_item *it)
{
    size_t stem = strcspn(base + 1, ".") + 1, lo = 0, hi = nm->n;
    while (lo < hi) { /* the first name >= the stem */
        size_t mid = (lo + hi) / 2;
        if (strncmp(nm->v[mid], base, stem) < 0) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < nm->n && strncmp(nm->v[i], base, stem) == 0; i++) {
        const char *rest = nm->v[i] + stem;
        if (strcmp(nm->v[i], base) == 0 || (rest[0] != '.' && strncmp(rest, "events.", 7) != 0)) continue;
        char **p = realloc(it->companions, (it->n_companions + 1) * sizeof *p);
        if (!p) return 0;
        it->companions = p;
        if (!(p[it->n_companions] = join(dir, nm->v[i]))) return 0;
        it->n_companions++;
    }
    return 1;
}

/* Adds the recording dir/name (nm: dir's names, or NULL to read them here). */
static int add(batch_list *l, const batch_filter *f, const char *dir, const char *name, const names *nm,
               const char *rel)
{
    if (!wanted(f, rel)) return 1;
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 64;
        batch_item *p = realloc(l->items, nc * sizeof *p);
        if (!p) return 0;
        l->items = p, l->cap = nc;
    }
    batch_item *it = &l->items[l->n];
    memset(it, 0, sizeof *it);
    l->n++; /* freed with the list whatever happens below */
    names own = {0};
    if (!nm && !read_names(*dir ? dir : ".", &own)) return 0;
    it->path = join(dir, name);
    it->rel = strdup(rel);
    int ok = it->path && it->rel && find_companions(dir, nm ? nm : &own, name, it);
    names_free(&own);
    if (ok) it->events = pair_events(it->path);
    return ok;
}

/* Adds a session folder (psy_is_session_folder: an E4 folder) as one recording, its files as the
 * companions that fingerprint it. */
static int add_folder(batch_list *l, const batch_filter *f, const char *dir, const char *name,
                      const names *nm, const char *rel)
{
    size_t before = l->n;
    if (!add(l, f, dir, name, nm, rel)) return 0;
    if (l->n == before) return 1; /* filtered out */
    batch_item *it = &l->items[l->n - 1];
    names inner;
    if (!read_names(it->path, &inner)) return 0;
    int ok = 1;
    for (size_t i = 0; ok && i < inner.n; i++) {
        char *file = join(it->path, inner.v[i]);
        struct stat sb;
        if (file && stat(file, &sb) == 0 && !S_ISREG(sb.st_mode)) {
            free(file);
            continue;
        }
        char **p = file ? realloc(it->companions, (it->n_companions + 1) * sizeof *p) : NULL;
        if (p) it->companions = p, p[it->n_companions++] = file;
        else free(file), ok = 0;
    }
    names_free(&inner);
    return ok;
}

static int is_bids_root(const char *dir)
{
    char *p = join(dir, "dataset_description.json");
    int yes = p && exists_file(p);
    free(p);
    return yes;
}

/* Walks dir (rel: its path below the INPUT root, "" at the root). */
static int walk(batch_list *l, const batch_filter *f, const char *dir, const char *rel, int bids_root)
{
    names nm;
    if (!read_names(dir, &nm)) return 0;
    int ok = 1;
    for (size_t i = 0; ok && i < nm.n; i++) {
        const char *name = nm.v[i];
        char *path = join(dir, name), *sub = join(rel, name);
        struct stat sb;
        if (!path || !sub) ok = 0;
        else if (lstat(path, &sb) != 0) ok = 1; /* vanished meanwhile */
        else if (S_ISDIR(sb.st_mode)) {
            char *real = realpath(path, NULL);
            int skip = (bids_root && strncmp(name, "sub-", 4) != 0) ||
                       (real && f->skip_dir && strcmp(real, f->skip_dir) == 0);
            free(real);
            if (!skip && psy_is_session_folder(path)) ok = add_folder(l, f, dir, name, &nm, sub);
            else if (!skip) ok = walk(l, f, path, sub, 0);
        } else if (!bids_root && (S_ISREG(sb.st_mode) || (S_ISLNK(sb.st_mode) && exists_file(path))) &&
                   is_recording(path, name)) {
            ok = add(l, f, dir, name, &nm, sub);
        }
        free(path);
        free(sub);
    }
    names_free(&nm);
    return ok;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* One INPUT: a directory, a file, or @LIST. `rel_as` names a listed file (NULL: its base name). */
static int discover_one(batch_list *l, const batch_filter *f, const char *input, const char *rel_as);

static int discover_list(batch_list *l, const batch_filter *f, const char *list)
{
    FILE *fp = fopen(list, "r");
    if (!fp) {
        cli_error(list, "cannot read the list: %s", strerror(errno));
        return 0;
    }
    const char *slash = strrchr(list, '/');
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - list) : 0, list);
    char line[PATH_MAX];
    int ok = 1;
    while (ok && fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (!*s || *s == '#') continue;
        char *path = s[0] == '/' || !*dir ? strdup(s) : join(dir, s);
        int plain = s[0] != '/' && !strstr(s, "..");
        ok = path && discover_one(l, f, path, plain ? s : NULL);
        free(path);
    }
    fclose(fp);
    return ok;
}

static int discover_one(batch_list *l, const batch_filter *f, const char *input, const char *rel_as)
{
    if (input[0] == '@') return discover_list(l, f, input + 1);
    struct stat sb;
    if (stat(input, &sb) != 0) {
        cli_error(input, "cannot read it: %s", strerror(errno));
        return 0;
    }
    int folder = S_ISDIR(sb.st_mode) && psy_is_session_folder(input);
    if (S_ISDIR(sb.st_mode) && !folder) return walk(l, f, input, "", is_bids_root(input));
    if (!S_ISREG(sb.st_mode) && !folder) {
        cli_error(input, "is neither a file nor a directory");
        return 0;
    }
    const char *name = base_name(input);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", (int)(name - input), input);
    if (name > input + 1) dir[name - input - 1] = '\0'; /* "a/b.edf" -> "a"; "/b.edf" -> "/" */
    if (folder) return add_folder(l, f, dir, name, NULL, rel_as ? rel_as : name);
    return add(l, f, dir, name, NULL, rel_as ? rel_as : name);
}

static void item_free(batch_item *it)
{
    free(it->path), free(it->rel), free(it->events);
    for (size_t i = 0; i < it->n_companions; i++) free(it->companions[i]);
    free(it->companions);
}

/* A realpath and the item's index: equal paths sort together, the lower index first. */
typedef struct keyed {
    char *real;
    size_t index;
} keyed;

static int by_real(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = x->real && y->real ? strcmp(x->real, y->real) : (x->real != NULL) - (y->real != NULL);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static int by_rel(const void *a, const void *b)
{
    const batch_item *x = a, *y = b;
    int c = strcmp(x->rel, y->rel);
    return c ? c : strcmp(x->path, y->path);
}

int batch_discover(char *const *inputs, int n_inputs, const batch_filter *f, batch_list *out)
{
    for (int i = 0; i < n_inputs; i++)
        if (!discover_one(out, f, inputs[i], NULL)) return 0;
    if (out->n > 1) qsort(out->items, out->n, sizeof *out->items, by_rel);
    /* each file once, even when two INPUTs reach it: the first in sorted order is kept */
    keyed *k = calloc(out->n + 1, sizeof *k);
    if (!k) return 0;
    for (size_t i = 0; i < out->n; i++) {
        k[i].real = realpath(out->items[i].path, NULL);
        k[i].index = i;
    }
    if (out->n > 1) qsort(k, out->n, sizeof *k, by_real);
    char *drop = calloc(out->n + 1, 1);
    for (size_t i = 1; drop && i < out->n; i++)
        if (k[i].real && k[i - 1].real && strcmp(k[i].real, k[i - 1].real) == 0) drop[k[i].index] = 1;
    size_t kept = 0;
    for (size_t i = 0; drop && i < out->n; i++) {
        if (drop[i]) item_free(&out->items[i]);
        else out->items[kept++] = out->items[i];
    }
    for (size_t i = 0; i < out->n; i++) free(k[i].real);
    free(k);
    if (!drop) return 0;
    free(drop);
    out->n = kept;
    return 1;
}

void batch_list_free(batch_list *l)
{
    for (size_t i = 0; i < l->n; i++) item_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void batch_bids_entity(const char *path, const char *key, char *out, size_t size)
{
    const char *name = base_name(path);
    size_t k = strlen(key);
    snprintf(out, size, "n/a");
    for (const char *p = name; *p; p++) {
        if ((p == name || p[-1] == '_') && strncmp(p, key, k) == 0 && p[k] == '-') {
            const char *v = p + k + 1;
            size_t n = strcspn(v, "_.");
            if (n) snprintf(out, size, "%.*s", (int)n, v);
            return;
        }
    }
}

char *batch_resolve(const char *path)
{
    char *real = realpath(path, NULL);
    if (real) return real;
    const char *slash = strrchr(path, '/');
    if (!slash) {
        char *cwd = realpath(".", NULL);
        char *r = cwd ? join(cwd, path) : NULL;
        free(cwd);
        return r;
    }
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    char *head = batch_resolve(parent);
    char *r = head ? join(head, slash + 1) : NULL;
    free(head);
    return r;
}
