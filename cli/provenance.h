/* What every JSON sidecar records about the input: psyphys version, path, SHA-256, format. */
#ifndef PSYPHYS_CLI_PROVENANCE_H
#define PSYPHYS_CLI_PROVENANCE_H

#include <jansson.h>
#include "output.h"
#include "psyphys.h"

/* SHA-256 of a file as 64 lowercase hex digits. 1 on success. */
int cli_sha256_file(const char *path, char hex[65]);

/* A new sidecar object: {"psyphys_version", "command", "input": {path, sha256, format, start}}.
 * Returns NULL (after printing why) when the input cannot be hashed. */
json_t *cli_sidecar_new(const char *command, const char *input_path, psy_reader *reader);

/* The SHA-256 of a recording's files (input_path and the reader's other files), computed in a
 * background thread while the command reads the recording. NULL when the thread cannot start
 * (then cli_sidecar_new hashes them itself). */
typedef struct cli_hashes cli_hashes;
cli_hashes *cli_hashes_start(const char *input_path, psy_reader *reader);

/* cli_sidecar_new with the hashes a cli_hashes_start (NULL: none) computed; waits for them and
 * frees them. */
json_t *cli_sidecar_new_hashed(const char *command, const char *input_path, psy_reader *reader,
                               cli_hashes *hashes);

/* Waits for and frees hashes that are not needed after all (NULL-safe). */
void cli_hashes_cancel(cli_hashes *hashes);

/* Appends the reader's warnings, and `extra` ones, as "warnings". */
void cli_sidecar_warnings(json_t *sidecar, psy_reader *reader);

/* The sidecar's name for a table: "x.tsv" -> "x.json" (other names get ".json" added).
 * Malloc'd; NULL when out of memory. */
char *cli_sidecar_path_for(const char *table_path);

/* Opens a table at `path` as o[0] and its sidecar (cli_sidecar_path_for) as o[1] (cli_output_open
 * with `overwrite`). 1 when both are open; 0 with nothing left open, the reason printed. */
int cli_output_open_with_sidecar(cli_output o[2], const char *path, int overwrite);

/* Writes the object to a file, indented, keys in insertion order, with a final newline. */
int cli_sidecar_write(json_t *sidecar, FILE *fp);

#endif
