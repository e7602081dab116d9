/* PLUX OpenSignals text exports (biosignalsplux, BITalino): "# OpenSignals Text File Format", a
 * "# {JSON}" line keyed by device (sensor, column, label, resolution, sampling rate, device, date,
 * time), "# EndOfHeader", then tab-separated rows: nSeq, the digital inputs/outputs, the analog
 * channels, per device. Raw ADC values are converted with PLUX's published transfer functions
 * (below); digital columns become trigger channels. Samples lost in transmission (nSeq jumps, one
 * device) are NaN. The file is not loaded: one validating pass records the byte offset of every
 * BLOCK-th row, and reads parse one block of rows at a time. */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "reader_impl.h"
#include "text_lines.h"

enum {
    BLOCK = 4096,
    MAX_COLUMNS = 1024,
    CACHE_BYTES = 16 << 20,
    MAX_CACHED = 64,
    MAX_LOST = 1 << 24 /* nSeq jumps up to this (4.7 h at 1 kHz) are lost samples */
};

typedef enum tf_kind {
    TF_RAW,           /* no published transfer function used: ADC counts */
    TF_AFFINE,        /* value = a * ADC + b */
    TF_EDA_RECIPROCAL /* original BITalino EDA: uS = 1 / (1 - ADC / 2^n) */
} tf_kind;

typedef enum col_role { COL_SEQ, COL_DIGITAL, COL_ANALOG } col_role;

typedef struct os_column {
    col_role role;
    int device;
    int channel; /* reader channel, -1 for nSeq */
    int bits;    /* ADC resolution n */
    tf_kind tf;
    double a, b;
} os_column;

typedef struct gap {
    int64_t row;  /* first row after the lost samples */
    int64_t cum;  /* lost samples up to and including this gap */
    int64_t out;  /* output index of its first lost sample */
} gap;

typedef struct checkpoint {
    int64_t offset, line_no;
} checkpoint;

typedef struct os {
    psy_source *src;
    int n_cols, n_channels, converted;
    os_column *cols;
    int *chan_col;
    int64_t n_rows;
    checkpoint *cps;
    size_t n_cps;
    gap *gaps;
    size_t n_gaps;
    text_lines lines;
    int lines_ready;
    text_field *fields;
    double *cache;                   /* n_cached blocks of BLOCK rows x channels, channel-major */
    int64_t *cache_block;            /* block held by each cache slot, -1: none */
    uint64_t *cache_used, use_clock; /* last use, for least-recently-used eviction */
    int n_cached;
    psy_channel_info *infos; /* while opening: the channels, added once their length is known */
} os;

static void os_destroy(void *impl)
{
    os *o = impl;
    if (!o) return;
    if (o->lines_ready) text_lines_free(&o->lines);
    free(o->cols);
    free(o->chan_col);
    free(o->cps);
    free(o->gaps);
    free(o->fields);
    free(o->cache);
    free(o->cache_block);
    free(o->cache_used);
    free(o->infos);
    free(o);
}

/* ---- transfer functions --------------------------------------------------------------- */

/* The sensor family name: upper case, without BITalino's "BITREV"/"BIT" suffix ("EDABITREV" ->
 * "EDA"). */
static void sensor_base(const char *sensor, char *dst, size_t size)
{
    size_t n = 0;
    for (; sensor[n] && n + 1 < size; n++)
        dst[n] = (char)(sensor[n] >= 'a' && sensor[n] <= 'z' ? sensor[n] - 32 : sensor[n]);
    dst[n] = '\0';
    if (n > 6 && strcmp(dst + n - 6, "BITREV") == 0)
        dst[n - 6] = '\0';
    else if (n > 3 && strcmp(dst + n - 3, "BIT") == 0)
        dst[n - 3] = '\0';
}

static int is_any(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return 1;
    return 0;
}

