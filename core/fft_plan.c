/* The FFTW planner lock (fft_plan.h): the library's one mutable global, a mutex. */
#include <pthread.h>

#include "fft_plan.h"

static pthread_mutex_t planner = PTHREAD_MUTEX_INITIALIZER;

fftw_plan psy_fft_plan_r2c(size_t n, double *in, fftw_complex *out)
{
    if (n < 1 || n > (size_t)1 << 30) return NULL;
    pthread_mutex_lock(&planner);
    fftw_plan p = fftw_plan_dft_r2c_1d((int)n, in, out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner);
    return p;
}

fftw_plan psy_fft_plan_c2r(size_t n, fftw_complex *in, double *out)
{
    if (n < 1 || n > (size_t)1 << 30) return NULL;
    pthread_mutex_lock(&planner);
    fftw_plan p = fftw_plan_dft_c2r_1d((int)n, in, out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner);
    return p;
}

void psy_fft_destroy(fftw_plan plan)
{
    if (!plan) return;
    pthread_mutex_lock(&planner);
    fftw_destroy_plan(plan);
    pthread_mutex_unlock(&planner);
}
