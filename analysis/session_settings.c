/* A study's session settings from JSON (psyphys/session_settings.h): each key checked for its
 * type and range, into the session config, the open options and the input settings. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psy_core.h"
#include "psyphys/session_settings.h"

/* What the settings own: every string, and the lists that point to them. */
typedef struct storage {
    char **strings;
    size_t n_strings, cap_strings;
    const char **lists[4]; /* epochs, channel types, units, triggers */
    size_t n[4];
} storage;

enum { L_EPOCHS, L_TYPES, L_UNITS, L_TRIGGERS };

static const char *keep(storage *s, const char *text)
{
    if (s->n_strings == s->cap_strings) {
        size_t cap = s->cap_strings ? 2 * s->cap_strings : 16;
        char **p = realloc(s->strings, cap * sizeof *p);
        if (!p) return NULL;
        s->strings = p, s->cap_strings = cap;
    }
    char *copy = strdup(text);
    if (copy) s->strings[s->n_strings++] = copy;
    return copy;
}

static int append(storage *s, int list, const char *text)
{
    const char *kept = keep(s, text);
    const char **p = kept ? realloc(s->lists[list], (s->n[list] + 1) * sizeof *p) : NULL;
    if (!p) return 0;
    p[s->n[list]++] = kept;
    s->lists[list] = p;
    return 1;
}

typedef enum kind { K_STRING, K_NUMBER, K_PAIR, K_STRINGS, K_MAP, K_BOOL } kind;

static const char *const kind_names[] = {"a string", "a number", "an array of two numbers",
                                         "an array of strings", "an object of strings", "true or false"};

static const struct {
    const char *key;
    kind kind;
} keys[] = {
    {"segments", K_STRING},       {"epochs", K_STRINGS},         {"pre_s", K_NUMBER},
    {"post_s", K_NUMBER},         {"latency_s", K_PAIR},         {"hrv_window_s", K_PAIR},
    {"ecg", K_STRING},            {"eda", K_STRING},             {"rsp", K_STRING},
    {"hr", K_STRING},             {"ppg", K_STRING},             {"eda_method", K_STRING},      {"layout", K_STRING},
    {"fs", K_NUMBER},             {"format", K_STRING},          {"channel_types", K_MAP},
    {"units", K_MAP},             {"triggers", K_STRINGS},       {"events_offset_s", K_NUMBER},
    {"libedf", K_BOOL},           {"events_columns", K_STRING},  {"max_corrected_pct", K_NUMBER},
    {"keep_corrected", K_BOOL},   {"override_fs", K_BOOL},       {"edr", K_BOOL},
};

static int type_ok(kind k, json_t *v)
{
    size_t i;
    json_t *e;
    const char *label;
    switch (k) {
    case K_STRING: return json_is_string(v);
    case K_NUMBER: return json_is_number(v);
    case K_PAIR:
        return json_is_array(v) && json_array_size(v) == 2 && json_is_number(json_array_get(v, 0)) &&
               json_is_number(json_array_get(v, 1));
    case K_STRINGS:
        if (!json_is_array(v)) return 0;
        json_array_foreach(v, i, e) if (!json_is_string(e)) return 0;
        return 1;
    case K_MAP:
        if (!json_is_object(v)) return 0;
        json_object_foreach(v, label, e) if (!json_is_string(e)) return 0;
        return 1;
    case K_BOOL: return json_is_boolean(v);
    }
    return 0;
}

static psy_status bad_value(psy_message *why, const char *key, const char *wants)
{
    return psy_fail(why, PSY_E_INVALID, "config key \"%s\" wants %s", key, wants);
}

/* "W[:STEP]" of "window:W[:STEP]": both finite and > 0, STEP = W when absent. */
static int parse_window(const char *text, double *w, double *step)
{
    char *end;
    *w = strtod(text, &end);
    if (end == text || !isfinite(*w) || !(*w > 0)) return 0;
    *step = *w;
    if (*end == ':') {
        const char *second = end + 1;
        *step = strtod(second, &end);
        if (end == second || !isfinite(*step)) return 0;
        if (*step == 0) *step = *w;
    }
    return !*end && *step > 0;
}

/* A trigger spec as --trigger takes it: a label, then optionally ":bits" or ":LEVEL". */
static int trigger_ok(const char *spec)
{
    const char *colon = strrchr(spec, ':');
    if (!*spec || colon == spec) return 0;
    if (!colon || strcmp(colon + 1, "bits") == 0) return 1;
    char *end;
    double level = strtod(colon + 1, &end);
    return colon[1] && !*end && isfinite(level);
}

