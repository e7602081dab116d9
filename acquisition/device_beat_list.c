/* Vendor beat lists and episode tables (events from device or analysis software):
 *  - beat list (Holter software export, FLIRT holter.txt): a first line of digits ("00000000",
 *    read as a zero start offset), then "time_s label" rows, label = beat class (N, S, V, X ...).
 *    → one event per beat (label = class; code = the class's WFDB code when it is a WFDB mnemonic)
 *    and an RR channel over the beats that are not X (X = artifact/excluded): interval = time
 *    since the previous non-X beat, timed at the beat.
 *  - episode table (RHRV/gHRV a01.tags.txt, apnea_ascii.txt): a header starting "Init_time",
 *    then "hh:mm:ss label duration_s [more columns]" rows → events with 0 channels; further
 *    columns go to the event detail as "Name=value". */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_readers.h"
#include "device_util.h"
#include "psyphys/writer.h" /* psy_wfdb_code */

static int all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 16) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

static int is_label(const dev_field *f)
{
    double v;
    if (f->n == 0 || f->n > 8 || dev_parse_number(f->p, f->n, &v)) return 0;
    for (size_t i = 0; i < f->n; i++)
        if (!isgraph((unsigned char)f->p[i])) return 0;
    return 1;
}

/* Reads up to two lines of the file head into `head`; returns the count found. */
static int first_lines(psy_source *src, char *head, size_t size, dev_field lines[2])
{
    int64_t n = psy_source_read(src, 0, head, size);
    if (n <= 0) return 0;
    int count = 0;
    size_t b = n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* UTF-8 BOM */
    for (size_t i = 0; i < (size_t)n && count < 2; i++) {
        if (head[i] != '\n') continue;
        size_t e = i;
        if (e > b && head[e - 1] == '\r') e--;
        lines[count++] = (dev_field){head + b, e - b};
        b = i + 1;
    }
    return count;
}

static psy_status nomem(psy_message *why) { return psy_fail(why, PSY_E_NOMEM, "out of memory"); }

static psy_status read_beats(psy_reader *r, dev_lines *lr, dev_store *store, psy_message *why)
{
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got;
    double prev = -INFINITY, prev_beat = NAN;
    int64_t excluded = 0;
    while ((got = dev_lines_next(lr, &line, &len, &st, why)) == 1) {
        if (dev_is_blank(line, len)) continue;
        if (lr->line_no == 1) {
            if (!all_digits(line, len)) return psy_fail(why, PSY_E_FORMAT, "line 1: not a digit string");
            for (size_t i = 0; i < len; i++)
                if (line[i] != '0') {
                    psy_reader_warn(r, "line 1: start offset '%.*s' is not understood; ignored",
                                    (int)len, line);
                    break;
                }
            continue;
        }
        dev_field f[3];
        double t;
        if (dev_split(line, len, ' ', f, 3) != 2 || !is_label(&f[1]))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: expected 'time label'", (long long)lr->line_no);
        if (!dev_parse_number(f[0].p, f[0].n, &t))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: beat time is not a number", (long long)lr->line_no);
        if (t < prev)
            return psy_fail(why, PSY_E_FORMAT, "line %lld: beat time %g is before the previous %g",
                            (long long)lr->line_no, t, prev);
        prev = t;
        char label[12];
        psy_copy_field(label, sizeof label, f[1].p, f[1].n);
        /* the class's WFDB code when it is a WFDB mnemonic (N, S, V ...): a reference for beat
         * scorers, as a WFDB record's .atr; X (artifact) is none */
        psy_event ev = {t, 0, label, "", PSY_EVENTS_DEVICE, -1, -1, psy_wfdb_code(label), 0, 0};
        if (psy_reader_add_event(r, &ev) != PSY_OK) return nomem(why);
        if (strcmp(label, "X") == 0) {
            excluded++;
            continue;
        }
        if (!isnan(prev_beat)) {
            if (!(t > prev_beat))
                return psy_fail(why, PSY_E_FORMAT, "line %lld: two beats at the same time %g",
                                (long long)lr->line_no, t);
            st = dev_store_push(store, 0, (t - prev_beat) * 1e3, t, why);
            if (st != PSY_OK) return st;
        }
        prev_beat = t;
    }
    if (got < 0) return st;
    if (excluded)
        psy_reader_warn(r, "%lld beats labelled X (artifact) are events only; RR intervals span them",
                        (long long)excluded);
    return PSY_OK;
}

psy_status psy_open_beat_list(psy_source *src, psy_reader **out, psy_message *why)
{
    *out = NULL;
    char head[256];
    dev_field l[2];
    dev_field f[3];
    double t;
    if (first_lines(src, head, sizeof head, l) < 2 || !all_digits(l[0].p, l[0].n) ||
        dev_split(l[1].p, l[1].n, ' ', f, 3) != 2 || !dev_parse_number(f[0].p, f[0].n, &t) ||
        !is_label(&f[1]))
        return PSY_E_UNKNOWN_FORMAT;
    psy_message local = {{0}};
    dev_lines lr;
    psy_status st = dev_lines_open(&lr, src, DEV_CUT_KEEP);
    psy_reader *r = psy_reader_new("beat list");
    dev_store *store = dev_store_new(1, 1, dev_max_values(src));
    if (st != PSY_OK || !r || !store) st = nomem(&local);
    if (st == PSY_OK) st = read_beats(r, &lr, store, &local);
    dev_lines_close(&lr);
    if (st == PSY_OK) {
        psy_channel_info info = {0};
        strcpy(info.label, "RR");
        strcpy(info.file_unit, "ms");
        info.type = PSY_CH_RR;
        info.frames = store->ch[0].n;
        info.physical_min = info.physical_max = NAN;
        dev_store_attach(r, store);
        store = NULL;
        if (psy_reader_add_channel(r, &info, 0) < 0 || psy_reader_finish(r) != PSY_OK) st = nomem(&local);
    }
    dev_store_free(store);
    if (st != PSY_OK && why) *why = local;
    return psy_reader_conclude(r, st, src, out);
}

