/* JSON sidecars (psyphys/sidecar.h): provenance (version, input path and SHA-256 by nettle,
 * format, start), the reader's warnings, and the writing. */
#include <math.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "psy_core.h"
#include "psyphys/version.h"
#include "sidecar_internal.h"

psy_status psy_sha256_file(const char *path, char hex[PSY_SHA256_HEX])
{
    if (!path || !hex) return PSY_E_INVALID;
    FILE *f = fopen(path, "rb");
    if (!f) return PSY_E_IO;
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
    return ok ? PSY_OK : PSY_E_IO;
}

/* The file that stands for the input: itself, or for a WFDB record named without a file
 * ("mitdb/100") the header it was read from. */
static const char *hashed_path(const char *input_path, const psy_reader *reader)
{
    struct stat sb;
    if ((stat(input_path, &sb) != 0 || !S_ISREG(sb.st_mode)) && psy_reader_file(reader, 0))
        return psy_reader_file(reader, 0);
    return input_path;
}

/* File 0: the input path; then psy_reader_file 1 .. */
#define HASHED_FILES_MAX 16
struct psy_input_hashes {
    pthread_t thread;
    size_t n;
    char *path[HASHED_FILES_MAX];
    char hex[HASHED_FILES_MAX][PSY_SHA256_HEX];
    psy_status st[HASHED_FILES_MAX];
};

static void *hash_all(void *arg)
{
    psy_input_hashes *h = arg;
    for (size_t i = 0; i < h->n; i++) h->st[i] = psy_sha256_file(h->path[i], h->hex[i]);
    return NULL;
}

static void hashes_release(psy_input_hashes *h)
{
    for (size_t i = 0; i < h->n; i++) free(h->path[i]);
    free(h);
}

psy_status psy_input_hashes_start(const char *input_path, const psy_reader *reader, psy_input_hashes **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!input_path || !reader) return PSY_E_INVALID;
    size_t n = psy_reader_file_count(reader);
    if (n < 1) n = 1;
    if (n > HASHED_FILES_MAX) return PSY_OK;
    psy_input_hashes *h = calloc(1, sizeof *h);
    if (!h) return PSY_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        h->path[i] = strdup(i ? psy_reader_file(reader, i) : hashed_path(input_path, reader));
        if (!h->path[i]) {
            hashes_release(h);
            return PSY_E_NOMEM;
        }
        h->n = i + 1;
    }
    if (pthread_create(&h->thread, NULL, hash_all, h) != 0) {
        hashes_release(h);
        return PSY_OK;
    }
    *out = h;
    return PSY_OK;
}

void psy_input_hashes_free(psy_input_hashes *h)
{
    if (!h) return;
    pthread_join(h->thread, NULL);
    hashes_release(h);
}

psy_status psy_sidecar_create(psy_sidecar **out)
{
    if (!out) return PSY_E_INVALID;
    *out = calloc(1, sizeof **out);
    if (*out && !((*out)->o = json_object())) {
        free(*out);
        *out = NULL;
    }
    return *out ? PSY_OK : PSY_E_NOMEM;
}

/* The SHA-256 of file i (i < h->n when h is given) into hex. */
static psy_status hash_of(const psy_input_hashes *h, size_t i, const char *path, char hex[PSY_SHA256_HEX])
{
    if (!h || i >= h->n) return psy_sha256_file(path, hex);
    memcpy(hex, h->hex[i], PSY_SHA256_HEX);
    return h->st[i];
}

static psy_status provenance(json_t *o, const char *command, const char *input_path, const psy_reader *reader,
                             const psy_input_hashes *h, psy_message *why)
{
    char hex[PSY_SHA256_HEX];
    input_path = hashed_path(input_path, reader);
    psy_status st = hash_of(h, 0, input_path, hex);
    if (st != PSY_OK) return psy_fail(why, st, "%s: cannot read it to compute its SHA-256", input_path);
    char start[64];
    psy_datetime t = psy_reader_start(reader);
    psy_datetime_format(&t, start, sizeof start);
    json_object_set_new(o, "psyphys_version", json_string(psy_version()));
    json_object_set_new(o, "command", json_string(command));
    json_t *input = json_pack("{s:s,s:s,s:s,s:o}", "path", input_path, "sha256", hex, "format",
                              psy_reader_format(reader), "start", t.known ? json_string(start) : json_null());
    if (!input) return PSY_E_NOMEM;
    /* The other files the recording was read from (a WFDB record's .dat and annotations). */
    json_t *files = json_array();
    for (size_t i = 1; i < psy_reader_file_count(reader); i++) {
        const char *f = psy_reader_file(reader, i);
        if ((st = hash_of(h, i, f, hex)) != PSY_OK) {
            json_decref(files), json_decref(input);
            return psy_fail(why, st, "%s: cannot read it to compute its SHA-256", f);
        }
        json_array_append_new(files, json_pack("{s:s,s:s}", "path", f, "sha256", hex));
    }
    if (json_array_size(files)) json_object_set_new(input, "files", files);
    else json_decref(files);
    return json_object_set_new(o, "input", input) == 0 ? PSY_OK : PSY_E_NOMEM;
}

