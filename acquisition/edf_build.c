/* Channels and events shared by the EDFlib path and psyphys's own EDF parser. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "edf_build.h"

psy_status edf_add_channels(psy_reader *r, const edf_header *hdr, int **map, psy_message *why)
{
    int n = hdr->n_signals - hdr->n_annotation_signals;
    *map = malloc(sizeof **map * (size_t)(n > 0 ? n : 1));
    if (!*map) return psy_fail(why, PSY_E_NOMEM, "out of memory for %d channels", n);
    for (int i = 0, ch = 0; i < hdr->n_signals; i++) {
        const edf_signal *s = &hdr->signals[i];
        if (s->is_annotation) continue;
        psy_channel_info info;
        memset(&info, 0, sizeof info);
        memcpy(info.label, s->label, sizeof info.label);
        memcpy(info.file_unit, s->unit, sizeof info.file_unit);
        /* rate = samples per record / record duration: 51 per 2 s is 25.5 Hz (EDF spec) */
        info.rate_hz = (double)s->samples_per_record / hdr->record_duration;
        info.frames = hdr->n_records * s->samples_per_record; /* <= file size: no overflow */
        info.physical_min = s->phys_min;
        info.physical_max = s->phys_max;
        info.resolution = fabs(s->bitvalue);
        info.digital_min = s->dig_min;
        info.digital_max = s->dig_max;
        info.type = s->type; /* declared by psyphys convert, else guessed from the label */
        if (psy_reader_add_channel(r, &info, !s->type_declared) < 0) {
            free(*map);
            *map = NULL;
            return psy_fail(why, PSY_E_NOMEM, "out of memory for channel %d", ch + 1);
        }
        (*map)[ch++] = i;
    }
    return PSY_OK;
}

psy_status edf_add_event(psy_reader *r, double onset, double duration, const char *text, size_t len)
{
    char small[256];
    char *label = len < sizeof small ? small : malloc(len + 1);
    if (!label) return PSY_E_NOMEM;
    /* EDF+ annotation texts are UTF-8 (Kemp & Olivan 2003, 2.2.2) */
    if (psy_copy_field(label, len + 1, text, len))
        psy_reader_warn(r, "annotation text with bytes that are not UTF-8 (replaced by '?')");
    psy_event ev;
    memset(&ev, 0, sizeof ev);
    ev.onset_s = onset;
    ev.duration_s = duration;
    ev.label = label;
    ev.detail = "";
    ev.source = PSY_EVENTS_ANNOTATION;
    ev.sample = -1;
    ev.channel = -1;
    psy_status st = psy_reader_add_event(r, &ev);
    if (label != small) free(label);
    return st;
}
