/* psy_wfdb_header_for_path: which .hea to open when a user names a record or its signal file. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wfdb_header.h"

#define MAX_HEADERS_SCANNED 4096
#define HEADER_PEEK_BYTES 65536

static int is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* .dat, .flac, .wav, .mat, or WFDB's numbered ".d0", ".d1", ... */
static int is_signal_name(const char *path)
{
    static const char *const ext[] = {".dat", ".flac", ".wav", ".mat", NULL};
    for (const char *const *e = ext; *e; e++)
        if (psy_has_suffix_ci(path, *e)) return 1;
    const char *dot = strrchr(path, '.');
    if (!dot || (dot[1] != 'd' && dot[1] != 'D') || !dot[2]) return 0;
    for (const char *p = dot + 2; *p; p++)
        if (*p < '0' || *p > '9') return 0;
    return 1;
}

/* 1 when the header at hea_path names `base` as a signal file (reads at most 64 KiB). */
static int header_names(const char *hea_path, const char *base)
{
    FILE *fp = fopen(hea_path, "rb");
    if (!fp) return 0;
    char *text = malloc(HEADER_PEEK_BYTES);
    size_t n = text ? fread(text, 1, HEADER_PEEK_BYTES, fp) : 0;
    fclose(fp);
    int named = 0;
    wfdb_header h;
    if (n && wfdb_header_parse(text, n, &h, NULL, NULL) == PSY_OK) {
        for (int i = 0; i < h.nsig && !named; i++) named = strcmp(h.sig[i].file, base) == 0;
        wfdb_header_free(&h);
    }
    free(text);
    return named;
}

static char *join(const char *dir, size_t dirlen, const char *name)
{
    size_t len = dirlen + strlen(name) + 1;
    char *p = malloc(len);
    if (p) snprintf(p, len, "%.*s%s", (int)dirlen, dir, name);
    return p;
}

char *psy_wfdb_header_for_path(const char *path)
{
    if (!path || !*path || psy_has_suffix_ci(path, ".hea")) return NULL;
    struct stat sb;
    if (stat(path, &sb) != 0) { /* a record name: "100" for 100.hea */
        char *hea = join(path, strlen(path), ".hea");
        if (hea && is_file(hea)) return hea;
        free(hea);
        return NULL;
    }
    if (!S_ISREG(sb.st_mode) || !is_signal_name(path)) return NULL;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dirlen = (size_t)(base - path);
    /* the likely one first: the same stem ("105m.mat" -> "105m.hea") */
    char stem[WFDB_NAME_SIZE + 8];
    snprintf(stem, sizeof stem, "%s", base);
    char *dot = strrchr(stem, '.');
    if (dot) strcpy(dot, ".hea");
    char *hea = join(path, dirlen, stem);
    if (hea && is_file(hea) && header_names(hea, base)) return hea;
    free(hea);
    char *dir = join(path, dirlen, dirlen ? "" : ".");
    DIR *dp = dir ? opendir(dir) : NULL;
    free(dir);
    if (!dp) return NULL;
    char *found = NULL;
    int scanned = 0;
    for (struct dirent *e; !found && scanned < MAX_HEADERS_SCANNED && (e = readdir(dp));) {
        if (!psy_has_suffix_ci(e->d_name, ".hea")) continue;
        scanned++;
        char *candidate = join(path, dirlen, e->d_name);
        if (candidate && header_names(candidate, base))
            found = candidate;
        else
            free(candidate);
    }
    closedir(dp);
    return found;
}
