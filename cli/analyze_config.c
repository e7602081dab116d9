/* psyphys analyze --config FILE: JSON keys into the options they stand for. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_config.h"
#include "cli.h"

typedef enum value_kind { V_STRING, V_NUMBER, V_PAIR, V_STRINGS, V_MAP, V_BOOL, V_FLAG } value_kind;

/* Each key, the JSON type it takes and the option it stands for. */
static const struct {
    const char *key;
    value_kind kind;
    const char *option;
} keys[] = {
    {"segments", V_STRING, "--segments"},     {"epochs", V_STRINGS, "--epochs"},
    {"pre_s", V_NUMBER, "--pre"},             {"post_s", V_NUMBER, "--post"},
    {"latency_s", V_PAIR, "--latency"},       {"hrv_window_s", V_PAIR, "--hrv-window"},
    {"ecg", V_STRING, "--ecg"},               {"eda", V_STRING, "--eda"},
    {"rsp", V_STRING, "--rsp"},               {"hr", V_STRING, "--hr"},
    {"ppg", V_STRING, "--ppg"},
    {"eda_method", V_STRING, "--eda-method"},
    {"layout", V_STRING, "--layout"},         {"fs", V_NUMBER, "--fs"},
    {"format", V_STRING, "--format"},         {"channel_types", V_MAP, "--channel-type"},
    {"units", V_MAP, "--unit"},               {"triggers", V_STRINGS, "--trigger"},
    {"events_offset_s", V_NUMBER, "--events-offset"}, {"libedf", V_BOOL, "--no-libedf"},
    {"events_columns", V_STRING, "--events-columns"},
    {"max_corrected_pct", V_NUMBER, "--max-corrected-pct"}, {"keep_corrected", V_FLAG, "--keep-corrected"},
    {"override_fs", V_FLAG, "--override-fs"},
};

static const char *const kind_names[] = {"a string", "a number", "an array of two numbers",
                                         "an array of strings", "an object of strings",
                                         "true or false", "true or false"};

static int push(analyze_config_args *a, const char *key, const char *text)
{
    if (a->n == a->cap) {
        int cap = a->cap ? 2 * a->cap : 16;
        char **p = realloc(a->args, (size_t)cap * sizeof *p), **q = p ? realloc(a->keys, (size_t)cap * sizeof *q) : NULL;
        if (p) a->args = p;
        if (q) a->keys = q;
        if (!p || !q) return 0;
        a->cap = cap;
    }
    a->args[a->n] = strdup(text);
    a->keys[a->n] = strdup(key);
    if (!a->args[a->n] || !a->keys[a->n]) {
        free(a->args[a->n]);
        free(a->keys[a->n]);
        return 0;
    }
    a->n++;
    return 1;
}

/* Numbers as the shortest text that reads back the same double. */
static void number_text(double v, char *buf, size_t size)
{
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) return;
    }
}

static int wrong_type(const char *path, const char *key, value_kind kind)
{
    cli_error(path, "config key \"%s\" must be %s", key, kind_names[kind]);
    return 0;
}

/* One key's value into options; 0 after printing why. */
static int add_key(analyze_config_args *a, const char *path, const char *key, value_kind kind,
                   const char *option, json_t *v)
{
    char text[64], pair[160];
    int ok = 1;
    switch (kind) {
    case V_STRING:
        if (!json_is_string(v)) return wrong_type(path, key, kind);
        ok = push(a, key, option) && push(a, key, json_string_value(v));
        break;
    case V_NUMBER:
        if (!json_is_number(v)) return wrong_type(path, key, kind);
        number_text(json_number_value(v), text, sizeof text);
        ok = push(a, key, option) && push(a, key, text);
        break;
    case V_PAIR:
        if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_number(json_array_get(v, 0)) ||
            !json_is_number(json_array_get(v, 1)))
            return wrong_type(path, key, kind);
        number_text(json_number_value(json_array_get(v, 0)), text, sizeof text);
        snprintf(pair, sizeof pair, "%s:", text);
        number_text(json_number_value(json_array_get(v, 1)), text, sizeof text);
        strncat(pair, text, sizeof pair - strlen(pair) - 1);
        ok = push(a, key, option) && push(a, key, pair);
        break;
    case V_STRINGS: {
        if (!json_is_array(v)) return wrong_type(path, key, kind);
        size_t i;
        json_t *s;
        json_array_foreach(v, i, s) if (!json_is_string(s)) return wrong_type(path, key, kind);
        json_array_foreach(v, i, s) ok = ok && push(a, key, option) && push(a, key, json_string_value(s));
        break;
    }
    case V_MAP: {
        if (!json_is_object(v)) return wrong_type(path, key, kind);
        const char *label;
        json_t *s;
        json_object_foreach(v, label, s) if (!json_is_string(s)) return wrong_type(path, key, kind);
        json_object_foreach(v, label, s) {
            size_t n = strlen(label) + strlen(json_string_value(s)) + 2;
            char *spec = malloc(n);
            if (!spec) return 0;
            snprintf(spec, n, "%s=%s", label, json_string_value(s));
            ok = ok && push(a, key, option) && push(a, key, spec);
            free(spec);
        }
        break;
    }
    case V_BOOL:
        if (!json_is_boolean(v)) return wrong_type(path, key, kind);
        if (json_is_false(v)) ok = push(a, key, option);
        break;
    case V_FLAG: /* true gives the flag */
        if (!json_is_boolean(v)) return wrong_type(path, key, kind);
        if (json_is_true(v)) ok = push(a, key, option);
        break;
    }
    if (!ok) cli_error(path, "out of memory");
    return ok;
}

int analyze_config_load(const char *path, analyze_config_args *out)
{
    memset(out, 0, sizeof *out);
    json_error_t err;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        if (err.line > 0) cli_error(path, "config: %s (line %d)", err.text, err.line);
        else cli_error(path, "config: %s", err.text);
        return 0;
    }
    int ok = json_is_object(root);
    if (!ok) cli_error(path, "config: not a JSON object of settings");
    const char *key;
    json_t *v;
    /* In the file's order (jansson keeps insertion order when iterating). */
    json_object_foreach(root, key, v) {
        if (!ok) break;
        size_t k = 0;
        while (k < sizeof keys / sizeof keys[0] && strcmp(keys[k].key, key) != 0) k++;
        if (k == sizeof keys / sizeof keys[0]) {
            cli_error(path, "unknown config key \"%s\" (see psyphys analyze --help)", key);
            ok = 0;
        } else {
            ok = add_key(out, path, key, keys[k].kind, keys[k].option, v);
        }
    }
    json_decref(root);
    if (!ok) analyze_config_args_free(out);
    return ok;
}

void analyze_config_args_free(analyze_config_args *a)
{
    for (int i = 0; i < a->n; i++) free(a->args[i]), free(a->keys[i]);
    free(a->args);
    free(a->keys);
    memset(a, 0, sizeof *a);
}
