/* Where a file sits in a BIDS dataset (BIDS 1.10, "Definitions" and "File name structure"), and
 * the run's _events.tsv of a data file (psyphys/bids_path.h). */
#undef _POSIX_C_SOURCE
#define _XOPEN_SOURCE 700 /* realpath */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "psy_core.h"
#include "psyphys/bids_path.h"

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

psy_status psy_bids_path_parse(const char *input, psy_bids_path *out, psy_message *why)
{
    if (!input || !out) return psy_fail(why, PSY_E_INVALID, "no path");
    memset(out, 0, sizeof *out);
    const char *slash = strrchr(input, '/');
    const char *base = slash ? slash + 1 : input;
    if (strncmp(base, "sub-", 4) != 0 || !label_length(base + 4) || base[4 + label_length(base + 4)] != '_')
        return psy_fail(why, PSY_E_NOT_FOUND, "its name does not start with sub-<label>_ (a BIDS file name)");
    snprintf(out->sub, sizeof out->sub, "sub-%.*s", (int)label_length(base + 4), base + 4);
    const char *next = base + strlen(out->sub) + 1;
    if (strncmp(next, "ses-", 4) == 0 && label_length(next + 4))
        snprintf(out->ses, sizeof out->ses, "ses-%.*s", (int)label_length(next + 4), next + 4);
    /* STEM: the name up to its extensions, without the last _<suffix>. */
    size_t name_len = strcspn(base, ".");
    const char *last = NULL;
    for (const char *p = base; p < base + name_len; p++)
        if (*p == '_') last = p;
    if (!last || last[1] == '.' || label_length(last + 1) != (size_t)(base + name_len - last - 1) ||
        last - base >= (ptrdiff_t)sizeof out->stem)
        return psy_fail(why, PSY_E_NOT_FOUND, "its name has no BIDS suffix (as in _physio.tsv.gz)");
    snprintf(out->stem, sizeof out->stem, "%.*s", (int)(last - base), base);
    /* The directories: <dataset>/sub-X/[ses-Y/]datatype/ */
    char dir[PATH_MAX], in_dir[PATH_MAX], name[256];
    snprintf(in_dir, sizeof in_dir, "%.*s", slash ? (int)(slash - input) : 1, slash ? input : ".");
    if (slash == input) snprintf(in_dir, sizeof in_dir, "/");
    if (!realpath(in_dir, dir)) return psy_fail(why, PSY_E_NOT_FOUND, "cannot resolve its directory: %s", strerror(errno));
    if (!pop_component(dir, name, sizeof name) || !is_datatype(name))
        return psy_fail(why, PSY_E_NOT_FOUND, "it is not in a BIDS datatype directory (beh, func, eeg, ...)");
    snprintf(out->datatype, sizeof out->datatype, "%.31s", name); /* a known name: short */
    if (out->ses[0] && (!pop_component(dir, name, sizeof name) || strcmp(name, out->ses) != 0))
        return psy_fail(why, PSY_E_NOT_FOUND, "its name says %s but it is not in a %s directory", out->ses, out->ses);
    if (!pop_component(dir, name, sizeof name) || strcmp(name, out->sub) != 0)
        return psy_fail(why, PSY_E_NOT_FOUND, "its name says %s but it is not in a %s directory", out->sub, out->sub);
    char desc[PATH_MAX + 32];
    snprintf(desc, sizeof desc, "%s/dataset_description.json", dir);
    if (access(desc, F_OK) != 0)
        return psy_fail(why, PSY_E_NOT_FOUND, "no dataset_description.json in %s (the BIDS dataset's root)", dir);
    if ((size_t)snprintf(out->root, sizeof out->root, "%s", dir) >= sizeof out->root)
        return psy_fail(why, PSY_E_NOT_FOUND, "the dataset's path is too long");
    return PSY_OK;
}

int psy_bids_events_for(const char *input, char *out, size_t size)
{
    if (!input || !out) return 0;
    const char *slash = strrchr(input, '/');
    const char *base = slash ? slash + 1 : input;
    size_t name_len = strcspn(base, ".");
    if (name_len >= 7 && strncmp(base + name_len - 7, "_physio", 7) == 0) return 0;
    psy_bids_path p;
    if (psy_bids_path_parse(input, &p, NULL) != PSY_OK) return 0;
    int n = snprintf(out, size, "%.*s%s_events.tsv", slash ? (int)(slash - input + 1) : 0, input, p.stem);
    struct stat sb;
    return n > 0 && (size_t)n < size && stat(out, &sb) == 0 && S_ISREG(sb.st_mode);
}
