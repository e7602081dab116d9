/* psyphys analyze: its options, from defaults, a --config file and the command line. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys analyze FILE [-o OUTDIR] [--segments events|markers|window:W[:STEP]]\n"
            "                       [--epochs LABEL]... [--pre S] [--post S] [--latency MIN:MAX]\n"
            "                       [--ecg LABEL] [--ppg LABEL] [--hr LABEL] [--eda LABEL]\n"
            "                       [--rsp|--resp LABEL] [--edr]\n"
            "                       [--eda-method fast|deconv] [--hrv-window W:STEP]\n"
            "                       [--layout auto|bids|flat] [--config FILE]\n"
            "                       [--report] [--overwrite] [input options]\n\n"
            "Beats, artefact-corrected NN intervals and HRV from the ECG (or RR) channel, else\n"
            "the pulses of the PPG channel (pulse rate variability, said in the sidecars), skin\n"
            "conductance responses and level from the EDA channel, breaths, breathing rate and RSA\n"
            "from the RSP channel, per session phase (segment) and around each event (epoch). Prints\n"
            "a summary; with -o writes into OUTDIR: STEM_beats, _scr, _breaths, _segments, _epochs,\n"
            "_epoch-means and, for recordings of at least two HRV windows, _hrv-windows (.tsv, each\n"
            "with a .json sidecar).\n"
            "An input in a BIDS dataset (sub-X/[ses-Y/]DATATYPE/sub-X_..._physio.tsv.gz) writes the\n"
            "BIDS derivatives layout: OUTDIR/sub-X/[ses-Y/]DATATYPE/sub-X_..._beats.tsv, ... and\n"
            "OUTDIR/dataset_description.json.\n\n"
            "  --segments RULE   phases: each event with a duration (events, default), from each\n"
            "                    event to the next (markers), or windows of W s every STEP s;\n"
            "                    the whole recording is always the first segment\n"
            "  --epochs LABEL    events to take epochs around (repeatable; default: every session\n"
            "                    event, i.e. not WFDB beat labels or gap marks)\n"
            "  --pre S, --post S epoch window before and after the onset (default 1 and 10 s)\n"
            "  --latency MIN:MAX SCR latency window after an event (default 1:4 s)\n"
            "  --ecg/--eda/--rsp LABEL  the channels (--resp: the same as --rsp; default: the first\n"
            "                    of each type; of several ECG leads the best by quality over\n"
            "                    the first 300 s: share of usable 10-s windows, Orphanidou et\n"
            "                    al. 2015)\n"
            "  --ppg LABEL       the PPG channel (default: the first): its pulses are the beats\n"
            "                    without an ECG or RR channel, or when --ppg is given without\n"
            "                    --ecg; with an ECG they give the pulse arrival times (R-peak to\n"
            "                    pulse foot: STEM_pat.tsv, pat_* columns of the segments)\n"
            "  --edr             without an RSP channel, breaths derived from the ECG (QRS\n"
            "                    waveform and RR modulation, as psyphys resp --edr): less\n"
            "                    accurate than a respiration channel (README), with a warning\n"
            "  --hr LABEL        a heart-rate channel (bpm) instead of beats (default: the first\n"
            "                    HR channel when there is no ECG, RR or PPG channel): mean HR per\n"
            "                    segment and epoch HR responses, no HRV\n"
            "  --eda-method M    fast (filter, default, as psyphys eda) or deconv (Benedek &\n"
            "                    Kaernbach 2010)\n"
            "  --hrv-window W:STEP  HRV windows (default 300:300 s, consecutive 5 min)\n"
            "  --max-corrected-pct P  HRV of a row n/a when more than P %% of its NN intervals were\n"
            "                    corrected (default 5; epoch HR responses: more than 20 %%);\n"
            "                    --keep-corrected keeps them with a warning\n"
            "  --config FILE     settings from a JSON object (keys: segments, epochs, pre_s, post_s,\n"
            "                    latency_s [MIN, MAX], hrv_window_s [W, STEP], ecg, ppg, eda, rsp, hr,\n"
            "                    eda_method, edr, layout, fs, format, channel_types {LABEL: TYPE}, units\n"
            "                    {LABEL: UNIT}, triggers [CH[:LEVEL]], events_offset_s,\n"
            "                    events_columns, libedf);\n"
            "                    flags on the command line override them\n"
            "  --layout L        auto (default: BIDS derivatives for an input in a BIDS dataset,\n"
            "                    else flat), bids (an error outside a BIDS dataset) or flat\n"
            "                    (OUTDIR/STEM_*.tsv always)\n"
            "  --report          also the QC page STEM_report.html beside the tables (as psyphys report)\n\n");
    cli_print_input_options_help(out);
}

/* "A:B" into two positive numbers (B optional when allow_single). */
static int parse_pair(const char *opt, const char *text, double *a, double *b, int allow_single)
{
    char *end;
    errno = 0;
    *a = strtod(text, &end);
    if (end == text || errno || !isfinite(*a)) goto bad;
    if (*end == ':') {
        const char *second = end + 1;
        *b = strtod(second, &end);
        if (end == second || *end || errno || !isfinite(*b)) goto bad;
    } else if (*end || !allow_single) {
        goto bad;
    }
    return 1;
bad:
    cli_error(NULL, "analyze: %s wants %s, not '%s'", opt, allow_single ? "W or W:STEP" : "A:B", text);
    return 0;
}