/* Sets the column's transfer function, unit and channel type from its sensor and device:
 *   ECG (mV) = (ADC/2^n - 1/2) * VCC / G * 1000: biosignalsplux VCC 3 V, G 1019 (PLUX ECG sensor
 *     datasheet / user manual); BITalino VCC 3.3 V, G 1100 (BITalino ECG sensor datasheet).
 *   EDA (uS) = ADC/2^n * VCC / 0.12, VCC 3 V (biosignalsplux EDA user manual, 0-25 uS);
 *     BITalino (r)evolution: ADC/2^n * VCC / 0.132, VCC 3.3 V (BITalino EDA user manual,
 *     0-25 uS at 3.3 V); original BITalino EDA board: 1 / (1 - ADC/2^n) (EDA sensor data sheet
 *     080115: R(MOhm) = 1 - ADC/2^n).
 *   BVP / PPG (relative intensity) = ADC/2^n (biosignalsplux BVP sensor datasheet).
 *   RESP, RESPIRATION, PZT (% of full scale) = (ADC/2^n - 1/2) * 100 (PLUX Respiration (PZT)
 *     sensor data sheet, biosignalsplux and BITalino alike).
 * Other sensors keep their ADC counts. Returns 0 when the sensor has no transfer function. */
static int transfer(os_column *c, const char *sensor, const char *device, char *unit, psy_channel_type *type)
{
    char base[64];
    sensor_base(sensor, base, sizeof base);
    int bitalino = strstr(device, "bitalino") != NULL || strlen(sensor) > strlen(base);
    int original_board = strcmp(device, "bitalino") == 0 && strlen(sensor) == strlen(base);
    double full = ldexp(1.0, c->bits);
    static const char *const resp[] = {"RESP", "RESPIRATION", "PZT", "RIP", NULL};
    c->tf = TF_AFFINE;
    c->b = 0;
    *type = PSY_CH_OTHER;
    unit[0] = '\0';
    if (strcmp(base, "ECG") == 0 || strcmp(base, "EKG") == 0) {
        double vcc = bitalino ? 3.3 : 3.0, gain = bitalino ? 1100 : 1019;
        c->a = vcc / gain * 1000 / full;
        c->b = -0.5 * vcc / gain * 1000;
        strcpy(unit, "mV");
        *type = PSY_CH_ECG;
    } else if (strcmp(base, "EDA") == 0 || strcmp(base, "GSR") == 0) {
        if (original_board)
            c->tf = TF_EDA_RECIPROCAL;
        else
            c->a = bitalino ? 3.3 / 0.132 / full : 3.0 / 0.12 / full;
        strcpy(unit, "uS");
        *type = PSY_CH_EDA;
    } else if (strcmp(base, "BVP") == 0 || strcmp(base, "PPG") == 0) {
        c->a = 1 / full;
        strcpy(unit, "r.i.");
        *type = PSY_CH_PPG;
    } else if (is_any(base, resp) && strcmp(base, "RIP") != 0) {
        c->a = 100 / full;
        c->b = -50;
        strcpy(unit, "%");
        *type = PSY_CH_RESP;
    } else {
        c->tf = TF_RAW;
        if (strcmp(base, "RIP") == 0) *type = PSY_CH_RESP;
        return 0;
    }
    return 1;
}

static double convert(const os_column *c, double x)
{
    switch (c->tf) {
    case TF_AFFINE: return c->a * x + c->b;
    case TF_EDA_RECIPROCAL: {
        double r = 1 - x / ldexp(1.0, c->bits); /* MOhm */
        return r > 0 ? 1 / r : NAN;
    }
    default: return x;
    }
}

/* ---- header --------------------------------------------------------------------------- */

static int is_digital(const char *name)
{
    static const char *const names[] = {"DI", "DO", "I1", "I2", "O1", "O2", "DIGITAL", NULL};
    char up[16];
    sensor_base(name, up, sizeof up);
    return is_any(up, names) || strncmp(up, "DI", 2) == 0 || strncmp(up, "DO", 2) == 0;
}

static const char *json_str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

