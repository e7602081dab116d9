/* libFuzzer target for psy_beat_times_load (psyphys/score.h), which takes a path: the input's
 * parts (fuzz_files.h) are written as files into one temporary directory, the first as fz.atr
 * (so "@@FILE fz.hea" gives a WFDB annotation file its header), and loaded without a rate, with
 * one, with one overriding a header's, and with options no caller can mean (a rate that is not
 * finite, a reserved word set). Contract checked: on success the times are finite and ascending;
 * on failure nothing is returned and the reason is given; the options no caller can mean are
 * refused as PSY_E_INVALID whatever the file. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096];

static void remove_dir(void) { rmdir(dir); }

/* A part's name made safe for a file name (letters, digits, '.', '_', '-'; not "." or ".."). */
static void safe_name(const char *name, char *out, size_t size)
{
    size_t n = 0;
    for (; name[n] && n + 1 < size; n++) {
        char c = name[n];
        out[n] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                         c == '-' || c == '.'
                     ? c
                     : '_';
    }
    out[n] = '\0';
    if (n == 0 || strspn(out, ".") == n) snprintf(out, size, "part");
}

static int write_part(const fuzz_part *p, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    int ok = fwrite(p->data, 1, p->size, f) == p->size;
    return fclose(f) == 0 && ok;
}

static void check(const char *path, double fs, int override, uint64_t reserved)
{
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    opt.override_rate = override;
    opt.reserved[PSY_RESERVED_WORDS - 1] = reserved;
    psy_beat_times t;
    psy_message why;
    psy_status st = psy_beat_times_load(path, &opt, &t, &why);
    if ((reserved || !isfinite(fs)) && st != PSY_E_INVALID) abort();
    if (st == PSY_OK) {
        for (size_t i = 0; i < t.n; i++)
            if (!isfinite(t.onset_s[i]) || (i && t.onset_s[i] < t.onset_s[i - 1])) abort();
    } else if (t.n || t.onset_s || !why.text[0]) {
        abort();
    }
    psy_beat_times_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/fuzz_beat_times_XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) abort();
        atexit(remove_dir);
    }
    fuzz_files files;
    fuzz_split(data, size, "fz.atr", &files);
    char path[8][4200], name[FUZZ_NAME_SIZE];
    int n = 0;
    for (int i = 0; i < files.n; i++) {
        safe_name(files.part[i].name, name, sizeof name);
        if (i && strcmp(name, "fz.atr") == 0) continue; /* the main file stays the first part */
        if (write_part(&files.part[i], name, path[n], sizeof path[n])) n++;
    }
    if (n) {
        check(path[0], 0, 0, 0);
        check(path[0], 250, 0, 0);
        check(path[0], 100, 1, 0);
        check(path[0], INFINITY, 0, 0);
        check(path[0], NAN, 1, 0);
        check(path[0], 250, 0, 1);
    }
    for (int i = 0; i < n; i++) unlink(path[i]);
    return 0;
}
