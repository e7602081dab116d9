/* EDA preprocessing: low-pass, decimation, artifact flags (see include/psyphys/eda.h). */
#include <math.h>
#include <stdlib.h>

#include "eda_prep.h"

void eda_prep_init(eda_prep *p, const psy_eda_config *c)
{
    p->factor = (int64_t)floor(c->rate_hz / c->analysis_rate_hz);
    if (p->factor < 1) p->factor = 1;
    p->out_rate = c->rate_hz / (double)p->factor;
    double cutoff = fmin(c->lowpass_hz, 0.35 * c->rate_hz);
    p->lowpass = cutoff >= 0.2;
    p->delay_s = 0;
    if (p->lowpass) {
        for (int i = 0; i < 2; i++) psy_biquad_lowpass(&p->lp[i], cutoff, c->rate_hz);
        /* group delay near DC, where SCR energy lies (< 1 Hz) */
        p->delay_s = 2.0 * psy_biquad_group_delay(&p->lp[0], 0.2, c->rate_hz) / c->rate_hz;
    }
    p->min_us = c->min_us;
    p->max_us = c->max_us;
    p->max_step = c->max_slope_us_per_s / p->out_rate;
    p->flat_samples = c->flat_s > 0 ? (int64_t)ceil(c->flat_s * c->rate_hz) : 0;
    p->n_in = 0;
    p->restart = 1;
    p->last_raw = NAN;
    p->same_run = 0;
    p->last_out = NAN;
    p->pending = 0;
    p->art = (psy_eda_artifacts){0};
}

/* One (repaired) input sample with the flags stage 1 gave it: range and flat tests, noise,
 * low-pass, decimation, slope test. Returns 1 with an analysis sample (NaN when flagged). */
static int core(eda_prep *p, double x, unsigned bad, double *y, unsigned *flags)
{
    int64_t i = p->n_in++;
    if (isnan(x)) bad |= EDA_BAD_MISSING;
    else if (!(x > p->min_us)) bad |= EDA_BAD_LOW;
    else if (x > p->max_us) bad |= EDA_BAD_HIGH;
    if (!(bad & EDA_BAD_ANY) && p->flat_samples > 0) {
        p->same_run = x == p->last_raw ? p->same_run + 1 : 0;
        p->last_raw = x;
        if (p->same_run >= p->flat_samples) bad |= EDA_BAD_FLAT;
    }
    int usable = !(bad & EDA_BAD_ANY);
    double v = NAN;
    if (!usable) {
        p->restart = 1;
    } else {
        v = x;
        if (p->lowpass) {
            if (p->restart)
                for (int k = 0; k < 2; k++) psy_biquad_settle(&p->lp[k], x);
            for (int k = 0; k < 2; k++) v = psy_biquad_step(&p->lp[k], v);
        }
        p->restart = 0;
    }
    p->pending |= bad;
    if (i % p->factor != 0) return 0;

    *flags = p->pending;
    p->pending = 0;
    if (*flags & EDA_BAD_ANY) {
        p->last_out = NAN;
        *y = NAN;
        return 1;
    }
    double prev = p->last_out;
    p->last_out = v;
    if (!isnan(prev) && fabs(v - prev) > p->max_step) {
        *flags |= EDA_BAD_SLOPE;
        *y = NAN;
        return 1;
    }
    *y = v;
    return 1;
}

/* Counts an analysis sample by its first flag. */
static void count(psy_eda_artifacts *a, unsigned f)
{
    a->total++;
    if (f & EDA_FIXED_SPIKE) a->spike++;
    if (f & EDA_BAD_MISSING) a->missing++;
    else if (f & (EDA_BAD_LOW | EDA_BAD_HIGH)) {
        a->out_of_range++;
        if (f & EDA_BAD_LOW) a->below_min++;
        else a->above_max++;
    } else if (f & EDA_BAD_FLAT) a->flat++;
    else if (f & EDA_BAD_SLOPE) a->slope++;
    else if (f & EDA_BAD_DROP) a->drop++;
    else if (f & EDA_BAD_NEAR) a->near++;
}

