/* EDF/EDF+/BDF reader on files written by the test itself: decoding, annotations, EDF+D
 * stretches, both paths (EDFlib and psyphys's parser), and malformed headers. No shared data. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_impl.h"

/* ---- a small EDF writer for the tests -------------------------------------------------------- */

typedef struct tsig {
    const char *label, *unit, *pmin, *pmax, *dmin, *dmax, *spr, *prefilter;
} tsig;

typedef struct tfile {
    int bdf;
    const char *reserved;   /* "EDF+C", "EDF+D", "" */
    const char *nrec;       /* number of records field; NULL: `records` */
    const char *duration;   /* record duration field */
    const char *ns;         /* number of signals field; NULL: nsig */
    const char *hdr_bytes;  /* header bytes field; NULL: the right value */
    const char *date, *time;
    const char *recording;  /* recording field; NULL: "Startdate 02-MAR-2021 X X X" */
    int nsig;
    tsig sig[4];
    int records;            /* data records actually written */
    const char *tal[8];     /* annotation signal bytes per record (zero-padded) */
    size_t tal_len[8];
} tfile;

/* Sets record k's annotation bytes from a literal (embedded NULs included). */
#define SET_TAL(f, k, lit) ((f).tal[k] = (lit), (f).tal_len[k] = sizeof(lit) - 1)

static void put(unsigned char *p, size_t w, const char *text)
{
    size_t n = strlen(text);
    memset(p, ' ', w);
    memcpy(p, text, n < w ? n : w);
}

/* Digital value of sample i of record r in signal s (a pattern the tests recompute). */
static int digital(int s, int r, int i, int spr) { return ((r * spr + i) * 37 + s * 11) % 401 - 200; }

static int spr_of(const tsig *s) { return atoi(s->spr); }

/* Builds the file into a malloc'd buffer; *n gets its size. */
static unsigned char *build(const tfile *f, size_t *n)
{
    int ns = f->nsig, w = f->bdf ? 3 : 2;
    size_t hdr = 256 + 256 * (size_t)ns, rec = 0;
    for (int s = 0; s < ns; s++) rec += (size_t)(spr_of(&f->sig[s]) > 0 ? spr_of(&f->sig[s]) : 0) * (size_t)w;
    *n = hdr + rec * (size_t)f->records;
    unsigned char *b = calloc(1, *n + 1);
    char tmp[32];
    if (f->bdf) memcpy(b, "\xff" "BIOSEMI", 8);
    else put(b, 8, "0");
    put(b + 8, 80, "X X X X");
    put(b + 88, 80, f->recording ? f->recording : "Startdate 02-MAR-2021 X X X");
    put(b + 168, 8, f->date ? f->date : "02.03.21");
    put(b + 176, 8, f->time ? f->time : "10.20.30");
    snprintf(tmp, sizeof tmp, "%zu", hdr);
    put(b + 184, 8, f->hdr_bytes ? f->hdr_bytes : tmp);
    put(b + 192, 44, f->reserved ? f->reserved : "EDF+C");
    snprintf(tmp, sizeof tmp, "%d", f->records);
    put(b + 236, 8, f->nrec ? f->nrec : tmp);
    put(b + 244, 8, f->duration ? f->duration : "1");
    snprintf(tmp, sizeof tmp, "%d", ns);
    put(b + 252, 4, f->ns ? f->ns : tmp);
    unsigned char *p = b + 256;
    for (int s = 0; s < ns; s++) put(p + 16 * s, 16, f->sig[s].label);
    p += 16 * ns;
    for (int s = 0; s < ns; s++) put(p + 80 * s, 80, "");
    p += 80 * ns;
    for (int s = 0; s < ns; s++) put(p + 8 * s, 8, f->sig[s].unit);
    p += 8 * ns;
    for (int s = 0; s < ns; s++) put(p + 8 * s, 8, f->sig[s].pmin);
    p += 8 * ns;
    for (int s = 0; s < ns; s++) put(p + 8 * s, 8, f->sig[s].pmax);
    p += 8 * ns;
    for (int s = 0; s < ns; s++) put(p + 8 * s, 8, f->sig[s].dmin);
    p += 8 * ns;
    for (int s = 0; s < ns; s++) put(p + 8 * s, 8, f->sig[s].dmax);
    p += 8 * ns;
    for (int s = 0; s < ns; s++) put(p + 80 * s, 80, f->sig[s].prefilter ? f->sig[s].prefilter : "");
    p += 80 * ns;
    for (int s = 0; s < ns; s++) put(p + 8 * s, 8, f->sig[s].spr);
    p += 8 * ns;
    for (int s = 0; s < ns; s++) put(p + 32 * s, 32, "");
    p = b + hdr;
    for (int r = 0; r < f->records; r++) {
        for (int s = 0; s < ns; s++) {
            int spr = spr_of(&f->sig[s]);
            if (strstr(f->sig[s].label, "Annotations")) {
                if (r < 8 && f->tal[r]) memcpy(p, f->tal[r], f->tal_len[r]);
                p += (size_t)spr * (size_t)w;
                continue;
            }
            for (int i = 0; i < spr; i++, p += w) {
                int v = digital(s, r, i, spr);
                p[0] = (unsigned char)(v & 0xFF);
                p[1] = (unsigned char)((v >> 8) & 0xFF);
                if (w == 3) p[2] = (unsigned char)((v >> 16) & 0xFF);
            }
        }
    }
    return b;
}

