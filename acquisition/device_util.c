/* Helpers shared by the device-export readers: see device_util.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "device_util.h"

/* ---- lines ---------------------------------------------------------------------------- */

psy_status dev_lines_open(dev_lines *lr, psy_source *src, dev_cut_rule cut)
{
    memset(lr, 0, sizeof *lr);
    lr->src = src;
    lr->cut = cut;
    lr->buf = malloc(DEV_MAX_LINE);
    return lr->buf ? PSY_OK : PSY_E_NOMEM;
}

void dev_lines_close(dev_lines *lr)
{
    free(lr->buf);
    lr->buf = NULL;
}

int64_t dev_lines_tell(const dev_lines *lr) { return lr->pos - (int64_t)(lr->len - lr->off); }

void dev_lines_seek(dev_lines *lr, int64_t offset, int64_t next_line_no)
{
    lr->pos = offset;
    lr->len = lr->off = 0;
    lr->eof = 0;
    lr->line_no = next_line_no - 1;
}

/* Moves the unread bytes to the front and fills the rest of the buffer. */
static psy_status refill(dev_lines *lr)
{
    size_t keep = lr->len - lr->off;
    memmove(lr->buf, lr->buf + lr->off, keep);
    lr->len = keep;
    lr->off = 0;
    int64_t got = psy_source_read(lr->src, lr->pos, lr->buf + keep, DEV_MAX_LINE - keep);
    if (got < 0) return PSY_E_IO;
    if (got == 0) lr->eof = 1;
    lr->len += (size_t)got;
    lr->pos += got;
    return PSY_OK;
}

/* A line that ends the file without its end-of-line, under lr->cut: 1 to return it, 0 when it
 * is left out (the end), -1 when it refuses the file. */
static int take_unterminated(dev_lines *lr, const char *line, size_t len, psy_status *st, psy_message *why)
{
    if (lr->cut == DEV_CUT_KEEP || dev_is_blank(line, len)) return 1;
    if (lr->cut == DEV_CUT_LEAVE_OUT) {
        lr->cut_line = lr->line_no;
        return 0;
    }
    *st = psy_fail(why, PSY_E_TRUNCATED, "line %lld does not end with a line break: the file was cut in its header",
                   (long long)lr->line_no);
    return -1;
}

int dev_lines_next(dev_lines *lr, const char **line, size_t *len, psy_status *st, psy_message *why)
{
    for (;;) {
        char *start = lr->buf + lr->off;
        size_t avail = lr->len - lr->off;
        char *nl = memchr(start, '\n', avail);
        if (nl || (lr->eof && avail)) {
            size_t n = nl ? (size_t)(nl - start) : avail;
            lr->off += nl ? n + 1 : n;
            if (n && start[n - 1] == '\r') n--;
            lr->line_no++;
            if (lr->line_no == 1 && n >= 3 && memcmp(start, "\xEF\xBB\xBF", 3) == 0) {
                start += 3;
                n -= 3;
            }
            *line = start;
            *len = n;
            return nl ? 1 : take_unterminated(lr, start, n, st, why);
        }
        if (lr->eof) return 0;
        if (avail == DEV_MAX_LINE) {
            *st = psy_fail(why, PSY_E_FORMAT, "line %lld is longer than %d bytes",
                           (long long)lr->line_no + 1, DEV_MAX_LINE);
            return -1;
        }
        if (refill(lr) != PSY_OK) {
            *st = psy_fail(why, PSY_E_IO, "cannot read the file");
            return -1;
        }
    }
}

void dev_lines_warn_cut(const dev_lines *lr, psy_reader *r)
{
    if (lr->cut_line)
        psy_reader_warn(r, "the last line (%lld) does not end with a line break: the file was cut (an export or "
                           "copy that did not finish), that line is left out", (long long)lr->cut_line);
}

static int is_blank_char(char c) { return c == ' ' || c == '\t'; }

int dev_is_blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank_char(line[i]) && line[i] != '\r') return 0;
    return 1;
}

