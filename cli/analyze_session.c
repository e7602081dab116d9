/* psyphys analyze: opens the recording and its event files, and runs the library's session
 * analysis (psyphys/session.h) with the command's settings. */
#include <string.h>

#include "analyze.h"
#include "beats_table.h"

int analyze_session_run(analyze_session *s, const analyze_options *o)
{
    memset(s, 0, sizeof *s);
    /* A record's beat annotations (WFDB .atr) are never session events (psy_is_session_event):
     * not read, a Holter's 100,000 of them would cost ~10 MB. */
    cli_input_options in = o->in;
    in.open.skip_annotations = 1;
    s->r = cli_open_recording_events(o->path, &in, &s->events_read);
    if (!s->r) return CLI_FAILED;
    /* The sidecars' SHA-256 of the input in a thread of its own while the session runs, not after
     * it (a day's record: ~0.06 s of reading and hashing). NULL: hashed when the sidecar is made. */
    if (o->outdir) psy_input_hashes_start(o->path, s->r, &s->hashes);
    /* Named channels first, for the command's messages (they name its --channel-type flag). */
    static const psy_channel_type heart[] = {PSY_CH_ECG, PSY_CH_RR}, pulse[] = {PSY_CH_PPG}, skin[] = {PSY_CH_EDA},
                                  resp[] = {PSY_CH_RESP}, rate[] = {PSY_CH_HR};
    int failed = 0;
    if (o->hr) failed |= cli_pick_channel(s->r, o->path, o->hr, rate, 1, "HR") < 0;
    else if (o->ecg) failed |= cli_pick_channel(s->r, o->path, o->ecg, heart, 2, "ECG or RR") < 0;
    if (o->ppg) failed |= cli_pick_channel(s->r, o->path, o->ppg, pulse, 1, "PPG") < 0;
    if (o->eda) failed |= cli_pick_channel(s->r, o->path, o->eda, skin, 1, "EDA") < 0;
    if (o->rsp) failed |= cli_pick_channel(s->r, o->path, o->rsp, resp, 1, "RSP") < 0;
    if (failed) return CLI_FAILED;
    psy_session_config c = psy_session_config_default();
    c.ecg = o->hr ? NULL : o->ecg, c.eda = o->eda, c.rsp = o->rsp, c.hr = o->hr, c.ppg = o->ppg;
    c.rule = o->rule, c.window_s = o->window_s, c.step_s = o->step_s;
    c.epoch_labels = o->epoch_labels, c.n_epoch_labels = (size_t)o->n_epoch_labels;
    c.pre_s = o->pre_s, c.post_s = o->post_s;
    c.latency_min_s = o->latency_min_s, c.latency_max_s = o->latency_max_s;
    c.eda_method = o->eda_method;
    c.hrv_window_s = o->hrv_window_s, c.hrv_step_s = o->hrv_step_s;
    c.max_corrected_pct = o->max_corrected_pct, c.keep_corrected = o->keep_corrected;
    c.edr = o->edr;
    c.lean_results = 1; /* memory: the NN series, not the beat list (session.h) */
    const char *paths[2] = {s->events_read.path[0], s->events_read.path[1]};
    c.events_files = s->events_read.info, c.events_paths = paths;
    c.n_events_files = (size_t)s->events_read.n;
    psy_message why = {{0}};
    psy_status st = psy_session_run(s->r, &c, &s->ps, &why);
    if (st != PSY_OK) {
        cli_error(o->path, "%s", why.text[0] ? why.text : psy_strerror(st));
        return CLI_FAILED;
    }
    s->res = psy_session_results_of(s->ps);
    return CLI_OK;
}

void analyze_session_free(analyze_session *s)
{
    psy_input_hashes_free(s->hashes);
    psy_session_free(s->ps);
    psy_reader_close(s->r);
    memset(s, 0, sizeof *s);
}
