/* Session folders: a folder holding a device's export opens as one recording (the files are
 * combined by folder_reader.c):
 *  - an Empatica E4 session folder (ACC.csv, BVP.csv, EDA.csv, HR.csv, IBI.csv, TEMP.csv,
 *    tags.csv; each sensor file states its own Unix start and rate; info.txt describes them);
 *  - a Garmin log folder (an Android logger app's data.csv and acc.csv, FLIRT's test data: each
 *    file's first ISO 8601 timestamp is its start), told by data.csv's first line;
 *  - a Holter folder (FLIRT's holter/): one ISHNE .ecg file and the recorder software's beat list
 *    beside it (same name, .txt), whose beats (N, S, X ...) are the recording's device events, as
 *    a WFDB record's .atr beats are its annotations: a reference, not a channel.
 * A folder may hold the exports of several devices: the first of them (E4, Garmin, Holter)
 * opens, and each other joins it when both starts are clock times with their UTC offset (E4's
 * Unix times, a Garmin log's "+02:00") and their spans overlap or lie within SESSION_GAP_S: each
 * file is placed by its own clock time, a channel label another device took gets the device's
 * name ("ACC X (Garmin)"). Whatever the case, every entry of the folder the recording does not
 * read is named in a warning with why (another device's, empty, not a regular file, no file of
 * the export): nothing a user gave is dropped without a word, but for hidden entries, subfolders
 * (not searched) and the E4's info.txt. A folder with none of them is no recording; when it holds
 * data.csv beside acc.csv that is no Garmin log (an empty one), the error says so. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device_readers.h" /* garmin_layout */
#include "folder_combine.h"

/* The exports a folder may hold, in the order the first found opens when they cannot be combined. */
enum { E4_EXPORT, GARMIN_EXPORT, HOLTER_EXPORT, N_EXPORTS };

typedef struct export_kind {
    const char *device; /* "<device> folder" is the recording's format */
    const char *doc;    /* a file of the export that holds no data (NULL: none) */
} export_kind;

#define E4 "Empatica E4"
static const export_kind kinds[N_EXPORTS] = {{E4, "info.txt"}, {"Garmin", NULL}, {"Holter", NULL}};

static const folder_member e4_files[] = {
    {"BVP.csv", "empatica", 0, E4}, {"EDA.csv", "empatica", 0, E4}, {"TEMP.csv", "empatica", 0, E4},
    {"ACC.csv", "empatica", 0, E4}, {"HR.csv", "empatica", 0, E4},  {"IBI.csv", "empatica", 0, E4},
    {"tags.csv", "empatica", 1, E4}};
static const folder_member garmin_files[] = {{"data.csv", "garmin", 0, "Garmin"}, {"acc.csv", "garmin", 0, "Garmin"}};
/* the files of every export (a Holter's: 2) join one recording (folder_join) */
_Static_assert(sizeof e4_files / sizeof *e4_files + sizeof garmin_files / sizeof *garmin_files + 2 <= FOLDER_FILES,
               "FOLDER_FILES too small");

/* The first bytes of dir/name into buf (up to size): how many, or -1 when it cannot be read or
 * is not a regular file (a named pipe would block the open, as the readers refuse it anyway). */
static long head_of(const char *dir, const char *name, char *buf, size_t size)
{
    char *path = folder_path_in(dir, name);
    if (!path) return -1;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    free(path);
    if (fd < 0) return -1;
    struct stat st;
    long n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
    while (n >= 0 && (size_t)n < size) {
        ssize_t k = read(fd, buf + n, size - (size_t)n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            if (k < 0) n = -1;
            break;
        }
        n += k;
    }
    close(fd);
    return n;
}

static int ishne_magic(const char *dir, const char *name)
{
    char head[8];
    long n = head_of(dir, name, head, sizeof head);
    return n < 0 || (n == 8 && memcmp(head, "ISHNE1.0", 8) == 0);
}

/* dir's entry named `stem` + `ext`, the case of both aside, an exact match first (malloc'd;
 * NULL when none, or out of memory with errno ENOMEM). */
