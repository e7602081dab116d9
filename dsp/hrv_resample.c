/* The NN series on an even grid (natural cubic spline) and its detrending (linear, or smoothness
 * priors: Tarvainen, Ranta-aho & Karjalainen 2002, IEEE TBME 49(2):172-175). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hrv_internal.h"
#include "lower_bound.h"

/* One step of natural_fit's forward pass at knot i (1 <= i <= n - 2): cp[i] and the forward value
 * from those at i - 1. */
static inline void natural_step(const double *t, const double *y, size_t i, double cp0, double f0, double *cp,
                                double *f)
{
    double h0 = t[i] - t[i - 1], h1 = t[i + 1] - t[i];
    double a = h0 / 6, b = (h0 + h1) / 3, c = h1 / 6;
    double r = (y[i + 1] - y[i]) / h1 - (y[i] - y[i - 1]) / h0;
    double den = b - a * cp0;
    *cp = c / den;
    *f = (r - a * f0) / den;
}

/* Second derivatives M of the natural spline through (t, y) into mm: tridiagonal system solved by
 * the Thomas algorithm (M[0] = M[n-1] = 0), the forward pass's right-hand side kept in mm itself.
 * work: n doubles. */
static void natural_fit(const double *t, const double *y, size_t n, double *mm, double *work)
{
    double *cp = work;
    mm[0] = mm[n - 1] = 0;
    if (n > 2) {
        cp[0] = 0;
        for (size_t i = 1; i + 1 < n; i++) natural_step(t, y, i, cp[i - 1], mm[i - 1], &cp[i], &mm[i]);
        for (size_t i = n - 2; i >= 1; i--) mm[i] -= cp[i] * mm[i + 1];
    }
}

/* The natural spline of a long series in bounded memory, bit for bit the M of natural_fit: its
 * forward pass is kept only at the first knot of each block of SPLINE_BLOCK knots (cp and the
 * forward value), and M only at each block's right end; the M of a block are made again when the
 * evaluation reaches it (the forward pass from the block's start, then the backward pass from its
 * right end: the operations natural_fit does on the same values). coef: ck_cp, ck_f, m_right
 * (a value a block each), then one block's cp and M (SPLINE_BLOCK + 1). */
#define SPLINE_BLOCK ((size_t)4096)

static size_t spline_blocks(size_t n)
{
    return (n + SPLINE_BLOCK - 1) / SPLINE_BLOCK;
}

/* The M of block j into sp's block buffer: mm[0 .. len] for knots i0 .. i0 + len. */
static void natural_block(hrv_spline *sp, size_t j)
{
    size_t n = sp->n, nb = spline_blocks(n), i0 = j * SPLINE_BLOCK;
    size_t i1 = i0 + SPLINE_BLOCK < n - 1 ? i0 + SPLINE_BLOCK : n - 1; /* the right end */
    const double *ck_cp = sp->coef, *ck_f = ck_cp + nb, *m_right = ck_f + nb;
    double *cp = sp->coef + 3 * nb, *mm = cp + SPLINE_BLOCK;
    cp[0] = ck_cp[j], mm[0] = ck_f[j];
    for (size_t i = i0 + 1; i < i1; i++)
        natural_step(sp->t, sp->y, i, cp[i - 1 - i0], mm[i - 1 - i0], &cp[i - i0], &mm[i - i0]);
    mm[i1 - i0] = m_right[j];
    for (size_t i = i1; i-- > i0;) mm[i - i0] = i >= 1 && i + 2 <= n ? mm[i - i0] - cp[i - i0] * mm[i + 1 - i0] : 0;
    sp->held = j;
}

static void natural_fit_blocks(hrv_spline *sp)
{
    size_t n = sp->n, nb = spline_blocks(n);
    double *ck_cp = sp->coef, *ck_f = ck_cp + nb, *m_right = ck_f + nb;
    for (size_t j = 0; j < nb; j++) ck_cp[j] = ck_f[j] = 0;
    double cp = 0, f = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        natural_step(sp->t, sp->y, i, cp, f, &cp, &f);
        if (i % SPLINE_BLOCK == 0) ck_cp[i / SPLINE_BLOCK] = cp, ck_f[i / SPLINE_BLOCK] = f;
    }
    /* the right ends, from the last block back: M[n - 1] = 0, then each block's first M */
    m_right[nb - 1] = 0;
    for (size_t j = nb - 1; j > 0; j--) {
        natural_block(sp, j);
        m_right[j - 1] = sp->coef[3 * nb + SPLINE_BLOCK];
    }
    sp->held = SIZE_MAX;
}

/* The natural spline on t0 + k / fs, k = k0 .. k1 - 1, into out[0 .. k1 - k0): with sp NULL from
 * the second derivatives mm of every knot (natural_fit); else from those of the block each point
 * falls in, made again as the walk reaches it (natural_fit_blocks; mm is then sp's block buffer). */
