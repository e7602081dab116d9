/* psyphys sync: the run (sync_run.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "output_layout.h"
#include "provenance.h"
#include "sync_report.h"
#include "sync_run.h"

void sync_run_options_init(sync_run_options *o)
{
    memset(o, 0, sizeof *o);
    cli_input_options_init(&o->input);
    o->config = psy_sync_config_default();
    o->rule = PSY_SEGMENTS_EVENTS;
    o->segments_text = "events";
}

int sync_parse_segments(const char *v, sync_run_options *o)
{
    o->segments_text = v;
    if (strcmp(v, "events") == 0) o->rule = PSY_SEGMENTS_EVENTS;
    else if (strcmp(v, "markers") == 0) o->rule = PSY_SEGMENTS_MARKERS;
    else if (strncmp(v, "window:", 7) == 0) {
        char *end = NULL;
        o->rule = PSY_SEGMENTS_WINDOWS;
        o->seg_window_s = strtod(v + 7, &end);
        o->seg_step_s = o->seg_window_s;
        if (end && *end == ':') o->seg_step_s = strtod(end + 1, &end);
        if (!end || *end || !(o->seg_window_s > 0) || !(o->seg_step_s > 0) || !isfinite(o->seg_window_s) ||
            !isfinite(o->seg_step_s)) {
            cli_error(NULL, "sync: --segments window:W[:STEP] wants positive seconds, not '%s'", v);
            return 0;
        }
    } else {
        cli_error(NULL, "sync: --segments is events, markers or window:W[:STEP], not '%s'", v);
        return 0;
    }
    return 1;
}

typedef struct sync_signal_run {
    psy_sync_signal signal;
    int ch[2];
    psy_sync_result *res;
} sync_signal_run;

/* Adds a warning of the run to the sidecars' and prints it, naming path. */
static void warn_add(json_t *warn, const char *path, json_t *text)
{
    fprintf(stderr, "psyphys: %s: warning: %s\n", path, json_string_value(text));
    json_array_append_new(warn, text);
}

static int open_both(const char *path[2], const sync_run_options *o, psy_reader *r[2], cli_events_read *ev,
                     json_t *warn)
{
    cli_input_options in = o->input;
    in.events_unix_time = 1; /* event logs and annotation apps stamp Unix times */
    r[0] = cli_open_recording_events(path[0], &in, ev);
    if (!r[0]) return 0;
    cli_warn_reader(path[0], r[0]); /* in the sidecars as "A: ..." */
    for (int i = 0; i < ev->n; i++)
        if (!isnan(ev->unix_shift_s[i]))
            warn_add(warn, path[0], json_sprintf("the onsets of %s are Unix times: shifted by %.6f s to the "
                                                 "recording's start", ev->path[i], ev->unix_shift_s[i]));
    in = o->input;
    in.events_path = NULL; /* --events and its --events-columns are A's */
    in.events_columns = NULL;
    in.pair_bids_events = 0;
    r[1] = cli_open_recording(path[1], &in);
    if (r[1]) cli_warn_reader(path[1], r[1]); /* "B: ..." */
    return r[1] != NULL;
}

static int find_channel(psy_reader *r, const char *path, const sync_run_options *o, psy_sync_signal s,
                        int *ch)
{
    const char *label = o->channel[s == PSY_SYNC_SCL || s == PSY_SYNC_PHASIC ? PSY_SYNC_EDA : s];
    if (label) {
        *ch = psy_reader_find_channel(r, label);
        if (*ch < 0) {
            cli_error(path, "no channel '%s' (for %s)", label, psy_sync_signal_name(s));
            return 0;
        }
        return 1;
    }
    *ch = psy_sync_find_channel(r, s);
    return 1;
}

static const char *const signal_source[PSY_SYNC_SIGNAL_COUNT] = {
    "heart rate (bpm): beats of the ECG or RR channel (psyphys beats, corrected NN), the rate at each beat "
    "joined linearly, never across a gap or more than 3 s; or an HR channel's samples joined linearly",
    "skin conductance (uS): the mean of the samples in each grid step",
    "respiration (channel unit): the mean of the samples in each grid step",
    "tonic skin conductance level (uS): psyphys eda's 1-s tonic means (fast method, defaults), linear between "
    "seconds",
    "phasic skin conductance (uS): the mean of the samples in each grid step minus the tonic level"};

/* A's session events against the time both recordings cover, by the rule analyze judges them
 * against the recording (psy_event_placement): none left out or cut without a word. */
