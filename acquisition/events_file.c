/* Session event files: BIDS _events.tsv / _physioevents.tsv.gz (BIDS 1.10: onset and duration
 * in seconds, n/a for missing) and CSV/TSV marker lists with an onset column in seconds or in
 * clock time (ISO 8601). Which column holds what is decided once, from the header (or named by
 * the caller), and reported: a file whose names leave it open is refused rather than read one way
 * silently. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "psy_core.h"
#include "device_util.h"
#include "gz_source.h"
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

/* The columns' names as a list for a message: "a, b, c" (cut to fit). */
static void list_names(char names[][PSY_LABEL_SIZE], int n, char *out, size_t size)
{
    out[0] = '\0';
    for (int c = 0; c < n && strlen(out) + strlen(names[c]) + 3 < size; c++)
        snprintf(out + strlen(out), size - strlen(out), "%s%s", c ? ", " : "", names[c]);
}

/* The column of one role: the one named by the caller, else the BIDS name, else the one
 * synonym present (strict), or the first-ranked synonym present (a BIDS reader's own event
 * files). -1 for none; -2 after failing (a named column missing, two synonyms when strict). */
static int role_column(char names[][PSY_LABEL_SIZE], int n, const char *role, const char *given,
                       const char *bids, const char *const *synonyms, int strict, psy_events_info *info,
                       psy_message *why)
{
    char list[200];
    if (given) {
        for (int c = 0; c < n; c++)
            if (psy_strieq(names[c], given)) return c;
        list_names(names, n, list, sizeof list);
        psy_fail(why, PSY_E_FORMAT, "no column '%s' (for the %s); columns: %s", given, role, list);
        return -2;
    }
    for (int c = 0; c < n; c++)
        if (psy_strieq(names[c], bids)) return c;
    for (const char *const *w = synonyms; !strict && *w; w++)
        for (int c = 0; c < n; c++)
            if (psy_strieq(names[c], *w)) return c;
    int found = -1;
    for (int c = 0; c < n; c++)
        for (const char *const *w = synonyms; *w; w++) {
            if (!psy_strieq(names[c], *w)) continue;
            if (found >= 0) {
                snprintf(info->ambiguous, sizeof info->ambiguous, "%s", role);
                psy_fail(why, PSY_E_FORMAT, "columns '%s' and '%s' could both hold the %s: name the one to use",
                         names[found], names[c], role);
                return -2;
            }
            found = c;
        }
    return found;
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

/* Whole seconds and nanoseconds of a civil date-time on its own wall clock. */
static int64_t civil_seconds(const psy_datetime *t)
{
    return psy_days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 + t->minute * 60 + t->second;
}

/* An onset given as an ISO 8601 date-time, in seconds from the recording's start: with a zone,
 * the instant (the recording's start must have a zone too); without one, a time on the same
 * wall clock as the recording's start. */
static psy_status clock_onset(psy_reader *r, const char *p, size_t len, int64_t line, double *onset_s,
                              int64_t *on_utc, psy_message *why)
{
    int shown = (int)(len > 40 ? 40 : len);
    psy_datetime t, start = psy_reader_start(r);
    int64_t unix_ns;
    if (!dev_parse_iso8601(p, len, &t, &unix_ns))
        return psy_fail(why, PSY_E_FORMAT, "line %lld: onset '%.*s' is not a number (seconds) nor an ISO 8601 "
                        "date-time (YYYY-MM-DDThh:mm:ss, T or a space, a fraction after '.' or ',', then Z, +hh:mm, "
                        "+hhmm, +hh or no zone)", (long long)line, shown, p);
    if (!start.known)
        return psy_fail(why, PSY_E_FORMAT, "line %lld: onset '%.*s' is a clock time, but the recording's start "
                        "is unknown: give onsets in seconds from the start", (long long)line, shown, p);
    if (t.zone_known && !start.zone_known)
        return psy_fail(why, PSY_E_FORMAT, "line %lld: onset '%.*s' names a time zone, but the recording's start "
                        "(%04d-%02d-%02dT%02d:%02d:%02d) is a wall clock of unknown zone: give the onset without "
                        "its zone, on the recording's clock", (long long)line, shown, p, start.year, start.month,
                        start.day, start.hour, start.minute, start.second);
    int64_t secs = civil_seconds(&t) - civil_seconds(&start);
    if (t.zone_known) secs -= 60 * (int64_t)(t.utc_offset_min - start.utc_offset_min);
    /* a start in UTC (Unix time: E4, ...) holds no local zone a zone-less onset may mean */
    else if (start.zone_known && start.utc_offset_min == 0) (*on_utc)++;
    *onset_s = (double)secs + (double)(t.nanosecond - start.nanosecond) * 1e-9;
    return PSY_OK;
}

/* Keeps a row that gives no event (the first PSY_EVENTS_UNPLACED_KEPT; all counted). */
static void unplaced(psy_events_info *info, int64_t line, const text_field *label, const char *reason)
{
    if (info->n_unplaced < PSY_EVENTS_UNPLACED_KEPT) {
        psy_unplaced_event *u = &info->unplaced[info->n_unplaced];
        u->line = line;
        u->label[0] = '\0';
        if (label) psy_copy_field(u->label, sizeof u->label, label->p, label->len);
        snprintf(u->reason, sizeof u->reason, "%s", reason);
    }
    info->n_unplaced++;
}

static psy_status read_events(psy_reader *r, psy_source *src, int has_header,
                              const char *const *given, int n_given, const psy_events_options *opt, int strict,
                              event_list *list, psy_events_info *info, psy_message *why)
{
    static const char *const onset_names[] = {"time", "timestamp", "latency", "start", "onset_s",
                                              "time_s", "start_s", "seconds", NULL};
    static const char *const duration_names[] = {"duration_s", "dur", "length", NULL};
    /* ranked: the first is the label column; a row where it is n/a takes the next with a value */
    static const char *const label_names[] = {"trial_type", "label", "event", "marker", "condition", "cond",
                                              "type", "description", "value", "message", "name", NULL};
    const double offset_s = opt->offset_s;
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
    int onset = role_column(names, n_cols, "onset", opt->onset_column, "onset", onset_names, strict, info, why);
    if (onset == -1) {
        char list_text[200];
        list_names(names, n_cols, list_text, sizeof list_text);
        psy_fail(why, PSY_E_FORMAT, "no onset column (onset, time, latency, ...); columns: %s", list_text);
    }
    int duration = onset < 0 ? -2
                             : role_column(names, n_cols, "duration", opt->duration_column, "duration",
                                           duration_names, strict, info, why);
    int label_col = duration < -1 ? -2
                                  : role_column(names, n_cols, "label", opt->label_column, label_names[0],
                                                label_names + 1, strict, info, why);
    if (onset < 0 || duration < -1 || label_col < -1) {
        st = PSY_E_FORMAT;
        goto done;
    }
    int sample = -1;
    for (int c = 0; c < n_cols; c++)
        if (sample < 0 && psy_strieq(names[c], "sample")) sample = c;
    int label_rank[MAX_EVENT_COLUMNS];
    for (int c = 0; c < n_cols; c++) {
        label_rank[c] = -1;
        for (int k = 0; label_names[k]; k++)
            if (psy_strieq(names[c], label_names[k])) label_rank[c] = k + 1;
        if (c == label_col) label_rank[c] = 0; /* first, also when named by the caller */
    }
    snprintf(info->onset_column, sizeof info->onset_column, "%s", names[onset]);
    snprintf(info->duration_column, sizeof info->duration_column, "%s", duration >= 0 ? names[duration] : "");
    snprintf(info->label_column, sizeof info->label_column, "%s", label_col >= 0 ? names[label_col] : "");
    int64_t negative = 0, garbled = 0, on_utc = 0;
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
            unplaced(info, tl.line_no, label_col >= 0 ? &fields[label_col] : NULL, "no onset (n/a)");
            continue;
        }
        if (!psy_parse_double(f->p, f->len, &e.onset_s) &&
            (st = clock_onset(r, f->p, f->len, tl.line_no, &e.onset_s, &on_utc, why)) != PSY_OK)
            break;
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
        /* no label in the row: n/a (BIDS), never an empty cell in a table */
        char *lab = label >= 0 ? field_dup(&fields[label], &replaced) : strdup("n/a");
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
    if (st == PSY_OK && info->n_unplaced)
        psy_reader_warn(r, "%zu events without an onset (n/a) skipped", info->n_unplaced);
    if (st == PSY_OK && negative)
        psy_reader_warn(r, "%lld events with a negative duration: duration taken as n/a", (long long)negative);
    if (st == PSY_OK && on_utc)
        psy_reader_warn(r, "%lld event onset%s in clock time without a zone: read as UTC, the recording's clock; "
                           "local times need their zone (e.g. +02:00)", (long long)on_utc, on_utc == 1 ? "" : "s");
    if (st == PSY_OK && garbled)
        psy_reader_warn(r, "%lld events with control characters or invalid UTF-8 in their text: shown as '?'",
                        (long long)garbled);
done:
    text_lines_free(&tl);
    return st;
}

