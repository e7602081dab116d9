/* The live streaming object: chunked pushes equal one push; replay equals the offline beats,
 * labels and HRV windows (recordings/ and MIT-BIH when ../shared exists), and the offline pulses
 * and their unusable stretches for a PPG; push and poll from two threads; statuses for lost
 * signals, invalid intervals and dropped outputs; bad settings. */
#include "test_util.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_count.h"

/* A growing list of outputs. */
typedef struct outs {
    psy_stream_output *o;
    size_t n, cap;
} outs;

static void collect(psy_stream *s, outs *l)
{
    psy_stream_output buf[64];
    size_t k;
    while ((k = psy_stream_poll(s, buf, 64)) > 0)
        for (size_t i = 0; i < k; i++) {
            if (l->n == l->cap) {
                l->cap = l->cap ? 2 * l->cap : 1024;
                l->o = realloc(l->o, l->cap * sizeof *l->o);
                assert_non_null(l->o);
            }
            l->o[l->n++] = buf[i];
        }
}

static size_t count_kind(const outs *l, psy_stream_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) n += l->o[i].kind == k;
    return n;
}

/* Synthetic ECG (Gaussian QRS, respiratory sinus arrhythmia at 0.1 Hz, one premature beat) at
 * rate, and EDA with three responses at 32 Hz. */
static double *synthetic_ecg(double rate, double seconds, size_t *n)
{
    *n = (size_t)(rate * seconds);
    double *x = calloc(*n, sizeof *x);
    double t = 0.5;
    for (int k = 0; t < seconds; k++) {
        double rr = 0.85 + 0.06 * sin(2 * M_PI * 0.1 * t);
        if (k == 120) rr *= 0.6; /* premature beat, then a pause */
        if (k == 121) rr *= 1.4;
        for (long i = (long)((t - 0.05) * rate); i < (long)((t + 0.05) * rate); i++)
            if (i >= 0 && (size_t)i < *n) x[i] += exp(-pow(((double)i / rate - t) / 0.008, 2));
        t += rr;
    }
    for (size_t i = 0; i < *n; i++) x[i] += 0.02 * sin(2 * M_PI * 0.3 * (double)i / rate);
    return x;
}

static double *synthetic_eda(double rate, double seconds, size_t *n)
{
    *n = (size_t)(rate * seconds);
    double *x = malloc(*n * sizeof *x);
    for (size_t i = 0; i < *n; i++) {
        double t = (double)i / rate, v = 5 + 0.002 * t;
        for (int k = 0; k < 3; k++) {
            double d = t - (20 + 40 * k);
            if (d > 0) v += 0.4 * (exp(-d / 4) - exp(-d / 0.75));
        }
        x[i] = v;
    }
    return x;
}

/* 1 for the outputs of the EDA channel (their order against the ECG's follows the pushes). */
static int from_eda(const psy_stream_output *o)
{
    return o->kind == PSY_STREAM_SCL || o->kind == PSY_STREAM_SCR ||
           (o->kind == PSY_STREAM_STATUS && (o->u.status.condition == PSY_STREAM_EDA_LOST ||
                                             o->u.status.condition == PSY_STREAM_EDA_BACK));
}

/* The same outputs of each channel in the same order, bit for bit. */
static void same_outputs(const outs *a, const outs *b)
{
    assert_int_equal(a->n, b->n);
    for (int eda = 0; eda < 2; eda++)
        for (size_t i = 0, j = 0;; i++, j++) {
            while (i < a->n && from_eda(&a->o[i]) != eda) i++;
            while (j < b->n && from_eda(&b->o[j]) != eda) j++;
            if (i >= a->n || j >= b->n) {
                assert_true(i >= a->n && j >= b->n);
                break;
            }
            assert_int_equal(a->o[i].kind, b->o[j].kind);
            if (memcmp(&a->o[i], &b->o[j], sizeof a->o[i]) != 0)
                fail_msg("output %zu (%s at %.3f s) differs", i, psy_stream_kind_name(a->o[i].kind), a->o[i].onset_s);
        }
}

/* Pushes ECG and EDA in blocks of ecg_block (EDA in proportion), collecting as it goes. */
static outs run(const psy_stream_config *cfg, const double *ecg, size_t n_ecg, const double *eda,
                size_t n_eda, size_t ecg_block)
{
    psy_stream *s = NULL;
    psy_message why = {{0}};
    if (psy_stream_create(cfg, &s, &why) != PSY_OK) fail_msg("create: %s", why.text);
    outs l = {0};
    size_t eda_at = 0;
    for (size_t at = 0; at < n_ecg || eda_at < n_eda;) {
        size_t k = n_ecg - at < ecg_block ? n_ecg - at : ecg_block;
        if (k) assert_int_equal(psy_stream_push_ecg(s, ecg + at, k), PSY_OK);
        at += k;
        size_t want = n_ecg ? (size_t)((double)at / (double)n_ecg * (double)n_eda) : n_eda;
        if (want > eda_at) assert_int_equal(psy_stream_push_eda(s, eda + eda_at, want - eda_at), PSY_OK);
        eda_at = want;
        collect(s, &l);
        ecg_block = ecg_block * 7 % 1013 + 1; /* vary the block size */
    }
    assert_int_equal(psy_stream_finish(s), PSY_OK);
    assert_int_equal(psy_stream_finish(s), PSY_E_INVALID);
    collect(s, &l);
    /* reset: the same input gives the same outputs again */
    psy_stream_reset(s);
    outs again = {0};
    size_t half_ecg = n_ecg / 2, half_eda = n_eda / 2;
    if (n_ecg) assert_int_equal(psy_stream_push_ecg(s, ecg, half_ecg), PSY_OK);
    if (n_eda) assert_int_equal(psy_stream_push_eda(s, eda, half_eda), PSY_OK);
    psy_stream_reset(s); /* mid-stream too */
    if (n_ecg) psy_stream_push_ecg(s, ecg, n_ecg);
    if (n_eda) psy_stream_push_eda(s, eda, n_eda);
    psy_stream_finish(s);
    collect(s, &again);
    same_outputs(&l, &again);
    free(again.o);
    psy_stream_destroy(s);
    return l;
}

static void test_chunked_equals_one_push(void **state)
{
    (void)state;
    size_t n_ecg, n_eda;
    double *ecg = synthetic_ecg(1000, 300, &n_ecg), *eda = synthetic_eda(32, 300, &n_eda);
    psy_stream_config cfg = psy_stream_config_default(1000, 32);
    cfg.queue_capacity = 1 << 18;
    outs one = run(&cfg, ecg, n_ecg, eda, n_eda, n_ecg);
    outs chunked = run(&cfg, ecg, n_ecg, eda, n_eda, 1);
    same_outputs(&one, &chunked);
    /* a beat every 0.85 s, each with its HR and its label; an HRV line every 5 s of NN intervals */
    size_t beats = count_kind(&one, PSY_STREAM_BEAT);
    assert_in_range(beats, 340, 360);
    assert_int_equal(count_kind(&one, PSY_STREAM_LABEL), beats);
    assert_int_equal(count_kind(&one, PSY_STREAM_HR), beats - 1);
    assert_in_range(count_kind(&one, PSY_STREAM_HRV), 58, 61);
    assert_int_equal(count_kind(&one, PSY_STREAM_SCR), 3);
    assert_in_range(count_kind(&one, PSY_STREAM_SCL), 298, 300);
    /* the premature beat is labelled ectopic; the resonance peak sits at the 0.1 Hz rhythm */
    size_t ectopic = 0;
    double peak = NAN, scl = NAN;
    for (size_t i = 0; i < one.n; i++) {
        const psy_stream_output *o = &one.o[i];
        if (o->kind == PSY_STREAM_LABEL && o->u.label.label == PSY_BEAT_ECTOPIC) ectopic++;
        if (o->kind == PSY_STREAM_HRV && !isnan(o->u.hrv.peak_hz)) peak = o->u.hrv.peak_hz;
        if (o->kind == PSY_STREAM_SCL && o->onset_s == 10) scl = o->u.scl.scl_us;
        if (o->kind == PSY_STREAM_HR) assert_in_range((long)o->u.hr.bpm, 40, 120);
    }
    assert_int_equal(ectopic, 1);
    assert_true(fabs(peak - 0.1) < 0.01);
    assert_true(fabs(scl - 5.02) < 0.05);
    free(one.o), free(chunked.o), free(ecg), free(eda);
}

