/* psyphys beats — R-peaks (or device beats), RR intervals, artefact classes, the NN series. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "provenance.h"
#include "beats_table.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys beats FILE [--channel LABEL [--channel LABEL2]] [-o BEATS.tsv] [--nn NN.tsv]\n"
            "                          [--format wfdb] [--overwrite] [input options]\n\n"
            "Detects R-peaks on an ECG channel (or takes the beats of an RR/IBI channel, or detects\n"
            "the pulses of a PPG/BVP channel: feet, systolic peaks, quality, unusable stretches),\n"
            "labels every beat N or an artefact class (ectopic, missed, extra, long, short; Lipponen\n"
            "& Tarvainen 2019) and corrects the series. Without -o the table goes to stdout.\n\n"
            "  --channel LABEL   the channel (default: the first ECG channel, else the first RR,\n"
            "                    else the first PPG);\n"
            "                    given twice, two ECG leads at one rate are combined: beats both\n"
            "                    show, and beats one shows where the other has none or no signal\n"
            "  -o FILE           beats table: onset (s), sample, rr_ms, label, corrected (pulses:\n"
            "                    the half-amplitude point, and peak_sample, quality); and its\n"
            "                    JSON sidecar FILE.json with every setting and the counts\n"
            "  --nn FILE         the corrected NN series: onset (s), nn_ms, corrected\n"
            "  --format wfdb     also write a WFDB annotation file (annotator 'qrs') beside -o\n"
            "  --overwrite       replace existing outputs\n\n");
    cli_print_input_options_help(out);
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
            static const char *const with_value[] = {"--channel", "-o", "--nn", NULL};
            return cli_refuse_option("beats", a, with_value);
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
    if (wfdb && (!out_path || cli_output_is_stream(out_path))) {
        cli_error(NULL, "beats: --format wfdb needs -o FILE (the annotation file goes beside it)");
        return CLI_USAGE;
    }
    const char *outputs[] = {out_path, nn_path};
    if (!cli_outputs_share_stdout("beats", outputs, 2, !out_path)) return CLI_USAGE;
    in.open.skip_annotations = 1; /* beats use no events */
    psy_reader *r = cli_open_recording(path, &in);
    if (!r) return CLI_FAILED;
    static const psy_channel_type heart[] = {PSY_CH_ECG, PSY_CH_RR, PSY_CH_PPG};
    int chs[2] = {cli_pick_channel(r, path, labels[0], heart, 3, "ECG, RR or PPG"), -1};
    if (chs[0] >= 0 && n_labels == 2) chs[1] = cli_pick_channel(r, path, labels[1], heart, 2, "ECG or RR");
    if (chs[0] < 0 || (n_labels == 2 && chs[1] < 0)) {
        psy_reader_close(r);
        return CLI_FAILED;
    }
    int ch = chs[0];
    int pulses = psy_reader_channel(r, ch)->type == PSY_CH_PPG;
    if (pulses && n_labels == 2) { /* the second was checked as ECG or RR */
        cli_error(path, "beats: two --channel combine two ECG leads; '%s' is a PPG channel", labels[0]);
        psy_reader_close(r);
        return CLI_USAGE;
    }
    /* The input's SHA-256 for the sidecar, computed while the beats are found. */
    psy_input_hashes *hashes = NULL;
    if (out_path) psy_input_hashes_start(path, r, &hashes); /* NULL: hashed when the sidecar is made */
    psy_beats_config cfg = psy_beats_config_default();
    psy_pulses_config pcfg = psy_pulses_config_default();
    psy_beat_list *b = NULL;
    psy_message why = {{0}};
    psy_status st = pulses ? psy_pulses_detect(r, ch, &pcfg, &b, &why)
                           : psy_beats_detect_leads(r, chs, n_labels == 2 ? 2 : 1, &cfg, &b, &why);
    if (st != PSY_OK) {
        cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
        psy_input_hashes_free(hashes);
        psy_reader_close(r);
        return CLI_FAILED;
    }
    cfg.detector.rate_hz = pcfg.detector.rate_hz = psy_reader_channel(r, ch)->rate_hz;
    json_t *sidecar = out_path ? cli_sidecar_new_hashed("beats", path, r, hashes) : json_object();
    int rc = CLI_FAILED;
    if (!sidecar) goto done;
    if (pulses) cli_pulses_sidecar(sidecar, r, ch, &pcfg, b);
    else cli_beats_sidecar(sidecar, r, chs, &cfg, b);
    cli_print_warnings(path, sidecar);

    cli_output outs[4] = {{0}};
    int n_out = 0;
    if (!out_path) {
        psy_beats_write_table(stdout, b);
    } else {
        int stream = cli_output_is_stream(out_path); /* stdout or a device: no sidecar beside it */
        char *side = cli_sidecar_path_for(out_path);
        if (!side) goto done;
        int ok = cli_output_open(&outs[n_out++], out_path, overwrite) &&
                 (stream || cli_output_open(&outs[n_out++], side, overwrite));
        free(side);
        if (ok) {
            psy_beats_write_table(outs[0].fp, b);
            ok = stream || cli_sidecar_write(sidecar, outs[1].fp);
        }
        if (ok && wfdb) {
            char *ann = wfdb_path_for(out_path);
            ok = ann && cli_output_open(&outs[n_out++], ann, overwrite);
            psy_status wst = ok ? psy_beats_write_wfdb(outs[n_out - 1].fp, b) : PSY_OK;
            if (wst != PSY_OK) {
                cli_error(ann, "cannot write the annotations: %s", psy_strerror(wst));
                ok = 0;
            }
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
        psy_beats_write_nn_table(outs[n_out - 1].fp, b);
    }
    if (n_out && !cli_output_commit_all(outs, n_out)) goto done;
    rc = CLI_OK;
done:
    json_decref(sidecar);
    psy_beat_list_free(b);
    psy_reader_close(r);
    return rc;
}
