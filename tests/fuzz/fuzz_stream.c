/* libFuzzer target for the live streaming object (include/psyphys/stream.h) fed arbitrary ECG,
 * PPG, EDA and RR blocks: plausible int16 signals or raw doubles (NaN, Inf, huge), blocks of any
 * size, ECG, PPG or RR beats, short or exact label lookahead. Contract checked: every output has a valid kind
 * and a finite or NaN onset; beats come in sample order; every beat gets exactly one label, in the
 * same order; HRV values are NaN or non-negative; finish makes every label final. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_SAMPLES = 8000 }; /* per input: every beat runs the classifier and a spectrum, so a
                                longer input only slows the search */

typedef struct tally {
    int64_t last_beat, last_label;
    size_t beats, labels;
    int dropped;
} tally;

static void check(psy_stream *s, tally *t)
{
    psy_stream_output o[64];
    size_t k;
    while ((k = psy_stream_poll(s, o, 64)) > 0)
        for (size_t i = 0; i < k; i++) {
            const psy_stream_output *x = &o[i];
            if ((unsigned)x->kind >= PSY_STREAM_KIND_COUNT || isinf(x->onset_s)) abort();
            if (x->kind == PSY_STREAM_STATUS && x->u.status.condition == PSY_STREAM_DROPPED) t->dropped = 1;
            if (x->kind == PSY_STREAM_BEAT) {
                if (x->u.beat.sample >= 0 && x->u.beat.sample <= t->last_beat) abort();
                if (x->u.beat.sample >= 0) t->last_beat = x->u.beat.sample;
                t->beats++;
            }
            if (x->kind == PSY_STREAM_LABEL) {
                if (x->u.label.sample >= 0 && x->u.label.sample <= t->last_label) abort();
                if (x->u.label.sample >= 0) t->last_label = x->u.label.sample;
                if ((unsigned)x->u.label.label >= PSY_BEAT_CLASS_COUNT) abort();
                t->labels++;
                if (!t->dropped && t->labels > t->beats) abort();
            }
            if (x->kind == PSY_STREAM_HRV && (x->u.hrv.rmssd_ms < 0 || x->u.hrv.sdnn_ms < 0 || x->u.hrv.lf_ms2 < 0 ||
                                               x->u.hrv.hf_ms2 < 0 || x->u.hrv.peak_power_ms2 < 0))
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    static const double rates[4] = {50, 100, 250, 1000}, ppg_rates[4] = {25, 64, 125, 500};
    uint8_t mode = data[0], extra = data[1];
    data += 2, size -= 2;
    int rr_input = (mode & 4) != 0, with_eda = (mode & 8) != 0, raw = (mode & 16) != 0;
    int ppg = !rr_input && (mode & 128) != 0;
    psy_stream_config cfg =
        psy_stream_config_default(rr_input || ppg ? 0 : rates[mode & 3], with_eda ? 4 + extra % 60 : 0);
    cfg.rr_input = rr_input;
    if (ppg) cfg.ppg_rate_hz = ppg_rates[mode & 3];
    if (mode & 32) cfg.rr_lookahead = 2 + extra % 8;
    if (mode & 64) cfg.time_window_beats = 2 + extra % 30;
    cfg.queue_capacity = 4096; /* polled after every block: enough, and cheap to make */
    psy_stream *s = NULL;
    if (psy_stream_create(&cfg, &s, NULL) != PSY_OK) return 0;
    tally t = {-1, -1, 0, 0, 0};
    double block[256];
    size_t width = raw ? 8 : 2;
    size_t pushed = 0;
    while (size > 0 && pushed < MAX_SAMPLES) {
        uint8_t h = data[0];
        data++, size--;
        size_t n = 1 + (size_t)(h & 0x7f) * 2;
        if (n * width > size) n = size / width;
        for (size_t i = 0; i < n; i++) {
            if (raw) {
                memcpy(&block[i], data + 8 * i, 8);
            } else {
                int16_t v;
                memcpy(&v, data + 2 * i, 2);
                block[i] = h & 0x80 ? 5 + v / 4096.0 : v / 1000.0; /* EDA around 5 uS, ECG in mV */
            }
        }
        data += n * width, size -= n * width;
        pushed += n;
        if (rr_input) {
            for (size_t i = 0; i < n; i++) block[i] = raw ? block[i] : 300 + fabs(block[i]) * 50;
            psy_stream_push_rr(s, block, NULL, n);
        } else if ((h & 0x80) && with_eda) {
            psy_stream_push_eda(s, block, n);
        } else if (!(h & 0x80)) {
            (ppg ? psy_stream_push_ppg : psy_stream_push_ecg)(s, block, n);
        }
        check(s, &t);
        if (n == 0) break;
    }
    psy_stream_finish(s);
    check(s, &t);
    if (!t.dropped && t.labels != t.beats) abort();
    psy_stream_destroy(s);
    return 0;
}
