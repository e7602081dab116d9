/* Status descriptions and the library version. */
#include "psyphys.h"

const char *psy_strerror(psy_status status)
{
    switch (status) {
    case PSY_OK: return "success";
    case PSY_E_INVALID: return "invalid argument";
    case PSY_E_NOMEM: return "out of memory";
    case PSY_E_IO: return "input/output error";
    case PSY_E_FORMAT: return "malformed content";
    case PSY_E_TRUNCATED: return "file is truncated";
    case PSY_E_UNSUPPORTED: return "unsupported format";
    case PSY_E_UNKNOWN_FORMAT: return "unknown format";
    case PSY_E_RANGE: return "out of range";
    case PSY_E_NOT_FOUND: return "not found";
    case PSY_E_EXISTS: return "file exists";
    case PSY_E_TOO_SHORT: return "too short";
    case PSY_STATUS_COUNT: break;
    }
    return "unknown status";
}

const char *psy_version(void) { return PSYPHYS_VERSION_STRING; }

long psy_version_number(void) { return PSYPHYS_VERSION_NUMBER; }
