/* psyphys hrv — HRV of a recording (ECG or RR channel; pulse rate variability of a PPG channel)
 * or of a beats table, over the whole series or over windows; TSV or JSON with a sidecar holding
 * every setting. */
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
            "usage: psyphys hrv FILE|RR.txt|beats.tsv [--channel LABEL] [--correction lipponen|pcst|none]\n"
            "                   [--preset default|kubios|neurokit|pcst] [--detrend smoothness|linear|none]\n"
            "                   [--psd both|welch|lomb] [--window S [--step S]] [--json] [-o OUT]\n"
            "                   [--overwrite] [input options]\n\n"
            "Heart rate variability of the NN series: time domain, Welch and Lomb-Scargle spectra,\n"
            "Poincare, SampEn/ApEn, DFA. FILE is a recording (R-peaks are detected on its ECG channel,\n"
            "or its RR channel is used, or pulses on its PPG channel: pulse rate variability, said in\n"
            "the sidecar with the unusable stretches), a WFDB annotation record without signals (its\n"
            "annotations are the beats), an RR/IBI text file, or a beats table from 'psyphys beats'\n"
            "(its labels, edited by hand or not, give the beats' classes; a table without labels\n"
            "is classified here).\n"
            "Metrics a series is too short for are n/a; the reasons go to the sidecar. Warnings (the\n"
            "reader's, the stretches without usable signal: gaps) go to stderr and the sidecar.\n\n"
            "  --channel LABEL     the channel (default: the first ECG channel, else the first RR,\n"
            "                      else the first PPG)\n"
            "  --correction C      lipponen (default): artefacts corrected (Lipponen & Tarvainen 2019);\n"
            "                      pcst (default of --preset pcst): PCST's removal, in order, of\n"
            "                      intervals >= 4 s, of those changing >= 20 %% against both the median\n"
            "                      of the 5 before and of the 5 after, of those < 0.375 s or > 2 s;\n"
            "                      none: the raw RR series (for comparisons with other tools)\n"
            "  --annotations A     a WFDB annotation record's beats: beats (default: its beat\n"
            "                      annotations) or all (every annotation, noise marks too, as PCST's\n"
            "                      demo read them; with --fs 125 --override-fs it reproduces PCST's\n"
            "                      nsr2db table)\n"
            "  --preset P          default = kubios (smoothness priors lambda 500, 4 Hz cubic spline,\n"
            "                      Welch 300 s Hann segments 50 %% overlap, each detrended; Lomb);\n"
            "                      neurokit (NeuroKit2 0.2.12: no detrending, quadratic spline, Welch\n"
            "                      N/2 segments, trapezoid band powers, pNNx over the intervals, DFA\n"
            "                      4-11 / 12-N/10 overlapping); pcst (PhysioNet Cardiovascular Signal\n"
            "                      Toolbox, Vest et al. 2018, demo_NSR): --correction pcst; Lomb only,\n"
            "                      PCST's periodogram (exact sums on f = k/1024 Hz, not normalised: its\n"
            "                      powers are about the variance x the mean heart rate in Hz, so they\n"
            "                      differ from the calibrated default Lomb), mean removed, no\n"
            "                      detrending, bands lo <= f <= hi, total = ULF+VLF+LF+HF, every band\n"
            "                      on every window; pNN50 counts |dNN| >= 50 ms, successive\n"
            "                      differences also across removed beats; SD2 from SDNN and SDSD;\n"
            "                      PCST's SampEn (all templates, distance < r), r = 0.15 SD; PCST's\n"
            "                      windows: intervals ending in [start, start + window), windows while\n"
            "                      start <= span - window + step, n/a below 85 %% of the window in\n"
            "                      intervals\n");
    fprintf(out,
            "  --detrend D         smoothness | linear | none (overrides the preset)\n"
            "  --psd S             both (default: Welch and Lomb) | all (also Burg AR, order 16) |\n"
            "                      welch | lomb | ar. The first spectrum's keys are the TSV columns\n"
            "                      lf_ms2 ..., the others' lomb_lf_ms2 ..., ar_lf_ms2 ...; JSON nests\n"
            "                      them under \"welch\", \"lomb\", \"ar\" when there are several\n"
            "  --resample HZ       even grid for Welch (default 4)\n"
            "  --lambda L          smoothness priors lambda (default 500)\n"
            "  --welch-segment S   Welch segment in s (default 300; 0 = half the series)\n"
            "  --welch-overlap F   Welch overlap fraction (default 0.5; Hann taper)\n"
            "  --lomb-oversampling F  Lomb frequency step 1 / (F x duration) (default 4)\n"
            "  --sdann-window S    SDANN / SDNN index window (default 300; 60 and 120 are common)\n"
            "  --entropy-m M       SampEn/ApEn dimension (default 2)\n"
            "  --entropy-r F       SampEn/ApEn tolerance r = F x SDNN (default 0.2)\n"
            "  --spectrum FILE     also write the spectra (method, frequency_hz, psd_ms2_per_hz) of\n"
            "                      the whole series (not with --window)\n"
            "  --max-corrected-pct P  every key but the level (mean/median NN, mean HR) n/a in a\n"
            "                      row with more than P %% of its NN intervals corrected (default 5;\n"
            "                      no limit with --preset pcst, whose rule is its 85 %% windows);\n"
            "                      the share is the nn_corrected_pct column (0 with --correction\n"
            "                      none or pcst: no interval is altered)\n"
            "  --keep-corrected    keep those values, with a warning\n"
            "  --window S          analyse windows of S seconds (one row each) ...\n"
            "  --step S            ... starting every S seconds (default: the window length)\n"
            "  --json              JSON instead of TSV\n"
            "  -o FILE             output file (default stdout) and its sidecar: FILE without .tsv or\n"
            "                      .json + .json (a JSON output's sidecar is FILE minus .json +\n"
            "                      _sidecar.json)\n"
            "  --overwrite         replace existing outputs\n\n");
    cli_print_input_options_help(out);
}

