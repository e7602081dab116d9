/* Skin conductance (psyphys/eda.h) and the session analysis (psyphys/session.h) for
 * psyphys._core. */
#include "ext.h"

#include <stddef.h>
#include <stdio.h>

/* The EDA settings a caller may change, by the names of psy_eda_config (all doubles). */
#define D(f) EXT_D(psy_eda_config, f)
static const ext_field eda_settings[] = {
    D(lowpass_hz), D(analysis_rate_hz), D(min_us), D(max_us), D(max_slope_us_per_s), D(flat_s), D(spike_max_s),
    D(drop_fraction), D(artifact_radius_s), D(highpass_hz), D(min_amplitude_us), D(noise_factor),
    D(relative_amplitude), D(hysteresis_us), D(min_rise_s), D(max_rise_s), D(recovery_max_s), D(baseline_s),
    D(tau1_s), D(tau2_s), D(smooth_s), D(tonic_grid_s), D(tonic_quantile)};
#undef D
#define N_EDA_SETTINGS (sizeof eda_settings / sizeof eda_settings[0])

/* A span's count, or None when nothing of the span was observed (psyphys/eda.h). */
static PyObject *count_or_none(const psy_eda_summary *s, size_t count)
{
    if (s->valid_s > 0) return PyLong_FromSize_t(count);
    Py_INCREF(Py_None);
    return Py_None;
}

static PyObject *summary_dict(const psy_eda_summary *s)
{
    return Py_BuildValue("{s:d,s:d,s:d,s:d,s:N,s:N,s:N,s:N,s:N,s:N,s:N,s:z}", "start_s", s->start_s, "end_s",
                         s->end_s, "valid_s", s->valid_s, "excluded_s", s->excluded_s, "scl_us", ext_float_or_none(s->scl_us), "scr_count", count_or_none(s, s->scr_count), "ns_scr_count", count_or_none(s, s->ns_scr_count),
                         "ns_scr_per_min", ext_float_or_none(s->ns_scr_per_min), "scr_amplitude_mean_us",
                         ext_float_or_none(s->scr_amplitude_mean_us), "scr_amplitude_sum_us", ext_float_or_none(s->scr_amplitude_sum_us), "phasic_driver_area_us_s", ext_float_or_none(s->phasic_driver_area_us_s), "ns_scr_per_min_na", s->ns_scr_per_min_na);
}

/* The SCRs as columns, the 1 s tonic level, the result's summary, artefacts and noise. */
static PyObject *result_dict(const psy_eda_result *r)
{
    size_t n = r->n;
    PyObject *cols[5] = {0};
    npy_intp dim = (npy_intp)n;
    for (int k = 0; k < 5; k++) {
        cols[k] = PyArray_SimpleNew(1, &dim, NPY_DOUBLE);
        if (!cols[k]) goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        const psy_eda_scr *s = &r->scr[i];
        double v[5] = {s->onset_s, s->peak_s, s->amplitude_us, s->rise_time_s, s->half_recovery_s};
        for (int k = 0; k < 5; k++) ((double *)PyArray_DATA((PyArrayObject *)cols[k]))[i] = v[k];
    }
    const psy_eda_artifacts *a = &r->artifacts;
    const psy_eda_noise *z = &r->noise;
    return Py_BuildValue(
        "{s:s,s:d,s:d,s:d,s:{s:N,s:N,s:N,s:N,s:N},s:N,s:N,s:N,s:N,s:N,s:s,"
        "s:{s:L,s:L,s:L,s:L,s:L,s:L,s:L,s:L,s:L,s:L,s:L},s:{s:N,s:N,s:N,s:N,s:d},s:{s:d,s:d,s:d}}",
        "method", psy_eda_method_name(r->method), "analysis_rate_hz", r->analysis_rate_hz, "duration_s", r->duration_s,
        "valid_s", r->valid_s, "scr", "onset", cols[0], "peak_onset", cols[1], "amplitude_us", cols[2], "rise_time_s",
        cols[3], "half_recovery_s", cols[4], "tonic_1hz_us", ext_array_f64(r->tonic_1hz_us, r->n_tonic), "scl_us",
        ext_float_or_none(r->scl_us), "scr_amplitude_mean_us", ext_float_or_none(r->scr_amplitude_mean_us),
        "scr_amplitude_sum_us", ext_float_or_none(r->scr_amplitude_sum_us), "phasic_driver_area_us_s",
        ext_float_or_none(r->phasic_driver_area_us_s), "why_na", r->why_na, "artifacts", "total", (long long)a->total,
        "missing", (long long)a->missing, "out_of_range", (long long)a->out_of_range, "slope", (long long)a->slope,
        "flat", (long long)a->flat, "below_min", (long long)a->below_min, "above_max", (long long)a->above_max, "drop",
        (long long)a->drop, "near", (long long)a->near, "spike", (long long)a->spike, "excluded", (long long)psy_eda_artifacts_excluded(a), "noise", "noise_us",
        ext_float_or_none(z->noise_us), "noise_max_us", ext_float_or_none(z->noise_max_us), "criterion_us",
        ext_float_or_none(z->criterion_us), "criterion_max_us", ext_float_or_none(z->criterion_max_us),
        "criterion_raised_s", z->raised_s, "signal_us", "min", r->signal_min_us, "max", r->signal_max_us, "median",
        r->signal_median_us);
fail:
    for (int k = 0; k < 5; k++) Py_XDECREF(cols[k]);
    return NULL;
}