/* One key's value (of the right type) into the settings. */
static psy_status set_key(psy_session_settings *st, storage *s, const char *key, json_t *v, psy_message *why)
{
    psy_session_config *c = &st->config;
    const char *text = json_is_string(v) ? json_string_value(v) : NULL;
    double x = json_is_number(v) ? json_number_value(v) : NAN;
    double a = json_is_array(v) ? json_number_value(json_array_get(v, 0)) : NAN;
    double b = json_is_array(v) ? json_number_value(json_array_get(v, 1)) : NAN;
    const char **slot = NULL;
    if (strcmp(key, "segments") == 0) {
        if (strcmp(text, "events") == 0) c->rule = PSY_SEGMENTS_EVENTS;
        else if (strcmp(text, "markers") == 0) c->rule = PSY_SEGMENTS_MARKERS;
        else if (strncmp(text, "window:", 7) == 0 && parse_window(text + 7, &c->window_s, &c->step_s))
            c->rule = PSY_SEGMENTS_WINDOWS;
        else return bad_value(why, key, "\"events\", \"markers\" or \"window:W[:STEP]\" with positive lengths");
    } else if (strcmp(key, "epochs") == 0) {
        size_t i;
        json_t *e;
        free(s->lists[L_EPOCHS]), s->lists[L_EPOCHS] = NULL, s->n[L_EPOCHS] = 0;
        json_array_foreach(v, i, e) if (!append(s, L_EPOCHS, json_string_value(e))) return PSY_E_NOMEM;
    } else if (strcmp(key, "pre_s") == 0) {
        if (!(x >= 0)) return bad_value(why, key, "seconds >= 0");
        c->pre_s = x;
    } else if (strcmp(key, "post_s") == 0) {
        if (!(x > 0)) return bad_value(why, key, "seconds > 0");
        c->post_s = x;
    } else if (strcmp(key, "latency_s") == 0) {
        if (!(a >= 0 && b > a)) return bad_value(why, key, "[MIN, MAX] seconds with 0 <= MIN < MAX");
        c->latency_min_s = a, c->latency_max_s = b;
    } else if (strcmp(key, "hrv_window_s") == 0) {
        if (b == 0) b = a;
        if (!(a > 0 && b > 0)) return bad_value(why, key, "[W, STEP] positive seconds");
        c->hrv_window_s = a, c->hrv_step_s = b;
    } else if (strcmp(key, "ecg") == 0 || strcmp(key, "eda") == 0 || strcmp(key, "rsp") == 0 ||
               strcmp(key, "hr") == 0 || strcmp(key, "ppg") == 0) {
        slot = key[0] == 'r' ? &c->rsp : key[0] == 'h' ? &c->hr : key[0] == 'p' ? &c->ppg
                                                    : key[1] == 'c' ? &c->ecg : &c->eda;
    } else if (strcmp(key, "eda_method") == 0) {
        if (strcmp(text, "fast") == 0) c->eda_method = PSY_EDA_FAST;
        else if (strcmp(text, "deconv") == 0) c->eda_method = PSY_EDA_DECONV;
        else return bad_value(why, key, "\"fast\" or \"deconv\"");
    } else if (strcmp(key, "layout") == 0) {
        if (strcmp(text, "auto") != 0 && strcmp(text, "bids") != 0 && strcmp(text, "flat") != 0)
            return bad_value(why, key, "\"auto\", \"bids\" or \"flat\"");
        slot = &st->layout;
    } else if (strcmp(key, "fs") == 0) {
        if (!(x > 0 && isfinite(x))) return bad_value(why, key, "a positive rate in Hz");
        st->open.sampling_rate_hz = x;
    } else if (strcmp(key, "format") == 0) {
        slot = &st->open.format;
    } else if (strcmp(key, "channel_types") == 0 || strcmp(key, "units") == 0) {
        int types = key[0] == 'c';
        const char *label;
        json_t *e;
        json_object_foreach(v, label, e) {
            psy_channel_type t;
            if (!*label || (types && psy_channel_type_parse(json_string_value(e), &t) != PSY_OK))
                return bad_value(why, key, types ? "{\"LABEL\": \"TYPE\"} with TYPE one of ECG, EDA, RESP, PPG, "
                                                   "HR, RR, TRIGGER, OTHER"
                                                 : "{\"LABEL\": \"UNIT\"}");
            size_t n = strlen(label) + strlen(json_string_value(e)) + 2;
            char *spec = malloc(n);
            if (!spec) return PSY_E_NOMEM;
            snprintf(spec, n, "%s=%s", label, json_string_value(e));
            int ok = append(s, types ? L_TYPES : L_UNITS, spec);
            free(spec);
            if (!ok) return PSY_E_NOMEM;
        }
    } else if (strcmp(key, "triggers") == 0) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (!trigger_ok(json_string_value(e))) return bad_value(why, key, "[\"CH[:LEVEL|:bits]\", ...]");
            if (!append(s, L_TRIGGERS, json_string_value(e))) return PSY_E_NOMEM;
        }
    } else if (strcmp(key, "events_offset_s") == 0) {
        if (!isfinite(x)) return bad_value(why, key, "seconds");
        st->events_offset_s = x;
    } else if (strcmp(key, "events_columns") == 0) {
        psy_events_options columns = psy_events_options_default();
        char *names = NULL;
        psy_status rc = psy_events_columns_parse(text, &columns, &names);
        free(names);
        if (rc == PSY_E_NOMEM) return rc;
        if (rc != PSY_OK) return bad_value(why, key, "\"onset=COL[,duration=COL][,label=COL]\"");
        slot = &st->events_columns;
    } else if (strcmp(key, "libedf") == 0) {
        st->open.use_libedf = json_is_true(v);
    } else if (strcmp(key, "override_fs") == 0) {
        st->open.override_rate = json_is_true(v);
    } else if (strcmp(key, "max_corrected_pct") == 0) {
        if (!(x >= 0 && x <= 100)) return bad_value(why, key, "a percentage in [0, 100]");
        c->max_corrected_pct = x;
    } else if (strcmp(key, "keep_corrected") == 0) {
        c->keep_corrected = json_is_true(v);
    } else if (strcmp(key, "edr") == 0) {
        c->edr = json_is_true(v);
    }
    if (slot && !(*slot = keep(s, text))) return PSY_E_NOMEM;
    return PSY_OK;
}

