/* The signals of psyphys sync on a regular grid, from a recording's channels (psyphys/sync.h):
 * heart rate from beats or an HR channel, skin conductance and respiration as grid-step means. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/beats.h"
#include "psyphys/eda.h"
#include "psyphys/sync.h"
#include "reader_impl.h" /* psy_fail, psy_strieq */

/* Two beats further apart than this are not joined by a rate line: a missed stretch, not a beat
 * (the longest interval psyphys's RR correction keeps). */
#define MAX_INTERVAL_S 3.0

static const char *const names[PSY_SYNC_SIGNAL_COUNT] = {"hr", "eda", "resp", "scl", "phasic"};

const char *psy_sync_signal_name(psy_sync_signal s)
{
    return (unsigned)s < PSY_SYNC_SIGNAL_COUNT ? names[s] : NULL;
}

psy_status psy_sync_signal_parse(const char *name, psy_sync_signal *out)
{
    if (!name || !out) return PSY_E_INVALID;
    for (int i = 0; i < PSY_SYNC_SIGNAL_COUNT; i++)
        if (psy_strieq(name, names[i])) {
            *out = (psy_sync_signal)i;
            return PSY_OK;
        }
    return PSY_E_INVALID;
}

static int first_of_type(const psy_reader *r, psy_channel_type type)
{
    for (int ch = 0; ch < psy_reader_channel_count(r); ch++)
        if (psy_reader_channel(r, ch)->type == type) return ch;
    return -1;
}

int psy_sync_find_channel(const psy_reader *r, psy_sync_signal signal)
{
    if (!r) return -1;
    switch (signal) {
    case PSY_SYNC_HR: {
        int ch = first_of_type(r, PSY_CH_ECG);
        if (ch < 0) ch = first_of_type(r, PSY_CH_RR);
        if (ch < 0) ch = first_of_type(r, PSY_CH_PPG);
        return ch >= 0 ? ch : first_of_type(r, PSY_CH_HR);
    }
    case PSY_SYNC_EDA:
    case PSY_SYNC_SCL:
    case PSY_SYNC_PHASIC: return first_of_type(r, PSY_CH_EDA);
    case PSY_SYNC_RESP: return first_of_type(r, PSY_CH_RESP);
    default: return -1;
    }
}

/* Linear interpolation of points (t[i], v[i]) (t ascending) onto the grid; a grid time between
 * two points more than max_gap_s apart, or outside the points, stays NaN. */
static void points_on_grid(const double *t, const double *v, size_t n, double max_gap_s, double t0,
                           double grid_hz, size_t n_grid, double *out)
{
    for (size_t k = 0; k < n_grid; k++) out[k] = NAN;
    for (size_t i = 1; i < n; i++) {
        double ta = t[i - 1], tb = t[i];
        if (!isfinite(v[i - 1]) || !isfinite(v[i]) || !(tb > ta) || tb - ta > max_gap_s) continue;
        double k0 = ceil((ta - t0) * grid_hz), k1 = floor((tb - t0) * grid_hz);
        if (k0 < 0) k0 = 0;
        if (k1 > (double)n_grid - 1) k1 = (double)n_grid - 1;
        for (double kk = k0; kk <= k1; kk++) {
            size_t k = (size_t)kk;
            double tk = t0 + kk / grid_hz, f = (tk - ta) / (tb - ta);
            out[k] = v[i - 1] + f * (v[i] - v[i - 1]);
        }
    }
}

static psy_status heart_rate_from_beats(psy_reader *r, int ch, double t0, double grid_hz, size_t n,
                                        double *out, psy_message *why)
{
    psy_beat_list *b = NULL;
    psy_status st = psy_reader_channel(r, ch)->type == PSY_CH_PPG ? psy_pulses_detect(r, ch, NULL, &b, why)
                                                                  : psy_beats_detect(r, ch, NULL, &b, why);
    if (st != PSY_OK) return st;
    double *hr = malloc((b->n_nn ? b->n_nn : 1) * sizeof *hr);
    if (!hr) {
        psy_beat_list_free(b);
        return psy_fail(why, PSY_E_NOMEM, "out of memory for the heart rate");
    }
    for (size_t i = 0; i < b->n_nn; i++) hr[i] = b->nn_ms[i] > 0 ? 60000.0 / b->nn_ms[i] : NAN;
    points_on_grid(b->nn_onset_s, hr, b->n_nn, MAX_INTERVAL_S, t0, grid_hz, n, out);
    free(hr);
    psy_beat_list_free(b);
    return PSY_OK;
}

