/* Placeholder until the reader lands. */
#include "reader_impl.h"
psy_status psy_open_wfdb(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why)
{
    (void)src; (void)opt; (void)out;
    return psy_fail(why, PSY_E_UNSUPPORTED, "reader not built yet");
}
psy_status psy_open_wfdb_annotations(psy_source *src, const psy_open_options *opt, psy_reader **out, psy_message *why)
{
    (void)src; (void)opt; (void)out;
    return psy_fail(why, PSY_E_UNSUPPORTED, "reader not built yet");
}
char *psy_wfdb_header_for_path(const char *path) { (void)path; return NULL; }
