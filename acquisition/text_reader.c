/* Placeholder until the reader lands. */
#include "reader_impl.h"
psy_status psy_open_text(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why)
{
    (void)src; (void)opt; (void)out;
    return psy_fail(why, PSY_E_UNSUPPORTED, "reader not built yet");
}
psy_status psy_reader_load_events(psy_reader *reader, psy_source *events, double offset_s, psy_message *why)
{
    (void)reader; (void)events; (void)offset_s;
    return psy_fail(why, PSY_E_UNSUPPORTED, "not built yet");
}
