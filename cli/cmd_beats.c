/* psyphys beats — R-peaks (or device beats), RR intervals, artefact classes, the NN series. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "provenance.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys beats FILE [--channel LABEL [--channel LABEL2]] [-o BEATS.tsv] [--nn NN.tsv]\n"
            "                          [--format wfdb] [--overwrite] [input options]\n\n"
            "Detects R-peaks on an ECG channel (or takes the beats of an RR/IBI channel), labels\n"
            "every beat N or an artefact class (ectopic, missed, extra, long, short; Lipponen &\n"
            "Tarvainen 2019) and corrects the series. Without -o the table goes to stdout.\n\n"
            "  --channel LABEL   the channel (default: the first ECG channel, else the first RR);\n"
            "                    given twice, two ECG leads at one rate are combined: beats both\n"
            "                    show, and beats one shows where the other has none or no signal\n"
            "  -o FILE           beats table: onset (s), sample, rr_ms, label, corrected; and its\n"
            "                    JSON sidecar FILE.json with every setting and the counts\n"
            "  --nn FILE         the corrected NN series: onset (s), nn_ms, corrected\n"
            "  --format wfdb     also write a WFDB annotation file (annotator 'qrs') beside -o\n"
            "  --overwrite       replace existing outputs\n\n");
    cli_print_input_options_help(out);
}

/* The channel to use: --channel, else the first ECG, else the first RR channel. */
static int pick_channel(psy_reader *r, const char *path, const char *label)
{
    if (label) {
        int ch = psy_reader_find_channel(r, label);
        if (ch >= 0) return ch;
        char list[1024] = "";
        for (int i = 0; i < psy_reader_channel_count(r); i++) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s'%s'", i ? ", " : "",
                     psy_reader_channel(r, i)->label);
        }
        cli_error(path, "no channel labelled '%s'; it has %s", label,
                  psy_reader_channel_count(r) ? list : "no channels");
        return -1;
    }
    for (int want = PSY_CH_ECG; want >= 0; want = want == PSY_CH_ECG ? PSY_CH_RR : -1)
        for (int i = 0; i < psy_reader_channel_count(r); i++)
            if ((int)psy_reader_channel(r, i)->type == want) return i;
    cli_error(path, "no ECG or RR channel; name one with --channel LABEL");
    return -1;
}

/* 1 when beat i's interval differs in the NN series (it or its predecessor was an artefact). */
static int interval_corrected(const psy_beat_list *b, size_t i)
{
    if (b->cls[i] != PSY_BEAT_NORMAL) return 1;
    return i > 0 && b->cls[i - 1] != PSY_BEAT_NORMAL && b->cls[i - 1] != PSY_BEAT_MISSED;
}

static void write_beats_tsv(FILE *fp, const psy_beat_list *b)
{
    fprintf(fp, "onset\tsample\trr_ms\tlabel\tcorrected\n");
    for (size_t i = 0; i < b->n; i++) {
        fprintf(fp, "%.6f\t", b->onset_s[i]);
        if (b->sample[i] >= 0) fprintf(fp, "%lld\t", (long long)b->sample[i]);
        else fprintf(fp, "n/a\t");
        if (isnan(b->rr_ms[i])) fprintf(fp, "n/a\t");
        else fprintf(fp, "%.3f\t", b->rr_ms[i]);
        fprintf(fp, "%s\t%d\n", psy_beat_class_name(b->cls[i]), interval_corrected(b, i));
    }
}

static void write_nn_tsv(FILE *fp, const psy_beat_list *b)
{
    fprintf(fp, "onset\tnn_ms\tcorrected\n");
    for (size_t i = 0; i < b->n_nn; i++)
        fprintf(fp, "%.6f\t%.3f\t%d\n", b->nn_onset_s[i], b->nn_ms[i], b->nn_corrected[i]);
}

