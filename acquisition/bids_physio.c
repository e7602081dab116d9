/* BIDS physio (BIDS 1.10, "Physiological recordings"): a headerless, tab-separated
 * *_physio.tsv.gz described by *_physio.json (REQUIRED: SamplingFrequency, StartTime, Columns;
 * optional "<column>": {"Units": ..., "ChannelType": ...}), and *_physioevents.tsv.gz + .json
 * beside it (columns onset, duration, then those its "Columns" names).
 *
 * Time base: StartTime is the time of the first sample relative to the time zero of the run's
 * _events.tsv. It becomes the onset of the recording's single stretch, so sample i sits at
 * StartTime + i / SamplingFrequency (psy_reader_read_times) and events from _events.tsv or
 * physioevents are kept in the BIDS time frame unshifted: they line up with the samples. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bids_physio.h"
#include "gz_source.h"
#include "reference_marks.h"
#include "text_table.h"

#define MAX_SIDECAR (16 << 20)

int bids_is_physio_name(const char *name)
{
    return psy_has_suffix_ci(name, "_physio.tsv.gz") || psy_has_suffix_ci(name, "_physio.tsv");
}

/* Base name of the source with the suffix `from` replaced by `to`; NULL when absent. */
static char *sibling_name(const char *path, const char *from, const char *to)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(base), k = strlen(from);
    if (n < k || !psy_strieq(base + n - k, from)) return NULL;
    char *s = malloc(n - k + strlen(to) + 1);
    if (s) {
        memcpy(s, base, n - k);
        strcpy(s + n - k, to);
    }
    return s;
}

/* What a physio table's related names replace: ".tsv[.gz]" for the sidecar (sub-01_physio.json,
 * and psyphys convert's x.json beside x.tsv.gz); for the events also "_physio" of a BIDS name
 * (sub-01_physioevents.tsv.gz; convert's x_physioevents.tsv.gz). */
static const char *table_ext(const char *name, int events)
{
    int gz = psy_has_suffix_ci(name, ".gz");
    if (events && bids_is_physio_name(name)) return gz ? "_physio.tsv.gz" : "_physio.tsv";
    return gz ? ".tsv.gz" : ".tsv";
}

static psy_status load_json(psy_source *s, json_t **out, psy_message *why)
{
    int64_t size = psy_source_size(s);
    if (size < 0 || size > MAX_SIDECAR)
        return psy_fail(why, PSY_E_FORMAT, "sidecar size %lld is not plausible", (long long)size);
    char *buf = malloc((size_t)size + 1);
    if (!buf) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    psy_status st = psy_source_read_exact(s, 0, buf, (size_t)size);
    if (st != PSY_OK) {
        free(buf);
        return psy_fail(why, st, "cannot read the sidecar");
    }
    json_error_t err;
    *out = json_loadb(buf, (size_t)size, 0, &err);
    free(buf);
    if (!*out) return psy_fail(why, PSY_E_FORMAT, "sidecar JSON: %s (line %d)", err.text, err.line);
    if (!json_is_object(*out)) {
        json_decref(*out);
        return psy_fail(why, PSY_E_FORMAT, "sidecar JSON is not an object");
    }
    return PSY_OK;
}

/* Opens the first related file found among names[]; NULL when none. */
static psy_source *open_first_related(psy_source *src, char **names, int n)
{
    for (int i = 0; i < n; i++) {
        psy_source *s = NULL;
        if (names[i] && psy_source_open_related(src, names[i], &s) == PSY_OK) return s;
    }
    return NULL;
}

/* "Columns": an array of n non-empty strings. */
static psy_status json_columns(json_t *root, const char *what, const char ***names, int *n,
                               psy_message *why)
{
    json_t *cols = json_object_get(root, "Columns");
    if (!json_is_array(cols) || json_array_size(cols) == 0 || json_array_size(cols) > 4096)
        return psy_fail(why, PSY_E_FORMAT, "%s: \"Columns\" must be a non-empty array of names", what);
    *n = (int)json_array_size(cols);
    *names = calloc((size_t)*n, sizeof **names);
    if (!*names) return psy_fail(why, PSY_E_NOMEM, "out of memory");
    for (int i = 0; i < *n; i++) {
        const char *s = json_string_value(json_array_get(cols, (size_t)i));
        if (!s || !*s) {
            free(*names);
            *names = NULL;
            return psy_fail(why, PSY_E_FORMAT, "%s: \"Columns\"[%d] is not a name", what, i);
        }
        (*names)[i] = s;
    }
    return PSY_OK;
}

/* BIDS names its usual columns by the quantity: cardiac = pulse, respiratory = breathing. */
static psy_channel_type bids_column_type(const char *name)
{
    if (psy_strieq(name, "cardiac")) return PSY_CH_PPG;
    if (psy_strieq(name, "respiratory")) return PSY_CH_RESP;
    if (psy_strieq(name, "trigger")) return PSY_CH_TRIGGER;
    return PSY_CH_OTHER;
}

