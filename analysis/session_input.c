/* Back from an analysis's output to what it read (psyphys/session_input.h). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "psy_core.h"
#include "psyphys/session_input.h"
#include "psyphys/sidecar.h"

/* A recorded path where the analysis ran (place 0), under outdir's parent (1) or under outdir (2).
 * 0 when there is no such place or the path does not fit. */
static int place_path(const char *path, const char *outdir, int place, char *out, size_t size)
{
    if (place > 0 && (path[0] == '/' || !outdir)) return 0;
    int n = place == 0 ? snprintf(out, size, "%s", path)
                       : snprintf(out, size, place == 1 ? "%s/../%s" : "%s/%s", outdir, path);
    return n >= 0 && (size_t)n < size;
}

/* The file at a recorded path with its recorded SHA-256, in the places tried in order (only
 * *place once one was taken): 1 found unchanged (*place set), 2 readable but changed, 0 no
 * readable regular file (a FIFO or device is never hashed: it may not end). */
static int find_unchanged(const char *path, const char *sha, const char *outdir, int *place)
{
    int readable = 0;
    for (int k = 0; k < 3; k++) {
        char where[4096], hex[PSY_SHA256_HEX];
        struct stat st;
        if ((*place >= 0 && k != *place) || !place_path(path, outdir, k, where, sizeof where)) continue;
        if (stat(where, &st) != 0 || !S_ISREG(st.st_mode) || psy_sha256_file(where, hex) != PSY_OK) continue;
        readable = 1;
        if (strcmp(hex, sha) == 0) {
            *place = k;
            return 1;
        }
    }
    return readable ? 2 : 0;
}

psy_status psy_session_input_find(const char *sidecar_text, const char *outdir, char *path, size_t size,
                                  psy_message *why)
{
    if (!sidecar_text || !path || !size) return psy_fail(why, PSY_E_INVALID, "a NULL argument or size 0");
    path[0] = '\0';
    json_t *root = json_loads(sidecar_text, 0, NULL);
    json_t *input = json_object_get(root, "input");
    const char *rec = json_string_value(json_object_get(input, "path"));
    const char *sha = json_string_value(json_object_get(input, "sha256"));
    psy_status st = PSY_OK;
    int place = -1, found;
    if (!rec || !sha) {
        st = psy_fail(why, PSY_E_FORMAT, "%s", root ? "the sidecar names no input recording with its SHA-256"
                                                    : "the sidecar is not JSON");
    } else if ((found = find_unchanged(rec, sha, outdir, &place)) != 1) {
        st = found == 0 ? psy_fail(why, PSY_E_IO, "the recording %s cannot be read from here", rec)
                        : psy_fail(why, PSY_E_NOT_FOUND, "the recording %s changed since the analysis (SHA-256 "
                                   "differs)", rec);
    } else {
        /* the files read with it, in the same place */
        json_t *file;
        size_t i;
        json_array_foreach(json_object_get(input, "files"), i, file) {
            const char *fp = json_string_value(json_object_get(file, "path"));
            const char *fsha = json_string_value(json_object_get(file, "sha256"));
            if (!fp || !fsha || (found = find_unchanged(fp, fsha, outdir, &place)) == 1) continue;
            st = found == 0 ? psy_fail(why, PSY_E_IO, "the recording %s cannot be read from here (%s, read with "
                                       "it, cannot be read)", rec, fp)
                            : psy_fail(why, PSY_E_NOT_FOUND, "the recording %s changed since the analysis (%s, read "
                                       "with it, differs: SHA-256)", rec, fp);
            break;
        }
        if (st == PSY_OK && !place_path(rec, outdir, place, path, size))
            st = psy_fail(why, PSY_E_INVALID, "the path of the recording %s is longer than %zu bytes", rec, size);
    }
    json_decref(root);
    return st;
}

