/* The series an HRV analysis takes: beats from a channel, WFDB annotations or intervals, cleaned
 * by Lipponen & Tarvainen's correction or PCST's removal (psyphys/hrv_series.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psy_core.h"
#include "psyphys/hrv_series.h"
#include "psyphys/writer.h"

const psy_channel_type *psy_hrv_channel_types(int *n)
{
    static const psy_channel_type heart[] = {PSY_CH_ECG, PSY_CH_RR, PSY_CH_PPG};
    if (n) *n = (int)(sizeof heart / sizeof heart[0]);
    return heart;
}

static const char *const correction_names[] = {"none", "lipponen", "pcst"};

const char *psy_hrv_correction_name(psy_hrv_correction c)
{
    return (unsigned)c <= PSY_HRV_CORRECT_PCST ? correction_names[c] : "none";
}

psy_status psy_hrv_correction_parse(const char *name, psy_hrv_correction *out)
{
    for (int c = 0; name && out && c <= PSY_HRV_CORRECT_PCST; c++)
        if (strcmp(name, correction_names[c]) == 0) return *out = (psy_hrv_correction)c, PSY_OK;
    return PSY_E_INVALID;
}

void psy_hrv_series_free(psy_hrv_series *s)
{
    if (!s) return;
    free(s->nn_ms);
    free(s->t_s);
    free(s->corrected);
    psy_beat_list_free(s->pulses);
    psy_beat_list_free(s->ecg_beats);
    memset(s, 0, sizeof *s);
}

static void start(psy_hrv_series *s, psy_hrv_correction c)
{
    memset(s, 0, sizeof *s);
    s->correction = c;
    s->channel = -1;
}

/* n intervals of room; corrected zeroed. 0 when out of memory. */
static int room(psy_hrv_series *s, size_t n)
{
    s->nn_ms = malloc((n ? n : 1) * sizeof *s->nn_ms);
    s->t_s = malloc((n ? n : 1) * sizeof *s->t_s);
    s->corrected = calloc(n ? n : 1, 1);
    return s->nn_ms && s->t_s && s->corrected;
}

/* The start of the series (before PCST's removal: its windows count from the first beat too),
 * then PCST's removal. */
static psy_status finish(psy_hrv_series *s, psy_message *why)
{
    size_t first = 0;
    while (first < s->n && !(isfinite(s->nn_ms[first]) && s->nn_ms[first] > 0)) first++;
    if (first < s->n) s->t_first_s = s->t_s[first] - s->nn_ms[first] / 1000.0;
    if (s->correction == PSY_HRV_CORRECT_PCST) { /* removal alters no interval it keeps */
        psy_hrv_series kept = *s;
        size_t m = 0;
        if (!room(&kept, s->n) ||
            psy_rr_clean_pcst(s->nn_ms, s->t_s, s->n, NULL, kept.nn_ms, kept.t_s, &m, &kept.pcst) != PSY_OK) {
            free(kept.nn_ms), free(kept.t_s), free(kept.corrected);
            return psy_fail(why, PSY_E_NOMEM, "out of memory");
        }
        free(s->nn_ms), free(s->t_s), free(s->corrected);
        kept.n = m;
        *s = kept;
    }
    return PSY_OK;
}

psy_status psy_hrv_series_check(const psy_hrv_series *s, psy_message *why)
{
    if (!s) return psy_fail(why, PSY_E_INVALID, "no series");
    for (size_t i = 0; i < s->n; i++)
        if (isfinite(s->nn_ms[i]) && s->nn_ms[i] > 0 && s->nn_ms[i] <= 10000) return PSY_OK;
    return psy_fail(why, PSY_E_TOO_SHORT, "no usable NN intervals (%zu beats, %zu intervals): nothing to analyse",
                    s->beats, s->n);
}

/* A corrected series: its corrected intervals counted, then finished. */
static psy_status finish_corrected(psy_hrv_series *s, psy_message *why)
{
    for (size_t k = 0; k < s->n; k++) s->n_corrected += s->corrected[k];
    return finish(s, why);
}

