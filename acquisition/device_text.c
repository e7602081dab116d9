/* Placeholder until the device-export readers land. */
#include "reader_impl.h"
psy_status psy_open_device_text(psy_source *src, const psy_open_options *opt, psy_reader **out,
                                psy_message *why)
{
    (void)src; (void)opt; (void)out; (void)why;
    return PSY_E_UNKNOWN_FORMAT;
}
