/* Delimited-text tables as recordings: column roles, the validating scan, the block cache. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "text_lines.h"
#include "text_table.h"

#define MAX_COLUMNS 4096
#define STEP_SAMPLES 65536 /* time steps kept for the median */
#define CACHE_BYTES ((size_t)16 << 20)

typedef enum col_role { COL_CHANNEL, COL_TIME, COL_INDEX, COL_TEXT } col_role;

typedef struct text_column {
    char name[PSY_LABEL_SIZE];
    char unit[PSY_UNIT_SIZE];
    psy_channel_type type;
    col_role role;
    int64_t present;  /* cells with a value */
    double sum_abs;   /* of the values, to guess an RR unit */
    int irregular;    /* sparse: (time, value) pairs kept in memory */
    double scale;     /* applied on read (RR in s -> ms) */
    int slot;         /* position in a cached row (regular channels) */
    double *pair_t, *pair_v;
    int64_t n_pairs;
} text_column;

typedef struct checkpoint {
    int64_t offset, line_no;
} checkpoint;

typedef struct text_table {
    psy_source *src;
    char delim;
    int n_cols;
    text_column *cols;
    text_field *fields;
    int time_col;          /* -1: none */
    double time_scale;     /* file unit -> s */
    int time_is_int;
    int64_t time0_i;       /* first time value, exact when integral (ns stamps exceed 2^53) */
    double time0_d;
    double onset_s;        /* time of the first row in recording time */
    double rate_hz;
    int64_t n_rows;
    checkpoint *cps;
    int64_t n_cps, cap_cps;
    int *channel_col;      /* reader channel -> column */
    int n_channels, n_slots;
    double *cache;         /* n_cached blocks of TEXT_BLOCK rows x n_slots */
    int64_t *cache_block;  /* block held by each cache slot, -1: none */
    uint64_t *cache_used;  /* last use, for LRU eviction */
    uint64_t use_clock;
    int n_cached;
    text_lines lines;
    int64_t lines_row;     /* data row the line reader will return next, or -1 */
} text_table;

static void table_free(text_table *t)
{
    if (!t) return;
    for (int i = 0; t->cols && i < t->n_cols; i++) {
        free(t->cols[i].pair_t);
        free(t->cols[i].pair_v);
    }
    free(t->cols);
    free(t->fields);
    free(t->cps);
    free(t->channel_col);
    free(t->cache);
    free(t->cache_block);
    free(t->cache_used);
    text_lines_free(&t->lines);
    free(t);
}

static void table_destroy(void *impl) { table_free(impl); }

/* ---- column roles ---- */

static void lower_copy(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++) dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

