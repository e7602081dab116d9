/* psyphys — where a file sits in a BIDS dataset (BIDS 1.10): its entities and its dataset, and
 * the run's _events.tsv that goes with a data file. `psyphys analyze` pairs a BIDS recording with
 * its events, and places its tables in the derivatives layout, from these. Outside BIDS, a
 * recording's tables and its STEM_events.tsv are named by its file stem (psy_path_stem). */
#ifndef PSYPHYS_BIDS_PATH_H
#define PSYPHYS_BIDS_PATH_H

#include <stddef.h>
#include "psyphys/export.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A file named sub-<X>[_ses-<Y>]_..._<suffix>.<ext> in <root>/sub-<X>/[ses-<Y>/]<datatype>/,
 * root being the dataset (the directory with a dataset_description.json). */
typedef struct psy_bids_path {
    char root[4096];    /* the dataset's directory, resolved (realpath) */
    char sub[64];       /* "sub-X" */
    char ses[64];       /* "ses-Y", or "" without a session */
    char datatype[32];  /* "beh", "eeg", "func", ... */
    char stem[256];     /* the file name without its extensions and its last _<suffix> */
} psy_bids_path;

/* Whether path names a file in a BIDS dataset as above (the file itself need not exist; its
 * directories and the dataset_description.json must). PSY_OK; PSY_E_NOT_FOUND with why (not so
 * named, not in such directories, no dataset description up there); PSY_E_INVALID (NULL). */
PSY_API psy_status psy_bids_path_parse(const char *path, psy_bids_path *out, psy_message *why);

/* The run's _events.tsv of a BIDS data file that is not a _physio file (a physio file's reader
 * pairs its own): <the file's directory>/<STEM>_events.tsv, when path lies in a BIDS dataset and
 * that file exists (BIDS 1.10: its onsets count from the data file's first sample). 1 with its
 * path in out (size bytes), else 0. */
PSY_API int psy_bids_events_for(const char *path, char *out, size_t size);

/* The file name of path without its directory and its extension: "physio-5.0.1.acq" → "physio-5.0.1",
 * "P01.T2.edf" → "P01.T2", "100.hea" → "100", "run_physio.tsv.gz" → "run_physio". Only the
 * extension is cut: a last ".X" whose X is 1-8 ASCII letters and digits beginning with a letter
 * (every extension the readers know: .edf, .hea, .wav, .csv, .acq, .vhdr, a device's .hrm ...),
 * after a ".gz" when there is one; a dotted version or date (".1" of "v5.0.1", ".2024") is part of
 * the name, and so is a leading dot (".edf" stays ".edf"). Writes the stem, cut to size - 1 bytes,
 * into out; returns its full length (as snprintf), or -1 when path or out is NULL or size is 0.
 * The psyphys commands name every output STEM_<table> and pair STEM_events.tsv by it. */
PSY_API int psy_path_stem(const char *path, char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
