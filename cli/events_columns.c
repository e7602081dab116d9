/* --events-columns onset=COL[,duration=COL][,label=COL]: the --events file's columns named by
 * the user (psy_events_options), and how an event file was read, said and recorded. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "provenance.h"

int cli_events_columns_valid(const char *spec)
{
    char *buf = NULL;
    psy_events_options opt = psy_events_options_default();
    int ok = psy_events_columns_parse(spec, &opt, &buf) == PSY_OK;
    free(buf);
    if (!ok)
        cli_error(NULL, "--events-columns wants onset=COLUMN[,duration=COLUMN][,label=COLUMN], not '%s'", spec);
    return ok;
}

/* "note: 2 events; onset from 'time', duration from 'dur', label from 'cond'" (and the rows that
 * gave none) on stderr. */
static void say_columns(const char *path, const psy_events_info *in)
{
    char duration[PSY_LABEL_SIZE + 2] = "none", label[PSY_LABEL_SIZE + 2] = "each row's first text cell";
    if (in->duration_column[0]) snprintf(duration, sizeof duration, "'%s'", in->duration_column);
    if (in->label_column[0]) snprintf(label, sizeof label, "'%s'", in->label_column);
    fprintf(stderr, "psyphys: %s: note: %zu events; onset from '%s', duration from %s, label from %s\n", path,
            in->n_events, in->onset_column, duration, label);
    if (in->n_unplaced)
        fprintf(stderr, "psyphys: %s: warning: %zu rows without an onset give no event (line %lld first)\n", path,
                in->n_unplaced, (long long)in->unplaced[0].line);
}

psy_status cli_load_events(psy_reader *r, const char *path, const char *spec, double offset_s,
                           psy_events_info *info, double *unix_shift_s)
{
    char *buf = NULL;
    psy_events_options opt = psy_events_options_default();
    opt.offset_s = offset_s;
    if (spec && psy_events_columns_parse(spec, &opt, &buf) != PSY_OK) {
        cli_events_columns_valid(spec);
        return PSY_E_INVALID;
    }
    psy_source *src = NULL;
    psy_message why = {{0}};
    psy_status st = psy_source_open_path(path, &src);
    struct stat sb;
    if (st != PSY_OK && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        cli_error(path, "the event file is a directory, not a file");
    } else if (st != PSY_OK) {
        cli_error(path, "cannot open the event file (missing or unreadable)");
    } else {
        st = unix_shift_s ? psy_reader_load_events_unix(r, src, &opt, info, unix_shift_s, &why)
                          : psy_reader_load_events_with(r, src, &opt, info, &why);
        psy_source_close(src);
        char hint[64] = ""; /* how to say which column */
        if (info->ambiguous[0]) snprintf(hint, sizeof hint, " (say which: --events-columns %s=COLUMN)", info->ambiguous);
        else if (strstr(why.text, "no onset column")) snprintf(hint, sizeof hint, " (name yours with --events-columns onset=COLUMN)");
        else if (strstr(why.text, "Unix times")) snprintf(hint, sizeof hint, " (give --events-offset: minus its Unix start)");
        if (st != PSY_OK) cli_error(path, "%s%s", why.text[0] ? why.text : psy_strerror(st), hint);
    }
    free(buf);
    if (st == PSY_OK) say_columns(path, info);
    if (st == PSY_OK && unix_shift_s && !isnan(*unix_shift_s))
        fprintf(stderr, "psyphys: %s: note: the onsets are Unix times: taken from the recording's start "
                "(shifted by %.3f s)\n", path, *unix_shift_s);
    return st;
}

json_t *cli_events_files_json(const cli_events_read *ev)
{
    psy_sidecar *lib = NULL;
    psy_status st = psy_sidecar_create(&lib);
    for (int i = 0; st == PSY_OK && ev && i < ev->n; i++)
        st = psy_sidecar_add_events_file(lib, "v", ev->path[i], ev->paired[i], &ev->info[i], ev->unix_shift_s[i]);
    json_t *o = st == PSY_OK ? cli_sidecar_json(lib) : NULL;
    psy_sidecar_free(lib);
    json_t *a = json_incref(json_object_get(o, "v"));
    json_decref(o);
    return a ? a : json_array(); /* no event file (or out of memory: none listed) */
}
