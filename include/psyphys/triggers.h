/* psyphys — session events from trigger channels (photosensor, TTL line, BDF Status).
 *
 * Two kinds of trigger:
 *  - level: a pulse is a run of samples past a threshold (a photosensor dims while a stimulus is
 *    on screen, a TTL line goes high); its event starts at the first sample past the threshold
 *    and lasts until the signal comes back;
 *  - bits: the channel stores codes as integers (BioSemi Status: the low 16 bits); every change
 *    to a non-zero code starts an event labelled with the code, lasting while the code holds.
 * The channel is read block by block (three passes for a level trigger: range, polarity, pulses),
 * so memory is bounded by the events found. */
#ifndef PSYPHYS_TRIGGERS_H
#define PSYPHYS_TRIGGERS_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/recording.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum psy_trigger_mode {
    PSY_TRIGGER_AUTO = 0, /* bits for a channel labelled Status with an integer range, else level */
    PSY_TRIGGER_LEVEL,
    PSY_TRIGGER_BITS
} psy_trigger_mode;

typedef struct psy_trigger_config {
    psy_trigger_mode mode;
    double threshold;      /* level: NaN (default) = midway between the channel's min and max */
    int polarity;          /* level: +1 active above the threshold, -1 below, 0 (default): the
                              side the signal spends less time on (stimuli are the exception) */
    double min_gap_s;      /* pulses closer than this are one (debounce), default 0 */
    uint32_t mask;         /* bits: the bits that carry codes, default 0xFFFF (BioSemi) */
    uint64_t reserved[PSY_RESERVED_WORDS]; /* zero: room for settings to come (psyphys/export.h) */
} psy_trigger_config;

PSY_API psy_trigger_config psy_trigger_config_default(void);

/* Finds the pulses of channel ch and adds them to the recording as events (source
 * PSY_EVENTS_TRIGGER; label: the channel's label for a level trigger, the code for bits; sample:
 * the first sample at the channel's rate; detail "channel=<label>"). *n_found (may be NULL) gets
 * their count. PSY_OK (also when there are none), PSY_E_INVALID (an irregular channel, bits on
 * a channel without an integer range, a constant channel without a threshold), PSY_E_NOMEM, or a
 * read error. */
PSY_API psy_status psy_trigger_events(psy_reader *reader, int ch, const psy_trigger_config *config,
                                      size_t *n_found, psy_message *why);

#ifdef __cplusplus
}
#endif
#endif
