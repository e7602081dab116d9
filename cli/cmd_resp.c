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
            "usage: psyphys resp FILE [--channel LABEL] [--ecg LABEL] [--edr] [--preset neurokit]\n"
            "                         [-o BREATHS.tsv] [--json] [--overwrite] [input options]\n\n"
            "Detects breaths on a respiration channel (belt, impedance pneumography, thermistor,\n"
            "airflow); without one, derives respiration from the ECG (R-wave amplitude and heart\n"
            "rate modulation). With an ECG, measures respiratory sinus arrhythmia breath by breath\n"
            "and the HRV-biofeedback metrics. Without -o the table goes to stdout (unless --json).\n\n"
            "  --channel LABEL   the respiration channel (default: the first RESP channel)\n"
            "  --ecg LABEL       the ECG channel (default: the first ECG channel, if any)\n"
            "  --edr             breaths derived from the ECG even when there is a RESP channel\n"
            "  --preset neurokit RSA as NeuroKit2's hrv_rsa: P2T = range of the intervals within\n"
            "                    the breath, Porges-Bohrer on heart rate, ln(bpm^2 / 1000)\n"
            "  -o FILE           breaths table: onset (start of inspiration, s), peak (end of\n"
            "                    inspiration, s), duration_s, amplitude, rate_per_min, rsa_p2t_ms,\n"
            "                    hr_osc_bpm; and its JSON sidecar FILE.json with the settings and\n"
            "                    the summary\n"
            "  --json            summary on stdout: breaths, rate_per_min, irregularity_cv_pct,\n"
            "                    depth_median, depth_cv_pct, RSA, resonance, coherence ...\n"
            "  --overwrite       replace existing outputs\n\n");
    cli_print_input_options_help(out);
}

static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static void set_num(json_t *o, const char *key, double v, const char *why)
{
    json_object_set_new(o, key, num_or_null(v));
    if (!isfinite(v) && why) {
        char k[64];
        snprintf(k, sizeof k, "%s_n/a_reason", key);
        json_object_set_new(o, k, json_string(why));
    }
}

/* The RSA and biofeedback keys (README: psyphys resp). */
static void rsa_json(json_t *o, const psy_rsa_result *r, int neurokit)
{
    const char *no_breath = "no breath with intervals in both phases";
    set_num(o, "rsa_p2t_mean_ms", r->p2t_mean_ms, no_breath);
    set_num(o, "rsa_p2t_sd_ms", r->p2t_sd_ms, "fewer than 2 breaths with a P2T value");
    set_num(o, "rsa_p2t_ln_mean", r->p2t_ln_mean, "no positive mean P2T");
    json_object_set_new(o, "rsa_p2t_breaths", json_integer((json_int_t)r->p2t_n));
    json_object_set_new(o, "rsa_p2t_no_rsa", json_integer((json_int_t)r->p2t_no_rsa));
    set_num(o, neurokit ? "rsa_pb_ln_bpm2_per_1000" : "rsa_pb_ln_ms2", r->pb_ln, r->pb_why);
    json_object_set_new(o, "rsa_pb_epochs", json_integer((json_int_t)r->pb_epochs));
    set_num(o, "hf_resp_ms2", r->hf_resp_ms2, r->hf_why);
    json_object_set_new(o, "hf_resp_band_hz", json_pack("[f,f]", r->hf_band_hz[0], r->hf_band_hz[1]));
    set_num(o, "resonance_hz", r->resonance_hz, r->spectrum_why);
    set_num(o, "resonance_power_ms2", r->resonance_power_ms2, r->spectrum_why);
    set_num(o, "coherence_ratio", r->coherence_ratio, r->spectrum_why);
    set_num(o, "hr_osc_mean_bpm", r->hr_osc_mean_bpm, "no breath with 2 intervals");
}

static json_t *summary_json(const psy_breath_summary *s, const psy_rsa_result *rsa, int neurokit)
{
    json_t *o = json_object();
    json_object_set_new(o, "breaths", json_integer((json_int_t)s->n_breaths));
    json_object_set_new(o, "rate_per_min", num_or_null(s->rate.per_min));
    if (s->rate.why) json_object_set_new(o, "rate_per_min_n/a_reason", json_string(s->rate.why));
    json_object_set_new(o, "duration_mean_s", num_or_null(s->duration_mean_s));
    json_object_set_new(o, "irregularity_cv_pct", num_or_null(s->duration_cv_pct));
    json_object_set_new(o, "depth_median", num_or_null(s->amplitude_median));
    json_object_set_new(o, "depth_cv_pct", num_or_null(s->amplitude_cv_pct));
    if (rsa) rsa_json(o, rsa, neurokit);
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
    return json_pack("{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}",
                     "onset", "Units", "s", "Description", "start of inspiration (trough before it)",
                     "peak", "Units", "s", "Description", "end of inspiration (the peak)",
                     "duration_s", "Units", "s", "Description", "onset to the next breath's onset",
                     "amplitude", "Units", "channel unit (arbitrary for ECG-derived)", "Description",
                     "peak minus the mean of the two troughs, band-passed signal",
                     "rate_per_min", "Units", "1/min", "Description", "60 / duration_s",
                     "rsa_p2t_ms", "Units", "ms", "Description",
                     "peak-to-trough RSA (n/a without an ECG; see settings.rsa)",
                     "hr_osc_bpm", "Units", "bpm", "Description",
                     "heart-rate maximum minus minimum within the breath (n/a without an ECG)");
}

