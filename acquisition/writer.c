/* Placeholder until the writer lands. */
#include "psyphys/writer.h"
#include "reader_impl.h"
psy_status psy_write_format_from_path(const char *path, psy_write_format *out)
{
    (void)path; (void)out;
    return PSY_E_UNSUPPORTED;
}
psy_status psy_write_recording(psy_reader *reader, const char *path, psy_write_format format,
                               const psy_write_options *options, psy_message *why)
{
    (void)reader; (void)path; (void)format; (void)options;
    return psy_fail(why, PSY_E_UNSUPPORTED, "not built yet");
}