/* Applies "LABEL=TYPE" (unit 0) or "LABEL=UNIT" (unit 1) declarations in order. */
static psy_status declare(psy_reader *r, json_t *list, int unit, psy_message *why)
{
    const char *key = unit ? "units" : "channel_types";
    json_t *item;
    size_t i;
    json_array_foreach(list, i, item) {
        const char *spec = json_string_value(item), *eq = spec ? strrchr(spec, '=') : NULL;
        if (!eq) return psy_fail(why, PSY_E_FORMAT, "input_options.%s: not LABEL=VALUE", key);
        char label[PSY_LABEL_SIZE];
        snprintf(label, sizeof label, "%.*s", (int)(eq - spec), spec);
        int ch = psy_reader_find_channel(r, label);
        if (ch < 0) return psy_fail(why, PSY_E_NOT_FOUND, "input_options.%s: no channel labelled '%s'", key, label);
        psy_channel_type t;
        if (unit) {
            psy_reader_set_channel_unit(r, ch, eq + 1);
        } else if (psy_channel_type_parse(eq + 1, &t) == PSY_OK) {
            psy_reader_set_channel_type(r, ch, t);
        } else {
            return psy_fail(why, PSY_E_FORMAT, "input_options.%s: '%s' is no channel type", key, eq + 1);
        }
    }
    return PSY_OK;
}

psy_status psy_session_input_open(const char *sidecar_text, const char *path, psy_reader **out, psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "a NULL argument");
    *out = NULL;
    if (!sidecar_text || !path) return psy_fail(why, PSY_E_INVALID, "a NULL argument");
    json_t *root = json_loads(sidecar_text, 0, NULL);
    if (!root) return psy_fail(why, PSY_E_FORMAT, "the sidecar is not JSON");
    json_t *io = json_object_get(json_object_get(root, "settings"), "input_options"), *v;
    psy_open_options o = psy_open_options_default();
    if (json_is_number(v = json_object_get(io, "fs"))) o.sampling_rate_hz = json_number_value(v);
    if (json_is_string(v = json_object_get(io, "format"))) o.format = json_string_value(v);
    if (json_is_boolean(v = json_object_get(io, "libedf"))) o.use_libedf = json_is_true(v);
    if (json_is_boolean(v = json_object_get(io, "override_fs"))) o.override_rate = json_is_true(v);
    psy_status st;
    if (o.override_rate && !(o.sampling_rate_hz > 0))
        st = psy_fail(why, PSY_E_INVALID, "input_options: override_fs without fs");
    else if ((st = psy_reader_open(path, &o, out, why)) == PSY_OK &&
             ((st = declare(*out, json_object_get(io, "channel_types"), 0, why)) != PSY_OK ||
              (st = declare(*out, json_object_get(io, "units"), 1, why)) != PSY_OK)) {
        psy_reader_close(*out);
        *out = NULL;
    }
    json_decref(root);
    return st;
}

psy_status psy_session_nn_check(const char *beats_sidecar_text, size_t n_nn, size_t n_corrected, psy_message *why)
{
    if (!beats_sidecar_text) return psy_fail(why, PSY_E_INVALID, "a NULL argument");
    json_t *root = json_loads(beats_sidecar_text, 0, NULL);
    json_t *counts = json_object_get(root, "counts");
    json_t *nn = json_object_get(counts, "nn_intervals"), *corr = json_object_get(counts, "nn_corrected");
    psy_status st = PSY_OK;
    if (!json_is_integer(nn) || !json_is_integer(corr))
        st = psy_fail(why, PSY_E_FORMAT, "%s", root ? "no NN counts (counts.nn_intervals, counts.nn_corrected)"
                                                    : "the sidecar is not JSON");
    else if ((size_t)json_integer_value(nn) != n_nn || (size_t)json_integer_value(corr) != n_corrected)
        st = psy_fail(why, PSY_E_INVALID, "the NN series recomputed from the beats table (%zu intervals, %zu "
                      "corrected) differs from the analysis's (%lld, %lld)", n_nn, n_corrected,
                      (long long)json_integer_value(nn), (long long)json_integer_value(corr));
    json_decref(root);
    return st;
}
