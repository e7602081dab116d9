/* Empatica E4 CSV exports (E4 connect "info.txt"): every file is one sensor.
 *  - EDA, BVP, TEMP, HR, ACC: line 1 = session start (unix s, UTC), line 2 = sample rate (Hz),
 *    repeated once per column (ACC has 3: x, y, z in 1/64 g); then one sample per line, read
 *    block by block through a line index (memory does not grow with the session length).
 *  - IBI: line 1 = "start, IBI"; then "t since start (s), IBI (s)" rows. Rows are missing where the
 *    device dropped beats, so times come from the file, never from running sums.
 *  - tags: one unix time per button press (possibly none). Tags carry no session start of their
 *    own: it is taken from a sibling sensor file when one can be opened, else the first tag.
 * A file is recognised by its name (the stem) and a unix time on line 1. E4 connect ends every
 * line with a line break: a last line without one is where a copy or download was cut, its value
 * perhaps cut too, so it is left out with a warning (a header line so cut refuses the file). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "device_readers.h"
#include "device_index.h"
#include "civil_time.h"
#include "device_util.h"

typedef enum e4_kind { E4_EDA, E4_BVP, E4_TEMP, E4_HR, E4_ACC, E4_IBI, E4_TAGS, E4_NONE } e4_kind;

static const struct {
    const char *stem, *unit;
    psy_channel_type type;
    int columns;
} e4_files[] = {
    {"EDA", "uS", PSY_CH_EDA, 1},     {"BVP", "", PSY_CH_PPG, 1},
    {"TEMP", "degC", PSY_CH_OTHER, 1}, {"HR", "bpm", PSY_CH_HR, 1},
    {"ACC", "1/64 g", PSY_CH_OTHER, 3}, {"IBI", "ms", PSY_CH_RR, 2}, {"tags", "", PSY_CH_OTHER, 0}};

/* Unix times an E4 session can have: 2000-01-01 .. 2100-01-01. */
static int is_unix_time(double t) { return t >= 946684800.0 && t < 4102444800.0; }

static e4_kind kind_from_name(const char *name)
{
    char stem[32];
    if (!psy_has_suffix_ci(name, ".csv")) return E4_NONE;
    dev_name_stem(name, stem, sizeof stem);
    for (int k = 0; k < E4_NONE; k++)
        if (psy_strieq(stem, e4_files[k].stem)) return (e4_kind)k;
    return E4_NONE;
}

/* Line 1 or 2 of a sensor file: `columns` equal numbers. 0 when not. */
static int same_numbers(const char *line, size_t len, int columns, double *value)
{
    dev_field f[4];
    if (dev_split(line, len, ',', f, 4) != (size_t)columns) return 0;
    for (int i = 0; i < columns; i++) {
        double v;
        if (!dev_parse_number(f[i].p, f[i].n, &v) || (i > 0 && v != *value)) return 0;
        *value = v;
    }
    return 1;
}

/* The session start of a sibling sensor file (for tags.csv), or 0 when none can be read. */
static int sibling_start(psy_source *src, double *start)
{
    static const char *const names[] = {"EDA.csv", "BVP.csv", "HR.csv", "TEMP.csv", "IBI.csv", "ACC.csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        psy_source *sib = NULL;
        if (psy_source_open_related(src, names[i], &sib) != PSY_OK) continue;
        char head[128];
        int64_t n = psy_source_read(sib, 0, head, sizeof head - 1);
        psy_source_close(sib);
        if (n <= 0) continue;
        dev_field f[1];
        size_t len = (size_t)n;
        char *nl = memchr(head, '\n', len);
        if (nl) len = (size_t)(nl - head);
        dev_split(head, len, ',', f, 1);
        if (dev_parse_number(f[0].p, f[0].n, start) && is_unix_time(*start)) return 1;
    }
    return 0;
}

typedef struct e4_state {
    dev_lines lr;
    e4_kind kind;
    psy_reader *r;
    dev_store *store; /* IBI: beats in memory (a few per second at most) */
    dev_index *index; /* sensor files: read block by block */
    double start, rate;
} e4_state;

static psy_status fail_line(psy_message *why, int64_t line, const char *what, const char *text, size_t n)
{
    char shown[40];
    psy_copy_field(shown, sizeof shown, text, n);
    return psy_fail(why, PSY_E_FORMAT, "line %lld: %s '%s'", (long long)line, what, shown);
}

