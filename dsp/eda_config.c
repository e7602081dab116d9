/* EDA settings: defaults and their ranges (see include/psyphys/eda.h). */
#include <math.h>
#include <stdio.h>

#include "psyphys/eda.h"
#include "psy_core.h" /* psy_reserved_clear */

const char *psy_eda_method_name(psy_eda_method method)
{
    return method == PSY_EDA_DECONV ? "deconv" : "fast";
}

psy_eda_config psy_eda_config_default(double rate_hz)
{
    return (psy_eda_config){
        .rate_hz = rate_hz,
        .lowpass_hz = 3.0,
        .analysis_rate_hz = 32.0,
        .min_us = 0.05,
        .max_us = 100.0,
        .max_slope_us_per_s = 10.0,
        .flat_s = 10.0,
        .spike_max_s = 1.0,
        .drop_fraction = 0.5,
        .artifact_radius_s = 5.0,
        .highpass_hz = 0.05,
        .min_amplitude_us = 0.01,
        .noise_factor = 3.5,
        .relative_amplitude = 0.0,
        .hysteresis_us = 0.0,
        .min_rise_s = 0.5,
        .max_rise_s = 5.0,
        .recovery_max_s = 10.0,
        .baseline_s = 1.0,
        .tau1_s = 1.0,
        .tau2_s = 3.75,
        .smooth_s = 0.2,
        .tonic_grid_s = 10.0,
        .tonic_quantile = 0.25,
    };
}

static psy_status bad(psy_message *why, const char *name, double v, const char *range)
{
    if (why) snprintf(why->text, sizeof why->text, "EDA setting %s = %g is out of range (%s)", name, v, range);
    return PSY_E_INVALID;
}

/* a finite value in [lo, hi] */
static int in(double v, double lo, double hi)
{
    return isfinite(v) && v >= lo && v <= hi;
}

psy_status psy_eda_config_check(const psy_eda_config *c, psy_message *why)
{
    if (!c) return bad(why, "config", NAN, "NULL");
    if (!psy_reserved_clear(c->reserved)) return psy_fail(why, PSY_E_INVALID, "%s", PSY_RESERVED_REASON);
    if (!in(c->rate_hz, 1, 100000)) return bad(why, "rate_hz", c->rate_hz, "1 .. 100000 Hz");
    if (!in(c->lowpass_hz, 0, 1000)) return bad(why, "lowpass_hz", c->lowpass_hz, "0 .. 1000 Hz");
    if (!in(c->analysis_rate_hz, 1, 1000))
        return bad(why, "analysis_rate_hz", c->analysis_rate_hz, "1 .. 1000 Hz");
    if (!(isfinite(c->min_us) && isfinite(c->max_us) && c->min_us < c->max_us))
        return bad(why, "min_us", c->min_us, "finite, below max_us");
    if (!(c->max_slope_us_per_s > 0)) return bad(why, "max_slope_us_per_s", c->max_slope_us_per_s, "> 0");
    if (!in(c->flat_s, 0, 86400)) return bad(why, "flat_s", c->flat_s, "0 .. 86400 s");
    if (!in(c->spike_max_s, 0, 10)) return bad(why, "spike_max_s", c->spike_max_s, "0 .. 10 s");
    if (!in(c->drop_fraction, 0, 1)) return bad(why, "drop_fraction", c->drop_fraction, "0 .. 1");
    if (!in(c->artifact_radius_s, 0, 60))
        return bad(why, "artifact_radius_s", c->artifact_radius_s, "0 .. 60 s");
    if (!in(c->highpass_hz, 0.001, 1)) return bad(why, "highpass_hz", c->highpass_hz, "0.001 .. 1 Hz");
    if (!in(c->min_amplitude_us, 0, 100)) return bad(why, "min_amplitude_us", c->min_amplitude_us, "0 .. 100 uS");
    if (!in(c->noise_factor, 0, 100)) return bad(why, "noise_factor", c->noise_factor, "0 .. 100");
    if (!in(c->relative_amplitude, 0, 1)) return bad(why, "relative_amplitude", c->relative_amplitude, "0 .. 1");
    if (!in(c->hysteresis_us, 0, 10)) return bad(why, "hysteresis_us", c->hysteresis_us, "0 .. 10 uS");
    if (!in(c->max_rise_s, 0.1, 60)) return bad(why, "max_rise_s", c->max_rise_s, "0.1 .. 60 s");
    if (!in(c->min_rise_s, 0, c->max_rise_s)) return bad(why, "min_rise_s", c->min_rise_s, "0 .. max_rise_s");
    if (!in(c->recovery_max_s, 0, 120)) return bad(why, "recovery_max_s", c->recovery_max_s, "0 .. 120 s");
    if (!in(c->baseline_s, 0, 30)) return bad(why, "baseline_s", c->baseline_s, "0 .. 30 s");
    if (!in(c->tau1_s, 0.05, 30)) return bad(why, "tau1_s", c->tau1_s, "0.05 .. 30 s");
    if (!in(c->tau2_s, 0.05, 60) || c->tau2_s <= c->tau1_s)
        return bad(why, "tau2_s", c->tau2_s, "above tau1_s, at most 60 s");
    if (!in(c->smooth_s, 0, 5)) return bad(why, "smooth_s", c->smooth_s, "0 .. 5 s");
    if (!in(c->tonic_grid_s, 1, 600)) return bad(why, "tonic_grid_s", c->tonic_grid_s, "1 .. 600 s");
    if (!in(c->tonic_quantile, 0, 1)) return bad(why, "tonic_quantile", c->tonic_quantile, "0 .. 1");
    return PSY_OK;
}
