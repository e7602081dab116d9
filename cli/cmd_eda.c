/* psyphys eda — skin conductance: SCRs (onset, peak, amplitude, rise, half recovery), SCL and
 * the summary metrics, event-related SCRs; TSV tables with a JSON sidecar of every setting. */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beats_table.h"
#include "cli.h"
#include "output.h"
#include "provenance.h"
#include "psyphys/eda.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys eda FILE [--channel LABEL] [--method fast|deconv] [--min-amplitude US]\n"
            "                        [-o SCR.tsv] [--epochs EPOCHS.tsv] [--json] [--overwrite]\n"
            "                        [settings] [input options]\n\n"
            "Scores skin conductance responses (absolute amplitude criterion) and the tonic level.\n"
            "Without -o the SCR table goes to stdout (unless --json).\n\n"
            "  --channel LABEL          the channel (default: the first EDA channel); values in uS\n"
            "  --method fast|deconv     fast: causal 0.05 Hz high-pass split (streaming);\n"
            "                           deconv: Bateman deconvolution (Benedek & Kaernbach 2010)\n"
            "  -o FILE                  SCR table: onset, peak_onset, amplitude_us, rise_time_s,\n"
            "                           half_recovery_s (s from the recording start); sidecar FILE.json\n"
            "  --epochs FILE            event-related SCRs, one row per session event (those\n"
            "                           outside the recording, in a gap or repeated: skipped, warned)\n"
            "  --segments FILE          SCL and SCR metrics per event with a duration (session phase)\n"
            "  --json                   summary on stdout: scl_us, ns_scr_per_min, scr_count, ...\n"
            "                           (NS-SCRs: outside every event's latency window)\n"
            "  --overwrite              replace existing outputs\n\n"
            "settings (defaults):\n"
            "  --min-amplitude US       0.01       --relative-amplitude F   0 (off; fraction of the largest)\n"
            "  --noise-factor K         3.5 (SCRs reach K sd of the sensor noise on their amplitude;\n"
            "                           0: off)\n"
            "  --latency MIN,MAX        1,4 s      --rise MIN,MAX           0.5,5 s\n"
            "  --lowpass HZ             3          --analysis-rate HZ       32\n"
            "  --highpass HZ            0.05       --tau T1,T2              1,3.75 s (deconv)\n"
            "  --range MIN,MAX          0.05,100 uS --max-slope US_PER_S    10\n"
            "  --flat S                 10         --recovery-max S         10\n"
            "  --spike S                1 (spikes up to S repaired; 0: off)\n"
            "  --drop F                 0.5 (a fall below F x the last second's largest value; 0: off)\n"
            "  --artifact-radius S      5 (flagged around every artefact; 0: off)\n"
            "  deconv: --smooth S (Gaussian sigma) 0.2, --tonic-grid S 10, --tonic-quantile Q 0.25\n\n");
    cli_print_input_options_help(out);
}

static int number(const char *opt, const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v)) {
        cli_error(NULL, "eda: %s: '%s' is not a number", opt, text);
        return 0;
    }
    *out = v;
    return 1;
}

static int pair(const char *opt, const char *text, double *a, double *b)
{
    const char *comma = strchr(text, ',');
    char first[64];
    if (!comma || (size_t)(comma - text) >= sizeof first) {
        cli_error(NULL, "eda: %s wants two numbers 'A,B', not '%s'", opt, text);
        return 0;
    }
    memcpy(first, text, (size_t)(comma - text));
    first[comma - text] = '\0';
    return number(opt, first, a) && number(opt, comma + 1, b);
}

/* A table's columns (psy_sidecar_set_eda_columns) as a JSON object. */
static json_t *columns_json(psy_eda_table table)
{
    psy_sidecar *lib = NULL;
    json_t *o = json_object();
    psy_status st = psy_sidecar_create(&lib);
    if (st == PSY_OK) st = psy_sidecar_set_eda_columns(lib, "columns", table);
    if (!cli_sidecar_merge_library(o, lib, st)) {
        json_decref(o);
        return NULL;
    }
    json_t *c = json_incref(json_object_get(o, "columns"));
    json_decref(o);
    return c;
}

