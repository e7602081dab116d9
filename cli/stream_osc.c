/* psyphys stream over OSC (liblo): outputs sent as UDP messages, and an input port.
 *
 * Output address space (every message starts with the onset in seconds, float32):
 *   /psyphys/beat      onset f, sample i (-1 for RR input), rr_ms f (NaN first of a stretch)
 *   /psyphys/hr        onset f, bpm f
 *   /psyphys/label     onset f, sample i, label s ("N", "ectopic", ...), corrected i
 *   /psyphys/rmssd     onset f, rmssd_ms f, sdnn_ms f
 *   /psyphys/lfhf      onset f, lf_hf f, lf_ms2 f, hf_ms2 f
 *   /psyphys/resonance onset f, peak_hz f, peak_power_ms2 f
 *   /psyphys/scl       onset f, scl_us f, ns_scr_per_min f
 *   /psyphys/scr       onset f, amplitude_us f, peak f, rise_time_s f
 *   /psyphys/status    onset f, condition s, detail s
 * Input address space: /psyphys/in/ecg and /psyphys/in/eda (one or more samples, f d or i),
 * /psyphys/in/rr (intervals in ms), /psyphys/in/end (the end of the stream). */
#include <lo/lo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stream_cli.h"

struct stream_osc_out {
    lo_address addr;
    int failing; /* sends fail: the peer is gone or unreachable */
};

stream_osc_out *stream_osc_out_open(const char *host_port)
{
    const char *colon = strrchr(host_port, ':');
    if (!colon || colon == host_port || !colon[1]) return NULL;
    char host[256];
    size_t hl = (size_t)(colon - host_port);
    if (hl >= sizeof host) return NULL;
    memcpy(host, host_port, hl);
    host[hl] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535) return NULL;
    stream_osc_out *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->addr = lo_address_new(host, colon + 1);
    if (!o->addr) {
        free(o);
        return NULL;
    }
    return o;
}

void stream_osc_out_close(stream_osc_out *o)
{
    if (!o) return;
    lo_address_free(o->addr);
    free(o);
}

/* A send's result: a failing peer is reported once, and again when it answers. */
static void sent(stream_osc_out *o, int rc, double onset_s, stream_out *report)
{
    int failing = rc < 0;
    if (failing == o->failing) return;
    o->failing = failing;
    if (!report) return;
    char detail[256];
    snprintf(detail, sizeof detail, "%s", failing ? lo_address_errstr(o->addr) : "sends succeed again");
    stream_osc_out *keep = report->osc;
    report->osc = NULL; /* the status goes to stdout only */
    stream_out_status(report, onset_s, failing ? "osc_send_failed" : "osc_send_ok", detail);
    report->osc = keep;
}

void stream_osc_out_send(stream_osc_out *o, const psy_stream_output *x, stream_out *report)
{
    float t = (float)x->onset_s;
    int rc = 0;
    switch (x->kind) {
    case PSY_STREAM_BEAT:
        rc = lo_send(o->addr, "/psyphys/beat", "fif", t, (int)x->u.beat.sample, (float)x->u.beat.rr_ms);
        break;
    case PSY_STREAM_HR:
        rc = lo_send(o->addr, "/psyphys/hr", "ff", t, (float)x->u.hr.bpm);
        break;
    case PSY_STREAM_LABEL:
        rc = lo_send(o->addr, "/psyphys/label", "fisi", t, (int)x->u.label.sample,
                     psy_beat_class_name(x->u.label.label), x->u.label.corrected);
        break;
    case PSY_STREAM_HRV:
        rc = lo_send(o->addr, "/psyphys/rmssd", "fff", t, (float)x->u.hrv.rmssd_ms, (float)x->u.hrv.sdnn_ms);
        if (rc >= 0)
            rc = lo_send(o->addr, "/psyphys/lfhf", "ffff", t, (float)x->u.hrv.lf_hf, (float)x->u.hrv.lf_ms2,
                         (float)x->u.hrv.hf_ms2);
        if (rc >= 0)
            rc = lo_send(o->addr, "/psyphys/resonance", "fff", t, (float)x->u.hrv.peak_hz,
                         (float)x->u.hrv.peak_power_ms2);
        break;
    case PSY_STREAM_SCL:
        rc = lo_send(o->addr, "/psyphys/scl", "fff", t, (float)x->u.scl.scl_us, (float)x->u.scl.ns_scr_per_min);
        break;
    case PSY_STREAM_SCR:
        rc = lo_send(o->addr, "/psyphys/scr", "ffff", t, (float)x->u.scr.amplitude_us, (float)x->u.scr.peak_s,
                     (float)x->u.scr.rise_time_s);
        break;
    case PSY_STREAM_STATUS: {
        char detail[64] = "";
        if (x->u.status.condition == PSY_STREAM_DROPPED)
            snprintf(detail, sizeof detail, "%lld outputs dropped", (long long)x->u.status.count);
        rc = lo_send(o->addr, "/psyphys/status", "fss", t, psy_stream_condition_name(x->u.status.condition), detail);
        break;
    }
    default:
        break;
    }
    sent(o, rc, x->onset_s, report);
}