static const tsig ANNOT = {"EDF Annotations", "", "-1", "1", "-32768", "32767", "30", NULL};
static const tsig BANNOT = {"BDF Annotations", "", "-1", "1", "-8388608", "8388607", "20", NULL};

/* EDF+C: ECG 8 samples per 0.5 s record (16 Hz), Resp 2 per record (4 Hz), annotations. */
static tfile base_edf(void)
{
    tfile f;
    memset(&f, 0, sizeof f);
    f.reserved = "EDF+C";
    f.duration = "0.5";
    f.nsig = 3;
    f.sig[0] = (tsig){"ECG", "mV", "-2", "2", "-2048", "2047", "8", NULL};
    f.sig[1] = (tsig){"Resp", "", "-100", "100", "-200", "200", "2", NULL};
    f.sig[2] = ANNOT;
    f.records = 4;
    SET_TAL(f, 0, "+0.25\x14\x14\0+1.5\x15" "0.5\x14Stim A\x14Stim B\x14");
    SET_TAL(f, 1, "+0.75\x14\x14");
    SET_TAL(f, 2, "+1.25\x14\x14\0+1.25\x14\xe4\xbb\xb0\xe5\x8d\xa7\x14");
    SET_TAL(f, 3, "+1.75\x14\x14");
    return f;
}

static psy_status open_mem(const unsigned char *b, size_t n, psy_reader **r, psy_message *why)
{
    psy_source *src;
    assert_int_equal(psy_source_open_memory(b, n, "t.edf", &src), PSY_OK);
    psy_open_options opt = psy_open_options_default();
    psy_status st = psy_open_edf(src, &opt, r, why);
    if (st != PSY_OK) psy_source_close(src);
    return st;
}

static psy_status open_tfile(const tfile *f, psy_reader **r, psy_message *why)
{
    size_t n;
    unsigned char *b = build(f, &n);
    const char *path = write_temp_file("t.edf", b, n);
    free(b);
    psy_open_options opt = psy_open_options_default();
    opt.use_libedf = 0;
    memset(why, 0, sizeof *why);
    return psy_reader_open(path, &opt, r, why);
}

