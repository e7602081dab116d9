/* psyphys — the lines and messages `psyphys stream` sends for each output of a live stream
 * (psyphys/stream.h): one JSON object per line, and OSC messages. A biofeedback program that
 * formats its outputs with these sends what `psyphys stream` sends, byte for byte.
 *
 *     psy_stream_output x[64];
 *     char line[PSY_STREAM_LINE_MAX];
 *     psy_osc_message m[PSY_STREAM_OSC_MAX];
 *     uint8_t packet[PSY_OSC_PACKET_MAX];
 *     for (size_t i = 0, k = psy_stream_poll(s, x, 64); i < k; i++) {
 *         fwrite(line, 1, psy_stream_json_line(&x[i], line, sizeof line), stdout);
 *         for (size_t j = 0, n = psy_stream_osc_messages(&x[i], m); j < n; j++)
 *             send(fd, packet, psy_osc_encode(&m[j], packet, sizeof packet), 0);
 *     }
 *
 * JSON lines: {"type": psy_stream_kind_name, "onset": s (6 decimals), then per kind (null for
 * NaN): beat: sample (null without one), rr_ms; hr: bpm; label: sample, rr_ms, label, corrected,
 * provisional (true, only when so); hrv: rmssd_ms, sdnn_ms, n_time, lf_ms2, hf_ms2, lf_hf,
 * peak_hz, peak_power_ms2, coherence_ratio, n_freq, provisional, na_reasons ({"key": "why"} of its
 * nulls, only when some); scl: scl_us, ns_scr_per_min; scr: peak, amplitude_us, rise_time_s,
 * half_recovery_s; breath: peak, end, duration_s, rate_per_min, amplitude, rsa_p2t_ms, hr_osc_bpm,
 * na_reasons; status: condition, count (output_dropped), reason (ppg_lost), input and gap_s
 * (time_jump)}, ending in "\n".
 *
 * OSC address space (OSC 1.0; every message starts with the onset in s, float32):
 *   /psyphys/beat      onset f, sample i (-1 for RR input), rr_ms f (NaN first of a stretch)
 *   /psyphys/hr        onset f, bpm f
 *   /psyphys/label     onset f, sample i, label s ("N", "ectopic", ...), corrected i
 *   /psyphys/rmssd     onset f, rmssd_ms f, sdnn_ms f
 *   /psyphys/lfhf      onset f, lf_hf f, lf_ms2 f, hf_ms2 f
 *   /psyphys/resonance onset f, peak_hz f, peak_power_ms2 f
 *   /psyphys/coherence onset f, coherence_ratio f
 *   /psyphys/breath    onset f, duration_s f, rate_per_min f, amplitude f, rsa_p2t_ms f, hr_osc_bpm f
 *   /psyphys/scl       onset f, scl_us f, ns_scr_per_min f
 *   /psyphys/scr       onset f, amplitude_us f, peak f, rise_time_s f
 *   /psyphys/status    onset f, condition s, detail s (time_jump: "heart 166.636000 s", the input and
 *                      its gap)
 *   /psyphys/provisional/{label,rmssd,lfhf,resonance,coherence}: a beat's provisional label and
 *                      HRV, arguments as above.
 * Nothing here allocates; every buffer is the caller's. */
#ifndef PSYPHYS_STREAM_FORMAT_H
#define PSYPHYS_STREAM_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "psyphys/export.h"
#include "psyphys/stream.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Enough for the longest line (an hrv line with every reason, about 1000 bytes). */
#define PSY_STREAM_LINE_MAX 2048

/* Writes the JSON line of one output into buf (NUL-terminated) and returns its length (the
 * "\n" included). Only the fields of x's kind are read, its reasons among them (scl_na when
 * scl_us is NaN ...): a program that fills an output itself zeroes it before filling it. A buffer shorter than PSY_STREAM_LINE_MAX may leave fields out (each is
 * written whole or not at all); 0 for NULL or size 0. */
PSY_API size_t psy_stream_json_line(const psy_stream_output *x, char *buf, size_t size);

/* The JSON line of a condition a program notices itself (malformed input, a lost peer), as
 * `psyphys stream` writes its own: {"type":"status","onset":s or null (NaN),"condition":
 * condition,"detail":detail (a JSON string, "" for NULL)}. Same returns; 0 when it does not fit. */
PSY_API size_t psy_stream_status_json_line(double onset_s, const char *condition, const char *detail, char *buf,
                                           size_t size);

/* One OSC message: its address and arguments ('f' float32 in f, 'i' int32 in i, 's' a string
 * in s, cut at PSY_OSC_TEXT_MAX - 1 bytes). */
#define PSY_OSC_MAX_ARGS 6
#define PSY_OSC_TEXT_MAX 256
typedef struct psy_osc_arg {
    char type;
    float f;
    int32_t i;
    char s[PSY_OSC_TEXT_MAX];
} psy_osc_arg;

typedef struct psy_osc_message {
    const char *address;   /* static */
    int n_args;
    psy_osc_arg args[PSY_OSC_MAX_ARGS];
} psy_osc_message;

/* The most messages one output gives (an hrv output: rmssd, lfhf, resonance, coherence). */
#define PSY_STREAM_OSC_MAX 4

/* The OSC messages of one output into out; returns how many (0 for a kind without messages, or
 * NULL). */
PSY_API size_t psy_stream_osc_messages(const psy_stream_output *x, psy_osc_message out[PSY_STREAM_OSC_MAX]);

/* The /psyphys/status message of a condition a program notices itself (detail NULL: ""). */
PSY_API void psy_stream_osc_status(double onset_s, const char *condition, const char *detail, psy_osc_message *out);

/* The largest encoded message (the address, 6 type tags and 6 strings of PSY_OSC_TEXT_MAX). */
#define PSY_OSC_PACKET_MAX (64 + 8 + PSY_OSC_MAX_ARGS * PSY_OSC_TEXT_MAX)

/* Encodes a message as an OSC 1.0 packet (the address and the type tag string NUL-padded to a
 * multiple of 4 bytes, numbers big-endian, strings NUL-padded) into buf; returns its length, 0
 * when it does not fit in cap or m is NULL. */
PSY_API size_t psy_osc_encode(const psy_osc_message *m, uint8_t *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
