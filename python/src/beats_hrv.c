/* Beats (psyphys/beats.h), RR correction (psyphys/rr.h) and the HRV analyser (psyphys/hrv.h,
 * hrv_windows.h) for psyphys._core. */
#include "ext.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static PyObject *counts_dict(const psy_rr_counts *c)
{
    PyObject *d = PyDict_New();
    for (int k = 0; d && k < PSY_BEAT_CLASS_COUNT; k++) {
        PyObject *v = PyLong_FromSize_t(c->n[k]);
        if (!v || PyDict_SetItemString(d, psy_beat_class_name((psy_beat_class)k), v) < 0) Py_CLEAR(d);
        Py_XDECREF(v);
    }
    return d;
}

/* beats(reader, ch, ch2=-1) -> dict of the beat list's arrays (psy_beats_detect_leads; the pulses
 * of a PPG channel, psy_pulses_detect). */
PyObject *ext_beats(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *ro;
    int chs[2] = {-1, -1};
    if (!PyArg_ParseTuple(args, "Oi|i", &ro, &chs[0], &chs[1])) return NULL;
    psy_reader *r = ext_reader_acquire(ro);
    if (!r) return NULL;
    psy_beats_config cfg = psy_beats_config_default();
    psy_beat_list *b = NULL;
    psy_message why = {{0}};
    psy_status st;
    Py_BEGIN_ALLOW_THREADS
    if (chs[1] < 0 && psy_reader_channel(r, chs[0]) && psy_reader_channel(r, chs[0])->type == PSY_CH_PPG)
        st = psy_pulses_detect(r, chs[0], NULL, &b, &why); /* as psyphys beats: its pulses */
    else
        st = psy_beats_detect_leads(r, chs, chs[1] >= 0 ? 2 : 1, &cfg, &b, &why);
    Py_END_ALLOW_THREADS
    ext_reader_release(ro);
    if (st != PSY_OK) return ext_raise(st, &why, NULL);
    return ext_beats_dict(b, NULL);
}

static void free_list(PyObject *capsule)
{
    PyObject *owner = PyCapsule_GetContext(capsule);
    if (owner) Py_DECREF(owner);
    else psy_beat_list_free(PyCapsule_GetPointer(capsule, "psyphys.beat_list"));
}

PyObject *ext_beats_dict(psy_beat_list *b, PyObject *owner)
{
    PyObject *list = PyCapsule_New(b, "psyphys.beat_list", free_list);
    if (!list) {
        if (!owner) psy_beat_list_free(b);
        return NULL;
    }
    if (owner && PyCapsule_SetContext(list, Py_NewRef(owner)) < 0) {
        Py_DECREF(owner);
        PyCapsule_SetDestructor(list, NULL);
        Py_DECREF(list);
        return NULL;
    }
    uint8_t *cls = PyMem_Malloc(b->n ? b->n : 1), *corr = PyMem_Malloc(b->n ? b->n : 1);
    PyObject *out = NULL;
    if (cls && corr) {
        for (size_t i = 0; i < b->n; i++) {
            cls[i] = (uint8_t)b->cls[i]; /* psyphys.BEAT_CLASSES names them */
            corr[i] = (uint8_t)psy_beat_interval_corrected(b->cls[i], i > 0, i > 0 ? b->cls[i - 1] : PSY_BEAT_NORMAL);
        }
        out = Py_BuildValue("{s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:n,s:n,s:O,s:i}", "sample",
                            ext_array_i64(b->sample, b->n), "onset", ext_array_f64(b->onset_s, b->n), "rr_ms",
                            ext_array_f64(b->rr_ms, b->n), "class", ext_array_u8(cls, b->n), "corrected",
                            ext_array_u8(corr, b->n), "amplitude", ext_array_f64(b->amplitude, b->n), "nn_onset",
                            ext_array_f64(b->nn_onset_s, b->n_nn), "nn_ms", ext_array_f64(b->nn_ms, b->n_nn),
                            "nn_corrected", ext_array_u8(b->nn_corrected, b->n_nn), "counts", counts_dict(&b->counts),
                            "n_searchback", (Py_ssize_t)b->n_searchback, "n_gaps", (Py_ssize_t)b->n_gaps, "list",
                            list, "pulses", b->pulses);
    } else {
        PyErr_NoMemory();
    }
    PyMem_Free(cls);
    PyMem_Free(corr);
    Py_DECREF(list);
    return out;
}

