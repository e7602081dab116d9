/* Beat times of a file, whatever holds them: a table of times, rdann text, WFDB annotations, a
 * vendor's beat list (psyphys/score.h: psy_beat_times_load). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psy_core.h"
#include "psyphys/score.h"
#include "psyphys/writer.h" /* psy_wfdb_code, psy_wfdb_is_beat */
#include "reader_impl.h"    /* psy_grow */
#include "text_lines.h"

#define MAX_COLUMNS 32

typedef struct time_list {
    double *v;
    size_t n, cap;
} time_list;

static psy_status push(time_list *t, double v, psy_message *why)
{
    if (!psy_grow(&t->v, sizeof *t->v, &t->cap, t->n + 1)) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    t->v[t->n++] = v;
    return PSY_OK;
}

static int field_is(const text_field *f, const char *name)
{
    return f->len == strlen(name) && memcmp(f->p, name, f->len) == 0;
}

static int contains(const char *p, size_t len, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(p + i, word, n) == 0) return 1;
    return 0;
}

/* Exact names, unlike an events file's columns (any case, synonyms): `psyphys beats` and BIDS
 * write 'onset' and 'sample', and a recording's CSV with a 'Sample' index column must not pass
 * for a table of beats. */
static int find_column(const text_field *cells, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (field_is(&cells[i], name)) return i;
    return -1;
}

/* A row's label counts as a beat unless it names a WFDB non-beat (noise, rhythm change, ...).
 * The RR classes of a beats table (N, ectopic, missed, extra, long, short) label intervals:
 * each row is a detection, and EC57 scores every detection of the detector. */
static int is_beat_label(const text_field *f)
{
    char label[8];
    if (f->len >= sizeof label) return 1; /* longer than any WFDB mnemonic */
    memcpy(label, f->p, f->len);
    label[f->len] = '\0';
    int code = psy_wfdb_code(label);
    return code == 0 || psy_wfdb_is_beat(code);
}

static psy_status not_times(psy_message *why)
{
    return psy_fail(why, PSY_E_UNKNOWN_FORMAT, "has no 'onset' (s) or 'sample' column in its header");
}

/* 1 when every cell is empty: a line of blanks or delimiters only (",,," from a spreadsheet). */
static int all_empty(const text_field *cells, int n)
{
    for (int i = 0; i < n; i++)
        if (cells[i].len) return 0;
    return 1;
}

/* Text with no NUL or control character but blanks in its first 256 bytes. */
static int looks_like_text(psy_source *src)
{
    unsigned char buf[256];
    int64_t n = psy_source_read(src, 0, buf, sizeof buf);
    for (int64_t i = 0; i < n; i++)
        if (buf[i] == 0 || (buf[i] < 0x20 && !strchr(" \t\n\v\f\r", buf[i]))) return 0;
    return n > 0;
}

/* rdann text or a table of times (see psy_beat_times_load); PSY_E_UNKNOWN_FORMAT when the first
 * line names no 'onset' or 'sample' column. */
static psy_status read_text(psy_source *src, double rate_hz, time_list *t, psy_message *why)
{
    text_lines tl;
    char *line = NULL;
    size_t len;
    int64_t offset;
    text_field cells[MAX_COLUMNS];
    psy_status st = text_lines_init(&tl, src);
    if (st == PSY_OK) st = text_lines_next(&tl, &line, &len, &offset, why);
    if (st != PSY_OK || !line) { /* no line: the file emptied since it was found to be text */
        text_lines_free(&tl);
        return st != PSY_OK ? st : not_times(why);
    }
    int onset_col = -1, sample_col = -1, label_col = -1;
    char delim = ' ';
    int n_header = 0;
    if (contains(line, len, "Sample #") || contains(line, len, "Sample#")) {
        sample_col = 1, label_col = 2; /* rdann: Time Sample # Type Sub Chan Num Aux */
    } else {
        size_t bom = text_bom_length(line, len);
        delim = text_guess_delimiter(line + bom, len - bom, NULL, 0);
        if (delim == ' ') delim = ','; /* tables are split at tabs, commas or semicolons only */
        int n = n_header = text_split(line + bom, len - bom, delim, cells, MAX_COLUMNS);
        if (n > MAX_COLUMNS) n = MAX_COLUMNS;
        onset_col = find_column(cells, n, "onset");
        sample_col = find_column(cells, n, "sample");
        label_col = find_column(cells, n, "label");
        if (label_col < 0) label_col = find_column(cells, n, "type");
        if (onset_col < 0 && sample_col < 0) { /* not a table of times: perhaps a beat list */
            text_lines_free(&tl);
            return not_times(why);
        }
        if (n_header == 1) delim = '\n'; /* one column: a row is one cell, so "1,5" is no 1 */
    }
    if (onset_col < 0 && !(rate_hz > 0)) {
        text_lines_free(&tl);
        return psy_fail(why, PSY_E_INVALID, "gives beats as sample numbers: give their rate with --fs");
    }
    int col = onset_col >= 0 ? onset_col : sample_col;
    /* sample numbers are divided by the rate, as the WFDB annotation reader does: v * (1 / rate)
     * differs from v / rate in the last bit for a quarter of the samples at 360 Hz */
    double rate = onset_col >= 0 ? 1 : rate_hz;
    while ((st = text_lines_next(&tl, &line, &len, &offset, why)) == PSY_OK && line) {
        int n = text_split(line, len, delim, cells, MAX_COLUMNS);
        if (n > MAX_COLUMNS) n = MAX_COLUMNS;
        if (all_empty(cells, n)) continue;
        if (label_col < n && label_col >= 0 && !is_beat_label(&cells[label_col])) continue;
        double v;
        /* only BIDS's n/a (what `psyphys beats` writes for a beat it dropped): another empty or
         * NaN time in a list of beats is a fault to show, not a beat to drop unseen */
        if (col < n && field_is(&cells[col], "n/a")) continue;
        if (col >= n || !text_parse_number(cells[col].p, cells[col].len, &v)) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld: '%.*s' is not a number", (long long)tl.line_no,
                          col < n ? (int)cells[col].len : 0, col < n ? cells[col].p : "");
            break;
        }
        if (!isfinite(v / rate)) { /* a sample number beyond any time at this rate */
            st = psy_fail(why, PSY_E_FORMAT, "line %lld: '%.*s' is out of range", (long long)tl.line_no,
                          (int)cells[col].len, cells[col].p);
            break;
        }
        if ((st = push(t, v / rate, why)) != PSY_OK) break;
    }
    text_lines_free(&tl);
    return st;
}

