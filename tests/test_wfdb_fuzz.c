/* Mutated WFDB headers, signal files and annotation files (a fixed pseudo-random sequence):
 * whatever the bytes, opening and reading return a status and never crash, hang or read out
 * of bounds (run under ASan+UBSan). Needs no shared data. */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

enum { ITERATIONS = 1000 };

static uint32_t next_random(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u; /* Numerical Recipes LCG: deterministic runs */
    return *state >> 8;
}

/* Mutates buf (n bytes, capacity >= n) in place; returns the new length. */
static size_t mutate(unsigned char *buf, size_t n, uint32_t *rng)
{
    static const char syntax[] = "0123456789 -+/x:()#.\n";
    int k = 1 + (int)(next_random(rng) % 6);
    for (int j = 0; j < k && n > 0; j++) {
        size_t at = next_random(rng) % n;
        switch (next_random(rng) % 4) {
        case 0: buf[at] = (unsigned char)next_random(rng); break;
        case 1: buf[at] = (unsigned char)syntax[next_random(rng) % (sizeof syntax - 1)]; break;
        case 2: n = at + 1; break;
        default: buf[at] ^= (unsigned char)(1u << (next_random(rng) % 8)); break;
        }
    }
    return n;
}

static void read_some(psy_reader *r)
{
    double x[64];
    for (int c = 0; c < psy_reader_channel_count(r); c++) {
        int64_t frames = psy_reader_channel(r, c)->frames;
        int64_t n = frames < 64 ? frames : 64;
        psy_reader_read(r, c, 0, n, x);
        psy_reader_read(r, c, frames - n, n, x);
    }
    for (size_t i = 0; i < psy_reader_event_count(r); i++) assert_non_null(psy_reader_event(r, i)->label);
}

static void test_mutated_records(void **state)
{
    (void)state;
    static const char header[] = "fz 3 360/720(5) 40 10:11:12 13/01/2003\n"
                                 "fz.dat 212 200(1000)/mV 12 1000 995 0 0 MLII\n"
                                 "fz.dat 212x2:1 100/mmHg 12 0 0 0 0 ABP\n"
                                 "fz.d1 16+4 0 16 0 0 0 0\n";
    unsigned char dat[200], d1[4 + 80];
    for (size_t i = 0; i < sizeof dat; i++) dat[i] = (unsigned char)(i * 37);
    for (size_t i = 0; i < sizeof d1; i++) d1[i] = (unsigned char)(i * 11);
    unsigned char buf[sizeof header + 16];
    uint32_t rng = 12345;
    char hea_path[600];
    for (int it = 0; it < ITERATIONS; it++) {
        memcpy(buf, header, sizeof header - 1);
        size_t n = mutate(buf, sizeof header - 1, &rng);
        write_temp_file("fz.dat", dat, it % 7 ? sizeof dat : next_random(&rng) % sizeof dat);
        write_temp_file("fz.d1", d1, sizeof d1);
        snprintf(hea_path, sizeof hea_path, "%s", write_temp_file("fz.hea", buf, n));
        psy_open_options opt = psy_open_options_default();
        opt.format = "wfdb";
        psy_reader *r = NULL;
        psy_message why = {{0}};
        if (psy_reader_open(hea_path, &opt, &r, &why) == PSY_OK) {
            read_some(r);
            psy_reader_close(r);
        } else {
            assert_null(r);
            assert_true(why.text[0] != '\0');
        }
    }
}

static void test_mutated_annotations(void **state)
{
    (void)state;
    /* + with AUX, N with SUB/CHN/NUM, SKIP, V, end: see test_wfdb_malformed.c */
    static const unsigned char seed[] = {0x0a, 0x70, 0x05, 0xfc, '(', 'A', 'F', 'I', 'B', 0,
                                         0x5a, 0x04, 0x03, 0xf4, 0x01, 0xf8, 0x02, 0xf0, 0x00, 0xec,
                                         0x01, 0x00, 0xa0, 0x86, 0x00, 0x14, 0xff, 0x3b, 0x00, 0x00};
    unsigned char buf[sizeof seed];
    uint32_t rng = 777;
    for (int it = 0; it < ITERATIONS; it++) {
        memcpy(buf, seed, sizeof seed);
        size_t n = mutate(buf, sizeof seed, &rng);
        psy_source *src = NULL;
        assert_int_equal(psy_source_open_memory(buf, n, "fz.atr", &src), PSY_OK);
        psy_open_options opt = psy_open_options_default();
        opt.sampling_rate_hz = 360;
        psy_reader *r = NULL;
        psy_message why = {{0}};
        if (psy_open_wfdb_annotations(src, &opt, &r, &why) == PSY_OK) {
            read_some(r);
            psy_reader_close(r);
        } else {
            assert_null(r);
            psy_source_close(src);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutated_records),
        cmocka_unit_test(test_mutated_annotations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
