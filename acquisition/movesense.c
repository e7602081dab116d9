/* Movesense sensor exports (the Movesense Showcase app's CSV): a fixed-width banner line (the
 * measurement's name, then `DD.MM.YYhh.mm.ss` and the nominal rate run together, e.g.
 * "ECG ... 25.01.2516.42.59200"), a header `Timestamp,<name>[,<name>...]`, then one row per
 * sample: Unix time (s) and the values, a channel per column (ADC units for ECG; no scale is
 * given).
 *
 * The timestamps are the truth, not the banner's rate: the sensor stamps packets, so samples
 * come at the clock's true rate (e.g. 198.96 Hz for a nominal 200) and the stream stops while
 * the recording is paused or the radio drops packets. A step of more than DROPOUT_STEPS sample
 * periods (and at least DROPOUT_MIN_S) starts a new stretch at its own timestamp; the channel's
 * rate is the samples per second of the stretches (a least-squares-free ratio: samples minus one
 * over the time from first to last, summed over the stretches), so two sensors of one session
 * line up over minutes.
 *
 * The heart-rate export (banner "HeartRate", header `Average,RRData`, no timestamps) is read by
 * movesense_hr.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "device_index.h"
#include "device_readers.h"

#define DROPOUT_STEPS 3.0
#define DROPOUT_MIN_S 0.05

typedef struct ms_stretch {
    double first_s, last_s; /* Unix times of its first and last sample */
    int64_t n;
} ms_stretch;

typedef struct ms_scan {
    double nominal_hz;
    double prev;
    ms_stretch *st;
    int64_t n_st, cap;
    psy_status failed;      /* PSY_E_NOMEM from the callback */
} ms_scan;

static int is_unix_time(double t)
{
    return t > 1e8 && t < 4.2e9; /* 1973 .. 2103 */
}

static int on_timestamp(void *ctx, const dev_field *lead, int64_t line_no, psy_message *why)
{
    ms_scan *s = ctx;
    double t;
    if (!dev_parse_number(lead->p, lead->n, &t) || !is_unix_time(t)) {
        psy_fail(why, PSY_E_FORMAT, "line %lld: the timestamp is not a Unix time in seconds", (long long)line_no);
        return 0;
    }
    if (s->n_st > 0 && t < s->prev) {
        psy_fail(why, PSY_E_FORMAT, "line %lld: the timestamp goes back in time (%.6f after %.6f)",
                 (long long)line_no, t, s->prev);
        return 0;
    }
    double gap = fmax(DROPOUT_STEPS / s->nominal_hz, DROPOUT_MIN_S);
    if (s->n_st == 0 || t - s->prev > gap) {
        if (s->n_st == s->cap) {
            int64_t cap = s->cap ? 2 * s->cap : 16;
            ms_stretch *p = realloc(s->st, (size_t)cap * sizeof *p);
            if (!p) {
                s->failed = PSY_E_NOMEM;
                psy_fail(why, PSY_E_NOMEM, "out of memory");
                return 0;
            }
            s->st = p;
            s->cap = cap;
        }
        s->st[s->n_st++] = (ms_stretch){t, t, 0};
    }
    ms_stretch *cur = &s->st[s->n_st - 1];
    cur->last_s = t;
    cur->n++;
    s->prev = t;
    return 1;
}

/* The banner: a measurement name, then "DD.MM.YYhh.mm.ss" directly followed by the rate (1 for
 * HeartRate); the date-time as "20YY-MM-DD hh:mm:ss" into when[20]. */
static int parse_banner(const char *line, size_t len, char *kind, size_t kind_size, double *rate, char when[20])
{
    dev_field f[4];
    if (dev_split(line, len, ' ', f, 4) != 2 || f[0].n >= kind_size || f[1].n < 17 || f[1].n > 24) return 0;
    const char *d = f[1].p;
    static const char shape[] = "dd.dd.dddd.dd.dd";
    for (size_t k = 0; k < sizeof shape - 1; k++)
        if (shape[k] == 'd' ? !(d[k] >= '0' && d[k] <= '9') : d[k] != '.') return 0;
    double r;
    if (!psy_parse_double(d + 16, f[1].n - 16, &r) || !(r > 0) || r > 100000) return 0;
    memcpy(kind, f[0].p, f[0].n);
    kind[f[0].n] = '\0';
    *rate = r;
    snprintf(when, 20, "20%.2s-%.2s-%.2s %.2s:%.2s:%.2s", d + 6, d + 3, d, d + 8, d + 11, d + 14);
    return 1;
}

