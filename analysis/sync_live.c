/* Live synchrony (psyphys/sync.h, psy_sync_live_*): the windows of psy_sync_compute as two
 * signals arrive. The last window + 2 lags samples of each side sit in a ring; when B's sample
 * max_lag after a window's end comes, the window is copied out of the ring and correlated with the
 * same FFTW code (xcorr.h) as the offline path, so the two agree bit for bit. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "psyphys/sync.h"
#include "xcorr.h"

struct psy_sync_live {
    size_t w, L, step, h;      /* window, largest lag, step (grid samples); ring length w + 2L */
    double grid_hz;
    double *ring_a, *ring_b;   /* sample t at t % h */
    double *win_a, *win_b;     /* the window being correlated: w and w + 2L samples */
    uint64_t t;                /* samples taken since create or reset */
    uint64_t next;             /* the next window to finish */
    xcorr *x;
    size_t n_lags;
    psy_sync_window queue[PSY_SYNC_LIVE_QUEUE];
    double *profiles;          /* PSY_SYNC_LIVE_QUEUE x n_lags */
    size_t head, count;
};

psy_sync_live *psy_sync_live_create(const psy_sync_config *config, psy_status *status)
{
    psy_status dummy;
    if (!status) status = &dummy;
    psy_sync_config c = config ? *config : psy_sync_config_default();
    c.concordance = 0; /* offline only: not a reason to refuse */
    if (psy_sync_config_check(&c, NULL) != PSY_OK) {
        *status = PSY_E_INVALID;
        return NULL;
    }
    psy_sync_live *s = calloc(1, sizeof *s);
    if (!s) {
        *status = PSY_E_NOMEM;
        return NULL;
    }
    /* whole grid samples, as psy_sync_compute applies them */
    s->w = (size_t)llround(c.window_s * c.grid_hz);
    s->L = (size_t)llround(c.max_lag_s * c.grid_hz);
    s->step = (size_t)llround(c.step_s * c.grid_hz);
    if (s->step < 1) s->step = 1;
    if (s->L >= s->w) s->L = s->w - 1;
    s->h = s->w + 2 * s->L;
    s->grid_hz = c.grid_hz;
    s->n_lags = 2 * s->L + 1;
    s->ring_a = malloc(s->h * sizeof *s->ring_a);
    s->ring_b = malloc(s->h * sizeof *s->ring_b);
    s->win_a = malloc(s->w * sizeof *s->win_a);
    s->win_b = malloc(s->h * sizeof *s->win_b);
    s->profiles = malloc(PSY_SYNC_LIVE_QUEUE * s->n_lags * sizeof *s->profiles);
    s->x = xcorr_create(s->w, s->L, 1);
    if (!s->ring_a || !s->ring_b || !s->win_a || !s->win_b || !s->profiles || !s->x) {
        psy_sync_live_destroy(s);
        *status = PSY_E_NOMEM;
        return NULL;
    }
    *status = PSY_OK;
    return s;
}

void psy_sync_live_destroy(psy_sync_live *s)
{
    if (!s) return;
    free(s->ring_a);
    free(s->ring_b);
    free(s->win_a);
    free(s->win_b);
    free(s->profiles);
    xcorr_destroy(s->x);
    free(s);
}

void psy_sync_live_reset(psy_sync_live *s)
{
    if (!s) return;
    s->t = s->next = 0;
    s->head = s->count = 0;
}

size_t psy_sync_live_lag_count(const psy_sync_live *s)
{
    return s ? s->n_lags : 0;
}

/* Window `next` (its B samples all taken): correlated into the queue's tail. */
static void finish_window(psy_sync_live *s)
{
    size_t slot = (s->head + s->count) % PSY_SYNC_LIVE_QUEUE;
    psy_sync_window *win = &s->queue[slot];
    double *profile = s->profiles + slot * s->n_lags;
    uint64_t s0 = s->next * s->step;
    win->onset_s = (double)s0 / s->grid_hz;
    win->r = win->lag_s = NAN;
    for (size_t i = 0; i < s->n_lags; i++) profile[i] = NAN;
    if (s0 >= s->L) {
        for (size_t j = 0; j < s->w; j++) s->win_a[j] = s->ring_a[(s0 + j) % s->h];
        for (size_t j = 0; j < s->h; j++) s->win_b[j] = s->ring_b[(s0 - s->L + j) % s->h];
        if (xcorr_load(s->x, 0, s->win_a, s->win_b)) {
            int lag;
            xcorr_peak(s->x, 0, 0, &win->r, &lag, profile);
            win->lag_s = lag / s->grid_hz;
        }
    }
    s->count++;
    s->next++;
}

psy_status psy_sync_live_push(psy_sync_live *s, const double *a, const double *b, size_t n, size_t *used)
{
    if (used) *used = 0;
    if (!s || (n > 0 && (!a || !b))) return PSY_E_INVALID;
    size_t i = 0;
    for (; i < n && s->count < PSY_SYNC_LIVE_QUEUE; i++) {
        s->ring_a[s->t % s->h] = a[i];
        s->ring_b[s->t % s->h] = b[i];
        s->t++;
        /* windows finish step samples apart: at most one per sample */
        if (s->next * s->step + s->w + s->L == s->t) finish_window(s);
    }
    if (used) *used = i;
    return PSY_OK;
}

int psy_sync_live_pop(psy_sync_live *s, psy_sync_window *out, double *profile)
{
    if (!s || !out || s->count == 0) return 0;
    *out = s->queue[s->head];
    if (profile)
        for (size_t i = 0; i < s->n_lags; i++) profile[i] = s->profiles[s->head * s->n_lags + i];
    s->head = (s->head + 1) % PSY_SYNC_LIVE_QUEUE;
    s->count--;
    return 1;
}
