/* Sample entropy (Richman & Moorman 2000) and approximate entropy (Pincus 1991) without the
 * O(N²) distance matrix and without enumerating the matching pairs: each template's number of
 * matches (Chebyshev distance <= r) is an orthogonal range count, answered by a k-d tree whose
 * nodes keep their bounding box and size, so a node inside the query box counts at once
 * (the idea behind scikit-learn's query_radius(count_only=True), which NeuroKit uses).
 * Identical templates (RR series are quantised by the beat detector's sampling rate) are merged
 * into one weighted point first, by hashing; the tree and the counts are per distinct template.
 * A long series is taken in blocks of templates (HRV_ENTROPY_BLOCK): the templates of one block
 * are counted against a tree of each block in turn, so the memory is that of a block (~50 bytes
 * a template at d = 3: ~6 MB) however long the series, and the counts, being integers, are the
 * same as over one tree; time about N x (blocks) x (nodes on the query box's boundary in a tree
 * of a block): a series of one block (~30 h of beats) costs what it did with one tree. One block
 * whose templates have few neighbours (a 5-min window) is counted by a sweep instead (sweep_counts). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hrv_internal.h"

#define LEAF 16
#define MAXD 11 /* entropy_m <= 10, so templates of up to 11 values */

typedef struct node {
    uint32_t start, end;   /* points [start, end) in tree order */
    uint32_t left, right;  /* children (0 = leaf) */
    uint32_t weight;       /* templates in the node */
} node;

typedef struct tree {
    const double *x;       /* distinct template u is x[first[u] .. first[u] + d) */
    const uint32_t *first, *w; /* and w[u] templates are equal to it */
    size_t d;
    uint32_t *idx;         /* distinct templates in tree order */
    node *nodes;
    size_t n_nodes;
    double *lo, *hi;       /* bounding box of node j: lo[j d .. j d + d) */
    double *pts;           /* the templates in tree order (pts[p d ..] is template idx[p]) and */
    uint32_t *pw;          /* their weights: leaves and queries then walk memory in order */
} tree;

static double coord(const tree *t, uint32_t u, size_t k) { return t->x[t->first[u] + k]; }

/* Partial sort of idx[a0..b0) on coordinate k so that position mid holds its order statistic
 * (Hoare's selection). */
static void select_k(const tree *t, size_t a0, size_t b0, size_t mid, size_t k)
{
    uint32_t *idx = t->idx;
    long a = (long)a0, b = (long)b0 - 1, md = (long)mid;
    while (a < b) {
        double pivot = coord(t, idx[a + (b - a) / 2], k);
        long i = a, j = b;
        while (i <= j) {
            while (coord(t, idx[i], k) < pivot) i++;
            while (coord(t, idx[j], k) > pivot) j--;
            if (i <= j) {
                uint32_t tmp = idx[i];
                idx[i] = idx[j], idx[j] = tmp;
                i++, j--;
            }
        }
        if (md <= j) b = j;
        else if (md >= i) a = i;
        else return;
    }
}

