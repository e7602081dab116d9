/* Gathers what a QC report shows (see report_data.h). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "provenance.h"
#include "report_data.h"

static void note(report_data *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(report_data *d, const char *fmt, ...)
{
    if (d->n_notes == REPORT_MAX_NOTES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->notes[d->n_notes++], sizeof d->notes[0], fmt, ap);
    va_end(ap);
}

json_t *report_setting(const report_data *d, const char *a, const char *b)
{
    json_t *v = json_object_get(json_object_get(d->sidecar, "settings"), a);
    return b ? json_object_get(v, b) : v;
}

static double setting_num(const report_data *d, const char *a, const char *b, double fallback)
{
    json_t *v = report_setting(d, a, b);
    return json_is_number(v) ? json_number_value(v) : fallback;
}

/* OUTDIR/STEM_NAME.tsv into t when it exists: 1 loaded, 0 absent, -1 broken (printed). */
static int load_table(const char *dir, const char *stem, const char *name, report_table *t)
{
    char path[4096], why[256];
    snprintf(path, sizeof path, "%s/%s_%s.tsv", dir, stem, name);
    if (access(path, F_OK) != 0) return 0;
    if (report_table_load(path, t, why, sizeof why)) return 1;
    cli_error(path, "%s", why);
    return -1;
}

/* The beats and their NN series from the beats table, by the library's one rule (psy_beats_table_read,
 * psy_beats_table_nn: the table's labels, edited or not, give the classes; runs cut as the analysis
 * cut them). 0 when out of memory; a table that cannot be read is a note (no tachogram). */
static int nn_from_beats(report_data *d)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_beats.tsv", d->dir, d->stem);
    psy_source *src = NULL;
    psy_beats_table t;
    psy_message why = {{0}};
    psy_status st = psy_source_open_path(path, &src);
    if (st == PSY_OK) st = psy_beats_table_read(src, &t, &why);
    psy_source_close(src);
    if (st == PSY_E_NOMEM) return 0;
    if (st == PSY_OK && t.n != d->beats.n_rows) {
        snprintf(why.text, sizeof why.text, "%zu rows, but %zu beats read", d->beats.n_rows, t.n);
        psy_beats_table_free(&t);
        st = PSY_E_FORMAT;
    }
    if (st != PSY_OK) {
        note(d, "the beats table: %s: no tachogram, spectra or epochs", why.text[0] ? why.text : psy_strerror(st));
        return 1;
    }
    size_t n = t.n;
    d->n_beats = n;
    d->beat_t = t.onset_s, d->beat_rr = t.rr_ms, d->beat_cls = t.classes; /* the table's arrays, kept */
    d->beat_corrected = calloc(n + 1, 1);
    d->nn_t = malloc((2 * n + 1) * sizeof *d->nn_t);
    d->nn_ms = malloc((2 * n + 1) * sizeof *d->nn_ms);
    d->nn_corrected = malloc(2 * n + 1);
    d->nn_run_start = calloc(2 * n + 1, 1);
    if (!d->beat_corrected || !d->nn_t || !d->nn_ms || !d->nn_corrected || !d->nn_run_start) return 0;
    for (size_t i = 0; d->beat_cls && i < n; i++)
        d->beat_corrected[i] = (uint8_t)psy_beat_interval_corrected(d->beat_cls[i], i > 0,
                                                                    i > 0 ? d->beat_cls[i - 1] : PSY_BEAT_NORMAL);
    if (psy_beats_table_nn(&t, NULL, d->nn_ms, d->nn_t, d->nn_corrected, d->nn_run_start, 2 * n + 1, &d->n_nn, NULL,
                           &why) != PSY_OK)
        note(d, "the beats table: %s", why.text);
    for (size_t i = 0; i < d->n_nn; i++) d->nn_corrected_count += d->nn_corrected[i];
    return 1;
}

const char *report_beat_label(const report_data *d, size_t i)
{
    return psy_beat_class_name(d->beat_cls && i < d->n_beats ? d->beat_cls[i] : PSY_BEAT_NORMAL);
}

int report_beat_flagged(const report_data *d, size_t i)
{
    return d->beat_cls && i < d->n_beats && (d->beat_cls[i] != PSY_BEAT_NORMAL || d->beat_corrected[i]);
}

/* The recomputed series must be the analysed one: its corrected count is in the beats sidecar. */
static void check_nn(report_data *d)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_beats.json", d->dir, d->stem);
    json_t *side = json_load_file(path, 0, NULL);
    char *text = side ? json_dumps(side, JSON_COMPACT) : NULL;
    psy_message why = {{0}};
    psy_status st = psy_session_nn_check(text ? text : "", d->n_nn, d->nn_corrected_count, &why);
    if (st == PSY_E_FORMAT) note(d, "%s holds no NN counts: the recomputed NN series is unchecked", path);
    else if (st != PSY_OK) note(d, "%s", why.text);
    free(text);
    json_decref(side);
}