/* Why a channel gave few or no beats, from its gaps. */
static void explain(const psy_beat_list *b, const psy_channel_info *c, json_t *warnings)
{
    double gap_s = 0, flat_s = 0;
    for (size_t g = 0; g < b->n_gaps; g++) {
        double d = (double)(b->gaps[g].end - b->gaps[g].start) / c->rate_hz;
        gap_s += d;
        if (b->gaps[g].flat) flat_s += d;
    }
    double total = c->rate_hz > 0 ? (double)c->frames / c->rate_hz : 0;
    char text[256];
    if (gap_s > 0) {
        snprintf(text, sizeof text, "%.1f s of %.1f s without usable signal (%.1f s flat, %.1f s "
                 "missing): no beats there", gap_s, total, flat_s, gap_s - flat_s);
        json_array_append_new(warnings, json_string(text));
    }
    if (b->n < 2) {
        snprintf(text, sizeof text, "%zu beat(s) found on channel '%s': %s", b->n, c->label,
                 total < 2 ? "the signal is shorter than two heartbeats"
                 : gap_s > 0.9 * total ? "the channel is flat or missing"
                                       : "no QRS complexes stand out (wrong channel or very noisy?)");
        json_array_append_new(warnings, json_string(text));
    }
}

static json_t *settings_json(const psy_beats_config *cfg, const psy_channel_info *c)
{
    const psy_ecg_detector_config *d = &cfg->detector;
    json_t *o = json_object();
    if (c->type != PSY_CH_RR) {
        json_object_set_new(o, "detector", json_pack(
            "{s:s,s:[f,f],s:f,s:f,s:f,s:f,s:f,s:f}", "method",
            "band-pass, slope, squaring, moving-window integral with adaptive median thresholds, "
            "search-back and extra-beat hold; R-peak on the raw signal (Pan & Tompkins 1985; "
            "Hamilton & Tompkins 1986; Elgendi et al. 2010)",
            "band_hz", d->band_low_hz, d->band_high_hz, "integration_s", d->integration_s,
            "refractory_s", d->refractory_s, "t_wave_window_s", d->t_wave_window_s,
            "threshold_fraction", d->threshold_fraction, "searchback_rr", d->searchback_rr,
            "flat_s", d->flat_s));
    }
    json_object_set_new(o, "correction", json_pack(
        "{s:s,s:f,s:i,s:i,s:f,s:f,s:s}", "method",
        "Lipponen & Tarvainen 2019 (J Med Eng Technol 43(3):173-181)", "alpha", cfg->rr.alpha,
        "qd_window_beats", cfg->rr.qd_window, "median_window_beats", cfg->rr.median_window, "c1",
        cfg->rr.c1, "c2", cfg->rr.c2, "threshold_guards",
        "thresholds kept within 0.5 % .. 25 % of the local median RR"));
    return o;
}

static json_t *counts_json(const psy_beat_list *b)
{
    json_t *o = json_object();
    json_object_set_new(o, "beats", json_integer((json_int_t)b->n));
    for (int k = 0; k < PSY_BEAT_CLASS_COUNT; k++)
        json_object_set_new(o, psy_beat_class_name((psy_beat_class)k),
                            json_integer((json_int_t)b->counts.n[k]));
    json_object_set_new(o, "searchback", json_integer((json_int_t)b->n_searchback));
    json_object_set_new(o, "nn_intervals", json_integer((json_int_t)b->n_nn));
    size_t corrected = 0;
    for (size_t i = 0; i < b->n_nn; i++) corrected += b->nn_corrected[i];
    json_object_set_new(o, "nn_corrected", json_integer((json_int_t)corrected));
    return o;
}

static json_t *gaps_json(const psy_beat_list *b, psy_reader *r, int ch)
{
    json_t *a = json_array();
    const psy_channel_info *c = psy_reader_channel(r, ch);
    for (size_t g = 0; g < b->n_gaps; g++) {
        double onset = 0;
        psy_reader_read_times(r, ch, b->gaps[g].start, 1, &onset);
        json_array_append_new(a, json_pack("{s:f,s:f,s:s}", "onset", onset, "duration",
                                           (double)(b->gaps[g].end - b->gaps[g].start) / c->rate_hz,
                                           "kind", b->gaps[g].flat ? "flat" : "missing"));
    }
    return a;
}

