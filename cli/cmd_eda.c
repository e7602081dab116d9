/* psyphys eda — skin conductance: SCRs (onset, peak, amplitude, rise, half recovery), SCL and
 * the summary metrics, event-related SCRs; TSV tables with a JSON sidecar of every setting. */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beats_table.h"
#include "cli.h"
#include "eda_json.h"
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
            "  --epochs FILE            event-related SCRs, one row per event of the recording\n"
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

static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *settings_json(const psy_eda_result *res, double lat_min, double lat_max)
{
    const psy_eda_config *c = &res->config;
    json_t *o = json_object();
    json_object_set_new(o, "method", json_string(psy_eda_method_name(res->method)));
    json_object_set_new(o, "preprocessing", json_pack(
        "{s:s,s:f,s:f,s:f,s:[f,f],s:f,s:f}", "lowpass",
        "two 2nd-order Butterworth sections at min(lowpass_hz, 0.35 rate), skipped below 0.2 Hz; "
        "times corrected for its group delay", "lowpass_hz", c->lowpass_hz, "analysis_rate_target_hz",
        c->analysis_rate_hz, "analysis_rate_hz", res->analysis_rate_hz, "valid_range_us", c->min_us,
        c->max_us, "max_slope_us_per_s", c->max_slope_us_per_s, "flat_s", c->flat_s));
    json_object_set_new(o, "artifacts", cli_eda_artifact_rules_json(c));
    if (res->method == PSY_EDA_FAST)
        json_object_set_new(o, "decomposition", json_pack(
            "{s:s,s:f}", "method", "phasic = causal 2nd-order Butterworth high-pass; tonic = "
            "low-passed signal minus phasic", "highpass_hz", c->highpass_hz));
    else
        json_object_set_new(o, "decomposition", json_pack(
            "{s:s,s:f,s:f,s:f,s:f,s:f}", "method",
            "deconvolution by the unit-area Bateman response with Gaussian smoothing (FFTW); tonic "
            "driver = quantile of the driver per grid window, linear between window centres "
            "(Benedek & Kaernbach 2010, J Neurosci Methods 190:80-91)",
            "tau1_s", c->tau1_s, "tau2_s", c->tau2_s, "smooth_sigma_s", c->smooth_s, "tonic_grid_s",
            c->tonic_grid_s, "tonic_quantile", c->tonic_quantile));
    json_object_set_new(o, "scr", json_pack(
        "{s:s,s:f,s:f,s:f,s:f,s:[f,f],s:f,s:f}", "criteria",
        "candidates where the first-order driver (level + tau2 x slope) rises; onset at the knee of "
        "the rise (the trough on a falling level); amplitude = peak minus the baseline extrapolated "
        "from the slope before the onset, >= min_amplitude_us; a trough-to-peak rise of the level of "
        "min_amplitude_us (less 3 sd of the noise); rise time within rise_time_s; the amplitude on "
        "the level averaged over +-0.5 s >= noise_factor x the standard deviation the sensor noise "
        "gives that measurement",
        "min_amplitude_us", c->min_amplitude_us, "noise_factor", c->noise_factor,
        "relative_amplitude", c->relative_amplitude,
        "hysteresis_us", c->hysteresis_us > 0 ? c->hysteresis_us : fmin(0.5 * c->min_amplitude_us, 0.005),
        "rise_time_s", c->min_rise_s, c->max_rise_s, "recovery_max_s", c->recovery_max_s,
        "baseline_s", c->baseline_s));
    json_object_set_new(o, "event_related", json_pack("{s:[f,f],s:s}", "latency_window_s", lat_min,
                                                      lat_max, "rule",
                                                      "largest SCR whose onset lies in the window; "
                                                      "amplitude 0 when none"));
    return o;
}

/* whole: psy_eda_summarize over the whole channel (NS-SCRs: outside every event's latency window,
 * all of them without events), the same rate the --segments table gives a span. */