static int copy_spectrum(const psy_hrv *h, int method, report_spectrum *s)
{
    const double *f, *p;
    size_t n;
    psy_hrv_spectrum(h, method, &f, &p, &n);
    if (!n) return 1;
    s->f_hz = malloc(n * sizeof *s->f_hz);
    s->psd = malloc(n * sizeof *s->psd);
    if (!s->f_hz || !s->psd) return 0;
    memcpy(s->f_hz, f, n * sizeof *f);
    memcpy(s->psd, p, n * sizeof *p);
    s->n = n;
    return 1;
}

/* Welch and Lomb spectra of the whole NN series with the analysis's settings (only the spectra:
 * the nonlinear and geometric metrics are switched off, the tables hold them). */
static int spectra(report_data *d)
{
    psy_hrv_config c;
    char *text = json_dumps(d->sidecar, JSON_COMPACT); /* NULL: the defaults */
    psy_session_hrv_config_read(text ? text : "", &c, NULL); /* without HRV settings: the defaults */
    free(text);
    memcpy(d->band_hz, c.band_hz, sizeof d->band_hz);
    if (d->n_nn < 2) return 1;
    c.spectra = PSY_HRV_WELCH | PSY_HRV_LOMB;
    c.min_nonlinear_nn = SIZE_MAX;
    c.min_geometric_s = INFINITY;
    psy_message why = {{0}};
    psy_hrv *h = NULL;
    if (psy_hrv_create(&c, &h, &why) != PSY_OK) {
        note(d, "no spectra: %s", why.text);
        return 1;
    }
    psy_hrv_result r;
    int ok = 1;
    if (psy_hrv_compute(h, d->nn_ms, d->nn_t, d->n_nn, &r, NULL) != PSY_OK) ok = 0;
    else ok = copy_spectrum(h, PSY_HRV_WELCH, &d->welch) && copy_spectrum(h, PSY_HRV_LOMB, &d->lomb);
    if (ok && !d->welch.n && !d->lomb.n) /* the library's reason: Lomb's is the laxer rule */
        note(d, "no spectra of the whole NN series: %s",
             r.lomb.na[PSY_HRV_HF_MS2] ? r.lomb.na[PSY_HRV_HF_MS2] : "too short for a spectrum");
    psy_hrv_destroy(h);
    return ok;
}

/* Re-opens the recording the sidecar names, when it is still the file that was analysed
 * (psy_session_input_find), with the input options analyze recorded (psy_session_input_open). */
static void open_recording(report_data *d)
{
    char *text = json_dumps(d->sidecar, JSON_COMPACT);
    char path[4096];
    psy_message why = {{0}};
    psy_status st = text ? psy_session_input_find(text, d->dir, path, sizeof path, &why) : PSY_E_NOMEM;
    if (st == PSY_OK && (st = psy_session_input_open(text, path, &d->rec, &why)) != PSY_OK) {
        cli_error(path, "%s", why.text[0] ? why.text : psy_strerror(st));
        note(d, "the recording %s cannot be re-opened with the analysis's input options (psyphys report "
                "printed why): ECG strips and skin conductance signal left out", path);
    } else if (st == PSY_E_FORMAT) {
        note(d, "the sidecar names no input recording: ECG strips and skin conductance signal left out");
    } else if (st != PSY_OK) {
        note(d, "%s: ECG strips and skin conductance signal left out", why.text[0] ? why.text : psy_strerror(st));
    } else {
        psy_open_options given = psy_open_options_default();
        given.sampling_rate_hz = setting_num(d, "input_options", "fs", 0);
        cli_note_rate(path, d->rec, &given);
    }
    free(text);
    if (!d->rec) return;
    const char *ecg = json_string_value(report_setting(d, "channels", d->pulses ? "ppg" : "ecg"));
    const char *eda = json_string_value(report_setting(d, "channels", "eda"));
    const char *rsp = json_string_value(report_setting(d, "channels", "rsp"));
    d->rsp_ch = rsp ? psy_reader_find_channel(d->rec, rsp) : -1;
    if (d->rsp_ch >= 0 && !(psy_reader_channel(d->rec, d->rsp_ch)->rate_hz > 0)) d->rsp_ch = -1;
    d->ecg_ch = ecg ? psy_reader_find_channel(d->rec, ecg) : -1;
    d->eda_ch = eda ? psy_reader_find_channel(d->rec, eda) : -1;
    if (d->ecg_ch >= 0 && (psy_reader_channel(d->rec, d->ecg_ch)->rate_hz <= 0 ||
                           psy_reader_channel(d->rec, d->ecg_ch)->type == PSY_CH_RR))
        d->ecg_ch = -1; /* beats of an RR channel: no ECG to show */
    if (d->eda_ch < 0) return;
    /* analyzed as EDA (also when typed so by --channel-type): read in uS, as analyze did */
    if (psy_reader_channel(d->rec, d->eda_ch)->type != PSY_CH_EDA)
        psy_reader_set_channel_type(d->rec, d->eda_ch, PSY_CH_EDA);
    psy_eda_config ec = psy_eda_config_default(psy_reader_channel(d->rec, d->eda_ch)->rate_hz);
    ec.lowpass_hz = setting_num(d, "eda", "lowpass_hz", ec.lowpass_hz);
    ec.min_amplitude_us = setting_num(d, "eda", "min_amplitude_us", ec.min_amplitude_us);
    ec.tau1_s = setting_num(d, "eda", "tau1_s", ec.tau1_s);
    ec.tau2_s = setting_num(d, "eda", "tau2_s", ec.tau2_s);
    const char *method = json_string_value(report_setting(d, "eda", "method"));
    psy_eda_method m = method && strcmp(method, "deconv") == 0 ? PSY_EDA_DECONV : PSY_EDA_FAST;
    if (psy_eda_analyze(d->rec, d->eda_ch, &ec, m, &d->eda, &why) != PSY_OK) {
        note(d, "skin conductance not recomputed: %s", why.text);
        return;
    }
    if (m == PSY_EDA_DECONV) return;
    if (psy_eda_analyze(d->rec, d->eda_ch, &ec, PSY_EDA_DECONV, &d->driver, &why) != PSY_OK)
        note(d, "no phasic driver: %s", why.text);
}

