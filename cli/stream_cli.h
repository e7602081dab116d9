/* psyphys stream: the pieces of the command (inputs, outputs) and what they share. */
#ifndef PSYPHYS_CLI_STREAM_H
#define PSYPHYS_CLI_STREAM_H

#include <signal.h>
#include <stddef.h>
#include "psyphys.h"

/* ---- outputs: JSON lines on stdout, OSC messages, an LSL outlet ---------------------------- */

typedef struct stream_osc_out stream_osc_out;
typedef struct stream_lsl stream_lsl;

typedef struct stream_out {
    int live;              /* 1: stdout never blocks (lines are dropped and counted instead) */
    int stdout_ok;         /* 0 once the reader of stdout went away */
    int stdout_flags;      /* fcntl flags to restore */
    char *buf;             /* pending stdout bytes (live mode) */
    size_t len, cap;
    int64_t dropped_lines;
    stream_osc_out *osc;   /* NULL: no OSC output */
    stream_lsl *lsl;       /* NULL: no LSL output */
} stream_out;

int stream_out_init(stream_out *o, int live);
void stream_out_close(stream_out *o);
/* Every output the stream has ready, in order. */
void stream_out_drain(stream_out *o, psy_stream *s);
/* A condition the command itself notices (malformed input, a time jump, an OSC peer gone). */
void stream_out_status(stream_out *o, double onset_s, const char *condition, const char *detail);
/* Writes what stdout can take now (live) or everything (otherwise). */
void stream_out_flush(stream_out *o);
/* 0 when nothing reads the outputs any more (stdout closed and no OSC / LSL): time to stop. */
int stream_out_alive(const stream_out *o);

/* OSC (liblo). The address space is in cli/stream_osc.c and the README. */
/* NULL with why ("is not HOST:PORT", "host ... cannot be resolved ...") when it cannot be opened. */
stream_osc_out *stream_osc_out_open(const char *host_port, char *why, size_t why_size);
void stream_osc_out_send(stream_osc_out *o, const psy_stream_output *x, stream_out *report);
void stream_osc_out_status(stream_osc_out *o, double onset_s, const char *condition, const char *detail);
/* At the end: osc_send_ok when the peer had failed and refused none of the outputs since (the
 * one-second rule cannot tell when the stream ends within a second of the failure): on loopback
 * after 200 ms, else once the second since the last failure is out (at most 1 s); an interrupted
 * wait leaves it failed. */
void stream_osc_out_finish(stream_osc_out *o, stream_out *report);
void stream_osc_out_close(stream_osc_out *o);

/* ---- inputs -------------------------------------------------------------------------------- */

enum stream_column { COL_ECG, COL_EDA, COL_RR, COL_TIME, COL_SKIP, COL_RESP, COL_PPG, COL_KINDS };

typedef struct stream_input {
    psy_stream *s;
    stream_out *out;
    int columns[8];        /* what each column (stdin, LSL) is */
    double gain[8];        /* multiplies each column's values */
    int n_columns;
    double frame_rate_hz;  /* of interleaved frames (ECG or PPG, EDA and/or respiration) */
    volatile sig_atomic_t *stop;
} stream_input;

/* Pushes one frame's sample columns (ECG or PPG, EDA, respiration; already scaled) to the stream. */
void stream_push_frame(stream_input *in, const double *v);

/* stdin: "float32", "int16" (interleaved little-endian frames) or "csv" (one frame per line).
 * Returns 0 at end of input or on stop; the stream is finished by the caller. */
int stream_read_stdin(stream_input *in, const char *format);

/* Replays a recording's heart (ECG, PPG or RR), EDA and respiration channels (index, -1: none;
 * psy_stream_replay_create); speed 1 paces the pushes in real time, X times faster, 0 as fast
 * as possible. Returns the CLI exit code. */
int stream_replay(stream_input *in, psy_reader *r, const char *path, int heart_ch, int eda_ch, int resp_ch,
                  double speed);

/* OSC input on a UDP port: /psyphys/in/ecg, /psyphys/in/ppg, /psyphys/in/eda, /psyphys/in/resp,
 * /psyphys/in/rr (floats), and /psyphys/in/end. Returns the CLI exit code. */
int stream_osc_in(stream_input *in, const char *port);

/* LSL (liblsl loaded at run time). */
stream_lsl *stream_lsl_open(const char *in_type, const char *out_name, char *why, size_t why_size);
void stream_lsl_push(stream_lsl *l, const char *json_line);
int stream_lsl_in(stream_input *in, stream_lsl *l);
void stream_lsl_close(stream_lsl *l);
/* 1 when liblsl can be loaded. */
int stream_lsl_available(char *why, size_t why_size);

#endif