static psy_status from_json(json_t *root, const json_error_t *err, psy_session_settings *out, psy_message *why)
{
    if (!root) {
        if (err->line > 0) return psy_fail(why, PSY_E_FORMAT, "config: %s (line %d)", err->text, err->line);
        return psy_fail(why, strstr(err->text, "unable to open") ? PSY_E_IO : PSY_E_FORMAT, "config: %s",
                        err->text);
    }
    storage *s = calloc(1, sizeof *s);
    out->storage = s;
    if (!s) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    if (!json_is_object(root)) return psy_fail(why, PSY_E_FORMAT, "config: not a JSON object of settings");
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) { /* in the file's order */
        size_t k = 0;
        while (k < sizeof keys / sizeof keys[0] && strcmp(keys[k].key, key) != 0) k++;
        if (k == sizeof keys / sizeof keys[0]) return psy_fail(why, PSY_E_FORMAT, "unknown config key \"%s\"", key);
        if (!type_ok(keys[k].kind, v))
            return psy_fail(why, PSY_E_FORMAT, "config key \"%s\" must be %s", key, kind_names[keys[k].kind]);
        psy_status st = set_key(out, s, key, v, why);
        if (st == PSY_E_NOMEM) return psy_fail(why, st, "out of memory");
        if (st != PSY_OK) return st;
    }
    if (out->config.ecg && out->config.hr)
        return psy_fail(why, PSY_E_INVALID, "config keys \"ecg\" and \"hr\" exclude each other (beats or a bpm channel)");
    if (out->config.ppg && out->config.hr)
        return psy_fail(why, PSY_E_INVALID, "config keys \"ppg\" and \"hr\" exclude each other (pulses or a bpm channel)");
    out->config.epoch_labels = s->lists[L_EPOCHS], out->config.n_epoch_labels = s->n[L_EPOCHS];
    out->channel_types = s->lists[L_TYPES], out->n_channel_types = s->n[L_TYPES];
    out->units = s->lists[L_UNITS], out->n_units = s->n[L_UNITS];
    out->triggers = s->lists[L_TRIGGERS], out->n_triggers = s->n[L_TRIGGERS];
    return PSY_OK;
}

static void clear(psy_session_settings *out)
{
    memset(out, 0, sizeof *out);
    out->config = psy_session_config_default();
    out->open = psy_open_options_default();
}

psy_status psy_session_settings_load(const char *path, psy_session_settings *out, psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "NULL settings");
    clear(out);
    if (!path) return psy_fail(why, PSY_E_INVALID, "NULL path");
    json_error_t err;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    psy_status st = from_json(root, &err, out, why);
    json_decref(root);
    if (st != PSY_OK) psy_session_settings_free(out);
    return st;
}

psy_status psy_session_settings_parse(const char *json_text, psy_session_settings *out, psy_message *why)
{
    if (!out) return psy_fail(why, PSY_E_INVALID, "NULL settings");
    clear(out);
    if (!json_text) return psy_fail(why, PSY_E_INVALID, "NULL text");
    json_error_t err;
    json_t *root = json_loads(json_text, JSON_REJECT_DUPLICATES, &err);
    psy_status st = from_json(root, &err, out, why);
    json_decref(root);
    if (st != PSY_OK) psy_session_settings_free(out);
    return st;
}

void psy_session_settings_free(psy_session_settings *settings)
{
    if (!settings) return;
    storage *s = settings->storage;
    if (s) {
        for (size_t i = 0; i < s->n_strings; i++) free(s->strings[i]);
        free(s->strings);
        for (int k = 0; k < 4; k++) free(s->lists[k]);
        free(s);
    }
    memset(settings, 0, sizeof *settings);
}