int report_data_load(const char *dir, const char *stem, report_data *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->stem, sizeof d->stem, "%s", stem);
    d->dir = dir;
    d->ecg_ch = d->eda_ch = d->rsp_ch = -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_segments.json", dir, stem);
    json_error_t jerr;
    d->sidecar = json_load_file(path, 0, &jerr);
    if (!d->sidecar || !json_is_object(d->sidecar)) {
        cli_error(path, "not a psyphys sidecar: %s", d->sidecar ? "not an object" : jerr.text);
        return 0;
    }
    const char *source = json_string_value(report_setting(d, "heart", "source"));
    d->pulses = source && strcmp(source, "PPG") == 0;
    if (load_table(dir, stem, "segments", &d->segments) != 1) {
        if (!d->segments.n_cols) cli_error(dir, "no %s_segments.tsv beside its sidecar", stem);
        return 0;
    }
    int c_dur = report_table_col(&d->segments, "duration");
    d->duration_s = d->segments.n_rows ? report_table_num(&d->segments, 0, c_dur) : NAN;
    if (!(d->duration_s > 0 && d->duration_s < 1e8)) {
        snprintf(path, sizeof path, "%s/%s_segments.tsv", dir, stem);
        cli_error(path, "its first row (the whole recording) has no duration");
        return 0;
    }
    d->pre_s = setting_num(d, "epochs", "pre_s", 1);
    d->post_s = setting_num(d, "epochs", "post_s", 10);
    int st;
    if ((st = load_table(dir, stem, "beats", &d->beats)) < 0) return 0;
    d->has_beats = st;
    if ((st = load_table(dir, stem, "scr", &d->scr)) < 0) return 0;
    d->has_scr = st;
    if ((st = load_table(dir, stem, "epochs", &d->epochs)) < 0) return 0;
    d->has_epochs = st;
    if ((st = load_table(dir, stem, "breaths", &d->breaths)) < 0) return 0;
    d->has_breaths = st;
    if ((d->has_beats && !nn_from_beats(d)) || !spectra(d)) {
        cli_error(dir, "out of memory");
        return 0;
    }
    if (d->has_beats) check_nn(d);
    open_recording(d);
    return 1;
}

void report_data_free(report_data *d)
{
    json_decref(d->sidecar);
    report_table_free(&d->segments);
    report_table_free(&d->beats);
    report_table_free(&d->scr);
    report_table_free(&d->epochs);
    report_table_free(&d->breaths);
    free(d->beat_t), free(d->beat_rr), free(d->beat_cls), free(d->beat_corrected), free(d->nn_t), free(d->nn_ms), free(d->nn_corrected), free(d->nn_run_start);
    free(d->welch.f_hz), free(d->welch.psd), free(d->lomb.f_hz), free(d->lomb.psd);
    psy_eda_result_free(d->eda);
    psy_eda_result_free(d->driver);
    psy_reader_close(d->rec);
    memset(d, 0, sizeof *d);
}