psy_status psy_check_beat_list(const char *path, psy_message *why)
{
    psy_source *src = NULL;
    psy_reader *r = NULL;
    psy_status st = path ? psy_source_open_path(path, &src) : PSY_E_INVALID;
    if (st != PSY_OK) return psy_fail(why, st, "cannot open: %s", psy_strerror(st));
    st = psy_open_beat_list(src, &r, why);
    if (st == PSY_OK) psy_reader_close(r);
    else psy_source_close(src);
    return st;
}

/* "hh:mm:ss[.fff]" → seconds (hours may exceed 23 in long recordings). */
static int parse_clock(const dev_field *f, double *out)
{
    const char *p = f->p;
    size_t n = f->n, c1, c2;
    for (c1 = 0; c1 < n && p[c1] != ':'; c1++) {}
    for (c2 = c1 + 1; c2 < n && p[c2] != ':'; c2++) {}
    int64_t h, m;
    double s;
    if (c1 == 0 || c2 >= n || c2 - c1 != 3 || n - c2 < 3 || !psy_parse_int64(p, c1, &h) ||
        !psy_parse_int64(p + c1 + 1, 2, &m) || !dev_parse_number(p + c2 + 1, n - c2 - 1, &s) ||
        h < 0 || h > 10000 || m < 0 || m > 59 || s < 0 || s >= 60 || !isdigit((unsigned char)p[c2 + 1]))
        return 0;
    *out = (double)h * 3600 + (double)m * 60 + s;
    return 1;
}

#define EPISODE_MAX_COLUMNS 16

static psy_status read_episodes(psy_reader *r, dev_lines *lr, psy_message *why)
{
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got;
    char names[EPISODE_MAX_COLUMNS][32];
    size_t n_names = 0;
    double end = 0;
    while ((got = dev_lines_next(lr, &line, &len, &st, why)) == 1) {
        if (dev_is_blank(line, len)) continue;
        dev_field f[EPISODE_MAX_COLUMNS + 1];
        size_t nf = dev_split(line, len, ' ', f, EPISODE_MAX_COLUMNS + 1);
        if (n_names == 0) {
            if (nf < 3 || nf > EPISODE_MAX_COLUMNS)
                return psy_fail(why, PSY_E_FORMAT, "line 1: %zu header columns (3..%d expected)", nf,
                                EPISODE_MAX_COLUMNS);
            for (size_t i = 0; i < nf; i++) psy_copy_field(names[i], sizeof names[i], f[i].p, f[i].n);
            n_names = nf;
            continue;
        }
        if (nf != n_names)
            return psy_fail(why, PSY_E_FORMAT, "line %lld: %zu columns where the header has %zu",
                            (long long)lr->line_no, nf, n_names);
        double onset, duration;
        if (!parse_clock(&f[0], &onset))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: start is not hh:mm:ss", (long long)lr->line_no);
        if (!dev_parse_number(f[2].p, f[2].n, &duration) || duration < 0)
            return psy_fail(why, PSY_E_FORMAT, "line %lld: duration is not a number >= 0",
                            (long long)lr->line_no);
        char label[PSY_LABEL_SIZE], detail[256] = "";
        psy_copy_field(label, sizeof label, f[1].p, f[1].n);
        size_t used = 0;
        for (size_t i = 3; i < nf; i++) {
            char value[64];
            psy_copy_field(value, sizeof value, f[i].p, f[i].n);
            int k = snprintf(detail + used, sizeof detail - used, "%s%s=%s", used ? " " : "",
                             names[i], value);
            if (k < 0 || (size_t)k >= sizeof detail - used) break;
            used += (size_t)k;
        }
        psy_event ev = {onset, duration, label, detail, PSY_EVENTS_DEVICE, -1, -1, 0, 0, 0};
        if (psy_reader_add_event(r, &ev) != PSY_OK) return nomem(why);
        if (onset + duration > end) end = onset + duration;
    }
    if (got < 0) return st;
    if (psy_reader_add_stretch(r, 0, end) != PSY_OK) return nomem(why);
    return PSY_OK;
}

psy_status psy_open_episode_list(psy_source *src, psy_reader **out, psy_message *why)
{
    *out = NULL;
    char head[256];
    dev_field l[2];
    dev_field f[2];
    if (first_lines(src, head, sizeof head, l) < 1 || dev_split(l[0].p, l[0].n, ' ', f, 2) < 2 ||
        f[0].n != 9)
        return PSY_E_UNKNOWN_FORMAT;
    char first[10];
    memcpy(first, f[0].p, 9);
    first[9] = '\0';
    if (!psy_strieq(first, "Init_time")) return PSY_E_UNKNOWN_FORMAT;
    psy_message local = {{0}};
    dev_lines lr;
    psy_status st = dev_lines_open(&lr, src, DEV_CUT_KEEP);
    psy_reader *r = psy_reader_new("episode list");
    if (st != PSY_OK || !r) st = nomem(&local);
    if (st == PSY_OK) st = read_episodes(r, &lr, &local);
    dev_lines_close(&lr);
    if (st == PSY_OK && psy_reader_finish(r) != PSY_OK) st = nomem(&local);
    if (st != PSY_OK && why) *why = local;
    return psy_reader_conclude(r, st, src, out);
}
