/* Every recording in ../shared/data opens and reports the right rate, channel count and duration
 * (values from the SOURCE notes and the files' own headers). */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct expectation {
    const char *path;      /* under shared/data */
    double fs;             /* --fs given, 0 for none */
    psy_status status;     /* expected open status */
    int channels;          /* -1: not checked */
    double rate_hz;        /* of the first channel; -1: not checked; 0: irregular */
    double duration_s;     /* recording duration; -1: not checked */
    long events;           /* -1: not checked */
} expectation;

static const expectation cases[] = {
    /* EDF / BDF */
    {"edf_mne_testing/MB0400FU.EDF", 0, PSY_OK, 25, 200, 29, 2},
    {"edf_mne_testing/SC4001EC-Hypnogram.edf", 0, PSY_OK, 0, -1, 86400, 154}, /* last stage ends */
    {"edf_mne_testing/chtypes_edf.edf", 0, PSY_OK, 42, 200, 5, -1},
    {"edf_mne_testing/multiple_annotation_chans.bdf", 0, PSY_OK, 19, 125, 247, -1},
    {"edf_mne_testing/subsecond_starttime.edf", 0, PSY_OK, 3, 512, 5, -1},
    {"edf_mne_testing/test_bdf_stim_channel.bdf", 0, PSY_OK, 4, 500, 10, -1},
    {"edf_mne_testing/test_edf_overlapping_annotations.edf", 0, PSY_OK, 64, 128, 124, -1},
    {"edf_mne_testing/test_reduced.edf", 0, PSY_OK, 139, 1, 6, 5},
    {"edf_mne_testing/test_utf8_annotations.edf", 0, PSY_OK, 11, 200, 10, -1},
    {"edf_mne_testing/test_1ch.gdf", 0, PSY_E_UNSUPPORTED, -1, -1, -1, -1},
    {"edf_pyedflib/test_generator.edf", 0, PSY_OK, 11, 200, 600, 2},
    {"edf_pyedflib/test_generator.bdf", 0, PSY_OK, 5, 1000, 30, -1},
    {"edf_pyedflib/test_generator_datarec_generator_0_5.bdf", 0, PSY_OK, 5, 2000, 30, -1},
    {"edf_pyedflib/test_generator_datarec_generator_2.bdf", 0, PSY_OK, 5, 500, 30, -1},
    {"edf_pyedflib/test_subsecond.edf", 0, PSY_OK, 1, 128, 698, -1},
    {"edf_pyedflib/test_utf8.edf", 0, PSY_OK, 1, 128, 698, -1},
    {"wfdb_python_samples/test_edfann.edf", 0, PSY_OK, 0, -1, 25620, 856},
    {"wfdb_python_samples/test_generator_2.edf", 0, PSY_OK, 11, 200, 600, -1},
    /* WFDB */
    {"mitdb/100.hea", 0, PSY_OK, 2, 360, 650000 / 360.0, 2274},
    {"mitdb/105.hea", 0, PSY_OK, 2, 360, 650000 / 360.0, 2691},
    {"mitdb/113.hea", 0, PSY_OK, 2, 360, 650000 / 360.0, -1},
    {"mitdb/100", 0, PSY_OK, 2, 360, 650000 / 360.0, 2274},
    {"mitdb/100.dat", 0, PSY_OK, 2, 360, 650000 / 360.0, 2274},
    {"mitdb/100.atr", 0, PSY_OK, 0, -1, 650000 / 360.0, 2274},
    {"pcst_hrv_reference/icu/TestICU.hea", 0, PSY_OK, 6, 125, 300, -1},
    {"pcst_hrv_reference/mitdb_matlab/105m.hea", 0, PSY_OK, 2, 360, 650000 / 360.0, -1},
    {"pcst_hrv_reference/nsr2db/nsr001.hea", 0, PSY_OK, 0, -1, -1, 106835},
    {"pcst_hrv_reference/nsr2db/nsr004.ecg", 0, PSY_OK, 0, -1, -1, 97843},
    {"pcst_hrv_reference/afdb/03665.qrs", 250, PSY_OK, 0, -1, -1, 52765},
    {"pcst_hrv_reference/afdb/TestAFdata.mat", 0, PSY_E_UNSUPPORTED, -1, -1, -1, -1},
    {"pcst_hrv_reference/icu/TestICUdata.mat", 0, PSY_E_UNSUPPORTED, -1, -1, -1, -1},
    {"wfdb_python_samples/flacformats.hea", 0, PSY_OK, 3, 200, 499 / 200.0, -1},
    {"wfdb_python_samples/mixedsignals.hea", 0, PSY_OK, 6, 4 * 62.4725, 14400 / 62.4725, -1},
    {"wfdb_python_samples/mixedsignals_e.dat", 0, PSY_OK, 6, 4 * 62.4725, 14400 / 62.4725, -1},
    {"wfdb_python_samples/test_generator_2.hea", 0, PSY_E_NOT_FOUND, -1, -1, -1, -1},
    /* audio */
    {"wfdb_python_samples/SC4001E0-PSG.wav", 0, PSY_OK, 7, 1, 79500, 0}, /* the WAV claims 1 Hz */
    /* ISHNE */
    {"flirt_wearables/holter/holter.ecg", 0, PSY_OK, 3, 128, 597376 / 128.0, -1},
    /* text: CSV, device exports, RR lists */
    {"neurokit/bio_eventrelated_100hz.csv", 100, PSY_OK, 4, 100, 150, -1},
    {"neurokit/bio_resting_5min_100hz.csv", 100, PSY_OK, 3, 100, 300, -1},
    {"neurokit/bio_resting_8min_100hz.csv", 100, PSY_OK, 4, 100, 506.82, -1},
    {"neurokit/ecg_1000hz.csv", 1000, PSY_OK, 1, 1000, 50, -1},
    {"neurokit/ecg_3000hz.csv", 3000, PSY_OK, 1, 3000, 50000 / 3000.0, -1},
    {"neurokit/ecg_1000hz.csv", 0, PSY_E_FORMAT, -1, -1, -1, -1}, /* no time column, no --fs */
    {"rr_devices/polar_h10_detectPVC/polar_h10.csv", 0, PSY_OK, 3, 130.160760835, 599.996493, 0},
    {"rr_devices/polar_h10_detectPVC/polar_h10.RData", 0, PSY_E_UNKNOWN_FORMAT, -1, -1, -1, -1},
    {"rr_devices/hrvfilter_samples/eliteSample01.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"rr_devices/hrvfilter_samples/eliteSample02.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"rr_devices/hrvfilter_samples/polarSample01.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"rr_devices/hrvfilter_samples/polarSample02.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"rhrv_book/chapter2/beat_ascii.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"rhrv_book/chapter6/a01.beats.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"rhrv_book/chapter6/rr.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"rhrv_book/chapter6/a01.tags.txt", 0, PSY_OK, 0, -1, -1, 3},
    {"rhrv_book/chapter6/apnea_ascii.txt", 0, PSY_OK, 0, -1, -1, 3},
    {"rhrv_book/rr_healthy_ms/000.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"rhrv_book/rr_healthy_ms/013.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"pcst_hrv_reference/ec57/HRV256_TP2.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"pcst_hrv_reference/ec57/HRV256_TP5.txt", 0, PSY_OK, 1, 0, -1, -1},
    {"flirt_wearables/empatica/EDA.csv", 0, PSY_OK, 1, 4, 9998 / 4.0, -1},
    {"flirt_wearables/empatica/BVP.csv", 0, PSY_OK, 1, 64, 9998 / 64.0, -1},
    {"flirt_wearables/empatica/TEMP.csv", 0, PSY_OK, 1, 4, 4998 / 4.0, -1},
    {"flirt_wearables/empatica/HR.csv", 0, PSY_OK, 1, 1, 4998, -1},
    {"flirt_wearables/empatica/ACC.csv", 0, PSY_OK, 3, 32, 9998 / 32.0, -1},
    {"flirt_wearables/empatica/IBI.csv", 0, PSY_OK, 1, 0, -1, -1},
    {"flirt_wearables/garmin/data.csv", 0, PSY_OK, 7, 0, -1, -1},
    {"flirt_wearables/garmin/acc.csv", 0, PSY_OK, 3, 25, -1, -1},
    {"flirt_wearables/holter/holter.txt", 0, PSY_OK, 1, 0, -1, 4786},
};

/* Prints what is wrong with one case and returns 0, or returns 1. */
#define WRONG(...) do { print_error(__VA_ARGS__); print_error("\n"); psy_reader_close(r); return 0; } while (0)

static int check_case(const expectation *c)
{
    psy_reader *r = NULL;
    const char *path = shared_data(c->path);
    if (!path && strchr(c->path, '.') == NULL) {
        static char buf[4096]; /* a record name without extension: the .hea must exist */
        snprintf(buf, sizeof buf, "%s.hea", c->path);
        if (!shared_data(buf)) WRONG("missing %s", c->path);
        snprintf(buf, sizeof buf, "%s", shared_data(buf));
        buf[strlen(buf) - 4] = '\0';
        path = buf;
    }
    if (!path) WRONG("missing %s", c->path);
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    psy_open_options opt = psy_open_options_default();
    opt.sampling_rate_hz = c->fs;
    psy_message why = {{0}};
    psy_status st = psy_reader_open(p, &opt, &r, &why);
    if (st != c->status)
        WRONG("%s: got '%s' (%s), want '%s'", c->path, psy_strerror(st), why.text,
                 psy_strerror(c->status));
    if (st != PSY_OK) {
        if (!why.text[0]) WRONG("%s: error without a reason", c->path);
        return 1;
    }
    if (c->channels >= 0 && psy_reader_channel_count(r) != c->channels)
        WRONG("%s: %d channels, want %d", c->path, psy_reader_channel_count(r), c->channels);
    if (c->rate_hz >= 0) {
        const psy_channel_info *ch = psy_reader_channel(r, 0);
        if (!ch || fabs(ch->rate_hz - c->rate_hz) > 1e-6 * (c->rate_hz + 1))
            WRONG("%s: rate %g, want %g", c->path, ch ? ch->rate_hz : -1.0, c->rate_hz);
    }
    if (c->duration_s >= 0 && fabs(psy_reader_duration(r) - c->duration_s) > 1e-6 * (c->duration_s + 1))
        WRONG("%s: duration %.9g s, want %.9g", c->path, psy_reader_duration(r), c->duration_s);
    if (c->events >= 0 && (long)psy_reader_event_count(r) != c->events)
        WRONG("%s: %zu events, want %ld", c->path, psy_reader_event_count(r), c->events);
    /* Every channel's last block reads back. */
    for (int i = 0; i < psy_reader_channel_count(r); i++) {
        const psy_channel_info *ch = psy_reader_channel(r, i);
        double v[16], t[16];
        int64_t n = ch->frames < 16 ? ch->frames : 16;
        if (psy_reader_read(r, i, ch->frames - n, n, v) != PSY_OK ||
            psy_reader_read_times(r, i, ch->frames - n, n, t) != PSY_OK)
            WRONG("%s: channel %d: reading its last samples failed", c->path, i);
    }
    psy_reader_close(r);
    return 1;
}

static void test_all_shared_recordings(void **state)
{
    (void)state;
    size_t bad = 0, n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) bad += !check_case(&cases[i]);
    if (bad) fail_msg("%zu of %zu recordings are wrong", bad, n);
}

int main(void)
{
    require_shared_data();
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_all_shared_recordings)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
