/* psyphys — the recording model and the reader API.
 *
 * A recording is a set of channels (each with its own sampling rate), a start date-time, the
 * stretches of time it covers (one for continuous files, several for EDF+D), and events.
 * Samples are read in blocks per channel, so no recording is ever loaded whole: memory is
 * bounded by the caller's block size and the event list.
 *
 * Time base: a sample is addressed by its int64_t index on its channel's rate; times in
 * seconds from the recording start are derived only where asked (psy_reader_read_times).
 * Values are doubles in the channel's physical unit; NaN marks a missing sample.
 *
 * A psy_reader is not thread-safe (but for psy_reader_read_times on a regular channel, below); open
 * one per thread (readers do not share state). */
#ifndef PSYPHYS_RECORDING_H
#define PSYPHYS_RECORDING_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/source.h"
#include "psyphys/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_channel_type {
    PSY_CH_OTHER = 0,
    PSY_CH_ECG,     /* electrocardiogram, mV */
    PSY_CH_EDA,     /* skin conductance, uS (converted from nS, S, mS or resistance) */
    PSY_CH_RESP,    /* respiration (belt, thermistor, impedance) */
    PSY_CH_PPG,     /* photoplethysmogram / BVP */
    PSY_CH_HR,      /* heart rate, bpm */
    PSY_CH_RR,      /* inter-beat intervals, ms; usually irregular (one value per beat) */
    PSY_CH_TRIGGER, /* trigger, status, photosensor or stimulus marker channel */
    PSY_CH_TYPE_COUNT
} psy_channel_type;

/* "ECG", "EDA", "RESP", "PPG", "HR", "RR", "TRIGGER", "OTHER". Never NULL. */
PSY_API const char *psy_channel_type_name(psy_channel_type type);

/* Parses a type name, case-insensitive; also accepts "IBI" (RR), "GSR"/"SC" (EDA), "RSP" (RESP),
 * "BVP" (PPG), "STIM" (TRIGGER). Returns PSY_OK or PSY_E_INVALID. */
PSY_API psy_status psy_channel_type_parse(const char *name, psy_channel_type *out);

/* Infers a channel type from its label and unit (either may be NULL or empty):
 * ECG/EKG/MLII/lead names I, II, III, aVR/aVL/aVF, V1..V6 (alone or after "ECG"); EDA/GSR/SC/
 * skin conductance/electrodermal, or a conductance unit (uS, nS, S, mS) with a non-ECG label;
 * RESP/RSP/respiration/breathing/thorax/abdomen; PPG/BVP/pleth/pulse; HR/heart rate/pulse rate or
 * unit bpm; RR/IBI/NN/inter-beat; trigger/status/stim/photosensor/marker/event/TTL.
 * A label naming a derived signal ("differentiated", "derivative") and anything else is
 * PSY_CH_OTHER. Deterministic and locale-independent. */
PSY_API psy_channel_type psy_infer_channel_type(const char *label, const char *unit);

#define PSY_LABEL_SIZE 80
#define PSY_UNIT_SIZE 24

/* How values read from the file are mapped to the channel's unit (applied by psy_reader_read). */
typedef enum psy_unit_conversion {
    PSY_CONV_NONE = 0,
    PSY_CONV_SCALE,      /* value = file_value * scale (e.g. nS -> uS: 0.001) */
    PSY_CONV_RECIPROCAL  /* value = scale / file_value (resistance -> conductance: kOhm -> uS: 1000) */
} psy_unit_conversion;

typedef struct psy_channel_info {
    char label[PSY_LABEL_SIZE];     /* UTF-8, trimmed */
    char unit[PSY_UNIT_SIZE];       /* unit of the values psy_reader_read returns */
    char file_unit[PSY_UNIT_SIZE];  /* unit as the file states it ("" when none) */
    psy_channel_type type;
    double rate_hz;                 /* samples per second (> 0); 0 for an irregular channel, whose
                                       sample times come from psy_reader_read_times (RR lists) */
    int64_t frames;                 /* number of samples */
    double physical_min, physical_max; /* range the file declares, in `unit`; NaN when unknown */
    double resolution;              /* one digital step in `unit`; 0 when unknown or floating point */
    int64_t digital_min, digital_max; /* the file's integer range for physical_min .. physical_max
                                       (EDF/BDF); both 0 when the format has none. The stored
                                       integer of a value x is digital_min + (x - physical_min) *
                                       (digital_max - digital_min) / (physical_max - physical_min)
                                       (trigger bit patterns live there: BDF Status) */
    psy_unit_conversion conversion;
    double conversion_scale;
} psy_channel_info;

