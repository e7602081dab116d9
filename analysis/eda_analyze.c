/* EDA of a whole channel or array: the fast method through the stream (the deconvolution method
 * is in eda_two_pass.c); SCR list, tonic level per second, summary (see include/psyphys/eda.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eda_collect.h"
#include "eda_internal.h"
#include "psy_core.h"
#include "reader_impl.h" /* psy_grow */

#define MIN_DURATION_S 10.0

psy_status eda_source_read(const sample_source *s, int64_t at, int64_t m, double *out)
{
    if (s->reader) return psy_reader_read(s->reader, s->ch, at, m, out);
    memcpy(out, s->x + at, (size_t)m * sizeof *out);
    return PSY_OK;
}

void eda_collect_scrs(collector *c, const psy_eda_scr *s, size_t n)
{
    psy_eda_result *r = c->r;
    if (r->n + n > c->cap_scr) {
        size_t cap = c->cap_scr ? c->cap_scr * 2 : 256;
        while (cap < r->n + n) cap *= 2;
        psy_eda_scr *p = realloc(r->scr, cap * sizeof *p);
        if (!p) {
            c->nomem = 1;
            return;
        }
        r->scr = p;
        c->cap_scr = cap;
    }
    memcpy(r->scr + r->n, s, n * sizeof *s);
    r->n += n;
}

void eda_collect_flush(collector *c)
{
    psy_eda_result *r = c->r;
    if (c->bin < 0) return;
    while ((int64_t)r->n_tonic <= c->bin) {
        if (r->n_tonic == c->cap_tonic) {
            size_t cap = c->cap_tonic ? c->cap_tonic * 2 : 1024;
            double *p = realloc(r->tonic_1hz_us, cap * sizeof *p);
            if (p) r->tonic_1hz_us = p;
            unsigned char *f = realloc(r->flags_1hz, cap * sizeof *f);
            if (f) r->flags_1hz = f;
            if (!p || !f) {
                c->nomem = 1;
                return;
            }
            c->cap_tonic = cap;
        }
        r->flags_1hz[r->n_tonic] = 0;
        r->tonic_1hz_us[r->n_tonic++] = NAN;
    }
    r->tonic_1hz_us[c->bin] = c->bin_n ? c->bin_sum / (double)c->bin_n : NAN;
    r->flags_1hz[c->bin] = (unsigned char)c->bin_flags;
}

/* Adds the flagged analysis sample at t_s (covering 1/analysis_rate_hz s) to the excluded
 * stretches, clipped to the channel. */
static void exclude(collector *c, double t_s)
{
    psy_eda_result *r = c->r;
    double a = fmax(t_s, 0), b = fmin(t_s + 1.0 / r->analysis_rate_hz, r->duration_s);
    if (!(b > a)) return;
    if (r->n_excluded && r->excluded[r->n_excluded - 1].end_s >= a - 1e-9) {
        r->excluded[r->n_excluded - 1].end_s = b;
        return;
    }
    if (!psy_grow(&r->excluded, sizeof *r->excluded, &c->cap_excluded, r->n_excluded + 1)) {
        c->nomem = 1;
        return;
    }
    r->excluded[r->n_excluded++] = (psy_eda_span){a, b};
}

void eda_collect_tonic(void *ctx, double t_s, double tonic, unsigned flags)
{
    collector *c = ctx;
    if (isnan(tonic)) exclude(c, t_s);
    int64_t b = t_s < 0 ? 0 : (int64_t)floor(t_s);
    if (b != c->bin) {
        eda_collect_flush(c);
        c->bin = b;
        c->bin_sum = 0;
        c->bin_n = 0;
        c->bin_flags = 0;
    }
    c->bin_flags |= flags;
    if (!isnan(tonic)) {
        c->bin_sum += tonic;
        c->bin_n++;
        c->tonic_sum += tonic;
        c->tonic_n++;
    }
}

