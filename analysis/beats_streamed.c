/* The beats of an ECG lead without their per-beat columns (beats_internal.h): psy_beats_detect's
 * steps with each beat passed on instead of kept. The detector's beats and gaps, in order (every
 * gap before the beats after it: beats_detect_peaks), cross to a second thread in blocks
 * (block_pipe.h), which takes each beat's onset and interval as beats.c takes them, classifies
 * each run of intervals by the incremental classifier (dsp/rr_online.h: the classes of
 * psy_rr_classify on the whole run) and corrects it interval by interval (rr_correct_step:
 * psy_rr_correct's own arithmetic), in a sliding buffer, while the detector reads on; a beat's
 * table row is written once its class is final. The same steps on the detector's thread when a
 * second cannot be had: the same results. With a spool, the NN series goes on to it as it is
 * produced, by whichever thread corrects (none is kept). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "beats_internal.h"
#include "block_pipe.h"
#include "nn_spool.h"
#include "psy_core.h" /* psy_fail */
#include "rr_internal.h"
#include "rr_online.h"

#define RUN_CAP 4096 /* intervals of a run held at once: far more than the classifier reads */
#define BACK 5       /* a correction reads classes this far back (rr_correct_step) */
#define AHEAD 4      /* and this far ahead */
#define BATCH 1024   /* beats and gaps a block of the pipe holds */

/* The run of intervals being classified and corrected, and where the outputs go. */
typedef struct run_stream {
    psy_beat_list *b;          /* the NN series grows here (its n_nn counts the spooled ones too) */
    nn_spool *spool;           /* NULL: the series is kept in b's arrays */
    size_t nn_held;            /* intervals in b's arrays (those not yet spooled) */
    size_t nn_cap, left_cap;
    FILE *table;
    int table_err;             /* errno of the first write to the table that failed (0: none) */
    psy_beat_class last_cls;   /* of the last row written (the corrected column) */
    int any_row;
    double rr[RUN_CAP], t[RUN_CAP];
    int64_t sample[RUN_CAP];
    size_t held;               /* intervals in the buffer */
    size_t written, corrected; /* buffer intervals whose row is written / whose correction is done */
    double moved_t;
    rr_online online;
} run_stream;

static int write_row(run_stream *s, int64_t sample, double t, double rr, psy_beat_class cls)
{
    char row[BEATS_TABLE_ROW_MAX + 1];
    size_t len = beats_table_row(row, t, sample, rr, cls, psy_beat_interval_corrected(cls, s->any_row, s->last_cls));
    row[len++] = '\n';
    s->last_cls = cls, s->any_row = 1;
    if (fwrite(row, 1, len, s->table) == len) return 1;
    if (!s->table_err) s->table_err = errno;
    return 0;
}

/* Room for a step's outputs (at most two intervals, or two left out) in the NN series, grown by
 * doubling; with a spool, the step's two alone (correct spools them at once). 0 when out of
 * memory. */
static int reserve_nn(run_stream *s)
{
    psy_beat_list *b = s->b;
    if (s->nn_held + 2 > s->nn_cap) {
        size_t c = s->spool ? 2 : s->nn_cap ? 2 * s->nn_cap : 4096;
        if (!nn_arrays_grow(&b->nn_ms, &b->nn_onset_s, &b->nn_corrected, c)) return 0;
        s->nn_cap = c;
    }
    if (b->counts.nn_left_out + 2 > s->left_cap) {
        size_t c = s->left_cap ? 2 * s->left_cap : 64;
        double *t = realloc(b->nn_left_out_s, c * sizeof *t);
        if (!t) return 0;
        b->nn_left_out_s = t, s->left_cap = c;
    }
    return 1;
}

/* The NN intervals held go to the spool. */
static psy_status spool_held(run_stream *s)
{
    psy_status st = nn_spool_append(s->spool, s->b->nn_ms, s->b->nn_onset_s, s->b->nn_corrected, s->nn_held);
    s->nn_held = 0;
    return st;
}

/* The correction of buffer interval i: the buffer's end is the run's when the run has ended,
 * else AHEAD intervals after i are final at least (what the step reads). */
static psy_status correct(run_stream *s, size_t i)
{
    psy_beat_list *b = s->b;
    if (!reserve_nn(s)) return PSY_E_NOMEM;
    rr_out_series o = {b->nn_ms, b->nn_onset_s, b->nn_corrected, s->nn_held, s->nn_cap,
                       b->counts.nn_left_out, b->nn_left_out_s, s->left_cap};
    if (!rr_correct_step(s->rr, s->t, s->held, rr_online_classes(&s->online), i, &s->moved_t, &o)) return PSY_E_RANGE;
    b->n_nn += o.n - s->nn_held, s->nn_held = o.n, b->counts.nn_left_out = o.left_out;
    return s->spool ? spool_held(s) : PSY_OK;
}

