/* libFuzzer target for session event files (BIDS _events.tsv, CSV markers) added to a small
 * recording with psy_reader_load_events, then with named columns (psy_reader_load_events_with),
 * whose report must count the events it added. */
#include "fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char recording[] = "time,ECG\n0,0.1\n0.5,0.2\n1.0,0.3\n1.5,0.1\n2.0,0.0\n";

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
    return 0;
}
