/* RSA of one breath, shared by psy_rsa_compute (analysis/rsa.c) and the live stream
 * (analysis/stream.c); not a public header. */
#ifndef PSYPHYS_RSA_INTERNAL_H
#define PSYPHYS_RSA_INTERNAL_H

#include <stddef.h>
#include "psyphys/rsa.h"

/* P2T (psyphys/rsa.h's method) and the heart-rate oscillation (bpm) of one breath from onset a
 * to end z with its end of inspiration p (seconds), over the intervals nn[i] (ms) ending at t[i]
 * (ascending; NaN skipped), searching from *from (advanced to the first interval ending at or
 * after a). NaN where the breath holds too few intervals. */
void rsa_one_breath(const double *t, const double *nn, size_t n, size_t *from, double a, double p, double z,
                    psy_rsa_p2t_method method, double *p2t, double *osc);

#endif
