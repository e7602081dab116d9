/* The live streaming object: ECG -> R-peak detector -> beats, HR, labels, NN -> rolling HRV;
 * EDA -> psy_eda_stream -> SCL, SCRs, NS-SCR rate; PPG -> pulse detector and RR intervals -> the
 * same beat path; respiration -> psy_resp_detector -> breaths, with the RSA of the beats within each.
 * See include/psyphys/stream.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eda_internal.h"
#include "psy_core.h" /* psy_fail */
#include "rsa_internal.h"
#include "stream_internal.h"

#define SCR_RING 1024 /* recent SCR onsets for the NS-SCR rate: > 10 a minute over 10 min */
#define VALID_RING 601 /* valid EDA samples per second over the longest NS-SCR window (600 s) */
#define BEAT_RING 1024 /* recent beats for the RSA of a breath: a breath of 5 min at 200 bpm */

struct psy_stream {
    psy_stream_config cfg;
    stream_queue queue;
    int finished;
    /* ECG */
    psy_ecg_detector *det;
    psy_ecg_gap gaps[16];     /* recent detector gaps (unusable PPG stretches), to break RR across them */
    size_t n_gaps, gap_next;
    stream_clock heart, resp_clock; /* the heart (ECG or PPG) and respiration inputs' clocks */
    int64_t last_beat;         /* sample of the previous beat (-1 none) */
    double last_beat_at;       /* its position, fractional samples (psy_ecg_beat's sample + offset) */
    double last_beat_t;        /* its time (s) */
    int ecg_lost;
    double ecg_last;
    int64_t ecg_same;          /* run of equal samples, for the flat-lead status */
    /* PPG */
    psy_ppg_detector *ppg;
    double last_pulse;         /* fractional sample of the previous pulse's half-amplitude point (NaN none) */
    /* RR input */
    double rr_clock_s, rr_last_t;
    int rr_any;
    /* beats -> labels, NN, HRV */
    stream_labels labels;
    stream_hrv hrv;
    /* EDA */
    psy_eda_stream *eda;
    double scl_sum;
    int64_t scl_n;
    double scl_next_t;
    int eda_lost;
    double scr_onsets[SCR_RING];
    size_t scr_head, scr_n;
    double eda_now_t;
    int64_t eda_n;             /* samples pushed */
    /* valid analysis samples per second: the NS-SCR rate divides by the valid time */
    int32_t valid_per_s[VALID_RING];
    int64_t valid_sec;         /* the second the newest sample fell in (-1: none yet) */
    /* respiration, and the recent beats' raw intervals for the RSA of each breath */
    psy_resp_detector *resp;
    double beat_t[BEAT_RING], beat_rr[BEAT_RING];
    size_t beat_head, beat_n;
    double breath_t[BEAT_RING], breath_rr[BEAT_RING]; /* one breath's beats, in order */
};

psy_stream_config psy_stream_config_default(double ecg_rate_hz, double eda_rate_hz)
{
    psy_stream_config c;
    memset(&c, 0, sizeof c);
    c.ecg_rate_hz = ecg_rate_hz;
    c.eda_rate_hz = eda_rate_hz;
    c.detector = psy_ecg_detector_config_default(ecg_rate_hz);
    c.rr = psy_rr_config_default();
    c.rr_lookahead = c.rr.qd_window / 2 + c.rr.median_window / 2 + 3;
    c.eda = psy_eda_config_default(eda_rate_hz > 0 ? eda_rate_hz : 32);
    c.hrv = psy_hrv_config_default();
    c.time_window_s = 60;
    c.freq_window_s = 128;
    c.hrv_interval_s = 5;
    c.resonance_band_hz[0] = 0.04;
    c.resonance_band_hz[1] = 0.15;
    c.resonance_halfwidth_hz = 0.015;
    c.scl_interval_s = 1;
    c.ns_scr_window_s = 60;
    c.queue_capacity = 4096;
    return c;
}

const char *psy_stream_kind_name(psy_stream_kind k)
{
    static const char *const names[PSY_STREAM_KIND_COUNT] = {"beat", "hr", "label", "hrv",
                                                             "scl", "scr", "status", "breath"};
    return (unsigned)k < PSY_STREAM_KIND_COUNT ? names[k] : "";
}