/* eda(reader, ch, method "fast"|"deconv", latency_min_s, latency_max_s, **settings) -> dict: the
 * result (psy_eda_analyze), the response to every event of the reader and the summary of every
 * event with a duration and of the whole channel (psy_eda_events_of). */
PyObject *ext_eda(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    PyObject *ro;
    int ch;
    const char *m = "fast";
    double lat_min = 1, lat_max = 4;
    if (!PyArg_ParseTuple(args, "Oi|sdd", &ro, &ch, &m, &lat_min, &lat_max)) return NULL;
    psy_reader *r = ext_reader_of(ro);
    if (!r) return NULL;
    const psy_channel_info *c = psy_reader_channel(r, ch);
    if (!c) return ext_raise(PSY_E_INVALID, NULL, "no such channel");
    psy_eda_method method = strcmp(m, "deconv") == 0 ? PSY_EDA_DECONV : PSY_EDA_FAST;
    if (strcmp(m, "fast") != 0 && method != PSY_EDA_DECONV) return ext_raise(PSY_E_INVALID, NULL, m);
    psy_eda_config cfg = psy_eda_config_default(c->rate_hz > 0 ? c->rate_hz : 1);
    if (!ext_fields_set(&cfg, eda_settings, N_EDA_SETTINGS, kw, "EDA")) return NULL;
    psy_message why = {{0}};
    psy_status st = psy_eda_config_check(&cfg, &why);
    if (st == PSY_OK && !(lat_min <= lat_max)) {
        st = PSY_E_INVALID;
        snprintf(why.text, sizeof why.text, "latency %g,%g: the first must not exceed the second", lat_min, lat_max);
    }
    if (st != PSY_OK) return ext_raise(st, &why, "EDA settings");
    psy_eda_result *res = NULL;
    if (!ext_reader_acquire(ro)) return NULL;
    Py_BEGIN_ALLOW_THREADS
    st = psy_eda_analyze(r, ch, &cfg, method, &res, &why);
    Py_END_ALLOW_THREADS
    if (st != PSY_OK) ext_raise(st, &why, c->label);
    ext_reader_release(ro);
    if (st != PSY_OK) return NULL;
    psy_eda_events ev;
    PyObject *out = NULL, *epochs = NULL, *segments = NULL;
    if (psy_eda_events_of(res, r, lat_min, lat_max, &ev) != PSY_OK) {
        PyErr_NoMemory();
        goto done;
    }
    epochs = PyList_New(0), segments = PyList_New(0);
    for (size_t i = 0; epochs && i < ev.n_events; i++) {
        const psy_eda_event_response *p = &ev.epochs[i];
        if (!ev.has_epoch[i]) continue; /* skipped as analyze skips it, or no session event */
        PyObject *row = Py_BuildValue("(sdNdNNNN)", psy_reader_event(r, i)->label, p->event_s,
                                      ext_float_or_none(p->na_reason ? NAN : p->found), p->amplitude_us, ext_float_or_none(p->found ? p->latency_s : NAN),
                                      ext_float_or_none(p->found ? p->rise_time_s : NAN),
                                      ext_float_or_none(p->found ? p->peak_s : NAN), ext_float_or_none(p->scl_us));
        if (!row || PyList_Append(epochs, row) < 0) Py_CLEAR(epochs);
        Py_XDECREF(row);
    }
    for (size_t k = 0; segments && k < ev.n_segments; k++) {
        const psy_event *e = psy_reader_event(r, ev.segment_event[k]);
        PyObject *row = Py_BuildValue("(sddN)", e->label, e->onset_s, e->duration_s, summary_dict(&ev.segments[k]));
        if (!row || PyList_Append(segments, row) < 0) Py_CLEAR(segments);
        Py_XDECREF(row);
    }
    if (!epochs || !segments) goto done;
    out = result_dict(res);
    PyObject *settings = ext_fields_dict(&res->config, eda_settings, N_EDA_SETTINGS); /* as applied */
    if (out) {
        PyObject *w = summary_dict(&ev.whole);
        if (!w || !settings || PyDict_SetItemString(out, "whole", w) < 0 ||
            PyDict_SetItemString(out, "epochs", epochs) < 0 || PyDict_SetItemString(out, "segments", segments) < 0 ||
            PyDict_SetItemString(out, "settings", settings) < 0)
            Py_CLEAR(out);
        Py_XDECREF(w);
    }
    Py_XDECREF(settings);
done:
    Py_XDECREF(epochs);
    Py_XDECREF(segments);
    psy_eda_events_free(&ev);
    psy_eda_result_free(res);
    return out;
}

