/* RR/IBI and beat-time text lists: one value per line (RR in ms or s, or beat times in s), or
 * two columns "beat time, RR" (Polar exports, ANSI/AAMI EC57 test patterns), optionally under a
 * header row naming them (RR, IBI, time, beat, with units ms or s).
 *
 * Output: one irregular RR channel (unit ms) whose sample times are the times of the beats that
 * END each interval, in s from the recording's time zero:
 *  - RR list: time zero is the beat that starts the first interval, so times are running sums;
 *  - time + RR columns: times come from the file's time column as written (never summed);
 *  - beat times: interval i = t[i] - t[i-1] at time t[i]; time zero stays the file's zero (not
 *    the first beat), so the first beat keeps its offset t[0] and events timed on the same
 *    clock (e.g. an apnea tag file) line up.
 *
 * Unit rule when the file does not say: median value > 20 → ms, else s (no human RR is 20 s, no
 * RR in ms is below 20). A unit or column name in a header row wins over the rule.
 *
 * No first-line offset convention is supported: none of the PhysioNet-derived lists at hand
 * starts with an offset line, and a first value cannot be told from an interval unambiguously. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "psyphys/hrv.h"
#include "device_readers.h"
#include "device_util.h"
#include "text_lines.h" /* text_is_missing */

enum { ROLE_NONE, ROLE_RR, ROLE_TIME };
enum { UNIT_NONE, UNIT_MS, UNIT_S };

typedef struct column_header {
    int role, unit;
} column_header;

typedef struct rows {
    double *a, *b;     /* first and second column */
    int64_t *line;     /* line number of each row */
    int64_t n, cap, max;
} rows;

static void rows_free(rows *r)
{
    free(r->a);
    free(r->b);
    free(r->line);
}

static psy_status rows_push(rows *r, double a, double b, int64_t line)
{
    if (r->n == r->cap) {
        if (r->n >= r->max) return PSY_E_FORMAT;
        int64_t cap = r->cap ? r->cap * 2 : 4096;
        if (cap > r->max) cap = r->max;
        double *na = realloc(r->a, (size_t)cap * sizeof *na);
        if (!na) return PSY_E_NOMEM;
        r->a = na;
        double *nb = realloc(r->b, (size_t)cap * sizeof *nb);
        if (!nb) return PSY_E_NOMEM;
        r->b = nb;
        int64_t *nl = realloc(r->line, (size_t)cap * sizeof *nl);
        if (!nl) return PSY_E_NOMEM;
        r->line = nl;
        r->cap = cap;
    }
    r->a[r->n] = a;
    r->b[r->n] = b;
    r->line[r->n] = line;
    r->n++;
    return PSY_OK;
}

/* Reads one header word (letters only, lower-cased) into its role and unit. 0 when unknown. */
static int header_word(const char *w, size_t n, column_header *h)
{
    static const struct { const char *word; int role, unit; } words[] = {
        {"rr", ROLE_RR, UNIT_NONE},     {"ibi", ROLE_RR, UNIT_NONE},   {"nn", ROLE_RR, UNIT_NONE},
        {"rri", ROLE_RR, UNIT_NONE},    {"interval", ROLE_RR, UNIT_NONE},
        {"intervals", ROLE_RR, UNIT_NONE}, {"time", ROLE_TIME, UNIT_NONE},
        {"t", ROLE_TIME, UNIT_NONE},    {"beat", ROLE_TIME, UNIT_NONE},
        {"beats", ROLE_TIME, UNIT_NONE}, {"cumulative", ROLE_TIME, UNIT_NONE},
        {"ms", ROLE_NONE, UNIT_MS},     {"msec", ROLE_NONE, UNIT_MS},
        {"milliseconds", ROLE_NONE, UNIT_MS}, {"s", ROLE_NONE, UNIT_S},
        {"sec", ROLE_NONE, UNIT_S},     {"seconds", ROLE_NONE, UNIT_S}};
    char low[16];
    if (n == 0 || n >= sizeof low) return 0;
    for (size_t i = 0; i < n; i++) low[i] = (char)tolower((unsigned char)w[i]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strcmp(low, words[i].word) != 0) continue;
        if (words[i].role == ROLE_RR || (words[i].role == ROLE_TIME && h->role != ROLE_RR))
            h->role = words[i].role;
        if (words[i].unit != UNIT_NONE) h->unit = words[i].unit;
        return 1;
    }
    return 0;
}

