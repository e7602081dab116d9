/* Lines and fields of delimited text (RFC 4180 quoting; TSV, ';' and blank-separated too). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"
#include "text_lines.h"

#define TEXT_CHUNK 65536

psy_status text_lines_init(text_lines *tl, psy_source *src)
{
    memset(tl, 0, sizeof *tl);
    tl->src = src;
    tl->cap = 2 * TEXT_CHUNK;
    tl->buf = malloc(tl->cap);
    return tl->buf ? PSY_OK : PSY_E_NOMEM;
}

void text_lines_seek(text_lines *tl, int64_t offset, int64_t line_no)
{
    tl->start = tl->end = 0;
    tl->buf_offset = offset;
    tl->line_no = line_no - 1;
    tl->eof = 0;
}

void text_lines_free(text_lines *tl)
{
    free(tl->buf);
    tl->buf = NULL;
}

/* Appends the next chunk of the source to the buffer, compacting or growing it. */
static psy_status refill(text_lines *tl, psy_message *why)
{
    if (tl->start > 0) {
        memmove(tl->buf, tl->buf + tl->start, tl->end - tl->start);
        tl->buf_offset += (int64_t)tl->start;
        tl->end -= tl->start;
        tl->start = 0;
    }
    if (tl->cap - tl->end < TEXT_CHUNK) {
        if (tl->cap >= TEXT_MAX_LINE + TEXT_CHUNK)
            return psy_fail(why, PSY_E_FORMAT, "line %lld is longer than %u bytes",
                            (long long)tl->line_no + 1, TEXT_MAX_LINE);
        size_t cap = tl->cap * 2;
        char *p = realloc(tl->buf, cap);
        if (!p) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        tl->buf = p;
        tl->cap = cap;
    }
    int64_t got = psy_source_read(tl->src, tl->buf_offset + (int64_t)tl->end, tl->buf + tl->end,
                                  tl->cap - tl->end);
    if (got < 0) return psy_fail(why, PSY_E_IO, "read error after line %lld", (long long)tl->line_no);
    if (got == 0) tl->eof = 1;
    tl->end += (size_t)got;
    return PSY_OK;
}

psy_status text_lines_next(text_lines *tl, char **line, size_t *len, int64_t *offset, psy_message *why)
{
    size_t scanned = tl->start;
    for (;;) {
        char *nl = memchr(tl->buf + scanned, '\n', tl->end - scanned);
        if (nl || (tl->eof && tl->end > tl->start)) {
            size_t stop = nl ? (size_t)(nl - tl->buf) : tl->end;
            size_t n = stop - tl->start;
            if (n > TEXT_MAX_LINE)
                return psy_fail(why, PSY_E_FORMAT, "line %lld is longer than %u bytes",
                                (long long)tl->line_no + 1, TEXT_MAX_LINE);
            *line = tl->buf + tl->start;
            *offset = tl->buf_offset + (int64_t)tl->start;
            if (n && (*line)[n - 1] == '\r') n--;
            *len = n;
            tl->start = nl ? stop + 1 : stop;
            tl->line_no++;
            return PSY_OK;
        }
        if (tl->eof) {
            *line = NULL;
            *len = 0;
            *offset = tl->buf_offset + (int64_t)tl->end;
            return PSY_OK;
        }
        size_t done = tl->end - tl->start; /* bytes already searched, kept across the refill */
        psy_status st = refill(tl, why);
        if (st != PSY_OK) return st;
        scanned = tl->start + done;
    }
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

int text_split(char *line, size_t len, char delim, text_field *fields, int max)
{
    size_t i = 0;
    int count = 0;
    int blanks = delim == ' ';
    if (blanks) {
        while (i < len && is_blank(line[i])) i++;
        if (i == len) return 0;
    }
    for (;;) {
        while (i < len && line[i] == ' ' && delim != ' ') i++; /* blanks before a quote */
        char *start = line + i;
        size_t flen;
        if (i < len && line[i] == '"') {
            /* Quoted: unquote in place; "" is one quote. */
            size_t o = i, k = i + 1;
            start = line + o;
            while (k < len) {
                if (line[k] == '"') {
                    if (k + 1 < len && line[k + 1] == '"') {
                        line[o++] = '"';
                        k += 2;
                        continue;
                    }
                    k++;
                    break;
                }
                line[o++] = line[k++];
            }
            flen = o - i;
            i = k;
            while (i < len && line[i] != delim && !(blanks && is_blank(line[i]))) i++; /* junk after quote */
        } else {
            size_t k = i;
            while (k < len && line[k] != delim && !(blanks && is_blank(line[k]))) k++;
            flen = k - i;
            i = k;
        }
        while (flen && is_blank(start[flen - 1])) flen--;
        while (flen && is_blank(*start) && delim != '\t') start++, flen--;
        if (count < max) fields[count] = (text_field){start, flen};
        count++;
        if (i >= len) break;
        if (blanks) {
            while (i < len && is_blank(line[i])) i++;
            if (i == len) break; /* trailing blanks */
        } else {
            i++; /* the delimiter */
            if (i == len) { /* trailing delimiter: one more (empty) field */
                if (count < max) fields[count] = (text_field){line + len, 0};
                count++;
                break;
            }
        }
    }
    return count;
}

static int count_unquoted(const char *s, size_t n, char c)
{
    int count = 0, quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') quoted = !quoted;
        else if (s[i] == c && !quoted) count++;
    }
    return count;
}

