/* WFDB header (.hea) parsing. Field syntax from header(5) of the WFDB Programmer's Guide:
 *   record line: name[/nseg] nsig [freq[/counterfreq[(basecounter)]] [nsamp [basetime [basedate]]]]
 *   signal line: file format[xspf][:skew][+offset] [gain[(baseline)][/units] [adcres [adczero
 *                [initval [checksum [blocksize [description]]]]]]]
 * '#' starts a comment line; blank lines are ignored. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "wfdb_header.h"
#include "wfdb_signal.h"

#define WARN(r, ...)                                                                                         \
    do {                                                                                                     \
        if (r) psy_reader_warn(r, __VA_ARGS__);                                                              \
    } while (0)
#define MAX_HEADER_BYTES (16 << 20)

typedef struct field {
    const char *p;
    size_t n;
} field;

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Next whitespace-separated field of line [*pos, end); n == 0 when none is left. */
static field next_field(const char *line, size_t end, size_t *pos)
{
    size_t i = *pos;
    while (i < end && is_space(line[i])) i++;
    size_t start = i;
    while (i < end && !is_space(line[i])) i++;
    *pos = i;
    return (field){line + start, i - start};
}

static int parse_int_field(const char *p, size_t n, int64_t *out) { return n && psy_parse_int64(p, n, out); }

/* Shows a field in a message: at most 40 bytes. */
#define SHOW(f) (int)((f).n < 40 ? (f).n : 40), (f).p

static const char *find_char(const char *p, size_t n, char c) { return n ? memchr(p, c, n) : NULL; }

/* "freq[/counterfreq[(basecounter)]]" */
static psy_status parse_frequency(field f, wfdb_header *h, psy_message *why)
{
    const char *slash = find_char(f.p, f.n, '/');
    size_t freq_len = slash ? (size_t)(slash - f.p) : f.n;
    double v;
    if (!psy_parse_double(f.p, freq_len, &v))
        return psy_fail(why, PSY_E_FORMAT, "sampling frequency '%.*s' is not a number", SHOW(f));
    if (!(v > 0) || v > 1e12)
        return psy_fail(why, PSY_E_FORMAT, "sampling frequency '%.*s' must be positive", SHOW(f));
    h->frame_rate = v;
    h->counter_rate = v;
    if (!slash) return PSY_OK;
    const char *rest = slash + 1;
    size_t rest_len = f.n - freq_len - 1;
    const char *paren = find_char(rest, rest_len, '(');
    size_t cf_len = paren ? (size_t)(paren - rest) : rest_len;
    if (!psy_parse_double(rest, cf_len, &v) || !(v > 0))
        return psy_fail(why, PSY_E_FORMAT, "counter frequency in '%.*s' is not a positive number", SHOW(f));
    h->counter_rate = v;
    if (paren) {
        size_t bc_len = rest_len - cf_len - 1;
        if (!bc_len || paren[bc_len] != ')' || !psy_parse_double(paren + 1, bc_len - 1, &v))
            return psy_fail(why, PSY_E_FORMAT, "base counter in '%.*s' is malformed", SHOW(f));
        h->base_counter = v;
    }
    return PSY_OK;
}

/* "hh:mm:ss[.sss]" (also "mm:ss" or "ss"), WFDB's strtim form of an absolute time. */
static int parse_base_time(field f, psy_datetime *t)
{
    int64_t part[3] = {0, 0, 0};
    int nparts = 0;
    size_t i = 0;
    double seconds = 0;
    while (i <= f.n && nparts < 3) {
        size_t j = i;
        while (j < f.n && f.p[j] != ':') j++;
        if (j < f.n) { /* an hour or minute field */
            if (!parse_int_field(f.p + i, j - i, &part[nparts]) || part[nparts] < 0) return 0;
            nparts++;
            i = j + 1;
        } else {
            if (!psy_parse_double(f.p + i, j - i, &seconds) || seconds < 0 || seconds >= 60) return 0;
            break;
        }
    }
    if (nparts > 2) return 0;
    int64_t hour = nparts == 2 ? part[0] : 0, minute = nparts == 2 ? part[1] : nparts == 1 ? part[0] : 0;
    if (hour > 23 || minute > 59) return 0;
    t->hour = (int)hour;
    t->minute = (int)minute;
    t->second = (int)seconds;
    t->nanosecond = (int64_t)llround((seconds - floor(seconds)) * 1e9);
    if (t->nanosecond >= 1000000000) t->nanosecond = 999999999;
    return 1;
}

