/* The beats table and its sidecar. */
#include <math.h>
#include <string.h>

#include "beats_table.h"
#include "fixed_format.h"
#include "cli.h"
#include "provenance.h"

int cli_pick_channel(psy_reader *r, const char *path, const char *label,
                     const psy_channel_type *types, int n_types, const char *what)
{
    int ch;
    psy_message why = {{0}};
    psy_status st = psy_reader_pick_channel(r, label, types, n_types, &ch, &why);
    if (st == PSY_OK) return ch;
    if (st == PSY_E_INVALID) {
        const psy_channel_info *c = psy_reader_channel(r, psy_reader_find_channel(r, label));
        cli_error(path, "%s: refused; if it is %s, say so with --channel-type '%s=%s'", why.text,
                  psy_channel_type_name(types[0]), c->label, psy_channel_type_name(types[0]));
    } else if (label) { /* every label, however many (the library's reason stops at its size) */
        char list[1024] = "";
        for (int i = 0; i < psy_reader_channel_count(r); i++) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s'%s'", i ? ", " : "", psy_reader_channel(r, i)->label);
        }
        cli_error(path, "no channel labelled '%s'; it has %s", label,
                  psy_reader_channel_count(r) ? list : "no channels");
    } else {
        cli_error(path, "no %s channel; name one with --channel LABEL", what);
    }
    return -1;
}

/* Appends text to a row. */
static size_t put(char *row, size_t len, const char *text)
{
    size_t n = strlen(text);
    memcpy(row + len, text, n);
    return len + n;
}

void cli_write_beats_tsv(FILE *fp, const psy_beat_list *b)
{
    fputs(b->pulses ? "onset\tsample\trr_ms\tlabel\tcorrected\tpeak_sample\tquality\n"
                    : "onset\tsample\trr_ms\tlabel\tcorrected\n", fp);
    /* Each row is built in memory and written once (as "%.6f\t%lld\t%.3f\t%s\t%d\n" would be):
     * a 24 h recording has over 100 000 rows. */
    char row[5 * CLI_FIXED_MAX + 24]; /* three numbers, two integers, a label of at most 7 */
    for (size_t i = 0; i < b->n; i++) {
        size_t len = cli_format_fixed(row, b->onset_s[i], 6);
        row[len++] = '\t';
        if (b->sample[i] >= 0) len += cli_format_int(row + len, (long long)b->sample[i]);
        else len = put(row, len, "n/a");
        row[len++] = '\t';
        if (isnan(b->rr_ms[i])) len = put(row, len, "n/a");
        else len += cli_format_fixed(row + len, b->rr_ms[i], 3);
        row[len++] = '\t';
        len = put(row, len, psy_beat_class_name(b->cls[i]));
        len = put(row, len, psy_beat_interval_corrected(b->cls[i], i > 0, i > 0 ? b->cls[i - 1] : PSY_BEAT_NORMAL) ? "\t1" : "\t0");
        if (b->pulses) {
            row[len++] = '\t';
            len += cli_format_int(row + len, (long long)b->peak_sample[i]);
            row[len++] = '\t';
            if (isnan(b->quality[i])) len = put(row, len, "n/a");
            else len += cli_format_fixed(row + len, b->quality[i], 3);
        }
        row[len++] = '\n';
        fwrite(row, 1, len, fp);
    }
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
        if (b->pulses)
            snprintf(text, sizeof text, "%.1f s of %.1f s without usable pulses (missing, flat, clipped "
                     "or artefact: see gaps): no pulses there", gap_s, total);
        else
            snprintf(text, sizeof text, "%.1f s of %.1f s without usable signal (%.1f s flat, %.1f s "
                     "missing): no beats there", gap_s, total, flat_s, gap_s - flat_s);
        json_array_append_new(warnings, json_string(text));
    }
    if (b->n < 2) {
        snprintf(text, sizeof text, "%zu %s found on channel '%s': %s", b->n, b->pulses ? "pulse(s)" : "beat(s)",
                 c->label, total < 2 ? "the signal is shorter than two heartbeats"
                 : gap_s > 0.9 * total ? (b->pulses ? "the channel is flat, missing or unusable" : "the channel is flat or missing")
                 : b->pulses ? "no pulses stand out (wrong channel or very noisy?)"
                             : "no QRS complexes stand out (wrong channel or very noisy?)");
        json_array_append_new(warnings, json_string(text));
    }
}

static json_t *correction_json(const psy_rr_config *rr)
{
    return json_pack("{s:s,s:f,s:i,s:i,s:f,s:f,s:s}", "method",
                     "Lipponen & Tarvainen 2019 (J Med Eng Technol 43(3):173-181)", "alpha", rr->alpha,
                     "qd_window_beats", rr->qd_window, "median_window_beats", rr->median_window, "c1",
                     rr->c1, "c2", rr->c2, "threshold_guards",
                     "thresholds kept within 0.5 % .. 25 % of the local median RR");
}

