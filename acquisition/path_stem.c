/* A recording's file stem: its name without directory and extension (psyphys/bids_path.h). */
#include <stdio.h>
#include <string.h>

#include "psyphys/bids_path.h"
#include "reader_impl.h"

static int is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether s[0..n) is an extension: 1-8 ASCII letters and digits, the first a letter. */
static int is_extension(const char *s, size_t n)
{
    if (n < 1 || n > 8 || !is_ascii_letter(s[0])) return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_ascii_letter(s[i]) && !(s[i] >= '0' && s[i] <= '9')) return 0;
    return 1;
}

int psy_path_stem(const char *path, char *out, size_t size)
{
    if (!path || !out || !size) return -1;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && psy_has_suffix_ci(base, ".gz")) n -= 3; /* a file named ".gz" keeps its name */
    size_t dot = n;
    while (dot > 0 && base[dot - 1] != '.') dot--;
    if (dot > 1 && is_extension(base + dot, n - dot)) n = dot - 1;
    return snprintf(out, size, "%.*s", (int)n, base);
}