/* The types the sidecar declares (BIDS_CHANNEL_TYPE_KEY) replace those guessed from the names. */
static void declared_types(psy_reader *r, json_t *root, const char **names, int n)
{
    for (int i = 0; i < n; i++) {
        json_t *desc = json_object_get(root, names[i]);
        json_t *declared = json_is_object(desc) ? json_object_get(desc, BIDS_CHANNEL_TYPE_KEY) : NULL;
        const char *type_name = json_string_value(declared); /* NULL when not a string */
        psy_channel_type type;
        int ch = psy_reader_find_channel(r, names[i]);
        if (ch >= 0 && type_name && psy_channel_type_parse(type_name, &type) == PSY_OK)
            psy_reader_set_channel_type(r, ch, type);
    }
}

static psy_status load_physioevents(psy_reader *r, psy_source *src, psy_message *why)
{
    const char *name = psy_source_name(src);
    const char *gz = table_ext(name, 1);
    char *cand[2] = {sibling_name(name, gz, "_physioevents.tsv.gz"),
                     sibling_name(name, gz, "_physioevents.tsv")};
    char *json_name = sibling_name(name, gz, "_physioevents.json");
    psy_source *ev = open_first_related(src, cand, 2);
    psy_source *js = json_name ? open_first_related(src, &json_name, 1) : NULL;
    free(cand[0]);
    free(cand[1]);
    free(json_name);
    psy_status st = PSY_OK;
    json_t *root = NULL;
    const char **cols = NULL;
    int n = 0;
    psy_source *dec = NULL;
    gz_ctx *g = NULL;
    if (!ev) goto done;
    if (!js) {
        static const char *const fallback[] = {"onset", "duration", "value"};
        psy_reader_warn(r, "physioevents without a .json sidecar: columns taken as onset, duration, value");
        cols = malloc(sizeof fallback);
        if (!cols) {
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
            goto done;
        }
        memcpy(cols, fallback, sizeof fallback);
        n = 3;
    } else {
        st = load_json(js, &root, why);
        const char **listed = NULL;
        int k = 0;
        if (st == PSY_OK) st = json_columns(root, "physioevents sidecar", &listed, &k, why);
        if (st != PSY_OK) goto done;
        /* BIDS 1.10: onset and duration come first; "Columns" may or may not repeat them. */
        int has_both = k >= 2 && psy_strieq(listed[0], "onset") && psy_strieq(listed[1], "duration");
        n = has_both ? k : k + 2;
        cols = calloc((size_t)n, sizeof *cols);
        if (!cols) {
            free(listed);
            st = psy_fail(why, PSY_E_NOMEM, "out of memory");
            goto done;
        }
        if (!has_both) cols[0] = "onset", cols[1] = "duration";
        memcpy(cols + (has_both ? 0 : 2), listed, (size_t)k * sizeof *cols);
        free(listed);
    }
    psy_source *read_from = ev;
    if (psy_gz_is_gzip(ev)) {
        st = psy_gz_source_open(ev, &dec, &g, why);
        if (st != PSY_OK) goto done;
        read_from = dec;
    }
    st = text_events_load(r, read_from, 0, cols, n, 0, why);
    if (st == PSY_OK) psy_reader_unmark_references(r); /* convert's copies of WFDB annotations */
done:
    if (st != PSY_OK && why) {
        char inner[PSY_MESSAGE_SIZE];
        snprintf(inner, sizeof inner, "%s", why->text);
        psy_fail(why, st, "physioevents: %s", inner);
    }
    psy_source_close(dec);
    psy_source_close(ev);
    psy_source_close(js);
    free(cols);
    json_decref(root);
    return st;
}

/* The run's _events.tsv: the physio name without its recording-<label> entity and with
 * _events.tsv for _physio.tsv[.gz] (BIDS 1.10, "Physiological recordings": StartTime is relative to
 * that file's time zero). NULL when the name is not a BIDS physio name. */
static char *run_events_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *suffix = psy_has_suffix_ci(base, ".gz") ? "_physio.tsv.gz" : "_physio.tsv";
    size_t n = strlen(base), k = strlen(suffix);
    if (n <= k || !psy_strieq(base + n - k, suffix)) return NULL;
    char *s = malloc(n + sizeof "_events.tsv");
    if (!s) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n - k;) { /* copy the entities, all but recording-<label> */
        size_t j = i + 1;
        while (j < n - k && base[j] != '_') j++;
        const char *ent = base + i + (i > 0); /* past the '_' */
        if (!(i > 0 && strncmp(ent, "recording-", 10) == 0)) memcpy(s + o, base + i, j - i), o += j - i;
        i = j;
    }
    strcpy(s + o, "_events.tsv");
    return s;
}

