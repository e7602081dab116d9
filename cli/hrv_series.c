/* psyphys hrv: series from WFDB annotations, and the two cleanings (Lipponen, PCST). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hrv_series.h"

const char *hrv_correction_name(hrv_correction c)
{
    return c == HRV_CORRECT_LIPPONEN ? "lipponen" : c == HRV_CORRECT_PCST ? "pcst" : "none";
}

void hrv_series_free(hrv_series *s)
{
    free(s->nn);
    free(s->t);
    free(s->flags);
    s->nn = s->t = NULL;
    s->flags = NULL;
}

int hrv_series_take_raw(hrv_series *s, double *nn, double *t, size_t n)
{
    s->nn = nn, s->t = t, s->n = n;
    s->flags = calloc(n ? n : 1, 1);
    return s->flags != NULL;
}

int hrv_correct_stretches(const double *rr, const double *t, size_t n, hrv_series *s)
{
    psy_rr_config cfg = psy_rr_config_default();
    s->nn = malloc((2 * n + 1) * sizeof *s->nn);
    s->t = malloc((2 * n + 1) * sizeof *s->t);
    uint8_t *corr = s->flags = malloc(2 * n + 1);
    if (!s->nn || !s->t || !corr) return 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && isnan(rr[i])) i++;
        size_t a = i;
        while (i < n && !isnan(rr[i])) i++;
        if (i == a) break;
        size_t got = 0;
        psy_rr_counts c;
        if (psy_rr_correct(rr + a, t + a, i - a, &cfg, NULL, s->nn + s->n, s->t + s->n, corr + s->n,
                           2 * n + 1 - s->n, &got, &c) != PSY_OK)
            return 0;
        for (size_t k = 0; k < got; k++) s->corrected += corr[s->n + k];
        for (int k = 0; k < PSY_BEAT_CLASS_COUNT; k++) s->counts.n[k] += c.n[k];
        s->counts.nn_left_out += c.nn_left_out;
        s->n += got;
    }
    return 1;
}

size_t hrv_wfdb_annotation_count(psy_reader *r)
{
    size_t n = 0;
    for (size_t i = 0; i < psy_reader_event_count(r); i++) n += psy_reader_event(r, i)->source == PSY_EVENTS_WFDB;
    return n;
}

int hrv_series_from_annotations(psy_reader *r, const char *path, int all, hrv_correction c, hrv_series *s)
{
    size_t ne = psy_reader_event_count(r), n = 0;
    double *rr = malloc((ne ? ne : 1) * sizeof *rr), *t = malloc((ne ? ne : 1) * sizeof *t);
    if (!rr || !t) {
        free(rr), free(t);
        cli_error(path, "out of memory");
        return 0;
    }
    double prev = NAN;
    for (size_t i = 0; i < ne; i++) {
        const psy_event *e = psy_reader_event(r, i);
        if (e->source != PSY_EVENTS_WFDB || !(all || psy_wfdb_is_beat(e->code))) continue;
        s->beats++;
        if (!isnan(prev)) rr[n] = (e->onset_s - prev) * 1000.0, t[n] = e->onset_s, n++;
        prev = e->onset_s;
    }
    if (n == 0) {
        free(rr), free(t);
        cli_error(path, "fewer than 2 %s annotations: no interval", all ? "WFDB" : "WFDB beat");
        return 0;
    }
    if (c == HRV_CORRECT_LIPPONEN) {
        int ok = hrv_correct_stretches(rr, t, n, s);
        free(rr), free(t);
        if (!ok) cli_error(path, "out of memory");
        return ok;
    }
    if (!hrv_series_take_raw(s, rr, t, n)) {
        cli_error(path, "out of memory");
        return 0;
    }
    return 1;
}

int hrv_series_clean_pcst(hrv_series *s, const char *path)
{
    size_t n = s->n ? s->n : 1, m = 0;
    double *nn = malloc(n * sizeof *nn), *t = malloc(n * sizeof *t);
    if (!nn || !t || psy_rr_clean_pcst(s->nn, s->t, s->n, NULL, nn, t, &m, &s->pcst) != PSY_OK) {
        free(nn), free(t);
        cli_error(path, "out of memory");
        return 0;
    }
    hrv_series_free(s);
    if (!hrv_series_take_raw(s, nn, t, m)) { /* removal alters no interval it keeps */
        cli_error(path, "out of memory");
        return 0;
    }
    return 1;
}
