/* The session analysis: the readers of the beats' NN series that take it by slices (epochs) or
 * whole (RSA), whether it lies in the beat list's arrays or in a spool (cfg.lean_results). */

#include "session_internal.h"

static size_t source_min = NN_VIEW_SOURCE_MIN; /* the tests' hook alone changes it */

void psy_session_source_min_for_tests(size_t min)
{
    source_min = min ? min : NN_VIEW_SOURCE_MIN;
}

nn_view psy_session_nn(const psy_session *s)
{
    nn_view v = {s->beats, s->nn, source_min};
    return v;
}

psy_status psy_session_hr_response(const psy_session *s, double onset, const psy_hr_response_config *c, nn_buf *buf,
                                   psy_hr_response *out)
{
    /* the intervals hr_response_left_out reads (hr_response_reach) */
    nn_view v = psy_session_nn(s);
    psy_status st = PSY_OK;
    size_t a = nn_view_bound(&v, onset - c->pre_s, 0, &st), b = nn_view_bound(&v, onset + c->post_s, 0, &st);
    hr_response_reach(s->beats->n_nn, &a, &b);
    nn_slice x;
    if (st == PSY_OK) st = nn_view_slice(&v, a, b, buf, &x);
    if (st != PSY_OK) return st;
    return hr_response_left_out(x.t, x.nn, x.corrected, x.n, s->beats->nn_left_out_s, s->beats->counts.nn_left_out,
                                onset, c, out);
}

psy_status psy_session_rsa(psy_session *s, const psy_rsa_config *c)
{
    if (!s->nn) return psy_rsa_compute(s->beats, s->breaths, c, &s->rsa);
    /* RSA's Porges-Bohrer grid spans the whole series anyway: it is read whole for it */
    psy_beat_list whole = *s->beats;
    nn_view v = psy_session_nn(s);
    nn_buf buf = {0};
    nn_slice x;
    psy_status st = whole.n_nn ? nn_view_slice(&v, 0, whole.n_nn, &buf, &x) : PSY_OK;
    whole.nn_ms = buf.nn, whole.nn_onset_s = buf.t, whole.nn_corrected = buf.corrected;
    if (st == PSY_OK) st = psy_rsa_compute(&whole, s->breaths, c, &s->rsa);
    nn_buf_free(&buf);
    return st;
}
