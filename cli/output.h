/* All-or-nothing output files: written under a temporary name beside the target, renamed into
 * place only when every file of a command is complete. A stream is written directly: "-" is
 * stdout, and an existing file that is not a regular one (a device such as /dev/null, a FIFO)
 * is opened as it is (nothing is replaced, so --overwrite is not needed). */
#ifndef PSYPHYS_CLI_OUTPUT_H
#define PSYPHYS_CLI_OUTPUT_H

#include <stdio.h>

typedef struct cli_output {
    FILE *fp;      /* write here */
    char *path;    /* the target */
    char *tmp;     /* the temporary file (NULL for a stream) */
    int stream;    /* 1: written directly (stdout or a device) */
} cli_output;

/* 1 when path names a stream: "-" or an existing file that is not a regular file or a folder.
 * A sidecar beside a stream has no place: commands write none for it. */
int cli_output_is_stream(const char *path);

/* 1 when at most one of the n paths (NULL: not given) is "-", counting stdout_taken (the command
 * writes something else there); else 0 after printing why. */
int cli_outputs_share_stdout(const char *command, const char *const *paths, int n, int stdout_taken);

/* Opens a temporary file for `path` (a stream: itself). Fails (after printing why) when path
 * exists and overwrite is 0, or when the directory is not writable. Returns 1 on success. */
int cli_output_open(cli_output *o, const char *path, int overwrite);

/* Closes and renames every output of a command into place (all opened ones), once what the
 * command wrote to stdout so far has reached it (else none: all outputs or none). Returns 1 when
 * all succeeded; otherwise prints why (stdout's by cli_stdout_close), removes the temporaries and
 * returns 0. */
int cli_output_commit_all(cli_output *outs, int n);

/* Removes the temporaries of outputs not committed (NULL-safe per entry). */
void cli_output_abort_all(cli_output *outs, int n);

/* Standard output, checked in one place (main) for every command, as close_stdout does: a
 * table that did not all reach it (a full disk, an I/O error, a closed descriptor) is an error,
 * not a silent truncation. */

/* Flushes stdout: 1 when everything written there so far reached it, else 0 (the reason kept
 * for cli_stdout_close). */
int cli_stdout_flush(void);

/* Keeps err (an errno) as why a write to stdout that bypassed stdio failed (stream's). */
void cli_stdout_lost(int err);

/* For a command whose stdout reader may leave while it goes on (stream, which ignores SIGPIPE):
 * EPIPE is then not an error. */
void cli_stdout_reader_may_leave(void);

/* The end of every command: flushes and closes stdout. When a write failed, prints
 * "psyphys: standard output: writing failed: REASON" and returns rc, or CLI_FAILED for rc 0. */
int cli_stdout_close(int rc);

#endif
