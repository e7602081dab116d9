/* Internal: the EDF / EDF+ / BDF / BDF+ fixed header, parsed from a psy_source.
 * Layout per Kemp et al. 1992 (EDF), Kemp & Olivan 2003 (EDF+) and BioSemi's BDF (24-bit). */
#ifndef PSYPHYS_EDF_HEADER_H
#define PSYPHYS_EDF_HEADER_H

#include <stdint.h>

#include "reader_impl.h"

/* psyphys convert writes a channel's type into the transducer field (80 free-text characters,
 * EDF spec: "e.g. AgAgCl electrode"): "psyphys type: ECG" (psy_channel_type_name). EDF labels
 * say no type (EDF+'s "ECG ..." label convention has none for skin conductance or a derived
 * signal, and 16 characters cut "EDA filtered, differentiated" to an EDA-sounding label), so the
 * reader takes this type before guessing one from the label. */
#define EDF_TYPE_MARK "psyphys type: "

typedef struct edf_signal {
    char label[PSY_LABEL_SIZE];
    char unit[PSY_UNIT_SIZE];
    double phys_min, phys_max;
    int64_t dig_min, dig_max;
    int64_t samples_per_record;
    int64_t offset_in_record;  /* bytes from the start of a data record */
    int is_annotation;         /* "EDF Annotations" / "BDF Annotations" */
    int type_declared;         /* the transducer field holds EDF_TYPE_MARK and a type name */
    psy_channel_type type;     /* that type (PSY_CH_OTHER when not declared) */
    double bitvalue, offset;   /* physical = bitvalue * (offset + digital), as EDFlib computes it */
} edf_signal;

typedef struct edf_header {
    int is_bdf;                /* 24-bit samples */
    int is_plus;               /* EDF+ / BDF+ */
    int discontinuous;         /* EDF+D / BDF+D */
    int n_signals;             /* all signals, annotation signals included */
    int n_annotation_signals;
    int64_t n_records;
    double record_duration;    /* seconds, 0 only for annotation-only files */
    int64_t header_bytes;
    int64_t record_bytes;
    int bytes_per_sample;      /* 2 (EDF) or 3 (BDF) */
    psy_datetime start;        /* whole seconds; the sub-second part comes from the first TAL */
    edf_signal *signals;
} edf_header;

/* Parses and validates the header; warnings about non-conformant but readable content go to
 * `warn_to`. On failure returns the status with the reason in `why` and frees what it made. */
psy_status edf_header_parse(psy_source *src, psy_reader *warn_to, edf_header *hdr, psy_message *why);

void edf_header_free(edf_header *hdr);

/* Format name: "EDF", "EDF+C", "EDF+D", "BDF", "BDF+C", "BDF+D". */
const char *edf_header_format(const edf_header *hdr);

#endif
