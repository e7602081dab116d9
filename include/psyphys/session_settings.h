/* psyphys — a study's session settings from a JSON file: what `psyphys analyze --config FILE`
 * reads, for any program that runs the same analysis (psyphys/session.h).
 *
 *     psy_session_settings st;
 *     psy_message why;
 *     if (psy_session_settings_load("study.json", &st, &why) != PSY_OK) { ... why.text ... }
 *     psy_session *s = NULL;
 *     psy_status rc = psy_session_open(path, &st.open, &st.config, &s, &why);
 *     ...
 *     psy_session_free(s);
 *     psy_session_settings_free(&st);
 *
 * The file is one JSON object; every key is optional, a key not listed below or given twice is
 * refused, and so is a value of the wrong type or out of range. Times in seconds, rates in Hz.
 *   "segments"        string: "events", "markers" or "window:W[:STEP]" (W, STEP > 0; STEP
 *                     defaults to W)                               -> config.rule, window_s, step_s
 *   "epochs"          array of strings (event labels)              -> config.epoch_labels
 *   "pre_s"           number >= 0                                  -> config.pre_s
 *   "post_s"          number > 0                                   -> config.post_s
 *   "latency_s"       [MIN, MAX], 0 <= MIN < MAX                   -> config.latency_min_s, _max_s
 *   "hrv_window_s"    [W, STEP], W > 0, STEP > 0 (0: W)            -> config.hrv_window_s, _step_s
 *   "ecg", "eda", "rsp", "hr", "ppg"  strings (channel labels; hr excludes ecg and ppg)
 *   "eda_method"      "fast" or "deconv"                           -> config.eda_method
 *   "max_corrected_pct"  number in [0, 100]                        -> config.max_corrected_pct
 *   "keep_corrected"  true or false                                -> config.keep_corrected
 *   "edr"             true or false                                -> config.edr
 *   "fs"              number > 0                                   -> open.sampling_rate_hz
 *   "override_fs"     true or false                                -> open.override_rate
 *   "format"          string (a reader's name)                     -> open.format
 *   "libedf"          true or false                                -> open.use_libedf
 *   "channel_types"   {"LABEL": "TYPE"} (ECG, EDA, RESP, PPG, HR, RR, TRIGGER, OTHER)
 *                     -> channel_types, "LABEL=TYPE" in the file's order (psy_reader_set_channel_type)
 *   "units"           {"LABEL": "UNIT"}   -> units, "LABEL=UNIT" (psy_reader_set_channel_unit)
 *   "triggers"        array of "CH[:LEVEL|:bits]"  -> triggers (psy_trigger_events)
 *   "events_offset_s" number              -> events_offset_s (added to an event file's onsets)
 *   "events_columns"  string "onset=COL[,duration=COL][,label=COL]" -> events_columns
 *   "layout"          "auto", "bids" or "flat" -> layout (where a program writes the tables)
 * Keys absent from the file leave psy_session_config_default() and psy_open_options_default().
 *
 * Ownership: the settings own every string they point to, until psy_session_settings_free. */
#ifndef PSYPHYS_SESSION_SETTINGS_H
#define PSYPHYS_SESSION_SETTINGS_H

#include <stddef.h>

#include "psyphys/export.h"
#include "psyphys/recording.h"
#include "psyphys/session.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_session_settings {
    psy_session_config config;      /* the analysis (events_files left 0: the caller's) */
    psy_open_options open;          /* opening the recording */
    const char *const *channel_types; /* "LABEL=TYPE", the file's order */
    size_t n_channel_types;
    const char *const *units;       /* "LABEL=UNIT" */
    size_t n_units;
    const char *const *triggers;    /* "CH[:LEVEL|:bits]" */
    size_t n_triggers;
    double events_offset_s;         /* 0 when absent */
    const char *events_columns;     /* NULL when absent */
    const char *layout;             /* NULL when absent */
    void *storage;                  /* internal: the strings */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_session_settings;

/* Reads the settings file at path into *out. PSY_OK, else PSY_E_IO (cannot be read),
 * PSY_E_FORMAT (not JSON, not an object, a duplicate key, an unknown key, a value of the wrong
 * type) or PSY_E_INVALID (a value out of range; NULL arguments), PSY_E_NOMEM; why says what and,
 * for a key, names it (not the path: the caller knows it). *out is then empty (free-safe). */
PSY_API psy_status psy_session_settings_load(const char *path, psy_session_settings *out, psy_message *why);

/* The same from a JSON text (NUL-terminated). */
PSY_API psy_status psy_session_settings_parse(const char *json_text, psy_session_settings *out, psy_message *why);

/* NULL-safe; leaves the settings zeroed. */
PSY_API void psy_session_settings_free(psy_session_settings *settings);

#ifdef __cplusplus
}
#endif
#endif
