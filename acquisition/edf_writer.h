/* Internal: header arithmetic of the EDF+/BDF+ writer (edf_writer_header.c). */
#ifndef PSYPHYS_EDF_WRITER_H
#define PSYPHYS_EDF_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "psyphys/status.h"

/* A data-record duration (in EDFlib's 10-microsecond units, 0.001..60 s) that makes
 * rate x duration an integer within 1e-6 relative for every rate: 1 s when every rate is an
 * integer, else the shortest that works. Fills counts[i] (samples per record).
 * PSY_OK, or PSY_E_UNSUPPORTED naming the rates. */
psy_status psy_edf_record_duration(const double *rates, int n, int64_t *units_10us, int *counts,
                                   psy_message *why);

/* v rounded outward (dir < 0: down, dir > 0: up) to a decimal that fits EDF's 8-character
 * physical min/max fields, so the header holds exactly the value the samples were scaled by.
 * 1 on success, 0 when |v| is too large. */
int psy_edf_field8(double v, int dir, double *out);

/* The symbol for a unit spelt out too long for EDF's 8-byte physical dimension ("microsiemens" ->
 * "uS", "millivolts" -> "mV", as EDF+'s standard texts write them), case-insensitive; else the
 * unit itself. */
const char *psy_edf_unit_symbol(const char *unit);

/* Copies UTF-8 text as printable ASCII (EDF header fields): "µ"/"μ" -> "u", "°" -> "deg",
 * "Ω" -> "Ohm", other characters -> '_'. Truncates at size - 1 bytes. Returns 1 when the text
 * changed (replaced or truncated), else 0. */
int psy_edf_ascii(const char *utf8, char *out, size_t size);

#endif