/* beats_sidecar(reader, input path or None, beats list capsule, ch, ch2=-1) -> the sidecar of
 * `psyphys beats PATH -o FILE` as text: provenance (psy_sidecar_new; without a path, none),
 * then the channel, settings, counts, gaps, columns and warnings (psy_sidecar_add_beats, or
 * psy_sidecar_add_pulses for a PPG channel's pulses). */
PyObject *ext_beats_sidecar(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *ro, *cap;
    const char *path;
    int chs[2] = {-1, -1};
    if (!PyArg_ParseTuple(args, "OzOi|i", &ro, &path, &cap, &chs[0], &chs[1])) return NULL;
    const psy_beat_list *b = PyCapsule_GetPointer(cap, "psyphys.beat_list");
    psy_reader *r = b ? ext_reader_acquire(ro) : NULL;
    if (!r) return NULL;
    const psy_channel_info *c = psy_reader_channel(r, chs[0]);
    psy_sidecar *sc = NULL;
    psy_message why = {{0}};
    psy_status st = !c ? PSY_E_INVALID : PSY_OK;
    Py_BEGIN_ALLOW_THREADS /* hashes the recording's files */
    if (st == PSY_OK) st = path ? psy_sidecar_new("beats", path, r, NULL, &sc, &why) : psy_sidecar_create(&sc);
    Py_END_ALLOW_THREADS
    if (st == PSY_OK && b->pulses) {
        psy_pulses_config pc = psy_pulses_config_default();
        pc.detector.rate_hz = c->rate_hz;
        st = psy_sidecar_add_pulses(sc, r, chs[0], &pc, b);
    } else if (st == PSY_OK) {
        psy_beats_config bc = psy_beats_config_default();
        bc.detector.rate_hz = c->rate_hz;
        st = psy_sidecar_add_beats(sc, r, chs, &bc, b);
    }
    ext_reader_release(ro);
    PyObject *out = st == PSY_OK ? ext_sidecar_text(sc) : ext_raise(st, &why, path);
    psy_sidecar_free(sc);
    return out;
}

/* The series as a dict: nn_ms, t, corrected, t_first, beats, n_corrected, counts (classes and
 * left_out), pcst_removed, channel, annotations, pulses (intervals of a PPG's pulses: the
 * series' of_pulses) and variability (then
 * psy_pulse_rate_variability_note, as the command's sidecar; else None); raises when nothing is
 * usable (psy_hrv_series_check). Frees s. */