static json_t *summary_json(const psy_eda_result *r, const psy_eda_summary *whole)
{
    json_t *o = json_object();
    json_object_set_new(o, "scl_us", num_or_null(r->scl_us));
    json_object_set_new(o, "ns_scr_per_min", num_or_null(isnan(r->scl_us) ? NAN : whole->ns_scr_per_min));
    json_object_set_new(o, "scr_count", json_integer((json_int_t)r->n));
    json_object_set_new(o, "ns_scr_count", json_integer((json_int_t)whole->ns_scr_count));
    json_object_set_new(o, "scr_amplitude_mean_us", num_or_null(r->scr_amplitude_mean_us));
    json_object_set_new(o, "scr_amplitude_sum_us", num_or_null(r->scr_amplitude_sum_us));
    json_object_set_new(o, "phasic_driver_area_us_s", num_or_null(r->phasic_driver_area_us_s));
    json_object_set_new(o, "duration_s", json_real(r->duration_s));
    json_object_set_new(o, "valid_s", json_real(r->valid_s));
    json_object_set_new(o, "excluded_s", json_real(fmax(0, r->duration_s - r->valid_s)));
    const psy_eda_noise *nz = &r->noise;
    json_object_set_new(o, "noise", json_pack(
        "{s:o,s:o,s:o,s:o,s:f}", "noise_us", num_or_null(nz->noise_us), "noise_max_us",
        num_or_null(nz->noise_max_us), "criterion_us", num_or_null(nz->criterion_us),
        "criterion_max_us", num_or_null(nz->criterion_max_us), "criterion_raised_s", nz->raised_s));
    if (r->why_na[0]) json_object_set_new(o, "n/a_reason", json_string(r->why_na));
    else if (whole->ns_scr_per_min_na) json_object_set_new(o, "n/a_reason", json_string(whole->ns_scr_per_min_na));
    if (r->method == PSY_EDA_FAST)
        json_object_set_new(o, "phasic_driver_area_n/a_reason", json_string("deconv method only"));
    return o;
}

