/* RR beat classification and correction (Lipponen & Tarvainen 2019; see include/psyphys/rr.h).
 *
 * Indexing: interval i ends at beat i; dRR(i) = RR(i) - RR(i-1). A premature beat k has a short
 * RR(k) and a long RR(k+1): the ectopic rule fires at i = k + 1 (dRR positive between negative
 * neighbours), and for the opposite pattern (a late beat) at the short interval after it; in both
 * cases the misplaced beat is beat i - 1. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/rr.h"
#include "lower_bound.h"
#include "rr_internal.h"
#include "psy_core.h" /* psy_reserved_clear */

psy_rr_config psy_rr_config_default(void)
{
    psy_rr_config c = {5.2, 91, 11, 0.13, 0.17, {0}};
    return c;
}

const char *psy_beat_class_name(psy_beat_class c)
{
    static const char *const names[PSY_BEAT_CLASS_COUNT] = {"N", "ectopic", "missed",
                                                            "extra", "long", "short"};
    return (unsigned)c < PSY_BEAT_CLASS_COUNT ? names[c] : "N";
}

void rr_window(size_t i, size_t n, size_t w, size_t *lo, size_t *hi)
{
    if (w >= n) {
        *lo = 0, *hi = n;
        return;
    }
    size_t half = w / 2;
    *lo = i > half ? i - half : 0;
    if (*lo + w > n) *lo = n - w;
    *hi = *lo + w;
}

/* Quantile q of sorted v[0..n) by linear interpolation between order statistics. */
static double quantile(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t k = (size_t)pos;
    double f = pos - (double)k;
    return k + 1 < n ? v[k] + f * (v[k + 1] - v[k]) : v[k];
}

double rr_window_stat(const double *sorted, size_t m, int kind)
{
    return kind == 0 ? quantile(sorted, m, 0.5) : 0.5 * (quantile(sorted, m, 0.75) - quantile(sorted, m, 0.25));
}

void rr_sorted_insert(double *sorted, size_t *m, double x)
{
    size_t k = psy_lower_bound(sorted, *m, x);
    memmove(sorted + k + 1, sorted + k, (*m - k) * sizeof *sorted);
    sorted[k] = x;
    (*m)++;
}

void rr_sorted_remove(double *sorted, size_t *m, double x)
{
    size_t k = psy_lower_bound(sorted, *m, x);
    memmove(sorted + k, sorted + k + 1, (*m - k - 1) * sizeof *sorted);
    (*m)--;
}

/* Sliding statistic of x over windows of w: median (kind 0) or quartile deviation (kind 1).
 * The window only moves forward, so a sorted copy of it is kept up to date by one removal and
 * one insertion per step instead of a sort. */
static void sliding(const double *x, size_t n, size_t w, int kind, double *sorted, double *out)
{
    size_t cur_lo = 0, cur_hi = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t lo, hi;
        rr_window(i, n, w, &lo, &hi);
        for (; cur_lo < lo; cur_lo++) rr_sorted_remove(sorted, &m, x[cur_lo]);
        for (; cur_hi < hi; cur_hi++) rr_sorted_insert(sorted, &m, x[cur_hi]);
        out[i] = rr_window_stat(sorted, m, kind);
    }
}

int rr_config_valid(const psy_rr_config *c)
{
    return c && psy_reserved_clear(c->reserved) && c->alpha > 0 && c->qd_window >= 3 && c->qd_window % 2 == 1 &&
           c->median_window >= 3 && c->median_window % 2 == 1 && c->c1 >= 0 && c->c2 >= 0;
}

/* The normalised series the decision rules work on. */
typedef struct rr_features {
    double *drr, *mrr, *med, *th2;
} rr_features;

#define FLOOR 0.005
#define CEILING 0.25

double rr_threshold(const psy_rr_config *c, double qd, double med)
{
    return fmin(fmax(c->alpha * qd, FLOOR * med), CEILING * med);
}

