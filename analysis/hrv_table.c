/* The HRV table of `psyphys hrv` (psyphys/hrv_table.h): its rows as TSV or JSON, the n/a cells
 * counted per column and reason, and the spectra of the last analysis. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/hrv_table.h"
#include "sidecar_internal.h"

/* The spectra asked, in output order (Welch, Lomb, AR). */
static const struct {
    int flag;
    const char *name;
} spectra_names[] = {{PSY_HRV_WELCH, "welch"}, {PSY_HRV_LOMB, "lomb"}, {PSY_HRV_AR, "ar"}};

static const psy_hrv_values *spectrum_values(const psy_hrv_result *r, int flag)
{
    return flag == PSY_HRV_WELCH ? &r->welch : flag == PSY_HRV_LOMB ? &r->lomb : &r->ar;
}

static int n_spectra(int spectra)
{
    return !!(spectra & PSY_HRV_WELCH) + !!(spectra & PSY_HRV_LOMB) + !!(spectra & PSY_HRV_AR);
}

/* A number or JSON null / "n/a". */
static void put_tsv(FILE *fp, double v)
{
    if (isnan(v)) fprintf(fp, "\tn/a");
    else fprintf(fp, "\t%.10g", v);
}

/* The first spectrum's frequency keys are plain columns, the others' are prefixed (lomb_, ar_). */
static void write_tsv_header(FILE *fp, int spectra, int recorded)
{
    fprintf(fp, "onset\tduration\tn_nn\tnn_corrected_pct");
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) fprintf(fp, "\t%s", psy_hrv_key_name((psy_hrv_key)k));
    int seen = 0;
    for (int q = 0; q < 3; q++) {
        if (!(spectra & spectra_names[q].flag) || !seen++) continue;
        for (int k = PSY_HRV_FIRST_FREQ_KEY; k <= PSY_HRV_LAST_FREQ_KEY; k++)
            fprintf(fp, "\t%s_%s", spectra_names[q].name, psy_hrv_key_name((psy_hrv_key)k));
    }
    fprintf(fp, recorded ? "\trecorded_pct\n" : "\n");
}

/* recorded: the recorded_pct column, its value recorded_pct (NaN: n/a). */
static void write_tsv_row(FILE *fp, double onset, double duration, const psy_hrv_result *r, int spectra,
                          int recorded, double recorded_pct)
{
    fprintf(fp, "%.6f\t%.6f\t%zu", onset, duration, r->n_nn);
    put_tsv(fp, r->nn_corrected_pct);
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) put_tsv(fp, r->values.v[k]);
    int seen = 0;
    for (int q = 0; q < 3; q++) {
        if (!(spectra & spectra_names[q].flag) || !seen++) continue;
        const psy_hrv_values *v = spectrum_values(r, spectra_names[q].flag);
        for (int k = PSY_HRV_FIRST_FREQ_KEY; k <= PSY_HRV_LAST_FREQ_KEY; k++) put_tsv(fp, v->v[k]);
    }
    if (recorded && isnan(recorded_pct)) fputs("\tn/a", fp);
    else if (recorded) fprintf(fp, "\t%.2f", recorded_pct);
    fprintf(fp, "\n");
}

static json_t *row_json(double onset, double duration, const psy_hrv_result *r, int spectra, int recorded,
                        double recorded_pct)
{
    json_t *o = json_pack("{s:f,s:f,s:I,s:o}", "onset", onset, "duration", duration, "n_nn",
                          (json_int_t)r->n_nn, "nn_corrected_pct", psy_json_number(r->nn_corrected_pct));
    if (recorded) json_object_set_new(o, "recorded_pct", psy_json_number(floor(recorded_pct * 100 + 0.5) / 100));
    int nest = n_spectra(spectra) > 1;
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++)
        if (!nest || !psy_hrv_key_is_frequency((psy_hrv_key)k))
            json_object_set_new(o, psy_hrv_key_name((psy_hrv_key)k), psy_json_number(r->values.v[k]));
    for (int q = 0; nest && q < 3; q++) {
        if (!(spectra & spectra_names[q].flag)) continue;
        const psy_hrv_values *v = spectrum_values(r, spectra_names[q].flag);
        json_t *sj = json_object();
        for (int k = PSY_HRV_FIRST_FREQ_KEY; k <= PSY_HRV_LAST_FREQ_KEY; k++)
            json_object_set_new(sj, psy_hrv_key_name((psy_hrv_key)k), psy_json_number(v->v[k]));
        json_object_set_new(o, spectra_names[q].name, sj);
    }
    /* why each null is null, in the row itself (the sidecar counts them over the rows) */
    json_t *na = json_object();
    int seen = 0;
    for (int q = -1; q < 3; q++) {
        if (q >= 0 && (!(spectra & spectra_names[q].flag) || !seen++)) continue;
        const psy_hrv_values *v = q < 0 ? &r->values : spectrum_values(r, spectra_names[q].flag);
        for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) {
            if (!v->na[k] || (q >= 0 && !psy_hrv_key_is_frequency((psy_hrv_key)k))) continue;
            char key[64];
            snprintf(key, sizeof key, "%s%s%s", q >= 0 ? spectra_names[q].name : "", q >= 0 ? "_" : "",
                     psy_hrv_key_name((psy_hrv_key)k));
            json_object_set_new(na, key, json_string(v->na[k]));
        }
    }
    json_object_set_new(o, "na_reasons", na);
    return o;
}

/* Adds a row's n/a reasons to o: {"key": {"reason": windows}}; the frequency keys of every
 * spectrum but the first are prefixed (lomb_, ar_) as in the TSV. */
