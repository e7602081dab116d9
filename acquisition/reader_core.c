/* The format-independent part of every reader: channel table, events, stretches, warnings,
 * span checks and unit conversion on read. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "reader_impl.h"
#include "str_pool.h"

typedef struct stored_event {
    psy_event ev;
    size_t order; /* insertion order, for a stable sort */
} stored_event;

/* Samples [start, end) of a channel that read as NaN whatever the file holds. */
typedef struct missing_span {
    int ch;
    int64_t start, end;
} missing_span;

struct psy_reader {
    char format[32];
    psy_source *src;
    const psy_reader_ops *ops;
    void *impl;
    psy_datetime start;
    psy_channel_info *channels;
    int n_channels, cap_channels;
    missing_span *missing;
    size_t n_missing, cap_missing;
    stored_event *events;
    size_t n_events, cap_events;
    str_pool strings; /* the events' labels and details */
    psy_stretch *stretches;
    int n_stretches, cap_stretches;
    char **warnings;
    size_t n_warnings, cap_warnings;
    psy_rate_origin rate_origin;
    double declared_hz; /* < 0: the fastest channel's rate */
    double time_scale; /* irregular sample times are the stored ones times this (1 unless overridden) */
};

int psy_grow(void *array, size_t size, size_t *cap, size_t need)
{
    if (need <= *cap) return 1;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / size) return 0;
        n *= 2;
    }
    void *p = realloc(*(void **)array, n * size);
    if (!p) return 0;
    *(void **)array = p;
    *cap = n;
    return 1;
}

psy_reader *psy_reader_new(const char *format_name)
{
    psy_reader *r = calloc(1, sizeof *r);
    if (r) {
        psy_reader_set_format(r, format_name);
        r->time_scale = 1;
        r->declared_hz = -1;
    }
    return r;
}

void psy_reader_set_rate_origin(psy_reader *r, psy_rate_origin origin) { r->rate_origin = origin; }
void psy_reader_set_declared_rate(psy_reader *r, double rate_hz) { r->declared_hz = rate_hz; }

psy_rate_origin psy_reader_rate_origin(const psy_reader *r) { return r ? r->rate_origin : PSY_RATE_FILE; }

double psy_reader_declared_rate(const psy_reader *r)
{
    if (!r || r->rate_origin == PSY_RATE_GIVEN) return 0;
    if (r->declared_hz >= 0) return r->declared_hz;
    double fastest = 0;
    for (int i = 0; i < r->n_channels; i++)
        if (r->channels[i].rate_hz > fastest) fastest = r->channels[i].rate_hz;
    return fastest * r->time_scale; /* as before an override */
}

void psy_reader_note_override(psy_reader *r, double declared_hz, double given_hz)
{
    r->rate_origin = PSY_RATE_OVERRIDDEN;
    psy_reader_warn(r, "the file declares %.9g Hz; overridden by the given %.9g Hz as asked: every "
                    "channel's rate and every time in the file scale by %.9g", declared_hz, given_hz,
                    given_hz / declared_hz);
}

void psy_reader_rescale_clock(psy_reader *r, double factor)
{
    for (int i = 0; i < r->n_channels; i++) r->channels[i].rate_hz *= factor;
    for (int i = 0; i < r->n_stretches; i++) {
        psy_stretch *s = &r->stretches[i];
        s->onset_s /= factor, s->duration_s /= factor, s->data_offset_s /= factor;
    }
    for (size_t i = 0; i < r->n_events; i++) {
        psy_event *e = &r->events[i].ev;
        e->onset_s /= factor;
        if (isfinite(e->duration_s)) e->duration_s /= factor;
    }
    r->time_scale /= factor;
}

void psy_reader_set_format(psy_reader *r, const char *format_name)
{
    snprintf(r->format, sizeof r->format, "%s", format_name ? format_name : "");
}

void psy_reader_adopt_source(psy_reader *r, psy_source *src) { r->src = src; }
psy_source *psy_reader_source(const psy_reader *r) { return r ? r->src : NULL; }

size_t psy_reader_file_count(const psy_reader *r)
{
    const char *main = r ? psy_source_path(r->src) : NULL;
    return main ? 1 + psy_source_related_count(r->src) : 0;
}

const char *psy_reader_file(const psy_reader *r, size_t i)
{
    if (i >= psy_reader_file_count(r)) return NULL;
    return i == 0 ? psy_source_path(r->src) : psy_source_related_path(r->src, i - 1);
}
void psy_reader_set_start(psy_reader *r, const psy_datetime *start) { r->start = *start; }