/* IBI rows "t, ibi" (both s) → RR in ms at time t; gaps where beats were dropped are counted. */
static psy_status read_ibi(e4_state *s, psy_message *why)
{
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got;
    int64_t gaps = 0;
    double prev = -INFINITY;
    while ((got = dev_lines_next(&s->lr, &line, &len, &st, why)) == 1) {
        if (dev_is_blank(line, len)) continue;
        dev_field f[3];
        double t, ibi;
        if (dev_split(line, len, ',', f, 3) != 2)
            return fail_line(why, s->lr.line_no, "expected 'time, IBI', got", line, len);
        if (!dev_parse_number(f[0].p, f[0].n, &t))
            return fail_line(why, s->lr.line_no, "time is not a number:", f[0].p, f[0].n);
        if (!dev_parse_number(f[1].p, f[1].n, &ibi))
            return fail_line(why, s->lr.line_no, "IBI is not a number:", f[1].p, f[1].n);
        if (!(ibi > 0))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: IBI %g is not positive",
                            (long long)s->lr.line_no, ibi);
        if (!(t > prev))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: time %g is not after the previous %g",
                            (long long)s->lr.line_no, t, prev);
        if (prev > -INFINITY && t - prev > ibi + fmax(0.01, 0.05 * ibi)) gaps++;
        prev = t;
        if ((st = dev_store_push(s->store, 0, ibi * 1e3, t, why)) != PSY_OK) return st;
    }
    if (got < 0) return st;
    dev_lines_warn_cut(&s->lr, s->r);
    if (gaps)
        psy_reader_warn(s->r, "IBI: %lld gaps where the device dropped beats (times are from the file)",
                        (long long)gaps);
    return PSY_OK;
}

