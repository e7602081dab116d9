/* Internal: windowed lagged cross-correlation with FFTW (Boker et al. 2002), for
 * analysis/sync.c.
 *
 * Windows are loaded once (A's window of w samples, B's extended window of w + 2L samples
 * starting L before it); then the peak correlation of any A window against any B window (the
 * observed pair, or a surrogate pair) costs one complex product and one inverse FFT. The object
 * owns its scratch buffers: one object per thread. */
#ifndef PSYPHYS_XCORR_H
#define PSYPHYS_XCORR_H

#include <stddef.h>

typedef struct xcorr xcorr;

/* w >= 2 samples per window, lags -L..L (L < w), room for n_windows windows. NULL on failure
 * (allocation, plan, sizes). Plans are made here, never later. */
xcorr *xcorr_create(size_t w, size_t L, size_t n_windows);
void xcorr_destroy(xcorr *x); /* NULL-safe */

/* Loads slot k: a[0..w) and b_ext[0..w + 2L). Returns 1 when usable: every value finite, and
 * neither A's window nor any of B's lagged windows flat. */
int xcorr_load(xcorr *x, size_t k, const double *a, const double *b_ext);

/* The largest Pearson r over the lags of A's window in slot i against B's window in slot j (both
 * usable), and its lag (-L..L samples; > 0: B later; ties: the smallest |lag|); every lag's r in
 * profile[0..2L] (lag -L first) when profile is not NULL. */
void xcorr_peak(xcorr *x, size_t i, size_t j, double *r, int *lag, double *profile);

#endif
