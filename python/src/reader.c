/* psyphys._core.Reader: an open recording (psyphys/recording.h), from a file or from arrays. */
#include "ext.h"

#include <stdio.h>
#include <string.h>

psy_reader *ext_reader_of(PyObject *obj)
{
    if (!PyObject_TypeCheck(obj, &ext_reader_type)) {
        PyErr_SetString(PyExc_TypeError, "a psyphys recording is needed");
        return NULL;
    }
    psy_reader *r = ((ext_reader *)obj)->r;
    if (!r) PyErr_SetString(PyExc_ValueError, "the recording is closed");
    return r;
}

psy_reader *ext_reader_acquire(PyObject *obj)
{
    if (!ext_reader_of(obj)) return NULL;
    ext_reader *self = (ext_reader *)obj;
    if (!self->lock && !(self->lock = PyThread_allocate_lock())) {
        PyErr_NoMemory();
        return NULL;
    }
    if (!PyThread_acquire_lock(self->lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(self->lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
    if (!self->r) { /* closed by the thread that held it */
        PyThread_release_lock(self->lock);
        PyErr_SetString(PyExc_ValueError, "the recording is closed");
    }
    return self->r;
}

void ext_reader_release(PyObject *obj)
{
    PyThread_release_lock(((ext_reader *)obj)->lock);
}

static void forget_events_files(ext_reader *self)
{
    for (int i = 0; i < self->n_events_files; i++) PyMem_Free(self->events_path[i]);
    self->n_events_files = 0;
}

static int reader_init(ext_reader *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"path", "format", "fs", "override_fs", "sidecar", "use_libedf", "skip_annotations", NULL};
    const char *path = NULL, *format = NULL, *sidecar = NULL;
    psy_open_options o = psy_open_options_default();
    int override = 0, libedf = 1, skip = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s|zdpzpp", names, &path, &format, &o.sampling_rate_hz, &override,
                                     &sidecar, &libedf, &skip))
        return -1;
    o.format = format, o.sidecar_path = sidecar, o.override_rate = override, o.use_libedf = libedf;
    o.skip_annotations = skip;
    if (self->r) {
        PyErr_SetString(PyExc_RuntimeError, "the recording is already open");
        return -1;
    }
    psy_message why = {{0}};
    psy_status st;
    Py_BEGIN_ALLOW_THREADS
    st = psy_reader_open(path, &o, &self->r, &why);
    Py_END_ALLOW_THREADS
    if (st != PSY_OK) {
        ext_raise(st, &why, path);
        return -1;
    }
    return 0;
}

static void reader_dealloc(ext_reader *self)
{
    forget_events_files(self);
    psy_reader_close(self->r);
    if (self->lock) PyThread_free_lock(self->lock);
    Py_XDECREF(self->keep);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

#define READER(self, r)                                    \
    psy_reader *r = ext_reader_of((PyObject *)(self));     \
    if (!r) return NULL

static PyObject *r_close(ext_reader *self, PyObject *noargs)
{
    (void)noargs;
    if (!self->r) Py_RETURN_NONE;
    if (!ext_reader_acquire((PyObject *)self)) return NULL;
    psy_reader_close(self->r);
    self->r = NULL;
    ext_reader_release((PyObject *)self);
    Py_RETURN_NONE;
}

static PyObject *r_format(ext_reader *self, PyObject *noargs)
{
    (void)noargs;
    READER(self, r);
    return PyUnicode_FromString(psy_reader_format(r));
}

static PyObject *r_duration(ext_reader *self, PyObject *noargs)
{
    (void)noargs;
    READER(self, r);
    return PyFloat_FromDouble(psy_reader_duration(r));
}

static PyObject *r_channels(ext_reader *self, PyObject *noargs)
{
    (void)noargs;
    READER(self, r);
    int n = psy_reader_channel_count(r);
    PyObject *list = PyList_New(n);
    for (int i = 0; list && i < n; i++) {
        const psy_channel_info *c = psy_reader_channel(r, i);
        PyObject *d = Py_BuildValue("{s:s,s:s,s:s,s:s,s:d,s:L,s:N,s:N,s:d}", "label", c->label, "type",
                                    psy_channel_type_name(c->type), "unit", c->unit, "file_unit", c->file_unit,
                                    "rate_hz", c->rate_hz, "frames", (long long)c->frames, "physical_min",
                                    ext_float_or_none(c->physical_min), "physical_max", ext_float_or_none(c->physical_max), "resolution", c->resolution);
        if (!d) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, d);
    }
    return list;
}

