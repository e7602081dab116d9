/* Sample entropy (Richman & Moorman 2000) and approximate entropy (Pincus 1991) without the
 * O(N²) distance matrix: templates are put in cells of width w > r along their first value and
 * sorted within a cell by their second value, so the only candidates of a template are the
 * templates of its own and the next cell within r in the second value. Time grows with the number
 * of matching pairs (a few per cent of all pairs at r = 0.2 SD), memory is O(N). */
#include <math.h>
#include <stdlib.h>

#include "hrv_internal.h"

typedef struct tpl {
    long long cell; /* floor((first value - min) / w) */
    double y;       /* second value (the first when m = 1) */
    size_t i;       /* template start */
} tpl;

static int cmp_tpl(const void *a, const void *b)
{
    const tpl *p = a, *q = b;
    if (p->cell != q->cell) return p->cell < q->cell ? -1 : 1;
    if (p->y != q->y) return p->y < q->y ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

/* First position in [lo, hi) whose y >= v. */
static size_t lower_y(const tpl *t, size_t lo, size_t hi, double v)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid].y < v) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

typedef struct counts {
    const double *x;
    size_t n, m, nt; /* nt = n - m + 1 templates of length m */
    double r;
    size_t *cm, *cm1; /* matches per template (length m, m + 1), self excluded */
    double a, b;      /* SampEn pairs (length m + 1, m) among the first n - m templates */
} counts;

static void pair(counts *c, size_t i, size_t j)
{
    const double *x = c->x;
    for (size_t k = 0; k < c->m; k++)
        if (fabs(x[i + k] - x[j + k]) > c->r) return;
    c->cm[i]++, c->cm[j]++;
    size_t last = c->nt - 1; /* the last template has no (m + 1)-extension */
    if (i == last || j == last) return;
    c->b += 1;
    if (fabs(x[i + c->m] - x[j + c->m]) <= c->r) {
        c->a += 1;
        c->cm1[i]++, c->cm1[j]++;
    }
}

psy_status hrv_entropy(const double *x, size_t n, int m_in, double r, double *sampen, double *apen)
{
    *sampen = *apen = NAN;
    if (m_in < 1 || n < (size_t)m_in + 2 || !(r >= 0)) return PSY_OK;
    size_t m = (size_t)m_in, nt = n - m + 1;
    double lo = x[0], hi = x[0];
    for (size_t i = 1; i < n; i++) lo = fmin(lo, x[i]), hi = fmax(hi, x[i]);
    /* cell width just above r (so a match is never two cells away), but no more cells than n */
    double w = fmax(r * (1 + 1e-9) + 1e-12, (hi - lo) / (double)n);
    if (!(w > 0)) w = 1;
    tpl *t = malloc(nt * sizeof *t);
    counts c = {x, n, m, nt, r, calloc(nt, sizeof(size_t)), calloc(nt, sizeof(size_t)), 0, 0};
    if (!t || !c.cm || !c.cm1) {
        free(t);
        free(c.cm);
        free(c.cm1);
        return PSY_E_NOMEM;
    }
    for (size_t i = 0; i < nt; i++) {
        t[i].cell = (long long)floor((x[i] - lo) / w);
        t[i].y = x[i + (m >= 2 ? 1 : 0)];
        t[i].i = i;
    }
    qsort(t, nt, sizeof *t, cmp_tpl);
    double slack = 1e-9 * (fabs(hi) + fabs(lo) + r);
    size_t cell_start = 0;
    while (cell_start < nt) {
        size_t cell_end = cell_start;
        while (cell_end < nt && t[cell_end].cell == t[cell_start].cell) cell_end++;
        size_t next_end = cell_end;
        int has_next = cell_end < nt && t[cell_end].cell == t[cell_start].cell + 1;
        if (has_next)
            while (next_end < nt && t[next_end].cell == t[cell_end].cell) next_end++;
        for (size_t p = cell_start; p < cell_end; p++) {
            double ymax = t[p].y + r + slack;
            for (size_t q = p + 1; q < cell_end && t[q].y <= ymax; q++) pair(&c, t[p].i, t[q].i);
            if (has_next)
                for (size_t q = lower_y(t, cell_end, next_end, t[p].y - r - slack);
                     q < next_end && t[q].y <= ymax; q++)
                    pair(&c, t[p].i, t[q].i);
        }
        cell_start = cell_end;
    }
    if (c.a > 0 && c.b > 0) *sampen = -log(c.a / c.b);
    double phi_m = 0, phi_m1 = 0;
    for (size_t i = 0; i < nt; i++) phi_m += log((double)(c.cm[i] + 1) / (double)nt);
    for (size_t i = 0; i + 1 < nt; i++) phi_m1 += log((double)(c.cm1[i] + 1) / (double)(nt - 1));
    *apen = fabs(phi_m / (double)nt - phi_m1 / (double)(nt - 1));
    free(t);
    free(c.cm);
    free(c.cm1);
    return PSY_OK;
}