/* A header cell such as "RR", "RR (ms)", "t_beat_s", "IBI[s]". 0 when a word is not ours. */
static int parse_header_cell(dev_field f, column_header *h)
{
    *h = (column_header){ROLE_NONE, UNIT_NONE};
    size_t i = 0, words = 0;
    while (i < f.n) {
        while (i < f.n && !isalpha((unsigned char)f.p[i])) {
            if (!strchr(" _-()[]/", f.p[i])) return 0;
            i++;
        }
        size_t b = i;
        while (i < f.n && isalpha((unsigned char)f.p[i])) i++;
        if (i > b) {
            if (!header_word(f.p + b, i - b, h)) return 0;
            words++;
        }
    }
    return words > 0;
}

static char pick_delimiter(const char *line, size_t n)
{
    if (memchr(line, ',', n)) return ',';
    if (memchr(line, ';', n)) return ';';
    return ' ';
}

typedef struct parsed {
    rows r;
    int columns;             /* 1 or 2 */
    int has_header;
    column_header head[2];
    int64_t dropped_line;    /* a trailing non-numeric line that was ignored, or 0 */
    char dropped_text[24];
} parsed;

/* A header row of one or two cells ("RR", "t_beat_s,RR_s", "RR (ms)"); a unit-only cell after a
 * blank split ("RR (s)" → "RR", "(s)") belongs to the cell before it. 0 when not ours. */
static int parse_header(const dev_field *f, size_t nf, parsed *p)
{
    int cells = 0;
    if (nf < 1 || nf > 4) return 0;
    for (size_t i = 0; i < nf; i++) {
        column_header h;
        if (!parse_header_cell(f[i], &h)) return 0;
        if (h.role == ROLE_NONE && cells > 0 && p->head[cells - 1].unit == UNIT_NONE) {
            p->head[cells - 1].unit = h.unit;
            continue;
        }
        if (cells == 2) return 0;
        p->head[cells++] = h;
    }
    p->has_header = cells;
    return 1;
}

/* Reads the whole list. PSY_E_UNKNOWN_FORMAT when the first lines are not ours. */
static psy_status read_rows(psy_source *src, parsed *p, psy_message *why)
{
    dev_lines lr;
    if (dev_lines_open(&lr, src, DEV_CUT_KEEP) != PSY_OK) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    p->r.max = dev_max_values(src);
    const char *line;
    size_t len;
    psy_status st = PSY_OK;
    char delim = 0;
    int64_t bad_line = 0; /* a non-numeric line, fatal unless it is the last one */
    char bad_text[24] = "";
    int got;
    while ((got = dev_lines_next(&lr, &line, &len, &st, why)) == 1) {
        if (dev_is_blank(line, len)) continue;
        if (!delim) delim = pick_delimiter(line, len);
        dev_field f[4];
        size_t nf = dev_split(line, len, delim, f, 4);
        double v[3];
        int numeric = nf >= 1 && nf <= 3;
        for (size_t i = 0; numeric && i < nf; i++) {
            /* a missing value (NaN, NA, n/a, an empty cell) once the list's columns are known */
            int missing = p->columns && text_is_missing(f[i].p, f[i].n);
            numeric = missing || dev_parse_number(f[i].p, f[i].n, &v[i]);
            if (missing) v[i] = NAN;
        }
        if (p->columns == 0 && !p->has_header && !numeric) {
            /* the first line may be a header of our words; anything else is not ours */
            if (!parse_header(f, nf, p)) { st = PSY_E_UNKNOWN_FORMAT; break; }
            continue;
        }
        if (p->columns == 0) {
            if (!numeric || nf > 2) { st = PSY_E_UNKNOWN_FORMAT; break; }
            p->columns = (int)nf;
        }
        if (bad_line) {
            st = psy_fail(why, PSY_E_FORMAT, "line %lld: '%s' is not a number",
                          (long long)bad_line, bad_text);
            break;
        }
        if (!numeric || (int)nf != p->columns) {
            if (numeric) {
                st = psy_fail(why, PSY_E_FORMAT, "line %lld: %zu columns where the list has %d",
                              (long long)lr.line_no, nf, p->columns);
                break;
            }
            bad_line = lr.line_no;
            psy_copy_field(bad_text, sizeof bad_text, line, len);
            continue;
        }
        st = rows_push(&p->r, v[0], nf == 2 ? v[1] : 0, lr.line_no);
        if (st == PSY_E_FORMAT) st = psy_fail(why, st, "more values than the file size allows");
        if (st == PSY_E_NOMEM) psy_fail(why, st, "out of memory");
        if (st != PSY_OK) break;
    }
    dev_lines_close(&lr);
    if (st != PSY_OK && got < 0 && p->columns == 0 && !p->has_header)
        return PSY_E_UNKNOWN_FORMAT; /* a first line no list has (a wide CSV's header) */
    if (st != PSY_OK) return st;
    if (got < 0) return st;
    if (p->columns == 0) {
        if (p->has_header) return psy_fail(why, PSY_E_FORMAT, "a header row but no values");
        return PSY_E_UNKNOWN_FORMAT;
    }
    if (bad_line) {
        p->dropped_line = bad_line;
        memcpy(p->dropped_text, bad_text, sizeof bad_text);
    }
    return PSY_OK;
}

