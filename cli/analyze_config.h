/* psyphys analyze --config FILE: a study's settings in one JSON object, turned into the
 * command-line options they stand for, so the flags' own checks apply and flags given on the
 * command line (parsed after) override them. */
#ifndef PSYPHYS_CLI_ANALYZE_CONFIG_H
#define PSYPHYS_CLI_ANALYZE_CONFIG_H

/* The options a config file stands for: args[0 .. n), each malloc'd; keys[i] is the key that
 * args[i] came from (for messages). */
typedef struct analyze_config_args {
    char **args, **keys;
    int n, cap;
} analyze_config_args;

/* Reads the JSON object in `path` into options. Keys (each optional):
 *   "segments" string ("events", "markers", "window:W[:STEP]"), "epochs" array of strings,
 *   "pre_s", "post_s" numbers, "latency_s" [MIN, MAX], "hrv_window_s" [W, STEP],
 *   "ecg", "eda", "rsp", "hr" strings (channel labels), "eda_method" string ("fast", "deconv"),
 *   "layout" string ("auto", "bids", "flat"), "fs" number, "format" string,
 *   "channel_types" and "units" objects {"LABEL": "VALUE"}, "triggers" array of strings
 *   ("CH[:LEVEL|:bits]"), "events_offset_s" number, "events_columns" string
 *   ("onset=COL[,duration=COL][,label=COL]"), "libedf" boolean.
 * Returns 1, or 0 after printing one line naming the file and, for an unknown key or a value of
 * the wrong type, the key. */
int analyze_config_load(const char *path, analyze_config_args *out);

void analyze_config_args_free(analyze_config_args *a);

#endif
