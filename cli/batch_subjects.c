/* psyphys batch: the subject, session, task and run of a file, for the group tables. A BIDS file
 * name carries them (sub-01_ses-2_task-rest_...); other archives name them in their folders
 * (s01/session2/...), which --subject-pattern maps: a POSIX extended regular expression matched
 * against the file's path below its INPUT, whose groups (?<sub>...), (?<ses>...), (?<task>...)
 * and (?<run>...) give the entities ('\d' is [0-9]). An entity the pattern does not give (or a
 * path it does not match) comes from the BIDS file name, else n/a. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"

static const char *const entity_names[BATCH_ENTITIES] = {"sub", "ses", "task", "run"};

/* The pattern as POSIX ERE: "(?<name>" becomes "(" with the group's number kept for the name,
 * "\d" becomes "[0-9]". 0 with the reason in err when it uses what POSIX lacks. */
static int translate(const char *pattern, char *out, size_t size, int group[BATCH_ENTITIES], char *err,
                     size_t err_size)
{
    size_t o = 0;
    int groups = 0;
    for (const char *p = pattern; *p;) {
        char piece[16];
        size_t len = 1;
        piece[0] = *p;
        if (p[0] == '\\' && p[1] == 'd') {
            strcpy(piece, "[0-9]"), len = 5, p += 2;
        } else if (p[0] == '\\' && p[1]) {
            piece[1] = p[1], len = 2, p += 2;
        } else if (p[0] == '[') { /* a bracket expression, copied whole: ']' first is a member */
            const char *q = p + 1;
            if (*q == '^') q++;
            if (*q == ']') q++;
            while (*q && *q != ']') q += q[0] == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=') && strchr(q + 2, ']')
                                         ? (size_t)(strchr(q + 2, ']') - q) + 1 : 1;
            if (!*q) {
                snprintf(err, err_size, "a '[' is not closed");
                return 0;
            }
            if (o + (size_t)(q + 1 - p) >= size) break;
            memcpy(out + o, p, (size_t)(q + 1 - p));
            o += (size_t)(q + 1 - p), p = q + 1;
            continue;
        } else if (p[0] == '(' && p[1] == '?') {
            groups++;
            int k = 0;
            while (k < BATCH_ENTITIES && !(p[2] == '<' && strncmp(p + 3, entity_names[k], strlen(entity_names[k])) == 0 &&
                                           p[3 + strlen(entity_names[k])] == '>'))
                k++;
            if (k == BATCH_ENTITIES) {
                snprintf(err, err_size, "only the groups (?<sub>...), (?<ses>...), (?<task>...) and (?<run>...) "
                                        "are understood (POSIX has no other (?...) form)");
                return 0;
            }
            if (group[k]) {
                snprintf(err, err_size, "two (?<%s>...) groups", entity_names[k]);
                return 0;
            }
            group[k] = groups;
            p += 4 + strlen(entity_names[k]);
        } else {
            groups += p[0] == '(';
            p++;
        }
        if (o + len >= size) break;
        memcpy(out + o, piece, len);
        o += len;
    }
    if (o + 1 >= size) {
        snprintf(err, err_size, "too long");
        return 0;
    }
    out[o] = '\0';
    return 1;
}

int batch_subjects_compile(batch_subjects *s, const char *pattern, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    char ere[2048];
    if (!translate(pattern, ere, sizeof ere, s->group, err, err_size)) return 0;
    if (!s->group[0]) {
        snprintf(err, err_size, "it names no subject: give a (?<sub>...) group");
        return 0;
    }
    int rc = regcomp(&s->re, ere, REG_EXTENDED);
    if (rc != 0) {
        regerror(rc, &s->re, err, err_size);
        return 0;
    }
    s->pattern = pattern;
    s->compiled = 1;
    return 1;
}

void batch_subjects_free(batch_subjects *s)
{
    if (s->compiled) regfree(&s->re);
    memset(s, 0, sizeof *s);
}

int batch_entities(const batch_subjects *s, const char *rel, char out[BATCH_ENTITIES][64])
{
    regmatch_t m[16];
    int matched = s && s->compiled && regexec(&s->re, rel, 16, m, 0) == 0;
    for (int k = 0; k < BATCH_ENTITIES; k++) {
        int g = matched ? s->group[k] : 0;
        if (g > 0 && g < 16 && m[g].rm_so >= 0 && m[g].rm_eo > m[g].rm_so)
            snprintf(out[k], 64, "%.*s", (int)(m[g].rm_eo - m[g].rm_so), rel + m[g].rm_so);
        else
            batch_bids_entity(rel, entity_names[k], out[k], 64);
    }
    return matched || !s || !s->compiled;
}