/* "2017-1-17" and "9:33:55.606". */
static void parse_start(psy_reader *r, json_t *dev)
{
    int y, mo, d, h, mi;
    double s;
    char tail;
    if (sscanf(json_str(dev, "date"), "%d-%d-%d%c", &y, &mo, &d, &tail) != 3) return;
    if (sscanf(json_str(dev, "time"), "%d:%d:%lf%c", &h, &mi, &s, &tail) != 3) return;
    if (y < 1900 || !psy_civil_date_exists(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || !(s >= 0) ||
        s >= 61) {
        psy_reader_warn(r, "start date \"%s\" time \"%s\" is not a date-time that exists: start unknown",
                        json_str(dev, "date"), json_str(dev, "time"));
        return;
    }
    psy_datetime t = {1, y, mo, d, h, mi, (int)s, (int64_t)llround((s - floor(s)) * 1e9), 0, 0}; /* local */
    if (t.nanosecond > 999999999) t.nanosecond = 999999999;
    psy_reader_set_start(r, &t);
}

/* Adds the columns and channels of one device (the JSON object dev). */
static psy_status add_device(os *o, psy_reader *r, const char *mac, json_t *dev, int index, int n_devices,
                             double *rate, psy_message *why)
{
    json_t *cols = json_object_get(dev, "column"), *sensors = json_object_get(dev, "sensor"),
           *labels = json_object_get(dev, "label"), *res = json_object_get(dev, "resolution");
    json_t *fs = json_object_get(dev, "sampling rate");
    const char *device = json_str(dev, "device");
    if (!json_is_array(cols) || json_array_size(cols) == 0)
        return psy_fail(why, PSY_E_FORMAT, "device %s: the header has no \"column\" list", mac);
    if (!json_is_number(fs) || !(json_number_value(fs) > 0) || json_number_value(fs) > 1e6)
        return psy_fail(why, PSY_E_FORMAT, "device %s: \"sampling rate\" is missing or not positive", mac);
    if (*rate > 0 && json_number_value(fs) != *rate)
        return psy_fail(why, PSY_E_UNSUPPORTED, "devices at different sampling rates (%g and %g Hz)", *rate,
                        json_number_value(fs));
    *rate = json_number_value(fs);
    size_t nc = json_array_size(cols), na = json_is_array(labels) ? json_array_size(labels) : 0;
    if (json_is_array(sensors) && json_array_size(sensors) != na)
        psy_reader_warn(r, "device %s: %zu sensors for %zu analog channels: the unmatched ones read as raw counts",
                        mac, json_array_size(sensors), na);
    if (o->n_cols + (int)nc > MAX_COLUMNS)
        return psy_fail(why, PSY_E_FORMAT, "more than %d columns", MAX_COLUMNS);
    os_column *p = realloc(o->cols, (size_t)(o->n_cols + (int)nc) * sizeof *p);
    if (!p) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    o->cols = p;
    size_t nres = json_is_array(res) ? json_array_size(res) : 0;
    for (size_t i = 0; i < nc; i++) {
        const char *name = json_string_value(json_array_get(cols, i));
        if (!name) return psy_fail(why, PSY_E_FORMAT, "device %s: column %zu has no name", mac, i + 1);
        os_column *c = &o->cols[o->n_cols++];
        memset(c, 0, sizeof *c);
        c->device = index;
        c->channel = -1;
        size_t analog = na;
        for (size_t k = 0; k < na; k++)
            if (json_is_string(json_array_get(labels, k)) &&
                strcmp(json_string_value(json_array_get(labels, k)), name) == 0)
                analog = k;
        c->role = strcmp(name, "nSeq") == 0 ? COL_SEQ : analog < na ? COL_ANALOG : COL_DIGITAL;
        /* resolution: one per column, or one per analog channel */
        json_t *bits = nres == nc       ? json_array_get(res, i)
            : nres == na && analog < na ? json_array_get(res, analog)
                                        : NULL;
        c->bits = json_is_integer(bits) ? (int)json_integer_value(bits) : 0;
        if (c->role == COL_SEQ) continue;
        psy_channel_info info = {0};
        char unit[PSY_UNIT_SIZE] = "";
        const char *sensor = analog < na && json_is_string(json_array_get(sensors, analog))
            ? json_string_value(json_array_get(sensors, analog))
            : "";
        char base[64];
        sensor_base(sensor, base, sizeof base);
        if (c->role == COL_DIGITAL) {
            if (!is_digital(name))
                psy_reader_warn(
                    r, "column '%s' is neither nSeq, digital nor a labelled channel: read as a trigger",
                    name);
            snprintf(info.label, sizeof info.label, "%s", name);
            info.type = PSY_CH_TRIGGER;
        } else {
            if (c->bits < 1 || c->bits > 24) {
                c->bits = strstr(device, "bitalino") ? (analog >= 4 ? 6 : 10) : 16;
                psy_reader_warn(r, "channel '%s': no resolution in the header, %d bits assumed", name,
                                c->bits);
            }
            snprintf(info.label, sizeof info.label, "%s %s", base[0] ? base : "CH", name);
            if (o->converted) { /* OpenSignals converted them: only the unit and type are wanted */
                os_column unused = *c;
                transfer(&unused, sensor, device, unit, &info.type);
                c->tf = TF_RAW;
            } else if (!transfer(c, sensor, device, unit, &info.type)) {
                psy_reader_warn(r, "sensor '%s' (%s): no transfer function, raw ADC values",
                                sensor[0] ? sensor : "?", info.label);
            }
            if (c->tf == TF_AFFINE) {
                info.physical_min = fmin(c->b, c->a * (ldexp(1.0, c->bits) - 1) + c->b);
                info.physical_max = fmax(c->b, c->a * (ldexp(1.0, c->bits) - 1) + c->b);
                info.resolution = fabs(c->a);
            } else {
                info.physical_min = info.physical_max = NAN;
            }
        }
        if (n_devices > 1) {
            size_t l = strlen(info.label);
            snprintf(info.label + l, sizeof info.label - l, " (%s)", mac);
        }
        snprintf(info.file_unit, sizeof info.file_unit, "%s", unit);
        info.rate_hz = json_number_value(fs);
        int *q = realloc(o->chan_col, (size_t)(o->n_channels + 1) * sizeof *q);
        if (q) o->chan_col = q;
        psy_channel_info *inf = realloc(o->infos, (size_t)(o->n_channels + 1) * sizeof *inf);
        if (inf) o->infos = inf;
        if (!q || !inf) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        c->channel = o->n_channels++;
        o->chan_col[c->channel] = o->n_cols - 1;
        o->infos[c->channel] = info;
    }
    if (index == 0) parse_start(r, dev);
    return PSY_OK;
}

static psy_status parse_header(os *o, psy_reader *r, const char *json, size_t len, psy_message *why)
{
    json_error_t err;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(root) || json_object_size(root) == 0) {
        json_decref(root);
        return psy_fail(why, PSY_E_FORMAT, "the OpenSignals header line is not a JSON object (%s)", err.text);
    }
    json_t *any = json_object_iter_value(json_object_iter(root));
    json_t *conv = json_is_object(any) ? json_object_get(any, "convertedValues") : NULL;
    o->converted = json_is_integer(conv) && json_integer_value(conv) == 1;
    const char *mac;
    json_t *dev;
    psy_status st = PSY_OK;
    double rate = 0;
    int i = 0, n = (int)json_object_size(root);
    json_object_foreach(root, mac, dev)
    {
        if (!json_is_object(dev)) {
            st = psy_fail(why, PSY_E_FORMAT, "device %s in the header is not a JSON object", mac);
            break;
        }
        if ((st = add_device(o, r, mac, dev, i++, n, &rate, why)) != PSY_OK) break;
    }
    json_decref(root);
    if (st == PSY_OK && o->converted)
        psy_reader_warn(r, "OpenSignals values were converted by OpenSignals: read as they are");
    return st;
}

