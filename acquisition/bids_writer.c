/* BIDS physiological recordings (BIDS spec, "Physiological recordings"): <name>_physio.tsv.gz
 * without a header row, one column per channel, all at one rate, "n/a" for missing values;
 * <name>_physio.json with SamplingFrequency, StartTime and Columns (plus per-column Units and
 * psyphys's ChannelType);
 * events in <name>_physioevents.tsv.gz + .json (onset, duration, trial_type). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bids_physio.h" /* BIDS_CHANNEL_TYPE_KEY */
#include "reader_impl.h"
#include "reference_marks.h"
#include "writer_impl.h"

/* gzip level 1: at level 6 zlib took half the writing time for files only ~6% smaller. */
enum { ROWS_PER_BATCH = 4096, CELL_MAX = 32 };

static psy_status check_one_rate(psy_write_job *job, double *rate, psy_message *why)
{
    *rate = psy_reader_channel(job->reader, job->chans[0])->rate_hz;
    int same = 1;
    for (int k = 1; k < job->n; k++) {
        double r = psy_reader_channel(job->reader, job->chans[k])->rate_hz;
        same &= fabs(r - *rate) <= 1e-9 * *rate;
    }
    if (same) return PSY_OK;
    char list[200] = "";
    for (int k = 0; k < job->n && strlen(list) + 40 < sizeof list; k++) {
        const psy_channel_info *c = psy_reader_channel(job->reader, job->chans[k]);
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s %.9g Hz", k ? ", " : "",
                 c->label, c->rate_hz);
    }
    return psy_fail(why, PSY_E_UNSUPPORTED,
                    "BIDS physio needs one sampling rate for all columns; resample or select channels (%s)",
                    list);
}

/* Significant digits so that printing loses less than half a resolution step. */
static int digits_for(const psy_channel_info *c)
{
    double big = fmax(fabs(c->physical_min), fabs(c->physical_max));
    return c->resolution > 0 && isfinite(big) && big / c->resolution >= 1e9 ? 17 : 10;
}

static int put_cell(char *line, size_t *used, double v, int digits, int last)
{
    if (isfinite(v)) *used += (size_t)psy_write_format_number(line + *used, CELL_MAX, v, digits);
    else {
        memcpy(line + *used, "n/a", 3);
        *used += 3;
    }
    line[(*used)++] = last ? '\n' : '\t';
    return 1;
}

static psy_status write_rows(psy_write_job *job, gzFile gz, double **bufs, const int *digits,
                             char *text, psy_message *why)
{
    int64_t rows = 0;
    for (int k = 0; k < job->n; k++) rows = job->frames[k] > rows ? job->frames[k] : rows;
    for (int64_t r0 = 0; r0 < rows; r0 += ROWS_PER_BATCH) {
        int64_t nr = rows - r0 < ROWS_PER_BATCH ? rows - r0 : ROWS_PER_BATCH;
        for (int k = 0; k < job->n; k++) {
            psy_status st = psy_write_read(job, k, r0, nr, bufs[k], NAN);
            if (st != PSY_OK)
                return psy_fail(why, st, "reading channel '%s' at sample %lld failed: %s",
                                psy_reader_channel(job->reader, job->chans[k])->label, (long long)r0,
                                psy_strerror(st));
        }
        size_t used = 0;
        for (int64_t i = 0; i < nr; i++)
            for (int k = 0; k < job->n; k++) put_cell(text, &used, bufs[k][i], digits[k], k == job->n - 1);
        if (gzwrite(gz, text, (unsigned)used) != (int)used)
            return psy_fail(why, PSY_E_IO, "cannot write the compressed TSV");
    }
    return PSY_OK;
}

