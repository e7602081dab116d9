/* Options shared by every subcommand that opens a recording, and opening it. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

void cli_error(const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "psyphys: ");
    if (path) fprintf(stderr, "%s: ", path);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_warn_reader(const char *path, const psy_reader *r)
{
    for (size_t i = 0; i < psy_reader_warning_count(r); i++)
        fprintf(stderr, "psyphys: %s: warning: %s\n", path, psy_reader_warning(r, i));
}

void cli_input_options_init(cli_input_options *o)
{
    memset(o, 0, sizeof *o);
    o->open = psy_open_options_default();
}

static int parse_number(const char *opt, const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end); /* the CLI runs in the C locale (never setlocale'd) */
    if (!*text || *end || errno || !isfinite(v)) {
        cli_error(NULL, "%s: '%s' is not a number", opt, text);
        return 0;
    }
    *out = v;
    return 1;
}

/* Keeps a LABEL=VALUE option; the arrays hold 64. */
static int add_spec(const char *opt, const char **specs, int *n, const char *v)
{
    if (*n == 64) {
        cli_error(NULL, "too many %s options", opt);
        return -1;
    }
    specs[(*n)++] = v;
    return 1;
}

int cli_parse_input_option(cli_input_options *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    static const char *const with_value[] = {"--fs", "--format", "--sidecar", "--channel-type",
                                             "--unit", "--events", "--events-offset", "--trigger",
                                             "--events-columns", NULL};
    int known = 0;
    for (const char *const *w = with_value; *w; w++) known |= strcmp(a, *w) == 0;
    if (strcmp(a, "--no-libedf") == 0) {
        o->open.use_libedf = 0;
        return 1;
    }
    if (strcmp(a, "--override-fs") == 0) {
        o->open.override_rate = 1;
        return 1;
    }
    if (!known) return 0;
    if (*i + 1 >= argc) {
        cli_error(NULL, "%s needs a value", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (strcmp(a, "--fs") == 0) {
        if (!parse_number(a, v, &o->open.sampling_rate_hz)) return -1;
        if (o->open.sampling_rate_hz <= 0) {
            cli_error(NULL, "--fs must be a positive rate in Hz, not '%s'", v);
            return -1;
        }
    } else if (strcmp(a, "--format") == 0) {
        o->open.format = v;
    } else if (strcmp(a, "--sidecar") == 0) {
        o->open.sidecar_path = v;
    } else if (strcmp(a, "--channel-type") == 0) {
        const char *eq = strrchr(v, '=');
        psy_channel_type t;
        if (!eq || eq == v || psy_channel_type_parse(eq + 1, &t) != PSY_OK) {
            cli_error(NULL, "--channel-type wants LABEL=TYPE with TYPE one of ECG, EDA, RESP, PPG, "
                            "HR, RR, TRIGGER, OTHER; got '%s'", v);
            return -1;
        }
        return add_spec(a, o->channel_types, &o->n_channel_types, v);
    } else if (strcmp(a, "--unit") == 0) {
        const char *eq = strrchr(v, '=');
        if (!eq || eq == v) {
            cli_error(NULL, "--unit wants LABEL=UNIT (e.g. ECG=mV); got '%s'", v);
            return -1;
        }
        return add_spec(a, o->channel_units, &o->n_channel_units, v);
    } else if (strcmp(a, "--trigger") == 0) {
        const char *colon = strrchr(v, ':');
        double level;
        if (colon == v || (colon && strcmp(colon + 1, "bits") != 0 &&
                           !parse_number("--trigger", colon + 1, &level)))
            return -1;
        if (o->n_triggers == 8) {
            cli_error(NULL, "too many --trigger options");
            return -1;
        }
        o->triggers[o->n_triggers++] = v;
    } else if (strcmp(a, "--events") == 0) {
        o->events_path = v;
    } else if (strcmp(a, "--events-columns") == 0) {
        if (!cli_events_columns_valid(v)) return -1;
        o->events_columns = v;
    } else if (strcmp(a, "--events-offset") == 0) {
        if (!parse_number(a, v, &o->events_offset_s)) return -1;
    }
    return 1;
}

void cli_print_input_options_help(FILE *out)
{
    fprintf(out,
            "input options:\n"
            "  --fs HZ                  sampling rate of files without one (CSV without a time\n"
            "                           column) or with a fake one (audio files); a file that\n"
            "                           declares its rate keeps it\n"
            "  --override-fs            let --fs replace a declared rate too (a warning says so)\n"
            "  --format NAME            force a reader: edf, bdf, wfdb, sndfile, csv, tsv, bids, rr,\n"
            "                           empatica, ishne, acq, xdf, brainvision, opensignals,\n"
            "                           movesense, wfdb-annotations (default: by content)\n"
            "  --sidecar FILE           JSON sidecar with rate, labels, units, gains of an audio file\n"
            "  --channel-type LABEL=TYPE  set a channel's type (ECG, EDA, RESP, PPG, HR, RR, TRIGGER,\n"
            "                           OTHER); repeatable\n"
            "  --unit LABEL=UNIT        declare a channel's unit where the file has none (CSV);\n"
            "                           repeatable\n"
            "  --events FILE            add session events (BIDS _events.tsv, CSV markers)\n"
            "  --trigger CH[:LEVEL|:bits]  add events from a trigger channel: pulses past LEVEL\n"
            "                           (default midway between its extremes, active on the side\n"
            "                           it spends less time on), or integer codes (BDF Status,\n"
            "                           the default for a channel named Status); repeatable\n"
            "  --events-offset S        seconds added to the event file's onsets\n"
            "  --events-columns onset=COL[,duration=COL][,label=COL]  the --events file's columns\n"
            "                           when their names differ from onset, duration, trial_type\n"
            "  --no-libedf              read EDF/BDF with psyphys's own parser only\n");
}

/* Applies "LABEL=VALUE" specs (already checked) of --channel-type or --unit. 0 when a label
 * names no channel (after printing why). */
static int apply_specs(psy_reader *r, const char *path, const char *opt, const char *const *specs,
                       int n)
{
    for (int i = 0; i < n; i++) {
        const char *eq = strrchr(specs[i], '=');
        char label[PSY_LABEL_SIZE];
        snprintf(label, sizeof label, "%.*s", (int)(eq - specs[i]), specs[i]);
        int ch = psy_reader_find_channel(r, label);
        if (ch < 0) {
            cli_error(path, "%s: no channel labelled '%s'", opt, label);
            return 0;
        }
        psy_channel_type t;
        if (strcmp(opt, "--unit") == 0) psy_reader_set_channel_unit(r, ch, eq + 1);
        else if (psy_channel_type_parse(eq + 1, &t) == PSY_OK) psy_reader_set_channel_type(r, ch, t);
    }
    return 1;
}

/* --trigger CHANNEL[:LEVEL|:bits]: events from a trigger channel. 0 after printing why. */
static int add_trigger_events(psy_reader *r, const char *path, const char *spec)
{
    char label[PSY_LABEL_SIZE];
    const char *colon = strrchr(spec, ':');
    snprintf(label, sizeof label, "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
    psy_trigger_config cfg = psy_trigger_config_default();
    if (colon && strcmp(colon + 1, "bits") == 0) {
        cfg.mode = PSY_TRIGGER_BITS;
    } else if (colon) {
        cfg.mode = PSY_TRIGGER_LEVEL;
        if (!parse_number("--trigger", colon + 1, &cfg.threshold)) return 0;
    }
    int ch = psy_reader_find_channel(r, label);
    if (ch < 0) {
        cli_error(path, "--trigger: no channel labelled '%s'", label);
        return 0;
    }
    psy_message why = {{0}};
    psy_status st = psy_trigger_events(r, ch, &cfg, NULL, &why);
    if (st != PSY_OK) cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
    return st == PSY_OK;
}

/* 1 when `path` is one of the files the recording was read from (a BIDS physio run's
 * _events.tsv the reader paired by itself) or `paired`. */
static int already_read(const psy_reader *r, const char *path, const char *paired)
{
    struct stat a, b;
    if (stat(path, &a) != 0) return 0;
    if (paired && stat(paired, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) return 1;
    for (size_t i = 0; i < psy_reader_file_count(r); i++)
        if (stat(psy_reader_file(r, i), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) return 1;
    return 0;
}

void cli_note_rate(const char *path, const psy_reader *r, const psy_open_options *open)
{
    cli_note_rate_of(path, psy_reader_rate_origin(r), psy_reader_declared_rate(r), open);
}

void cli_note_rate_of(const char *path, psy_rate_origin origin, double declared, const psy_open_options *open)
{
    double given = open->sampling_rate_hz;
    if (origin == PSY_RATE_OVERRIDDEN)
        fprintf(stderr, "psyphys: %s: warning: the file declares %.9g Hz; --override-fs: --fs %.9g Hz "
                        "is used instead, every time in the file scaled\n", path, declared, given);
    else if (given > 0 && origin == PSY_RATE_FILE && declared > 0 &&
             fabs(given - declared) > 1e-9 * declared)
        fprintf(stderr, "psyphys: %s: note: the file declares %.9g Hz, which it keeps: --fs is for files "
                        "without a rate (--override-fs replaces a declared one)\n", path, declared);
    else if (given > 0 && origin == PSY_RATE_FILE && !(declared > 0))
        fprintf(stderr, "psyphys: %s: note: --fs is not used: the file has no sampled channel\n", path);
}

psy_reader *cli_open_recording(const char *path, const cli_input_options *o)
{
    return cli_open_recording_events(path, o, NULL);
}

psy_reader *cli_open_recording_events(const char *path, const cli_input_options *o, cli_events_read *events)
{
    cli_events_read scratch;
    if (!events) events = &scratch;
    memset(events, 0, sizeof *events);
    psy_reader *r = NULL;
    psy_message why = {{0}};
    if (o->open.override_rate && !(o->open.sampling_rate_hz > 0)) {
        cli_error(path, "--override-fs replaces a file's rate by --fs HZ: give --fs");
        return NULL;
    }
    psy_status st = psy_reader_open(path, &o->open, &r, &why);
    if (st != PSY_OK) {
        cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
        return NULL;
    }
    cli_note_rate(path, r, &o->open);
    if (!apply_specs(r, path, "--channel-type", o->channel_types, o->n_channel_types) ||
        !apply_specs(r, path, "--unit", o->channel_units, o->n_channel_units)) {
        psy_reader_close(r);
        return NULL;
    }
    for (int i = 0; i < o->n_triggers; i++)
        if (!add_trigger_events(r, path, o->triggers[i])) {
            psy_reader_close(r);
            return NULL;
        }
    /* A BIDS data file's run events (EEG's _eeg.edf + _events.tsv ...), found beside it. */
    char paired[4096];
    int has_paired = o->pair_bids_events && psy_bids_events_for(path, paired, sizeof paired);
    if (has_paired) {
        snprintf(events->path[events->n], sizeof events->path[0], "%s", paired);
        events->paired[events->n] = 1;
        events->unix_shift_s[events->n] = NAN;
        if (cli_load_events(r, paired, NULL, 0, &events->info[events->n++], NULL) != PSY_OK) {
            psy_reader_close(r);
            return NULL;
        }
    }
    if (o->events_path && already_read(r, o->events_path, has_paired ? paired : NULL) && o->events_offset_s == 0) {
        fprintf(stderr, "psyphys: %s: note: --events %s is the recording's own event file, read once\n",
                path, o->events_path);
    } else if (o->events_path) {
        snprintf(events->path[events->n], sizeof events->path[0], "%s", o->events_path);
        events->paired[events->n] = 0;
        events->unix_shift_s[events->n] = NAN;
        double *shift = o->events_unix_time ? &events->unix_shift_s[events->n] : NULL;
        if (cli_load_events(r, o->events_path, o->events_columns, o->events_offset_s, &events->info[events->n++],
                            shift) != PSY_OK) {
            psy_reader_close(r);
            return NULL;
        }
    }
    if (o->events_columns && !o->events_path) {
        cli_error(path, "--events-columns maps the columns of an --events file: give one");
        psy_reader_close(r);
        return NULL;
    }
    return r;
}
