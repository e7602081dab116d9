/* Nonlinear HRV: Poincaré SD1/SD2 (Brennan et al. 2001, from SDSD and SDNN), SampEn/ApEn
 * (hrv_entropy.c) and detrended fluctuation analysis (Peng et al. 1995). */
#include <math.h>
#include <string.h>

#include "hrv_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

double hrv_line_residual_ms(const double *y, size_t s)
{
    double mx = (double)(s - 1) / 2, my = 0;
    for (size_t k = 0; k < s; k++) my += y[k];
    my /= (double)s;
    double sxx = 0, sxy = 0;
    for (size_t k = 0; k < s; k++) {
        double dx = (double)k - mx;
        sxx += dx * dx, sxy += dx * (y[k] - my);
    }
    double b = sxx > 0 ? sxy / sxx : 0, rss = 0;
    for (size_t k = 0; k < s; k++) {
        double e = y[k] - my - b * ((double)k - mx);
        rss += e * e;
    }
    return rss / (double)s;
}

#define DFA_CHUNK 16384 /* profile points computed at a time */

/* Sum and count of the mean squared residuals of the windows of scale s (step apart) of the
 * profile of x (minus its mean), the profile made chunk by chunk into buf (cap >= s values) and
 * each window read where it lies whole: the values and the order of the sums a whole profile
 * gives. filled: 0, or n when buf already holds the whole profile (cap == n). */
static void dfa_scale(hrv_cursor *x, size_t n, double mean, size_t s, size_t step, int overlap, double min_var,
                      double *buf, size_t cap, size_t filled, double *sum, size_t *windows)
{
    size_t base = 0, len = filled, p = filled; /* buf holds profile points base .. base + len; p is next */
    double acc = 0;
    *sum = 0, *windows = 0;
    for (size_t a = 0; overlap ? a + s < n : a + s <= n; a += step) {
        if (a + s > base + len) {
            size_t keep = base + len > a ? base + len - a : 0;
            memmove(buf, buf + (a - base), keep * sizeof *buf);
            base = a, len = keep;
            while (len < cap && p < n) buf[len++] = (acc += hrv_nn_at(x, p++) - mean);
        }
        double v = hrv_line_residual_ms(buf + (a - base), s);
        if (min_var > 0 && !(v > min_var)) continue; /* NeuroKit 0.2.12 leaves flat windows out */
        *sum += v;
        (*windows)++;
    }
}

double hrv_dfa_of(hrv_cursor *x, size_t n, int lo, int hi, int overlap, double min_var, psy_arena *arena,
                  psy_status *st)
{
    *st = PSY_OK;
    if (lo < 2 || hi < lo || n < 4) return NAN;
    size_t mark = psy_arena_mark(arena);
    size_t cap = n < DFA_CHUNK + (size_t)hi ? n : DFA_CHUNK + (size_t)hi;
    double *buf = psy_arena_array(arena, cap, sizeof *buf);
    if (!buf) {
        *st = PSY_E_NOMEM;
        return NAN;
    }
    double mean = 0;
    for (size_t i = 0; i < n; i++) mean += hrv_nn_at(x, i);
    mean /= (double)n;
    size_t filled = 0; /* a profile that fits is made once for every scale */
    if (cap == n) {
        double acc = 0;
        for (; filled < n; filled++) buf[filled] = (acc += hrv_nn_at(x, filled) - mean);
    }
    /* least squares of log F against log s */
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t k = 0;
    int empty_scale = 0;
    for (int sc = lo; sc <= hi; sc++) {
        size_t s = (size_t)sc, step = overlap ? s / 2 : s, windows;
        if (step == 0) step = 1;
        double sum;
        dfa_scale(x, n, mean, s, step, overlap, min_var, buf, cap, filled, &sum, &windows);
        if (min_var > 0 && !windows) empty_scale = 1;
        if (!windows || !(sum > 0)) continue;
        double lf = log(sqrt(sum / (double)windows)), ls = log((double)s);
        sx += ls, sy += lf, sxx += ls * ls, sxy += ls * lf;
        k++;
    }
    psy_arena_release(arena, mark);
    if (x->st != PSY_OK) *st = x->st;
    if (k < 2 || empty_scale || x->st != PSY_OK) return NAN;
    double kd = (double)k;
    return (kd * sxy - sx * sy) / (kd * sxx - sx * sx);
}