/* Onsets that are all Unix times (beyond PSY_EVENTS_UNIX_MIN_S) moved to the recording's time
 * axis: its Unix start subtracted. A single onset at or below it (3.2 years) keeps the whole
 * file as seconds from the start. */
static psy_status from_unix_time(const psy_reader *r, event_list *list, double *shift, psy_message *why)
{
    *shift = NAN;
    if (list->n == 0) return PSY_OK;
    for (size_t i = 0; i < list->n; i++)
        if (!(list->ev[i].onset_s > PSY_EVENTS_UNIX_MIN_S)) return PSY_OK;
    double start = psy_reader_start_unix(r);
    if (!isfinite(start))
        return psy_fail(why, PSY_E_FORMAT, "the onsets are Unix times (all beyond %.0f s), but the recording's "
                        "start is unknown: give the offset to its start", PSY_EVENTS_UNIX_MIN_S);
    for (size_t i = 0; i < list->n; i++) list->ev[i].onset_s -= start;
    *shift = -start;
    return PSY_OK;
}

/* Events of an event file (header row, or the given column names) with the options; strict:
 * two candidates for a role are refused (a file the user gives), else the first-ranked is taken
 * (the BIDS run and physioevents files a reader pairs itself, whose columns BIDS defines). */
static psy_status load(psy_reader *r, psy_source *src, int has_header, const char *const *names, int n_names,
                       const psy_events_options *opt, int strict, double *unix_shift, psy_events_info *info,
                       psy_message *why)
{
    psy_events_info scratch;
    if (!info) info = &scratch;
    memset(info, 0, sizeof *info);
    event_list list = {0};
    psy_status st = read_events(r, src, has_header, names, n_names, opt, strict, &list, info, why);
    if (st == PSY_OK && unix_shift) st = from_unix_time(r, &list, unix_shift, why);
    for (size_t i = 0; st == PSY_OK && i < list.n; i++, info->n_events++)
        if (psy_reader_add_event(r, &list.ev[i]) != PSY_OK)
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    /* all or nothing: an allocation failure midway cannot be undone, but is reported */
    list_free(&list);
    psy_reader_sort_events(r);
    return st;
}