/* A table's own sidecar: the shared one with the table's name and columns. 1 when written. */
static int write_table_sidecar(FILE *fp, json_t *base, const char *table, json_t *columns)
{
    if (!columns) return 0;
    json_t *o = json_deep_copy(base);
    json_object_set_new(o, "table", json_string(table));
    json_object_set_new(o, "columns", columns);
    int ok = cli_sidecar_write(o, fp);
    json_decref(o);
    return ok;
}

/* TABLE and, unless it is a stream (stdout, a device), its sidecar beside it, as outputs n and
 * n + 1. 1 when opened. */
static int open_table(cli_output *outs, int *n, const char *path, int overwrite, int *with_sidecar)
{
    *with_sidecar = !cli_output_is_stream(path);
    char *side = cli_sidecar_path_for(path);
    int ok = side && cli_output_open(&outs[(*n)++], path, overwrite) &&
             (!*with_sidecar || cli_output_open(&outs[(*n)++], side, overwrite));
    free(side);
    return ok;
}


int cmd_eda(int argc, char **argv)
{
    cli_input_options in;
    cli_input_options_init(&in);
    const char *path = NULL, *out_path = NULL, *epochs_path = NULL, *segments_path = NULL;
    const char *label = NULL;
    int overwrite = 0, want_json = 0;
    psy_eda_method method = PSY_EDA_FAST;
    psy_eda_config cfg = psy_eda_config_default(1); /* rate set from the channel */
    double lat_min = 1.0, lat_max = 4.0;
    for (int i = 1; i < argc; i++) {
        int used = cli_parse_input_option(&in, argc, argv, &i);
        if (used < 0) return CLI_USAGE;
        if (used) continue;
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int ok = 1;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (strcmp(a, "--json") == 0) want_json = 1;
        else if (strcmp(a, "--overwrite") == 0) overwrite = 1;
        else if (v && strcmp(a, "--channel") == 0) label = argv[++i];
        else if (v && strcmp(a, "-o") == 0) out_path = argv[++i];
        else if (v && strcmp(a, "--epochs") == 0) epochs_path = argv[++i];
        else if (v && strcmp(a, "--segments") == 0) segments_path = argv[++i];
        else if (v && strcmp(a, "--method") == 0) {
            i++;
            if (strcmp(v, "fast") == 0) method = PSY_EDA_FAST;
            else if (strcmp(v, "deconv") == 0) method = PSY_EDA_DECONV;
            else {
                cli_error(NULL, "eda: --method is fast or deconv, not '%s'", v);
                return CLI_USAGE;
            }
        } else if (v && strcmp(a, "--min-amplitude") == 0) ok = number(a, argv[++i], &cfg.min_amplitude_us);
        else if (v && strcmp(a, "--noise-factor") == 0) ok = number(a, argv[++i], &cfg.noise_factor);
        else if (v && strcmp(a, "--relative-amplitude") == 0) ok = number(a, argv[++i], &cfg.relative_amplitude);
        else if (v && strcmp(a, "--latency") == 0) ok = pair(a, argv[++i], &lat_min, &lat_max);
        else if (v && strcmp(a, "--rise") == 0) ok = pair(a, argv[++i], &cfg.min_rise_s, &cfg.max_rise_s);
        else if (v && strcmp(a, "--lowpass") == 0) ok = number(a, argv[++i], &cfg.lowpass_hz);
        else if (v && strcmp(a, "--analysis-rate") == 0) ok = number(a, argv[++i], &cfg.analysis_rate_hz);
        else if (v && strcmp(a, "--highpass") == 0) ok = number(a, argv[++i], &cfg.highpass_hz);
        else if (v && strcmp(a, "--tau") == 0) ok = pair(a, argv[++i], &cfg.tau1_s, &cfg.tau2_s);
        else if (v && strcmp(a, "--range") == 0) ok = pair(a, argv[++i], &cfg.min_us, &cfg.max_us);
        else if (v && strcmp(a, "--max-slope") == 0) ok = number(a, argv[++i], &cfg.max_slope_us_per_s);
        else if (v && strcmp(a, "--flat") == 0) ok = number(a, argv[++i], &cfg.flat_s);
        else if (v && strcmp(a, "--spike") == 0) ok = number(a, argv[++i], &cfg.spike_max_s);
        else if (v && strcmp(a, "--drop") == 0) ok = number(a, argv[++i], &cfg.drop_fraction);
        else if (v && strcmp(a, "--artifact-radius") == 0) ok = number(a, argv[++i], &cfg.artifact_radius_s);
        else if (v && strcmp(a, "--recovery-max") == 0) ok = number(a, argv[++i], &cfg.recovery_max_s);
        else if (v && strcmp(a, "--smooth") == 0) ok = number(a, argv[++i], &cfg.smooth_s);
        else if (v && strcmp(a, "--tonic-grid") == 0) ok = number(a, argv[++i], &cfg.tonic_grid_s);
        else if (v && strcmp(a, "--tonic-quantile") == 0) ok = number(a, argv[++i], &cfg.tonic_quantile);
        else if (a[0] == '-' && a[1]) {
            static const char *const with_value[] = {
                "--channel", "-o", "--epochs", "--segments", "--method", "--min-amplitude",
                "--relative-amplitude", "--latency", "--rise", "--lowpass", "--analysis-rate", "--highpass",
                "--tau", "--range", "--max-slope", "--flat", "--recovery-max", "--smooth", "--tonic-grid",
                "--tonic-quantile", NULL};
            return cli_refuse_option("eda", a, with_value);
        } else if (!path) path = a;
        else {
            cli_error(NULL, "eda: one FILE at a time ('%s' is extra)", a);
            return CLI_USAGE;
        }
        if (!ok) return CLI_USAGE;
    }
    if (!path) {
        help(stderr);
        return CLI_USAGE;
    }
    psy_message why = {{0}};
    if (!(lat_min <= lat_max)) {
        cli_error(NULL, "eda: --latency %g,%g: the first must not exceed the second", lat_min, lat_max);
        return CLI_USAGE;
    }
    if (psy_eda_config_check(&cfg, &why) != PSY_OK) {
        cli_error(NULL, "eda: %s", why.text);
        return CLI_USAGE;
    }
    const char *outputs[] = {out_path, epochs_path, segments_path};
    if (!cli_outputs_share_stdout("eda", outputs, 3, !out_path || want_json)) return CLI_USAGE;
    cli_events_read *events_read = malloc(sizeof *events_read);
    psy_reader *r = events_read ? cli_open_recording_events(path, &in, events_read) : NULL;
    if (!r) {
        free(events_read);
        return CLI_FAILED;
    }
    int rc = CLI_FAILED;
    psy_eda_result *res = NULL;
    psy_eda_events ev = {0};
    json_t *sidecar = NULL;
    static const psy_channel_type skin[] = {PSY_CH_EDA};
    int ch = cli_pick_channel(r, path, label, skin, 1, "EDA");
    if (ch < 0) goto done;
    psy_status st = psy_eda_analyze(r, ch, &cfg, method, &res, &why);
    if (st != PSY_OK) {
        cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
        goto done;
    }
    if (psy_eda_events_of(res, r, lat_min, lat_max, &ev) != PSY_OK) {
        cli_error(path, "out of memory");
        goto done;
    }
    size_t n_ev = ev.n_events;

    sidecar = out_path || epochs_path || segments_path ? cli_sidecar_new("eda", path, r) : json_object();
    if (!sidecar) goto done;
    psy_sidecar *lib = NULL;
    st = psy_sidecar_create(&lib);
    if (st == PSY_OK) st = psy_sidecar_set_eda_channel(lib, "channel", r, ch);
    if (st == PSY_OK) st = psy_sidecar_set_eda_settings(lib, "settings", res, lat_min, lat_max);
    if (st == PSY_OK) st = psy_sidecar_set_eda_summary(lib, "summary", res, &ev.whole, 0);
    if (st == PSY_OK) st = psy_sidecar_set_eda_artifacts(lib, "artifacts", res);
    if (!cli_sidecar_merge_library(sidecar, lib, st)) goto nomem;
    json_object_set_new(sidecar, "events", json_integer((json_int_t)n_ev));
    json_object_set_new(sidecar, "events_files", cli_events_files_json(events_read));
    st = psy_sidecar_create(&lib);
    if (st == PSY_OK) st = psy_sidecar_set_eda_unit_conversion(lib, "unit_conversion", r, ch);
    if (st == PSY_OK) st = psy_sidecar_add_reader_warnings(lib, r);
    if (st == PSY_OK) st = psy_sidecar_add_eda_warnings(lib, res, r, ch);
    if (st == PSY_OK) st = psy_sidecar_add_eda_events(lib, r, &ev);
    if (!cli_sidecar_merge_library(sidecar, lib, st)) goto nomem;
    json_t *warnings = json_object_get(sidecar, "warnings");
    for (size_t i = 0; i < json_array_size(warnings); i++)
        fprintf(stderr, "psyphys: %s: warning: %s\n", path, json_string_value(json_array_get(warnings, i)));
    if (epochs_path && n_ev == 0)
        fprintf(stderr, "psyphys: %s: warning: the recording has no events (add them with --events "
                "FILE): the epochs table is empty\n", path);

    /* every table with its own sidecar (the settings, the summary, its columns) */
    cli_output outs[6] = {{0}};
    int n_out = 0, ok = 1, side;
    if (out_path) {
        ok = open_table(outs, &n_out, out_path, overwrite, &side);
        if (ok) psy_eda_write_table(outs[0].fp, PSY_EDA_TABLE_SCR, res, r, &ev);
        if (ok && side) ok = write_table_sidecar(outs[1].fp, sidecar, "scr", columns_json(PSY_EDA_TABLE_SCR));
    } else if (!want_json) {
        psy_eda_write_table(stdout, PSY_EDA_TABLE_SCR, res, r, &ev);
    }
    if (ok && epochs_path) {
        int k = n_out;
        ok = open_table(outs, &n_out, epochs_path, overwrite, &side);
        if (ok) psy_eda_write_table(outs[k].fp, PSY_EDA_TABLE_EPOCHS, res, r, &ev);
        if (ok && side)
            ok = write_table_sidecar(outs[k + 1].fp, sidecar, "epochs", columns_json(PSY_EDA_TABLE_EPOCHS));
    }
    if (ok && segments_path) {
        int k = n_out;
        ok = open_table(outs, &n_out, segments_path, overwrite, &side);
        if (ok) psy_eda_write_table(outs[k].fp, PSY_EDA_TABLE_SEGMENTS, res, r, &ev);
        if (ok && side)
            ok = write_table_sidecar(outs[k + 1].fp, sidecar, "segments", columns_json(PSY_EDA_TABLE_SEGMENTS));
    }
    if (!ok) {
        cli_output_abort_all(outs, n_out);
        goto done;
    }
    if (n_out && !cli_output_commit_all(outs, n_out)) goto done;
    if (want_json) {
        json_t *o = json_object();
        lib = NULL;
        st = psy_sidecar_create(&lib);
        if (st == PSY_OK) st = psy_sidecar_set_eda_summary(lib, "summary", res, &ev.whole, 1);
        if (!cli_sidecar_merge_library(o, lib, st)) {
            json_decref(o);
            goto nomem;
        }
        json_dumpf(json_object_get(o, "summary"), stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(o);
    }
    rc = CLI_OK;
    goto done;
nomem:
    cli_error(path, "out of memory");
done:
    free(events_read);
    json_decref(sidecar);
    psy_eda_events_free(&ev);
    psy_eda_result_free(res);
    psy_reader_close(r);
    return rc;
}
