/* Placeholder until the reader lands. */
#include "reader_impl.h"
psy_status psy_open_sndfile(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why)
{
    (void)src; (void)opt; (void)out;
    return psy_fail(why, PSY_E_UNSUPPORTED, "reader not built yet");
}
