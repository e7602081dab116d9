/* Events from trigger channels: the bundled photosensor, a BioSemi Status channel, and lines the
 * test makes (bounce, polarity, explicit thresholds, refusals). */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

static size_t trigger_events(psy_reader *r, const psy_event **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < psy_reader_event_count(r) && n < max; i++)
        if (psy_reader_event(r, i)->source == PSY_EVENTS_TRIGGER) out[n++] = psy_reader_event(r, i);
    return n;
}

static void test_photosensor(void **state)
{
    (void)state;
    psy_reader *r = open_or_fail(PSYPHYS_SOURCE_DIR "/recordings/neurokit_eventrelated.edf");
    int ch = psy_reader_find_channel(r, "Photosensor");
    size_t n = 0;
    assert_int_equal(psy_trigger_events(r, ch, NULL, &n, NULL), PSY_OK);
    assert_int_equal(n, 4);
    const psy_event *e[8];
    assert_int_equal(trigger_events(r, e, 8), 4);
    /* onsets/offsets where the sensor crosses 2.5 V (samples 1024/1324, 4958/5257, ...) */
    static const double onset[] = {10.24, 49.58, 92.24, 129.84}, dur[] = {3.00, 2.99, 3.00, 3.00};
    for (int i = 0; i < 4; i++) {
        assert_true(fabs(e[i]->onset_s - onset[i]) < 1e-9);
        assert_true(fabs(e[i]->duration_s - dur[i]) < 1e-9);
        assert_string_equal(e[i]->label, "Photosensor");
        assert_string_equal(e[i]->detail, "channel=Photosensor");
        assert_int_equal(e[i]->channel, ch);
    }
    assert_int_equal(e[1]->sample, 4958);
    psy_reader_close(r);
}

static void test_biosemi_status(void **state)
{
    (void)state;
    if (!shared_data("edf_mne_testing/test_bdf_stim_channel.bdf")) skip();
    psy_reader *r = open_shared("edf_mne_testing/test_bdf_stim_channel.bdf", 0);
    size_t n = 0;
    assert_int_equal(psy_trigger_events(r, psy_reader_find_channel(r, "Status"), NULL, &n, NULL),
                     PSY_OK);
    const psy_event *e[16];
    assert_int_equal(trigger_events(r, e, 16), 9);
    static const int64_t sample[] = {242, 310, 952, 1606, 2249, 2900, 3537, 4162, 4790};
    static const char *const code[] = {"4", "2", "1", "1", "1", "1", "1", "1", "1"};
    for (int i = 0; i < 9; i++) {
        assert_int_equal(e[i]->sample, sample[i]);
        assert_string_equal(e[i]->label, code[i]);
        assert_true(fabs(e[i]->onset_s - (double)sample[i] / 500) < 1e-9);
        assert_true(fabs(e[i]->duration_s - 0.002) < 1e-9);
    }
    psy_reader_close(r);
}

/* A 1 kHz line the test describes: baseline, then pulses. */
typedef struct line {
    double *x;
    int64_t n;
} line;

static psy_status line_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)ch;
    memcpy(out, ((line *)impl)->x + start, (size_t)n * sizeof *out);
    return PSY_OK;
}

static void line_destroy(void *impl)
{
    free(((line *)impl)->x);
    free(impl);
}

static psy_reader *make_line(const double *x, int64_t n, int with_integers)
{
    static const psy_reader_ops ops = {line_read, NULL, line_destroy};
    line *l = malloc(sizeof *l);
    l->x = malloc((size_t)n * sizeof *l->x);
    memcpy(l->x, x, (size_t)n * sizeof *l->x);
    l->n = n;
    psy_reader *r = psy_reader_new("test");
    psy_channel_info c = {0};
    strcpy(c.label, "TTL");
    c.rate_hz = 1000;
    c.frames = n;
    c.physical_min = 0;
    c.physical_max = 5;
    if (with_integers) c.digital_min = 0, c.digital_max = 5;
    psy_reader_add_channel(r, &c, 1);
    psy_reader_set_impl(r, &ops, l);
    assert_int_equal(psy_reader_finish(r), PSY_OK);
    return r;
}

