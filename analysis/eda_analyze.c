/* EDA of a whole channel or array: the fast method through the stream, the deconvolution
 * method in two passes; SCR list, tonic level per second, summary (see include/psyphys/eda.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eda_deconv.h"
#include "eda_internal.h"
#include "eda_prep.h"
#include "eda_scr.h"
#include "reader_impl.h"

#define BLOCK 65536
#define MIN_DURATION_S 10.0

/* Where the samples come from: a reader channel or an array. */
typedef struct sample_source {
    psy_reader *reader;
    int ch;
    const double *x;
    int64_t n;
} sample_source;

static psy_status source_read(const sample_source *s, int64_t at, int64_t m, double *out)
{
    if (s->reader) return psy_reader_read(s->reader, s->ch, at, m, out);
    memcpy(out, s->x + at, (size_t)m * sizeof *out);
    return PSY_OK;
}

/* Growing outputs: the SCR list and the 1 Hz tonic series. */
typedef struct collector {
    psy_eda_result *r;
    size_t cap_scr, cap_tonic;
    double bin_sum;
    int64_t bin_n, bin; /* current second */
    int nomem;
    double tonic_sum;
    int64_t tonic_n;
} collector;

static void add_scr(collector *c, const psy_eda_scr *s, size_t n)
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

static void flush_bin(collector *c)
{
    psy_eda_result *r = c->r;
    if (c->bin < 0) return;
    while ((int64_t)r->n_tonic <= c->bin) {
        if (r->n_tonic == c->cap_tonic) {
            size_t cap = c->cap_tonic ? c->cap_tonic * 2 : 1024;
            double *p = realloc(r->tonic_1hz_us, cap * sizeof *p);
            if (!p) {
                c->nomem = 1;
                return;
            }
            r->tonic_1hz_us = p;
            c->cap_tonic = cap;
        }
        r->tonic_1hz_us[r->n_tonic++] = NAN;
    }
    r->tonic_1hz_us[c->bin] = c->bin_n ? c->bin_sum / (double)c->bin_n : NAN;
}

static void tonic_sink(void *ctx, double t_s, double tonic)
{
    collector *c = ctx;
    int64_t b = t_s < 0 ? 0 : (int64_t)floor(t_s);
    if (b != c->bin) {
        flush_bin(c);
        c->bin = b;
        c->bin_sum = 0;
        c->bin_n = 0;
    }
    if (!isnan(tonic)) {
        c->bin_sum += tonic;
        c->bin_n++;
        c->tonic_sum += tonic;
        c->tonic_n++;
    }
}

static void track_range(psy_eda_result *r, const double *x, int64_t m)
{
    for (int64_t i = 0; i < m; i++) {
        double v = x[i];
        if (!(v > r->config.min_us && v <= r->config.max_us)) continue;
        if (!(v >= r->signal_min_us)) r->signal_min_us = v;
        if (!(v <= r->signal_max_us)) r->signal_max_us = v;
    }
}