/* The features in a caller's workspace of 7 n doubles (see psy_rr_classify_work_size). */
static void features(const double *rr, size_t n, const psy_rr_config *c, double *ws, rr_features *f)
{
    double *scratch = ws, *tmp = ws + n, *th = ws + 2 * n;
    f->drr = ws + 3 * n;
    f->mrr = ws + 4 * n;
    f->med = ws + 5 * n;
    f->th2 = ws + 6 * n;
    sliding(rr, n, (size_t)c->median_window, 0, scratch, f->med);
    /* Two guards on the published thresholds, both as shares of the local median RR: a floor
     * (0.5 %), since a perfectly regular series has a quartile deviation of 0; and a ceiling
     * (25 %, a plainly abnormal change between beats), since with frequent ectopy (bigeminy,
     * trigeminy) the ectopic beats themselves inflate the quartile deviation until nothing
     * exceeds the threshold. Ordinary sinus variability stays well inside both. */
    for (size_t i = 0; i < n; i++) tmp[i] = i ? fabs(rr[i] - rr[i - 1]) : 0;
    sliding(tmp, n, (size_t)c->qd_window, 1, scratch, th);
    for (size_t i = 0; i < n; i++) {
        f->drr[i] = i ? (rr[i] - rr[i - 1]) / rr_threshold(c, th[i], f->med[i]) : 0;
    }
    for (size_t i = 0; i < n; i++) tmp[i] = fabs(rr_mrr_excess(rr[i], f->med[i]));
    sliding(tmp, n, (size_t)c->qd_window, 1, scratch, th);
    for (size_t i = 0; i < n; i++) {
        f->th2[i] = rr_threshold(c, th[i], f->med[i]);
        f->mrr[i] = rr_mrr_excess(rr[i], f->med[i]) / f->th2[i];
    }
}

static double at(const double *v, size_t n, size_t i) { return i < n ? v[i] : 0; }

/* The ectopic decision rules of Lipponen & Tarvainen on the normalised dRR around i. */
static int npn(const double *d, size_t n, size_t i, const psy_rr_config *c)
{
    double s11 = d[i], s12 = fmax(d[i - 1], at(d, n, i + 1));
    return s11 > 1 && s12 < -c->c1 * s11 - c->c2;
}

static int pnp(const double *d, size_t n, size_t i, const psy_rr_config *c)
{
    double s11 = d[i], s12 = fmin(d[i - 1], at(d, n, i + 1));
    return s11 < -1 && s12 > -c->c1 * s11 + c->c2;
}

/* Pass 1: ectopic beats. The NPN pattern of dRR at i marks a premature beat i - 1 (short
 * interval, then its pause); the PNP pattern at i a late beat i - 1. A late beat also shows an
 * NPN at i + 1 (and an alternating rhythm shows both everywhere): then the reading whose
 * remaining interval is closer to the local median wins, the premature one on a tie. */
size_t rr_pass1(const double *rr, const double *d, const double *med, size_t n, size_t i, const psy_rr_config *c,
                psy_beat_class *out)
{
    if (npn(d, n, i, c)) {
        out[i - 1] = PSY_BEAT_ECTOPIC;
        return i + 2; /* the interval after it belongs to the same artefact */
    }
    if (pnp(d, n, i, c)) {
        int premature = i + 1 < n && npn(d, n, i + 1, c) && fabs(rr[i - 1] - med[i]) <= fabs(at(rr, n, i + 1) - med[i]);
        out[premature ? i : i - 1] = PSY_BEAT_ECTOPIC;
        return i + (premature ? 3 : 2);
    }
    return i + 1;
}

/* Pass 2: long / short intervals, missed and extra beats, where no ectopic beat explains them. */
void rr_pass2(const double *rr, const double *d, const double *mrr, const double *med, const double *th2, size_t n,
              size_t i, psy_beat_class *out)
{
    if (out[i] != PSY_BEAT_NORMAL) return;
    if (i > 0 && (out[i - 1] == PSY_BEAT_ECTOPIC || out[i - 1] == PSY_BEAT_EXTRA)) return;
    /* dRR only speaks for interval i when interval i - 1 is itself clean (after an ectopic
     * beat's compensatory pause the drop back to normal is no artefact). */
    int clean_before = i == 0 || (out[i - 1] == PSY_BEAT_NORMAL && (i < 2 || out[i - 2] != PSY_BEAT_ECTOPIC));
    double drr = clean_before ? d[i] : 0;
    if (!(fabs(drr) > 1 || fabs(mrr[i]) > 3)) return;
    double s22 = drr >= 0 ? fmin(at(d, n, i + 1), at(d, n, i + 2)) : fmax(at(d, n, i + 1), at(d, n, i + 2));
    int is_long = (drr > 1 && s22 < -1) || (fabs(mrr[i]) > 3 && rr[i] > med[i]);
    int is_short = (drr < -1 && s22 > 1) || (fabs(mrr[i]) > 3 && rr[i] < med[i]);
    if (is_long)
        out[i] = fabs(rr[i] / 2 - med[i]) < th2[i] ? PSY_BEAT_MISSED : PSY_BEAT_LONG;
    else if (is_short)
        out[i] = i + 1 < n && fabs(rr[i] + rr[i + 1] - med[i]) < th2[i] ? PSY_BEAT_EXTRA : PSY_BEAT_SHORT;
}

