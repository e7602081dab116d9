/* Plausibility checks on results (psyphys/plausibility.h): stretches of values outside a range. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/plausibility.h"
#include "psy_core.h" /* psy_reserved_clear */
#include "plausibility_internal.h"

psy_plausibility_config psy_plausibility_config_default(void)
{
    return (psy_plausibility_config){.hr_min_bpm = 25, .hr_max_bpm = 250, .hr_stretch_s = 10,
                                     .breath_min_per_min = 3, .breath_max_per_min = 60,
                                     .breath_stretch_s = 60, .scl_floor_us = 0.05, .scl_stretch_s = 60};
}

static int config_ok(const psy_plausibility_config *c)
{
    return c && psy_reserved_clear(c->reserved) && c->hr_min_bpm < c->hr_max_bpm && c->breath_min_per_min < c->breath_max_per_min &&
           c->hr_stretch_s >= 0 && c->breath_stretch_s >= 0 && c->scl_stretch_s >= 0 && c->scl_floor_us >= 0;
}

/* One item of a series: the span it covers and its value (NaN: none). */
typedef void (*item_fn)(const void *ctx, size_t i, double *start, double *end, double *value);

typedef struct series {
    item_fn item;
    const void *ctx;
    size_t n;
} series;

static int item_at(const series *s, size_t i, double *a, double *b, double *v)
{
    s->item(s->ctx, i, a, b, v);
    return isfinite(*v) && *b > *a;
}

/* The stretch being merged from overlapping flagged windows, and the findings so far. */
typedef struct merger {
    int open;
    double start, end, weighted; /* weighted: sum of value x duration over its items */
    size_t next;                 /* first item not yet in `weighted` */
    psy_implausible *out;
} merger;

static void close_stretch(merger *m)
{
    if (!m->open) return;
    double length = m->end - m->start;
    m->out->n_stretches++;
    m->out->total_s += length;
    if (length > m->out->longest_duration_s) {
        m->out->longest_onset_s = m->start;
        m->out->longest_duration_s = length;
        m->out->longest_mean = m->weighted / length;
    }
    m->open = 0;
}

/* Adds the flagged window of items [i, j), trimmed to its first and last item outside [lo, hi]
 * (the window's edges may hold plausible ones), to the stretch it overlaps, or starts a new one. */
static void add_window(merger *m, const series *s, size_t i, size_t j, double lo, double hi)
{
    double a, b, v;
    size_t first = j, last = i;
    for (size_t k = i; k < j; k++)
        if (item_at(s, k, &a, &b, &v) && (v < lo || v > hi)) {
            if (first == j) first = k;
            last = k;
        }
    if (first == j) return;
    item_at(s, first, &a, &b, &v);
    if (m->open && (first >= m->next ? a > m->end + 1e-9 : 0)) close_stretch(m);
    if (!m->open) m->open = 1, m->start = a, m->weighted = 0, m->next = first;
    for (size_t k = m->next > first ? m->next : first; k <= last; k++) {
        item_at(s, k, &a, &b, &v);
        m->weighted += v * (b - a);
        m->end = b;
    }
    if (last + 1 > m->next) m->next = last + 1;
}

/* Windows of adjacent items at least min_s long (the whole series when it is shorter) whose
 * time-weighted mean lies outside [lo, hi]; overlapping ones merge into stretches. The mean of
 * rates weighted by their durations is the rate over the window (intervals per time). */
static void find_stretches(const series *s, double lo, double hi, double min_s, psy_implausible *out)
{
    merger m = {0, 0, 0, 0, 0, out};
    double a, b, v, first = NAN, last = NAN;
    for (size_t i = 0; i < s->n; i++)
        if (item_at(s, i, &a, &b, &v)) {
            if (isnan(first)) first = a;
            last = b;
        }
    size_t b0 = 0;
    while (b0 < s->n) {
        if (!item_at(s, b0, &a, &b, &v)) {
            b0++;
            continue;
        }
        size_t b1 = b0 + 1; /* the block of adjacent valid items [b0, b1) */
        double end = b, start0 = a;
        while (b1 < s->n && item_at(s, b1, &a, &b, &v) && fabs(a - end) <= 1e-3 + 0.01 * (b - a)) end = b, b1++;
        int whole = start0 == first && end == last; /* the series is one block */
        double sum_w = 0, sum_d = 0, window_end = start0;
        size_t j = b0;
        for (size_t i = b0; i < b1; i++) {
            double ai, bi, vi;
            item_at(s, i, &ai, &bi, &vi);
            while (j < b1 && window_end - ai < min_s) {
                item_at(s, j++, &a, &b, &v);
                sum_w += v * (b - a), sum_d += b - a, window_end = b;
            }
            int full = window_end - ai >= min_s;
            if (!full && !(whole && i == b0)) break; /* no window left that is long enough */
            double mean = sum_w / sum_d;
            if (mean < lo || mean > hi) add_window(&m, s, i, j, lo, hi);
            sum_w -= vi * (bi - ai), sum_d -= bi - ai;
        }
        close_stretch(&m);
        b0 = b1;
    }
    out->found = out->n_stretches > 0;
}

