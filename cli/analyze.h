/* psyphys analyze, internal: the options, what one run computes from a recording, and the
 * pieces that write it (the analysis is the library's: psyphys/session.h). cmd_analyze
 * (cmd_analyze.c) wires them; every run owns its state, so the command can run many times in
 * one process. */
#ifndef PSYPHYS_CLI_ANALYZE_H
#define PSYPHYS_CLI_ANALYZE_H

#include <jansson.h>
#include <stdio.h>

#include "cli.h"
#include "output_layout.h"
#include "psyphys/eda.h"
#include "psyphys/hrv.h"
#include "psyphys/plausibility.h"
#include "psyphys/resp.h"
#include "psyphys/session.h"
#include "psyphys/session_settings.h"

/* ---- options (analyze_options.c) ---- */

typedef struct analyze_options {
    cli_input_options in;
    const char *path, *outdir;
    const char *ecg, *eda, *rsp, *hr, *ppg;
    psy_segment_rule rule;
    double window_s, step_s;
    const char *epoch_labels[32];
    int n_epoch_labels;
    double pre_s, post_s, latency_min_s, latency_max_s;
    psy_eda_method eda_method;
    double hrv_window_s, hrv_step_s;
    double max_corrected_pct;          /* --max-corrected-pct (default: the library's, 5 %) */
    int keep_corrected;                /* --keep-corrected */
    int edr;                           /* --edr: ECG-derived breaths without an RSP channel */
    cli_layout layout;
    int overwrite, report;             /* --overwrite, --report */
    const char *config_path;           /* --config FILE */
    psy_session_settings config;       /* its settings (owned: the strings above point into it) */
} analyze_options;

/* Defaults, then the --config file's settings, then the command line's flags. Returns CLI_OK,
 * CLI_USAGE or CLI_FAILED (a bad config file) after printing why, or -1 after --help. Free with
 * analyze_options_free whatever it returns. */
int analyze_parse_args(int argc, char **argv, analyze_options *o);
void analyze_options_free(analyze_options *o);

/* ---- one run: the library's session analysis (psyphys/session.h) (analyze_session.c) ---- */

typedef struct analyze_session {
    psy_reader *r;
    psy_session *ps;
    const psy_session_results *res;    /* psy_session_results_of(ps) */
    cli_events_read events_read;       /* the event files and what they were read as */
    psy_input_hashes *hashes;          /* the input's SHA-256, hashed beside the analysis (-o) */
} analyze_session;

/* Opens the recording (with its event files) and runs the session analysis. CLI_OK, else
 * CLI_FAILED after printing why (the session then needs analyze_session_free all the same). */
int analyze_session_run(analyze_session *s, const analyze_options *o);

/* NULL-safe members; leaves the struct zeroed. */
void analyze_session_free(analyze_session *s);

/* ---- sidecars and files (analyze_outputs.c), stdout (analyze_summary.c) ---- */

/* Every table and its sidecar under -o OUTDIR (the layout decides where), all or nothing.
 * 1, or 0 after printing why. */
int analyze_write_outputs(analyze_session *s, const analyze_options *o);

/* The human summary on stdout, then the warnings on stderr. */
void analyze_print_summary(analyze_session *s, const analyze_options *o);

#endif