/* The raw intervals of `beats` beats into s: corrected per stretch (Lipponen) or copied. */
static psy_status take_rr(psy_hrv_series *s, const double *rr, const double *t, size_t n, size_t beats,
                          psy_message *why)
{
    s->beats = beats;
    if (s->correction == PSY_HRV_CORRECT_LIPPONEN) {
        if (!room(s, 2 * n + 1)) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        psy_status st = psy_rr_correct_stretches(rr, t, n, NULL, s->nn_ms, s->t_s, s->corrected, 2 * n + 1, &s->n,
                                                 &s->counts);
        if (st != PSY_OK) return psy_fail(why, st, "RR correction: %s", psy_strerror(st));
        return finish_corrected(s, why);
    }
    if (!room(s, n)) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    if (n) memcpy(s->nn_ms, rr, n * sizeof *rr), memcpy(s->t_s, t, n * sizeof *t);
    s->n = n;
    return finish(s, why);
}

psy_status psy_hrv_series_from_rr(const double *rr_ms, const double *t_s, size_t n, psy_hrv_correction c,
                                  psy_hrv_series *out, psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "no series");
    start(out, c);
    if (n && (!rr_ms || !t_s)) return psy_fail(why, PSY_E_INVALID, "no intervals");
    return take_rr(out, rr_ms, t_s, n, n, why);
}

psy_status psy_hrv_series_from_table(const psy_beats_table *t, psy_hrv_correction c, psy_hrv_series *out,
                                     psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "no series");
    start(out, c);
    if (!t || (t->n && (!t->onset_s || !t->rr_ms))) return psy_fail(why, PSY_E_INVALID, "no table");
    out->table = t->classes ? 2 : 1;
    out->of_pulses = t->pulses != 0;
    if (c != PSY_HRV_CORRECT_LIPPONEN) return take_rr(out, t->rr_ms, t->onset_s, t->n, t->n, why);
    out->beats = t->n;
    if (!room(out, 2 * t->n + 1)) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    psy_status st = psy_beats_table_nn(t, NULL, out->nn_ms, out->t_s, out->corrected, NULL, 2 * t->n + 1, &out->n,
                                       &out->counts, why);
    if (st != PSY_OK) return st;
    return finish_corrected(out, why);
}

const char *psy_hrv_series_classes(const psy_hrv_series *s)
{
    if (!s || !s->table) return NULL;
    if (s->correction != PSY_HRV_CORRECT_LIPPONEN)
        return "not used: the table's raw intervals (correction none or pcst), its labels aside";
    return s->table == 2 ? "the table's labels: each beat corrected as its label says (an edited label honoured), "
                           "runs cut as for detected beats"
                         : "classified here (the table has no labels): Lipponen & Tarvainen 2019 on each run, "
                           "runs cut as for detected beats";
}

psy_status psy_hrv_series_from_beats(const psy_beat_list *b, psy_hrv_correction c, psy_hrv_series *out,
                                     psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "no series");
    start(out, c);
    if (!b) return psy_fail(why, PSY_E_INVALID, "no beats");
    out->of_pulses = b->pulses != 0;
    int nn = c == PSY_HRV_CORRECT_LIPPONEN; /* the list's own NN series */
    if (!nn && b->n && (!b->rr_ms || !b->onset_s))
        return psy_fail(why, PSY_E_INVALID, "lean beats (psyphys/session.h) keep no raw intervals");
    if (nn && b->n_nn && (!b->nn_ms || !b->nn_onset_s || !b->nn_corrected))
        return psy_fail(why, PSY_E_INVALID, "lean beats (psyphys/session.h) keep no NN series");
    size_t n = nn ? b->n_nn : b->n;
    if (!room(out, n)) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    if (n) {
        memcpy(out->nn_ms, nn ? b->nn_ms : b->rr_ms, n * sizeof *out->nn_ms);
        memcpy(out->t_s, nn ? b->nn_onset_s : b->onset_s, n * sizeof *out->t_s);
        if (nn) memcpy(out->corrected, b->nn_corrected, n);
    }
    out->n = n;
    out->beats = b->n;
    out->counts = b->counts;
    return nn ? finish_corrected(out, why) : finish(out, why);
}

/* Number of WFDB annotation events of r. */
static size_t wfdb_annotations(const psy_reader *r)
{
    size_t n = 0;
    for (size_t i = 0; i < psy_reader_event_count(r); i++) n += psy_reader_event(r, i)->source == PSY_EVENTS_WFDB;
    return n;
}