const char *psy_stream_condition_name(psy_stream_condition c)
{
    static const char *const names[PSY_STREAM_CONDITION_COUNT] = {
        "ecg_lost", "ecg_back", "eda_lost", "eda_back", "rr_invalid", "dropped", "ppg_lost", "ppg_back", "time_jump"};
    return (unsigned)c < PSY_STREAM_CONDITION_COUNT ? names[c] : "";
}

const char *psy_stream_input_name(psy_stream_input input)
{
    static const char *const names[PSY_STREAM_INPUT_COUNT] = {"heart", "eda", "resp"};
    return (unsigned)input < PSY_STREAM_INPUT_COUNT ? names[input] : "";
}

static psy_status check(const psy_stream_config *c, psy_message *why)
{
#define BAD(cond, ...) \
    if (cond) return psy_fail(why, PSY_E_INVALID, __VA_ARGS__)
    BAD(!psy_reserved_clear(c->reserved) || c->zero_ != 0, "%s", PSY_RESERVED_REASON);
    BAD(c->provisional != 0 && c->provisional != 1, "provisional %d not 0 or 1", (int)c->provisional);
    BAD(!(c->ecg_rate_hz == 0 || (c->ecg_rate_hz >= 50 && c->ecg_rate_hz <= 20000)),
        "ECG rate %g Hz not 0 or in [50, 20000]", c->ecg_rate_hz);
    BAD(!(c->eda_rate_hz == 0 || (c->eda_rate_hz >= 1 && c->eda_rate_hz <= 100000)),
        "EDA rate %g Hz not 0 or in [1, 100000]", c->eda_rate_hz);
    BAD(!(c->ppg_rate_hz == 0 || (c->ppg_rate_hz >= 25 && c->ppg_rate_hz <= 1000)),
        "PPG rate %g Hz not 0 or in [25, 1000]", c->ppg_rate_hz);
    BAD(!(c->resp_rate_hz == 0 || (c->resp_rate_hz >= 4 && c->resp_rate_hz <= 20000)),
        "respiration rate %g Hz not 0 or in [4, 20000]", c->resp_rate_hz);
    BAD(c->ecg_rate_hz == 0 && c->ppg_rate_hz == 0 && c->eda_rate_hz == 0 && c->resp_rate_hz == 0 && !c->rr_input,
        "no channel: give an ECG, PPG, EDA or respiration rate or RR input");
    BAD((c->ecg_rate_hz > 0) + (c->ppg_rate_hz > 0) + !!c->rr_input > 1,
        "%s input together: beats come from one of them",
        c->ecg_rate_hz > 0 ? (c->ppg_rate_hz > 0 ? "ECG and PPG" : "ECG and RR") : "PPG and RR");
    BAD(c->rr_lookahead < 2 || c->rr_lookahead > 200, "rr_lookahead %d not in 2..200", c->rr_lookahead);
    BAD(!(c->time_window_s >= 5 && c->time_window_s <= 3600), "time_window_s %g not in [5, 3600]", c->time_window_s);
    BAD(c->time_window_beats == 1 || c->time_window_beats > 4096, "time_window_beats %zu not 0 or in 2..4096",
        c->time_window_beats);
    BAD(!(c->freq_window_s >= 30 && c->freq_window_s <= 600), "freq_window_s %g not in [30, 600]", c->freq_window_s);
    BAD(!(c->hrv_interval_s == 0 || (c->hrv_interval_s >= 0.5 && c->hrv_interval_s <= 60)),
        "hrv_interval_s %g not 0 or in [0.5, 60]", c->hrv_interval_s);
    BAD(!(c->resonance_band_hz[0] >= 0 && c->resonance_band_hz[1] > c->resonance_band_hz[0] &&
          c->resonance_band_hz[1] <= c->hrv.max_hz),
        "resonance band %g..%g Hz invalid", c->resonance_band_hz[0], c->resonance_band_hz[1]);
    BAD(!(c->resonance_halfwidth_hz > 0 && c->resonance_halfwidth_hz <= 0.1), "resonance_halfwidth_hz %g not in (0, 0.1]",
        c->resonance_halfwidth_hz);
    BAD(!(c->scl_interval_s >= 0.1 && c->scl_interval_s <= 60), "scl_interval_s %g not in [0.1, 60]", c->scl_interval_s);
    BAD(!(c->ns_scr_window_s >= 10 && c->ns_scr_window_s <= 600), "ns_scr_window_s %g not in [10, 600]",
        c->ns_scr_window_s);
    BAD(c->queue_capacity < 16 || c->queue_capacity > ((size_t)1 << 20), "queue_capacity %zu not in 16..1048576",
        c->queue_capacity);
#undef BAD
    return PSY_OK;
}

