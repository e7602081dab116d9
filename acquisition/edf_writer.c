/* EDF+C / BDF+C output through EDFlib, every channel at its own rate.
 *
 * Each EDFlib call is made under psy_edflib_lock() (EDFlib keeps a global handle table), but
 * never while reading the input: the input may itself be an EDF read through EDFlib.
 * Samples are converted to digital values here (not by EDFlib) so that NaN and gaps get the
 * lowest digital value, which no real sample uses: real samples map to [dmin + 1, dmax] and the
 * header's physical minimum sits one step below the data. */
#include <edflib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edf_header.h" /* EDF_TYPE_MARK */
#include "edf_writer.h"
#include "edflib_lock.h"
#include "reader_impl.h"
#include "reference_marks.h"
#include "writer_impl.h"

enum {
    BATCH_SAMPLES = 1 << 15, /* samples per channel read at a time (at least one record) */
    MAX_NAN_NOTES = 1000,    /* "psyphys: NaN" annotations at most */
    ANNOT_TEXT_MAX = 40,     /* EDFlib 1.23 cuts written annotation texts at 40 bytes */
    ANNOT_SIGNALS_MAX = 64   /* edf_set_number_of_annotation_signals limit */
};

typedef struct edf_chan {
    const psy_channel_info *info;
    int count;                /* samples per data record */
    double pmin, pmax;        /* header physical range (exactly representable in 8 chars) */
    double *buf;
    int *dig;
    int64_t nan_start;        /* output index where the current NaN run began, or -1 */
    int64_t clipped;
} edf_chan;

typedef struct edf_out {
    psy_write_job *job;
    int handle, bdf, dmin, dmax;
    edf_chan *ch;
    int64_t records, annot_capacity, annots, nan_notes, dropped, cut;
} edf_out;

/* Physical range of the data: the declared one when finite (and `declared`), else one pass over
 * the samples. */
static psy_status data_range(psy_write_job *job, int k, int declared, double *buf, double *lo, double *hi)
{
    const psy_channel_info *c = psy_reader_channel(job->reader, job->chans[k]);
    if (declared && isfinite(c->physical_min) && isfinite(c->physical_max) &&
        c->physical_max > c->physical_min) {
        *lo = c->physical_min;
        *hi = c->physical_max;
        return PSY_OK;
    }
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int64_t s = 0; s < c->frames; s += BATCH_SAMPLES) {
        int64_t n = c->frames - s < BATCH_SAMPLES ? c->frames - s : BATCH_SAMPLES;
        psy_status st = psy_reader_read(job->reader, job->chans[k], s, n, buf);
        if (st != PSY_OK) return st;
        for (int64_t i = 0; i < n; i++)
            if (isfinite(buf[i])) {
                if (buf[i] < *lo) *lo = buf[i];
                if (buf[i] > *hi) *hi = buf[i];
            }
    }
    if (*lo > *hi) *lo = -1, *hi = 1; /* no finite sample at all */
    if (*lo == *hi) *lo -= 1, *hi += 1;
    return PSY_OK;
}

/* Header range [pmin, pmax] for data in [lo, hi], one step kept below lo for NaN. 0 when it does
 * not fit the 8-character fields. */
static int header_range(const edf_out *o, edf_chan *c, double lo, double hi)
{
    double margin = (hi - lo) / ((double)o->dmax - o->dmin - 1);
    return psy_edf_field8(lo - margin, -1, &c->pmin) && psy_edf_field8(hi, +1, &c->pmax);
}