/* ---- Session: psy_session_run over a Reader ---- */

typedef struct {
    PyObject_HEAD
    psy_session *s;
    PyObject *reader; /* the Reader, kept open while the session is used */
} ext_session;

static int rule_of(const char *name, psy_segment_rule *out)
{
    if (strcmp(name, "events") == 0) *out = PSY_SEGMENTS_EVENTS;
    else if (strcmp(name, "markers") == 0) *out = PSY_SEGMENTS_MARKERS;
    else if (strcmp(name, "windows") == 0) *out = PSY_SEGMENTS_WINDOWS;
    else return 0;
    return 1;
}

/* Session(reader, ecg=None, eda=None, rsp=None, hr=None, segments="events", window_s=0,
 * step_s=0, epoch_labels=None, pre_s, post_s, latency_min_s, latency_max_s, eda_method="fast",
 * hrv_window_s, hrv_step_s, max_corrected_pct, keep_corrected=False); defaults: the library's. */
static int session_init(ext_session *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"reader", "ecg", "eda", "rsp", "hr", "segments", "window_s", "step_s", "epoch_labels",
                            "pre_s", "post_s", "latency_min_s", "latency_max_s", "eda_method", "hrv_window_s",
                            "hrv_step_s", "max_corrected_pct", "keep_corrected", NULL};
    psy_session_config c = psy_session_config_default();
    PyObject *ro, *labels = Py_None;
    const char *rule = "events", *method = "fast";
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|zzzzsddOddddsdddp", names, &ro, &c.ecg, &c.eda, &c.rsp, &c.hr, &rule,
                                     &c.window_s, &c.step_s, &labels, &c.pre_s, &c.post_s, &c.latency_min_s,
                                     &c.latency_max_s, &method, &c.hrv_window_s, &c.hrv_step_s, &c.max_corrected_pct,
                                     &c.keep_corrected))
        return -1;
    psy_reader *r = ext_reader_of(ro);
    if (!r) return -1;
    if (!rule_of(rule, &c.rule)) {
        ext_raise(PSY_E_INVALID, NULL, "segments is events, markers or windows");
        return -1;
    }
    if (strcmp(method, "fast") != 0 && strcmp(method, "deconv") != 0) {
        ext_raise(PSY_E_INVALID, NULL, "eda_method is fast or deconv");
        return -1;
    }
    c.eda_method = strcmp(method, "deconv") == 0 ? PSY_EDA_DECONV : PSY_EDA_FAST;
    PyObject *seq = labels == Py_None ? NULL : PySequence_Fast(labels, "epoch_labels: a list of labels");
    if (labels != Py_None && !seq) return -1;
    Py_ssize_t nl = seq ? PySequence_Fast_GET_SIZE(seq) : 0;
    const char **lv = PyMem_Calloc((size_t)nl + 1, sizeof *lv);
    int ok = lv != NULL;
    for (Py_ssize_t i = 0; ok && i < nl; i++) ok = (lv[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i))) != NULL;
    ext_reader *er = (ext_reader *)ro;
    const char *paths[4];
    for (int i = 0; i < er->n_events_files; i++) paths[i] = er->events_path[i];
    c.epoch_labels = nl ? lv : NULL, c.n_epoch_labels = (size_t)nl;
    c.events_files = er->events_info, c.events_paths = paths, c.n_events_files = (size_t)er->n_events_files;
    psy_message why = {{0}};
    psy_status st = PSY_OK;
    psy_session_free(self->s);
    self->s = NULL;
    if (ok && (ok = ext_reader_acquire(ro) != NULL)) {
        Py_BEGIN_ALLOW_THREADS
        st = psy_session_run(r, &c, &self->s, &why);
        Py_END_ALLOW_THREADS
        ext_reader_release(ro);
    }
    PyMem_Free(lv);
    Py_XDECREF(seq);
    if (!ok) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        return -1;
    }
    if (st != PSY_OK) {
        ext_raise(st, &why, NULL);
        return -1;
    }
    Py_XSETREF(self->reader, Py_NewRef(ro));
    return 0;
}