psy_status psy_sidecar_new(const char *command, const char *input_path, const psy_reader *reader,
                           psy_input_hashes *hashes, psy_sidecar **out, psy_message *why)
{
    if (hashes) pthread_join(hashes->thread, NULL);
    psy_status st = out && command && input_path && reader ? psy_sidecar_create(out) : PSY_E_INVALID;
    if (st == PSY_OK) st = provenance((*out)->o, command, input_path, reader, hashes, why);
    if (hashes) hashes_release(hashes);
    if (st != PSY_OK && out) psy_sidecar_free(*out), *out = NULL;
    return st;
}

json_t *psy_json_number(double v) { return isfinite(v) ? json_real(v) : json_null(); }

psy_status psy_sidecar_set_new(psy_sidecar *s, const char *key, json_t *value)
{
    return value && json_object_set_new(s->o, key, value) == 0 ? PSY_OK : PSY_E_NOMEM;
}

psy_status psy_sidecar_set_json(psy_sidecar *s, const char *key, const char *json_text, psy_message *why)
{
    if (!s || !key || !json_text) return PSY_E_INVALID;
    json_error_t err;
    json_t *v = json_loads(json_text, JSON_DECODE_ANY, &err);
    if (!v) return psy_fail(why, PSY_E_FORMAT, "not JSON (line %d, column %d: %s)", err.line, err.column, err.text);
    return psy_sidecar_set_new(s, key, v);
}

json_t *psy_sidecar_warnings_array(psy_sidecar *s)
{
    json_t *w = json_object_get(s->o, "warnings");
    if (w) return w;
    w = json_array();
    return w && json_object_set_new(s->o, "warnings", w) == 0 ? w : NULL;
}

psy_status psy_sidecar_add_warning(psy_sidecar *s, const char *text)
{
    if (!s || !text) return PSY_E_INVALID;
    json_t *w = psy_sidecar_warnings_array(s);
    return w && json_array_append_new(w, json_string(text)) == 0 ? PSY_OK : PSY_E_NOMEM;
}

psy_status psy_sidecar_add_reader_warnings(psy_sidecar *s, const psy_reader *reader)
{
    if (!s || !reader) return PSY_E_INVALID;
    json_t *w = psy_sidecar_warnings_array(s);
    if (!w) return PSY_E_NOMEM;
    for (size_t i = 0; i < psy_reader_warning_count(reader); i++)
        if (json_array_append_new(w, json_string(psy_reader_warning(reader, i))) != 0) return PSY_E_NOMEM;
    return PSY_OK;
}

size_t psy_sidecar_warning_count(const psy_sidecar *s)
{
    return s ? json_array_size(json_object_get(s->o, "warnings")) : 0;
}

const char *psy_sidecar_warning(const psy_sidecar *s, size_t i)
{
    return s ? json_string_value(json_array_get(json_object_get(s->o, "warnings"), i)) : NULL;
}

psy_status psy_sidecar_write(const psy_sidecar *s, FILE *fp)
{
    if (!s || !fp) return PSY_E_INVALID;
    if (json_dumpf(s->o, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) != 0) return PSY_E_IO;
    return fputc('\n', fp) != EOF ? PSY_OK : PSY_E_IO;
}

psy_status psy_sidecar_text(const psy_sidecar *s, char **text)
{
    if (!text) return PSY_E_INVALID;
    *text = s ? json_dumps(s->o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) : NULL;
    return !s ? PSY_E_INVALID : *text ? PSY_OK : PSY_E_NOMEM;
}

void psy_sidecar_text_free(char *text) { free(text); }

void psy_sidecar_free(psy_sidecar *s)
{
    if (!s) return;
    json_decref(s->o);
    free(s);
}

psy_status psy_sidecar_add_events_file(psy_sidecar *sc, const char *key, const char *path, int paired,
                                       const psy_events_info *in, double unix_shift_s)
{
    if (!sc || !key || !path || !in) return PSY_E_INVALID;
    json_t *a = json_object_get(sc->o, key);
    if (!json_is_array(a)) {
        if (psy_sidecar_set_new(sc, key, json_array()) != PSY_OK) return PSY_E_NOMEM;
        a = json_object_get(sc->o, key);
    }
    char hex[PSY_SHA256_HEX] = "";
    if (psy_sha256_file(path, hex) != PSY_OK) hex[0] = '\0';
    json_t *f = json_pack("{s:s,s:s,s:b,s:I,s:I}", "path", path, "sha256", hex, "paired", paired, "events",
                          (json_int_t)in->n_events, "rows_without_onset", (json_int_t)in->n_unplaced);
    if (!f) return PSY_E_NOMEM;
    if (!isnan(unix_shift_s)) json_object_set_new(f, "unix_time_shift_s", json_real(unix_shift_s));
    json_object_set_new(f, "columns", json_pack("{s:s,s:s?,s:s?}", "onset", in->onset_column, "duration",
                                                in->duration_column[0] ? in->duration_column : NULL, "label",
                                                in->label_column[0] ? in->label_column : NULL));
    return json_array_append_new(a, f) == 0 ? PSY_OK : PSY_E_NOMEM;
}
