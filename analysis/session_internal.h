/* The session analysis (psyphys/session.h), internal: the state one run builds and the pieces
 * that build it (session.c, session_channels.c, session_checks.c, session_epochs.c,
 * session_series.c, session_plausibility.c). */
#ifndef PSYPHYS_SESSION_INTERNAL_H
#define PSYPHYS_SESSION_INTERNAL_H

#include <jansson.h>

#include "nn_spool.h"
#include "plausibility_internal.h"
#include "psyphys/hrv_windows.h"
#include "psyphys/rsa.h"
#include "psyphys/session.h"

/* An HRV window's row under cfg.lean_results: what the windows table prints of a psy_hrv_result
 * (the psy_session_hrv_columns' values and n/a reasons, in their order). */
#define SESSION_HRV_COLUMNS 35
typedef struct session_window_row {
    size_t n_nn;
    double nn_corrected_pct;
    double v[SESSION_HRV_COLUMNS];
    /* Pointers written to the windows' temporary file as they are: safe because only this process
     * reads that file back (unlinked at once, one session's descriptor) and every reason is a
     * static string of the library's (hrv.c and its modules), valid for the process's life. */
    const char *na[SESSION_HRV_COLUMNS];
} session_window_row;

struct psy_session {
    psy_reader *r;
    int owns_reader;                   /* psy_session_open's: closed with the session */
    psy_session_config cfg;            /* the run's settings (its strings borrowed during the run) */
    int ecg, eda, rsp, hr;             /* channel indices, -1 when absent */
    int n_leads;
    int lead_ch[PSY_SESSION_MAX_LEADS];
    psy_ecg_lead_quality lead_q[PSY_SESSION_MAX_LEADS];
    double *hr_t_s, *hr_bpm, *hr_nn_ms;/* the bpm channel's valid samples, 60000 / bpm */
    size_t n_hr;
    psy_heart_source heart;
    int ppg;                           /* the PPG channel, -1 when absent or unused */
    int beats_ch;                      /* ecg, or ppg when the beats are its pulses */
    psy_beat_list *beats;
    psy_beats_config beats_cfg;
    FILE *beats_table;                 /* the beats table of streamed beats (cfg.lean_results) */
    nn_spool *nn;                      /* their NN series (beats' nn_* NULL then; nn_spool.h) */
    psy_beat_list *pulses;             /* == beats when heart is PPG (freed once) */
    psy_pulses_config pulses_cfg;
    psy_pat_list *pat;
    psy_pat_config pat_cfg;
    psy_eda_result *scr;
    psy_breath_list *breaths;          /* of the RSP channel, or ECG-derived (cfg.edr); NULL: none */
    psy_rsa_result rsa;                /* per breath, with beats and breaths (has_rsa) */
    int has_rsa;
    const char *rsa_why;               /* why RSA is n/a though there are breaths, or NULL */
    psy_hrv *hrv;
    psy_hrv_config hrv_cfg;
    psy_segment *seg;
    size_t n_seg;
    psy_hrv_result *seg_hrv, *win_hrv;
    FILE *win_file;                    /* instead of win_hrv under cfg.lean_results: the rows */
    session_window_row *win_rows;      /* the rows when win_file could not be made or written */
    size_t n_win;
    double *events;                    /* the session events' onsets */
    size_t n_events;
    psy_session_epoch *rows;
    size_t n_rows;
    int implausible[PSY_CHECK_COUNT];
    char **warnings;
    size_t n_warnings, cap_warnings;
    psy_session_skipped *skipped;      /* label and reason malloc'd */
    size_t n_skipped, cap_skipped;
    unsigned char *event_skipped;      /* per reader event: 1 when it gets no epoch */
    int nomem;                         /* a warning or skipped event could not be stored */
    psy_session_results res;
    json_t *settings;                  /* every setting of the run, for its sidecars */
};

