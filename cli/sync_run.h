/* psyphys sync: the run behind the command (and batch's dyads): open both recordings, align,
 * compute every signal's synchrony, write the tables, sidecars and the report. */
#ifndef PSYPHYS_CLI_SYNC_RUN_H
#define PSYPHYS_CLI_SYNC_RUN_H

#include "cli.h"
#include "psyphys/sync.h"

typedef struct sync_run_options {
    cli_input_options input;                  /* for both recordings; --events only for A */
    psy_sync_config config;
    const char *outdir, *stem;
    const char *channel[PSY_SYNC_SIGNAL_COUNT]; /* a channel label per signal, NULL: by type */
    int want[PSY_SYNC_SIGNAL_COUNT];          /* none set: every signal both recordings have */
    psy_segment_rule rule;
    double seg_window_s, seg_step_s;
    const char *segments_text;
    double offset_s;
    int align_starts;                         /* 1: the recordings start together (+ offset_s),
                                                 whatever their clocks say (pseudo-dyads) */
    int overwrite, report;
    int quiet;                                /* 1: no summary on stdout (batch) */
} sync_run_options;

void sync_run_options_init(sync_run_options *o);

/* --segments events|markers|window:W[:STEP]; 0 after printing why. */
int sync_parse_segments(const char *text, sync_run_options *o);

/* Runs sync on recordings a and b. CLI_OK, or CLI_FAILED after printing why (naming the file). */
int sync_run(const char *a, const char *b, const sync_run_options *o);

/* psyphys batch --dyads FILE ... (sync_batch.c). */
int sync_batch(int argc, char **argv);

#endif
