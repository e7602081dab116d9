/* Sidecar provenance: version, input path and SHA-256 (nettle), format, start. */
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "provenance.h"

int cli_sha256_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sha256_update(&ctx, n, buf);
    int ok = !ferror(f);
    fclose(f);
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return ok;
}

/* The file that stands for the input: itself, or for a WFDB record named without a file
 * ("mitdb/100") the header it was read from. */
static const char *hashed_path(const char *input_path, psy_reader *reader)
{
    struct stat sb;
    if ((stat(input_path, &sb) != 0 || !S_ISREG(sb.st_mode)) && psy_reader_file(reader, 0))
        return psy_reader_file(reader, 0);
    return input_path;
}

/* The SHA-256 of the recording's files (file 0: the input path; then psy_reader_file 1 ..),
 * computed in a background thread. */
#define HASHED_FILES_MAX 16
struct cli_hashes {
    pthread_t thread;
    size_t n;
    char *path[HASHED_FILES_MAX];
    char hex[HASHED_FILES_MAX][65];
    int ok[HASHED_FILES_MAX];
};

static void *hash_all(void *arg)
{
    cli_hashes *h = arg;
    for (size_t i = 0; i < h->n; i++) h->ok[i] = cli_sha256_file(h->path[i], h->hex[i]);
    return NULL;
}

static void hashes_free(cli_hashes *h)
{
    for (size_t i = 0; i < h->n; i++) free(h->path[i]);
    free(h);
}

cli_hashes *cli_hashes_start(const char *input_path, psy_reader *reader)
{
    size_t n = psy_reader_file_count(reader);
    if (n < 1) n = 1;
    if (n > HASHED_FILES_MAX) return NULL;
    cli_hashes *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    for (size_t i = 0; i < n; i++) {
        h->path[i] = strdup(i ? psy_reader_file(reader, i) : hashed_path(input_path, reader));
        if (!h->path[i]) {
            hashes_free(h);
            return NULL;
        }
        h->n = i + 1;
    }
    if (pthread_create(&h->thread, NULL, hash_all, h) != 0) {
        hashes_free(h);
        return NULL;
    }
    return h;
}

void cli_hashes_cancel(cli_hashes *h)
{
    if (!h) return;
    pthread_join(h->thread, NULL);
    hashes_free(h);
}

json_t *cli_sidecar_new(const char *command, const char *input_path, psy_reader *reader)
{
    return cli_sidecar_new_hashed(command, input_path, reader, NULL);
}

json_t *cli_sidecar_new_hashed(const char *command, const char *input_path, psy_reader *reader,
                               cli_hashes *hashes)
{
    if (hashes) pthread_join(hashes->thread, NULL);
    char hex[65];
    input_path = hashed_path(input_path, reader);
    int ok = hashes ? hashes->ok[0] : cli_sha256_file(input_path, hex);
    if (hashes) memcpy(hex, hashes->hex[0], sizeof hex);
    if (!ok) {
        cli_error(input_path, "cannot read it to compute its SHA-256");
        if (hashes) hashes_free(hashes);
        return NULL;
    }
    char start[64];
    psy_datetime t = psy_reader_start(reader);
    cli_format_datetime(&t, start, sizeof start);
    json_t *o = json_object();
    json_object_set_new(o, "psyphys_version", json_string(psy_version()));
    json_object_set_new(o, "command", json_string(command));
    json_t *input = json_pack("{s:s,s:s,s:s,s:o}", "path", input_path, "sha256", hex, "format",
                              psy_reader_format(reader), "start",
                              t.known ? json_string(start) : json_null());
    /* The other files the recording was read from (a WFDB record's .dat and annotations). */
    json_t *files = json_array();
    for (size_t i = 1; i < psy_reader_file_count(reader); i++) {
        const char *f = psy_reader_file(reader, i);
        ok = hashes && i < hashes->n ? hashes->ok[i] : cli_sha256_file(f, hex);
        if (hashes && i < hashes->n) memcpy(hex, hashes->hex[i], sizeof hex);
        if (!ok) {
            cli_error(f, "cannot read it to compute its SHA-256");
            json_decref(files), json_decref(input), json_decref(o);
            if (hashes) hashes_free(hashes);
            return NULL;
        }
        json_array_append_new(files, json_pack("{s:s,s:s}", "path", f, "sha256", hex));
    }
    if (hashes) hashes_free(hashes);
    if (json_array_size(files)) json_object_set_new(input, "files", files);
    else json_decref(files);
    json_object_set_new(o, "input", input);
    return o;
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
