/* --events-columns onset=COL[,duration=COL][,label=COL]: a marker file whose columns have other
 * names. The header row is renamed to the names the event reader knows (onset, duration,
 * trial_type) and the file read from memory; a column already bearing one of those names, when
 * another is mapped onto it, becomes NAME_original. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define MAX_EVENTS_FILE (256 << 20)

static const char *const roles[] = {"onset", "duration", "label"};
static const char *const canonical[] = {"onset", "duration", "trial_type"};

/* The spec's column for each role (NULL when not mapped), in `cols` (malloc'd copy in *buf). */
static int parse_spec(const char *spec, char **buf, const char *cols[3])
{
    cols[0] = cols[1] = cols[2] = NULL;
    *buf = strdup(spec);
    if (!*buf) return 0;
    for (char *item = *buf; item;) {
        char *comma = strchr(item, ','), *eq = strchr(item, '=');
        if (comma) *comma = '\0';
        if (eq && comma && eq > comma) eq = NULL;
        int k = 0;
        if (eq) {
            *eq = '\0';
            while (k < 3 && strcmp(item, roles[k]) != 0) k++;
        }
        if (!eq || k == 3 || !eq[1] || cols[k]) {
            free(*buf);
            *buf = NULL;
            return 0;
        }
        cols[k] = eq + 1;
        item = comma ? comma + 1 : NULL;
    }
    return cols[0] || cols[1] || cols[2];
}

int cli_events_columns_valid(const char *spec)
{
    char *buf;
    const char *cols[3];
    int ok = parse_spec(spec, &buf, cols);
    free(buf);
    if (!ok)
        cli_error(NULL, "--events-columns wants onset=COLUMN[,duration=COLUMN][,label=COLUMN], not '%s'", spec);
    return ok;
}

/* The whole file (at most MAX_EVENTS_FILE bytes); NULL after printing why. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error(path, "cannot open the event file (missing or unreadable)");
        return NULL;
    }
    char *data = NULL;
    size_t cap = 0;
    *n = 0;
    for (;;) {
        if (*n == cap) {
            if (cap >= MAX_EVENTS_FILE) {
                cli_error(path, "event file larger than %d MB", MAX_EVENTS_FILE >> 20);
                break;
            }
            char *p = realloc(data, (cap = cap ? 2 * cap : 65536) + 1);
            if (!p) {
                cli_error(path, "out of memory");
                break;
            }
            data = p;
        }
        size_t got = fread(data + *n, 1, cap - *n, f);
        *n += got;
        if (got == 0) {
            int bad = ferror(f);
            fclose(f);
            if (bad) {
                cli_error(path, "cannot read the event file");
                free(data);
                return NULL;
            }
            data[*n] = '\0';
            return data;
        }
    }
    fclose(f);
    free(data);
    return NULL;
}

/* The header row's delimiter: the most frequent of tab, comma, semicolon (tab on a tie). */
static char delimiter(const char *line, size_t len)
{
    const char cand[] = {'\t', ',', ';'};
    size_t best = 0, count[3] = {0};
    for (size_t i = 0; i < len; i++)
        for (int k = 0; k < 3; k++) count[k] += line[i] == cand[k];
    for (size_t k = 1; k < 3; k++)
        if (count[k] > count[best]) best = k;
    return cand[best];
}

/* A header field without surrounding quotes and blanks, into out. */
static void field_name(const char *p, size_t len, char *out, size_t size)
{
    while (len && (*p == ' ' || *p == '"')) p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '"' || p[len - 1] == '\r')) len--;
    snprintf(out, size, "%.*s", (int)len, p);
}

psy_status cli_load_events_mapped(psy_reader *r, const char *path, const char *spec, double offset_s)
{
    char *buf = NULL, *data = NULL, *text = NULL;
    const char *cols[3];
    size_t n = 0;
    psy_status st = PSY_E_FORMAT;
    if (!parse_spec(spec, &buf, cols) || !(data = slurp(path, &n))) goto done;
    if (n >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
        cli_error(path, "--events-columns reads uncompressed event files only (gunzip it first)");
        goto done;
    }
    size_t skip = n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0; /* UTF-8 BOM */
    while (skip < n && (data[skip] == '\n' || data[skip] == '\r')) skip++;
    const char *line = data + skip, *nl = memchr(line, '\n', n - skip);
    size_t len = nl ? (size_t)(nl - line) : n - skip;
    char delim = delimiter(line, len);
    text = malloc(n + 256); /* at most 6 names change, each by at most 10 bytes */
    if (!text) {
        cli_error(path, "out of memory");
        goto done;
    }
    size_t o = 0;
    int found[3] = {0};
    char names[1024] = "";
    for (const char *f = line; f <= line + len;) {
        const char *e = memchr(f, delim, (size_t)(line + len - f));
        if (!e) e = line + len;
        char name[256];
        field_name(f, (size_t)(e - f), name, sizeof name);
        const char *out = name;
        char renamed[300];
        for (int k = 0; k < 3; k++) {
            if (cols[k] && strcasecmp(name, cols[k]) == 0) out = canonical[k], found[k] = 1;
            else if (cols[k] && strcasecmp(name, canonical[k]) == 0)
                snprintf(renamed, sizeof renamed, "%s_original", name), out = renamed;
        }
        if (strlen(names) + strlen(name) + 3 < sizeof names)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", names[0] ? ", " : "", name);
        if (f != line) text[o++] = delim;
        size_t out_len = out == name ? (size_t)(e - f) : strlen(out); /* unchanged: as written */
        memcpy(text + o, out == name ? f : out, out_len);
        o += out_len;
        f = e + 1;
    }
    for (int k = 0; k < 3; k++)
        if (cols[k] && !found[k]) {
            cli_error(path, "--events-columns: no column '%s' (for %s); columns: %s", cols[k], roles[k], names);
            goto done;
        }
    size_t rest = nl ? (size_t)(data + n - nl) : 0;
    memcpy(text + o, nl ? nl : "", rest);
    o += rest;
    psy_source *src = NULL;
    psy_message why = {{0}};
    st = psy_source_open_memory(text, o, path, &src);
    if (st == PSY_OK) st = psy_reader_load_events(r, src, offset_s, &why);
    psy_source_close(src);
    if (st != PSY_OK) cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
done:
    free(buf);
    free(data);
    free(text);
    return st;
}