static void check_events(const psy_reader *r, psy_segment_rule rule, double t0, double t1, json_t *warn)
{
    if (rule == PSY_SEGMENTS_WINDOWS) return; /* windows: laid out without the events */
    size_t n_events = 0, n_durations = 0;
    for (size_t i = 0; i < psy_reader_event_count(r); i++) {
        const psy_event *e = psy_reader_event(r, i);
        if (!psy_is_session_event(e)) continue;
        n_events++;
        n_durations += e->duration_s > 0;
        int where = psy_event_placement(e, t0, t1);
        double a = e->onset_s, b = a + e->duration_s;
        if (where & (rule == PSY_SEGMENTS_EVENTS ? PSY_EVENT_SEGMENT_OUTSIDE : PSY_EVENT_ONSET_OUTSIDE))
            json_array_append_new(warn, json_sprintf("event '%s' at %.3f s lies outside the time both recordings "
                                                     "cover (%.3f .. %.3f s)%s", e->label, a, t0, t1,
                                                     rule == PSY_SEGMENTS_EVENTS ? ": no row" : ""));
        else if (rule == PSY_SEGMENTS_EVENTS && (where & PSY_EVENT_SEGMENT_CLIPPED))
            json_array_append_new(warn, json_sprintf("segment '%s' (%.3f .. %.3f s) clipped to the time both "
                                                     "recordings cover: %.3f .. %.3f s", e->label, a, b,
                                                     fmax(a, t0), fmin(b, t1)));
    }
    if (rule == PSY_SEGMENTS_EVENTS && n_events && !n_durations)
        json_array_append_new(warn, json_sprintf("%zu session events, none with a duration: no segment from them "
                                                 "(--segments markers: from each event to the next)", n_events));
}

static void put_num(FILE *fp, double v, int decimals)
{
    if (isfinite(v)) fprintf(fp, "\t%.*f", decimals, v);
    else fputs("\tn/a", fp);
}

static void count_reason(json_t *na, const char *column, const char *reason)
{
    if (!reason) return;
    json_t *col = json_object_get(na, column);
    if (!col) {
        col = json_object();
        json_object_set_new(na, column, col);
    }
    json_int_t n = json_integer_value(json_object_get(col, reason));
    json_object_set_new(col, reason, json_integer(n + 1));
}

static json_t *column(const char *units, const char *text)
{
    return units ? json_pack("{s:s,s:s}", "Units", units, "Description", text)
                 : json_pack("{s:s}", "Description", text);
}

static json_t *settings_json(const sync_run_options *o, const psy_sync_config *c, double offset, int known,
                             double t0, double t1, double both)
{
    json_t *s = json_object();
    json_object_set_new(s, "grid_hz", json_real(c->grid_hz));
    json_object_set_new(s, "window_s", json_real(c->window_s));
    json_object_set_new(s, "step_s", json_real(c->step_s));
    json_object_set_new(s, "max_lag_s", json_real(c->max_lag_s));
    json_object_set_new(s, "n_surrogates", json_integer((json_int_t)c->n_surrogates));
    json_object_set_new(s, "seed", json_integer((json_int_t)c->seed));
    json_object_set_new(s, "offset_s", json_real(o->offset_s));
    json_object_set_new(s, "b_start_minus_a_start_s", json_real(offset));
    json_object_set_new(s, "starts_known", json_boolean(known));
    json_object_set_new(s, "align", json_string(o->align_starts ? "start" : "clock"));
    json_object_set_new(s, "common_span_s", json_pack("[f,f]", t0, t1));
    json_object_set_new(s, "both_recorded_s", json_real(both));
    json_object_set_new(s, "segments", json_string(o->segments_text));
    json_object_set_new(s, "method", json_pack(
        "{s:s,s:s,s:s,s:s,s:s}",
        "windowed_cross_correlation", "Pearson r of A's window against B's window at every lag from -max_lag_s "
        "to max_lag_s on the grid (FFTW); per window the largest r and its lag; lag > 0: B follows A (Boker, Xu, "
        "Rotondo & King 2002, Psychol Methods 7:338-355)",
        "r", "tanh of the mean Fisher z (atanh) of the window peaks wholly inside the segment",
        "lag_s", "median lag of the window peaks",
        "surrogates", "segment shuffling (Moulder, Boker, Ramseyer & Tschacher 2018, Psychol Methods 23:757-773): A's "
        "windows against B's windows shifted together by d windows on the ring of the session's windows, |d| at "
        "least (window + 2 max_lag) / step; every admissible shift once when there are at most n_surrogates, else "
        "n_surrogates drawn; p = (1 + shifts with a statistic >= the observed) / (1 + shifts)",
        "concordance", "eda only: slopes of the 1-s means over 5 s, Pearson r of the two slope series over 15-s "
        "windows every second, ln(sum of positive r / |sum of negative r|) (Marci, Ham, Moran & Orr 2007, J Nerv "
        "Ment Dis 195:103-111); its p from the same shifts of the slope series (at least 20 s)"));
    return s;
}

