/* Internal: how a format reader builds a psy_reader. Not installed.
 *
 * A format reader parses its header from a psy_source, then:
 *   r = psy_reader_new("EDF+C", src);            (the reader takes the source on success)
 *   psy_reader_add_channel(r, &info) ...          (regular or irregular channels)
 *   psy_reader_add_event(r, ...), psy_reader_add_stretch(r, ...), psy_reader_warn(r, ...)
 *   psy_reader_set_impl(r, &my_ops, my_state)     (read callbacks; my_state freed by ops->destroy)
 * The core sorts events, applies unit conversions, checks spans and fills stretches
 * (one covering the longest channel) when a format adds none. */
#ifndef PSYPHYS_READER_IMPL_H
#define PSYPHYS_READER_IMPL_H

#include <stdarg.h>
#include "psyphys/recording.h"
#include "psy_core.h" /* psy_fail */

typedef struct psy_reader_ops {
    /* Samples [start, start+n) of channel ch (already range-checked) in the file's unit.
     * Must fill all n values (NaN for missing samples). */
    psy_status (*read)(void *impl, int ch, int64_t start, int64_t n, double *out);
    /* Times (s from start) of an irregular channel's samples; NULL when every channel is regular. */
    psy_status (*read_times)(void *impl, int ch, int64_t start, int64_t n, double *out_s);
    void (*destroy)(void *impl);
} psy_reader_ops;

/* A new empty reader for format `format_name` (copied). Does not own src until
 * psy_reader_adopt_source. NULL on allocation failure. */
psy_reader *psy_reader_new(const char *format_name);

/* Frees a reader under construction, without closing a source it has not adopted. */
void psy_reader_discard(psy_reader *reader);

/* The reader becomes the owner of src (closed by psy_reader_close). */
void psy_reader_adopt_source(psy_reader *reader, psy_source *src);

/* The end of a reader's construction: on PSY_OK the reader adopts src and is given in *out; on an
 * error it is discarded (src stays the caller's). Returns st. */
psy_status psy_reader_conclude(psy_reader *reader, psy_status st, psy_source *src, psy_reader **out);

/* The source the reader owns (NULL when none): writers use it to refuse overwriting the input. */
psy_source *psy_reader_source(const psy_reader *reader);

/* Adds `path` to the files listed as opened through src (psy_source_related_path, once each;
 * NULL or out of memory: not listed): provenance, every file a recording was read from, also
 * those opened apart (a folder's). Defined in source.c. */
void psy_source_note_related(psy_source *src, const char *path);

void psy_reader_set_format(psy_reader *reader, const char *format_name);
void psy_reader_set_start(psy_reader *reader, const psy_datetime *start);
void psy_reader_set_impl(psy_reader *reader, const psy_reader_ops *ops, void *impl);

/* Appends a channel; label and file_unit are taken from info, unit/type/conversion are
 * derived here (type inferred when info->type is PSY_CH_OTHER and infer != 0).
 * Returns the channel index, or -1 on allocation failure. */
int psy_reader_add_channel(psy_reader *reader, const psy_channel_info *info, int infer_type);

psy_status psy_reader_add_event(psy_reader *reader, const psy_event *event);
/* Event i of a reader under construction, to be changed in place (its strings stay the reader's:
 * a label may point into the text it had); NULL when out of range. */
psy_event *psy_reader_event_edit(psy_reader *reader, size_t i);
/* Drops the events added after the first `keep` (their strings stay until the reader closes). */
void psy_reader_drop_events(psy_reader *reader, size_t keep);
psy_status psy_reader_add_stretch(psy_reader *reader, double onset_s, double duration_s);

/* Whether data time td_s (s into the data, index / rate) lies at or after data_offset_s, the
 * start of a stretch's data, the rule every reader times its samples by. A stretch's offset is
 * the sum of the durations before it, which can come out an ulp above M / rate: sample M was then
 * timed by the stretch before, off by the whole gap. A nanosecond (and 1e-12 of the offset) of
 * slack absorbs that, far below any sample period. */
static inline int psy_stretch_reached(double td_s, double data_offset_s)
{
    return td_s >= data_offset_s - (1e-9 + 1e-12 * (data_offset_s < 0 ? -data_offset_s : data_offset_s));
}

/* The rate rule (recording.h): a reader that took options->sampling_rate_hz as the rate of a
 * file without one marks it PSY_RATE_GIVEN. The declared rate is by default the fastest
 * channel's; a reader sets it where that is wrong: 0 for a rate from an untrusted source (an
 * audio header), the header's rate for a record without channels (WFDB annotations). */
void psy_reader_set_rate_origin(psy_reader *reader, psy_rate_origin origin);
void psy_reader_set_declared_rate(psy_reader *reader, double rate_hz);

/* Marks the rate PSY_RATE_OVERRIDDEN and records the warning that says so. */
void psy_reader_note_override(psy_reader *reader, double declared_hz, double given_hz);

/* The override_rate step, once the reader is finished: every regular channel's rate times
 * `factor`, every stated time (stretches, events, irregular sample times) divided by it. */
void psy_reader_rescale_clock(psy_reader *reader, double factor);

/* Samples [start, end) of channel ch read as NaN (missing) whatever the file holds: a writer's
 * fill that the file marks as such. PSY_OK or PSY_E_NOMEM. */
psy_status psy_reader_mark_missing(psy_reader *reader, int ch, int64_t start, int64_t end);

/* Shortens channel ch to `frames` samples (what follows was padding); longer values are ignored. */
void psy_reader_trim_channel(psy_reader *reader, int ch, int64_t frames);