static psy_status run_fast(const sample_source *src, int64_t n, collector *c, double *buf)
{
    psy_eda_stream *s = NULL;
    psy_status st = psy_eda_stream_create(&c->r->config, &s);
    if (st != PSY_OK) return st;
    c->r->analysis_rate_hz = psy_eda_stream_analysis_rate(s);
    psy_eda_scr out[64];
    for (int64_t at = 0; at < n && st == PSY_OK && !c->nomem; at += BLOCK) {
        int64_t m = n - at < BLOCK ? n - at : BLOCK;
        st = source_read(src, at, m, buf);
        if (st != PSY_OK) break;
        track_range(c->r, buf, m);
        size_t done = 0;
        while (done < (size_t)m) {
            size_t used = 0;
            eda_stream_push_sink(s, buf + done, (size_t)m - done, &used, tonic_sink, c);
            done += used;
            size_t k;
            while ((k = psy_eda_stream_pop(s, out, 64)) > 0) add_scr(c, out, k);
        }
    }
    if (st == PSY_OK) {
        psy_eda_stream_finish(s);
        size_t k;
        while ((k = psy_eda_stream_pop(s, out, 64)) > 0) add_scr(c, out, k);
        c->r->artifacts = psy_eda_stream_artifacts(s);
    }
    psy_eda_stream_destroy(s);
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Deconvolution state shared by both passes. */
typedef struct deconv_run {
    eda_prep prep;
    eda_deconv *dec;
    double *xo, *dro;   /* hop-sized outputs */
    int64_t k;          /* analysis samples released so far */
    /* pass 1: tonic driver grid */
    double *win;        /* driver samples of the current grid window */
    int64_t win_len, win_n, win_valid;
    double *grid;
    size_t n_grid, cap_grid;
    /* pass 2 */
    eda_bateman tonic_sc;
    int tonic_started;
    eda_scr *scr;
    double area;
} deconv_run;

static int grid_push(deconv_run *d, const psy_eda_config *c)
{
    double v = NAN;
    if (d->win_valid >= d->win_len / 4 && d->win_valid > 0) {
        qsort(d->win, (size_t)d->win_valid, sizeof *d->win, cmp_double);
        v = d->win[(size_t)floor(c->tonic_quantile * (double)(d->win_valid - 1))];
    }
    if (d->n_grid == d->cap_grid) {
        size_t cap = d->cap_grid ? d->cap_grid * 2 : 256;
        double *p = realloc(d->grid, cap * sizeof *p);
        if (!p) return 0;
        d->grid = p;
        d->cap_grid = cap;
    }
    d->grid[d->n_grid++] = v;
    d->win_n = d->win_valid = 0;
    return 1;
}

/* Tonic driver at analysis sample k: linear between the grid window centres. */
static double tonic_driver(const deconv_run *d, int64_t k)
{
    if (d->n_grid == 0) return NAN;
    double pos = ((double)k + 0.5) / (double)d->win_len - 0.5;
    if (pos <= 0) return d->grid[0];
    size_t j = (size_t)floor(pos);
    if (j + 1 >= d->n_grid) return d->grid[d->n_grid - 1];
    double f = pos - (double)j;
    return d->grid[j] + f * (d->grid[j + 1] - d->grid[j]);
}

static int pass1_take(deconv_run *d, const psy_eda_config *c, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        if (!isnan(d->xo[i])) d->win[d->win_valid++] = d->dro[i];
        if (++d->win_n == d->win_len && !grid_push(d, c)) return 0;
    }
    d->k += (int64_t)m;
    return 1;
}

static void pass2_take(deconv_run *d, collector *c, size_t m)
{
    for (size_t i = 0; i < m; i++, d->k++) {
        double x = d->xo[i], td = tonic_driver(d, d->k);
        if (!d->tonic_started) {
            eda_bateman_init(&d->tonic_sc, &c->r->config, d->prep.out_rate, td);
            d->tonic_started = 1;
        }
        double tonic = eda_bateman_step(&d->tonic_sc, td);
        double phasic = isnan(x) ? NAN : x - tonic;
        if (!isnan(x) && d->dro[i] > td) d->area += (d->dro[i] - td) / d->prep.out_rate;
        tonic_sink(c, eda_prep_time(&d->prep, d->k), isnan(x) ? NAN : tonic);
        while (!eda_scr_has_room(d->scr)) {
            psy_eda_scr out[64];
            size_t k = eda_scr_pop(d->scr, out, 64);
            add_scr(c, out, k);
        }
        eda_scr_push(d->scr, phasic, phasic);
    }
}

static psy_status deconv_pass(const sample_source *src, int64_t n, deconv_run *d, collector *c,
                              int pass, double *buf)
{
    const psy_eda_config *cfg = &c->r->config;
    eda_prep_init(&d->prep, cfg);
    d->k = 0;
    for (int64_t at = 0; at < n; at += BLOCK) {
        int64_t m = n - at < BLOCK ? n - at : BLOCK;
        psy_status st = source_read(src, at, m, buf);
        if (st != PSY_OK) return st;
        if (pass == 1) track_range(c->r, buf, m);
        for (int64_t i = 0; i < m; i++) {
            double y;
            if (!eda_prep_step(&d->prep, buf[i], &y)) continue;
            size_t got = eda_deconv_push(d->dec, y, d->xo, d->dro);
            if (!got) continue;
            if (pass == 1 && !pass1_take(d, cfg, got)) return PSY_E_NOMEM;
            if (pass == 2) pass2_take(d, c, got);
            if (c->nomem) return PSY_E_NOMEM;
        }
    }
    size_t got;
    while ((got = eda_deconv_flush(d->dec, d->xo, d->dro)) > 0) {
        if (pass == 1 && !pass1_take(d, cfg, got)) return PSY_E_NOMEM;
        if (pass == 2) pass2_take(d, c, got);
    }
    if (pass == 1 && d->win_n > 0 && !grid_push(d, cfg)) return PSY_E_NOMEM;
    if (pass == 1) {
        /* windows without enough valid samples take the nearest valid neighbour */
        for (size_t j = 1; j < d->n_grid; j++)
            if (isnan(d->grid[j])) d->grid[j] = d->grid[j - 1];
        for (size_t j = d->n_grid; j-- > 1;)
            if (isnan(d->grid[j - 1])) d->grid[j - 1] = d->grid[j];
    }
    return c->nomem ? PSY_E_NOMEM : PSY_OK;
}

