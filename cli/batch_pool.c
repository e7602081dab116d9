/* psyphys batch: worker processes. Each file is analysed by its own process (psyphys analyze), so
 * a crash, even a segfault, costs that file only; workers are killed when the batch dies. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"

int batch_spawn(char *const *argv, const char *log)
{
    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid != 0) return pid < 0 ? -1 : (int)pid;
    /* the child: a kill -9 of the batch takes its workers along, so no orphan writes on */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int null = open("/dev/null", O_RDONLY);
    if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(127);
    close(fd);
    close(null);
    execv(argv[0], argv);
    dprintf(2, "psyphys: %s: cannot start the worker: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int batch_wait_any(int *status)
{
    for (;;) {
        pid_t pid = waitpid(-1, status, 0);
        if (pid >= 0) return (int)pid;
        if (errno != EINTR) return -1;
    }
}

/* Copies as much of src as fits. */
static void copy_text(char *out, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size) n = size - 1;
    memcpy(out, src, n);
    out[n] = '\0';
}

/* The last line of the log that starts with "psyphys: " (the CLI's error lines), else its last
 * line; tabs and control characters become spaces. */
static void last_error_line(const char *log, char *out, size_t size)
{
    out[0] = '\0';
    FILE *fp = fopen(log, "r");
    if (!fp) return;
    char line[1024], any[1024] = "";
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (!*line) continue;
        copy_text(any, sizeof any, line);
        if (strncmp(line, "psyphys: ", 9) == 0 && !strstr(line, ": warning: ")) copy_text(out, size, line + 9);
    }
    fclose(fp);
    if (!out[0]) copy_text(out, size, any);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 32) *p = ' ';
}

void batch_describe_failure(int wait_status, const char *log, char *out, size_t size)
{
    char line[512];
    last_error_line(log, line, sizeof line);
    if (WIFSIGNALED(wait_status)) {
        int sig = WTERMSIG(wait_status);
        snprintf(out, size, "crashed: signal %d (%s)%s%s", sig, strsignal(sig), line[0] ? "; last output: " : "",
                 line);
    } else if (WIFEXITED(wait_status)) {
        if (line[0]) copy_text(out, size, line);
        else snprintf(out, size, "exit status %d without a message", WEXITSTATUS(wait_status));
    } else {
        snprintf(out, size, "worker stopped unexpectedly");
    }
}