/* Seconds per unit of a time column, from its name or unit; 0 when they do not say. */
static double time_unit_scale(const char *unit)
{
    static const struct { const char *u; double s; } units[] = {
        {"s", 1}, {"sec", 1}, {"secs", 1}, {"seconds", 1}, {"ms", 1e-3}, {"msec", 1e-3},
        {"milliseconds", 1e-3}, {"us", 1e-6}, {"µs", 1e-6}, {"microseconds", 1e-6},
        {"ns", 1e-9}, {"nanoseconds", 1e-9}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (psy_strieq(unit, units[i].u)) return units[i].s;
    return 0;
}

/* 1 when a column name says "time": time, timestamp, t, seconds, ms, time_s, time_ms, ... The
 * unit part of the name ("time_ms", "timestamp_ns") sets *scale. */
static int is_time_name(const char *name, const char *unit, double *scale)
{
    static const char *const bases[] = {"time", "timestamp", "timestamps", "t", "elapsed",
                                        "elapsed_time", "clock", NULL};
    char low[PSY_LABEL_SIZE];
    lower_copy(low, sizeof low, name);
    *scale = time_unit_scale(unit);
    double s = time_unit_scale(low);
    if (s > 0) { /* the name is a unit: "seconds", "sec", "ms", "ns" */
        *scale = s;
        return 1;
    }
    char *us = strrchr(low, '_');
    if (us && us != low && time_unit_scale(us + 1) > 0) {
        s = time_unit_scale(us + 1);
        *us = '\0';
        for (const char *const *b = bases; *b; b++)
            if (strcmp(low, *b) == 0) return *scale = s, 1;
        return 0;
    }
    for (const char *const *b = bases; *b; b++)
        if (strcmp(low, *b) == 0) return 1;
    return 0;
}

static int is_index_name(const char *name)
{
    return !name[0] || psy_strieq(name, "index") || psy_strieq(name, "Unnamed: 0") ||
           psy_strieq(name, "idx") || psy_strieq(name, "row");
}

/* ---- the validating scan ---- */

static psy_status add_checkpoint(text_table *t, int64_t offset, int64_t line_no)
{
    if (t->n_cps == t->cap_cps) {
        int64_t cap = t->cap_cps ? t->cap_cps * 2 : 64;
        checkpoint *p = realloc(t->cps, (size_t)cap * sizeof *p);
        if (!p) return PSY_E_NOMEM;
        t->cps = p;
        t->cap_cps = cap;
    }
    t->cps[t->n_cps++] = (checkpoint){offset, line_no};
    return PSY_OK;
}

/* A number cell. With ';' between fields a decimal comma ("0,25", European spreadsheet
 * exports) is read as a decimal point. */
static int cell_number(const text_table *t, const text_field *f, double *v)
{
    if (text_parse_number(f->p, f->len, v)) return 1;
    if (t->delim != ';' || f->len >= 64) return 0;
    const char *comma = memchr(f->p, ',', f->len);
    if (!comma || memchr(f->p, '.', f->len) || memchr(comma + 1, ',', f->len - (size_t)(comma + 1 - f->p)))
        return 0;
    char buf[64];
    memcpy(buf, f->p, f->len);
    buf[comma - f->p] = '.';
    return text_parse_number(buf, f->len, v);
}

/* Time of a cell relative to the first row's, in the column's unit. */
static int parse_time(text_table *t, const text_field *f, int first, double *delta)
{
    int64_t vi;
    double vd;
    if (psy_parse_int64(f->p, f->len, &vi)) {
        if (first) {
            t->time_is_int = 1;
            t->time0_i = vi;
            t->time0_d = (double)vi;
        }
        int64_t d;
        if (t->time_is_int && !__builtin_sub_overflow(vi, t->time0_i, &d)) *delta = (double)d;
        else *delta = (double)vi - t->time0_d;
        return 1;
    }
    if (!cell_number(t, f, &vd)) return 0;
    if (first) {
        t->time_is_int = 0;
        t->time0_d = vd;
    }
    *delta = vd - t->time0_d;
    return 1;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct scan_state {
    double *steps;
    int64_t n_steps;
    double last_delta;
    int64_t index_first;
    int index_ok;
} scan_state;

/* Splits one data line; blank lines give 0. Ragged rows fail. */
static psy_status split_row(text_table *t, char *line, size_t len, int64_t line_no, int *n,
                            psy_message *why)
{
    *n = text_split(line, len, t->delim, t->fields, t->n_cols + 1);
    if (*n == 0 || (*n == 1 && t->fields[0].len == 0 && t->n_cols > 1)) {
        *n = 0;
        return PSY_OK;
    }
    if (*n != t->n_cols)
        return psy_fail(why, PSY_E_FORMAT, "line %lld has %d fields, the header has %d (ragged row)",
                        (long long)line_no, *n, t->n_cols);
    return PSY_OK;
}

static psy_status scan_row(text_table *t, scan_state *s, int64_t line_no, psy_message *why)
{
    int64_t row = t->n_rows;
    for (int c = 0; c < t->n_cols; c++) {
        text_column *col = &t->cols[c];
        const text_field *f = &t->fields[c];
        if (col->role == COL_TEXT) continue;
        if (text_is_missing(f->p, f->len)) {
            if (col->role == COL_TIME)
                return psy_fail(why, PSY_E_FORMAT, "line %lld: the time column '%s' is empty",
                                (long long)line_no, col->name);
            if (col->role == COL_INDEX) s->index_ok = 0;
            continue;
        }
        if (col->role == COL_TIME) {
            double d;
            if (!parse_time(t, f, row == 0, &d))
                return psy_fail(why, PSY_E_FORMAT, "line %lld, column '%s': '%.*s' is not a time",
                                (long long)line_no, col->name, (int)(f->len > 40 ? 40 : f->len), f->p);
            if (row > 0 && !(d > s->last_delta))
                return psy_fail(why, PSY_E_FORMAT,
                                "line %lld: the time column '%s' is not increasing ('%.*s')",
                                (long long)line_no, col->name, (int)(f->len > 40 ? 40 : f->len), f->p);
            if (row > 0 && s->n_steps < STEP_SAMPLES) s->steps[s->n_steps++] = d - s->last_delta;
            s->last_delta = d;
            col->present++;
            continue;
        }
        double v;
        if (!cell_number(t, f, &v)) {
            if (col->present == 0 && col->role == COL_CHANNEL) {
                col->role = COL_TEXT; /* a label column, not a signal */
                continue;
            }
            if (col->role == COL_INDEX) {
                s->index_ok = 0;
                continue;
            }
            return psy_fail(why, PSY_E_FORMAT, "line %lld (row %lld), column '%s': '%.*s' is not a number",
                            (long long)line_no, (long long)row + 1, col->name,
                            (int)(f->len > 40 ? 40 : f->len), f->p);
        }
        if (col->role == COL_INDEX) {
            /* A row counter is an integer well inside int64_t; anything else (2.2e23, 1.5) is no
             * index, and converting it to int64_t would be undefined (C11 6.3.1.4). */
            if (!(fabs(v) < 9007199254740992.0) || v != floor(v)) {
                s->index_ok = 0;
            } else {
                if (row == 0) s->index_first = (int64_t)v;
                if (v != (double)(s->index_first + row)) s->index_ok = 0;
            }
        }
        col->present++;
        col->sum_abs += fabs(v);
    }
    return PSY_OK;
}

/* Header: names, units, roles. The first line is data when every field is a number. */
static psy_status read_header(text_table *t, const text_table_config *cfg, char *line, size_t len,
                              int *header_is_data, psy_reader *r, psy_message *why)
{
    /* Split once: quoted fields are unquoted in place. */
    t->fields = calloc(MAX_COLUMNS + 1, sizeof *t->fields);
    if (!t->fields) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    int n = cfg->has_header ? text_split(line, len, t->delim, t->fields, MAX_COLUMNS + 1) : cfg->n_names;
    if (n <= 0) return psy_fail(why, PSY_E_FORMAT, "no columns");
    if (n > MAX_COLUMNS)
        return psy_fail(why, PSY_E_FORMAT, "%d columns (more than %d)", n, MAX_COLUMNS);
    t->n_cols = n;
    t->cols = calloc((size_t)n, sizeof *t->cols);
    if (!t->cols) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    *header_is_data = 0;
    if (cfg->has_header) {
        int numbers = 0;
        double v;
        for (int c = 0; c < n; c++)
            numbers += cell_number(t, &t->fields[c], &v);
        *header_is_data = numbers == n;
        if (*header_is_data)
            psy_reader_warn(r, "no header row: columns are named by their number");
    }
    t->time_col = -1;
    for (int c = 0; c < n; c++) {
        text_column *col = &t->cols[c];
        col->scale = 1;
        if (!cfg->has_header) {
            psy_copy_field(col->name, sizeof col->name, cfg->names[c], strlen(cfg->names[c]));
            if (cfg->units)
                psy_copy_field(col->unit, sizeof col->unit, cfg->units[c], strlen(cfg->units[c]));
            if (cfg->types) col->type = cfg->types[c];
        } else if (*header_is_data) {
            snprintf(col->name, sizeof col->name, "%d", c + 1);
        } else {
            text_name_and_unit(t->fields[c].p, t->fields[c].len, col->name, sizeof col->name,
                               col->unit, sizeof col->unit);
        }
        double scale;
        if (cfg->has_header && !*header_is_data && c == 0 && is_index_name(col->name)) {
            col->role = COL_INDEX;
        } else if (cfg->find_time_column && t->time_col < 0 && is_time_name(col->name, col->unit, &scale)) {
            col->role = COL_TIME;
            t->time_col = c;
            t->time_scale = scale; /* 0: decided by magnitude after the scan */
        }
        if (!col->name[0]) snprintf(col->name, sizeof col->name, "column %d", c + 1);
    }
    return PSY_OK;
}

/* Rate and onset from the time column: median step, refined by the whole span when the two
 * agree (ns stamps rounded by their writer make single steps coarse). */
static psy_status time_base(text_table *t, scan_state *s, psy_reader *r, psy_message *why)
{
    const text_column *tc = &t->cols[t->time_col];
    int unit_guessed = t->time_scale == 0;
    if (t->time_scale == 0) {
        /* No unit in the name: Unix epoch stamps are known by their size; else seconds. */
        double a = fabs(t->time0_d);
        t->time_scale = a >= 1e17 ? 1e-9 : a >= 1e14 ? 1e-6 : a >= 1e11 ? 1e-3 : 1;
    }
    double first_s = t->time0_d * t->time_scale;
    if (first_s >= 9.466848e8 && first_s < 4.1e9) { /* 2000-01-01 .. 2099: Unix epoch */
        int64_t secs = (int64_t)floor(first_s);
        double frac_ns;
        if (t->time_is_int && t->time_scale < 1) { /* integer stamps keep every digit */
            int64_t per_s = (int64_t)llround(1 / t->time_scale);
            frac_ns = (double)(t->time0_i % per_s) * t->time_scale * 1e9;
        } else {
            frac_ns = (first_s - (double)secs) * 1e9;
        }
        psy_datetime dt = psy_datetime_from_unix((double)secs);
        dt.nanosecond = (int64_t)llround(frac_ns);
        if (dt.nanosecond > 999999999) dt.nanosecond = 999999999;
        psy_reader_set_start(r, &dt);
        psy_reader_warn(r, "time column '%s' read as Unix time (UTC)", tc->name);
        t->onset_s = 0;
    } else {
        t->onset_s = first_s;
    }
    if (t->n_rows < 2)
        return psy_fail(why, PSY_E_FORMAT, "one row only: no sampling rate from the time column '%s'",
                        tc->name);
    qsort(s->steps, (size_t)s->n_steps, sizeof *s->steps, compare_doubles);
    double median = s->steps[s->n_steps / 2] * t->time_scale;
    double span = s->last_delta * t->time_scale;
    double rate_median = 1 / median, rate_span = (double)(t->n_rows - 1) / span;
    if (!(median > 0) || !isfinite(rate_median))
        return psy_fail(why, PSY_E_FORMAT, "time column '%s' gives no sampling rate", tc->name);
    int64_t off = 0;
    for (int64_t i = 0; i < s->n_steps; i++)
        if (fabs(s->steps[i] * t->time_scale - median) > 0.1 * median) off++;
    if (fabs(rate_span / rate_median - 1) < 0.01) {
        t->rate_hz = rate_span;
    } else {
        t->rate_hz = rate_median;
        psy_reader_warn(r, "time column '%s' spans %.6g s but %lld rows at its median step of %.6g s "
                        "would span %.6g s: gaps or drift; times assume the median step",
                        tc->name, span, (long long)t->n_rows, median, median * (double)(t->n_rows - 1));
    }
    if (t->rate_hz < 1 && unit_guessed)
        psy_reader_warn(r, "time column '%s' has no unit and was read as seconds, giving %.6g Hz; "
                        "name it e.g. time_ms if it counts milliseconds", tc->name, t->rate_hz);
    if (off * 100 > s->n_steps)
        psy_reader_warn(r, "time column '%s' jitters: %lld of %lld steps differ from the median by "
                        "more than 10%%", tc->name, (long long)off, (long long)s->n_steps);
    return PSY_OK;
}

/* Second pass: the (time, value) pairs of the sparse columns. */
static psy_status collect_pairs(text_table *t, int64_t data_offset, int64_t data_line, psy_message *why)
{
    text_lines_seek(&t->lines, data_offset, data_line);
    t->lines_row = -1;
    int64_t row = 0;
    for (;;) {
        char *line;
        size_t len;
        int64_t off;
        psy_status st = text_lines_next(&t->lines, &line, &len, &off, why);
        if (st != PSY_OK) return st;
        if (!line) break;
        int n;
        st = split_row(t, line, len, t->lines.line_no, &n, why);
        if (st != PSY_OK) return st;
        if (n == 0) continue;
        double time_s = t->onset_s + (double)row / t->rate_hz;
        if (t->time_col >= 0) {
            double d;
            parse_time(t, &t->fields[t->time_col], 0, &d);
            time_s = t->onset_s + d * t->time_scale;
        }
        for (int c = 0; c < t->n_cols; c++) {
            text_column *col = &t->cols[c];
            const text_field *f = &t->fields[c];
            double v;
            if (!col->irregular || text_is_missing(f->p, f->len)) continue;
            if (col->n_pairs >= col->present || !cell_number(t, f, &v))
                return psy_fail(why, PSY_E_FORMAT, "the file changed while being read");
            col->pair_t[col->n_pairs] = time_s;
            col->pair_v[col->n_pairs++] = v * col->scale;
        }
        row++;
    }
    return PSY_OK;
}

static psy_status make_channels(text_table *t, psy_reader *r, psy_message *why)
{
    t->channel_col = calloc((size_t)t->n_cols, sizeof *t->channel_col);
    if (!t->channel_col) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    for (int c = 0; c < t->n_cols; c++) {
        text_column *col = &t->cols[c];
        if (col->role == COL_TEXT) psy_reader_warn(r, "column '%s' holds text: not read as a channel", col->name);
        if (col->role != COL_CHANNEL) continue;
        psy_channel_info info = {0};
        psy_copy_field(info.label, sizeof info.label, col->name, strlen(col->name));
        if (col->type == PSY_CH_OTHER) col->type = psy_infer_channel_type(col->name, col->unit);
        if (col->type == PSY_CH_RR && !col->unit[0] && col->present) {
            /* RR in ms is 250..2000; a mean below 20 can only be seconds. */
            if (col->sum_abs / (double)col->present < 20) {
                col->scale = 1000;
                psy_reader_warn(r, "column '%s': intervals in seconds, converted to ms", col->name);
            }
            strcpy(col->unit, "ms");
        }
        memcpy(info.file_unit, col->unit, sizeof info.file_unit);
        info.type = col->type;
        info.physical_min = info.physical_max = NAN;
        col->irregular = col->present > 0 && col->present * 2 < t->n_rows;
        if (col->present == 0) psy_reader_warn(r, "column '%s' has no values", col->name);
        info.rate_hz = col->irregular ? 0 : t->rate_hz;
        info.frames = col->irregular ? col->present : t->n_rows;
        if (col->irregular) {
            col->pair_t = malloc((size_t)col->present * sizeof(double));
            col->pair_v = malloc((size_t)col->present * sizeof(double));
            if (!col->pair_t || !col->pair_v) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        } else {
            col->slot = t->n_slots++;
        }
        int ch = psy_reader_add_channel(r, &info, 1);
        if (ch < 0) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        t->channel_col[ch] = c;
        t->n_channels = ch + 1;
    }
    if (t->n_channels == 0) return psy_fail(why, PSY_E_FORMAT, "no numeric columns");
    if (t->n_slots) {
        /* Enough blocks that reading every channel over a window of up to ~CACHE_BYTES parses
         * each row once; at least 4 blocks, whatever the width. */
        size_t block_bytes = (size_t)TEXT_BLOCK * (size_t)t->n_slots * sizeof(double);
        t->n_cached = (int)(CACHE_BYTES / block_bytes);
        if (t->n_cached < 4) t->n_cached = 4;
        if (t->n_cached > 64) t->n_cached = 64;
        int64_t blocks = (t->n_rows + TEXT_BLOCK - 1) / TEXT_BLOCK;
        if (t->n_cached > blocks) t->n_cached = (int)blocks;
        t->cache = malloc((size_t)t->n_cached * block_bytes);
        t->cache_block = malloc((size_t)t->n_cached * sizeof *t->cache_block);
        t->cache_used = calloc((size_t)t->n_cached, sizeof *t->cache_used);
        if (!t->cache || !t->cache_block || !t->cache_used)
            return psy_fail(why, PSY_E_NOMEM, "out of memory");
        for (int i = 0; i < t->n_cached; i++) t->cache_block[i] = -1;
    }
    return PSY_OK;
}

/* ---- reading ---- */

/* The cached rows of block b (parsing it into the least recently used slot when absent). */
static psy_status load_block(text_table *t, int64_t b, const double **rows_out)
{
    int slot = 0;
    for (int i = 0; i < t->n_cached; i++) {
        if (t->cache_block[i] == b) {
            t->cache_used[i] = ++t->use_clock;
            *rows_out = t->cache + (size_t)i * TEXT_BLOCK * (size_t)t->n_slots;
            return PSY_OK;
        }
        if (t->cache_used[i] < t->cache_used[slot]) slot = i;
    }
    double *block = t->cache + (size_t)slot * TEXT_BLOCK * (size_t)t->n_slots;
    int64_t first = b * TEXT_BLOCK;
    if (t->lines_row != first) {
        text_lines_seek(&t->lines, t->cps[b].offset, t->cps[b].line_no);
        t->lines_row = first;
    }
    t->cache_block[slot] = -1;
    int64_t rows = t->n_rows - first < TEXT_BLOCK ? t->n_rows - first : TEXT_BLOCK;
    for (int64_t i = 0; i < rows;) {
        char *line = NULL;
        size_t len;
        int64_t off;
        int n;
        if (text_lines_next(&t->lines, &line, &len, &off, NULL) != PSY_OK || !line ||
            split_row(t, line, len, 0, &n, NULL) != PSY_OK) {
            t->lines_row = -1;
            return line ? PSY_E_FORMAT : PSY_E_TRUNCATED;
        }
        if (n == 0) continue;
        double *dst = block + i * t->n_slots;
        for (int ch = 0; ch < t->n_channels; ch++) {
            const text_column *col = &t->cols[t->channel_col[ch]];
            if (col->irregular) continue;
            const text_field *f = &t->fields[t->channel_col[ch]];
            double v;
            if (cell_number(t, f, &v)) dst[col->slot] = v * col->scale;
            else if (text_is_missing(f->p, f->len)) dst[col->slot] = NAN;
            else {
                t->lines_row = -1;
                return PSY_E_FORMAT; /* the file changed since the scan */
            }
        }
        i++;
    }
    t->lines_row = first + rows;
    t->cache_block[slot] = b;
    t->cache_used[slot] = ++t->use_clock;
    *rows_out = block;
    return PSY_OK;
}

static psy_status table_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    text_table *t = impl;
    const text_column *col = &t->cols[t->channel_col[ch]];
    if (col->irregular) {
        memcpy(out, col->pair_v + start, (size_t)n * sizeof *out);
        return PSY_OK;
    }
    while (n > 0) {
        int64_t b = start / TEXT_BLOCK, in = start % TEXT_BLOCK;
        const double *rows;
        psy_status st = load_block(t, b, &rows);
        if (st != PSY_OK) return st;
        int64_t k = TEXT_BLOCK - in < n ? TEXT_BLOCK - in : n;
        const double *src = rows + in * t->n_slots + col->slot;
        for (int64_t i = 0; i < k; i++) out[i] = src[i * t->n_slots];
        out += k;
        start += k;
        n -= k;
    }
    return PSY_OK;
}

static psy_status table_read_times(void *impl, int ch, int64_t start, int64_t n, double *out_s)
{
    text_table *t = impl;
    const text_column *col = &t->cols[t->channel_col[ch]];
    if (!col->irregular) return PSY_E_INVALID;
    memcpy(out_s, col->pair_t + start, (size_t)n * sizeof *out_s);
    return PSY_OK;
}

static const psy_reader_ops table_ops = {table_read, table_read_times, table_destroy};

/* ---- open ---- */

static psy_status open_table(text_table *t, const text_table_config *cfg, psy_reader *r, psy_message *why)
{
    psy_status st = text_lines_init(&t->lines, t->src);
    if (st != PSY_OK) return psy_fail(why, st, "out of memory");
    char *line = NULL;
    size_t len = 0;
    int64_t off = 0;
    /* Skip blank lines and a UTF-8 BOM before the first row. */
    do {
        st = text_lines_next(&t->lines, &line, &len, &off, why);
        if (st != PSY_OK) return st;
        if (line && t->lines.line_no == 1) {
            size_t bom = text_bom_length(line, len);
            line += bom, len -= bom, off += (int64_t)bom;
        }
    } while (line && len == 0);
    if (!line) return psy_fail(why, PSY_E_FORMAT, "the file is empty");
    int64_t first_offset = off, first_line = t->lines.line_no;
    char *first = malloc(len + 1);
    if (!first) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    memcpy(first, line, len);
    size_t first_len = len;
    t->delim = cfg->delim;
    if (!t->delim) {
        st = text_lines_next(&t->lines, &line, &len, &off, why);
        if (st != PSY_OK) {
            free(first);
            return st;
        }
        t->delim = text_guess_delimiter(first, first_len, line, line ? len : 0);
    }
    int header_is_data = 0;
    int skip_first = 0;
    if (!cfg->has_header) {
        /* Names come from elsewhere (BIDS "Columns"); a line of names anyway is skipped. */
        text_field f[8];
        int n = text_split(first, first_len, t->delim, f, 8);
        double v;
        for (int c = 0; c < n && c < 8; c++)
            if (!text_is_missing(f[c].p, f[c].len) && !text_parse_number(f[c].p, f[c].len, &v))
                skip_first = 1;
        if (skip_first) psy_reader_warn(r, "the first line holds names, not numbers: skipped as a header row");
    }
    st = read_header(t, cfg, first, first_len, &header_is_data, r, why);
    free(first);
    if (st != PSY_OK) return st;
    int64_t data_offset = first_offset, data_line = first_line;
    if ((cfg->has_header && !header_is_data) || skip_first) {
        text_lines_seek(&t->lines, first_offset, first_line);
        st = text_lines_next(&t->lines, &line, &len, &off, why); /* the header again */
        if (st != PSY_OK) return st;
        data_offset = t->lines.buf_offset + (int64_t)t->lines.start; /* just after it */
        data_line = first_line + 1;
    }
    /* The validating pass. */
    scan_state s = {0};
    s.index_ok = 1;
    if (t->time_col >= 0) {
        s.steps = malloc(STEP_SAMPLES * sizeof *s.steps);
        if (!s.steps) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    text_lines_seek(&t->lines, data_offset, data_line);
    int64_t blank = 0;
    for (;;) {
        st = text_lines_next(&t->lines, &line, &len, &off, why);
        if (st != PSY_OK || !line) break;
        int n;
        st = split_row(t, line, len, t->lines.line_no, &n, why);
        if (st != PSY_OK) break;
        if (n == 0) {
            blank++;
            continue;
        }
        if (t->n_rows % TEXT_BLOCK == 0 && add_checkpoint(t, off, t->lines.line_no) != PSY_OK) {
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
            break;
        }
        st = scan_row(t, &s, t->lines.line_no, why);
        if (st != PSY_OK) break;
        t->n_rows++;
    }
    if (st == PSY_OK && t->n_rows == 0)
        st = psy_fail(why, PSY_E_FORMAT, cfg->has_header ? "a header row but no data rows" : "no data rows");
    if (st == PSY_OK && blank) psy_reader_warn(r, "%lld blank lines skipped", (long long)blank);
    if (st == PSY_OK && t->cols[0].role == COL_INDEX && !s.index_ok) {
        t->cols[0].role = COL_CHANNEL; /* not consecutive integers: data after all */
        if (!t->cols[0].name[0] || psy_strieq(t->cols[0].name, "column 1")) t->cols[0].role = COL_TEXT;
    }
    if (st == PSY_OK) {
        t->rate_hz = cfg->rate_hz;
        t->onset_s = cfg->start_s;
        if (t->time_col >= 0)
            st = time_base(t, &s, r, why);
        else if (cfg->rate_hz > 0)
            psy_reader_set_rate_origin(r, PSY_RATE_GIVEN);
        else
            st = psy_fail(why, PSY_E_FORMAT, "no time column and no sampling rate: give --fs");
    }
    free(s.steps);
    if (st != PSY_OK) return st;
    st = make_channels(t, r, why);
    if (st != PSY_OK) return st;
    for (int c = 0; c < t->n_cols; c++)
        if (t->cols[c].irregular) {
            st = collect_pairs(t, data_offset, data_line, why);
            break;
        }
    if (st != PSY_OK) return st;
    t->lines_row = -1;
    double duration = (double)t->n_rows / t->rate_hz;
    if (t->time_col >= 0 && t->n_rows > 1)
        duration = s.last_delta * t->time_scale + 1 / t->rate_hz;
    if (psy_reader_add_stretch(r, t->onset_s, duration) != PSY_OK)
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    return PSY_OK;
}

psy_status text_table_open(psy_source *src, const text_table_config *cfg, psy_reader **out,
                           psy_message *why)
{
    *out = NULL;
    text_table *t = calloc(1, sizeof *t);
    psy_reader *r = psy_reader_new(cfg->format_name ? cfg->format_name : "CSV");
    if (!t || !r) {
        free(t);
        psy_reader_discard(r);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    t->src = src;
    psy_status st = open_table(t, cfg, r, why);
    if (st != PSY_OK) {
        table_free(t);
        psy_reader_discard(r);
        return st;
    }
    if (!cfg->format_name) psy_reader_set_format(r, t->delim == '\t' ? "TSV" : "CSV");
    psy_reader_set_impl(r, &table_ops, t);
    *out = r;
    return PSY_OK;
}