size_t psy_rr_classify_work_size(size_t n)
{
    return 7 * (n ? n : 1);
}

/* Both passes over rr[0..n) with the features of at most `span` intervals at a time in work
 * (7 span doubles): piece by piece, each overlapping the one before by the edge margins, so that
 * every feature read is the one of the whole series (a day's series needs no day-long workspace).
 * Pass 2 trails pass 1 by two intervals, where pass 1 no longer changes a class. */
static void classify(const double *rr, size_t n, const psy_rr_config *c, psy_beat_class *out, double *work,
                     size_t span)
{
    size_t margin = rr_reach(c);
    size_t p1 = 1, p2 = 0, lo = 0;
    while (p2 < n) {
        size_t hi = n - lo > span ? lo + span : n;
        rr_features f;
        features(rr + lo, hi - lo, c, work, &f);
        /* Intervals whose features are exact: [lo + margin, hi - margin), without the margin at
         * the series' own ends. Each pass reads up to two intervals ahead. */
        size_t exact_hi = hi < n ? hi - margin : n;
        /* The passes on the piece: rr and out shifted to it (pass 2 never looks back past lo). */
        while (p1 < n && (hi == n || p1 + 2 < exact_hi))
            p1 = lo + rr_pass1(rr + lo, f.drr, f.med, n - lo, p1 - lo, c, out + lo);
        for (; p2 < n && (p1 >= n || p2 + 2 <= p1) && (hi == n || p2 + 2 < exact_hi); p2++)
            rr_pass2(rr + lo, f.drr, f.mrr, f.med, f.th2, n - lo, p2 - lo, out + lo);
        size_t next = (p1 - 1 < p2 ? p1 - 1 : p2);
        lo = next > margin ? next - margin : 0;
    }
}

/* Checks the intervals and classifies them (config valid, work for `span` intervals). */
static psy_status rr_classify_pieces(const double *rr, size_t n, const psy_rr_config *c, psy_beat_class *out,
                                     double *work, size_t span)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(rr[i]) || rr[i] <= 0) return PSY_E_INVALID;
    for (size_t i = 0; i < n; i++) out[i] = PSY_BEAT_NORMAL;
    if (n >= 3) classify(rr, n, c, out, work, span);
    return PSY_OK;
}

psy_status psy_rr_classify(const double *rr, size_t n, const psy_rr_config *config,
                           psy_beat_class *out)
{
    psy_rr_config c = config ? *config : psy_rr_config_default();
    if ((!rr || !out) && n) return PSY_E_INVALID;
    if (!rr_config_valid(&c)) return PSY_E_INVALID;
    /* Pieces of at least 8192 intervals and 8 margins: a few times the overlap they repeat. */
    size_t span = 8 * rr_reach(&c) > 8192 ? 8 * rr_reach(&c) : 8192;
    if (span > n) span = n;
    if (span > SIZE_MAX / (7 * sizeof(double))) return PSY_E_NOMEM;
    double *work = malloc(psy_rr_classify_work_size(span) * sizeof *work);
    if (!work) return PSY_E_NOMEM;
    psy_status st = rr_classify_pieces(rr, n, &c, out, work, span);
    free(work);
    return st;
}

psy_status psy_rr_classify_work(const double *rr, size_t n, const psy_rr_config *config,
                                psy_beat_class *out, double *work)
{
    psy_rr_config c = config ? *config : psy_rr_config_default();
    if ((!rr || !out || !work) && n) return PSY_E_INVALID;
    if (!rr_config_valid(&c)) return PSY_E_INVALID;
    return rr_classify_pieces(rr, n, &c, out, work, n);
}

/* A normal interval that no neighbouring artefact has distorted (the interval after an ectopic,
 * moved or extra beat is abnormal too). */
static int usable(const psy_beat_class *cls, size_t k)
{
    return cls[k] == PSY_BEAT_NORMAL && (k == 0 || cls[k - 1] == PSY_BEAT_NORMAL);
}

/* The local rhythm around an interval: usable intervals at most NEAR positions away (an ectopic
 * couplet and its pause). Further off, in a run of bigeminy say, they tell of another rhythm: the
 * Polar H10 recording's PVCs were placed one sinus interval from before the run after the beat
 * before them, and its NN series alternated 845 / 600 ms. */
#define NEAR 4

/* Up to two usable neighbours of interval i on each side, within NEAR: their indices and
 * intervals. */
