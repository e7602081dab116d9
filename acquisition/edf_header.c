/* EDF/BDF header parsing and validation.
 * Fixed part (256 bytes, EDF spec, Kemp et al. 1992): version 8, patient 80, recording 80,
 * start date 8 (dd.mm.yy), start time 8 (hh.mm.ss), header bytes 8, reserved 44 (EDF+: "EDF+C"/
 * "EDF+D", Kemp & Olivan 2003), number of data records 8, record duration 8, number of signals 4.
 * Then per signal, field by field for all signals: label 16, transducer 80, physical dimension 8,
 * physical min 8, physical max 8, digital min 8, digital max 8, prefiltering 80, samples per
 * record 8, reserved 32. BDF (BioSemi) is the same with version "\xffBIOSEMI" and 24-bit samples. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "civil_time.h"
#include "edf_header.h"

enum { FIXED = 256, PER_SIGNAL = 256, MAX_SIGNALS = 100000 };
/* Annotation bytes per record we accept when the file size cannot bound them (EDFlib: 64 kB). */
enum { MAX_UNSIZED_ANNOTATION = 16 << 20 };

/* Per-signal field widths and their offsets (multiplied by the signal count) in the header. */
enum {
    W_LABEL = 16, W_TRANSDUCER = 80, W_DIM = 8, W_PMIN = 8, W_PMAX = 8, W_DMIN = 8, W_DMAX = 8,
    W_PREFILTER = 80, W_SPR = 8
};
enum {
    O_LABEL = 0, O_TRANSDUCER = 16, O_DIM = 96, O_PMIN = 104, O_PMAX = 112, O_DMIN = 120,
    O_DMAX = 128, O_PREFILTER = 136, O_SPR = 216
};

/* Copies a header field as UTF-8. EDF header text must be printable ASCII (32..126); other
 * bytes are decoded as Latin-1 (0xB0 -> "°") with a warning naming the field and the byte. */
