/* psyphys resp — breaths from a respiration channel, or ECG-derived when there is none. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beats_table.h"
#include "cli.h"
#include "output.h"
#include "provenance.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys resp FILE [--channel LABEL] [--ecg LABEL | --ppg LABEL] [--edr] [--preset neurokit]\n"
            "                         [-o BREATHS.tsv] [--json] [--overwrite] [input options]\n\n"
            "Detects breaths on a respiration channel (belt, impedance pneumography, thermistor,\n"
            "airflow); without one, derives respiration from the ECG (QRS amplitude, area and\n"
            "slopes, and heart rate modulation). With an ECG (else a PPG's pulses, as analyze),\n"
            "measures respiratory sinus arrhythmia breath by breath and the HRV-biofeedback\n"
            "metrics. Without -o the table goes to stdout (unless --json).\n\n"
            "  --channel LABEL   the respiration channel (default: the first RESP channel); --rsp\n"
            "                    and --resp, as analyze and stream name it, are the same\n"
            "  --ecg LABEL       the ECG channel (default: the first ECG channel, if any)\n"
            "  --ppg LABEL       RSA from this PPG channel's pulses when no ECG is named (default:\n"
            "                    the first PPG channel when there is no ECG): pulse intervals,\n"
            "                    said in the sidecar and the summary (rsa_intervals)\n"
            "  --edr             breaths derived from the ECG even when there is a RESP channel\n"
            "  --preset neurokit RSA as NeuroKit2's hrv_rsa: P2T = range of the intervals within\n"
            "                    the breath, Porges-Bohrer on heart rate, ln(bpm^2 / 1000)\n"
            "  -o FILE           breaths table: onset (start of inspiration, s), peak (end of\n"
            "                    inspiration, s), duration_s, amplitude, rate_per_min, rsa_p2t_ms,\n"
            "                    hr_osc_bpm; and its JSON sidecar FILE.json with the settings and\n"
            "                    the summary\n"
            "  --json            summary on stdout: breaths, rate_per_min, irregularity_cv_pct,\n"
            "                    depth_median, depth_cv_pct, RSA, resonance, coherence ...; for\n"
            "                    ECG-derived breaths, edr_rate: the rate per minute in the\n"
            "                    frequency domain (n/a where neither the RR interval nor the\n"
            "                    QRS waveform shows breathing at it)\n"
            "  --overwrite       replace existing outputs\n\n");
    cli_print_input_options_help(out);
}

static int has_type(psy_reader *r, psy_channel_type type)
{
    for (int i = 0; i < psy_reader_channel_count(r); i++)
        if (psy_reader_channel(r, i)->type == type) return 1;
    return 0;
}

/* The ECG channel for RSA (and ECG-derived breaths): the one named, else the first ECG channel,
 * else -1 (then, unless needed, no RSA). Prints why when a named one is refused or a needed one
 * is missing, returning -2. */
static int pick_ecg(psy_reader *r, const char *path, const char *label, int needed)
{
    static const psy_channel_type heart[] = {PSY_CH_ECG};
    if (!label && !has_type(r, PSY_CH_ECG) && !needed) return -1;
    int ch = cli_pick_channel(r, path, label, heart, 1, needed ? "RESP or ECG" : "ECG");
    return ch < 0 ? -2 : ch;
}

