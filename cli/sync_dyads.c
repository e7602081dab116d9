/* psyphys batch --dyads: the dyads of a study (sync_dyads.h). A dyads file lists recording pairs
 * or BIDS subject pairs; a BIDS dataset's participants.tsv pairs subjects by its `dyad` column.
 * A subject pair is one dyad per session both subjects were recorded in: hyperscanning and
 * therapy datasets give each person a subject and the shared session the same session label. */
#include <ctype.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch.h"
#include "cli.h"
#include "provenance.h"
#include "sync_dyads.h"

typedef struct dyad_list {
    sync_dyad *d;
    size_t n, cap;
} dyad_list;

static void joined(char *out, size_t size, const char *dir, const char *path)
{
    if (path[0] == '/' || !dir[0]) snprintf(out, size, "%s", path);
    else snprintf(out, size, "%s/%s", dir, path);
}

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A new dyad at the end of the list (zeroed, entities n/a), or NULL when out of memory. */
static sync_dyad *push(dyad_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        sync_dyad *p = realloc(l->d, cap * sizeof *p);
        if (!p) return NULL;
        l->d = p, l->cap = cap;
    }
    sync_dyad *y = &l->d[l->n++];
    memset(y, 0, sizeof *y);
    strcpy(y->ses, "n/a"), strcpy(y->task, "n/a"), strcpy(y->run, "n/a");
    return y;
}

/* The name must make file names and be new. 0 after printing why. */
static int name_ok(const char *spec, size_t line_no, const dyad_list *l, const char *name)
{
    if (!name[0] || strpbrk(name, "/\\;") || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        cli_error(spec, "line %zu: the dyad name '%s' cannot name files", line_no, name);
        return 0;
    }
    for (size_t k = 0; k + 1 < l->n; k++)
        if (strcmp(l->d[k].name, name) == 0) {
            cli_error(spec, "line %zu: dyad '%s' appears twice", line_no, name);
            return 0;
        }
    return 1;
}

/* "sub-<label>" (BIDS: letters and digits): the label, else NULL. */
static const char *subject_label(const char *cell)
{
    if (strncmp(cell, "sub-", 4) != 0 || !cell[4]) return NULL;
    for (const char *p = cell + 4; *p; p++)
        if (!isalnum((unsigned char)*p)) return NULL;
    return cell + 4;
}

/* A recording's key within its subject: its path below sub-<label>/ with the subject taken out of
 * the file name ("ses-1/beh/sub-01_ses-1_task-x_physio.tsv.gz" -> "ses-1/beh/_ses-1_task-x_physio.tsv.gz").
 * 0 for a file whose name does not start with sub-<label>_. */
static int session_key(const char *rel, const char *label, char *key, size_t size)
{
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    size_t k = strlen(label);
    if (strncmp(base, "sub-", 4) != 0 || strncmp(base + 4, label, k) != 0 || base[4 + k] != '_') return 0;
    return snprintf(key, size, "%.*s%s", (int)(base - rel), rel, base + 4 + k) < (int)size;
}

/* Every recording of subject la with subject lb's recording of the same key: one dyad each, named
 * PAIR_<A's name without the subject and extension>. */