/* Stage 2 (transition radius) of analysis sample y, or its drain (end). */
static int release(eda_prep *p, double y, unsigned f, int end, double *out)
{
    unsigned g = f;
    if (p->artifact) {
        if (!eda_artifact_output(p->artifact, y, f, end, out, &g)) return 0;
    } else if (end) {
        return 0;
    } else {
        *out = y;
    }
    count(&p->art, g);
    p->flags = g;
    return 1;
}

static double noise_sd(const eda_prep *p)
{
    return p->noise ? eda_noise_current(p->noise) : NAN;
}

int eda_prep_step(eda_prep *p, double x, double *y)
{
    double v = x, a;
    unsigned f = 0, af;
    /* the noise from the raw input: the spike rule must not lower its own threshold */
    if (p->noise) eda_noise_push(p->noise, x > p->min_us && x <= p->max_us ? x : NAN);
    if (p->artifact && !eda_artifact_input(p->artifact, x, noise_sd(p), 0, &v, &f)) return 0;
    return core(p, v, f, &a, &af) && release(p, a, af, 0, y);
}

int eda_prep_flush(eda_prep *p, double *y)
{
    double v, a;
    unsigned f, af;
    while (p->artifact && eda_artifact_input(p->artifact, 0, noise_sd(p), 1, &v, &f))
        if (core(p, v, f, &a, &af) && release(p, a, af, 0, y)) return 1;
    return release(p, 0, 0, 1, y);
}

double eda_prep_latency_s(const eda_prep *p, double in_rate)
{
    if (!p->artifact) return 0;
    return (double)eda_artifact_input_delay(p->artifact) / in_rate +
           (double)eda_artifact_output_delay(p->artifact) / p->out_rate;
}

double *eda_prep_noise_acf(const eda_prep *p, int64_t m)
{
    /* the low-pass impulse response at the input rate, until it has died away */
    size_t cap = 1024, len = 0;
    double *h = malloc(cap * sizeof *h), peak = 0;
    double *r = calloc((size_t)(m > 0 ? m : 1), sizeof *r);
    if (!h || !r) {
        free(h);
        free(r);
        return NULL;
    }
    psy_biquad lp[2] = {p->lp[0], p->lp[1]};
    for (int k = 0; k < 2; k++) lp[k].z1 = lp[k].z2 = 0;
    for (size_t quiet = 0; quiet < 64 && len < ((size_t)1 << 22); len++) {
        double v = len == 0 ? 1.0 : 0.0;
        if (p->lowpass)
            for (int k = 0; k < 2; k++) v = psy_biquad_step(&lp[k], v);
        if (len == cap) {
            double *q = realloc(h, 2 * cap * sizeof *h);
            if (!q) {
                free(h);
                free(r);
                return NULL;
            }
            h = q;
            cap *= 2;
        }
        h[len] = v;
        peak = fmax(peak, fabs(v));
        quiet = fabs(v) < 1e-9 * peak ? quiet + 1 : 0;
        if (!p->lowpass) quiet = 64;
    }
    for (int64_t k = 0; k < m; k++) {
        int64_t d = k * p->factor;
        for (int64_t i = 0; i + d < (int64_t)len; i++) r[k] += h[i] * h[i + d];
    }
    free(h);
    return r;
}

double eda_noise_sd_of(const double *acf, int64_t m_acf, const double *w, int64_t m)
{
    double v = 0;
    for (int64_t i = 0; i < m; i++) {
        if (w[i] == 0) continue;
        for (int64_t j = 0; j < m; j++) {
            int64_t k = i > j ? i - j : j - i;
            if (w[j] != 0 && k < m_acf) v += w[i] * w[j] * acf[k];
        }
    }
    return sqrt(v);
}