/* The ECG channel for RSA (and ECG-derived breaths): the one named, else the first ECG channel,
 * else -1 (then, unless needed, no RSA). Prints why when a named one is refused or a needed one
 * is missing, returning -2. */
static int pick_ecg(psy_reader *r, const char *path, const char *label, int needed)
{
    static const psy_channel_type heart[] = {PSY_CH_ECG};
    int has = 0;
    for (int i = 0; i < psy_reader_channel_count(r); i++) has |= psy_reader_channel(r, i)->type == PSY_CH_ECG;
    if (!label && !has && !needed) return -1;
    int ch = cli_pick_channel(r, path, label, heart, 1, needed ? "RESP or ECG" : "ECG");
    return ch < 0 ? -2 : ch;
}

int cmd_resp(int argc, char **argv)
{
    cli_input_options in;
    cli_input_options_init(&in);
    const char *path = NULL, *out_path = NULL, *label = NULL, *ecg_label = NULL, *preset = NULL;
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
        } else if (v && strcmp(a, "--channel") == 0) label = argv[++i];
        else if (v && strcmp(a, "--ecg") == 0) ecg_label = argv[++i];
        else if (v && strcmp(a, "--preset") == 0) preset = argv[++i];
        else if (v && strcmp(a, "-o") == 0) out_path = argv[++i];
        else if (strcmp(a, "--edr") == 0) force_edr = 1;
        else if (strcmp(a, "--json") == 0) want_json = 1;
        else if (strcmp(a, "--overwrite") == 0) overwrite = 1;
        else if (a[0] == '-' && a[1]) {
            static const char *const with_value[] = {"--channel", "--ecg", "--preset", "-o", NULL};
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
    if (label && force_edr) {
        cli_error(NULL, "resp: --channel (a respiration channel) or --edr (ECG-derived), not both");
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
    int has_resp = 0;
    for (int i = 0; i < psy_reader_channel_count(r); i++) has_resp |= psy_reader_channel(r, i)->type == PSY_CH_RESP;
    int edr = force_edr || (!label && !has_resp);
    int ch = edr ? -1 : cli_pick_channel(r, path, label, breathing, 1, "RESP");
    int ecg = edr || ch >= 0 ? pick_ecg(r, path, ecg_label, edr) : -2;
    if ((!edr && ch < 0) || ecg == -2) goto done;
    if (edr) ch = ecg;
    psy_input_hashes *hashes = NULL;
    if (out_path) psy_input_hashes_start(path, r, &hashes); /* NULL: hashed when the sidecar is made */
    if (ecg >= 0) {
        psy_beats_config bc = psy_beats_config_default();
        st = psy_beats_detect(r, ecg, &bc, &beats, &why);
    }
    if (st == PSY_OK && edr) {
        fprintf(stderr, "psyphys: %s: note: %sbreaths derived from ECG '%s'\n", path,
                force_edr ? "" : "no respiration channel: ", psy_reader_channel(r, ecg)->label);
        st = psy_breaths_from_beats(beats, &l, &why);
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
    json_t *settings = settings_json(l);
    if (have_rsa)
        json_object_set_new(settings, "rsa", json_pack(
            "{s:s,s:s,s:[f,f],s:f,s:f,s:f}", "p2t", rcfg.p2t_method == PSY_RSA_P2T_RANGE ?
            "range of the NN intervals within the breath (NeuroKit2)" :
            "longest expiratory NN - shortest inspiratory NN (Grossman 1990), 0 when negative",
            "porges_bohrer", rcfg.pb_neurokit ? "heart rate (bpm) at 2 Hz, ln(variance / 1000), partial last epoch "
                                                "(NeuroKit2 0.2.12)"
                                              : "heart period (ms) at 2 Hz, 21-point cubic detrend, ln(variance)",
            "pb_band_hz", rcfg.pb_band_hz[0], rcfg.pb_band_hz[1], "pb_epoch_s", rcfg.pb_epoch_s,
            "slow_breathing_per_min", rcfg.slow_breathing_per_min, "resp_band_halfwidth_hz",
            rcfg.resp_band_halfwidth_hz));
    json_object_set_new(sidecar, "settings", settings);
    json_object_set_new(sidecar, "summary", summary_json(&sum, have_rsa ? &rsa : NULL, rcfg.pb_neurokit));
    json_object_set_new(sidecar, "columns", columns_json());
    cli_sidecar_warnings(sidecar, r);
    json_t *warnings = json_object_get(sidecar, "warnings");
    if (sum.rate.why) json_array_append_new(warnings, json_sprintf("breathing rate n/a: %s", sum.rate.why));
    if (edr && have_rsa)
        json_array_append_new(warnings, json_string("the breaths are ECG-derived, partly from the heart rate: RSA "
                                                    "measured against them is partly circular"));
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
        json_t *s = summary_json(&sum, have_rsa ? &rsa : NULL, rcfg.pb_neurokit);
        json_object_set_new(s, "source", json_string(l->source == PSY_BREATHS_EDR ? "ecg-derived" : "respiration channel"));
        json_object_set_new(s, "channel", json_string(c->label));
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