static char *entry_like(const char *dir, const char *stem, size_t stem_len, const char *ext)
{
    size_t len = stem_len + strlen(ext);
    char *want = malloc(len + 1), *found = NULL;
    DIR *d = want ? opendir(dir) : NULL;
    if (!want) errno = ENOMEM;
    if (!d) {
        free(want);
        return NULL;
    }
    memcpy(want, stem, stem_len);
    strcpy(want + stem_len, ext);
    for (struct dirent *e; (e = readdir(d));) {
        if (strlen(e->d_name) != len || !psy_strieq(e->d_name, want)) continue;
        int exact = strcmp(e->d_name, want) == 0;
        if (found && !exact) continue;
        free(found);
        found = strdup(e->d_name);
        if (!found || exact) break;
    }
    closedir(d);
    free(want);
    return found;
}

/* What a folder holds: the exports found, the Holter's two names (malloc'd), and why a data.csv
 * beside acc.csv is no Garmin log (NULL: none such). */
typedef struct folder_scan {
    int has[N_EXPORTS];
    char *ecg, *txt;
    const char *garmin_miss;
    const char *ecg_miss; /* why a .ecg makes no Holter (NULL: none such) */
} folder_scan;

/* An ISHNE file by its name (a Holter export's .ecg, any case). */
static int is_ecg_name(const char *name) { return strlen(name) > 4 && psy_has_suffix_ci(name, ".ecg"); }

/* Scans dir: an E4 export (one of its sensor files, by name); a Garmin log (data.csv, its first
 * line a Garmin data log row, and acc.csv; a data.csv that cannot be read is taken by its name,
 * so opening it names it); a Holter (one .ecg starting with the ISHNE magic, no WFDB header of
 * its name beside it, and its beat list, the same name in .txt, case aside). A Garmin file or an
 * ISHNE file alone is none: it opens as a file. 0, or -1 when dir cannot be listed (errno says
 * why); free sc->ecg and sc->txt after either. */
static int scan_folder(const char *dir, folder_scan *sc)
{
    memset(sc, 0, sizeof *sc);
    DIR *d = opendir(dir);
    if (!d) return -1;
    int garmin = 0, n_ecg = 0;
    for (struct dirent *e; (e = readdir(d));) {
        for (size_t k = 0; k < sizeof e4_files / sizeof *e4_files; k++)
            sc->has[E4_EXPORT] |= !e4_files[k].events_only && strcmp(e->d_name, e4_files[k].name) == 0;
        for (int k = 0; k < 2; k++) garmin |= (strcmp(e->d_name, garmin_files[k].name) == 0) << k;
        if (is_ecg_name(e->d_name) && n_ecg++ == 0) sc->ecg = strdup(e->d_name);
    }
    closedir(d);
    if (n_ecg == 1 && !sc->ecg) {
        errno = ENOMEM;
        return -1;
    }
    if (garmin == 3) {
        char head[GARMIN_HEAD];
        long n = head_of(dir, "data.csv", head, sizeof head);
        if (n < 0 || garmin_layout(head, (size_t)n) == 3) sc->has[GARMIN_EXPORT] = 1;
        else sc->garmin_miss = n == 0 ? "is empty" : "does not start with a Garmin log row (time;TYPE;value)";
    }
    if (n_ecg == 1 && ishne_magic(dir, sc->ecg)) {
        size_t stem = strlen(sc->ecg) - 4;
        errno = 0;
        char *hea = entry_like(dir, sc->ecg, stem, ".hea");
        sc->txt = hea ? NULL : entry_like(dir, sc->ecg, stem, ".txt");
        free(hea);
        if (errno == ENOMEM) return -1;
        sc->has[HOLTER_EXPORT] = sc->txt != NULL;
        if (!hea && !sc->txt) sc->ecg_miss = "an ISHNE file without its beat list (the same name in .txt)";
    }
    if (n_ecg > 1) sc->ecg_miss = "one of several .ecg files (a Holter folder holds one, with its beat list .txt)";
    return 0;
}

int psy_is_session_folder(const char *path)
{
    if (!path) return 0;
    folder_scan sc;
    int listed = scan_folder(path, &sc) == 0, any = 0;
    for (int k = 0; listed && k < N_EXPORTS; k++) any |= sc.has[k];
    free(sc.ecg), free(sc.txt);
    return any;
}

/* An export's files. */
typedef struct export_files {
    const folder_member *m;
    size_t n;
} export_files;

/* Devices of one session are recorded together: their spans overlap, or one is started within
 * this many seconds of the other's end (put on one after the other). A longer pause is another
 * sitting: combined, its gap would be a stretch of empty HRV windows and segments, a table
 * filled with n/a rows (FLIRT's E4 and Garmin exports, 127 days apart, made 37,027 rows). */
#define SESSION_GAP_S 60.0