/* 1 when path holds a table written by psyphys beats (psyphys/beats_table.h). */
static int is_beats_table(const char *path)
{
    psy_source *src = NULL;
    int yes = psy_source_open_path(path, &src) == PSY_OK && psy_beats_table_is(src);
    psy_source_close(src);
    return yes;
}

/* Reads a beats table into its series (psy_hrv_series_from_table: its labels honoured when it has
 * them). */
static int read_beats_table(const char *path, psy_hrv_correction correct, psy_hrv_series *s)
{
    psy_source *src = NULL;
    if (psy_source_open_path(path, &src) != PSY_OK) {
        cli_error(path, "cannot open");
        return 0;
    }
    psy_beats_table t;
    psy_message why = {{0}};
    psy_status st = psy_beats_table_read(src, &t, &why);
    psy_source_close(src);
    if (st == PSY_OK) {
        st = psy_hrv_series_from_table(&t, correct, s, &why);
        psy_beats_table_free(&t);
    }
    if (st != PSY_OK) cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
    return st == PSY_OK;
}

static int parse_positive(const char *opt, const char *v, double *out)
{
    char *end;
    *out = strtod(v, &end);
    if (*end || !(*out > 0) || !isfinite(*out)) {
        cli_error(NULL, "hrv: %s wants a positive number of seconds, not '%s'", opt, v);
        return 0;
    }
    return 1;
}

/* The output and sidecar paths: OUT.tsv -> OUT.json; OUT.json -> OUT_sidecar.json. */
static char *sidecar_path(const char *out, int json)
{
    size_t len = strlen(out);
    char *p = malloc(len + 16);
    if (!p) return NULL;
    memcpy(p, out, len + 1);
    const char *ext = json ? ".json" : ".tsv";
    size_t el = strlen(ext);
    if (len > el && strcmp(p + len - el, ext) == 0) p[len - el] = '\0';
    strcat(p, json ? "_sidecar.json" : ".json");
    return p;
}

