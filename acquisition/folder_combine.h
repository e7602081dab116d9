/* Internal: several files of one folder opened as one recording (folder_reader.c), for the
 * session folders (session_folder.c) and the BIDS runs split by rate. */
#ifndef PSYPHYS_FOLDER_COMBINE_H
#define PSYPHYS_FOLDER_COMBINE_H

#include "reader_impl.h"

/* Files a combined recording may have: an E4 export (7), a Garmin log (2) and a Holter (2). */
#define FOLDER_FILES 12

/* A file of an export: its name, the reader to open it with (NULL: detected), whether only its
 * events are taken (E4's tags.csv button presses, a Holter's beat list: no recording alone), and
 * the device it comes from when a folder holds several (NULL: one device): a channel whose label
 * another device's took gets " (device)" after it. */
typedef struct folder_member {
    const char *name, *format;
    int events_only;
    const char *device;
} folder_member;

/* How the files' starts are compared: E4, Garmin and Holter files by their date-time (a UTC
 * offset, when known, taken off), BIDS files by their StartTime (the onset of their first
 * stretch). */
typedef enum time_base { BY_UNIX_START, BY_STRETCH_ONSET } time_base;

/* The files of an export, each opened by its own reader (folder_open): combined into one
 * recording by folder_combine, or closed by folder_close. */
typedef struct folder_files {
    psy_reader *r[FOLDER_FILES];
    int events_only[FOLDER_FILES];    /* folder_member.events_only */
    const char *device[FOLDER_FILES]; /* folder_member.device */
    int n;
} folder_files;

/* Opens the files `m` (those absent are skipped) in dir into *out; `none` is the reason when no
 * file that is not events-only is there. By BY_UNIX_START, the files' starts must all have a
 * UTC offset or all lack one. PSY_OK (*out is the caller's: to folder_combine or folder_close),
 * or a member's failure naming it (PSY_E_IO, PSY_E_FORMAT: also starts with and without an
 * offset), PSY_E_NOMEM, with *out empty. */
psy_status folder_open(const char *dir, const folder_member *m, size_t n, time_base base, const char *none,
                       folder_files *out, psy_message *why);

/* Closes the files of s and empties it. */
void folder_close(folder_files *s);

/* Moves the files of `from` after those of `to` (together at most FOLDER_FILES); from is emptied. */
void folder_join(folder_files *to, folder_files *from);

/* The span of the data of s's files (not events-only), in seconds since the Unix epoch, as
 * folder_combine lines them up by BY_UNIX_START (its recording may end a sample later: samples
 * are placed on one grid): 1, or 0 when their start is no clock time with its UTC offset (it
 * cannot be lined up with another device's). */
int folder_clock_span(const folder_files *s, double span[2]);

/* Combines the files of s into one recording named `format_name`, its files placed by `base`.
 * The files are handed over: s is emptied whatever the result (held by *out, or closed). PSY_OK
 * or PSY_E_NOMEM. */
psy_status folder_combine(folder_files *s, time_base base, const char *format_name, psy_reader **out,
                          psy_message *why);

/* qsort's comparison of file names (char *). */
int folder_compare_names(const void *a, const void *b);

/* dir/name (malloc'd; NULL when out of memory). */
char *folder_path_in(const char *dir, const char *name);

#endif