static psy_status run_deconv(const sample_source *src, int64_t n, collector *c, double *buf)
{
    deconv_run d = {0};
    eda_prep_init(&d.prep, &c->r->config);
    double rate = d.prep.out_rate;
    c->r->analysis_rate_hz = rate;
    psy_status st = PSY_E_NOMEM;
    d.dec = eda_deconv_create(&c->r->config, rate);
    d.win_len = (int64_t)llround(c->r->config.tonic_grid_s * rate);
    if (d.win_len < 1) d.win_len = 1;
    d.scr = eda_scr_create(&c->r->config, rate, -d.prep.delay_s);
    if (!d.dec || !d.scr) goto done;
    size_t hop = eda_deconv_hop(d.dec);
    d.xo = malloc(hop * sizeof *d.xo);
    d.dro = malloc(hop * sizeof *d.dro);
    d.win = malloc((size_t)d.win_len * sizeof *d.win);
    if (!d.xo || !d.dro || !d.win) goto done;
    st = deconv_pass(src, n, &d, c, 1, buf);
    if (st != PSY_OK) goto done;
    st = deconv_pass(src, n, &d, c, 2, buf);
    if (st != PSY_OK) goto done;
    eda_scr_finish(d.scr);
    psy_eda_scr out[64];
    size_t k;
    while ((k = eda_scr_pop(d.scr, out, 64)) > 0) add_scr(c, out, k);
    c->r->artifacts = d.prep.art;
    c->r->phasic_driver_area_us_s = d.area;
done:
    eda_deconv_destroy(d.dec);
    eda_scr_destroy(d.scr);
    free(d.xo);
    free(d.dro);
    free(d.win);
    free(d.grid);
    return c->nomem ? PSY_E_NOMEM : st;
}

/* Summary metrics from the SCR list and the tonic totals. */
static void summarize(psy_eda_result *r, double tonic_sum, int64_t tonic_n)
{
    r->valid_s = (double)tonic_n / r->analysis_rate_hz;
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
    double *buf = malloc(BLOCK * sizeof *buf);
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
    collector c = {.r = r, .bin = -1};
    st = method == PSY_EDA_DECONV ? run_deconv(src, n, &c, buf) : run_fast(src, n, &c, buf);
    flush_bin(&c);
    free(buf);
    if (st == PSY_OK && c.nomem) st = PSY_E_NOMEM;
    if (st != PSY_OK) {
        psy_eda_result_free(r);
        return psy_fail(why, st, "%s", st == PSY_E_NOMEM ? "out of memory for the EDA analysis"
                                                         : "the EDA channel cannot be read");
    }
    if (method == PSY_EDA_FAST) r->phasic_driver_area_us_s = NAN;
    summarize(r, c.tonic_sum, c.tonic_n);
    /* the median of the 1 s tonic means: a robust level for unit checks */
    size_t m = 0;
    double *tmp = malloc((r->n_tonic ? r->n_tonic : 1) * sizeof *tmp);
    if (tmp) {
        for (size_t i = 0; i < r->n_tonic; i++)
            if (!isnan(r->tonic_1hz_us[i])) tmp[m++] = r->tonic_1hz_us[i];
        if (m) {
            qsort(tmp, m, sizeof *tmp, cmp_double);
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
    return analyze(&src, info->frames, &c, method, out, why);
}

void psy_eda_result_free(psy_eda_result *r)
{
    if (!r) return;
    free(r->scr);
    free(r->tonic_1hz_us);
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
