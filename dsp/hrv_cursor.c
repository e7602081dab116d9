/* Reading a NN series by index whether it lies in memory or is read chunk by chunk from a source
 * (a long recording's series spooled to a file), so that the analyses make the same passes in
 * the same order over either. */
#include <math.h>

#include "hrv_internal.h"

psy_status hrv_cursor_open(hrv_cursor *c, const hrv_series *s, psy_arena *a)
{
    *c = (hrv_cursor){.s = s, .nn = s->nn, .t = s->t, .len = s->src ? 0 : s->n, .st = PSY_OK};
    if (!s->src) return PSY_OK;
    c->buf = psy_arena_array(a, 2 * HRV_CURSOR_CHUNK, sizeof *c->buf);
    return c->buf ? PSY_OK : PSY_E_NOMEM;
}

void hrv_cursor_load(hrv_cursor *c, size_t i)
{
    const hrv_series *s = c->s;
    size_t start = i ? i - 1 : 0, count = s->n - start < HRV_CURSOR_CHUNK ? s->n - start : HRV_CURSOR_CHUNK;
    double *nn = c->buf, *t = c->buf + HRV_CURSOR_CHUNK;
    psy_status st = c->st == PSY_OK ? s->src->read(s->src->ctx, start, count, nn, t) : c->st;
    if (st != PSY_OK) {
        c->st = st;
        for (size_t k = 0; k < count; k++) nn[k] = t[k] = NAN;
    }
    c->nn = nn, c->t = t, c->base = start, c->len = count;
}

psy_status hrv_with_cursor(const hrv_series *s, const psy_hrv_config *c, psy_arena *a, psy_hrv_values *v,
                           hrv_cursor_analysis f)
{
    size_t mark = psy_arena_mark(a);
    hrv_cursor x;
    if (hrv_cursor_open(&x, s, a) != PSY_OK) return PSY_E_NOMEM;
    psy_status st = f(&x, s, c, a, v);
    psy_arena_release(a, mark);
    return st == PSY_OK ? x.st : st;
}
