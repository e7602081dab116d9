/* psyphys stream --replay: a recording's channels pushed in time order by the library
 * (psy_stream_replay_until) every 1/32 s of the recording, paced in real time (--speed 1),
 * faster by a factor (--speed X) or as fast as possible (--speed max). */
#include <math.h>
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

int stream_replay(stream_input *in, psy_reader *r, const char *path, int heart_ch, int eda_ch, int resp_ch,
                  double speed)
{
    psy_stream_replay *p = NULL;
    psy_status st = psy_stream_replay_create(in->s, r, heart_ch, eda_ch, resp_ch, &p);
    if (st != PSY_OK) {
        cli_error(path, "replay: %s", psy_strerror(st));
        return CLI_FAILED;
    }
    double end_s = psy_stream_replay_end_s(p);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (double t = BLOCK_S; st == PSY_OK && t < end_s + BLOCK_S; t += BLOCK_S) {
        if (*in->stop || !stream_out_alive(in->out)) break;
        if (speed > 0) wait_until(&start, t / speed);
        st = psy_stream_replay_until(p, t);
        if (speed > 0) stream_out_drain(in->out, in->s);
        else if (((int64_t)(t / BLOCK_S)) % 32 == 0) stream_out_drain(in->out, in->s);
    }
    psy_stream_replay_destroy(p);
    if (st != PSY_OK) {
        cli_error(path, "reading the recording: %s", psy_strerror(st));
        return CLI_FAILED;
    }
    return CLI_OK;
}