/* ---- rows ----------------------------------------------------------------------------- */

/* A field's number: plain integers (what OpenSignals writes) directly, anything else as
 * text_parse_number does. */
static int number(const text_field *f, double *out)
{
    const char *p = f->p;
    size_t n = f->len, i = p && n && (p[0] == '-' || p[0] == '+');
    if (n > i && n - i <= 15) {
        int64_t v = 0;
        size_t k = i;
        for (; k < n && p[k] >= '0' && p[k] <= '9'; k++) v = v * 10 + (p[k] - '0');
        if (k == n) {
            *out = (double)(p[0] == '-' ? -v : v);
            return 1;
        }
    }
    return text_parse_number(p, n, out);
}

/* Splits a data row into the columns (a trailing tab is allowed). 1 when it has them all. */
static int split_row(os *o, char *line, size_t len)
{
    int n = text_split(line, len, '\t', o->fields, o->n_cols + 1);
    if (n == o->n_cols + 1 && o->fields[o->n_cols].len == 0) n--;
    return n == o->n_cols;
}

static psy_status add_gap(os *o, int64_t row, int64_t lost, size_t *cap, psy_message *why)
{
    if (!psy_grow(&o->gaps, sizeof *o->gaps, cap, o->n_gaps + 1))
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    int64_t before = o->n_gaps ? o->gaps[o->n_gaps - 1].cum : 0;
    o->gaps[o->n_gaps++] = (gap){row, before + lost, row + before};
    return PSY_OK;
}

