/* Wrist-sensor artefacts of skin conductance: spikes repaired, drops flagged, a transition radius
 * around every artefact (see eda_artifact.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eda_artifact.h"

typedef struct held {
    double v;
    unsigned flags;
} held;

struct eda_artifact {
    /* stage 1: input samples waiting for 2 spike_len more behind them (a spike and its
       context after it) */
    int64_t spike_len;      /* longest spike, input samples (0: off) */
    double spike_floor;     /* smallest excursion that is a spike, uS */
    held *in;               /* ring of in_mask + 1 >= 2 spike_len + 1 (rings: powers of two) */
    int64_t in_mask, in_head, in_n;
    double ref;             /* the last released value (NaN after a gap) */
    double *past;           /* the last released values (past_mask + 1 >= spike_len): the
                               context before */
    int64_t past_mask;
    /* the largest released value of the last second: a monotonic queue */
    double drop_fraction;
    int64_t win_len, released;
    int64_t *max_at;
    double *max_v;
    int64_t max_mask, max_head, max_n;
    /* stage 2: analysis samples waiting for radius more behind them */
    int64_t radius;
    held *out;              /* ring of out_mask + 1 >= radius + 1 */
    int64_t out_mask, out_pushed, out_emitted, last_bad;
};

/* 2^k - 1 for the least 2^k >= n */
static int64_t mask_for(int64_t n)
{
    int64_t m = 1;
    while (m < n) m *= 2;
    return m - 1;
}

eda_artifact *eda_artifact_create(const psy_eda_config *c, double in_rate, double out_rate)
{
    eda_artifact *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->spike_len = (int64_t)llround(c->spike_max_s * in_rate);
    a->spike_floor = 0.25 * c->min_amplitude_us;
    a->drop_fraction = c->drop_fraction;
    a->win_len = (int64_t)llround(in_rate);
    if (a->win_len < 1) a->win_len = 1;
    a->radius = (int64_t)llround(c->artifact_radius_s * out_rate);
    a->in_mask = mask_for(2 * a->spike_len + 1);
    a->past_mask = mask_for(a->spike_len + 1);
    a->max_mask = mask_for(a->win_len + 1);
    a->out_mask = mask_for(a->radius + 1);
    a->in = malloc((size_t)(a->in_mask + 1) * sizeof *a->in);
    a->past = malloc((size_t)(a->past_mask + 1) * sizeof *a->past);
    a->max_at = malloc((size_t)(a->max_mask + 1) * sizeof *a->max_at);
    a->max_v = malloc((size_t)(a->max_mask + 1) * sizeof *a->max_v);
    a->out = malloc((size_t)(a->out_mask + 1) * sizeof *a->out);
    if (!a->in || !a->past || !a->max_at || !a->max_v || !a->out) {
        eda_artifact_destroy(a);
        return NULL;
    }
    eda_artifact_reset(a);
    return a;
}

static void *dup(const void *p, size_t size)
{
    void *q = malloc(size);
    if (q) memcpy(q, p, size);
    return q;
}

eda_artifact *eda_artifact_copy(const eda_artifact *a)
{
    eda_artifact *c = dup(a, sizeof *a);
    if (!c) return NULL;
    c->in = dup(a->in, (size_t)(a->in_mask + 1) * sizeof *a->in);
    c->past = dup(a->past, (size_t)(a->past_mask + 1) * sizeof *a->past);
    c->max_at = dup(a->max_at, (size_t)(a->max_mask + 1) * sizeof *a->max_at);
    c->max_v = dup(a->max_v, (size_t)(a->max_mask + 1) * sizeof *a->max_v);
    c->out = dup(a->out, (size_t)(a->out_mask + 1) * sizeof *a->out);
    if (!c->in || !c->past || !c->max_at || !c->max_v || !c->out) {
        eda_artifact_destroy(c);
        return NULL;
    }
    return c;
}

void eda_artifact_reset(eda_artifact *a)
{
    a->in_head = a->in_n = 0;
    a->ref = NAN;
    for (int64_t i = 0; i <= a->past_mask; i++) a->past[i] = NAN;
    a->released = 0;
    a->max_head = a->max_n = 0;
    a->out_pushed = a->out_emitted = 0;
    a->last_bad = INT64_MIN / 2;
}

void eda_artifact_destroy(eda_artifact *a)
{
    if (!a) return;
    free(a->in);
    free(a->past);
    free(a->max_at);
    free(a->max_v);
    free(a->out);
    free(a);
}

int64_t eda_artifact_input_delay(const eda_artifact *a)
{
    return 2 * a->spike_len;
}

int64_t eda_artifact_output_delay(const eda_artifact *a)
{
    return a->radius;
}

/* max of two numbers that are not NaN (fmax is a library call in these loops) */
static inline double larger(double a, double b)
{
    return a > b ? a : b;
}

