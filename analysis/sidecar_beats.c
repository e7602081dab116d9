/* The sidecar of a beats table (psyphys/sidecar.h): the channel, every detector and correction
 * setting, the counts per class, the gaps, the columns, and why a channel gave few beats. */
#include <stdint.h>
#include <string.h>

#include "sidecar_internal.h"

double gaps_seconds(const psy_ecg_gap *gaps, size_t n_gaps, double rate_hz, double *flat_s)
{
    double gap_s = 0;
    *flat_s = 0;
    for (size_t g = 0; g < n_gaps; g++) {
        double d = (double)(gaps[g].end - gaps[g].start) / rate_hz;
        gap_s += d;
        if (gaps[g].flat) *flat_s += d;
    }
    return gap_s;
}

/* Seconds of b's gaps on channel c, all and flat ones. */
static double gaps_s(const psy_beat_list *b, const psy_channel_info *c, double *flat_s)
{
    return gaps_seconds(b->gaps, b->n_gaps, c->rate_hz, flat_s);
}

int beats_gaps_warning(const psy_beat_list *b, const psy_channel_info *c, char *text, size_t size)
{
    double flat_s, gap_s = gaps_s(b, c, &flat_s);
    double total = c->rate_hz > 0 ? (double)c->frames / c->rate_hz : 0;
    if (!(gap_s > 0)) return 0;
    if (b->pulses)
        snprintf(text, size, "%.1f s of %.1f s without usable pulses (missing, flat, clipped "
                 "or artefact: see gaps): no pulses there", gap_s, total);
    else
        snprintf(text, size, "%.1f s of %.1f s without usable signal (%.1f s flat, %.1f s "
                 "missing): no beats there", gap_s, total, flat_s, gap_s - flat_s);
    return 1;
}

/* Why a channel gave few or no beats, from its gaps. */
static void explain(const psy_beat_list *b, const psy_channel_info *c, json_t *warnings)
{
    double flat_s, gap_s = gaps_s(b, c, &flat_s);
    double total = c->rate_hz > 0 ? (double)c->frames / c->rate_hz : 0;
    char text[256];
    if (beats_gaps_warning(b, c, text, sizeof text)) json_array_append_new(warnings, json_string(text));
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
        "{s:s,s:s,s:i,s:[f,f],s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "method",
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
        d->min_quality, "amplitude_ratio", d->amplitude_ratio, "resume_quality", d->resume_quality));
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

static json_t *counts_json(const psy_beat_list *b, size_t corrected)
{
    json_t *o = json_object();
    json_object_set_new(o, "beats", json_integer((json_int_t)b->n));
    for (int k = 0; k < PSY_BEAT_CLASS_COUNT; k++)
        json_object_set_new(o, psy_beat_class_name((psy_beat_class)k),
                            json_integer((json_int_t)b->counts.n[k]));
    json_object_set_new(o, "searchback", json_integer((json_int_t)b->n_searchback));
    json_object_set_new(o, "nn_intervals", json_integer((json_int_t)b->n_nn));
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

/* The corrected intervals of b's NN series; SIZE_MAX when it is not in b (a lean session's). */
static size_t nn_corrected_of(const psy_beat_list *b)
{
    if (b->n_nn && !b->nn_corrected) return SIZE_MAX;
    size_t corrected = 0;
    for (size_t i = 0; i < b->n_nn; i++) corrected += b->nn_corrected[i];
    return corrected;
}

static psy_status add_sidecar(psy_sidecar *sc, psy_reader *r, const int chs[2], json_t *settings,
                              const psy_beat_list *b, size_t nn_corrected)
{
    json_t *sidecar = sc->o;
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
    json_object_set_new(sidecar, "counts", counts_json(b, nn_corrected));
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
    psy_status st = psy_sidecar_add_reader_warnings(sc, r);
    if (st == PSY_OK) explain(b, c, json_object_get(sidecar, "warnings"));
    return st;
}

psy_status psy_sidecar_add_beats(psy_sidecar *sc, psy_reader *r, const int chs[2], const psy_beats_config *cfg,
                                 const psy_beat_list *b)
{
    return sidecar_add_beats_counted(sc, r, chs, cfg, b, b ? nn_corrected_of(b) : 0);
}

psy_status sidecar_add_beats_counted(psy_sidecar *sc, psy_reader *r, const int chs[2], const psy_beats_config *cfg,
                                     const psy_beat_list *b, size_t nn_corrected)
{
    if (!sc || !r || !chs || !cfg || !b || !psy_reader_channel(r, chs[0]) || nn_corrected == SIZE_MAX)
        return PSY_E_INVALID;
    return add_sidecar(sc, r, chs, settings_json(cfg, psy_reader_channel(r, chs[0])), b, nn_corrected);
}

psy_status psy_sidecar_add_pulses(psy_sidecar *sc, psy_reader *r, int ch, const psy_pulses_config *cfg,
                                  const psy_beat_list *b)
{
    size_t nn_corrected = b ? nn_corrected_of(b) : SIZE_MAX;
    if (!sc || !r || !cfg || !psy_reader_channel(r, ch) || nn_corrected == SIZE_MAX) return PSY_E_INVALID;
    const int chs[2] = {ch, -1};
    return add_sidecar(sc, r, chs, pulse_settings_json(cfg, b), b, nn_corrected);
}

static const char prv_note[] = "pulse rate variability (PRV): intervals between the half-amplitude points of PPG "
                               "pulses, not heart rate variability (the pulse transit time varies with breathing and "
                               "blood pressure; PRV runs a little higher at rest, further off in movement)";

const char *psy_pulse_rate_variability_note(void) { return prv_note; }

psy_status psy_sidecar_add_pulse_variability(psy_sidecar *sc, psy_reader *r, int ch, const psy_beat_list *b)
{
    if (!sc || !r || !b || !psy_reader_channel(r, ch)) return PSY_E_INVALID;
    json_t *sidecar = sc->o;
    json_object_set_new(sidecar, "variability", json_string(prv_note));
    psy_pulses_config cfg = psy_pulses_config_default();
    json_t *settings = pulse_settings_json(&cfg, b);
    json_object_set(sidecar, "pulse_detector", json_object_get(settings, "detector"));
    json_decref(settings);
    return psy_sidecar_add_beat_gaps(sc, r, ch, b);
}

psy_status psy_sidecar_add_beat_gaps(psy_sidecar *sc, psy_reader *r, int ch, const psy_beat_list *b)
{
    if (!sc || !r || !b || !psy_reader_channel(r, ch)) return PSY_E_INVALID;
    json_object_set_new(sc->o, "gaps", gaps_json(b, r, ch));
    json_t *warnings = psy_sidecar_warnings_array(sc);
    if (!warnings) return PSY_E_NOMEM;
    explain(b, psy_reader_channel(r, ch), warnings);
    return PSY_OK;
}
