/* Pulse arrival time: R-peaks paired with pulse feet (method and validity in psyphys/pat.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "psyphys/pat.h"
#include "beats_internal.h" /* beats_have_columns */
#include "psy_core.h" /* psy_reserved_clear */
#include "small_median.h"

#define PAT_BIN_S 0.01
#define PAT_RECENT 9
#define PAT_MIN_SPAN_BEATS 5

psy_pat_config psy_pat_config_default(void)
{
    return (psy_pat_config){0.08, 0.8, 0.1, 20.0, 150.0, 50.0, {0}};
}

const char *psy_pat_reason_text(psy_pat_reason reason)
{
    switch (reason) {
    case PSY_PAT_VALID: return "valid";
    case PSY_PAT_BEAT_NOT_NORMAL: return "the R-peak is not a normal beat";
    case PSY_PAT_NO_PPG: return "no usable PPG at the pulse's arrival";
    case PSY_PAT_NO_PULSE: return "no pulse foot near the expected arrival";
    case PSY_PAT_PULSE_NOT_NORMAL: return "the pulse is not a normal pulse";
    case PSY_PAT_IMPLAUSIBLE: return "the delay is outside the plausible range";
    case PSY_PAT_NOT_FOLLOWING:
        return "the pulses do not follow the R-peaks beat by beat (ECG and PPG not on one clock?)";
    default: return "unknown";
    }
}

void psy_pat_list_free(psy_pat_list *l)
{
    if (!l) return;
    free(l->r_onset_s);
    free(l->foot_s);
    free(l->pat_ms);
    free(l->pat_upstroke_ms);
    free(l->reason);
    free(l);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (sorted in place); NaN when n is 0. */
static double median_sorting(double *v, size_t n)
{
    if (n == 0) return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A normal beat, or one after a missed beat: the beat itself is a sinus beat. */
static int normal_beat(psy_beat_class c)
{
    return c == PSY_BEAT_NORMAL || c == PSY_BEAT_MISSED;
}

/* *delay: the mode of every foot - R-peak difference within [min_s, max_s] (three 10-ms bins
 * summed); NaN when none. 0 when out of memory. */
static int typical_delay(const psy_beat_list *b, const psy_beat_list *p, const psy_pat_config *c, double *delay)
{
    size_t n_bins = (size_t)ceil((c->max_s - c->min_s) / PAT_BIN_S) + 1;
    size_t *bins = calloc(n_bins, sizeof *bins);
    if (!bins) return 0;
    size_t j = 0, best = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (!normal_beat(b->cls[i])) continue;
        double r = b->onset_s[i];
        while (j < p->n && p->foot_s[j] < r + c->min_s) j++;
        for (size_t k = j; k < p->n && p->foot_s[k] <= r + c->max_s; k++)
            bins[(size_t)((p->foot_s[k] - r - c->min_s) / PAT_BIN_S)]++;
    }
    *delay = NAN;
    for (size_t k = 0; k < n_bins; k++) {
        size_t sum = bins[k] + (k > 0 ? bins[k - 1] : 0) + (k + 1 < n_bins ? bins[k + 1] : 0);
        if (sum > best) {
            best = sum;
            *delay = c->min_s + ((double)k + 0.5) * PAT_BIN_S;
        }
    }
    free(bins);
    return 1;
}

/* *rr_s: the median normal RR interval (NaN: none). 0 when out of memory. */
static int median_rr_s(const psy_beat_list *b, double *rr_s)
{
    double *rr = malloc((b->n + 1) * sizeof *rr);
    if (!rr) return 0;
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->cls[i] == PSY_BEAT_NORMAL && !isnan(b->rr_ms[i])) rr[n++] = b->rr_ms[i] / 1000;
    *rr_s = median_sorting(rr, n);
    free(rr);
    return 1;
}