/* "dd/mm/yyyy", a date that exists */
static int parse_base_date(field f, psy_datetime *t)
{
    int64_t v[3];
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        size_t j = i;
        while (j < f.n && f.p[j] != '/') j++;
        if ((k < 2 && j >= f.n) || !parse_int_field(f.p + i, j - i, &v[k])) return 0;
        i = j + 1;
    }
    if (v[0] < 1 || v[0] > 31 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 9999 ||
        !psy_civil_date_exists(v[2], (int)v[1], (int)v[0]))
        return 0;
    t->day = (int)v[0];
    t->month = (int)v[1];
    t->year = (int)v[2];
    return 1;
}

static psy_status parse_record_line(const char *line, size_t end, wfdb_header *h, psy_reader *warn_to,
                                    psy_message *why)
{
    size_t pos = 0;
    field name = next_field(line, end, &pos);
    const char *slash = find_char(name.p, name.n, '/');
    if (slash)
        return psy_fail(why, PSY_E_UNSUPPORTED,
                        "multi-segment WFDB record '%.*s' is not supported; open its segments", SHOW(name));
    psy_copy_field(h->record, sizeof h->record, name.p, name.n);
    field nsig = next_field(line, end, &pos);
    int64_t v;
    if (!nsig.n) return psy_fail(why, PSY_E_FORMAT, "record line has no number of signals");
    if (!parse_int_field(nsig.p, nsig.n, &v))
        return psy_fail(why, PSY_E_FORMAT, "number of signals '%.*s' is not a whole number", SHOW(nsig));
    if (v < 0 || v > 1000000)
        return psy_fail(why, PSY_E_FORMAT, "number of signals %lld is out of range", (long long)v);
    h->nsig = (int)v;
    h->frame_rate = h->counter_rate = 250; /* header(5): the default frequency */
    field freq = next_field(line, end, &pos);
    if (!freq.n) return PSY_OK; /* the reader says what it assumed */
    h->has_frequency = 1;
    psy_status st = parse_frequency(freq, h, why);
    if (st != PSY_OK) return st;
    field nsamp = next_field(line, end, &pos);
    if (!nsamp.n) return PSY_OK;
    if (!parse_int_field(nsamp.p, nsamp.n, &v) || v < 0)
        return psy_fail(why, PSY_E_FORMAT, "number of samples per signal '%.*s' is not a whole number >= 0",
                        SHOW(nsamp));
    h->nframes = v;
    field btime = next_field(line, end, &pos);
    if (!btime.n) return PSY_OK;
    if (btime.p[0] == '[') { /* "[hh:mm:ss dd/mm/yyyy]" is also written by some tools */
        btime.p++;
        btime.n--;
    }
    psy_datetime t = {0};
    if (!parse_base_time(btime, &t)) {
        WARN(warn_to, "WFDB base time '%.*s' is malformed and was ignored", SHOW(btime));
        return PSY_OK;
    }
    h->has_base_time = 1;
    field bdate = next_field(line, end, &pos);
    if (bdate.n && bdate.p[bdate.n - 1] == ']') bdate.n--;
    if (bdate.n) {
        if (parse_base_date(bdate, &t))
            t.known = 1;
        else
            WARN(warn_to, "WFDB base date '%.*s' is malformed and was ignored", SHOW(bdate));
    }
    h->start = t;
    return PSY_OK;
}

/* "format[xspf][:skew][+offset]": the suffixes may come in any order. */
static psy_status parse_format(field f, int index, wfdb_signal *s, psy_message *why)
{
    size_t i = 0;
    while (i < f.n && f.p[i] >= '0' && f.p[i] <= '9') i++;
    int64_t v;
    if (!parse_int_field(f.p, i, &v))
        return psy_fail(why, PSY_E_FORMAT, "signal %d: format '%.*s' is not a number", index, SHOW(f));
    if (!wfdb_format_supported((int)(v > 100000 ? 100000 : v)))
        return psy_fail(why, PSY_E_UNSUPPORTED, "signal %d: WFDB signal format %lld is not supported", index,
                        (long long)v);
    s->format = (int)v;
    while (i < f.n) {
        char tag = f.p[i++];
        size_t j = i;
        while (j < f.n && f.p[j] != 'x' && f.p[j] != ':' && f.p[j] != '+') j++;
        if (!parse_int_field(f.p + i, j - i, &v))
            return psy_fail(why, PSY_E_FORMAT, "signal %d: format field '%.*s' is malformed", index, SHOW(f));
        if (tag == 'x') {
            if (v < 1 || v > 1000000)
                return psy_fail(why, PSY_E_FORMAT, "signal %d: samples per frame %lld out of range", index,
                                (long long)v);
            s->spf = (int)v;
        } else if (tag == ':') {
            if (v < -1000000000LL || v > 1000000000LL)
                return psy_fail(why, PSY_E_FORMAT, "signal %d: skew %lld out of range", index, (long long)v);
            s->skew = (int)v;
        } else if (tag == '+') {
            if (v < 0) return psy_fail(why, PSY_E_FORMAT, "signal %d: byte offset is negative", index);
            s->byte_offset = v;
        } else {
            return psy_fail(why, PSY_E_FORMAT, "signal %d: format field '%.*s' is malformed", index, SHOW(f));
        }
        i = j;
    }
    return PSY_OK;
}

