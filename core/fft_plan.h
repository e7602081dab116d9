/* Internal: FFTW plans made and destroyed under the library's one planner lock.
 *
 * FFTW's planner is not thread-safe: only fftw_execute and its new-array variants may run in
 * several threads at once; the planner (plan creation and destruction) must be called from one
 * thread at a time (FFTW 3 manual, "Thread safety"). Every plan psyphys makes or destroys goes
 * through these functions, which hold one process-wide mutex, so analysers in different threads
 * never plan at the same time. (fftw_malloc / fftw_free are plain aligned allocations with no
 * shared state, called directly.) An application that also plans with FFTW in its own threads
 * serialises its own calls, or calls fftw_make_planner_thread_safe() (libfftw3_threads) once
 * before starting them. */
#ifndef PSYPHYS_FFT_PLAN_H
#define PSYPHYS_FFT_PLAN_H

#include <stddef.h>
#include <fftw3.h>

/* FFTW_ESTIMATE plans (they never touch the arrays). NULL on failure. */
fftw_plan psy_fft_plan_r2c(size_t n, double *in, fftw_complex *out);
fftw_plan psy_fft_plan_c2r(size_t n, fftw_complex *in, double *out);
void psy_fft_destroy(fftw_plan plan); /* NULL-safe */

#endif
