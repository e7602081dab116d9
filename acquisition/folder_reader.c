/* Recordings made of several files, read as one: a session folder's exports (an Empatica E4
 * folder, a Garmin log, a Holter, and several devices' together: session_folder.c), and a BIDS
 * physio run split by rate (BIDS 1.10: sub-01_task-x_recording-<label>_physio.tsv.gz, one file
 * per rate, each with its StartTime), named by the run's physio name without the recording
 * entity (sub-01_task-x_physio.tsv.gz), which no file has.
 *
 * Each file is opened by its own reader; the combined reader lists their channels on one time
 * base. It starts with the earliest file; each stretch of a file (a file with gaps has several)
 * is placed at its own start, so that sample i of every regular channel sits at i / rate seconds
 * from the recording's start (plus the stretch onset: a BIDS StartTime), as in every other
 * recording: a file that starts later (E4's HR.csv starts 10 s after the others: its first value
 * averages the first 10 s) or pauses has its channels read as missing samples (NaN) until its
 * data resumes. Irregular channels (IBI) have their times shifted. A stretch whose start is not a
 * whole number of samples after the recording's is rounded to the nearest sample (but never into
 * the recording's stretch before it), with a warning giving the error. The recording's stretches are where any file has data: a file's gap that
 * another file covers is missing samples, not a gap. Events of every file are kept once (a run's
 * _events.tsv, which every file of the run loads, and tags.csv's button presses). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "civil_time.h"
#include "folder_combine.h"

/* files of a BIDS run split by rate */
#define RUN_FILES 8

/* A run of a file's samples in the combined channel. */
typedef struct folder_segment {
    int64_t at;   /* first index in the combined channel */
    int64_t from; /* first index in the file's channel */
    int64_t n;
} folder_segment;

typedef struct folder_channel {
    int file, ch;          /* the file's reader and its channel */
    folder_segment *seg;   /* in order of `at`: one per stretch of the file (irregular: one) */
    size_t n_seg;
    double shift_s;        /* added to the times of an irregular channel (its file's start) */
    double placed_s;       /* how long after the recording's start its first stretch starts (s) */
    double off_ms;         /* the most a stretch's start was moved to the sample grid (ms) */
} folder_channel;

typedef struct folder {
    folder_files in;
    int n_ch;
    folder_channel *ch;
} folder;

/* The channels of file i that the recording takes. */
static int taken_channels(const folder_files *s, int i)
{
    return s->events_only[i] ? 0 : psy_reader_channel_count(s->r[i]);
}

static psy_status folder_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    folder *f = impl;
    const folder_channel *c = &f->ch[ch];
    for (int64_t i = 0; i < n; i++) out[i] = NAN;
    size_t k = psy_last_at_or_before(c->seg, c->n_seg, sizeof *c->seg, offsetof(folder_segment, at), start);
    for (; k < c->n_seg && c->seg[k].at < start + n; k++) {
        const folder_segment *s = &c->seg[k];
        int64_t a = s->at > start ? s->at : start, b = s->at + s->n < start + n ? s->at + s->n : start + n;
        if (b <= a) continue;
        psy_status st = psy_reader_read(f->in.r[c->file], c->ch, s->from + (a - s->at), b - a, out + (a - start));
        if (st != PSY_OK) return st;
    }
    return PSY_OK;
}

static psy_status folder_read_times(void *impl, int ch, int64_t start, int64_t n, double *out_s)
{
    folder *f = impl;
    const folder_channel *c = &f->ch[ch];
    psy_status st = psy_reader_read_times(f->in.r[c->file], c->ch, start, n, out_s);
    for (int64_t i = 0; st == PSY_OK && i < n; i++) out_s[i] += c->shift_s;
    return st;
}

static void folder_free(void *impl)
{
    folder *f = impl;
    if (!f) return;
    folder_close(&f->in);
    for (int i = 0; i < f->n_ch; i++) free(f->ch[i].seg);
    free(f->ch);
    free(f);
}

static const psy_reader_ops folder_ops = {folder_read, folder_read_times, folder_free};

/* Seconds since the Unix epoch of a start date-time (its UTC offset, when known, taken off:
 * a Garmin log's "+02:00"; a clock time without one is read as UTC). */
static double unix_seconds(const psy_datetime *t)
{
    int64_t zone = t->zone_known ? (int64_t)t->utc_offset_min * 60 : 0;
    return (double)(psy_days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
                    t->minute * 60 + t->second - zone) + (double)t->nanosecond * 1e-9;
}

char *folder_path_in(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (path) snprintf(path, len, "%s/%s", dir, name);
    return path;
}

