/* psyphys resp — breaths from a respiration channel, or ECG-derived when there is none. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beats_table.h"
#include "cli.h"
#include "fixed_format.h"
#include "output.h"
#include "provenance.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys resp FILE [--channel LABEL | --ecg LABEL] [-o BREATHS.tsv] [--json]\n"
            "                         [--overwrite] [input options]\n\n"
            "Detects breaths on a respiration channel (belt, impedance pneumography, thermistor,\n"
            "airflow); without one, derives respiration from the ECG (R-wave amplitude and heart\n"
            "rate modulation). Without -o the table goes to stdout (unless --json).\n\n"
            "  --channel LABEL   the respiration channel (default: the first RESP channel)\n"
            "  --ecg LABEL       derive the breaths from this ECG channel (default when the\n"
            "                    recording has no RESP channel: its first ECG channel)\n"
            "  -o FILE           breaths table: onset (start of inspiration, s), peak (end of\n"
            "                    inspiration, s), duration_s, amplitude, rate_per_min; and its\n"
            "                    JSON sidecar FILE.json with the settings and the summary\n"
            "  --json            summary on stdout: breaths, rate_per_min, irregularity_cv_pct,\n"
            "                    depth_median, depth_cv_pct, ...\n"
            "  --overwrite       replace existing outputs\n\n");
    cli_print_input_options_help(out);
}

static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* onset, peak, duration_s, amplitude, rate_per_min: one row per breath. */
static void write_breaths_tsv(FILE *fp, const psy_breath_list *l)
{
    fputs("onset\tpeak\tduration_s\tamplitude\trate_per_min\n", fp);
    char row[5 * CLI_FIXED_MAX + 8];
    for (size_t i = 0; i < l->n; i++) {
        double dur = l->end_s[i] - l->onset_s[i];
        size_t len = cli_format_fixed(row, l->onset_s[i], 3);
        row[len++] = '\t';
        len += cli_format_fixed(row + len, l->peak_s[i], 3);
        row[len++] = '\t';
        len += cli_format_fixed(row + len, dur, 3);
        row[len++] = '\t';
        len += cli_format_fixed(row + len, l->b[i].amplitude, 6);
        row[len++] = '\t';
        len += cli_format_fixed(row + len, 60.0 / dur, 3);
        row[len++] = '\n';
        fwrite(row, 1, len, fp);
    }
}

static json_t *summary_json(const psy_breath_summary *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "breaths", json_integer((json_int_t)s->n_breaths));
    json_object_set_new(o, "rate_per_min", num_or_null(s->rate.per_min));
    if (s->rate.why) json_object_set_new(o, "rate_per_min_n/a_reason", json_string(s->rate.why));
    json_object_set_new(o, "duration_mean_s", num_or_null(s->duration_mean_s));
    json_object_set_new(o, "irregularity_cv_pct", num_or_null(s->duration_cv_pct));
    json_object_set_new(o, "depth_median", num_or_null(s->amplitude_median));
    json_object_set_new(o, "depth_cv_pct", num_or_null(s->amplitude_cv_pct));
    return o;
}

static json_t *settings_json(const psy_breath_list *l)
{
    const psy_resp_config *c = &l->config;
    return json_pack("{s:s,s:f,s:[f,f],s:f,s:f}", "source",
                     l->source == PSY_BREATHS_EDR ? "ecg-derived" : "respiration channel", "detector_rate_hz",
                     l->rate_hz, "band_hz", c->band_low_hz, c->band_high_hz, "hysteresis", c->hysteresis,
                     "min_amplitude", c->min_amplitude);
}

static json_t *columns_json(void)
{
    return json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}",
                     "onset", "Units", "s", "Description", "start of inspiration (trough before it)",
                     "peak", "Units", "s", "Description", "end of inspiration (the peak)",
                     "duration_s", "Units", "s", "Description", "onset to the next breath's onset",
                     "amplitude", "Units", "channel unit (arbitrary for ECG-derived)", "Description",
                     "peak minus the mean of the two troughs, band-passed signal",
                     "rate_per_min", "Units", "1/min", "Description", "60 / duration_s");
}

