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

/* STEM and sub/ses/datatype of a BIDS input (psy_bids_path_parse); 0 with why when it is not one. */
static int bids_place(const char *input, const char *root, cli_output_place *out, char *why, size_t size)
{
    psy_bids_path p;
    psy_message reason = {{0}};
    if (psy_bids_path_parse(input, &p, &reason) != PSY_OK) return say(why, size, "%s", reason.text);
    snprintf(out->stem, sizeof out->stem, "%s", p.stem);
    int n = snprintf(out->dir, sizeof out->dir, "%s/%s%s%s/%s", root, p.sub, p.ses[0] ? "/" : "", p.ses, p.datatype);
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
    psy_path_stem(input, out->stem, sizeof out->stem);
    return 1;
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
