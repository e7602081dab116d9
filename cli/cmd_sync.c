/* psyphys sync — interpersonal physiological synchrony of two recordings of one session
 * (psyphys/sync.h): the signals on a common grid, windowed lagged cross-correlation, the
 * skin-conductance concordance index, surrogate p values, per session segment and for the whole
 * session; STEM_sync.tsv and STEM_sync-windows.tsv with JSON sidecars. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "provenance.h"
#include "sync_run.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys sync A B -o OUTDIR [--signal hr|eda|resp|scl|phasic]... [--events FILE]\n"
            "                    [--segments events|markers|window:W[:STEP]] [--offset S] [settings]\n"
            "                    [--stem STEM] [--overwrite] [input options]\n\n"
            "Physiological synchrony of two people recorded in one session (therapist and client):\n"
            "each signal on a common grid, the recordings aligned by their start times (B's start\n"
            "minus A's, plus --offset), windowed lagged cross-correlation (Boker et al. 2002) with\n"
            "the peak r and its lag per window (lag > 0: B follows A), for eda also the concordance\n"
            "index of Marci et al. 2007, each tested against surrogates that pair A with B's signal\n"
            "from another time of the session (Moulder et al. 2018), per session segment and for the\n"
            "whole session. Writes OUTDIR/STEM_sync.tsv (label, onset, duration, signal, r, lag_s,\n"
            "p_surrogate, n_windows, n_surrogates, concordance, p_concordance) and\n"
            "OUTDIR/STEM_sync-windows.tsv (onset, signal, r, lag_s), each with a JSON sidecar.\n\n"
            "  --signal S         hr (ECG, RR or HR channel), eda (skin conductance), resp, scl (tonic\n"
            "                     level), phasic (eda minus scl); repeat for several (default: hr, eda\n"
            "                     and resp where both recordings have them)\n"
            "  --ecg/--hr/--eda/--rsp LABEL   the channel of that kind, in both recordings (--eda also\n"
            "                     for scl and phasic; --resp: the same as --rsp)\n"
            "  --events FILE      session events (on A's clock; Unix-time onsets are taken as such)\n"
            "  --segments RULE    events (default: every event with a duration), markers (from each\n"
            "                     event to the next), window:W[:STEP] (s)\n"
            "  --offset S         seconds added to B's start (a clock that is off)\n"
            "  --align-starts     take the recordings to start together (+ --offset), whatever their\n"
            "                     clocks say (recordings of different sessions: pseudo-dyads)\n"
            "  --stem STEM        output name stem (default: A's name, and B's when it differs)\n"
            "  --report           also OUTDIR/STEM_sync-report.html: lag x time correlation maps\n"
            "  --overwrite        replace existing outputs\n\n"
            "settings (defaults):\n"
            "  --grid HZ          4      common grid         --window S       30   window length\n"
            "  --step S           5      window step         --max-lag S      5    largest lag either way\n"
            "  --surrogates N     1000   (0: no p values)    --seed N         1\n\n");
    cli_print_input_options_help(out);
}

static int number(const char *opt, const char *text, double lo, double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v) || v < lo || v > hi) {
        cli_error(NULL, "sync: %s: '%s' is not a number in %g .. %g", opt, text, lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

int cmd_sync(int argc, char **argv)
{
    sync_run_options o;
    sync_run_options_init(&o);
    const char *paths[2] = {NULL, NULL};
    int n_paths = 0;
    static const char *const with_value[] = {"-o", "--signal", "--segments", "--offset", "--grid",
                                             "--window", "--step", "--max-lag", "--surrogates", "--seed",
                                             "--stem", "--ecg", "--hr", "--eda", "--rsp", "--resp", NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = cli_parse_input_option(&o.input, argc, argv, &i);
        if (taken < 0) return CLI_USAGE;
        if (taken) continue;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            help(stdout);
            return CLI_OK;
        }
        if (strcmp(a, "--overwrite") == 0) {
            o.overwrite = 1;
            continue;
        }
        if (strcmp(a, "--report") == 0) {
            o.report = 1;
            continue;
        }
        if (strcmp(a, "--align-starts") == 0) {
            o.align_starts = 1;
            continue;
        }
        if (a[0] == '-' && a[1] != '\0') {
            int known = 0;
            for (int k = 0; with_value[k]; k++) known |= strcmp(a, with_value[k]) == 0;
            if (!known || i + 1 >= argc) return cli_refuse_option("sync", a, with_value);
            const char *v = argv[++i];
            double d = 0;
            if (strcmp(a, "-o") == 0) o.outdir = v;
            else if (strcmp(a, "--stem") == 0) o.stem = v;
            else if (strcmp(a, "--ecg") == 0 || strcmp(a, "--hr") == 0) o.channel[PSY_SYNC_HR] = v;
            else if (strcmp(a, "--eda") == 0) o.channel[PSY_SYNC_EDA] = v;
            else if (cli_is_resp_option(a)) o.channel[PSY_SYNC_RESP] = v;
            else if (strcmp(a, "--signal") == 0) {
                psy_sync_signal s;
                if (psy_sync_signal_parse(v, &s) != PSY_OK) {
                    cli_error(NULL, "sync: --signal: '%s' is not hr, eda, resp, scl or phasic", v);
                    return CLI_USAGE;
                }
                o.want[s] = 1;
            } else if (strcmp(a, "--segments") == 0) {
                if (!sync_parse_segments(v, &o)) return CLI_USAGE;
            } else if (strcmp(a, "--offset") == 0) {
                if (!number(a, v, -86400 * 366.0, 86400 * 366.0, &o.offset_s)) return CLI_USAGE;
            } else if (strcmp(a, "--grid") == 0) {
                if (!number(a, v, 0.5, 100, &o.config.grid_hz)) return CLI_USAGE;
            } else if (strcmp(a, "--window") == 0) {
                if (!number(a, v, 0.01, 86400, &o.config.window_s)) return CLI_USAGE;
            } else if (strcmp(a, "--step") == 0) {
                if (!number(a, v, 0.01, 86400, &o.config.step_s)) return CLI_USAGE;
            } else if (strcmp(a, "--max-lag") == 0) {
                if (!number(a, v, 0, 43200, &o.config.max_lag_s)) return CLI_USAGE;
            } else if (strcmp(a, "--surrogates") == 0) {
                if (!number(a, v, 0, 100000, &d) || d != floor(d)) {
                    if (d != floor(d)) cli_error(NULL, "sync: --surrogates wants a whole number, not '%s'", v);
                    return CLI_USAGE;
                }
                o.config.n_surrogates = (size_t)d;
            } else if (strcmp(a, "--seed") == 0) {
                if (!number(a, v, 0, 9007199254740992.0, &d) || d != floor(d)) {
                    if (d != floor(d)) cli_error(NULL, "sync: --seed wants a whole number, not '%s'", v);
                    return CLI_USAGE;
                }
                o.config.seed = (uint64_t)d;
            }
            continue;
        }
        if (n_paths == 2) {
            cli_error(NULL, "sync: two recordings, not more ('%s')", a);
            return CLI_USAGE;
        }
        paths[n_paths++] = a;
    }
    if (n_paths < 2) {
        cli_error(NULL, "sync: needs two recordings A and B (see psyphys sync --help)");
        return CLI_USAGE;
    }
    if (!o.outdir) {
        cli_error(NULL, "sync: -o OUTDIR is required (see psyphys sync --help)");
        return CLI_USAGE;
    }
    psy_message why;
    if (psy_sync_config_check(&o.config, &why) != PSY_OK) {
        cli_error(NULL, "sync: %s", why.text);
        return CLI_USAGE;
    }
    return sync_run(paths[0], paths[1], &o);
}