/* Pairs R-peak i with the pulse nearest its expected arrival; returns the reason (and *pulse). */
static psy_pat_reason pair(const psy_beat_list *b, const psy_beat_list *p, size_t i, double expected,
                           double tol, size_t *cursor, size_t *pulse)
{
    if (!normal_beat(b->cls[i])) return PSY_PAT_BEAT_NOT_NORMAL;
    size_t j = *cursor;
    while (j < p->n && p->foot_s[j] < expected - tol) j++;
    *cursor = j;
    if (j == p->n || p->foot_s[j] > expected + tol)
        /* Nothing near: the next pulse after an unusable stretch (its interval is NaN), or no PPG
         * before the first pulse or after the last one. */
        return j == 0 || j == p->n || isnan(p->rr_ms[j]) ? PSY_PAT_NO_PPG : PSY_PAT_NO_PULSE;
    if (j + 1 < p->n && fabs(p->foot_s[j + 1] - expected) < fabs(p->foot_s[j] - expected)) j++;
    *pulse = j;
    return normal_beat(p->cls[j]) ? PSY_PAT_VALID : PSY_PAT_PULSE_NOT_NORMAL;
}

static psy_pat_list *alloc_list(size_t n)
{
    psy_pat_list *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->n = n;
    size_t m = n ? n : 1;
    l->r_onset_s = malloc(m * sizeof *l->r_onset_s);
    l->foot_s = malloc(m * sizeof *l->foot_s);
    l->pat_ms = malloc(m * sizeof *l->pat_ms);
    l->pat_upstroke_ms = malloc(m * sizeof *l->pat_upstroke_ms);
    l->reason = malloc(m * sizeof *l->reason);
    if (!l->r_onset_s || !l->foot_s || !l->pat_ms || !l->pat_upstroke_ms || !l->reason) {
        psy_pat_list_free(l);
        return NULL;
    }
    return l;
}

/* The change of the valid PATs over the list: the least-squares line through them times the
 * time between the first and the last (NaN: fewer than 2). */
static double trend_ms(const psy_pat_list *l)
{
    double st = 0, sp = 0, stt = 0, stp = 0, first = NAN, last = NAN;
    for (size_t i = 0; i < l->n; i++) {
        if (l->reason[i] != PSY_PAT_VALID) continue;
        double t = l->r_onset_s[i], p = l->pat_ms[i];
        if (isnan(first)) first = t;
        last = t;
        st += t - first;
        sp += p;
        stt += (t - first) * (t - first);
        stp += (t - first) * p;
    }
    double n = (double)l->n_valid, var = stt - st * st / n;
    return l->n_valid >= 2 && var > 0 ? (stp - st * sp / n) / var * (last - first) : NAN;
}

/* The list as a whole: pulses following the R-peaks beat by beat at a steady delay, and enough
 * of them. */
static psy_status check_following(psy_pat_list *l, const size_t *pulse, const psy_pat_config *c)
{
    double *d = malloc((l->n + 1) * sizeof *d);
    if (!d) return PSY_E_NOMEM;
    size_t n = 0;
    for (size_t i = 1; i < l->n; i++)
        if (l->reason[i] == PSY_PAT_VALID && l->reason[i - 1] == PSY_PAT_VALID && pulse[i] == pulse[i - 1] + 1)
            d[n++] = fabs(l->pat_ms[i] - l->pat_ms[i - 1]);
    l->jitter_ms = median_sorting(d, n);
    free(d);
    l->trend_ms = trend_ms(l);
    size_t with_ppg = l->n - l->counts[PSY_PAT_NO_PPG];
    l->valid_pct = with_ppg ? 100.0 * (double)l->n_valid / (double)with_ppg : NAN;
    int following = l->n_valid > 0 && !(l->jitter_ms > c->max_jitter_ms) &&
                    !(fabs(l->trend_ms) > c->max_trend_ms) && !(l->valid_pct < c->min_valid_pct);
    if (following) return PSY_OK;
    for (size_t i = 0; i < l->n; i++) {
        if (l->reason[i] != PSY_PAT_VALID) continue;
        l->reason[i] = PSY_PAT_NOT_FOLLOWING;
        l->pat_ms[i] = l->pat_upstroke_ms[i] = NAN;
    }
    l->counts[PSY_PAT_NOT_FOLLOWING] += l->n_valid;
    l->counts[PSY_PAT_VALID] = l->n_valid = 0;
    return PSY_OK;
}

