/* Internal: the WFDB record header (.hea), parsed from text.
 * Spec: WFDB Programmer's Guide, header(5) (PhysioNet). */
#ifndef PSYPHYS_WFDB_HEADER_H
#define PSYPHYS_WFDB_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "reader_impl.h"

#define WFDB_NAME_SIZE 256

typedef struct wfdb_signal {
    char file[WFDB_NAME_SIZE]; /* signal file name ("~" for a null signal, format 0) */
    int format; /* 0, 8, 16, 61, 80, 160, 212, 310, 311, 24, 32, 508, 516, 524 */
    int spf; /* samples per frame (>= 1) */
    int skew; /* frames */
    int64_t byte_offset; /* bytes before the first sample in the file */
    double gain; /* adu per physical unit (never 0 here: 200 when uncalibrated) */
    double baseline; /* adu of physical 0 */
    char units[PSY_UNIT_SIZE]; /* "mV" when the header gives none */
    int adc_resolution; /* bits */
    int64_t adc_zero;
    int64_t initial_value;
    int has_checksum;
    int checksum; /* 16-bit sum of all samples, as written (signed) */
    char description[PSY_LABEL_SIZE];
} wfdb_signal;

typedef struct wfdb_header {
    char record[WFDB_NAME_SIZE];
    int nsig;
    double frame_rate; /* frames per second (250, header(5)'s default, when absent) */
    int has_frequency; /* 0: the header gives no frequency (the file declares no rate) */
    double counter_rate; /* counter frequency; equals frame_rate when absent */
    double base_counter;
    int64_t nframes; /* 0 when the header does not say */
    psy_datetime start; /* known when both base time and base date are given */
    int has_base_time; /* base time without a date: start.known stays 0 */
    wfdb_signal *sig; /* nsig entries (malloc'd) */
} wfdb_header;

/* Parses header text (len bytes, need not be NUL-terminated). Warnings for non-conformant but
 * readable content go to `warn_to` (may be NULL). Returns PSY_OK, PSY_E_FORMAT (named field and
 * value in why), PSY_E_UNSUPPORTED (multi-segment records) or PSY_E_NOMEM. */
psy_status wfdb_header_parse(const char *text, size_t len, wfdb_header *h, psy_reader *warn_to,
                             psy_message *why);

/* Reads and parses the header from src (at most 16 MiB). */
psy_status wfdb_header_read(psy_source *src, wfdb_header *h, psy_reader *warn_to, psy_message *why);

void wfdb_header_free(wfdb_header *h);

#endif
