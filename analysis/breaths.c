/* Breaths of a recording channel and their summary (see include/psyphys/resp.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breaths_internal.h"

void psy_breath_list_free(psy_breath_list *list)
{
    if (!list) return;
    free(list->b);
    free(list->onset_s);
    free(list->peak_s);
    free(list->end_s);
    free(list->rate_windows);
    free(list->gaps);
    free(list);
}

psy_status breaths_drain(psy_resp_detector *d, psy_breath_list *l, size_t *cap)
{
    psy_breath tmp[64];
    size_t k;
    while ((k = psy_resp_detector_pop(d, tmp, 64)) > 0) {
        if (l->n + k > *cap) {
            size_t n = 2 * *cap + k + 256;
            psy_breath *p = realloc(l->b, n * sizeof *p);
            if (!p) return PSY_E_NOMEM;
            l->b = p, *cap = n;
        }
        memcpy(l->b + l->n, tmp, k * sizeof *tmp);
        l->n += k;
    }
    return PSY_OK;
}

/* Adds the missing samples (NaN) of x[0..n), the channel's samples from index at, to l's gaps,
 * a run that goes on from the previous block extended. */
static psy_status note_gaps(psy_breath_list *l, size_t *cap, const double *x, size_t n, int64_t at)
{
    for (size_t i = 0; i < n; i++) {
        if (!isnan(x[i])) continue;
        size_t j = i;
        while (j < n && isnan(x[j])) j++;
        int64_t a = at + (int64_t)i, z = at + (int64_t)j;
        if (l->n_gaps && l->gaps[l->n_gaps - 1].end == a) {
            l->gaps[l->n_gaps - 1].end = z;
        } else {
            if (l->n_gaps == *cap) {
                size_t c = 2 * *cap + 16;
                psy_ecg_gap *p = realloc(l->gaps, c * sizeof *p);
                if (!p) return PSY_E_NOMEM;
                l->gaps = p, *cap = c;
            }
            l->gaps[l->n_gaps++] = (psy_ecg_gap){a, z, 0};
        }
        i = j;
    }
    return PSY_OK;
}

/* The breath times on the recording's time axis (EDF+D stretches). */
static psy_status breath_times(psy_reader *r, int ch, psy_breath_list *l)
{
    size_t n = l->n ? l->n : 1;
    l->onset_s = malloc(n * sizeof *l->onset_s);
    l->peak_s = malloc(n * sizeof *l->peak_s);
    l->end_s = malloc(n * sizeof *l->end_s);
    if (!l->onset_s || !l->peak_s || !l->end_s) return PSY_E_NOMEM;
    psy_status st = PSY_OK;
    for (size_t i = 0; i < l->n && st == PSY_OK; i++) {
        st = psy_reader_read_times(r, ch, l->b[i].onset, 1, &l->onset_s[i]);
        if (st == PSY_OK) st = psy_reader_read_times(r, ch, l->b[i].peak, 1, &l->peak_s[i]);
        if (st == PSY_OK) st = psy_reader_read_times(r, ch, l->b[i].end, 1, &l->end_s[i]);
    }
    return st;
}

psy_status psy_breaths_detect(psy_reader *r, int ch, const psy_resp_config *config, psy_breath_list **out,
                              psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!r || ch < 0 || ch >= psy_reader_channel_count(r)) {
        if (why) snprintf(why->text, sizeof why->text, "no channel %d", ch);
        return PSY_E_INVALID;
    }
    const psy_channel_info *info = psy_reader_channel(r, ch);
    if (!(info->rate_hz > 0)) {
        if (why) snprintf(why->text, sizeof why->text, "channel '%s' is irregular: no breaths", info->label);
        return PSY_E_INVALID;
    }
    psy_resp_config cfg = config ? *config : psy_resp_config_default(info->rate_hz);
    cfg.rate_hz = info->rate_hz;
    psy_resp_detector *d = NULL;
    psy_status st = psy_resp_detector_create(&cfg, &d);
    if (st != PSY_OK) {
        if (why)
            snprintf(why->text, sizeof why->text,
                     "channel '%s' at %g Hz: breath detection needs 4 .. 20000 Hz and a valid band", info->label,
                     info->rate_hz);
        return st;
    }
    psy_breath_list *l = calloc(1, sizeof *l);
    double *x = malloc(65536 * sizeof *x);
    size_t cap = 0, gaps_cap = 0;
    if (!l || !x) st = PSY_E_NOMEM;
    for (int64_t at = 0; st == PSY_OK && at < info->frames;) {
        int64_t n = info->frames - at < 65536 ? info->frames - at : 65536;
        st = psy_reader_read(r, ch, at, n, x);
        if (st != PSY_OK) {
            if (why)
                snprintf(why->text, sizeof why->text, "reading channel '%s' at sample %lld: %s", info->label,
                         (long long)at, psy_strerror(st));
            break;
        }
        st = note_gaps(l, &gaps_cap, x, (size_t)n, at);
        for (size_t off = 0; off < (size_t)n && st == PSY_OK;) {
            size_t used = 0;
            psy_resp_detector_push(d, x + off, (size_t)n - off, &used);
            off += used;
            st = breaths_drain(d, l, &cap);
        }
        at += n;
    }
    if (st == PSY_OK) {
        psy_resp_detector_finish(d);
        st = breaths_drain(d, l, &cap);
    }
    free(x);
    psy_resp_detector_destroy(d);
    if (st == PSY_OK) {
        l->rate_hz = info->rate_hz;
        l->source = PSY_BREATHS_RESP;
        l->config = cfg;
        st = breath_times(r, ch, l);
    }
    if (st != PSY_OK) {
        psy_breath_list_free(l);
        return st;
    }
    *out = l;
    return PSY_OK;
}

/* Mean and coefficient of variation (%, SD with n - 1) of n values; the CV is NaN below
 * PSY_RESP_RATE_MIN_BREATHS. */
static void mean_cv(const double *v, size_t n, double *mean, double *cv_pct)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++) s += v[i];
    *mean = n ? s / (double)n : NAN;
    for (size_t i = 0; i < n; i++) ss += (v[i] - *mean) * (v[i] - *mean);
    *cv_pct = n >= PSY_RESP_RATE_MIN_BREATHS && *mean != 0 ? 100.0 * sqrt(ss / (double)(n - 1)) / fabs(*mean) : NAN;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double breaths_median(double *v, size_t n)
{
    if (!n) return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

psy_status psy_breath_summarize(const psy_breath_list *l, psy_breath_summary *out)
{
    if (!l || !out || (l->n && (!l->b || !l->onset_s || !l->end_s))) return PSY_E_INVALID;
    memset(out, 0, sizeof *out);
    out->n_breaths = l->n;
    /* the rate over the whole list */
    psy_breath_rate rate = {NAN, 0, 0, "no whole breath in the segment"};
    if (l->n && l->rate_hz > 0) psy_breath_list_rate_over(l, l->onset_s[0], l->end_s[l->n - 1], &rate);
    out->rate = rate;
    double *v = malloc((l->n ? l->n : 1) * sizeof *v);
    if (!v) return PSY_E_NOMEM;
    for (size_t i = 0; i < l->n; i++) v[i] = l->end_s[i] - l->onset_s[i];
    mean_cv(v, l->n, &out->duration_mean_s, &out->duration_cv_pct);
    double mean;
    for (size_t i = 0; i < l->n; i++) v[i] = l->b[i].amplitude;
    mean_cv(v, l->n, &mean, &out->amplitude_cv_pct);
    out->amplitude_median = breaths_median(v, l->n);
    free(v);
    return PSY_OK;
}