static int neighbours(const double *rr, const psy_beat_class *cls, size_t n, size_t i, double *xs, double *ys)
{
    int m = 0;
    for (size_t k = i, found = 0; k-- > 0 && i - k <= NEAR && found < 2;)
        if (usable(cls, k)) xs[m] = (double)k, ys[m] = rr[k], m++, found++;
    for (size_t k = i + 1, found = 0; k < n && k - i <= NEAR && found < 2; k++)
        if (usable(cls, k)) xs[m] = (double)k, ys[m] = rr[k], m++, found++;
    return m;
}

/* 1 when a corrected interval v_ms for interval i lies within the range the classifier's ceiling
 * allows around its usable neighbours: from 75 % of the shortest to 125 % of the longest (a change
 * of more than 25 % between beats is plainly abnormal). Without neighbours there is nothing to
 * judge by. */
static int plausible(const double *rr, const psy_beat_class *cls, size_t n, size_t i, double v_ms)
{
    double xs[4], ys[4];
    int m = neighbours(rr, cls, n, i, xs, ys);
    double lo = INFINITY, hi = 0;
    for (int a = 0; a < m; a++) lo = fmin(lo, ys[a]), hi = fmax(hi, ys[a]);
    return m == 0 || (v_ms >= (1 - CEILING) * lo && v_ms <= (1 + CEILING) * hi);
}

/* An interpolated interval for beat i: a cubic through up to two usable neighbours on each side
 * (Lagrange form on beat indices), fewer where the series has fewer, kept within their range
 * (its lower end in *shortest, NaN when there are none). */
static double interpolate(const double *rr, const psy_beat_class *cls, size_t n, size_t i, double *shortest)
{
    *shortest = NAN;
    double xs[4], ys[4];
    int m = neighbours(rr, cls, n, i, xs, ys);
    if (m == 0) return rr[i];
    double v = 0, lo = ys[0], hi = ys[0];
    for (int a = 1; a < m; a++) lo = fmin(lo, ys[a]);
    *shortest = lo;
    for (int a = 0; a < m; a++) {
        double w = 1;
        for (int b = 0; b < m; b++)
            if (b != a) w *= ((double)i - xs[b]) / (xs[a] - xs[b]);
        v += w * ys[a];
        lo = fmin(lo, ys[a]), hi = fmax(hi, ys[a]);
    }
    return fmin(fmax(v, lo), hi);
}

/* Appends an interval; a corrected one (for input interval i) only when it is plausible, else it
 * is left out of the series and counted. 0 when the output is full. */
static int put(rr_out_series *o, const double *rr_in, const psy_beat_class *cls, size_t n, size_t i, double t,
               double rr, int corrected)
{
    if (corrected && !plausible(rr_in, cls, n, i, rr)) {
        if (o->left_out_t) {
            if (o->left_out == o->left_out_max) return 0;
            o->left_out_t[o->left_out] = t;
        }
        o->left_out++;
        return 1;
    }
    if (o->n == o->max) return 0;
    o->t[o->n] = t;
    o->rr[o->n] = rr;
    if (o->corrected) o->corrected[o->n] = (uint8_t)corrected;
    o->n++;
    return 1;
}

int rr_correct_step(const double *rr, const double *t, size_t n, const psy_beat_class *classes, size_t i,
                    double *moved_t, rr_out_series *o)
{
    int ok = 1;
    double prev_t = !isnan(*moved_t) ? *moved_t : t[i] - rr[i] / 1000.0;
    *moved_t = NAN;
    switch (classes[i]) {
    case PSY_BEAT_EXTRA:
        /* Removed: the next beat's interval spans both. */
        if (i + 1 < n) *moved_t = prev_t;
        break;
    case PSY_BEAT_MISSED: {
        /* The classifier calls an interval missed when half of it is a normal interval:
         * one beat is inserted, the interval split in two (so 2 n outputs always suffice). */
        double half = 0.5 * (t[i] - prev_t);
        ok = put(o, rr, classes, n, i, prev_t + half, 1000.0 * half, 1) &&
             put(o, rr, classes, n, i, t[i], 1000.0 * half, 1);
        break;
    }
    case PSY_BEAT_ECTOPIC:
    case PSY_BEAT_LONG:
    case PSY_BEAT_SHORT: {
        /* Misplaced beat: move it where the local rhythm puts it; the next interval follows.
         * Without a normal interval near, the local rhythm is the two beats around it: it
         * goes half-way between them. */
        double shortest, v = interpolate(rr, classes, n, i, &shortest);
        double nt = prev_t + v / 1000.0;
        if (isnan(shortest) && i + 1 < n) nt = 0.5 * (prev_t + t[i + 1]);
        /* Nor may the move leave the next interval short by the classifier's own measure
         * (CEILING: a change of more than 25 % is plainly abnormal) against the shortest
         * normal neighbour (a following beat itself misplaced, in bigeminy say, could
         * otherwise get an "NN" interval no heart produced): where the two beats are too
         * close for that, both intervals equal. */
        double least = (1 - CEILING) * shortest / 1000.0;
        if (i + 1 < n && (nt >= t[i + 1] || t[i + 1] - nt < least)) {
            double room = t[i + 1] - least;
            nt = room - prev_t >= least ? room : 0.5 * (prev_t + t[i + 1]);
        }
        ok = put(o, rr, classes, n, i, nt, (nt - prev_t) * 1000.0, 1);
        *moved_t = nt;
        break;
    }
    default: {
        int changed = fabs((t[i] - prev_t) - rr[i] / 1000.0) > 1e-9;
        ok = put(o, rr, classes, n, i, t[i], changed ? (t[i] - prev_t) * 1000.0 : rr[i], changed);
    }
    }
    return ok;
}

