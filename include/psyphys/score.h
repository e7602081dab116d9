/* psyphys — beat-by-beat comparison of a detector against reference beats (ANSI/AAMI EC57).
 *
 * Each reference beat is matched to at most one test beat within the match window (EC57: 150 ms),
 * closest pairs first; scoring counts reference and test beats from `from_s` on (EC57: the first
 * 5 minutes are a learning period), while matching sees the beats just before it, so no beat at
 * the boundary is counted as a false negative or positive for want of its partner. */
#ifndef PSYPHYS_SCORE_H
#define PSYPHYS_SCORE_H

#include <stddef.h>
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_beat_score {
    size_t tp, fn, fp;
    double se, ppv;            /* sensitivity and positive predictivity, 0..1 (NaN: undefined) */
    double median_error_ms;    /* signed test - reference, over matched beats (NaN when none) */
    double median_abs_error_ms;
    double p95_abs_error_ms;
    size_t n_ref, n_test;      /* beats scored (from from_s on) */
} psy_beat_score;

/* ref_s and test_s: beat times in seconds, ascending. window_s > 0. PSY_OK, PSY_E_INVALID
 * (NULL with n > 0, unsorted or non-finite times, window <= 0), PSY_E_NOMEM. */
PSY_API psy_status psy_score_beats(const double *ref_s, size_t n_ref, const double *test_s, size_t n_test,
                                   double from_s, double window_s, psy_beat_score *out);

#ifdef __cplusplus
}
#endif
#endif
