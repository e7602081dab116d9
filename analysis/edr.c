/* ECG-derived respiration (see include/psyphys/resp.h). */
#include <stdio.h>

#include "psyphys/resp.h"

psy_status psy_breaths_from_beats(const psy_beat_list *beats, psy_breath_list **out, psy_message *why)
{
    (void)beats;
    if (out) *out = NULL;
    if (why) snprintf(why->text, sizeof why->text, "ECG-derived respiration is not built yet");
    return PSY_E_UNSUPPORTED;
}
