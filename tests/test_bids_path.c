/* Where a file sits in a BIDS dataset and its run's events (psyphys/bids_path.h), on the bundled
 * BIDS dataset (tests/data/bids). */
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#define DS PSYPHYS_SOURCE_DIR "/tests/data/bids"

static void test_parse(void **state)
{
    (void)state;
    psy_bids_path p;
    psy_message why = {{0}};
    assert_int_equal(psy_bids_path_parse(DS "/sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio.tsv.gz", &p, &why),
                     PSY_OK);
    assert_string_equal(p.sub, "sub-01");
    assert_string_equal(p.ses, "ses-1");
    assert_string_equal(p.datatype, "beh");
    assert_string_equal(p.stem, "sub-01_ses-1_task-demo");
    assert_non_null(strstr(p.root, "tests/data/bids"));
    assert_int_equal(psy_bids_path_parse(DS "/sub-02/func/sub-02_task-demo_recording-ecg_physio.tsv.gz", &p, &why),
                     PSY_OK);
    assert_string_equal(p.ses, "");
    assert_string_equal(p.stem, "sub-02_task-demo_recording-ecg");
    assert_int_equal(psy_bids_path_parse(PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf", &p, &why),
                     PSY_E_NOT_FOUND);
    assert_non_null(strstr(why.text, "sub-<label>_"));
    assert_int_equal(psy_bids_path_parse(DS "/sub-01/ses-1/beh/sub-02_ses-1_task-demo_physio.tsv.gz", &p, &why),
                     PSY_E_NOT_FOUND);
    assert_string_equal(why.text, "its name says sub-02 but it is not in a sub-02 directory");
    assert_int_equal(psy_bids_path_parse(NULL, &p, &why), PSY_E_INVALID);
}

static void test_events_for(void **state)
{
    (void)state;
    char out[4096];
    /* a physio file pairs its own events (its reader): none here */
    assert_int_equal(psy_bids_events_for(DS "/sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio.tsv.gz", out,
                                         sizeof out), 0);
    /* another data file of the run (need not exist itself): its _events.tsv */
    assert_int_equal(psy_bids_events_for(DS "/sub-01/ses-1/beh/sub-01_ses-1_task-demo_beh.edf", out, sizeof out),
                     1);
    assert_string_equal(out, DS "/sub-01/ses-1/beh/sub-01_ses-1_task-demo_events.tsv");
    assert_int_equal(psy_bids_events_for(DS "/sub-01/ses-1/beh/sub-01_ses-1_task-other_beh.edf", out, sizeof out),
                     0); /* no such events file */
    assert_int_equal(psy_bids_events_for(DS "/sub-01/ses-1/beh/sub-01_ses-1_task-demo_beh.edf", out, 8), 0);
}

/* Only the extension is cut: dotted versions stay in the name (ux21b F2). */
static void test_path_stem(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"D/formats/acq/physio-5.0.1.acq", "physio-5.0.1"}, {"P01.T2.edf", "P01.T2"},
        {"a/100.hea", "100"},                              {"sub-01_task-x_physio.tsv.gz", "sub-01_task-x_physio"},
        {"rec.CSV.GZ", "rec"},                             {"x.gz", "x"},
        {"polar.hrm", "polar"},                            {"v5.0.1", "v5.0.1"},
        {"S2_E4_Data", "S2_E4_Data"},                      {".edf", ".edf"},
        {"dir.d/name", "name"},                            {"n.a-b", "n.a-b"},
    };
    char out[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(psy_path_stem(cases[i][0], out, sizeof out), (int)strlen(cases[i][1]));
        assert_string_equal(out, cases[i][1]);
    }
    char small[4];
    assert_int_equal(psy_path_stem("physio.edf", small, sizeof small), 6);
    assert_string_equal(small, "phy");
    assert_int_equal(psy_path_stem(NULL, out, sizeof out), -1);
    assert_int_equal(psy_path_stem("x.edf", out, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_events_for),
        cmocka_unit_test(test_path_stem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
