/* What a command line got wrong, said the same way by every command: an unknown option (wherever
 * it stands), an option missing its value, a misspelt name with the nearest one. */
#include <string.h>

#include "cli.h"

/* Edit distance of a and b: insertions, deletions, substitutions and swaps of two neighbours
 * (optimal string alignment); names longer than 63 bytes are far from everything. */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63) return (size_t)-1;
    unsigned char d[64][64];
    for (size_t i = 0; i <= n; i++) d[i][0] = (unsigned char)i;
    for (size_t j = 0; j <= m; j++) d[0][j] = (unsigned char)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1u < best) best = d[i - 1][j] + 1u;
            if (d[i][j - 1] + 1u < best) best = d[i][j - 1] + 1u;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1u < best)
                best = d[i - 2][j - 2] + 1u;
            d[i][j] = (unsigned char)best;
        }
    return d[n][m];
}

const char *cli_nearest(const char *word, const char *const *names, int n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (int i = 0; i < n; i++) {
        size_t d = distance(word, names[i]);
        if (d < best_d) best = names[i], best_d = d;
    }
    /* close enough to be the same word: a third of its letters at most (analyse, anlyze, hvr) */
    size_t len = strlen(word);
    return best && best_d > 0 && best_d <= (len < 6 ? 1 : len / 3) ? best : NULL;
}

int cli_is_resp_option(const char *opt)
{
    return strcmp(opt, "--rsp") == 0 || strcmp(opt, "--resp") == 0;
}

int cli_refuse_option(const char *command, const char *opt, const char *const *with_value)
{
    for (const char *const *w = with_value; w && *w; w++)
        if (strcmp(opt, *w) == 0) {
            cli_error(NULL, "%s: %s needs a value (see psyphys %s --help)", command, opt, command);
            return CLI_USAGE;
        }
    cli_error(NULL, "%s: unknown option '%s' (see psyphys %s --help)", command, opt, command);
    return CLI_USAGE;
}