void stream_osc_out_status(stream_osc_out *o, double onset_s, const char *condition, const char *detail)
{
    lo_send(o->addr, "/psyphys/status", "fss", (float)onset_s, condition, detail ? detail : "");
}

/* ---- input ---------------------------------------------------------------------------------- */

typedef struct osc_in {
    stream_input *in;
    int ended;
    double values[1024];
} osc_in;

/* The message's numbers into ctx->values; -1 when an argument is not a number. */
static int numbers(osc_in *c, const char *types, lo_arg **argv, int argc)
{
    int n = 0;
    for (int i = 0; i < argc && n < (int)(sizeof c->values / sizeof c->values[0]); i++) {
        switch (types[i]) {
        case LO_FLOAT: c->values[n++] = argv[i]->f; break;
        case LO_DOUBLE: c->values[n++] = argv[i]->d; break;
        case LO_INT32: c->values[n++] = argv[i]->i; break;
        case LO_INT64: c->values[n++] = (double)argv[i]->h; break;
        default: return -1;
        }
    }
    return n;
}

static int on_samples(const char *path, const char *types, lo_arg **argv, int argc, lo_message msg, void *data)
{
    (void)msg;
    osc_in *c = data;
    int n = numbers(c, types, argv, argc);
    if (n < 0) {
        char detail[300];
        snprintf(detail, sizeof detail, "%s with arguments '%s': numbers expected", path, types);
        stream_out_status(c->in->out, NAN, "malformed_input", detail);
        return 0;
    }
    psy_status st = PSY_E_INVALID;
    if (strcmp(path, "/psyphys/in/ecg") == 0) st = psy_stream_push_ecg(c->in->s, c->values, (size_t)n);
    else if (strcmp(path, "/psyphys/in/eda") == 0) st = psy_stream_push_eda(c->in->s, c->values, (size_t)n);
    else st = psy_stream_push_rr(c->in->s, c->values, NULL, (size_t)n);
    if (st != PSY_OK) {
        char detail[300];
        snprintf(detail, sizeof detail, "%s: no such channel in this stream (see --ecg-rate, --eda-rate, --rr)", path);
        stream_out_status(c->in->out, NAN, "malformed_input", detail);
    }
    return 0;
}

static int on_end(const char *path, const char *types, lo_arg **argv, int argc, lo_message msg, void *data)
{
    (void)path, (void)types, (void)argv, (void)argc, (void)msg;
    ((osc_in *)data)->ended = 1;
    return 0;
}

static int on_other(const char *path, const char *types, lo_arg **argv, int argc, lo_message msg, void *data)
{
    (void)types, (void)argv, (void)argc, (void)msg;
    osc_in *c = data;
    char detail[300];
    snprintf(detail, sizeof detail, "unknown OSC address %s", path);
    stream_out_status(c->in->out, NAN, "malformed_input", detail);
    return 0;
}

static void on_error(int num, const char *msg, const char *where)
{
    fprintf(stderr, "psyphys: stream: OSC error %d: %s%s%s\n", num, msg ? msg : "", where ? " at " : "",
            where ? where : "");
}

int stream_osc_in(stream_input *in, const char *port)
{
    /* port 0: any free port (printed below) */
    lo_server srv = lo_server_new_with_proto(strcmp(port, "0") == 0 ? NULL : port, LO_UDP, on_error);
    if (!srv) {
        cli_error(NULL, "stream: cannot listen for OSC on UDP port %s (in use or not a port)", port);
        return CLI_FAILED;
    }
    osc_in *c = calloc(1, sizeof *c);
    if (!c) {
        lo_server_free(srv);
        return CLI_FAILED;
    }
    c->in = in;
    lo_server_add_method(srv, "/psyphys/in/ecg", NULL, on_samples, c);
    lo_server_add_method(srv, "/psyphys/in/eda", NULL, on_samples, c);
    lo_server_add_method(srv, "/psyphys/in/rr", NULL, on_samples, c);
    lo_server_add_method(srv, "/psyphys/in/end", NULL, on_end, c);
    lo_server_add_method(srv, NULL, NULL, on_other, c);
    fprintf(stderr, "psyphys: stream: listening for OSC on UDP port %d\n", lo_server_get_port(srv));
    while (!c->ended && !*in->stop && stream_out_alive(in->out)) {
        lo_server_recv_noblock(srv, 100);
        stream_out_drain(in->out, in->s);
    }
    free(c);
    lo_server_free(srv);
    return CLI_OK;
}