static held *in_at(const eda_artifact *a, int64_t i)
{
    return &a->in[(a->in_head + i) & a->in_mask];
}

/* The largest change of the level over lag samples: within the held samples from .. to, and
 * within the last n released. */
static double largest_change(const eda_artifact *a, int64_t from, int64_t to, int64_t n,
                             int64_t lag)
{
    double s = 0;
    for (int64_t i = from + lag; i <= to && i < a->in_n; i++) {
        double v = in_at(a, i)->v, u = in_at(a, i - lag)->v;
        if (!isnan(v) && !isnan(u)) s = larger(s, fabs(v - u));
    }
    if (n > a->released) n = a->released;
    for (int64_t r = 1; r + lag <= n; r++) {
        double v = a->past[(a->released - r) & a->past_mask];
        double u = a->past[(a->released - r - lag) & a->past_mask];
        if (!isnan(v) && !isnan(u)) s = larger(s, fabs(v - u));
    }
    return s;
}

/* When the front sample leaves the level and one of the next spike_len samples comes back to
 * it, while in the spike_len samples on either side the level changes by less than half that
 * excursion over the spike's duration (the top of a response also comes back, but the level
 * climbed to it at that pace just before), replaces the samples in between by the line from
 * the level to the one that came back. */
static void repair_spike(eda_artifact *a, double sd_us)
{
    double v0 = in_at(a, 0)->v, level = a->ref;
    if (isnan(sd_us) || isnan(v0) || isnan(level)) return; /* the noise not known yet */
    double floor = fmax(a->spike_floor, EDA_SPIKE_SD * sd_us);
    if (fabs(v0 - level) < floor) return;
    double excursion = 0;
    for (int64_t j = 1; j <= a->spike_len && j < a->in_n; j++) {
        excursion = larger(excursion, fabs(in_at(a, j - 1)->v - level));
        double v = in_at(a, j)->v;
        if (isnan(v)) return;
        if (fabs(v - level) > larger(floor, 0.25 * excursion)) continue;
        double context = largest_change(a, j, j + a->spike_len, a->spike_len, j);
        if (!(excursion >= EDA_SPIKE_CONTRAST * context)) return;
        for (int64_t i = 0; i < j; i++) {
            held *h = in_at(a, i);
            h->v = level + (v - level) * (double)(i + 1) / (double)(j + 1);
            h->flags |= EDA_FIXED_SPIKE;
        }
        return;
    }
}

/* A drop: v below drop_fraction of the largest released value of the last second. */
static unsigned drop_test(eda_artifact *a, double v)
{
    int64_t now = a->released++, mask = a->max_mask;
    while (a->max_n > 0 && a->max_at[a->max_head] <= now - a->win_len) {
        a->max_head = (a->max_head + 1) & mask;
        a->max_n--;
    }
    if (isnan(v)) return 0;
    unsigned flags = 0;
    if (a->drop_fraction > 0 && a->max_n > 0 && v < a->drop_fraction * a->max_v[a->max_head])
        flags = EDA_BAD_DROP;
    while (a->max_n > 0 && a->max_v[(a->max_head + a->max_n - 1) & mask] <= v) a->max_n--;
    a->max_at[(a->max_head + a->max_n) & mask] = now;
    a->max_v[(a->max_head + a->max_n) & mask] = v;
    a->max_n++;
    return flags;
}

int eda_artifact_input(eda_artifact *a, double x, double sd_us, int end, double *out,
                       unsigned *flags)
{
    if (!end) {
        *in_at(a, a->in_n) = (held){x, 0};
        a->in_n++;
        if (a->in_n <= 2 * a->spike_len) return 0;
    } else if (a->in_n == 0) {
        return 0;
    }
    repair_spike(a, sd_us);
    held h = *in_at(a, 0);
    a->in_head = (a->in_head + 1) & a->in_mask;
    a->in_n--;
    a->past[a->released & a->past_mask] = h.v;
    a->ref = h.v;
    *out = h.v;
    *flags = h.flags | drop_test(a, h.v);
    return 1;
}

int eda_artifact_output(eda_artifact *a, double y, unsigned flags, int end, double *out,
                        unsigned *out_flags)
{
    if (!end) {
        if (flags & EDA_BAD_ARTEFACT) a->last_bad = a->out_pushed;
        a->out[a->out_pushed & a->out_mask] = (held){y, flags};
        a->out_pushed++;
        if (a->out_pushed - a->out_emitted <= a->radius) return 0;
    } else if (a->out_emitted == a->out_pushed) {
        return 0;
    }
    int64_t k = a->out_emitted++;
    held h = a->out[k & a->out_mask];
    if (!(h.flags & EDA_BAD_ANY) && a->last_bad >= k - a->radius) {
        h.v = NAN;
        h.flags |= EDA_BAD_NEAR;
    }
    *out = h.v;
    *out_flags = h.flags;
    return 1;
}
