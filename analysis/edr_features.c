/* QRS waveform features that breathing modulates (edr_internal.h), measured at each R-peak:
 *
 * - the R-S amplitude: the QRS's peak-to-peak size in a +-60 ms window. Breathing turns the
 *   heart's electrical axis against the lead and changes the chest's impedance (Moody et al.
 *   1985, Computers in Cardiology 12:113-116); peak-to-peak is free of the baseline wander that
 *   the R amplitude alone carries;
 * - the QRS area in the same window from the PR-segment level (80-120 ms before the R-peak),
 *   along the R wave's polarity (Moody et al. 1985);
 * - the QRS slope range: the steepest upslope before the R-peak minus the steepest downslope
 *   after it (50 ms each side; slopes over 8 ms), which follows the axis rotation and is less
 *   disturbed by the QRS width than the amplitude (Lazaro et al. 2014, IEEE J Biomed Health
 *   Inform 18:1874-1883; Kontaxis et al. 2020, IEEE TBME 67:1445-1455).
 *
 * One more pass over the channel, block by block: beats in sample order read each block once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "edr_internal.h"

#define BLOCK 65536

typedef struct windows {
    int64_t qrs;        /* half-width of the QRS window */
    int64_t base_from;  /* the PR-segment level: samples base_from .. base_to before the R-peak */
    int64_t base_to;
    int64_t slope;      /* slopes searched this far each side of the R-peak */
    int64_t h;          /* slopes as differences over +-h samples */
    int64_t pre, post;  /* the samples a beat needs each side */
} windows;

static int64_t at_least_1(double samples)
{
    int64_t n = (int64_t)llround(samples);
    return n < 1 ? 1 : n;
}

static windows windows_at(double rate)
{
    windows w;
    w.qrs = at_least_1(0.060 * rate);
    w.base_from = at_least_1(0.120 * rate);
    w.base_to = at_least_1(0.080 * rate);
    if (w.base_to >= w.base_from) w.base_from = w.base_to + 1;
    w.slope = at_least_1(0.050 * rate);
    w.h = at_least_1(0.004 * rate);
    w.pre = w.base_from > w.slope + w.h ? w.base_from : w.slope + w.h;
    if (w.pre < w.qrs) w.pre = w.qrs;
    w.post = w.qrs > w.slope + w.h ? w.qrs : w.slope + w.h;
    return w;
}

/* The features of the beat at x[0] (x[-pre] .. x[post] valid), along polarity sign. */
static void measure(const double *x, const windows *w, double sign, double rate, double out[EDR_N_FEATURES])
{
    for (int k = 0; k < EDR_N_FEATURES; k++) out[k] = NAN;
    for (int64_t j = -w->pre; j <= w->post; j++)
        if (isnan(x[j])) return;
    double base = 0;
    for (int64_t j = -w->base_from; j < -w->base_to; j++) base += x[j];
    base /= (double)(w->base_from - w->base_to);
    double lo = x[0], hi = x[0], area = 0;
    for (int64_t j = -w->qrs; j <= w->qrs; j++) {
        lo = fmin(lo, x[j]), hi = fmax(hi, x[j]);
        area += sign * (x[j] - base);
    }
    double up = -INFINITY, down = INFINITY, per = rate / (2.0 * (double)w->h);
    for (int64_t j = -w->slope; j <= 0; j++) up = fmax(up, sign * (x[j + w->h] - x[j - w->h]) * per);
    for (int64_t j = 0; j <= w->slope; j++) down = fmin(down, sign * (x[j + w->h] - x[j - w->h]) * per);
    out[EDR_RS] = hi - lo;
    out[EDR_AREA] = area / rate;
    out[EDR_SLOPES] = up - down;
}

/* The polarity of the R waves: the sign of most normal beats' amplitudes. */
static double polarity(const psy_beat_list *b)
{
    size_t up = 0, down = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->cls[i] == PSY_BEAT_NORMAL) up += b->amplitude[i] > 0, down += b->amplitude[i] < 0;
    return down > up ? -1.0 : 1.0;
}

void edr_features_free(edr_features *f)
{
    if (!f) return;
    for (int k = 0; k < EDR_N_FEATURES; k++) free(f->f[k]), f->f[k] = NULL;
}

psy_status edr_features_measure(psy_reader *r, int ch, const psy_beat_list *beats, edr_features *out,
                                psy_message *why)
{
    const psy_channel_info *info = psy_reader_channel(r, ch);
    size_t n = beats->n ? beats->n : 1;
    psy_status st = PSY_OK;
    for (int k = 0; k < EDR_N_FEATURES; k++)
        if (!(out->f[k] = malloc(n * sizeof *out->f[k]))) st = PSY_E_NOMEM;
    windows w = windows_at(info->rate_hz);
    int64_t cap = BLOCK + w.pre + w.post + 1, lo = 0, hi = 0; /* the buffer holds samples [lo, hi) */
    double *x = st == PSY_OK ? malloc((size_t)cap * sizeof *x) : NULL;
    if (st == PSY_OK && !x) st = PSY_E_NOMEM;
    double sign = polarity(beats);
    for (size_t i = 0; st == PSY_OK && i < beats->n; i++) {
        double v[EDR_N_FEATURES];
        int64_t s = beats->sample[i];
        if (beats->pulses || beats->cls[i] != PSY_BEAT_NORMAL || s - w.pre < 0 || s + w.post >= info->frames) {
            for (int k = 0; k < EDR_N_FEATURES; k++) out->f[k][i] = NAN;
            continue;
        }
        if (s - w.pre < lo || s + w.post >= hi) {
            lo = s - w.pre;
            hi = lo + cap < info->frames ? lo + cap : info->frames;
            st = psy_reader_read(r, ch, lo, hi - lo, x);
            if (st != PSY_OK) {
                if (why)
                    snprintf(why->text, sizeof why->text, "reading channel '%s' at sample %lld: %s", info->label,
                             (long long)lo, psy_strerror(st));
                break;
            }
        }
        measure(x + (s - lo), &w, sign, info->rate_hz, v);
        for (int k = 0; k < EDR_N_FEATURES; k++) out->f[k][i] = v[k];
    }
    free(x);
    if (st != PSY_OK) edr_features_free(out);
    return st;
}
