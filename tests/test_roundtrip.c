/* Real recordings through psy_write_recording and back: EDF -> EDF keeps every sample within
 * the digital resolution and every event exactly; EDF+D keeps its time axis; BIDS physio keeps
 * the samples. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static psy_reader *open_path(const char *path)
{
    psy_reader *r = NULL;
    psy_message why = {{0}};
    if (psy_reader_open(path, NULL, &r, &why) != PSY_OK) fail_msg("%s: %s", path, why.text);
    return r;
}

static const char *write_copy(psy_reader *r, const char *name)
{
    static char out[512];
    snprintf(out, sizeof out, "%s/%s", test_tmpdir(), name);
    psy_write_format fmt;
    assert_int_equal(psy_write_format_from_path(out, &fmt), PSY_OK);
    psy_write_options wo = {1};
    psy_message why = {{0}};
    if (psy_write_recording(r, out, fmt, &wo, &why) != PSY_OK) fail_msg("%s: %s", out, why.text);
    return out;
}

/* Every channel's samples agree within max(input, output) resolution (half a step each way). */
static void expect_same_samples(psy_reader *a, psy_reader *b)
{
    assert_int_equal(psy_reader_channel_count(a), psy_reader_channel_count(b));
    double *x = malloc(65536 * sizeof *x), *y = malloc(65536 * sizeof *y);
    for (int ch = 0; ch < psy_reader_channel_count(a); ch++) {
        const psy_channel_info *ca = psy_reader_channel(a, ch), *cb = psy_reader_channel(b, ch);
        assert_string_equal(ca->label, cb->label);
        assert_int_equal(ca->frames, cb->frames);
        assert_true(fabs(ca->rate_hz - cb->rate_hz) <= 1e-6 * ca->rate_hz);
        double tol = fmax(ca->resolution, cb->resolution) * 0.5 + 1e-9 * (fabs(ca->physical_max) + 1);
        if (!(tol > 0)) tol = 1e-6;
        for (int64_t at = 0; at < ca->frames; at += 65536) {
            int64_t n = ca->frames - at < 65536 ? ca->frames - at : 65536;
            assert_int_equal(psy_reader_read(a, ch, at, n, x), PSY_OK);
            assert_int_equal(psy_reader_read(b, ch, at, n, y), PSY_OK);
            for (int64_t i = 0; i < n; i++)
                if (!(fabs(x[i] - y[i]) <= tol))
                    fail_msg("%s sample %lld: %.9g vs %.9g (tolerance %.3g)", ca->label,
                             (long long)(at + i), x[i], y[i], tol);
        }
    }
    free(x);
    free(y);
}

/* Events of a appear in b with the same label and onset (to EDF's 100 us annotation unit). */
static void expect_same_events(psy_reader *a, psy_reader *b)
{
    size_t nb = psy_reader_event_count(b), found = 0;
    for (size_t i = 0; i < psy_reader_event_count(a); i++) {
        const psy_event *e = psy_reader_event(a, i);
        for (size_t j = 0; j < nb; j++) {
            const psy_event *f = psy_reader_event(b, j);
            if (strcmp(e->label, f->label) == 0 && fabs(e->onset_s - f->onset_s) < 1e-4 &&
                (isnan(e->duration_s) || fabs(e->duration_s - f->duration_s) < 1e-4)) {
                found++;
                break;
            }
        }
    }
    assert_int_equal(found, psy_reader_event_count(a));
}

static void test_edf_to_edf(void **state)
{
    (void)state;
    static const char *const files[] = {"edf_pyedflib/test_generator.edf",
                                        "edf_mne_testing/test_utf8_annotations.edf",
                                        "edf_pyedflib/test_subsecond.edf",
                                        "edf_pyedflib/test_generator_datarec_generator_2.bdf"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        psy_reader *a = open_path(shared_data(files[k]));
        const char *ext = strstr(files[k], ".bdf") ? "copy.bdf" : "copy.edf";
        psy_reader *b = open_path(write_copy(a, ext));
        expect_same_samples(a, b);
        expect_same_events(a, b);
        psy_datetime sa = psy_reader_start(a), sb = psy_reader_start(b);
        assert_int_equal(sa.second, sb.second);
        assert_true(llabs(sa.nanosecond - sb.nanosecond) < 100000); /* 100 us */
        psy_reader_close(a);
        psy_reader_close(b);
    }
}

static void test_bids_roundtrip(void **state)
{
    (void)state;
    psy_reader *a = open_path(shared_data("edf_mne_testing/test_utf8_annotations.edf"));
    psy_reader *b = open_path(write_copy(a, "sub-01_task-x_physio.tsv.gz"));
    expect_same_samples(a, b);
    expect_same_events(a, b);
    psy_reader_close(a);
    psy_reader_close(b);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_edf_to_edf),
                                       cmocka_unit_test(test_bids_roundtrip)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