psy_status psy_pat_compute(const psy_beat_list *b, const psy_beat_list *p, const psy_pat_config *config,
                           psy_pat_list **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    psy_pat_config c = config ? *config : psy_pat_config_default();
    if (!b || !p || b->pulses || !beats_have_columns(b) || (b->n && b->sample[0] < 0) || !p->pulses || (p->n && (!p->upstroke_s || !p->foot_s)) ||
        !psy_reserved_clear(c.reserved) || !(c.min_s >= 0) || !(c.max_s > c.min_s) || !(c.max_s < 60) || !(c.tolerance_s > 0) ||
        !(c.max_jitter_ms > 0) || !(c.max_trend_ms > 0) || !(c.min_valid_pct >= 0 && c.min_valid_pct <= 100))
        return PSY_E_INVALID;
    psy_pat_list *l = alloc_list(b->n);
    if (!l) return PSY_E_NOMEM;
    size_t *pulse = malloc((b->n + 1) * sizeof *pulse);
    double delay0, rr_s;
    if (!pulse || !typical_delay(b, p, &c, &delay0) || !median_rr_s(b, &rr_s)) {
        psy_pat_list_free(l);
        free(pulse);
        return PSY_E_NOMEM;
    }
    l->delay_ms = 1000 * delay0;
    double tol = fmin(c.tolerance_s, 0.4 * rr_s); /* fmin ignores a NaN median */
    double recent[PAT_RECENT];
    size_t n_recent = 0, cursor = 0;
    for (size_t i = 0; i < b->n; i++) {
        l->r_onset_s[i] = b->onset_s[i];
        l->foot_s[i] = l->pat_ms[i] = l->pat_upstroke_ms[i] = NAN;
        pulse[i] = SIZE_MAX;
        psy_pat_reason why = PSY_PAT_NO_PULSE;
        if (!isnan(l->delay_ms)) {
            int k = (int)(n_recent < PAT_RECENT ? n_recent : PAT_RECENT);
            double delay = k ? psy_small_median(recent, k) : delay0;
            why = pair(b, p, i, b->onset_s[i] + delay, tol, &cursor, &pulse[i]);
        } else if (!normal_beat(b->cls[i])) {
            why = PSY_PAT_BEAT_NOT_NORMAL;
        }
        if (pulse[i] != SIZE_MAX && i > 0 && pulse[i - 1] == pulse[i]) { /* one pulse, two R-peaks */
            pulse[i] = SIZE_MAX;
            why = PSY_PAT_NO_PULSE;
        }
        if (pulse[i] != SIZE_MAX) l->foot_s[i] = p->foot_s[pulse[i]];
        double pat = l->foot_s[i] - b->onset_s[i];
        if (why == PSY_PAT_VALID && !(pat >= c.min_s && pat <= c.max_s)) why = PSY_PAT_IMPLAUSIBLE;
        if (why == PSY_PAT_VALID) {
            l->pat_ms[i] = 1000 * pat;
            l->pat_upstroke_ms[i] = 1000 * (p->upstroke_s[pulse[i]] - b->onset_s[i]);
            recent[n_recent++ % PAT_RECENT] = pat;
            l->n_valid++;
        }
        l->reason[i] = why;
        l->counts[why]++;
    }
    psy_status st = check_following(l, pulse, &c);
    free(pulse);
    if (st != PSY_OK) {
        psy_pat_list_free(l);
        return st;
    }
    *out = l;
    return PSY_OK;
}

