/* libFuzzer target for RR classification and correction fed arbitrary intervals (NaN, Inf,
 * negative, zero, huge) and settings. Contract checked: every class is a valid one, the
 * corrected series fits in 2 n and the class counts add up to n; the incremental classifier of
 * the stream (dsp/rr_online.h), fed one interval at a time, gives the same classes, and a copy
 * of it completed at some step those of the intervals so far. */
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"
#include "rr_online.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_BEATS = 8192 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    psy_rr_config cfg = psy_rr_config_default();
    if (data[0] & 1) cfg.median_window = 1 + 2 * (data[1] % 8);
    if (data[0] & 2) cfg.qd_window = 1 + 2 * (data[1] % 64);
    int raw = (data[0] & 4) != 0;
    data += 2;
    size -= 2;
    size_t width = raw ? 8 : 2;
    size_t n = size / width;
    if (n > MAX_BEATS) n = MAX_BEATS;
    double *rr = malloc((n + 1) * sizeof *rr), *t = malloc((n + 1) * sizeof *t);
    double *out_rr = malloc((2 * n + 1) * sizeof *out_rr), *out_t = malloc((2 * n + 1) * sizeof *out_t);
    uint8_t *corrected = malloc(2 * n + 1);
    psy_beat_class *cls = malloc((n + 1) * sizeof *cls), *so_far = malloc((n + 1) * sizeof *so_far);
    if (!rr || !t || !out_rr || !out_t || !corrected || !cls || !so_far) goto done;
    double time = 0;
    for (size_t i = 0; i < n; i++) {
        if (raw) {
            memcpy(&rr[i], data + 8 * i, 8);
        } else {
            uint16_t v;
            memcpy(&v, data + 2 * i, 2);
            rr[i] = 300 + v % 1700; /* 300 .. 2000 ms: plausible intervals with any artefacts */
        }
        time += rr[i] / 1000;
        t[i] = time;
    }
    if (psy_rr_classify(rr, n, &cfg, cls) == PSY_OK) {
        for (size_t i = 0; i < n; i++)
            if ((unsigned)cls[i] >= PSY_BEAT_CLASS_COUNT) abort();
        rr_online o, e;
        psy_status so = rr_online_init(&o, &cfg, n + 1), se = rr_online_init(&e, &cfg, n + 1);
        if (so == PSY_OK && se == PSY_OK) {
            for (size_t k = 1, checked = 0; k <= n; k++) {
                rr_online_update(&o, rr, k, 0);
                for (; checked < rr_online_final(&o); checked++) /* final once, and as offline */
                    if (rr_online_classes(&o)[checked] != cls[checked]) abort();
                if (k == 96 || k == n / 2 || k + 1 == n) { /* a copy completed here: the classes so far */
                    rr_online_copy(&e, &o);
                    rr_online_update(&e, rr, k, 1);
                    if (psy_rr_classify(rr, k, &cfg, so_far) != PSY_OK) abort();
                    for (size_t i = 0; i < k; i++)
                        if (rr_online_classes(&e)[i] != so_far[i]) abort();
                }
            }
            rr_online_update(&o, rr, n, 1);
            for (size_t i = 0; i < n; i++)
                if (rr_online_classes(&o)[i] != cls[i]) abort();
        }
        rr_online_free(&o);
        rr_online_free(&e);
    }
    size_t out_n = 0;
    psy_rr_counts counts;
    psy_status st = psy_rr_correct(rr, t, n, &cfg, NULL, out_rr, out_t, corrected, 2 * n, &out_n, &counts);
    if (st == PSY_E_RANGE) abort(); /* 2 n is documented as always enough */
    if (st == PSY_OK) {
        size_t total = 0;
        for (int c = 0; c < PSY_BEAT_CLASS_COUNT; c++) total += counts.n[c];
        if (out_n > 2 * n || total != n) abort();
    }
done:
    free(rr);
    free(t);
    free(out_rr);
    free(out_t);
    free(corrected);
    free(cls);
    free(so_far);
    return 0;
}
