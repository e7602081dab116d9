/* psyphys score-beats — compare detected beats with reference beats (ANSI/AAMI EC57). */
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

static int parse_number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && !*end && !errno && isfinite(*v);
}

/* The beats of REF or TEST (psy_beat_times_load), with the rate rule's note for a recording. */
static int load_beats(const char *path, const psy_open_options *opt, psy_beat_times *t)
{
    psy_message why;
    if (psy_beat_times_load(path, opt, t, &why) != PSY_OK) {
        cli_error(path, "%s", why.text);
        return 0;
    }
    if (t->from_recording) cli_note_rate_of(path, t->rate_origin, t->declared_rate_hz, opt);
    return 1;
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
    psy_beat_times ref = {0}, test = {0};
    psy_beat_score s;
    int rc = CLI_FAILED;
    if (load_beats(ref_path, &opt, &ref) && load_beats(test_path, &opt, &test) &&
        psy_score_beats(ref.onset_s, ref.n, test.onset_s, test.n, from, window, &s) == PSY_OK) {
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
    psy_beat_times_free(&ref);
    psy_beat_times_free(&test);
    return rc;
}
