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

static int put_word(FILE *fp, unsigned w)
{
    return fputc((int)(w & 0xFF), fp) != EOF && fputc((int)((w >> 8) & 0xFF), fp) != EOF;
}

psy_status psy_write_wfdb_annotations(FILE *fp, const int64_t *sample, const int *code, size_t n)
{
    if (!fp || ((!sample || !code) && n)) return PSY_E_INVALID;
    int64_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t delta = sample[i] - prev;
        if (sample[i] < 0 || delta < 0 || delta > INT32_MAX || code[i] < 1 || code[i] > 49)
            return PSY_E_INVALID;
        int ok = 1;
        if (delta > MAX_DELTA) {
            uint32_t d = (uint32_t)delta;
            ok = put_word(fp, A_SKIP << 10) && put_word(fp, d >> 16) && put_word(fp, d & 0xFFFF);
            delta = 0;
        }
        if (!ok || !put_word(fp, ((unsigned)code[i] << 10) | (unsigned)delta)) return PSY_E_IO;
        prev = sample[i];
    }
    return put_word(fp, 0) ? PSY_OK : PSY_E_IO;
}