static psy_status set_ranges(edf_out *o, psy_message *why)
{
    psy_write_job *job = o->job;
    int coarser = 0;
    char first[PSY_LABEL_SIZE + 64] = "";
    for (int k = 0; k < job->n; k++) {
        edf_chan *c = &o->ch[k];
        double lo, hi;
        psy_status st = data_range(job, k, 1, c->buf, &lo, &hi);
        /* a declared range too wide for the header (32-bit adu) may still hold narrower data */
        if (st == PSY_OK && !header_range(o, c, lo, hi)) st = data_range(job, k, 0, c->buf, &lo, &hi);
        if (st != PSY_OK) return psy_fail(why, st, "reading channel '%s' failed: %s", c->info->label,
                                          psy_strerror(st));
        if (!header_range(o, c, lo, hi))
            return psy_fail(why, PSY_E_UNSUPPORTED,
                            "channel '%s': physical range %g..%g does not fit EDF's 8-character fields",
                            c->info->label, lo, hi);
        /* one code is kept for NaN, so 16-bit input gets steps 1.00003 adu: only real loss counts */
        double step = (c->pmax - c->pmin) / ((double)o->dmax - o->dmin);
        if (c->info->resolution > 0 && step > c->info->resolution * 1.01 && coarser++ == 0)
            snprintf(first, sizeof first, "'%s' %.3g vs %.3g %s", c->info->label, step,
                     c->info->resolution, c->info->unit);
    }
    if (coarser)
        psy_write_note(job, "%d channels get a coarser %s step than their input (%s)", coarser,
                       o->bdf ? "BDF" : "EDF", first);
    return PSY_OK;
}

static int to_digital(const edf_out *o, edf_chan *c, double x)
{
    if (!isfinite(x)) return o->dmin;
    double d = o->dmin + (x - c->pmin) * ((double)o->dmax - o->dmin) / (c->pmax - c->pmin);
    d = floor(d + 0.5);
    if (d < o->dmin + 1 || d > o->dmax) {
        c->clipped++;
        d = d < o->dmin + 1 ? o->dmin + 1 : o->dmax;
    }
    return (int)d;
}

static void annotate(edf_out *o, double onset_s, double duration_s, const char *text)
{
    if (o->annots >= o->annot_capacity) {
        o->dropped++;
        return;
    }
    /* EDF+ TAL onsets and durations; EDFlib's unit for writing them is 100 us (edflib.h). */
    long long onset = llround(onset_s * 10000);
    long long dur = isfinite(duration_s) && duration_s >= 0 ? llround(duration_s * 10000) : -1;
    char cut[ANNOT_TEXT_MAX + 1];
    size_t len = strlen(text);
    if (len > ANNOT_TEXT_MAX) {
        len = ANNOT_TEXT_MAX;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80) len--; /* whole characters */
        o->cut++;
    }
    memcpy(cut, text, len);
    cut[len] = '\0';
    psy_edflib_lock();
    int rc = edfwrite_annotation_utf8(o->handle, onset, dur, cut);
    psy_edflib_unlock();
    if (rc == 0) o->annots++;
    else o->dropped++;
}

/* NaN runs of channel k in the block starting at output index `start`. */
static void note_nan_runs(edf_out *o, int k, int64_t start, int64_t n, int final)
{
    edf_chan *c = &o->ch[k];
    for (int64_t i = 0; i <= n; i++) {
        int is_nan = i < n ? isnan(c->buf[i]) : 0;
        if (i == n && !final) break;
        if (is_nan && c->nan_start < 0) c->nan_start = start + i;
        if (!is_nan && c->nan_start >= 0) {
            if (o->nan_notes++ < MAX_NAN_NOTES) {
                char text[PSY_LABEL_SIZE + 16];
                snprintf(text, sizeof text, "psyphys: NaN %s", c->info->label);
                annotate(o, (double)c->nan_start / c->info->rate_hz,
                         (double)(start + i - c->nan_start) / c->info->rate_hz, text);
            }
            c->nan_start = -1;
        }
    }
}