/* analyze's own options that take a value (the input options are cli_parse_input_option's). */
static const char *const value_options[] = {"-o", "--config", "--ecg", "--ppg", "--eda", "--rsp", "--resp", "--hr",
                                            "--layout",
                                            "--segments", "--epochs", "--pre", "--post", "--latency",
                                            "--eda-method", "--hrv-window", NULL};

/* What the command line has given so far (it replaces the config file's lists and choices). */
typedef struct given {
    int epochs, triggers, ecg, hr, ppg;
} given;

/* Options argv[*i ..] (one option and its value); the first FILE-like word is the input.
 * The command line's --epochs, --trigger, --ecg, --ppg and --hr replace the config file's. Returns
 * CLI_OK, CLI_USAGE (after printing why) or -1 for --help. */
static int parse_one(int argc, char **argv, int *ip, analyze_options *o, given *seen)
{
    int i = *ip;
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--trigger") == 0 && !seen->triggers) {
        seen->triggers = 1;
        o->in.n_triggers = 0;
    }
    int used = cli_parse_input_option(&o->in, argc, argv, ip);
    if (used < 0) return CLI_USAGE;
    if (used) return CLI_OK;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        help(stdout);
        return -1;
    } else if (strcmp(a, "--overwrite") == 0) {
        o->overwrite = 1;
        return CLI_OK;
    } else if (strcmp(a, "--report") == 0) {
        o->report = 1;
        return CLI_OK;
    } else if (strcmp(a, "--keep-corrected") == 0) {
        o->keep_corrected = 1;
        return CLI_OK;
    } else if (strcmp(a, "--edr") == 0) {
        o->edr = 1;
        return CLI_OK;
    } else if (a[0] == '-' && a[1] && !v) {
        return cli_refuse_option("analyze", a, value_options);
    } else if (a[0] != '-' || !a[1]) {
        if (o->path) {
            cli_error(NULL, "analyze: one FILE at a time ('%s' is extra)", a);
            return CLI_USAGE;
        }
        o->path = a;
        return CLI_OK;
    }
    ++*ip;
    double pre = 0, post = 0;
    if (strcmp(a, "-o") == 0) o->outdir = v;
    else if (strcmp(a, "--config") == 0) o->config_path = v;
    else if (strcmp(a, "--ecg") == 0) {
        o->ecg = v;
        if (!seen->hr) o->hr = NULL; /* the command line's choice replaces the file's */
        seen->ecg = 1;
    }
    else if (strcmp(a, "--ppg") == 0) {
        o->ppg = v;
        if (!seen->hr) o->hr = NULL;
        seen->ppg = 1;
    }
    else if (strcmp(a, "--eda") == 0) o->eda = v;
    else if (cli_is_resp_option(a)) o->rsp = v;
    else if (strcmp(a, "--hr") == 0) {
        o->hr = v;
        if (!seen->ecg) o->ecg = NULL;
        if (!seen->ppg) o->ppg = NULL;
        seen->hr = 1;
    }
    else if (strcmp(a, "--layout") == 0) {
        if (!cli_layout_parse(v, &o->layout)) {
            cli_error(NULL, "analyze: --layout is auto, bids or flat, not '%s'", v);
            return CLI_USAGE;
        }
    } else if (strcmp(a, "--segments") == 0) {
        if (strcmp(v, "events") == 0) o->rule = PSY_SEGMENTS_EVENTS;
        else if (strcmp(v, "markers") == 0) o->rule = PSY_SEGMENTS_MARKERS;
        else if (strncmp(v, "window:", 7) == 0) {
            o->rule = PSY_SEGMENTS_WINDOWS;
            o->step_s = 0;
            if (!parse_pair("--segments window:", v + 7, &o->window_s, &o->step_s, 1)) return CLI_USAGE;
            if (o->step_s == 0) o->step_s = o->window_s;
            if (!(o->window_s > 0 && o->step_s > 0)) {
                cli_error(NULL, "analyze: windows need positive lengths");
                return CLI_USAGE;
            }
        } else {
            cli_error(NULL, "analyze: --segments is events, markers or window:W[:STEP], not '%s'", v);
            return CLI_USAGE;
        }
    } else if (strcmp(a, "--epochs") == 0) {
        if (!seen->epochs) o->n_epoch_labels = 0;
        seen->epochs = 1;
        if (o->n_epoch_labels == 32) {
            cli_error(NULL, "analyze: at most 32 --epochs labels");
            return CLI_USAGE;
        }
        o->epoch_labels[o->n_epoch_labels++] = v;
    } else if (strcmp(a, "--pre") == 0 || strcmp(a, "--post") == 0) {
        if (!parse_pair(a, v, &pre, &post, 1) || pre < 0 || (strcmp(a, "--post") == 0 && pre == 0)) {
            cli_error(NULL, "analyze: %s wants seconds (> 0 for --post)", a);
            return CLI_USAGE;
        }
        if (strcmp(a, "--pre") == 0) o->pre_s = pre;
        else o->post_s = pre;
    } else if (strcmp(a, "--latency") == 0) {
        if (!parse_pair(a, v, &o->latency_min_s, &o->latency_max_s, 0) ||
            o->latency_min_s < 0 || o->latency_max_s <= o->latency_min_s) {
            cli_error(NULL, "analyze: --latency wants MIN:MAX seconds with MIN < MAX");
            return CLI_USAGE;
        }
    } else if (strcmp(a, "--eda-method") == 0) {
        if (strcmp(v, "fast") == 0) o->eda_method = PSY_EDA_FAST;
        else if (strcmp(v, "deconv") == 0) o->eda_method = PSY_EDA_DECONV;
        else {
            cli_error(NULL, "analyze: --eda-method is fast or deconv, not '%s'", v);
            return CLI_USAGE;
        }
    } else if (strcmp(a, "--max-corrected-pct") == 0) {
        char *end;
        o->max_corrected_pct = strtod(v, &end);
        if (*end || !(o->max_corrected_pct >= 0 && o->max_corrected_pct <= 100)) {
            cli_error(NULL, "analyze: --max-corrected-pct wants a percentage in [0, 100], not '%s'", v);
            return CLI_USAGE;
        }
    } else if (strcmp(a, "--hrv-window") == 0) {
        o->hrv_step_s = 0;
        if (!parse_pair(a, v, &o->hrv_window_s, &o->hrv_step_s, 1)) return CLI_USAGE;
        if (o->hrv_step_s == 0) o->hrv_step_s = o->hrv_window_s;
        if (!(o->hrv_window_s > 0 && o->hrv_step_s > 0)) {
            cli_error(NULL, "analyze: --hrv-window wants positive lengths");
            return CLI_USAGE;
        }
    } else {
        return cli_refuse_option("analyze", a, NULL);
    }
    return CLI_OK;
}

