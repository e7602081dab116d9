/* psyphys score-beats — compare detected beats with reference beats (ANSI/AAMI EC57). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys score-beats --ref REF --test TEST [--from S] [--window S] [--fs HZ]\n"
            "                           [--override-fs] [--json]\n\n"
            "Beat-by-beat comparison per ANSI/AAMI EC57: each reference beat matches at most one\n"
            "test beat within the window (closest first); beats from --from seconds on are scored\n"
            "(default 300: the standard's 5-minute learning period; window default 0.15 s).\n"
            "Prints TP, FN, FP, sensitivity (Se), positive predictivity (+P) and the timing error\n"
            "(test - reference) in ms: median and 95th percentile of its magnitude.\n\n"
            "REF and TEST may each be a WFDB annotation file (.atr, .qrs, ...; beat codes only;\n"
            "its record's .hea beside it or --fs give the time base), a vendor's beat list or a\n"
            "Holter folder with one (its N, S, V ... beats; X, artifact, left out), rdann text\n"
            "output, or a TSV/CSV table with an 'onset' column in seconds or a 'sample' column\n"
            "(with --fs); rows whose 'label' is a non-beat WFDB code are left out. Every row of a\n"
            "'psyphys beats' table is a detection and is scored, whatever its RR class (an 'extra'\n"
            "label concerns the interval series, not whether the QRS is there). A header's rate\n"
            "wins over --fs unless --override-fs is given.\n");
}

typedef struct times {
    double *v;
    size_t n, cap;
} times;

static int push(times *t, double v)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 4096;
        double *p = realloc(t->v, cap * sizeof *p);
        if (!p) return 0;
        t->v = p;
        t->cap = cap;
    }
    t->v[t->n++] = v;
    return 1;
}

/* Beats of a WFDB annotation file, or of any recording with WFDB beat annotations or a vendor's
 * beat list (a Holter folder, the list itself: its classes that are WFDB beat codes; X, the
 * artifacts, is none). 1, or 0 after a message, or -1 (no message) when `quiet` and the file does
 * not open, unless it is a broken beat list: its reader's message says what is wrong. */
static int load_recording(const char *path, const psy_open_options *opt, times *t, int quiet)
{
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(path, opt, &r, &why);
    /* a table of times is read by load_text; a beat list with a fault is reported */
    if (st != PSY_OK && quiet && psy_check_beat_list(path, &why) != PSY_E_FORMAT) return -1;
    if (st != PSY_OK) {
        cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
        return 0;
    }
    if (!quiet) cli_note_rate(path, r, opt);
    int ok = 1;
    for (size_t i = 0; ok && i < psy_reader_event_count(r); i++) {
        const psy_event *e = psy_reader_event(r, i);
        if ((e->source == PSY_EVENTS_WFDB || e->source == PSY_EVENTS_DEVICE) && psy_wfdb_is_beat(e->code))
            ok = push(t, e->onset_s);
    }
    psy_reader_close(r);
    if (!ok) cli_error(path, "out of memory");
    return ok;
}

/* Splits a line in place at tabs, commas or semicolons (tables) or runs of spaces (rdann). */
static int split(char *line, char **cells, int max, int spaces)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        if (spaces)
            while (*p == ' ' || *p == '\t') p++;
        if (!*p || *p == '\n' || *p == '\r') break;
        cells[n++] = p;
        while (*p && *p != '\n' && *p != '\r' &&
               !(spaces ? (*p == ' ' || *p == '\t') : (*p == '\t' || *p == ',' || *p == ';')))
            p++;
        if (!*p || *p == '\n' || *p == '\r') {
            *p = '\0';
            break;
        }
        *p++ = '\0';
    }
    return n;
}

static int find_column(char **cells, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(cells[i], name) == 0) return i;
    return -1;
}

static int parse_number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && !*end && !errno && isfinite(*v);
}

/* A row's label counts as a beat unless it names a WFDB non-beat (noise, rhythm change, ...).
 * The RR classes of a beats table (N, ectopic, missed, extra, long, short) label intervals:
 * each row is a detection, and EC57 scores every detection of the detector. */
static int is_beat_label(const char *label)
{
    int code = psy_wfdb_code(label);
    return code == 0 || psy_wfdb_is_beat(code);
}

/* rdann text ("Time Sample # Type Sub Chan Num Aux") or a table with a header row: 1, or 0 after
 * a message, or -1 (no message) when the first line names no 'onset' or 'sample' column. */
static int load_text(const char *path, double fs, times *t)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error(path, "cannot open it");
        return 0;
    }
    char line[4096], *cells[32];
    int ok = 1, rdann = 0, onset_col = -1, sample_col = -1, label_col = -1;
    long row = 0;
    if (!fgets(line, sizeof line, f)) {
        cli_error(path, "is empty");
        ok = 0;
    } else if (strstr(line, "Sample #") || strstr(line, "Sample#")) {
        rdann = 1;
        sample_col = 1, label_col = 2;
    } else {
        int n = split(line, cells, 32, 0);
        onset_col = find_column(cells, n, "onset");
        sample_col = find_column(cells, n, "sample");
        label_col = find_column(cells, n, "label");
        if (label_col < 0) label_col = find_column(cells, n, "type");
        if (onset_col < 0 && sample_col < 0) ok = -1; /* not a table: perhaps a vendor's beat list */
    }
    if (ok == 1 && onset_col < 0 && !(fs > 0)) {
        cli_error(path, "gives beats as sample numbers: give their rate with --fs");
        ok = 0;
    }
    while (ok == 1 && fgets(line, sizeof line, f)) {
        row++;
        int n = split(line, cells, 32, rdann);
        if (n == 0) continue;
        if (label_col >= 0 && label_col < n && !is_beat_label(cells[label_col])) continue;
        double v;
        int col = onset_col >= 0 ? onset_col : sample_col;
        if (col >= n || !parse_number(cells[col], &v)) {
            if (col < n && strcmp(cells[col], "n/a") == 0) continue;
            cli_error(path, "line %ld: '%s' is not a number", row + 1, col < n ? cells[col] : "");
            ok = 0;
            break;
        }
        ok = push(t, onset_col >= 0 ? v : v / fs);
    }
    fclose(f);
    return ok;
}

