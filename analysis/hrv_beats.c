/* HRV over a time span of a recording's beats: the wiring between psy_beats_detect and
 * psy_hrv_compute for segments and epochs. */
#include <math.h>

#include "hrv_beats.h"
#include "hrv_internal.h"
#include "lower_bound.h"

size_t hrv_left_out_in(const psy_beat_list *beats, double t0_s, double t1_s)
{
    if (!beats->nn_left_out_s) return 0;
    size_t la = psy_upper_bound(beats->nn_left_out_s, beats->counts.nn_left_out, t0_s);
    size_t lb = psy_upper_bound(beats->nn_left_out_s, beats->counts.nn_left_out, t1_s);
    return lb > la ? lb - la : 0;
}

psy_status psy_hrv_compute_beats(psy_hrv *h, const psy_beat_list *beats, int corrected, double t0_s,
                                 double t1_s, psy_hrv_result *result, size_t *skipped)
{
    if (!h || !beats || !result || isnan(t0_s) || isnan(t1_s) || (!corrected && beats->n && (!beats->rr_ms || !beats->onset_s)) ||
        (corrected && beats->n_nn && (!beats->nn_ms || !beats->nn_onset_s || !beats->nn_corrected)))
        return PSY_E_INVALID;
    const double *v = corrected ? beats->nn_ms : beats->rr_ms;
    const double *t = corrected ? beats->nn_onset_s : beats->onset_s;
    size_t n = corrected ? beats->n_nn : beats->n;
    size_t a = psy_upper_bound(t, n, t0_s), b = psy_upper_bound(t, n, t1_s);
    if (b < a) b = a;
    if (!corrected) {
        psy_status st = psy_hrv_compute(h, v + a, t + a, b - a, result, skipped);
        result->nn_corrected_pct = result->n_nn ? 0 : NAN; /* the raw intervals: none corrected */
        return st;
    }
    return hrv_compute_left_out(h, v + a, t + a, beats->nn_corrected + a, b - a, hrv_left_out_in(beats, t0_s, t1_s),
                                result, skipped);
}