static void reset(psy_implausible *out, psy_check check)
{
    memset(out, 0, sizeof *out);
    out->check = check;
}

/* "for 45.0 s in 3 stretches (the longest 30.0 s from 120.0 s, mean 310 bpm)" */
static void describe(psy_implausible *out, const char *what, const char *unit, const char *advice)
{
    if (!out->found) return;
    snprintf(out->text, sizeof out->text,
             "%s for %.1f s in %zu stretch%s (the longest %.1f s from %.1f s, mean %.3g %s): %s", what,
             out->total_s, out->n_stretches, out->n_stretches == 1 ? "" : "es", out->longest_duration_s,
             out->longest_onset_s, out->longest_mean, unit, advice);
}

static void describe_heart_rate(const psy_plausibility_config *c, psy_implausible *out)
{
    char what[64];
    snprintf(what, sizeof what, "heart rate outside %g-%g bpm", c->hr_min_bpm, c->hr_max_bpm);
    describe(out, what, "bpm",
             "no heart beats this slowly or fast for that long: beats missed or counted twice (noise, "
             "a lead off), not an ECG channel, or the wrong sampling rate");
}

typedef struct interval_series {
    const double *t_s, *nn_ms;
} interval_series;

/* The span and rate of an interval of nn ms ending at t s. */
static void heart_values(double nn, double t, double *start, double *end, double *value)
{
    *end = t;
    *start = nn > 0 ? t - nn / 1000 : t;
    *value = nn > 0 ? 60000 / nn : NAN;
}

static void heart_item(const void *ctx, size_t i, double *start, double *end, double *value)
{
    const interval_series *s = ctx;
    heart_values(s->nn_ms[i], s->t_s[i], start, end, value);
}

static psy_status check_heart_rate(const series *s, const psy_plausibility_config *config, psy_implausible *out)
{
    reset(out, PSY_CHECK_HEART_RATE);
    find_stretches(s, config->hr_min_bpm, config->hr_max_bpm, config->hr_stretch_s, out);
    describe_heart_rate(config, out);
    return PSY_OK;
}

psy_status psy_check_heart_rate(const double *t_s, const double *nn_ms, size_t n,
                                const psy_plausibility_config *config, psy_implausible *out)
{
    if (!out || !config_ok(config) || (n && (!t_s || !nn_ms))) return PSY_E_INVALID;
    interval_series is = {t_s, nn_ms};
    series s = {heart_item, &is, n};
    return check_heart_rate(&s, config, out);
}

/* The intervals of a source held a chunk at a time: the one around the item asked for (the
 * stretches' windows read a few items behind and ahead of each other). */
#define SOURCE_CHUNK 16384
typedef struct source_cache {
    const hrv_source *src;
    size_t n, base, len;
    double nn[SOURCE_CHUNK], t[SOURCE_CHUNK];
    psy_status st; /* the source's first failure: every item after it has no value */
} source_cache;

typedef struct source_series {
    source_cache *cache;
} source_series;

static void source_item(const void *ctx, size_t i, double *start, double *end, double *value)
{
    source_cache *c = ((const source_series *)ctx)->cache;
    if (i - c->base >= c->len && c->st == PSY_OK) {
        size_t from = i > SOURCE_CHUNK / 2 ? i - SOURCE_CHUNK / 2 : 0;
        size_t len = c->n - from < SOURCE_CHUNK ? c->n - from : SOURCE_CHUNK;
        c->st = c->src->read(c->src->ctx, from, len, c->nn, c->t);
        c->base = from, c->len = c->st == PSY_OK ? len : 0;
    }
    if (c->st != PSY_OK) *start = *end = 0, *value = NAN;
    else heart_values(c->nn[i - c->base], c->t[i - c->base], start, end, value);
}

