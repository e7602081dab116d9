/* psyphys batch --dyads: the dyads of a study, from a dyads file or a BIDS dataset. */
#ifndef PSYPHYS_CLI_SYNC_DYADS_H
#define PSYPHYS_CLI_SYNC_DYADS_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>

/* One dyad: two recordings of one session. */
typedef struct sync_dyad {
    char name[256];               /* its output stem, unique in the list */
    char pair[256];               /* the two people (the same for every session of a pair) */
    char ses[64], task[64], run[64]; /* BIDS entities of A's file name, "n/a" when none */
    char a[PATH_MAX], b[PATH_MAX], events[PATH_MAX]; /* events: "" when none */
} sync_dyad;

/* The dyads of SPEC:
 * - a TSV file with a header and columns `a` and `b`, optional `dyad` and `events`: each row two
 *   recordings (paths relative to the file's folder) — or, when both cells name BIDS subjects
 *   (`sub-<label>`), a subject pair of the BIDS dataset the file lies in, paired by session;
 * - a BIDS dataset root: the subject pairs of participants.tsv's `dyad` column (the two
 *   participants sharing a value, A the one listed first), paired by session.
 * Pairing by session: every recording of A's subject with the recording of B's subject whose path
 * is the same but for the subject (same session, datatype, task, acquisition, run, suffix); A's
 * BIDS events file comes with it. Recordings without a partner are listed in `unpaired` (strings)
 * and warned about on stderr. Returns 1, or 0 after printing why (naming the file). */
int sync_dyads_read(const char *spec, sync_dyad **out, size_t *n, json_t *unpaired);

/* SHA-256 of what a dyad's run reads: each recording with its companions and paired events
 * (batch_fingerprint) and the events file (may be "" or NULL). 0 when a file cannot be read. */
int sync_dyad_fingerprint(const char *a, const char *b, const char *events, char hex[65]);

#endif
