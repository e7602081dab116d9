/* psyphys stream --replay: a recording's ECG, EDA, RR and/or respiration channel pushed in time order, in
 * blocks of 1/32 s, paced in real time (--speed 1), faster by a factor (--speed X) or as fast
 * as possible (--speed max). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "stream_cli.h"

#define BLOCK_S (1.0 / 32)

/* Sleeps until `t` seconds after start (CLOCK_MONOTONIC). */
static void wait_until(const struct timespec *start, double t)
{
    struct timespec at = *start;
    double whole = floor(t);
    at.tv_sec += (time_t)whole;
    at.tv_nsec += (long)((t - whole) * 1e9);
    if (at.tv_nsec >= 1000000000L) at.tv_sec++, at.tv_nsec -= 1000000000L;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) != 0) {
    }
}

typedef struct channel_feed {
    int ch;
    double rate;
    int64_t frames, at;
    double *x;
    size_t cap;
} channel_feed;

enum { FEED_ECG, FEED_EDA, FEED_RR, FEED_RESP, FEEDS };

/* Pushes a sampled channel's samples up to time t. */
static psy_status feed(stream_input *in, psy_reader *r, channel_feed *f, double t, int which)
{
    if (f->ch < 0) return PSY_OK;
    int64_t upto = (int64_t)ceil(t * f->rate);
    if (upto > f->frames) upto = f->frames;
    while (f->at < upto) {
        int64_t k = upto - f->at < (int64_t)f->cap ? upto - f->at : (int64_t)f->cap;
        psy_status st = psy_reader_read(r, f->ch, f->at, k, f->x);
        if (st != PSY_OK) return st;
        if (which == FEED_EDA) psy_stream_push_eda(in->s, f->x, (size_t)k);
        else if (which == FEED_RESP) psy_stream_push_resp(in->s, f->x, (size_t)k);
        else if (psy_reader_channel(r, f->ch)->type == PSY_CH_PPG) psy_stream_push_ppg(in->s, f->x, (size_t)k);
        else psy_stream_push_ecg(in->s, f->x, (size_t)k);
        f->at += k;
    }
    return PSY_OK;
}

/* An RR channel's intervals with their times, up to time t. */
static psy_status feed_rr(stream_input *in, psy_reader *r, channel_feed *f, double t, double *times)
{
    if (f->ch < 0) return PSY_OK;
    while (f->at < f->frames) {
        int64_t k = f->frames - f->at < (int64_t)f->cap ? f->frames - f->at : (int64_t)f->cap;
        psy_status st = psy_reader_read_times(r, f->ch, f->at, k, times);
        if (st == PSY_OK) st = psy_reader_read(r, f->ch, f->at, k, f->x);
        if (st != PSY_OK) return st;
        int64_t m = 0;
        while (m < k && times[m] <= t) m++;
        if (m == 0) break;
        psy_stream_push_rr(in->s, f->x, times, (size_t)m);
        f->at += m;
        if (m < k) break;
    }
    return PSY_OK;
}

int stream_replay(stream_input *in, psy_reader *r, const char *path, int ecg_ch, int eda_ch, int rr_ch, int resp_ch,
                  double speed)
{
    channel_feed f[FEEDS] = {{ecg_ch, 0, 0, 0, NULL, 0}, {eda_ch, 0, 0, 0, NULL, 0}, {rr_ch, 0, 0, 0, NULL, 0},
                             {resp_ch, 0, 0, 0, NULL, 0}};
    double end_s = 0;
    int code = CLI_OK;
    double *times = NULL;
    for (int k = 0; k < FEEDS; k++) {
        if (f[k].ch < 0) continue;
        const psy_channel_info *c = psy_reader_channel(r, f[k].ch);
        f[k].rate = c->rate_hz;
        f[k].frames = c->frames;
        f[k].cap = k == FEED_RR ? 256 : (size_t)ceil(c->rate_hz * BLOCK_S) + 1;
        f[k].x = malloc(f[k].cap * sizeof *f[k].x);
        if (!f[k].x) code = CLI_FAILED;
        double dur = c->rate_hz > 0 ? (double)c->frames / c->rate_hz : 0;
        if (k == FEED_RR && c->frames > 0) psy_reader_read_times(r, f[k].ch, c->frames - 1, 1, &dur);
        if (dur > end_s) end_s = dur;
    }
    if (rr_ch >= 0 && !(times = malloc(256 * sizeof *times))) code = CLI_FAILED;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    psy_status st = PSY_OK;
    for (double t = BLOCK_S; code == CLI_OK && st == PSY_OK && t < end_s + BLOCK_S; t += BLOCK_S) {
        if (*in->stop || !stream_out_alive(in->out)) break;
        if (speed > 0) wait_until(&start, t / speed);
        st = feed(in, r, &f[FEED_ECG], t, FEED_ECG);
        if (st == PSY_OK) st = feed(in, r, &f[FEED_EDA], t, FEED_EDA);
        if (st == PSY_OK) st = feed_rr(in, r, &f[FEED_RR], t, times);
        if (st == PSY_OK) st = feed(in, r, &f[FEED_RESP], t, FEED_RESP);
        if (speed > 0) stream_out_drain(in->out, in->s);
        else if (((int64_t)(t / BLOCK_S)) % 32 == 0) stream_out_drain(in->out, in->s);
    }
    if (st != PSY_OK) {
        cli_error(path, "reading the recording: %s", psy_strerror(st));
        code = CLI_FAILED;
    }
    for (int k = 0; k < FEEDS; k++) free(f[k].x);
    free(times);
    return code;
}
