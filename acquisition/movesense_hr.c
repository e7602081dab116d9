/* Movesense heart-rate exports (`HR-*.csv` of the Movesense Showcase app): the banner line
 * ("HeartRate ... DD.MM.YYhh.mm.ss1"), the header `Average,RRData`, then a row per beat the
 * sensor detected: its running average heart rate (bpm) and the R-R interval ending at that beat
 * (ms; the /Meas/HR resource's `average` and `rrData`). A row with an empty RR cell brings no beat.
 *
 * The rows carry no time stamps. Beat times are therefore running sums of the intervals from the
 * beat that starts the first one (time 0), as for any RR list: a pause of the recording or a beat
 * the sensor missed moves every later beat. Nor does the file tie the first beat to a clock: the
 * banner's date-time is when the measurement was set up, and the list may begin later (in the
 * paused recordings of ../shared it begins at the resume, minutes after the banner), so the start
 * is left unknown rather than wrong, and the banner is reported in a warning.
 *
 * Output: RRData (RR, ms) and Average (HR, bpm), irregular channels at the beat times. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "device_readers.h"
#include "device_util.h"

/* An interval longer than this (ms) is no R-R interval of a living heart (6 bpm). */
#define MAX_RR_MS 10000.0

psy_status movesense_hr_open(psy_source *src, int64_t body, int64_t body_line, const char *banner_time,
                             psy_reader **out, psy_message *why)
{
    *out = NULL;
    dev_lines lr;
    psy_status st = dev_lines_open(&lr, src, DEV_CUT_LEAVE_OUT); /* "94.5,6" of "94.5,608": no 6-ms interval */
    if (st != PSY_OK) return psy_fail(why, st, "out of memory");
    dev_lines_seek(&lr, body, body_line);
    dev_store *store = dev_store_new(2, 1, dev_max_values(src));
    if (!store) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    double t = 0;
    int64_t beats = 0, no_rr = 0, implausible = 0, first_implausible = 0;
    const char *line;
    size_t len;
    int got = 0;
    while (st == PSY_OK && (got = dev_lines_next(&lr, &line, &len, &st, why)) == 1) {
        if (dev_is_blank(line, len)) continue;
        dev_field f[3];
        size_t nf = dev_split(line, len, ',', f, 3);
        double avg = NAN, rr;
        if (nf != 2) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld has %zu fields: want Average,RRData", (long long)lr.line_no, nf);
            break;
        }
        if (f[0].n && !dev_parse_number(f[0].p, f[0].n, &avg)) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld: the average heart rate is not a number", (long long)lr.line_no);
            break;
        }
        if (f[1].n == 0) { /* a notification without a beat */
            no_rr++;
            continue;
        }
        if (!dev_parse_number(f[1].p, f[1].n, &rr)) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld: the R-R interval is not a number", (long long)lr.line_no);
            break;
        }
        if (!(rr > 0 && rr <= MAX_RR_MS)) { /* no interval: it cannot advance the beat times */
            if (!implausible++) first_implausible = lr.line_no;
            continue;
        }
        t += rr * 1e-3;
        if ((st = dev_store_push(store, 0, rr, t, why)) != PSY_OK ||
            (st = dev_store_push(store, 1, isfinite(avg) && avg > 0 ? avg : NAN, t, why)) != PSY_OK)
            break;
        beats++;
    }
    dev_lines_close(&lr);
    if (st == PSY_OK && got < 0) st = PSY_E_IO;
    if (st == PSY_OK && beats == 0) st = psy_fail(why, PSY_E_FORMAT, "no R-R interval after the header");
    psy_reader *r = NULL;
    if (st == PSY_OK && !(r = psy_reader_new("Movesense heart rate"))) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    static const struct { const char *label, *unit; psy_channel_type type; } ch[2] = {
        {"RRData", "ms", PSY_CH_RR}, {"Average", "bpm", PSY_CH_HR}};
    for (int c = 0; st == PSY_OK && c < 2; c++) {
        psy_channel_info info = {0};
        snprintf(info.label, sizeof info.label, "%s", ch[c].label);
        snprintf(info.file_unit, sizeof info.file_unit, "%s", ch[c].unit);
        info.type = ch[c].type;
        info.frames = store->ch[c].n;
        info.physical_min = info.physical_max = NAN;
        if (psy_reader_add_channel(r, &info, 0) < 0) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    if (st == PSY_OK) {
        psy_reader_warn(r, "the rows have no time stamps: beat times are running sums of the R-R intervals from "
                           "the first beat (a pause or a beat the sensor missed moves every later beat)");
        psy_reader_warn(r, "start unknown: the banner's %s is when the measurement was set up, not when the first "
                           "beat came (give --offset/--events-offset to place it)", banner_time);
        dev_lines_warn_cut(&lr, r);
        if (no_rr) psy_reader_warn(r, "%lld rows without an R-R interval bring no beat", (long long)no_rr);
        if (implausible)
            psy_reader_warn(r, "%lld R-R intervals not in 0 .. %.0f ms left out (line %lld first)",
                            (long long)implausible, MAX_RR_MS, (long long)first_implausible);
        dev_store_attach(r, store);
        store = NULL;
        if (psy_reader_finish(r) != PSY_OK) st = psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    dev_store_free(store);
    return psy_reader_conclude(r, st, src, out);
}
