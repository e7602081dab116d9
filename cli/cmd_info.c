/* psyphys info — what a recording holds: format, start, duration, channels, events, warnings. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: psyphys info FILE [--json] [--first-events N] [input options]\n\n"
            "Describes a recording: format, start date-time, duration (and gaps), every channel\n"
            "(label, type, unit, rate, frames), the number of events and the first N of them\n"
            "(default 10; 0 for none, -1 for all), and any warning about non-conformant content.\n\n"
            "  --json              one JSON object on stdout instead of text\n"
            "  --first-events N    how many events to list\n\n");
    cli_print_input_options_help(out);
}

static double channel_duration(psy_reader *r, int ch)
{
    const psy_channel_info *c = psy_reader_channel(r, ch);
    if (c->rate_hz > 0) return (double)c->frames / c->rate_hz;
    double t = 0;
    if (c->frames > 0 && psy_reader_read_times(r, ch, c->frames - 1, 1, &t) != PSY_OK) return NAN;
    return t;
}

static size_t events_to_list(psy_reader *r, long first)
{
    size_t n = psy_reader_event_count(r);
    return first < 0 || (size_t)first > n ? n : (size_t)first;
}

static void print_text(const char *path, psy_reader *r, long first)
{
    char start[64];
    psy_datetime t = psy_reader_start(r);
    psy_datetime_format(&t, start, sizeof start);
    int ns = psy_reader_stretch_count(r);
    printf("file       %s\nformat     %s\nstart      %s\n", path, psy_reader_format(r), start);
    printf("duration   %.3f s", psy_reader_duration(r));
    if (ns > 1) printf(" in %d stretches (%d gaps)", ns, ns - 1);
    printf("\nchannels   %d\n", psy_reader_channel_count(r));
    if (psy_reader_channel_count(r) > 0)
        printf("  %3s  %-24s %-8s %-8s %12s %12s %12s\n", "#", "label", "type", "unit", "rate_hz",
               "frames", "duration_s");
    for (int i = 0; i < psy_reader_channel_count(r); i++) {
        const psy_channel_info *c = psy_reader_channel(r, i);
        char rate[32];
        if (c->rate_hz > 0) snprintf(rate, sizeof rate, "%.6g", c->rate_hz);
        else snprintf(rate, sizeof rate, "irregular");
        printf("  %3d  %-24s %-8s %-8s %12s %12lld %12.3f\n", i, c->label,
               psy_channel_type_name(c->type), c->unit[0] ? c->unit : "-", rate,
               (long long)c->frames, channel_duration(r, i));
    }
    if (ns > 1) {
        printf("stretches\n  %12s %12s\n", "onset_s", "duration_s");
        for (int i = 0; i < ns; i++)
            printf("  %12.3f %12.3f\n", psy_reader_stretch(r, i)->onset_s,
                   psy_reader_stretch(r, i)->duration_s);
    }
    size_t ne = psy_reader_event_count(r), show = events_to_list(r, first);
    printf("events     %zu\n", ne);
    if (show) printf("  %12s %12s  %-10s %s\n", "onset_s", "duration_s", "source", "label");
    for (size_t i = 0; i < show; i++) {
        const psy_event *e = psy_reader_event(r, i);
        printf("  %12.4f ", e->onset_s);
        if (isnan(e->duration_s)) printf("%12s", "n/a");
        else printf("%12.4f", e->duration_s);
        printf("  %-10s %s%s%s\n", psy_event_source_name(e->source), e->label,
               e->detail[0] ? "  " : "", e->detail);
    }
    if (show < ne) printf("  ... %zu more\n", ne - show);
    for (size_t i = 0; i < psy_reader_warning_count(r); i++)
        printf("warning    %s\n", psy_reader_warning(r, i));
}

static json_t *number_or_null(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static json_t *info_json(const char *path, psy_reader *r, long first)
{
    char start[64];
    psy_datetime t = psy_reader_start(r);
    psy_datetime_format(&t, start, sizeof start);
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(path));
    json_object_set_new(o, "format", json_string(psy_reader_format(r)));
    json_object_set_new(o, "start", t.known ? json_string(start) : json_null());
    json_object_set_new(o, "duration_s", json_real(psy_reader_duration(r)));
    json_t *stretches = json_array();
    for (int i = 0; i < psy_reader_stretch_count(r); i++) {
        const psy_stretch *s = psy_reader_stretch(r, i);
        json_array_append_new(stretches, json_pack("{s:f,s:f}", "onset_s", s->onset_s,
                                                   "duration_s", s->duration_s));
    }
    json_object_set_new(o, "stretches", stretches);
    json_t *chans = json_array();
    for (int i = 0; i < psy_reader_channel_count(r); i++) {
        const psy_channel_info *c = psy_reader_channel(r, i);
        json_t *jc = json_object();
        json_object_set_new(jc, "label", json_string(c->label));
        json_object_set_new(jc, "type", json_string(psy_channel_type_name(c->type)));
        json_object_set_new(jc, "unit", json_string(c->unit));
        json_object_set_new(jc, "file_unit", json_string(c->file_unit));
        json_object_set_new(jc, "rate_hz", c->rate_hz > 0 ? json_real(c->rate_hz) : json_null());
        json_object_set_new(jc, "irregular", json_boolean(c->rate_hz <= 0));
        json_object_set_new(jc, "frames", json_integer(c->frames));
        json_object_set_new(jc, "duration_s", number_or_null(channel_duration(r, i)));
        json_object_set_new(jc, "physical_min", number_or_null(c->physical_min));
        json_object_set_new(jc, "physical_max", number_or_null(c->physical_max));
        json_object_set_new(jc, "resolution", c->resolution > 0 ? json_real(c->resolution) : json_null());
        json_array_append_new(chans, jc);
    }
    json_object_set_new(o, "channels", chans);
    json_object_set_new(o, "event_count", json_integer((json_int_t)psy_reader_event_count(r)));
    json_t *events = json_array();
    for (size_t i = 0, show = events_to_list(r, first); i < show; i++) {
        const psy_event *e = psy_reader_event(r, i);
        json_t *je = json_object();
        json_object_set_new(je, "onset_s", json_real(e->onset_s));
        json_object_set_new(je, "duration_s", number_or_null(e->duration_s));
        json_object_set_new(je, "label", json_string(e->label));
        if (e->detail[0]) json_object_set_new(je, "detail", json_string(e->detail));
        json_object_set_new(je, "source", json_string(psy_event_source_name(e->source)));
        if (e->sample >= 0) json_object_set_new(je, "sample", json_integer(e->sample));
        json_array_append_new(events, je);
    }
    json_object_set_new(o, "events", events);
    json_t *warnings = json_array();
    for (size_t i = 0; i < psy_reader_warning_count(r); i++)
        json_array_append_new(warnings, json_string(psy_reader_warning(r, i)));
    json_object_set_new(o, "warnings", warnings);
    return o;
}

int cmd_info(int argc, char **argv)
{
    cli_input_options in;
    cli_input_options_init(&in);
    const char *path = NULL;
    int as_json = 0;
    long first = 10;
    for (int i = 1; i < argc; i++) {
        int used = cli_parse_input_option(&in, argc, argv, &i);
        if (used < 0) return CLI_USAGE;
        if (used) continue;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(stdout);
            return CLI_OK;
        } else if (strcmp(argv[i], "--json") == 0) {
            as_json = 1;
        } else if (strcmp(argv[i], "--first-events") == 0 && i + 1 < argc) {
            char *end;
            first = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i]) {
                cli_error(NULL, "--first-events wants a whole number, not '%s'", argv[i]);
                return CLI_USAGE;
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            static const char *const with_value[] = {"--first-events", NULL};
            return cli_refuse_option("info", argv[i], with_value);
        } else if (!path) {
            path = argv[i];
        } else {
            cli_error(NULL, "info: one FILE at a time ('%s' is extra)", argv[i]);
            return CLI_USAGE;
        }
    }
    if (!path) {
        help(stderr);
        return CLI_USAGE;
    }
    psy_reader *r = cli_open_recording(path, &in);
    if (!r) return CLI_FAILED;
    if (as_json) {
        json_t *o = info_json(path, r, first);
        char *text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
        if (text) puts(text);
        free(text);
        json_decref(o);
    } else {
        print_text(path, r, first);
    }
    psy_reader_close(r);
    return CLI_OK;
}