/* read(ch, times=False): the channel's samples (or sample times) as a new float64 array. */
static PyObject *r_read(ext_reader *self, PyObject *args)
{
    int ch, times = 0;
    if (!PyArg_ParseTuple(args, "i|p", &ch, &times)) return NULL;
    READER(self, r);
    const psy_channel_info *c = psy_reader_channel(r, ch);
    if (!c) return ext_raise(PSY_E_INVALID, NULL, "no such channel");
    npy_intp dim = (npy_intp)c->frames;
    PyObject *a = PyArray_SimpleNew(1, &dim, NPY_DOUBLE);
    if (!a || !ext_reader_acquire((PyObject *)self)) {
        Py_XDECREF(a);
        return NULL;
    }
    double *out = PyArray_DATA((PyArrayObject *)a);
    psy_status st;
    Py_BEGIN_ALLOW_THREADS
    st = times ? psy_reader_read_times(r, ch, 0, c->frames, out) : psy_reader_read(r, ch, 0, c->frames, out);
    Py_END_ALLOW_THREADS
    if (st != PSY_OK) {
        ext_raise(st, NULL, c->label);
        Py_CLEAR(a);
    }
    ext_reader_release((PyObject *)self);
    return a;
}

/* start() -> (year, month, day, hour, minute, second, nanosecond, minutes east of UTC or None
 * for a wall clock of unknown zone), or None when the file gives no start. */
static PyObject *r_start(ext_reader *self, PyObject *noargs)
{
    (void)noargs;
    READER(self, r);
    psy_datetime t = psy_reader_start(r);
    if (!t.known) Py_RETURN_NONE;
    PyObject *zone = t.zone_known ? PyLong_FromLong(t.utc_offset_min) : Py_NewRef(Py_None);
    return Py_BuildValue("(iiiiiiLN)", t.year, t.month, t.day, t.hour, t.minute, t.second, (long long)t.nanosecond,
                         zone);
}

static PyObject *r_events(ext_reader *self, PyObject *noargs)
{
    (void)noargs;
    READER(self, r);
    size_t n = psy_reader_event_count(r);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        const psy_event *e = psy_reader_event(r, i);
        PyObject *t = Py_BuildValue("(dNsssLiiN)", e->onset_s, ext_float_or_none(e->duration_s), e->label,
                                    e->detail, psy_event_source_name(e->source), (long long)e->sample,
                                    e->channel, e->code, PyBool_FromLong(psy_is_session_event(e)));
        if (!t) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    return list;
}

static PyObject *r_warnings(ext_reader *self, PyObject *noargs)
{
    (void)noargs;
    READER(self, r);
    size_t n = psy_reader_warning_count(r);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        PyObject *s = PyUnicode_DecodeUTF8(psy_reader_warning(r, i), (Py_ssize_t)strlen(psy_reader_warning(r, i)),
                                           "replace");
        if (!s) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, s);
    }
    return list;
}

static PyObject *r_files(ext_reader *self, PyObject *noargs)
{
    (void)noargs;
    READER(self, r);
    size_t n = psy_reader_file_count(r);
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) PyList_SET_ITEM(list, (Py_ssize_t)i, PyUnicode_FromString(psy_reader_file(r, i)));
    return list;
}