static json_t *channels_json(psy_reader *r[2], const sync_signal_run *sig, int n_sig)
{
    json_t *o = json_object();
    for (int i = 0; i < n_sig; i++) {
        const psy_channel_info *a = psy_reader_channel(r[0], sig[i].ch[0]), *b = psy_reader_channel(r[1], sig[i].ch[1]);
        json_object_set_new(o, psy_sync_signal_name(sig[i].signal),
                            json_pack("{s:s,s:s,s:s,s:s,s:s}", "a", a->label, "a_type",
                                      psy_channel_type_name(a->type), "b", b->label, "b_type",
                                      psy_channel_type_name(b->type), "source", signal_source[sig[i].signal]));
    }
    return o;
}

static json_t *base_sidecar(const char *path[2], psy_reader *r[2], const sync_run_options *o, const psy_sync_config *c,
                            double offset, int known, double t0, double t1, const sync_signal_run *sig, int n_sig,
                            const cli_events_read *ev, json_t *warn)
{
    json_t *sc = cli_sidecar_new("sync", path[0], r[0]);
    json_t *sb = sc ? cli_sidecar_new("sync", path[1], r[1]) : NULL;
    if (!sc || !sb) {
        json_decref(sc);
        return NULL;
    }
    json_object_set(sc, "input_b", json_object_get(sb, "input"));
    json_decref(sb);
    json_t *s = settings_json(o, c, offset, known, t0, t1, psy_sync_both_recorded_s(r[0], r[1], offset, t0, t1));
    json_object_set_new(s, "channels", channels_json(r, sig, n_sig));
    if (ev->n) json_object_set_new(s, "events_files", cli_events_files_json(ev));
    json_object_set_new(sc, "settings", s);
    json_t *w = json_array();
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < psy_reader_warning_count(r[k]); i++)
            json_array_append_new(w, json_sprintf("%s: %s", k ? "B" : "A", psy_reader_warning(r[k], i)));
    json_array_extend(w, warn);
    json_object_set_new(sc, "warnings", w);
    return sc;
}