void psy_reader_set_impl(psy_reader *r, const psy_reader_ops *ops, void *impl)
{
    r->ops = ops;
    r->impl = impl;
}

static void convert_range(psy_channel_info *c)
{
    if (c->conversion == PSY_CONV_SCALE) {
        c->physical_min *= c->conversion_scale;
        c->physical_max *= c->conversion_scale;
        c->resolution *= c->conversion_scale;
    } else if (c->conversion == PSY_CONV_RECIPROCAL) {
        /* G = k / R is monotonic decreasing; a range through 0 has no finite image. */
        double lo = c->physical_min, hi = c->physical_max;
        int finite = lo > 0 && hi > 0;
        c->physical_min = finite ? c->conversion_scale / hi : NAN;
        c->physical_max = finite ? c->conversion_scale / lo : NAN;
        c->resolution = 0;
    }
}

int psy_reader_add_channel(psy_reader *r, const psy_channel_info *info, int infer_type)
{
    size_t cap = (size_t)r->cap_channels;
    if (!psy_grow(&r->channels, sizeof *r->channels, &cap, (size_t)r->n_channels + 1)) return -1;
    r->cap_channels = (int)cap;
    psy_channel_info *c = &r->channels[r->n_channels];
    *c = *info;
    c->label[PSY_LABEL_SIZE - 1] = '\0';
    c->file_unit[PSY_UNIT_SIZE - 1] = '\0';
    if (infer_type && c->type == PSY_CH_OTHER) c->type = psy_infer_channel_type(c->label, c->file_unit);
    psy_channel_apply_units(c);
    convert_range(c);
    return r->n_channels++;
}

/* Undoes the conversion of the declared range, so it can be derived again. */
static void unconvert_range(psy_channel_info *c)
{
    if (c->conversion == PSY_CONV_SCALE) {
        c->physical_min /= c->conversion_scale;
        c->physical_max /= c->conversion_scale;
        c->resolution /= c->conversion_scale;
    } else if (c->conversion == PSY_CONV_RECIPROCAL) {
        double lo = c->physical_min, hi = c->physical_max;
        c->physical_min = c->conversion_scale / hi;
        c->physical_max = c->conversion_scale / lo;
    }
}

psy_status psy_reader_set_channel_type(psy_reader *r, int ch, psy_channel_type type)
{
    if (!r || ch < 0 || ch >= r->n_channels || (unsigned)type >= PSY_CH_TYPE_COUNT)
        return PSY_E_INVALID;
    psy_channel_info *c = &r->channels[ch];
    unconvert_range(c);
    c->type = type;
    psy_channel_apply_units(c);
    convert_range(c);
    return PSY_OK;
}

psy_status psy_reader_set_channel_unit(psy_reader *r, int ch, const char *unit)
{
    if (!r || !unit || ch < 0 || ch >= r->n_channels) return PSY_E_INVALID;
    psy_channel_info *c = &r->channels[ch];
    unconvert_range(c);
    snprintf(c->file_unit, sizeof c->file_unit, "%s", unit);
    psy_channel_apply_units(c);
    convert_range(c);
    return PSY_OK;
}

psy_status psy_reader_add_event(psy_reader *r, const psy_event *ev)
{
    if (!psy_grow(&r->events, sizeof *r->events, &r->cap_events, r->n_events + 1)) return PSY_E_NOMEM;
    stored_event *s = &r->events[r->n_events];
    s->ev = *ev;
    s->ev.label = str_pool_intern(&r->strings, ev->label);
    s->ev.detail = str_pool_intern(&r->strings, ev->detail);
    if (!s->ev.label || !s->ev.detail) return PSY_E_NOMEM;
    s->order = r->n_events++;
    return PSY_OK;
}

psy_status psy_reader_add_stretch(psy_reader *r, double onset_s, double duration_s)
{
    size_t cap = (size_t)r->cap_stretches;
    if (!psy_grow(&r->stretches, sizeof *r->stretches, &cap, (size_t)r->n_stretches + 1))
        return PSY_E_NOMEM;
    r->cap_stretches = (int)cap;
    double offset = 0;
    if (r->n_stretches) {
        const psy_stretch *last = &r->stretches[r->n_stretches - 1];
        offset = last->data_offset_s + last->duration_s;
    }
    r->stretches[r->n_stretches++] = (psy_stretch){onset_s, duration_s, offset};
    return PSY_OK;
}

