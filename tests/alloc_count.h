/* Allocation counting for the tests that check "no allocation after create / after the first
 * call": this program's malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign
 * (glibc lets a program replace them; its own versions do the work) count the calls, including
 * those made inside libraries (FFTW's, glibc's own). Include in one file of a test program only.
 * Not under AddressSanitizer or ThreadSanitizer, which replace them themselves: COUNT_ALLOCATIONS
 * is then undefined and the tests skip. With PSY_TEST_COUNT_BYTES defined before the include, the
 * heap bytes live (malloc_usable_size) and their peak are counted too (free replaced as well): a
 * test of how much memory a call holds, not a timing or an RSS threshold. One thread at a time
 * for the peak. */
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
#ifdef PSY_TEST_COUNT_BYTES
#include <malloc.h>
extern void __libc_free(void *p);
static long live_bytes, peak_bytes;
/* Adds (sign 1) or removes (-1) block p's bytes. */
static void count_bytes(void *p, long sign)
{
    if (!p) return;
    long now = __atomic_add_fetch(&live_bytes, sign * (long)malloc_usable_size(p), __ATOMIC_RELAXED);
    if (now > peak_bytes) peak_bytes = now;
}
/* Heap bytes live now; the most since the last reset_peak_bytes (which sets it to now). */
static inline long heap_bytes(void) { return __atomic_load_n(&live_bytes, __ATOMIC_RELAXED); }
static inline long heap_peak_bytes(void) { return peak_bytes; }
static inline void reset_peak_bytes(void) { peak_bytes = heap_bytes(); }
void free(void *p)
{
    count_bytes(p, -1);
    __libc_free(p);
}
#else
static void count_bytes(void *p, long sign) { (void)p, (void)sign; }
#endif
static void *counted(void *p)
{
    count_one();
    count_bytes(p, 1);
    return p;
}
void *malloc(size_t n)
{
    return counted(__libc_malloc(n));
}
void *calloc(size_t n, size_t size)
{
    return counted(__libc_calloc(n, size));
}
void *realloc(void *p, size_t n)
{
    count_bytes(p, -1); /* a failed realloc keeps p: counted back below */
    void *q = __libc_realloc(p, n);
    if (!q && n) count_bytes(p, 1);
    return counted(q);
}
void *memalign(size_t align, size_t n);
void *memalign(size_t align, size_t n)
{
    return counted(__libc_memalign(align, n));
}
void *aligned_alloc(size_t align, size_t n)
{
    return counted(__libc_memalign(align, n));
}
int posix_memalign(void **p, size_t align, size_t n)
{
    void *q = counted(__libc_memalign(align, n));
    if (!q) return ENOMEM;
    *p = q;
    return 0;
}
#endif

#endif