static double expect_phys(const tsig *s, int sig, int r, int i)
{
    double pmin = atof(s->pmin), pmax = atof(s->pmax), dmin = atof(s->dmin), dmax = atof(s->dmax);
    double d = digital(sig, r, i, spr_of(s));
    if (d < dmin) d = dmin;
    if (d > dmax) d = dmax;
    return pmin + (d - dmin) * (pmax - pmin) / (dmax - dmin);
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void check_base(psy_reader *r, const tfile *f)
{
    assert_string_equal(psy_reader_format(r), "EDF+C");
    assert_int_equal(psy_reader_channel_count(r), 2);
    const psy_channel_info *ecg = psy_reader_channel(r, 0), *resp = psy_reader_channel(r, 1);
    assert_string_equal(ecg->label, "ECG");
    assert_string_equal(ecg->file_unit, "mV");
    assert_int_equal(ecg->type, PSY_CH_ECG);
    assert_int_equal(resp->type, PSY_CH_RESP);
    assert_true(ecg->rate_hz == 16.0);
    assert_true(resp->rate_hz == 4.0);
    assert_int_equal(ecg->frames, 32);
    assert_int_equal(resp->frames, 8);
    assert_true(ecg->physical_min == -2 && ecg->physical_max == 2);
    assert_true(fabs(ecg->resolution - 4.0 / 4095) < 1e-15);
    psy_datetime s = psy_reader_start(r);
    assert_int_equal(s.known, 1);
    assert_int_equal(s.year, 2021);
    assert_int_equal(s.month, 3);
    assert_int_equal(s.day, 2);
    assert_int_equal(s.hour, 10);
    assert_int_equal(s.minute, 20);
    assert_int_equal(s.second, 30);
    assert_int_equal(s.nanosecond, 250000000);
    assert_true(fabs(psy_reader_duration(r) - 2.0) < 1e-12);
    /* events: relative to the first sample (onset - 0.25), both texts of the TAL, UTF-8 */
    assert_int_equal(psy_reader_event_count(r), 3);
    const psy_event *e = psy_reader_event(r, 0);
    assert_string_equal(e->label, "\xe4\xbb\xb0\xe5\x8d\xa7");
    assert_true(fabs(e->onset_s - 1.0) < 1e-9);
    assert_true(e->duration_s == 0);
    e = psy_reader_event(r, 1);
    assert_true(fabs(e->onset_s - 1.25) < 1e-9);
    assert_true(fabs(e->duration_s - 0.5) < 1e-9);
    assert_string_equal(e->label, "Stim A");
    assert_int_equal(e->source, PSY_EVENTS_ANNOTATION);
    assert_int_equal(e->sample, -1);
    assert_string_equal(psy_reader_event(r, 2)->label, "Stim B");
    assert_true(psy_reader_event(r, 2)->onset_s == psy_reader_event(r, 1)->onset_s);
    /* samples, whole and in odd spans across records */
    double v[32];
    assert_int_equal(psy_reader_read(r, 0, 0, 32, v), PSY_OK);
    for (int k = 0; k < 32; k++) assert_true(fabs(v[k] - expect_phys(&f->sig[0], 0, k / 8, k % 8)) < 1e-12);
    assert_int_equal(psy_reader_read(r, 1, 3, 5, v), PSY_OK);
    for (int k = 0; k < 5; k++)
        assert_true(fabs(v[k] - expect_phys(&f->sig[1], 1, (3 + k) / 2, (3 + k) % 2)) < 1e-12);
    assert_int_equal(psy_reader_read(r, 0, 30, 3, v), PSY_E_RANGE);
    assert_int_equal(psy_reader_read(r, 2, 0, 1, v), PSY_E_INVALID);
}

static void test_edf_plus_both_paths(void **state)
{
    (void)state;
    tfile f = base_edf();
    size_t n;
    unsigned char *b = build(&f, &n);
    const char *path = write_temp_file("base.edf", b, n);
    psy_reader *r[3];
    psy_message why = {{0}};
    for (int lib = 0; lib < 2; lib++) {
        psy_open_options opt = psy_open_options_default();
        opt.use_libedf = lib;
        assert_int_equal(psy_reader_open(path, &opt, &r[lib], &why), PSY_OK);
        check_base(r[lib], &f);
        assert_int_equal(psy_reader_warning_count(r[lib]), 0); /* conformant: EDFlib took it */
    }
    /* from memory (no path): the own parser */
    assert_int_equal(open_mem(b, n, &r[2], &why), PSY_OK);
    check_base(r[2], &f);
    for (int k = 0; k < 3; k++) psy_reader_close(r[k]);
    free(b);
}

/* EDFlib refuses a file it already has open; a second reader of it still opens (own parser),
 * without a warning, and reads the same. */
static void test_same_file_twice(void **state)
{
    (void)state;
    tfile f = base_edf();
    size_t n;
    unsigned char *b = build(&f, &n);
    const char *path = write_temp_file("twice.edf", b, n);
    psy_reader *r1 = open_or_fail(path), *r2 = open_or_fail(path);
    check_base(r1, &f);
    check_base(r2, &f);
    assert_int_equal(psy_reader_warning_count(r2), 0);
    psy_reader_close(r1);
    psy_reader_close(r2);
    free(b);
}

static void test_bdf_plus(void **state)
{
    (void)state;
    tfile f;
    memset(&f, 0, sizeof f);
    f.bdf = 1;
    f.reserved = "BDF+C";
    f.duration = "2";
    f.nsig = 3;
    f.sig[0] = (tsig){"EEG Cz", "uV", "-262144", "262143", "-8388608", "8388607", "975", NULL};
    f.sig[1] = (tsig){"Status", "Boolean", "-8388608", "8388607", "-8388608", "8388607", "3", NULL};
    f.sig[2] = BANNOT;
    f.records = 3;
    SET_TAL(f, 0, "+0\x14\x14\0-0.5\x14" "before\x14");
    SET_TAL(f, 1, "+2\x14\x14");
    SET_TAL(f, 2, "+4\x14\x14");
    size_t n;
    unsigned char *b = build(&f, &n);
    const char *path = write_temp_file("t.bdf", b, n);
    for (int lib = 0; lib < 2; lib++) {
        psy_open_options opt = psy_open_options_default();
        opt.use_libedf = lib;
        psy_reader *r;
        psy_message why = {{0}};
        assert_int_equal(psy_reader_open(path, &opt, &r, &why), PSY_OK);
        assert_string_equal(psy_reader_format(r), "BDF+C");
        assert_int_equal(psy_reader_channel_count(r), 2);
        assert_true(psy_reader_channel(r, 0)->rate_hz == 487.5);
        assert_int_equal(psy_reader_channel(r, 0)->frames, 2925);
        assert_int_equal(psy_reader_channel(r, 1)->type, PSY_CH_TRIGGER);
        double v[2925];
        assert_int_equal(psy_reader_read(r, 0, 0, 2925, v), PSY_OK);
        for (int k = 0; k < 2925; k += 97)
            assert_true(fabs(v[k] - expect_phys(&f.sig[0], 0, k / 975, k % 975)) < 1e-9);
        assert_int_equal(psy_reader_read(r, 1, 0, 9, v), PSY_OK);
        for (int k = 0; k < 9; k++) assert_true(v[k] == digital(1, k / 3, k % 3, 3)); /* identity */
        assert_int_equal(psy_reader_event_count(r), 1);
        assert_true(fabs(psy_reader_event(r, 0)->onset_s + 0.5) < 1e-9);
        assert_string_equal(psy_reader_event(r, 0)->label, "before");
        psy_reader_close(r);
    }
    free(b);
}

static void test_plain_bdf_and_edf(void **state)
{
    (void)state;
    tfile f;
    memset(&f, 0, sizeof f);
    f.bdf = 1;
    f.reserved = "24BIT";
    f.nsig = 1;
    f.sig[0] = (tsig){"Status", "", "-8388608", "8388607", "-8388608", "8388607", "5", NULL};
    f.records = 2;
    psy_reader *r;
    psy_message why;
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_format(r), "BDF");
    assert_int_equal(psy_reader_channel(r, 0)->type, PSY_CH_TRIGGER);
    assert_int_equal(psy_reader_start(r).nanosecond, 0);
    psy_reader_close(r);
    f.bdf = 0;
    f.reserved = "";
    f.sig[0] = (tsig){"EDA", "uS", "0", "40", "0", "32767", "5", NULL};
    f.date = "01.01.99";
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_format(r), "EDF");
    assert_int_equal(psy_reader_start(r).year, 1999);
    assert_int_equal(psy_reader_event_count(r), 0);
    psy_reader_close(r);
}