static int write_outputs(const char *path[2], psy_reader *r[2], const sync_run_options *o, const char *stem,
                         double offset, int known, double t0, double t1, const psy_segment *seg, size_t n_seg,
                         const sync_signal_run *sig, int n_sig, const cli_events_read *ev, json_t *warn)
{
    char tpath[2][4600];
    snprintf(tpath[0], sizeof tpath[0], "%s/%s_sync.tsv", o->outdir, stem);
    snprintf(tpath[1], sizeof tpath[1], "%s/%s_sync-windows.tsv", o->outdir, stem);
    const psy_sync_config *c = &sig[0].res->config;
    json_t *side[2] = {base_sidecar(path, r, o, c, offset, known, t0, t1, sig, n_sig, ev, warn),
                       base_sidecar(path, r, o, c, offset, known, t0, t1, sig, n_sig, ev, warn)};
    cli_output out[5];
    memset(out, 0, sizeof out);
    int n_out = 0, ok = side[0] && side[1];
    char *sp[2] = {cli_sidecar_path_for(tpath[0]), cli_sidecar_path_for(tpath[1])};
    ok = ok && sp[0] && sp[1];
    for (int k = 0; ok && k < 2; k++) {
        ok = cli_output_open(&out[n_out], tpath[k], o->overwrite);
        if (ok) n_out++;
        ok = ok && cli_output_open(&out[n_out], sp[k], o->overwrite);
        if (ok) n_out++;
    }
    if (ok) {
        FILE *fp = out[0].fp;
        json_t *na = json_object();
        fputs("label\tonset\tduration\tsignal\tr\tlag_s\tp_surrogate\tn_windows\tn_surrogates\tconcordance\t"
              "p_concordance\n", fp);
        for (size_t g = 0; g < n_seg; g++)
            for (int i = 0; i < n_sig; i++) {
                const psy_sync_summary *s = &sig[i].res->spans[g];
                fprintf(fp, "%s\t%.3f\t%.3f\t%s", seg[g].label, seg[g].onset_s, seg[g].duration_s,
                        psy_sync_signal_name(sig[i].signal));
                put_num(fp, s->r, 4);
                put_num(fp, s->lag_s, 2);
                put_num(fp, s->p_surrogate, 4);
                fprintf(fp, "\t%zu\t%zu", s->n_windows, s->n_surrogates);
                put_num(fp, s->concordance, 4);
                put_num(fp, s->p_concordance, 4);
                fputc('\n', fp);
                count_reason(na, "r", s->why_r);
                count_reason(na, "p_surrogate", isnan(s->p_surrogate) ? s->why_p : NULL);
                if (sig[i].signal == PSY_SYNC_EDA) {
                    count_reason(na, "concordance", isnan(s->concordance) ? s->why_concordance : NULL);
                    count_reason(na, "p_concordance",
                                 isnan(s->p_concordance) && !isnan(s->concordance) ? s->why_concordance : NULL);
                } else {
                    count_reason(na, "concordance", "skin conductance (eda) only");
                }
            }
        json_object_set_new(side[0], "na_reasons", na);
        json_object_set_new(side[0], "columns", json_pack(
            "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
            "label", column(NULL, "segment: 'session' is the time both recordings cover; then the session's "
                                  "segments, clipped to it"),
            "onset", column("s", "from A's start"), "duration", column("s", "segment length"),
            "signal", column(NULL, "hr, eda, resp, scl or phasic (see settings.channels)"),
            "r", column(NULL, "tanh(mean atanh) of the window peak correlations wholly inside the segment"),
            "lag_s", column("s", "median lag of the window peaks; > 0: B follows A"),
            "p_surrogate", column(NULL, "share of surrogate (shifted) pairings whose r is at least r, (1 + k) / (1 + n)"),
            "n_windows", column(NULL, "windows used"), "n_surrogates", column(NULL, "shifts behind p_surrogate"),
            "concordance", column(NULL, "Marci et al. 2007 concordance index (eda)"),
            "p_concordance", column(NULL, "surrogate p of the concordance index")));

        fp = out[2].fp;
        fputs("onset\tsignal\tr\tlag_s\n", fp);
        for (int i = 0; i < n_sig; i++) {
            const psy_sync_result *res = sig[i].res;
            for (size_t k = 0; k < res->n_windows; k++) {
                fprintf(fp, "%.3f\t%s", res->windows[k].onset_s + t0, psy_sync_signal_name(sig[i].signal));
                put_num(fp, res->windows[k].r, 4);
                put_num(fp, res->windows[k].lag_s, 2);
                fputc('\n', fp);
            }
        }
        json_object_set_new(side[1], "columns", json_pack(
            "{s:o,s:o,s:o,s:o}", "onset", column("s", "window start, from A's start"),
            "signal", column(NULL, "hr, eda, resp, scl or phasic (see settings.channels)"),
            "r", column(NULL, "peak Pearson r over the lags; n/a: a sample missing or a flat stretch in the window"),
            "lag_s", column("s", "lag of the peak; > 0: B follows A")));
        ok = cli_sidecar_write(side[0], out[1].fp) && cli_sidecar_write(side[1], out[3].fp);
    }
    if (ok && o->report) {
        char rp[4600];
        snprintf(rp, sizeof rp, "%s/%s_sync-report.html", o->outdir, stem);
        ok = cli_output_open(&out[n_out], rp, o->overwrite);
        if (ok) {
            n_out++;
            sync_report_data d;
            memset(&d, 0, sizeof d);
            d.a = path[0];
            d.b = path[1];
            d.t0 = t0;
            d.t1 = t1;
            d.offset_s = offset;
            d.seg = seg;
            d.n_seg = n_seg;
            d.n_sig = n_sig;
            for (int i = 0; i < n_sig; i++) {
                d.signal[i] = sig[i].signal;
                d.res[i] = sig[i].res;
            }
            ok = sync_report_write(out[n_out - 1].fp, &d);
        }
    }
    if (ok) ok = cli_output_commit_all(out, n_out);
    else cli_output_abort_all(out, n_out);
    free(sp[0]);
    free(sp[1]);
    json_decref(side[0]);
    json_decref(side[1]);
    return ok;
}