static PyObject *series_dict(psy_hrv_series *s, psy_status st, const psy_message *why)
{
    psy_message short_why = {{0}};
    if (st == PSY_OK) st = psy_hrv_series_check(s, &short_why), why = &short_why;
    int pulses = s->of_pulses;
    PyObject *out = NULL, *counts = st == PSY_OK ? counts_dict(&s->counts) : NULL, *left = NULL;
    if (st != PSY_OK) ext_raise(st, why, NULL);
    else if (counts && (left = PyLong_FromSize_t(s->counts.nn_left_out)) &&
             PyDict_SetItemString(counts, "left_out", left) == 0)
        out = Py_BuildValue("{s:N,s:N,s:N,s:d,s:n,s:n,s:O,s:{s:n,s:n,s:n,s:n,s:n},s:i,s:i,s:N,s:z}", "nn_ms",
                            ext_array_f64(s->nn_ms, s->n), "t", ext_array_f64(s->t_s, s->n), "corrected",
                            ext_array_u8(s->corrected, s->n), "t_first", s->t_first_s, "beats",
                            (Py_ssize_t)s->beats, "n_corrected", (Py_ssize_t)s->n_corrected, "counts", counts,
                            "pcst_removed", "invalid", (Py_ssize_t)s->pcst.invalid, "gaps",
                            (Py_ssize_t)s->pcst.gaps, "changes", (Py_ssize_t)s->pcst.changes, "too_short",
                            (Py_ssize_t)s->pcst.too_short, "too_long", (Py_ssize_t)s->pcst.too_long, "channel",
                            s->channel, "annotations", s->annotations, "pulses", PyBool_FromLong(pulses),
                            "variability", pulses ? psy_pulse_rate_variability_note() : NULL);
    const char *classes = psy_hrv_series_classes(s);
    if (out && classes) {
        PyObject *text = PyUnicode_FromString(classes);
        if (!text || PyDict_SetItemString(out, "beat_classes", text) != 0) Py_CLEAR(out);
        Py_XDECREF(text);
    }
    Py_XDECREF(counts);
    Py_XDECREF(left);
    psy_hrv_series_free(s);
    return out;
}

static int correction_of(const char *name, psy_hrv_correction *c)
{
    if (psy_hrv_correction_parse(name, c) == PSY_OK) return 1;
    PyErr_Format(PyExc_ValueError, "correction is lipponen, pcst or none, not '%s'", name);
    return 0;
}

/* hrv_series_rr(rr_ms, t_s, correction) -> series dict (psy_hrv_series_from_rr). */
PyObject *ext_hrv_series_rr(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *ro, *to;
    const char *name;
    psy_hrv_correction c;
    if (!PyArg_ParseTuple(args, "OOs", &ro, &to, &name) || !correction_of(name, &c)) return NULL;
    PyArrayObject *rr, *t;
    Py_ssize_t n = ext_two_doubles(ro, to, "rr_ms", "t", &rr, &t);
    if (n < 0) return NULL;
    psy_hrv_series s;
    psy_message why = {{0}};
    psy_status st = psy_hrv_series_from_rr(PyArray_DATA(rr), PyArray_DATA(t), (size_t)n, c, &s, &why);
    Py_DECREF(rr);
    Py_DECREF(t);
    return series_dict(&s, st, &why);
}

/* hrv_series_beats(beats list capsule, correction) -> series dict (psy_hrv_series_from_beats). */
PyObject *ext_hrv_series_beats(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *cap;
    const char *name;
    psy_hrv_correction c;
    if (!PyArg_ParseTuple(args, "Os", &cap, &name) || !correction_of(name, &c)) return NULL;
    const psy_beat_list *b = PyCapsule_GetPointer(cap, "psyphys.beat_list");
    if (!b) return NULL;
    psy_hrv_series s;
    psy_message why = {{0}};
    psy_status st = psy_hrv_series_from_beats(b, c, &s, &why);
    return series_dict(&s, st, &why);
}

/* hrv_series_reader(reader, label or None, annotations -1|0|1, correction) -> series dict
 * (psy_hrv_series_from_reader: the choice of `psyphys hrv`; beats found without the GIL). */
PyObject *ext_hrv_series_reader(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *ro;
    const char *label, *name;
    int annotations;
    psy_hrv_correction c;
    if (!PyArg_ParseTuple(args, "Ozis", &ro, &label, &annotations, &name) || !correction_of(name, &c)) return NULL;
    psy_reader *r = ext_reader_acquire(ro);
    if (!r) return NULL;
    psy_hrv_series s;
    psy_message why = {{0}};
    psy_status st;
    Py_BEGIN_ALLOW_THREADS
    st = psy_hrv_series_from_reader(r, label, annotations, c, &s, &why);
    Py_END_ALLOW_THREADS
    ext_reader_release(ro);
    if (st == PSY_E_NOT_FOUND && !label)
        snprintf(why.text + strlen(why.text), sizeof why.text - strlen(why.text), "; name one with channel=LABEL");
    return series_dict(&s, st, &why);
}

