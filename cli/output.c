/* All-or-nothing output files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"

int cli_output_is_stream(const char *path)
{
    struct stat sb;
    return strcmp(path, "-") == 0 || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode));
}

int cli_outputs_share_stdout(const char *command, const char *const *paths, int n, int stdout_taken)
{
    int uses = stdout_taken;
    for (int i = 0; i < n; i++) uses += paths[i] && strcmp(paths[i], "-") == 0;
    if (uses <= 1) return 1;
    cli_error(NULL, "%s: one output at most goes to stdout ('-')", command);
    return 0;
}

static int stdout_errno;     /* why a write to stdout failed (-1: an earlier one, its errno gone); 0: none */
static int stdout_may_leave; /* 1: EPIPE is no error */

/* A stream output: stdout, or the device or FIFO opened as it is. */
static int open_stream(cli_output *o, const char *path)
{
    o->stream = 1;
    o->path = strdup(path);
    o->fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!o->fp) cli_error(path, "cannot write there: %s", strerror(errno));
    return o->path && o->fp;
}

int cli_output_open(cli_output *o, const char *path, int overwrite)
{
    memset(o, 0, sizeof *o);
    if (cli_output_is_stream(path)) return open_stream(o, path);
    struct stat sb;
    if (!overwrite && lstat(path, &sb) == 0) {
        cli_error(path, "exists; give --overwrite to replace it");
        return 0;
    }
    size_t n = strlen(path) + 32;
    o->path = strdup(path);
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) {
        cli_error(path, "out of memory");
        return 0;
    }
    snprintf(o->tmp, n, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd >= 0) { /* mkstemp makes 0600 files: give the finished file the usual mode */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
        cli_error(path, "cannot write there: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->tmp);
        o->tmp = NULL;
        return 0;
    }
    return 1;
}

static void release(cli_output *o)
{
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

void cli_output_abort_all(cli_output *outs, int n)
{
    for (int i = 0; i < n; i++) {
        if (outs[i].fp && outs[i].fp != stdout) fclose(outs[i].fp);
        if (outs[i].tmp) unlink(outs[i].tmp);
        release(&outs[i]);
    }
}

/* 1 when a write to stdout failed for good (a reader that may leave and left is no failure). */
static int stdout_failed(void)
{
    return !cli_stdout_flush() && !(stdout_errno == EPIPE && stdout_may_leave);
}

int cli_output_commit_all(cli_output *outs, int n)
{
    if (stdout_failed()) { /* a table that did not reach stdout: no other output either (said once, by
                              cli_stdout_close) */
        cli_output_abort_all(outs, n);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (!outs[i].fp) continue;
        int bad = outs[i].fp != stdout && (ferror(outs[i].fp) | (fclose(outs[i].fp) != 0)); /* stdout: flushed */
        outs[i].fp = NULL;
        if (bad) {
            cli_error(outs[i].path, "writing failed (disk full?)");
            cli_output_abort_all(outs, n);
            return 0;
        }
    }
    for (int i = 0; i < n; i++) {
        if (outs[i].stream) release(&outs[i]);
        if (!outs[i].tmp) continue;
        if (rename(outs[i].tmp, outs[i].path) != 0) {
            cli_error(outs[i].path, "cannot rename the finished file into place: %s", strerror(errno));
            cli_output_abort_all(outs + i, n - i);
            return 0;
        }
        release(&outs[i]);
    }
    return 1;
}


void cli_stdout_lost(int err)
{
    if (!stdout_errno) stdout_errno = err ? err : -1;
}

int cli_stdout_flush(void)
{
    errno = 0;
    if (fflush(stdout) != 0) cli_stdout_lost(errno);
    if (ferror(stdout)) cli_stdout_lost(0);
    return !stdout_errno;
}

void cli_stdout_reader_may_leave(void) { stdout_may_leave = 1; }

int cli_stdout_close(int rc)
{
    cli_stdout_flush();
    errno = 0;
    if (fclose(stdout) != 0 && errno != EBADF) cli_stdout_lost(errno); /* EBADF: never open, nothing lost */
    if (!stdout_errno || (stdout_errno == EPIPE && stdout_may_leave)) return rc;
    cli_error("standard output", "writing failed: %s", stdout_errno > 0 ? strerror(stdout_errno) : "reason unknown");
    return rc ? rc : CLI_FAILED;
}