/* Writes the rows whose classes are final and corrects the intervals whose reach is (all of
 * them once the run has ended). */
static psy_status advance(run_stream *s, int ended)
{
    size_t final = ended ? s->held : rr_online_final(&s->online);
    const psy_beat_class *cls = rr_online_classes(&s->online);
    for (; s->written < final; s->written++) {
        size_t w = s->written;
        s->b->counts.n[cls[w] < PSY_BEAT_CLASS_COUNT ? cls[w] : 0]++;
        if (!write_row(s, s->sample[w], s->t[w], s->rr[w], cls[w])) return PSY_E_IO;
    }
    size_t upto = ended ? s->held : final > AHEAD ? final - AHEAD : 0;
    for (; s->corrected < upto; s->corrected++) {
        psy_status st = correct(s, s->corrected);
        if (st != PSY_OK) return st;
    }
    return PSY_OK;
}

static psy_status end_run(run_stream *s)
{
    psy_status st = PSY_OK;
    if (s->held) {
        rr_online_update(&s->online, s->rr, s->held, 1);
        st = advance(s, 1);
    }
    s->held = s->written = s->corrected = 0;
    s->moved_t = NAN;
    rr_online_reset(&s->online);
    return st;
}

/* Drops the oldest intervals that nothing reads any more. */
static psy_status make_room(run_stream *s)
{
    size_t drop = rr_online_droppable(&s->online);
    if (drop + BACK > s->corrected) drop = s->corrected > BACK ? s->corrected - BACK : 0;
    if (!drop) return PSY_E_RANGE; /* cannot happen: beats_detect_streamed checks the windows fit */
    rr_online_drop(&s->online, drop);
    s->held -= drop, s->written -= drop, s->corrected -= drop;
    memmove(s->rr, s->rr + drop, s->held * sizeof *s->rr);
    memmove(s->t, s->t + drop, s->held * sizeof *s->t);
    memmove(s->sample, s->sample + drop, s->held * sizeof *s->sample);
    return PSY_OK;
}

/* A beat in order: its row, and its interval into the runs (beats_classify_runs' cuts). */
static psy_status add_beat(run_stream *s, int64_t sample, double t, double rr)
{
    psy_status st = PSY_OK;
    if (isnan(rr) || (s->held && !beats_follows(s->t[s->held - 1], t, rr))) st = end_run(s);
    if (st != PSY_OK) return st;
    if (isnan(rr)) /* outside every run: N, counted in no run */
        return write_row(s, sample, t, rr, PSY_BEAT_NORMAL) ? PSY_OK : PSY_E_IO;
    if (s->held == RUN_CAP && (st = make_room(s)) != PSY_OK) return st;
    s->rr[s->held] = rr, s->t[s->held] = t, s->sample[s->held] = sample;
    s->held++;
    rr_online_update(&s->online, s->rr, s->held, 0);
    return advance(s, 0);
}

/* A beat of the detector, or a gap, as beats_detect_peaks gives them. */
typedef struct detected {
    int is_gap;
    psy_ecg_gap gap;    /* is_gap */
    int64_t sample;     /* else the beat's, and its offset (psy_ecg_beat's, a float) */
    double offset;
} detected;

/* The classifying side: each beat's onset and interval as psy_beats_detect takes them
 * (ecg_onsets, beats_rr_from_positions) into the runs; the gaps into s->b->gaps. A beat is held
 * until the detector is past it by more than a flat gap's look-back: a flat stretch is a gap
 * from where it began (flat_s before the detector knows it), emitted only where it ends, so a
 * beat on its plateau comes out before it, and its interval needs it (gap_between). After the
 * detector knows a flat gap it emits no beat before the gap; so once an item at or past
 * sample + look-back has come, every gap that starts before the beat has come too. Owned by the
 * classifying thread while the detector runs (the beat list's gaps, NN series and counts);
 * the detector's thread has n and n_searchback alone. */
typedef struct beat_stream {
    run_stream *s;
    psy_reader *r;      /* its time axis only: psy_reader_read_times may run beside the reading */
    int ch;
    double rate;
    int64_t prev_sample;
    double prev_pos, prev_t;
    size_t taken, gap_cap;
    int64_t look_back;  /* input samples: the detector's flat gap look-back (flat_s at the rate) and two */
    int64_t passed;     /* the detector has passed this sample (the furthest item so far) */
    detected *held;     /* beats not yet taken, n_held from first_held */
    size_t first_held, n_held, held_cap;
} beat_stream;