/* ---- replay against the offline analysis ------------------------------------------------- */

/* Replays channel ch of r through a stream (blocks of 97 samples; by_object: the library's replay
 * in 1/32-s steps, which follows the recording's time axis); returns the outputs. */
static outs replay(psy_reader *r, int ch, const psy_stream_config *cfg_in, int by_object)
{
    const psy_channel_info *c = psy_reader_channel(r, ch);
    psy_stream_config cfg = *cfg_in;
    int ppg = c->type == PSY_CH_PPG;
    cfg.ecg_rate_hz = ppg ? 0 : c->rate_hz;
    cfg.ppg_rate_hz = ppg ? c->rate_hz : 0;
    cfg.detector.rate_hz = c->rate_hz;
    cfg.queue_capacity = 1 << 20;
    psy_stream *s = NULL;
    psy_message why = {{0}};
    if (psy_stream_create(&cfg, &s, &why) != PSY_OK) fail_msg("create: %s", why.text);
    double x[97];
    outs l = {0};
    psy_stream_replay *p = NULL;
    if (by_object) {
        assert_int_equal(psy_stream_replay_create(s, r, ch, -1, -1, &p), PSY_OK);
        for (double t = 1.0 / 32; t < psy_stream_replay_end_s(p) + 1.0 / 32; t += 1.0 / 32) {
            assert_int_equal(psy_stream_replay_until(p, t), PSY_OK);
            collect(s, &l);
        }
        psy_stream_replay_destroy(p);
    }
    for (int64_t at = 0; !by_object && at < c->frames; at += 97) {
        int64_t k = c->frames - at < 97 ? c->frames - at : 97;
        assert_int_equal(psy_reader_read(r, ch, at, k, x), PSY_OK);
        assert_int_equal((ppg ? psy_stream_push_ppg : psy_stream_push_ecg)(s, x, (size_t)k), PSY_OK);
        collect(s, &l);
    }
    psy_stream_finish(s);
    collect(s, &l);
    psy_stream_destroy(s);
    return l;
}

/* The offline beats table's `corrected` (cli/beats_table.c). */
static int offline_corrected(const psy_beat_list *b, size_t i)
{
    if (b->cls[i] != PSY_BEAT_NORMAL) return 1;
    return i > 0 && b->cls[i - 1] != PSY_BEAT_NORMAL && b->cls[i - 1] != PSY_BEAT_MISSED;
}

static double rel_diff(double a, double b)
{
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b) ? 0 : INFINITY;
    return fabs(a - b) / fmax(1e-12, fmax(fabs(a), fabs(b)));
}

/* The same reason for a NaN (or none for a value). */
static void same_reason(const char *offline, const char *stream)
{
    if (!offline || !stream) assert_true(offline == stream);
    else assert_string_equal(offline, stream);
}

/* The HRV cadence: with hrv_interval_s 0 a line after every NN interval; with 5 s the lines are
 * those of every-interval at the first interval of each 5-s slot and at the stretch's last one,
 * bit for bit (the cadence picks lines, it changes none), whatever the push sizes. */
static void test_hrv_cadence(void **state)
{
    (void)state;
    size_t n_ecg, n_eda;
    double *ecg = synthetic_ecg(500, 200, &n_ecg), *eda = synthetic_eda(32, 200, &n_eda);
    psy_stream_config cfg = psy_stream_config_default(500, 0);
    cfg.queue_capacity = 1 << 16;
    cfg.provisional = 1;
    assert_true(cfg.hrv_interval_s == 5);
    outs paced = run(&cfg, ecg, n_ecg, NULL, 0, 997);
    cfg.hrv_interval_s = 0;
    outs every = run(&cfg, ecg, n_ecg, NULL, 0, n_ecg);
    size_t beats = count_kind(&every, PSY_STREAM_BEAT), n_final = 0, n_prov = 0, matched = 0;
    assert_in_range(count_kind(&every, PSY_STREAM_HRV), 2 * beats - 8, 2 * beats); /* final + provisional */
    for (int prov = 0; prov < 2; prov++) {
        double slot = -INFINITY, last = NAN;
        size_t j = 0;
        for (size_t i = 0; i < every.n; i++) {
            const psy_stream_output *o = &every.o[i];
            if (o->kind != PSY_STREAM_HRV || o->u.hrv.provisional != prov) continue;
            last = o->onset_s;
            if (!(floor(o->onset_s / 5) > slot)) continue; /* not the first of its slot */
            slot = floor(o->onset_s / 5);
            while (j < paced.n && (paced.o[j].kind != PSY_STREAM_HRV || paced.o[j].u.hrv.provisional != prov)) j++;
            assert_true(j < paced.n);
            if (memcmp(o, &paced.o[j], sizeof *o) != 0)
                fail_msg("%s HRV line at %.3f s differs from the every-interval one at %.3f s",
                         prov ? "provisional" : "final", paced.o[j].onset_s, o->onset_s);
            matched++, j++;
        }
        while (j < paced.n && (paced.o[j].kind != PSY_STREAM_HRV || paced.o[j].u.hrv.provisional != prov)) j++;
        if (!prov) { /* the stretch's last interval has its line too */
            assert_true(j < paced.n && paced.o[j].onset_s == last);
            j++;
            while (j < paced.n && paced.o[j].kind != PSY_STREAM_HRV) j++;
        }
        assert_true(j >= paced.n);
        *(prov ? &n_prov : &n_final) = matched;
        matched = 0;
    }
    assert_int_equal(count_kind(&paced, PSY_STREAM_HRV), n_final + 1 + n_prov);
    assert_in_range(n_final, 36, 40); /* 200 s, less the lookahead's 57 beats at the end... */
    assert_in_range(n_prov, 38, 40);
    /* labels, beats and HR do not change with the cadence */
    assert_int_equal(count_kind(&paced, PSY_STREAM_LABEL), count_kind(&every, PSY_STREAM_LABEL));
    cfg.hrv_interval_s = 0.2; /* 0 or 0.5 .. 60 */
    psy_stream *s = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "hrv_interval_s"));
    free(paced.o), free(every.o), free(ecg), free(eda);
}

/* Beats, labels and HRV windows of the stream equal the offline ones. Returns the number of
 * non-N labels seen. */
