/* WFDB records (.hea + signal files + annotation files) and annotation files opened directly.
 * Formats: header(5), signal(5), annot(5) of the WFDB Programmer's Guide (PhysioNet). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wfdb_annot.h"
#include "wfdb_data.h"
#include "wfdb_header.h"

/* Annotators looked for beside a record, in this order (the usual PhysioNet extensions; "resp" and
 * "breath" hold breaths, as in MARSH and the BIDMC PPG and Respiration Dataset). */
static const char *const annotators[] = {"atr",  "qrs", "ecg", "ann", "pvc",     "wqrs", "gqrs",
                                         "sqrs", "man", "apn", "st",  "arousal", "resp", "breath", NULL};

/* The file name without directory and without its last extension, into buf. */
static void record_stem(const char *name, char *buf, size_t size)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    snprintf(buf, size, "%s", base);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf) *dot = '\0';
}

static int starts_with_magic(psy_source *src)
{
    char head[8];
    if (psy_source_read_exact(src, 0, head, sizeof head) != PSY_OK) return 0;
    return memcmp(head, "ISHNE1.0", 8) == 0 || memcmp(head, "ANN  1.0", 8) == 0;
}

/* Loads the annotation files beside the record. A broken one is skipped with a warning rather
 * than failing the record: the events it gave are dropped again. */
static psy_status load_annotations(psy_source *hea, const char *stem, double rate, psy_reader *r,
                                   int64_t *last_sample)
{
    char found[256] = "";
    int nfound = 0;
    *last_sample = -1;
    for (const char *const *ext = annotators; *ext; ext++) {
        char name[300];
        snprintf(name, sizeof name, "%s.%s", stem, *ext);
        psy_source *src = NULL;
        if (psy_source_open_related(hea, name, &src) != PSY_OK) continue;
        if (starts_with_magic(src)) { /* an ISHNE Holter .ecg, not annotations */
            psy_source_close(src);
            continue;
        }
        wfdb_annot_summary sum;
        psy_message why = {{0}};
        size_t before = psy_reader_event_count(r);
        psy_status st = wfdb_read_annotations(src, rate, r, &sum, &why);
        psy_source_close(src);
        if (st != PSY_OK) psy_reader_drop_events(r, before);
        if (st == PSY_E_NOMEM) return PSY_E_NOMEM;
        if (st != PSY_OK) {
            psy_reader_warn(r, "annotation file '%s' was ignored: %s", name, why.text);
            continue;
        }
        if (sum.last_sample > *last_sample) *last_sample = sum.last_sample;
        size_t used = strlen(found);
        snprintf(found + used, sizeof found - used, "%s%s (%lld)", nfound ? ", " : "", *ext,
                 (long long)sum.count);
        nfound++;
    }
    if (nfound > 1)
        psy_reader_warn(r, "WFDB events merged from %d annotators: %s; each event's label is its mnemonic",
                        nfound, found);
    return PSY_OK;
}

static void add_channels(const wfdb_header *h, int64_t nframes, psy_reader *r, int *ok)
{
    for (int i = 0; i < h->nsig && *ok; i++) {
        const wfdb_signal *s = &h->sig[i];
        psy_channel_info c = {0};
        if (s->description[0])
            snprintf(c.label, sizeof c.label, "%s", s->description);
        else
            snprintf(c.label, sizeof c.label, "signal %d", i);
        snprintf(c.file_unit, sizeof c.file_unit, "%s", s->units);
        c.rate_hz = h->frame_rate * s->spf;
        c.frames = nframes * s->spf;
        /* the ADC's digital range around adc_zero, in physical units */
        double half = ldexp(1.0, s->adc_resolution - 1);
        double lo = ((double)s->adc_zero - half - s->baseline) / s->gain;
        double hi = ((double)s->adc_zero + half - 1 - s->baseline) / s->gain;
        c.physical_min = lo < hi ? lo : hi;
        c.physical_max = lo < hi ? hi : lo;
        c.resolution = 1.0 / fabs(s->gain);
        if (psy_reader_add_channel(r, &c, 1) < 0) *ok = 0;
    }
}

static const psy_reader_ops wfdb_ops = {wfdb_data_read, NULL, wfdb_data_destroy};

/* The frame rate under the rate rule (recording.h): the header's, or the given rate where the
 * header has none or it is overridden; the fastest channel (spf samples a frame) gets the given
 * rate. The override is applied here rather than by psy_reader_rescale_clock so that annotation
 * times stay exact multiples of the sample period. */
static double frame_rate(const wfdb_header *h, const psy_open_options *opt, psy_reader *r)
{
    int max_spf = 1;
    for (int i = 0; i < h->nsig; i++)
        if (h->sig[i].spf > max_spf) max_spf = h->sig[i].spf;
    double given = opt ? opt->sampling_rate_hz : 0;
    if (!h->has_frequency && given > 0) {
        psy_reader_set_rate_origin(r, PSY_RATE_GIVEN);
        return given / max_spf;
    }
    if (!h->has_frequency) {
        psy_reader_warn(r, "WFDB header gives no sampling frequency: the default 250 Hz is assumed");
        psy_reader_set_declared_rate(r, 0);
        return h->frame_rate;
    }
    double declared = h->frame_rate * max_spf;
    psy_reader_set_declared_rate(r, declared);
    if (!(given > 0) || !opt->override_rate || fabs(given - declared) <= 1e-9 * declared) return h->frame_rate;
    psy_reader_note_override(r, declared, given);
    return given / max_spf;
}

