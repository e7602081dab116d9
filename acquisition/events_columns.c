/* "onset=COL[,duration=COL][,label=COL]": an event file's columns named by the user
 * (psy_events_columns_parse, psyphys/recording.h). */
#include <stdlib.h>
#include <string.h>

#include "psy_core.h"
#include "psyphys/recording.h"

psy_status psy_events_columns_parse(const char *spec, psy_events_options *options, char **storage)
{
    static const char *const roles[] = {"onset", "duration", "label"};
    const char *cols[3] = {NULL, NULL, NULL};
    if (!spec || !options || !storage) return PSY_E_INVALID;
    char *buf = strdup(spec);
    if (!buf) return PSY_E_NOMEM;
    for (char *item = buf; item;) {
        char *comma = strchr(item, ','), *eq = strchr(item, '=');
        if (comma) *comma = '\0';
        if (eq && comma && eq > comma) eq = NULL;
        int k = 0;
        if (eq) {
            *eq = '\0';
            while (k < 3 && strcmp(item, roles[k]) != 0) k++;
        }
        if (!eq || k == 3 || !eq[1] || cols[k]) {
            free(buf);
            return PSY_E_INVALID;
        }
        cols[k] = eq + 1;
        item = comma ? comma + 1 : NULL;
    }
    if (!cols[0] && !cols[1] && !cols[2]) { /* an empty spec */
        free(buf);
        return PSY_E_INVALID;
    }
    options->onset_column = cols[0], options->duration_column = cols[1], options->label_column = cols[2];
    *storage = buf;
    return PSY_OK;
}
