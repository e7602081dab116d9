/* The psyphys command: shared pieces of the subcommands. */
#ifndef PSYPHYS_CLI_H
#define PSYPHYS_CLI_H

#include <jansson.h>
#include <stdio.h>
#include "psyphys.h"

/* Exit codes of every subcommand. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* Options every subcommand that opens a recording understands. */
typedef struct cli_input_options {
    psy_open_options open;
    const char *channel_types[64]; /* "LABEL=TYPE" overrides, in order */
    int n_channel_types;
    const char *channel_units[64]; /* "LABEL=UNIT" declarations, in order */
    int n_channel_units;
    const char *triggers[8];       /* --trigger CHANNEL[:THRESHOLD|:bits], in order */
    int n_triggers;
    const char *events_path;       /* --events FILE */
    double events_offset_s;        /* --events-offset S */
    const char *events_columns;    /* --events-columns onset=COL[,duration=COL][,label=COL] */
    int pair_bids_events;          /* 1: load a BIDS data file's run _events.tsv found beside it
                                      (analyze, which counts events given twice once) */
    int events_unix_time;          /* 1: --events onsets that are all Unix times are taken as such
                                      (psy_reader_load_events_unix; sync) */
} cli_input_options;

void cli_input_options_init(cli_input_options *o);

/* If argv[*i] is one of the common input options, consumes it (and its value) and returns 1;
 * returns 0 when it is not one; -1 (after printing the reason) on a bad value. */
int cli_parse_input_option(cli_input_options *o, int argc, char **argv, int *i);

/* The common options' help lines. */
void cli_print_input_options_help(FILE *out);

/* The event files a recording was opened with (a BIDS run's paired _events.tsv, --events) and
 * what each was read as. */
typedef struct cli_events_read {
    int n;
    char path[2][4096];
    int paired[2];
    psy_events_info info[2];
    double unix_shift_s[2];        /* seconds added to Unix-time onsets; NaN: not Unix times */
} cli_events_read;

/* Opens `path` with the options, applies channel-type overrides and extra events. Prints one
 * error line naming the file and the reason, and returns NULL, when anything fails. */
psy_reader *cli_open_recording(const char *path, const cli_input_options *o);

/* The same, with what the event files were read as in *events (may be NULL). */
psy_reader *cli_open_recording_events(const char *path, const cli_input_options *o, cli_events_read *events);

/* On stderr: a warning when --override-fs replaced the file's rate, a note when --fs was not
 * used because the file declares its rate (the rate rule, psyphys/recording.h). */
void cli_note_rate(const char *path, const psy_reader *r, const psy_open_options *open);
/* The same from the outcome of the rate rule: the reader's rate origin and declared rate. */
void cli_note_rate_of(const char *path, psy_rate_origin origin, double declared, const psy_open_options *open);

/* --events-columns: 1 when the mapping is well formed, else 0 after printing why. */
int cli_events_columns_valid(const char *spec);

/* Adds the events of the event file at path, its columns named by the --events-columns spec (NULL:
 * by their names), with what was read in *info, and says which columns were used (a note on
 * stderr). unix_shift_s NULL: onsets are seconds from the start; else onsets that are all Unix
 * times are taken as such, *unix_shift_s the shift (NaN when they were not). PSY_OK, or an error
 * status after printing why (naming the file; for an ambiguous mapping, how to name the column). */
psy_status cli_load_events(psy_reader *r, const char *path, const char *spec, double offset_s,
                           psy_events_info *info, double *unix_shift_s);

/* The event files for a sidecar: path, SHA-256, paired, events, rows without onset, columns. */
json_t *cli_events_files_json(const cli_events_read *events);

/* The name of `names` nearest to a misspelt word (a few letters apart), or NULL. */
const char *cli_nearest(const char *word, const char *const *names, int n);

/* Refuses an option the command did not take: "COMMAND: OPT needs a value" when OPT is one of
 * with_value (NULL-terminated: the command's options that take a value; it stood last), else
 * "COMMAND: unknown option 'OPT'". Returns CLI_USAGE. */
int cli_refuse_option(const char *command, const char *opt, const char *const *with_value);

/* 1 for the respiration channel's option in either spelling, --rsp or --resp (analyze and sync
 * named it one way, stream the other: each command takes both). */
int cli_is_resp_option(const char *opt);

/* "psyphys: <path>: <reason>" on stderr. */
void cli_error(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The recording's warnings (what its reader left out or doubted), "psyphys: <path>: warning: ..." on stderr. */
void cli_warn_reader(const char *path, const psy_reader *r);


int cmd_analyze(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_beats(int argc, char **argv);
int cmd_score_beats(int argc, char **argv);
int cmd_eda(int argc, char **argv);
int cmd_resp(int argc, char **argv);
int cmd_hrv(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_stream(int argc, char **argv);
int cmd_sync(int argc, char **argv);

#endif
