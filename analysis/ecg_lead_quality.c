/* The quality of a recording's ECG lead over its first minutes (psyphys/ecg_quality.h): read the
 * excerpt, find its R-peaks with the streaming detector, score them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/ecg.h"
#include "psyphys/ecg_quality.h"

#define MAX_EXCERPT_SAMPLES ((int64_t)1 << 20)

static psy_status fail(psy_message *why, psy_status st, const char *text, const char *label)
{
    if (why) snprintf(why->text, sizeof why->text, "ECG channel '%s': %s", label, text);
    return st;
}

/* R-peaks of x[0 .. n) into *peaks (malloc'd), *n_peaks. */
static psy_status detect(const double *x, size_t n, double rate_hz, int64_t **peaks, size_t *n_peaks)
{
    psy_ecg_detector_config cfg = psy_ecg_detector_config_default(rate_hz);
    psy_ecg_detector *d = NULL;
    psy_status st = psy_ecg_detector_create(&cfg, &d);
    if (st != PSY_OK) return st;
    size_t cap = 256, count = 0;
    int64_t *p = malloc(cap * sizeof *p);
    psy_ecg_beat b[64];
    psy_ecg_gap g[64];
    st = p ? PSY_OK : PSY_E_NOMEM;
    for (size_t off = 0; st == PSY_OK;) {
        size_t used = 0, k;
        int done = off == n;
        if (done) st = psy_ecg_detector_finish(d);
        else st = psy_ecg_detector_push(d, x + off, n - off, &used);
        off += used;
        while (st == PSY_OK && (k = psy_ecg_detector_pop_beats(d, b, 64)) > 0) {
            if (count + k > cap) {
                int64_t *q = realloc(p, (cap = 2 * cap + k) * sizeof *q);
                if (!q) {
                    st = PSY_E_NOMEM;
                    break;
                }
                p = q;
            }
            for (size_t i = 0; i < k; i++) p[count++] = b[i].sample;
        }
        while (psy_ecg_detector_pop_gaps(d, g, 64) > 0) continue; /* gaps: windows with NaN are skipped */
        if (done) break;
    }
    psy_ecg_detector_destroy(d);
    if (st != PSY_OK) {
        free(p);
        return st;
    }
    *peaks = p;
    *n_peaks = count;
    return PSY_OK;
}

/* Scores each whole 10-s window of x[0 .. n). */
static psy_status score_windows(const double *x, size_t n, double rate_hz, const int64_t *peaks,
                                size_t n_peaks, psy_ecg_lead_quality *out)
{
    size_t w = (size_t)floor(PSY_ECG_QUALITY_WINDOW_S * rate_hz), first = 0;
    double r_sum = 0;
    size_t r_n = 0;
    for (size_t at = 0; w > 0 && at + w <= n; at += w) {
        while (first < n_peaks && peaks[first] < (int64_t)at) first++;
        size_t last = first;
        while (last < n_peaks && peaks[last] < (int64_t)(at + w)) last++;
        int64_t local[256];
        size_t k = last - first < 256 ? last - first : 256; /* 10 s hold at most 34 beats at 200 bpm */
        for (size_t i = 0; i < k; i++) local[i] = peaks[first + i] - (int64_t)at;
        psy_ecg_quality q;
        psy_status st = psy_ecg_quality_of(x + at, w, rate_hz, local, k, &q);
        if (st != PSY_OK) return st;
        out->n_windows++;
        out->n_acceptable += q.acceptable != 0;
        out->n_usable += q.usable != 0;
        if (isfinite(q.template_r)) r_sum += q.template_r, r_n++;
    }
    if (out->n_windows) out->usable_share = (double)out->n_usable / (double)out->n_windows;
    if (r_n) out->template_r = r_sum / (double)r_n;
    return PSY_OK;
}

psy_status psy_ecg_channel_quality(psy_reader *r, int ch, double excerpt_s, psy_ecg_lead_quality *out,
                                   psy_message *why)
{
    const psy_channel_info *c = psy_reader_channel(r, ch);
    if (!c || !out || !(excerpt_s > 0)) {
        if (why) snprintf(why->text, sizeof why->text, "no such channel or excerpt");
        return PSY_E_INVALID;
    }
    if (!(c->rate_hz >= 50 && c->rate_hz <= 20000))
        return fail(why, PSY_E_INVALID, "not a regular ECG at 50 .. 20000 Hz", c->label);
    int64_t n = (int64_t)floor(excerpt_s * c->rate_hz);
    if (n > c->frames) n = c->frames;
    if (n > MAX_EXCERPT_SAMPLES) n = MAX_EXCERPT_SAMPLES;
    double *x = malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
    if (!x) return fail(why, PSY_E_NOMEM, "out of memory", c->label);
    psy_status st = n > 0 ? psy_reader_read(r, ch, 0, n, x) : PSY_OK;
    if (st != PSY_OK) {
        free(x);
        return fail(why, st, psy_strerror(st), c->label);
    }
    int64_t *peaks = NULL;
    size_t n_peaks = 0;
    st = detect(x, (size_t)n, c->rate_hz, &peaks, &n_peaks);
    if (st == PSY_OK) {
        memset(out, 0, sizeof *out);
        out->n_beats = n_peaks;
        out->usable_share = out->template_r = NAN;
        st = score_windows(x, (size_t)n, c->rate_hz, peaks, n_peaks, out);
    }
    free(peaks);
    free(x);
    return st == PSY_OK ? PSY_OK : fail(why, st, psy_strerror(st), c->label);
}
