/* psyphys._core: module init, the error class and the array helpers. */
#define PSYPHYS_PY_MAIN
#include "ext.h"

PyObject *ext_error;

/* Short names of the statuses, for Error.status (the enum's names without PSY_E_). */
static const char *status_name(psy_status st)
{
    static const char *const names[PSY_STATUS_COUNT] = {
        "ok", "invalid", "nomem", "io", "format", "truncated", "unsupported", "unknown_format",
        "range", "not_found", "exists", "too_short"};
    return (unsigned)st < PSY_STATUS_COUNT ? names[st] : "unknown";
}

PyObject *ext_raise(psy_status st, const psy_message *why, const char *what)
{
    const char *reason = why && why->text[0] ? why->text : psy_strerror(st);
    PyObject *msg = what ? PyUnicode_FromFormat("%s: %s", what, reason) : PyUnicode_FromString(reason);
    if (!msg) return NULL;
    PyObject *exc = PyObject_CallOneArg(ext_error, msg);
    Py_DECREF(msg);
    if (!exc) return NULL;
    PyObject *s = PyUnicode_FromString(status_name(st)), *r = PyUnicode_FromString(reason);
    if (s && r && PyObject_SetAttrString(exc, "status", s) == 0 && PyObject_SetAttrString(exc, "reason", r) == 0)
        PyErr_SetObject(ext_error, exc);
    Py_XDECREF(s);
    Py_XDECREF(r);
    Py_DECREF(exc);
    return NULL;
}

PyArrayObject *ext_doubles(PyObject *obj, const char *name)
{
    PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(obj, NPY_DOUBLE, 1, 1, NPY_ARRAY_IN_ARRAY);
    if (!a && PyErr_ExceptionMatches(PyExc_ValueError)) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s: a 1-D array of numbers is needed", name);
    }
    return a;
}

Py_ssize_t ext_two_doubles(PyObject *ao, PyObject *bo, const char *a_name, const char *b_name, PyArrayObject **a,
                           PyArrayObject **b)
{
    *a = ext_doubles(ao, a_name);
    *b = *a ? ext_doubles(bo, b_name) : NULL;
    if (*b && PyArray_SIZE(*a) == PyArray_SIZE(*b)) return PyArray_SIZE(*a);
    if (*b) PyErr_Format(PyExc_ValueError, "%s and %s differ in length", a_name, b_name);
    Py_CLEAR(*a);
    Py_CLEAR(*b);
    return -1;
}

static PyObject *new_array(const void *v, size_t n, int type, size_t size)
{
    npy_intp dim = (npy_intp)n;
    PyObject *a = PyArray_SimpleNew(1, &dim, type);
    if (a && n) memcpy(PyArray_DATA((PyArrayObject *)a), v, n * size);
    return a;
}

PyObject *ext_array_f64(const double *v, size_t n) { return new_array(v, n, NPY_DOUBLE, sizeof *v); }
PyObject *ext_array_i64(const int64_t *v, size_t n) { return new_array(v, n, NPY_INT64, sizeof *v); }
PyObject *ext_array_u8(const uint8_t *v, size_t n) { return new_array(v, n, NPY_UINT8, sizeof *v); }

psy_status ext_text_open(ext_text *t)
{
    t->buf = NULL, t->len = 0;
    t->fp = open_memstream(&t->buf, &t->len);
    return t->fp ? PSY_OK : PSY_E_NOMEM;
}

psy_status ext_text_close(ext_text *t, psy_status st)
{
    int closed = fclose(t->fp);
    t->fp = NULL;
    return st != PSY_OK ? st : closed != 0 ? PSY_E_IO : PSY_OK;
}

PyObject *ext_text_take(ext_text *t)
{
    PyObject *s = PyUnicode_DecodeUTF8(t->buf ? t->buf : "", (Py_ssize_t)t->len, "replace");
    ext_text_free(t);
    return s;
}

void ext_text_free(ext_text *t)
{
    if (t->fp) fclose(t->fp);
    free(t->buf);
    t->fp = NULL, t->buf = NULL, t->len = 0;
}