psy_status psy_open_wfdb(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src) return psy_fail(why, PSY_E_INVALID, "no source");
    psy_reader *r = psy_reader_new("WFDB");
    if (!r) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    wfdb_header h;
    psy_status st = wfdb_header_read(src, &h, r, why);
    if (st != PSY_OK) {
        psy_reader_discard(r);
        return st;
    }
    h.frame_rate = frame_rate(&h, opt, r);
    wfdb_data *data = NULL;
    int64_t nframes = h.nframes;
    if (h.nsig > 0) {
        st = wfdb_data_open(src, &h, r, &data, &nframes, why);
        if (st != PSY_OK) {
            wfdb_header_free(&h);
            psy_reader_discard(r);
            return st;
        }
        psy_reader_set_impl(r, &wfdb_ops, data);
    }
    for (int i = 0; i < h.nsig; i++) {
        int64_t samples;
        if (!psy_mul_i64(nframes, h.sig[i].spf, &samples)) {
            st = psy_fail(why, PSY_E_FORMAT, "number of samples %lld times %d samples per frame overflows",
                          (long long)nframes, h.sig[i].spf);
            wfdb_header_free(&h);
            psy_reader_discard(r);
            return st;
        }
    }
    int ok = 1;
    add_channels(&h, nframes, r, &ok);
    if (h.start.known)
        psy_reader_set_start(r, &h.start);
    else if (h.has_base_time)
        psy_reader_warn(r, "WFDB base time %02d:%02d:%02d has no base date: the start time is left unknown",
                        h.start.hour, h.start.minute, h.start.second);
    char stem[WFDB_NAME_SIZE];
    record_stem(psy_source_name(src), stem, sizeof stem);
    if (!stem[0]) snprintf(stem, sizeof stem, "%s", h.record);
    int64_t last_sample = -1;
    int annotations = h.nsig == 0 || !(opt && opt->skip_annotations); /* an annotation-only record is them */
    if (ok && annotations && load_annotations(src, stem, h.frame_rate, r, &last_sample) != PSY_OK) ok = 0;
    if (ok && h.nsig == 0) { /* annotation-only record: its span from the header or the events */
        double dur = nframes > 0        ? (double)nframes / h.frame_rate
                     : last_sample >= 0 ? (double)last_sample / h.frame_rate
                                        : 0;
        if (psy_reader_add_stretch(r, 0, dur) != PSY_OK) ok = 0;
    }
    wfdb_header_free(&h);
    if (!ok || psy_reader_finish(r) != PSY_OK) {
        psy_reader_discard(r);
        return psy_fail(why, PSY_E_NOMEM, "out of memory");
    }
    psy_reader_adopt_source(r, src);
    *out = r;
    return PSY_OK;
}

psy_status psy_open_wfdb_annotations(psy_source *src, const psy_open_options *opt, psy_reader **out,
                                     psy_message *why)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src) return psy_fail(why, PSY_E_INVALID, "no source");
    psy_reader *r = psy_reader_new("WFDB");
    if (!r) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    char stem[WFDB_NAME_SIZE], name[WFDB_NAME_SIZE + 8];
    record_stem(psy_source_name(src), stem, sizeof stem);
    snprintf(name, sizeof name, "%s.hea", stem);
    wfdb_header h;
    memset(&h, 0, sizeof h);
    psy_source *hea = NULL;
    int have_header = 0;
    if (stem[0] && psy_source_open_related(src, name, &hea) == PSY_OK) {
        psy_message ignored;
        have_header = wfdb_header_read(hea, &h, NULL, &ignored) == PSY_OK;
        psy_source_close(hea);
        if (!have_header)
            psy_reader_warn(r, "the record header '%s' beside it is unreadable: %s", name, ignored.text);
    }
    double rate;
    if (have_header) {
        rate = frame_rate(&h, opt, r);
        if (h.start.known) psy_reader_set_start(r, &h.start);
    } else if (opt && opt->sampling_rate_hz > 0) {
        rate = opt->sampling_rate_hz;
        psy_reader_set_rate_origin(r, PSY_RATE_GIVEN);
    } else {
        psy_reader_discard(r);
        return psy_fail(why, PSY_E_INVALID,
                        "WFDB annotation file without its record header '%s': give the sampling rate (--fs)",
                        name);
    }
    wfdb_annot_summary sum;
    psy_status st = wfdb_read_annotations(src, rate, r, &sum, why);
    if (st == PSY_OK) {
        double dur = have_header && h.nframes > 0 ? (double)h.nframes / rate
                     : sum.last_sample >= 0       ? (double)sum.last_sample / rate
                                                  : 0;
        st = psy_reader_add_stretch(r, 0, dur);
        if (st == PSY_OK) st = psy_reader_finish(r);
        if (st != PSY_OK) psy_fail(why, st, "out of memory");
    }
    wfdb_header_free(&h);
    return psy_reader_conclude(r, st, src, out);
}
