/* libFuzzer target for the beats of a recording (analysis/beats.c: detector, RR classes,
 * correction, stretches and gaps) fed arbitrary samples through real readers:
 *   byte 0: rate; byte 1 bit 0: 0 = an ECG in a WFDB format-16 record (the input's int16 values;
 *   -32768 is WFDB's invalid sample, read as NaN), 1 = an RR list in ms (text, one per line);
 *   byte 1 bits 1..3: the read block size. The rest are the samples. */
#include <stdio.h>

#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_SAMPLES = 1 << 15 };

static void detect_all(psy_reader *r, size_t block)
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
        detect_all(r, block);
        psy_reader_close(r);
    } else {
        psy_source_close(src);
    }
    free(text);
    return 0;
}