psy_status psy_stream_create(const psy_stream_config *config, psy_stream **out, psy_message *why)
{
    if (!config || !out) return psy_fail(why, PSY_E_INVALID, "no configuration or output pointer");
    *out = NULL;
    psy_status st = check(config, why);
    if (st != PSY_OK) return st;
    psy_stream *s = calloc(1, sizeof *s);
    if (!s) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    s->cfg = *config;
    s->cfg.detector.rate_hz = config->ecg_rate_hz;
    s->cfg.eda.rate_hz = config->eda_rate_hz;
    st = stream_queue_init(&s->queue, s->cfg.queue_capacity);
    if (st == PSY_OK && s->cfg.ecg_rate_hz > 0 && psy_ecg_detector_create(&s->cfg.detector, &s->det) != PSY_OK)
        st = psy_fail(why, PSY_E_INVALID, "the R-peak detector settings are invalid at %g Hz", s->cfg.ecg_rate_hz);
    psy_ppg_detector_config pc = psy_ppg_detector_config_default(s->cfg.ppg_rate_hz);
    if (st == PSY_OK && s->cfg.ppg_rate_hz > 0) {
        st = psy_ppg_detector_create(&pc, &s->ppg);
        if (st != PSY_OK)
            st = psy_fail(why, st, st == PSY_E_NOMEM ? "out of memory"
                                                     : "the pulse detector settings are invalid at %g Hz",
                          s->cfg.ppg_rate_hz);
    }
    if (st == PSY_OK && (s->cfg.ecg_rate_hz > 0 || s->cfg.ppg_rate_hz > 0 || s->cfg.rr_input)) {
        if (stream_labels_init(&s->labels, &s->cfg) != PSY_OK) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
        if (st == PSY_OK) st = stream_hrv_init(&s->hrv, &s->cfg, s->cfg.provisional ? 2 * s->labels.cap : 0, why);
    }
    psy_resp_config rc = psy_resp_config_default(s->cfg.resp_rate_hz);
    if (st == PSY_OK && s->cfg.resp_rate_hz > 0 && psy_resp_detector_create(&rc, &s->resp) != PSY_OK)
        st = psy_fail(why, PSY_E_INVALID, "the breath detector settings are invalid at %g Hz", s->cfg.resp_rate_hz);
    if (st == PSY_OK && s->cfg.eda_rate_hz > 0) {
        st = psy_eda_config_check(&s->cfg.eda, why);
        if (st == PSY_OK && psy_eda_stream_create(&s->cfg.eda, &s->eda) != PSY_OK)
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    if (st != PSY_OK) {
        psy_stream_destroy(s);
        return st;
    }
    psy_stream_reset(s);
    *out = s;
    return PSY_OK;
}

void psy_stream_reset(psy_stream *s)
{
    if (!s) return;
    psy_ecg_detector_reset(s->det);
    psy_ppg_detector_reset(s->ppg);
    if (s->eda) psy_eda_stream_reset(s->eda);
    if (s->resp) psy_resp_detector_reset(s->resp);
    s->beat_head = s->beat_n = 0;
    if (s->det || s->ppg || s->cfg.rr_input) {
        stream_labels_reset(&s->labels);
        stream_hrv_reset(&s->hrv);
    }
    stream_queue_clear(&s->queue);
    s->finished = 0;
    s->n_gaps = s->gap_next = 0;
    stream_clock_reset(&s->heart), stream_clock_reset(&s->resp_clock);
    s->last_beat = -1, s->last_pulse = NAN;
    s->ecg_lost = 0, s->ecg_last = 0, s->ecg_same = 0;
    s->rr_clock_s = 0, s->rr_last_t = -INFINITY, s->rr_any = 0;
    s->scl_sum = 0, s->scl_n = 0, s->scl_next_t = s->cfg.scl_interval_s;
    s->eda_lost = 0, s->scr_head = s->scr_n = 0, s->eda_now_t = 0, s->eda_n = 0;
    memset(s->valid_per_s, 0, sizeof s->valid_per_s);
    s->valid_sec = -1;
}

void psy_stream_destroy(psy_stream *s)
{
    if (!s) return;
    psy_ecg_detector_destroy(s->det);
    psy_ppg_detector_destroy(s->ppg);
    psy_eda_stream_destroy(s->eda);
    psy_resp_detector_destroy(s->resp);
    if (s->labels.rr || s->labels.cap) stream_labels_free(&s->labels);
    stream_hrv_free(&s->hrv);
    stream_queue_free(&s->queue);
    free(s);
}

const psy_stream_config *psy_stream_get_config(const psy_stream *s)
{
    return s ? &s->cfg : NULL;
}

double psy_stream_beat_latency(const psy_stream *s)
{
    return !s ? 0 : s->det ? psy_ecg_detector_latency(s->det) : s->ppg ? psy_ppg_detector_latency(s->ppg) : 0;
}

size_t psy_stream_poll(psy_stream *s, psy_stream_output *out, size_t max)
{
    if (!s || !out) return 0;
    return stream_queue_pop(&s->queue, out, max);
}

static void put(void *ctx, const psy_stream_output *o)
{
    stream_queue_put(&((psy_stream *)ctx)->queue, o);
}

static void status(psy_stream *s, psy_stream_condition c, double onset_s, int64_t count)
{
    psy_stream_output o;
    memset(&o, 0, sizeof o);
    o.kind = PSY_STREAM_STATUS;
    o.onset_s = onset_s;
    o.u.status.condition = c;
    o.u.status.count = count;
    put(s, &o);
}

static void remember_gap(psy_stream *s, psy_ecg_gap g)
{
    s->gaps[s->gap_next] = g;
    s->gap_next = (s->gap_next + 1) % (sizeof s->gaps / sizeof s->gaps[0]);
    if (s->n_gaps < sizeof s->gaps / sizeof s->gaps[0]) s->n_gaps++;
}

/* A beat of either source: its output, its HR, then the labeller. */
static void beat(psy_stream *s, int64_t sample, double t_s, double rr_ms, int new_stretch)
{
    psy_stream_output o;
    memset(&o, 0, sizeof o);
    o.kind = PSY_STREAM_BEAT;
    o.onset_s = t_s;
    o.u.beat.sample = sample;
    o.u.beat.rr_ms = rr_ms;
    put(s, &o);
    if (!isnan(rr_ms)) {
        if (s->beat_n == BEAT_RING) s->beat_head = (s->beat_head + 1) % BEAT_RING, s->beat_n--;
        size_t k = (s->beat_head + s->beat_n++) % BEAT_RING;
        s->beat_t[k] = t_s, s->beat_rr[k] = rr_ms;
        o.kind = PSY_STREAM_HR;
        memset(&o.u, 0, sizeof o.u);
        o.u.hr.bpm = 60000.0 / rr_ms;
        put(s, &o);
    }
    stream_labels_beat(&s->labels, sample, t_s, rr_ms, new_stretch, &s->hrv, put, s);
}

/* ---- ECG ---------------------------------------------------------------------------------- */

static int gap_between(const psy_stream *s, int64_t a, int64_t b)
{
    for (size_t g = 0; g < s->n_gaps; g++)
        if (s->gaps[g].start < b && s->gaps[g].end > a) return 1;
    return 0;
}

/* The interval (ms) between two beats d_samples apart at rate, d_t_s apart in time: NaN when the
 * two differ by more than half a sample (a gap pushed between them), psy_beats_detect's rule. */
static double interval_ms(double d_samples, double d_t_s, double rate)
{
    return fabs(d_t_s - d_samples / rate) > 0.5 / rate ? NAN : 1000.0 * d_samples / rate;
}

/* Moves what the detector has emitted into outputs; gaps first (they break the RR series). */
static void drain_detector(psy_stream *s)
{
    psy_ecg_gap g;
    while (psy_ecg_detector_pop_gaps(s->det, &g, 1) == 1) remember_gap(s, g);
    psy_ecg_beat b;
    double rate = s->cfg.ecg_rate_hz;
    while (psy_ecg_detector_pop_beats(s->det, &b, 1) == 1) {
        double at = (double)b.sample + b.offset;
        double t = (double)b.sample / rate + (double)b.offset / rate + stream_clock_shift(&s->heart, b.sample);
        double rr = s->last_beat >= 0 && !gap_between(s, s->last_beat, b.sample)
                        ? interval_ms(at - s->last_beat_at, t - s->last_beat_t, rate)
                        : NAN;
        s->last_beat = b.sample, s->last_beat_at = at, s->last_beat_t = t;
        beat(s, b.sample, t, rr, isnan(rr)); /* as offline */
    }
}

/* Lead-off status as samples arrive: NaN at once, flat after the detector's flat_s. */
static void watch_ecg(psy_stream *s, double x)
{
    double rate = s->cfg.ecg_rate_hz;
    int64_t flat_len = (int64_t)llround(s->cfg.detector.flat_s * rate);
    if (x == s->ecg_last) s->ecg_same++;
    else s->ecg_same = 0;
    s->ecg_last = x;
    int bad = isnan(x) || (flat_len > 0 && s->ecg_same >= flat_len);
    if (bad && !s->ecg_lost) {
        int64_t from = isnan(x) ? s->heart.pushed : s->heart.pushed - flat_len;
        status(s, PSY_STREAM_ECG_LOST, (double)from / rate + stream_clock_shift(&s->heart, from), 0);
    } else if (!bad && s->ecg_lost) {
        status(s, PSY_STREAM_ECG_BACK, (double)s->heart.pushed / rate + stream_clock_shift(&s->heart, s->heart.pushed), 0);
    }
    s->ecg_lost = bad;
}

psy_status psy_stream_push_ecg(psy_stream *s, const double *x, size_t n)
{
    if (!s || !s->det || (!x && n) || s->finished) return PSY_E_INVALID;
    for (size_t off = 0; off < n;) {
        /* small steps: the detector's queues never fill, and statuses keep their order */
        size_t step = n - off < 256 ? n - off : 256, used = 0;
        for (size_t i = 0; i < step; i++) {
            watch_ecg(s, x[off + i]);
            s->heart.pushed++;
        }
        for (size_t done = 0; done < step;) {
            psy_ecg_detector_push(s->det, x + off + done, step - done, &used);
            done += used;
            drain_detector(s);
        }
        off += step;
    }
    return PSY_OK;
}

/* ---- PPG ---------------------------------------------------------------------------------- */

/* Unusable stretches first (they break the pulse intervals, as offline: psy_pulses_detect), each
 * as a lost / back status pair; then the pulses: beats at their half-amplitude points. */
static void drain_ppg(psy_stream *s)
{
    double rate = s->cfg.ppg_rate_hz;
    psy_ppg_unusable u;
    while (psy_ppg_detector_pop_unusable(s->ppg, &u, 1) == 1) {
        remember_gap(s, (psy_ecg_gap){u.start, u.end, u.reason != PSY_PPG_MISSING});
        psy_stream_output o;
        memset(&o, 0, sizeof o);
        o.kind = PSY_STREAM_STATUS;
        o.onset_s = (double)u.start / rate + stream_clock_shift(&s->heart, u.start);
        o.u.status.condition = PSY_STREAM_PPG_LOST;
        o.u.status.reason = (int)u.reason;
        put(s, &o);
        status(s, PSY_STREAM_PPG_BACK, (double)u.end / rate + stream_clock_shift(&s->heart, u.end), 0);
    }
    psy_ppg_pulse p;
    while (psy_ppg_detector_pop_pulses(s->ppg, &p, 1) == 1) {
        int64_t sample = (int64_t)floor(p.mid);
        /* the time as psy_pulses_detect takes it: the sample's, plus the point's fraction */
        double t = (double)sample / rate + (p.mid - (double)sample) / rate + stream_clock_shift(&s->heart, sample);
        double rr = !isnan(s->last_pulse) && !gap_between(s, (int64_t)floor(s->last_pulse), sample)
                        ? interval_ms(p.mid - s->last_pulse, t - s->last_beat_t, rate)
                        : NAN;
        s->last_pulse = p.mid, s->last_beat_t = t;
        beat(s, sample, t, rr, isnan(rr));
    }
}

psy_status psy_stream_push_ppg(psy_stream *s, const double *x, size_t n)
{
    if (!s || !s->ppg || (!x && n) || s->finished) return PSY_E_INVALID;
    s->heart.pushed += (int64_t)n;
    for (size_t off = 0; off < n;) {
        /* small steps: the detector's queues (64 pulses, 64 stretches) never fill */
        size_t step = n - off < 256 ? n - off : 256, used = 0;
        for (size_t done = 0; done < step;) {
            psy_ppg_detector_push(s->ppg, x + off + done, step - done, &used);
            done += used;
            drain_ppg(s);
        }
        off += step;
    }
    return PSY_OK;
}

/* ---- RR ----------------------------------------------------------------------------------- */

psy_status psy_stream_push_rr(psy_stream *s, const double *rr_ms, const double *t_s, size_t n)
{
    if (!s || !s->cfg.rr_input || (!rr_ms && n) || s->finished) return PSY_E_INVALID;
    for (size_t i = 0; i < n; i++) {
        double rr = rr_ms[i];
        int valid = rr > 0 && isfinite(rr);
        double t = t_s ? t_s[i] : s->rr_clock_s + (valid ? rr / 1000.0 : 0);
        if (!valid) status(s, PSY_STREAM_RR_INVALID, isfinite(t) ? t : s->rr_clock_s, 0);
        if (!isfinite(t) || !(t > s->rr_last_t)) continue; /* no time for it: nothing to place */
        /* A stretch continues while each beat follows the one before by its interval (within
         * 50 ms or 20 %: psy_beats_detect's rule for device lists that drop beats). */
        int follows = valid && s->rr_any && fabs(1000.0 * (t - s->rr_last_t) - rr) <= fmax(50.0, 0.2 * rr);
        beat(s, -1, t, valid ? rr : NAN, !follows);
        s->rr_any = valid;
        s->rr_last_t = t;
        s->rr_clock_s = t;
    }
    return PSY_OK;
}

/* ---- EDA ---------------------------------------------------------------------------------- */

static void drain_eda(psy_stream *s)
{
    psy_eda_scr r;
    while (psy_eda_stream_pop(s->eda, &r, 1) == 1) {
        psy_stream_output o;
        memset(&o, 0, sizeof o);
        o.kind = PSY_STREAM_SCR;
        o.onset_s = r.onset_s;
        o.u.scr = r;
        put(s, &o);
        if (s->scr_n == SCR_RING) s->scr_head = (s->scr_head + 1) % SCR_RING, s->scr_n--;
        s->scr_onsets[(s->scr_head + s->scr_n++) % SCR_RING] = r.onset_s;
    }
}

/* Each analysis sample: SCRs scored so far go out first (so the order of outputs does not depend
 * on how the samples were cut into blocks), then the lost/back status and the SCL. */
/* Counts a valid analysis sample at t_s (a second's bucket emptied when the clock enters it). */
static void count_valid(psy_stream *s, double t_s, int valid)
{
    int64_t sec = t_s < 0 ? 0 : (int64_t)floor(t_s);
    while (s->valid_sec < sec) s->valid_per_s[++s->valid_sec % VALID_RING] = 0;
    s->valid_per_s[sec % VALID_RING] += valid;
}

/* Seconds of valid skin conductance in the window of the last w seconds before t_s. */
static double valid_seconds(const psy_stream *s, double t_s, double w)
{
    int64_t n = 0, last = s->valid_sec, first = (int64_t)floor(t_s - w);
    for (int64_t sec = last; sec > first && sec >= 0 && last - sec < VALID_RING - 1; sec--)
        n += s->valid_per_s[sec % VALID_RING];
    return (double)n / psy_eda_stream_analysis_rate(s->eda);
}

static void scl_sample(void *ctx, double t_s, double tonic_us, unsigned flags)
{
    (void)flags;
    psy_stream *s = ctx;
    drain_eda(s);
    s->eda_now_t = t_s;
    int bad = isnan(tonic_us);
    /* the EDA filter's delay puts the first analysis samples before 0: a condition there began
     * with the recording */
    if (bad != s->eda_lost) status(s, bad ? PSY_STREAM_EDA_LOST : PSY_STREAM_EDA_BACK, fmax(t_s, 0.0), 0);
    s->eda_lost = bad;
    count_valid(s, t_s, !bad);
    if (!bad) s->scl_sum += tonic_us, s->scl_n++;
    if (t_s + 1e-9 < s->scl_next_t) return;
    psy_stream_output o;
    memset(&o, 0, sizeof o);
    o.kind = PSY_STREAM_SCL;
    o.onset_s = s->scl_next_t;
    o.u.scl.scl_us = s->scl_n ? s->scl_sum / (double)s->scl_n : NAN;
    size_t recent = 0;
    for (size_t k = 0; k < s->scr_n; k++)
        recent += s->scr_onsets[(s->scr_head + k) % SCR_RING] > t_s - s->cfg.ns_scr_window_s;
    /* per valid minute of the window (artefacts excluded); n/a below half of it */
    double valid = valid_seconds(s, t_s, s->cfg.ns_scr_window_s);
    o.u.scl.ns_scr_per_min = valid >= 0.5 * fmin(s->cfg.ns_scr_window_s, t_s) && valid > 0
                                 ? (double)recent * 60.0 / valid
                                 : NAN;
    if (isnan(o.u.scl.scl_us)) o.u.scl.scl_na = "every sample of the interval flagged (eda_lost)";
    if (isnan(o.u.scl.ns_scr_per_min))
        o.u.scl.ns_scr_na = "less than half of the NS-SCR window holds valid skin conductance";
    put(s, &o);
    s->scl_sum = 0, s->scl_n = 0;
    s->scl_next_t += s->cfg.scl_interval_s;
}

psy_status psy_stream_push_eda(psy_stream *s, const double *x, size_t n)
{
    if (!s || !s->eda || (!x && n) || s->finished) return PSY_E_INVALID;
    s->eda_n += (int64_t)n;
    for (size_t off = 0; off < n;) {
        size_t used = 0;
        psy_status st = eda_stream_push_sink(s->eda, x + off, n - off, &used, scl_sample, s);
        if (st != PSY_OK) return st;
        off += used;
        drain_eda(s);
    }
    return PSY_OK;
}

/* ---- Respiration ------------------------------------------------------------------------- */

/* A breath's output: its times, and the RSA of the recent beats whose intervals end within it
 * (none without a heart channel: NaN). */
static void breath(psy_stream *s, const psy_breath *b)
{
    double rate = s->cfg.resp_rate_hz;
    const stream_clock *c = &s->resp_clock;
    double a = (double)b->onset / rate + stream_clock_shift(c, b->onset),
           z = (double)b->end / rate + stream_clock_shift(c, b->end);
    psy_stream_output o;
    memset(&o, 0, sizeof o);
    o.kind = PSY_STREAM_BREATH;
    o.onset_s = a;
    o.u.breath.peak_s = (double)b->peak / rate + stream_clock_shift(c, b->peak);
    o.u.breath.end_s = z;
    o.u.breath.duration_s = z - a;
    o.u.breath.rate_per_min = 60.0 / (z - a);
    o.u.breath.amplitude = b->amplitude;
    size_t n = 0, from = 0;
    for (size_t k = 0; k < s->beat_n; k++) {
        size_t i = (s->beat_head + k) % BEAT_RING;
        if (s->beat_t[i] >= a && s->beat_t[i] < z) s->breath_t[n] = s->beat_t[i], s->breath_rr[n++] = s->beat_rr[i];
    }
    rsa_one_breath(s->breath_t, s->breath_rr, n, &from, a, o.u.breath.peak_s, z, PSY_RSA_P2T_GROSSMAN,
                   &o.u.breath.rsa_p2t_ms, &o.u.breath.hr_osc_bpm);
    put(s, &o);
}

static void drain_resp(psy_stream *s)
{
    psy_breath b;
    while (psy_resp_detector_pop(s->resp, &b, 1) == 1) breath(s, &b);
}

psy_status psy_stream_push_resp(psy_stream *s, const double *x, size_t n)
{
    if (!s || !s->resp || (!x && n) || s->finished) return PSY_E_INVALID;
    s->resp_clock.pushed += (int64_t)n;
    for (size_t off = 0; off < n;) {
        size_t used = 0;
        psy_resp_detector_push(s->resp, x + off, n - off, &used);
        off += used;
        drain_resp(s);
    }
    return PSY_OK;
}

/* ---- gaps -------------------------------------------------------------------------------- */

psy_status psy_stream_push_gap(psy_stream *s, psy_stream_input input, double gap_s)
{
    int has = !s ? 0
              : input == PSY_STREAM_INPUT_HEART ? s->det || s->ppg
              : input == PSY_STREAM_INPUT_EDA   ? s->eda != NULL
              : input == PSY_STREAM_INPUT_RESP  ? s->resp != NULL
                                                : 0;
    if (!has || !isfinite(gap_s) || gap_s == 0 || s->finished) return PSY_E_INVALID;
    /* the EDA fill is bounded: it costs a push per missing sample */
    if (input == PSY_STREAM_INPUT_EDA && gap_s > PSY_STREAM_MAX_EDA_GAP_S) return PSY_E_INVALID;
    double rate = input == PSY_STREAM_INPUT_HEART ? (s->det ? s->cfg.ecg_rate_hz : s->cfg.ppg_rate_hz)
                  : input == PSY_STREAM_INPUT_EDA ? s->cfg.eda_rate_hz
                                                  : s->cfg.resp_rate_hz;
    stream_clock *c = input == PSY_STREAM_INPUT_HEART ? &s->heart : &s->resp_clock;
    psy_stream_output o;
    memset(&o, 0, sizeof o);
    o.kind = PSY_STREAM_STATUS;
    o.u.status.condition = PSY_STREAM_TIME_JUMP;
    o.u.status.reason = (int)input;
    o.u.status.gap_s = gap_s;
    if (input == PSY_STREAM_INPUT_EDA) { /* missing samples over the gap */
        o.onset_s = (double)s->eda_n / rate;
        put(s, &o);
        double missing[256];
        for (size_t i = 0; i < 256; i++) missing[i] = NAN;
        for (double k = gap_s > 0 ? round(gap_s * rate) : 0; k > 0; k -= 256) {
            psy_status st = psy_stream_push_eda(s, missing, k < 256 ? (size_t)k : 256);
            if (st != PSY_OK) return st;
        }
        return PSY_OK;
    }
    o.onset_s = (double)c->pushed / rate + stream_clock_shift(c, c->pushed);
    put(s, &o);
    stream_clock_gap(c, gap_s);
    return PSY_OK;
}

psy_status psy_stream_finish(psy_stream *s)
{
    if (!s || s->finished) return PSY_E_INVALID;
    s->finished = 1;
    if (s->det) {
        psy_ecg_detector_finish(s->det);
        drain_detector(s);
    }
    if (s->ppg) {
        psy_ppg_detector_finish(s->ppg);
        drain_ppg(s);
    }
    if (s->det || s->ppg || s->cfg.rr_input) stream_labels_flush(&s->labels, &s->hrv, put, s);
    if (s->eda) {
        drain_eda(s);
        eda_stream_finish_sink(s->eda, scl_sample, s);
        drain_eda(s);
    }
    if (s->resp) {
        psy_resp_detector_finish(s->resp);
        drain_resp(s);
    }
    return PSY_OK;
}
