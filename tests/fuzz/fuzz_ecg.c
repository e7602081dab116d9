/* libFuzzer target for the streaming R-peak detector fed arbitrary doubles (NaN, Inf, huge,
 * denormal, flat) in arbitrary chunks, with copy and reset along the way.
 *
 * Input: byte 0 picks the rate, byte 1 the sample coding (raw IEEE doubles, or int16 scaled
 * like an ADC, so most inputs look like signals), then samples; chunk sizes come from the
 * sample bytes so they vary with the input. Contract checked: beats come out in time order
 * and never beyond what was pushed. */
#include "fuzz_detector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(void *detector, fuzz_drain *s)
{
    psy_ecg_detector *d = detector;
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

static psy_status push(void *d, const double *x, size_t n, size_t *used)
{
    return psy_ecg_detector_push(d, x, n, used);
}
static psy_status finish(void *d) { return psy_ecg_detector_finish(d); }
static void reset(void *d) { psy_ecg_detector_reset(d); }
static void destroy(void *d) { psy_ecg_detector_destroy(d); }
static void *copy(void *d)
{
    psy_ecg_detector *c = NULL;
    psy_ecg_detector_copy(d, &c);
    return c;
}

static const fuzz_detector_ops ops = {push, drain, finish, copy, reset, destroy};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double rates[] = {50, 100, 128, 250, 256, 360, 500, 1000, 3000, 20000, 51.2, 99.9};
    if (size < 2) return 0;
    double rate = rates[data[0] % (sizeof rates / sizeof rates[0])];
    size_t n = 0;
    double *x = fuzz_samples(data + 2, size - 2, data[1] & 1, 0.005, &n); /* mV at 5 uV per step */
    if (!x) return 0;
    psy_ecg_detector_config cfg = psy_ecg_detector_config_default(rate);
    psy_ecg_detector *d = NULL;
    if (psy_ecg_detector_create(&cfg, &d) != PSY_OK) abort(); /* every rate above is in range */
    fuzz_drive(&ops, d, x, n, data + 2, size - 2);
    free(x);
    return 0;
}
