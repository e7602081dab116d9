/* libFuzzer target for the beats-table reader (psyphys/beats_table.h) on arbitrary bytes, and the
 * NN series of what it reads (psy_beats_table_nn, labels or none). Contract checked: on success
 * every onset is finite and every label a class; on failure the table is empty and the reason is
 * given; the NN series fits in 2 n + 1 intervals, and fails only on an infinite interval. */
#include <math.h>
#include <stdlib.h>

#include "psyphys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    psy_source *src = NULL;
    if (psy_source_open_memory(size ? (const void *)data : "", size, "beats.tsv", &src) != PSY_OK) return 0;
    (void)psy_beats_table_is(src);
    psy_beats_table t;
    psy_message why;
    psy_status st = psy_beats_table_read(src, &t, &why);
    if (st == PSY_OK) {
        for (size_t i = 0; i < t.n; i++)
            if (!isfinite(t.onset_s[i]) || (t.classes && (unsigned)t.classes[i] >= PSY_BEAT_CLASS_COUNT)) abort();
        size_t max = 2 * t.n + 1, n = 0;
        double *nn = malloc(max * sizeof *nn), *ts = malloc(max * sizeof *ts);
        uint8_t *corrected = malloc(max), *start = malloc(max);
        if (nn && ts && corrected && start) {
            psy_status nst = psy_beats_table_nn(&t, NULL, nn, ts, corrected, start, max, &n, NULL, &why);
            int infinite = 0;
            for (size_t i = 0; i < t.n; i++) infinite |= isinf(t.rr_ms[i]);
            if (n > max || (nst != PSY_OK && !(nst == PSY_E_INVALID && infinite) && nst != PSY_E_NOMEM)) abort();
        }
        free(nn), free(ts), free(corrected), free(start);
    } else if (t.n || t.onset_s || t.rr_ms || t.classes || (st == PSY_E_FORMAT && !why.text[0])) {
        abort();
    }
    psy_beats_table_free(&t);
    psy_source_close(src);
    return 0;
}
