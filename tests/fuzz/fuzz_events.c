/* libFuzzer target for session event files (BIDS _events.tsv, CSV markers) added to a small
 * recording with psy_reader_load_events, then with named columns (psy_reader_load_events_with),
 * whose report must count the events it added; then to a recording that starts at a Unix time,
 * Unix-time onsets detected (psy_reader_load_events_unix). */
#include <math.h>

#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char recording[] = "time,ECG\n0,0.1\n0.5,0.2\n1.0,0.3\n1.5,0.1\n2.0,0.0\n";
static const char recording_unix[] = "time,ECG\n1700000000,0.1\n1700000000.5,0.2\n1700000001,0.3\n";

/* The events of data on a recording with a known start, Unix-time onsets detected: all or
 * nothing, and moved onto the recording's clock when they were Unix times. */
static void unix_time_events(const uint8_t *data, size_t size)
{
    psy_source *rec = NULL, *ev = NULL;
    if (psy_source_open_memory(recording_unix, sizeof recording_unix - 1, "unix.csv", &rec) != PSY_OK) return;
    psy_open_options opt = psy_open_options_default();
    opt.format = "csv";
    psy_reader *r = NULL;
    if (psy_reader_open_source(rec, &opt, &r, NULL) != PSY_OK) abort();
    if (psy_source_open_memory(size ? (const void *)data : "", size, "log.csv", &ev) == PSY_OK) {
        double shift;
        psy_message why;
        psy_status st = psy_reader_load_events_unix(r, ev, NULL, NULL, &shift, &why);
        int unix_time = st == PSY_OK && !isnan(shift);
        if (st != PSY_OK && psy_reader_event_count(r) != 0) abort();
        if (unix_time && shift != -1700000000.0) abort();
        for (size_t i = 0; unix_time && i < psy_reader_event_count(r); i++)
            if (!(psy_reader_event(r, i)->onset_s > PSY_EVENTS_UNIX_MIN_S - 1700000000.0)) abort();
        psy_source_close(ev);
    }
    psy_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    psy_source *rec = NULL;
    if (psy_source_open_memory(recording, sizeof recording - 1, "rec.csv", &rec) != PSY_OK) return 0;
    psy_open_options opt = psy_open_options_default();
    opt.format = "csv";
    psy_reader *r = NULL;
    if (psy_reader_open_source(rec, &opt, &r, NULL) != PSY_OK) abort(); /* a fixed, valid file */
    size_t before = psy_reader_event_count(r);
    psy_source *ev = NULL;
    if (psy_source_open_memory(size ? (const void *)data : "", size, "sub-01_events.tsv", &ev) == PSY_OK) {
        psy_message why;
        psy_status st = psy_reader_load_events(r, ev, 1.25, &why);
        if (st != PSY_OK && psy_reader_event_count(r) != before) abort(); /* all or nothing */
        psy_source_close(ev);
    }
    if (psy_source_open_memory(size ? (const void *)data : "", size, "markers.csv", &ev) == PSY_OK) {
        psy_events_options o = psy_events_options_default();
        o.onset_column = "time", o.label_column = "value";
        psy_events_info info;
        psy_message why;
        before = psy_reader_event_count(r);
        psy_status st = psy_reader_load_events_with(r, ev, &o, &info, &why);
        if (st == PSY_OK && psy_reader_event_count(r) != before + info.n_events) abort();
        if (st != PSY_OK && psy_reader_event_count(r) != before) abort();
        psy_source_close(ev);
    }
    fuzz_exercise_reader(r);
    psy_reader_close(r);
    unix_time_events(data, size);
    return 0;
}