/* A start the file does not know reads as unknown, by both paths: EDF+'s "Startdate X" and EDF's
 * placeholder 01.01.85 00.00.00 (what psyphys's own writer stored for an unknown start before:
 * the demo recording read back as 1985-01-01). */
static void test_unknown_start(void **state)
{
    (void)state;
    static const struct {
        const char *reserved, *recording, *date, *time;
        int known;
        const char *warning; /* NULL: none */
    } cases[] = {
        {"EDF+C", "Startdate X X X psyphys", "01.01.85", "00.00.00", 0, NULL},
        {"EDF+C", "Startdate X X X X", "02.03.21", "10.20.30", 0, "the header's 02.03.21 10.20.30 is not used"},
        {"EDF+C", "Startdate 01-JAN-1985 X X psyphys", "01.01.85", "00.00.00", 0, "placeholder"},
        {"", "a lab's own text", "01.01.85", "00.00.00", 0, "placeholder"},
        {"", "a lab's own text", "01.01.85", "10.00.00", 1, NULL},
        {"EDF+C", "Startdate 02-MAR-2021 X X X", "02.03.21", "10.20.30", 1, NULL},
        /* a date that does not exist (was read as 2021-03-03): metadata, so the file opens */
        {"", "a lab's own text", "31.02.21", "10.20.30", 0, "start date 2021-02-31 does not exist"},
        {"EDF+C", "Startdate X X X X", "29.02.21", "10.20.30", 0, "the header's 29.02.21"},
        {"", "a lab's own text", "29.02.20", "10.20.30", 1, NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        tfile f = base_edf();
        f.reserved = cases[k].reserved;
        f.recording = cases[k].recording;
        f.date = cases[k].date;
        f.time = cases[k].time;
        if (!cases[k].reserved[0]) f.nsig = 2; /* plain EDF: no annotation signal */
        size_t n;
        unsigned char *b = build(&f, &n);
        const char *path = write_temp_file("start.edf", b, n);
        free(b);
        for (int libedf = 0; libedf < 2; libedf++) {
            psy_open_options opt = psy_open_options_default();
            opt.use_libedf = libedf;
            psy_reader *r = NULL;
            psy_message why = {{0}};
            if (psy_reader_open(path, &opt, &r, &why) != PSY_OK) fail_msg("case %zu: %s", k, why.text);
            assert_false(has_warning(r, "EDFlib refused"));
            psy_datetime t = psy_reader_start(r);
            if (t.known != cases[k].known) fail_msg("case %zu, libedf %d: known %d", k, libedf, t.known);
            if (t.known) assert_int_equal(t.year, cases[k].date[7] == '5' ? 1985 : 2000 + atoi(cases[k].date + 6));
            if (cases[k].warning && !has_warning(r, cases[k].warning))
                fail_msg("case %zu: no warning '%s'", k, cases[k].warning);
            if (!cases[k].warning && has_warning(r, "start")) fail_msg("case %zu: a warning about the start", k);
            psy_reader_close(r);
        }
    }
}

static void test_edf_plus_d_gaps(void **state)
{
    (void)state;
    tfile f = base_edf();
    f.reserved = "EDF+D";
    f.duration = "1";
    SET_TAL(f, 0, "+0\x14\x14");
    SET_TAL(f, 1, "+1\x14\x14\0+1.5\x14in run 1\x14");
    SET_TAL(f, 2, "+10\x14\x14");
    SET_TAL(f, 3, "+11\x14\x14");
    psy_reader *r;
    psy_message why;
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_format(r), "EDF+D");
    assert_int_equal(psy_reader_stretch_count(r), 2);
    const psy_stretch *s0 = psy_reader_stretch(r, 0), *s1 = psy_reader_stretch(r, 1);
    assert_true(s0->onset_s == 0 && s0->duration_s == 2 && s0->data_offset_s == 0);
    assert_true(s1->onset_s == 10 && s1->duration_s == 2 && s1->data_offset_s == 2);
    assert_true(psy_reader_duration(r) == 12);
    assert_true(has_warning(r, "EDF+D: 1 gaps"));
    double t[2];
    assert_int_equal(psy_reader_read_times(r, 0, 15, 2, t), PSY_OK); /* ECG at 8 Hz */
    assert_true(fabs(t[0] - 15.0 / 8) < 1e-12 && fabs(t[1] - 10.0) < 1e-12);
    assert_int_equal(psy_reader_event_count(r), 1);
    assert_true(psy_reader_event(r, 0)->onset_s == 1.5);
    /* EDFlib refuses EDF+D: the default path falls back and says so */
    size_t n;
    unsigned char *b = build(&f, &n);
    psy_reader *r2 = open_or_fail(write_temp_file("d.edf", b, n));
    assert_true(has_warning(r2, "EDFlib refused"));
    assert_int_equal(psy_reader_stretch_count(r2), 2);
    psy_reader_close(r2);
    free(b);
    psy_reader_close(r);
}

