/* libFuzzer target for the streaming R-peak detector fed arbitrary doubles (NaN, Inf, huge,
 * denormal, flat) in arbitrary chunks, with copy and reset along the way.
 *
 * Input: byte 0 picks the rate, byte 1 the sample coding (raw IEEE doubles, or int16 scaled
 * like an ADC, so most inputs look like signals), then samples; chunk sizes come from the
 * sample bytes so they vary with the input. Contract checked: beats come out in time order
 * and never beyond what was pushed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_SAMPLES = 1 << 16 };

typedef struct drain_state {
    int64_t last;
    int64_t pushed;
} drain_state;

static void drain(psy_ecg_detector *d, drain_state *s)
{
    psy_ecg_beat beats[32];
    psy_ecg_gap gaps[32];
    size_t k;
    while ((k = psy_ecg_detector_pop_beats(d, beats, 32)) > 0)
        for (size_t i = 0; i < k; i++) {
            if (beats[i].sample <= s->last || beats[i].sample >= s->pushed) abort();
            s->last = beats[i].sample;
        }
    while ((k = psy_ecg_detector_pop_gaps(d, gaps, 32)) > 0)
        for (size_t i = 0; i < k; i++)
            if (gaps[i].start < 0 || gaps[i].end < gaps[i].start || gaps[i].end > s->pushed) abort();
}

static void push_all(psy_ecg_detector *d, const double *x, size_t n, drain_state *s)
{
    size_t at = 0;
    while (at < n) {
        size_t used = 0;
        if (psy_ecg_detector_push(d, x + at, n - at, &used) != PSY_OK) abort();
        s->pushed += (int64_t)used;
        at += used;
        drain(d, s);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double rates[] = {50, 100, 128, 250, 256, 360, 500, 1000, 3000, 20000, 51.2, 99.9};
    if (size < 2) return 0;
    double rate = rates[data[0] % (sizeof rates / sizeof rates[0])];
    int raw = data[1] & 1;
    data += 2;
    size -= 2;
    size_t width = raw ? 8 : 2;
    size_t n = size / width;
    if (n > MAX_SAMPLES) n = MAX_SAMPLES;
    double *x = malloc((n ? n : 1) * sizeof *x);
    if (!x) return 0;
    for (size_t i = 0; i < n; i++) {
        if (raw) {
            memcpy(&x[i], data + 8 * i, 8);
        } else {
            int16_t v;
            memcpy(&v, data + 2 * i, 2);
            x[i] = v * 0.005; /* mV at 5 uV per step */
        }
    }
    psy_ecg_detector_config cfg = psy_ecg_detector_config_default(rate);
    psy_ecg_detector *d = NULL;
    if (psy_ecg_detector_create(&cfg, &d) != PSY_OK) abort(); /* every rate above is in range */
    drain_state s = {-1, 0};
    size_t at = 0, step = 0;
    psy_ecg_detector *copy = NULL;
    while (at < n) {
        size_t chunk = 1 + (size_t)(data[(step * 7) % size] * 13u) % 4096u;
        if (chunk > n - at) chunk = n - at;
        push_all(d, x + at, chunk, &s);
        at += chunk;
        if (step++ == 3 && !copy) psy_ecg_detector_copy(d, &copy);
    }
    if (psy_ecg_detector_finish(d) != PSY_OK) abort();
    drain(d, &s);
    if (copy) {
        drain_state c = {-1, 0};
        psy_ecg_detector_reset(copy);
        push_all(copy, x, n < 1000 ? n : 1000, &c);
        psy_ecg_detector_finish(copy);
        drain(copy, &c);
    }
    psy_ecg_detector_destroy(copy);
    psy_ecg_detector_destroy(d);
    free(x);
    return 0;
}
