/* Channel types: names, inference from labels and units, and the unit conversions that follow
 * from a type (skin conductance is always reported in uS). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reader_impl.h"

static const char *const type_names[PSY_CH_TYPE_COUNT] = {
    "OTHER", "ECG", "EDA", "RESP", "PPG", "HR", "RR", "TRIGGER"};

const char *psy_channel_type_name(psy_channel_type type)
{
    return (unsigned)type < PSY_CH_TYPE_COUNT ? type_names[type] : "OTHER";
}

psy_status psy_channel_type_parse(const char *name, psy_channel_type *out)
{
    static const struct { const char *name; psy_channel_type type; } aliases[] = {
        {"IBI", PSY_CH_RR}, {"NN", PSY_CH_RR}, {"GSR", PSY_CH_EDA}, {"SC", PSY_CH_EDA},
        {"RSP", PSY_CH_RESP}, {"BVP", PSY_CH_PPG}, {"STIM", PSY_CH_TRIGGER}, {"EKG", PSY_CH_ECG}};
    if (!name || !out) return PSY_E_INVALID;
    for (int t = 0; t < PSY_CH_TYPE_COUNT; t++)
        if (psy_strieq(name, type_names[t])) return *out = (psy_channel_type)t, PSY_OK;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (psy_strieq(name, aliases[i].name)) return *out = aliases[i].type, PSY_OK;
    return PSY_E_INVALID;
}

/* "ECG, RR or PPG" */
static void type_list(const psy_channel_type *types, int n, char *out, size_t size)
{
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ",
                 psy_channel_type_name(types[i]));
    }
}

psy_status psy_channel_type_check(const psy_channel_info *c, const psy_channel_type *wanted, int n_wanted,
                                  psy_message *why)
{
    if (!c || !wanted || n_wanted < 1) return psy_fail(why, PSY_E_INVALID, "no channel or no wanted type");
    if (c->type == PSY_CH_OTHER) return PSY_OK;
    for (int i = 0; i < n_wanted; i++)
        if (c->type == wanted[i]) return PSY_OK;
    char names[96];
    type_list(wanted, n_wanted, names, sizeof names);
    return psy_fail(why, PSY_E_INVALID, "channel '%s' is %s, not %s", c->label, psy_channel_type_name(c->type),
                    names);
}

psy_status psy_reader_pick_channel(const psy_reader *r, const char *label, const psy_channel_type *types,
                                   int n_types, int *out, psy_message *why)
{
    if (out) *out = -1;
    if (!r || !types || n_types < 1 || !out) return psy_fail(why, PSY_E_INVALID, "no reader or no wanted type");
    if (label) {
        int ch = psy_reader_find_channel(r, label);
        if (ch >= 0) {
            psy_status st = psy_channel_type_check(psy_reader_channel(r, ch), types, n_types, why);
            if (st == PSY_OK) *out = ch;
            return st;
        }
        char list[PSY_MESSAGE_SIZE] = "";
        int n = psy_reader_channel_count(r);
        for (int i = 0; i < n; i++) {
            size_t used = strlen(list);
            const char *name = psy_reader_channel(r, i)->label;
            if (used + strlen(name) + 8 > sizeof list / 2) { /* room for the label asked */
                snprintf(list + used, sizeof list - used, ", ...");
                break;
            }
            snprintf(list + used, sizeof list - used, "%s'%s'", i ? ", " : "", name);
        }
        return psy_fail(why, PSY_E_NOT_FOUND, "no channel labelled '%s'; it has %s", label,
                        n ? list : "no channels");
    }
    for (int t = 0; t < n_types; t++)
        for (int i = 0; i < psy_reader_channel_count(r); i++)
            if (psy_reader_channel(r, i)->type == types[t]) return *out = i, PSY_OK;
    char names[96];
    type_list(types, n_types, names, sizeof names);
    return psy_fail(why, PSY_E_NOT_FOUND, "no %s channel", names);
}

