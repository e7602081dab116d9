/* psyphys analyze — one session recording and its events into the tables a researcher analyses:
 * beats, SCRs, per-phase (segment) markers, event-locked (epoch) responses, HRV windows.
 * The library computes them (psyphys/session.h); the pieces here: analyze_options.c
 * (with a --config file read by psyphys/session_settings.h), analyze_session.c, analyze_outputs.c, analyze_summary.c. */
#include "analyze.h"

int cmd_analyze(int argc, char **argv)
{
    analyze_options o;
    int rc = analyze_parse_args(argc, argv, &o);
    if (rc != CLI_OK) {
        analyze_options_free(&o);
        return rc < 0 ? CLI_OK : rc;
    }
    analyze_session s;
    rc = analyze_session_run(&s, &o);
    if (rc == CLI_OK) {
        analyze_print_summary(&s, &o);
        if (o.outdir && !analyze_write_outputs(&s, &o)) rc = CLI_FAILED;
    }
    analyze_session_free(&s);
    analyze_options_free(&o);
    return rc;
}
