/* Internal: EDA preprocessing — artefact rules (eda_artifact.h), low-pass, integer decimation to
 * the analysis rate, flags (see include/psyphys/eda.h). Fixed-size state: no allocation; the
 * noise estimator and the artefact rules are objects its owner creates. */
#ifndef PSYPHYS_EDA_PREP_H
#define PSYPHYS_EDA_PREP_H

#include <stdint.h>
#include "biquad.h"
#include "eda_artifact.h"
#include "eda_noise.h"
#include "psyphys/eda.h"

typedef struct eda_prep {
    int lowpass;            /* 1 when the low-pass runs */
    psy_biquad lp[2];
    int64_t factor;         /* decimation factor */
    double out_rate;        /* analysis rate */
    double delay_s;         /* low-pass group delay, subtracted from reported times */
    double min_us, max_us, max_step; /* max_step: per analysis sample */
    int64_t n_in;           /* input samples seen */
    int restart;            /* the next valid sample settles the filters */
    double last_raw;        /* for the flat test (input rate) */
    int64_t same_run;       /* input samples equal to last_raw */
    int64_t flat_samples;   /* flat_s in input samples (0: off) */
    double last_out;        /* previous analysis value, NaN after a gap (slope test) */
    unsigned pending;       /* flags seen since the last analysis sample (EDA_BAD_*) */
    psy_eda_artifacts art;  /* of the analysis samples released */
    unsigned flags;         /* EDA_BAD_* of the last one */
    eda_noise *noise;       /* fed every repaired raw sample (NaN when flagged); NULL: none */
    eda_artifact *artifact; /* spikes, drops, transition radius; NULL: none */
} eda_prep;

/* Sets every field but `noise` and `artifact`, which the owner sets (and resets) itself. */
void eda_prep_init(eda_prep *p, const psy_eda_config *c);

/* Feeds one input sample. Returns 1 when an analysis sample is released: *y is the low-passed
 * value, or NaN when flagged. The artefact rules hold samples back (eda_prep_latency_s). */
int eda_prep_step(eda_prep *p, double x, double *y);

/* After the last input sample: releases the samples held back, one per call (returns 0 when
 * none is left). */
int eda_prep_flush(eda_prep *p, double *y);

/* How long (s) the artefact rules hold a sample back. */
double eda_prep_latency_s(const eda_prep *p, double in_rate);

/* How the low-pass and decimation carry white sensor noise into the analysis signal y: the
 * autocovariance of y, acf[k] = cov(y[i], y[i + k]) for k = 0 .. m - 1, when the input is white
 * noise of unit standard deviation. Allocates (call at create; the caller frees); NULL on
 * ENOMEM. */
double *eda_prep_noise_acf(const eda_prep *p, int64_t m);

/* The standard deviation of sum_j w[j] y[k - j] (m weights, zeros skipped) for y with
 * autocovariance acf[0 .. m_acf) (0 beyond). */
double eda_noise_sd_of(const double *acf, int64_t m_acf, const double *w, int64_t m);

/* Time (s) of analysis sample k from the first input sample. */
static inline double eda_prep_time(const eda_prep *p, int64_t k)
{
    return (double)k / p->out_rate - p->delay_s;
}

#endif