psy_status psy_reader_mark_missing(psy_reader *r, int ch, int64_t start, int64_t end)
{
    if (ch < 0 || ch >= r->n_channels || end <= start) return PSY_OK;
    if (!psy_grow(&r->missing, sizeof *r->missing, &r->cap_missing, r->n_missing + 1)) return PSY_E_NOMEM;
    r->missing[r->n_missing++] = (missing_span){ch, start, end};
    return PSY_OK;
}

void psy_reader_trim_channel(psy_reader *r, int ch, int64_t frames)
{
    if (ch >= 0 && ch < r->n_channels && frames >= 0 && frames < r->channels[ch].frames)
        r->channels[ch].frames = frames;
}

void psy_reader_warn(psy_reader *r, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < r->n_warnings; i++)
        if (strcmp(r->warnings[i], buf) == 0) return; /* say each thing once */
    if (!psy_grow(&r->warnings, sizeof *r->warnings, &r->cap_warnings, r->n_warnings + 1)) return;
    char *w = strdup(buf);
    if (w) r->warnings[r->n_warnings++] = w;
}

static int compare_events(const void *a, const void *b)
{
    const stored_event *x = a, *y = b;
    if (x->ev.onset_s < y->ev.onset_s) return -1;
    if (x->ev.onset_s > y->ev.onset_s) return 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

void psy_reader_sort_events(psy_reader *r)
{
    /* most files list their events in order: no sort (glibc's qsort takes a copy of the array) */
    size_t i = 1;
    while (i < r->n_events && compare_events(&r->events[i - 1], &r->events[i]) <= 0) i++;
    if (i < r->n_events) qsort(r->events, r->n_events, sizeof *r->events, compare_events);
}

void psy_reader_drop_events(psy_reader *r, size_t keep)
{
    if (keep < r->n_events) r->n_events = keep;
}

psy_status psy_reader_add_events(psy_reader *r, const psy_event *events, size_t n)
{
    if (!r || (!events && n)) return PSY_E_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(events[i].onset_s)) return PSY_E_INVALID;
    size_t before = r->n_events;
    for (size_t i = 0; i < n; i++) {
        if (psy_reader_add_event(r, &events[i]) == PSY_OK) continue;
        psy_reader_drop_events(r, before); /* all or nothing */
        return PSY_E_NOMEM;
    }
    psy_reader_sort_events(r);
    return PSY_OK;
}

psy_status psy_reader_finish(psy_reader *r)
{
    psy_reader_sort_events(r);
    if (r->n_stretches == 0) {
        double longest = 0;
        for (int i = 0; i < r->n_channels; i++) {
            const psy_channel_info *c = &r->channels[i];
            double d = c->rate_hz > 0 ? (double)c->frames / c->rate_hz : 0;
            if (d > longest) longest = d;
        }
        if (longest == 0 && r->n_channels) { /* irregular only: up to the last sample time */
            for (int i = 0; i < r->n_channels; i++) {
                const psy_channel_info *c = &r->channels[i];
                double t;
                if (c->frames > 0 && r->ops && r->ops->read_times &&
                    r->ops->read_times(r->impl, i, c->frames - 1, 1, &t) == PSY_OK && t > longest)
                    longest = t;
            }
        }
        if (longest == 0) /* annotation-only: the recording spans its events */
            for (size_t i = 0; i < r->n_events; i++) {
                const psy_event *e = &r->events[i].ev;
                double end = e->onset_s + (e->duration_s > 0 ? e->duration_s : 0);
                if (end > longest) longest = end;
            }
        if (psy_reader_add_stretch(r, 0, longest) != PSY_OK) return PSY_E_NOMEM;
    }
    return PSY_OK;
}

