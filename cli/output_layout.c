/* Where the tables of one input go: flat or the BIDS derivatives layout (BIDS 1.10). */
#undef _POSIX_C_SOURCE
#define _XOPEN_SOURCE 700 /* realpath */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output_layout.h"

int cli_layout_parse(const char *text, cli_layout *out)
{
    static const char *const names[] = {"auto", "bids", "flat"};
    for (int i = 0; i < 3; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = (cli_layout)i;
            return 1;
        }
    return 0;
}

static int say(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && size) vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return 0;
}

/* The BIDS data types (BIDS 1.10, "Definitions": the directories under a subject or session). */
static int is_datatype(const char *name)
{
    static const char *const types[] = {"anat", "beh", "dwi", "eeg", "fmap", "func", "ieeg", "meg",
                                        "micr", "motion", "mrs", "nirs", "perf", "pet", NULL};
    for (const char *const *t = types; *t; t++)
        if (strcmp(name, *t) == 0) return 1;
    return 0;
}

/* Length of a BIDS label (alphanumeric) at s. */
static size_t label_length(const char *s)
{
    size_t n = 0;
    while (isalnum((unsigned char)s[n])) n++;
    return n;
}

/* Cuts the last path component off `path` (in place) into `name`. 0 at the root. */
static int pop_component(char *path, char *name, size_t size)
{
    char *slash = strrchr(path, '/');
    if (!slash || slash[1] == '\0') return 0;
    snprintf(name, size, "%s", slash + 1);
    if (slash == path) slash[1] = '\0';
    else *slash = '\0';
    return 1;
}

/* STEM and sub/ses/datatype of a BIDS input; 0 with why when it is not one. */
static int bids_place(const char *input, const char *root, cli_output_place *out, char *why, size_t size)
{
    const char *slash = strrchr(input, '/');
    const char *base = slash ? slash + 1 : input;
    char sub[64], ses[64] = "";
    if (strncmp(base, "sub-", 4) != 0 || !label_length(base + 4) || base[4 + label_length(base + 4)] != '_')
        return say(why, size, "its name does not start with sub-<label>_ (a BIDS file name)");
    snprintf(sub, sizeof sub, "sub-%.*s", (int)label_length(base + 4), base + 4);
    const char *next = base + strlen(sub) + 1;
    if (strncmp(next, "ses-", 4) == 0 && label_length(next + 4))
        snprintf(ses, sizeof ses, "ses-%.*s", (int)label_length(next + 4), next + 4);
    /* STEM: the name up to its extensions, without the last _<suffix>. */
    size_t name_len = strcspn(base, ".");
    const char *last = NULL;
    for (const char *p = base; p < base + name_len; p++)
        if (*p == '_') last = p;
    if (!last || last[1] == '.' || label_length(last + 1) != (size_t)(base + name_len - last - 1) ||
        last - base >= (ptrdiff_t)sizeof out->stem)
        return say(why, size, "its name has no BIDS suffix (as in _physio.tsv.gz)");
    snprintf(out->stem, sizeof out->stem, "%.*s", (int)(last - base), base);
    /* The directories: <dataset>/sub-X/[ses-Y/]datatype/ */
    char dir[PATH_MAX], in_dir[PATH_MAX], name[256], datatype[256];
    snprintf(in_dir, sizeof in_dir, "%.*s", slash ? (int)(slash - input) : 1, slash ? input : ".");
    if (slash == input) snprintf(in_dir, sizeof in_dir, "/");
    if (!realpath(in_dir, dir)) return say(why, size, "cannot resolve its directory: %s", strerror(errno));
    if (!pop_component(dir, datatype, sizeof datatype) || !is_datatype(datatype))
        return say(why, size, "it is not in a BIDS datatype directory (beh, func, eeg, ...)");
    if (ses[0] && (!pop_component(dir, name, sizeof name) || strcmp(name, ses) != 0))
        return say(why, size, "its name says %s but it is not in a %s directory", ses, ses);
    if (!pop_component(dir, name, sizeof name) || strcmp(name, sub) != 0)
        return say(why, size, "its name says %s but it is not in a %s directory", sub, sub);
    char desc[PATH_MAX + 32];
    snprintf(desc, sizeof desc, "%s/dataset_description.json", dir);
    if (access(desc, F_OK) != 0)
        return say(why, size, "no dataset_description.json in %s (the BIDS dataset's root)", dir);
    int n = snprintf(out->dir, sizeof out->dir, "%s/%s%s%s/%s", root, sub, ses[0] ? "/" : "", ses, datatype);
    if (n < 0 || (size_t)n >= sizeof out->dir) return say(why, size, "the output path is too long");
    out->bids = 1;
    return 1;
}

int cli_output_place_for(const char *input, const char *root, cli_layout layout,
                         cli_output_place *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    if (why && why_size) why[0] = '\0';
    if (layout != CLI_LAYOUT_FLAT) {
        if (bids_place(input, root, out, why, why_size)) return 1;
        if (layout == CLI_LAYOUT_BIDS) return 0;
        memset(out, 0, sizeof *out);
    }
    if ((size_t)snprintf(out->dir, sizeof out->dir, "%s", root) >= sizeof out->dir)
        return say(why, why_size, "the output path is too long");
    const char *base = strrchr(input, '/');
    base = base ? base + 1 : input;
    snprintf(out->stem, sizeof out->stem, "%s", base);
    char *dot = strchr(out->stem, '.');
    if (dot && dot != out->stem) *dot = '\0';
    return 1;
}

int cli_bids_events_for(const char *input, char *out, size_t size)
{
    cli_output_place place;
    const char *slash = strrchr(input, '/');
    const char *base = slash ? slash + 1 : input;
    size_t name_len = strcspn(base, ".");
    if (name_len >= 7 && strncmp(base + name_len - 7, "_physio", 7) == 0) return 0;
    if (!bids_place(input, ".", &place, NULL, 0)) return 0;
    int n = snprintf(out, size, "%.*s%s_events.tsv", slash ? (int)(slash - input + 1) : 0, input, place.stem);
    struct stat sb;
    return n > 0 && (size_t)n < size && stat(out, &sb) == 0 && S_ISREG(sb.st_mode);
}

int cli_make_dir(const char *dir)
{
    char path[4096];
    if (!*dir || snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        cli_error(dir, "the output directory's path is empty or too long");
        return 0;
    }
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        char end = *p;
        *p = '\0';
        struct stat sb;
        if (stat(path, &sb) != 0 && mkdir(path, 0777) != 0 && errno != EEXIST) {
            cli_error(dir, "cannot make the output directory %s: %s", path, strerror(errno));
            return 0;
        }
        if (stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
            cli_error(dir, "%s exists and is not a directory", path);
            return 0;
        }
        if (end == '\0') return 1;
        *p = end;
    }
}