/* hrv_windows(pcst, nn_ms, t_s, t_first, window_s, step_s, reader or None) -> [(onset, duration,
 * first, end, na_reason or None, recorded_pct or None), ...] (psy_hrv_windows_count,
 * psy_hrv_window_at, psy_hrv_window_na_reason_of the series; recorded_pct for a series with
 * gaps, of the recording or of the channel, as psyphys hrv's column). */
PyObject *ext_hrv_windows(PyObject *self, PyObject *args)
{
    (void)self;
    int pcst;
    PyObject *no, *to, *ro = Py_None;
    double t_first, window, step;
    if (!PyArg_ParseTuple(args, "pOOddd|O", &pcst, &no, &to, &t_first, &window, &step, &ro)) return NULL;
    psy_reader *r = NULL;
    if (ro != Py_None && !(r = ext_reader_acquire(ro))) return NULL;
    PyArrayObject *nn = NULL, *t = NULL;
    PyObject *list = NULL;
    Py_ssize_t len = ext_two_doubles(no, to, "nn_ms", "t", &nn, &t);
    if (len < 0) goto done;
    size_t n = (size_t)len, cursor = 0;
    if (n == 0) {
        PyErr_SetString(PyExc_ValueError, "nn_ms and t: at least one interval");
        goto done;
    }
    psy_hrv_window_rule rule = pcst ? PSY_HRV_WINDOWS_PCST : PSY_HRV_WINDOWS_STANDARD;
    const double *tv = PyArray_DATA(t);
    size_t rows = psy_hrv_windows_count(rule, t_first, tv[n - 1], window, step);
    const double *nv = PyArray_DATA(nn);
    int gapped = psy_hrv_windows_gapped(r, nv, tv, n, t_first);
    list = PyList_New((Py_ssize_t)rows);
    for (size_t k = 0; list && k < rows; k++) {
        psy_hrv_window w;
        psy_hrv_window_at(rule, PyArray_DATA(nn), tv, n, t_first, window, step, k, &cursor, &w);
        double recorded;
        const char *why = psy_hrv_window_na_reason_of(nv, tv, n, &w, &recorded);
        PyObject *row = Py_BuildValue("(ddnnzN)", w.onset_s, w.duration_s, (Py_ssize_t)w.first, (Py_ssize_t)w.end,
                                      why, gapped ? PyFloat_FromDouble(recorded) : Py_NewRef(Py_None));
        if (!row) Py_CLEAR(list);
        else PyList_SET_ITEM(list, (Py_ssize_t)k, row);
    }
done:
    if (r) ext_reader_release(ro);
    Py_XDECREF(nn);
    Py_XDECREF(t);
    return list;
}

/* ---- Hrv: an analyser with its settings ---- */

typedef struct {
    PyObject_HEAD
    psy_hrv *h;
    psy_hrv_config cfg;
} ext_hrv;

/* The settings a caller may change over a preset, by the names of psy_hrv_config. */
#define D(f) EXT_D(psy_hrv_config, f)
#define I(f) EXT_I(psy_hrv_config, f)
static const ext_field settings[] = {
    D(hist_bin_ms), I(pnn_per_interval), I(pnn_inclusive), I(successive_across_gaps), D(sdann_window_s),
    I(sdann_neurokit), D(min_geometric_s), I(spectra), I(ar_order), D(resample_hz), I(quadratic_spline),
    I(detrend), D(lambda), D(welch_segment_s), I(welch_segment_detrend), D(welch_overlap), I(welch_nfft_factor),
    I(band_trapz), I(band_closed), I(total_power_all_bands), D(lomb_oversampling), I(lomb_pcst), D(max_hz),
    I(nonlinear), I(sd2_from_sdnn), I(entropy_m), I(sampen_pcst), D(entropy_r_sd), I(dfa1_min), I(dfa1_max),
    I(dfa2_min), I(dfa2_max), I(dfa_overlap), D(dfa_min_variance), D(max_corrected_pct), I(keep_corrected)};
