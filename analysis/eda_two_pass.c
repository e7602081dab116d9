/* The deconvolution method over a whole channel, in two passes (see include/psyphys/eda.h):
 * pass 1 deconvolves and takes the tonic driver's grid values, pass 2 deconvolves again,
 * reconvolves the interpolated tonic driver, scores SCRs on the phasic SC and sums the phasic
 * driver. Memory: the FFT block and the grid (one value per tonic_grid_s). */
#include <math.h>
#include <stdlib.h>

#include "eda_artifact.h"
#include "eda_collect.h"
#include "eda_deconv.h"
#include "eda_noise.h"
#include "eda_prep.h"
#include "eda_scr.h"
#include "small_median.h"

typedef struct deconv_run {
    eda_prep prep;
    eda_noise *noise;
    eda_artifact *artifact;
    eda_deconv *dec;
    double *xo, *no, *dro; /* hop-sized outputs: signal, noise estimate, driver */
    unsigned char *flags;  /* the psy_eda_flag bits of the samples the deconvolution holds */
    size_t flags_cap, flags_in, flags_out;
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
    double *area_1hz;   /* per second */
    size_t n_area, cap_area;
    int nomem;
} deconv_run;

/* Adds a to second b of the per-second area. */
static void add_area(deconv_run *d, int64_t b, double a)
{
    if (b < 0) b = 0;
    while ((int64_t)d->n_area <= b) {
        if (d->n_area == d->cap_area) {
            size_t cap = d->cap_area ? d->cap_area * 2 : 1024;
            double *p = realloc(d->area_1hz, cap * sizeof *p);
            if (!p) {
                d->nomem = 1;
                return;
            }
            d->area_1hz = p;
            d->cap_area = cap;
        }
        d->area_1hz[d->n_area++] = 0;
    }
    d->area_1hz[b] += a;
}

static int grid_push(deconv_run *d, const psy_eda_config *c)
{
    double v = NAN;
    if (d->win_valid >= d->win_len / 4 && d->win_valid > 0) {
        int64_t k = (int64_t)floor(c->tonic_quantile * (double)(d->win_valid - 1));
        psy_select_kth(d->win, d->win_valid, k); /* the k-th smallest, as sorting would give */
        v = d->win[k];
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
        double t = eda_prep_time(&d->prep, d->k);
        if (!isnan(x) && d->dro[i] > td) {
            double a = (d->dro[i] - td) / d->prep.out_rate;
            d->area += a;
            add_area(d, (int64_t)floor(t), a);
        }
        unsigned f = d->flags[d->flags_out++ % d->flags_cap];
        eda_collect_tonic(c, t, isnan(x) ? NAN : tonic, f);
        while (!eda_scr_has_room(d->scr)) {
            psy_eda_scr out[64];
            size_t k = eda_scr_pop(d->scr, out, 64);
            eda_collect_scrs(c, out, k);
        }
        eda_scr_push(d->scr, phasic, d->no[i]);
    }
}

/* One analysis sample into the deconvolution; what a completed block releases to the pass. */
static psy_status deconv_take(deconv_run *d, collector *c, int pass, double y)
{
    d->flags[d->flags_in++ % d->flags_cap] = (unsigned char)d->prep.flags;
    size_t got = eda_deconv_push(d->dec, y, eda_noise_current(d->noise), d->xo, d->no, d->dro);
    if (got && pass == 1 && !pass1_take(d, &c->r->config, got)) return PSY_E_NOMEM;
    if (got && pass == 2) pass2_take(d, c, got);
    return c->nomem ? PSY_E_NOMEM : PSY_OK;
}

static psy_status deconv_pass(const sample_source *src, int64_t n, deconv_run *d, collector *c,
                              int pass, double *buf)
{
    const psy_eda_config *cfg = &c->r->config;
    eda_prep_init(&d->prep, cfg);
    eda_noise_reset(d->noise);
    eda_artifact_reset(d->artifact);
    d->prep.noise = d->noise;
    d->prep.artifact = d->artifact;
    d->k = 0;
    d->flags_in = d->flags_out = 0;
    double y;
    for (int64_t at = 0; at < n; at += EDA_BLOCK) {
        int64_t m = n - at < EDA_BLOCK ? n - at : EDA_BLOCK;
        psy_status st = eda_source_read(src, at, m, buf);
        if (st != PSY_OK) return st;
        if (pass == 1) eda_collect_range(c->r, buf, m);
        for (int64_t i = 0; i < m; i++)
            if (eda_prep_step(&d->prep, buf[i], &y) && (st = deconv_take(d, c, pass, y)) != PSY_OK)
                return st;
    }
    while (eda_prep_flush(&d->prep, &y)) {
        psy_status st = deconv_take(d, c, pass, y);
        if (st != PSY_OK) return st;
    }
    size_t got;
    while ((got = eda_deconv_flush(d->dec, d->xo, d->no, d->dro)) > 0) {
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

psy_status eda_run_deconv(const sample_source *src, int64_t n, collector *c, double *buf)
{
    deconv_run d = {0};
    eda_prep_init(&d.prep, &c->r->config);
    double rate = d.prep.out_rate;
    c->r->analysis_rate_hz = rate;
    psy_status st = PSY_E_NOMEM;
    d.dec = eda_deconv_create(&c->r->config, rate);
    d.win_len = (int64_t)llround(c->r->config.tonic_grid_s * rate);
    if (d.win_len < 1) d.win_len = 1;
    d.scr = eda_scr_create(&c->r->config, &d.prep);
    d.noise = eda_noise_create(c->r->config.rate_hz);
    d.artifact = eda_artifact_create(&c->r->config, c->r->config.rate_hz, rate);
    if (!d.dec || !d.scr || !d.noise || !d.artifact) goto done;
    size_t hop = eda_deconv_hop(d.dec);
    d.xo = malloc(hop * sizeof *d.xo);
    d.no = malloc(hop * sizeof *d.no);
    d.dro = malloc(hop * sizeof *d.dro);
    d.flags_cap = eda_deconv_held_max(d.dec) + 1;
    d.flags = malloc(d.flags_cap * sizeof *d.flags);
    d.win = malloc((size_t)d.win_len * sizeof *d.win);
    if (!d.xo || !d.no || !d.dro || !d.win || !d.flags) goto done;
    st = deconv_pass(src, n, &d, c, 1, buf);
    if (st != PSY_OK) goto done;
    st = deconv_pass(src, n, &d, c, 2, buf);
    if (st != PSY_OK) goto done;
    eda_scr_finish(d.scr);
    psy_eda_scr out[64];
    size_t k;
    while ((k = eda_scr_pop(d.scr, out, 64)) > 0) eda_collect_scrs(c, out, k);
    c->r->artifacts = d.prep.art;
    c->r->noise = eda_scr_noise_summary(d.scr, d.noise);
    c->r->phasic_driver_area_us_s = d.area;
    if (d.nomem) st = PSY_E_NOMEM;
    c->r->phasic_area_1hz_us_s = d.area_1hz; /* the result owns it now */
    c->n_area = d.n_area;
    d.area_1hz = NULL;
done:
    eda_deconv_destroy(d.dec);
    eda_scr_destroy(d.scr);
    free(d.xo);
    free(d.no);
    free(d.dro);
    free(d.flags);
    eda_noise_destroy(d.noise);
    eda_artifact_destroy(d.artifact);
    free(d.win);
    free(d.grid);
    free(d.area_1hz);
    return c->nomem ? PSY_E_NOMEM : st;
}

/* Summary metrics from the SCR list and the tonic totals. */
