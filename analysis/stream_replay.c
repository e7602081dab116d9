/* A recording replayed into a stream (psyphys/stream.h): each channel pushed up to a time, in
 * blocks of at most 1/32 s (an RR channel: 256 intervals), heart, EDA, RR, respiration; where
 * the heart or respiration channel's time axis jumps (stretches), the jump first. */
#include <math.h>
#include <stdlib.h>

#include "psyphys/stream.h"

#define BLOCK_S (1.0 / 32)
#define RR_BLOCK 256
/* A shift of a sample's time from index / rate this much beyond the one pushed is a jump: far
 * above the rounding of psy_reader_read_times (1e-11 s after a day), far below a sample. */
#define JUMP_S 1e-7

typedef struct feed {
    int ch;
    double rate;
    int64_t frames, at;
    double *x;
    size_t cap;
    double *t;     /* the block's times, for a channel whose jumps are pushed (NULL: none) */
    double shift;  /* the stream's shift of this channel's times (psy_stream_push_gap) */
} feed;

enum { FEED_HEART, FEED_EDA, FEED_RR, FEED_RESP, FEEDS };

struct psy_stream_replay {
    psy_stream *s;
    psy_reader *r;
    feed f[FEEDS];
    double *times; /* an RR channel's beat times */
    double end_s;
};

psy_stream_config psy_stream_config_for_channels(const psy_reader *r, int heart_ch, int eda_ch, int resp_ch)
{
    const psy_channel_info *h = psy_reader_channel(r, heart_ch), *e = psy_reader_channel(r, eda_ch),
                           *b = psy_reader_channel(r, resp_ch);
    int ppg = h && h->type == PSY_CH_PPG, rr = h && h->type == PSY_CH_RR;
    psy_stream_config c = psy_stream_config_default(h && !ppg && !rr ? h->rate_hz : 0, e ? e->rate_hz : 0);
    c.rr_input = rr;
    c.ppg_rate_hz = ppg ? h->rate_hz : 0;
    c.resp_rate_hz = b ? b->rate_hz : 0;
    return c;
}

void psy_stream_replay_destroy(psy_stream_replay *p)
{
    if (!p) return;
    for (int k = 0; k < FEEDS; k++) free(p->f[k].x), free(p->f[k].t);
    free(p->times);
    free(p);
}

psy_status psy_stream_replay_create(psy_stream *s, psy_reader *r, int heart_ch, int eda_ch, int resp_ch,
                                    psy_stream_replay **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    int n = psy_reader_channel_count(r);
    if (!s || !r || heart_ch >= n || eda_ch >= n || resp_ch >= n || (heart_ch < 0 && eda_ch < 0 && resp_ch < 0))
        return PSY_E_INVALID;
    psy_stream_replay *p = calloc(1, sizeof *p);
    if (!p) return PSY_E_NOMEM;
    p->s = s, p->r = r;
    int rr = heart_ch >= 0 && psy_reader_channel(r, heart_ch)->type == PSY_CH_RR;
    p->f[FEED_HEART].ch = rr ? -1 : heart_ch;
    p->f[FEED_EDA].ch = eda_ch;
    p->f[FEED_RR].ch = rr ? heart_ch : -1;
    p->f[FEED_RESP].ch = resp_ch;
    psy_status st = PSY_OK;
    for (int k = 0; k < FEEDS; k++) {
        feed *f = &p->f[k];
        if (f->ch < 0) continue;
        const psy_channel_info *c = psy_reader_channel(r, f->ch);
        f->rate = c->rate_hz;
        f->frames = c->frames;
        f->cap = k == FEED_RR ? RR_BLOCK : (size_t)ceil(c->rate_hz * BLOCK_S) + 1;
        if (!(f->x = malloc(f->cap * sizeof *f->x))) st = PSY_E_NOMEM;
        double dur = c->rate_hz > 0 ? (double)c->frames / c->rate_hz : 0, last = 0;
        if (k == FEED_RR && c->frames > 0) psy_reader_read_times(r, f->ch, c->frames - 1, 1, &dur);
        else if ((k == FEED_HEART || k == FEED_RESP) && c->frames > 0 &&
                 psy_reader_read_times(r, f->ch, c->frames - 1, 1, &last) == PSY_OK &&
                 fabs(last - (double)(c->frames - 1) / c->rate_hz) > JUMP_S) {
            /* Its time axis skips (gaps only add, so the last sample shows any): the blocks' times
             * are read to find the jumps. The EDA goes as psy_eda_analyze reads it, back to back. */
            dur = last + 1 / c->rate_hz; /* the last stretch's end */
            if (!(f->t = malloc(f->cap * sizeof *f->t))) st = PSY_E_NOMEM;
        }
        if (dur > p->end_s) p->end_s = dur;
    }
    if (rr && !(p->times = malloc(RR_BLOCK * sizeof *p->times))) st = PSY_E_NOMEM;
    if (st != PSY_OK) {
        psy_stream_replay_destroy(p);
        return st;
    }
    *out = p;
    return PSY_OK;
}

