/* The CLI's sidecars over the library's (psyphys/sidecar.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "provenance.h"

json_t *cli_sidecar_json(const psy_sidecar *sidecar)
{
    char *text = NULL;
    if (psy_sidecar_text(sidecar, &text) != PSY_OK) return NULL;
    json_t *o = json_loads(text, 0, NULL);
    psy_sidecar_text_free(text);
    return o;
}

void cli_sidecar_merge(json_t *dst, json_t *src)
{
    const char *key;
    json_t *v;
    json_object_foreach(src, key, v) {
        json_t *w = json_object_get(dst, key);
        if (strcmp(key, "warnings") == 0 && json_is_array(w)) json_array_extend(w, v);
        else json_object_set(dst, key, v);
    }
    json_decref(src);
}

int cli_sidecar_merge_library(json_t *dst, psy_sidecar *lib, psy_status st)
{
    json_t *o = st == PSY_OK ? cli_sidecar_json(lib) : NULL;
    psy_sidecar_free(lib);
    if (!o) return 0;
    cli_sidecar_merge(dst, o);
    return 1;
}

json_t *cli_sidecar_new_hashed(const char *command, const char *input_path, psy_reader *reader,
                               psy_input_hashes *hashes)
{
    psy_sidecar *sc = NULL;
    psy_message why = {{0}};
    psy_status st = psy_sidecar_new(command, input_path, reader, hashes, &sc, &why);
    if (st != PSY_OK) {
        cli_error(NULL, "%s", why.text[0] ? why.text : psy_strerror(st));
        return NULL;
    }
    json_t *o = cli_sidecar_json(sc);
    psy_sidecar_free(sc);
    return o;
}

json_t *cli_sidecar_new(const char *command, const char *input_path, psy_reader *reader)
{
    return cli_sidecar_new_hashed(command, input_path, reader, NULL);
}

void cli_sidecar_warnings(json_t *sidecar, psy_reader *reader)
{
    json_t *w = json_object_get(sidecar, "warnings");
    if (!w) {
        w = json_array();
        json_object_set_new(sidecar, "warnings", w);
    }
    for (size_t i = 0; i < psy_reader_warning_count(reader); i++)
        json_array_append_new(w, json_string(psy_reader_warning(reader, i)));
}

int cli_sidecar_write(json_t *sidecar, FILE *fp)
{
    if (json_dumpf(sidecar, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) != 0)
        return 0;
    return fputc('\n', fp) != EOF;
}

char *cli_sidecar_path_for(const char *table_path)
{
    size_t len = strlen(table_path);
    char *side = malloc(len + 6);
    if (!side) return NULL;
    memcpy(side, table_path, len + 1);
    if (len > 4 && strcmp(side + len - 4, ".tsv") == 0) side[len - 4] = '\0';
    strcat(side, ".json");
    return side;
}

int cli_output_open_with_sidecar(cli_output o[2], const char *path, int overwrite)
{
    char *side = cli_sidecar_path_for(path);
    int ok = side && cli_output_open(&o[0], path, overwrite);
    if (ok && !cli_output_open(&o[1], side, overwrite)) {
        cli_output_abort_all(o, 1);
        ok = 0;
    }
    free(side);
    return ok;
}
