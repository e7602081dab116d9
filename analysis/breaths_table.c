/* The breaths table of `psyphys resp` and `psyphys analyze` (psyphys/rsa.h). */
#include <math.h>

#include "psyphys/rsa.h"

static void put(FILE *fp, double v, int decimals, char end)
{
    if (isfinite(v)) fprintf(fp, "%.*f%c", decimals, v, end);
    else fprintf(fp, "n/a%c", end);
}

psy_status psy_breaths_write_tsv(FILE *fp, const psy_breath_list *l, const psy_rsa_result *rsa)
{
    if (!fp || !l || (rsa && rsa->n_breaths != l->n)) return PSY_E_INVALID;
    fputs("onset\tpeak\tduration_s\tamplitude\trate_per_min\trsa_p2t_ms\thr_osc_bpm\n", fp);
    for (size_t i = 0; i < l->n; i++) {
        double dur = l->end_s[i] - l->onset_s[i];
        fprintf(fp, "%.3f\t%.3f\t%.3f\t%.6g\t", l->onset_s[i], l->peak_s[i], dur, l->b[i].amplitude);
        put(fp, 60.0 / dur, 3, '\t');
        put(fp, rsa ? rsa->p2t_ms[i] : NAN, 3, '\t');
        put(fp, rsa ? rsa->hr_osc_bpm[i] : NAN, 3, '\n');
    }
    return ferror(fp) ? PSY_E_IO : PSY_OK;
}