/* Whether a channel may be analysed as one of the n_wanted types (a caller naming it for the ECG
 * detector, the EDA analysis, a breathing or heart-rate series). A channel of a wanted type may,
 * and so may one of unknown type (PSY_CH_OTHER: its label said nothing); a channel of another
 * known type may not: the ECG detector on a PPG channel or the EDA analysis on a temperature
 * gives numbers without meaning. Whoever knows better sets the type first
 * (psy_reader_set_channel_type). Returns PSY_OK, or PSY_E_INVALID (a NULL argument, n_wanted < 1,
 * or another known type: `why` then says "channel 'BVP' is PPG, not ECG or RR"). */
PSY_API psy_status psy_channel_type_check(const psy_channel_info *channel, const psy_channel_type *wanted,
                                          int n_wanted, psy_message *why);

/* Civil start date-time as written by the file. Most formats (EDF, WFDB, BIDS) store the local
 * wall-clock time without its zone; files that count Unix time (Empatica E4, CSV time columns in
 * Unix seconds) give UTC, and say so in zone_known. */
typedef struct psy_datetime {
    int known;          /* 0 when the file carries no start time; the fields are then 0 */
    int year, month, day, hour, minute, second;
    int64_t nanosecond; /* 0 .. 999 999 999: sub-second start (EDF+ time-keeping TAL, BIDS) */
    int zone_known;     /* 1: the fields are UTC + utc_offset_min; 0: a wall clock of unknown zone */
    int utc_offset_min; /* minutes east of UTC (0 for UTC) when zone_known */
} psy_datetime;

typedef enum psy_event_source {
    PSY_EVENTS_ANNOTATION = 0, /* EDF+/BDF+ TAL annotations */
    PSY_EVENTS_WFDB,           /* WFDB annotation file (.atr, .qrs, ...) */
    PSY_EVENTS_FILE,           /* session event file: BIDS _events.tsv, CSV markers, physioevents */
    PSY_EVENTS_TRIGGER,        /* derived from a trigger channel */
    PSY_EVENTS_DEVICE,         /* device export (beat list, scored stretches) */
    PSY_EVENTS_MARKER,         /* a device's event-marker button (Empatica E4 tags.csv) */
    PSY_EVENTS_SOURCE_COUNT
} psy_event_source;

/* "annotation", "wfdb", "file", "trigger", "device", "marker". Never NULL. */
PSY_API const char *psy_event_source_name(psy_event_source source);

typedef struct psy_event {
    double onset_s;     /* seconds from the recording start (may be negative: before the start) */
    double duration_s;  /* 0 for an instant; NaN when the source gives none */
    const char *label;  /* UTF-8, never NULL; for WFDB the mnemonic ("N", "V", "+") */
    const char *detail; /* UTF-8, never NULL: WFDB aux string, BIDS value column, ... ("" if none) */
    psy_event_source source;
    int64_t sample;     /* sample index on the record's frame rate where the source has one, else -1 */
    int channel;        /* index of the channel it refers to, or -1 */
    int code;           /* WFDB annotation code (1 = N ...); a vendor beat list's beat: the code
                           of its class when that is a WFDB mnemonic (N, S, V; X has none); else 0 */
    int subtype, number;/* WFDB SUB and NUM fields, else 0 */
} psy_event;

/* A stretch of time covered by data. Continuous recordings have one; EDF+D one per run of
 * adjacent data records. data_offset_s is the stretch's position in the concatenated data, so a
 * sample at index i of a channel at rate f sits at onset_s + (i / f - data_offset_s) in the
 * stretch whose [data_offset_s, data_offset_s + duration_s) contains i / f. */
typedef struct psy_stretch {
    double onset_s;
    double duration_s;
    double data_offset_s;
} psy_stretch;

