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
            "annotations are the beats), an RR/IBI text file, or a beats table from 'psyphys beats'.\n"
            "Metrics a series is too short for are n/a; the reasons go to the sidecar.\n\n"
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

/* Reads a beats table: its intervals (n/a after a gap) at their beats' onsets; *pulses 1 for a
 * table of a PPG channel's pulses. */
static int read_beats_table(const char *path, psy_hrv_correction correct, psy_hrv_series *s, int *pulses)
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
        *pulses = t.pulses;
        st = psy_hrv_series_from_rr(t.rr_ms, t.onset_s, t.n, correct, s, &why);
        psy_beats_table_free(&t);
    }
    if (st != PSY_OK) cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
    return st == PSY_OK;
}

/* The spectra asked, in output order (Welch, Lomb, AR). */
static const struct {
    int flag;
    const char *name;
} spectra_names[] = {{PSY_HRV_WELCH, "welch"}, {PSY_HRV_LOMB, "lomb"}, {PSY_HRV_AR, "ar"}};

static const psy_hrv_values *spectrum_values(const psy_hrv_result *r, int flag)
{
    return flag == PSY_HRV_WELCH ? &r->welch : flag == PSY_HRV_LOMB ? &r->lomb : &r->ar;
}

static int n_spectra(int spectra)
{
    return !!(spectra & PSY_HRV_WELCH) + !!(spectra & PSY_HRV_LOMB) + !!(spectra & PSY_HRV_AR);
}

static const char *detrend_name(psy_hrv_detrend d)
{
    return d == PSY_HRV_DETREND_NONE ? "none" : d == PSY_HRV_DETREND_LINEAR ? "linear" : "smoothness";
}

