/* Session event files: BIDS _events.tsv / _physioevents.tsv.gz (BIDS 1.10: onset and duration
 * in seconds, n/a for missing) and CSV/TSV marker lists with an onset column in seconds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_lines.h"
#include "text_table.h"

#define MAX_EVENT_COLUMNS 256

typedef struct event_list {
    psy_event *ev;
    size_t n, cap;
} event_list;

static void list_free(event_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free((char *)l->ev[i].label);
        free((char *)l->ev[i].detail);
    }
    free(l->ev);
}

static int list_push(event_list *l, const psy_event *e)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        psy_event *p = realloc(l->ev, cap * sizeof *p);
        if (!p) return 0;
        l->ev = p;
        l->cap = cap;
    }
    l->ev[l->n++] = *e;
    return 1;
}

static int find_column(char names[][PSY_LABEL_SIZE], int n, const char *const *wanted)
{
    for (const char *const *w = wanted; *w; w++)
        for (int c = 0; c < n; c++)
            if (psy_strieq(names[c], *w)) return c;
    return -1;
}

/* The cell as a string; *replaced counts its control and non-UTF-8 bytes, shown as '?'. */
static char *field_dup(const text_field *f, int *replaced)
{
    char *s = malloc(f->len * 4 + 1); /* room for '?' replacements never exceeds len */
    if (s) *replaced += psy_copy_field(s, f->len * 4 + 1, f->p, f->len);
    return s;
}

/* detail: "key=value;key=value" of the row's other non-missing cells. */
static char *join_detail(char names[][PSY_LABEL_SIZE], const text_field *f, int n, const int *skip,
                         int *replaced)
{
    size_t size = 1;
    for (int c = 0; c < n; c++) size += strlen(names[c]) + f[c].len * 4 + 2;
    char *s = malloc(size), *o = s;
    if (!s) return NULL;
    *o = '\0';
    for (int c = 0; c < n; c++) {
        if (skip[c] || text_is_missing(f[c].p, f[c].len)) continue;
        if (o != s) *o++ = ';';
        o += sprintf(o, "%s=", names[c]);
        *replaced += psy_copy_field(o, size - (size_t)(o - s), f[c].p, f[c].len);
        o += strlen(o);
    }
    return s;
}