void eda_collect_range(psy_eda_result *r, const double *x, int64_t m)
{
    for (int64_t i = 0; i < m; i++) {
        double v = x[i];
        if (!(v > r->config.min_us && v <= r->config.max_us)) continue;
        if (!(v >= r->signal_min_us)) r->signal_min_us = v;
        if (!(v <= r->signal_max_us)) r->signal_max_us = v;
    }
}
int eda_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Deconvolution state shared by both passes. */
static psy_status run_fast(const sample_source *src, int64_t n, collector *c, double *buf)
{
    psy_eda_stream *s = NULL;
    psy_status st = psy_eda_stream_create(&c->r->config, &s);
    if (st != PSY_OK) return st;
    c->r->analysis_rate_hz = psy_eda_stream_analysis_rate(s);
    psy_eda_scr out[64];
    for (int64_t at = 0; at < n && st == PSY_OK && !c->nomem; at += EDA_BLOCK) {
        int64_t m = n - at < EDA_BLOCK ? n - at : EDA_BLOCK;
        st = eda_source_read(src, at, m, buf);
        if (st != PSY_OK) break;
        eda_collect_range(c->r, buf, m);
        size_t done = 0;
        while (done < (size_t)m) {
            size_t used = 0;
            eda_stream_push_sink(s, buf + done, (size_t)m - done, &used, eda_collect_tonic, c);
            done += used;
            size_t k;
            while ((k = psy_eda_stream_pop(s, out, 64)) > 0) eda_collect_scrs(c, out, k);
        }
    }
    if (st == PSY_OK) {
        eda_stream_finish_sink(s, eda_collect_tonic, c);
        size_t k;
        while ((k = psy_eda_stream_pop(s, out, 64)) > 0) eda_collect_scrs(c, out, k);
        c->r->artifacts = psy_eda_stream_artifacts(s);
        c->r->noise = psy_eda_stream_noise(s);
    }
    psy_eda_stream_destroy(s);
    return st;
}

static void summarize(psy_eda_result *r, double tonic_sum, int64_t tonic_n)
{
    r->valid_s = psy_eda_valid_seconds(r, 0, r->duration_s);
    r->scl_us = r->ns_scr_per_min = r->scr_amplitude_mean_us = r->scr_amplitude_sum_us = NAN;
    if (r->duration_s < MIN_DURATION_S) {
        snprintf(r->why_na, sizeof r->why_na, "the channel is %.1f s long; EDA needs at least %.0f s",
                 r->duration_s, MIN_DURATION_S);
        r->phasic_driver_area_us_s = NAN;
        return;
    }
    if (tonic_n == 0) {
        snprintf(r->why_na, sizeof r->why_na, "no usable sample: every sample is missing, flat or "
                 "out of range");
        r->phasic_driver_area_us_s = NAN;
        return;
    }
    r->scl_us = tonic_sum / (double)tonic_n;
    r->ns_scr_per_min = (double)r->n / (r->valid_s / 60.0);
    double sum = 0;
    for (size_t i = 0; i < r->n; i++) sum += r->scr[i].amplitude_us;
    r->scr_amplitude_sum_us = sum;
    if (r->n > 0) r->scr_amplitude_mean_us = sum / (double)r->n;
    else snprintf(r->why_na, sizeof r->why_na, "no SCR: the mean amplitude is undefined");
}

static psy_status analyze(const sample_source *src, int64_t n, const psy_eda_config *config,
                          psy_eda_method method, psy_eda_result **out, psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "no output for the EDA result");
    *out = NULL;
    if (n < 0) return psy_fail(why, PSY_E_INVALID, "negative sample count %lld", (long long)n);
    psy_status st = psy_eda_config_check(config, why);
    if (st != PSY_OK) return st;
    psy_eda_result *r = calloc(1, sizeof *r);
    double *buf = malloc(EDA_BLOCK * sizeof *buf);
    if (!r || !buf) {
        free(r);
        free(buf);
        return psy_fail(why, PSY_E_NOMEM, "out of memory for the EDA analysis");
    }
    r->method = method;
    r->config = *config;
    r->duration_s = (double)n / config->rate_hz;
    r->signal_min_us = r->signal_max_us = r->signal_median_us = NAN;
    r->phasic_driver_area_us_s = NAN;
    r->noise = (psy_eda_noise){NAN, NAN, NAN, NAN, 0, NAN};
    collector c = {.r = r, .bin = -1};
    st = method == PSY_EDA_DECONV ? eda_run_deconv(src, n, &c, buf) : run_fast(src, n, &c, buf);
    eda_collect_flush(&c);
    free(buf);
    if (st == PSY_OK && c.nomem) st = PSY_E_NOMEM;
    if (st != PSY_OK) {
        psy_eda_result_free(r);
        return psy_fail(why, st, "%s", st == PSY_E_NOMEM ? "out of memory for the EDA analysis"
                                                         : "the EDA channel cannot be read");
    }
    if (method == PSY_EDA_FAST) r->phasic_driver_area_us_s = NAN;
    if (r->phasic_area_1hz_us_s) { /* one value per second of the tonic series */
        double *p = realloc(r->phasic_area_1hz_us_s, (r->n_tonic ? r->n_tonic : 1) * sizeof *p);
        if (!p) {
            psy_eda_result_free(r);
            return psy_fail(why, PSY_E_NOMEM, "out of memory for the EDA analysis");
        }
        for (size_t i = c.n_area; i < r->n_tonic; i++) p[i] = 0;
        r->phasic_area_1hz_us_s = p;
    }
    summarize(r, c.tonic_sum, c.tonic_n);
    /* the median of the 1 s tonic means: a robust level for unit checks */
    size_t m = 0;
    double *tmp = malloc((r->n_tonic ? r->n_tonic : 1) * sizeof *tmp);
    if (tmp) {
        for (size_t i = 0; i < r->n_tonic; i++)
            if (!isnan(r->tonic_1hz_us[i])) tmp[m++] = r->tonic_1hz_us[i];
        if (m) {
            qsort(tmp, m, sizeof *tmp, eda_cmp_double);
            r->signal_median_us = tmp[m / 2];
        }
        free(tmp);
    }
    if (config->relative_amplitude > 0) psy_eda_apply_relative_threshold(r, config->relative_amplitude);
    *out = r;
    return PSY_OK;
}