/* Opens dir/name with the reader of `format` (NULL: detected). */
static psy_status open_file(const char *dir, const char *name, const char *format, psy_reader **out,
                            psy_message *why)
{
    char *path = folder_path_in(dir, name);
    if (!path) return PSY_E_NOMEM;
    psy_source *src = NULL;
    psy_status st = psy_source_open_path(path, &src);
    free(path);
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

/* The name of a member's file, without its folder. */
static const char *file_name(psy_reader *s)
{
    const char *name = psy_source_name(psy_reader_source(s)), *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

/* Adds file's channels (placed by place_files: f->ch from `first`) and puts its events in the
 * pool shifted by shift_s (E4 and Garmin files time events from their own start; BIDS files in
 * the run's frame). */
static psy_status add_file_channels(psy_reader *r, folder *f, int file, int first, double shift_s,
                                    event_pool *pool, psy_message *why)
{
    psy_reader *s = f->in.r[file];
    const char *device = f->in.device[file];
    for (int c = 0; c < taken_channels(&f->in, file); c++) {
        const psy_channel_info *in = psy_reader_channel(s, c);
        const folder_channel *fc = &f->ch[first + c];
        psy_channel_info info = *in;
        snprintf(info.file_unit, sizeof info.file_unit, "%s", in->unit); /* read converted */
        int taken = device ? psy_reader_find_channel(r, info.label) : -1;
        if (taken >= 0 && strcmp(f->in.device[f->ch[taken].file], device) != 0) { /* ACC X of two devices */
            /* the label cut to leave room for the device: two long labels stay two */
            char suffix[64];
            size_t n_suffix = (size_t)snprintf(suffix, sizeof suffix, " (%s)", device);
            psy_copy_field(info.label, sizeof info.label - n_suffix, in->label, strlen(in->label));
            strcat(info.label, suffix);
        }
        if (in->rate_hz > 0) {
            const folder_segment *last = fc->n_seg ? &fc->seg[fc->n_seg - 1] : NULL;
            info.frames = last ? last->at + last->n : 0;
            if (fc->off_ms > 0 && fc->n_seg == 1)
                psy_reader_warn(r, "%s starts %.6f s after the recording: its samples are placed %.3f ms off",
                                info.label, fc->placed_s, fc->off_ms);
            else if (fc->off_ms > 0)
                psy_reader_warn(r, "%s: its %zu stretches are placed up to %.3f ms off the recording's "
                                   "sample grid", info.label, fc->n_seg, fc->off_ms);
        }
        if (psy_reader_add_channel(r, &info, 0) < 0) return psy_fail(why, PSY_E_NOMEM, "out of memory");
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
        e.onset_s += shift_s;
        pool->ev[pool->n++] = e;
    }
    for (size_t i = 0; i < psy_reader_warning_count(s); i++)
        psy_reader_warn(r, "%s: %s", file_name(s), psy_reader_warning(s, i));
    return PSY_OK;
}

/* A stretch of a file on the recording's time axis: [a, b) s. */
typedef struct file_span {
    double a, b;
    int file, k;
} file_span;

static int compare_spans(const void *x, const void *y)
{
    const file_span *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return p->file != q->file ? p->file - q->file : p->k - q->k;
}

/* The first sample index j at `rate` Hz whose data time j / rate reaches `data_s`, by the very
 * rule psy_reader_read_times picks a sample's stretch with (psy_stretch_reached). */
static int64_t first_index_from(double data_s, double rate)
{
    if (!(data_s > 0) || !isfinite(data_s)) return 0; /* the first stretch (and no loop on a NaN) */
    int64_t j = (int64_t)ceil(data_s * rate);
    while (!psy_stretch_reached((double)j / rate, data_s)) j++;
    while (j > 0 && psy_stretch_reached((double)(j - 1) / rate, data_s)) j--;
    return j;
}

/* Appends to channel c the samples of its file's stretch k, which starts `at_s` seconds into the
 * recording's data: the data offset of the recording's stretch, `data_s`, plus the time since its
 * onset. Rounded to the nearest sample, but never before `data_s` (a sample there would be
 * timed by the stretch before) nor over the previous stretch's samples; the move is counted in
 * c->off_ms. */
static int place_stretch(folder_channel *c, psy_reader *s, int k, double data_s, double at_s)
{
    const psy_channel_info *in = psy_reader_channel(s, c->ch);
    const psy_stretch *st = psy_reader_stretch(s, k);
    int n_st = psy_reader_stretch_count(s);
    folder_segment g;
    g.from = llround(st->data_offset_s * in->rate_hz);
    g.n = k + 1 < n_st ? llround(st->duration_s * in->rate_hz) : in->frames - g.from;
    if (g.n > in->frames - g.from) g.n = in->frames - g.from;
    if (g.n < 0) g.n = 0;
    double exact = at_s * in->rate_hz;
    int64_t lowest = first_index_from(data_s, in->rate_hz);
    g.at = llround(exact);
    if (g.at < lowest) g.at = lowest;
    if (c->n_seg) {
        const folder_segment *prev = &c->seg[c->n_seg - 1];
        if (g.at < prev->at + prev->n) g.at = prev->at + prev->n;
    }
    double off_ms = fabs(exact - (double)g.at) > 1e-6 ? 1e3 * fabs(exact - (double)g.at) / in->rate_hz : 0;
    if (off_ms > c->off_ms) c->off_ms = off_ms;
    folder_segment *grown = realloc(c->seg, (c->n_seg + 1) * sizeof *grown);
    if (!grown) return 0;
    c->seg = grown;
    c->seg[c->n_seg++] = g;
    return 1;
}

/* Lays every file's stretches on the recording's time axis (file i's times + shift[i]): the
 * recording's stretches are the runs of time where any file has data; each regular channel gets
 * a segment per stretch of its file, irregular channels one for all their samples. Fills f->ch
 * (f->n_ch channels, file by file) and adds the stretches to r. */
static psy_status place_files(psy_reader *r, folder *f, const double *shift, psy_message *why)
{
    size_t n_spans = 0, cap = 0;
    file_span *spans = NULL;
    for (int i = 0; i < f->in.n; i++) {
        psy_reader *s = f->in.r[i];
        double end = -INFINITY, overlap = 0;
        for (int k = 0; taken_channels(&f->in, i) > 0 && k < psy_reader_stretch_count(s); k++) {
            const psy_stretch *st = psy_reader_stretch(s, k);
            if (!psy_grow(&spans, sizeof *spans, &cap, n_spans + 1)) {
                free(spans);
                return psy_fail(why, PSY_E_NOMEM, "out of memory");
            }
            spans[n_spans++] = (file_span){shift[i] + st->onset_s, shift[i] + st->onset_s + st->duration_s, i, k};
            if (end - st->onset_s > overlap) overlap = end - st->onset_s;
            if (st->onset_s + st->duration_s > end) end = st->onset_s + st->duration_s;
        }
        /* place_stretch puts a stretch's samples after the previous one's */
        if (overlap > 1e-9)
            psy_reader_warn(r, "%s: its stretches overlap by up to %.6f s: the later ones are placed after "
                               "the earlier ones' samples", file_name(s), overlap);
    }
    if (n_spans) qsort(spans, n_spans, sizeof *spans, compare_spans);
    int first[FOLDER_FILES + 1] = {0};
    for (int i = 0; i < f->in.n; i++) first[i + 1] = first[i] + taken_channels(&f->in, i);
    for (int i = 0; i < f->in.n; i++)
        for (int c = first[i]; c < first[i + 1]; c++) f->ch[c] = (folder_channel){i, c - first[i], NULL, 0, shift[i], 0, 0};
    psy_status st = PSY_OK;
    double data_offset = 0;
    for (size_t g = 0; st == PSY_OK && g < n_spans;) {
        double onset = spans[g].a, end = spans[g].b, duration, data_end = data_offset;
        /* a span joins while it starts before the stretch's end so far: its files' exact ends, or
         * the end of the samples placed, which rounding to the grid may push later */
        for (; st == PSY_OK && g < n_spans && spans[g].a <= end; g++) {
            const file_span *sp = &spans[g];
            psy_reader *s = f->in.r[sp->file];
            int regular = 0;
            for (int c = first[sp->file]; st == PSY_OK && c < first[sp->file + 1]; c++) {
                folder_channel *fc = &f->ch[c];
                double rate = psy_reader_channel(s, fc->ch)->rate_hz;
                if (!(rate > 0)) continue;
                regular = 1;
                if (!fc->n_seg) fc->placed_s = sp->a - spans[0].a;
                if (!place_stretch(fc, s, sp->k, data_offset, data_offset + sp->a - onset)) {
                    st = psy_fail(why, PSY_E_NOMEM, "out of memory");
                    break;
                }
                const folder_segment *last = &fc->seg[fc->n_seg - 1];
                double placed_end = (double)(last->at + last->n) / rate;
                if (placed_end > data_end) data_end = placed_end;
            }
            /* irregular samples: up to the file's last sample time */
            if (!regular && data_offset + sp->b - onset > data_end) data_end = data_offset + sp->b - onset;
            if (sp->b > end) end = sp->b;
            if (onset + (data_end - data_offset) > end) end = onset + (data_end - data_offset);
        }
        /* the next stretch's data offset, data_offset + duration as the core sums it, never over
         * the index time of the first sample after this one's: that sample is the next one's */
        duration = data_end - data_offset;
        while (duration > 0 && data_offset + duration > data_end) duration = nextafter(duration, 0);
        if (st == PSY_OK && psy_reader_add_stretch(r, onset, duration) != PSY_OK)
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
        data_offset += duration;
    }
    free(spans);
    /* irregular channels: all their samples, at their own times */
    for (int c = 0; st == PSY_OK && c < f->n_ch; c++) {
        folder_channel *fc = &f->ch[c];
        const psy_channel_info *in = psy_reader_channel(f->in.r[fc->file], fc->ch);
        if (in->rate_hz > 0) continue;
        fc->seg = malloc(sizeof *fc->seg);
        if (!fc->seg) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        fc->seg[0] = (folder_segment){0, 0, in->frames};
        fc->n_seg = 1;
    }
    return st;
}

/* 1 when dir holds an entry called name (a file of the export, readable or not), or when that
 * cannot be told (a path too long, a folder not searchable): only an entry surely absent is skipped. */
static int present(const char *dir, const char *name)
{
    char *path = folder_path_in(dir, name);
    if (!path) return 1;
    struct stat sb;
    int absent = lstat(path, &sb) != 0 && errno == ENOENT;
    free(path);
    return !absent;
}

static double file_start(psy_reader *s, time_base base)
{
    if (base == BY_STRETCH_ONSET) return psy_reader_stretch(s, 0)->onset_s;
    psy_datetime t = psy_reader_start(s);
    return t.known ? unix_seconds(&t) : NAN;
}

psy_status folder_open(const char *dir, const folder_member *m, size_t n, time_base base, const char *none,
                       folder_files *out, psy_message *why)
{
    out->n = 0;
    psy_status st = PSY_OK;
    int essential = 0;
    for (size_t i = 0; i < n && out->n < FOLDER_FILES; i++) {
        psy_reader *s = NULL;
        psy_message sub = {{0}};
        psy_status fs = open_file(dir, m[i].name, m[i].format, &s, &sub);
        if (fs == PSY_E_IO || fs == PSY_E_NOT_FOUND) {
            if (!present(dir, m[i].name)) continue; /* not in this export */
            st = psy_fail(why, PSY_E_IO, "%s: %s", m[i].name, /* a reader's reason when it got that far */
                          sub.text[0] ? sub.text : "cannot be read (not a regular file, or no permission)");
            break;
        }
        if (fs != PSY_OK) {
            st = psy_fail(why, fs, "%s: %s", m[i].name, sub.text);
            break;
        }
        out->r[out->n] = s;
        out->events_only[out->n] = m[i].events_only;
        out->device[out->n++] = m[i].device;
        essential += !m[i].events_only;
    }
    if (st == PSY_OK && !essential) st = psy_fail(why, PSY_E_IO, "%s", none);
    /* clock times with and without a UTC offset cannot be lined up (one without was read as UTC:
     * hours off, without a word) */
    for (int i = 0, ref = -1; st == PSY_OK && base == BY_UNIX_START && i < out->n; i++) {
        psy_datetime t = psy_reader_start(out->r[i]);
        if (out->events_only[i] || !t.known) continue;
        if (ref < 0) ref = i;
        else if (t.zone_known != psy_reader_start(out->r[ref]).zone_known)
            st = psy_fail(why, PSY_E_FORMAT, "%s: its start has %s UTC offset, %s's %s: their clocks cannot be "
                          "lined up", file_name(out->r[i]), t.zone_known ? "a" : "no", file_name(out->r[ref]),
                          t.zone_known ? "has none" : "has one");
    }
    if (st != PSY_OK) folder_close(out);
    return st;
}

void folder_close(folder_files *s)
{
    for (int i = 0; i < s->n; i++) psy_reader_close(s->r[i]);
    s->n = 0;
}

void folder_join(folder_files *to, folder_files *from)
{
    for (int i = 0; i < from->n; i++, to->n++) {
        to->r[to->n] = from->r[i];
        to->events_only[to->n] = from->events_only[i];
        to->device[to->n] = from->device[i];
    }
    from->n = 0;
}

/* Lines s's files up: file i's times + shift[i] are the recording's (BY_UNIX_START: from the
 * earliest start, *start, in seconds since the Unix epoch; BY_STRETCH_ONSET: the run's frame,
 * already shared). Returns the file whose start is the recording's (BY_UNIX_START). */
static int line_up(const folder_files *s, time_base base, double shift[], double *start)
{
    double starts[FOLDER_FILES];
    *start = INFINITY;
    for (int i = 0; i < s->n; i++) {
        starts[i] = file_start(s->r[i], base);
        if (!s->events_only[i] && starts[i] < *start) *start = starts[i];
    }
    if (*start == INFINITY) *start = 0;
    int earliest = 0;
    for (int i = s->n - 1; i >= 0; i--) {
        shift[i] = base == BY_UNIX_START && !isnan(starts[i]) ? starts[i] - *start : 0;
        if (starts[i] == *start && !s->events_only[i]) earliest = i; /* tags.csv has no start of its own */
    }
    return earliest;
}

int folder_clock_span(const folder_files *s, double span[2])
{
    double shift[FOLDER_FILES], start;
    psy_datetime t = psy_reader_start(s->r[line_up(s, BY_UNIX_START, shift, &start)]);
    if (!t.known || !t.zone_known) return 0;
    span[0] = INFINITY, span[1] = -INFINITY;
    for (int i = 0; i < s->n; i++)
        for (int k = 0; taken_channels(s, i) > 0 && k < psy_reader_stretch_count(s->r[i]); k++) {
            const psy_stretch *st = psy_reader_stretch(s->r[i], k);
            double a = shift[i] + st->onset_s;
            if (a < span[0]) span[0] = a;
            if (a + st->duration_s > span[1]) span[1] = a + st->duration_s;
        }
    if (span[0] > span[1]) span[0] = span[1] = 0; /* no data: the start */
    span[0] += start, span[1] += start;
    return 1;
}

psy_status folder_combine(folder_files *s, time_base base, const char *format_name, psy_reader **out,
                          psy_message *why)
{
    *out = NULL;
    folder *f = calloc(1, sizeof *f);
    if (!f) {
        folder_close(s);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    f->in = *s;
    s->n = 0; /* the files are f's */
    psy_reader *r = psy_reader_new(format_name);
    psy_source *anchor = NULL;
    psy_status st = r ? PSY_OK : psy_fail(why, PSY_E_NOMEM, "out of memory");
    double shift[FOLDER_FILES], start;
    int earliest = line_up(&f->in, base, shift, &start), n_ch = 0;
    for (int i = 0; i < f->in.n; i++) n_ch += taken_channels(&f->in, i);
    if (st == PSY_OK && !(f->ch = calloc((size_t)n_ch + 1, sizeof *f->ch)))
        st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    if (st == PSY_OK) f->n_ch = n_ch;
    if (st == PSY_OK) st = place_files(r, f, shift, why);
    event_pool pool = {NULL, 0, 0};
    for (int i = 0, first = 0; st == PSY_OK && i < f->in.n; first += taken_channels(&f->in, i++))
        st = add_file_channels(r, f, i, first, shift[i], &pool, why);
    if (st == PSY_OK) st = add_pooled_events(r, &pool, why);
    free(pool.ev);
    if (st == PSY_OK) {
        /* The recording holds its own handle on its first file: it names the recording's files
         * (psy_reader_file), the others listed after it. */
        if (psy_source_open_path(psy_reader_file(f->in.r[0], 0), &anchor) == PSY_OK)
            for (int i = 1; i < f->in.n; i++) psy_source_note_related(anchor, psy_reader_file(f->in.r[i], 0));
        psy_datetime t = psy_reader_start(f->in.r[base == BY_UNIX_START ? earliest : 0]);
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

int folder_compare_names(const void *a, const void *b)
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
    char *names[RUN_FILES];
    size_t n = 0;
    DIR *d = opendir(dir);
    size_t more = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (!is_recording_of(e->d_name, prefix, suffix)) continue;
        if (n < RUN_FILES && (names[n] = strdup(e->d_name)) != NULL) n++;
        else more++;
    }
    if (d) closedir(d);
    psy_status st = PSY_E_NOT_FOUND;
    if (more) {
        st = psy_fail(why, PSY_E_UNSUPPORTED, "the run has more than %d recording files", RUN_FILES);
    } else if (n) {
        qsort(names, n, sizeof names[0], folder_compare_names);
        folder_member run[RUN_FILES];
        for (size_t i = 0; i < n; i++) run[i] = (folder_member){names[i], "bids", 0, NULL};
        folder_files files;
        st = folder_open(dir, run, n, BY_STRETCH_ONSET, "no file of the run", &files, why);
        if (st == PSY_OK) st = folder_combine(&files, BY_STRETCH_ONSET, "BIDS physio run", out, why);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(dir);
    free(prefix);
    return st;
}
