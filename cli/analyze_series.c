/* psyphys analyze: markers over an interval of the recording (HRV, breathing rate). */
#include <math.h>
#include <string.h>

#include "analyze.h"

double analyze_breath_rate(const analyze_session *s, double start, double end)
{
    if (s->rsp < 0 || !s->n_breaths) return NAN;
    double rate = psy_reader_channel(s->r, s->rsp)->rate_hz, first = NAN, last = NAN;
    size_t n = 0;
    for (size_t i = 0; i < s->n_breaths; i++) {
        double a = (double)s->breaths[i].onset / rate, z = (double)s->breaths[i].end / rate;
        if (a < start || z > end) continue;
        if (!n) first = a;
        last = z, n++;
    }
    return n ? 60.0 * (double)n / (last - first) : NAN;
}

int analyze_eda_of(const analyze_session *s, const analyze_options *o, double start, double end,
                   psy_eda_summary *e)
{
    memset(e, 0, sizeof *e);
    e->scl_us = e->ns_scr_per_min = e->scr_amplitude_sum_us = e->scr_amplitude_mean_us = NAN;
    return s->scr && psy_eda_summarize(s->scr, start, end, s->events, s->n_events, o->latency_min_s,
                                       o->latency_max_s, e) == PSY_OK;
}

const psy_hrv_key analyze_hrv_columns[] = {
    PSY_HRV_MEAN_NN_MS, PSY_HRV_SDNN_MS, PSY_HRV_RMSSD_MS, PSY_HRV_SDSD_MS, PSY_HRV_PNN50_PCT,
    PSY_HRV_PNN20_PCT, PSY_HRV_CVNN, PSY_HRV_CVSD, PSY_HRV_MEDIAN_NN_MS, PSY_HRV_MAD_NN_MS,
    PSY_HRV_IQR_NN_MS, PSY_HRV_MIN_NN_MS, PSY_HRV_MAX_NN_MS, PSY_HRV_HTI, PSY_HRV_TINN_MS,
    PSY_HRV_SDANN_MS, PSY_HRV_SDNNI_MS, PSY_HRV_ULF_MS2, PSY_HRV_VLF_MS2, PSY_HRV_LF_MS2,
    PSY_HRV_HF_MS2, PSY_HRV_VHF_MS2, PSY_HRV_TOTAL_POWER_MS2, PSY_HRV_LF_HF, PSY_HRV_LF_NU,
    PSY_HRV_HF_NU, PSY_HRV_LF_PEAK_HZ, PSY_HRV_HF_PEAK_HZ, PSY_HRV_SD1_MS, PSY_HRV_SD2_MS,
    PSY_HRV_SD1_SD2, PSY_HRV_SAMPEN, PSY_HRV_APEN, PSY_HRV_DFA_ALPHA1, PSY_HRV_DFA_ALPHA2};
const size_t analyze_n_hrv_columns = sizeof analyze_hrv_columns / sizeof analyze_hrv_columns[0];

void analyze_hrv_of(analyze_session *s, double start, double end, psy_hrv_result *out)
{
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) out->values.v[k] = NAN, out->values.na[k] = "no beats";
    out->n_nn = 0;
    if (!s->beats || !s->hrv) return;
    psy_hrv_compute_beats(s->hrv, s->beats, 1, start, end, out, NULL); /* NN ending in (start, end] */
}