static size_t check_replay_with(psy_reader *r, const char *label, const char *preset, int by_object)
{
    int ch = psy_reader_find_channel(r, label);
    assert_true(ch >= 0);
    psy_beats_config bc = psy_beats_config_default();
    psy_beat_list *b = NULL;
    const psy_channel_info *c = psy_reader_channel(r, ch);
    if (c->type == PSY_CH_PPG) assert_int_equal(psy_pulses_detect(r, ch, NULL, &b, NULL), PSY_OK);
    else assert_int_equal(psy_beats_detect(r, ch, &bc, &b, NULL), PSY_OK);
    psy_stream_config cfg = psy_stream_config_default(c->rate_hz, 0);
    assert_int_equal(psy_hrv_config_preset(preset, &cfg.hrv), PSY_OK);
    outs l = replay(r, ch, &cfg, by_object);
    /* beats to the sample, with the same intervals; a PPG's unusable stretches as lost and back */
    size_t nb = 0, nl = 0, artefacts = 0, n_lost = 0;
    double lost_s = 0, gaps_s = 0;
    for (size_t g = 0; g < b->n_gaps; g++) gaps_s += (double)(b->gaps[g].end - b->gaps[g].start) / c->rate_hz;
    for (size_t i = 0; i < l.n; i++) {
        const psy_stream_output *o = &l.o[i];
        if (o->kind == PSY_STREAM_STATUS && o->u.status.condition == PSY_STREAM_PPG_LOST) {
            n_lost++;
            lost_s -= o->onset_s;
            assert_true(i + 1 < l.n && l.o[i + 1].u.status.condition == PSY_STREAM_PPG_BACK);
            lost_s += l.o[i + 1].onset_s;
        }
        if (o->kind == PSY_STREAM_BEAT) {
            assert_true(nb < b->n);
            assert_int_equal(o->u.beat.sample, b->sample[nb]);
            /* a stretch's times add its shift to sample / rate: the same to the rounding */
            if (!(o->onset_s == b->onset_s[nb] || (by_object && fabs(o->onset_s - b->onset_s[nb]) < 1e-9)))
                fail_msg("%s beat %zu at sample %lld: stream %.9f s, offline %.9f s", label, nb,
                         (long long)b->sample[nb], o->onset_s, b->onset_s[nb]);
            assert_true(rel_diff(o->u.beat.rr_ms, b->rr_ms[nb]) < 1e-12);
            nb++;
        } else if (o->kind == PSY_STREAM_LABEL) {
            assert_true(nl < b->n);
            assert_int_equal(o->u.label.sample, b->sample[nl]);
            if (o->u.label.label != b->cls[nl] || o->u.label.corrected != offline_corrected(b, nl))
                fail_msg("%s beat %zu at %.3f s: stream %s/%d, offline %s/%d", label, nl, o->onset_s,
                         psy_beat_class_name(o->u.label.label), o->u.label.corrected,
                         psy_beat_class_name(b->cls[nl]), offline_corrected(b, nl));
            artefacts += b->cls[nl] != PSY_BEAT_NORMAL;
            nl++;
        }
    }
    assert_int_equal(nb, b->n);
    assert_int_equal(nl, b->n);
    assert_int_equal(n_lost, b->pulses ? b->n_gaps : 0);
    assert_true(fabs(lost_s - (b->pulses ? gaps_s : 0)) < 1e-6);
    /* every HRV output equals psy_hrv_compute over the offline NN intervals of its windows */
    psy_hrv_config hc = cfg.hrv;
    hc.spectra = PSY_HRV_WELCH;
    /* the stream keeps the minima (min_span_s, band_min_s), not the corrected-share limit */
    hc.max_corrected_pct = INFINITY;
    psy_hrv *h = NULL;
    assert_int_equal(psy_hrv_create(&hc, &h, NULL), PSY_OK);
    size_t n_hrv = 0, n_lf = 0, n_filling = 0;
    for (size_t i = 0; i < l.n; i++) {
        const psy_stream_output *o = &l.o[i];
        if (o->kind != PSY_STREAM_HRV) continue; /* every line (one per 5 s) */
        n_hrv++;
        double T = o->onset_s + (by_object ? 1e-9 : 0); /* the rounding of a stretch's times aside */
        psy_hrv_result res;
        assert_int_equal(psy_hrv_compute_beats(h, b, 1, T - cfg.time_window_s, T, &res, NULL), PSY_OK);
        assert_true(rel_diff(res.values.v[PSY_HRV_RMSSD_MS], o->u.hrv.rmssd_ms) < 1e-9);
        assert_true(rel_diff(res.values.v[PSY_HRV_SDNN_MS], o->u.hrv.sdnn_ms) < 1e-9);
        same_reason(res.values.na[PSY_HRV_RMSSD_MS], o->u.hrv.rmssd_na);
        same_reason(res.values.na[PSY_HRV_SDNN_MS], o->u.hrv.sdnn_na);
        n_filling += isnan(o->u.hrv.sdnn_ms);
        assert_int_equal(psy_hrv_compute_beats(h, b, 1, T - cfg.freq_window_s, T, &res, NULL), PSY_OK);
        assert_int_equal(res.n_nn, o->u.hrv.n_freq);
        same_reason(res.welch.na[PSY_HRV_LF_MS2], o->u.hrv.lf_na);
        same_reason(res.welch.na[PSY_HRV_HF_MS2], o->u.hrv.hf_na);
        same_reason(res.welch.na[PSY_HRV_LF_HF], o->u.hrv.lf_hf_na);
        if (rel_diff(res.welch.v[PSY_HRV_LF_MS2], o->u.hrv.lf_ms2) > 1e-9 ||
            rel_diff(res.welch.v[PSY_HRV_HF_MS2], o->u.hrv.hf_ms2) > 1e-9 ||
            rel_diff(res.welch.v[PSY_HRV_LF_HF], o->u.hrv.lf_hf) > 1e-9)
            fail_msg("%s HRV at %.3f s: stream LF %g HF %g, offline %g %g", label, T, o->u.hrv.lf_ms2,
                     o->u.hrv.hf_ms2, res.welch.v[PSY_HRV_LF_MS2], res.welch.v[PSY_HRV_HF_MS2]);
        n_lf += !isnan(o->u.hrv.lf_ms2);
    }
    assert_true(n_hrv > 0);
    assert_true(n_filling > 0); /* the first 30 s: SDNN n/a, as offline */
    print_message("%s: %zu %s, %zu artefact labels, %zu HRV outputs (%zu checked with LF, %zu filling), %zu "
                  "unusable stretches equal offline\n", label, b->n, b->pulses ? "pulses" : "beats", artefacts, n_hrv,
                  n_lf, n_filling, n_lost);
    psy_hrv_destroy(h);
    psy_beat_list_free(b);
    free(l.o);
    return artefacts;
}

static size_t check_replay_preset(psy_reader *r, const char *label, const char *preset)
{
    return check_replay_with(r, label, preset, 0);
}

static size_t check_replay(psy_reader *r, const char *label)
{
    return check_replay_preset(r, label, "default");
}

static void test_replay_recording(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf");
    check_replay(r, "ECG");
    /* NeuroKit's settings: half-window Welch segments (a transform size per window length),
     * quadratic spline, no detrending, trapezoid band powers */
    check_replay_preset(r, "ECG", "neurokit");
    psy_reader_close(r);
}

/* The library's replay (psy_stream_replay_*) of the ECG, EDA and respiration channels: every
 * beat of the offline detector, the skin conductance each second, breaths; no sample pushed
 * twice (the end reached in 1/32-s steps or at once gives the same beats). */
static void test_replay_object(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf");
    int ecg = psy_reader_find_channel(r, "ECG"), eda = psy_reader_find_channel(r, "EDA"),
        rsp = psy_reader_find_channel(r, "RSP");
    psy_stream_config cfg = psy_stream_config_for_channels(r, ecg, eda, rsp);
    assert_true(cfg.ecg_rate_hz == psy_reader_channel(r, ecg)->rate_hz);
    assert_true(cfg.eda_rate_hz == psy_reader_channel(r, eda)->rate_hz);
    assert_true(cfg.resp_rate_hz == psy_reader_channel(r, rsp)->rate_hz);
    assert_false(cfg.rr_input);
    cfg.queue_capacity = 1 << 18;
    cfg.provisional = 0;
    psy_beat_list *b = NULL;
    psy_beats_config bc = psy_beats_config_default();
    assert_int_equal(psy_beats_detect(r, ecg, &bc, &b, NULL), PSY_OK);
    size_t beats[2];
    for (int steps = 0; steps < 2; steps++) {
        psy_stream *s = NULL;
        assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
        psy_stream_replay *p = NULL;
        assert_int_equal(psy_stream_replay_create(s, r, ecg, eda, rsp, &p), PSY_OK);
        double end = psy_stream_replay_end_s(p);
        assert_true(fabs(end - psy_reader_duration(r)) < 0.01);
        outs l = {0};
        if (steps)
            for (double t = 1.0 / 32; t < end + 1.0 / 32; t += 1.0 / 32) {
                assert_int_equal(psy_stream_replay_until(p, t), PSY_OK);
                collect(s, &l);
            }
        else
            assert_int_equal(psy_stream_replay_until(p, end + 1), PSY_OK);
        assert_int_equal(psy_stream_replay_until(p, end + 1), PSY_OK); /* nothing left to push */
        psy_stream_finish(s);
        collect(s, &l);
        beats[steps] = count_kind(&l, PSY_STREAM_BEAT);
        assert_in_range(count_kind(&l, PSY_STREAM_SCL), (size_t)end - 2, (size_t)end + 1);
        assert_true(count_kind(&l, PSY_STREAM_BREATH) > 20);
        psy_stream_replay_destroy(p);
        psy_stream_destroy(s);
        free(l.o);
    }
    assert_int_equal(beats[0], b->n);
    assert_int_equal(beats[1], b->n);
    psy_stream_replay *p = NULL;
    assert_int_equal(psy_stream_replay_create(NULL, r, ecg, -1, -1, &p), PSY_E_INVALID);
    assert_null(p);
    psy_stream_replay_destroy(NULL);
    psy_beat_list_free(b);
    psy_reader_close(r);
}

