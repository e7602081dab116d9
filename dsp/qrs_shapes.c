/* QRS templates and their matching (see qrs_shapes.h). */
#include "qrs_shapes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AVERAGE 8 /* a template follows the last ~8 beats that matched it */


int qrs_shapes_init(qrs_shapes *s, int len, int lag)
{
    memset(s, 0, sizeof *s);
    s->len = len;
    s->lag = lag;
    s->tmpl = calloc((size_t)QRS_SHAPES * (size_t)len, sizeof *s->tmpl);
    s->sum = calloc((size_t)QRS_SHAPES * (size_t)len, sizeof *s->sum);
    s->work = calloc((size_t)len, sizeof *s->work);
    if (!s->tmpl || !s->sum || !s->work) {
        qrs_shapes_free(s);
        return -1;
    }
    return 0;
}

void qrs_shapes_free(qrs_shapes *s)
{
    if (!s) return;
    free(s->tmpl);
    free(s->sum);
    free(s->work);
    s->tmpl = s->sum = s->work = NULL;
}

void qrs_shapes_clear(qrs_shapes *s)
{
    s->count = 0;
    memset(s->used, 0, sizeof s->used);
    memset(s->matches, 0, sizeof s->matches);
}

int qrs_shapes_copy(const qrs_shapes *from, qrs_shapes *to)
{
    if (qrs_shapes_init(to, from->len, from->lag)) return -1;
    size_t n = (size_t)QRS_SHAPES * (size_t)from->len;
    memcpy(to->tmpl, from->tmpl, n * sizeof *to->tmpl);
    memcpy(to->sum, from->sum, n * sizeof *to->sum);
    to->count = from->count;
    memcpy(to->used, from->used, sizeof to->used);
    memcpy(to->matches, from->matches, sizeof to->matches);
    return 0;
}

/* w[0 .. n) less its least-squares line, into out; returns the norm of what is left. */
static double detrend(const double *w, int n, double *out)
{
    double mid = 0.5 * (n - 1), sw = 0, swi = 0, sii = 0;
    for (int i = 0; i < n; i++) {
        sw += w[i];
        swi += w[i] * (i - mid);
        sii += (i - mid) * (i - mid);
    }
    double mean = sw / n, slope = sii > 0 ? swi / sii : 0, norm = 0;
    for (int i = 0; i < n; i++) {
        out[i] = w[i] - mean - slope * (i - mid);
        norm += out[i] * out[i];
    }
    return sqrt(norm);
}

/* The sum of (i - mid)² over i < n, mid = (n - 1) / 2: the index's spread about its middle. */
static double index_spread(int n)
{
    double mid = 0.5 * (n - 1), sii = 0;
    for (int i = 0; i < n; i++) sii += (i - mid) * (i - mid);
    return sii;
}

/* The norm of w[0 .. len) less its least-squares line (sii: index_spread(len)) and the dot
 * products of w with the first K templates (K a constant where inlined), in one pass: each sum in
 * index order as a separate loop would take it, the 3 + K independent sums interleaved. */
static inline __attribute__((always_inline)) double window_dots(const qrs_shapes *s, const double *w, double sii,
                                                              int K, double *dots)
{
    int n = s->len;
    double mid = 0.5 * (n - 1), sw = 0, swi = 0, sww = 0;
    for (int k = 0; k < K; k++) dots[k] = 0;
    for (int i = 0; i < n; i++) {
        sw += w[i];
        swi += w[i] * (i - mid);
        sww += w[i] * w[i];
        const double *t = s->tmpl + i;
        for (int k = 0; k < K; k++) dots[k] += w[i] * t[(size_t)k * (size_t)n];
    }
    double left = sww - sw * sw / n - (sii > 0 ? swi * swi / sii : 0);
    return left > 0 ? sqrt(left) : 0;
}

qrs_match qrs_shapes_match(const qrs_shapes *s, const double *x)
{
    qrs_match m = {-1.0, -1, 0, -1.0, NAN};
    int dominant = -1;
    for (int k = 0; k < s->count; k++)
        if (s->matches[k] >= QRS_CONFIRM && (dominant < 0 || s->matches[k] > s->matches[dominant])) dominant = k;
    double sii = index_spread(s->len);
    for (int o = 0; o <= 2 * s->lag; o++) {
        /* A template is orthogonal to constants and lines, so its dot product with the window
         * equals that with the detrended window. The templates in use only. */
        double dots[QRS_SHAPES], norm;
        switch (s->count) {
        case 0: norm = window_dots(s, x + o, sii, 0, dots); break;
        case 1: norm = window_dots(s, x + o, sii, 1, dots); break;
        case 2: norm = window_dots(s, x + o, sii, 2, dots); break;
        case 3: norm = window_dots(s, x + o, sii, 3, dots); break;
        default: norm = window_dots(s, x + o, sii, QRS_SHAPES, dots); break;
        }
        if (!(norm > 0)) continue;
        for (int k = 0; k < s->count; k++) {
            double c = dots[k] / norm;
            if (c > m.corr) m.corr = c, m.which = k, m.shift = o - s->lag;
            /* a shape seen only once or twice may be an artefact's */
            if (s->matches[k] >= QRS_CONFIRM && c > m.known) m.known = c;
            if (k == dominant && !(c <= m.dominant)) m.dominant = c; /* NaN at first */
        }
    }
    return m;
}

void qrs_shapes_learn(qrs_shapes *s, const double *x, qrs_match m, int64_t now)
{
    int k = m.which, n = s->len;
    double *sum, *t, *w = s->work;
    if (k < 0) {
        if (s->count < QRS_SHAPES) {
            k = s->count++;
        } else {
            k = 0;
            for (int i = 1; i < s->count; i++)
                if (s->used[i] < s->used[k]) k = i;
        }
        s->matches[k] = 0;
        m.shift = 0;
    }
    sum = s->sum + (size_t)k * (size_t)n;
    t = s->tmpl + (size_t)k * (size_t)n;
    double norm = detrend(x + s->lag + m.shift, n, w);
    if (!(norm > 0)) return;
    int seen = s->matches[k] < AVERAGE ? s->matches[k] : AVERAGE - 1;
    double a = 1.0 / (seen + 1);
    for (int i = 0; i < n; i++) sum[i] = (1 - a) * (seen ? sum[i] : 0) + a * w[i] / norm;
    double tn = detrend(sum, n, t);
    if (tn > 0)
        for (int i = 0; i < n; i++) t[i] /= tn;
    s->matches[k]++;
    s->used[k] = now;
}
