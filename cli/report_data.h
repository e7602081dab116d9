/* What a QC report shows, gathered for one analyze output set (OUTDIR/STEM_*.tsv + sidecars):
 * the tables as written, and what the tables do not hold, recomputed with the library: the
 * corrected NN series (RR correction of the beats table), the Welch and Lomb spectra, the skin
 * conductance tonic level and phasic driver, and the signals themselves from the recording the
 * sidecar names (re-opened, its SHA-256 checked). */
#ifndef PSYPHYS_CLI_REPORT_DATA_H
#define PSYPHYS_CLI_REPORT_DATA_H

#include <jansson.h>
#include <stdint.h>
#include "psyphys.h"
#include "report_table.h"

#define REPORT_MAX_NOTES 16

typedef struct report_spectrum {
    size_t n;
    double *f_hz, *psd; /* ms²/Hz */
} report_spectrum;

typedef struct report_data {
    char stem[256];
    const char *dir;
    json_t *sidecar;          /* the segments table's sidecar: input, settings, warnings */
    report_table segments, beats, scr, epochs, breaths;
    int has_beats, has_scr, has_epochs, has_breaths;
    int pulses;               /* the beats are a PPG channel's pulses (settings.heart.source) */
    /* beats: raw RR (ms) at each beat's onset (NaN first after a gap), and the corrected NN series */
    double *beat_t, *beat_rr;
    psy_beat_class *beat_cls;   /* each beat's label (NULL: the table has none) */
    uint8_t *beat_corrected;    /* 1: the interval ending at the beat is corrected (from the labels) */
    size_t n_beats;
    double *nn_t, *nn_ms;
    uint8_t *nn_corrected;
    uint8_t *nn_run_start;      /* 1 where a run of consecutive intervals begins (after a gap, a
                                   missing interval or the start): lines break there */
    size_t n_nn, nn_corrected_count;
    report_spectrum welch, lomb;
    double band_hz[PSY_HRV_BAND_COUNT][2];
    /* the recording (NULL when it could not be re-opened: notes say why) */
    psy_reader *rec;
    int ecg_ch, eda_ch;       /* ecg_ch: the beats' signal, the PPG's for pulses */
    int rsp_ch;               /* the respiration channel analysed (-1: none, or ECG-derived breaths) */
    psy_eda_result *eda;      /* with the analysis's method: tonic level */
    psy_eda_result *driver;   /* deconvolution (Benedek & Kaernbach 2010): phasic driver */
    double pre_s, post_s;     /* epoch window of the analysis */
    double duration_s;
    char notes[REPORT_MAX_NOTES][256]; /* what the report could not show, and why */
    int n_notes;
} report_data;

/* Loads OUTDIR/STEM_segments.tsv and its sidecar (both required), the other tables when present,
 * and recomputes the rest. Returns 1, or 0 after printing the file and the reason. */
int report_data_load(const char *dir, const char *stem, report_data *d);

void report_data_free(report_data *d);

/* Beat i's label (N for a table without labels) and whether it is flagged (not N, or its interval
 * corrected), from the labels the NN series was built with. */
const char *report_beat_label(const report_data *d, size_t i);
int report_beat_flagged(const report_data *d, size_t i);

/* A setting from the sidecar ("settings" / a / b), or NULL. */
json_t *report_setting(const report_data *d, const char *a, const char *b);

#endif
