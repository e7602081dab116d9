/* Small helpers shared by the format readers: locale-independent numbers, checked size
 * arithmetic, header field copies, case-insensitive comparisons. */
#include <ctype.h>
#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

int psy_mul_i64(int64_t a, int64_t b, int64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

int psy_add_i64(int64_t a, int64_t b, int64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

static void trim(const char **text, size_t *len)
{
    while (*len && (isspace((unsigned char)**text) || **text == '\0')) {
        (*text)++;
        (*len)--;
    }
    while (*len && (isspace((unsigned char)(*text)[*len - 1]) || (*text)[*len - 1] == '\0'))
        (*len)--;
}

/* Accepts [+-]digits[.digits][(e|E)[+-]digits] with at least one digit in the mantissa. */
static int is_decimal_syntax(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i])) i++, digits++;
    }
    if (!digits) return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t exp_digits = 0;
        while (i < n && isdigit((unsigned char)s[i])) i++, exp_digits++;
        if (!exp_digits) return 0;
    }
    return i == n;
}

int psy_parse_double(const char *text, size_t len, double *out)
{
    if (!text) return 0;
    trim(&text, &len);
    if (!len || len > 63 || !is_decimal_syntax(text, len)) return 0;
    char buf[64];
    memcpy(buf, text, len);
    buf[len] = '\0';
    /* strtod follows the C locale's decimal point; swap '.' for it if a caller changed it
     * (nl_langinfo, unlike localeconv, writes no shared buffer: safe in threads). */
    const char *dp = nl_langinfo(RADIXCHAR);
    if (dp && dp[0] && dp[0] != '.' && !dp[1]) {
        char *dot = strchr(buf, '.');
        if (dot) *dot = dp[0];
    }
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

int psy_parse_int64(const char *text, size_t len, int64_t *out)
{
    if (!text) return 0;
    trim(&text, &len);
    size_t i = 0;
    int neg = 0;
    if (i < len && (text[i] == '+' || text[i] == '-')) neg = text[i++] == '-';
    if (i == len) return 0;
    int64_t v = 0;
    for (; i < len; i++) {
        if (!isdigit((unsigned char)text[i])) return 0;
        int d = text[i] - '0';
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, neg ? -d : d, &v))
            return 0;
    }
    *out = v;
    return 1;
}

/* Length of the valid UTF-8 sequence at s (max n bytes), or 0 when invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    size_t need;
    if (s[0] < 0x80) return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) need = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) need = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) need = 4;
    else return 0;
    if (need > n) return 0;
    for (size_t k = 1; k < need; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    return need;
}

int psy_copy_field(char *dst, size_t dst_size, const char *src, size_t len)
{
    if (!dst || !dst_size) return 0;
    trim(&src, &len);
    size_t o = 0;
    int replaced = 0;
    for (size_t i = 0; i < len && o + 1 < dst_size;) {
        const unsigned char *p = (const unsigned char *)src + i;
        size_t k = utf8_sequence(p, len - i);
        if (k == 0 || (k == 1 && p[0] < 0x20)) {
            dst[o++] = '?';
            replaced++;
            i++;
            continue;
        }
        if (o + k >= dst_size) break; /* never cut a character in half */
        memcpy(dst + o, p, k);
        o += k;
        i += k;
    }
    dst[o] = '\0';
    return replaced;
}

int psy_strieq(const char *a, const char *b)
{
    if (!a || !b) return 0;
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

int psy_has_suffix_ci(const char *s, const char *suffix)
{
    if (!s || !suffix) return 0;
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && psy_strieq(s + n - k, suffix);
}

int psy_is_utf8(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t k = utf8_sequence((const unsigned char *)s + i, len - i);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

size_t psy_cp1252_to_utf8(char *dst, size_t dst_size, const char *src, size_t len)
{
    /* Windows-1252 0x80..0x9F (unassigned codes stay U+FFFD-free: shown as '?'); the rest is
     * ISO 8859-1, whose code points equal the byte values. */
    static const unsigned short high[32] = {
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
        0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};
    if (!dst || !dst_size) return 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned c = (unsigned char)src[i];
        if (c >= 0x80 && c < 0xA0) c = high[c - 0x80] ? high[c - 0x80] : '?';
        char enc[3];
        size_t k;
        if (c < 0x80) enc[0] = (char)c, k = 1;
        else if (c < 0x800) enc[0] = (char)(0xC0 | c >> 6), enc[1] = (char)(0x80 | (c & 0x3F)), k = 2;
        else
            enc[0] = (char)(0xE0 | c >> 12), enc[1] = (char)(0x80 | ((c >> 6) & 0x3F)),
            enc[2] = (char)(0x80 | (c & 0x3F)), k = 3;
        if (o + k >= dst_size) break;
        memcpy(dst + o, enc, k);
        o += k;
    }
    dst[o] = '\0';
    return o;
}
