/* Internal: hooks of the EDA stream used by the offline analysis. */
#ifndef PSYPHYS_EDA_INTERNAL_H
#define PSYPHYS_EDA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/eda.h"

/* Called for every analysis sample with its time (s), tonic level (NaN when flagged) and
 * psy_eda_flag bits. */
typedef void (*eda_tonic_sink)(void *ctx, double t_s, double tonic_us, unsigned flags);

/* psy_eda_stream_push that also hands every analysis sample's tonic level to sink (may be NULL). */
psy_status eda_stream_push_sink(psy_eda_stream *s, const double *x, size_t n, size_t *used,
                                eda_tonic_sink sink, void *ctx);

/* psy_eda_stream_finish that hands the samples the artefact rules held back to sink too. */
psy_status eda_stream_finish_sink(psy_eda_stream *s, eda_tonic_sink sink, void *ctx);

#endif