static psy_status write_samples(edf_out *o, psy_message *why)
{
    psy_write_job *job = o->job;
    int max_count = 1;
    for (int k = 0; k < job->n; k++) max_count = o->ch[k].count > max_count ? o->ch[k].count : max_count;
    int64_t batch = BATCH_SAMPLES / max_count > 0 ? BATCH_SAMPLES / max_count : 1;
    for (int64_t rec = 0; rec < o->records; rec += batch) {
        int64_t nrec = o->records - rec < batch ? o->records - rec : batch;
        for (int k = 0; k < job->n; k++) {
            edf_chan *c = &o->ch[k];
            int64_t start = rec * c->count, n = nrec * c->count;
            psy_status st = psy_write_read(job, k, start, n, c->buf, -INFINITY); /* gap, not NaN */
            if (st != PSY_OK)
                return psy_fail(why, st, "reading channel '%s' at sample %lld failed: %s",
                                c->info->label, (long long)start, psy_strerror(st));
            note_nan_runs(o, k, start, n, rec + nrec >= o->records);
            for (int64_t i = 0; i < n; i++) c->dig[i] = to_digital(o, c, c->buf[i]);
        }
        for (int64_t r = 0; r < nrec; r++)
            for (int k = 0; k < job->n; k++) {
                psy_edflib_lock();
                int rc = edfwrite_digital_samples(o->handle, o->ch[k].dig + r * o->ch[k].count);
                psy_edflib_unlock();
                if (rc != 0) return psy_fail(why, PSY_E_IO, "EDFlib could not write data record %lld",
                                             (long long)(rec + r));
            }
    }
    return PSY_OK;
}

/* EDFlib prints header numbers by truncating digits: hand it the decimal nudged away from zero
 * by far less than its last digit, so the field holds exactly psy_edf_field8's decimal. */
static double for_edflib(double v) { return v + v * 1e-12; }

static int set_signal(edf_out *o, int k, psy_message *why)
{
    const edf_chan *c = &o->ch[k];
    char label[17], unit[9], transducer[40];
    if (psy_edf_ascii(c->info->label, label, sizeof label))
        psy_write_note(o->job, "label '%s' -> '%s'", c->info->label, label);
    const char *symbol = psy_edf_unit_symbol(c->info->unit);
    if (psy_edf_ascii(symbol, unit, sizeof unit) || symbol != c->info->unit)
        psy_write_note(o->job, "unit '%s' -> '%s'", c->info->unit, unit);
    snprintf(transducer, sizeof transducer, "%s%s", EDF_TYPE_MARK, psy_channel_type_name(c->info->type));
    int h = o->handle;
    if (edf_set_samplefrequency(h, k, c->count) || edf_set_physical_maximum(h, k, for_edflib(c->pmax)) ||
        edf_set_physical_minimum(h, k, for_edflib(c->pmin)) || edf_set_digital_maximum(h, k, o->dmax) ||
        edf_set_digital_minimum(h, k, o->dmin) || edf_set_label(h, k, label) ||
        edf_set_physical_dimension(h, k, unit) || edf_set_transducer(h, k, transducer)) {
        psy_fail(why, PSY_E_IO, "EDFlib refused the header of channel '%s'", c->info->label);
        return 0;
    }
    return 1;
}

/* 1 when the start is written as unknown: none known, or a year EDF cannot hold. */
static int start_unknown(const psy_write_job *job)
{
    psy_datetime t = psy_reader_start(job->reader);
    return !t.known || t.year < 1985 || t.year > 2084;
}

static int set_start(edf_out *o, psy_message *why)
{
    psy_datetime t = psy_reader_start(o->job->reader);
    /* EDF's dd.mm.yy date covers 1985..2084 (EDF+ clipping date convention); EDFlib takes no
     * later year in the recording field either. */
    if (t.known && (t.year < 1985 || t.year > 2084))
        psy_write_note(o->job, "start year %d outside EDF's 1985..2084", t.year);
    if (start_unknown(o->job)) {
        /* EDFlib would write the current time. An unknown start is EDF's placeholder 01.01.85
         * 00.00.00 in the header and EDF+'s "Startdate X" in the recording field (mark_start_unknown,
         * once EDFlib has written the file), so the same input always gives the same file and it
         * reads back as unknown. */
        psy_write_note(o->job, "no start date-time: written as unknown");
        t = (psy_datetime){1, 1985, 1, 1, 0, 0, 0, 0, 0, 0};
    }
    if (edf_set_startdatetime(o->handle, t.year, t.month, t.day, t.hour, t.minute,
                              t.second > 59 ? 59 : t.second) ||
        edf_set_subsecond_starttime(o->handle, (int)(t.nanosecond / 100))) {
        psy_fail(why, PSY_E_IO, "EDFlib refused the start date-time");
        return 0;
    }
    return 1;
}

