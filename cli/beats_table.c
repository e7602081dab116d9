/* The beats table's channel choice and its sidecar in the CLI's JSON objects (the library's:
 * psyphys/sidecar.h). */
#include <math.h>
#include <string.h>

#include "beats_table.h"
#include "cli.h"
#include "provenance.h"

int cli_pick_channel(psy_reader *r, const char *path, const char *label,
                     const psy_channel_type *types, int n_types, const char *what)
{
    int ch;
    psy_message why = {{0}};
    psy_status st = psy_reader_pick_channel(r, label, types, n_types, &ch, &why);
    if (st == PSY_OK) return ch;
    if (st == PSY_E_INVALID) {
        const psy_channel_info *c = psy_reader_channel(r, psy_reader_find_channel(r, label));
        cli_error(path, "%s: refused; if it is %s, say so with --channel-type '%s=%s'", why.text,
                  psy_channel_type_name(types[0]), c->label, psy_channel_type_name(types[0]));
    } else if (label) { /* every label, however many (the library's reason stops at its size) */
        char list[1024] = "";
        for (int i = 0; i < psy_reader_channel_count(r); i++) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s'%s'", i ? ", " : "", psy_reader_channel(r, i)->label);
        }
        cli_error(path, "no channel labelled '%s'; it has %s", label,
                  psy_reader_channel_count(r) ? list : "no channels");
    } else {
        cli_error(path, "no %s channel; name one with --channel LABEL", what);
    }
    return -1;
}

/* Adds what a library call added to an empty sidecar (when it succeeded) to a CLI sidecar. */
static void merge_from(json_t *sidecar, psy_sidecar *add, psy_status st)
{
    json_t *o = st == PSY_OK ? cli_sidecar_json(add) : NULL;
    if (o) cli_sidecar_merge(sidecar, o);
    psy_sidecar_free(add);
}

void cli_beats_sidecar(json_t *sidecar, psy_reader *r, const int chs[2],
                       const psy_beats_config *cfg, const psy_beat_list *b)
{
    psy_sidecar *add = NULL;
    psy_status st = psy_sidecar_create(&add);
    if (st == PSY_OK) st = psy_sidecar_add_beats(add, r, chs, cfg, b);
    merge_from(sidecar, add, st);
}

void cli_pulses_sidecar(json_t *sidecar, psy_reader *r, int ch, const psy_pulses_config *cfg,
                        const psy_beat_list *b)
{
    psy_sidecar *add = NULL;
    psy_status st = psy_sidecar_create(&add);
    if (st == PSY_OK) st = psy_sidecar_add_pulses(add, r, ch, cfg, b);
    merge_from(sidecar, add, st);
}

void cli_hrv_series_sidecar(json_t *sidecar, psy_reader *r, const psy_hrv_series *s)
{
    if (!s->pulses && !s->ecg_beats) return;
    psy_sidecar *add = NULL;
    psy_status st = psy_sidecar_create(&add);
    if (st == PSY_OK)
        st = s->pulses ? psy_sidecar_add_pulse_variability(add, r, s->channel, s->pulses)
                       : psy_sidecar_add_beat_gaps(add, r, s->channel, s->ecg_beats);
    merge_from(sidecar, add, st);
}

void cli_print_warnings(const char *path, json_t *sidecar)
{
    json_t *warnings = json_object_get(sidecar, "warnings");
    for (size_t i = 0; i < json_array_size(warnings); i++)
        fprintf(stderr, "psyphys: %s: warning: %s\n", path, json_string_value(json_array_get(warnings, i)));
}