static void natural_eval(const double *t, const double *y, const double *mm, size_t n, hrv_spline *sp, double t0,
                         double fs, size_t k0, size_t k1, double *out)
{
    size_t j = 0, started = 0;
    for (size_t k = k0; k < k1; k++) {
        double x = t0 + (double)k / fs;
        if (x <= t[0]) {
            out[k - k0] = y[0];
            continue;
        }
        if (x >= t[n - 1]) {
            out[k - k0] = y[n - 1];
            continue;
        }
        if (!started) { /* the interval a walk from the first point would reach: t[j + 1] >= x */
            j = psy_lower_bound(t + 1, n - 1, x);
            if (j > n - 2) j = n - 2;
            started = 1;
        }
        while (j + 2 < n && t[j + 1] < x) j++;
        size_t at = j;
        if (sp) {
            if (sp->held != j / SPLINE_BLOCK) natural_block(sp, j / SPLINE_BLOCK);
            at = j - sp->held * SPLINE_BLOCK;
        }
        double h = t[j + 1] - t[j], a = (t[j + 1] - x) / h, b = (x - t[j]) / h;
        out[k - k0] = a * y[j] + b * y[j + 1] +
                      ((a * a * a - a) * mm[at] + (b * b * b - b) * mm[at + 1]) * h * h / 6;
    }
}

void hrv_spline_resample(const double *t, const double *y, size_t n, double t0, double fs, size_t m,
                         double *out, double *work)
{
    natural_fit(t, y, n, work, work + n);
    natural_eval(t, y, work, n, NULL, t0, fs, 0, m, out);
}

void hrv_detrend_smoothness(double *z, size_t n, double lambda, double *work)
{
    /* A = I + l² D2'D2 is symmetric pentadiagonal: diagonal a, first and second off-diagonals
     * b1, b2. Row r of D2 is (1, -2, 1) at columns r, r+1, r+2 (r = 0 .. n-3). */
    double *a = work, *b1 = work + n, *b2 = work + 2 * n, *d = work + 3 * n;
    double *l1 = work + 4 * n, *l2 = work + 5 * n;
    double l2s = lambda * lambda;
    static const double coef[3] = {1, -2, 1};
    for (size_t i = 0; i < n; i++) a[i] = b1[i] = b2[i] = 0;
    for (size_t r = 0; r + 2 < n; r++)
        for (int p = 0; p < 3; p++) {
            a[r + (size_t)p] += coef[p] * coef[p];
            if (p < 2) b1[r + (size_t)p] += coef[p] * coef[p + 1];
            if (p == 0) b2[r] += coef[0] * coef[2];
        }
    for (size_t i = 0; i < n; i++) a[i] = 1 + l2s * a[i], b1[i] *= l2s, b2[i] *= l2s;
    /* LDL': l1[i] = L(i, i-1), l2[i] = L(i, i-2). */
    for (size_t i = 0; i < n; i++) {
        l2[i] = i >= 2 ? b2[i - 2] / d[i - 2] : 0;
        l1[i] = i >= 1 ? (b1[i - 1] - (i >= 2 ? l2[i] * l1[i - 1] * d[i - 2] : 0)) / d[i - 1] : 0;
        d[i] = a[i] - (i >= 1 ? l1[i] * l1[i] * d[i - 1] : 0) - (i >= 2 ? l2[i] * l2[i] * d[i - 2] : 0);
    }
    /* Solve A s = z into a (no longer needed): forward, diagonal, backward. */
    double *s = a;
    for (size_t i = 0; i < n; i++)
        s[i] = z[i] - (i >= 1 ? l1[i] * s[i - 1] : 0) - (i >= 2 ? l2[i] * s[i - 2] : 0);
    for (size_t i = 0; i < n; i++) s[i] /= d[i];
    for (size_t i = n; i-- > 0;)
        s[i] -= (i + 1 < n ? l1[i + 1] * s[i + 1] : 0) + (i + 2 < n ? l2[i + 2] * s[i + 2] : 0);
    for (size_t i = 0; i < n; i++) z[i] -= s[i];
}

void hrv_detrend_linear(double *z, size_t n)
{
    double mx = (double)(n - 1) / 2, my = 0;
    for (size_t i = 0; i < n; i++) my += z[i];
    my /= (double)n;
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = (double)i - mx;
        sxy += dx * (z[i] - my);
        sxx += dx * dx;
    }
    double slope = sxx > 0 ? sxy / sxx : 0;
    for (size_t i = 0; i < n; i++) z[i] -= my + slope * ((double)i - mx);
}

/* The three degree-2 B-splines B(mu-2), B(mu-1), B(mu) at x, for knots k[mu] <= x <= k[mu+1]
 * (Cox-de Boor recursion). */
