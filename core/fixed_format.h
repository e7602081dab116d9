/* Fixed-point number formatting for the TSV writers, without printf's cost per field. */
#ifndef PSYPHYS_CORE_FIXED_FORMAT_H
#define PSYPHYS_CORE_FIXED_FORMAT_H

#include <stddef.h>

#define PSY_FIXED_MAX 330 /* room for any double (-DBL_MAX with 9 decimals: 320 characters) */

/* Writes v with `decimals` (0 .. 9) digits after the point into out (PSY_FIXED_MAX bytes), the
 * same characters printf's "%.*f" writes in the C locale (the exact binary value rounded half to
 * even; a minus sign for negative values and -0), and returns their number. */
size_t psy_format_fixed(char *out, double v, int decimals);

/* Writes v in decimal into out (PSY_FIXED_MAX bytes), as printf's "%lld"; returns the length. */
size_t psy_format_int(char *out, long long v);

#endif
