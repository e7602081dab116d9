/* Garmin watch logs written by an Android logger app (FLIRT test data):
 *  - data.csv: "ISO-8601 timestamp;TYPE;value" rows, one TYPE per measurement
 *    (HEART_RATE_VARIABILITY = beat-to-beat interval in ms, HEART_RATE in bpm, STRESS score, ...)
 *    → one irregular channel per TYPE (in order of first appearance), timed from the first row;
 *  - acc.csv: "timestamp;x;y;z" → three regular channels at the median rate of the timestamps,
 *    read block by block. Each stretch lays its samples at the median step from its first
 *    timestamp; timestamps running ahead of that grid by more than a second (missing samples)
 *    start a new stretch. Other drifts stay: sample times may be up to about a second behind
 *    their timestamps (missing samples), and ahead of them without bound when rows come faster
 *    than the median step (nothing starts a stretch then); a warning gives the largest.
 * The start date-time is the first timestamp as written (local time; its UTC offset is used only
 * for the time differences). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_readers.h"
#include "device_index.h"
#include "device_util.h"

#define GARMIN_MAX_TYPES 64
/* a timestamp later than the regular grid by more than this starts a new stretch (s) */
#define GARMIN_GAP_S 1.0

typedef struct garmin {
    dev_lines lr;
    psy_reader *r;
    dev_store *store;
    char types[GARMIN_MAX_TYPES][PSY_LABEL_SIZE];
    int n_types;
    int64_t t0, prev; /* ns since 1970 */
    psy_datetime start;
    int64_t rows, negative_stress;
} garmin;