/* Adds a warning (out of memory: s->nomem). */
void psy_session_warn(psy_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Warns that cfg.lean_results could not keep `what` ("the beats are") out of memory: a temporary
 * file failed, for `why`; the results are the same. */
void psy_session_warn_not_lean(psy_session *s, const char *what, const char *why);

/* Picks the channels (s->ecg, ppg, eda, rsp, hr) by the config's labels and types, then the best
 * ECG lead, and sets s->heart and s->beats_ch. PSY_OK, or an error with why. */
psy_status psy_session_pick_channels(psy_session *s, psy_message *why);

/* Marks the session events that get no epoch, with the reason in s->skipped and the warnings;
 * warns about epoch labels no event has. 1, or 0 when out of memory. */
int psy_session_check_events(psy_session *s);

/* Drops repeated segments; notes segments clipped, spanning a gap or overlapping another. */
void psy_session_check_segments(psy_session *s);

/* The plausibility checks, each finding a warning. 1, or 0 when out of memory. */
int psy_session_check_plausibility(psy_session *s);

/* The stretch of the recording holding time t (s), or -1 (in a gap, before the start or after the end). */
int psy_session_stretch_at(const psy_reader *r, double t);

/* 1 when [a, b] (s) lies in one stretch of the recording (no gap, inside it). */
int psy_session_covered(const psy_reader *r, double a, double b);

/* The epochs around the chosen session events into s->rows. 1, or 0 when out of memory. */
int psy_session_make_epochs(psy_session *s);

/* The session's NN series (the beats' arrays, or s->nn): what every reader of it takes. */
nn_view psy_session_nn(const psy_session *s);

/* The share (0-100) of [start, start + length) (s) the session's NN series covers
 * (psy_hrv_covered_pct), a spooled series read by a slice of it into buf; NaN when the spool
 * cannot be read. */
double psy_session_nn_covered_pct(const psy_session *s, nn_buf *buf, double start, double length);

/* 1 when the HRV windows table says how much of each window the beats cover (recorded_pct): the
 * recording has gaps, or the heart channel has (missing, flat or unusable signal). */
int psy_session_windows_gapped(const psy_session *s);

/* Test only (tests/test_session_lean.c runs its cases both ways): the sessions run after it read a
 * spooled span of more than min intervals as an HRV source (nn_view_hrv); 0 restores
 * NN_VIEW_SOURCE_MIN. Not exported; call it while no session runs. Its threshold is the library's
 * one mutable global, a deliberate exception for tests (a session is made inside psy_session_run,
 * so it has no caller-given place to carry it): do not copy the pattern. */
void psy_session_source_min_for_tests(size_t min);

/* hr_response_left_out of the beats' NN series around onset, read by a slice of it into buf.
 * PSY_OK, or its failure (PSY_E_IO: the spool). */
psy_status psy_session_hr_response(const psy_session *s, double onset, const psy_hr_response_config *c, nn_buf *buf,
                                   psy_hr_response *out);

/* Why the heart's columns are n/a when there are no beats at all. */
const char *psy_session_no_beats_reason(const psy_session *s);

/* psy_rsa_compute of the beats and breaths into s->rsa, a spooled NN series read whole for it.
 * PSY_OK, PSY_E_NOMEM, PSY_E_IO. */
psy_status psy_session_rsa(psy_session *s, const psy_rsa_config *c);

/* Reads the bpm channel s->hr into s->hr_t_s / hr_bpm / hr_nn_ms. PSY_OK, PSY_E_NOMEM or a read
 * error. */
psy_status psy_session_read_hr(psy_session *s);

/* The row of window k (of s->win_hrv, or expanded from a row of s->win_file or s->win_rows: the
 * table's keys set). 1, or 0 when the temporary file cannot be read. */
int psy_session_window(const psy_session *s, size_t k, psy_hrv_result *out);

/* The HRV of every segment and window into s->seg_hrv / s->win_hrv (s->win_file, s->win_rows), with a warning for the rows
 * above the corrected-share limit; may_thread: the windows in a second thread with an analyser
 * of their own when there are enough of them (0: all on this thread, as when no thread or second
 * analyser can be had; the same rows). 1, or 0 when out of memory. */
int psy_session_hrv_rows(psy_session *s, int may_thread);

/* The run's settings as its sidecars record them (session_sidecar.c), while its config's
 * strings are still valid; NULL when out of memory. */
json_t *psy_session_settings_json(const psy_session *s);

/* The beats an epoch's knots come from: given [*first, *last), those of n (ascending end times)
 * ending in [lo, hi] (*first the first >= lo, *last the first >= hi), one more each side so that
 * the ends interpolate (hr_response.c). */
void hr_response_reach(size_t n, size_t *first, size_t *last);

/* psy_hr_response_at counting the n_left_out intervals the RR correction left out of the series
 * (left_out_t: their end times, increasing; psy_beat_list's nn_left_out_s) that end in the epoch
 * as corrected ones of it (hr_response.c). */
psy_status hr_response_left_out(const double *t, const double *nn, const uint8_t *corrected, size_t n,
                                const double *left_out_t, size_t n_left_out, double onset,
                                const psy_hr_response_config *config, psy_hr_response *out);

#endif
