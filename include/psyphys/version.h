/* psyphys — the version of these headers; psy_version() gives the library's at run time.
 *
 * Versions follow semantic versioning: a program built against MAJOR.MINOR runs with any library
 * MAJOR.x with x >= MINOR (the shared library's soname carries MAJOR). CMakeLists.txt takes the
 * project's version from here. */
#ifndef PSYPHYS_VERSION_H
#define PSYPHYS_VERSION_H

#include "psyphys/export.h"

#define PSYPHYS_VERSION_MAJOR 0
#define PSYPHYS_VERSION_MINOR 3
#define PSYPHYS_VERSION_PATCH 0
#define PSYPHYS_VERSION_STR_(x) #x
#define PSYPHYS_VERSION_STR(x) PSYPHYS_VERSION_STR_(x)
/* "MAJOR.MINOR.PATCH" */
#define PSYPHYS_VERSION_STRING                                                          \
    PSYPHYS_VERSION_STR(PSYPHYS_VERSION_MAJOR) "." PSYPHYS_VERSION_STR(PSYPHYS_VERSION_MINOR) "." \
        PSYPHYS_VERSION_STR(PSYPHYS_VERSION_PATCH)
/* One comparable number: #if PSYPHYS_VERSION_NUMBER >= PSYPHYS_VERSION_ENCODE(0, 2, 0) */
#define PSYPHYS_VERSION_ENCODE(major, minor, patch) ((major) * 1000000L + (minor) * 1000L + (patch))
#define PSYPHYS_VERSION_NUMBER \
    PSYPHYS_VERSION_ENCODE(PSYPHYS_VERSION_MAJOR, PSYPHYS_VERSION_MINOR, PSYPHYS_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* The linked library's version, "MAJOR.MINOR.PATCH" (PSYPHYS_VERSION_STRING when it was built). */
PSY_API const char *psy_version(void);
/* The same as PSYPHYS_VERSION_NUMBER: compare with the headers' to detect a mismatch. */
PSY_API long psy_version_number(void);

#ifdef __cplusplus
}
#endif
#endif