static void print_summary(const psy_segment *seg, size_t n_seg, const sync_signal_run *sig, int n_sig)
{
    for (size_t g = 0; g < n_seg; g++)
        for (int i = 0; i < n_sig; i++) {
            const psy_sync_summary *s = &sig[i].res->spans[g];
            printf("  %-20s %-6s ", seg[g].label, psy_sync_signal_name(sig[i].signal));
            if (isnan(s->r)) {
                printf("r n/a (%s)\n", s->why_r);
                continue;
            }
            printf("r %.3f, lag %+.2f s, p %s", s->r, s->lag_s, isnan(s->p_surrogate) ? "n/a" : "");
            if (!isnan(s->p_surrogate)) printf("%.4f", s->p_surrogate);
            printf(" (%zu windows)", s->n_windows);
            if (sig[i].signal == PSY_SYNC_EDA && !isnan(s->concordance))
                printf(", concordance %.3f (p %.4f)", s->concordance, s->p_concordance);
            putchar('\n');
        }
}

int sync_run(const char *a, const char *b, const sync_run_options *o)
{
    const char *path[2] = {a, b};
    psy_reader *r[2] = {NULL, NULL};
    cli_events_read ev;
    memset(&ev, 0, sizeof ev);
    json_t *warn = json_array();
    sync_signal_run sig[PSY_SYNC_SIGNAL_COUNT];
    memset(sig, 0, sizeof sig);
    int n_sig = 0, rc = CLI_FAILED;
    psy_segment *seg = NULL;
    size_t n_seg = 0;
    double *grid = NULL;
    if (!open_both(path, o, r, &ev, warn)) goto done;

    int any_wanted = 0;
    for (int s = 0; s < PSY_SYNC_SIGNAL_COUNT; s++) any_wanted |= o->want[s];
    for (int s = 0; s < PSY_SYNC_SIGNAL_COUNT; s++) {
        /* by default hr, eda and resp; scl and phasic when asked for */
        if (any_wanted ? !o->want[s] : s == PSY_SYNC_SCL || s == PSY_SYNC_PHASIC) continue;
        int ch[2];
        if (!find_channel(r[0], a, o, (psy_sync_signal)s, &ch[0]) || !find_channel(r[1], b, o, (psy_sync_signal)s, &ch[1]))
            goto done;
        if (ch[0] < 0 || ch[1] < 0) {
            if (any_wanted) {
                cli_error(path[ch[0] < 0 ? 0 : 1], "no channel for %s (%s): name it with --%s LABEL or "
                          "--channel-type LABEL=TYPE", psy_sync_signal_name((psy_sync_signal)s),
                          s == PSY_SYNC_HR ? "ECG, RR or HR" : s == PSY_SYNC_RESP ? "RESP" : "EDA",
                          s == PSY_SYNC_HR ? "ecg" : s == PSY_SYNC_RESP ? "rsp" : "eda");
                goto done;
            }
            continue;
        }
        sig[n_sig].signal = (psy_sync_signal)s;
        sig[n_sig].ch[0] = ch[0];
        sig[n_sig].ch[1] = ch[1];
        n_sig++;
    }
    if (n_sig == 0) {
        cli_error(a, "no signal both recordings have (ECG/RR/HR, EDA or RESP channels; see --channel-type)");
        goto done;
    }

    double offset;
    int known;
    psy_sync_start_offset(r[0], r[1], o->offset_s, &offset, &known);
    if (o->align_starts) offset = o->offset_s; /* pseudo-dyads: recordings of different sessions */
    else if (!known)
        warn_add(warn, b, json_string("a start time is unknown: the recordings are taken to start together (plus --offset)"));
    double t0 = fmax(0, offset), t1 = fmin(psy_reader_duration(r[0]), offset + psy_reader_duration(r[1]));
    const psy_sync_config *c = &o->config;
    if (!(t1 - t0 >= c->window_s + 2 * c->max_lag_s)) {
        cli_error(b, "the recordings overlap for %.1f s (B starts %.3f s after A): less than one window with "
                  "its lags (%g s)", fmax(0, t1 - t0), offset, c->window_s + 2 * c->max_lag_s);
        goto done;
    }
    size_t n = (size_t)floor((t1 - t0) * c->grid_hz);

    /* segments of the session: A's events, clipped to the common span; "session" first */
    psy_status st = psy_segments_make(r[0], o->rule, o->seg_window_s, o->seg_step_s, &seg, &n_seg);
    if (st != PSY_OK) {
        cli_error(a, "segments: %s", psy_strerror(st));
        goto done;
    }
    check_events(r[0], o->rule, t0, t1, warn);
    size_t m = 0;
    int said = o->rule == PSY_SEGMENTS_EVENTS; /* by check_events, event by event */
    for (size_t g = 0; g < n_seg; g++) {
        psy_segment s = seg[g];
        if (g == 0) {
            snprintf(s.label, sizeof s.label, "session");
            s.onset_s = t0;
            s.duration_s = t1 - t0;
        } else {
            double lo = fmax(s.onset_s, t0), hi = fmin(s.onset_s + s.duration_s, t1);
            if (!(hi > lo)) {
                if (!said)
                    warn_add(warn, a, json_sprintf("segment '%s' at %.3f s lies outside the time both "
                                                   "recordings cover: no row", s.label, s.onset_s));
                continue;
            }
            if (!said && (lo != s.onset_s || hi != s.onset_s + s.duration_s))
                warn_add(warn, a, json_sprintf("segment '%s' at %.3f s clipped to the time both "
                                               "recordings cover", s.label, s.onset_s));
            s.onset_s = lo;
            s.duration_s = hi - lo;
        }
        seg[m++] = s;
    }
    n_seg = m;
    psy_sync_span *spans = malloc(n_seg * sizeof *spans);
    grid = malloc(2 * (n ? n : 1) * sizeof *grid);
    if (!spans || !grid) {
        free(spans);
        cli_error(a, "out of memory");
        goto done;
    }
    for (size_t g = 0; g < n_seg; g++) spans[g] = (psy_sync_span){seg[g].onset_s - t0, seg[g].duration_s};

    for (int i = 0; i < n_sig; i++) {
        psy_message why;
        psy_sync_config ci = *c;
        ci.concordance = sig[i].signal == PSY_SYNC_EDA;
        ci.keep_profiles = o->report;
        for (int k = 0; k < 2; k++) {
            double start = k ? t0 - offset : t0;
            if (psy_sync_signal_on_grid(r[k], sig[i].ch[k], sig[i].signal, start, c->grid_hz, n, grid + k * n, &why) !=
                PSY_OK) {
                cli_error(path[k], "%s: %s", psy_sync_signal_name(sig[i].signal), why.text);
                free(spans);
                goto done;
            }
        }
        if (psy_sync_compute(grid, grid + n, n, spans, n_seg, &ci, &sig[i].res, &why) != PSY_OK) {
            cli_error(a, "sync: %s", why.text);
            free(spans);
            goto done;
        }
        if (sig[i].res->spans[0].n_windows == 0)
            warn_add(warn, a, json_sprintf("%s: no window with both signals present and varying",
                                           psy_sync_signal_name(sig[i].signal)));
    }
    free(spans);

    char stem[600];
    if (o->stem) snprintf(stem, sizeof stem, "%s", o->stem);
    else {
        cli_output_place pa, pb;
        char why[256];
        if (!cli_output_place_for(a, o->outdir, CLI_LAYOUT_FLAT, &pa, why, sizeof why) ||
            !cli_output_place_for(b, o->outdir, CLI_LAYOUT_FLAT, &pb, why, sizeof why)) {
            cli_error(a, "%s", why);
            goto done;
        }
        if (strcmp(pa.stem, pb.stem) == 0) snprintf(stem, sizeof stem, "%s", pa.stem);
        else snprintf(stem, sizeof stem, "%s_%s", pa.stem, pb.stem);
    }
    double both = psy_sync_both_recorded_s(r[0], r[1], offset, t0, t1);
    if (!cli_make_dir(o->outdir)) goto done;
    if (!write_outputs(path, r, o, stem, offset, known, t0, t1, seg, n_seg, sig, n_sig, &ev, warn)) goto done;
    if (!o->quiet) {
        printf("%s + %s: %.1f s together", a, b, t1 - t0);
        if (both < t1 - t0 - 0.05) printf(", %.1f s with both signals (a pause or dropouts)", both);
        printf(" (B starts %+.3f s after A)\n", offset);
        print_summary(seg, n_seg, sig, n_sig);
        printf("  wrote %s/%s_sync.tsv, %s_sync-windows.tsv (with .json sidecars)", o->outdir, stem, stem);
        if (o->report) printf(", %s_sync-report.html", stem);
        putchar('\n');
    }
    rc = CLI_OK;
done:
    for (int i = 0; i < n_sig; i++) psy_sync_result_free(sig[i].res);
    psy_segments_free(seg);
    free(grid);
    json_decref(warn);
    psy_reader_close(r[0]);
    psy_reader_close(r[1]);
    return rc;
}