static psy_status take_beat(beat_stream *p, const detected *d)
{
    double t;
    psy_status st = beats_onset_s(p->r, p->ch, d->sample, d->offset, &t);
    if (st != PSY_OK) return st;
    double pos = d->offset + (double)d->sample;
    double rr = p->taken ? beats_interval_ms(p->s->b, p->prev_sample, d->sample, (pos - p->prev_pos) / p->rate,
                                             t - p->prev_t, p->rate)
                         : NAN;
    p->prev_sample = d->sample, p->prev_pos = pos, p->prev_t = t;
    p->taken++;
    return add_beat(p->s, d->sample, t, rr);
}

/* Takes the held beats that no gap still to come can precede (all of them at the end). */
static psy_status take_held(beat_stream *p, int end)
{
    for (; p->n_held; p->first_held++, p->n_held--) {
        const detected *d = &p->held[p->first_held];
        if (!end && d->sample + p->look_back > p->passed) break;
        psy_status st = take_beat(p, d);
        if (st != PSY_OK) return st;
    }
    if (!p->n_held) p->first_held = 0;
    return PSY_OK;
}

static psy_status hold_beat(beat_stream *p, const detected *d)
{
    if (p->first_held + p->n_held == p->held_cap) {
        if (p->first_held) { /* room at the front */
            memmove(p->held, p->held + p->first_held, p->n_held * sizeof *p->held);
            p->first_held = 0;
        } else {
            size_t c = p->held_cap ? 2 * p->held_cap : 64;
            detected *h = realloc(p->held, c * sizeof *h);
            if (!h) return PSY_E_NOMEM;
            p->held = h, p->held_cap = c;
        }
    }
    p->held[p->first_held + p->n_held++] = *d;
    return PSY_OK;
}

static psy_status take_detected(beat_stream *p, const detected *d)
{
    if (d->is_gap && !beats_add_gap(p->s->b, &p->gap_cap, &d->gap)) return PSY_E_NOMEM;
    int64_t at = d->is_gap ? d->gap.end : d->sample;
    if (at > p->passed) p->passed = at;
    psy_status st = take_held(p, 0);
    return st == PSY_OK && !d->is_gap ? hold_beat(p, d) : st;
}

/* The detector's side: what it gives, in blocks to the classifying thread, or straight to
 * take_detected without one. */
typedef struct handoff {
    beat_stream *p;
    int threaded;
    block_pipe pipe;
    detected *fill;     /* the block being filled, n_fill of BATCH */
    size_t n_fill;
    psy_status st;      /* the classifying thread's */
} handoff;

static psy_status hand(handoff *h, const detected *d)
{
    if (!h->threaded) return h->st = take_detected(h->p, d);
    /* no room: the classifier stopped, h->st says why */
    if (!h->fill && !(h->fill = block_pipe_room(&h->pipe))) return PSY_E_IO;
    h->fill[h->n_fill++] = *d;
    if (h->n_fill == BATCH) {
        block_pipe_put(&h->pipe, h->n_fill);
        h->fill = NULL, h->n_fill = 0;
    }
    return PSY_OK;
}

static psy_status hand_beat(void *ctx, const psy_ecg_beat *beat)
{
    detected d = {0, {0, 0, 0}, beat->sample, beat->offset};
    return hand(ctx, &d);
}

static psy_status hand_gap(void *ctx, const psy_ecg_gap *gap)
{
    detected d = {1, *gap, 0, 0};
    return hand(ctx, &d);
}

static void *classify_blocks(void *arg)
{
    handoff *h = arg;
    const detected *d;
    size_t n;
    while (h->st == PSY_OK && (d = block_pipe_get(&h->pipe, &n)) != NULL) {
        for (size_t i = 0; i < n && h->st == PSY_OK; i++) h->st = take_detected(h->p, &d[i]);
        block_pipe_done(&h->pipe, h->st != PSY_OK);
    }
    return NULL;
}

/* The detection with the classification beside it (in a second thread when may_thread and one
 * can be had), then the end of the last run. */