int psy_pat_why_refused(const psy_pat_list *l, const psy_pat_config *config, psy_message *out)
{
    if (!out) return 0;
    out->text[0] = '\0';
    if (!l || !l->counts[PSY_PAT_NOT_FOLLOWING]) return 0;
    psy_pat_config c = config ? *config : psy_pat_config_default();
    size_t size = sizeof out->text, n = (size_t)snprintf(out->text, size, "%s", psy_pat_reason_text(PSY_PAT_NOT_FOLLOWING));
    const char *sep = ": ";
    if (n < size && l->jitter_ms > c.max_jitter_ms) {
        n += (size_t)snprintf(out->text + n, size - n, "%smedian beat-to-beat change %.0f ms, above max_jitter_ms %g", sep,
                              l->jitter_ms, c.max_jitter_ms);
        sep = "; ";
    }
    if (n < size && fabs(l->trend_ms) > c.max_trend_ms) {
        n += (size_t)snprintf(out->text + n, size - n, "%strend %.0f ms over the recording, beyond max_trend_ms %g", sep,
                              l->trend_ms, c.max_trend_ms);
        sep = "; ";
    }
    if (n < size && l->valid_pct < c.min_valid_pct)
        snprintf(out->text + n, size - n, "%sa valid PAT at %.0f %% of the R-peaks with PPG, below min_valid_pct %g", sep,
                 l->valid_pct, c.min_valid_pct);
    return 1;
}

psy_status psy_pat_summarize(const psy_pat_list *l, double from_s, double to_s, psy_pat_summary *out)
{
    if (!l || !out || !(to_s >= from_s)) return PSY_E_INVALID;
    psy_pat_summary s = {0, 0, NAN, NAN, NAN, NAN, NAN, PSY_PAT_VALID};
    size_t counts[PSY_PAT_REASON_COUNT] = {0}, first = SIZE_MAX;
    double sum = 0, sum_up = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!(l->r_onset_s[i] >= from_s && l->r_onset_s[i] < to_s)) continue;
        if (first == SIZE_MAX) first = i;
        s.n_beats++;
        counts[l->reason[i]]++;
        if (l->reason[i] != PSY_PAT_VALID) continue;
        s.n_valid++;
        sum += l->pat_ms[i];
        sum_up += l->pat_upstroke_ms[i];
    }
    if (s.n_valid < PAT_MIN_SPAN_BEATS || 2 * s.n_valid < s.n_beats) {
        for (int r = 1; s.n_beats >= PAT_MIN_SPAN_BEATS && r < PSY_PAT_REASON_COUNT; r++)
            if (s.why == PSY_PAT_VALID || counts[r] > counts[s.why]) s.why = (psy_pat_reason)r;
        /* the whole list refused: that is why, whatever the span's beats say one by one */
        if (s.n_beats >= PAT_MIN_SPAN_BEATS && l->counts[PSY_PAT_NOT_FOLLOWING]) s.why = PSY_PAT_NOT_FOLLOWING;
        *out = s;
        return PSY_OK;
    }
    double *v = malloc(2 * s.n_valid * sizeof *v), *u = v + s.n_valid;
    if (!v) return PSY_E_NOMEM;
    s.mean_ms = sum / (double)s.n_valid;
    s.mean_upstroke_ms = sum_up / (double)s.n_valid;
    double ss = 0;
    size_t k = 0;
    for (size_t i = first; k < s.n_valid; i++) {
        if (l->reason[i] != PSY_PAT_VALID || !(l->r_onset_s[i] >= from_s && l->r_onset_s[i] < to_s)) continue;
        ss += (l->pat_ms[i] - s.mean_ms) * (l->pat_ms[i] - s.mean_ms);
        v[k] = l->pat_ms[i];
        u[k++] = l->pat_upstroke_ms[i];
    }
    s.sd_ms = sqrt(ss / (double)(s.n_valid - 1));
    s.median_ms = median_sorting(v, s.n_valid);
    s.median_upstroke_ms = median_sorting(u, s.n_valid);
    free(v);
    *out = s;
    return PSY_OK;
}