static int is_type_name(const dev_field *f)
{
    if (f->n == 0 || f->n >= PSY_LABEL_SIZE) return 0;
    for (size_t i = 0; i < f->n; i++) {
        char c = f->p[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

int garmin_layout(const char *head, size_t n)
{
    size_t len = n, bom = len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const char *nl = memchr(head, '\n', len);
    if (!nl) return 0;
    len = (size_t)(nl - head);
    if (len && head[len - 1] == '\r') len--;
    dev_field f[5];
    size_t nf = dev_split(head + bom, len - bom, ';', f, 5);
    psy_datetime dt;
    int64_t t;
    double v;
    if (nf < 3 || nf > 4 || !dev_parse_iso8601(f[0].p, f[0].n, &dt, &t)) return 0;
    if (nf == 3) return is_type_name(&f[1]) && dev_parse_number(f[2].p, f[2].n, &v) ? 3 : 0;
    for (int i = 1; i < 4; i++)
        if (!dev_parse_number(f[i].p, f[i].n, &v)) return 0;
    return 4;
}

static int sniff(psy_source *src)
{
    char head[GARMIN_HEAD];
    int64_t n = psy_source_read(src, 0, head, sizeof head);
    return n > 0 ? garmin_layout(head, (size_t)n) : 0;
}

/* Seconds from one ns timestamp to another: exact when the difference fits in int64 (centuries
 * apart do not), else in double. */
static double seconds_between(int64_t later, int64_t earlier)
{
    int64_t d;
    if (!__builtin_sub_overflow(later, earlier, &d)) return (double)d * 1e-9;
    return ((double)later - (double)earlier) * 1e-9;
}

/* Timestamp of a row, relative to the first; rows must not go back in time. */
static psy_status row_time(garmin *g, const dev_field *f, int64_t line_no, double *rel, psy_message *why)
{
    psy_datetime dt;
    int64_t t;
    if (!dev_parse_iso8601(f->p, f->n, &dt, &t)) {
        char shown[40];
        psy_copy_field(shown, sizeof shown, f->p, f->n);
        return psy_fail(why, PSY_E_FORMAT, "line %lld: timestamp '%s' is not ISO 8601",
                        (long long)line_no, shown);
    }
    if (g->rows == 0) {
        g->t0 = g->prev = t;
        g->start = dt;
    }
    if (t < g->prev)
        return psy_fail(why, PSY_E_FORMAT, "line %lld: timestamp goes back %.3f s in time",
                        (long long)line_no, seconds_between(g->prev, t));
    g->prev = t;
    g->rows++;
    *rel = seconds_between(t, g->t0);
    return PSY_OK;
}

static psy_status number(garmin *g, const dev_field *f, double *v, psy_message *why)
{
    if (dev_parse_number(f->p, f->n, v)) return PSY_OK;
    char shown[40];
    psy_copy_field(shown, sizeof shown, f->p, f->n);
    return psy_fail(why, PSY_E_FORMAT, "line %lld: value '%s' is not a number",
                    (long long)g->lr.line_no, shown);
}

static int type_index(garmin *g, const dev_field *f)
{
    for (int i = 0; i < g->n_types; i++)
        if (strlen(g->types[i]) == f->n && memcmp(g->types[i], f->p, f->n) == 0) return i;
    if (g->n_types == GARMIN_MAX_TYPES || dev_store_add_series(g->store, 1) < 0) return -1;
    psy_copy_field(g->types[g->n_types], PSY_LABEL_SIZE, f->p, f->n);
    return g->n_types++;
}

static psy_status read_data_log(garmin *g, psy_message *why)
{
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got;
    while ((got = dev_lines_next(&g->lr, &line, &len, &st, why)) == 1) {
        if (dev_is_blank(line, len)) continue;
        dev_field f[4];
        if (dev_split(line, len, ';', f, 4) != 3)
            return psy_fail(why, PSY_E_FORMAT, "line %lld: expected 'timestamp;TYPE;value'",
                            (long long)g->lr.line_no);
        double t, v;
        if ((st = row_time(g, &f[0], g->lr.line_no, &t, why)) != PSY_OK ||
            (st = number(g, &f[2], &v, why)) != PSY_OK)
            return st;
        if (!is_type_name(&f[1]))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: TYPE is not a name", (long long)g->lr.line_no);
        int ch = type_index(g, &f[1]);
        if (ch < 0)
            return psy_fail(why, PSY_E_FORMAT, "line %lld: more than %d value types",
                            (long long)g->lr.line_no, GARMIN_MAX_TYPES);
        /* Garmin stress scores are 0..100; negative values mean "not measured" (e.g. -2 during
         * activity), so they become NaN rather than a score. */
        if (strcmp(g->types[ch], "STRESS") == 0 && v < 0) {
            v = NAN;
            g->negative_stress++;
        }
        if ((st = dev_store_push(g->store, ch, v, t, why)) != PSY_OK) return st;
    }
    if (got < 0) return st;
    dev_lines_warn_cut(&g->lr, g->r);
    if (g->rows == 0) return psy_fail(why, PSY_E_FORMAT, "no rows");
    for (int ch = 0; ch < g->n_types; ch++) {
        psy_channel_info info = {0};
        const char *type = g->types[ch];
        snprintf(info.label, sizeof info.label, "%s", type);
        info.type = PSY_CH_OTHER;
        if (strcmp(type, "HEART_RATE_VARIABILITY") == 0) {
            info.type = PSY_CH_RR;
            strcpy(info.file_unit, "ms");
        } else if (strcmp(type, "HEART_RATE") == 0) {
            info.type = PSY_CH_HR;
            strcpy(info.file_unit, "bpm");
        }
        info.frames = g->store->ch[ch].n;
        info.physical_min = info.physical_max = NAN;
        if (psy_reader_add_channel(g->r, &info, 0) < 0) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    if (g->negative_stress)
        psy_reader_warn(g->r, "STRESS: %lld negative values (Garmin's 'not measured') read as NaN",
                        (long long)g->negative_stress);
    return PSY_OK;
}

/* Accelerometer rows are read block by block (device_index.h); the timestamps are scanned
 * twice: once to find the median step (a histogram of 0.1 ms bins up to 2 s, so memory does not
 * grow with the file), once to lay the stretches. */
#define ACC_BINS 20000
#define ACC_BIN_S 1e-4

typedef struct acc_scan {
    garmin *g;
    uint32_t *count;
    double *sum;  /* sum of the steps in each bin: the period is their mean in the median bin */
    int64_t over; /* steps of ACC_BINS * ACC_BIN_S or more */
    double prev;
} acc_scan;

static int acc_on_lead(void *ctx, const dev_field *lead, int64_t line_no, psy_message *why)
{
    acc_scan *a = ctx;
    double t;
    int first = a->g->rows == 0;
    if (row_time(a->g, lead, line_no, &t, why) != PSY_OK) return 0;
    if (!first) {
        double step = t - a->prev;
        int64_t bin = (int64_t)llround(step / ACC_BIN_S);
        if (bin < ACC_BINS) {
            a->count[bin]++;
            a->sum[bin] += step;
        } else {
            a->over++;
        }
    }
    a->prev = t;
    return 1;
}

static psy_status median_step(const acc_scan *a, int64_t steps, double *period, psy_message *why)
{
    if (steps < 1) return psy_fail(why, PSY_E_FORMAT, "fewer than 2 samples: no rate can be derived");
    int64_t seen = 0, half = (steps + 1) / 2;
    for (int64_t bin = 0; bin < ACC_BINS; bin++) {
        seen += a->count[bin];
        if (seen < half) continue;
        *period = a->sum[bin] / a->count[bin];
        if (!(*period > 0)) return psy_fail(why, PSY_E_FORMAT, "median timestamp step is 0: no rate");
        return PSY_OK;
    }
    return psy_fail(why, PSY_E_FORMAT, "median timestamp step is %g s or more: not a sampled signal",
                    ACC_BINS * ACC_BIN_S);
}

/* Second pass over the timestamps: a new stretch wherever the clock runs ahead of the regular
 * grid by more than GARMIN_GAP_S; steps off the median by over 25 %% are counted, and the largest
 * distance of a timestamp from its sample's time is warned of when over half a step. */
static psy_status lay_stretches(garmin *g, double period, int64_t rows, psy_message *why)
{
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got;
    int64_t i = 0, first = 0, gaps = 0, irregular = 0;
    double onset = 0, prev = 0, drift = 0;
    dev_lines_seek(&g->lr, 0, 1);
    while (i < rows && (got = dev_lines_next(&g->lr, &line, &len, &st, why)) == 1) {
        if (dev_is_blank(line, len)) continue;
        dev_field f[1];
        psy_datetime dt;
        int64_t ns;
        dev_split(line, len, ';', f, 1);
        if (!dev_parse_iso8601(f[0].p, f[0].n, &dt, &ns))
            return psy_fail(why, PSY_E_FORMAT, "the file changed while it was read");
        double t = seconds_between(ns, g->t0);
        if (i > 0) {
            irregular += fabs(t - prev - period) > 0.25 * period;
            /* half a period more, so a drift of exactly GARMIN_GAP_S (ms timestamps) is no tie */
            if (t > onset + (double)(i - first) * period + GARMIN_GAP_S + 0.5 * period) {
                if (psy_reader_add_stretch(g->r, onset, (double)(i - first) * period) != PSY_OK)
                    return psy_fail(why, PSY_E_NOMEM, "out of memory");
                gaps++;
                first = i;
                onset = t;
            }
        }
        double off = fabs(t - onset - (double)(i - first) * period);
        if (off > drift) drift = off;
        prev = t;
        i++;
    }
    if (st != PSY_OK) return st;
    if (i != rows) return psy_fail(why, PSY_E_FORMAT, "the file changed while it was read");
    if (psy_reader_add_stretch(g->r, onset, (double)(i - first) * period) != PSY_OK)
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    if (irregular)
        psy_reader_warn(g->r, "irregular sampling: %lld of %lld timestamp steps differ from the "
                              "median %.4f s by more than 25%%; %lld gaps over %.0f s start new stretches",
                        (long long)irregular, (long long)rows - 1, period, (long long)gaps, GARMIN_GAP_S);
    if (drift > 0.5 * period)
        psy_reader_warn(g->r, "sample times are up to %.3f s off their timestamps (each stretch is laid at "
                              "the median step from its first timestamp)", drift);
    return PSY_OK;
}

static psy_status read_acc(garmin *g, psy_source *src, dev_index **index, psy_message *why)
{
    acc_scan a = {g, calloc(ACC_BINS, sizeof(uint32_t)), calloc(ACC_BINS, sizeof(double)), 0, 0};
    psy_status st = a.count && a.sum ? PSY_OK : psy_fail(why, PSY_E_NOMEM, "out of memory");
    dev_index_layout layout = {3, ';', acc_on_lead, &a};
    if (st == PSY_OK) st = dev_index_build(src, 0, 1, &layout, index, why);
    double period = 0;
    if (st == PSY_OK) st = median_step(&a, g->rows - 1, &period, why);
    free(a.count);
    free(a.sum);
    if (st == PSY_OK) st = lay_stretches(g, period, g->rows, why);
    if (st != PSY_OK) return st;
    for (int c = 0; c < 3; c++) {
        psy_channel_info info = {0};
        snprintf(info.label, sizeof info.label, "ACC %c", "XYZ"[c]);
        info.rate_hz = 1.0 / period;
        info.frames = dev_index_frames(*index);
        info.physical_min = info.physical_max = NAN;
        if (psy_reader_add_channel(g->r, &info, 0) < 0) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    return PSY_OK;
}

psy_status psy_open_garmin(psy_source *src, psy_reader **out, psy_message *why)
{
    *out = NULL;
    int layout = sniff(src);
    if (!layout) return PSY_E_UNKNOWN_FORMAT;
    garmin *g = calloc(1, sizeof *g);
    if (!g) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    psy_message local = {{0}};
    dev_index *index = NULL;
    psy_status st = dev_lines_open(&g->lr, src, DEV_CUT_LEAVE_OUT); /* "84" of "846": no interval */
    g->r = psy_reader_new("Garmin log");
    if (layout == 3) g->store = dev_store_new(0, 0, dev_max_values(src));
    if (st != PSY_OK || !g->r || (layout == 3 && !g->store)) st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
    if (st == PSY_OK) st = layout == 3 ? read_data_log(g, &local) : read_acc(g, src, &index, &local);
    dev_lines_close(&g->lr);
    if (st == PSY_OK) {
        psy_reader_set_start(g->r, &g->start);
        if (index) dev_index_attach(g->r, index);
        else dev_store_attach(g->r, g->store);
        index = NULL;
        g->store = NULL;
        if (psy_reader_finish(g->r) != PSY_OK) st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
    }
    dev_index_free(index);
    dev_store_free(g->store);
    psy_reader *r = g->r;
    free(g);
    if (st != PSY_OK && why) *why = local;
    return psy_reader_conclude(r, st, src, out);
}