static PyObject *r_find_channel(ext_reader *self, PyObject *args)
{
    const char *label;
    if (!PyArg_ParseTuple(args, "s", &label)) return NULL;
    READER(self, r);
    return PyLong_FromLong(psy_reader_find_channel(r, label));
}

/* pick_channel(label or None, [type names]) -> index (psy_reader_pick_channel); raises with its
 * reason. */
static PyObject *r_pick_channel(ext_reader *self, PyObject *args)
{
    const char *label;
    PyObject *names;
    if (!PyArg_ParseTuple(args, "zO!", &label, &PyList_Type, &names)) return NULL;
    READER(self, r);
    psy_channel_type want[8];
    Py_ssize_t n = PyList_GET_SIZE(names);
    if (n < 1 || n > 8) return ext_raise(PSY_E_INVALID, NULL, "1 to 8 channel types");
    for (Py_ssize_t i = 0; i < n; i++) {
        const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(names, i));
        if (!name) return NULL;
        if (psy_channel_type_parse(name, &want[i]) != PSY_OK) return ext_raise(PSY_E_INVALID, NULL, name);
    }
    int ch;
    psy_message why = {{0}};
    psy_status st = psy_reader_pick_channel(r, label, want, (int)n, &ch, &why);
    if (st == PSY_E_NOT_FOUND && !label) /* how to name one, in Python's words */
        snprintf(why.text + strlen(why.text), sizeof why.text - strlen(why.text), "; name one with channel=LABEL");
    if (st != PSY_OK) return ext_raise(st, &why, NULL);
    return PyLong_FromLong(ch);
}

static PyObject *r_set_channel_type(ext_reader *self, PyObject *args)
{
    int ch;
    const char *name;
    if (!PyArg_ParseTuple(args, "is", &ch, &name)) return NULL;
    READER(self, r);
    psy_channel_type t;
    psy_status st = psy_channel_type_parse(name, &t);
    if (!ext_reader_acquire((PyObject *)self)) return NULL;
    if (st == PSY_OK) st = psy_reader_set_channel_type(r, ch, t);
    ext_reader_release((PyObject *)self);
    if (st != PSY_OK) return ext_raise(st, NULL, name);
    Py_RETURN_NONE;
}

static PyObject *r_set_channel_unit(ext_reader *self, PyObject *args)
{
    int ch;
    const char *unit;
    if (!PyArg_ParseTuple(args, "is", &ch, &unit)) return NULL;
    READER(self, r);
    if (!ext_reader_acquire((PyObject *)self)) return NULL;
    psy_status st = psy_reader_set_channel_unit(r, ch, unit);
    ext_reader_release((PyObject *)self);
    if (st != PSY_OK) return ext_raise(st, NULL, unit);
    Py_RETURN_NONE;
}