/* The --config file's settings (psyphys/session_settings.h) over the defaults; the command
 * line's flags come after. 0 after printing why, naming the file. */
static int apply_config(analyze_options *o)
{
    const char *path = o->config_path;
    psy_message why = {{0}};
    if (psy_session_settings_load(path, &o->config, &why) != PSY_OK) {
        int unknown = strncmp(why.text, "unknown config key", 18) == 0;
        cli_error(path, "%s%s", why.text, unknown ? " (see psyphys analyze --help)" : "");
        return 0;
    }
    const psy_session_settings *st = &o->config;
    const psy_session_config *c = &st->config;
    if (c->n_epoch_labels > 32 || st->n_channel_types > 64 || st->n_units > 64 || st->n_triggers > 8) {
        cli_error(path, "config: at most 32 epochs, 64 channel_types, 64 units and 8 triggers");
        return 0;
    }
    o->ecg = c->ecg, o->eda = c->eda, o->rsp = c->rsp, o->hr = c->hr, o->ppg = c->ppg;
    o->rule = c->rule, o->window_s = c->window_s, o->step_s = c->step_s;
    for (size_t i = 0; i < c->n_epoch_labels; i++) o->epoch_labels[o->n_epoch_labels++] = c->epoch_labels[i];
    o->pre_s = c->pre_s, o->post_s = c->post_s;
    o->latency_min_s = c->latency_min_s, o->latency_max_s = c->latency_max_s;
    o->eda_method = c->eda_method;
    o->hrv_window_s = c->hrv_window_s, o->hrv_step_s = c->hrv_step_s;
    o->max_corrected_pct = c->max_corrected_pct, o->keep_corrected = c->keep_corrected, o->edr = c->edr;
    if (st->layout) cli_layout_parse(st->layout, &o->layout);
    o->in.open = st->open;
    for (size_t i = 0; i < st->n_channel_types; i++) o->in.channel_types[o->in.n_channel_types++] = st->channel_types[i];
    for (size_t i = 0; i < st->n_units; i++) o->in.channel_units[o->in.n_channel_units++] = st->units[i];
    for (size_t i = 0; i < st->n_triggers; i++) o->in.triggers[o->in.n_triggers++] = st->triggers[i];
    o->in.events_offset_s = st->events_offset_s;
    o->in.events_columns = st->events_columns;
    return 1;
}

