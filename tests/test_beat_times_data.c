/* Beat times of real files (psy_beat_times_load): MIT-BIH 100's cardiologists' annotations, at
 * its header's rate whatever rate is given, and a Holter folder read whole or by its beat list
 * (../shared; skipped when absent). */
#include "test_util.h"

#include <math.h>
#include <string.h>

#include "psyphys.h"

static void mitdb_annotations(void **state)
{
    (void)state;
    const char *atr = shared_data("mitdb/100.atr");
    if (!atr) skip();
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = 100; /* the header's 360 Hz wins */
    psy_beat_times t;
    psy_message why;
    assert_int_equal(psy_beat_times_load(atr, &opt, &t, &why), PSY_OK);
    assert_int_equal(t.n, 2273); /* the record's beats (PhysioNet's table of MIT-BIH 100) */
    assert_int_equal(t.from_recording, 1);
    assert_int_equal(t.rate_origin, PSY_RATE_FILE);
    assert_true(t.declared_rate_hz == 360);
    assert_true(t.onset_s[0] > 0 && t.onset_s[t.n - 1] < 1805.6);
    psy_beat_times_free(&t);
}

static void holter_folder(void **state)
{
    (void)state;
    const char *dir = shared_data("flirt_wearables/holter");
    if (!dir || !shared_data("flirt_wearables/holter/holter.txt")) skip();
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", shared_data("flirt_wearables/holter"));
    psy_beat_times whole, list;
    psy_message why;
    assert_int_equal(psy_beat_times_load(folder, NULL, &whole, &why), PSY_OK);
    assert_int_equal(psy_beat_times_load(shared_data("flirt_wearables/holter/holter.txt"), NULL, &list, &why), PSY_OK);
    assert_int_equal(whole.n, 4768); /* its N, S, V ... beats; X left out */
    assert_int_equal(list.n, whole.n);
    for (size_t i = 0; i < whole.n; i++) assert_true(fabs(whole.onset_s[i] - list.onset_s[i]) < 1e-9);
    psy_beat_times_free(&whole);
    psy_beat_times_free(&list);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {cmocka_unit_test(mitdb_annotations), cmocka_unit_test(holter_folder)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
