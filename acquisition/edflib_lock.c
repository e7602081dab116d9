/* The one lock around EDFlib's global handle table (DESIGN: no mutable globals of our own). */
#include <pthread.h>

#include "edflib_lock.h"

static pthread_mutex_t edflib_mutex = PTHREAD_MUTEX_INITIALIZER;

void psy_edflib_lock(void) { pthread_mutex_lock(&edflib_mutex); }
void psy_edflib_unlock(void) { pthread_mutex_unlock(&edflib_mutex); }
