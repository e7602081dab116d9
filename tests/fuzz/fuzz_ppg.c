/* libFuzzer target for the streaming PPG pulse detector fed arbitrary doubles (NaN, Inf, huge,
 * denormal, flat) in arbitrary chunks, with copy and reset along the way.
 *
 * Input: byte 0 picks the rate, byte 1 the sample coding (raw IEEE doubles, or int16 scaled
 * like an ADC, so most inputs look like signals), then samples; chunk sizes come from the
 * sample bytes so they vary with the input. Contract checked: pulses come out in time order,
 * foot before upstroke and half-amplitude point before peak, never beyond what was pushed; stretches within the signal. */
#include "fuzz_detector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(void *detector, fuzz_drain *s)
{
    psy_ppg_detector *d = detector;
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

static psy_status push(void *d, const double *x, size_t n, size_t *used)
{
    return psy_ppg_detector_push(d, x, n, used);
}
static psy_status finish(void *d) { return psy_ppg_detector_finish(d); }
static void reset(void *d) { psy_ppg_detector_reset(d); }
static void destroy(void *d) { psy_ppg_detector_destroy(d); }
static void *copy(void *d)
{
    psy_ppg_detector *c = NULL;
    psy_ppg_detector_copy(d, &c);
    return c;
}

static const fuzz_detector_ops ops = {push, drain, finish, copy, reset, destroy};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double rates[] = {25, 32, 64, 100, 128, 250, 256, 360, 500, 1000, 51.2, 99.9};
    if (size < 2) return 0;
    double rate = rates[data[0] % (sizeof rates / sizeof rates[0])];
    size_t n = 0;
    double *x = fuzz_samples(data + 2, size - 2, data[1] & 1, 0.01, &n); /* a BVP in device units */
    if (!x) return 0;
    psy_ppg_detector_config cfg = psy_ppg_detector_config_default(rate);
    psy_ppg_detector *d = NULL;
    if (psy_ppg_detector_create(&cfg, &d) != PSY_OK) abort(); /* every rate above is in range */
    fuzz_drive(&ops, d, x, n, data + 2, size - 2);
    free(x);
    return 0;
}
