/* psyphys batch: worker processes. Each file is analysed by its own process (psyphys analyze), so
 * a crash, even a segfault, costs that file only. Each worker leads its own process group, so it
 * and whatever it starts are stopped together (a timeout, an interrupted batch, leftovers of a
 * worker that ended). The batch waits for them without polling: SIGCHLD and the interrupting
 * signals are blocked and taken with sigtimedwait, its timeout the nearest worker deadline. */
#define _XOPEN_SOURCE 700 /* WNOWAIT */
#define _DEFAULT_SOURCE   /* closefrom (glibc 2.34) */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"

static void waited_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

void batch_pool_begin(sigset_t *saved)
{
    sigset_t set;
    waited_signals(&set);
    /* an inherited SIG_IGN for SIGCHLD would reap the workers behind waitid's back */
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_BLOCK, &set, saved);
}

void batch_pool_end(const sigset_t *saved)
{
    sigprocmask(SIG_SETMASK, saved, NULL);
}

int batch_spawn(char *const *argv, const char *log, const sigset_t *child_mask, long long max_file_bytes)
{
    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid > 0) setpgid(pid, pid); /* also here: no window in which a kill of its group misses it */
    if (pid != 0) return pid < 0 ? -1 : (int)pid;
    /* the child: a kill -9 of the batch takes its workers along, so no orphan writes on */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    setpgid(0, 0);
    sigprocmask(SIG_SETMASK, child_mask, NULL);
    if (max_file_bytes > 0) { /* a runaway log or table stops at the limit (SIGXFSZ), the disk stays usable */
        struct rlimit rl;
        getrlimit(RLIMIT_FSIZE, &rl);
        rlim_t want = (rlim_t)max_file_bytes;
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || want < rl.rlim_max ? want : rl.rlim_max;
        setrlimit(RLIMIT_FSIZE, &rl);
    }
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int null = open("/dev/null", O_RDONLY);
    if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(127);
    /* nothing else the batch holds (its caller's pipes among them) passes to the worker, or to
     * what it starts and might leave running after a kill -9 of the batch */
    closefrom(3);
    execv(argv[0], argv);
    dprintf(2, "psyphys: %s: cannot start the worker: %s\n", argv[0], strerror(errno));
    _exit(127);
}

void batch_kill_worker(int pid, int sig)
{
    if (pid > 0) kill(-(pid_t)pid, sig);
}

int batch_wait_any(int *status, double timeout, int *sig)
{
    *sig = 0;
    double deadline = timeout >= 0 ? batch_now() + timeout : INFINITY;
    sigset_t set;
    waited_signals(&set);
    for (;;) {
        /* an ended worker, still a zombie: its group is killed (what it started and left running
         * would write on into its staging folder) before it is reaped and its pid freed */
        siginfo_t si;
        memset(&si, 0, sizeof si);
        int r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT);
        if (r == 0 && si.si_pid != 0) {
            pid_t pid = si.si_pid;
            kill(-pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0)
                if (errno != EINTR) return -1;
            return (int)pid;
        }
        if (r < 0 && errno != EINTR) return -1; /* ECHILD: none left */
        int got;
        if (isinf(deadline)) {
            got = sigwaitinfo(&set, NULL);
        } else {
            double left = deadline - batch_now();
            if (left <= 0) return 0;
            struct timespec ts = {(time_t)left, (long)((left - floor(left)) * 1e9)};
            got = sigtimedwait(&set, NULL, &ts);
        }
        if (got < 0) {
            if (errno == EAGAIN) return 0;
            if (errno == EINTR) continue;
            return -1;
        }
        if (got != SIGCHLD) {
            *sig = got;
            return 0;
        }
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

/* The last line of the log's last 64 KiB (a runaway log is not read whole) that starts with
 * "psyphys: " (the CLI's error lines), else its last line; control characters become spaces. */
static void last_error_line(const char *log, char *out, size_t size)
{
    out[0] = '\0';
    FILE *fp = fopen(log, "r");
    if (!fp) return;
    char line[1024], any[1024] = "";
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && sb.st_size > 65536) {
        fseeko(fp, sb.st_size - 65536, SEEK_SET);
        if (!fgets(line, sizeof line, fp)) line[0] = '\0'; /* a partial line */
    }
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

void batch_describe_failure(int wait_status, const char *log, long long max_file_bytes, char *out, size_t size)
{
    char line[512];
    last_error_line(log, line, sizeof line);
    struct stat sb;
    int log_full = max_file_bytes > 0 && stat(log, &sb) == 0 && (long long)sb.st_size >= max_file_bytes;
    if ((WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGXFSZ) || log_full) {
        snprintf(out, size, "%s reached the size limit of %lld MiB (--max-file-mib)",
                 log_full ? "its log" : "a file it wrote", max_file_bytes >> 20);
    } else if (WIFSIGNALED(wait_status)) {
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
