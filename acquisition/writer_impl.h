/* Internal: what the EDF/BDF and BIDS writers share (writer.c): the channels to write, the
 * output time axis (gaps of EDF+D input filled with NaN), the temporary directory that makes a
 * write all-or-nothing, and the warnings reported in `why` on success. */
#ifndef PSYPHYS_WRITER_IMPL_H
#define PSYPHYS_WRITER_IMPL_H

#include "psyphys/writer.h"

enum { PSY_WRITE_MAX_TARGETS = 4 };

typedef struct psy_write_job {
    psy_reader *reader;
    int n;                 /* channels written */
    int *chans;            /* their indices in the reader */
    int64_t *frames;       /* their length on the output time axis (gaps included) */
    char notes[PSY_MESSAGE_SIZE]; /* warnings, "; "-separated, copied to `why` on success */
    char *tmpdir;          /* "<target dir>/.psyphys-XXXXXX", created by psy_write_begin */
    int n_targets;
    char *targets[PSY_WRITE_MAX_TARGETS]; /* final paths */
    char *temps[PSY_WRITE_MAX_TARGETS];   /* the same files inside tmpdir */
} psy_write_job;

/* Appends a warning to job->notes (truncated when full). */
void psy_write_note(psy_write_job *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Samples [start, start + n) of written channel k on the output time axis: the reader's samples
 * placed by their stretch onsets, `fill` in gaps and past the channel's end. */
psy_status psy_write_read(psy_write_job *job, int k, int64_t start, int64_t n, double *out,
                          double fill);

/* Adds a target file (final path); its temporary path is job->temps[index]. Returns the index,
 * or -1 on allocation failure. Call before psy_write_begin. */
int psy_write_add_target(psy_write_job *job, const char *path);

/* Writes "%.10g"-style numbers with '.' as the decimal point whatever the locale. */
int psy_write_format_number(char *buf, size_t size, double value, int digits);

/* The format writers; they create job->temps[...] only (writer.c renames them into place). */
psy_status psy_write_edf(psy_write_job *job, int bdf, psy_message *why);
psy_status psy_write_bids(psy_write_job *job, psy_message *why);

#endif
