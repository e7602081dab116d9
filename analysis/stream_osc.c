/* The OSC messages of a live stream's outputs (psyphys/stream_format.h) and their OSC 1.0
 * encoding (the Open Sound Control specification 1.0, opensoundcontrol.org, 2002: an address
 * string, a type tag string starting with ',', then the arguments; strings NUL-terminated and
 * padded to 4 bytes, int32 and float32 big-endian). */
#include <stdio.h>
#include <string.h>

#include "psyphys/stream_format.h"

static psy_osc_message *start(psy_osc_message *m, const char *address, double onset_s)
{
    memset(m, 0, sizeof *m);
    m->address = address;
    m->args[0].type = 'f';
    m->args[0].f = (float)onset_s;
    m->n_args = 1;
    return m;
}

static void add_float(psy_osc_message *m, double v)
{
    psy_osc_arg *a = &m->args[m->n_args++];
    a->type = 'f';
    a->f = (float)v;
}

static void add_int(psy_osc_message *m, int64_t v)
{
    psy_osc_arg *a = &m->args[m->n_args++];
    a->type = 'i';
    a->i = (int32_t)v;
}

static void add_text(psy_osc_message *m, const char *text)
{
    psy_osc_arg *a = &m->args[m->n_args++];
    a->type = 's';
    snprintf(a->s, sizeof a->s, "%s", text ? text : "");
}

static void floats(psy_osc_message *m, const char *address, double onset_s, int n, const double *v)
{
    start(m, address, onset_s);
    for (int i = 0; i < n; i++) add_float(m, v[i]);
}

void psy_stream_osc_status(double onset_s, const char *condition, const char *detail, psy_osc_message *out)
{
    if (!out) return;
    start(out, "/psyphys/status", onset_s);
    add_text(out, condition);
    add_text(out, detail);
}

size_t psy_stream_osc_messages(const psy_stream_output *x, psy_osc_message out[PSY_STREAM_OSC_MAX])
{
    if (!x || !out) return 0;
    double t = x->onset_s;
    switch (x->kind) {
    case PSY_STREAM_BEAT:
        start(&out[0], "/psyphys/beat", t);
        add_int(&out[0], x->u.beat.sample);
        add_float(&out[0], x->u.beat.rr_ms);
        return 1;
    case PSY_STREAM_HR:
        floats(&out[0], "/psyphys/hr", t, 1, &x->u.hr.bpm);
        return 1;
    case PSY_STREAM_LABEL:
        start(&out[0], x->u.label.provisional ? "/psyphys/provisional/label" : "/psyphys/label", t);
        add_int(&out[0], x->u.label.sample);
        add_text(&out[0], psy_beat_class_name(x->u.label.label));
        add_int(&out[0], x->u.label.corrected);
        return 1;
    case PSY_STREAM_HRV: {
        double a[2] = {x->u.hrv.rmssd_ms, x->u.hrv.sdnn_ms}, b[3] = {x->u.hrv.lf_hf, x->u.hrv.lf_ms2, x->u.hrv.hf_ms2},
               c[2] = {x->u.hrv.peak_hz, x->u.hrv.peak_power_ms2};
        int p = x->u.hrv.provisional;
        floats(&out[0], p ? "/psyphys/provisional/rmssd" : "/psyphys/rmssd", t, 2, a);
        floats(&out[1], p ? "/psyphys/provisional/lfhf" : "/psyphys/lfhf", t, 3, b);
        floats(&out[2], p ? "/psyphys/provisional/resonance" : "/psyphys/resonance", t, 2, c);
        floats(&out[3], p ? "/psyphys/provisional/coherence" : "/psyphys/coherence", t, 1, &x->u.hrv.coherence_ratio);
        return 4;
    }
    case PSY_STREAM_BREATH: {
        double a[5] = {x->u.breath.duration_s, x->u.breath.rate_per_min, x->u.breath.amplitude,
                       x->u.breath.rsa_p2t_ms, x->u.breath.hr_osc_bpm};
        floats(&out[0], "/psyphys/breath", t, 5, a);
        return 1;
    }
    case PSY_STREAM_SCL: {
        double a[2] = {x->u.scl.scl_us, x->u.scl.ns_scr_per_min};
        floats(&out[0], "/psyphys/scl", t, 2, a);
        return 1;
    }
    case PSY_STREAM_SCR: {
        double a[3] = {x->u.scr.amplitude_us, x->u.scr.peak_s, x->u.scr.rise_time_s};
        floats(&out[0], "/psyphys/scr", t, 3, a);
        return 1;
    }
    case PSY_STREAM_STATUS: {
        char detail[64] = "";
        if (x->u.status.condition == PSY_STREAM_DROPPED)
            snprintf(detail, sizeof detail, "%lld outputs dropped", (long long)x->u.status.count);
        if (x->u.status.condition == PSY_STREAM_PPG_LOST)
            snprintf(detail, sizeof detail, "%s", psy_ppg_reason_name((psy_ppg_reason)x->u.status.reason));
        if (x->u.status.condition == PSY_STREAM_TIME_JUMP)
            snprintf(detail, sizeof detail, "%s %.6f s", psy_stream_input_name((psy_stream_input)x->u.status.reason),
                     x->u.status.gap_s);
        psy_stream_osc_status(t, psy_stream_condition_name(x->u.status.condition), detail, &out[0]);
        return 1;
    }
    default:
        return 0;
    }
}

/* Appends a NUL-terminated string padded to 4 bytes; 0 when it does not fit. */
static int put_text(uint8_t *buf, size_t cap, size_t *len, const char *text)
{
    size_t n = strlen(text), padded = (n + 4) & ~(size_t)3;
    if (*len + padded > cap) return 0;
    memcpy(buf + *len, text, n);
    memset(buf + *len + n, 0, padded - n);
    *len += padded;
    return 1;
}

static int put_u32(uint8_t *buf, size_t cap, size_t *len, uint32_t v)
{
    if (*len + 4 > cap) return 0;
    for (int k = 0; k < 4; k++) buf[*len + (size_t)k] = (uint8_t)(v >> (24 - 8 * k));
    *len += 4;
    return 1;
}

size_t psy_osc_encode(const psy_osc_message *m, uint8_t *buf, size_t cap)
{
    if (!m || !m->address || !buf || m->n_args < 0 || m->n_args > PSY_OSC_MAX_ARGS) return 0;
    char tags[PSY_OSC_MAX_ARGS + 2] = ",";
    for (int i = 0; i < m->n_args; i++) tags[i + 1] = m->args[i].type;
    tags[m->n_args + 1] = '\0';
    size_t len = 0;
    if (!put_text(buf, cap, &len, m->address) || !put_text(buf, cap, &len, tags)) return 0;
    for (int i = 0; i < m->n_args; i++) {
        const psy_osc_arg *a = &m->args[i];
        uint32_t bits;
        int ok;
        if (a->type == 'f') {
            memcpy(&bits, &a->f, sizeof bits);
            ok = put_u32(buf, cap, &len, bits);
        } else if (a->type == 'i') {
            ok = put_u32(buf, cap, &len, (uint32_t)a->i);
        } else if (a->type == 's') {
            char text[PSY_OSC_TEXT_MAX];
            memcpy(text, a->s, sizeof text);
            text[sizeof text - 1] = '\0';
            ok = put_text(buf, cap, &len, text);
        } else {
            ok = 0;
        }
        if (!ok) return 0;
    }
    return len;
}
