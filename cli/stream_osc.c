/* psyphys stream over OSC: outputs sent as UDP messages (psy_stream_osc_messages, the address
 * space in psyphys/stream_format.h), and an input port (liblo).
 * Messages go out on a connected UDP socket without waiting: a full buffer drops a message, and
 * a peer that has gone away (ICMP port unreachable) is reported as an osc_send_failed status on
 * stdout, then osc_send_ok once it has taken messages for a second, or at the end of the stream
 * when it took the messages since (stream_osc_out_finish).
 * Input address space: /psyphys/in/ecg, /psyphys/in/ppg, /psyphys/in/eda and /psyphys/in/resp
 * (one or more samples, f d or i),
 * /psyphys/in/rr (intervals in ms), /psyphys/in/end (the end of the stream). */
#include <errno.h>
#include <lo/lo.h>
#include <math.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stream_cli.h"

struct stream_osc_out {
    int fd;      /* a connected UDP socket: a peer that has gone away shows as ECONNREFUSED */
    int failing;        /* sends fail: the peer is gone or unreachable */
    double last_error;  /* monotonic time (s) of the last failed send */
    long sent_since_error; /* sends that went out since it */
    double last_onset;  /* of the last output sent */
    char errtext[128];
    double tokens, tokens_t; /* messages that may go at once, and when they were counted (s) */
};