/* An HR channel's samples (bpm, regular or not) joined linearly, never across more than three
 * of its own sample steps (or MAX_INTERVAL_S for irregular ones). */
static psy_status heart_rate_channel(psy_reader *r, int ch, double t0, double grid_hz, size_t n,
                                     double *out, psy_message *why)
{
    const psy_channel_info *info = psy_reader_channel(r, ch);
    int64_t m = info->frames;
    if (m > ((int64_t)1 << 27)) return psy_fail(why, PSY_E_INVALID, "heart-rate channel '%s' too long", info->label);
    double *v = malloc((size_t)(m ? m : 1) * 2 * sizeof *v);
    if (!v) return psy_fail(why, PSY_E_NOMEM, "out of memory for channel '%s'", info->label);
    double *t = v + m;
    psy_status st = psy_reader_read(r, ch, 0, m, v);
    if (st == PSY_OK) st = psy_reader_read_times(r, ch, 0, m, t);
    if (st != PSY_OK) {
        free(v);
        return psy_fail(why, st, "channel '%s' cannot be read", info->label);
    }
    double gap = info->rate_hz > 0 ? fmax(3.0 / info->rate_hz, MAX_INTERVAL_S) : MAX_INTERVAL_S;
    points_on_grid(t, v, (size_t)m, gap, t0, grid_hz, n, out);
    free(v);
    return PSY_OK;
}

/* Mean of the samples in each grid step [t - 1/(2 grid), t + 1/(2 grid)), read in blocks. */
static psy_status step_means(psy_reader *r, int ch, double t0, double grid_hz, size_t n, double *out,
                             psy_message *why)
{
    const psy_channel_info *info = psy_reader_channel(r, ch);
    enum { BLOCK = 65536 };
    double *v = malloc(2 * BLOCK * sizeof *v), *cnt = calloc(n ? n : 1, sizeof *cnt);
    if (!v || !cnt) {
        free(v);
        free(cnt);
        return psy_fail(why, PSY_E_NOMEM, "out of memory for channel '%s'", info->label);
    }
    double *t = v + BLOCK;
    for (size_t k = 0; k < n; k++) out[k] = 0;
    psy_status st = PSY_OK;
    for (int64_t at = 0; at < info->frames && st == PSY_OK; at += BLOCK) {
        int64_t m = info->frames - at < BLOCK ? info->frames - at : BLOCK;
        st = psy_reader_read(r, ch, at, m, v);
        if (st == PSY_OK) st = psy_reader_read_times(r, ch, at, m, t);
        for (int64_t i = 0; st == PSY_OK && i < m; i++) {
            if (!isfinite(v[i])) continue;
            double kk = floor((t[i] - t0) * grid_hz + 0.5);
            if (kk < 0 || kk >= (double)n) continue;
            out[(size_t)kk] += v[i];
            cnt[(size_t)kk] += 1;
        }
    }
    for (size_t k = 0; k < n; k++) out[k] = cnt[k] > 0 ? out[k] / cnt[k] : NAN;
    free(v);
    free(cnt);
    if (st != PSY_OK) return psy_fail(why, st, "channel '%s' cannot be read", info->label);
    return PSY_OK;
}

/* The tonic level (psy_eda_analyze, fast method) on the grid, or the signal minus it. */
static psy_status skin_conductance_part(psy_reader *r, int ch, int phasic, double t0, double grid_hz, size_t n,
                                        double *out, psy_message *why)
{
    const psy_channel_info *info = psy_reader_channel(r, ch);
    psy_eda_result *e = NULL;
    psy_status st = psy_eda_analyze(r, ch, NULL, PSY_EDA_FAST, &e, why);
    if (st != PSY_OK) return st;
    size_t m = e->n_tonic;
    double *t = malloc((m ? m : 1) * sizeof *t), *tonic = phasic ? malloc((n ? n : 1) * sizeof *tonic) : out;
    if (!t || !tonic) st = psy_fail(why, PSY_E_NOMEM, "out of memory for the tonic level");
    /* second k of the analysis: its middle sample's time (the recording's gaps included) */
    for (size_t k = 0; st == PSY_OK && k < m; k++) {
        int64_t i = (int64_t)floor(((double)k + 0.5) * info->rate_hz);
        if (i >= info->frames) i = info->frames - 1;
        st = psy_reader_read_times(r, ch, i < 0 ? 0 : i, 1, &t[k]);
    }
    if (st == PSY_OK) points_on_grid(t, e->tonic_1hz_us, m, 1.5, t0, grid_hz, n, tonic);
    if (st == PSY_OK && phasic) {
        st = step_means(r, ch, t0, grid_hz, n, out, why);
        for (size_t k = 0; st == PSY_OK && k < n; k++) out[k] -= tonic[k];
    }
    free(t);
    if (phasic) free(tonic);
    psy_eda_result_free(e);
    return st;
}