static double unit_scale_to_s(int unit) { return unit == UNIT_MS ? 1e-3 : 1.0; }

/* The rule for a value column whose unit is not stated: median > 20 → ms, else s. */
static int unit_by_median(double median) { return median > 20 ? UNIT_MS : UNIT_S; }

/* Fraction of the values (in s) that are not missing in the range a human RR can take,
 * generously: 0.2 .. 5 s. */
static double plausible_fraction(const double *v, int64_t n, double to_s)
{
    int64_t ok = 0, given = 0;
    for (int64_t i = 0; i < n; i++) {
        given += !isnan(v[i]);
        if (v[i] * to_s >= 0.2 && v[i] * to_s <= 5.0) ok++;
    }
    return given ? (double)ok / (double)given : 0;
}

typedef struct result {
    dev_store *store;
    const char *format;
    int64_t mismatches, first_mismatch_line;
    double mismatch_step, mismatch_rr;
    int unit_guessed, unit;
    double median;
    int64_t skipped, first_skipped_line; /* missing or out-of-range intervals, the first's line */
    int64_t missing_rr;                  /* missing lines of a one-column RR list among them */
} result;

/* Plausible RR intervals: psy_hrv_compute's bounds, 1 ms .. 10 s. */
static int interval_kept(double rr_ms) { return rr_ms >= PSY_HRV_MIN_INTERVAL_MS && rr_ms <= PSY_HRV_MAX_INTERVAL_MS; }

static void note_skipped(result *res, int64_t line)
{
    if (!res->skipped++) res->first_skipped_line = line;
}

/* Beat times a[i] → intervals between successive beats, timed at the later beat. */
static psy_status build_beat_times(const parsed *p, int unit, result *res, psy_message *why)
{
    const rows *r = &p->r;
    double to_s = unit_scale_to_s(unit);
    res->format = "beat times";
    int64_t first = 0;
    while (first < r->n && isnan(r->a[first])) note_skipped(res, r->line[first++]);
    double last = first < r->n ? r->a[first] : NAN; /* the last beat's time */
    double prev = last;                              /* likewise, NaN after a missing one */
    for (int64_t i = first + 1; i < r->n; i++) {
        if (isnan(r->a[i])) { /* a missing beat: the interval after it is unknown */
            note_skipped(res, r->line[i]);
            prev = NAN;
            continue;
        }
        if (!(r->a[i] > last))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: beat time %g is not after the previous %g",
                            (long long)r->line[i], r->a[i], last);
        double rr_ms = (r->a[i] - prev) * to_s * 1e3;
        if (!isnan(rr_ms) && !interval_kept(rr_ms)) note_skipped(res, r->line[i]), rr_ms = NAN;
        psy_status st = dev_store_push(res->store, 0, rr_ms, r->a[i] * to_s, why);
        if (st != PSY_OK) return st;
        prev = last = r->a[i];
    }
    return PSY_OK;
}

