/* psyphys analyze, internal: the options, what one run computes from a recording, and the
 * pieces that write it. cmd_analyze (cmd_analyze.c) wires them; every run owns its state, so
 * the command can run many times in one process. */
#ifndef PSYPHYS_CLI_ANALYZE_H
#define PSYPHYS_CLI_ANALYZE_H

#include <jansson.h>
#include <stdio.h>

#include "analyze_config.h"
#include "cli.h"
#include "output_layout.h"
#include "psyphys/eda.h"
#include "psyphys/hrv.h"
#include "psyphys/plausibility.h"
#include "psyphys/resp.h"

/* ---- options (analyze_options.c) ---- */

typedef struct analyze_options {
    cli_input_options in;
    const char *path, *outdir;
    const char *ecg, *eda, *rsp, *hr;
    psy_segment_rule rule;
    double window_s, step_s;
    const char *epoch_labels[32];
    int n_epoch_labels;
    double pre_s, post_s, latency_min_s, latency_max_s;
    psy_eda_method eda_method;
    double hrv_window_s, hrv_step_s;
    double max_corrected_pct;          /* --max-corrected-pct (default: the library's, 5 %) */
    int keep_corrected;                /* --keep-corrected */
    cli_layout layout;
    int overwrite, report;             /* --overwrite, --report */
    const char *config_path;           /* --config FILE */
    analyze_config_args config;        /* the options it stands for (owned) */
} analyze_options;

/* Defaults, then the --config file's settings, then the command line's flags. Returns CLI_OK,
 * CLI_USAGE or CLI_FAILED (a bad config file) after printing why, or -1 after --help. Free with
 * analyze_options_free whatever it returns. */
int analyze_parse_args(int argc, char **argv, analyze_options *o);
void analyze_options_free(analyze_options *o);

/* ---- what one run computes (analyze_session.c, analyze_epochs.c) ---- */

typedef struct epoch_row {
    const psy_event *event;
    psy_hr_response hr;
    psy_eda_event_response scr;
    int has_scr;
} epoch_row;

typedef struct analyze_session {
    psy_reader *r;
    int ecg, eda, rsp;                 /* channel indices, -1 when absent */
    int hr;                            /* a bpm channel, used only without an ECG or RR one */
    int n_leads;                       /* ECG leads scored to choose s->ecg (0: not chosen so) */
    int lead_ch[16];
    psy_ecg_lead_quality lead_q[16];
    double *hr_t_s, *hr_bpm, *hr_nn_ms;/* its valid samples (at most 4 per s), 60000 / bpm */
    size_t n_hr;
    psy_beat_list *beats;
    psy_beats_config beats_cfg;
    psy_eda_result *scr;
    psy_breath *breaths;
    size_t n_breaths;
    psy_hrv *hrv;
    psy_hrv_config hrv_cfg;
    psy_segment *seg;                  /* the whole recording first, then the phases */
    size_t n_seg;
    psy_hrv_result *seg_hrv;           /* HRV of each segment, computed once (tables, summary) */
    psy_hrv_result *win_hrv;           /* HRV of each --hrv-window window (n_win; 0: no table) */
    size_t n_win;
    double *events;                    /* onsets of the session events (for NS-SCR counts) */
    size_t n_events;
    epoch_row *rows;                   /* one per epoch */
    size_t n_rows;
    int implausible[PSY_CHECK_COUNT];  /* 1 where a plausibility check found something */
    json_t *warnings;                  /* strings: every n/a and every event skipped, and why */
    json_t *skipped;                   /* {label, onset_s, source, reason} per skipped event */
    unsigned char *event_skipped;      /* per reader event: 1 when it gets no epoch */
    cli_events_read events_read;       /* the event files and what they were read as */
} analyze_session;