static void test_replay_mitdb(void **state)
{
    (void)state;
    if (!shared_data("mitdb/105.hea")) skip();
    static const char *const records[] = {"mitdb/100.hea", "mitdb/105.hea", "mitdb/113.hea"};
    size_t artefacts = 0;
    for (int k = 0; k < 3; k++) {
        psy_reader *r = open_shared(records[k], 0);
        artefacts += check_replay(r, "MLII");
        psy_reader_close(r);
    }
    assert_true(artefacts > 10); /* 105's noise: the labels were put to the test */
}

/* A Polar H10 chest-strap ECG (130 Hz) with bigeminy: 240 ectopic beats in 10 minutes, long
 * chains of consecutive ectopic detections for the classifier's first pass. */
static void test_replay_bigeminy(void **state)
{
    (void)state;
    if (!shared_data("rr_devices/polar_h10_detectPVC/polar_h10.csv")) skip();
    psy_reader *r = open_shared("rr_devices/polar_h10_detectPVC/polar_h10.csv", 0);
    assert_true(check_replay(r, "ecg") > 200);
    psy_reader_close(r);
}

/* PPG: an ICU monitor's finger plethysmogram (125 Hz; flat, artefact and clipped stretches) and
 * MARSH 0214's finger PPG (500 Hz, processed on block means; a stretch of interference). */
static void test_replay_ppg(void **state)
{
    (void)state;
    if (!shared_data("marsh/0214_ppg.hea")) skip();
    psy_reader *r = open_shared("wfdb_python_samples/mixedsignals.hea", 0);
    check_replay(r, "Pleth");
    psy_reader_close(r);
    r = open_shared("marsh/0214_ppg.hea", 0);
    assert_true(check_replay(r, "PPG") > 0);
    psy_reader_close(r);
}

/* A Movesense ECG with a 166.6-s recording pause and 6 dropouts of 0.17-0.88 s (8 stretches,
 * ux21b F7): the library's replay feeds each stretch at its own time, so the beats, their
 * onsets and intervals (none across a gap) and labels equal psy_beats_detect's; it once fed the
 * samples back to back (onsets after the pause 166 s early, an RR of 17 930 ms). */
static void test_replay_gaps_movesense(void **state)
{
    (void)state;
    static const char a[] = "dyadic_movesense/data/234130000540/ECG-2025_01_25-16_42_59.csv";
    if (!shared_data(a)) skip();
    psy_reader *r = open_shared(a, 0);
    assert_int_equal(psy_reader_stretch_count(r), 8);
    check_replay_with(r, "Sample", "default", 1);
    psy_reader_close(r);
}

/* A Movesense export (200 Hz timestamps) of the ECG of synthetic_ecg: 60 s, a 100-s pause, 60 s,
 * a 0.5-s dropout, 60 s; the heart beats on through them. */
static const char *write_gapped_export(void)
{
    size_t n;
    double *ecg = synthetic_ecg(200, 281, &n);
    size_t cap = 64 * n, at = 0;
    char *text = malloc(cap);
    at += (size_t)snprintf(text, cap, "%80sECG%77s25.01.2516.42.59200 \nTimestamp,Sample\n", "", "");
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / 200;
        if ((t >= 60 && t < 160) || (t >= 220 && t < 220.5)) continue;
        at += (size_t)snprintf(text + at, cap - at, "%.4f,%d\n", 1737823380.0 + t, (int)lround(1000 * ecg[i]));
    }
    const char *path = write_temp_file("gapped.csv", text, at);
    free(text), free(ecg);
    return path;
}

/* The library's replay of a recording with a pause and a dropout: the beats, intervals, labels
 * and HRV of psy_beats_detect; a time_jump status at each jump. */
static void test_replay_gaps_synthetic(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(write_gapped_export());
    assert_int_equal(psy_reader_stretch_count(r), 3);
    check_replay_with(r, "Sample", "default", 1);
    psy_stream_config cfg = psy_stream_config_for_channels(r, 0, -1, -1);
    cfg.queue_capacity = 1 << 16;
    psy_stream *s = NULL;
    assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
    psy_stream_replay *p = NULL;
    assert_int_equal(psy_stream_replay_create(s, r, 0, -1, -1, &p), PSY_OK);
    assert_true(fabs(psy_stream_replay_end_s(p) - 281) < 1e-6);
    assert_int_equal(psy_stream_replay_until(p, 100), PSY_OK); /* in the pause: not announced yet */
    outs l = {0};
    collect(s, &l);
    assert_int_equal(count_kind(&l, PSY_STREAM_STATUS), 0);
    assert_int_equal(psy_stream_replay_until(p, 300), PSY_OK);
    psy_stream_finish(s);
    collect(s, &l);
    double gaps[2] = {100, 0.5}, prev = NAN;
    size_t k = 0;
    for (size_t i = 0; i < l.n; i++) {
        const psy_stream_output *o = &l.o[i];
        if (o->kind == PSY_STREAM_STATUS) {
            assert_true(k < 2);
            assert_int_equal(o->u.status.condition, PSY_STREAM_TIME_JUMP);
            assert_int_equal(o->u.status.reason, PSY_STREAM_INPUT_HEART);
            assert_true(fabs(o->u.status.gap_s - gaps[k]) < 1e-4);
            assert_true(fabs(o->onset_s - (k ? 220 : 60)) < 1e-4);
            char line[PSY_STREAM_LINE_MAX];
            psy_stream_json_line(o, line, sizeof line);
            if (!k) assert_string_equal(line, "{\"type\":\"status\",\"onset\":60.000000,\"condition\":\"time_jump\","
                                              "\"input\":\"heart\",\"gap_s\":100.000000}\n");
            k++;
        } else if (o->kind == PSY_STREAM_BEAT) { /* none spans a jump */
            if (!isnan(o->u.beat.rr_ms)) assert_true(fabs(o->onset_s - prev - o->u.beat.rr_ms / 1000) < 0.003);
            prev = o->onset_s;
        }
    }
    assert_int_equal(k, 2);
    psy_stream_replay_destroy(p);
    psy_stream_destroy(s);
    psy_reader_close(r);
    free(l.o);
}

/* psy_stream_push_gap by hand: the heart's and the respiration's times after it are later by the
 * gap, no interval spans it; the EDA gets missing samples over it (eda_lost, SCL n/a); refusals. */