/* "127 days", "3 min", "90 s". */
static void say_duration(char *buf, size_t size, double s)
{
    if (s < 120) snprintf(buf, size, "%.0f s", s);
    else if (s < 7200) snprintf(buf, size, "%.0f min", s / 60);
    else if (s < 2 * 86400) snprintf(buf, size, "%.0f h", s / 3600);
    else snprintf(buf, size, "%.0f days", s / 86400);
}

/* 1 when export k, spanning b (folder_clock_span), is not of the session of export k0, spanning
 * a, by SESSION_GAP_S, with why. */
static int session_apart(const double a[2], const double b[2], int k0, int k, char *why, size_t size)
{
    double after = b[0] - a[1], before = a[0] - b[1];
    if (after <= SESSION_GAP_S && before <= SESSION_GAP_S) return 0;
    char gap[32];
    say_duration(gap, sizeof gap, after > 0 ? after : before);
    snprintf(why, size, "a %s file, recorded %s %s the %s's recording (more than %.0f s apart): not the same "
             "session (open it on its own)", kinds[k].device, gap, after > 0 ? "after" : "before", kinds[k0].device,
             SESSION_GAP_S);
    return 1;
}

/* 1 when `name` is one of r's files (the files it reads). */
static int read_by(const psy_reader *r, const char *name)
{
    for (size_t i = 0; i < psy_reader_file_count(r); i++) {
        const char *path = psy_reader_file(r, i), *slash = strrchr(path, '/');
        if (strcmp(slash ? slash + 1 : path, name) == 0) return 1;
    }
    return 0;
}

/* Why the entry `name` of dir, which r does not read, is not read (NULL: it is a subfolder,
 * which is not searched, or the documentation of an export read); `buf` holds a system reason. */
static const char *unread_reason(const char *dir, const char *name, const folder_scan *sc, const export_files *files,
                                 char why[][PSY_MESSAGE_SIZE], const char *garmin_why, char *buf, size_t size)
{
    if (garmin_why[0] && (strcmp(name, "data.csv") == 0 || strcmp(name, "acc.csv") == 0)) return garmin_why;
    if (sc->ecg_miss && is_ecg_name(name)) return sc->ecg_miss;
    for (int k = 0; k < N_EXPORTS; k++) {
        if (!sc->has[k]) continue;
        if (!why[k][0] && kinds[k].doc && strcmp(name, kinds[k].doc) == 0) return NULL;
        for (size_t m = 0; why[k][0] && m < files[k].n; m++)
            if (strcmp(name, files[k].m[m].name) == 0) return why[k];
    }
    char *path = folder_path_in(dir, name);
    struct stat sb;
    int found = path && stat(path, &sb) == 0;
    if (!found) snprintf(buf, size, "cannot be read (%s)", strerror(path ? errno : ENOMEM));
    free(path);
    if (!found) return buf;
    if (S_ISDIR(sb.st_mode)) return NULL;
    if (!S_ISREG(sb.st_mode)) return "not a regular file";
    return sb.st_size == 0 ? "the file is empty" : "not a file of the devices' exports";
}

/* At most this many files are named one by one (a folder may hold thousands). */
#define UNREAD_NAMED 16

/* Warns on r of every entry of dir that r does not read, in name order, with why: a file of an
 * export found but not read (why[k] says why), of a Garmin pair whose data.csv is no log, an
 * ISHNE file without its beat list, an empty file, one that is no regular file, any other (not
 * the read exports' documentation, nor hidden entries and subfolders, which are not searched). */
static void warn_unread(psy_reader *r, const char *dir, const folder_scan *sc, const export_files *files,
                        char why[][PSY_MESSAGE_SIZE])
{
    char garmin_why[128] = "", buf[128];
    if (sc->garmin_miss)
        snprintf(garmin_why, sizeof garmin_why, "no Garmin log: data.csv %s (open the file on its own)", sc->garmin_miss);
    DIR *d = opendir(dir);
    if (!d) return;
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.' && !read_by(r, e->d_name) && psy_grow(&names, sizeof *names, &cap, n + 1) &&
            (names[n] = strdup(e->d_name)) != NULL)
            n++;
    closedir(d);
    if (n > 1) qsort(names, n, sizeof *names, folder_compare_names);
    size_t named = 0, more = 0;
    for (size_t i = 0; i < n; i++) {
        const char *reason = unread_reason(dir, names[i], sc, files, why, garmin_why, buf, sizeof buf);
        if (reason && named < UNREAD_NAMED) psy_reader_warn(r, "%s: not read: %s", names[i], reason), named++;
        else if (reason) more++;
        free(names[i]);
    }
    free(names);
    if (more) psy_reader_warn(r, "%zu more files of the folder not read", more);
}