/* hrv_nonlinear of a series read by x. */
static psy_status nonlinear(hrv_cursor *x, const hrv_series *s, const psy_hrv_config *c, psy_arena *a,
                            psy_hrv_values *v)
{
    double sdnn = v->v[PSY_HRV_SDNN_MS], sdsd = v->v[PSY_HRV_SDSD_MS];
    if (s->n < 3 || isnan(sdnn) || isnan(sdsd)) {
        const char *why = "fewer than 3 NN intervals or no successive differences";
        hrv_na(v, PSY_HRV_SD1_MS, why);
        hrv_na(v, PSY_HRV_SD2_MS, why);
        hrv_na(v, PSY_HRV_SD1_SD2, why);
        hrv_na(v, PSY_HRV_ELLIPSE_AREA_MS2, why);
    } else {
        /* SD1 = SDSD / sqrt 2; SD2 = SD (ddof 1) of (NN_i + NN_i+1) / sqrt 2 over the successive
         * pairs of contiguous intervals (the Poincaré plot's own axis, not the approximation
         * sqrt(2 SDNN² - SD1²), which counts the end intervals once). */
        double sd1 = sqrt(0.5 * sdsd * sdsd), sum = 0, sum2 = 0;
        size_t np = 0;
        for (size_t i = 1; i < s->n; i++) {
            if (!hrv_contiguous(x, i)) continue;
            double u = (hrv_nn_at(x, i) + hrv_nn_at(x, i - 1)) / sqrt(2.0);
            sum += u, np++;
        }
        double mu = np ? sum / (double)np : 0;
        for (size_t i = 1; i < s->n; i++) {
            if (!hrv_contiguous(x, i)) continue;
            double u = (hrv_nn_at(x, i) + hrv_nn_at(x, i - 1)) / sqrt(2.0) - mu;
            sum2 += u * u;
        }
        double sd2 = np >= 2 ? sqrt(sum2 / (double)(np - 1)) : 0;
        if (c->sd2_from_sdnn) sd2 = sqrt(fmax(2 * sdnn * sdnn - 0.5 * sdsd * sdsd, 0));
        v->v[PSY_HRV_SD1_MS] = sd1;
        v->v[PSY_HRV_SD2_MS] = sd2;
        if (sd2 > 0) v->v[PSY_HRV_SD1_SD2] = sd1 / sd2;
        else hrv_na(v, PSY_HRV_SD1_SD2, "SD2 is 0");
        v->v[PSY_HRV_ELLIPSE_AREA_MS2] = M_PI * sd1 * sd2;
    }
    if (x->st != PSY_OK) return x->st; /* a source that failed */
    if (s->n < c->min_nonlinear_nn || isnan(sdnn)) {
        hrv_na(v, PSY_HRV_SAMPEN, "fewer NN intervals than min_nonlinear_nn");
        hrv_na(v, PSY_HRV_APEN, "fewer NN intervals than min_nonlinear_nn");
    } else {
        double se, ae;
        psy_status st = hrv_entropy_of(x, s->n, c->entropy_m, c->entropy_r_sd * sdnn, 0, a, &se, &ae);
        if (st == PSY_OK && c->sampen_pcst)
            st = hrv_sampen_pcst_of(x, s->n, c->entropy_m, c->entropy_r_sd * sdnn, 0, a, &se);
        if (st != PSY_OK) return st;
        if (isnan(se)) hrv_na(v, PSY_HRV_SAMPEN, "no template matches of length m + 1");
        else v->v[PSY_HRV_SAMPEN] = se;
        if (isnan(ae)) hrv_na(v, PSY_HRV_APEN, "undefined");
        else v->v[PSY_HRV_APEN] = ae;
    }
    /* DFA: fixed scales need dfa_min_windows windows of the largest; max 0 means (N + 1) / 10. */
    int hi2 = c->dfa2_max > 0 ? c->dfa2_max : (int)((s->n + 1) / 10);
    int his[2] = {c->dfa1_max, hi2}, los[2] = {c->dfa1_min, c->dfa2_min};
    psy_hrv_key keys[2] = {PSY_HRV_DFA_ALPHA1, PSY_HRV_DFA_ALPHA2};
    for (int k = 0; k < 2; k++) {
        int need_fixed = k == 0 || c->dfa2_max > 0;
        if (s->n < c->min_nonlinear_nn) {
            hrv_na(v, keys[k], "fewer NN intervals than min_nonlinear_nn");
            continue;
        }
        if (his[k] < los[k] + 1 || (need_fixed && s->n < (size_t)c->dfa_min_windows * (size_t)his[k])) {
            hrv_na(v, keys[k], "fewer intervals than dfa_min_windows x the largest DFA scale");
            continue;
        }
        psy_status st;
        double alpha = hrv_dfa_of(x, s->n, los[k], his[k], c->dfa_overlap, c->dfa_min_variance, a, &st);
        if (st != PSY_OK) return st;
        if (isnan(alpha)) hrv_na(v, keys[k], "DFA fluctuation undefined (flat series?)");
        else v->v[keys[k]] = alpha;
    }
    return PSY_OK;
}

psy_status hrv_nonlinear(const hrv_series *s, const psy_hrv_config *c, psy_arena *a, psy_hrv_values *v)
{
    return hrv_with_cursor(s, c, a, v, nonlinear);
}
