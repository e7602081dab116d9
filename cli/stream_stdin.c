/* psyphys stream input from stdin: interleaved little-endian float32 or int16 frames, or CSV
 * lines (one frame per line; with a time column, a jump is a gap: psy_stream_push_gap). Bad
 * input is reported as a status and skipped; the stream goes on. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream_cli.h"

/* read() on stdin; when stdin does not block (shared with a non-blocking descriptor), waits for
 * data in steps of 100 ms so that a stop request is seen. */
static ssize_t read_stdin(void *buf, size_t n)
{
    for (;;) {
        ssize_t k = read(STDIN_FILENO, buf, n);
        if (k >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return k;
        struct pollfd p = {STDIN_FILENO, POLLIN, 0};
        poll(&p, 1, 100);
        errno = EINTR; /* the caller checks its stop flag and reads again */
        return -1;
    }
}

void stream_push_frame(stream_input *in, const double *v)
{
    for (int c = 0; c < in->n_columns; c++) {
        if (in->columns[c] == COL_ECG) psy_stream_push_ecg(in->s, &v[c], 1);
        else if (in->columns[c] == COL_PPG) psy_stream_push_ppg(in->s, &v[c], 1);
        else if (in->columns[c] == COL_EDA) psy_stream_push_eda(in->s, &v[c], 1);
        else if (in->columns[c] == COL_RESP) psy_stream_push_resp(in->s, &v[c], 1);
    }
}

/* ---- raw frames ---------------------------------------------------------------------------- */

static int read_raw(stream_input *in, int int16)
{
    size_t width = int16 ? 2 : 4, frame = width * (size_t)in->n_columns;
    unsigned char buf[65536];
    size_t have = 0;
    double v[8];
    int64_t frames = 0;
    for (;;) {
        if (*in->stop) break;
        ssize_t k = read_stdin(buf + have, sizeof buf - have);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        have += (size_t)k;
        size_t off = 0;
        for (; off + frame <= have; off += frame, frames++) {
            for (int c = 0; c < in->n_columns; c++) {
                const unsigned char *p = buf + off + (size_t)c * width;
                if (int16) {
                    int16_t s = (int16_t)(uint16_t)(p[0] | p[1] << 8);
                    v[c] = s * in->gain[c];
                } else {
                    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
                    float f;
                    memcpy(&f, &u, sizeof f);
                    v[c] = (double)f * in->gain[c];
                }
            }
            stream_push_frame(in, v);
            if (frames % 4096 == 4095) stream_out_drain(in->out, in->s);
        }
        memmove(buf, buf + off, have - off);
        have -= off;
        stream_out_drain(in->out, in->s);
    }
    if (have) {
        char detail[128];
        snprintf(detail, sizeof detail, "input ends inside frame %lld (%zu of %zu bytes): dropped", (long long)frames,
                 have, frame);
        stream_out_status(in->out, (double)frames / in->frame_rate_hz, "truncated_input", detail);
    }
    return 0;
}

/* ---- CSV ------------------------------------------------------------------------------------ */

/* One field: a number, or NaN for an empty field or nan (missing). 0 when it is not a number. */
static int parse_field(const char *s, const char *e, double *out)
{
    while (s < e && (*s == ' ' || *s == '\t')) s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
    if (s == e) {
        *out = NAN;
        return 1;
    }
    char tmp[64];
    if ((size_t)(e - s) >= sizeof tmp) return 0;
    memcpy(tmp, s, (size_t)(e - s));
    tmp[e - s] = '\0';
    if (strcmp(tmp, "nan") == 0 || strcmp(tmp, "NaN") == 0 || strcmp(tmp, "n/a") == 0) {
        *out = NAN;
        return 1;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(tmp, &end); /* the C locale: the CLI never calls setlocale */
    if (*end || errno == ERANGE || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

/* Splits a line on commas into v; returns the field count, or -1 when one is not a number. */
static int parse_line(const char *line, double *v, int max)
{
    int n = 0;
    const char *s = line;
    for (;;) {
        const char *e = strchr(s, ',');
        if (!e) e = s + strlen(s);
        if (n == max) return max + 1;
        if (!parse_field(s, e, &v[n])) return -1;
        n++;
        if (!*e) break;
        s = e + 1;
    }
    return n;
}

typedef struct csv_state {
    int64_t line, frames;
    double last_t;  /* time column of the previous frame (NaN: none yet) */
    double gap_s;   /* the gaps pushed so far (s) */
} csv_state;

static void malformed(stream_input *in, csv_state *st, const char *why)
{
    char detail[160];
    snprintf(detail, sizeof detail, "stdin line %lld: %s; skipped", (long long)st->line, why);
    stream_out_status(in->out, (double)st->frames / in->frame_rate_hz + st->gap_s, "malformed_input", detail);
}

/* Samples went missing: the library shifts each sampled input's clock (psy_stream_push_gap; its
 * time_jump status says so). An EDA gap beyond PSY_STREAM_MAX_EDA_GAP_S is refused: a status
 * says so and the frames after it are pushed without the gap (their times early by it). */
static void push_gap(stream_input *in, csv_state *st, double gap_s)
{
    int has[PSY_STREAM_INPUT_COUNT] = {0};
    for (int c = 0; c < in->n_columns; c++) {
        has[PSY_STREAM_INPUT_HEART] |= in->columns[c] == COL_ECG || in->columns[c] == COL_PPG;
        has[PSY_STREAM_INPUT_EDA] |= in->columns[c] == COL_EDA;
        has[PSY_STREAM_INPUT_RESP] |= in->columns[c] == COL_RESP;
    }
    if (has[PSY_STREAM_INPUT_EDA] && gap_s > PSY_STREAM_MAX_EDA_GAP_S) {
        char why[128];
        snprintf(why, sizeof why, "time jumps by %.3f s, more than an EDA gap may be (%.0f s); pushed without the gap",
                 gap_s, PSY_STREAM_MAX_EDA_GAP_S);
        malformed(in, st, why);
        return;
    }
    for (int k = 0; k < PSY_STREAM_INPUT_COUNT; k++)
        if (has[k]) psy_stream_push_gap(in->s, (psy_stream_input)k, gap_s);
    st->gap_s += gap_s;
}

static void csv_line(stream_input *in, csv_state *st, const char *line)
{
    double v[9];
    int n = parse_line(line, v, 8);
    if (n < 0 || n != in->n_columns) {
        /* a header names the columns: only on the first line, and only words */
        if (st->line == 1 && n < 0 && strpbrk(line, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")) return;
        char why[96];
        if (n < 0) snprintf(why, sizeof why, "a field is not a number");
        else snprintf(why, sizeof why, "%d fields, %d expected", n, in->n_columns);
        malformed(in, st, why);
        return;
    }
    double t = NAN, rr = NAN;
    for (int c = 0; c < n; c++) {
        if (in->columns[c] == COL_TIME) t = v[c];
        else if (in->columns[c] == COL_RR) rr = v[c] * in->gain[c];
        else v[c] *= in->gain[c];
    }
    int has_time = 0;
    for (int c = 0; c < n; c++) has_time |= in->columns[c] == COL_TIME;
    if (has_time && isnan(t)) {
        malformed(in, st, "no time");
        return;
    }
    int rr_only = 0;
    for (int c = 0; c < n; c++) rr_only |= in->columns[c] == COL_RR;
    if (rr_only) {
        psy_stream_push_rr(in->s, &rr, has_time ? &t : NULL, 1);
        st->frames++;
        return;
    }
    if (has_time && !isnan(st->last_t)) {
        double dt = t - st->last_t, period = 1.0 / in->frame_rate_hz;
        if (!(dt > 0.5 * period)) {
            malformed(in, st, "time does not increase");
            return;
        }
        if (dt > 1.5 * period) push_gap(in, st, dt - period); /* samples went missing */
    }
    st->last_t = t;
    stream_push_frame(in, v);
    st->frames++;
}

static int read_csv(stream_input *in)
{
    char buf[65536];
    size_t have = 0;
    csv_state st = {0, 0, NAN, 0};
    int too_long = 0;
    for (;;) {
        if (*in->stop) break;
        ssize_t k = read_stdin(buf + have, sizeof buf - 1 - have);
        if (k < 0 && errno == EINTR) continue;
        int eof = k <= 0;
        if (!eof) have += (size_t)k;
        size_t start = 0;
        for (size_t i = 0; i < have; i++) {
            if (buf[i] != '\n' && buf[i] != '\0') continue;
            buf[i] = '\0';
            st.line++;
            if (too_long) malformed(in, &st, "longer than 64 KiB");
            else if (buf[start]) csv_line(in, &st, buf + start);
            if (st.line % 256 == 0) stream_out_drain(in->out, in->s); /* RR lines: 4 outputs each */
            too_long = 0;
            start = i + 1;
        }
        memmove(buf, buf + start, have - start);
        have -= start;
        if (have == sizeof buf - 1) { /* a line that never ends: dropped in pieces */
            too_long = 1;
            have = 0;
        }
        if (eof) {
            if (have && !too_long) {
                buf[have] = '\0';
                st.line++;
                csv_line(in, &st, buf);
            }
            break;
        }
        stream_out_drain(in->out, in->s);
    }
    return 0;
}

int stream_read_stdin(stream_input *in, const char *format)
{
    if (strcmp(format, "csv") == 0) return read_csv(in);
    return read_raw(in, strcmp(format, "int16") == 0);
}