static const char no_session[] = "is a directory, not a recording (no Empatica E4 sensor file such as BVP.csv "
                                 "or EDA.csv, Garmin log data.csv with acc.csv, or ISHNE Holter .ecg with its "
                                 "beat list .txt in it)";

/* Opens the files of export k of dir (folder_open). */
static psy_status open_export(const char *dir, int k, const export_files *files, folder_files *out, psy_message *why)
{
    return folder_open(dir, files[k].m, files[k].n, BY_UNIX_START, no_session, out, why);
}

/* Opens the exports found[0 .. n_found) of dir as one recording: the first, and those whose
 * start is a clock time with its UTC offset, as the first's is, and whose span overlaps the
 * first's or lies within SESSION_GAP_S of it. Each file is opened once: the others' files join
 * the first's, or are closed, before they are all combined. */
static psy_status open_exports(const char *dir, const folder_scan *sc, const int *found, int n_found,
                               const export_files *files, psy_reader **out, psy_message *why)
{
    char why_not[N_EXPORTS][PSY_MESSAGE_SIZE] = {{0}}, format[128];
    folder_files taken; /* the first export's files, and those of the others that join them */
    int k0 = found[0];
    psy_status st = open_export(dir, k0, files, &taken, why);
    if (st != PSY_OK) return st;
    double first_span[2], span[2];
    int first_clock = folder_clock_span(&taken, first_span);
    snprintf(format, sizeof format, "%s", kinds[k0].device);
    for (int j = 1; j < n_found; j++) {
        int k = found[j];
        folder_files other;
        psy_message sub = {{0}};
        if (open_export(dir, k, files, &other, &sub) != PSY_OK) {
            snprintf(why_not[k], sizeof why_not[k], "a %s file, and its export cannot be read (%s)", kinds[k].device, sub.text);
            continue;
        }
        if (!first_clock || !folder_clock_span(&other, span))
            snprintf(why_not[k], sizeof why_not[k], "a %s file, whose start and the %s's are not both clock times "
                     "with a UTC offset, so they cannot be lined up (open it on its own)", kinds[k].device, kinds[k0].device);
        else if (!session_apart(first_span, span, k0, k, why_not[k], sizeof why_not[k])) {
            size_t len = strlen(format);
            snprintf(format + len, sizeof format - len, " + %s", kinds[k].device);
            folder_join(&taken, &other);
        }
        folder_close(&other); /* not taken (joined: nothing left) */
    }
    size_t len = strlen(format);
    snprintf(format + len, sizeof format - len, " folder");
    st = folder_combine(&taken, BY_UNIX_START, format, out, why);
    if (st == PSY_OK) warn_unread(*out, dir, sc, files, why_not);
    return st;
}

psy_status psy_open_folder(const char *dir, psy_reader **out, psy_message *why)
{
    *out = NULL;
    folder_scan sc;
    if (scan_folder(dir, &sc) < 0) {
        int err = errno;
        free(sc.ecg), free(sc.txt);
        return psy_fail(why, err == ENOMEM ? PSY_E_NOMEM : PSY_E_IO, "cannot list its files: %s", strerror(err));
    }
    folder_member holter[] = {{sc.ecg, "ishne", 0, "Holter"}, {sc.txt, "beat-list", 1, "Holter"}};
    const export_files files[N_EXPORTS] = {
        {e4_files, sizeof e4_files / sizeof *e4_files}, {garmin_files, 2}, {holter, 2}};
    int found[N_EXPORTS], n_found = 0;
    for (int k = 0; k < N_EXPORTS; k++)
        if (sc.has[k]) found[n_found++] = k;
    psy_status st;
    if (n_found) st = open_exports(dir, &sc, found, n_found, files, out, why);
    else if (sc.garmin_miss)
        st = psy_fail(why, PSY_E_IO, "is a directory, not a recording: its data.csv %s, so it is no Garmin log "
                      "folder (open data.csv and acc.csv one by one), and it holds no Empatica E4 sensor file or "
                      "ISHNE Holter .ecg with its .txt", sc.garmin_miss);
    else
        st = psy_fail(why, PSY_E_IO, "%s", no_session);
    free(sc.ecg), free(sc.txt);
    return st;
}
