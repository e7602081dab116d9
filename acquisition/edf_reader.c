/* psy_open_edf: EDF, EDF+C, EDF+D, BDF, BDF+C, BDF+D.
 * Our header parse always runs (it validates against the real file size and builds the
 * channels); conformant files opened by path are then read by EDFlib, the rest by our own record
 * reader (edf_data.c) and TAL parser (edf_tal.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "edf_build.h"
#include "edf_data.h"
#include "edf_tal.h"
#include "reference_marks.h"

typedef struct own_impl {
    edf_data *data;
    int *map; /* channel -> signal */
} own_impl;

static psy_status own_read(void *impl, int ch, int64_t start, int64_t n, double *out)
{
    own_impl *o = impl;
    return edf_data_read(o->data, o->map[ch], start, n, out);
}

static void own_destroy(void *impl)
{
    own_impl *o = impl;
    if (!o) return;
    edf_data_free(o->data);
    free(o->map);
    free(o);
}

static const psy_reader_ops own_ops = {own_read, NULL, own_destroy};

/* ---- start date-time --------------------------------------------------------------------- */

/* The header's start plus the first record's time-keeping onset (EDF+ 2.2.4: the start time of
 * the first sample is the header's start time plus that onset, which carries the sub-second). */
static psy_datetime start_plus(psy_datetime dt, double t0) { return psy_datetime_add(dt, t0); }

/* ---- annotations and record onsets (own parser) ------------------------------------------- */

typedef struct scan_ctx {
    psy_reader *r;
    double t0;
    psy_status st;
} scan_ctx;

static int on_text(void *ctx, double onset, double duration, const char *text, size_t len)
{
    scan_ctx *c = ctx;
    c->st = edf_add_event(c->r, onset - c->t0, duration, text, len);
    return c->st == PSY_OK;
}

static int ignore_text(void *ctx, double onset, double duration, const char *text, size_t len)
{
    (void)ctx, (void)onset, (void)duration, (void)text, (void)len;
    return 1;
}

static int first_annotation_signal(const edf_header *hdr)
{
    for (int i = 0; i < hdr->n_signals; i++)
        if (hdr->signals[i].is_annotation) return i;
    return -1;
}

/* The time-keeping onset of the first data record (0 when there is none). */
static psy_status first_timekeeping(edf_data *d, psy_reader *r, double *t0, psy_message *why)
{
    const edf_header *hdr = edf_data_header(d);
    *t0 = 0;
    int a = first_annotation_signal(hdr);
    if (a < 0 || hdr->n_records == 0) return PSY_OK;
    const unsigned char *bytes;
    size_t len;
    psy_status st = edf_data_segment(d, 0, a, &bytes, &len);
    if (st != PSY_OK) return psy_fail(why, st, "cannot read the first data record");
    edf_tal_result res;
    edf_tal_parse(bytes, len, ignore_text, NULL, &res);
    if (res.has_timekeeping) *t0 = res.timekeeping;
    else psy_reader_warn(r, "EDF+: the first data record has no time-keeping TAL: start offset taken as 0");
    return PSY_OK;
}

typedef struct run_state {
    double onset, expected; /* current run's onset and where the next adjacent record starts */
    int64_t records;
    int64_t gaps, overlaps;
} run_state;

static psy_status close_run(psy_reader *r, const edf_header *hdr, run_state *run)
{
    if (run->records == 0) return PSY_OK;
    return psy_reader_add_stretch(r, run->onset, (double)run->records * hdr->record_duration);
}

/* Reads every TAL of every annotation signal of every record: events, and for EDF+D the
 * stretches of adjacent records (Kemp & Olivan 2003, 2.2.4: each record's time-keeping TAL). */