static int count_words(const char *s, size_t n)
{
    int words = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_blank(s[i]) && (i == 0 || is_blank(s[i - 1]))) words++;
    return words;
}

char text_guess_delimiter(const char *l1, size_t n1, const char *l2, size_t n2)
{
    static const char cand[] = {'\t', ';', ','};
    char best = 0;
    int best_count = 0;
    for (size_t i = 0; i < sizeof cand; i++) {
        int a = count_unquoted(l1, n1, cand[i]);
        if (a == 0 || (l2 && count_unquoted(l2, n2, cand[i]) != a)) continue;
        if (a > best_count) best = cand[i], best_count = a;
    }
    if (best) return best;
    /* Blank-separated: both lines split into the same number (> 1) of words. */
    int w1 = count_words(l1, n1), w2 = l2 ? count_words(l2, n2) : w1;
    return w1 > 1 && w1 == w2 ? ' ' : ',';
}

int text_is_missing(const char *p, size_t len)
{
    static const char *const na[] = {"NA", "N/A", "NaN", "null", "-", ".", "#N/A", "None", NULL};
    while (len && is_blank(*p)) p++, len--;
    while (len && is_blank(p[len - 1])) len--;
    if (len == 0) return 1;
    if (len > 4) return 0;
    char low[8];
    for (size_t i = 0; i < len; i++) low[i] = p[i];
    low[len] = '\0';
    for (const char *const *m = na; *m; m++)
        if (psy_strieq(low, *m)) return 1;
    return 0;
}

void text_name_and_unit(const char *p, size_t len, char *name, size_t name_size, char *unit,
                        size_t unit_size)
{
    unit[0] = '\0';
    while (len && is_blank(p[len - 1])) len--;
    if (len >= 3 && (p[len - 1] == ')' || p[len - 1] == ']')) {
        char open = p[len - 1] == ')' ? '(' : '[';
        size_t k = len - 1;
        while (k > 0 && p[k - 1] != open) k--;
        if (k > 1) { /* a name before the bracket */
            psy_copy_field(unit, unit_size, p + k, len - 1 - k);
            len = k - 1;
        }
    }
    psy_copy_field(name, name_size, p, len);
}

size_t text_bom_length(const char *p, size_t len)
{
    return len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
                   (unsigned char)p[2] == 0xBF ? 3 : 0;
}

/* Exact powers of ten: every one up to 1e22 is a double without rounding. */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int text_parse_number(const char *p, size_t len, double *out)
{
    /* Clinger's fast path: a mantissa below 2^53 times or over an exact power of ten is one
     * correctly rounded operation, so the result equals strtod's. Anything else (long
     * mantissas, large exponents, odd syntax) goes to the general parser. */
    const char *s = p, *end = p + len;
    while (s < end && is_blank(*s)) s++;
    while (end > s && is_blank(end[-1])) end--;
    int neg = 0;
    if (s < end && (*s == '-' || *s == '+')) neg = *s++ == '-';
    uint64_t m = 0;
    int digits = 0, frac = 0, any = 0;
    while (s < end && *s >= '0' && *s <= '9') {
        if (m || *s != '0') digits++;
        m = m * 10 + (uint64_t)(*s++ - '0');
        any = 1;
        if (digits > 18) return psy_parse_double(p, len, out);
    }
    if (s < end && *s == '.') {
        s++;
        while (s < end && *s >= '0' && *s <= '9') {
            if (m || *s != '0') digits++;
            m = m * 10 + (uint64_t)(*s++ - '0');
            frac++;
            any = 1;
            if (digits > 18) return psy_parse_double(p, len, out);
        }
    }
    if (!any) return 0;
    int exp10 = 0;
    if (s < end && (*s == 'e' || *s == 'E')) {
        s++;
        int eneg = 0, edigits = 0;
        if (s < end && (*s == '-' || *s == '+')) eneg = *s++ == '-';
        while (s < end && *s >= '0' && *s <= '9' && edigits < 5) exp10 = exp10 * 10 + (*s++ - '0'), edigits++;
        if (!edigits) return 0;
        if (s < end && *s >= '0' && *s <= '9') return psy_parse_double(p, len, out);
        if (eneg) exp10 = -exp10;
    }
    if (s != end) return 0;
    int e = exp10 - frac;
    if (m > ((uint64_t)1 << 53) || e < -22 || e > 22) return psy_parse_double(p, len, out);
    double v = (double)m;
    v = e < 0 ? v / pow10_exact[-e] : v * pow10_exact[e];
    *out = neg ? -v : v;
    return 1;
}