/* The beats as WFDB annotations: 'N', 'Q' (an ectopic beat, class unknown) or '|' (an extra
 * detection, not a beat). RR channels have no samples and are not written. */
static int write_wfdb(FILE *fp, const psy_beat_list *b)
{
    int64_t *s = malloc((b->n ? b->n : 1) * sizeof *s);
    int *code = malloc((b->n ? b->n : 1) * sizeof *code);
    size_t m = 0;
    for (size_t i = 0; s && code && i < b->n; i++) {
        if (b->sample[i] < 0) continue;
        s[m] = b->sample[i];
        code[m++] = psy_wfdb_code(b->cls[i] == PSY_BEAT_EXTRA     ? "|"
                                  : b->cls[i] == PSY_BEAT_ECTOPIC ? "Q"
                                                                  : "N");
    }
    int ok = s && code && psy_write_wfdb_annotations(fp, s, code, m) == PSY_OK;
    free(s);
    free(code);
    return ok;
}

/* The WFDB annotation file beside OUT: its stem + ".qrs". */
static char *wfdb_path_for(const char *out)
{
    size_t n = strlen(out);
    char *p = malloc(n + 5);
    if (!p) return NULL;
    memcpy(p, out, n + 1);
    char *dot = strrchr(p, '.'), *slash = strrchr(p, '/');
    if (dot && (!slash || dot > slash)) *dot = '\0';
    strcat(p, ".qrs");
    return p;
}

