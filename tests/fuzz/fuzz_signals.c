/* libFuzzer target for the analyses fed arbitrary samples (NaN, Inf, huge, odd lengths): HRV of an
 * NN series (default settings, or PCST's cleaning and the pcst preset), skin conductance (both
 * methods), breaths, and event-locked heart rate. Contract checked: no crash, no leak, no
 * infinite HRV value (each is finite or NaN), PCST's cleaning keeps or counts every interval. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys.h"
#include "psyphys/eda.h"
#include "psyphys/hrv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_VALUES = 16384 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    int what = data[0] % 4, raw = data[1] & 1, pcst = data[1] & 2;
    data += 2;
    size -= 2;
    size_t width = raw ? 8 : 2, n = size / width;
    if (n > MAX_VALUES) n = MAX_VALUES;
    double *x = malloc((n + 1) * sizeof *x), *t = malloc((n + 1) * sizeof *t);
    if (!x || !t) goto done;
    double time = 0;
    for (size_t i = 0; i < n; i++) {
        if (raw) {
            memcpy(&x[i], data + 8 * i, 8);
        } else {
            uint16_t v;
            memcpy(&v, data + 2 * i, 2);
            x[i] = what == 0 || what == 3 ? 300 + v % 1700 : (double)v / 1000.0;
        }
        time += what == 0 || what == 3 ? (isfinite(x[i]) ? fabs(x[i]) / 1000 : 1) : 0.01;
        t[i] = time;
    }
    if (what == 0) { /* HRV of an NN series */
        psy_hrv_config cfg = psy_hrv_config_default();
        if (pcst) {
            psy_hrv_config_preset("pcst", &cfg);
            double *cx = malloc((n + 1) * sizeof *cx), *ct = malloc((n + 1) * sizeof *ct);
            size_t m = 0;
            psy_rr_pcst_counts k;
            if (cx && ct && psy_rr_clean_pcst(x, t, n, NULL, cx, ct, &m, &k) == PSY_OK) {
                if (m + k.invalid + k.gaps + k.changes + k.too_short + k.too_long != n) abort();
                memcpy(x, cx, m * sizeof *x);
                memcpy(t, ct, m * sizeof *t);
                n = m;
            }
            free(cx);
            free(ct);
        }
        psy_hrv *h = NULL;
        if (psy_hrv_create(&cfg, &h, NULL) == PSY_OK) {
            psy_hrv_result r;
            if (psy_hrv_compute(h, x, raw && !pcst ? NULL : t, n, &r, NULL) == PSY_OK)
                for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
                    if (isinf(r.values.v[k])) abort();
            psy_hrv_destroy(h);
        }
    } else if (what == 1) { /* skin conductance at 32 Hz, both methods */
        psy_eda_config cfg = psy_eda_config_default(32);
        for (int m = 0; m < 2; m++) {
            psy_eda_result *r = NULL;
            if (psy_eda_analyze_signal(x, (int64_t)n, &cfg, m ? PSY_EDA_DECONV : PSY_EDA_FAST, &r, NULL) == PSY_OK)
                psy_eda_result_free(r);
        }
    } else if (what == 2) { /* breaths at 25 Hz in chunks */
        psy_resp_config cfg = psy_resp_config_default(25);
        psy_resp_detector *d = NULL;
        if (psy_resp_detector_create(&cfg, &d) == PSY_OK) {
            psy_breath b[64];
            for (size_t at = 0; at < n;) {
                size_t used = 0;
                psy_resp_detector_push(d, x + at, n - at < 97 ? n - at : 97, &used);
                at += used;
                psy_resp_detector_pop(d, b, 64);
            }
            psy_resp_detector_finish(d);
            psy_resp_detector_pop(d, b, 64);
            psy_resp_detector_destroy(d);
        }
    } else { /* heart-rate responses around a few onsets */
        for (int k = 0; k < 4 && n; k++) {
            psy_hr_response h;
            psy_hr_response_at(t, x, NULL, n, t[(size_t)k * n / 4] - 0.5, NULL, &h);
        }
    }
done:
    free(x);
    free(t);
    return 0;
}