psy_status check_heart_rate_source(const hrv_source *src, size_t n, const psy_plausibility_config *config,
                                   psy_implausible *out)
{
    if (!out || !config_ok(config) || !src) return PSY_E_INVALID;
    source_cache *c = malloc(sizeof *c);
    if (!c) return PSY_E_NOMEM;
    c->src = src, c->n = n, c->base = c->len = 0, c->st = PSY_OK;
    source_series ss = {c};
    series s = {source_item, &ss, n};
    psy_status st = check_heart_rate(&s, config, out);
    if (st == PSY_OK) st = c->st;
    free(c);
    return st;
}

typedef struct bpm_series {
    const double *t_s, *bpm;
    double max_step_s;
} bpm_series;

static void bpm_item(const void *ctx, size_t i, double *start, double *end, double *value)
{
    const bpm_series *s = ctx;
    *end = s->t_s[i];
    *start = i > 0 && s->t_s[i] - s->t_s[i - 1] <= s->max_step_s ? s->t_s[i - 1] : s->t_s[i];
    *value = s->bpm[i];
}

psy_status psy_check_heart_rate_bpm(const double *t_s, const double *bpm, size_t n,
                                    const psy_plausibility_config *config, psy_implausible *out)
{
    if (!out || !config_ok(config) || (n && (!t_s || !bpm))) return PSY_E_INVALID;
    reset(out, PSY_CHECK_HEART_RATE);
    bpm_series bs = {t_s, bpm, config->hr_stretch_s};
    series s = {bpm_item, &bs, n};
    find_stretches(&s, config->hr_min_bpm, config->hr_max_bpm, config->hr_stretch_s, out);
    describe_heart_rate(config, out);
    return PSY_OK;
}

typedef struct breath_series {
    const double *onset_s, *end_s;
} breath_series;

static void breath_item(const void *ctx, size_t i, double *start, double *end, double *value)
{
    const breath_series *s = ctx;
    *start = s->onset_s[i];
    *end = s->end_s[i];
    *value = *end > *start ? 60 / (*end - *start) : NAN;
}

psy_status psy_check_breathing_rate(const double *onset_s, const double *end_s, size_t n,
                                    const psy_plausibility_config *config, psy_implausible *out)
{
    if (!out || !config_ok(config) || (n && (!onset_s || !end_s))) return PSY_E_INVALID;
    reset(out, PSY_CHECK_BREATHING_RATE);
    breath_series bs = {onset_s, end_s};
    series s = {breath_item, &bs, n};
    find_stretches(&s, config->breath_min_per_min, config->breath_max_per_min, config->breath_stretch_s, out);
    char what[64];
    snprintf(what, sizeof what, "breathing rate outside %g-%g /min", config->breath_min_per_min,
             config->breath_max_per_min);
    describe(out, what, "/min",
             "no one breathes so for that long: not a respiration channel, a flat or noisy one, or the "
             "wrong sampling rate");
    return PSY_OK;
}

typedef struct level_series {
    const double *level;
    double step_s;
} level_series;

static void level_item(const void *ctx, size_t i, double *start, double *end, double *value)
{
    const level_series *s = ctx;
    *start = (double)i * s->step_s;
    *end = (double)(i + 1) * s->step_s;
    *value = s->level[i];
}

psy_status psy_check_scl_floor(const double *level_us, size_t n, double step_s,
                               const psy_plausibility_config *config, psy_implausible *out)
{
    if (!out || !config_ok(config) || !(step_s > 0) || (n && !level_us)) return PSY_E_INVALID;
    reset(out, PSY_CHECK_SCL_FLOOR);
    level_series ls = {level_us, step_s};
    series s = {level_item, &ls, n};
    find_stretches(&s, config->scl_floor_us, INFINITY, config->scl_stretch_s, out);
    char what[64];
    snprintf(what, sizeof what, "skin conductance level below %g uS", config->scl_floor_us);
    describe(out, what, "uS",
             "at EDA devices' floor: an electrode off the skin, an amplifier at its limit, or values "
             "not in uS");
    return PSY_OK;
}

psy_status psy_check_eda_unit(const psy_channel_info *c, psy_implausible *out)
{
    if (!c || !out) return PSY_E_INVALID;
    reset(out, PSY_CHECK_EDA_UNIT);
    if (c->type != PSY_CH_EDA || strcmp(c->unit, "uS") == 0) return PSY_OK;
    out->found = 1;
    if (c->file_unit[0])
        snprintf(out->text, sizeof out->text, "EDA channel '%s' is in '%s', not a conductance unit: its "
                 "values are taken as uS", c->label, c->file_unit);
    else
        snprintf(out->text, sizeof out->text, "EDA channel '%s' states no unit: its values are taken as uS",
                 c->label);
    return PSY_OK;
}