#undef D
#undef I
#define N_SETTINGS (sizeof settings / sizeof settings[0])

/* Hrv(preset="default", **settings): psy_hrv_config_preset, then each setting by name. */
static int hrv_init(ext_hrv *self, PyObject *args, PyObject *kw)
{
    const char *preset = "default";
    if (!PyArg_ParseTuple(args, "|s", &preset)) return -1;
    psy_status st = psy_hrv_config_preset(preset, &self->cfg);
    if (st != PSY_OK) {
        ext_raise(st, NULL, preset);
        return -1;
    }
    if (!ext_fields_set(&self->cfg, settings, N_SETTINGS, kw, "HRV")) return -1;
    psy_hrv_destroy(self->h);
    self->h = NULL;
    psy_message why = {{0}};
    st = psy_hrv_create(&self->cfg, &self->h, &why);
    if (st != PSY_OK) {
        ext_raise(st, &why, "HRV settings");
        return -1;
    }
    return 0;
}

static void hrv_dealloc(ext_hrv *self)
{
    psy_hrv_destroy(self->h);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* (values array, [reason or None per key]) */
static PyObject *values_tuple(const psy_hrv_values *v)
{
    PyObject *na = PyList_New(PSY_HRV_KEY_COUNT);
    for (int k = 0; na && k < PSY_HRV_KEY_COUNT; k++) {
        PyObject *s = v->na[k] ? PyUnicode_FromString(v->na[k]) : Py_NewRef(Py_None);
        if (!s) Py_CLEAR(na);
        else PyList_SET_ITEM(na, k, s);
    }
    if (!na) return NULL;
    return Py_BuildValue("(NN)", ext_array_f64(v->v, PSY_HRV_KEY_COUNT), na);
}

/* compute(nn_ms, t_s, corrected or None, na_reason=None) -> dict (psy_hrv_compute_flagged; a
 * window not analysed, psy_hrv_window_na_reason_of: every value n/a with that reason). */
static PyObject *hrv_compute(ext_hrv *self, PyObject *args)
{
    PyObject *no, *to, *co;
    const char *why = NULL; /* valid during the call: the result's reasons become strings before it returns */
    if (!PyArg_ParseTuple(args, "OOO|z", &no, &to, &co, &why)) return NULL;
    PyArrayObject *nn, *t, *c = NULL;
    Py_ssize_t len = ext_two_doubles(no, to, "nn_ms", "t", &nn, &t);
    if (len < 0) return NULL;
    PyObject *out = NULL;
    size_t n = (size_t)len, skipped = 0;
    if (co != Py_None) {
        c = (PyArrayObject *)PyArray_FROMANY(co, NPY_UINT8, 1, 1, NPY_ARRAY_IN_ARRAY);
        if (!c) goto done;
    }
    if (c && (size_t)PyArray_SIZE(c) != n) {
        PyErr_SetString(PyExc_ValueError, "nn_ms and corrected differ in length");
        goto done;
    }
    psy_hrv_result r;
    psy_status st;
    const double *nv = PyArray_DATA(nn), *tv = PyArray_DATA(t);
    const uint8_t *cv = c ? PyArray_DATA(c) : NULL;
    Py_BEGIN_ALLOW_THREADS
    st = psy_hrv_compute_flagged(self->h, nv, tv, cv, why ? 0 : n, &r, &skipped);
    Py_END_ALLOW_THREADS
    if (st != PSY_OK) {
        ext_raise(st, NULL, "HRV");
        goto done;
    }
    if (why) psy_hrv_result_set_na(&r, why);
    out = Py_BuildValue("{s:n,s:d,s:d,s:i,s:n,s:N,s:N,s:N,s:N}", "n_nn", (Py_ssize_t)r.n_nn, "duration_s",
                        r.duration_s, "nn_corrected_pct", r.nn_corrected_pct, "over_corrected", r.over_corrected,
                        "skipped", (Py_ssize_t)skipped, "values", values_tuple(&r.values), "welch",
                        values_tuple(&r.welch), "lomb", values_tuple(&r.lomb), "ar", values_tuple(&r.ar));
done:
    Py_XDECREF(nn);
    Py_XDECREF(t);
    Py_XDECREF(c);
    return out;
}

/* spectrum(method "welch"|"lomb"|"ar") -> (frequency_hz, psd_ms2_per_hz) of the last compute. */
static PyObject *hrv_spectrum(ext_hrv *self, PyObject *args)
{
    const char *m;
    if (!PyArg_ParseTuple(args, "s", &m)) return NULL;
    int method = strcmp(m, "welch") == 0 ? PSY_HRV_WELCH : strcmp(m, "lomb") == 0 ? PSY_HRV_LOMB
                                                        : strcmp(m, "ar") == 0     ? PSY_HRV_AR
                                                                                   : 0;
    if (!method) return ext_raise(PSY_E_INVALID, NULL, m);
    const double *f, *p;
    size_t n;
    psy_hrv_spectrum(self->h, method, &f, &p, &n);
    return Py_BuildValue("(NN)", ext_array_f64(f, n), ext_array_f64(p, n));
}

/* settings() -> dict of the settings in use (the band edges and minima too). */
static PyObject *hrv_settings(ext_hrv *self, PyObject *noargs)
{
    (void)noargs;
    PyObject *d = ext_fields_dict(&self->cfg, settings, N_SETTINGS);
    if (!d) return NULL;
    PyObject *bands = Py_BuildValue("[(dd)(dd)(dd)(dd)(dd)]", self->cfg.band_hz[0][0], self->cfg.band_hz[0][1],
                                    self->cfg.band_hz[1][0], self->cfg.band_hz[1][1], self->cfg.band_hz[2][0],
                                    self->cfg.band_hz[2][1], self->cfg.band_hz[3][0], self->cfg.band_hz[3][1],
                                    self->cfg.band_hz[4][0], self->cfg.band_hz[4][1]);
    if (!bands || PyDict_SetItemString(d, "band_hz", bands) < 0) Py_CLEAR(d);
    Py_XDECREF(bands);
    return d;
}

/* keys() -> [(name, is_frequency), ...] in psy_hrv_key order. */
static PyObject *hrv_keys(PyObject *cls, PyObject *noargs)
{
    (void)cls, (void)noargs;
    PyObject *list = PyList_New(PSY_HRV_KEY_COUNT);
    for (int k = 0; list && k < PSY_HRV_KEY_COUNT; k++) {
        PyObject *t = Py_BuildValue("(sN)", psy_hrv_key_name((psy_hrv_key)k),
                                    PyBool_FromLong(psy_hrv_key_is_frequency((psy_hrv_key)k)));
        if (!t) Py_CLEAR(list);
        else PyList_SET_ITEM(list, k, t);
    }
    return list;
}

static PyMethodDef hrv_methods[] = {
    {"compute", (PyCFunction)hrv_compute, METH_VARARGS, NULL},
    {"spectrum", (PyCFunction)hrv_spectrum, METH_VARARGS, NULL},
    {"settings", (PyCFunction)hrv_settings, METH_NOARGS, NULL},
    {"keys", (PyCFunction)hrv_keys, METH_NOARGS | METH_STATIC, NULL},
    {NULL, NULL, 0, NULL}};

PyTypeObject ext_hrv_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "psyphys._core.Hrv",
    .tp_basicsize = sizeof(ext_hrv),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Hrv(preset='default', **settings): an HRV analyser (psy_hrv).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)hrv_init,
    .tp_dealloc = (destructor)hrv_dealloc,
    .tp_methods = hrv_methods,
};