static void field_text(psy_reader *r, char *dst, size_t size, const unsigned char *src, size_t len,
                       const char *what, int signal)
{
    char tmp[4 * 80 + 1];
    size_t o = 0;
    for (size_t i = 0; i < len && o + 2 < sizeof tmp; i++) {
        unsigned char c = src[i];
        if (c >= 32 && c <= 126) {
            tmp[o++] = (char)c;
            continue;
        }
        if (signal >= 0)
            psy_reader_warn(r, "header byte 0x%02X in the %s of signal %d is not ASCII (read as Latin-1)",
                            c, what, signal + 1);
        else
            psy_reader_warn(r, "header byte 0x%02X in the %s is not ASCII (read as Latin-1)", c, what);
        if (c < 32 || c == 127) {
            tmp[o++] = ' ';
        } else if (c < 0xA0) {
            tmp[o++] = '?'; /* C1 controls have no printable Latin-1 meaning */
        } else {
            tmp[o++] = (char)(0xC0 | (c >> 6));
            tmp[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    psy_copy_field(dst, size, tmp, o);
}

static int is_blank(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ') return 0;
    return 1;
}

/* Two digits at p, or -1. */
static int two_digits(const unsigned char *p)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') return -1;
    return (p[0] - '0') * 10 + (p[1] - '0');
}

/* "dd.mm.yy" and "hh.mm.ss" (EDF spec; yy 85..99 -> 19yy, 00..84 -> 20yy). EDF+ (Kemp & Olivan
 * 2003, 2.1.3.2) puts the 4-digit year in the recording field, "Startdate dd-MMM-yyyy ...", and
 * an unknown start there as "Startdate X" (an unknown subfield is "X"); the header's date fields
 * must still hold digits. Plain EDF cannot say "unknown": 01.01.85 00.00.00, its first date at
 * midnight, is the convention for an unknown or anonymised start (EDFlib's documentation), so it
 * reads as unknown in every variant (no recording starts at that instant). */
static void parse_start(psy_reader *r, const unsigned char *h, int is_plus, psy_datetime *dt)
{
    memset(dt, 0, sizeof *dt);
    int placeholder = memcmp(h + 168, "01.01.8500.00.00", 16) == 0;
    if (memcmp(h + 88, "Startdate X", 11) == 0 && h[99] == ' ') {
        if (!placeholder) /* a date beside "unknown": say which was believed */
            psy_reader_warn(r, "the recording field says \"Startdate X\" (EDF+: unknown): the start is "
                               "unknown (the header's %.8s %.8s is not used)", (const char *)h + 168,
                            (const char *)h + 176);
        return;
    }
    if (placeholder) {
        psy_reader_warn(r, "start 01.01.85 00.00.00, EDF's placeholder for an unknown or anonymised "
                           "start: the start is unknown");
        return;
    }
    const unsigned char *d = h + 168, *t = h + 176;
    int dd = two_digits(d), mm = two_digits(d + 3), yy = two_digits(d + 6);
    int hh = two_digits(t), mi = two_digits(t + 3), ss = two_digits(t + 6);
    if (dd < 1 || dd > 31 || mm < 1 || mm > 12 || hh < 0 || hh > 23 || mi < 0 || mi > 59 ||
        ss < 0 || ss > 60) {
        /* yy may be "yy" after 2084 (EDF+); anything else is not a date */
        psy_reader_warn(r, "start date \"%.8s\" / time \"%.8s\" is not dd.mm.yy / hh.mm.ss: start unknown",
                        (const char *)d, (const char *)t);
        return;
    }
    int year = yy < 0 ? -1 : (yy >= 85 ? 1900 + yy : 2000 + yy);
    if (is_plus && memcmp(h + 88, "Startdate ", 10) == 0) {
        const unsigned char *s = h + 98; /* dd-MMM-yyyy */
        int y1 = two_digits(s + 7), y2 = two_digits(s + 9);
        if (s[2] == '-' && s[6] == '-' && y1 >= 0 && y2 >= 0 && (yy < 0 || y2 == yy)) year = y1 * 100 + y2;
    }
    if (year < 0) {
        psy_reader_warn(r, "start year \"%.2s\" is not a number: start unknown", (const char *)d + 6);
        return;
    }
    if (!psy_civil_date_exists(year, mm, dd)) { /* metadata: the signals stay readable */
        psy_reader_warn(r, "start date %04d-%02d-%02d does not exist: start unknown", year, mm, dd);
        return;
    }
    *dt = (psy_datetime){1, year, mm, dd, hh, mi, ss, 0, 0, 0};
}

static psy_status number(const unsigned char *p, size_t len, const char *what, int signal,
                         double *out, psy_message *why)
{
    if (psy_parse_double((const char *)p, len, out)) return PSY_OK;
    if (signal >= 0)
        return psy_fail(why, PSY_E_FORMAT, "%s of signal %d is not a number: \"%.*s\"", what,
                        signal + 1, (int)len, (const char *)p);
    return psy_fail(why, PSY_E_FORMAT, "%s is not a number: \"%.*s\"", what, (int)len, (const char *)p);
}

static psy_status integer(const unsigned char *p, size_t len, const char *what, int signal,
                          int64_t *out, psy_message *why)
{
    if (psy_parse_int64((const char *)p, len, out)) return PSY_OK;
    if (signal >= 0)
        return psy_fail(why, PSY_E_FORMAT, "%s of signal %d is not an integer: \"%.*s\"", what,
                        signal + 1, (int)len, (const char *)p);
    return psy_fail(why, PSY_E_FORMAT, "%s is not an integer: \"%.*s\"", what, (int)len, (const char *)p);
}

/* The type psyphys convert wrote into the transducer field ("psyphys type: ECG"), read raw: a
 * transducer text of another writer is not looked at (nor warned about). */
static void declared_type(const unsigned char *field, edf_signal *s)
{
    size_t k = sizeof EDF_TYPE_MARK - 1, n = 0;
    char name[16];
    if (memcmp(field, EDF_TYPE_MARK, k) != 0) return;
    while (k + n < W_TRANSDUCER && n + 1 < sizeof name && field[k + n] != ' ') {
        name[n] = (char)field[k + n];
        n++;
    }
    name[n] = '\0';
    s->type_declared = psy_channel_type_parse(name, &s->type) == PSY_OK;
}

static psy_status parse_signal(psy_reader *r, const edf_header *hdr, const unsigned char *sh, int i,
                               edf_signal *s, psy_message *why)
{
    int ns = hdr->n_signals;
#define FIELD(o, w) (sh + (size_t)(o) * (size_t)ns + (size_t)(w) * (size_t)i)
    field_text(r, s->label, sizeof s->label, FIELD(O_LABEL, W_LABEL), W_LABEL, "label", i);
    field_text(r, s->unit, sizeof s->unit, FIELD(O_DIM, W_DIM), W_DIM, "physical dimension", i);
    /* BDF+ names it "BDF Annotations"; some writers use the EDF name in BDF files and vice versa. */
    s->is_annotation = strcmp(s->label, "EDF Annotations") == 0 || strcmp(s->label, "BDF Annotations") == 0;
    psy_status st = integer(FIELD(O_SPR, W_SPR), W_SPR, "samples per record", i,
                            &s->samples_per_record, why);
    if (st != PSY_OK) return st;
    if (s->samples_per_record <= 0)
        return psy_fail(why, PSY_E_FORMAT, "samples per record of signal %d is %lld (must be > 0)",
                        i + 1, (long long)s->samples_per_record);
    if (s->is_annotation) {
        /* EDF+ 2.2.1: transducer and prefiltering of an annotation signal are blank. EDFlib
         * refuses the file otherwise. */
        if (!is_blank(FIELD(O_TRANSDUCER, W_TRANSDUCER), W_TRANSDUCER))
            psy_reader_warn(r, "EDF+: the transducer field of annotation signal %d is not blank", i + 1);
        if (!is_blank(FIELD(O_PREFILTER, W_PREFILTER), W_PREFILTER))
            psy_reader_warn(r, "EDF+: the prefiltering field of annotation signal %d is not blank (\"%.20s\")",
                            i + 1, (const char *)FIELD(O_PREFILTER, W_PREFILTER));
        s->phys_min = -1, s->phys_max = 1, s->dig_min = -32768, s->dig_max = 32767;
        s->bitvalue = 1, s->offset = 0;
        return PSY_OK;
    }
    if ((st = number(FIELD(O_PMIN, W_PMIN), W_PMIN, "physical minimum", i, &s->phys_min, why)) ||
        (st = number(FIELD(O_PMAX, W_PMAX), W_PMAX, "physical maximum", i, &s->phys_max, why)) ||
        (st = integer(FIELD(O_DMIN, W_DMIN), W_DMIN, "digital minimum", i, &s->dig_min, why)) ||
        (st = integer(FIELD(O_DMAX, W_DMAX), W_DMAX, "digital maximum", i, &s->dig_max, why)))
        return st;
    declared_type(FIELD(O_TRANSDUCER, W_TRANSDUCER), s);
#undef FIELD
    if (s->dig_min >= s->dig_max)
        return psy_fail(why, PSY_E_FORMAT, "digital minimum %lld >= digital maximum %lld in signal %d",
                        (long long)s->dig_min, (long long)s->dig_max, i + 1);
    if (s->phys_min == s->phys_max)
        return psy_fail(why, PSY_E_FORMAT, "physical minimum = physical maximum = %g in signal %d",
                        s->phys_min, i + 1);
    int64_t lim = hdr->is_bdf ? 8388608 : 32768;
    if (s->dig_min < -lim || s->dig_max > lim - 1)
        psy_reader_warn(r, "digital range %lld..%lld of signal %d exceeds the %d-bit sample range",
                        (long long)s->dig_min, (long long)s->dig_max, i + 1, hdr->is_bdf ? 24 : 16);
    /* The same expression as EDFlib, so both paths give bit-identical values. */
    s->bitvalue = (s->phys_max - s->phys_min) / (double)(s->dig_max - s->dig_min);
    s->offset = s->phys_max / s->bitvalue - (double)s->dig_max;
    return PSY_OK;
}

/* Record count and size checks against the real file size. */
static psy_status check_records(psy_source *src, psy_reader *r, edf_header *hdr, psy_message *why)
{
    int64_t size = psy_source_size(src);
    if (size < 0) { /* a stream of unknown size: the header alone must stay within bounds */
        int64_t total;
        if (hdr->n_records < 0)
            return psy_fail(why, PSY_E_FORMAT, "number of data records is -1 and the file size is unknown");
        if (!psy_mul_i64(hdr->n_records, hdr->record_bytes, &total) ||
            !psy_add_i64(total, hdr->header_bytes, &total))
            return psy_fail(why, PSY_E_FORMAT, "%lld data records of %lld bytes overflow a file offset",
                            (long long)hdr->n_records, (long long)hdr->record_bytes);
        for (int i = 0; i < hdr->n_signals; i++)
            if (hdr->signals[i].is_annotation &&
                hdr->signals[i].samples_per_record * hdr->bytes_per_sample > MAX_UNSIZED_ANNOTATION)
                return psy_fail(why, PSY_E_FORMAT, "annotation signal %d has %lld samples per record", i + 1,
                                (long long)hdr->signals[i].samples_per_record);
        return PSY_OK;
    }
    int64_t avail = (size - hdr->header_bytes) / hdr->record_bytes;
    if (hdr->n_records == -1) {
        psy_reader_warn(r, "number of data records is -1 (recording not closed): %lld records from the file size",
                        (long long)avail);
        hdr->n_records = avail;
        if ((size - hdr->header_bytes) % hdr->record_bytes)
            psy_reader_warn(r, "the last data record is incomplete (%lld bytes ignored)",
                            (long long)((size - hdr->header_bytes) % hdr->record_bytes));
        return PSY_OK;
    }
    if (hdr->n_records < 0)
        return psy_fail(why, PSY_E_FORMAT, "number of data records is %lld", (long long)hdr->n_records);
    if (avail < hdr->n_records)
        return psy_fail(why, PSY_E_TRUNCATED, "the header says %lld data records but the file holds %lld",
                        (long long)hdr->n_records, (long long)avail);
    int64_t expect = hdr->header_bytes + hdr->n_records * hdr->record_bytes; /* <= size: no overflow */
    if (size > expect)
        psy_reader_warn(r, "%lld bytes after the last data record are ignored", (long long)(size - expect));
    return PSY_OK;
}

static psy_status parse_fixed(psy_reader *r, const unsigned char *h, int64_t size, edf_header *hdr,
                              psy_message *why)
{
    if (memcmp(h, "\xff" "BIOSEMI", 8) == 0) {
        hdr->is_bdf = 1;
    } else if (memcmp(h, "0       ", 8) != 0) {
        return psy_fail(why, PSY_E_FORMAT, "version field is not \"0\" (EDF) or \"\\xffBIOSEMI\" (BDF)");
    }
    hdr->bytes_per_sample = hdr->is_bdf ? 3 : 2;
    const char *plus = hdr->is_bdf ? "BDF+" : "EDF+";
    if (memcmp(h + 192, plus, 4) == 0) {
        hdr->is_plus = 1;
        if (h[196] == 'D') hdr->discontinuous = 1;
        else if (h[196] != 'C')
            psy_reader_warn(r, "reserved field says \"%.5s\", neither %sC nor %sD: read as %sC",
                            (const char *)h + 192, plus, plus, plus);
    }
    int64_t ns;
    psy_status st = integer(h + 252, 4, "number of signals", -1, &ns, why);
    if (st != PSY_OK) return st;
    if (ns <= 0) return psy_fail(why, PSY_E_FORMAT, "number of signals is %lld", (long long)ns);
    if (ns > MAX_SIGNALS || (size >= 0 && ns > (size - FIXED) / PER_SIGNAL))
        return psy_fail(why, size >= 0 && ns <= MAX_SIGNALS ? PSY_E_TRUNCATED : PSY_E_FORMAT,
                        "number of signals %lld does not fit in the file (%lld bytes)", (long long)ns,
                        (long long)size);
    hdr->n_signals = (int)ns;
    if ((st = integer(h + 184, 8, "number of header bytes", -1, &hdr->header_bytes, why))) return st;
    int64_t need = FIXED + ns * PER_SIGNAL;
    if (hdr->header_bytes != need)
        return psy_fail(why, PSY_E_FORMAT, "number of header bytes is %lld but %lld signals need %lld",
                        (long long)hdr->header_bytes, (long long)ns, (long long)need);
    if ((st = integer(h + 236, 8, "number of data records", -1, &hdr->n_records, why))) return st;
    if ((st = number(h + 244, 8, "duration of a data record", -1, &hdr->record_duration, why))) return st;
    if (hdr->record_duration < 0)
        return psy_fail(why, PSY_E_FORMAT, "duration of a data record is negative: %g", hdr->record_duration);
    char text[81];
    field_text(r, text, sizeof text, h + 8, 80, "patient field", -1);
    field_text(r, text, sizeof text, h + 88, 80, "recording field", -1);
    parse_start(r, h, hdr->is_plus, &hdr->start);
    return PSY_OK;
}

psy_status edf_header_parse(psy_source *src, psy_reader *r, edf_header *hdr, psy_message *why)
{
    memset(hdr, 0, sizeof *hdr);
    unsigned char fixed[FIXED];
    int64_t size = psy_source_size(src);
    if (size == 0) return psy_fail(why, PSY_E_FORMAT, "the file is empty");
    psy_status st = psy_source_read_exact(src, 0, fixed, FIXED);
    if (st == PSY_E_TRUNCATED)
        return psy_fail(why, st, "the file ends inside the 256-byte EDF header (%lld bytes)", (long long)size);
    if (st != PSY_OK) return psy_fail(why, st, "cannot read the EDF header");
    if ((st = parse_fixed(r, fixed, size, hdr, why))) return st;

    size_t sig_bytes = (size_t)hdr->n_signals * PER_SIGNAL; /* bounded by the file size above */
    unsigned char *sh = malloc(sig_bytes);
    hdr->signals = calloc((size_t)hdr->n_signals, sizeof *hdr->signals);
    if (!sh || !hdr->signals) {
        free(sh);
        edf_header_free(hdr);
        return psy_fail(why, PSY_E_NOMEM, "out of memory for %d signal headers", hdr->n_signals);
    }
    st = psy_source_read_exact(src, FIXED, sh, sig_bytes);
    if (st != PSY_OK) {
        free(sh);
        edf_header_free(hdr);
        return psy_fail(why, st, "the file ends inside the signal headers (%d signals)", hdr->n_signals);
    }
    int64_t record = 0;
    for (int i = 0; i < hdr->n_signals && st == PSY_OK; i++) {
        edf_signal *s = &hdr->signals[i];
        st = parse_signal(r, hdr, sh, i, s, why);
        if (st != PSY_OK) break;
        s->offset_in_record = record;
        int64_t bytes;
        if (!psy_mul_i64(s->samples_per_record, hdr->bytes_per_sample, &bytes) ||
            !psy_add_i64(record, bytes, &record))
            st = psy_fail(why, PSY_E_FORMAT, "samples per record of signal %d is absurd: %lld", i + 1,
                          (long long)s->samples_per_record);
        hdr->n_annotation_signals += s->is_annotation;
    }
    free(sh);
    if (st == PSY_OK) {
        hdr->record_bytes = record;
        if (size >= 0 && record > size)
            st = psy_fail(why, PSY_E_FORMAT, "a data record of %lld bytes is larger than the file",
                          (long long)record);
    }
    if (st == PSY_OK && hdr->record_duration == 0 && hdr->n_signals > hdr->n_annotation_signals)
        st = psy_fail(why, PSY_E_FORMAT, "duration of a data record is 0 but the file has %d ordinary signals",
                      hdr->n_signals - hdr->n_annotation_signals);
    for (int i = 0; st == PSY_OK && hdr->record_duration > 0 && i < hdr->n_signals; i++)
        if (!isfinite((double)hdr->signals[i].samples_per_record / hdr->record_duration))
            st = psy_fail(why, PSY_E_FORMAT, "duration of a data record %g gives signal %d no finite rate",
                          hdr->record_duration, i + 1);
    if (st == PSY_OK) st = check_records(src, r, hdr, why);
    if (st == PSY_OK && hdr->n_annotation_signals && !hdr->is_plus)
        psy_reader_warn(r, "annotation signal in a file not marked %s in its reserved field",
                        hdr->is_bdf ? "BDF+" : "EDF+");
    if (st == PSY_OK && hdr->is_plus && !hdr->n_annotation_signals)
        psy_reader_warn(r, "%s file without an annotation signal", hdr->is_bdf ? "BDF+" : "EDF+");
    if (st != PSY_OK) edf_header_free(hdr);
    return st;
}

void edf_header_free(edf_header *hdr)
{
    free(hdr->signals);
    hdr->signals = NULL;
}

const char *edf_header_format(const edf_header *hdr)
{
    if (!hdr->is_plus) return hdr->is_bdf ? "BDF" : "EDF";
    if (hdr->discontinuous) return hdr->is_bdf ? "BDF+D" : "EDF+D";
    return hdr->is_bdf ? "BDF+C" : "EDF+C";
}
