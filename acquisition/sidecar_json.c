/* The JSON sidecar of an audio-stored recording (WAV, FLAC, AIFF, ...).
 *
 * Audio headers cannot say what a physiological signal is: their sampling rate is often fake
 * (1 Hz, 96000 Hz) and their samples are bare integers (adu). A JSON file beside the audio file
 * (`<stem>.json`, or the --sidecar path) supplies the truth. Keys, BIDS-like:
 *
 *   "SamplingFrequency": number > 0        true rate in Hz (overrides the audio header)
 *   "Columns": ["ECG", "EDA", ...]         one label per channel, in file order (exactly N)
 *   "Units": ["mV", "uS", ...] | "mV"      one unit per channel, or one for all
 *   "<label>": {"Units": "mV", "Gain": g, "Baseline": b}
 *                                          BIDS per-column objects; override the arrays
 *   "Gain": [g1, ...] | g                  adu per physical unit (> 0); default 1
 *   "Baseline": [b1, ...] | b              adu at physical zero; default 0
 *   "StartTime": number                    BIDS: seconds from the reference start to the
 *                                          first sample (>= 0 shifts the time axis)
 *   "RecordingStart": "YYYY-MM-DDThh:mm:ss[.fff][zone]"   start date-time (ISO 8601 as
 *                                          dev_parse_iso8601 reads it; also accepted as a string
 *                                          "StartTime"): without a zone a wall clock of unknown zone
 *
 * Physical value = (raw - Baseline) / Gain. Unknown keys are ignored. Every key is optional;
 * a key present with the wrong type or an out-of-range value is an error naming the key. */
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "device_util.h"
#include "reader_impl.h"
#include "sidecar_json.h"

enum { SIDECAR_MAX_BYTES = 1 << 20 };

/* A number or an array of `n` numbers into out[i] (stride-free). */
static psy_status per_channel_numbers(json_t *v, const char *key, int n, psy_bids_sidecar *sc,
                                      size_t field_offset, int positive, psy_message *why)
{
    for (int i = 0; i < n; i++) {
        json_t *item = json_is_array(v) ? json_array_get(v, (size_t)i) : v;
        if (json_is_array(v) && json_array_size(v) != (size_t)n)
            return psy_fail(why, PSY_E_FORMAT, "sidecar \"%s\" has %zu entries for %d channels", key,
                            json_array_size(v), n);
        if (!json_is_number(item))
            return psy_fail(why, PSY_E_FORMAT, "sidecar \"%s\" must be a number or an array of numbers",
                            key);
        double x = json_number_value(item);
        if (!isfinite(x) || (positive && x <= 0))
            return psy_fail(why, PSY_E_FORMAT, "sidecar \"%s\" value %g is out of range", key, x);
        *(double *)((char *)&sc->channels[i] + field_offset) = x;
    }
    return PSY_OK;
}

static psy_status copy_string(json_t *v, const char *key, char *dst, size_t size, psy_message *why)
{
    if (!json_is_string(v)) return psy_fail(why, PSY_E_FORMAT, "sidecar \"%s\" must be a string", key);
    psy_copy_field(dst, size, json_string_value(v), json_string_length(v));
    return PSY_OK;
}

static psy_status parse_units(json_t *v, int n, psy_bids_sidecar *sc, psy_message *why)
{
    if (json_is_array(v) && json_array_size(v) != (size_t)n)
        return psy_fail(why, PSY_E_FORMAT, "sidecar \"Units\" has %zu entries for %d channels",
                        json_array_size(v), n);
    for (int i = 0; i < n; i++) {
        json_t *item = json_is_array(v) ? json_array_get(v, (size_t)i) : v;
        psy_status st = copy_string(item, "Units", sc->channels[i].unit, PSY_UNIT_SIZE, why);
        if (st != PSY_OK) return st;
    }
    return PSY_OK;
}

/* BIDS per-column objects: {"ECG": {"Units": "mV", "Gain": 200, "Baseline": 1024}}. */
static psy_status parse_column_object(json_t *obj, const char *label, psy_bids_sidecar_channel *c,
                                      psy_message *why)
{
    json_t *v;
    if ((v = json_object_get(obj, "Units")) && copy_string(v, "Units", c->unit, PSY_UNIT_SIZE, why))
        return psy_fail(why, PSY_E_FORMAT, "sidecar \"%s\".\"Units\" must be a string", label);
    if ((v = json_object_get(obj, "Gain"))) {
        double g = json_is_number(v) ? json_number_value(v) : NAN;
        if (!(g > 0) || !isfinite(g))
            return psy_fail(why, PSY_E_FORMAT, "sidecar \"%s\".\"Gain\" must be a positive number",
                            label);
        c->gain = g;
    }
    if ((v = json_object_get(obj, "Baseline"))) {
        double b = json_is_number(v) ? json_number_value(v) : NAN;
        if (!isfinite(b))
            return psy_fail(why, PSY_E_FORMAT, "sidecar \"%s\".\"Baseline\" must be a number", label);
        c->baseline = b;
    }
    return PSY_OK;
}