/* The WFDB beat annotations of a recording, or a vendor beat list's beats (their classes that
 * are WFDB beat codes; X, the artifacts, is none). `text`: the file is text that is no table of
 * times, so a file that does not open or holds no beats is "no table of times", unless it is a
 * broken beat list (its reader's status and reason). A recording without beats is refused: its
 * every reference beat would be scored a false negative. */
static psy_status read_recording(const char *path, const psy_open_options *opt, int text, time_list *t,
                                 psy_beat_times *out, psy_message *why)
{
    psy_reader *r = NULL;
    psy_status st = psy_reader_open(path, opt, &r, why);
    if (st != PSY_OK) {
        if (!text) return st;
        return psy_check_beat_list(path, why) == PSY_E_FORMAT ? PSY_E_FORMAT : not_times(why);
    }
    out->from_recording = 1;
    out->rate_origin = psy_reader_rate_origin(r);
    out->declared_rate_hz = psy_reader_declared_rate(r);
    for (size_t i = 0; st == PSY_OK && i < psy_reader_event_count(r); i++) {
        const psy_event *e = psy_reader_event(r, i);
        if ((e->source == PSY_EVENTS_WFDB || e->source == PSY_EVENTS_DEVICE) && psy_wfdb_is_beat(e->code))
            st = push(t, e->onset_s, why);
    }
    psy_reader_close(r);
    if (st != PSY_OK || t->n) return st;
    return text ? not_times(why) : psy_fail(why, PSY_E_UNKNOWN_FORMAT, "holds no beat annotations");
}

psy_status psy_beat_times_load(const char *path, const psy_open_options *options, psy_beat_times *out,
                               psy_message *why)
{
    psy_message local;
    if (!why) why = &local;
    why->text[0] = '\0';
    if (out) memset(out, 0, sizeof *out);
    if (!path || !out) return psy_fail(why, PSY_E_INVALID, "no path or no output");
    psy_open_options defaults = psy_open_options_default();
    const psy_open_options *opt = options ? options : &defaults;
    if (!psy_reserved_clear(opt->reserved)) return psy_fail(why, PSY_E_INVALID, "%s", PSY_RESERVED_REASON);
    if (!(opt->sampling_rate_hz >= 0 && isfinite(opt->sampling_rate_hz)))
        return psy_fail(why, PSY_E_INVALID, "the sampling rate must be a finite number, 0 or more (0: none given)");
    time_list t = {0};
    psy_source *src = NULL;
    int text = psy_source_open_path(path, &src) == PSY_OK && looks_like_text(src);
    psy_status st = text ? read_text(src, opt->sampling_rate_hz, &t, why) : PSY_E_UNKNOWN_FORMAT;
    psy_source_close(src);
    if (st == PSY_E_UNKNOWN_FORMAT) {
        why->text[0] = '\0';
        st = read_recording(path, opt, text, &t, out, why);
    }
    for (size_t i = 1; st == PSY_OK && i < t.n; i++)
        if (t.v[i] < t.v[i - 1]) st = psy_fail(why, PSY_E_FORMAT, "beat times are not in order (beat %zu)", i + 1);
    if (st != PSY_OK) {
        free(t.v);
        memset(out, 0, sizeof *out);
        return why->text[0] ? st : psy_fail(why, st, "%s", psy_strerror(st)); /* a reason always */
    }
    out->n = t.n;
    out->onset_s = t.v;
    return PSY_OK;
}

void psy_beat_times_free(psy_beat_times *times)
{
    if (!times) return;
    free(times->onset_s);
    memset(times, 0, sizeof *times);
}