int cmd_resp(int argc, char **argv)
{
    cli_input_options in;
    cli_input_options_init(&in);
    const char *path = NULL, *out_path = NULL, *label = NULL, *ecg_label = NULL;
    int overwrite = 0, want_json = 0;
    for (int i = 1; i < argc; i++) {
        int used = cli_parse_input_option(&in, argc, argv, &i);
        if (used < 0) return CLI_USAGE;
        if (used) continue;
        const char *a = argv[i];
        int v = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (v && strcmp(a, "--channel") == 0) label = argv[++i];
        else if (v && strcmp(a, "--ecg") == 0) ecg_label = argv[++i];
        else if (v && strcmp(a, "-o") == 0) out_path = argv[++i];
        else if (strcmp(a, "--json") == 0) want_json = 1;
        else if (strcmp(a, "--overwrite") == 0) overwrite = 1;
        else if (a[0] == '-' && a[1]) {
            static const char *const with_value[] = {"--channel", "--ecg", "-o", NULL};
            return cli_refuse_option("resp", a, with_value);
        } else if (!path) path = a;
        else {
            cli_error(NULL, "resp: one FILE at a time ('%s' is extra)", a);
            return CLI_USAGE;
        }
    }
    if (!path) {
        help(stderr);
        return CLI_USAGE;
    }
    if (label && ecg_label) {
        cli_error(NULL, "resp: --channel (a respiration channel) or --ecg (ECG-derived), not both");
        return CLI_USAGE;
    }
    const char *outputs[] = {out_path};
    if (!cli_outputs_share_stdout("resp", outputs, 1, !out_path || want_json)) return CLI_USAGE;
    psy_reader *r = cli_open_recording(path, &in);
    if (!r) return CLI_FAILED;
    int rc = CLI_FAILED;
    psy_breath_list *l = NULL;
    psy_beat_list *beats = NULL;
    json_t *sidecar = NULL;
    psy_message why = {{0}};
    psy_status st;
    static const psy_channel_type breathing[] = {PSY_CH_RESP};
    static const psy_channel_type heart[] = {PSY_CH_ECG};
    int has_resp = 0;
    for (int i = 0; i < psy_reader_channel_count(r); i++) has_resp |= psy_reader_channel(r, i)->type == PSY_CH_RESP;
    int edr = ecg_label || (!label && !has_resp);
    int ch = edr ? cli_pick_channel(r, path, ecg_label, heart, 1, "RESP or ECG")
                 : cli_pick_channel(r, path, label, breathing, 1, "RESP");
    if (ch < 0) goto done;
    cli_hashes *hashes = out_path ? cli_hashes_start(path, r) : NULL;
    if (edr) {
        fprintf(stderr, "psyphys: %s: note: %sbreaths derived from ECG '%s'\n", path,
                ecg_label ? "" : "no respiration channel: ", psy_reader_channel(r, ch)->label);
        psy_beats_config bc = psy_beats_config_default();
        st = psy_beats_detect(r, ch, &bc, &beats, &why);
        if (st == PSY_OK) st = psy_breaths_from_beats(beats, &l, &why);
    } else {
        st = psy_breaths_detect(r, ch, NULL, &l, &why);
    }
    if (st != PSY_OK) {
        cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
        cli_hashes_cancel(hashes);
        goto done;
    }
    psy_breath_summary sum;
    if (psy_breath_summarize(l, &sum) != PSY_OK) {
        cli_hashes_cancel(hashes);
        goto done;
    }
    const psy_channel_info *c = psy_reader_channel(r, ch);
    sidecar = out_path ? cli_sidecar_new_hashed("resp", path, r, hashes) : json_object();
    if (!sidecar) goto done;
    json_object_set_new(sidecar, "channel", json_pack("{s:s,s:i,s:s,s:s,s:f}", "label", c->label, "index", ch,
                                                      "type", psy_channel_type_name(c->type), "unit", c->unit,
                                                      "rate_hz", c->rate_hz));
    json_object_set_new(sidecar, "settings", settings_json(l));
    json_object_set_new(sidecar, "summary", summary_json(&sum));
    json_object_set_new(sidecar, "columns", columns_json());
    cli_sidecar_warnings(sidecar, r);
    if (sum.rate.why)
        json_array_append_new(json_object_get(sidecar, "warnings"),
                              json_sprintf("breathing rate n/a: %s", sum.rate.why));
    cli_print_warnings(path, sidecar);

    if (!out_path) {
        if (!want_json) write_breaths_tsv(stdout, l);
    } else {
        cli_output outs[2] = {{0}};
        int n_out = 0, stream = cli_output_is_stream(out_path);
        char *side = cli_sidecar_path_for(out_path);
        int ok = side && cli_output_open(&outs[n_out++], out_path, overwrite) &&
                 (stream || cli_output_open(&outs[n_out++], side, overwrite));
        free(side);
        if (ok) {
            write_breaths_tsv(outs[0].fp, l);
            ok = stream || cli_sidecar_write(sidecar, outs[1].fp);
        }
        if (!ok) {
            cli_output_abort_all(outs, n_out);
            goto done;
        }
        if (!cli_output_commit_all(outs, n_out)) goto done;
    }
    if (want_json) {
        json_t *s = summary_json(&sum);
        json_object_set_new(s, "source", json_string(l->source == PSY_BREATHS_EDR ? "ecg-derived" : "respiration channel"));
        json_object_set_new(s, "channel", json_string(c->label));
        json_dumpf(s, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(s);
    }
    rc = CLI_OK;
done:
    json_decref(sidecar);
    psy_breath_list_free(l);
    psy_beat_list_free(beats);
    psy_reader_close(r);
    return rc;
}
