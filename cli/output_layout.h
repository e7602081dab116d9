/* Where a command's tables for one input go: ROOT/STEM_<table>.tsv (flat), or the BIDS
 * derivatives layout ROOT/sub-<X>/[ses-<Y>/]<datatype>/STEM_<table>.tsv when the input lies in a
 * BIDS dataset (BIDS 1.10, "BIDS Derivatives"). Shared by analyze and batch. */
#ifndef PSYPHYS_CLI_OUTPUT_LAYOUT_H
#define PSYPHYS_CLI_OUTPUT_LAYOUT_H

#include <stddef.h>

#include "output.h"

typedef enum cli_layout {
    CLI_LAYOUT_AUTO = 0, /* BIDS when the input is in a BIDS dataset, else flat */
    CLI_LAYOUT_BIDS,     /* BIDS, an error for an input outside a BIDS dataset */
    CLI_LAYOUT_FLAT      /* always ROOT/STEM_* */
} cli_layout;

/* "auto", "bids", "flat" into *out; 0 for anything else. */
int cli_layout_parse(const char *text, cli_layout *out);

typedef struct cli_output_place {
    char dir[4096];  /* the directory of the tables: ROOT or ROOT/sub-X/[ses-Y/]datatype */
    char stem[256];  /* STEM: flat, the file name without directory and extensions; BIDS, the
                        name without its suffix (_physio, _ecg, ...) and extensions */
    int bids;        /* 1 in the BIDS derivatives layout (ROOT needs a dataset_description.json) */
} cli_output_place;

/* Decides where the tables of `input` go under `root`. A BIDS input is a file named
 * sub-<X>[_ses-<Y>]_..._<suffix>.<ext> in <root of a dataset>/sub-<X>/[ses-<Y>/]<datatype>/, the
 * dataset root being the nearest directory up from the file with a dataset_description.json.
 * Returns 1, or 0 with the reason in why (only with CLI_LAYOUT_BIDS, or for paths too long). */
int cli_output_place_for(const char *input, const char *root, cli_layout layout,
                         cli_output_place *out, char *why, size_t why_size);

/* ROOT/dataset_description.json of the derivatives (BIDS 1.10: DatasetType "derivative",
 * GeneratedBy psyphys and its version). When ROOT has one that lists psyphys among GeneratedBy:
 * returns 1 with out->fp NULL (kept as it is). When ROOT has another one: 0 after printing why
 * (never replaced). Otherwise opens `out` (cli_output_open) with the description written, to be
 * committed with the tables. */
int cli_derivative_description_open(const char *root, cli_output *out);

/* Makes a directory and its missing parents (as mkdir -p). 0 after printing why. */
int cli_make_dir(const char *dir);

#endif