PyObject *ext_sidecar_text(const psy_sidecar *sc)
{
    ext_text t;
    psy_status st = ext_text_open(&t);
    if (st == PSY_OK) st = ext_text_close(&t, psy_sidecar_write(sc, t.fp));
    if (st != PSY_OK) {
        ext_text_free(&t);
        return ext_raise(st, NULL, "sidecar");
    }
    return ext_text_take(&t);
}

int ext_fields_set(void *config, const ext_field *fields, size_t n, PyObject *kw, const char *what)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (kw && PyDict_Next(kw, &pos, &key, &value)) {
        const char *name = PyUnicode_AsUTF8(key);
        size_t k = 0;
        while (name && k < n && strcmp(fields[k].name, name) != 0) k++;
        if (!name || k == n) {
            PyErr_Format(PyExc_TypeError, "no %s setting '%U'", what, key);
            return 0;
        }
        char *field = (char *)config + fields[k].offset;
        if (fields[k].type == 'd') {
            double v = PyFloat_AsDouble(value);
            if (v == -1.0 && PyErr_Occurred()) return 0;
            memcpy(field, &v, sizeof v);
        } else {
            long v = PyLong_AsLong(value);
            if (v == -1 && PyErr_Occurred()) return 0;
            int iv = (int)v;
            memcpy(field, &iv, sizeof iv);
        }
    }
    return 1;
}

PyObject *ext_fields_dict(const void *config, const ext_field *fields, size_t n)
{
    PyObject *d = PyDict_New();
    for (size_t k = 0; d && k < n; k++) {
        const char *field = (const char *)config + fields[k].offset;
        PyObject *v;
        if (fields[k].type == 'd') {
            double x;
            memcpy(&x, field, sizeof x);
            v = PyFloat_FromDouble(x);
        } else {
            int x;
            memcpy(&x, field, sizeof x);
            v = PyLong_FromLong(x);
        }
        if (!v || PyDict_SetItemString(d, fields[k].name, v) < 0) Py_CLEAR(d);
        Py_XDECREF(v);
    }
    return d;
}

PyObject *ext_float_or_none(double v)
{
    if (isnan(v)) Py_RETURN_NONE;
    return PyFloat_FromDouble(v);
}

static PyObject *version(PyObject *self, PyObject *args)
{
    (void)self, (void)args;
    return PyUnicode_FromString(psy_version());
}

static PyMethodDef methods[] = {
    {"version", version, METH_NOARGS, "The linked library's version."},
    {"reader_from_arrays", ext_reader_from_arrays, METH_VARARGS, NULL},
    {"bids_events_for", ext_bids_events_for, METH_VARARGS, NULL},
    {"beats", ext_beats, METH_VARARGS, NULL},
    {"read_beats_table", ext_read_beats_table, METH_VARARGS, NULL},
    {"load_beat_times", ext_load_beat_times, METH_VARARGS, NULL},
    {"beats_sidecar", ext_beats_sidecar, METH_VARARGS, NULL},
    {"hrv_series_rr", ext_hrv_series_rr, METH_VARARGS, NULL},
    {"hrv_series_table", ext_hrv_series_table, METH_VARARGS, NULL},
    {"hrv_series_beats", ext_hrv_series_beats, METH_VARARGS, NULL},
    {"hrv_series_reader", ext_hrv_series_reader, METH_VARARGS, NULL},
    {"hrv_windows", ext_hrv_windows, METH_VARARGS, NULL},
    {"eda", (PyCFunction)(void (*)(void))ext_eda, METH_VARARGS | METH_KEYWORDS, NULL},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core", "psyphys's C extension over libpsyphys.", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    ext_error = PyErr_NewExceptionWithDoc("psyphys.Error",
                                          "A failure of libpsyphys: .status names the kind, .reason the "
                                          "library's reason.", NULL, NULL);
    PyTypeObject *types[] = {&ext_reader_type, &ext_hrv_type, &ext_stream_type, &ext_session_type};
    if (!ext_error || PyModule_AddObjectRef(m, "Error", ext_error) < 0) goto fail;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (PyType_Ready(types[i]) < 0 || PyModule_AddObjectRef(m, strrchr(types[i]->tp_name, '.') + 1,
                                                                (PyObject *)types[i]) < 0)
            goto fail;
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
