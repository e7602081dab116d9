/* XDF clock synchronisation: a stream's time stamps are on its own computer's clock; the
 * recorder measures that clock's offset to its own every few seconds (ClockOffset chunks). The
 * offsets are fitted by a straight line over time (a clock runs at a slightly different rate),
 * robustly, as pyxdf does (Huber loss with a 0.1 ms threshold: a few measurements delayed by the
 * network do not bend the line), and the line is added to the time stamps.
 *
 * A clock reset (the stream's computer restarted during the recording) breaks the line; it is
 * detected as pyxdf's load_xdf(handle_clock_resets=True) does: successive measurements where both
 * the interval between them and the change of offset are outliers (interval more than 5 median
 * absolute deviations and 5 s beyond the median interval, or negative; offset change more than
 * 10 deviations and 1 s beyond the median change), and each range between resets gets its own
 * line. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "device_util.h"
#include "xdf.h"

enum { FIT_ITERATIONS = 100 };
#define HUBER_S 1e-4 /* pyxdf's winsor_threshold */

psy_status xdf_clock_add(xdf_clock *c, double t, double v)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 64;
        double *nt = realloc(c->t, nc * sizeof *nt);
        if (!nt) return PSY_E_NOMEM;
        c->t = nt;
        double *nv = realloc(c->v, nc * sizeof *nv);
        if (!nv) return PSY_E_NOMEM;
        c->v = nv;
        c->cap = nc;
    }
    c->t[c->n] = t;
    c->v[c->n++] = v;
    return PSY_OK;
}

/* Huber fit of v = a + b t over [i0, i1] by iteratively reweighted least squares (t taken from
 * the range's first point, so the sums keep their digits). */
static void fit_range(const xdf_clock *c, xdf_clock_range *r)
{
    size_t n = r->last - r->first + 1;
    const double *t = c->t + r->first, *v = c->v + r->first;
    if (n == 1) {
        r->a = v[0];
        r->b = 0;
        return;
    }
    double t0 = t[0], a = 0, b = 0;
    for (int it = 0; it < FIT_ITERATIONS; it++) {
        double sw = 0, sx = 0, sy = 0;
        for (size_t i = 0; i < n; i++) {
            double r_i = it ? v[i] - (a + b * (t[i] - t0)) : 0,
                   w = fabs(r_i) <= HUBER_S ? 1 : HUBER_S / fabs(r_i);
            sw += w, sx += w * (t[i] - t0), sy += w * v[i];
        }
        double mx = sx / sw, my = sy / sw, sxx = 0, sxy = 0;
        for (size_t i = 0; i < n; i++) {
            double r_i = it ? v[i] - (a + b * (t[i] - t0)) : 0,
                   w = fabs(r_i) <= HUBER_S ? 1 : HUBER_S / fabs(r_i);
            sxx += w * (t[i] - t0 - mx) * (t[i] - t0 - mx);
            sxy += w * (t[i] - t0 - mx) * (v[i] - my);
        }
        double nb = sxx > 0 ? sxy / sxx : 0, na = my - nb * mx;
        int done = it && fabs(na - a) < 1e-12 && fabs(nb - b) < 1e-15;
        a = na, b = nb;
        if (done) break;
    }
    r->a = a - b * t0;
    r->b = b;
}

static double median_of(double *v, size_t n)
{
    int ok;
    return dev_median(v, (int64_t)n, &ok);
}

int xdf_clock_fit(xdf_clock *c)
{
    free(c->ranges);
    c->ranges = NULL;
    c->n_ranges = 0;
    if (!c->n) return 0;
    size_t m = c->n - 1;
    unsigned char *reset = calloc(c->n, 1);
    c->ranges = malloc(c->n * sizeof *c->ranges);
    double *td = malloc((m ? m : 1) * sizeof *td), *vd = malloc((m ? m : 1) * sizeof *vd),
           *dev = malloc((m ? m : 1) * sizeof *dev);
    if (!reset || !c->ranges || !td || !vd || !dev) {
        free(reset), free(td), free(vd), free(dev);
        return -1;
    }
    int resets = 0;
    if (m > 0) {
        for (size_t i = 0; i < m; i++) td[i] = c->t[i + 1] - c->t[i], vd[i] = fabs(c->v[i + 1] - c->v[i]);
        double mi = median_of(td, m), ms = median_of(vd, m);
        for (size_t i = 0; i < m; i++) dev[i] = fabs(td[i] - mi);
        double mad_t = median_of(dev, m) + DBL_EPSILON;
        for (size_t i = 0; i < m; i++) dev[i] = fabs(vd[i] - ms);
        double mad_v = median_of(dev, m) + DBL_EPSILON;
        for (size_t i = 0; i < m; i++) {
            int time_glitch = td[i] < 0 || ((td[i] - mi) / mad_t > 5 && td[i] - mi > 5);
            int value_glitch = (vd[i] - ms) / mad_v > 10 && vd[i] - ms > 1;
            if (time_glitch && value_glitch) reset[i] = 1, resets++;
        }
    }
    size_t first = 0;
    for (size_t i = 0; i < c->n; i++)
        if (i == c->n - 1 || reset[i]) {
            c->ranges[c->n_ranges] = (xdf_clock_range){first, i, 0, 0};
            fit_range(c, &c->ranges[c->n_ranges++]);
            first = i + 1;
        }
    free(reset), free(td), free(vd), free(dev);
    return resets;
}

static long range_of_index(const xdf_clock *c, size_t i)
{
    for (size_t k = 0; k < c->n_ranges; k++)
        if (i <= c->ranges[k].last) return (long)k;
    return (long)c->n_ranges - 1;
}

long xdf_clock_range_for(const xdf_clock *c, double t, size_t seen)
{
    if (!c->n_ranges) return -1;
    /* the measurement before the sample (in the file) and the one after it */
    long before = range_of_index(c, seen ? seen - 1 : 0),
         after = range_of_index(c, seen < c->n ? seen : c->n - 1);
    if (before == after) return before;
    /* between two ranges (a reset just happened): the one whose times are nearer to t */
    const xdf_clock_range *p = &c->ranges[before], *q = &c->ranges[after];
    double dp = t < c->t[p->first] ? c->t[p->first] - t : t > c->t[p->last] ? t - c->t[p->last] : 0;
    double dq = t < c->t[q->first] ? c->t[q->first] - t : t > c->t[q->last] ? t - c->t[q->last] : 0;
    return dq < dp ? after : before;
}

double xdf_clock_apply(const xdf_clock *c, long k, double t)
{
    if (k < 0 || (size_t)k >= c->n_ranges) return t;
    return t + c->ranges[k].a + c->ranges[k].b * t;
}

void xdf_clock_free(xdf_clock *c)
{
    free(c->t);
    free(c->v);
    free(c->ranges);
    memset(c, 0, sizeof *c);
}
