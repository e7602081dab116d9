/* Allocation counting for the tests that check "no allocation after create / after the first
 * call": this program's malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign
 * (glibc lets a program replace them; its own versions do the work) count the calls, including
 * those made inside libraries (FFTW's, glibc's own). Include in one file of a test program only.
 * Not under AddressSanitizer or ThreadSanitizer, which replace them themselves: COUNT_ALLOCATIONS
 * is then undefined and the tests skip. */
#ifndef PSYPHYS_TEST_ALLOC_COUNT_H
#define PSYPHYS_TEST_ALLOC_COUNT_H

#include <errno.h>
#include <stddef.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define PSY_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PSY_TEST_SANITIZED 1
#endif

#if defined(__GLIBC__) && !defined(PSY_TEST_SANITIZED)
#define COUNT_ALLOCATIONS 1
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
static long allocations;
static void count_one(void) { __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED); }
/* How many allocations so far. */
static inline long allocation_count(void) { return __atomic_load_n(&allocations, __ATOMIC_RELAXED); }
void *malloc(size_t n)
{
    count_one();
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t size)
{
    count_one();
    return __libc_calloc(n, size);
}
void *realloc(void *p, size_t n)
{
    count_one();
    return __libc_realloc(p, n);
}
void *memalign(size_t align, size_t n);
void *memalign(size_t align, size_t n)
{
    count_one();
    return __libc_memalign(align, n);
}
void *aligned_alloc(size_t align, size_t n)
{
    count_one();
    return __libc_memalign(align, n);
}
int posix_memalign(void **p, size_t align, size_t n)
{
    count_one();
    void *q = __libc_memalign(align, n);
    if (!q) return ENOMEM;
    *p = q;
    return 0;
}
#endif

#endif
