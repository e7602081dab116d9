/* The incremental beat classifier of a live stretch (dsp/rr_online.h): fed one interval at a
 * time from a buffer that drops its oldest intervals, its final classes equal psy_rr_classify's
 * on the whole stretch at every step, for stretches from 0 to 2000 intervals with ectopic,
 * missed, extra, long and short beats, a run of bigeminy and other window sizes; a copy completed
 * as if the stretch ended gives the classes of the intervals so far. */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/rr.h"
#include "rr_online.h"

#define MAX_N 2000
#define CAP 260  /* the caller's buffer */
#define BACK 150 /* intervals it keeps before the oldest not final */

static double uniform(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / (double)(1ULL << 53);
}

/* Sinus rhythm around 800 ms with breathing, and every kind of artefact the classifier knows. */
static void series(double *rr, size_t n, uint64_t seed)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        rr[i] = 800 + 40 * sin((double)i / 4.0) + 20 * (uniform(&s) - 0.5);
        double u = uniform(&s);
        if (u < 0.03 && i + 1 < n) { /* premature beat and its pause */
            rr[i] *= 0.65;
            rr[i + 1] = 800 * 1.35;
            i++;
        } else if (u < 0.04) {
            rr[i] *= 2; /* missed */
        } else if (u < 0.05) {
            rr[i] *= 0.5; /* extra (the next one too) */
        } else if (u < 0.06) {
            rr[i] *= 1.4; /* long */
        }
    }
    if (n > 700)
        for (size_t i = 500; i < 600; i++) rr[i] = i % 2 ? 600 : 1000; /* bigeminy */
}

/* Feeds rr one interval at a time like the stream does; checks every final class on the way
 * and all of them at the end. */
static void check(const double *rr, size_t n, const psy_rr_config *c)
{
    psy_beat_class want[MAX_N], got[MAX_N];
    assert_int_equal(psy_rr_classify(rr, n, c, want), PSY_OK);
    rr_online o;
    assert_int_equal(rr_online_init(&o, c, CAP), PSY_OK);
    double buf[CAP];
    size_t held = 0, base = 0, done = 0;
    for (size_t k = 0; k < n; k++) {
        assert_true(held < CAP);
        buf[held++] = rr[k];
        rr_online_update(&o, buf, held, 0);
        size_t final = rr_online_final(&o);
        assert_true(base + final <= k + 1);
        for (; done < base + final; done++) got[done] = rr_online_classes(&o)[done - base];
        if (done > base + BACK) { /* drop what is final and far enough back */
            size_t drop = done - base - BACK;
            if (drop > rr_online_droppable(&o)) drop = rr_online_droppable(&o);
            rr_online_drop(&o, drop);
            memmove(buf, buf + drop, (held - drop) * sizeof *buf);
            held -= drop, base += drop;
        }
    }
    if (n > 200) assert_true(done + 60 > n); /* labels lag the intervals by the windows' reach */
    rr_online_update(&o, buf, held, 1);
    assert_int_equal(rr_online_final(&o), held);
    for (; done < n; done++) got[done] = rr_online_classes(&o)[done - base];
    size_t abnormal = 0;
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i]) fail_msg("n %zu: interval %zu %s online, %s offline", n, i, psy_beat_class_name(got[i]),
                                        psy_beat_class_name(want[i]));
        abnormal += want[i] != PSY_BEAT_NORMAL;
    }
    if (n == MAX_N) print_message("%zu intervals, %zu not normal, all classes equal\n", n, abnormal);
    rr_online_free(&o);
}

static void test_equals_offline(void **state)
{
    (void)state;
    static const size_t lengths[] = {0, 1, 2, 3, 5, 10, 11, 12, 50, 90, 91, 92, 96, 97, 150, 400, 1000, MAX_N};
    static double rr[MAX_N];
    psy_rr_config c = psy_rr_config_default();
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++)
        for (uint64_t seed = 1; seed <= 3; seed++) {
            series(rr, lengths[k], seed);
            check(rr, lengths[k], &c);
        }
    c.median_window = 7, c.qd_window = 31; /* other windows */
    series(rr, 1000, 9);
    check(rr, 1000, &c);
}

/* A copy updated as ended gives the classes of the stretch so far (psy_rr_classify on the
 * intervals up to the newest) at every step, while the original goes on unchanged: its final
 * classes are still those of the whole stretch (the stream's provisional labels). */
static void check_copy(const double *rr, size_t n, const psy_rr_config *c)
{
    static psy_beat_class want[MAX_N], so_far[MAX_N];
    assert_int_equal(psy_rr_classify(rr, n, c, want), PSY_OK);
    rr_online o, e;
    assert_int_equal(rr_online_init(&o, c, CAP), PSY_OK);
    assert_int_equal(rr_online_init(&e, c, CAP), PSY_OK);
    double buf[CAP];
    size_t held = 0, base = 0;
    for (size_t k = 0; k < n; k++) {
        buf[held++] = rr[k];
        rr_online_update(&o, buf, held, 0);
        rr_online_copy(&e, &o);
        rr_online_update(&e, buf, held, 1);
        assert_int_equal(rr_online_final(&e), held);
        assert_int_equal(psy_rr_classify(rr, k + 1, c, so_far), PSY_OK);
        for (size_t i = base; i <= k; i++)
            if (rr_online_classes(&e)[i - base] != so_far[i])
                fail_msg("n %zu, %zu so far: interval %zu %s from the copy, %s offline", n, k + 1, i,
                         psy_beat_class_name(rr_online_classes(&e)[i - base]), psy_beat_class_name(so_far[i]));
        for (size_t i = base; i < base + rr_online_final(&o); i++) assert_int_equal(rr_online_classes(&o)[i - base], want[i]);
        size_t drop = rr_online_final(&o) > BACK ? rr_online_final(&o) - BACK : 0;
        if (drop > rr_online_droppable(&o)) drop = rr_online_droppable(&o);
        rr_online_drop(&o, drop);
        memmove(buf, buf + drop, (held - drop) * sizeof *buf);
        held -= drop, base += drop;
    }
    rr_online_free(&o);
    rr_online_free(&e);
}

static void test_copy_ends_the_stretch(void **state)
{
    (void)state;
    static double rr[MAX_N];
    psy_rr_config c = psy_rr_config_default();
    for (uint64_t seed = 1; seed <= 2; seed++) {
        series(rr, 1000, seed);
        check_copy(rr, 1000, &c);
    }
    series(rr, 95, 3); /* within the first windows */
    check_copy(rr, 95, &c);
    c.median_window = 7, c.qd_window = 31;
    series(rr, 800, 4);
    check_copy(rr, 800, &c);
}

/* A reset starts a new stretch: the classes are those of the new stretch alone. */
static void test_reset(void **state)
{
    (void)state;
    static double rr[400];
    series(rr, 400, 5);
    psy_rr_config c = psy_rr_config_default();
    psy_beat_class want[400];
    assert_int_equal(psy_rr_classify(rr + 100, 200, &c, want), PSY_OK);
    rr_online o;
    assert_int_equal(rr_online_init(&o, &c, CAP), PSY_OK);
    rr_online_update(&o, rr, 100, 0);
    rr_online_reset(&o);
    for (size_t k = 1; k <= 200; k++) rr_online_update(&o, rr + 100, k, 0);
    rr_online_update(&o, rr + 100, 200, 1);
    for (size_t i = 0; i < 200; i++) assert_int_equal(rr_online_classes(&o)[i], want[i]);
    rr_online_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equals_offline),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_copy_ends_the_stretch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