static int looks_like_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    unsigned char buf[256];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == 0 || (buf[i] < 0x20 && !isspace(buf[i]))) return 0;
    return n > 0;
}

static int load_beats(const char *path, const psy_open_options *opt, times *t)
{
    int ok = looks_like_text(path) ? load_text(path, opt->sampling_rate_hz, t) : load_recording(path, opt, t, 0);
    if (ok < 0 && (ok = load_recording(path, opt, t, 1)) != 0 && (ok < 0 || !t->n)) {
        cli_error(path, "has no 'onset' (s) or 'sample' column in its header");
        ok = 0;
    }
    for (size_t i = 1; ok && i < t->n; i++)
        if (t->v[i] < t->v[i - 1]) {
            cli_error(path, "beat times are not in order (beat %zu)", i + 1);
            ok = 0;
        }
    return ok;
}

int cmd_score_beats(int argc, char **argv)
{
    const char *ref_path = NULL, *test_path = NULL;
    double from = 300, window = 0.15, fs = 0;
    int as_json = 0, override_fs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        double *number = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (strcmp(a, "--ref") == 0 && has_value) {
            ref_path = argv[++i];
        } else if (strcmp(a, "--test") == 0 && has_value) {
            test_path = argv[++i];
        } else if (strcmp(a, "--json") == 0) {
            as_json = 1;
        } else if (strcmp(a, "--override-fs") == 0) {
            override_fs = 1;
        } else if (strcmp(a, "--from") == 0 && has_value) {
            number = &from;
        } else if (strcmp(a, "--window") == 0 && has_value) {
            number = &window;
        } else if (strcmp(a, "--fs") == 0 && has_value) {
            number = &fs;
        } else if (a[0] == '-' && a[1]) {
            static const char *const with_value[] = {"--ref", "--test", "--from", "--window", "--fs", NULL};
            return cli_refuse_option("score-beats", a, with_value);
        } else {
            cli_error(NULL, "score-beats: unexpected argument '%s' (REF and TEST go with --ref and --test)", a);
            return CLI_USAGE;
        }
        if (number && (!parse_number(argv[++i], number) || *number < 0 ||
                       (number != &from && *number == 0))) {
            cli_error(NULL, "score-beats: %s wants a positive number, not '%s'", a, argv[i]);
            return CLI_USAGE;
        }
    }
    if (!ref_path || !test_path) {
        help(stderr);
        return CLI_USAGE;
    }
    if (override_fs && !(fs > 0)) {
        cli_error(NULL, "score-beats: --override-fs replaces a header's rate by --fs HZ: give --fs");
        return CLI_USAGE;
    }
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = fs;
    opt.override_rate = override_fs;
    times ref = {0}, test = {0};
    psy_beat_score s;
    int rc = CLI_FAILED;
    if (load_beats(ref_path, &opt, &ref) && load_beats(test_path, &opt, &test) &&
        psy_score_beats(ref.v, ref.n, test.v, test.n, from, window, &s) == PSY_OK) {
        if (as_json) {
            json_t *o = json_pack("{s:s,s:s,s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f,s:f}",
                                  "reference", ref_path, "test", test_path, "from_s", from,
                                  "window_s", window, "n_reference", (json_int_t)s.n_ref,
                                  "n_test", (json_int_t)s.n_test, "tp", (json_int_t)s.tp, "fn",
                                  (json_int_t)s.fn, "fp", (json_int_t)s.fp, "se_percent",
                                  100 * s.se, "ppv_percent", 100 * s.ppv, "median_error_ms",
                                  s.median_error_ms, "median_abs_error_ms", s.median_abs_error_ms,
                                  "p95_abs_error_ms", s.p95_abs_error_ms);
            char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
            if (text) puts(text);
            free(text);
            json_decref(o);
        }
        else
            printf("reference  %s: %zu beats scored from %g s\n"
                   "test       %s: %zu beats scored\n"
                   "TP %zu  FN %zu  FP %zu  Se %.3f %%  +P %.3f %%\n"
                   "timing error (test - reference): median %.1f ms, |error| median %.1f ms, "
                   "95th percentile %.1f ms\n",
                   ref_path, s.n_ref, from, test_path, s.n_test, s.tp, s.fn, s.fp, 100 * s.se,
                   100 * s.ppv, s.median_error_ms, s.median_abs_error_ms, s.p95_abs_error_ms);
        rc = CLI_OK;
    }
    free(ref.v);
    free(test.v);
    return rc;
}