/* Options for opening a recording; start from psy_open_options_default(). */
typedef struct psy_open_options {
    const char *format;         /* force a reader by name ("edf", "bdf", "wfdb", "sndfile", "csv",
                                   "bids", "rr", "empatica", "ishne", "acq", "xdf", "brainvision",
                                   "opensignals", "garmin", "beat-list", ...); NULL: detect by content */
    double sampling_rate_hz;    /* > 0: the rate of a file that has none or a known-fake one (see
                                   the rate rule below); 0: none given */
    const char *sidecar_path;   /* a JSON or WFDB .hea file describing the channels (rate, labels,
                                   units, gains) of an audio or CSV file; NULL: look beside it */
    int use_libedf;             /* 1 (default): conformant EDF/BDF files are read by EDFlib, the rest
                                   by psyphys's tolerant parser; 0: always the tolerant parser */
    int override_rate;          /* 1: sampling_rate_hz replaces the rate the file declares too
                                   (default 0; see the rate rule) */
    int skip_annotations;       /* 1: annotation files beside a record with signals (WFDB .atr,
                                   .qrs, ...) are not read, for work that uses no events: a 24 h
                                   Holter's 100,000 beat labels cost time and memory (default 0) */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_open_options;

/* The rate rule. sampling_rate_hz is the rate of files that have none -- CSV/TSV/text without a
 * time column, a WFDB header without a frequency, a WFDB annotation file without its header --
 * or whose rate is known to be fake: audio containers (WAV, FLAC, AIFF, ... through libsndfile)
 * without a sidecar that states the rate. A file that declares its rate (EDF/BDF, WFDB header,
 * ISHNE, a CSV time column, a BIDS physio or audio sidecar JSON, Empatica E4 files) keeps it, and
 * the reader records a warning when the given rate differs; so one sampling_rate_hz can be given
 * for a whole folder of mixed files. Files of irregular channels only (RR/IBI lists, device beat
 * lists) have no rate to set.
 * With override_rate, a declared rate is replaced: the file's clock is taken to run at the given
 * rate, so the fastest channel gets sampling_rate_hz, every other channel keeps its ratio to it,
 * and every time the file states (stretches, annotations, irregular sample times) scales by
 * declared / given; a reader warning says so. The start date-time is kept. */
PSY_API psy_open_options psy_open_options_default(void);

typedef struct psy_reader psy_reader;

/* Opens a recording from a source, detecting the format by content (magic bytes, header text)
 * and only then by name. On success *out owns the source (psy_reader_close closes it); on failure
 * the source is left to the caller and *out is NULL.
 * Returns PSY_OK, PSY_E_UNKNOWN_FORMAT, PSY_E_UNSUPPORTED (e.g. GDF), PSY_E_FORMAT, PSY_E_TRUNCATED,
 * PSY_E_IO, PSY_E_NOMEM or PSY_E_INVALID; `why` (may be NULL) gets the specific reason. */
PSY_API psy_status psy_reader_open_source(psy_source *src, const psy_open_options *options,
                                          psy_reader **out, psy_message *why);

/* Path wrapper of psy_reader_open_source. A WFDB record may be named by its .hea, its record
 * name without extension, or one of its .dat files. A session folder (psy_is_session_folder)
 * opens as one recording: its device's export, each file at its own rate and start. When it holds
 * several devices' exports (E4, Garmin, Holter, in that order), the first opens, and each other
 * joins it, every file placed by its own clock time, when both starts are clock times with their
 * UTC offset (E4's Unix times, a log's "+02:00"; an ISHNE start has none, so a Holter never
 * joins) and their spans overlap or lie within 60 s of each other (further apart they are other
 * sittings); a label another device took gets " (device)" after it ("ACC X (Garmin)"). An
 * export whose files' starts mix clock times with and without an offset is refused, naming the
 * file. Every entry of the folder the recording does not read (another device's file, an empty
 * or non-regular file, any other) is named in a warning with why (psy_reader_warning), but for
 * hidden entries, subfolders (not searched) and the E4's info.txt. */
PSY_API psy_status psy_reader_open(const char *path, const psy_open_options *options, psy_reader **out,
                                   psy_message *why);

/* 1 when the directory at path is a session folder psy_reader_open opens as one recording, so a
 * program walking an archive takes it whole rather than its files one by one: it holds an
 * Empatica E4 export (one of BVP.csv, EDA.csv, TEMP.csv, ACC.csv, HR.csv, IBI.csv), a Garmin log
 * (data.csv, its first line a Garmin log row `time;TYPE;value`, and acc.csv) or a Holter
 * (exactly one *.ecg, starting with the ISHNE magic "ISHNE1.0" and no WFDB header of its name
 * beside it, and its beat list, the same name with .txt, case aside), or several of them. 0
 * otherwise (not a directory, unreadable). Looks at the names and reads at most two files' heads
 * (data.csv's first 512 bytes, the .ecg's first 8): psy_reader_open decides the same way, and a
 * file of the first export (E4, Garmin, Holter) that is not what it seemed is an error naming it
 * (as is one that cannot be read). */
PSY_API int psy_is_session_folder(const char *path);

/* Whether the file at path is a recorder's beat list (a Holter folder's .txt: a line of digits,
 * then `time_s label` lines), for a program that takes a recording or a table of times and must
 * tell a broken beat list from a table of another kind: PSY_OK when it reads as one;
 * PSY_E_FORMAT, `why` the beat-list reader's reason, when it starts as one but is malformed;
 * PSY_E_UNKNOWN_FORMAT when it does not start as one (a compressed file is not decompressed
 * here, unlike psy_reader_open: it reads as no beat list); PSY_E_INVALID when path is NULL;
 * PSY_E_IO (the file cannot be opened or read) or PSY_E_NOMEM otherwise. `why` may be NULL. */
PSY_API psy_status psy_check_beat_list(const char *path, psy_message *why);

/* NULL-safe. */
PSY_API void psy_reader_close(psy_reader *reader);

/* Where the channels' rates come from (the rate rule at psy_open_options). */
typedef enum psy_rate_origin {
    PSY_RATE_FILE = 0,   /* the file's (a given sampling_rate_hz, if any, was not used) */
    PSY_RATE_GIVEN,      /* sampling_rate_hz: the file has no rate of its own or a fake one */
    PSY_RATE_OVERRIDDEN  /* sampling_rate_hz replaced the file's rate (override_rate) */
} psy_rate_origin;

PSY_API psy_rate_origin psy_reader_rate_origin(const psy_reader *reader);

/* The rate the file declares for its fastest channel, Hz, before any override; 0 when it
 * declares none (PSY_RATE_GIVEN, irregular channels only, an audio header's untrusted rate). */
PSY_API double psy_reader_declared_rate(const psy_reader *reader);

/* The files a recording was read from, for provenance: the one opened (index 0), then every
 * related file the reader opened (a WFDB record's signal and annotation files, an audio file's
 * sidecar beside it). Paths; 0 files for memory and callback sources. */
PSY_API size_t psy_reader_file_count(const psy_reader *reader);
PSY_API const char *psy_reader_file(const psy_reader *reader, size_t index);

/* Short format name ("EDF+C", "EDF+D", "BDF", "WFDB", "FLAC", "CSV", ...). Never NULL. */
PSY_API const char *psy_reader_format(const psy_reader *reader);

PSY_API int psy_reader_channel_count(const psy_reader *reader);

/* Channel metadata; NULL when ch is out of range. Valid until the reader is closed. */
PSY_API const psy_channel_info *psy_reader_channel(const psy_reader *reader, int ch);

/* Index of the first channel whose label equals `label` (case-insensitive, trimmed), or -1. */
PSY_API int psy_reader_find_channel(const psy_reader *reader, const char *label);

/* The channel to analyse, as every command and the Python package choose it: the channel labelled
 * `label` (psy_reader_find_channel) when label is not NULL, refused when it is of another known
 * type (psy_channel_type_check); without a label, the first channel of types[0], else the first
 * of types[1], and so on. *out gets its index (-1 on failure). PSY_OK; PSY_E_NOT_FOUND (no channel
 * so labelled: `why` lists the labels there are, cut short with "..." when they do not fit; or no
 * channel of those types: `why` says "no ECG, RR or PPG channel"); PSY_E_INVALID (the labelled
 * channel is refused, `why` as psy_channel_type_check's; or a NULL argument, n_types < 1). */
PSY_API psy_status psy_reader_pick_channel(const psy_reader *reader, const char *label,
                                           const psy_channel_type *types, int n_types, int *out,
                                           psy_message *why);

/* Sets a channel's type (the --channel-type override) and, for EDA, the unit conversion that
 * follows from its file unit. Returns PSY_OK or PSY_E_INVALID. */
PSY_API psy_status psy_reader_set_channel_type(psy_reader *reader, int ch, psy_channel_type type);

/* Declares a channel's unit as the file states it (for files that carry none, e.g. CSV; the
 * --unit override) and re-derives the unit conversion (an EDA channel in kOhm reads in uS).
 * unit is copied (truncated to PSY_UNIT_SIZE - 1 bytes). Returns PSY_OK or PSY_E_INVALID. */
PSY_API psy_status psy_reader_set_channel_unit(psy_reader *reader, int ch, const char *unit);

PSY_API psy_datetime psy_reader_start(const psy_reader *reader);

/* A start time in ISO 8601 into buf (truncated to size): "YYYY-MM-DDThh:mm:ss", the fraction of
 * a second without trailing zeros when there is one, then "Z" or "+hh:mm"/"-hh:mm" when the zone
 * is known; "unknown" when the time is not. */
PSY_API void psy_datetime_format(const psy_datetime *t, char *buf, size_t size);

/* The start as Unix time (s since 1970-01-01, the start's clock taken as UTC, as the readers
 * that get it from Unix timestamps give it); NaN when the start is unknown or reader is NULL. */
PSY_API double psy_reader_start_unix(const psy_reader *reader);

/* Duration in seconds from the start to the end of the last stretch (gaps included). */
PSY_API double psy_reader_duration(const psy_reader *reader);

PSY_API int psy_reader_stretch_count(const psy_reader *reader);
PSY_API const psy_stretch *psy_reader_stretch(const psy_reader *reader, int index);

/* The share (0-100) of [onset_s, onset_s + duration_s) that lies in the recording's stretches,
 * not in a gap between them: of the part of the span from the first stretch's start to the last
 * one's end (time before or after the recording is no gap; a span of no length there: 100 in a
 * stretch, 0 in a gap). 100 for a recording without gaps or a NULL reader (a series without a
 * recording: no gaps known). */
PSY_API double psy_reader_recorded_pct(const psy_reader *reader, double onset_s, double duration_s);

PSY_API size_t psy_reader_event_count(const psy_reader *reader);
/* Events in the order of their onset (stable for equal onsets); NULL when out of range. */
PSY_API const psy_event *psy_reader_event(const psy_reader *reader, size_t index);

/* Warnings about non-conformant or suspicious content that was read anyway ("header byte 0xB0
 * in the physical dimension of signal 9", "EDF+D: 3 gaps"). */
PSY_API size_t psy_reader_warning_count(const psy_reader *reader);
PSY_API const char *psy_reader_warning(const psy_reader *reader, size_t index);

/* Reads samples [start, start + n) of channel ch into out (n doubles) in the channel's unit.
 * Returns PSY_OK, PSY_E_INVALID (bad channel, NULL), PSY_E_RANGE (span outside 0..frames),
 * PSY_E_IO, PSY_E_TRUNCATED or PSY_E_FORMAT (the file changed or lied about its size). */
PSY_API psy_status psy_reader_read(psy_reader *reader, int ch, int64_t start, int64_t n, double *out);

/* Times in seconds from the recording start of samples [start, start + n) of channel ch:
 * index / rate mapped through the stretches for regular channels, the stored times for
 * irregular ones. Same return codes as psy_reader_read. On a regular channel it reads only
 * what opening the recording fixed (the channel list and the stretches), never the file: the
 * one call of a reader that may run in one thread while another thread reads it
 * (psy_reader_read), as the library's own detection does. */
PSY_API psy_status psy_reader_read_times(psy_reader *reader, int ch, int64_t start, int64_t n, double *out_s);

/* Adds n events (copied, label and detail included) to the recording, keeping the events in
 * onset order. PSY_OK, PSY_E_INVALID (NULL, a non-finite onset), PSY_E_NOMEM (then none added). */
PSY_API psy_status psy_reader_add_events(psy_reader *reader, const psy_event *events, size_t n);

/* Adds the events of a session event file (BIDS _events.tsv, CSV/TSV markers with an onset
 * column, gzipped or not) to the recording, shifted by offset_s: psy_reader_load_events_with
 * and its default options. An onset is seconds from the recording's start, or a clock time in
 * ISO 8601 ("2019-06-11T19:13:45", fraction and zone optional: "...45.250Z", "...45+02:00"),
 * converted to seconds from the start: an onset without a zone is a time on the recording's own
 * wall clock (the one its start is written in: local time for EDF, UTC for an Empatica E4); an
 * onset with a zone is an instant, and needs a start whose zone is known (psy_datetime.zone_known).
 * Refused (PSY_E_FORMAT, `why` names the line) when the recording's start is unknown or has no
 * zone for an onset that has one. */
PSY_API psy_status psy_reader_load_events(psy_reader *reader, psy_source *events, double offset_s,
                                          psy_message *why);

/* Onsets beyond this (s; March 1973) cannot be seconds from a recording's start: Unix times. */
#define PSY_EVENTS_UNIX_MIN_S 1e8

/* Which columns of an event file hold what (NULL: found by name, below), and the shift. */
typedef struct psy_events_options {
    double offset_s;             /* seconds added to every onset (default 0) */
    const char *onset_column;    /* names, matched case-insensitively; NULL: by name */
    const char *duration_column;
    const char *label_column;
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_events_options;

PSY_API psy_events_options psy_events_options_default(void);

/* The columns as "onset=COL[,duration=COL][,label=COL]" (each role at most once, at least one,
 * no empty name) into options' column names, which point into *storage (malloc'd: free it after
 * the options' last use); the other options are kept. PSY_OK, PSY_E_INVALID (a malformed spec or
 * a NULL argument; nothing changed), PSY_E_NOMEM. */
PSY_API psy_status psy_events_columns_parse(const char *spec, psy_events_options *options, char **storage);

/* A row of an event file that gave no event (its onset is n/a or empty). */
typedef struct psy_unplaced_event {
    int64_t line;                /* 1-based line in the file */
    char label[PSY_LABEL_SIZE];  /* the row's label, "" when none */
    char reason[64];
} psy_unplaced_event;

#define PSY_EVENTS_UNPLACED_KEPT 32

/* What psy_reader_load_events_with read: the columns it used ("" for none: no duration; the
 * label then comes from each row's first text cell) and the rows it could not place. */
typedef struct psy_events_info {
    char onset_column[PSY_LABEL_SIZE];
    char duration_column[PSY_LABEL_SIZE];
    char label_column[PSY_LABEL_SIZE];
    char ambiguous[16];          /* after PSY_E_FORMAT for an ambiguous mapping: "onset",
                                    "duration" or "label" (name that column); else "" */
    size_t n_events;             /* events added */
    size_t n_unplaced;           /* rows without an onset; the first PSY_EVENTS_UNPLACED_KEPT: */
    psy_unplaced_event unplaced[PSY_EVENTS_UNPLACED_KEPT];
} psy_events_info;

/* Adds the events of a session event file: a header row, then one event per row; delimiter tab,
 * comma or semicolon; onsets and durations in seconds ("n/a" or empty: missing). Columns, when
 * options do not name them (case-insensitive), by name:
 *   onset     `onset` (BIDS), else the one of time, timestamp, latency, start, onset_s, time_s,
 *             start_s, seconds;
 *   duration  `duration` (BIDS), else the one of duration_s, dur, length (none: NaN);
 *   label     `trial_type` (BIDS), else the one of label, event, marker, condition, cond, type,
 *             description, value, message, name; none: each row's first text cell. A row whose
 *             label cell is n/a takes the next such column that has a value (BIDS `value`).
 * Two candidates for one role and no BIDS name is ambiguous: PSY_E_FORMAT naming them, with
 * info->ambiguous set. The other cells go to the event's detail ("column=value;..."). A row
 * without an onset adds no event: it is counted in info (and a reader warning); a negative
 * duration reads as NaN (a warning). info (may be NULL) is filled on success, and on failure as
 * far as it got. Returns PSY_OK, PSY_E_INVALID (NULL reader or source, NaN offset), PSY_E_FORMAT
 * (no onset column, a named column missing, an ambiguous mapping, a value that is not a number,
 * a ragged row), PSY_E_IO, PSY_E_NOMEM; nothing is added on failure. */
PSY_API psy_status psy_reader_load_events_with(psy_reader *reader, psy_source *events, const psy_events_options *options,
                                               psy_events_info *info, psy_message *why);

/* psy_reader_load_events_with for event logs whose onsets may be Unix times (annotation apps,
 * wearables and lab loggers stamp them): when every onset (offset_s added) lies beyond
 * PSY_EVENTS_UNIX_MIN_S, the recording's start (psy_reader_start_unix) is subtracted from each,
 * and *unix_shift_s (may be NULL) is the seconds added; NaN when the onsets were seconds from the
 * start (one onset at or below PSY_EVENTS_UNIX_MIN_S keeps the whole file so). Same return codes,
 * and PSY_E_FORMAT for Unix-time onsets when the recording's start is unknown. */
PSY_API psy_status psy_reader_load_events_unix(psy_reader *reader, psy_source *events,
                                               const psy_events_options *options, psy_events_info *info,
                                               double *unix_shift_s, psy_message *why);

#ifdef __cplusplus
}
#endif
#endif
