/* Failure messages (psy_core.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "psy_core.h"

psy_status psy_fail(psy_message *why, psy_status status, const char *fmt, ...)
{
    if (why) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why->text, sizeof why->text, fmt, ap);
        va_end(ap);
    }
    return status;
}

const char *psy_errno_text(int err, char *buf, size_t size)
{
    if (strerror_r(err, buf, size) != 0) snprintf(buf, size, "error %d", err);
    return buf;
}