static psy_status scan_annotations(edf_data *d, psy_reader *r, double t0, psy_message *why)
{
    const edf_header *hdr = edf_data_header(d);
    scan_ctx ctx = {r, t0, PSY_OK};
    run_state run = {0, 0, 0, 0, 0};
    int64_t missing_tk = 0, malformed = 0, first_bad_record = -1, unterminated = 0;
    char first_problem[96] = "";
    const double dur = hdr->record_duration;
    const double tol = 1e-6 + dur * 1e-9;
    int contiguity_warned = 0;
    for (int64_t rec = 0; rec < hdr->n_records; rec++) {
        int first_signal = 1;
        double onset = run.records ? run.expected : 0;
        for (int i = 0; i < hdr->n_signals; i++) {
            if (!hdr->signals[i].is_annotation) continue;
            const unsigned char *bytes;
            size_t len;
            psy_status st = edf_data_segment(d, rec, i, &bytes, &len);
            if (st != PSY_OK)
                return psy_fail(why, st, "cannot read data record %lld", (long long)rec + 1);
            edf_tal_result res;
            edf_tal_parse(bytes, len, on_text, &ctx, &res);
            if (ctx.st != PSY_OK) return psy_fail(why, ctx.st, "out of memory for annotations");
            unterminated += res.unterminated;
            if (res.malformed) {
                if (!malformed) {
                    first_bad_record = rec;
                    memcpy(first_problem, res.first_problem, sizeof first_problem);
                }
                malformed += res.malformed;
            }
            if (first_signal) {
                if (res.has_timekeeping) onset = res.timekeeping - t0;
                else missing_tk++;
            }
            first_signal = 0;
        }
        if (run.records && fabs(onset - run.expected) > tol) {
            if (!hdr->discontinuous) {
                if (!contiguity_warned++)
                    psy_reader_warn(r, "EDF+C, yet data record %lld starts at %.6f s instead of %.6f s (read as continuous)",
                                    (long long)rec + 1, onset, run.expected);
            } else {
                if (onset < run.expected) run.overlaps++;
                else run.gaps++;
                psy_status st = close_run(r, hdr, &run);
                if (st != PSY_OK) return psy_fail(why, st, "out of memory for stretches");
                run.records = 0;
            }
        }
        if (run.records == 0) run.onset = onset;
        run.records++;
        run.expected = run.onset + (double)run.records * dur;
    }
    if (hdr->discontinuous) {
        psy_status st = close_run(r, hdr, &run);
        if (st != PSY_OK) return psy_fail(why, st, "out of memory for stretches");
        psy_reader_warn(r, "%s: %lld gaps between data records%s", hdr->is_bdf ? "BDF+D" : "EDF+D",
                            (long long)(run.gaps + run.overlaps),
                            run.overlaps ? " (some records overlap or go back in time)" : "");
    }
    if (unterminated)
        psy_reader_warn(r, "%lld time-keeping TALs are not ended by a 0x00 byte before the next TAL (read as two TALs)",
                        (long long)unterminated);
    if (missing_tk)
        psy_reader_warn(r, "%lld data records have no time-keeping TAL (taken as adjacent)", (long long)missing_tk);
    if (malformed)
        psy_reader_warn(r, "%lld malformed TALs skipped, the first in data record %lld: %s",
                        (long long)malformed, (long long)first_bad_record + 1, first_problem);
    return PSY_OK;
}

/* ---- opening ------------------------------------------------------------------------------ */

static psy_status open_own(psy_reader *r, edf_data *d, int *map, double t0, psy_message *why)
{
    const edf_header *hdr = edf_data_header(d);
    if (hdr->n_annotation_signals) {
        psy_status st = scan_annotations(d, r, t0, why);
        if (st != PSY_OK) return st;
    }
    own_impl *o = malloc(sizeof *o);
    if (!o) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    o->data = d;
    o->map = map;
    psy_reader_set_impl(r, &own_ops, o);
    return PSY_OK;
}

psy_status psy_open_edf(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why)
{
    if (!src || !out) return psy_fail(why, PSY_E_INVALID, "no source");
    *out = NULL;
    psy_reader *r = psy_reader_new("EDF");
    if (!r) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    edf_header hdr;
    psy_status st = edf_header_parse(src, r, &hdr, why);
    if (st != PSY_OK) {
        psy_reader_discard(r);
        return st;
    }
    if (hdr.discontinuous && !hdr.n_annotation_signals) {
        psy_reader_warn(r, "%s without an annotation signal: record onsets unknown, read as continuous",
                        hdr.is_bdf ? "BDF+D" : "EDF+D");
        hdr.discontinuous = 0;
    }
    psy_reader_set_format(r, edf_header_format(&hdr));
    const int continuous = !hdr.discontinuous;
    const double data_end_s = (double)hdr.n_records * hdr.record_duration;
    edf_data *d = edf_data_new(src, &hdr);
    if (!d) {
        edf_header_free(&hdr);
        psy_reader_discard(r);
        return psy_fail(why, PSY_E_NOMEM, "out of memory for the record cache");
    }
    int *map = NULL;
    double t0 = 0;
    st = edf_add_channels(r, edf_data_header(d), &map, why);
    if (st == PSY_OK) st = first_timekeeping(d, r, &t0, why);
    if (st == PSY_OK) {
        psy_datetime start = start_plus(edf_data_header(d)->start, t0);
        psy_reader_set_start(r, &start);
    }
    int own = 1;
    const char *path = psy_source_path(src);
    if (st == PSY_OK && path && (!opt || opt->use_libedf)) {
        char refusal[160] = "";
        psy_status lst = edf_libedf_open(path, edf_data_header(d), r, refusal, sizeof refusal);
        if (lst == PSY_OK) {
            own = 0;
        } else if (lst == PSY_E_NOT_FOUND) {
            /* EDFlib busy: the own parser gives the same result */
        } else if (lst == PSY_E_UNSUPPORTED) {
            psy_reader_warn(r, "EDFlib refused the file: %s; read by psyphys's own parser", refusal);
        } else {
            st = psy_fail(why, lst, "%s", refusal);
        }
    }
    if (st == PSY_OK && own) {
        st = open_own(r, d, map, t0, why);
        if (st == PSY_OK) d = NULL, map = NULL; /* owned by the reader now */
    }
    edf_data_free(d);
    free(map);
    if (st == PSY_OK) psy_reader_unmark_references(r);
    if (st == PSY_OK && continuous) st = edf_apply_fill_marks(r, data_end_s);
    if (st == PSY_OK) st = psy_reader_finish(r);
    return psy_reader_conclude(r, st, src, out);
}