static void test_push_gap(void **state)
{
    (void)state;
    size_t n_ecg, n_eda;
    double *ecg = synthetic_ecg(250, 120, &n_ecg), *eda = synthetic_eda(32, 120, &n_eda);
    size_t n_resp = 25 * 120;
    double *resp = malloc(n_resp * sizeof *resp);
    for (size_t i = 0; i < n_resp; i++) resp[i] = sin(2 * M_PI * 0.25 * (double)i / 25);
    psy_stream_config cfg = psy_stream_config_default(250, 32);
    cfg.resp_rate_hz = 25;
    cfg.queue_capacity = 1 << 16;
    outs l[2] = {{0}, {0}};
    for (int gap = 0; gap < 2; gap++) {
        psy_stream *s = NULL;
        assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
        for (int half = 0; half < 2; half++) {
            if (half && gap)
                for (psy_stream_input in = 0; in < PSY_STREAM_INPUT_COUNT; in++)
                    assert_int_equal(psy_stream_push_gap(s, in, 30), PSY_OK);
            assert_int_equal(psy_stream_push_ecg(s, ecg + half * n_ecg / 2, n_ecg / 2), PSY_OK);
            assert_int_equal(psy_stream_push_eda(s, eda + half * n_eda / 2, n_eda / 2), PSY_OK);
            assert_int_equal(psy_stream_push_resp(s, resp + half * n_resp / 2, n_resp / 2), PSY_OK);
        }
        assert_int_equal(psy_stream_push_gap(s, PSY_STREAM_INPUT_HEART, NAN), PSY_E_INVALID);
        assert_int_equal(psy_stream_push_gap(s, PSY_STREAM_INPUT_COUNT, 1), PSY_E_INVALID);
        assert_int_equal(psy_stream_push_gap(NULL, PSY_STREAM_INPUT_HEART, 1), PSY_E_INVALID);
        /* no gap; an EDA gap beyond the bound (its NaN fill would run for 3.2e13 samples) */
        assert_int_equal(psy_stream_push_gap(s, PSY_STREAM_INPUT_HEART, 0), PSY_E_INVALID);
        assert_int_equal(psy_stream_push_gap(s, PSY_STREAM_INPUT_EDA, 1e12), PSY_E_INVALID);
        assert_int_equal(psy_stream_push_gap(s, PSY_STREAM_INPUT_EDA, PSY_STREAM_MAX_EDA_GAP_S + 1), PSY_E_INVALID);
        psy_stream_finish(s);
        assert_int_equal(psy_stream_push_gap(s, PSY_STREAM_INPUT_HEART, 1), PSY_E_INVALID);
        collect(s, &l[gap]);
        psy_stream_destroy(s);
    }
    /* beats and breaths: the same samples, 30 s later after the gap; the first beat after it has
     * no interval */
    size_t nb[2] = {0, 0}, nbr[2] = {0, 0}, jumps = 0, lost = 0, na_scl = 0;
    double bt[2][512], brt[2][64], rr[2][512];
    for (int g = 0; g < 2; g++)
        for (size_t i = 0; i < l[g].n; i++) {
            const psy_stream_output *o = &l[g].o[i];
            if (o->kind == PSY_STREAM_BEAT && nb[g] < 512) bt[g][nb[g]] = o->onset_s, rr[g][nb[g]++] = o->u.beat.rr_ms;
            if (o->kind == PSY_STREAM_BREATH && nbr[g] < 64) brt[g][nbr[g]++] = o->onset_s;
            if (!g) continue;
            jumps += o->kind == PSY_STREAM_STATUS && o->u.status.condition == PSY_STREAM_TIME_JUMP;
            lost += o->kind == PSY_STREAM_STATUS && o->u.status.condition == PSY_STREAM_EDA_LOST;
            na_scl += o->kind == PSY_STREAM_SCL && o->onset_s > 62 && o->onset_s < 88 && isnan(o->u.scl.scl_us);
        }
    assert_int_equal(jumps, 3);
    assert_int_equal(lost, 1);
    assert_int_equal(na_scl, 25);
    assert_int_equal(nb[0], nb[1]);
    size_t after = 0;
    for (size_t i = 0; i < nb[0]; i++) {
        int late = bt[0][i] >= 60;
        assert_true(fabs(bt[1][i] - bt[0][i] - (late ? 30 : 0)) < 1e-9);
        if (late && !after++) assert_true(isnan(rr[1][i]) && !isnan(rr[0][i]));
        else if (!isnan(rr[0][i])) assert_true(rr[1][i] == rr[0][i]);
    }
    assert_true(after > 50);
    assert_true(nbr[0] > 20 && nbr[0] == nbr[1]);
    for (size_t i = 0; i < nbr[0]; i++) assert_true(fabs(brt[1][i] - brt[0][i] - (brt[0][i] >= 60 ? 30 : 0)) < 1e-9);
    free(l[0].o), free(l[1].o), free(ecg), free(eda), free(resp);
}

/* ---- threads ------------------------------------------------------------------------------ */

typedef struct pusher {
    psy_stream *s;
    const double *x;
    size_t n;
    volatile int done;
} pusher;

static void *push_thread(void *arg)
{
    pusher *p = arg;
    for (size_t at = 0; at < p->n; at += 50) {
        size_t k = p->n - at < 50 ? p->n - at : 50;
        psy_stream_push_ecg(p->s, p->x + at, k);
    }
    psy_stream_finish(p->s);
    __atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void test_push_and_poll_threads(void **state)
{
    (void)state;
    size_t n;
    double *ecg = synthetic_ecg(250, 600, &n);
    psy_stream_config cfg = psy_stream_config_default(250, 0);
    cfg.queue_capacity = 1 << 16;
    outs ref = run(&cfg, ecg, n, NULL, 0, n);
    psy_stream *s = NULL;
    assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
    pusher p = {s, ecg, n, 0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, push_thread, &p), 0);
    outs l = {0};
    while (!__atomic_load_n(&p.done, __ATOMIC_ACQUIRE)) collect(s, &l);
    pthread_join(th, NULL);
    collect(s, &l);
    same_outputs(&ref, &l);
    psy_stream_destroy(s);
    free(ref.o), free(l.o), free(ecg);
}

/* ---- conditions --------------------------------------------------------------------------- */

static size_t count_status(const outs *l, psy_stream_condition c, double *first_onset)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->o[i].kind == PSY_STREAM_STATUS && l->o[i].u.status.condition == c) {
            if (!n && first_onset) *first_onset = l->o[i].onset_s;
            n++;
        }
    return n;
}

static void test_unplugged_and_back(void **state)
{
    (void)state;
    size_t n_ecg, n_eda;
    double *ecg = synthetic_ecg(500, 200, &n_ecg), *eda = synthetic_eda(32, 200, &n_eda);
    for (size_t i = 50 * 500; i < 60 * 500; i++) ecg[i] = NAN;  /* unplugged */
    for (size_t i = 120 * 500; i < 130 * 500; i++) ecg[i] = 0;  /* flat lead */
    for (size_t i = 100 * 32; i < 105 * 32; i++) eda[i] = NAN;
    psy_stream_config cfg = psy_stream_config_default(500, 32);
    cfg.queue_capacity = 1 << 16;
    outs l = run(&cfg, ecg, n_ecg, eda, n_eda, 333);
    double t_lost = 0, t_back = 0, t_eda = 0;
    assert_int_equal(count_status(&l, PSY_STREAM_ECG_LOST, &t_lost), 2);
    assert_int_equal(count_status(&l, PSY_STREAM_ECG_BACK, &t_back), 2);
    assert_true(fabs(t_lost - 50) < 1e-9 && fabs(t_back - 60) < 1e-9);
    assert_int_equal(count_status(&l, PSY_STREAM_EDA_LOST, &t_eda), 1);
    assert_true(fabs(t_eda - 100) < 1);
    assert_int_equal(count_status(&l, PSY_STREAM_EDA_BACK, NULL), 1);
    /* no beat in the gaps, and beats again after them: no interval spans a gap */
    size_t after = 0, first_after = 0;
    for (size_t i = 0; i < l.n; i++) {
        const psy_stream_output *o = &l.o[i];
        if (o->kind != PSY_STREAM_BEAT) continue;
        assert_false(o->onset_s > 50 && o->onset_s < 60);
        if (o->onset_s > 60 && !first_after++) assert_true(isnan(o->u.beat.rr_ms));
        after += o->onset_s > 130;
    }
    assert_true(after > 70);
    free(l.o), free(ecg), free(eda);
}

/* Contact lost for 30 s at 100 s (0.01 uS, below the 0.05 uS floor): EDA lost from 95 s (the
 * 5 s transition radius) and back at 135 s; the NS-SCR rate of the 60 s window divides by its
 * valid seconds, and is NaN while less than half of them are valid. */
