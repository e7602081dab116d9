/* HRV time domain: statistics of the NN intervals and of their successive differences, the
 * geometric measures (HTI, TINN) and the windowed SDANN / SDNN index (Task Force 1996). */
#include <math.h>
#include <string.h>

#include "hrv_internal.h"

/* Quantile q of the values of x[0..n) (center NaN) or of |x - center|, linear between order
 * statistics (numpy's default). */
static double quantile(hrv_cursor *x, size_t n, double center, double q, double *work)
{
    double pos = q * (double)(n - 1);
    size_t k = (size_t)pos;
    double f = pos - (double)k, lo, hi;
    hrv_order_pair_of(x, n, center, k, work, &lo, &hi);
    return k + 1 < n ? lo + f * (hi - lo) : lo;
}

/* Mean and sample SD (ddof 1) of intervals a .. b - 1 (n = b - a); sd NaN when n < 2. */
static void mean_sd(hrv_cursor *x, size_t a, size_t b, double *mean, double *sd)
{
    size_t n = b - a, run;
    double m = 0;
    for (size_t i = a; i < b; i += run) {
        const double *p = hrv_nn_run(x, i, b, &run);
        for (size_t k = 0; k < run; k++) m += p[k];
    }
    m /= (double)n;
    double ss = 0;
    for (size_t i = a; i < b; i += run) {
        const double *p = hrv_nn_run(x, i, b, &run);
        for (size_t k = 0; k < run; k++) {
            double d = p[k] - m;
            ss += d * d;
        }
    }
    *mean = m;
    *sd = n >= 2 ? sqrt(ss / (double)(n - 1)) : NAN;
}

/* HTI and TINN from a histogram of bin width b with edges k b from 0 (as numpy.histogram with
 * bins = arange(0, max + b, b): the last edge closes the last bin). TINN: the triangle q with
 * q(N) = q(M) = 0 and its apex at the modal bin, fitted by least squares over all bins (Task
 * Force 1996); the two sides are independent, so each is minimised on its own, in O(bins). */
static psy_status geometric(hrv_cursor *nn, size_t n, double b, double max_nn, psy_arena *a,
                            psy_hrv_values *v)
{
    size_t n_edges = (size_t)ceil((max_nn + b) / b);
    if (n_edges < 2) n_edges = 2;
    size_t nb = n_edges - 1;
    size_t mark = psy_arena_mark(a);
    double *d = psy_arena_array(a, nb, sizeof *d);
    double *s0 = psy_arena_array(a, 3 * (nb + 1), sizeof *s0);
    if (!d || !s0) return PSY_E_NOMEM;
    memset(d, 0, nb * sizeof *d);
    s0[0] = 0;
    for (size_t i = 0; i < n; i++) {
        double q = floor(hrv_nn_at(nn, i) / b);
        if (nn->st != PSY_OK) return nn->st; /* NaN from here on: no bin */
        size_t k = (size_t)q;
        if (k >= nb) k = nb - 1;
        d[k] += 1;
    }
    size_t xm = 0;
    for (size_t k = 1; k < nb; k++)
        if (d[k] > d[xm]) xm = k;
    double y = d[xm];
    v->v[PSY_HRV_HTI] = (double)n / y;
    /* Each side's squared error from prefix sums of d, k d and d² (O(bins), not O(bins²)):
     * left, N = nl < xm: q(k) = y (k - nl) / L for nl <= k < xm, L = xm - nl, 0 below;
     * right, M = mr > xm: q(k) = y (mr - k) / R for xm < k < mr, R = mr - xm, 0 from mr on. */
    double *s1 = s0 + nb + 1, *s2 = s1 + nb + 1;
    s1[0] = s2[0] = 0;
    for (size_t k = 0; k < nb; k++) {
        s0[k + 1] = s0[k] + d[k];
        s1[k + 1] = s1[k] + (double)k * d[k];
        s2[k + 1] = s2[k] + d[k] * d[k];
    }
    double best_l = INFINITY, best_r = INFINITY;
    size_t nl_best = xm, mr_best = xm;
    for (size_t nl = 0; nl < xm; nl++) {
        double L = (double)(xm - nl);
        double dk = (s1[xm] - s1[nl]) - (double)nl * (s0[xm] - s0[nl]); /* sum d (k - nl) */
        double kk = (L - 1) * L * (2 * L - 1) / 6;                     /* sum (k - nl)² */
        double e = s2[xm] - 2 * y / L * dk + y * y / (L * L) * kk;
        if (e < best_l) best_l = e, nl_best = nl;
    }
    for (size_t mr = xm + 1; mr <= nb; mr++) {
        double R = (double)(mr - xm);
        double dk = (double)mr * (s0[mr] - s0[xm + 1]) - (s1[mr] - s1[xm + 1]); /* sum d (mr - k) */
        double kk = (R - 1) * R * (2 * R - 1) / 6;
        double e = (s2[nb] - s2[xm + 1]) - 2 * y / R * dk + y * y / (R * R) * kk;
        if (e < best_r) best_r = e, mr_best = mr;
    }
    v->v[PSY_HRV_TINN_MS] = (double)(mr_best - nl_best) * b;
    psy_arena_release(a, mark);
    return PSY_OK;
}

