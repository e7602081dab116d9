/* A recording made of the caller's arrays (psyphys/reader_arrays.h): copies them (or, borrowed,
 * keeps pointers to them) and serves reads from them. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/reader_arrays.h"
#include "reader_impl.h"

typedef struct arrays {
    int n;
    int borrowed;    /* 1: x and t point into the caller's arrays, not freed here */
    double **x, **t; /* per channel: samples, and times for irregular channels (else NULL) */
} arrays;

static void destroy(void *impl)
{
    arrays *a = impl;
    if (!a) return;
    for (int i = 0; i < a->n && !a->borrowed; i++) free(a->x[i]), free(a->t[i]);
    free(a->x);
    free(a->t);
    free(a);
}

static psy_status read_samples(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    const arrays *a = impl;
    memcpy(out, a->x[ch] + start, (size_t)n * sizeof *out);
    return PSY_OK;
}

static psy_status read_times(void *impl, int ch, int64_t start, int64_t n, double *out_s)
{
    const arrays *a = impl;
    if (!a->t[ch]) return PSY_E_INVALID; /* a regular channel: the core maps its indices */
    memcpy(out_s, a->t[ch] + start, (size_t)n * sizeof *out_s);
    return PSY_OK;
}

static const psy_reader_ops ops = {read_samples, read_times, destroy};

/* A copy of n doubles (at least one element), or NULL. */
static double *copy_of(const double *v, int64_t n)
{
    double *c = malloc((size_t)(n > 0 ? n : 1) * sizeof *c);
    if (c && n > 0) memcpy(c, v, (size_t)n * sizeof *c);
    return c;
}

static psy_status check(const psy_array_channel *c, int i, psy_message *why)
{
    if (!c->label || !c->label[0]) return psy_fail(why, PSY_E_INVALID, "channel %d has no label", i);
    if (c->n < 0 || (c->n > 0 && !c->samples))
        return psy_fail(why, PSY_E_INVALID, "channel '%s': no samples", c->label);
    if (c->times_s ? c->rate_hz != 0 : !(c->rate_hz > 0 && isfinite(c->rate_hz)))
        return psy_fail(why, PSY_E_INVALID, "channel '%s': a rate > 0, or rate 0 with sample times", c->label);
    for (int64_t k = 0; c->times_s && k < c->n; k++)
        if (!isfinite(c->times_s[k]) || (k > 0 && !(c->times_s[k] > c->times_s[k - 1])))
            return psy_fail(why, PSY_E_INVALID, "channel '%s': sample times not finite and increasing at %lld",
                            c->label, (long long)k);
    return PSY_OK;
}

static psy_status from_arrays(const psy_array_channel *channels, int n_channels, const psy_event *events,
                              size_t n_events, int borrow, psy_reader **out, psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!out) return psy_fail(why, PSY_E_INVALID, "no place for the reader");
    *out = NULL;
    if (!channels || n_channels < 1 || n_channels > 4096 || (n_events && !events))
        return psy_fail(why, PSY_E_INVALID, "1 to 4096 channels, and events when n_events > 0");
    for (int i = 0; i < n_channels; i++) {
        psy_status st = check(&channels[i], i, why);
        if (st != PSY_OK) return st;
    }
    for (size_t k = 0; k < n_events; k++)
        if (!isfinite(events[k].onset_s)) return psy_fail(why, PSY_E_INVALID, "event %zu has no finite onset", k);
    psy_reader *r = psy_reader_new("arrays");
    arrays *a = calloc(1, sizeof *a);
    if (a) a->x = calloc((size_t)n_channels, sizeof *a->x), a->t = calloc((size_t)n_channels, sizeof *a->t);
    if (!r || !a || !a->x || !a->t) goto nomem;
    a->borrowed = borrow;
    for (int i = 0; i < n_channels; i++, a->n++) {
        const psy_array_channel *c = &channels[i];
        if (borrow) { /* the samples are never written through the reader */
            a->x[i] = (double *)(uintptr_t)c->samples;
            a->t[i] = (double *)(uintptr_t)c->times_s;
        } else {
            a->x[i] = copy_of(c->samples, c->n);
        }
        if (!a->x[i] || (!borrow && c->times_s && !(a->t[i] = copy_of(c->times_s, c->n)))) {
            a->n++;
            goto nomem;
        }
        psy_channel_info info;
        memset(&info, 0, sizeof info);
        psy_copy_field(info.label, sizeof info.label, c->label, strlen(c->label));
        if (c->unit) psy_copy_field(info.file_unit, sizeof info.file_unit, c->unit, strlen(c->unit));
        info.type = c->type;
        info.rate_hz = c->times_s ? 0 : c->rate_hz;
        info.frames = c->n;
        info.physical_min = info.physical_max = NAN;
        if (psy_reader_add_channel(r, &info, c->type == PSY_CH_OTHER) < 0) {
            a->n++;
            goto nomem;
        }
    }
    for (size_t k = 0; k < n_events; k++)
        if (psy_reader_add_event(r, &events[k]) != PSY_OK) goto nomem;
    psy_reader_set_impl(r, &ops, a);
    a = NULL;
    if (psy_reader_finish(r) != PSY_OK) {
        psy_reader_close(r);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    *out = r;
    return PSY_OK;
nomem:
    destroy(a);
    psy_reader_discard(r);
    return psy_fail(why, PSY_E_NOMEM, "out of memory");
}

psy_status psy_reader_from_arrays(const psy_array_channel *channels, int n_channels, const psy_event *events,
                                  size_t n_events, psy_reader **out, psy_message *why)
{
    return from_arrays(channels, n_channels, events, n_events, 0, out, why);
}

psy_status psy_reader_from_arrays_borrowed(const psy_array_channel *channels, int n_channels, const psy_event *events,
                                           size_t n_events, psy_reader **out, psy_message *why)
{
    return from_arrays(channels, n_channels, events, n_events, 1, out, why);
}
