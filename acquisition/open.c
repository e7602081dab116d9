/* Opening a recording: choose the reader by content (magic bytes, header text), then by name. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "acq_format.h"
#include "brainvision.h"
#include "reader_impl.h"
#include "psy_core.h" /* psy_reserved_clear */

typedef psy_status (*open_fn)(psy_source *, const psy_open_options *, psy_reader **, psy_message *);

static const struct {
    const char *name;
    open_fn open;
} forced_formats[] = {
    {"edf", psy_open_edf},   {"bdf", psy_open_edf},       {"wfdb", psy_open_wfdb},
    {"wfdb-annotations", psy_open_wfdb_annotations},      {"sndfile", psy_open_sndfile},
    {"wav", psy_open_sndfile}, {"flac", psy_open_sndfile}, {"ishne", psy_open_ishne},
    {"csv", psy_open_text},  {"tsv", psy_open_text},      {"bids", psy_open_text},
    {"rr", psy_open_text},   {"empatica", psy_open_text}, {"text", psy_open_text}, {"movesense", psy_open_text},
    {"garmin", psy_open_text}, {"beat-list", psy_open_text},
    {"acq", psy_open_acq},   {"brainvision", psy_open_brainvision}, {"opensignals", psy_open_opensignals},
    {"xdf", psy_open_xdf}};

static int has_prefix(const unsigned char *buf, size_t n, const char *magic, size_t len)
{
    return n >= len && memcmp(buf, magic, len) == 0;
}

/* WFDB annotation files carry no magic; they are known by extension next to a record. */
static int is_wfdb_annotation_name(const char *name)
{
    static const char *const ext[] = {".atr", ".qrs", ".ecg", ".ann", ".pvc", ".wqrs", ".gqrs",
                                      ".sqrs", ".man", ".apn", ".st", ".arousal", NULL};
    for (const char *const *e = ext; *e; e++)
        if (psy_has_suffix_ci(name, *e)) return 1;
    return 0;
}

static int is_text(const unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] == 0 || (buf[i] < 0x20 && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t'))
            return 0;
    return 1;
}

static open_fn choose_reader(psy_source *src, const unsigned char *buf, size_t n, psy_message *why,
                             psy_status *st)
{
    const char *name = psy_source_name(src);
    *st = PSY_OK;
    if (n == 0) {
        *st = psy_fail(why, PSY_E_FORMAT, "the file is empty");
        return NULL;
    }
    if (has_prefix(buf, n, "0       ", 8) || has_prefix(buf, n, "\xff" "BIOSEMI", 8))
        return psy_open_edf;
    if (has_prefix(buf, n, "ISHNE1.0", 8) || has_prefix(buf, n, "ANN  1.0", 8)) return psy_open_ishne;
    if (has_prefix(buf, n, "RIFF", 4) || has_prefix(buf, n, "RIFX", 4) || has_prefix(buf, n, "RF64", 4) ||
        has_prefix(buf, n, "fLaC", 4) || has_prefix(buf, n, "FORM", 4) || has_prefix(buf, n, "OggS", 4) ||
        has_prefix(buf, n, ".snd", 4) || has_prefix(buf, n, "caff", 4) || has_prefix(buf, n, "NIST", 4))
        return psy_open_sndfile;
    if (has_prefix(buf, n, "GDF", 3)) {
        *st = psy_fail(why, PSY_E_UNSUPPORTED,
                       "GDF (General Data Format) is not supported; convert it to EDF+ or BDF+");
        return NULL;
    }
    if (has_prefix(buf, n, "MATLAB 5.0 MAT-file", 19)) {
        *st = psy_fail(why, PSY_E_UNSUPPORTED,
                       "MATLAB .mat files are not supported (a wfdb2mat .mat is read through its .hea)");
        return NULL;
    }
    if (psy_xdf_probe(buf, n)) return psy_open_xdf;
    if (psy_opensignals_probe(buf, n)) return psy_open_opensignals;
    if (bv_is_header_line((const char *)buf, n) || bv_is_marker_line((const char *)buf, n) ||
        psy_has_suffix_ci(name, ".vhdr") || psy_has_suffix_ci(name, ".vmrk") ||
        (psy_has_suffix_ci(name, ".eeg") && !is_text(buf, n)))
        return psy_open_brainvision;
    if (is_wfdb_annotation_name(name) && !is_text(buf, n)) return psy_open_wfdb_annotations;
    if (psy_acq_probe(buf, n) || (psy_has_suffix_ci(name, ".acq") && !is_text(buf, n))) return psy_open_acq;
    if (psy_has_suffix_ci(name, ".hea")) return psy_open_wfdb;
    if (has_prefix(buf, n, "\x1f\x8b", 2) || is_text(buf, n)) return psy_open_text;
    *st = psy_fail(why, PSY_E_UNKNOWN_FORMAT,
                   "unknown format: not EDF/BDF, WFDB, audio (WAV/FLAC/...), ISHNE, AcqKnowledge, XDF, "
                   "BrainVision, OpenSignals or delimited text");
    return NULL;
}