/* Lower-cases label into buf and splits it into words at anything not alphanumeric. */
static size_t words_of(const char *label, char buf[][32], size_t max_words)
{
    size_t n = 0, k = 0;
    for (const char *p = label;; p++) {
        int c = (unsigned char)*p;
        if (c && (isalnum(c) || c >= 0x80)) {
            if (k < 31 && n < max_words) buf[n][k++] = (char)tolower(c);
            continue;
        }
        if (k && n < max_words) buf[n++][k] = '\0';
        k = 0;
        if (!c) break;
    }
    return n;
}

static int word_in(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0) return 1;
    return 0;
}

static int starts_with(const char *w, const char *prefix)
{
    return strncmp(w, prefix, strlen(prefix)) == 0;
}

static int is_conductance_unit(const char *u)
{
    static const char *const units[] = {"us", "µs", "μs", "micros", "microsiemens", "microsiemen",
                                        "ns", "nanosiemens", "s", "siemens", "ms", "mho", "umho",
                                        "kohm", "kω", "ohm", "ω", "mohm", "megohm", NULL};
    char low[PSY_UNIT_SIZE];
    size_t i = 0;
    for (; u[i] && i + 1 < sizeof low; i++) low[i] = (char)tolower((unsigned char)u[i]);
    low[i] = '\0';
    return word_in(low, units);
}

psy_channel_type psy_infer_channel_type(const char *label, const char *unit)
{
    static const char *const ecg[] = {"ecg", "ekg", "mlii", "mli", "mliii", "i", "ii", "iii", "avr",
                                      "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6", "cm5",
                                      "ml2", "lead", NULL};
    static const char *const eda[] = {"eda", "gsr", "sc", "scl", "scr", "electrodermal", "edr",
                                      "skin", "conductance", NULL};
    static const char *const resp[] = {"resp", "rsp", "respiration", "breathing", "breath",
                                       "thorax", "thor", "abdomen", "abdo", "abd", "airflow",
                                       "flow", "chest", NULL};
    static const char *const ppg[] = {"ppg", "bvp", "pleth", "pulse", "plethysmogram", NULL};
    static const char *const hr[] = {"hr", "heartrate", "bpm", NULL};
    static const char *const rr[] = {"rr", "ibi", "nn", "rri", "interbeat", NULL};
    static const char *const trig[] = {"trigger", "trig", "status", "stim", "stimulus",
                                       "photosensor", "marker", "markers", "event", "events",
                                       "ttl", "sync", "digital", NULL};
    static const char *const derived[] = {"differentiated", "derivative", NULL};
    char w[8][32];
    size_t n = words_of(label ? label : "", w, 8);
    const char *u = unit ? unit : "";

    /* A computed derivative ("EDA filtered, differentiated") is not the signal it came from. */
    for (size_t i = 0; i < n; i++)
        if (word_in(w[i], derived)) return PSY_CH_OTHER;

    /* "ECG ECG1", "EKG II", "ECG_V1": any ECG word decides. Single lead names only count alone
     * or next to ECG, so an EEG "I" or "Fp1" is not taken for a lead. */
    for (size_t i = 0; i < n; i++)
        if (starts_with(w[i], "ecg") || starts_with(w[i], "ekg")) return PSY_CH_ECG;
    if (n == 1 && word_in(w[0], ecg) && strcmp(w[0], "lead") != 0) return PSY_CH_ECG;
    for (size_t i = 0; i < n; i++) {
        if (word_in(w[i], eda) || starts_with(w[i], "gsr") || starts_with(w[i], "eda"))
            return PSY_CH_EDA;
        if (word_in(w[i], trig)) return PSY_CH_TRIGGER;
        if (word_in(w[i], resp) || starts_with(w[i], "resp")) return PSY_CH_RESP;
        if (word_in(w[i], rr)) return PSY_CH_RR;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        if (strcmp(w[i], "heart") == 0 && strcmp(w[i + 1], "rate") == 0) return PSY_CH_HR;
        if (strcmp(w[i], "pulse") == 0 && strcmp(w[i + 1], "rate") == 0) return PSY_CH_HR;
        if (strcmp(w[i], "inter") == 0 && strcmp(w[i + 1], "beat") == 0) return PSY_CH_RR;
    }
    for (size_t i = 0; i < n; i++) {
        if (word_in(w[i], hr)) return PSY_CH_HR;
        if (word_in(w[i], ppg)) return PSY_CH_PPG;
    }
    if (psy_strieq(u, "bpm") || psy_strieq(u, "beats/min") || psy_strieq(u, "1/min"))
        return PSY_CH_HR;
    if (*u && is_conductance_unit(u) && !psy_strieq(u, "s") && !psy_strieq(u, "ms") &&
        !psy_strieq(u, "ohm") && !psy_strieq(u, "kohm"))
        return PSY_CH_EDA; /* "s"/"ms" are more often seconds; resistance needs an EDA label */
    return PSY_CH_OTHER;
}