int cmd_resp(int argc, char **argv)
{
    cli_input_options in;
    cli_input_options_init(&in);
    const char *path = NULL, *out_path = NULL, *label = NULL, *label_option = NULL, *ecg_label = NULL,
               *ppg_label = NULL, *preset = NULL;
    int overwrite = 0, want_json = 0, force_edr = 0;
    for (int i = 1; i < argc; i++) {
        int used = cli_parse_input_option(&in, argc, argv, &i);
        if (used < 0) return CLI_USAGE;
        if (used) continue;
        const char *a = argv[i];
        int v = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (v && (strcmp(a, "--channel") == 0 || cli_is_resp_option(a))) label_option = a, label = argv[++i];
        else if (v && strcmp(a, "--ecg") == 0) ecg_label = argv[++i];
        else if (v && strcmp(a, "--ppg") == 0) ppg_label = argv[++i];
        else if (v && strcmp(a, "--preset") == 0) preset = argv[++i];
        else if (v && strcmp(a, "-o") == 0) out_path = argv[++i];
        else if (strcmp(a, "--edr") == 0) force_edr = 1;
        else if (strcmp(a, "--json") == 0) want_json = 1;
        else if (strcmp(a, "--overwrite") == 0) overwrite = 1;
        else if (a[0] == '-' && a[1]) {
            static const char *const with_value[] = {"--channel", "--rsp", "--resp", "--ecg", "--ppg", "--preset",
                                                      "-o", NULL};
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
    if (ppg_label && (ecg_label || force_edr)) {
        cli_error(NULL, "resp: --ppg gives RSA from pulses beside a respiration channel: not with %s",
                  ecg_label ? "--ecg" : "--edr (breaths from an ECG)");
        return CLI_USAGE;
    }
    if (label && force_edr) {
        cli_error(NULL, "resp: %s (a respiration channel) or --edr (ECG-derived), not both", label_option);
        return CLI_USAGE;
    }
    if (preset && strcmp(preset, "neurokit") != 0) {
        cli_error(NULL, "resp: --preset '%s': the one preset is 'neurokit'", preset);
        return CLI_USAGE;
    }
    psy_rsa_config rcfg = psy_rsa_config_default();
    if (preset) rcfg.p2t_method = PSY_RSA_P2T_RANGE, rcfg.pb_neurokit = 1;
    const char *outputs[] = {out_path};
    if (!cli_outputs_share_stdout("resp", outputs, 1, !out_path || want_json)) return CLI_USAGE;
    psy_reader *r = cli_open_recording(path, &in);
    if (!r) return CLI_FAILED;
    int rc = CLI_FAILED, have_rsa = 0;
    psy_breath_list *l = NULL;
    psy_beat_list *beats = NULL;
    psy_rsa_result rsa = {0};
    json_t *sidecar = NULL;
    psy_message why = {{0}};
    psy_status st = PSY_OK;
    static const psy_channel_type breathing[] = {PSY_CH_RESP};
    int has_resp = has_type(r, PSY_CH_RESP);
    int edr = force_edr || (!label && !has_resp);
    if (ppg_label && edr) { /* breaths from an ECG need an ECG: --ppg's pulses go beside a respiration channel */
        cli_error(path, "--ppg: RSA from pulses needs a respiration channel, and the recording has none");
        goto done;
    }
    int ch = edr ? -1 : cli_pick_channel(r, path, label, breathing, 1, "RESP");
    int ecg = edr || ch >= 0 ? ppg_label ? -1 : pick_ecg(r, path, ecg_label, edr) : -2;
    if ((!edr && ch < 0) || ecg == -2) goto done;
    if (edr) ch = ecg;
    int ppg = -1; /* RSA from pulses: a PPG named, else the first when there is no ECG (analyze's rule) */
    if (!edr && ecg < 0 && (ppg_label || has_type(r, PSY_CH_PPG))) {
        static const psy_channel_type pulse[] = {PSY_CH_PPG};
        if ((ppg = cli_pick_channel(r, path, ppg_label, pulse, 1, "PPG")) < 0) goto done;
    }
    psy_input_hashes *hashes = NULL;
    if (out_path) psy_input_hashes_start(path, r, &hashes); /* NULL: hashed when the sidecar is made */
    if (ecg >= 0) {
        psy_beats_config bc = psy_beats_config_default();
        st = psy_beats_detect(r, ecg, &bc, &beats, &why);
    } else if (ppg >= 0) {
        psy_pulses_config pc = psy_pulses_config_default();
        st = psy_pulses_detect(r, ppg, &pc, &beats, &why);
        if (st == PSY_E_INVALID && !ppg_label) { /* one not named that the detector does not take: no RSA */
            fprintf(stderr, "psyphys: %s: note: no RSA from PPG '%s': %s\n", path, psy_reader_channel(r, ppg)->label,
                    why.text);
            st = PSY_OK, ppg = -1;
        }
    }
    if (st == PSY_OK && edr) {
        fprintf(stderr, "psyphys: %s: note: %sbreaths derived from ECG '%s'\n", path,
                force_edr ? "" : "no respiration channel: ", psy_reader_channel(r, ecg)->label);
        st = psy_breaths_from_ecg(r, ecg, beats, &l, &why);
    } else if (st == PSY_OK) {
        st = psy_breaths_detect(r, ch, NULL, &l, &why);
    }
    if (st == PSY_OK && beats) {
        st = psy_rsa_compute(beats, l, &rcfg, &rsa);
        have_rsa = st == PSY_OK;
    }
    if (st != PSY_OK) {
        cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
        psy_input_hashes_free(hashes);
        goto done;
    }
    psy_breath_summary sum;
    if (psy_breath_summarize(l, &sum) != PSY_OK) {
        psy_input_hashes_free(hashes);
        goto done;
    }
    const psy_channel_info *c = psy_reader_channel(r, ch);
    sidecar = out_path ? cli_sidecar_new_hashed("resp", path, r, hashes) : json_object();
    if (!sidecar) goto done;
    json_object_set_new(sidecar, "channel", json_pack("{s:s,s:i,s:s,s:s,s:f}", "label", c->label, "index", ch,
                                                      "type", psy_channel_type_name(c->type), "unit", c->unit,
                                                      "rate_hz", c->rate_hz));
    if (ecg >= 0) json_object_set_new(sidecar, "ecg_channel", json_string(psy_reader_channel(r, ecg)->label));
    if (ppg >= 0) json_object_set_new(sidecar, "ppg_channel", json_string(psy_reader_channel(r, ppg)->label));
    psy_sidecar *lib = NULL;
    st = psy_sidecar_create(&lib);
    if (st == PSY_OK) st = psy_sidecar_set_breaths_settings(lib, "settings", l, have_rsa ? &rcfg : NULL);
    if (st == PSY_OK) st = psy_sidecar_set_breaths_summary(lib, "summary", &sum, have_rsa ? &rsa : NULL, &rcfg);
    if (st == PSY_OK) st = psy_sidecar_set_breaths_columns(lib, "columns");
    if (st == PSY_OK) st = psy_sidecar_set_breaths_rate_windows(lib, "edr_rate", l);
    if (st == PSY_OK) st = psy_sidecar_add_reader_warnings(lib, r);
    if (st == PSY_OK) st = psy_sidecar_add_breaths_warnings(lib, l, &sum, have_rsa);
    if (st == PSY_OK && ppg >= 0) st = psy_sidecar_add_pulse_variability(lib, r, ppg, beats);
    if (!cli_sidecar_merge_library(sidecar, lib, st)) {
        cli_error(path, "out of memory");
        goto done;
    }
    if (have_rsa && beats->pulses) /* RSA and biofeedback values from pulse intervals, said beside them */
        json_object_set_new(json_object_get(sidecar, "summary"), "rsa_intervals",
                            json_string(psy_pulse_rate_variability_note()));
    cli_print_warnings(path, sidecar);

    if (!out_path) {
        if (!want_json) psy_breaths_write_tsv(stdout, l, have_rsa ? &rsa : NULL);
    } else {
        cli_output outs[2] = {{0}};
        int n_out = 0, stream = cli_output_is_stream(out_path);
        char *side = cli_sidecar_path_for(out_path);
        int ok = side && cli_output_open(&outs[n_out++], out_path, overwrite) &&
                 (stream || cli_output_open(&outs[n_out++], side, overwrite));
        free(side);
        if (ok) {
            psy_breaths_write_tsv(outs[0].fp, l, have_rsa ? &rsa : NULL);
            ok = stream || cli_sidecar_write(sidecar, outs[1].fp);
        }
        if (!ok) {
            cli_output_abort_all(outs, n_out);
            goto done;
        }
        if (!cli_output_commit_all(outs, n_out)) goto done;
    }
    if (want_json) {
        json_t *s = json_deep_copy(json_object_get(sidecar, "summary")); /* the library's (above) */
        json_object_set_new(s, "source", json_string(l->source == PSY_BREATHS_EDR ? "ecg-derived" : "respiration channel"));
        json_object_set_new(s, "channel", json_string(c->label));
        json_t *edr_rate = json_object_get(sidecar, "edr_rate");
        if (edr_rate) json_object_set(s, "edr_rate", edr_rate);
        json_dumpf(s, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(s);
    }
    rc = CLI_OK;
done:
    json_decref(sidecar);
    psy_rsa_result_clear(&rsa);
    psy_breath_list_free(l);
    psy_beat_list_free(beats);
    psy_reader_close(r);
    return rc;
}
