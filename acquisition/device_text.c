/* Device and software exports that are not generic CSV, tried before it by psy_open_text.
 * Order matters only for speed and safety: the readers with a distinctive first line
 * (Garmin timestamps, a Movesense banner, Empatica start/rate lines with a known file name, a vendor beat list's
 * "00000000", an episode table's "Init_time" header) go before the RR/beat-time list, whose
 * content checks are statistical. */
#include <stddef.h>

#include "device_readers.h"

/* The exports a forced format names, each refused with what it lacks when the file is not one. */
static const struct {
    const char *format;
    psy_status (*open)(psy_source *src, psy_reader **out, psy_message *why);
    const char *lacks;
} forced[] = {
    {"movesense", psy_open_movesense, "not a Movesense export: no banner line with DD.MM.YYhh.mm.ss and a rate, "
                                      "or no known header"},
    {"garmin", psy_open_garmin, "not a Garmin log: no 'timestamp;TYPE;value' or 'timestamp;x;y;z' first line "
                                "with an ISO 8601 time"},
    {"beat-list", psy_open_beat_list, "not a beat list: no line of digits followed by 'time_s label' lines"},
};

psy_status psy_open_device_text(psy_source *src, const psy_open_options *opt, psy_reader **out,
                                psy_message *why)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src) return psy_fail(why, PSY_E_INVALID, "no source");
    const char *format = opt ? opt->format : NULL;
    psy_status st;
    for (size_t i = 0; format && i < sizeof forced / sizeof forced[0]; i++) {
        if (!psy_strieq(format, forced[i].format)) continue;
        st = forced[i].open(src, out, why);
        return st == PSY_E_UNKNOWN_FORMAT ? psy_fail(why, PSY_E_FORMAT, "%s", forced[i].lacks) : st;
    }
    int force_rr = format && psy_strieq(format, "rr");
    int force_e4 = format && psy_strieq(format, "empatica");
    /* A named generic format (csv, tsv, bids) means a sampled signal. A given sampling rate
     * does not: it is for the files without a rate (the rate rule, recording.h), and device
     * exports are known by their content; only a bare column of numbers is then a signal. */
    if (format && !force_rr && !force_e4 && !psy_strieq(format, "text")) return PSY_E_UNKNOWN_FORMAT;
    int rate_given = opt && opt->sampling_rate_hz > 0;

    if (force_rr) return psy_open_rr_list(src, 1, 0, out, why);
    if ((st = psy_open_empatica(src, force_e4, out, why)) != PSY_E_UNKNOWN_FORMAT || force_e4)
        return st;
    if ((st = psy_open_garmin(src, out, why)) != PSY_E_UNKNOWN_FORMAT) return st;
    if ((st = psy_open_movesense(src, out, why)) != PSY_E_UNKNOWN_FORMAT) return st;
    if ((st = psy_open_beat_list(src, out, why)) != PSY_E_UNKNOWN_FORMAT) return st;
    if ((st = psy_open_episode_list(src, out, why)) != PSY_E_UNKNOWN_FORMAT) return st;
    return psy_open_rr_list(src, 0, rate_given, out, why);
}