double psy_stream_replay_end_s(const psy_stream_replay *p) { return p ? p->end_s : 0; }

/* How many of the n samples from f->at come before the time axis jumps (its shift from index /
 * rate changes) after the first; *jump_s the jump at the first (0: none). f->t holds their
 * times. */
static int64_t run_before_jump(const feed *f, int64_t n, double *jump_s)
{
    *jump_s = 0;
    double shift = f->shift;
    int64_t m = 0;
    for (; m < n; m++) {
        double d = f->t[m] - (double)(f->at + m) / f->rate - shift;
        if (fabs(d) <= JUMP_S) continue;
        if (m) break;
        *jump_s = d, shift += d;
    }
    return m;
}

/* A sampled channel's samples before t on the recording's time axis (before ceil(t x rate)
 * without jumps), each jump pushed before the samples after it. */
static psy_status push_samples(psy_stream_replay *p, int k, double t)
{
    feed *f = &p->f[k];
    if (f->ch < 0) return PSY_OK;
    while (f->at < f->frames) {
        int64_t n = f->frames - f->at < (int64_t)f->cap ? f->frames - f->at : (int64_t)f->cap;
        double jump = 0;
        if (f->t) {
            psy_status st = psy_reader_read_times(p->r, f->ch, f->at, n, f->t);
            if (st != PSY_OK) return st;
            n = run_before_jump(f, n, &jump);
        }
        if (jump != 0) {
            if (!(f->t[0] < t)) break; /* the next stretch has not begun */
            psy_stream_push_gap(p->s, k == FEED_RESP ? PSY_STREAM_INPUT_RESP : PSY_STREAM_INPUT_HEART, jump);
            f->shift += jump;
        }
        int64_t upto = (int64_t)ceil((t - f->shift) * f->rate);
        if (upto - f->at < n) n = upto - f->at;
        if (n <= 0) break;
        psy_status st = psy_reader_read(p->r, f->ch, f->at, n, f->x);
        if (st != PSY_OK) return st;
        if (k == FEED_EDA) psy_stream_push_eda(p->s, f->x, (size_t)n);
        else if (k == FEED_RESP) psy_stream_push_resp(p->s, f->x, (size_t)n);
        else if (psy_reader_channel(p->r, f->ch)->type == PSY_CH_PPG) psy_stream_push_ppg(p->s, f->x, (size_t)n);
        else psy_stream_push_ecg(p->s, f->x, (size_t)n);
        f->at += n;
    }
    return PSY_OK;
}

/* An RR channel's intervals ending at or before t, with their times. */
static psy_status push_intervals(psy_stream_replay *p, double t)
{
    feed *f = &p->f[FEED_RR];
    if (f->ch < 0) return PSY_OK;
    while (f->at < f->frames) {
        int64_t n = f->frames - f->at < (int64_t)f->cap ? f->frames - f->at : (int64_t)f->cap;
        psy_status st = psy_reader_read_times(p->r, f->ch, f->at, n, p->times);
        if (st == PSY_OK) st = psy_reader_read(p->r, f->ch, f->at, n, f->x);
        if (st != PSY_OK) return st;
        int64_t m = 0;
        while (m < n && p->times[m] <= t) m++;
        if (m == 0) break;
        psy_stream_push_rr(p->s, f->x, p->times, (size_t)m);
        f->at += m;
        if (m < n) break;
    }
    return PSY_OK;
}

psy_status psy_stream_replay_until(psy_stream_replay *p, double t_s)
{
    if (!p) return PSY_E_INVALID;
    psy_status st = push_samples(p, FEED_HEART, t_s);
    if (st == PSY_OK) st = push_samples(p, FEED_EDA, t_s);
    if (st == PSY_OK) st = push_intervals(p, t_s);
    if (st == PSY_OK) st = push_samples(p, FEED_RESP, t_s);
    return st;
}