psy_status psy_sync_signal_on_grid(psy_reader *r, int ch, psy_sync_signal signal, double t0_s,
                                   double grid_hz, size_t n, double *out, psy_message *why)
{
    const psy_channel_info *info = r ? psy_reader_channel(r, ch) : NULL;
    if (!info || (n > 0 && !out) || !isfinite(t0_s) || !(grid_hz > 0))
        return psy_fail(why, PSY_E_INVALID, "bad arguments");
    switch (signal) {
    case PSY_SYNC_HR:
        if (info->type == PSY_CH_HR) return heart_rate_channel(r, ch, t0_s, grid_hz, n, out, why);
        if (info->type == PSY_CH_RR ||
            (info->rate_hz > 0 && (info->type == PSY_CH_ECG || info->type == PSY_CH_PPG || info->type == PSY_CH_OTHER)))
            return heart_rate_from_beats(r, ch, t0_s, grid_hz, n, out, why);
        return psy_fail(why, PSY_E_INVALID, "channel '%s' is %s: no heart rate from it", info->label,
                        psy_channel_type_name(info->type));
    case PSY_SYNC_EDA:
    case PSY_SYNC_RESP:
    case PSY_SYNC_SCL:
    case PSY_SYNC_PHASIC: {
        psy_channel_type want = signal == PSY_SYNC_RESP ? PSY_CH_RESP : PSY_CH_EDA;
        if (info->rate_hz <= 0 || (info->type != want && info->type != PSY_CH_OTHER))
            return psy_fail(why, PSY_E_INVALID, "channel '%s' is %s%s, not %s", info->label,
                            info->rate_hz <= 0 ? "irregular " : "", psy_channel_type_name(info->type),
                            psy_channel_type_name(want));
        if (signal == PSY_SYNC_EDA || signal == PSY_SYNC_RESP) return step_means(r, ch, t0_s, grid_hz, n, out, why);
        return skin_conductance_part(r, ch, signal == PSY_SYNC_PHASIC, t0_s, grid_hz, n, out, why);
    }
    default: return psy_fail(why, PSY_E_INVALID, "unknown signal");
    }
}

double psy_sync_start_unix(const psy_reader *r)
{
    return psy_reader_start_unix(r);
}

psy_status psy_sync_start_offset(const psy_reader *a, const psy_reader *b, double extra_s,
                                 double *b_minus_a_s, int *known)
{
    if (!a || !b || !b_minus_a_s || !known || !isfinite(extra_s)) return PSY_E_INVALID;
    double ta = psy_sync_start_unix(a), tb = psy_sync_start_unix(b);
    *known = isfinite(ta) && isfinite(tb);
    *b_minus_a_s = (*known ? tb - ta : 0) + extra_s;
    return PSY_OK;
}

/* Stretch k of r as [lo, hi) shifted by shift; a reader without stretches is one. */
static void stretch_span(const psy_reader *r, int k, double shift, double *lo, double *hi)
{
    const psy_stretch *st = psy_reader_stretch_count(r) > 0 ? psy_reader_stretch(r, k) : NULL;
    *lo = (st ? st->onset_s : 0) + shift;
    *hi = (st ? st->onset_s + st->duration_s : psy_reader_duration(r)) + shift;
}

double psy_sync_both_recorded_s(const psy_reader *a, const psy_reader *b, double b_minus_a_s, double from_s,
                                double to_s)
{
    if (!a || !b) return NAN;
    int na = psy_reader_stretch_count(a), nb = psy_reader_stretch_count(b);
    double total = 0;
    for (int i = 0; i < (na > 0 ? na : 1); i++) {
        double a0, a1;
        stretch_span(a, i, 0, &a0, &a1);
        for (int j = 0; j < (nb > 0 ? nb : 1); j++) {
            double b0, b1;
            stretch_span(b, j, b_minus_a_s, &b0, &b1);
            double lo = fmax(fmax(a0, b0), from_s), hi = fmin(fmin(a1, b1), to_s);
            if (hi > lo) total += hi - lo;
        }
    }
    return total;
}
