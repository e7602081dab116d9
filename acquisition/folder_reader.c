/* Recordings made of several files, read as one:
 *  - an Empatica E4 session folder (ACC.csv, BVP.csv, EDA.csv, HR.csv, IBI.csv, TEMP.csv,
 *    tags.csv; each sensor file states its own Unix start and rate);
 *  - a BIDS physio run split by rate (BIDS 1.10: sub-01_task-x_recording-<label>_physio.tsv.gz,
 *    one file per rate, each with its StartTime), named by the run's physio name without the
 *    recording entity (sub-01_task-x_physio.tsv.gz), which no file has.
 *
 * Each file is opened by its own reader; the combined reader lists their channels on one time
 * base. It starts with the earliest file; a file that starts later (E4's HR.csv starts 10 s after
 * the others: its first value averages the first 10 s) has its channels begin with missing
 * samples (NaN) up to its start, so that sample i of every regular channel sits at i / rate
 * seconds from the recording's start (plus the stretch onset: a BIDS StartTime), as in every
 * other recording; irregular channels (IBI) have their times shifted. A start that is not a whole
 * number of samples after the recording's is rounded to the nearest sample, with a warning giving
 * the error. Events of every file are kept once (a run's _events.tsv, which every file of the run
 * loads, and tags.csv's button presses). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "civil_time.h"
#include "reader_impl.h"

#define FOLDER_FILES 8

typedef struct folder_channel {
    int file, ch;      /* the file's reader and its channel */
    int64_t pad;       /* leading missing samples (regular channels) */
    double shift_s;    /* added to the times of an irregular channel (its file's start) */
} folder_channel;

typedef struct folder {
    psy_reader *files[FOLDER_FILES];
    int n_files;
    folder_channel *ch;
} folder;

static psy_status folder_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    folder *f = impl;
    const folder_channel *c = &f->ch[ch];
    int64_t lead = start < c->pad ? (c->pad - start < n ? c->pad - start : n) : 0;
    for (int64_t i = 0; i < lead; i++) out[i] = NAN;
    if (lead == n) return PSY_OK;
    return psy_reader_read(f->files[c->file], c->ch, start + lead - c->pad, n - lead, out + lead);
}

static psy_status folder_read_times(void *impl, int ch, int64_t start, int64_t n, double *out_s)
{
    folder *f = impl;
    const folder_channel *c = &f->ch[ch];
    psy_status st = psy_reader_read_times(f->files[c->file], c->ch, start, n, out_s);
    for (int64_t i = 0; st == PSY_OK && i < n; i++) out_s[i] += c->shift_s;
    return st;
}

static void folder_free(void *impl)
{
    folder *f = impl;
    if (!f) return;
    for (int i = 0; i < f->n_files; i++) psy_reader_close(f->files[i]);
    free(f->ch);
    free(f);
}

static const psy_reader_ops folder_ops = {folder_read, folder_read_times, folder_free};

/* Seconds since the Unix epoch of a start date-time. */
static double unix_seconds(const psy_datetime *t)
{
    return (double)(psy_days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
                    t->minute * 60 + t->second) + (double)t->nanosecond * 1e-9;
}

/* Opens NAME beside `anchor` (or as the anchor itself when anchor is NULL) with the reader of
 * `format` (NULL: detected). */
static psy_status open_file(const char *dir, const char *name, const char *format, psy_source **anchor,
                            psy_reader **out, psy_message *why)
{
    psy_source *src = NULL;
    psy_status st;
    if (*anchor) {
        st = psy_source_open_related(*anchor, name, &src);
    } else {
        size_t len = strlen(dir) + strlen(name) + 2;
        char *path = malloc(len);
        if (!path) return PSY_E_NOMEM;
        snprintf(path, len, "%s/%s", dir, name);
        st = psy_source_open_path(path, &src);
        /* The folder's reader holds its own handle on the first file: it names the recording's
         * files (psy_reader_file) and opens the others beside it. */
        if (st == PSY_OK && psy_source_open_path(path, anchor) != PSY_OK) *anchor = NULL;
        free(path);
    }
    if (st != PSY_OK) return st;
    psy_open_options opt = psy_open_options_default();
    opt.format = format;
    st = psy_reader_open_source(src, &opt, out, why);
    if (st != PSY_OK) psy_source_close(src);
    return st;
}