int cmd_beats(int argc, char **argv)
{
    cli_input_options in;
    cli_input_options_init(&in);
    const char *path = NULL, *out_path = NULL, *nn_path = NULL, *labels[2] = {NULL, NULL};
    int n_labels = 0;
    int overwrite = 0, wfdb = 0;
    for (int i = 1; i < argc; i++) {
        int used = cli_parse_input_option(&in, argc, argv, &i);
        if (used < 0) return CLI_USAGE;
        if (used) continue;
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (strcmp(a, "--channel") == 0 && has_value) {
            if (n_labels == 2) {
                cli_error(NULL, "beats: at most two --channel (two ECG leads)");
                return CLI_USAGE;
            }
            labels[n_labels++] = argv[++i];
        } else if (strcmp(a, "-o") == 0 && has_value) {
            out_path = argv[++i];
        } else if (strcmp(a, "--nn") == 0 && has_value) {
            nn_path = argv[++i];
        } else if (strcmp(a, "--format") == 0 && has_value) {
            /* handled by cli_parse_input_option for readers; not reached */
            return CLI_USAGE;
        } else if (strcmp(a, "--overwrite") == 0) {
            overwrite = 1;
        } else if (a[0] == '-' && a[1]) {
            cli_error(NULL, "beats: unknown option '%s' (see psyphys beats --help)", a);
            return CLI_USAGE;
        } else if (!path) {
            path = a;
        } else {
            cli_error(NULL, "beats: one FILE at a time ('%s' is extra)", a);
            return CLI_USAGE;
        }
    }
    /* "--format wfdb" names an output format here, not a reader. */
    if (in.open.format && strcmp(in.open.format, "wfdb") == 0 && out_path) {
        wfdb = 1;
        in.open.format = NULL;
    }
    if (!path) {
        help(stderr);
        return CLI_USAGE;
    }
    if (wfdb && !out_path) {
        cli_error(NULL, "beats: --format wfdb needs -o (the annotation file goes beside it)");
        return CLI_USAGE;
    }
    psy_reader *r = cli_open_recording(path, &in);
    if (!r) return CLI_FAILED;
    int chs[2] = {pick_channel(r, path, labels[0]), -1};
    if (chs[0] >= 0 && n_labels == 2) chs[1] = pick_channel(r, path, labels[1]);
    if (chs[0] < 0 || (n_labels == 2 && chs[1] < 0)) {
        psy_reader_close(r);
        return CLI_FAILED;
    }
    int ch = chs[0];
    psy_beats_config cfg = psy_beats_config_default();
    psy_beat_list *b = NULL;
    psy_message why = {{0}};
    psy_status st = psy_beats_detect_leads(r, chs, n_labels == 2 ? 2 : 1, &cfg, &b, &why);
    if (st != PSY_OK) {
        cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
        psy_reader_close(r);
        return CLI_FAILED;
    }
    const psy_channel_info *c = psy_reader_channel(r, ch);
    cfg.detector.rate_hz = c->rate_hz;
    json_t *sidecar = out_path ? cli_sidecar_new("beats", path, r) : json_object();
    int rc = CLI_FAILED;
    if (!sidecar) goto done;
    json_object_set_new(sidecar, "channel", json_pack("{s:s,s:i,s:s,s:s,s:o}", "label", c->label,
                                                      "index", ch, "type",
                                                      psy_channel_type_name(c->type), "unit", c->unit,
                                                      "rate_hz", c->rate_hz > 0 ? json_real(c->rate_hz)
                                                                                : json_null()));
    if (chs[1] >= 0)
        json_object_set_new(sidecar, "second_lead", json_pack("{s:s,s:i}", "label",
                                                              psy_reader_channel(r, chs[1])->label,
                                                              "index", chs[1]));
    json_object_set_new(sidecar, "settings", settings_json(&cfg, c));
    json_object_set_new(sidecar, "counts", counts_json(b));
    if (c->type != PSY_CH_RR) json_object_set_new(sidecar, "gaps", gaps_json(b, r, ch));
    json_object_set_new(sidecar, "columns", json_pack(
        "{s:{s:s,s:s},s:{s:s},s:{s:s,s:s},s:{s:s},s:{s:s}}",
        "onset", "Units", "s", "Description", "R-peak time from the recording start",
        "sample", "Description", "R-peak sample index at the channel's rate",
        "rr_ms", "Units", "ms", "Description", "interval ending at this beat (n/a after a gap)",
        "label", "Description", "N or the artefact class of the beat",
        "corrected", "Description", "1 when this beat's interval is changed in the NN series"));
    cli_sidecar_warnings(sidecar, r);
    explain(b, c, json_object_get(sidecar, "warnings"));
    json_t *warnings = json_object_get(sidecar, "warnings");
    for (size_t i = 0; i < json_array_size(warnings); i++)
        fprintf(stderr, "psyphys: %s: warning: %s\n", path, json_string_value(json_array_get(warnings, i)));

    cli_output outs[4] = {{0}};
    int n_out = 0;
    if (!out_path) {
        write_beats_tsv(stdout, b);
    } else {
        size_t len = strlen(out_path);
        char *side = malloc(len + 6);
        if (!side) goto done;
        memcpy(side, out_path, len + 1);
        if (len > 4 && strcmp(side + len - 4, ".tsv") == 0) side[len - 4] = '\0';
        strcat(side, ".json");
        int ok = cli_output_open(&outs[n_out++], out_path, overwrite) &&
                 cli_output_open(&outs[n_out++], side, overwrite);
        free(side);
        if (ok) {
            write_beats_tsv(outs[0].fp, b);
            ok = cli_sidecar_write(sidecar, outs[1].fp);
        }
        if (ok && wfdb) {
            char *ann = wfdb_path_for(out_path);
            ok = ann && cli_output_open(&outs[n_out++], ann, overwrite) &&
                 write_wfdb(outs[n_out - 1].fp, b);
            free(ann);
        }
        if (!ok) {
            cli_output_abort_all(outs, n_out);
            goto done;
        }
    }
    if (nn_path) {
        if (!cli_output_open(&outs[n_out++], nn_path, overwrite)) {
            cli_output_abort_all(outs, n_out);
            goto done;
        }
        write_nn_tsv(outs[n_out - 1].fp, b);
    }
    if (n_out && !cli_output_commit_all(outs, n_out)) goto done;
    rc = CLI_OK;
done:
    json_decref(sidecar);
    psy_beat_list_free(b);
    psy_reader_close(r);
    return rc;
}