/* |dNN| past x ms: a difference within 1 ns of x is x itself (the float noise of intervals
 * formed from beat times, 0.684 s - 0.352 s, or scaled from s to ms), so exact ties count as
 * the rule says, > x or >= x, whatever path the interval took. */
#define PNN_TIE_MS 1e-6
static int over(double d, double x, int inclusive)
{
    return inclusive ? d >= x - PNN_TIE_MS : d > x + PNN_TIE_MS;
}

#define MAX_SDANN_WINDOWS 1e7 /* 3 years of 10 s windows */

/* The position (ms from the series start) of the end of interval i, as sdann's windows place it:
 * the sum of the intervals (NeuroKit) or the beat time; *acc carries the sum up to interval i - 1
 * (each of sdann's two indices, i and e, steps one interval at a time, so each sum adds the
 * intervals in the order a single pass does). */
static inline double position(hrv_cursor *s, const psy_hrv_config *c, double t0, size_t i, double *acc)
{
    *acc += hrv_nn_at(s, i);
    return c->sdann_neurokit ? *acc : (hrv_t_at(s, i) - t0) * 1000.0;
}

/* SDANN and SDNN index over windows of w ms, the positions of the interval ends taken as the
 * windows walk forward (none is stored). */
static void sdann(hrv_cursor *s, size_t n, const psy_hrv_config *c, psy_hrv_values *v)
{
    double w = c->sdann_window_s * 1000.0;
    double t0 = hrv_t_at(s, 0) - hrv_nn_at(s, 0) / 1000.0, end_acc = 0, end = 0;
    for (size_t i = 0; i < n; i++) end = position(s, c, t0, i, &end_acc);
    if (!(end / w < MAX_SDANN_WINDOWS)) { /* beat times spanning centuries: bound the loop */
        hrv_na(v, PSY_HRV_SDANN_MS, "recording spans too long for SDANN windows");
        hrv_na(v, PSY_HRV_SDNNI_MS, "recording spans too long for SDANN windows");
        return;
    }
    size_t n_win;
    if (c->sdann_neurokit) {
        n_win = (size_t)llround(end / w);
    } else {
        n_win = (size_t)floor(end / w + 1e-9);
    }
    if (n_win < 3) {
        hrv_na(v, PSY_HRV_SDANN_MS, "fewer than 3 SDANN windows");
        hrv_na(v, PSY_HRV_SDNNI_MS, "fewer than 3 SDANN windows");
        return;
    }
    double sum_m = 0, sum_m2 = 0, sum_sd = 0;
    size_t n_m = 0, n_sd = 0;
    /* two cursors, each with the position of its interval: i at the first interval of the window
     * (kept from one window to the next), e past its last (from i on, each window) */
    size_t i = 0;
    double acc_i = 0, pi = position(s, c, t0, 0, &acc_i);
    for (size_t k = 0; k < n_win; k++) {
        double lo = (double)k * w, hi = lo + w;
        if (c->sdann_neurokit) { /* [first c >= lo, last c < hi) : the last interval is dropped */
            while (i < n && pi < lo) pi = ++i < n ? position(s, c, t0, i, &acc_i) : pi;
        } else { /* intervals ending in (lo, hi] */
            while (i < n && pi <= lo) pi = ++i < n ? position(s, c, t0, i, &acc_i) : pi;
        }
        size_t a = i, e = i, b;
        double acc_e = acc_i, pe = pi;
        if (c->sdann_neurokit) {
            while (e < n && pe < hi) pe = ++e < n ? position(s, c, t0, e, &acc_e) : pe;
        } else {
            while (e < n && pe <= hi) pe = ++e < n ? position(s, c, t0, e, &acc_e) : pe;
        }
        b = e;
        if (c->sdann_neurokit && b > a) b--;
        if (b > a) {
            double m, sd;
            mean_sd(s, a, b, &m, &sd);
            sum_m += m, sum_m2 += m * m, n_m++;
            if (!isnan(sd)) sum_sd += sd, n_sd++;
        }
    }
    if (n_m >= 2) {
        double mean = sum_m / (double)n_m;
        double var = (sum_m2 - (double)n_m * mean * mean) / (double)(n_m - 1);
        v->v[PSY_HRV_SDANN_MS] = sqrt(var > 0 ? var : 0);
    } else {
        hrv_na(v, PSY_HRV_SDANN_MS, "fewer than 2 SDANN windows hold intervals");
    }
    if (n_sd) v->v[PSY_HRV_SDNNI_MS] = sum_sd / (double)n_sd;
    else hrv_na(v, PSY_HRV_SDNNI_MS, "no SDANN window holds 2 intervals");
}

