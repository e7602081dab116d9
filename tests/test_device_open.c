/* Device exports through the public entry point psy_reader_open (content detection in open.c →
 * psy_open_text → psy_open_device_text). */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static psy_reader *open_path(const char *path, const char *format)
{
    psy_open_options opt = psy_open_options_default();
    opt.format = format;
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(path, &opt, &r, &why);
    if (st != PSY_OK) fail_msg("%s: %s (%s)", path, why.text, psy_strerror(st));
    return r;
}

static void test_generated(void **state)
{
    (void)state;
    const char *text = "812\n790\n805\n";
    psy_reader *r = open_path(write_temp_file("rr.txt", text, strlen(text)), NULL);
    assert_string_equal(psy_reader_format(r), "RR list");
    assert_int_equal(psy_reader_channel(r, 0)->frames, 3);
    psy_reader_close(r);
    /* forced by name: small numbers without a unit that content checks alone would refuse */
    const char *forced = "30\n31\n";
    r = open_path(write_temp_file("forced.txt", forced, strlen(forced)), "rr");
    assert_int_equal(psy_reader_channel(r, 0)->frames, 2);
    psy_reader_close(r);
}

static void test_shared(void **state)
{
    (void)state;
    if (!shared_data("INDEX.md")) skip();
    static const struct { const char *file, *format; int channels; size_t events; } cases[] = {
        {"rr_devices/hrvfilter_samples/eliteSample01.txt", "RR list", 1, 0},
        {"rr_devices/hrvfilter_samples/polarSample01.txt", "RR list", 1, 0},
        {"rhrv_book/chapter6/a01.beats.txt", "beat times", 1, 0},
        {"pcst_hrv_reference/ec57/HRV256_TP2.txt", "RR list", 1, 0},
        {"flirt_wearables/empatica/EDA.csv", "Empatica E4", 1, 0},
        {"flirt_wearables/empatica/ACC.csv", "Empatica E4", 3, 0},
        {"flirt_wearables/empatica/IBI.csv", "Empatica E4", 1, 0},
        {"flirt_wearables/garmin/data.csv", "Garmin log", 7, 0},
        {"flirt_wearables/garmin/acc.csv", "Garmin log", 3, 0},
        {"flirt_wearables/holter/holter.txt", "beat list", 1, 4786},
        {"rhrv_book/chapter6/a01.tags.txt", "episode list", 0, 3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        psy_reader *r = open_path(shared_data(cases[i].file), NULL);
        assert_string_equal(psy_reader_format(r), cases[i].format);
        assert_int_equal(psy_reader_channel_count(r), cases[i].channels);
        assert_int_equal(psy_reader_event_count(r), cases[i].events);
        psy_reader_close(r);
    }
}

/* FLIRT's E4 and Garmin exports in one folder, recorded 127 days apart, are two sessions: the
 * E4's opens and the log's files are named (combined, they made a 128.6-day recording nearly all
 * gap: 37,027 HRV window rows, 36,997 of them empty). */
static void test_flirt_exports_apart(void **state)
{
    (void)state;
    if (!shared_data("INDEX.md")) skip();
    static const char *const files[] = {"empatica/ACC.csv", "empatica/BVP.csv", "empatica/EDA.csv",
                                        "empatica/HR.csv",  "empatica/IBI.csv", "empatica/TEMP.csv",
                                        "empatica/tags.csv", "garmin/data.csv", "garmin/acc.csv"};
    char dir[512];
    snprintf(dir, sizeof dir, "%s/flirt", test_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char rel[64], link[600], *target;
        snprintf(rel, sizeof rel, "flirt_wearables/%s", files[i]);
        assert_non_null(target = realpath(shared_data(rel), NULL));
        snprintf(link, sizeof link, "%s/%s", dir, strchr(files[i], '/') + 1);
        assert_int_equal(symlink(target, link), 0);
        free(target);
    }
    psy_reader *r = open_path(dir, NULL);
    assert_string_equal(psy_reader_format(r), "Empatica E4 folder");
    assert_int_equal(psy_reader_stretch_count(r), 1);
    static const char why[] = "not read: a Garmin file, recorded 127 days after the Empatica E4's recording "
                              "(more than 60 s apart): not the same session (open it on its own)";
    assert_true(has_warning(r, why));
    size_t named = 0;
    for (size_t i = 0; i < psy_reader_warning_count(r); i++) named += strstr(psy_reader_warning(r, i), why) != NULL;
    assert_int_equal(named, 2);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_generated), cmocka_unit_test(test_shared),
                                       cmocka_unit_test(test_flirt_exports_apart)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