/* One RR per row: times are running sums from the beat that starts the first interval. */
static psy_status build_rr_list(const parsed *p, int unit, result *res, psy_message *why)
{
    const rows *r = &p->r;
    double to_s = unit_scale_to_s(unit), t = 0;
    res->format = "RR list";
    for (int64_t i = 0; i < r->n; i++) {
        if (isnan(r->a[i])) { /* a missing interval: its time is unknown, the list runs on without it */
            note_skipped(res, r->line[i]);
            res->missing_rr++;
            continue;
        }
        if (!(r->a[i] > 0))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: RR interval %g is not positive",
                            (long long)r->line[i], r->a[i]);
        t += r->a[i] * to_s;
        double rr_ms = r->a[i] * to_s * 1e3;
        if (!interval_kept(rr_ms)) note_skipped(res, r->line[i]), rr_ms = NAN; /* time passed, no beat interval */
        psy_status st = dev_store_push(res->store, 0, rr_ms, t, why);
        if (st != PSY_OK) return st;
    }
    return PSY_OK;
}

/* A time step agrees with the RR that ends it: within 10 ms or 5 % (rounding in exports). */
static int steps_match(double step_s, double rr_s) { return fabs(step_s - rr_s) <= fmax(0.01, 0.05 * rr_s); }

/* Time and RR columns: both from the file; rows where the time step and the RR disagree are
 * counted (Polar's recording-start artefact, dropped beats) but kept as written. */
static psy_status build_time_rr(const parsed *p, const double *t, const double *rr, double t_to_s,
                                double rr_to_s, result *res, psy_message *why)
{
    const rows *r = &p->r;
    res->format = "RR list";
    int64_t kept = 0;
    for (int64_t i = 0; i < r->n; i++) {
        if (isnan(t[i])) { /* a beat without a time: left out */
            note_skipped(res, r->line[i]);
            continue;
        }
        double rr_ms = rr[i] * rr_to_s * 1e3;
        if (!isnan(rr_ms) && !(rr_ms > 0))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: RR interval %g is not positive",
                            (long long)r->line[i], rr[i]);
        if (kept > 0 && !(t[i] > t[kept - 1]))
            return psy_fail(why, PSY_E_FORMAT, "line %lld: beat time %g is not after the previous %g",
                            (long long)r->line[i], t[i], t[kept - 1]);
        if (!interval_kept(rr_ms)) note_skipped(res, r->line[i]), rr_ms = NAN; /* a beat without an interval: a gap */
        if (kept > 0 && !isnan(rr_ms)) {
            double step = (t[i] - t[kept - 1]) * t_to_s, rr_s = rr[i] * rr_to_s;
            if (!steps_match(step, rr_s)) {
                if (!res->mismatches++) {
                    res->first_mismatch_line = r->line[i];
                    res->mismatch_step = step;
                    res->mismatch_rr = rr_s;
                }
            }
        }
        psy_status st = dev_store_push(res->store, 0, rr_ms, t[i] * t_to_s, why);
        if (st != PSY_OK) return st;
        kept = i + 1;
    }
    return PSY_OK;
}

/* The median of the values that are not missing (NaN). */
static psy_status median_of(const double *v, int64_t n, double *out, psy_message *why)
{
    double *kept = malloc((size_t)(n > 0 ? n : 1) * sizeof *kept);
    if (!kept) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (!isnan(v[i])) kept[k++] = v[i];
    int ok = 0;
    *out = k ? dev_median(kept, k, &ok) : NAN;
    free(kept);
    if (!k) return psy_fail(why, PSY_E_FORMAT, "every value is missing");
    return ok ? PSY_OK : psy_fail(why, PSY_E_NOMEM, "out of memory");
}

/* Differences of successive values (n - 1 of them) into a new array. */
static double *differences(const double *v, int64_t n)
{
    double *d = malloc((size_t)(n > 1 ? n - 1 : 1) * sizeof *d);
    if (d)
        for (int64_t i = 1; i < n; i++) d[i - 1] = v[i] - v[i - 1];
    return d;
}

