/* Internal: the device-export readers tried in turn by psy_open_device_text. Each returns
 * PSY_E_UNKNOWN_FORMAT (src untouched, why empty) when the content is not its format, so the
 * next one (and finally generic CSV) can try; on success a finished reader that adopted src.
 * `forced` is 1 when the caller named the format (psy_open_options.format), which relaxes the
 * content checks that keep generic CSV files out. `rate_given` is 1 when the caller gave a
 * sampling rate (the rate rule, recording.h): a bare column of numbers without a header, which
 * content cannot tell from a sampled signal, is then left to generic CSV as a signal. */
#ifndef PSYPHYS_DEVICE_READERS_H
#define PSYPHYS_DEVICE_READERS_H

#include "reader_impl.h"

psy_status psy_open_rr_list(psy_source *src, int forced, int rate_given, psy_reader **out,
                            psy_message *why);
psy_status psy_open_empatica(psy_source *src, int forced, psy_reader **out, psy_message *why);
psy_status psy_open_garmin(psy_source *src, psy_reader **out, psy_message *why);
/* Which Garmin layout the first line of a file has, from its first bytes head[0..n) (up to
 * GARMIN_HEAD are enough): 3 = data log (time;TYPE;value), 4 = accelerometer (time;x;y;z), 0 =
 * neither (or no whole line in them). */
#define GARMIN_HEAD 512
int garmin_layout(const char *head, size_t n);
psy_status psy_open_beat_list(psy_source *src, psy_reader **out, psy_message *why);
psy_status psy_open_episode_list(psy_source *src, psy_reader **out, psy_message *why);
psy_status psy_open_movesense(psy_source *src, psy_reader **out, psy_message *why);
/* The Movesense heart-rate export (movesense_hr.c), its rows from file offset body (line
 * body_line); banner_time: the banner's date-time, for the warnings. */
psy_status movesense_hr_open(psy_source *src, int64_t body, int64_t body_line, const char *banner_time,
                             psy_reader **out, psy_message *why);

#endif
