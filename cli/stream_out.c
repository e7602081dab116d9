/* psyphys stream outputs: one JSON object per line on stdout, and the same outputs to OSC and
 * LSL when asked. Live inputs never wait for a slow reader of stdout: lines that do not fit in a
 * 1 MiB buffer are dropped and counted (a status line says how many once there is room). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "stream_cli.h"

#define LIVE_BUFFER (1 << 20)

int stream_out_init(stream_out *o, int live)
{
    memset(o, 0, sizeof *o);
    o->live = live;
    o->stdout_ok = 1;
    signal(SIGPIPE, SIG_IGN); /* a reader that goes away is an EPIPE, handled below */
    cli_stdout_reader_may_leave();
    if (live) {
        o->cap = LIVE_BUFFER;
        o->buf = malloc(o->cap);
        if (!o->buf) return 0;
        /* Not on a terminal: its file description is usually stdin's too, which must block. */
        o->stdout_flags = isatty(STDOUT_FILENO) ? -1 : fcntl(STDOUT_FILENO, F_GETFL);
        if (o->stdout_flags >= 0) fcntl(STDOUT_FILENO, F_SETFL, o->stdout_flags | O_NONBLOCK);
    }
    return 1;
}

void stream_out_flush(stream_out *o)
{
    if (!o->live) {
        if (o->stdout_ok && fflush(stdout) != 0) {
            o->stdout_ok = 0;
            cli_stdout_lost(errno);
        }
        return;
    }
    size_t done = 0;
    while (o->stdout_ok && done < o->len) {
        ssize_t k = write(STDOUT_FILENO, o->buf + done, o->len - done);
        if (k > 0) {
            done += (size_t)k;
        } else if (k < 0 && errno == EINTR) {
            continue;
        } else {
            if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { /* EPIPE: gone */
                o->stdout_ok = 0;
                cli_stdout_lost(errno);
            }
            break;
        }
    }
    memmove(o->buf, o->buf + done, o->len - done);
    o->len -= done;
}

static void write_line(stream_out *o, const char *line, size_t n)
{
    if (!o->stdout_ok) return;
    if (!o->live) {
        if (fwrite(line, 1, n, stdout) != n) {
            o->stdout_ok = 0;
            cli_stdout_lost(errno);
        }
        return;
    }
    if (o->dropped_lines && o->len + 128 + n <= o->cap) {
        int k = snprintf(o->buf + o->len, o->cap - o->len,
                         "{\"type\":\"status\",\"onset\":null,\"condition\":\"output_dropped\",\"count\":%lld}\n",
                         (long long)o->dropped_lines);
        if (k > 0) o->len += (size_t)k;
        o->dropped_lines = 0;
    }
    if (o->len + n > o->cap) {
        o->dropped_lines++;
        return;
    }
    memcpy(o->buf + o->len, line, n);
    o->len += n;
}

void stream_out_drain(stream_out *o, psy_stream *s)
{
    psy_stream_output x[64];
    char line[PSY_STREAM_LINE_MAX];
    size_t k;
    while ((k = psy_stream_poll(s, x, 64)) > 0)
        for (size_t i = 0; i < k; i++) {
            size_t n = psy_stream_json_line(&x[i], line, sizeof line);
            write_line(o, line, n);
            if (o->osc) stream_osc_out_send(o->osc, &x[i], o);
            if (o->lsl) stream_lsl_push(o->lsl, line);
        }
    stream_out_flush(o);
}

void stream_out_status(stream_out *o, double onset_s, const char *condition, const char *detail)
{
    char line[768];
    size_t n = psy_stream_status_json_line(onset_s, condition, detail, line, sizeof line);
    if (n) {
        write_line(o, line, n);
        if (o->lsl) stream_lsl_push(o->lsl, line);
    }
    if (o->osc) stream_osc_out_status(o->osc, onset_s, condition, detail);
    stream_out_flush(o);
}

int stream_out_alive(const stream_out *o)
{
    return o->stdout_ok || o->osc || o->lsl;
}

void stream_out_close(stream_out *o)
{
    if (o->osc) stream_osc_out_finish(o->osc, o);
    if (o->live) {
        /* the rest, blocking now: the stream has ended */
        if (o->stdout_flags >= 0) fcntl(STDOUT_FILENO, F_SETFL, o->stdout_flags);
        char line[128];
        int n = o->dropped_lines ? snprintf(line, sizeof line,
                                            "{\"type\":\"status\",\"onset\":null,\"condition\":\"output_dropped\","
                                            "\"count\":%lld}\n", (long long)o->dropped_lines)
                                 : 0;
        if (n > 0 && o->len + (size_t)n > o->cap) o->len = o->cap - (size_t)n; /* room: the count matters more */
        if (n > 0) memcpy(o->buf + o->len, line, (size_t)n), o->len += (size_t)n;
        size_t done = 0;
        while (o->stdout_ok && done < o->len) {
            ssize_t k = write(STDOUT_FILENO, o->buf + done, o->len - done);
            if (k < 0 && errno == EINTR) continue;
            if (k < 0) cli_stdout_lost(errno);
            if (k <= 0) break;
            done += (size_t)k;
        }
        free(o->buf);
    } else {
        fflush(stdout);
    }
    if (o->osc) stream_osc_out_close(o->osc);
    if (o->lsl) stream_lsl_close(o->lsl);
    memset(o, 0, sizeof *o);
}
