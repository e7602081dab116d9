/* Audio-stored recordings from ../shared/data (skipped when it is absent). */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Opens `path` with a forced reader through its source: psy_reader_open would send a signal file
 * that a .hea names (mixedsignals_e.dat) to the WFDB reader whatever opt->format says. */
static psy_status open_forced(const char *path, const psy_open_options *opt, psy_reader **r,
                              psy_message *why)
{
    psy_source *src = NULL;
    *r = NULL;
    psy_status st = psy_source_open_path(path, &src);
    if (st == PSY_OK) st = psy_reader_open_source(src, opt, r, why);
    if (st != PSY_OK) psy_source_close(src);
    return st;
}

/* Sleep-EDF SC4001E0 PSG written by WFDB's WAV writer: fmt + data chunks only (no WFDB header
 * text inside), 7 channels, "1 Hz", 12 valid bits left-justified in 16-bit containers. */
static void test_sleep_edf_wav(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(shared_data("wfdb_python_samples/SC4001E0-PSG.wav"));
    assert_string_equal(psy_reader_format(r), "WAV");
    assert_int_equal(psy_reader_channel_count(r), 7);
    for (int c = 0; c < 7; c++) {
        const psy_channel_info *ci = psy_reader_channel(r, c);
        assert_int_equal(ci->frames, 79500);
        assert_true(ci->rate_hz == 1);
        assert_string_equal(ci->unit, "adu");
        assert_true(ci->resolution == 16);
    }
    assert_string_equal(psy_reader_channel(r, 6)->label, "ch7");
    assert_true(fabs(psy_reader_duration(r) - 79500) < 1e-9);
    assert_true(has_warning(r, "12 valid bits in 16-bit containers"));
    assert_true(has_warning(r, "placeholder rate"));
    assert_false(has_warning(r, "chunks not read"));
    /* first frame, from the bytes after the 44-byte header */
    static const double first[7] = {-2880, 288, -96, -15424, 28416, 3056, 29408};
    double v[2];
    for (int c = 0; c < 7; c++) {
        assert_int_equal(psy_reader_read(r, c, 0, 2, v), PSY_OK);
        assert_true(v[0] == first[c]);
    }
    assert_int_equal(psy_reader_read(r, 1, 1, 1, v), PSY_OK);
    assert_true(v[0] == 1728);
    /* channel extremes over the whole file (checked with Python's struct on the raw bytes) */
    double *buf = malloc(79500 * sizeof *buf);
    assert_non_null(buf);
    assert_int_equal(psy_reader_read(r, 5, 0, 79500, buf), PSY_OK);
    double lo = buf[0], hi = buf[0];
    for (int i = 0; i < 79500; i++) lo = buf[i] < lo ? buf[i] : lo, hi = buf[i] > hi ? buf[i] : hi;
    assert_true(lo == -32768 && hi == 32736);
    free(buf);
    psy_reader_close(r);
}

/* mixedsignals_e.dat: a standalone FLAC stream (WFDB format 516) of ECG II, III, V. */
static void test_mixedsignals_flac(void **state)
{
    (void)state;
    psy_open_options opt = psy_open_options_default();
    opt.format = "sndfile";
    psy_reader *r = NULL;
    psy_message why = {{0}};
    const char *path = shared_data("wfdb_python_samples/mixedsignals_e.dat");
    assert_int_equal(open_forced(path, &opt, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_format(r), "FLAC");
    assert_int_equal(psy_reader_channel_count(r), 3);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 57600);
    assert_true(psy_reader_channel(r, 0)->rate_hz == 96000);
    assert_true(has_warning(r, "placeholder rate"));
    /* WFDB header: checksums 24460, 19772, 22261 (16-bit sums of samples) */
    static const int checksum[3] = {24460, 19772, 22261};
    double *buf = malloc(57600 * sizeof *buf);
    assert_non_null(buf);
    for (int c = 0; c < 3; c++) {
        assert_int_equal(psy_reader_read(r, c, 0, 57600, buf), PSY_OK);
        assert_true(buf[0] == -32768); /* WFDB's invalid-sample value: the leads start unplugged */
        long long sum = 0;
        for (int i = 0; i < 57600; i++) sum += (long long)buf[i];
        int s16 = (int)(((sum % 65536) + 65536) % 65536);
        if (s16 >= 32768) s16 -= 65536;
        if (s16 < 0) s16 += 65536;
        assert_int_equal(s16, checksum[c]);
    }
    free(buf);
    psy_reader_close(r);
    /* the true rate given: 4 samples per 62.4725 Hz frame */
    opt.sampling_rate_hz = 249.89;
    assert_int_equal(open_forced(path, &opt, &r, &why), PSY_OK);
    assert_true(fabs(psy_reader_duration(r) - 57600 / 249.89) < 1e-9);
    assert_false(has_warning(r, "placeholder rate"));
    psy_reader_close(r);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sleep_edf_wav),
        cmocka_unit_test(test_mixedsignals_flac),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