static uint32_t build(tree *t, size_t start, size_t end)
{
    uint32_t id = (uint32_t)t->n_nodes++;
    node *nd = &t->nodes[id];
    double *lo = t->lo + id * t->d, *hi = t->hi + id * t->d;
    nd->start = (uint32_t)start, nd->end = (uint32_t)end, nd->left = nd->right = 0, nd->weight = 0;
    for (size_t k = 0; k < t->d; k++) lo[k] = INFINITY, hi[k] = -INFINITY;
    for (size_t p = start; p < end; p++) {
        nd->weight += t->w[t->idx[p]];
        for (size_t k = 0; k < t->d; k++) {
            double v = coord(t, t->idx[p], k);
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
    select_k(t, start, end, mid, split);
    uint32_t l = build(t, start, mid);
    uint32_t r = build(t, mid, end);
    t->nodes[id].left = l, t->nodes[id].right = r;
    return id;
}

/* Number of templates within r of q (Chebyshev), q itself included when it is one. The box tests
 * use the same fabs(a - b) <= r comparison as the point test, so ties are counted alike. The
 * nodes to visit on a stack (the tree is balanced: its depth is below 40); d is a constant where
 * inlined, for the common dimensions. */
static inline __attribute__((always_inline)) size_t count_in(const tree *t, const double *q, double r, size_t d)
{
    uint32_t stack[64];
    int top = 0;
    size_t c = 0;
    stack[top++] = 0;
    while (top > 0) {
        uint32_t id = stack[--top];
        const node *nd = &t->nodes[id];
        const double *blo = t->lo + id * d, *bhi = t->hi + id * d;
        int inside = 1, outside = 0;
        for (size_t k = 0; k < d; k++) {
            double lo = fabs(blo[k] - q[k]), hi = fabs(bhi[k] - q[k]);
            if ((bhi[k] < q[k] && hi > r) || (blo[k] > q[k] && lo > r)) {
                outside = 1;
                break;
            }
            if (lo > r || hi > r) inside = 0;
        }
        if (outside) continue;
        if (inside) {
            c += nd->weight;
        } else if (nd->left) {
            stack[top++] = nd->right;
            stack[top++] = nd->left;
        } else {
            for (size_t p = nd->start; p < nd->end; p++) {
                const double *v = t->pts + p * d;
                size_t k = 0;
                while (k < d && fabs(v[k] - q[k]) <= r) k++;
                if (k == d) c += t->pw[p];
            }
        }
    }
    return c;
}

static size_t count_2(const tree *t, const double *q, double r) { return count_in(t, q, r, 2); }
static size_t count_3(const tree *t, const double *q, double r) { return count_in(t, q, r, 3); }
static size_t count_d(const tree *t, const double *q, double r) { return count_in(t, q, r, t->d); }

/* A hash of the template x[0..d) that equal templates share (-0 and +0 alike). */
static uint64_t tpl_hash(const double *x, size_t d)
{
    uint64_t h = 0x9e3779b97f4a7c15u;
    for (size_t k = 0; k < d; k++) {
        double v = x[k] + 0.0; /* -0 -> +0 */
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        h = (h ^ bits) * 0xbf58476d1ce4e5b9u;
        h ^= h >> 31;
    }
    return h;
}

static int tpl_equal(const double *a, const double *b, size_t d)
{
    for (size_t k = 0; k < d; k++)
        if (a[k] != b[k]) return 0;
    return 1;
}

/* The templates of length d starting at x[0 .. nt) merged into distinct ones: template i is
 * distinct template uid[i], whose first copy starts at x + first[u] and which has w[u] copies.
 * The arrays are left on the arena (the caller releases them). */
typedef struct distinct {
    uint32_t *uid, *first, *w;
    size_t n;
} distinct;

static psy_status merge_templates(const double *x, size_t nt, size_t d, psy_arena *a, distinct *out)
{
    uint32_t *uid = psy_arena_array(a, nt, sizeof *uid), *first = psy_arena_array(a, nt, sizeof *first);
    uint32_t *w = psy_arena_array(a, nt, sizeof *w);
    if (!uid || !first || !w) return PSY_E_NOMEM;
    /* open addressing, slots hold distinct id + 1 */
    size_t slots = 16;
    while (slots < 2 * nt) slots *= 2;
    size_t hash_mark = psy_arena_mark(a);
    uint32_t *slot = psy_arena_array(a, slots, sizeof *slot);
    if (!slot) return PSY_E_NOMEM;
    memset(slot, 0, slots * sizeof *slot);
    uint32_t nu = 0;
    for (size_t i = 0; i < nt; i++) {
        size_t s = (size_t)tpl_hash(x + i, d) & (slots - 1);
        while (slot[s] && !tpl_equal(x + first[slot[s] - 1], x + i, d)) s = (s + 1) & (slots - 1);
        if (!slot[s]) {
            first[nu] = (uint32_t)i, w[nu] = 0;
            slot[s] = ++nu;
        }
        w[slot[s] - 1]++;
        uid[i] = slot[s] - 1;
    }
    psy_arena_release(a, hash_mark);
    *out = (distinct){uid, first, w, nu};
    return PSY_OK;
}

/* The arrays of a k-d tree of nu distinct templates of length d, on the arena. */
static psy_status tree_alloc(tree *t, size_t nu, size_t d, psy_arena *a)
{
    size_t max_nodes = 2 * (nu / LEAF + 1) * 2 + 8; /* leaves hold > LEAF / 2 points */
    *t = (tree){NULL, NULL, NULL, d, psy_arena_array(a, nu, sizeof(uint32_t)), psy_arena_array(a, max_nodes, sizeof(node)), 0,
                psy_arena_array(a, max_nodes * d, sizeof(double)), psy_arena_array(a, max_nodes * d, sizeof(double)),
                psy_arena_array(a, nu * d, sizeof(double)), psy_arena_array(a, nu, sizeof(uint32_t))};
    return t->idx && t->nodes && t->lo && t->hi && t->pts && t->pw ? PSY_OK : PSY_E_NOMEM;
}

/* The k-d tree of the distinct templates ds of x, on the arena. */
static psy_status tree_build(tree *t, const double *x, const distinct *ds, size_t d, psy_arena *a)
{
    size_t nu = ds->n;
    if (tree_alloc(t, nu, d, a) != PSY_OK) return PSY_E_NOMEM;
    t->x = x, t->first = ds->first, t->w = ds->w;
    for (uint32_t u = 0; u < nu; u++) t->idx[u] = u;
    build(t, 0, nu);
    for (size_t p = 0; p < nu; p++) {
        memcpy(t->pts + p * d, x + ds->first[t->idx[p]], d * sizeof *t->pts);
        t->pw[p] = ds->w[t->idx[p]];
    }
    return PSY_OK;
}

/* The series the templates are cut from, a block at a time: in place when it is in memory, else
 * read into one of two buffers (the block queried, the block of the tree it is counted against). */
typedef struct blocks {
    hrv_cursor *x;
    double *buf[2]; /* a source: block + MAXD values each */
} blocks;

static psy_status blocks_open(blocks *b, hrv_cursor *x, size_t block, size_t nt, psy_arena *a)
{
    *b = (blocks){x, {NULL, NULL}};
    if (!x->s->src) return PSY_OK;
    size_t cap = (block < nt ? block : nt) + MAXD;
    b->buf[0] = psy_arena_array(a, cap, sizeof(double)), b->buf[1] = psy_arena_array(a, cap, sizeof(double));
    return b->buf[0] && b->buf[1] ? PSY_OK : PSY_E_NOMEM;
}

/* The values of the templates p0 .. p1 - 1 of length d (x[p0 .. p1 + d - 1)), from index p0. */
static const double *block_values(blocks *b, size_t p0, size_t p1, size_t d, int which)
{
    if (!b->x->s->src) return b->x->nn + p0;
    double *v = b->buf[which];
    for (size_t i = p0; i < p1 + d - 1; i++) v[i - p0] = hrv_nn_at(b->x, i);
    return v;
}

/* The sweep, for a series of one block whose templates have few neighbours on their first value,
 * where a tree's unpredictable branches cost more than they save: the distinct templates sorted on
 * their first value, each counted against the run of neighbours whose first value lies within r (a
 * run that only moves forward), the other values compared without branches. The same comparisons
 * fabs(a - b) <= r as the tree's, so the same integer counts. Measured (hrv_entropy_of, m = 2, RR
 * series quantised at 360 Hz, CPU per call): 6.8x faster than the tree at ~40 candidates a
 * template (400 beats, a 5-min window); the two break even at ~1 000-2 000 candidates, and the
 * tree is 2.5x faster at ~10 000 (a day of widely spread beats). SWEEP_PAIRS sits at the low end
 * of the break-even: the sweep's cost grows with the candidates, the tree's far more slowly, so
 * past it the sweep has little to win and much to lose. */
#define SWEEP_PAIRS 1024 /* the sweep when its candidate pairs are at most this many a template */

typedef struct keyed {
    double v;
    uint32_t u;
} keyed;

/* Sorts k[0 .. n) on v in place (heapsort: qsort may allocate, and a call must not once its
 * buffers are there). */
static void sort_keys(keyed *k, size_t n)
{
    for (size_t end = n, i = n / 2; end > 1;) {
        size_t root;
        if (i > 0) {
            root = --i;
        } else {
            keyed t = k[0];
            k[0] = k[--end], k[end] = t;
            root = 0;
        }
        for (size_t c; (c = 2 * root + 1) < end; root = c) { /* sift down */
            if (c + 1 < end && k[c + 1].v > k[c].v) c++;
            if (!(k[c].v > k[root].v)) break;
            keyed t = k[root];
            k[root] = k[c], k[c] = t;
        }
    }
}

/* The counts of the sorted templates pts (weights pw) for d a constant where inlined. */
static inline __attribute__((always_inline)) void sweep(const double *pts, const uint32_t *pw, size_t nu, size_t d,
                                                        double r, const keyed *key, uint32_t *c)
{
    size_t lo = 0, hi = 0;
    for (size_t p = 0; p < nu; p++) {
        const double *q = pts + p * d;
        while (pts[lo * d] - q[0] < -r) lo++;
        if (hi < p) hi = p;
        while (hi < nu && !(pts[hi * d] - q[0] > r)) hi++;
        uint32_t n = 0;
        for (size_t j = lo; j < hi; j++) {
            const double *v = pts + j * d;
            int in = 1;
            for (size_t k = 1; k < d; k++) in &= fabs(v[k] - q[k]) <= r;
            n += pw[j] & (uint32_t)-in;
        }
        c[key[p].u] = n;
    }
}

/* The sweep's scratch for nu distinct templates of length d, on the arena: 0 when out of memory. */
static int sweep_alloc(size_t nu, size_t d, psy_arena *a, keyed **key, double **pts, uint32_t **pw)
{
    *key = psy_arena_array(a, nu, sizeof **key);
    *pts = psy_arena_array(a, nu * d, sizeof **pts);
    *pw = psy_arena_array(a, nu, sizeof **pw);
    return *key && *pts && *pw;
}

/* Takes and gives back the scratch of both ways for nu distinct templates of length d, so that
 * the arena's deepest stack does not depend on the way a series takes: psy_hrv_reserve's trial
 * series (all templates distinct) then warms the arena for any series of its length, whichever
 * way each takes. 0 when out of memory. */
static int hold_both(size_t nu, size_t d, psy_arena *a)
{
    size_t mark = psy_arena_mark(a);
    tree t;
    keyed *key;
    double *pts;
    uint32_t *pw;
    int ok = tree_alloc(&t, nu, d, a) == PSY_OK;
    psy_arena_release(a, mark);
    ok = ok && sweep_alloc(nu, d, a, &key, &pts, &pw);
    psy_arena_release(a, mark);
    return ok;
}

/* Fills c (the block's nu distinct templates' counts) and returns 1 when the sweep is the cheaper
 * way (or 0, nothing written; or -1, out of memory). Scratch on the arena, released. */
static int sweep_counts(const double *x, const distinct *q, size_t d, double r, psy_arena *a, uint32_t *c)
{
    size_t nu = q->n, mark = psy_arena_mark(a);
    keyed *key;
    double *pts;
    uint32_t *pw;
    if (!hold_both(nu, d, a) || !sweep_alloc(nu, d, a, &key, &pts, &pw)) {
        psy_arena_release(a, mark);
        return -1;
    }
    for (size_t u = 0; u < nu; u++) {
        key[u] = (keyed){x[q->first[u]], (uint32_t)u};
        if (!isfinite(key[u].v)) { /* the tree's order and comparisons then */
            psy_arena_release(a, mark);
            return 0;
        }
    }
    sort_keys(key, nu);
    size_t pairs = 0, lo = 0, hi = 0; /* the candidates: cheap to count first */
    for (size_t p = 0; p < nu; p++) {
        while (key[lo].v - key[p].v < -r) lo++;
        if (hi < p) hi = p;
        while (hi < nu && !(key[hi].v - key[p].v > r)) hi++;
        pairs += hi - lo;
    }
    int done = pairs <= SWEEP_PAIRS * nu;
    if (done) {
        for (size_t p = 0; p < nu; p++) {
            memcpy(pts + p * d, x + q->first[key[p].u], d * sizeof *pts);
            pw[p] = q->w[key[p].u];
        }
        if (d == 2) sweep(pts, pw, nu, 2, r, key, c);
        else if (d == 3) sweep(pts, pw, nu, 3, r, key, c);
        else sweep(pts, pw, nu, d, r, key, c);
    }
    psy_arena_release(a, mark);
    return done;
}

/* The match counts (Chebyshev distance <= r, itself included) among all nt templates of length d
 * of the series, of the templates q0 .. q1 - 1, whose values are qx (from q0): template i is
 * distinct template q->uid[i - q0] of the block, with (*count)[that] matches. Left on the arena
 * (the caller releases them). The counts are integers: the same whatever the blocks. */
static psy_status block_counts(blocks *bx, const double *qx, size_t nt, size_t d, double r, size_t q0, size_t q1,
                               size_t block, psy_arena *a, distinct *q, uint32_t **count)
{
    if (nt >= UINT32_MAX / 2) return PSY_E_NOMEM; /* 32-bit indices */
    psy_status st = merge_templates(qx, q1 - q0, d, a, q);
    if (st != PSY_OK) return st; /* q is unset */
    size_t nu = q->n;
    uint32_t *c = psy_arena_array(a, nu, sizeof *c);
    /* the block's templates in its own tree's order (neighbouring queries visit the same nodes
     * of any tree), kept for the queries against the other blocks */
    uint32_t *order = psy_arena_array(a, nu, sizeof *order);
    if (!c || !order) return PSY_E_NOMEM;
    if (q1 - q0 == nt) { /* one block */
        int swept = sweep_counts(qx, q, d, r, a, c);
        if (swept < 0) return PSY_E_NOMEM;
        if (swept) {
            *count = c;
            return PSY_OK;
        }
    }
    size_t (*count_fn)(const tree *, const double *, double) = d == 2 ? count_2 : d == 3 ? count_3 : count_d;
    size_t mark = psy_arena_mark(a);
    tree t;
    if (tree_build(&t, qx, q, d, a) != PSY_OK) return PSY_E_NOMEM;
    for (size_t p = 0; p < nu; p++) c[t.idx[p]] = (uint32_t)count_fn(&t, t.pts + p * d, r);
    memcpy(order, t.idx, nu * sizeof *order);
    psy_arena_release(a, mark);
    for (size_t p0 = 0; p0 < nt; p0 += block) {
        if (p0 == q0) continue;
        size_t p1 = p0 + block < nt ? p0 + block : nt;
        distinct other;
        const double *px = block_values(bx, p0, p1, d, 1);
        if (merge_templates(px, p1 - p0, d, a, &other) != PSY_OK || tree_build(&t, px, &other, d, a) != PSY_OK)
            return PSY_E_NOMEM;
        for (size_t p = 0; p < nu; p++) c[order[p]] += (uint32_t)count_fn(&t, qx + q->first[order[p]], r);
        psy_arena_release(a, mark);
    }
    *count = c;
    return PSY_OK;
}

/* Over the nt templates of length d of x: phi += the sum of log(matches / nt), in the templates'
 * order (ApEn), and pairs += the matches of each other than itself (SampEn); drop_last: leaving
 * out the last template and the matches with it. PSY_OK or PSY_E_NOMEM. */
static psy_status entropy_pass(blocks *bx, size_t nt, size_t d, double r, int drop_last, size_t block,
                               psy_arena *ar, double *phi, double *pairs)
{
    double last[MAXD];
    for (size_t k = 0; k < d; k++) last[k] = hrv_nn_at(bx->x, nt - 1 + k);
    for (size_t q0 = 0; q0 < nt; q0 += block) {
        size_t q1 = q0 + block < nt ? q0 + block : nt, mark = psy_arena_mark(ar);
        distinct q;
        uint32_t *count;
        const double *qx = block_values(bx, q0, q1, d, 0);
        if (block_counts(bx, qx, nt, d, r, q0, q1, block, ar, &q, &count) != PSY_OK) return PSY_E_NOMEM;
        for (size_t i = q0; i < q1; i++) {
            uint32_t cm = count[q.uid[i - q0]];
            *phi += log((double)cm / (double)nt);
            if (!drop_last) {
                *pairs += (double)(cm - 1);
                continue;
            }
            if (i + 1 == nt) break;
            size_t k = 0;
            while (k < d && fabs(qx[i - q0 + k] - last[k]) <= r) k++;
            *pairs += (double)(cm - 1 - (k == d));
        }
        psy_arena_release(ar, mark);
    }
    return PSY_OK;
}

psy_status hrv_entropy_of(hrv_cursor *x, size_t n, int m_in, double r, size_t block, psy_arena *ar, double *sampen,
                          double *apen)
{
    if (!block) block = HRV_ENTROPY_BLOCK;
    *sampen = *apen = NAN;
    if (m_in < 1 || m_in + 1 > MAXD || n < (size_t)m_in + 2 || !(r >= 0)) return PSY_OK;
    size_t m = (size_t)m_in, nt = n - m + 1, mark = psy_arena_mark(ar);
    /* Length m, then m + 1, each with its counts only: SampEn over the nt - 1 templates that have
     * an (m + 1)-extension: B pairs of length m (the matches with the last m-template removed),
     * A pairs of length m + 1. */
    double b = 0, a = 0, phi_m = 0, phi_m1 = 0;
    blocks bx;
    psy_status st = blocks_open(&bx, x, block, nt, ar);
    if (st == PSY_OK) st = entropy_pass(&bx, nt, m, r, 1, block, ar, &phi_m, &b);
    if (st == PSY_OK) st = entropy_pass(&bx, nt - 1, m + 1, r, 0, block, ar, &phi_m1, &a);
    psy_arena_release(ar, mark);
    if (st == PSY_OK) st = x->st;
    if (st != PSY_OK) return st;
    if (a > 0 && b > 0) *sampen = -log(a / b) + 0.0; /* + 0: every template matching gives 0, not -0 */
    *apen = fabs(phi_m / (double)nt - phi_m1 / (double)(nt - 1));
    return PSY_OK;
}

/* PCST's fastSampen (Vest et al. 2018's toolbox): A = the fraction of pairs of the n - m + 1
 * m-templates within r, B = the fraction of pairs of the n - m (m + 1)-templates within r, both
 * with the strict distance < r, SampEn = -log(B / A). Richman & Moorman count both over the
 * n - m templates instead and compare with <= r (hrv_entropy_of). */
psy_status hrv_sampen_pcst_of(hrv_cursor *x, size_t n, int m_in, double r, size_t block, psy_arena *ar,
                              double *sampen)
{
    if (!block) block = HRV_ENTROPY_BLOCK;
    *sampen = NAN;
    if (m_in < 1 || m_in + 1 > MAXD || n < (size_t)m_in + 3 || !(r > 0)) return PSY_OK;
    size_t m = (size_t)m_in;
    size_t mark = psy_arena_mark(ar);
    double strict = nextafter(r, 0); /* |a - b| <= the double below r  <=>  |a - b| < r */
    double frac[2];
    blocks bx;
    if (blocks_open(&bx, x, block, n - m + 1, ar) != PSY_OK) return PSY_E_NOMEM;
    size_t blocks_mark = psy_arena_mark(ar);
    for (size_t len = m; len <= m + 1; len++) {
        size_t k = n - len + 1;
        double within = 0; /* an integer below 2^53: exact in any order */
        for (size_t q0 = 0; q0 < k; q0 += block) {
            distinct q;
            uint32_t *count;
            size_t q1 = q0 + block < k ? q0 + block : k;
            const double *qx = block_values(&bx, q0, q1, len, 0);
            if (block_counts(&bx, qx, k, len, strict, q0, q1, block, ar, &q, &count) != PSY_OK) {
                psy_arena_release(ar, mark);
                return PSY_E_NOMEM;
            }
            for (size_t u = 0; u < q.n; u++) within += (double)q.w[u] * (double)(count[u] - 1); /* self out */
            psy_arena_release(ar, blocks_mark);
        }
        frac[len - m] = within / ((double)k * (double)(k - 1)); /* ordered pairs: twice each */
    }
    psy_arena_release(ar, mark);
    if (x->st != PSY_OK) return x->st;
    if (frac[0] > 0 && frac[1] > 0) *sampen = -log(frac[1] / frac[0]) + 0.0; /* 0, not -0 */
    return PSY_OK;
}