/* load_events(path, offset_s, onset_column, duration_column, label_column) -> info dict. */
static PyObject *r_load_events(ext_reader *self, PyObject *args)
{
    const char *path, *onset = NULL, *duration = NULL, *label = NULL;
    psy_events_options o = psy_events_options_default();
    if (!PyArg_ParseTuple(args, "s|dzzz", &path, &o.offset_s, &onset, &duration, &label)) return NULL;
    READER(self, r);
    o.onset_column = onset, o.duration_column = duration, o.label_column = label;
    psy_source *src = NULL;
    psy_message why = {{0}};
    psy_events_info info;
    psy_status st = psy_source_open_path(path, &src);
    if (!ext_reader_acquire((PyObject *)self)) {
        psy_source_close(src);
        return NULL;
    }
    if (st == PSY_OK) st = psy_reader_load_events_with(r, src, &o, &info, &why);
    ext_reader_release((PyObject *)self);
    psy_source_close(src);
    if (st != PSY_OK) return ext_raise(st, &why, path);
    if (self->n_events_files < 4) { /* kept for the session's skipped events */
        int k = self->n_events_files;
        self->events_path[k] = PyMem_Malloc(strlen(path) + 1);
        if (self->events_path[k]) {
            strcpy(self->events_path[k], path);
            self->events_info[k] = info;
            self->n_events_files++;
        }
    }
    PyObject *unplaced = PyList_New(0);
    for (size_t i = 0; unplaced && i < info.n_unplaced && i < PSY_EVENTS_UNPLACED_KEPT; i++) {
        PyObject *u = Py_BuildValue("(Lss)", (long long)info.unplaced[i].line, info.unplaced[i].label,
                                    info.unplaced[i].reason);
        if (!u || PyList_Append(unplaced, u) < 0) Py_CLEAR(unplaced);
        Py_XDECREF(u);
    }
    if (!unplaced) return NULL;
    return Py_BuildValue("{s:s,s:s,s:s,s:n,s:n,s:N}", "onset_column", info.onset_column, "duration_column",
                         info.duration_column, "label_column", info.label_column, "n_events", (Py_ssize_t)info.n_events,
                         "n_unplaced", (Py_ssize_t)info.n_unplaced, "unplaced", unplaced);
}

/* trigger_events(ch, mode "auto"|"level"|"bits", threshold NaN) -> events found. */
static PyObject *r_trigger_events(ext_reader *self, PyObject *args)
{
    int ch;
    const char *mode = "auto";
    psy_trigger_config c = psy_trigger_config_default();
    if (!PyArg_ParseTuple(args, "i|sd", &ch, &mode, &c.threshold)) return NULL;
    READER(self, r);
    c.mode = strcmp(mode, "bits") == 0 ? PSY_TRIGGER_BITS : strcmp(mode, "level") == 0 ? PSY_TRIGGER_LEVEL
                                                                                        : PSY_TRIGGER_AUTO;
    size_t n = 0;
    psy_message why = {{0}};
    if (!ext_reader_acquire((PyObject *)self)) return NULL;
    psy_status st = psy_trigger_events(r, ch, &c, &n, &why); /* with the GIL: it adds events */
    ext_reader_release((PyObject *)self);
    if (st != PSY_OK) return ext_raise(st, &why, "trigger");
    return PyLong_FromSize_t(n);
}

static PyMethodDef reader_methods[] = {
    {"close", (PyCFunction)r_close, METH_NOARGS, NULL},
    {"format", (PyCFunction)r_format, METH_NOARGS, NULL},
    {"duration", (PyCFunction)r_duration, METH_NOARGS, NULL},
    {"channels", (PyCFunction)r_channels, METH_NOARGS, NULL},
    {"read", (PyCFunction)r_read, METH_VARARGS, NULL},
    {"start", (PyCFunction)r_start, METH_NOARGS, NULL},
    {"events", (PyCFunction)r_events, METH_NOARGS, NULL},
    {"warnings", (PyCFunction)r_warnings, METH_NOARGS, NULL},
    {"files", (PyCFunction)r_files, METH_NOARGS, NULL},
    {"find_channel", (PyCFunction)r_find_channel, METH_VARARGS, NULL},
    {"pick_channel", (PyCFunction)r_pick_channel, METH_VARARGS, NULL},
    {"set_channel_type", (PyCFunction)r_set_channel_type, METH_VARARGS, NULL},
    {"set_channel_unit", (PyCFunction)r_set_channel_unit, METH_VARARGS, NULL},
    {"load_events", (PyCFunction)r_load_events, METH_VARARGS, NULL},
    {"trigger_events", (PyCFunction)r_trigger_events, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}};

PyTypeObject ext_reader_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "psyphys._core.Reader",
    .tp_basicsize = sizeof(ext_reader),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Reader(path, format=None, fs=0, override_fs=False, sidecar=None, use_libedf=True, "
              "skip_annotations=False): an open recording.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)reader_init,
    .tp_dealloc = (destructor)reader_dealloc,
    .tp_methods = reader_methods,
};