/* hrv_time_domain of a series of n >= 1 intervals read by x. */
static psy_status time_domain(hrv_cursor *x, const hrv_series *s, const psy_hrv_config *c, psy_arena *a,
                              psy_hrv_values *v)
{
    size_t n = s->n, mark = psy_arena_mark(a);
    double *work = psy_arena_array(a, HRV_ORDER_WORK_DOUBLES, sizeof *work);
    if (!work) return PSY_E_NOMEM;
    double mean, sd;
    mean_sd(x, 0, n, &mean, &sd);
    v->v[PSY_HRV_MEAN_NN_MS] = mean;
    v->v[PSY_HRV_MEAN_HR_BPM] = 60000.0 / mean;
    double min_nn = hrv_nn_at(x, 0), max_nn = min_nn;
    for (size_t i = 1, run; i < n; i += run) {
        const double *p = hrv_nn_run(x, i, n, &run);
        for (size_t k = 0; k < run; k++) {
            if (p[k] < min_nn) min_nn = p[k];
            if (p[k] > max_nn) max_nn = p[k];
        }
    }
    if (x->st != PSY_OK) return x->st; /* a failed source reads NaN: no pass over it decides */
    double med = quantile(x, n, NAN, 0.5, work);
    v->v[PSY_HRV_MEDIAN_NN_MS] = med;
    v->v[PSY_HRV_MIN_NN_MS] = min_nn;
    v->v[PSY_HRV_MAX_NN_MS] = max_nn;
    v->v[PSY_HRV_MIN_HR_BPM] = 60000.0 / max_nn;
    v->v[PSY_HRV_MAX_HR_BPM] = 60000.0 / min_nn;
    v->v[PSY_HRV_IQR_NN_MS] = quantile(x, n, NAN, 0.75, work) - quantile(x, n, NAN, 0.25, work);
    /* scaled MAD: SD for normal data */
    v->v[PSY_HRV_MAD_NN_MS] = 1.4826 * quantile(x, n, med, 0.5, work);
    psy_arena_release(a, mark);
    if (x->st != PSY_OK) return x->st;

    if (n < 2) {
        for (int k = PSY_HRV_SDNN_MS; k <= PSY_HRV_CVSD; k++)
            if (k != PSY_HRV_MEAN_NN_MS) hrv_na(v, (psy_hrv_key)k, "fewer than 2 NN intervals");
    } else {
        v->v[PSY_HRV_SDNN_MS] = sd;
        v->v[PSY_HRV_CVNN] = sd / mean;
        /* successive differences of contiguous intervals */
        double sum = 0, sum2 = 0;
        size_t nd = 0, nn50 = 0, nn20 = 0;
        for (size_t i = 1; i < n; i++) {
            if (!hrv_contiguous(x, i)) continue;
            double d = hrv_nn_at(x, i) - hrv_nn_at(x, i - 1);
            sum += d, sum2 += d * d, nd++;
            /* strictly greater (Task Force 1996, NeuroKit); PCST's pnna counts >= */
            nn50 += over(fabs(d), 50.0, c->pnn_inclusive);
            nn20 += over(fabs(d), 20.0, c->pnn_inclusive);
        }
        if (nd == 0) {
            for (int k = PSY_HRV_RMSSD_MS; k <= PSY_HRV_PNN20_PCT; k++)
                hrv_na(v, (psy_hrv_key)k, "no successive NN intervals");
            hrv_na(v, PSY_HRV_CVSD, "no successive NN intervals");
        } else {
            double rmssd = sqrt(sum2 / (double)nd);
            v->v[PSY_HRV_RMSSD_MS] = rmssd;
            v->v[PSY_HRV_CVSD] = rmssd / mean;
            double den = c->pnn_per_interval ? (double)(nd + 1) : (double)nd;
            v->v[PSY_HRV_PNN50_PCT] = 100.0 * (double)nn50 / den;
            v->v[PSY_HRV_PNN20_PCT] = 100.0 * (double)nn20 / den;
            if (nd >= 2) {
                double md = sum / (double)nd;
                double ss = 0;
                for (size_t i = 1; i < n; i++) {
                    if (!hrv_contiguous(x, i)) continue;
                    double d = hrv_nn_at(x, i) - hrv_nn_at(x, i - 1) - md;
                    ss += d * d;
                }
                v->v[PSY_HRV_SDSD_MS] = sqrt(ss / (double)(nd - 1));
            } else {
                hrv_na(v, PSY_HRV_SDSD_MS, "fewer than 2 successive differences");
            }
        }
    }
    if (x->st != PSY_OK) return x->st; /* no histogram of NaN */
    if (s->duration_s < c->min_geometric_s) {
        hrv_na(v, PSY_HRV_HTI, "shorter than the minimum for geometric measures (min_geometric_s)");
        hrv_na(v, PSY_HRV_TINN_MS, "shorter than the minimum for geometric measures (min_geometric_s)");
    } else {
        psy_status st = geometric(x, n, c->hist_bin_ms, max_nn, a, v);
        if (st != PSY_OK) return st;
    }
    sdann(x, n, c, v);
    return PSY_OK;
}

psy_status hrv_time_domain(const hrv_series *s, const psy_hrv_config *c, psy_arena *a, psy_hrv_values *v)
{
    size_t n = s->n;
    if (n == 0) {
        for (int k = PSY_HRV_MEAN_NN_MS; k <= PSY_HRV_SDNNI_MS; k++)
            hrv_na(v, (psy_hrv_key)k, "no NN intervals");
        return PSY_OK;
    }
    return hrv_with_cursor(s, c, a, v, time_domain);
}