static void test_eda_artifacts_in_the_rate(void **state)
{
    (void)state;
    size_t n_eda = 240 * 32;
    double *eda = malloc(n_eda * sizeof *eda);
    assert_non_null(eda);
    for (size_t i = 0; i < n_eda; i++) { /* an SCR every 15 s from 10 s */
        double t = (double)i / 32, v = 5 + 0.001 * t;
        for (double t0 = 10; t0 < t; t0 += 15) v += 0.3 * (exp(-(t - t0) / 4) - exp(-(t - t0) / 0.75));
        eda[i] = t >= 100 && t < 130 ? 0.01 : v;
    }
    psy_stream_config cfg = psy_stream_config_default(0, 32);
    cfg.queue_capacity = 1 << 16;
    outs l = run(&cfg, NULL, 0, eda, n_eda, 1);
    double t_lost = 0, t_back = 0;
    assert_int_equal(count_status(&l, PSY_STREAM_EDA_LOST, &t_lost), 1);
    assert_int_equal(count_status(&l, PSY_STREAM_EDA_BACK, &t_back), 1);
    assert_true(fabs(t_lost - 95) < 0.5 && fabs(t_back - 135) < 0.5);
    size_t checked = 0, nan_seen = 0;
    for (size_t i = 0; i < l.n; i++) {
        const psy_stream_output *o = &l.o[i];
        if (o->kind == PSY_STREAM_SCR) assert_false(o->u.scr.onset_s > 95 && o->u.scr.onset_s < 135);
        if (o->kind != PSY_STREAM_SCL) continue;
        size_t recent = 0; /* the SCRs of the window, from the outputs so far */
        for (size_t k = 0; k < i; k++)
            recent += l.o[k].kind == PSY_STREAM_SCR && l.o[k].u.scr.onset_s > o->onset_s - 60;
        double invalid = fmax(0, fmin(o->onset_s, 135) - fmax(o->onset_s - 60, 95));
        if (o->onset_s < 60 || o->onset_s > 200) continue; /* SCRs not scored yet near the ends */
        if (invalid > 31.5) assert_true(isnan(o->u.scl.ns_scr_per_min)), nan_seen++;
        else if (invalid < 28.5 && recent)
            assert_true(fabs(o->u.scl.ns_scr_per_min - (double)recent * 60 / (60 - invalid)) <
                        0.05 * o->u.scl.ns_scr_per_min), checked++;
    }
    assert_true(checked >= 80 && nan_seen >= 30);
    free(l.o), free(eda);
}

/* Contact missing from the start for 20 s (ux11 #6, #12: an E4 replay began with an eda_lost
 * status at -0.19 s, the first analysis samples lying before 0 by the low-pass's delay, and its
 * scl lines were null without a reason): the status begins at 0, and each null of an scl line
 * has its reason, in the JSON line too. */
static void test_eda_lost_from_the_start(void **state)
{
    (void)state;
    size_t n_eda = 120 * 32;
    double *eda = malloc(n_eda * sizeof *eda);
    assert_non_null(eda);
    for (size_t i = 0; i < n_eda; i++) eda[i] = i < 20 * 32 ? 0.01 : 5 + 0.001 * (double)i / 32;
    psy_stream_config cfg = psy_stream_config_default(0, 32);
    cfg.queue_capacity = 1 << 16;
    outs l = run(&cfg, NULL, 0, eda, n_eda, 1);
    double t_lost = -1;
    assert_int_equal(count_status(&l, PSY_STREAM_EDA_LOST, &t_lost), 1);
    assert_true(t_lost == 0);
    size_t null_scl = 0, null_rate = 0;
    char line[PSY_STREAM_LINE_MAX];
    for (size_t i = 0; i < l.n; i++) {
        const psy_stream_output *o = &l.o[i];
        assert_true(o->onset_s >= 0);
        if (o->kind != PSY_STREAM_SCL) continue;
        psy_stream_json_line(o, line, sizeof line);
        if (isnan(o->u.scl.scl_us)) {
            assert_non_null(o->u.scl.scl_na);
            assert_non_null(strstr(line, "\"na_reasons\":{\"scl_us\":\"every sample of the interval flagged"));
            null_scl++;
        }
        if (isnan(o->u.scl.ns_scr_per_min)) {
            assert_non_null(o->u.scl.ns_scr_na);
            assert_non_null(strstr(line, "\"ns_scr_per_min\":\"less than half of the NS-SCR window"));
            null_rate++;
        }
        if (!isnan(o->u.scl.scl_us) && !isnan(o->u.scl.ns_scr_per_min)) assert_null(strstr(line, "na_reasons"));
    }
    assert_true(null_scl >= 15 && null_rate >= null_scl);
    free(l.o), free(eda);
}

static void test_rr_input(void **state)
{
    (void)state;
    psy_stream_config cfg = psy_stream_config_default(0, 0);
    cfg.rr_input = 1;
    psy_stream *s = NULL;
    assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
    double rr[200];
    for (int i = 0; i < 200; i++) rr[i] = 800 + 40 * sin(2 * M_PI * i / 10.0);
    rr[100] = NAN; /* a malformed value from the strap */
    assert_int_equal(psy_stream_push_rr(s, rr, NULL, 200), PSY_OK);
    assert_int_equal(psy_stream_push_ecg(s, rr, 1), PSY_E_INVALID);
    psy_stream_finish(s);
    outs l = {0};
    collect(s, &l);
    assert_int_equal(count_kind(&l, PSY_STREAM_BEAT), 199);
    assert_int_equal(count_kind(&l, PSY_STREAM_LABEL), 199);
    assert_int_equal(count_status(&l, PSY_STREAM_RR_INVALID, NULL), 1);
    /* RMSSD of the sine: successive differences of 40 sin(2 pi i / 10) */
    double rmssd = NAN;
    for (size_t i = 0; i < l.n; i++)
        if (l.o[i].kind == PSY_STREAM_HRV) rmssd = l.o[i].u.hrv.rmssd_ms;
    double ss = 0;
    for (int i = 1; i < 10; i++) ss += pow(40 * (sin(2 * M_PI * i / 10.0) - sin(2 * M_PI * (i - 1) / 10.0)), 2);
    ss += pow(40 * (sin(0) - sin(2 * M_PI * 9 / 10.0)), 2);
    assert_true(fabs(rmssd - sqrt(ss / 10)) < 1e-6);
    psy_stream_destroy(s);
    free(l.o);
}

/* RR intervals with their own times, before 0 (a device clock's offset; ux20 review #3: the
 * status of an invalid interval at -3 s said 0): a status begins when its interval does. */
static void test_rr_input_negative_times(void **state)
{
    (void)state;
    psy_stream_config cfg = psy_stream_config_default(0, 0);
    cfg.rr_input = 1;
    psy_stream *s = NULL;
    assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
    double rr[20], t[20];
    for (int i = 0; i < 20; i++) rr[i] = 800, t[i] = -8.0 + 0.8 * i;
    rr[6] = NAN; /* at -3.2 s */
    assert_int_equal(psy_stream_push_rr(s, rr, t, 20), PSY_OK);
    psy_stream_finish(s);
    outs l = {0};
    collect(s, &l);
    double onset = NAN;
    assert_int_equal(count_status(&l, PSY_STREAM_RR_INVALID, &onset), 1);
    assert_true(fabs(onset - -3.2) < 1e-9);
    psy_stream_destroy(s);
    free(l.o);
}

/* Provisional labels: each beat's is the class psy_rr_classify gives its interval among the
 * stretch's intervals so far, on intervals with every artefact the classifier knows and runs of
 * bigeminy, well past the labeller's buffer (~360 beats). An equivalence test: the incremental
 * classifier completed on a copy gives these labels, as classifying the whole buffer at each beat
 * did before (the same labels here: the classifier's windows reach back less than the buffer). */
enum { ECTOPIC_N = 1500 };

/* ECTOPIC_N intervals (ms) with every artefact the classifier knows, a run of bigeminy at 600 and
 * one of trigeminy at 1100. */
static void ectopic_series(double *rr)
{
    test_rng g = {0x5eed17};
    for (size_t i = 0; i < ECTOPIC_N; i++) {
        rr[i] = 800 + 50 * sin((double)i / 4.0) + 30 * (test_uniform(&g) - 0.5);
        double u = test_uniform(&g);
        if (i >= 600 && i < 700) rr[i] = i % 2 ? 620 : 980; /* bigeminy */
        else if (i >= 1100 && i < 1160) rr[i] = i % 3 ? 860 : 560; /* trigeminy */
        else if (u < 0.04 && i + 1 < ECTOPIC_N) rr[i] *= 0.65, rr[++i] = 1080; /* premature, its pause */
        else if (u < 0.05) rr[i] *= 2;    /* missed */
        else if (u < 0.06) rr[i] *= 0.5;  /* extra */
        else if (u < 0.07) rr[i] *= 1.35; /* long */
        else if (u < 0.08) rr[i] *= 0.75; /* short */
    }
}