int psy_hrv_beats_from_annotations(const psy_reader *r, const char *label)
{
    return r && !label && psy_reader_channel_count(r) == 0 && wfdb_annotations(r) > 0;
}

/* The intervals between the WFDB (beat) annotations of r. */
static psy_status from_annotations(psy_reader *r, int all, psy_hrv_series *s, psy_message *why)
{
    size_t ne = psy_reader_event_count(r), n = 0, beats = 0;
    double *rr = malloc((ne ? ne : 1) * sizeof *rr), *t = malloc((ne ? ne : 1) * sizeof *t);
    if (!rr || !t) {
        free(rr), free(t);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    double prev = NAN;
    for (size_t i = 0; i < ne; i++) {
        const psy_event *e = psy_reader_event(r, i);
        if (e->source != PSY_EVENTS_WFDB || !(all || psy_wfdb_is_beat(e->code))) continue;
        beats++;
        if (!isnan(prev)) rr[n] = (e->onset_s - prev) * 1000.0, t[n] = e->onset_s, n++;
        prev = e->onset_s;
    }
    s->annotations = all ? 2 : 1;
    psy_status st = n ? take_rr(s, rr, t, n, beats, why)
                      : psy_fail(why, PSY_E_TOO_SHORT, "fewer than 2 %s annotations: no interval",
                                 all ? "WFDB" : "WFDB beat");
    free(rr), free(t);
    return st;
}

/* b without its per-beat columns and NN series (a lean list, psyphys/beats.h): n, the counts
 * and the gaps are what a sidecar says of the beats an HRV analysis rests on. */
static psy_beat_list *lean(psy_beat_list *b)
{
    free(b->sample), free(b->onset_s), free(b->rr_ms), free(b->cls), free(b->amplitude);
    free(b->nn_ms), free(b->nn_onset_s), free(b->nn_corrected);
    b->sample = NULL, b->onset_s = NULL, b->rr_ms = NULL, b->cls = NULL, b->amplitude = NULL;
    b->nn_ms = NULL, b->nn_onset_s = NULL, b->nn_corrected = NULL;
    return b;
}

psy_status psy_hrv_series_of(psy_reader *r, int ch, int annotations, psy_hrv_correction c, psy_hrv_series *out,
                             psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "no series");
    start(out, c);
    if (!r) return psy_fail(why, PSY_E_INVALID, "no reader");
    if (ch < 0) return from_annotations(r, annotations == 1, out, why);
    const psy_channel_info *info = psy_reader_channel(r, ch);
    if (!info) return psy_fail(why, PSY_E_INVALID, "no channel %d", ch);
    if (annotations >= 0)
        return psy_fail(why, PSY_E_INVALID, "beats from annotations need a WFDB annotation record without signals");
    psy_beat_list *b = NULL;
    psy_status st = info->type == PSY_CH_PPG ? psy_pulses_detect(r, ch, NULL, &b, why)
                                             : psy_beats_detect(r, ch, NULL, &b, why);
    if (st != PSY_OK) return st;
    st = psy_hrv_series_from_beats(b, c, out, why);
    out->channel = ch;
    if (b->pulses) out->pulses = b; /* kept for the sidecar: pulse rate variability */
    else if (info->type == PSY_CH_ECG) out->ecg_beats = lean(b); /* kept for the sidecar: the gaps */
    else psy_beat_list_free(b);
    return st;
}

psy_status psy_hrv_series_from_reader(psy_reader *r, const char *label, int annotations, psy_hrv_correction c,
                                      psy_hrv_series *out, psy_message *why)
{
    if (out) start(out, c);
    if (!r || !out) return psy_fail(why, PSY_E_INVALID, "no reader or no series");
    int ch = -1;
    if (!psy_hrv_beats_from_annotations(r, label)) {
        int n;
        const psy_channel_type *types = psy_hrv_channel_types(&n);
        psy_status st = psy_reader_pick_channel(r, label, types, n, &ch, why);
        if (st != PSY_OK) return st;
    }
    return psy_hrv_series_of(r, ch, annotations, c, out, why);
}
