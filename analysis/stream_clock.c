/* An input's clock for the live stream (stream_internal.h): where its samples lie in time once
 * gaps have been pushed (psy_stream_push_gap), as psy_reader_read_times maps a recording's
 * samples through its stretches. */
#include <string.h>

#include "stream_internal.h"

void stream_clock_reset(stream_clock *c)
{
    memset(c, 0, sizeof *c);
}

static double newest(const stream_clock *c)
{
    return c->n ? c->shift[(c->head + c->n - 1) % CLOCK_MARKS] : c->before;
}

void stream_clock_gap(stream_clock *c, double gap_s)
{
    double shift = newest(c) + gap_s;
    if (c->n && c->from[(c->head + c->n - 1) % CLOCK_MARKS] == c->pushed) { /* two gaps at one sample */
        c->shift[(c->head + c->n - 1) % CLOCK_MARKS] = shift;
        return;
    }
    if (c->n == CLOCK_MARKS) { /* the oldest shift becomes the one before the rest */
        c->before = c->shift[c->head];
        c->head = (c->head + 1) % CLOCK_MARKS, c->n--;
    }
    size_t k = (c->head + c->n++) % CLOCK_MARKS;
    c->from[k] = c->pushed, c->shift[k] = shift;
}

double stream_clock_shift(const stream_clock *c, int64_t i)
{
    for (size_t m = c->n; m-- > 0;) {
        size_t k = (c->head + m) % CLOCK_MARKS;
        if (c->from[k] <= i) return c->shift[k];
    }
    return c->before;
}