static json_t *settings_json(const psy_hrv_config *c, const char *preset, psy_hrv_correction correct, double window,
                             double step, int pcst_windows)
{
    json_t *bands = json_object();
    static const char *const names[PSY_HRV_BAND_COUNT] = {"ulf", "vlf", "lf", "hf", "vhf"};
    for (int b = 0; b < PSY_HRV_BAND_COUNT; b++)
        json_object_set_new(bands, names[b], json_pack("{s:[f,f],s:f}", "hz", c->band_hz[b][0],
                                                       c->band_hz[b][1], "min_length_s", c->band_min_s[b]));
    json_t *o = json_object();
    json_object_set_new(o, "preset", json_string(preset));
    json_object_set_new(o, "correction", json_string(psy_hrv_correction_name(correct)));
    if (correct == PSY_HRV_CORRECT_PCST) {
        psy_rr_pcst_config pc = psy_rr_pcst_config_default();
        json_object_set_new(o, "pcst_cleaning", json_pack(
            "{s:f,s:f,s:f,s:f,s:s}", "gap_ms", pc.gap_ms, "change", pc.change, "lower_ms", pc.lower_ms,
            "upper_ms", pc.upper_ms, "rule",
            "removed in order: NaN or <= 0, >= gap_ms, |RR - median| / median >= change against both the "
            "median of the 5 intervals before and of the 5 after, < lower_ms, > upper_ms (PCST "
            "RRIntervalPreprocess, outliers removed)"));
    }
    json_object_set_new(o, "max_corrected_pct", isfinite(c->max_corrected_pct) ? json_real(c->max_corrected_pct)
                                                                                : json_null());
    json_object_set_new(o, "keep_corrected", json_boolean(c->keep_corrected));
    json_object_set_new(o, "nn_corrected_pct", json_string(
        correct == PSY_HRV_CORRECT_LIPPONEN
            ? "share of each row's NN intervals the correction changed, inserted or interpolated"
            : correct == PSY_HRV_CORRECT_PCST
                  ? "0: PCST's cleaning removes intervals and alters none it keeps (counts.pcst_removed)"
                  : "0: the intervals are analysed as given (--correction none), none corrected"));
    json_object_set_new(o, "window_s", window > 0 ? json_real(window) : json_null());
    json_object_set_new(o, "step_s", window > 0 ? json_real(step) : json_null());
    json_object_set_new(o, "window_rule", json_string(
        pcst_windows ? "PCST: windows from the first beat, every step, while start <= span - window + step; a "
                       "window holds the intervals ending in [start, start + window) and is n/a when they sum "
                       "to less than 85 % of the window"
                     : "windows [start, start + window) from the first beat, every step, complete windows only; "
                       "a window holds the intervals ending in (start, start + window]"));
    const char *pnn_rule = c->successive_across_gaps
                               ? (c->pnn_inclusive ? "|dNN| >= 50 / 20 ms (PCST), also across removed beats"
                                                   : "|dNN| strictly greater than 50 / 20 ms, also across removed beats")
                               : (c->pnn_inclusive ? "|dNN| >= 50 / 20 ms, contiguous intervals only"
                                                   : "|dNN| strictly greater than 50 / 20 ms, contiguous intervals only");
    json_object_set_new(o, "time_domain", json_pack(
        "{s:f,s:s,s:f,s:s,s:f,s:s,s:s}", "histogram_bin_ms", c->hist_bin_ms, "pnn_denominator",
        c->pnn_per_interval ? "intervals (NeuroKit)" : "successive differences (Task Force)",
        "sdann_window_s", c->sdann_window_s, "sdann_windows",
        c->sdann_neurokit ? "NeuroKit (round(total / window) windows, last interval of each dropped)"
                          : "complete windows from the first beat, at least 3",
        "min_geometric_s", c->min_geometric_s, "pnn_rule", pnn_rule,
        "tinn", "least-squares triangle over all histogram bins, apex at the mode (Task Force 1996)"));
    char spectra_text[32] = "";
    for (int q = 0; q < 3; q++)
        if (c->spectra & spectra_names[q].flag)
            snprintf(spectra_text + strlen(spectra_text), sizeof spectra_text - strlen(spectra_text), "%s%s",
                     spectra_text[0] ? "+" : "", spectra_names[q].name);
    json_object_set_new(o, "frequency_domain", json_pack(
        "{s:s,s:f,s:s,s:s,s:f,s:{s:o,s:f,s:s,s:s,s:i,s:s},s:{s:s,s:f},s:f,s:s,s:s,s:o}",
        "spectra", spectra_text,
        "resample_hz", c->resample_hz,
        "interpolation", c->quadratic_spline ? "quadratic B-spline (scipy interp1d 'quadratic')" : "natural cubic spline",
        "detrend", detrend_name(c->detrend), "lambda", c->lambda,
        "welch", "segment_s", c->welch_segment_s > 0 ? json_real(c->welch_segment_s) : json_string("half the series"),
        "overlap", c->welch_overlap, "taper", "Hann (periodic)",
        "segment_detrend", c->welch_segment_detrend == 2 ? "line" : c->welch_segment_detrend == 1 ? "mean" : "none",
        "nfft_factor", c->welch_nfft_factor, "scaling", "density, one-sided (ms²/Hz)",
        "lomb", "method", c->lomb_pcst ? "PCST (CalcLomb, unnormalised): exact sums on f = k / 1024 Hz, power "
                                         "= sum of P / 1024 (about the variance x the mean heart rate in Hz)"
                                       : "Press & Rybicki 1989 fast algorithm (FFTW), on the uneven NN series minus the trend",
        "oversampling", c->lomb_oversampling, "max_hz", c->max_hz,
        "band_power", c->band_trapz ? "trapezoid over bins lo <= f < hi, bins below 4 fs / N dropped (NeuroKit)"
                      : c->band_closed ? "sum of PSD x df over bins lo <= f <= hi (PCST)"
                                       : "sum of PSD x df over bins lo <= f < hi",
        "total_power", c->total_power_all_bands == 2 ? "ULF + VLF + LF + HF (PCST)"
                       : c->total_power_all_bands ? "sum of ULF..VHF" : "0 .. 0.4 Hz (Task Force)",
        "bands", bands));
    json_object_set_new(json_object_get(o, "frequency_domain"), "ar",
                        json_pack("{s:s,s:i,s:s}", "method", "Burg, on the resampled detrended series", "order",
                                  c->ar_order, "grid", "4097 points over 0 .. max_hz"));
    json_object_set_new(o, "nonlinear", json_pack(
        "{s:i,s:f,s:s,s:[i,i],s:[i,i],s:s,s:f,s:i,s:s}", "entropy_m", c->entropy_m, "entropy_r_sd", c->entropy_r_sd,
        "entropy_rule", c->sampen_pcst ? "SampEn as PCST's fastSampen (each template length over all its templates, "
                                         "Chebyshev distance < r, fractions of pairs); ApEn: distance <= r; "
                                         "r = entropy_r_sd x SDNN"
                                       : "Chebyshev distance <= r, r = entropy_r_sd x SDNN",
        "dfa_alpha1_beats", c->dfa1_min, c->dfa1_max, "dfa_alpha2_beats", c->dfa2_min, c->dfa2_max,
        "dfa_windows", c->dfa_overlap ? "half-overlapping" : "non-overlapping",
        "dfa_min_variance_ms2", c->dfa_min_variance,
        "min_nonlinear_nn", (int)c->min_nonlinear_nn,
        "poincare", c->sd2_from_sdnn ? "SD1 = SDSD / sqrt 2, SD2 = sqrt(2 SDNN² - SDSD² / 2) (PCST)"
                                     : "SD1 = SDSD / sqrt 2, SD2 = SD of (NN_i + NN_i+1) / sqrt 2"));
    return o;
}