size_t psy_last_at_or_before(const void *base, size_t n, size_t size, size_t key_offset, int64_t x)
{
    size_t lo = 0, hi = n ? n - 1 : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        int64_t key;
        memcpy(&key, (const char *)base + mid * size + key_offset, sizeof key);
        if (key <= x) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

psy_status psy_reader_build(const char *format_name, psy_source *src, const psy_reader_ops *ops, void *impl,
                            psy_reader_build_fn build, psy_reader **out, psy_message *why)
{
    psy_reader *r = psy_reader_new(format_name);
    if (!r) {
        ops->destroy(impl);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    psy_reader_set_impl(r, ops, impl);
    psy_status st = build(impl, src, r, why);
    if (st == PSY_OK && psy_reader_finish(r) != PSY_OK) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    return psy_reader_conclude(r, st, src, out);
}

psy_status psy_reader_conclude(psy_reader *r, psy_status st, psy_source *src, psy_reader **out)
{
    if (st != PSY_OK) {
        psy_reader_discard(r);
        return st;
    }
    psy_reader_adopt_source(r, src);
    *out = r;
    return PSY_OK;
}

void psy_reader_discard(psy_reader *r)
{
    if (!r) return;
    if (r->ops && r->ops->destroy) r->ops->destroy(r->impl);
    str_pool_free(&r->strings);
    for (size_t i = 0; i < r->n_warnings; i++) free(r->warnings[i]);
    free(r->events);
    free(r->warnings);
    free(r->channels);
    free(r->missing);
    free(r->stretches);
    free(r);
}

void psy_reader_close(psy_reader *r)
{
    if (!r) return;
    psy_source *src = r->src;
    psy_reader_discard(r);
    psy_source_close(src);
}

/* ---- public accessors ---- */

psy_open_options psy_open_options_default(void)
{
    psy_open_options o = {0};
    o.use_libedf = 1;
    return o;
}

const char *psy_reader_format(const psy_reader *r) { return r ? r->format : ""; }
int psy_reader_channel_count(const psy_reader *r) { return r ? r->n_channels : 0; }

const psy_channel_info *psy_reader_channel(const psy_reader *r, int ch)
{
    return r && ch >= 0 && ch < r->n_channels ? &r->channels[ch] : NULL;
}

int psy_reader_find_channel(const psy_reader *r, const char *label)
{
    if (!r || !label) return -1;
    char want[PSY_LABEL_SIZE];
    psy_copy_field(want, sizeof want, label, strlen(label));
    for (int i = 0; i < r->n_channels; i++)
        if (psy_strieq(r->channels[i].label, want)) return i;
    return -1;
}

psy_datetime psy_reader_start(const psy_reader *r)
{
    psy_datetime none = {0};
    return r ? r->start : none;
}

void psy_datetime_format(const psy_datetime *t, char *buf, size_t size)
{
    if (!t->known) {
        snprintf(buf, size, "unknown");
        return;
    }
    int n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d", t->year, t->month, t->day, t->hour,
                     t->minute, t->second);
    if (t->nanosecond > 0 && n > 0 && (size_t)n < size) {
        char frac[24];
        snprintf(frac, sizeof frac, "%09lld", (long long)t->nanosecond);
        for (int k = 8; k > 0 && frac[k] == '0'; k--) frac[k] = '\0'; /* trim trailing zeros */
        n += snprintf(buf + n, size - (size_t)n, ".%s", frac);
    }
    if (t->zone_known && n > 0 && (size_t)n < size) { /* ISO 8601: Z for UTC, else the offset */
        int off = t->utc_offset_min < 0 ? -t->utc_offset_min : t->utc_offset_min;
        if (t->utc_offset_min == 0) snprintf(buf + n, size - (size_t)n, "Z");
        else snprintf(buf + n, size - (size_t)n, "%c%02d:%02d", t->utc_offset_min < 0 ? '-' : '+', off / 60, off % 60);
    }
}

double psy_reader_start_unix(const psy_reader *r)
{
    if (!r || !r->start.known) return NAN;
    const psy_datetime *d = &r->start;
    int64_t days = psy_days_from_civil(d->year, d->month, d->day);
    return (double)days * 86400.0 + d->hour * 3600.0 + d->minute * 60.0 + d->second + (double)d->nanosecond * 1e-9;
}

double psy_reader_duration(const psy_reader *r)
{
    if (!r || !r->n_stretches) return 0;
    const psy_stretch *last = &r->stretches[r->n_stretches - 1];
    return last->onset_s + last->duration_s;
}

int psy_reader_stretch_count(const psy_reader *r) { return r ? r->n_stretches : 0; }

const psy_stretch *psy_reader_stretch(const psy_reader *r, int i)
{
    return r && i >= 0 && i < r->n_stretches ? &r->stretches[i] : NULL;
}

double psy_reader_recorded_pct(const psy_reader *r, double onset_s, double duration_s)
{
    if (!r || r->n_stretches < 2) return 100;
    const psy_stretch *first = &r->stretches[0], *last = &r->stretches[r->n_stretches - 1];
    double end = last->onset_s + last->duration_s;
    if (onset_s + duration_s < first->onset_s || onset_s > end) return 100; /* wholly outside: no gap */
    double a = fmax(onset_s, first->onset_s), b = fmin(onset_s + duration_s, end);
    double covered = 0;
    int inside = 0;
    for (int k = 0; k < r->n_stretches; k++) {
        const psy_stretch *st = &r->stretches[k];
        double from = fmax(a, st->onset_s), to = fmin(b, st->onset_s + st->duration_s);
        if (to > from) covered += to - from;
        inside |= a >= st->onset_s && a < st->onset_s + st->duration_s;
    }
    if (!(b > a)) return inside ? 100 : 0;
    return fmin(100, 100.0 * covered / (b - a));
}

size_t psy_reader_event_count(const psy_reader *r) { return r ? r->n_events : 0; }

const psy_event *psy_reader_event(const psy_reader *r, size_t i)
{
    return r && i < r->n_events ? &r->events[i].ev : NULL;
}

psy_event *psy_reader_event_edit(psy_reader *r, size_t i)
{
    return r && i < r->n_events ? &r->events[i].ev : NULL;
}

size_t psy_reader_warning_count(const psy_reader *r) { return r ? r->n_warnings : 0; }

const char *psy_reader_warning(const psy_reader *r, size_t i)
{
    return r && i < r->n_warnings ? r->warnings[i] : NULL;
}

static psy_status check_span(const psy_reader *r, int ch, int64_t start, int64_t n, const void *out)
{
    if (!r || !out || ch < 0 || ch >= r->n_channels || !r->ops) return PSY_E_INVALID;
    if (start < 0 || n < 0 || start > r->channels[ch].frames || n > r->channels[ch].frames - start)
        return PSY_E_RANGE;
    return PSY_OK;
}

psy_status psy_reader_read(psy_reader *r, int ch, int64_t start, int64_t n, double *out)
{
    psy_status st = check_span(r, ch, start, n, out);
    if (st != PSY_OK || n == 0) return st;
    st = r->ops->read(r->impl, ch, start, n, out);
    if (st != PSY_OK) return st;
    const psy_channel_info *c = &r->channels[ch];
    if (c->conversion == PSY_CONV_SCALE) {
        for (int64_t i = 0; i < n; i++) out[i] *= c->conversion_scale;
    } else if (c->conversion == PSY_CONV_RECIPROCAL) {
        /* zero or negative resistance is a disconnected or broken lead, not a conductance */
        for (int64_t i = 0; i < n; i++) out[i] = out[i] > 0 ? c->conversion_scale / out[i] : NAN;
    }
    for (size_t k = 0; k < r->n_missing; k++) {
        const missing_span *m = &r->missing[k];
        if (m->ch != ch || m->end <= start || m->start >= start + n) continue;
        for (int64_t i = m->start > start ? m->start : start; i < m->end && i < start + n; i++) out[i - start] = NAN;
    }
    return PSY_OK;
}

psy_status psy_reader_read_times(psy_reader *r, int ch, int64_t start, int64_t n, double *out_s)
{
    psy_status st = check_span(r, ch, start, n, out_s);
    if (st != PSY_OK || n == 0) return st;
    const psy_channel_info *c = &r->channels[ch];
    if (c->rate_hz <= 0) {
        if (!r->ops->read_times) return PSY_E_INVALID;
        st = r->ops->read_times(r->impl, ch, start, n, out_s);
        if (st == PSY_OK && r->time_scale != 1)
            for (int64_t i = 0; i < n; i++) out_s[i] *= r->time_scale;
        return st;
    }
    int k = 0;
    for (int64_t i = 0; i < n; i++) {
        double td = (double)(start + i) / c->rate_hz;
        while (k + 1 < r->n_stretches && psy_stretch_reached(td, r->stretches[k + 1].data_offset_s)) k++;
        const psy_stretch *s = &r->stretches[k];
        out_s[i] = s->onset_s + (td - s->data_offset_s);
    }
    return PSY_OK;
}

const char *psy_event_source_name(psy_event_source source)
{
    static const char *const names[PSY_EVENTS_SOURCE_COUNT] = {"annotation", "wfdb", "file",
                                                               "trigger", "device", "marker"};
    return (unsigned)source < PSY_EVENTS_SOURCE_COUNT ? names[source] : "unknown";
}
