/* psyphys stream — live beats, HR, HRV, resonance and EDA markers as JSON lines (and OSC, LSL)
 * from stdin, an OSC port, an LSL stream or a replayed recording. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beats_table.h"
#include "cli.h"
#include "stream_cli.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys stream INPUT [channels] [outputs] [settings]\n\n"
            "Beats, heart rate, rolling HRV, HRV-biofeedback resonance and coherence, breaths with their\n"
            "RSA, and EDA markers, live, as one JSON object per line on stdout (type beat, hr, label,\n"
            "hrv, scl, scr, breath or status; onset in s).\n\n"
            "input (one):\n"
            "  --replay FILE         a recording's ECG or RR, EDA and respiration channels, in time order\n"
            "  --speed 1|max|X       replay in real time (default), as fast as possible, or X times\n"
            "                        faster than real time\n"
            "  --stdin FORMAT        float32 or int16 (interleaved little-endian frames) or csv\n"
            "                        (one frame per line, comma-separated; nan or empty = missing)\n"
            "  --osc-in PORT         OSC on a UDP port (0: any free one): /psyphys/in/ecg, /psyphys/in/ppg,\n"
            "                        /psyphys/in/eda, /psyphys/in/resp (samples), /psyphys/in/rr (intervals,\n"
            "                        ms), /psyphys/in/end\n"
            "  --lsl-in TYPE         the first LSL stream of this type (needs liblsl at run time)\n"
            "channels (stdin, OSC, LSL):\n"
            "  --ecg-rate HZ         an ECG channel at this rate\n"
            "  --ppg-rate HZ         a PPG / BVP channel at this rate (25 .. 1000 Hz): beats are its pulses\n"
            "                        (pulse rate variability)\n"
            "  --eda-rate HZ         an EDA channel (uS) at this rate; with ECG or PPG on stdin or LSL the same\n"
            "  --resp-rate HZ        a respiration channel at this rate (breaths); in frames the same.\n"
            "                        The first breaths come once a 20-s look-ahead has sized them; after\n"
            "                        a gap (a time jump, a malformed value) at once, sized by those before\n"
            "                        it (a new look-ahead while none were sized)\n"
            "  --rr                  RR intervals (ms) instead of ECG (csv: a column, OSC: /psyphys/in/rr)\n"
            "  --columns LIST        what each column is: ecg, ppg, eda, resp, rr, time (s; csv), skip;\n"
            "                        default ecg (or ppg),eda,resp for the channels given\n"
            "  --gain LIST           multiply each column by this (e.g. int16 counts to uS), default 1\n");
    fprintf(out,
            "channels (--replay):\n"
            "  --ecg LABEL, --eda LABEL, --resp LABEL  the channels (default: the first ECG, else the\n"
            "                        first RR channel, else the first PPG; the first EDA and the first\n"
            "                        respiration channel; --rsp: the same as --resp)\n"
            "  --ppg LABEL           beats from this PPG channel's pulses (pulse rate variability)\n"
            "outputs:\n"
            "  --osc-out HOST:PORT   also send OSC messages (/psyphys/beat, /hr, /label, /rmssd, /lfhf,\n"
            "                        /resonance, /coherence, /scl, /scr, /breath, /status; see the README)\n"
            "  --lsl-out NAME        also push each JSON line to an LSL outlet (type Markers)\n"
            "settings:\n"
            "  --time-window S       RMSSD and SDNN over the last S seconds (default 60)\n"
            "  --time-window-beats N ... or over the last N intervals; as in psyphys hrv, RMSSD\n"
            "                        needs 10 s of intervals, SDNN 30 s, LF 120 s (null with the\n"
            "                        reason in na_reasons while a window fills)\n"
            "  --freq-window S       LF, HF, LF/HF and resonance over the last S seconds (default 128)\n"
            "  --hrv-every S         an HRV line at the first NN interval of every S seconds and at a\n"
            "                        stretch's end (default 5; 0: after every interval, a Welch spectrum\n"
            "                        each: 24 h at 75 bpm is then about 13 s of CPU)\n"
            "  --preset P            HRV settings as psyphys hrv --preset: default (= kubios), neurokit,\n"
            "                        pcst (the spectrum here is always Welch)\n"
            "  --exact               no provisional label and HRV line at each beat: only the final ones\n"
            "                        (by default each beat also gets them at once, marked provisional)\n"
            "  --lookahead N         beats before a label is final (default 53: labels equal the offline\n"
            "                        ones; fewer: earlier labels and HRV that may differ near artefacts)\n"
            "  --queue N             outputs held between polls (default 4096)\n\n"
            "Bad input (malformed lines, NaN, time jumps, a sensor unplugged, an OSC peer gone) is\n"
            "reported as a status line and the stream goes on. Live inputs (not a replay at max speed,\n"
            "not a file on stdin) never wait for a slow reader of stdout: lines that do not fit in\n"
            "1 MiB are dropped and counted.\n\n");
    cli_print_input_options_help(out);
}

/* 1 with *out when s is a number in [lo, hi]. */
static int number_in(const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (!*s || *end || !(v >= lo && v <= hi)) return 0;
    *out = v;
    return 1;
}