psy_status text_events_load(psy_reader *r, psy_source *src, int has_header,
                            const char *const *names, int n_names, double offset_s,
                            psy_message *why)
{
    psy_events_options opt = psy_events_options_default();
    opt.offset_s = offset_s;
    return load(r, src, has_header, names, n_names, &opt, 0, NULL, NULL, why);
}

psy_events_options psy_events_options_default(void)
{
    psy_events_options o = {0};
    return o;
}

/* Both public loaders: unix_shift NULL reads onsets as seconds from the start. */
static psy_status load_file(psy_reader *reader, psy_source *events, const psy_events_options *options,
                            psy_events_info *info, double *unix_shift, psy_message *why)
{
    psy_events_options opt = options ? *options : psy_events_options_default();
    if (info) memset(info, 0, sizeof *info);
    if (!reader || !events) return psy_fail(why, PSY_E_INVALID, "no reader or no event source");
    if (opt.offset_s != opt.offset_s) return psy_fail(why, PSY_E_INVALID, "the event offset is not a number");
    if (!psy_reserved_clear(opt.reserved)) return psy_fail(why, PSY_E_INVALID, "%s", PSY_RESERVED_REASON);
    if (!psy_gz_is_gzip(events)) return load(reader, events, 1, NULL, 0, &opt, 1, unix_shift, info, why);
    psy_source *dec = NULL;
    gz_ctx *g = NULL;
    psy_status st = psy_gz_source_open(events, &dec, &g, why);
    if (st != PSY_OK) return st;
    st = load(reader, dec, 1, NULL, 0, &opt, 1, unix_shift, info, why);
    psy_source_close(dec);
    return st;
}

psy_status psy_reader_load_events_with(psy_reader *reader, psy_source *events, const psy_events_options *options,
                                       psy_events_info *info, psy_message *why)
{
    return load_file(reader, events, options, info, NULL, why);
}

psy_status psy_reader_load_events_unix(psy_reader *reader, psy_source *events, const psy_events_options *options,
                                       psy_events_info *info, double *unix_shift_s, psy_message *why)
{
    double shift = NAN;
    psy_status st = load_file(reader, events, options, info, &shift, why);
    if (unix_shift_s) *unix_shift_s = shift;
    return st;
}

psy_status psy_reader_load_events(psy_reader *reader, psy_source *events, double offset_s,
                                  psy_message *why)
{
    psy_events_options opt = psy_events_options_default();
    opt.offset_s = offset_s;
    return psy_reader_load_events_with(reader, events, &opt, NULL, why);
}
