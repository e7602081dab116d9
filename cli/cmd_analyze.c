/* psyphys analyze — one session recording and its events into the tables a researcher analyses:
 * beats, SCRs, per-phase (segment) markers, event-locked (epoch) responses, HRV windows. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze_config.h"
#include "beats_table.h"
#include "psyphys/eda.h"
#include "psyphys/hrv.h"
#include "cli.h"
#include "output.h"
#include "output_layout.h"
#include "provenance.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys analyze FILE [-o OUTDIR] [--segments events|markers|window:W[:STEP]]\n"
            "                       [--epochs LABEL]... [--pre S] [--post S] [--latency MIN:MAX]\n"
            "                       [--ecg LABEL] [--eda LABEL] [--rsp LABEL] [--eda-method fast|deconv]\n"
            "                       [--hrv-window W:STEP] [--layout auto|bids|flat] [--config FILE]\n"
            "                       [--overwrite] [input options]\n\n"
            "Beats, artefact-corrected NN intervals and HRV from the ECG (or RR) channel, skin\n"
            "conductance responses and level from the EDA channel, breathing rate from the RSP\n"
            "channel, per session phase (segment) and around each event (epoch). Prints a summary;\n"
            "with -o writes into OUTDIR: STEM_beats, _scr, _segments, _epochs, _epoch-means and, for\n"
            "recordings of at least two HRV windows, _hrv-windows (.tsv, each with a .json sidecar).\n"
            "An input in a BIDS dataset (sub-X/[ses-Y/]DATATYPE/sub-X_..._physio.tsv.gz) writes the\n"
            "BIDS derivatives layout: OUTDIR/sub-X/[ses-Y/]DATATYPE/sub-X_..._beats.tsv, ... and\n"
            "OUTDIR/dataset_description.json.\n\n"
            "  --segments RULE   phases: each event with a duration (events, default), from each\n"
            "                    event to the next (markers), or windows of W s every STEP s;\n"
            "                    the whole recording is always the first segment\n"
            "  --epochs LABEL    events to take epochs around (repeatable; default: every session\n"
            "                    event, i.e. not WFDB beat labels or gap marks)\n"
            "  --pre S, --post S epoch window before and after the onset (default 1 and 10 s)\n"
            "  --latency MIN:MAX SCR latency window after an event (default 1:4 s)\n"
            "  --ecg/--eda/--rsp LABEL  the channels (default: the first of each type)\n"
            "  --eda-method M    fast (filter, default, as psyphys eda) or deconv (Benedek &\n"
            "                    Kaernbach 2010)\n"
            "  --hrv-window W:STEP  HRV windows (default 300:300 s, consecutive 5 min)\n"
            "  --config FILE     settings from a JSON object (keys: segments, epochs, pre_s, post_s,\n"
            "                    latency_s [MIN, MAX], hrv_window_s [W, STEP], ecg, eda, rsp,\n"
            "                    eda_method, layout, fs, format, channel_types {LABEL: TYPE}, units\n"
            "                    {LABEL: UNIT}, triggers [CH[:LEVEL]], events_offset_s, libedf);\n"
            "                    flags on the command line override them\n"
            "  --layout L        auto (default: BIDS derivatives for an input in a BIDS dataset,\n"
            "                    else flat), bids (an error outside a BIDS dataset) or flat\n"
            "                    (OUTDIR/STEM_*.tsv always)\n\n");
    cli_print_input_options_help(out);
}

typedef struct analyze_options {
    cli_input_options in;
    const char *path, *outdir;
    const char *ecg, *eda, *rsp;
    psy_segment_rule rule;
    double window_s, step_s;
    const char *epoch_labels[32];
    int n_epoch_labels;
    double pre_s, post_s, latency_min_s, latency_max_s;
    psy_eda_method eda_method;
    double hrv_window_s, hrv_step_s;
    cli_layout layout;
    int overwrite;
    const char *config_path;           /* --config FILE */
    analyze_config_args config;        /* the options it stands for (owned) */
} analyze_options;

/* "A:B" into two positive numbers (B optional when allow_single). */
static int parse_pair(const char *opt, const char *text, double *a, double *b, int allow_single)
{
    char *end;
    errno = 0;
    *a = strtod(text, &end);
    if (end == text || errno || !isfinite(*a)) goto bad;
    if (*end == ':') {
        const char *second = end + 1;
        *b = strtod(second, &end);
        if (end == second || *end || errno || !isfinite(*b)) goto bad;
    } else if (*end || !allow_single) {
        goto bad;
    }
    return 1;
bad:
    cli_error(NULL, "analyze: %s wants %s, not '%s'", opt, allow_single ? "W or W:STEP" : "A:B", text);
    return 0;
}

/* Options argv[*i ..] (one option and its value); the first FILE-like word is the input.
 * from_cli: the command line (its --epochs and --trigger replace the config file's). Returns
 * CLI_OK, CLI_USAGE (after printing why) or -1 for --help. */