/* EDF+'s unknown start (Kemp & Olivan 2003, 2.1.3.2: an unknown subfield is "X"): the recording
 * field EDFlib wrote, "Startdate dd-MMM-yyyy admin technician equipment ...", becomes
 * "Startdate X admin technician equipment ...". */
static psy_status mark_start_unknown(const char *path, psy_message *why)
{
    FILE *f = fopen(path, "r+b");
    if (!f) return psy_fail(why, PSY_E_IO, "cannot reopen the written file");
    char field[81] = {0}, out[81];
    psy_status st = PSY_OK;
    if (fseek(f, 88, SEEK_SET) != 0 || fread(field, 1, 80, f) != 80 || memcmp(field, "Startdate ", 10) != 0 ||
        field[21] != ' ')
        st = psy_fail(why, PSY_E_IO, "EDFlib wrote no \"Startdate dd-MMM-yyyy\" recording field");
    if (st == PSY_OK) {
        memset(out, ' ', 80);
        memcpy(out, "Startdate X", 11);
        memcpy(out + 11, field + 21, 80 - 21);
        if (fseek(f, 88, SEEK_SET) != 0 || fwrite(out, 1, 80, f) != 80)
            st = psy_fail(why, PSY_E_IO, "cannot write the recording field");
    }
    if (fclose(f) != 0 && st == PSY_OK) st = psy_fail(why, PSY_E_IO, "cannot write the recording field");
    return st;
}

/* Annotation storage: EDFlib writes one annotation per annotation signal per data record. */
static int64_t annotations_wanted(const psy_write_job *job)
{
    return (int64_t)psy_reader_event_count(job->reader) + psy_reader_stretch_count(job->reader) +
           MAX_NAN_NOTES + job->n + 1;
}

static psy_status set_header(edf_out *o, int64_t units, psy_message *why)
{
    psy_write_job *job = o->job;
    int64_t per_record = (annotations_wanted(job) + o->records - 1) / o->records;
    int signals = per_record < 1 ? 1 : per_record > ANNOT_SIGNALS_MAX ? ANNOT_SIGNALS_MAX : (int)per_record;
    o->annot_capacity = signals * o->records;
    int ok = 1;
    psy_edflib_lock();
    for (int k = 0; k < job->n && ok; k++) ok = set_signal(o, k, why);
    if (ok && units != 100000 && edf_set_datarecord_duration(o->handle, (int)units)) {
        ok = 0;
        psy_fail(why, PSY_E_IO, "EDFlib refused the data-record duration %lld0 us", (long long)units);
    }
    if (ok && edf_set_number_of_annotation_signals(o->handle, signals)) {
        ok = 0;
        psy_fail(why, PSY_E_IO, "EDFlib refused %d annotation signals", signals);
    }
    if (ok) ok = set_start(o, why);
    if (ok) edf_set_equipment(o->handle, "psyphys");
    psy_edflib_unlock();
    return ok ? PSY_OK : PSY_E_IO;
}

/* A data record holds whole samples of every channel, so the last one is padded past the data
 * (MIT-BIH's 1805.556 s in 1-s records: 0.444 s). The padding holds the lowest digital value, as
 * gaps do, and is marked the same way: "psyphys: gap" after the longest channel, "psyphys: NaN
 * LABEL" over the tail of a channel that ends before it. psyphys's readers read them as no signal
 * (edf_fill.c), others see the annotations. */