static void warn(json_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(json_t *w, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    json_array_append_new(w, json_string(text));
}

/* Warnings a person must see: flagged stretches, impossible units, n/a values. */
static void explain(const psy_eda_result *r, const psy_channel_info *c, json_t *w)
{
    const psy_eda_artifacts *a = &r->artifacts;
    double dt = 1.0 / r->analysis_rate_hz, total = (double)a->total;
    if (c->type != PSY_CH_EDA)
        warn(w, "channel '%s' is typed %s (unit '%s'): its values are taken as uS", c->label,
             psy_channel_type_name(c->type), c->unit);
    if (total > 0 && (double)a->above_max > 0.5 * total)
        warn(w, "%.0f %% of the samples are above %.0f uS: these values cannot be skin conductance "
             "in uS (nS or kOhm?); declare the unit with --unit LABEL=UNIT",
             100.0 * (double)a->above_max / total, r->config.max_us);
    if (a->below_min > 0)
        warn(w, "%.1f s at or below %g uS (contact lost, electrode disconnected, or a wrong unit): "
             "not used", (double)a->below_min * dt, r->config.min_us);
    if (a->drop > 0)
        warn(w, "%.1f s of sudden drops below %g of the last second's level (contact or pressure "
             "artefacts): not used", (double)a->drop * dt, r->config.drop_fraction);
    if (a->near > 0)
        warn(w, "%.1f s within %g s of an artefact: not used (no SCR scored, not in the valid "
             "minutes of the NS-SCR rate)", (double)a->near * dt, r->config.artifact_radius_s);
    if (a->spike > 0)
        warn(w, "%.1f s with spikes repaired (excursions that return within %g s: motion or contact)",
             (double)a->spike * dt, r->config.spike_max_s);
    if (a->flat > 0)
        warn(w, "%.1f s flat (no change for %.0f s: disconnected or saturated): not used",
             (double)a->flat * dt, r->config.flat_s);
    if (a->slope > 0)
        warn(w, "%.1f s with slopes steeper than %g uS/s (movement artefacts): not used",
             (double)a->slope * dt, r->config.max_slope_us_per_s);
    if (a->missing > 0) warn(w, "%.1f s missing (NaN)", (double)a->missing * dt);
    if (r->why_na[0]) warn(w, "n/a values: %s", r->why_na);
}

static void write_scr_tsv(FILE *fp, const psy_eda_result *r)
{
    fprintf(fp, "onset\tpeak_onset\tamplitude_us\trise_time_s\thalf_recovery_s\n");
    for (size_t i = 0; i < r->n; i++) {
        const psy_eda_scr *s = &r->scr[i];
        fprintf(fp, "%.4f\t%.4f\t%.5f\t%.4f\t", s->onset_s, s->peak_s, s->amplitude_us, s->rise_time_s);
        if (isnan(s->half_recovery_s)) fprintf(fp, "n/a\n");
        else fprintf(fp, "%.4f\n", s->half_recovery_s);
    }
}

/* An event's label as a TSV cell (tabs and line breaks as spaces). */
static void put_label(FILE *fp, const char *label)
{
    for (const char *p = label; *p; p++) fputc(*p == '\t' || *p == '\n' ? ' ' : *p, fp);
}

/* Columns as analyze's epochs table names them (label, onset first; scr_ for the response). */
static void write_epochs_tsv(FILE *fp, psy_reader *rd, const psy_eda_events *ev)
{
    fprintf(fp, "label\tonset\tscr_found\tscr_amplitude_us\tscr_latency_s\tscr_rise_time_s\tscr_peak_onset"
                "\tscl_baseline_us\n");
    const psy_eda_event_response *e = ev->epochs;
    for (size_t i = 0; i < ev->n_events; i++) {
        put_label(fp, psy_reader_event(rd, i)->label);
        fprintf(fp, "\t%.4f\t%d\t%.5f\t", e[i].event_s, e[i].found, e[i].amplitude_us);
        if (e[i].found) fprintf(fp, "%.4f\t%.4f\t%.4f\t", e[i].latency_s, e[i].rise_time_s, e[i].peak_s);
        else fprintf(fp, "n/a\tn/a\tn/a\t");
        if (isnan(e[i].scl_us)) fprintf(fp, "n/a\n");
        else fprintf(fp, "%.5f\n", e[i].scl_us);
    }
}

/* Columns as analyze's segments table names them (label, onset, duration first). */
static void write_segments_tsv(FILE *fp, psy_reader *rd, const psy_eda_events *ev)
{
    fprintf(fp, "label\tonset\tduration\tscl_us\tscr_count\tns_scr_count\tns_scr_per_min\t"
                "excluded_s\tscr_amplitude_mean_us\tscr_amplitude_sum_us\tphasic_driver_area_us_s\n");
    for (size_t k = 0; k < ev->n_segments; k++) {
        const psy_event *e = psy_reader_event(rd, ev->segment_event[k]);
        const psy_eda_summary *s = &ev->segments[k];
        put_label(fp, e->label);
        fprintf(fp, "\t%.4f\t%.4f", e->onset_s, e->duration_s);
        double v[] = {s->scl_us, (double)s->scr_count, (double)s->ns_scr_count, s->ns_scr_per_min,
                      s->excluded_s, s->scr_amplitude_mean_us, s->scr_amplitude_sum_us,
                      s->phasic_driver_area_us_s};
        for (size_t c = 0; c < sizeof v / sizeof v[0]; c++) {
            if (isnan(v[c])) fprintf(fp, "\tn/a");
            else if (c == 1 || c == 2 || c == 4) fprintf(fp, "\t%.0f", v[c]);
            else fprintf(fp, "\t%.5f", v[c]);
        }
        fputc('\n', fp);
    }
}

/* What each table's columns hold (its sidecar's "columns", BIDS-style Units and Description). */
static json_t *scr_columns(void)
{
    return json_pack(
        "{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}",
        "onset", "Units", "s", "Description", "SCR onset from the recording start",
        "peak_onset", "Units", "s", "Description", "SCR peak from the recording start",
        "amplitude_us", "Units", "uS", "Description", "peak minus the extrapolated pre-onset baseline",
        "rise_time_s", "Units", "s", "Description", "peak_onset - onset",
        "half_recovery_s", "Units", "s", "Description",
        "from the peak to half the amplitude (n/a: not reached before the next SCR or within recovery_max_s)");
}

static json_t *epochs_columns(void)
{
    return json_pack(
        "{s:{s:s},s:{s:s,s:s},s:{s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s}}",
        "label", "Description", "the event's label", "onset", "Units", "s", "Description",
        "the event's onset from the recording start", "scr_found", "Description",
        "1 when an SCR has its onset in the latency window after the event, else 0", "scr_amplitude_us", "Units",
        "uS", "Description", "amplitude of the largest SCR with its onset in the latency window; 0 when none",
        "scr_latency_s", "Units", "s", "Description", "its onset minus the event's onset (n/a when none)",
        "scr_rise_time_s", "Units", "s", "Description", "its rise time (n/a when none)", "scr_peak_onset", "Units",
        "s", "Description", "its peak from the recording start (n/a when none)", "scl_baseline_us", "Units", "uS",
        "Description", "mean tonic level over the second before the event");
}

static json_t *segments_columns(void)
{
    return json_pack("{s:s,s:s}", "rows", "one per event with a duration (a session phase)", "metrics",
                     "as the --json summary, over the seconds of the phase");
}

/* A table's own sidecar: the shared one with the table's name and columns. 1 when written. */
static int write_table_sidecar(FILE *fp, json_t *base, const char *table, json_t *columns)
{
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
    const psy_channel_info *c = psy_reader_channel(r, ch);
    if (psy_eda_events_of(res, r, lat_min, lat_max, &ev) != PSY_OK) {
        cli_error(path, "out of memory");
        goto done;
    }
    size_t n_ev = ev.n_events;

    sidecar = out_path || epochs_path || segments_path ? cli_sidecar_new("eda", path, r) : json_object();
    if (!sidecar) goto done;
    json_object_set_new(sidecar, "channel", json_pack("{s:s,s:i,s:s,s:s,s:s,s:f}", "label", c->label,
                                                      "index", ch, "type", psy_channel_type_name(c->type),
                                                      "unit", c->unit, "file_unit", c->file_unit,
                                                      "rate_hz", c->rate_hz));
    json_object_set_new(sidecar, "settings", settings_json(res, lat_min, lat_max));
    json_object_set_new(sidecar, "summary", summary_json(res, &ev.whole));
    json_object_set_new(sidecar, "artifacts", cli_eda_artifacts_json(res));
    json_object_set_new(sidecar, "events", json_integer((json_int_t)n_ev));
    json_object_set_new(sidecar, "events_files", cli_events_files_json(events_read));
    json_object_set_new(sidecar, "unit_conversion", json_pack(
        "{s:s,s:s,s:f}", "file_unit", c->file_unit, "kind",
        c->conversion == PSY_CONV_RECIPROCAL ? "reciprocal: uS = scale / file value (resistance)"
        : c->conversion == PSY_CONV_SCALE    ? "scale: uS = file value x scale"
                                             : "none",
        "scale", c->conversion == PSY_CONV_NONE ? 1.0 : c->conversion_scale));
    cli_sidecar_warnings(sidecar, r);
    explain(res, c, json_object_get(sidecar, "warnings"));
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
        if (ok) write_scr_tsv(outs[0].fp, res);
        if (ok && side) ok = write_table_sidecar(outs[1].fp, sidecar, "scr", scr_columns());
    } else if (!want_json) {
        write_scr_tsv(stdout, res);
    }
    if (ok && epochs_path) {
        int k = n_out;
        ok = open_table(outs, &n_out, epochs_path, overwrite, &side);
        if (ok) write_epochs_tsv(outs[k].fp, r, &ev);
        if (ok && side) ok = write_table_sidecar(outs[k + 1].fp, sidecar, "epochs", epochs_columns());
    }
    if (ok && segments_path) {
        int k = n_out;
        ok = open_table(outs, &n_out, segments_path, overwrite, &side);
        if (ok) write_segments_tsv(outs[k].fp, r, &ev);
        if (ok && side) ok = write_table_sidecar(outs[k + 1].fp, sidecar, "segments", segments_columns());
    }
    if (!ok) {
        cli_output_abort_all(outs, n_out);
        goto done;
    }
    if (n_out && !cli_output_commit_all(outs, n_out)) goto done;
    if (want_json) {
        json_t *s = summary_json(res, &ev.whole);
        json_object_set_new(s, "artifacts", cli_eda_artifacts_json(res));
        json_dumpf(s, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(s);
    }
    rc = CLI_OK;
done:
    free(events_read);
    json_decref(sidecar);
    psy_eda_events_free(&ev);
    psy_eda_result_free(res);
    psy_reader_close(r);
    return rc;
}