static void test_provisional_labels_so_far(void **state)
{
    (void)state;
    enum { N = ECTOPIC_N };
    static double rr[N];
    static psy_beat_class want[N];
    ectopic_series(rr);
    psy_stream_config cfg = psy_stream_config_default(0, 0);
    cfg.rr_input = 1;
    cfg.provisional = 1;
    psy_stream *s = NULL;
    assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
    outs l = {0};
    size_t n_prov = 0, abnormal = 0;
    for (size_t k = 0; k < N; k++) {
        assert_int_equal(psy_stream_push_rr(s, rr + k, NULL, 1), PSY_OK);
        size_t from = l.n;
        collect(s, &l);
        assert_int_equal(psy_rr_classify(rr, k + 1, &cfg.rr, want), PSY_OK);
        for (size_t i = from; i < l.n; i++) {
            const psy_stream_output *o = &l.o[i];
            if (o->kind != PSY_STREAM_LABEL || !o->u.label.provisional) continue;
            assert_true(o->u.label.rr_ms == rr[k]);
            if (o->u.label.label != want[k])
                fail_msg("beat %zu: provisional %s, %s on the %zu intervals so far", k,
                         psy_beat_class_name(o->u.label.label), psy_beat_class_name(want[k]), k + 1);
            n_prov++, abnormal += want[k] != PSY_BEAT_NORMAL;
        }
    }
    assert_int_equal(n_prov, N);
    assert_true(abnormal > 100);
    psy_stream_destroy(s);
    free(l.o);
}

/* The final labels of rr_lookahead beats (pushed one interval at a time) with provisional labels
 * on; of the intervals in *abnormal. */
static size_t final_labels(const double *rr, size_t n, int lookahead, int provisional, psy_stream_output *out,
                           size_t *abnormal)
{
    psy_stream_config cfg = psy_stream_config_default(0, 0);
    cfg.rr_input = 1;
    cfg.rr_lookahead = lookahead;
    cfg.provisional = provisional;
    psy_stream *s = NULL;
    assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
    outs l = {0};
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(psy_stream_push_rr(s, rr + k, NULL, 1), PSY_OK);
        collect(s, &l);
    }
    assert_int_equal(psy_stream_finish(s), PSY_OK);
    collect(s, &l);
    size_t m = 0;
    *abnormal = 0;
    for (size_t i = 0; i < l.n; i++)
        if (l.o[i].kind == PSY_STREAM_LABEL && !l.o[i].u.label.provisional) {
            *abnormal += l.o[i].u.label.label != PSY_BEAT_NORMAL;
            out[m++] = l.o[i];
        }
    psy_stream_destroy(s);
    free(l.o);
    return m;
}

/* A lookahead shorter than the exact one classifies the buffer at each beat: with provisional
 * labels on, the final ones reuse the provisional label's classification of the same buffer
 * (stream_labels.c); they equal those without provisional labels (the CLI's --exact), beat for
 * beat, on intervals with ectopic beats. */
static void test_short_lookahead_final_labels(void **state)
{
    (void)state;
    static double rr[ECTOPIC_N];
    static psy_stream_output with[ECTOPIC_N + 1], without[ECTOPIC_N + 1];
    ectopic_series(rr);
    size_t abnormal = 0, abnormal_without = 0;
    size_t n = final_labels(rr, ECTOPIC_N, 5, 1, with, &abnormal);
    assert_int_equal(final_labels(rr, ECTOPIC_N, 5, 0, without, &abnormal_without), n);
    assert_int_equal(n, ECTOPIC_N);
    for (size_t i = 0; i < n; i++) {
        const psy_stream_output *a = &with[i], *b = &without[i];
        if (a->onset_s != b->onset_s || a->u.label.label != b->u.label.label || a->u.label.corrected != b->u.label.corrected)
            fail_msg("final label %zu: %s (corrected %d) with provisional labels, %s (%d) without", i,
                     psy_beat_class_name(a->u.label.label), a->u.label.corrected,
                     psy_beat_class_name(b->u.label.label), b->u.label.corrected);
    }
    assert_true(abnormal > 100);
}

static void test_dropped_when_nobody_polls(void **state)
{
    (void)state;
    size_t n;
    double *ecg = synthetic_ecg(250, 120, &n);
    psy_stream_config cfg = psy_stream_config_default(250, 0);
    cfg.queue_capacity = 16;
    psy_stream *s = NULL;
    assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
    assert_int_equal(psy_stream_push_ecg(s, ecg, n), PSY_OK);
    psy_stream_output o[32];
    size_t k = psy_stream_poll(s, o, 32);
    assert_int_equal(k, 17);
    assert_int_equal(o[0].kind, PSY_STREAM_STATUS);
    assert_int_equal(o[0].u.status.condition, PSY_STREAM_DROPPED);
    assert_true(o[0].u.status.count > 100);
    assert_int_equal(psy_stream_poll(s, o, 32), 0);
    psy_stream_destroy(s);
    free(ecg);
}

/* Push, finish and poll allocate nothing over 20 minutes of ECG and EDA with beats, labels, HRV
 * spectra and SCRs. */
/* Breaths (issue 20): a respiration channel at 25 Hz breathing at the ECG's RSA rhythm (0.1 Hz,
 * 6 /min): the breaths of the offline detector, pushed whole or in odd chunks; each with the
 * heart-rate oscillation of the raw intervals within it (RR 850 +- 60 ms: about 10 bpm; the one
 * breath with the premature beat and its pause more); the HRV lines
 * carry the coherence ratio of a spectrum with one peak at 0.1 Hz. */
static void test_breaths(void **state)
{
    (void)state;
    size_t n_ecg, n_resp = 25 * 400;
    double *ecg = synthetic_ecg(500, 400, &n_ecg), *resp = malloc(n_resp * sizeof *resp);
    for (size_t i = 0; i < n_resp; i++) resp[i] = sin(2 * M_PI * 0.1 * (double)i / 25);
    psy_resp_config rc = psy_resp_config_default(25);
    psy_resp_detector *d = NULL;
    assert_int_equal(psy_resp_detector_create(&rc, &d), PSY_OK);
    psy_breath want[64];
    size_t used;
    assert_int_equal(psy_resp_detector_push(d, resp, n_resp, &used), PSY_OK);
    assert_int_equal(used, n_resp);
    psy_resp_detector_finish(d);
    size_t n_want = psy_resp_detector_pop(d, want, 64);
    psy_resp_detector_destroy(d);
    assert_true(n_want >= 37 && n_want <= 40);
    for (int chunked = 0; chunked < 2; chunked++) {
        psy_stream_config cfg = psy_stream_config_default(500, 0);
        cfg.resp_rate_hz = 25;
        psy_stream *s = NULL;
        assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
        outs l = {0};
        for (size_t sec = 0; sec < 400; sec++) { /* a second of each channel at a time */
            psy_stream_push_ecg(s, ecg + sec * 500, 500);
            if (!chunked) {
                psy_stream_push_resp(s, resp + sec * 25, 25);
            } else {
                psy_stream_push_resp(s, resp + sec * 25, 7);
                psy_stream_push_resp(s, resp + sec * 25 + 7, 18);
            }
            collect(s, &l);
        }
        psy_stream_finish(s);
        collect(s, &l);
        size_t k = 0, coherent = 0;
        for (size_t i = 0; i < l.n; i++) {
            const psy_stream_output *o = &l.o[i];
            if (o->kind == PSY_STREAM_HRV && o->u.hrv.coherence_ratio > 5) coherent++;
            if (o->kind != PSY_STREAM_BREATH) continue;
            assert_true(k < n_want);
            assert_true(fabs(o->onset_s - (double)want[k].onset / 25) < 1e-9);
            assert_true(fabs(o->u.breath.peak_s - (double)want[k].peak / 25) < 1e-9);
            assert_true(fabs(o->u.breath.end_s - (double)want[k].end / 25) < 1e-9);
            assert_true(fabs(o->u.breath.rate_per_min - 60 / o->u.breath.duration_s) < 1e-9);
            assert_true(o->u.breath.amplitude == want[k].amplitude);
            int premature = o->onset_s < 101 && o->u.breath.end_s > 98; /* beats 120-121: raw RR */
            if (!premature && !(o->u.breath.hr_osc_bpm > 8 && o->u.breath.hr_osc_bpm < 10.5))
                fail_msg("breath at %.1f s: heart-rate oscillation %.2f bpm", o->onset_s, o->u.breath.hr_osc_bpm);
            assert_true(o->u.breath.rsa_p2t_ms >= 0);
            k++;
        }
        assert_int_equal(k, n_want);
        assert_true(coherent > 40); /* a line every 5 s once the spectrum has 120 s */
        assert_int_equal(psy_stream_push_resp(s, resp, 1), PSY_E_INVALID); /* after finish */
        free(l.o);
        psy_stream_destroy(s);
    }
    psy_stream_config cfg = psy_stream_config_default(0, 0);
    cfg.resp_rate_hz = 2; /* below the detector's 4 Hz */
    psy_stream *s = NULL;
    psy_message why = {{0}};
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "respiration rate"));
    cfg.resp_rate_hz = 25; /* respiration alone is a stream */
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_OK);
    double x = 0;
    assert_int_equal(psy_stream_push_ecg(s, &x, 1), PSY_E_INVALID);
    psy_stream_destroy(s);
    assert_string_equal(psy_stream_kind_name(PSY_STREAM_BREATH), "breath");
    free(ecg), free(resp);
}

