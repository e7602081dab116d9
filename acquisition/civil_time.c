/* Civil date arithmetic (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms": days from
 * and to a proleptic Gregorian date through 400-year eras of 146097 days, years starting on
 * March 1 so that the leap day ends the year). */
#include <math.h>

#include "civil_time.h"

int64_t psy_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void psy_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int psy_civil_date_exists(int64_t y, int m, int d)
{
    if (m < 1 || m > 12 || d < 1 || d > 31) return 0;
    int yy, mm, dd; /* a day past its month's end carries into the next */
    psy_civil_from_days(psy_days_from_civil(y, m, d), &yy, &mm, &dd);
    return yy == y && mm == m && dd == d;
}

psy_datetime psy_datetime_shift(psy_datetime dt, int64_t secs, int64_t ns)
{
    secs += psy_days_from_civil(dt.year, dt.month, dt.day) * 86400 + dt.hour * 3600 +
            dt.minute * 60 + dt.second;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    psy_civil_from_days(days, &dt.year, &dt.month, &dt.day);
    dt.hour = (int)(sod / 3600);
    dt.minute = (int)(sod / 60 % 60);
    dt.second = (int)(sod % 60);
    dt.nanosecond = ns < 0 ? 0 : ns > 999999999 ? 999999999 : ns;
    return dt;
}

static void split_seconds(double t, int64_t *whole, int64_t *ns)
{
    double w = floor(t);
    *ns = llround((t - w) * 1e9);
    if (*ns >= 1000000000) *ns -= 1000000000, w += 1;
    *whole = (int64_t)w;
}

psy_datetime psy_datetime_add(psy_datetime dt, double seconds)
{
    if (!dt.known || seconds == 0 || !(fabs(seconds) < 1e12)) return dt;
    int64_t whole, ns;
    split_seconds(seconds + (double)dt.nanosecond * 1e-9, &whole, &ns);
    return psy_datetime_shift(dt, whole, ns);
}

psy_datetime psy_datetime_from_unix(double t)
{
    psy_datetime epoch = {1, 1970, 1, 1, 0, 0, 0, 0, 1, 0};
    if (!(fabs(t) < 1e12)) return epoch;
    int64_t whole, ns;
    split_seconds(t, &whole, &ns);
    return psy_datetime_shift(epoch, whole, ns);
}