int cmd_hrv(int argc, char **argv)
{
    cli_input_options in;
    cli_input_options_init(&in);
    const char *path = NULL, *out_path = NULL, *label = NULL, *preset = "default", *detrend = NULL,
               *psd = NULL;
    int overwrite = 0, json = 0, correction = -1, annotations = -1, keep_corrected = 0;
    double window = 0, step = 0, max_corrected_pct = NAN;
    const char *spectrum_path = NULL;
    /* numeric settings applied over the preset (NaN: not given) */
    struct {
        const char *opt;
        double v;
    } num_opts[] = {{"--resample", NAN},       {"--lambda", NAN},       {"--welch-segment", NAN},
                    {"--welch-overlap", NAN},  {"--lomb-oversampling", NAN}, {"--sdann-window", NAN},
                    {"--entropy-m", NAN},      {"--entropy-r", NAN}};
    enum { N_NUM = sizeof num_opts / sizeof num_opts[0] };
    for (int i = 1; i < argc; i++) {
        int used = cli_parse_input_option(&in, argc, argv, &i);
        if (used < 0) return CLI_USAGE;
        if (used) continue;
        const char *a = argv[i];
        int has_value = i + 1 < argc, numeric = 0;
        for (int k = 0; k < N_NUM; k++)
            if (strcmp(a, num_opts[k].opt) == 0 && has_value) {
                char *end;
                const char *v = argv[++i];
                num_opts[k].v = strtod(v, &end);
                if (*end || !isfinite(num_opts[k].v)) {
                    cli_error(NULL, "hrv: %s wants a number, not '%s'", a, v);
                    return CLI_USAGE;
                }
                numeric = 1;
            }
        if (numeric) continue;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (strcmp(a, "--channel") == 0 && has_value) {
            label = argv[++i];
        } else if (strcmp(a, "-o") == 0 && has_value) {
            out_path = argv[++i];
        } else if (strcmp(a, "--spectrum") == 0 && has_value) {
            spectrum_path = argv[++i];
        } else if (strcmp(a, "--preset") == 0 && has_value) {
            preset = argv[++i];
        } else if (strcmp(a, "--detrend") == 0 && has_value) {
            detrend = argv[++i];
        } else if (strcmp(a, "--psd") == 0 && has_value) {
            psd = argv[++i];
        } else if (strcmp(a, "--correction") == 0 && has_value) {
            const char *v = argv[++i];
            psy_hrv_correction c;
            if (psy_hrv_correction_parse(v, &c) == PSY_OK) correction = (int)c;
            else {
                cli_error(NULL, "hrv: --correction is lipponen, pcst or none, not '%s'", v);
                return CLI_USAGE;
            }
        } else if (strcmp(a, "--annotations") == 0 && has_value) {
            const char *v = argv[++i];
            if (strcmp(v, "beats") == 0) annotations = 0;
            else if (strcmp(v, "all") == 0) annotations = 1;
            else {
                cli_error(NULL, "hrv: --annotations is beats or all, not '%s'", v);
                return CLI_USAGE;
            }
        } else if (strcmp(a, "--window") == 0 && has_value) {
            if (!parse_positive(a, argv[++i], &window)) return CLI_USAGE;
        } else if (strcmp(a, "--step") == 0 && has_value) {
            if (!parse_positive(a, argv[++i], &step)) return CLI_USAGE;
        } else if (strcmp(a, "--max-corrected-pct") == 0 && has_value) {
            char *end;
            const char *v = argv[++i];
            max_corrected_pct = strtod(v, &end);
            if (*end || !(max_corrected_pct >= 0 && max_corrected_pct <= 100)) {
                cli_error(NULL, "hrv: --max-corrected-pct wants a percentage in [0, 100], not '%s'", v);
                return CLI_USAGE;
            }
        } else if (strcmp(a, "--keep-corrected") == 0) {
            keep_corrected = 1;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--overwrite") == 0) {
            overwrite = 1;
        } else if (a[0] == '-' && a[1]) {
            static const char *const with_value[] = {
                "--channel", "-o", "--spectrum", "--preset", "--detrend", "--psd", "--correction",
                "--annotations", "--window", "--step", "--resample", "--lambda", "--welch-segment",
                "--welch-overlap", "--lomb-oversampling", "--sdann-window", "--entropy-m", "--entropy-r", NULL};
            return cli_refuse_option("hrv", a, with_value);
        } else if (!path) {
            path = a;
        } else {
            cli_error(NULL, "hrv: one FILE at a time ('%s' is extra)", a);
            return CLI_USAGE;
        }
    }
    if (!path) {
        help(stderr);
        return CLI_USAGE;
    }
    if (step > 0 && !(window > 0)) {
        cli_error(NULL, "hrv: --step needs --window");
        return CLI_USAGE;
    }
    if (window > 0 && !(step > 0)) step = window;
    if (window > 0 && (window < 10 || step < 1)) {
        cli_error(NULL, "hrv: --window needs at least 10 s and --step at least 1 s");
        return CLI_USAGE;
    }
    psy_hrv_config cfg;
    if (psy_hrv_config_preset(preset, &cfg) != PSY_OK) {
        cli_error(NULL, "hrv: --preset is default, kubios, neurokit or pcst, not '%s'", preset);
        return CLI_USAGE;
    }
    int pcst = strcmp(preset, "pcst") == 0;
    psy_hrv_correction correct = correction >= 0 ? (psy_hrv_correction)correction
                             : pcst            ? PSY_HRV_CORRECT_PCST
                                               : PSY_HRV_CORRECT_LIPPONEN;
    if (detrend) {
        if (strcmp(detrend, "smoothness") == 0) cfg.detrend = PSY_HRV_DETREND_SMOOTHNESS;
        else if (strcmp(detrend, "linear") == 0) cfg.detrend = PSY_HRV_DETREND_LINEAR;
        else if (strcmp(detrend, "none") == 0) cfg.detrend = PSY_HRV_DETREND_NONE;
        else {
            cli_error(NULL, "hrv: --detrend is smoothness, linear or none, not '%s'", detrend);
            return CLI_USAGE;
        }
    }
    if (psd) {
        if (strcmp(psd, "both") == 0) cfg.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB;
        else if (strcmp(psd, "all") == 0) cfg.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR;
        else if (strcmp(psd, "welch") == 0) cfg.spectra = PSY_HRV_WELCH;
        else if (strcmp(psd, "lomb") == 0) cfg.spectra = PSY_HRV_LOMB;
        else if (strcmp(psd, "ar") == 0) cfg.spectra = PSY_HRV_AR;
        else {
            cli_error(NULL, "hrv: --psd is both, all, welch, lomb or ar, not '%s'", psd);
            return CLI_USAGE;
        }
    }
    if (spectrum_path && window > 0) {
        cli_error(NULL, "hrv: --spectrum is for the whole series, not with --window");
        return CLI_USAGE;
    }
    if (!isnan(max_corrected_pct)) cfg.max_corrected_pct = max_corrected_pct;
    cfg.keep_corrected = keep_corrected;
    double *slots[N_NUM] = {&cfg.resample_hz, &cfg.lambda, &cfg.welch_segment_s, &cfg.welch_overlap,
                            &cfg.lomb_oversampling, &cfg.sdann_window_s, NULL, &cfg.entropy_r_sd};
    for (int k = 0; k < N_NUM; k++) {
        if (isnan(num_opts[k].v)) continue;
        if (slots[k]) *slots[k] = num_opts[k].v;
        else cfg.entropy_m = num_opts[k].v >= 0 && num_opts[k].v <= 100 ? (int)num_opts[k].v : -1;
    }
    psy_hrv *h = NULL;
    psy_message why = {{0}};
    if (psy_hrv_create(&cfg, &h, &why) != PSY_OK) {
        cli_error(NULL, "hrv: %s", why.text);
        return CLI_USAGE;
    }

    psy_hrv_series s = {0};
    psy_reader *r = NULL;
    json_t *sidecar = NULL;
    psy_hrv_table *table = NULL;
    cli_output outs[3] = {{0}};
    int n_out = 0;
    int rc = CLI_FAILED, ch = -1;
    int from_table = is_beats_table(path);
    if (from_table) {
        if (!read_beats_table(path, correct, &s)) goto done;
        char sha[65];
        if (psy_sha256_file(path, sha) != PSY_OK) {
            cli_error(path, "cannot read");
            goto done;
        }
        sidecar = json_pack("{s:s,s:s,s:{s:s,s:s,s:s}}", "psyphys_version", psy_version(), "command", "hrv",
                            "input", "path", path, "sha256", sha, "format", "psyphys beats table");
        json_object_set_new(sidecar, "beat_classes", json_string(psy_hrv_series_classes(&s)));
        json_object_set_new(sidecar, "warnings", json_array());
        if (s.of_pulses) json_object_set_new(sidecar, "variability", json_string(psy_pulse_rate_variability_note()));
    } else {
        r = cli_open_recording(path, &in);
        if (!r) goto done;
        /* a record of annotations only (reference beats): its annotations are the beats */
        int from_annotations = psy_hrv_beats_from_annotations(r, label);
        if (annotations >= 0 && !from_annotations) {
            cli_error(path, "--annotations is for WFDB annotation records without signals");
            goto done;
        }
        int n_heart;
        const psy_channel_type *heart = psy_hrv_channel_types(&n_heart);
        ch = from_annotations ? -1 : cli_pick_channel(r, path, label, heart, n_heart, "ECG, RR or PPG");
        if (!from_annotations && ch < 0) goto done;
        psy_message why_series = {{0}};
        psy_status st = psy_hrv_series_of(r, ch, annotations, correct, &s, &why_series);
        if (st != PSY_OK) {
            cli_error(path, "%s", why_series.text[0] ? why_series.text : psy_strerror(st));
            goto done;
        }
        sidecar = cli_sidecar_new("hrv", path, r);
        if (!sidecar) goto done;
        if (from_annotations) {
            json_object_set_new(sidecar, "beats_from",
                                json_string(annotations == 1 ? "every WFDB annotation (PCST's demo)"
                                                             : "the WFDB beat annotations"));
        } else {
            const psy_channel_info *c = psy_reader_channel(r, ch);
            json_object_set_new(sidecar, "channel", json_pack("{s:s,s:i,s:s}", "label", c->label, "index", ch,
                                                              "type", psy_channel_type_name(c->type)));
        }
        cli_sidecar_warnings(sidecar, r);
        cli_hrv_series_sidecar(sidecar, r, &s);
        cli_print_warnings(path, sidecar); /* the reader's and the beats': on stderr also without -o */
    }
    psy_hrv_window_rule rule = pcst ? PSY_HRV_WINDOWS_PCST : PSY_HRV_WINDOWS_STANDARD;
    psy_sidecar *lib = NULL;
    psy_status lst = psy_sidecar_create(&lib);
    if (lst == PSY_OK) lst = psy_sidecar_set_hrv_settings(lib, "settings", &cfg, preset, correct, window, step, rule);
    if (!cli_sidecar_merge_library(sidecar, lib, lst)) {
        cli_error(path, "out of memory");
        goto done;
    }

    /* rows: the whole series, or the windows; written as they are computed (memory does not grow
     * with the number of windows) */
    double t_first = s.t_first_s, t_last = 0; /* the series starts at the first beat (PCST's windows too) */
    psy_message why_short = {{0}};
    if (psy_hrv_series_check(&s, &why_short) != PSY_OK) {
        cli_error(path, "%s", why_short.text);
        goto done;
    }
    t_last = s.t_s[s.n - 1];
    size_t n_rows = window > 0 ? psy_hrv_windows_count(rule, t_first, t_last, window, step) : 1;
    if (n_rows == 0) {
        cli_error(path, "the series (%.1f s) is shorter than one window of %g s", t_last - t_first, window);
        goto done;
    }
    if (!out_path && spectrum_path) {
        cli_error(path, "--spectrum needs -o (all outputs are written together)");
        goto done;
    }
    const char *outputs[] = {out_path, spectrum_path};
    if (!cli_outputs_share_stdout("hrv", outputs, 2, 0)) goto done;
    FILE *fp = stdout;
    int stream = out_path && cli_output_is_stream(out_path); /* stdout or a device: no sidecar beside it */
    if (s.of_pulses && (!out_path || stream)) /* the sidecar that says so is not written */
        fprintf(stderr, "psyphys: %s: note: %s%s%s gives a PPG's pulse intervals: %s\n", path, ch >= 0 ? "'" : "",
                ch >= 0 ? psy_reader_channel(r, ch)->label : "the pulses table", ch >= 0 ? "'" : "",
                psy_pulse_rate_variability_note());
    if (out_path) {
        char *side = sidecar_path(out_path, json);
        int ok = side && cli_output_open(&outs[0], out_path, overwrite) &&
                 (stream || cli_output_open(&outs[1], side, overwrite));
        free(side);
        n_out = 2;
        if (ok && spectrum_path) ok = cli_output_open(&outs[n_out++], spectrum_path, overwrite);
        if (!ok) goto done;
        fp = outs[0].fp;
    }
    /* windows of a series with gaps (of the recording or of the channel, the series shows both):
     * how much of each its intervals cover (a column), the rule of psy_hrv_window_na_reason_of */
    psy_hrv_table_format format = json ? PSY_HRV_TABLE_JSON : PSY_HRV_TABLE_TSV;
    int gapped = window > 0 && psy_hrv_windows_gapped(r, s.nn_ms, s.t_s, s.n, t_first);
    if ((gapped ? psy_hrv_table_begin_recorded : psy_hrv_table_begin)(fp, format, cfg.spectra, &table) != PSY_OK) {
        cli_error(path, "out of memory");
        goto done;
    }
    size_t skipped_total = 0, lo = 0, over = 0, over_gap = 0;
    for (size_t k = 0; k < n_rows; k++) {
        size_t a = 0, b = s.n, skipped = 0;
        double onset = t_first, duration = t_last - t_first, recorded = 100;
        const char *na_why = NULL;
        if (window > 0) {
            psy_hrv_window win;
            psy_hrv_window_at(rule, s.nn_ms, s.t_s, s.n, t_first, window, step, k, &lo, &win);
            onset = win.onset_s, duration = win.duration_s;
            a = win.first, b = win.end;
            na_why = psy_hrv_window_na_reason_of(s.nn_ms, s.t_s, s.n, &win, &recorded);
            over_gap += !na_why && recorded < 100;
        }
        psy_hrv_result res;
        if (psy_hrv_compute_flagged(h, s.nn_ms + a, s.t_s + a, s.corrected + a, na_why ? 0 : b - a, &res, &skipped) !=
            PSY_OK) {
            cli_error(path, "out of memory");
            goto done;
        }
        if (na_why) psy_hrv_result_set_na(&res, na_why);
        skipped_total += skipped;
        over += res.over_corrected;
        psy_hrv_table_row_recorded(table, onset, duration, recorded, &res);
    }
    psy_hrv_table_end(table);
    if (spectrum_path) psy_hrv_write_spectra(outs[2].fp, h);
    lst = psy_sidecar_create(&lib);
    if (lst == PSY_OK) lst = psy_sidecar_set_hrv_counts(lib, "counts", &s, skipped_total);
    if (lst == PSY_OK) lst = psy_hrv_table_set_na_reasons(table, lib, "na_reasons");
    if (!cli_sidecar_merge_library(sidecar, lib, lst)) {
        cli_error(path, "out of memory");
        goto done;
    }
    if (skipped_total)
        fprintf(stderr, "psyphys: %s: warning: %zu interval(s) NaN, <= 0, > 10 s or out of time order skipped\n",
                path, skipped_total);
    if (over_gap) {
        char text[320];
        snprintf(text, sizeof text, "%zu of %zu window(s) cross a gap of the recording: their HRV is from the part "
                 "with data (recorded_pct, at least %g %%)", over_gap, n_rows, PSY_HRV_WINDOW_MIN_RECORDED_PCT);
        fprintf(stderr, "psyphys: %s: warning: %s\n", path, text);
        json_array_append_new(json_object_get(sidecar, "warnings"), json_string(text));
    }
    if (over) {
        char text[320];
        snprintf(text, sizeof text, "%zu of %zu row(s) have more than %g %% of their NN intervals corrected "
                 "(nn_corrected_pct): their HRV is %s", over, n_rows, cfg.max_corrected_pct,
                 cfg.keep_corrected ? "kept (--keep-corrected): interpret it with care"
                                    : "n/a (--max-corrected-pct sets the limit, --keep-corrected keeps it)");
        fprintf(stderr, "psyphys: %s: warning: %s\n", path, text);
        json_array_append_new(json_object_get(sidecar, "warnings"), json_string(text));
    }
    if (out_path) {
        if ((!stream && !cli_sidecar_write(sidecar, outs[1].fp)) || !cli_output_commit_all(outs, n_out)) goto done;
        n_out = 0;
    }
    rc = CLI_OK;
done:
    if (n_out) cli_output_abort_all(outs, n_out);
    json_decref(sidecar);
    psy_hrv_table_free(table);
    psy_hrv_series_free(&s);
    psy_reader_close(r);
    psy_hrv_destroy(h);
    return rc;
}