static void mark_padding(edf_out *o, double record_s)
{
    psy_write_job *job = o->job;
    double longest = 0;
    for (int k = 0; k < job->n; k++) longest = fmax(longest, (double)job->frames[k] / o->ch[k].info->rate_hz);
    for (int k = 0; k < job->n; k++) {
        double end = (double)job->frames[k] / o->ch[k].info->rate_hz;
        if (longest - end < 1e-9) continue;
        char text[PSY_LABEL_SIZE + 16];
        snprintf(text, sizeof text, "psyphys: NaN %s", o->ch[k].info->label);
        annotate(o, end, longest - end, text);
    }
    double file_end = (double)o->records * record_s;
    if (file_end - longest > 1e-9) annotate(o, longest, file_end - longest, "psyphys: gap");
}

static void write_events(edf_out *o)
{
    psy_reader *r = o->job->reader;
    size_t skipped = 0;
    for (size_t i = 0; i < psy_reader_event_count(r); i++) {
        const psy_event *e = psy_reader_event(r, i);
        char mark[PSY_LABEL_SIZE + 32];
        if (e->onset_s < 0) skipped++;
        else annotate(o, e->onset_s, e->duration_s, psy_reference_mark(e, mark, sizeof mark));
    }
    if (skipped) psy_write_note(o->job, "%zu events before the start not written", skipped);
    for (int s = 1; s < psy_reader_stretch_count(r); s++) {
        const psy_stretch *a = psy_reader_stretch(r, s - 1), *b = psy_reader_stretch(r, s);
        double end = a->onset_s + a->duration_s;
        if (b->onset_s - end > 1e-9) annotate(o, end, b->onset_s - end, "psyphys: gap");
    }
}

static psy_status allocate(edf_out *o, const int *counts, psy_message *why)
{
    psy_write_job *job = o->job;
    o->ch = calloc((size_t)job->n, sizeof *o->ch);
    if (!o->ch) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    int max_count = 1;
    for (int k = 0; k < job->n; k++) max_count = counts[k] > max_count ? counts[k] : max_count;
    int64_t batch = BATCH_SAMPLES / max_count > 0 ? BATCH_SAMPLES / max_count : 1;
    o->records = 0;
    for (int k = 0; k < job->n; k++) {
        edf_chan *c = &o->ch[k];
        c->info = psy_reader_channel(job->reader, job->chans[k]);
        c->count = counts[k];
        c->nan_start = -1;
        size_t need = (size_t)(batch * counts[k]);
        if (need < BATCH_SAMPLES) need = BATCH_SAMPLES; /* also the range pass's block */
        c->buf = malloc(need * sizeof *c->buf);
        c->dig = malloc(need * sizeof *c->dig);
        if (!c->buf || !c->dig) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        int64_t recs = (job->frames[k] + counts[k] - 1) / counts[k];
        if (recs > o->records) o->records = recs;
    }
    if (o->records == 0) return psy_fail(why, PSY_E_UNSUPPORTED, "the recording has no samples");
    return PSY_OK;
}

static void release(edf_out *o)
{
    for (int k = 0; o->ch && k < o->job->n; k++) {
        free(o->ch[k].buf);
        free(o->ch[k].dig);
    }
    free(o->ch);
}

/* Reads back the physical min/max fields EDFlib wrote: the samples were scaled by our values,
 * so a header that says anything else would shift every sample. */
