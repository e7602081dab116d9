/* psyphys — a recording made of the caller's arrays (a device SDK's buffers, a notebook's
 * signals), read like any file: psy_session_run, psy_beats_detect, psy_eda_analyze and the
 * rest take it as they take a recording opened from disk. */
#ifndef PSYPHYS_READER_ARRAYS_H
#define PSYPHYS_READER_ARRAYS_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/export.h"
#include "psyphys/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One channel: n samples in `unit` (NaN = missing), either regular at rate_hz (> 0, times_s
 * NULL) or irregular (rate_hz 0, times_s: n increasing sample times in s, e.g. an RR list). */
typedef struct psy_array_channel {
    const char *label;       /* required, UTF-8 (truncated to PSY_LABEL_SIZE - 1 bytes) */
    psy_channel_type type;   /* PSY_CH_OTHER: inferred from the label and unit */
    const char *unit;        /* "mV", "uS", "ms", ...; NULL: none (a unit is derived as for files) */
    double rate_hz;
    const double *samples;
    const double *times_s;
    int64_t n;
} psy_array_channel;

/* A recording of n_channels channels (1 .. 4096) and n_events session events (may be 0; label
 * and detail copied), starting at time 0. The samples are copied: the caller's arrays may be
 * freed after the call. *out is closed with psy_reader_close. PSY_OK; PSY_E_INVALID (NULL, no
 * channel, no label, a rate that is neither > 0 nor 0 with times, n < 0, times not increasing,
 * an event without a finite onset: why says which), PSY_E_NOMEM. */
PSY_API psy_status psy_reader_from_arrays(const psy_array_channel *channels, int n_channels, const psy_event *events,
                                  size_t n_events, psy_reader **out, psy_message *why);

/* The same without copying the samples and times: the reader reads the caller's arrays in place,
 * so they must stay unchanged and alive until psy_reader_close (a binding that holds the arrays,
 * a signal too large to hold twice). Labels, units and events are copied as above. Same returns. */
PSY_API psy_status psy_reader_from_arrays_borrowed(const psy_array_channel *channels, int n_channels,
                                                   const psy_event *events, size_t n_events, psy_reader **out,
                                                   psy_message *why);

#ifdef __cplusplus
}
#endif
#endif
