/* The session analysis: the plausibility checks (psyphys/plausibility.h) on what one run
 * computed, each finding a warning. */
#include <math.h>
#include <stdlib.h>

#include "session_internal.h"

static void warn_if(psy_session *s, const psy_implausible *f)
{
    if (!f->found) return;
    s->implausible[f->check] = 1;
    psy_session_warn(s, "%s%s", f->check == PSY_CHECK_EDA_UNIT ? "" : "implausible: ", f->text);
}

int psy_session_check_plausibility(psy_session *s)
{
    psy_plausibility_config c = psy_plausibility_config_default();
    psy_implausible f;
    if (s->nn) { /* the spooled NN series (cfg.lean_results) */
        nn_spool_source src;
        nn_spool_source_init(&src, s->nn, 0);
        psy_status st = check_heart_rate_source(&src.src, s->nn->n, &c, &f);
        if (st == PSY_OK) warn_if(s, &f);
        else if (st == PSY_E_IO) psy_session_warn(s, "heart rate not checked: %s", NN_SPOOL_UNREADABLE);
        else return 0;
    } else if (s->beats && psy_check_heart_rate(s->beats->nn_onset_s, s->beats->nn_ms, s->beats->n_nn, &c, &f) == PSY_OK)
        warn_if(s, &f);
    if (s->hr >= 0 && psy_check_heart_rate_bpm(s->hr_t_s, s->hr_bpm, s->n_hr, &c, &f) == PSY_OK) warn_if(s, &f);
    if (s->breaths && s->breaths->n &&
        psy_check_breathing_rate(s->breaths->onset_s, s->breaths->end_s, s->breaths->n, &c, &f) == PSY_OK)
        warn_if(s, &f);
    if (s->eda >= 0 && psy_check_eda_unit(psy_reader_channel(s->r, s->eda), &f) == PSY_OK) warn_if(s, &f);
    if (s->scr) {
        /* the seconds the analysis left out as below its range are at the floor too */
        const psy_eda_result *r = s->scr;
        double *level = malloc((r->n_tonic ? r->n_tonic : 1) * sizeof *level);
        if (!level) return 0;
        for (size_t i = 0; i < r->n_tonic; i++)
            level[i] = isnan(r->tonic_1hz_us[i]) && (r->flags_1hz[i] & PSY_EDA_BELOW_RANGE) ? 0.0
                                                                                           : r->tonic_1hz_us[i];
        if (psy_check_scl_floor(level, r->n_tonic, 1.0, &c, &f) == PSY_OK) warn_if(s, &f);
        free(level);
    }
    return 1;
}