static void test_ttl_line(void **state)
{
    (void)state;
    static double x[10000];
    for (int i = 0; i < 10000; i++) x[i] = 0.1;
    for (int i = 2000; i < 2100; i++) x[i] = 5;  /* a pulse with a bounce at 2100..2102 */
    x[2101] = 5;
    for (int i = 2103; i < 2150; i++) x[i] = 5;
    for (int i = 6000; i < 6050; i++) x[i] = 5;
    x[7000] = NAN;                                 /* a missing sample is not a pulse */
    psy_reader *r = make_line(x, 10000, 0);
    size_t n = 0;
    assert_int_equal(psy_trigger_events(r, 0, NULL, &n, NULL), PSY_OK);
    assert_int_equal(n, 4); /* 2000-2100, 2101, 2103-2150, 6000-6050 */
    psy_reader_close(r);

    r = make_line(x, 10000, 0);
    psy_trigger_config cfg = psy_trigger_config_default();
    cfg.min_gap_s = 0.005; /* debounce: the three parts are one pulse */
    assert_int_equal(psy_trigger_events(r, 0, &cfg, &n, NULL), PSY_OK);
    assert_int_equal(n, 2);
    const psy_event *e[4];
    trigger_events(r, e, 4);
    assert_true(fabs(e[0]->onset_s - 2.0) < 1e-12 && fabs(e[0]->duration_s - 0.150) < 1e-12);
    assert_true(fabs(e[1]->onset_s - 6.0) < 1e-12 && fabs(e[1]->duration_s - 0.050) < 1e-12);
    psy_reader_close(r);

    /* Forced polarity below an explicit threshold: the quiet stretches are the pulses. */
    r = make_line(x, 10000, 0);
    cfg = psy_trigger_config_default();
    cfg.mode = PSY_TRIGGER_LEVEL;
    cfg.threshold = 1.0;
    cfg.polarity = -1;
    assert_int_equal(psy_trigger_events(r, 0, &cfg, &n, NULL), PSY_OK);
    assert_int_equal(n, 6); /* 0-2000, 2100, 2102, 2150-6000, 6050-7000, 7001-end */
    trigger_events(r, e, 4);
    assert_true(e[0]->onset_s == 0 && fabs(e[0]->duration_s - 2.0) < 1e-12);
    psy_reader_close(r);

    /* Codes on a line with integers: each change to a non-zero code. */
    for (int i = 0; i < 10000; i++) x[i] = 0;
    for (int i = 100; i < 200; i++) x[i] = 3;
    for (int i = 200; i < 250; i++) x[i] = 5;
    r = make_line(x, 10000, 1);
    cfg = psy_trigger_config_default();
    cfg.mode = PSY_TRIGGER_BITS;
    assert_int_equal(psy_trigger_events(r, 0, &cfg, &n, NULL), PSY_OK);
    assert_int_equal(n, 2);
    trigger_events(r, e, 4);
    assert_string_equal(e[0]->label, "3");
    assert_string_equal(e[1]->label, "5");
    assert_int_equal(e[1]->code, 5);
    psy_reader_close(r);
}

static void test_refusals(void **state)
{
    (void)state;
    static double flat[1000];
    for (int i = 0; i < 1000; i++) flat[i] = 2.0;
    psy_reader *r = make_line(flat, 1000, 0);
    psy_message why = {{0}};
    size_t n = 99;
    assert_int_equal(psy_trigger_events(r, 0, NULL, &n, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "never changes"));
    assert_int_equal(n, 0);
    psy_trigger_config cfg = psy_trigger_config_default();
    cfg.mode = PSY_TRIGGER_BITS; /* no integer range */
    assert_int_equal(psy_trigger_events(r, 0, &cfg, &n, &why), PSY_E_INVALID);
    assert_non_null(strstr(why.text, "no trigger codes"));
    cfg = psy_trigger_config_default();
    cfg.threshold = 1.0; /* with a threshold a flat line has no pulse: the active side is empty */
    assert_int_equal(psy_trigger_events(r, 0, &cfg, &n, &why), PSY_OK);
    assert_int_equal(n, 0);
    assert_int_equal(psy_trigger_events(r, 5, NULL, &n, &why), PSY_E_INVALID);
    assert_int_equal(psy_reader_event_count(r), 0);
    psy_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_photosensor), cmocka_unit_test(test_biosemi_status),
        cmocka_unit_test(test_ttl_line), cmocka_unit_test(test_refusals)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