static int pair_sessions(const char *spec, size_t line_no, const char *root, const char *pair, const char *la,
                         const char *lb, dyad_list *l, json_t *unpaired)
{
    char dir[2][PATH_MAX];
    const char *label[2] = {la, lb};
    batch_list rec[2] = {{0}, {0}};
    batch_filter f;
    memset(&f, 0, sizeof f);
    int ok = 1;
    for (int s = 0; ok && s < 2; s++) {
        snprintf(dir[s], sizeof dir[s], "%s/sub-%s", root, label[s]);
        if (!is_dir(dir[s])) {
            cli_error(spec, "line %zu: no folder sub-%s in the BIDS dataset %s", line_no, label[s], root);
            ok = 0;
            break;
        }
        char *in[1] = {dir[s]};
        ok = batch_discover(in, 1, &f, &rec[s]);
    }
    char *used = ok ? calloc(rec[1].n + 1, 1) : NULL;
    ok = ok && used;
    for (size_t i = 0; ok && i < rec[0].n; i++) {
        const batch_item *a = &rec[0].items[i];
        char ka[PATH_MAX], kb[PATH_MAX];
        if (!session_key(a->rel, la, ka, sizeof ka)) continue;
        size_t j = 0;
        for (; j < rec[1].n; j++)
            if (!used[j] && session_key(rec[1].items[j].rel, lb, kb, sizeof kb) && strcmp(ka, kb) == 0) break;
        if (j == rec[1].n) {
            json_array_append_new(unpaired, json_sprintf("%s (no sub-%s recording of its session)", a->path, lb));
            fprintf(stderr, "psyphys: %s: warning: no sub-%s recording of the same session: not a dyad\n", a->path, lb);
            continue;
        }
        used[j] = 1;
        sync_dyad *y = push(l);
        if (!y) {
            cli_error(spec, "out of memory");
            ok = 0;
            break;
        }
        const char *base = strrchr(a->path, '/') + 1; /* below sub-X/: never without '/' */
        const char *rest = base + 4 + strlen(la) + 1;
        if (snprintf(y->name, sizeof y->name, "%s_%.*s", pair, (int)strcspn(rest, "."), rest) >= (int)sizeof y->name) {
            cli_error(spec, "line %zu: the dyad name for %s is too long", line_no, a->path);
            ok = 0;
            break;
        }
        snprintf(y->pair, sizeof y->pair, "%s", pair);
        snprintf(y->a, sizeof y->a, "%s", a->path);
        snprintf(y->b, sizeof y->b, "%s", rec[1].items[j].path);
        if (a->events) snprintf(y->events, sizeof y->events, "%s", a->events);
        batch_bids_entity(base, "ses", y->ses, sizeof y->ses);
        batch_bids_entity(base, "task", y->task, sizeof y->task);
        batch_bids_entity(base, "run", y->run, sizeof y->run);
        ok = name_ok(spec, line_no, l, y->name);
    }
    for (size_t j = 0; ok && j < rec[1].n; j++) {
        char kb[PATH_MAX];
        if (used[j] || !session_key(rec[1].items[j].rel, lb, kb, sizeof kb)) continue;
        json_array_append_new(unpaired, json_sprintf("%s (no sub-%s recording of its session)", rec[1].items[j].path, la));
        fprintf(stderr, "psyphys: %s: warning: no sub-%s recording of the same session: not a dyad\n",
                rec[1].items[j].path, la);
    }
    free(used);
    batch_list_free(&rec[0]);
    batch_list_free(&rec[1]);
    return ok;
}

