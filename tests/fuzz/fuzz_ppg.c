/* libFuzzer target for the streaming PPG pulse detector fed arbitrary doubles (NaN, Inf, huge,
 * denormal, flat) in arbitrary chunks, with copy and reset along the way.
 *
 * Input: byte 0 picks the rate, byte 1 the sample coding (raw IEEE doubles, or int16 scaled
 * like an ADC, so most inputs look like signals), then samples; chunk sizes come from the
 * sample bytes so they vary with the input. Contract checked: pulses come out in time order,
 * foot before upstroke and half-amplitude point before peak, never beyond what was pushed; stretches within the signal. */
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

static void drain(psy_ppg_detector *d, drain_state *s)
{
    psy_ppg_pulse p[32];
    psy_ppg_unusable u[32];
    size_t k;
    while ((k = psy_ppg_detector_pop_pulses(d, p, 32)) > 0)
        for (size_t i = 0; i < k; i++) {
            if (p[i].peak <= s->last || p[i].peak >= s->pushed || !(p[i].foot <= p[i].upstroke) ||
                !(p[i].foot <= p[i].mid && p[i].mid <= (double)p[i].peak + 0.5) ||
                !(p[i].upstroke <= (double)p[i].peak + 0.5) || !(p[i].amplitude > 0))
                abort();
            s->last = p[i].peak;
        }
    while ((k = psy_ppg_detector_pop_unusable(d, u, 32)) > 0)
        for (size_t i = 0; i < k; i++)
            if (u[i].start < 0 || u[i].end < u[i].start || u[i].end > s->pushed ||
                (unsigned)u[i].reason >= PSY_PPG_REASON_COUNT)
                abort();
}

static void push_all(psy_ppg_detector *d, const double *x, size_t n, drain_state *s)
{
    size_t at = 0;
    while (at < n) {
        size_t used = 0;
        if (psy_ppg_detector_push(d, x + at, n - at, &used) != PSY_OK) abort();
        s->pushed += (int64_t)used;
        at += used;
        drain(d, s);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double rates[] = {25, 32, 64, 100, 128, 250, 256, 360, 500, 1000, 51.2, 99.9};
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
            x[i] = v * 0.01; /* a BVP in device units */
        }
    }
    psy_ppg_detector_config cfg = psy_ppg_detector_config_default(rate);
    psy_ppg_detector *d = NULL;
    if (psy_ppg_detector_create(&cfg, &d) != PSY_OK) abort(); /* every rate above is in range */
    drain_state s = {-1, 0};
    size_t at = 0, step = 0;
    psy_ppg_detector *copy = NULL;
    while (at < n) {
        size_t chunk = 1 + (size_t)(data[(step * 7) % size] * 13u) % 4096u;
        if (chunk > n - at) chunk = n - at;
        push_all(d, x + at, chunk, &s);
        at += chunk;
        if (step++ == 3 && !copy) psy_ppg_detector_copy(d, &copy);
    }
    if (psy_ppg_detector_finish(d) != PSY_OK) abort();
    drain(d, &s);
    if (copy) {
        drain_state c = {-1, 0};
        psy_ppg_detector_reset(copy);
        push_all(copy, x, n < 1000 ? n : 1000, &c);
        psy_ppg_detector_finish(copy);
        drain(copy, &c);
    }
    psy_ppg_detector_destroy(copy);
    psy_ppg_detector_destroy(d);
    free(x);
    return 0;
}
