/* The session analysis: a heart-rate channel (bpm, e.g. a wristband's 1 Hz HR.csv) when the recording
 * has no ECG or RR channel. It gives the mean heart rate of each segment and the epochs' heart-rate
 * responses (the same monotone-cubic grid as beats, fed with the bpm samples); HRV needs
 * beat-to-beat intervals, which a rate averaged over seconds is not. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session_internal.h"
#include "lower_bound.h"

/* Samples closer than this are averaged into one point: memory stays at most 4 points per
 * second whatever the channel's rate (a monitor's HR channel at 1 kHz over 24 h). */
#define HR_MIN_SPACING_S 0.25
#define HR_BLOCK 65536

static int append(psy_session *s, size_t *cap, double t, double bpm)
{
    if (s->n_hr == *cap) {
        size_t nc = *cap ? 2 * *cap : 4096;
        double *a = realloc(s->hr_t_s, nc * sizeof *a);
        if (a) s->hr_t_s = a;
        double *b = a ? realloc(s->hr_bpm, nc * sizeof *b) : NULL;
        if (b) s->hr_bpm = b;
        if (!a || !b) return 0;
        *cap = nc;
    }
    s->hr_t_s[s->n_hr] = t;
    s->hr_bpm[s->n_hr++] = bpm;
    return 1;
}

psy_status psy_session_read_hr(psy_session *s)
{
    const psy_channel_info *c = psy_reader_channel(s->r, s->hr);
    double *x = malloc(HR_BLOCK * sizeof *x), *t = malloc(HR_BLOCK * sizeof *t);
    psy_status st = x && t ? PSY_OK : PSY_E_NOMEM;
    size_t cap = 0, in_point = 0; /* samples averaged into the last point */
    for (int64_t at = 0; st == PSY_OK && at < c->frames; at += HR_BLOCK) {
        int64_t n = c->frames - at < HR_BLOCK ? c->frames - at : HR_BLOCK;
        st = psy_reader_read(s->r, s->hr, at, n, x);
        if (st == PSY_OK) st = psy_reader_read_times(s->r, s->hr, at, n, t);
        for (int64_t i = 0; st == PSY_OK && i < n; i++) {
            if (!isfinite(x[i]) || x[i] <= 0 || !isfinite(t[i])) { /* a device's 0 = no reading */
                in_point = 0;
                continue;
            }
            if (in_point && t[i] - s->hr_t_s[s->n_hr - 1] < HR_MIN_SPACING_S) {
                double *m = &s->hr_bpm[s->n_hr - 1];
                *m += (x[i] - *m) / (double)++in_point;
            } else if (append(s, &cap, t[i], x[i])) {
                in_point = 1;
            } else {
                st = PSY_E_NOMEM;
            }
        }
    }
    free(x);
    free(t);
    /* As the inter-beat intervals the response grid takes: 60000 / bpm. */
    if (st == PSY_OK && s->n_hr && !(s->hr_nn_ms = malloc(s->n_hr * sizeof *s->hr_nn_ms))) st = PSY_E_NOMEM;
    for (size_t i = 0; st == PSY_OK && i < s->n_hr; i++) s->hr_nn_ms[i] = 60000.0 / s->hr_bpm[i];
    return st;
}

double psy_session_hr_mean(const psy_session *s, double start, double end)
{
    if (!s) return NAN;
    double sum = 0;
    size_t n = 0;
    for (size_t i = psy_lower_bound(s->hr_t_s, s->n_hr, start); i < s->n_hr && s->hr_t_s[i] < end; i++)
        sum += s->hr_bpm[i], n++;
    return n ? sum / (double)n : NAN;
}
