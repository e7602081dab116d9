/* The CLI's JSON sidecars: the library's (psyphys/sidecar.h) as jansson objects, which the
 * commands extend with what is theirs, and the files they go to. */
#ifndef PSYPHYS_CLI_PROVENANCE_H
#define PSYPHYS_CLI_PROVENANCE_H

#include <jansson.h>
#include "output.h"
#include "psyphys.h"

/* The library's sidecar as a jansson object (NULL when out of memory). */
json_t *cli_sidecar_json(const psy_sidecar *sidecar);

/* Adds src's keys to dst: "warnings" appended to dst's, the others set. Frees src. */
void cli_sidecar_merge(json_t *dst, json_t *src);

/* Merges (cli_sidecar_merge) the keys a library call set in lib when st is PSY_OK, and frees lib.
 * 0 when st is not PSY_OK or out of memory. */
int cli_sidecar_merge_library(json_t *dst, psy_sidecar *lib, psy_status st);

/* A new sidecar object with the provenance of psy_sidecar_new ({"psyphys_version", "command",
 * "input": {path, sha256, format, start, files}}), with the hashes of psy_input_hashes_start
 * (NULL: none; freed). Returns NULL (after printing why) when the input cannot be hashed. */
json_t *cli_sidecar_new_hashed(const char *command, const char *input_path, psy_reader *reader,
                               psy_input_hashes *hashes);
json_t *cli_sidecar_new(const char *command, const char *input_path, psy_reader *reader);

/* Appends the reader's warnings as "warnings". */
void cli_sidecar_warnings(json_t *sidecar, psy_reader *reader);

/* The sidecar's name for a table: "x.tsv" -> "x.json" (other names get ".json" added).
 * Malloc'd; NULL when out of memory. */
char *cli_sidecar_path_for(const char *table_path);

/* Opens a table at `path` as o[0] and its sidecar (cli_sidecar_path_for) as o[1] (cli_output_open
 * with `overwrite`). 1 when both are open; 0 with nothing left open, the reason printed. */
int cli_output_open_with_sidecar(cli_output o[2], const char *path, int overwrite);

/* Writes the object to a file as psy_sidecar_write does: indented, keys in insertion order,
 * with a final newline. */
int cli_sidecar_write(json_t *sidecar, FILE *fp);

#endif