/* Records a warning (printf-style, truncated at 255 bytes). Allocation failure drops it. */
void psy_reader_warn(psy_reader *reader, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The common part of a format's open: a new reader named format_name with ops and impl (owned
 * from the call on: ops->destroy frees it, on failure too), filled by build(impl, src, reader,
 * why), then finished; on success it adopts src and is stored in *out. Returns build's status,
 * PSY_E_NOMEM, or PSY_OK. */
typedef psy_status (*psy_reader_build_fn)(void *impl, psy_source *src, psy_reader *reader, psy_message *why);
psy_status psy_reader_build(const char *format_name, psy_source *src, const psy_reader_ops *ops, void *impl,
                            psy_reader_build_fn build, psy_reader **out, psy_message *why);

/* Finishes construction: sorts events, adds a default stretch. PSY_OK or PSY_E_NOMEM. From then
 * on the channels and stretches are frozen (no format adds or changes one): psy_reader_read_times
 * on one thread beside a psy_reader_read on another relies on it. */
psy_status psy_reader_finish(psy_reader *reader);

/* Re-sorts the events by onset (stable), for events added after psy_reader_finish. */
void psy_reader_sort_events(psy_reader *reader);

/* Helpers for format readers --------------------------------------------------------------- */

/* Grows *array (elements of `size` bytes, *cap of them) to hold at least need, doubling. 0 when
 * out of memory (the array is then unchanged). */
int psy_grow(void *array, size_t size, size_t *cap, size_t need);

/* Of n elements of `size` bytes sorted by the int64_t at key_offset, the index of the last whose
 * key is <= x (0 when none is, or n is 0). */
size_t psy_last_at_or_before(const void *base, size_t n, size_t size, size_t key_offset, int64_t x);

/* Checked arithmetic for sizes read from headers: 0 on overflow, 1 when *out is valid. */
int psy_mul_i64(int64_t a, int64_t b, int64_t *out);
int psy_add_i64(int64_t a, int64_t b, int64_t *out);

/* Locale-independent number parsing of a whole (trimmed) field: 1 on success. strtod-compatible
 * syntax with '.' as the decimal point; "nan"/"inf" are refused unless allowed by the caller. */
int psy_parse_double(const char *text, size_t len, double *out);
int psy_parse_int64(const char *text, size_t len, int64_t *out);

/* Copies a field of len bytes into dst (size dst_size), trimming spaces and NULs, always
 * NUL-terminated; non-UTF-8 bytes are replaced with '?'. Returns the number of replaced bytes. */
int psy_copy_field(char *dst, size_t dst_size, const char *src, size_t len);

/* 1 when the len bytes at s are valid UTF-8. */
int psy_is_utf8(const char *s, size_t len);

/* Converts Windows-1252 (a superset of ISO 8859-1 in the printable range) to UTF-8 into dst,
 * always NUL-terminated (truncated at a character boundary). Returns the bytes written. */
size_t psy_cp1252_to_utf8(char *dst, size_t dst_size, const char *src, size_t len);

/* Case-insensitive ASCII comparisons. */
int psy_strieq(const char *a, const char *b);
int psy_has_suffix_ci(const char *s, const char *suffix);

/* Derives unit/conversion for a channel of `type` whose file unit is info->file_unit
 * (fills info->unit, conversion, conversion_scale). */
void psy_channel_apply_units(psy_channel_info *info);

/* Format readers, each opening from a source (psy_reader_open_source dispatches). On success
 * they return a finished reader that has adopted src. On failure they leave src open. */
psy_status psy_open_edf(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
psy_status psy_open_wfdb(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
psy_status psy_open_wfdb_annotations(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
psy_status psy_open_sndfile(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
psy_status psy_open_ishne(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
psy_status psy_open_text(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
psy_status psy_open_acq(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
psy_status psy_open_brainvision(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
psy_status psy_open_opensignals(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
psy_status psy_open_xdf(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why);
/* 1 when the first bytes are an XDF file's magic "XDF:". */
int psy_xdf_probe(const unsigned char *head, size_t n);
/* 1 when the first bytes are an OpenSignals text file's first line. */
int psy_opensignals_probe(const unsigned char *head, size_t n);


/* Device exports recognised inside psy_open_text before generic CSV: RR/IBI lists (ms or s,
 * time+RR columns, beat-time lists), Empatica E4 CSVs, Garmin logs,
 * vendor beat lists. Returns PSY_E_UNKNOWN_FORMAT (src untouched, why empty) when the content
 * is not one of them, so the caller can go on with generic CSV. */
psy_status psy_open_device_text(psy_source *src, const psy_open_options *opt, psy_reader **out,
                                psy_message *why);

/* Recordings of several files read as one. A session folder (session_folder.c: an Empatica E4,
 * Garmin log or Holter folder, or several of them, recognised as psy_is_session_folder does; a
 * file it does not read is named in a warning): PSY_E_IO ("is a directory, not a recording ...",
 * with why when data.csv beside acc.csv is no Garmin log) when dir is none of them. A BIDS
 * physio run split by rate, named by its physio file name without the recording entity
 * (dir/sub-01_task-x_physio.tsv.gz for dir/sub-01_task-x_recording-<label>_physio.tsv.gz ...):
 * PSY_E_NOT_FOUND (why untouched) when no such file exists. */
psy_status psy_open_folder(const char *dir, psy_reader **out, psy_message *why);
psy_status psy_open_bids_run(const char *path, psy_reader **out, psy_message *why);

/* The WFDB header to open instead of `path`, or NULL: "rec" when rec.hea exists and rec does not;
 * a signal file (.dat, FLAC, WAV, .mat) that a .hea in the same directory names. Malloc'd. */
char *psy_wfdb_header_for_path(const char *path);

#endif