/* A number or JSON null / "n/a". */
static void put_tsv(FILE *fp, double v)
{
    if (isnan(v)) fprintf(fp, "\tn/a");
    else fprintf(fp, "\t%.10g", v);
}

static json_t *num(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

typedef struct row {
    double onset, duration;
    psy_hrv_result r;
} row;

/* The first spectrum's frequency keys are plain columns, the others' are prefixed (lomb_, ar_). */
static void write_tsv_header(FILE *fp, int spectra)
{
    fprintf(fp, "onset\tduration\tn_nn\tnn_corrected_pct");
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) fprintf(fp, "\t%s", psy_hrv_key_name((psy_hrv_key)k));
    int seen = 0;
    for (int q = 0; q < 3; q++) {
        if (!(spectra & spectra_names[q].flag) || !seen++) continue;
        for (int k = PSY_HRV_FIRST_FREQ_KEY; k <= PSY_HRV_LAST_FREQ_KEY; k++)
            fprintf(fp, "\t%s_%s", spectra_names[q].name, psy_hrv_key_name((psy_hrv_key)k));
    }
    fprintf(fp, "\n");
}

static void write_tsv_row(FILE *fp, const row *w, int spectra)
{
    fprintf(fp, "%.6f\t%.6f\t%zu", w->onset, w->duration, w->r.n_nn);
    put_tsv(fp, w->r.nn_corrected_pct);
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) put_tsv(fp, w->r.values.v[k]);
    int seen = 0;
    for (int q = 0; q < 3; q++) {
        if (!(spectra & spectra_names[q].flag) || !seen++) continue;
        const psy_hrv_values *v = spectrum_values(&w->r, spectra_names[q].flag);
        for (int k = PSY_HRV_FIRST_FREQ_KEY; k <= PSY_HRV_LAST_FREQ_KEY; k++) put_tsv(fp, v->v[k]);
    }
    fprintf(fp, "\n");
}