static psy_status detect_and_classify(psy_reader *r, int ch, const psy_beats_config *cfg, int may_thread,
                                      run_stream *s, psy_message *why)
{
    double rate = psy_reader_channel(r, ch)->rate_hz;
    beat_stream p = {.s = s, .r = r, .ch = ch, .rate = rate, .look_back = llround(cfg->detector.flat_s * rate) + 2};
    handoff h = {.p = &p, .st = PSY_OK};
    h.threaded = may_thread && block_pipe_start(&h.pipe, BATCH * sizeof(detected), classify_blocks, &h);
    psy_status st = beats_detect_peaks(r, ch, cfg, s->b, hand_beat, hand_gap, &h, may_thread, why);
    if (h.threaded) {
        /* the last items, after a read error too: a failure of the classifier's on them came
         * first, as on one thread (a stopped pipe gets nothing more) */
        if (h.fill) block_pipe_put(&h.pipe, h.n_fill);
        block_pipe_end(&h.pipe);
        block_pipe_join(&h.pipe);
    }
    if (h.st != PSY_OK) { /* the first failure: the detector's PSY_E_IO, or a read's, came after it */
        st = psy_fail(why, h.st, "%s", psy_strerror(h.st));
    }
    if (st == PSY_OK) st = take_held(&p, 1);
    free(p.held);
    return st == PSY_OK ? end_run(s) : st;
}

psy_status beats_detect_streamed(psy_reader *r, int ch, const psy_beats_config *config, FILE *table, int may_thread,
                                 nn_spool *spool, psy_beat_list **out, psy_message *why)
{
    psy_message ignored;
    if (!why) why = &ignored;
    why->text[0] = '\0';
    *out = NULL;
    const psy_channel_info *info = psy_reader_channel(r, ch);
    if (!info || !table || info->type == PSY_CH_RR || info->type == PSY_CH_PPG || !(info->rate_hz > 0))
        return psy_fail(why, PSY_E_INVALID, "not a regular ECG channel");
    psy_beats_config cfg = config ? *config : psy_beats_config_default();
    if (!psy_reserved_clear(cfg.reserved)) return psy_fail(why, PSY_E_INVALID, "%s", PSY_RESERVED_REASON);
    if (!rr_config_valid(&cfg.rr)) return psy_fail(why, PSY_E_INVALID, "invalid RR correction settings");
    /* the sliding buffer holds what the classifier and the correction read (make_room) */
    if (2 * rr_reach(&cfg.rr) + BACK + AHEAD + 4 > RUN_CAP / 2)
        return psy_fail(why, PSY_E_INVALID, "RR correction windows too wide to stream (%d and %d intervals)",
                        cfg.rr.qd_window, cfg.rr.median_window);
    psy_beat_list *b = calloc(1, sizeof *b);
    run_stream *s = calloc(1, sizeof *s);
    psy_status st = b && s ? PSY_OK : PSY_E_NOMEM;
    if (st == PSY_OK) {
        s->b = b, s->table = table, s->spool = spool, s->moved_t = NAN;
        st = rr_online_init(&s->online, &cfg.rr, RUN_CAP);
        if (st == PSY_OK && fputs(BEATS_TABLE_HEADER, table) == EOF) st = PSY_E_IO, s->table_err = errno;
        if (st == PSY_OK) st = detect_and_classify(r, ch, &cfg, may_thread, s, why);
        if (st == PSY_OK && spool) st = nn_spool_finish(spool); /* correct spooled every interval */
        if (st == PSY_OK && fflush(table) != 0) st = PSY_E_IO, s->table_err = errno; /* a full disk shows here at the latest */
        /* which temporary file failed and why (errno, kept by the thread that wrote) */
        int err = st != PSY_E_IO ? 0 : spool && spool->err ? spool->err : s->table_err;
        char reason[128];
        if (err)
            psy_fail(why, st, "the %s temporary file could not be written: %s",
                     spool && spool->err ? "NN series'" : "beats table's", psy_errno_text(err, reason, sizeof reason));
        rr_online_free(&s->online);
    }
    free(s);
    if (st != PSY_OK) {
        if (!why->text[0]) snprintf(why->text, sizeof why->text, "%s", psy_strerror(st));
        psy_beat_list_free(b);
        return st;
    }
    if (spool) { /* the series is the spool's */
        free(b->nn_ms), free(b->nn_onset_s), free(b->nn_corrected);
        b->nn_ms = b->nn_onset_s = NULL, b->nn_corrected = NULL;
    } else {
        beats_shrink_to(&b->nn_ms, b->n_nn, sizeof *b->nn_ms);
        beats_shrink_to(&b->nn_onset_s, b->n_nn, sizeof *b->nn_onset_s);
        beats_shrink_to(&b->nn_corrected, b->n_nn, sizeof *b->nn_corrected);
    }
    beats_shrink_to(&b->nn_left_out_s, b->counts.nn_left_out, sizeof *b->nn_left_out_s);
    *out = b;
    return PSY_OK;
}
