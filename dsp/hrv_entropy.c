/* Sample entropy (Richman & Moorman 2000) and approximate entropy (Pincus 1991) without the
 * O(N²) distance matrix and without enumerating the matching pairs: each template's number of
 * matches (Chebyshev distance <= r) is an orthogonal range count, answered by a k-d tree whose
 * nodes keep their bounding box and size, so a node inside the query box counts at once
 * (the idea behind scikit-learn's query_radius(count_only=True), which NeuroKit uses).
 * Identical templates (RR series are quantised by the beat detector's sampling rate) are merged
 * into one weighted point first. Memory O(N); time about N x (nodes on the query box's boundary). */
#include <math.h>

#include "hrv_internal.h"

#define LEAF 16
#define MAXD 11 /* entropy_m <= 10, so templates of up to 11 values */

typedef struct node {
    size_t start, end; /* points idx[start..end) */
    size_t left, right; /* children (0 = leaf) */
    size_t weight;      /* templates in the node */
} node;

typedef struct tree {
    const double *x; /* point u is x[u d .. u d + d) */
    const size_t *w; /* templates merged into point u */
    size_t d, nt;
    size_t *idx;
    node *nodes;
    size_t n_nodes;
    double *lo, *hi; /* bounding box of node j: lo[j d .. j d + d) */
    double *pts;     /* the templates in tree order (pts[p d ..] is template idx[p]): leaves and
                        queries then walk memory in order */
} tree;

/* Partial sort of idx[a0..b0) on coordinate k so that position mid holds its order statistic
 * (Hoare's selection). */
static void select_k(const double *x, size_t d, size_t *idx, size_t a0, size_t b0, size_t mid, size_t k)
{
    long a = (long)a0, b = (long)b0 - 1, md = (long)mid;
    while (a < b) {
        double pivot = x[idx[a + (b - a) / 2] * d + k];
        long i = a, j = b;
        while (i <= j) {
            while (x[idx[i] * d + k] < pivot) i++;
            while (x[idx[j] * d + k] > pivot) j--;
            if (i <= j) {
                size_t tmp = idx[i];
                idx[i] = idx[j], idx[j] = tmp;
                i++, j--;
            }
        }
        if (md <= j) b = j;
        else if (md >= i) a = i;
        else return;
    }
}

static size_t build(tree *t, size_t start, size_t end)
{
    size_t id = t->n_nodes++;
    node *nd = &t->nodes[id];
    double *lo = t->lo + id * t->d, *hi = t->hi + id * t->d;
    nd->start = start, nd->end = end, nd->left = nd->right = 0, nd->weight = 0;
    for (size_t k = 0; k < t->d; k++) lo[k] = INFINITY, hi[k] = -INFINITY;
    for (size_t p = start; p < end; p++) {
        nd->weight += t->w[t->idx[p]];
        for (size_t k = 0; k < t->d; k++) {
            double v = t->x[t->idx[p] * t->d + k];
            if (v < lo[k]) lo[k] = v;
            if (v > hi[k]) hi[k] = v;
        }
    }
    if (end - start <= LEAF) return id;
    size_t split = 0;
    for (size_t k = 1; k < t->d; k++)
        if (hi[k] - lo[k] > hi[split] - lo[split]) split = k;
    if (!(hi[split] > lo[split])) return id; /* all equal: a leaf however large */
    size_t mid = start + (end - start) / 2;
    select_k(t->x, t->d, t->idx, start, end, mid, split);
    size_t l = build(t, start, mid);
    size_t r = build(t, mid, end);
    t->nodes[id].left = l, t->nodes[id].right = r;
    return id;
}

/* Number of templates within r of q (Chebyshev), q itself included when it is one. The box tests
 * use the same fabs(a - b) <= r comparison as the point test, so ties are counted alike. */
static size_t count(const tree *t, size_t id, const double *q, double r)
{
    const node *nd = &t->nodes[id];
    const double *blo = t->lo + id * t->d, *bhi = t->hi + id * t->d;
    int inside = 1;
    for (size_t k = 0; k < t->d; k++) {
        double lo = fabs(blo[k] - q[k]), hi = fabs(bhi[k] - q[k]);
        if ((bhi[k] < q[k] && hi > r) || (blo[k] > q[k] && lo > r)) return 0;
        if (lo > r || hi > r) inside = 0;
    }
    if (inside) return nd->weight;
    if (nd->left) return count(t, nd->left, q, r) + count(t, nd->right, q, r);
    size_t c = 0;
    for (size_t p = nd->start; p < nd->end; p++) {
        const double *v = t->pts + p * t->d;
        size_t k = 0;
        while (k < t->d && fabs(v[k] - q[k]) <= r) k++;
        if (k == t->d) c += t->w[t->idx[p]];
    }
    return c;
}

/* Lexicographic order of the templates of length d starting at o[0..n) (merge sort; tmp: n). */
static int tpl_less(const double *x, size_t d, size_t i, size_t j)
{
    for (size_t k = 0; k < d; k++)
        if (x[i + k] != x[j + k]) return x[i + k] < x[j + k];
    return 0;
}

static void sort_templates(const double *x, size_t d, size_t *o, size_t *tmp, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = tpl_less(x, d, o[j], o[i]) ? o[j++] : o[i++];
            while (i < mid) tmp[k++] = o[i++];
            while (j < hi) tmp[k++] = o[j++];
        }
        for (size_t i = 0; i < n; i++) o[i] = tmp[i];
    }
}