/* The beats table at path into *t (psy_beats_table_is, psy_beats_table_read): 1 read, 0 no beats
 * table, -1 an error raised. */
static int read_table(const char *path, psy_beats_table *t)
{
    psy_source *src = NULL;
    if (psy_source_open_path(path, &src) != PSY_OK || !psy_beats_table_is(src)) {
        psy_source_close(src);
        return 0;
    }
    psy_message why = {{0}};
    psy_status st = psy_beats_table_read(src, t, &why);
    psy_source_close(src);
    if (st != PSY_OK) return ext_raise(st, &why, path), -1;
    return 1;
}

/* read_beats_table(path) -> (onset_s, rr_ms, labels), labels a list of class names or None for a
 * table without labels; None when the file is no beats table (psy_beats_table_read). */
PyObject *ext_read_beats_table(PyObject *self, PyObject *args)
{
    (void)self;
    const char *path;
    psy_beats_table t;
    if (!PyArg_ParseTuple(args, "s", &path)) return NULL;
    int got = read_table(path, &t);
    if (got <= 0) return got ? NULL : Py_NewRef(Py_None);
    PyObject *labels = t.classes ? PyList_New((Py_ssize_t)t.n) : Py_NewRef(Py_None);
    for (size_t i = 0; labels && t.classes && i < t.n; i++) {
        PyObject *name = PyUnicode_FromString(psy_beat_class_name(t.classes[i]));
        if (!name) Py_CLEAR(labels);
        else PyList_SET_ITEM(labels, (Py_ssize_t)i, name);
    }
    PyObject *out = labels ? Py_BuildValue("(NNN)", ext_array_f64(t.onset_s, t.n), ext_array_f64(t.rr_ms, t.n), labels)
                           : NULL;
    psy_beats_table_free(&t);
    return out;
}