/* One pass over the data: every row has every column and numbers in them; checkpoints every
 * BLOCK rows; lost samples from the nSeq counter of a single-device file (it counts modulo 2^bits
 * when the header gives its resolution, BITalino's 4 bits: longer losses are then undercounted). */
static psy_status scan(os *o, psy_reader *r, psy_message *why)
{
    int seq = -1, devices = 0;
    for (int c = 0; c < o->n_cols; c++) {
        if (o->cols[c].device + 1 > devices) devices = o->cols[c].device + 1;
        if (o->cols[c].role == COL_SEQ && seq < 0) seq = c;
    }
    if (devices > 1) seq = -1;
    int64_t wrap =
        seq >= 0 && o->cols[seq].bits > 0 && o->cols[seq].bits < 40 ? (int64_t)1 << o->cols[seq].bits : 0;
    int64_t prev = -1, resets = 0, lost = 0;
    size_t cap_cps = 0, cap_gaps = 0;
    for (;;) {
        char *line;
        size_t len;
        int64_t at;
        psy_status st = text_lines_next(&o->lines, &line, &len, &at, why);
        if (st != PSY_OK) return st;
        if (!line) break;
        if (!len || line[0] == '#') continue;
        if (o->n_rows % BLOCK == 0) {
            if (!psy_grow(&o->cps, sizeof *o->cps, &cap_cps, o->n_cps + 1))
                return psy_fail(why, PSY_E_NOMEM, "out of memory");
            o->cps[o->n_cps++] = (checkpoint){at, o->lines.line_no};
        }
        int complete = split_row(o, line, len);
        if (!complete && at + (int64_t)len + 1 > psy_source_size(o->src)) { /* the last line, no end */
            psy_reader_warn(r, "the last line (%lld) is incomplete, the file was cut: left out",
                            (long long)o->lines.line_no);
            break;
        }
        if (!complete)
            return psy_fail(why, PSY_E_FORMAT, "line %lld has %d columns, the header names %d",
                            (long long)o->lines.line_no,
                            text_split(line, len, '\t', o->fields, o->n_cols + 1), o->n_cols);
        for (int c = 0; c < o->n_cols; c++) {
            double x;
            if (!number(&o->fields[c], &x))
                return psy_fail(why, PSY_E_FORMAT, "line %lld, column %d: '%.*s' is not a number",
                                (long long)o->lines.line_no, c + 1,
                                (int)(o->fields[c].len < 32 ? o->fields[c].len : 32), o->fields[c].p);
            if (c != seq) continue;
            if (!(x >= 0 && x < 9007199254740992.0) || x != floor(x))
                return psy_fail(why, PSY_E_FORMAT, "line %lld: nSeq '%.*s' is not a sequence number",
                                (long long)o->lines.line_no, (int)(o->fields[c].len < 32 ? o->fields[c].len : 32),
                                o->fields[c].p);
            int64_t s = (int64_t)x, expect = prev + 1, miss = 0;
            if (wrap) expect %= wrap;
            if (prev >= 0 && s != expect) {
                miss = wrap ? ((s - expect) % wrap + wrap) % wrap : s - expect;
                /* going back, or a jump of more than MAX_LOST: the counter restarted, nothing known lost */
                if (!wrap && (miss < 0 || miss > MAX_LOST)) resets++, miss = 0;
            }
            if (miss > 0) {
                if ((st = add_gap(o, o->n_rows, miss, &cap_gaps, why)) != PSY_OK) return st;
                lost += miss;
            }
            prev = s;
        }
        o->n_rows++;
    }
    if (lost)
        psy_reader_warn(r, "%lld samples lost in transmission (nSeq skips %lld times): NaN in their place",
                        (long long)lost, (long long)o->n_gaps);
    if (resets)
        psy_reader_warn(r, "nSeq goes back or jumps by hours %lld times: the samples are read as consecutive",
                        (long long)resets);
    return PSY_OK;
}