psy_status psy_eda_analyze_signal(const double *x, int64_t n, const psy_eda_config *config,
                                  psy_eda_method method, psy_eda_result **out, psy_message *why)
{
    if (!x && n > 0) {
        if (out) *out = NULL;
        return psy_fail(why, PSY_E_INVALID, "no samples given");
    }
    sample_source src = {.x = x, .n = n};
    return analyze(&src, n, config, method, out, why);
}

/* 1 when the channel's samples do not lie evenly on the recording's time axis (EDF+D gaps): the
 * last sample's time differs from index / rate by more than half a sample. */
static int skips_time(psy_reader *reader, int ch, const psy_channel_info *info)
{
    double first, last;
    if (info->frames < 2 || psy_reader_read_times(reader, ch, 0, 1, &first) != PSY_OK ||
        psy_reader_read_times(reader, ch, info->frames - 1, 1, &last) != PSY_OK)
        return 0;
    return fabs(last - first - (double)(info->frames - 1) / info->rate_hz) > 0.5 / info->rate_hz;
}

psy_status psy_eda_analyze(psy_reader *reader, int ch, const psy_eda_config *config,
                           psy_eda_method method, psy_eda_result **out, psy_message *why)
{
    if (out) *out = NULL;
    const psy_channel_info *info = reader ? psy_reader_channel(reader, ch) : NULL;
    if (!info) return psy_fail(why, PSY_E_INVALID, "no channel %d", ch);
    if (!(info->rate_hz > 0))
        return psy_fail(why, PSY_E_INVALID, "channel '%s' is irregular (no sampling rate): EDA "
                        "needs a regularly sampled channel", info->label);
    psy_eda_config c = config ? *config : psy_eda_config_default(info->rate_hz);
    c.rate_hz = info->rate_hz;
    sample_source src = {.reader = reader, .ch = ch};
    psy_status st = analyze(&src, info->frames, &c, method, out, why);
    if (st == PSY_OK) (*out)->skips_time = skips_time(reader, ch, info);
    return st;
}

void psy_eda_result_free(psy_eda_result *r)
{
    if (!r) return;
    free(r->scr);
    free(r->tonic_1hz_us);
    free(r->flags_1hz);
    free(r->phasic_area_1hz_us_s);
    free(r->excluded);
    free(r);
}

void psy_eda_apply_relative_threshold(psy_eda_result *r, double fraction)
{
    if (!r || !(fraction > 0) || r->n == 0) return;
    double top = 0;
    for (size_t i = 0; i < r->n; i++) top = fmax(top, r->scr[i].amplitude_us);
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->scr[i].amplitude_us >= fraction * top) r->scr[m++] = r->scr[i];
    r->n = m;
    if (isnan(r->scl_us)) return;
    double sum = 0;
    for (size_t i = 0; i < r->n; i++) sum += r->scr[i].amplitude_us;
    r->scr_amplitude_sum_us = sum;
    r->scr_amplitude_mean_us = r->n ? sum / (double)r->n : NAN;
    r->ns_scr_per_min = (double)r->n / (r->valid_s / 60.0);
}
