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

/* Opens the files `m` (those absent are skipped) in dir as one recording named `format_name`;
 * `none` is the reason when no file that is not events-only is there. By BY_UNIX_START, the
 * files' starts must all have a UTC offset or all lack one. PSY_OK, or a member's failure naming
 * it (PSY_E_IO, PSY_E_FORMAT: also starts with and without an offset), PSY_E_NOMEM. */
psy_status folder_combine(const char *dir, const folder_member *m, size_t n, time_base base,
                          const char *format_name, const char *none, psy_reader **out, psy_message *why);

/* Seconds since the Unix epoch of a start date-time (its UTC offset, when known, taken off:
 * a Garmin log's "+02:00"; a clock time without one is read as UTC). */
double folder_unix_seconds(const psy_datetime *t);

/* qsort's comparison of file names (char *). */
int folder_compare_names(const void *a, const void *b);

/* dir/name (malloc'd; NULL when out of memory). */
char *folder_path_in(const char *dir, const char *name);

#endif