static json_t *pulse_settings_json(const psy_pulses_config *cfg, const psy_beat_list *b)
{
    const psy_ppg_detector_config *d = &cfg->detector;
    json_t *o = json_object();
    json_object_set_new(o, "detector", json_pack(
        "{s:s,s:s,s:i,s:[f,f],s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "method",
        "PPG pulses: 0.5-8 Hz band-pass, two moving averages with an offset threshold (Elgendi et al. "
        "2013, PLoS ONE 8(10):e76585); on a 12 Hz linear-phase low-pass, the half-amplitude point of the "
        "upstroke (Peralta et al. 2019, Physiol Meas 40:025007) and the foot by intersecting tangents; "
        "quality = correlation with the template of the last accepted pulses (Li & Clifford 2012; "
        "Orphanidou et al. 2015)",
        "fiducial", "half-amplitude point of the upstroke (intervals between them: pulse rate variability)",
        "polarity", b->polarity,
        "band_hz", d->band_low_hz, d->band_high_hz, "peak_window_s", d->peak_window_s,
        "pulse_window_s", d->pulse_window_s, "offset_beta", d->offset_beta, "lowpass_hz", d->lowpass_hz,
        "refractory_s", d->refractory_s, "flat_s", d->flat_s, "clip_s", d->clip_s, "min_quality",
        d->min_quality, "amplitude_ratio", d->amplitude_ratio));
    json_object_set_new(o, "correction", correction_json(&cfg->rr));
    return o;
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
    json_object_set_new(o, "correction", correction_json(&cfg->rr));
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
    json_object_set_new(o, "nn_left_out", json_integer((json_int_t)b->counts.nn_left_out));
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
                                           "kind", b->pulses ? psy_ppg_reason_name(b->gap_reason[g])
                                                   : b->gaps[g].flat ? "flat" : "missing"));
    }
    return a;
}

static void add_sidecar(json_t *sidecar, psy_reader *r, const int chs[2], json_t *settings,
                        const psy_beat_list *b);

void cli_beats_sidecar(json_t *sidecar, psy_reader *r, const int chs[2],
                       const psy_beats_config *cfg, const psy_beat_list *b)
{
    add_sidecar(sidecar, r, chs, settings_json(cfg, psy_reader_channel(r, chs[0])), b);
}

void cli_pulses_sidecar(json_t *sidecar, psy_reader *r, int ch, const psy_pulses_config *cfg,
                        const psy_beat_list *b)
{
    const int chs[2] = {ch, -1};
    add_sidecar(sidecar, r, chs, pulse_settings_json(cfg, b), b);
}

static void add_sidecar(json_t *sidecar, psy_reader *r, const int chs[2], json_t *settings,
                        const psy_beat_list *b)
{
    int ch = chs[0];
    const psy_channel_info *c = psy_reader_channel(r, ch);
    json_object_set_new(sidecar, "channel", json_pack("{s:s,s:i,s:s,s:s,s:o}", "label", c->label,
                                                      "index", ch, "type",
                                                      psy_channel_type_name(c->type), "unit", c->unit,
                                                      "rate_hz", c->rate_hz > 0 ? json_real(c->rate_hz)
                                                                                : json_null()));
    if (chs[1] >= 0)
        json_object_set_new(sidecar, "second_lead", json_pack("{s:s,s:i}", "label",
                                                              psy_reader_channel(r, chs[1])->label,
                                                              "index", chs[1]));
    json_object_set_new(sidecar, "settings", settings);
    json_object_set_new(sidecar, "counts", counts_json(b));
    if (c->type != PSY_CH_RR) json_object_set_new(sidecar, "gaps", gaps_json(b, r, ch));
    json_t *columns = json_pack(
        "{s:{s:s,s:s},s:{s:s},s:{s:s,s:s},s:{s:s},s:{s:s}}",
        "onset", "Units", "s", "Description", b->pulses ? "the pulse's half-amplitude point on its upstroke, from the recording start"
                                                         : "R-peak time from the recording start",
        "sample", "Description", b->pulses ? "sample index of that point at the channel's rate"
                                           : "R-peak sample index at the channel's rate",
        "rr_ms", "Units", "ms", "Description", b->pulses ? "pulse interval ending at this pulse (n/a after a gap)"
                                                         : "interval ending at this beat (n/a after a gap)",
        "label", "Description", "N or the artefact class of the beat",
        "corrected", "Description", "1 when this beat's interval is changed in the NN series");
    if (b->pulses) {
        json_object_set_new(columns, "peak_sample", json_pack("{s:s}", "Description", "systolic peak sample index"));
        json_object_set_new(columns, "quality", json_pack("{s:s}", "Description",
            "correlation of the pulse with the template of the last accepted pulses (n/a for the first ones)"));
        json_object_set_new(sidecar, "beats", json_string("PPG pulses: intervals are pulse intervals, "
                                                          "their variability is pulse rate variability"));
    }
    json_object_set_new(sidecar, "columns", columns);
    cli_sidecar_warnings(sidecar, r);
    explain(b, c, json_object_get(sidecar, "warnings"));
}

const char cli_prv_text[] = "pulse rate variability (PRV): intervals between PPG pulse feet, not heart rate "
                            "variability (the pulse transit time varies with breathing and blood pressure; PRV "
                            "runs a little higher at rest, further off in movement)";

void cli_pulses_variability_sidecar(const char *path, json_t *sidecar, psy_reader *r, int ch, const psy_beat_list *b)
{
    json_object_set_new(sidecar, "variability", json_string(cli_prv_text));
    psy_pulses_config cfg = psy_pulses_config_default();
    json_t *settings = pulse_settings_json(&cfg, b);
    json_object_set(sidecar, "pulse_detector", json_object_get(settings, "detector"));
    json_decref(settings);
    json_object_set_new(sidecar, "gaps", gaps_json(b, r, ch));
    json_t *warnings = json_object_get(sidecar, "warnings");
    size_t before = json_array_size(warnings);
    explain(b, psy_reader_channel(r, ch), warnings);
    for (size_t i = before; i < json_array_size(warnings); i++)
        fprintf(stderr, "psyphys: %s: warning: %s\n", path, json_string_value(json_array_get(warnings, i)));
}

void cli_print_warnings(const char *path, json_t *sidecar)
{
    json_t *warnings = json_object_get(sidecar, "warnings");
    for (size_t i = 0; i < json_array_size(warnings); i++)
        fprintf(stderr, "psyphys: %s: warning: %s\n", path, json_string_value(json_array_get(warnings, i)));
}
