/* psyphys._core: the C extension over libpsyphys. Thin: each function converts Python and numpy
 * values to the library's, calls it (without the GIL where it computes over a signal), and
 * converts the results back; every decision stays in the library. */
#ifndef PSYPHYS_PY_EXT_H
#define PSYPHYS_PY_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define PY_ARRAY_UNIQUE_SYMBOL psyphys_ARRAY_API
#ifndef PSYPHYS_PY_MAIN
#define NO_IMPORT_ARRAY
#endif
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <pythread.h>
#include <stddef.h>
#include <stdio.h>

#include <psyphys.h>

/* The module's exception class, psyphys.Error (set in module init). */
extern PyObject *ext_error;

/* Raises psyphys.Error(status name, reason); the reason is why->text when set, else
 * psy_strerror(st), prefixed by `what` (a path, a call) when not NULL. Returns NULL. */
PyObject *ext_raise(psy_status st, const psy_message *why, const char *what);

/* A 1-D float64 C-contiguous native-order view of obj: the only conversion the package makes of
 * a signal (none when obj already is one). New reference, or NULL with an exception. */
PyArrayObject *ext_doubles(PyObject *obj, const char *name);

/* Two 1-D float64 views (ext_doubles) of the same length: that length, or -1 with an exception
 * (then no reference is held). The caller releases *a and *b. */
Py_ssize_t ext_two_doubles(PyObject *ao, PyObject *bo, const char *a_name, const char *b_name, PyArrayObject **a,
                           PyArrayObject **b);

/* New 1-D arrays holding a copy of n values. */
PyObject *ext_array_f64(const double *v, size_t n);
PyObject *ext_array_i64(const int64_t *v, size_t n);
PyObject *ext_array_u8(const uint8_t *v, size_t n);

/* Text written to a FILE in memory (open_memstream): the library's writers write there. */
typedef struct {
    FILE *fp;
    char *buf;
    size_t len;
} ext_text;
/* PSY_OK or PSY_E_NOMEM. */
psy_status ext_text_open(ext_text *t);
/* Closes the stream: st, or PSY_E_IO when it failed to close. */
psy_status ext_text_close(ext_text *t, psy_status st);
/* A str of the text (NULL with an exception); the text is freed (ext_text_free: also after a
 * failure). */
PyObject *ext_text_take(ext_text *t);
void ext_text_free(ext_text *t);

/* A sidecar as the CLI writes it (psy_sidecar_write), as a str; NULL with an exception. */
PyObject *ext_sidecar_text(const psy_sidecar *sc);

/* A setting of a library config struct, by its field name: 'd' a double, 'i' an int. */
typedef struct {
    const char *name;
    size_t offset;
    char type;
} ext_field;
#define EXT_D(type, f) {#f, offsetof(type, f), 'd'}
#define EXT_I(type, f) {#f, offsetof(type, f), 'i'}

/* Sets the fields of config named by the keys of kw (may be NULL). 0 with TypeError for a name
 * not among them ("no <what> setting 'x'") or an exception for a value of the wrong kind. */
int ext_fields_set(void *config, const ext_field *fields, size_t n, PyObject *kw, const char *what);

/* A dict {name: value} of the fields of config; NULL with an exception. */
PyObject *ext_fields_dict(const void *config, const ext_field *fields, size_t n);

/* A float, None for NaN. */
PyObject *ext_float_or_none(double v);

/* The reader object (reader.c). */
typedef struct {
    PyObject_HEAD
    psy_reader *r;
    /* Held by every call that reads samples or changes the reader (read, beats, eda, the
     * session's run, events added, types set, close): a reader belongs to one thread at a time,
     * and those calls run without the GIL. Calls that only look (channels, events) hold the GIL
     * and run beside them: nothing they look at changes under the lock without the GIL. */
    PyThread_type_lock lock;
    PyObject *keep; /* the arrays a borrowed array reader reads (kept alive with it) */
    /* the event files loaded (load_events), for the session's skipped rows */
    psy_events_info events_info[4];
    char *events_path[4];
    int n_events_files;
} ext_reader;
extern PyTypeObject ext_reader_type;
/* The reader of a Reader object, or NULL with TypeError / ValueError (closed). */
psy_reader *ext_reader_of(PyObject *obj);

/* The reader of a Reader object with its lock held (waited for without the GIL), or NULL with an
 * exception (then not held). ext_reader_release releases it. */
psy_reader *ext_reader_acquire(PyObject *obj);
void ext_reader_release(PyObject *obj);

extern PyTypeObject ext_stream_type;
extern PyTypeObject ext_hrv_type;
extern PyTypeObject ext_session_type;

/* Module functions defined in the other files. */
PyObject *ext_reader_from_arrays(PyObject *self, PyObject *args);
PyObject *ext_bids_events_for(PyObject *self, PyObject *args);
PyObject *ext_beats(PyObject *self, PyObject *args);
PyObject *ext_read_beats_table(PyObject *self, PyObject *args);
PyObject *ext_load_beat_times(PyObject *self, PyObject *args);
PyObject *ext_beats_sidecar(PyObject *self, PyObject *args);
PyObject *ext_hrv_series_rr(PyObject *self, PyObject *args);
PyObject *ext_hrv_series_table(PyObject *self, PyObject *args);
PyObject *ext_hrv_series_beats(PyObject *self, PyObject *args);
PyObject *ext_hrv_series_reader(PyObject *self, PyObject *args);
PyObject *ext_hrv_windows(PyObject *self, PyObject *args);
PyObject *ext_eda(PyObject *self, PyObject *args, PyObject *kw);

/* The beat list's arrays as a dict (beats_hrv.c), the list itself under "list" (a capsule, for
 * hrv_series_beats): freed with it when owner is NULL, else owner (which owns the list) is kept
 * alive with it. Without owner, b is freed also when this fails. */
PyObject *ext_beats_dict(psy_beat_list *b, PyObject *owner);

#endif
