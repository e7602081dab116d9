/* The fast EDA method as a push object: preprocessing, causal high-pass split into tonic and
 * phasic, SCR scoring (see include/psyphys/eda.h). */
#include <math.h>
#include <stdlib.h>

#include "biquad.h"
#include "eda_artifact.h"
#include "eda_internal.h"
#include "eda_noise.h"
#include "eda_prep.h"
#include "eda_scr.h"

struct psy_eda_stream {
    psy_eda_config cfg;
    eda_prep prep;
    eda_noise *noise;
    eda_artifact *artifact;
    psy_biquad hp;
    int hp_restart;
    eda_scr *scr;
    double tonic_sum;
    int64_t tonic_n;
    int finished;
};

psy_status psy_eda_stream_create(const psy_eda_config *config, psy_eda_stream **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (psy_eda_config_check(config, NULL) != PSY_OK) return PSY_E_INVALID;
    psy_eda_stream *s = calloc(1, sizeof *s);
    if (!s) return PSY_E_NOMEM;
    s->cfg = *config;
    eda_prep_init(&s->prep, config);
    s->scr = eda_scr_create(config, &s->prep);
    s->noise = eda_noise_create(config->rate_hz);
    s->artifact = eda_artifact_create(config, config->rate_hz, s->prep.out_rate);
    if (!s->scr || !s->noise || !s->artifact) {
        psy_eda_stream_destroy(s);
        return PSY_E_NOMEM;
    }
    psy_eda_stream_reset(s);
    *out = s;
    return PSY_OK;
}

void psy_eda_stream_reset(psy_eda_stream *s)
{
    if (!s) return;
    eda_prep_init(&s->prep, &s->cfg);
    eda_noise_reset(s->noise);
    eda_artifact_reset(s->artifact);
    s->prep.noise = s->noise;
    s->prep.artifact = s->artifact;
    psy_biquad_highpass(&s->hp, s->cfg.highpass_hz, s->prep.out_rate);
    s->hp_restart = 1;
    eda_scr_reset(s->scr);
    s->tonic_sum = 0;
    s->tonic_n = 0;
    s->finished = 0;
}

psy_status psy_eda_stream_push(psy_eda_stream *s, const double *x, size_t n, size_t *used)
{
    return eda_stream_push_sink(s, x, n, used, NULL, NULL);
}

/* One analysis sample y (NaN when flagged): the high-pass split, the tonic sink, SCR scoring. */
static void take(psy_eda_stream *s, double y, eda_tonic_sink sink, void *ctx)
{
    double phasic = NAN;
    if (!isnan(y)) {
        /* after a gap the level restarts as tonic: the phasic part starts at 0 */
        if (s->hp_restart) psy_biquad_settle(&s->hp, y);
        s->hp_restart = 0;
        phasic = psy_biquad_step(&s->hp, y);
        s->tonic_sum += y - phasic;
        s->tonic_n++;
    } else {
        s->hp_restart = 1;
    }
    if (sink) sink(ctx, eda_prep_time(&s->prep, s->prep.art.total - 1), y - phasic, s->prep.flags);
    eda_scr_push(s->scr, y, eda_noise_current(s->noise));
}

psy_status eda_stream_push_sink(psy_eda_stream *s, const double *x, size_t n, size_t *used,
                                eda_tonic_sink sink, void *ctx)
{
    if (used) *used = 0;
    if (!s || (!x && n) || s->finished) return PSY_E_INVALID;
    size_t i = 0;
    for (; i < n; i++) {
        if (!eda_scr_has_room(s->scr)) break;
        double y;
        if (eda_prep_step(&s->prep, x[i], &y)) take(s, y, sink, ctx);
    }
    if (used) *used = i;
    return PSY_OK;
}

psy_status eda_stream_finish_sink(psy_eda_stream *s, eda_tonic_sink sink, void *ctx)
{
    if (!s || s->finished) return PSY_E_INVALID;
    double y;
    while (eda_scr_has_room(s->scr) && eda_prep_flush(&s->prep, &y)) take(s, y, sink, ctx);
    if (!eda_scr_has_room(s->scr)) return PSY_E_INVALID; /* SCRs were not popped before */
    eda_scr_finish(s->scr);
    s->finished = 1;
    return PSY_OK;
}

psy_status psy_eda_stream_finish(psy_eda_stream *s)
{
    return eda_stream_finish_sink(s, NULL, NULL);
}

size_t psy_eda_stream_pop(psy_eda_stream *s, psy_eda_scr *out, size_t max)
{
    if (!s || !out) return 0;
    return eda_scr_pop(s->scr, out, max);
}

double psy_eda_stream_analysis_rate(const psy_eda_stream *s)
{
    return s ? s->prep.out_rate : 0;
}

double psy_eda_stream_latency(const psy_eda_stream *s)
{
    return s ? (double)eda_scr_latency(s->scr) / s->prep.out_rate + s->prep.delay_s +
                   eda_prep_latency_s(&s->prep, s->cfg.rate_hz)
             : 0;
}

int64_t psy_eda_artifacts_excluded(const psy_eda_artifacts *a)
{
    return a ? a->missing + a->out_of_range + a->slope + a->flat + a->drop + a->near : 0;
}

psy_eda_artifacts psy_eda_stream_artifacts(const psy_eda_stream *s)
{
    return s ? s->prep.art : (psy_eda_artifacts){0};
}

void psy_eda_stream_tonic(const psy_eda_stream *s, double *sum_us, int64_t *n)
{
    if (sum_us) *sum_us = s ? s->tonic_sum : 0;
    if (n) *n = s ? s->tonic_n : 0;
}

psy_eda_noise psy_eda_stream_noise(const psy_eda_stream *s)
{
    if (!s) return (psy_eda_noise){NAN, NAN, NAN, NAN, NAN, NAN};
    return eda_scr_noise_summary(s->scr, s->noise);
}

psy_status psy_eda_stream_copy(const psy_eda_stream *s, psy_eda_stream **out)
{
    if (!s || !out) return PSY_E_INVALID;
    psy_eda_stream *c = malloc(sizeof *c);
    if (!c) return PSY_E_NOMEM;
    *c = *s;
    c->scr = eda_scr_copy(s->scr);
    c->noise = eda_noise_copy(s->noise);
    c->artifact = eda_artifact_copy(s->artifact);
    c->prep.noise = c->noise;
    c->prep.artifact = c->artifact;
    if (!c->scr || !c->noise || !c->artifact) {
        psy_eda_stream_destroy(c);
        return PSY_E_NOMEM;
    }
    *out = c;
    return PSY_OK;
}

void psy_eda_stream_destroy(psy_eda_stream *s)
{
    if (!s) return;
    eda_scr_destroy(s->scr);
    eda_noise_destroy(s->noise);
    eda_artifact_destroy(s->artifact);
    free(s);
}