/* Conversions to uS. Resistance R to conductance G: G[uS] = 1e6 / R[Ohm], i.e. 1000 / R[kOhm]
 * and 1 / R[MOhm]. */
void psy_channel_apply_units(psy_channel_info *info)
{
    static const struct { const char *unit; psy_unit_conversion conv; double scale; } eda[] = {
        {"uS", PSY_CONV_NONE, 1}, {"µS", PSY_CONV_NONE, 1}, {"μS", PSY_CONV_NONE, 1},
        {"microS", PSY_CONV_NONE, 1}, {"microsiemens", PSY_CONV_NONE, 1}, {"microsiemen", PSY_CONV_NONE, 1},
        {"umho", PSY_CONV_NONE, 1}, {"nS", PSY_CONV_SCALE, 1e-3},
        {"nanosiemens", PSY_CONV_SCALE, 1e-3}, {"mS", PSY_CONV_SCALE, 1e3},
        {"S", PSY_CONV_SCALE, 1e6}, {"siemens", PSY_CONV_SCALE, 1e6}, {"mho", PSY_CONV_SCALE, 1e6},
        {"kOhm", PSY_CONV_RECIPROCAL, 1e3}, {"kΩ", PSY_CONV_RECIPROCAL, 1e3},
        {"kohms", PSY_CONV_RECIPROCAL, 1e3}, {"Ohm", PSY_CONV_RECIPROCAL, 1e6},
        {"ohms", PSY_CONV_RECIPROCAL, 1e6}, {"Ω", PSY_CONV_RECIPROCAL, 1e6},
        {"MOhm", PSY_CONV_RECIPROCAL, 1}, {"MΩ", PSY_CONV_RECIPROCAL, 1},
        {"megohm", PSY_CONV_RECIPROCAL, 1}};
    info->conversion = PSY_CONV_NONE;
    info->conversion_scale = 1.0;
    memcpy(info->unit, info->file_unit, PSY_UNIT_SIZE);
    info->unit[PSY_UNIT_SIZE - 1] = '\0';
    if (info->type != PSY_CH_EDA) return;
    /* Exact spelling first; then case-insensitively, except for short m/M units where the case
     * is the meaning (mS vs MS, mOhm vs MOhm). */
    const char *fu = info->file_unit;
    int case_matters = (fu[0] == 'm' || fu[0] == 'M') && strlen(fu) <= 4;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof eda / sizeof eda[0]; i++) {
            int same = pass == 0 ? strcmp(fu, eda[i].unit) == 0
                                 : !case_matters && psy_strieq(fu, eda[i].unit);
            if (!same) continue;
            info->conversion = eda[i].conv;
            info->conversion_scale = eda[i].scale;
            strcpy(info->unit, "uS");
            return;
        }
    }
    /* unknown unit: values are passed through and the unit says what they are */
}