stream_osc_out *stream_osc_out_open(const char *host_port, char *why, size_t why_size)
{
    const char *colon = strrchr(host_port, ':');
    char host[256];
    size_t hl = colon ? (size_t)(colon - host_port) : 0;
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    if (!colon || colon == host_port || !colon[1] || hl >= sizeof host || *end || port < 1 || port > 65535) {
        snprintf(why, why_size, "is not HOST:PORT (PORT 1 .. 65535)");
        return NULL;
    }
    memcpy(host, host_port, hl);
    host[hl] = '\0';
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    int gai = getaddrinfo(host, colon + 1, &hints, &res);
    if (gai != 0 || !res) {
        snprintf(why, why_size, "host '%s' cannot be resolved (%s)", host, gai ? gai_strerror(gai) : "no address");
        return NULL;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(why, why_size, "no socket to it (%s)", strerror(errno));
        return NULL;
    }
    stream_osc_out *o = calloc(1, sizeof *o);
    if (!o) {
        close(fd);
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    o->fd = fd;
    return o;
}

void stream_osc_out_close(stream_osc_out *o)
{
    if (!o) return;
    close(o->fd);
    free(o);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Bursts are paced (a token bucket: 64 messages at once, then 10 000 a second). A receiver's
 * socket buffer holds about 200 datagrams (Linux's default 208 KiB) and drops the rest without
 * the sender knowing: the end of a replay (the pending labels, each with its HRV messages, and
 * the breaths) lost its last messages on OSC while they reached the JSON. Live outputs, a few
 * messages per beat, are never delayed. */
#define BURST 64.0
#define PACE_PER_S 10000.0
static void pace(stream_osc_out *o)
{
    double now = now_s();
    o->tokens = fmin(BURST, o->tokens + (now - o->tokens_t) * PACE_PER_S);
    o->tokens_t = now;
    if (o->tokens < 1) {
        double wait = (1 - o->tokens) / PACE_PER_S;
        struct timespec gap = {0, (long)(wait * 1e9)};
        nanosleep(&gap, NULL);
        o->tokens = 1;
        o->tokens_t = now_s();
    }
    o->tokens -= 1;
}

/* Encodes m and sends it without waiting for the peer (a full socket buffer drops the
 * message; bursts are paced). Returns 0, or -1 with the reason in o->errtext. */
static int send_message(stream_osc_out *o, const psy_osc_message *m)
{
    pace(o);
    uint8_t buf[PSY_OSC_PACKET_MAX];
    size_t len = psy_osc_encode(m, buf, sizeof buf);
    if (!len) {
        snprintf(o->errtext, sizeof o->errtext, "message too long");
        return -1;
    }
    ssize_t k = send(o->fd, buf, len, MSG_DONTWAIT);
    if (k == (ssize_t)len) return 0;
    snprintf(o->errtext, sizeof o->errtext, "%s", k < 0 ? strerror(errno) : "short send");
    return -1;
}

/* Reports a change of the peer's state on stdout (and LSL) only. */
static void report_state(stream_osc_out *o, double onset_s, const char *detail, stream_out *report)
{
    if (!report) return;
    stream_osc_out *keep = report->osc;
    report->osc = NULL;
    stream_out_status(report, onset_s, o->failing ? "osc_send_failed" : "osc_send_ok", detail);
    report->osc = keep;
}

/* A send's result: a failing peer is reported once, and again when it has taken messages for a
 * second (a refused datagram shows only on the send after it, so single successes prove nothing). */
static void sent(stream_osc_out *o, int rc, double onset_s, stream_out *report)
{
    if (rc < 0) o->last_error = now_s(), o->sent_since_error = 0;
    else o->sent_since_error++;
    o->last_onset = onset_s;
    int failing = rc < 0 || (o->failing && now_s() - o->last_error < 1.0);
    if (failing == o->failing) return;
    o->failing = failing;
    report_state(o, onset_s, failing ? o->errtext : "OSC messages are delivered again", report);
}

/* Whether the socket's peer is this host: its ICMP answers are not rate-limited. */
static int peer_is_loopback(int fd)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    if (getpeername(fd, (struct sockaddr *)&a, &len) != 0) return 0;
    if (a.ss_family == AF_INET)
        return (ntohl(((struct sockaddr_in *)&a)->sin_addr.s_addr) >> 24) == 127;
    if (a.ss_family != AF_INET6) return 0;
    const struct in6_addr *v6 = &((struct sockaddr_in6 *)&a)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(v6) || (IN6_IS_ADDR_V4MAPPED(v6) && v6->s6_addr[12] == 127);
}

void stream_osc_out_finish(stream_osc_out *o, stream_out *report)
{
    if (!o->failing || !o->sent_since_error) return;
    /* A refused datagram shows as the socket's error once the ICMP answer is in: at once on
     * loopback (200 ms allowed); a remote host sends at most one such answer a second (Linux's
     * icmp_ratelimit), so wait out the second since the last failure. Then say how it ended. */
    int wait_ms = 200;
    if (!peer_is_loopback(o->fd)) {
        double rest = 1.0 - (now_s() - o->last_error);
        wait_ms = (int)fmax(200.0, fmin(1000.0, ceil(rest * 1000.0)));
    }
    struct pollfd p = {.fd = o->fd, .events = 0};
    int err = 0;
    socklen_t len = sizeof err;
    int ready = poll(&p, 1, wait_ms);
    if (ready < 0) return; /* interrupted: unknown, the peer stays failed */
    if (ready > 0 && getsockopt(o->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err) {
        snprintf(o->errtext, sizeof o->errtext, "%s", strerror(err));
        return;
    }
    o->failing = 0;
    char detail[96];
    snprintf(detail, sizeof detail, "%ld outputs since the last failure were not refused",
             o->sent_since_error);
    report_state(o, o->last_onset, detail, report);
}

void stream_osc_out_send(stream_osc_out *o, const psy_stream_output *x, stream_out *report)
{
    psy_osc_message m[PSY_STREAM_OSC_MAX];
    size_t n = psy_stream_osc_messages(x, m);
    if (!n) return;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) rc = send_message(o, &m[i]);
    /* a status is not watched for delivery: reporting its failure would send another */
    if (x->kind != PSY_STREAM_STATUS) sent(o, rc, x->onset_s, report);
}

void stream_osc_out_status(stream_osc_out *o, double onset_s, const char *condition, const char *detail)
{
    psy_osc_message m;
    psy_stream_osc_status(onset_s, condition, detail, &m);
    send_message(o, &m);
}

/* ---- input ---------------------------------------------------------------------------------- */

typedef struct osc_in {
    stream_input *in;
    int ended;
    double values[1024];
} osc_in;

/* The message's numbers into ctx->values; -1 when an argument is not a number. liblo's argument
 * pointers need not be aligned for the lo_arg union, so each value is copied out bytewise. */
static int numbers(osc_in *c, const char *types, lo_arg **argv, int argc)
{
    int n = 0;
    for (int i = 0; i < argc && n < (int)(sizeof c->values / sizeof c->values[0]); i++) {
        const void *p = argv[i];
        float f;
        double d;
        int32_t i32;
        int64_t i64;
        switch (types[i]) {
        case LO_FLOAT: memcpy(&f, p, sizeof f), c->values[n++] = f; break;
        case LO_DOUBLE: memcpy(&d, p, sizeof d), c->values[n++] = d; break;
        case LO_INT32: memcpy(&i32, p, sizeof i32), c->values[n++] = i32; break;
        case LO_INT64: memcpy(&i64, p, sizeof i64), c->values[n++] = (double)i64; break;
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
    else if (strcmp(path, "/psyphys/in/ppg") == 0) st = psy_stream_push_ppg(c->in->s, c->values, (size_t)n);
    else if (strcmp(path, "/psyphys/in/eda") == 0) st = psy_stream_push_eda(c->in->s, c->values, (size_t)n);
    else if (strcmp(path, "/psyphys/in/resp") == 0) st = psy_stream_push_resp(c->in->s, c->values, (size_t)n);
    else st = psy_stream_push_rr(c->in->s, c->values, NULL, (size_t)n);
    if (st != PSY_OK) {
        char detail[300];
        snprintf(detail, sizeof detail,
                 "%s: no such channel in this stream (see --ecg-rate, --ppg-rate, --eda-rate, --resp-rate, --rr)",
                 path);
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
    /* Samples that arrive while the stream is busy (a loaded machine) wait in the socket rather
     * than being dropped: its buffer asks for 8 MiB, and Linux grants up to net.core.rmem_max,
     * doubled for its bookkeeping (416 KiB with stock sysctls, twice the default of a socket),
     * capping silently: the warning is for a system that refuses the option outright. */
    int rcvbuf = 8 << 20;
    if (setsockopt(lo_server_get_socket_fd(srv), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0)
        fprintf(stderr, "psyphys: stream: warning: cannot enlarge the OSC socket's receive buffer (%s): samples may be "
                        "dropped while the stream is busy\n", strerror(errno));
    lo_server_add_method(srv, "/psyphys/in/ecg", NULL, on_samples, c);
    lo_server_add_method(srv, "/psyphys/in/ppg", NULL, on_samples, c);
    lo_server_add_method(srv, "/psyphys/in/eda", NULL, on_samples, c);
    lo_server_add_method(srv, "/psyphys/in/resp", NULL, on_samples, c);
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