/* The rate rule (recording.h) for a file that declares its rate: the given rate replaces it
 * only when asked to, and is otherwise left unused with a warning when it differs. */
static void apply_given_rate(psy_reader *r, const psy_open_options *opt)
{
    double given = opt->sampling_rate_hz, declared = psy_reader_declared_rate(r);
    if (!(given > 0) || psy_reader_rate_origin(r) != PSY_RATE_FILE) return;
    if (!(declared > 0)) {
        psy_reader_warn(r, "the given rate %.9g Hz is not used: the file has no sampled channel", given);
        return;
    }
    if (fabs(given - declared) <= 1e-9 * declared) return;
    if (!opt->override_rate) {
        psy_reader_warn(r, "the file declares %.9g Hz: the given rate %.9g Hz, meant for files without "
                        "a rate, is not used (an explicit override replaces a declared rate)", declared, given);
        return;
    }
    psy_reader_rescale_clock(r, given / declared);
    psy_reader_note_override(r, declared, given);
}

psy_status psy_reader_open_source(psy_source *src, const psy_open_options *options,
                                  psy_reader **out, psy_message *why)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!src) return psy_fail(why, PSY_E_INVALID, "no source");
    psy_open_options opt = options ? *options : psy_open_options_default();
    if (!psy_reserved_clear(opt.reserved)) return psy_fail(why, PSY_E_INVALID, "%s", PSY_RESERVED_REASON);
    if (opt.sampling_rate_hz < 0 || opt.sampling_rate_hz != opt.sampling_rate_hz)
        return psy_fail(why, PSY_E_INVALID, "the sampling rate must be positive");
    open_fn open = NULL;
    psy_status st = PSY_OK;
    if (opt.format) {
        for (size_t i = 0; i < sizeof forced_formats / sizeof forced_formats[0] && !open; i++)
            if (psy_strieq(opt.format, forced_formats[i].name)) open = forced_formats[i].open;
        if (!open) return psy_fail(why, PSY_E_INVALID, "unknown format name '%s'", opt.format);
    } else {
        unsigned char head[512];
        int64_t n = psy_source_read(src, 0, head, sizeof head);
        if (n < 0) return psy_fail(why, PSY_E_IO, "cannot read the file");
        open = choose_reader(src, head, (size_t)n, why, &st);
    }
    if (!open) return st;
    st = open(src, &opt, out, why);
    if (st == PSY_OK) apply_given_rate(*out, &opt);
    return st;
}

psy_status psy_reader_open(const char *path, const psy_open_options *options, psy_reader **out,
                           psy_message *why)
{
    if (!out) return PSY_E_INVALID;
    *out = NULL;
    if (!path || !*path) return psy_fail(why, PSY_E_INVALID, "no file name");
    /* A WFDB record may be named by its record name or a signal file, unless another reader
     * is forced (a FLAC .dat opened as plain audio). */
    int other_forced = options && options->format && !psy_strieq(options->format, "wfdb");
    char *hea = other_forced ? NULL : psy_wfdb_header_for_path(path);
    psy_source *src = NULL;
    psy_status st = psy_source_open_path(hea ? hea : path, &src);
    free(hea);
    if (st == PSY_E_IO) {
        /* Several files as one: an E4, Garmin or Holter folder, a BIDS run split by rate (named without its
         * recording entity). Each file declares its rate: the rate rule applies to the whole. */
        struct stat sb;
        int dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
        psy_status many = dir ? psy_open_folder(path, out, why) : psy_open_bids_run(path, out, why);
        if (many == PSY_OK) {
            psy_open_options opt = options ? *options : psy_open_options_default();
            apply_given_rate(*out, &opt);
        }
        if (many != PSY_E_NOT_FOUND) return many;
        return psy_fail(why, st, "cannot open the file (missing or unreadable)");
    }
    if (st != PSY_OK) return psy_fail(why, st, "%s", psy_strerror(st));
    st = psy_reader_open_source(src, options, out, why);
    if (st != PSY_OK) psy_source_close(src);
    return st;
}