/* load_beat_times(path, fs, override_fs) -> onset_s, the beat times score-beats reads
 * (psy_beat_times_load). */
PyObject *ext_load_beat_times(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *path; /* str, bytes or os.PathLike, in the file system's encoding */
    int override = 0;
    psy_open_options o = psy_open_options_default();
    if (!PyArg_ParseTuple(args, "O&|dp", PyUnicode_FSConverter, &path, &o.sampling_rate_hz, &override)) return NULL;
    o.override_rate = override;
    psy_beat_times t;
    psy_message why = {{0}};
    psy_status st;
    Py_BEGIN_ALLOW_THREADS /* reads the whole file */
    st = psy_beat_times_load(PyBytes_AS_STRING(path), &o, &t, &why);
    Py_END_ALLOW_THREADS
    PyObject *out = st == PSY_OK ? ext_array_f64(t.onset_s, t.n) : ext_raise(st, &why, PyBytes_AS_STRING(path));
    psy_beat_times_free(&t);
    Py_DECREF(path);
    return out;
}

/* hrv_series_table(path, correction) -> series dict (psy_hrv_series_from_table: the table's
 * labels honoured), or None when the file is no beats table. */
PyObject *ext_hrv_series_table(PyObject *self, PyObject *args)
{
    (void)self;
    const char *path, *name;
    psy_hrv_correction c;
    psy_beats_table t;
    if (!PyArg_ParseTuple(args, "ss", &path, &name) || !correction_of(name, &c)) return NULL;
    int got = read_table(path, &t);
    if (got <= 0) return got ? NULL : Py_NewRef(Py_None);
    psy_hrv_series s;
    psy_message why = {{0}};
    psy_status st = psy_hrv_series_from_table(&t, c, &s, &why);
    psy_beats_table_free(&t);
    return series_dict(&s, st, &why);
}
