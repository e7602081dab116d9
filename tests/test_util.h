/* Helpers shared by the tests. Include after <cmocka.h>'s prerequisites. */
#ifndef PSYPHYS_TEST_UTIL_H
#define PSYPHYS_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "psyphys.h"

#define PSY_TEST_SKIP 77

/* Path of a file under ../shared/data (static buffer), or NULL when shared/ is absent. */
const char *shared_data(const char *relative);
/* Path of a file under ../shared/reference (static buffer), or NULL when absent. */
const char *shared_reference(const char *relative);
/* Exits with the CTest skip code when ../shared/data is absent. Call first in main(). */
void require_shared_data(void);

/* A fresh temporary directory for this test, removed with its content when the test exits. */
const char *test_tmpdir(void);
/* Writes n bytes to dir/name and returns the path (static buffer, valid until the next call). */
const char *write_temp_file(const char *name, const void *data, size_t n);

/* Path of name in test_tmpdir() (static buffer, valid until the next call). */
const char *temp_path(const char *name);

/* Opens path with default options and fails the test with the reason when it cannot. */
psy_reader *open_or_fail(const char *path);

/* Opens shared/data/<relative> with sampling_rate_hz = fs (0: from the file); fails the test with
 * the reason when it cannot. */
psy_reader *open_shared(const char *relative, double fs);

/* Opening path (default options) must fail with status want and a reason containing words. */
void expect_open_refused(const char *path, psy_status want, const char *words);

/* 1 when one of the reader's warnings contains needle. */
int has_warning(const psy_reader *r, const char *needle);

/* ECG-derived breaths of the ECG x (n samples at fs Hz, mV): a one-channel reader over x (*r),
 * its beats (*beats, psy_beats_detect) and psy_breaths_from_ecg's list; fails the test when a
 * step does. The caller frees the three; x must outlive *r. */
psy_breath_list *edr_of_ecg(const double *x, size_t n, double fs, psy_reader **r, psy_beat_list **beats);

/* Adds one synthetic beat to the ECG x (n samples at fs Hz, mV): an R wave of r_mv at beat_s, an
 * S wave of -s_mv 30 ms later, a T wave of 0.2 mV at 250 ms (Gaussians of 10, 10 and 40 ms). */
void test_ecg_beat(double *x, size_t n, double fs, double beat_s, double r_mv, double s_mv);

/* A seeded generator (xorshift64, Marsaglia 2003) for synthetic signals: the same numbers on every
 * machine. */
typedef struct test_rng {
    uint64_t s;
} test_rng;
/* Uniform in (0, 1). */
double test_uniform(test_rng *r);
/* Standard normal (Box-Muller). */
double test_gauss(test_rng *r);

#endif
