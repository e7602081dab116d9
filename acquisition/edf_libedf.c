/* The EDFlib path: conformant files opened by path are read by EDFlib (libedf), under the one
 * EDFlib lock since EDFlib keeps a process-wide handle table. Channels still come from our own
 * header parse (edf_add_channels), so both paths describe a file identically. */
#include <edflib.h>
#include <stdio.h>
#include <stdlib.h>

#include "edf_build.h"
#include "edflib_lock.h"

typedef struct libedf_impl {
    int handle;
} libedf_impl;

static psy_status libedf_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    libedf_impl *e = impl;
    psy_status st = PSY_OK;
    psy_edflib_lock();
    if (edfseek(e->handle, ch, start, EDFSEEK_SET) != start) st = PSY_E_IO;
    while (st == PSY_OK && n > 0) {
        int take = n > (1 << 20) ? (1 << 20) : (int)n;
        int got = edfread_physical_samples(e->handle, ch, take, out);
        if (got != take) st = got < 0 ? PSY_E_IO : PSY_E_TRUNCATED;
        out += take;
        n -= take;
    }
    psy_edflib_unlock();
    return st;
}

static void libedf_destroy(void *impl)
{
    libedf_impl *e = impl;
    if (!e) return;
    psy_edflib_lock();
    edfclose_file(e->handle);
    psy_edflib_unlock();
    free(e);
}

static const psy_reader_ops libedf_ops = {libedf_read, NULL, libedf_destroy};

static const char *refusal_text(int code)
{
    switch (code) {
    case EDFLIB_MALLOC_ERROR: return "out of memory";
    case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY: return "cannot open the file";
    case EDFLIB_FILE_CONTAINS_FORMAT_ERRORS: return "the file contains format errors";
    case EDFLIB_MAXFILES_REACHED: return "too many files open in EDFlib";
    case EDFLIB_FILE_READ_ERROR: return "read error";
    case EDFLIB_FILE_ALREADY_OPENED: return "the file is already open in EDFlib";
    case EDFLIB_FILETYPE_ERROR: return "not an EDF/BDF file";
    case EDFLIB_NUMBER_OF_SIGNALS_INVALID: return "invalid number of signals";
    case EDFLIB_FILE_IS_DISCONTINUOUS: return "the file is discontinuous (EDF+D/BDF+D)";
    default: return "unknown error";
    }
}

psy_status edf_libedf_open(const char *path, const edf_header *hdr, psy_reader *r, char *refusal,
                           size_t refusal_size)
{
    struct edf_hdr_struct *h = malloc(sizeof *h); /* ~100 kB: not on the stack */
    libedf_impl *e = malloc(sizeof *e);
    if (!h || !e) {
        free(h);
        free(e);
        snprintf(refusal, refusal_size, "out of memory");
        return PSY_E_NOMEM;
    }
    psy_edflib_lock();
    int rc = edfopen_file_readonly(path, h, EDFLIB_READ_ALL_ANNOTATIONS);
    psy_status st = PSY_OK;
    int busy = 0, n_channels = hdr->n_signals - hdr->n_annotation_signals;
    if (rc != 0) {
        snprintf(refusal, refusal_size, "%s (EDFlib code %d)", refusal_text(h->filetype), h->filetype);
        /* EDFlib's table is full or holds this file already (another reader has it open):
         * nothing wrong with the file, the own parser reads it the same way. */
        busy = h->filetype == EDFLIB_MAXFILES_REACHED || h->filetype == EDFLIB_FILE_ALREADY_OPENED;
        st = busy ? PSY_E_NOT_FOUND : PSY_E_UNSUPPORTED;
    } else if (h->edfsignals != n_channels || h->datarecords_in_file != hdr->n_records) {
        snprintf(refusal, refusal_size, "EDFlib sees %d signals and %lld records, the header %d and %lld",
                 h->edfsignals, (long long)h->datarecords_in_file, n_channels, (long long)hdr->n_records);
        edfclose_file(h->handle);
        st = PSY_E_UNSUPPORTED;
    }
    if (st == PSY_OK) {
        /* EDFlib numbers ordinary signals in header order, as our channels are numbered.
         * EDFlib gives onsets in units of 100 ns from the first sample (it removes the
         * sub-second start of the time-keeping TAL), durations likewise, -1 s when absent. */
        for (long long i = 0; i < h->annotations_in_file && st == PSY_OK; i++) {
            struct edf_annotation_struct a;
            if (edf_get_annotation(h->handle, (int)i, &a) != 0) {
                st = PSY_E_IO;
                break;
            }
            double dur = a.duration_l < 0 ? 0 : (double)a.duration_l / EDFLIB_TIME_DIMENSION;
            const char *text = a.annotation;
            size_t len = 0;
            while (text[len]) len++;
            st = edf_add_event(r, (double)a.onset / EDFLIB_TIME_DIMENSION, dur, text, len);
        }
        if (st == PSY_OK) {
            e->handle = h->handle;
        } else {
            edfclose_file(h->handle);
            snprintf(refusal, refusal_size, "EDFlib failed reading annotation %lld", (long long)h->annotations_in_file);
        }
    }
    psy_edflib_unlock();
    free(h);
    if (st != PSY_OK) {
        free(e);
        return st;
    }
    psy_reader_set_impl(r, &libedf_ops, e);
    return PSY_OK;
}