/* The cached values of block b (all channels), parsing it into the least recently used slot
 * when absent. NULL when the file changed after it was opened. */
static const double *load_block(os *o, int64_t b)
{
    int slot = 0;
    for (int k = 0; k < o->n_cached; k++) {
        if (o->cache_block[k] == b) {
            o->cache_used[k] = ++o->use_clock;
            return o->cache + (int64_t)k * o->n_channels * BLOCK;
        }
        if (o->cache_used[k] < o->cache_used[slot]) slot = k;
    }
    o->cache_block[slot] = -1;
    double *v = o->cache + (int64_t)slot * o->n_channels * BLOCK;
    const checkpoint *cp = &o->cps[b];
    text_lines_seek(&o->lines, cp->offset, cp->line_no);
    int64_t rows = o->n_rows - b * BLOCK < BLOCK ? o->n_rows - b * BLOCK : BLOCK;
    for (int64_t i = 0; i < rows;) {
        char *line;
        size_t len;
        int64_t at;
        if (text_lines_next(&o->lines, &line, &len, &at, NULL) != PSY_OK || !line) return NULL;
        if (!len || line[0] == '#') continue;
        if (!split_row(o, line, len)) return NULL;
        for (int ch = 0; ch < o->n_channels; ch++) {
            double x;
            if (!number(&o->fields[o->chan_col[ch]], &x)) return NULL;
            v[(int64_t)ch * BLOCK + i] = convert(&o->cols[o->chan_col[ch]], x);
        }
        i++;
    }
    o->cache_block[slot] = b;
    o->cache_used[slot] = ++o->use_clock;
    return v;
}

/* Lost samples before row `row` (gaps at or before it). */
static int64_t lost_before(const os *o, int64_t k) { return k >= 0 ? o->gaps[k].cum : 0; }

static psy_status os_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    os *o = impl;
    while (n > 0) {
        /* the last gap whose lost samples begin at or before `start` (-1: none) */
        int64_t k = !o->n_gaps || o->gaps[0].out > start
            ? -1
            : (int64_t)psy_last_at_or_before(o->gaps, o->n_gaps, sizeof *o->gaps, offsetof(gap, out), start);
        int64_t run;
        if (k >= 0 && start < o->gaps[k].row + o->gaps[k].cum) { /* inside the lost samples */
            run = o->gaps[k].row + o->gaps[k].cum - start;
            if (run > n) run = n;
            for (int64_t i = 0; i < run; i++) out[i] = NAN;
        } else {
            int64_t row = start - lost_before(o, k);
            int64_t next = (size_t)(k + 1) < o->n_gaps ? o->gaps[k + 1].row : o->n_rows;
            run = next - row;
            int64_t in_block = BLOCK - row % BLOCK;
            if (run > in_block) run = in_block;
            if (run > n) run = n;
            const double *v = load_block(o, row / BLOCK);
            if (!v) return PSY_E_FORMAT; /* the file changed after it was opened */
            memcpy(out, v + (int64_t)ch * BLOCK + row % BLOCK, (size_t)run * sizeof *out);
        }
        out += run, start += run, n -= run;
    }
    return PSY_OK;
}

static const psy_reader_ops os_ops = {os_read, NULL, os_destroy};

