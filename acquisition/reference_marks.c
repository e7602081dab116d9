/* Reference annotations marked by their source in EDF+ and BIDS copies (reference_marks.h). */
#include <stdio.h>
#include <string.h>

#include "psyphys/writer.h" /* psy_wfdb_code */
#include "reference_marks.h"

static const char PREFIX[] = "psyphys: ";

static int is_reference(psy_event_source s) { return s == PSY_EVENTS_WFDB || s == PSY_EVENTS_DEVICE; }

const char *psy_reference_mark(const psy_event *e, char *buf, size_t size)
{
    if (!is_reference(e->source)) return e->label;
    snprintf(buf, size, "%s%s %s", PREFIX, psy_event_source_name(e->source), e->label);
    return buf;
}

void psy_reader_unmark_references(psy_reader *r)
{
    static const psy_event_source sources[] = {PSY_EVENTS_WFDB, PSY_EVENTS_DEVICE};
    for (size_t i = 0; i < psy_reader_event_count(r); i++) {
        psy_event *e = psy_reader_event_edit(r, i);
        if (strncmp(e->label, PREFIX, sizeof PREFIX - 1) != 0) continue;
        const char *rest = e->label + sizeof PREFIX - 1;
        for (size_t k = 0; k < sizeof sources / sizeof sources[0]; k++) {
            const char *name = psy_event_source_name(sources[k]);
            size_t n = strlen(name);
            if (strncmp(rest, name, n) != 0 || rest[n] != ' ' || !rest[n + 1]) continue;
            e->label = rest + n + 1; /* inside the reader's copy of the text */
            e->source = sources[k];
            e->code = psy_wfdb_code(e->label);
            break;
        }
    }
}