static void test_annotation_only(void **state)
{
    (void)state;
    tfile f;
    memset(&f, 0, sizeof f);
    f.reserved = "EDF+C";
    f.duration = "0";
    f.nsig = 1;
    f.sig[0] = ANNOT;
    f.sig[0].spr = "40";
    f.records = 1;
    SET_TAL(f, 0, "+0\x14\x14\0+0\x15" "30\x14W\x14\0+30\x15" "30\x14N1\x14");
    psy_reader *r;
    psy_message why;
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_channel_count(r), 0);
    assert_int_equal(psy_reader_event_count(r), 2);
    assert_true(psy_reader_event(r, 1)->onset_s == 30 && psy_reader_event(r, 1)->duration_s == 30);
    assert_string_equal(psy_reader_event(r, 1)->label, "N1");
    psy_reader_close(r);
    /* duration 0 with an ordinary signal has no rate */
    tfile g = base_edf();
    g.duration = "0";
    assert_int_equal(open_tfile(&g, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "duration"));
}

static void test_records_unknown_and_truncated(void **state)
{
    (void)state;
    tfile f = base_edf();
    f.nrec = "-1";
    psy_reader *r;
    psy_message why;
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 32);
    assert_true(has_warning(r, "-1"));
    psy_reader_close(r);
    f.nrec = "5";
    assert_int_equal(open_tfile(&f, &r, &why), PSY_E_TRUNCATED);
    assert_non_null(strstr(why.text, "5 data records"));
    assert_non_null(strstr(why.text, "holds 4"));
    f.nrec = "3"; /* one record more than the header says: read 3, warn */
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_channel(r, 0)->frames, 24);
    assert_true(has_warning(r, "after the last data record"));
    psy_reader_close(r);
}

