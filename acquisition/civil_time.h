/* Internal: civil (proleptic Gregorian, UTC) date arithmetic shared by the readers. */
#ifndef PSYPHYS_CIVIL_TIME_H
#define PSYPHYS_CIVIL_TIME_H

#include <stdint.h>
#include "psyphys/recording.h"

/* Days since 1970-01-01 of a date, and back. */
int64_t psy_days_from_civil(int64_t y, int m, int d);
void psy_civil_from_days(int64_t days, int *y, int *m, int *d);

/* 1 when the date exists (month 1..12, day within its month, leap years counted). */
int psy_civil_date_exists(int64_t y, int m, int d);

/* dt moved by whole seconds `secs` with calendar carry; nanosecond set to ns (0 .. 999999999). */
psy_datetime psy_datetime_shift(psy_datetime dt, int64_t secs, int64_t ns);

/* dt moved by `seconds` (sub-second part to the nanosecond). Unknown or absurd input: dt. */
psy_datetime psy_datetime_add(psy_datetime dt, double seconds);

/* The UTC civil date-time of Unix time t (seconds, may carry a fraction); zone_known = 1. */
psy_datetime psy_datetime_from_unix(double t);

#endif