size_t dev_split(const char *line, size_t len, char delim, dev_field *out, size_t max)
{
    size_t count = 0, i = 0;
    if (delim == ' ') {
        for (;;) {
            while (i < len && is_blank_char(line[i])) i++;
            if (i == len) return count;
            size_t b = i;
            while (i < len && !is_blank_char(line[i])) i++;
            if (count < max) out[count] = (dev_field){line + b, i - b};
            count++;
        }
    }
    for (size_t b = 0;; i++) {
        if (i == len || line[i] == delim) {
            if (count < max) out[count] = (dev_field){line + b, i - b};
            count++;
            b = i + 1;
            if (i == len) return count;
        }
    }
}

void dev_name_stem(const char *name, char *dst, size_t dst_size)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    size_t n = dot ? (size_t)(dot - base) : strlen(base);
    psy_copy_field(dst, dst_size, base, n);
}

/* ---- in-memory channels --------------------------------------------------------------- */

int64_t dev_max_values(psy_source *src)
{
    int64_t size = psy_source_size(src);
    return size > 0 ? size / 2 + 1 : INT64_MAX;
}

dev_store *dev_store_new(int n_channels, int irregular, int64_t max_values)
{
    dev_store *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->max_values = max_values;
    for (int i = 0; i < n_channels; i++)
        if (dev_store_add_series(s, irregular) < 0) {
            dev_store_free(s);
            return NULL;
        }
    return s;
}

int dev_store_add_series(dev_store *s, int irregular)
{
    dev_series *p = realloc(s->ch, ((size_t)s->n_channels + 1) * sizeof *p);
    if (!p) return -1;
    s->ch = p;
    p[s->n_channels] = (dev_series){NULL, NULL, 0, 0};
    if (irregular) p[s->n_channels].times = malloc(sizeof(double)); /* marks irregular */
    if (irregular && !p[s->n_channels].times) return -1;
    return s->n_channels++;
}

void dev_store_free(dev_store *s)
{
    if (!s) return;
    for (int i = 0; i < s->n_channels; i++) {
        free(s->ch[i].values);
        free(s->ch[i].times);
    }
    free(s->ch);
    free(s);
}

psy_status dev_store_push(dev_store *s, int ch, double value, double time_s, psy_message *why)
{
    dev_series *c = &s->ch[ch];
    if (s->total >= s->max_values)
        return psy_fail(why, PSY_E_FORMAT, "more values than the file size allows");
    if (c->n == c->cap) {
        int64_t cap = c->cap ? c->cap * 2 : 1024;
        if (cap > s->max_values) cap = s->max_values;
        if (cap <= c->n) cap = c->n + 1;
        double *v = realloc(c->values, (size_t)cap * sizeof *v);
        if (!v) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        c->values = v;
        if (c->times) {
            double *t = realloc(c->times, (size_t)cap * sizeof *t);
            if (!t) return psy_fail(why, PSY_E_NOMEM, "out of memory");
            c->times = t;
        }
        c->cap = cap;
    }
    c->values[c->n] = value;
    if (c->times) c->times[c->n] = time_s;
    c->n++;
    s->total++;
    return PSY_OK;
}

static psy_status store_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    const dev_store *s = impl;
    memcpy(out, s->ch[ch].values + start, (size_t)n * sizeof *out);
    return PSY_OK;
}

static psy_status store_read_times(void *impl, int ch, int64_t start, int64_t n, double *out_s)
{
    const dev_store *s = impl;
    if (!s->ch[ch].times) return PSY_E_INVALID;
    memcpy(out_s, s->ch[ch].times + start, (size_t)n * sizeof *out_s);
    return PSY_OK;
}

static void store_destroy(void *impl) { dev_store_free(impl); }

static const psy_reader_ops store_ops = {store_read, store_read_times, store_destroy};

void dev_store_attach(psy_reader *r, dev_store *s) { psy_reader_set_impl(r, &store_ops, s); }

/* ---- numbers and time ----------------------------------------------------------------- */