static psy_status classify_one_column(const parsed *p, int forced, int rate_given, result *res,
                                      psy_message *why)
{
    const rows *r = &p->r;
    column_header h = p->has_header ? p->head[0] : (column_header){ROLE_NONE, UNIT_NONE};
    if (r->n < 2) {
        /* one plausible RR (or a header saying so) is ours but too short to be a list */
        double to_s = unit_scale_to_s(h.unit != UNIT_NONE ? h.unit : unit_by_median(r->a[0]));
        if (!forced && !p->has_header && (rate_given || plausible_fraction(r->a, 1, to_s) < 1))
            return PSY_E_UNKNOWN_FORMAT;
        return psy_fail(why, PSY_E_FORMAT, "a single value (%g) is neither an RR list nor beat times",
                        r->a[0]);
    }
    psy_status st;
    int beat_times = h.role == ROLE_TIME;
    double diff_median = 0;
    if (h.role == ROLE_NONE && r->n >= 3) {
        /* Beat times rise at every line by about one RR; an RR list goes up and down. */
        double *d = differences(r->a, r->n);
        if (!d) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        int64_t rising = 0, steps = 0; /* among the steps between values that are not missing */
        for (int64_t i = 0; i < r->n - 1; i++) rising += d[i] > 0, steps += !isnan(d[i]);
        beat_times = steps && (double)rising >= 0.9 * (double)steps;
        st = beat_times ? median_of(d, r->n - 1, &diff_median, why) : PSY_OK;
        free(d);
        if (st != PSY_OK) return st;
        int unit = h.unit != UNIT_NONE ? h.unit : unit_by_median(diff_median);
        double step_s = diff_median * unit_scale_to_s(unit);
        beat_times = beat_times && step_s >= 0.2 && step_s <= 5.0;
    }
    if (beat_times) {
        if (h.unit == UNIT_NONE && diff_median == 0) {
            double *d = differences(r->a, r->n);
            if (!d) return psy_fail(why, PSY_E_NOMEM, "out of memory");
            st = median_of(d, r->n - 1, &diff_median, why);
            free(d);
            if (st != PSY_OK) return st;
        }
        int unit = h.unit != UNIT_NONE ? h.unit : unit_by_median(diff_median);
        res->unit_guessed = h.unit == UNIT_NONE;
        res->unit = unit;
        res->median = diff_median;
        return build_beat_times(p, unit, res, why);
    }
    if (!forced && !p->has_header && rate_given) return PSY_E_UNKNOWN_FORMAT; /* a signal */
    double median;
    if ((st = median_of(r->a, r->n, &median, why)) != PSY_OK) return st;
    int unit = h.unit != UNIT_NONE ? h.unit : unit_by_median(median);
    if (!forced && !p->has_header && plausible_fraction(r->a, r->n, unit_scale_to_s(unit)) < 0.9)
        return PSY_E_UNKNOWN_FORMAT;
    res->unit_guessed = h.unit == UNIT_NONE;
    res->unit = unit;
    res->median = median;
    return build_rr_list(p, unit, res, why);
}

static psy_status classify_two_columns(const parsed *p, int forced, result *res, psy_message *why)
{
    const rows *r = &p->r;
    int swap = p->has_header && p->head[0].role == ROLE_RR && p->head[1].role != ROLE_RR;
    const double *t = swap ? r->b : r->a, *rr = swap ? r->a : r->b;
    const column_header *th = &p->head[swap], *rh = &p->head[!swap];
    if (r->n < 2 && !forced && !p->has_header) return PSY_E_UNKNOWN_FORMAT;
    double rr_median, step_median = 0;
    psy_status st = median_of(rr, r->n, &rr_median, why);
    if (st != PSY_OK) return st;
    if (r->n >= 2) {
        double *d = differences(t, r->n);
        if (!d) return psy_fail(why, PSY_E_NOMEM, "out of memory");
        st = median_of(d, r->n - 1, &step_median, why);
        free(d);
        if (st != PSY_OK) return st;
    }
    int rr_unit = p->has_header && rh->unit != UNIT_NONE ? rh->unit : unit_by_median(rr_median);
    int t_unit = p->has_header && th->unit != UNIT_NONE ? th->unit : unit_by_median(step_median);
    double t_to_s = unit_scale_to_s(t_unit), rr_to_s = unit_scale_to_s(rr_unit);
    /* Without a header, time steps that match the RR column at most rows make it ours; only
     * then are bad rows (RR <= 0, time going back) errors rather than someone else's CSV. */
    if (!forced && !p->has_header) {
        int64_t match = 0;
        for (int64_t i = 1; i < r->n; i++)
            match += steps_match((t[i] - t[i - 1]) * t_to_s, rr[i] * rr_to_s);
        if ((double)match < 0.5 * (double)(r->n - 1)) return PSY_E_UNKNOWN_FORMAT;
    }
    res->unit_guessed = !(p->has_header && rh->unit != UNIT_NONE);
    res->unit = rr_unit;
    res->median = rr_median;
    return build_time_rr(p, t, rr, t_to_s, rr_to_s, res, why);
}