static psy_status read_events(psy_reader *r, psy_source *src, int has_header,
                              const char *const *given, int n_given, double offset_s,
                              event_list *list, psy_message *why)
{
    static const char *const onset_names[] = {"onset", "time", "timestamp", "latency", "start",
                                              "onset_s", "time_s", "start_s", "seconds", NULL};
    static const char *const duration_names[] = {"duration", "duration_s", "dur", NULL};
    static const char *const label_names[] = {"trial_type", "label", "event", "marker", "condition",
                                              "type", "description", "value", "message", "name",
                                              NULL};
    text_lines tl;
    psy_status st = text_lines_init(&tl, src);
    if (st != PSY_OK) return psy_fail(why, st, "out of memory");
    char names[MAX_EVENT_COLUMNS][PSY_LABEL_SIZE];
    text_field fields[MAX_EVENT_COLUMNS + 1];
    int n_cols = 0;
    char delim = '\t';
    char *line;
    size_t len;
    int64_t off;
    if (has_header) {
        do {
            st = text_lines_next(&tl, &line, &len, &off, why);
            if (st != PSY_OK) goto done;
            if (line && tl.line_no == 1) {
                size_t bom = text_bom_length(line, len);
                line += bom, len -= bom, off += (int64_t)bom;
            }
        } while (line && len == 0);
        if (!line) {
            st = psy_fail(why, PSY_E_FORMAT, "the event file is empty");
            goto done;
        }
        int64_t hdr_off = off, hdr_line = tl.line_no;
        char *hdr = malloc(len + 1);
        if (!hdr) {
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
            goto done;
        }
        memcpy(hdr, line, len);
        size_t hdr_len = len;
        st = text_lines_next(&tl, &line, &len, &off, why);
        if (st == PSY_OK) {
            delim = text_guess_delimiter(hdr, hdr_len, line, line ? len : 0);
            n_cols = text_split(hdr, hdr_len, delim, fields, MAX_EVENT_COLUMNS);
            if (n_cols > MAX_EVENT_COLUMNS)
                st = psy_fail(why, PSY_E_FORMAT, "%d columns (more than %d)", n_cols, MAX_EVENT_COLUMNS);
            for (int c = 0; st == PSY_OK && c < n_cols; c++) {
                char unit[PSY_UNIT_SIZE];
                text_name_and_unit(fields[c].p, fields[c].len, names[c], PSY_LABEL_SIZE, unit, sizeof unit);
            }
        }
        free(hdr);
        if (st != PSY_OK) goto done;
        text_lines_seek(&tl, hdr_off, hdr_line);
        text_lines_next(&tl, &line, &len, &off, why);
    } else {
        n_cols = n_given < MAX_EVENT_COLUMNS ? n_given : MAX_EVENT_COLUMNS;
        for (int c = 0; c < n_cols; c++) psy_copy_field(names[c], PSY_LABEL_SIZE, given[c], strlen(given[c]));
    }
    int onset = find_column(names, n_cols, onset_names);
    if (onset < 0) {
        char list_text[200] = "";
        for (int c = 0; c < n_cols && strlen(list_text) + strlen(names[c]) + 3 < sizeof list_text; c++)
            snprintf(list_text + strlen(list_text), sizeof list_text - strlen(list_text), "%s%s",
                     c ? ", " : "", names[c]);
        st = psy_fail(why, PSY_E_FORMAT, "no onset column (onset, time, latency, ...); columns: %s",
                      list_text);
        goto done;
    }
    int duration = find_column(names, n_cols, duration_names);
    int sample = find_column(names, n_cols, (const char *const[]){"sample", NULL});
    int label_rank[MAX_EVENT_COLUMNS];
    for (int c = 0; c < n_cols; c++) {
        label_rank[c] = -1;
        for (int k = 0; label_names[k]; k++)
            if (psy_strieq(names[c], label_names[k])) label_rank[c] = k;
    }
    int64_t skipped = 0, negative = 0, garbled = 0;
    for (;;) {
        st = text_lines_next(&tl, &line, &len, &off, why);
        if (st != PSY_OK || !line) break;
        int n = text_split(line, len, delim, fields, MAX_EVENT_COLUMNS + 1);
        if (n == 0 || (n == 1 && fields[0].len == 0)) continue;
        if (n != n_cols) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld has %d fields, expected %d (ragged row)",
                          (long long)tl.line_no, n, n_cols);
            break;
        }
        psy_event e = {0};
        e.sample = -1;
        e.channel = -1;
        e.source = PSY_EVENTS_FILE;
        const text_field *f = &fields[onset];
        if (text_is_missing(f->p, f->len)) {
            skipped++;
            continue;
        }
        if (!psy_parse_double(f->p, f->len, &e.onset_s)) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld: onset '%.*s' is not a number",
                          (long long)tl.line_no, (int)(f->len > 40 ? 40 : f->len), f->p);
            break;
        }
        e.onset_s += offset_s;
        e.duration_s = NAN;
        if (duration >= 0 && !text_is_missing(fields[duration].p, fields[duration].len) &&
            !psy_parse_double(fields[duration].p, fields[duration].len, &e.duration_s)) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld: duration '%.*s' is not a number",
                          (long long)tl.line_no, (int)(fields[duration].len > 40 ? 40 : fields[duration].len),
                          fields[duration].p);
            break;
        }
        if (e.duration_s < 0) {
            e.duration_s = NAN;
            negative++;
        }
        if (sample >= 0 && !psy_parse_int64(fields[sample].p, fields[sample].len, &e.sample)) e.sample = -1;
        /* Label: the best-ranked label column with a value in this row; else the first text cell. */
        int label = -1;
        for (int c = 0; c < n_cols; c++)
            if (label_rank[c] >= 0 && !text_is_missing(fields[c].p, fields[c].len) &&
                (label < 0 || label_rank[c] < label_rank[label]))
                label = c;
        for (int c = 0; label < 0 && c < n_cols; c++) {
            double v;
            if (c != onset && c != duration && c != sample &&
                !text_is_missing(fields[c].p, fields[c].len) &&
                !psy_parse_double(fields[c].p, fields[c].len, &v))
                label = c;
        }
        int skip[MAX_EVENT_COLUMNS] = {0};
        skip[onset] = 1;
        if (duration >= 0) skip[duration] = 1;
        if (sample >= 0) skip[sample] = 1;
        if (label >= 0) skip[label] = 1;
        int replaced = 0;
        char *lab = label >= 0 ? field_dup(&fields[label], &replaced) : strdup("");
        char *det = join_detail(names, fields, n_cols, skip, &replaced);
        garbled += replaced > 0;
        e.label = lab;
        e.detail = det;
        if (!lab || !det || !list_push(list, &e)) {
            free(lab);
            free(det);
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
            break;
        }
    }
    if (st == PSY_OK && skipped) psy_reader_warn(r, "%lld events without an onset (n/a) skipped", (long long)skipped);
    if (st == PSY_OK && negative)
        psy_reader_warn(r, "%lld events with a negative duration: duration taken as n/a", (long long)negative);
    if (st == PSY_OK && garbled)
        psy_reader_warn(r, "%lld events with control characters or invalid UTF-8 in their text: shown as '?'",
                        (long long)garbled);
done:
    text_lines_free(&tl);
    return st;
}

psy_status text_events_load(psy_reader *r, psy_source *src, int has_header,
                            const char *const *names, int n_names, double offset_s,
                            psy_message *why)
{
    event_list list = {0};
    psy_status st = read_events(r, src, has_header, names, n_names, offset_s, &list, why);
    size_t added = 0;
    for (size_t i = 0; st == PSY_OK && i < list.n; i++, added++)
        if (psy_reader_add_event(r, &list.ev[i]) != PSY_OK)
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    /* all or nothing: an allocation failure midway cannot be undone, but is reported */
    list_free(&list);
    psy_reader_sort_events(r);
    (void)added;
    return st;
}
