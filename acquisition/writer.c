/* Writing recordings: format choice, the checks every format shares (targets, input file,
 * irregular channels), the output time axis, and all-or-nothing output through a temporary
 * directory beside the target whose files are renamed into place only when complete. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader_impl.h"
#include "writer_impl.h"

psy_status psy_write_format_from_path(const char *path, psy_write_format *out)
{
    if (!path || !out) return PSY_E_INVALID;
    if (psy_has_suffix_ci(path, ".edf")) *out = PSY_WRITE_EDF;
    else if (psy_has_suffix_ci(path, ".bdf")) *out = PSY_WRITE_BDF;
    else if (psy_has_suffix_ci(path, ".tsv.gz")) *out = PSY_WRITE_BIDS_TSV;
    else return PSY_E_INVALID;
    return PSY_OK;
}

void psy_write_note(psy_write_job *job, const char *fmt, ...)
{
    size_t used = strlen(job->notes);
    if (used + 3 >= sizeof job->notes) return;
    if (used) {
        memcpy(job->notes + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(job->notes + used, sizeof job->notes - used, fmt, ap);
    va_end(ap);
}

/* Integers (the common case of raw adu) without printf's arbitrary-precision machinery; the
 * text is what "%.*g" prints for them. */
static int format_integer(char *buf, size_t size, double value)
{
    char tmp[24];
    long long v = (long long)value;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    int n = 0;
    do tmp[n++] = (char)('0' + u % 10); while ((u /= 10) > 0);
    if (v < 0) tmp[n++] = '-';
    if ((size_t)n >= size) return snprintf(buf, size, "%.0f", value);
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

int psy_write_format_number(char *buf, size_t size, double value, int digits)
{
    if (value == floor(value) && fabs(value) < 1e9 && digits >= 10 && !(value == 0 && signbit(value)))
        return format_integer(buf, size, value);
    int len = snprintf(buf, size, "%.*g", digits, value);
    for (char *p = buf; *p; p++)
        if (*p == ',') *p = '.'; /* a decimal comma from the caller's locale */
    return len;
}

psy_status psy_write_read(psy_write_job *job, int k, int64_t start, int64_t n, double *out,
                          double fill)
{
    for (int64_t i = 0; i < n; i++) out[i] = fill;
    const psy_channel_info *c = psy_reader_channel(job->reader, job->chans[k]);
    int stretches = psy_reader_stretch_count(job->reader);
    for (int s = 0; s < stretches; s++) {
        const psy_stretch *st = psy_reader_stretch(job->reader, s);
        int64_t out0 = llround(st->onset_s * c->rate_hz);
        int64_t in0 = llround(st->data_offset_s * c->rate_hz);
        int64_t len = s + 1 < stretches ? llround(st->duration_s * c->rate_hz) : c->frames - in0;
        if (in0 + len > c->frames) len = c->frames - in0;
        int64_t a = start > out0 ? start : out0;
        int64_t b = start + n < out0 + len ? start + n : out0 + len;
        if (b <= a) continue;
        psy_status rs = psy_reader_read(job->reader, job->chans[k], in0 + (a - out0), b - a, out + (a - start));
        if (rs != PSY_OK) return rs;
    }
    return PSY_OK;
}

int psy_write_add_target(psy_write_job *job, const char *path)
{
    if (job->n_targets >= PSY_WRITE_MAX_TARGETS) return -1;
    char *copy = strdup(path);
    if (!copy) return -1;
    job->targets[job->n_targets] = copy;
    return job->n_targets++;
}

/* Output length of channel k on the true time axis: the end of its last stretch. */
static int64_t output_frames(const psy_reader *r, const psy_channel_info *c)
{
    int stretches = psy_reader_stretch_count(r);
    const psy_stretch *last = psy_reader_stretch(r, stretches - 1);
    if (!last) return c->frames;
    int64_t in0 = llround(last->data_offset_s * c->rate_hz);
    int64_t out0 = llround(last->onset_s * c->rate_hz);
    return in0 < c->frames ? out0 + (c->frames - in0) : c->frames;
}

static psy_status choose_channels(psy_write_job *job, psy_message *why)
{
    int total = psy_reader_channel_count(job->reader);
    job->chans = calloc((size_t)(total ? total : 1), sizeof *job->chans);
    job->frames = calloc((size_t)(total ? total : 1), sizeof *job->frames);
    if (!job->chans || !job->frames) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    for (int i = 0; i < total; i++) {
        const psy_channel_info *c = psy_reader_channel(job->reader, i);
        if (!(c->rate_hz > 0)) {
            psy_write_note(job, "irregular channel '%s' skipped", c->label);
            continue;
        }
        job->chans[job->n] = i;
        job->frames[job->n++] = output_frames(job->reader, c);
    }
    if (job->n == 0)
        return psy_fail(why, PSY_E_UNSUPPORTED, "no regularly sampled channel to write");
    return PSY_OK;
}

/* "dir/name.tsv.gz" -> "dir/name" + ext, and "_physio" -> "_physioevents" when events. */
static char *bids_related(const char *path, int events, const char *ext)
{
    size_t stem = strlen(path) - strlen(".tsv.gz");
    size_t size = stem + strlen("_physioevents") + strlen(ext) + 1;
    char *out = malloc(size);
    if (!out) return NULL;
    memcpy(out, path, stem);
    out[stem] = '\0';
    if (events) {
        const char *slash = strrchr(out, '/');
        char *tag = strstr(slash ? slash : out, "_physio");
        if (tag && (tag[7] == '\0' || tag[7] == '_' || tag[7] == '.')) {
            memmove(tag + 13, tag + 7, strlen(tag + 7) + 1); /* "_physio" -> "_physioevents" */
            memcpy(tag + 7, "events", 6);
        } else {
            strcat(out, "_physioevents");
        }
    }
    strcat(out, ext);
    return out;
}

static psy_status add_targets(psy_write_job *job, const char *path, psy_write_format format,
                              psy_message *why)
{
    if (format != PSY_WRITE_BIDS_TSV) {
        if (psy_write_add_target(job, path) < 0) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        return PSY_OK;
    }
    if (!psy_has_suffix_ci(path, ".tsv.gz"))
        return psy_fail(why, PSY_E_INVALID, "a BIDS physio file name must end in .tsv.gz");
    int events = psy_reader_event_count(job->reader) > 0;
    char *names[4] = {strdup(path), bids_related(path, 0, ".json"),
                      events ? bids_related(path, 1, ".tsv.gz") : NULL,
                      events ? bids_related(path, 1, ".json") : NULL};
    psy_status st = PSY_OK;
    for (int i = 0; i < 4; i++) {
        if (i < (events ? 4 : 2) && (!names[i] || psy_write_add_target(job, names[i]) < 0))
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
        free(names[i]);
    }
    return st;
}

/* Refuses existing targets (unless overwrite) and, always, a target that is the input file. */
static psy_status check_targets(psy_write_job *job, int overwrite, psy_message *why)
{
    struct stat in_sb, sb;
    const char *input = psy_source_path(psy_reader_source(job->reader));
    int have_input = input && stat(input, &in_sb) == 0;
    for (int i = 0; i < job->n_targets; i++) {
        const char *t = job->targets[i];
        if (stat(t, &sb) != 0) continue;
        if (have_input && sb.st_dev == in_sb.st_dev && sb.st_ino == in_sb.st_ino)
            return psy_fail(why, PSY_E_INVALID, "the output %s is the input file", t);
        if (!overwrite) return psy_fail(why, PSY_E_EXISTS, "%s exists (not overwritten)", t);
        if (!S_ISREG(sb.st_mode)) return psy_fail(why, PSY_E_IO, "%s is not a regular file", t);
    }
    return PSY_OK;
}

static psy_status make_tmpdir(psy_write_job *job, psy_message *why)
{
    const char *target = job->targets[0];
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
    job->tmpdir = malloc(dirlen + sizeof ".psyphys-XXXXXX");
    if (!job->tmpdir) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    memcpy(job->tmpdir, target, dirlen);
    memcpy(job->tmpdir + dirlen, ".psyphys-XXXXXX", sizeof ".psyphys-XXXXXX");
    if (!mkdtemp(job->tmpdir)) {
        char err[128];
        psy_errno_text(errno, err, sizeof err);
        free(job->tmpdir);
        job->tmpdir = NULL;
        return psy_fail(why, PSY_E_IO, "cannot create a temporary directory beside the output: %s", err);
    }
    for (int i = 0; i < job->n_targets; i++) {
        const char *t = job->targets[i], *base = strrchr(t, '/');
        base = base ? base + 1 : t;
        size_t size = strlen(job->tmpdir) + strlen(base) + 2;
        job->temps[i] = malloc(size);
        if (!job->temps[i]) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        snprintf(job->temps[i], size, "%s/%s", job->tmpdir, base);
    }
    return PSY_OK;
}

static psy_status commit(psy_write_job *job, psy_message *why)
{
    for (int i = 0; i < job->n_targets; i++) {
        if (rename(job->temps[i], job->targets[i]) != 0) {
            char err[128];
            psy_errno_text(errno, err, sizeof err);
            for (int k = 0; k < i; k++) unlink(job->targets[k]); /* all or nothing */
            return psy_fail(why, PSY_E_IO, "cannot move the output into place: %s", err);
        }
    }
    return PSY_OK;
}

static void cleanup(psy_write_job *job)
{
    for (int i = 0; i < job->n_targets; i++) {
        if (job->temps[i]) unlink(job->temps[i]); /* gone already after a commit */
        free(job->temps[i]);
        free(job->targets[i]);
    }
    if (job->tmpdir) rmdir(job->tmpdir);
    free(job->tmpdir);
    free(job->chans);
    free(job->frames);
}

psy_status psy_write_recording(psy_reader *reader, const char *path, psy_write_format format,
                               const psy_write_options *options, psy_message *why)
{
    if (why) why->text[0] = '\0';
    if (!reader || !path || !*path) return psy_fail(why, PSY_E_INVALID, "no recording or no output path");
    if (format != PSY_WRITE_EDF && format != PSY_WRITE_BDF && format != PSY_WRITE_BIDS_TSV)
        return psy_fail(why, PSY_E_INVALID, "unknown output format %d", (int)format);
    psy_write_job job = {0};
    job.reader = reader;
    int overwrite = options ? options->overwrite : 0;
    psy_status st = choose_channels(&job, why);
    if (st == PSY_OK) st = add_targets(&job, path, format, why);
    if (st == PSY_OK) st = check_targets(&job, overwrite, why);
    if (st == PSY_OK) st = make_tmpdir(&job, why);
    if (st == PSY_OK)
        st = format == PSY_WRITE_BIDS_TSV ? psy_write_bids(&job, why)
                                          : psy_write_edf(&job, format == PSY_WRITE_BDF, why);
    if (st == PSY_OK) st = commit(&job, why);
    if (st == PSY_OK && why) snprintf(why->text, sizeof why->text, "%s", job.notes);
    cleanup(&job);
    return st;
}