/* The run's _events.tsv beside the physio file, when there is one. */
static psy_status load_run_events(psy_reader *r, psy_source *src, psy_message *why)
{
    char *name = run_events_name(psy_source_name(src));
    psy_source *ev = name ? open_first_related(src, &name, 1) : NULL;
    psy_status st = ev ? text_events_load(r, ev, 1, NULL, 0, 0, why) : PSY_OK;
    if (st != PSY_OK && why) {
        char inner[PSY_MESSAGE_SIZE];
        snprintf(inner, sizeof inner, "%s", why->text);
        psy_fail(why, st, "%s: %s", name, inner);
    }
    psy_source_close(ev);
    free(name);
    return st;
}

int bids_has_physio_sidecar(psy_source *src)
{
    char *name = sibling_name(psy_source_name(src), table_ext(psy_source_name(src), 0), ".json");
    psy_source *side = name ? open_first_related(src, &name, 1) : NULL;
    free(name);
    json_t *root = NULL;
    int yes = side && load_json(side, &root, NULL) == PSY_OK &&
              json_is_number(json_object_get(root, "SamplingFrequency")) &&
              json_is_array(json_object_get(root, "Columns"));
    json_decref(root);
    psy_source_close(side);
    return yes;
}

psy_status bids_physio_open(psy_source *src, const psy_open_options *opt, psy_reader **out,
                            psy_message *why)
{
    *out = NULL;
    psy_source *side = NULL;
    if (opt->sidecar_path) {
        if (psy_source_open_path(opt->sidecar_path, &side) != PSY_OK)
            return psy_fail(why, PSY_E_NOT_FOUND, "cannot open the sidecar given");
    } else {
        const char *name = psy_source_name(src);
        char *j = sibling_name(name, table_ext(name, 0), ".json");
        if (j) psy_source_open_related(src, j, &side);
        if (!side) {
            psy_status st = psy_fail(why, PSY_E_FORMAT, "BIDS physio: sidecar '%s' not found (it gives "
                                     "the columns and the sampling rate)",
                                     j ? j : "<the table's name with .json for .tsv.gz>");
            free(j);
            return st;
        }
        free(j);
    }
    json_t *root = NULL;
    psy_status st = load_json(side, &root, why);
    psy_source_close(side);
    if (st != PSY_OK) return st;
    const char **names = NULL;
    const char **units = NULL;
    psy_channel_type *types = NULL;
    int n = 0;
    psy_reader *r = NULL;
    json_t *fs = json_object_get(root, "SamplingFrequency");
    json_t *start = json_object_get(root, "StartTime");
    /* The rate rule (recording.h): the sidecar's rate wins; the given one only stands in for a
     * missing SamplingFrequency (which BIDS requires). */
    int declared = json_is_number(fs);
    double rate = declared ? json_number_value(fs) : opt->sampling_rate_hz;
    if (!(rate > 0) || rate > 1e9) {
        st = psy_fail(why, PSY_E_FORMAT, "BIDS sidecar: \"SamplingFrequency\" must be a positive number");
        goto done;
    }
    if (start && !json_is_number(start)) {
        st = psy_fail(why, PSY_E_FORMAT, "BIDS sidecar: \"StartTime\" must be a number (seconds)");
        goto done;
    }
    st = json_columns(root, "BIDS sidecar", &names, &n, why);
    if (st != PSY_OK) goto done;
    units = calloc((size_t)n, sizeof *units);
    types = calloc((size_t)n, sizeof *types);
    if (!units || !types) {
        st = psy_fail(why, PSY_E_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < n; i++) {
        json_t *desc = json_object_get(root, names[i]);
        json_t *u = json_is_object(desc) ? json_object_get(desc, "Units") : NULL;
        if (!u && json_is_object(desc)) u = json_object_get(desc, "units");
        units[i] = json_is_string(u) ? json_string_value(u) : "";
        types[i] = bids_column_type(names[i]);
    }
    text_table_config cfg = {0};
    cfg.format_name = bids_is_physio_name(psy_source_name(src)) ? "BIDS physio" : NULL;
    cfg.delim = bids_is_physio_name(psy_source_name(src)) ? '\t' : 0; /* BIDS: TSV */
    cfg.names = names;
    cfg.units = units;
    cfg.types = types;
    cfg.n_names = n;
    cfg.rate_hz = rate;
    cfg.start_s = start ? json_number_value(start) : 0;
    st = text_table_open(src, &cfg, &r, why);
    if (st != PSY_OK) goto done;
    declared_types(r, root, names, n);
    if (!start) psy_reader_warn(r, "BIDS sidecar has no \"StartTime\" (REQUIRED): 0 assumed");
    psy_reader_set_rate_origin(r, declared ? PSY_RATE_FILE : PSY_RATE_GIVEN);
    if (!declared) psy_reader_warn(r, "BIDS sidecar has no \"SamplingFrequency\" (REQUIRED): the given %g Hz is used", rate);
    st = load_physioevents(r, src, why);
    if (st == PSY_OK && bids_is_physio_name(psy_source_name(src))) st = load_run_events(r, src, why);
    if (st != PSY_OK) {
        psy_reader_discard(r);
        r = NULL;
    }
done:
    free(names);
    free(units);
    free(types);
    json_decref(root);
    *out = r;
    return st;
}