static void expect_failure(const tfile *f, psy_status want, const char *part)
{
    psy_reader *r = NULL;
    psy_message why;
    psy_status st = open_tfile(f, &r, &why);
    if (st != want || !strstr(why.text, part))
        fail_msg("want status %d with \"%s\", got %d: %s", want, part, st, why.text);
    assert_null(r);
}

static void test_bad_headers(void **state)
{
    (void)state;
    tfile f;
    f = base_edf(); f.ns = "0";      expect_failure(&f, PSY_E_FORMAT, "number of signals is 0");
    f = base_edf(); f.ns = "-3";     expect_failure(&f, PSY_E_FORMAT, "number of signals is -3");
    f = base_edf(); f.ns = "9999";   expect_failure(&f, PSY_E_TRUNCATED, "number of signals 9999");
    f = base_edf(); f.ns = "x1";     expect_failure(&f, PSY_E_FORMAT, "number of signals is not");
    f = base_edf(); f.hdr_bytes = "2048"; expect_failure(&f, PSY_E_FORMAT, "number of header bytes is 2048 but 3 signals need 1024");
    f = base_edf(); f.sig[0].spr = "0";  expect_failure(&f, PSY_E_FORMAT, "samples per record of signal 1 is 0");
    f = base_edf(); f.sig[1].spr = "-5"; expect_failure(&f, PSY_E_FORMAT, "samples per record of signal 2 is -5");
    f = base_edf(); f.sig[1].spr = "99999999"; f.records = 0; expect_failure(&f, PSY_E_FORMAT, "larger than the file");
    f = base_edf(); f.duration = "-1";   expect_failure(&f, PSY_E_FORMAT, "negative");
    f = base_edf(); f.duration = "one";  expect_failure(&f, PSY_E_FORMAT, "duration of a data record is not");
    f = base_edf(); f.nrec = "many";     expect_failure(&f, PSY_E_FORMAT, "number of data records is not");
    f = base_edf(); f.nrec = "-7";       expect_failure(&f, PSY_E_FORMAT, "number of data records is -7");
    f = base_edf(); f.sig[0].dmin = "2047"; expect_failure(&f, PSY_E_FORMAT, "digital minimum 2047 >= digital maximum 2047");
    f = base_edf(); f.sig[0].pmax = "-2"; expect_failure(&f, PSY_E_FORMAT, "physical minimum = physical maximum");
    f = base_edf(); f.sig[1].pmin = "low"; expect_failure(&f, PSY_E_FORMAT, "physical minimum of signal 2 is not a number");
    f = base_edf(); f.sig[1].dmax = "2.5"; expect_failure(&f, PSY_E_FORMAT, "digital maximum of signal 2 is not an integer");
}

static void test_short_files(void **state)
{
    (void)state;
    psy_reader *r = NULL;
    psy_message why;
    static const unsigned char empty[1];
    assert_int_equal(open_mem(empty, 0, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "empty"));
    tfile f = base_edf();
    size_t n;
    unsigned char *b = build(&f, &n);
    assert_int_equal(open_mem(b, 100, &r, &why), PSY_E_TRUNCATED);
    assert_non_null(strstr(why.text, "256-byte"));
    assert_int_equal(open_mem(b, 600, &r, &why), PSY_E_TRUNCATED);
    assert_int_equal(open_mem(b, n - 1, &r, &why), PSY_E_TRUNCATED); /* last record cut */
    assert_non_null(strstr(why.text, "4 data records"));
    memcpy(b, "1       ", 8);
    assert_int_equal(open_mem(b, n, &r, &why), PSY_E_FORMAT);
    assert_null(r);
    free(b);
    /* absurd signal count in a 1 kB file */
    unsigned char kb[1024];
    memset(kb, ' ', sizeof kb);
    memcpy(kb, "0       ", 8);
    memcpy(kb + 252, "9999", 4);
    assert_int_equal(open_mem(kb, sizeof kb, &r, &why), PSY_E_TRUNCATED);
}