psy_status psy_open_movesense(psy_source *src, psy_reader **out, psy_message *why)
{
    *out = NULL;
    char head[512];
    int64_t got = psy_source_read(src, 0, head, sizeof head);
    if (got <= 0) return PSY_E_UNKNOWN_FORMAT;
    char *nl = memchr(head, '\n', (size_t)got);
    if (!nl) return PSY_E_UNKNOWN_FORMAT;
    size_t len1 = (size_t)(nl - head);
    if (len1 && head[len1 - 1] == '\r') len1--;
    char kind[32], when[20];
    double nominal;
    if (!parse_banner(head, len1, kind, sizeof kind, &nominal, when)) return PSY_E_UNKNOWN_FORMAT;
    const char *l2 = nl + 1;
    size_t rest = (size_t)got - (size_t)(l2 - head);
    const char *nl2 = memchr(l2, '\n', rest);
    size_t len2 = nl2 ? (size_t)(nl2 - l2) : rest;
    if (len2 && l2[len2 - 1] == '\r') len2--;
    int64_t body = (int64_t)((l2 - head) + len2) + 1;
    if (nl2 && len2 < rest && l2[len2] == '\r') body++;
    if (psy_strieq(kind, "HeartRate") && len2 == 14 && memcmp(l2, "Average,RRData", 14) == 0)
        return movesense_hr_open(src, body, 3, when, out, why);
    dev_field h[DEV_INDEX_MAX_COLUMNS + 2];
    size_t nh = dev_split(l2, len2, ',', h, DEV_INDEX_MAX_COLUMNS + 2);
    if (nh < 2 || nh > DEV_INDEX_MAX_COLUMNS + 1 || h[0].n != 9 || memcmp(h[0].p, "Timestamp", 9) != 0)
        return PSY_E_UNKNOWN_FORMAT;
    int columns = (int)nh - 1; /* one channel per column after the timestamp (IMU: X, Y, Z) */

    /* From here on it is a Movesense export: failures are errors. */
    psy_message local = {{0}};
    ms_scan scan = {nominal, 0, NULL, 0, 0, PSY_OK};
    dev_index *ix = NULL;
    dev_index_layout layout = {columns, ',', on_timestamp, &scan};
    psy_status st = dev_index_build(src, body, 3, &layout, &ix, &local);
    psy_reader *r = NULL;
    if (st == PSY_OK && scan.n_st == 0) st = psy_fail(&local, PSY_E_TRUNCATED, "no samples after the header");
    double samples = 0, span = 0;
    for (int64_t i = 0; i < scan.n_st; i++)
        if (scan.st[i].n >= 2) {
            samples += (double)(scan.st[i].n - 1);
            span += scan.st[i].last_s - scan.st[i].first_s;
        }
    double rate = span > 0 ? samples / span : nominal;
    if (st == PSY_OK && !(rate > 0.5 * nominal && rate < 2 * nominal))
        st = psy_fail(&local, PSY_E_FORMAT, "the timestamps give %.3f Hz, the header says %g Hz", rate, nominal);
    if (st == PSY_OK && !(r = psy_reader_new("Movesense"))) st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
    if (st == PSY_OK) {
        psy_datetime dt = psy_datetime_from_unix(scan.st[0].first_s);
        psy_reader_set_start(r, &dt);
        for (int c = 0; st == PSY_OK && c < columns; c++) {
            psy_channel_info info = {0};
            psy_copy_field(info.label, sizeof info.label, h[c + 1].p, h[c + 1].n);
            info.type = psy_strieq(kind, "ECG") && columns == 1 ? PSY_CH_ECG : PSY_CH_OTHER;
            info.rate_hz = rate;
            info.frames = dev_index_frames(ix);
            info.physical_min = info.physical_max = NAN;
            if (psy_reader_add_channel(r, &info, 1) < 0) st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
        }
    }
    double end_s = 0;
    for (int64_t i = 0; st == PSY_OK && i < scan.n_st; i++) {
        double onset = fmax(scan.st[i].first_s - scan.st[0].first_s, end_s), dur = (double)scan.st[i].n / rate;
        st = psy_reader_add_stretch(r, onset, dur);
        end_s = onset + dur;
    }
    if (st == PSY_OK) {
        if (fabs(rate / nominal - 1) > 1e-3)
            psy_reader_warn(r, "the timestamps give %.3f Hz, the header says %g Hz: the timestamps' rate is used",
                            rate, nominal);
        if (scan.n_st > 1)
            psy_reader_warn(r, "%lld stretches: the samples stop %lld time(s) for more than %.2f s (a pause or "
                               "dropped packets)", (long long)scan.n_st, (long long)(scan.n_st - 1),
                            fmax(DROPOUT_STEPS / nominal, DROPOUT_MIN_S));
        if (psy_strieq(kind, "ECG")) psy_reader_warn(r, "the values are ADC units: the file gives no scale");
        dev_index_attach(r, ix);
        ix = NULL;
        if (psy_reader_finish(r) != PSY_OK) st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
    }
    free(scan.st);
    dev_index_free(ix);
    if (st != PSY_OK && why) *why = local;
    return psy_reader_conclude(r, st, src, out);
}
