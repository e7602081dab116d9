/* EDF+ TAL parsing (Kemp & Olivan 2003, 2.2.2). A TAL is
 *   Onset 0x15 Duration 0x14 Annotation 0x14 ... Annotation 0x14 0x00
 * where Onset is "+" or "-" then a decimal number of seconds relative to the header's start
 * time, and Duration (with its 0x15) is optional. The first TAL of each record's first
 * annotation signal is the time-keeping TAL "+onset 0x14 0x14". */
#include <stdio.h>
#include <string.h>

#include "edf_tal.h"
#include "reader_impl.h"

static void problem(edf_tal_result *res, const char *what, const unsigned char *tal, size_t len)
{
    if (res->malformed++ == 0) {
        /* show the start of the TAL with control bytes as '.' */
        char shown[24];
        size_t n = len < sizeof shown - 1 ? len : sizeof shown - 1;
        for (size_t i = 0; i < n; i++) shown[i] = tal[i] >= 32 && tal[i] < 127 ? (char)tal[i] : '.';
        shown[n] = '\0';
        snprintf(res->first_problem, sizeof res->first_problem, "%s in \"%s\"", what, shown);
    }
}

/* Length of a time stamp "+onset[\x15duration]" at t ending at a 0x14, or 0 when t does not
 * start with one. */
static size_t stamp_length(const unsigned char *t, size_t len)
{
    if (len == 0 || (t[0] != '+' && t[0] != '-')) return 0;
    size_t i = 1;
    while (i < len && ((t[i] >= '0' && t[i] <= '9') || t[i] == '.' || t[i] == 0x15)) i++;
    double v;
    size_t end = i;
    for (size_t k = 0; k < i; k++)
        if (t[k] == 0x15) end = k;
    if (i == len || t[i] != 0x14 || !psy_parse_double((const char *)t, end, &v)) return 0;
    return i;
}

/* One TAL of len bytes (without its terminating 0x00). */
static void parse_one(const unsigned char *tal, size_t len, int first, edf_tal_fn fn, void *ctx,
                      edf_tal_result *res)
{
    if (len == 0 || (tal[0] != '+' && tal[0] != '-')) {
        problem(res, "onset without a sign", tal, len);
        return;
    }
    if (tal[len - 1] != 0x14) {
        problem(res, "TAL not ending in 0x14", tal, len);
        return;
    }
    size_t i = 0;
    while (i < len && tal[i] != 0x14 && tal[i] != 0x15) i++;
    double onset, duration = 0;
    if (!psy_parse_double((const char *)tal, i, &onset)) {
        problem(res, "onset is not a number", tal, len);
        return;
    }
    if (tal[i] == 0x15) {
        size_t d = ++i;
        while (i < len && tal[i] != 0x14) i++;
        if (i == len || !psy_parse_double((const char *)tal + d, i - d, &duration) || duration < 0) {
            problem(res, "duration is not a number >= 0", tal, len);
            return;
        }
    }
    /* tal[i] is the 0x14 ending the time stamp; texts follow, each ended by 0x14. */
    i++;
    int text_index = 0;
    while (i < len) {
        size_t t = i;
        while (i < len && tal[i] != 0x14) i++;
        if (first && text_index == 0 && i == t) {
            res->has_timekeeping = 1;
            res->timekeeping = onset;
            /* "+0\x14\x14+0\x14text\x14": a writer forgot the 0x00 after the time-keeping
             * TAL (Nihon Kohden exports); what follows is the next TAL. */
            if (i + 1 < len && stamp_length(tal + i + 1, len - i - 1)) {
                res->unterminated++;
                parse_one(tal + i + 1, len - i - 1, 0, fn, ctx, res);
                return;
            }
        } else if (i > t && !res->stopped) {
            if (!fn(ctx, onset, duration, (const char *)tal + t, i - t)) res->stopped = 1;
        }
        text_index++;
        i++;
    }
}

void edf_tal_parse(const unsigned char *buf, size_t len, edf_tal_fn fn, void *ctx, edf_tal_result *res)
{
    memset(res, 0, sizeof *res);
    size_t i = 0;
    int first = 1;
    while (i < len) {
        if (buf[i] == 0) { /* padding after the last TAL */
            i++;
            continue;
        }
        size_t start = i;
        while (i < len && buf[i] != 0) i++;
        parse_one(buf + start, i - start, first, fn, ctx, res);
        first = 0;
    }
}
