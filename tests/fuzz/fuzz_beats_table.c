/* libFuzzer target for the beats-table reader (psyphys/beats_table.h) on arbitrary bytes.
 * Contract checked: on success every onset is finite; on failure the table is empty and the
 * reason is given. */
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
            if (!isfinite(t.onset_s[i])) abort();
    } else if (t.n || t.onset_s || t.rr_ms || (st == PSY_E_FORMAT && !why.text[0])) {
        abort();
    }
    psy_beats_table_free(&t);
    psy_source_close(src);
    return 0;
}
