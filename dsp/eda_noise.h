/* Internal: the white sensor noise of a skin conductance signal, estimated on the raw input
 * (before the low-pass) from third differences, which a smooth signal hardly moves (relative to the
 * noise, at 4 Hz they see a fifth or less of the SCR curvature second differences see): per block of
 * EDA_NOISE_BLOCK_S seconds the mean of the smaller half of |d3| (a trimmed statistic: robust to
 * SCR onsets and spikes, and, unlike the MAD, continuous on quantised data whose differences are
 * mostly 0 or one step), scaled to a standard deviation; the estimate at a time is the median of
 * the last EDA_NOISE_WINDOW blocks (one minute, sliding, causal): a noisier stretch of half a
 * minute or more raises it, one block that an SCR inflates does not, and shorter disturbances are
 * the artefact flags' business. In the spirit of the robust noise estimates of wavelet denoising
 * (Donoho & Johnstone 1994, MAD of the finest detail) as applied to EDA quality control (Kleckner
 * et al. 2018, IEEE TBME 65(7):1460-1467; Taylor et al. 2015, IEEE EMBC 1934-1937). Allocates only
 * in create. */
#ifndef PSYPHYS_EDA_NOISE_H
#define PSYPHYS_EDA_NOISE_H

#include <stdint.h>

#define EDA_NOISE_BLOCK_S 5.0
#define EDA_NOISE_WINDOW 12     /* blocks: one minute */
#define EDA_NOISE_MIN_VALUES 8  /* third differences a block needs */
#define EDA_NOISE_MAX_VALUES 1024 /* kept per block (every stride-th at high rates) */
#define EDA_NOISE_BINS 162      /* log histogram of the estimate: 40 per decade, 0.1 nS .. 1 uS */

typedef struct eda_noise eda_noise;

/* rate_hz: input rate. NULL on ENOMEM. */
eda_noise *eda_noise_create(double rate_hz);
eda_noise *eda_noise_copy(const eda_noise *n);
void eda_noise_reset(eda_noise *n);
void eda_noise_destroy(eda_noise *n);

/* One raw sample (uS); NaN or a flagged sample breaks the difference chain. */
void eda_noise_push(eda_noise *n, double x);

/* The sliding estimate (uS, standard deviation of white noise at the input rate); NaN until
 * some data has been seen. */
double eda_noise_current(eda_noise *n);

/* Quantile q of the sliding estimate over the recording so far, block by block (NaN if none;
 * resolution 6 %). */
double eda_noise_quantile(const eda_noise *n, double q);

/* Seconds of the recording so far in which the sliding estimate exceeded sd_us. */
double eda_noise_seconds_above(const eda_noise *n, double sd_us);

#endif