static int parse_number(const char *opt, const char *s, double lo, double hi, double *out)
{
    if (number_in(s, lo, hi, out)) return 1;
    cli_error(NULL, "stream: %s '%s' is not a number in [%g, %g]", opt, s, lo, hi);
    return 0;
}

/* "ecg,eda" -> columns. */
static int parse_columns(const char *s, stream_input *in)
{
    static const char *const names[COL_KINDS] = {"ecg", "eda", "rr", "time", "skip", "resp", "ppg"};
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    in->n_columns = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int k = 0;
        while (k < COL_KINDS && strcmp(tok, names[k]) != 0) k++;
        if (k == COL_KINDS || in->n_columns == 8) {
            cli_error(NULL, "stream: --columns '%s': %s", s,
                      k == COL_KINDS ? "each column is ecg, ppg, eda, resp, rr, time or skip" : "at most 8 columns");
            return 0;
        }
        in->columns[in->n_columns++] = k;
    }
    return in->n_columns > 0;
}

static int parse_gains(const char *s, double *gain)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == 8 || !parse_number("--gain", tok, -1e12, 1e12, &gain[n])) return 0;
        n++;
    }
    return 1;
}

typedef struct options {
    const char *replay, *stdin_format, *osc_in, *lsl_in, *osc_out, *lsl_out, *ecg_label, *eda_label, *ppg_label,
        *resp_label;
    const char *columns, *gains, *preset;
    double speed; /* replay: 1 real time, 2 twice as fast, ...; 0 as fast as possible */
    int rr, exact;
    double ecg_rate, ppg_rate, eda_rate, resp_rate;
    psy_stream_config cfg;
} options;

