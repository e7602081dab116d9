/* Sliding robust estimate of white sensor noise in skin conductance (see eda_noise.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eda_noise.h"
#include "small_median.h"

/* For Gaussian d3 with sd s: E|d3| over its smaller half = s x 4 (phi(0) - phi(0.6745)). */
#define LOWER_HALF_MEAN 0.324661
#define D3_SD 4.472136 /* sd of x[i] - 3 x[i-1] + 3 x[i-2] - x[i-3] per unit noise sd: sqrt(20) */

struct eda_noise {
    int64_t block_len, stride;  /* input samples per block; keep every stride-th |d3| */
    int64_t in_block, n_vals;
    double vals[EDA_NOISE_MAX_VALUES];
    double x1, x2, x3;          /* the last three valid samples */
    int run;                    /* valid samples in a row (capped at 3) */
    double win[EDA_NOISE_WINDOW];
    int n_win, head;
    double current;
    int64_t hist[EDA_NOISE_BINS], n_hist;
};

eda_noise *eda_noise_create(double rate_hz)
{
    eda_noise *n = malloc(sizeof *n);
    if (!n) return NULL;
    n->block_len = (int64_t)llround(EDA_NOISE_BLOCK_S * rate_hz);
    if (n->block_len < 1) n->block_len = 1;
    n->stride = (n->block_len + EDA_NOISE_MAX_VALUES - 1) / EDA_NOISE_MAX_VALUES;
    eda_noise_reset(n);
    return n;
}

eda_noise *eda_noise_copy(const eda_noise *n)
{
    eda_noise *c = malloc(sizeof *c);
    if (c) *c = *n;
    return c;
}

void eda_noise_reset(eda_noise *n)
{
    n->in_block = n->n_vals = 0;
    n->run = 0;
    n->n_win = n->head = 0;
    n->current = NAN;
    memset(n->hist, 0, sizeof n->hist);
    n->n_hist = 0;
}

void eda_noise_destroy(eda_noise *n)
{
    free(n);
}

/* The block statistic of vals[0 .. m) (reorders them). */
static double block_sd(double *vals, int64_t m)
{
    int64_t half = (m + 1) / 2;
    psy_select_kth(vals, m, half - 1);
    double sum = 0;
    for (int64_t i = 0; i < half; i++) sum += vals[i];
    return sum / (double)half / (LOWER_HALF_MEAN * D3_SD);
}

/* The median of the last m block estimates (m <= n_win). */
static double window_median(const eda_noise *n, int m)
{
    double w[EDA_NOISE_WINDOW] = {0};
    for (int i = 0; i < m; i++) w[i] = n->win[(n->head - 1 - i + EDA_NOISE_WINDOW) % EDA_NOISE_WINDOW];
    psy_select_kth(w, m, m / 2);
    double hi = w[m / 2];
    if (m % 2) return hi;
    double lo = w[0]; /* the largest of the lower half */
    for (int i = 1; i < m / 2; i++) lo = fmax(lo, w[i]);
    return 0.5 * (lo + hi);
}

static int bin_of(double sd)
{
    if (!(sd > 1e-4)) return 0;
    int b = (int)floor(40.0 * log10(sd / 1e-4)) + 1;
    return b < EDA_NOISE_BINS ? b : EDA_NOISE_BINS - 1;
}

static void end_block(eda_noise *n)
{
    if (n->n_vals >= EDA_NOISE_MIN_VALUES) {
        n->win[n->head] = block_sd(n->vals, n->n_vals);
        n->head = (n->head + 1) % EDA_NOISE_WINDOW;
        if (n->n_win < EDA_NOISE_WINDOW) n->n_win++;
        n->current = window_median(n, n->n_win);
    }
    if (!isnan(n->current)) {
        n->hist[bin_of(n->current)]++;
        n->n_hist++;
    }
    n->in_block = n->n_vals = 0;
}

void eda_noise_push(eda_noise *n, double x)
{
    if (isnan(x)) {
        n->run = 0;
    } else {
        if (n->run == 3 && (n->in_block % n->stride) == 0 && n->n_vals < EDA_NOISE_MAX_VALUES)
            n->vals[n->n_vals++] = fabs(x - 3 * n->x1 + 3 * n->x2 - n->x3);
        n->x3 = n->x2;
        n->x2 = n->x1;
        n->x1 = x;
        if (n->run < 3) n->run++;
    }
    if (++n->in_block == n->block_len) end_block(n);
}

double eda_noise_current(eda_noise *n)
{
    /* before the first block ends: the part seen so far, when it is enough */
    if (n->n_win == 0 && n->n_vals >= EDA_NOISE_MIN_VALUES) {
        double tmp[EDA_NOISE_MAX_VALUES];
        memcpy(tmp, n->vals, (size_t)n->n_vals * sizeof *tmp);
        return block_sd(tmp, n->n_vals);
    }
    return n->current;
}

double eda_noise_quantile(const eda_noise *n, double q)
{
    if (n->n_hist == 0) return NAN;
    int64_t target = (int64_t)floor(q * (double)(n->n_hist - 1)), seen = 0;
    for (int b = 0; b < EDA_NOISE_BINS; b++) {
        seen += n->hist[b];
        if (seen > target) return b == 0 ? 0.0 : 1e-4 * pow(10.0, ((double)b - 0.5) / 40.0);
    }
    return NAN;
}

double eda_noise_seconds_above(const eda_noise *n, double sd_us)
{
    int64_t m = 0;
    for (int b = 0; b < EDA_NOISE_BINS; b++)
        if (b > 0 && 1e-4 * pow(10.0, ((double)b - 0.5) / 40.0) > sd_us) m += n->hist[b];
    return (double)m * EDA_NOISE_BLOCK_S;
}
