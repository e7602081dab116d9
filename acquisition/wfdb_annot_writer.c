/* WFDB annotation files in the MIT format (annot(5)): 16-bit little-endian words, code in the top
 * 6 bits and the sample interval in the low 10; longer intervals go in a SKIP word followed by a
 * 32-bit interval in PDP-11 order (high half first). */
#include <string.h>

#include "psyphys/writer.h"
#include "wfdb_annot.h"

enum { A_SKIP = 59, MAX_DELTA = 1023 };

int psy_wfdb_code(const char *mnemonic)
{
    char buf[8];
    if (!mnemonic || !*mnemonic) return 0;
    for (int code = 1; code < 50; code++)
        if (strcmp(wfdb_annotation_mnemonic(code, buf), mnemonic) == 0) return code;
    return 0;
}

int psy_wfdb_is_beat(int code) { return wfdb_annotation_is_beat(code); }

static void put_word(uint8_t *out, size_t *len, unsigned w)
{
    out[(*len)++] = (uint8_t)(w & 0xFF);
    out[(*len)++] = (uint8_t)((w >> 8) & 0xFF);
}

psy_status psy_wfdb_annotations_encode(const int64_t *sample, const int *code, size_t n, uint8_t *out,
                                       size_t cap, size_t *len)
{
    if (!len || ((!sample || !code) && n)) return PSY_E_INVALID;
    *len = 0;
    size_t need = 2; /* the end mark */
    int64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t delta = sample[i] - prev;
        if (sample[i] < 0 || delta < 0 || delta > INT32_MAX || code[i] < 1 || code[i] > 49)
            return PSY_E_INVALID;
        need += delta > MAX_DELTA ? 8 : 2;
        prev = sample[i];
    }
    if (!out) {
        *len = need;
        return PSY_OK;
    }
    if (cap < need) return PSY_E_RANGE;
    prev = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t delta = sample[i] - prev;
        if (delta > MAX_DELTA) {
            uint32_t d = (uint32_t)delta;
            put_word(out, len, A_SKIP << 10), put_word(out, len, d >> 16), put_word(out, len, d & 0xFFFF);
            delta = 0;
        }
        put_word(out, len, ((unsigned)code[i] << 10) | (unsigned)delta);
        prev = sample[i];
    }
    put_word(out, len, 0);
    return PSY_OK;
}