static int is_bids_root(const char *dir)
{
    char p[PATH_MAX];
    struct stat sb;
    snprintf(p, sizeof p, "%s/dataset_description.json", dir[0] ? dir : ".");
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The header's columns: index of each name (-1 when absent). */
static void find_columns(char **f, int nf, const char *const *names, int *col, int n_names)
{
    for (int k = 0; k < n_names; k++) col[k] = -1;
    for (int i = 0; i < nf; i++)
        for (int k = 0; k < n_names; k++)
            if (strcmp(f[i], names[k]) == 0) col[k] = i;
}

static int read_file(const char *path, dyad_list *l, json_t *unpaired)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        cli_error(path, "cannot open it: %s", strerror(errno));
        return 0;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else dir[0] = '\0';
    char line[3 * PATH_MAX];
    char *f[16];
    int col[4]; /* a, b, dyad, events */
    static const char *const names[4] = {"a", "b", "dyad", "events"};
    if (!fgets(line, sizeof line, fp)) {
        fclose(fp);
        cli_error(path, "empty: want a header with columns a and b");
        return 0;
    }
    int nh = batch_split_tabs(line, f, 16);
    find_columns(f, nh, names, col, 4);
    if (col[0] < 0 || col[1] < 0) {
        fclose(fp);
        cli_error(path, "the header has no column 'a' or 'b' (tab-separated: a, b[, dyad][, events])");
        return 0;
    }
    size_t line_no = 1;
    int ok = 1;
    while (ok && fgets(line, sizeof line, fp)) {
        line_no++;
        if (line[strspn(line, " \t\r\n")] == '\0') continue;
        int nf = batch_split_tabs(line, f, 16);
        if (nf != nh) {
            cli_error(path, "line %zu has %d fields, the header %d", line_no, nf, nh);
            ok = 0;
            break;
        }
        const char *la = subject_label(f[col[0]]), *lb = subject_label(f[col[1]]);
        const char *events = col[3] >= 0 && strcmp(f[col[3]], "n/a") != 0 ? f[col[3]] : "";
        if (la && lb) { /* a subject pair: one dyad per shared session */
            char pair[256];
            if (col[2] >= 0) snprintf(pair, sizeof pair, "%s", f[col[2]]);
            else snprintf(pair, sizeof pair, "%s-%s", la, lb);
            if (!is_bids_root(dir)) {
                cli_error(path, "line %zu: subjects %s and %s: the dyads file must lie in the BIDS dataset's root "
                          "(beside dataset_description.json)", line_no, f[col[0]], f[col[1]]);
                ok = 0;
            } else if (events[0]) {
                cli_error(path, "line %zu: a subject pair takes each session's BIDS events, not '%s'", line_no, events);
                ok = 0;
            } else {
                ok = pair_sessions(path, line_no, dir, pair, la, lb, l, unpaired);
            }
            continue;
        }
        sync_dyad *y = push(l);
        if (!y) {
            cli_error(path, "out of memory");
            ok = 0;
            break;
        }
        joined(y->a, sizeof y->a, dir, f[col[0]]);
        joined(y->b, sizeof y->b, dir, f[col[1]]);
        if (events[0]) joined(y->events, sizeof y->events, dir, events);
        if (col[2] >= 0) snprintf(y->name, sizeof y->name, "%s", f[col[2]]);
        else snprintf(y->name, sizeof y->name, "dyad-%zu", l->n);
        snprintf(y->pair, sizeof y->pair, "%s", y->name);
        batch_bids_entity(y->a, "ses", y->ses, sizeof y->ses);
        batch_bids_entity(y->a, "task", y->task, sizeof y->task);
        batch_bids_entity(y->a, "run", y->run, sizeof y->run);
        ok = name_ok(path, line_no, l, y->name);
    }
    fclose(fp);
    return ok;
}

