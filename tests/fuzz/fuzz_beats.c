/* libFuzzer target for the beats of a recording (analysis/beats.c: detector, RR classes,
 * correction, stretches and gaps) fed arbitrary samples through real readers:
 *   byte 0: rate; byte 1 bit 0: 0 = an ECG in a WFDB format-16 record (the input's int16 values;
 *   -32768 is WFDB's invalid sample, read as NaN), 1 = an RR list in ms (text, one per line);
 *   byte 1 bits 1..3: the read block size; bit 4: the streamed beats on one thread (1) or with
 *   their threads (0). The rest are the samples.
 * Also checked: an ECG's beats streamed (beats_detect_streamed, psyphys analyze's) give the same
 * beats table byte for byte, counts and NN series bit for bit. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdio.h>
#include <stdlib.h>

#include "beats_internal.h"
#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_SAMPLES = 1 << 15 };

/* The streamed beats of channel c equal `whole`, psy_beats_detect's. */
static void same_streamed(psy_reader *r, int c, const psy_beats_config *cfg, int may_thread,
                          const psy_beat_list *whole)
{
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    FILE *fa = open_memstream(&a, &na), *fb = open_memstream(&b, &nb);
    psy_beat_list *lean = NULL;
    psy_message why;
    if (!fa || !fb || psy_beats_write_table(fa, whole) != PSY_OK) abort();
    if (beats_detect_streamed(r, c, cfg, fb, may_thread, NULL, &lean, &why) != PSY_OK) abort();
    fclose(fa), fclose(fb);
    if (na != nb || memcmp(a, b, na) != 0) abort();
    if (lean->n != whole->n || lean->n_nn != whole->n_nn || lean->n_gaps != whole->n_gaps ||
        memcmp(&lean->counts, &whole->counts, sizeof whole->counts) != 0 ||
        lean->n_searchback != whole->n_searchback)
        abort();
    if (whole->n_nn && (memcmp(lean->nn_ms, whole->nn_ms, whole->n_nn * sizeof(double)) != 0 ||
                        memcmp(lean->nn_onset_s, whole->nn_onset_s, whole->n_nn * sizeof(double)) != 0 ||
                        memcmp(lean->nn_corrected, whole->nn_corrected, whole->n_nn) != 0))
        abort();
    if (whole->counts.nn_left_out &&
        memcmp(lean->nn_left_out_s, whole->nn_left_out_s, whole->counts.nn_left_out * sizeof(double)) != 0)
        abort();
    psy_beat_list_free(lean);
    free(a), free(b);
}

static void detect_all(psy_reader *r, size_t block, int may_thread)
{
    psy_beats_config cfg = psy_beats_config_default();
    cfg.block = block;
    for (int c = 0; c < psy_reader_channel_count(r); c++) {
        psy_beat_list *beats = NULL;
        psy_message why;
        if (psy_beats_detect(r, c, &cfg, &beats, &why) != PSY_OK) {
            if (beats) abort(); /* *out is NULL on failure */
            continue;
        }
        size_t total = 0;
        for (int k = 0; k < PSY_BEAT_CLASS_COUNT; k++) total += beats->counts.n[k];
        if (total > beats->n) abort();
        for (size_t i = 1; i < beats->n; i++)
            if (beats->onset_s[i] < beats->onset_s[i - 1]) abort();
        if (psy_reader_channel(r, c)->type != PSY_CH_RR) same_streamed(r, c, &cfg, may_thread, beats);
        psy_beat_list_free(beats);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned rates[] = {50, 100, 128, 250, 256, 360, 500, 1000};
    static const size_t blocks[] = {1, 7, 64, 100, 1000, 4096, 65536, 3};
    if (size < 2) return 0;
    unsigned rate = rates[data[0] % 8];
    int rr = data[1] & 1;
    size_t block = blocks[(data[1] >> 1) % 8];
    int may_thread = !((data[1] >> 4) & 1);
    data += 2;
    size -= 2;
    size_t n = size / 2;
    if (n > MAX_SAMPLES) n = MAX_SAMPLES;
    fuzz_files files;
    char head[128];
    char *text = NULL;
    files.n = 1;
    if (rr) {
        text = malloc(8 * n + 8);
        if (!text) return 0;
        size_t len = (size_t)snprintf(text, 8, "RR\n");
        for (size_t i = 0; i < n; i++) {
            uint16_t v;
            memcpy(&v, data + 2 * i, 2);
            len += (size_t)snprintf(text + len, 8, "%u\n", (unsigned)(v % 4000));
        }
        files.part[0] = (fuzz_part){(const uint8_t *)text, len, "fz_rr.txt"};
    } else {
        int hl = snprintf(head, sizeof head, "fz 1 %u %zu\nfz.dat 16 200/mV 16 0 0 0 0 ECG\n", rate, n);
        files.part[0] = (fuzz_part){(const uint8_t *)head, (size_t)hl, "fz.hea"};
        files.part[1] = (fuzz_part){data, 2 * n, "fz.dat"};
        files.n = 2;
    }
    psy_source *src = fuzz_source(&files, 0);
    psy_reader *r = NULL;
    psy_open_options opt = psy_open_options_default();
    opt.format = rr ? "rr" : "wfdb";
    if (src && psy_reader_open_source(src, &opt, &r, NULL) == PSY_OK) {
        detect_all(r, block, may_thread);
        psy_reader_close(r);
    } else {
        psy_source_close(src);
    }
    free(text);
    return 0;
}
