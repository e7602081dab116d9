/* Writing psyphys's beats and NN tables (psyphys/beats_table.h): each row built in memory and
 * written once, numbers as printf would write them (core/fixed_format.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beats_internal.h"
#include "fixed_format.h"
#include "psyphys/beats_table.h"
#include "psyphys/writer.h"

/* Appends text to a row. */
static size_t put(char *row, size_t len, const char *text)
{
    size_t n = strlen(text);
    memcpy(row + len, text, n);
    return len + n;
}

size_t beats_table_row(char *row, double onset_s, int64_t sample, double rr_ms, psy_beat_class cls, int corrected)
{
    size_t len = psy_format_fixed(row, onset_s, 6);
    row[len++] = '\t';
    if (sample >= 0) len += psy_format_int(row + len, (long long)sample);
    else len = put(row, len, "n/a");
    row[len++] = '\t';
    if (isnan(rr_ms)) len = put(row, len, "n/a");
    else len += psy_format_fixed(row + len, rr_ms, 3);
    row[len++] = '\t';
    len = put(row, len, psy_beat_class_name(cls));
    return put(row, len, corrected ? "\t1" : "\t0");
}

psy_status psy_beats_write_table(FILE *fp, const psy_beat_list *b)
{
    if (!fp || !b || !beats_have_columns(b)) return PSY_E_INVALID;
    fputs(b->pulses ? "onset\tsample\trr_ms\tlabel\tcorrected\tpeak_sample\tquality\n" : BEATS_TABLE_HEADER, fp);
    /* Each row is built in memory and written once (as "%.6f\t%lld\t%.3f\t%s\t%d\n" would be):
     * a 24 h recording has over 100 000 rows. */
    char row[BEATS_TABLE_ROW_MAX + 2 * PSY_FIXED_MAX];
    for (size_t i = 0; i < b->n; i++) {
        size_t len = beats_table_row(row, b->onset_s[i], b->sample[i], b->rr_ms[i], b->cls[i],
                                     psy_beat_interval_corrected(b->cls[i], i > 0, i > 0 ? b->cls[i - 1] : PSY_BEAT_NORMAL));
        if (b->pulses) {
            row[len++] = '\t';
            len += psy_format_int(row + len, (long long)b->peak_sample[i]);
            row[len++] = '\t';
            if (isnan(b->quality[i])) len = put(row, len, "n/a");
            else len += psy_format_fixed(row + len, b->quality[i], 3);
        }
        row[len++] = '\n';
        fwrite(row, 1, len, fp);
    }
    return ferror(fp) ? PSY_E_IO : PSY_OK;
}

psy_status psy_beats_write_nn_table(FILE *fp, const psy_beat_list *b)
{
    if (!fp || !b || (b->n_nn && (!b->nn_ms || !b->nn_onset_s || !b->nn_corrected))) return PSY_E_INVALID;
    fputs("onset\tnn_ms\tcorrected\n", fp);
    char row[3 * PSY_FIXED_MAX + 8]; /* as "%.6f\t%.3f\t%d\n" */
    for (size_t i = 0; i < b->n_nn; i++) {
        size_t len = psy_format_fixed(row, b->nn_onset_s[i], 6);
        row[len++] = '\t';
        len += psy_format_fixed(row + len, b->nn_ms[i], 3);
        row[len++] = '\t';
        len += psy_format_int(row + len, b->nn_corrected[i]);
        row[len++] = '\n';
        fwrite(row, 1, len, fp);
    }
    return ferror(fp) ? PSY_E_IO : PSY_OK;
}

psy_status psy_beats_write_wfdb(FILE *fp, const psy_beat_list *b)
{
    if (!fp || !b || !beats_have_columns(b)) return PSY_E_INVALID;
    size_t cap = b->n ? b->n : 1;
    int64_t *sample = malloc(cap * sizeof *sample);
    int *code = malloc(cap * sizeof *code);
    uint8_t *bytes = NULL;
    size_t m = 0, len = 0;
    psy_status st = sample && code ? PSY_OK : PSY_E_NOMEM;
    int normal = psy_wfdb_code("N"), unknown = psy_wfdb_code("Q");
    for (size_t i = 0; st == PSY_OK && i < b->n; i++) {
        if (b->sample[i] < 0) continue;
        sample[m] = b->sample[i];
        code[m++] = b->cls[i] == PSY_BEAT_ECTOPIC || b->cls[i] == PSY_BEAT_EXTRA ? unknown : normal;
    }
    if (st == PSY_OK) st = psy_wfdb_annotations_encode(sample, code, m, NULL, 0, &len);
    if (st == PSY_OK && !(bytes = malloc(len))) st = PSY_E_NOMEM;
    if (st == PSY_OK) st = psy_wfdb_annotations_encode(sample, code, m, bytes, len, &len);
    if (st == PSY_OK && fwrite(bytes, 1, len, fp) != len) st = PSY_E_IO;
    free(bytes);
    free(sample);
    free(code);
    return st;
}