static psy_status verify_ranges(const edf_out *o, const char *path, psy_message *why)
{
    FILE *f = fopen(path, "rb");
    if (!f) return psy_fail(why, PSY_E_IO, "cannot reopen the written file");
    char field[9] = {0}, count[5] = {0};
    int64_t ns = 0;
    psy_status st = PSY_OK;
    if (fseek(f, 252, SEEK_SET) != 0 || fread(count, 1, 4, f) != 4 || !psy_parse_int64(count, 4, &ns) ||
        ns < o->job->n)
        st = psy_fail(why, PSY_E_IO, "cannot read back the written header");
    for (int pass = 0; st == PSY_OK && pass < 2; pass++) /* physical minimum, then maximum */
        for (int k = 0; st == PSY_OK && k < o->job->n; k++) {
            double v, want = pass ? o->ch[k].pmax : o->ch[k].pmin;
            long at = 256 + (long)ns * (16 + 80 + 8 + 8 * pass) + 8L * k;
            if (fseek(f, at, SEEK_SET) != 0 || fread(field, 1, 8, f) != 8 || !psy_parse_double(field, 8, &v) ||
                v != want)
                st = psy_fail(why, PSY_E_IO, "EDFlib wrote physical %s '%s' for channel '%s', not %.9g",
                              pass ? "maximum" : "minimum", field, o->ch[k].info->label, want);
        }
    fclose(f);
    return st;
}

psy_status psy_write_edf(psy_write_job *job, int bdf, psy_message *why)
{
    if (job->n > EDFLIB_MAXSIGNALS)
        return psy_fail(why, PSY_E_UNSUPPORTED, "%d channels: EDFlib writes at most %d", job->n,
                        EDFLIB_MAXSIGNALS);
    double *rates = malloc((size_t)job->n * sizeof *rates);
    int *counts = malloc((size_t)job->n * sizeof *counts);
    if (!rates || !counts) {
        free(rates);
        free(counts);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    for (int k = 0; k < job->n; k++) rates[k] = psy_reader_channel(job->reader, job->chans[k])->rate_hz;
    int64_t units = 0;
    edf_out o = {.job = job, .handle = -1, .bdf = bdf,
                 .dmin = bdf ? -8388608 : -32768, .dmax = bdf ? 8388607 : 32767};
    psy_status st = psy_edf_record_duration(rates, job->n, &units, counts, why);
    if (st == PSY_OK) st = allocate(&o, counts, why);
    if (st == PSY_OK) st = set_ranges(&o, why);
    free(rates);
    free(counts);
    if (st == PSY_OK) {
        psy_edflib_lock();
        o.handle = edfopen_file_writeonly(job->temps[0], bdf ? EDFLIB_FILETYPE_BDFPLUS
                                                             : EDFLIB_FILETYPE_EDFPLUS, job->n);
        psy_edflib_unlock();
        if (o.handle < 0) st = psy_fail(why, PSY_E_IO, "EDFlib cannot create the file (error %d)", o.handle);
    }
    if (st == PSY_OK) st = set_header(&o, units, why);
    if (st == PSY_OK) {
        write_events(&o);
        mark_padding(&o, (double)units / 100000.0);
        st = write_samples(&o, why);
    }
    if (o.handle >= 0) {
        psy_edflib_lock();
        int rc = edfclose_file(o.handle);
        psy_edflib_unlock();
        if (rc != 0 && st == PSY_OK) st = psy_fail(why, PSY_E_IO, "EDFlib could not finish the file");
    }
    if (st == PSY_OK) st = verify_ranges(&o, job->temps[0], why);
    if (st == PSY_OK && start_unknown(job)) st = mark_start_unknown(job->temps[0], why);
    if (st == PSY_OK) {
        for (int k = 0; k < job->n; k++)
            if (o.ch[k].clipped)
                psy_write_note(job, "channel '%s': %lld samples outside the declared range clipped",
                               o.ch[k].info->label, (long long)o.ch[k].clipped);
        if (o.nan_notes > MAX_NAN_NOTES)
            psy_write_note(job, "%lld NaN runs: only the first %d annotated", (long long)o.nan_notes,
                           MAX_NAN_NOTES);
        if (o.dropped)
            psy_write_note(job, "%lld annotations dropped (EDFlib's annotation space is full)",
                           (long long)o.dropped);
        if (o.cut) psy_write_note(job, "%lld annotation texts cut to %d bytes", (long long)o.cut, ANNOT_TEXT_MAX);
    }
    release(&o);
    return st;
}
