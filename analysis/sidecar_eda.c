/* The skin conductance artefacts and their rules in a sidecar (psyphys/sidecar.h). */
#include "sidecar_internal.h"

psy_status psy_sidecar_set_eda_artifacts(psy_sidecar *sc, const char *key, const psy_eda_result *r)
{
    if (!sc || !key || !r) return PSY_E_INVALID;
    const psy_eda_artifacts *a = &r->artifacts;
    double dt = 1.0 / r->analysis_rate_hz;
    int64_t flagged = psy_eda_artifacts_excluded(a);
    return psy_sidecar_set_new(sc, key, json_pack(
        "{s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "missing_s", (double)a->missing * dt, "below_range_s",
        (double)a->below_min * dt, "above_range_s", (double)a->above_max * dt, "slope_s", (double)a->slope * dt,
        "flat_s", (double)a->flat * dt, "drop_s", (double)a->drop * dt, "transition_s", (double)a->near * dt,
        "excluded_s", r->duration_s - r->valid_s, /* the one definition (psy_eda_valid_seconds) */ "spike_repaired_s", (double)a->spike * dt, "flagged_fraction",
        a->total ? (double)flagged / (double)a->total : 0.0));
}

psy_status psy_sidecar_set_eda_artifact_rules(psy_sidecar *sc, const char *key, const psy_eda_config *c)
{
    if (!sc || !key || !c) return PSY_E_INVALID;
    return psy_sidecar_set_new(sc, key, json_pack(
        "{s:s,s:[f,f],s:f,s:f,s:f,s:f,s:f}", "rules",
        "out of valid_range_us, steeper than max_slope_us_per_s, flat for flat_s, drops below "
        "drop_fraction of the last second's largest value: excluded, with artifact_radius_s around "
        "all but flat (Kleckner et al. 2018); spikes that leave and regain the level within "
        "spike_max_s: repaired",
        "valid_range_us", c->min_us, c->max_us, "max_slope_us_per_s", c->max_slope_us_per_s,
        "flat_s", c->flat_s, "spike_max_s", c->spike_max_s, "drop_fraction", c->drop_fraction,
        "artifact_radius_s", c->artifact_radius_s));
}