psy_status psy_rr_correct(const double *rr, const double *t, size_t n, const psy_rr_config *config,
                          const psy_beat_class *classes, double *out_rr, double *out_t,
                          uint8_t *out_corrected, size_t out_max, size_t *out_n,
                          psy_rr_counts *counts)
{
    return psy_rr_correct_left_out(rr, t, n, config, classes, out_rr, out_t, out_corrected, out_max, out_n, counts,
                                   NULL, 0, NULL);
}

psy_status psy_rr_correct_left_out(const double *rr, const double *t, size_t n, const psy_rr_config *config,
                                   const psy_beat_class *classes, double *out_rr, double *out_t,
                                   uint8_t *out_corrected, size_t out_max, size_t *out_n, psy_rr_counts *counts,
                                   double *out_left_out_t, size_t left_out_max, size_t *out_left_out_n)
{
    if (!out_n || ((!rr || !t || !out_rr || !out_t) && n) || (out_left_out_t && !out_left_out_n))
        return PSY_E_INVALID;
    *out_n = 0;
    if (out_left_out_n) *out_left_out_n = 0;
    psy_beat_class *own = NULL;
    if (!classes) {
        own = malloc((n ? n : 1) * sizeof *own);
        if (!own) return PSY_E_NOMEM;
        psy_status st = psy_rr_classify(rr, n, config, own);
        if (st != PSY_OK) {
            free(own);
            return st;
        }
        classes = own;
    }
    if (counts) {
        memset(counts, 0, sizeof *counts);
        for (size_t i = 0; i < n; i++) counts->n[classes[i] < PSY_BEAT_CLASS_COUNT ? classes[i] : 0]++;
    }
    rr_out_series o = {out_rr, out_t, out_corrected, 0, out_max, 0, out_left_out_t, left_out_max};
    double moved_t = NAN; /* time of the previous beat after correction, when it was moved */
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) ok = rr_correct_step(rr, t, n, classes, i, &moved_t, &o);
    free(own);
    if (counts) counts->nn_left_out = o.left_out;
    if (out_left_out_n) *out_left_out_n = o.left_out;
    *out_n = o.n;
    return ok ? PSY_OK : PSY_E_RANGE;
}

psy_status psy_rr_correct_stretches(const double *rr_ms, const double *t_s, size_t n, const psy_rr_config *config,
                                    double *out_rr_ms, double *out_t_s, uint8_t *out_corrected, size_t out_max,
                                    size_t *out_n, psy_rr_counts *counts)
{
    if (!out_n || (n && (!rr_ms || !t_s || !out_rr_ms || !out_t_s))) return PSY_E_INVALID;
    *out_n = 0;
    if (counts) memset(counts, 0, sizeof *counts);
    psy_rr_config defaults = psy_rr_config_default();
    if (!config) config = &defaults;
    size_t i = 0;
    while (i < n) {
        while (i < n && isnan(rr_ms[i])) i++;
        size_t a = i;
        while (i < n && !isnan(rr_ms[i])) i++;
        if (i == a) break;
        size_t got = 0;
        psy_rr_counts c;
        psy_status st = psy_rr_correct(rr_ms + a, t_s + a, i - a, config, NULL, out_rr_ms + *out_n, out_t_s + *out_n,
                                       out_corrected ? out_corrected + *out_n : NULL, out_max - *out_n, &got, &c);
        if (st != PSY_OK) return st;
        *out_n += got;
        rr_counts_add(counts, &c);
    }
    return PSY_OK;
}