static int parse_one(int argc, char **argv, int *ip, analyze_options *o, int from_cli,
                     int *epochs_given, int *triggers_given)
{
    int i = *ip;
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (from_cli && strcmp(a, "--trigger") == 0 && !*triggers_given) {
        *triggers_given = 1;
        o->in.n_triggers = 0;
    }
    int used = cli_parse_input_option(&o->in, argc, argv, ip);
    if (used < 0) return CLI_USAGE;
    if (used) return CLI_OK;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        help(stdout);
        return -1;
    } else if (strcmp(a, "--overwrite") == 0) {
        o->overwrite = 1;
        return CLI_OK;
    } else if (a[0] == '-' && a[1] && !v) {
        cli_error(NULL, "analyze: %s needs a value (see psyphys analyze --help)", a);
        return CLI_USAGE;
    } else if (a[0] != '-' || !a[1]) {
        if (o->path) {
            cli_error(NULL, "analyze: one FILE at a time ('%s' is extra)", a);
            return CLI_USAGE;
        }
        o->path = a;
        return CLI_OK;
    }
    ++*ip;
    double pre = 0, post = 0;
    if (strcmp(a, "-o") == 0) o->outdir = v;
    else if (strcmp(a, "--config") == 0) o->config_path = v;
    else if (strcmp(a, "--ecg") == 0) o->ecg = v;
    else if (strcmp(a, "--eda") == 0) o->eda = v;
    else if (strcmp(a, "--rsp") == 0) o->rsp = v;
    else if (strcmp(a, "--layout") == 0) {
        if (!cli_layout_parse(v, &o->layout)) {
            cli_error(NULL, "analyze: --layout is auto, bids or flat, not '%s'", v);
            return CLI_USAGE;
        }
    } else if (strcmp(a, "--segments") == 0) {
        if (strcmp(v, "events") == 0) o->rule = PSY_SEGMENTS_EVENTS;
        else if (strcmp(v, "markers") == 0) o->rule = PSY_SEGMENTS_MARKERS;
        else if (strncmp(v, "window:", 7) == 0) {
            o->rule = PSY_SEGMENTS_WINDOWS;
            o->step_s = 0;
            if (!parse_pair("--segments window:", v + 7, &o->window_s, &o->step_s, 1)) return CLI_USAGE;
            if (o->step_s == 0) o->step_s = o->window_s;
            if (!(o->window_s > 0 && o->step_s > 0)) {
                cli_error(NULL, "analyze: windows need positive lengths");
                return CLI_USAGE;
            }
        } else {
            cli_error(NULL, "analyze: --segments is events, markers or window:W[:STEP], not '%s'", v);
            return CLI_USAGE;
        }
    } else if (strcmp(a, "--epochs") == 0) {
        if (from_cli && !*epochs_given) o->n_epoch_labels = 0;
        *epochs_given = 1;
        if (o->n_epoch_labels == 32) {
            cli_error(NULL, "analyze: at most 32 --epochs labels");
            return CLI_USAGE;
        }
        o->epoch_labels[o->n_epoch_labels++] = v;
    } else if (strcmp(a, "--pre") == 0 || strcmp(a, "--post") == 0) {
        if (!parse_pair(a, v, &pre, &post, 1) || pre < 0 || (strcmp(a, "--post") == 0 && pre == 0)) {
            cli_error(NULL, "analyze: %s wants seconds (> 0 for --post)", a);
            return CLI_USAGE;
        }
        if (strcmp(a, "--pre") == 0) o->pre_s = pre;
        else o->post_s = pre;
    } else if (strcmp(a, "--latency") == 0) {
        if (!parse_pair(a, v, &o->latency_min_s, &o->latency_max_s, 0) ||
            o->latency_min_s < 0 || o->latency_max_s <= o->latency_min_s) {
            cli_error(NULL, "analyze: --latency wants MIN:MAX seconds with MIN < MAX");
            return CLI_USAGE;
        }
    } else if (strcmp(a, "--eda-method") == 0) {
        if (strcmp(v, "fast") == 0) o->eda_method = PSY_EDA_FAST;
        else if (strcmp(v, "deconv") == 0) o->eda_method = PSY_EDA_DECONV;
        else {
            cli_error(NULL, "analyze: --eda-method is fast or deconv, not '%s'", v);
            return CLI_USAGE;
        }
    } else if (strcmp(a, "--hrv-window") == 0) {
        o->hrv_step_s = 0;
        if (!parse_pair(a, v, &o->hrv_window_s, &o->hrv_step_s, 1)) return CLI_USAGE;
        if (o->hrv_step_s == 0) o->hrv_step_s = o->hrv_window_s;
        if (!(o->hrv_window_s > 0 && o->hrv_step_s > 0)) {
            cli_error(NULL, "analyze: --hrv-window wants positive lengths");
            return CLI_USAGE;
        }
    } else {
        cli_error(NULL, "analyze: unknown option '%s' (see psyphys analyze --help)", a);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* Defaults, then the --config file's settings, then the command line's flags. */
static int parse_args(int argc, char **argv, analyze_options *o)
{
    memset(o, 0, sizeof *o);
    cli_input_options_init(&o->in);
    o->rule = PSY_SEGMENTS_EVENTS;
    o->pre_s = 1, o->post_s = 10, o->latency_min_s = 1, o->latency_max_s = 4;
    o->eda_method = PSY_EDA_FAST;
    o->hrv_window_s = 300, o->hrv_step_s = 300;
    int epochs_given = 0, triggers_given = 0, rc = CLI_OK;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0) o->config_path = argv[i + 1];
    if (o->config_path) {
        if (!analyze_config_load(o->config_path, &o->config)) return CLI_FAILED;
        for (int i = 0; rc == CLI_OK && i < o->config.n; i++) {
            rc = parse_one(o->config.n, o->config.args, &i, o, 0, &epochs_given, &triggers_given);
            if (rc != CLI_OK)
                cli_error(o->config_path, "config key \"%s\" has a value the option refuses (above)",
                          o->config.keys[i]);
        }
        if (rc != CLI_OK) return CLI_FAILED;
    }
    epochs_given = triggers_given = 0;
    for (int i = 1; rc == CLI_OK && i < argc; i++)
        rc = parse_one(argc, argv, &i, o, 1, &epochs_given, &triggers_given);
    if (rc != CLI_OK) return rc;
    if (!o->path) {
        help(stderr);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* ---- what the recording gives ------------------------------------------------------------- */

typedef struct session {
    psy_reader *r;
    int ecg, eda, rsp;                 /* channel indices, -1 when absent */
    psy_beat_list *beats;
    psy_beats_config beats_cfg;
    psy_eda_result *scr;
    psy_breath *breaths;
    size_t n_breaths;
    psy_hrv *hrv;
    psy_hrv_config hrv_cfg;
    json_t *warnings;
} session;

static void warn(session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(session *s, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    json_array_append_new(s->warnings, json_string(text));
}

/* The channel of a type: named, else the first of the types; -1 (and a warning) when absent. */
static int channel_of(session *s, const char *path, const char *label, const psy_channel_type *types,
                      int n_types, const char *what, int *failed)
{
    if (label) {
        int ch = cli_pick_channel(s->r, path, label, types, n_types, what);
        if (ch < 0) *failed = 1;
        return ch;
    }
    for (int t = 0; t < n_types; t++)
        for (int i = 0; i < psy_reader_channel_count(s->r); i++)
            if (psy_reader_channel(s->r, i)->type == types[t]) return i;
    warn(s, "no %s channel: its markers are n/a", what);
    return -1;
}

static psy_status detect_breaths(session *s)
{
    const psy_channel_info *c = psy_reader_channel(s->r, s->rsp);
    if (c->rate_hz <= 0) {
        warn(s, "RSP channel '%s' is irregular: no breaths", c->label);
        return PSY_OK;
    }
    psy_resp_config cfg = psy_resp_config_default(c->rate_hz);
    psy_resp_detector *d = NULL;
    if (psy_resp_detector_create(&cfg, &d) != PSY_OK) {
        warn(s, "RSP channel '%s' at %g Hz: no breath detection below 4 Hz", c->label, c->rate_hz);
        return PSY_OK;
    }
    size_t cap = 0;
    double *x = malloc(65536 * sizeof *x);
    psy_status st = x ? PSY_OK : PSY_E_NOMEM;
    for (int64_t at = 0; st == PSY_OK && at <= c->frames; at += 65536) {
        int64_t n = c->frames - at < 65536 ? c->frames - at : 65536;
        if (n > 0) st = psy_reader_read(s->r, s->rsp, at, n, x);
        for (size_t off = 0; st == PSY_OK && off < (size_t)n;) {
            size_t used;
            psy_resp_detector_push(d, x + off, (size_t)n - off, &used);
            off += used;
            psy_breath b[64];
            size_t k = psy_resp_detector_pop(d, b, 64);
            if (s->n_breaths + k > cap) {
                size_t nc = cap ? 2 * cap + k : 256 + k;
                psy_breath *p = realloc(s->breaths, nc * sizeof *p);
                if (!p) st = PSY_E_NOMEM;
                else s->breaths = p, cap = nc;
            }
            if (st == PSY_OK) memcpy(s->breaths + s->n_breaths, b, k * sizeof *b), s->n_breaths += k;
        }
        if (n <= 0) break;
    }
    free(x);
    psy_resp_detector_destroy(d);
    return st;
}

/* ---- tables ------------------------------------------------------------------------------ */

/* A number with `decimals` places (-1: 6 significant digits), or n/a. */
static void put_number(FILE *fp, double v, int decimals)
{
    if (!isfinite(v)) fputs("n/a", fp);
    else if (decimals < 0) fprintf(fp, "%.6g", v);
    else fprintf(fp, "%.*f", decimals, v);
}

/* First index whose time is > t (times ascending). */
static size_t after(const double *times, size_t n, double t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (times[mid] <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* NN intervals ending in (start, end]: indices [*a, *z). */
static void nn_span(const psy_beat_list *b, double start, double end, size_t *a, size_t *z)
{
    *a = after(b->nn_onset_s, b->n_nn, start);
    *z = after(b->nn_onset_s, b->n_nn, end);
}

/* Breaths per minute in [start, end): whole breaths that lie inside. */
static double breath_rate(const session *s, double start, double end)
{
    if (s->rsp < 0 || !s->n_breaths) return NAN;
    double rate = psy_reader_channel(s->r, s->rsp)->rate_hz, first = NAN, last = NAN;
    size_t n = 0;
    for (size_t i = 0; i < s->n_breaths; i++) {
        double a = (double)s->breaths[i].onset / rate, z = (double)s->breaths[i].end / rate;
        if (a < start || z > end) continue;
        if (!n) first = a;
        last = z, n++;
    }
    return n ? 60.0 * (double)n / (last - first) : NAN;
}

static const psy_hrv_key hrv_columns[] = {
    PSY_HRV_MEAN_NN_MS, PSY_HRV_SDNN_MS, PSY_HRV_RMSSD_MS, PSY_HRV_SDSD_MS, PSY_HRV_PNN50_PCT,
    PSY_HRV_PNN20_PCT, PSY_HRV_CVNN, PSY_HRV_CVSD, PSY_HRV_MEDIAN_NN_MS, PSY_HRV_MAD_NN_MS,
    PSY_HRV_IQR_NN_MS, PSY_HRV_MIN_NN_MS, PSY_HRV_MAX_NN_MS, PSY_HRV_HTI, PSY_HRV_TINN_MS,
    PSY_HRV_SDANN_MS, PSY_HRV_SDNNI_MS, PSY_HRV_ULF_MS2, PSY_HRV_VLF_MS2, PSY_HRV_LF_MS2,
    PSY_HRV_HF_MS2, PSY_HRV_VHF_MS2, PSY_HRV_TOTAL_POWER_MS2, PSY_HRV_LF_HF, PSY_HRV_LF_NU,
    PSY_HRV_HF_NU, PSY_HRV_LF_PEAK_HZ, PSY_HRV_HF_PEAK_HZ, PSY_HRV_SD1_MS, PSY_HRV_SD2_MS,
    PSY_HRV_SD1_SD2, PSY_HRV_SAMPEN, PSY_HRV_APEN, PSY_HRV_DFA_ALPHA1, PSY_HRV_DFA_ALPHA2};
#define N_HRV_COLUMNS (sizeof hrv_columns / sizeof hrv_columns[0])

/* HRV of the NN intervals in (start, end]; all NaN without beats. */
static void hrv_of(session *s, double start, double end, psy_hrv_result *out)
{
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) out->values.v[k] = NAN, out->values.na[k] = "no beats";
    out->n_nn = 0;
    if (!s->beats || !s->hrv) return;
    size_t a, z;
    nn_span(s->beats, start, end, &a, &z);
    psy_hrv_compute(s->hrv, s->beats->nn_ms + a, s->beats->nn_onset_s + a, z - a, out, NULL);
}

static void write_segments(FILE *fp, session *s, const psy_segment *seg, size_t n,
                           const double *events, size_t n_events, const analyze_options *o)
{
    fprintf(fp, "label\tonset\tduration\tmean_hr_bpm");
    for (size_t k = 0; k < N_HRV_COLUMNS; k++) fprintf(fp, "\t%s", psy_hrv_key_name(hrv_columns[k]));
    fprintf(fp, "\tscl_us\tns_scr_per_min\tscr_count\tscr_amplitude_sum_us\tscr_amplitude_mean_us"
                "\tresp_rate_per_min\n");
    for (size_t i = 0; i < n; i++) {
        double start = seg[i].onset_s, end = start + seg[i].duration_s;
        psy_hrv_result h;
        hrv_of(s, start, end, &h);
        fprintf(fp, "%s\t%.6f\t%.6f\t", seg[i].label, start, seg[i].duration_s);
        put_number(fp, h.values.v[PSY_HRV_MEAN_HR_BPM], 3);
        for (size_t k = 0; k < N_HRV_COLUMNS; k++) {
            fputc('\t', fp);
            put_number(fp, h.values.v[hrv_columns[k]], -1);
        }
        psy_eda_summary e = {0};
        e.scl_us = e.ns_scr_per_min = e.scr_amplitude_sum_us = e.scr_amplitude_mean_us = NAN;
        int has_eda = s->scr && psy_eda_summarize(s->scr, start, end, events, n_events, o->latency_min_s,
                                                  o->latency_max_s, &e) == PSY_OK;
        fputc('\t', fp);
        put_number(fp, e.scl_us, -1);
        fputc('\t', fp);
        put_number(fp, e.ns_scr_per_min, -1);
        fputc('\t', fp);
        if (has_eda) fprintf(fp, "%zu", e.scr_count);
        else fputs("n/a", fp);
        fputc('\t', fp);
        put_number(fp, has_eda ? e.scr_amplitude_sum_us : NAN, -1);
        fputc('\t', fp);
        put_number(fp, e.scr_amplitude_mean_us, -1);
        fputc('\t', fp);
        put_number(fp, breath_rate(s, start, end), 3);
        fputc('\n', fp);
    }
}

/* ---- epochs -------------------------------------------------------------------------------- */

typedef struct epoch_row {
    const psy_event *event;
    psy_hr_response hr;
    psy_eda_event_response scr;
    int has_scr;
} epoch_row;

static int wanted(const analyze_options *o, const psy_event *e)
{
    if (!psy_is_session_event(e)) return 0;
    if (!o->n_epoch_labels) return 1;
    for (int i = 0; i < o->n_epoch_labels; i++)
        if (strcmp(o->epoch_labels[i], e->label) == 0) return 1;
    return 0;
}

static epoch_row *make_epochs(session *s, const analyze_options *o, size_t *n_out)
{
    size_t ne = psy_reader_event_count(s->r), n = 0;
    epoch_row *rows = calloc(ne + 1, sizeof *rows);
    if (!rows) return NULL;
    psy_hr_response_config hc = psy_hr_response_config_default();
    hc.pre_s = o->pre_s, hc.post_s = o->post_s;
    double end = psy_reader_duration(s->r);
    for (size_t i = 0; i < ne; i++) {
        const psy_event *e = psy_reader_event(s->r, i);
        if (!wanted(o, e)) continue;
        if (e->onset_s < 0 || e->onset_s >= end) {
            warn(s, "event '%s' at %.3f s lies outside the recording (0 .. %.3f s): no epoch",
                 e->label, e->onset_s, end);
            continue;
        }
        epoch_row *row = &rows[n++];
        row->event = e;
        row->hr.valid = 0;
        row->hr.why = "no beats";
        if (s->beats)
            psy_hr_response_at(s->beats->nn_onset_s, s->beats->nn_ms, s->beats->nn_corrected,
                               s->beats->n_nn, e->onset_s, &hc, &row->hr);
        if (!row->hr.valid)
            warn(s, "epoch '%s' at %.3f s: heart rate n/a (%s)", e->label, e->onset_s, row->hr.why);
        row->has_scr = s->scr && psy_eda_event_responses(s->scr, &e->onset_s, 1, o->latency_min_s,
                                                         o->latency_max_s, &row->scr) == PSY_OK;
    }
    *n_out = n;
    return rows;
}

static void write_epochs(FILE *fp, const epoch_row *rows, size_t n)
{
    fprintf(fp, "label\tonset\thr_baseline_bpm\thr_mean_bpm\thr_min_bpm\thr_max_bpm\thr_min_time_s"
                "\thr_max_time_s\tscr_amplitude_us\tscr_latency_s\tquality\n");
    for (size_t i = 0; i < n; i++) {
        const epoch_row *r = &rows[i];
        const psy_hr_response *h = &r->hr;
        double v[] = {h->valid ? h->baseline_bpm : NAN, h->valid ? h->mean_bpm : NAN,
                      h->valid ? h->min_bpm : NAN, h->valid ? h->max_bpm : NAN,
                      h->valid ? h->min_time_s : NAN, h->valid ? h->max_time_s : NAN,
                      r->has_scr ? r->scr.amplitude_us : NAN, r->has_scr ? r->scr.latency_s : NAN,
                      h->valid ? 1.0 - h->corrected_share : NAN};
        fprintf(fp, "%s\t%.6f", r->event->label, r->event->onset_s);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
            fputc('\t', fp);
            put_number(fp, v[k], k == 4 || k == 5 || k == 7 ? 3 : 4);
        }
        fputc('\n', fp);
    }
}

/* Per label: the count and the means of the responses (SCR magnitude: zeros included). */
static void write_epoch_means(FILE *fp, const epoch_row *rows, size_t n)
{
    fprintf(fp, "label\tn\thr_mean_bpm\thr_min_bpm\thr_max_bpm\tscr_magnitude_us\tscr_count\n");
    for (size_t i = 0; i < n; i++) {
        int first = 1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(rows[j].event->label, rows[i].event->label) == 0) first = 0;
        if (!first) continue;
        double sum[4] = {0}, cnt[4] = {0};
        size_t total = 0, found = 0;
        for (size_t j = i; j < n; j++) {
            const epoch_row *r = &rows[j];
            if (strcmp(r->event->label, rows[i].event->label) != 0) continue;
            total++;
            if (r->hr.valid) {
                sum[0] += r->hr.mean_bpm, sum[1] += r->hr.min_bpm, sum[2] += r->hr.max_bpm;
                cnt[0]++, cnt[1]++, cnt[2]++;
            }
            if (r->has_scr) sum[3] += r->scr.amplitude_us, cnt[3]++, found += r->scr.found;
        }
        fprintf(fp, "%s\t%zu", rows[i].event->label, total);
        for (int k = 0; k < 4; k++) {
            fputc('\t', fp);
            put_number(fp, cnt[k] ? sum[k] / cnt[k] : NAN, 4);
        }
        if (cnt[3]) fprintf(fp, "\t%zu\n", found);
        else fputs("\tn/a\n", fp);
    }
}

/* HRV over windows of the whole recording (long recordings only). */
static void write_hrv_windows(FILE *fp, session *s, const analyze_options *o)
{
    fprintf(fp, "onset\tduration\tn_nn");
    for (size_t k = 0; k < N_HRV_COLUMNS; k++) fprintf(fp, "\t%s", psy_hrv_key_name(hrv_columns[k]));
    fputc('\n', fp);
    double end = psy_reader_duration(s->r);
    for (double start = 0; start + o->hrv_window_s <= end + 1e-9; start += o->hrv_step_s) {
        psy_hrv_result h;
        hrv_of(s, start, start + o->hrv_window_s, &h);
        fprintf(fp, "%.3f\t%.3f\t%zu", start, o->hrv_window_s, h.n_nn);
        for (size_t k = 0; k < N_HRV_COLUMNS; k++) {
            fputc('\t', fp);
            put_number(fp, h.values.v[hrv_columns[k]], -1);
        }
        fputc('\n', fp);
    }
}

static void write_scr(FILE *fp, const psy_eda_result *r)
{
    fprintf(fp, "onset\tpeak_onset\tamplitude_us\trise_time_s\thalf_recovery_s\n");
    for (size_t i = 0; i < r->n; i++) {
        const psy_eda_scr *c = &r->scr[i];
        fprintf(fp, "%.4f\t%.4f\t%.5f\t%.4f\t", c->onset_s, c->peak_s, c->amplitude_us, c->rise_time_s);
        put_number(fp, c->half_recovery_s, 4);
        fputc('\n', fp);
    }
}

/* ---- settings, sidecars, summary --------------------------------------------------------- */

static json_t *settings_json(const session *s, const analyze_options *o)
{
    static const char *const rules[] = {"events", "markers", "windows"};
    json_t *j = json_object();
    json_object_set_new(j, "segments", json_pack("{s:s,s:f,s:f}", "rule", rules[o->rule],
                                                 "window_s", o->window_s, "step_s", o->step_s));
    json_t *labels = json_array();
    for (int i = 0; i < o->n_epoch_labels; i++) json_array_append_new(labels, json_string(o->epoch_labels[i]));
    json_object_set_new(j, "epochs", json_pack("{s:o,s:f,s:f,s:s,s:s,s:s}", "labels", labels,
                                               "pre_s", o->pre_s, "post_s", o->post_s, "hr_grid",
                                               "10 Hz, monotone cubic (Fritsch & Carlson 1980)",
                                               "hr_baseline", "mean rate over [-pre, 0)",
                                               "quality", "1 - share of the epoch's beats corrected"));
    json_object_set_new(j, "scr_latency_s", json_pack("[f,f]", o->latency_min_s, o->latency_max_s));
    json_object_set_new(j, "hrv_windows", json_pack("{s:f,s:f}", "window_s", o->hrv_window_s,
                                                    "step_s", o->hrv_step_s));
    const psy_hrv_config *h = &s->hrv_cfg;
    json_object_set_new(j, "hrv", json_pack(
        "{s:s,s:f,s:s,s:f,s:f,s:f,s:i,s:f,s:f}", "spectrum", "Welch (the Lomb values are in psyphys hrv)",
        "resample_hz", h->resample_hz, "detrend",
        h->detrend == PSY_HRV_DETREND_SMOOTHNESS ? "smoothness priors" : h->detrend == PSY_HRV_DETREND_LINEAR ? "linear" : "none",
        "lambda", h->lambda, "welch_segment_s", h->welch_segment_s, "welch_overlap", h->welch_overlap,
        "entropy_m", h->entropy_m, "entropy_r_sd", h->entropy_r_sd, "hist_bin_ms", h->hist_bin_ms));
    if (s->scr) {
        const psy_eda_config *e = &s->scr->config;
        json_object_set_new(j, "eda", json_pack(
            "{s:s,s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "method", psy_eda_method_name(s->scr->method),
            "lowpass_hz", e->lowpass_hz, "analysis_rate_hz", s->scr->analysis_rate_hz,
            "min_amplitude_us", e->min_amplitude_us, "tau1_s", e->tau1_s, "tau2_s", e->tau2_s,
            "min_rise_s", e->min_rise_s, "max_rise_s", e->max_rise_s));
    }
    json_t *ch = json_object();
    const char *names[] = {"ecg", "eda", "rsp"};
    int idx[] = {s->ecg, s->eda, s->rsp};
    for (int k = 0; k < 3; k++)
        json_object_set_new(ch, names[k], idx[k] >= 0 ? json_string(psy_reader_channel(s->r, idx[k])->label)
                                                      : json_null());
    json_object_set_new(j, "channels", ch);
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
    json_object_set_new(in, "fs", o->in.open.sampling_rate_hz > 0 ? json_real(o->in.open.sampling_rate_hz) : json_null());
    json_object_set_new(in, "format", o->in.open.format ? json_string(o->in.open.format) : json_null());
    json_object_set_new(in, "libedf", json_boolean(o->in.open.use_libedf));
    json_object_set_new(j, "input_options", in);
    char hex[65];
    if (o->config_path && cli_sha256_file(o->config_path, hex))
        json_object_set_new(j, "config_file", json_pack("{s:s,s:s}", "path", o->config_path, "sha256", hex));
    return j;
}

static void print_summary(session *s, const char *path, const epoch_row *rows, size_t n_rows,
                          const psy_segment *seg)
{
    printf("%s: %s, %.1f s, %zu events\n", path, psy_reader_format(s->r), psy_reader_duration(s->r),
           psy_reader_event_count(s->r));
    if (s->beats) {
        psy_hrv_result h;
        hrv_of(s, seg[0].onset_s, seg[0].onset_s + seg[0].duration_s, &h);
        printf("  heart   '%s': %zu beats (%zu artefacts, corrected), mean HR %.1f bpm, RMSSD %.1f ms, SDNN %.1f ms\n",
               psy_reader_channel(s->r, s->ecg)->label, s->beats->n,
               s->beats->n - s->beats->counts.n[PSY_BEAT_NORMAL], h.values.v[PSY_HRV_MEAN_HR_BPM],
               h.values.v[PSY_HRV_RMSSD_MS], h.values.v[PSY_HRV_SDNN_MS]);
    }
    if (s->scr)
        printf("  skin    '%s': %zu SCRs, SCL %.2f uS, %.1f NS-SCR/min\n",
               psy_reader_channel(s->r, s->eda)->label, s->scr->n, s->scr->scl_us, s->scr->ns_scr_per_min);
    if (s->rsp >= 0)
        printf("  breath  '%s': %zu breaths, %.1f /min\n", psy_reader_channel(s->r, s->rsp)->label,
               s->n_breaths, breath_rate(s, 0, psy_reader_duration(s->r)));
    if (!n_rows) return;
    printf("  %-16s %9s %9s %9s %9s %10s\n", "epoch", "onset_s", "dHR_mean", "dHR_min", "dHR_max", "SCR_uS");
    for (size_t i = 0; i < n_rows; i++) {
        const epoch_row *r = &rows[i];
        printf("  %-16.16s %9.2f ", r->event->label, r->event->onset_s);
        if (r->hr.valid) printf("%+9.2f %+9.2f %+9.2f ", r->hr.mean_bpm, r->hr.min_bpm, r->hr.max_bpm);
        else printf("%9s %9s %9s ", "n/a", "n/a", "n/a");
        if (r->has_scr) printf("%10.3f\n", r->scr.amplitude_us);
        else printf("%10s\n", "n/a");
    }
}

/* Opens OUTDIR/STEM_NAME.tsv and its sidecar as outputs k and k + 1. */
static int open_table(cli_output *outs, int *n, const char *dir, const char *stem, const char *name,
                      int overwrite)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_%s.tsv", dir, stem, name);
    char *side = cli_sidecar_path_for(path);
    int ok = side && cli_output_open(&outs[(*n)++], path, overwrite) &&
             cli_output_open(&outs[(*n)++], side, overwrite);
    free(side);
    return ok;
}

static int write_sidecar(FILE *fp, json_t *base, const char *table, json_t *extra)
{
    json_t *o = json_deep_copy(base);
    json_object_set_new(o, "table", json_string(table));
    if (extra) json_object_update(o, extra);
    int ok = cli_sidecar_write(o, fp);
    json_decref(o);
    return ok;
}

int cmd_analyze(int argc, char **argv)
{
    analyze_options o;
    int rc = parse_args(argc, argv, &o);
    if (rc != CLI_OK) {
        analyze_config_args_free(&o.config);
        return rc < 0 ? CLI_OK : rc;
    }
    session s = {0};
    s.warnings = json_array();
    s.r = cli_open_recording(o.path, &o.in);
    if (!s.r) {
        json_decref(s.warnings);
        analyze_config_args_free(&o.config);
        return CLI_FAILED;
    }
    static const psy_channel_type heart[] = {PSY_CH_ECG, PSY_CH_RR}, skin[] = {PSY_CH_EDA},
                                  resp[] = {PSY_CH_RESP};
    int failed = 0;
    s.ecg = channel_of(&s, o.path, o.ecg, heart, 2, "ECG or RR", &failed);
    s.eda = channel_of(&s, o.path, o.eda, skin, 1, "EDA", &failed);
    s.rsp = channel_of(&s, o.path, o.rsp, resp, 1, "RSP", &failed);
    psy_message why = {{0}};
    psy_status st = PSY_OK;
    psy_segment *seg = NULL;
    size_t n_seg = 0, n_rows = 0, n_events = 0;
    epoch_row *rows = NULL;
    double *events = NULL;
    json_t *base = NULL;
    cli_output outs[16] = {{0}};
    int n_out = 0;
    rc = CLI_FAILED;
    if (failed) goto done;
    s.beats_cfg = psy_beats_config_default();
    if (s.ecg >= 0 && psy_beats_detect(s.r, s.ecg, &s.beats_cfg, &s.beats, &why) != PSY_OK)
        warn(&s, "no beats: %s", why.text);
    s.hrv_cfg = psy_hrv_config_default();
    s.hrv_cfg.spectra = PSY_HRV_WELCH;
    if (psy_hrv_create(&s.hrv_cfg, &s.hrv, &why) != PSY_OK) goto done;
    if (s.eda >= 0) {
        psy_eda_config ec = psy_eda_config_default(psy_reader_channel(s.r, s.eda)->rate_hz);
        if (psy_eda_analyze(s.r, s.eda, &ec, o.eda_method, &s.scr, &why) != PSY_OK)
            warn(&s, "no skin conductance analysis: %s", why.text);
        else if (s.scr->why_na[0])
            warn(&s, "skin conductance: %s", s.scr->why_na);
    }
    if (s.rsp >= 0 && (st = detect_breaths(&s)) != PSY_OK) goto done;
    if (psy_segments_make(s.r, o.rule, o.window_s, o.step_s, &seg, &n_seg) != PSY_OK) goto done;
    events = malloc((psy_reader_event_count(s.r) + 1) * sizeof *events);
    if (!events) goto done;
    for (size_t i = 0; i < psy_reader_event_count(s.r); i++)
        if (psy_is_session_event(psy_reader_event(s.r, i))) events[n_events++] = psy_reader_event(s.r, i)->onset_s;
    rows = make_epochs(&s, &o, &n_rows);
    if (!rows) goto done;
    print_summary(&s, o.path, rows, n_rows, seg);
    for (size_t i = 0; i < json_array_size(s.warnings); i++)
        fprintf(stderr, "psyphys: %s: warning: %s\n", o.path, json_string_value(json_array_get(s.warnings, i)));
    if (!o.outdir) {
        rc = CLI_OK;
        goto done;
    }
    cli_output_place place;
    char why_place[512];
    if (!cli_output_place_for(o.path, o.outdir, o.layout, &place, why_place, sizeof why_place)) {
        cli_error(o.path, "--layout bids: %s", why_place);
        goto done;
    }
    if (!cli_make_dir(place.dir)) goto done;
    if (place.bids) {
        if (!cli_derivative_description_open(o.outdir, &outs[n_out])) goto done;
        if (outs[n_out].fp) n_out++;
    }
    base = cli_sidecar_new("analyze", o.path, s.r);
    if (!base) goto done;
    json_object_set_new(base, "settings", settings_json(&s, &o));
    cli_sidecar_warnings(base, s.r);
    json_array_extend(json_object_get(base, "warnings"), s.warnings);
    const char *stem = place.stem, *dir = place.dir;
    int ok = 1;
    if (s.beats) {
        ok = open_table(outs, &n_out, dir, stem, "beats", o.overwrite);
        if (ok) {
            cli_write_beats_tsv(outs[n_out - 2].fp, s.beats);
            json_t *b = json_object();
            int chs[2] = {s.ecg, -1};
            cli_beats_sidecar(b, s.r, chs, &s.beats_cfg, s.beats);
            json_object_del(b, "warnings");
            ok = write_sidecar(outs[n_out - 1].fp, base, "beats", b);
            json_decref(b);
        }
    }
    if (ok && s.scr) {
        ok = open_table(outs, &n_out, dir, stem, "scr", o.overwrite);
        if (ok) {
            write_scr(outs[n_out - 2].fp, s.scr);
            ok = write_sidecar(outs[n_out - 1].fp, base, "scr", NULL);
        }
    }
    if (ok) ok = open_table(outs, &n_out, dir, stem, "segments", o.overwrite);
    if (ok) {
        write_segments(outs[n_out - 2].fp, &s, seg, n_seg, events, n_events, &o);
        ok = write_sidecar(outs[n_out - 1].fp, base, "segments", NULL);
    }
    if (ok && n_rows) {
        ok = open_table(outs, &n_out, dir, stem, "epochs", o.overwrite) &&
             open_table(outs, &n_out, dir, stem, "epoch-means", o.overwrite);
        if (ok) {
            write_epochs(outs[n_out - 4].fp, rows, n_rows);
            write_epoch_means(outs[n_out - 2].fp, rows, n_rows);
            ok = write_sidecar(outs[n_out - 3].fp, base, "epochs", NULL) &&
                 write_sidecar(outs[n_out - 1].fp, base, "epoch-means", NULL);
        }
    }
    if (ok && s.beats && psy_reader_duration(s.r) >= 2 * o.hrv_window_s) {
        ok = open_table(outs, &n_out, dir, stem, "hrv-windows", o.overwrite);
        if (ok) {
            write_hrv_windows(outs[n_out - 2].fp, &s, &o);
            ok = write_sidecar(outs[n_out - 1].fp, base, "hrv-windows", NULL);
        }
    }
    if (!ok || !cli_output_commit_all(outs, n_out)) goto done;
    printf("  wrote %d files to %s/ (%s_*.tsv with .json sidecars)\n", n_out, dir, stem);
    rc = CLI_OK;
done:
    cli_output_abort_all(outs, n_out); /* the outputs not committed */
    if (rc != CLI_OK && st != PSY_OK) cli_error(o.path, "%s", psy_strerror(st));
    json_decref(base);
    json_decref(s.warnings);
    free(rows);
    free(events);
    free(seg);
    free(s.breaths);
    psy_hrv_destroy(s.hrv);
    psy_eda_result_free(s.scr);
    psy_beat_list_free(s.beats);
    psy_reader_close(s.r);
    analyze_config_args_free(&o.config);
    return rc;
}