/* bids_events_for(path) -> the run's _events.tsv of a BIDS data file, or None
 * (psy_bids_events_for: what `psyphys analyze` pairs with it). */
PyObject *ext_bids_events_for(PyObject *self, PyObject *args)
{
    (void)self;
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path)) return NULL;
    char out[4096];
    if (!psy_bids_events_for(path, out, sizeof out)) Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(out);
}

/* reader_from_arrays([(label, type, unit, rate_hz, samples, times), ...], [(onset, duration,
 * label), ...]) -> Reader. The samples are read in place (psy_reader_from_arrays_borrowed): the
 * Reader keeps the float64 arrays alive, so no copy is made beyond one conversion to float64. */
PyObject *ext_reader_from_arrays(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *chans, *evs;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &chans, &PyList_Type, &evs)) return NULL;
    Py_ssize_t nc = PyList_GET_SIZE(chans), ne = PyList_GET_SIZE(evs);
    psy_array_channel *c = PyMem_Calloc((size_t)nc + 1, sizeof *c);
    psy_event *e = PyMem_Calloc((size_t)ne + 1, sizeof *e);
    PyObject *keep = PyList_New(0), *result = NULL;
    if (!c || !e || !keep) goto done;
    for (Py_ssize_t i = 0; i < nc; i++) {
        PyObject *x, *t;
        const char *type = NULL;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(chans, i), "szzdOO", &c[i].label, &type, &c[i].unit, &c[i].rate_hz, &x,
                              &t))
            goto done;
        psy_channel_type ty = PSY_CH_OTHER;
        if (type && psy_channel_type_parse(type, &ty) != PSY_OK) {
            ext_raise(PSY_E_INVALID, NULL, type);
            goto done;
        }
        c[i].type = ty;
        PyArrayObject *xa = ext_doubles(x, c[i].label);
        if (!xa || PyList_Append(keep, (PyObject *)xa) < 0) {
            Py_XDECREF(xa);
            goto done;
        }
        Py_DECREF(xa);
        c[i].samples = PyArray_DATA(xa);
        c[i].n = (int64_t)PyArray_SIZE(xa);
        if (t != Py_None) {
            PyArrayObject *ta = ext_doubles(t, c[i].label);
            if (!ta || PyList_Append(keep, (PyObject *)ta) < 0) {
                Py_XDECREF(ta);
                goto done;
            }
            Py_DECREF(ta);
            if (PyArray_SIZE(ta) != PyArray_SIZE(xa)) {
                PyErr_Format(PyExc_ValueError, "%s: times and samples differ in length", c[i].label);
                goto done;
            }
            c[i].times_s = PyArray_DATA(ta);
        }
    }
    for (Py_ssize_t i = 0; i < ne; i++) {
        if (!PyArg_ParseTuple(PyList_GET_ITEM(evs, i), "dds", &e[i].onset_s, &e[i].duration_s, &e[i].label)) goto done;
        e[i].detail = "", e[i].source = PSY_EVENTS_FILE, e[i].sample = -1, e[i].channel = -1;
    }
    psy_reader *r = NULL;
    psy_message why = {{0}};
    psy_status st = psy_reader_from_arrays_borrowed(c, (int)nc, e, (size_t)ne, &r, &why);
    if (st != PSY_OK) {
        ext_raise(st, &why, NULL);
        goto done;
    }
    ext_reader *o = PyObject_New(ext_reader, &ext_reader_type);
    if (!o) {
        psy_reader_close(r);
        goto done;
    }
    o->r = r;
    o->keep = keep;
    o->lock = NULL;
    o->n_events_files = 0;
    keep = NULL;
    result = (PyObject *)o;
done:
    Py_XDECREF(keep);
    PyMem_Free(c);
    PyMem_Free(e);
    return result;
}