/* tags.csv: one unix time per line → events at (tag - start). */
static psy_status read_tags(e4_state *s, psy_source *src, psy_message *why)
{
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got, have_start = sibling_start(src, &s->start);
    if (!have_start)
        psy_reader_warn(s->r, "no sibling E4 sensor file gives the session start: tags are timed "
                              "from the first tag");
    while ((got = dev_lines_next(&s->lr, &line, &len, &st, why)) == 1) {
        if (dev_is_blank(line, len)) continue;
        double t;
        if (!dev_parse_number(line, len, &t) || !is_unix_time(t))
            return fail_line(why, s->lr.line_no, "not a unix time:", line, len);
        if (!have_start) {
            s->start = t;
            have_start = 1;
        }
        psy_event ev = {t - s->start, 0, "tag", "", PSY_EVENTS_MARKER, -1, -1, 0, 0, 0};
        if (psy_reader_add_event(s->r, &ev) != PSY_OK) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    if (got < 0) return st;
    dev_lines_warn_cut(&s->lr, s->r);
    if (have_start) {
        psy_datetime dt = psy_datetime_from_unix(s->start);
        psy_reader_set_start(s->r, &dt);
    }
    return PSY_OK;
}

/* Reads the two header lines of a sensor file (start, rate) or the IBI "start, IBI" line, where a
 * cut line refuses the file (DEV_CUT_REFUSE, set at open). */
static psy_status read_header(e4_state *s, int columns, psy_message *why)
{
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    int got = dev_lines_next(&s->lr, &line, &len, &st, why);
    if (got < 0) return st;
    if (got == 0) return psy_fail(why, PSY_E_TRUNCATED, "the file is empty: no start time on line 1");
    if (s->kind == E4_IBI) {
        dev_field f[3];
        if (dev_split(line, len, ',', f, 3) != 2 || !dev_parse_number(f[0].p, f[0].n, &s->start))
            return fail_line(why, 1, "expected 'start time, IBI', got", line, len);
    } else if (!same_numbers(line, len, columns, &s->start)) {
        return fail_line(why, 1, "start time is not a number (one per column):", line, len);
    }
    if (!is_unix_time(s->start))
        return psy_fail(why, PSY_E_FORMAT, "line 1: start time %g is not a unix time", s->start);
    if (s->kind != E4_IBI) {
        got = dev_lines_next(&s->lr, &line, &len, &st, why);
        if (got < 0) return st;
        if (got == 0) return psy_fail(why, PSY_E_TRUNCATED, "no sample rate on line 2");
        if (!same_numbers(line, len, columns, &s->rate))
            return fail_line(why, 2, "sample rate is not a number (one per column):", line, len);
        if (!(s->rate > 0) || s->rate > 1e6)
            return psy_fail(why, PSY_E_FORMAT, "line 2: sample rate %g Hz is not in (0, 1e6]", s->rate);
    }
    s->lr.cut = DEV_CUT_LEAVE_OUT; /* the body's cut last line is left out */
    return PSY_OK;
}

static psy_status add_channels(e4_state *s, const char *stem, psy_message *why)
{
    int columns = s->kind == E4_ACC ? 3 : 1;
    int64_t frames = s->index ? dev_index_frames(s->index) : s->store->ch[0].n;
    for (int c = 0; c < columns; c++) {
        psy_channel_info info = {0};
        if (s->kind == E4_ACC) snprintf(info.label, sizeof info.label, "ACC %c", "XYZ"[c]);
        else snprintf(info.label, sizeof info.label, "%s", s->kind == E4_NONE ? stem : e4_files[s->kind].stem);
        snprintf(info.file_unit, sizeof info.file_unit, "%s", s->kind == E4_NONE ? "" : e4_files[s->kind].unit);
        info.type = s->kind == E4_NONE ? PSY_CH_OTHER : e4_files[s->kind].type;
        info.rate_hz = s->kind == E4_IBI ? 0 : s->rate;
        info.frames = frames;
        info.physical_min = info.physical_max = NAN;
        if (psy_reader_add_channel(s->r, &info, s->kind == E4_NONE) < 0)
            return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    int64_t zeros = s->kind == E4_EDA ? dev_index_leading_zeros(s->index) : 0;
    if (zeros)
        psy_reader_warn(s->r, "EDA: the first %lld sample(s) are 0.0 uS (sensor settling, not "
                              "skin conductance)", (long long)zeros);
    if (frames == 0) psy_reader_warn(s->r, "no samples after the header");
    return PSY_OK;
}

psy_status psy_open_empatica(psy_source *src, int forced, psy_reader **out, psy_message *why)
{
    *out = NULL;
    const char *name = psy_source_name(src);
    e4_state s;
    memset(&s, 0, sizeof s);
    s.kind = kind_from_name(name);
    char stem[PSY_LABEL_SIZE];
    dev_name_stem(name, stem, sizeof stem);
    if (s.kind == E4_NONE && !forced) return PSY_E_UNKNOWN_FORMAT;
    /* Recognise by content before claiming: a unix time first (tags may be empty). */
    char head[256];
    int64_t n = psy_source_read(src, 0, head, sizeof head);
    if (n < 0) return forced ? psy_fail(why, PSY_E_IO, "cannot read the file") : PSY_E_UNKNOWN_FORMAT;
    if (!forced && s.kind != E4_TAGS) {
        dev_field f[1];
        size_t len = (size_t)n;
        char *nl = memchr(head, '\n', len);
        if (nl) len = (size_t)(nl - head);
        double t;
        dev_split(head, len, ',', f, 1);
        if (n == 0 || !dev_parse_number(f[0].p, f[0].n, &t) || !is_unix_time(t)) return PSY_E_UNKNOWN_FORMAT;
    }
    if (s.kind == E4_TAGS && !forced && n > 0) {
        double t;
        size_t len = (size_t)n;
        char *nl = memchr(head, '\n', len);
        if (nl) len = (size_t)(nl - head);
        if (!dev_parse_number(head, len, &t) || !is_unix_time(t)) return PSY_E_UNKNOWN_FORMAT;
    }

    psy_message local = {{0}};
    psy_status st = dev_lines_open(&s.lr, src, s.kind == E4_TAGS ? DEV_CUT_LEAVE_OUT : DEV_CUT_REFUSE);
    if (st != PSY_OK) return psy_fail(why, st, "out of memory");
    int columns = s.kind == E4_NONE ? 1 : e4_files[s.kind].columns;
    s.r = psy_reader_new("Empatica E4");
    if (s.kind == E4_IBI) s.store = dev_store_new(1, 1, dev_max_values(src));
    if (!s.r || (s.kind == E4_IBI && !s.store)) st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
    if (st == PSY_OK && s.kind == E4_TAGS) st = read_tags(&s, src, &local);
    if (st == PSY_OK && s.kind != E4_TAGS) st = read_header(&s, columns, &local);
    if (st == PSY_OK && s.kind == E4_IBI) st = read_ibi(&s, &local);
    else if (st == PSY_OK && s.kind != E4_TAGS)
    {
        dev_index_layout layout = {columns, ',', NULL, NULL};
        st = dev_index_build(src, dev_lines_tell(&s.lr), s.lr.line_no + 1, &layout, &s.index, &local);
    }
    if (st == PSY_OK && s.kind != E4_TAGS) {
        psy_datetime dt = psy_datetime_from_unix(s.start);
        psy_reader_set_start(s.r, &dt);
        st = add_channels(&s, stem, &local);
    }
    dev_lines_close(&s.lr);
    if (st == PSY_OK) {
        if (s.index) dev_index_attach(s.r, s.index);
        else if (s.store) dev_store_attach(s.r, s.store);
        s.index = NULL;
        s.store = NULL;
        if (psy_reader_finish(s.r) != PSY_OK) st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
    }
    dev_store_free(s.store);
    dev_index_free(s.index);
    if (st != PSY_OK) {
        psy_reader_discard(s.r);
        if (why) *why = local;
        return st;
    }
    psy_reader_adopt_source(s.r, src);
    *out = s.r;
    return PSY_OK;
}
