/* Temporary files where the user's TMPDIR says (psy_core.h): tmpfile() ignores TMPDIR, and
 * batch nodes often have a small /tmp and a job-local $TMPDIR. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "psy_core.h"

const char *psy_temp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    if (dir && dir[0]) return dir;
#ifdef P_tmpdir
    return P_tmpdir;
#else
    return "/tmp";
#endif
}

FILE *psy_temp_file(void)
{
    const char *dir = psy_temp_dir();
    size_t len = strlen(dir);
    char *path = malloc(len + sizeof "/psyphys-XXXXXX");
    if (!path) return NULL;
    memcpy(path, dir, len);
    memcpy(path + len, "/psyphys-XXXXXX", sizeof "/psyphys-XXXXXX");
    int fd = mkstemp(path);
    FILE *fp = NULL;
    if (fd >= 0) {
        fcntl(fd, F_SETFD, FD_CLOEXEC); /* a host program's children do not inherit the session's file */
        unlink(path); /* gone with its last descriptor, whatever happens to the process */
        fp = fdopen(fd, "w+b");
        if (!fp) {
            int err = errno;
            close(fd);
            errno = err;
        }
    }
    free(path);
    return fp;
}