static void warn_all(psy_reader *rd, const parsed *p, const result *res)
{
    if (p->dropped_line)
        psy_reader_warn(rd, "line %lld: '%s' is not a number; the trailing line was ignored",
                        (long long)p->dropped_line, p->dropped_text);
    if (res->unit_guessed)
        psy_reader_warn(rd, "no unit stated: %s read as %s (median %g %s 20)",
                        strcmp(res->format, "beat times") == 0 ? "beat time steps" : "intervals",
                        res->unit == UNIT_MS ? "ms" : "s", res->median,
                        res->unit == UNIT_MS ? ">" : "<=");
    if (res->skipped)
        psy_reader_warn(rd, "%lld interval(s) missing (NaN, NA, n/a, empty) or outside 1 ms .. 10 s skipped, the "
                        "first at line %lld%s", (long long)res->skipped, (long long)res->first_skipped_line,
                        res->missing_rr ? " (a missing interval's length is unknown: the beat times after it run on "
                                          "without it)"
                                        : "");
    if (res->mismatches)
        psy_reader_warn(rd, "time column and RR disagree at %lld of %lld beats (first at line %lld: "
                        "time step %.3f s, RR %.3f s; a recording-start artefact or dropped beats); "
                        "times are kept as written", (long long)res->mismatches,
                        (long long)p->r.n - 1, (long long)res->first_mismatch_line,
                        res->mismatch_step, res->mismatch_rr);
}

psy_status psy_open_rr_list(psy_source *src, int forced, int rate_given, psy_reader **out,
                            psy_message *why)
{
    *out = NULL;
    if (psy_source_size(src) == 0) return psy_fail(why, PSY_E_FORMAT, "the file is empty");
    parsed p;
    memset(&p, 0, sizeof p);
    psy_message local = {{0}}; /* keep why empty when the content turns out not to be ours */
    psy_status st = read_rows(src, &p, &local);
    result res;
    memset(&res, 0, sizeof res);
    if (st == PSY_OK) {
        res.store = dev_store_new(1, 1, p.r.n + 1);
        if (!res.store) st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
    }
    if (st == PSY_OK)
        st = p.columns == 1 ? classify_one_column(&p, forced, rate_given, &res, &local)
                            : classify_two_columns(&p, forced, &res, &local);
    if (st == PSY_E_UNKNOWN_FORMAT && forced)
        st = psy_fail(&local, PSY_E_FORMAT, "not an RR list: expected one or two numeric columns");
    psy_reader *rd = NULL;
    if (st == PSY_OK && !(rd = psy_reader_new(res.format))) st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
    if (st == PSY_OK) {
        psy_channel_info info = {0};
        strcpy(info.label, "RR");
        strcpy(info.file_unit, "ms"); /* values are converted to ms while reading the file */
        info.type = PSY_CH_RR;
        info.rate_hz = 0;
        info.frames = res.store->ch[0].n;
        info.physical_min = info.physical_max = NAN;
        warn_all(rd, &p, &res);
        dev_store_attach(rd, res.store);
        res.store = NULL;
        if (psy_reader_add_channel(rd, &info, 0) < 0 || psy_reader_finish(rd) != PSY_OK) {
            st = psy_fail(&local, PSY_E_NOMEM, "out of memory");
            psy_reader_discard(rd);
            rd = NULL;
        }
    }
    dev_store_free(res.store);
    rows_free(&p.r);
    if (st != PSY_OK) {
        if (st != PSY_E_UNKNOWN_FORMAT && why) *why = local;
        return st;
    }
    psy_reader_adopt_source(rd, src);
    *out = rd;
    return PSY_OK;
}
