/* psyphys — beat-by-beat comparison of a detector against reference beats (ANSI/AAMI EC57).
 *
 * Each reference beat is matched to at most one test beat within the match window (EC57: 150 ms),
 * closest pairs first; scoring counts reference and test beats from `from_s` on (EC57: the first
 * 5 minutes are a learning period), while matching sees the beats just before it, so no beat at
 * the boundary is counted as a false negative or positive for want of its partner. */
#ifndef PSYPHYS_SCORE_H
#define PSYPHYS_SCORE_H

#include <stddef.h>
#include "psyphys/recording.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct psy_beat_score {
    size_t tp, fn, fp;
    double se, ppv;            /* sensitivity and positive predictivity, 0..1 (NaN: undefined) */
    double median_error_ms;    /* signed test - reference, over matched beats (NaN when none) */
    double median_abs_error_ms;
    double p95_abs_error_ms;
    size_t n_ref, n_test;      /* beats scored (from from_s on) */
} psy_beat_score;

/* ref_s and test_s: beat times in seconds, ascending. window_s > 0. PSY_OK, PSY_E_INVALID
 * (NULL with n > 0, unsorted or non-finite times, window <= 0), PSY_E_NOMEM. */
PSY_API psy_status psy_score_beats(const double *ref_s, size_t n_ref, const double *test_s, size_t n_test,
                                   double from_s, double window_s, psy_beat_score *out);

/* The beat times a scorer compares, read from a file (what `psyphys score-beats` reads as REF and
 * TEST); malloc'd, released with psy_beat_times_free. */
typedef struct psy_beat_times {
    size_t n;
    double *onset_s;              /* n beat times, s from the recording's start, ascending */
    int from_recording;           /* 1: read by psy_reader_open (a WFDB annotation file or header,
                                     a beat list, a folder ...), whose rate rule gave: */
    psy_rate_origin rate_origin;  /*   its psy_reader_rate_origin (PSY_RATE_FILE when 0 above) */
    double declared_rate_hz;      /*   its psy_reader_declared_rate (0 when from_recording is 0) */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zeroed by the library: room for fields to come
                                              (psyphys/export.h) */
} psy_beat_times;

/* Reads the beat times of a file or folder at path, by its content:
 *  - text with a header row naming an 'onset' column (s) or a 'sample' column (sample numbers,
 *    divided by options->sampling_rate_hz), names exact and lower case (a TSV/CSV, a `psyphys
 *    beats` table; a UTF-8 byte order mark is skipped). The header's delimiter -- the most
 *    frequent of tab, semicolon and comma in it, else a comma -- splits every row (one only: a
 *    semicolon table's "1,5" is no number); a header of one column takes each row whole.
 *    Double-quoted cells are unquoted, cells trimmed of blanks; lines up to 4 MiB. Rows whose
 *    'label' (else 'type') cell is a WFDB non-beat code (noise '~', rhythm change '+', ...:
 *    psy_wfdb_is_beat) are left out, other labels count as beats (a beats table's RR classes
 *    concern intervals: every row is a detection); a time cell 'n/a' skips its row, as do lines
 *    that are empty or hold only blanks and delimiters;
 *  - rdann text output (a header with "Sample #"): the Sample column at sampling_rate_hz, rows of
 *    non-beat codes left out;
 *  - else a recording psy_reader_open reads (options apply): its WFDB beat annotations (a WFDB
 *    annotation file, its time base from its record's .hea beside it, else sampling_rate_hz; a
 *    header's rate wins unless options->override_rate) or a vendor's beat list (a Holter folder
 *    or the list itself: its beats of WFDB beat classes, X, the artifacts, left out).
 * Time cells are decimal numbers, read alike in every locale: an optional sign, digits with '.'
 * as the decimal point, an optional exponent (1.5, -2, 3e2); hexadecimal, inf and nan are no
 * numbers; a value too small for a double (1e-400) reads as 0. Negative times are kept as
 * given (times before the recording's start); only their order is checked.
 * options NULL: psy_open_options_default(). On failure out is empty and why (may be NULL) names
 * the reason, without the path:
 *  - PSY_E_INVALID: path or out NULL; options' reserved words not zero; sampling_rate_hz
 *    negative or not finite; sample numbers without sampling_rate_hz ("gives beats as sample
 *    numbers: give their rate with --fs");
 *  - PSY_E_FORMAT: a time cell that is not a finite number ("line L: 'x' is not a number"), a
 *    sample number beyond any finite time ("line L: 'x' is out of range"), times out of order
 *    ("beat times are not in order (beat K)", K counted from 1), a broken beat list (its
 *    reader's reason, e.g. "line L: beat time is not a number");
 *  - PSY_E_UNKNOWN_FORMAT: text that is no table of times, no beat list, nor a recording with
 *    beats ("has no 'onset' (s) or 'sample' column in its header"); a recording that is not
 *    text without beat annotations (an EDF, a WFDB record without its annotation file: "holds
 *    no beat annotations");
 *  - PSY_E_NOMEM; or the status and reason of psy_reader_open: PSY_E_IO "cannot open the file
 *    (missing or unreadable)", an empty file, a directory that is no session folder ...
 * A table with a header row only is PSY_OK with n = 0.
 * Takes a path, not a psy_source (an exception to the library's rule): what it reads may be a
 * folder (a Holter session), which no source stands for. Since 0.2 (appended). */
PSY_API psy_status psy_beat_times_load(const char *path, const psy_open_options *options, psy_beat_times *out,
                                       psy_message *why);

/* NULL-safe; leaves the times empty. */
PSY_API void psy_beat_times_free(psy_beat_times *times);

#ifdef __cplusplus
}
#endif
#endif