/* "gain[(baseline)][/units]" */
static psy_status parse_gain(field f, int index, wfdb_signal *s, int *baseline_given, psy_reader *warn_to,
                             psy_message *why)
{
    const char *slash = find_char(f.p, f.n, '/');
    size_t head = slash ? (size_t)(slash - f.p) : f.n;
    const char *paren = find_char(f.p, head, '(');
    size_t gain_len = paren ? (size_t)(paren - f.p) : head;
    double g;
    if (!psy_parse_double(f.p, gain_len, &g))
        return psy_fail(why, PSY_E_FORMAT, "signal %d: gain '%.*s' is not a number", index, SHOW(f));
    if (paren) {
        size_t blen = head - gain_len - 1;
        int64_t b;
        if (!blen || paren[blen] != ')' || !parse_int_field(paren + 1, blen - 1, &b))
            return psy_fail(why, PSY_E_FORMAT, "signal %d: baseline in '%.*s' is malformed", index, SHOW(f));
        s->baseline = (double)b;
        *baseline_given = 1;
    }
    if (slash && f.n > head + 1) {
        if (psy_copy_field(s->units, sizeof s->units, slash + 1, f.n - head - 1))
            WARN(warn_to, "WFDB signal %d: units hold bytes that are not UTF-8 (shown as '?')", index);
    }
    if (g == 0) {
        WARN(warn_to, "WFDB signal %d is uncalibrated (gain 0): the default gain 200 adu/unit is used",
             index);
        g = 200; /* header(5): WFDB_DEFGAIN */
    }
    s->gain = g;
    return PSY_OK;
}

static psy_status parse_signal_line(const char *line, size_t end, int index, wfdb_signal *s,
                                    psy_reader *warn_to, psy_message *why)
{
    size_t pos = 0;
    field file = next_field(line, end, &pos);
    if (file.n >= WFDB_NAME_SIZE)
        return psy_fail(why, PSY_E_FORMAT, "signal %d: file name is longer than %d bytes", index,
                        WFDB_NAME_SIZE - 1);
    memcpy(s->file, file.p, file.n);
    s->file[file.n] = '\0';
    if (strchr(s->file, '/') || strchr(s->file, '\\'))
        return psy_fail(why, PSY_E_FORMAT,
                        "signal %d: file name '%s' has a directory part; only bare names are read", index,
                        s->file);
    if (strcmp(s->file, "-") == 0)
        return psy_fail(why, PSY_E_UNSUPPORTED, "signal %d: standard input as a signal file is not supported",
                        index);
    field fmt = next_field(line, end, &pos);
    if (!fmt.n) return psy_fail(why, PSY_E_FORMAT, "signal %d: no format", index);
    s->spf = 1;
    psy_status st = parse_format(fmt, index, s, why);
    if (st != PSY_OK) return st;
    strcpy(s->units, "mV");
    s->gain = 200;
    s->adc_resolution = wfdb_format_default_bits(s->format);
    int baseline_given = 0;
    field f = next_field(line, end, &pos);
    int64_t v;
    if (f.n) {
        if ((st = parse_gain(f, index, s, &baseline_given, warn_to, why)) != PSY_OK) return st;
        f = next_field(line, end, &pos);
    } else {
        WARN(warn_to, "WFDB signal %d has no gain: the default gain 200 adu/mV is used", index);
    }
    if (f.n) {
        if (!parse_int_field(f.p, f.n, &v) || v < 0 || v > 32)
            return psy_fail(why, PSY_E_FORMAT, "signal %d: ADC resolution '%.*s' is not 0..32 bits", index,
                            SHOW(f));
        if (v > 0) s->adc_resolution = (int)v;
        f = next_field(line, end, &pos);
    }
    if (f.n) {
        if (!parse_int_field(f.p, f.n, &v))
            return psy_fail(why, PSY_E_FORMAT, "signal %d: ADC zero '%.*s' is not a whole number", index,
                            SHOW(f));
        s->adc_zero = v;
        f = next_field(line, end, &pos);
    }
    s->initial_value = s->adc_zero;
    if (f.n) {
        if (!parse_int_field(f.p, f.n, &v))
            return psy_fail(why, PSY_E_FORMAT, "signal %d: initial value '%.*s' is not a whole number", index,
                            SHOW(f));
        s->initial_value = v;
        f = next_field(line, end, &pos);
    }
    if (f.n) {
        if (!parse_int_field(f.p, f.n, &v))
            return psy_fail(why, PSY_E_FORMAT, "signal %d: checksum '%.*s' is not a whole number", index,
                            SHOW(f));
        s->has_checksum = 1;
        s->checksum = (int)(int16_t)(uint16_t)(v & 0xFFFF);
        f = next_field(line, end, &pos);
    }
    if (f.n) {
        if (!parse_int_field(f.p, f.n, &v) || v < 0)
            return psy_fail(why, PSY_E_FORMAT, "signal %d: block size '%.*s' is not a whole number >= 0",
                            index, SHOW(f));
    }
    /* the description is the rest of the line, spaces included */
    while (pos < end && is_space(line[pos])) pos++;
    if (psy_copy_field(s->description, sizeof s->description, line + pos, end - pos))
        WARN(warn_to, "WFDB signal %d: description holds bytes that are not UTF-8 (shown as '?')", index);
    if (!baseline_given) s->baseline = (double)s->adc_zero;
    return PSY_OK;
}

