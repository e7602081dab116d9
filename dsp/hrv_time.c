/* HRV time domain: statistics of the NN intervals and of their successive differences, the
 * geometric measures (HTI, TINN) and the windowed SDANN / SDNN index (Task Force 1996). */
#include <math.h>
#include <string.h>

#include "hrv_internal.h"

/* Sorts v[0..n) ascending (bottom-up merge sort through tmp[0..n)): glibc's qsort may call
 * malloc, and an analyser that has its buffers must not. */
static void sort_doubles(double *v, size_t n, double *tmp)
{
    double *src = v, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        double *swap = src;
        src = dst, dst = swap;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
}

/* Quantile q of sorted v[0..n), linear between order statistics (numpy's default). */
static double quantile(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t k = (size_t)pos;
    double f = pos - (double)k;
    return k + 1 < n ? v[k] + f * (v[k + 1] - v[k]) : v[k];
}

/* Mean and sample SD (ddof 1) of x[0..n); sd NaN when n < 2. */
static void mean_sd(const double *x, size_t n, double *mean, double *sd)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) m += x[i];
    m /= (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++) ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *sd = n >= 2 ? sqrt(ss / (double)(n - 1)) : NAN;
}

/* HTI and TINN from a histogram of bin width b with edges k b from 0 (as numpy.histogram with
 * bins = arange(0, max + b, b): the last edge closes the last bin). TINN: the triangle q with
 * q(N) = q(M) = 0 and its apex at the modal bin, fitted by least squares over all bins (Task
 * Force 1996); the two sides are independent, so each is minimised on its own, in O(bins). */
static psy_status geometric(const double *nn, size_t n, double b, double max_nn, psy_arena *a,
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
        size_t k = (size_t)floor(nn[i] / b);
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

/* SDANN and SDNN index over windows of w ms. Positions c[i] (ms) of the interval ends from the
 * series start are computed into work. */
static void sdann(const hrv_series *s, const psy_hrv_config *c, double *pos, psy_hrv_values *v)
{
    double w = c->sdann_window_s * 1000.0;
    size_t n = s->n;
    double acc = 0;
    double t0 = s->t[0] - s->nn[0] / 1000.0;
    for (size_t i = 0; i < n; i++) {
        acc += s->nn[i];
        pos[i] = c->sdann_neurokit ? acc : (s->t[i] - t0) * 1000.0;
    }
    if (!(pos[n - 1] / w < MAX_SDANN_WINDOWS)) { /* beat times spanning centuries: bound the loop */
        hrv_na(v, PSY_HRV_SDANN_MS, "recording spans too long for SDANN windows");
        hrv_na(v, PSY_HRV_SDNNI_MS, "recording spans too long for SDANN windows");
        return;
    }
    size_t n_win;
    if (c->sdann_neurokit) {
        n_win = (size_t)llround(pos[n - 1] / w);
    } else {
        n_win = (size_t)floor(pos[n - 1] / w + 1e-9);
    }
    if (n_win < 3) {
        hrv_na(v, PSY_HRV_SDANN_MS, "fewer than 3 SDANN windows");
        hrv_na(v, PSY_HRV_SDNNI_MS, "fewer than 3 SDANN windows");
        return;
    }
    double sum_m = 0, sum_m2 = 0, sum_sd = 0;
    size_t n_m = 0, n_sd = 0, i = 0;
    for (size_t k = 0; k < n_win; k++) {
        double lo = (double)k * w, hi = lo + w;
        size_t a, e;
        if (c->sdann_neurokit) { /* [first c >= lo, last c < hi) : the last interval is dropped */
            while (i < n && pos[i] < lo) i++;
            a = i;
            e = a;
            while (e < n && pos[e] < hi) e++;
            if (e > a) e--;
        } else { /* intervals ending in (lo, hi] */
            while (i < n && pos[i] <= lo) i++;
            a = i;
            e = a;
            while (e < n && pos[e] <= hi) e++;
        }
        if (e > a) {
            double m, sd;
            mean_sd(s->nn + a, e - a, &m, &sd);
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

psy_status hrv_time_domain(const hrv_series *s, const psy_hrv_config *c, double *work, psy_arena *a,
                           psy_hrv_values *v)
{
    size_t n = s->n;
    if (n == 0) {
        for (int k = PSY_HRV_MEAN_NN_MS; k <= PSY_HRV_SDNNI_MS; k++)
            hrv_na(v, (psy_hrv_key)k, "no NN intervals");
        return PSY_OK;
    }
    size_t mark = psy_arena_mark(a);
    double *tmp = psy_arena_array(a, n, sizeof *tmp);
    if (!tmp) return PSY_E_NOMEM;
    double mean, sd;
    mean_sd(s->nn, n, &mean, &sd);
    v->v[PSY_HRV_MEAN_NN_MS] = mean;
    v->v[PSY_HRV_MEAN_HR_BPM] = 60000.0 / mean;
    double *sorted = work;
    memcpy(sorted, s->nn, n * sizeof *sorted);
    sort_doubles(sorted, n, tmp);
    double med = quantile(sorted, n, 0.5);
    v->v[PSY_HRV_MEDIAN_NN_MS] = med;
    v->v[PSY_HRV_MIN_NN_MS] = sorted[0];
    v->v[PSY_HRV_MAX_NN_MS] = sorted[n - 1];
    v->v[PSY_HRV_MIN_HR_BPM] = 60000.0 / sorted[n - 1];
    v->v[PSY_HRV_MAX_HR_BPM] = 60000.0 / sorted[0];
    v->v[PSY_HRV_IQR_NN_MS] = quantile(sorted, n, 0.75) - quantile(sorted, n, 0.25);
    double max_nn = sorted[n - 1];
    double *dev = work; /* the sorted values are done with */
    for (size_t i = 0; i < n; i++) dev[i] = fabs(s->nn[i] - med);
    sort_doubles(dev, n, tmp);
    psy_arena_release(a, mark);
    v->v[PSY_HRV_MAD_NN_MS] = 1.4826 * quantile(dev, n, 0.5); /* scaled MAD: SD for normal data */

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
            if (!hrv_contiguous(s, i)) continue;
            double d = s->nn[i] - s->nn[i - 1];
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
                    if (!hrv_contiguous(s, i)) continue;
                    double d = s->nn[i] - s->nn[i - 1] - md;
                    ss += d * d;
                }
                v->v[PSY_HRV_SDSD_MS] = sqrt(ss / (double)(nd - 1));
            } else {
                hrv_na(v, PSY_HRV_SDSD_MS, "fewer than 2 successive differences");
            }
        }
    }
    if (s->duration_s < c->min_geometric_s) {
        hrv_na(v, PSY_HRV_HTI, "shorter than the minimum for geometric measures (min_geometric_s)");
        hrv_na(v, PSY_HRV_TINN_MS, "shorter than the minimum for geometric measures (min_geometric_s)");
    } else if (geometric(s->nn, n, c->hist_bin_ms, max_nn, a, v) != PSY_OK) {
        return PSY_E_NOMEM;
    }
    sdann(s, c, work, v);
    return PSY_OK;
}