static void test_malformed_tals(void **state)
{
    (void)state;
    tfile f = base_edf();
    SET_TAL(f, 1, "+0.75\x14\x14\0+abc\x14x\x14\0" "1.0\x14y\x14\0+1.0\x14ok\x14");
    SET_TAL(f, 2, "+1.25\x14\x14\0+2\x15-1\x14neg\x14\0+2\x14no end");
    psy_reader *r;
    psy_message why;
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 3); /* Stim A, Stim B, ok */
    assert_string_equal(psy_reader_event(r, 0)->label, "ok");
    assert_string_equal(psy_reader_event(r, 1)->label, "Stim A");
    assert_true(fabs(psy_reader_event(r, 0)->onset_s - 0.75) < 1e-12);
    assert_true(has_warning(r, "4 malformed TALs skipped, the first in data record 2"));
    psy_reader_close(r);
    /* a record without its time-keeping TAL */
    f = base_edf();
    SET_TAL(f, 3, "");
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_true(has_warning(r, "1 data records have no time-keeping TAL"));
    psy_reader_close(r);
}

static void test_latin1_header(void **state)
{
    (void)state;
    tfile f = base_edf();
    f.sig[1].unit = "\xb0";
    f.sig[1].label = "Temp";
    psy_reader *r;
    psy_message why;
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_string_equal(psy_reader_channel(r, 1)->file_unit, "\xc2\xb0");
    assert_true(has_warning(r, "header byte 0xB0 in the physical dimension of signal 2"));
    psy_reader_close(r);
    /* EDFlib refuses such a file; the default path falls back with both warnings */
    size_t n;
    unsigned char *b = build(&f, &n);
    r = open_or_fail(write_temp_file("latin1.edf", b, n));
    assert_true(has_warning(r, "EDFlib refused the file: the file contains format errors"));
    assert_string_equal(psy_reader_channel(r, 1)->file_unit, "\xc2\xb0");
    psy_reader_close(r);
    free(b);
}

static void test_unterminated_timekeeping(void **state)
{
    (void)state;
    tfile f = base_edf();
    SET_TAL(f, 1, "+0.75\x14\x14+1.0\x14joined\x14");
    psy_reader *r;
    psy_message why;
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    assert_int_equal(psy_reader_event_count(r), 4);
    assert_string_equal(psy_reader_event(r, 0)->label, "joined");
    assert_true(fabs(psy_reader_event(r, 0)->onset_s - 0.75) < 1e-12);
    assert_true(has_warning(r, "not ended by a 0x00"));
    psy_reader_close(r);
}

static void test_clipping_and_large_reads(void **state)
{
    (void)state;
    tfile f;
    memset(&f, 0, sizeof f);
    f.reserved = "";
    f.nsig = 2;
    f.sig[0] = (tsig){"A", "uV", "0", "100", "0", "100", "300", NULL}; /* pattern goes -200..200 */
    f.sig[1] = (tsig){"B", "uV", "-200", "200", "-200", "200", "7", NULL};
    f.records = 50;
    psy_reader *r;
    psy_message why;
    assert_int_equal(open_tfile(&f, &r, &why), PSY_OK);
    double *v = malloc(sizeof *v * 15000);
    assert_int_equal(psy_reader_read(r, 0, 0, 15000, v), PSY_OK);
    for (int k = 0; k < 15000; k++) assert_true(v[k] == expect_phys(&f.sig[0], 0, k / 300, k % 300));
    /* interleaved reads of both channels at scattered spans */
    for (int64_t s = 0; s + 5 < 350; s += 33) {
        double w[5];
        assert_int_equal(psy_reader_read(r, 1, s, 5, w), PSY_OK);
        for (int k = 0; k < 5; k++)
            assert_true(w[k] == expect_phys(&f.sig[1], 1, (int)(s + k) / 7, (int)(s + k) % 7));
        assert_int_equal(psy_reader_read(r, 0, 14990 - s, 3, w), PSY_OK);
        assert_true(w[0] == expect_phys(&f.sig[0], 0, (int)(14990 - s) / 300, (int)(14990 - s) % 300));
    }
    free(v);
    psy_reader_close(r);
}

typedef struct mem_stream {
    const unsigned char *data;
    size_t n;
} mem_stream;