/* Adds a warning (also printed with the summary). */
void analyze_warn(analyze_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the recording and picks the channels. Returns CLI_OK, else CLI_FAILED after printing why
 * (the session then needs analyze_session_free all the same). */
int analyze_session_open(analyze_session *s, const analyze_options *o);

/* With several regular ECG channels and none named: scores each over the first
 * ANALYZE_LEAD_EXCERPT_S seconds (psyphys/ecg_quality.h) and sets s->ecg to the best. 1, or 0
 * after printing why. */
#define ANALYZE_LEAD_EXCERPT_S 300.0
int analyze_choose_ecg_lead(analyze_session *s, const analyze_options *o);

/* The choice for the sidecar: method, excerpt, chosen label, per-lead scores. */
json_t *analyze_lead_choice_json(const analyze_session *s);

/* Beats, NN, skin conductance, breaths, segments, epochs. 1, or 0 after printing why. */
int analyze_session_compute(analyze_session *s, const analyze_options *o);

/* NULL-safe members; leaves the struct zeroed. */
void analyze_session_free(analyze_session *s);

/* Marks the session events that get no epoch (outside the recording, in a gap, repeated), with
 * the reason in s->skipped and the warnings; warns about --epochs labels no event has. 1, or 0
 * when out of memory (analyze_checks.c). */
int analyze_check_events(analyze_session *s, const analyze_options *o);

/* Drops repeated segments; notes segments clipped to the recording, spanning a gap or
 * overlapping another (analyze_checks.c). */
void analyze_check_segments(analyze_session *s, const analyze_options *o);

/* The plausibility checks (psyphys/plausibility.h) on the heart rate, breathing rate, skin
 * conductance level and EDA unit, each finding a warning. 1, or 0 when out of memory
 * (analyze_plausibility.c). */
int analyze_check_plausibility(analyze_session *s);

/* 1 when [a, b] (s) lies in one stretch of the recording (no gap, inside it). */
int analyze_covered(const psy_reader *r, double a, double b);

/* The epochs around the chosen session events into s->rows. 1, or 0 when out of memory. */
int analyze_make_epochs(analyze_session *s, const analyze_options *o);

/* ---- a heart-rate (bpm) channel instead of beats (analyze_hr_series.c) ---- */

/* Reads channel s->hr into s->hr_t_s / hr_bpm / hr_nn_ms: valid samples (finite, > 0), those
 * closer than 0.25 s averaged. PSY_OK, PSY_E_NOMEM or a read error. */
psy_status analyze_hr_series_read(analyze_session *s);

/* Mean of the samples in [start, end); NaN without. */
double analyze_hr_series_mean(const analyze_session *s, double start, double end);

/* ---- per-interval markers (analyze_series.c) ---- */

/* The HRV columns of the segment and window tables, in order. */
extern const psy_hrv_key analyze_hrv_columns[];
extern const size_t analyze_n_hrv_columns;

/* HRV of the NN intervals ending in (start, end]; all NaN ("no beats") without beats. */
void analyze_hrv_of(analyze_session *s, double start, double end, psy_hrv_result *out);

/* The HRV of every segment and window into s->seg_hrv / s->win_hrv, with a warning for the rows
 * above the corrected-share limit. 1, or 0 when out of memory. */
int analyze_hrv_rows(analyze_session *s, const analyze_options *o);

/* Skin conductance over [start, end) (psy_eda_summarize with the session's events and latency
 * window: the one source of the segments' and the summary's figures). 0 without an analysis
 * (e then all NaN / 0). */
int analyze_eda_of(const analyze_session *s, const analyze_options *o, double start, double end,
                   psy_eda_summary *e);

/* Breathing rate over the whole breaths in [start, end] (psy_breath_rate_over: NaN with the
 * reason below its minimum, or without an RSP channel). */
psy_breath_rate analyze_breath_rate(const analyze_session *s, double start, double end);

/* ---- tables (analyze_tables.c) ---- */

/* na (a JSON object) gets, per column, the reasons of its n/a cells and how many rows each. */
void analyze_write_segments(FILE *fp, analyze_session *s, const analyze_options *o, json_t *na);
void analyze_write_epochs(FILE *fp, const analyze_session *s, json_t *na);
/* What the epochs and epoch-means columns hold (their sidecars' "columns"). */
json_t *analyze_epochs_columns(void);
json_t *analyze_epoch_means_columns(void);
void analyze_write_epoch_means(FILE *fp, const analyze_session *s);
void analyze_write_hrv_windows(FILE *fp, analyze_session *s, const analyze_options *o, json_t *na);
void analyze_write_scr(FILE *fp, const psy_eda_result *r);

/* ---- sidecars and files (analyze_outputs.c), stdout (analyze_summary.c) ---- */

/* The resolved settings recorded in every sidecar. */
json_t *analyze_settings_json(const analyze_session *s, const analyze_options *o);

/* Every table and its sidecar under -o OUTDIR (the layout decides where), all or nothing.
 * 1, or 0 after printing why. */
int analyze_write_outputs(analyze_session *s, const analyze_options *o);

/* The human summary on stdout, then the warnings on stderr. */
void analyze_print_summary(analyze_session *s, const analyze_options *o);

#endif