/* Matches (self included) of each of the nt templates of length d into c. */
static psy_status match_counts(const double *x, size_t nt, size_t d, double r, psy_arena *a, size_t *c)
{
    size_t mark = psy_arena_mark(a);
    size_t *order = psy_arena_array(a, nt, sizeof *order), *tmp = psy_arena_array(a, nt, sizeof *tmp);
    size_t *uid = psy_arena_array(a, nt, sizeof *uid), *w = psy_arena_array(a, nt, sizeof *w);
    double *u = psy_arena_array(a, nt * d, sizeof *u);
    size_t max_nodes = 2 * (nt / LEAF + 1) * 2 + 8; /* leaves hold > LEAF / 2 points */
    tree t = {u, w, d, 0, psy_arena_array(a, nt, sizeof(size_t)), psy_arena_array(a, max_nodes, sizeof(node)), 0,
              psy_arena_array(a, max_nodes * d, sizeof(double)), psy_arena_array(a, max_nodes * d, sizeof(double)),
              psy_arena_array(a, nt * d, sizeof(double))};
    psy_status st = PSY_E_NOMEM;
    if (order && tmp && uid && w && u && t.idx && t.nodes && t.lo && t.hi && t.pts) {
        /* merge identical templates */
        for (size_t i = 0; i < nt; i++) order[i] = i;
        sort_templates(x, d, order, tmp, nt);
        size_t nu = 0;
        for (size_t p = 0; p < nt; p++) {
            size_t i = order[p];
            if (p == 0 || tpl_less(x, d, order[p - 1], i)) {
                for (size_t k = 0; k < d; k++) u[nu * d + k] = x[i + k];
                w[nu++] = 0;
            }
            w[nu - 1]++;
            uid[i] = nu - 1;
        }
        t.nt = nu;
        for (size_t i = 0; i < nu; i++) t.idx[i] = i;
        build(&t, 0, nu);
        for (size_t p = 0; p < nu; p++)
            for (size_t k = 0; k < d; k++) t.pts[p * d + k] = u[t.idx[p] * d + k];
        /* queries in tree order: neighbouring queries visit the same nodes (tmp: counts) */
        for (size_t p = 0; p < nu; p++) tmp[t.idx[p]] = count(&t, 0, t.pts + p * d, r);
        for (size_t i = 0; i < nt; i++) c[i] = tmp[uid[i]];
        st = PSY_OK;
    }
    psy_arena_release(a, mark);
    return st;
}

psy_status hrv_entropy(const double *x, size_t n, int m_in, double r, psy_arena *ar, double *sampen,
                       double *apen)
{
    *sampen = *apen = NAN;
    if (m_in < 1 || m_in + 1 > MAXD || n < (size_t)m_in + 2 || !(r >= 0)) return PSY_OK;
    size_t m = (size_t)m_in, nt = n - m + 1;
    size_t mark = psy_arena_mark(ar);
    size_t *cm = psy_arena_array(ar, nt, sizeof *cm), *cm1 = psy_arena_array(ar, nt, sizeof *cm1);
    if (!cm || !cm1) return PSY_E_NOMEM;
    psy_status st = match_counts(x, nt, m, r, ar, cm);
    if (st == PSY_OK) st = match_counts(x, nt - 1, m + 1, r, ar, cm1);
    if (st != PSY_OK) return st;
    /* SampEn over the nt - 1 templates that have an (m + 1)-extension: B pairs of length m
     * (the matches with the last m-template removed), A pairs of length m + 1. */
    double b = 0, a = 0;
    const double *last = x + nt - 1;
    for (size_t i = 0; i + 1 < nt; i++) {
        size_t k = 0;
        while (k < m && fabs(x[i + k] - last[k]) <= r) k++;
        b += (double)(cm[i] - 1 - (k == m));
        a += (double)(cm1[i] - 1);
    }
    if (a > 0 && b > 0) *sampen = -log(a / b);
    double phi_m = 0, phi_m1 = 0;
    for (size_t i = 0; i < nt; i++) phi_m += log((double)cm[i] / (double)nt);
    for (size_t i = 0; i + 1 < nt; i++) phi_m1 += log((double)cm1[i] / (double)(nt - 1));
    *apen = fabs(phi_m / (double)nt - phi_m1 / (double)(nt - 1));
    psy_arena_release(ar, mark);
    return PSY_OK;
}

/* PCST's fastSampen (Vest et al. 2018's toolbox): A = the fraction of pairs of the n - m + 1
 * m-templates within r, B = the fraction of pairs of the n - m (m + 1)-templates within r, both
 * with the strict distance < r, SampEn = -log(B / A). Richman & Moorman count both over the
 * n - m templates instead and compare with <= r (hrv_entropy). */
psy_status hrv_sampen_pcst(const double *x, size_t n, int m_in, double r, psy_arena *ar, double *sampen)
{
    *sampen = NAN;
    if (m_in < 1 || m_in + 1 > MAXD || n < (size_t)m_in + 3 || !(r > 0)) return PSY_OK;
    size_t m = (size_t)m_in, nt = n - m + 1;
    size_t mark = psy_arena_mark(ar);
    size_t *c = psy_arena_array(ar, nt, sizeof *c);
    if (!c) return PSY_E_NOMEM;
    double strict = nextafter(r, 0); /* |a - b| <= the double below r  <=>  |a - b| < r */
    double frac[2];
    for (size_t len = m; len <= m + 1; len++) {
        size_t k = n - len + 1;
        psy_status st = match_counts(x, k, len, strict, ar, c);
        if (st != PSY_OK) return st;
        double within = 0;
        for (size_t i = 0; i < k; i++) within += (double)(c[i] - 1); /* self-match out */
        frac[len - m] = within / ((double)k * (double)(k - 1)); /* ordered pairs: twice each */
    }
    psy_arena_release(ar, mark);
    if (frac[0] > 0 && frac[1] > 0) *sampen = -log(frac[1] / frac[0]);
    return PSY_OK;
}
