/* Session phases from events, markers and windows. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

static psy_status no_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    (void)impl, (void)ch, (void)start;
    for (int64_t i = 0; i < n; i++) out[i] = 0;
    return PSY_OK;
}

/* A 300 s recording: baseline 0-60 s, exposure 60-240 s (runs past nothing), a marker at 250 s,
 * a WFDB beat and a psyphys gap mark that are not session events. */
static psy_reader *session(void)
{
    static const psy_reader_ops ops = {no_read, NULL, NULL};
    psy_reader *r = psy_reader_new("test");
    psy_channel_info c = {0};
    strcpy(c.label, "ECG");
    c.rate_hz = 100;
    c.frames = 30000;
    psy_reader_add_channel(r, &c, 1);
    psy_event e = {.sample = -1, .channel = -1};
    e.label = "baseline", e.onset_s = 0, e.duration_s = 60;
    psy_reader_add_event(r, &e);
    e.label = "exposure", e.onset_s = 60, e.duration_s = 180;
    psy_reader_add_event(r, &e);
    e.label = "recovery", e.onset_s = 250, e.duration_s = 0;
    psy_reader_add_event(r, &e);
    e.label = "psyphys: gap", e.onset_s = 100, e.duration_s = 5;
    psy_reader_add_event(r, &e);
    e.label = "N", e.onset_s = 10, e.duration_s = 0, e.source = PSY_EVENTS_WFDB;
    psy_reader_add_event(r, &e);
    psy_reader_set_impl(r, &ops, NULL);
    assert_int_equal(psy_reader_finish(r), PSY_OK);
    return r;
}

static void expect(const psy_segment *s, const char *label, double onset, double duration)
{
    assert_string_equal(s->label, label);
    assert_true(fabs(s->onset_s - onset) < 1e-9 && fabs(s->duration_s - duration) < 1e-9);
}

static void test_rules(void **state)
{
    (void)state;
    psy_reader *r = session();
    psy_segment *s = NULL;
    size_t n = 0;
    assert_int_equal(psy_segments_make(r, PSY_SEGMENTS_EVENTS, 0, 0, &s, &n), PSY_OK);
    assert_int_equal(n, 3);
    expect(&s[0], "recording", 0, 300);
    expect(&s[1], "baseline", 0, 60);
    expect(&s[2], "exposure", 60, 180);
    psy_segments_free(s);
    assert_int_equal(psy_segments_make(r, PSY_SEGMENTS_MARKERS, 0, 0, &s, &n), PSY_OK);
    assert_int_equal(n, 4);
    expect(&s[1], "baseline", 0, 60);
    expect(&s[2], "exposure", 60, 190);
    expect(&s[3], "recovery", 250, 50);
    psy_segments_free(s);
    assert_int_equal(psy_segments_make(r, PSY_SEGMENTS_WINDOWS, 120, 60, &s, &n), PSY_OK);
    assert_int_equal(n, 1 + 4); /* 0-120, 60-180, 120-240, 180-300 */
    expect(&s[4], "window 4", 180, 120);
    psy_segments_free(s);
    assert_int_equal(psy_segments_make(r, PSY_SEGMENTS_WINDOWS, 0, 60, &s, &n), PSY_E_INVALID);
    psy_event e = {.label = "x"};
    assert_true(psy_is_session_event(&e));
    e.label = "psyphys: gap";
    assert_false(psy_is_session_event(&e));
    psy_reader_close(r);
}

/* Where an event lies against a span: the rule analyze and sync share. */
static void test_placement(void **state)
{
    (void)state;
    psy_event e = {.label = "x", .onset_s = 10, .duration_s = 20};
    assert_int_equal(psy_event_placement(&e, 0, 100), 0);
    assert_int_equal(psy_event_placement(&e, 15, 100), PSY_EVENT_ONSET_OUTSIDE | PSY_EVENT_SEGMENT_CLIPPED);
    assert_int_equal(psy_event_placement(&e, 0, 20), PSY_EVENT_SEGMENT_CLIPPED);
    assert_int_equal(psy_event_placement(&e, 30, 100), PSY_EVENT_ONSET_OUTSIDE | PSY_EVENT_SEGMENT_OUTSIDE);
    assert_int_equal(psy_event_placement(&e, 0, 10), PSY_EVENT_ONSET_OUTSIDE | PSY_EVENT_SEGMENT_OUTSIDE);
    e.duration_s = NAN; /* a point event: its onset only */
    assert_int_equal(psy_event_placement(&e, 0, 100), 0);
    assert_int_equal(psy_event_placement(&e, 10.5, 100), PSY_EVENT_ONSET_OUTSIDE);
    assert_int_equal(psy_event_placement(NULL, 0, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rules), cmocka_unit_test(test_placement)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