static int64_t stream_read(void *ctx, int64_t offset, void *buf, size_t n)
{
    const mem_stream *m = ctx;
    if (offset < 0 || (size_t)offset >= m->n) return 0;
    size_t k = m->n - (size_t)offset < n ? m->n - (size_t)offset : n;
    memcpy(buf, m->data + offset, k);
    return (int64_t)k;
}

static int64_t stream_size(void *ctx) { (void)ctx; return -1; }

/* A source of unknown size: the header is trusted within bounds; -1 records cannot be resolved. */
static void test_unknown_size_source(void **state)
{
    (void)state;
    tfile f = base_edf();
    size_t n;
    unsigned char *b = build(&f, &n);
    mem_stream m = {b, n};
    psy_source_callbacks cb = {stream_read, stream_size, NULL, NULL};
    psy_source *src;
    psy_reader *r;
    psy_message why;
    assert_int_equal(psy_source_from_callbacks(&cb, &m, "stream", &src), PSY_OK);
    assert_int_equal(psy_open_edf(src, NULL, &r, &why), PSY_OK);
    check_base(r, &f);
    psy_reader_close(r);
    memcpy(b + 236, "-1      ", 8);
    assert_int_equal(psy_source_from_callbacks(&cb, &m, "stream", &src), PSY_OK);
    assert_int_equal(psy_open_edf(src, NULL, &r, &why), PSY_E_FORMAT);
    assert_non_null(strstr(why.text, "size is unknown"));
    memcpy(b + 236, "9999999 ", 8); /* more records than the stream holds: reading fails, no crash */
    assert_int_equal(psy_open_edf(src, NULL, &r, &why), PSY_E_TRUNCATED);
    psy_source_close(src);
    free(b);
}

/* Deterministic mutations of a valid file: every outcome is a status, never a crash; what opens
 * reads without NaN. (Run under ASan/UBSan by the sanitizer build.) */
static void test_mutations(void **state)
{
    (void)state;
    tfile f = base_edf();
    size_t n;
    unsigned char *orig = build(&f, &n);
    unsigned char *b = malloc(n);
    uint32_t seed = 12345;
    int opened = 0;
    for (int iter = 0; iter < 600; iter++) {
        memcpy(b, orig, n);
        for (int k = 0; k < 1 + iter % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % n;
            if (iter % 3 == 0) at = 184 + at % 72;     /* the numeric fixed fields */
            else if (iter % 3 == 1) at = at % 1024;    /* anywhere in the header */
            seed = seed * 1103515245u + 12345u;
            static const char pick[] = "0123456789-+. e\x14\x15";
            b[at] = iter % 2 ? (unsigned char)(seed >> 16) : (unsigned char)pick[(seed >> 16) % (sizeof pick - 1)];
        }
        size_t len = iter % 5 == 4 ? (size_t)(seed % n) : n;
        psy_reader *r = NULL;
        psy_message why = {{0}};
        psy_status st = open_mem(b, len, &r, &why);
        if (st != PSY_OK) {
            assert_null(r);
            assert_true(why.text[0] != '\0');
            continue;
        }
        opened++;
        for (int c = 0; c < psy_reader_channel_count(r); c++) {
            int64_t frames = psy_reader_channel(r, c)->frames;
            double v[64];
            for (int64_t at = 0; at < frames && at < 640; at += 64) {
                int64_t m = frames - at < 64 ? frames - at : 64;
                assert_int_equal(psy_reader_read(r, c, at, m, v), PSY_OK);
                for (int64_t k = 0; k < m; k++) assert_true(isfinite(v[k]));
            }
        }
        for (size_t e = 0; e < psy_reader_event_count(r); e++) assert_non_null(psy_reader_event(r, e)->label);
        psy_reader_close(r);
    }
    assert_true(opened > 50); /* many mutations hit data or text and still open */
    free(b);
    free(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edf_plus_both_paths),
        cmocka_unit_test(test_same_file_twice),
        cmocka_unit_test(test_bdf_plus),
        cmocka_unit_test(test_plain_bdf_and_edf),
        cmocka_unit_test(test_unknown_start),
        cmocka_unit_test(test_edf_plus_d_gaps),
        cmocka_unit_test(test_annotation_only),
        cmocka_unit_test(test_records_unknown_and_truncated),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_short_files),
        cmocka_unit_test(test_malformed_tals),
        cmocka_unit_test(test_latin1_header),
        cmocka_unit_test(test_unterminated_timekeeping),
        cmocka_unit_test(test_clipping_and_large_reads),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_unknown_size_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
