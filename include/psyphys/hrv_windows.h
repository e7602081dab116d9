/* psyphys — the windows of an NN series that HRV is computed over, by the standard rule or by the
 * PhysioNet Cardiovascular Signal Toolbox's (PCST, Vest et al. 2018, CreateWindowRRintervals),
 * so that a program reproduces `psyphys hrv --window W --step S [--preset pcst]` row for row. */
#ifndef PSYPHYS_HRV_WINDOWS_H
#define PSYPHYS_HRV_WINDOWS_H

#include <stddef.h>
#include "psyphys/export.h"
#include "psyphys/hrv.h"
#include "psyphys/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_hrv_window_rule {
    /* Complete windows [t_first + k step, + window) inside the series (psy_hrv_window_count);
     * a window holds the intervals whose beat time t lies in (start, start + window]. */
    PSY_HRV_WINDOWS_STANDARD = 0,
    /* PCST: starts t_first + k step while k step <= span - window + step (the last may reach one
     * step past the last beat); a window holds the intervals with start <= t < start + window,
     * and is n/a (too_little) when they sum to less than 85 % of its length (PCST's win_tol). */
    PSY_HRV_WINDOWS_PCST
} psy_hrv_window_rule;

#define PSY_HRV_PCST_WINDOW_TOLERANCE 0.15
#define PSY_HRV_PCST_WINDOW_NA_REASON "the window holds less than 85 % of its length in NN intervals (PCST)"

/* Number of windows over a series whose first interval starts at t_first_s and whose last beat is
 * at t_last_s (s). 0 when none fits or a length is not positive. */
PSY_API size_t psy_hrv_windows_count(psy_hrv_window_rule rule, double t_first_s, double t_last_s, double window_s,
                             double step_s);

/* One window: its onset and length (s), the intervals it holds (indices [first, end) of the
 * series), and for PCST whether it holds too little to analyse. */
typedef struct psy_hrv_window {
    double onset_s, duration_s;
    size_t first, end;
    int too_little;
} psy_hrv_window;

/* Window k of the series nn_ms / t_s (n intervals ending at t_s, in time order). Windows are
 * asked in order k = 0, 1, ...: *cursor (0 before window 0) carries the search from one to the
 * next, so a pass over all windows costs O(n + windows). */
PSY_API void psy_hrv_window_at(psy_hrv_window_rule rule, const double *nn_ms, const double *t_s, size_t n, double t_first_s,
                       double window_s, double step_s, size_t k, size_t *cursor, psy_hrv_window *out);

/* Windows over a gap (psy_hrv_covered_pct: of the recording, of the channel's signal, of a
 * device's beats): a window with less than this share of its length covered is not analysed
 * (every value n/a with one of the reasons below); one that crosses a gap with at least this share
 * is analysed from its data and counted for a warning. The share is PCST's window rule (85 % of a
 * window's length in NN intervals, PSY_HRV_PCST_WINDOW_TOLERANCE). */
#define PSY_HRV_WINDOW_MIN_RECORDED_PCT (100.0 * (1 - PSY_HRV_PCST_WINDOW_TOLERANCE))
#define PSY_HRV_WINDOW_IN_GAP_REASON "the window lies in a gap of the recording (no data)"
#define PSY_HRV_WINDOW_OVER_GAP_REASON "the window crosses a gap of the recording: less than 85 % of it has data"

/* Why a window with recorded_pct (0-100) of its length recorded is not analysed (a static
 * reason above), or NULL when it is. */
PSY_API const char *psy_hrv_window_gap_reason(double recorded_pct);

/* The share (0-100) of [onset_s, onset_s + duration_s) that the series nn_ms / t_s (n intervals in
 * ms ending at t_s, s, in time order) covers with its usable intervals (finite, > 0, <= 10 s, as
 * psy_hrv_compute takes them): each covers the time back to the beat before it, or only its own
 * length where the two beats are two of its lengths apart or more (an interval is missing there);
 * the series' first interval and its last beat cover one length more each (no beat can be found
 * before the first or after the last one). Whatever left the data out (a gap of the recording,
 * missing, flat or unusable signal of the channel, a device's dropped beats, a channel that
 * starts late), the time no interval covers is missing. 0 for a NULL array or a span of no length.
 * O(log n + intervals in the span). Since 0.3. */
PSY_API double psy_hrv_covered_pct(const double *nn_ms, const double *t_s, size_t n, double onset_s,
                                   double duration_s);

/* Why window w of the series nn_ms / t_s is not analysed, or NULL: PCST's too_little
 * (PSY_HRV_PCST_WINDOW_NA_REASON) first, else psy_hrv_window_gap_reason of its
 * psy_hrv_covered_pct, which *recorded_pct (may be NULL) gets. The rule psyphys hrv, analyze and
 * the Python package apply to every window; a window with a reason is computed from no interval,
 * then psy_hrv_result_set_na(result, reason). Since 0.3. */
PSY_API const char *psy_hrv_window_na_reason_of(const double *nn_ms, const double *t_s, size_t n,
                                                const psy_hrv_window *w, double *recorded_pct);

/* 1 when the windows of the series nn_ms / t_s (n intervals, from t_first_s) state their
 * recorded_pct (psy_hrv_table_begin_recorded): recording r (may be NULL) has several stretches, or
 * the intervals leave part of the series' span uncovered (psy_hrv_covered_pct below 100): the rule
 * of psyphys hrv and the Python package. Since 0.3. */
PSY_API int psy_hrv_windows_gapped(const psy_reader *r, const double *nn_ms, const double *t_s, size_t n,
                                   double t_first_s);

/* Every value of r that is n/a-able becomes n/a with this (static) reason: a window too empty to
 * analyse. */
PSY_API void psy_hrv_result_set_na(psy_hrv_result *r, const char *why);

#ifdef __cplusplus
}
#endif
#endif
