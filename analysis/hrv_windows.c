/* The windows of an NN series for HRV: the standard rule and PCST's (Vest et al. 2018, Physiol
 * Meas 39(10):105004; its CreateWindowRRintervals). */
#include <math.h>
#include <stdint.h>

#include "psyphys/hrv_windows.h"

size_t psy_hrv_windows_count(psy_hrv_window_rule rule, double t_first_s, double t_last_s, double window_s,
                             double step_s)
{
    if (rule != PSY_HRV_WINDOWS_PCST) return psy_hrv_window_count(t_first_s, t_last_s, window_s, step_s);
    if (!(window_s > 0 && step_s > 0)) return 0;
    double room = t_last_s - t_first_s - window_s + step_s; /* PCST: start <= span - window + step */
    return room >= 0 ? (size_t)floor(room / step_s) + 1 : 0;
}

void psy_hrv_window_at(psy_hrv_window_rule rule, const double *nn_ms, const double *t_s, size_t n, double t_first_s,
                       double window_s, double step_s, size_t k, size_t *cursor, psy_hrv_window *out)
{
    size_t lo = *cursor;
    out->onset_s = t_first_s + (double)k * step_s;
    out->duration_s = window_s;
    out->too_little = 0;
    if (rule == PSY_HRV_WINDOWS_PCST) { /* start <= t - t_first < start + window */
        double start = (double)k * step_s, sum_ms = 0;
        while (lo < n && t_s[lo] - t_first_s < start) lo++;
        size_t b = lo;
        while (b < n && t_s[b] - t_first_s < start + window_s) sum_ms += nn_ms[b++];
        out->too_little = sum_ms < window_s * 1000.0 * (1 - PSY_HRV_PCST_WINDOW_TOLERANCE);
        out->first = lo, out->end = b;
    } else { /* start < t <= start + window */
        double start = out->onset_s, end = start + window_s;
        while (lo < n && t_s[lo] <= start) lo++;
        size_t b = lo;
        while (b < n && t_s[b] <= end) b++;
        out->first = lo, out->end = b;
    }
    *cursor = lo;
}

const char *psy_hrv_window_gap_reason(double recorded_pct)
{
    if (!(recorded_pct > 0)) return PSY_HRV_WINDOW_IN_GAP_REASON;
    return recorded_pct < PSY_HRV_WINDOW_MIN_RECORDED_PCT ? PSY_HRV_WINDOW_OVER_GAP_REASON : NULL;
}

void psy_hrv_result_set_na(psy_hrv_result *r, const char *why)
{
    psy_hrv_values *all[4] = {&r->values, &r->welch, &r->lomb, &r->ar};
    for (int q = 0; q < 4; q++)
        for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
            if (all[q]->na[k]) all[q]->na[k] = why;
}

/* Longer intervals than psy_hrv_compute takes cover nothing. */
static int usable(double nn_ms) { return nn_ms > 0 && nn_ms <= PSY_HRV_MAX_INTERVAL_MS; }

/* Where the usable interval i starts covering: at the beat before it when the two beats are less
 * than two of its lengths apart (no interval missing between them; a corrected interval's value
 * may differ from their distance), else its own length before its beat (an interval or more is
 * missing: a gap of the channel or the recording, a dropped beat). The series' first interval
 * covers one more of its lengths: no beat can be found before the first one. */
static double covered_from(const double *nn_ms, const double *t_s, size_t i)
{
    double len = nn_ms[i] / 1000.0;
    if (i == 0) return t_s[0] - 2 * len;
    return t_s[i] - t_s[i - 1] < 2 * len ? t_s[i - 1] : t_s[i] - len;
}

double psy_hrv_covered_pct(const double *nn_ms, const double *t_s, size_t n, double onset_s, double duration_s)
{
    if (!nn_ms || !t_s || !(duration_s > 0)) return 0;
    double end = onset_s + duration_s, covered = 0;
    size_t lo = 0, hi = n; /* the first beat after onset_s (the interval that covers it ends there) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t_s[mid] > onset_s) hi = mid;
        else lo = mid + 1;
    }
    size_t last = SIZE_MAX; /* the last usable interval, for the series' end */
    for (size_t i = lo; i < n && (i == 0 || t_s[i - 1] < end); i++) {
        if (!usable(nn_ms[i])) continue;
        double a = fmax(covered_from(nn_ms, t_s, i), onset_s), b = fmin(t_s[i], end);
        if (b > a) covered += b - a;
    }
    for (size_t i = n; i-- > 0;)
        if (usable(nn_ms[i])) {
            last = i;
            break;
        }
    if (last != SIZE_MAX) { /* after the last beat, one more of its interval's length (as before the first) */
        double a = fmax(t_s[last], onset_s), b = fmin(t_s[last] + nn_ms[last] / 1000.0, end);
        if (b > a) covered += b - a;
    }
    /* whole up to rounding of the times (the sum of many spans) */
    return covered >= duration_s * (1 - 1e-9) ? 100 : 100.0 * covered / duration_s;
}

int psy_hrv_windows_gapped(const psy_reader *r, const double *nn_ms, const double *t_s, size_t n, double t_first_s)
{
    return n && (psy_reader_stretch_count(r) > 1 || psy_hrv_covered_pct(nn_ms, t_s, n, t_first_s, t_s[n - 1] - t_first_s) < 100);
}

const char *psy_hrv_window_na_reason_of(const double *nn_ms, const double *t_s, size_t n, const psy_hrv_window *w,
                                        double *recorded_pct)
{
    double recorded = psy_hrv_covered_pct(nn_ms, t_s, n, w->onset_s, w->duration_s);
    if (recorded_pct) *recorded_pct = recorded;
    if (w->too_little) return PSY_HRV_PCST_WINDOW_NA_REASON; /* PCST's own rule first: its windows as PCST's */
    return psy_hrv_window_gap_reason(recorded);
}
