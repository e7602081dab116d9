/* psyphys — PSY_API marks what libpsyphys exports.
 *
 * The library is built with hidden symbol visibility: only the functions declared with PSY_API
 * in these headers (all named psy_...) are visible to a program linking the shared library;
 * everything else is internal and may change between any two versions. */
#ifndef PSYPHYS_EXPORT_H
#define PSYPHYS_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define PSY_API __attribute__((visibility("default")))
#else
#define PSY_API
#endif

#include <stdint.h>

/* Configs grow without breaking the ABI. Every public config struct (psy_..._config,
 * psy_open_options) ends in
 *     uint64_t reserved[PSY_RESERVED_WORDS];
 * which its psy_..._default() sets to zero. A setting added later takes its room from that array
 * (the struct's size and every offset stay as they are: tests/test_abi_configs.c pins the sizes
 * and offsets on LP64, x86-64 and arm64, and tests/abi_ilp32/layout.c the sizes on ILP32, i386
 * and armv7; a setting taken from the reserve fills whole words there too, a pointer in a union
 * with a uint64_t) and
 * means "as before" when zero, so a program built against older headers, which passes zeros
 * there, keeps its results. A library given a config whose reserved words are not all zero (a
 * newer program's setting it does not know) refuses it with PSY_E_INVALID instead of ignoring
 * it. So: start from psy_..._default(), set the fields you mean, never write to reserved. */
#define PSY_RESERVED_WORDS 16

#endif