int analyze_parse_args(int argc, char **argv, analyze_options *o)
{
    memset(o, 0, sizeof *o);
    cli_input_options_init(&o->in);
    o->in.pair_bids_events = 1;
    o->rule = PSY_SEGMENTS_EVENTS;
    o->pre_s = 1, o->post_s = 10, o->latency_min_s = 1, o->latency_max_s = 4;
    o->eda_method = PSY_EDA_FAST;
    o->hrv_window_s = 300, o->hrv_step_s = 300;
    o->max_corrected_pct = psy_hrv_config_default().max_corrected_pct;
    given seen = {0};
    int rc = CLI_OK;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0) o->config_path = argv[i + 1];
    if (o->config_path && !apply_config(o)) return CLI_FAILED;
    for (int i = 1; rc == CLI_OK && i < argc; i++)
        rc = parse_one(argc, argv, &i, o, &seen);
    if (rc != CLI_OK) return rc;
    if (o->hr && o->ecg) {
        cli_error(NULL, "analyze: --ecg and --hr exclude each other (beats or a bpm channel)");
        return CLI_USAGE;
    }
    if (o->hr && o->ppg) {
        cli_error(NULL, "analyze: --ppg and --hr exclude each other (pulses or a bpm channel)");
        return CLI_USAGE;
    }
    if (!o->path) {
        help(stderr);
        return CLI_USAGE;
    }
    if (o->report && !o->outdir) {
        cli_error(NULL, "analyze: --report needs -o OUTDIR (the page is made from the tables there)");
        return CLI_USAGE;
    }
    return CLI_OK;
}

void analyze_options_free(analyze_options *o) { psy_session_settings_free(&o->config); }