static json_t *row_json(const row *w, int spectra)
{
    json_t *o = json_pack("{s:f,s:f,s:I,s:o}", "onset", w->onset, "duration", w->duration, "n_nn",
                          (json_int_t)w->r.n_nn, "nn_corrected_pct", num(w->r.nn_corrected_pct));
    int nest = n_spectra(spectra) > 1;
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
        if (!nest || !psy_hrv_key_is_frequency((psy_hrv_key)k))
            json_object_set_new(o, psy_hrv_key_name((psy_hrv_key)k), num(w->r.values.v[k]));
    for (int q = 0; nest && q < 3; q++) {
        if (!(spectra & spectra_names[q].flag)) continue;
        const psy_hrv_values *v = spectrum_values(&w->r, spectra_names[q].flag);
        json_t *sj = json_object();
        for (int k = PSY_HRV_FIRST_FREQ_KEY; k <= PSY_HRV_LAST_FREQ_KEY; k++)
            json_object_set_new(sj, psy_hrv_key_name((psy_hrv_key)k), num(v->v[k]));
        json_object_set_new(o, spectra_names[q].name, sj);
    }
    /* why each null is null, in the row itself (the sidecar counts them over the rows) */
    json_t *na = json_object();
    int seen = 0;
    for (int q = -1; q < 3; q++) {
        if (q >= 0 && (!(spectra & spectra_names[q].flag) || !seen++)) continue;
        const psy_hrv_values *v = q < 0 ? &w->r.values : spectrum_values(&w->r, spectra_names[q].flag);
        for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) {
            if (!v->na[k] || (q >= 0 && !psy_hrv_key_is_frequency((psy_hrv_key)k))) continue;
            char key[64];
            snprintf(key, sizeof key, "%s%s%s", q >= 0 ? spectra_names[q].name : "", q >= 0 ? "_" : "",
                     psy_hrv_key_name((psy_hrv_key)k));
            json_object_set_new(na, key, json_string(v->na[k]));
        }
    }
    json_object_set_new(o, "na_reasons", na);
    return o;
}

/* Adds a row's n/a reasons to o: {"key": {"reason": windows}}; the frequency keys of every
 * spectrum but the first are prefixed (lomb_, ar_) as in the TSV. */
static void add_reasons(json_t *o, const psy_hrv_values *v, const char *prefix, int freq_only)
{
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) {
        if (!v->na[k] || (freq_only && !psy_hrv_key_is_frequency((psy_hrv_key)k))) continue;
        char key[64];
        snprintf(key, sizeof key, "%s%s", prefix, psy_hrv_key_name((psy_hrv_key)k));
        json_t *e = json_object_get(o, key);
        if (!e) json_object_set_new(o, key, e = json_object());
        json_t *c = json_object_get(e, v->na[k]);
        json_object_set_new(e, v->na[k], json_integer(c ? json_integer_value(c) + 1 : 1));
    }
}

static void na_add(json_t *o, const psy_hrv_result *r, int spectra)
{
    add_reasons(o, &r->values, "", 0);
    int seen = 0;
    for (int q = 0; q < 3; q++) {
        if (!(spectra & spectra_names[q].flag) || !seen++) continue;
        char prefix[16];
        snprintf(prefix, sizeof prefix, "%s_", spectra_names[q].name);
        add_reasons(o, spectrum_values(r, spectra_names[q].flag), prefix, 1);
    }
}

