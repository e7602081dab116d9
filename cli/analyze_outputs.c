/* psyphys analyze: the tables written under -o, each with its sidecar (the library's:
 * psy_session_sidecar), and what the command adds to their settings. */
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "output.h"
#include "provenance.h"
#include "report.h"

/* The settings the command adds to the session's: the output layout, how the recording and its
 * event files were opened, the config file. */
static json_t *command_settings_json(const analyze_session *s, const analyze_options *o)
{
    json_t *j = json_object();
    static const char *const layouts[] = {"auto", "bids", "flat"};
    json_object_set_new(j, "layout", json_string(layouts[o->layout]));
    json_t *in = json_object(), *types = json_array(), *units = json_array(), *trig = json_array();
    for (int i = 0; i < o->in.n_channel_types; i++) json_array_append_new(types, json_string(o->in.channel_types[i]));
    for (int i = 0; i < o->in.n_channel_units; i++) json_array_append_new(units, json_string(o->in.channel_units[i]));
    for (int i = 0; i < o->in.n_triggers; i++) json_array_append_new(trig, json_string(o->in.triggers[i]));
    json_object_set_new(in, "channel_types", types);
    json_object_set_new(in, "units", units);
    json_object_set_new(in, "triggers", trig);
    json_object_set_new(in, "events_offset_s", json_real(o->in.events_offset_s));
    json_object_set_new(in, "events_columns", o->in.events_columns ? json_string(o->in.events_columns) : json_null());
    json_object_set_new(in, "fs", o->in.open.sampling_rate_hz > 0 ? json_real(o->in.open.sampling_rate_hz) : json_null());
    json_object_set_new(in, "override_fs", json_boolean(o->in.open.override_rate));
    static const char *const rate_origins[] = {"file", "given", "overridden"}; /* psy_rate_origin */
    json_object_set_new(in, "rate_origin", json_string(rate_origins[psy_reader_rate_origin(s->r)]));
    json_object_set_new(in, "format", o->in.open.format ? json_string(o->in.open.format) : json_null());
    json_object_set_new(in, "libedf", json_boolean(o->in.open.use_libedf));
    /* The event files read besides the recording (a BIDS run's, paired, and --events): which
       columns gave onset, duration and label, and how many events. */
    json_object_set_new(in, "events_files", cli_events_files_json(&s->events_read));
    char hex[65];
    json_object_set_new(j, "input_options", in);
    if (o->config_path && psy_sha256_file(o->config_path, hex) == PSY_OK)
        json_object_set_new(j, "config_file", json_pack("{s:s,s:s}", "path", o->config_path, "sha256", hex));
    return j;
}

/* Opens OUTDIR/STEM_NAME.tsv and its sidecar as outputs k and k + 1. */
static int open_table(cli_output *outs, int *n, const char *dir, const char *stem, const char *name,
                      int overwrite)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s_%s.tsv", dir, stem, name);
    if (len < 0 || (size_t)len >= sizeof path) {
        cli_error(dir, "the path of the %s table is too long", name);
        return 0;
    }
    char *side = cli_sidecar_path_for(path);
    int ok = side && cli_output_open(&outs[(*n)++], path, overwrite) &&
             cli_output_open(&outs[(*n)++], side, overwrite);
    free(side);
    return ok;
}

/* One of the session's tables (psy_session_write_table) and its sidecar
 * (psy_session_write_sidecar). */
static int write_table(analyze_session *s, const analyze_options *o, psy_session_table t, const psy_sidecar *base,
                       cli_output *outs, int *n_out, const char *dir, const char *stem)
{
    const char *name = psy_session_table_name(t);
    if (!open_table(outs, n_out, dir, stem, name, o->overwrite)) return 0;
    psy_na_reasons na = {0};
    psy_status st = psy_session_write_table(s->ps, t, outs[*n_out - 2].fp, &na);
    if (st == PSY_OK) st = psy_session_write_sidecar(s->ps, base, t, &na, outs[*n_out - 1].fp);
    psy_na_reasons_free(&na);
    if (st != PSY_OK) cli_error(o->path, "%s table: %s", name, psy_strerror(st));
    return st == PSY_OK;
}

/* The sidecar every table's starts from, with the command's settings; NULL after printing why. */
static psy_sidecar *base_sidecar(analyze_session *s, const analyze_options *o)
{
    json_t *extra = command_settings_json(s, o);
    char *text = json_dumps(extra, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(extra);
    psy_sidecar *base = NULL;
    psy_message why = {{0}};
    psy_input_hashes *hashes = s->hashes; /* psy_session_sidecar frees them whatever it returns */
    s->hashes = NULL;
    psy_status st = PSY_E_NOMEM;
    if (text) st = psy_session_sidecar(s->ps, "analyze", o->path, text, hashes, &base, &why);
    else psy_input_hashes_free(hashes);
    free(text);
    if (st != PSY_OK) cli_error(NULL, "%s", why.text[0] ? why.text : psy_strerror(st));
    return base;
}

int analyze_write_outputs(analyze_session *s, const analyze_options *o)
{
    cli_output_place place;
    char why_place[512];
    if (!cli_output_place_for(o->path, o->outdir, o->layout, &place, why_place, sizeof why_place)) {
        cli_error(o->path, "--layout bids: %s", why_place);
        return 0;
    }
    if (!cli_make_dir(place.dir)) return 0;
    cli_output outs[24] = {{0}};
    int n_out = 0, ok = 1;
    if (place.bids) {
        ok = cli_derivative_description_open(o->outdir, &outs[n_out]);
        if (ok && outs[n_out].fp) n_out++;
    }
    psy_sidecar *base = ok ? base_sidecar(s, o) : NULL;
    ok = base != NULL;
    const char *stem = place.stem, *dir = place.dir;
    static const psy_session_table tables[] = {PSY_TABLE_BEATS,       PSY_TABLE_SCR,         PSY_TABLE_BREATHS,
                                               PSY_TABLE_SEGMENTS,    PSY_TABLE_EPOCHS,      PSY_TABLE_EPOCH_MEANS,
                                               PSY_TABLE_HRV_WINDOWS, PSY_TABLE_PAT};
    for (size_t k = 0; ok && k < sizeof tables / sizeof tables[0]; k++)
        if (psy_session_has_table(s->ps, tables[k]))
            ok = write_table(s, o, tables[k], base, outs, &n_out, dir, stem);
    psy_sidecar_free(base);
    if (ok && cli_output_commit_all(outs, n_out)) {
        printf("  wrote %d files to %s/ (%s_*.tsv with .json sidecars)\n", n_out, dir, stem);
        return !o->report || cli_report_stem(dir, stem, o->overwrite) == CLI_OK;
    }
    cli_output_abort_all(outs, n_out);
    return 0;
}