int psy_opensignals_probe(const unsigned char *head, size_t n)
{
    static const char magic[] = "# OpenSignals Text File Format";
    size_t skip = n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    return n >= skip + sizeof magic - 1 && memcmp(head + skip, magic, sizeof magic - 1) == 0;
}

static psy_status build(void *impl, psy_source *src, psy_reader *r, psy_message *why)
{
    os *o = impl;
    if (text_lines_init(&o->lines, src) != PSY_OK) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    o->lines_ready = 1;
    char *line;
    size_t len;
    int64_t at;
    int header = 0;
    psy_status st;
    for (;;) {
        if ((st = text_lines_next(&o->lines, &line, &len, &at, why)) != PSY_OK) return st;
        if (!line) return psy_fail(why, PSY_E_FORMAT, "the OpenSignals header has no '# EndOfHeader' line");
        size_t bom = o->lines.line_no == 1 ? text_bom_length(line, len) : 0;
        line += bom, len -= bom;
        if (o->lines.line_no == 1) {
            if (!psy_opensignals_probe((const unsigned char *)line, len))
                return psy_fail(why, PSY_E_FORMAT,
                                "not an OpenSignals text file (no '# OpenSignals Text File Format')");
            continue;
        }
        if (len < 1 || line[0] != '#')
            return psy_fail(why, PSY_E_FORMAT, "line %lld: the header ends without '# EndOfHeader'",
                            (long long)o->lines.line_no);
        const char *p = line + 1;
        size_t k = len - 1;
        while (k && *p == ' ') p++, k--;
        if (k >= 11 && strncmp(p, "EndOfHeader", 11) == 0) break;
        if (k && *p == '{') {
            if (header) return psy_fail(why, PSY_E_FORMAT, "two JSON header lines");
            if ((st = parse_header(o, r, p, k, why)) != PSY_OK) return st;
            header = 1;
        }
    }
    if (!header) return psy_fail(why, PSY_E_FORMAT, "the OpenSignals header has no JSON line");
    if (!o->n_channels) return psy_fail(why, PSY_E_FORMAT, "the OpenSignals header names no channels");
    o->fields = malloc((size_t)(o->n_cols + 1) * sizeof *o->fields);
    if (!o->fields) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    if ((st = scan(o, r, why)) != PSY_OK) return st;
    if (!o->n_rows) return psy_fail(why, PSY_E_FORMAT, "the OpenSignals file has a header but no data rows");
    /* the cache: CACHE_BYTES of parsed blocks, no more blocks than the file has */
    int64_t per_block = (int64_t)o->n_channels * BLOCK * (int64_t)sizeof *o->cache;
    int64_t blocks = (o->n_rows + BLOCK - 1) / BLOCK, fit = CACHE_BYTES / per_block;
    o->n_cached = (int)(fit < 1 ? 1 : fit > MAX_CACHED ? MAX_CACHED : fit);
    if (o->n_cached > blocks) o->n_cached = (int)blocks;
    o->cache = malloc((size_t)(o->n_cached * per_block));
    o->cache_block = malloc((size_t)o->n_cached * sizeof *o->cache_block);
    o->cache_used = calloc((size_t)o->n_cached, sizeof *o->cache_used);
    if (!o->cache || !o->cache_block || !o->cache_used) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    for (int k = 0; k < o->n_cached; k++) o->cache_block[k] = -1;
    int64_t frames = o->n_rows + (o->n_gaps ? o->gaps[o->n_gaps - 1].cum : 0);
    for (int ch = 0; ch < o->n_channels; ch++) {
        o->infos[ch].frames = frames;
        if (psy_reader_add_channel(r, &o->infos[ch], 1) < 0)
            return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    free(o->infos);
    o->infos = NULL;
    return PSY_OK;
}

psy_status psy_open_opensignals(psy_source *src, const psy_open_options *opt, psy_reader **out,
                                psy_message *why)
{
    (void)opt;
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src) return psy_fail(why, PSY_E_INVALID, "no source");
    os *o = calloc(1, sizeof *o);
    if (!o) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    o->src = src;
    return psy_reader_build("OpenSignals", src, &os_ops, o, build, out, why);
}