static void add_reasons(json_t *o, const psy_hrv_values *v, const char *prefix, int freq_only)
{
    for (int k = 0; k < PSY_HRV_KEY_COUNT; k++) {
        if (!v->na[k] || (freq_only && !psy_hrv_key_is_frequency((psy_hrv_key)k))) continue;
        char key[64];
        snprintf(key, sizeof key, "%s%s", prefix, psy_hrv_key_name((psy_hrv_key)k));
        json_t *e = json_object_get(o, key);
        if (!e) json_object_set_new(o, key, e = json_object());
        json_t *c = json_object_get(e, v->na[k]);
        json_object_set_new(e, v->na[k], json_integer(c ? json_integer_value(c) + 1 : 1));
    }
}

static void na_add(json_t *o, const psy_hrv_result *r, int spectra)
{
    add_reasons(o, &r->values, "", 0);
    int seen = 0;
    for (int q = 0; q < 3; q++) {
        if (!(spectra & spectra_names[q].flag) || !seen++) continue;
        char prefix[16];
        snprintf(prefix, sizeof prefix, "%s_", spectra_names[q].name);
        add_reasons(o, spectrum_values(r, spectra_names[q].flag), prefix, 1);
    }
}

struct psy_hrv_table {
    FILE *fp;
    psy_hrv_table_format format;
    int spectra, ended, recorded; /* recorded: the recorded_pct column */
    size_t rows;
    json_t *na; /* {"column": {"reason": rows}} */
};

static psy_status begin(FILE *fp, psy_hrv_table_format format, int spectra, int recorded, psy_hrv_table **out)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!fp || !(spectra & (PSY_HRV_WELCH | PSY_HRV_LOMB | PSY_HRV_AR)) ||
        (format != PSY_HRV_TABLE_TSV && format != PSY_HRV_TABLE_JSON))
        return PSY_E_INVALID;
    psy_hrv_table *t = calloc(1, sizeof *t);
    if (!t || !(t->na = json_object())) {
        free(t);
        return PSY_E_NOMEM;
    }
    t->fp = fp, t->format = format, t->spectra = spectra, t->recorded = recorded;
    if (format == PSY_HRV_TABLE_JSON) fprintf(fp, "{\n \"windows\": [\n");
    else write_tsv_header(fp, spectra, recorded);
    *out = t;
    return ferror(fp) ? PSY_E_IO : PSY_OK;
}

psy_status psy_hrv_table_begin(FILE *fp, psy_hrv_table_format format, int spectra, psy_hrv_table **out)
{
    return begin(fp, format, spectra, 0, out);
}

psy_status psy_hrv_table_begin_recorded(FILE *fp, psy_hrv_table_format format, int spectra, psy_hrv_table **out)
{
    return begin(fp, format, spectra, 1, out);
}

psy_status psy_hrv_table_row(psy_hrv_table *t, double onset_s, double duration_s, const psy_hrv_result *r)
{
    return psy_hrv_table_row_recorded(t, onset_s, duration_s, 100, r);
}

psy_status psy_hrv_table_row_recorded(psy_hrv_table *t, double onset_s, double duration_s, double recorded_pct,
                                      const psy_hrv_result *r)
{
    if (!t || !r || t->ended) return PSY_E_INVALID;
    na_add(t->na, r, t->spectra);
    if (t->format == PSY_HRV_TABLE_JSON) {
        json_t *o = row_json(onset_s, duration_s, r, t->spectra, t->recorded, recorded_pct);
        if (!o) return PSY_E_NOMEM;
        /* the separator before each row but the first: rows are written as they come */
        fprintf(t->fp, t->rows ? ",\n  " : "  ");
        json_dumpf(o, t->fp, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
        json_decref(o);
    } else {
        write_tsv_row(t->fp, onset_s, duration_s, r, t->spectra, t->recorded, recorded_pct);
    }
    t->rows++;
    return ferror(t->fp) ? PSY_E_IO : PSY_OK;
}

psy_status psy_hrv_table_end(psy_hrv_table *t)
{
    if (!t || t->ended) return PSY_E_INVALID;
    t->ended = 1;
    if (t->format == PSY_HRV_TABLE_JSON) fprintf(t->fp, t->rows ? "\n ]\n}\n" : " ]\n}\n");
    return ferror(t->fp) ? PSY_E_IO : PSY_OK;
}

size_t psy_hrv_table_rows(const psy_hrv_table *t)
{
    return t ? t->rows : 0;
}

psy_status psy_hrv_table_set_na_reasons(const psy_hrv_table *t, psy_sidecar *sc, const char *key)
{
    if (!t || !sc || !key) return PSY_E_INVALID;
    return psy_sidecar_set_new(sc, key, json_deep_copy(t->na));
}

void psy_hrv_table_free(psy_hrv_table *t)
{
    if (!t) return;
    json_decref(t->na);
    free(t);
}

psy_status psy_hrv_write_spectra(FILE *fp, const psy_hrv *h)
{
    if (!fp || !h) return PSY_E_INVALID;
    fprintf(fp, "method\tfrequency_hz\tpsd_ms2_per_hz\n");
    static const struct {
        int method;
        const char *name;
    } m[] = {{PSY_HRV_WELCH, "welch"}, {PSY_HRV_LOMB, "lomb"}, {PSY_HRV_AR, "ar"}};
    for (int k = 0; k < 3; k++) {
        const double *f, *p;
        size_t n;
        psy_hrv_spectrum(h, m[k].method, &f, &p, &n);
        for (size_t i = 0; i < n; i++) fprintf(fp, "%s\t%.8g\t%.8g\n", m[k].name, f[i], p[i]);
    }
    return ferror(fp) ? PSY_E_IO : PSY_OK;
}