static psy_status parse_root(json_t *root, psy_bids_sidecar *sc, psy_message *why)
{
    int n = sc->n_channels;
    psy_status st = PSY_OK;
    json_t *v;
    if ((v = json_object_get(root, "SamplingFrequency"))) {
        double f = json_is_number(v) ? json_number_value(v) : NAN;
        if (!(f > 0) || !isfinite(f) || f > 1e9)
            return json_is_number(v)
                       ? psy_fail(why, PSY_E_FORMAT, "sidecar \"SamplingFrequency\" %g is not a positive rate", f)
                       : psy_fail(why, PSY_E_FORMAT, "sidecar \"SamplingFrequency\" must be a number");
        sc->rate_hz = f;
    }
    if ((v = json_object_get(root, "Columns"))) {
        if (!json_is_array(v))
            return psy_fail(why, PSY_E_FORMAT, "sidecar \"Columns\" must be an array of labels");
        if (json_array_size(v) != (size_t)n)
            return psy_fail(why, PSY_E_FORMAT, "sidecar \"Columns\" names %zu columns for %d channels",
                            json_array_size(v), n);
        for (int i = 0; i < n && st == PSY_OK; i++)
            st = copy_string(json_array_get(v, (size_t)i), "Columns", sc->channels[i].label,
                             PSY_LABEL_SIZE, why);
        if (st != PSY_OK) return st;
    }
    if ((v = json_object_get(root, "Units")) && (st = parse_units(v, n, sc, why)) != PSY_OK) return st;
    if ((v = json_object_get(root, "Gain")) &&
        (st = per_channel_numbers(v, "Gain", n, sc, offsetof(psy_bids_sidecar_channel, gain), 1, why)))
        return st;
    if ((v = json_object_get(root, "Baseline")) &&
        (st = per_channel_numbers(v, "Baseline", n, sc, offsetof(psy_bids_sidecar_channel, baseline), 0, why)))
        return st;
    for (int i = 0; i < n; i++) {
        const char *label = sc->channels[i].label;
        if (label[0] && (v = json_object_get(root, label)) && json_is_object(v) &&
            (st = parse_column_object(v, label, &sc->channels[i], why)) != PSY_OK)
            return st;
    }
    const char *const start_keys[] = {"StartTime", "RecordingStart"};
    int64_t unix_ns; /* unused: the start is kept as written */
    for (int k = 0; k < 2; k++) {
        if (!(v = json_object_get(root, start_keys[k]))) continue;
        if (k == 0 && json_is_number(v)) {
            double t = json_number_value(v);
            if (!isfinite(t))
                return psy_fail(why, PSY_E_FORMAT, "sidecar \"StartTime\" must be finite");
            sc->start_offset_s = t;
            sc->has_start_offset = 1;
        } else if (!json_is_string(v) ||
                   !dev_parse_iso8601(json_string_value(v), json_string_length(v), &sc->start, &unix_ns)) {
            return psy_fail(why, PSY_E_FORMAT,
                            "sidecar \"%s\" must be an ISO 8601 date-time that exists, like "
                            "2024-01-31T09:15:00.250 (a zone after it optional)",
                            start_keys[k]);
        }
    }
    return PSY_OK;
}

psy_status psy_bids_sidecar_parse(const char *text, size_t len, int channels, psy_bids_sidecar *out,
                             psy_message *why)
{
    memset(out, 0, sizeof *out);
    if (channels <= 0) return psy_fail(why, PSY_E_FORMAT, "sidecar for %d channels", channels);
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return psy_fail(why, PSY_E_FORMAT, "sidecar is not valid JSON (line %d: %s)", err.line,
                        err.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return psy_fail(why, PSY_E_FORMAT, "sidecar must be a JSON object");
    }
    out->n_channels = channels;
    out->channels = calloc((size_t)channels, sizeof *out->channels);
    if (!out->channels) {
        json_decref(root);
        return PSY_E_NOMEM;
    }
    for (int i = 0; i < channels; i++) out->channels[i].gain = 1;
    psy_status st = parse_root(root, out, why);
    json_decref(root);
    if (st != PSY_OK) psy_bids_sidecar_free(out);
    return st;
}

psy_status psy_bids_sidecar_load(psy_source *src, int channels, psy_bids_sidecar *out, psy_message *why)
{
    memset(out, 0, sizeof *out);
    int64_t size = psy_source_size(src);
    if (size < 0) return psy_fail(why, PSY_E_IO, "cannot size the sidecar");
    if (size > SIDECAR_MAX_BYTES)
        return psy_fail(why, PSY_E_FORMAT, "sidecar is %lld bytes (more than 1 MiB)", (long long)size);
    char *text = malloc((size_t)size + 1);
    if (!text) return PSY_E_NOMEM;
    psy_status st = psy_source_read_exact(src, 0, text, (size_t)size);
    if (st == PSY_OK) st = psy_bids_sidecar_parse(text, (size_t)size, channels, out, why);
    else psy_fail(why, st, "cannot read the sidecar");
    free(text);
    return st;
}

void psy_bids_sidecar_free(psy_bids_sidecar *sc)
{
    if (!sc) return;
    free(sc->channels);
    sc->channels = NULL;
    sc->n_channels = 0;
}
