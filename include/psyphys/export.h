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

#endif