/* The spectra of the last analysis: method, frequency (Hz), PSD (ms²/Hz). */
static void write_spectra(FILE *fp, const psy_hrv *h)
{
    fprintf(fp, "method\tfrequency_hz\tpsd_ms2_per_hz\n");
    static const struct {
        int method;
        const char *name;
    } m[] = {{PSY_HRV_WELCH, "welch"}, {PSY_HRV_LOMB, "lomb"}, {PSY_HRV_AR, "ar"}};
    for (int k = 0; k < 3; k++) {
        const double *f, *p;
        size_t n;
        psy_hrv_spectrum(h, m[k].method, &f, &p, &n);
        for (size_t i = 0; i < n; i++) fprintf(fp, "%s\t%.8g\t%.8g\n", m[k].name, f[i], p[i]);
    }
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
    cli_output outs[3] = {{0}};
    int n_out = 0;
    int rc = CLI_FAILED, ch = -1;
    int table = is_beats_table(path);
    if (table) {
        int of_pulses = 0;
        if (!read_beats_table(path, correct, &s, &of_pulses)) goto done;
        char sha[65];
        if (psy_sha256_file(path, sha) != PSY_OK) {
            cli_error(path, "cannot read");
            goto done;
        }
        sidecar = json_pack("{s:s,s:s,s:{s:s,s:s,s:s}}", "psyphys_version", psy_version(), "command", "hrv",
                            "input", "path", path, "sha256", sha, "format", "psyphys beats table");
        json_object_set_new(sidecar, "warnings", json_array());
        if (of_pulses) json_object_set_new(sidecar, "variability", json_string(psy_pulse_rate_variability_note()));
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
        if (s.pulses) cli_pulses_variability_sidecar(path, sidecar, r, ch, s.pulses);
    }
    json_object_set_new(sidecar, "settings", settings_json(&cfg, preset, correct, window, step, pcst));

    /* rows: the whole series, or the windows; written as they are computed (memory does not grow
     * with the number of windows) */
    double t_first = s.t_first_s, t_last = 0; /* the series starts at the first beat (PCST's windows too) */
    psy_message why_short = {{0}};
    if (psy_hrv_series_check(&s, &why_short) != PSY_OK) {
        cli_error(path, "%s", why_short.text);
        goto done;
    }
    t_last = s.t_s[s.n - 1];
    psy_hrv_window_rule rule = pcst ? PSY_HRV_WINDOWS_PCST : PSY_HRV_WINDOWS_STANDARD;
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
    if (json) fprintf(fp, "{\n \"windows\": [\n");
    else write_tsv_header(fp, cfg.spectra);
    json_t *na = json_object();
    size_t skipped_total = 0, lo = 0, over = 0;
    row w;
    for (size_t k = 0; k < n_rows; k++) {
        size_t a = 0, b = s.n, skipped = 0;
        w.onset = t_first;
        w.duration = t_last - t_first;
        int too_little = 0;
        if (window > 0) {
            psy_hrv_window win;
            psy_hrv_window_at(rule, s.nn_ms, s.t_s, s.n, t_first, window, step, k, &lo, &win);
            w.onset = win.onset_s, w.duration = win.duration_s;
            a = win.first, b = win.end, too_little = win.too_little;
        }
        if (psy_hrv_compute_flagged(h, s.nn_ms + a, s.t_s + a, s.corrected + a, too_little ? 0 : b - a, &w.r, &skipped) !=
            PSY_OK) {
            cli_error(path, "out of memory");
            json_decref(na);
            goto done;
        }
        if (too_little) psy_hrv_result_set_na(&w.r, PSY_HRV_PCST_WINDOW_NA_REASON);
        skipped_total += skipped;
        over += w.r.over_corrected;
        na_add(na, &w.r, cfg.spectra);
        if (json) {
            json_t *o = row_json(&w, cfg.spectra);
            fprintf(fp, "  ");
            json_dumpf(o, fp, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
            fprintf(fp, k + 1 < n_rows ? ",\n" : "\n");
            json_decref(o);
        } else {
            write_tsv_row(fp, &w, cfg.spectra);
        }
    }
    if (json) fprintf(fp, " ]\n}\n");
    if (spectrum_path) write_spectra(outs[2].fp, h);
    json_t *counts = json_pack("{s:I,s:I,s:I,s:I}", "beats", (json_int_t)s.beats, "intervals",
                               (json_int_t)s.n, "corrected", (json_int_t)s.n_corrected, "skipped",
                               (json_int_t)skipped_total);
    for (int k = 0; k < PSY_BEAT_CLASS_COUNT; k++)
        json_object_set_new(counts, psy_beat_class_name((psy_beat_class)k),
                            json_integer((json_int_t)s.counts.n[k]));
    if (correct == PSY_HRV_CORRECT_LIPPONEN)
        json_object_set_new(counts, "left_out", json_integer((json_int_t)s.counts.nn_left_out));
    if (correct == PSY_HRV_CORRECT_PCST)
        json_object_set_new(counts, "pcst_removed",
                            json_pack("{s:I,s:I,s:I,s:I,s:I}", "invalid", (json_int_t)s.pcst.invalid, "gaps",
                                      (json_int_t)s.pcst.gaps, "changes", (json_int_t)s.pcst.changes, "too_short",
                                      (json_int_t)s.pcst.too_short, "too_long", (json_int_t)s.pcst.too_long));
    json_object_set_new(sidecar, "counts", counts);
    json_object_set_new(sidecar, "na_reasons", na);
    if (skipped_total)
        fprintf(stderr, "psyphys: %s: warning: %zu interval(s) NaN, <= 0, > 10 s or out of time order skipped\n",
                path, skipped_total);
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
    psy_hrv_series_free(&s);
    psy_reader_close(r);
    psy_hrv_destroy(h);
    return rc;
}