int dev_parse_number(const char *text, size_t len, double *out)
{
    static const double pow10[16] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = 0, n = len;
    while (i < n && (text[i] == ' ' || text[i] == '\t')) i++;
    while (n > i && (text[n - 1] == ' ' || text[n - 1] == '\t')) n--;
    int neg = 0;
    if (i < n && (text[i] == '-' || text[i] == '+')) neg = text[i++] == '-';
    uint64_t m = 0;
    int digits = 0, frac = -1;
    for (; i < n; i++) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            m = m * 10 + (uint64_t)(c - '0');
            digits++;
            if (frac >= 0) frac++;
        } else if (c == '.' && frac < 0) {
            frac = 0;
        } else {
            break;
        }
    }
    if (i != n || digits == 0 || digits > 15) return psy_parse_double(text, len, out);
    double v = (double)m;
    if (frac > 0) v /= pow10[frac];
    *out = neg ? -v : v;
    return 1;
}

/* Rearranges v so that v[k] is the k-th smallest, smaller ones before it, larger after
 * (Hoare's selection with a median-of-three pivot: linear on average, unlike a full sort). */
static void select_kth(double *v, int64_t n, int64_t k)
{
    int64_t lo = 0, hi = n - 1;
    while (hi > lo) {
        int64_t mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                double t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return;
    }
}

double dev_median(const double *v, int64_t n, int *ok)
{
    *ok = 0;
    if (n <= 0) return 0;
    double *copy = malloc((size_t)n * sizeof *copy);
    if (!copy) return 0;
    memcpy(copy, v, (size_t)n * sizeof *copy);
    select_kth(copy, n, n / 2);
    double m = copy[n / 2];
    if (n % 2 == 0) { /* the lower middle is the largest of the lower part */
        double below = copy[0];
        for (int64_t i = 1; i < n / 2; i++)
            if (copy[i] > below) below = copy[i];
        m = 0.5 * (below + m);
    }
    free(copy);
    *ok = 1;
    return m;
}

static int digits(const char *s, size_t n, size_t at, size_t count, int *out)
{
    if (at + count > n) return 0;
    int v = 0;
    for (size_t i = 0; i < count; i++) {
        char c = s[at + i];
        if (c < '0' || c > '9') return 0;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 1;
}

int dev_parse_iso8601(const char *s, size_t n, psy_datetime *civil, int64_t *unix_ns)
{
    int y, mo, d, h, mi, se;
    if (!digits(s, n, 0, 4, &y) || n < 19 || s[4] != '-' || !digits(s, n, 5, 2, &mo) ||
        s[7] != '-' || !digits(s, n, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
        !digits(s, n, 11, 2, &h) || s[13] != ':' || !digits(s, n, 14, 2, &mi) || s[16] != ':' ||
        !digits(s, n, 17, 2, &se))
        return 0;
    if (y < 1678 || y > 2261 || !psy_civil_date_exists(y, mo, d) || h > 23 || mi > 59 || se > 60) return 0;
    size_t i = 19;
    int64_t ns = 0;
    if (i < n && (s[i] == '.' || s[i] == ',')) { /* ISO 8601 allows either decimal sign */
        i++;
        int64_t scale = 100000000;
        size_t start = i;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            ns += (s[i] - '0') * scale;
            scale /= 10;
        }
        if (i == start) return 0;
    }
    int offset_min = 0, zone = 0;
    if (i < n && s[i] == 'Z') {
        i++;
        zone = 1;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) { /* ±hh:mm, ±hhmm or ±hh */
        int oh, om = 0;
        size_t at = i + 3;
        if (!digits(s, n, i + 1, 2, &oh)) return 0;
        int colon = at < n && s[at] == ':';
        if (at < n) {
            if (!digits(s, n, at + (size_t)colon, 2, &om)) return 0;
            at += (size_t)colon + 2;
        }
        if (oh > 23 || om > 59) return 0;
        offset_min = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
        i = at;
        zone = 1;
    }
    if (i != n) return 0;
    /* a leap second ends a UTC day: 23:59:60 UTC, on a wall clock of unknown zone some hh:59:60 */
    if (se == 60 && (zone ? ((h * 60 + mi - offset_min) % 1440 + 1440) % 1440 != 1439 : mi != 59)) return 0;
    *civil = (psy_datetime){1, y, mo, d, h, mi, se, ns, zone, offset_min};
    int64_t secs = psy_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset_min * 60;
    *unix_ns = secs * 1000000000 + ns;
    return 1;
}