static int parse(int argc, char **argv, options *o, cli_input_options *in)
{
    o->speed = 1;
    o->cfg = psy_stream_config_default(0, 0);
    for (int i = 1; i < argc; i++) {
        int used = cli_parse_input_option(in, argc, argv, &i);
        if (used < 0) return CLI_USAGE;
        if (used) continue;
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(stdout);
            return -1;
        }
        if (strcmp(a, "--rr") == 0) {
            o->rr = 1;
            continue;
        }
        if (strcmp(a, "--exact") == 0) {
            o->exact = 1;
            continue;
        }
        if (a[0] != '-' || !a[1]) {
            cli_error(NULL, "stream: unexpected argument '%s' (see psyphys stream --help)", a);
            return CLI_USAGE;
        }
        static const char *const with_value[] = {
            "--replay", "--stdin", "--osc-in", "--lsl-in", "--osc-out", "--lsl-out", "--ecg", "--eda", "--ppg",
            "--resp", "--rsp", "--columns", "--preset", "--gain", "--speed", "--ecg-rate", "--ppg-rate", "--eda-rate",
            "--resp-rate", "--time-window", "--time-window-beats",
            "--freq-window", "--hrv-every", "--lookahead", "--queue", NULL};
        if (!v) return cli_refuse_option("stream", a, with_value);
        i++;
        if (strcmp(a, "--replay") == 0) o->replay = v;
        else if (strcmp(a, "--stdin") == 0) o->stdin_format = v;
        else if (strcmp(a, "--osc-in") == 0) o->osc_in = v;
        else if (strcmp(a, "--lsl-in") == 0) o->lsl_in = v;
        else if (strcmp(a, "--osc-out") == 0) o->osc_out = v;
        else if (strcmp(a, "--lsl-out") == 0) o->lsl_out = v;
        else if (strcmp(a, "--ecg") == 0) o->ecg_label = v;
        else if (strcmp(a, "--eda") == 0) o->eda_label = v;
        else if (strcmp(a, "--ppg") == 0) o->ppg_label = v;
        else if (cli_is_resp_option(a)) o->resp_label = v;
        else if (strcmp(a, "--columns") == 0) o->columns = v;
        else if (strcmp(a, "--preset") == 0) o->preset = v;
        else if (strcmp(a, "--gain") == 0) o->gains = v;
        else if (strcmp(a, "--speed") == 0) {
            if (strcmp(v, "max") == 0) o->speed = 0;
            else if (!number_in(v, 0.01, 1000, &o->speed)) {
                cli_error(NULL, "stream: --speed '%s' is neither max nor a number in [0.01, 1000]", v);
                return CLI_USAGE;
            }
        } else if (strcmp(a, "--ecg-rate") == 0) {
            if (!parse_number(a, v, 50, 20000, &o->ecg_rate)) return CLI_USAGE;
        } else if (strcmp(a, "--ppg-rate") == 0) {
            if (!parse_number(a, v, 25, 1000, &o->ppg_rate)) return CLI_USAGE;
        } else if (strcmp(a, "--eda-rate") == 0) {
            if (!parse_number(a, v, 1, 100000, &o->eda_rate)) return CLI_USAGE;
        } else if (strcmp(a, "--resp-rate") == 0) {
            if (!parse_number(a, v, 4, 20000, &o->resp_rate)) return CLI_USAGE;
        } else if (strcmp(a, "--time-window") == 0) {
            if (!parse_number(a, v, 5, 3600, &o->cfg.time_window_s)) return CLI_USAGE;
        } else if (strcmp(a, "--time-window-beats") == 0) {
            if (!parse_number(a, v, 2, 4096, &x)) return CLI_USAGE;
            o->cfg.time_window_beats = (size_t)x;
        } else if (strcmp(a, "--freq-window") == 0) {
            if (!parse_number(a, v, 30, 600, &o->cfg.freq_window_s)) return CLI_USAGE;
        } else if (strcmp(a, "--hrv-every") == 0) {
            if (!parse_number(a, v, 0, 60, &o->cfg.hrv_interval_s)) return CLI_USAGE;
            if (o->cfg.hrv_interval_s > 0 && o->cfg.hrv_interval_s < 0.5) {
                cli_error(NULL, "stream: --hrv-every is 0 (every interval) or 0.5 .. 60 s, not '%s'", v);
                return CLI_USAGE;
            }
        } else if (strcmp(a, "--lookahead") == 0) {
            if (!parse_number(a, v, 2, 200, &x)) return CLI_USAGE;
            o->cfg.rr_lookahead = (int)x;
        } else if (strcmp(a, "--queue") == 0) {
            if (!parse_number(a, v, 16, 1 << 20, &x)) return CLI_USAGE;
            o->cfg.queue_capacity = (size_t)x;
        } else {
            return cli_refuse_option("stream", a, NULL);
        }
    }
    int inputs = !!o->replay + !!o->stdin_format + !!o->osc_in + !!o->lsl_in;
    if (inputs != 1) {
        cli_error(NULL, "stream: give one input: --replay FILE, --stdin FORMAT, --osc-in PORT or --lsl-in TYPE");
        return CLI_USAGE;
    }
    if (o->replay && (o->ecg_rate > 0 || o->ppg_rate > 0 || o->eda_rate > 0 || o->resp_rate > 0 || o->rr ||
                      o->columns || o->gains)) {
        cli_error(NULL, "stream: --ecg-rate, --ppg-rate, --eda-rate, --resp-rate, --rr, --columns and --gain describe "
                        "live input; a replay takes its channels and rates from the recording");
        return CLI_USAGE;
    }
    if (o->ppg_label && (o->ecg_label || !o->replay)) {
        cli_error(NULL, "stream: --ppg LABEL names a replayed recording's PPG channel (live input: --ppg-rate HZ); "
                        "beats come from it or from --ecg, not both");
        return CLI_USAGE;
    }
    if (o->stdin_format && strcmp(o->stdin_format, "float32") != 0 && strcmp(o->stdin_format, "int16") != 0 &&
        strcmp(o->stdin_format, "csv") != 0) {
        cli_error(NULL, "stream: --stdin is float32, int16 or csv, not '%s'", o->stdin_format);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* Channels of stdin / OSC / LSL from the rate flags and --columns. */
static int live_channels(options *o, stream_input *in)
{
    if (!!o->rr + (o->ecg_rate > 0) + (o->ppg_rate > 0) > 1) {
        cli_error(NULL, "stream: --rr, --ecg-rate and --ppg-rate: beats come from one of them");
        return 0;
    }
    if (!o->rr && !(o->ecg_rate > 0) && !(o->ppg_rate > 0) && !(o->eda_rate > 0) && !(o->resp_rate > 0)) {
        cli_error(NULL, "stream: name the live channels: --ecg-rate HZ or --ppg-rate HZ, --eda-rate HZ, --resp-rate HZ "
                        "and/or --rr");
        return 0;
    }
    if (o->columns) {
        if (!parse_columns(o->columns, in)) return 0;
    } else {
        in->n_columns = 0;
        if (o->ecg_rate > 0) in->columns[in->n_columns++] = COL_ECG;
        if (o->ppg_rate > 0) in->columns[in->n_columns++] = COL_PPG;
        if (o->rr) in->columns[in->n_columns++] = COL_RR;
        if (o->eda_rate > 0) in->columns[in->n_columns++] = COL_EDA;
        if (o->resp_rate > 0) in->columns[in->n_columns++] = COL_RESP;
    }
    for (int c = 0; c < 8; c++) in->gain[c] = 1;
    if (o->gains && !parse_gains(o->gains, in->gain)) return 0;
    int has[COL_KINDS] = {0};
    for (int c = 0; c < in->n_columns; c++) has[in->columns[c]]++;
    const char *bad = NULL;
    double frame_rate = 0; /* the sample columns' one rate (0: they disagree) */
    const double rate_of[COL_KINDS] = {[COL_ECG] = o->ecg_rate, [COL_PPG] = o->ppg_rate, [COL_EDA] = o->eda_rate,
                                       [COL_RESP] = o->resp_rate};
    for (int c = 0; c < in->n_columns; c++) {
        double r = rate_of[in->columns[c]];
        if (r > 0) frame_rate = frame_rate == 0 || frame_rate == r ? r : -1;
    }
    if ((has[COL_ECG] && !(o->ecg_rate > 0)) || (has[COL_PPG] && !(o->ppg_rate > 0)) ||
        (has[COL_EDA] && !(o->eda_rate > 0)) || (has[COL_RESP] && !(o->resp_rate > 0)) || (has[COL_RR] && !o->rr))
        bad = "a column's channel has no rate (--ecg-rate, --ppg-rate, --eda-rate, --resp-rate) or --rr";
    else if (has[COL_ECG] > 1 || has[COL_PPG] > 1 || has[COL_EDA] > 1 || has[COL_RESP] > 1 || has[COL_RR] > 1 ||
             has[COL_TIME] > 1)
        bad = "each of ecg, ppg, eda, resp, rr and time at most once";
    else if (has[COL_RR] && (has[COL_ECG] || has[COL_PPG] || has[COL_EDA] || has[COL_RESP]))
        bad = "RR intervals come one per line, not in frames with samples";
    else if ((has[COL_RR] || has[COL_TIME]) && o->stdin_format && strcmp(o->stdin_format, "csv") != 0)
        bad = "rr and time columns are for --stdin csv";
    else if (frame_rate < 0)
        bad = "the channels of one frame share one rate: give --ecg-rate (or --ppg-rate), --eda-rate and "
              "--resp-rate the same";
    if (bad && !o->osc_in) {
        cli_error(NULL, "stream: --columns: %s", bad);
        return 0;
    }
    double heart_rate = o->ecg_rate > 0 ? o->ecg_rate : o->ppg_rate;
    in->frame_rate_hz = heart_rate > 0    ? heart_rate
                        : o->eda_rate > 0 ? o->eda_rate
                        : o->resp_rate > 0 ? o->resp_rate
                                           : 1;
    o->cfg.ecg_rate_hz = o->ecg_rate;
    o->cfg.ppg_rate_hz = o->ppg_rate;
    o->cfg.eda_rate_hz = o->eda_rate;
    o->cfg.resp_rate_hz = o->resp_rate;
    o->cfg.rr_input = o->rr;
    return 1;
}

/* Channels of the replayed recording: *heart_ch is the ECG, RR or PPG channel the beats come from. */
static int replay_channels(options *o, psy_reader *r, int *heart_ch, int *eda, int *resp)
{
    *heart_ch = *eda = *resp = -1;
    static const psy_channel_type heart[] = {PSY_CH_ECG, PSY_CH_RR}, pulse[] = {PSY_CH_PPG}, skin[] = {PSY_CH_EDA},
                                  lungs[] = {PSY_CH_RESP};
    int any_heart = 0, any_pulse = 0, any_skin = 0, any_lungs = 0;
    for (int i = 0; i < psy_reader_channel_count(r); i++) {
        psy_channel_type t = psy_reader_channel(r, i)->type;
        any_heart |= t == PSY_CH_ECG || t == PSY_CH_RR;
        any_pulse |= t == PSY_CH_PPG;
        any_skin |= t == PSY_CH_EDA;
        any_lungs |= t == PSY_CH_RESP && psy_reader_channel(r, i)->rate_hz > 0;
    }
    int h = -1;
    if (o->ppg_label || (!o->ecg_label && !any_heart && any_pulse)) /* a PPG only when asked or alone */
        h = cli_pick_channel(r, o->replay, o->ppg_label, pulse, 1, "PPG");
    else if (o->ecg_label || any_heart)
        h = cli_pick_channel(r, o->replay, o->ecg_label, heart, 2, "ECG or RR");
    if ((o->ecg_label || o->ppg_label) && h < 0) return 0;
    if (o->eda_label || any_skin) *eda = cli_pick_channel(r, o->replay, o->eda_label, skin, 1, "EDA");
    if (o->eda_label && *eda < 0) return 0;
    if (o->resp_label || any_lungs) *resp = cli_pick_channel(r, o->replay, o->resp_label, lungs, 1, "respiration");
    if (o->resp_label && *resp < 0) return 0;
    *heart_ch = h;
    if (h < 0 && *eda < 0 && *resp < 0) {
        cli_error(o->replay, "no ECG, RR, PPG, EDA or respiration channel to stream; name one with --ecg, --ppg, --eda "
                             "or --resp LABEL");
        return 0;
    }
    if (*resp >= 0 && !(psy_reader_channel(r, *resp)->rate_hz >= 4)) {
        cli_error(o->replay, "respiration channel '%s': breaths need a regular channel of at least 4 Hz",
                  psy_reader_channel(r, *resp)->label);
        return 0;
    }
    return 1;
}

/* A time window that can never hold a key's minimum span (psyphys hrv's minima) is said once:
 * every hrv line's na_reasons says it too. */
static void window_minimum_notes(const psy_stream_config *c)
{
    double rmssd = c->hrv.min_span_s[PSY_HRV_RMSSD_MS], sdnn = c->hrv.min_span_s[PSY_HRV_SDNN_MS];
    if (c->time_window_beats && (rmssd > 0 || sdnn > 0)) {
        fprintf(stderr, "psyphys: warning: --time-window-beats %zu: RMSSD needs %g s and SDNN %g s of intervals "
                        "(their minimum spans): each is null while the beats span less\n",
                c->time_window_beats, rmssd, sdnn);
        return;
    }
    const struct {
        const char *name, *key;
        double min_s;
    } k[] = {{"RMSSD", "rmssd_ms", rmssd}, {"SDNN", "sdnn_ms", sdnn}};
    for (int i = 0; i < 2; i++)
        if (c->time_window_s < k[i].min_s)
            fprintf(stderr, "psyphys: warning: --time-window %g s is shorter than the minimum span of %s (%g s): "
                            "%s stays null\n", c->time_window_s, k[i].name, k[i].min_s, k[i].key);
}

/* Pulses are not R-peaks: the first line says so, for consumers that only see the lines. */
static void pulses_note(stream_out *out, psy_reader *r, int heart)
{
    char what[160], detail[640];
    if (r) snprintf(what, sizeof what, "PPG '%s'", psy_reader_channel(r, heart)->label);
    else snprintf(what, sizeof what, "the PPG input");
    snprintf(detail, sizeof detail, "beats are the pulses of %s, rr_ms pulse intervals, hr pulse rate and hrv %s",
             what, psy_pulse_rate_variability_note());
    stream_out_status(out, NAN, "ppg_pulses", detail);
}

int cmd_stream(int argc, char **argv)
{
    cli_input_options io;
    cli_input_options_init(&io);
    options o;
    memset(&o, 0, sizeof o);
    int code = parse(argc, argv, &o, &io);
    if (code < 0) return CLI_OK;
    if (code != CLI_OK) return code;
    stream_input in;
    memset(&in, 0, sizeof in);
    in.stop = &stop_requested;
    psy_reader *r = NULL;
    int heart = -1, eda = -1, resp = -1;
    if (o.replay) {
        if (!(r = cli_open_recording(o.replay, &io))) return CLI_FAILED;
        if (!replay_channels(&o, r, &heart, &eda, &resp)) {
            psy_reader_close(r);
            return CLI_FAILED;
        }
    } else if (!live_channels(&o, &in)) {
        return CLI_USAGE;
    }
    /* the defaults of the channels' rates, with the settings given */
    psy_stream_config cfg = r ? psy_stream_config_for_channels(r, heart, eda, resp)
                              : psy_stream_config_default(o.cfg.ecg_rate_hz, o.cfg.eda_rate_hz);
    if (!r) cfg.rr_input = o.cfg.rr_input, cfg.ppg_rate_hz = o.cfg.ppg_rate_hz, cfg.resp_rate_hz = o.cfg.resp_rate_hz;
    cfg.provisional = !o.exact;
    if (o.preset && psy_hrv_config_preset(o.preset, &cfg.hrv) != PSY_OK) {
        cli_error(NULL, "stream: --preset is default, kubios, neurokit or pcst, not '%s'", o.preset);
        psy_reader_close(r);
        return CLI_USAGE;
    }
    if (o.cfg.time_window_s > 0) cfg.time_window_s = o.cfg.time_window_s;
    if (o.cfg.freq_window_s > 0) cfg.freq_window_s = o.cfg.freq_window_s;
    cfg.time_window_beats = o.cfg.time_window_beats;
    cfg.hrv_interval_s = o.cfg.hrv_interval_s;
    if (o.cfg.rr_lookahead > 0) cfg.rr_lookahead = o.cfg.rr_lookahead;
    if (o.cfg.queue_capacity > 0) cfg.queue_capacity = o.cfg.queue_capacity;
    psy_message why = {{0}};
    if (psy_stream_create(&cfg, &in.s, &why) != PSY_OK) {
        cli_error(o.replay, "stream: %s", why.text);
        psy_reader_close(r);
        return CLI_FAILED;
    }
    window_minimum_notes(&cfg);
    stream_out out;
    /* Replay at max speed and a file on stdin are not live: every line is written, waiting for the
     * reader; live inputs never wait for it. */
    struct stat st_in;
    int stdin_file = o.stdin_format && fstat(STDIN_FILENO, &st_in) == 0 && S_ISREG(st_in.st_mode);
    int live = !(o.replay && o.speed == 0) && !stdin_file;
    if (!stream_out_init(&out, live)) {
        psy_stream_destroy(in.s);
        psy_reader_close(r);
        return CLI_FAILED;
    }
    in.out = &out;
    code = CLI_OK;
    char osc_why[300];
    if (o.osc_out && !(out.osc = stream_osc_out_open(o.osc_out, osc_why, sizeof osc_why))) {
        cli_error(NULL, "stream: --osc-out '%s' %s", o.osc_out, osc_why);
        code = strstr(osc_why, "HOST:PORT") ? CLI_USAGE : CLI_FAILED;
    }
    stream_lsl *lsl = NULL;
    if (code == CLI_OK && (o.lsl_in || o.lsl_out)) {
        char reason[300];
        lsl = stream_lsl_open(o.lsl_in, o.lsl_out, reason, sizeof reason);
        if (!lsl && o.lsl_in) {
            cli_error(NULL, "stream: --lsl-in: %s (use --stdin or --osc-in instead)", reason);
            code = CLI_FAILED;
        } else if (!lsl) {
            fprintf(stderr, "psyphys: stream: warning: --lsl-out ignored: %s; the other outputs go on\n", reason);
        }
        if (lsl && o.lsl_out) out.lsl = lsl;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a blocked read returns and the stream ends */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (code == CLI_OK && cfg.ppg_rate_hz > 0) pulses_note(&out, r, heart);
    if (code == CLI_OK) {
        if (o.replay) code = stream_replay(&in, r, o.replay, heart, eda, resp, o.speed);
        else if (o.stdin_format) code = stream_read_stdin(&in, o.stdin_format);
        else if (o.osc_in) code = stream_osc_in(&in, o.osc_in);
        else code = stream_lsl_in(&in, lsl);
    }
    psy_stream_finish(in.s);
    stream_out_drain(&out, in.s);
    if (lsl && !out.lsl) stream_lsl_close(lsl);
    stream_out_close(&out);
    psy_stream_destroy(in.s);
    psy_reader_close(r);
    return code;
}