/* participants.tsv of a BIDS root: the participants sharing a `dyad` value are a pair. */
static int read_participants(const char *root, dyad_list *l, json_t *unpaired)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/participants.tsv", root);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        cli_error(path, "cannot open it (%s): a BIDS dataset's dyads come from participants.tsv's 'dyad' column",
                  strerror(errno));
        return 0;
    }
    char line[4096];
    char *f[64];
    int col[2]; /* participant_id, dyad */
    static const char *const names[2] = {"participant_id", "dyad"};
    int nh = fgets(line, sizeof line, fp) ? batch_split_tabs(line, f, 64) : 0;
    find_columns(f, nh, names, col, 2);
    if (col[0] < 0 || col[1] < 0) {
        fclose(fp);
        cli_error(path, "no column '%s': want participant_id and dyad (the pair each participant belongs to)",
                  col[0] < 0 ? "participant_id" : "dyad");
        return 0;
    }
    /* the rows: subject label and dyad, in file order */
    typedef struct { char sub[64], dyad[128]; size_t line; int done; } row;
    row *rows = NULL;
    size_t n = 0, cap = 0, line_no = 1;
    int ok = 1;
    while (ok && fgets(line, sizeof line, fp)) {
        line_no++;
        if (line[strspn(line, " \t\r\n")] == '\0') continue;
        int nf = batch_split_tabs(line, f, 64);
        if (nf != nh) {
            cli_error(path, "line %zu has %d fields, the header %d", line_no, nf, nh);
            ok = 0;
            break;
        }
        const char *label = subject_label(f[col[0]]);
        if (!label) {
            cli_error(path, "line %zu: '%s' is not a participant_id (sub-<label>)", line_no, f[col[0]]);
            ok = 0;
            break;
        }
        if (strcmp(f[col[1]], "n/a") == 0 || !f[col[1]][0]) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            row *p = realloc(rows, cap * sizeof *p);
            if (!p) {
                cli_error(path, "out of memory");
                ok = 0;
                break;
            }
            rows = p;
        }
        snprintf(rows[n].sub, sizeof rows[n].sub, "%s", label);
        snprintf(rows[n].dyad, sizeof rows[n].dyad, "%s", f[col[1]]);
        rows[n].line = line_no;
        rows[n++].done = 0;
    }
    fclose(fp);
    for (size_t i = 0; ok && i < n; i++) {
        if (rows[i].done) continue;
        size_t partner = n, count = 1;
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(rows[j].dyad, rows[i].dyad) == 0) {
                if (partner == n) partner = j;
                count++;
                rows[j].done = 1;
            }
        if (count > 2) {
            cli_error(path, "dyad '%s' has %zu participants: a dyad is two", rows[i].dyad, count);
            ok = 0;
        } else if (partner == n) {
            json_array_append_new(unpaired, json_sprintf("sub-%s (the only participant of dyad %s)", rows[i].sub,
                                                         rows[i].dyad));
            fprintf(stderr, "psyphys: %s: warning: sub-%s is the only participant of dyad '%s'\n", path, rows[i].sub,
                    rows[i].dyad);
        } else {
            ok = pair_sessions(path, rows[partner].line, root, rows[i].dyad, rows[i].sub, rows[partner].sub, l,
                               unpaired);
        }
    }
    free(rows);
    return ok;
}

int sync_dyads_read(const char *spec, sync_dyad **out, size_t *n, json_t *unpaired)
{
    dyad_list l = {0};
    int ok;
    if (is_dir(spec)) {
        ok = is_bids_root(spec);
        if (!ok) cli_error(spec, "a folder of dyads must be a BIDS dataset (dataset_description.json, participants.tsv)");
        ok = ok && read_participants(spec, &l, unpaired);
    } else {
        ok = read_file(spec, &l, unpaired);
    }
    if (ok && l.n == 0) {
        cli_error(spec, "no dyad in it");
        ok = 0;
    }
    if (!ok) {
        free(l.d);
        return 0;
    }
    *out = l.d;
    *n = l.n;
    return 1;
}

int sync_dyad_fingerprint(const char *a, const char *b, const char *events, char hex[65])
{
    char part[3][66] = {"", "", ""};
    const char *rec[2] = {a, b};
    batch_filter f;
    memset(&f, 0, sizeof f);
    for (int k = 0; k < 2; k++) {
        struct stat sb;
        if (stat(rec[k], &sb) != 0 || !S_ISREG(sb.st_mode)) return 0; /* the run says why */
        batch_list l = {0};
        char *in[1] = {(char *)rec[k]};
        int ok = batch_discover(in, 1, &f, &l) && l.n == 1 && batch_fingerprint(&l.items[0], part[k]);
        batch_list_free(&l);
        if (!ok) return 0;
    }
    if (events && events[0] && psy_sha256_file(events, part[2]) != PSY_OK) return 0;
    char all[3 * 68];
    int n = snprintf(all, sizeof all, "%s\n%s\ne%s\n", part[0], part[1], part[2]);
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, (size_t)n, (const uint8_t *)all);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return 1;
}
