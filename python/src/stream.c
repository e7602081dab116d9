/* psyphys._core.Stream: the live stream (psyphys/stream.h). Pushes run without the GIL; a lock
 * serialises the pushes (and finish, reset) and another the polls, so any number of Python
 * threads may call it, as the library allows one pusher and one poller at a time. */
#include "ext.h"

#include <pythread.h>

typedef struct {
    PyObject_HEAD
    psy_stream *s;
    PyThread_type_lock push_lock, poll_lock;
    psy_stream_output *buf; /* poll's buffer, made with the stream */
    size_t cap;
} ext_stream;

static int stream_init(ext_stream *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"ecg_rate_hz", "eda_rate_hz", "rr_input", "rr_lookahead", "time_window_s",
                            "time_window_beats", "freq_window_s", "scl_interval_s", "ns_scr_window_s",
                            "queue_capacity", "hrv_interval_s", NULL};
    double ecg = 0, eda = 0;
    int rr = 0, lookahead = -1;
    double tw = NAN, fw = NAN, scl = NAN, ns = NAN, every = NAN;
    Py_ssize_t beats = -1, cap = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|ddpidndddnd", names, &ecg, &eda, &rr, &lookahead, &tw, &beats, &fw,
                                     &scl, &ns, &cap, &every))
        return -1;
    if (self->s) {
        PyErr_SetString(PyExc_RuntimeError, "the stream is already made");
        return -1;
    }
    psy_stream_config c = psy_stream_config_default(ecg, eda);
    c.rr_input = rr;
    if (lookahead >= 0) c.rr_lookahead = lookahead;
    if (!isnan(tw)) c.time_window_s = tw;
    if (beats >= 0) c.time_window_beats = (size_t)beats;
    if (!isnan(fw)) c.freq_window_s = fw;
    if (!isnan(scl)) c.scl_interval_s = scl;
    if (!isnan(ns)) c.ns_scr_window_s = ns;
    if (cap >= 0) c.queue_capacity = (size_t)cap;
    if (!isnan(every)) c.hrv_interval_s = every;
    psy_message why = {{0}};
    psy_status st;
    Py_BEGIN_ALLOW_THREADS
    st = psy_stream_create(&c, &self->s, &why);
    Py_END_ALLOW_THREADS
    if (st != PSY_OK) {
        ext_raise(st, &why, "stream");
        return -1;
    }
    self->cap = psy_stream_get_config(self->s)->queue_capacity;
    self->buf = PyMem_Malloc(self->cap * sizeof *self->buf);
    self->push_lock = PyThread_allocate_lock();
    self->poll_lock = PyThread_allocate_lock();
    if (!self->buf || !self->push_lock || !self->poll_lock) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void stream_dealloc(ext_stream *self)
{
    psy_stream_destroy(self->s);
    PyMem_Free(self->buf);
    if (self->push_lock) PyThread_free_lock(self->push_lock);
    if (self->poll_lock) PyThread_free_lock(self->poll_lock);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int ready(ext_stream *self)
{
    if (self->s && self->buf && self->push_lock && self->poll_lock) return 1;
    PyErr_SetString(PyExc_ValueError, "the stream was not made");
    return 0;
}

enum { PUSH_ECG, PUSH_EDA };

static PyObject *push(ext_stream *self, PyObject *args, int which)
{
    PyObject *xo;
    if (!ready(self) || !PyArg_ParseTuple(args, "O", &xo)) return NULL;
    PyArrayObject *x = ext_doubles(xo, which == PUSH_ECG ? "ecg" : "eda");
    if (!x) return NULL;
    const double *v = PyArray_DATA(x);
    size_t n = (size_t)PyArray_SIZE(x);
    psy_status st;
    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(self->push_lock, WAIT_LOCK);
    st = which == PUSH_ECG ? psy_stream_push_ecg(self->s, v, n) : psy_stream_push_eda(self->s, v, n);
    PyThread_release_lock(self->push_lock);
    Py_END_ALLOW_THREADS
    Py_DECREF(x);
    if (st != PSY_OK) return ext_raise(st, NULL, which == PUSH_ECG ? "push_ecg (no ECG channel, or finished)"
                                                                   : "push_eda (no EDA channel, or finished)");
    Py_RETURN_NONE;
}

static PyObject *push_ecg(ext_stream *self, PyObject *args) { return push(self, args, PUSH_ECG); }
static PyObject *push_eda(ext_stream *self, PyObject *args) { return push(self, args, PUSH_EDA); }

/* push_rr(rr_ms, t_s=None) */
static PyObject *push_rr(ext_stream *self, PyObject *args)
{
    PyObject *ro, *to = Py_None;
    if (!ready(self) || !PyArg_ParseTuple(args, "O|O", &ro, &to)) return NULL;
    PyArrayObject *rr = ext_doubles(ro, "rr_ms"), *t = NULL;
    if (!rr) return NULL;
    if (to != Py_None && !(t = ext_doubles(to, "t_s"))) {
        Py_DECREF(rr);
        return NULL;
    }
    size_t n = (size_t)PyArray_SIZE(rr);
    if (t && (size_t)PyArray_SIZE(t) != n) {
        Py_DECREF(rr);
        Py_DECREF(t);
        PyErr_SetString(PyExc_ValueError, "rr_ms and t_s differ in length");
        return NULL;
    }
    const double *rv = PyArray_DATA(rr), *tv = t ? PyArray_DATA(t) : NULL;
    psy_status st;
    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(self->push_lock, WAIT_LOCK);
    st = psy_stream_push_rr(self->s, rv, tv, n);
    PyThread_release_lock(self->push_lock);
    Py_END_ALLOW_THREADS
    Py_DECREF(rr);
    Py_XDECREF(t);
    if (st != PSY_OK) return ext_raise(st, NULL, "push_rr (no RR input, or finished)");
    Py_RETURN_NONE;
}

/* gap(seconds): a gap in every sampled channel of the stream (psy_stream_push_gap). */
static PyObject *gap(ext_stream *self, PyObject *args)
{
    double seconds;
    if (!ready(self) || !PyArg_ParseTuple(args, "d", &seconds)) return NULL;
    const psy_stream_config *c = psy_stream_get_config(self->s);
    int has[PSY_STREAM_INPUT_COUNT] = {c->ecg_rate_hz > 0 || c->ppg_rate_hz > 0, c->eda_rate_hz > 0,
                                       c->resp_rate_hz > 0};
    psy_status st = PSY_E_INVALID;
    if (has[PSY_STREAM_INPUT_EDA] && seconds > PSY_STREAM_MAX_EDA_GAP_S) has[0] = has[1] = has[2] = 0; /* none */
    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(self->push_lock, WAIT_LOCK);
    for (int k = 0; k < PSY_STREAM_INPUT_COUNT; k++)
        if (has[k] && (st = psy_stream_push_gap(self->s, (psy_stream_input)k, seconds)) != PSY_OK) break;
    PyThread_release_lock(self->push_lock);
    Py_END_ALLOW_THREADS
    if (st != PSY_OK)
        return ext_raise(st, NULL, "gap (seconds 0 or not finite, over 3600 with EDA, finished, or only RR input: push_rr takes times)");
    Py_RETURN_NONE;
}

static PyObject *finish(ext_stream *self, PyObject *noargs)
{
    (void)noargs;
    if (!ready(self)) return NULL;
    psy_status st;
    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(self->push_lock, WAIT_LOCK);
    st = psy_stream_finish(self->s);
    PyThread_release_lock(self->push_lock);
    Py_END_ALLOW_THREADS
    if (st != PSY_OK) return ext_raise(st, NULL, "finish (called twice)");
    Py_RETURN_NONE;
}

static PyObject *reset(ext_stream *self, PyObject *noargs)
{
    (void)noargs;
    if (!ready(self)) return NULL;
    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(self->push_lock, WAIT_LOCK);
    PyThread_acquire_lock(self->poll_lock, WAIT_LOCK); /* reset: not while another thread polls */
    psy_stream_reset(self->s);
    PyThread_release_lock(self->poll_lock);
    PyThread_release_lock(self->push_lock);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyObject *output_dict(const psy_stream_output *o)
{
    const char *kind = psy_stream_kind_name(o->kind);
    switch (o->kind) {
    case PSY_STREAM_BEAT:
        return Py_BuildValue("{s:s,s:d,s:L,s:N}", "kind", kind, "onset", o->onset_s, "sample",
                             (long long)o->u.beat.sample, "rr_ms", ext_float_or_none(o->u.beat.rr_ms));
    case PSY_STREAM_HR:
        return Py_BuildValue("{s:s,s:d,s:d}", "kind", kind, "onset", o->onset_s, "bpm", o->u.hr.bpm);
    case PSY_STREAM_LABEL:
        return Py_BuildValue("{s:s,s:d,s:L,s:N,s:s,s:i}", "kind", kind, "onset", o->onset_s, "sample",
                             (long long)o->u.label.sample, "rr_ms", ext_float_or_none(o->u.label.rr_ms), "label",
                             psy_beat_class_name(o->u.label.label), "corrected", o->u.label.corrected);
    case PSY_STREAM_HRV: {
        const __typeof__(o->u.hrv) *h = &o->u.hrv;
        return Py_BuildValue("{s:s,s:d,s:N,s:N,s:n,s:N,s:N,s:N,s:N,s:N,s:n,s:{s:z,s:z,s:z,s:z,s:z,s:z}}", "kind",
                             kind, "onset", o->onset_s, "rmssd_ms", ext_float_or_none(h->rmssd_ms), "sdnn_ms",
                             ext_float_or_none(h->sdnn_ms), "n_time", (Py_ssize_t)h->n_time, "lf_ms2",
                             ext_float_or_none(h->lf_ms2), "hf_ms2", ext_float_or_none(h->hf_ms2), "lf_hf",
                             ext_float_or_none(h->lf_hf), "peak_hz", ext_float_or_none(h->peak_hz), "peak_power_ms2",
                             ext_float_or_none(h->peak_power_ms2), "n_freq", (Py_ssize_t)h->n_freq, "na_reasons",
                             "rmssd_ms", h->rmssd_na, "sdnn_ms", h->sdnn_na, "lf_ms2", h->lf_na, "hf_ms2", h->hf_na,
                             "lf_hf", h->lf_hf_na, "peak_hz", h->peak_na);
    }
    case PSY_STREAM_SCL:
        return Py_BuildValue("{s:s,s:d,s:N,s:N,s:{s:z,s:z}}", "kind", kind, "onset", o->onset_s, "scl_us",
                             ext_float_or_none(o->u.scl.scl_us), "ns_scr_per_min",
                             ext_float_or_none(o->u.scl.ns_scr_per_min), "na_reasons", "scl_us", o->u.scl.scl_na,
                             "ns_scr_per_min", o->u.scl.ns_scr_na);
    case PSY_STREAM_SCR:
        return Py_BuildValue("{s:s,s:d,s:d,s:d,s:d,s:N}", "kind", kind, "onset", o->onset_s, "peak_onset",
                             o->u.scr.peak_s, "amplitude_us", o->u.scr.amplitude_us, "rise_time_s",
                             o->u.scr.rise_time_s, "half_recovery_s", ext_float_or_none(o->u.scr.half_recovery_s));
    default:
        if (o->u.status.condition == PSY_STREAM_TIME_JUMP)
            return Py_BuildValue("{s:s,s:d,s:s,s:s,s:d}", "kind", kind, "onset", o->onset_s, "condition",
                                 psy_stream_condition_name(o->u.status.condition), "input",
                                 psy_stream_input_name((psy_stream_input)o->u.status.reason), "gap_s",
                                 o->u.status.gap_s);
        return Py_BuildValue("{s:s,s:d,s:s,s:L}", "kind", kind, "onset", o->onset_s, "condition",
                             psy_stream_condition_name(o->u.status.condition), "count",
                             (long long)o->u.status.count);
    }
}

/* poll(max=None) -> [dict, ...]: the outputs made since the last poll, oldest first. */
static PyObject *poll(ext_stream *self, PyObject *args)
{
    Py_ssize_t max = -1;
    if (!ready(self) || !PyArg_ParseTuple(args, "|n", &max)) return NULL;
    size_t want = max < 0 || (size_t)max > self->cap ? self->cap : (size_t)max, n;
    PyObject *list = PyList_New(0);
    if (!list) return NULL;
    Py_BEGIN_ALLOW_THREADS
    PyThread_acquire_lock(self->poll_lock, WAIT_LOCK);
    Py_END_ALLOW_THREADS
    n = psy_stream_poll(self->s, self->buf, want);
    for (size_t i = 0; list && i < n; i++) {
        PyObject *d = output_dict(&self->buf[i]);
        if (!d || PyList_Append(list, d) < 0) Py_CLEAR(list);
        Py_XDECREF(d);
    }
    PyThread_release_lock(self->poll_lock);
    return list;
}

static PyObject *beat_latency(ext_stream *self, PyObject *noargs)
{
    (void)noargs;
    if (!ready(self)) return NULL;
    return PyFloat_FromDouble(psy_stream_beat_latency(self->s));
}

static PyMethodDef stream_methods[] = {
    {"push_ecg", (PyCFunction)push_ecg, METH_VARARGS, "Pushes ECG samples (any unit; NaN = missing)."},
    {"push_eda", (PyCFunction)push_eda, METH_VARARGS, "Pushes skin conductance samples (uS; NaN = missing)."},
    {"push_rr", (PyCFunction)push_rr, METH_VARARGS, "Pushes RR intervals (ms), with their end times (s) or not."},
    {"gap", (PyCFunction)gap, METH_VARARGS,
     "A gap of seconds in every sampled channel: what is pushed after it lies that much later."},
    {"finish", (PyCFunction)finish, METH_NOARGS, "The end of every channel: drains the lookahead."},
    {"reset", (PyCFunction)reset, METH_NOARGS, "Back to the state right after creation."},
    {"poll", (PyCFunction)poll, METH_VARARGS, "The outputs made since the last poll, oldest first."},
    {"beat_latency", (PyCFunction)beat_latency, METH_NOARGS, "Longest delay (s) from an R-peak to its beat."},
    {NULL, NULL, 0, NULL}};

PyTypeObject ext_stream_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "psyphys._core.Stream",
    .tp_basicsize = sizeof(ext_stream),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Stream(ecg_rate_hz=0, eda_rate_hz=0, rr_input=False, ...): the live stream (psy_stream).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)stream_init,
    .tp_dealloc = (destructor)stream_dealloc,
    .tp_methods = stream_methods,
};
