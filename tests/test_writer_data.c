/* Writers on real data from ../shared/data (skipped when it is absent): the FLAC-stored ICU ECG
 * of wfdb-python's mixedsignals at its true rate, 249.89 Hz, written as EDF+ and BIDS physio. */
#include "test_util.h"

#include <edflib.h>
#include <math.h>
#include <stdio.h>
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
#include <zlib.h>

#include "edflib_lock.h"

enum { FRAMES = 57600 };

static psy_reader *open_mixedsignals(void)
{
    psy_open_options opt = psy_open_options_default();
    opt.format = "sndfile";
    opt.sampling_rate_hz = 249.89;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    const char *path = shared_data("wfdb_python_samples/mixedsignals_e.dat");
    assert_int_equal(open_forced(path, &opt, &r, &why), PSY_OK);
    return r;
}

static void test_flac_to_edf(void **state)
{
    (void)state;
    psy_reader *r = open_mixedsignals();
    char path[512];
    snprintf(path, sizeof path, "%s/mixedsignals.edf", test_tmpdir());
    psy_message why = {{0}};
    psy_status st = psy_write_recording(r, path, PSY_WRITE_EDF, NULL, &why);
    if (st != PSY_OK) fail_msg("%s: %s", psy_strerror(st), why.text);
    double *want = malloc(FRAMES * sizeof *want), *got = malloc(FRAMES * sizeof *got);
    assert_true(want && got);
    static struct edf_hdr_struct hdr;
    psy_edflib_lock();
    assert_int_equal(edfopen_file_readonly(path, &hdr, EDFLIB_READ_ALL_ANNOTATIONS), 0);
    psy_edflib_unlock();
    assert_int_equal(hdr.edfsignals, 3);
    double d = (double)hdr.datarecord_duration / EDFLIB_TIME_DIMENSION;
    double rate = hdr.signalparam[0].smp_in_datarecord / d;
    assert_true(fabs(rate - 249.89) < 249.89e-6);
    assert_true(hdr.signalparam[0].smp_in_file >= FRAMES);
    assert_true(hdr.signalparam[0].smp_in_file < FRAMES + hdr.signalparam[0].smp_in_datarecord);
    for (int c = 0; c < 3; c++) {
        const struct edf_param_struct *p = &hdr.signalparam[c];
        double step = (p->phys_max - p->phys_min) / (p->dig_max - p->dig_min);
        assert_true(step < 1.001); /* 16-bit FLAC samples in 16-bit EDF: one adu per step */
        assert_int_equal(psy_reader_read(r, c, 0, FRAMES, want), PSY_OK);
        psy_edflib_lock();
        int n = edfread_physical_samples(hdr.handle, c, FRAMES, got);
        psy_edflib_unlock();
        assert_int_equal(n, FRAMES);
        for (int i = 0; i < FRAMES; i++)
            if (fabs(got[i] - want[i]) > step) fail_msg("ch%d sample %d: %g vs %g", c, i, got[i], want[i]);
    }
    psy_edflib_lock();
    edfclose_file(hdr.handle);
    psy_edflib_unlock();
    free(want);
    free(got);
    psy_reader_close(r);
}

static void test_flac_to_bids(void **state)
{
    (void)state;
    psy_reader *r = open_mixedsignals();
    char path[512];
    snprintf(path, sizeof path, "%s/sub-icu_physio.tsv.gz", test_tmpdir());
    psy_message why = {{0}};
    assert_int_equal(psy_write_recording(r, path, PSY_WRITE_BIDS_TSV, NULL, &why), PSY_OK);
    double v[3];
    gzFile gz = gzopen(path, "rb");
    assert_non_null(gz);
    char line[256];
    int rows = 0;
    while (gzgets(gz, line, sizeof line)) {
        if (rows % 997 == 0) { /* spot checks: exact integers */
            for (int c = 0; c < 3; c++) assert_int_equal(psy_reader_read(r, c, rows, 1, &v[c]), PSY_OK);
            char want[256];
            snprintf(want, sizeof want, "%.10g\t%.10g\t%.10g\n", v[0], v[1], v[2]);
            assert_string_equal(line, want);
        }
        rows++;
    }
    gzclose(gz);
    assert_int_equal(rows, FRAMES);
    psy_reader_close(r);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flac_to_edf),
        cmocka_unit_test(test_flac_to_bids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
