/* All-or-nothing output files: written under a temporary name beside the target, renamed into
 * place only when every file of a command is complete. */
#ifndef PSYPHYS_CLI_OUTPUT_H
#define PSYPHYS_CLI_OUTPUT_H

#include <stdio.h>

typedef struct cli_output {
    FILE *fp;      /* write here */
    char *path;    /* the target */
    char *tmp;     /* the temporary file */
} cli_output;

/* Opens a temporary file for `path`. Fails (after printing why) when path exists and
 * overwrite is 0, or when the directory is not writable. Returns 1 on success. */
int cli_output_open(cli_output *o, const char *path, int overwrite);

/* Closes and renames every output of a command into place (all opened ones). Returns 1 when all
 * succeeded; otherwise prints why, removes the temporaries and returns 0. */
int cli_output_commit_all(cli_output *outs, int n);

/* Removes the temporaries of outputs not committed (NULL-safe per entry). */
void cli_output_abort_all(cli_output *outs, int n);

#endif