static void session_dealloc(ext_session *self)
{
    psy_session_free(self->s);
    Py_XDECREF(self->reader);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int table_of(const char *name, psy_session_table *out)
{
    for (int t = 0; t < PSY_TABLE_COUNT; t++)
        if (strcmp(psy_session_table_name((psy_session_table)t), name) == 0) {
            *out = (psy_session_table)t;
            return 1;
        }
    return 0;
}

/* table(name, base sidecar=None) -> (TSV text, [(column, reason, rows), ...], sidecar text or
 * None) or None when the run has no such table (psy_session_write_table,
 * psy_session_write_sidecar: the CLI's tables, byte for byte, and their sidecars). */
static PyObject *s_table(ext_session *self, PyObject *args)
{
    const char *name;
    PyObject *base_cap = Py_None;
    if (!PyArg_ParseTuple(args, "s|O", &name, &base_cap)) return NULL;
    const psy_sidecar *base = base_cap == Py_None ? NULL : PyCapsule_GetPointer(base_cap, "psyphys.sidecar");
    psy_session_table t;
    if (base_cap != Py_None && !base) return NULL;
    if (!self->s) return ext_raise(PSY_E_INVALID, NULL, "no session");
    if (!ext_reader_of(self->reader)) return NULL; /* its epochs point into the reader's events */
    if (!table_of(name, &t)) return ext_raise(PSY_E_INVALID, NULL, name);
    if (!psy_session_has_table(self->s, t)) Py_RETURN_NONE;
    ext_text tsv, side;
    psy_na_reasons na = {0};
    psy_status st = ext_text_open(&tsv);
    if (st == PSY_OK) st = ext_text_close(&tsv, psy_session_write_table(self->s, t, tsv.fp, &na));
    PyObject *out = NULL, *side_text = Py_NewRef(Py_None);
    if (st == PSY_OK && base && (st = ext_text_open(&side)) == PSY_OK) {
        st = ext_text_close(&side, psy_session_write_sidecar(self->s, base, t, &na, side.fp));
        if (st == PSY_OK) Py_SETREF(side_text, ext_text_take(&side));
    }
    if (st != PSY_OK) {
        ext_raise(st, NULL, name);
    } else if (side_text) {
        PyObject *reasons = PyList_New((Py_ssize_t)na.n);
        for (size_t i = 0; reasons && i < na.n; i++) {
            PyObject *row = Py_BuildValue("(ssn)", na.v[i].column, na.v[i].reason, (Py_ssize_t)na.v[i].rows);
            if (!row) Py_CLEAR(reasons);
            else PyList_SET_ITEM(reasons, (Py_ssize_t)i, row);
        }
        if (reasons) out = Py_BuildValue("(NNO)", ext_text_take(&tsv), reasons, side_text);
    }
    Py_XDECREF(side_text);
    ext_text_free(&tsv);
    psy_na_reasons_free(&na);
    return out;
}

static void free_sidecar(PyObject *capsule)
{
    psy_sidecar_free(PyCapsule_GetPointer(capsule, "psyphys.sidecar"));
}

/* sidecar(input path) -> (capsule of the base sidecar for table(), its text): the part every
 * table's sidecar shares (psy_session_sidecar: the input's SHA-256, every setting, the warnings,
 * the skipped events). */
static PyObject *s_sidecar(ext_session *self, PyObject *args)
{
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path)) return NULL;
    if (!self->s) return ext_raise(PSY_E_INVALID, NULL, "no session");
    if (!ext_reader_of(self->reader)) return NULL;
    psy_sidecar *base = NULL;
    psy_message why = {{0}};
    psy_status st;
    Py_BEGIN_ALLOW_THREADS /* hashes the recording's files */
    st = psy_session_sidecar(self->s, "analyze", path, NULL, NULL, &base, &why);
    Py_END_ALLOW_THREADS
    if (st != PSY_OK) return ext_raise(st, &why, path);
    PyObject *cap = PyCapsule_New(base, "psyphys.sidecar", free_sidecar), *text = NULL;
    if (!cap) psy_sidecar_free(base);
    else text = ext_sidecar_text(base);
    return text ? Py_BuildValue("(NN)", cap, text) : (Py_XDECREF(cap), NULL);
}