static psy_status write_physio_tsv(psy_write_job *job, const char *path, psy_message *why)
{
    double **bufs = calloc((size_t)job->n, sizeof *bufs);
    int *digits = calloc((size_t)job->n, sizeof *digits);
    char *text = malloc((size_t)job->n * ROWS_PER_BATCH * (CELL_MAX + 1));
    psy_status st = bufs && digits && text ? PSY_OK : psy_fail(why, PSY_E_NOMEM, "out of memory");
    for (int k = 0; st == PSY_OK && k < job->n; k++) {
        digits[k] = digits_for(psy_reader_channel(job->reader, job->chans[k]));
        if (!(bufs[k] = malloc(ROWS_PER_BATCH * sizeof **bufs))) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    gzFile gz = st == PSY_OK ? gzopen(path, "wb1") : NULL;
    if (st == PSY_OK && !gz) st = psy_fail(why, PSY_E_IO, "cannot create the compressed TSV");
    if (st == PSY_OK) st = write_rows(job, gz, bufs, digits, text, why);
    if (gz && gzclose(gz) != Z_OK && st == PSY_OK)
        st = psy_fail(why, PSY_E_IO, "cannot finish the compressed TSV");
    for (int k = 0; bufs && k < job->n; k++) free(bufs[k]);
    free(bufs);
    free(digits);
    free(text);
    return st;
}

static psy_status dump_json(json_t *root, const char *path, psy_message *why)
{
    if (!root) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(root);
    return rc == 0 ? PSY_OK : psy_fail(why, PSY_E_IO, "cannot write the JSON sidecar");
}

static psy_status write_physio_json(psy_write_job *job, double rate, const char *path, psy_message *why)
{
    json_t *root = json_object(), *cols = json_array();
    if (!root || !cols) {
        json_decref(root);
        json_decref(cols);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    /* BIDS keeps a run's date-time in the dataset's _scans.tsv (acq_time), which a single file's
     * copy cannot write; StartTime is the offset to the run's events, not a clock time. */
    psy_datetime t = psy_reader_start(job->reader);
    if (t.known)
        psy_write_note(job, "start date-time %04d-%02d-%02dT%02d:%02d:%02d not written: BIDS physio has no field "
                       "for it (a dataset's _scans.tsv has, as acq_time)", t.year, t.month, t.day, t.hour,
                       t.minute, t.second);
    json_object_set_new(root, "SamplingFrequency", json_real(rate));
    json_object_set_new(root, "StartTime", json_real(0));
    json_object_set_new(root, "Columns", cols);
    for (int k = 0; k < job->n; k++) {
        const psy_channel_info *c = psy_reader_channel(job->reader, job->chans[k]);
        json_array_append_new(cols, json_string(c->label));
        json_object_set_new(root, c->label, json_pack("{s:s, s:s}", "Units", c->unit, BIDS_CHANNEL_TYPE_KEY,
                                                      psy_channel_type_name(c->type)));
    }
    return dump_json(root, path, why);
}

/* One TSV cell of free text: tabs and line breaks would break the table, so they are written as
 * blanks; a cell that begins with a quote after such blanks would be read as a quoted one (by
 * psyphys, pandas), so it is written quoted, its quotes doubled: WFDB's note annotation '"' read
 * back as an empty label. */
static void clean_text(const char *in, char *out, size_t size)
{
    size_t o = 0, lead = strspn(in, " \t\n\r");
    int quote = in[lead] == '"';
    if (quote) out[o++] = '"';
    for (; *in && o + (quote ? 3 : 1) < size; in++) {
        if (quote && *in == '"') out[o++] = '"';
        out[o++] = *in == '\t' || *in == '\n' || *in == '\r' ? ' ' : *in;
    }
    if (quote) out[o++] = '"';
    out[o] = '\0';
    if (o == 0 && size > 3) memcpy(out, "n/a", 4);
}

static psy_status write_events(psy_write_job *job, const char *tsv, const char *json, psy_message *why)
{
    gzFile gz = gzopen(tsv, "wb6");
    if (!gz) return psy_fail(why, PSY_E_IO, "cannot create the events TSV");
    psy_status st = PSY_OK;
    for (size_t i = 0; st == PSY_OK && i < psy_reader_event_count(job->reader); i++) {
        const psy_event *e = psy_reader_event(job->reader, i);
        char onset[CELL_MAX], dur[CELL_MAX], label[512], mark[PSY_LABEL_SIZE + 32];
        psy_write_format_number(onset, sizeof onset, e->onset_s, 10);
        if (isfinite(e->duration_s)) psy_write_format_number(dur, sizeof dur, e->duration_s, 10);
        else memcpy(dur, "n/a", 4);
        clean_text(psy_reference_mark(e, mark, sizeof mark), label, sizeof label);
        if (gzprintf(gz, "%s\t%s\t%s\n", onset, dur, label) <= 0)
            st = psy_fail(why, PSY_E_IO, "cannot write the events TSV");
    }
    if (gzclose(gz) != Z_OK && st == PSY_OK) st = psy_fail(why, PSY_E_IO, "cannot finish the events TSV");
    if (st != PSY_OK) return st;
    json_t *root = json_pack("{s:[sss], s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s}}",
                             "Columns", "onset", "duration", "trial_type",
                             "onset", "Description", "Event onset from the start of the recording", "Units", "s",
                             "duration", "Description", "Event duration", "Units", "s",
                             "trial_type", "Description", "Event label");
    return dump_json(root, json, why);
}

psy_status psy_write_bids(psy_write_job *job, psy_message *why)
{
    double rate;
    psy_status st = check_one_rate(job, &rate, why);
    if (st == PSY_OK) st = write_physio_tsv(job, job->temps[0], why);
    if (st == PSY_OK) st = write_physio_json(job, rate, job->temps[1], why);
    if (st == PSY_OK && job->n_targets == 4) st = write_events(job, job->temps[2], job->temps[3], why);
    return st;
}