/* Events of every file, to be added once each (sorted, duplicates dropped). */
typedef struct event_pool {
    psy_event *ev;
    size_t n, cap;
} event_pool;

static int compare_events(const void *a, const void *b)
{
    const psy_event *x = a, *y = b;
    if (x->onset_s != y->onset_s) return x->onset_s < y->onset_s ? -1 : 1;
    int c = strcmp(x->label, y->label);
    if (c) return c;
    if ((c = strcmp(x->detail, y->detail)) != 0) return c;
    if (x->source != y->source) return x->source < y->source ? -1 : 1;
    int xn = isnan(x->duration_s), yn = isnan(y->duration_s);
    if (xn || yn) return xn - yn;
    return (x->duration_s > y->duration_s) - (x->duration_s < y->duration_s);
}

/* Adds the pool's events to r, each distinct one once (a run's _events.tsv is loaded by every
 * file of the run). The labels stay owned by the files' readers. */
static psy_status add_pooled_events(psy_reader *r, event_pool *p, psy_message *why)
{
    if (p->n) qsort(p->ev, p->n, sizeof *p->ev, compare_events);
    for (size_t i = 0; i < p->n; i++) {
        if (i && compare_events(&p->ev[i - 1], &p->ev[i]) == 0) continue;
        if (psy_reader_add_event(r, &p->ev[i]) != PSY_OK) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    return PSY_OK;
}

/* Adds file's channels, `offset_s` after the recording's start, and puts its events in the pool
 * shifted by event_shift_s (E4 files time events from their own start; BIDS files in the run's
 * frame). */
static psy_status add_file_channels(psy_reader *r, folder *f, int file, double offset_s, double event_shift_s,
                                    event_pool *pool, psy_message *why)
{
    psy_reader *s = f->files[file];
    for (int c = 0; c < psy_reader_channel_count(s); c++) {
        const psy_channel_info *in = psy_reader_channel(s, c);
        psy_channel_info info = *in;
        snprintf(info.file_unit, sizeof info.file_unit, "%s", in->unit); /* read converted */
        folder_channel fc = {file, c, 0, event_shift_s};
        if (in->rate_hz > 0) {
            double exact = offset_s * in->rate_hz;
            fc.pad = (int64_t)llround(exact);
            if (fabs(exact - (double)fc.pad) > 1e-6)
                psy_reader_warn(r, "%s starts %.6f s after the recording: its samples are placed %.3f ms off",
                                info.label, offset_s, 1e3 * fabs(exact - (double)fc.pad) / in->rate_hz);
            info.frames += fc.pad;
            fc.shift_s = 0;
        }
        int k = psy_reader_add_channel(r, &info, 0);
        folder_channel *grown = k < 0 ? NULL : realloc(f->ch, (size_t)(k + 1) * sizeof *grown);
        if (!grown) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        f->ch = grown;
        f->ch[k] = fc;
    }
    size_t n_ev = psy_reader_event_count(s);
    if (pool->n + n_ev > pool->cap) {
        psy_event *grown = realloc(pool->ev, (pool->n + n_ev) * sizeof *grown);
        if (!grown) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        pool->ev = grown;
        pool->cap = pool->n + n_ev;
    }
    for (size_t i = 0; i < n_ev; i++) {
        psy_event e = *psy_reader_event(s, i);
        e.onset_s += event_shift_s;
        pool->ev[pool->n++] = e;
    }
    const char *name = psy_source_name(psy_reader_source(s)), *slash = strrchr(name, '/');
    if (slash) name = slash + 1;
    for (size_t i = 0; i < psy_reader_warning_count(s); i++)
        psy_reader_warn(r, "%s: %s", name, psy_reader_warning(s, i));
    return PSY_OK;
}

/* 1 when dir holds an entry called name (a file of the export, readable or not), or when that
 * cannot be told (a path too long, a folder not searchable): only an entry surely absent is skipped. */
static int present(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (!path) return 1;
    snprintf(path, len, "%s/%s", dir, name);
    struct stat sb;
    int absent = lstat(path, &sb) != 0 && errno == ENOENT;
    free(path);
    return !absent;
}

/* How the files' starts are compared: E4 files by their Unix start, BIDS files by their
 * StartTime (the onset of their first stretch). */
typedef enum time_base { BY_UNIX_START, BY_STRETCH_ONSET } time_base;

static double file_start(psy_reader *s, time_base base)
{
    if (base == BY_STRETCH_ONSET) return psy_reader_stretch(s, 0)->onset_s;
    psy_datetime t = psy_reader_start(s);
    return t.known ? unix_seconds(&t) : NAN;
}

/* Opens the files `names` (those absent are skipped; `optional` marks files that make no
 * recording alone) in dir as one recording named `format_name`. */
static psy_status combine(const char *dir, const char *const *names, const int *optional, size_t n,
                          const char *file_format, time_base base, const char *format_name,
                          const char *none, psy_reader **out, psy_message *why)
{
    *out = NULL;
    folder *f = calloc(1, sizeof *f);
    psy_reader *r = psy_reader_new(format_name);
    psy_source *anchor = NULL;
    psy_status st = f && r ? PSY_OK : PSY_E_NOMEM;
    double start = INFINITY, starts[FOLDER_FILES];
    int essential = 0;
    for (size_t i = 0; st == PSY_OK && i < n && f->n_files < FOLDER_FILES; i++) {
        psy_reader *s = NULL;
        psy_message sub = {{0}};
        psy_status fs = open_file(dir, names[i], file_format, &anchor, &s, &sub);
        if (fs == PSY_E_IO || fs == PSY_E_NOT_FOUND) {
            if (!present(dir, names[i])) continue; /* not in this export */
            st = psy_fail(why, PSY_E_IO, "%s: %s", names[i], /* a reader's reason when it got that far */
                          sub.text[0] ? sub.text : "cannot be read (not a regular file, or no permission)");
            break;
        }
        if (fs != PSY_OK) {
            st = psy_fail(why, fs, "%s: %s", names[i], sub.text);
            break;
        }
        f->files[f->n_files] = s;
        starts[f->n_files] = file_start(s, base);
        if (!optional || !optional[i]) {
            essential++;
            if (starts[f->n_files] < start) start = starts[f->n_files];
        }
        f->n_files++;
    }
    if (st == PSY_OK && !essential) st = psy_fail(why, PSY_E_IO, "%s", none);
    if (st == PSY_OK && start == INFINITY) start = 0;
    event_pool pool = {NULL, 0, 0};
    for (int i = 0; st == PSY_OK && i < f->n_files; i++) {
        double offset = isnan(starts[i]) ? 0 : starts[i] - start;
        st = add_file_channels(r, f, i, offset, base == BY_UNIX_START ? offset : 0, &pool, why);
    }
    if (st == PSY_OK) st = add_pooled_events(r, &pool, why);
    free(pool.ev);
    /* One stretch up to the last sample of any channel (IBI's beats may outlast the signals). */
    double longest = 0;
    for (int i = 0; st == PSY_OK && i < psy_reader_channel_count(r); i++) {
        const psy_channel_info *c = psy_reader_channel(r, i);
        double end = c->rate_hz > 0 ? (double)c->frames / c->rate_hz : 0;
        if (c->rate_hz <= 0 && c->frames > 0) {
            st = folder_read_times(f, i, c->frames - 1, 1, &end);
            if (st != PSY_OK) st = psy_fail(why, st, "reading the times of '%s'", c->label);
            if (base == BY_STRETCH_ONSET) end -= start;
        }
        if (end > longest) longest = end;
    }
    if (st == PSY_OK && psy_reader_add_stretch(r, base == BY_STRETCH_ONSET ? start : 0, longest) != PSY_OK)
        st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    if (st == PSY_OK) {
        psy_datetime t = base == BY_UNIX_START ? psy_datetime_from_unix(start) : psy_reader_start(f->files[0]);
        psy_reader_set_start(r, &t);
        psy_reader_set_impl(r, &folder_ops, f);
        f = NULL;
        if (psy_reader_finish(r) != PSY_OK) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    if (st != PSY_OK) {
        folder_free(f);
        psy_reader_discard(r);
        psy_source_close(anchor);
        return st;
    }
    psy_reader_adopt_source(r, anchor);
    *out = r;
    return PSY_OK;
}

static const char *const e4_names[] = {"BVP.csv", "EDA.csv", "TEMP.csv", "ACC.csv", "HR.csv", "IBI.csv", "tags.csv"};
static const int e4_optional[] = {0, 0, 0, 0, 0, 0, 1}; /* tags alone are no recording */

int psy_is_session_folder(const char *path)
{
    DIR *d = path ? opendir(path) : NULL;
    if (!d) return 0;
    int yes = 0;
    for (struct dirent *e; !yes && (e = readdir(d));)
        for (size_t k = 0; k < 6 && !yes; k++) yes = strcmp(e->d_name, e4_names[k]) == 0 && !e4_optional[k];
    closedir(d);
    return yes;
}

psy_status psy_open_e4_folder(const char *dir, psy_reader **out, psy_message *why)
{
    return combine(dir, e4_names, e4_optional, 7, "empatica", BY_UNIX_START, "Empatica E4 folder",
                   "is a directory, not a recording (no Empatica E4 sensor files such as BVP.csv or "
                   "EDA.csv in it)", out, why);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when `name` is `prefix` + "_recording-<label>" + `suffix` (label: letters and digits). */
static int is_recording_of(const char *name, const char *prefix, const char *suffix)
{
    size_t np = strlen(prefix), ns = strlen(suffix), n = strlen(name);
    if (n <= np + 11 + ns || strncmp(name, prefix, np) != 0 || strncmp(name + np, "_recording-", 11) != 0 ||
        strcmp(name + n - ns, suffix) != 0)
        return 0;
    for (size_t i = np + 11; i < n - ns; i++)
        if (!isalnum((unsigned char)name[i])) return 0;
    return 1;
}

psy_status psy_open_bids_run(const char *path, psy_reader **out, psy_message *why)
{
    *out = NULL;
    const char *suffix = psy_has_suffix_ci(path, "_physio.tsv.gz") ? "_physio.tsv.gz"
                         : psy_has_suffix_ci(path, "_physio.tsv")  ? "_physio.tsv"
                                                                   : NULL;
    if (!suffix) return PSY_E_NOT_FOUND;
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) : 1;
    char *dir = malloc(dir_len + 1), *prefix = strdup(slash ? slash + 1 : path);
    if (!dir || !prefix) {
        free(dir), free(prefix);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    memcpy(dir, slash ? path : ".", dir_len);
    dir[dir_len] = '\0';
    prefix[strlen(prefix) - strlen(suffix)] = '\0';
    char *names[FOLDER_FILES];
    size_t n = 0;
    DIR *d = opendir(dir);
    size_t more = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (!is_recording_of(e->d_name, prefix, suffix)) continue;
        if (n < FOLDER_FILES && (names[n] = strdup(e->d_name)) != NULL) n++;
        else more++;
    }
    if (d) closedir(d);
    psy_status st = PSY_E_NOT_FOUND;
    if (more) {
        st = psy_fail(why, PSY_E_UNSUPPORTED, "the run has more than %d recording files", FOLDER_FILES);
    } else if (n) {
        qsort(names, n, sizeof names[0], compare_names);
        st = combine(dir, (const char *const *)names, NULL, n, "bids", BY_STRETCH_ONSET, "BIDS physio run",
                     "no file of the run", out, why);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(dir);
    free(prefix);
    return st;
}