#ifdef COUNT_ALLOCATIONS
/* Polls everything out, counting beats, HRV and breath outputs (the buffer is on the stack). */
static void poll_counting(psy_stream *s, size_t *beats, size_t *hrv, size_t *breaths)
{
    psy_stream_output o[256];
    size_t k;
    while ((k = psy_stream_poll(s, o, 256)) > 0)
        for (size_t i = 0; i < k; i++)
            *beats += o[i].kind == PSY_STREAM_BEAT, *hrv += o[i].kind == PSY_STREAM_HRV,
                *breaths += o[i].kind == PSY_STREAM_BREATH;
}
#endif

static void test_no_allocation_after_create(void **state)
{
    (void)state;
#ifndef COUNT_ALLOCATIONS
    skip();
#else
    size_t n_ecg, n_eda;
    double *ecg = synthetic_ecg(500, 1200, &n_ecg), *eda = synthetic_eda(32, 1200, &n_eda);
    double resp[25];
    psy_stream_config cfg = psy_stream_config_default(500, 32);
    cfg.resp_rate_hz = 25;
    cfg.provisional = 1; /* a provisional label and HRV line per beat, from the same buffers */
    cfg.hrv_interval_s = 0; /* and a final line after every interval: the most work there is */
    psy_stream *s = NULL;
    assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
    size_t beats = 0, hrv = 0, breaths = 0;
    long before = allocation_count();
    for (size_t b = 0; b * 500 < n_ecg; b++) { /* one second at a time */
        psy_stream_push_ecg(s, ecg + b * 500, 500);
        if (b * 32 + 32 <= n_eda) psy_stream_push_eda(s, eda + b * 32, 32);
        for (int i = 0; i < 25; i++) resp[i] = sin(2 * M_PI * 0.25 * ((double)b + i / 25.0));
        psy_stream_push_resp(s, resp, 25);
        poll_counting(s, &beats, &hrv, &breaths);
    }
    psy_stream_finish(s);
    poll_counting(s, &beats, &hrv, &breaths);
    assert_int_equal(allocation_count(), before);
    assert_true(beats > 1300 && hrv > 2400 && breaths > 290); /* final and provisional; 15 /min over 1200 s */
    psy_stream *counted = NULL; /* the counter counts: create allocates */
    assert_int_equal(psy_stream_create(&cfg, &counted, NULL), PSY_OK);
    assert_true(allocation_count() > before + 10);
    psy_stream_destroy(counted);
    psy_stream_destroy(s);
    free(ecg), free(eda);
#endif
}

/* The same from a PPG: 20 minutes of 100 Hz pulses (a fast rise, a slow decay) at 75 bpm. */
static void test_no_allocation_ppg(void **state)
{
    (void)state;
#ifndef COUNT_ALLOCATIONS
    skip();
#else
    double *ppg = malloc(120000 * sizeof *ppg);
    for (size_t i = 0; i < 120000; i++) {
        double u = fmod((double)i / 100, 0.8);
        ppg[i] = u < 0.12 ? u / 0.12 : exp(-(u - 0.12) / 0.25);
    }
    psy_stream_config cfg = psy_stream_config_default(0, 0);
    cfg.ppg_rate_hz = 100;
    cfg.hrv_interval_s = 0; /* a line after every interval */
    psy_stream *s = NULL;
    assert_int_equal(psy_stream_create(&cfg, &s, NULL), PSY_OK);
    size_t beats = 0, hrv = 0, breaths = 0;
    long before = allocation_count();
    for (size_t b = 0; b < 1200; b++) {
        psy_stream_push_ppg(s, ppg + b * 100, 100);
        poll_counting(s, &beats, &hrv, &breaths);
    }
    psy_stream_finish(s);
    poll_counting(s, &beats, &hrv, &breaths);
    assert_int_equal(allocation_count(), before);
    assert_true(beats > 1450 && hrv > 1400);
    psy_stream_destroy(s);
    free(ppg);
#endif
}

static void test_bad_settings(void **state)
{
    (void)state;
    psy_stream *s = NULL;
    psy_message why = {{0}};
    psy_stream_config cfg = psy_stream_config_default(0, 0);
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "no channel"));
    cfg = psy_stream_config_default(10, 0);
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_E_INVALID);
    cfg = psy_stream_config_default(250, 0);
    cfg.rr_input = 1;
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_E_INVALID);
    cfg = psy_stream_config_default(250, 0);
    cfg.ppg_rate_hz = 125;
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "ECG and PPG input together"));
    cfg = psy_stream_config_default(0, 0);
    cfg.ppg_rate_hz = 20; /* below the pulse detector's 25 Hz */
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_E_INVALID);
    cfg.ppg_rate_hz = 64;
    cfg.rr_input = 1;
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_E_INVALID);
    cfg = psy_stream_config_default(250, 0);
    cfg.freq_window_s = 5;
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_E_INVALID);
    assert_null(s);
    cfg = psy_stream_config_default(250, 0);
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_OK);
    double x = 0;
    assert_int_equal(psy_stream_push_eda(s, &x, 1), PSY_E_INVALID); /* no EDA channel */
    assert_int_equal(psy_stream_push_rr(s, &x, NULL, 1), PSY_E_INVALID);
    assert_int_equal(psy_stream_push_ppg(s, &x, 1), PSY_E_INVALID); /* no PPG channel */
    psy_stream_destroy(s);
    cfg = psy_stream_config_default(0, 0);
    cfg.ppg_rate_hz = 64;
    assert_int_equal(psy_stream_create(&cfg, &s, &why), PSY_OK);
    assert_int_equal(psy_stream_push_ecg(s, &x, 1), PSY_E_INVALID); /* no ECG channel */
    assert_true(psy_stream_beat_latency(s) > 1 && psy_stream_beat_latency(s) < 4);
    psy_stream_destroy(s);
    psy_stream_destroy(NULL);
    assert_string_equal(psy_stream_kind_name(PSY_STREAM_HRV), "hrv");
    assert_string_equal(psy_stream_condition_name(PSY_STREAM_DROPPED), "dropped");
    assert_string_equal(psy_stream_condition_name(PSY_STREAM_PPG_LOST), "ppg_lost");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunked_equals_one_push),
        cmocka_unit_test(test_hrv_cadence),
        cmocka_unit_test(test_replay_recording),
        cmocka_unit_test(test_replay_object),
        cmocka_unit_test(test_replay_mitdb),
        cmocka_unit_test(test_replay_bigeminy),
        cmocka_unit_test(test_replay_ppg),
        cmocka_unit_test(test_replay_gaps_movesense),
        cmocka_unit_test(test_replay_gaps_synthetic),
        cmocka_unit_test(test_push_gap),
        cmocka_unit_test(test_push_and_poll_threads),
        cmocka_unit_test(test_unplugged_and_back),
        cmocka_unit_test(test_eda_artifacts_in_the_rate),
        cmocka_unit_test(test_eda_lost_from_the_start),
        cmocka_unit_test(test_rr_input),
        cmocka_unit_test(test_rr_input_negative_times),
        cmocka_unit_test(test_provisional_labels_so_far),
        cmocka_unit_test(test_short_lookahead_final_labels),
        cmocka_unit_test(test_dropped_when_nobody_polls),
        cmocka_unit_test(test_breaths),
        cmocka_unit_test(test_no_allocation_after_create),
        cmocka_unit_test(test_no_allocation_ppg),
        cmocka_unit_test(test_bad_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