/* The next line that is not blank or a comment: [*start, *end) of text; 0 when none is left. */
static int next_line(const char *text, size_t len, size_t *pos, size_t *start, size_t *end)
{
    while (*pos < len) {
        size_t s = *pos, e = s;
        while (e < len && text[e] != '\n') e++;
        *pos = e < len ? e + 1 : e;
        size_t k = s;
        while (k < e && is_space(text[k])) k++;
        if (k == e || text[k] == '#') continue;
        *start = k;
        *end = e;
        return 1;
    }
    return 0;
}

psy_status wfdb_header_parse(const char *text, size_t len, wfdb_header *h, psy_reader *warn_to,
                             psy_message *why)
{
    memset(h, 0, sizeof *h);
    if (memchr(text, '\0', len)) return psy_fail(why, PSY_E_FORMAT, "WFDB header holds a NUL byte: not text");
    size_t pos = 0, s, e;
    if (!next_line(text, len, &pos, &s, &e))
        return psy_fail(why, PSY_E_FORMAT, "WFDB header has no record line");
    psy_status st = parse_record_line(text + s, e - s, h, warn_to, why);
    if (st != PSY_OK) return st;
    /* count the signal lines before allocating, so a lying nsig cannot make us allocate */
    size_t count_pos = pos;
    int lines = 0;
    while (lines < h->nsig && next_line(text, len, &count_pos, &s, &e)) lines++;
    if (lines < h->nsig)
        return psy_fail(why, PSY_E_FORMAT,
                        "record line declares %d signals but the header has %d signal lines", h->nsig, lines);
    if (h->nsig <= 0) return PSY_OK;
    h->sig = calloc((size_t)(unsigned)h->nsig, sizeof *h->sig);
    if (!h->sig) return psy_fail(why, PSY_E_NOMEM, "out of memory for %d signals", h->nsig);
    for (int i = 0; i < h->nsig; i++) {
        next_line(text, len, &pos, &s, &e);
        st = parse_signal_line(text + s, e - s, i, &h->sig[i], warn_to, why);
        if (st != PSY_OK) {
            wfdb_header_free(h);
            return st;
        }
    }
    return PSY_OK;
}

psy_status wfdb_header_read(psy_source *src, wfdb_header *h, psy_reader *warn_to, psy_message *why)
{
    memset(h, 0, sizeof *h);
    int64_t size = psy_source_size(src);
    if (size < 0) return psy_fail(why, PSY_E_IO, "cannot tell the size of the WFDB header");
    if (size == 0) return psy_fail(why, PSY_E_FORMAT, "the WFDB header is empty");
    if (size > MAX_HEADER_BYTES)
        return psy_fail(why, PSY_E_FORMAT, "WFDB header of %lld bytes is implausibly large", (long long)size);
    size_t n = (size_t)size & (MAX_HEADER_BYTES * 2 - 1); /* the mask tells the compiler the bound */
    char *text = malloc(n);
    if (!text) return psy_fail(why, PSY_E_NOMEM, "out of memory for the WFDB header");
    psy_status st = psy_source_read_exact(src, 0, text, n);
    if (st != PSY_OK) {
        free(text);
        return psy_fail(why, st, "cannot read the WFDB header");
    }
    st = wfdb_header_parse(text, n, h, warn_to, why);
    free(text);
    return st;
}

void wfdb_header_free(wfdb_header *h)
{
    if (!h) return;
    free(h->sig);
    h->sig = NULL;
}