static void quad_basis(const double *k, size_t mu, double x, double b[3])
{
    double h = k[mu + 1] - k[mu];
    double l1 = h > 0 ? (k[mu + 1] - x) / h : 0, r1 = h > 0 ? (x - k[mu]) / h : 1;
    double d0 = k[mu + 1] - k[mu - 1], d1 = k[mu + 2] - k[mu];
    b[0] = d0 > 0 ? (k[mu + 1] - x) / d0 * l1 : 0;
    b[1] = (d0 > 0 ? (x - k[mu - 1]) / d0 * l1 : 0) + (d1 > 0 ? (k[mu + 2] - x) / d1 * r1 : 0);
    b[2] = d1 > 0 ? (x - k[mu]) / d1 * r1 : 0;
}

/* The quadratic interpolating B-spline's knots k (n + 3) and coefficients c (n). work: 3 n doubles. */
static void quadratic_fit(const double *t, const double *y, size_t n, double *k, double *c, double *work)
{
    double *sub = work, *dia = sub + n, *sup = dia + n;
    k[0] = k[1] = k[2] = t[0];
    for (size_t j = 1; j + 2 < n; j++) k[2 + j] = (t[j] + t[j + 1]) / 2;
    k[n] = k[n + 1] = k[n + 2] = t[n - 1];
    /* collocation rows: data point i lies in knot interval mu(i), columns mu-2 .. mu */
    size_t mu = 2;
    for (size_t i = 0; i < n; i++) {
        while (mu < n - 1 && k[mu + 1] <= t[i]) mu++;
        double b[3];
        quad_basis(k, mu, t[i], b);
        sub[i] = dia[i] = sup[i] = 0;
        for (int q = 0; q < 3; q++) {
            size_t col = mu - 2 + (size_t)q;
            if (col + 1 == i) sub[i] = b[q];
            else if (col == i) dia[i] = b[q];
            else if (col == i + 1) sup[i] = b[q];
        }
        c[i] = y[i];
    }
    /* Thomas algorithm (B-spline collocation matrices are totally positive: no pivoting). */
    for (size_t i = 1; i < n; i++) {
        double w = sub[i] / dia[i - 1];
        dia[i] -= w * sup[i - 1];
        c[i] -= w * c[i - 1];
    }
    c[n - 1] /= dia[n - 1];
    for (size_t i = n - 1; i-- > 0;) c[i] = (c[i] - sup[i] * c[i + 1]) / dia[i];
}

/* The quadratic spline on t0 + q / fs, q = k0 .. k1 - 1, into out[0 .. k1 - k0). */
static void quadratic_eval(const double *t, const double *y, const double *k, const double *c, size_t n,
                           double t0, double fs, size_t k0, size_t k1, double *out)
{
    size_t mu = 2, started = 0;
    for (size_t q = k0; q < k1; q++) {
        double x = t0 + (double)q / fs;
        if (x <= t[0]) {
            out[q - k0] = y[0];
            continue;
        }
        if (x >= t[n - 1]) {
            out[q - k0] = y[n - 1];
            continue;
        }
        if (!started) { /* the interval a walk from the first point would reach: k[mu + 1] > x */
            size_t lo = 3, hi = n + 3;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (k[mid] <= x) lo = mid + 1;
                else hi = mid;
            }
            mu = lo - 1 < n - 1 ? lo - 1 : n - 1;
            started = 1;
        }
        while (mu < n - 1 && k[mu + 1] <= x) mu++;
        double b[3];
        quad_basis(k, mu, x, b);
        out[q - k0] = b[0] * c[mu - 2] + b[1] * c[mu - 1] + b[2] * c[mu];
    }
}

void hrv_quadratic_resample(const double *t, const double *y, size_t n, double t0, double fs,
                            size_t m, double *out, double *work)
{
    double *k = work, *c = work + n + 3;
    quadratic_fit(t, y, n, k, c, c + n);
    quadratic_eval(t, y, k, c, n, t0, fs, 0, m, out);
}

size_t hrv_spline_fit_doubles(size_t n, int quadratic)
{
    return quadratic ? 2 * n + 3 : 3 * spline_blocks(n) + 2 * SPLINE_BLOCK + 1;
}

size_t hrv_spline_work_doubles(size_t n, int quadratic)
{
    return quadratic ? 3 * n : 0;
}

void hrv_spline_fit(hrv_spline *sp, const double *t, const double *y, size_t n, int quadratic, double *coef,
                    double *work)
{
    sp->t = t, sp->y = y, sp->n = n, sp->quadratic = quadratic, sp->coef = coef;
    if (quadratic) quadratic_fit(t, y, n, coef, coef + n + 3, work);
    else natural_fit_blocks(sp);
}

void hrv_spline_eval(hrv_spline *sp, double t0, double fs, size_t k0, size_t k1, double *out)
{
    if (sp->quadratic)
        quadratic_eval(sp->t, sp->y, sp->coef, sp->coef + sp->n + 3, sp->n, t0, fs, k0, k1, out);
    else
        natural_eval(sp->t, sp->y, sp->coef + 3 * spline_blocks(sp->n) + SPLINE_BLOCK, sp->n, sp, t0, fs, k0, k1,
                     out);
}
