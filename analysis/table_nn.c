/* A beats table's NN series by the one rule (psyphys/beats_table.h): its labels when it has them,
 * else each run classified, and the correction detected beats get. */
#include "beats_internal.h"
#include "psy_core.h"
#include "psyphys/beats_table.h"

psy_status psy_beats_table_nn(const psy_beats_table *t, const psy_rr_config *config, double *out_nn_ms,
                              double *out_t_s, uint8_t *out_corrected, uint8_t *out_run_start, size_t out_max,
                              size_t *out_n, psy_rr_counts *counts, psy_message *why)
{
    if (!t) {
        if (out_n) *out_n = 0;
        return psy_fail(why, PSY_E_INVALID, "no table");
    }
    return beats_nn_runs(t->onset_s, t->rr_ms, t->classes, t->n, config, out_nn_ms, out_t_s, out_corrected,
                         out_run_start, out_max, out_n, counts, why);
}