static PyObject *str_list(const char *const *v, size_t n)
{
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        PyObject *s = PyUnicode_DecodeUTF8(v[i], (Py_ssize_t)strlen(v[i]), "replace");
        if (!s) Py_CLEAR(list);
        else PyList_SET_ITEM(list, (Py_ssize_t)i, s);
    }
    return list;
}

/* results() -> dict: the channels used, warnings, skipped events, the beats (or None). */
static PyObject *s_results(ext_session *self, PyObject *noargs)
{
    (void)noargs;
    if (!self->s) return ext_raise(PSY_E_INVALID, NULL, "no session");
    if (!ext_reader_of(self->reader)) return NULL;
    const psy_session_results *res = psy_session_results_of(self->s);
    PyObject *skipped = PyList_New((Py_ssize_t)res->n_skipped);
    for (size_t i = 0; skipped && i < res->n_skipped; i++) {
        const psy_session_skipped *k = &res->skipped[i];
        PyObject *row = Py_BuildValue("(sNss)", k->label, ext_float_or_none(k->onset_s), k->source, k->reason);
        if (!row) Py_CLEAR(skipped);
        else PyList_SET_ITEM(skipped, (Py_ssize_t)i, row);
    }
    PyObject *beats = res->beats ? ext_beats_dict((psy_beat_list *)res->beats, (PyObject *)self) : Py_NewRef(Py_None);
    return Py_BuildValue("{s:i,s:i,s:i,s:i,s:N,s:N,s:N,s:n,s:n,s:n}", "ecg", res->ecg, "eda", res->eda, "rsp",
                         res->rsp, "hr", res->hr, "warnings", str_list(res->warnings, res->n_warnings), "skipped",
                         skipped, "beats", beats, "n_scr", (Py_ssize_t)(res->scr ? res->scr->n : 0), "n_breaths",
                         (Py_ssize_t)res->n_breaths, "n_epochs", (Py_ssize_t)res->n_epochs);
}

static PyMethodDef session_methods[] = {
    {"table", (PyCFunction)s_table, METH_VARARGS, NULL},
    {"sidecar", (PyCFunction)s_sidecar, METH_VARARGS, NULL},
    {"results", (PyCFunction)s_results, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL}};

PyTypeObject ext_session_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "psyphys._core.Session",
    .tp_basicsize = sizeof(ext_session),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Session(reader, **settings): the session analysis of a recording (psy_session_run).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)session_init,
    .tp_dealloc = (destructor)session_dealloc,
    .tp_methods = session_methods,
};
