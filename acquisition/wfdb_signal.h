/* Internal: WFDB signal file formats (signal(5) of the WFDB Programmer's Guide): sample sizes,
 * invalid-sample codes and decoding of packed byte streams into integer samples. */
#ifndef PSYPHYS_WFDB_SIGNAL_H
#define PSYPHYS_WFDB_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

/* 1 for 0 (null), 8, 16, 61, 80, 160, 212, 310, 311, 24, 32, 508, 516, 524. */
int wfdb_format_supported(int format);
/* 1 for the FLAC-stored formats 508/516/524. */
int wfdb_format_is_flac(int format);
/* Default ADC resolution in bits (header(5)). */
int wfdb_format_default_bits(int format);
/* Samples per packing group (2 for 212, 3 for 310/311, else 1) and the group's size in bytes. */
int wfdb_format_group_samples(int format);
int wfdb_format_group_bytes(int format);
/* The value WFDB writes for an invalid sample (signal(5)); INT32_MIN when none (format 8). */
int32_t wfdb_format_invalid(int format);
/* Bytes that hold the first n samples of a stream (a partial group counts the bytes it needs). */
int64_t wfdb_format_bytes_for(int format, int64_t n);
/* Samples that `bytes` bytes hold completely. */
int64_t wfdb_format_samples_in(int format, int64_t bytes);

/* Decodes n samples from bytes (which start on a group boundary) into out. Format 8 (first
 * differences) continues from *prev per sample slot: prev has `slots` entries and the sample at
 * flat index i belongs to slot i % slots; other formats ignore prev. Bytes past `avail` read as 0. */
void wfdb_decode(int format, const uint8_t *bytes, size_t avail, size_t n, int32_t *out, int32_t *prev,
                 size_t slots);

#endif
